//! Stage 3: render the report template (minijinja, strict) with the checked figures into Markdown.
//!
//! Strict undefined: a name the template uses that the catalog or the data lacks is an error that
//! names the template line, never an empty string. Filters cover what a report writer needs:
//! money in 万元 or 元 at a chosen precision (half-up on the exact decimal), fixed decimals,
//! Chinese ordinals and dates in the style of the period's standard.

use crate::error::{Problem, Source};
use crate::figures::{self, Against, Figure, FigureValue, Figures, Wording};
use crate::model::{Catalog, Kind};
use crate::values::words::{Approx, DateStyle};
use chrono::Datelike;
use minijinja::value::Kwargs;
use minijinja::value::{Object, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use rust_decimal::Decimal;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

mod compare;
pub mod limits;
pub mod marks;
pub mod memory;

/// A report template: its text and the name it is known by in messages.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Workspace-relative path, or `<bundled>/…` for the built-in one.
    pub name: String,
    /// The template text.
    pub text: String,
}

/// How much work a template may do before it is stopped (an endless loop is an error, not a hang).
const FUEL: u64 = 2_000_000;

/// A figure as the template sees it: renders as its default display, and offers `.source`,
/// `.unit`, `.value` and `.entered` for templates that want them.
#[derive(Debug)]
struct FigureObject {
    figure: Arc<Figure>,
    /// The same figure in the same period last year, and that period (None: no data folder).
    last_year: (Option<Arc<Figure>>, Option<crate::values::period::Period>),
    /// The same figure in the previous period, and that period.
    previous: (Option<Arc<Figure>>, Option<crate::values::period::Period>),
    /// The period of the report.
    period: crate::values::period::Period,
}

/// Why a figure has no earlier value to compare with; a template's fallback text replaces it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum EarlierError {
    /// The earlier period's folder exists but gives no valid value of the figure.
    #[error("{}", t!("template.no_valid_earlier", name = .name, period = .period))]
    NoValidValue {
        /// The figure.
        name: String,
        /// The earlier period.
        period: crate::values::period::Period,
    },
    /// The earlier period has no data folder.
    #[error("{}", t!("template.no_earlier_folder", name = .name, period = .period))]
    NoFolder {
        /// The figure.
        name: String,
        /// The earlier period wanted.
        period: crate::values::period::Period,
    },
}

impl FigureObject {
    fn earlier(&self, against: Against) -> Result<&Figure, EarlierError> {
        let (figure, period) = match against {
            Against::LastYear => &self.last_year,
            Against::Previous => &self.previous,
        };
        let want = match against {
            Against::LastYear => self.period.same_period_last_year(),
            Against::Previous => self.period.previous(),
        };
        match (figure, period) {
            (Some(f), _) => Ok(f),
            (None, Some(p)) => Err(EarlierError::NoValidValue { name: self.figure.name.clone(), period: *p }),
            (None, None) => Err(EarlierError::NoFolder { name: self.figure.name.clone(), period: want }),
        }
    }
}

impl FigureObject {
    /// The figure, noted as read for the mark of the value being made (marked rendering only).
    fn touched(&self) -> &Figure {
        marks::touch(&self.figure, &self.last_year.0);
        &self.figure
    }

    fn earlier_object(&self, against: Against) -> Option<Value> {
        let (figure, period) = match against {
            Against::LastYear => &self.last_year,
            Against::Previous => &self.previous,
        };
        let figure = figure.clone()?;
        Some(Value::from_object(FigureObject {
            figure,
            last_year: (None, None),
            previous: (None, None),
            period: period.unwrap_or(self.period),
        }))
    }
}

/// One side of a comparison in a template.
enum Operand<'a> {
    /// A numeric figure: its value in its display unit (for a literal) and in its base unit
    /// (for another figure).
    Figure(&'a Figure, Decimal, Decimal),
    /// A text or date figure.
    Other(&'a Figure),
    /// A number written in the template.
    Number(Decimal),
    /// Anything else: text, lists, undefined.
    Value,
}

fn operand(value: &Value) -> Operand<'_> {
    if let Some(object) = value.downcast_object_ref::<FigureObject>() {
        let f = object.figure.as_ref();
        return match f.value.as_decimal() {
            Some(base) => Operand::Figure(f, figures::in_display_unit(&f.decl, base), base),
            None => Operand::Other(f),
        };
    }
    if value.is_number() {
        let text = value.to_string();
        if let Some(d) = text.parse::<Decimal>().ok().or_else(|| Decimal::from_scientific(&text).ok()) {
            return Operand::Number(d);
        }
    }
    Operand::Value
}

