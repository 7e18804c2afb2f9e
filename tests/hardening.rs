//! Issue 24: what an attacker or a clumsy user could do to serve, import, the sheet reader and
//! the archive. One test per hole found: no read outside the workspace, no unchecked save, no
//! formula in a CSV the tool writes, no crash or hang on one file, no lost line, no lost title.

mod common;

use axum::http::StatusCode;
use common::serve::*;
use common::{sample_workspace, sample_workspace_all, stderr, workspace, zongjie, zongjie_in};
use std::path::Path;

fn texts(value: &serde_json::Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap().to_string()).collect()
}

// 1. ---------------------------------------------------------------------------------------

#[test]
fn serve_hands_out_no_file_of_an_output_folder_linked_outside_the_workspace() {
    let ws = sample_workspace();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("secret.md"), "secret").unwrap();
    std::fs::write(
        elsewhere.path().join("manifest.json"),
        r#"{"tool":"zongjie 0.1.0","period":"2024H1","inputs":{},"outputs":{"secret.md":"x"}}"#,
    )
    .unwrap();
    std::fs::create_dir_all(ws.path().join("output")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), ws.path().join("output/2024H1")).unwrap();
    let state = state(ws.path());
    let answer = get(&state, "/p/2024H1/files/secret.md");
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    assert!(!answer.text().contains("secret\""), "{}", answer.text());
    assert!(answer.text().contains("output/2024H1：不是文件夹（是文件或链接）"), "{}", answer.text());
    // The page lists nothing from there either.
    let page = get(&state, "/p/2024H1").text();
    assert!(!page.contains("secret.md"));
    // `output` itself a link outside: the same.
    std::fs::remove_file(ws.path().join("output/2024H1")).unwrap();
    std::fs::remove_dir(ws.path().join("output")).unwrap();
    let outer = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), outer.path().join("2024H1")).unwrap();
    std::fs::create_dir(outer.path().join("real")).unwrap();
    std::fs::rename(elsewhere.path().join("secret.md"), outer.path().join("real/secret.md")).unwrap();
    std::fs::rename(elsewhere.path().join("manifest.json"), outer.path().join("real/manifest.json")).unwrap();
    std::fs::remove_file(outer.path().join("2024H1")).unwrap();
    std::fs::rename(outer.path().join("real"), outer.path().join("2024H1")).unwrap();
    std::os::unix::fs::symlink(outer.path(), ws.path().join("output")).unwrap();
    let answer = get(&state, "/p/2024H1/files/secret.md");
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text());
    assert!(answer.text().contains("output/2024H1：经链接指向工作区之外"), "{}", answer.text());
}

#[test]
fn a_template_linked_outside_the_workspace_is_not_read() {
    let ws = sample_workspace();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("report.md.j2"), "# 秘密\n\n{{ 不存在 }}\n").unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("report.md.j2"), ws.path().join("data/2024H1/report.md.j2"))
        .unwrap();
    let out = zongjie(ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: data/2024H1/report.md.j2: leads to "), "{}", stderr(&out));
    assert!(stderr(&out).contains("outside the workspace; zongjie reads templates and catalogs only from inside it"));
    assert!(!stderr(&out).contains("不存在"));
}

// 2. ---------------------------------------------------------------------------------------

