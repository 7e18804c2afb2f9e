//! Stage 2: give each raw value its declared kind and unit, check it, and check the catalog's
//! rules. The result is the set of figures a template may use, each traceable to file:line.
//!
//! [`value`] reads one value against its declaration, [`check`] a period's values, [`derive`]
//! the figures a formula computes, [`rules`] the catalog's comparisons, and [`wording`] writes
//! the comparisons a report states (同比增长3.2%).

mod check;
mod derive;
pub mod rules;
pub mod value;
pub mod wording;

pub use check::{check, check_with};
pub use rules::{check_rules, FigureLookup};
pub use value::{in_display_unit, kind_name, parse_value, parse_value_in, ValueError};
pub use wording::{
    change_phrase, change_phrase_in, completion, difference_phrase, difference_phrase_in, Against, Wording,
    WordingError,
};

use crate::error::Source;
use crate::model::{FigureDecl, Kind};
use crate::values::number::{format_decimal, money_in, written};
use crate::values::period::Period;
use crate::values::units;
use crate::values::words::{format_date, DateStyle};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A figure's checked value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureValue {
    /// A whole number (counts, years, months).
    Whole(i64),
    /// An exact decimal: money in 元, a percentage, a quantity in its unit.
    Decimal(Decimal),
    /// A date.
    Date(NaiveDate),
    /// Text.
    Text(String),
}

impl FigureValue {
    /// The value as a decimal, for rules and comparisons (`None` for dates and text).
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            FigureValue::Whole(n) => Some(Decimal::from(*n)),
            FigureValue::Decimal(d) => Some(*d),
            _ => None,
        }
    }
}

/// A checked figure: value, declaration and source.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Catalog name, such as `低保.户数`.
    pub name: String,
    /// The declaration it was checked against.
    pub decl: FigureDecl,
    /// The value (money in 元).
    pub value: FigureValue,
    /// The text the data file gave.
    pub entered: String,
    /// Where the data file gave it.
    pub source: Source,
    /// How it was computed from a sheet (the column and rows summed), when it was.
    pub via: Option<String>,
}

impl Figure {
    /// The figure as the report writes it by default: its display unit, its declared decimals.
    pub fn display(&self) -> String {
        let decl = &self.decl;
        let fixed = decl.fixed;
        match &self.value {
            FigureValue::Whole(n) if decl.kind == Kind::Count && decl.display().magnitude != units::Magnitude::One => {
                scaled(in_display_unit(decl, Decimal::from(*n)), decl.decimals, fixed)
            }
            FigureValue::Whole(n) => n.to_string(),
            FigureValue::Decimal(d) => match decl.kind {
                Kind::Money => written(in_display_unit(decl, *d), Some(decl.decimals.unwrap_or(2)), fixed),
                // A count computed by a formula (an average) is shown whole unless told otherwise.
                Kind::Count => written(in_display_unit(decl, *d), Some(decl.decimals.unwrap_or(0)), fixed),
                Kind::Percent => written(*d, Some(decl.decimals.unwrap_or(1)), fixed),
                _ if decl.display().magnitude != units::Magnitude::One => {
                    scaled(in_display_unit(decl, *d), decl.decimals, fixed)
                }
                _ => written(*d, decl.decimals, fixed),
            },
            FigureValue::Date(d) => format_date(*d, DateStyle::Arabic),
            FigureValue::Text(t) => t.clone(),
        }
    }
}

/// A value converted to a larger unit: at the declared decimals, or else exactly, without the
/// trailing zeros the division leaves.
pub(crate) fn scaled(value: Decimal, decimals: Option<u32>, fixed: bool) -> String {
    match decimals {
        Some(_) => written(value, decimals, fixed),
        None => value.normalize().to_string(),
    }
}

/// The figures of one period, by name.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The period they belong to.
    pub period: Period,
    /// Figures by name.
    pub by_name: BTreeMap<String, Arc<Figure>>,
    /// The same period last year, when data/ has it (for 同比).
    pub last_year: Option<Arc<Figures>>,
    /// The period before, when data/ has it (for 环比).
    pub previous: Option<Arc<Figures>>,
}

