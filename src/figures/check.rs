//! A period's raw values checked against the catalog: each value read as its declaration
//! says, derived figures computed, the report date and the rules within the period checked.

use super::derive::derive;
use super::rules::check_rules;
use super::value::parse_value;
use super::{Figure, FigureValue, Figures};
use crate::error::Problem;
use crate::model::{Catalog, Kind, Origin};
use crate::values::period::Period;
use crate::values::RawValue;
use chrono::NaiveDate;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Checks every raw value against the catalog and every rule. Returns the figures that are valid
/// together with every problem found: the report needs none, a comparison period may have some
/// (its data may follow an older catalog).
///
/// For a comparison period (`absent_ok`), a name the catalog does not know and a key left empty
/// are not problems: that figure is simply not compared. Every wrong value still is.
pub fn check(
    catalog: &Catalog,
    values: &BTreeMap<String, RawValue>,
    period: Period,
    absent_ok: bool,
) -> (Figures, Vec<Problem>) {
    check_with(catalog, values, &BTreeMap::new(), period, absent_ok)
}

/// [`check`] with the figures the catalog takes from other periods (`from:`), already read and
/// checked in their own periods' data: they join this period's before formulas and rules.
pub fn check_with(
    catalog: &Catalog,
    values: &BTreeMap<String, RawValue>,
    taken: &BTreeMap<String, Arc<Figure>>,
    period: Period,
    absent_ok: bool,
) -> (Figures, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut by_name = taken.clone();
    for (name, raw) in values {
        let Some(declared) = catalog.figures.get(name) else {
            if !absent_ok {
                problems.push(unknown_figure(name, raw, catalog));
            }
            continue;
        };
        if declared.decl.formula().is_some() {
            problems
                .push(Problem::at(raw.source.clone(), t!("formula.also_in_data", at = declared.source)).figure(name));
            continue;
        }
        // Typed here although taken from another period: refused, unless that period has no data
        // at all (the first year of a workspace), when the value typed here is the figure.
        if let (Origin::Period(from), true) = (&declared.decl.origin, taken.contains_key(name)) {
            let message = t!("figures.from_also_in_data", from = from.to_string(), at = declared.source);
            problems.push(Problem::at(raw.source.clone(), message).figure(name));
            continue;
        }
        // Text keeps its spaces so that check_text can refuse them; a number's do not matter.
        let text = match declared.decl.kind {
            Kind::Text => raw.text.as_deref(),
            _ => raw.text.as_deref().map(str::trim),
        };
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
            if !absent_ok {
                problems.push(Problem::at(raw.source.clone(), t!("figures.no_value")).figure(name));
            }
            continue;
        };
        // A figure summed from a sheet is written in its base unit whatever the catalog's
        // `accept` says for typed values.
        let decl = if raw.via.is_some() {
            let mut d = declared.decl.clone();
            d.accept.clear();
            d
        } else {
            declared.decl.clone()
        };
        match parse_value(&decl, text, period) {
            Ok(value) => {
                let figure = Figure {
                    name: name.clone(),
                    decl: declared.decl.clone(),
                    value,
                    entered: text.to_string(),
                    source: raw.source.clone(),
                    via: raw.via.clone(),
                };
                by_name.insert(name.clone(), Arc::new(figure));
            }
            Err(why) => problems.push(Problem::at(raw.source.clone(), why.to_string()).figure(name)),
        }
    }
    for name in catalog.figures.iter().filter(|(_, d)| d.decl.formula().is_some()).map(|(n, _)| n) {
        derive(name, catalog, period, absent_ok, &mut by_name, &mut Vec::new(), &mut problems);
    }
    // The data may run to a month before the period's end (截至11月 in an annual report due in
    // December): then the report may be dated from the end of that month.
    let as_of = by_name.values().find_map(|f| match (f.decl.kind, f.decl.in_period, &f.value) {
        (Kind::Month, true, FigureValue::Whole(m)) => u32::try_from(*m).ok(),
        _ => None,
    });
    if let Some(problem) = catalog
        .report_date
        .as_ref()
        .and_then(|name| by_name.get(name))
        .and_then(|f| report_date_problem(f, period, as_of))
    {
        problems.push(problem);
    }
    // Rules between this period's figures; those naming another period wait for it (check_rules).
    let own: Vec<&crate::model::Rule> = catalog.rules.iter().filter(|r| !r.refers_elsewhere()).collect();
    problems.extend(check_rules(&own, &|f| by_name.get(&f.name).cloned()));
    (Figures { period, by_name, last_year: None, previous: None }, problems)
}

/// The report's date (成文日期) comes after the period it reports on, and within twelve months
/// of its end: a date left from last period's data (`cp -r`) is caught here.
fn report_date_problem(figure: &Figure, period: Period, as_of_month: Option<u32>) -> Option<Problem> {
    let FigureValue::Date(date) = figure.value else { return None };
    let latest = period.last_day().checked_add_months(chrono::Months::new(12)).unwrap_or(period.last_day());
    let end = as_of_month
        .and_then(|m| NaiveDate::from_ymd_opt(period.year, m, 1))
        .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
        .and_then(|next| next.pred_opt())
        .filter(|end| *end <= period.last_day())
        .unwrap_or(period.last_day());
    if date > end && date <= latest {
        return None;
    }
    Some(
        Problem::at(
            figure.source.clone(),
            t!("figures.report_date", date = date, period = period, end = end, latest = latest),
        )
        .figure(&figure.name),
    )
}

fn unknown_figure(name: &str, raw: &RawValue, catalog: &Catalog) -> Problem {
    let message = match nearest(name, catalog.figures.keys()) {
        Some(near) => t!("figures.unknown_near", catalog = catalog.file, near = near),
        None => t!("figures.unknown", catalog = catalog.file),
    };
    Problem::at(raw.source.clone(), message).figure(name)
}

/// The declared name closest to a misspelt one, if it is close (one or two characters off).
fn nearest<'a>(name: &str, names: impl Iterator<Item = &'a String>) -> Option<&'a String> {
    names
        .map(|n| (edit_distance(name, n), n))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, n)| (*d, (*n).clone()))
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
