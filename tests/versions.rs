//! Honest versions: a failed build leaves the earlier report whole, formats are versioned each
//! on its own, and the manifest is data that never makes a build touch anything else.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const TITLE: &str = "测试县民政局测试报告";

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// The output names a period folder's manifest lists, with their sha256.
fn manifest_outputs(dir: &Path) -> BTreeMap<String, String> {
    manifest(dir)["outputs"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().into())).collect()
}

/// Checks that the manifest lists exactly the outputs in the folder, each with its sha256.
fn manifest_describes_the_folder(dir: &Path) {
    let on_disk: BTreeMap<String, String> = snapshot(dir)
        .into_iter()
        .filter(|(name, _)| !name.contains('/') && name != "manifest.json")
        .map(|(name, bytes)| (name, zongjie::archive::sha256(&bytes)))
        .collect();
    assert_eq!(manifest_outputs(dir), on_disk);
}

fn set_value(root: &Path, from: &str, to: &str) {
    let data = root.join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&data, text.replace(from, to)).unwrap();
}

#[test]
fn a_manifest_naming_a_path_outside_its_folder_is_refused_and_nothing_is_deleted() {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let absolute = data.to_str().unwrap().to_string();
    let good = std::fs::read(dir.join("manifest.json")).unwrap();
    for injected in [absolute.as_str(), "../../data/2024H1/救助.yaml", "versions", ".", "sub/x.md"] {
        let mut m = manifest(&dir);
        m["outputs"][injected] = serde_json::Value::from("0".repeat(64));
        std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&m).unwrap()).unwrap();
        set_value(ws.path(), "户数: 120", "户数: 121");
        let before = snapshot(ws.path());
        let out = zongjie(ws.path(), &["build"]);
        assert_eq!(out.status.code(), Some(1), "{injected}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: output/2024H1/manifest.json: names {injected:?} as an output, but outputs are plain file names inside output/2024H1; nothing was changed or deleted; correct the manifest or move it out of output/2024H1\n"
            )
        );
        assert_eq!(snapshot(ws.path()), before, "every file of the workspace as it was ({injected})");
        set_value(ws.path(), "户数: 121", "户数: 120");
        // verify refuses it too, without reading what it names.
        let out = zongjie(ws.path(), &["verify"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("names"), "{}", stderr(&out));
        assert!(zongjie(ws.path(), &["build"]).status.code() == Some(1));
        std::fs::write(dir.join("manifest.json"), &good).unwrap();
    }
    // A manifest that is not one is refused as well, and kept as it is.
    std::fs::write(dir.join("manifest.json"), "{\"outputs\": ").unwrap();
    set_value(ws.path(), "户数: 120", "户数: 122");
    let before = snapshot(&dir);
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: output/2024H1/manifest.json: is not a zongjie manifest (it ends too early, at line 1, column 12); nothing was changed; move it out of output/2024H1, or restore it from versions/\n"
    );
    assert_eq!(snapshot(&dir), before);
}

#[test]
fn a_title_too_long_for_a_file_name_keeps_its_words_and_shortens_only_the_file_name() {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let long = "梧桐县民政局".repeat(15) + "城乡社";
    assert_eq!(long.chars().count(), 93);
    set_value(ws.path(), "名称: 测试县民政局", &format!("名称: {long}"));
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = common::markdown(ws.path(), "2024H1");
    let title = md.lines().next().unwrap().strip_prefix("# ").unwrap().to_string();
    assert!(title.contains(&long), "the whole name stays in the title: {title}");
    let name = common::file_with_ext(&ws.path().join("output/2024H1"), "md");
    let stem = name.file_stem().unwrap().to_str().unwrap().to_string();
    assert!(stem.len() <= 200, "{} bytes", stem.len());
    let (cut, hash) = stem.rsplit_once('-').unwrap();
    assert!(title.starts_with(cut) && hash.len() == 8, "{stem}");
    // Deterministic: the same name again, nothing versioned for it.
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    assert_eq!(common::file_with_ext(&ws.path().join("output/2024H1"), "md"), name);
}

