//! Starting work: `init` makes a workspace for a bureau, `new` starts a period from the one
//! before it with every value emptied, so that `check` lists what is still to be filled in.

use crate::error::{Error, Problem, Result, Source};
use crate::model::TableDecl;
use crate::model::{Catalog, Kind};
use crate::values::period::Period;
use crate::workspace::{bundled, Workspace, CATALOG_FILE, CONFIG_FILE, TEMPLATE_FILE};
use crate::yaml::Node;
use rust_i18n::t;
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

/// The README written into a new workspace, for the office.
const OFFICE_README: &str = "# 工作总结工作区\n\n\
本文件夹由 `zongjie init` 生成。\n\n\
1. 在 `data/<期间>/` 中填写数据：YAML 文件中每个空着的值、CSV 表中每个空着的单元格都要填上；金额写明“元”或“万元”。\n\
2. 运行 `zongjie check`：一次列出所有尚未填写或填写有误的地方（文件、行号、指标）。\n\
3. 运行 `zongjie build`：在 `output/<期间>/` 生成 Markdown、PDF（公文格式）与 manifest.json；加 `--format md,pdf,docx` 同时生成 Word 文档，再加 `,ofd` 生成 OFD 版式文档（GB/T 33190）。\n\
4. 运行 `zongjie figures`：逐项核对报告中的每个数字及其来源和同比。\n\
5. 下一期开始时运行 `zongjie new 2025H2`：复制上一期的数据文件并清空所有数值。\n\n\
模板在 `templates/civil-affairs-h1/`（report.md.j2 与 catalog.yaml），可以按本单位的措辞修改；某一期需要不同措辞时，把模板复制到该期的数据文件夹中。\n";

/// Makes a new workspace in `dir` with a bundled template and an empty first period.
pub fn init(dir: &Path, period: Period, template: bundled::Bundled) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).exists() || dir.join("data").exists() {
        return Err(Problem::at(Source::file(dir.display().to_string()), t!("init.already_a_workspace")).into());
    }
    let catalog =
        Catalog::parse(template.catalog, &format!("{}/{CATALOG_FILE}", template.dir())).map_err(Error::Input)?;
    if let Some(problem) = catalog.check_period(period) {
        return Err(problem.into());
    }
    let template_dir = format!("templates/{}", template.name);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            CONFIG_FILE.into(),
            format!("# zongjie 工作区设置\ntemplate: {template_dir}\n# 成文日期写法：\"2012\" → 2024年7月5日；\"1999\" → 二〇二四年七月五日\ndate_style: \"2012\"\n# 新的一期（zongjie new）用填报表（Excel）填写数据；写 yaml 则复制上一期的数据文件\ndata_form: xlsx\n").into_bytes(),
        ),
        ("README.md".into(), OFFICE_README.replace("templates/civil-affairs-h1/", &format!("{template_dir}/")).into_bytes()),
        (format!("{template_dir}/{TEMPLATE_FILE}"), template.template.as_bytes().to_vec()),
        (format!("{template_dir}/{CATALOG_FILE}"), template.catalog.as_bytes().to_vec()),
        ("templates/reference.docx".into(), crate::render::docx::reference_docx(&Default::default())?),
        ("output/.gitkeep".into(), Vec::new()),
    ];
    let data_dir = format!("data/{period}");
    files.push((format!("{data_dir}/数据.yaml"), empty_yaml(&catalog, template.template).into_bytes()));
    for (name, table) in &catalog.tables {
        files.push((format!("{data_dir}/{name}.csv"), empty_csv(table, &[]).into_bytes()));
    }
    write_all(dir, &files)
}

