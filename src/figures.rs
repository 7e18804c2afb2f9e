//! Stage 2: give each raw value its declared kind and unit, check it, and check the catalog's
//! rules. The result is the set of figures a template may use, each traceable to file:line.

use crate::catalog::{Catalog, FigureDecl, Kind, Op};
use crate::data::{PeriodData, RawValue};
use crate::error::{Problem, Source};
use crate::period::Period;
use crate::units;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_i18n::t;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Largest count a report can plausibly state; larger is a typing or export error.
const MAX_COUNT: i64 = 1_000_000_000;
/// Most decimal places a figure may have.
const MAX_DECIMAL_PLACES: u32 = 10;
/// Largest magnitude of any number a data file may give (before its own kind's bound).
const MAX_MAGNITUDE: i64 = 10_000_000_000_000_000;
/// Largest amount of money, in 元, a county report can plausibly state (一万亿元).
const MAX_MONEY_YUAN: i64 = 1_000_000_000_000;

/// A figure's checked value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureValue {
    /// A whole number (counts, years, months).
    Whole(i64),
    /// An exact decimal: money in 元, a percentage, a quantity in its unit.
    Decimal(Decimal),
    /// A date.
    Date(NaiveDate),
    /// Text.
    Text(String),
}

impl FigureValue {
    /// The value as a decimal, for rules and comparisons (`None` for dates and text).
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            FigureValue::Whole(n) => Some(Decimal::from(*n)),
            FigureValue::Decimal(d) => Some(*d),
            _ => None,
        }
    }
}

/// A checked figure: value, declaration and source.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Catalog name, such as `低保.户数`.
    pub name: String,
    /// The declaration it was checked against.
    pub decl: FigureDecl,
    /// The value (money in 元).
    pub value: FigureValue,
    /// The text the data file gave.
    pub entered: String,
    /// Where the data file gave it.
    pub source: Source,
    /// How it was computed from a sheet (the column and rows summed), when it was.
    pub via: Option<String>,
}

impl Figure {
    /// The figure as the report writes it by default: its display unit, its declared decimals.
    pub fn display(&self) -> String {
        let decl = &self.decl;
        match &self.value {
            FigureValue::Whole(n) if decl.kind == Kind::Count && decl.display().magnitude != units::Magnitude::One => {
                scaled(in_display_unit(decl, Decimal::from(*n)), decl.decimals)
            }
            FigureValue::Whole(n) => n.to_string(),
            FigureValue::Decimal(d) => match decl.kind {
                Kind::Money => format_decimal(in_display_unit(decl, *d), Some(decl.decimals.unwrap_or(2))),
                // A count computed by a formula (an average) is shown whole unless told otherwise.
                Kind::Count => format_decimal(in_display_unit(decl, *d), Some(decl.decimals.unwrap_or(0))),
                Kind::Percent => format_decimal(*d, Some(decl.decimals.unwrap_or(1))),
                _ if decl.display().magnitude != units::Magnitude::One => {
                    scaled(in_display_unit(decl, *d), decl.decimals)
                }
                _ => format_decimal(*d, decl.decimals),
            },
            FigureValue::Date(d) => format_date(*d, DateStyle::Arabic),
            FigureValue::Text(t) => t.clone(),
        }
    }
}

/// A value converted to a larger unit: at the declared decimals, or else exactly, without the
/// trailing zeros the division leaves.
fn scaled(value: Decimal, decimals: Option<u32>) -> String {
    match decimals {
        Some(_) => format_decimal(value, decimals),
        None => value.normalize().to_string(),
    }
}

/// The figures of one period, by name.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The period they belong to.
    pub period: Period,
    /// Figures by name.
    pub by_name: BTreeMap<String, Arc<Figure>>,
    /// The same period last year, when data/ has it (for 同比).
    pub last_year: Option<Arc<Figures>>,
    /// The period before, when data/ has it (for 环比).
    pub previous: Option<Arc<Figures>>,
}

