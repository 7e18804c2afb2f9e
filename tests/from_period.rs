//! A catalog figure taken from another period (`from: 特困.护理费@上年全年`): the report quotes
//! what that period's own data says, with its file:line, and cannot contradict it.

mod common;
use common::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The sample workspace where the half-year report's 护理费 (paid in the year before) is taken
/// from last year's annual data instead of being typed again into each half year's file.
fn workspace_taking_last_years_annual_figure() -> tempfile::TempDir {
    let ws = sample_workspace_all();
    let catalog = std::fs::read_to_string(ws.path().join("templates/civil-affairs-h1/catalog.yaml")).unwrap();
    assert!(catalog.contains("from: 特困.护理费@上年全年}"), "the sample takes it");
    for period in ["2023H1", "2024H1"] {
        let text = std::fs::read_to_string(ws.path().join(format!("data/{period}/社会救助.yaml"))).unwrap();
        assert!(!text.lines().any(|l| l.trim_start().starts_with("护理费:")), "{period} does not type it again");
    }
    ws
}

#[test]
fn a_half_year_report_quotes_last_years_annual_figure_from_its_data() {
    let ws = workspace_taking_last_years_annual_figure();
    let out = zongjie(ws.path(), &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // data/2023/社会救助.yaml gives 41.75万元; the half-year catalog shows one decimal.
    assert!(markdown(ws.path(), "2024H1").contains("承保单位共计支付护理费41.8万元"));
    // The annual data and the annual catalog it was read with are inputs of the half-year report.
    let manifest = std::fs::read_to_string(ws.path().join("output/2024H1/manifest.json")).unwrap();
    assert!(manifest.contains("\"data/2023/社会救助.yaml\""), "{manifest}");
    assert!(manifest.contains("\"templates/civil-affairs-annual/catalog.yaml\""), "{manifest}");

    let out = zongjie(ws.path(), &["figures", "2024H1", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Its source is the annual file's line, its 同比 against what 2023H1 took from 2022's data.
    let row = "特困.护理费,41.8,万元,data/2023/社会救助.yaml:12 (取自2023的特困.护理费),39.8,同比增长4.8%";
    assert!(stdout(&out).lines().any(|l| l == row), "{}", stdout(&out));

    // The annual data changes: the half-year report follows.
    let annual = ws.path().join("data/2023/社会救助.yaml");
    let text = std::fs::read_to_string(&annual).unwrap().replace("护理费: 41.75万元", "护理费: 43.04万元");
    std::fs::write(&annual, text).unwrap();
    assert!(zongjie(ws.path(), &["build", "2024H1", "--format", "md"]).status.success());
    assert!(markdown(ws.path(), "2024H1").contains("承保单位共计支付护理费43万元"));
}

#[test]
fn a_taken_figure_typed_again_missing_there_or_of_another_kind_is_refused() {
    let ws = workspace_taking_last_years_annual_figure();
    let file = ws.path().join("data/2024H1/社会救助.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("特困:\n", "特困:\n  护理费: 42.48万元\n", 1)).unwrap();
    let out = zongjie(ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "data/2024H1/社会救助.yaml:3: 特困.护理费 (上年承保单位支付的住院护理费): is taken from another period's data (特困.护理费@上年全年, templates/civil-affairs-h1/catalog.yaml:34); remove it from this data file"
        ),
        "{}",
        stderr(&out)
    );
    std::fs::write(&file, text).unwrap();

    let annual = ws.path().join("data/2023/社会救助.yaml");
    let text = std::fs::read_to_string(&annual).unwrap();
    std::fs::write(&annual, text.replace("  护理费: 41.75万元\n", "")).unwrap();
    let out = zongjie(ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "templates/civil-affairs-h1/catalog.yaml:34: 特困.护理费 (上年承保单位支付的住院护理费): is taken from 特困.护理费@上年全年, but the data of 2023 does not give 特困.护理费; fill it in there"
        ),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(ws.path().join("data/2023")).unwrap();
    let out = zongjie(ws.path(), &["check", "2024H1"]);
    assert!(
        stderr(&out).contains("is taken from 特困.护理费@上年全年, but data/ has no folder for 2023; add that period's data, or change from: in the catalog"),
        "{}",
        stderr(&out)
    );

    let catalog = ws.path().join("templates/civil-affairs-h1/catalog.yaml");
    let text = std::fs::read_to_string(&catalog).unwrap();
    std::fs::write(&catalog, text.replace("from: 特困.护理费@上年全年", "from: 特困.人数@前年全年")).unwrap();
    let out = zongjie(ws.path(), &["check", "2024H1"]);
    assert!(
        stderr(&out).contains("is taken from 特困.人数@前年全年, which is a count in 人 there, not an amount of money in 万元; take a figure of the same kind and unit"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&catalog, text.replace("from: 特困.护理费@上年全年", "from: 特困.护理费")).unwrap();
    let out = zongjie_in("zh-CN", ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).lines().any(|l| l
            == "错误：templates/civil-affairs-h1/catalog.yaml:34：特困.护理费 from 的值“特困.护理费”应写成“指标名称@期间”，如“特困.护理费@上年全年”“低保.人数@上年”“低保.人数@H1”。请改正。"),
        "{}",
        stderr(&out)
    );
}