/// `__比较(a, ">", b, "<", c)`: the comparisons a template writes, with figures compared as
/// exact numbers (see `compare.rs`). A figure compared with text is an error.
fn compare_chain(args: minijinja::value::Rest<Value>) -> Result<bool, minijinja::Error> {
    let err = |why: String| minijinja::Error::new(ErrorKind::InvalidOperation, why);
    for i in (1..args.len()).step_by(2) {
        let (a, op, b) = (&args[i - 1], args[i].as_str().unwrap_or(""), args.get(i + 1).cloned().unwrap_or_default());
        let ordering = match (operand(a), operand(&b)) {
            (Operand::Figure(_, shown, _), Operand::Number(n)) => shown.cmp(&n),
            (Operand::Number(n), Operand::Figure(_, shown, _)) => n.cmp(&shown),
            (Operand::Figure(x, _, a), Operand::Figure(y, _, b)) => {
                if x.decl.kind != y.decl.kind {
                    return Err(err(t!(
                        "template.compare_kinds",
                        left = x.name,
                        left_kind = figures::kind_name(x.decl.kind),
                        right = y.name,
                        right_kind = figures::kind_name(y.decl.kind)
                    )
                    .into()));
                }
                a.cmp(&b)
            }
            (Operand::Other(x), Operand::Other(y)) if x.decl.kind == y.decl.kind => match (&x.value, &y.value) {
                (FigureValue::Date(a), FigureValue::Date(b)) => a.cmp(b),
                _ => x.display().cmp(&y.display()),
            },
            (Operand::Other(x), Operand::Value) if x.decl.kind == Kind::Text && b.as_str().is_some() => {
                x.display().as_str().cmp(b.as_str().unwrap_or(""))
            }
            (Operand::Value, Operand::Other(x)) if x.decl.kind == Kind::Text && a.as_str().is_some() => {
                a.as_str().unwrap_or("").cmp(x.display().as_str())
            }
            (Operand::Figure(f, ..), _) | (_, Operand::Figure(f, ..)) => {
                let other = if matches!(operand(a), Operand::Figure(..)) { &b } else { a };
                return Err(err(
                    t!("template.compare_number_with", name = f.name, other = describe(other), op = op).into()
                ));
            }
            (Operand::Other(f), _) | (_, Operand::Other(f)) => {
                let other = if matches!(operand(a), Operand::Other(..)) { &b } else { a };
                let what = if f.decl.kind == Kind::Date { t!("template.what_date") } else { t!("template.what_text") };
                return Err(err(
                    t!("template.compare_text_with", name = f.name, what = what, other = describe(other)).into()
                ));
            }
            // Neither side is a figure: minijinja's own comparison.
            (_, _) => {
                if matches!(op, "==" | "!=") {
                    let equal = *a == b;
                    if equal != (op == "==") {
                        return Ok(false);
                    }
                    continue;
                }
                a.cmp(&b)
            }
        };
        let holds = match op {
            "==" => ordering.is_eq(),
            "!=" => ordering.is_ne(),
            "<" => ordering.is_lt(),
            "<=" => ordering.is_le(),
            ">" => ordering.is_gt(),
            ">=" => ordering.is_ge(),
            _ => return Err(err(t!("template.unknown_comparison", op = op).into())),
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A template value as a message names it.
fn describe(value: &Value) -> String {
    match value.kind() {
        minijinja::value::ValueKind::String => t!("template.other_string", value = value).into(),
        minijinja::value::ValueKind::Undefined => t!("template.other_undefined").into(),
        minijinja::value::ValueKind::None => t!("template.other_none").into(),
        minijinja::value::ValueKind::Bool => format!("{value}"),
        _ => t!("template.other_value", value = value).into(),
    }
}

impl Object for FigureObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let f = &self.figure;
        match key.as_str()? {
            "unit" => Some(Value::from(f.decl.display_unit())),
            "source" => Some(Value::from(f.source.to_string())),
            "entered" => Some(Value::from(f.entered.clone())),
            "value" => Some(Value::from(f.display())),
            // The earlier figure itself: it prints the same, and compares and filters as a figure.
            "上年" | "last_year" => self.earlier_object(Against::LastYear),
            "上期" | "previous" => self.earlier_object(Against::Previous),
            _ => None,
        }
    }
    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.figure.display())
    }
    /// `{% if 低保.人数 %}` is false for 0, as it would be for the number.
    fn is_true(self: &Arc<Self>) -> bool {
        match &self.figure.value {
            FigureValue::Whole(n) => *n != 0,
            FigureValue::Decimal(d) => !d.is_zero(),
            FigureValue::Text(t) => !t.is_empty(),
            FigureValue::Date(_) => true,
        }
    }
}

fn figure_of(value: &Value) -> Result<&Figure, minijinja::Error> {
    value.downcast_object_ref::<FigureObject>().map(FigureObject::touched).ok_or_else(|| {
        minijinja::Error::new(ErrorKind::InvalidOperation, t!("template.not_a_figure", value = value).to_string())
    })
}

