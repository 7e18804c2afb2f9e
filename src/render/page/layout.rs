//! GB/T 9704 page layout: the document's blocks set on a grid of 22 lines × 28 characters,
//! with Chinese line breaking, justification, run-in headings, balanced titles, tables, the
//! signature block, and pagination that keeps a heading with what follows it.
//!
//! Pure geometry: no PDF here, so the rules can be tested on the laid-out rows themselves.

use super::fonts::{FontSet, Role};
use crate::render::document::{Align, Block, Document, Level};

/// What a glyph belongs to in the report's structure, so that tagged outputs (PDF/UA, OFD) can
/// group the glyphs of one paragraph, heading or table cell, across lines and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mark {
    /// The node: 0 is the title, `i + 1` is the document's block `i`.
    pub node: usize,
    /// Which part of that node.
    pub part: Part,
}

/// The part of a node a glyph is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The title (all its lines).
    Title,
    /// A heading standing on its own lines.
    Heading(Level),
    /// A run-in heading at the start of a paragraph: （一）……。 followed by text.
    Lead(Level),
    /// The text of a paragraph.
    Text,
    /// A table cell: its row (0 is the header) and column.
    Cell {
        /// The table row, 0 being the header row.
        row: usize,
        /// The column.
        column: usize,
    },
    /// A line of the 落款: 0 the unit, 1 the date.
    Signature(usize),
}

impl Mark {
    const TITLE: Mark = Mark { node: 0, part: Part::Title };
}

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// The page and the type area (GB/T 9704-2012 5.2).
#[derive(Debug, Clone, Copy)]
pub struct Geometry {
    /// Page width (A4: 210 mm).
    pub page_width: f32,
    /// Page height (A4: 297 mm).
    pub page_height: f32,
    /// Top margin, 天头 (37 mm).
    pub top: f32,
    /// Binding margin, 订口 (28 mm): left on odd pages, right on even pages.
    pub binding: f32,
    /// Type area width (156 mm).
    pub width: f32,
    /// Type area height (225 mm).
    pub height: f32,
    /// Lines per page (22).
    pub lines: usize,
    /// Characters per line (28).
    pub chars: usize,
}

impl Geometry {
    /// The layout of GB/T 9704-2012.
    pub fn gbt9704() -> Self {
        Geometry {
            page_width: 210.0 * MM,
            page_height: 297.0 * MM,
            top: 37.0 * MM,
            binding: 28.0 * MM,
            width: 156.0 * MM,
            height: 225.0 * MM,
            lines: 22,
            chars: 28,
        }
    }
    /// The fixed line pitch (225 mm / 22).
    pub fn pitch(&self) -> f32 {
        self.height / self.lines as f32
    }
    /// The character pitch of 3号 body text on the grid (156 mm / 28).
    pub fn char_pitch(&self) -> f32 {
        self.width / self.chars as f32
    }
    /// Left edge of the type area on a page (0-based index: page 1 is odd).
    pub fn left(&self, page: usize) -> f32 {
        if page % 2 == 0 {
            self.binding
        } else {
            self.page_width - self.binding - self.width
        }
    }
}

/// 3号: body, headings.
pub const BODY_SIZE: f32 = 16.0;
/// 2号: the title.
pub const TITLE_SIZE: f32 = 22.0;
/// 4号: page numbers and table text.
pub const SMALL_SIZE: f32 = 14.0;
/// Space between a table cell's rules and its text, left and right.
pub const CELL_PAD: f32 = SMALL_SIZE / 2.0;

/// Which font a glyph is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontRef {
    /// The font of a role.
    Role(Role),
    /// The configured fallback font.
    Fallback,
}

/// A glyph placed on a row; `x` from the left edge of the type area.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The character.
    pub ch: char,
    /// The font.
    pub font: FontRef,
    /// Glyph id in that font.
    pub gid: u16,
    /// Font size in points.
    pub size: f32,
    /// Position from the type area's left edge.
    pub x: f32,
    /// Natural advance in points.
    pub advance: f32,
    /// Where in the report's structure the glyph belongs.
    pub mark: Mark,
}

