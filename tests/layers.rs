//! The library's modules stand in floors, and every `use` points down: a module may name a module
//! of its own floor's folder or of a lower floor, never a higher one, and no modules name each
//! other in a circle. Read from the `crate::` and `super::` paths of the sources (rust-analyzer
//! based tools such as cargo-modules are too slow to build in CI on two cores).
//!
//! The floors are DESIGN.md's module map; a new module is added to [`FLOORS`] where it belongs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest floor first. A module may use those on its own
/// floor's line only when the line says so (`|` joins modules of one floor that may use each
/// other one way: left uses right is not allowed, see [`SAME_FLOOR`]).
const FLOORS: &[&[&str]] = &[
    // The ground: messages, errors with their places, YAML with lines.
    &["i18n", "error", "yaml"],
    // Manifests, atomic writes, versions: below everything that writes.
    &["archive"],
    // Values: units, numbers, periods, Chinese wording. Knows no catalog.
    &["values"],
    // The catalog, typed.
    &["model"],
    // Checked figures (value parsing, derivation, rules, 同比 wording).
    &["figures"],
    // Data files: YAML values and township sheets.
    &["data"],
    // The template (minijinja) and the workspace (folders, config, which template applies).
    &["template"],
    &["workspace"],
    // The document model and the renderers (Markdown, PDF, DOCX, HTML).
    &["render"],
    // One period through every stage; the open workspace with its renderers.
    &["pipeline"],
    // The commands that stand on the pipeline.
    &["import", "serve"],
];

/// Modules on one floor that do not use each other.
const SAME_FLOOR: &[(&str, &str)] = &[];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every library source file (not the binary's `main.rs` and `cli/`), with its module path.
fn library_files() -> Vec<(Vec<String>, PathBuf)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(src()).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(src()).unwrap();
        let mut parts: Vec<String> = rel.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        if parts == ["lib"] || parts == ["main"] || parts.first().is_some_and(|p| p == "cli") {
            continue;
        }
        files.push((parts, path.to_path_buf()));
    }
    files
}

/// The source without its `#[cfg(test)]` module and comments: tests may reach anywhere.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text,
    };
    text.lines()
        .map(|l| match l.trim_start().starts_with("//") {
            true => "",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a file names: `crate::a::b` as [a, b], `super::x` resolved against the
/// file's own path, and the members of `crate::{a, b::c}` groups. With the line of each.
fn named_paths(module: &[String], code: &str) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::").or_else(|| rest.find("super::")) {
            let is_crate = rest[at..].starts_with("crate::");
            // `zongjie_crate::` or `self.super::` cannot occur; a word before it is another path.
            let before = rest[..at].chars().next_back();
            // "crate::" and "super::" are both seven bytes.
            let tail = &rest[at + 7..];
            rest = tail;
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let mut base: Vec<String> = if is_crate {
                Vec::new()
            } else {
                // `super` of a file module is its folder's module; of a `mod.rs`, its parent.
                module[..module.len().saturating_sub(1)].to_vec()
            };
            let mut t = tail;
            while let Some(more) = t.strip_prefix("super::") {
                base.pop();
                t = more;
            }
            for path in expand(t) {
                let mut full = base.clone();
                full.extend(path);
                out.push((full, i + 1));
            }
        }
    }
    out
}

/// `a::b::C` → [[a, b, C]]; `{a, b::c}` → [[a], [b, c]]; `a::{b, c}` → [[a, b], [a, c]].
fn expand(text: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut prefix = Vec::new();
    let mut t = text;
    loop {
        if let Some(group) = t.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let mut out = Vec::new();
            let mut depth = 0;
            let mut start = 0;
            let inner = &group[..end];
            for (i, c) in inner.char_indices().chain([(inner.len(), ',')]) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        for p in expand(inner[start..i].trim()) {
                            let mut full = prefix.clone();
                            full.extend(p);
                            out.push(full);
                        }
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            return out;
        }
        let name = ident(t);
        if name.is_empty() {
            return vec![prefix];
        }
        t = &t[name.len()..];
        prefix.push(name);
        match t.strip_prefix("::") {
            Some(more) => t = more,
            None => return vec![prefix],
        }
    }
}

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|floor| floor.contains(&module))
}

#[test]
fn every_use_points_down_the_floors_and_no_modules_form_a_circle() {
    let files = library_files();
    let top: BTreeSet<String> = files.iter().map(|(m, _)| m[0].clone()).collect();
    let mut wrong = Vec::new();
    // Edges between top-level modules, and between sibling files of one folder.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &files {
        let shown = path.strip_prefix(src()).unwrap().display().to_string();
        if floor_of(&module[0]).is_none() {
            wrong.push(format!("src/{shown}: module {} is on no floor of tests/layers.rs", module[0]));
        }
        for (named, line) in named_paths(module, &code_of(path)) {
            let Some(first) = named.first().filter(|n| top.contains(*n)) else { continue };
            if *first != module[0] {
                edges.entry(module[0].clone()).or_default().insert(first.clone());
                let (from, to) = (floor_of(&module[0]), floor_of(first));
                let same_floor_pair = SAME_FLOOR.contains(&(module[0].as_str(), first.as_str()));
                if from < to || (from == to && same_floor_pair) {
                    wrong.push(format!("src/{shown}:{line}: {} uses crate::{first}, a higher floor", module[0]));
                }
                continue;
            }
            // Inside one folder: sibling files (not the folder's own mod.rs) by their paths.
            let depth = module.len();
            if depth >= 2 && named.len() >= depth && named[..depth - 1] == module[..depth - 1] {
                let sibling = &named[depth - 1];
                let is_file = files.iter().any(|(m, _)| {
                    m.len() == depth && m[..depth - 1] == module[..depth - 1] && m[depth - 1] == *sibling
                });
                if is_file && *sibling != module[depth - 1] {
                    edges.entry(module.join("::")).or_default().insert(named[..depth].join("::"));
                }
            }
        }
    }
    for cycle in circles(&edges) {
        wrong.push(format!("modules in a circle: {}", cycle.join(" → ")));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The groups of modules that reach each other (Tarjan's strongly connected components).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        for w in s.edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w.as_str()) {
                visit(s, w);
                let lw = s.low[w.as_str()];
                s.low.insert(v, s.low[v].min(lw));
            } else if s.stack.contains(&w.as_str()) {
                let iw = s.index[w.as_str()];
                s.low.insert(v, s.low[v].min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut group = Vec::new();
            while let Some(w) = s.stack.pop() {
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if group.len() > 1 {
                group.reverse();
                s.found.push(group);
            }
        }
    }
    let mut s = State { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), found: Vec::new() };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn the_reader_of_paths_sees_groups_and_super() {
    let m = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(expand("{a, b::{c, d}}::x"), vec![m(&["a"]), m(&["b", "c"]), m(&["b", "d"])]);
    assert_eq!(
        named_paths(&m(&["figures", "check"]), "use super::derive::derive;\nuse crate::model::{Catalog, Kind};"),
        vec![(m(&["figures", "derive", "derive"]), 1), (m(&["model", "Catalog"]), 2), (m(&["model", "Kind"]), 2)]
    );
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(circles(&edges), vec![m(&["a", "b"])]);
}