fn money_filter(unit: &'static str) -> impl Fn(Value, Option<u32>) -> Result<String, minijinja::Error> {
    move |value: Value, decimals: Option<u32>| {
        let f = figure_of(&value)?;
        match (&f.value, f.decl.kind) {
            (FigureValue::Decimal(yuan), Kind::Money) => Ok(crate::values::number::written(
                crate::values::number::money_in(*yuan, unit),
                Some(decimals.unwrap_or(if unit == "元" { 0 } else { 2 })),
                // Places the template asks for are kept as asked.
                decimals.is_some() || f.decl.fixed,
            )),
            _ => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                t!("template.money_filter", filter = unit, name = f.name).to_string(),
            )),
        }
    }
}

/// `万(位数)`, `亿(位数)`: a count, quantity or amount of money in 万 or 亿 of its base unit
/// (313600人 → 31.36), rounded half-up once.
fn magnitude_filter(
    magnitude: crate::values::units::Magnitude,
) -> impl Fn(Value, Option<u32>) -> Result<String, minijinja::Error> {
    move |value: Value, decimals: Option<u32>| {
        let f = figure_of(&value)?;
        match (f.value.as_decimal(), f.decl.kind) {
            (Some(base), Kind::Count | Kind::Quantity | Kind::Money) => Ok(crate::values::number::written(
                base / magnitude.factor(),
                Some(decimals.unwrap_or(2)),
                decimals.is_some() || f.decl.fixed,
            )),
            _ => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                t!("template.magnitude_filter", filter = magnitude.prefix(), name = f.name).to_string(),
            )),
        }
    }
}

fn fixed(value: Value, decimals: u32) -> Result<String, minijinja::Error> {
    let f = figure_of(&value)?;
    match (&f.value, f.decl.kind) {
        (FigureValue::Decimal(_) | FigureValue::Whole(_), Kind::Money | Kind::Count | Kind::Quantity) => {
            let base = f.value.as_decimal().unwrap_or_default();
            Ok(crate::values::number::format_decimal(figures::in_display_unit(&f.decl, base), Some(decimals)))
        }
        (v, _) => v.as_decimal().map(|d| crate::values::number::format_decimal(d, Some(decimals))).ok_or_else(|| {
            minijinja::Error::new(ErrorKind::InvalidOperation, t!("template.fixed_filter", name = f.name).to_string())
        }),
    }
}

fn whole_number(value: &Value) -> Result<u64, minijinja::Error> {
    if let Some(f) = value.downcast_object_ref::<FigureObject>() {
        f.touched();
        if let FigureValue::Whole(n) = f.figure.value {
            return u64::try_from(n).map_err(|_| {
                minijinja::Error::new(ErrorKind::InvalidOperation, t!("template.negative_ordinal").to_string())
            });
        }
    }
    u64::try_from(value.clone()).map_err(|_| {
        minijinja::Error::new(ErrorKind::InvalidOperation, t!("template.not_whole", value = value).to_string())
    })
}

