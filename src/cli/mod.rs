//! The command line: clap definitions, one module per subcommand, and exit codes.
//! Exit 0 on success, 1 on an input error, 2 on a usage error (clap's own).

use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};
use zongjie::tr;

/// `println!` that never panics: on a closed pipe (`| head`) the rest of the output is dropped
/// quietly, as git and ripgrep do; any other failure (a full disk) is said once on stderr and
/// makes the exit code 1.
macro_rules! say {
    ($($arg:tt)*) => { $crate::cli::write_stdout(format_args!($($arg)*), true) };
}

/// `eprintln!` that never panics: when stderr itself cannot be written, there is nowhere left
/// to say anything.
macro_rules! tell {
    ($($arg:tt)*) => { $crate::cli::write_stderr(format_args!($($arg)*)) };
}

pub mod build;
pub mod check;
pub mod extract;
pub mod figures;
pub mod form;
pub mod import;
pub mod init;
pub mod new;
pub mod reference_docx;
pub mod serve;
pub mod templates;
pub mod verify;

/// zongjie（总结）：从数据文件生成县级部门的阶段工作总结（Markdown、GB/T 9704 PDF、DOCX）。
#[derive(Debug, Parser)]
#[command(name = "zongjie", version, about, long_about = None)]
pub struct Cli {
    /// Language of messages: zh (中文, the default) or en; also ZONGJIE_LANG.
    #[arg(long, global = true, value_name = "LANG", value_parser = ["zh", "zh-CN", "en"])]
    pub lang: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the report of one or more periods (default: the latest in data/).
    Build(build::BuildArgs),
    /// Check data, catalog and template of one or more periods; writes nothing.
    Check(check::CheckArgs),
    /// Make a new workspace for a bureau: config, bundled template and catalog, an empty period.
    Init(init::InitArgs),
    /// List the bundled templates and the periods each is written for.
    Templates(templates::TemplatesArgs),
    /// Start a period from the previous one, with every value emptied.
    New(new::NewArgs),
    /// List every figure of a period's report with its source and its change against last year.
    Figures(figures::FiguresArgs),
    /// Write the period's 填报表 (data/PERIOD/填报表.xlsx) for the statistician to fill in.
    Form(form::FormArgs),
    /// Rebuild in memory and compare with each period's manifest and files on disk.
    Verify(verify::VerifyArgs),
    /// Write the reference .docx for pandoc (--reference-doc) with the report's styles.
    ReferenceDocx(reference_docx::ReferenceDocxArgs),
    /// Open a page in the browser over the workspace: preview, problems, figures, build, upload.
    Serve(serve::ServeArgs),
    /// Turn a past report (.docx, .txt, .md) into a template, a catalog and a period's data.
    Import(import::ImportArgs),
    /// Recreate a report's workspace from the sources its PDF carries.
    Extract(extract::ExtractArgs),
}

/// Options every subcommand shares.
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    /// The workspace folder (holds zongjie.yaml and data/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

/// The language of messages: `--lang en` (or `--lang=en`) on the command line, else
/// `ZONGJIE_LANG`, else Chinese.
pub fn language(args: impl Iterator<Item = std::ffi::OsString>) -> zongjie::i18n::Lang {
    let args: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
    let from_args = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--lang") {
        Some("") => args.get(i + 1).cloned(),
        Some(rest) => rest.strip_prefix('=').map(String::from),
        None => None,
    });
    // A --lang clap will refuse (--lang fr) leaves the message about it in ZONGJIE_LANG's language.
    from_args
        .and_then(|l| zongjie::i18n::Lang::parse(&l))
        .or_else(|| std::env::var("ZONGJIE_LANG").ok().and_then(|l| zongjie::i18n::Lang::parse(&l)))
        .unwrap_or_default()
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Figures(args) => figures::run(args),
        Command::Form(args) => form::run(args),
        Command::Init(args) => init::run(args),
        Command::Templates(args) => templates::run(args),
        Command::New(args) => new::run(args),
        Command::Verify(args) => verify::run(args),
        Command::ReferenceDocx(args) => reference_docx::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Import(args) => import::run(args),
        Command::Extract(args) => extract::run(args),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(1)
        }
    };
    if STDOUT.load(Ordering::Relaxed) == STDOUT_FAILED {
        return ExitCode::from(1);
    }
    code
}

