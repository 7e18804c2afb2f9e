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
    /// An Excel workbook (written to --out, default 指标核对表-PERIOD.xlsx).
    Xlsx,
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
    /// With --format xlsx: the workbook to write.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
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
        ListFormat::Xlsx => {
            let out = args.out.unwrap_or_else(|| format!("指标核对表-{period}.xlsx").into());
            let bytes = review::to_xlsx(&rows, period)?;
            let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
            let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            zongjie::archive::write_files(dir, &[zongjie::archive::Output { name, bytes }])?;
            say!("{}", zongjie::tr!("cli.wrote", path = out.display()));
            return Ok(ExitCode::SUCCESS);
        }
    };
    super::write_stdout(format_args!("{text}"), false);
    Ok(ExitCode::SUCCESS)
}