/// Builds the environment with the report filters. The date style is the period's.
pub fn environment(date_style: DateStyle) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(true);
    env.set_fuel(Some(FUEL));
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // Values land in Markdown: escape the characters Markdown would swallow, so a name such as
    // "A*B" prints as written.
    env.set_formatter(|out, _state, value| {
        let text = value.to_string();
        let escaped = escape_markdown(&text);
        limits::room_for(escaped.len())?;
        let escaped = if marks::active() { marked_value(value, escaped) } else { escaped };
        out.write_str(&escaped).map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"))
    });
    env.add_filter("万元", money_filter("万元"));
    env.add_filter("元", money_filter("元"));
    env.add_filter("千元", money_filter("千元"));
    env.add_filter("亿元", money_filter("亿元"));
    env.add_filter("万", magnitude_filter(crate::values::units::Magnitude::Wan));
    env.add_filter("亿", magnitude_filter(crate::values::units::Magnitude::Yi));
    env.add_function(compare::FUNCTION, compare_chain);
    env.add_filter("fixed", fixed);
    env.add_filter("序号", |v: Value| whole_number(&v).map(crate::values::words::chinese_number));
    // 十余场, 六千余万元: a count or an amount whole in its unit, written in Chinese numerals.
    env.add_filter("中文数字", |v: Value| -> Result<String, minijinja::Error> {
        if let Some(f) = v.downcast_object_ref::<FigureObject>() {
            if let (FigureValue::Decimal(d), Kind::Money | Kind::Quantity) = (&f.figure.value, f.figure.decl.kind) {
                f.touched();
                let shown = figures::in_display_unit(&f.figure.decl, *d);
                return u64::try_from(shown.normalize())
                    .ok()
                    .filter(|_| shown.fract().is_zero())
                    .map(crate::values::words::chinese_number)
                    .ok_or_else(|| invalid(t!("template.not_whole", value = shown.normalize()).into()));
            }
        }
        whole_number(&v).map(crate::values::words::chinese_number)
    });
    // 1,132.92亿元: the figure as written, its whole part grouped by thousands.
    env.add_filter("千分位", |v: Value| -> Result<String, minijinja::Error> {
        let f = figure_of(&v)?;
        numeric(f, "千分位")?;
        Ok(crate::values::number::grouped(&f.display()))
    });
    env.add_filter("同比", |v: Value, fallback: Option<String>, words: Kwargs| {
        compare(&v, Against::LastYear, false, fallback, words)
    });
    env.add_filter("环比", |v: Value, fallback: Option<String>, words: Kwargs| {
        compare(&v, Against::Previous, false, fallback, words)
    });
    env.add_filter("同比增减", |v: Value, fallback: Option<String>, words: Kwargs| {
        compare(&v, Against::LastYear, true, fallback, words)
    });
    env.add_filter("环比增减", |v: Value, fallback: Option<String>, words: Kwargs| {
        compare(&v, Against::Previous, true, fallback, words)
    });
    for how in [Approx::Over, Approx::About, Approx::Nearly, Approx::Above, Approx::More] {
        env.add_filter(how.word(), move |v: Value, place: String| -> Result<String, minijinja::Error> {
            let f = figure_of(&v)?;
            let value = numeric(f, how.word())?;
            crate::values::words::approximate(figures::in_display_unit(&f.decl, value), &place, how)
                .map_err(|why| invalid(why.to_string()))
        });
    }
    env.add_filter("绝对值", |v: Value| -> Result<String, minijinja::Error> {
        let f = figure_of(&v)?;
        let mut absolute = f.clone();
        absolute.value = match &f.value {
            FigureValue::Whole(n) => FigureValue::Whole(n.abs()),
            FigureValue::Decimal(d) => FigureValue::Decimal(d.abs()),
            _ => return Err(invalid(t!("template.number_filter", filter = "绝对值", name = f.name).into())),
        };
        Ok(absolute.display())
    });
    env.add_filter("月日", |v: Value| -> Result<String, minijinja::Error> {
        let d = date_of(&v, "月日")?;
        Ok(format!("{}月{}日", d.month(), d.day()))
    });
    env.add_filter("年", |v: Value| -> Result<String, minijinja::Error> {
        Ok(date_of(&v, "年")?.year().to_string())
    });
    env.add_filter("月", |v: Value| -> Result<String, minijinja::Error> {
        Ok(date_of(&v, "月")?.month().to_string())
    });
    env.add_filter("比", |v: Value, other: Value, decimals: Option<u32>| -> Result<String, minijinja::Error> {
        let (a, b) = (figure_of(&v)?, figure_of(&other)?);
        if a.decl.kind != b.decl.kind {
            return Err(invalid(
                t!(
                    "template.compare_kinds",
                    left = a.name,
                    left_kind = figures::kind_name(a.decl.kind),
                    right = b.name,
                    right_kind = figures::kind_name(b.decl.kind)
                )
                .into(),
            ));
        }
        crate::values::words::ratio(numeric(a, "比")?, numeric(b, "比")?, decimals.unwrap_or(0))
            .map_err(|why| invalid(why.to_string()))
    });
    env.add_filter("占比", |v: Value, total: Value, decimals: Option<u32>| -> Result<String, minijinja::Error> {
        let (part, whole) = (figure_of(&v)?, figure_of(&total)?);
        let (a, b) = (numeric(part, "占比")?, numeric(whole, "占比")?);
        if b.is_zero() {
            return Err(invalid(t!("figures.target_zero", name = whole.name).into()));
        }
        Ok(format!(
            "{}%",
            crate::values::number::written(a / b * Decimal::from(100), Some(decimals.unwrap_or(1)), decimals.is_some())
        ))
    });
    env.add_filter("成", |v: Value| -> Result<String, minijinja::Error> {
        let f = figure_of(&v)?;
        match (&f.value, f.decl.kind) {
            (FigureValue::Decimal(d), Kind::Percent) => {
                crate::values::words::in_cheng(*d).map_err(|why| invalid(why.to_string()))
            }
            _ => Err(invalid(t!("template.percent_filter", filter = "成", name = f.name).into())),
        }
    });
    env.add_filter("完成率", |v: Value, target: Value, decimals: Option<u32>| -> Result<String, minijinja::Error> {
        figures::completion(figure_of(&v)?, figure_of(&target)?, decimals.unwrap_or(0))
            .map_err(|why| minijinja::Error::new(ErrorKind::InvalidOperation, why.to_string()))
    });
    env.add_filter("日期", move |v: Value| -> Result<String, minijinja::Error> {
        let f = figure_of(&v)?;
        match f.value {
            FigureValue::Date(d) => Ok(crate::values::words::format_date(d, date_style)),
            _ => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                t!("template.date_filter", name = f.name).to_string(),
            )),
        }
    });
    env
}

