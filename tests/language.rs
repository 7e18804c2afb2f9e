//! The language of everything the binary says (issue 10): Chinese by default, English with
//! `--lang en` or `ZONGJIE_LANG=en`; `--help` of every command in Chinese words, and clap's
//! usage errors in ours.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output};

/// Runs zongjie with no ZONGJIE_LANG at all (the machine's default), or with one.
fn run(lang: Option<&str>, cwd: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zongjie"));
    command.args(args).current_dir(cwd).env("NO_COLOR", "1").env_remove("ZONGJIE_LANG");
    if let Some(lang) = lang {
        command.env("ZONGJIE_LANG", lang);
    }
    command.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The mini workspace with a negative count.
fn bad_workspace() -> tempfile::TempDir {
    let ws = workspace("mini");
    let data = ws.path().join("data/2024H1/救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("户数: 120", "户数: -120")).unwrap();
    ws
}

#[test]
fn chinese_is_the_default_and_english_is_asked_for() {
    let ws = bad_workspace();
    let zh = run(None, ws.path(), &["build"]);
    assert_eq!(zh.status.code(), Some(1));
    assert!(stderr(&zh).starts_with("错误：data/2024H1/救助.yaml:6："), "{}", stderr(&zh));
    let check = run(None, ws.path(), &["check"]);
    assert!(stderr(&check).ends_with("2024H1：未通过检查，请按上面列出的问题逐项改正\n"), "{}", stderr(&check));
    let english = "error: data/2024H1/救助.yaml:6: 低保.户数: ";
    for out in [
        run(Some("en"), ws.path(), &["build"]),
        run(None, ws.path(), &["--lang", "en", "build"]),
        run(None, ws.path(), &["build", "--lang=en"]),
    ] {
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).starts_with(english), "{}", stderr(&out));
    }
    // --lang wins over ZONGJIE_LANG.
    let out = run(Some("en"), ws.path(), &["--lang", "zh", "build"]);
    assert!(stderr(&out).starts_with("错误："), "{}", stderr(&out));

    let help = run(None, ws.path(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("用法：zongjie [选项] <命令>\n\n命令：\n  build "), "{}", stdout(&help));
    for help in [run(Some("en"), ws.path(), &["--help"]), run(None, ws.path(), &["--lang", "en", "--help"])] {
        assert_eq!(help.status.code(), Some(0));
        assert!(
            stdout(&help).contains("Usage: zongjie [OPTIONS] <COMMAND>\n\nCommands:\n  build "),
            "{}",
            stdout(&help)
        );
    }
}

/// The subcommands the top-level help lists.
fn subcommands(help: &str) -> Vec<String> {
    let list = help.split_once("命令：\n").expect("a list of commands").1;
    list.lines().take_while(|l| l.starts_with("  ")).map(|l| l.split_whitespace().next().unwrap().to_string()).collect()
}

/// ASCII words of four letters or more that are not an option, a command, a placeholder, a
/// path, a format or a program's name: English sentences left in Chinese help.
fn english_words(text: &str, commands: &[String]) -> Vec<String> {
    const NAMES: [&str; 9] = ["zongjie", "markdown", "word", "excel", "pandoc", "table", "json", "docx", "xlsx"];
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_./<>[]".contains(c)))
        .filter(|token| {
            let is_option = token.starts_with('-');
            let is_placeholder = token.starts_with(['<', '[']) || token.chars().all(|c| !c.is_ascii_lowercase());
            let is_path = token.contains(['.', '/']);
            !(is_option || is_placeholder || is_path)
        })
        .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
        .filter(|word| {
            let lower = word.to_ascii_lowercase();
            let is_command = commands.iter().any(|c| c.split('-').any(|part| part == lower));
            // Bundled template names are names too (civil-affairs-h1, blank).
            let is_template = zongjie::workspace::bundled::ALL.iter().any(|b| b.name.split('-').any(|p| p == lower));
            word.len() >= 4 && !NAMES.contains(&lower.as_str()) && !is_command && !is_template
        })
        .map(String::from)
        .collect()
}

#[test]
fn help_of_every_command_is_in_chinese_words() {
    let dir = tempfile::tempdir().unwrap();
    let top = run(None, dir.path(), &["--help"]);
    let top_text = stdout(&top);
    let commands = subcommands(&top_text);
    assert!(commands.len() >= 7, "{commands:?}");
    let mut found = vec![("zongjie --help".to_string(), english_words(&top_text, &commands))];
    for command in &commands {
        for args in [vec![command.as_str(), "--help"], vec!["help", command.as_str()], vec![command.as_str(), "-h"]] {
            let out = run(None, dir.path(), &args);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
            let text = stdout(&out);
            for heading in ["用法：zongjie ", "选项：\n", "  -h, --help"] {
                assert!(text.contains(heading), "{args:?}: no {heading:?} in\n{text}");
            }
            found.push((args.join(" "), english_words(&text, &commands)));
        }
        // And it is English when asked for, under the same headings clap gives.
        let en = run(Some("en"), dir.path(), &[command, "--help"]);
        assert!(stdout(&en).contains(&format!("Usage: zongjie {command} [OPTIONS]")), "{}", stdout(&en));
        assert!(stdout(&en).contains("Options:\n"), "{}", stdout(&en));
    }
    let english: Vec<String> = found
        .into_iter()
        .filter(|(_, words)| !words.is_empty())
        .map(|(args, words)| format!("{args}: {words:?}"))
        .collect();
    assert!(english.is_empty(), "English words in the Chinese help:\n{}", english.join("\n"));
    assert_eq!(english_words("Build the report of one period, --all <DIR> data/", &commands), ["report", "period"]);
}

#[test]
fn usage_errors_are_ours_in_both_languages_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str, &str); 5] = [
        (
            &["build", "--fromat", "md"],
            "错误：不认识的选项“--fromat”；是不是“--format”？\n用法：zongjie build [选项] [PERIOD]...\n详细说明请运行 zongjie build --help\n",
            "error: unexpected argument '--fromat' found; did you mean '--format'?\nUsage: zongjie build [OPTIONS] [PERIOD]...\nFor more information, try 'zongjie build --help'.\n",
        ),
        (
            &["biuld"],
            "错误：没有“biuld”这个命令；是不是“build”？\n用法：zongjie [选项] <命令>\n详细说明请运行 zongjie --help\n",
            "error: unrecognized subcommand 'biuld'; did you mean 'build'?\nUsage: zongjie [OPTIONS] <COMMAND>\nFor more information, try 'zongjie --help'.\n",
        ),
        (
            &["build", "--format", "xls"],
            "错误：--format <FORMAT> 不能写“xls”；可以写：md、pdf、docx、ofd\n详细说明请运行 zongjie build --help\n",
            "error: invalid value 'xls' for '--format <FORMAT>'; possible values: md, pdf, docx, ofd\nFor more information, try 'zongjie build --help'.\n",
        ),
        (
            &["new"],
            "错误：缺少必须写的 <PERIOD>\n用法：zongjie new [选项] <PERIOD>\n详细说明请运行 zongjie new --help\n",
            "error: the following required arguments were not provided: <PERIOD>\nUsage: zongjie new [OPTIONS] <PERIOD>\nFor more information, try 'zongjie new --help'.\n",
        ),
        (
            &["verify", "--all", "2024H1"],
            "错误：--all 不能与 [PERIOD|REPORT.pdf]... 同时使用\n用法：zongjie verify [选项] [PERIOD|REPORT.pdf]...\n详细说明请运行 zongjie verify --help\n",
            "error: the argument '--all' cannot be used with '[PERIOD|REPORT.pdf]...'\nUsage: zongjie verify [OPTIONS] [PERIOD|REPORT.pdf]...\nFor more information, try 'zongjie verify --help'.\n",
        ),
    ];
    for (args, zh, en) in cases {
        let out = run(None, dir.path(), args);
        assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(2), zh), "{args:?}");
        let out = run(Some("en"), dir.path(), args);
        assert_eq!((out.status.code(), stderr(&out).as_str()), (Some(2), en), "{args:?}");
    }
    // A period clap cannot read: the period's own reason, after ours.
    let out = run(None, dir.path(), &["build", "2024H3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("错误：[PERIOD]... 写的“2024H3”不对："), "{}", stderr(&out));
    // A language clap refuses is refused in the language of ZONGJIE_LANG.
    let out = run(Some("en"), dir.path(), &["--lang", "fr", "build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: invalid value 'fr' for '--lang <LANG>'; possible values: zh, zh-CN, en\n"));
    // No command at all: the help, on stderr, exit 2.
    let out = run(None, dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("用法：zongjie [选项] <命令>"), "{}", stderr(&out));
    let out = run(None, dir.path(), &["--version"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), format!("zongjie {}\n", env!("CARGO_PKG_VERSION"))));
}

