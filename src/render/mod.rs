//! Stage 5: renderers. Each turns the one [`Document`] into the bytes of one output format.

use crate::document::Document;
use crate::error::Result;

pub mod docx;
pub mod html;
pub mod markdown;
pub mod pdf;

/// An output format of the report. Renderers are shared by the threads of `build --all`.
pub trait Renderer: Sync {
    /// The file extension of the output (`md`, `pdf`, `docx`).
    fn extension(&self) -> &'static str;
    /// Renders the document.
    fn render(&self, doc: &Document) -> Result<Vec<u8>>;
    /// Files the renderer itself reads (fonts), by name with their sha256, for the manifest.
    fn inputs(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}
