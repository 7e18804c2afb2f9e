//! The bad-input corpus: each file in tests/bad_inputs/ is one bad input applied to the mini
//! workspace after a good build. Each must exit 1 with exactly the expected message, from both
//! `build` and `check`, and leave the earlier outputs byte for byte as they were.
//!
//! A case file:
//! ```yaml
//! guards: what goes wrong
//! edits:
//!   - {file: data/2024H1/救助.yaml, replace: "户数: 120", with: "户数: 很多"}
//!   - {file: data/2024H1/低保分乡镇.csv, write: "…", encoding: gbk}   # or utf-16, or bytes: "hex"
//!   - {file: data/2024H1/x.yaml, remove: true}
//!   - {file: data/2024H1/低保分乡镇.xlsx, xlsx: [{name: 低保分乡镇, hidden: false, rows: [[乡镇, 低保户数], …]}]}
//! expect: |
//!   error: …
//! ```
//! An input that must be read rather than refused (a unit, a total row written another way)
//! gives `expect_md:` instead: text the report must contain, with exit 0.

mod common;
use common::xlsx;
use common::*;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    guards: String,
    edits: Vec<Edit>,
    /// The exact error output of a refused input (exit 1).
    #[serde(default)]
    expect: Option<String>,
    /// For an input that must be read, not refused: text the report must contain (exit 0).
    #[serde(default)]
    expect_md: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    #[serde(default)]
    replace: Option<String>,
    #[serde(default)]
    with: Option<String>,
    #[serde(default)]
    write: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    bytes: Option<String>,
    #[serde(default)]
    remove: bool,
    /// A workbook written from sheets (see common/xlsx.rs).
    #[serde(default)]
    xlsx: Option<Vec<xlsx::SheetSpec>>,
    /// `zongjie form` run on the period, then these changes made to the form's XML (as another
    /// program or a statistician would): see [`form_edit`].
    #[serde(default)]
    form: Option<Vec<FormOp>>,
}

/// One change to a 填报表: a cell set (`cell: 救助!E3`, `number`, `text`, `error` or
/// `formula`), a row deleted (`delete_row: 救助!4`), a sheet renamed (`rename: [from, to]`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormOp {
    #[serde(default)]
    cell: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    formula: Option<String>,
    #[serde(default)]
    delete_row: Option<String>,
    #[serde(default)]
    rename: Option<(String, String)>,
}

/// Runs `zongjie form` for the file's period and edits the form's parts in place.
fn form_edit(root: &std::path::Path, file: &str, ops: &[FormOp]) {
    use std::io::{Read, Write};
    let period = file.split('/').nth(1).unwrap();
    let out = zongjie(root, &["form", period]);
    assert!(out.status.success(), "form: {}", stderr(&out));
    let path = root.join(file);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        parts.push((f.name().unwrap().to_string(), bytes));
    }
    let text = |parts: &[(String, Vec<u8>)], name: &str| {
        String::from_utf8(parts.iter().find(|(n, _)| n == name).unwrap().1.clone()).unwrap()
    };
    let workbook = text(&parts, "xl/workbook.xml");
    // rust_xlsxwriter numbers the sheets' parts in the workbook's order.
    let sheet_part = |sheet: &str| {
        let at = workbook.find(&format!("<sheet name=\"{sheet}\"")).unwrap_or_else(|| panic!("no sheet {sheet}"));
        let n = workbook[..at].matches("<sheet ").count() + 1;
        format!("xl/worksheets/sheet{n}.xml")
    };
    let set = |parts: &mut Vec<(String, Vec<u8>)>, name: &str, xml: String| {
        parts.iter_mut().find(|(n, _)| n == name).unwrap().1 = xml.into_bytes();
    };
    for op in ops {
        if let Some((from, to)) = &op.rename {
            let wb = text(&parts, "xl/workbook.xml").replace(&format!("name=\"{from}\""), &format!("name=\"{to}\""));
            set(&mut parts, "xl/workbook.xml", wb);
        }
        if let Some(at) = &op.delete_row {
            let (sheet, row) = at.split_once('!').unwrap();
            let part = sheet_part(sheet);
            let xml = text(&parts, &part);
            let start = xml.find(&format!("<row r=\"{row}\"")).unwrap();
            let end = start + xml[start..].find("</row>").unwrap() + "</row>".len();
            set(&mut parts, &part, format!("{}{}", &xml[..start], &xml[end..]));
        }
        if let Some(at) = &op.cell {
            let (sheet, cell) = at.split_once('!').unwrap();
            let part = sheet_part(sheet);
            let xml = text(&parts, &part);
            let start = xml.find(&format!("<c r=\"{cell}\"")).unwrap_or_else(|| panic!("no cell {at}"));
            let open_end = start + xml[start..].find('>').unwrap();
            let end = if xml.as_bytes()[open_end - 1] == b'/' {
                open_end + 1
            } else {
                open_end + xml[open_end..].find("</c>").unwrap() + "</c>".len()
            };
            let new = match (&op.number, &op.text, &op.error, &op.formula) {
                (Some(n), ..) => format!("<c r=\"{cell}\"><v>{n}</v></c>"),
                (_, Some(t), ..) => format!("<c r=\"{cell}\" t=\"inlineStr\"><is><t>{t}</t></is></c>"),
                (_, _, Some(e), _) => format!("<c r=\"{cell}\" t=\"e\"><v>{e}</v></c>"),
                (_, _, _, Some(f)) => format!("<c r=\"{cell}\"><f>{f}</f></c>"),
                _ => panic!("{at}: give number, text, error or formula"),
            };
            set(&mut parts, &part, format!("{}{new}{}", &xml[..start], &xml[end..]));
        }
    }
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, bytes) in parts {
        writer.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
}

