//! Stage 6: the archive. Each period's outputs are written beside a `manifest.json` that records
//! the sha256 of every input and output. Nothing in the folder is ever lost:
//!
//! - every new file is written to a temporary name and synced before anything moves;
//! - an earlier file that would change is first copied into a new file in `versions/N/` (never
//!   written through a link), a file that leaves the folder is renamed there;
//! - if any step fails, what was replaced is put back, so the folder and its manifest stay the
//!   earlier report, whole;
//! - each format is compared on its own: outputs of formats not asked for this time stay while
//!   their inputs are unchanged, and the manifest always lists exactly the outputs in the folder;
//! - the manifest is data: it may only name plain file names inside its own folder.
//!
//! Callers hold the workspace lock (`lock`), so one writer works in a folder at a time.

pub mod lock;

use crate::error::{Error, Result};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// An output file's name and bytes.
#[derive(Debug, Clone)]
pub struct Output {
    /// File name inside the period's output folder.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The manifest's file name in a period's output folder.
pub const MANIFEST: &str = "manifest.json";
/// The folder, inside a period's output folder, that holds earlier versions.
pub const VERSIONS: &str = "versions";
/// The longest file name (in bytes) that common file systems (ext4, NTFS, APFS) take.
pub const NAME_MAX: usize = 255;
/// A manifest is a few kilobytes; anything much larger is not one (and is not read whole).
const MANIFEST_MAX: u64 = 16 << 20;
/// The largest earlier output compared by content (a report is a few megabytes).
const OUTPUT_MAX: u64 = 1 << 30;
/// Temporary files are `.zongjie-PID-N.tmp`, so a later build knows them as ours.
const TEMP_PREFIX: &str = ".zongjie-";

/// What went into a report and what came out, by sha256. Its bytes depend only on its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The tool and its version.
    pub tool: String,
    /// The period.
    pub period: String,
    /// Inputs by workspace-relative path (or `<bundled>/…`), with their sha256.
    pub inputs: BTreeMap<String, String>,
    /// Output file names with their sha256.
    pub outputs: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest as written: pretty JSON, keys sorted, a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serializes");
        text.push('\n');
        text.into_bytes()
    }

    /// Reads a period folder's manifest, if it has one; `shown` is the folder as messages name
    /// it. A manifest that is not a plain file, not a zongjie manifest, or that names anything
    /// but plain file names in its own folder is refused: its contents are never acted on.
    pub fn read(dir: &Path, shown: &str) -> Result<Option<Manifest>> {
        Ok(Self::read_with_bytes(dir, shown)?.map(|(m, _)| m))
    }

    fn read_with_bytes(dir: &Path, shown: &str) -> Result<Option<(Manifest, Vec<u8>)>> {
        let path = dir.join(MANIFEST);
        let bytes = match read_plain(&path, MANIFEST_MAX) {
            Ok(Plain::File(bytes)) => bytes,
            Ok(Plain::Missing) => return Ok(None),
            Ok(Plain::Other) => {
                return Err(Error::Stopped(
                    t!("archive.manifest_not_plain", path = format!("{shown}/{MANIFEST}"), folder = shown).into_owned(),
                ))
            }
            Ok(Plain::TooLarge(len)) => {
                return Err(Error::Stopped(
                    t!("archive.manifest_too_large", path = format!("{shown}/{MANIFEST}"), bytes = len, folder = shown)
                        .into_owned(),
                ))
            }
            Err(e) => return Err(Error::io(format!("{shown}/{MANIFEST}"), e)),
        };
        let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            let why = match e.classify() {
                serde_json::error::Category::Eof => t!("archive.json_eof", line = e.line(), column = e.column()),
                serde_json::error::Category::Data => t!("archive.json_data", line = e.line(), column = e.column()),
                _ => t!("archive.json_syntax", line = e.line(), column = e.column()),
            };
            Error::Stopped(
                t!("archive.not_a_manifest", path = format!("{shown}/{MANIFEST}"), why = why, folder = shown)
                    .into_owned(),
            )
        })?;
        for name in manifest.outputs.keys() {
            if !is_plain_name(name) {
                return Err(Error::Stopped(
                    t!(
                        "archive.manifest_bad_output",
                        path = format!("{shown}/{MANIFEST}"),
                        name = format!("{name:?}"),
                        folder = shown
                    )
                    .into_owned(),
                ));
            }
        }
        Ok(Some((manifest, bytes)))
    }
}

