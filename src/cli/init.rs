//! `zongjie init DIR`: a new workspace for a bureau, with the bundled template and an empty
//! first period.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::period::{Period, Span};

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to make the workspace in (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The first period (default: the current half year).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<Period>,
}

/// Runs `init`.
pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    // The only place that reads the clock: to suggest the current half year.
    let period = args.period.unwrap_or_else(|| {
        use chrono::Datelike;
        let today = chrono::Local::now().date_naive();
        Period { year: today.year(), span: Span::Half(if today.month() <= 6 { 1 } else { 2 }) }
    });
    for path in zongjie::scaffold::init(&args.dir, period)? {
        say!("wrote {}", path.display());
    }
    say!("next: fill in data/{period}/, then run `zongjie check --root {}`", args.dir.display());
    Ok(ExitCode::SUCCESS)
}
