//! `zongjie import FILE --into PERIOD`: an edited copy of a report zongjie built (.docx from Word,
//! WPS or LibreOffice, also .md or .txt) becomes that period's template, catalog and data, so
//! that `build PERIOD` writes the edited text and next period starts from it with every figure's
//! name kept.
//!
//! Stages: [`docx`] (tracked changes accepted, comments set aside), then `import::read` (text, not
//! runs), then [`align`] (the report rendered with its values marked against the edited text:
//! paragraphs paired by text, each pair aligned with a value as one token), then here: each
//! kept value written back as the expression that made it, new numbers named as `import` names
//! them, a value replaced by another number a hand change (refused, or with --accept-edits
//! written where the value came from when it came from a YAML line), and the files written
//! after a trial build in a scratch copy. The updated template goes to a folder of its own that
//! `template_from:` in zongjie.yaml applies from PERIOD on, so every earlier period keeps the
//! template it was built with.

pub mod align;
pub mod docx;

use crate::archive::{self, Output};
use crate::error::{Error, Problem, Result, Source};
use crate::figures::Figure;
use crate::import::numbers;
use crate::import::read::{self, Hint, Input, Para};
use crate::import::{structure, write, NewNumbers, Piece, Templated, TemplatedBlock};
use crate::model::{Kind, Origin};
use crate::pipeline::{self, Prepare};
use crate::render::document::{Block, Document, Level};
use crate::template::{self, marks};
use crate::values::period::Period;
use crate::workspace::{Workspace, CATALOG_FILE, CONFIG_FILE, TEMPLATE_FILE};
use align::{Op, Tok};
use rust_i18n::t;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The data file new figures are written to, in the period's folder.
pub const NEW_DATA_FILE: &str = "修改稿新增.yaml";

/// What to import, into which period.
#[derive(Debug, Clone)]
pub struct Options {
    /// The edited report.
    pub file: PathBuf,
    /// The workspace root.
    pub root: PathBuf,
    /// The period the report was built for.
    pub period: Period,
    /// Write hand-changed values into the data files (where they came from a YAML line).
    pub accept_edits: bool,
    /// Refuse a document that still holds tracked changes.
    pub no_tracked: bool,
    /// Work out the summary, write nothing.
    pub dry_run: bool,
}

/// A number changed by hand where a figure's value stood.
#[derive(Debug, Clone)]
pub struct HandChange {
    /// The figure's catalog name.
    pub name: String,
    /// Its label.
    pub label: String,
    /// Where its value comes from (file:line).
    pub source: String,
    /// The value as built and as edited.
    pub old: String,
    /// The edited text.
    pub new: String,
    /// The paragraph (1-based) and its start.
    pub paragraph: (usize, String),
    /// How it is computed, when it is: then no edit of the report can change it.
    pub computed: Option<String>,
}

/// What an import into a period found and did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// The period updated.
    pub period: Option<Period>,
    /// Tracked changes and comments seen (a .docx).
    pub tracked: docx::Tracked,
    /// Paragraphs unchanged, changed, new and deleted.
    pub unchanged: usize,
    /// Starts of changed paragraphs.
    pub changed: Vec<String>,
    /// Starts of new paragraphs.
    pub added: Vec<String>,
    /// Starts of deleted paragraphs.
    pub deleted: Vec<String>,
    /// Figures kept, by name.
    pub kept: BTreeSet<String>,
    /// New figures: name, value, label.
    pub new_figures: Vec<(String, String, String)>,
    /// Hand-changed values (all accepted, when the summary comes back).
    pub hand: Vec<HandChange>,
    /// Figures whose text was deleted: name and label; they stay in the catalog.
    pub removed: Vec<(String, String)>,
    /// What to check (numbers kept as text, values written as text).
    pub checks: Vec<String>,
    /// Paragraphs the trial build does not give exactly.
    pub differences: Vec<String>,
    /// The template folder that now applies from the period on.
    pub template_folder: String,
    /// Files written, workspace-relative (and copies kept).
    pub written: Vec<String>,
}

/// One paragraph of either document: what it is, and its text (marked, for the built one).
#[derive(Debug, Clone)]
struct Unit {
    kind: UnitKind,
    text: String,
    /// Tokens of a run-in heading at the start (built), or its length in bytes (edited).
    lead: usize,
    /// A table's cells, header first.
    cells: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Title,
    Heading(Level),
    Paragraph(Option<Level>),
    Signature,
    Table,
    /// An edited paragraph not yet known (a .docx or .txt paragraph).
    Unknown,
}

/// The paragraphs of a document, each with what it is.
fn units(doc: &Document) -> Vec<Unit> {
    let unit = |kind, text: String| Unit { kind, text, lead: 0, cells: Vec::new() };
    let mut out = vec![unit(UnitKind::Title, doc.title.clone())];
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => out.push(unit(UnitKind::Heading(*level), text.clone())),
            Block::Paragraph { lead: Some((level, lead)), text } => out.push(Unit {
                kind: UnitKind::Paragraph(Some(*level)),
                text: format!("{lead}{text}"),
                lead: align::tokens(lead).len(),
                cells: Vec::new(),
            }),
            Block::Paragraph { lead: None, text } => out.push(unit(UnitKind::Paragraph(None), text.clone())),
            Block::Table { header, rows, .. } => {
                let cells: Vec<Vec<String>> = std::iter::once(header.clone()).chain(rows.iter().cloned()).collect();
                let text = cells.iter().map(|r| r.join("\t")).collect::<Vec<_>>().join("\n");
                out.push(Unit { kind: UnitKind::Table, text, lead: 0, cells });
            }
            Block::Signature { lines } => out.extend(lines.iter().map(|l| unit(UnitKind::Signature, l.clone()))),
        }
    }
    out
}

/// The edited document's paragraphs: a Markdown file says what each is; a .docx or .txt says
/// only which is the title (the first) and which the 落款 (its style).
fn edited_units(input: Input) -> Vec<Unit> {
    match input {
        Input::Markdown(doc) => units(&doc)
            .into_iter()
            .map(|mut u| {
                if let UnitKind::Paragraph(Some(_)) = u.kind {
                    // The run-in heading's length in bytes of the edited text.
                    if let Some(end) = u.text.find('。') {
                        u.lead = end + '。'.len_utf8();
                    }
                }
                u
            })
            .collect(),
        Input::Paragraphs(paras) => {
            let mut out = Vec::new();
            for p in paras {
                match p {
                    Para::Text { text, hint, .. } => {
                        let kind = match hint {
                            _ if out.is_empty() => UnitKind::Title,
                            Hint::Signature => UnitKind::Signature,
                            _ => UnitKind::Unknown,
                        };
                        out.push(Unit { kind, text, lead: 0, cells: Vec::new() });
                    }
                    Para::Table(cells) => {
                        let text = cells.iter().map(|r| r.join("\t")).collect::<Vec<_>>().join("\n");
                        out.push(Unit { kind: UnitKind::Table, text, lead: 0, cells });
                    }
                }
            }
            out
        }
    }
}

