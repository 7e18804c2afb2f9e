//! Stage 6: the archive. Each period's outputs are written beside a `manifest.json` that records
//! the sha256 of every input and output; a file is written to a temporary name and renamed, so a
//! crash leaves every earlier output whole; and a report whose files would change is first kept
//! as a numbered version (`versions/N/`), never overwritten silently.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
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
    /// Reads a period folder's manifest, if it has one.
    pub fn read(dir: &Path) -> Result<Option<Manifest>> {
        let path = dir.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| Error::Render(format!("{}: not a zongjie manifest: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path.display().to_string(), e)),
        }
    }
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
    /// Where the earlier report was kept, when it would have changed.
    pub kept: Option<PathBuf>,
    /// True when the report on disk was already exactly this one and nothing was written.
    pub unchanged: bool,
}

/// Writes a report's outputs and manifest into `dir`.
///
/// If the folder holds a report whose files differ from these (new data, a hand edit, another
/// tool version), that report is first kept in `versions/N/`; then each new file goes to a
/// temporary file that is renamed over the old one. If anything fails, the temporary files are
/// removed and the earlier report stays as it was.
pub fn write_report(dir: &Path, outputs: &[Output], manifest: &Manifest) -> Result<Written> {
    let shown = |p: &Path| p.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(shown(dir), e))?;
    remove_stale_temps(dir);
    let mut files: Vec<(String, Vec<u8>)> = outputs.iter().map(|o| (o.name.clone(), o.bytes.clone())).collect();
    files.push((MANIFEST.to_string(), manifest.to_bytes()));
    // The files of the report on disk: those its manifest names, or those we would replace.
    let old_manifest = Manifest::read(dir).ok().flatten();
    let mut old_files: Vec<String> = match &old_manifest {
        Some(m) => m.outputs.keys().cloned().chain([MANIFEST.to_string()]).collect(),
        None => files.iter().map(|(n, _)| n.clone()).collect(),
    };
    old_files.retain(|name| dir.join(name).is_file());
    let differs = old_files.iter().any(|name| match files.iter().find(|(n, _)| n == name) {
        Some((_, bytes)) => std::fs::read(dir.join(name)).map(|old| &old != bytes).unwrap_or(true),
        None => true, // a file of the old report that the new one does not have (a new title)
    });
    let complete = files.iter().all(|(n, _)| old_files.contains(n));
    if !differs && complete {
        return Ok(Written { files: Vec::new(), kept: None, unchanged: true });
    }
    let kept = if differs { Some(keep_version(dir, &old_files)?) } else { None };
    // Files of the old report that the new one does not replace now live only in versions/N.
    for name in old_files.iter().filter(|n| !files.iter().any(|(f, _)| f == *n)) {
        std::fs::remove_file(dir.join(name)).map_err(|e| Error::io(shown(&dir.join(name)), e))?;
    }
    let outputs: Vec<Output> = files.into_iter().map(|(name, bytes)| Output { name, bytes }).collect();
    let written = write_files(dir, &outputs)?;
    Ok(Written { files: written, kept, unchanged: false })
}

/// Writes files into `dir`, each to a temporary file renamed over its target.
pub fn write_files(dir: &Path, files: &[Output]) -> Result<Vec<PathBuf>> {
    let shown = |p: &Path| p.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(shown(dir), e))?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    for output in files {
        let target = dir.join(&output.name);
        let temp = dir.join(format!(".{}.tmp{}", output.name, std::process::id()));
        if let Err(e) = write_synced(&temp, &output.bytes) {
            let _ = std::fs::remove_file(&temp);
            for (t, _) in &temps {
                let _ = std::fs::remove_file(t);
            }
            return Err(Error::io(shown(&target), e));
        }
        temps.push((temp, target));
    }
    let mut written = Vec::new();
    for (temp, target) in temps {
        std::fs::rename(&temp, &target).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            Error::io(shown(&target), e)
        })?;
        written.push(target);
    }
    Ok(written)
}

/// Links (or copies) the current report's files into the next `versions/N/` folder.
fn keep_version(dir: &Path, names: &[String]) -> Result<PathBuf> {
    let versions = dir.join(VERSIONS);
    let next = std::fs::read_dir(&versions)
        .map(|entries| entries.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok()).max().unwrap_or(0))
        .unwrap_or(0)
        + 1;
    let target = versions.join(next.to_string());
    std::fs::create_dir_all(&target).map_err(|e| Error::io(target.display().to_string(), e))?;
    for name in names {
        let (from, to) = (dir.join(name), target.join(name));
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(|e| Error::io(to.display().to_string(), e))?;
        }
    }
    Ok(target)
}

/// Removes temporary files a killed build may have left (`.name.tmpPID`).
fn remove_stale_temps(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.contains(".tmp") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
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
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let altered: Vec<String> = manifest
        .outputs
        .iter()
        .filter(|(name, hash)| std::fs::read(dir.join(name)).map(|b| sha256(&b) != **hash).unwrap_or(true))
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
