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
    let sep = tr!("import.separator");
    let _ = &sep;
    let t = &s.tracked;
    if t.changes() > 0 {
        say!("{}", tr!("import.into_tracked", n = t.changes(), ins = t.insertions, del = t.deletions, moves = t.moves));
    }
    if !t.comments.is_empty() {
        say!("{}", tr!("import.into_comments", n = t.comments.len()));
        for (start, text) in &t.comments {
            say!("{}", tr!("import.into_comment", start = start, text = text));
        }
    }
    say!(
        "{}",
        tr!(
            "import.into_paragraphs",
            unchanged = s.unchanged,
            changed = s.changed.len(),
            added = s.added.len(),
            deleted = s.deleted.len()
        )
    );
    for p in &s.changed {
        say!("{}", tr!("import.into_para_changed", start = p));
    }
    for p in &s.added {
        say!("{}", tr!("import.into_para_added", start = p));
    }
    for p in &s.deleted {
        say!("{}", tr!("import.into_para_deleted", start = p));
    }
    say!("{}", tr!("import.into_kept_figures", n = s.kept.len()));
    if !s.new_figures.is_empty() {
        say!("{}", tr!("import.into_new_figures", n = s.new_figures.len(), period = period));
        for (name, value, label) in &s.new_figures {
            say!("{}", tr!("import.into_new_figure", name = name, value = value, label = label));
        }
    }
    if !s.hand.is_empty() {
        say!("{}", tr!("import.into_accepted", n = s.hand.len()));
        for h in &s.hand {
            say!(
                "{}",
                tr!(
                    "import.into_accepted_one",
                    figure = into::named(&h.name, &h.label),
                    old = h.old,
                    new = h.new,
                    source = h.source
                )
            );
        }
    }
    if !s.removed.is_empty() {
        say!("{}", tr!("import.into_removed", n = s.removed.len()));
        for (name, label) in &s.removed {
            say!("{}", tr!("import.into_removed_one", figure = into::named(name, label)));
        }
    }
    let checks: Vec<&String> = s.checks.iter().chain(&s.differences).collect();
    if !checks.is_empty() {
        say!("{}", tr!("import.into_checks", n = checks.len()));
        for c in checks {
            say!("  {c}");
        }
    }
    say!("{}", tr!("import.into_template", folder = s.template_folder, period = period));
    if options.dry_run {
        say!("{}", tr!("import.into_dry_run"));
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
