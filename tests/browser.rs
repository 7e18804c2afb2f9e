//! `zongjie serve` in a real browser: Debian's chromium through chromedriver (WebDriver, driven
//! by fantoccini), against the real binary serving a copy of the sample workspace. It opens the
//! period page, reads a figure's details, uploads a township CSV with one changed number and
//! sees it in the preview, uploads a bad one and sees its problem (the file on disk unchanged),
//! follows a file saved on disk without a reload, builds and downloads the PDF.
//!
//! `.ci/run` installs chromium and chromium-driver; without them this test says so and passes.

mod common;

use fantoccini::{ClientBuilder, Locator};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n))).find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `zongjie serve` on a free port; returns it with the page's address.
fn serve(root: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["serve", "--port", "0", "--no-open", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find_map(|w| w.find("http://").map(|i| w[i..].to_string())).unwrap();
    let url = url.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/').to_string();
    (Killed(child), url)
}

/// Waits (up to 20 s) for `check` to give a value.
async fn until<T, F: std::future::Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "waited 20 s for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text_of(client: &fantoccini::Client, css: &str) -> Option<String> {
    client.find(Locator::Css(css)).await.ok()?.text().await.ok()
}

#[test]
fn the_period_page_in_chromium() {
    let (Some(chromium), Some(driver)) = (find(&["chromium", "chromium-browser"]), find(&["chromedriver"])) else {
        eprintln!("SKIPPED the_period_page_in_chromium: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
        return;
    };
    let ws = common::sample_workspace();
    let root = ws.path().to_path_buf();
    let (_server, url) = serve(&root);
    let port = free_port();
    let _driver = Killed(
        Command::new(driver).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let capabilities = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                // A container's /dev/shm is often 64 MB, too small for chromium's renderer.
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
            },
        }
    });
    let capabilities = capabilities.as_object().unwrap().clone();
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let webdriver = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen.
        let client = until("chromedriver", || {
            let (connector, capabilities, webdriver) = (connector.clone(), capabilities.clone(), webdriver.clone());
            async move { ClientBuilder::new(connector).capabilities(capabilities).connect(&webdriver).await.ok() }
        })
        .await;

        // The workspace page's own words are set in the served 黑体: a machine without Chinese
        // fonts (as this one may be) would otherwise show boxes.
        client.goto(&url).await.unwrap();
        let fonts = "return document.fonts.ready.then(() => [getComputedStyle(document.body).fontFamily, \
                     [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family).join(','), \
                     document.fonts.check('16px \"ZJ Hei\"', document.body.innerText.slice(0, 50))])";
        let seen = client.execute(fonts, vec![]).await.unwrap();
        assert!(seen[0].as_str().unwrap().starts_with("\"ZJ Hei\""), "{seen}");
        assert!(seen[1].as_str().unwrap().contains("ZJ Hei"), "the page's 黑体 was loaded and used: {seen}");
        assert_eq!(seen[2], serde_json::Value::Bool(true), "{seen}");
        let shot = client.screenshot().await.unwrap();
        assert!(shot.starts_with(b"\x89PNG"), "a screenshot of the workspace page");
        let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("workspace-page.png");
        std::fs::write(&kept, &shot).unwrap();
        eprintln!("the workspace page as chromium shows it: {}", kept.display());

        // The period page: a figure's details show its source file:line.
        client.goto(&format!("{url}p/2024H1")).await.unwrap();
        let title = text_of(&client, "article.gongwen h1.title").await.unwrap();
        assert!(title.ends_with("上半年工作总结和下半年工作安排"), "{title}");
        client.execute("document.querySelector('.fig[data-figure=\"低保.人数\"]').focus()", vec![]).await.unwrap();
        let details = text_of(&client, "#figtip").await.unwrap();
        assert!(details.starts_with("低保.人数"), "{details}");
        assert!(details.contains("来源：data/2024H1/低保分乡镇.csv:"), "{details}");
        let source = details.lines().find(|l| l.starts_with("来源：")).unwrap();
        let line: String = source.split(".csv:").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
        assert!(line.parse::<u32>().unwrap() > 1, "{details}");

        // Upload a township CSV with one number changed (and its total): the preview shows it.
        let csv_path = root.join("data/2024H1/低保分乡镇.csv");
        let before = std::fs::read_to_string(&csv_path).unwrap();
        let mut rows: Vec<Vec<String>> = before.lines().map(|l| l.split(',').map(String::from).collect()).collect();
        let total = rows.iter().position(|r| r[0].starts_with("合计")).unwrap();
        let raise = |cell: &mut String| *cell = (cell.parse::<u64>().unwrap() + 7).to_string();
        raise(&mut rows[1][2]);
        raise(&mut rows[total][2]);
        let new_total = rows[total][2].clone();
        let good = rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n") + "\n";
        let upload_dir = tempfile::tempdir().unwrap();
        let upload = upload_dir.path().join("低保分乡镇.csv");
        std::fs::write(&upload, &good).unwrap();
        let input = client.find(Locator::Css("#upload")).await.unwrap();
        input.send_keys(upload.to_str().unwrap()).await.unwrap();
        let shown = until("the new figure in the preview", || {
            let client = client.clone();
            let new_total = new_total.clone();
            async move { text_of(&client, "#fig-低保\\.人数").await.filter(|t| *t == new_total) }
        })
        .await;
        assert_eq!(shown, new_total);
        assert_eq!(std::fs::read_to_string(&csv_path).unwrap(), good);
        let said = text_of(&client, "#upload-result").await.unwrap();
        assert!(said.contains("已保存 data/2024H1/低保分乡镇.csv"), "{said}");

        // A bad file (a township changed, its total not): its problem is listed, the file stays.
        let mut bad_rows = rows.clone();
        raise(&mut bad_rows[2][2]);
        let bad = bad_rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n") + "\n";
        std::fs::write(&upload, &bad).unwrap();
        let input = client.find(Locator::Css("#upload")).await.unwrap();
        input.send_keys(upload.to_str().unwrap()).await.unwrap();
        let problem = until("the upload's problem", || {
            let client = client.clone();
            async move { text_of(&client, "#upload-problems li").await }
        })
        .await;
        assert!(problem.starts_with("data/2024H1/低保分乡镇.csv:"), "{problem}");
        assert_eq!(std::fs::read_to_string(&csv_path).unwrap(), good, "the file in place is the good one");
        assert_eq!(text_of(&client, "#fig-低保\\.人数").await.unwrap(), new_total);

        // Live: the statistician saves the file from Excel; the open page shows it by itself.
        let mut saved_rows = rows.clone();
        raise(&mut saved_rows[3][2]);
        raise(&mut saved_rows[total][2]);
        let saved_total = saved_rows[total][2].clone();
        std::fs::write(&csv_path, saved_rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n") + "\n")
            .unwrap();
        until("the page to follow the file on disk", || {
            let client = client.clone();
            let saved_total = saved_total.clone();
            async move { text_of(&client, "#fig-低保\\.人数").await.filter(|t| *t == saved_total) }
        })
        .await;

        // Build, then download the PDF.
        client.find(Locator::Css("button#build")).await.unwrap().click().await.unwrap();
        let link = until("the PDF link", || {
            let client = client.clone();
            async move { client.find(Locator::Css("#outputs a[href$='.pdf']")).await.ok() }
        })
        .await;
        link.click().await.unwrap();
        let built = common::file_with_ext(&root.join("output/2024H1"), "pdf");
        let name = built.file_name().unwrap().to_owned();
        let downloaded = until("the downloaded PDF", || {
            let path = downloads.path().join(&name);
            let expected = std::fs::metadata(&built).unwrap().len();
            async move { std::fs::metadata(&path).ok().filter(|m| m.len() == expected).map(|_| path) }
        })
        .await;
        assert_eq!(std::fs::read(downloaded).unwrap(), std::fs::read(&built).unwrap());
        client.close().await.unwrap();
    });
}
