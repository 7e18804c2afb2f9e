//! `zongjie serve` at the HTTP level: every route through the real Router (tower's `oneshot`, no
//! socket), on a temporary copy of the sample workspace, and the server's security rules. The
//! pages and actions must say what the CLI says: the same problems, figures and files.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::serve::*;
use common::{sample_workspace, zongjie};
use std::path::Path;

/// The text of the preview's article, one block a line, as `Document::plain_text` gives it.
fn preview_text(page: &str) -> String {
    let start = page.find("<article").expect("a preview");
    let end = page.find("</article>").unwrap();
    let mut html = page[start..end].to_string();
    for (from, to) in [("</td><td", " <td"), ("</th><th", " <th"), ("</tr>", "\n"), ("</p>", "\n"), ("</h1>", "\n")] {
        html = html.replace(from, to);
    }
    for level in 2..=5 {
        html = html.replace(&format!("</h{level}>"), "\n");
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = unescape(&text);
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// Every file of the workspace but the lock file (which a writer creates once).
fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    common::snapshot(root).into_iter().filter(|(name, _)| name != ".zongjie.lock").collect()
}

/// HTML text as read: entities decoded.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

/// The details of each marked figure, from the page's JSON.
fn marks(page: &str) -> Vec<serde_json::Value> {
    let start = page.find("<script type=\"application/json\" id=\"marks\">").unwrap();
    let rest = &page[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str::<Vec<serde_json::Value>>(json).unwrap()
}

/// The text of the first figure span for `name` in the preview.
fn figure_text(page: &str, name: &str) -> String {
    let attr = format!("data-figure=\"{name}\" id=\"fig-{name}\">");
    let at = page.find(&attr).unwrap_or_else(|| panic!("no figure {name} in the preview"));
    let rest = &page[at + attr.len()..];
    rest[..rest.find("</span>").unwrap()].to_string()
}

/// The township CSV of a period with the first township's value in `column` and the total row's
/// raised by one: still consistent, one figure changed.
fn raised(csv: &str, column: usize) -> (String, String) {
    let mut lines: Vec<Vec<String>> = csv.lines().map(|l| l.split(',').map(String::from).collect()).collect();
    let total = lines.iter().position(|l| l[0].starts_with("合计")).unwrap();
    let bump = |cell: &mut String| *cell = (cell.parse::<u64>().unwrap() + 1).to_string();
    bump(&mut lines[1][column]);
    bump(&mut lines[total][column]);
    let new_total = lines[total][column].clone();
    (lines.iter().map(|l| l.join(",")).collect::<Vec<_>>().join("\n") + "\n", new_total)
}

#[test]
fn the_period_page_previews_the_report_with_every_figure_marked_and_its_source() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let page = get(&state, "/p/2024H1");
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    let page = page.text();
    // The preview says exactly what the report says.
    let workspace = zongjie::workspace::Workspace::open(ws.path()).unwrap();
    let period = "2024H1".parse().unwrap();
    let report = zongjie::pipeline::prepare(&workspace, period).unwrap();
    assert_eq!(preview_text(&page), report.document.plain_text());
    // Every figure the report uses that is written as itself is marked with its source.
    let marks = marks(&page);
    assert!(marks.len() >= report.used.len() / 2, "{} marks", marks.len());
    for row in zongjie::pipeline::review::rows(&report.figures, &report.used) {
        let Some(mark) = marks.iter().find(|m| m["name"] == row.name.as_str()) else { continue };
        assert_eq!(mark["value"], row.value.as_str(), "{}", row.name);
        assert_eq!(mark["source"], row.source.as_str(), "{}", row.name);
        assert_eq!(mark["change"].as_str(), row.change.as_deref(), "{}", row.name);
    }
    // A figure summed from a township sheet names the sheet's total line and the rows summed.
    let summed = marks.iter().find(|m| m["source"].as_str().unwrap().contains(".csv:")).expect("a summed figure");
    assert!(summed["source"].as_str().unwrap().starts_with("data/2024H1/"), "{summed}");
    // 公文 look: the bundled fonts, a 156 mm type area.
    let css = get(&state, "/assets/style.css");
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    assert!(css.text().contains(".gongwen { width: 156mm; font-family: \"ZJ Fang\""));
    let font = get(&state, "/fonts/body.otf");
    assert_eq!((font.status, font.content_type.as_str()), (StatusCode::OK, "font/otf"));
    assert_eq!(font.body, std::fs::read(common::repo().join("fonts/fandol/FandolFang-Regular.otf")).unwrap());
    assert_eq!(get(&state, "/assets/app.js").content_type, "text/javascript; charset=utf-8");
}

#[test]
fn the_workspace_page_lists_each_period_with_its_template_and_state() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let row = |page: &str, period: &str| {
        let start = page.find(&format!("<tr data-period=\"{period}\">")).unwrap();
        page[start..start + page[start..].find("</tr>").unwrap()].to_string()
    };
    let page = get(&state, "/").text();
    let first = unescape(&row(&page, "2024H1"));
    assert!(first.contains("<a href=\"/p/2024H1\">2024年上半年（2024H1）</a>"), "{first}");
    assert!(first.contains("<td>templates/civil-affairs-h1/report.md.j2</td>"), "{first}");
    assert!(first.contains("<span class=\"state ready\">可以生成</span>"), "{first}");
    // Built from the command line: 已生成.
    assert!(zongjie(ws.path(), &["build", "2024H1"]).status.success());
    assert!(row(&get(&state, "/").text(), "2024H1").contains("<span class=\"state built\">已生成</span>"));
    // A data file edited since: 输入已改变.
    let file = ws.path().join("data/2024H1/单位.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n# 已核对\n")).unwrap();
    assert!(row(&get(&state, "/").text(), "2024H1").contains("<span class=\"state changed\">输入已改变</span>"));
    // Two problems: 2 个问题, and the other periods are as they were.
    let csv = ws.path().join("data/2024H1/低保分乡镇.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, text.replacen(",", ",x", 2).replacen("合计,", "合计,1", 1)).unwrap();
    let check = common::zongjie_in("zh-CN", ws.path(), &["check", "2024H1"]);
    let count = common::stderr(&check).lines().filter(|l| l.starts_with("错误：")).count();
    let page = get(&state, "/").text();
    assert!(row(&page, "2024H1").contains(&format!("<span class=\"state problems\">{count} 个问题</span>")), "{page}");
    assert!(row(&page, "2023H1").contains("可以生成"));
}

