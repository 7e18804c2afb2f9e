//! `zongjie check`: run every check of each period and list every problem; writes nothing.

use super::WorkspaceArgs;
use clap::Args;
use std::process::ExitCode;
use zongjie::pipeline::site::Site;
use zongjie::tr;
use zongjie::values::period::Period;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Periods to check (default: the latest in data/).
    #[arg(value_name = "PERIOD")]
    pub periods: Vec<Period>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let site = Site::open(&args.workspace.root)?;
    let mut failed = false;
    for period in super::periods(&site.workspace, &args.periods)? {
        match site.check(period) {
            Ok(report) => {
                for warning in &report.warnings {
                    super::warn(warning);
                }
                let warned = match report.warnings.len() {
                    0 => String::new(),
                    1 => tr!("cli.check.one_warning"),
                    n => tr!("cli.check.warnings", count = n),
                };
                say!(
                    "{}",
                    tr!(
                        "cli.check.ok",
                        period = period,
                        figures = report.used.len(),
                        files = report.inputs.len(),
                        warnings = warned
                    )
                );
            }
            Err(e) => {
                failed = true;
                super::report_error(&anyhow::Error::new(e));
                tell!("{}", tr!("cli.check.failed", period = period));
            }
        }
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
