//! catalog.yaml → [`Catalog`], in named steps: the figures (names, units, where each value
//! comes from), the rules, the kinds of period, the report date, the tables' bounds. Every
//! problem is collected with its line, so that one run lists them all.

use super::figure::{FigureEntry, Origin};
use super::formula::Formula;
use super::rule::{FigureRef, Rule};
use super::table::{Condition, SumOf, TableDecl};
use super::{Catalog, Declared, Kind};
use crate::error::{Problem, Source};
use crate::values::period::Span;
use crate::yaml;
use rust_i18n::t;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    figures: BTreeMap<String, Spanned<FigureEntry>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    applies_to: Vec<Spanned<String>>,
    #[serde(default)]
    report_date: Option<Spanned<String>>,
    #[serde(default)]
    tables: BTreeMap<String, Spanned<TableDecl>>,
}

/// Parses and checks a catalog file.
pub(super) fn catalog(text: &str, file: &str) -> Result<Catalog, Vec<Problem>> {
    let raw: CatalogFile = yaml::parse(text, file).map_err(|p| vec![p])?;
    let tables: BTreeMap<String, TableDecl> = raw.tables.iter().map(|(n, t)| (n.clone(), t.value.clone())).collect();
    let mut problems = Vec::new();
    // Problems of where values come from are listed after the rules' (the order of messages
    // within a line stays as users have seen it).
    let mut origin_problems = Vec::new();
    let figures = figures(raw.figures, &tables, file, &mut problems, &mut origin_problems);
    let rules = rules(raw.rules, &figures, file, &mut problems);
    let applies_to = applies_to(raw.applies_to, file, &mut problems);
    let report_date = report_date(raw.report_date, &figures, file, &mut problems);
    problems.append(&mut origin_problems);
    check_bounds(&raw.tables, file, &mut problems);
    if problems.is_empty() {
        Ok(Catalog { file: file.to_string(), figures, rules, applies_to, report_date, tables })
    } else {
        Err(problems)
    }
}

/// Each figure's declaration, with its units in full form and its origin parsed.
fn figures(
    entries: BTreeMap<String, Spanned<FigureEntry>>,
    tables: &BTreeMap<String, TableDecl>,
    file: &str,
    problems: &mut Vec<Problem>,
    origin_problems: &mut Vec<Problem>,
) -> BTreeMap<String, Declared> {
    let mut figures = BTreeMap::new();
    for (name, entry) in entries {
        let source = Source::new(file, entry.referenced.line());
        let problem = |message: String| Problem::at(source.clone(), message).figure(&name);
        if !is_figure_name(&name) {
            problems.push(problem(t!("catalog.bad_name").to_string()));
        }
        let entry = entry.value;
        let origin = match origin(&entry, tables) {
            Ok(origin) => origin,
            Err(messages) => {
                origin_problems.extend(messages.into_iter().map(problem));
                Origin::Data
            }
        };
        let mut decl = super::FigureDecl {
            kind: entry.kind,
            unit: entry.unit,
            accept: entry.accept,
            decimals: entry.decimals,
            fixed: entry.fixed,
            signed: entry.signed,
            in_period: entry.in_period,
            label: entry.label,
            origin,
        };
        if let Err(why) = decl.check_units() {
            problems.push(problem(why.to_string()));
        }
        figures.insert(name, Declared { decl, source });
    }
    // A name that is also a group (低保 and 低保.户数) cannot be both a value and a map.
    for name in figures.keys() {
        let prefix = format!("{name}.");
        if let Some((other, _)) = figures.range(prefix.clone()..).next().filter(|(k, _)| k.starts_with(&prefix)) {
            problems.push(
                Problem::at(figures[name].source.clone(), t!("catalog.name_is_group", other = other).to_string())
                    .figure(name),
            );
        }
    }
    figures
}

/// Where a figure's value comes from: `sum:`, `count_rows:` (with `where:`), `formula:`, or a
/// data file. Each names a declared table and column, or parses, or is said wrong.
fn origin(entry: &FigureEntry, tables: &BTreeMap<String, TableDecl>) -> Result<Origin, Vec<String>> {
    let given = [entry.sum.is_some(), entry.count_rows.is_some(), entry.formula.is_some(), entry.from.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(vec![t!("catalog.two_origins").to_string()]);
    }
    if entry.count_where.is_some() && entry.count_rows.is_none() {
        return Err(vec![t!("catalog.where_without_count_rows").to_string()]);
    }
    if let Some(target) = &entry.sum {
        return SumOf::parse(target)
            .filter(|s| tables.get(&s.table).is_some_and(|t| t.columns.contains_key(&s.column)))
            .map(Origin::Sum)
            .ok_or_else(|| vec![t!("catalog.sum_not_a_column", target = target).to_string()]);
    }
    if let Some(table) = &entry.count_rows {
        let mut messages = Vec::new();
        let condition = match &entry.count_where {
            Some(text) => {
                let parsed = Condition::parse(text)
                    .filter(|c| tables.get(table).is_some_and(|t| t.columns.contains_key(&c.column)));
                if parsed.is_none() {
                    messages.push(t!("catalog.where_invalid", condition = text, table = table).to_string());
                }
                parsed
            }
            None => None,
        };
        if !tables.contains_key(table) {
            messages.push(t!("catalog.count_rows_not_a_table", target = table).to_string());
        }
        return if messages.is_empty() {
            Ok(Origin::CountRows { table: table.clone(), condition })
        } else {
            Err(messages)
        };
    }
    if let Some(text) = &entry.formula {
        return Formula::parse(text).map(Origin::Formula).map_err(|why| vec![why.to_string()]);
    }
    if let Some(text) = &entry.from {
        return FigureRef::parse_elsewhere(text, is_figure_name)
            .map(Origin::Period)
            .ok_or_else(|| vec![t!("catalog.from_invalid", from = text).to_string()]);
    }
    Ok(Origin::Data)
}