#[test]
fn problems_are_listed_as_check_gives_them_and_link_to_their_figure() {
    let ws = sample_workspace();
    let state = state(ws.path());
    // A good page first: its preview is kept and shown while the data has problems.
    assert_eq!(get(&state, "/p/2024H1").status, StatusCode::OK);
    let file = ws.path().join("data/2024H1/社会救助.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let line = text.lines().position(|l| l.contains("元")).expect("a money value");
    let changed: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == line { l.replacen("元", "", 1) } else { l.to_string() })
        .collect();
    std::fs::write(&file, changed.join("\n") + "\n").unwrap();
    let check = common::zongjie_in("zh-CN", ws.path(), &["check", "2024H1"]);
    let expected: Vec<String> =
        common::stderr(&check).lines().filter_map(|l| l.strip_prefix("错误：")).map(String::from).collect();
    assert!(!expected.is_empty());
    let page = get(&state, "/p/2024H1").text();
    let listed = &page[page.find("<ul class=\"problems\" id=\"problems\">").expect("the problems")..];
    let listed = unescape(&listed[..listed.find("</ul>").unwrap()]);
    for message in &expected {
        assert!(listed.contains(message.as_str()), "{message} not in\n{listed}");
    }
    // The problem names its figure, linked to where it stands in the (earlier) preview.
    let figure = listed.split("data-goto=\"").nth(1).expect("a linked problem").split('"').next().unwrap();
    assert!(listed.contains(&format!("<a href=\"#fig-{figure}\" data-goto=\"{figure}\">")));
    assert!(page.contains(&format!("id=\"fig-{figure}\"")), "the figure is in the preview");
    assert!(page.contains("数据现在有问题：下面是上次通过检查时的预览。"));
}

