//! `zongjie form`: the 填报表 of a period, gathered from the catalog (what to fill, in the
//! report's order), last year's data (上年同期) and the period's own data (本期, when it has
//! some), then written with `data::form::write`. Written into the period, the form replaces the
//! data files it now holds: they are kept in the period's `.versions/N/` first, so nothing is
//! lost and nothing is given twice.

use super::{comparison, load_data};
use crate::archive::lock::{self, Mode, LOCK_FILE};
use crate::archive::{self, Output};
use crate::data::form::{read::form_unit, Cell, FigureRow, FigureSheet, Form, TableSheet};
use crate::data::replace::VERSIONS;
use crate::data::sheets::Sheet;
use crate::data::{self, FORM_FILE};
use crate::error::{Error, Problem, Result, Source};
use crate::figures::{self, in_display_unit, Figure, FigureValue};
use crate::model::{Catalog, Kind, Origin};
use crate::values::period::Period;
use crate::values::units::Unit;
use crate::workspace::Workspace;
use rust_decimal::Decimal;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What [`write_form`] did.
#[derive(Debug)]
pub struct Written {
    /// The form's path.
    pub path: PathBuf,
    /// The form's content, counted.
    pub figures: usize,
    /// Figure sheets.
    pub sheets: usize,
    /// Township sheets.
    pub tables: usize,
    /// The data files it replaced (workspace-relative) and the folder they are kept in.
    pub moved: Option<(Vec<String>, String)>,
}