/// What a new paragraph is, from its text: a heading number on a short line is a heading; a
/// （一） or 1. heading ending in 。 with text after it is run in.
fn classify(text: &str) -> (UnitKind, usize) {
    match structure::heading_marker(text) {
        Some((level, _, len)) => {
            let rest = &text[len..];
            match rest.find('。') {
                Some(end) if level != Level::Part && len + end + '。'.len_utf8() < text.len() => {
                    (UnitKind::Paragraph(Some(level)), len + end + '。'.len_utf8())
                }
                None if rest.chars().count() <= 40 => (UnitKind::Heading(level), 0),
                _ => (UnitKind::Paragraph(None), 0),
            }
        }
        None => (UnitKind::Paragraph(None), 0),
    }
}

/// The first characters of a paragraph, for messages.
fn start_of(text: &str) -> String {
    let chars: Vec<char> = marks::strip(text).chars().collect();
    if chars.len() > 16 {
        chars[..16].iter().collect::<String>() + "……"
    } else {
        chars.into_iter().collect()
    }
}

/// Reads the edited file: a .docx with its tracked changes accepted, or text.
fn read_edited(options: &Options, bytes: Vec<u8>, shown: &str) -> Result<(Input, docx::Tracked)> {
    let extension = options.file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        let (cleaned, tracked) = docx::accept(&bytes).unwrap_or((bytes, docx::Tracked::default()));
        if options.no_tracked && tracked.changes() > 0 {
            return Err(Error::Stopped(
                t!("import.into_tracked_refused", file = shown, n = tracked.changes()).into_owned(),
            ));
        }
        return Ok((read::read(&cleaned, "docx", shown)?, tracked));
    }
    Ok((read::read(&bytes, &extension, shown)?, docx::Tracked::default()))
}

/// The most an edited report may weigh (a .docx with pictures is some MB).
pub const INPUT_MAX: u64 = 64 << 20;

/// Works out the update from `options.file`; writes it unless asked for a dry run or a problem
/// stops it.
pub fn import_into(options: &Options) -> Result<Summary> {
    let shown = options.file.display().to_string();
    let mut bytes = Vec::new();
    std::fs::File::open(&options.file)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, INPUT_MAX), &mut bytes))
        .map_err(|e| Error::io(&shown, e))?;
    import_bytes(options, bytes, &shown)
}