/// A line segment relative to a row's top-left corner (table rules).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Start x.
    pub x0: f32,
    /// Start y (down from the row's top).
    pub y0: f32,
    /// End x.
    pub x1: f32,
    /// End y.
    pub y1: f32,
}

/// One grid line of text (or an empty one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// The glyphs on it.
    pub glyphs: Vec<Placed>,
    /// Table rules drawn from this row.
    pub rules: Vec<Rule>,
    /// This row must be on the same page as the next one.
    pub keep_with_next: bool,
    /// The table this row belongs to and whether it is part of its header.
    pub table: Option<(usize, bool)>,
}

impl Row {
    /// The row's text.
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }
    fn is_blank(&self) -> bool {
        self.glyphs.is_empty() && self.rules.is_empty()
    }
}

/// A page: indices into the laid-out rows (a table header may appear on several pages).
pub type Page = Vec<usize>;

/// The whole report laid out.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Every row, in order.
    pub rows: Vec<Row>,
    /// Pages, each a list of row indices.
    pub pages: Vec<Page>,
}

/// Characters no font has, each with some text around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyphs(pub Vec<(char, String)>);

/// Characters that may not start a line.
pub const NO_START: &str = "，。、；：？！）》」』”’〉】〕］｝…—·～%‰℃,.;:?!)]}/";
/// Characters that may not end a line.
pub const NO_END: &str = "（《「『“‘〈【〔［｛([{/";

/// Whether a line may break between `a` and `b`.
pub fn can_break(a: char, b: char) -> bool {
    let numeric = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '%' | '‰');
    !(NO_START.contains(b)
        || NO_END.contains(a)
        || (numeric(a) && numeric(b))
        // 1—6月 and —— stay whole
        || (a == '—' && (b.is_ascii_digit() || b == '—')))
}

/// Whether a character may not start a line.
pub fn forbidden_at_start(c: char) -> bool {
    NO_START.contains(c)
}

/// Whether a character may not end a line.
pub fn forbidden_at_end(c: char) -> bool {
    NO_END.contains(c)
}

#[derive(Clone, Copy)]
struct Style {
    role: Role,
    size: f32,
    /// Set on the 28-character grid (body sizes); the title and page numbers are not.
    grid: bool,
    mark: Mark,
}

impl Style {
    fn body(role: Role, mark: Mark) -> Self {
        Style { role, size: BODY_SIZE, grid: true, mark }
    }
}

#[derive(Clone)]
struct Piece {
    ch: char,
    font: FontRef,
    gid: u16,
    size: f32,
    /// Advance on the line (grid-scaled for body text).
    width: f32,
    /// Natural advance.
    advance: f32,
    mark: Mark,
}

#[derive(Clone, Copy, PartialEq)]
enum LineAlign {
    Justify,
    Left,
    Center,
}

struct Layouter<'a> {
    fonts: &'a FontSet,
    geo: Geometry,
    rows: Vec<Row>,
    missing: Vec<(char, String)>,
    tables: usize,
}

