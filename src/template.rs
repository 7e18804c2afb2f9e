//! Stage 3: render the report template (minijinja, strict) with the checked figures into Markdown.
//!
//! Strict undefined: a name the template uses that the catalog or the data lacks is an error that
//! names the template line, never an empty string. Filters cover what a report writer needs:
//! money in 万元 or 元 at a chosen precision (half-up on the exact decimal), fixed decimals,
//! Chinese ordinals and dates in the style of the period's standard.

use crate::catalog::{Catalog, Kind};
use crate::error::{Problem, Source};
use crate::figures::{self, Against, DateStyle, Figure, FigureValue, Figures};
use minijinja::value::{Object, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub mod limits;

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
    last_year: (Option<Arc<Figure>>, Option<crate::period::Period>),
    /// The same figure in the previous period, and that period.
    previous: (Option<Arc<Figure>>, Option<crate::period::Period>),
    /// The period of the report.
    period: crate::period::Period,
}

impl FigureObject {
    fn earlier(&self, against: Against) -> Result<&Figure, String> {
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
            (None, Some(p)) => Err(format!(
                "{}: the data of {p} has no valid value for it, so there is nothing to compare with",
                self.figure.name
            )),
            (None, None) => Err(format!("{}: there is no data/{want} to compare with", self.figure.name)),
        }
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
            "上年" | "last_year" => self.last_year.0.as_ref().map(|p| Value::from(p.display())),
            "上期" | "previous" => self.previous.0.as_ref().map(|p| Value::from(p.display())),
            _ => None,
        }
    }
    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.figure.display())
    }
}

fn figure_of(value: &Value) -> Result<&Figure, minijinja::Error> {
    value.downcast_object_ref::<FigureObject>().map(|o| o.figure.as_ref()).ok_or_else(|| {
        minijinja::Error::new(ErrorKind::InvalidOperation, format!("{value} is not a figure from the data"))
    })
}

fn money_filter(unit: &'static str) -> impl Fn(Value, Option<u32>) -> Result<String, minijinja::Error> {
    move |value: Value, decimals: Option<u32>| {
        let f = figure_of(&value)?;
        match (&f.value, f.decl.kind) {
            (FigureValue::Decimal(yuan), Kind::Money) => Ok(figures::format_decimal(
                figures::money_in(*yuan, unit),
                Some(decimals.unwrap_or(if unit == "元" { 0 } else { 2 })),
            )),
            _ => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("{unit} takes an amount of money, but {} is not money", f.name),
            )),
        }
    }
}

fn fixed(value: Value, decimals: u32) -> Result<String, minijinja::Error> {
    let f = figure_of(&value)?;
    match (&f.value, f.decl.kind) {
        (FigureValue::Decimal(d), Kind::Money) => {
            Ok(figures::format_decimal(figures::money_in(*d, f.decl.display_unit()), Some(decimals)))
        }
        (v, _) => v.as_decimal().map(|d| figures::format_decimal(d, Some(decimals))).ok_or_else(|| {
            minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("fixed takes a number, but {} is not one", f.name),
            )
        }),
    }
}

