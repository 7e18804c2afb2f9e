//! `zongjie new PERIOD`: start a period from the one before it, every value emptied.

use super::WorkspaceArgs;
use clap::Args;
use std::process::ExitCode;
use zongjie::tr;
use zongjie::values::period::Period;
use zongjie::workspace::Workspace;

/// Arguments of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The period to start, such as 2025H1.
    #[arg(value_name = "PERIOD")]
    pub period: Period,
    /// Stop at once, instead of waiting, when another zongjie is writing in the workspace.
    #[arg(long)]
    pub no_wait: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `new`.
pub fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open(&args.workspace.root)?;
    {
        let _lock = super::lock(&ws, None, zongjie::archive::lock::Mode::Write, args.no_wait)?;
        for path in zongjie::pipeline::scaffold::new_period(&ws, args.period)? {
            say!("{}", tr!("cli.wrote", path = path.display()));
        }
    }
    if ws.config.data_form == zongjie::workspace::DataForm::Xlsx {
        // The emptied files become the 填报表 (they are kept in the period's .versions/1/).
        let ws = Workspace::open(&args.workspace.root)?;
        let written = zongjie::pipeline::form::write_form(&ws, args.period, None, args.no_wait, true)?;
        super::form::say_written(&ws, &written);
        say!("{}", tr!("form.next", period = args.period));
        return Ok(ExitCode::SUCCESS);
    }
    say!("{}", tr!("cli.new.next", period = args.period));
    Ok(ExitCode::SUCCESS)
}
