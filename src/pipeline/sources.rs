//! A report's sources inside its PDF (issue 26): what is attached when the workspace asks for
//! it (`pdf: {attach_sources: true}`), the list of them (`zongjie-sources.json`, names and
//! sha256 of the inputs, never of the outputs), and reading them back from a PDF for
//! `zongjie extract` and `zongjie verify REPORT.pdf`.
//!
//! Reading trusts nothing in the file: a PDF zongjie did not make, a damaged one, attachment
//! names that point outside the folder (`../`, absolute, drive letters), attachments larger than
//! [`MAX_FILE`] (or that inflate past it) are each refused with a message saying so, before
//! anything is written.

use crate::archive;
use crate::error::{Error, Result};
use crate::pipeline::Report;
use crate::render::{Attachment, Relation};
use crate::template::TemplateSource;
use crate::values::period::Period;
use crate::workspace::{Workspace, CONFIG_FILE};
use rust_i18n::t;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The attached list of the sources.
pub const MANIFEST: &str = "zongjie-sources.json";
/// The largest attachment read back (a data file of a county report is a few kilobytes).
pub const MAX_FILE: u64 = 16 << 20;
/// The most read back from one PDF, every attachment together.
pub const MAX_TOTAL: u64 = 64 << 20;
/// The largest PDF read.
pub const MAX_PDF: u64 = 512 << 20;

/// The list of a report's sources, attached as [`MANIFEST`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// What wrote the PDF (`zongjie 0.1.0`).
    pub tool: String,
    /// The report's period (`2024H1`).
    pub period: String,
    /// The attached files, by workspace-relative path.
    pub files: Vec<Listed>,
    /// Inputs that are not attached, with their sha256: the tool's bundled template or fonts,
    /// font files of the workspace (the PDF already carries what it draws of them).
    #[serde(default)]
    pub not_attached: Vec<Listed>,
}

/// One listed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    /// Workspace-relative path (`data/2024/社会救助.yaml`) or `<bundled>/…`.
    pub name: String,
    /// Its sha256, lowercase hex.
    pub sha256: String,
    /// `Source` or `Data` for an attached file; absent for one not attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
}

/// The files the PDF of `report` carries (described in Chinese, the report's language, whatever
/// the language of messages: the PDF's bytes must not depend on who builds it): the data files read (this period's, and those of the
/// periods it is compared with or takes figures from), the template and catalog when they are
/// the workspace's files, zongjie.yaml, and the list of them all. `fonts` are the PDF's own
/// inputs (name, sha256), listed as not attached.
pub fn attachments(ws: &Workspace, report: &Report, fonts: &[(String, String)]) -> Vec<Attachment> {
    let mut files: BTreeMap<String, (Vec<u8>, Relation, String)> = BTreeMap::new();
    let mut not_attached: BTreeMap<String, String> = BTreeMap::new();
    for input in &report.inputs {
        files.insert(
            input.path.clone(),
            (input.bytes.clone(), Relation::Data, format!("报告的数据文件 {}", input.path)),
        );
    }
    let templates: Vec<(TemplateSource, TemplateSource)> =
        templates_read(ws, report).into_iter().map(|(_, t, c)| (t, c)).collect();
    let sources = templates.iter().flat_map(|(t, c)| [(t, "生成报告所用的模板"), (c, "报告的数据项目录")]);
    for (source, what) in sources {
        if source.name.starts_with('<') {
            not_attached.insert(source.name.clone(), archive::sha256(source.text.as_bytes()));
        } else {
            files.insert(
                source.name.clone(),
                (source.text.as_bytes().to_vec(), Relation::Source, format!("{what} {}", source.name)),
            );
        }
    }
    files.insert(
        CONFIG_FILE.to_string(),
        (settings(ws, report).into_bytes(), Relation::Source, "生成本报告所用的设置（zongjie.yaml）".to_string()),
    );
    for (name, hash) in fonts {
        not_attached.insert(name.clone(), hash.clone());
    }
    let relation = |r: Relation| match r {
        Relation::Source => "Source",
        Relation::Data => "Data",
    };
    let list = Sources {
        tool: tool(),
        period: report.period.to_string(),
        files: files
            .iter()
            .map(|(name, (bytes, r, _))| Listed {
                name: name.clone(),
                sha256: archive::sha256(bytes),
                relation: Some(relation(*r).to_string()),
            })
            .collect(),
        not_attached: not_attached.into_iter().map(|(name, sha256)| Listed { name, sha256, relation: None }).collect(),
    };
    let mut out = vec![Attachment {
        name: MANIFEST.to_string(),
        bytes: serde_json::to_vec_pretty(&list).expect("the list serialises"),
        relation: Relation::Source,
        description: "报告全部来源文件的清单及其 sha256（zongjie extract 据此还原工作区）".to_string(),
    }];
    out.extend(files.into_iter().map(|(name, (bytes, relation, description))| Attachment {
        name,
        bytes,
        relation,
        description,
    }));
    out
}