/// Lays the document out on pages.
pub fn layout(doc: &Document, fonts: &FontSet, geo: Geometry) -> Result<Layout, MissingGlyphs> {
    let mut l = Layouter { fonts, geo, rows: Vec::new(), missing: Vec::new(), tables: 0 };
    l.title(&doc.title);
    for (i, block) in doc.blocks.iter().enumerate() {
        // The signature never stands alone on a page, nor a table's caption away from its table.
        let keep_with_next_block = matches!(doc.blocks.get(i + 1), Some(Block::Signature { .. }))
            || matches!((block, doc.blocks.get(i + 1)), (Block::Paragraph { .. }, Some(Block::Table { .. })));
        let start = l.rows.len();
        let node = i + 1;
        match block {
            Block::Heading { level, text } => {
                let style = Style::body(heading_role(*level), Mark { node, part: Part::Heading(*level) });
                let pieces = l.shape(&[(text.as_str(), style)]);
                l.paragraph(&pieces, 2.0, LineAlign::Justify);
                for row in &mut l.rows[start..] {
                    row.keep_with_next = true;
                }
            }
            Block::Paragraph { lead, text } => {
                let mut runs: Vec<(&str, Style)> = Vec::new();
                if let Some((level, lead)) = lead {
                    runs.push((
                        lead.as_str(),
                        Style::body(heading_role(*level), Mark { node, part: Part::Lead(*level) }),
                    ));
                }
                runs.push((text.as_str(), Style::body(Role::Body, Mark { node, part: Part::Text })));
                let pieces = l.shape(&runs);
                l.paragraph(&pieces, 2.0, LineAlign::Justify);
            }
            Block::Table { header, rows, align } => l.table(node, header, rows, align),
            Block::Signature { lines } => l.signature(node, lines),
        }
        if keep_with_next_block {
            if let Some(last) = l.rows.last_mut() {
                last.keep_with_next = true;
            }
        }
    }
    if !l.missing.is_empty() {
        return Err(MissingGlyphs(l.missing));
    }
    let pages = paginate(&l.rows, geo.lines);
    Ok(Layout { rows: l.rows, pages })
}

fn heading_role(level: Level) -> Role {
    match level {
        Level::Part => Role::Hei,
        Level::Section => Role::Kai,
        Level::Item | Level::SubItem => Role::Body,
    }
}

