//! `zongjie figures` and `build --with-figures`: every figure with its source and its change.

mod common;
use common::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn figures_lists_every_figure_with_source_and_year_on_year() {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["figures", "2024H1", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("\u{FEFF}指标,数值,单位,来源,上年同期,同比\n"));
    for row in [
        "低保.人数,20750,人,data/2024H1/低保分乡镇.csv:17 (“低保人数”列第 2–16 行，共 15 行求和),21304,同比下降2.6%",
        "特困.累计发放供养金,2827.5,万元,data/2024H1/特困分乡镇.xlsx:特困分乡镇!A17 (特困分乡镇!C2:C16，共 15 行求和),2713.6,同比增长4.2%",
        "低保.累计发放金额,6584.32,万元,data/2024H1/低保分乡镇.csv:17 (“低保金”列第 2–16 行，共 15 行求和),6367.81,同比增长3.4%",
        "特困.集中供养率,64.35,%,data/2024H1/社会救助.yaml:5,62.84,同比提高1.5个百分点",
        "特困.护理费,41.8,万元,data/2024H1/社会救助.yaml:3,39.8,同比增长4.8%",
        "县情.县名,梧桐,,data/2024H1/县情.yaml:3,梧桐,",
    ] {
        assert!(text.lines().any(|l| l == row), "missing row {row}");
    }
    // One row per figure the template uses: the catalog's figures, all used by the bundled template.
    let catalog = std::fs::read_to_string(ws.path().join("templates/civil-affairs-h1/catalog.yaml")).unwrap();
    let declared = zongjie::model::Catalog::parse(&catalog, "c").unwrap().figures.len();
    assert_eq!(text.lines().count(), declared + 1);
}

#[test]
fn figures_in_json_and_as_a_table() {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["figures", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let row = rows.as_array().unwrap().iter().find(|r| r["name"] == "低保.户数").unwrap();
    assert_eq!(
        row,
        &serde_json::json!({"name": "低保.户数", "value": "11900", "unit": "户", "source": "data/2024H1/低保分乡镇.csv:17 (“低保户数”列第 2–16 行，共 15 行求和)", "last_year": "12155", "change": "同比下降2.1%"})
    );
    let out = zongjie(ws.path(), &["figures", "2022H1"]);
    let table = stdout(&out);
    assert!(table.starts_with("指标  "), "{table}");
    let line = table.lines().find(|l| l.starts_with("低保.户数 ")).unwrap();
    assert!(
        line.trim_end().ends_with("data/2022H1/低保分乡镇.csv:17 (“低保户数”列第 2–16 行，共 15 行求和)"),
        "no 2021H1: no comparison: {line}"
    );
}

#[test]
fn with_figures_appends_the_sources_to_the_markdown() {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["build", "--format", "md", "--with-figures"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = markdown(ws.path(), "2024H1");
    let appendix = md.split(":::\n\n## 附：数据来源\n\n").nth(1).expect("appendix after the signature");
    assert!(appendix
        .starts_with("| 指标 | 数值 | 单位 | 来源 | 上年同期 | 同比 |\n| :--- | ---: | :--- | :--- | ---: | :--- |\n"));
    assert!(appendix.contains("| 低保.户数 | 11900 | 户 | data/2024H1/低保分乡镇.csv:17 (“低保户数”列第 2–16 行，共 15 行求和) | 12155 | 同比下降2.1% |\n"));
}

#[test]
fn check_warns_about_a_change_of_more_than_half_but_passes() {
    let ws = sample_workspace();
    let data = ws.path().join("data/2024H1/社会救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("人次: 1389", "人次: 2389")).unwrap();
    let out = zongjie(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "warning: data/2024H1/社会救助.yaml:9: 临时救助.人次: 2389人次 is 78.7% above 2023H1 (1337人次, data/2023H1/社会救助.yaml:9); check it\n"
    );
    assert_eq!(stdout(&out), "2024H1: ok, 99 figures from 20 files, 1 warning\n");
    // build prints the same warning, and builds.
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        "warning: data/2024H1/社会救助.yaml:9: 临时救助.人次: 2389人次 is 78.7% above 2023H1 (1337人次, data/2023H1/社会救助.yaml:9); check it\n"
    );
}

#[test]
fn the_report_is_the_same_whatever_the_language_of_messages() {
    let (en, zh) = (sample_workspace(), sample_workspace());
    assert!(zongjie_in("en", en.path(), &["build", "--with-figures", "--format", "md,pdf"]).status.success());
    assert!(zongjie_in("zh-CN", zh.path(), &["build", "--with-figures", "--format", "md,pdf"]).status.success());
    assert_eq!(snapshot(&en.path().join("output")), snapshot(&zh.path().join("output")));
}
