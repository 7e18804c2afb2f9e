//! Stage 1: load a period's data files into named raw values, each with the file and line it came
//! from. Nothing is interpreted here; the catalog decides what a value means (see `figures`).

pub mod form;
pub mod replace;
pub mod sheets;

use crate::error::{Problem, Source};
use crate::yaml::{self, Node};
use rust_i18n::t;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

pub use crate::values::RawValue;

/// One input file of a period, kept for the manifest.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Path relative to the workspace root, with `/` separators.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// All raw values of one period, by dotted name (`低保.户数`).
#[derive(Debug, Clone, Default)]
pub struct PeriodData {
    /// Values by name.
    pub values: BTreeMap<String, RawValue>,
    /// The data files read, in path order.
    pub files: Vec<InputFile>,
    /// Files that could not be read as data at all; the figures they hold are unknown.
    pub unreadable: Vec<String>,
    /// Figures whose problem is reported already (a 填报表 row that cannot be read, or is
    /// missing): not also reported as absent from the data.
    pub reported: Vec<String>,
    /// The period's 填报表 when it has sheets of figures (workspace-relative).
    pub form: Option<String>,
}

/// The 填报表 a period's figures may be filled into (`zongjie form`): read by `form::read` for
/// its figures and by `sheets` for its township sheets.
pub const FORM_FILE: &str = "填报表.xlsx";

/// Files in a period folder that are not data: the period's own template and catalog.
pub const NOT_DATA: [&str; 2] = ["catalog.yaml", "report.md.j2"];

/// Reads every `.yaml`/`.yml` data file under `root/dir` (recursively, in path order).
///
/// All problems of all files are returned together, so that `check` can list them at once.
///
/// Returns what could be read together with every problem; CSV and XLSX files are recorded as
/// inputs here and read against the catalog by `sheets`. A file or folder that cannot be read
/// is a problem, and counts as unreadable: the figures it may hold are not also reported
/// missing.
pub fn load_period(root: &Path, dir: &str) -> (PeriodData, Vec<Problem>) {
    load_period_with(root, dir, &[])
}

/// [`load_period`] with `overlay`'s files (workspace-relative paths) read in place of those on
/// disk, or added to the folder `dir` when they are not there: a file is checked with its
/// period before it is saved.
pub fn load_period_with(root: &Path, dir: &str, overlay: &[InputFile]) -> (PeriodData, Vec<Problem>) {
    let mut data = PeriodData::default();
    let (mut paths, mut problems) = walk_data(root, dir);
    let in_folder = |f: &&InputFile| f.path.strip_prefix(dir).and_then(|p| p.strip_prefix('/')).is_some();
    for file in overlay.iter().filter(in_folder) {
        if !paths.iter().any(|p| relative(root, p) == file.path) {
            paths.push(root.join(&file.path));
        }
    }
    paths.sort();
    data.unreadable.extend(problems.iter().filter_map(|p| p.source.as_ref()).map(|s| s.file.clone()));
    for path in paths {
        let rel = relative(root, &path);
        let given = overlay.iter().find(|f| f.path == rel).map(|f| Ok(f.bytes.clone()));
        let bytes = match given.unwrap_or_else(|| read_data_file(&path)) {
            Ok(b) => b,
            Err(why) => {
                problems.push(Problem::at(Source::file(&rel), why));
                data.unreadable.push(rel);
                continue;
            }
        };
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml"));
        if is_yaml && !read_yaml(&bytes, &rel, &mut data.values, &mut problems) {
            data.unreadable.push(rel.clone());
        }
        data.files.push(InputFile { path: rel, bytes });
    }
    (data, problems)
}

/// The largest data file read: a county's figures for a period take some kilobytes.
pub const DATA_FILE_MAX: u64 = 64 << 20;

/// A data file's bytes, or why it cannot be used.
pub fn read_data_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| cannot_read(&e))?;
    if meta.len() > DATA_FILE_MAX {
        return Err(t!("data.too_large", bytes = meta.len(), max = DATA_FILE_MAX >> 20).into_owned());
    }
    std::fs::read(path).map_err(|e| cannot_read(&e))
}

/// Why a data file or folder cannot be read, with what to do about a permission.
fn cannot_read(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => t!("data.permission_denied").into_owned(),
        _ => t!("data.cannot_read", reason = crate::error::io_reason(e)).into_owned(),
    }
}

/// Reads one YAML data file's bytes into `values`; false when the file is not YAML at all.
/// (The loaders' entry point for the fuzzer as well.)
pub fn read_yaml(
    bytes: &[u8],
    file: &str,
    values: &mut BTreeMap<String, RawValue>,
    problems: &mut Vec<Problem>,
) -> bool {
    match decode_utf8(bytes, file).and_then(|text| yaml::parse_tree(&text, file)) {
        Ok(tree) => {
            flatten(&tree, file, "", values, problems);
            true
        }
        Err(p) => {
            problems.push(p);
            false
        }
    }
}

/// The data files of a period folder (recursively, in path order): YAML files other than the
/// period's own catalog and template, and CSV/XLSX sheets; hidden files are skipped. What
/// cannot be walked is left out here; `walk_data` says why.
pub fn data_paths(root: &Path, dir: &str) -> Vec<std::path::PathBuf> {
    walk_data(root, dir).0
}

