//! Reporting periods: `2024H1`, `2024H2`, `2024Q3`, `2024`; what dates they cover, the same period
//! last year and the previous period.

use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// What part of a year a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Span {
    /// The whole year.
    Year,
    /// A half year, 1 or 2.
    Half(u8),
    /// A quarter, 1 to 4.
    Quarter(u8),
}

impl Span {
    /// Every kind of period a template can be written for, in the order messages list them.
    pub const ALL: [Span; 7] = [
        Span::Half(1),
        Span::Half(2),
        Span::Quarter(1),
        Span::Quarter(2),
        Span::Quarter(3),
        Span::Quarter(4),
        Span::Year,
    ];

    /// The kind as `applies_to`, `template:` and rules write it: H1, H2, Q1–Q4 or year.
    pub fn code(self) -> &'static str {
        match self {
            Span::Half(1) => "H1",
            Span::Half(_) => "H2",
            Span::Quarter(1) => "Q1",
            Span::Quarter(2) => "Q2",
            Span::Quarter(3) => "Q3",
            Span::Quarter(_) => "Q4",
            Span::Year => "year",
        }
    }

    /// Reads a kind of period as the catalog and zongjie.yaml write it (H1, h1, year, Year) or
    /// in words (上半年, 下半年, 第三季度, 全年).
    pub fn from_kind(text: &str) -> Option<Span> {
        let text = text.trim();
        Span::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(text) || Period { year: 2000, span: *s }.part_name() == text)
    }
}

/// A reporting period such as `2024H1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    /// The calendar year.
    pub year: i32,
    /// Which part of it.
    pub span: Span,
}

impl Period {
    /// First and last month (1-based) of the period.
    pub fn months(&self) -> (u32, u32) {
        match self.span {
            Span::Year => (1, 12),
            Span::Half(h) => (u32::from(h) * 6 - 5, u32::from(h) * 6),
            Span::Quarter(q) => (u32::from(q) * 3 - 2, u32::from(q) * 3),
        }
    }
    /// The first day of the period.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.months().0, 1).expect("valid first day")
    }
    /// The last day of the period.
    pub fn last_day(&self) -> NaiveDate {
        let (_, last) = self.months();
        let next = if last == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, last + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).expect("valid last day")
    }
    /// The month the figures run to (截至6月): the period's last month.
    pub fn as_of_month(&self) -> u32 {
        self.last_day().month()
    }
    /// The same period one year earlier, for 同比.
    pub fn same_period_last_year(&self) -> Period {
        Period { year: self.year - 1, span: self.span }
    }
    /// The period just before this one, for 环比.
    pub fn previous(&self) -> Period {
        let (year, span) = match self.span {
            Span::Year => (self.year - 1, Span::Year),
            Span::Half(1) => (self.year - 1, Span::Half(2)),
            Span::Half(h) => (self.year, Span::Half(h - 1)),
            Span::Quarter(1) => (self.year - 1, Span::Quarter(4)),
            Span::Quarter(q) => (self.year, Span::Quarter(q - 1)),
        };
        Period { year, span }
    }
    /// The Chinese name of the part of the year: 上半年, 下半年, 第三季度, 全年.
    pub fn part_name(&self) -> &'static str {
        match self.span {
            Span::Year => "全年",
            Span::Half(1) => "上半年",
            Span::Half(_) => "下半年",
            Span::Quarter(1) => "第一季度",
            Span::Quarter(2) => "第二季度",
            Span::Quarter(3) => "第三季度",
            Span::Quarter(_) => "第四季度",
        }
    }
    /// Whether a date falls inside the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }
    /// A sort key: chronological by first day, a year before its halves and quarters.
    pub fn sort_key(&self) -> (i32, u32, u8) {
        let rank = match self.span {
            Span::Year => 0,
            Span::Half(_) => 1,
            Span::Quarter(_) => 2,
        };
        (self.year, self.months().1, rank)
    }
}

impl Ord for Period {
    /// Chronological: by the last month covered, a year before its halves, halves before quarters.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.sort_key(), self.span).cmp(&(other.sort_key(), other.span))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Span::Year => write!(f, "{}", self.year),
            Span::Half(h) => write!(f, "{}H{h}", self.year),
            Span::Quarter(q) => write!(f, "{}Q{q}", self.year),
        }
    }
}

/// Why a period name was not understood (the text as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodParseError(pub String);

impl fmt::Display for PeriodParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&rust_i18n::t!("period.not_a_period", input = self.0))
    }
}

impl std::error::Error for PeriodParseError {}

impl Period {
    /// The years a period may have: a period outside them cannot be read (`3000H1` is no period).
    pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;
}

impl FromStr for Period {
    type Err = PeriodParseError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = || PeriodParseError(input.to_string());
        let s = input.trim();
        let digits = s.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits != 4 {
            return Err(err());
        }
        let year: i32 = s[..4].parse().map_err(|_| err())?;
        if !Period::YEARS.contains(&year) {
            return Err(err());
        }
        let rest = s[4..].trim_start_matches('-');
        let span = match rest.to_ascii_uppercase().as_str() {
            "" | "年" | "年全年" => Span::Year,
            "H1" | "年上半年" => Span::Half(1),
            "H2" | "年下半年" => Span::Half(2),
            "Q1" | "年第一季度" => Span::Quarter(1),
            "Q2" | "年第二季度" => Span::Quarter(2),
            "Q3" | "年第三季度" => Span::Quarter(3),
            "Q4" | "年第四季度" => Span::Quarter(4),
            _ => return Err(err()),
        };
        Ok(Period { year, span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn spellings_of_a_half_year_agree() {
        assert_eq!(p("2024H1"), p("2024-H1"));
        assert_eq!(p("2024H1"), p("2024年上半年"));
        assert_eq!(p("2024h2").to_string(), "2024H2");
        assert_eq!(p("2024").to_string(), "2024");
        assert_eq!(p("2024Q3").to_string(), "2024Q3");
        assert!("2024H3".parse::<Period>().is_err());
        assert!("24H1".parse::<Period>().is_err());
        assert_eq!(
            "H1".parse::<Period>().unwrap_err().to_string(),
            "'H1' is not a period: write 2024H1, 2024H2, 2024Q3, 2024, 2024-H1 or 2024年上半年"
        );
    }

    #[test]
    fn dates_and_neighbours() {
        let h1 = p("2024H1");
        assert_eq!(h1.first_day().to_string(), "2024-01-01");
        assert_eq!(h1.last_day().to_string(), "2024-06-30");
        assert_eq!(h1.as_of_month(), 6);
        assert_eq!(h1.same_period_last_year().to_string(), "2023H1");
        assert_eq!(h1.previous().to_string(), "2023H2");
        assert_eq!(p("2024H2").previous().to_string(), "2024H1");
        assert_eq!(p("2024Q1").previous().to_string(), "2023Q4");
        assert_eq!(p("2024Q3").last_day().to_string(), "2024-09-30");
        assert_eq!(p("2024").last_day().to_string(), "2024-12-31");
        assert_eq!(p("2024").previous().to_string(), "2023");
        assert_eq!(p("2024H2").part_name(), "下半年");
        assert!(h1.contains(NaiveDate::from_ymd_opt(2024, 6, 30).unwrap()));
        assert!(!h1.contains(NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()));
    }
}
