//! Units and numbers as county data writes them, shared by the catalog, the sheets and the figures.
//!
//! A unit is a magnitude (千, 万, 亿) on a base (元, 人, 户, 亩…): 万人 is 10 000 人, 亿元 is
//! 10^8 元. Money's base is always 元; a count's or a quantity's base is the one its catalog
//! entry names. Every conversion is exact (`rust_decimal`), and a unit that is not understood is
//! an error, never read as the base.
//!
//! Numbers are read as statisticians type them: `1,234` (correct grouping only), full-width
//! `１２３４` and `64.35％`; Excel's doubles are read at the 15 significant digits Excel shows.

use rust_decimal::Decimal;
use std::fmt;

/// A magnitude prefix of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Magnitude {
    /// No prefix.
    One,
    /// 千 (only in 千元).
    Thousand,
    /// 万: 10^4.
    Wan,
    /// 亿: 10^8.
    Yi,
}

impl Magnitude {
    /// How many base units one unit of this magnitude holds.
    pub fn factor(self) -> Decimal {
        match self {
            Magnitude::One => Decimal::ONE,
            Magnitude::Thousand => Decimal::from(1_000),
            Magnitude::Wan => Decimal::from(10_000),
            Magnitude::Yi => Decimal::from(100_000_000),
        }
    }
    /// The prefix as written.
    pub fn prefix(self) -> &'static str {
        match self {
            Magnitude::One => "",
            Magnitude::Thousand => "千",
            Magnitude::Wan => "万",
            Magnitude::Yi => "亿",
        }
    }
}

/// The base unit of money.
pub const YUAN: &str = "元";

/// A unit: a magnitude on a base.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unit {
    /// The magnitude prefix.
    pub magnitude: Magnitude,
    /// The base unit ("" for a bare number).
    pub base: String,
}

impl Unit {
    /// A base unit with no magnitude.
    pub fn base(base: &str) -> Unit {
        Unit { magnitude: Magnitude::One, base: base.to_string() }
    }

    /// Splits a unit's text into magnitude and base by its form alone: 万人次 → 万 + 人次,
    /// 亿元 → 亿 + 元, 千元 → 千 + 元 (千 is a magnitude only before 元: 千克 is a base). A bare
    /// 万 or 亿 has an empty base.
    pub fn split(text: &str) -> Unit {
        let text = text.trim();
        for (prefix, magnitude) in [("万", Magnitude::Wan), ("亿", Magnitude::Yi)] {
            if let Some(rest) = text.strip_prefix(prefix) {
                return Unit { magnitude, base: rest.to_string() };
            }
        }
        match text {
            "千元" => Unit { magnitude: Magnitude::Thousand, base: YUAN.into() },
            "千" => Unit { magnitude: Magnitude::Thousand, base: String::new() },
            _ => Unit::base(text),
        }
    }

    /// Whether the unit is a magnitude with no base (万, 亿, 千): usable in a sheet header of a
    /// money column (低保金（万）), never as a value's unit.
    pub fn is_bare_magnitude(&self) -> bool {
        self.magnitude != Magnitude::One && self.base.is_empty()
    }

    /// Converts an amount in this unit to the base unit, exactly.
    pub fn to_base(&self, value: Decimal) -> Option<Decimal> {
        value.checked_mul(self.magnitude.factor())
    }

    /// Converts an amount in the base unit to this unit, exactly.
    pub fn from_base(&self, value: Decimal) -> Decimal {
        value / self.magnitude.factor()
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.magnitude.prefix(), self.base)
    }
}

/// The units money may be written in.
pub const MONEY_UNITS: [&str; 4] = ["元", "千元", "万元", "亿元"];

/// Reads a unit of money: 元, 千元, 万元, 亿元; with `bare_ok` (a sheet header) also 千, 万, 亿
/// meaning 千元, 万元, 亿元. `None` for anything else: the caller says why in its own terms
/// (a catalog line, a header cell, a data value).
pub fn money_unit(text: &str, bare_ok: bool) -> Option<Unit> {
    let unit = Unit::split(text);
    if unit.base == YUAN {
        return Some(unit);
    }
    if bare_ok && unit.is_bare_magnitude() {
        return Some(Unit { magnitude: unit.magnitude, base: YUAN.into() });
    }
    None
}

/// Reads a unit of a count or quantity whose base is `base` (人, 户…; "" when the catalog names
/// none): the base itself, or 万/亿 before it. With `bare_ok` (a sheet header), a bare 万 or 亿
/// means that magnitude of the base. `None` for anything else, as [`money_unit`].
pub fn counted_unit(text: &str, base: &str, bare_ok: bool) -> Option<Unit> {
    let unit = Unit::split(text);
    if unit.magnitude == Magnitude::Thousand {
        // 千 is a magnitude of money only; 千人 is not a unit a report uses.
        return None;
    }
    if unit.base == base || (bare_ok && unit.is_bare_magnitude()) {
        return Some(Unit { magnitude: unit.magnitude, base: base.to_string() });
    }
    None
}

/// Why a piece of text is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotANumber {
    /// No digits at the start.
    NoDigits,
    /// Written with an exponent (1e5).
    Scientific,
    /// Thousands separators in the wrong places (1,23).
    Grouping,
    /// Another notation (0x10, 1_000, .5, 5.).
    Notation,
    /// Plain digits, too many for any exact number (10^30).
    TooLarge,
}

/// A number as typed, with the unit text that follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// The exact value.
    pub value: Decimal,
    /// The text after the number, trimmed ("" when none); full-width ％ is `%`.
    pub unit: String,
}

/// Folds full-width digits, point, signs, comma and percent sign to ASCII (a Chinese input
/// method types them); everything else is kept.
pub fn fold_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '％' => '%',
            '－' | '−' => '-',
            '＋' => '+',
            '，' => ',',
            _ => c,
        })
        .collect()
}

