//! `zongjie build`: check and render the report of each period, then write its files.

use super::WorkspaceArgs;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::period::Period;
use zongjie::render::pdf::{fonts::FontSet, PdfRenderer};
use zongjie::render::{markdown::MarkdownRenderer, Renderer};
use zongjie::workspace::Workspace;
use zongjie::{archive, pipeline};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Format {
    /// Markdown, ready for pandoc.
    Md,
    /// PDF in the official-document layout (GB/T 9704).
    Pdf,
}

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Periods to build: 2024H1, 2024-H1, 2024年上半年… (default: the latest in data/).
    #[arg(value_name = "PERIOD")]
    pub periods: Vec<Period>,
    /// Where reports go (default: ROOT/output); each period gets its own folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output formats, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "md,pdf")]
    pub format: Vec<Format>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `build`.
pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace.root)?;
    let out = args.out.clone().unwrap_or_else(|| ws.root.join("output"));
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    // Fonts are loaded once for all periods.
    let pdf = if formats.contains(&Format::Pdf) {
        Some(PdfRenderer::new(FontSet::load(&ws.config.fonts, &ws.root)?))
    } else {
        None
    };
    let renderers: Vec<&dyn Renderer> = formats
        .iter()
        .map(|f| match f {
            Format::Md => &MarkdownRenderer as &dyn Renderer,
            Format::Pdf => pdf.as_ref().expect("loaded above") as &dyn Renderer,
        })
        .collect();
    for period in super::periods(&ws, &args.periods)? {
        let report = pipeline::prepare(&ws, period)?;
        let outputs = pipeline::render(&report, &renderers)?;
        for path in archive::write_outputs(&out.join(period.to_string()), &outputs)? {
            println!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
