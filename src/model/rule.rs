//! The catalog's rules: comparisons between sums of figures and numbers, each figure of this
//! period or of another one (`低保.户数 <= 低保.人数`, `人次 >= 人次@H1`, `集中供养率 <= 100`).

use super::period_ref::PeriodRef;
use crate::error::Source;
use rust_decimal::Decimal;
use rust_i18n::t;

/// A comparison between figures, such as `低保.户数 <= 低保.人数` or `床位.合计 == 床位.甲 + 床位.乙`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule as written.
    pub text: String,
    /// Terms summed on the left.
    pub left: Vec<Term>,
    /// The comparison.
    pub op: Op,
    /// Terms summed on the right.
    pub right: Vec<Term>,
    /// Where the rule is written.
    pub source: Source,
}

/// One term of a rule's side.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A number written in the rule (`100` in `集中供养率 <= 100`).
    Number(Decimal),
    /// A figure, of this period or of another.
    Figure(FigureRef),
}

/// A figure named in a rule: `低保.金额` (this period's) or `低保.金额@H1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureRef {
    /// The catalog name.
    pub name: String,
    /// The period it is taken from; `None` is the report's own.
    pub at: Option<PeriodRef>,
}

impl Rule {
    /// Every figure the rule names, left then right.
    pub fn figures(&self) -> impl Iterator<Item = &FigureRef> {
        self.left.iter().chain(&self.right).filter_map(|t| match t {
            Term::Figure(f) => Some(f),
            Term::Number(_) => None,
        })
    }
    /// Whether it names a figure of another period.
    pub fn refers_elsewhere(&self) -> bool {
        self.figures().any(|f| f.at.is_some())
    }
    /// Reads `a + b <= c`: every term a figure name (with `@` and a period, perhaps) or a
    /// number, at least one a figure.
    pub fn parse(text: &str, source: Source, name_ok: impl Fn(&str) -> bool) -> Result<Rule, RuleError> {
        let (left_text, op, right_text) = Op::split(text).ok_or_else(|| RuleError::NoComparison(text.to_string()))?;
        let side = |s: &str| -> Result<Vec<Term>, RuleError> {
            s.split('+')
                .map(|term| Term::parse(term, &name_ok).ok_or_else(|| RuleError::BadSide(text.to_string())))
                .collect()
        };
        let (left, right) = (side(left_text)?, side(right_text)?);
        let rule = Rule { text: text.trim().to_string(), left, op, right, source };
        if rule.figures().next().is_none() {
            return Err(RuleError::NoFigure(text.to_string()));
        }
        Ok(rule)
    }
}

impl FigureRef {
    /// Reads `name@period` as the catalog writes a figure of another period (`from:`); the
    /// period is required. `None` for anything else.
    pub fn parse_elsewhere(text: &str, name_ok: impl Fn(&str) -> bool) -> Option<FigureRef> {
        match Term::parse(text, name_ok)? {
            Term::Figure(f) if f.at.is_some() => Some(f),
            _ => None,
        }
    }
}

impl std::fmt::Display for FigureRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.at {
            Some(at) => write!(f, "{}@{at}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

impl Term {
    /// A number, or a name `name_ok` accepts with an optional `@period`.
    fn parse(text: &str, name_ok: impl Fn(&str) -> bool) -> Option<Term> {
        let text = text.trim();
        if let Ok(n) = text.parse::<Decimal>() {
            return Some(Term::Number(n));
        }
        let (name, at) = match text.split_once('@') {
            Some((name, at)) => (name.trim(), Some(PeriodRef::parse(at)?)),
            None => (text, None),
        };
        name_ok(name).then(|| Term::Figure(FigureRef { name: name.to_string(), at }))
    }
}

/// Why a rule cannot be read; shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// No comparison operator.
    #[error("{}", t!("catalog.rule_no_comparison", rule = .0))]
    NoComparison(String),
    /// A side with a term that is neither a name nor a number.
    #[error("{}", t!("catalog.rule_bad_side", rule = .0))]
    BadSide(String),
    /// Numbers only.
    #[error("{}", t!("catalog.rule_no_figure", rule = .0))]
    NoFigure(String),
}

/// A comparison operator of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    /// Whether `a op b` holds.
    pub fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Op::Le => a <= b,
            Op::Lt => a < b,
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }
    /// Splits `a <= b` at its first comparison (a two-character one before `<` or `>` at the
    /// same place): the text on the left, the operator, the text on the right.
    pub fn split(text: &str) -> Option<(&str, Op, &str)> {
        let ops = [("<=", Op::Le), (">=", Op::Ge), ("==", Op::Eq), ("!=", Op::Ne), ("<", Op::Lt), (">", Op::Gt)];
        let (at, sym, op) = ops
            .iter()
            .filter_map(|(sym, op)| text.find(sym).map(|at| (at, *sym, *op)))
            .min_by_key(|(at, sym, _)| (*at, std::cmp::Reverse(sym.len())))?;
        Some((&text[..at], op, &text[at + sym.len()..]))
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}
