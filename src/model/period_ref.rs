//! Another period named relative to the report's own: `@上年` (the same period last year),
//! `@上期` (the period before), `@H1` (this year's first half), `@上年全年` (last year's annual
//! report). One syntax for rule terms (`人次 >= 人次@H1`) and every other place a catalog names a
//! figure of another period.

use crate::values::period::{Period, Span};
use std::fmt;

/// A period relative to the report's: a year offset and a kind of period, or the period before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodRef {
    /// 上期: the period just before (for a first half, last year's second half).
    Previous,
    /// `years_back` years before the report's year (0: the same year), a period of `kind`, or
    /// of the report's own kind when `None`.
    Relative {
        /// How many years back: 0 this year, 1 上年, 2 前年.
        years_back: u8,
        /// The kind of period; `None` is the report's own.
        kind: Option<Span>,
    },
}

impl PeriodRef {
    /// The same period last year (上年).
    pub const LAST_YEAR: PeriodRef = PeriodRef::Relative { years_back: 1, kind: None };

    /// Reads what follows the `@`: `上期`; or a year part (`上年`, `前年`, or none for this
    /// year) followed by a kind of period (`H1`, `Q3`, `year`, `上半年`, `全年`…) that may be left
    /// out after a year part. `None` for anything else.
    pub fn parse(text: &str) -> Option<PeriodRef> {
        let text = text.trim();
        if text == "上期" {
            return Some(PeriodRef::Previous);
        }
        let (years_back, rest) = match text {
            t if t.starts_with("上年") => (1, &t["上年".len()..]),
            t if t.starts_with("前年") => (2, &t["前年".len()..]),
            t => (0, t),
        };
        let kind = match rest {
            "" if years_back > 0 => None,
            rest => Some(Span::from_kind(rest)?),
        };
        Some(PeriodRef::Relative { years_back, kind })
    }

    /// The period it names, for a report of `period`; `None` before the first year a period
    /// can have.
    pub fn resolve(self, period: Period) -> Option<Period> {
        match self {
            PeriodRef::Previous => Some(period.previous()),
            PeriodRef::Relative { years_back, kind } => {
                let year = period.year.checked_sub(i32::from(years_back))?;
                Some(Period { year, span: kind.unwrap_or(period.span) })
            }
        }
    }
}

impl fmt::Display for PeriodRef {
    /// The canonical form, as a reader of a message would write it: `上期`, `上年`, `H1`,
    /// `上年全年`, `前年上半年` (a kind after a year part in words, never `上年year`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodRef::Previous => f.write_str("上期"),
            PeriodRef::Relative { years_back, kind } => {
                match years_back {
                    0 => {}
                    1 => f.write_str("上年")?,
                    _ => f.write_str("前年")?,
                }
                match kind {
                    Some(kind) if *years_back > 0 => f.write_str(Period { year: 2000, span: *kind }.part_name()),
                    Some(kind) => f.write_str(kind.code()),
                    None => Ok(()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn the_forms_rules_use_name_the_periods_they_mean() {
        let h2 = p("2024H2");
        let resolved = |text: &str| PeriodRef::parse(text).and_then(|r| r.resolve(h2)).map(|p| p.to_string());
        assert_eq!(resolved("上年").as_deref(), Some("2023H2"));
        assert_eq!(resolved("上期").as_deref(), Some("2024H1"));
        assert_eq!(resolved("H1").as_deref(), Some("2024H1"));
        assert_eq!(resolved("h1").as_deref(), Some("2024H1"));
        assert_eq!(resolved("year").as_deref(), Some("2024"));
        assert_eq!(resolved("上年year").as_deref(), Some("2023"));
        assert_eq!(resolved("上年全年").as_deref(), Some("2023"));
        assert_eq!(resolved("前年上半年").as_deref(), Some("2022H1"));
        assert_eq!(PeriodRef::parse("Q5"), None);
        assert_eq!(PeriodRef::parse(""), None);
        assert_eq!(PeriodRef::parse("去年"), None);
        assert_eq!(PeriodRef::parse("上年H1").unwrap().to_string(), "上年上半年");
        assert_eq!(PeriodRef::parse("上年year").unwrap().to_string(), "上年全年");
        assert_eq!(PeriodRef::parse("H1").unwrap().to_string(), "H1");
        for text in ["上期", "上年", "H1", "上年全年", "前年上半年", "上年第三季度"] {
            let shown = PeriodRef::parse(text).unwrap().to_string();
            assert_eq!(PeriodRef::parse(&shown), PeriodRef::parse(text), "{shown} reads back as {text}");
        }
        assert_eq!(PeriodRef::LAST_YEAR.to_string(), "上年");
        assert_eq!(PeriodRef::parse("上年"), Some(PeriodRef::LAST_YEAR));
    }
}
