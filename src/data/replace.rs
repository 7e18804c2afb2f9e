//! Replacing a data file in a period folder without losing the one it replaces: the rule behind
//! the upload of `zongjie serve`, for any caller. Under the workspace lock the new file is
//! checked by the caller (with its period, in memory), the old one is copied into the period's
//! hidden `.versions/N/` ([`archive::keep_copy`]), and the new one is written to a temporary
//! file renamed into place ([`archive::write_files`]). Never through a link, never outside the
//! workspace.

use crate::archive::lock::{self, Mode, LOCK_FILE};
use crate::archive::{self, Output};
use crate::data::{self, InputFile};
use crate::error::Error;
use rust_i18n::t;
use std::path::Path;

/// Where replaced data files are kept, inside the period's data folder: hidden, so that it is
/// never read as data (nor copied by `new`).
pub const VERSIONS: &str = ".versions";

/// Extensions a data file may have.
const EXTENSIONS: [&str; 4] = ["csv", "xlsx", "yaml", "yml"];

/// Why a name given for a data file (by a browser, say) is refused; shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameRefused {
    /// Empty, or hidden (starts with `.`).
    #[error("{}", t!("serve.upload_name_hidden", name = .0))]
    Hidden(String),
    /// Holds a character no file system or no reader takes, or is too long.
    #[error("{}", t!("serve.upload_name_bad", name = .0))]
    Bad(String),
    /// Not a data file's extension.
    #[error("{}", t!("serve.upload_extension", name = .0))]
    Extension(String),
    /// A period's own template or catalog.
    #[error("{}", t!("serve.upload_not_data", name = .0))]
    NotData(String),
}

/// The name a data file given as `given` (by a browser, say) is saved under: the last part of
/// it (a path is cut to its file name), which must be a plain visible name with a data file's
/// extension and not a period's own catalog or template.
pub fn data_file_name(given: &str) -> Result<String, NameRefused> {
    let name = given.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let given = given.to_string();
    if name.is_empty() || name.starts_with('.') {
        return Err(NameRefused::Hidden(given));
    }
    if name.chars().any(|c| archive::is_invisible(c) || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        || name.len() > 200
    {
        return Err(NameRefused::Bad(given));
    }
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if !EXTENSIONS.contains(&ext.as_str()) {
        return Err(NameRefused::Extension(given));
    }
    if data::NOT_DATA.contains(&name) {
        return Err(NameRefused::NotData(given));
    }
    Ok(name.to_string())
}

/// What [`replace_data_file`] did.
#[derive(Debug)]
pub struct Replaced<T> {
    /// The file, workspace-relative (`data/2024H1/低保分乡镇.csv`).
    pub path: String,
    /// What the check returned (the period's warnings, say).
    pub checked: T,
    /// The copy of the file replaced, workspace-relative, when there was one.
    pub kept: Option<String>,
    /// True when the file there already had exactly these bytes: nothing was written.
    pub unchanged: bool,
}

/// Why [`replace_data_file`] wrote nothing.
#[derive(Debug)]
pub enum NotReplaced<R> {
    /// The period folder lies outside the workspace (through a link); the message says so.
    Outside(String),
    /// What stands at the file's name is not a plain file (a link, a folder, a pipe): never
    /// written through; the message says so.
    NotPlain(String),
    /// The check refused the file.
    Refused(R),
    /// The lock, or reading or writing a file, failed.
    Failed(Error),
}

impl<R: std::fmt::Display> std::fmt::Display for NotReplaced<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReplaced::Outside(message) | NotReplaced::NotPlain(message) => f.write_str(message),
            NotReplaced::Refused(why) => why.fmt(f),
            NotReplaced::Failed(e) => e.fmt(f),
        }
    }
}

impl<R> From<Error> for NotReplaced<R> {
    fn from(e: Error) -> Self {
        NotReplaced::Failed(e)
    }
}

/// Writes `bytes` as the data file `name` (see [`data_file_name`]) of the period folder `dir`
/// (workspace-relative) under `root`. Holds the workspace lock for writing throughout, waiting
/// for a build that holds it. `check` is given the new file, as the overlay of the period's
/// data, before anything is written; an `Err` from it stops the replacement. A file already
/// there is kept in the folder's `.versions/N/` first.
pub fn replace_data_file<T, R>(
    root: &Path,
    dir: &str,
    name: &str,
    bytes: Vec<u8>,
    check: impl FnOnce(&[InputFile]) -> Result<T, R>,
) -> Result<Replaced<T>, NotReplaced<R>> {
    let path = format!("{dir}/{name}");
    let _lock = lock::acquire(&root.join(LOCK_FILE), LOCK_FILE, Mode::Write, true, || {})?;
    let folder = root.join(dir);
    check_target(root, &folder, name, &path)?;
    let overlay = [InputFile { path: path.clone(), bytes }];
    let checked = check(&overlay).map_err(NotReplaced::Refused)?;
    let [InputFile { bytes, .. }] = overlay;
    let mut kept = None;
    match std::fs::read(folder.join(name)) {
        Ok(old) if old == bytes => return Ok(Replaced { path, checked, kept, unchanged: true }),
        Ok(_) => {
            let copy = archive::keep_copy(&folder, name, &folder.join(VERSIONS))
                .map_err(|e| Error::io(format!("{dir}/{VERSIONS}"), e))?;
            kept = Some(data::relative(root, &copy.join(name)));
        }
        // Nothing there to keep: a new file.
        Err(_) => {}
    }
    archive::write_files(&folder, &[Output { name: name.to_string(), bytes }])?;
    Ok(Replaced { path, checked, kept, unchanged: false })
}

/// The file to replace must be a plain file (never written through a link), and the period
/// folder must lie inside the workspace.
fn check_target<R>(root: &Path, folder: &Path, name: &str, path: &str) -> Result<(), NotReplaced<R>> {
    let inside = match (folder.canonicalize(), root.canonicalize()) {
        (Ok(folder), Ok(root)) => folder.starts_with(root),
        _ => false,
    };
    if !inside {
        return Err(NotReplaced::Outside(t!("serve.upload_outside", path = path).into_owned()));
    }
    match std::fs::symlink_metadata(folder.join(name)) {
        Ok(meta) if !meta.is_file() => {
            Err(NotReplaced::NotPlain(t!("serve.upload_not_plain", path = path).into_owned()))
        }
        _ => Ok(()),
    }
}
