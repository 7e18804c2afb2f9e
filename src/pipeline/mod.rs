//! The path through the stages for one period: load data → check figures → render template →
//! parse the document. Everything happens in memory; [`crate::pipeline::site`] runs the renderers on the
//! document and writes nothing until every stage and every renderer has succeeded.

pub mod form;
pub mod rebuild;
pub mod review;
pub mod scaffold;
pub mod site;
pub mod sources;
mod taken;

use crate::data::sheets;
use crate::data::{self, InputFile};
use crate::error::{Error, Problem, Result};
use crate::figures::{self, Figures};
use crate::model::{Catalog, FigureRef, Origin, PeriodRef, Rule};
use crate::render::document::{self, Document};
use crate::template::{self, TemplateSource};
use crate::values::period::Period;
use crate::workspace::Workspace;
use rust_i18n::t;
use std::collections::BTreeMap;

/// A period's report, checked and rendered to the document, ready for the renderers.
#[derive(Debug, Clone)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// The period's data folder, workspace-relative.
    pub data_dir: String,
    /// The template used.
    pub template: TemplateSource,
    /// The catalog's text, as read.
    pub catalog_source: TemplateSource,
    /// The catalog used.
    pub catalog: Catalog,
    /// The checked figures.
    pub figures: Figures,
    /// The document.
    pub document: Document,
    /// The data files read (this period's and those of the periods it is compared with).
    pub inputs: Vec<InputFile>,
    /// The figures the template uses, sorted by name.
    pub used: Vec<String>,
    /// The township sheets read (the template's `表格`).
    pub sheets: Vec<sheets::Sheet>,
    /// Things to look at that do not stop the build (a change of more than half against last year).
    pub warnings: Vec<Problem>,
    /// The document with each figure's value marked, for the preview of `zongjie serve`
    /// (only when [`prepare_with`] is asked for it).
    pub marked: Option<Marked>,
}

/// The report's document rendered with its figures marked (see [`template::marks`]): the same
/// text as [`Report::document`] once the marks are taken out.
#[derive(Debug, Clone)]
pub struct Marked {
    /// The document, its texts holding marks.
    pub document: Document,
    /// The figures of each mark, by the mark's index.
    pub figures: Vec<Vec<template::marks::MarkedFigure>>,
}

/// What [`prepare_with`] is given besides the workspace.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prepare<'a> {
    /// Data files read in place of those on disk (or added to them), by workspace-relative
    /// path: an upload is checked with the period before it is saved.
    pub overlay: &'a [InputFile],
    /// Also render the document with its figures marked, for the preview.
    pub marked: bool,
}

/// Runs every check and renders the document; all input problems come back together.
pub fn prepare(ws: &Workspace, period: Period) -> Result<Report> {
    prepare_with(ws, period, Prepare::default())
}

/// [`prepare`] with files replaced in memory, and optionally the marked document: one path for
/// the CLI and the server.
pub fn prepare_with(ws: &Workspace, period: Period, with: Prepare<'_>) -> Result<Report> {
    let data_dir = ws.period_dir(period)?.to_string();
    let (template, catalog_source, catalog) = ws.template_for(period)?;
    let mut problems: Vec<Problem> = catalog.check_period(period).into_iter().collect();
    let (mut data, sheets, more) = load_data(ws, &catalog, &data_dir, period, with.overlay);
    problems.extend(more);
    let missing_rows = form_rows_missing(&catalog, &mut data);
    let (used, template_problems) = template::precheck(
        &template,
        &catalog, // A file that could not be read may hold any figure: its problem is reported, the
        // figures it would give are not reported missing as well.
        |name| {
            data.values.contains_key(name)
                || !data.unreadable.is_empty()
                || data.reported.iter().any(|r| r == name)
                // A derived figure comes from its formula, a taken one from another period; their
                // inputs are checked there.
                || catalog.figures.get(name).is_some_and(|d| d.decl.is_computed())
        },
        &data_dir,
    );
    problems.extend(template_problems);
    // A row deleted from the form matters for the figures the report uses.
    problems.extend(missing_rows.into_iter().filter(|p| p.figure.as_ref().is_some_and(|f| used.contains(f))));
    let (taken, taken_inputs, more) =
        taken::taken_figures(ws, &catalog, period, with.overlay, false, &|name| data.values.contains_key(name));
    problems.extend(more);
    let (mut figures, more) = figures::check_with(&catalog, &data.values, &taken, period, false);
    problems.extend(more);
    // Earlier periods for 同比/环比: their data files are inputs of this report too, and a wrong
    // value there would print a wrong 同比, so their problems are this build's problems.
    let mut inputs = data.files;
    inputs.extend(taken_inputs);
    let mut compared = vec![period.same_period_last_year()];
    if period.previous() != compared[0] {
        compared.push(period.previous());
    }
    for (i, earlier) in compared.iter().enumerate() {
        let (set, files, more) = comparison(ws, &catalog, *earlier, with.overlay);
        problems.extend(more);
        inputs.extend(files);
        if i == 0 {
            figures.last_year = set.clone();
        }
        if *earlier == period.previous() {
            figures.previous = set;
        }
    }
    problems.extend(cross_period_rules(ws, &catalog, &figures, with.overlay));
    if !problems.is_empty() {
        // Each message says what the figure means, from the catalog's label.
        return Err(input(problems.into_iter().map(|p| p.labelled(&catalog)).collect(), vec![]));
    }
    let markdown = template::render(&template, &figures, &sheets, &catalog, ws.date_style(period))?;
    let mut document = document::parse(&markdown, &template.name)?;
    document.date = Some(report_date(&catalog, &figures));
    let warnings = large_changes(&figures, &used).into_iter().map(|p| p.labelled(&catalog)).collect();
    let marked = if with.marked {
        marked_document(&template, &figures, &sheets, &catalog, ws.date_style(period), &document)
    } else {
        None
    };
    Ok(Report {
        period,
        data_dir,
        template,
        catalog_source,
        catalog,
        figures,
        document,
        inputs,
        used,
        sheets,
        warnings,
        marked,
    })
}

