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
}
