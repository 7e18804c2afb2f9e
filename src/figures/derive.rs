//! Figures a catalog formula computes from others (`formula: a / b * 100`), inputs first.

use super::{Figure, FigureValue};
use crate::error::Problem;
use crate::model::{Catalog, Kind};
use crate::values::period::Period;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Computes a derived figure (`formula:` in the catalog) once its inputs are known, computing
/// derived inputs first; `stack` holds the figures being computed, to catch a formula that
/// comes back to itself. Problems are named at the catalog line of the formula.
pub(super) fn derive(
    name: &str,
    catalog: &Catalog,
    period: Period,
    absent_ok: bool,
    by_name: &mut BTreeMap<String, Arc<Figure>>,
    stack: &mut Vec<String>,
    problems: &mut Vec<Problem>,
) -> bool {
    if by_name.contains_key(name) {
        return true;
    }
    let Some(declared) = catalog.figures.get(name) else { return false };
    let Some(formula) = declared.decl.formula() else { return false };
    let (text, expr) = (&formula.text, &formula.expr);
    let problem = |message: String| Problem::at(declared.source.clone(), message).figure(name);
    if let Some(at) = stack.iter().position(|n| n == name) {
        let mut path: Vec<String> = stack[at..].to_vec();
        path.push(name.to_string());
        problems.push(problem(t!("formula.cycle", path = path.join(" → ")).into()));
        return false;
    }
    stack.push(name.to_string());
    let mut complete = true;
    for input in expr.names() {
        match catalog.figures.get(&input) {
            None => {
                problems.push(problem(t!("formula.unknown_name", formula = text, name = input).into()));
                complete = false;
            }
            Some(d) if !d.decl.kind.is_numeric() => {
                problems.push(problem(t!("formula.not_numeric", formula = text, name = input).into()));
                complete = false;
            }
            Some(d) if d.decl.formula().is_some() => {
                complete &= derive(&input, catalog, period, absent_ok, by_name, stack, problems);
            }
            Some(_) if !by_name.contains_key(&input) => {
                // A value missing or wrong in the data is that value's own problem too; in a
                // comparison period a missing one just leaves this figure uncompared.
                if !absent_ok {
                    problems.push(problem(
                        t!("formula.input_missing", formula = text, name = input, period = period).into(),
                    ));
                }
                complete = false;
            }
            Some(_) => {}
        }
    }
    stack.pop();
    if !complete {
        return false;
    }
    let value_of = |n: &str| by_name.get(n).and_then(|f| f.value.as_decimal());
    let value = match expr.eval(&value_of) {
        Ok(v) => v,
        Err(why) => {
            problems.push(problem(t!("formula.failed", formula = text, why = why.to_string()).into()));
            return false;
        }
    };
    let inputs: Vec<String> = expr
        .names()
        .iter()
        .filter_map(|n| by_name.get(n).map(|f| format!("{n} = {}{}", f.entered_number(), f.decl.display_unit())))
        .collect();
    let value = match (declared.decl.kind, i64::try_from(value)) {
        (Kind::Count | Kind::Year | Kind::Month, Ok(n)) if value.fract().is_zero() => FigureValue::Whole(n),
        _ => FigureValue::Decimal(value),
    };
    let figure = Figure {
        name: name.to_string(),
        decl: declared.decl.clone(),
        value,
        entered: text.clone(),
        source: declared.source.clone(),
        // Part of the report (the sources appendix): Chinese whatever the language of messages.
        via: Some(t!("formula.via", locale = "zh-CN", formula = text, inputs = inputs.join("，")).into()),
    };
    by_name.insert(name.to_string(), Arc::new(figure));
    true
}