#[test]
fn figures_table_and_csv_are_those_of_zongjie_figures() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let csv = get(&state, "/p/2024H1/figures.csv");
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    let cli = zongjie(ws.path(), &["figures", "2024H1", "--format", "csv"]);
    assert_eq!(csv.body, cli.stdout);
    assert_eq!(
        csv.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"report.csv\"; filename*=UTF-8''2024H1{}.csv", encode("指标"))
    );
    let page = get(&state, "/p/2024H1").text();
    let json = zongjie(ws.path(), &["figures", "2024H1", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let table = unescape(&page[page.find("<table class=\"list sortable\" id=\"figures\">").unwrap()..]);
    assert_eq!(table[..table.find("</table>").unwrap()].matches("<tr><td>").count(), rows.len());
    let first = &rows[0];
    let name = first["name"].as_str().unwrap();
    assert!(table.contains(&format!(
        "<tr><td><a href=\"#fig-{name}\" data-goto=\"{name}\">{name}</a></td><td class=\"num\">{}</td><td>{}</td>",
        first["value"].as_str().unwrap(),
        first["unit"].as_str().unwrap()
    )));
}

#[test]
fn build_writes_the_same_files_as_the_cli_and_downloads_only_what_the_manifest_lists() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let built = post(&state, "/p/2024H1/build", Vec::new());
    assert_eq!(built.status, StatusCode::OK, "{}", built.text());
    let reply = built.json();
    assert_eq!(reply["ok"], true);
    let out = ws.path().join("output/2024H1");
    let names: Vec<String> = common::snapshot(&out).into_iter().map(|(n, _)| n).collect();
    let wrote: Vec<String> =
        reply["messages"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
    assert_eq!(wrote.len(), 5, "md, pdf, docx, ofd and the manifest: {wrote:?}");
    for name in &names {
        assert!(wrote.contains(&format!("已写出 output/2024H1/{name}")), "{name} in {wrote:?}");
    }
    // The CLI's build of the same data: the same bytes, file for file.
    let other = sample_workspace();
    assert!(zongjie(other.path(), &["build", "2024H1", "--format", "md,pdf,docx,ofd"]).status.success());
    assert_eq!(common::snapshot(&out), common::snapshot(&other.path().join("output/2024H1")));
    // Built again: nothing written.
    let again = post(&state, "/p/2024H1/build", Vec::new()).json();
    assert_eq!(again["messages"][0], "output/2024H1：报告没有变化，未改动任何文件");
    // Downloads: each output by the name in the manifest.
    let pdf = common::file_with_ext(&out, "pdf");
    let name = pdf.file_name().unwrap().to_str().unwrap();
    let download = get(&state, &format!("/p/2024H1/files/{}", encode(name)));
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.content_type, "application/pdf");
    assert_eq!(download.body, std::fs::read(&pdf).unwrap());
    assert!(download.headers[header::CONTENT_DISPOSITION].to_str().unwrap().ends_with(&encode(name)));
    let ofd = common::file_with_ext(&out, "ofd");
    let download = get(&state, &format!("/p/2024H1/files/{}", encode(ofd.file_name().unwrap().to_str().unwrap())));
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.content_type, "application/ofd");
    assert_eq!(download.body, std::fs::read(&ofd).unwrap());
    // Nothing else: not the manifest, not a path out of the folder, not a file put there by hand.
    std::fs::write(out.join("extra.pdf"), b"%PDF").unwrap();
    for uri in [
        "/p/2024H1/files/manifest.json",
        "/p/2024H1/files/extra.pdf",
        "/p/2024H1/files/..%2F..%2Fzongjie.yaml",
        "/p/2024H1/files/%2Fetc%2Fpasswd",
        "/p/2023H1/files/x.pdf",
    ] {
        let answer = get(&state, uri);
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(answer.text().contains("清单中没有它"), "{uri}: {}", answer.text());
    }
}

