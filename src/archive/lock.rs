//! One writer per workspace: an advisory lock on a lock file (`.zongjie.lock`), held for as
//! long as a command writes. `build` and `new` hold it alone; `verify` shares it with other
//! readers, so it never compares a report half written. The operating system releases it when
//! the process ends, however it ends, so a killed build never leaves a workspace locked.

use crate::error::{Error, Result};
use fs4::FileExt;
use std::fs::File;
use std::path::Path;

/// The lock file's name, at the top of the folder a command writes in.
pub const LOCK_FILE: &str = ".zongjie.lock";

/// How a command uses the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Writes: no one else may read or write meanwhile.
    Write,
    /// Reads: others may read too, no one may write.
    Read,
}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the lock in `path` (shown as `shown` in messages). When another zongjie holds it,
/// `waiting` is called once and the call blocks until it is free, or, with `wait` false, it
/// fails at once. A reader that cannot create the lock file (a read-only workspace) goes on
/// without it: there is then no writer to wait for.
pub fn acquire(path: &Path, shown: &str, mode: Mode, wait: bool, waiting: impl FnOnce()) -> Result<Option<Lock>> {
    // Opening with create follows a link: one planted here could make zongjie create a file
    // anywhere. The lock file is only ever a plain file.
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if !meta.is_file() {
            return Err(Error::Stopped(rust_i18n::t!("lock.not_plain", lock = shown).into_owned()));
        }
    }
    let opened = File::options().read(true).write(true).create(true).truncate(false).open(path);
    let file = match (opened, mode) {
        (Ok(f), _) => f,
        (Err(_), Mode::Read) => match File::open(path) {
            Ok(f) => f,
            Err(_) => return Ok(None),
        },
        (Err(e), Mode::Write) => return Err(Error::io(shown.to_string(), e)),
    };
    // Called through the trait: std's File has inherent methods of the same names (Rust 1.89+).
    let tried = match mode {
        Mode::Write => FileExt::try_lock(&file),
        Mode::Read => FileExt::try_lock_shared(&file),
    };
    match tried {
        Ok(()) => return Ok(Some(Lock { _file: file })),
        Err(fs4::TryLockError::WouldBlock) => {}
        Err(fs4::TryLockError::Error(e)) => return Err(Error::io(shown.to_string(), e)),
    }
    if !wait {
        return Err(Error::Stopped(rust_i18n::t!("lock.busy", lock = shown).into_owned()));
    }
    waiting();
    let locked = match mode {
        Mode::Write => FileExt::lock(&file),
        Mode::Read => FileExt::lock_shared(&file),
    };
    locked.map_err(|e| Error::io(shown.to_string(), e))?;
    Ok(Some(Lock { _file: file }))
}
