//! Stage 5: renderers. Each turns the one [`Document`] into the bytes of one output format.

use crate::error::Result;
use crate::render::document::Document;

pub mod document;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod ofd;
pub mod page;
pub mod pdf;

/// Appends one character of text to XML or HTML, escaped where markup would read it (`&`, `<`,
/// `>`, and `"` for attribute values): the DOCX parts and the preview page share it.
pub fn escape_markup_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

/// Text escaped for XML (text and attribute values), as the DOCX and OFD parts write it.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        escape_markup_char(&mut out, c);
    }
    out
}

/// A zip container (the DOCX, the OFD) in memory: entries deflated in the order given, dated with
/// the report date (the zip epoch without one), never the clock, and mode 644, so the same report
/// gives the same bytes.
pub fn zip_container<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    date: Option<chrono::NaiveDate>,
) -> zip::result::ZipResult<Vec<u8>> {
    use chrono::Datelike;
    use std::io::Write;
    let time = date
        .and_then(|d| zip::DateTime::from_date_and_time(d.year() as u16, d.month() as u8, d.day() as u8, 0, 0, 0).ok())
        .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// An output format of the report. Renderers are shared by the threads of `build --all`.
pub trait Renderer: Sync {
    /// The file extension of the output (`md`, `pdf`, `docx`, `ofd`).
    fn extension(&self) -> &'static str;
    /// Renders the document.
    fn render(&self, doc: &Document) -> Result<Vec<u8>>;
    /// Files the renderer itself reads (fonts), by name with their sha256, for the manifest.
    fn inputs(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Renders the document carrying the files it was made from, for a format that can hold
    /// them (the PDF's associated files, issue 26); the others ignore them.
    fn render_attached(&self, doc: &Document, attached: &[Attachment]) -> Result<Vec<u8>> {
        let _ = attached;
        self.render(doc)
    }
}

/// A file a report was made from, to travel inside an output that can hold it: the pipeline
/// gathers them (it knows the workspace), the renderer only embeds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The workspace-relative path, with `/` (`data/2024/社会救助.yaml`).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// How the report relates to it.
    pub relation: Relation,
    /// What the file is, for a reader of the PDF (PDF/UA asks for a description).
    pub description: String,
}

/// How a report relates to an attached file (the PDF's AFRelationship).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The report was written from it: template, catalog, settings, the list of sources.
    Source,
    /// Its figures are printed in the report: the data files.
    Data,
}
