//! `zongjie build`: check and render the report of each period, then write its files beside a
//! manifest. `--all` builds every period in data/ across the cores.

use super::{OutputArgs, WorkspaceArgs};
use clap::Args;
use std::process::ExitCode;
use zongjie::pipeline::site::{BuildOptions, Site};
use zongjie::tr;
use zongjie::values::period::Period;

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
    let site = Site::open(&args.workspace.root)?;
    let ws = &site.workspace;
    let out = args.output.out_dir(ws);
    let options =
        BuildOptions { formats: args.output.formats(), out_root: out.clone(), with_figures: args.with_figures };
    // Fonts loaded once for all periods, and a font problem said before anything else.
    site.load_renderers(&options.formats)?;
    let periods = if args.all { ws.all_periods() } else { super::periods(ws, &args.periods)? };
    // Held until the end: every period is compared and written while no one else writes.
    let _lock = super::lock(ws, Some(&out), zongjie::archive::lock::Mode::Write, args.no_wait)?;
    let results = super::each_period(&periods, &tr!("cli.verb.build"), |p| site.build(p, &options));
    let mut failed = Vec::new();
    for (period, result) in results {
        match result {
            Ok(built) => {
                for warning in &built.warnings {
                    super::warn(warning);
                }
                for line in built.written.messages(&out.join(period.to_string()), |p| p.display().to_string()) {
                    say!("{line}");
                }
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
