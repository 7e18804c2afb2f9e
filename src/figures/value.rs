//! One value read against its declaration: a number with its unit (money to 元, 万人 to 人),
//! a percentage, a year, a month, a date or a line of text, every refusal said in words.

use super::FigureValue;
use crate::model::{FigureDecl, Kind};
use crate::values::period::Period;
use crate::values::units;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_i18n::t;

/// Largest count a report can plausibly state; larger is a typing or export error.
const MAX_COUNT: i64 = 1_000_000_000;
/// Most decimal places a figure may have.
const MAX_DECIMAL_PLACES: u32 = 10;
/// Largest magnitude of any number a data file may give (before its own kind's bound).
const MAX_MAGNITUDE: i64 = 10_000_000_000_000_000;
/// Largest amount of money, in 元, a county report can plausibly state (一万亿元).
const MAX_MONEY_YUAN: i64 = 1_000_000_000_000;

/// Why a value cannot be read against its declaration: what was seen and what to write
/// instead, shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// A date figure's date outside the period it must fall in.
    #[error("{}", t!(
        "figures.date_outside",
        date = .date,
        period = .period,
        first = .period.first_day(),
        last = .period.last_day()
    ))]
    DateOutside {
        /// The date.
        date: NaiveDate,
        /// The period of the report.
        period: Period,
    },
    /// More decimal places than any report figure has.
    #[error("{}", t!("figures.too_precise", text = .text, places = .places))]
    TooPrecise {
        /// The value as written.
        text: String,
        /// The most places a figure may have.
        places: u32,
    },
    /// A number beyond any figure (and far inside exact decimals).
    #[error("{}", t!("figures.too_large", text = .0))]
    TooLarge(String),
    /// A negative value of a figure that is not signed.
    #[error("{}", t!("figures.negative", text = .text, kind = kind_name(*.kind)))]
    Negative {
        /// The value as written.
        text: String,
        /// The figure's kind.
        kind: Kind,
    },
    /// A percentage in a unit other than %.
    #[error("{}", t!("figures.percent_wrong_unit", text = .text, unit = .unit))]
    PercentWrongUnit {
        /// The value as written.
        text: String,
        /// Its unit.
        unit: String,
    },
    /// Money without a unit.
    #[error("{}", t!("figures.money_no_unit", text = .0))]
    MoneyNoUnit(String),
    /// Money in 万 or 亿 without 元.
    #[error("{}", t!("figures.money_lacks_yuan", text = .text, number = .number, unit = .unit, yuan = .yuan))]
    MoneyLacksYuan {
        /// The value as written.
        text: String,
        /// Its number part as typed.
        number: String,
        /// The magnitude it was written with.
        unit: String,
        /// The value in 元, as the other way to write it.
        yuan: String,
    },
    /// Money in a unit that is not one.
    #[error("{}", t!("figures.money_unknown_unit", text = .text, unit = .unit))]
    MoneyUnknownUnit {
        /// The value as written.
        text: String,
        /// Its unit.
        unit: String,
    },
    /// More money than a county report states.
    #[error("{}", t!("figures.money_too_large", text = .0))]
    MoneyTooLarge(String),
    /// A bare number of a figure shown in 万 or 亿: which is meant cannot be told.
    #[error("{}", t!("figures.shown_in_magnitude", text = .text, shown = .shown, likely = .likely, other = .other))]
    ShownInMagnitude {
        /// The value as written.
        text: String,
        /// The unit the figure is shown in (万人).
        shown: String,
        /// The likely reading, written with its unit: 53786人 for 53786, 5.38万人 for 5.38.
        likely: String,
        /// The other reading of the same number.
        other: String,
    },
    /// A count that is not whole.
    #[error("{}", t!("figures.not_whole", text = .text, unit = .unit))]
    NotWhole {
        /// The value as written.
        text: String,
        /// The figure's display unit.
        unit: String,
    },
    /// A count in 万 that is not whole in its base unit.
    #[error("{}", t!("figures.not_whole_in_base", text = .text, value = .value, base = .base))]
    NotWholeInBase {
        /// The value as written.
        text: String,
        /// The value in the base unit, normalized.
        value: Decimal,
        /// The base unit.
        base: String,
    },
    /// A count beyond any county's.
    #[error("{}", t!("figures.count_too_large", text = .text, max = .max))]
    CountTooLarge {
        /// The value as written.
        text: String,
        /// The largest count.
        max: i64,
    },
    /// Not a year of four digits.
    #[error("{}", t!("figures.not_a_year", text = .0))]
    NotAYear(String),
    /// Not a month, 1 to 12.
    #[error("{}", t!("figures.not_a_month", text = .0))]
    NotAMonth(String),
    /// A month outside the period it must fall in.
    #[error("{}", t!(
        "figures.month_outside",
        month = .month,
        period = .period,
        first = .period.months().0,
        last = .period.months().1
    ))]
    MonthOutside {
        /// The month.
        month: i64,
        /// The period of the report.
        period: Period,
    },
    /// A percentage without % that reads as a fraction (0.85).
    #[error("{}", t!("figures.percent_fraction", text = .text, pct = .pct))]
    PercentFraction {
        /// The value as written.
        text: String,
        /// The fraction in percent, normalized.
        pct: Decimal,
    },
    /// A percentage without %.
    #[error("{}", t!("figures.percent_missing", text = .0))]
    PercentMissing(String),
    /// A unit the figure does not take.
    #[error("{}", t!("figures.unit_not_taken", text = .text, unit = .unit, allowed = allowed_units(.allowed)))]
    UnitNotTaken {
        /// The value as written.
        text: String,
        /// Its unit.
        unit: String,
        /// The units the figure takes (none: only a bare number).
        allowed: Vec<String>,
    },
    /// A number in scientific notation.
    #[error("{}", t!("figures.scientific", text = .0))]
    Scientific(String),
    /// Thousands separators not grouped by three.
    #[error("{}", t!("figures.grouping", text = .0))]
    Grouping(String),
    /// Not a number at all.
    #[error("{}", t!("figures.not_a_number", text = .text, expected = expected(*.kind, .unit)))]
    NotANumber {
        /// The value as written.
        text: String,
        /// The figure's kind.
        kind: Kind,
        /// The figure's display unit.
        unit: String,
    },
    /// Text with a line break.
    #[error("{}", t!("figures.text_line_break", text = .0.escape_debug()))]
    TextLineBreak(String),
    /// Text with a control character.
    #[error("{}", t!("figures.text_control", text = .text.escape_debug(), code = code_point(*.character)))]
    TextControl {
        /// The text.
        text: String,
        /// The control character.
        character: char,
    },
    /// Text with a space at either end.
    #[error("{}", t!("figures.text_space", text = .0.escape_debug()))]
    TextSpace(String),
    /// Not a date.
    #[error("{}", t!("figures.not_a_date", text = .0))]
    NotADate(String),
    /// A date whose year is not four digits.
    #[error("{}", t!("figures.short_year", text = .text, digits = .digits))]
    ShortYear {
        /// The value as written.
        text: String,
        /// The digits the year has.
        digits: usize,
    },
}

