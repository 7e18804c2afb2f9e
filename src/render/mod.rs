//! Stage 5: renderers. Each turns the one [`Document`] into the bytes of one output format.

use crate::document::Document;
use crate::error::Result;

pub mod markdown;
pub mod pdf;

/// An output format of the report.
pub trait Renderer {
    /// The file extension of the output (`md`, `pdf`, `docx`).
    fn extension(&self) -> &'static str;
    /// Renders the document.
    fn render(&self, doc: &Document) -> Result<Vec<u8>>;
}