/// Why `period` cannot be checked at all with `overlay` over its folder: its template or catalog
/// does not load, or one of its data files (or sheets) cannot be read, so the figures that file
/// holds are unknown and nothing can say whether a new file leaves any of them missing or
/// wrong. Empty when the whole period can be checked. A file is saved into a period only when
/// this is empty ([`crate::data::replace`]).
pub fn unchecked(ws: &Workspace, period: Period, overlay: &[InputFile]) -> Vec<Problem> {
    let catalog = match ws.period_dir(period).and_then(|_| ws.template_for(period)) {
        Ok((_, _, catalog)) => catalog,
        Err(Error::Input(problems)) => return problems,
        Err(other) => {
            return vec![Problem::at(crate::error::Source::file(crate::workspace::CONFIG_FILE), other.to_string())]
        }
    };
    let Some(dir) = ws.periods.get(&period) else { return Vec::new() };
    let (data, _sheets, problems) = load_data(ws, &catalog, dir, period, overlay);
    problems
        .into_iter()
        .filter(|p| p.source.as_ref().is_some_and(|s| data.unreadable.contains(&s.file)))
        .map(|p| p.labelled(&catalog))
        .collect()
}

/// The other periods of the workspace whose report reads `period`: it is their 同比 or 环比
/// period, or a rule of their catalog names it (`人次 >= 人次@H1` in a year's report). A file
/// saved into `period` must bring none of them a problem either.
pub fn periods_reading(ws: &Workspace, period: Period) -> Vec<Period> {
    let reads = |reader: Period| {
        if reader.same_period_last_year() == period || reader.previous() == period {
            return true;
        }
        let Ok((_, _, catalog)) = ws.template_for(reader) else { return false };
        let named = catalog
            .rules
            .iter()
            .filter(|r| r.refers_elsewhere())
            .flat_map(|r| r.figures())
            .filter_map(|f| f.at)
            .any(|at| at.resolve(reader) == Some(period));
        named
    };
    ws.periods.keys().copied().filter(|&p| p != period && reads(p)).collect()
}

/// The document rendered again with its figures marked; `None` when, marks taken out, it would
/// not be exactly `document` (the preview then shows the document unmarked).
fn marked_document(
    template: &TemplateSource,
    figures: &Figures,
    sheets: &[sheets::Sheet],
    catalog: &Catalog,
    style: crate::values::words::DateStyle,
    document: &Document,
) -> Option<Marked> {
    let (markdown, marks) = template::render_marked(template, figures, sheets, catalog, style).ok()?;
    let mut marked = document::parse(&markdown, &template.name).ok()?;
    marked.date = document.date;
    let unmarked = document::parse(&template::marks::strip(&markdown), &template.name).ok()?;
    (unmarked.title == document.title && unmarked.blocks == document.blocks)
        .then_some(Marked { document: marked, figures: marks })
}