/// Parses a value for a declaration; the error says what was seen and what to write instead.
pub fn parse_value(decl: &FigureDecl, text: &str, period: Period) -> Result<FigureValue, ValueError> {
    parse_value_in(decl, text, period, None)
}

/// [`parse_value`] where a number written without a unit is in `bare_unit` (a sheet column's
/// unit from its header); messages quote the text as written.
pub fn parse_value_in(
    decl: &FigureDecl,
    text: &str,
    period: Period,
    bare_unit: Option<&str>,
) -> Result<FigureValue, ValueError> {
    match decl.kind {
        Kind::Text => return check_text(text).map(|()| FigureValue::Text(text.to_string())),
        Kind::Date => return date_in_period(decl, text, period),
        _ => {}
    }
    let literal = units::read_literal(text).map_err(|why| not_a_number(decl, text, why))?;
    let value = literal.value;
    check_literal_bounds(decl, text, value)?;
    let unit = match literal.unit.as_str() {
        "" => bare_unit.unwrap_or(""),
        unit => unit,
    };
    match decl.kind {
        Kind::Percent => percent(text, value, unit),
        Kind::Money => money(decl, text, value, unit),
        Kind::Count | Kind::Quantity => counted(decl, text, value, unit),
        Kind::Year => year(text, value, unit),
        Kind::Month => month(decl, text, value, unit, period),
        Kind::Text | Kind::Date => unreachable!("handled above"),
    }
}