/// True for a name that can only mean a file directly in the folder: no separator, not `.` or
/// `..`, not hidden (temporary files are), not the manifest or the versions folder, no NUL.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= NAME_MAX
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && name != MANIFEST
        && name != VERSIONS
        && !Path::new(name).is_absolute()
        // A drive prefix such as C: on Windows.
        && !name.contains(':')
}

/// A character that shows nothing or changes how the text around it shows: control characters,
/// zero-width spaces and joiners, the right-to-left overrides that make `exe.yaml` of `lmay.exe`,
/// a stray BOM. Never part of a name, nor of a report's text.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// The sha256 of some bytes, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes).iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What writing a report did.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The files written (outputs, then the manifest).
    pub files: Vec<PathBuf>,
    /// Where the earlier files were kept, when some changed or left the folder.
    pub kept: Option<PathBuf>,
    /// True when the report on disk was already exactly this one and nothing was written.
    pub unchanged: bool,
}

impl Written {
    /// What writing the report in `dir` did, one message a line, as `build` prints them and
    /// the page of `zongjie serve` lists them: unchanged, or where the earlier files were kept
    /// and each file written. `shown` writes a path as the messages name it.
    pub fn messages(&self, dir: &Path, shown: impl Fn(&Path) -> String) -> Vec<String> {
        if self.unchanged {
            return vec![t!("cli.unchanged", dir = shown(dir)).into_owned()];
        }
        let kept = self.kept.iter().map(|kept| t!("cli.kept", dir = shown(kept)).into_owned());
        kept.chain(self.files.iter().map(|path| t!("cli.wrote", path = shown(path)).into_owned())).collect()
    }
}

/// A report to write: the manifest's fields, each asked-for format's output, and the inputs of
/// the formats not asked for this time.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    /// The tool and its version.
    pub tool: String,
    /// The period.
    pub period: String,
    /// Inputs every format reads (data files, template, catalog, config).
    pub inputs: BTreeMap<String, String>,
    /// The outputs asked for, each with the inputs only its renderer reads (fonts).
    pub outputs: Vec<(Output, BTreeMap<String, String>)>,
    /// Formats not asked for, by extension, with the inputs their renderer reads; an earlier
    /// output of such a format stays only if its inputs are still the same. A format missing
    /// here (its renderer could not be loaded) cannot be checked, so its earlier output is
    /// kept in versions/ instead.
    pub others: BTreeMap<String, BTreeMap<String, String>>,
}