/// Reads a number and the unit after it: `51,539人` → 51539 and 人; `64.35％` → 64.35 and %.
pub fn read_literal(text: &str) -> Result<Literal, NotANumber> {
    let folded = fold_width(text.trim());
    let mut end = 0;
    for (i, c) in folded.char_indices() {
        let ok = c.is_ascii_digit() || c == '.' || c == ',' || ((c == '-' || c == '+') && i == 0);
        if !ok {
            break;
        }
        end = i + c.len_utf8();
    }
    let (number, rest) = folded.split_at(end);
    let rest = rest.trim();
    if !number.chars().any(|c| c.is_ascii_digit()) {
        return Err(NotANumber::NoDigits);
    }
    let mut after = rest.chars();
    if matches!(after.next(), Some('e' | 'E'))
        && !after.as_str().is_empty()
        && after.as_str().trim_start_matches(['+', '-']).chars().all(|c| c.is_ascii_digit())
    {
        return Err(NotANumber::Scientific);
    }
    // 0x10, 1_000, 12a: a letter or digit glued to the number is another notation.
    if rest.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(NotANumber::Notation);
    }
    let unsigned = number.trim_start_matches(['-', '+']);
    if number.starts_with('+')
        || unsigned.starts_with('.')
        || unsigned.ends_with('.')
        || unsigned.matches('.').count() > 1
    {
        return Err(NotANumber::Notation);
    }
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if fraction.contains(',') {
        return Err(NotANumber::Grouping);
    }
    if whole.contains(',') {
        let groups: Vec<&str> = whole.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(NotANumber::Grouping);
        }
    }
    let plain: String = number.chars().filter(|c| *c != ',').collect();
    let value: Decimal = plain.parse().map_err(|_| {
        // Written rightly, only too long for any exact number (10^30 元): say so.
        let digits = plain.trim_start_matches(['+', '-']);
        if digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') && digits.bytes().filter(|b| *b == b'.').count() <= 1
        {
            NotANumber::TooLarge
        } else {
            NotANumber::Notation
        }
    })?;
    Ok(Literal { value, unit: rest.to_string() })
}

/// An Excel number as Excel shows it: rounded to 15 significant digits, trailing zeros dropped
/// (2827.5200000000004 → 2827.52). `None` for infinities and NaN.
pub fn excel_number(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    if value == 0.0 {
        return Some(Decimal::ZERO);
    }
    // `{:.14e}` rounds the double to 15 significant digits, as Excel does when it shows it.
    let text = format!("{value:.14e}");
    Decimal::from_scientific(&text).ok().map(|d| d.normalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn units_split_into_magnitude_and_base() {
        assert_eq!(Unit::split("万人次"), Unit { magnitude: Magnitude::Wan, base: "人次".into() });
        assert_eq!(Unit::split("亿元"), Unit { magnitude: Magnitude::Yi, base: "元".into() });
        assert_eq!(Unit::split("千元").magnitude, Magnitude::Thousand);
        assert_eq!(Unit::split("千克"), Unit::base("千克"));
        assert!(Unit::split("万").is_bare_magnitude());
        assert_eq!(money_unit("万", true).unwrap().to_string(), "万元");
        assert!(money_unit("万", false).is_none());
        assert!(money_unit("人", true).is_none());
        assert_eq!(counted_unit("万人", "人", false).unwrap().to_base(d("5")).unwrap(), d("50000"));
        assert_eq!(counted_unit("万", "人", true).unwrap().to_string(), "万人");
        assert!(counted_unit("户", "人", false).is_none());
        assert!(counted_unit("千人", "人", false).is_none());
    }

    #[test]
    fn literals_as_statisticians_type_them() {
        let lit = |s: &str| read_literal(s).map(|l| (l.value.to_string(), l.unit));
        assert_eq!(lit("51,539人"), Ok(("51539".into(), "人".into())));
        assert_eq!(lit("1,234,567.89万元"), Ok(("1234567.89".into(), "万元".into())));
        assert_eq!(lit("１２３４"), Ok(("1234".into(), String::new())));
        assert_eq!(lit("64.35％"), Ok(("64.35".into(), "%".into())));
        assert_eq!(lit("0.10"), Ok(("0.10".into(), String::new())));
        assert_eq!(lit("-3"), Ok(("-3".into(), String::new())));
        assert_eq!(lit("1,23"), Err(NotANumber::Grouping));
        assert_eq!(lit("1234,567"), Err(NotANumber::Grouping));
        assert_eq!(lit("1.234,5"), Err(NotANumber::Grouping));
        assert_eq!(lit("1e5"), Err(NotANumber::Scientific));
        assert_eq!(lit("0x10"), Err(NotANumber::Notation));
        assert_eq!(lit("1_000"), Err(NotANumber::Notation));
        assert_eq!(lit(".5"), Err(NotANumber::Notation));
        assert_eq!(lit("5."), Err(NotANumber::Notation));
        assert_eq!(lit("+5"), Err(NotANumber::Notation));
        assert_eq!(lit("很多"), Err(NotANumber::NoDigits));
    }

    #[test]
    fn excel_doubles_read_as_excel_shows_them() {
        assert_eq!(excel_number(2827.5200000000004).unwrap().to_string(), "2827.52");
        assert_eq!(excel_number(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(excel_number(11900.0).unwrap().to_string(), "11900");
        assert_eq!(excel_number(0.6435).unwrap().to_string(), "0.6435");
        assert_eq!(excel_number(-1.5).unwrap().to_string(), "-1.5");
        assert_eq!(excel_number(123456789012345678.0).unwrap().to_string(), "123456789012346000");
        assert_eq!(excel_number(f64::NAN), None);
    }
}
