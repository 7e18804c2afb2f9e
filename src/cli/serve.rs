//! `zongjie serve`: the workspace page in the browser, on 127.0.0.1 only, until Ctrl-C.

use super::WorkspaceArgs;
use clap::Args;
use std::process::ExitCode;
use zongjie::tr;

/// A port number, refused in the user's language (clap's own reasons are English).
fn port(text: &str) -> Result<u16, String> {
    text.trim().parse().map_err(|_| tr!("serve.bad_port"))
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port to listen on, on 127.0.0.1 only (0 picks a free one).
    #[arg(long, default_value_t = 8787, value_parser = port)]
    pub port: u16,
    /// Do not open the browser; only print the address.
    #[arg(long)]
    pub no_open: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `serve`: checks that the workspace opens, listens, prints the address, opens the
/// browser, and serves until Ctrl-C.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    // A workspace that does not open is said now, not on the first page.
    let ws = zongjie::workspace::Workspace::open(&args.workspace.root)?;
    let root = ws.root.canonicalize().unwrap_or(ws.root);
    // One thread for the connections; the stages run on tokio's blocking threads.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| anyhow::anyhow!(tr!("serve.cannot_start", reason = zongjie::error::io_reason(&e))))?;
    runtime.block_on(async {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], args.port));
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                anyhow::anyhow!(tr!("serve.port_in_use", addr = addr, other = args.port.wrapping_add(1).max(1)))
            }
            _ => anyhow::anyhow!(tr!("serve.cannot_listen", addr = addr, reason = zongjie::error::io_reason(&e))),
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
        let url = format!("http://127.0.0.1:{port}/");
        say!("{}", tr!("serve.listening", url = url));
        if !args.no_open {
            zongjie::serve::open_browser(&url);
        }
        let state = zongjie::serve::State::new(root, port);
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        zongjie::serve::serve(listener, state, stop)
            .await
            .map_err(|e| anyhow::anyhow!(tr!("serve.cannot_start", reason = zongjie::error::io_reason(&e))))?;
        say!("{}", tr!("serve.stopped"));
        Ok(ExitCode::SUCCESS)
    })
}
