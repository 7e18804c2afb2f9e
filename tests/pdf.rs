//! The PDF: what poppler and MuPDF read from it, its fonts and pages, and the layout rules of
//! GB/T 9704 checked both on our layout model and on the text positions poppler sees.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;
use zongjie::render::page::{fonts::FontSet, layout};
use zongjie::render::pdf::PdfRenderer;

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} must be installed (.ci/run installs it): {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The sample report built once per test (md and pdf, the default formats).
fn sample_pdf() -> (tempfile::TempDir, PathBuf, String) {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = ws.path().join("output/2024H1");
    let pdf = file_with_ext(&dir, "pdf");
    let md = std::fs::read_to_string(file_with_ext(&dir, "md")).unwrap();
    (ws, pdf, md)
}

/// The report's text as a reader sees it: the Markdown without markup.
fn markdown_text(md: &str) -> String {
    no_space(&zongjie::render::document::parse(md, "report.md").unwrap().plain_text())
}

const SAMPLE_PAGES: usize = 8;

#[test]
fn poppler_and_mupdf_read_the_markdown_text_and_the_page_numbers() {
    let (_ws, pdf, md) = sample_pdf();
    let pdf = pdf.to_str().unwrap();
    let mut poppler = String::new();
    let mut mupdf = String::new();
    for page in 1..=SAMPLE_PAGES {
        let n = page.to_string();
        let text = no_space(&run("pdftotext", &["-f", &n, "-l", &n, pdf, "-"]));
        let number = format!("—{page}—");
        assert!(
            text.ends_with(&number),
            "page {page} ends with its number: …{}",
            text.chars().rev().take(10).collect::<String>()
        );
        poppler.push_str(text.strip_suffix(&number).unwrap());
        let text = no_space(&run("mutool", &["draw", "-q", "-F", "txt", "-o", "-", pdf, &n]));
        mupdf.push_str(text.strip_suffix(&number).unwrap_or_else(|| panic!("MuPDF: page {page} number")));
    }
    let expected = markdown_text(&md);
    assert_eq!(poppler, expected);
    assert_eq!(mupdf, expected);
}

#[test]
fn a4_pages_embedded_subset_fonts_and_metadata() {
    let (_ws, pdf, _) = sample_pdf();
    let pdf = pdf.to_str().unwrap();
    let info = run("pdfinfo", &[pdf]);
    assert!(info.contains(&format!("Pages:           {SAMPLE_PAGES}\n")), "{info}");
    assert!(info.contains("Page size:       595.276 x 841.89 pts (A4)"), "{info}");
    assert!(info.contains("Title:           梧桐县民政局2024年上半年工作总结和下半年工作安排\n"), "{info}");
    assert!(info.contains("Author:          梧桐县民政局\n"), "{info}");
    assert!(
        info.contains("CreationDate:    Fri Jul  5 00:00:00 2024 UTC"),
        "the date is the report's, not the clock's: {info}"
    );
    let meta = run("pdfinfo", &["-meta", pdf]);
    // The sample attaches its sources (pdf: {attach_sources: true}): PDF/A-3b; without them
    // PDF/A-2b (tests/pdfa.rs). PDF/UA-1 either way.
    assert!(
        meta.contains("<pdfaid:part>3</pdfaid:part>") && meta.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "PDF/A-3b: {meta}"
    );
    assert!(meta.contains("<pdfuaid:part>1</pdfuaid:part>"), "PDF/UA-1: {meta}");
    assert!(meta.contains("zh-CN"), "language: {meta}");
    let fonts = run("pdffonts", &[pdf]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 5, "{fonts}");
    for name in
        ["FandolFang-Regular", "FandolSong-Bold", "FandolHei-Regular", "FandolKai-Regular", "FandolSong-Regular"]
    {
        let row = rows.iter().find(|r| r.contains(name)).unwrap_or_else(|| panic!("{name} missing: {fonts}"));
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type type encoding emb sub uni id gen
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "{name} embedded, subset, with ToUnicode: {row}"
        );
        assert!(cols[0].split_once('+').is_some_and(|(tag, _)| tag.len() == 6), "subset tag on {row}");
    }
}

