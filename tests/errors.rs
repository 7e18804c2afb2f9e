//! Bad input through the real binary: each case exits 1 with a message naming the file, the line
//! and the figure, and leaves the earlier output exactly as it was.

mod common;
use common::*;
use std::path::Path;

const DATA: &str = "data/2024H1/救助.yaml";

/// Builds the mini workspace once (the earlier output), applies `edit` to the file `file`, builds
/// again and returns stderr after checking exit 1 and that the output is untouched.
fn build_after(file: &str, edit: impl Fn(&str) -> String) -> String {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let before = snapshot(&ws.path().join("output"));
    assert_eq!(before.len(), 3, "the earlier .md, .pdf and manifest.json");
    let path = ws.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = edit(&text);
    assert_ne!(changed, text, "the edit must change the file");
    std::fs::write(&path, changed).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing is reported as written");
    assert_eq!(snapshot(&ws.path().join("output")), before, "the earlier output must stay intact");
    // check finds the same problems and writes nothing either
    let check = zongjie(ws.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1));
    stderr(&out)
}

fn replace(from: &'static str, to: &'static str) -> impl Fn(&str) -> String {
    move |t: &str| t.replace(from, to)
}

#[test]
fn malformed_yaml_names_file_and_line() {
    assert_eq!(
        build_after(DATA, replace("  人数: 210", "  人数: [210")),
        "error: data/2024H1/救助.yaml:7: '[' is opened here but never closed; close it with ']' or remove it\n"
    );
}

#[test]
fn a_word_where_a_count_belongs() {
    assert_eq!(
        build_after(DATA, replace("户数: 120", "户数: 很多")),
        "error: data/2024H1/救助.yaml:6: 低保.户数: '很多' is not a number; expected a whole number of 户\n"
    );
}

#[test]
fn a_negative_count() {
    assert_eq!(
        build_after(DATA, replace("户数: 120", "户数: -120")),
        "error: data/2024H1/救助.yaml:6: 低保.户数: '-120' is negative; a count cannot be below 0\n"
    );
}

#[test]
fn fewer_persons_than_households() {
    assert_eq!(
        build_after(DATA, replace("人数: 210", "人数: 100")),
        "error: data/2024H1/救助.yaml:6: 低保.户数: 120户 must not exceed 低保.人数, 100人 (data/2024H1/救助.yaml:7); rule '低保.户数 <= 低保.人数' (tmpl/catalog.yaml:10)\n"
    );
}

#[test]
fn a_figure_the_template_uses_that_the_data_lacks() {
    assert_eq!(
        build_after(DATA, replace("  人数: 210\n", "")),
        "error: tmpl/report.md.j2:7: 低保.人数: the template uses this figure but no file in data/2024H1 gives it (declared at tmpl/catalog.yaml:5)\n"
    );
}

#[test]
fn a_misspelt_key_is_not_dropped_silently() {
    assert_eq!(
        build_after(DATA, replace("户数: 120", "户树: 120")),
        "error: data/2024H1/救助.yaml:6: 低保.户树: is not a figure of the catalog (tmpl/catalog.yaml); did you mean 低保.户数?\n\
         error: tmpl/report.md.j2:7: 低保.户数: the template uses this figure but no file in data/2024H1 gives it (declared at tmpl/catalog.yaml:4)\n"
    );
}

#[test]
fn a_name_the_catalog_does_not_declare() {
    assert_eq!(
        build_after("tmpl/report.md.j2", replace("{{ 低保.户数 }}户", "{{ 低保.总户数 }}户")),
        "error: tmpl/report.md.j2:7: 低保.总户数: the template uses this name, but the catalog (tmpl/catalog.yaml) does not declare it\n"
    );
}

#[test]
fn a_duplicate_key() {
    assert_eq!(
        build_after(DATA, replace("  人数: 210\n", "  人数: 210\n  人数: 211\n")),
        "error: data/2024H1/救助.yaml:8: 人数 is given twice in the same mapping; keep one\n"
    );
}

