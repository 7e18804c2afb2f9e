//! Stage 1: load a period's data files into named raw values, each with the file and line it came
//! from. Nothing is interpreted here; the catalog decides what a value means (see `figures`).

use crate::error::{Problem, Source};
use crate::yaml::{self, Node};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// A value as a data file gives it, before the catalog gives it a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    /// The literal text; `None` when the key is present but empty (a period started by `new`).
    pub text: Option<String>,
    /// Where it is written.
    pub source: Source,
    /// How it was computed, for a figure summed from a sheet.
    pub via: Option<String>,
}

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
}

/// Files in a period folder that are not data: the period's own template and catalog.
pub const NOT_DATA: [&str; 2] = ["catalog.yaml", "report.md.j2"];

/// Reads every `.yaml`/`.yml` data file under `root/dir` (recursively, in path order).
///
/// All problems of all files are returned together, so that `check` can list them at once.
///
/// Returns what could be read together with every problem; CSV and XLSX files are recorded as
/// inputs here and read against the catalog by `sheets`.
pub fn load_period(root: &Path, dir: &str) -> (PeriodData, Vec<Problem>) {
    let mut data = PeriodData::default();
    let mut problems = Vec::new();
    let paths = data_paths(root, dir);
    for path in paths {
        let rel = relative(root, &path);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                problems.push(Problem::at(Source::file(&rel), format!("cannot read: {e}")));
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
/// period's own catalog and template, and CSV/XLSX sheets; hidden files are skipped.
pub fn data_paths(root: &Path, dir: &str) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = walkdir::WalkDir::new(root.join(dir))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
            !name.starts_with('.') && DATA_EXTENSIONS.contains(&ext.as_str()) && !NOT_DATA.contains(&name)
        })
        .collect();
    paths.sort();
    paths
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
            Err(Problem::at(
                Source::new(file, line),
                "the file is not UTF-8 (perhaps GBK from an old Excel or Notepad); save it as UTF-8",
            ))
        }
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
        _ if prefix.is_empty() => {
            problems.push(Problem::at(source, "a data file is a mapping of names to values (低保: {户数: 123})"))
        }
        Node::Seq(_) => {
            problems.push(Problem::at(source, "a list is not a figure; give each value its own name").figure(prefix))
        }
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
        problems.push(Problem::at(source, format!("is given twice; first at {}", first.source)).figure(name));
        return;
    }
    out.insert(name.to_string(), RawValue { text, source, via: None });
}
