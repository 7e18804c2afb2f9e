//! The catalog's township tables: their columns and total row, the bounds that catch a unit
//! mislabelled, and the two ways a figure is taken from a table (the sum of a column, a count of
//! rows where a condition holds).

use super::kind::Kind;
use super::rule::Op;
use crate::values::units;
use rust_decimal::Decimal;
use rust_i18n::t;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A table's declaration in the catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDecl {
    /// Header of the column that names each row (乡镇).
    pub label: String,
    /// Label of the county total row (合计), or several names it may go by
    /// (`[合计, 总计, 全县合计]`), if the sheet has one. Spacing and punctuation do not count:
    /// 合 计 and 合计： are 合计.
    #[serde(default)]
    pub total: Option<TotalNames>,
    /// Columns by key, each with its header and kind.
    pub columns: BTreeMap<String, ColumnDecl>,
    /// Bounds on a column per another (低保金 per 人数), to catch a unit mislabelled.
    #[serde(default)]
    pub plausible: Vec<serde_saphyr::Spanned<Plausible>>,
}

/// The name, or names, of a table's total row.
#[derive(Debug, Clone)]
pub enum TotalNames {
    /// One name: `total: 合计`.
    One(String),
    /// Several: `total: [合计, 总计]`.
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for TotalNames {
    /// A name or a list of names; anything else is said in the catalog's words, not serde's
    /// ("data did not match any variant of untagged enum").
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            One(String),
            Many(Vec<String>),
        }
        match Written::deserialize(deserializer) {
            Ok(Written::One(name)) => Ok(TotalNames::One(name)),
            Ok(Written::Many(names)) => Ok(TotalNames::Many(names)),
            Err(_) => Err(serde::de::Error::custom(t!("sheets.total_names_invalid"))),
        }
    }
}

impl TotalNames {
    /// The names as listed.
    pub fn names(&self) -> Vec<&str> {
        match self {
            TotalNames::One(n) => vec![n.as_str()],
            TotalNames::Many(ns) => ns.iter().map(String::as_str).collect(),
        }
    }
    /// The first name, for messages and new sheets.
    pub fn first(&self) -> &str {
        self.names().first().copied().unwrap_or("合计")
    }
    /// Whether a row label is one of the names, whatever its spacing and punctuation.
    pub fn matches(&self, label: &str) -> bool {
        let label = row_key(label);
        !label.is_empty() && self.names().iter().any(|n| row_key(n) == label)
    }
}

/// A row label as compared: without spaces (also full-width ones) and punctuation, so that
/// 合 计, 合计： and 合计 are the same row name, and so are two spellings of one 乡镇.
pub fn row_key(label: &str) -> String {
    label.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !is_cjk_punctuation(*c)).collect()
}

fn is_cjk_punctuation(c: char) -> bool {
    matches!(
        c,
        '：' | '，' | '。' | '、' | '；' | '（' | '）' | '【' | '】' | '·' | '—' | '－' | '“' | '”' | '《' | '》'
    )
}

/// Names that mark a row as a total or a part-total, whatever the catalog calls its total row:
/// such a row is never counted as a 乡镇 (keys after [`row_key`]).
pub const TOTAL_WORDS: [&str; 8] = ["合计", "总计", "共计", "总数", "全县", "全县合计", "全县总计", "全区合计"];

/// A column of a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDecl {
    /// The header text, without a bracketed unit.
    pub header: String,
    /// The kind of its values (count, money, quantity, percent).
    pub kind: Kind,
    /// Its unit when the header names none (money: 元 or 万元 must be named somewhere).
    #[serde(default)]
    pub unit: Option<String>,
    /// Decimals shown in a report table.
    #[serde(default)]
    pub decimals: Option<u32>,
    /// `none` for a column whose total row is not the sum of the rows (a rate such as 完成进度);
    /// percent columns are never summed.
    #[serde(default)]
    pub total: ColumnTotal,
}

/// What a column's cell in the total row holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnTotal {
    /// The sum of the rows (checked), unless the column is a percentage.
    #[default]
    Sum,
    /// Not a sum (a rate such as 完成进度): not checked.
    None,
}

impl ColumnDecl {
    /// Whether the total row's cell must equal the sum of the rows.
    pub fn is_summed(&self) -> bool {
        self.kind != Kind::Percent && self.total == ColumnTotal::Sum
    }
}

/// `column / per` must lie between `min` and `max` (for money, in 元) on every row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plausible {
    /// The column checked.
    pub column: String,
    /// The column it is divided by.
    pub per: String,
    /// Lowest plausible ratio.
    pub min: String,
    /// Highest plausible ratio.
    pub max: String,
}

/// `sum: 低保分乡镇.人数`: a figure that is the sum of a table's column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumOf {
    /// The table.
    pub table: String,
    /// The column's key in the table.
    pub column: String,
}

impl SumOf {
    /// Reads `table.column`; `None` without a `.` between two names.
    pub fn parse(text: &str) -> Option<SumOf> {
        let (table, column) = text.trim().split_once('.')?;
        (!table.is_empty() && !column.is_empty())
            .then(|| SumOf { table: table.to_string(), column: column.to_string() })
    }
}

impl std::fmt::Display for SumOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table, self.column)
    }
}

/// A condition on a row for `count_rows`: `人数 > 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The column key.
    pub column: String,
    /// The comparison.
    pub op: Op,
    /// The number compared with, in the base unit the cells are held in.
    pub value: Decimal,
    /// The condition as written.
    pub text: String,
}

impl Condition {
    /// Parses `column op number`: `人数 > 0`, `完成进度 < 50%`, `金额 >= 1万元` (read in the
    /// base unit the cells are held in), with `<`, `<=`, `>`, `>=`, `==` or `!=`.
    pub fn parse(text: &str) -> Option<Condition> {
        let (left, op, right) = Op::split(text)?;
        let column = left.trim().to_string();
        let literal = units::read_literal(right.trim()).ok()?;
        let value = match literal.unit.as_str() {
            "" | "%" => literal.value,
            unit => units::Unit::split(unit).to_base(literal.value)?,
        };
        (!column.is_empty()).then(|| Condition { column, op, value, text: text.trim().to_string() })
    }
    /// Whether a row's value in the column meets it (a row without the column does not).
    pub fn holds(&self, value: Option<Decimal>) -> bool {
        value.is_some_and(|v| self.op.holds(v, self.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_is_a_name_or_names_and_anything_else_is_said_plainly() {
        let read = |text: &str| serde_saphyr::from_str::<TotalNames>(text);
        assert_eq!(read("合计").unwrap().names(), vec!["合计"]);
        assert_eq!(read("[合计, 总计]").unwrap().names(), vec!["合计", "总计"]);
        let err = read("{name: 合计}").unwrap_err().to_string();
        assert!(err.contains(&*t!("sheets.total_names_invalid")) && !err.contains("untagged"), "{err}");
    }
}
