//! `zongjie import`: a past report (.md, .docx, .txt) becomes a template, a catalog and a period's
//! data, so that `build` writes the same text again and next period only the data changes.
//!
//! Stages, one module each: [`read`] (file → paragraphs), [`structure`] (title, headings, 落款,
//! the period), [`numbers`] (each number and its kind), [`naming`] (a readable name for each
//! figure), [`write`] (template, catalog, data, written whole or not at all). Every figure is
//! checked here as `build` will read and write it (the catalog's parser, the data's parser, the
//! template's filters); a number that would not come back exactly becomes a text figure and is
//! listed for the user to check. At the end the new workspace is built in memory and compared
//! with the report read.

pub mod into;
pub mod naming;
pub mod numbers;
pub mod read;
pub mod structure;
pub mod words;
pub mod write;

use crate::error::{Error, Problem, Result, Source};
use crate::figures::{self, Figure, FigureValue};
use crate::model::{FigureDecl, Kind};
use crate::render::document::{Block, Document};
use crate::values::period::Period;
use crate::values::words::{Approx, DateStyle};
use numbers::{Found, Role};
use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to import and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The report file.
    pub file: PathBuf,
    /// The workspace root.
    pub root: PathBuf,
    /// The template folder's name under templates/ (default: the file's name).
    pub name: Option<String>,
    /// The period (default: guessed from the title and the date).
    pub period: Option<Period>,
}

/// What an import wrote and what the user should look at.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Files written, workspace-relative.
    pub written: Vec<String>,
    /// The period of the data.
    pub period: Period,
    /// Whether the period was guessed (not given with --period).
    pub guessed: bool,
    /// Figures by kind, in catalog order of kinds.
    pub counts: Vec<(Kind, usize)>,
    /// Lines to check: a reading that is a guess, a number kept as text, a difference found when
    /// building the new workspace.
    pub checks: Vec<String>,
    /// What to do with zongjie.yaml when it names other templates (it is then left alone).
    pub config_note: Option<String>,
    /// Township tables made, by name.
    pub tables: Vec<String>,
}

/// One figure of the new catalog.
#[derive(Debug, Clone)]
pub struct NewFigure {
    /// Its name.
    pub name: String,
    /// Its declaration.
    pub decl: FigureDecl,
    /// The value as the data file gives it.
    pub value: String,
    /// The 一、 part it first appears in, for the catalog's comments.
    pub part: String,
}

/// A piece of a text of the template: literal text, or a figure with its filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text as it is.
    Text(String),
    /// `{{ name }}` or `{{ name | filter }}`.
    Figure(String, Option<String>),
}

/// The report as the template will write it: each text of the document in pieces.
#[derive(Debug, Clone)]
pub struct Templated {
    /// The title.
    pub title: Vec<Piece>,
    /// The blocks, in the document's order.
    pub blocks: Vec<TemplatedBlock>,
}

/// A block of the document with its texts in pieces.
#[derive(Debug, Clone)]
pub enum TemplatedBlock {
    /// A heading.
    Heading(crate::render::document::Level, Vec<Piece>),
    /// A paragraph with its run-in heading.
    Paragraph(Option<(crate::render::document::Level, Vec<Piece>)>, Vec<Piece>),
    /// A table: header and rows, cells in pieces.
    Table(Vec<Vec<Piece>>, Vec<Vec<Vec<Piece>>>),
    /// The 落款 lines.
    Signature(Vec<Vec<Piece>>),
    /// Template text kept as it was written (`import --into`: an unchanged table with its loop).
    Raw(String),
    /// A township table: its header as written, the table's name, the label column's key and
    /// each column's key, and the total row's label.
    Township {
        /// Header cells as written.
        header: Vec<String>,
        /// The table's name (`表格.NAME`).
        name: String,
        /// Keys of the columns after the label column.
        keys: Vec<String>,
        /// The label column's key (乡镇).
        label: String,
        /// The total row's label as written (合计).
        total: String,
    },
}

/// A township table of the new catalog, with its data file.
#[derive(Debug, Clone)]
pub struct NewTable {
    /// Its name: the catalog key and the CSV file's name.
    pub name: String,
    /// The label column's header (乡镇).
    pub label: String,
    /// The total row's label (合计).
    pub total: String,
    /// Columns: key, header without unit, kind, decimals.
    pub columns: Vec<(String, String, Kind, Option<u32>)>,
    /// The CSV text.
    pub csv: String,
}