impl Layouter<'_> {
    /// Turns text runs into glyphs with their widths; records characters no font has.
    fn shape(&mut self, runs: &[(&str, Style)]) -> Vec<Piece> {
        let grid_scale = self.geo.char_pitch() / BODY_SIZE;
        let mut pieces = Vec::new();
        for (text, style) in runs {
            for (i, ch) in text.chars().enumerate() {
                let Some((font, (gid, em))) = find_glyph(self.fonts, style.role, ch) else {
                    let context: String = text.chars().skip(i.saturating_sub(8)).take(17).collect();
                    if !self.missing.iter().any(|(c, _)| *c == ch) {
                        self.missing.push((ch, context));
                    }
                    continue;
                };
                let advance = em * style.size;
                let width = if style.grid { advance * grid_scale } else { advance };
                pieces.push(Piece { ch, font, gid, size: style.size, width, advance, mark: style.mark });
            }
        }
        pieces
    }

    /// Breaks pieces into lines within `width`, the first line indented by `indent` characters.
    fn break_lines(&self, pieces: &[Piece], indent: f32, width: f32) -> Vec<(std::ops::Range<usize>, f32)> {
        let em = self.geo.char_pitch();
        let mut lines = Vec::new();
        let mut start = 0;
        while start < pieces.len() {
            // A space does not begin a wrapped line.
            if !lines.is_empty() && pieces[start].ch == ' ' {
                start += 1;
                continue;
            }
            let x0 = if lines.is_empty() { indent * em } else { 0.0 };
            let avail = width - x0;
            let (mut end, mut used) = (start, 0.0);
            while end < pieces.len() && used + pieces[end].width <= avail + 0.01 {
                used += pieces[end].width;
                end += 1;
            }
            if end == start {
                end = start + 1; // a single glyph wider than the line: set it anyway
            } else if end < pieces.len() {
                let mut b = end;
                while b > start && !can_break(pieces[b - 1].ch, pieces[b].ch) {
                    b -= 1;
                }
                // No legal break on the whole line (a very long number): break where it is full.
                if b > start {
                    end = b;
                }
            }
            lines.push((start..end, x0));
            start = end;
        }
        lines
    }

    /// Places one line's pieces from `x0`, justified or aligned within `avail`.
    fn place(pieces: &[Piece], x0: f32, avail: f32, align: LineAlign) -> Vec<Placed> {
        let natural: f32 = pieces.iter().map(|p| p.width).sum();
        let trailing_space = pieces.last().is_some_and(|p| p.ch == ' ');
        let (mut x, extra) = match align {
            LineAlign::Justify if pieces.len() > 1 && !trailing_space => {
                (x0, ((avail - natural) / (pieces.len() - 1) as f32).max(0.0))
            }
            LineAlign::Center => (x0 + (avail - natural) / 2.0, 0.0),
            _ => (x0, 0.0),
        };
        pieces
            .iter()
            .map(|p| {
                let placed =
                    Placed { ch: p.ch, font: p.font, gid: p.gid, size: p.size, x, advance: p.advance, mark: p.mark };
                x += p.width + extra;
                placed
            })
            .collect()
    }

    fn paragraph(&mut self, pieces: &[Piece], indent: f32, align: LineAlign) {
        let width = self.geo.width;
        let lines = self.break_lines(pieces, indent, width);
        let count = lines.len();
        for (i, (range, x0)) in lines.into_iter().enumerate() {
            let last = i + 1 == count;
            let align = if last && align == LineAlign::Justify { LineAlign::Left } else { align };
            let glyphs = Self::place(&pieces[range], x0, width - x0, align);
            self.rows.push(Row { glyphs, ..Row::default() });
        }
    }

    /// The title: 2号 centred; a long title breaks into balanced lines, at a natural point
    /// (after the issuing unit's name) where there is one. One blank line follows.
    fn title(&mut self, title: &str) {
        let style = Style { role: Role::Title, size: TITLE_SIZE, grid: false, mark: Mark::TITLE };
        let pieces = self.shape(&[(title, style)]);
        let width = self.geo.width;
        let chars: Vec<char> = pieces.iter().map(|p| p.ch).collect();
        let widths: Vec<f32> = pieces.iter().map(|p| p.width).collect();
        let ranges = title_lines(&chars, &widths, width);
        for range in ranges {
            let glyphs = Self::place(&pieces[range], 0.0, width, LineAlign::Center);
            self.rows.push(Row { glyphs, keep_with_next: true, ..Row::default() });
        }
        self.rows.push(Row { keep_with_next: true, ..Row::default() });
    }

    /// 落款: a blank line, the issuing unit right-aligned two characters in, the date on the next
    /// line starting two characters right of the unit (GB/T 9704 7.3.5.2); a date longer than
    /// that allows is set two characters in and the unit moves left with it.
    fn signature(&mut self, node: usize, lines: &[String]) {
        let shaped: Vec<Vec<Piece>> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| self.shape(&[(l.as_str(), Style::body(Role::Body, Mark { node, part: Part::Signature(i) }))]))
            .collect();
        let widths: Vec<f32> = shaped.iter().map(|p| p.iter().map(|g| g.width).sum()).collect();
        self.rows.push(Row { keep_with_next: true, ..Row::default() });
        let count = shaped.len();
        for (i, (pieces, x)) in shaped.iter().zip(signature_offsets(&widths, &self.geo)).enumerate() {
            let glyphs = Self::place(pieces, x, self.geo.width - x, LineAlign::Left);
            self.rows.push(Row { glyphs, keep_with_next: i + 1 < count, ..Row::default() });
        }
    }

    /// A ruled table in 4号: 黑体 header centred, figures right-aligned, text left-aligned; each
    /// table row keeps its lines together and the header keeps with the first body row.
    fn table(&mut self, node: usize, header: &[String], body: &[Vec<String>], align: &[Align]) {
        let id = self.tables;
        self.tables += 1;
        let pitch = self.geo.pitch();
        let pad = CELL_PAD;
        let columns = header.len().max(body.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return;
        }
        let cell_style = |is_header: bool, row: usize, column: usize| Style {
            role: if is_header { Role::Hei } else { Role::Body },
            size: SMALL_SIZE,
            grid: false,
            mark: Mark { node, part: Part::Cell { row, column } },
        };
        let all_rows: Vec<(bool, &[String])> =
            std::iter::once((true, header)).chain(body.iter().map(|r| (false, r.as_slice()))).collect();
        let shaped: Vec<(bool, Vec<Vec<Piece>>)> = all_rows
            .iter()
            .enumerate()
            .map(|(r, (h, cells))| {
                (
                    *h,
                    (0..columns)
                        .map(|c| self.shape(&[(cells.get(c).map(String::as_str).unwrap_or(""), cell_style(*h, r, c))]))
                        .collect(),
                )
            })
            .collect();
        let cell_widths: Vec<Vec<f32>> = shaped
            .iter()
            .map(|(_, cells)| cells.iter().map(|pieces| pieces.iter().map(|p| p.width).sum()).collect())
            .collect();
        let widths = column_widths(&cell_widths, columns, &self.geo);
        let mut edges = vec![0.0];
        for w in &widths {
            edges.push(edges.last().unwrap() + w);
        }
        for (is_header, cells) in &shaped {
            // Lay each cell into lines, then make as many grid rows as the tallest cell needs.
            let mut cell_lines: Vec<Vec<Vec<Placed>>> = Vec::new();
            for (c, pieces) in cells.iter().enumerate() {
                let inner = widths[c] - 2.0 * pad;
                let mut lines = Vec::new();
                for (range, _) in self.break_lines(pieces, 0.0, inner) {
                    let w: f32 = pieces[range.clone()].iter().map(|p| p.width).sum();
                    let x = match (is_header, align.get(c).copied().unwrap_or(Align::Left)) {
                        (true, _) | (false, Align::Center) => edges[c] + pad + (inner - w) / 2.0,
                        (false, Align::Right) => edges[c + 1] - pad - w,
                        (false, Align::Left) => edges[c] + pad,
                    };
                    lines.push(Self::place(&pieces[range], x, w, LineAlign::Left));
                }
                cell_lines.push(lines);
            }
            let height = cell_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
            for line in 0..height {
                let mut row = Row {
                    table: Some((id, *is_header)),
                    keep_with_next: *is_header || line + 1 < height,
                    ..Row::default()
                };
                for lines in &cell_lines {
                    if let Some(glyphs) = lines.get(line) {
                        row.glyphs.extend(glyphs.iter().cloned());
                    }
                }
                if line == 0 {
                    let h = height as f32 * pitch;
                    row.rules.push(Rule { x0: 0.0, y0: 0.0, x1: self.geo.width, y1: 0.0 });
                    row.rules.push(Rule { x0: 0.0, y0: h, x1: self.geo.width, y1: h });
                    row.rules.extend(edges.iter().map(|&x| Rule { x0: x, y0: 0.0, x1: x, y1: h }));
                }
                self.rows.push(row);
            }
        }
    }
}

