//! One figure's declaration: its kind, its units, and where its value comes from (a data file,
//! a township sheet, a formula), each parsed once when the catalog is loaded.

use super::formula::Formula;
use super::kind::Kind;
use super::rule::FigureRef;
use super::table::{Condition, SumOf};
use crate::values::units::{self, Unit};
use rust_i18n::t;
use serde::Deserialize;

/// Where a figure's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Typed into one of the period's data files.
    Data,
    /// The sum of a township sheet's column (`sum: 低保分乡镇.人数`); typed into a data file
    /// when the period has no such sheet.
    Sum(SumOf),
    /// The number of a township sheet's rows (`count_rows: 低保分乡镇`), only those where the
    /// condition holds (`where: 人数 > 0`) if there is one.
    CountRows {
        /// The table whose rows are counted.
        table: String,
        /// The rows counted.
        condition: Option<Condition>,
    },
    /// Computed from other figures (`formula: a / b * 100`), never read from data.
    Formula(Formula),
    /// Another period's figure, read from that period's data with that period's own catalog
    /// (`from: 特困.护理费@上年全年`: last year's annual value), never typed again here.
    Period(FigureRef),
}

/// One figure's declaration in the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureDecl {
    /// The kind of value.
    pub kind: Kind,
    /// The unit the report writes it in (户, 万元, 亩…), in its full form (万 on money is 万元).
    /// Money defaults to 万元, percent to %.
    pub unit: Option<String>,
    /// Units a data file may give the value in; empty means the unit itself (money: 元 and 万元).
    pub accept: Vec<String>,
    /// Decimal places the report shows (money default 2, percent default 1; quantities as entered).
    pub decimals: Option<u32>,
    /// Whether the report keeps the declared decimals' trailing zeros (156.0万元); by default
    /// it writes numbers as reports do, without them (156万元).
    pub fixed: bool,
    /// Whether a negative value is allowed (a change, a balance); counts and money default to no.
    pub signed: bool,
    /// For months and dates: the value must fall inside the report's period (截至6月 in a
    /// 上半年 report); planned months and report dates leave it off.
    pub in_period: bool,
    /// What the figure means, for `zongjie figures` and error messages.
    pub label: Option<String>,
    /// Where its value comes from.
    pub origin: Origin,
}

impl FigureDecl {
    /// A declaration of this kind with every option at its default, read from data.
    pub fn new(kind: Kind) -> FigureDecl {
        FigureDecl {
            kind,
            unit: None,
            accept: Vec::new(),
            decimals: None,
            fixed: false,
            signed: false,
            in_period: false,
            label: None,
            origin: Origin::Data,
        }
    }
    /// The formula the figure is computed by, if it is.
    pub fn formula(&self) -> Option<&Formula> {
        match &self.origin {
            Origin::Formula(f) => Some(f),
            _ => None,
        }
    }
    /// Whether a data file gives the value (also a sheet's figure, when the period has no sheet).
    pub fn is_typed(&self) -> bool {
        matches!(self.origin, Origin::Data)
    }
    /// Whether the value is not read from this period's data files at all: computed by a
    /// formula, or taken from another period.
    pub fn is_computed(&self) -> bool {
        matches!(self.origin, Origin::Formula(_) | Origin::Period(_))
    }
    /// The unit the report shows the figure in ("" when it has none).
    pub fn display_unit(&self) -> &str {
        match (&self.unit, self.kind) {
            (Some(u), _) => u,
            (None, Kind::Money) => "万元",
            (None, Kind::Percent) => "%",
            (None, _) => "",
        }
    }
    /// The display unit as magnitude and base (万人 → 万 + 人).
    pub fn display(&self) -> Unit {
        Unit::split(self.display_unit())
    }
    /// The base unit values are held in: 元 for money, % for percentages, the display unit
    /// without its magnitude for counts and quantities (人 for 万人).
    pub fn base_unit(&self) -> String {
        match self.kind {
            Kind::Money => units::YUAN.to_string(),
            Kind::Percent => "%".to_string(),
            Kind::Count | Kind::Quantity => match &self.unit {
                Some(u) => Unit::split(u).base,
                None => self.accept.first().map(|a| Unit::split(a).base).unwrap_or_default(),
            },
            _ => String::new(),
        }
    }
    /// The units a data file may use for the figure, for messages: the catalog's `accept`, or
    /// every magnitude of the base (元, 千元, 万元, 亿元; 人, 万人, 亿人).
    pub fn accepted_units(&self) -> Vec<String> {
        if !self.accept.is_empty() {
            return self.accept.clone();
        }
        match self.kind {
            Kind::Money => units::MONEY_UNITS.iter().map(|u| u.to_string()).collect(),
            Kind::Month => vec!["月".into()],
            Kind::Year => vec!["年".into()],
            Kind::Percent => vec!["%".into()],
            Kind::Count | Kind::Quantity => {
                let base = self.base_unit();
                if base.is_empty() {
                    vec![]
                } else {
                    vec![base.clone(), format!("万{base}"), format!("亿{base}")]
                }
            }
            Kind::Date | Kind::Text => vec![],
        }
    }
    /// Whether a data value may be given in `unit` (already read as a unit of this figure).
    pub fn accepts(&self, unit: &Unit) -> bool {
        self.accept.is_empty() || self.accept.iter().any(|a| Unit::split(a) == *unit)
    }

