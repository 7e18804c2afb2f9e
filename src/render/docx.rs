//! The DOCX renderer: a native Word document in 公文 styles, written as WordprocessingML.
//!
//! Written directly rather than through docx-rs: the layout needs a handful of exact settings
//! (the East Asian font slot on every style, a 22-line grid, exact line pitch, mirrored binding
//! margins, separate odd and even footers with PAGE fields, repeated table headers, the East Asian
//! typography switches) and fixed zip entry times; each is one XML element here, and the tests
//! read them back directly.
//!
//! Everything that is measured is measured as the PDF measures it: the page from
//! [`Geometry::gbt9704`], the character width from the type area and the grid, the title's
//! breaks, the 落款's indents and the table's columns from the advances of the same fonts the PDF
//! embeds ([`layout::advances`]), so Word, WPS and LibreOffice set the same lines and pages.
//!
//! Style names are shared with `templates/reference.docx` (the pandoc route): the title is
//! "Heading 1", 一、 is "Heading 2", （一） "Heading 3", 1. "Heading 4", （1） "Heading 5",
//! paragraphs "Body Text", the signature "落款", so a secretary restyles the whole report in one
//! place whichever way it was made. Every style pandoc emits is defined.

use super::{escape_markup, Renderer};
use crate::error::{Error, Result};
use crate::render::document::{Align, Block, Document, Level};
use crate::render::page::fonts::{FontSet, Role};
use crate::render::page::layout::{self, Geometry, BODY_SIZE, CELL_PAD, SMALL_SIZE, TITLE_SIZE};
use crate::workspace::config::DocxFonts;
use std::sync::Arc;

/// What an office PC without a font falls back to, and how Word classes it: (name, alternative
/// name, family, pitch). GB2312 fonts are charset 86 (GB2312), so Word substitutes a Chinese face.
const KNOWN_FONTS: [(&str, &str, &str, &str); 8] = [
    ("仿宋_GB2312", "仿宋", "modern", "fixed"),
    ("楷体_GB2312", "楷体", "modern", "fixed"),
    ("方正小标宋简体", "华文中宋", "script", "fixed"),
    ("黑体", "SimHei", "modern", "fixed"),
    ("宋体", "SimSun", "auto", "variable"),
    ("仿宋", "FangSong", "modern", "fixed"),
    ("楷体", "KaiTi", "modern", "fixed"),
    ("Times New Roman", "", "roman", "variable"),
];

/// Renders the document as a .docx.
#[derive(Debug, Clone)]
pub struct DocxRenderer {
    /// Font names by role, as written into the document.
    pub fonts: DocxFonts,
    /// The fonts the PDF sets the report in: the title's breaks, the 落款's indents and the table's
    /// columns are measured with their advances.
    pub metrics: Arc<FontSet>,
}

impl Default for DocxRenderer {
    fn default() -> Self {
        DocxRenderer::new(DocxFonts::default(), FontSet::bundled())
    }
}

impl DocxRenderer {
    /// A renderer writing `fonts` into the document and measuring with `metrics`.
    pub fn new(fonts: DocxFonts, metrics: FontSet) -> Self {
        DocxRenderer { fonts, metrics: Arc::new(metrics) }
    }
}

impl Renderer for DocxRenderer {
    fn extension(&self) -> &'static str {
        "docx"
    }

    fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        let sheet = Sheet::new(Geometry::gbt9704());
        let parts = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("docProps/app.xml", APP.to_string()),
            ("docProps/core.xml", core_properties(doc)),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
            ("word/document.xml", document_xml(doc, &sheet, &self.metrics)),
            ("word/styles.xml", styles_xml(&self.fonts, &sheet)),
            ("word/settings.xml", settings_xml()),
            ("word/fontTable.xml", font_table_xml(&self.fonts)),
            ("word/theme/theme1.xml", theme_xml(&self.fonts)),
            ("word/footer1.xml", footer_xml(true)),
            ("word/footer2.xml", footer_xml(false)),
        ];
        package(&parts, doc.date)
    }

    /// The fonts measured with: another body font moves the 落款.
    fn inputs(&self) -> Vec<(String, String)> {
        self.metrics.all().iter().map(|f| (f.name.clone(), f.sha256.clone())).collect()
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
    DocxRenderer::new(fonts.clone(), FontSet::bundled()).render(&sample)
}

