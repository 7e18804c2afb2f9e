//! Import stage 5: the template, the catalog and the period's data as text, and writing them into
//! the workspace: each folder is written whole under a hidden name and renamed into place, and
//! nothing that exists is overwritten.

use super::{NewFigure, NewTable, Piece, Templated, TemplatedBlock};
use crate::error::{Error, Problem, Result, Source};
use crate::model::{FigureDecl, Kind};
use crate::render::document::SIGNATURE_FENCE;
use crate::template::escape_markdown;
use crate::values::period::Period;
use crate::workspace::{CATALOG_FILE, CONFIG_FILE, TEMPLATE_FILE};
use rust_i18n::t;
use std::path::Path;

/// The data file's name in the new period folder.
pub const DATA_FILE: &str = "数据.yaml";

/// The three files' texts.
#[derive(Debug, Clone)]
pub struct Files {
    /// report.md.j2
    pub template: String,
    /// catalog.yaml
    pub catalog: String,
    /// data/P/数据.yaml
    pub data: String,
    /// data/P/<table>.csv, by file name.
    pub tables: Vec<(String, String)>,
}

impl Files {
    /// Writes the texts of the template, the catalog and the data.
    pub fn new(period: Period, title: &str, figures: &[NewFigure], tables: &[NewTable], doc: &Templated) -> Files {
        Files {
            template: template(doc),
            catalog: catalog(period, title, figures, tables),
            data: data(period, title, figures),
            tables: tables.iter().map(|t| (format!("{}.csv", t.name), t.csv.clone())).collect(),
        }
    }
}

/// Text of the template: the Markdown `build` writes, with each figure an expression.
pub fn template(doc: &Templated) -> String {
    let mut out = String::from(
        "{#- 由 zongjie import 从一份报告生成。标题层级：## 一、  ### （一）  #### 1.  ##### （1）；以“。”结尾的\n    （一）级标题与后面的段落排成一段。报告中的每个数字都来自数据（见 catalog.yaml）。 -#}\n",
    );
    out.push_str(&format!("# {}\n", pieces(&doc.title)));
    for block in &doc.blocks {
        out.push('\n');
        match block {
            TemplatedBlock::Heading(level, text) => out.push_str(&format!("{} {}\n", level.markdown(), pieces(text))),
            TemplatedBlock::Paragraph(lead, text) => {
                if let Some((level, lead)) = lead {
                    out.push_str(&format!("{} {}\n\n", level.markdown(), pieces(lead)));
                }
                out.push_str(&block_start(text));
                out.push('\n');
            }
            TemplatedBlock::Table(header, rows) => {
                let row = |cells: &[Vec<Piece>]| {
                    format!("| {} |\n", cells.iter().map(|c| pieces(c)).collect::<Vec<_>>().join(" | "))
                };
                out.push_str(&row(header));
                let rule: Vec<&str> = (0..header.len()).map(|c| if c == 0 { ":---" } else { "---:" }).collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                for r in rows {
                    out.push_str(&row(r));
                }
            }
            TemplatedBlock::Raw(text) => {
                out.push_str(text);
                if !text.ends_with('\n') {
                    out.push('\n');
                }
            }
            TemplatedBlock::Township { header, name, keys, label, total } => {
                let cells = |h: &[String]| h.iter().map(|c| escape_markdown(c)).collect::<Vec<_>>().join(" | ");
                out.push_str(&format!("| {} |\n", cells(header)));
                let rule: Vec<&str> = (0..header.len()).map(|c| if c == 0 { ":---" } else { "---:" }).collect();
                out.push_str(&format!("| {} |\n", rule.join(" | ")));
                out.push_str(&format!("{{% for 行 in 表格.{name}.rows %}}\n"));
                let row: Vec<String> =
                    std::iter::once(label).chain(keys).map(|k| format!("{{{{ 行[{}] }}}}", json_string(k))).collect();
                out.push_str(&format!("| {} |\n{{% endfor %}}\n", row.join(" | ")));
                let sums: Vec<String> =
                    keys.iter().map(|k| format!("{{{{ 表格.{name}.合计[{}] }}}}", json_string(k))).collect();
                out.push_str(&format!("| {} | {} |\n", escape_markdown(total), sums.join(" | ")));
            }
            TemplatedBlock::Signature(lines) => {
                out.push_str(SIGNATURE_FENCE);
                out.push('\n');
                out.push_str(&lines.iter().map(|l| block_start(l)).collect::<Vec<_>>().join("\n\n"));
                out.push_str("\n:::\n");
            }
        }
    }
    out
}

