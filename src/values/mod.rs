//! The floor of values, below the catalog: units and their magnitudes, numbers as typed and as
//! written, periods, and the Chinese wording of numbers and dates. Nothing here knows a catalog,
//! a figure or a file format.

pub mod number;
pub mod period;
pub mod units;
pub mod words;

use crate::error::Source;

/// A value as a data file gives it, before it is checked against the catalog: its text (`None`
/// when the key is there without a value) and where it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// The literal text (numbers as typed, never through f64).
    pub text: Option<String>,
    /// File and line (or cell).
    pub source: Source,
    /// For a value computed from a sheet: what was summed or counted, for `zongjie figures`.
    pub via: Option<String>,
}

/// Characters that make Excel or WPS read a cell as a formula (OWASP, "CSV injection").
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell for a CSV file zongjie writes, safe to open in Excel or WPS: a cell that begins
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so that it is shown
/// as text and never evaluated (`=cmd|' /C calc'!A0`). A number (`-3`, `+2.5`, `-12%`) stays a
/// number. [`csv_cell_read`] takes the `'` off again.
pub fn csv_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) && !is_plain_number(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A CSV cell as written by [`csv_cell`]: a `'` put before a formula's first character is
/// taken off. Any other cell is as it was.
pub fn csv_cell_read(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) && !is_plain_number(rest) => rest,
        _ => text,
    }
}

/// `-3`, `+2.5`, `-1,234`, `-12%`: a signed number Excel reads as a number, never a formula.
fn is_plain_number(text: &str) -> bool {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    let rest = rest.strip_suffix('%').unwrap_or(rest);
    let mut digits = 0;
    let mut points = 0;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => points += 1,
            ',' => {}
            _ => return false,
        }
    }
    digits > 0 && points <= 1 && !rest.starts_with([',', '.'])
}

#[cfg(test)]
mod csv_cell_tests {
    use super::{csv_cell, csv_cell_read};

    #[test]
    fn formulas_get_a_quote_and_numbers_stay_numbers() {
        for (text, written) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1+1", "'+1+1"),
            ("-1+cmd", "'-1+cmd"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-3", "-3"),
            ("+2.5", "+2.5"),
            ("-12%", "-12%"),
            ("梧桐镇", "梧桐镇"),
            ("'=x", "'=x"),
        ] {
            assert_eq!(csv_cell(text), written, "{text:?}");
            if !text.starts_with('\'') {
                assert_eq!(csv_cell_read(&csv_cell(text)), text);
            }
        }
    }
}