/// Checks every raw value against the catalog and every rule. Returns the figures that are valid
/// together with every problem found: the report needs none, a comparison period may have some
/// (its data may follow an older catalog).
///
/// For a comparison period (`absent_ok`), a name the catalog does not know and a key left empty
/// are not problems: that figure is simply not compared. Every wrong value still is.
pub fn check(catalog: &Catalog, data: &PeriodData, period: Period, absent_ok: bool) -> (Figures, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut by_name = BTreeMap::new();
    for (name, raw) in &data.values {
        let Some(declared) = catalog.figures.get(name) else {
            if !absent_ok {
                problems.push(unknown_figure(name, raw, catalog));
            }
            continue;
        };
        if declared.decl.formula.is_some() {
            problems
                .push(Problem::at(raw.source.clone(), t!("formula.also_in_data", at = declared.source)).figure(name));
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
            Err(why) => problems.push(Problem::at(raw.source.clone(), why).figure(name)),
        }
    }
    for name in catalog.figures.iter().filter(|(_, d)| d.decl.formula.is_some()).map(|(n, _)| n) {
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
    let own: Vec<&crate::catalog::Rule> = catalog.rules.iter().filter(|r| !refers_elsewhere(r)).collect();
    problems.extend(check_rules(&own, &|name, _| by_name.get(name).cloned()));
    (Figures { period, by_name, last_year: None, previous: None }, problems)
}

/// Whether a rule names a figure of another period (`低保.金额@H1`).
pub fn refers_elsewhere(rule: &crate::catalog::Rule) -> bool {
    rule.left.iter().chain(&rule.right).any(|t| crate::catalog::split_period_ref(t).1.is_some())
}

/// Finds a rule term's figure: its name and the period it names (`@H1`), if any.
pub type FigureLookup<'a> = dyn Fn(&str, Option<&str>) -> Option<Arc<Figure>> + 'a;

/// Checks rules, finding each term's figure with `figure(name, period_ref)`. A rule on a figure
/// that is missing (or whose other period has no data) is skipped: a missing or invalid value is
/// that value's own problem.
pub fn check_rules(rules: &[&crate::catalog::Rule], figure: &FigureLookup) -> Vec<Problem> {
    let mut problems = Vec::new();
    for rule in rules {
        let side = |terms: &[String]| -> Option<(Decimal, Vec<Arc<Figure>>)> {
            let constant: Decimal = terms.iter().filter_map(|t| crate::catalog::rule_number(t)).sum();
            let names = terms.iter().filter(|t| crate::catalog::rule_number(t).is_none());
            let figs: Vec<Arc<Figure>> = names
                .map(|t| {
                    let (name, at) = crate::catalog::split_period_ref(t);
                    figure(name, at)
                })
                .collect::<Option<_>>()?;
            let sum = figs.iter().map(|f| f.value.as_decimal()).sum::<Option<Decimal>>()?;
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

/// Computes a derived figure (`formula:` in the catalog) once its inputs are known, computing
/// derived inputs first; `stack` holds the figures being computed, to catch a formula that
/// comes back to itself. Problems are named at the catalog line of the formula.
fn derive(
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
    let Some(text) = &declared.decl.formula else { return false };
    let problem = |message: String| Problem::at(declared.source.clone(), message).figure(name);
    if let Some(at) = stack.iter().position(|n| n == name) {
        let mut path: Vec<String> = stack[at..].to_vec();
        path.push(name.to_string());
        problems.push(problem(t!("formula.cycle", path = path.join(" → ")).into()));
        return false;
    }
    let expr = match crate::formula::Expr::parse(text) {
        Ok(e) => e,
        Err(why) => {
            problems.push(problem(why));
            return false;
        }
    };
    stack.push(name.to_string());
    let mut complete = true;
    for input in expr.names() {
        match catalog.figures.get(&input) {
            None => {
                problems.push(problem(t!("formula.unknown_name", formula = text, name = input).into()));
                complete = false;
            }
            Some(d) if !crate::catalog::is_numeric(d.decl.kind) => {
                problems.push(problem(t!("formula.not_numeric", formula = text, name = input).into()));
                complete = false;
            }
            Some(d) if d.decl.formula.is_some() => {
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
            problems.push(problem(t!("formula.failed", formula = text, why = why).into()));
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

/// Which comparison a phrase states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The same period last year: 同比.
    LastYear,
    /// The period before: 环比.
    Previous,
}

impl Against {
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Against::LastYear => ("同比", "较去年同期", "与去年同期"),
            Against::Previous => ("环比", "较上期", "与上期"),
        }
    }
}

/// The words of a 同比/环比 phrase, each of which a template may give in the office's own
/// wording: `{{ x | 同比(前缀="比去年同期", 减="降低", 位数=2) }}`. `None` is today's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wording {
    /// The words before the change: 同比 / 环比 (较去年同期 / 较上期 for 增减).
    pub prefix: Option<String>,
    /// The word for a rise: 增长 (rates: 提高; 增减: 增加).
    pub rise: Option<String>,
    /// The word for a fall: 下降 (rates: 降低; 增减: 减少).
    pub fall: Option<String>,
    /// The whole phrase when there is no change at the shown decimals: 与去年同期持平.
    pub same: Option<String>,
    /// Decimals of the change: 1 for % and 百分点; the figure's own for 增减.
    pub decimals: Option<u32>,
}

/// "同比增长3.2%", "同比下降1.5%", "与去年同期持平"; for a rate "同比提高2.1个百分点" (a change
/// in a rate is never given in %). Rounded half-up to `decimals`.
pub fn change_phrase(current: &Figure, earlier: &Figure, against: Against, decimals: u32) -> Result<String, String> {
    change_phrase_in(current, earlier, against, &Wording { decimals: Some(decimals), ..Wording::default() })
}

/// [`change_phrase`] in the template's own words.
pub fn change_phrase_in(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    words: &Wording,
) -> Result<String, String> {
    let (short, _, same) = against.words();
    let prefix = words.prefix.as_deref().unwrap_or(short);
    let decimals = words.decimals.unwrap_or(1);
    let (cur, prev) = numbers(current, earlier)?;
    let unchanged = |roughly: bool| {
        words.same.clone().unwrap_or_else(|| format!("{same}{}持平", if roughly { "基本" } else { "" }))
    };
    if cur == prev {
        return Ok(unchanged(false));
    }
    let (rise, fall) = if current.decl.kind == Kind::Percent { ("提高", "降低") } else { ("增长", "下降") };
    let verb = if cur > prev { words.rise.as_deref().unwrap_or(rise) } else { words.fall.as_deref().unwrap_or(fall) };
    if current.decl.kind == Kind::Percent {
        let points = format_decimal((cur - prev).abs(), Some(decimals));
        if points.chars().all(|c| c == '0' || c == '.') {
            return Ok(unchanged(true));
        }
        return Ok(format!("{prefix}{verb}{points}个百分点"));
    }
    if prev.is_zero() {
        return Err(t!("figures.change_from_zero", name = current.name, when = earlier_period_word(against)).into());
    }
    let pct = ((cur - prev) / prev.abs() * Decimal::from(100)).abs();
    let shown = format_decimal(pct, Some(decimals));
    if shown.chars().all(|c| c == '0' || c == '.') {
        return Ok(unchanged(true));
    }
    Ok(format!("{prefix}{verb}{shown}%"))
}

/// "较去年同期增加125户", "较上期减少3.5万元", "与去年同期持平"; rates in 个百分点.
pub fn difference_phrase(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    decimals: Option<u32>,
) -> Result<String, String> {
    difference_phrase_in(current, earlier, against, &Wording { decimals, ..Wording::default() })
}

/// [`difference_phrase`] in the template's own words.
pub fn difference_phrase_in(
    current: &Figure,
    earlier: &Figure,
    against: Against,
    words: &Wording,
) -> Result<String, String> {
    let (_, long, same) = against.words();
    let prefix = words.prefix.as_deref().unwrap_or(long);
    let (cur, prev) = numbers(current, earlier)?;
    let unchanged = || words.same.clone().unwrap_or_else(|| format!("{same}持平"));
    if cur == prev {
        return Ok(unchanged());
    }
    let unit = current.decl.display_unit();
    let diff = in_display_unit(&current.decl, (cur - prev).abs());
    let decimals = words.decimals.or(current.decl.decimals);
    let amount = match current.decl.kind {
        Kind::Money => format_decimal(diff, Some(decimals.unwrap_or(2))),
        Kind::Percent => format_decimal(diff, Some(decimals.unwrap_or(1))),
        _ => scaled(diff, decimals),
    };
    if amount.chars().all(|c| c == '0' || c == '.') {
        return Ok(unchanged());
    }
    let (rise, fall) = if current.decl.kind == Kind::Percent { ("提高", "降低") } else { ("增加", "减少") };
    let verb = if cur > prev { words.rise.as_deref().unwrap_or(rise) } else { words.fall.as_deref().unwrap_or(fall) };
    Ok(match current.decl.kind {
        Kind::Percent => format!("{prefix}{verb}{amount}个百分点"),
        _ => format!("{prefix}{verb}{amount}{unit}"),
    })
}

/// How a number is written approximately, as county reports do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approx {
    /// 2500余: rounded down to the place.
    Over,
    /// 约3000: rounded half up.
    About,
    /// 近2600: rounded up.
    Nearly,
    /// 超2500: rounded down.
    Above,
    /// 2000多: rounded down.
    More,
}

impl Approx {
    /// The filter's name in templates.
    pub fn word(self) -> &'static str {
        match self {
            Approx::Over => "余",
            Approx::About => "约",
            Approx::Nearly => "近",
            Approx::Above => "超",
            Approx::More => "多",
        }
    }
}

/// `2542` with 余 at 百 → 2500余; at 万 the result is written in 万: 31362 → 3万余. The place is
/// 十, 百, 千, 万 or 亿; a value that rounds to nothing at that place is an error.
pub fn approximate(value: Decimal, place: &str, how: Approx) -> Result<String, String> {
    let (step, magnitude) = match place {
        "十" => (Decimal::from(10), ""),
        "百" => (Decimal::from(100), ""),
        "千" => (Decimal::from(1_000), ""),
        "万" => (Decimal::from(10_000), "万"),
        "亿" => (Decimal::from(100_000_000), "亿"),
        _ => return Err(t!("figures.approx_place", filter = how.word(), place = place).into()),
    };
    if value.is_sign_negative() {
        return Err(t!("figures.approx_negative", filter = how.word(), value = value.normalize()).into());
    }
    let units = value / step;
    let rounded = match how {
        Approx::About => units.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
        Approx::Nearly => units.ceil(),
        Approx::Over | Approx::Above | Approx::More => units.floor(),
    };
    if rounded.is_zero() {
        return Err(t!("figures.approx_below", value = value.normalize(), filter = how.word(), place = place).into());
    }
    let number = if magnitude.is_empty() {
        format!("{}", (rounded * step).normalize())
    } else {
        format!("{}{magnitude}", rounded.normalize())
    };
    Ok(match how {
        Approx::Over => format!("{number}余"),
        Approx::About => format!("约{number}"),
        Approx::Nearly => format!("近{number}"),
        Approx::Above => format!("超{number}"),
        Approx::More => format!("{number}多"),
    })
}

/// `a:b` with the smaller side as 1 and the other rounded half-up to `decimals`: 1:3, 32:1.
pub fn ratio(a: Decimal, b: Decimal, decimals: u32) -> Result<String, String> {
    if a.is_zero() || b.is_zero() || a.is_sign_negative() || b.is_sign_negative() {
        return Err(t!("figures.ratio_zero", a = a.normalize(), b = b.normalize()).into());
    }
    Ok(if a <= b {
        format!("1:{}", format_decimal(b / a, Some(decimals)))
    } else {
        format!("{}:1", format_decimal(a / b, Some(decimals)))
    })
}

/// A percentage in 成 (tenths), rounded half up: 70% → 七成.
pub fn in_cheng(percent: Decimal) -> Result<String, String> {
    let tenths = (percent / Decimal::from(10)).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    match u64::try_from(tenths) {
        Ok(n) if (1..=10).contains(&n) => Ok(format!("{}成", chinese_number(n))),
        _ => Err(t!("figures.cheng_range", value = percent.normalize()).into()),
    }
}

/// The completion of a target in %: 184 for 完成全年任务的184% (may exceed 100).
pub fn completion(done: &Figure, target: &Figure, decimals: u32) -> Result<String, String> {
    let (d, t) = numbers(done, target)?;
    if t.is_zero() {
        return Err(t!("figures.target_zero", name = target.name).into());
    }
    Ok(format_decimal(d / t * Decimal::from(100), Some(decimals)))
}

fn earlier_period_word(against: Against) -> String {
    match against {
        Against::LastYear => t!("figures.when_last_year").into(),
        Against::Previous => t!("figures.when_previous").into(),
    }
}

fn numbers(current: &Figure, earlier: &Figure) -> Result<(Decimal, Decimal), String> {
    match (current.value.as_decimal(), earlier.value.as_decimal()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(t!("figures.not_comparable", name = current.name).into()),
    }
}

fn rule_problem(
    rule: &crate::catalog::Rule,
    left: Decimal,
    lfigs: &[Arc<Figure>],
    right: Decimal,
    rfigs: &[Arc<Figure>],
) -> Problem {
    // The problem sits on the first figure of the rule: "低保.户数: 120户 must not exceed
    // 低保.人数, 100人 (file:line); rule '…' (catalog:line)".
    let first = lfigs.first().or(rfigs.first()).expect("the catalog only accepts rules that name a figure");
    let amount = |f: &Figure| format!("{}{}", f.entered_number(), f.decl.display_unit());
    let describe = |figs: &[Arc<Figure>], total: Decimal, skip_first: bool| -> String {
        let named: Vec<String> = figs
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if skip_first && i == 0 {
                    amount(f)
                } else {
                    t!("figures.rule_term", name = f.name, amount = amount(f), source = f.source).into()
                }
            })
            .collect();
        let constant = total - figs.iter().filter_map(|f| f.value.as_decimal()).sum::<Decimal>();
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

impl Figure {
    /// The value as a plain number in the unit the data gave (for messages).
    pub fn entered_number(&self) -> String {
        match &self.value {
            FigureValue::Decimal(d) if self.decl.kind == Kind::Money => {
                format_decimal(money_in(*d, self.decl.display_unit()), None)
            }
            FigureValue::Whole(n) => in_display_unit(&self.decl, Decimal::from(*n)).normalize().to_string(),
            FigureValue::Decimal(d) => in_display_unit(&self.decl, *d).normalize().to_string(),
            _ => self.entered.clone(),
        }
    }
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

/// Parses a value for a declaration; the error says what was seen and what to write instead.
pub fn parse_value(decl: &FigureDecl, text: &str, period: Period) -> Result<FigureValue, String> {
    parse_value_in(decl, text, period, None)
}

/// [`parse_value`] where a number written without a unit is in `bare_unit` (a sheet column's
/// unit from its header); messages quote the text as written.
pub fn parse_value_in(
    decl: &FigureDecl,
    text: &str,
    period: Period,
    bare_unit: Option<&str>,
) -> Result<FigureValue, String> {
    match decl.kind {
        Kind::Text => return check_text(text).map(|()| FigureValue::Text(text.to_string())),
        Kind::Date => {
            let date = parse_date(text)?;
            if decl.in_period && !period.contains(date) {
                return Err(t!(
                    "figures.date_outside",
                    date = date,
                    period = period,
                    first = period.first_day(),
                    last = period.last_day()
                )
                .into());
            }
            return Ok(FigureValue::Date(date));
        }
        _ => {}
    }
    let literal = units::read_literal(text).map_err(|why| not_a_number(decl, text, why))?;
    let value = literal.value;
    // Bounds every later calculation (万元 → 元, sums, ratios, 同比) far inside Decimal's range,
    // so no arithmetic on a figure can overflow: the fuzzer found 1e28万元 panicking.
    if value.scale() > MAX_DECIMAL_PLACES {
        return Err(t!("figures.too_precise", text = text, places = MAX_DECIMAL_PLACES).into());
    }
    if value.abs() > Decimal::from(MAX_MAGNITUDE) {
        return Err(t!("figures.too_large", text = text).into());
    }
    if value.is_sign_negative() && !value.is_zero() && !decl.signed {
        return Err(t!("figures.negative", text = text, kind = kind_name(decl.kind)).into());
    }
    let unit = match literal.unit.as_str() {
        "" => bare_unit.unwrap_or(""),
        unit => unit,
    };
    match decl.kind {
        Kind::Percent => {
            if unit.is_empty() {
                return Err(percent_hint(text, value));
            }
            if unit != "%" {
                return Err(t!("figures.percent_wrong_unit", text = text, unit = unit).into());
            }
            Ok(FigureValue::Decimal(value))
        }
        Kind::Money => {
            if unit.is_empty() {
                return Err(t!("figures.money_no_unit", text = text).into());
            }
            let unit = units::money_unit(unit, false).map_err(|_| -> String {
                let seen = units::Unit::split(unit);
                if seen.is_bare_magnitude() {
                    let yuan = seen.to_base(value).map(|v| v.normalize().to_string()).unwrap_or_default();
                    t!("figures.money_lacks_yuan", text = text, number = literal_number(text), unit = unit, yuan = yuan)
                        .into()
                } else {
                    t!("figures.money_unknown_unit", text = text, unit = unit).into()
                }
            })?;
            if !decl.accepts(&unit) {
                return Err(not_accepted(decl, text, &unit.to_string()));
            }
            let yuan = unit.to_base(value).unwrap_or(Decimal::MAX);
            if yuan.abs() > Decimal::from(MAX_MONEY_YUAN) {
                return Err(t!("figures.money_too_large", text = text).into());
            }
            Ok(FigureValue::Decimal(yuan))
        }
        Kind::Count | Kind::Quantity => {
            let base = decl.base_unit();
            let unit = if unit.is_empty() {
                let shown = decl.display();
                if shown.magnitude != units::Magnitude::One {
                    let whole = shown.to_base(value).map(|v| v.normalize().to_string()).unwrap_or_default();
                    return Err(t!(
                        "figures.shown_in_magnitude",
                        text = text,
                        shown = shown,
                        whole = whole,
                        base = base
                    )
                    .into());
                }
                units::Unit::base(&base)
            } else {
                units::counted_unit(unit, &base, false).map_err(|_| not_accepted(decl, text, unit))?
            };
            if !decl.accepts(&unit) {
                return Err(not_accepted(decl, text, &unit.to_string()));
            }
            let in_base = unit.to_base(value).unwrap_or(Decimal::MAX);
            if decl.kind == Kind::Quantity {
                return Ok(FigureValue::Decimal(in_base));
            }
            if in_base.fract() != Decimal::ZERO {
                return Err(if unit.magnitude == units::Magnitude::One {
                    t!("figures.not_whole", text = text, unit = decl.display_unit()).into()
                } else {
                    t!("figures.not_whole_in_base", text = text, value = in_base.normalize(), base = base).into()
                });
            }
            let n = i64::try_from(in_base)
                .ok()
                .filter(|n| n.abs() <= MAX_COUNT)
                .ok_or_else(|| t!("figures.count_too_large", text = text, max = MAX_COUNT).to_string())?;
            Ok(FigureValue::Whole(n))
        }
        Kind::Year => {
            if !matches!(unit, "" | "年") {
                return Err(t!("figures.not_a_year", text = text).into());
            }
            let year = i64::try_from(value).ok().filter(|y| value.fract().is_zero() && (1900..=2999).contains(y));
            year.map(FigureValue::Whole).ok_or_else(|| t!("figures.not_a_year", text = text).into())
        }
        Kind::Month => {
            if !matches!(unit, "" | "月") {
                return Err(t!("figures.not_a_month", text = text).into());
            }
            let month = i64::try_from(value).ok().filter(|m| value.fract().is_zero() && (1..=12).contains(m));
            let month = month.ok_or_else(|| t!("figures.not_a_month", text = text).to_string())?;
            let (first, last) = period.months();
            if decl.in_period && !(i64::from(first)..=i64::from(last)).contains(&month) {
                return Err(
                    t!("figures.month_outside", month = month, period = period, first = first, last = last).into()
                );
            }
            Ok(FigureValue::Whole(month))
        }
        Kind::Text | Kind::Date => unreachable!("handled above"),
    }
}

/// The number part of a value as typed (`42.48` of `42.48万`), for hints.
fn literal_number(text: &str) -> String {
    let folded = units::fold_width(text.trim());
    folded.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-')).collect()
}

/// A percent figure written without %: say what to write, reading a fraction as one.
fn percent_hint(text: &str, value: Decimal) -> String {
    if value.abs() <= Decimal::ONE && !value.is_zero() {
        let pct = (value * Decimal::from(100)).normalize();
        t!("figures.percent_fraction", text = text, pct = pct).into()
    } else {
        t!("figures.percent_missing", text = text).into()
    }
}

fn not_accepted(decl: &FigureDecl, text: &str, unit: &str) -> String {
    let accepted = decl.accepted_units();
    let allowed = if accepted.is_empty() { t!("figures.no_unit").to_string() } else { accepted.join(", ") };
    t!("figures.unit_not_taken", text = text, unit = unit, allowed = allowed).into()
}

fn not_a_number(decl: &FigureDecl, text: &str, why: units::NotANumber) -> String {
    match why {
        units::NotANumber::Scientific => t!("figures.scientific", text = text).into(),
        units::NotANumber::Grouping => t!("figures.grouping", text = text).into(),
        units::NotANumber::NoDigits | units::NotANumber::Notation => {
            t!("figures.not_a_number", text = text, expected = expected(decl)).into()
        }
    }
}

/// Text that belongs to the data: one line, no control characters, no spaces at either end
/// (a name with a line break would break the title and the file name).
fn check_text(text: &str) -> Result<(), String> {
    let shown = text.escape_debug().to_string();
    if text.contains(['\n', '\r']) {
        return Err(t!("figures.text_line_break", text = shown).into());
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(t!("figures.text_control", text = shown, code = format!("U+{:04X}", c as u32)).into());
    }
    if text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace) {
        return Err(t!("figures.text_space", text = shown).into());
    }
    Ok(())
}

/// The kind of a figure in words, for messages.
pub fn kind_name(kind: Kind) -> String {
    match kind {
        Kind::Count => t!("figures.kind_count"),
        Kind::Money => t!("figures.kind_money"),
        Kind::Percent => t!("figures.kind_percent"),
        Kind::Quantity => t!("figures.kind_quantity"),
        Kind::Year => t!("figures.kind_year"),
        Kind::Month => t!("figures.kind_month"),
        Kind::Date => t!("figures.kind_date"),
        Kind::Text => t!("figures.kind_text"),
    }
    .into()
}

fn expected(decl: &FigureDecl) -> String {
    match decl.kind {
        Kind::Count => t!("figures.expect_count", unit = decl.display_unit()).into(),
        Kind::Money => t!("figures.expect_money").into(),
        Kind::Percent => t!("figures.expect_percent").into(),
        Kind::Quantity => t!("figures.expect_quantity", unit = decl.display_unit()).into(),
        Kind::Year => t!("figures.expect_year").into(),
        Kind::Month => t!("figures.expect_month").into(),
        Kind::Date | Kind::Text => kind_name(decl.kind),
    }
}

/// Reads 2024-07-05, 2024年7月5日, 2024/7/5 or 2024.7.5; the year has four digits.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let err = || t!("figures.not_a_date", text = text).to_string();
    let folded = units::fold_width(text.trim());
    let parts: Vec<&str> = folded.split(['-', '年', '月', '日', '/', '.']).filter(|p| !p.is_empty()).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(err());
    };
    let num = |s: &str| s.trim().parse::<u32>().ok().filter(|_| s.trim().chars().all(|c| c.is_ascii_digit()));
    if y.trim().len() != 4 {
        return Err(t!("figures.short_year", text = text, digits = y.trim().chars().count()).into());
    }
    match (num(y), num(m), num(d)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(err),
        _ => Err(err()),
    }
}

