//! The catalog that travels with a template, as one typed model: every figure the template uses
//! (its kind, units and where its value comes from), the rules that tie figures together, the
//! township tables and the kinds of period the template is written for. It is parsed once, in
//! [`Catalog::parse`]; nothing downstream reads catalog text again, so an entry that cannot be
//! understood is an error at its catalog line.
//!
//! This floor knows values (`crate::values`) and nothing above: sheets, figures, templates and
//! renderers read the model, never the other way.

pub mod figure;
pub mod formula;
pub mod kind;
mod parse;
pub mod period_ref;
pub mod rule;
pub mod table;

pub use figure::{FigureDecl, Origin, UnitError};
pub use formula::{Expr, Formula, FormulaError};
pub use kind::Kind;
pub use period_ref::PeriodRef;
pub use rule::{FigureRef, Op, Rule, RuleError, Term};
pub use table::{ColumnDecl, ColumnTotal, Condition, Plausible, SumOf, TableDecl, TotalNames};

use crate::error::{Labels, Problem, Source};
use crate::values::period::{Period, Span};
use rust_i18n::t;
use std::collections::BTreeMap;

/// A declared figure with the place it is declared.
#[derive(Debug, Clone)]
pub struct Declared {
    /// The declaration.
    pub decl: FigureDecl,
    /// Where it is declared.
    pub source: Source,
}

/// The checked catalog of a template.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The file it came from (workspace-relative or `<bundled>/…`).
    pub file: String,
    /// Figures by name, sorted.
    pub figures: BTreeMap<String, Declared>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// The kinds of period the template is written for, with the line that says so; empty means
    /// any period.
    pub applies_to: Vec<(Span, Source)>,
    /// The date figure that is the report's 成文日期, if the catalog names one.
    pub report_date: Option<String>,
    /// Township tables the period's sheets may hold.
    pub tables: BTreeMap<String, TableDecl>,
}

impl Catalog {
    /// Parses and checks a catalog file; every problem comes back at its line.
    pub fn parse(text: &str, file: &str) -> Result<Catalog, Vec<Problem>> {
        parse::catalog(text, file)
    }

    /// Whether the template is written for this kind of period (any, without `applies_to`).
    pub fn applies(&self, span: Span) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|(a, _)| *a == span)
    }

    /// A problem if the template is not written for this kind of period (a 上半年 template used
    /// for 2024H2 would print the wrong words).
    pub fn check_period(&self, period: Period) -> Option<Problem> {
        let (_, first) = self.applies_to.first()?;
        if self.applies(period.span) {
            return None;
        }
        let list: Vec<&str> = self.applies_to.iter().map(|(a, _)| a.code()).collect();
        let kinds = list.join(&t!("catalog.list_separator"));
        Some(Problem::at(first.clone(), t!("catalog.wrong_period", kinds = kinds, period = period).to_string()))
    }
}

impl Labels for Catalog {
    fn label(&self, figure: &str) -> Option<&str> {
        self.figures.get(figure).and_then(|d| d.decl.label.as_deref())
    }
}