#[test]
fn a_build_from_the_page_waits_for_a_build_from_the_cli() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let root = ws.path().to_path_buf();
    let lock = zongjie::archive::lock::acquire(
        &root.join(".zongjie.lock"),
        ".zongjie.lock",
        zongjie::archive::lock::Mode::Write,
        false,
        || {},
    )
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let server = state.clone();
    let builder = std::thread::spawn(move || tx.send(post(&server, "/p/2024H1/build", Vec::new()).status).unwrap());
    // Held by another writer: nothing is written meanwhile.
    assert!(rx.recv_timeout(std::time::Duration::from_millis(700)).is_err());
    assert!(!root.join("output/2024H1").exists());
    drop(lock);
    assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap(), StatusCode::OK);
    builder.join().unwrap();
    assert!(root.join("output/2024H1/manifest.json").exists());
}

#[test]
fn an_upload_is_checked_with_its_period_before_it_is_saved() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let csv_path = ws.path().join("data/2024H1/低保分乡镇.csv");
    let before = std::fs::read_to_string(&csv_path).unwrap();
    let page = get(&state, "/p/2024H1").text();
    let old = figure_text(&page, "低保.人数");
    let upload = |name: &str, body: Vec<u8>| post(&state, &format!("/p/2024H1/upload?name={}", encode(name)), body);

    // One number changed, and the total with it: saved, the earlier file kept, the preview new.
    let (good, total) = raised(&before, 2);
    assert_ne!(total, old);
    let answer = upload("低保分乡镇.csv", good.clone().into_bytes());
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(
        answer.json()["messages"],
        serde_json::json!([
            "原来的文件已保存为 data/2024H1/.versions/1/低保分乡镇.csv",
            "已保存 data/2024H1/低保分乡镇.csv"
        ])
    );
    assert_eq!(std::fs::read_to_string(&csv_path).unwrap(), good);
    assert_eq!(std::fs::read_to_string(ws.path().join("data/2024H1/.versions/1/低保分乡镇.csv")).unwrap(), before);
    assert_eq!(figure_text(&get(&state, "/p/2024H1").text(), "低保.人数"), total);
    // The kept version is not data: the period still checks.
    assert!(zongjie(ws.path(), &["check", "2024H1"]).status.success());

    // The same file again: nothing written.
    let answer = upload("低保分乡镇.csv", good.clone().into_bytes());
    assert_eq!(
        answer.json()["messages"],
        serde_json::json!(["data/2024H1/低保分乡镇.csv 与上传的文件完全相同，没有写入"])
    );
    assert!(!ws.path().join("data/2024H1/.versions/2").exists());

    // A township changed without its total: refused, its problem listed, the file in place.
    let (bad, _) = raised(&good, 1);
    let bad = bad.replacen(
        &bad.lines().find(|l| l.starts_with("合计")).unwrap().to_string(),
        good.lines().find(|l| l.starts_with("合计")).unwrap(),
        1,
    );
    let answer = upload("低保分乡镇.csv", bad.clone().into_bytes());
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = answer.json();
    assert_eq!(reply["ok"], false);
    assert_eq!(
        reply["messages"][0],
        "低保分乡镇.csv 没有保存：用这个文件，2024H1 有下面列出的问题；文件夹中原来的文件没有改动。请改正后重新上传"
    );
    // Exactly the problems check gives for the folder with that file in it.
    let other = sample_workspace();
    std::fs::write(other.path().join("data/2024H1/低保分乡镇.csv"), &bad).unwrap();
    let check = common::zongjie_in("zh-CN", other.path(), &["check", "2024H1"]);
    let expected: Vec<String> =
        common::stderr(&check).lines().filter_map(|l| l.strip_prefix("错误：")).map(String::from).collect();
    let listed: Vec<String> =
        reply["problems"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap().to_string()).collect();
    assert_eq!(listed, expected);
    assert!(listed[0].starts_with("data/2024H1/低保分乡镇.csv:"), "{listed:?}");
    assert_eq!(std::fs::read_to_string(&csv_path).unwrap(), good);
    assert!(!ws.path().join("data/2024H1/.versions/2").exists());
}