/// Money in 元 expressed in `unit` (元, 千元, 万元 or 亿元, as the catalog checked it).
pub fn money_in(yuan: Decimal, unit: &str) -> Decimal {
    units::Unit::split(unit).from_base(yuan)
}

/// A value held in the figure's base unit (元, 人, 亩) expressed in its display unit (万元,
/// 万人, 万亩); percentages and plain units are unchanged.
pub fn in_display_unit(decl: &FigureDecl, value: Decimal) -> Decimal {
    match decl.kind {
        Kind::Money | Kind::Count | Kind::Quantity => decl.display().from_base(value),
        _ => value,
    }
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

/// How a date is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
pub enum DateStyle {
    /// GB/T 9704-2012: 2024年7月5日.
    #[default]
    #[serde(rename = "2012")]
    Arabic,
    /// GB/T 9704-1999: 二〇二四年七月五日.
    #[serde(rename = "1999")]
    Chinese,
}

/// Writes a date in the style of the standard the period follows.
pub fn format_date(date: NaiveDate, style: DateStyle) -> String {
    match style {
        DateStyle::Arabic => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
        DateStyle::Chinese => {
            let year: String = date
                .year()
                .to_string()
                .chars()
                .map(|c| "〇一二三四五六七八九".chars().nth(c as usize - '0' as usize).unwrap_or(c))
                .collect();
            format!("{year}年{}月{}日", chinese_number(date.month() as u64), chinese_number(date.day() as u64))
        }
    }
}

/// Chinese numeral for 0 to 99 as used in ordinals and dates (一, 十, 十一, 二十一); larger
/// numbers fall back to Arabic digits, as reports write them.
pub fn chinese_number(n: u64) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 if n % 10 == 0 => format!("{}十", DIGITS[(n / 10) as usize]),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], DIGITS[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn decl(kind: Kind, unit: Option<&str>) -> FigureDecl {
        FigureDecl {
            kind,
            unit: unit.map(String::from),
            accept: vec![],
            decimals: None,
            signed: false,
            in_period: true,
            sum: None,
            count_rows: None,
            count_where: None,
            label: None,
            formula: None,
        }
    }
    fn h1() -> Period {
        "2024H1".parse().unwrap()
    }

    #[test]
    fn money_in_yuan_or_wanyuan_is_the_same_figure() {
        let d = decl(Kind::Money, None);
        let a = parse_value(&d, "45678901.23元", h1()).unwrap();
        let b = parse_value(&d, "4567.890123万元", h1()).unwrap();
        assert_eq!(a, b);
        let fig = Figure {
            name: "x".into(),
            decl: d.clone(),
            value: a,
            entered: String::new(),
            source: Source::file("f"),
            via: None,
        };
        assert_eq!(fig.display(), "4567.89");
        assert_eq!(
            parse_value(&d, "12", h1()).unwrap_err(),
            "'12' has no unit; write it in 元 or 万元 (for example 12元 or 12万元)"
        );
    }

    #[test]
    fn rounding_is_half_up_on_the_exact_value() {
        assert_eq!(format_decimal(Decimal::from_str("2.345").unwrap(), Some(2)), "2.35");
        assert_eq!(format_decimal(Decimal::from_str("2.5").unwrap(), Some(0)), "3");
        assert_eq!(format_decimal(Decimal::from_str("-2.345").unwrap(), Some(2)), "-2.35");
        assert_eq!(format_decimal(Decimal::from_str("7").unwrap(), Some(1)), "7.0");
        assert_eq!(format_decimal(Decimal::from_str("1.005").unwrap(), Some(2)), "1.01");
    }

    #[test]
    fn counts_are_whole_non_negative_and_in_their_unit() {
        let d = decl(Kind::Count, Some("户"));
        assert_eq!(parse_value(&d, "12345户", h1()).unwrap(), FigureValue::Whole(12345));
        assert_eq!(parse_value(&d, "-3", h1()).unwrap_err(), "'-3' is negative; a count cannot be below 0");
        assert_eq!(parse_value(&d, "12.5", h1()).unwrap_err(), "'12.5' is not a whole number; a count of 户 is whole");
        assert_eq!(parse_value(&d, "很多", h1()).unwrap_err(), "'很多' is not a number; expected a whole number of 户");
        assert_eq!(
            parse_value(&d, "12人", h1()).unwrap_err(),
            "'12人' is in 人, which this figure does not take; allowed: 户, 万户, 亿户"
        );
        assert!(parse_value(&d, "1e20", h1()).is_err());
        assert!(parse_value(&d, "100000000000", h1()).unwrap_err().contains("larger than any county count"));
        assert_eq!(
            parse_value(&d, "1.00000000001", h1()).unwrap_err(),
            "'1.00000000001' has more than 10 decimal places; no report figure is that precise"
        );
        let money = decl(Kind::Money, None);
        assert_eq!(
            parse_value(&money, "79228162514264337593543950335万元", h1()).unwrap_err(),
            "'79228162514264337593543950335万元' is larger than any figure a report can state; check the export"
        );
    }

    #[test]
    fn months_and_dates() {
        assert_eq!(parse_value(&decl(Kind::Month, None), "6月", h1()).unwrap(), FigureValue::Whole(6));
        assert_eq!(
            parse_value(&decl(Kind::Month, None), "8", h1()).unwrap_err(),
            "month 8 is outside the period 2024H1 (1月 to 6月)"
        );
        let d = parse_date("2024年7月5日").unwrap();
        assert_eq!(d, parse_date("2024-07-05").unwrap());
        assert_eq!(format_date(d, DateStyle::Arabic), "2024年7月5日");
        assert_eq!(format_date(d, DateStyle::Chinese), "二〇二四年七月五日");
        assert_eq!(chinese_number(21), "二十一");
        assert_eq!(chinese_number(10), "十");
    }

    fn fig(kind: Kind, unit: Option<&str>, value: &str) -> Figure {
        let d = decl(kind, unit);
        let value = parse_value(&d, value, h1()).unwrap();
        Figure { name: "x.y".into(), decl: d, value, entered: String::new(), source: Source::file("f"), via: None }
    }

    #[test]
    fn year_on_year_phrases() {
        let now = fig(Kind::Count, Some("人"), "20750");
        let then = fig(Kind::Count, Some("人"), "21304");
        assert_eq!(change_phrase(&now, &then, Against::LastYear, 1).unwrap(), "同比下降2.6%");
        assert_eq!(change_phrase(&then, &now, Against::LastYear, 1).unwrap(), "同比增长2.7%");
        assert_eq!(change_phrase(&now, &now, Against::LastYear, 1).unwrap(), "与去年同期持平");
        assert_eq!(
            change_phrase(&now, &fig(Kind::Count, Some("人"), "20751"), Against::LastYear, 1).unwrap(),
            "与去年同期基本持平"
        );
        assert_eq!(difference_phrase(&now, &then, Against::LastYear, None).unwrap(), "较去年同期减少554人");
        assert_eq!(change_phrase(&now, &then, Against::Previous, 1).unwrap(), "环比下降2.6%");
        let rate_now = fig(Kind::Percent, None, "64.35%");
        let rate_then = fig(Kind::Percent, None, "62.84%");
        assert_eq!(change_phrase(&rate_now, &rate_then, Against::LastYear, 1).unwrap(), "同比提高1.5个百分点");
        assert_eq!(change_phrase(&rate_then, &rate_now, Against::LastYear, 1).unwrap(), "同比降低1.5个百分点");
        assert_eq!(
            difference_phrase(&rate_now, &rate_then, Against::LastYear, Some(2)).unwrap(),
            "较去年同期提高1.51个百分点"
        );
        let zero = fig(Kind::Count, Some("人"), "0");
        assert!(change_phrase(&now, &zero, Against::LastYear, 1)
            .unwrap_err()
            .contains("is 0, so a change in % cannot be stated"));
        let money_now = fig(Kind::Money, None, "6584.3193万元");
        let money_then = fig(Kind::Money, None, "63678000元");
        assert_eq!(
            difference_phrase(&money_now, &money_then, Against::LastYear, None).unwrap(),
            "较去年同期增加216.52万元"
        );
    }

    #[test]
    fn completion_may_exceed_100() {
        let done = fig(Kind::Count, Some("户"), "92");
        let target = fig(Kind::Count, Some("户"), "50");
        assert_eq!(completion(&done, &target, 0).unwrap(), "184");
    }
}
