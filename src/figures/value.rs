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

/// Parses a value for a declaration; the error says what was seen and what to write instead.
pub fn parse_value(decl: &FigureDecl, text: &str, period: Period) -> Result<FigureValue, String> {
    parse_value_in(decl, text, period, None)
}

/// [`parse_value`] where a number written without a unit is in `bare_unit` (a sheet column's
/// unit from its header); messages quote the text as written.
pub fn parse_value_in(
    decl: &FigureDecl,
    text: &str,
    period: Period,
    bare_unit: Option<&str>,
) -> Result<FigureValue, String> {
    match decl.kind {
        Kind::Text => return check_text(text).map(|()| FigureValue::Text(text.to_string())),
        Kind::Date => {
            let date = parse_date(text)?;
            if decl.in_period && !period.contains(date) {
                return Err(t!(
                    "figures.date_outside",
                    date = date,
                    period = period,
                    first = period.first_day(),
                    last = period.last_day()
                )
                .into());
            }
            return Ok(FigureValue::Date(date));
        }
        _ => {}
    }
    let literal = units::read_literal(text).map_err(|why| not_a_number(decl, text, why))?;
    let value = literal.value;
    // Bounds every later calculation (万元 → 元, sums, ratios, 同比) far inside Decimal's range,
    // so no arithmetic on a figure can overflow: the fuzzer found 1e28万元 panicking.
    if value.scale() > MAX_DECIMAL_PLACES {
        return Err(t!("figures.too_precise", text = text, places = MAX_DECIMAL_PLACES).into());
    }
    if value.abs() > Decimal::from(MAX_MAGNITUDE) {
        return Err(t!("figures.too_large", text = text).into());
    }
    if value.is_sign_negative() && !value.is_zero() && !decl.signed {
        return Err(t!("figures.negative", text = text, kind = kind_name(decl.kind)).into());
    }
    let unit = match literal.unit.as_str() {
        "" => bare_unit.unwrap_or(""),
        unit => unit,
    };
    match decl.kind {
        Kind::Percent => {
            if unit.is_empty() {
                return Err(percent_hint(text, value));
            }
            if unit != "%" {
                return Err(t!("figures.percent_wrong_unit", text = text, unit = unit).into());
            }
            Ok(FigureValue::Decimal(value))
        }
        Kind::Money => {
            if unit.is_empty() {
                return Err(t!("figures.money_no_unit", text = text).into());
            }
            let unit = units::money_unit(unit, false).ok_or_else(|| -> String {
                let seen = units::Unit::split(unit);
                if seen.is_bare_magnitude() {
                    let yuan = seen.to_base(value).map(|v| v.normalize().to_string()).unwrap_or_default();
                    t!("figures.money_lacks_yuan", text = text, number = literal_number(text), unit = unit, yuan = yuan)
                        .into()
                } else {
                    t!("figures.money_unknown_unit", text = text, unit = unit).into()
                }
            })?;
            if !decl.accepts(&unit) {
                return Err(not_accepted(decl, text, &unit.to_string()));
            }
            let yuan = unit.to_base(value).unwrap_or(Decimal::MAX);
            if yuan.abs() > Decimal::from(MAX_MONEY_YUAN) {
                return Err(t!("figures.money_too_large", text = text).into());
            }
            Ok(FigureValue::Decimal(yuan))
        }
        Kind::Count | Kind::Quantity => {
            let base = decl.base_unit();
            let unit = if unit.is_empty() {
                let shown = decl.display();
                if shown.magnitude != units::Magnitude::One {
                    let whole = shown.to_base(value).map(|v| v.normalize().to_string()).unwrap_or_default();
                    return Err(t!(
                        "figures.shown_in_magnitude",
                        text = text,
                        shown = shown,
                        whole = whole,
                        base = base
                    )
                    .into());
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
                    t!("figures.not_whole", text = text, unit = decl.display_unit()).into()
                } else {
                    t!("figures.not_whole_in_base", text = text, value = in_base.normalize(), base = base).into()
                });
            }
            let n = i64::try_from(in_base)
                .ok()
                .filter(|n| n.abs() <= MAX_COUNT)
                .ok_or_else(|| t!("figures.count_too_large", text = text, max = MAX_COUNT).to_string())?;
            Ok(FigureValue::Whole(n))
        }
        Kind::Year => {
            if !matches!(unit, "" | "年") {
                return Err(t!("figures.not_a_year", text = text).into());
            }
            let year = i64::try_from(value).ok().filter(|y| value.fract().is_zero() && (1900..=2999).contains(y));
            year.map(FigureValue::Whole).ok_or_else(|| t!("figures.not_a_year", text = text).into())
        }
        Kind::Month => {
            if !matches!(unit, "" | "月") {
                return Err(t!("figures.not_a_month", text = text).into());
            }
            let month = i64::try_from(value).ok().filter(|m| value.fract().is_zero() && (1..=12).contains(m));
            let month = month.ok_or_else(|| t!("figures.not_a_month", text = text).to_string())?;
            let (first, last) = period.months();
            if decl.in_period && !(i64::from(first)..=i64::from(last)).contains(&month) {
                return Err(
                    t!("figures.month_outside", month = month, period = period, first = first, last = last).into()
                );
            }
            Ok(FigureValue::Whole(month))
        }
        Kind::Text | Kind::Date => unreachable!("handled above"),
    }
}