/// [`import_into`] with the file's bytes given (an upload of `zongjie serve`); `shown` names it.
pub fn import_bytes(options: &Options, bytes: Vec<u8>, shown: &str) -> Result<Summary> {
    let shown = shown.to_string();
    let ws = Workspace::open(&options.root)?;
    let period = options.period;
    if !ws.periods.contains_key(&period) {
        return Err(Error::Stopped(t!("import.into_no_period", period = period).into_owned()));
    }
    let (input, tracked) = read_edited(options, bytes, &shown)?;
    let report =
        marks::with_all_values(|| pipeline::prepare_with(&ws, period, Prepare { marked: true, ..Default::default() }))?;
    let Some(marked) = report.marked.clone() else {
        return Err(Error::Stopped(t!("import.into_not_marked", period = period).into_owned()));
    };
    let old = units(&marked.document);
    let mut new = edited_units(input);
    if new.len() < 2 {
        return Err(Problem::at(Source::file(shown.as_str()), t!("import.no_report")).into());
    }
    let plain_old: Vec<String> = old.iter().map(|u| marks::strip(&u.text)).collect();
    let plain_new: Vec<String> = new.iter().map(|u| u.text.clone()).collect();
    let pairs = align::pair(&plain_old, &plain_new, |i, j| {
        let (a, b) = (old[i].kind, new[j].kind);
        (a == UnitKind::Title) == (b == UnitKind::Title) && (a == UnitKind::Table) == (b == UnitKind::Table)
    });
    let mut work = Work::new(&ws, &report, &marked, &shown);
    let mut summary = Summary { period: Some(period), tracked, ..Default::default() };
    let mut blocks: Vec<TemplatedBlock> = Vec::new();
    let mut title = Vec::new();
    let mut title_raw: Option<String> = None;
    // The template's tables, in order, with their loops: an unchanged table keeps its source, so
    // that next period's rows come from next period's sheet.
    let sources = table_sources(&report.template.text);
    let old_tables: Vec<usize> = (0..old.len()).filter(|&i| old[i].kind == UnitKind::Table).collect();
    // The template's own source of each built paragraph, when found: an unchanged paragraph keeps
    // it, with its conditions ({% if x.上年 is defined %}) and filters as written.
    let sources_of = work.chunk_sources(&old);
    let mut signature_written = false;
    for (j, unit) in new.iter_mut().enumerate() {
        let paired = pairs[j].map(|i| &old[i]);
        match paired {
            Some(o) if marks::strip(&o.text) == unit.text => summary.unchanged += 1,
            Some(_) => summary.changed.push(start_of(&unit.text)),
            None => summary.added.push(start_of(&unit.text)),
        }
        // What the paragraph is: the built one's kind, else read from its text.
        let (kind, lead) = match (paired, unit.kind) {
            (Some(o), UnitKind::Unknown | UnitKind::Signature | UnitKind::Title) if o.kind != UnitKind::Table => {
                (o.kind, usize::MAX)
            }
            (_, UnitKind::Unknown) => classify(&unit.text),
            (_, kind) => (kind, unit.lead),
        };
        // A new paragraph split off another one (or a copy of one) keeps the values it shares
        // with the most alike built paragraph; nothing else is read from that alignment.
        let twin = match paired {
            None if kind != UnitKind::Table => (0..old.len())
                .filter(|&i| old[i].kind != UnitKind::Table && old[i].kind != UnitKind::Title)
                .map(|i| (i, align::similarity(&plain_old[i], &unit.text)))
                .filter(|(_, s)| *s >= 0.3)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(i, _)| &old[i]),
            _ => None,
        };
        work.secondary = twin.is_some();
        let tokens = paired.or(twin).map(|o| align::tokens(&o.text)).unwrap_or_default();
        let para = (j + 1, start_of(&unit.text));
        if let (Some(i), Some(o)) = (pairs[j], paired) {
            if marks::strip(&o.text) == unit.text && kind != UnitKind::Table {
                if let Some(source) = &sources_of[i] {
                    for tok in &tokens {
                        if let Tok::Mark(m, _) = tok {
                            work.kept.insert(*m);
                        }
                    }
                    if kind == UnitKind::Signature {
                        if !signature_written {
                            blocks.push(TemplatedBlock::Raw(source.clone()));
                        }
                        signature_written = true;
                        continue;
                    }
                    if kind == UnitKind::Title {
                        title_raw = Some(source.clone());
                        continue;
                    }
                    if let UnitKind::Heading(level) = kind {
                        work.namer.heading(&unit.text, level == Level::Part);
                    }
                    blocks.push(TemplatedBlock::Raw(source.clone()));
                    continue;
                }
            }
        }
        if kind == UnitKind::Table {
            let ordinal = pairs[j].and_then(|i| old_tables.iter().position(|&t| t == i));
            let unchanged = paired.is_some_and(|o| marks::strip(&o.text) == unit.text);
            if let (true, Some(k), true) = (unchanged, ordinal, sources.len() == old_tables.len()) {
                if let Some(o) = paired {
                    for tok in align::tokens(&o.text) {
                        if let Tok::Mark(m, _) = tok {
                            work.kept.insert(m);
                        }
                    }
                    for row in &o.cells {
                        for cell in row {
                            for tok in align::tokens(cell) {
                                if let Tok::Mark(m, _) = tok {
                                    work.kept.insert(m);
                                }
                            }
                        }
                    }
                }
                blocks.push(TemplatedBlock::Raw(sources[k].clone()));
                continue;
            }
            let same_shape = paired.is_some_and(|o| {
                o.cells.len() == unit.cells.len() && o.cells.iter().zip(&unit.cells).all(|(a, b)| a.len() == b.len())
            });
            let mut rows = Vec::new();
            for (r, row) in unit.cells.iter().enumerate() {
                let mut cells = Vec::new();
                for (c, cell) in row.iter().enumerate() {
                    let toks = match (same_shape, paired) {
                        (true, Some(o)) => align::tokens(&o.cells[r][c]),
                        _ => Vec::new(),
                    };
                    let ops = align::align(&toks, cell);
                    cells.push(work.pieces(cell, &ops, 0, cell.len(), &para)?);
                }
                rows.push(cells);
            }
            let header = if rows.is_empty() { Vec::new() } else { rows.remove(0) };
            blocks.push(TemplatedBlock::Table(header, rows));
            continue;
        }
        let ops = align::align(&tokens, &unit.text);
        // Where the run-in heading ends in the edited text: where the built one's ended.
        let boundary = match kind {
            UnitKind::Paragraph(Some(_)) if lead == usize::MAX => {
                let lead_tokens = paired.map_or(0, |o| o.lead);
                boundary_of(&ops, &tokens, lead_tokens, &unit.text)
            }
            UnitKind::Paragraph(Some(_)) => lead,
            _ => 0,
        };
        let text = unit.text.clone();
        // Heading numbers are the heading's place, not figures.
        let marker = |from: usize| structure::heading_marker(&text[from..]).map_or(0, |(_, _, len)| len);
        match kind {
            UnitKind::Title => title = work.pieces(&text, &ops, 0, text.len(), &para)?,
            UnitKind::Heading(level) => {
                work.namer.heading(&text, level == Level::Part);
                let m = marker(0);
                let mut pieces = vec![Piece::Text(text[..m].to_string())];
                pieces.extend(work.pieces(&text, &ops, m, text.len(), &para)?);
                blocks.push(TemplatedBlock::Heading(level, merge(pieces)));
            }
            UnitKind::Paragraph(Some(level)) if boundary > 0 && boundary < text.len() => {
                work.namer.heading(&text[..boundary], false);
                let m = marker(0).min(boundary);
                let mut lead = vec![Piece::Text(text[..m].to_string())];
                lead.extend(work.pieces(&text, &ops, m, boundary, &para)?);
                let body = work.pieces(&text, &ops, boundary, text.len(), &para)?;
                blocks.push(TemplatedBlock::Paragraph(Some((level, merge(lead))), body));
            }
            UnitKind::Signature => {
                let line = work.pieces(&text, &ops, 0, text.len(), &para)?;
                match blocks.last_mut() {
                    Some(TemplatedBlock::Signature(lines)) => lines.push(line),
                    _ => blocks.push(TemplatedBlock::Signature(vec![line])),
                }
            }
            _ => blocks.push(TemplatedBlock::Paragraph(None, work.pieces(&text, &ops, 0, text.len(), &para)?)),
        }
    }
    for (i, o) in old.iter().enumerate() {
        if !pairs.contains(&Some(i)) {
            summary.deleted.push(start_of(&o.text));
            for tok in align::tokens(&o.text) {
                if let Tok::Mark(k, _) = tok {
                    work.deleted.insert(k);
                }
            }
        }
    }
    work.finish(&mut summary);
    // Hand changes: refused unless accepted, and never for a computed value.
    let refused: Vec<String> = summary
        .hand
        .iter()
        .filter(|h| h.computed.is_some() || !options.accept_edits)
        .map(|h| hand_message(h, &shown))
        .collect();
    if !refused.is_empty() {
        return Err(Error::Stopped(format!("{}\n{}", refused.join("\n"), t!("import.into_nothing_written"))));
    }
    let doc = Templated { title, blocks };
    let files = work.files(&doc, title_raw.as_deref(), &summary, &report)?;
    summary.template_folder = files.folder.clone();
    summary.differences = trial(&ws, period, &files, &plain_new)?;
    if !options.dry_run {
        summary.written = files.write(&ws.root)?;
    }
    Ok(summary)
}

impl Summary {
    /// The summary as lines, in the user's language: what was read, what changed, what to do
    /// next. The CLI prints them; `zongjie serve` shows them before anything is written.
    pub fn lines(&self, dry_run: bool) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let period = self.period.map(|p| p.to_string()).unwrap_or_default();
        let t = &self.tracked;
        if t.changes() > 0 {
            out.push(
                t!("import.into_tracked", n = t.changes(), ins = t.insertions, del = t.deletions, moves = t.moves)
                    .into_owned(),
            );
        }
        if !t.comments.is_empty() {
            out.push(t!("import.into_comments", n = t.comments.len()).into_owned());
            for (start, text) in &t.comments {
                out.push(t!("import.into_comment", start = start, text = text).into_owned());
            }
        }
        out.push(
            t!(
                "import.into_paragraphs",
                unchanged = self.unchanged,
                changed = self.changed.len(),
                added = self.added.len(),
                deleted = self.deleted.len()
            )
            .into_owned(),
        );
        out.extend(self.changed.iter().map(|p| t!("import.into_para_changed", start = p).into_owned()));
        out.extend(self.added.iter().map(|p| t!("import.into_para_added", start = p).into_owned()));
        out.extend(self.deleted.iter().map(|p| t!("import.into_para_deleted", start = p).into_owned()));
        out.push(t!("import.into_kept_figures", n = self.kept.len()).into_owned());
        if !self.new_figures.is_empty() {
            out.push(t!("import.into_new_figures", n = self.new_figures.len(), period = period).into_owned());
            for (name, value, label) in &self.new_figures {
                out.push(t!("import.into_new_figure", name = name, value = value, label = label).into_owned());
            }
        }
        if !self.hand.is_empty() {
            out.push(t!("import.into_accepted", n = self.hand.len()).into_owned());
            for h in &self.hand {
                out.push(
                    t!(
                        "import.into_accepted_one",
                        figure = named(&h.name, &h.label),
                        old = h.old,
                        new = h.new,
                        source = h.source
                    )
                    .into_owned(),
                );
            }
        }
        if !self.removed.is_empty() {
            out.push(t!("import.into_removed", n = self.removed.len()).into_owned());
            for (name, label) in &self.removed {
                out.push(t!("import.into_removed_one", figure = named(name, label)).into_owned());
            }
        }
        let checks: Vec<&String> = self.checks.iter().chain(&self.differences).collect();
        if !checks.is_empty() {
            out.push(t!("import.into_checks", n = checks.len()).into_owned());
            out.extend(checks.into_iter().map(|c| format!("  {c}")));
        }
        out.push(t!("import.into_template", folder = self.template_folder, period = period).into_owned());
        if dry_run {
            out.push(t!("import.into_dry_run").into_owned());
        }
        out
    }
}