/// The form of `period`: every figure a data file gives, with last year's value and this
/// period's, in the report's order.
pub fn gather(ws: &Workspace, period: Period, fresh: bool) -> Result<(Form, Vec<String>)> {
    let dir = ws.period_dir(period)?.to_string();
    let (template, _, catalog) = ws.template_for(period)?;
    // A period just started (`new`) has only emptied files: the form starts from nothing.
    let (data, sheets, problems) = match fresh {
        false => load_data(ws, &catalog, &dir, period, &[]),
        true => {
            let (data, _) = data::load_period(&ws.root, &dir);
            let files = data.files;
            (data::PeriodData { files, ..Default::default() }, Vec::new(), Vec::new())
        }
    };
    // Values that do not parse would be lost in the form: they are to be fixed first.
    let (now, more) = figures::check(&catalog, &data.values, period, false);
    // Empty values are what the form is for, and a formula waits for its inputs to be filled.
    let empty = t!("figures.no_value");
    let waits = |p: &Problem| {
        p.figure.as_ref().and_then(|f| catalog.figures.get(f)).is_some_and(|d| d.decl.formula().is_some())
    };
    let problems: Vec<Problem> = problems.into_iter().chain(more).filter(|p| p.message != empty && !waits(p)).collect();
    if !problems.is_empty() {
        return Err(Error::Input(problems.into_iter().map(|p| p.labelled(&catalog)).collect()));
    }
    let (last_year, _, _) = comparison(ws, &catalog, period.same_period_last_year(), &[]);
    let earlier_sheets = earlier_tables(ws, &catalog, period);
    let order = |name: &str| template.text.find(name).unwrap_or(usize::MAX);
    let mut form = Form {
        period: period.to_string(),
        created: {
            use chrono::Datelike;
            let d = period.last_day();
            (d.year(), d.month(), d.day())
        },
        ..Form::default()
    };
    // Township sheets: a table this period (or the last that had it) gives.
    let mut in_tables = Vec::new();
    for (name, decl) in &catalog.tables {
        let own = sheets.iter().find(|s| &s.name == name);
        let Some(sheet) = own.or_else(|| earlier_sheets.get(name)) else { continue };
        in_tables.push(name.clone());
        form.tables.push(table_sheet(name, decl, sheet, own.is_some()));
    }
    form.tables.sort_by_key(|t| {
        catalog
            .figures
            .iter()
            .filter(|(_, d)| matches!(&d.decl.origin, Origin::Sum(s) if s.table == t.name))
            .map(|(n, _)| order(n))
            .min()
            .unwrap_or(usize::MAX)
    });
    // Figure rows, grouped by the data file that gave them (or the report part that uses them).
    let parts = parts(&template.text);
    let mut names: Vec<&String> = catalog
        .figures
        .iter()
        .filter(|(n, d)| match &d.decl.origin {
            Origin::Data => true,
            Origin::Sum(s) => !in_tables.contains(&s.table),
            Origin::CountRows { table, .. } => !in_tables.contains(table),
            Origin::Formula(_) => false,
            // Typed here only while data/ has no folder of the period it is taken from.
            Origin::Period(_) => data.values.contains_key(n.as_str()),
        })
        .map(|(n, _)| n)
        .collect();
    // Figures the report does not use are left out, unless a period gives them.
    names.retain(|n| {
        order(n) != usize::MAX
            || data.values.contains_key(n.as_str())
            || last_year.as_ref().is_some_and(|ly| ly.by_name.contains_key(n.as_str()))
    });
    names.sort_by_key(|n| (order(n), n.as_str()));
    for name in names {
        let decl = &catalog.figures[name].decl;
        let raw = data.values.get(name.as_str()).filter(|r| r.via.is_none());
        // The file that gives it now, else the one that gave it last year, else the report's part.
        let earlier_source = last_year.as_ref().and_then(|ly| {
            let f = ly.by_name.get(name).filter(|f| f.via.is_none())?;
            let dir = ws.periods.get(&ly.period)?;
            sheet_of(&f.source, dir)
        });
        let sheet = raw
            .and_then(|r| sheet_of(&r.source, &dir))
            .or(earlier_source)
            .unwrap_or_else(|| part_of(&parts, order(name)));
        let value = now
            .by_name
            .get(name)
            .map(|f| cell(f))
            .or_else(|| raw.and_then(|r| r.text.clone()).filter(|t| !t.trim().is_empty()).map(Cell::Text));
        let earlier = last_year.as_ref().and_then(|ly| ly.by_name.get(name)).map(|f| cell(f));
        let row = FigureRow {
            name: name.clone(),
            label: decl.label.clone().unwrap_or_else(|| sentence(&template.text, name)),
            kind: decl.kind,
            unit: form_unit(decl),
            last_year: earlier,
            value,
        };
        match form.sheets.iter_mut().find(|s| s.name == sheet) {
            Some(s) => s.rows.push(row),
            None => form.sheets.push(FigureSheet { name: sheet, rows: vec![row] }),
        }
    }
    // The files the form takes the place of: every data file of the folder.
    let replaced = data
        .files
        .iter()
        .filter(|f| f.path.strip_prefix(&dir).is_some_and(|p| p.starts_with('/')))
        .map(|f| f.path.clone())
        .collect();
    Ok((form, replaced))
}