    /// Checks the declared `unit` and `accept` against the kind and each other, and writes them
    /// in their full form (万 on money is 万元). Every unit named must be understood.
    pub(super) fn check_units(&mut self) -> Result<(), UnitError> {
        match self.kind {
            Kind::Money => {
                let full = |u: &str| units::money_unit(u, true).map(|u| u.to_string());
                if let Some(u) = &self.unit {
                    self.unit = Some(full(u).ok_or_else(|| UnitError::NotMoney(u.clone()))?);
                }
                for a in &mut self.accept {
                    *a = full(a).ok_or_else(|| UnitError::NotMoney(a.clone()))?;
                }
            }
            Kind::Count | Kind::Quantity => {
                let all: Vec<&String> = self.unit.iter().chain(&self.accept).collect();
                let Some(first) = all.first().map(|f| f.to_string()) else { return Ok(()) };
                let base = Unit::split(&first).base;
                if base.is_empty() {
                    return Err(UnitError::MagnitudeOnly(first));
                }
                if base == units::YUAN || base == "%" {
                    let right = if base == "%" { Kind::Percent } else { Kind::Money };
                    return Err(UnitError::OtherKind { unit: first, kind: self.kind, right });
                }
                for u in &all {
                    // 千人 is no unit a report uses: say so before "does not fit".
                    if Unit::split(u).magnitude == units::Magnitude::Thousand {
                        return Err(UnitError::Thousand { unit: u.to_string(), base });
                    }
                    if units::counted_unit(u, &base, false).is_none() {
                        return Err(UnitError::DoesNotFit { unit: u.to_string(), first, base });
                    }
                }
            }
            Kind::Percent => {
                if let Some(u) = self.unit.iter().chain(&self.accept).find(|u| !matches!(u.trim(), "%" | "％")) {
                    return Err(UnitError::NotPercent(u.clone()));
                }
                self.unit = None;
                self.accept.clear();
            }
            Kind::Year | Kind::Month | Kind::Date | Kind::Text => {
                let own = match self.kind {
                    Kind::Year => Some("年"),
                    Kind::Month => Some("月"),
                    _ => None,
                };
                if let Some(u) = self.unit.iter().chain(&self.accept).find(|u| Some(u.as_str()) != own) {
                    return Err(UnitError::NotForKind { unit: u.clone(), kind: self.kind });
                }
            }
        }
        Ok(())
    }
}

/// Why a unit the catalog declares for a figure is refused; shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// A money figure's unit that is no unit of money.
    #[error("{}", t!("catalog.unit_not_money", unit = .0))]
    NotMoney(String),
    /// A magnitude with no base (万).
    #[error("{}", t!("catalog.unit_magnitude_only", unit = .0))]
    MagnitudeOnly(String),
    /// A count or quantity in 元 or %.
    #[error("{}", t!("catalog.unit_of_other_kind", unit = .unit, kind = .kind.as_str(), right = .right.as_str()))]
    OtherKind {
        /// The unit as declared.
        unit: String,
        /// The figure's kind.
        kind: Kind,
        /// The kind the unit belongs to.
        right: Kind,
    },
    /// 千 on a count (千人).
    #[error("{}", t!("catalog.unit_thousand", unit = .unit, base = .base))]
    Thousand {
        /// The unit as declared.
        unit: String,
        /// The figure's base unit.
        base: String,
    },
    /// An accepted unit of another base than the figure's.
    #[error("{}", t!("catalog.unit_does_not_fit", unit = .unit, first = .first, base = .base))]
    DoesNotFit {
        /// The unit as declared.
        unit: String,
        /// The unit that set the base.
        first: String,
        /// The base.
        base: String,
    },
    /// A percent figure in anything but %.
    #[error("{}", t!("catalog.unit_not_percent", unit = .0))]
    NotPercent(String),
    /// A unit on a year, month, date or text other than its own.
    #[error("{}", t!("catalog.unit_not_for_kind", unit = .unit, kind = .kind.as_str()))]
    NotForKind {
        /// The unit as declared.
        unit: String,
        /// The figure's kind.
        kind: Kind,
    },
}

/// A figure's entry as written in catalog.yaml; [`super::parse`] turns it into a [`FigureDecl`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FigureEntry {
    pub kind: Kind,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub accept: Vec<String>,
    #[serde(default)]
    pub decimals: Option<u32>,
    #[serde(default)]
    pub fixed: bool,
    #[serde(default)]
    pub signed: bool,
    #[serde(default)]
    pub in_period: bool,
    /// `table.column`.
    #[serde(default)]
    pub sum: Option<String>,
    /// `table`.
    #[serde(default)]
    pub count_rows: Option<String>,
    /// With `count_rows`: `人数 > 0`.
    #[serde(default, rename = "where")]
    pub count_where: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    /// `a + b`, `a / b * 100`.
    #[serde(default)]
    pub formula: Option<String>,
    /// `name@上年全年`: another period's figure.
    #[serde(default)]
    pub from: Option<String>,
}