/// The data files of a period folder with a problem for everything that cannot be used: a
/// folder or file that cannot be read, a link that leads outside the workspace, nowhere, or
/// back into a folder that holds it, a pipe or device with a data file's name. Links inside
/// the workspace are followed.
pub fn walk_data(root: &Path, dir: &str) -> (Vec<std::path::PathBuf>, Vec<Problem>) {
    let workspace = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut problems = Vec::new();
    let mut outside = Vec::new();
    let is_data = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        !name.starts_with('.') && DATA_EXTENSIONS.contains(&ext.as_str()) && !NOT_DATA.contains(&name)
    };
    let walk = walkdir::WalkDir::new(root.join(dir)).follow_links(true).sort_by_file_name().into_iter();
    // A link is followed only where it stays inside the workspace; hidden entries are skipped.
    let walk = walk.filter_entry(|e| {
        if e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.') {
            return false;
        }
        if !e.path_is_symlink() {
            return true;
        }
        match e.path().canonicalize() {
            Ok(target) if target.starts_with(&workspace) => true,
            Ok(_) => {
                let to = std::fs::read_link(e.path()).map(|t| t.display().to_string()).unwrap_or_default();
                outside.push(Problem::at(
                    Source::file(relative(root, e.path())),
                    t!("data.link_outside", to = to, dir = dir),
                ));
                false
            }
            // A link that leads nowhere: walkdir reports it below.
            Err(_) => true,
        }
    });
    let mut paths = Vec::new();
    for entry in walk {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) if e.file_type().is_file() => {
                if is_data(e.path()) {
                    paths.push(e.into_path());
                }
            }
            Ok(e) => {
                if is_data(e.path()) {
                    problems.push(Problem::at(Source::file(relative(root, e.path())), t!("data.not_plain")));
                }
            }
            Err(e) => {
                let rel = e.path().map(|p| relative(root, p)).unwrap_or_else(|| dir.to_string());
                let message = if e.loop_ancestor().is_some() {
                    t!("data.link_loop").into_owned()
                } else {
                    match (e.io_error(), e.path().and_then(|p| std::fs::read_link(p).ok())) {
                        (Some(io), Some(to)) if io.kind() == std::io::ErrorKind::NotFound => {
                            t!("data.link_nowhere", to = to.display()).into_owned()
                        }
                        // ErrorKind::FilesystemLoop is not stable yet; its name is.
                        (Some(io), _) if format!("{:?}", io.kind()) == "FilesystemLoop" => {
                            t!("data.link_self").into_owned()
                        }
                        (Some(io), _) => cannot_read(io),
                        (None, _) => t!("data.cannot_walk").into_owned(),
                    }
                };
                problems.push(Problem::at(Source::file(rel), message));
            }
        }
    }
    problems.extend(outside);
    paths.sort();
    (paths, problems)
}

/// File extensions that hold data.
pub const DATA_EXTENSIONS: [&str; 5] = ["yaml", "yml", "csv", "xlsx", "xls"];

/// The data files of a period folder with their bytes (unreadable ones left out).
pub fn period_files(root: &Path, dir: &str) -> Vec<InputFile> {
    data_paths(root, dir)
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|bytes| InputFile { path: relative(root, &p), bytes }))
        .collect()
}

/// A path relative to the workspace root with `/` separators, for messages and manifests.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Text of a data file: UTF-8 (a BOM is dropped), never guessed. A GBK file from an old Excel is
/// rejected with a message saying so rather than read as mojibake.
pub fn decode_utf8(bytes: &[u8], file: &str) -> Result<String, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() as u64;
            Err(Problem::at(Source::new(file, line), t!("data.not_utf8")))
        }
    }
}

/// Text in GBK (GB18030, which old Excel and Notepad write on Chinese Windows), or None when the
/// bytes are not GBK: not valid GB18030, or text in another legacy encoding (Big5, Shift_JIS)
/// whose byte pairs happen to be valid GB18030 too. Such a file is refused, never read as
/// mojibake; [`legacy_encoding`] says what it looks like.
pub fn decode_gbk(bytes: &[u8]) -> Option<String> {
    if legacy_encoding(bytes) != encoding_rs::GBK {
        return None;
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// The legacy encoding bytes that are not UTF-8 look like, as chardetng (Firefox's detector)
/// guesses it: GBK, Big5, Shift_JIS, EUC-KR, windows-1252…
pub fn legacy_encoding(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    // GB18030 and GBK are one family here (encoding_rs decodes GBK as GB18030).
    if guess == encoding_rs::GB18030 {
        encoding_rs::GBK
    } else {
        guess
    }
}

fn flatten(
    node: &Spanned<Node>,
    file: &str,
    prefix: &str,
    out: &mut BTreeMap<String, RawValue>,
    problems: &mut Vec<Problem>,
) {
    let source = Source::new(file, node.referenced.line());
    match &node.value {
        Node::Map(entries) => {
            for (key, value) in entries {
                let name = if prefix.is_empty() {
                    key.value.trim().to_string()
                } else {
                    format!("{prefix}.{}", key.value.trim())
                };
                flatten(value, file, &name, out, problems);
            }
        }
        _ if prefix.is_empty() => problems.push(Problem::at(source, t!("data.not_a_mapping"))),
        Node::Seq(_) => problems.push(Problem::at(source, t!("data.list")).figure(prefix)),
        Node::Scalar { text, .. } => insert(out, prefix, Some(text.clone()), source, problems),
        Node::Null => insert(out, prefix, None, source, problems),
    }
}

fn insert(
    out: &mut BTreeMap<String, RawValue>,
    name: &str,
    text: Option<String>,
    source: Source,
    problems: &mut Vec<Problem>,
) {
    if let Some(first) = out.get(name) {
        problems.push(Problem::at(source, t!("data.given_twice", first = first.source)).figure(name));
        return;
    }
    out.insert(name.to_string(), RawValue { text, source, via: None });
}
