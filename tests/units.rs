//! The same figure written in any unit it may take gives the same report, byte for byte.

mod common;
use common::*;

/// Builds the mini workspace with one data line replaced, and returns the Markdown.
fn report_with(replace: &str, with: &str) -> String {
    let ws = workspace("mini");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    assert!(text.contains(replace), "{replace}");
    std::fs::write(&data, text.replacen(replace, with, 1)).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{with}: {}", stderr(&out));
    markdown(ws.path(), "2024H1")
}

#[test]
fn money_in_yuan_qianyuan_wanyuan_or_yiyuan_gives_one_report() {
    let forms = ["45678901.23元", "45678.90123千元", "4567.890123万元", "0.4567890123亿元", "45,678,901.23元"];
    let reports: Vec<String> =
        forms.iter().map(|f| report_with("金额: 45678901.23元", &format!("金额: {f}"))).collect();
    assert!(reports[0].contains("发放4567.89万元"), "{}", reports[0]);
    for (form, report) in forms.iter().zip(&reports) {
        assert_eq!(report, &reports[0], "{form}");
    }
}

#[test]
fn persons_in_ren_or_wanren_give_one_report() {
    let forms = ["21000", "21000人", "2.1万人", "21,000人", "２１０００人"];
    let reports: Vec<String> = forms.iter().map(|f| report_with("人数: 210", &format!("人数: {f}"))).collect();
    assert!(reports[0].contains("120户21000人"), "{}", reports[0]);
    for (form, report) in forms.iter().zip(&reports) {
        assert_eq!(report, &reports[0], "{form}");
    }
}

#[test]
fn a_catalog_unit_in_wan_writes_the_figure_in_wan() {
    let ws = workspace("mini");
    let catalog = ws.path().join("tmpl/catalog.yaml");
    let text = std::fs::read_to_string(&catalog)
        .unwrap()
        .replace("低保.人数: {kind: count, unit: 人,", "低保.人数: {kind: count, unit: 万人, decimals: 2,");
    std::fs::write(&catalog, text).unwrap();
    let data = ws.path().join("data/2024H1/救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("人数: 210", "人数: 313600人")).unwrap();
    let template = ws.path().join("tmpl/report.md.j2");
    let text = std::fs::read_to_string(&template).unwrap().replace(
        "{{ 低保.人数 }}人",
        "{{ 低保.人数 }}万人（{{ 低保.人数 | 万(1) }}万人，{{ 低保.金额 | 亿元(4) }}亿元，{{ 低保.金额 | 千元(1) }}千元）",
    );
    std::fs::write(&template, text).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        markdown(ws.path(), "2024H1").contains("全县低保120户31.36万人（31.4万人，0.4568亿元，45678.9千元）"),
        "{}",
        markdown(ws.path(), "2024H1")
    );
    // A bare number for a figure shown in 万人 is ambiguous: refused with both readings, the
    // likely one first: a small number in 万人, a large one in 人.
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("人数: 313600人", "人数: 31.36")).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:7: 低保.人数: '31.36' has no unit, and this figure is shown in 万人; write 31.36万人 (the likely reading) or 313600人\n"
    );
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("人数: 31.36", "人数: 53786")).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:7: 低保.人数: '53786' has no unit, and this figure is shown in 万人; write 53786人 (the likely reading) or 5.3786万人\n"
    );
    let out = zongjie_in("zh-CN", ws.path(), &["build", "--format", "md"]);
    assert_eq!(
        stderr(&out),
        "错误：data/2024H1/救助.yaml:7：低保.人数 “53786”没有写单位，而这个指标以“万人”为单位输出，无法确定；多半是“53786人”，请照此写上单位；如果指的是另一种读法，请写成“5.3786万人”\n"
    );
}