/// The page of [`Geometry`] in twips, as the DOCX states it, and what follows from it.
struct Sheet {
    geo: Geometry,
    width: u32,
    height: u32,
    top: u32,
    bottom: u32,
    inside: u32,
    outside: u32,
    /// Exact line pitch (225 mm / 22).
    pitch: u32,
    /// Character width in percent that sets `geo.chars` body characters on a line.
    scale: u32,
}

/// Table rules: 0.75 pt (w:sz is in eighths of a point).
const RULE_TWIPS: u32 = 15;

/// Points to twips.
fn tw(points: f32) -> u32 {
    (points * 20.0).round() as u32
}

impl Sheet {
    fn new(geo: Geometry) -> Self {
        let (width, height) = (tw(geo.page_width), tw(geo.page_height));
        let (top, inside) = (tw(geo.top), tw(geo.binding));
        let outside = tw(geo.page_width - geo.binding - geo.width);
        let bottom = tw(geo.page_height - geo.top - geo.height);
        // The type area as the margins leave it, shared by the characters of a line: each is set
        // that much narrower (w:w, whole percent), rounded down so that the last one never wraps:
        // 156 mm / 28 = 15.79 pt, 98% of 16 pt. Not a negative character spacing: with it,
        // LibreOffice drops a closing mark it hangs at the end of a justified line. Nor a
        // character grid (`linesAndChars`): LibreOffice and WPS put a 16 pt glyph into two
        // 15.79 pt cells and set 14 characters a line.
        let line = f64::from(width - inside - outside);
        let scale = (100.0 * line / geo.chars as f64 / f64::from(tw(BODY_SIZE))).floor() as u32;
        // Rounded down, so that all the lines fit between the margins.
        let pitch = (height - top - bottom) / geo.lines as u32;
        Sheet { geo, width, height, top, bottom, inside, outside, pitch, scale }
    }
    /// One body character (16 pt) in twips.
    fn em(&self) -> u32 {
        tw(BODY_SIZE)
    }
}

fn package(parts: &[(&str, String)], date: Option<chrono::NaiveDate>) -> Result<Vec<u8>> {
    super::zip_container(parts.iter().map(|(name, xml)| (*name, xml.as_bytes())), date).map_err(internal)
}

fn run(text: &str, style: Option<&str>) -> String {
    let rpr = style.map(|s| format!("<w:rPr><w:rStyle w:val=\"{s}\"/></w:rPr>")).unwrap_or_default();
    format!("<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>", escape_markup(text))
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

/// The title's runs: broken into the same balanced lines as the PDF (after the unit's name),
/// measured with the title font's advances.
fn title_runs(title: &str, sheet: &Sheet, metrics: &FontSet) -> String {
    let chars: Vec<char> = title.chars().collect();
    let widths = layout::advances(metrics, &sheet.geo, Role::Title, TITLE_SIZE, false, title);
    let lines: Vec<String> =
        layout::title_lines(&chars, &widths, sheet.geo.width).into_iter().map(|r| chars[r].iter().collect()).collect();
    lines.iter().map(|l| run(l, None)).collect::<Vec<_>>().join("<w:r><w:br/></w:r>")
}

fn document_xml(doc: &Document, sheet: &Sheet, metrics: &FontSet) -> String {
    let mut body = paragraph("Heading1", "", &title_runs(&doc.title, sheet, metrics));
    for (i, block) in doc.blocks.iter().enumerate() {
        // As in the PDF: the last paragraph keeps with the 落款, a caption with its table.
        let next = doc.blocks.get(i + 1);
        let keep = matches!(next, Some(Block::Signature { .. }))
            || matches!((block, next), (Block::Paragraph { .. }, Some(Block::Table { .. })));
        body.push_str(&match block {
            Block::Heading { level, text } => paragraph(heading_style(*level), "", &run(text, None)),
            Block::Paragraph { lead, text } => {
                let mut runs = String::new();
                if let Some((level, lead)) = lead {
                    runs.push_str(&run(lead, Some(run_in_style(*level))));
                }
                runs.push_str(&run(text, None));
                paragraph("BodyText", if keep { "<w:keepNext/>" } else { "" }, &runs)
            }
            Block::Table { header, rows, align } => table_xml(header, rows, align, sheet, metrics),
            Block::Signature { lines } => signature_xml(lines, sheet, metrics),
        });
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<w:body>{body}{}</w:body></w:document>",
        section_xml(sheet)
    )
}

/// A4, top 37 mm, binding 28 mm (mirrored: inside), type area 156 × 225 mm, footers odd and
/// even, a line grid of 22 lines (28 characters a line come from the character width, `Sheet::scale`).
fn section_xml(s: &Sheet) -> String {
    // The page number's top sits 7 mm below the type area: footer distance = bottom − 7 mm − 14 pt.
    let footer = s.bottom - tw(7.0 * layout::MM) - tw(SMALL_SIZE);
    format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/><w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>\
<w:pgSz w:w=\"{}\" w:h=\"{}\"/>\
<w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"851\" w:footer=\"{footer}\" w:gutter=\"0\"/>\
<w:cols w:space=\"425\"/><w:docGrid w:type=\"lines\" w:linePitch=\"{}\"/></w:sectPr>",
        s.width, s.height, s.top, s.outside, s.bottom, s.inside, s.pitch
    )
}