/// A 同比/环比 phrase, or the template's fallback text when there is nothing to compare with;
/// without a fallback, a missing comparison is an error at the template line, never a blank.
/// A figure's exact value, for a filter that takes a number.
fn numeric(f: &Figure, filter: &str) -> Result<Decimal, minijinja::Error> {
    f.value.as_decimal().ok_or_else(|| invalid(t!("template.number_filter", filter = filter, name = f.name).into()))
}

/// A date figure's date, for the date filters.
fn date_of(value: &Value, filter: &str) -> Result<chrono::NaiveDate, minijinja::Error> {
    let f = figure_of(value)?;
    match f.value {
        FigureValue::Date(d) => Ok(d),
        _ => Err(invalid(t!("template.date_only_filter", filter = filter, name = f.name).into())),
    }
}

/// A filter's own message, shown as it is.
fn invalid(why: String) -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, why)
}

/// The office's own wording of a comparison, from the filter's keyword arguments.
fn wording(words: &Kwargs) -> Result<Wording, minijinja::Error> {
    let wording = Wording {
        prefix: words.get("前缀")?,
        rise: words.get("增")?,
        fall: words.get("减")?,
        same: words.get("平")?,
        decimals: words.get("位数")?,
        fixed: false,
    };
    // Places the template asks for are kept as asked.
    let wording = Wording { fixed: wording.decimals.is_some(), ..wording };
    words.assert_all_used().map_err(|_| {
        let given: Vec<String> = words.args().map(String::from).collect();
        invalid(t!("template.comparison_arguments", given = given.join(", ")).into())
    })?;
    Ok(wording)
}

fn compare(
    value: &Value,
    against: Against,
    difference: bool,
    fallback: Option<String>,
    words: Kwargs,
) -> Result<String, minijinja::Error> {
    let words = wording(&words)?;
    let object = value.downcast_object_ref::<FigureObject>().ok_or_else(|| {
        minijinja::Error::new(ErrorKind::InvalidOperation, t!("template.not_a_figure", value = value).to_string())
    })?;
    object.touched();
    let earlier = match object.earlier(against) {
        Ok(f) => f,
        Err(why) => {
            return fallback.ok_or_else(|| {
                minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    t!("template.compare_fallback", why = why).to_string(),
                )
            })
        }
    };
    let phrase = if difference {
        figures::difference_phrase_in(&object.figure, earlier, against, &words)
    } else {
        figures::change_phrase_in(&object.figure, earlier, against, &words)
    };
    phrase.map_err(|why| minijinja::Error::new(ErrorKind::InvalidOperation, why.to_string()))
}

/// Escapes the Markdown characters that would change a value's meaning in running text (`&`
/// too: `&amp;` in a value would otherwise be read as an entity and print as `&`).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph's text as Markdown that reads back as that one paragraph: [`escape_markdown`],
/// and a start that would make a list, a
/// rule or a fence (`1.`, `1)`, `-`, `+`, `=`, `~`) behind a backslash, which Markdown drops.
pub fn escape_markdown_paragraph(text: &str) -> String {
    let escaped = escape_markdown(text);
    let digits = escaped.len() - escaped.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &escaped[digits..];
    if digits > 0 && (rest.starts_with('.') || rest.starts_with(')')) {
        format!("{}\\{rest}", &escaped[..digits])
    } else if escaped.starts_with(['-', '+', '=', '~']) {
        format!("\\{escaped}")
    } else {
        escaped
    }
}

/// The names a template may use besides figures: `period` and minijinja's own functions.
const GLOBALS: [&str; 10] =
    ["period", "表格", "range", "dict", "namespace", "debug", "lipsum", "cycler", "joiner", compare::FUNCTION];