/// The rules, each figure it names declared and a number.
fn rules(
    written: Vec<Spanned<String>>,
    figures: &BTreeMap<String, Declared>,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Rule> {
    let mut rules = Vec::new();
    for rule in written {
        let source = Source::new(file, rule.referenced.line());
        match Rule::parse(&rule.value, source.clone(), is_figure_name) {
            Ok(parsed) => {
                for term in parsed.figures() {
                    let message = match figures.get(&term.name) {
                        None => t!("catalog.rule_unknown_figure", rule = parsed.text, figure = term.name),
                        Some(d) if !d.decl.kind.is_numeric() => t!(
                            "catalog.rule_not_a_number",
                            rule = parsed.text,
                            figure = term.name,
                            kind = d.decl.kind.as_str()
                        ),
                        _ => continue,
                    };
                    problems.push(Problem::at(source.clone(), message.to_string()));
                }
                rules.push(parsed);
            }
            Err(why) => problems.push(Problem::at(source, why.to_string())),
        }
    }
    rules
}

/// The kinds of period of `applies_to`, as zongjie writes them (h1 is H1).
fn applies_to(written: Vec<Spanned<String>>, file: &str, problems: &mut Vec<Problem>) -> Vec<(Span, Source)> {
    let mut kinds = Vec::new();
    for a in written {
        let source = Source::new(file, a.referenced.line());
        match Span::ALL.into_iter().find(|k| k.code().eq_ignore_ascii_case(a.value.trim())) {
            Some(kind) => kinds.push((kind, source)),
            None => {
                let all: Vec<&str> = Span::ALL.iter().map(|k| k.code()).collect();
                problems.push(Problem::at(
                    source,
                    t!("catalog.bad_applies_to", value = a.value, kinds = all.join(", ")).to_string(),
                ))
            }
        }
    }
    kinds
}

/// The report's 成文日期: `report_date:` if given (a date figure); else 落款.日期 if declared,
/// else the catalog's only date figure. Its rule (after the period, within twelve months)
/// catches a date left from last period's data.
fn report_date(
    written: Option<Spanned<String>>,
    figures: &BTreeMap<String, Declared>,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    if let Some(date) = &written {
        if figures.get(&date.value).map(|d| d.decl.kind) != Some(Kind::Date) {
            problems.push(Problem::at(
                Source::new(file, date.referenced.line()),
                t!("catalog.report_date_not_date", figure = date.value).to_string(),
            ));
        }
    }
    written.map(|d| d.value).or_else(|| {
        let dates: Vec<&String> =
            figures.iter().filter(|(_, d)| d.decl.kind == Kind::Date).map(|(name, _)| name).collect();
        dates
            .iter()
            .find(|n| n.as_str() == "落款.日期")
            .or(if dates.len() == 1 { dates.first() } else { None })
            .map(|n| n.to_string())
    })
}

/// A `plausible:` bound on a column the table does not declare is the catalog's mistake: said
/// here, at its line, rather than at every period's sheet.
fn check_bounds(tables: &BTreeMap<String, Spanned<TableDecl>>, file: &str, problems: &mut Vec<Problem>) {
    for (table, decl) in tables {
        for spanned in &decl.value.plausible {
            let rule = &spanned.value;
            if let Some(unknown) = [&rule.column, &rule.per].into_iter().find(|c| !decl.value.columns.contains_key(*c))
            {
                let columns: Vec<&str> = decl.value.columns.keys().map(String::as_str).collect();
                problems.push(Problem::at(
                    Source::new(file, spanned.referenced.line()),
                    t!(
                        "catalog.plausible_unknown_column",
                        name = table,
                        column = unknown,
                        columns = columns.join(&t!("catalog.list_separator"))
                    )
                    .to_string(),
                ));
            }
        }
    }
}

/// A figure's name: parts joined by `.`, each of letters, digits and `_`, not starting with a
/// digit (a template reads 低保.户数 as the key 户数 of 低保).
pub fn is_figure_name(name: &str) -> bool {
    name.split('.').all(|part| {
        !part.is_empty()
            && !part.chars().next().is_some_and(|c| c.is_ascii_digit())
            && part.chars().all(|c| c.is_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn parses_figures_and_rules() {
        let c = Catalog::parse(
            "figures:\n  低保.户数: {kind: count, unit: 户}\n  低保.人数: {kind: count, unit: 人}\n  低保.金额: {kind: money}\nrules:\n  - 低保.户数 <= 低保.人数\n  - 低保.人数 >= 低保.人数@上年全年 + 10\n",
            "catalog.yaml",
        )
        .unwrap();
        assert_eq!(c.figures["低保.金额"].decl.display_unit(), "万元");
        assert_eq!(c.figures["低保.金额"].decl.accepted_units(), vec!["元", "千元", "万元", "亿元"]);
        assert_eq!(c.figures["低保.人数"].source, Source::new("catalog.yaml", 3));
        assert_eq!(c.rules[0].op, Op::Le);
        assert_eq!(c.rules[0].left, vec![Term::Figure(FigureRef { name: "低保.户数".into(), at: None })]);
        assert_eq!(c.rules[0].source.line, 6);
        let last_annual = PeriodRef::Relative { years_back: 1, kind: Some(Span::Year) };
        assert_eq!(
            c.rules[1].right,
            vec![Term::Figure(FigureRef { name: "低保.人数".into(), at: Some(last_annual) }), Term::Number(10.into())]
        );
        assert!(c.rules[1].refers_elsewhere());
    }

    #[test]
    fn origins_are_parsed_once_and_wrong_ones_named_at_their_line() {
        let tables = "tables:\n  低保分乡镇:\n    label: 乡镇\n    columns:\n      人数: {header: 人数, kind: count, unit: 人}\n";
        let c = Catalog::parse(
            &format!("figures:\n  a.sum: {{kind: count, sum: 低保分乡镇.人数}}\n  a.n: {{kind: count, count_rows: 低保分乡镇, where: 人数 > 0}}\n  a.f: {{kind: count, formula: a.sum + 1}}\n{tables}"),
            "c.yaml",
        )
        .unwrap();
        assert_eq!(
            c.figures["a.sum"].decl.origin,
            Origin::Sum(SumOf { table: "低保分乡镇".into(), column: "人数".into() })
        );
        let Origin::CountRows { table, condition: Some(condition) } = &c.figures["a.n"].decl.origin else {
            panic!("{:?}", c.figures["a.n"].decl.origin)
        };
        assert_eq!((table.as_str(), condition.column.as_str(), condition.op), ("低保分乡镇", "人数", Op::Gt));
        assert_eq!(c.figures["a.f"].decl.formula().unwrap().expr.names(), vec!["a.sum"]);
        let c = Catalog::parse("figures:\n  a.b: {kind: count, from: a.b@上年全年}\n", "c.yaml").unwrap();
        let last_annual = PeriodRef::Relative { years_back: 1, kind: Some(Span::Year) };
        assert_eq!(
            c.figures["a.b"].decl.origin,
            Origin::Period(FigureRef { name: "a.b".into(), at: Some(last_annual) })
        );
        let err = Catalog::parse("figures:\n  a.b: {kind: count, from: a.b}\n", "c.yaml").unwrap_err();
        assert_eq!(err[0].source, Some(Source::new("c.yaml", 2)));

        let err = Catalog::parse(&format!("figures:\n  a.f: {{kind: count, formula: a.b +}}\n{tables}"), "c.yaml")
            .unwrap_err();
        assert_eq!(err[0].source, Some(Source::new("c.yaml", 2)));
        assert_eq!(err[0].figure.as_deref(), Some("a.f"));
        let err =
            Catalog::parse(&format!("figures:\n  a.s: {{kind: count, sum: 人数}}\n{tables}"), "c.yaml").unwrap_err();
        assert_eq!(
            err[0].message,
            "人数 is not a table column of the catalog; write sum: as table.column, both declared under tables:"
        );
    }

    #[test]
    fn rejects_unknown_fields_and_rules_on_unknown_figures() {
        let err = Catalog::parse("figures:\n  a.b: {kind: count, unti: 户}\n", "c.yaml").unwrap_err();
        assert!(err[0].to_string().starts_with("c.yaml:2: "), "{}", err[0]);
        assert!(err[0].to_string().contains("unti"), "{}", err[0]);
        let err = Catalog::parse("figures:\n  a.b: {kind: count}\nrules:\n  - a.b <= a.c\n", "c.yaml").unwrap_err();
        assert_eq!(err[0].to_string(), "c.yaml:4: rule 'a.b <= a.c' names a.c, which the catalog does not declare");
    }
}
