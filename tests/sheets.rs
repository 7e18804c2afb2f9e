//! Township sheets read as statisticians save them: UTF-8 with or without a BOM, GBK from old
//! Excel, XLSX; the report is the same whichever way the numbers arrive.

mod common;
use common::*;

#[test]
fn a_gbk_or_bom_csv_gives_the_same_report_as_utf8() {
    let plain = sample_workspace();
    assert!(zongjie(plain.path(), &["build", "--format", "md"]).status.success());
    let expected = markdown(plain.path(), "2024H1");
    for (encoding, note) in [("gbk", Some("按 GBK 编码读取")), ("bom", None)] {
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
        assert_eq!(row.contains("按 GBK 编码读取"), note.is_some(), "{row}");
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

#[test]
fn a_template_can_show_a_township_table_in_every_format() {
    let ws = sample_workspace();
    let t = ws.path().join("templates/civil-affairs-h1/report.md.j2");
    let table = "附表：各乡镇城乡低保情况\n\n| 乡镇 | 低保户数 | 低保金（万元） |\n| :--- | ---: | ---: |\n{% for r in 表格.低保分乡镇.rows %}\n| {{ r.乡镇 }} | {{ r.户数 }} | {{ r.金额 }} |\n{% endfor %}\n| 合计 | {{ 表格.低保分乡镇.total.户数 }} | {{ 表格.低保分乡镇.total.金额 }} |\n\n## 二、围绕老有所养";
    std::fs::write(&t, std::fs::read_to_string(&t).unwrap().replace("## 二、围绕老有所养", table)).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md,pdf,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = markdown(ws.path(), "2024H1");
    assert!(md.contains("| 乡镇 | 低保户数 | 低保金（万元） |\n| :--- | ---: | ---: |\n| 梧桐镇 | 2127 | 1245.18 |\n| 凤鸣镇 | 1103 | 644.08 |\n"), "{md}");
    assert!(md.contains("| 东岭乡 | 366 | 196.81 |\n| 合计 | 11900 | 6584.32 |\n"));
    let dir = ws.path().join("output/2024H1");
    let file = |ext: &str| file_with_ext(&dir, ext);
    let text =
        String::from_utf8(std::process::Command::new("pdftotext").arg(file("pdf")).arg("-").output().unwrap().stdout)
            .unwrap();
    assert!(text.contains("东岭乡") && text.contains("6584.32"));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file("docx")).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("<w:tblHeader/>") && xml.contains(">东岭乡</w:t>"));
}

#[test]
fn a_figure_can_count_the_townships_that_match() {
    let ws = workspace("mini");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let yaml =
        std::fs::read_to_string(&data).unwrap().replace("低保:\n  户数: 120\n  人数: 210\n  金额: 45678901.23元\n", "");
    std::fs::write(&data, yaml).unwrap();
    std::fs::write(
        ws.path().join("data/2024H1/低保分乡镇.csv"),
        "乡镇,低保户数,低保人数,低保金（元）\n甲镇,70,120,300000.00\n乙镇,50,90,200000.00\n丙乡,0,0,0.00\n合计,120,210,500000.00\n",
    )
    .unwrap();
    let catalog = ws.path().join("tmpl/catalog.yaml");
    let text = std::fs::read_to_string(&catalog).unwrap().replace(
        "  报告.截至月份:",
        "  低保.有低保的乡镇数: {kind: count, unit: 个, count_rows: 低保分乡镇, where: 人数 > 0}\n  低保.乡镇数: {kind: count, unit: 个, count_rows: 低保分乡镇}\n  报告.截至月份:",
    );
    std::fs::write(&catalog, text).unwrap();
    let template = ws.path().join("tmpl/report.md.j2");
    let text = std::fs::read_to_string(&template)
        .unwrap()
        .replace("全县低保", "{{ 低保.乡镇数 }}个乡镇中{{ 低保.有低保的乡镇数 }}个有低保对象，全县低保");
    std::fs::write(&template, text).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(markdown(ws.path(), "2024H1").contains("3个乡镇中2个有低保对象，全县低保120户210人，发放50万元"));
    let figures = String::from_utf8(zongjie(ws.path(), &["figures", "--format", "csv"]).stdout).unwrap();
    assert!(
        figures.contains("低保.有低保的乡镇数,2,个,data/2024H1/低保分乡镇.csv:5 (3 行中符合 人数 > 0 的 2 行),,\n"),
        "{figures}"
    );
    // A condition on a column the table does not have is a catalog error.
    let text = std::fs::read_to_string(&catalog).unwrap().replace("where: 人数 > 0", "where: 人口 > 0");
    std::fs::write(&catalog, text).unwrap();
    let out = zongjie(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: tmpl/catalog.yaml:8: 低保.有低保的乡镇数: where '人口 > 0' must be a column of 低保分乡镇, a comparison (>, >=, <, <=, ==) and a number\n2024H1: failed\n"
    );
}
