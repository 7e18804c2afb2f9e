//! `zongjie verify`: rebuild each period in memory and compare it with its manifest and the
//! files on disk. Exit 0 only when everything matches.

use super::{OutputArgs, WorkspaceArgs};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::archive::Finding;
use zongjie::pipeline::rebuild::{self, PdfVerdict};
use zongjie::pipeline::site::{Format, Site};
use zongjie::pipeline::sources;
use zongjie::tr;
use zongjie::values::period::Period;

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Periods to verify (default: the latest in data/), or a report's PDF that carries its
    /// sources (`zongjie verify REPORT.pdf`).
    #[arg(value_name = "PERIOD|REPORT.pdf", conflicts_with = "all", value_parser = target)]
    pub periods: Vec<Target>,
    /// Verify every period in data/.
    #[arg(long)]
    pub all: bool,
    /// Stop at once, instead of waiting, when another zongjie is writing in the workspace.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// What to verify: a period of the workspace, or a report PDF on its own.
#[derive(Debug, Clone)]
pub enum Target {
    /// A period.
    Period(Period),
    /// A PDF file (an argument ending in .pdf).
    Pdf(PathBuf),
}

fn target(arg: &str) -> Result<Target, String> {
    if arg.to_ascii_lowercase().ends_with(".pdf") {
        Ok(Target::Pdf(PathBuf::from(arg)))
    } else {
        arg.parse::<Period>().map(Target::Period).map_err(|e| e.to_string())
    }
}

/// Runs `verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let pdfs: Vec<PathBuf> =
        args.periods.iter().filter_map(|t| if let Target::Pdf(p) = t { Some(p.clone()) } else { None }).collect();
    if !pdfs.is_empty() {
        if pdfs.len() != args.periods.len() {
            anyhow::bail!(tr!("cli.verify.pdf_with_periods"));
        }
        return verify_pdfs(&pdfs);
    }
    let periods: Vec<Period> =
        args.periods.iter().filter_map(|t| if let Target::Period(p) = t { Some(*p) } else { None }).collect();
    let site = Site::open(&args.workspace.root)?;
    let ws = &site.workspace;
    let out = args.output.out_dir(ws);
    // Every format is available; each period rebuilds only those its manifest records.
    site.load_renderers(&Format::ALL)?;
    let periods = if args.all { ws.all_periods() } else { super::periods(ws, &periods)? };
    // Shared with other readers: a build running now finishes before the comparison starts.
    let _lock = super::lock(ws, Some(&out), zongjie::archive::lock::Mode::Read, args.no_wait)?;
    let results = super::each_period(&periods, &tr!("cli.verb.verify"), |p| site.verify(p, &out));
    let mut ok = true;
    for (period, result) in results {
        match result {
            Ok(findings) if findings.is_empty() => say!("{}", tr!("cli.verify.unchanged", period = period)),
            Ok(findings) => {
                ok = false;
                for finding in findings {
                    say!("{}", tr!("cli.verify.finding", period = period, finding = describe(&finding)));
                }
            }
            Err(e) => {
                ok = false;
                super::report_error(&anyhow::Error::new(e));
                say!("{}", tr!("cli.verify.cannot_rebuild", period = period));
            }
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn describe(finding: &Finding) -> String {
    let list = |files: &[String]| files.join(tr!("cli.usage.list_separator").as_str());
    match finding {
        Finding::NoManifest => tr!("cli.verify.no_manifest"),
        Finding::InputsChanged(files) => tr!("cli.verify.inputs_changed", files = list(files)),
        Finding::OutputsAltered(files) => tr!("cli.verify.outputs_altered", files = list(files)),
        Finding::CannotRebuild(why) => tr!("cli.verify.cannot_rebuild_from", why = why),
        Finding::RebuildDiffers(files) => tr!("cli.verify.rebuild_differs", files = list(files)),
    }
}

/// `zongjie verify REPORT.pdf…`: each PDF rebuilt from the sources it carries.
fn verify_pdfs(pdfs: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    let list = |files: &[String]| files.join(tr!("cli.usage.list_separator").as_str());
    for pdf in pdfs {
        let shown = pdf.display().to_string();
        let (listed, verdict) = match rebuild::verify_pdf(pdf, &shown) {
            Ok(found) => found,
            Err(e) => {
                ok = false;
                super::report_error(&anyhow::Error::new(e));
                continue;
            }
        };
        let (tool, period, now) = (listed.tool.as_str(), listed.period.as_str(), sources::tool());
        match verdict {
            PdfVerdict::Same => say!("{}", tr!("cli.verify.pdf_same", pdf = shown, tool = tool, period = period)),
            PdfVerdict::Altered(files) => {
                ok = false;
                say!("{}", tr!("cli.verify.pdf_altered", pdf = shown, tool = tool, files = list(&files)));
            }
            PdfVerdict::Differs(changed) => {
                ok = false;
                let why = if changed.is_empty() {
                    tr!("cli.verify.pdf_differs_pages")
                } else {
                    tr!("cli.verify.pdf_differs_inputs", files = list(&changed))
                };
                say!("{}", tr!("cli.verify.pdf_differs", pdf = shown, tool = tool, now = now, why = why));
            }
            PdfVerdict::CannotRebuild(why) => {
                ok = false;
                say!("{}", tr!("cli.verify.pdf_cannot_rebuild", pdf = shown, tool = tool, now = now, why = why));
            }
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