/// The template and catalog of the report's period and of every other period it reads, by
/// period: a figure taken from last year's annual report (`from:`) is read through that
/// period's catalog, which the build then loads, template and all.
fn templates_read(ws: &Workspace, report: &Report) -> Vec<(Period, TemplateSource, TemplateSource)> {
    let mut out = vec![(report.period, report.template.clone(), report.catalog_source.clone())];
    let read_from: std::collections::BTreeSet<Period> = report
        .inputs
        .iter()
        .filter_map(|f| ws.periods.iter().find(|(_, dir)| f.path.starts_with(&format!("{dir}/"))).map(|(p, _)| *p))
        .filter(|p| *p != report.period)
        .collect();
    for period in read_from {
        if let Ok((template, catalog, _)) = ws.template_for(period) {
            out.push((period, template, catalog));
        }
    }
    out
}

/// The settings the report was built with, written as a zongjie.yaml: the template folder of
/// its period and of every other period it reads (as `template_from:` entries), its date style,
/// the fonts, the DOCX font names, and `pdf: {attach_sources: true}`. Attached in place of the
/// workspace's own file, whose other lines (a template for a later period, added by `import
/// --into`) would otherwise change every earlier PDF; built again from the extracted workspace,
/// it comes out the same, byte for byte.
pub fn settings(ws: &Workspace, report: &Report) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut out = format!("# 生成 {} 报告所用的设置，由 zongjie 写入报告 PDF。\n", report.period);
    let mut folders: BTreeMap<String, String> = BTreeMap::new();
    for (period, template, catalog) in templates_read(ws, report) {
        let dir = ws.periods.get(&period).map(|d| format!("{d}/")).unwrap_or_default();
        // The folder the catalog (else the template) came from, unless it is the period's own
        // folder or the bundled one, which need no setting.
        let folder = [&catalog.name, &template.name]
            .into_iter()
            .filter(|n| !n.starts_with('<') && (dir.is_empty() || !n.starts_with(&dir)))
            .find_map(|n| n.rsplit_once('/').map(|(f, _)| f.to_string()));
        if let Some(folder) = folder {
            folders.insert(period.to_string(), folder);
        }
    }
    if !folders.is_empty() {
        out.push_str("template_from:\n");
        for (period, folder) in &folders {
            out.push_str(&format!("  {}: {}\n", q(period), q(folder)));
        }
    }
    let style = match ws.date_style(report.period) {
        crate::values::words::DateStyle::Arabic => "2012",
        crate::values::words::DateStyle::Chinese => "1999",
    };
    out.push_str(&format!("date_style: {}\n", q(style)));
    let f = &ws.config.fonts;
    let fonts = [
        ("body", &f.body),
        ("title", &f.title),
        ("hei", &f.hei),
        ("kai", &f.kai),
        ("page_number", &f.page_number),
        ("fallback", &f.fallback),
    ];
    if fonts.iter().any(|(_, v)| v.is_some()) {
        out.push_str("fonts:\n");
        for (role, v) in fonts {
            if let Some(v) = v {
                out.push_str(&format!("  {role}: {}\n", q(&v.value)));
            }
        }
    }
    let d = &ws.config.docx_fonts;
    out.push_str("docx_fonts:\n");
    for (role, v) in
        [("title", &d.title), ("hei", &d.hei), ("kai", &d.kai), ("body", &d.body), ("page_number", &d.page_number)]
    {
        out.push_str(&format!("  {role}: {}\n", q(v)));
    }
    if let Some(latin) = &d.latin {
        out.push_str(&format!("  latin: {}\n", q(latin)));
    }
    out.push_str("pdf:\n  attach_sources: true\n");
    out
}

/// This zongjie, as the list names the tool.
pub fn tool() -> String {
    format!("zongjie {}", env!("CARGO_PKG_VERSION"))
}