/// A paragraph in template form, kept from reading as a list, a rule or a fence: `1.`, `1)`,
/// `-`, `+`, `=` and `~` at its start (after a figure or as text) get a backslash, which
/// Markdown drops.
fn block_start(text: &[Piece]) -> String {
    let mut text = text.to_vec();
    let list_mark = |t: &str| {
        let rest = t.trim_start_matches(|c: char| c.is_ascii_digit());
        let numbered = rest.len() < t.len() || !matches!(text.first(), Some(Piece::Text(_)));
        // A backslash before punctuation is always dropped, so escaping more than needed is safe.
        if numbered && (rest.starts_with('.') || rest.starts_with(')')) {
            Some(t.len() - rest.len())
        } else if t.starts_with(['-', '+', '=', '~']) {
            Some(0)
        } else {
            None
        }
    };
    let at = match text.as_slice() {
        [Piece::Text(t), ..] => list_mark(t).map(|i| (0, i)),
        [Piece::Figure(..), Piece::Text(t), ..] => list_mark(t).map(|i| (1, i)),
        _ => None,
    };
    let mut out = String::new();
    if let Some((piece, i)) = at {
        if let Piece::Text(t) = text[piece].clone() {
            let (head, tail) = t.split_at(i);
            out = format!("{}{}\\", pieces(&text[..piece]), pieces(&[Piece::Text(head.to_string())]));
            text = std::iter::once(Piece::Text(tail.to_string())).chain(text[piece + 1..].iter().cloned()).collect();
        }
    }
    out.push_str(&pieces(&text));
    out
}

/// A text in template form: literal text escaped for Markdown and minijinja, figures as
/// expressions.
fn pieces(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                let escaped = escape_markdown(text);
                // `{{`, `{%` and `{#` in the report's text are minijinja's: write the brace as a value.
                let mut chars = escaped.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '{' && matches!(chars.peek(), Some('{' | '%' | '#')) {
                        out.push_str("{{ \"{\" }}");
                    } else {
                        out.push(c);
                    }
                }
            }
            Piece::Figure(name, None) => out.push_str(&format!("{{{{ {name} }}}}")),
            Piece::Figure(name, Some(filter)) => out.push_str(&format!("{{{{ {name} | {filter} }}}}")),
        }
    }
    out
}

/// A string as a minijinja (and JSON) string literal.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// A string as a double-quoted YAML scalar.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One catalog line: `name: {kind: count, unit: 户, label: "…"}`.
pub fn decl_line(name: &str, d: &FigureDecl) -> String {
    let mut fields = vec![format!("kind: {}", d.kind.as_str())];
    if let Some(u) = &d.unit {
        fields.push(format!("unit: {u}"));
    }
    if let Some(dp) = d.decimals {
        fields.push(format!("decimals: {dp}"));
    }
    if d.fixed {
        fields.push("fixed: true".into());
    }
    if d.in_period {
        fields.push("in_period: true".into());
    }
    if let Some(l) = &d.label {
        fields.push(format!("label: {}", quoted(l)));
    }
    format!("{name}: {{{}}}", fields.join(", "))
}