#[test]
fn progress_and_results_in_chinese_and_the_large_change_warning_in_both() {
    let ws = workspace("mini");
    let root = ws.path();
    let title = "测试县民政局测试报告";
    let out = run(None, root, &["build"]);
    assert_eq!(
        stdout(&out),
        format!(
            "已写出 output/2024H1/{title}.md\n已写出 output/2024H1/{title}.pdf\n已写出 output/2024H1/manifest.json\n"
        )
    );
    assert_eq!(stdout(&run(None, root, &["build"])), "output/2024H1：报告没有变化，未改动任何文件\n");
    assert_eq!(stdout(&run(None, root, &["verify"])), "2024H1：一致，报告与清单和数据都相符\n");
    // Last year with a twelfth of the households: build says so, in both languages.
    std::fs::create_dir_all(root.join("data/2023H1")).unwrap();
    let this_year = std::fs::read_to_string(root.join("data/2024H1/救助.yaml")).unwrap();
    std::fs::write(
        root.join("data/2023H1/救助.yaml"),
        this_year.replace("户数: 120", "户数: 12").replace("2024-", "2023-"),
    )
    .unwrap();
    let out = run(None, root, &["build", "2024H1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "警告：data/2024H1/救助.yaml:6：低保.户数 本期为120户，比2023H1（12户，data/2023H1/救助.yaml:6）增加900.0%，变化较大；请核对数字和单位是否有误\n"
    );
    // Last year's file is a new input: only the manifest changes.
    assert_eq!(stdout(&out), "已写出 output/2024H1/manifest.json\n");
    let out = run(Some("en"), root, &["build", "2024H1"]);
    assert_eq!(
        stderr(&out),
        "warning: data/2024H1/救助.yaml:6: 低保.户数: 120户 is 900.0% above 2023H1 (12户, data/2023H1/救助.yaml:6); check it\n"
    );
    assert_eq!(stdout(&out), "output/2024H1: unchanged\n");
    let out = run(None, root, &["check", "2024H1"]);
    assert_eq!(stdout(&out), "2024H1：检查通过，用到 6 个指标，来自 2 个文件，有 1 条警告\n");
    // build --all: a progress line per period when stderr is not a terminal.
    let out = run(None, root, &["verify", "--all"]);
    assert!(stderr(&out).contains("核对 2023H1：完成\n"), "{}", stderr(&out));
    assert!(stdout(&out).contains("2023H1：没有清单（manifest.json），这一期还没有生成过"), "{}", stdout(&out));
}

#[test]
fn an_unreadable_period_folder_is_said_in_chinese() {
    use std::os::unix::fs::PermissionsExt;
    let chmod = |path: &Path, mode: u32| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    let ws = workspace("mini");
    chmod(ws.path(), 0o755);
    let root_user = String::from_utf8_lossy(&Command::new("id").arg("-u").output().unwrap().stdout).trim() == "0";
    // Root reads anything: the binary runs as nobody (setpriv, as in permissions.rs), from a
    // copy nobody may run.
    let bin = tempfile::tempdir().unwrap();
    chmod(bin.path(), 0o755);
    let zongjie = bin.path().join("zongjie");
    std::fs::copy(env!("CARGO_BIN_EXE_zongjie"), &zongjie).unwrap();
    chmod(&zongjie, 0o755);
    if root_user {
        for entry in walkdir::WalkDir::new(ws.path()) {
            std::os::unix::fs::chown(entry.unwrap().path(), Some(65534), Some(65534)).unwrap();
        }
    }
    let dir = ws.path().join("data/2024H1");
    chmod(&dir, 0o000);
    let out = loop {
        let mut command = if root_user {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&zongjie);
            c
        } else {
            Command::new(&zongjie)
        };
        // A test thread forking while the copy was open for writing keeps it busy a moment.
        match command.arg("build").current_dir(ws.path()).env_remove("ZONGJIE_LANG").output() {
            Err(e) if e.raw_os_error() == Some(26) => {}
            Ok(out) if stderr(&out).contains("Text file busy") => {}
            Ok(out) => break out,
            Err(e) => panic!("{e}"),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    chmod(&dir, 0o755);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "错误：data/2024H1：没有读取权限，无法读取；请让运行 zongjie 的用户有权读取它（在文件夹或文件的属性中加上读取权限）\n"
    );
}
