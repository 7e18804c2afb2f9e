//! Links and odd files in the data: links inside the workspace are followed; links leading
//! outside it, nowhere or round in a loop, and pipes with a data file's name, are each refused
//! with a message naming them; nothing is skipped without a word.

mod common;
use common::*;
use std::os::unix::fs::symlink;
use std::process::Command;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn links_inside_the_workspace_are_followed_for_files_and_period_folders() {
    let ws = workspace("mini");
    let root = ws.path();
    // The period folder lives elsewhere in the workspace, its data file elsewhere again.
    std::fs::create_dir_all(root.join("archive")).unwrap();
    std::fs::rename(root.join("data/2024H1"), root.join("archive/2024H1")).unwrap();
    std::fs::rename(root.join("archive/2024H1/救助.yaml"), root.join("archive/救助.yaml")).unwrap();
    symlink("../救助.yaml", root.join("archive/2024H1/救助.yaml")).unwrap();
    symlink("../archive/2024H1", root.join("data/2024H1")).unwrap();
    let out = zongjie(root, &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(markdown(root, "2024H1").contains("全县低保120户210人"));
    let manifest = std::fs::read_to_string(root.join("output/2024H1/manifest.json")).unwrap();
    assert!(manifest.contains("\"data/2024H1/救助.yaml\""), "recorded by the path the report reads: {manifest}");
    assert_eq!(stdout(&zongjie(root, &["verify"])), "2024H1: unchanged\n");
}

#[test]
fn links_outside_nowhere_or_in_a_loop_and_pipes_are_refused_each_by_name() {
    let ws = workspace("mini");
    let root = ws.path();
    let dir = root.join("data/2024H1");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("外.yaml"), "低保:\n  户数: 1\n").unwrap();
    symlink(elsewhere.path().join("外.yaml"), dir.join("外.yaml")).unwrap();
    symlink(elsewhere.path(), dir.join("外面")).unwrap();
    symlink(".", dir.join("回环")).unwrap();
    symlink("自己.yaml", dir.join("自己.yaml")).unwrap();
    symlink("没有.yaml", dir.join("断.yaml")).unwrap();
    let fifo = Command::new("mkfifo").arg(dir.join("管道.csv")).status().unwrap();
    assert!(fifo.success());
    let out = zongjie(root, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let outside = elsewhere.path().display();
    assert_eq!(
        stderr(&out),
        format!(
            "error: data/2024H1/回环: is a link back to a folder that holds it (a loop); remove the link\n\
             error: data/2024H1/外.yaml: is a link to {outside}/外.yaml, outside the workspace; zongjie reads data only from inside it; copy the file or folder into data/2024H1\n\
             error: data/2024H1/外面: is a link to {outside}, outside the workspace; zongjie reads data only from inside it; copy the file or folder into data/2024H1\n\
             error: data/2024H1/断.yaml: is a link to 没有.yaml, which does not exist; correct or remove the link\n\
             error: data/2024H1/管道.csv: is not a plain file (a pipe, a socket or a device); put the data file itself here\n\
             error: data/2024H1/自己.yaml: is a link that leads back to itself (a loop); remove the link\n\
             2024H1: failed\n"
        )
    );
    // A period folder that is a link to outside the workspace is refused as well.
    for name in ["回环", "外.yaml", "外面", "自己.yaml", "断.yaml", "管道.csv"] {
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    symlink(elsewhere.path(), root.join("data/2025H1")).unwrap();
    let out = zongjie(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: data/2025H1: is a link to {outside}, outside the workspace; zongjie reads data only from inside it; copy the folder into data/\n"
        )
    );
    assert!(!root.join("output").exists());
}

#[test]
fn a_template_or_config_that_is_a_pipe_is_refused_rather_than_waited_on() {
    let ws = workspace("mini");
    let template = ws.path().join("tmpl/report.md.j2");
    std::fs::remove_file(&template).unwrap();
    assert!(Command::new("mkfifo").arg(&template).status().unwrap().success());
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: tmpl/report.md.j2: is not a plain file (a folder, a pipe or a device); zongjie reads only files here; replace it with the file itself\n"
    );
    std::fs::remove_file(ws.path().join("zongjie.yaml")).unwrap();
    assert!(Command::new("mkfifo").arg(ws.path().join("zongjie.yaml")).status().unwrap().success());
    let out = zongjie(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: zongjie.yaml: is not a plain file (a folder, a pipe or a device); zongjie reads only files here; replace it with the file itself\n"
    );
}
