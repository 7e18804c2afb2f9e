//! Files and folders zongjie may not read or write: each is named with "permission denied",
//! once, and nothing of the earlier report is lost. CI runs as root, which no permission stops,
//! so the binary runs here as the unprivileged user nobody (setpriv, from util-linux).

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const NOBODY: u32 = 65534;

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// Runs zongjie as an unprivileged user: nobody when the tests run as root, else this user.
/// The binary is copied where nobody may run it (the target folder may be under /root).
fn unprivileged(root: &Path, args: &[&str]) -> Output {
    let bin = tempfile::tempdir().unwrap();
    chmod(bin.path(), 0o755);
    let zongjie = bin.path().join("zongjie");
    std::fs::copy(env!("CARGO_BIN_EXE_zongjie"), &zongjie).unwrap();
    chmod(&zongjie, 0o755);
    let root_user = is_root();
    // A test thread forking while the copy was open for writing holds it open a moment
    // longer: the kernel then refuses to run it ("Text file busy") until that child has exec'd.
    for _ in 0..100 {
        let mut command = if root_user {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&zongjie);
            c
        } else {
            Command::new(&zongjie)
        };
        match command.args(args).current_dir(root).env("ZONGJIE_LANG", "en").output() {
            Err(e) if e.raw_os_error() == Some(26) => {}
            Ok(out) if stderr(&out).contains("Text file busy") => {}
            Ok(out) => {
                assert!(!stderr(&out).contains("setpriv:"), "setpriv failed: {}", stderr(&out));
                return out;
            }
            Err(e) => panic!("{e}"),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the copy of zongjie stayed busy");
}

/// A copy of the mini workspace that the unprivileged user owns.
fn owned_workspace() -> tempfile::TempDir {
    let ws = workspace("mini");
    chmod(ws.path(), 0o755);
    if is_root() {
        for entry in walkdir::WalkDir::new(ws.path()) {
            std::os::unix::fs::chown(entry.unwrap().path(), Some(NOBODY), Some(NOBODY)).unwrap();
        }
    }
    ws
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn set_value(root: &Path, from: &str, to: &str) {
    let data = root.join("data/2024H1/救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace(from, to)).unwrap();
}

#[test]
fn an_unreadable_period_folder_or_data_file_says_permission_denied_once() {
    let ws = owned_workspace();
    let dir = ws.path().join("data/2024H1");
    chmod(&dir, 0o000);
    let out = unprivileged(ws.path(), &["build"]);
    chmod(&dir, 0o755);
    assert_eq!(out.status.code(), Some(1));
    // Not 91 lines of figures that no file gives: the one reason.
    assert_eq!(
        stderr(&out),
        "error: data/2024H1: cannot be read: permission denied; give zongjie permission to read it\n"
    );
    let file = dir.join("救助.yaml");
    chmod(&file, 0o000);
    let out = unprivileged(ws.path(), &["check"]);
    chmod(&file, 0o644);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml: cannot be read: permission denied; give zongjie permission to read it\n2024H1: failed\n"
    );
    assert!(!ws.path().join("output/2024H1").exists());
}

#[test]
fn an_output_folder_that_cannot_be_written_keeps_the_earlier_report_whole() {
    let ws = owned_workspace();
    let out = unprivileged(ws.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = ws.path().join("output/2024H1");
    let before = snapshot(&dir);
    set_value(ws.path(), "户数: 120", "户数: 123");
    chmod(&dir, 0o555);
    let out = unprivileged(ws.path(), &["build"]);
    chmod(&dir, 0o755);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: output/2024H1/测试县民政局测试报告.md: permission denied; give zongjie permission to read and write there\n"
    );
    assert_eq!(snapshot(&dir), before, "nothing moved, no temporary file");
    // The folder writable but versions/ not: the earlier report cannot be kept, so nothing moves.
    std::fs::create_dir(dir.join("versions")).unwrap();
    if is_root() {
        std::os::unix::fs::chown(dir.join("versions"), Some(NOBODY), Some(NOBODY)).unwrap();
    }
    chmod(&dir.join("versions"), 0o555);
    let out = unprivileged(ws.path(), &["build"]);
    chmod(&dir.join("versions"), 0o755);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: output/2024H1/versions: permission denied; give zongjie permission to read and write there\n"
    );
    assert_eq!(snapshot(&dir), before);
    // Once it may write, the build goes through and keeps the earlier report.
    let out = unprivileged(ws.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(snapshot(&dir.join("versions/1")), before);
}