/// The default first period for a template, from today's date (the one place that reads the
/// clock): the current year for an annual template, the most recent first half year for a
/// half-year one (this year's from June, when its report is written), else the current half.
pub fn default_period(template: &bundled::Bundled, today: chrono::NaiveDate) -> Period {
    use crate::values::period::Span;
    use chrono::Datelike;
    let catalog = Catalog::parse(template.catalog, "catalog.yaml").ok();
    let kinds: Vec<Span> = catalog.map(|c| c.applies_to.into_iter().map(|(k, _)| k).collect()).unwrap_or_default();
    let year = today.year();
    if kinds.contains(&Span::Year) {
        return Period { year, span: Span::Year };
    }
    if kinds.contains(&Span::Half(1)) {
        return Period { year: if today.month() >= 6 { year } else { year - 1 }, span: Span::Half(1) };
    }
    Period { year, span: Span::Half(if today.month() <= 6 { 1 } else { 2 }) }
}

/// A YAML file with every figure the catalog declares, each empty, in the order the report
/// first uses them, with its kind, unit and label as a comment; figures a township sheet gives
/// and figures computed by a formula are left out.
fn empty_yaml(catalog: &Catalog, template: &str) -> String {
    let mut out =
        String::from("# 每个值都要填写。计数写整数；金额写明“元”或“万元”；百分比写成 85.5%；日期写成 2024-07-05。\n");
    // Where the report first uses each figure (unused ones last, in catalog order).
    // The {% set %} statements before the title are no place in the report: a figure they use
    // comes where the report first names it, or after the others.
    let body = template.find("\n# ").map_or(0, |at| at + 1);
    let first_use = |name: &str| {
        template[body..].find(name).map(|at| at + body).or_else(|| template.find(name).map(|at| template.len() + at))
    };
    let first_use = |name: &str| first_use(name).unwrap_or(usize::MAX);
    let mut names: Vec<(&String, usize)> =
        catalog.figures.iter().filter(|(_, d)| d.decl.is_typed()).map(|(n, _)| (n, first_use(n))).collect();
    names.sort_by_key(|(_, at)| *at);
    let mut groups: Vec<(&str, Vec<(&str, String)>)> = Vec::new();
    for (name, _) in names {
        let d = &catalog.figures[name].decl;
        let (group, key) = name.split_once('.').unwrap_or(("", name));
        let unit = d.display_unit();
        let hint = match d.kind {
            Kind::Count => format!("计数（{unit}）"),
            Kind::Money => "金额（元或万元）".into(),
            Kind::Percent => "百分比".into(),
            Kind::Quantity => format!("数量（{unit}）"),
            Kind::Year => "年份".into(),
            Kind::Month => "月份".into(),
            Kind::Date => "日期".into(),
            Kind::Text => "文字".into(),
        };
        let hint = match &d.label {
            Some(label) => format!("{label}；{hint}"),
            None => hint,
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, keys)) => keys.push((key, hint)),
            None => groups.push((group, vec![(key, hint)])),
        }
    }
    for (group, keys) in groups {
        out.push_str(&format!("{group}:\n"));
        for (key, hint) in keys {
            out.push_str(&format!("  {key}:   # {hint}\n"));
        }
    }
    out
}

/// A CSV with the table's header, one row per township label given (values empty) and the total row.
fn empty_csv(table: &TableDecl, labels: &[String]) -> String {
    let mut header = vec![table.label.clone()];
    for column in table.columns.values() {
        header.push(match (&column.unit, column.kind) {
            (Some(unit), Kind::Money) => format!("{}（{unit}）", column.header),
            (None, Kind::Money) => format!("{}（元）", column.header),
            _ => column.header.clone(),
        });
    }
    let blanks = ",".repeat(table.columns.len());
    let mut out = header.join(",") + "\n";
    for label in labels {
        out.push_str(&format!("{label}{blanks}\n"));
    }
    if let Some(total) = &table.total {
        out.push_str(&format!("{}{blanks}\n", total.first()));
    }
    out
}

