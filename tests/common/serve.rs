//! The server of `zongjie serve` called in-process: the real Router through tower's `oneshot`,
//! no socket, as tests/serve.rs and tests/hardening.rs call it.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;
use zongjie::serve::{router, State};

pub const PORT: u16 = 8787;
pub const HOST: &str = "127.0.0.1:8787";
pub const ORIGIN: &str = "http://127.0.0.1:8787";

/// The server's answer: status, content type, body.
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The Content-Type header.
    pub content_type: String,
    /// Every header.
    pub headers: axum::http::HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8")
    }
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

pub fn state(root: &Path) -> Arc<State> {
    // The server's messages are Chinese unless asked otherwise, like the CLI's.
    zongjie::i18n::set(zongjie::i18n::Lang::Chinese);
    State::new(root.to_path_buf(), PORT)
}

pub fn send(state: &Arc<State>, request: Request<Body>) -> Answer {
    block_on(async {
        let response = router(state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let content_type =
            headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        Answer { status, content_type, headers, body }
    })
}

pub fn get(state: &Arc<State>, uri: &str) -> Answer {
    send(state, Request::get(uri).header(header::HOST, HOST).body(Body::empty()).unwrap())
}

pub fn post(state: &Arc<State>, uri: &str, body: Vec<u8>) -> Answer {
    send(
        state,
        Request::post(uri).header(header::HOST, HOST).header(header::ORIGIN, ORIGIN).body(Body::from(body)).unwrap(),
    )
}

/// `s` percent-encoded for a URL (every byte outside ASCII letters, digits and `-._`).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `POST /p/{period}/upload?name=…` with `body`.
pub fn upload(state: &Arc<State>, period: &str, name: &str, body: &[u8]) -> Answer {
    post(state, &format!("/p/{period}/upload?name={}", encode(name)), body.to_vec())
}