/// The sources read back from a report PDF, checked against their list.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The list.
    pub sources: Sources,
    /// Each listed file's bytes, by workspace-relative path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Listed files whose attached bytes no longer have the listed sha256.
    pub altered: Vec<String>,
}

/// Reads the attached sources of the PDF at `path` (named `shown` in messages).
pub fn read_pdf(path: &Path, shown: &str) -> Result<Extracted> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(shown, e))?;
    if !meta.is_file() {
        return Err(stop(t!("sources.not_a_file", pdf = shown)));
    }
    if meta.len() > MAX_PDF {
        return Err(stop(t!("sources.pdf_too_large", pdf = shown, size = meta.len() >> 20, max = MAX_PDF >> 20)));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(shown, e))?;
    read_pdf_bytes(&bytes, shown)
}

/// [`read_pdf`] on bytes in memory.
pub fn read_pdf_bytes(bytes: &[u8], shown: &str) -> Result<Extracted> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(stop(t!("sources.not_pdf", pdf = shown)));
    }
    // lopdf reports what it cannot read as an error; a panic on a crafted file is caught too,
    // so no file ends the program without a message.
    let loaded = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes));
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        // The reader's own wording (English, about xref offsets) would tell a user nothing: the
        // message says which part of the file could not be read.
        Ok(Err(_)) | Err(_) => return Err(stop(t!("sources.damaged", pdf = shown, why = t!("sources.why_structure")))),
    };
    // lopdf opens a PDF whose password is empty; under any other password its names and
    // streams stay locked, and that is what the user is told, not "damaged" or "not ours".
    let locked = || doc.is_encrypted().then(|| stop(t!("sources.encrypted", pdf = shown)));
    let (embedded, twice) = embedded_files(&doc).map_err(|_| {
        locked().unwrap_or_else(|| stop(t!("sources.damaged", pdf = shown, why = t!("sources.why_attachments"))))
    })?;
    if let Some(name) = twice.first() {
        return Err(stop(t!("sources.attached_twice", pdf = shown, name = name)));
    }
    let Some(list) = embedded.get(MANIFEST) else {
        if let Some(locked) = locked() {
            return Err(locked);
        }
        let ours = creator(&doc).is_some_and(|c| c.starts_with("zongjie"));
        return Err(stop(if ours {
            t!("sources.no_sources", pdf = shown)
        } else {
            t!("sources.not_ours", pdf = shown)
        }));
    };
    let mut total = 0u64;
    let mut read = |name: &str, stream: &lopdf::Stream| -> Result<Vec<u8>> {
        let data = stream_bytes(stream, MAX_FILE).map_err(|why| match why {
            StreamError::TooLarge => stop(t!("sources.too_large", pdf = shown, name = name, max = MAX_FILE >> 20)),
            StreamError::Bad => stop(t!("sources.damaged", pdf = shown, why = t!("sources.why_stream", name = name))),
        })?;
        total += data.len() as u64;
        if total > MAX_TOTAL {
            return Err(stop(t!("sources.too_large_total", pdf = shown, max = MAX_TOTAL >> 20)));
        }
        Ok(data)
    };
    let list_bytes = read(MANIFEST, list)?;
    let sources: Sources = serde_json::from_slice(&list_bytes).map_err(|e| {
        // Where the list stops making sense, not serde_json's English.
        let why = t!("sources.why_list_at", line = e.line(), column = e.column());
        stop(t!("sources.bad_manifest", pdf = shown, name = MANIFEST, why = why))
    })?;
    for name in embedded.keys().map(String::as_str).chain(sources.files.iter().map(|f| f.name.as_str())) {
        if name != MANIFEST && !safe_name(name) {
            // Debug form: a control character in the name is shown escaped, never sent raw.
            return Err(stop(t!("sources.unsafe_name", pdf = shown, name = format!("{name:?}"))));
        }
    }
    let listed: Vec<&str> = sources.files.iter().map(|f| f.name.as_str()).collect();
    if let Some((a, b)) = clashing(&listed) {
        return Err(stop(t!("sources.names_clash", pdf = shown, a = a, b = b)));
    }
    if sources.period.parse::<crate::values::period::Period>().is_err() {
        return Err(stop(t!("sources.bad_period", pdf = shown, period = format!("{:?}", sources.period))));
    }
    let mut files = BTreeMap::new();
    let mut altered = Vec::new();
    for listed in &sources.files {
        let Some(stream) = embedded.get(&listed.name) else {
            return Err(stop(t!("sources.missing", pdf = shown, name = listed.name)));
        };
        let data = read(&listed.name, stream)?;
        if archive::sha256(&data) != listed.sha256 {
            altered.push(listed.name.clone());
        }
        files.insert(listed.name.clone(), data);
    }
    Ok(Extracted { sources, files, altered })
}