/// A ruled table as the PDF sets it: columns as wide as their widest cell (measured with the
/// PDF's fonts) scaled to the type area, 黑体 header centred and repeated on every page, figures
/// right-aligned, rows never split, the header kept with the first row.
fn table_xml(header: &[String], rows: &[Vec<String>], align: &[Align], sheet: &Sheet, metrics: &FontSet) -> String {
    let columns = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
    if columns == 0 {
        return String::new();
    }
    let text = |cells: &[String], c: usize| cells.get(c).map(String::as_str).unwrap_or("").to_string();
    let measure = |cells: &[String], role: Role| -> Vec<f32> {
        (0..columns)
            .map(|c| layout::advances(metrics, &sheet.geo, role, SMALL_SIZE, false, &text(cells, c)).iter().sum())
            .collect()
    };
    let mut cells = vec![measure(header, Role::Hei)];
    cells.extend(rows.iter().map(|r| measure(r, Role::Body)));
    let widths = layout::column_widths(&cells, columns, &sheet.geo);
    // Edges rounded once, so that the columns add up to the type area exactly.
    let line = sheet.width - sheet.inside - sheet.outside;
    let mut edges = vec![0u32];
    let mut x = 0.0;
    for w in &widths {
        x += w;
        edges.push((f64::from(line) * f64::from(x) / f64::from(sheet.geo.width)).round() as u32);
    }
    let twips: Vec<u32> = edges.windows(2).map(|e| e[1] - e[0]).collect();
    let grid: String = twips.iter().map(|w| format!("<w:gridCol w:w=\"{w}\"/>")).collect();
    let cell = |text: &str, width: u32, ppr: &str, style: &str| {
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/><w:vAlign w:val=\"center\"/></w:tcPr>{}</w:tc>",
            paragraph(style, ppr, &run(text, None))
        )
    };
    let pad = tw(CELL_PAD);
    // Each row exactly as many grid lines as the PDF gives it: LibreOffice adds the rule's width
    // to a row's height, which moved everything after a 16-row table 12 pt off the grid.
    let heights = table_lines(header, rows, align, sheet, metrics);
    // The header row gives up the table's top rule, which LibreOffice sets above it.
    let height = |row: usize| {
        heights.as_ref().and_then(|h| h.get(row)).map_or(String::new(), |lines| {
            let rule = if row == 0 { RULE_TWIPS } else { 0 };
            format!("<w:trHeight w:val=\"{}\" w:hRule=\"exact\"/>", *lines as u32 * sheet.pitch - rule)
        })
    };
    let mut xml = format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"{line}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/>\
<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"{pad}\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tblCellMar>\
<w:tblLook w:val=\"0020\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    );
    xml.push_str(&format!("<w:tr><w:trPr><w:cantSplit/>{}<w:tblHeader/></w:trPr>", height(0)));
    for (c, width) in twips.iter().enumerate() {
        xml.push_str(&cell(&text(header, c), *width, "<w:keepNext/><w:jc w:val=\"center\"/>", "TableHeading"));
    }
    xml.push_str("</w:tr>");
    for (r, row) in rows.iter().enumerate() {
        xml.push_str(&format!("<w:tr><w:trPr><w:cantSplit/>{}</w:trPr>", height(r + 1)));
        for (c, width) in twips.iter().enumerate() {
            let jc = match align.get(c) {
                Some(Align::Right) => "right",
                Some(Align::Center) => "center",
                _ => "left",
            };
            xml.push_str(&cell(&text(row, c), *width, &format!("<w:jc w:val=\"{jc}\"/>"), "TableText"));
        }
        xml.push_str("</w:tr>");
    }
    xml.push_str("</w:tbl>");
    xml
}