fn whole_number(value: &Value) -> Result<u64, minijinja::Error> {
    if let Some(f) = value.downcast_object_ref::<FigureObject>() {
        if let FigureValue::Whole(n) = f.figure.value {
            return u64::try_from(n).map_err(|_| {
                minijinja::Error::new(ErrorKind::InvalidOperation, "a negative number has no Chinese ordinal")
            });
        }
    }
    u64::try_from(value.clone())
        .map_err(|_| minijinja::Error::new(ErrorKind::InvalidOperation, format!("{value} is not a whole number")))
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
        out.write_str(&escaped).map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"))
    });
    env.add_filter("万元", money_filter("万元"));
    env.add_filter("元", money_filter("元"));
    env.add_filter("fixed", fixed);
    env.add_filter("序号", |v: Value| whole_number(&v).map(figures::chinese_number));
    env.add_filter("中文数字", |v: Value| whole_number(&v).map(figures::chinese_number));
    env.add_filter("同比", |v: Value, fallback: Option<String>| compare(&v, Against::LastYear, false, fallback));
    env.add_filter("环比", |v: Value, fallback: Option<String>| compare(&v, Against::Previous, false, fallback));
    env.add_filter("同比增减", |v: Value, fallback: Option<String>| compare(&v, Against::LastYear, true, fallback));
    env.add_filter("环比增减", |v: Value, fallback: Option<String>| compare(&v, Against::Previous, true, fallback));
    env.add_filter("完成率", |v: Value, target: Value, decimals: Option<u32>| -> Result<String, minijinja::Error> {
        figures::completion(figure_of(&v)?, figure_of(&target)?, decimals.unwrap_or(0))
            .map_err(|why| minijinja::Error::new(ErrorKind::InvalidOperation, why))
    });
    env.add_filter("日期", move |v: Value| -> Result<String, minijinja::Error> {
        let f = figure_of(&v)?;
        match f.value {
            FigureValue::Date(d) => Ok(figures::format_date(d, date_style)),
            _ => Err(minijinja::Error::new(
                ErrorKind::InvalidOperation,
                format!("日期 takes a date, but {} is not one", f.name),
            )),
        }
    });
    env
}

/// A 同比/环比 phrase, or the template's fallback text when there is nothing to compare with;
/// without a fallback, a missing comparison is an error at the template line, never a blank.
fn compare(
    value: &Value,
    against: Against,
    difference: bool,
    fallback: Option<String>,
) -> Result<String, minijinja::Error> {
    let object = value.downcast_object_ref::<FigureObject>().ok_or_else(|| {
        minijinja::Error::new(ErrorKind::InvalidOperation, format!("{value} is not a figure from the data"))
    })?;
    let earlier = match object.earlier(against) {
        Ok(f) => f,
        Err(why) => {
            return fallback.ok_or_else(|| {
                minijinja::Error::new(
                    ErrorKind::InvalidOperation,
                    format!(
                        "{why}; add that data, or give the text to print instead, e.g. | 同比(\"（上年无可比数据）\")"
                    ),
                )
            })
        }
    };
    let phrase = if difference {
        figures::difference_phrase(&object.figure, earlier, against, None)
    } else {
        figures::change_phrase(&object.figure, earlier, against, 1)
    };
    phrase.map_err(|why| minijinja::Error::new(ErrorKind::InvalidOperation, why))
}

/// Escapes the Markdown characters that would change a value's meaning in running text.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The names a template may use besides figures: `period` and minijinja's own functions.
const GLOBALS: [&str; 9] = ["period", "表格", "range", "dict", "namespace", "debug", "lipsum", "cycler", "joiner"];

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
    let tmpl = match env.template_from_named_str(&template.name, &template.text) {
        Ok(t) => t,
        Err(e) => return (Vec::new(), vec![template_problem(&e, template)]),
    };
    let mut figures_used = std::collections::BTreeSet::new();
    let mut used: Vec<String> = tmpl.undeclared_variables(true).into_iter().collect();
    used.sort();
    let mut problems = Vec::new();
    for name in used {
        if GLOBALS.iter().any(|g| name == *g || name.starts_with(&format!("{g}."))) {
            continue;
        }
        let source = Source::new(&template.name, line_of(&template.text, &name));
        // `低保.户数.source` is the figure `低保.户数`; `低保` alone is the group.
        let figure = catalog.figures.keys().find(|f| name == **f || name.starts_with(&format!("{f}."))).cloned();
        let is_group = catalog.figures.keys().any(|f| f.starts_with(&format!("{name}.")));
        match figure {
            Some(f) if !in_data(&f) => problems.push(
                Problem::at(
                    source,
                    format!(
                        "the template uses this figure but no file in {data_dir} gives it (declared at {})",
                        catalog.figures[&f].source
                    ),
                )
                .figure(f),
            ),
            Some(f) => {
                figures_used.insert(f);
            }
            None if is_group => {
                let prefix = format!("{name}.");
                figures_used.extend(catalog.figures.keys().filter(|f| f.starts_with(&prefix)).cloned());
            }
            None => problems.push(
                Problem::at(
                    source,
                    format!("the template uses this name, but the catalog ({}) does not declare it", catalog.file),
                )
                .figure(name),
            ),
        }
    }
    (figures_used.into_iter().collect(), problems)
}