#[test]
fn money_without_a_unit() {
    assert_eq!(
        build_after(DATA, replace("45678901.23元", "45678901.23")),
        "error: data/2024H1/救助.yaml:8: 低保.金额: '45678901.23' has no unit; write it in 元 or 万元 (for example 45678901.23元 or 45678901.23万元)\n"
    );
}

#[test]
fn decimals_in_a_count() {
    assert_eq!(
        build_after(DATA, replace("户数: 120", "户数: 120.5")),
        "error: data/2024H1/救助.yaml:6: 低保.户数: '120.5' is not a whole number; a count of 户 is whole\n"
    );
}

#[test]
fn an_empty_data_file() {
    assert_eq!(build_after(DATA, |_| "\n".to_string()), "error: data/2024H1/救助.yaml: the file is empty\n");
}

#[test]
fn a_gbk_file_is_refused_not_misread() {
    // "户数" saved as GBK is not UTF-8.
    let ws = workspace("mini");
    let mut bytes = std::fs::read(ws.path().join(DATA)).unwrap();
    bytes.extend_from_slice(b"# \xbb\xa7\xca\xfd\n");
    std::fs::write(ws.path().join(DATA), bytes).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:11: the file is not UTF-8 (perhaps GBK from an old Excel or Notepad); save it as UTF-8\n"
    );
}

#[test]
fn a_template_that_loops_forever_is_stopped() {
    assert_eq!(
        build_after("tmpl/report.md.j2", |t| format!(
            "{t}{{% for i in range(100000) %}}{{% for j in range(100000) %}}{{% endfor %}}{{% endfor %}}\n"
        )),
        "error: tmpl/report.md.j2:14: the template does too much work (an endless loop?) and was stopped\n"
    );
}

#[test]
fn check_lists_every_problem_at_once() {
    let ws = workspace("mini");
    let path = ws.path().join(DATA);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("户数: 120", "户数: -1")
        .replace("61.25%", "六十%")
        .replace("2024-07-05", "2024-13-05");
    std::fs::write(&path, text).unwrap();
    let out = zongjie(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024H1/救助.yaml:4: 落款.日期: '2024-13-05' is not a date; write 2024-07-05 or 2024年7月5日\n\
         error: data/2024H1/救助.yaml:6: 低保.户数: '-1' is negative; a count cannot be below 0\n\
         error: data/2024H1/救助.yaml:10: 特困.集中供养率: '六十%' is not a number; expected a percentage such as 85.5%\n\
         2024H1: failed\n"
    );
    assert!(!ws.path().join("output").exists(), "check writes nothing");
}

#[test]
fn an_unwritable_output_folder_is_an_error_and_leaves_old_files() {
    let ws = workspace("mini");
    let blocker = ws.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let out = zongjie(ws.path(), &["build", "--out", blocker.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(&format!("error: {}", Path::new(&blocker).join("2024H1").display())),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&blocker).unwrap(), b"x");
}

