//! Numbers and dates in Chinese words: 二〇二四年七月五日, 十一, 七成, 2500余, 1:3.

use super::number::format_decimal;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_i18n::t;

/// Why a number cannot be written in words (an approximate, a ratio, 成); shown in the user's
/// language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    /// An approximate filter at a place other than 十, 百, 千, 万 or 亿.
    #[error("{}", t!("figures.approx_place", filter = .how.word(), place = .place))]
    ApproxPlace {
        /// The filter.
        how: Approx,
        /// The place as the template writes it.
        place: String,
    },
    /// An approximate of a value below 0.
    #[error("{}", t!("figures.approx_negative", filter = .how.word(), value = .value))]
    ApproxNegative {
        /// The filter.
        how: Approx,
        /// The value, normalized.
        value: Decimal,
    },
    /// A value that rounds to nothing at the place.
    #[error("{}", t!("figures.approx_below", value = .value, filter = .how.word(), place = .place))]
    ApproxBelow {
        /// The value, normalized.
        value: Decimal,
        /// The filter.
        how: Approx,
        /// The place.
        place: String,
    },
    /// A ratio of which a side is 0 or below.
    #[error("{}", t!("figures.ratio_zero", a = .a, b = .b))]
    RatioZero {
        /// The first side, normalized.
        a: Decimal,
        /// The second side, normalized.
        b: Decimal,
    },
    /// A percentage that is not one to ten 成.
    #[error("{}", t!("figures.cheng_range", value = .0))]
    ChengRange(Decimal),
}

/// How a date is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum DateStyle {
    /// GB/T 9704-2012: 2024年7月5日.
    #[default]
    #[serde(rename = "2012")]
    Arabic,
    /// GB/T 9704-1999: 二〇二四年七月五日.
    #[serde(rename = "1999")]
    Chinese,
}

/// Writes a date in the style of the standard the period follows.
pub fn format_date(date: NaiveDate, style: DateStyle) -> String {
    match style {
        DateStyle::Arabic => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        DateStyle::Chinese => {
            let year: String = date
                .year()
                .to_string()
                .chars()
                .map(|c| "〇一二三四五六七八九".chars().nth(c as usize - '0' as usize).unwrap_or(c))
                .collect();
            format!("{year}年{}月{}日", chinese_number(date.month() as u64), chinese_number(date.day() as u64))
        }
    }
}

/// Chinese numeral for 0 to 99 as used in ordinals and dates (一, 十, 十一, 二十一); larger
/// numbers fall back to Arabic digits, as reports write them.
pub fn chinese_number(n: u64) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 if n % 10 == 0 => format!("{}十", DIGITS[(n / 10) as usize]),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], DIGITS[(n % 10) as usize]),
        // 一百零五, 一百一十, 一千二百, 六千: one 零 for the places skipped inside.
        100..=9999 => {
            let mut out = String::new();
            let mut zero = false;
            for (place, word) in [(1000, "千"), (100, "百"), (10, "十"), (1, "")] {
                let digit = (n / place % 10) as usize;
                if digit == 0 {
                    zero = !out.is_empty();
                    continue;
                }
                if zero && n % (place * 10) != 0 {
                    out.push('零');
                }
                zero = false;
                out.push_str(DIGITS[digit]);
                out.push_str(word);
                if n % place == 0 {
                    break;
                }
            }
            out
        }
        _ => n.to_string(),
    }
}

/// How a number is written approximately, as county reports do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approx {
    /// 2500余: rounded down to the place.
    Over,
    /// 约3000: rounded half up.
    About,
    /// 近2600: rounded up.
    Nearly,
    /// 超2500: rounded down.
    Above,
    /// 2000多: rounded down.
    More,
}

impl Approx {
    /// The filter's name in templates.
    pub fn word(self) -> &'static str {
        match self {
            Approx::Over => "余",
            Approx::About => "约",
            Approx::Nearly => "近",
            Approx::Above => "超",
            Approx::More => "多",
        }
    }
}

