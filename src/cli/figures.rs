//! `zongjie figures`: every figure of a period's report with its value, unit, source, the same
//! period last year and the change: how a statistician reviews the numbers.

use super::WorkspaceArgs;
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use zongjie::pipeline::review;
use zongjie::pipeline::site::Site;
use zongjie::values::period::Period;

/// How to print the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for a terminal.
    Table,
    /// CSV for Excel (UTF-8 with BOM).
    Csv,
    /// JSON.
    Json,
}

/// Arguments of `figures`.
#[derive(Debug, Args)]
pub struct FiguresArgs {
    /// The period (default: the latest in data/).
    #[arg(value_name = "PERIOD")]
    pub period: Option<Period>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `figures`.
pub fn run(args: FiguresArgs) -> anyhow::Result<ExitCode> {
    let site = Site::open(&args.workspace.root)?;
    let period = super::periods(&site.workspace, args.period.as_slice())?[0];
    let report = site.prepare(period)?;
    let rows = review::rows(&report.figures, &report.used);
    let text = match args.format {
        ListFormat::Table => review::to_table(&rows),
        ListFormat::Csv => review::to_csv(&rows),
        ListFormat::Json => review::to_json(&rows),
    };
    super::write_stdout(format_args!("{text}"), false);
    Ok(ExitCode::SUCCESS)
}