/// The font that sets `ch` in `role` (the role's font, else the fallback), with the glyph id and
/// the advance in em; `None` when no font has it.
fn find_glyph(fonts: &FontSet, role: Role, ch: char) -> Option<(FontRef, (u16, f32))> {
    let primary = fonts.get(role).glyph(ch).map(|g| (FontRef::Role(role), g));
    primary.or_else(|| fonts.fallback.as_ref().and_then(|f| f.glyph(ch)).map(|g| (FontRef::Fallback, g)))
}

/// The advance in points of each character of `text` set in `role` at `size`, as the layout
/// measures it: body sizes (`grid`) on the 28-character grid. A character no font has counts one
/// em (the layout refuses it on its own). For the DOCX, which places what it can as the PDF does.
pub fn advances(fonts: &FontSet, geo: &Geometry, role: Role, size: f32, grid: bool, text: &str) -> Vec<f32> {
    let scale = if grid { geo.char_pitch() / BODY_SIZE } else { 1.0 };
    text.chars().map(|ch| find_glyph(fonts, role, ch).map_or(1.0, |(_, (_, em))| em) * size * scale).collect()
}

/// Where each 落款 line starts, from the type area's left edge, given the lines' widths: the unit
/// right-aligned two characters in, each later line (the date) two characters right of it; a
/// line too long for that moves them all left (GB/T 9704 7.3.5.2).
pub fn signature_offsets(widths: &[f32], geo: &Geometry) -> Vec<f32> {
    let em = geo.char_pitch();
    let right = geo.width - 2.0 * em;
    let mut unit_x = right - widths.first().copied().unwrap_or(0.0);
    for w in widths.iter().skip(1) {
        unit_x = unit_x.min(right - w - 2.0 * em);
    }
    (0..widths.len()).map(|i| if i == 0 { unit_x } else { unit_x + 2.0 * em }).collect()
}

