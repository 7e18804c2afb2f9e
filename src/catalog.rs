//! The figure catalog that travels with a template: every figure the template uses, its kind, its
//! unit, the units a data file may give it in, and the rules that tie figures together.

use crate::error::{Problem, Source};
use crate::units::{self, Unit};
use crate::yaml;
use rust_i18n::t;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// What sort of value a figure holds; decides how it is parsed, checked and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A whole number of things: 户, 人, 人次, 对, 例, 所, 家, 张, 具…
    Count,
    /// Money, kept exactly in 元; data may give 元 or 万元.
    Money,
    /// A percentage (the number before the %).
    Percent,
    /// A decimal measure with a unit: 亩, 平方米, 倍.
    Quantity,
    /// A calendar year, such as 2024.
    Year,
    /// A month, 1 to 12.
    Month,
    /// A date: 2024-07-05 or 2024年7月5日.
    Date,
    /// A word or name that belongs to the data (a county's name, an institution).
    Text,
}

impl Kind {
    /// The kind as the catalog writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Quantity => "quantity",
            Kind::Year => "year",
            Kind::Month => "month",
            Kind::Date => "date",
            Kind::Text => "text",
        }
    }
}

/// One figure's declaration in the catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureDecl {
    /// The kind of value.
    pub kind: Kind,
    /// The unit the report writes it in (户, 万元, 亩…). Money defaults to 万元, percent to %.
    #[serde(default)]
    pub unit: Option<String>,
    /// Units a data file may give the value in; defaults to the unit itself (money: 元 and 万元).
    #[serde(default)]
    pub accept: Vec<String>,
    /// Decimal places the report shows (money default 2, percent default 1; quantities as entered).
    #[serde(default)]
    pub decimals: Option<u32>,
    /// Whether a negative value is allowed (a change, a balance); counts and money default to no.
    #[serde(default)]
    pub signed: bool,
    /// For months and dates: the value must fall inside the report's period (截至6月 in a
    /// 上半年 report); planned months and report dates leave it off.
    #[serde(default)]
    pub in_period: bool,
    /// `table.column`: the figure may come from a township sheet, as the sum of that column.
    #[serde(default)]
    pub sum: Option<String>,
    /// `table`: the figure may come from a township sheet, as its number of rows.
    #[serde(default)]
    pub count_rows: Option<String>,
    /// With `count_rows`: count only the rows where this holds, such as `人数 > 0`.
    #[serde(default, rename = "where")]
    pub count_where: Option<String>,
    /// What the figure means, for `zongjie figures` and error messages.
    #[serde(default)]
    pub label: Option<String>,
    /// Computes the figure from others instead of reading it: `a + b`, `a / b * 100`.
    #[serde(default)]
    pub formula: Option<String>,
}