#[test]
fn upload_names_are_plain_data_file_names_and_sizes_are_bounded() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let before = files(ws.path());
    let cases: [(&str, StatusCode, &str); 8] = [
        // Cut to its name: a data file of the period, which does not check.
        ("../../zongjie.yaml", StatusCode::UNPROCESSABLE_ENTITY, "zongjie.yaml 没有保存"),
        ("report.exe", StatusCode::BAD_REQUEST, "“report.exe”：只能上传数据文件：.csv、.xlsx、.yaml 或 .yml"),
        ("catalog.yaml", StatusCode::BAD_REQUEST, "“catalog.yaml”是本期自己的指标目录或模板的文件名"),
        (".hidden.csv", StatusCode::BAD_REQUEST, "“.hidden.csv”不能作为数据文件名（为空或以“.”开头）"),
        ("a/", StatusCode::BAD_REQUEST, "“a/”不能作为数据文件名"),
        ("a:b.csv", StatusCode::BAD_REQUEST, "“a:b.csv”：文件名中有不能用的字符"),
        ("x\u{7}.csv", StatusCode::BAD_REQUEST, "文件名中有不能用的字符"),
        ("\u{202E}vsc.yaml", StatusCode::BAD_REQUEST, "文件名中有不能用的字符"),
    ];
    for (name, status, message) in cases {
        let answer = post(&state, &format!("/p/2024H1/upload?name={}", encode(name)), b"a: 1\n".to_vec());
        assert_eq!(answer.status, status, "{name}");
        assert!(answer.text().contains(message), "{name}: {}", answer.text());
    }
    let answer = post(&state, "/p/2024H1/upload", b"a: 1\n".to_vec());
    assert_eq!(
        (answer.status, answer.text().as_str()),
        (StatusCode::BAD_REQUEST, "上传没有写明文件名（?name=…）；请在期间页面上选择文件\n")
    );
    let answer = post(&state, "/p/2024H1/upload?name=x.csv", vec![b'a'; zongjie::serve::UPLOAD_MAX + 1]);
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.text(), "文件大于 20 MB；一期的数据文件通常只有几百 KB，请确认是不是选错了文件\n");
    // A length said to be too large is refused from the header, without waiting for the body.
    let said = Request::builder()
        .method("POST")
        .uri("/p/2024H1/upload?name=x.csv")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::CONTENT_LENGTH, "999999999999");
    assert_eq!(send(&state, said.body(Body::from("a: 1")).unwrap()).status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(files(ws.path()) == before, "nothing written");
    // A path is cut to its file name: the file lands in the period's folder, nowhere else.
    let good = std::fs::read(ws.path().join("data/2024H1/单位.yaml")).unwrap();
    let answer = post(&state, &format!("/p/2024H1/upload?name={}", encode("..\\..\\C:/单位.yaml")), good);
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(answer.json()["messages"][0], "data/2024H1/单位.yaml 与上传的文件完全相同，没有写入");
    // A link in the folder is not written through.
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.yaml"), "a: 1\n").unwrap();
        std::os::unix::fs::symlink(outside.path().join("x.yaml"), ws.path().join("data/2024H1/链接.yaml")).unwrap();
        let answer = post(&state, &format!("/p/2024H1/upload?name={}", encode("链接.yaml")), b"b: 2\n".to_vec());
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.text());
        assert_eq!(std::fs::read_to_string(outside.path().join("x.yaml")).unwrap(), "a: 1\n");
    }
}

