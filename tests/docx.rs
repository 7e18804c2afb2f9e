//! The DOCX: page, grid, style fonts (East Asian slot included), odd and even footers with PAGE
//! fields, every heading and paragraph in order with its style, the same text as the PDF; the
//! pandoc route through templates/reference.docx; the children of every part in the order the
//! schema requires; and LibreOffice setting the DOCX as the PDF (when soffice is installed).

mod common;
use common::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use zongjie::render::page::layout;

fn part(docx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name} in {}", docx.display())).read_to_string(&mut text).unwrap();
    text
}

fn built(formats: &str) -> (tempfile::TempDir, PathBuf) {
    let ws = sample_workspace();
    let out = zongjie(ws.path(), &["build", "--format", formats]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = ws.path().join("output/2024H1");
    let docx = file_with_ext(&dir, "docx");
    (ws, docx)
}

/// (style id, text) of each paragraph of a document.xml, in order.
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    xml.split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap();
            let style =
                p.split("<w:pStyle w:val=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("").to_string();
            let text: String = p
                .split("<w:t")
                .skip(1)
                .filter_map(|t| {
                    t.split_once('>').and_then(|(_, rest)| rest.split_once("</w:t>")).map(|(t, _)| t.to_string())
                })
                .collect();
            (style, text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\""))
        })
        .collect()
}

/// A style element by its id (attributes in any order, as pandoc rewrites them).
fn style<'a>(styles: &'a str, id: &str) -> &'a str {
    styles
        .split(&format!("w:styleId=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("style {id}"))
        .split("</w:style>")
        .next()
        .unwrap()
}

/// The rFonts element of a style.
fn style_fonts<'a>(styles: &'a str, id: &str) -> &'a str {
    style(styles, id).split("<w:rFonts ").nth(1).unwrap().split("/>").next().unwrap()
}

#[test]
fn page_size_margins_and_grid_of_gbt9704() {
    let (_ws, docx) = built("docx");
    let doc = part(&docx, "word/document.xml");
    assert!(doc.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"), "A4");
    // top 37 mm, right (outside) 26 mm, bottom 35 mm, left (binding, mirrored) 28 mm
    assert!(doc.contains("<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1587\""), "{doc}");
    assert!(doc.contains("<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/>"), "22 lines on 225 mm");
    let settings = part(&docx, "word/settings.xml");
    assert!(settings.contains("<w:mirrorMargins/>") && settings.contains("<w:evenAndOddHeaders/>"));
    let styles = part(&docx, "word/styles.xml");
    // 28 characters of 16 pt in 156 mm: 15.79 pt each, 98% (a whole percent, rounded down).
    assert!(styles.contains("<w:rPrDefault><w:rPr><w:rFonts w:ascii=\"仿宋_GB2312\" w:hAnsi=\"仿宋_GB2312\" w:eastAsia=\"仿宋_GB2312\" w:cs=\"仿宋_GB2312\" w:hint=\"eastAsia\"/><w:w w:val=\"98\"/><w:sz w:val=\"32\"/>"), "{styles}");
    assert!(
        style(&styles, "Heading1").contains("<w:w w:val=\"100\"/><w:sz w:val=\"44\"/>"),
        "the title at its natural width"
    );
    assert!(
        style(&styles, "TableText").contains("<w:w w:val=\"100\"/><w:sz w:val=\"28\"/>"),
        "tables at their natural width"
    );
    assert!(
        style(&styles, "Heading1").contains("<w:snapToGrid w:val=\"0\"/>"),
        "the 22 pt title never takes two grid lines"
    );
    assert!(styles.contains("w:line=\"579\" w:lineRule=\"exact\""), "exact line pitch");
}

#[test]
fn every_style_names_its_east_asian_font_and_sets_digits_in_it() {
    let (_ws, docx) = built("docx");
    let styles = part(&docx, "word/styles.xml");
    for (id, east_asia) in [
        ("Normal", "仿宋_GB2312"),
        ("Heading1", "方正小标宋简体"),
        ("Heading2", "黑体"),
        ("Heading3", "楷体_GB2312"),
        ("Heading4", "仿宋_GB2312"),
        ("Heading5", "仿宋_GB2312"),
        ("BodyText", "仿宋_GB2312"),
        ("Signature", "仿宋_GB2312"),
        ("Footer", "宋体"),
        ("RunIn3", "楷体_GB2312"),
    ] {
        let fonts = style_fonts(&styles, id);
        assert!(fonts.contains(&format!("w:eastAsia=\"{east_asia}\"")), "{id}: {fonts}");
        // Digits in the same face, as the PDF sets them.
        assert!(fonts.contains(&format!("w:ascii=\"{east_asia}\" w:hAnsi=\"{east_asia}\"")), "{id}: {fonts}");
    }
    assert!(styles.contains("<w:sz w:val=\"44\"/>"), "title 22 pt");
    assert!(styles.contains("<w:name w:val=\"落款\"/>"));
}

#[test]
fn odd_and_even_footers_carry_page_fields() {
    let (_ws, docx) = built("docx");
    let doc = part(&docx, "word/document.xml");
    assert!(doc.contains("<w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>"));
    let rels = part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("Id=\"rIdFooterOdd\"") && rels.contains("Target=\"footer1.xml\""));
    for (file, jc) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let footer = part(&docx, file);
        assert!(footer.contains(&format!("<w:jc w:val=\"{jc}\"/>")), "{file}");
        assert!(footer.contains("<w:instrText xml:space=\"preserve\"> PAGE </w:instrText>"), "{file}");
        assert!(footer.contains(">— </w:t>") && footer.contains("> —</w:t>"), "{file}: — PAGE —");
    }
}

