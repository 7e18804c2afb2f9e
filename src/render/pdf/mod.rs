//! The PDF renderer: the document laid out in the GB/T 9704 official layout (see `layout`) and
//! drawn with krilla, which subsets every font and writes the text so that it extracts exactly.
//!
//! krilla rather than the stack's genpdf: genpdf 0.2 silently dropped every Chinese paragraph
//! wider than a line, took only TrueType outlines (the Fandol CFF fonts failed) and embedded each
//! font whole (28.6 MB for four); krilla takes CFF as it is, subsets, and can check PDF/A.

use super::page::fonts::FontSet;
use super::page::layout::{self, FontRef, Geometry, Layout, MissingGlyphs};
use super::page::model::{self, Pages, TextRun, RULE_WIDTH};
use super::Renderer;
use crate::error::{Error, Result};
use crate::render::document::Document;
use krilla::configure::{Archival, ConfigurationBuilder, ValidationError};
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::SerializeSettings;
use rust_i18n::t;
use std::collections::BTreeMap;

/// Renders the document as a PDF/A-2b file in the official layout.
pub struct PdfRenderer {
    /// The fonts by role.
    pub fonts: FontSet,
    /// The page geometry.
    pub geometry: Geometry,
}

impl PdfRenderer {
    /// A renderer with the given fonts and the GB/T 9704 page.
    pub fn new(fonts: FontSet) -> Self {
        PdfRenderer { fonts, geometry: Geometry::gbt9704() }
    }

    /// Lays the document out without drawing it (for checks and tests).
    pub fn layout(&self, doc: &Document) -> std::result::Result<Layout, MissingGlyphs> {
        layout::layout(doc, &self.fonts, self.geometry)
    }

    /// The document's pages of positioned glyphs, checked that every glyph drawn can be drawn:
    /// what the PDF (and any other paged format) draws.
    pub fn pages(&self, doc: &Document) -> Result<Pages> {
        let laid = self.layout(doc).map_err(|MissingGlyphs(missing)| Error::MissingGlyphs(missing))?;
        let pages = model::pages(&laid, &self.fonts, self.geometry);
        self.check_outlines(&pages)?;
        Ok(pages)
    }

    fn krilla_font(&self, font: FontRef, cache: &mut BTreeMap<FontRef, Font>) -> Result<Font> {
        if let Some(f) = cache.get(&font) {
            return Ok(f.clone());
        }
        let loaded = match font {
            FontRef::Role(role) => self.fonts.get(role),
            FontRef::Fallback => self.fonts.fallback.as_ref().expect("fallback glyphs only come from a fallback font"),
        };
        let data: krilla::Data = loaded.data.clone().into();
        let f = Font::new(data, loaded.index)
            .ok_or_else(|| Error::Stopped(t!("render.font_unreadable", font = loaded.name).to_string()))?;
        cache.insert(font, f.clone());
        Ok(f)
    }
}

impl PdfRenderer {
    /// Fails, naming the config line, when a configured font maps a character drawn here to an
    /// outline it cannot read: a damaged font must never leave a blank where text should be.
    fn check_outlines(&self, pages: &Pages) -> Result<()> {
        let drawn = pages.pages.iter().flat_map(|p| &p.runs).flat_map(|r| r.glyphs.iter().map(|g| (r.font, g.ch)));
        let mut seen = std::collections::BTreeSet::new();
        let mut problems: Vec<crate::error::Problem> = Vec::new();
        for (font, c) in drawn {
            if !seen.insert((font, c)) {
                continue;
            }
            let loaded = match font {
                FontRef::Role(role) => self.fonts.get(role),
                FontRef::Fallback => match &self.fonts.fallback {
                    Some(f) => f,
                    None => continue,
                },
            };
            loaded.glyph(c);
            // One problem per font: its first damaged character.
            if let Some(p) = loaded.damaged_glyph(c).filter(|p| !problems.iter().any(|q| q.figure == p.figure)) {
                problems.push(p);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Input(problems))
        }
    }
}

