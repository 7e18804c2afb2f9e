//! `zongjie build`: check and render the report of each period, then write its files beside a
//! manifest. `--all` builds every period in data/ across the cores.

use super::{OutputArgs, WorkspaceArgs};
use clap::Args;
use std::process::ExitCode;
use zongjie::archive::Written;
use zongjie::pipeline;
use zongjie::tr;
use zongjie::values::period::Period;
use zongjie::workspace::Workspace;

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Periods to build: 2024H1, 2024-H1, 2024年上半年… (default: the latest in data/).
    #[arg(value_name = "PERIOD", conflicts_with = "all")]
    pub periods: Vec<Period>,
    /// Build every period in data/, each with its own template.
    #[arg(long)]
    pub all: bool,
    /// End the Markdown with an appendix listing every figure, its source and its 同比.
    #[arg(long)]
    pub with_figures: bool,
    /// Stop at once, instead of waiting, when another zongjie is writing in the workspace.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `build`.
pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace.root)?;
    let out = args.output.out_dir(&ws);
    let formats = args.output.renderers(&ws)?;
    let renderers = formats.as_refs();
    let others = super::Formats::others(&ws, &args.output.format);
    let others = others.as_refs();
    let periods = if args.all { ws.all_periods() } else { super::periods(&ws, &args.periods)? };
    // Held until the end: every period is compared and written while no one else writes.
    let _lock = super::lock(&ws, Some(&out), zongjie::workspace::lock::Mode::Write, args.no_wait)?;
    let results = super::each_period(&periods, &tr!("cli.verb.build"), |p| {
        pipeline::build_period(&ws, p, &renderers, &others, &out, args.with_figures)
    });
    let mut failed = Vec::new();
    for (period, result) in results {
        match result {
            Ok((written, warnings)) => {
                for warning in &warnings {
                    super::warn(warning);
                }
                report_written(period, &written, &out)
            }
            Err(e) => {
                super::report_error(&anyhow::Error::new(e));
                failed.push(period.to_string());
            }
        }
    }
    if failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    if periods.len() > 1 {
        tell!(
            "{}",
            tr!(
                "cli.periods_failed",
                failed = failed.len(),
                total = periods.len(),
                periods = failed.join(tr!("cli.usage.list_separator").as_str())
            )
        );
    }
    Ok(ExitCode::from(1))
}

fn report_written(period: Period, written: &Written, out: &std::path::Path) {
    if written.unchanged {
        say!("{}", tr!("cli.unchanged", dir = out.join(period.to_string()).display()));
        return;
    }
    if let Some(kept) = &written.kept {
        say!("{}", tr!("cli.kept", dir = kept.display()));
    }
    for path in &written.files {
        say!("{}", tr!("cli.wrote", path = path.display()));
    }
}
