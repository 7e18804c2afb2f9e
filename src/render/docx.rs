//! The DOCX renderer: a native Word document in 公文 styles, written as WordprocessingML.
//!
//! Written directly rather than through docx-rs: the layout needs a handful of exact settings
//! (the East Asian font slot on every style, a 22 × 28 document grid, exact line pitch, mirrored
//! binding margins, separate odd and even footers with PAGE fields, repeated table headers) and
//! fixed zip entry times; each is one XML element here, and the tests read them back directly.
//!
//! Style names are shared with `templates/reference.docx` (the pandoc route): the title is
//! "Heading 1", 一、 is "Heading 2", （一） "Heading 3", 1. "Heading 4", （1） "Heading 5",
//! paragraphs "Body Text", the signature "落款", so a secretary restyles the whole report in one
//! place whichever way it was made.

use super::Renderer;
use crate::document::{Align, Block, Document, Level};
use crate::error::{Error, Result};
use chrono::Datelike;
use std::io::Write;

/// Font names for each role, as installed on government PCs; a workspace may change them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocxFonts {
    /// The title (小标宋).
    pub title: String,
    /// 一、 headings (黑体).
    pub hei: String,
    /// （一） headings (楷体).
    pub kai: String,
    /// Body (仿宋).
    pub body: String,
    /// Page numbers (宋体).
    pub page_number: String,
    /// Digits and Latin letters.
    pub latin: String,
}

impl Default for DocxFonts {
    fn default() -> Self {
        DocxFonts {
            title: "方正小标宋简体".into(),
            hei: "黑体".into(),
            kai: "楷体_GB2312".into(),
            body: "仿宋_GB2312".into(),
            page_number: "宋体".into(),
            latin: "Times New Roman".into(),
        }
    }
}

/// Twips per millimetre.
const TWIPS_PER_MM: f32 = 1440.0 / 25.4;
/// Exact line pitch: 225 mm / 22 lines.
const LINE_PITCH: u32 = 579;
/// Character spacing that sets 28 characters of 3号 in 156 mm: 156 mm / 28 = 15.79 pt, so each
/// 16 pt character is set 0.2 pt tight (in twentieths of a point). A character grid
/// (`linesAndChars`) would say the same to Word, but LibreOffice and WPS put a 16 pt glyph into two
/// 15.79 pt cells and set 14 characters a line; a line grid plus this spacing works in all three.
const CHAR_SPACING: i32 = -4;
/// Body size in half-points (3号).
const BODY_HALF_POINTS: u32 = 32;
/// One body character in twips (16 pt).
const EM: u32 = 320;

fn mm(v: f32) -> u32 {
    (v * TWIPS_PER_MM).round() as u32
}

/// Renders the document as a .docx.
#[derive(Debug, Clone, Default)]
pub struct DocxRenderer {
    /// Font names by role.
    pub fonts: DocxFonts,
}

impl Renderer for DocxRenderer {
    fn extension(&self) -> &'static str {
        "docx"
    }

    fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        let parts = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("docProps/app.xml", APP.to_string()),
            ("docProps/core.xml", core_properties(doc)),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
            ("word/document.xml", document_xml(doc)),
            ("word/styles.xml", styles_xml(&self.fonts)),
            ("word/settings.xml", SETTINGS.to_string()),
            ("word/footer1.xml", footer_xml(true)),
            ("word/footer2.xml", footer_xml(false)),
        ];
        package(&parts, doc.date)
    }
}

/// A styles-only document for pandoc's `--reference-doc`: the same styles, page and footers.
pub fn reference_docx(fonts: &DocxFonts) -> Result<Vec<u8>> {
    let sample = Document {
        title: "标题（Heading 1）".into(),
        blocks: vec![
            Block::Heading { level: Level::Part, text: "一、一级标题（Heading 2）".into() },
            Block::Heading { level: Level::Section, text: "（一）二级标题（Heading 3）".into() },
            Block::Paragraph { lead: None, text: "正文（Body Text）。".into() },
        ],
        date: None,
        appendix: Vec::new(),
    };
    DocxRenderer { fonts: fonts.clone() }.render(&sample)
}