#[test]
fn usage_errors_exit_2_and_unknown_periods_exit_1() {
    let ws = workspace("mini");
    let out = zongjie(ws.path(), &["build", "2024H3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("'2024H3' is not a period: write 2024H1, 2024H2, 2024Q3, 2024, 2024-H1 or 2024年上半年")
    );
    let out = zongjie(ws.path(), &["build", "2023H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "error: data/2023H1: there is no data for 2023H1; periods with data: 2024H1\n");
    let out = zongjie(ws.path(), &["build", "--root", "no-such-folder"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: data: no data folder in no-such-folder"), "{}", stderr(&out));
}

#[test]
fn a_second_half_year_without_a_template_for_it_is_refused() {
    // The sample names templates for H1 and year periods only.
    let ws = sample_workspace();
    std::fs::rename(ws.path().join("data/2024H1"), ws.path().join("data/2024H2")).unwrap();
    let out = zongjie(ws.path(), &["build", "2024H2"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: zongjie.yaml:4: template: names a folder for H1, year periods but none for H2 periods, such as 2024H2; add a line 'H2: templates/…' under template:\n"
    );
    // One folder for every period: the H1 template says it is not written for H2.
    std::fs::write(ws.path().join("zongjie.yaml"), "template: templates/civil-affairs-h1\n").unwrap();
    let out = zongjie(ws.path(), &["build", "2024H2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).ends_with("error: templates/civil-affairs-h1/catalog.yaml:4: this template is written for H1 periods, not 2024H2; give the period its own report.md.j2 and catalog.yaml in its data folder\n"),
        "{}",
        stderr(&out)
    );
    // No setting: no bundled civil-affairs template is written for H2.
    std::fs::remove_file(ws.path().join("zongjie.yaml")).unwrap();
    let out = zongjie(ws.path(), &["build", "2024H2"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no bundled civil-affairs template is written for H2 periods such as 2024H2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_sample_builds_three_half_years_and_three_years_each_with_its_own_template() {
    let ws = sample_workspace_all();
    let out = zongjie(ws.path(), &["build", "--all", "--format", "md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for period in ["2022H1", "2023H1", "2024H1"] {
        assert!(
            markdown(ws.path(), period)
                .starts_with(&format!("# 梧桐县民政局{}年上半年工作总结和下半年工作安排\n", &period[..4])),
            "{period}"
        );
    }
    for (period, next) in [("2022", "2023"), ("2023", "2024"), ("2024", "2025")] {
        let md = markdown(ws.path(), period);
        assert!(md.starts_with(&format!("# 梧桐县民政局{period}年工作总结和{next}年工作计划\n")), "{period}: {md}");
    }
}

#[test]
fn a_comparison_without_last_years_data_names_the_template_line() {
    assert_eq!(
        build_after("tmpl/report.md.j2", replace("{{ 低保.人数 }}人，", "{{ 低保.人数 }}人（{{ 低保.人数 | 同比 }}），")),
        "error: tmpl/report.md.j2:7: 低保.人数: there is no data/2023H1 to compare with; add that data, or give the text to print instead, e.g. | 同比(\"（上年无可比数据）\")\n"
    );
}

#[test]
fn a_template_may_state_its_fallback_for_a_missing_comparison() {
    let ws = workspace("mini");
    let t = ws.path().join("tmpl/report.md.j2");
    std::fs::write(
        &t,
        std::fs::read_to_string(&t)
            .unwrap()
            .replace("{{ 低保.人数 }}人，", "{{ 低保.人数 }}人（{{ 低保.人数 | 同比(\"上年无可比数据\") }}），"),
    )
    .unwrap();
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
    assert!(markdown(ws.path(), "2024H1").contains("全县低保120户210人（上年无可比数据），"));
}

#[test]
fn a_years_cumulative_figure_below_its_first_half_is_refused() {
    let ws = sample_workspace_all();
    let data = ws.path().join("data/2024H1/社会救助.yaml");
    std::fs::write(&data, std::fs::read_to_string(&data).unwrap().replace("人次: 1389", "人次: 99999")).unwrap();
    let out = zongjie(ws.path(), &["check", "2024"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: data/2024/社会救助.yaml:18: 临时救助.人次 (本年临时救助人次): 2805人次 must be at least 临时救助.人次@H1, 99999人次 (data/2024H1/社会救助.yaml:8); rule '临时救助.人次 >= 临时救助.人次@H1' (templates/civil-affairs-annual/catalog.yaml:229)\n2024: failed\n"
    );
    // Without the first half's data the rule is not checked.
    std::fs::remove_dir_all(ws.path().join("data/2024H1")).unwrap();
    assert!(zongjie(ws.path(), &["check", "2024"]).status.success());
}

#[test]
fn applies_to_takes_the_kinds_of_period_and_lists_them() {
    let ws = workspace("mini");
    let catalog = ws.path().join("tmpl/catalog.yaml");
    std::fs::write(&catalog, format!("applies_to: [annual]\n{}", std::fs::read_to_string(&catalog).unwrap())).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: tmpl/catalog.yaml:1: applies_to: 'annual' is not a kind of period; write H1, H2, Q1, Q2, Q3, Q4, year\n"
    );
}
