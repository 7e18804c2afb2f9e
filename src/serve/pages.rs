//! The two pages: the workspace (every period, its template and state) and a period (preview,
//! problems, figures, outputs, upload). HTML comes from minijinja templates embedded in the
//! binary (`assets/*.html`), HTML-escaped; every word on them comes from `locales/serve.yml`.

use super::{blocking, on_period, open, problems_of, Failure, ProblemView, State};
use crate::archive::{self, Finding, Manifest};
use crate::pipeline::site::{Format, Site};
use crate::pipeline::{Prepare, Report};
use crate::render::Renderer;
use crate::values::period::Period;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use minijinja::{context, Environment};
use rust_i18n::t;
use std::sync::{Arc, OnceLock};

/// The page templates, compiled once.
fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        for (name, text) in TEMPLATES {
            env.add_template(name, text).expect("the page templates parse");
        }
        // Every word of the pages, in the language of the messages.
        env.add_function("t", |key: String| crate::i18n::text(&format!("serve.ui.{key}"), &[]));
        env
    })
}

/// The embedded page templates, by name (`.html`: values are HTML-escaped).
pub const TEMPLATES: [(&str, &str); 3] = [
    ("base.html", include_str!("assets/base.html")),
    ("workspace.html", include_str!("assets/workspace.html")),
    ("period.html", include_str!("assets/period.html")),
];

fn html(name: &str, ctx: minijinja::Value) -> Result<Response, Failure> {
    let text = environment().get_template(name).and_then(|t| t.render(ctx)).map_err(|e| {
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, t!("serve.page_failed", detail = e.to_string()))
    })?;
    let mut response = (StatusCode::OK, text).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Where a period's report stands, as `verify` would say it without rendering again: the
/// manifest's inputs against today's, and its outputs against the files.
#[derive(Debug, Clone, serde::Serialize)]
struct Status {
    /// `ready`, `problems`, `built`, `changed`, `altered`: the page's colour.
    key: &'static str,
    /// 可以生成, 3 个问题, 已生成, 输入已改变, 输出被改动.
    text: String,
}

fn status(site: &Site, prepared: &Result<Report, crate::error::Error>, renderers: &[&dyn Renderer]) -> Status {
    let report = match prepared {
        Ok(report) => report,
        Err(e) => {
            let count = problems_of(e).len();
            return Status { key: "problems", text: t!("serve.ui.state_problems", count = count).into_owned() };
        }
    };
    let dir = site.workspace.root.join("output").join(report.period.to_string());
    let shown = format!("output/{}", report.period);
    if let Err(e) = archive::readable_folder(&site.workspace.root, &dir, &shown) {
        return Status { key: "altered", text: e.to_string() };
    }
    let manifest = match Manifest::read(&dir, &shown) {
        Ok(Some(m)) => m,
        Ok(None) => return Status { key: "ready", text: t!("serve.ui.state_ready").into_owned() },
        Err(e) => return Status { key: "altered", text: e.to_string() },
    };
    let inputs = site.input_hashes(report, renderers);
    let findings = archive::compare(&dir, &manifest, &inputs, &[]);
    if findings.iter().any(|f| matches!(f, Finding::InputsChanged(_))) {
        Status { key: "changed", text: t!("serve.ui.state_changed").into_owned() }
    } else if findings.is_empty() {
        Status { key: "built", text: t!("serve.ui.state_built").into_owned() }
    } else {
        Status { key: "altered", text: t!("serve.ui.state_altered").into_owned() }
    }
}

/// `GET /`: every period of data/, newest first, with its template and state.
pub(super) async fn workspace(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
) -> Result<Response, Failure> {
    blocking(move || {
        let site = open(&state)?;
        let ws = &site.workspace;
        let renderers = site.renderers(&Format::ALL)?;
        #[derive(serde::Serialize)]
        struct Row {
            period: String,
            name: String,
            template: String,
            status: Status,
        }
        let rows: Vec<Row> = ws
            .all_periods()
            .into_iter()
            .rev()
            .map(|p| {
                let template = ws.template_for(p).map(|(t, _, _)| t.name).unwrap_or_default();
                let prepared = site.prepare(p);
                Row {
                    period: p.to_string(),
                    name: format!("{}年{}", p.year, p.part_name()),
                    template,
                    status: status(&site, &prepared, &renderers),
                }
            })
            .collect();
        html("workspace.html", context! { rows, stamp => super::files::workspace_stamp(&ws.root) })
    })
    .await
}

/// A period's preview: the document as HTML and the details of each marked figure (JSON).
#[derive(Debug)]
pub(super) struct Preview {
    html: String,
    marks: String,
}

