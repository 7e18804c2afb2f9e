//! `zongjie import FILE`: a past report becomes a template, a catalog and a period's data.

use super::WorkspaceArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::tr;
use zongjie::values::period::Period;

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The report to import: .docx, .txt or .md.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The period of the report (default: guessed from its title and date).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<Period>,
    /// The template folder's name under templates/ (default: the file's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Update this period's template, catalog and data from an edited copy of its report.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["period", "name"])]
    pub into: Option<Period>,
    /// With --into: write numbers changed by hand into the data files they came from.
    #[arg(long, requires = "into")]
    pub accept_edits: bool,
    /// With --into: refuse a document that still holds tracked changes.
    #[arg(long, requires = "into")]
    pub no_tracked: bool,
    /// With --into: show the summary, write nothing.
    #[arg(long, requires = "into")]
    pub dry_run: bool,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `import --into`: the update, then the summary a secretary can act on.
fn run_into(args: ImportArgs, period: Period) -> anyhow::Result<ExitCode> {
    use zongjie::import::into;
    let options = into::Options {
        file: args.file,
        root: args.workspace.root,
        period,
        accept_edits: args.accept_edits,
        no_tracked: args.no_tracked,
        dry_run: args.dry_run,
    };
    let s = into::import_into(&options)?;
    for line in s.lines(options.dry_run) {
        say!("{line}");
    }
    if options.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    for path in &s.written {
        say!("{}", tr!("cli.wrote", path = path));
    }
    say!("{}", tr!("import.into_next", period = period));
    Ok(ExitCode::SUCCESS)
}

/// Runs `import`: writes the files, then the summary (figures by kind, what to check).
pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(period) = args.into {
        return run_into(args, period);
    }
    let options =
        zongjie::import::Options { file: args.file, root: args.workspace.root, name: args.name, period: args.period };
    let summary = zongjie::import::import(&options)?;
    for path in &summary.written {
        say!("{}", tr!("cli.wrote", path = path));
    }
    let counts: Vec<String> = summary
        .counts
        .iter()
        .map(|(kind, n)| tr!("import.count", n = n, kind = zongjie::figures::kind_name(*kind)))
        .collect();
    let total: usize = summary.counts.iter().map(|(_, n)| n).sum();
    if total == 0 {
        say!("{}", tr!("import.no_figures"));
    } else {
        say!("{}", tr!("import.figures", total = total, counts = counts.join(&tr!("import.separator"))));
    }
    if !summary.tables.is_empty() {
        say!(
            "{}",
            tr!("import.tables", n = summary.tables.len(), names = summary.tables.join(&tr!("import.separator")))
        );
    }
    if let Some(note) = &summary.config_note {
        super::warn(note);
    }
    if !summary.checks.is_empty() {
        say!("{}", tr!("import.to_check", n = summary.checks.len()));
        for check in &summary.checks {
            say!("  {check}");
        }
    }
    say!("{}", tr!("import.next", period = summary.period));
    Ok(ExitCode::SUCCESS)
}
