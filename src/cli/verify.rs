//! `zongjie verify`: rebuild each period in memory and compare it with its manifest and the
//! files on disk. Exit 0 only when everything matches.

use super::{OutputArgs, WorkspaceArgs};
use clap::Args;
use std::process::ExitCode;
use zongjie::archive::Finding;
use zongjie::period::Period;
use zongjie::pipeline;
use zongjie::workspace::Workspace;

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Periods to verify (default: the latest in data/).
    #[arg(value_name = "PERIOD", conflicts_with = "all")]
    pub periods: Vec<Period>,
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

/// Runs `verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace.root)?;
    let out = args.output.out_dir(&ws);
    // Every format is available; each period rebuilds only those its manifest records.
    let formats = super::Formats::all(&ws)?;
    let renderers = formats.as_refs();
    let periods = if args.all { ws.all_periods() } else { super::periods(&ws, &args.periods)? };
    // Shared with other readers: a build running now finishes before the comparison starts.
    let _lock = super::lock(&ws, Some(&out), zongjie::lock::Mode::Read, args.no_wait)?;
    let results = super::each_period(&periods, "verify", |p| pipeline::verify_period(&ws, p, &renderers, &out));
    let mut ok = true;
    for (period, result) in results {
        match result {
            Ok(findings) if findings.is_empty() => say!("{period}: unchanged"),
            Ok(findings) => {
                ok = false;
                for finding in findings {
                    say!("{period}: {}", describe(&finding));
                }
            }
            Err(e) => {
                ok = false;
                super::report_error(&anyhow::Error::new(e));
                say!("{period}: cannot rebuild");
            }
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn describe(finding: &Finding) -> String {
    match finding {
        Finding::NoManifest => "no manifest: never built, or built by hand".to_string(),
        Finding::InputsChanged(files) => {
            format!("inputs changed since the manifest: {}", files.join(", "))
        }
        Finding::OutputsAltered(files) => format!("outputs altered on disk: {}", files.join(", ")),
        Finding::CannotRebuild(why) => format!("cannot be rebuilt from its current inputs:\n{why}"),
        Finding::RebuildDiffers(files) => {
            format!("inputs as recorded, but a rebuild differs (another zongjie version?): {}", files.join(", "))
        }
    }
}
