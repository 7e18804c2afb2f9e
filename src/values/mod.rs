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
