//! The OFD renderer (GB/T 33190-2016, 开放版式文档): the pages of the PDF — the same page model
//! of positioned glyphs, see `page::model` — written as an OFD package.
//!
//! Our own small writer over `zip`: no OFD crate writes text with embedded fonts (ofd-rs
//! writes pages of images; the others read, render or edit). The package:
//!
//! ```text
//! OFD.xml                        DocBody: DocInfo, DocRoot
//! Doc_0/Document.xml             CommonData (MaxUnitID, PageArea, PublicRes), the page tree
//! Doc_0/PublicRes.xml            Fonts, each with its embedded subset (BaseLoc Res)
//! Doc_0/Pages/Page_N/Content.xml a Body layer (text, table rules) and a Foreground layer (page number)
//! Doc_0/Res/font_ID.otf          the subset fonts, with a cmap of the drawn characters (see `font`)
//! ```
//!
//! Lengths are in millimetres, written as whole micrometres: a glyph's place is rounded once
//! (not a sum of rounded steps), so the OFD puts every glyph within 0.5 µm of the PDF's place.
//! DESIGN.md ("OFD (issue 27)") lists the schema rules followed.

mod font;

use super::page::fonts::{FontSet, LoadedFont};
use super::page::layout::{FontRef, MM};
use super::page::model::{Artifact, Line, Page, Pages, TextRun, RULE_WIDTH};
use super::pdf::PdfRenderer;
use super::{escape_markup, escape_markup_char, Renderer};
use crate::error::{Error, Result};
use crate::render::document::Document;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The OFD namespace of GB/T 33190-2016.
const NS: &str = "http://www.ofdspec.org/2016";

/// Renders the document as an OFD of the PDF's pages.
pub struct OfdRenderer {
    /// Lays the pages out exactly as for the PDF.
    layout: PdfRenderer,
}

impl OfdRenderer {
    /// A renderer with the given fonts and the GB/T 9704 page.
    pub fn new(fonts: FontSet) -> Self {
        OfdRenderer { layout: PdfRenderer::new(fonts) }
    }
}

impl Renderer for OfdRenderer {
    fn extension(&self) -> &'static str {
        "ofd"
    }

    fn inputs(&self) -> Vec<(String, String)> {
        self.layout.inputs()
    }

    fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        let pages = self.layout.pages(doc)?;
        write(doc, &pages, &self.layout.fonts)
    }
}

/// A length in whole micrometres, from points.
fn um(pt: f32) -> i64 {
    (f64::from(pt) / f64::from(MM) * 1000.0).round() as i64
}

/// Micrometres as millimetres, without trailing zeros: `5644` → `5.644`, `3000` → `3`.
fn mm(um: i64) -> String {
    let sign = if um < 0 { "-" } else { "" };
    let (whole, frac) = (um.abs() / 1000, um.abs() % 1000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let frac = format!("{frac:03}");
        format!("{sign}{whole}.{}", frac.trim_end_matches('0'))
    }
}

/// One embedded font: its ID, name and subset.
struct Embedded {
    id: u32,
    name: String,
    family: String,
    file: String,
    bytes: Vec<u8>,
}

/// Hands out the document's unit IDs (GB/T 33190 7.5: unique in the document, MaxUnitID the
/// largest).
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