impl Renderer for PdfRenderer {
    fn extension(&self) -> &'static str {
        "pdf"
    }

    fn inputs(&self) -> Vec<(String, String)> {
        self.fonts.all().iter().map(|f| (f.name.clone(), f.sha256.clone())).collect()
    }

    fn render(&self, doc: &Document) -> Result<Vec<u8>> {
        let pages = self.pages(doc)?;
        let geo = self.geometry;
        let configuration = ConfigurationBuilder::new()
            .with_archival_validator(Archival::A2_B)
            .finish()
            .map_err(|e| internal(format!("PDF/A configuration: {e:?}")))?;
        let settings = SerializeSettings { configuration, ..SerializeSettings::default() };
        let mut pdf = krilla::Document::new_with(settings);
        let mut metadata = Metadata::new()
            .title(doc.title.clone())
            .language("zh-CN".into())
            .creator(format!("zongjie {}", env!("CARGO_PKG_VERSION")));
        if let Some(date) = doc.date {
            use chrono::Datelike;
            let date =
                krilla::metadata::DateTime::new(date.year() as u16).month(date.month() as u8).day(date.day() as u8);
            metadata = metadata.creation_date(date);
        }
        if let Some(author) = doc.author() {
            metadata = metadata.authors(vec![author.to_string()]);
        }
        pdf.set_metadata(metadata);
        let mut font_cache = BTreeMap::new();
        for page_model in &pages.pages {
            let settings =
                PageSettings::from_wh(geo.page_width, geo.page_height).ok_or_else(|| internal("page size".into()))?;
            let mut page = pdf.start_page_with(settings);
            let mut surface = page.surface();
            for run in &page_model.runs {
                let font = self.krilla_font(run.font, &mut font_cache)?;
                draw_run(&mut surface, run, font);
            }
            if !page_model.lines.is_empty() {
                let mut path = PathBuilder::new();
                for l in &page_model.lines {
                    path.move_to(l.x0, l.y0);
                    path.line_to(l.x1, l.y1);
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { width: RULE_WIDTH, ..Stroke::default() }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
            surface.finish();
            page.finish();
        }
        pdf.finish().map_err(|e| self.finish_error(e, &font_cache))
    }
}

impl PdfRenderer {
    /// What a failure to write the PDF means for the user: a font that cannot be embedded (a
    /// font file from zongjie.yaml), or else a fault of the program.
    fn finish_error(&self, error: KrillaError, cache: &BTreeMap<FontRef, Font>) -> Error {
        let name = |font: &Font| {
            let role = cache.iter().find(|(_, f)| *f == font).map(|(r, _)| *r)?;
            Some(match role {
                FontRef::Role(role) => self.fonts.get(role).name.clone(),
                FontRef::Fallback => self.fonts.fallback.as_ref()?.name.clone(),
            })
        };
        let message = match &error {
            KrillaError::Font(font, _) => name(font).map(|font| t!("render.font_unembeddable", font = font)),
            KrillaError::Validation(errors) => errors.iter().find_map(|(e, _)| match e {
                ValidationError::RestrictedLicense(font) => {
                    name(font).map(|font| t!("render.font_restricted", font = font))
                }
                _ => None,
            }),
            _ => None,
        };
        match message {
            // The font chosen in zongjie.yaml is at fault, not zongjie: said as it is.
            Some(message) => Error::Stopped(message.to_string()),
            None => internal(format!("{error:?}")),
        }
    }
}

/// A failure that no input explains: said as the program's fault, with the detail for whoever
/// maintains it.
fn internal(detail: String) -> Error {
    Error::Render(t!("render.internal", format = "PDF", detail = detail).to_string())
}

/// Draws one run at its glyphs' positions, with the text attached for extraction.
fn draw_run(surface: &mut krilla::surface::Surface<'_>, run: &TextRun, font: Font) {
    let size = run.size;
    let mut text = String::new();
    let mut glyphs = Vec::with_capacity(run.glyphs.len());
    for (k, g) in run.glyphs.iter().enumerate() {
        let start = text.len();
        text.push(g.ch);
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(u32::from(g.gid)),
            run.step(k) / size,
            0.0,
            0.0,
            0.0,
            start..text.len(),
            None,
        ));
    }
    surface.draw_glyphs(Point::from_xy(run.glyphs[0].x, run.baseline), &glyphs, font, &text, size, false);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::{Block, Document};

    /// The font file with its OS/2 fsType set to 2: "restricted licence, no embedding".
    fn restricted(font: &[u8]) -> Vec<u8> {
        let mut bytes = font.to_vec();
        let tables = u16::from_be_bytes([bytes[4], bytes[5]]) as usize;
        let os2 = (0..tables)
            .map(|i| 12 + 16 * i)
            .find(|&record| &bytes[record..record + 4] == b"OS/2")
            .map(|record| u32::from_be_bytes(bytes[record + 8..record + 12].try_into().unwrap()) as usize)
            .expect("an OS/2 table");
        bytes[os2 + 8..os2 + 10].copy_from_slice(&2u16.to_be_bytes());
        bytes
    }

    #[test]
    fn a_font_whose_licence_forbids_embedding_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let bundled = include_bytes!("../../../fonts/fandol/FandolFang-Regular.otf");
        std::fs::write(dir.path().join("仿宋.otf"), restricted(bundled)).unwrap();
        let config: crate::workspace::config::FontConfig =
            crate::yaml::parse("body: 仿宋.otf\n", "zongjie.yaml").unwrap();
        let renderer = PdfRenderer::new(FontSet::load(&config, dir.path()).unwrap());
        let doc = Document {
            title: "标题".into(),
            blocks: vec![Block::Paragraph { lead: None, text: "正文。".into() }],
            date: None,
            appendix: Vec::new(),
        };
        let err = renderer.render(&doc).unwrap_err().to_string();
        assert_eq!(
            err,
            "the licence of the font 仿宋.otf does not allow embedding it in a PDF; choose another font file in zongjie.yaml (fonts:)"
        );
    }
}