/// The message for a hand change, refused or needing --accept-edits.
pub fn hand_message(h: &HandChange, shown: &str) -> String {
    match &h.computed {
        Some(inputs) => t!(
            "import.into_computed",
            file = shown,
            n = h.paragraph.0,
            start = h.paragraph.1,
            figure = named(&h.name, &h.label),
            old = h.old,
            new = h.new,
            inputs = inputs
        )
        .into_owned(),
        None => t!(
            "import.into_hand_change",
            file = shown,
            n = h.paragraph.0,
            start = h.paragraph.1,
            figure = named(&h.name, &h.label),
            source = h.source,
            old = h.old,
            new = h.new
        )
        .into_owned(),
    }
}

/// A figure's name with its label, when it has one.
pub fn named(name: &str, label: &str) -> String {
    if label.is_empty() {
        name.to_string()
    } else {
        t!("import.into_named", name = name, label = label).into_owned()
    }
}

/// The byte in `text` where the built paragraph's first `lead` tokens end.
fn boundary_of(ops: &[Op], tokens: &[Tok], lead: usize, text: &str) -> usize {
    let (mut i, mut j) = (0usize, 0usize);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte = |j: usize| chars.get(j).map_or(text.len(), |(b, _)| *b);
    for op in ops {
        if i >= lead {
            return byte(j);
        }
        match op {
            Op::Same(_) => {
                i += 1;
                j += 1;
            }
            Op::Kept(_) => {
                if let Some(Tok::Mark(_, t)) = tokens.get(i) {
                    j += t.chars().count();
                }
                i += 1;
            }
            Op::DelChar | Op::DelMark(_) => i += 1,
            Op::Ins(_) => j += 1,
        }
    }
    byte(j)
}

/// Neighbouring text pieces as one.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        match (out.last_mut(), p) {
            (_, Piece::Text(t)) if t.is_empty() => {}
            (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

/// The state of one import: the built report, the expressions of its template, the namer of new
/// figures.
struct Work<'a> {
    report: &'a pipeline::Report,
    marked: &'a pipeline::Marked,
    data_dir: String,
    style: crate::values::words::DateStyle,
    expressions: Vec<String>,
    /// The template's `{% set %}` statements before its title: kept at the top of the new
    /// template, so that a value such as `{{ 截至 }}` is written as before.
    preamble: String,
    rendered: BTreeMap<String, Option<String>>,
    namer: NewNumbers,
    kept: BTreeSet<usize>,
    deleted: BTreeSet<usize>,
    hand: Vec<HandChange>,
    /// New values of hand-changed figures: name → (file, line, literal).
    accepted: BTreeMap<String, (String, u64, String, String)>,
    checks: Vec<String>,
    shown: String,
    /// The paragraph is aligned with a built one paired elsewhere (a split or a copy).
    secondary: bool,
}

