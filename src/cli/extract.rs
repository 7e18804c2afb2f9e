//! `zongjie extract REPORT.pdf [DIR]`: the workspace of a report, from the sources its PDF
//! carries (`pdf: {attach_sources: true}`), written into a new or empty folder; `zongjie build
//! PERIOD` there writes the report again, byte for byte.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::pipeline::sources;
use zongjie::tr;

/// Arguments of `extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The report's PDF, built with `pdf: {attach_sources: true}`.
    #[arg(value_name = "REPORT.pdf")]
    pub pdf: PathBuf,
    /// A new or empty folder to write the workspace into (default: the PDF's name without .pdf).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `extract`.
pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let shown = args.pdf.display().to_string();
    let extracted = sources::read_pdf(&args.pdf, &shown)?;
    if !extracted.altered.is_empty() {
        let files = extracted.altered.join(tr!("cli.usage.list_separator").as_str());
        anyhow::bail!(tr!("sources.altered", pdf = shown, files = files));
    }
    let dir = args.dir.unwrap_or_else(|| {
        PathBuf::from(args.pdf.file_stem().map(|s| s.to_os_string()).unwrap_or_else(|| "report".into()))
    });
    let dir_shown = dir.display().to_string();
    let written = sources::write_workspace(&extracted, &dir, &dir_shown)?;
    for name in &written {
        say!("{}", tr!("cli.extract.wrote", path = dir.join(name).display()));
    }
    for listed in &extracted.sources.not_attached {
        if !listed.name.starts_with('<') {
            super::warn(&tr!("cli.extract.not_attached", name = listed.name));
        }
    }
    say!(
        "{}",
        tr!(
            "cli.extract.done",
            count = written.len(),
            dir = dir_shown,
            tool = extracted.sources.tool,
            period = extracted.sources.period
        )
    );
    Ok(ExitCode::SUCCESS)
}
