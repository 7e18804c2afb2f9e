//! Writing outputs so that nothing already there is damaged: each file goes to a temporary file in
//! the same folder and is renamed over the old one only when every file of the report is written.

use crate::error::{Error, Result};
use crate::pipeline::Output;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a report's outputs into `dir` atomically, file by file; returns the paths written.
///
/// If any file cannot be written, the temporary files are removed and every earlier output stays
/// as it was.
pub fn write_outputs(dir: &Path, outputs: &[Output]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    for output in outputs {
        let target = dir.join(&output.name);
        let temp = dir.join(format!(".{}.tmp{}", output.name, std::process::id()));
        if let Err(e) = write_synced(&temp, &output.bytes) {
            let _ = std::fs::remove_file(&temp);
            for (t, _) in &temps {
                let _ = std::fs::remove_file(t);
            }
            return Err(Error::io(target.display().to_string(), e));
        }
        temps.push((temp, target));
    }
    let mut written = Vec::new();
    for (temp, target) in temps {
        std::fs::rename(&temp, &target).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            Error::io(target.display().to_string(), e)
        })?;
        written.push(target);
    }
    Ok(written)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