/// A date figure: a date, inside the period when the catalog says `in_period`.
fn date_in_period(decl: &FigureDecl, text: &str, period: Period) -> Result<FigureValue, ValueError> {
    let date = parse_date(text)?;
    if decl.in_period && !period.contains(date) {
        return Err(ValueError::DateOutside { date, period });
    }
    Ok(FigureValue::Date(date))
}

/// The bounds of any number, before its kind's own: decimal places, magnitude, sign.
fn check_literal_bounds(decl: &FigureDecl, text: &str, value: Decimal) -> Result<(), ValueError> {
    // Bounds every later calculation (万元 → 元, sums, ratios, 同比) far inside Decimal's range,
    // so no arithmetic on a figure can overflow: the fuzzer found 1e28万元 panicking.
    if value.scale() > MAX_DECIMAL_PLACES {
        return Err(ValueError::TooPrecise { text: text.to_string(), places: MAX_DECIMAL_PLACES });
    }
    if value.abs() > Decimal::from(MAX_MAGNITUDE) {
        return Err(ValueError::TooLarge(text.to_string()));
    }
    if value.is_sign_negative() && !value.is_zero() && !decl.signed {
        return Err(ValueError::Negative { text: text.to_string(), kind: decl.kind });
    }
    Ok(())
}

/// A percentage: a number with %, never a bare one (is 0.85 a fraction or 0.85%?).
fn percent(text: &str, value: Decimal, unit: &str) -> Result<FigureValue, ValueError> {
    if unit.is_empty() {
        return Err(percent_hint(text, value));
    }
    if unit != "%" {
        return Err(ValueError::PercentWrongUnit { text: text.to_string(), unit: unit.to_string() });
    }
    Ok(FigureValue::Decimal(value))
}

/// Money in 元: a unit is required, one the figure accepts, and the amount a county can state.
fn money(decl: &FigureDecl, text: &str, value: Decimal, unit: &str) -> Result<FigureValue, ValueError> {
    if unit.is_empty() {
        return Err(ValueError::MoneyNoUnit(text.to_string()));
    }
    let unit = units::money_unit(unit, false).ok_or_else(|| {
        let seen = units::Unit::split(unit);
        if seen.is_bare_magnitude() {
            let yuan = seen.to_base(value).map(|v| v.normalize().to_string()).unwrap_or_default();
            ValueError::MoneyLacksYuan {
                text: text.to_string(),
                number: literal_number(text),
                unit: unit.to_string(),
                yuan,
            }
        } else {
            ValueError::MoneyUnknownUnit { text: text.to_string(), unit: unit.to_string() }
        }
    })?;
    if !decl.accepts(&unit) {
        return Err(not_accepted(decl, text, &unit.to_string()));
    }
    let yuan = unit.to_base(value).unwrap_or(Decimal::MAX);
    if yuan.abs() > Decimal::from(MAX_MONEY_YUAN) {
        return Err(ValueError::MoneyTooLarge(text.to_string()));
    }
    Ok(FigureValue::Decimal(yuan))
}