fn package(parts: &[(&str, String)], date: Option<chrono::NaiveDate>) -> Result<Vec<u8>> {
    // Entry times come from the report date (or a fixed epoch), never the clock.
    let time = date
        .and_then(|d| zip::DateTime::from_date_and_time(d.year() as u16, d.month() as u8, d.day() as u8, 0, 0, 0).ok())
        .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in parts {
        zip.start_file(*name, options).map_err(internal)?;
        zip.write_all(xml.as_bytes()).map_err(internal)?;
    }
    let cursor = zip.finish().map_err(internal)?;
    Ok(cursor.into_inner())
}

/// Escapes text for XML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str, style: Option<&str>) -> String {
    let rpr = style.map(|s| format!("<w:rPr><w:rStyle w:val=\"{s}\"/></w:rPr>")).unwrap_or_default();
    format!("<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>", esc(text))
}

fn paragraph(style: &str, extra_ppr: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{extra_ppr}</w:pPr>{runs}</w:p>")
}

/// The style id of a heading level.
pub fn heading_style(level: Level) -> &'static str {
    match level {
        Level::Part => "Heading2",
        Level::Section => "Heading3",
        Level::Item => "Heading4",
        Level::SubItem => "Heading5",
    }
}

/// The character style of a run-in heading.
fn run_in_style(level: Level) -> &'static str {
    match level {
        Level::Section => "RunIn3",
        _ => "RunIn4",
    }
}

/// Width of text in body characters, on the generous side so that a line placed with it never
/// wraps: full-width 1, Latin 0.6 (Times New Roman digits are 0.5, substitutes up to 0.6), and
/// the quarter-character space Word and LibreOffice add where Chinese meets Latin.
fn width_in_chars(text: &str) -> f32 {
    let chars: Vec<char> = text.chars().collect();
    let glyphs: f32 = chars.iter().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum();
    let changes = chars.windows(2).filter(|w| w[0].is_ascii() != w[1].is_ascii()).count();
    glyphs + 0.25 * changes as f32
}

/// The title's runs: broken into the same balanced lines as the PDF (after the unit's name),
/// estimated with full-width characters at 22 pt and ASCII at half that.
fn title_runs(title: &str) -> String {
    let chars: Vec<char> = title.chars().collect();
    let widths: Vec<f32> = chars.iter().map(|c| if c.is_ascii() { 11.0 } else { 22.0 }).collect();
    let width = 156.0 * 72.0 / 25.4;
    let lines: Vec<String> = crate::render::pdf::layout::title_lines(&chars, &widths, width)
        .into_iter()
        .map(|r| chars[r].iter().collect())
        .collect();
    lines.iter().map(|l| run(l, None)).collect::<Vec<_>>().join("<w:r><w:br/></w:r>")
}

fn document_xml(doc: &Document) -> String {
    let mut body = paragraph("Heading1", "", &title_runs(&doc.title));
    for block in &doc.blocks {
        body.push_str(&match block {
            Block::Heading { level, text } => paragraph(heading_style(*level), "", &run(text, None)),
            Block::Paragraph { lead, text } => {
                let mut runs = String::new();
                if let Some((level, lead)) = lead {
                    runs.push_str(&run(lead, Some(run_in_style(*level))));
                }
                runs.push_str(&run(text, None));
                paragraph("BodyText", "", &runs)
            }
            Block::Table { header, rows, align } => table_xml(header, rows, align),
            Block::Signature { lines } => signature_xml(lines),
        });
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<w:body>{body}{}</w:body></w:document>",
        section_xml()
    )
}

/// A4, top 37 mm, binding 28 mm (mirrored: inside), type area 156 × 225 mm, footers odd and
/// even, a line grid of 22 lines (28 characters a line come from [`CHAR_SPACING`]).
fn section_xml() -> String {
    let (top, inside) = (mm(37.0), mm(28.0));
    let outside = mm(210.0 - 28.0 - 156.0);
    let bottom = mm(297.0 - 37.0 - 225.0);
    // The page number's top sits 7 mm below the type area: footer distance = bottom − 7 mm − 14 pt.
    let footer = bottom - mm(7.0) - 280;
    format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>\
<w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"{top}\" w:right=\"{outside}\" w:bottom=\"{bottom}\" w:left=\"{inside}\" w:header=\"851\" w:footer=\"{footer}\" w:gutter=\"0\"/>\
<w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"{LINE_PITCH}\"/></w:sectPr>"
    )
}

