//! The Word round trip (issue 22): zongjie builds a period's DOCX, an office edits it with a
//! writer that is not zongjie (python-docx, LibreOffice), `import --into` brings the edits back,
//! and `build` then writes the edited text with every figure not edited under its old name.
//! Earlier periods still verify, and the next period keeps its 同比.
//!
//! python-docx is Debian's python3-docx (`.ci/run` installs it); LibreOffice is `soffice`. A test
//! that lacks one says so and returns.

mod common;

use common::{file_with_ext, sample_workspace_all, stderr, zongjie};
use std::path::{Path, PathBuf};
use std::process::Command;

const EDIT: &str = "tests/fixtures/roundtrip/edit.py";

/// A Python that has python-docx: the one on PATH, or Debian's.
fn python() -> Option<PathBuf> {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| Command::new(p).args(["-c", "import docx"]).output().is_ok_and(|o| o.status.success()))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs edit.py; returns the paragraphs the edited file should read as.
fn edit(py: &Path, mode: &str, input: &Path, output: &Path) -> Vec<String> {
    let script = common::repo().join(EDIT);
    let out = Command::new(py).arg(script).args([mode]).arg(input).arg(output).output().unwrap();
    assert!(out.status.success(), "edit.py {mode}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The paragraphs of a .docx as python-docx reads them.
fn paragraphs(py: &Path, docx: &Path) -> Vec<String> {
    let script = common::repo().join(EDIT);
    let out = Command::new(py).arg(script).arg("text").arg(docx).output().unwrap();
    assert!(out.status.success(), "edit.py text: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The sample workspace with every period built (md, docx); returns it and 2024H1's DOCX.
fn built() -> (tempfile::TempDir, PathBuf) {
    let ws = sample_workspace_all();
    let out = zongjie(ws.path(), &["build", "--all", "--format", "md,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docx = file_with_ext(&ws.path().join("output/2024H1"), "docx");
    (ws, docx)
}

/// The figure names a template uses (`{{ name` and `{{ name |`).
fn names_in(template: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        let tail = &rest[at + 2..];
        let end = tail.find("}}").unwrap_or(tail.len());
        let expr = tail[..end].trim().trim_start_matches('-').trim();
        let name: String = expr.chars().take_while(|c| !c.is_whitespace() && *c != '|' && *c != '(').collect();
        if name.contains('.') && !name.starts_with("period") {
            out.insert(name);
        }
        rest = &tail[end..];
    }
    out
}

fn template_of(root: &Path, folder: &str) -> String {
    std::fs::read_to_string(root.join(folder).join("report.md.j2")).unwrap()
}

/// Imports `file` into 2024H1, builds it, and checks the DOCX reads as `expected`.
fn import_and_check(py: &Path, root: &Path, file: &Path, expected: &[String], extra: &[&str]) -> String {
    let mut args = vec!["import", file.to_str().unwrap(), "--into", "2024H1"];
    args.extend(extra);
    let out = zongjie(root, &args);
    assert!(out.status.success(), "import --into: {}\n{}", stderr(&out), stdout(&out));
    let summary = stdout(&out);
    let built = zongjie(root, &["build", "2024H1", "--format", "md,docx"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let docx = file_with_ext(&root.join("output/2024H1"), "docx");
    let got = paragraphs(py, &docx);
    let same = got.iter().zip(expected).filter(|(a, b)| a == b).count();
    assert_eq!(got, expected, "{same} of {} paragraphs as edited\n{summary}", expected.len());
    summary
}

#[test]
fn python_docx_edits_come_back_and_every_figure_not_edited_keeps_its_name() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 with python-docx (Debian: apt-get install python3-docx)");
        return;
    };
    let (ws, docx) = built();
    let root = ws.path();
    let before = names_in(&template_of(root, "templates/civil-affairs-h1"));
    let edited = root.join("修改稿.docx");
    let expected = edit(&py, "plain", &docx, &edited);
    let summary = import_and_check(&py, root, &edited, &expected, &[]);
    assert!(summary.contains("paragraphs: "), "{summary}");
    assert!(summary.contains("new figures: 3 "), "{summary}");
    assert!(summary.contains("= 12 ") && summary.contains("= 386") && summary.contains("= 45.6"), "{summary}");
    assert!(summary.contains("figures whose text was deleted: 4 "), "{summary}");
    assert!(summary.contains("婚姻登记.结婚"), "{summary}");
    assert!(summary.contains("next: run `zongjie build 2024H1`"), "{summary}");
    // Every figure not in the deleted paragraph keeps its name.
    let after = names_in(&template_of(root, "templates/civil-affairs-h1-2024H1"));
    let lost: Vec<&String> = before.difference(&after).collect();
    assert_eq!(
        lost,
        ["婚姻登记.离婚", "婚姻登记.结婚", "收养.登记", "收养.评估"].iter().collect::<Vec<_>>(),
        "{lost:?}"
    );
    // The old template is untouched; zongjie.yaml applies the new one from 2024H1 on.
    let config = std::fs::read_to_string(root.join("zongjie.yaml")).unwrap();
    assert!(config.contains("template_from:\n  2024H1: templates/civil-affairs-h1-2024H1\n"), "{config}");
    assert_eq!(
        template_of(root, "templates/civil-affairs-h1"),
        template_of(&common::repo(), "templates/civil-affairs-h1")
    );
    // Every earlier period still rebuilds byte for byte.
    let verify = zongjie(root, &["verify", "--all"]);
    assert!(verify.status.success(), "{}\n{}", stdout(&verify), stderr(&verify));
    let templates = stdout(&zongjie(root, &["templates"]));
    assert!(templates.contains("2023H1    templates/civil-affairs-h1/report.md.j2"), "{templates}");
    assert!(templates.contains("2024H1    templates/civil-affairs-h1-2024H1/report.md.j2"), "{templates}");
}

#[test]
fn a_number_corrected_by_hand_is_refused_then_accepted_with_accept_edits() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 with python-docx (Debian: apt-get install python3-docx)");
        return;
    };
    let (ws, docx) = built();
    let root = ws.path();
    let edited = root.join("改了数字.docx");
    let expected = edit(&py, "hand", &docx, &edited);
    let before = common::snapshot(root);
    let out = zongjie(root, &["import", edited.to_str().unwrap(), "--into", "2024H1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: {}, paragraph 6 (“（三）充分发挥临时救助资金的作用……”): 临时救助.人次 is 1389 in data/2024H1/社会救助.yaml:8, the edited text says 1398. Numbers are changed in the data, not in the report: correct data/2024H1/社会救助.yaml:8 if the edit is wrong, or run again with --accept-edits to write 1398 into that line\nnothing was written\n",
            edited.display()
        )
    );
    assert_eq!(common::snapshot(root), before, "nothing written");
    let summary = import_and_check(&py, root, &edited, &expected, &["--accept-edits"]);
    assert!(summary.contains("临时救助.人次: 1389 → 1398, written into data/2024H1/社会救助.yaml:8"), "{summary}");
    let data = std::fs::read_to_string(root.join("data/2024H1/社会救助.yaml")).unwrap();
    assert!(data.contains("  人次: 1398\n"), "{data}");
    let kept = root.join("data/2024H1/.versions/1/社会救助.yaml");
    assert!(std::fs::read_to_string(kept).unwrap().contains("  人次: 1389\n"));
}

#[test]
fn tracked_changes_are_read_as_accepted_comments_listed_and_no_tracked_refuses() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 with python-docx (Debian: apt-get install python3-docx)");
        return;
    };
    let (ws, docx) = built();
    let root = ws.path();
    let edited = root.join("修订.docx");
    let expected = edit(&py, "tracked", &docx, &edited);
    let out = zongjie(root, &["import", edited.to_str().unwrap(), "--into", "2024H1", "--no-tracked"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("still holds 5 tracked changes"), "{}", stderr(&out));
    let summary = import_and_check(&py, root, &edited, &expected, &[]);
    assert!(
        summary.contains("read with its 5 tracked changes accepted (2 insertions, 2 deletions, 1 moves)"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "1 comments, not part of the text:\n  at “（三）充分发挥临时救助资金的作用。一是进”: 请核实资金数"
        ),
        "{summary}"
    );
    assert!(summary.contains("特困.累计发放供养金"), "{summary}");
    let after = names_in(&template_of(root, "templates/civil-affairs-h1-2024H1"));
    assert!(after.contains("低保.人数"), "a figure retyped in a tracked change keeps its name");
    // A hand change made as a tracked change is caught too.
    let (ws, docx) = built();
    let edited = ws.path().join("修订改数.docx");
    edit(&py, "tracked-hand", &docx, &edited);
    // 特困.人数 is the sum of a sheet: no edit of the report changes it, even accepted.
    let out = zongjie(ws.path(), &["import", edited.to_str().unwrap(), "--into", "2024H1", "--accept-edits"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("特困.人数 was changed from 3724 to 3742, but it is computed (特困.人数 is the sum of column 人数 of the sheet 特困分乡镇: change the rows of that sheet)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_libreoffice_save_changes_nothing_and_the_next_period_keeps_its_year_on_year() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 with python-docx (Debian: apt-get install python3-docx)");
        return;
    };
    if Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    }
    let (ws, docx) = built();
    let root = ws.path();
    // Edited with python-docx, then opened and saved by LibreOffice, which writes its own XML.
    let edited = root.join("修改稿.docx");
    let expected = edit(&py, "plain", &docx, &edited);
    let saved = root.join("lo");
    std::fs::create_dir_all(&saved).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", root.display());
    let out = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(&saved)
        .arg(&edited)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lo = saved.join("修改稿.docx");
    let summary = import_and_check(&py, root, &lo, &expected, &[]);
    assert!(summary.contains("new figures: 3 "), "{summary}");
    // The next period, from the same data one year on: every kept 同比 is still written.
    // `new` makes the folder from 2024H1's files (the new figures' file too) with the values
    // cleared; the statistician's values are then this year's again, a year on.
    let out = zongjie(root, &["new", "2025H1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let next = root.join("data/2025H1");
    assert!(next.join("修改稿新增.yaml").exists());
    // (`new` writes a workbook's blank sheet as CSV; the values come back as the workbook.)
    for entry in std::fs::read_dir(&next).unwrap() {
        let path = entry.unwrap().path();
        if !root.join("data/2024H1").join(path.file_name().unwrap()).exists() {
            std::fs::remove_file(path).unwrap();
        }
    }
    common::copy_tree(&root.join("data/2024H1"), &next);
    let _ = std::fs::remove_dir_all(next.join(".versions"));
    for entry in std::fs::read_dir(&next).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("2024-07-", "2025-07-").replace("2024年", "2025年")).unwrap();
    }
    // A year on, the same values again: the half year's stocks would fall below the 2024 annual
    // report's (a rule of the catalog), so the workspace is one without annual data, where the
    // half year types last year's 护理费 itself.
    std::fs::remove_dir_all(root.join("data/2024")).unwrap();
    let aid = next.join("社会救助.yaml");
    let text = std::fs::read_to_string(&aid).unwrap();
    std::fs::write(&aid, text.replacen("特困:\n", "特困:\n  护理费: 44.16万元\n", 1)).unwrap();
    let out = zongjie(root, &["build", "2025H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let now = common::markdown(root, "2025H1");
    let then = common::markdown(root, "2024H1");
    let count = |s: &str| s.matches("同比").count() + s.matches("与去年同期持平").count();
    assert_eq!(count(&now), count(&then), "{now}");
    assert!(now.contains("与去年同期持平"), "{now}");
}

/// The period page of `zongjie serve` takes the edited report too: the summary first, nothing
/// written; then, confirmed, what `import --into` writes.
#[test]
fn serve_shows_the_summary_of_an_edited_report_before_writing_it() {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use tower::ServiceExt;
    let ws = common::sample_workspace();
    let root = ws.path();
    let out = zongjie(root, &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = common::markdown(root, "2024H1");
    let edited = built
        .replace("推进社会事务上台阶", "推动社会事务发展")
        .replace("保障1389人次", "保障1389人次，其中因病救助215人次");
    zongjie::i18n::set(zongjie::i18n::Lang::Chinese);
    let state = zongjie::serve::State::new(root.to_path_buf(), 8787);
    let post = |uri: &str, body: Vec<u8>| {
        let request = Request::post(uri)
            .header(header::HOST, "127.0.0.1:8787")
            .header(header::ORIGIN, "http://127.0.0.1:8787")
            .body(Body::from(body))
            .unwrap();
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
            let response = zongjie::serve::router(state.clone()).oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            (status, serde_json::from_slice::<serde_json::Value>(&body).unwrap())
        })
    };
    let name = "%E4%BF%AE%E6%94%B9%E7%A8%BF.md"; // 修改稿.md
    let before = common::snapshot(root);
    let (status, reply) = post(&format!("/p/2024H1/import?name={name}"), edited.clone().into_bytes());
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["confirm"], true);
    let lines: Vec<String> =
        reply["messages"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
    assert!(lines.contains(&"段落：未改 39 段，修改 3 段，新增 0 段，删除 0 段".to_string()), "{lines:?}");
    assert!(lines.contains(&"  因病救助.人次 = 215（其中因病救助×人次）".to_string()), "{lines:?}");
    assert!(lines.contains(&"未写入任何文件（--dry-run）".to_string()), "{lines:?}");
    assert_eq!(common::snapshot(root), before, "nothing written before it is confirmed");
    // A number typed over a value is refused, with what to do.
    let hand = edited.replace("保障1389人次", "保障1398人次");
    let (status, reply) = post(&format!("/p/2024H1/import?name={name}"), hand.into_bytes());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply["messages"][0]
            .as_str()
            .unwrap()
            .contains("临时救助.人次 在 data/2024H1/社会救助.yaml:9 中是 1389，修改稿中写成了 1398"),
        "{reply}"
    );
    // Confirmed: written as the CLI writes it.
    let (status, reply) = post(&format!("/p/2024H1/import?name={name}&apply=1"), edited.clone().into_bytes());
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["confirm"], false);
    let config = std::fs::read_to_string(root.join("zongjie.yaml")).unwrap();
    assert!(config.contains("  2024H1: templates/civil-affairs-h1-2024H1\n"), "{config}");
    let out = zongjie(root, &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(common::markdown(root, "2024H1"), edited);
}

/// A township table written by a loop comes back as the loop when its text is unchanged, so
/// next period's rows come from next period's sheet; the whole report comes back unchanged.
#[test]
fn an_unchanged_report_comes_back_as_it_was_with_its_township_table_loop() {
    let ws = common::sample_workspace();
    let root = ws.path();
    let t = root.join("templates/civil-affairs-h1/report.md.j2");
    let rows = "附表：各乡镇城乡低保情况\n\n| 乡镇 | 低保户数 | 低保金（万元） |\n| :--- | ---: | ---: |\n{% for r in 表格.低保分乡镇.rows %}\n| {{ r.乡镇 }} | {{ r.户数 }} | {{ r.金额 }} |\n{% endfor %}\n| 合计 | {{ 表格.低保分乡镇.total.户数 }} | {{ 表格.低保分乡镇.total.金额 }} |\n\n## 二、围绕老有所养";
    std::fs::write(&t, std::fs::read_to_string(&t).unwrap().replace("## 二、围绕老有所养", rows)).unwrap();
    let out = zongjie(root, &["build", "2024H1", "--format", "md,docx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = common::markdown(root, "2024H1");
    let docx = file_with_ext(&root.join("output/2024H1"), "docx");
    let out = zongjie(root, &["import", docx.to_str().unwrap(), "--into", "2024H1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.starts_with("paragraphs: 44 unchanged, 0 changed, 0 new, 0 deleted\n"), "{summary}");
    assert!(!summary.contains("please check"), "{summary}");
    let template = template_of(root, "templates/civil-affairs-h1-2024H1");
    assert!(
        template.contains(
            "{% for r in 表格.低保分乡镇.rows %}\n| {{ r.乡镇 }} | {{ r.户数 }} | {{ r.金额 }} |\n{% endfor %}\n"
        ),
        "{template}"
    );
    // An unchanged paragraph keeps its source: conditions and filters as written.
    assert!(
        template.contains("{% if 低保.人数.上年 is defined %}，人数{{ 低保.人数 | 同比 }}{% endif %}"),
        "{template}"
    );
    let out = zongjie(root, &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(common::markdown(root, "2024H1"), before);
}

/// A paragraph split in two keeps the names of the values in both halves; a sentence added
/// with two numbers gives two new figures; the edited Markdown comes back byte for byte.
#[test]
fn a_split_paragraph_keeps_its_figures_in_both_halves() {
    let ws = common::sample_workspace();
    let root = ws.path();
    let out = zongjie(root, &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let edited = common::markdown(root, "2024H1")
        .replace(
            "，累计发放低保金6584.32万元，同比增长3.4%。二是",
            "。\n\n全县累计发放低保金6584.32万元，同比增长3.4%。二是",
        )
        .replace("保障1389人次；", "保障1389人次；今年还为3户5人发放了临时救助金；");
    let file = root.join("修改稿.md");
    std::fs::write(&file, &edited).unwrap();
    let out = zongjie(root, &["import", file.to_str().unwrap(), "--into", "2024H1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.starts_with("paragraphs: 40 unchanged, 2 changed, 1 new, 0 deleted\n"), "{summary}");
    assert!(summary.contains("figures kept with their names and data: 95\n"), "{summary}");
    assert!(summary.contains("new figures: 2 "), "{summary}");
    assert!(!summary.contains("figures whose text was deleted"), "{summary}");
    let out = zongjie(root, &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(common::markdown(root, "2024H1"), edited);
}