#[test]
fn no_line_starts_or_ends_with_a_forbidden_mark_in_poppler_positions() {
    let (_ws, pdf, _) = sample_pdf();
    let xml = run("pdftotext", &["-bbox-layout", pdf.to_str().unwrap(), "-"]);
    let mut lines = 0;
    for block in xml.split("<line ").skip(1) {
        let words: String = block
            .split("<word ")
            .skip(1)
            .filter_map(|w| {
                w.split_once('>').and_then(|(_, rest)| rest.split_once("</word>")).map(|(t, _)| t.to_string())
            })
            .collect();
        let text = words.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
        if text.is_empty() || text.starts_with('—') && text.ends_with('—') {
            continue; // page numbers are "— n —" by design
        }
        lines += 1;
        let first = text.chars().next().unwrap();
        let last = text.chars().last().unwrap();
        assert!(!layout::forbidden_at_start(first), "line starts with '{first}': {text}");
        assert!(!layout::forbidden_at_end(last), "line ends with '{last}': {text}");
    }
    assert!(lines > 150, "poppler saw {lines} lines");
}

fn sample_layout() -> layout::Layout {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    let md = markdown(ws.path(), "2024H1");
    let doc = zongjie::render::document::parse(&md, "r").unwrap();
    PdfRenderer::new(FontSet::bundled()).layout(&doc).unwrap()
}

#[test]
fn layout_model_obeys_line_breaking_and_the_grid() {
    let laid = sample_layout();
    assert_eq!(laid.pages.len(), SAMPLE_PAGES);
    let geo = layout::Geometry::gbt9704();
    for (p, page) in laid.pages.iter().enumerate() {
        assert!(page.len() <= 22, "page {} has {} lines", p + 1, page.len());
        for &r in page {
            let row = &laid.rows[r];
            let text = row.text();
            if let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) {
                assert!(!layout::forbidden_at_start(first), "line starts with '{first}': {text}");
                assert!(!layout::forbidden_at_end(last), "line ends with '{last}': {text}");
            }
            for g in &row.glyphs {
                assert!(
                    g.x >= -0.01 && g.x + g.advance * 0.95 <= geo.width + 0.5,
                    "glyph '{}' outside the type area in: {text}",
                    g.ch
                );
            }
        }
    }
    // A body line of the sample holds 28 characters of the grid.
    let full =
        laid.rows.iter().map(|r| r.text()).find(|t| t == "推进民政事业高质量发展，现将上半年重点工作总结汇报如下。");
    assert!(full.is_some(), "the opening paragraph's second line is 28 characters on the grid");
}

#[test]
fn a_heading_never_ends_a_page() {
    let laid = sample_layout();
    for (p, page) in laid.pages.iter().enumerate().take(laid.pages.len() - 1) {
        let last = &laid.rows[*page.last().unwrap()];
        assert!(!last.keep_with_next, "page {} ends with a line that belongs with the next: {}", p + 1, last.text());
    }
}

#[test]
fn a_heading_at_the_foot_of_a_page_moves_to_the_next_with_a_line() {
    let row = |text: &str, keep: bool| layout::Row { keep_with_next: keep, ..layout::Row::default() }.tap(text);
    trait Tap {
        fn tap(self, text: &str) -> Self;
    }
    impl Tap for layout::Row {
        fn tap(mut self, text: &str) -> Self {
            self.glyphs = text
                .chars()
                .map(|ch| layout::Placed {
                    ch,
                    font: layout::FontRef::Role(zongjie::render::page::fonts::Role::Body),
                    gid: 1,
                    size: 16.0,
                    x: 0.0,
                    advance: 16.0,
                    mark: layout::Mark { node: 1, part: layout::Part::Text },
                })
                .collect();
            self
        }
    }
    let mut rows: Vec<layout::Row> = (0..21).map(|i| row(&format!("正文{i}"), false)).collect();
    rows.push(row("（二）标题", true));
    rows.push(row("下一段第一行", false));
    let pages = layout::paginate(&rows, 22);
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].len(), 21);
    assert_eq!(pages[1], vec![21, 22], "the heading went over with its first line");
}

#[test]
fn titles_break_into_balanced_lines_at_the_unit_name() {
    let laid = sample_layout();
    assert_eq!(laid.rows[0].text(), "梧桐县民政局");
    assert_eq!(laid.rows[1].text(), "2024年上半年工作总结和下半年工作安排");
    assert_eq!(laid.rows[2].text(), "", "one blank line under the title");
}

