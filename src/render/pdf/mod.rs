//! The PDF renderer: the document laid out in the GB/T 9704 official layout (see `layout`) and
//! drawn with krilla, which subsets every font and writes the text so that it extracts exactly.
//!
//! krilla rather than the stack's genpdf: genpdf 0.2 silently dropped every Chinese paragraph
//! wider than a line, took only TrueType outlines (the Fandol CFF fonts failed) and embedded each
//! font whole (28.6 MB for four); krilla takes CFF as it is, subsets, and can check PDF/A.

use super::page::fonts::FontSet;
use super::page::layout::{self, FontRef, Geometry, Layout, MissingGlyphs};
use super::page::model::{self, Artifact, Pages, TextRun, RULE_WIDTH};
use super::{Attachment, Relation, Renderer};
use crate::error::{Error, Result};
use crate::render::document::Document;
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder, ValidationError};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::tagging::{ArtifactType, ContentTag, SpanTag};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::SerializeSettings;
use rust_i18n::t;
use std::collections::BTreeMap;

mod tags;

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
        self.render_attached(doc, &[])
    }

    fn render_attached(&self, doc: &Document, attached: &[Attachment]) -> Result<Vec<u8>> {
        let pages = self.pages(doc)?;
        let geo = self.geometry;
        // PDF/A-2b, or PDF/A-3b when sources are attached (PDF/A-2 allows only PDF/A files
        // inside); PDF/UA-1 in both, so the tags below are checked by krilla as well.
        let archival = if attached.is_empty() { Archival::A2_B } else { Archival::A3_B };
        let configuration = ConfigurationBuilder::new()
            .with_archival_validator(archival)
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|e| internal(format!("PDF/A configuration: {e:?}")))?;
        let settings = SerializeSettings { configuration, enable_tagging: true, ..SerializeSettings::default() };
        let mut pdf = krilla::Document::new_with(settings);
        let mut metadata = Metadata::new()
            .title(doc.title.clone())
            .language("zh-CN".into())
            .creator(format!("zongjie {}", env!("CARGO_PKG_VERSION")));
        let date = doc.date.map(|date| {
            use chrono::Datelike;
            krilla::metadata::DateTime::new(date.year() as u16).month(date.month() as u8).day(date.day() as u8)
        });
        if let Some(date) = date {
            metadata = metadata.creation_date(date);
        }
        if let Some(author) = doc.author() {
            metadata = metadata.authors(vec![author.to_string()]);
        }
        pdf.set_metadata(metadata);
        let mut font_cache = BTreeMap::new();
        let mut tags = tags::Collector::default();
        for (index, page_model) in pages.pages.iter().enumerate() {
            let settings =
                PageSettings::from_wh(geo.page_width, geo.page_height).ok_or_else(|| internal("page size".into()))?;
            let mut page = pdf.start_page_with(settings);
            let mut surface = page.surface();
            for run in &page_model.runs {
                let font = self.krilla_font(run.font, &mut font_cache)?;
                // Furniture is marked as an artifact, outside the structure; everything else is
                // a marked span given to its node of the structure tree.
                let tag = match (run.artifact, run.mark) {
                    (Some(Artifact::PageNumber), _) => {
                        ContentTag::Artifact(krilla::tagging::Artifact::with_kind(ArtifactType::PageNumber))
                    }
                    (Some(Artifact::RepeatedHeader), _) | (None, None) => {
                        ContentTag::Artifact(krilla::tagging::Artifact::with_kind(ArtifactType::PaginationOther))
                    }
                    (None, Some(_)) => ContentTag::Span(SpanTag::empty()),
                };
                let id = surface.start_tagged(tag);
                draw_run(&mut surface, run, font);
                surface.end_tagged();
                if let (None, Some(mark)) = (run.artifact, run.mark) {
                    tags.add(mark, id, index, run);
                }
            }
            if !page_model.lines.is_empty() {
                let mut path = PathBuilder::new();
                for l in &page_model.lines {
                    path.move_to(l.x0, l.y0);
                    path.line_to(l.x1, l.y1);
                }
                if let Some(path) = path.finish() {
                    // The rules only draw the table the structure already says.
                    surface
                        .start_tagged(ContentTag::Artifact(krilla::tagging::Artifact::with_kind(ArtifactType::Layout)));
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { width: RULE_WIDTH, ..Stroke::default() }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                    surface.end_tagged();
                }
            }
            surface.finish();
            page.finish();
        }
        let (tree, outline) = tags.finish(doc);
        pdf.set_tag_tree(tree);
        pdf.set_outline(outline);
        for file in attached {
            pdf.embed_file(embedded(file, date));
        }
        let standard = if attached.is_empty() { "PDF/A-2b, PDF/UA-1" } else { "PDF/A-3b, PDF/UA-1" };
        pdf.finish().map_err(|e| self.finish_error(e, &font_cache, standard))
    }
}

/// An attached source as krilla embeds it: its path, type, description and relation; dated
/// with the report (PDF/A-3 asks for a date, and the clock would change the bytes).
fn embedded(file: &Attachment, date: Option<krilla::metadata::DateTime>) -> EmbeddedFile {
    let mime = match file.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if e == "csv" => "text/csv",
        Some(e) if e == "yaml" || e == "yml" => "application/yaml",
        Some(e) if e == "json" => "application/json",
        Some(e) if e == "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some(e) if e == "j2" || e == "md" || e == "txt" => "text/plain",
        _ => "application/octet-stream",
    };
    EmbeddedFile {
        path: file.name.clone(),
        mime_type: MimeType::new(mime),
        description: Some(file.description.clone()),
        association_kind: match file.relation {
            Relation::Source => AssociationKind::Source,
            Relation::Data => AssociationKind::Data,
        },
        data: file.bytes.clone().into(),
        modification_date: Some(date.unwrap_or_else(|| krilla::metadata::DateTime::new(2000).month(1).day(1))),
        // Deflate is deterministic; a workbook is a zip already.
        compress: Some(mime != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        location: None,
    }
}

impl PdfRenderer {
    /// What a failure to write the PDF means for the user: a font that cannot be embedded (a
    /// font file from zongjie.yaml), or else a fault of the program.
    fn finish_error(&self, error: KrillaError, cache: &BTreeMap<FontRef, Font>, standard: &str) -> Error {
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
        match (message, &error) {
            // The font chosen in zongjie.yaml is at fault, not zongjie: said as it is.
            (Some(message), _) => Error::Stopped(message.to_string()),
            // Never a PDF that claims a standard it does not meet: each cause is named.
            (None, KrillaError::Validation(errors)) => {
                let font = |f: &Font| name(f).unwrap_or_else(|| "?".into());
                let causes: Vec<String> = errors
                    .iter()
                    .map(|(e, _)| match e {
                        ValidationError::ContainsNotDefGlyph(f, _, text) => {
                            t!("render.pdfa_notdef", font = font(f), text = text).to_string()
                        }
                        ValidationError::NoCodepointMapping(f, ..)
                        | ValidationError::InvalidCodepointMapping(f, ..) => {
                            t!("render.pdfa_no_text", font = font(f)).to_string()
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                Error::Stopped(t!("render.pdfa_failed", standard = standard, causes = causes.join("; ")).to_string())
            }
            (None, _) => internal(format!("{error:?}")),
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

    #[test]
    fn a_font_whose_licence_forbids_embedding_is_named() {
        let (_dir, fonts) = crate::render::page::fonts::restricted_body_font();
        let renderer = PdfRenderer::new(fonts);
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