fn extension(name: &str) -> &str {
    Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// What to do with one file of the folder.
#[derive(Debug)]
enum Step {
    /// A new output goes to `name`; `old` says what is there now.
    Write { name: String, bytes: Vec<u8>, old: Existing },
    /// An earlier file leaves the folder for versions/N (renamed).
    Move { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    /// Nothing at that name.
    Nothing,
    /// A plain file, copied into versions/N before it is replaced.
    File,
    /// Something else (a link, a folder): renamed into versions/N first.
    Other,
}

/// Writes a report's outputs and manifest into `dir` (`shown` is how messages name it).
///
/// Earlier files that change or leave the folder are kept in `versions/N/` with the earlier
/// manifest. Nothing moves until every new file is written and synced; if any step fails, the
/// files already replaced are put back and the error is returned.
pub fn write_report(dir: &Path, shown: &str, new: &NewReport) -> Result<Written> {
    ensure_folder(dir, shown)?;
    remove_stale_temps(dir);
    let old = Manifest::read_with_bytes(dir, shown)?;
    for (output, _) in &new.outputs {
        if !is_plain_name(&output.name) {
            return Err(Error::Stopped(
                t!("archive.bad_file_name", folder = shown, name = format!("{:?}", output.name), max = NAME_MAX)
                    .into_owned(),
            ));
        }
    }
    let mut steps = Vec::new();
    let mut manifest = Manifest {
        tool: new.tool.clone(),
        period: new.period.clone(),
        inputs: new.inputs.clone(),
        outputs: BTreeMap::new(),
    };
    for (output, inputs) in &new.outputs {
        manifest.outputs.insert(output.name.clone(), sha256(&output.bytes));
        manifest.inputs.extend(inputs.iter().map(|(k, v)| (k.clone(), v.clone())));
        let path = dir.join(&output.name);
        let old = match read_plain(&path, output.bytes.len() as u64) {
            Ok(Plain::Missing) => Existing::Nothing,
            Ok(Plain::File(bytes)) if bytes == output.bytes => continue,
            Ok(Plain::File(_)) | Ok(Plain::TooLarge(_)) => Existing::File,
            Ok(Plain::Other) => Existing::Other,
            Err(e) => return Err(Error::io(format!("{shown}/{}", output.name), e)),
        };
        steps.push(Step::Write { name: output.name.clone(), bytes: output.bytes.clone(), old });
    }
    if let Some((old, _)) = &old {
        let asked: BTreeSet<&str> = new.outputs.iter().map(|(o, _)| extension(&o.name)).collect();
        for (name, hash) in &old.outputs {
            if manifest.outputs.contains_key(name) {
                continue;
            }
            let path = dir.join(name);
            let intact = match read_plain(&path, OUTPUT_MAX) {
                Ok(Plain::Missing) => continue, // gone already: it simply leaves the manifest
                Ok(Plain::File(bytes)) => sha256(&bytes) == *hash,
                Ok(_) => false,
                Err(e) => return Err(Error::io(format!("{shown}/{name}"), e)),
            };
            let ext = extension(name);
            match new.others.get(ext) {
                Some(inputs) if intact && !asked.contains(ext) && inputs_unchanged(old, new, inputs) => {
                    manifest.outputs.insert(name.clone(), hash.clone());
                    manifest.inputs.extend(inputs.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                _ => steps.push(Step::Move { name: name.clone() }),
            }
        }
    }
    let manifest_bytes = manifest.to_bytes();
    let old_bytes = old.as_ref().map(|(_, bytes)| bytes.as_slice());
    if steps.is_empty() && old_bytes == Some(manifest_bytes.as_slice()) {
        return Ok(Written { files: Vec::new(), kept: None, unchanged: true });
    }
    // The earlier manifest is kept whenever it stops being true; not when the new one only adds
    // outputs (another format built from the same inputs).
    let keep_manifest = match &old {
        Some((old, bytes)) => !extends(&manifest, old) || *bytes != old.to_bytes(),
        None => false,
    };
    let needs_version = keep_manifest || steps.iter().any(|s| !matches!(s, Step::Write { old: Existing::Nothing, .. }));
    Transaction::new(dir, shown).run(steps, manifest_bytes, needs_version, old.is_some())
}

/// True when the earlier output of a format not asked for may stay: same tool and period, the
/// inputs every format reads and those its renderer reads unchanged, and no earlier input that
/// no format reads any more (a data file removed).
fn inputs_unchanged(old: &Manifest, new: &NewReport, renderer: &BTreeMap<String, String>) -> bool {
    let same = |k: &String, v: &String| old.inputs.get(k) == Some(v);
    let known = |k: &String| {
        new.inputs.contains_key(k)
            || new.outputs.iter().any(|(_, r)| r.contains_key(k))
            || new.others.values().any(|r| r.contains_key(k))
    };
    old.tool == new.tool
        && old.period == new.period
        && new.inputs.iter().all(|(k, v)| same(k, v))
        && renderer.iter().all(|(k, v)| same(k, v))
        && old.inputs.keys().all(known)
}

/// True when `new` says everything `old` says, and possibly more.
fn extends(new: &Manifest, old: &Manifest) -> bool {
    new.tool == old.tool
        && new.period == old.period
        && old.inputs.iter().all(|(k, v)| new.inputs.get(k) == Some(v))
        && old.outputs.iter().all(|(k, v)| new.outputs.get(k) == Some(v))
}

/// The steps of one write, undone in reverse if one fails.
struct Transaction<'a> {
    dir: &'a Path,
    shown: &'a str,
    /// Temporary files not yet renamed into place (removed on failure).
    temps: Vec<PathBuf>,
    /// The versions/N folder made, if any.
    version: Option<PathBuf>,
    /// Files put in place so far, with what was there before.
    replaced: Vec<(String, Existing)>,
    /// Temporary files made so far (for unique names).
    made: usize,
    /// Files moved into versions/N so far.
    moved: Vec<String>,
}

impl<'a> Transaction<'a> {
    fn new(dir: &'a Path, shown: &'a str) -> Self {
        Transaction { dir, shown, temps: Vec::new(), version: None, replaced: Vec::new(), made: 0, moved: Vec::new() }
    }

    fn run(mut self, steps: Vec<Step>, manifest: Vec<u8>, needs_version: bool, had_manifest: bool) -> Result<Written> {
        match self.apply(&steps, &manifest, needs_version, had_manifest) {
            Ok(written) => Ok(written),
            Err(e) => {
                self.undo();
                Err(e)
            }
        }
    }

    fn apply(&mut self, steps: &[Step], manifest: &[u8], needs_version: bool, had_manifest: bool) -> Result<Written> {
        let (dir, shown) = (self.dir, self.shown);
        // 1. Every new file, written and synced under a temporary name.
        let mut writes: Vec<(PathBuf, &str, Existing)> = Vec::new();
        for step in steps {
            if let Step::Write { name, bytes, old } = step {
                writes.push((self.temp(bytes, name)?, name, *old));
            }
        }
        let manifest_temp = self.temp(manifest, MANIFEST)?;
        // 2. Copies of what will be replaced, in a staging folder that becomes versions/N whole.
        if needs_version {
            let version = self.stage_version(steps, had_manifest)?;
            self.version = Some(version);
        }
        let version = self.version.clone();
        // 3. Files that leave the folder, and links or folders where a new file goes.
        for step in steps {
            let name = match step {
                Step::Move { name } | Step::Write { name, old: Existing::Other, .. } => name,
                Step::Write { .. } => continue,
            };
            let to = version.as_ref().expect("a move makes a version").join(name);
            std::fs::rename(dir.join(name), &to).map_err(|e| Error::io(format!("{shown}/{name}"), e))?;
            self.moved.push(name.clone());
        }
        // 4. The new files over the old ones, the manifest last: until then, it still describes
        // what a reader finds.
        let mut files = Vec::new();
        for (temp, name, old) in writes {
            let target = dir.join(name);
            std::fs::rename(&temp, &target).map_err(|e| Error::io(format!("{shown}/{name}"), e))?;
            self.temps.retain(|t| *t != temp);
            self.replaced.push((name.to_string(), old));
            files.push(target);
        }
        let target = dir.join(MANIFEST);
        std::fs::rename(&manifest_temp, &target).map_err(|e| Error::io(format!("{shown}/{MANIFEST}"), e))?;
        self.temps.clear();
        files.push(target);
        sync_dir(dir);
        Ok(Written { files, kept: version, unchanged: false })
    }

    /// Writes bytes to a new temporary file in the folder and syncs it.
    fn temp(&mut self, bytes: &[u8], name: &str) -> Result<PathBuf> {
        let path = self.dir.join(format!("{TEMP_PREFIX}{}-{}.tmp", std::process::id(), self.made));
        self.made += 1;
        // Listed first: a file half written is removed as well.
        self.temps.push(path.clone());
        write_new(&path, bytes).map_err(|e| Error::io(format!("{}/{name}", self.shown), e))?;
        Ok(path)
    }

    /// Copies the files that will be replaced (and the earlier manifest) into a staging folder,
    /// then renames it to the next free versions/N.
    fn stage_version(&mut self, steps: &[Step], had_manifest: bool) -> Result<PathBuf> {
        let (dir, shown) = (self.dir, self.shown);
        let versions = dir.join(VERSIONS);
        match std::fs::symlink_metadata(&versions) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::Stopped(
                    t!("archive.versions_not_folder", path = format!("{shown}/{VERSIONS}"), folder = shown)
                        .into_owned(),
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&versions).map_err(|e| Error::io(format!("{shown}/{VERSIONS}"), e))?
            }
            Err(e) => return Err(Error::io(format!("{shown}/{VERSIONS}"), e)),
        }
        let stage = versions.join(format!("{TEMP_PREFIX}{}.tmp", std::process::id()));
        std::fs::create_dir(&stage).map_err(|e| Error::io(format!("{shown}/{VERSIONS}"), e))?;
        self.temps.push(stage.clone());
        let mut copies: Vec<&str> = steps
            .iter()
            .filter_map(|s| match s {
                Step::Write { name, old: Existing::File, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        if had_manifest {
            copies.push(MANIFEST);
        }
        for name in copies {
            copy_new(&dir.join(name), &stage.join(name)).map_err(|e| Error::io(format!("{shown}/{name}"), e))?;
        }
        sync_dir(&stage);
        let mut next = next_version(&versions);
        loop {
            let target = versions.join(next.to_string());
            // rename() onto an existing empty folder would succeed: only ever onto a new name.
            if std::fs::symlink_metadata(&target).is_err() {
                match std::fs::rename(&stage, &target) {
                    Ok(()) => {
                        self.temps.retain(|t| *t != stage);
                        sync_dir(&versions);
                        return Ok(target);
                    }
                    Err(e) if next > 1_000_000_000 => return Err(Error::io(format!("{shown}/{VERSIONS}"), e)),
                    Err(_) => {}
                }
            }
            next += 1;
        }
    }

    /// Puts the folder back as it was: replaced files from their copies, moved files back, and
    /// temporary files removed. Best effort: each step that fails leaves its file in versions/N.
    fn undo(&mut self) {
        let dir = self.dir;
        for (name, old) in self.replaced.drain(..).rev() {
            match (old, &self.version) {
                (Existing::File, Some(version)) => {
                    let temp = dir.join(format!("{TEMP_PREFIX}{}-undo.tmp", std::process::id()));
                    if copy_new(&version.join(&name), &temp).is_err()
                        || std::fs::rename(&temp, dir.join(&name)).is_err()
                    {
                        // The earlier file stays in versions/N.
                        let _ = std::fs::remove_file(&temp);
                    }
                }
                // Nothing was there, or what was there is renamed back below.
                _ => {
                    let _ = std::fs::remove_file(dir.join(&name));
                }
            }
        }
        if let Some(version) = &self.version {
            for name in self.moved.drain(..).rev() {
                let _ = std::fs::rename(version.join(&name), dir.join(&name));
            }
        }
        for temp in self.temps.drain(..) {
            if temp.is_dir() {
                let _ = std::fs::remove_dir_all(&temp);
            } else {
                let _ = std::fs::remove_file(&temp);
            }
        }
    }
}

/// The number after the highest versions/N.
fn next_version(versions: &Path) -> u64 {
    std::fs::read_dir(versions)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
                .filter(|n| *n < 1_000_000_000)
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
        + 1
}

/// Keeps a copy of `dir/name`, a file about to be replaced outside a report's folder (a data
/// file uploaded through `zongjie serve`), in the next free `versions/N/` under `versions`:
/// copied into a staging folder, synced, and renamed whole, like a report's earlier files.
/// Returns the folder it is kept in.
pub fn keep_copy(dir: &Path, name: &str, versions: &Path) -> std::io::Result<PathBuf> {
    keep_copies(dir, &[name], versions)
}

/// [`keep_copy`] of several files of `dir` into one new `versions/N/` (the data files a
/// 填报表 replaces are kept together).
pub fn keep_copies(dir: &Path, names: &[&str], versions: &Path) -> std::io::Result<PathBuf> {
    // Never through a link (or onto a file) standing where the versions folder should be: the
    // copy would land outside the workspace.
    if std::fs::symlink_metadata(versions).is_ok_and(|m| !m.is_dir()) {
        return Err(std::io::ErrorKind::NotADirectory.into());
    }
    std::fs::create_dir_all(versions)?;
    let stage = versions.join(format!("{TEMP_PREFIX}{}.tmp", std::process::id()));
    // A staging folder (or file) left by a killed process with our process id holds only
    // copies; the caller holds the lock, so it is no one else's.
    remove_stale(&stage);
    std::fs::create_dir(&stage)?;
    for name in names {
        let copied = match Path::new(name).parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(sub) => {
                std::fs::create_dir_all(stage.join(sub)).and_then(|_| copy_new(&dir.join(name), &stage.join(name)))
            }
            None => copy_new(&dir.join(name), &stage.join(name)),
        };
        if let Err(e) = copied {
            let _ = std::fs::remove_dir_all(&stage);
            return Err(e);
        }
    }
    sync_dir(&stage);
    let mut next = next_version(versions);
    loop {
        let target = versions.join(next.to_string());
        // Only ever onto a new name: rename() onto an existing empty folder would succeed.
        if std::fs::symlink_metadata(&target).is_err() && std::fs::rename(&stage, &target).is_ok() {
            sync_dir(versions);
            return Ok(target);
        }
        if next > 1_000_000_000 {
            let _ = std::fs::remove_dir_all(&stage);
            return Err(std::io::Error::other("no free version number"));
        }
        next += 1;
    }
}

/// A report folder that may be read for `root`'s workspace: not a link (the rule `build` applies
/// before it writes there) and, once every link above it is followed, inside the workspace. A
/// folder that is not there is fine (nothing will be read from it). `zongjie serve` applies it
/// before it reads a manifest or a file, so a link can never hand out a file from elsewhere.
pub fn readable_folder(root: &Path, dir: &Path, shown: &str) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(_) => return Ok(()),
        Ok(m) if !m.is_dir() => return Err(Error::Stopped(t!("archive.not_a_folder", folder = shown).into_owned())),
        Ok(_) => {}
    }
    match (dir.canonicalize(), root.canonicalize()) {
        (Ok(dir), Ok(root)) if dir.starts_with(&root) => Ok(()),
        _ => Err(Error::Stopped(t!("archive.folder_outside", folder = shown).into_owned())),
    }
}

/// Makes the period folder if needed; refuses a link there, so nothing is written elsewhere.
fn ensure_folder(dir: &Path, shown: &str) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::Stopped(t!("archive.not_a_folder", folder = shown).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(shown.to_string(), e))
        }
        Err(e) => Err(Error::io(shown.to_string(), e)),
    }
}