/// Checks that every name the template uses is a declared figure that the data gives; returns
/// the figures it uses, sorted, with the problems.
pub fn precheck(
    template: &TemplateSource,
    catalog: &Catalog,
    in_data: impl Fn(&str) -> bool,
    data_dir: &str,
) -> (Vec<String>, Vec<Problem>) {
    if let Some(problem) = limits::too_deep(&template.name, &template.text) {
        return (Vec::new(), vec![problem]);
    }
    let env = environment(DateStyle::Arabic);
    let text = match compare::rewrite(&template.text, &template.name) {
        Ok(text) => text,
        Err(why) => return (Vec::new(), vec![Problem::at(Source::file(&template.name), why.to_string())]),
    };
    let tmpl = match env.template_from_named_str(&template.name, &text) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![template_problem(&e, template)]),
    };
    let mut figures_used = std::collections::BTreeSet::new();
    let mut used: Vec<String> = tmpl.undeclared_variables(true).into_iter().collect();
    used.sort();
    let mut problems = Vec::new();
    for name in used {
        if GLOBALS.iter().any(|g| is_within(&name, g)) {
            continue;
        }
        // Only a problem needs the line: searching the text for every name cost more than the rest.
        let source = |name: &str| Source::new(&template.name, line_of(&template.text, name));
        // `低保.户数.source` is the figure `低保.户数`; `低保` alone is the group.
        // Looked up by the name's dotted prefixes (shortest first, as the catalog's order
        // would find them) and the group by a range: a scan of the catalog for every name was
        // quadratic (an imported report of 10,000 figures took 23 s).
        let prefixes = name.match_indices('.').map(|(i, _)| &name[..i]).chain(std::iter::once(name.as_str()));
        let figure = prefixes.into_iter().find(|p| catalog.figures.contains_key(*p)).map(str::to_string);
        let group = format!("{name}.");
        let members = || catalog.figures.range(group.clone()..).map(|(f, _)| f).take_while(|f| f.starts_with(&group));
        match figure {
            Some(f) if !in_data(&f) => problems.push(
                Problem::at(
                    source(&name),
                    t!("template.figure_not_in_data", folder = data_dir, declared = catalog.figures[&f].source),
                )
                .figure(f),
            ),
            Some(f) => {
                figures_used.insert(f);
            }
            None if members().next().is_some() => {
                figures_used.extend(members().cloned());
            }
            None => problems.push(
                Problem::at(source(&name), t!("template.name_not_declared", catalog = catalog.file)).figure(name),
            ),
        }
    }
    (figures_used.into_iter().collect(), problems)
}