/// Builds the preview of a prepared report.
fn preview(report: &Report) -> Preview {
    #[derive(serde::Serialize)]
    struct Detail {
        #[serde(flatten)]
        row: crate::pipeline::review::FigureRow,
        label: Option<String>,
        /// The other figures a value was made from (`占比(合计)`).
        with: Vec<String>,
    }
    let (document, marks) = match &report.marked {
        Some(marked) => (&marked.document, marked.figures.as_slice()),
        None => (&report.document, &[][..]),
    };
    let names: Vec<String> =
        marks.iter().map(|m| m.first().map(|f| f.figure.name.clone()).unwrap_or_default()).collect();
    let details: Vec<Option<Detail>> = marks
        .iter()
        .map(|m| {
            let first = m.first()?;
            Some(Detail {
                row: crate::pipeline::review::row(&first.figure, first.last_year.as_deref()),
                label: report.catalog.figures.get(&first.figure.name).and_then(|d| d.decl.label.clone()),
                with: m.iter().skip(1).map(|f| f.figure.name.clone()).collect(),
            })
        })
        .collect();
    // Inside <script>: no "<" that could close it.
    let marks = serde_json::to_string(&details).unwrap_or_else(|_| "[]".into()).replace('<', "\\u003c");
    Preview { html: crate::render::html::to_html(document, &names), marks }
}

/// `GET /p/{period}`: the preview (or the last one that passed, while the data has problems),
/// the problems as `check` lists them, the warnings, the figures, the outputs, the upload.
pub(super) async fn period(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response, Failure> {
    let Path(period) = path.map_err(super::bad_path)?;
    on_period(Arc::clone(&state), period, move |site, period| {
        let ws = &site.workspace;
        let renderers = site.renderers(&Format::ALL)?;
        let prepared = site.prepare_with(period, Prepare { marked: true, ..Prepare::default() });
        let status = status(&site, &prepared, &renderers);
        let template = ws.template_for(period).map(|(t, _, _)| t.name).unwrap_or_default();
        let (problems, warnings, figures, shown, stale) = match &prepared {
            Ok(report) => {
                let shown = Arc::new(preview(report));
                state.previews.lock().map(|mut p| p.insert(period, shown.clone())).ok();
                let warnings: Vec<ProblemView> = report.warnings.iter().map(ProblemView::from).collect();
                (Vec::new(), warnings, crate::pipeline::review::rows(&report.figures, &report.used), Some(shown), false)
            }
            Err(e) => {
                let last = state.previews.lock().ok().and_then(|p| p.get(&period).cloned());
                (problems_of(e), Vec::new(), Vec::new(), last, true)
            }
        };
        let dir = ws.root.join("output").join(period.to_string());
        let out_shown = format!("output/{period}");
        let outputs: Vec<minijinja::Value> = archive::readable_folder(&ws.root, &dir, &out_shown)
            .and_then(|()| Manifest::read(&dir, &out_shown))
            .ok()
            .flatten()
            .map(|m| m.outputs.into_keys().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|name| {
                let href = format!("/p/{period}/files/{}", super::files::percent_encode(&name));
                context! { name, href }
            })
            .collect();
        let (preview_html, marks) = match &shown {
            Some(p) => (Some(p.html.clone()), p.marks.clone()),
            None => (None, "[]".to_string()),
        };
        html(
            "period.html",
            context! {
                period => period.to_string(),
                name => format!("{}年{}", period.year, period.part_name()),
                next => Period { year: period.year + 1, span: period.span }.to_string(),
                template,
                status,
                preview => preview_html.map(minijinja::Value::from_safe_string),
                marks => minijinja::Value::from_safe_string(marks),
                stale,
                problems,
                warnings,
                figures,
                outputs,
                words => minijinja::Value::from_safe_string(words()),
                stamp => super::files::workspace_stamp(&ws.root),
            },
        )
    })
    .await
}

/// The words the page's script shows, by name (`serve.ui.tip_<name>`).
const SCRIPT_WORDS: [&str; 7] = ["label", "value", "source", "last_year", "change", "with", "request_failed"];

/// The words the page's script shows (figure details, a failed request), as JSON.
fn words() -> String {
    let words: std::collections::BTreeMap<&str, String> =
        SCRIPT_WORDS.into_iter().map(|k| (k, crate::i18n::text(&format!("serve.ui.tip_{k}"), &[]))).collect();
    serde_json::to_string(&words).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_of_the_pages_is_in_both_languages() {
        for (name, text) in TEMPLATES {
            for rest in text.split("t(\"").skip(1) {
                let key = format!("serve.ui.{}", rest.split('"').next().unwrap_or(""));
                for locale in ["zh-CN", "en"] {
                    assert!(crate::_rust_i18n_try_translate(locale, &key).is_some(), "{name}: {key} in {locale}");
                }
            }
        }
        // And the words of the script (the language is process-wide: not switched here).
        for word in SCRIPT_WORDS {
            for locale in ["zh-CN", "en"] {
                let key = format!("serve.ui.tip_{word}");
                assert!(crate::_rust_i18n_try_translate(locale, &key).is_some(), "{key} in {locale}");
            }
        }
    }
}