/// How many grid lines each row of a table takes (header first), from the PDF's own layout of it;
/// `None` when a character has no glyph (the rows then grow with their text).
fn table_lines(
    header: &[String],
    rows: &[Vec<String>],
    align: &[Align],
    sheet: &Sheet,
    metrics: &FontSet,
) -> Option<Vec<usize>> {
    let table = Block::Table { header: header.to_vec(), rows: rows.to_vec(), align: align.to_vec() };
    let doc = Document { title: String::new(), blocks: vec![table], date: None, appendix: Vec::new() };
    let laid = layout::layout(&doc, metrics, sheet.geo).ok()?;
    // The first line of each table row carries its rules.
    let starts: Vec<usize> =
        (0..laid.rows.len()).filter(|&i| laid.rows[i].table.is_some() && !laid.rows[i].rules.is_empty()).collect();
    let end = laid.rows.iter().rposition(|r| r.table.is_some())? + 1;
    let mut lines: Vec<usize> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    lines.push(end - starts.last()?);
    Some(lines)
}

/// 落款 where the PDF sets it ([`layout::signature_offsets`], measured with the body font's
/// advances): the unit right-aligned two characters in, the date two characters right of the
/// unit's first character; each line a paragraph indented in twips, kept together.
fn signature_xml(lines: &[String], sheet: &Sheet, metrics: &FontSet) -> String {
    let widths: Vec<f32> = lines
        .iter()
        .map(|l| layout::advances(metrics, &sheet.geo, Role::Body, BODY_SIZE, true, l).iter().sum())
        .collect();
    let offsets = layout::signature_offsets(&widths, &sheet.geo);
    let mut xml = String::new();
    for (i, (line, x)) in lines.iter().zip(offsets).enumerate() {
        let keep = if i + 1 < lines.len() { "<w:keepNext/><w:keepLines/>" } else { "<w:keepLines/>" };
        // Twips, not leftChars: LibreOffice measures "chars" against another size.
        let ppr = format!(
            "{keep}<w:ind w:left=\"{}\" w:right=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/>",
            tw(x.max(0.0))
        );
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

/// A style's fonts: the Chinese font in the East Asian slot, and digits and Latin letters in the
/// configured Latin font or else in that same Chinese font.
fn fonts_xml(east_asia: &str, latin: Option<&str>) -> String {
    let l = escape_markup(latin.unwrap_or(east_asia));
    format!(
        "<w:rFonts w:ascii=\"{l}\" w:hAnsi=\"{l}\" w:eastAsia=\"{}\" w:cs=\"{l}\" w:hint=\"eastAsia\"/>",
        escape_markup(east_asia)
    )
}

/// The East Asian typography switches, all explicit, as the PDF sets text: no gap between digits
/// and Chinese (autoSpaceDE/DN off), no punctuation hanging past the margin (overflowPunct off) or
/// squeezed at a line's start (topLinePunct off), line-breaking rules on (kinsoku), no widow
/// control (the PDF fills every page to 22 lines). LibreOffice (7.4 to this day) ignores autoSpace
/// and reads overflowPunct inverted: it adds a fifth of an em where digits meet Chinese and lets a
/// closing mark hang, which about evens out over a page.
const TYPOGRAPHY: &str =
    "<w:widowControl w:val=\"0\"/><w:kinsoku/><w:wordWrap/><w:overflowPunct w:val=\"0\"/><w:topLinePunct w:val=\"0\"/>\
<w:autoSpaceDE w:val=\"0\"/><w:autoSpaceDN w:val=\"0\"/><w:adjustRightInd w:val=\"0\"/>";

/// `word/styles.xml`: the document defaults, then the paragraph styles by group (titles and
/// headings, body, tables and captions, the rest), the character styles and the table styles.
fn styles_xml(f: &DocxFonts, sheet: &Sheet) -> String {
    let latin = f.latin.as_deref();
    let x = StylePieces::new(sheet);
    let mut styles = style_defaults_xml(f, sheet, &x);
    let paragraphs = [
        title_and_heading_styles(f, &x),
        body_styles(f, &x),
        table_and_caption_styles(f, &x),
        other_paragraph_styles(f, &x),
    ]
    .into_iter()
    .flatten();
    for s in paragraphs {
        styles.push_str(&s.xml(latin));
    }
    styles.push_str(&character_styles_xml(f, latin));
    styles.push_str(&table_styles_xml());
    styles.push_str("</w:styles>");
    styles
}

/// No first-line indent.
const NO_INDENT: &str = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";
/// Not bold: the title's 小标宋 and the headings' 黑体 and 楷体 carry their own weight.
const NOT_BOLD: &str = "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>";
/// Text not on the 28-character grid (title, tables) is set at its natural width, as in the PDF.
const NATURAL: &str = "<w:w w:val=\"100\"/>";

/// A font size in half points, as w:sz and w:szCs.
fn size(half_points: u32) -> String {
    format!("<w:sz w:val=\"{half_points}\"/><w:szCs w:val=\"{half_points}\"/>")
}

/// The properties the styles share, from the page's grid.
struct StylePieces {
    /// The exact line pitch in twips.
    pitch: u32,
    /// One body character in twips.
    em: u32,
    /// Exact line spacing at the pitch, nothing before or after.
    exact: String,
    /// A first-line indent of two characters.
    indent: String,
    /// The body size (三号).
    body: String,
    /// The size of tables and footers (四号).
    small: String,
}

impl StylePieces {
    fn new(sheet: &Sheet) -> Self {
        let (pitch, em) = (sheet.pitch, sheet.em());
        StylePieces {
            pitch,
            em,
            exact: format!("<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{pitch}\" w:lineRule=\"exact\"/>"),
            indent: format!("<w:ind w:firstLineChars=\"200\" w:firstLine=\"{}\"/>", 2 * em),
            body: size(tw(BODY_SIZE) / 10),
            small: size(tw(SMALL_SIZE) / 10),
        }
    }

    /// A heading's paragraph: on the grid, indented like the body, in the outline at its level.
    fn heading_ppr(&self, level: u8) -> String {
        let (exact, indent) = (&self.exact, &self.indent);
        format!(
            "<w:keepNext/><w:keepLines/>{exact}{indent}<w:jc w:val=\"both\"/><w:outlineLvl w:val=\"{}\"/>",
            level - 1
        )
    }

    /// A title's paragraph: centred, off the character grid, a blank line after.
    fn title_ppr(&self, outline: &str) -> String {
        let pitch = self.pitch;
        format!(
            "<w:keepNext/><w:keepLines/><w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"{pitch}\" w:line=\"{pitch}\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"center\"/>{outline}"
        )
    }

    /// The title's run: 小标宋 at its own size, natural width.
    fn title_rpr(&self) -> String {
        format!("{NOT_BOLD}{NATURAL}{}", size(tw(TITLE_SIZE) / 10))
    }

    /// A body paragraph: on the grid, indented two characters, justified.
    fn body_ppr(&self) -> String {
        format!("{}{}<w:jc w:val=\"both\"/>", self.exact, self.indent)
    }

    /// Table text a line and a half of 4号 high, centred in rows of whole grid lines (trHeight).
    fn table_ppr(&self, jc: &str) -> String {
        let cell_line = tw(SMALL_SIZE * 1.5);
        format!(
            "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{cell_line}\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"{jc}\"/>"
        )
    }

    /// A centred paragraph on the grid.
    fn centred(&self) -> String {
        format!("{}{NO_INDENT}<w:jc w:val=\"center\"/>", self.exact)
    }

    /// A caption: centred, kept with what it names.
    fn caption(&self) -> String {
        format!("<w:keepNext/><w:keepLines/>{}", self.centred())
    }

    /// A heading's run: not bold, at the body size.
    fn plain_body(&self) -> String {
        format!("{NOT_BOLD}{}", self.body)
    }

    /// A table's or footer's run: natural width, 4号.
    fn natural_small(&self) -> String {
        format!("{NATURAL}{}", self.small)
    }
}

/// A paragraph style: Word's built-in ones and pandoc's, so that both routes find theirs.
struct ParagraphStyle<'a> {
    id: &'a str,
    name: &'a str,
    builtin: bool,
    ppr: String,
    font: &'a str,
    /// rPr after rFonts, in schema order.
    rpr: String,
}

impl<'a> ParagraphStyle<'a> {
    fn new(id: &'a str, name: &'a str, builtin: bool, ppr: String, font: &'a str, rpr: String) -> Self {
        ParagraphStyle { id, name, builtin, ppr, font, rpr }
    }

    fn xml(&self, latin: Option<&str>) -> String {
        format!(
            "<w:style w:type=\"paragraph\"{custom} w:styleId=\"{}\"><w:name w:val=\"{}\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
<w:pPr>{}</w:pPr><w:rPr>{}{}</w:rPr></w:style>",
            self.id,
            self.name,
            self.ppr,
            fonts_xml(self.font, latin),
            self.rpr,
            custom = if self.builtin { "" } else { " w:customStyle=\"1\"" },
        )
    }
}

/// The XML declaration, the document defaults (body font on the grid), Normal and the
/// default character style.
fn style_defaults_xml(f: &DocxFonts, sheet: &Sheet, x: &StylePieces) -> String {
    let (exact, body) = (&x.exact, &x.body);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:w w:val=\"{scale}\"/>{body}<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr>{TYPOGRAPHY}{exact}</w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/><w:pPr>{TYPOGRAPHY}{exact}<w:jc w:val=\"both\"/></w:pPr><w:rPr>{fonts}{body}</w:rPr></w:style>\
<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>",
        fonts = fonts_xml(&f.body, f.latin.as_deref()),
        scale = sheet.scale,
    )
}

