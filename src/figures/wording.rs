//! What a report says about a figure against another period's: 同比增长3.2%, 较上期减少3.5万元,
//! 与去年同期持平, 提高1.5个百分点, and the completion of a target.

use super::{in_display_unit, scaled, Figure};
use crate::model::Kind;
use crate::values::number::written;
use rust_decimal::Decimal;
use rust_i18n::t;

/// Why a 同比/环比 phrase or a completion cannot be stated; shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordingError {
    /// A change in % from an earlier value of 0.
    #[error("{}", t!("figures.change_from_zero", name = .name, when = .against.earlier_period_word()))]
    ChangeFromZero {
        /// The figure.
        name: String,
        /// The earlier period it is compared with.
        against: Against,
    },
    /// A completion of a target that is 0.
    #[error("{}", t!("figures.target_zero", name = .0))]
    TargetZero(String),
    /// A figure that holds no number (text, a date).
    #[error("{}", t!("figures.not_comparable", name = .0))]
    NotComparable(String),
}

/// Which comparison a phrase states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The same period last year: 同比.
    LastYear,
    /// The period before: 环比.
    Previous,
}

impl Against {
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Against::LastYear => ("同比", "较去年同期", "与去年同期"),
            Against::Previous => ("环比", "较上期", "与上期"),
        }
    }
}

/// The words of a 同比/环比 phrase, each of which a template may give in the office's own
/// wording: `{{ x | 同比(前缀="比去年同期", 减="降低", 位数=2) }}`. `None` is today's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    /// The words before the change: 同比 / 环比 (较去年同期 / 较上期 for 增减).
    pub prefix: Option<String>,
    /// The word for a rise: 增长 (rates: 提高; 增减: 增加).
    pub rise: Option<String>,
    /// The word for a fall: 下降 (rates: 降低; 增减: 减少).
    pub fall: Option<String>,
    /// The whole phrase when there is no change at the shown decimals: 与去年同期持平.
    pub same: Option<String>,
    /// Decimals of the change: 1 for % and 百分点; the figure's own for 增减.
    pub decimals: Option<u32>,
    /// Keep the trailing zeros of `decimals` (a template that asks for 位数=2 gets 27.10%);
    /// otherwise the phrase is written as reports write numbers (4%, not 4.0%).
    pub fixed: bool,
}

/// "同比增长3.2%", "同比下降1.5%", "与去年同期持平"; for a rate "同比提高2.1个百分点" (a change
/// in a rate is never given in %). Rounded half-up to `decimals`.
pub fn change_phrase(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    decimals: u32,
) -> Result<String, WordingError> {
    change_phrase_in(current, earlier, against, &Wording { decimals: Some(decimals), ..Wording::default() })
}

/// [`change_phrase`] in the template's own words.
pub fn change_phrase_in(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    words: &Wording,
) -> Result<String, WordingError> {
    let (short, _, same) = against.words();
    let prefix = words.prefix.as_deref().unwrap_or(short);
    let decimals = words.decimals.unwrap_or(1);
    let (cur, prev) = numbers(current, earlier)?;
    let unchanged = |roughly: bool| {
        words.same.clone().unwrap_or_else(|| format!("{same}{}持平", if roughly { "基本" } else { "" }))
    };
    if cur == prev {
        return Ok(unchanged(false));
    }
    let (rise, fall) = if current.decl.kind == Kind::Percent { ("提高", "降低") } else { ("增长", "下降") };
    let verb = if cur > prev { words.rise.as_deref().unwrap_or(rise) } else { words.fall.as_deref().unwrap_or(fall) };
    if current.decl.kind == Kind::Percent {
        let points = written((cur - prev).abs(), Some(decimals), words.fixed || current.decl.fixed);
        if points.chars().all(|c| c == '0' || c == '.') {
            return Ok(unchanged(true));
        }
        return Ok(format!("{prefix}{verb}{points}个百分点"));
    }
    if prev.is_zero() {
        return Err(WordingError::ChangeFromZero { name: current.name.clone(), against });
    }
    let pct = ((cur - prev) / prev.abs() * Decimal::from(100)).abs();
    let shown = written(pct, Some(decimals), words.fixed || current.decl.fixed);
    if shown.chars().all(|c| c == '0' || c == '.') {
        return Ok(unchanged(true));
    }
    Ok(format!("{prefix}{verb}{shown}%"))
}

/// "较去年同期增加125户", "较上期减少3.5万元", "与去年同期持平"; rates in 个百分点.
pub fn difference_phrase(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    decimals: Option<u32>,
) -> Result<String, WordingError> {
    difference_phrase_in(current, earlier, against, &Wording { decimals, ..Wording::default() })
}

/// [`difference_phrase`] in the template's own words.
pub fn difference_phrase_in(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    words: &Wording,
) -> Result<String, WordingError> {
    let (_, long, same) = against.words();
    let prefix = words.prefix.as_deref().unwrap_or(long);
    let (cur, prev) = numbers(current, earlier)?;
    let unchanged = || words.same.clone().unwrap_or_else(|| format!("{same}持平"));
    if cur == prev {
        return Ok(unchanged());
    }
    let unit = current.decl.display_unit();
    let diff = in_display_unit(&current.decl, (cur - prev).abs());
    let decimals = words.decimals.or(current.decl.decimals);
    let amount = match current.decl.kind {
        Kind::Money => written(diff, Some(decimals.unwrap_or(2)), words.fixed || current.decl.fixed),
        Kind::Percent => written(diff, Some(decimals.unwrap_or(1)), words.fixed || current.decl.fixed),
        _ => scaled(diff, decimals, words.fixed || current.decl.fixed),
    };
    if amount.chars().all(|c| c == '0' || c == '.') {
        return Ok(unchanged());
    }
    let (rise, fall) = if current.decl.kind == Kind::Percent { ("提高", "降低") } else { ("增加", "减少") };
    let verb = if cur > prev { words.rise.as_deref().unwrap_or(rise) } else { words.fall.as_deref().unwrap_or(fall) };
    Ok(match current.decl.kind {
        Kind::Percent => format!("{prefix}{verb}{amount}个百分点"),
        _ => format!("{prefix}{verb}{amount}{unit}"),
    })
}

/// The completion of a target in %: 184 for 完成全年任务的184% (may exceed 100).
pub fn completion(done: &Figure, target: &Figure, decimals: u32) -> Result<String, WordingError> {
    let (d, t) = numbers(done, target)?;
    if t.is_zero() {
        return Err(WordingError::TargetZero(target.name.clone()));
    }
    Ok(written(d / t * Decimal::from(100), Some(decimals), done.decl.fixed))
}

impl Against {
    /// The earlier period in words, for messages: 去年同期, 上期.
    fn earlier_period_word(self) -> String {
        match self {
            Against::LastYear => t!("figures.when_last_year").into(),
            Against::Previous => t!("figures.when_previous").into(),
        }
    }
}

/// Both figures' numbers; a phrase compares nothing else.
fn numbers(current: &Figure, earlier: &Figure) -> Result<(Decimal, Decimal), WordingError> {
    match (current.value.as_decimal(), earlier.value.as_decimal()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(WordingError::NotComparable(current.name.clone())),
    }
}