/// Writes files into `dir`, each to a temporary file renamed over its target (for files outside
/// the archive: a new period's data, the reference document).
pub fn write_files(dir: &Path, files: &[Output]) -> Result<Vec<PathBuf>> {
    let shown = |p: &Path| p.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(shown(dir), e))?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let remove = |temps: &[(PathBuf, PathBuf)]| {
        for (t, _) in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (i, output) in files.iter().enumerate() {
        let target = dir.join(&output.name);
        let temp = dir.join(format!("{TEMP_PREFIX}{}-{i}.tmp", std::process::id()));
        // Left by a killed process that had our process id (the caller holds the lock).
        remove_stale(&temp);
        if let Err(e) = write_new(&temp, &output.bytes) {
            let _ = std::fs::remove_file(&temp);
            remove(&temps);
            return Err(Error::io(shown(&temp), e));
        }
        temps.push((temp, target));
    }
    let mut written = Vec::new();
    for (i, (temp, target)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(temp, target) {
            remove(&temps[i..]);
            return Err(Error::io(shown(target), e));
        }
        written.push(target.clone());
    }
    sync_dir(dir);
    Ok(written)
}

/// Removes whatever stands at a temporary name of ours: a file, a link (never what it points
/// to) or a folder of copies.
fn remove_stale(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Removes temporary files a killed build may have left (`.zongjie-PID-N.tmp`, and staging
/// folders in versions/). The caller holds the lock, so no other build owns them.
fn remove_stale_temps(dir: &Path) {
    // Exactly `.zongjie-PID-N.tmp`, `.zongjie-PID-undo.tmp` or `.zongjie-PID.tmp`: never a
    // file of anyone else's.
    let stale = |name: &str| {
        let Some(middle) = name.strip_prefix(TEMP_PREFIX).and_then(|n| n.strip_suffix(".tmp")) else { return false };
        let (pid, n) = middle.split_once('-').unwrap_or((middle, "0"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(pid) && (digits(n) || n == "undo")
    };
    for folder in [dir.to_path_buf(), dir.join(VERSIONS)] {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if !stale(&name.to_string_lossy()) {
                continue;
            }
            match entry.file_type() {
                // A staging folder holds only copies: the files themselves were still in place.
                Ok(t) if t.is_dir() && folder != dir => {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
                // A link by that name goes too (the link, never what it points to).
                Ok(t) if t.is_file() || t.is_symlink() => {
                    let _ = std::fs::remove_file(entry.path());
                }
                _ => {}
            }
        }
    }
}

/// Writes a new file (never one that exists, never through a link) and syncs it.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::options().write(true).create_new(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Copies a plain file into a new file and syncs it.
fn copy_new(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = std::fs::File::open(from)?;
    let mut file = std::fs::File::options().write(true).create_new(true).open(to)?;
    std::io::copy(&mut source, &mut file)?;
    file.sync_all()
}

/// Makes renames in a folder durable (a no-op where folders cannot be opened).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// What is at a path, read without following a link or waiting on a pipe.
#[derive(Debug)]
enum Plain {
    Missing,
    File(Vec<u8>),
    /// A plain file larger than asked for (its content is not needed to know it differs).
    TooLarge(u64),
    /// A link, a folder, a pipe or a device.
    Other,
}

fn read_plain(path: &Path, max: u64) -> std::io::Result<Plain> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Plain::Missing),
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Ok(Plain::Other);
    }
    if meta.len() > max {
        return Ok(Plain::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Ok(Plain::TooLarge(bytes.len() as u64));
    }
    Ok(Plain::File(bytes))
}

/// What `verify` found for one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The period's output folder has no manifest.
    NoManifest,
    /// Inputs whose bytes differ from the manifest (or that were added or removed).
    InputsChanged(Vec<String>),
    /// Outputs whose bytes on disk differ from the manifest (or that are missing).
    OutputsAltered(Vec<String>),
    /// The inputs are as recorded but rebuilding gives other bytes (another tool version).
    RebuildDiffers(Vec<String>),
    /// The period cannot be rebuilt from its current inputs; the message says why.
    CannotRebuild(String),
}

/// Compares a rebuilt report with the manifest and with the files on disk.
pub fn compare(dir: &Path, manifest: &Manifest, inputs: &BTreeMap<String, String>, rebuilt: &[Output]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let changed: Vec<String> = manifest
        .inputs
        .keys()
        .chain(inputs.keys())
        .filter(|k| manifest.inputs.get(*k) != inputs.get(*k))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let altered: Vec<String> = manifest
        .outputs
        .iter()
        .filter(|(name, hash)| match read_plain(&dir.join(name), OUTPUT_MAX) {
            Ok(Plain::File(bytes)) => sha256(&bytes) != **hash,
            _ => true,
        })
        .map(|(name, _)| name.clone())
        .collect();
    if !changed.is_empty() {
        findings.push(Finding::InputsChanged(changed));
    } else {
        let differs: Vec<String> = rebuilt
            .iter()
            .filter(|o| manifest.outputs.get(&o.name) != Some(&sha256(&o.bytes)))
            .map(|o| o.name.clone())
            .collect();
        if !differs.is_empty() {
            findings.push(Finding::RebuildDiffers(differs));
        }
    }
    if !altered.is_empty() {
        findings.push(Finding::OutputsAltered(altered));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_never_kept_through_a_link() {
        let ws = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(ws.path().join("a.yaml"), "x: 1\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), ws.path().join(".versions")).unwrap();
        let e = keep_copy(ws.path(), "a.yaml", &ws.path().join(".versions")).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotADirectory);
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
        let kept = keep_copy(ws.path(), "a.yaml", &ws.path().join("versions")).unwrap();
        assert_eq!(std::fs::read(kept.join("a.yaml")).unwrap(), b"x: 1\n");
    }

    #[test]
    fn only_plain_names_in_the_folder() {
        for good in ["梧桐县民政局工作总结.md", "a.pdf", "a..b.docx"] {
            assert!(is_plain_name(good), "{good}");
        }
        let long = "长".repeat(86);
        for bad in
            ["", ".", "..", "../x.md", "/etc/passwd", "a/b.md", "a\\b.md", ".hidden", MANIFEST, VERSIONS, "C:x", &long]
        {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| (data_path(dir, e.path()), std::fs::read(e.path()).unwrap()))
            .collect();
        out.sort();
        out
    }

    fn data_path(dir: &Path, path: &Path) -> String {
        path.strip_prefix(dir).unwrap().to_string_lossy().into_owned()
    }

    #[test]
    fn a_rename_that_fails_part_way_puts_back_what_was_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.md"), "earlier a").unwrap();
        std::fs::write(dir.join("old.pdf"), "earlier pdf").unwrap();
        std::fs::write(dir.join(MANIFEST), "{}").unwrap();
        // A folder where b.docx goes, not known to be there: its rename fails after a.md is
        // already replaced and old.pdf already moved.
        std::fs::create_dir_all(dir.join("b.docx/inside")).unwrap();
        let before = files(dir);
        let steps = vec![
            Step::Move { name: "old.pdf".into() },
            Step::Write { name: "a.md".into(), bytes: b"new a".to_vec(), old: Existing::File },
            Step::Write { name: "b.docx".into(), bytes: b"new b".to_vec(), old: Existing::Nothing },
        ];
        let err = Transaction::new(dir, "output/2024H1").run(steps, b"{\"new\": 1}".to_vec(), true, true).unwrap_err();
        assert!(err.to_string().starts_with("output/2024H1/b.docx: "), "{err}");
        let after: Vec<_> = files(dir).into_iter().filter(|(n, _)| !n.starts_with("versions/")).collect();
        assert_eq!(after, before, "the folder as it was, no temporary file left");
        assert_eq!(std::fs::read(dir.join("versions/1/a.md")).unwrap(), b"earlier a");
    }
}
