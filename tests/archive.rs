//! For archive staff: byte-identical rebuilds, manifests, `verify`, numbered versions instead of
//! silent overwrites, and a build killed part way that leaves every file whole.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const TITLE: &str = "梧桐县民政局2024年上半年工作总结和下半年工作安排";

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn build_all_in_two_folders_with_other_time_zone_and_locale_gives_identical_bytes() {
    let a = sample_workspace();
    let b = sample_workspace();
    let out = zongjie(a.path(), &["build", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The second build runs from another current folder, in another time zone and locale.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["build", "--all", "--root", b.path().to_str().unwrap()])
        .current_dir(elsewhere.path())
        .env("TZ", "America/Los_Angeles")
        .env("LANG", "de_DE.UTF-8")
        .env("LC_ALL", "de_DE.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (sa, sb) = (snapshot(&a.path().join("output")), snapshot(&b.path().join("output")));
    let names: Vec<&str> = sa.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 9, "md, pdf and manifest for each of three periods: {names:?}");
    assert!(names.contains(&"2022H1/manifest.json"));
    assert_eq!(sa, sb);
}

#[test]
fn the_manifest_records_every_input_and_output() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["tool"], format!("zongjie {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(manifest["period"], "2024H1");
    let inputs = manifest["inputs"].as_object().unwrap();
    for name in std::fs::read_dir(ws.path().join("data/2024H1")).unwrap() {
        let rel = format!("data/2024H1/{}", name.unwrap().file_name().to_string_lossy());
        let bytes = std::fs::read(ws.path().join(&rel)).unwrap();
        assert_eq!(inputs[&rel], zongjie::archive::sha256(&bytes), "{rel}");
    }
    for key in [
        "zongjie.yaml",
        "templates/civil-affairs-h1/report.md.j2",
        "templates/civil-affairs-h1/catalog.yaml",
        "<bundled>/fonts/FandolFang-Regular.otf",
    ] {
        assert!(inputs.contains_key(key), "{key} missing from {inputs:?}");
    }
    let font = std::fs::read(repo().join("fonts/fandol/FandolFang-Regular.otf")).unwrap();
    assert_eq!(inputs["<bundled>/fonts/FandolFang-Regular.otf"], zongjie::archive::sha256(&font));
    let outputs = manifest["outputs"].as_object().unwrap();
    for ext in ["md", "pdf"] {
        let name = format!("{TITLE}.{ext}");
        assert_eq!(outputs[&name], zongjie::archive::sha256(&std::fs::read(dir.join(&name)).unwrap()));
    }
    assert!(
        !String::from_utf8(std::fs::read(dir.join("manifest.json")).unwrap())
            .unwrap()
            .contains(ws.path().to_str().unwrap()),
        "no machine path"
    );
}

#[test]
fn verify_passes_then_names_the_edited_data_file_and_the_altered_output() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--all"]).status.success());
    let out = zongjie(ws.path(), &["verify", "--all"]);
    assert_eq!(stdout(&out), "2022H1: unchanged\n2023H1: unchanged\n2024H1: unchanged\n");
    assert!(out.status.success());

    let data = ws.path().join("data/2023H1/社会救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&data, text.replacen("人次: ", "人次: 1", 1)).unwrap();
    let pdf = ws.path().join(format!("output/2024H1/{TITLE}.pdf"));
    let mut bytes = std::fs::read(&pdf).unwrap();
    bytes.push(b'\n');
    std::fs::write(&pdf, bytes).unwrap();
    let out = zongjie(ws.path(), &["verify", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        format!(
            // 2024H1 states 同比 against 2023H1, so 2023H1's data is an input of its report too.
            "2022H1: unchanged\n2023H1: inputs changed since the manifest: data/2023H1/社会救助.yaml\n\
             2024H1: inputs changed since the manifest: data/2023H1/社会救助.yaml\n2024H1: outputs altered on disk: {TITLE}.pdf\n"
        )
    );
    let out = zongjie(ws.path(), &["verify", "2022H1"]);
    assert!(out.status.success());
    // An edit that breaks the data still names the file.
    std::fs::write(&data, text.replacen("人次: ", "人次: 很多", 1)).unwrap();
    let out = zongjie(ws.path(), &["verify", "2023H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("2023H1: inputs changed since the manifest: data/2023H1/社会救助.yaml\n2023H1: cannot be rebuilt from its current inputs:\ndata/2023H1/社会救助.yaml:9: 临时救助.人次: '很多"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rebuilding_after_a_correction_keeps_the_earlier_report_as_a_version() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let before = snapshot(&dir);
    // Same inputs: nothing is written, nothing is versioned.
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(stdout(&out), "output/2024H1: unchanged\n");
    assert!(!dir.join("versions").exists());
    // A data correction: the earlier report is kept in versions/1, byte for byte.
    let data = ws.path().join("data/2024H1/社会救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("人次: 1389", "人次: 1391")).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        format!("kept the earlier report in output/2024H1/versions/1\nwrote output/2024H1/{TITLE}.md\nwrote output/2024H1/{TITLE}.pdf\nwrote output/2024H1/manifest.json\n")
    );
    assert_eq!(snapshot(&dir.join("versions/1")), before);
    assert!(markdown(ws.path(), "2024H1").contains("保障1391人次"));
    // A hand edit of an output is kept too, in versions/2.
    let md = dir.join(format!("{TITLE}.md"));
    std::fs::write(&md, "秘书改过的稿子\n").unwrap();
    assert!(zongjie(ws.path(), &["build"]).status.success());
    assert_eq!(std::fs::read_to_string(dir.join(format!("versions/2/{TITLE}.md"))).unwrap(), "秘书改过的稿子\n");
}

#[test]
fn one_failing_period_does_not_stop_the_others() {
    let ws = sample_workspace();
    let data = ws.path().join("data/2023H1/社会救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replacen("人次: ", "人次: -", 1)).unwrap();
    let out = zongjie(ws.path(), &["build", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // 2024H1 compares with 2023H1: a wrong value there would print a wrong 同比, so it fails too.
    assert_eq!(
        err.matches(
            "error: data/2023H1/社会救助.yaml:9: 临时救助.人次: '-1337' is negative; a count cannot be below 0\n"
        )
        .count(),
        2,
        "{err}"
    );
    assert!(err.ends_with("2 of 3 periods failed: 2023H1, 2024H1\n"), "{err}");
    assert!(ws.path().join("output/2022H1/manifest.json").exists());
    assert!(!ws.path().join("output/2024H1").exists());
    assert!(!ws.path().join("output/2023H1").exists());
}

#[test]
fn a_period_may_use_the_1999_date_style() {
    let ws = sample_workspace();
    let config =
        std::fs::read_to_string(ws.path().join("zongjie.yaml")).unwrap() + "period_date_style:\n  2022H1: \"1999\"\n";
    std::fs::write(ws.path().join("zongjie.yaml"), config).unwrap();
    assert!(zongjie(ws.path(), &["build", "--all", "--format", "md"]).status.success());
    assert!(markdown(ws.path(), "2022H1").ends_with("梧桐县民政局\n\n二〇二二年七月六日\n:::\n"));
    assert!(markdown(ws.path(), "2024H1").ends_with("梧桐县民政局\n\n2024年7月5日\n:::\n"));
}

/// Copies the sample workspace's 2024H1 data (with last year's 护理费 typed in, as
/// [`sample_workspace`] gives it) into `count` H1 periods.
fn many_periods(root: &Path, count: i32) {
    let sample = tempfile::tempdir().unwrap();
    copy_tree(&root.join("data/2024H1"), sample.path());
    std::fs::remove_dir_all(root.join("data")).unwrap();
    for year in 2025 - count..2025 {
        let dir = root.join(format!("data/{year}H1"));
        copy_tree(sample.path(), &dir);
        // Each report is dated after its own half-year.
        let unit = dir.join("单位.yaml");
        let text = std::fs::read_to_string(&unit).unwrap().replace("2024-07-05", &format!("{year}-07-05"));
        std::fs::write(unit, text).unwrap();
    }
}

#[test]
fn a_build_killed_part_way_leaves_every_file_whole() {
    // Reference: the earlier reports, and the new ones after a change to every period's data.
    let ws = sample_workspace();
    many_periods(ws.path(), 12);
    assert!(zongjie(ws.path(), &["build", "--all"]).status.success());
    let old = snapshot(&ws.path().join("output"));
    let change = |root: &Path| {
        for entry in std::fs::read_dir(root.join("data")).unwrap() {
            let f = entry.unwrap().path().join("社会救助.yaml");
            std::fs::write(&f, std::fs::read_to_string(&f).unwrap().replace("人次: 1389", "人次: 1393")).unwrap();
        }
    };
    let reference = sample_workspace();
    many_periods(reference.path(), 12);
    change(reference.path());
    assert!(zongjie(reference.path(), &["build", "--all"]).status.success());
    let new = snapshot(&reference.path().join("output"));

    change(ws.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["build", "--all"])
        .current_dir(ws.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Kill once the first period is done, while others are being written.
    let mut first = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut first).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let after = snapshot(&ws.path().join("output"));
    let mut replaced = 0;
    for (name, bytes) in &after {
        if name.contains("/versions/") || name.contains(".tmp") {
            continue;
        }
        let was = old.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        let now = new.iter().find(|(n, _)| n == name).map(|(_, b)| b);
        assert!(Some(bytes) == was || Some(bytes) == now, "{name} is neither the earlier nor the new file");
        replaced += usize::from(Some(bytes) == now && Some(bytes) != was);
    }
    for (name, _) in &old {
        assert!(after.iter().any(|(n, _)| n == name), "{name} disappeared");
    }
    assert!(replaced > 0 && replaced < new.len(), "the kill came part way: {replaced} of {} files new", new.len());
    // The next build completes the work and verify agrees.
    assert!(zongjie(ws.path(), &["build", "--all"]).status.success());
    assert!(zongjie(ws.path(), &["verify", "--all"]).status.success());
}
