//! What the page's buttons do: build (as `zongjie build --format md,pdf,docx,ofd`), start the next
//! period (as `zongjie new`), and take an uploaded data file, checked with its period before it
//! is saved. Each holds the workspace lock, so a build here and one from the command line never
//! interleave; each answers JSON for the page's script.

use super::{on_period, problems_of, Failure, ProblemView, State, UPLOAD_MAX};
use crate::archive::lock::{self, Mode, LOCK_FILE};
use crate::data;
use crate::data::replace::{self, NotReplaced};
use crate::pipeline::site::{BuildOptions, Format};
use crate::pipeline::Prepare;
use crate::values::period::Period;
use crate::workspace::Workspace;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_i18n::t;
use std::sync::Arc;

/// The answer to an action: whether it was done, what was done (or why not), the problems of
/// the data, warnings, and where the page should go next.
#[derive(Debug, Default, serde::Serialize)]
pub(super) struct Reply {
    ok: bool,
    messages: Vec<String>,
    problems: Vec<ProblemView>,
    warnings: Vec<ProblemView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    go: Option<String>,
}

impl Reply {
    fn respond(self, status: StatusCode) -> Response {
        let body = serde_json::to_string(&self).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
    }
}

/// Takes the workspace lock for writing, waiting for a `zongjie build` that holds it.
fn write_lock(ws: &Workspace) -> Result<Option<lock::Lock>, Failure> {
    Ok(lock::acquire(&ws.root.join(LOCK_FILE), LOCK_FILE, Mode::Write, true, || {})?)
}

