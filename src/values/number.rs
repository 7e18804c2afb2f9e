//! Numbers as reports write them: exact decimals rounded half-up once, when written, and money
//! moved between 元 and the unit it is shown in.

use super::units;
use rust_decimal::{Decimal, RoundingStrategy};

/// Money in 元 expressed in `unit` (元, 千元, 万元 or 亿元, as the catalog checked it).
pub fn money_in(yuan: Decimal, unit: &str) -> Decimal {
    units::Unit::split(unit).from_base(yuan)
}

/// Formats a decimal at `decimals` places, rounding half-up on the exact value once; `None` keeps
/// the value's own digits (trailing zeros of the data kept, no grouping).
pub fn format_decimal(value: Decimal, decimals: Option<u32>) -> String {
    match decimals {
        Some(dp) => {
            let mut v = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
            v.rescale(dp);
            if v.is_zero() {
                v.set_sign_positive(true);
            }
            v.to_string()
        }
        None => value.to_string(),
    }
}

/// A number as written with its whole part grouped by thousands: 1132.92 → 1,132.92.
pub fn grouped(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (whole, tail) = rest.split_at(digits);
    let mut out = String::from(sign);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out + tail
}

/// A number as a report writes it: rounded half-up once at `decimals`, without the trailing
/// zeros nobody writes (156.0万元 is 156万元, 同比增长4.0% is 4%) unless `fixed` asks for the
/// places to be kept (a table column, a figure declared `fixed: true`).
pub fn written(value: Decimal, decimals: Option<u32>, fixed: bool) -> String {
    let text = format_decimal(value, decimals);
    if fixed || !text.contains('.') {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