#[test]
fn the_signature_is_inset_two_characters_and_the_date_two_further() {
    let laid = sample_layout();
    let geo = layout::Geometry::gbt9704();
    let em = geo.char_pitch();
    let n = laid.rows.len();
    let (unit, date) = (&laid.rows[n - 2], &laid.rows[n - 1]);
    assert_eq!((unit.text().as_str(), date.text().as_str()), ("梧桐县民政局", "2024年7月5日"));
    assert_eq!(laid.rows[n - 3].text(), "", "one blank line above the signature");
    let right_edge = |r: &layout::Row| r.glyphs.last().map(|g| g.x + g.advance * em / 16.0).unwrap();
    assert!(
        (date.glyphs[0].x - unit.glyphs[0].x - 2.0 * em).abs() < 0.01,
        "date starts two characters right of the unit"
    );
    assert!(right_edge(date) <= geo.width - 2.0 * em + 0.5, "date stays two characters in");
}

#[test]
fn tables_are_ruled_with_figures_right_aligned_and_headers_repeated() {
    let mut md = String::from("# 表格测试\n\n| 乡镇 | 低保户数 | 低保人数 |\n| :--- | ---: | ---: |\n");
    for i in 0..50 {
        md.push_str(&format!("| 第{i}镇 | {} | {} |\n", 100 + i, 1000 + i * 7));
    }
    let doc = zongjie::render::document::parse(&md, "t").unwrap();
    let laid = PdfRenderer::new(FontSet::bundled()).layout(&doc).unwrap();
    assert_eq!(laid.pages.len(), 3);
    for page in &laid.pages[1..] {
        assert_eq!(laid.rows[page[0]].text(), "乡镇低保户数低保人数", "header repeated on each page");
    }
    let geo = layout::Geometry::gbt9704();
    let row = laid.rows.iter().find(|r| r.text() == "第0镇1001000").unwrap();
    assert!(!row.rules.is_empty(), "each table row is ruled");
    let last = row.glyphs.last().unwrap();
    assert!((last.x + last.advance - (geo.width - 7.0)).abs() < 0.5, "figures are right-aligned in their column");
}

#[test]
fn a_character_no_font_has_names_the_figure_and_a_fallback_font_fixes_it() {
    let ws = workspace("mini");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap().replace("测试县民政局", "测试县民政局₹");
    std::fs::write(&data, text).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:2: 单位.名称: '₹' (U+20B9) is in no font of the report (near \"测试县民政局₹测试报告\"); name a font that has it in zongjie.yaml (fonts: fallback: path/to/font)\n"
    );
    assert!(!ws.path().join("output").exists(), "nothing written, not even the Markdown");
    // check finds it too, at the same line, before any build.
    let out = zongjie(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:2: 单位.名称: '₹' (U+20B9) is in no font of the report (near \"测试县民政局₹测试报告\"); name a font that has it in zongjie.yaml (fonts: fallback: path/to/font)\n2024H1: failed\n"
    );
    let dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::fs::write(ws.path().join("zongjie.yaml"), format!("template: tmpl\nfonts:\n  fallback: {dejavu}\n")).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = file_with_ext(&ws.path().join("output/2024H1"), "pdf");
    assert!(run("pdftotext", &[pdf.to_str().unwrap(), "-"]).contains("测试县民政局₹测试报告"));
    assert!(run("pdffonts", &[pdf.to_str().unwrap()]).contains("DejaVuSans"));
}

#[test]
fn an_office_may_configure_its_own_font_for_a_role() {
    let ws = workspace("mini");
    let kai = repo().join("fonts/fandol/FandolKai-Regular.otf");
    std::fs::write(ws.path().join("zongjie.yaml"), format!("template: tmpl\nfonts:\n  body: {}\n", kai.display()))
        .unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let fonts = run("pdffonts", &[file_with_ext(&ws.path().join("output/2024H1"), "pdf").to_str().unwrap()]);
    assert!(!fonts.contains("FandolFang"), "{fonts}");
    std::fs::write(ws.path().join("zongjie.yaml"), "template: tmpl\nfonts:\n  body: no/such/font.ttf\n").unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: zongjie.yaml:3: fonts.body: cannot read the font no/such/font.ttf: no such file or directory\n"
    );
}

#[test]
fn pdf_bytes_do_not_depend_on_clock_or_folder() {
    let a = sample_workspace();
    let b = sample_workspace();
    assert!(zongjie(a.path(), &["build", "--format", "pdf"]).status.success());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["build", "--format", "pdf", "--root", b.path().to_str().unwrap()])
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success());
    let (pa, pb) = (snapshot(&a.path().join("output")), snapshot(&b.path().join("output")));
    assert_eq!(pa.len(), 2, "the pdf and its manifest");
    assert!(pa == pb, "PDF bytes differ between builds");
}