/// Whether the dotted `name` is `outer` itself or lies inside it (`低保.户数` in `低保`), without
/// building `outer.` for every pair: precheck asks this of each name and each catalog entry.
fn is_within(name: &str, outer: &str) -> bool {
    name.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// 1-based line of the first use of `name` in the template text (0 if not found literally).
fn line_of(text: &str, name: &str) -> u64 {
    // One search of the whole text, then the line breaks before it: a name never spans lines.
    text.find(name).map(|at| text[..at].matches('\n').count() as u64 + 1).unwrap_or(0)
}

/// minijinja's description of a syntax error, in Chinese words when messages are in Chinese
/// ("unexpected identifier, expected end of variable block" → 多出了名称，应为 }}).
fn syntax_detail(detail: &str) -> String {
    if crate::i18n::current() != crate::i18n::Lang::Chinese {
        return detail.to_string();
    }
    const WORDS: [(&str, &str); 16] = [
        ("unexpected end of input", "模板在此处提前结束"),
        ("unexpected ", "多出了"),
        ("expected ", "应为 "),
        ("end of variable block", "}}"),
        ("end of block", "%}"),
        ("end of comment", "#}"),
        ("identifier", "名称"),
        ("string", "文字"),
        ("integer", "整数"),
        ("number", "数字"),
        ("unknown statement", "不认识的语句"),
        ("unclosed", "没有闭合的"),
        ("keyword", "关键字"),
        ("operator", "运算符"),
        ("expression", "表达式"),
        (", ", "，"),
    ];
    WORDS.iter().fold(detail.to_string(), |text, (en, zh)| text.replace(en, zh))
}

/// Turns a minijinja error into a problem at template:line.
fn template_problem(e: &minijinja::Error, template: &TemplateSource) -> Problem {
    let line = e.line().unwrap_or(0) as u64;
    let detail = match (e.kind(), e.detail()) {
        (ErrorKind::OutOfFuel, _) => t!("template.out_of_fuel").to_string(),
        (ErrorKind::WriteFailure, _) => limits::too_long(),
        (ErrorKind::SyntaxError, Some(detail)) if detail.contains("maximum recursion") => {
            t!("template.too_deep").to_string()
        }
        (_, Some(detail)) if detail.contains("recursion limit") => t!("template.recursion").to_string(),
        // Our own filters and comparisons say what is wrong in full; the kind adds nothing.
        (ErrorKind::InvalidOperation, Some(detail)) => detail.to_string(),
        (kind, detail) => {
            let detail = detail.unwrap_or("");
            match kind {
                ErrorKind::SyntaxError => t!("template.syntax", detail = syntax_detail(detail)),
                ErrorKind::UnknownFilter => t!("template.unknown_filter", detail = detail),
                ErrorKind::UnknownFunction => t!("template.unknown_function", detail = detail),
                ErrorKind::UnknownTest => t!("template.unknown_test", detail = detail),
                ErrorKind::UndefinedError => t!("template.undefined", detail = detail),
                ErrorKind::MissingArgument | ErrorKind::TooManyArguments => t!("template.arguments", detail = detail),
                other => t!("template.other_error", kind = other, detail = detail),
            }
            .to_string()
        }
    };
    Problem::at(Source::new(&template.name, line), detail)
}

/// The template context: figures as nested objects (`低保.户数`), and `period`.
pub fn context(figures: &Figures) -> Value {
    #[derive(Default)]
    struct Tree(BTreeMap<String, Node>);
    enum Node {
        Leaf(Value),
        Branch(Tree),
    }
    fn into_value(tree: Tree) -> Value {
        let map: BTreeMap<String, Value> = tree
            .0
            .into_iter()
            .map(|(k, n)| {
                (
                    k,
                    match n {
                        Node::Leaf(v) => v,
                        Node::Branch(t) => into_value(t),
                    },
                )
            })
            .collect();
        Value::from_object(map)
    }
    let mut root = Tree::default();
    for (name, figure) in &figures.by_name {
        let parts: Vec<&str> = name.split('.').collect();
        let mut cur = &mut root;
        for part in &parts[..parts.len() - 1] {
            let node = cur.0.entry(part.to_string()).or_insert_with(|| Node::Branch(Tree::default()));
            cur = match node {
                Node::Branch(t) => t,
                // The catalog rejects a name that is both a figure and a group.
                Node::Leaf(_) => unreachable!("catalog forbids a figure that is also a group"),
            };
        }
        let counterpart = |set: &Option<Arc<Figures>>| {
            (set.as_ref().and_then(|s| s.by_name.get(name).cloned()), set.as_ref().map(|s| s.period))
        };
        let object = FigureObject {
            figure: figure.clone(),
            last_year: counterpart(&figures.last_year),
            previous: counterpart(&figures.previous),
            period: figures.period,
        };
        cur.0.insert(parts[parts.len() - 1].to_string(), Node::Leaf(Value::from_object(object)));
    }
    let p = figures.period;
    let (first, last) = p.months();
    let period: BTreeMap<&str, Value> = BTreeMap::from([
        ("name", Value::from(p.to_string())),
        ("year", Value::from(p.year)),
        ("part", Value::from(p.part_name())),
        ("first_month", Value::from(first)),
        ("last_month", Value::from(last)),
        ("as_of_month", Value::from(p.as_of_month())),
    ]);
    root.0.insert(
        "period".into(),
        Node::Leaf(Value::from_object(period.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<BTreeMap<_, _>>())),
    );
    into_value(root)
}

/// Renders the template to Markdown.
pub fn render(
    template: &TemplateSource,
    figures: &Figures,
    tables: &[crate::data::sheets::Sheet],
    catalog: &Catalog,
    date_style: DateStyle,
) -> Result<String, Problem> {
    if let Some(problem) = limits::too_deep(&template.name, &template.text) {
        return Err(problem);
    }
    let env = environment(date_style);
    let text = compare::rewrite(&template.text, &template.name)
        .map_err(|why| Problem::at(Source::file(&template.name), why.to_string()))?;
    let ctx = minijinja::context! { ..context(figures), ..minijinja::context! { 表格 => tables_value(tables, catalog, figures.period) } };
    // Read and rendered on the budget's own thread, which owns all it uses (see crate::template::memory).
    let name = template.name.clone();
    limits::render(move |out| {
        let tmpl = env.template_from_named_str(&name, &text)?;
        tmpl.render_captured_to(ctx, out).map(|_| ())
    })
    .map_err(|e| template_problem(&e, template))
}

/// Renders the template to Markdown with every figure's value marked (see [`marks`]), for the
/// preview; returns the figures of each mark. The same rendering as [`render`], which the
/// reports use.
pub fn render_marked(
    template: &TemplateSource,
    figures: &Figures,
    tables: &[crate::data::sheets::Sheet],
    catalog: &Catalog,
    date_style: DateStyle,
) -> Result<(String, Vec<Vec<marks::MarkedFigure>>), Problem> {
    let (markdown, marks) = marks::marked(|| render(template, figures, tables, catalog, date_style));
    Ok((markdown?, marks))
}

/// The expressions of a template's `{{ … }}` tags, in order, each once (whitespace markers
/// taken off): what `import --into` tries against each value of the marked rendering.
pub fn expressions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let expr = after[..end].trim_start_matches('-').trim_end_matches('-').trim().to_string();
        if !expr.is_empty() && !out.contains(&expr) {
            out.push(expr);
        }
        rest = &after[end + 2..];
    }
    out
}

/// A piece of template text (an expression `{{ expr }}` after the template's `{% set %}`
/// statements) rendered with the period's figures and tables: Markdown-escaped text, or the
/// reason it cannot stand alone (a loop's variable).
pub fn render_expression(
    text: &str,
    figures: &Figures,
    tables: &[crate::data::sheets::Sheet],
    catalog: &Catalog,
    date_style: DateStyle,
) -> Result<String, Problem> {
    let source = TemplateSource { name: "expression".into(), text: text.to_string() };
    render(&source, figures, tables, catalog, date_style)
}

