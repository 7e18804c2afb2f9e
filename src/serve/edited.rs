//! `POST /p/{period}/import?name=…&apply=0|1&accept=0|1`: an edited .docx (or .md, .txt) of the
//! period's report, uploaded on the period page. Without `apply` nothing is written and the page
//! shows `import --into`'s summary (or why it would stop: a hand-changed number, a computed
//! value); with `apply=1` the same file is imported as `zongjie import FILE --into PERIOD`
//! (`accept=1` as `--accept-edits`), under the workspace lock that command takes.

use super::{on_period, Failure, State, UPLOAD_MAX};
use crate::import::into;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_i18n::t;
use std::sync::Arc;

/// The query of the upload.
#[derive(Debug, serde::Deserialize)]
pub(super) struct ImportQuery {
    name: String,
    #[serde(default)]
    apply: u8,
    #[serde(default)]
    accept: u8,
}

/// The answer, as the page's other actions answer: whether it can be (or was) done, and the
/// summary's lines.
#[derive(Debug, serde::Serialize)]
struct Reply {
    ok: bool,
    messages: Vec<String>,
    /// Whether the page should offer to write it (a summary that wrote nothing yet).
    confirm: bool,
}

/// `POST /p/{period}/import`.
pub(super) async fn import_edited(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    body: axum::body::Body,
) -> Result<Response, Failure> {
    let Path(period) = path.map_err(super::bad_path)?;
    let Query(query) =
        query.map_err(|_| Failure::new(StatusCode::BAD_REQUEST, t!("serve.upload_no_name").into_owned()))?;
    let too_large = || Failure::new(StatusCode::PAYLOAD_TOO_LARGE, t!("serve.upload_too_large", mb = UPLOAD_MAX >> 20));
    let bytes = axum::body::to_bytes(body, UPLOAD_MAX).await.map_err(|_| too_large())?.to_vec();
    // Only the last component of the browser's name, for messages.
    let name = query.name.rsplit(['/', '\\']).next().unwrap_or("").to_string();
    on_period(state, period, move |site, period| {
        let apply = query.apply == 1;
        let options = into::Options {
            file: std::path::PathBuf::from(&name),
            root: site.workspace.root.clone(),
            period,
            accept_edits: query.accept == 1,
            no_tracked: false,
            dry_run: !apply,
        };
        let (status, reply) = match into::import_bytes(&options, bytes, &name) {
            Ok(summary) => {
                let mut messages = summary.lines(!apply);
                if apply {
                    messages.extend(summary.written.iter().map(|p| t!("cli.wrote", path = p).into_owned()));
                    messages.push(t!("import.into_next", period = period).into_owned());
                }
                (StatusCode::OK, Reply { ok: true, messages, confirm: !apply })
            }
            Err(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Reply { ok: false, messages: e.to_string().lines().map(str::to_string).collect(), confirm: false },
            ),
        };
        let body = serde_json::to_string(&reply).unwrap_or_default();
        Ok((status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response())
    })
    .await
}