impl<'a> Work<'a> {
    fn new(ws: &Workspace, report: &'a pipeline::Report, marked: &'a pipeline::Marked, shown: &str) -> Work<'a> {
        let taken: BTreeSet<String> = report.catalog.figures.keys().cloned().collect();
        Work {
            report,
            marked,
            data_dir: report.data_dir.clone(),
            style: ws.date_style(report.period),
            expressions: template::expressions(&report.template.text),
            preamble: preamble(&report.template.text),
            rendered: BTreeMap::new(),
            namer: NewNumbers::new(report.period, shown, taken),
            kept: BTreeSet::new(),
            deleted: BTreeSet::new(),
            hand: Vec::new(),
            accepted: BTreeMap::new(),
            checks: Vec::new(),
            shown: shown.to_string(),
            secondary: false,
        }
    }

    fn figures_of(&self, mark: usize) -> &[marks::MarkedFigure] {
        self.marked.figures.get(mark).map_or(&[], Vec::as_slice)
    }

    /// The text of a mark, from the built document.
    fn mark_text(&self, mark: usize) -> String {
        for unit in units(&self.marked.document) {
            for tok in align::tokens(&unit.text) {
                if let Tok::Mark(k, text) = tok {
                    if k == mark {
                        return text;
                    }
                }
            }
            for row in &unit.cells {
                for cell in row {
                    for tok in align::tokens(cell) {
                        if let Tok::Mark(k, text) = tok {
                            if k == mark {
                                return text;
                            }
                        }
                    }
                }
            }
        }
        String::new()
    }

    /// The expression of the template that writes `text` for the mark's figures: the figure
    /// itself first, then any expression naming one of them (a filter, 同比), then, for a value
    /// of no figure, one naming none.
    fn expression(&mut self, mark: usize, text: &str) -> Option<String> {
        let names: Vec<String> = self.figures_of(mark).iter().map(|f| f.figure.name.clone()).collect();
        let want = template::escape_markdown(text);
        let catalog_names: Vec<String> = self.report.catalog.figures.keys().cloned().collect();
        let mut candidates: Vec<String> = Vec::new();
        if names.len() == 1 {
            candidates.push(names[0].clone());
        }
        for e in &self.expressions {
            // A `{% set %}` name (截至, 累计期) may write any figure's value.
            let set_name = !e.contains(['.', '|', '(', ' ']) && self.preamble.contains(&format!("set {e}"));
            let relevant = set_name
                || if names.is_empty() {
                    !catalog_names.iter().any(|n| e.contains(n.as_str()))
                } else {
                    names.iter().any(|n| e.contains(n.as_str()))
                };
            if relevant && !candidates.contains(e) {
                candidates.push(e.clone());
            }
        }
        for c in candidates {
            let out = match self.rendered.get(&c) {
                Some(out) => out.clone(),
                None => {
                    let out = template::render_expression(
                        &format!("{}{{{{ {c} }}}}", self.preamble),
                        &self.report.figures,
                        &self.report.sheets,
                        &self.report.catalog,
                        self.style,
                    )
                    .ok();
                    self.rendered.insert(c.clone(), out.clone());
                    out
                }
            };
            if out.as_deref() == Some(want.as_str()) {
                return Some(c);
            }
        }
        None
    }

    /// For each built paragraph, the template text that wrote it, when it is found: the
    /// template's body in blocks (split at blank lines, a block running on while its `{% if %}`
    /// or `{% for %}` is open), each rendered alone after the `{% set %}` preamble, matched in
    /// order with the paragraphs. A block that writes nothing this period goes with the next
    /// paragraph found, so a paragraph shown only in other periods is kept.
    fn chunk_sources(&mut self, old: &[Unit]) -> Vec<Option<String>> {
        let mut out = vec![None; old.len()];
        let text = &self.report.template.text;
        let body = match text.find("\n# ") {
            Some(at) => &text[at + 1..],
            None if text.starts_with("# ") => text.as_str(),
            None => return out,
        };
        let mut chunks: Vec<String> = Vec::new();
        let mut current = String::new();
        let depth = |s: &str| -> i64 {
            let mut d = 0i64;
            let mut rest = s;
            while let Some(at) = rest.find("{%") {
                let tail = &rest[at + 2..];
                let end = tail.find("%}").unwrap_or(tail.len());
                let inner = tail[..end].trim_start_matches('-').trim();
                let word = inner.split_whitespace().next().unwrap_or("");
                match word {
                    "if" | "for" | "macro" | "call" | "filter" | "raw" => d += 1,
                    "set" if !inner.contains('=') => d += 1,
                    "endif" | "endfor" | "endmacro" | "endcall" | "endfilter" | "endraw" | "endset" => d -= 1,
                    _ => {}
                }
                rest = &tail[end.min(tail.len())..];
            }
            d
        };
        for piece in body.split("\n\n") {
            if !current.is_empty() {
                current.push_str("\n\n");
            }
            current.push_str(piece);
            if depth(&current) <= 0 {
                let c = std::mem::take(&mut current);
                if !c.trim().is_empty() {
                    chunks.push(c.trim_matches('\n').to_string());
                }
            }
        }
        if !current.trim().is_empty() {
            return out;
        }
        // Each chunk's blocks for this period.
        let rendered: Vec<Option<Document>> = chunks
            .iter()
            .map(|c| {
                let markdown = template::render_expression(
                    &format!("{}{c}\n", self.preamble),
                    &self.report.figures,
                    &self.report.sheets,
                    &self.report.catalog,
                    self.style,
                )
                .ok()?;
                let markdown =
                    if markdown.trim_start().starts_with("# ") { markdown } else { format!("# T\n\n{markdown}") };
                crate::render::document::parse(&markdown, "chunk").ok()
            })
            .collect();
        let plain = |u: &Unit| marks::strip(&u.text);
        let mut c = 0usize;
        let mut pending: Vec<usize> = Vec::new();
        let mut i = 0usize;
        while i < old.len() && c < chunks.len() {
            let unit = &old[i];
            let Some(doc) = &rendered[c] else { return out };
            let is_title = doc.title != "T" || chunks[c].trim_start().starts_with("# ");
            let found: Option<usize> = match unit.kind {
                UnitKind::Title if is_title && doc.title == plain(unit) && doc.blocks.is_empty() => Some(1),
                _ if is_title => None,
                _ if doc.blocks.is_empty() => {
                    // Writes nothing this period: goes with the next paragraph.
                    pending.push(c);
                    c += 1;
                    continue;
                }
                UnitKind::Heading(level) => {
                    matches!(&doc.blocks[..], [Block::Heading { level: l, text }] if *l == level && *text == plain(unit))
                        .then_some(1)
                }
                UnitKind::Paragraph(None) => {
                    matches!(&doc.blocks[..], [Block::Paragraph { lead: None, text }] if *text == plain(unit)).then_some(1)
                }
                UnitKind::Paragraph(Some(level)) => {
                    let next = rendered.get(c + 1).and_then(|d| d.as_ref());
                    match (&doc.blocks[..], next.map(|d| &d.blocks[..])) {
                        ([Block::Heading { level: l, text: lead }], Some([Block::Paragraph { lead: None, text }]))
                            if *l == level && format!("{lead}{text}") == plain(unit) =>
                        {
                            Some(2)
                        }
                        _ => None,
                    }
                }
                UnitKind::Signature => match &doc.blocks[..] {
                    [Block::Signature { lines }] => {
                        let n = lines.len();
                        let all = (0..n).all(|k| old.get(i + k).is_some_and(|u| u.kind == UnitKind::Signature && plain(u) == lines[k]));
                        if all {
                            let source = pending.drain(..).map(|p| chunks[p].clone()).chain([chunks[c].clone()]).collect::<Vec<_>>().join("\n\n");
                            for k in 0..n {
                                out[i + k] = Some(source.clone());
                            }
                            i += n;
                            c += 1;
                            continue;
                        }
                        None
                    }
                    _ => None,
                },
                _ => None,
            };
            match found {
                Some(n) => {
                    let source = pending
                        .drain(..)
                        .map(|p| chunks[p].clone())
                        .chain(chunks[c..c + n].iter().cloned())
                        .collect::<Vec<_>>()
                        .join("\n\n");
                    out[i] = Some(source);
                    i += 1;
                    c += n;
                }
                None => {
                    // Not this chunk's paragraph: a table (its own source) or one the chunk
                    // does not write alone; the chunks are given up from here.
                    if unit.kind == UnitKind::Table {
                        i += 1;
                        // The table's chunk.
                        if matches!(&doc.blocks[..], [Block::Table { .. }]) {
                            c += 1;
                        }
                        continue;
                    }
                    break;
                }
            }
        }
        out
    }

    /// How a mark's value is made, when it is not one figure's value from a YAML line of this
    /// period: what to change instead.
    fn computed(&self, mark: usize, text: &str) -> Option<String> {
        let figures = self.figures_of(mark);
        let inputs = |figures: &[marks::MarkedFigure]| -> String {
            figures
                .iter()
                .map(|f| {
                    let fig = &f.figure;
                    match &fig.decl.origin {
                        Origin::Sum(sum) => {
                            t!("import.into_from_sheet", name = fig.name, table = sum.table, column = sum.column)
                                .into_owned()
                        }
                        Origin::CountRows { table, .. } => {
                            t!("import.into_from_rows", name = fig.name, table = table).into_owned()
                        }
                        Origin::Formula(f) => {
                            t!("import.into_from_formula", name = fig.name, formula = f.text).into_owned()
                        }
                        Origin::Period(from) => t!(
                            "import.into_from_taken",
                            name = fig.name,
                            from = from.to_string(),
                            source = fig.source.to_string()
                        )
                        .into_owned(),
                        Origin::Data => format!("{}（{}）", fig.name, fig.source),
                    }
                })
                .collect::<Vec<_>>()
                .join(&t!("import.separator"))
        };
        match figures {
            [] => Some(t!("import.into_from_period").into_owned()),
            [f] if matches!(f.figure.decl.origin, Origin::Data) => {
                let fig = &f.figure;
                let yaml = fig.source.file.ends_with(".yaml") || fig.source.file.ends_with(".yml");
                let here = fig.source.file.starts_with(&format!("{}/", self.data_dir));
                if !here {
                    Some(t!("import.into_other_period", inputs = inputs(figures)).into_owned())
                } else if fig.display() != text {
                    Some(t!("import.into_filtered", inputs = inputs(figures)).into_owned())
                } else if !yaml || fig.source.cell.is_some() || fig.source.line == 0 {
                    Some(t!("import.into_from_file", inputs = inputs(figures)).into_owned())
                } else {
                    None
                }
            }
            _ => Some(inputs(figures)),
        }
    }

    /// The pieces of `text[from..to]` after the alignment `ops`: kept values as their
    /// expressions, hand-changed values as their figures (the new value noted), new numbers
    /// as new figures, the rest as text.
    fn pieces(&mut self, text: &str, ops: &[Op], from: usize, to: usize, para: &(usize, String)) -> Result<Vec<Piece>> {
        // Walk the ops: byte spans of kept marks, inserted bytes, and hunks of change.
        let mut fixed: Vec<(usize, usize, Piece)> = Vec::new();
        let mut inserted: Vec<(usize, usize)> = Vec::new();
        let mut hunks: Vec<(Vec<usize>, usize, usize)> = Vec::new();
        let mut byte = 0usize;
        let mut hunk: Option<(Vec<usize>, usize, usize)> = None;
        let close = |hunk: &mut Option<(Vec<usize>, usize, usize)>, hunks: &mut Vec<_>| {
            if let Some(h) = hunk.take() {
                hunks.push(h);
            }
        };
        for op in ops {
            match op {
                Op::Same(c) => {
                    close(&mut hunk, &mut hunks);
                    byte += c.len_utf8();
                }
                Op::Kept(k) => {
                    close(&mut hunk, &mut hunks);
                    let mark_text = self.mark_text(*k);
                    let end = byte + mark_text.len();
                    if byte >= from && end <= to {
                        self.kept.insert(*k);
                        let piece = match self.expression(*k, &mark_text) {
                            Some(e) => Piece::Figure(e, None),
                            None => {
                                self.checks.push(t!("import.into_value_as_text", text = mark_text).into_owned());
                                Piece::Text(mark_text.clone())
                            }
                        };
                        fixed.push((byte, end, piece));
                    }
                    byte = end;
                }
                Op::DelChar => {
                    hunk.get_or_insert((Vec::new(), byte, byte));
                }
                Op::DelMark(k) => {
                    hunk.get_or_insert((Vec::new(), byte, byte)).0.push(*k);
                }
                Op::Ins(c) => {
                    let h = hunk.get_or_insert((Vec::new(), byte, byte));
                    h.2 = byte + c.len_utf8();
                    inserted.push((byte, byte + c.len_utf8()));
                    byte += c.len_utf8();
                }
            }
        }
        close(&mut hunk, &mut hunks);
        if self.secondary {
            // Aligned with a paragraph paired elsewhere: only its kept values count.
            hunks.clear();
        }
        // In each hunk, a value replaced by a number is a hand change.
        let found = numbers::scan(text, self.report.period.year);
        for (deleted, start, end) in hunks {
            // Each hunk once: in the part (run-in heading or body) where it begins.
            let last = to == text.len();
            if start < from || start > to || (start == to && !last) {
                continue;
            }
            // The numbers typed where values were: those the reader finds overlapping the
            // inserted text, else any run of digits or Chinese numerals in it, so that no
            // number changed by hand passes as new text.
            let mut spans: Vec<(usize, usize)> = found
                .iter()
                .filter(|f| f.start < end && start < f.end && f.start >= from && f.end <= to)
                .map(|f| (f.start, f.end))
                .collect();
            if spans.is_empty() {
                spans = numeral_runs(text, start.max(from), end.min(to));
            }
            let mut numbers_here = spans.into_iter();
            for k in deleted {
                let old_text = self.mark_text(k);
                if !old_text.chars().any(is_numeral) {
                    self.deleted.insert(k);
                    continue;
                }
                let Some((f_start, f_end)) = numbers_here.next() else {
                    self.deleted.insert(k);
                    continue;
                };
                let f = Span { start: f_start, end: f_end };
                let new_text = text[f.start..f.end].to_string();
                let figures = self.figures_of(k).to_vec();
                let (name, label, source) = match figures.first() {
                    Some(m) => (
                        m.figure.name.clone(),
                        m.figure.decl.label.clone().unwrap_or_default(),
                        m.figure.source.to_string(),
                    ),
                    None => ("period".to_string(), String::new(), String::new()),
                };
                let mut computed = self.computed(k, &old_text);
                if computed.is_none() {
                    // Written back as the data file would hold it, and read back as build reads it.
                    match new_literal(&figures[0].figure, &new_text, self.report.period) {
                        Some(literal) => {
                            self.accepted.insert(
                                name.clone(),
                                (
                                    figures[0].figure.source.file.clone(),
                                    figures[0].figure.source.line,
                                    figures[0].figure.entered.clone(),
                                    literal,
                                ),
                            );
                            let expr = self.expression(k, &old_text).unwrap_or_else(|| name.clone());
                            fixed.push((f.start, f.end, Piece::Figure(expr, None)));
                            inserted.retain(|(a, b)| *b <= f.start || *a >= f.end);
                        }
                        None => computed = Some(t!("import.into_unreadable", value = new_text).into_owned()),
                    }
                }
                self.hand.push(HandChange {
                    name,
                    label,
                    source,
                    old: old_text,
                    new: new_text,
                    paragraph: para.clone(),
                    computed,
                });
            }
        }
        fixed.sort_by_key(|(a, _, _)| *a);
        let mut out = Vec::new();
        let mut at = from;
        for (a, b, piece) in fixed {
            if a < at {
                continue;
            }
            out.extend(self.text_pieces(text, at, a, &inserted));
            out.push(piece);
            at = b;
        }
        out.extend(self.text_pieces(text, at, to, &inserted));
        Ok(merge(out))
    }

    /// Text between values: numbers typed in are new figures, the template's own text stays.
    fn text_pieces(&mut self, text: &str, from: usize, to: usize, inserted: &[(usize, usize)]) -> Vec<Piece> {
        if from >= to {
            return Vec::new();
        }
        let segment = &text[from..to];
        let ranges: Vec<(usize, usize)> = inserted
            .iter()
            .filter(|(a, b)| *b > from && *a < to)
            .map(|(a, b)| (a.max(&from) - from, b.min(&to) - from))
            .collect();
        if ranges.is_empty() {
            return vec![Piece::Text(segment.to_string())];
        }
        self.namer.text(segment, ranges, 0)
    }

    /// The lists of the summary.
    fn finish(&mut self, summary: &mut Summary) {
        for k in &self.kept {
            for f in self.figures_of(*k) {
                summary.kept.insert(f.figure.name.clone());
            }
        }
        let mut removed = BTreeMap::new();
        for k in &self.deleted {
            for f in self.figures_of(*k) {
                let name = &f.figure.name;
                if !summary.kept.contains(name) && !self.accepted.contains_key(name) {
                    removed.insert(name.clone(), f.figure.decl.label.clone().unwrap_or_default());
                }
            }
        }
        summary.removed = removed.into_iter().collect();
        summary.new_figures = self
            .namer
            .figures()
            .iter()
            .map(|f| (f.name.clone(), f.value.clone(), f.decl.label.clone().unwrap_or_default()))
            .collect();
        summary.hand = self.hand.clone();
        summary.checks = self.checks.clone();
        summary.checks.extend(self.namer.checks().iter().cloned());
    }

    /// The files of the update.
    fn files(
        &self,
        doc: &Templated,
        title_raw: Option<&str>,
        summary: &Summary,
        report: &pipeline::Report,
    ) -> Result<Files> {
        let period = report.period;
        let mut template_text = write::template(doc);
        // The title as the template wrote it, when it is unchanged.
        if let (Some(raw), Some(at)) = (title_raw, template_text.find("\n# ")) {
            let end = template_text[at + 1..].find('\n').map_or(template_text.len(), |e| at + 1 + e);
            template_text.replace_range(at + 1..end, raw.trim_end());
        }
        if let Some(first) = template_text.find("-#}\n") {
            template_text = format!(
                "{{#- {} -#}}\n{}{}",
                t!("import.into_template_comment", period = period, file = self.shown),
                self.preamble,
                &template_text[first + 4..]
            );
        }
        let decls: Vec<String> = self.namer.figures().iter().map(|f| write::decl_line(&f.name, &f.decl)).collect();
        let catalog_text = insert_decls(&report.catalog_source.text, &decls);
        // Where the template came from decides where the new one goes.
        let old_folder =
            Path::new(&report.template.name).parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let own = old_folder == report.data_dir;
        let ws_config_entry = |folder: &str| format!("{period}: {folder}");
        let (folder, config_entry) = if own {
            (old_folder.clone(), None)
        } else {
            let base = old_folder.rsplit('/').next().unwrap_or("report").to_string();
            let suffix = format!("-{period}");
            // One folder name per first period: an earlier import's period suffix is replaced.
            let base = match base.rsplit_once('-') {
                Some((stem, tail)) if tail.parse::<Period>().is_ok() => stem.to_string(),
                _ => base,
            };
            let folder = format!("templates/{base}{suffix}");
            (folder.clone(), Some(ws_config_entry(&folder)))
        };
        let mut data_edits: BTreeMap<String, Vec<(u64, String, String)>> = BTreeMap::new();
        for (file, line, old, new) in self.accepted.values() {
            data_edits.entry(file.clone()).or_default().push((*line, old.clone(), new.clone()));
        }
        let new_data = (!self.namer.figures().is_empty()).then(|| {
            let title = marks::strip(&self.marked.document.title);
            write::data(period, &title, self.namer.figures())
        });
        let _ = summary;
        Ok(Files {
            folder,
            template: template_text,
            catalog: catalog_text,
            config_entry,
            data_dir: report.data_dir.clone(),
            new_data,
            data_edits,
        })
    }
}

