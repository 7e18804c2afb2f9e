//! What the server hands out as files: the outputs a period's manifest lists (nothing else of
//! the disk), the figures as CSV, the page's script and style, and the bundled fonts. Also the
//! stamp the open page polls to know that a file changed on disk.

use super::{blocking, on_period, Failure, State};
use crate::archive::{self, Manifest};
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_i18n::t;
use std::sync::Arc;

type PathResult<T> = Result<Path<T>, axum::extract::rejection::PathRejection>;

/// A response with `bytes` of `content_type`; with `download`, saved under that name.
fn file(bytes: Vec<u8>, content_type: &'static str, download: Option<&str>) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(name) = download {
        // RFC 6266/5987: the UTF-8 name percent-encoded, an ASCII stand-in for old clients.
        let encoded = percent_encode(name);
        let ext = std::path::Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("bin");
        let value = format!("attachment; filename=\"report.{ext}\"; filename*=UTF-8''{encoded}");
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}

/// `text` with every byte but ASCII letters, digits and `-._` percent-encoded (a URL path
/// segment, a header's file name).
pub(super) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The content type of an output, by its extension.
fn content_type(name: &str) -> &'static str {
    match std::path::Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("pdf") => "application/pdf",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("ofd") => "application/ofd",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `GET /p/{period}/files/{name}`: an output of the period, only by a name its manifest lists,
/// only a plain file in the period's output folder.
pub(super) async fn output(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: PathResult<(String, String)>,
) -> Result<Response, Failure> {
    let Path((period, name)) = path.map_err(super::bad_path)?;
    on_period(state, period, move |site, period| {
        let dir = site.workspace.root.join("output").join(period.to_string());
        let shown = format!("output/{period}");
        archive::readable_folder(&site.workspace.root, &dir, &shown)
            .map_err(|e| Failure::new(StatusCode::FORBIDDEN, e.to_string()))?;
        let listed = Manifest::read(&dir, &shown)?.is_some_and(|m| m.outputs.contains_key(&name));
        let missing = || Failure::new(StatusCode::NOT_FOUND, t!("serve.no_such_output", name = name, period = period));
        if !listed || !archive::is_plain_name(&name) {
            return Err(missing());
        }
        let target = dir.join(&name);
        match std::fs::symlink_metadata(&target) {
            Ok(meta) if meta.is_file() => {}
            _ => return Err(missing()),
        }
        let bytes = std::fs::read(&target).map_err(|e| crate::error::Error::io(format!("{shown}/{name}"), e))?;
        Ok(file(bytes, content_type(&name), Some(&name)))
    })
    .await
}

/// `GET /p/{period}/figures.csv`: the figures as `zongjie figures --format csv` writes them.
pub(super) async fn figures_csv(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: PathResult<String>,
) -> Result<Response, Failure> {
    let Path(period) = path.map_err(super::bad_path)?;
    on_period(state, period, move |site, period| {
        let report = site.prepare(period)?;
        let csv = crate::pipeline::review::to_csv(&crate::pipeline::review::rows(&report.figures, &report.used));
        Ok(file(csv.into_bytes(), "text/csv; charset=utf-8", Some(&t!("serve.figures_csv_name", period = period))))
    })
    .await
}

/// `GET /stamp`: a short hash of every data file, template, catalog, setting and manifest of
/// the workspace (name, size, modification time). The page polls it and refreshes when it
/// changes: a statistician saving from Excel shows within a second.
pub(super) async fn stamp(axum::extract::State(state): axum::extract::State<Arc<State>>) -> Result<Response, Failure> {
    blocking(move || Ok(file(workspace_stamp(&state.root).into_bytes(), "text/plain; charset=utf-8", None))).await
}

/// See [`stamp`]. Hidden entries (kept versions, temporary files) are left out.
pub fn workspace_stamp(root: &std::path::Path) -> String {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    let folders = ["data", "templates", "output"].map(|f| root.join(f));
    let files = folders.iter().flat_map(|folder| {
        walkdir::WalkDir::new(folder)
            .follow_links(true)
            .max_depth(4)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
    });
    let config = walkdir::WalkDir::new(root.join(crate::workspace::CONFIG_FILE)).into_iter().filter_map(Result::ok);
    for entry in files.chain(config) {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified =
            meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        hash.update(format!("{}\0{}\0{modified}\n", entry.path().display(), meta.len()).as_bytes());
    }
    hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `GET /assets/{name}`: the page's script and style, embedded in the binary.
pub(super) async fn asset(path: PathResult<String>) -> Result<Response, Failure> {
    let Path(name) = path.map_err(super::bad_path)?;
    let (bytes, content_type): (&'static str, &'static str) = match name.as_str() {
        "app.js" => (include_str!("assets/app.js"), "text/javascript; charset=utf-8"),
        "style.css" => (include_str!("assets/style.css"), "text/css; charset=utf-8"),
        _ => return Err(Failure::new(StatusCode::NOT_FOUND, t!("serve.not_found"))),
    };
    Ok(file(bytes.as_bytes().to_vec(), content_type, None))
}

/// `GET /fonts/{role}.otf`: a bundled Fandol font as a web font (`body`, `title`, `hei`, `kai`,
/// `page_number`), cached by the browser: the bytes never change within a binary.
pub(super) async fn font(path: PathResult<String>) -> Result<Response, Failure> {
    let Path(name) = path.map_err(super::bad_path)?;
    use crate::render::page::fonts::Role;
    let role = Role::ALL.into_iter().find(|r| name.strip_suffix(".otf") == Some(r.key()));
    let Some(role) = role else { return Err(Failure::new(StatusCode::NOT_FOUND, t!("serve.not_found"))) };
    let mut response = (StatusCode::OK, role.bundled().1).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("font/otf"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(response)
}