#[test]
fn every_heading_and_paragraph_in_order_with_its_style_and_the_pdf_text() {
    let (ws, docx) = built("md,pdf,docx");
    let md = markdown(ws.path(), "2024H1");
    let doc = zongjie::render::document::parse(&md, "r").unwrap();
    let paras = paragraphs(&part(&docx, "word/document.xml"));
    let mut expected = vec![("Heading1".to_string(), doc.title.clone())];
    for block in &doc.blocks {
        match block {
            zongjie::render::document::Block::Heading { level, text } => {
                expected.push((zongjie::render::docx::heading_style(*level).to_string(), text.clone()))
            }
            zongjie::render::document::Block::Paragraph { lead, text } => expected
                .push(("BodyText".into(), format!("{}{text}", lead.as_ref().map(|l| l.1.as_str()).unwrap_or("")))),
            zongjie::render::document::Block::Signature { lines } => {
                expected.extend(lines.iter().map(|l| ("Signature".to_string(), l.clone())))
            }
            zongjie::render::document::Block::Table { .. } => unreachable!("the sample has no table"),
        }
    }
    assert_eq!(paras, expected);
    // The run-in heading is a 楷体 run in the body paragraph.
    let xml = part(&docx, "word/document.xml");
    assert!(xml.contains("<w:r><w:rPr><w:rStyle w:val=\"RunIn3\"/></w:rPr><w:t xml:space=\"preserve\">（一）做好城乡最低生活保障工作。</w:t></w:r><w:r><w:t xml:space=\"preserve\">一是"));
    // Same text as the PDF.
    let pdf = file_with_ext(&ws.path().join("output/2024H1"), "pdf");
    let pdf_text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut pdf_body = squash(&pdf_text);
    for page in (1..=20).rev() {
        pdf_body = pdf_body.replace(&format!("—{page}—"), "");
    }
    let docx_text: String = paras.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(squash(&docx_text), pdf_body);
}

#[test]
fn docx_bytes_are_fixed_by_the_inputs_and_dated_from_the_report() {
    let (_a, first) = built("docx");
    let b = sample_workspace();
    let out = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["build", "--format", "docx", "--root", b.path().to_str().unwrap()])
        .env("TZ", "Pacific/Auckland")
        .output()
        .unwrap();
    assert!(out.status.success());
    let second = b.path().join("output/2024H1").join(first.file_name().unwrap());
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap());
    let core = part(&first, "docProps/core.xml");
    assert!(
        core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2024-07-05T00:00:00Z</dcterms:created>"),
        "{core}"
    );
    assert!(core.contains("<dc:creator>梧桐县民政局</dc:creator>"));
    let zip = zip::ZipArchive::new(std::fs::File::open(&first).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&first).unwrap()).unwrap();
        let entry = zip.by_index(i).unwrap();
        let t = entry.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2024, 7, 5, 0), "{:?}", entry.name());
    }
}