#[test]
fn another_format_leaves_the_others_in_place_while_their_inputs_are_unchanged() {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let before = snapshot(&dir);
    let out = zongjie(ws.path(), &["build", "--format", "docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("wrote output/2024H1/{TITLE}.docx\nwrote output/2024H1/manifest.json\n"));
    assert!(!dir.join("versions").exists(), "nothing changed, so nothing is versioned");
    for (name, bytes) in &before {
        if name != "manifest.json" {
            assert_eq!(&std::fs::read(dir.join(name)).unwrap(), bytes, "{name} in place, untouched");
        }
    }
    manifest_describes_the_folder(&dir);
    assert_eq!(manifest_outputs(&dir).len(), 3);
    assert_eq!(stdout(&zongjie(ws.path(), &["verify"])), "2024H1: unchanged\n");
    assert_eq!(stdout(&zongjie(ws.path(), &["build", "--format", "md"])), "output/2024H1: unchanged\n");

    // New data and only Markdown asked for: the PDF and DOCX no longer match their inputs, so
    // they leave the folder for versions/1 with the Markdown they belonged with.
    let all = snapshot(&dir);
    set_value(ws.path(), "户数: 120", "户数: 125");
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "kept the earlier report in output/2024H1/versions/1\nwrote output/2024H1/{TITLE}.md\nwrote output/2024H1/manifest.json\n"
        )
    );
    assert_eq!(snapshot(&dir.join("versions/1")), all);
    manifest_describes_the_folder(&dir);
    assert_eq!(manifest_outputs(&dir).keys().collect::<Vec<_>>(), [&format!("{TITLE}.md")]);
    assert_eq!(stdout(&zongjie(ws.path(), &["verify"])), "2024H1: unchanged\n");

    // A hand-edited output of a format not asked for is not the report of its inputs: it is
    // kept in versions/ and leaves the folder; the others stay.
    assert!(zongjie(ws.path(), &["build", "--format", "md,pdf"]).status.success());
    let pdf = dir.join(format!("{TITLE}.pdf"));
    std::fs::write(&pdf, b"edited by hand").unwrap();
    let md = std::fs::read(dir.join(format!("{TITLE}.md"))).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "md"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "kept the earlier report in output/2024H1/versions/2\nwrote output/2024H1/manifest.json\n"
    );
    assert_eq!(std::fs::read(dir.join(format!("versions/2/{TITLE}.pdf"))).unwrap(), b"edited by hand");
    assert_eq!(std::fs::read(dir.join(format!("{TITLE}.md"))).unwrap(), md);
    manifest_describes_the_folder(&dir);
}

#[test]
fn an_earlier_file_held_by_a_link_is_copied_not_written_through() {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let md = dir.join(format!("{TITLE}.md"));
    // Someone keeps a hard link to the report elsewhere, and a link sits where versions/1 goes.
    let elsewhere = ws.path().join("sent-to-the-office.md");
    std::fs::hard_link(&md, &elsewhere).unwrap();
    let sent = std::fs::read(&elsewhere).unwrap();
    set_value(ws.path(), "户数: 120", "户数: 126");
    let out = zongjie(ws.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&elsewhere).unwrap(), sent, "the linked file is never written");
    assert_eq!(std::fs::read(dir.join(format!("versions/1/{TITLE}.md"))).unwrap(), sent);
    // A versions/ that is a link to somewhere else is not written into.
    std::fs::rename(dir.join("versions"), ws.path().join("old-versions")).unwrap();
    std::os::unix::fs::symlink(ws.path().join("data"), dir.join("versions")).unwrap();
    set_value(ws.path(), "户数: 126", "户数: 127");
    let before = snapshot(ws.path());
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: output/2024H1/versions: is not a folder (a file or a link); earlier reports are kept in a real folder there; move it out of output/2024H1\n"
    );
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn links_planted_where_zongjie_writes_are_refused_and_nothing_is_created_through_them() {
    let ws = workspace("mini");
    let root = ws.path();
    let elsewhere = tempfile::tempdir().unwrap();
    // A lock file that is a link would make opening it create a file wherever it points.
    std::os::unix::fs::symlink(elsewhere.path().join("created"), root.join(".zongjie.lock")).unwrap();
    let out = zongjie(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: .zongjie.lock: is not a plain file (a link, a folder or a pipe); it is zongjie's lock file; remove it and run again\n"
    );
    assert!(!elsewhere.path().join("created").exists());
    std::fs::remove_file(root.join(".zongjie.lock")).unwrap();
    // A period's output folder that is a link into the data is not written into.
    std::fs::create_dir(root.join("output")).unwrap();
    std::os::unix::fs::symlink("../data/2024H1", root.join("output/2024H1")).unwrap();
    let data = snapshot(&root.join("data"));
    let out = zongjie(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: output/2024H1: is not a folder (a file or a link); zongjie writes a period's report only into a real folder; move it away\n"
    );
    assert_eq!(snapshot(&root.join("data")), data);
}