fn stop(message: impl Into<String>) -> Error {
    Error::Stopped(message.into())
}

/// A name that stays inside the folder it is written to: relative, plain parts only, `/` as
/// the separator, no drive or backslash (which Windows reads as a separator); and a name every
/// system can write and a terminal can show: no control or direction-changing characters, no part
/// ending in a dot or space, no device name of Windows (CON, NUL, COM1…), no part over 255 bytes.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() < 1024
        && !name.contains('\\')
        && !name.contains(':')
        && !name.chars().any(|c| c.is_control() || invisible_direction(c))
        && !name.starts_with('/')
        && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)))
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.len() <= 255
                && !part.ends_with('.')
                && !part.ends_with(' ')
                && !windows_device(part)
        })
}

/// Characters that change the direction text is shown in, so a name could show as another.
fn invisible_direction(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, with any extension: Windows opens a device for them.
fn windows_device(part: &str) -> bool {
    let base = part.split('.').next().unwrap_or(part).trim_end().to_ascii_uppercase();
    matches!(base.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (base.len() == 4
            && (base.starts_with("COM") || base.starts_with("LPT"))
            && base.as_bytes()[3].is_ascii_digit()
            && base.as_bytes()[3] != b'0')
}

/// Two names that cannot both be written: the same name up to letter case (one file on Windows
/// and macOS), or one name a folder of the other (`data` and `data/2024/x.yaml`).
fn clashing<'a>(names: &[&'a str]) -> Option<(&'a str, &'a str)> {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in names {
        if let Some(other) = seen.insert(name.to_lowercase(), name) {
            return Some((other, name));
        }
    }
    for name in names {
        let lower = name.to_lowercase();
        // Each folder the name is in: what comes before each of its slashes.
        if let Some(file) = lower.match_indices('/').find_map(|(i, _)| seen.get(&lower[..i])) {
            return Some((file, name));
        }
    }
    None
}

enum StreamError {
    TooLarge,
    /// Not deflate data, or a filter zongjie does not write.
    Bad,
}

/// The PDF's list of attached files is not a name tree of file specifications (the message says
/// so in the user's words; the reader's own wording is not shown).
struct MalformedAttachments;

/// The PDF's attached files by name, and the names attached more than once.
type Attachments<'a> = (BTreeMap<String, &'a lopdf::Stream>, Vec<String>);

/// A stream's bytes, inflated when it is deflated, never more than `max`.
fn stream_bytes(stream: &lopdf::Stream, max: u64) -> std::result::Result<Vec<u8>, StreamError> {
    let filters: Vec<Vec<u8>> = match stream.dict.get(b"Filter") {
        Ok(lopdf::Object::Name(n)) => vec![n.clone()],
        Ok(lopdf::Object::Array(a)) => a.iter().filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec)).collect(),
        _ => Vec::new(),
    };
    match filters.as_slice() {
        [] => {
            if stream.content.len() as u64 > max {
                return Err(StreamError::TooLarge);
            }
            Ok(stream.content.clone())
        }
        [f] if f == b"FlateDecode" => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(stream.content.as_slice())
                .take(max + 1)
                .read_to_end(&mut out)
                .map_err(|_| StreamError::Bad)?;
            if out.len() as u64 > max {
                return Err(StreamError::TooLarge);
            }
            Ok(out)
        }
        _ => Err(StreamError::Bad),
    }
}