#[test]
fn no_upload_is_saved_while_the_period_cannot_be_checked() {
    // The catalog does not load: an upload with a word for a count is not saved.
    let ws = sample_workspace();
    std::fs::write(ws.path().join("data/2024H1/catalog.yaml"), "figures: [\n").unwrap();
    let state = state(ws.path());
    let path = ws.path().join("data/2024H1/社会救助.yaml");
    let before = std::fs::read(&path).unwrap();
    let text = String::from_utf8(before.clone()).unwrap();
    let (key, _) = text.lines().find(|l| l.starts_with("  ") && l.contains(": ")).unwrap().split_once(": ").unwrap();
    let bad = text.replacen(&format!("{key}: "), &format!("{key}: abc #"), 1);
    let answer = upload(&state, "2024H1", "社会救助.yaml", bad.as_bytes());
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text());
    let reply = answer.json();
    assert_eq!(reply["ok"], false);
    assert_eq!(
        reply["messages"][0],
        "社会救助.yaml 没有保存：2024H1 因下面列出的原因无法整体检查，无法判断这个文件是否使指标缺失或出错；文件夹中原来的文件没有改动。请先改正这些问题，再重新上传"
    );
    assert!(texts(&reply["problems"])[0].starts_with("data/2024H1/catalog.yaml"), "{reply}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // Another file of the period is GBK: an upload that drops figures is not saved, and
    // the reply names the file that stops the check.
    let ws = sample_workspace();
    let state = self::state(ws.path());
    let other = ws.path().join("data/2024H1/养老服务.yaml");
    let gbk = encoding_rs::GBK.encode(&std::fs::read_to_string(&other).unwrap()).0.into_owned();
    std::fs::write(&other, gbk).unwrap();
    let path = ws.path().join("data/2024H1/社会救助.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    let dropped: String = before.lines().take(before.lines().count() - 4).map(|l| format!("{l}\n")).collect();
    let answer = upload(&state, "2024H1", "社会救助.yaml", dropped.as_bytes());
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text());
    let reply = answer.json();
    assert!(reply["messages"][0].as_str().unwrap().contains("无法整体检查"), "{reply}");
    assert_eq!(
        texts(&reply["problems"]),
        ["data/2024H1/养老服务.yaml:1：文件不是 UTF-8 编码（可能是旧版 Excel 或记事本保存的 GBK 编码）；请用“另存为”选择 UTF-8 编码保存"]
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    // The GBK file itself, fixed, is taken: it is what makes the period checkable again.
    let fixed = std::fs::read(common::repo().join("data/2024H1/养老服务.yaml")).unwrap();
    let answer = upload(&state, "2024H1", "养老服务.yaml", &fixed);
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
}

// 3. ---------------------------------------------------------------------------------------

#[test]
fn csv_the_tool_writes_never_holds_a_formula() {
    let ws = workspace("mini");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&data, text.replace("名称: 测试县民政局", "名称: \"=cmd|' /C calc'!A0\"")).unwrap();
    let out = zongjie(ws.path(), &["figures", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.contains(",'=cmd|' /C calc'!A0,") || csv.contains("\"'=cmd|' /C calc'!A0\""), "{csv}");
    assert!(!csv.lines().any(|l| l.split(',').any(|c| c.starts_with('='))), "{csv}");

    // A township named like a formula, in a CSV zongjie reads: the quote it writes is taken off.
    let ws = sample_workspace();
    let path = ws.path().join("data/2024H1/低保分乡镇.csv");
    let csv = std::fs::read_to_string(&path).unwrap();
    let first = csv.lines().nth(1).unwrap().split(',').next().unwrap().to_string();
    std::fs::write(&path, csv.replacen(&format!("\n{first},"), &format!("\n'=HYPERLINK(1){first},"), 1)).unwrap();
    let out = zongjie(ws.path(), &["figures", "2024H1", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

// 4. ---------------------------------------------------------------------------------------

/// The sample's township workbook with one more cell, far away.
fn workbook_with_cell(reference: &str, dimension: Option<&str>) -> Vec<u8> {
    workbook_with_cell_on(reference, dimension, None)
}

/// [`workbook_with_cell`], its sheet renamed `sheet` when one is given.
fn workbook_with_cell_on(reference: &str, dimension: Option<&str>, sheet: Option<&str>) -> Vec<u8> {
    use std::io::{Read, Write};
    let bytes = std::fs::read(common::repo().join("data/2024H1/特困分乡镇.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let mut xml = String::from_utf8(text).unwrap();
            let row: String = reference.chars().skip_while(|c| c.is_ascii_alphabetic()).collect();
            xml = xml.replace(
                "</sheetData>",
                &format!("<row r=\"{row}\"><c r=\"{reference}\"><v>1</v></c></row></sheetData>"),
            );
            if let Some(dim) = dimension {
                xml = xml.replace("<sheetData>", &format!("<dimension ref=\"{dim}\"/><sheetData>"));
            }
            text = xml.into_bytes();
        }
        if let (Some(sheet), "xl/workbook.xml") = (sheet, name.as_str()) {
            text = String::from_utf8(text)
                .unwrap()
                .replace("name=\"特困分乡镇\"", &format!("name=\"{sheet}\""))
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_sheet_spanning_the_whole_grid_is_refused_not_allocated() {
    let ws = sample_workspace();
    let path = ws.path().join("data/2024H1/特困分乡镇.xlsx");
    std::fs::write(&path, workbook_with_cell("XFD1048576", None)).unwrap();
    let out = zongjie(ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "data/2024H1/特困分乡镇.xlsx: sheet 特困分乡镇 spans A1:XFD1048576 (1048576 rows × 16384 columns); zongjie reads a sheet of at most 2000000 cells"
        ),
        "{}",
        stderr(&out)
    );
    // Only declared so: refused as well, before a cell is read.
    std::fs::write(&path, workbook_with_cell("A9", Some("A1:XFD1048576"))).unwrap();
    let out = zongjie_in("zh-CN", ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("工作表 特困分乡镇 的范围是 A1:XFD1048576（1048576 行 × 16384 列）"),
        "{}",
        stderr(&out)
    );
    // And the server stays up on the same upload.
    let ws = sample_workspace();
    let state = state(ws.path());
    let answer = upload(&state, "2024H1", "特困分乡镇.xlsx", &workbook_with_cell("XFD1048576", None));
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text());
    assert!(get(&state, "/p/2024H1").status == StatusCode::OK);
}

#[test]
fn a_form_with_a_sheet_spanning_the_whole_grid_is_refused_not_allocated() {
    // The 填报表 reads its sheets itself (a scratch sheet too): the same size rule holds there.
    let ws = sample_workspace();
    let form = workbook_with_cell_on("XFD1048576", None, Some("草稿"));
    std::fs::write(ws.path().join("data/2024H1/填报表.xlsx"), form).unwrap();
    let out = zongjie_in("zh-CN", ws.path(), &["check", "2024H1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("错误：data/2024H1/填报表.xlsx：工作表 草稿 的范围是 A1:XFD1048576（1048576 行 × 16384 列）"),
        "{}",
        stderr(&out)
    );
}

// 6. ---------------------------------------------------------------------------------------

#[test]
fn import_reads_only_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("报告.txt");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let root = dir.path().join("ws");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["import", fifo.to_str().unwrap(), "--root", root.to_str().unwrap()])
        .env("ZONGJIE_LANG", "en")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("import of a pipe did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(
        err.replace(&format!("{}/", dir.path().display()), ""),
        "error: 报告.txt: is not a regular file (a folder, a pipe or a device); import reads a saved report file: .docx, .txt or .md\n"
    );
}

// 7. ---------------------------------------------------------------------------------------

#[test]
fn two_imports_at_once_keep_both_template_lines() {
    let h1 = common::fixture("import/seed-filled.txt");
    for round in 0..3 {
        let ws = sample_workspace_all();
        let root = ws.path().to_str().unwrap().to_string();
        std::fs::write(ws.path().join("zongjie.yaml"), "").unwrap();
        let run = |file: &Path, name: &str, period: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_zongjie"))
                .args(["import", file.to_str().unwrap(), "--root", &root, "--name", name, "--period", period])
                .env("ZONGJIE_LANG", "en")
                .spawn()
                .unwrap()
        };
        let mut a = run(&h1, "甲", "2030H1");
        let mut b = run(&h1, "乙", "2031");
        assert!(a.wait().unwrap().success());
        assert!(b.wait().unwrap().success());
        let config = std::fs::read_to_string(ws.path().join("zongjie.yaml")).unwrap();
        assert!(config.contains("templates/甲") && config.contains("templates/乙"), "round {round}: {config}");
    }
}

// 8. ---------------------------------------------------------------------------------------

#[test]
fn a_long_title_is_kept_and_only_the_file_name_is_shortened() {
    let dir = tempfile::tempdir().unwrap();
    let title = format!("梧桐县民政局关于{}工作情况的报告", "城乡最低生活保障和特困人员救助供养".repeat(4));
    assert!(title.len() > 180);
    let seed = std::fs::read_to_string(common::fixture("import/seed-filled.txt")).unwrap();
    let body: String = seed.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let file = dir.path().join("长标题.txt");
    std::fs::write(&file, format!("{title}\n{body}")).unwrap();
    let root = dir.path().join("ws");
    let out = zongjie(
        dir.path(),
        &["import", file.to_str().unwrap(), "--root", root.to_str().unwrap(), "--period", "2024H1"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = zongjie(&root, &["build", "2024H1", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = common::markdown(&root, "2024H1");
    assert!(md.starts_with(&format!("# {title}\n")), "{}", &md[..300]);
    let name = common::file_with_ext(&root.join("output/2024H1"), "md");
    let stem = name.file_stem().unwrap().to_str().unwrap().to_string();
    assert!(stem.len() <= 200, "{stem}");
    assert!(title.starts_with(stem.rsplit_once('-').unwrap().0), "{stem}");
    // The same name on a second build.
    let again = zongjie(&root, &["build", "2024H1", "--format", "md"]);
    assert!(again.status.success());
    assert_eq!(common::file_with_ext(&root.join("output/2024H1"), "md"), name);
}

// 9. ---------------------------------------------------------------------------------------

#[test]
fn big5_and_shift_jis_text_is_refused_not_read_as_gbk() {
    let dir = tempfile::tempdir().unwrap();
    let text = "梧桐縣民政局2024年上半年工作總結\n\n今年上半年，全縣城鄉低保對象共1234戶2345人，發放低保金678.9萬元。\n\n梧桐縣民政局\n2024年7月5日\n";
    for (encoding, name, file) in
        [(encoding_rs::BIG5, "Big5", "繁體.txt"), (encoding_rs::SHIFT_JIS, "Shift_JIS", "日本語.txt")]
    {
        let bytes = encoding.encode(text).0.into_owned();
        let (_, gbk_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
        if encoding == encoding_rs::BIG5 {
            assert!(!gbk_errors, "this Big5 text is valid GB18030 too");
        }
        let path = dir.path().join(file);
        std::fs::write(&path, &bytes).unwrap();
        for period in [Some("2024H1"), None] {
            let root = dir.path().join(format!("ws-{name}-{}", period.is_some()));
            let mut args = vec!["import", path.to_str().unwrap(), "--root", root.to_str().unwrap()];
            args.extend(period.iter().flat_map(|p| ["--period", *p]));
            let out = zongjie(dir.path(), &args);
            assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
            assert_eq!(
                stderr(&out).replace(&format!("{}/", dir.path().display()), ""),
                format!("error: {file}: the text looks like {name}, not UTF-8, UTF-16 or GBK, the encodings zongjie reads; read as GBK it would be garbled; save it again as UTF-8 (in Notepad: Save As, encoding UTF-8)\n")
            );
            assert!(!root.join("data").exists());
        }
    }
}

// 10. --------------------------------------------------------------------------------------

#[test]
fn no_period_is_started_that_the_tool_cannot_read() {
    let ws = sample_workspace();
    std::fs::rename(ws.path().join("data/2024H1"), ws.path().join("data/2999H1")).unwrap();
    let state = state(ws.path());
    let answer = post(&state, "/p/2999H1/new", Vec::new());
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text());
    let reply = answer.json();
    assert_eq!(reply["ok"], false);
    assert_eq!(
        texts(&reply["problems"]),
        ["data/3000H1：无法创建：zongjie 只能读取 1900 年至 2999 年的期间；没有写入任何文件"]
    );
    assert!(!ws.path().join("data/3000H1").exists());
    assert!(get(&state, "/").status == StatusCode::OK);
}

// 11. --------------------------------------------------------------------------------------

#[test]
fn an_upload_that_breaks_a_rule_of_another_period_is_refused_with_that_problem() {
    let ws = sample_workspace_all();
    let state = state(ws.path());
    let path = ws.path().join("data/2024H1/社会救助.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    // The H1 amount above the year's: the year's rule 特困.护理补助资金 >= 特困.护理补助资金@H1
    // breaks (29.5304万元 in H1, 59.8315万元 in the year).
    let raised = before.replace("  护理补助资金: 29.5304万元", "  护理补助资金: 69.5304万元");
    assert_ne!(raised, before);
    let answer = upload(&state, "2024H1", "社会救助.yaml", raised.as_bytes());
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text());
    let reply = answer.json();
    let messages: Vec<&str> = reply["messages"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert!(
        messages.contains(&"社会救助.yaml 没有保存：用这个文件，引用本期数据的 2024 报告有下面列出的问题；文件夹中原来的文件没有改动。请改正后重新上传"),
        "{reply}"
    );
    assert!(texts(&reply["problems"]).iter().any(|p| p.contains("特困.护理补助资金@H1")), "{reply}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}

// 12. --------------------------------------------------------------------------------------

#[test]
fn stale_staging_files_of_a_killed_server_do_not_stop_an_upload() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let dir = ws.path().join("data/2024H1");
    let pid = std::process::id();
    std::fs::create_dir_all(dir.join(".versions")).unwrap();
    std::fs::write(dir.join(format!(".versions/.zongjie-{pid}.tmp")), "left over").unwrap();
    std::fs::write(dir.join(format!(".zongjie-{pid}-0.tmp")), "left over").unwrap();
    let text = std::fs::read_to_string(dir.join("社会救助.yaml")).unwrap();
    let answer = upload(&state, "2024H1", "社会救助.yaml", format!("{text}\n# 改过\n").as_bytes());
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert!(std::fs::read_to_string(dir.join("社会救助.yaml")).unwrap().ends_with("# 改过\n"));
    assert_eq!(std::fs::read_to_string(dir.join(".versions/1/社会救助.yaml")).unwrap(), text);
    assert!(!dir.join(format!(".zongjie-{pid}-0.tmp")).exists());
}

// 13. --------------------------------------------------------------------------------------

#[test]
fn an_amount_too_long_for_any_number_is_called_too_large() {
    let ws = workspace("mini");
    let data = ws.path().join("data/2024H1/救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    std::fs::write(&data, text.replace("45678901.23元", "1000000000000000000000000000000元")).unwrap();
    let out = zongjie(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:8: 低保.金额: '1000000000000000000000000000000元' is larger than any figure a report can state; check the export\n2024H1: failed\n"
    );
}

#[test]
fn a_file_that_is_not_a_font_is_called_so() {
    let ws = workspace("mini");
    std::fs::write(ws.path().join("不是字体.otf"), "hello").unwrap();
    std::fs::write(ws.path().join("zongjie.yaml"), "template: tmpl\nfonts:\n  body: 不是字体.otf\n").unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(1));
    let said = "zongjie.yaml:3: fonts.body: 不是字体.otf: not a usable font (not a TrueType or OpenType file)";
    assert!(stderr(&out).contains(said), "{}", stderr(&out));
    // The page and its build say the same, never "no such file".
    let state = state(ws.path());
    for answer in [get(&state, "/p/2024H1"), post(&state, "/p/2024H1/build", Vec::new())] {
        assert!(!answer.text().contains("找不到"), "{}", answer.text());
    }
    let answer = post(&state, "/p/2024H1/build", Vec::new());
    assert!(answer.text().contains("不是字体.otf"), "{}", answer.text());
}

/// hyper's own refusals (before any handler) carry the page's message, not an empty body.
#[test]
fn requests_hyper_cannot_read_are_answered_with_a_message() {
    use std::io::{BufRead, Read, Write};
    let ws = sample_workspace();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["serve", "--no-open", "--port", &port.to_string(), "--root"])
        .arg(ws.path())
        .env("ZONGJIE_LANG", "zh-CN")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let ask = |request: Vec<u8>| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
        let _ = stream.write_all(&request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    let mut headers = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for i in 0..200 {
        headers.push_str(&format!("X-{i}: {i}\r\n"));
    }
    headers.push_str("\r\n");
    let answer = ask(headers.into_bytes());
    let garbage = ask(b"HELLO THERE\r\n\r\n".to_vec());
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n请求头太大，服务器无法处理；请刷新页面\n"), "{answer}");
    assert!(answer.contains("content-type: text/plain; charset=utf-8"), "{answer}");
    assert!(garbage.starts_with("HTTP/1.1 400"), "{garbage}");
    assert!(garbage.ends_with("服务器无法读取这个请求（不是规范的 HTTP 请求）；请刷新页面\n"), "{garbage}");
}