#[test]
fn new_period_does_what_zongjie_new_does() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let answer = post(&state, "/p/2024H1/new", Vec::new());
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let reply = answer.json();
    assert_eq!(reply["go"], "/p/2025H1");
    let other = sample_workspace();
    assert!(zongjie(other.path(), &["new", "2025H1"]).status.success());
    assert_eq!(common::snapshot(&ws.path().join("data/2025H1")), common::snapshot(&other.path().join("data/2025H1")));
    assert_eq!(
        reply["messages"].as_array().unwrap().last().unwrap(),
        "已从上一期开始 2025H1，所有数值已清空，请填写新的数字"
    );
    // Again: the period exists, nothing is touched.
    let again = post(&state, "/p/2024H1/new", Vec::new());
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["problems"][0]["text"].as_str().unwrap().split('：').next(), Some("data/2025H1"));
    // The new period's page lists what is to be filled in.
    let page = get(&state, "/p/2025H1");
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("<span class=\"state problems\" id=\"state\">"));
}

#[test]
fn the_stamp_changes_when_a_data_file_changes_on_disk() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let first = get(&state, "/stamp").text();
    assert_eq!(first, get(&state, "/stamp").text());
    assert!(get(&state, "/p/2024H1").text().contains(&format!("<body data-stamp=\"{first}\">")));
    let file = ws.path().join("data/2024H1/单位.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}#\n")).unwrap();
    assert_ne!(get(&state, "/stamp").text(), first);
}

#[test]
fn requests_not_addressed_to_this_server_or_not_from_its_pages_are_refused() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let before = files(ws.path());
    let request = |method: &str, uri: &str, host: Option<&str>, origin: Option<&str>| {
        let mut r = Request::builder().method(method).uri(uri);
        if let Some(host) = host {
            r = r.header(header::HOST, host);
        }
        if let Some(origin) = origin {
            r = r.header(header::ORIGIN, origin);
        }
        send(&state, r.body(Body::empty()).unwrap())
    };
    // DNS rebinding: another name for 127.0.0.1.
    let answer = request("GET", "/p/2024H1", Some("evil.example:8787"), None);
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        answer.text(),
        "已拒绝：请求的地址是 evil.example:8787，不是本服务（127.0.0.1:8787 或 localhost:8787）；请用这个地址打开页面\n"
    );
    assert_eq!(request("GET", "/", Some("127.0.0.1:9999"), None).status, StatusCode::FORBIDDEN);
    assert_eq!(request("GET", "/", None, None).status, StatusCode::FORBIDDEN);
    assert_eq!(request("GET", "/", Some("localhost:8787"), None).status, StatusCode::OK);
    // A cross-site post, or one that does not say where it comes from.
    for origin in [Some("http://evil.example"), Some("null"), Some("http://127.0.0.1:9999"), None] {
        for uri in ["/p/2024H1/build", "/p/2024H1/new", "/p/2024H1/upload?name=a.yaml"] {
            let answer = request("POST", uri, Some(HOST), origin);
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{uri} from {origin:?}");
        }
    }
    let answer = request("POST", "/p/2024H1/build", Some(HOST), Some("http://evil.example"));
    assert_eq!(
        answer.text(),
        "已拒绝：请求来自其他网站的页面（http://evil.example）；只有 http://127.0.0.1:8787 的页面可以生成报告、上传文件或新建一期\n"
    );
    // A second Host or Origin after a local one, and an absolute URI naming another host.
    let twice = |name: header::HeaderName, local: &str, foreign: &str| {
        let r = Request::builder()
            .method("POST")
            .uri("/p/2024H1/build")
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(name.clone(), local)
            .header(name, foreign);
        send(&state, r.body(Body::empty()).unwrap())
    };
    let answer = twice(header::HOST, HOST, "evil.example:8787");
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.text(), "请求中的 Host 或 Origin 出现了两次，浏览器不会这样发送，因此拒绝这个请求\n");
    assert_eq!(twice(header::ORIGIN, &format!("http://{HOST}"), "http://evil.example").status, StatusCode::BAD_REQUEST);
    let absolute = Request::builder().uri("http://evil.example:8787/").header(header::HOST, HOST);
    assert_eq!(send(&state, absolute.body(Body::empty()).unwrap()).status, StatusCode::FORBIDDEN);
    assert!(files(ws.path()) == before, "nothing written");
    let page = get(&state, "/");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'self'; script-src 'self';"));
}