/// The tables of a template as written: each run of lines that are table rows (`| … |`) or
/// statements between them (`{% for %}`, `{% endfor %}`), holding at least two rows.
fn table_sources(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |current: &mut Vec<&str>| {
        // Statements after the last row belong to what follows.
        while current.last().is_some_and(|l| !l.trim_start().starts_with('|')) {
            current.pop();
        }
        if current.iter().filter(|l| l.trim_start().starts_with('|')).count() >= 2 {
            out.push(current.join("\n") + "\n");
        }
        current.clear();
    };
    for line in template.lines() {
        let t = line.trim_start();
        let row = t.starts_with('|');
        let statement = t.starts_with("{%") && t.ends_with("%}") && !current.is_empty();
        if row || statement {
            if !row && current.is_empty() {
                continue;
            }
            current.push(line);
        } else {
            flush(&mut current);
        }
    }
    flush(&mut current);
    out
}

/// The `{% set %}` statements of a template before its title line (comments left out).
fn preamble(template: &str) -> String {
    let head = match template.find("\n# ") {
        Some(at) => &template[..at + 1],
        None if template.starts_with("# ") => "",
        None => return String::new(),
    };
    // Only statements: comments and text would be written twice.
    let mut out = String::new();
    let mut rest = head;
    while let Some(start) = rest.find("{%") {
        let Some(end) = rest[start..].find("%}") else { break };
        let tag = &rest[start..start + end + 2];
        let inner = tag.trim_start_matches("{%").trim_start_matches('-').trim();
        if inner.starts_with("set ") && !inner.contains('=') {
            // A set block: up to its endset.
            let Some(close) = rest[start..].find("endset") else { break };
            let Some(stop) = rest[start + close..].find("%}") else { break };
            out.push_str(&rest[start..start + close + stop + 2]);
            out.push('\n');
            rest = &rest[start + close + stop + 2..];
            continue;
        }
        if inner.starts_with("set ") {
            out.push_str(tag);
            out.push('\n');
        }
        rest = &rest[start + end + 2..];
    }
    out
}