/// The catalog's rules that compare with another period (`低保.累计发放金额 >= 低保.累计发放金额@H1`:
/// a year's cumulative figure is not below the same year's first half). A rule whose other
/// period has no data, or lacks the figure, is not checked; that period's own build reports
/// its problems.
fn cross_period_rules(ws: &Workspace, catalog: &Catalog, figures: &Figures, overlay: &[InputFile]) -> Vec<Problem> {
    let rules: Vec<&Rule> = catalog.rules.iter().filter(|r| r.refers_elsewhere()).collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let period = figures.period;
    // Each period named once, by the period it resolves to: 同比's and 环比's are loaded already.
    let mut others: BTreeMap<PeriodRef, Option<std::sync::Arc<Figures>>> = BTreeMap::new();
    for at in rules.iter().flat_map(|r| r.figures()).filter_map(|f| f.at) {
        if others.contains_key(&at) {
            continue;
        }
        let set = match at.resolve(period) {
            // A rule naming the report's own period by its kind (`@H1` in an H1 report) has
            // nothing to compare with.
            Some(other) if other == period => None,
            Some(other) if other == period.same_period_last_year() => figures.last_year.clone(),
            Some(other) if other == period.previous() => figures.previous.clone(),
            Some(other) => comparison(ws, catalog, other, overlay).0,
            None => None,
        };
        others.insert(at, set);
    }
    let lookup = |f: &FigureRef| match f.at {
        None => figures.by_name.get(&f.name).cloned(),
        Some(at) => others.get(&at).cloned().flatten().and_then(|set| set.by_name.get(&f.name).cloned()),
    };
    figures::check_rules(&rules, &lookup)
}

/// Figures that changed by more than half against the same period last year: worth a second
/// look (a wrong unit, a missing township), but not an error.
fn large_changes(figures: &Figures, used: &[String]) -> Vec<Problem> {
    use crate::model::Kind;
    let Some(last_year) = &figures.last_year else { return Vec::new() };
    let mut warnings = Vec::new();
    for name in used {
        let (Some(now), Some(then)) = (figures.by_name.get(name), last_year.by_name.get(name)) else { continue };
        if !matches!(now.decl.kind, Kind::Count | Kind::Money | Kind::Quantity) {
            continue;
        }
        let (Some(a), Some(b)) = (now.value.as_decimal(), then.value.as_decimal()) else { continue };
        if b.is_zero() {
            continue;
        }
        let change = (a - b) / b * rust_decimal::Decimal::from(100);
        if change.abs() > rust_decimal::Decimal::from(50) {
            let unit = now.decl.display_unit();
            warnings.push(
                Problem::at(
                    now.source.clone(),
                    t!(
                        "pipeline.large_change",
                        direction = if change > rust_decimal::Decimal::ZERO {
                            t!("pipeline.above")
                        } else {
                            t!("pipeline.below")
                        },
                        now = now.display(),
                        unit = unit,
                        change = crate::values::number::format_decimal(change.abs(), Some(1)),
                        period = last_year.period,
                        then = then.display(),
                        source = then.source
                    ),
                )
                .figure(name),
            );
        }
    }
    warnings
}

/// The figures of an earlier period for 同比/环比, read with this period's catalog. A figure
/// that folder does not give (or leaves empty) is simply not compared; every value it does give
/// must be right, and its problems are returned.
fn comparison(
    ws: &Workspace,
    catalog: &Catalog,
    period: Period,
    overlay: &[InputFile],
) -> (Option<std::sync::Arc<Figures>>, Vec<InputFile>, Vec<Problem>) {
    let Some(dir) = ws.periods.get(&period) else { return (None, Vec::new(), Vec::new()) };
    // Whatever it reads is an input, even when it does not parse: a fix to it changes this report.
    let (data, _sheets, mut problems) = load_data(ws, catalog, dir, period, overlay);
    let (taken, mut inputs, more) =
        taken::taken_figures(ws, catalog, period, overlay, true, &|name| data.values.contains_key(name));
    problems.extend(more);
    let (figures, more) = figures::check_with(catalog, &data.values, &taken, period, true);
    problems.extend(more);
    inputs.splice(0..0, data.files);
    (Some(std::sync::Arc::new(figures)), inputs, problems)
}