/// Starts `period` from the latest period before it: its data files with every value emptied
/// (sheets keep their header and township names), and its own template if it has one.
pub fn new_period(ws: &Workspace, period: Period) -> Result<Vec<PathBuf>> {
    let target = format!("data/{period}");
    // A folder the tool itself would not read afterwards (data/3000H1 after 2999H1) would make
    // every page and `check` fail.
    if !Period::YEARS.contains(&period.year) {
        let (first, last) = (Period::YEARS.start(), Period::YEARS.end());
        return Err(Problem::at(Source::file(&target), t!("init.year_out_of_range", first = first, last = last)).into());
    }
    if ws.periods.contains_key(&period) || ws.root.join(&target).exists() {
        return Err(Problem::at(Source::file(&target), t!("init.period_exists")).into());
    }
    // Start from the latest period of the same kind (2024H1 for 2025H1, not the year 2024),
    // else from the latest of any kind.
    let same_kind = |p: &Period| p.span.code() == period.span.code();
    let earlier =
        ws.periods.range(..period).rev().find(|(p, _)| same_kind(p)).or(ws.periods.range(..period).next_back());
    let Some((previous, dir)) = earlier else {
        return Err(Problem::at(Source::file("data"), t!("init.no_period_before", period = period)).into());
    };
    let (_, _, catalog) = ws.template_for(*previous)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    // YAML data files, every value emptied.
    let (paths, problems) = crate::data::walk_data(&ws.root, dir);
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    for path in paths {
        let rel = crate::data::relative(&ws.root, &path);
        if !matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            continue;
        }
        let inside = rel.strip_prefix(&format!("{dir}/")).unwrap_or(&rel).to_string();
        let bytes = crate::data::read_data_file(&path).map_err(|why| Problem::at(Source::file(&rel), why))?;
        let text = crate::data::decode_utf8(&bytes, &rel)?;
        let label = |name: &str| catalog.figures.get(name).and_then(|d| d.decl.label.clone());
        files.push((format!("{target}/{inside}"), empty_values_labelled(&text, &rel, &label)?.into_bytes()));
    }
    // Each township table it had, with its townships and no numbers. A CSV keeps its name; a
    // workbook sheet starts again as <table>.csv (zongjie reads .xlsx but does not write it).
    let (sheets, _, _) =
        crate::data::sheets::load(&crate::data::period_files(&ws.root, dir), &catalog.tables, *previous);
    for sheet in &sheets {
        let labels: Vec<String> = sheet.rows.iter().map(|r| r.label.clone()).collect();
        let name = if sheet.file.to_ascii_lowercase().ends_with(".csv") {
            sheet.file.strip_prefix(&format!("{dir}/")).unwrap_or(&sheet.file).to_string()
        } else {
            format!("{}.csv", sheet.name)
        };
        files.push((format!("{target}/{name}"), empty_csv(&catalog.tables[&sheet.name], &labels).into_bytes()));
    }
    for own in [TEMPLATE_FILE, CATALOG_FILE] {
        let path = ws.root.join(dir).join(own);
        if path.is_file() {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(format!("{dir}/{own}"), e))?;
            files.push((format!("{target}/{own}"), bytes));
        }
    }
    // Written whole into a hidden folder, then renamed: a new period is all there or not at all.
    let stage = format!("data/.{period}.zongjie-new");
    let staged = ws.root.join(&stage);
    if staged.exists() {
        std::fs::remove_dir_all(&staged).map_err(|e| Error::io(&stage, e))?;
    }
    let inside: Vec<(String, Vec<u8>)> =
        files.into_iter().map(|(rel, bytes)| (rel.replacen(&target, &stage, 1), bytes)).collect();
    if let Err(e) = write_all(&ws.root, &inside) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    std::fs::rename(&staged, ws.root.join(&target)).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        Error::io(&target, e)
    })?;
    let prefix = ws.root.join(&stage);
    Ok(inside
        .iter()
        .map(|(rel, _)| ws.root.join(&target).join(ws.root.join(rel).strip_prefix(&prefix).unwrap_or(Path::new(rel))))
        .collect())
}

/// YAML text with every value removed (`户数: 11900` → `户数:`), keys, nesting and comments on
/// their own lines kept. It works from the parsed file and the byte span of each value, so a
/// value in any YAML form goes: on its own line, quoted, multi-line, a block (`|`, `>`), in a
/// flow mapping, behind an anchor or a tag, a list. The result is parsed again and must give
/// every key of the original with no value; if it does not, the keys are written out plainly
/// (comments then lost) rather than leave a value behind.
pub fn empty_values(text: &str, file: &str) -> Result<String> {
    empty_values_labelled(text, file, &|_| None)
}