/// The title (Heading 1, Title, Subtitle) and the headings of levels 2 to 9.
fn title_and_heading_styles<'a>(f: &'a DocxFonts, x: &StylePieces) -> Vec<ParagraphStyle<'a>> {
    let p = ParagraphStyle::new;
    let mut styles = vec![
        p("Heading1", "heading 1", true, x.title_ppr("<w:outlineLvl w:val=\"0\"/>"), &f.title, x.title_rpr()),
        p("Title", "Title", true, x.title_ppr(""), &f.title, x.title_rpr()),
        p("Subtitle", "Subtitle", true, x.title_ppr(""), &f.kai, x.body.clone()),
        p("Heading2", "heading 2", true, x.heading_ppr(2), &f.hei, x.plain_body()),
        p("Heading3", "heading 3", true, x.heading_ppr(3), &f.kai, x.plain_body()),
    ];
    for level in 4..=9u8 {
        styles.push(ParagraphStyle {
            id: ["Heading4", "Heading5", "Heading6", "Heading7", "Heading8", "Heading9"][usize::from(level - 4)],
            name: ["heading 4", "heading 5", "heading 6", "heading 7", "heading 8", "heading 9"]
                [usize::from(level - 4)],
            builtin: true,
            ppr: x.heading_ppr(level),
            font: &f.body,
            rpr: x.plain_body(),
        });
    }
    styles
}