/// The state of standard output: writable, closed by the reader, or failed otherwise.
static STDOUT: AtomicU8 = AtomicU8::new(STDOUT_OK);
const STDOUT_OK: u8 = 0;
const STDOUT_CLOSED: u8 = 1;
const STDOUT_FAILED: u8 = 2;

/// Writes to standard output (see `say!`).
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    if STDOUT.load(Ordering::Relaxed) != STDOUT_OK {
        return;
    }
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| if newline { out.write_all(b"\n") } else { Ok(()) });
    if let Err(e) = written.and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT.store(STDOUT_CLOSED, Ordering::Relaxed);
        } else {
            STDOUT.store(STDOUT_FAILED, Ordering::Relaxed);
            tell!("{}{}", tr!("common.error"), tr!("cli.cannot_write_stdout", reason = zongjie::error::io_reason(&e)));
        }
    }
}

/// Writes a line to standard error (see `tell!`).
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Prints an error, one `错误：` (`error: `) line per problem. The library's errors already
/// name their cause, so it is not printed a second time.
pub fn report_error(e: &anyhow::Error) {
    let error = tr!("common.error");
    match e.downcast_ref::<zongjie::error::Error>() {
        Some(zongjie::error::Error::Input(problems)) => {
            for p in problems {
                tell!("{error}{p}");
            }
        }
        Some(e) => tell!("{error}{e}"),
        None => tell!("{error}{e:#}"),
    }
}

/// Prints a warning line (`警告：`, `warning: `).
pub fn warn(warning: &impl std::fmt::Display) {
    tell!("{}{warning}", tr!("common.warning"));
}

/// The periods to work on: those named, or the latest with data.
pub fn periods(
    ws: &zongjie::workspace::Workspace,
    named: &[zongjie::values::period::Period],
) -> anyhow::Result<Vec<zongjie::values::period::Period>> {
    if !named.is_empty() {
        // 2024H1 and 2024-H1 are one period: built once.
        let mut seen = std::collections::BTreeSet::new();
        return Ok(named.iter().copied().filter(|p| seen.insert(*p)).collect());
    }
    ws.latest().map(|p| vec![p]).ok_or_else(|| anyhow::anyhow!(tr!("cli.no_period_folder", dir = data_folder(ws))))
}

