//! Township sheets read as statisticians save them: UTF-8 with or without a BOM, GBK from old
//! Excel, XLSX; the report is the same whichever way the numbers arrive.

mod common;
use common::*;

#[test]
fn a_gbk_or_bom_csv_gives_the_same_report_as_utf8() {
    let plain = sample_workspace();
    assert!(zongjie(plain.path(), &["build", "--format", "md"]).status.success());
    let expected = markdown(plain.path(), "2024H1");
    for (encoding, note) in [("gbk", Some("read as GBK")), ("bom", None)] {
        let ws = sample_workspace();
        let csv = ws.path().join("data/2024H1/低保分乡镇.csv");
        let text = std::fs::read_to_string(&csv).unwrap();
        let bytes = match encoding {
            "gbk" => encoding_rs::GBK.encode(&text).0.into_owned(),
            _ => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        };
        assert!(std::str::from_utf8(&bytes).is_ok() == (encoding == "bom"));
        std::fs::write(&csv, bytes).unwrap();
        let out = zongjie(ws.path(), &["build", "--format", "md"]);
        assert!(out.status.success(), "{encoding}: {}", stderr(&out));
        assert_eq!(markdown(ws.path(), "2024H1"), expected, "{encoding}");
        let figures = String::from_utf8(zongjie(ws.path(), &["figures", "--format", "csv"]).stdout).unwrap();
        let row = figures.lines().find(|l| l.starts_with("低保.户数,")).unwrap();
        assert_eq!(row.contains("read as GBK"), note.is_some(), "{row}");
    }
}

#[test]
fn a_workbook_sheet_is_found_by_its_name_in_any_workbook() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    let expected = markdown(ws.path(), "2024H1");
    // The statistician's export has another file name; the sheet keeps the table's name.
    std::fs::rename(
        ws.path().join("data/2024H1/特困分乡镇.xlsx"),
        ws.path().join("data/2024H1/2024年上半年民政统计.xlsx"),
    )
    .unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(markdown(ws.path(), "2024H1"), expected);
}