/// The PDF's embedded files by name (the catalog's /Names /EmbeddedFiles name tree), each the
/// stream of its file specification.
fn embedded_files(doc: &lopdf::Document) -> std::result::Result<Attachments<'_>, MalformedAttachments> {
    let bad = |_| MalformedAttachments;
    let catalog = doc.catalog().map_err(bad)?;
    let Ok(names) = catalog.get_deref(b"Names", doc).and_then(lopdf::Object::as_dict) else {
        return Ok((BTreeMap::new(), Vec::new()));
    };
    let Ok(tree) = names.get_deref(b"EmbeddedFiles", doc).and_then(lopdf::Object::as_dict) else {
        return Ok((BTreeMap::new(), Vec::new()));
    };
    let mut out = BTreeMap::new();
    let mut twice = Vec::new();
    let mut pending = vec![(tree, 0usize)];
    let mut visited = 0usize;
    while let Some((node, depth)) = pending.pop() {
        visited += 1;
        if depth > 32 || visited > 10_000 {
            return Err(MalformedAttachments);
        }
        if let Ok(kids) = node.get(b"Kids").and_then(lopdf::Object::as_array) {
            for kid in kids {
                let kid = doc.dereference(kid).map_err(bad)?.1.as_dict().map_err(bad)?;
                pending.push((kid, depth + 1));
            }
        }
        if let Ok(pairs) = node.get(b"Names").and_then(lopdf::Object::as_array) {
            for pair in pairs.chunks(2) {
                let [key, spec] = pair else { return Err(MalformedAttachments) };
                let spec = doc.dereference(spec).map_err(bad)?.1.as_dict().map_err(bad)?;
                // The name a reader shows: /UF, else /F, else the name tree's key.
                let name = [spec.get(b"UF").ok(), spec.get(b"F").ok(), Some(key)]
                    .into_iter()
                    .flatten()
                    .filter_map(text_string)
                    .find(|n| !n.is_empty())
                    .unwrap_or_default();
                let ef = spec.get_deref(b"EF", doc).and_then(lopdf::Object::as_dict).map_err(bad)?;
                let stream = ef
                    .get_deref(b"UF", doc)
                    .or_else(|_| ef.get_deref(b"F", doc))
                    .and_then(lopdf::Object::as_stream)
                    .map_err(bad)?;
                match out.entry(name) {
                    std::collections::btree_map::Entry::Occupied(seen) => twice.push(seen.key().clone()),
                    std::collections::btree_map::Entry::Vacant(new) => {
                        new.insert(stream);
                    }
                }
            }
        }
    }
    Ok((out, twice))
}

/// A PDF text string: UTF-16BE after its byte order mark, UTF-8 after its own, else (as PDF
/// writers that do not mark it do) bytes read as UTF-8 where they are, Latin-1 where not.
fn text_string(obj: &lopdf::Object) -> Option<String> {
    let bytes = obj.as_str().ok()?;
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16(&units).ok();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(rest.to_vec()).ok();
    }
    Some(match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    })
}

/// The PDF's /Creator, from its document information.
fn creator(doc: &lopdf::Document) -> Option<String> {
    let info = doc.trailer.get_deref(b"Info", doc).ok()?.as_dict().ok()?;
    text_string(info.get_deref(b"Creator", doc).ok()?)
}

/// Writes the extracted files into `dir` (named `shown` in messages), which must be new or empty.
/// All or nothing: the files go into a hidden folder beside `dir` that takes its name only when
/// every file is written, so a failure (a full disk, a name the system refuses) leaves `dir` as it
/// was and the same command can be run again.
pub fn write_workspace(extracted: &Extracted, dir: &Path, shown: &str) -> Result<Vec<String>> {
    let existed = match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(stop(t!("sources.dir_not_empty", dir = shown)));
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(shown, e)),
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io(shown, e))?;
    let leaf = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = parent.join(format!(".{leaf}.zongjie-extract-{}", std::process::id()));
    std::fs::create_dir(&staging).map_err(|e| Error::io(shown, e))?;
    let written = write_files(extracted, &staging, shown).and_then(|written| {
        if existed {
            std::fs::remove_dir(dir).map_err(|e| Error::io(shown, e))?;
        }
        std::fs::rename(&staging, dir).map_err(|e| Error::io(shown, e))?;
        Ok(written)
    });
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
        if existed && !dir.exists() {
            let _ = std::fs::create_dir(dir);
        }
    }
    written
}

/// Writes every file under `into`; messages name them as under `shown`, the folder asked for.
fn write_files(extracted: &Extracted, into: &Path, shown: &str) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for (name, bytes) in &extracted.files {
        debug_assert!(safe_name(name));
        let path = into.join(name);
        let named = |e| Error::io(format!("{shown}/{name}"), e);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(named)?;
        }
        // create_new: never follows or replaces anything that appeared meanwhile.
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(named)?;
        std::io::Write::write_all(&mut file, bytes).map_err(named)?;
        written.push(name.clone());
    }
    Ok(written)
}

