//! One writer per workspace: builds that run at once take turns on the workspace lock, and
//! never lose or mix up an earlier report.

mod common;
use common::*;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

const TITLE: &str = "测试县民政局测试报告";

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The files directly in a period's output folder (not versions/), by name.
fn top_level(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(dir).into_iter().filter(|(name, _)| !name.contains('/')).collect()
}

fn spawn(root: &Path, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(args)
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn twenty_pairs_of_concurrent_builds_keep_every_earlier_report_whole() {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    for round in 1..=20 {
        let before = top_level(&dir);
        assert_eq!(before.len(), 3, "md, pdf, manifest: {:?}", before.iter().map(|(n, _)| n).collect::<Vec<_>>());
        std::fs::write(&data, text.replace("户数: 120", &format!("户数: {}", 120 + round))).unwrap();
        // Two processes at once, and every fourth round one of them names the period twice.
        let first = spawn(ws.path(), &["build", "2024H1"]);
        let second = if round % 4 == 0 {
            spawn(ws.path(), &["build", "2024H1", "2024-H1"])
        } else {
            spawn(ws.path(), &["build"])
        };
        let outs = [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()];
        for out in &outs {
            assert!(out.status.success(), "round {round}: {}", stderr(out));
        }
        // Whichever came first wrote the new report; the other found it already there.
        let mut said: Vec<String> = outs.iter().map(stdout).collect();
        said.sort();
        assert_eq!(
            said,
            [
                "output/2024H1：报告没有变化，未改动任何文件\n".to_string(),
                format!(
                    "原有的报告已保留在 output/2024H1/versions/{round}\n已写出 output/2024H1/{TITLE}.md\n\
                     已写出 output/2024H1/{TITLE}.pdf\n已写出 output/2024H1/manifest.json\n"
                ),
            ],
            "round {round}"
        );
        // The earlier report, byte for byte, in versions/N; the new one in place.
        assert_eq!(snapshot(&dir.join(format!("versions/{round}"))), before, "round {round}");
        assert!(markdown(ws.path(), "2024H1").contains(&format!("全县低保{}户", 120 + round)), "round {round}");
    }
    let names: Vec<String> =
        snapshot(&dir).into_iter().map(|(n, _)| n).filter(|n| !n.starts_with("versions/")).collect();
    assert_eq!(names, ["manifest.json", &format!("{TITLE}.md"), &format!("{TITLE}.pdf")], "no temporary file left");
    let out = zongjie(ws.path(), &["verify"]);
    assert_eq!(stdout(&out), "2024H1: unchanged\n");
}

#[test]
fn a_second_writer_waits_for_the_lock_or_stops_with_no_wait() {
    let ws = workspace("mini");
    // This test process holds the workspace lock, as a running build would.
    let lock = zongjie::archive::lock::acquire(
        &ws.path().join(zongjie::archive::lock::LOCK_FILE),
        ".zongjie.lock",
        zongjie::archive::lock::Mode::Write,
        false,
        || {},
    )
    .unwrap();
    assert!(lock.is_some());
    let out = zongjie(ws.path(), &["build", "--no-wait"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: .zongjie.lock: another zongjie is working in this workspace; nothing was done; try again when it has finished, or leave out --no-wait to wait for it\n"
    );
    assert!(!ws.path().join("output/2024H1").exists(), "nothing written");
    let out = zongjie(ws.path(), &["new", "2024H2", "--no-wait"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!ws.path().join("data/2024H2").exists());
    // Without --no-wait, the build says it waits, and goes on once the lock is free.
    let mut child = spawn(ws.path(), &["build"]);
    let mut line = String::new();
    std::io::BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line, ".zongjie.lock：另一个 zongjie 正在这个工作区中运行，等它结束后继续……\n");
    assert!(!ws.path().join("output/2024H1").exists(), "nothing written while it waits");
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).ends_with("已写出 output/2024H1/manifest.json\n"), "{}", stdout(&out));
}

#[test]
fn the_same_period_named_twice_is_built_once() {
    let ws = workspace("mini");
    let out = zongjie(ws.path(), &["build", "2024H1", "2024-H1", "2024年上半年"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("wrote output/2024H1/{TITLE}.md\nwrote output/2024H1/{TITLE}.pdf\nwrote output/2024H1/manifest.json\n")
    );
}