/// Writes the form of `period`: to `out` when given (nothing in the period changes), else into
/// the period folder, keeping the data files it replaces in `.versions/N/` first.
/// With `fresh`, the period's own values are not read (a period `new` has just started).
pub fn write_form(ws: &Workspace, period: Period, out: Option<&Path>, no_wait: bool, fresh: bool) -> Result<Written> {
    let _lock = lock::acquire(&ws.root.join(LOCK_FILE), LOCK_FILE, Mode::Write, !no_wait, || {})?;
    let (form, replaced) = gather(ws, period, fresh)?;
    let bytes = crate::data::form::write::form_bytes(&form)
        .map_err(|e| Error::Stopped(t!("form.write_failed", reason = e.to_string()).into_owned()))?;
    let counted = Written {
        path: PathBuf::new(),
        figures: form.sheets.iter().map(|s| s.rows.len()).sum(),
        sheets: form.sheets.len(),
        tables: form.tables.len(),
        moved: None,
    };
    if let Some(out) = out {
        let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| FORM_FILE.into());
        archive::write_files(dir, &[Output { name, bytes }])?;
        return Ok(Written { path: out.to_path_buf(), ..counted });
    }
    let dir = ws.period_dir(period)?.to_string();
    let folder = ws.root.join(&dir);
    let inside: Vec<String> =
        replaced.iter().filter_map(|p| p.strip_prefix(&format!("{dir}/")).map(str::to_string)).collect();
    let mut moved = None;
    if !inside.is_empty() {
        let names: Vec<&str> = inside.iter().map(String::as_str).collect();
        let kept = archive::keep_copies(&folder, &names, &folder.join(VERSIONS))
            .map_err(|e| Error::io(format!("{dir}/{VERSIONS}"), e))?;
        moved = Some((replaced.clone(), data::relative(&ws.root, &kept)));
    }
    archive::write_files(&folder, &[Output { name: FORM_FILE.into(), bytes }])?;
    for name in inside.iter().filter(|n| n.as_str() != FORM_FILE) {
        std::fs::remove_file(folder.join(name)).map_err(|e| Error::io(format!("{dir}/{name}"), e))?;
    }
    Ok(Written { path: ws.root.join(&dir).join(FORM_FILE), moved, ..counted })
}

/// A figure's value as a cell, in the unit of its 单位 column.
fn cell(f: &Figure) -> Cell {
    match &f.value {
        FigureValue::Whole(n) => match f.decl.kind {
            Kind::Count | Kind::Quantity | Kind::Money => Cell::Number(in_display_unit(&f.decl, Decimal::from(*n))),
            _ => Cell::Number(Decimal::from(*n)),
        },
        FigureValue::Decimal(d) => Cell::Number(in_display_unit(&f.decl, *d)),
        FigureValue::Date(d) => Cell::Date(*d),
        FigureValue::Text(t) => Cell::Text(t.clone()),
    }
}

/// The latest earlier period's township sheets, for the townships of a table this period does
/// not give yet.
fn earlier_tables(ws: &Workspace, catalog: &Catalog, period: Period) -> BTreeMap<String, Sheet> {
    let mut found = BTreeMap::new();
    for (earlier, dir) in ws.periods.range(..period).rev() {
        let (_, sheets, _) = load_data(ws, catalog, dir, *earlier, &[]);
        for sheet in sheets {
            found.entry(sheet.name.clone()).or_insert(sheet);
        }
        if found.len() == catalog.tables.len() {
            break;
        }
    }
    found
}

/// A township sheet of the form: this period's values when `filled`, else its townships only.
fn table_sheet(name: &str, decl: &crate::model::TableDecl, sheet: &Sheet, filled: bool) -> TableSheet {
    let mut columns = Vec::new();
    let mut units = Vec::new();
    let mut summed = Vec::new();
    for column in decl.columns.values() {
        let unit = match (column.kind, &column.unit) {
            (Kind::Money, Some(u)) => {
                crate::values::units::money_unit(u, true).map(|u| u.to_string()).unwrap_or(u.clone())
            }
            (Kind::Money, None) => "元".to_string(),
            (Kind::Percent, _) => "%".to_string(),
            (_, Some(u)) => u.clone(),
            (_, None) => String::new(),
        };
        columns.push((
            if unit.is_empty() { column.header.clone() } else { format!("{}（{unit}）", column.header) },
            column.kind,
        ));
        summed.push(column.is_summed());
        units.push(unit);
    }
    let values = |values: &BTreeMap<String, Decimal>| -> Vec<Option<Cell>> {
        decl.columns
            .keys()
            .zip(&units)
            .map(|(key, unit)| {
                let v = values.get(key)?;
                // A township cell has no shown decimals of its own (sheets read it exactly).
                Some(Cell::Number(
                    match unit.as_str() {
                        "%" | "" => *v,
                        u => Unit::split(u).from_base(*v),
                    }
                    .normalize(),
                ))
            })
            .collect()
    };
    let none = || vec![None; decl.columns.len()];
    let rows = sheet.rows.iter().map(|r| (r.label.clone(), if filled { values(&r.values) } else { none() })).collect();
    let total = decl.total.as_ref().map(|t| {
        let label = sheet.total.as_ref().map(|r| r.label.clone()).unwrap_or_else(|| t.first().to_string());
        let cells = match (&sheet.total, filled) {
            (Some(r), true) => values(&r.values),
            _ => none(),
        };
        (label, cells)
    });
    TableSheet { name: name.to_string(), label: decl.label.clone(), columns, rows, total, summed }
}