fn write(doc: &Document, pages: &Pages, fonts: &FontSet) -> Result<Vec<u8>> {
    let mut ids = Ids(0);
    // The characters each font draws, with their glyphs in the full font.
    let mut drawn: BTreeMap<FontRef, BTreeMap<char, u16>> = BTreeMap::new();
    for run in pages.pages.iter().flat_map(|p| &p.runs) {
        let chars = drawn.entry(run.font).or_default();
        for g in &run.glyphs {
            chars.insert(g.ch, g.gid);
        }
    }
    let mut embedded: BTreeMap<FontRef, Embedded> = BTreeMap::new();
    for (font, chars) in &drawn {
        let loaded = loaded(fonts, *font);
        let (bytes, _) = font::subset((*loaded.data).as_ref(), loaded.index, chars).map_err(|why| match why {
            font::Unembeddable::Restricted => {
                Error::Stopped(t!("render.ofd_font_restricted", font = loaded.name).into())
            }
            font::Unembeddable::Subset(detail) => {
                Error::Stopped(t!("render.ofd_font_unembeddable", font = loaded.name, detail = detail).into())
            }
        })?;
        let id = ids.next();
        let (name, family) = names(loaded);
        embedded.insert(*font, Embedded { id, name, family, file: format!("font_{id}.otf"), bytes });
    }

    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut page_refs = Vec::new();
    for (n, page) in pages.pages.iter().enumerate() {
        let id = ids.next();
        let loc = format!("Pages/Page_{n}/Content.xml");
        parts.push((format!("Doc_0/{loc}"), content(page, &embedded, &mut ids).into_bytes()));
        page_refs.push((id, loc));
    }

    let geo = pages.geometry;
    let mut document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Document xmlns:ofd=\"{NS}\"><ofd:CommonData>\
         <ofd:MaxUnitID>{}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea>\
         <ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>",
        ids.0,
        mm(um(geo.page_width)),
        mm(um(geo.page_height))
    );
    for (id, loc) in &page_refs {
        let _ = write!(document, "<ofd:Page ID=\"{id}\" BaseLoc=\"{loc}\"/>");
    }
    document.push_str("</ofd:Pages></ofd:Document>\n");

    let mut res =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:Fonts>");
    for e in embedded.values() {
        let _ = write!(
            res,
            "<ofd:Font ID=\"{}\" FontName=\"{}\" FamilyName=\"{}\"><ofd:FontFile>{}</ofd:FontFile></ofd:Font>",
            e.id,
            escape_markup(&e.name),
            escape_markup(&e.family),
            e.file
        );
    }
    res.push_str("</ofd:Fonts></ofd:Res>\n");

    // The document's identifier: from what it holds, so the same report has the same DocID.
    let mut hasher_input = Vec::new();
    for (name, bytes) in &parts {
        hasher_input.extend_from_slice(name.as_bytes());
        hasher_input.extend_from_slice(bytes);
    }
    for e in embedded.values() {
        hasher_input.extend_from_slice(&e.bytes);
    }
    hasher_input.extend_from_slice(doc.title.as_bytes());
    let doc_id = crate::archive::sha256(&hasher_input)[..32].to_string();

    let mut info = format!("<ofd:DocID>{doc_id}</ofd:DocID><ofd:Title>{}</ofd:Title>", escape_markup(&doc.title));
    if let Some(author) = doc.author() {
        let _ = write!(info, "<ofd:Author>{}</ofd:Author>", escape_markup(author));
    }
    if let Some(date) = doc.date {
        let _ = write!(info, "<ofd:CreationDate>{}</ofd:CreationDate>", date.format("%Y-%m-%d"));
    }
    let _ = write!(
        info,
        "<ofd:Creator>zongjie</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion>",
        env!("CARGO_PKG_VERSION")
    );
    let ofd = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:OFD xmlns:ofd=\"{NS}\" Version=\"1.0\" DocType=\"OFD\">\
         <ofd:DocBody><ofd:DocInfo>{info}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n"
    );

    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("OFD.xml".into(), ofd.into_bytes()),
        ("Doc_0/Document.xml".into(), document.into_bytes()),
        ("Doc_0/PublicRes.xml".into(), res.into_bytes()),
    ];
    entries.extend(parts);
    for e in embedded.into_values() {
        entries.push((format!("Doc_0/Res/{}", e.file), e.bytes));
    }
    package(&entries, doc.date)
}

/// The loaded font a run refers to.
fn loaded(fonts: &FontSet, font: FontRef) -> &LoadedFont {
    match font {
        FontRef::Role(role) => fonts.get(role),
        FontRef::Fallback => fonts.fallback.as_ref().expect("fallback glyphs only come from a fallback font"),
    }
}

/// The font's PostScript name and family name (English, else any), or its file name.
fn names(loaded: &LoadedFont) -> (String, String) {
    let stem = std::path::Path::new(&loaded.name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| loaded.name.clone());
    let Ok(face) = ttf_parser::Face::parse((*loaded.data).as_ref(), loaded.index) else {
        return (stem.clone(), stem);
    };
    let find = |id: u16| {
        let names = face.names();
        let all: Vec<_> = names.into_iter().filter(|n| n.name_id == id).collect();
        all.iter()
            .find(|n| n.language_id == 0x0409)
            .or(all.first())
            .and_then(|n| n.to_string())
            .filter(|s| !s.trim().is_empty())
    };
    let name = find(ttf_parser::name_id::POST_SCRIPT_NAME).unwrap_or_else(|| stem.clone());
    let family = find(ttf_parser::name_id::FAMILY).unwrap_or(stem);
    (name, family)
}

/// A page's Content.xml: the text and rules in the Body layer, in reading order, and the page
/// number in a Foreground layer of its own.
fn content(page: &Page, fonts: &BTreeMap<FontRef, Embedded>, ids: &mut Ids) -> String {
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page xmlns:ofd=\"{NS}\"><ofd:Content>");
    let _ = write!(out, "<ofd:Layer ID=\"{}\" Type=\"Body\">", ids.next());
    for run in page.runs.iter().filter(|r| r.artifact != Some(Artifact::PageNumber)) {
        text_object(&mut out, run, fonts[&run.font].id, ids);
    }
    for line in &page.lines {
        path_object(&mut out, line, ids);
    }
    out.push_str("</ofd:Layer>");
    let numbers: Vec<&TextRun> = page.runs.iter().filter(|r| r.artifact == Some(Artifact::PageNumber)).collect();
    if !numbers.is_empty() {
        let _ = write!(out, "<ofd:Layer ID=\"{}\" Type=\"Foreground\">", ids.next());
        for run in numbers {
            text_object(&mut out, run, fonts[&run.font].id, ids);
        }
        out.push_str("</ofd:Layer>");
    }
    out.push_str("</ofd:Content></ofd:Page>\n");
    out
}