/// A table's column widths: each column as wide as its widest cell plus padding (at least two
/// characters of 4号), scaled to fill the type area. `cells` holds each row's cell widths.
pub fn column_widths(cells: &[Vec<f32>], columns: usize, geo: &Geometry) -> Vec<f32> {
    let pad = CELL_PAD;
    let mut natural = vec![SMALL_SIZE * 2.0; columns];
    for row in cells {
        for (c, w) in row.iter().enumerate().take(columns) {
            natural[c] = natural[c].max(w + 2.0 * pad);
        }
    }
    let scale = geo.width / natural.iter().sum::<f32>();
    natural.iter().map(|w| w * scale).collect()
}

/// Breaks a title into lines no wider than `width`: as many as needed, balanced, each break at a
/// natural point (after a unit's name such as …局, or before 关于) when one keeps both parts
/// within the width, else at the balanced point. `widths` are the characters' advances.
pub fn title_lines(chars: &[char], widths: &[f32], width: f32) -> Vec<std::ops::Range<usize>> {
    let total: f32 = widths.iter().sum();
    let count = (total / width).ceil().max(1.0) as usize;
    let mut ranges = Vec::new();
    let mut start = 0;
    for k in 1..count {
        let rest: f32 = widths[start..].iter().sum();
        let target = rest / (count - k + 1) as f32;
        let end = title_break(chars, widths, start, target, width);
        ranges.push(start..end);
        start = end;
    }
    ranges.push(start..chars.len());
    ranges
}

fn title_break(chars: &[char], widths: &[f32], start: usize, target: f32, width: f32) -> usize {
    let mut acc = 0.0;
    let mut balanced = start + 1;
    let mut candidates = Vec::new();
    for i in start..chars.len() {
        acc += widths[i];
        let end = i + 1;
        if end >= chars.len() || acc > width {
            break;
        }
        if acc <= target + widths[i] / 2.0 {
            balanced = end;
        }
        if !can_break(chars[i], chars[end]) {
            continue;
        }
        let rest: f32 = widths[end..].iter().sum();
        let natural =
            "局委府院会厅办部室".contains(chars[i]) || (chars[end] == '关' && chars.get(end + 1) == Some(&'于'));
        if natural && rest <= width {
            candidates.push((end, (acc - target).abs()));
        }
    }
    candidates.into_iter().min_by(|a, b| a.1.total_cmp(&b.1)).map(|(end, _)| end).unwrap_or(balanced)
}

/// Splits rows into pages of `lines` rows. A row marked keep-with-next never ends a page unless a
/// whole page is one such chain; a blank row never starts a page; a table that continues on a
/// new page repeats its header there.
pub fn paginate(rows: &[Row], lines: usize) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        while start < rows.len() && rows[start].is_blank() && !pages.is_empty() {
            start += 1;
        }
        if start >= rows.len() {
            break;
        }
        let mut page: Page = Vec::new();
        // A table continued from the previous page starts with its header again.
        if let Some((table, false)) = rows[start].table {
            if start > 0 && rows[start - 1].table.map(|t| t.0) == Some(table) {
                page.extend((0..start).filter(|&i| rows[i].table == Some((table, true))));
            }
        }
        let capacity = lines - page.len().min(lines - 1);
        let mut end = (start + capacity).min(rows.len());
        if end < rows.len() {
            let full = end;
            while end > start + 1 && rows[end - 1].keep_with_next {
                end -= 1;
            }
            if end == start + 1 && rows[start].keep_with_next {
                end = full;
            }
        }
        page.extend(start..end);
        pages.push(page);
        start = end;
    }
    pages
}
