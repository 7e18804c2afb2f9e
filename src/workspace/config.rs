//! The settings of `zongjie.yaml` that the renderers read: which font files the PDF embeds
//! (`fonts:`) and which font names the DOCX asks Word for (`docx_fonts:`). They live below both
//! the workspace, which reads them from the file, and the renderers, which use them, so neither
//! has to import the other.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// The config file's name at the workspace root.
pub const CONFIG_FILE: &str = "zongjie.yaml";

/// Font files named in the workspace config (`fonts:` in zongjie.yaml), relative to the root;
/// `path#N` picks face N of a collection (.ttc). Each keeps its line, for messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontConfig {
    /// 仿宋 for the body.
    #[serde(default)]
    pub body: Option<Spanned<String>>,
    /// 小标宋 for the title.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// 黑体.
    #[serde(default)]
    pub hei: Option<Spanned<String>>,
    /// 楷体.
    #[serde(default)]
    pub kai: Option<Spanned<String>>,
    /// 宋体 for page numbers.
    #[serde(default)]
    pub page_number: Option<Spanned<String>>,
    /// A font for characters the role's font lacks (rare characters in names).
    #[serde(default)]
    pub fallback: Option<Spanned<String>>,
}

/// Font names for each role, as installed on government PCs; a workspace may change them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    /// Digits and Latin letters; unset, each style sets them in its own Chinese font, as the PDF
    /// does (a 公文 sets 2024 in 仿宋, and the lines then measure what the PDF's measure).
    pub latin: Option<String>,
}

impl Default for DocxFonts {
    fn default() -> Self {
        DocxFonts {
            title: "方正小标宋简体".into(),
            hei: "黑体".into(),
            kai: "楷体_GB2312".into(),
            body: "仿宋_GB2312".into(),
            page_number: "宋体".into(),
            latin: None,
        }
    }
}

/// The PDF's settings (`pdf:` in zongjie.yaml).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PdfConfig {
    /// Attach the report's sources (data files of the period and of the periods it compares
    /// with, template, catalog, zongjie.yaml and a list of them with their sha256) to its PDF as
    /// PDF/A-3 associated files, so that `zongjie extract` and `zongjie verify REPORT.pdf` can
    /// rebuild it from the PDF alone (issue 26). Off by default.
    pub attach_sources: bool,
}
