//! A closed or full standard output stops the printing without a panic, as git and ripgrep do:
//! a closed pipe quietly, a full disk with one line on stderr and exit code 1.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs zongjie with its standard output on a pipe whose reading end is already closed: the
/// standard input of a `true` that has exited.
fn into_closed_pipe(root: &Path, args: &[&str]) -> Output {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Command::new(env!("CARGO_BIN_EXE_zongjie")).args(args).current_dir(root).stdout(writer).output().unwrap()
}

fn dev_full() -> Stdio {
    Stdio::from(std::fs::File::options().write(true).open("/dev/full").unwrap())
}

#[test]
fn a_closed_pipe_ends_the_output_quietly_with_the_commands_own_exit_code() {
    let ws = workspace("mini");
    let out = into_closed_pipe(ws.path(), &["build"]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()));
    assert!(ws.path().join("output/2024H1/manifest.json").is_file(), "the build itself is done");
    for args in [&["verify", "--all"][..], &["figures"], &["check"], &["--help"], &["build", "2024-H1"]] {
        let out = into_closed_pipe(ws.path(), args);
        assert_eq!((out.status.code(), stderr(&out)), (Some(0), String::new()), "{args:?}");
    }
    // verify still fails when something differs, printed or not.
    std::fs::write(file_with_ext(&ws.path().join("output/2024H1"), "md"), "改过\n").unwrap();
    let out = into_closed_pipe(ws.path(), &["verify", "--all"]);
    assert_eq!((out.status.code(), stderr(&out)), (Some(1), String::new()));
}

#[test]
fn a_full_standard_output_is_said_once_and_exits_1() {
    let ws = workspace("mini");
    let out = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .arg("build")
        .current_dir(ws.path())
        .stdout(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "错误：无法输出结果：磁盘已满\n");
    assert!(ws.path().join("output/2024H1/manifest.json").is_file(), "the report is written all the same");
    // A full stderr as well: nothing can be said, but there is no panic either.
    let data = ws.path().join("data/2024H1/救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("户数: 120", "户数: -1")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .arg("build")
        .current_dir(ws.path())
        .stdout(dev_full())
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