fn table_xml(header: &[String], rows: &[Vec<String>], align: &[Align]) -> String {
    let columns = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
    let width = mm(156.0) / columns.max(1) as u32;
    let grid: String = (0..columns).map(|_| format!("<w:gridCol w:w=\"{width}\"/>")).collect();
    let cell = |text: &str, jc: &str, style: &str| {
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
            paragraph(style, &format!("<w:jc w:val=\"{jc}\"/>"), &run(text, None))
        )
    };
    let mut xml = format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    );
    xml.push_str("<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>");
    for c in 0..columns {
        xml.push_str(&cell(header.get(c).map(String::as_str).unwrap_or(""), "center", "TableHeading"));
    }
    xml.push_str("</w:tr>");
    for row in rows {
        xml.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for c in 0..columns {
            let jc = match align.get(c) {
                Some(Align::Right) => "right",
                Some(Align::Center) => "center",
                _ => "left",
            };
            xml.push_str(&cell(row.get(c).map(String::as_str).unwrap_or(""), jc, "TableText"));
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

/// 落款 as in the PDF: a blank line, the unit right-aligned two characters in, the date two
/// characters right of the unit's first character (both moved left when the date is longer).
fn signature_xml(lines: &[String]) -> String {
    let right = 28.0 - 2.0;
    let widths: Vec<f32> = lines.iter().map(|l| width_in_chars(l)).collect();
    let mut unit = right - widths.first().copied().unwrap_or(0.0);
    for w in widths.iter().skip(1) {
        unit = unit.min(right - w - 2.0);
    }
    let mut xml = String::new();
    for (i, line) in lines.iter().enumerate() {
        let chars = if i == 0 { unit } else { unit + 2.0 };
        // Twips, not leftChars: LibreOffice measures "chars" against another size.
        let ppr =
            format!("<w:ind w:left=\"{}\" w:right=\"0\"/><w:jc w:val=\"left\"/>", (chars * EM as f32).round() as i32);
        xml.push_str(&paragraph("Signature", &ppr, &run(line, None)));
    }
    xml
}

fn footer_xml(odd: bool) -> String {
    let (jc, ind) = if odd { ("right", "<w:ind w:right=\"280\"/>") } else { ("left", "<w:ind w:left=\"280\"/>") };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<w:p><w:pPr><w:pStyle w:val=\"Footer\"/>{ind}<w:jc w:val=\"{jc}\"/></w:pPr>\
<w:r><w:t xml:space=\"preserve\">— </w:t></w:r><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r><w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>"
    )
}

fn fonts_xml(east_asia: &str, latin: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:eastAsia=\"{e}\" w:cs=\"{l}\" w:hint=\"eastAsia\"/>",
        l = esc(latin),
        e = esc(east_asia)
    )
}

