//! The laid-out report as pages of positioned glyphs: every run of text with its font, size,
//! baseline and the structure it belongs to, every ruled line, and the page numbers as furniture.
//! The paged writers only draw what is here, so two formats cannot place a glyph differently.

use super::fonts::{FontSet, Role};
use super::layout::{FontRef, Geometry, Layout, Mark, Placed, MM, SMALL_SIZE};

/// Where the baseline sits inside a line of the grid, as a fraction of the font size from the
/// top of the glyph box (CJK faces put the em box's bottom about 0.12 em below the baseline).
pub const ASCENT: f32 = 0.88;

/// Width of a table's ruled lines, in points.
pub const RULE_WIDTH: f32 = 0.75;

/// The report's pages.
#[derive(Debug, Clone)]
pub struct Pages {
    /// The page geometry (page size, type area).
    pub geometry: Geometry,
    /// The pages in order.
    pub pages: Vec<Page>,
}

/// One page: text runs in reading order, then the ruled lines; coordinates in points from the
/// page's top-left corner.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The text, run by run, in the order it is read.
    pub runs: Vec<TextRun>,
    /// Table rules.
    pub lines: Vec<Line>,
}

/// Glyphs of one font and size on one baseline, belonging to one part of the structure.
#[derive(Debug, Clone)]
pub struct TextRun {
    /// The font.
    pub font: FontRef,
    /// The size in points.
    pub size: f32,
    /// The baseline, from the page's top edge.
    pub baseline: f32,
    /// The glyphs, left to right.
    pub glyphs: Vec<Glyph>,
    /// The structure the run belongs to; `None` for page furniture (see `artifact`).
    pub mark: Option<Mark>,
    /// Set for text that is not content: the page number, a table header repeated on a page.
    pub artifact: Option<Artifact>,
}

/// One glyph at its place.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// The character it shows.
    pub ch: char,
    /// The glyph id in the run's font.
    pub gid: u16,
    /// The left edge of the glyph, from the page's left edge.
    pub x: f32,
    /// Its natural advance in points (justification adds space after it; see `TextRun::step`).
    pub advance: f32,
}

/// Page furniture: printed, but not part of what the report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    /// "— n —".
    PageNumber,
    /// A table's header row set again at the top of a page the table continues on.
    RepeatedHeader,
}

/// A ruled line, from the page's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Start x.
    pub x0: f32,
    /// Start y.
    pub y0: f32,
    /// End x.
    pub x1: f32,
    /// End y.
    pub y1: f32,
}

impl TextRun {
    /// The distance from glyph `k` to the next one (its natural advance for the last glyph):
    /// what a writer that draws glyphs by advances must move.
    pub fn step(&self, k: usize) -> f32 {
        let g = &self.glyphs[k];
        self.glyphs.get(k + 1).map(|n| n.x - g.x).unwrap_or(g.advance)
    }

    /// The run's text.
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
}

impl Page {
    /// The page's text in reading order, one line per baseline (tests and extraction checks).
    pub fn text_lines(&self) -> Vec<String> {
        let mut lines: Vec<(f32, String)> = Vec::new();
        for run in &self.runs {
            match lines.last_mut() {
                Some((baseline, text)) if (*baseline - run.baseline).abs() < 0.01 => text.push_str(&run.text()),
                _ => lines.push((run.baseline, run.text())),
            }
        }
        lines.into_iter().map(|(_, t)| t).collect()
    }
}

/// Places the laid-out rows on their pages and adds the page numbers.
pub fn pages(laid: &Layout, fonts: &FontSet, geo: Geometry) -> Pages {
    let pitch = geo.pitch();
    let mut seen = vec![false; laid.rows.len()];
    let pages = laid
        .pages
        .iter()
        .enumerate()
        .map(|(index, rows)| {
            let left = geo.left(index);
            let mut page = Page::default();
            for (line, &row_index) in rows.iter().enumerate() {
                let row = &laid.rows[row_index];
                let top = geo.top + line as f32 * pitch;
                // A row met a second time is a table header repeated on a later page.
                let artifact = std::mem::replace(&mut seen[row_index], true).then_some(Artifact::RepeatedHeader);
                for run in runs(&row.glyphs) {
                    let size = run[0].size;
                    page.runs.push(TextRun {
                        font: run[0].font,
                        size,
                        baseline: top + (pitch - size) / 2.0 + size * ASCENT,
                        glyphs: run
                            .iter()
                            .map(|g| Glyph { ch: g.ch, gid: g.gid, x: left + g.x, advance: g.advance })
                            .collect(),
                        mark: Some(run[0].mark),
                        artifact,
                    });
                }
                page.lines.extend(row.rules.iter().map(|r| Line {
                    x0: left + r.x0,
                    y0: top + r.y0,
                    x1: left + r.x1,
                    y1: top + r.y1,
                }));
            }
            page.runs.push(page_number(index, fonts, geo));
            page
        })
        .collect();
    Pages { geometry: geo, pages }
}

/// "— n —": 4号 宋体, 7 mm below the type area, odd pages right and even pages left, one
/// character in (GB/T 9704 7.5).
fn page_number(index: usize, fonts: &FontSet, geo: Geometry) -> TextRun {
    let label = format!("— {} —", index + 1);
    let loaded = fonts.get(Role::PageNumber);
    let mut width = 0.0;
    let mut glyphs = Vec::new();
    for ch in label.chars() {
        let (gid, em) = loaded.glyph(ch).unwrap_or((0, 0.5));
        glyphs.push(Glyph { ch, gid, x: width, advance: em * SMALL_SIZE });
        width += em * SMALL_SIZE;
    }
    let left = geo.left(index);
    let inset = SMALL_SIZE;
    let start = if index % 2 == 0 { left + geo.width - inset - width } else { left + inset };
    for g in &mut glyphs {
        g.x += start;
    }
    TextRun {
        font: FontRef::Role(Role::PageNumber),
        size: SMALL_SIZE,
        baseline: geo.top + geo.height + 7.0 * MM + SMALL_SIZE * ASCENT,
        glyphs,
        mark: None,
        artifact: Some(Artifact::PageNumber),
    }
}

/// Splits a row's glyphs into runs of the same font, size and mark.
fn runs(glyphs: &[Placed]) -> Vec<&[Placed]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=glyphs.len() {
        let same = |a: &Placed, b: &Placed| a.font == b.font && a.size == b.size && a.mark == b.mark;
        if i == glyphs.len() || !same(&glyphs[i], &glyphs[start]) {
            if i > start {
                out.push(&glyphs[start..i]);
            }
            start = i;
        }
    }
    out
}