/// The body's paragraphs, block quotes, definitions and the 落款.
fn body_styles<'a>(f: &'a DocxFonts, x: &StylePieces) -> Vec<ParagraphStyle<'a>> {
    let p = ParagraphStyle::new;
    let (exact, em, pitch, body) = (&x.exact, x.em, x.pitch, &x.body);
    vec![
        p("BodyText", "Body Text", true, x.body_ppr(), &f.body, body.clone()),
        p("FirstParagraph", "First Paragraph", false, x.body_ppr(), &f.body, body.clone()),
        p("Abstract", "Abstract", false, x.body_ppr(), &f.body, body.clone()),
        p("Bibliography", "Bibliography", true, x.body_ppr(), &f.body, body.clone()),
        p("Author", "Author", false, x.centred(), &f.body, body.clone()),
        p("Date", "Date", true, x.centred(), &f.body, body.clone()),
        p(
            "BlockText",
            "Block Text",
            true,
            format!("{exact}<w:ind w:left=\"{}\" w:firstLine=\"0\"/><w:jc w:val=\"both\"/>", 2 * em),
            &f.kai,
            body.clone(),
        ),
        p("DefinitionTerm", "Definition Term", false, format!("<w:keepNext/>{exact}{NO_INDENT}<w:jc w:val=\"both\"/>"), &f.hei, body.clone()),
        p("Definition", "Definition", false, x.body_ppr(), &f.body, body.clone()),
        // 落款 on its own (the pandoc route): a blank line above the block, right-aligned two
        // characters in. The native DOCX places each line exactly with a paragraph indent.
        p(
            "Signature",
            "落款",
            false,
            format!(
                "<w:keepLines/><w:spacing w:before=\"{pitch}\" w:after=\"0\" w:line=\"{pitch}\" w:lineRule=\"exact\"/><w:ind w:right=\"{}\" w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:contextualSpacing/><w:jc w:val=\"right\"/>",
                2 * em
            ),
            &f.body,
            body.clone(),
        ),
    ]
}