/// One run as a TextObject: its Boundary from the em box's top (one size above the baseline)
/// to a quarter size below it, one TextCode at the baseline with a DeltaX to each next glyph.
fn text_object(out: &mut String, run: &TextRun, font: u32, ids: &mut Ids) {
    let Some(first) = run.glyphs.first() else { return };
    let last = run.glyphs.last().expect("a first glyph");
    let size = um(run.size);
    let (x0, x1) = (um(first.x), um(last.x + last.advance));
    let top = um(run.baseline) - size;
    let xs: Vec<i64> = run.glyphs.iter().map(|g| um(g.x) - x0).collect();
    let _ = write!(
        out,
        "<ofd:TextObject ID=\"{}\" Boundary=\"{} {} {} {}\" Font=\"{font}\" Size=\"{}\"><ofd:TextCode X=\"0\" Y=\"{}\"",
        ids.next(),
        mm(x0),
        mm(top),
        mm(x1 - x0),
        mm(size + size / 4),
        mm(size),
        mm(size)
    );
    if xs.len() > 1 {
        out.push_str(" DeltaX=\"");
        let deltas: Vec<i64> = xs.windows(2).map(|w| w[1] - w[0]).collect();
        deltas_into(out, &deltas);
        out.push('"');
    }
    out.push('>');
    for g in &run.glyphs {
        escape_markup_char(out, g.ch);
    }
    out.push_str("</ofd:TextCode></ofd:TextObject>");
}

/// DeltaX values, a run of three or more equal ones as `g N value` (GB/T 33190 table 46).
fn deltas_into(out: &mut String, deltas: &[i64]) {
    let mut first = true;
    let mut i = 0;
    while i < deltas.len() {
        let same = deltas[i..].iter().take_while(|&&d| d == deltas[i]).count();
        if !first {
            out.push(' ');
        }
        first = false;
        if same >= 3 {
            let _ = write!(out, "g {same} {}", mm(deltas[i]));
            i += same;
        } else {
            out.push_str(&mm(deltas[i]));
            i += 1;
        }
    }
}

/// A table rule as a stroked PathObject, its Boundary padded by the line width.
fn path_object(out: &mut String, line: &Line, ids: &mut Ids) {
    let w = um(RULE_WIDTH);
    let (x0, y0, x1, y1) = (um(line.x0), um(line.y0), um(line.x1), um(line.y1));
    let (bx, by) = (x0.min(x1) - w, y0.min(y1) - w);
    let _ = write!(
        out,
        "<ofd:PathObject ID=\"{}\" Boundary=\"{} {} {} {}\" LineWidth=\"{}\" Stroke=\"true\" Fill=\"false\">\
         <ofd:AbbreviatedData>M {} {} L {} {}</ofd:AbbreviatedData></ofd:PathObject>",
        ids.next(),
        mm(bx),
        mm(by),
        mm((x1 - x0).abs() + 2 * w),
        mm((y1 - y0).abs() + 2 * w),
        mm(w),
        mm(x0 - bx),
        mm(y0 - by),
        mm(x1 - bx),
        mm(y1 - by)
    );
}

/// The zip container (GB/T 33190 chapter 6), entries in a fixed order with the report date (or
/// the zip epoch) as their time: the same report gives the same bytes.
fn package(entries: &[(String, Vec<u8>)], date: Option<chrono::NaiveDate>) -> Result<Vec<u8>> {
    super::zip_container(entries.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())), date).map_err(internal)
}

/// Writing the zip into memory fails only through a fault of the program.
fn internal(e: impl std::fmt::Display) -> Error {
    Error::Render(t!("render.internal", format = "OFD", detail = e.to_string()).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::Block;

    #[test]
    fn a_font_whose_licence_forbids_embedding_is_named() {
        let (_dir, fonts) = crate::render::page::fonts::restricted_body_font();
        let renderer = OfdRenderer::new(fonts);
        let doc = Document {
            title: "标题".into(),
            blocks: vec![Block::Paragraph { lead: None, text: "正文。".into() }],
            date: None,
            appendix: Vec::new(),
        };
        let err = renderer.render(&doc).unwrap_err().to_string();
        assert_eq!(
            err,
            "the licence of the font 仿宋.otf does not allow embedding it in an OFD; choose another font file in zongjie.yaml (fonts:)"
        );
    }

    #[test]
    fn lengths_are_millimetres_to_the_micrometre() {
        assert_eq!(mm(5644), "5.644");
        assert_eq!(mm(3000), "3");
        assert_eq!(mm(3100), "3.1");
        assert_eq!(mm(-250), "-0.25");
        assert_eq!(mm(0), "0");
        assert_eq!(um(72.0), 25400);
        let mut out = String::new();
        deltas_into(&mut out, &[5644, 5644, 5644, 5645, 2000, 2000]);
        assert_eq!(out, "g 3 5.644 5.645 2 2");
    }
}
