//! The command line: clap definitions, one module per subcommand, and exit codes.
//! Exit 0 on success, 1 on an input error, 2 on a usage error (clap's own).

use clap::{Args, Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

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
pub mod figures;
pub mod init;
pub mod new;
pub mod reference_docx;
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
    /// Rebuild in memory and compare with each period's manifest and files on disk.
    Verify(verify::VerifyArgs),
    /// Write the reference .docx for pandoc (--reference-doc) with the report's styles.
    ReferenceDocx(reference_docx::ReferenceDocxArgs),
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
    from_args
        .or_else(|| std::env::var("ZONGJIE_LANG").ok())
        .and_then(|l| zongjie::i18n::Lang::parse(&l))
        .unwrap_or_default()
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Figures(args) => figures::run(args),
        Command::Init(args) => init::run(args),
        Command::Templates(args) => templates::run(args),
        Command::New(args) => new::run(args),
        Command::Verify(args) => verify::run(args),
        Command::ReferenceDocx(args) => reference_docx::run(args),
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
            tell!("error: cannot write to standard output: {}", zongjie::error::io_reason(&e));
        }
    }
}

/// Writes a line to standard error (see `tell!`).
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Prints an error, one `error:` line per problem. The library's errors already name their
/// cause, so it is not printed a second time.
pub fn report_error(e: &anyhow::Error) {
    match e.downcast_ref::<zongjie::error::Error>() {
        Some(zongjie::error::Error::Input(problems)) => {
            for p in problems {
                tell!("error: {p}");
            }
        }
        Some(e) => tell!("error: {e}"),
        None => tell!("error: {e:#}"),
    }
}

/// The periods to work on: those named, or the latest with data.
pub fn periods(
    ws: &zongjie::workspace::Workspace,
    named: &[zongjie::period::Period],
) -> anyhow::Result<Vec<zongjie::period::Period>> {
    if !named.is_empty() {
        // 2024H1 and 2024-H1 are one period: built once.
        let mut seen = std::collections::BTreeSet::new();
        return Ok(named.iter().copied().filter(|p| seen.insert(*p)).collect());
    }
    ws.latest()
        .map(|p| vec![p])
        .ok_or_else(|| anyhow::anyhow!("there is no period folder under {}", ws.root.join("data").display()))
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
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Md, Format::Pdf, Format::Docx];
}

/// Takes the workspace lock for a command that writes (`Mode::Write`) or compares
/// (`Mode::Read`). It lives at the workspace root, or in the output folder when `--out` points
/// outside the workspace: one lock for the folders a build writes in.
pub fn lock(
    ws: &zongjie::workspace::Workspace,
    out: Option<&std::path::Path>,
    mode: zongjie::lock::Mode,
    no_wait: bool,
) -> anyhow::Result<Option<zongjie::lock::Lock>> {
    use zongjie::lock::LOCK_FILE;
    let inside = |out: &std::path::Path| match (ws.root.canonicalize(), canonical(out)) {
        (Ok(root), Some(out)) => out.starts_with(root),
        _ => true,
    };
    let (path, shown) = match out {
        Some(out) if !inside(out) => {
            if mode == zongjie::lock::Mode::Write {
                // The lock goes beside the reports; if the folder cannot be made, the lock says so.
                let _ = std::fs::create_dir_all(out);
            }
            (out.join(LOCK_FILE), out.join(LOCK_FILE).display().to_string())
        }
        _ => (ws.root.join(LOCK_FILE), LOCK_FILE.to_string()),
    };
    let waiting = || tell!("{shown}: another zongjie is working in this workspace; waiting for it to finish");
    Ok(zongjie::lock::acquire(&path, &shown, mode, !no_wait, waiting)?)
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
    /// The renderers of the chosen formats (fonts loaded once for all periods).
    pub fn renderers(&self, ws: &zongjie::workspace::Workspace) -> anyhow::Result<Formats> {
        Formats::load(ws, &self.format)
    }
}

/// The renderers of a build, owned.
pub struct Formats {
    markdown: Option<zongjie::render::markdown::MarkdownRenderer>,
    pdf: Option<zongjie::render::pdf::PdfRenderer>,
    docx: Option<zongjie::render::docx::DocxRenderer>,
}

impl Formats {
    /// Loads the renderers of the given formats.
    pub fn load(ws: &zongjie::workspace::Workspace, formats: &[Format]) -> anyhow::Result<Self> {
        let pdf = if formats.contains(&Format::Pdf) {
            let fonts = zongjie::render::pdf::fonts::FontSet::load(&ws.config.fonts, &ws.root)?;
            Some(zongjie::render::pdf::PdfRenderer::new(fonts))
        } else {
            None
        };
        let markdown = formats.contains(&Format::Md).then_some(zongjie::render::markdown::MarkdownRenderer);
        let docx = formats
            .contains(&Format::Docx)
            .then(|| zongjie::render::docx::DocxRenderer { fonts: ws.config.docx_fonts.clone() });
        Ok(Formats { markdown, pdf, docx })
    }
    /// Every format.
    pub fn all(ws: &zongjie::workspace::Workspace) -> anyhow::Result<Self> {
        Self::load(ws, &Format::ALL)
    }
    /// The formats not asked for, for their inputs: an earlier output of theirs stays while
    /// those are unchanged. One that cannot be loaded (fonts that no longer load) is left out,
    /// and an earlier output of it is then kept in versions/.
    pub fn others(ws: &zongjie::workspace::Workspace, asked: &[Format]) -> Self {
        let mut formats = Formats { markdown: None, pdf: None, docx: None };
        for format in Format::ALL.into_iter().filter(|f| !asked.contains(f)) {
            if let Ok(loaded) = Self::load(ws, &[format]) {
                formats.markdown = formats.markdown.or(loaded.markdown);
                formats.pdf = formats.pdf.or(loaded.pdf);
                formats.docx = formats.docx.or(loaded.docx);
            }
        }
        formats
    }
    /// The renderers, in a fixed order.
    pub fn as_refs(&self) -> Vec<&dyn zongjie::render::Renderer> {
        let mut out: Vec<&dyn zongjie::render::Renderer> = Vec::new();
        if let Some(m) = &self.markdown {
            out.push(m);
        }
        if let Some(p) = &self.pdf {
            out.push(p);
        }
        if let Some(d) = &self.docx {
            out.push(d);
        }
        out
    }
}

/// Runs `work` on each period, spread over the cores, and returns the results in period order.
/// On a terminal a progress bar shows on stderr; in a log each period gets a plain line.
pub fn each_period<T: Send>(
    periods: &[zongjie::period::Period],
    verb: &str,
    work: impl Fn(zongjie::period::Period) -> zongjie::error::Result<T> + Sync,
) -> Vec<(zongjie::period::Period, zongjie::error::Result<T>)> {
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
                    None => tell!("{verb} {period}: {}", if result.is_ok() { "done" } else { "failed" }),
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