/// The zongjie workspace whose own folders (`data/`, `templates/`, `output/`) `dir` would be
/// inside, if any: a workspace extracted there would become a period, a template or an archived
/// output of that workspace (`data/2025H1` would be read as a period with a zongjie.yaml in it).
pub fn enclosing_workspace(dir: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(dir).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .filter(|a| ["data", "templates", "output"].iter().any(|own| a.ends_with(own)))
        .filter_map(Path::parent)
        .find(|root| root.join("zongjie.yaml").is_file())
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_names_are_safe() {
        for good in [
            "zongjie.yaml",
            "data/2024/社会救助.yaml",
            "templates/x/report.md.j2",
            "data/2024/CONSOLE.yaml",
            "data/COM0",
        ] {
            assert!(safe_name(good), "{good}");
        }
        for bad in [
            "",
            "../evil.yaml",
            "data/../../evil.yaml",
            "/etc/passwd",
            "C:/evil.yaml",
            "c:evil",
            "data\\..\\evil",
            "data//x",
            "./x",
            "data/.",
            "a\0b",
            "data/2024H1/a\nb.yaml",
            "data/\u{1b}[31mRED.yaml",
            "data/\u{202e}lmay.exe",
            "data/2024H1/CON",
            "data/nul.txt",
            "data/LPT1.yaml",
            "data/单位.yaml. ",
            "data/单位.yaml.",
            &format!("data/{}.yaml", "长".repeat(90)),
        ] {
            assert!(!safe_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_write_that_fails_halfway_leaves_the_folder_as_it_was() {
        let place = tempfile::tempdir().unwrap();
        // "a" as a file, then "a/b" under it: the second write fails after the first succeeded.
        let files: BTreeMap<String, Vec<u8>> =
            [("a".to_string(), b"1".to_vec()), ("a/b".to_string(), b"2".to_vec())].into_iter().collect();
        let sources = Sources { tool: "zongjie".into(), period: "2024H1".into(), files: vec![], not_attached: vec![] };
        let extracted = Extracted { sources, files, altered: vec![] };
        for existed in [false, true] {
            let dir = place.path().join("ws");
            if existed {
                std::fs::create_dir(&dir).unwrap();
            }
            assert!(write_workspace(&extracted, &dir, "ws").is_err());
            assert_eq!(dir.exists(), existed, "the folder is as it was");
            if existed {
                assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "and still empty");
                std::fs::remove_dir(&dir).unwrap();
            }
            assert_eq!(std::fs::read_dir(place.path()).unwrap().count(), 0, "no staging folder is left");
        }
    }

    #[test]
    fn names_that_cannot_both_be_written_are_found() {
        assert_eq!(clashing(&["data/2024/x.yaml", "zongjie.yaml"]), None);
        assert_eq!(clashing(&["data/a.yaml", "DATA/a.yaml"]), Some(("data/a.yaml", "DATA/a.yaml")));
        assert_eq!(clashing(&["data", "data/2024/x.yaml"]), Some(("data", "data/2024/x.yaml")));
        assert_eq!(clashing(&["t/r.j2/x", "t/r.j2"]), Some(("t/r.j2", "t/r.j2/x")));
    }

    #[test]
    fn a_deflated_stream_is_inflated_only_up_to_the_bound() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&vec![b'0'; 1 << 20]).unwrap();
        let mut dict = lopdf::Dictionary::new();
        dict.set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
        let stream = lopdf::Stream::new(dict, z.finish().unwrap());
        assert!(matches!(stream_bytes(&stream, 1000), Err(StreamError::TooLarge)));
        assert_eq!(stream_bytes(&stream, 1 << 20).ok().map(|b| b.len()), Some(1 << 20));
        let garbage = lopdf::Stream::new(stream.dict.clone(), b"not deflate".to_vec());
        assert!(matches!(stream_bytes(&garbage, 1000), Err(StreamError::Bad)));
    }

    #[test]
    fn anything_that_is_not_a_report_pdf_is_refused_without_a_panic() {
        let cases: [&[u8]; 5] =
            [b"", b"%PDF-", b"%PDF-1.7\n1 0 obj\n<<", b"%PDF-1.7\ntrailer<</Root 1 0 R>>", &[0xff; 64]];
        for bytes in cases {
            let e = read_pdf_bytes(bytes, "x.pdf").unwrap_err().to_string();
            assert!(e.contains("x.pdf"), "{e}");
        }
    }
}