/// A stretch of the edited text.
struct Span {
    start: usize,
    end: usize,
}

/// A digit or a Chinese numeral: what a value that is a number is written with.
fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || "〇零一二三四五六七八九十百千万亿两".contains(c)
}

/// Runs of numerals (and a decimal point inside digits) in `text[from..to]`, as byte spans.
fn numeral_runs(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if from >= to {
        return out;
    }
    let mut run: Option<(usize, usize)> = None;
    for (i, c) in text[from..to].char_indices() {
        let at = from + i;
        let inside = is_numeral(c) || (c == '.' && run.is_some());
        match (&mut run, inside) {
            (Some((_, end)), true) => *end = at + c.len_utf8(),
            (None, true) => run = Some((at, at + c.len_utf8())),
            (Some(_), false) => out.extend(run.take()),
            (None, false) => {}
        }
    }
    out.extend(run);
    out
}

/// A hand-typed number as the figure's data would hold it (`11950`, `6590.00万元`, `64.50%`),
/// when it reads back to exactly the text typed.
fn new_literal(figure: &Figure, shown: &str, period: Period) -> Option<String> {
    let decl = &figure.decl;
    let digits: String = shown.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
    let has_unit = figure.entered.trim().chars().last().is_some_and(|c| !c.is_ascii_digit());
    let literal = match decl.kind {
        Kind::Percent => format!("{digits}%"),
        Kind::Money => format!("{digits}{}", decl.display_unit()),
        Kind::Count | Kind::Quantity if has_unit => format!("{digits}{}", decl.display_unit()),
        _ => digits,
    };
    let value = crate::figures::parse_value(decl, &literal, period).ok()?;
    let back = Figure { value, entered: literal.clone(), ..figure.clone() };
    (back.display() == shown).then_some(literal)
}

/// The catalog with new declarations at the end of its `figures:` mapping.
fn insert_decls(catalog: &str, decls: &[String]) -> String {
    if decls.is_empty() {
        return catalog.to_string();
    }
    let lines: Vec<&str> = catalog.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("figures:")) else {
        return format!(
            "{catalog}\nfigures:\n{}\n",
            decls.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n")
        );
    };
    let end = (start + 1..lines.len())
        .find(|&i| !lines[i].is_empty() && !lines[i].starts_with([' ', '\t', '#']))
        .unwrap_or(lines.len());
    // After the last entry, before blank lines and comments that belong to what follows.
    let mut at = end;
    while at > start + 1 && (lines[at - 1].trim().is_empty() || lines[at - 1].starts_with('#')) {
        at -= 1;
    }
    let indent: String = lines
        .get(start + 1..end)
        .and_then(|ls| ls.iter().find(|l| l.starts_with(' ')))
        .map(|l| l.chars().take_while(|c| *c == ' ').collect())
        .unwrap_or_else(|| "  ".to_string());
    let mut out: Vec<String> = lines[..at].iter().map(|s| s.to_string()).collect();
    out.push(format!("{indent}# {}", t!("import.into_catalog_comment")));
    out.extend(decls.iter().map(|d| format!("{indent}{d}")));
    out.extend(lines[at..].iter().map(|s| s.to_string()));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// zongjie.yaml with a `template_from:` entry added (the file made when there is none).
