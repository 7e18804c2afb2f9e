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

/// A folder here named as the PDF without `.pdf`; a PDF named otherwise (no extension, `.pdf`
/// alone) gets `NAME.来源`, never its own name, which the file itself may hold.
fn default_dir(pdf: &std::path::Path) -> PathBuf {
    let is_pdf = pdf.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    match (is_pdf, pdf.file_stem()) {
        (true, Some(stem)) => PathBuf::from(stem),
        _ => {
            let mut name = pdf.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "report".into());
            name.push(".来源");
            PathBuf::from(name)
        }
    }
}

/// Runs `extract`.
pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let shown = args.pdf.display().to_string();
    let extracted = sources::read_pdf(&args.pdf, &shown)?;
    if !extracted.altered.is_empty() {
        let files = extracted.altered.join(tr!("cli.usage.list_separator").as_str());
        anyhow::bail!(tr!("sources.altered", pdf = shown, files = files));
    }
    let dir = args.dir.unwrap_or_else(|| default_dir(&args.pdf));
    let dir_shown = dir.display().to_string();
    if let Some(workspace) = sources::enclosing_workspace(&dir) {
        anyhow::bail!(tr!("sources.inside_workspace", dir = dir_shown, workspace = workspace.display()));
    }
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