fn apply(root: &std::path::Path, edit: &Edit) {
    let path = root.join(&edit.file);
    if let Some(ops) = &edit.form {
        form_edit(root, &edit.file, ops);
        return;
    }
    if edit.remove {
        std::fs::remove_file(&path).unwrap();
        return;
    }
    if let Some(sheets) = &edit.xlsx {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, xlsx::workbook(sheets)).unwrap();
        return;
    }
    if let Some(hex) = &edit.bytes {
        let bytes: Vec<u8> =
            (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
        std::fs::write(&path, bytes).unwrap();
        return;
    }
    let text = match (&edit.write, &edit.replace) {
        (Some(text), _) => text.clone(),
        (None, Some(from)) => {
            let old = std::fs::read_to_string(&path).unwrap();
            assert!(old.contains(from.as_str()), "{}: '{from}' not found", edit.file);
            old.replacen(from.as_str(), edit.with.as_deref().unwrap_or(""), 1)
        }
        (None, None) => panic!("{}: an edit needs write, replace, bytes or remove", edit.file),
    };
    let bytes = match edit.encoding.as_deref() {
        None | Some("utf-8") => text.into_bytes(),
        Some("gbk") => encoding_rs::GBK.encode(&text).0.into_owned(),
        Some("utf-16") => text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
        Some(other) => panic!("unknown encoding {other}"),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
}

#[test]
fn every_bad_input_in_the_corpus_fails_clearly_and_harms_nothing() {
    let dir = repo().join("tests/bad_inputs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "the corpus has {} cases", names.len());
    let mut failures = Vec::new();
    let (mut messages_zh, mut messages_en) = (String::new(), String::new());
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let earlier = snapshot(&ws.path().join("output"));
    for path in &names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let case: Case =
            serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        // A fresh copy of the workspace with the earlier outputs in it.
        let ws = workspace("mini");
        copy_tree(&earlier_dir(&earlier, ws.path()), &ws.path().join("output"));
        for edit in &case.edits {
            apply(ws.path(), edit);
        }
        let build = zongjie(ws.path(), &["build"]);
        if let Some(want) = &case.expect_md {
            // An input that must be read exactly: the report says the true figure.
            let md = if build.status.success() { markdown(ws.path(), "2024H1") } else { String::new() };
            if !md.contains(want.as_str()) {
                failures.push(format!(
                    "{name} ({}):\n  expected a report with: {want}\n  got (exit {:?}): {}{md}",
                    case.guards,
                    build.status.code(),
                    stderr(&build)
                ));
            }
            continue;
        }
        let expect = case.expect.as_deref().unwrap_or_else(|| panic!("{name}: give expect or expect_md"));
        // The same input in Chinese, the default language: one snapshot of every message.
        let chinese = zongjie_in("zh-CN", ws.path(), &["build"]);
        if chinese.status.code() != Some(1) {
            failures.push(format!("{name}: the Chinese build exited {:?}", chinese.status.code()));
        }
        messages_zh.push_str(&format!("## {name}\n{}\n", stderr(&chinese)));
        let check = zongjie(ws.path(), &["check"]);
        let got = stderr(&build);
        messages_en.push_str(&format!("## {name}\n{got}\n"));
        // A new case may be written with `expect: |\n  ?`; ZONGJIE_BLESS=1 fills in what the
        // build printed, for the author to read and keep (or correct).
        if expect.trim() == "?" && std::env::var_os("ZONGJIE_BLESS").is_some() {
            let text = std::fs::read_to_string(path).unwrap();
            let block: String = got.lines().map(|l| format!("  {l}\n")).collect();
            std::fs::write(path, text.replace("expect: |\n  ?\n", &format!("expect: |\n{block}"))).unwrap();
        }
        if build.status.code() != Some(1) || got != expect {
            failures.push(format!(
                "{name} ({}):\n  expected (exit 1): {}  got (exit {:?}): {}",
                case.guards,
                expect,
                build.status.code(),
                got
            ));
        }
        if check.status.code() != Some(1) || !stderr(&check).starts_with(expect) {
            failures.push(format!("{name}: check did not report the same:\n{}", stderr(&check)));
        }
        if snapshot(&ws.path().join("output")) != earlier {
            failures.push(format!("{name}: the earlier outputs changed"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), names.len(), failures.join("\n"));
    // Every message of the corpus in full, in both languages (tests/snapshots/): a changed
    // word is a reviewed change. `cargo insta review` (or INSTA_UPDATE=always) after a change.
    insta::assert_snapshot!("corpus_messages_zh", messages_zh);
    insta::assert_snapshot!("corpus_messages_en", messages_en);
}

/// Writes the earlier outputs into a scratch folder (they are copied into each case's workspace).
fn earlier_dir(files: &[(String, Vec<u8>)], root: &std::path::Path) -> std::path::PathBuf {
    let dir = root.join(".earlier");
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}
