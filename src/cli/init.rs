//! `zongjie init DIR [--template NAME]`: a new workspace for a bureau, with a bundled template and
//! an empty first period.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::tr;
use zongjie::values::period::Period;
use zongjie::workspace::bundled;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to make the workspace in (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The bundled template to start from (zongjie templates lists them).
    #[arg(long, value_name = "NAME", default_value = "civil-affairs-h1")]
    pub template: String,
    /// The first period (default: from the template and today's date).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<Period>,
}

/// Runs `init`.
pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let Some(template) = bundled::find(&args.template) else {
        let names: Vec<&str> = bundled::ALL.iter().map(|b| b.name).collect();
        anyhow::bail!(tr!("init.unknown_template", name = args.template, names = names.join(", ")));
    };
    // The only place that reads the clock: to suggest the first period.
    let period = args
        .period
        .unwrap_or_else(|| zongjie::pipeline::scaffold::default_period(&template, chrono::Local::now().date_naive()));
    for path in zongjie::pipeline::scaffold::init(&args.dir, period, template)? {
        say!("{}", tr!("init.wrote", path = path.display()));
    }
    say!("{}", tr!("init.next", period = period, dir = args.dir.display()));
    Ok(ExitCode::SUCCESS)
}