/// Imports a report into a workspace.
pub fn import(options: &Options) -> Result<Summary> {
    let shown = options.file.display().to_string();
    // A report is a few hundred KB even as .docx with pictures; reading stops past the limit, so
    // a device or a huge file never fills the memory.
    // Only a regular file (a link to one is followed): opening a pipe would wait forever for a
    // writer, and a device or a folder is no report.
    match std::fs::metadata(&options.file) {
        Ok(meta) if !meta.is_file() => {
            return Err(Problem::at(Source::file(shown.as_str()), t!("import.not_a_file")).into());
        }
        Ok(_) => {}
        Err(e) => return Err(Error::io(&shown, e)),
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&options.file)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, INPUT_MAX + 1), &mut bytes))
        .map_err(|e| Error::io(&shown, e))?;
    if bytes.len() as u64 > INPUT_MAX {
        return Err(Problem::at(Source::file(shown.as_str()), t!("import.too_big", mb = INPUT_MAX >> 20)).into());
    }
    let extension = options.file.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let structured = match read::read(&bytes, &extension, &shown)? {
        read::Input::Markdown(doc) => {
            let lines = (1..=doc.blocks.len()).collect();
            structure::Structured { doc, lines }
        }
        read::Input::Paragraphs(paras) => structure::structure(paras),
    };
    let mut structured = structured;
    // A report without a title line: the file's name stands in for it. A long title (关于…的
    // 报告) is kept whole: where it names a file, the file name is shortened, never the title
    // (pipeline::file_stem).
    if structured.doc.title.is_empty() {
        structured.doc.title = options.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    }
    let doc = &structured.doc;
    if doc.title.is_empty() || (doc.blocks.is_empty()) {
        return Err(Problem::at(Source::file(&shown), t!("import.no_report")).into());
    }
    let signature: Vec<String> = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Signature { lines } => Some(lines.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let date =
        signature.last().and_then(|l| structure::split_date_at_end(l)).and_then(|(u, d)| d.filter(|_| u.is_empty()));
    let first_year = structure::first_year_in(&doc.plain_text());
    let (period, guessed) = match options.period {
        Some(p) => (p, false),
        None => match structure::guess_period(&doc.title, date, first_year) {
            Some(p) => (p, true),
            None => return Err(Problem::at(Source::file(&shown), t!("import.no_period")).into()),
        },
    };
    let name = template_name(options)?;
    let unit = (signature.len() >= 2).then(|| signature[0].clone()).filter(|u| !u.is_empty());
    let collect = |split_dates: bool, text_only: &std::collections::BTreeSet<String>| {
        let mut collector = Collector::new(period, &shown);
        collector.unit = unit.clone();
        collector.split_dates = split_dates;
        collector.text_only = text_only.clone();
        let templated = collector.document(doc, &structured.lines, date);
        (collector, templated)
    };
    let mut text_only = std::collections::BTreeSet::new();
    let (mut collector, mut templated) = collect(false, &text_only);
    // The catalog takes its only date for the report date when the 落款 gives none.
    let dates = collector.figures.iter().filter(|f| f.decl.kind == Kind::Date).count();
    let split_dates = !collector.by_name.contains_key("落款.日期") && dates > 0;
    if split_dates {
        (collector, templated) = collect(true, &text_only);
    }
    // A trial build of the new workspace in a scratch folder: a figure it refuses is kept as
    // text and the import tried again; what still differs is listed.
    let mut attempts = 0;
    let (files, style, differences) = loop {
        let files = write::Files::new(period, &doc.title, &collector.figures, &collector.tables, &templated);
        let style = if collector.chinese_dates { DateStyle::Chinese } else { DateStyle::Arabic };
        let (refused, differences, failed) = trial_build(&files, &name, period, style, doc);
        let refused: Vec<String> =
            refused.into_iter().filter(|f| collector.by_name.contains_key(f) && !text_only.contains(f)).collect();
        if refused.is_empty() || attempts == 3 {
            // A workspace that would not build is not written: the office would only meet the
            // failure later, at `build`.
            if let Some(why) = failed {
                return Err(Error::Stopped(t!("import.not_written", why = why).into_owned()));
            }
            break (files, style, differences);
        }
        text_only.extend(refused);
        attempts += 1;
        (collector, templated) = collect(split_dates, &text_only);
    };
    // One writer per workspace, like build and new: two imports at once both rewrite
    // zongjie.yaml's `template:` line, and the second would drop the first's.
    std::fs::create_dir_all(&options.root).map_err(|e| Error::io(options.root.display().to_string(), e))?;
    let _lock = crate::archive::lock::acquire(
        &options.root.join(crate::archive::lock::LOCK_FILE),
        crate::archive::lock::LOCK_FILE,
        crate::archive::lock::Mode::Write,
        true,
        || {},
    )?;
    let (written, config_note) = write::write(&options.root, &name, period, &files, style)?;
    let mut checks = collector.checks;
    checks.extend(differences);
    if guessed {
        checks.insert(0, t!("import.period_guessed", period = period).into());
    }
    let mut counts: BTreeMap<u8, (Kind, usize)> = BTreeMap::new();
    for f in &collector.figures {
        counts.entry(kind_order(f.decl.kind)).or_insert((f.decl.kind, 0)).1 += 1;
    }
    let tables = collector.tables.iter().map(|t| t.name.clone()).collect();
    Ok(Summary { written, period, guessed, counts: counts.into_values().collect(), checks, config_note, tables })
}

/// The largest report file import reads.
const INPUT_MAX: u64 = 64 << 20;

fn kind_order(kind: Kind) -> u8 {
    [Kind::Count, Kind::Money, Kind::Percent, Kind::Quantity, Kind::Year, Kind::Month, Kind::Date, Kind::Text]
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0) as u8
}

