//! `zongjie init` and `zongjie new`: starting a workspace and a period.

mod common;
use common::*;

#[test]
fn init_makes_a_workspace_whose_check_lists_every_empty_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("某县民政局");
    let out = zongjie(tmp.path(), &["init", dir.to_str().unwrap(), "--period", "2025H1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in [
        "zongjie.yaml",
        "README.md",
        "templates/civil-affairs-h1/report.md.j2",
        "templates/civil-affairs-h1/catalog.yaml",
        "templates/reference.docx",
        "data/2025H1/数据.yaml",
        "data/2025H1/低保分乡镇.csv",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("templates/civil-affairs-h1/report.md.j2")).unwrap(),
        std::fs::read_to_string(repo().join("templates/civil-affairs-h1/report.md.j2")).unwrap()
    );
    let out = zongjie(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // The skeleton follows the report: the title's 单位.名称 comes first.
    assert!(
        err.contains("error: data/2025H1/数据.yaml:3: 单位.名称 (发文单位（落款）): has no value; fill it in\n"),
        "{err}"
    );
    assert!(err.contains("error: data/2025H1/低保分乡镇.csv:2: 低保分乡镇.户数: has no value for 合计; fill in the cell (0 if there is none)\n"), "{err}");
    // Never over an existing workspace.
    let out = zongjie(tmp.path(), &["init", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with("is already a workspace; nothing was changed\n"));
}

#[test]
fn new_starts_a_period_from_the_previous_with_every_value_emptied() {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["new", "2025H1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = std::fs::read_to_string(ws.path().join("data/2025H1/社会救助.yaml")).unwrap();
    // Each emptied value carries the figure's label from the catalog, where it has one.
    assert!(
        yaml.contains("临时救助:\n  备用金标准倍数:   # 一次性救助上限（月低保标准的倍数）\n  拨付资金:\n  人次:\n"),
        "{yaml}"
    );
    assert!(!yaml.chars().any(|c| c.is_ascii_digit()), "no value left: {yaml}");
    let csv = std::fs::read_to_string(ws.path().join("data/2025H1/低保分乡镇.csv")).unwrap();
    assert!(csv.contains("\n梧桐镇,,,\n") && csv.ends_with("合计,,,\n"), "{csv}");
    assert!(ws.path().join("data/2025H1/特困分乡镇.csv").is_file(), "a workbook sheet starts again as CSV");
    let out = zongjie(ws.path(), &["check", "2025H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: data/2025H1/社会救助.yaml:9: 临时救助.人次: has no value; fill it in\n"),
        "{}",
        stderr(&out)
    );
    let out = zongjie(ws.path(), &["new", "2025H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: data/2025H1: already exists; nothing was changed\n");
}

#[test]
fn new_copies_the_previous_periods_own_template() {
    let ws = workspace("mini");
    std::fs::write(ws.path().join("data/2024H1/report.md.j2"), "# {{ 单位.名称 }}专报\n").unwrap();
    assert!(zongjie(ws.path(), &["new", "2024H2"]).status.success());
    assert_eq!(std::fs::read_to_string(ws.path().join("data/2024H2/report.md.j2")).unwrap(), "# {{ 单位.名称 }}专报\n");
}

#[test]
fn new_empties_every_value_whatever_its_yaml_form() {
    let ws = workspace("mini");
    // The same figures, written in the forms a statistician's editor may leave.
    let data = "单位:\n  名称: \"测试县民政局\"\n落款: {日期: 2024-07-05}\n低保:\n  户数:\n    447\n  人数: &n 2100\n  金额: >-\n    45678901.23元\n特困:\n  集中供养率: !!str 61.25%  # 上年 60%\n";
    std::fs::write(ws.path().join("data/2024H1/救助.yaml"), data).unwrap();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    assert!(markdown(ws.path(), "2024H1").contains("全县低保447户2100人"));
    let out = zongjie(ws.path(), &["new", "2024H2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(ws.path().join("data/2024H2/救助.yaml")).unwrap(),
        "单位:\n  名称:\n落款: {日期: }\n低保:\n  户数:\n  人数:\n  金额:\n特困:\n  集中供养率:\n"
    );
    let out = zongjie(ws.path(), &["check", "2024H2"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H2/救助.yaml:2: 单位.名称: has no value; fill it in\n\
         error: data/2024H2/救助.yaml:3: 落款.日期: has no value; fill it in\n\
         error: data/2024H2/救助.yaml:5: 低保.户数: has no value; fill it in\n\
         error: data/2024H2/救助.yaml:6: 低保.人数: has no value; fill it in\n\
         error: data/2024H2/救助.yaml:7: 低保.金额: has no value; fill it in\n\
         error: data/2024H2/救助.yaml:9: 特困.集中供养率: has no value; fill it in\n\
         2024H2: failed\n"
    );
}

/// Every value of a period's YAML files, by dotted name, as written (numbers as their text).
fn sample_values(dir: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    fn walk(prefix: &str, value: &serde_json::Value, out: &mut std::collections::BTreeMap<String, String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&name, v, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_string(), s.clone());
            }
            other => {
                out.insert(prefix.to_string(), other.to_string());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let value: serde_json::Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            walk("", &value, &mut out);
        }
    }
    out
}

#[test]
fn init_with_the_annual_template_then_filled_in_builds_an_annual_report() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("年度");
    let out = zongjie(dir.path(), &["init", "年度", "--template", "civil-affairs-annual", "--period", "2024"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The skeleton lists each figure once, in the report's order, with its label.
    let skeleton = std::fs::read_to_string(ws.join("data/2024/数据.yaml")).unwrap();
    assert!(skeleton.contains("  名称:   # 发文单位（落款）；文字\n"), "{skeleton}");
    // Before anything is filled in, check lists what is missing and fails.
    let out = zongjie(&ws, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    // Fill every value from the sample's 2024 data, and copy its township sheets.
    let values = sample_values(&repo().join("data/2024"));
    let mut group = String::new();
    let mut filled = String::new();
    for line in skeleton.lines() {
        if let Some(g) = line.strip_suffix(':').filter(|l| !l.starts_with(' ') && !l.starts_with('#')) {
            group = g.to_string();
            filled.push_str(line);
        } else if let Some((key, _)) = line.trim_start().split_once(":   #") {
            let value =
                values.get(&format!("{group}.{key}")).unwrap_or_else(|| panic!("no sample value for {group}.{key}"));
            filled.push_str(&format!("  {key}: \"{value}\""));
        } else {
            filled.push_str(line);
        }
        filled.push('\n');
    }
    std::fs::write(ws.join("data/2024/数据.yaml"), filled).unwrap();
    for sheet in ["低保分乡镇.csv", "特困分乡镇.xlsx"] {
        let _ = std::fs::remove_file(ws.join("data/2024").join(sheet.replace(".xlsx", ".csv")));
        std::fs::copy(repo().join("data/2024").join(sheet), ws.join("data/2024").join(sheet)).unwrap();
    }
    let out = zongjie(&ws, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = zongjie(&ws, &["build", "--format", "md,pdf,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = markdown(&ws, "2024");
    assert!(md.starts_with("# 梧桐县民政局2024年工作总结和2025年工作计划\n"), "{md}");
    for ext in ["pdf", "docx"] {
        assert!(file_with_ext(&ws.join("output/2024"), ext).exists());
    }
}

#[test]
fn templates_lists_the_bundled_templates_with_their_periods() {
    let dir = tempfile::tempdir().unwrap();
    let out = zongjie(dir.path(), &["templates"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("civil-affairs-h1      H1  "), "{text}");
    assert!(lines[1].starts_with("civil-affairs-annual  year  "), "{text}");
    assert!(lines[2].starts_with("blank                 any  "), "{text}");
}