/// The data folder as messages name it: `data` in the workspace, else under its root.
fn data_folder(ws: &zongjie::workspace::Workspace) -> String {
    if ws.root == std::path::Path::new(".") {
        "data".to_string()
    } else {
        ws.root.join("data").display().to_string()
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// Markdown, ready for pandoc.
    Md,
    /// PDF in the official-document layout (GB/T 9704).
    Pdf,
    /// Word document in 公文 styles.
    Docx,
    /// OFD (GB/T 33190, 开放版式文档) of the PDF's pages.
    Ofd,
}

impl From<Format> for zongjie::pipeline::site::Format {
    fn from(format: Format) -> Self {
        match format {
            Format::Md => zongjie::pipeline::site::Format::Md,
            Format::Pdf => zongjie::pipeline::site::Format::Pdf,
            Format::Docx => zongjie::pipeline::site::Format::Docx,
            Format::Ofd => zongjie::pipeline::site::Format::Ofd,
        }
    }
}

/// Takes the workspace lock for a command that writes (`Mode::Write`) or compares
/// (`Mode::Read`). It lives at the workspace root, or in the output folder when `--out` points
/// outside the workspace: one lock for the folders a build writes in.
pub fn lock(
    ws: &zongjie::workspace::Workspace,
    out: Option<&std::path::Path>,
    mode: zongjie::archive::lock::Mode,
    no_wait: bool,
) -> anyhow::Result<Option<zongjie::archive::lock::Lock>> {
    use zongjie::archive::lock::LOCK_FILE;
    let inside = |out: &std::path::Path| match (ws.root.canonicalize(), canonical(out)) {
        (Ok(root), Some(out)) => out.starts_with(root),
        _ => true,
    };
    let (path, shown) = match out {
        Some(out) if !inside(out) => {
            if mode == zongjie::archive::lock::Mode::Write {
                // The lock goes beside the reports; if the folder cannot be made, the lock says so.
                let _ = std::fs::create_dir_all(out);
            }
            (out.join(LOCK_FILE), out.join(LOCK_FILE).display().to_string())
        }
        _ => (ws.root.join(LOCK_FILE), LOCK_FILE.to_string()),
    };
    let waiting = || tell!("{}", tr!("cli.lock_waiting", lock = shown));
    Ok(zongjie::archive::lock::acquire(&path, &shown, mode, !no_wait, waiting)?)
}

/// A path with links resolved, for a path that may not exist yet: its nearest existing
/// ancestor resolved, the rest appended.
fn canonical(path: &std::path::Path) -> Option<PathBuf> {
    let mut rest = Vec::new();
    let mut current = path;
    loop {
        let probe = if current.as_os_str().is_empty() { std::path::Path::new(".") } else { current };
        if let Ok(found) = probe.canonicalize() {
            return Some(rest.iter().rev().fold(found, |acc, name| acc.join(name)));
        }
        rest.push(current.file_name()?);
        current = current.parent()?;
    }
}

/// Where outputs go and in which formats.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Where reports go (default: ROOT/output); each period gets its own folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output formats, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "md,pdf")]
    pub format: Vec<Format>,
}

impl OutputArgs {
    /// The output root.
    pub fn out_dir(&self, ws: &zongjie::workspace::Workspace) -> PathBuf {
        match &self.out {
            Some(out) => out.clone(),
            // "output/2024H1", not "./output/2024H1", when run in the workspace.
            None if ws.root == std::path::Path::new(".") => PathBuf::from("output"),
            None => ws.root.join("output"),
        }
    }
    /// The chosen formats, as the library names them.
    pub fn formats(&self) -> Vec<zongjie::pipeline::site::Format> {
        self.format.iter().map(|&f| f.into()).collect()
    }
}

/// Runs `work` on each period, spread over the cores, and returns the results in period order.
/// On a terminal a progress bar shows on stderr; in a log each period gets a plain line.
pub fn each_period<T: Send>(
    periods: &[zongjie::values::period::Period],
    verb: &str,
    work: impl Fn(zongjie::values::period::Period) -> zongjie::error::Result<T> + Sync,
) -> Vec<(zongjie::values::period::Period, zongjie::error::Result<T>)> {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    if periods.len() <= 1 {
        return periods.iter().map(|&p| (p, work(p))).collect();
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(periods.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_message(verb.to_string());
        bar
    });
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<zongjie::error::Result<T>>>> = Mutex::new((0..periods.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(periods.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&period) = periods.get(i) else { break };
                let result = work(period);
                match &bar {
                    Some(bar) => bar.inc(1),
                    None if result.is_ok() => tell!("{}", tr!("cli.progress_done", verb = verb, period = period)),
                    None => tell!("{}", tr!("cli.progress_failed", verb = verb, period = period)),
                }
                results.lock().expect("results")[i] = Some(result);
            });
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let results = results.into_inner().expect("results");
    periods.iter().copied().zip(results.into_iter().map(|r| r.expect("every period ran"))).collect()
}