impl FigureDecl {
    /// A declaration of this kind with every option at its default.
    pub fn new(kind: Kind) -> FigureDecl {
        FigureDecl {
            kind,
            unit: None,
            accept: Vec::new(),
            decimals: None,
            signed: false,
            in_period: false,
            sum: None,
            count_rows: None,
            count_where: None,
            label: None,
            formula: None,
        }
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
    fn check_units(&mut self) -> Result<(), String> {
        let not_money = |u: &str| t!("catalog.unit_not_money", unit = u).to_string();
        match self.kind {
            Kind::Money => {
                if let Some(u) = &self.unit {
                    self.unit = Some(units::money_unit(u, true).map_err(|_| not_money(u))?.to_string());
                }
                for a in &mut self.accept {
                    *a = units::money_unit(a, true).map_err(|_| not_money(a))?.to_string();
                }
            }
            Kind::Count | Kind::Quantity => {
                let all: Vec<&String> = self.unit.iter().chain(&self.accept).collect();
                let Some(first) = all.first().map(|f| f.as_str()) else { return Ok(()) };
                let base = Unit::split(first).base;
                if base.is_empty() {
                    return Err(t!("catalog.unit_magnitude_only", unit = first).to_string());
                }
                if base == units::YUAN || base == "%" {
                    return Err(t!(
                        "catalog.unit_of_other_kind",
                        unit = first,
                        kind = self.kind.as_str(),
                        right = if base == "%" { Kind::Percent.as_str() } else { Kind::Money.as_str() }
                    )
                    .to_string());
                }
                for u in &all {
                    // 千人 is no unit a report uses: say so before "does not fit".
                    if Unit::split(u).magnitude == units::Magnitude::Thousand {
                        return Err(t!("catalog.unit_thousand", unit = u, base = base).to_string());
                    }
                    units::counted_unit(u, &base, false).map_err(|_| {
                        t!("catalog.unit_does_not_fit", unit = u, first = first, base = base).to_string()
                    })?;
                }
            }
            Kind::Percent => {
                for u in self.unit.iter().chain(&self.accept) {
                    if !matches!(u.trim(), "%" | "％") {
                        return Err(t!("catalog.unit_not_percent", unit = u).to_string());
                    }
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
                    return Err(t!("catalog.unit_not_for_kind", unit = u, kind = self.kind.as_str()).to_string());
                }
            }
        }
        Ok(())
    }
}

/// A comparison between figures, such as `低保.户数 <= 低保.人数` or `床位.合计 == 床位.甲 + 床位.乙`.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule as written.
    pub text: String,
    /// Figures summed on the left.
    pub left: Vec<String>,
    /// The comparison.
    pub op: Op,
    /// Figures summed on the right.
    pub right: Vec<String>,
    /// Where the rule is written.
    pub source: Source,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    figures: BTreeMap<String, Spanned<FigureDecl>>,
    #[serde(default)]
    rules: Vec<Spanned<String>>,
    #[serde(default)]
    applies_to: Vec<Spanned<String>>,
    #[serde(default)]
    report_date: Option<Spanned<String>>,
    #[serde(default)]
    tables: BTreeMap<String, Spanned<crate::sheets::TableDecl>>,
}

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
    /// The kinds of period the template is written for (`H1`, `H2`, `Q3`, `year`), with the line
    /// that says so; empty means any period.
    pub applies_to: Vec<(String, Source)>,
    /// The date figure that is the report's 成文日期, if the catalog names one.
    pub report_date: Option<String>,
    /// Township tables the period's sheets may hold.
    pub tables: BTreeMap<String, crate::sheets::TableDecl>,
}

