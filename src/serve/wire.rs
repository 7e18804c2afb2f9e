//! The bytes on the wire. hyper answers a request it cannot read itself, before any handler
//! runs: 400 (malformed), 414 (a URI too long), 431 (headers too large), each with an empty
//! body. [`Io`] wraps each connection and gives exactly those answers the page's message, in
//! the user's language; every other byte passes through untouched.

use rust_i18n::t;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The server's listener: a TCP listener whose connections are [`Io`].
pub struct Listener(pub tokio::net::TcpListener);

impl axum::serve::Listener for Listener {
    type Io = Io;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Io, SocketAddr) {
        let (inner, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (Io { inner, pending: Vec::new(), written: 0, claimed: 0 }, addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// One connection; see the module's header.
pub struct Io {
    inner: tokio::net::TcpStream,
    /// The answer written in place of hyper's bodiless one, and how much of it is out.
    pending: Vec<u8>,
    written: usize,
    /// The length of hyper's answer, reported written once ours is.
    claimed: usize,
}

/// Our answer in place of hyper's own 400, 414 or 431 with no body: the same status line and
/// headers, with the message as a plain-text body.
pub fn with_message(bytes: &[u8]) -> Option<Vec<u8>> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    if head_end + 4 != bytes.len() {
        return None;
    }
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let code = status_line.strip_prefix("HTTP/1.1 ").or_else(|| status_line.strip_prefix("HTTP/1.0 "))?.get(..3)?;
    let message = match code {
        "400" => t!("serve.bad_request"),
        "414" => t!("serve.uri_too_long"),
        "431" => t!("serve.headers_too_large"),
        _ => return None,
    };
    let headers: Vec<&str> = lines.collect();
    let lower = |l: &&str| l.to_ascii_lowercase();
    if headers.iter().any(|l| lower(l).starts_with("content-type:"))
        || !headers.iter().any(|l| lower(l).replace(' ', "") == "content-length:0")
    {
        return None;
    }
    let mut out = String::from(status_line);
    out.push_str("\r\n");
    for line in headers.iter().filter(|l| !lower(l).starts_with("content-length:")) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    let body = format!("{message}\n");
    out.push_str(&format!("content-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\r\n{body}", body.len()));
    Some(out.into_bytes())
}

impl AsyncRead for Io {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Io {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_empty() {
            match with_message(buf) {
                Some(ours) => {
                    this.pending = ours;
                    this.written = 0;
                    this.claimed = buf.len();
                }
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        while this.written < this.pending.len() {
            match Pin::new(&mut this.inner).poll_write(cx, &this.pending[this.written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => this.written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        this.pending.clear();
        Poll::Ready(Ok(this.claimed))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::with_message;

    #[test]
    fn only_hypers_bodiless_refusals_get_the_message() {
        crate::i18n::set(crate::i18n::Lang::English);
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let ours = String::from_utf8(with_message(hyper).unwrap()).unwrap();
        assert!(ours.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\ndate: x\r\ncontent-type: text/plain"));
        assert!(
            ours.ends_with("\r\n\r\nthe request's headers are too large for this server; reload the page\n"),
            "{ours}"
        );
        // A handler's own answer (it has a type) and anything with a body pass untouched.
        assert!(with_message(b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 0\r\n\r\n")
            .is_none());
        assert!(with_message(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(with_message(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\nab").is_none());
    }
}