/// [`empty_values`], writing after each emptied value the figure's label from the catalog as a
/// comment (`label(低保.户数)`), so that the statistician sees what to fill in.
pub fn empty_values_labelled(text: &str, file: &str, label: &dyn Fn(&str) -> Option<String>) -> Result<String> {
    if text.trim().is_empty() {
        return Ok(text.to_string());
    }
    let tree: Spanned<Node> = crate::yaml::parse(text, file)?;
    let mut cuts = Vec::new();
    value_cuts(&tree, text, false, "", label, &mut cuts);
    cuts.sort_by_key(|c| std::cmp::Reverse(c.0));
    let mut out = text.to_string();
    for (start, end, with) in cuts {
        out.replace_range(start..end, &with);
    }
    match crate::yaml::parse::<Spanned<Node>>(&out, file) {
        Ok(emptied) if keys_without_values(&emptied) == keys_of(&tree) => Ok(out),
        _ => Ok(plain_keys(&tree)),
    }
}

fn span_of(node: &Spanned<Node>) -> (usize, usize) {
    let span = node.referenced.span();
    let start = span.byte_offset().unwrap_or(0) as usize;
    (start, start + span.byte_len().unwrap_or(0) as usize)
}

/// Where a value's text ends: its own span, or for a list or flow collection its last item and
/// the closing bracket.
fn value_end(node: &Spanned<Node>, text: &str) -> usize {
    let (start, mut end) = span_of(node);
    let last = match &node.value {
        Node::Seq(items) => items.iter().map(|i| value_end(i, text)).max(),
        Node::Map(entries) => entries.iter().map(|(_, v)| value_end(v, text)).max(),
        _ => None,
    };
    end = end.max(last.unwrap_or(end));
    let opening = text.get(start..).and_then(|t| t.chars().next());
    if let Some(close) = match opening {
        Some('[') => Some(']'),
        Some('{') => Some('}'),
        _ => None,
    } {
        if let Some(i) = text.get(end..).and_then(|t| t.find(close)) {
            end += i + 1;
        }
    }
    end
}

/// Byte ranges to cut (with what to put there): for each key with a value, from after its
/// colon to the end of the value, and in block style the comment after it on the same line.
fn value_cuts(
    node: &Spanned<Node>,
    text: &str,
    flow: bool,
    prefix: &str,
    label: &dyn Fn(&str) -> Option<String>,
    cuts: &mut Vec<(usize, usize, String)>,
) {
    let Node::Map(entries) = &node.value else { return };
    let inner_flow = flow || text.get(span_of(node).0..).is_some_and(|t| t.starts_with('{'));
    for (key, value) in entries {
        let name =
            if prefix.is_empty() { key.value.trim().to_string() } else { format!("{prefix}.{}", key.value.trim()) };
        if let Node::Map(_) = value.value {
            value_cuts(value, text, inner_flow, &name, label, cuts);
            continue;
        }
        if let Node::Null = value.value {
            continue;
        }
        let key_end = key.referenced.span().byte_offset().unwrap_or(0) as usize
            + key.referenced.span().byte_len().unwrap_or(0) as usize;
        let Some(colon) = text.get(key_end..).and_then(|t| t.find(':')).map(|i| key_end + i + 1) else { continue };
        let mut end = value_end(value, text);
        if end <= colon {
            continue;
        }
        if inner_flow {
            cuts.push((colon, end, " ".to_string()));
            continue;
        }
        // A block value ends before its line break; the rest of its line, spaces and a comment
        // about the old value, goes with it.
        while end > colon && text[..end].ends_with(['\n', '\r']) {
            end -= 1;
        }
        let rest = &text[end..];
        let line_end = rest.find('\n').map_or(text.len(), |i| end + i);
        let tail = text[end..line_end].trim();
        if tail.is_empty() || tail.starts_with('#') {
            end = line_end;
            while end > colon && text[..end].ends_with('\r') {
                end -= 1;
            }
        }
        // The old comment may hold last period's value; the catalog's label replaces it.
        let with = label(&name).map(|l| format!("   # {}", l.replace('\n', " "))).unwrap_or_default();
        cuts.push((colon, end, with));
    }
}

