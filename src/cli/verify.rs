//! `zongjie verify`: rebuild each period in memory and compare it with its manifest and the
//! files on disk. Exit 0 only when everything matches.

use super::{OutputArgs, WorkspaceArgs};
use clap::Args;
use std::process::ExitCode;
use zongjie::archive::Finding;
use zongjie::pipeline::site::{Format, Site};
use zongjie::tr;
use zongjie::values::period::Period;

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
    let site = Site::open(&args.workspace.root)?;
    let ws = &site.workspace;
    let out = args.output.out_dir(ws);
    // Every format is available; each period rebuilds only those its manifest records.
    site.load_renderers(&Format::ALL)?;
    let periods = if args.all { ws.all_periods() } else { super::periods(ws, &args.periods)? };
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
