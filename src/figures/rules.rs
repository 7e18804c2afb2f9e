//! The catalog's rules checked on figures: sums on each side compared exactly, a broken rule
//! said with every figure's value and source.

use super::Figure;
use crate::error::Problem;
use crate::model::{FigureRef, Op, Rule, Term};
use rust_decimal::Decimal;
use rust_i18n::t;
use std::sync::Arc;

/// Finds a rule term's figure: by its name, in the period it names (`@H1`), if any.
pub type FigureLookup<'a> = dyn Fn(&FigureRef) -> Option<Arc<Figure>> + 'a;

/// Checks rules, finding each term's figure with `figure`. A rule on a figure that is missing
/// (or whose other period has no data) is skipped: a missing or invalid value is that value's
/// own problem.
pub fn check_rules(rules: &[&Rule], figure: &FigureLookup) -> Vec<Problem> {
    let mut problems = Vec::new();
    for rule in rules {
        // Each figure with the name the rule gives it, so that 低保.户数@上年 is told apart
        // from this period's 低保.户数 in the message.
        let side = |terms: &[Term]| -> Option<(Decimal, Vec<Named>)> {
            let mut constant = Decimal::ZERO;
            let mut figs = Vec::new();
            for term in terms {
                match term {
                    Term::Number(n) => constant += n,
                    Term::Figure(f) => figs.push((figure(f)?, f.to_string())),
                }
            }
            let sum = figs.iter().map(|(f, _)| f.value.as_decimal()).sum::<Option<Decimal>>()?;
            Some((sum + constant, figs))
        };
        let (Some((left, lfigs)), Some((right, rfigs))) = (side(&rule.left), side(&rule.right)) else {
            continue;
        };
        if !rule.op.holds(left, right) {
            problems.push(rule_problem(rule, left, &lfigs, right, &rfigs));
        }
    }
    problems
}

/// A rule term's figure with the name the rule gives it (`低保.户数@上年`).
type Named = (Arc<Figure>, String);

fn rule_problem(rule: &Rule, left: Decimal, lfigs: &[Named], right: Decimal, rfigs: &[Named]) -> Problem {
    // The problem sits on the first figure of the rule: "低保.户数: 120户 must not exceed
    // 低保.人数, 100人 (file:line); rule '…' (catalog:line)".
    let (first, _) = lfigs.first().or(rfigs.first()).expect("the catalog only accepts rules that name a figure");
    let amount = |f: &Figure| format!("{}{}", f.entered_number(), f.decl.display_unit());
    let describe = |figs: &[Named], total: Decimal, skip_first: bool| -> String {
        let named: Vec<String> = figs
            .iter()
            .enumerate()
            .map(|(i, (f, name))| {
                if skip_first && i == 0 {
                    amount(f)
                } else {
                    t!("figures.rule_term", name = name, amount = amount(f), source = f.source).into()
                }
            })
            .collect();
        let constant = total - figs.iter().filter_map(|(f, _)| f.value.as_decimal()).sum::<Decimal>();
        let mut parts = named;
        if !constant.is_zero() || figs.is_empty() {
            parts.push(constant.normalize().to_string());
        }
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            t!("figures.rule_together", parts = parts.join(" + "), total = total.normalize()).into()
        }
    };
    let verb = match rule.op {
        Op::Le => t!("figures.rule_le"),
        Op::Lt => t!("figures.rule_lt"),
        Op::Ge => t!("figures.rule_ge"),
        Op::Gt => t!("figures.rule_gt"),
        Op::Eq => t!("figures.rule_eq"),
        Op::Ne => t!("figures.rule_ne"),
    };
    let on_left = !lfigs.is_empty();
    Problem::at(
        first.source.clone(),
        t!(
            "figures.rule_broken",
            left = describe(lfigs, left, on_left),
            verb = verb,
            right = describe(rfigs, right, !on_left),
            rule = rule.text,
            at = rule.source
        ),
    )
    .figure(&first.name)
}