#[test]
fn malformed_requests_get_a_4xx_with_a_message() {
    let ws = sample_workspace();
    let state = state(ws.path());
    let cases: [(&str, &str, StatusCode, &str); 7] = [
        ("GET", "/nowhere", StatusCode::NOT_FOUND, "没有这个页面；请打开 / 回到工作区页面\n"),
        ("GET", "/p/1999H1", StatusCode::NOT_FOUND, "1999H1：data/ 中没有这一期；请回到工作区页面查看有哪些期间\n"),
        ("GET", "/p/%E0%A4", StatusCode::BAD_REQUEST, "地址无法识别（不是有效的 UTF-8 文字）\n"),
        (
            "GET",
            "/p/not-a-period/figures.csv",
            StatusCode::NOT_FOUND,
            "not-a-period：data/ 中没有这一期；请回到工作区页面查看有哪些期间\n",
        ),
        ("DELETE", "/p/2024H1", StatusCode::METHOD_NOT_ALLOWED, "不能用这种方式请求这个页面（HTTP 方法不对）\n"),
        ("GET", "/p/2024H1/build", StatusCode::METHOD_NOT_ALLOWED, "不能用这种方式请求这个页面（HTTP 方法不对）\n"),
        ("GET", "/fonts/../../etc/passwd", StatusCode::NOT_FOUND, "没有这个页面；请打开 / 回到工作区页面\n"),
    ];
    for (method, uri, status, message) in cases {
        let r = Request::builder().method(method).uri(uri).header(header::HOST, HOST).header(header::ORIGIN, ORIGIN);
        let answer = send(&state, r.body(Body::empty()).unwrap());
        assert_eq!((answer.status, answer.text().as_str()), (status, message), "{method} {uri}");
        assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    }
}

/// A server process, killed if a test fails before it stops.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the real binary on `port`; returns it with its first line of output.
fn start(root: &Path, port: u16) -> (Server, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["serve", "--no-open", "--port", &port.to_string(), "--root"])
        .arg(root)
        .env("ZONGJIE_LANG", "en")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    (Server(child), line)
}

#[cfg(unix)]
#[test]
fn serve_listens_on_loopback_only_and_stops_cleanly_on_ctrl_c() {
    use std::io::{Read, Write};
    let ws = sample_workspace();
    let (mut server, line) = start(ws.path(), 0);
    let child = &mut server.0;
    let url = line.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap_or_else(|| panic!("{line}"));
    let port: u16 = url.trim_start_matches("http://127.0.0.1:").trim_end_matches('/').parse().unwrap();
    assert_eq!(
        line,
        format!("zongjie serve: the workspace page is at http://127.0.0.1:{port}/ (only this computer can open it); press Ctrl-C to stop\n")
    );
    // Loopback only: the machine's other addresses do not answer.
    let request = format!("GET /stamp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    // 127.0.0.2 is this machine too: a server on every address (0.0.0.0) would answer there.
    #[cfg(target_os = "linux")]
    assert!(std::net::TcpStream::connect(("127.0.0.2", port)).is_err(), "listening beyond 127.0.0.1");
    // Ctrl-C.
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let mut rest = String::new();
    child.stdout.take().unwrap().read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "zongjie serve: stopped\n");
}