/// Table text and headings, and the captions of tables and figures.
fn table_and_caption_styles<'a>(f: &'a DocxFonts, x: &StylePieces) -> Vec<ParagraphStyle<'a>> {
    let p = ParagraphStyle::new;
    let body = &x.body;
    vec![
        p("Compact", "Compact", false, x.table_ppr("left"), &f.body, x.natural_small()),
        p("TableText", "表格文字", false, x.table_ppr("left"), &f.body, x.natural_small()),
        p("TableHeading", "表格标题", false, x.table_ppr("center"), &f.hei, x.natural_small()),
        p("Caption", "caption", true, x.caption(), &f.hei, body.clone()),
        p("TableCaption", "Table Caption", false, x.caption(), &f.hei, body.clone()),
        p("ImageCaption", "Image Caption", false, x.caption(), &f.body, body.clone()),
        p("Figure", "Figure", false, x.caption(), &f.body, body.clone()),
        p("CaptionedFigure", "Captioned Figure", false, x.caption(), &f.body, body.clone()),
    ]
}

/// Footnotes, the heading of a table of contents and the footer with the page number.
fn other_paragraph_styles<'a>(f: &'a DocxFonts, x: &StylePieces) -> Vec<ParagraphStyle<'a>> {
    let p = ParagraphStyle::new;
    vec![
        p(
            "FootnoteText",
            "footnote text",
            true,
            format!("{NO_INDENT}<w:jc w:val=\"both\"/>"),
            &f.body,
            x.small.clone(),
        ),
        p("TOCHeading", "TOC Heading", true, x.title_ppr(""), &f.hei, x.body.clone()),
        p(
            "Footer",
            "footer",
            true,
            format!(
                "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"{}\" w:lineRule=\"exact\"/>{NO_INDENT}",
                tw(SMALL_SIZE)
            ),
            &f.page_number,
            x.natural_small(),
        ),
    ]
}

/// The character styles: run-in headings, pandoc's, footnote references and links.
fn character_styles_xml(f: &DocxFonts, latin: Option<&str>) -> String {
    let cstyle = |id: &str, name: &str, builtin: bool, rpr: String| {
        format!(
            "<w:style w:type=\"character\"{} w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr>{rpr}</w:rPr></w:style>",
            if builtin { "" } else { " w:customStyle=\"1\"" }
        )
    };
    [
        cstyle("RunIn3", "（一）段首标题", false, fonts_xml(&f.kai, latin)),
        cstyle("RunIn4", "1.段首标题", false, fonts_xml(&f.body, latin)),
        cstyle("BodyTextChar", "Body Text Char", false, fonts_xml(&f.body, latin)),
        cstyle("VerbatimChar", "Verbatim Char", false, fonts_xml(&f.body, latin)),
        cstyle("SectionNumber", "Section Number", false, String::new()),
        cstyle("FootnoteReference", "footnote reference", true, "<w:vertAlign w:val=\"superscript\"/>".into()),
        cstyle("Hyperlink", "Hyperlink", true, "<w:color w:val=\"0563C1\"/><w:u w:val=\"single\"/>".into()),
    ]
    .concat()
}

/// The report's table style and pandoc's default one: ruled on every side, centred.
fn table_styles_xml() -> String {
    let borders = ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|b| format!("<w:{b} w:val=\"single\" w:sz=\"{}\" w:space=\"0\" w:color=\"000000\"/>", RULE_TWIPS * 8 / 20))
        .collect::<String>();
    let pad = tw(CELL_PAD);
    let margins = format!(
        "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"{pad}\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"{pad}\" w:type=\"dxa\"/></w:tblCellMar>"
    );
    format!(
        "<w:style w:type=\"table\" w:customStyle=\"1\" w:styleId=\"ReportTable\"><w:name w:val=\"公文表格\"/><w:tblPr><w:jc w:val=\"center\"/><w:tblBorders>{borders}</w:tblBorders>{margins}</w:tblPr></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"Table\"><w:name w:val=\"Table\"/><w:tblPr><w:jc w:val=\"center\"/><w:tblBorders>{borders}</w:tblBorders>{margins}</w:tblPr></w:style>"
    )
}

/// Mirrored margins and odd/even footers; punctuation not compressed and the PDF's line-breaking
/// rules for Chinese, so the lines break where the PDF's do.
fn settings_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:mirrorMargins/><w:defaultTabStop w:val=\"420\"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:noLineBreaksAfter w:lang=\"zh-CN\" w:val=\"{}\"/><w:noLineBreaksBefore w:lang=\"zh-CN\" w:val=\"{}\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/></w:settings>",
        escape_markup(layout::NO_END),
        escape_markup(layout::NO_START)
    )
}

