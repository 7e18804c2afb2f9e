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
    assert!(err.contains("error: data/2025H1/数据.yaml:3: 三级中心.乡镇指导中心: has no value; fill it in\n"), "{err}");
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
    assert!(yaml.contains("临时救助:\n  备用金标准倍数:\n  拨付资金:\n  人次:\n"), "{yaml}");
    assert!(!yaml.chars().any(|c| c.is_ascii_digit()), "no value left: {yaml}");
    let csv = std::fs::read_to_string(ws.path().join("data/2025H1/低保分乡镇.csv")).unwrap();
    assert!(csv.contains("\n梧桐镇,,,\n") && csv.ends_with("合计,,,\n"), "{csv}");
    assert!(ws.path().join("data/2025H1/特困分乡镇.csv").is_file(), "a workbook sheet starts again as CSV");
    let out = zongjie(ws.path(), &["check", "2025H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: data/2025H1/社会救助.yaml:10: 临时救助.人次: has no value; fill it in\n"),
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