/// The text of `key` in the current language, or `None` when no locale file has it (a
/// subcommand added without its help translated keeps its doc comment).
fn lookup(key: &str) -> Option<String> {
    zongjie::_rust_i18n_try_translate(&rust_i18n::locale(), key).map(|t| t.into_owned())
}

/// The command line as clap reads it, with every `--help` text, heading and usage line in the
/// current language: the doc comments above are only the fallback.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = localize(Cli::command(), "zongjie", None).disable_help_subcommand(true).disable_version_flag(true).arg(
        clap::Arg::new("version")
            .short('V')
            .long("version")
            .action(clap::ArgAction::Version)
            .help(tr!("cli.arg.version"))
            .display_order(902),
    );
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    names
        .iter()
        .fold(cmd, |cmd, name| cmd.mut_subcommand(name, |sub| localize(sub, &format!("zongjie {name}"), Some(name))))
}

/// One command's help: its about, each argument's help, the headings and the usage line.
/// `name` is the subcommand's name, `None` for the top level.
fn localize(cmd: clap::Command, bin: &str, name: Option<&str>) -> clap::Command {
    let key = name.unwrap_or("zongjie").replace('-', "_");
    let mut cmd = cmd.long_about(None).disable_help_flag(true);
    if let Some(about) = lookup(&format!("cli.about.{key}")) {
        cmd = cmd.about(about);
    }
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    for id in ids {
        let help = lookup(&format!("cli.arg.{key}.{id}")).or_else(|| lookup(&format!("cli.arg.{id}")));
        cmd = cmd.mut_arg(&id, |arg| {
            // Defaults and possible values are said in the help text itself, in words.
            let arg = arg.long_help(None);
            let arg = if arg.get_action().takes_values() {
                arg.hide_default_value(true).hide_possible_values(true)
            } else {
                arg
            };
            // The language is a global option: listed after each command's own.
            let arg = if arg.is_global_set() { arg.display_order(900) } else { arg };
            match help {
                Some(help) => arg.help(help),
                None => arg,
            }
        });
    }
    let cmd = cmd.arg(
        clap::Arg::new("help")
            .short('h')
            .long("help")
            .action(clap::ArgAction::Help)
            .help(tr!("cli.arg.help"))
            .display_order(901),
    );
    let usage = usage_line(&cmd, bin);
    let mut template = String::from("{about}\n\n");
    template.push_str(&tr!("cli.heading.usage"));
    template.push_str("{usage}\n");
    if cmd.has_subcommands() {
        template.push_str(&format!("\n{}\n{{subcommands}}\n", tr!("cli.heading.commands")));
    }
    if cmd.get_positionals().next().is_some() {
        template.push_str(&format!("\n{}\n{{positionals}}\n", tr!("cli.heading.arguments")));
    }
    template.push_str(&format!("\n{}\n{{options}}\n", tr!("cli.heading.options")));
    cmd.help_template(template).override_usage(usage)
}

/// `zongjie build [选项] [PERIOD]...`: the usage line, in the words of the current language.
fn usage_line(cmd: &clap::Command, bin: &str) -> String {
    let mut parts = vec![bin.to_string(), tr!("cli.usage.options")];
    if cmd.has_subcommands() {
        parts.push(tr!("cli.usage.command"));
    }
    for arg in cmd.get_positionals() {
        let value = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map(|n| n.to_string())
            .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let many = matches!(arg.get_action(), clap::ArgAction::Append);
        let shown = if arg.is_required_set() { format!("<{value}>") } else { format!("[{value}]") };
        parts.push(if many { format!("{shown}...") } else { shown });
    }
    parts.join(" ")
}

/// Reads the command line: the parsed command, or the exit code once help, the version or a
/// usage error has been printed (in the current language; exit 2 for a usage error).
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, ExitCode> {
    use clap::FromArgMatches;
    let args = help_subcommand(args);
    let words: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let parsed = command().try_get_matches_from(&args).and_then(|matches| Cli::from_arg_matches(&matches));
    match parsed {
        Ok(cli) => Ok(cli),
        Err(e) => Err(usage_error(&e, &words)),
    }
}