impl Catalog {
    /// Parses and checks a catalog file.
    pub fn parse(text: &str, file: &str) -> Result<Catalog, Vec<Problem>> {
        let raw: CatalogFile = yaml::parse(text, file).map_err(|p| vec![p])?;
        let mut problems = Vec::new();
        let mut figures = BTreeMap::new();
        for (name, decl) in raw.figures {
            let source = Source::new(file, decl.referenced.line());
            if let Err(why) = check_name(&name) {
                problems.push(Problem::at(source.clone(), why).figure(&name));
            }
            let mut decl = decl.value;
            if let Err(why) = decl.check_units() {
                problems.push(Problem::at(source.clone(), why).figure(&name));
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
        let mut rules = Vec::new();
        for rule in raw.rules {
            let source = Source::new(file, rule.referenced.line());
            match parse_rule(&rule.value, source.clone()) {
                Ok(parsed) => {
                    for term in parsed.left.iter().chain(&parsed.right).filter(|t| rule_number(t).is_none()) {
                        let name = split_period_ref(term).0;
                        match figures.get(name) {
                            None => problems.push(Problem::at(
                                source.clone(),
                                t!("catalog.rule_unknown_figure", rule = parsed.text, figure = name).to_string(),
                            )),
                            Some(d) if !is_numeric(d.decl.kind) => problems.push(Problem::at(
                                source.clone(),
                                t!(
                                    "catalog.rule_not_a_number",
                                    rule = parsed.text,
                                    figure = name,
                                    kind = d.decl.kind.as_str()
                                )
                                .to_string(),
                            )),
                            _ => {}
                        }
                    }
                    rules.push(parsed);
                }
                Err(why) => problems.push(Problem::at(source, why)),
            }
        }
        let mut applies_to = Vec::new();
        for a in raw.applies_to {
            let source = Source::new(file, a.referenced.line());
            match PERIOD_KINDS.iter().find(|k| k.eq_ignore_ascii_case(a.value.trim())) {
                Some(kind) => applies_to.push((kind.to_string(), source)),
                None => problems.push(Problem::at(
                    source,
                    t!("catalog.bad_applies_to", value = a.value, kinds = PERIOD_KINDS.join(", ")).to_string(),
                )),
            }
        }
        if let Some(date) = &raw.report_date {
            if figures.get(&date.value).map(|d| d.decl.kind) != Some(Kind::Date) {
                problems.push(Problem::at(
                    Source::new(file, date.referenced.line()),
                    t!("catalog.report_date_not_date", figure = date.value).to_string(),
                ));
            }
        }
        // Without `report_date`, the 落款's date is the report date: 落款.日期 if declared, else
        // the catalog's only date figure. Its rule (after the period, within twelve months)
        // catches a date left from last period's data.
        let report_date = raw.report_date.map(|d| d.value).or_else(|| {
            let dates: Vec<&String> =
                figures.iter().filter(|(_, d)| d.decl.kind == Kind::Date).map(|(name, _)| name).collect();
            dates
                .iter()
                .find(|n| n.as_str() == "落款.日期")
                .or(if dates.len() == 1 { dates.first() } else { None })
                .map(|n| n.to_string())
        });
        for (name, declared) in &figures {
            let d = &declared.decl;
            let target = d.sum.as_ref().map(|s| (s, true)).or(d.count_rows.as_ref().map(|s| (s, false)));
            if let Some((target, is_sum)) = target {
                let (table, column) =
                    if is_sum { target.split_once('.').unwrap_or((target, "")) } else { (target.as_str(), "") };
                let known = raw.tables.get(table).is_some_and(|t| !is_sum || t.value.columns.contains_key(column));
                if let (false, Some(condition)) = (is_sum, &d.count_where) {
                    let ok = raw.tables.get(table).is_some_and(|t| {
                        crate::sheets::Condition::parse(condition)
                            .is_some_and(|c| t.value.columns.contains_key(&c.column))
                    });
                    if !ok {
                        problems.push(
                            Problem::at(
                                declared.source.clone(),
                                t!("catalog.where_invalid", condition = condition, table = table).to_string(),
                            )
                            .figure(name),
                        );
                    }
                }
                if !known {
                    let why = if is_sum {
                        t!("catalog.sum_not_a_column", target = target)
                    } else {
                        t!("catalog.count_rows_not_a_table", target = target)
                    };
                    problems.push(Problem::at(declared.source.clone(), why.to_string()).figure(name));
                }
            }
        }
        // A plausible: bound on a column the table does not declare is the catalog's mistake:
        // said here, at its line, rather than at every period's sheet.
        for (table, decl) in &raw.tables {
            for spanned in &decl.value.plausible {
                let rule = &spanned.value;
                if let Some(unknown) =
                    [&rule.column, &rule.per].into_iter().find(|c| !decl.value.columns.contains_key(*c))
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
        if problems.is_empty() {
            let tables = raw.tables.into_iter().map(|(name, t)| (name, t.value)).collect();
            Ok(Catalog { file: file.to_string(), figures, rules, applies_to, report_date, tables })
        } else {
            Err(problems)
        }
    }
}

impl Catalog {
    /// A problem if the template is not written for this kind of period (a 上半年 template used
    /// for 2024H2 would print the wrong words).
    pub fn check_period(&self, period: crate::period::Period) -> Option<Problem> {
        let code = period_kind(period);
        let (_, first) = self.applies_to.first()?;
        if self.applies_to.iter().any(|(a, _)| a.eq_ignore_ascii_case(&code)) {
            return None;
        }
        let list: Vec<&str> = self.applies_to.iter().map(|(a, _)| a.as_str()).collect();
        let kinds = list.join(&t!("catalog.list_separator"));
        Some(Problem::at(first.clone(), t!("catalog.wrong_period", kinds = kinds, period = period).to_string()))
    }
}

/// The kinds of period a template can be written for, as `applies_to` and `template:` name them.
pub const PERIOD_KINDS: [&str; 7] = ["H1", "H2", "Q1", "Q2", "Q3", "Q4", "year"];

/// The kind of a period as `applies_to` and `template:` name it: H1, H2, Q1–Q4 or year.
pub fn period_kind(period: crate::period::Period) -> String {
    use crate::period::Span;
    match period.span {
        Span::Year => "year".to_string(),
        Span::Half(h) => format!("H{h}"),
        Span::Quarter(q) => format!("Q{q}"),
    }
}

/// Whether figures of this kind can be compared and summed.
pub fn is_numeric(kind: Kind) -> bool {
    matches!(kind, Kind::Count | Kind::Money | Kind::Percent | Kind::Quantity | Kind::Year | Kind::Month)
}

/// Splits a rule term into the figure and the period it is taken from: `低保.金额@H1` is the
/// figure in the first half of the same year, `低保.金额@上年` in the same period last year;
/// a plain name is this period's.
pub fn split_period_ref(term: &str) -> (&str, Option<&str>) {
    match term.split_once('@') {
        Some((name, at)) => (name.trim(), Some(at.trim())),
        None => (term.trim(), None),
    }
}

/// The periods a rule may refer to: a kind of period of the same year, or 上年 / 上期.
pub fn period_ref_ok(at: &str) -> bool {
    PERIOD_KINDS.iter().any(|k| k.eq_ignore_ascii_case(at)) || matches!(at, "上年" | "上期")
}

/// A rule term that is a literal number (`100` in `集中供养率 <= 100`).
pub fn rule_number(term: &str) -> Option<rust_decimal::Decimal> {
    term.parse().ok()
}

fn check_name(name: &str) -> Result<(), String> {
    if name.split('.').any(|part| {
        part.is_empty()
            || part.chars().next().is_some_and(|c| c.is_ascii_digit())
            || !part.chars().all(|c| c.is_alphanumeric() || c == '_')
    }) {
        return Err(t!("catalog.bad_name").to_string());
    }
    Ok(())
}

fn parse_rule(text: &str, source: Source) -> Result<Rule, String> {
    let (left_text, op, right_text) =
        Op::split(text).ok_or_else(|| t!("catalog.rule_no_comparison", rule = text).to_string())?;
    let side = |s: &str| -> Result<Vec<String>, String> {
        let names: Vec<String> = s.split('+').map(|n| n.trim().to_string()).collect();
        let name_ok = |n: &str| {
            let (name, at) = split_period_ref(n);
            check_name(name).is_ok() && at.is_none_or(period_ref_ok)
        };
        if names.iter().any(|n| n.is_empty() || (!name_ok(n) && rule_number(n).is_none())) {
            return Err(t!("catalog.rule_bad_side", rule = text).to_string());
        }
        Ok(names)
    };
    let (left, right) = (side(left_text)?, side(right_text)?);
    if left.iter().chain(&right).all(|term| rule_number(term).is_some()) {
        return Err(t!("catalog.rule_no_figure", rule = text).to_string());
    }
    Ok(Rule { text: text.trim().to_string(), left, op, right, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_figures_and_rules() {
        let c = Catalog::parse(
            "figures:\n  低保.户数: {kind: count, unit: 户}\n  低保.人数: {kind: count, unit: 人}\n  低保.金额: {kind: money}\nrules:\n  - 低保.户数 <= 低保.人数\n",
            "catalog.yaml",
        )
        .unwrap();
        assert_eq!(c.figures["低保.金额"].decl.display_unit(), "万元");
        assert_eq!(c.figures["低保.金额"].decl.accepted_units(), vec!["元", "千元", "万元", "亿元"]);
        assert_eq!(c.figures["低保.人数"].source, Source::new("catalog.yaml", 3));
        assert_eq!(c.rules[0].op, Op::Le);
        assert_eq!(c.rules[0].left, vec!["低保.户数"]);
        assert_eq!(c.rules[0].source.line, 6);
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
