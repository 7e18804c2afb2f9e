//! The command line: clap definitions, one module per subcommand, and exit codes.
//! Exit 0 on success, 1 on an input error, 2 on a usage error (clap's own).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub mod build;
pub mod check;

/// zongjie（总结）：从数据文件生成县级部门的阶段工作总结（Markdown、GB/T 9704 PDF、DOCX）。
#[derive(Debug, Parser)]
#[command(name = "zongjie", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the report of one or more periods (default: the latest in data/).
    Build(build::BuildArgs),
    /// Check data, catalog and template of one or more periods; writes nothing.
    Check(check::CheckArgs),
}

/// Options every subcommand shares.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// The workspace folder (holds zongjie.yaml and data/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(1)
        }
    }
}

/// Prints an error, one `error:` line per problem.
pub fn report_error(e: &anyhow::Error) {
    match e.downcast_ref::<zongjie::error::Error>() {
        Some(zongjie::error::Error::Input(problems)) => {
            for p in problems {
                eprintln!("error: {p}");
            }
        }
        _ => eprintln!("error: {e:#}"),
    }
}

/// The periods to work on: those named, or the latest with data.
pub fn periods(
    ws: &zongjie::workspace::Workspace,
    named: &[zongjie::period::Period],
) -> anyhow::Result<Vec<zongjie::period::Period>> {
    if !named.is_empty() {
        return Ok(named.to_vec());
    }
    ws.latest().map(|p| vec![p]).ok_or_else(|| {
        anyhow::anyhow!(
            "there is no period folder under {}",
            ws.root.join("data").display()
        )
    })
}