/// A count or a quantity in its base unit (万人 as 人); a count is whole and below [`MAX_COUNT`].
fn counted(decl: &FigureDecl, text: &str, value: Decimal, unit: &str) -> Result<FigureValue, ValueError> {
    let base = decl.base_unit();
    let unit = if unit.is_empty() {
        // A bare number of a figure shown in 万人 could be 人 or 万人: refuse to guess.
        let shown = decl.display();
        if shown.magnitude != units::Magnitude::One {
            return Err(shown_in_magnitude(text, value, &shown, &base));
        }
        units::Unit::base(&base)
    } else {
        units::counted_unit(unit, &base, false).ok_or_else(|| not_accepted(decl, text, unit))?
    };
    if !decl.accepts(&unit) {
        return Err(not_accepted(decl, text, &unit.to_string()));
    }
    let in_base = unit.to_base(value).unwrap_or(Decimal::MAX);
    if decl.kind == Kind::Quantity {
        return Ok(FigureValue::Decimal(in_base));
    }
    if in_base.fract() != Decimal::ZERO {
        return Err(if unit.magnitude == units::Magnitude::One {
            ValueError::NotWhole { text: text.to_string(), unit: decl.display_unit().to_string() }
        } else {
            ValueError::NotWholeInBase { text: text.to_string(), value: in_base.normalize(), base }
        });
    }
    let n = i64::try_from(in_base)
        .ok()
        .filter(|n| n.abs() <= MAX_COUNT)
        .ok_or_else(|| ValueError::CountTooLarge { text: text.to_string(), max: MAX_COUNT })?;
    Ok(FigureValue::Whole(n))
}

/// A year, 1900 to 2999, bare or in 年.
fn year(text: &str, value: Decimal, unit: &str) -> Result<FigureValue, ValueError> {
    if !matches!(unit, "" | "年") {
        return Err(ValueError::NotAYear(text.to_string()));
    }
    let year = i64::try_from(value).ok().filter(|y| value.fract().is_zero() && (1900..=2999).contains(y));
    year.map(FigureValue::Whole).ok_or_else(|| ValueError::NotAYear(text.to_string()))
}

/// A month, 1 to 12, bare or in 月; inside the period when the catalog says `in_period`.
fn month(decl: &FigureDecl, text: &str, value: Decimal, unit: &str, period: Period) -> Result<FigureValue, ValueError> {
    if !matches!(unit, "" | "月") {
        return Err(ValueError::NotAMonth(text.to_string()));
    }
    let month = i64::try_from(value).ok().filter(|m| value.fract().is_zero() && (1..=12).contains(m));
    let month = month.ok_or_else(|| ValueError::NotAMonth(text.to_string()))?;
    let (first, last) = period.months();
    if decl.in_period && !(i64::from(first)..=i64::from(last)).contains(&month) {
        return Err(ValueError::MonthOutside { month, period });
    }
    Ok(FigureValue::Whole(month))
}

/// A bare number for a figure shown in 万 or 亿, with the likely reading first: a number of
/// at least one 万 (53786) was most likely counted in the base unit (53786人, that is 5.3786万人);
/// a smaller one (5.38) most likely in the shown unit (5.38万人, that is 53800人).
fn shown_in_magnitude(text: &str, value: Decimal, shown: &units::Unit, base: &str) -> ValueError {
    let number = literal_number(text);
    let factor = shown.magnitude.factor();
    let (likely, other) = if value.abs() >= factor {
        (format!("{number}{base}"), format!("{}{shown}", (value / factor).normalize()))
    } else {
        let whole = shown.to_base(value).map(|v| v.normalize().to_string()).unwrap_or_default();
        (format!("{number}{shown}"), format!("{whole}{base}"))
    };
    ValueError::ShownInMagnitude { text: text.to_string(), shown: shown.to_string(), likely, other }
}

/// The number part of a value as typed (`42.48` of `42.48万`), for hints.
fn literal_number(text: &str) -> String {
    let folded = units::fold_width(text.trim());
    folded.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-')).collect()
}

/// A percent figure written without %: say what to write, reading a fraction as one.
fn percent_hint(text: &str, value: Decimal) -> ValueError {
    if value.abs() <= Decimal::ONE && !value.is_zero() {
        let pct = (value * Decimal::from(100)).normalize();
        ValueError::PercentFraction { text: text.to_string(), pct }
    } else {
        ValueError::PercentMissing(text.to_string())
    }
}