/// A value's text in a marked rendering: a figure is marked as itself (with any mark
/// characters its data held removed), other values with the figures their filters read.
fn marked_value(value: &Value, text: String) -> String {
    match value.downcast_object_ref::<FigureObject>() {
        Some(object) => {
            let own = marks::MarkedFigure { figure: object.figure.clone(), last_year: object.last_year.0.clone() };
            marks::wrap(Some(own), text.chars().filter(|c| !marks::is_mark(*c)).collect())
        }
        None => marks::wrap(None, text),
    }
}

/// `表格.低保分乡镇`: the table's `rows` (each row: the label column's header, such as `乡镇`, and
/// each column key), its `total` (also `合计`), `行["城关镇"]` for one row, and
/// `名次("完成人数", "城关镇")` for a row's rank. Every cell is a figure with its cell as its
/// source, written as the report writes it (money in 万元).
fn tables_value(
    tables: &[crate::data::sheets::Sheet],
    catalog: &Catalog,
    period: crate::values::period::Period,
) -> Value {
    let mut out = BTreeMap::new();
    for sheet in tables {
        let Some(decl) = catalog.tables.get(&sheet.name) else { continue };
        out.insert(
            sheet.name.clone(),
            Value::from_object(TableObject { sheet: sheet.clone(), decl: decl.clone(), period }),
        );
    }
    Value::from_object(out)
}

/// A township table as templates see it.
#[derive(Debug)]
struct TableObject {
    sheet: crate::data::sheets::Sheet,
    decl: crate::model::TableDecl,
    period: crate::values::period::Period,
}

impl TableObject {
    /// A row as a map: the label, and each column's cell as a figure.
    fn row_value(&self, row: &crate::data::sheets::SheetRow) -> Value {
        let mut map = BTreeMap::new();
        map.insert(self.decl.label.clone(), Value::from(row.label.clone()));
        for (key, column) in &self.decl.columns {
            let Some(v) = row.values.get(key) else { continue };
            let mut cell = crate::model::FigureDecl::new(column.kind);
            // A table's column keeps its places on every row, as tables are set.
            cell.fixed = true;
            cell.decimals = match column.kind {
                Kind::Money => Some(column.decimals.unwrap_or(2)),
                _ => column.decimals,
            };
            cell.unit = match column.kind {
                Kind::Money => Some("万元".into()),
                Kind::Percent => None,
                _ => column.unit.clone(),
            };
            let value = match (column.kind, i64::try_from(*v)) {
                (Kind::Count, Ok(n)) if v.fract().is_zero() => FigureValue::Whole(n),
                _ => FigureValue::Decimal(*v),
            };
            let figure = Figure {
                name: format!("{}.{}.{key}", self.sheet.name, row.label),
                decl: cell,
                value,
                entered: v.normalize().to_string(),
                source: row.cells.get(key).cloned().unwrap_or_else(|| row.source.clone()),
                via: None,
            };
            let object = FigureObject {
                figure: Arc::new(figure),
                last_year: (None, None),
                previous: (None, None),
                period: self.period,
            };
            map.insert(key.clone(), Value::from_object(object));
        }
        Value::from_object(map)
    }
}

impl Object for TableObject {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "rows" => Some(Value::from(self.sheet.rows.iter().map(|r| self.row_value(r)).collect::<Vec<_>>())),
            "total" | "合计" => self.sheet.total.as_ref().map(|r| self.row_value(r)),
            "行" => {
                let rows: BTreeMap<String, Value> =
                    self.sheet.rows.iter().map(|r| (r.label.clone(), self.row_value(r))).collect();
                Some(Value::from_object(rows))
            }
            _ => None,
        }
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &minijinja::State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, minijinja::Error> {
        if method != "名次" {
            return Err(minijinja::Error::from(ErrorKind::UnknownMethod));
        }
        let (column, label): (String, String) = minijinja::value::from_args(args)?;
        if !self.decl.columns.contains_key(&column) {
            return Err(invalid(t!("template.rank_column", table = self.sheet.name, column = column).into()));
        }
        let value_of = |row: &crate::data::sheets::SheetRow| row.values.get(&column).copied();
        let Some(mine) = self.sheet.rows.iter().find(|r| r.label == label).and_then(value_of) else {
            return Err(invalid(t!("template.rank_row", table = self.sheet.name, row = label).into()));
        };
        // Ties share a rank: one more than the rows strictly above.
        let above = self.sheet.rows.iter().filter_map(value_of).filter(|v| *v > mine).count();
        Ok(Value::from(above as u64 + 1))
    }
}