/// A period's data: YAML values, township sheets, and the figures summed from those sheets.
/// Returns what could be read with every problem found.
fn load_data(
    ws: &Workspace,
    catalog: &Catalog,
    dir: &str,
    period: Period,
    overlay: &[InputFile],
) -> (data::PeriodData, Vec<sheets::Sheet>, Vec<Problem>) {
    let (mut data, mut problems) = data::load_period_with(&ws.root, dir, overlay);
    let (sheets, more, failed) = sheets::load(&data.files, &catalog.tables, period);
    problems.extend(more);
    data.unreadable.extend(failed);
    problems.extend(read_form(catalog, &mut data));
    for (name, declared) in &catalog.figures {
        let (table, column, condition) = match &declared.decl.origin {
            Origin::Sum(sum) => (&sum.table, Some(sum.column.as_str()), None),
            Origin::CountRows { table, condition } => (table, None, condition.as_ref()),
            Origin::Data | Origin::Formula(_) | Origin::Period(_) => continue,
        };
        let Some(sheet) = sheets.iter().find(|s| &s.name == table) else { continue };
        let raw = sheets::derived_value(sheet, column, condition);
        if let Some(given) = data.values.get(name) {
            problems.push(
                Problem::at(given.source.clone(), t!("pipeline.given_and_summed", table = table, file = sheet.file))
                    .figure(name),
            );
            continue;
        }
        data.values.insert(name.clone(), raw);
    }
    (data, sheets, problems)
}

/// The figures of the period's 填报表, if it has one, added to the values of its other files;
/// a figure given in both is an error naming both places.
fn read_form(catalog: &Catalog, data: &mut data::PeriodData) -> Vec<Problem> {
    let is_form = |f: &&InputFile| f.path.rsplit('/').next() == Some(data::FORM_FILE);
    let Some(file) = data.files.iter().find(is_form) else { return Vec::new() };
    let (form, mut problems) = data::form::read::read(&file.bytes, &file.path, catalog);
    if form.has_figures {
        data.form = Some(file.path.clone());
    }
    data.reported.extend(form.reported);
    for (name, raw) in form.values {
        if let Some(other) = data.values.get(&name) {
            problems.push(
                Problem::at(raw.source.clone(), t!("form.given_twice", form = raw.source, other = other.source))
                    .figure(&name),
            );
            data.reported.push(name);
            continue;
        }
        data.values.insert(name, raw);
    }
    problems
}

/// With a 填报表 of figures, every figure a data file gives must have its row: a row deleted is
/// a missing figure, said at the form.
fn form_rows_missing(catalog: &Catalog, data: &mut data::PeriodData) -> Vec<Problem> {
    let Some(form) = data.form.clone() else { return Vec::new() };
    let mut problems = Vec::new();
    for (name, declared) in &catalog.figures {
        // A figure summed from a township table nobody gave is a row of the form too; one
        // computed by a formula or taken from another period is not.
        let typed = !declared.decl.is_computed();
        if typed && !data.values.contains_key(name) && !data.reported.contains(name) {
            problems.push(Problem::at(crate::error::Source::file(&form), t!("form.row_missing")).figure(name));
            data.reported.push(name.clone());
        }
    }
    problems
}

/// The report's date: the catalog's `report_date` figure, else the period's last day. Never the
/// clock, so a rebuild gives the same bytes.
fn report_date(catalog: &Catalog, figures: &Figures) -> chrono::NaiveDate {
    let named = catalog.report_date.as_ref().and_then(|name| figures.by_name.get(name));
    match named.map(|f| &f.value) {
        Some(figures::FigureValue::Date(d)) => *d,
        _ => figures.period.last_day(),
    }
}

fn input(mut problems: Vec<Problem>, more: Vec<Problem>) -> Error {
    problems.extend(more);
    // Sorted by file and line, so a statistician can work down the list file by file.
    problems.sort_by(|a, b| a.source.cmp(&b.source));
    problems.dedup();
    Error::Input(problems)
}

/// Most bytes of the title as a file name (UTF-8; 3 bytes a Chinese character): 255 on Linux
/// and Windows, with room for the extension and a `versions/N/` copy's folder.
const MAX_STEM_BYTES: usize = 200;

/// The report title as a file name: characters that no file system takes become `_`. A title too
/// long for a file name (a long 关于…的报告 is normal) keeps its whole text in the report; its
/// file name is cut at a character boundary and ends with 8 hex digits of the title's SHA-256,
/// so the name is the same on every build and two long titles that begin alike differ.
pub fn file_stem(title: &str) -> String {
    let stem = plain_stem(title);
    if stem.len() <= MAX_STEM_BYTES {
        return stem;
    }
    let hash: String = crate::archive::sha256(title.as_bytes()).chars().take(8).collect();
    let mut cut = MAX_STEM_BYTES - hash.len() - 1;
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{hash}", stem[..cut].trim_end())
}

fn plain_stem(title: &str) -> String {
    let stem: String =
        title
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    let stem = stem.trim().trim_start_matches('.');
    if stem.is_empty() {
        "report".to_string()
    } else {
        stem.to_string()
    }
}
