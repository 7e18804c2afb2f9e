//! The printed page, shared by every paged output: fonts by role, the GB/T 9704 layout, and the
//! page model of positioned glyphs that the PDF (and OFD) writers draw, so that both formats
//! carry exactly the same pages.

pub mod fonts;
pub mod layout;
pub mod model;