/// `POST /p/{period}/build`.
pub(super) async fn build(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, Failure> {
    let Path(period) = path.map_err(super::bad_path)?;
    on_period(state, period, move |site, period| {
        // Every format, as `zongjie build --format md,pdf,docx,ofd`; a font problem is said before
        // the lock is waited for.
        site.load_renderers(&Format::ALL)?;
        let ws = &site.workspace;
        let out = ws.root.join("output");
        let _lock = write_lock(ws)?;
        let options = BuildOptions { formats: Format::ALL.to_vec(), out_root: out.clone(), with_figures: false };
        match site.build(period, &options) {
            Ok(built) => {
                let dir = out.join(period.to_string());
                let messages = built.written.messages(&dir, |p| data::relative(&ws.root, p));
                let warnings = built.warnings.iter().map(ProblemView::from).collect();
                Ok(Reply { ok: true, messages, warnings, ..Reply::default() }.respond(StatusCode::OK))
            }
            Err(e) => Ok(failed(&e, t!("serve.build_failed", period = period).into_owned())),
        }
    })
    .await
}

/// The reply of an action the data stopped (422) or the workspace stopped (409, 500).
fn failed(e: &crate::error::Error, message: String) -> Response {
    Reply { ok: false, messages: vec![message], problems: problems_of(e), ..Reply::default() }
        .respond(super::status_of(e))
}

/// `POST /p/{period}/new`: starts the same period next year (2025H1 after 2024H1) from this one.
pub(super) async fn new_period(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, Failure> {
    let Path(period) = path.map_err(super::bad_path)?;
    on_period(state, period, move |site, period| {
        let ws = &site.workspace;
        let next = Period { year: period.year + 1, span: period.span };
        let _lock = write_lock(ws)?;
        match crate::pipeline::scaffold::new_period(ws, next) {
            Ok(paths) => {
                let mut messages: Vec<String> =
                    paths.iter().map(|p| t!("cli.wrote", path = data::relative(&ws.root, p)).into_owned()).collect();
                messages.push(t!("serve.new_done", period = next).into_owned());
                Ok(Reply { ok: true, messages, go: Some(format!("/p/{next}")), ..Reply::default() }
                    .respond(StatusCode::OK))
            }
            Err(e) => Ok(failed(&e, t!("serve.new_failed", period = next).into_owned())),
        }
    })
    .await
}

/// The rule of an upload: the file is saved only when the whole period, with it, has been
/// checked and it brings no new problem there, nor to any other period whose report reads this
/// one (同比, 环比, a year's rule on its H1). Problems the folders had before are not the file's:
/// a fix may come one file at a time. A period that cannot be checked at all (its catalog does
/// not load, another of its files cannot be read) takes no file: the reply says why.
fn upload_check(
    site: &crate::pipeline::site::Site,
    period: Period,
    name: &str,
    overlay: &[crate::data::InputFile],
) -> Result<Vec<ProblemView>, Response> {
    let ws = &site.workspace;
    let refuse = |messages: Vec<String>, problems: Vec<ProblemView>| {
        Reply { ok: false, messages, problems, ..Reply::default() }.respond(StatusCode::UNPROCESSABLE_ENTITY)
    };
    let uploaded = overlay.first().map(|f| f.path.as_str()).unwrap_or("");
    let (own, others): (Vec<_>, Vec<_>) = crate::pipeline::unchecked(ws, period, overlay)
        .into_iter()
        .partition(|p| p.source.as_ref().is_some_and(|s| s.file == uploaded));
    if !others.is_empty() {
        let message = t!("serve.upload_unchecked", name = name, period = period).into_owned();
        return Err(refuse(vec![message], others.iter().map(ProblemView::from).collect()));
    }
    if !own.is_empty() {
        let message = t!("serve.upload_refused", name = name, period = period).into_owned();
        return Err(refuse(vec![message], own.iter().map(ProblemView::from).collect()));
    }
    let mut warnings = Vec::new();
    let mut messages = Vec::new();
    let mut brought = Vec::new();
    for checked in std::iter::once(period).chain(crate::pipeline::periods_reading(ws, period)) {
        let before = match site.prepare(checked) {
            Ok(_) => Vec::new(),
            Err(e) => problems_of(&e),
        };
        let problems = match site.prepare_with(checked, Prepare { overlay, marked: false }) {
            Ok(report) => {
                if checked == period {
                    warnings = report.warnings.iter().map(ProblemView::from).collect();
                }
                continue;
            }
            // Anything but problems of the data (a file that cannot be read, a renderer's
            // failure) means the period was not checked: nothing is saved.
            Err(e) if checked == period && !matches!(e, crate::error::Error::Input(_)) => {
                let message = t!("serve.upload_unchecked", name = name, period = period).into_owned();
                return Err(refuse(vec![message], problems_of(&e)));
            }
            Err(e) => problems_of(&e),
        };
        let new: Vec<ProblemView> = problems.into_iter().filter(|p| !before.iter().any(|b| b.text == p.text)).collect();
        if new.is_empty() {
            continue;
        }
        messages.push(if checked == period {
            t!("serve.upload_refused", name = name, period = period).into_owned()
        } else {
            t!("serve.upload_breaks", name = name, period = checked).into_owned()
        });
        brought.extend(new);
    }
    if brought.is_empty() {
        Ok(warnings)
    } else {
        Err(refuse(messages, brought))
    }
}

/// The query of an upload: the file's name as the browser gives it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct UploadQuery {
    name: String,
}

/// `POST /p/{period}/upload?name=…` with the file as the body. The period is checked with the
/// file in memory; a file that brings problems is not saved and its problems are returned
/// (422). A file it replaces is kept in the period's `.versions/N/` first.
pub(super) async fn upload(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<Response, Failure> {
    let Path(period) = path.map_err(super::bad_path)?;
    let Query(query) =
        query.map_err(|_| Failure::new(StatusCode::BAD_REQUEST, t!("serve.upload_no_name").into_owned()))?;
    let name =
        replace::data_file_name(&query.name).map_err(|m| Failure::new(StatusCode::BAD_REQUEST, m.to_string()))?;
    let too_large = || Failure::new(StatusCode::PAYLOAD_TOO_LARGE, t!("serve.upload_too_large", mb = UPLOAD_MAX >> 20));
    // A length said to be too large is refused at once, not waited for.
    let said = headers.get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if said.is_some_and(|n| n > UPLOAD_MAX as u64) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, UPLOAD_MAX).await.map_err(|_| too_large())?.to_vec();
    on_period(state, period, move |site, period| {
        let ws = &site.workspace;
        let dir = ws.period_dir(period)?.to_string();
        // The file is checked with its period, in memory, under the lock the replacement holds.
        let check = |overlay: &[crate::data::InputFile]| upload_check(&site, period, &name, overlay);
        let replaced = match replace::replace_data_file(&ws.root, &dir, &name, bytes, check) {
            Ok(replaced) => replaced,
            Err(NotReplaced::Refused(reply)) => return Ok(reply),
            Err(NotReplaced::Outside(message)) => return Err(Failure::new(StatusCode::FORBIDDEN, message)),
            Err(NotReplaced::NotPlain(message)) => return Err(Failure::new(StatusCode::CONFLICT, message)),
            Err(NotReplaced::Failed(e)) => return Err(e.into()),
        };
        let mut messages = Vec::new();
        if replaced.unchanged {
            messages.push(t!("serve.upload_same", path = replaced.path).into_owned());
        } else {
            if let Some(kept) = &replaced.kept {
                messages.push(t!("serve.upload_kept", path = kept).into_owned());
            }
            messages.push(t!("serve.upload_saved", path = replaced.path).into_owned());
        }
        let warnings = replaced.checked;
        Ok(Reply { ok: true, messages, warnings, ..Reply::default() }.respond(StatusCode::OK))
    })
    .await
}
