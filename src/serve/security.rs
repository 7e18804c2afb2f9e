//! Who may talk to the server. It listens on 127.0.0.1 only, but a web page on another site can
//! still make the browser send requests to it: a rebound DNS name (`evil.example` resolving to
//! 127.0.0.1) carries that name in `Host`, and a cross-site form or `fetch` carries the other
//! site in `Origin`. So every request must name this server's own address in `Host`, and every
//! request that changes something (anything but GET and HEAD) must come from its own pages.

use super::{Failure, State};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The addresses the server answers to: `127.0.0.1:PORT` and `localhost:PORT`.
pub fn is_local_host(host: &str, port: u16) -> bool {
    let Some((name, given)) = host.rsplit_once(':') else { return false };
    given == port.to_string() && (name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost"))
}

/// The origins of the server's own pages: `http://127.0.0.1:PORT`, `http://localhost:PORT`.
pub fn is_local_origin(origin: &str, port: u16) -> bool {
    origin.strip_prefix("http://").is_some_and(|host| is_local_host(host, port))
}

/// Refuses a request whose Host is not the server's address (403), and a request other than
/// GET or HEAD whose Origin is missing or not the server's own (403).
pub async fn guard(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    // Read before the request moves on (a reference to it may not be held across an await).
    let (host, origin) = {
        let header_text = |name: header::HeaderName| {
            request.headers().get(name).map(|v| v.to_str().map(str::to_string).unwrap_or_else(|_| "?".into()))
        };
        // HTTP/1.1 puts the address in Host; an absolute request line (proxy style) in the URI,
        // which then counts over Host (RFC 9112 3.2.2), so both must name this server.
        let host = request.uri().authority().map(|a| a.to_string()).or_else(|| header_text(header::HOST));
        // Two Host or Origin headers: a browser never sends them; only the first would be checked.
        let twice = |name: header::HeaderName| request.headers().get_all(name).iter().count() > 1;
        if twice(header::HOST) || twice(header::ORIGIN) {
            return Failure::new(StatusCode::BAD_REQUEST, rust_i18n::t!("serve.header_twice")).into_response();
        }
        (host, header_text(header::ORIGIN))
    };
    match host {
        Some(host) if is_local_host(&host, state.port) => {}
        Some(host) => {
            return Failure::new(StatusCode::FORBIDDEN, rust_i18n::t!("serve.bad_host", host = host, port = state.port))
                .into_response()
        }
        None => {
            return Failure::new(StatusCode::FORBIDDEN, rust_i18n::t!("serve.no_host", port = state.port))
                .into_response()
        }
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        match origin {
            Some(origin) if is_local_origin(&origin, state.port) => {}
            Some(origin) => {
                return Failure::new(
                    StatusCode::FORBIDDEN,
                    rust_i18n::t!("serve.bad_origin", origin = origin, port = state.port),
                )
                .into_response()
            }
            None => {
                return Failure::new(StatusCode::FORBIDDEN, rust_i18n::t!("serve.no_origin", port = state.port))
                    .into_response()
            }
        }
    }
    let mut response = next.run(request).await;
    // The pages are not to be framed by another site, nor their types guessed.
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, header::HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    // Only the server's own script, style and fonts: text from a data file can never run.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; \
             connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_own_address() {
        assert!(is_local_host("127.0.0.1:8787", 8787));
        assert!(is_local_host("LOCALHOST:8787", 8787));
        for bad in ["127.0.0.1:8788", "127.0.0.1", "evil.example:8787", "127.0.0.1.evil.example:8787", "[::1]:8787", ""]
        {
            assert!(!is_local_host(bad, 8787), "{bad}");
        }
        assert!(is_local_origin("http://localhost:8787", 8787));
        for bad in ["https://127.0.0.1:8787", "http://evil.example:8787", "null", "http://127.0.0.1:8787/x"] {
            assert!(!is_local_origin(bad, 8787), "{bad}");
        }
    }
}
