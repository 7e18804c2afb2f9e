//! One error type for the whole pipeline. Every problem carries where it came from (file, line,
//! figure) from the moment it is made, so the CLI only has to print it.

use rust_i18n::t;
use std::fmt;

/// Where a value, a declaration or a template line came from.
///
/// `file` is relative to the workspace root (or a name such as `<bundled>/report.md.j2`), never an
/// absolute machine path, so messages and manifests are the same on every machine.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Source {
    /// File relative to the workspace root.
    pub file: String,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: u64,
    /// A spreadsheet cell (`低保分乡镇!C5`) instead of a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Source {
    /// A location in a file.
    pub fn new(file: impl Into<String>, line: u64) -> Self {
        Source { file: file.into(), line, cell: None }
    }
    /// The whole file, with no particular line.
    pub fn file(file: impl Into<String>) -> Self {
        Source { file: file.into(), line: 0, cell: None }
    }
    /// A cell of a workbook: shown as `file:Sheet!C5`.
    pub fn cell(file: impl Into<String>, cell: String) -> Self {
        Source { file: file.into(), line: 0, cell: Some(cell) }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(cell) = &self.cell {
            write!(f, "{}:{cell}", self.file)
        } else if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// One thing wrong with the inputs: where, which figure, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the problem is; `None` only for problems of the whole workspace.
    pub source: Option<Source>,
    /// The figure concerned, by its catalog name (`低保.户数`).
    pub figure: Option<String>,
    /// What the figure means, from the catalog's `label` (filled in once the catalog is known).
    pub label: Option<String>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl Problem {
    /// A problem at a place in a file.
    pub fn at(source: Source, message: impl Into<String>) -> Self {
        Problem { source: Some(source), figure: None, label: None, message: message.into() }
    }
    /// Names the figure the problem concerns.
    pub fn figure(mut self, name: impl Into<String>) -> Self {
        self.figure = Some(name.into());
        self
    }

    /// Gives the figure's label (from the catalog), so the message says what the figure means.
    pub fn labelled(mut self, labels: &dyn Labels) -> Self {
        if self.label.is_none() {
            self.label = self.figure.as_deref().and_then(|f| labels.label(f)).map(String::from);
        }
        self
    }
}

/// Where a problem finds what a figure means: the catalog's `label` of each figure. A trait, so
/// that this floor names no type above it.
pub trait Labels {
    /// The label of a figure, by its catalog name.
    fn label(&self, figure: &str) -> Option<&str>;
}

impl fmt::Display for Problem {
    /// `文件:行：指标（说明） 问题`, or in English `file:line: figure (label): problem`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            f.write_str(&rust_i18n::t!("common.location", source = source.to_string()))?;
        }
        match (&self.figure, &self.label) {
            (Some(figure), Some(label)) => {
                f.write_str(&rust_i18n::t!("common.figure_with_label", figure = figure, label = label))?
            }
            (Some(figure), None) => f.write_str(&rust_i18n::t!("common.figure", figure = figure))?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs are wrong: one or more problems, each with its place.
    #[error("{}", join_problems(.0))]
    Input(Vec<Problem>),
    /// A file could not be read or written.
    #[error("{}", rust_i18n::t!("error.io", path = path, reason = io_message(.source)))]
    Io {
        /// The path as the user gave it or as it sits in the workspace.
        path: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A renderer failed on a document the pipeline accepted (a bug or a resource limit): the
    /// detail is the library's, so the message says it is not the data's fault.
    #[error("{}", rust_i18n::t!("error.render", detail = .0))]
    Render(String),
    /// Something in the workspace is in the way (a manifest that is not zongjie's, a lock file
    /// that is a link, another zongjie at work); the message, already in the user's language,
    /// says what and what to do.
    #[error("{0}")]
    Stopped(String),
    /// Characters that no configured font has, each with some text around it; the pipeline
    /// turns this into problems naming the figure or template they came from.
    #[error("{}", rust_i18n::t!("error.missing_glyphs", chars = .0.iter().map(|(c, _)| c.to_string()).collect::<Vec<_>>().join(" ")))]
    MissingGlyphs(Vec<(char, String)>),
}

/// The operating system's reason in words, in the language of the messages: "permission
/// denied" or 没有权限, never "Permission denied (os error 13)".
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => t!("error.io_not_found"),
        K::PermissionDenied => t!("error.io_permission_denied"),
        K::AlreadyExists => t!("error.io_already_exists"),
        K::StorageFull => t!("error.io_storage_full"),
        K::ReadOnlyFilesystem => t!("error.io_read_only"),
        K::NotADirectory => t!("error.io_not_a_directory"),
        K::IsADirectory => t!("error.io_is_a_directory"),
        K::DirectoryNotEmpty => t!("error.io_directory_not_empty"),
        K::FileTooLarge => t!("error.io_file_too_large"),
        K::ResourceBusy | K::ExecutableFileBusy => t!("error.io_busy"),
        K::TimedOut => t!("error.io_timed_out"),
        K::Interrupted => t!("error.io_interrupted"),
        K::UnexpectedEof => t!("error.io_unexpected_eof"),
        K::InvalidData => t!("error.io_invalid_data"),
        K::OutOfMemory => t!("error.io_out_of_memory"),
        K::BrokenPipe => t!("error.io_broken_pipe"),
        K::CrossesDevices => t!("error.io_crosses_devices"),
        K::TooManyLinks => t!("error.io_too_many_links"),
        K::StaleNetworkFileHandle => t!("error.io_stale"),
        K::QuotaExceeded => t!("error.io_quota"),
        // ErrorKind::FilesystemLoop is not stable yet; its name is.
        kind if format!("{kind:?}") == "FilesystemLoop" => t!("error.io_loop"),
        _ => {
            return match e.raw_os_error() {
                Some(code) => t!("error.io_other_code", code = code).into_owned(),
                None => t!("error.io_other").into_owned(),
            }
        }
    };
    text.into_owned()
}

/// An I/O error's reason, with what to do where there is something to do.
fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::PermissionDenied => t!("error.io_permission_denied_do"),
        K::StorageFull => t!("error.io_storage_full_do"),
        K::ReadOnlyFilesystem => t!("error.io_read_only_do"),
        K::NotADirectory => t!("error.io_not_a_directory_do"),
        _ => return io_reason(e),
    };
    text.into_owned()
}

fn join_problems(problems: &[Problem]) -> String {
    problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// A single input problem.
    pub fn problem(p: Problem) -> Self {
        Error::Input(vec![p])
    }
    /// An I/O failure on a path.
    pub fn io(path: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

impl From<Problem> for Error {
    fn from(p: Problem) -> Self {
        Error::problem(p)
    }
}

/// Results of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