/// Every key path of a tree, in order.
fn keys_of(node: &Spanned<Node>) -> Vec<String> {
    fn walk(node: &Spanned<Node>, prefix: &str, out: &mut Vec<String>) {
        if let Node::Map(entries) = &node.value {
            for (key, value) in entries {
                let path = format!("{prefix}/{}", key.value);
                out.push(path.clone());
                walk(value, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(node, "", &mut out);
    out
}

/// The key paths of a tree in which every leaf is empty; a value left anywhere adds a marker
/// that no key path equals.
fn keys_without_values(node: &Spanned<Node>) -> Vec<String> {
    fn walk(node: &Spanned<Node>, prefix: &str, out: &mut Vec<String>) {
        match &node.value {
            Node::Map(entries) => {
                for (key, value) in entries {
                    let path = format!("{prefix}/{}", key.value);
                    out.push(path.clone());
                    walk(value, &path, out);
                }
            }
            Node::Null => {}
            _ => out.push(format!("{prefix}: a value is left")),
        }
    }
    let mut out = Vec::new();
    walk(node, "", &mut out);
    out
}

/// The keys of a tree as plain block YAML with no values.
fn plain_keys(node: &Spanned<Node>) -> String {
    fn walk(node: &Spanned<Node>, depth: usize, out: &mut String) {
        if let Node::Map(entries) = &node.value {
            for (key, value) in entries {
                out.push_str(&format!("{}{}:\n", "  ".repeat(depth), yaml_key(&key.value)));
                walk(value, depth + 1, out);
            }
        }
    }
    let mut out = String::new();
    walk(node, 0, &mut out);
    out
}

/// A key as YAML, quoted when it would otherwise be read as something else.
fn yaml_key(key: &str) -> String {
    let plain = !key.is_empty()
        && !key.starts_with(|c: char| " -?:,[]{}#&*!|>'\"%@`~".contains(c))
        && !key.contains(": ")
        && !key.contains(" #")
        && !key.ends_with([' ', ':']);
    if plain {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_default()
    }
}

fn write_all(root: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = root.join(rel);
        let dir = path.parent().unwrap_or(root).to_path_buf();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        written.extend(crate::archive::write_files(&dir, &[crate::archive::Output { name, bytes: bytes.clone() }])?);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_emptied_keys_and_comments_kept() {
        let yaml = "# 社会救助\n临时救助:\n  人次: 1389  # 累计\n  拨付资金: 638681元\n落款:\n  日期: 2024-07-05\n";
        assert_eq!(
            empty_values(yaml, "a.yaml").unwrap(),
            "# 社会救助\n临时救助:\n  人次:\n  拨付资金:\n落款:\n  日期:\n"
        );
    }

    #[test]
    fn values_in_every_yaml_form_are_emptied() {
        let yaml = "# 说明\n总数:\n    447\n引号: \"1,234\"\n单引号: '5'\n流式: {户数: 1, 人数: [2, 3]}\n多行: 这是\n  多行文字\n块: |\n  第一行\n  第二行\n折叠: >-\n  文字\n\n锚: &a 12\n别名: *a\n列表: [1, 2]\n列表2:\n  - 1\n  - 2\n空:\n标签: !!str 447\n末: 1";
        assert_eq!(
            empty_values(yaml, "a.yaml").unwrap(),
            "# 说明\n总数:\n引号:\n单引号:\n流式: {户数: , 人数: }\n多行:\n块:\n折叠:\n\n锚:\n别名:\n列表:\n列表2:\n空:\n标签:\n末:"
        );
    }

    #[test]
    fn a_value_the_spans_would_miss_falls_back_to_plain_keys() {
        // Whatever happens to the text, the result never keeps a value.
        let tree: Spanned<Node> = crate::yaml::parse("a:\n  b: 1\n\"c d\": 2\n", "a.yaml").unwrap();
        assert_eq!(plain_keys(&tree), "a:\n  b:\nc d:\n");
    }
}