/// Every font the styles name, with what Word should use where it is missing: the alternative
/// name of a known font, GB2312 (charset 86) for a Chinese name, so that an office PC without
/// 仿宋_GB2312 falls back to 仿宋 rather than to one sans face.
fn font_table_xml(f: &DocxFonts) -> String {
    let mut names: Vec<&str> = vec![&f.body, &f.title, &f.hei, &f.kai, &f.page_number];
    names.extend(f.latin.as_deref());
    let mut seen = std::collections::BTreeSet::new();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    );
    for name in names.into_iter().filter(|n| seen.insert(*n)) {
        let chinese = !name.is_ascii();
        let (alt, family, pitch) =
            KNOWN_FONTS.iter().find(|k| k.0 == name).map(|k| (k.1, k.2, k.3)).unwrap_or(("", "auto", "variable"));
        let alt = if alt.is_empty() { String::new() } else { format!("<w:altName w:val=\"{}\"/>", escape_markup(alt)) };
        xml.push_str(&format!(
            "<w:font w:name=\"{}\">{alt}<w:charset w:val=\"{}\"/><w:family w:val=\"{family}\"/><w:pitch w:val=\"{pitch}\"/></w:font>",
            escape_markup(name),
            if chinese { "86" } else { "00" }
        ));
    }
    xml.push_str("</w:fonts>");
    xml
}

/// The theme: its heading and body fonts are the title and body fonts, East Asian slot and
/// Simplified Chinese script included, so "theme fonts" in Word are the report's.
fn theme_xml(f: &DocxFonts) -> String {
    let font = |chinese: &str| {
        let latin = escape_markup(f.latin.as_deref().unwrap_or(chinese));
        let chinese = escape_markup(chinese);
        format!("<a:latin typeface=\"{latin}\"/><a:ea typeface=\"{chinese}\"/><a:cs typeface=\"\"/><a:font script=\"Hans\" typeface=\"{chinese}\"/>")
    };
    let colour = |name: &str, rgb: &str| format!("<a:{name}><a:srgbClr val=\"{rgb}\"/></a:{name}>");
    let colours: String = [
        ("dk2", "44546A"),
        ("lt2", "E7E6E6"),
        ("accent1", "4472C4"),
        ("accent2", "ED7D31"),
        ("accent3", "A5A5A5"),
        ("accent4", "FFC000"),
        ("accent5", "5B9BD5"),
        ("accent6", "70AD47"),
        ("hlink", "0563C1"),
        ("folHlink", "954F72"),
    ]
    .iter()
    .map(|(n, c)| colour(n, c))
    .collect();
    let fill = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let fills = fill.repeat(3);
    let lines: String = [6350, 12700, 19050].iter().map(|w| format!("<a:ln w=\"{w}\">{fill}</a:ln>")).collect();
    let effects = "<a:effectStyle><a:effectLst/></a:effectStyle>".repeat(3);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"公文\"><a:themeElements>\
<a:clrScheme name=\"公文\"><a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1><a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1>{colours}</a:clrScheme>\
<a:fontScheme name=\"公文\"><a:majorFont>{}</a:majorFont><a:minorFont>{}</a:minorFont></a:fontScheme>\
<a:fmtScheme name=\"公文\"><a:fillStyleLst>{fills}</a:fillStyleLst><a:lnStyleLst>{lines}</a:lnStyleLst><a:effectStyleLst>{effects}</a:effectStyleLst><a:bgFillStyleLst>{fills}</a:bgFillStyleLst></a:fmtScheme>\
</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
        font(&f.title),
        font(&f.body)
    )
}

fn core_properties(doc: &Document) -> String {
    let date = doc
        .date
        .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
        .unwrap_or_else(|| "1980-01-01T00:00:00Z".into());
    let author = doc.author().map(escape_markup).unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>zh-CN</dc:language>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}</dcterms:modified></cp:coreProperties>",
        escape_markup(&doc.title)
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
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
<Relationship Id=\"rIdFontTable\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rIdTheme\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>\
<Relationship Id=\"rIdFooterOdd\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
<Relationship Id=\"rIdFooterEven\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer2.xml\"/>\
</Relationships>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>zongjie</Application></Properties>";

/// Writing the zip into memory fails only through a fault of the program: said so, with the
/// detail for whoever maintains it.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::Render(rust_i18n::t!("render.internal", format = "DOCX", detail = e.to_string()).to_string())
}