fn catalog(period: Period, title: &str, figures: &[NewFigure], tables: &[NewTable]) -> String {
    let mut out = format!(
        "# {}：模板所用全部数字的目录（由 zongjie import 生成，可以改名、改说明）。\n# kind: count (整数计数) | money (金额，以元精确保存) | percent | quantity | year | month | date | text\napplies_to: [{}]\n",
        title.replace('\n', " "),
        period.span.code()
    );
    if figures.iter().any(|f| f.name == "落款.日期") {
        out.push_str("report_date: 落款.日期\n");
    }
    // A report without a single number still has a (then empty) list of figures.
    out.push_str(if figures.is_empty() { "\nfigures: {}\n" } else { "\nfigures:\n" });
    let mut part = None;
    for f in figures {
        if part != Some(&f.part) {
            if !f.part.is_empty() {
                out.push_str(&format!("\n  # {}\n", f.part));
            }
            part = Some(&f.part);
        }
        out.push_str(&format!("  {}\n", decl_line(&f.name, &f.decl)));
    }
    if !tables.is_empty() {
        out.push_str("\n# 分乡镇表：data/<期间>/ 中同名的 .csv；“合计”行须等于各行之和。\ntables:\n");
        for t in tables {
            out.push_str(&format!(
                "  {}:\n    label: {}\n    total: {}\n    columns:\n",
                t.name,
                quoted(&t.label),
                quoted(&t.total)
            ));
            for (key, header, kind, decimals) in &t.columns {
                let dp = decimals.map(|d| format!(", decimals: {d}")).unwrap_or_default();
                out.push_str(&format!("      {key}: {{header: {}, kind: {}{dp}}}\n", quoted(header), kind.as_str()));
            }
        }
    }
    out
}

/// The data: figures by group, in the order the report names them, each with its label.
pub fn data(period: Period, title: &str, figures: &[NewFigure]) -> String {
    let mut out = format!(
        "# {}（{period}）：由 zongjie import 从报告中读出的数值；# 后是目录中的说明。\n",
        title.replace('\n', " ")
    );
    if figures.is_empty() {
        out.push_str("{}\n");
    }
    let mut groups: Vec<(&str, Vec<&NewFigure>)> = Vec::new();
    for f in figures {
        let group = f.name.split_once('.').map_or(f.name.as_str(), |(g, _)| g);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) => list.push(f),
            None => groups.push((group, vec![f])),
        }
    }
    for (group, list) in groups {
        out.push_str(&format!("{group}:\n"));
        for f in list {
            let key = f.name.split_once('.').map_or(f.name.as_str(), |(_, k)| k);
            let value = match f.decl.kind {
                Kind::Text => quoted(&f.value),
                _ => f.value.clone(),
            };
            let label = f.decl.label.as_deref().unwrap_or("").replace('\n', " ");
            out.push_str(&format!("  {key}: {value}  # {label}\n"));
        }
    }
    out
}