fn config_with(config: Option<&str>, entry: &str) -> String {
    let text = config.unwrap_or("");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let key = entry.split(':').next().unwrap_or("").trim().to_string();
    match lines.iter().position(|l| l.starts_with("template_from:")) {
        Some(at) => {
            let mut end = at + 1;
            while end < lines.len() && lines[end].starts_with([' ', '\t']) {
                end += 1;
            }
            // The same first period again: the entry is replaced.
            lines.retain(|l| !(l.trim_start().starts_with(&format!("{key}:")) && l.starts_with(' ')));
            let end = end.min(lines.len());
            lines.insert(end, format!("  {entry}"));
        }
        None => {
            lines.push(format!("# {}", t!("import.into_config_comment")));
            lines.push("template_from:".to_string());
            lines.push(format!("  {entry}"));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The files an import into a period writes.
struct Files {
    folder: String,
    template: String,
    catalog: String,
    config_entry: Option<String>,
    data_dir: String,
    new_data: Option<String>,
    /// YAML files: (line, old literal, new literal).
    data_edits: BTreeMap<String, Vec<(u64, String, String)>>,
}

impl Files {
    /// Each file's new bytes, workspace-relative, as they would be written under `root`.
    fn contents(&self, root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = vec![
            (format!("{}/{TEMPLATE_FILE}", self.folder), self.template.clone().into_bytes()),
            (format!("{}/{CATALOG_FILE}", self.folder), self.catalog.clone().into_bytes()),
        ];
        if let Some(data) = &self.new_data {
            let mut name = NEW_DATA_FILE.to_string();
            let mut n = 2;
            while root.join(&self.data_dir).join(&name).exists() {
                name = format!("修改稿新增{n}.yaml");
                n += 1;
            }
            out.push((format!("{}/{name}", self.data_dir), data.clone().into_bytes()));
        }
        for (file, edits) in &self.data_edits {
            let text = std::fs::read_to_string(root.join(file)).map_err(|e| Error::io(file.clone(), e))?;
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            for (line, old, new) in edits {
                let Some(l) = lines.get_mut((*line as usize).saturating_sub(1)) else { continue };
                let colon = l.find(':').map_or(0, |i| i + 1);
                if let Some(at) = l[colon..].find(old.as_str()) {
                    l.replace_range(colon + at..colon + at + old.len(), new);
                }
            }
            out.push((file.clone(), lines.join("\n").into_bytes()));
        }
        if let Some(entry) = &self.config_entry {
            let config = std::fs::read_to_string(root.join(CONFIG_FILE)).ok();
            out.push((CONFIG_FILE.to_string(), config_with(config.as_deref(), entry).into_bytes()));
        }
        Ok(out)
    }

    /// Writes the update under the workspace lock: data files replaced are kept in their
    /// period's `.versions/`, a template folder rewritten keeps its files in its own `.versions/`.
    fn write(&self, root: &Path) -> Result<Vec<String>> {
        use crate::archive::lock::{self, Mode, LOCK_FILE};
        let _lock = lock::acquire(&root.join(LOCK_FILE), LOCK_FILE, Mode::Write, true, || {})?;
        let contents = self.contents(root)?;
        let mut written = Vec::new();
        // zongjie.yaml last: until it names the new folder, every period builds as before.
        for (rel, bytes) in contents {
            let path = root.join(&rel);
            let dir = path.parent().unwrap_or(root).to_path_buf();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if let Ok(old) = std::fs::read(&path) {
                if old == bytes {
                    continue;
                }
                if rel != CONFIG_FILE {
                    let versions = dir.join(crate::data::replace::VERSIONS);
                    let kept = archive::keep_copy(&dir, &name, &versions).map_err(|e| Error::io(rel.clone(), e))?;
                    // The copy is a file written too, listed where it now is.
                    written.push(crate::data::relative(root, &kept.join(&name)));
                }
            }
            archive::write_files(&dir, &[Output { name, bytes }])?;
            written.push(rel);
        }
        Ok(written)
    }
}

/// Builds the period from the updated files in a scratch copy of the workspace (zongjie.yaml,
/// templates/, data/) and lists the edited paragraphs it does not give exactly. A build that
/// fails stops the import: nothing is written.
fn trial(ws: &Workspace, period: Period, files: &Files, edited: &[String]) -> Result<Vec<String>> {
    let root = &std::env::temp_dir().join(format!("zongjie-into-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(root);
    let result = trial_in(ws, root, period, files, edited);
    let _ = std::fs::remove_dir_all(root);
    result
}

fn trial_in(ws: &Workspace, root: &Path, period: Period, files: &Files, edited: &[String]) -> Result<Vec<String>> {
    for top in ["templates", "data"] {
        for entry in walkdir::WalkDir::new(ws.root.join(top)).into_iter().filter_map(|e| e.ok()) {
            let rel = entry.path().strip_prefix(&ws.root).unwrap_or(entry.path());
            if rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
                continue;
            }
            let target = root.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).map_err(|e| Error::io(rel.display().to_string(), e))?;
            } else if entry.file_type().is_file() {
                std::fs::copy(entry.path(), &target).map_err(|e| Error::io(rel.display().to_string(), e))?;
            }
        }
    }
    if let Some(bytes) = &ws.config_bytes {
        std::fs::write(root.join(CONFIG_FILE), bytes).map_err(|e| Error::io(CONFIG_FILE, e))?;
    }
    for (rel, bytes) in files.contents(&ws.root)? {
        let path = root.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(rel.clone(), e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(rel.clone(), e))?;
    }
    let trial_ws = Workspace::open(root)?;
    let built = pipeline::prepare(&trial_ws, period)
        .map_err(|e| Error::Stopped(t!("import.into_not_built", why = e.to_string()).into_owned()))?;
    let got: Vec<String> = units(&built.document).iter().map(|u| u.text.clone()).collect();
    let mut out = Vec::new();
    for (i, want) in edited.iter().enumerate() {
        if got.get(i) != Some(want) {
            out.push(
                t!(
                    "import.into_differs",
                    n = i + 1,
                    want = start_of(want),
                    got = got.get(i).map(|g| start_of(g)).unwrap_or_default()
                )
                .into_owned(),
            );
        }
    }
    if got.len() > edited.len() {
        out.push(t!("import.into_extra", n = got.len() - edited.len()).into_owned());
    }
    Ok(out)
}