/// The number part of a value as typed (`42.48` of `42.48万`), for hints.
fn literal_number(text: &str) -> String {
    let folded = units::fold_width(text.trim());
    folded.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-')).collect()
}

/// A percent figure written without %: say what to write, reading a fraction as one.
fn percent_hint(text: &str, value: Decimal) -> String {
    if value.abs() <= Decimal::ONE && !value.is_zero() {
        let pct = (value * Decimal::from(100)).normalize();
        t!("figures.percent_fraction", text = text, pct = pct).into()
    } else {
        t!("figures.percent_missing", text = text).into()
    }
}

fn not_accepted(decl: &FigureDecl, text: &str, unit: &str) -> String {
    let accepted = decl.accepted_units();
    let allowed = if accepted.is_empty() { t!("figures.no_unit").to_string() } else { accepted.join(", ") };
    t!("figures.unit_not_taken", text = text, unit = unit, allowed = allowed).into()
}

fn not_a_number(decl: &FigureDecl, text: &str, why: units::NotANumber) -> String {
    match why {
        units::NotANumber::Scientific => t!("figures.scientific", text = text).into(),
        units::NotANumber::Grouping => t!("figures.grouping", text = text).into(),
        units::NotANumber::NoDigits | units::NotANumber::Notation => {
            t!("figures.not_a_number", text = text, expected = expected(decl)).into()
        }
    }
}

/// Text that belongs to the data: one line, no control characters, no spaces at either end
/// (a name with a line break would break the title and the file name).
fn check_text(text: &str) -> Result<(), String> {
    let shown = text.escape_debug().to_string();
    if text.contains(['\n', '\r']) {
        return Err(t!("figures.text_line_break", text = shown).into());
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(t!("figures.text_control", text = shown, code = format!("U+{:04X}", c as u32)).into());
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Err(t!("figures.text_space", text = shown).into());
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

fn expected(decl: &FigureDecl) -> String {
    match decl.kind {
        Kind::Count => t!("figures.expect_count", unit = decl.display_unit()).into(),
        Kind::Money => t!("figures.expect_money").into(),
        Kind::Percent => t!("figures.expect_percent").into(),
        Kind::Quantity => t!("figures.expect_quantity", unit = decl.display_unit()).into(),
        Kind::Year => t!("figures.expect_year").into(),
        Kind::Month => t!("figures.expect_month").into(),
        Kind::Date | Kind::Text => kind_name(decl.kind),
    }
}

/// Reads 2024-07-05, 2024年7月5日, 2024/7/5 or 2024.7.5; the year has four digits.
pub(super) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let err = || t!("figures.not_a_date", text = text).to_string();
    let folded = units::fold_width(text.trim());
    let parts: Vec<&str> = folded.split(['-', '年', '月', '日', '/', '.']).filter(|p| !p.is_empty()).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(err());
    };
    let num = |s: &str| s.trim().parse::<u32>().ok().filter(|_| s.trim().chars().all(|c| c.is_ascii_digit()));
    if y.trim().len() != 4 {
        return Err(t!("figures.short_year", text = text, digits = y.trim().chars().count()).into());
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
