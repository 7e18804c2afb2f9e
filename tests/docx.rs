//! The DOCX: page, grid, style fonts (East Asian slot included), odd and even footers with PAGE
//! fields, every heading and paragraph in order with its style, the same text as the PDF; the
//! pandoc route through templates/reference.docx; and LibreOffice (ignored by default, see
//! scripts/libreoffice-check.sh).

mod common;
use common::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

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
    assert!(styles.contains("<w:spacing w:val=\"-4\"/>"), "28 characters a line: 0.2 pt tight");
    assert!(styles.contains("w:line=\"579\" w:lineRule=\"exact\""), "exact line pitch");
}

#[test]
fn every_style_names_its_east_asian_font_and_times_new_roman() {
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
        assert!(
            fonts.contains("w:ascii=\"Times New Roman\"") && fonts.contains("w:hAnsi=\"Times New Roman\""),
            "{id}: {fonts}"
        );
    }
    assert!(styles.contains("<w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"仿宋_GB2312\""));
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
    let doc = zongjie::document::parse(&md, "r").unwrap();
    let paras = paragraphs(&part(&docx, "word/document.xml"));
    let mut expected = vec![("Heading1".to_string(), doc.title.clone())];
    for block in &doc.blocks {
        match block {
            zongjie::document::Block::Heading { level, text } => {
                expected.push((zongjie::render::docx::heading_style(*level).to_string(), text.clone()))
            }
            zongjie::document::Block::Paragraph { lead, text } => expected
                .push(("BodyText".into(), format!("{}{text}", lead.as_ref().map(|l| l.1.as_str()).unwrap_or("")))),
            zongjie::document::Block::Signature { lines } => {
                expected.extend(lines.iter().map(|l| ("Signature".to_string(), l.clone())))
            }
            zongjie::document::Block::Table { .. } => unreachable!("the sample has no table"),
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
}

#[test]
fn the_shipped_reference_docx_is_the_one_the_code_makes() {
    let shipped = std::fs::read(repo().join("templates/reference.docx")).unwrap();
    let made = zongjie::render::docx::reference_docx(&zongjie::render::docx::DocxFonts::default()).unwrap();
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
    assert_eq!(paras[0], ("Heading1".to_string(), "梧桐县民政局上半年工作总结和下半年工作安排".to_string()));
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
    let doc = zongjie::document::parse(&std::fs::read_to_string(&md).unwrap(), "r").unwrap();
    assert_eq!(squash(&paras.iter().map(|(_, t)| t.as_str()).collect::<String>()), squash(&doc.plain_text()));
}

/// Heavy: needs LibreOffice (`apt-get install libreoffice-writer-nogui`); run with
/// scripts/libreoffice-check.sh.
#[test]
#[ignore]
fn libreoffice_renders_the_docx_with_the_text_and_page_numbers() {
    let (ws, docx) = built("md,docx");
    let outdir = ws.path().join("lo");
    let status = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir", outdir.to_str().unwrap()])
        .arg(&docx)
        .env("HOME", ws.path())
        .status()
        .expect("LibreOffice (soffice) must be installed");
    assert!(status.success());
    let pdf = std::fs::read_dir(&outdir).unwrap().map(|e| e.unwrap().path()).next().unwrap();
    let info = String::from_utf8(Command::new("pdfinfo").arg(&pdf).output().unwrap().stdout).unwrap();
    assert!(info.contains("A4"), "{info}");
    let text = String::from_utf8(Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap().stdout).unwrap();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let doc = zongjie::document::parse(&markdown(ws.path(), "2024H1"), "r").unwrap();
    let mut body = squash(&text);
    assert!(body.contains("—1—") && body.contains("—2—"), "page numbers");
    for page in (1..=30).rev() {
        body = body.replace(&format!("—{page}—"), "");
    }
    assert_eq!(body, squash(&doc.plain_text()));
}
