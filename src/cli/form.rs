//! `zongjie form [PERIOD]`: write the period's 填报表 (data/PERIOD/填报表.xlsx), or with `--out`
//! a copy to send around that leaves the period as it is.

use super::WorkspaceArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::tr;
use zongjie::values::period::Period;
use zongjie::workspace::Workspace;

/// Arguments of `form`.
#[derive(Debug, Args)]
pub struct FormArgs {
    /// The period (default: the latest in data/).
    #[arg(value_name = "PERIOD")]
    pub period: Option<Period>,
    /// Write the form to this file instead, without touching the period.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Stop at once, instead of waiting, when another zongjie is writing in the workspace.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `form`.
pub fn run(args: FormArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace.root)?;
    let period = super::periods(&ws, args.period.as_slice())?[0];
    let written = zongjie::pipeline::form::write_form(&ws, period, args.out.as_deref(), args.no_wait, false)?;
    say_written(&ws, &written);
    if args.out.is_none() {
        say!("{}", tr!("form.next", period = period));
    }
    Ok(ExitCode::SUCCESS)
}

/// What was written, and which files the form replaced.
pub fn say_written(ws: &Workspace, written: &zongjie::pipeline::form::Written) {
    let path = written.path.strip_prefix(&ws.root).unwrap_or(&written.path);
    say!(
        "{}",
        tr!(
            "form.wrote",
            path = path.display(),
            figures = written.figures,
            sheets = written.sheets,
            tables = written.tables
        )
    );
    if let Some((files, dir)) = &written.moved {
        say!("{}", tr!("form.moved", files = files.join(", "), dir = dir));
    }
}
