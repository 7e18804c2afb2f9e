//! A template is bounded in work, output, nesting and expression length: each limit stops the
//! build with its own message at the template line, never a hang, a crash or memory exhaustion.

mod common;
use common::*;

/// Builds the mini workspace after putting `line` at the top of its template; returns the exit
/// code and stderr, having checked that a failed build left the earlier outputs as they were.
fn build_with(line: &str) -> (Option<i32>, String) {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let before = snapshot(&ws.path().join("output"));
    let template = ws.path().join("tmpl/report.md.j2");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(&template, format!("{line}\n{text}")).unwrap();
    let out = zongjie(ws.path(), &["build"]);
    if !out.status.success() {
        assert!(snapshot(&ws.path().join("output")) == before, "earlier outputs untouched");
    }
    (out.status.code(), stderr(&out))
}

#[test]
fn a_template_that_writes_without_end_is_stopped_at_10_mb() {
    assert_eq!(
        build_with(r#"{% for i in range(1000) %}{{ "很长的文字"*200000 }}{% endfor %}"#),
        (
            Some(1),
            "error: tmpl/report.md.j2:1: the template writes more than 10 MB of text (a loop that repeats too much?) and was stopped; a report is far shorter\n".into()
        )
    );
}

#[test]
fn a_template_that_works_without_end_runs_out_of_fuel() {
    assert_eq!(
        build_with("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
        (
            Some(1),
            "error: tmpl/report.md.j2:1: the template does too much work (an endless loop?) and was stopped\n".into()
        )
    );
}

#[test]
fn nesting_too_deep_is_not_a_template_calling_itself() {
    let deep = "{% if true %}".repeat(5000) + &"{% endif %}".repeat(5000);
    assert_eq!(
        build_with(&deep),
        (
            Some(1),
            "error: tmpl/report.md.j2:1: the template nests {% if %}, {% for %} or brackets too deeply to be read; flatten it\n"
                .into()
        )
    );
    assert_eq!(
        build_with("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}"),
        (
            Some(1),
            "error: tmpl/report.md.j2:1: the template calls itself without end (a macro that calls itself?) and was stopped\n"
                .into()
        )
    );
}

#[test]
fn a_chain_longer_than_the_engine_can_take_is_refused_before_it_is_read() {
    // 100,000 chained operators overflowed minijinja's stack (a crash); strings do not count.
    for chain in
        ["{{ 单位".to_string() + &".名称".repeat(100_000) + " }}", "{{ 1".to_string() + &"|abs".repeat(100_000) + " }}"]
    {
        assert_eq!(
            build_with(&chain),
            (
                Some(1),
                "error: tmpl/report.md.j2:1: this tag chains more than 1000 operations (. | + [ and the like), more than the template engine can take in one expression; split it into several {% set %} steps\n"
                    .into()
            )
        );
    }
    // Dots in a comment or a string are not operators: this template builds as before.
    let quiet = "{# ".to_string() + &"a.b|c".repeat(10_000) + " #}{% set x = \"" + &"a.b".repeat(10_000) + "\" %}";
    assert_eq!(build_with(&quiet), (Some(0), String::new()));
}

#[test]
fn a_template_that_doubles_a_text_in_memory_is_stopped_before_it_takes_the_machine() {
    // Thirty doublings of a megabyte would be a terabyte; neither fuel nor the output cap sees it.
    let doubling = r#"{% set ns = namespace(s="x"*1000000) %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"#;
    assert_eq!(
        build_with(doubling),
        (
            Some(1),
            "error: tmpl/report.md.j2: the template builds more than 256 MB of text in memory (a text joined to itself again and again?) and was stopped\n".into()
        )
    );
}

#[test]
fn a_period_past_the_memory_budget_fails_alone_while_build_all_builds_the_others() {
    // The budget stops the rendering thread, not the process: the other period is built.
    let ws = one_period_past_the_memory_budget();
    let out = zongjie(ws.path(), &["build", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: tmpl/report.md.j2: the template builds more than 256 MB of text in memory (a text joined to itself again and again?) and was stopped\n"),
        "{err}"
    );
    assert!(markdown(ws.path(), "2023H1").contains("测试县民政局"));
    assert!(!ws.path().join("output/2024H1").exists());
}