fn styles_xml(f: &DocxFonts) -> String {
    let exact = format!("<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{LINE_PITCH}\" w:lineRule=\"exact\"/>");
    let indent = format!("<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/>", 2 * EM);
    let size = format!("<w:sz w:val=\"{BODY_HALF_POINTS}\"/><w:szCs w:val=\"{BODY_HALF_POINTS}\"/>");
    let pstyle = |id: &str, name: &str, ppr: &str, font: &str, rpr_extra: &str| {
        format!(
            "<w:style w:type=\"paragraph\" w:customStyle=\"{custom}\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr>{ppr}</w:pPr><w:rPr>{}{rpr_extra}</w:rPr></w:style>",
            fonts_xml(font, &f.latin),
            custom = u8::from(!name.starts_with("heading") && name != "Body Text" && name != "footer" && name != "First Paragraph")
        )
    };
    let heading = |level: u8, font: &str, extra: &str| {
        pstyle(
            &format!("Heading{level}"),
            &format!("heading {level}"),
            &format!("<w:keepNext/>{exact}{indent}<w:jc w:val=\"both\"/><w:outlineLvl w:val=\"{}\"/>", level - 1),
            font,
            &format!("<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>{extra}{size}"),
        )
    };
    let cstyle = |id: &str, name: &str, font: &str| {
        format!(
            "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:rPr>{}</w:rPr></w:style>",
            fonts_xml(font, &f.latin)
        )
    };
    let borders = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|b| format!("<w:{b} w:val=\"single\" w:sz=\"6\" w:space=\"0\" w:color=\"000000\"/>"))
        .collect::<String>();
    let table_para = |id: &str, name: &str, font: &str| {
        pstyle(
            id,
            name,
            &format!("{exact}<w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/>"),
            font,
            "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>",
        )
    };
    let mut styles = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>{}<w:spacing w:val=\"{CHAR_SPACING}\"/>{size}<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr>{exact}</w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:pPr>{exact}<w:jc w:val=\"both\"/></w:pPr><w:rPr>{}{size}</w:rPr></w:style>",
        fonts_xml(&f.body, &f.latin),
        fonts_xml(&f.body, &f.latin)
    );
    styles.push_str(&pstyle(
        "Heading1",
        "heading 1",
        &format!("<w:keepNext/><w:spacing w:before=\"0\" w:after=\"{LINE_PITCH}\" w:line=\"{LINE_PITCH}\" w:lineRule=\"exact\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/>"),
        &f.title,
        "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/>",
    ));
    styles.push_str(&heading(2, &f.hei, ""));
    styles.push_str(&heading(3, &f.kai, ""));
    styles.push_str(&heading(4, &f.body, ""));
    styles.push_str(&heading(5, &f.body, ""));
    let body_ppr = format!("{exact}{indent}<w:jc w:val=\"both\"/>");
    styles.push_str(&pstyle("BodyText", "Body Text", &body_ppr, &f.body, &size));
    styles.push_str(&pstyle("FirstParagraph", "First Paragraph", &body_ppr, &f.body, &size));
    // 落款 on its own (the pandoc route): a blank line above the block, right-aligned two
    // characters in. The native DOCX places each line exactly with a paragraph indent.
    styles.push_str(&pstyle(
        "Signature",
        "落款",
        &format!(
            "<w:spacing w:before=\"{LINE_PITCH}\" w:after=\"0\" w:line=\"{LINE_PITCH}\" w:lineRule=\"exact\"/><w:ind w:firstLine=\"0\" w:right=\"{}\"/><w:contextualSpacing/><w:jc w:val=\"right\"/>",
            2 * EM
        ),
        &f.body,
        &size,
    ));
    styles.push_str(&table_para("TableText", "表格文字", &f.body));
    styles.push_str(&table_para("TableHeading", "表格标题", &f.hei));
    styles.push_str(&pstyle(
        "Footer",
        "footer",
        "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"280\" w:lineRule=\"exact\"/><w:ind w:firstLine=\"0\"/>",
        &f.page_number,
        "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>",
    ));
    styles.push_str(&cstyle("RunIn3", "（一）段首标题", &f.kai));
    styles.push_str(&cstyle("RunIn4", "1.段首标题", &f.body));
    styles.push_str(&format!(
        "<w:style w:type=\"table\" w:customStyle=\"1\" w:styleId=\"ReportTable\"><w:name w:val=\"公文表格\"/><w:tblPr><w:tblBorders>{borders}</w:tblBorders>\
<w:tblCellMar><w:left w:w=\"108\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"Table\"><w:name w:val=\"Table\"/><w:tblPr><w:tblBorders>{borders}</w:tblBorders></w:tblPr></w:style>"
    ));
    styles.push_str("</w:styles>");
    styles
}

fn core_properties(doc: &Document) -> String {
    let date = doc
        .date
        .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
        .unwrap_or_else(|| "1980-01-01T00:00:00Z".into());
    let author = doc.author().map(esc).unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>zh-CN</dc:language>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        esc(&doc.title)
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/word/footer2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdFooterOdd\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
<Relationship Id=\"rIdFooterEven\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>\
</Relationships>";

const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:mirrorMargins/><w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val=\"compressPunctuation\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>zongjie</Application></Properties>";

/// Writing the zip into memory fails only through a fault of the program: said so, with the
/// detail for whoever maintains it.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::Render(rust_i18n::t!("render.internal", format = "DOCX", detail = e.to_string()).to_string())
}
