//! Marked rendering, for the preview of `zongjie serve`: each value a figure puts into the text
//! is wrapped in private-use characters carrying the index of a mark, and the mark records which
//! figures made it. Only the HTML preview ever reads a marked text; the reports (Markdown, PDF,
//! DOCX) are rendered unmarked, so their bytes do not change.
//!
//! A mark is `OPEN index SEP text CLOSE`. The figures of a mark are those the value is (`{{ x }}`)
//! or those the filters producing it read since the last value was written (`{{ x | 万元(2) }}`,
//! `{{ a | 占比(b) }}`).

use crate::figures::Figure;
use std::cell::RefCell;
use std::sync::Arc;

/// Opens a mark; the mark's index follows, in ASCII digits.
pub const OPEN: char = '\u{E000}';
/// Ends the index; the marked text follows.
pub const SEP: char = '\u{E001}';
/// Closes a mark.
pub const CLOSE: char = '\u{E002}';

/// Whether `c` is one of the mark characters.
pub fn is_mark(c: char) -> bool {
    matches!(c, OPEN | SEP | CLOSE)
}

/// The text without its marks: what the unmarked rendering writes.
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_index = false;
    for c in text.chars() {
        match c {
            OPEN => in_index = true,
            SEP => in_index = false,
            CLOSE => {}
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// A figure behind a marked value, with the same figure in the same period last year.
#[derive(Debug, Clone)]
pub struct MarkedFigure {
    /// The figure.
    pub figure: Arc<Figure>,
    /// The same figure last year, when data/ has it.
    pub last_year: Option<Arc<Figure>>,
}

#[derive(Default)]
struct Marking {
    marks: Vec<Vec<MarkedFigure>>,
    touched: Vec<MarkedFigure>,
}

thread_local! {
    /// Set while a marked rendering runs on this thread.
    static MARKING: RefCell<Option<Marking>> = const { RefCell::new(None) };
    /// Set while values that are no figure (`{{ period.year }}`) are marked too, with no
    /// figures: `import --into` must know every value the template wrote.
    static ALL_VALUES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with every value marked, figures or not (a mark of no figure is a value such as
/// `{{ period.year }}`); the preview never asks for it.
pub fn with_all_values<T>(f: impl FnOnce() -> T) -> T {
    ALL_VALUES.set(true);
    let out = f();
    ALL_VALUES.set(false);
    out
}

/// Whether a marked rendering runs on this thread.
pub(super) fn active() -> bool {
    MARKING.with_borrow(|m| m.is_some())
}

/// Notes that a filter read `figure` (outside a marked rendering: nothing).
pub(super) fn touch(figure: &Arc<Figure>, last_year: &Option<Arc<Figure>>) {
    MARKING.with_borrow_mut(|m| {
        if let Some(m) = m {
            m.touched.push(MarkedFigure { figure: figure.clone(), last_year: last_year.clone() });
        }
    })
}

/// The value's text as written: marked with `own` (the figure the value is) or else the figures
/// touched since the last value. A text that is already marked (a `{% set %}` block written
/// before) or empty is left as it is.
pub(super) fn wrap(own: Option<MarkedFigure>, text: String) -> String {
    MARKING.with_borrow_mut(|m| {
        let Some(m) = m else { return text };
        let mut figures = std::mem::take(&mut m.touched);
        if let Some(own) = own {
            figures = vec![own];
        }
        if (figures.is_empty() && !ALL_VALUES.get()) || text.is_empty() || text.chars().any(is_mark) {
            return text;
        }
        m.marks.push(figures);
        format!("{OPEN}{}{SEP}{text}{CLOSE}", m.marks.len() - 1)
    })
}

/// Makes `marks` those of the marked rendering running on this thread: a rendering that ran on
/// a thread of its own (see [`super::limits::render`]) hands its marks back so.
pub(super) fn adopt(marks: Vec<Vec<MarkedFigure>>) {
    MARKING.set(Some(Marking { marks, touched: Vec::new() }));
}

/// Runs `render` as a marked rendering; returns its result with the figures of each mark.
pub(super) fn marked<T>(render: impl FnOnce() -> T) -> (T, Vec<Vec<MarkedFigure>>) {
    MARKING.set(Some(Marking::default()));
    let out = render();
    let marks = MARKING.take().map(|m| m.marks).unwrap_or_default();
    (out, marks)
}