/// 1-based line of the first use of `name` in the template text (0 if not found literally).
fn line_of(text: &str, name: &str) -> u64 {
    text.lines().position(|l| l.contains(name)).map(|i| i as u64 + 1).unwrap_or(0)
}

/// Turns a minijinja error into a problem at template:line.
fn template_problem(e: &minijinja::Error, template: &TemplateSource) -> Problem {
    let line = e.line().unwrap_or(0) as u64;
    let detail = match (e.kind(), e.detail()) {
        (ErrorKind::OutOfFuel, _) => "the template does too much work (an endless loop?) and was stopped".to_string(),
        (ErrorKind::WriteFailure, _) => limits::too_long(),
        (ErrorKind::SyntaxError, Some(detail)) if detail.contains("maximum recursion") => {
            "the template nests {% if %}, {% for %} or brackets too deeply to be read; flatten it".to_string()
        }
        (_, Some(detail)) if detail.contains("recursion limit") => {
            "the template calls itself without end (a macro that calls itself?) and was stopped".to_string()
        }
        (_, Some(detail)) => format!("{}: {detail}", e.kind()),
        (_, None) => e.kind().to_string(),
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
    tables: &[crate::sheets::Sheet],
    catalog: &Catalog,
    date_style: DateStyle,
) -> Result<String, Problem> {
    if let Some(problem) = limits::too_deep(&template.name, &template.text) {
        return Err(problem);
    }
    let env = environment(date_style);
    let tmpl =
        env.template_from_named_str(&template.name, &template.text).map_err(|e| template_problem(&e, template))?;
    let ctx =
        minijinja::context! { ..context(figures), ..minijinja::context! { 表格 => tables_value(tables, catalog) } };
    limits::render(&template.name, |out| tmpl.render_captured_to(ctx, out).map(|_| ()))
        .map_err(|e| template_problem(&e, template))
}

/// `表格.低保分乡镇.rows` (each row: `乡镇` or the table's label header, and each column key) and
/// `表格.低保分乡镇.total`, with values written as a report writes them: money in 万元.
fn tables_value(tables: &[crate::sheets::Sheet], catalog: &Catalog) -> Value {
    let mut out = BTreeMap::new();
    for sheet in tables {
        let Some(decl) = catalog.tables.get(&sheet.name) else { continue };
        let row_value = |row: &crate::sheets::SheetRow| {
            let mut map = BTreeMap::new();
            map.insert(decl.label.clone(), Value::from(row.label.clone()));
            for (key, column) in &decl.columns {
                let Some(v) = row.values.get(key) else { continue };
                let text = match column.kind {
                    Kind::Money => {
                        figures::format_decimal(figures::money_in(*v, "万元"), Some(column.decimals.unwrap_or(2)))
                    }
                    _ => figures::format_decimal(*v, column.decimals),
                };
                map.insert(key.clone(), Value::from(text));
            }
            Value::from_object(map)
        };
        let mut table = BTreeMap::new();
        table.insert("rows".to_string(), Value::from(sheet.rows.iter().map(row_value).collect::<Vec<_>>()));
        table.insert("total".to_string(), sheet.total.as_ref().map(row_value).unwrap_or(Value::UNDEFINED));
        out.insert(sheet.name.clone(), Value::from_object(table));
    }
    Value::from_object(out)
}