impl Figure {
    /// The value as a plain number in the unit the data gave (for messages).
    pub fn entered_number(&self) -> String {
        match &self.value {
            FigureValue::Decimal(d) if self.decl.kind == Kind::Money => {
                format_decimal(money_in(*d, self.decl.display_unit()), None)
            }
            FigureValue::Whole(n) => in_display_unit(&self.decl, Decimal::from(*n)).normalize().to_string(),
            FigureValue::Decimal(d) => in_display_unit(&self.decl, *d).normalize().to_string(),
            _ => self.entered.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::value::parse_date;
    use super::wording::{change_phrase, completion, difference_phrase};
    use super::*;
    use crate::values::words::chinese_number;
    use std::str::FromStr;

    fn decl(kind: Kind, unit: Option<&str>) -> FigureDecl {
        FigureDecl { unit: unit.map(String::from), in_period: true, ..FigureDecl::new(kind) }
    }
    fn h1() -> Period {
        "2024H1".parse().unwrap()
    }

    #[test]
    fn money_in_yuan_or_wanyuan_is_the_same_figure() {
        let d = decl(Kind::Money, None);
        let a = parse_value(&d, "45678901.23元", h1()).unwrap();
        let b = parse_value(&d, "4567.890123万元", h1()).unwrap();
        assert_eq!(a, b);
        let fig = Figure {
            name: "x".into(),
            decl: d.clone(),
            value: a,
            entered: String::new(),
            source: Source::file("f"),
            via: None,
        };
        assert_eq!(fig.display(), "4567.89");
        let no_unit = parse_value(&d, "12", h1()).unwrap_err();
        assert_eq!(no_unit, ValueError::MoneyNoUnit("12".into()));
        assert_eq!(no_unit.to_string(), "'12' has no unit; write it in 元 or 万元 (for example 12元 or 12万元)");
    }

    #[test]
    fn rounding_is_half_up_on_the_exact_value() {
        assert_eq!(format_decimal(Decimal::from_str("2.345").unwrap(), Some(2)), "2.35");
        assert_eq!(format_decimal(Decimal::from_str("2.5").unwrap(), Some(0)), "3");
        assert_eq!(format_decimal(Decimal::from_str("-2.345").unwrap(), Some(2)), "-2.35");
        assert_eq!(format_decimal(Decimal::from_str("7").unwrap(), Some(1)), "7.0");
        assert_eq!(format_decimal(Decimal::from_str("1.005").unwrap(), Some(2)), "1.01");
    }

    #[test]
    fn counts_are_whole_non_negative_and_in_their_unit() {
        let d = decl(Kind::Count, Some("户"));
        assert_eq!(parse_value(&d, "12345户", h1()).unwrap(), FigureValue::Whole(12345));
        let err = |text: &str| parse_value(&d, text, h1()).unwrap_err();
        assert_eq!(err("-3"), ValueError::Negative { text: "-3".into(), kind: Kind::Count });
        assert_eq!(err("-3").to_string(), "'-3' is negative; a count cannot be below 0");
        assert_eq!(err("12.5"), ValueError::NotWhole { text: "12.5".into(), unit: "户".into() });
        assert_eq!(err("12.5").to_string(), "'12.5' is not a whole number; a count of 户 is whole");
        assert_eq!(err("很多"), ValueError::NotANumber { text: "很多".into(), kind: Kind::Count, unit: "户".into() });
        assert_eq!(err("很多").to_string(), "'很多' is not a number; expected a whole number of 户");
        assert_eq!(
            err("12人"),
            ValueError::UnitNotTaken {
                text: "12人".into(),
                unit: "人".into(),
                allowed: vec!["户".into(), "万户".into(), "亿户".into()]
            }
        );
        assert_eq!(
            err("12人").to_string(),
            "'12人' is in 人, which this figure does not take; allowed: 户, 万户, 亿户"
        );
        assert_eq!(err("1e20"), ValueError::Scientific("1e20".into()));
        assert_eq!(err("100000000000"), ValueError::CountTooLarge { text: "100000000000".into(), max: 1_000_000_000 });
        assert!(err("100000000000").to_string().contains("larger than any county count"));
        assert_eq!(err("1.00000000001"), ValueError::TooPrecise { text: "1.00000000001".into(), places: 10 });
        assert_eq!(
            err("1.00000000001").to_string(),
            "'1.00000000001' has more than 10 decimal places; no report figure is that precise"
        );
        let money = decl(Kind::Money, None);
        let huge = "79228162514264337593543950335万元";
        assert_eq!(parse_value(&money, huge, h1()).unwrap_err(), ValueError::TooLarge(huge.into()));
        assert_eq!(
            parse_value(&money, huge, h1()).unwrap_err().to_string(),
            "'79228162514264337593543950335万元' is larger than any figure a report can state; check the export"
        );
    }

    #[test]
    fn months_and_dates() {
        assert_eq!(parse_value(&decl(Kind::Month, None), "6月", h1()).unwrap(), FigureValue::Whole(6));
        let outside = parse_value(&decl(Kind::Month, None), "8", h1()).unwrap_err();
        assert_eq!(outside, ValueError::MonthOutside { month: 8, period: h1() });
        assert_eq!(outside.to_string(), "month 8 is outside the period 2024H1 (1月 to 6月)");
        let d = parse_date("2024年7月5日").unwrap();
        assert_eq!(d, parse_date("2024-07-05").unwrap());
        assert_eq!(format_date(d, DateStyle::Arabic), "2024年7月5日");
        assert_eq!(format_date(d, DateStyle::Chinese), "二〇二四年七月五日");
        assert_eq!(chinese_number(21), "二十一");
        assert_eq!(chinese_number(10), "十");
    }

    fn fig(kind: Kind, unit: Option<&str>, value: &str) -> Figure {
        let d = decl(kind, unit);
        let value = parse_value(&d, value, h1()).unwrap();
        Figure { name: "x.y".into(), decl: d, value, entered: String::new(), source: Source::file("f"), via: None }
    }

    #[test]
    fn year_on_year_phrases() {
        let now = fig(Kind::Count, Some("人"), "20750");
        let then = fig(Kind::Count, Some("人"), "21304");
        assert_eq!(change_phrase(&now, &then, Against::LastYear, 1).unwrap(), "同比下降2.6%");
        assert_eq!(change_phrase(&then, &now, Against::LastYear, 1).unwrap(), "同比增长2.7%");
        assert_eq!(change_phrase(&now, &now, Against::LastYear, 1).unwrap(), "与去年同期持平");
        assert_eq!(
            change_phrase(&now, &fig(Kind::Count, Some("人"), "20751"), Against::LastYear, 1).unwrap(),
            "与去年同期基本持平"
        );
        assert_eq!(difference_phrase(&now, &then, Against::LastYear, None).unwrap(), "较去年同期减少554人");
        assert_eq!(change_phrase(&now, &then, Against::Previous, 1).unwrap(), "环比下降2.6%");
        let rate_now = fig(Kind::Percent, None, "64.35%");
        let rate_then = fig(Kind::Percent, None, "62.84%");
        assert_eq!(change_phrase(&rate_now, &rate_then, Against::LastYear, 1).unwrap(), "同比提高1.5个百分点");
        assert_eq!(change_phrase(&rate_then, &rate_now, Against::LastYear, 1).unwrap(), "同比降低1.5个百分点");
        assert_eq!(
            difference_phrase(&rate_now, &rate_then, Against::LastYear, Some(2)).unwrap(),
            "较去年同期提高1.51个百分点"
        );
        let zero = fig(Kind::Count, Some("人"), "0");
        let from_zero = change_phrase(&now, &zero, Against::LastYear, 1).unwrap_err();
        assert_eq!(from_zero, WordingError::ChangeFromZero { name: "x.y".into(), against: Against::LastYear });
        assert!(from_zero.to_string().contains("is 0, so a change in % cannot be stated"));
        let money_now = fig(Kind::Money, None, "6584.3193万元");
        let money_then = fig(Kind::Money, None, "63678000元");
        assert_eq!(
            difference_phrase(&money_now, &money_then, Against::LastYear, None).unwrap(),
            "较去年同期增加216.52万元"
        );
    }

    #[test]
    fn completion_may_exceed_100() {
        let done = fig(Kind::Count, Some("户"), "92");
        let target = fig(Kind::Count, Some("户"), "50");
        assert_eq!(completion(&done, &target, 0).unwrap(), "184");
    }
}
