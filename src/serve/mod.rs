//! `zongjie serve`: a local web page over one workspace, for the people who write the reports in
//! a browser rather than a terminal.
//!
//! A thin layer over the stages: every page and action works on the same [`Site`] as the CLI
//! (`Site::prepare_with`, `Site::build`, `review::rows`, `scaffold::new_period`,
//! `archive_data::replace_data_file`, the archive's comparison and the workspace lock). Only loopback is served, and [`security`] refuses a
//! request whose Host or Origin is not this server's own address.
//!
//! Routes (a period is written as on the command line, `2024H1`):
//!
//! | route | what |
//! |---|---|
//! | `GET /` | every period with its template and its state |
//! | `GET /p/{period}` | preview, problems, figures, outputs, upload |
//! | `GET /p/{period}/figures.csv` | the figures as `zongjie figures --format csv` |
//! | `GET /p/{period}/files/{name}` | an output the period's manifest lists |
//! | `POST /p/{period}/build` | md, pdf, docx and ofd, as `zongjie build --format md,pdf,docx,ofd` |
//! | `POST /p/{period}/new` | the same period next year, as `zongjie new` |
//! | `POST /p/{period}/upload?name=…` | a data file, checked with the period before it is saved |
//! | `POST /p/{period}/import?name=…&apply=0\|1&accept=0\|1` | an edited report: `import --into`'s summary first, written with `apply=1` |
//! | `GET /stamp` | changes when a file of the workspace changes (the page polls it) |
//! | `GET /assets/…`, `GET /fonts/…` | the page's script and style, the bundled fonts |

use crate::error::Problem;
use crate::pipeline::site::Site;
use crate::values::period::Period;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

mod actions;
mod edited;
mod files;
mod pages;
pub mod security;
mod wire;

/// The largest upload taken: a county's data files are some hundred kilobytes.
pub const UPLOAD_MAX: usize = 20 << 20;

/// What every request handler shares.
pub struct State {
    /// The workspace folder.
    pub root: PathBuf,
    /// The port listened on: the Host and Origin a request must name.
    pub port: u16,
    /// The last preview of each period whose checks passed, shown (as such) while its data has
    /// problems.
    previews: Mutex<HashMap<Period, Arc<pages::Preview>>>,
}

impl State {
    /// The state of a server over the workspace at `root` listening on `port`.
    pub fn new(root: PathBuf, port: u16) -> Arc<State> {
        Arc::new(State { root, port, previews: Mutex::new(HashMap::new()) })
    }
}

/// The router with every route, behind the Host/Origin guard.
pub fn router(state: Arc<State>) -> axum::Router {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/", get(pages::workspace))
        .route("/p/{period}", get(pages::period))
        .route("/p/{period}/figures.csv", get(files::figures_csv))
        .route("/p/{period}/files/{name}", get(files::output))
        .route("/p/{period}/build", post(actions::build))
        .route("/p/{period}/new", post(actions::new_period))
        .route("/p/{period}/upload", post(actions::upload))
        .route("/p/{period}/import", post(edited::import_edited))
        .route("/stamp", get(files::stamp))
        .route("/assets/{name}", get(files::asset))
        .route("/fonts/{name}", get(files::font))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::guard))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` completes (Ctrl-C in the CLI).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // hyper's own refusals (400, 414, 431) get the page's message (see `wire`).
    axum::serve(wire::Listener(listener), router(state)).with_graceful_shutdown(shutdown).await
}

/// A request that cannot be served: its status and the message, in the user's language.
#[derive(Debug)]
pub struct Failure {
    /// The HTTP status (4xx for the request, 5xx for the workspace or the server).
    pub status: StatusCode,
    /// What went wrong and what to do.
    pub message: String,
}

impl Failure {
    /// A failure with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Failure {
        Failure { status, message: message.into() }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, format!("{}\n", self.message)).into_response();
        response.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

impl From<crate::error::Error> for Failure {
    /// The library's message names the place; see [`status_of`] for the status.
    fn from(e: crate::error::Error) -> Failure {
        Failure::new(status_of(&e), e.to_string())
    }
}

/// The status of a library error: input problems are the request's (422), something in the
/// way the workspace's (409), anything else the server's (500).
fn status_of(e: &crate::error::Error) -> StatusCode {
    use crate::error::Error;
    match e {
        Error::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Stopped(_) => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The period a route names, if it is a period with a data folder in the workspace.
fn period_of(ws: &crate::workspace::Workspace, text: &str) -> Result<Period, Failure> {
    let period: Period = text
        .parse()
        .map_err(|_| Failure::new(StatusCode::NOT_FOUND, rust_i18n::t!("serve.no_such_period", period = text)))?;
    if !ws.periods.contains_key(&period) {
        return Err(Failure::new(StatusCode::NOT_FOUND, rust_i18n::t!("serve.no_such_period", period = text)));
    }
    Ok(period)
}

/// Opens the workspace for one request (its settings and periods may have changed on disk).
fn open(state: &State) -> Result<Site, Failure> {
    Ok(Site::open(&state.root)?)
}

/// Runs `work` off the async threads with the workspace as it is on disk now and the period the
/// request names (404 when the workspace has no such period).
async fn on_period<T: Send + 'static>(
    state: Arc<State>,
    period: String,
    work: impl FnOnce(Site, Period) -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    blocking(move || {
        let site = open(&state)?;
        let period = period_of(&site.workspace, &period)?;
        work(site, period)
    })
    .await
}

/// Runs pipeline work off the async threads; a panic in it becomes a 500 with a message.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T, Failure> + Send + 'static) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(Failure::new(StatusCode::INTERNAL_SERVER_ERROR, rust_i18n::t!("serve.internal"))))
}

/// One problem as the page lists it: the text `check` prints and the figure it concerns.
#[derive(Debug, Clone, serde::Serialize)]
struct ProblemView {
    text: String,
    figure: Option<String>,
}

impl From<&Problem> for ProblemView {
    fn from(p: &Problem) -> ProblemView {
        ProblemView { text: p.to_string(), figure: p.figure.clone() }
    }
}

/// The problems of a failed stage: each input problem, or the one message of another error.
fn problems_of(e: &crate::error::Error) -> Vec<ProblemView> {
    match e {
        crate::error::Error::Input(problems) => problems.iter().map(ProblemView::from).collect(),
        other => vec![ProblemView { text: other.to_string(), figure: None }],
    }
}

async fn not_found() -> Failure {
    Failure::new(StatusCode::NOT_FOUND, rust_i18n::t!("serve.not_found"))
}

async fn method_not_allowed() -> Failure {
    Failure::new(StatusCode::METHOD_NOT_ALLOWED, rust_i18n::t!("serve.method_not_allowed"))
}

/// A path parameter that could not be read (not UTF-8 after decoding, missing): a 400.
fn bad_path(_: axum::extract::rejection::PathRejection) -> Failure {
    Failure::new(StatusCode::BAD_REQUEST, rust_i18n::t!("serve.bad_path"))
}

/// Opens `url` in the default browser; a failure is ignored (the address is printed anyway).
pub fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/c", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    let _ = command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