/// The report's parts: where each `##` heading of the template starts, and its words
/// (`## 一、社会救助工作` → 社会救助工作).
fn parts(template: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in template.split_inclusive('\n') {
        if let Some(title) = line.strip_prefix("## ") {
            let title = strip_expressions(title.trim());
            let title = title.split_once('、').map(|(_, t)| t).unwrap_or(&title).trim();
            // The heading's first phrase, short enough for a sheet tab.
            let title: String =
                title.split(['，', '。', '：', '；']).next().unwrap_or(title).chars().take(12).collect();
            if !title.is_empty() {
                out.push((at, title));
            }
        }
        at += line.len();
    }
    out
}

/// The sheet of a figure first used at `at` in the template: its part's title.
fn part_of(parts: &[(usize, String)], at: usize) -> String {
    let title = parts.iter().rev().find(|(start, _)| *start <= at).map(|(_, t)| t.as_str());
    let title = match (at, title) {
        (usize::MAX, _) => "其他",
        (_, Some(t)) => t,
        (_, None) => "基本情况",
    };
    sheet_name(title)
}

/// The sheet of a value from a data file: the YAML file's name (社会救助), or the form sheet it
/// was read from.
fn sheet_of(source: &Source, dir: &str) -> Option<String> {
    if let Some(cell) = &source.cell {
        return cell.split_once('!').map(|(s, _)| sheet_name(s));
    }
    let rel = source.file.strip_prefix(dir)?.strip_prefix('/')?;
    let stem = Path::new(rel).file_stem()?.to_string_lossy().into_owned();
    Some(sheet_name(&stem))
}

/// A name Excel takes for a sheet: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(text: &str) -> String {
    let clean: String =
        text.chars().filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\'')).take(31).collect();
    match clean.trim() {
        "" | "说明" => "数据".to_string(),
        t => t.to_string(),
    }
}

/// Template text without its `{{ … }}` and `{% … %}` parts.
fn strip_expressions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let close = match &rest[open..] {
            r if r.starts_with("{{") => r.find("}}").map(|c| open + c + 2),
            r if r.starts_with("{%") => r.find("%}").map(|c| open + c + 2),
            r if r.starts_with("{#") => r.find("#}").map(|c| open + c + 2),
            _ => None,
        };
        let Some(close) = close else { break };
        out.push_str(&rest[..open]);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// The sentence of the template around a figure's first use, the figure shown as ＿＿ and other
/// values as …: what a figure without a label means, in the report's own words.
fn sentence(template: &str, name: &str) -> String {
    let Some(at) = template.find(name) else { return name.to_string() };
    let start = template[..at]
        .rfind(['。', '；', '\n', '：'])
        .map(|i| i + template[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let end = template[at..].find(['。', '；', '\n']).map(|i| at + i).unwrap_or(template.len());
    let piece = &template[start..end];
    // Mark this figure's expression, then drop the template syntax.
    let mut marked = String::new();
    let mut rest = piece;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}").map(|c| open + c + 2) else { break };
        marked.push_str(&rest[..open]);
        let expr = &rest[open..close];
        marked.push_str(if expr.contains(name) { "＿＿" } else { "…" });
        rest = &rest[close..];
    }
    marked.push_str(rest);
    let text = strip_expressions(&marked).trim().trim_start_matches(['#', ' ', '-']).to_string();
    let text: String = text.chars().take(80).collect();
    if text.is_empty() {
        name.to_string()
    } else {
        text
    }
}