/// The template folder's name: --name, else the file's name without its extension; one plain
/// folder name.
fn template_name(options: &Options) -> Result<String> {
    let name = match &options.name {
        Some(n) => n.trim().to_string(),
        None => options.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    // 100 bytes: the staging folder's name adds to it, and a file system allows 255.
    if name.is_empty()
        || name.starts_with('.')
        || name.contains(['/', '\\'])
        || name.chars().any(crate::archive::is_invisible)
        || name.len() > 100
    {
        return Err(Problem::at(Source::file(format!("templates/{name}")), t!("import.bad_name", name = name)).into());
    }
    Ok(name)
}

/// Writes the new workspace into a scratch folder and builds the period in memory: the figures
/// the build refuses, every block that does not come back as the report had it, and why the
/// build failed, if it did.
fn trial_build(
    files: &write::Files,
    name: &str,
    period: Period,
    style: DateStyle,
    doc: &Document,
) -> (Vec<String>, Vec<String>, Option<String>) {
    static TRIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = TRIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = std::env::temp_dir().join(format!("zongjie-import-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let result = write::write(&scratch, name, period, files, style)
        .and_then(|_| crate::workspace::Workspace::open(&scratch))
        .and_then(|ws| crate::pipeline::prepare(&ws, period));
    let _ = std::fs::remove_dir_all(&scratch);
    match result {
        Ok(report) => (Vec::new(), compare_build(&report.document, doc), None),
        Err(e) => {
            let refused = match &e {
                Error::Input(problems) => problems.iter().filter_map(|p| p.figure.clone()).collect(),
                _ => Vec::new(),
            };
            (refused, Vec::new(), Some(e.to_string()))
        }
    }
}

/// Every block of the built document that does not come back as the report had it (there
/// should be none).
fn compare_build(built: &Document, doc: &Document) -> Vec<String> {
    let mut checks = Vec::new();
    if built.title != doc.title {
        checks.push(t!("import.differs", n = 0, was = doc.title, now = built.title).into());
    }
    let text = |b: &Block| {
        Document { title: String::new(), blocks: vec![b.clone()], date: None, appendix: vec![] }.plain_text()
    };
    for (i, (a, b)) in doc.blocks.iter().zip(&built.blocks).enumerate() {
        if a != b {
            checks.push(t!("import.differs", n = i + 1, was = text(a).trim(), now = text(b).trim()).into());
        }
    }
    if doc.blocks.len() != built.blocks.len() {
        checks.push(t!("import.block_count", was = doc.blocks.len(), now = built.blocks.len()).into());
    }
    checks
}

/// Collects the figures of a report: each number found, checked, named and kept once.
struct Collector {
    period: Period,
    shown: String,
    unit: Option<String>,
    figures: Vec<NewFigure>,
    by_name: BTreeMap<String, usize>,
    /// Years are one figure per value, whatever their words.
    years: BTreeMap<String, String>,
    /// Numbered names already given (`工作.件数7`), by their base and the figure's value and
    /// declaration, and the next number of each base: a new name is found at once, not by
    /// trying every number before it (10,000 figures of one base took 23 s).
    numbered: std::collections::HashMap<(String, String), String>,
    next_number: std::collections::HashMap<String, usize>,
    /// Other names for the figure being added when its proposed name is another figure's: its
    /// own words (after the number, its clause, its part), before a number is added.
    alternatives: Vec<String>,
    checks: Vec<String>,
    /// Township tables found.
    tables: Vec<NewTable>,
    /// The label of a table cell's figure (its row and column).
    cell_label: Option<String>,
    /// Figures a trial build refused: kept as text figures.
    text_only: std::collections::BTreeSet<String>,
    /// Dates in the text as year, month and day figures (when the 落款 has no report date).
    split_dates: bool,
    /// Whether the 落款 date is written 二〇二四年七月五日 (GB/T 9704-1999).
    chinese_dates: bool,
    /// The current 一、 heading and the topic of the innermost heading.
    part: String,
    topic: String,
    /// Names a new figure may not take (`import --into`: the catalog's).
    taken: std::collections::BTreeSet<String>,
    /// When set (`import --into`), only numbers overlapping these byte ranges of the text are
    /// new figures; the others were the template's own text and stay text.
    wanted: Option<Vec<(usize, usize)>>,
}

/// The numbers of new or edited text as new figures, named and checked as `import` names and
/// checks them (for `import --into`).
pub struct NewNumbers(Collector);

impl NewNumbers {
    /// A namer for `period`'s text; `taken` are the names already in the catalog.
    pub fn new(period: Period, shown: &str, taken: std::collections::BTreeSet<String>) -> NewNumbers {
        let mut c = Collector::new(period, shown);
        c.taken = taken;
        NewNumbers(c)
    }

    /// Notes a heading (its topic names the figures under it); `part` for an 一、 heading.
    pub fn heading(&mut self, text: &str, part: bool) {
        if part {
            self.0.part = text.to_string();
        }
        self.0.topic = naming::topic(text);
    }

    /// `text` in pieces: the numbers overlapping `inserted` (byte ranges) are new figures, the
    /// rest is text.
    pub fn text(&mut self, text: &str, inserted: Vec<(usize, usize)>, line: usize) -> Vec<Piece> {
        self.0.wanted = Some(inserted);
        let pieces = self.0.text(text, line);
        self.0.wanted = None;
        pieces
    }

    /// The new figures so far.
    pub fn figures(&self) -> &[NewFigure] {
        &self.0.figures
    }

    /// What to check (a number kept as text, an approximation).
    pub fn checks(&self) -> &[String] {
        &self.0.checks
    }
}

impl Collector {
    fn new(period: Period, shown: &str) -> Collector {
        Collector {
            period,
            shown: shown.to_string(),
            unit: None,
            figures: Vec::new(),
            by_name: BTreeMap::new(),
            years: BTreeMap::new(),
            numbered: std::collections::HashMap::new(),
            next_number: std::collections::HashMap::new(),
            alternatives: Vec::new(),
            checks: Vec::new(),
            chinese_dates: false,
            split_dates: false,
            tables: Vec::new(),
            cell_label: None,
            text_only: std::collections::BTreeSet::new(),
            part: String::new(),
            topic: "报告".into(),
            taken: Default::default(),
            wanted: None,
        }
    }

    fn document(&mut self, doc: &Document, lines: &[usize], date: Option<chrono::NaiveDate>) -> Templated {
        let title = self.text(&doc.title, 0);
        let mut blocks = Vec::new();
        for (i, block) in doc.blocks.iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(0);
            blocks.push(match block {
                Block::Heading { level, text } => {
                    if *level == crate::render::document::Level::Part {
                        self.part = text.clone();
                    }
                    self.topic = naming::topic(text);
                    TemplatedBlock::Heading(*level, self.heading(text, line))
                }
                Block::Paragraph { lead, text } => {
                    let lead = lead.as_ref().map(|(level, l)| {
                        self.topic = naming::topic(l);
                        (*level, self.heading(l, line))
                    });
                    TemplatedBlock::Paragraph(lead, self.text(text, line))
                }
                Block::Table { header, rows, .. } if self.township(header, rows).is_some() => self
                    .township(header, rows)
                    .map(|(block, table)| {
                        self.tables.push(table);
                        block
                    })
                    .unwrap_or(TemplatedBlock::Table(Vec::new(), Vec::new())),
                Block::Table { header, rows, .. } => {
                    let head: Vec<Vec<Piece>> = header.iter().map(|h| self.text(h, line)).collect();
                    let mut out = Vec::new();
                    for row in rows {
                        let label = row.first().cloned().unwrap_or_default();
                        let mut cells = Vec::new();
                        for (c, cell) in row.iter().enumerate() {
                            let column = header.get(c).cloned().unwrap_or_default();
                            let saved = std::mem::replace(&mut self.topic, naming::clean(&label));
                            cells.push(if c == 0 {
                                vec![Piece::Text(cell.clone())]
                            } else {
                                self.cell(cell, &column, line)
                            });
                            self.topic = saved;
                        }
                        out.push(cells);
                    }
                    TemplatedBlock::Table(head, out)
                }
                Block::Signature { lines: sig } => {
                    let mut out = Vec::new();
                    for (j, l) in sig.iter().enumerate() {
                        let is_date = j + 1 == sig.len() && j > 0;
                        out.push(match (is_date, date) {
                            (true, Some(d)) => self.signature_date(d, l, line),
                            _ => self.text(l, line),
                        });
                    }
                    TemplatedBlock::Signature(out)
                }
            });
        }
        Templated { title, blocks }
    }

    /// The 落款's date: 落款.日期, the report date, when it is one for the period (after its end,
    /// within a year); else its numbers as figures of their own, so that `check` has nothing to say.
    fn signature_date(&mut self, d: chrono::NaiveDate, written: &str, line: usize) -> Vec<Piece> {
        let as_of = self
            .figures
            .iter()
            .find(|f| f.decl.kind == Kind::Month && f.decl.in_period)
            .and_then(|f| f.value.parse::<u32>().ok())
            .and_then(|m| chrono::NaiveDate::from_ymd_opt(self.period.year, m, 1))
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .and_then(|next| next.pred_opt())
            .filter(|end| *end <= self.period.last_day())
            .unwrap_or(self.period.last_day());
        let latest = self.period.last_day().checked_add_months(chrono::Months::new(12)).unwrap_or(as_of);
        let style = [DateStyle::Arabic, DateStyle::Chinese]
            .into_iter()
            .find(|s| crate::values::words::format_date(d, *s) == written);
        match style {
            Some(style) if d > as_of && d <= latest => {
                self.chinese_dates = style == DateStyle::Chinese;
                self.add_fixed("落款.日期", Kind::Date, d.to_string(), "成文日期");
                vec![Piece::Figure("落款.日期".into(), Some("日期".into()))]
            }
            _ => {
                self.checks.push(
                    t!("import.not_report_date", file = self.shown, line = line, date = written, period = self.period)
                        .into(),
                );
                use chrono::Datelike;
                if format!("{}年{}月{}日", d.year(), d.month(), d.day()) != written {
                    return self.text(written, line);
                }
                // Year, month and day on their own: a date figure would be taken as the report date.
                self.date_parts(d, "落款", true)
            }
        }
    }

    /// A date as year, month and day figures: `{{ 落款.年份 }}年{{ 落款.月份 }}月{{ 落款.日 }}日`.
    fn date_parts(&mut self, d: chrono::NaiveDate, group: &str, with_year: bool) -> Vec<Piece> {
        use chrono::Datelike;
        let mut pieces = Vec::new();
        if with_year {
            let name = self.add_fixed(&format!("{group}.年份"), Kind::Year, d.year().to_string(), "年份");
            pieces.extend([Piece::Figure(name, None), Piece::Text("年".into())]);
        }
        let month = self.add_fixed(&format!("{group}.月份"), Kind::Month, d.month().to_string(), "月份");
        let day = self.add_fixed(&format!("{group}.日"), Kind::Count, d.day().to_string(), "日");
        pieces.extend([
            Piece::Figure(month, None),
            Piece::Text("月".into()),
            Piece::Figure(day, None),
            Piece::Text("日".into()),
        ]);
        pieces
    }

    /// A heading: its number (1. （1）) is the heading's place, not a figure.
    fn heading(&mut self, text: &str, line: usize) -> Vec<Piece> {
        let marker = structure::heading_marker(text).map_or(0, |(_, _, len)| len);
        let mut pieces = vec![Piece::Text(text[..marker].to_string())];
        pieces.extend(self.text(&text[marker..], line));
        if let [Piece::Text(a), Piece::Text(b), ..] = pieces.as_mut_slice() {
            a.push_str(b);
            pieces.remove(1);
        }
        pieces
    }

    /// A table with a total row (合计) last, whose columns are numbers that the total sums: a
    /// township table, its rows in a CSV file, written by a loop. None for any other table (its
    /// cells are figures one by one).
    fn township(&self, header: &[String], rows: &[Vec<String>]) -> Option<(TemplatedBlock, NewTable)> {
        use rust_decimal::Decimal;
        let (last, body) = rows.split_last()?;
        let total = last.first()?.clone();
        if header.len() < 2
            || body.is_empty()
            || !crate::model::table::TOTAL_WORDS.contains(&crate::model::table::row_key(&total).as_str())
        {
            return None;
        }
        let label = naming::clean(&header[0]);
        let mut labels = std::collections::BTreeSet::new();
        for row in body {
            let l = row.first()?;
            if row.len() != header.len()
                || l.is_empty()
                || l.contains(|c: char| c.is_ascii_digit())
                || !labels.insert(crate::model::table::row_key(l))
            {
                return None;
            }
        }
        let mut columns = Vec::new();
        let mut keys = Vec::new();
        for (c, head) in header.iter().enumerate().skip(1) {
            let (name, unit) = crate::data::sheets::split_header(head);
            let key = naming::clean(&name);
            if key.is_empty() || key == label || keys.contains(&key) {
                return None;
            }
            // Every cell a plain number; the kind from the header's unit.
            let mut decimals = None;
            let mut sum = Decimal::ZERO;
            for row in body.iter().chain([last]) {
                let cell = row.get(c)?;
                if cell.is_empty() || !cell.chars().all(|ch| ch.is_ascii_digit() || ch == '.') || cell.starts_with('.')
                {
                    return None;
                }
                if cell.len() > 1 && cell.starts_with('0') && !cell.starts_with("0.") {
                    return None;
                }
                let d = cell.split_once('.').map(|(_, f)| f.len() as u32);
                if decimals.is_some() && decimals != d {
                    return None;
                }
                decimals = d;
                if !std::ptr::eq(row, last) {
                    sum += cell.parse::<Decimal>().ok()?;
                }
            }
            let kind = match unit.as_deref() {
                Some("万元") => Kind::Money,
                Some("%" | "％") => Kind::Percent,
                Some(u) if u.ends_with('元') => return None,
                _ if decimals.is_some() => Kind::Quantity,
                _ => Kind::Count,
            };
            let total_value = last.get(c)?.parse::<Decimal>().ok()?;
            if kind != Kind::Percent && sum != total_value {
                return None;
            }
            let decimals = match kind {
                Kind::Count => None,
                _ => Some(decimals.unwrap_or(0)),
            };
            columns.push((key.clone(), name, kind, decimals));
            keys.push(key);
        }
        let name = format!("{}分{label}", if self.topic == "报告" { "" } else { &self.topic });
        let name = naming::clean(&name);
        if name.is_empty() || self.tables.iter().any(|t| t.name == name) {
            return None;
        }
        let mut writer = csv::Writer::from_writer(Vec::new());
        let head: Vec<String> = header.iter().map(|h| h.chars().filter(|c| !c.is_whitespace()).collect()).collect();
        writer.write_record(&head).ok()?;
        for row in rows {
            // A township named like a formula is written as text (OWASP); sheets reads it back.
            writer.write_record(row.iter().map(|c| crate::values::csv_cell(c).into_owned())).ok()?;
        }
        let csv = String::from_utf8(writer.into_inner().ok()?).ok()?;
        let table = NewTable {
            name: name.clone(),
            label: crate::data::sheets::split_header(&header[0]).0,
            total: total.clone(),
            columns,
            csv,
        };
        Some((
            TemplatedBlock::Township { header: header.to_vec(), name, keys, label: table.label.clone(), total },
            table,
        ))
    }

    /// A table cell: its number named by the row's label and the column's header.
    fn cell(&mut self, cell: &str, column: &str, line: usize) -> Vec<Piece> {
        let found = numbers::scan(cell, self.period.year);
        if found.len() != 1 {
            return self.text(cell, line);
        }
        let f = &found[0];
        let proposed =
            format!("{}.{}", if self.topic.is_empty() { "表格" } else { &self.topic }, naming::clean(column));
        let mut pieces = vec![Piece::Text(cell[..f.start].to_string())];
        self.cell_label = Some(format!("{} {column}", self.topic));
        pieces.extend(self.figure(cell, f, proposed, line));
        self.cell_label = None;
        pieces.push(Piece::Text(cell[f.end..].to_string()));
        pieces.retain(|p| !matches!(p, Piece::Text(t) if t.is_empty()));
        pieces
    }

    /// A text of the report in pieces: the issuing unit's name and every number are figures.
    fn text(&mut self, text: &str, line: usize) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        // The unit's name, wherever it is written, is 单位.名称.
        while let Some(unit) = self.unit.clone() {
            let Some(at) = rest.find(&unit) else { break };
            self.numbers(text, offset, offset + at, line, &mut pieces);
            self.add_fixed("单位.名称", Kind::Text, unit.clone(), "发文单位（落款）");
            pieces.push(Piece::Figure("单位.名称".into(), None));
            offset += at + unit.len();
            rest = &text[offset..];
        }
        self.numbers(text, offset, text.len(), line, &mut pieces);
        // Neighbouring text pieces are one.
        let mut merged: Vec<Piece> = Vec::new();
        for p in pieces {
            match (merged.last_mut(), p) {
                (Some(Piece::Text(a)), Piece::Text(b)) => a.push_str(&b),
                (_, Piece::Text(b)) if b.is_empty() => {}
                (_, p) => merged.push(p),
            }
        }
        merged
    }

    /// The numbers of `text[from..to]` as figures, the text between them as it is.
    fn numbers(&mut self, text: &str, from: usize, to: usize, line: usize, pieces: &mut Vec<Piece>) {
        let segment = &text[from..to];
        let mut last = 0;
        let mut carried = String::new();
        // The subject of the sentence so far, for a change stated after it.
        let mut sentence = String::new();
        // The name of the number before, for 由70%降至60% (完成率, 完成率降至).
        let mut last_name = String::new();
        for f in numbers::scan(segment, self.period.year) {
            pieces.push(Piece::Text(segment[last..f.start].to_string()));
            if let Some(wanted) = &self.wanted {
                let (a, b) = (from + f.start, from + f.end);
                if !wanted.iter().any(|&(s, e)| s < b && a < e) {
                    // The template's own text: stays as it was written.
                    pieces.push(Piece::Text(segment[f.start..f.end].to_string()));
                    last = f.end;
                    continue;
                }
            }
            let before = &text[..from + f.start];
            let mut subject = naming::subject(before);
            // 11900户20750人: the second number has the first one's words.
            let between = &segment[last..f.start];
            let joined = !between.contains(['，', '。', '；', ',', ';', '（', '(']) && between.chars().count() <= 3;
            if joined && last > 0 && !carried.is_empty() {
                subject = carried.clone();
            }
            if between.contains(['。', '；', '！', '？', ';']) {
                sentence.clear();
            }
            // A year or month with nothing before it is named by what happened then.
            if subject.is_empty() && matches!(f.kind, Kind::Year | Kind::Month | Kind::Date) {
                subject = naming::after(&segment[f.end..]);
            }
            carried = subject.clone();
            // 同比增长4.0%: a change of what the sentence was about (发放低保金.同比增长).
            let measure = matches!(f.kind, Kind::Percent | Kind::Quantity | Kind::Count | Kind::Money);
            let proposed = match (naming::change_to(between), naming::change_of(&subject, &sentence)) {
                (Some(verb), _) if measure && last > 0 && !last_name.is_empty() => format!("{last_name}{verb}"),
                (_, Some(name)) if measure => name,
                _ => self.proposed(&f, &subject),
            };
            last_name = proposed.clone();
            // The clause's own words, for a name another figure already has.
            let clause = segment[..f.start].rfind(['，', '。', '；', ',', ';']).map_or(0, |i| i + 1);
            let clause = (clause..=f.start).find(|i| segment.is_char_boundary(*i)).unwrap_or(f.start);
            self.alternatives = naming::alternatives(
                &proposed,
                &segment[clause..f.start],
                &segment[f.end..],
                &naming::topic(&self.part),
            );
            if !naming::is_change(&subject) && !subject.is_empty() && matches!(f.role, Role::Plain) {
                sentence = subject.clone();
            }
            pieces.extend(self.figure(segment, &f, proposed, line));
            self.alternatives.clear();
            last = f.end;
        }
        pieces.push(Piece::Text(segment[last..].to_string()));
    }

    fn proposed(&self, f: &Found, subject: &str) -> String {
        match (f.kind, f.role) {
            (Kind::Month, Role::AsOfMonth) => "报告.截至月份".into(),
            (Kind::Month, Role::FirstMonth) => "报告.起始月份".into(),
            (Kind::Year, _) if f.value == self.period.year.to_string() => "报告.年份".into(),
            (Kind::Year, _) if f.value == (self.period.year + 1).to_string() => "计划.年份".into(),
            _ => naming::propose(subject, &f.attr, &self.topic),
        }
    }

    /// A found number as a figure: checked as `build` will write it, else kept as a text figure.
    fn figure(&mut self, text: &str, f: &Found, proposed: String, line: usize) -> Vec<Piece> {
        let shown = &text[f.start..f.end];
        // Without a report date in the 落款, a date in the text would be taken for it.
        if self.split_dates && f.kind == Kind::Date {
            if let Ok(d) = f.value.parse::<chrono::NaiveDate>() {
                let group = proposed.replace('.', "");
                return self.date_parts(d, &group, f.filter.as_deref() == Some("日期"));
            }
        }
        let mut decl = FigureDecl::new(f.kind);
        decl.unit = f.unit.clone();
        decl.decimals = match f.kind {
            Kind::Percent | Kind::Money | Kind::Quantity => Some(f.decimals.unwrap_or(0)),
            _ => f.decimals,
        };
        // 156.0万元 as written: the report keeps that zero only when the catalog says fixed.
        let number: String =
            crate::values::units::fold_width(shown).chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
        decl.fixed = f.decimals.unwrap_or(0) > 0 && number.contains('.') && number.ends_with('0');
        let (first, last) = self.period.months();
        decl.in_period = f.role == Role::AsOfMonth && f.value.parse::<u32>().is_ok_and(|m| (first..=last).contains(&m));
        decl.label = Some(self.cell_label.clone().unwrap_or_else(|| label(text, f)));
        // A figure the trial build refused is kept as written.
        let refused = self.text_only.contains(&self.name_for(&proposed, &decl, &f.value));
        let (decl, value, filter) =
            if !refused && self.renders(&decl, &f.value, f.filter.as_deref()).as_deref() == Some(shown) {
                if let Some(note) = &f.note {
                    self.note(line, f, note, shown);
                }
                (decl, f.value.clone(), f.filter.clone())
            } else {
                self.checks.push(t!("import.kept_as_text", file = self.shown, line = line, text = shown).into());
                let mut text_decl = FigureDecl::new(Kind::Text);
                text_decl.label = decl.label.clone();
                (text_decl, shown.to_string(), None)
            };
        let name = self.add(proposed, decl, value);
        vec![Piece::Figure(name, filter)]
    }

    fn note(&mut self, line: usize, f: &Found, note: &str, shown: &str) {
        let message = match (f.kind, f.filter.as_deref()) {
            (Kind::Date, Some("月日")) => {
                t!("import.check_day", file = self.shown, line = line, text = shown, date = f.value)
            }
            (Kind::Text, _) => t!("import.kept_as_text", file = self.shown, line = line, text = shown),
            _ => {
                let mut parts = note.split('|').skip(1);
                let (how, value) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                t!("import.check_approx", file = self.shown, line = line, text = shown, how = how, value = value)
            }
        };
        self.checks.push(message.into());
    }

    /// What the figure will print: the data value read by the data's parser, written by the
    /// figure's display or the template's filter.
    fn renders(&self, decl: &FigureDecl, value: &str, filter: Option<&str>) -> Option<String> {
        // The catalog's own check of the declaration (units, kind).
        let line = write::decl_line("x.y", decl);
        crate::model::Catalog::parse(&format!("figures:\n  {line}\n"), "catalog.yaml").ok()?;
        let parsed = figures::parse_value(decl, value, self.period).ok()?;
        let figure = Figure {
            name: String::new(),
            decl: decl.clone(),
            value: parsed.clone(),
            entered: value.to_string(),
            source: Source::file(""),
            via: None,
        };
        match (filter, &parsed) {
            (None, _) => Some(figure.display()),
            (Some("日期"), FigureValue::Date(d)) => Some(crate::values::words::format_date(*d, DateStyle::Arabic)),
            (Some("月日"), FigureValue::Date(d)) => {
                use chrono::Datelike;
                Some(format!("{}月{}日", d.month(), d.day()))
            }
            (Some("千分位"), _) => Some(crate::values::number::grouped(&figure.display())),
            (Some("成"), FigureValue::Decimal(d)) => crate::values::words::in_cheng(*d).ok(),
            (Some("中文数字"), _) => {
                let shown = figures::in_display_unit(decl, parsed.as_decimal()?);
                let whole = u64::try_from(shown.normalize()).ok().filter(|_| shown.fract().is_zero())?;
                Some(crate::values::words::chinese_number(whole))
            }
            (Some(filter), _) => {
                let (word, place) = filter.split_once("(\"")?;
                let place = place.trim_end_matches("\")");
                let how = [Approx::Over, Approx::About, Approx::Nearly, Approx::Above, Approx::More]
                    .into_iter()
                    .find(|a| a.word() == word)?;
                crate::values::words::approximate(figures::in_display_unit(decl, parsed.as_decimal()?), place, how).ok()
            }
        }
    }

    fn add_fixed(&mut self, name: &str, kind: Kind, value: String, label: &str) -> String {
        if self.by_name.contains_key(name) {
            return name.to_string();
        }
        let mut decl = FigureDecl::new(kind);
        decl.label = Some(label.to_string());
        self.add(name.to_string(), decl, value)
    }

    /// Keeps a figure once: the same name with the same value and declaration is the same
    /// figure; another value under that name gets a name of its own.
    fn add(&mut self, proposed: String, decl: FigureDecl, value: String) -> String {
        let name = self.name_for(&proposed, &decl, &value);
        if !self.by_name.contains_key(&name) {
            let (candidates, base) = self.candidates(&proposed);
            if let Some(n) = name.strip_prefix(base.as_str()).and_then(|n| n.parse::<usize>().ok()) {
                if !candidates.contains(&name) {
                    self.numbered.insert((base.clone(), signature(&decl, &value)), name.clone());
                    let next = self.next_number.entry(base).or_insert(2);
                    *next = (*next).max(n + 1);
                }
            }
            self.by_name.insert(name.clone(), self.figures.len());
            self.figures.push(NewFigure { name: name.clone(), decl, value: value.clone(), part: self.part.clone() });
        }
        if self.figures[self.by_name[&name]].decl.kind == Kind::Year {
            self.years.insert(value, name.clone());
        }
        name
    }

    /// The name a figure gets: the proposed one, or the same figure's, or one made unique.
    fn name_for(&self, proposed: &str, decl: &FigureDecl, value: &str) -> String {
        // A number written with no unit (第3季度, 完成1/3) says nothing of what it counts, so an
        // equal one of the same bare name is another figure, not the same one written again.
        let counted = !matches!(decl.kind, Kind::Count | Kind::Quantity | Kind::Text) || decl.unit.is_some();
        let same = |f: &NewFigure| {
            counted
                && f.value == value
                && f.decl.kind == decl.kind
                && f.decl.unit == decl.unit
                && f.decl.decimals == decl.decimals
        };
        if decl.kind == Kind::Year {
            if let Some(name) = self.years.get(value) {
                return name.clone();
            }
        }
        let (candidates, base) = self.candidates(proposed);
        // A name the catalog already has (import --into) is never given to a new figure.
        let free = |c: &String| !self.taken.contains(c) && self.by_name.get(c).is_none_or(|&i| same(&self.figures[i]));
        if let Some(c) = candidates.iter().find(|c| free(c)) {
            return c.clone();
        }
        // Told apart by their own words; a number only when the words are the same.
        for other in &self.alternatives {
            if let Some(c) = self.candidates(other).0.into_iter().next().filter(|c| free(c)) {
                return c;
            }
        }
        if let Some(name) = self.numbered.get(&(base.clone(), signature(decl, value))) {
            return name.clone();
        }
        let mut n = self.next_number.get(&base).copied().unwrap_or(2);
        loop {
            let c = format!("{base}{n}");
            if free(&c) {
                return c;
            }
            n += 1;
        }
    }

    /// The names a proposed name may take as it is, and the base a number is added to.
    fn candidates(&self, proposed: &str) -> (Vec<String>, String) {
        let (group, key) = proposed.split_once('.').unwrap_or(("报告", proposed));
        // A name part holds words only (完成1/3 gives 完成/数 without the mark); one that is empty,
        // begins with a digit, or is the template's own name or a minijinja word gets a prefix.
        let reserved = |part: &str| GLOBALS.contains(&part) || KEYWORDS.contains(&part.to_ascii_lowercase().as_str());
        let part = |text: &str, prefix: &str| -> String {
            let words: String = text.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
            if words.is_empty() || words.starts_with(|c: char| c.is_ascii_digit()) || reserved(&words) {
                format!("{prefix}{words}")
            } else {
                words
            }
        };
        let (group, key) = (part(group, "报告"), part(key, "数"));
        let mut candidates = vec![format!("{group}.{key}")];
        if group != self.topic && !self.topic.is_empty() {
            candidates.push(format!("{}.{group}{key}", self.topic));
        }
        (candidates, format!("{group}.{key}"))
    }
}

/// What makes two figures of one name the same figure: value and declaration.
fn signature(decl: &FigureDecl, value: &str) -> String {
    format!("{value}\0{:?}\0{:?}\0{:?}", decl.kind, decl.unit, decl.decimals)
}

/// minijinja's keywords and constants, which no name part may be.
const KEYWORDS: [&str; 17] = [
    "true",
    "false",
    "none",
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "elif",
    "for",
    "loop",
    "self",
    "super",
    "recursive",
    "with",
];

/// Names a template may not use as a group: the template's own globals.
const GLOBALS: [&str; 9] = ["period", "表格", "range", "dict", "namespace", "debug", "lipsum", "cycler", "joiner"];

/// A figure's label: the clause it is in, numbers shown as ×.
fn label(text: &str, f: &Found) -> String {
    let stops = ['，', '。', '；', ',', ';', '：'];
    let start = text[..f.start].rfind(stops).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let end = text[f.end..].find(stops).map_or(text.len(), |i| f.end + i);
    let mut out = String::new();
    let mut in_number = false;
    for c in text[start..end].chars() {
        let digit = c.is_ascii_digit() || ('０'..='９').contains(&c) || (in_number && matches!(c, '.' | ','));
        if digit && !in_number {
            out.push('×');
        } else if !digit {
            out.push(c);
        }
        in_number = digit;
    }
    let chars: Vec<char> = out.trim().chars().collect();
    if chars.len() > 40 {
        chars[..40].iter().collect::<String>() + "…"
    } else {
        chars.into_iter().collect()
    }
}