#[test]
fn a_port_in_use_is_said_with_what_to_do() {
    let ws = sample_workspace();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (mut server, line) = start(ws.path(), port);
    let status = server.0.wait().unwrap();
    let mut stderr = Vec::new();
    std::io::Read::read_to_end(server.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    let out = std::process::Output { status, stdout: Vec::new(), stderr };
    assert_eq!(line, "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        common::stderr(&out),
        format!("error: the port 127.0.0.1:{port} is already in use by another program (another zongjie serve?); choose another with --port, such as --port {}\n", port.wrapping_add(1).max(1))
    );
}

#[test]
fn an_xlsx_upload_is_read_from_memory_like_the_file_it_replaces() {
    use calamine::{Data, Reader};
    let ws = sample_workspace();
    let state = state(ws.path());
    // The period's workbook, as cells: its sheet's first count column raised by one in the
    // first township and in the total row.
    let path = ws.path().join("data/2024H1").join(
        std::fs::read_dir(ws.path().join("data/2024H1"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .find(|n| n.ends_with(".xlsx"))
            .expect("the sample has a workbook"),
    );
    let name = path.file_name().unwrap().to_str().unwrap().to_string();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let total = rows.iter().position(|r| r[0].starts_with("合计")).unwrap();
    let before_total = rows[total][1].clone();
    let page = get(&state, "/p/2024H1").text();
    let figure = marks(&page)
        .into_iter()
        .find(|m| {
            m["source"].as_str().unwrap().starts_with(&format!("data/2024H1/{name}:"))
                && m["value"] == before_total.as_str()
        })
        .expect("a figure summed from the workbook's first column");
    let figure = figure["name"].as_str().unwrap().to_string();
    for row in [1, total] {
        rows[row][1] = (rows[row][1].parse::<u64>().unwrap() + 1).to_string();
    }
    let bytes = common::xlsx::workbook(&[common::xlsx::SheetSpec { name: sheet, hidden: false, rows }]);
    let answer = post(&state, &format!("/p/2024H1/upload?name={}", encode(&name)), bytes.clone());
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let after = get(&state, "/p/2024H1").text();
    assert_eq!(figure_text(&after, &figure), (before_total.parse::<u64>().unwrap() + 1).to_string());
    assert!(ws.path().join(format!("data/2024H1/.versions/1/{name}")).is_file());
}

/// The answer of the server on `port` to `GET path`: status line and body.
fn fetch(port: u16, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{answer}"));
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// The resident memory of a process, in MB (Linux).
fn resident_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? >> 10)
}

#[test]
fn a_template_past_the_memory_budget_fails_its_page_and_the_server_goes_on() {
    // The real binary, whose allocator counts: the mini workspace with 2023H1 and 2024H1, whose
    // template doubles a text in memory in 2024H1 only.
    let ws = common::one_period_past_the_memory_budget();
    let (server, line) = start(ws.path(), 0);
    let url = line.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap_or_else(|| panic!("{line}"));
    let port: u16 = url.trim_start_matches("http://127.0.0.1:").trim_end_matches('/').parse().unwrap();
    let too_big = "tmpl/report.md.j2: the template builds more than 256 MB of text in memory (a text joined to itself again and again?) and was stopped";
    // 2024H1: its page lists the problem.
    let (status, page) = fetch(port, "/p/2024H1");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(unescape(&page).contains(too_big), "{page}");
    // The same server renders 2023H1, every figure marked.
    let (status, page) = fetch(port, "/p/2023H1");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(preview_text(&page).contains("测试县民政局"), "{page}");
    assert!(!unescape(&page).contains("256 MB"));
    assert!(!marks(&page).is_empty());
    // Each rendering past the budget holds its memory (at most 256 MB) until the server stops;
    // after four, templates are no longer rendered, and the page says why.
    for _ in 0..3 {
        assert!(unescape(&fetch(port, "/p/2024H1").1).contains(too_big));
    }
    if let Some(mb) = resident_mb(server.0.id()) {
        eprintln!("zongjie serve holds {mb} MB after four renderings past the budget");
        assert!(mb < 4 * 256 + 200, "{mb} MB");
    }
    let (status, page) = fetch(port, "/p/2023H1");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        unescape(&page).contains("tmpl/report.md.j2: the template was not rendered: 4 earlier renderings went past the 256 MB memory budget and each still holds up to 256 MB until zongjie stops; fix the template that went past it, then restart zongjie"),
        "{page}"
    );
    assert_eq!(fetch(port, "/stamp").0, "HTTP/1.1 200 OK");
}