#[test]
fn a_workspace_may_name_other_fonts_for_word() {
    let ws = workspace("mini");
    std::fs::write(ws.path().join("zongjie.yaml"), "template: tmpl\ndocx_fonts:\n  body: 仿宋\n  kai: 楷体\n").unwrap();
    assert!(zongjie(ws.path(), &["build", "--format", "docx"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let docx = file_with_ext(&dir, "docx");
    let styles = part(&docx, "word/styles.xml");
    assert!(style_fonts(&styles, "BodyText").contains("w:eastAsia=\"仿宋\""));
    assert!(style_fonts(&styles, "Heading3").contains("w:eastAsia=\"楷体\""));
    assert!(style_fonts(&styles, "Heading2").contains("w:eastAsia=\"黑体\""), "unnamed roles keep their default");
    let fonts = part(&docx, "word/fontTable.xml");
    assert!(
        fonts.contains("<w:font w:name=\"仿宋\"><w:altName w:val=\"FangSong\"/><w:charset w:val=\"86\"/>"),
        "{fonts}"
    );
    assert!(!fonts.contains("仿宋_GB2312"), "only the fonts the styles name: {fonts}");

    // A Latin font named in the config sets digits and letters in every style.
    std::fs::write(ws.path().join("zongjie.yaml"), "template: tmpl\ndocx_fonts:\n  latin: Times New Roman\n").unwrap();
    assert!(zongjie(ws.path(), &["build", "--format", "docx"]).status.success());
    let styles = part(&docx, "word/styles.xml");
    for id in ["Normal", "Heading1", "Heading2", "BodyText", "Signature", "TableText"] {
        let fonts = style_fonts(&styles, id);
        assert!(fonts.contains("w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\""), "{id}: {fonts}");
    }
    let fonts = part(&docx, "word/fontTable.xml");
    assert!(
        fonts.contains("<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/>"),
        "{fonts}"
    );
}

/// A copy of the sample whose H1 template shows the township table of 低保 after part 一.
fn table_workspace() -> tempfile::TempDir {
    let ws = sample_workspace();
    let t = ws.path().join("templates/civil-affairs-h1/report.md.j2");
    let rows = "附表：各乡镇城乡低保情况\n\n| 乡镇 | 低保户数 | 低保金（万元） |\n| :--- | ---: | ---: |\n{% for r in 表格.低保分乡镇.rows %}\n| {{ r.乡镇 }} | {{ r.户数 }} | {{ r.金额 }} |\n{% endfor %}\n| 合计 | {{ 表格.低保分乡镇.total.户数 }} | {{ 表格.低保分乡镇.total.金额 }} |\n\n## 二、围绕老有所养";
    std::fs::write(&t, std::fs::read_to_string(&t).unwrap().replace("## 二、围绕老有所养", rows)).unwrap();
    ws
}

#[test]
fn the_signature_and_the_table_sit_where_the_pdf_puts_them() {
    let ws = table_workspace();
    let out = zongjie(ws.path(), &["build", "--format", "md,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = part(&file_with_ext(&ws.path().join("output/2024H1"), "docx"), "word/document.xml");
    let doc = zongjie::render::document::parse(&markdown(ws.path(), "2024H1"), "r").unwrap();
    let pdf = zongjie::render::pdf::PdfRenderer::new(zongjie::render::page::fonts::FontSet::bundled());
    let laid = pdf.layout(&doc).unwrap();
    let twips = |pt: f32| (pt * 20.0).round() as i64;

    // 落款: each line indented to where the PDF starts it (measured with the same font).
    let n = laid.rows.len();
    for (row, text) in [(&laid.rows[n - 2], "梧桐县民政局"), (&laid.rows[n - 1], "2024年7月5日")] {
        assert_eq!(row.text(), text);
        let indent = format!("<w:ind w:left=\"{}\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/></w:pPr><w:r><w:t xml:space=\"preserve\">{text}</w:t>", twips(row.glyphs[0].x));
        assert!(xml.contains(&indent), "{text}: {indent}");
    }
    assert!(
        xml.contains("<w:pStyle w:val=\"Signature\"/><w:keepNext/><w:keepLines/><w:ind"),
        "the unit keeps with the date"
    );
    // The last paragraph keeps with the 落款, the caption with its table.
    let last = xml.split("<w:pStyle w:val=\"Signature\"/>").next().unwrap().rsplit("<w:p>").nth(1).unwrap();
    assert!(last.starts_with("<w:pPr><w:pStyle w:val=\"BodyText\"/><w:keepNext/></w:pPr>"), "{last}");
    assert!(xml.contains("<w:pStyle w:val=\"BodyText\"/><w:keepNext/></w:pPr><w:r><w:t xml:space=\"preserve\">附表：各乡镇城乡低保情况</w:t></w:r></w:p><w:tbl>"));

    // Table columns: the PDF's widths, filling the type area (8845 twips), not equal thirds.
    let widths: Vec<i64> =
        xml.split("<w:gridCol w:w=\"").skip(1).map(|c| c.split('"').next().unwrap().parse().unwrap()).collect();
    assert_eq!(widths.len(), 3);
    assert_eq!(widths.iter().sum::<i64>(), 8845);
    let table_row = laid.rows.iter().find(|r| r.text() == "乡镇低保户数低保金（万元）").unwrap();
    let edges: Vec<f32> = table_row.rules.iter().filter(|r| r.x0 == r.x1).map(|r| r.x0).collect();
    for (c, w) in widths.iter().enumerate() {
        let pdf = twips(edges[c + 1] - edges[c]);
        assert!((w - pdf).abs() <= 2, "column {c}: {w} twips, the PDF's {pdf}");
    }
    assert!(widths[0] != widths[1] || widths[1] != widths[2], "{widths:?}");
    // Figures right-aligned, the header centred and repeated.
    assert!(xml.contains(
        "<w:pStyle w:val=\"TableText\"/><w:jc w:val=\"right\"/></w:pPr><w:r><w:t xml:space=\"preserve\">6584.32</w:t>"
    ));
    // Each row exactly one grid line (579 twips), as in the PDF, however wide the rules; the
    // header less the table's top rule (0.75 pt).
    assert!(xml
        .contains("<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val=\"564\" w:hRule=\"exact\"/><w:tblHeader/></w:trPr>"));
    let rows = doc.blocks.iter().find_map(|b| match b {
        zongjie::render::document::Block::Table { rows, .. } => Some(rows.len()),
        _ => None,
    });
    assert_eq!(Some(xml.matches("<w:trHeight w:val=\"579\" w:hRule=\"exact\"/>").count()), rows);
    assert!(xml.contains("<w:pStyle w:val=\"TableHeading\"/><w:keepNext/><w:jc w:val=\"center\"/></w:pPr><w:r><w:t xml:space=\"preserve\">低保金（万元）</w:t>"));
}

#[test]
fn the_shipped_reference_docx_is_the_one_the_code_makes() {
    let shipped = std::fs::read(repo().join("templates/reference.docx")).unwrap();
    let made = zongjie::render::docx::reference_docx(&zongjie::workspace::config::DocxFonts::default()).unwrap();
    assert!(shipped == made, "templates/reference.docx is stale: run `cargo run -- reference-docx`");
}

#[test]
fn pandoc_with_the_reference_docx_gives_the_same_styles_and_text() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let md = file_with_ext(&dir, "md");
    let out_docx = dir.join("pandoc.docx");
    let status = Command::new("pandoc")
        .arg(&md)
        .args(["--reference-doc", repo().join("templates/reference.docx").to_str().unwrap(), "-o"])
        .arg(&out_docx)
        .status()
        .expect("pandoc must be installed (.ci/run installs it)");
    assert!(status.success());
    let paras = paragraphs(&part(&out_docx, "word/document.xml"));
    assert_eq!(paras[0], ("Heading1".to_string(), "梧桐县民政局2024年上半年工作总结和下半年工作安排".to_string()));
    assert!(paras.contains(&(
        "Heading2".to_string(),
        "一、继续夯实社会救助工作，巩固拓展脱贫攻坚成果与乡村振兴有效衔接".to_string()
    )));
    assert!(paras.contains(&("Heading3".to_string(), "（一）做好城乡最低生活保障工作。".to_string())));
    assert!(paras.contains(&("Heading5".to_string(), "（1）工程建设与业务开展存在冲突。".to_string())));
    let signature: Vec<&(String, String)> =
        paras.iter().filter(|(_, t)| t == "梧桐县民政局" || t == "2024年7月5日").collect();
    assert_eq!(signature.len(), 2);
    let styles = part(&out_docx, "word/styles.xml");
    assert!(style_fonts(&styles, "Heading2").contains("w:eastAsia=\"黑体\""), "pandoc kept the reference styles");
    assert!(signature.iter().all(|(id, _)| style(&styles, id).contains("<w:name w:val=\"落款\"")), "{signature:?}");
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let doc = zongjie::render::document::parse(&std::fs::read_to_string(&md).unwrap(), "r").unwrap();
    assert_eq!(squash(&paras.iter().map(|(_, t)| t.as_str()).collect::<String>()), squash(&doc.plain_text()));
}

/// (style id, name) of every style a styles.xml defines.
fn style_ids_and_names(styles: &str) -> Vec<(String, String)> {
    styles
        .split("<w:style ")
        .skip(1)
        .map(|s| {
            let id = s.split("w:styleId=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            let name = s.split("<w:name w:val=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            (id, name)
        })
        .collect()
}

#[test]
fn the_reference_docx_defines_every_style_pandoc_uses() {
    // pandoc's own reference document lists the styles its writer emits (Compact for table
    // cells and tight lists, Table, Caption, First Paragraph, ...); a style missing from ours
    // would come out in pandoc's look, not the report's.
    let work = tempfile::tempdir().unwrap();
    let theirs = work.path().join("pandoc-reference.docx");
    let status = Command::new("pandoc")
        .args(["-o"])
        .arg(&theirs)
        .args(["--print-default-data-file", "reference.docx"])
        .status()
        .expect("pandoc must be installed (.ci/run installs it)");
    assert!(status.success());
    let ours = style_ids_and_names(&part(&repo().join("templates/reference.docx"), "word/styles.xml"));
    let wanted = style_ids_and_names(&part(&theirs, "word/styles.xml"));
    assert!(wanted.len() > 30, "{wanted:?}");
    for (id, name) in &wanted {
        assert!(
            ours.iter().any(|(i, n)| i == id && n.eq_ignore_ascii_case(name)),
            "templates/reference.docx lacks {id} ({name})"
        );
    }
    let styles = part(&repo().join("templates/reference.docx"), "word/styles.xml");
    assert!(style(&styles, "Compact").contains("<w:sz w:val=\"28\"/>"), "table cells in 4号");
    assert!(style(&styles, "TableCaption").contains("<w:keepNext/>"), "a caption keeps with its table");
}

/// The order of children the WordprocessingML schema (ECMA-376 part 1, wml.xsd) requires, for
/// every element whose children zongjie writes. Word refuses a file ("unreadable content") where
/// LibreOffice quietly reads it, so the order is checked here rather than by opening Word.
const SCHEMA_ORDER: &[(&str, &[&str])] = &[
    ("w:styles", &["w:docDefaults", "w:latentStyles", "w:style"]),
    ("w:docDefaults", &["w:rPrDefault", "w:pPrDefault"]),
    ("w:rPrDefault", &["w:rPr"]),
    ("w:pPrDefault", &["w:pPr"]),
    (
        "w:style",
        &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
    ),
    (
        "w:pPr",
        &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
    ),
    (
        "w:rPr",
        &[
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
        ],
    ),
    (
        "w:sectPr",
        &[
            "w:headerReference",
            "w:footerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ],
    ),
    (
        "w:tblPr",
        &[
            "w:tblStyle",
            "w:tblpPr",
            "w:tblOverlap",
            "w:bidiVisual",
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
        ],
    ),
    ("w:tblBorders", &["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end", "w:insideH", "w:insideV"]),
    ("w:tblCellMar", &["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"]),
    ("w:tbl", &["w:tblPr", "w:tblGrid", "w:tr"]),
    ("w:tr", &["w:tblPrEx", "w:trPr", "w:tc"]),
    // CT_TrPr is a choice: any order, each at most once.
    ("w:trPr", &["w:cantSplit", "w:trHeight", "w:tblHeader"]),
    (
        "w:tcPr",
        &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
        ],
    ),
    ("w:tc", &["w:tcPr", "w:p"]),
    ("w:p", &["w:pPr", "w:r"]),
    ("w:r", &["w:rPr", "w:t", "w:br", "w:fldChar", "w:instrText"]),
    (
        "w:settings",
        &[
            "w:writeProtection",
            "w:view",
            "w:zoom",
            "w:removePersonalInformation",
            "w:removeDateAndTime",
            "w:doNotDisplayPageBoundaries",
            "w:displayBackgroundShape",
            "w:printPostScriptOverText",
            "w:printFractionalCharacterWidth",
            "w:printFormsData",
            "w:embedTrueTypeFonts",
            "w:embedSystemFonts",
            "w:saveSubsetFonts",
            "w:saveFormsData",
            "w:mirrorMargins",
            "w:alignBordersAndEdges",
            "w:bordersDoNotSurroundHeader",
            "w:bordersDoNotSurroundFooter",
            "w:gutterAtTop",
            "w:hideSpellingErrors",
            "w:hideGrammaticalErrors",
            "w:activeWritingStyle",
            "w:proofState",
            "w:formsDesign",
            "w:attachedTemplate",
            "w:linkStyles",
            "w:stylePaneFormatFilter",
            "w:stylePaneSortMethod",
            "w:documentType",
            "w:mailMerge",
            "w:revisionView",
            "w:trackRevisions",
            "w:doNotTrackMoves",
            "w:doNotTrackFormatting",
            "w:documentProtection",
            "w:autoFormatOverride",
            "w:styleLockTheme",
            "w:styleLockQFSet",
            "w:defaultTabStop",
            "w:autoHyphenation",
            "w:consecutiveHyphenLimit",
            "w:hyphenationZone",
            "w:doNotHyphenateCaps",
            "w:showEnvelope",
            "w:summaryLength",
            "w:clickAndTypeStyle",
            "w:defaultTableStyle",
            "w:evenAndOddHeaders",
            "w:bookFoldRevPrinting",
            "w:bookFoldPrinting",
            "w:bookFoldPrintingSheets",
            "w:drawingGridHorizontalSpacing",
            "w:drawingGridVerticalSpacing",
            "w:displayHorizontalDrawingGridEvery",
            "w:displayVerticalDrawingGridEvery",
            "w:doNotUseMarginsForDrawingGridOrigin",
            "w:drawingGridHorizontalOrigin",
            "w:drawingGridVerticalOrigin",
            "w:doNotShadeFormData",
            "w:noPunctuationKerning",
            "w:characterSpacingControl",
            "w:printTwoOnOne",
            "w:strictFirstAndLastChars",
            "w:noLineBreaksAfter",
            "w:noLineBreaksBefore",
            "w:savePreviewPicture",
            "w:doNotValidateAgainstSchema",
            "w:saveInvalidXml",
            "w:ignoreMixedContent",
            "w:alwaysShowPlaceholderText",
            "w:doNotDemarcateInvalidXml",
            "w:saveXmlDataOnly",
            "w:useXSLTWhenSaving",
            "w:saveThroughXslt",
            "w:showXMLTags",
            "w:alwaysMergeEmptyNamespace",
            "w:updateFields",
            "w:hdrShapeDefaults",
            "w:footnotePr",
            "w:endnotePr",
            "w:compat",
            "w:docVars",
            "w:rsids",
            "m:mathPr",
            "w:attachedSchema",
            "w:themeFontLang",
            "w:clrSchemeMapping",
            "w:doNotIncludeSubdocsInStats",
            "w:doNotAutoCompressPictures",
            "w:forceUpgrade",
            "w:captions",
            "w:readModeInkLockDown",
            "w:smartTagType",
            "sl:schemaLibrary",
            "w:shapeDefaults",
            "w:doNotEmbedSmartTags",
            "w:decimalSymbol",
            "w:listSeparator",
        ],
    ),
    ("w:fonts", &["w:font"]),
    (
        "w:font",
        &[
            "w:altName",
            "w:panose1",
            "w:charset",
            "w:family",
            "w:notTrueType",
            "w:pitch",
            "w:sig",
            "w:embedRegular",
            "w:embedBold",
            "w:embedItalic",
            "w:embedBoldItalic",
        ],
    ),
    ("a:fontScheme", &["a:majorFont", "a:minorFont", "a:extLst"]),
    ("a:majorFont", &["a:latin", "a:ea", "a:cs", "a:font", "a:extLst"]),
    ("a:minorFont", &["a:latin", "a:ea", "a:cs", "a:font", "a:extLst"]),
    ("a:themeElements", &["a:clrScheme", "a:fontScheme", "a:fmtScheme", "a:extLst"]),
    ("a:fmtScheme", &["a:fillStyleLst", "a:lnStyleLst", "a:effectStyleLst", "a:bgFillStyleLst"]),
];

/// Every element of an XML part with the names of its children in order. A small scanner: the
/// parts zongjie writes have no comments, CDATA or '>' inside attribute values.
fn element_children(xml: &str) -> Vec<(String, Vec<String>)> {
    let mut done = Vec::new();
    let mut stack: Vec<(String, Vec<String>)> = Vec::new();
    for tag in xml.split('<').skip(1).map(|t| t.split('>').next().unwrap()) {
        if tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let (open, children) = stack.pop().unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "<{open}> closed by </{name}>");
            done.push((open, children));
            continue;
        }
        let name = tag.split([' ', '/']).next().unwrap().to_string();
        if let Some((_, children)) = stack.last_mut() {
            children.push(name.clone());
        }
        if tag.ends_with('/') {
            done.push((name, Vec::new()));
        } else {
            stack.push((name, Vec::new()));
        }
    }
    assert!(stack.is_empty(), "unclosed: {:?}", stack.iter().map(|s| &s.0).collect::<Vec<_>>());
    done
}

/// Checks the children of every element of every XML part of a package against [`SCHEMA_ORDER`].
/// Returns how many elements it checked.
fn check_schema_order(docx: &Path) -> usize {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
    let mut checked = 0;
    for name in names.iter().filter(|n| n.ends_with(".xml") && n.starts_with("word/")) {
        let mut xml = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
        checked += check_part(name, &xml);
    }
    checked
}

/// Checks one XML part against [`SCHEMA_ORDER`]; returns how many elements it checked.
fn check_part(name: &str, xml: &str) -> usize {
    let mut checked = 0;
    {
        for (element, children) in element_children(xml) {
            let Some((_, order)) = SCHEMA_ORDER.iter().find(|(e, _)| *e == element) else { continue };
            let mut last = 0;
            for child in &children {
                let at = order
                    .iter()
                    .position(|o| o == child)
                    .unwrap_or_else(|| panic!("{name}: <{child}> is not a child of <{element}> here: {children:?}"));
                assert!(at >= last, "{name}: <{child}> after <{}> in <{element}>: {children:?}", order[last]);
                last = at;
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_part_has_its_children_in_schema_order() {
    // A report with a township table, so that tables are written too.
    let ws = table_workspace();
    let out = zongjie(ws.path(), &["build", "--format", "docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docx = file_with_ext(&ws.path().join("output/2024H1"), "docx");
    assert!(part(&docx, "word/document.xml").contains("<w:tbl>"));
    let checked = check_schema_order(&docx);
    assert!(checked > 500, "{checked}");
    let checked = check_schema_order(&repo().join("templates/reference.docx"));
    assert!(checked > 100, "{checked}");
    // The checker itself refuses a pPr with keepNext after jc, and an unknown child.
    assert_eq!(check_part("right", "<w:pPr><w:keepNext/><w:jc w:val=\"both\"/></w:pPr>"), 1);
    assert!(
        std::panic::catch_unwind(|| check_part("wrong", "<w:pPr><w:jc w:val=\"both\"/><w:keepNext/></w:pPr>")).is_err()
    );
    assert!(std::panic::catch_unwind(|| check_part("wrong", "<w:rPr><w:bold/></w:rPr>")).is_err());
}

#[test]
fn every_part_is_declared_and_related() {
    let (_ws, docx) = built("docx");
    let types = part(&docx, "[Content_Types].xml");
    let rels = part(&docx, "word/_rels/document.xml.rels");
    for (name, content_type, rel) in [
        (
            "word/fontTable.xml",
            "officedocument.wordprocessingml.fontTable+xml",
            "relationships/fontTable\" Target=\"fontTable.xml\"",
        ),
        ("word/theme/theme1.xml", "officedocument.theme+xml", "relationships/theme\" Target=\"theme/theme1.xml\""),
        (
            "word/settings.xml",
            "officedocument.wordprocessingml.settings+xml",
            "relationships/settings\" Target=\"settings.xml\"",
        ),
    ] {
        part(&docx, name);
        assert!(
            types.contains(&format!(
                "PartName=\"/{name}\" ContentType=\"application/vnd.openxmlformats-{content_type}\""
            )),
            "{name}"
        );
        assert!(rels.contains(rel), "{name}: {rels}");
    }
    // An office PC without the GB2312 fonts falls back to the right family.
    let fonts = part(&docx, "word/fontTable.xml");
    for (name, alt) in
        [("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "华文中宋"), ("黑体", "SimHei")]
    {
        assert!(
            fonts.contains(&format!("<w:font w:name=\"{name}\"><w:altName w:val=\"{alt}\"/><w:charset w:val=\"86\"/>")),
            "{name}: {fonts}"
        );
    }
    let theme = part(&docx, "word/theme/theme1.xml");
    assert!(theme.contains("<a:minorFont><a:latin typeface=\"仿宋_GB2312\"/><a:ea typeface=\"仿宋_GB2312\"/><a:cs typeface=\"\"/><a:font script=\"Hans\" typeface=\"仿宋_GB2312\"/></a:minorFont>"), "{theme}");
    assert!(
        theme.contains("<a:majorFont><a:latin typeface=\"方正小标宋简体\"/><a:ea typeface=\"方正小标宋简体\"/>"),
        "{theme}"
    );
    // The East Asian switches, explicit, and the PDF's line-breaking rules.
    let styles = part(&docx, "word/styles.xml");
    let defaults = styles.split("<w:pPrDefault>").nth(1).unwrap().split("</w:pPrDefault>").next().unwrap();
    for switch in [
        "<w:widowControl w:val=\"0\"/>",
        "<w:kinsoku/>",
        "<w:overflowPunct w:val=\"0\"/>",
        "<w:topLinePunct w:val=\"0\"/>",
        "<w:autoSpaceDE w:val=\"0\"/>",
        "<w:autoSpaceDN w:val=\"0\"/>",
    ] {
        assert!(defaults.contains(switch) && style(&styles, "Normal").contains(switch), "{switch}");
    }
    let settings = part(&docx, "word/settings.xml");
    assert!(settings.contains("<w:characterSpacingControl w:val=\"doNotCompress\"/>"));
    assert!(
        settings.contains(&format!("<w:noLineBreaksBefore w:lang=\"zh-CN\" w:val=\"{}\"/>", layout::NO_START)),
        "{settings}"
    );
}

/// A line of text in a PDF as pdftotext finds it: left, top, right and bottom edges in points.
#[derive(Debug, Clone)]
struct Line {
    x0: f32,
    y0: f32,
    y1: f32,
    x1: f32,
    text: String,
}

/// The text lines of each page of a PDF (pdftotext -bbox-layout), page numbers ("—1—") left out.
fn pdf_lines(pdf: &Path) -> Vec<Vec<Line>> {
    let out = Command::new("pdftotext").arg("-bbox-layout").arg(pdf).arg("-").output().expect("pdftotext");
    let xml = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f32 {
        tag.split(&format!("{name}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
    };
    xml.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<line ")
                .skip(1)
                .map(|line| {
                    let tag = line.split('>').next().unwrap();
                    let text: String = line
                        .split("<word ")
                        .skip(1)
                        .map(|w| w.split_once('>').unwrap().1.split("</word>").next().unwrap())
                        .collect();
                    Line {
                        x0: attr(tag, "xMin"),
                        y0: attr(tag, "yMin"),
                        y1: attr(tag, "yMax"),
                        x1: attr(tag, "xMax"),
                        text,
                    }
                })
                .filter(|l| !(l.text.starts_with('—') && l.text.ends_with('—')))
                .collect()
        })
        .collect()
}

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;

/// The line of the 22-line grid (0-based) a line of text sits on, from the middle of its glyphs
/// (LibreOffice sets them lower in the line than the PDF does).
fn grid_row(l: &Line) -> i64 {
    ((l.y0 + l.y1) / 2.0 - 37.0 * MM).div_euclid(225.0 * MM / 22.0) as i64
}

/// Full-width: Chinese characters and punctuation (what the 28-character grid counts).
fn full_width(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace()
}

/// Checks LibreOffice's PDF of a report against zongjie's own PDF of it: the same number of pages,
/// 28 characters on every full line, 22 lines on every full page, the 落款 with the last line
/// of text. Returns how many full lines it counted.
fn sets_like_the_pdf(name: &str, ours: &Path, theirs: &Path, signature: &[String]) -> usize {
    let em = 156.0 * MM / 28.0;
    let ours = pdf_lines(ours);
    let pages = pdf_lines(theirs);
    assert_eq!(pages.len(), ours.len(), "{name}: LibreOffice sets {} pages, zongjie's PDF {}", pages.len(), ours.len());
    // Odd pages have the binding margin (28 mm) on the left, even pages on the right.
    let left = |page: usize| if page % 2 == 0 { 28.0 * MM } else { 26.0 * MM };
    let row = grid_row;
    let mut full_lines = 0;
    for (p, lines) in pages.iter().enumerate() {
        let (l, r) = (left(p), left(p) + 156.0 * MM);
        for (i, line) in lines.iter().enumerate() {
            assert!((0..22).contains(&row(line)), "{name}: page {}: {line:?} is off the 22 lines", p + 1);
            // A line of a paragraph other than its first, all Chinese, reaching the right margin.
            let chars: Vec<char> = line.text.chars().collect();
            if (line.x0 - l).abs() < 2.0 && line.x1 > r - em / 2.0 && chars.iter().all(|c| full_width(*c)) {
                // LibreOffice 7.4 reads w:overflowPunct inverted and lets a closing mark hang in the
                // margin; the characters inside the type area are what the grid counts.
                let hanging = line.x1 > r + 2.0;
                if hanging {
                    assert!(layout::forbidden_at_start(*chars.last().unwrap()), "{name}: {line:?}");
                }
                let inside = chars.len() - usize::from(hanging);
                // Fewer only where the line-breaking rules glue the characters that would have
                // filled it to the one after them (方案》， moves 案 with 》).
                let next = lines.get(i + 1).or_else(|| pages.get(p + 1).and_then(|n| n.first()));
                let next: Vec<char> = next.map(|n| n.text.chars().collect()).unwrap_or_default();
                let glued = (0..28usize.saturating_sub(inside))
                    .all(|k| next.len() > k + 1 && !layout::can_break(next[k], next[k + 1]));
                assert!(
                    inside == 28 || (inside < 28 && glued),
                    "{name}: page {}: a full line of {inside} characters: {line:?}",
                    p + 1
                );
                full_lines += 1;
            }
        }
        // A page is full when the text runs on over the next page: its first line continues a
        // paragraph (starts at the margin). A page that ends before a heading or a paragraph kept
        // with the 落款 may be shorter.
        if let Some(next) = pages.get(p + 1) {
            let first = &next[0];
            if (first.x0 - left(p + 1)).abs() < 2.0 {
                let last = lines.iter().map(row).max().unwrap_or(0);
                assert_eq!(
                    last + 1,
                    22,
                    "{name}: page {} holds {} lines, the text runs on: {:?}",
                    p + 1,
                    last + 1,
                    first
                );
            }
        }
    }
    // The 落款: its lines on the page of the last line of text, and not alone there.
    let (unit, date) = (&signature[0], &signature[signature.len() - 1]);
    // The last line with the unit's name (the title may begin with it too).
    let page = pages.iter().rposition(|lines| lines.iter().any(|l| &l.text == unit)).expect("the unit's line");
    let lines = &pages[page];
    let at = lines.iter().rposition(|l| &l.text == unit).unwrap();
    assert!(at > 0, "{name}: the 落款 starts page {} alone", page + 1);
    assert!(lines[at..].iter().any(|l| &l.text == date), "{name}: the date is not on the unit's page");
    assert_eq!(page + 1, pages.len(), "{name}: the 落款 is not on the last page");
    full_lines
}

/// A private fontconfig that maps the DOCX's font names to the Fandol faces the PDF embeds, so
/// that LibreOffice measures with the same fonts.
fn fonts_conf(dir: &Path) -> PathBuf {
    let fonts = zongjie::workspace::config::DocxFonts::default();
    let map = [
        (fonts.body.as_str(), "FandolFang", "Regular"),
        (fonts.title.as_str(), "FandolSong", "Bold"),
        (fonts.hei.as_str(), "FandolHei", "Regular"),
        (fonts.kai.as_str(), "FandolKai", "Regular"),
        (fonts.page_number.as_str(), "FandolSong", "Regular"),
    ];
    let rules: String = map
        .iter()
        .map(|(name, family, style)| {
            format!(
                "<match target=\"pattern\"><test name=\"family\"><string>{name}</string></test>\
<edit name=\"family\" mode=\"assign\" binding=\"strong\"><string>{family}</string></edit>\
<edit name=\"style\" mode=\"assign\" binding=\"strong\"><string>{style}</string></edit></match>\n"
            )
        })
        .collect();
    let conf = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n\
<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n<dir>{}</dir>\n<cachedir>{}</cachedir>\n{rules}</fontconfig>\n",
        repo().join("fonts/fandol").display(),
        dir.join("fontconfig-cache").display()
    );
    let path = dir.join("fonts.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

/// LibreOffice (when installed; .ci/run installs it) opens every sample report's DOCX and a
/// report with a township table, with the Fandol fonts under the Word names, and sets them as
/// zongjie's PDF: the same pages, 28 characters a line, 22 lines a page, the 落款 with the text,
/// the same text and the page numbers. All documents go through one soffice run.
#[test]
fn libreoffice_sets_the_docx_like_the_pdf() {
    if Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("skipped: LibreOffice (soffice) is not installed; apt-get install libreoffice-writer-nogui");
        return;
    }
    let all = sample_workspace_all();
    let out = zongjie(all.path(), &["build", "--all", "--format", "md,pdf,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = table_workspace();
    let out = zongjie(table.path(), &["build", "--format", "md,pdf,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let work = tempfile::tempdir().unwrap();
    let (input, output) = (work.path().join("in"), work.path().join("out"));
    std::fs::create_dir_all(&input).unwrap();
    let mut reports = Vec::new();
    for (ws, period, name) in [
        (all.path(), "2022H1", "2022H1"),
        (all.path(), "2023H1", "2023H1"),
        (all.path(), "2024H1", "2024H1"),
        (all.path(), "2022", "2022"),
        (all.path(), "2023", "2023"),
        (all.path(), "2024", "2024"),
        (table.path(), "2024H1", "table"),
    ] {
        let dir = ws.join("output").join(period);
        std::fs::copy(file_with_ext(&dir, "docx"), input.join(format!("{name}.docx"))).unwrap();
        reports.push((name, file_with_ext(&dir, "pdf"), markdown(ws, period)));
    }
    let profile = format!("file://{}", work.path().join("profile").display());
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&output)
        .args(reports.iter().map(|(name, _, _)| input.join(format!("{name}.docx"))))
        .env("FONTCONFIG_FILE", fonts_conf(work.path()))
        .env("HOME", work.path())
        .output()
        .expect("soffice runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));

    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut full_lines = 0;
    for (name, ours, md) in &reports {
        let theirs = output.join(format!("{name}.pdf"));
        let doc = zongjie::render::document::parse(md, "r").unwrap();
        let signature = doc
            .blocks
            .iter()
            .find_map(|b| match b {
                zongjie::render::document::Block::Signature { lines } => Some(lines.clone()),
                _ => None,
            })
            .expect("a 落款");
        full_lines += sets_like_the_pdf(name, ours, &theirs, &signature);
        // The page numbers in the footers, and the same text, read line by line down each page.
        let text = String::from_utf8(Command::new("pdftotext").arg(&theirs).arg("-").output().unwrap().stdout).unwrap();
        assert!(squash(&text).contains("—1—") && squash(&text).contains("—2—"), "{name}: page numbers");
        let mut body: String = pdf_lines(&theirs)
            .into_iter()
            .flat_map(|mut lines| {
                lines.sort_by(|a, b| grid_row(a).cmp(&grid_row(b)).then(a.x0.total_cmp(&b.x0)));
                lines.into_iter().map(|l| l.text)
            })
            .collect();
        // A table's header row repeats on each page it runs over (and pdftotext may read it after
        // the first row's cell): compared without it.
        let mut expected = squash(&doc.plain_text());
        for block in &doc.blocks {
            if let zongjie::render::document::Block::Table { header, .. } = block {
                let header = squash(&header.concat());
                assert!(body.contains(&header), "{name}: the table's header");
                body = body.replace(&header, "");
                expected = expected.replace(&header, "");
            }
        }
        assert_eq!(body, expected, "{name}");
    }
    assert!(full_lines > 300, "only {full_lines} full lines were checked");
}