/// `2542` with 余 at 百 → 2500余; at 万 the result is written in 万: 31362 → 3万余. The place is
/// 十, 百, 千, 万 or 亿; a value that rounds to nothing at that place is an error.
pub fn approximate(value: Decimal, place: &str, how: Approx) -> Result<String, WordsError> {
    let (step, magnitude) = match place {
        "十" => (Decimal::from(10), ""),
        "百" => (Decimal::from(100), ""),
        "千" => (Decimal::from(1_000), ""),
        "万" => (Decimal::from(10_000), "万"),
        "亿" => (Decimal::from(100_000_000), "亿"),
        _ => return Err(WordsError::ApproxPlace { how, place: place.to_string() }),
    };
    if value.is_sign_negative() {
        return Err(WordsError::ApproxNegative { how, value: value.normalize() });
    }
    let units = value / step;
    let rounded = match how {
        Approx::About => units.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
        Approx::Nearly => units.ceil(),
        Approx::Over | Approx::Above | Approx::More => units.floor(),
    };
    if rounded.is_zero() {
        return Err(WordsError::ApproxBelow { value: value.normalize(), how, place: place.to_string() });
    }
    let number = if magnitude.is_empty() {
        format!("{}", (rounded * step).normalize())
    } else {
        format!("{}{magnitude}", rounded.normalize())
    };
    Ok(match how {
        Approx::Over => format!("{number}余"),
        Approx::About => format!("约{number}"),
        Approx::Nearly => format!("近{number}"),
        Approx::Above => format!("超{number}"),
        Approx::More => format!("{number}多"),
    })
}

/// `a:b` with the smaller side as 1 and the other rounded half-up to `decimals`: 1:3, 32:1.
pub fn ratio(a: Decimal, b: Decimal, decimals: u32) -> Result<String, WordsError> {
    if a.is_zero() || b.is_zero() || a.is_sign_negative() || b.is_sign_negative() {
        return Err(WordsError::RatioZero { a: a.normalize(), b: b.normalize() });
    }
    Ok(if a <= b {
        format!("1:{}", format_decimal(b / a, Some(decimals)))
    } else {
        format!("{}:1", format_decimal(a / b, Some(decimals)))
    })
}

/// A percentage in 成 (tenths), rounded half up: 70% → 七成.
pub fn in_cheng(percent: Decimal) -> Result<String, WordsError> {
    let tenths = (percent / Decimal::from(10)).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    match u64::try_from(tenths) {
        Ok(n) if (1..=10).contains(&n) => Ok(format!("{}成", chinese_number(n))),
        _ => Err(WordsError::ChengRange(percent.normalize())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_cannot_be_written_in_words_say_why() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(approximate(d("2542"), "百", Approx::Over).unwrap(), "2500余");
        let place = approximate(d("2542"), "个", Approx::Over).unwrap_err();
        assert_eq!(place, WordsError::ApproxPlace { how: Approx::Over, place: "个".into() });
        assert_eq!(place.to_string(), "余(\"个\"): the place is 十, 百, 千, 万 or 亿");
        assert_eq!(
            approximate(d("42"), "百", Approx::Over).unwrap_err(),
            WordsError::ApproxBelow { value: d("42"), how: Approx::Over, place: "百".into() }
        );
        let zero = ratio(d("0"), d("3"), 0).unwrap_err();
        assert_eq!(zero, WordsError::RatioZero { a: d("0"), b: d("3") });
        assert_eq!(zero.to_string(), "a ratio needs two numbers above 0, but they are 0 and 3");
        assert_eq!(in_cheng(d("70")).unwrap(), "七成");
        let words: Vec<String> = [10, 20, 105, 110, 1005, 1050, 1200, 6000, 9999].map(chinese_number).into();
        assert_eq!(
            words,
            ["十", "二十", "一百零五", "一百一十", "一千零五", "一千零五十", "一千二百", "六千", "九千九百九十九"]
        );
        assert_eq!(in_cheng(d("2.50")).unwrap_err(), WordsError::ChengRange(d("2.5")));
    }
}