/// A value in a unit the figure does not take, with the units it does.
fn not_accepted(decl: &FigureDecl, text: &str, unit: &str) -> ValueError {
    ValueError::UnitNotTaken { text: text.to_string(), unit: unit.to_string(), allowed: decl.accepted_units() }
}

/// The units a figure takes in words, for [`ValueError::UnitNotTaken`].
fn allowed_units(allowed: &[String]) -> String {
    if allowed.is_empty() {
        t!("figures.no_unit").to_string()
    } else {
        allowed.join(", ")
    }
}

/// What is wrong with a literal that is no number.
fn not_a_number(decl: &FigureDecl, text: &str, why: units::NotANumber) -> ValueError {
    let text = text.to_string();
    match why {
        units::NotANumber::Scientific => ValueError::Scientific(text),
        units::NotANumber::Grouping => ValueError::Grouping(text),
        units::NotANumber::TooLarge => ValueError::TooLarge(text),
        units::NotANumber::NoDigits | units::NotANumber::Notation => {
            ValueError::NotANumber { text, kind: decl.kind, unit: decl.display_unit().to_string() }
        }
    }
}

/// A character's code point as Unicode writes it: U+0007.
fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// Text that belongs to the data: one line, no control characters, no spaces at either end
/// (a name with a line break would break the title and the file name).
fn check_text(text: &str) -> Result<(), ValueError> {
    if text.contains(['\n', '\r']) {
        return Err(ValueError::TextLineBreak(text.to_string()));
    }
    if let Some(character) = text.chars().find(|c| c.is_control()) {
        return Err(ValueError::TextControl { text: text.to_string(), character });
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Err(ValueError::TextSpace(text.to_string()));
    }
    Ok(())
}

/// The kind of a figure in words, for messages.
pub fn kind_name(kind: Kind) -> String {
    match kind {
        Kind::Count => t!("figures.kind_count"),
        Kind::Money => t!("figures.kind_money"),
        Kind::Percent => t!("figures.kind_percent"),
        Kind::Quantity => t!("figures.kind_quantity"),
        Kind::Year => t!("figures.kind_year"),
        Kind::Month => t!("figures.kind_month"),
        Kind::Date => t!("figures.kind_date"),
        Kind::Text => t!("figures.kind_text"),
    }
    .into()
}

/// What a figure of a kind, shown in a unit, is written as: "a whole number of 户".
fn expected(kind: Kind, unit: &str) -> String {
    match kind {
        Kind::Count => t!("figures.expect_count", unit = unit).into(),
        Kind::Money => t!("figures.expect_money").into(),
        Kind::Percent => t!("figures.expect_percent").into(),
        Kind::Quantity => t!("figures.expect_quantity", unit = unit).into(),
        Kind::Year => t!("figures.expect_year").into(),
        Kind::Month => t!("figures.expect_month").into(),
        Kind::Date | Kind::Text => kind_name(kind),
    }
}

/// Reads 2024-07-05, 2024年7月5日, 2024/7/5 or 2024.7.5; the year has four digits.
pub(super) fn parse_date(text: &str) -> Result<NaiveDate, ValueError> {
    let err = || ValueError::NotADate(text.to_string());
    let folded = units::fold_width(text.trim());
    let parts: Vec<&str> = folded.split(['-', '年', '月', '日', '/', '.']).filter(|p| !p.is_empty()).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(err());
    };
    let num = |s: &str| s.trim().parse::<u32>().ok().filter(|_| s.trim().chars().all(|c| c.is_ascii_digit()));
    if y.trim().len() != 4 {
        return Err(ValueError::ShortYear { text: text.to_string(), digits: y.trim().chars().count() });
    }
    match (num(y), num(m), num(d)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(err),
        _ => Err(err()),
    }
}

/// A value held in the figure's base unit (元, 人, 亩) expressed in its display unit (万元,
/// 万人, 万亩); percentages and plain units are unchanged.
pub fn in_display_unit(decl: &FigureDecl, value: Decimal) -> Decimal {
    match decl.kind {
        Kind::Money | Kind::Count | Kind::Quantity => decl.display().from_base(value),
        _ => value,
    }
}
