//! Figures a catalog takes from another period (`from: 特困.护理费@上年全年`): read from that
//! period's own data with that period's own catalog, so that a report quoting last year's annual
//! figure can only say what last year's annual report said. The figure keeps the source of the
//! value (the other period's file:line), and the files read are inputs of this report.

use super::load_data;
use crate::data::InputFile;
use crate::error::Problem;
use crate::figures::{self, Figure, Figures};
use crate::model::{Catalog, Origin};
use crate::values::period::Period;
use crate::workspace::Workspace;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What [`taken_figures`] found: the figures by this catalog's names, the files read, and the
/// problems (missing only when `absent_ok` is false).
pub(super) type Taken = (BTreeMap<String, Arc<Figure>>, Vec<InputFile>, Vec<Problem>);

/// Every `from:` figure of `catalog` for a report of `period`. For a comparison period
/// (`absent_ok`), a figure the other period does not give is simply left out. When data/ has no
/// folder for the other period at all (the first year of a workspace), a figure this period's
/// data gives (`typed_here`) is read from there like any other.
pub(super) fn taken_figures(
    ws: &Workspace,
    catalog: &Catalog,
    period: Period,
    overlay: &[InputFile],
    absent_ok: bool,
    typed_here: &dyn Fn(&str) -> bool,
) -> Taken {
    let mut taken = BTreeMap::new();
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    // Each other period is read once, however many figures it gives.
    let mut read: BTreeMap<Period, Other> = BTreeMap::new();
    for (name, declared) in &catalog.figures {
        let Origin::Period(from) = &declared.decl.origin else { continue };
        let problem = |message: String| Problem::at(declared.source.clone(), message).figure(name);
        let Some(other) = from.at.and_then(|at| at.resolve(period)) else { continue };
        let figures = read
            .entry(other)
            .or_insert_with(|| {
                let (figures, files, more) = own_figures(ws, other, overlay);
                inputs.extend(files);
                problems.extend(more);
                figures
            })
            .clone();
        let figures = match figures {
            Other::Read(figures) => figures,
            Other::Missing => {
                if !absent_ok && !typed_here(name) {
                    problems.push(problem(t!("pipeline.from_no_data", from = from.to_string(), period = other).into()));
                }
                continue;
            }
            // Its own problems say why.
            Other::Unreadable => continue,
        };
        let Some(found) = figures.by_name.get(&from.name) else {
            if !absent_ok {
                let message = t!("pipeline.from_missing", from = from.to_string(), name = from.name, period = other);
                problems.push(problem(message.into()));
            }
            continue;
        };
        let (own, theirs) = (&declared.decl, &found.decl);
        if own.kind != theirs.kind || own.base_unit() != theirs.base_unit() {
            let message = t!(
                "pipeline.from_other_kind",
                from = from.to_string(),
                kind = figures::kind_name(theirs.kind),
                unit = theirs.display_unit(),
                own = figures::kind_name(own.kind),
                own_unit = own.display_unit()
            );
            problems.push(problem(message.into()));
            continue;
        }
        let figure = Figure {
            name: name.clone(),
            decl: own.clone(),
            value: found.value.clone(),
            entered: found.entered.clone(),
            source: found.source.clone(),
            // Part of the report (the sources appendix): Chinese whatever the language of messages.
            via: Some(t!("pipeline.from_via", locale = "zh-CN", period = other, name = from.name).into()),
        };
        taken.insert(name.clone(), Arc::new(figure));
    }
    (taken, inputs, problems)
}

/// Another period as [`own_figures`] found it.
#[derive(Debug, Clone)]
enum Other {
    /// data/ has no folder for it.
    Missing,
    /// Its catalog could not be read (the problems say why).
    Unreadable,
    /// Its figures.
    Read(Arc<Figures>),
}

/// A period's figures as its own report reads them: its own catalog, its own data. Its catalog
/// and data files are returned as inputs.
fn own_figures(ws: &Workspace, period: Period, overlay: &[InputFile]) -> (Other, Vec<InputFile>, Vec<Problem>) {
    let Some(dir) = ws.periods.get(&period) else { return (Other::Missing, Vec::new(), Vec::new()) };
    let (_, catalog_source, catalog) = match ws.template_for(period) {
        Ok(found) => found,
        Err(crate::error::Error::Input(problems)) => return (Other::Unreadable, Vec::new(), problems),
        Err(e) => {
            let problem = Problem::at(crate::error::Source::file(dir), e.to_string());
            return (Other::Unreadable, Vec::new(), vec![problem]);
        }
    };
    let (data, _sheets, mut problems) = load_data(ws, &catalog, dir, period, overlay);
    let (figures, more) = figures::check(&catalog, &data.values, period, true);
    problems.extend(more);
    let mut inputs = data.files;
    inputs.push(InputFile { path: catalog_source.name, bytes: catalog_source.text.into_bytes() });
    (Other::Read(Arc::new(figures)), inputs, problems)
}