/// `zongjie help build` is `zongjie build --help` (clap's own help subcommand would list itself
/// in English).
fn help_subcommand(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 1;
    while i < args.len() {
        match args[i].to_str() {
            Some("--lang") => i += 2,
            Some(a) if a.starts_with('-') => i += 1,
            Some("help") => {
                args.remove(i);
                args.push("--help".into());
                return args;
            }
            _ => return args,
        }
    }
    args
}

/// Prints what clap found wrong with the command line, in the current language, and returns the
/// exit code (2). Help and the version are printed as they are (exit 0).
fn usage_error(e: &clap::Error, args: &[String]) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        // clap's own exit() panics when --help meets a closed pipe.
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    let list = |values: &[String]| values.join(tr!("cli.usage.list_separator").as_str());
    let get = |kind: ContextKind| -> String {
        match e.get(kind) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => list(v),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            Some(ContextValue::Number(n)) => n.to_string(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    };
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let mut message = match e.kind() {
        ErrorKind::UnknownArgument if arg.starts_with('-') => tr!("cli.usage.unknown_option", arg = arg),
        ErrorKind::UnknownArgument => tr!("cli.usage.extra_argument", arg = arg),
        ErrorKind::InvalidSubcommand => tr!("cli.usage.unknown_command", command = get(ContextKind::InvalidSubcommand)),
        ErrorKind::InvalidValue if value.is_empty() => tr!("cli.usage.value_missing", arg = arg),
        ErrorKind::InvalidValue => {
            let mut m = tr!("cli.usage.invalid_value", arg = arg, value = value);
            let valid = get(ContextKind::ValidValue);
            if !valid.is_empty() {
                m.push_str(&tr!("cli.usage.valid_values", values = valid));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            tr!("cli.usage.value_validation", arg = arg, value = value, reason = reason)
        }
        ErrorKind::MissingRequiredArgument => tr!("cli.usage.missing_argument", args = arg),
        ErrorKind::ArgumentConflict => tr!("cli.usage.conflict", arg = arg, other = get(ContextKind::PriorArg)),
        ErrorKind::TooManyValues => tr!("cli.usage.too_many_values", arg = arg, value = value),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => tr!("cli.usage.wrong_number", arg = arg),
        ErrorKind::MissingSubcommand => tr!("cli.usage.missing_command"),
        ErrorKind::InvalidUtf8 => tr!("cli.usage.invalid_utf8"),
        _ => tr!("cli.usage.other"),
    };
    let suggested = [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand, ContextKind::SuggestedValue]
        .into_iter()
        .map(get)
        .find(|s| !s.is_empty());
    if let Some(suggested) = suggested {
        message.push_str(&tr!("cli.usage.did_you_mean", suggestion = suggested));
    }
    tell!("{}{message}", tr!("common.error"));
    let usage = get(ContextKind::Usage);
    let usage = usage.trim();
    if !usage.is_empty() {
        // clap heads it with its own "Usage: "; the line itself is ours (override_usage).
        let line = usage.split_once(": ").map_or(usage, |(_, rest)| rest);
        tell!("{}{line}", tr!("cli.heading.usage"));
    }
    // The subcommand named on the command line, for the help to point at.
    let sub = (e.kind() != ErrorKind::InvalidSubcommand)
        .then(|| {
            let cmd = command();
            args.iter().skip(1).find(|a| cmd.find_subcommand(a.as_str()).is_some()).cloned()
        })
        .flatten();
    let help = match sub {
        Some(sub) => format!("zongjie {sub} --help"),
        None => "zongjie --help".to_string(),
    };
    tell!("{}", tr!("cli.usage.more", help = help));
    ExitCode::from(2)
}