/// Writes the files; refuses to replace a template folder or a period folder that exists.
/// Returns the files written and, when zongjie.yaml names other templates, what to add to it.
pub fn write(
    root: &Path,
    name: &str,
    period: Period,
    files: &Files,
    style: crate::values::words::DateStyle,
) -> Result<(Vec<String>, Option<String>)> {
    let template_dir = format!("templates/{name}");
    let data_dir = format!("data/{period}");
    for (dir, what) in [(&template_dir, "template"), (&data_dir, "data")] {
        if std::fs::symlink_metadata(root.join(dir)).is_ok() {
            let message = if what == "template" {
                t!("import.template_exists", dir = dir)
            } else {
                t!("import.data_exists", dir = dir, period = period)
            };
            return Err(Problem::at(Source::file(dir.as_str()), message).into());
        }
    }
    // Written only into real folders of the workspace: a link there would put the new template,
    // data or settings somewhere else (build refuses such links too).
    for rel in ["templates", "data", CONFIG_FILE] {
        if std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Problem::at(Source::file(rel), t!("import.link", path = rel)).into());
        }
    }
    let kind = period.span.code();
    // zongjie.yaml: made when missing, a `template:` added when it has none; otherwise left as
    // the office wrote it, with a note on what to add.
    let config_path = root.join(CONFIG_FILE);
    let folder = yaml_plain_or_quoted(&template_dir);
    let setting = format!("template:\n  {kind}: {folder}\n");
    let (config, note) = match std::fs::read(&config_path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let style = if style == crate::values::words::DateStyle::Chinese { "1999" } else { "2012" };
            (
                Some(format!("# zongjie 工作区设置（由 zongjie import 生成）\n{setting}# 成文日期写法：\"2012\" → 2024年7月5日；\"1999\" → 二〇二四年七月五日\ndate_style: \"{style}\"\n")),
                None,
            )
        }
        Err(e) => return Err(Error::io(CONFIG_FILE, e)),
        Ok(bytes) => {
            let text = crate::data::decode_utf8(&bytes, CONFIG_FILE)?;
            // A zongjie.yaml that does not load is the office's to mend first: nothing is written.
            let before = crate::workspace::parse_config(&text)?;
            let edited = add_kind(&text, kind, &folder).or_else(|| {
                (!text.lines().any(|l| l.starts_with("template:"))).then(|| {
                    let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
                    format!("{text}{sep}{setting}")
                })
            });
            // The edit is kept only when zongjie.yaml then loads, names the new folder for this
            // kind and every other kind's folder as before; anything else is left to the office.
            let sound = |new: &str| {
                crate::workspace::parse_config(new).is_ok_and(|after| {
                    after.template_folder(kind) == Some(template_dir.as_str())
                        && crate::values::period::Span::ALL
                            .iter()
                            .map(|s| s.code())
                            .filter(|k| *k != kind)
                            .all(|k| after.template_folder(k) == before.template_folder(k))
                })
            };
            match edited {
                _ if before.template_folder(kind) == Some(template_dir.as_str()) => (None, None),
                Some(new) if sound(&new) => (Some(new), None),
                _ if before.template_folder(kind).is_some() => {
                    (None, Some(t!("import.config_note", kind = kind, dir = folder).into_owned()))
                }
                _ => (None, Some(t!("import.config_add", kind = kind, dir = folder).into_owned())),
            }
        }
    };
    let mut written = Vec::new();
    let output =
        |name: &str, text: &str| crate::archive::Output { name: name.to_string(), bytes: text.as_bytes().to_vec() };
    let placed =
        place(root, &template_dir, &[output(TEMPLATE_FILE, &files.template), output(CATALOG_FILE, &files.catalog)])?;
    written.push(format!("{template_dir}/{TEMPLATE_FILE}"));
    written.push(format!("{template_dir}/{CATALOG_FILE}"));
    let mut data_files = vec![output(DATA_FILE, &files.data)];
    data_files.extend(files.tables.iter().map(|(name, csv)| output(name, csv)));
    if let Err(e) = place(root, &data_dir, &data_files) {
        let _ = std::fs::remove_dir_all(&placed);
        return Err(e);
    }
    written.push(format!("{data_dir}/{DATA_FILE}"));
    written.extend(files.tables.iter().map(|(name, _)| format!("{data_dir}/{name}")));
    if let Some(config) = config {
        crate::archive::write_files(root, &[output(CONFIG_FILE, &config)])?;
        written.push(CONFIG_FILE.to_string());
    }
    Ok((written, note))
}

/// zongjie.yaml with a line for this kind of period added under a block `template:` that names
/// folders by kind of period (`H1: …`, `year: …` and now `Q2: …`). Whether the result is sound
/// (loads, and this kind was not named already) is judged by loading it, in `write`.
fn add_kind(text: &str, kind: &str, dir: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.trim_end() == "template:")?;
    let entries: Vec<&str> =
        lines[at + 1..].iter().take_while(|l| l.starts_with([' ', '\t']) || l.trim().is_empty()).copied().collect();
    let first = entries.iter().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let indent = &first[..first.len() - first.trim_start().len()];
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out.insert(at + 1, format!("{indent}{kind}: {dir}"));
    Some(out.join("\n") + "\n")
}

/// A folder name as a YAML value: plain when YAML reads it back as written, else double-quoted.
fn yaml_plain_or_quoted(text: &str) -> String {
    let plain = !text.is_empty()
        && text.trim() == text
        && !text.starts_with(['-', '?', '!', '&', '*', '%', '@', '`', '\'', '"', '{', '[', '|', '>'])
        && !text.contains([':', '#', ',', '{', '}', '[', ']', '\\']);
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// Writes a folder's files into a hidden folder beside it, then renames it into place.
fn place(root: &Path, rel: &str, files: &[crate::archive::Output]) -> Result<std::path::PathBuf> {
    let target = root.join(rel);
    let parent = target.parent().unwrap_or(root).to_path_buf();
    let leaf = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = parent.join(format!(".{leaf}.zongjie-{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let result = crate::archive::write_files(&staging, files)
        .and_then(|_| std::fs::rename(&staging, &target).map_err(|e| Error::io(rel, e)));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| target)
}
