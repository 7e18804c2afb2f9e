//! Helpers for the integration tests: copy a fixture workspace into a temporary folder and run
//! the real `zongjie` binary on it.
#![allow(dead_code)]

pub mod serve;
pub mod xlsx;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (the sample workspace).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of the sample workspace with its half-year periods only (zongjie.yaml,
/// templates/, data/*H1), so that `build` with no period builds 2024H1. A half year takes last
/// year's 特困.护理费 from the annual data (`from:` in the catalog); without that folder the value
/// is typed into the half year's own data, as a workspace without annual reports does.
pub fn sample_workspace() -> tempfile::TempDir {
    let dir = sample_workspace_all();
    for (half, annual) in [("2023H1", "2022"), ("2024H1", "2023")] {
        let given = std::fs::read_to_string(dir.path().join(format!("data/{annual}/社会救助.yaml"))).unwrap();
        let line = given.lines().find(|l| l.trim_start().starts_with("护理费:")).unwrap().to_string();
        let file = dir.path().join(format!("data/{half}/社会救助.yaml"));
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replacen("特困:\n", &format!("特困:\n{line}\n"), 1)).unwrap();
    }
    for entry in std::fs::read_dir(dir.path().join("data")).unwrap() {
        let path = entry.unwrap().path();
        if !path.file_name().unwrap().to_string_lossy().ends_with("H1") {
            std::fs::remove_dir_all(path).unwrap();
        }
    }
    dir
}

/// A temporary copy of the whole sample workspace: three half years and three years.
pub fn sample_workspace_all() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("zongjie.yaml"), dir.path().join("zongjie.yaml")).unwrap();
    copy_tree(&repo().join("templates"), &dir.path().join("templates"));
    copy_tree(&repo().join("data"), &dir.path().join("data"));
    dir
}

/// A temporary copy of a fixture workspace.
pub fn workspace(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(name), dir.path());
    dir
}

/// Runs zongjie with arguments in `cwd`.
pub fn zongjie(cwd: &Path, args: &[&str]) -> Output {
    // These tests read the English messages; the corpus (bad_inputs.rs) checks both languages.
    Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("ZONGJIE_LANG", "en")
        .output()
        .unwrap()
}

/// Runs zongjie with arguments in `cwd`, with messages in a language (`zh-CN` or `en`).
pub fn zongjie_in(lang: &str, cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("ZONGJIE_LANG", lang)
        .output()
        .unwrap()
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// The output file with this extension in a folder (a period's output folder holds one of each).
pub fn file_with_ext(dir: &Path, ext: &str) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == ext))
        .unwrap_or_else(|| panic!("no .{ext} in {}", dir.display()))
}

/// The single Markdown report of a period in a workspace's output folder.
pub fn markdown(root: &Path, period: &str) -> String {
    std::fs::read_to_string(file_with_ext(&root.join("output").join(period), "md")).unwrap()
}

/// The mini workspace with a second period, 2023H1, whose template doubles a text in memory in
/// 2024H1 only.
pub fn one_period_past_the_memory_budget() -> tempfile::TempDir {
    let ws = workspace("mini");
    copy_tree(&ws.path().join("data/2024H1"), &ws.path().join("data/2023H1"));
    let data = ws.path().join("data/2023H1/救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("2024-07-05", "2023-07-05")).unwrap();
    let template = ws.path().join("tmpl/report.md.j2");
    let text = std::fs::read_to_string(&template).unwrap();
    let doubling = r#"{% if period.name == "2024H1" %}{% set ns = namespace(s="x"*1000000) %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}{% endif %}"#;
    std::fs::write(&template, format!("{doubling}\n{text}")).unwrap();
    ws
}
