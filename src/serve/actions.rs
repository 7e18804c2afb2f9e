//! What the page's buttons do: build (as `zongjie build --format md,pdf,docx`), start the next
//! period (as `zongjie new`), and take an uploaded data file, checked with its period before it
//! is saved. Each holds the workspace lock, so a build here and one from the command line never
//! interleave; each answers JSON for the page's script.

use super::{on_period, problems_of, Failure, ProblemView, State, UPLOAD_MAX};
use crate::archive::{self, Output};
use crate::data::{self, InputFile};
use crate::lock::{self, Mode, LOCK_FILE};
use crate::period::Period;
use crate::pipeline::{self, Prepare};
use crate::site::{BuildOptions, Format};
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
        // Every format, as `zongjie build --format md,pdf,docx`; a font problem is said before
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
        match crate::scaffold::new_period(ws, next) {
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

/// The query of an upload: the file's name as the browser gives it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct UploadQuery {
    name: String,
}

/// Extensions a data file may have when uploaded.
const UPLOAD_EXTENSIONS: [&str; 4] = ["csv", "xlsx", "yaml", "yml"];

/// The name an uploaded file is saved under: the last part of what the browser sent (a path is
/// cut to its file name), which must be a plain visible name with a data file's extension and
/// not the period's own catalog or template.
pub fn upload_name(given: &str) -> Result<String, String> {
    let name = given.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let refuse = |key: &str| Err(t!(key, name = given).into_owned());
    if name.is_empty() || name.starts_with('.') {
        return refuse("serve.upload_name_hidden");
    }
    if name.chars().any(|c| archive::is_invisible(c) || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        || name.len() > 200
    {
        return refuse("serve.upload_name_bad");
    }
    let ext = std::path::Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !UPLOAD_EXTENSIONS.contains(&ext.as_str()) {
        return refuse("serve.upload_extension");
    }
    if data::NOT_DATA.contains(&name) {
        return refuse("serve.upload_not_data");
    }
    Ok(name.to_string())
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
    let name = upload_name(&query.name).map_err(|m| Failure::new(StatusCode::BAD_REQUEST, m))?;
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
        let rel = format!("{dir}/{name}");
        let _lock = write_lock(&ws)?;
        let folder = ws.root.join(&dir);
        check_target(&ws, &folder, &name, &rel)?;
        let before = match pipeline::prepare(&ws, period) {
            Ok(_) => Vec::new(),
            Err(e) => problems_of(&e),
        };
        let overlay = [InputFile { path: rel.clone(), bytes }];
        let checked = pipeline::prepare_with(&ws, period, Prepare { overlay: &overlay, marked: false });
        let warnings = match checked {
            Ok(report) => report.warnings.iter().map(ProblemView::from).collect(),
            Err(e) => {
                // Problems the folder had before are not this file's: a fix may come one file at
                // a time. Any other problem stops the upload.
                let brought: Vec<ProblemView> =
                    problems_of(&e).into_iter().filter(|p| !before.iter().any(|b| b.text == p.text)).collect();
                if !brought.is_empty() {
                    let message = t!("serve.upload_refused", name = name, period = period).into_owned();
                    let reply = Reply { ok: false, messages: vec![message], problems: brought, ..Reply::default() };
                    return Ok(reply.respond(StatusCode::UNPROCESSABLE_ENTITY));
                }
                Vec::new()
            }
        };
        let [InputFile { bytes, .. }] = overlay;
        let mut messages = Vec::new();
        match std::fs::read(folder.join(&name)) {
            Ok(old) if old == bytes => {
                messages.push(t!("serve.upload_same", path = rel).into_owned());
                return Ok(Reply { ok: true, messages, warnings, ..Reply::default() }.respond(StatusCode::OK));
            }
            Ok(_) => {
                let kept = archive::keep_copy(&folder, &name, &folder.join(VERSIONS))
                    .map_err(|e| crate::error::Error::io(format!("{dir}/{VERSIONS}"), e))?;
                let kept = data::relative(&ws.root, &kept.join(&name));
                messages.push(t!("serve.upload_kept", path = kept).into_owned());
            }
            Err(_) => {}
        }
        archive::write_files(&folder, &[Output { name: name.clone(), bytes }])?;
        messages.push(t!("serve.upload_saved", path = rel).into_owned());
        Ok(Reply { ok: true, messages, warnings, ..Reply::default() }.respond(StatusCode::OK))
    })
    .await
}

/// Where replaced data files are kept, inside the period's data folder: hidden, so that it is
/// never read as data (nor copied by `new`).
pub const VERSIONS: &str = ".versions";

/// The file an upload would replace must be a plain file (never written through a link), and
/// the period folder must lie inside the workspace.
fn check_target(ws: &Workspace, folder: &std::path::Path, name: &str, rel: &str) -> Result<(), Failure> {
    let inside = match (folder.canonicalize(), ws.root.canonicalize()) {
        (Ok(folder), Ok(root)) => folder.starts_with(root),
        _ => false,
    };
    if !inside {
        return Err(Failure::new(StatusCode::FORBIDDEN, t!("serve.upload_outside", path = rel)));
    }
    match std::fs::symlink_metadata(folder.join(name)) {
        Ok(meta) if !meta.is_file() => {
            Err(Failure::new(StatusCode::CONFLICT, t!("serve.upload_not_plain", path = rel)))
        }
        _ => Ok(()),
    }
}
