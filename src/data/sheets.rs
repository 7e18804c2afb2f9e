//! Township sheets: a period's CSV files and XLSX sheets, one row per 乡镇 and perhaps a county
//! total row, read against the catalog's table declarations and summed into figures.
//!
//! A table is found by name: `低保分乡镇.csv`, or a sheet named `低保分乡镇` in any .xlsx of the
//! period (or the only sheet of `低保分乡镇.xlsx`). Columns are found by their header; a unit in
//! brackets (低保金（万元）) says what unit the column is in. Every cell is checked like a YAML
//! value, the total row must equal the sum of the rows, and plausibility bounds catch a 元 column
//! labelled 万元.

use crate::data::{self, InputFile, RawValue};
use crate::error::{Problem, Source};
use crate::figures;
use crate::model::table::{row_key, ColumnDecl, Condition, Plausible, TableDecl, TOTAL_WORDS};
use crate::model::{FigureDecl, Kind};
use crate::values::number::format_decimal;
use crate::values::period::Period;
use crate::values::units;
use rust_decimal::Decimal;
use rust_i18n::t;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// How a figure was summed is part of the report (the `--with-figures` appendix, `zongjie
/// figures`), which is Chinese whatever the language of messages: the same data gives the same
/// bytes on every machine.
const REPORT_LOCALE: &str = "zh-CN";

/// Why a column's unit cannot be taken from its header or the catalog; said at the header cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnUnitError {
    /// A money column whose unit is no money unit.
    #[error("{}", t!("sheets.header_unit_not_money", name = .table, header = .header, unit = .unit))]
    HeaderUnitNotMoney {
        /// The table.
        table: String,
        /// The column's header as the catalog declares it.
        header: String,
        /// The unit given.
        unit: String,
    },
    /// A money column with no unit in its header or the catalog.
    #[error("{}", t!("sheets.money_unit_missing", name = .table, header = .header))]
    MoneyUnitMissing {
        /// The table.
        table: String,
        /// The column's header.
        header: String,
    },
    /// A header unit of another base than the catalog's (人数（户）).
    #[error("{}", t!("sheets.header_unit_contradicts", name = .table, header = .header, unit = .unit, base = .base))]
    HeaderUnitContradicts {
        /// The table.
        table: String,
        /// The column's header.
        header: String,
        /// The header's unit.
        unit: String,
        /// The catalog's base unit.
        base: String,
    },
    /// A counted column whose header unit counts nothing (万, 千人, 元).
    #[error("{}", t!("sheets.header_unit_not_count", name = .table, header = .header, unit = .unit))]
    HeaderUnitNotCount {
        /// The table.
        table: String,
        /// The column's header.
        header: String,
        /// The header's unit.
        unit: String,
    },
    /// A percent column in a unit other than %.
    #[error("{}", t!("sheets.percent_column_unit", name = .table, header = .header, unit = .unit))]
    PercentColumnUnit {
        /// The table.
        table: String,
        /// The column's header.
        header: String,
        /// The unit given.
        unit: String,
    },
    /// A column of a kind no sheet holds (year, month, date, text).
    #[error("{}", t!("sheets.column_kind", name = .table, header = .header, kind = .kind.as_str()))]
    ColumnKind {
        /// The table.
        table: String,
        /// The column's header.
        header: String,
        /// The column's kind.
        kind: Kind,
    },
}

/// Why a cell's value cannot be read against its column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetCellError {
    /// A bare number in a percent column that says no unit: a fraction or a percentage?
    #[error("{}", t!("sheets.cell_no_percent", text = .0))]
    NoPercent(String),
    /// The value as any figure's value.
    #[error(transparent)]
    Value(#[from] figures::ValueError),
}

/// One row of a sheet.
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// The row's label (the township).
    pub label: String,
    /// Where the row is (file:line, or file:Sheet!A5).
    pub source: Source,
    /// Values by column key (money in 元).
    pub values: BTreeMap<String, Decimal>,
    /// Where each value is: its cell (file:Sheet!C5) or line.
    pub cells: BTreeMap<String, Source>,
    /// Index of the row in its sheet's grid.
    index: usize,
}

/// A table read from a sheet.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The table's name.
    pub name: String,
    /// The file, workspace-relative.
    pub file: String,
    /// How the rows are referred to in messages and sources ("rows 2–16", "低保分乡镇!C2:C16").
    pub rows_ref: BTreeMap<String, String>,
    /// The base unit each column's values are held in (元, 人, %), by column key.
    pub base_units: BTreeMap<String, String>,
    /// Township rows.
    pub rows: Vec<SheetRow>,
    /// The total row, if any.
    pub total: Option<SheetRow>,
}

/// Cells of a sheet as text, with a way to name each cell.
struct Grid {
    file: String,
    /// `None` for CSV (cells named by line), `Some(sheet)` for XLSX (cells named Sheet!C5).
    sheet: Option<String>,
    rows: Vec<Vec<String>>,
    /// 0-based row index of rows[0] in the file (XLSX ranges may start lower).
    first_row: usize,
    first_col: usize,
    /// For CSV: the line each row starts on (a quoted cell may run over several lines).
    lines: Vec<u64>,
    note: Option<&'static str>,
    /// Cells that are not what they show: a formula never calculated, an Excel error value.
    cell_problems: BTreeMap<(usize, usize), CellProblem>,
    /// In the 填报表: cells holding the SUM the form wrote into a total row. Never read (many
    /// writers drop their saved results): the total row gets the sum of the rows there.
    own_sums: BTreeSet<(usize, usize)>,
}

/// Whether a data file is a period's 填报表.
fn is_form(file: &str) -> bool {
    file.rsplit('/').next() == Some(data::FORM_FILE)
}

/// Why a workbook cell cannot be used, whatever text it shows.
#[derive(Debug, Clone)]
enum CellProblem {
    /// A number that is not finite.
    Unshowable,
    /// A formula with no saved value (the workbook was never calculated and saved).
    FormulaUnsaved(String),
    /// An Excel error value such as #DIV/0!.
    ExcelError(String),
}

impl CellProblem {
    /// The message, after the row's name.
    fn message(&self, row: &str) -> String {
        match self {
            CellProblem::Unshowable => t!("sheets.cell_number_unshowable", row = row),
            CellProblem::FormulaUnsaved(formula) => t!("sheets.cell_formula_unsaved", row = row, formula = formula),
            CellProblem::ExcelError(error) => t!("sheets.cell_excel_error", row = row, error = error),
        }
        .to_string()
    }
}

impl Grid {
    /// The line of a CSV row in its file (1-based).
    fn line(&self, row: usize) -> u64 {
        self.lines.get(row).copied().unwrap_or((self.first_row + row + 1) as u64)
    }

    fn source(&self, row: usize, col: usize) -> Source {
        match &self.sheet {
            None => Source::new(&self.file, self.line(row)),
            Some(sheet) => Source::cell(
                &self.file,
                format!("{sheet}!{}{}", column_letters(self.first_col + col), self.first_row + row + 1),
            ),
        }
    }
}

/// A spreadsheet column's letters from its 0-based index: 0 → A, 26 → AA.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push((b'A' + (col % 26) as u8) as char);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.iter().rev().collect()
}

/// Reads every declared table among a period's data files (already read into memory by
/// `data::load_period`). Unknown CSV files and workbooks with no
/// declared sheet are problems (a misnamed export must not be ignored).
/// Also returns the files that could not be read as tables: the figures they would give are
/// unknown, not missing.
pub fn load(
    files: &[InputFile],
    tables: &BTreeMap<String, TableDecl>,
    period: Period,
) -> (Vec<Sheet>, Vec<Problem>, Vec<String>) {
    let mut grids: Vec<(String, Grid)> = Vec::new();
    let mut problems = Vec::new();
    let mut failed = Vec::new();
    for file in files {
        let path = Path::new(&file.path);
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if !matches!(ext.as_str(), "csv" | "xlsx" | "xls") {
            continue;
        }
        let rel = &file.path;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        if ext == "csv" {
            if !tables.contains_key(&stem) {
                problems.push(Problem::at(
                    Source::file(rel),
                    t!("sheets.unknown_csv", name = stem, tables = names(tables)).to_string(),
                ));
                continue;
            }
            match read_csv(&file.bytes, rel) {
                Ok(grid) => grids.push((stem, grid)),
                Err(p) => {
                    problems.push(p);
                    failed.push(rel.clone());
                }
            }
        } else {
            match read_workbook(&file.bytes, rel, &ext, &stem, tables) {
                // The 填报表 may have no township sheet: its figures are read by data::form.
                Ok(found) if found.is_empty() && is_form(rel) => {}
                Ok(found) if found.is_empty() => problems.push(Problem::at(
                    Source::file(rel),
                    t!("sheets.no_table_sheet", tables = names(tables)).to_string(),
                )),
                Ok(found) => grids.extend(found),
                Err(p) => {
                    problems.push(p);
                    failed.push(rel.clone());
                }
            }
        }
    }
    let mut sheets: Vec<Sheet> = Vec::new();
    for (name, grid) in grids {
        if let Some(first) = sheets.iter().find(|s| s.name == name) {
            problems.push(Problem::at(
                grid.source(0, 0),
                t!("sheets.table_twice", name = name, file = first.file).to_string(),
            ));
            continue;
        }
        match read_table(&name, &tables[&name], &grid, period) {
            Ok(sheet) => sheets.push(sheet),
            Err(more) => {
                problems.extend(more);
                failed.push(grid.file.clone());
            }
        }
    }
    (sheets, problems, failed)
}

fn names(tables: &BTreeMap<String, TableDecl>) -> String {
    if tables.is_empty() {
        t!("sheets.no_tables").to_string()
    } else {
        list(tables.keys())
    }
}

/// Names listed in a message: `甲, 乙` in English, `甲、乙` in Chinese.
fn list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    items.join(&t!("sheets.list_separator"))
}

/// Alternatives in a message: `甲 or 乙`, `甲、乙或丙`.
fn alternatives(items: &[&str]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}{}{last}", list(rest), t!("sheets.or")),
        _ => list(items),
    }
}

/// CSV as UTF-8 (a BOM is dropped) or, from old Excel, GBK; any other encoding is refused.
fn read_csv(bytes: &[u8], file: &str) -> Result<Grid, Problem> {
    let (text, note) = match data::decode_utf8(bytes, file) {
        Ok(text) => (text, None),
        Err(_) => {
            let Some(text) = data::decode_gbk(bytes) else {
                return Err(Problem::at(Source::file(file), t!("sheets.csv_encoding").to_string()));
            };
            (text, Some("GBK"))
        }
    };
    // The csv crate reads an unclosed quote as one cell running to the end of the file; that
    // cell would then be quoted whole in some later message.
    if let Some((line, snippet)) = unclosed_quote(&text) {
        return Err(Problem::at(
            Source::new(file, line),
            t!("sheets.csv_unclosed_quote", snippet = snippet).to_string(),
        ));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        // With flexible records and text already decoded, the csv crate has nothing left to
        // refuse; should it, its own words mean nothing to a statistician.
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Problem::at(Source::new(file, line), t!("sheets.csv_unreadable").to_string())
        })?;
        lines.push(record.position().map(|p| p.line()).unwrap_or(rows.len() as u64 + 1));
        // A `'` that zongjie (or a careful tool) put before a formula's first character is not
        // part of the value.
        rows.push(record.iter().map(|c| crate::values::csv_cell_read(c.trim()).trim().to_string()).collect());
    }
    Ok(Grid {
        file: file.into(),
        sheet: None,
        rows,
        first_row: 0,
        first_col: 0,
        lines,
        note,
        cell_problems: BTreeMap::new(),
        own_sums: BTreeSet::new(),
    })
}

/// A quoted cell that is never closed: the line its quote is on, and the first few characters
/// from the quote. Follows the csv crate's reading: a quote opens a cell only at its start, two
/// quotes inside are one, and a quoted cell may run over lines (Excel writes line breaks so).
fn unclosed_quote(text: &str) -> Option<(u64, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::CellStart;
    let mut line = 1;
    let mut opened = (0, 0);
    for (at, c) in text.char_indices() {
        state = match (state, c) {
            (State::Quoted, '"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, '"') => State::Quoted,
            (State::CellStart, '"') => {
                opened = (line, at);
                State::Quoted
            }
            (_, ',' | '\n' | '\r') => State::CellStart,
            _ => State::Unquoted,
        };
        if c == '\n' {
            line += 1;
        }
    }
    (state == State::Quoted).then(|| {
        const SHOWN: usize = 10;
        let rest = text[opened.1..].lines().next().unwrap_or("");
        let mut snippet: String = rest.chars().take(SHOWN).collect();
        if rest.chars().count() > SHOWN {
            snippet.push('…');
        }
        (opened.0, snippet)
    })
}

/// How large a workbook's parts may be once unpacked. A county's tables are a few megabytes
/// even as XML; a small file that unpacks to hundreds (a zip bomb, or rows of padding) would
/// hold that much memory on every check of its period, so it is refused before it is read.
const WORKBOOK_UNPACKED_LIMIT: u64 = 100 << 20;

/// The unpacked size an .xlsx declares for its parts, when it is a zip file.
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        total = total.saturating_add(zip.by_index_raw(i).ok()?.size());
    }
    Some(total)
}

fn read_workbook(
    bytes: &[u8],
    file: &str,
    ext: &str,
    stem: &str,
    tables: &BTreeMap<String, TableDecl>,
) -> Result<Vec<(String, Grid)>, Problem> {
    use calamine::Reader;
    let mut book = open_workbook(bytes, file, ext)?;
    let metadata = book.sheets_metadata().to_vec();
    let visible = visible_sheets(&book);
    let mut found = Vec::new();
    for sheet in &visible {
        // A sheet named after a table, or the only sheet of a workbook named after one.
        let table = if tables.contains_key(sheet) {
            sheet.clone()
        } else if visible.len() == 1 && tables.contains_key(stem) {
            stem.to_string()
        } else {
            continue;
        };
        let range = sheet_range(&mut book, sheet, file)?;
        let formulas = book.worksheet_formula(sheet).ok();
        let styles = book.worksheet_style(sheet).ok();
        let (first_row, first_col) = range.start().map(|(r, c)| (r as usize, c as usize)).unwrap_or((0, 0));
        // Formulas may reach beyond the cells with values (a formula never calculated has none).
        let (first_row, first_col) = match formulas.as_ref().and_then(|f| f.start()) {
            Some((r, c)) if !range.is_empty() => (first_row.min(r as usize), first_col.min(c as usize)),
            Some((r, c)) => (r as usize, c as usize),
            None => (first_row, first_col),
        };
        let end = |r: Option<(u32, u32)>| r.map(|(r, c)| (r as usize, c as usize));
        let (last_row, last_col) = [end(range.end()), end(formulas.as_ref().and_then(|f| f.end()))]
            .into_iter()
            .flatten()
            .fold((first_row, first_col), |(r, c), (r2, c2)| (r.max(r2), c.max(c2)));
        let mut rows = Vec::new();
        let mut cell_problems = BTreeMap::new();
        let mut own_sums = BTreeSet::new();
        if !range.is_empty() || formulas.as_ref().is_some_and(|f| !f.is_empty()) {
            for r in first_row..=last_row {
                let mut cells = Vec::new();
                for c in first_col..=last_col {
                    let pos = (r as u32, c as u32);
                    let value = range.get_value(pos);
                    let formula = formulas.as_ref().and_then(|f| f.get_value(pos)).filter(|f| !f.is_empty());
                    let percent = styles
                        .as_ref()
                        .and_then(|s| s.get(pos))
                        .and_then(|s| s.number_format.as_ref())
                        .is_some_and(|f| is_percent_format(&f.format_code));
                    if is_form(file) && formula.is_some_and(|f| f.trim_start_matches('=').starts_with("SUM(")) {
                        own_sums.insert((r - first_row, c - first_col));
                        cells.push(String::new());
                        continue;
                    }
                    let (text, problem) = cell_text(value.unwrap_or(&calamine::Data::Empty), formula, percent);
                    if let Some(problem) = problem {
                        cell_problems.insert((r - first_row, c - first_col), problem);
                    }
                    cells.push(text);
                }
                rows.push(cells);
            }
        }
        found.push((
            table,
            Grid {
                file: file.into(),
                sheet: Some(sheet.clone()),
                rows,
                first_row,
                first_col,
                lines: Vec::new(),
                note: None,
                cell_problems,
                own_sums,
            },
        ));
    }
    if found.is_empty() {
        // A table only a hidden sheet holds: say so rather than "no such table".
        let hidden = metadata.iter().find(|m| {
            m.visible != calamine::SheetVisible::Visible
                && (tables.contains_key(&m.name) || (metadata.len() == 1 && tables.contains_key(stem)))
        });
        if let Some(hidden) = hidden {
            return Err(Problem::at(Source::file(file), t!("sheets.hidden_sheet", sheet = hidden.name).to_string()));
        }
    }
    Ok(found)
}

/// A workbook as calamine reads it from memory.
pub(crate) type Workbook<'a> = calamine::Sheets<std::io::Cursor<&'a [u8]>>;

/// Opens a workbook, after refusing one that unpacks to more than [`WORKBOOK_UNPACKED_LIMIT`];
/// every reader of a period's workbooks (township sheets, the 填报表) opens them here.
pub(crate) fn open_workbook<'a>(bytes: &'a [u8], file: &str, ext: &str) -> Result<Workbook<'a>, Problem> {
    if let Some(unpacked) = unpacked_size(bytes).filter(|&n| n > WORKBOOK_UNPACKED_LIMIT) {
        let mb = (unpacked / (1 << 20)).to_string();
        let limit = (WORKBOOK_UNPACKED_LIMIT >> 20).to_string();
        return Err(Problem::at(Source::file(file), t!("sheets.workbook_too_big", mb = mb, limit = limit)));
    }
    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|_| Problem::at(Source::file(file), unreadable_workbook(bytes, ext)))
}

/// The worksheets a statistician sees: hidden sheets are never read, so what Excel shows is
/// what the report uses.
pub(crate) fn visible_sheets(book: &Workbook<'_>) -> Vec<String> {
    use calamine::Reader;
    book.sheets_metadata()
        .iter()
        .filter(|m| m.visible == calamine::SheetVisible::Visible && m.typ == calamine::SheetType::WorkSheet)
        .map(|m| m.name.clone())
        .collect()
}

/// A sheet's cells, once its size is known to be readable: calamine makes a cell for every
/// place between the first and the last cell, and two cells at A1 and XFD1048576 would take
/// 512 GiB. The size is checked before anything is read.
pub(crate) fn sheet_range(
    book: &mut Workbook<'_>,
    sheet: &str,
    file: &str,
) -> Result<calamine::Range<calamine::Data>, Problem> {
    use calamine::Reader;
    if let calamine::Sheets::Xlsx(xlsx) = book {
        sheet_size(xlsx, sheet, file)?;
    }
    book.worksheet_range(sheet)
        .map_err(|_| Problem::at(Source::file(file), t!("sheets.sheet_unreadable", sheet = sheet).to_string()))
}

/// The most cells a sheet may span (its rows times its columns, from the first cell to the
/// last): 200,000 乡镇 rows of ten columns. A county's table has some dozens.
pub const SHEET_MAX_CELLS: u64 = 2_000_000;

/// Refuses a sheet that declares (`<dimension ref=…>`) or holds cells over more than
/// [`SHEET_MAX_CELLS`], naming the sheet and the span; streams the cells once, holding none.
fn sheet_size<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<RS>,
    sheet: &str,
    file: &str,
) -> Result<(), Problem> {
    let unreadable = || Problem::at(Source::file(file), t!("sheets.sheet_unreadable", sheet = sheet).to_string());
    let mut reader = xlsx.worksheet_cells_reader(sheet).map_err(|_| unreadable())?;
    let too_big = |start: (u32, u32), end: (u32, u32)| {
        let rows = u64::from(end.0.saturating_sub(start.0)) + 1;
        let cols = u64::from(end.1.saturating_sub(start.1)) + 1;
        (rows * cols > SHEET_MAX_CELLS).then(|| {
            let span = format!(
                "{}{}:{}{}",
                column_letters(start.1 as usize),
                start.0 + 1,
                column_letters(end.1 as usize),
                end.0 + 1
            );
            Problem::at(
                Source::file(file),
                t!(
                    "sheets.sheet_too_large",
                    sheet = sheet,
                    span = span,
                    rows = rows,
                    cols = cols,
                    max = SHEET_MAX_CELLS
                )
                .to_string(),
            )
        })
    };
    let declared = reader.dimensions();
    if let Some(problem) = too_big(declared.start, declared.end) {
        return Err(problem);
    }
    let mut span: Option<((u32, u32), (u32, u32))> = None;
    while let Some(cell) = reader.next_cell().map_err(|_| unreadable())? {
        let (r, c) = cell.get_position();
        span = Some(match span {
            None => ((r, c), (r, c)),
            Some(((r0, c0), (r1, c1))) => ((r0.min(r), c0.min(c)), (r1.max(r), c1.max(c))),
        });
    }
    match span.and_then(|(start, end)| too_big(start, end)) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Why a file named .xlsx (or .xls) is no workbook calamine can read, in words for the person who
/// saved it; calamine's own ("Cannot detect file format") says nothing of what to do.
fn unreadable_workbook(bytes: &[u8], ext: &str) -> String {
    // An OLE compound file: an old .xls, or a workbook saved with a password to open: Office
    // then wraps the encrypted .xlsx in a compound file beside an "EncryptionInfo" stream.
    const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.is_empty() {
        return t!("sheets.workbook_empty", ext = ext).to_string();
    }
    if bytes.starts_with(&OLE) {
        let stream: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let encrypted_xlsx = bytes.windows(stream.len()).any(|w| w == stream.as_slice());
        let encrypted_xls = matches!(
            calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(std::io::Cursor::new(bytes)),
            Err(calamine::XlsError::Password)
        );
        if encrypted_xlsx || encrypted_xls {
            return t!("sheets.workbook_password").to_string();
        }
        return t!("sheets.workbook_damaged", ext = ext).to_string();
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // A zip, but not a workbook's: damaged, or a .docx or other zip under this name.
        return t!("sheets.workbook_damaged", ext = ext).to_string();
    }
    let text = std::str::from_utf8(bytes).is_ok() || !encoding_rs::GB18030.decode_without_bom_handling(bytes).1;
    if text && !bytes.iter().any(|b| *b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) {
        return t!("sheets.workbook_is_text", ext = ext).to_string();
    }
    t!("sheets.not_a_workbook", ext = ext).to_string()
}

/// Whether an Excel number format shows the value as a percentage (0.00%), ignoring a % that
/// is quoted or escaped as literal text. The 填报表's reader (data::form) reads cells alike.
pub(crate) fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            _ => {}
        }
    }
    false
}

/// A cell as the text Excel shows: numbers at 15 significant digits (a double's tail such as
/// 2827.5200000000004 is not data), a percent-formatted 0.6435 as 64.35%. Also returns why a
/// cell cannot be used: a formula Excel never calculated, an error value such as #DIV/0!.
fn cell_text(cell: &calamine::Data, formula: Option<&String>, percent: bool) -> (String, Option<CellProblem>) {
    use calamine::Data;
    let number = |value: Option<Decimal>| -> (String, Option<CellProblem>) {
        match value {
            Some(v) if percent => (format!("{}%", (v * Decimal::from(100)).normalize()), None),
            Some(v) => (v.to_string(), None),
            None => (String::new(), Some(CellProblem::Unshowable)),
        }
    };
    match cell {
        Data::Empty => (String::new(), formula.map(|f| CellProblem::FormulaUnsaved(f.clone()))),
        Data::String(s) => (s.trim().to_string(), None),
        Data::Int(i) => number(Some(Decimal::from(*i))),
        Data::Float(f) => number(units::excel_number(*f)),
        Data::Bool(b) => (b.to_string(), None),
        Data::Error(e) => (format!("{e}"), Some(CellProblem::ExcelError(e.to_string()))),
        other => (other.to_string(), None),
    }
}

/// The problem of a table without its header row. A CSV saved with semicolons or tabs between
/// its columns has the header row as one cell: say so, rather than that no header row exists.
fn no_header_row(name: &str, decl: &TableDecl, grid: &Grid) -> Problem {
    let holds_label = |sep: char| {
        grid.rows.iter().position(|r| r.iter().any(|c| c.split(sep).any(|piece| split_header(piece).0 == decl.label)))
    };
    if grid.sheet.is_none() {
        if let Some(row) = holds_label(';') {
            return Problem::at(grid.source(row, 0), t!("sheets.csv_semicolons").to_string());
        }
        if let Some(row) = holds_label('\t') {
            return Problem::at(grid.source(row, 0), t!("sheets.csv_tabs").to_string());
        }
    }
    let headers = list(std::iter::once(&decl.label).chain(decl.columns.values().map(|c| &c.header)));
    Problem::at(
        grid.source(0, 0),
        t!("sheets.no_header_row", name = name, label = decl.label, headers = headers).to_string(),
    )
}

/// Splits a header into its name and a bracketed unit: 低保金（万元） → (低保金, 万元).
pub fn split_header(header: &str) -> (String, Option<String>) {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let (Some(a), true) = (h.find(open), h.ends_with(close)) {
            let unit = h[a + open.len_utf8()..h.len() - close.len_utf8()].to_string();
            return (h[..a].to_string(), Some(unit));
        }
    }
    (h, None)
}

/// A table read from its grid: each step below adds its problems, and the sheet is made only
/// when there are none.
fn read_table(name: &str, decl: &TableDecl, grid: &Grid, period: Period) -> Result<Sheet, Vec<Problem>> {
    let layout = find_columns(name, decl, grid)?;
    let mut problems = Vec::new();
    let mut read = layout.read_rows(period, &mut problems);
    layout.fill_own_sums(&mut read);
    let rows_ref = layout.rows_refs(&read.rows);
    layout.check_total(&read, &mut problems);
    layout.check_plausible(&read.rows, period, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(layout.into_sheet(rows_ref, read))
}

/// A declared column found in the header row.
struct Column {
    /// The column's key in the catalog.
    key: String,
    /// Its index in the grid's rows.
    col: usize,
    /// The declaration its cells are read with (its kind, and its unit from the header).
    figure: FigureDecl,
}

/// A table's header row in its grid and the columns found in it: what every later step reads by.
struct Layout<'a> {
    name: &'a str,
    decl: &'a TableDecl,
    grid: &'a Grid,
    header_row: usize,
    label_col: usize,
    columns: Vec<Column>,
}

/// One row of a sheet as [`Layout::read_cells`] reads it.
struct RowCells<'a> {
    /// Its index in the grid.
    index: usize,
    /// Its cells as text.
    cells: &'a [String],
    /// Its label (the 乡镇).
    label: &'a str,
    /// Whether it is the total row.
    is_total: bool,
}

/// A table's rows as read, before the checks across rows.
struct ReadRows {
    rows: Vec<SheetRow>,
    total: Option<SheetRow>,
    /// Columns with a cell that could not be read: their sum is unknown, so the total row is
    /// not checked against it (the cell's own problem says what to fix).
    unusable: BTreeSet<String>,
    /// A row was refused: the sum of every column is unknown, so the total row is not checked.
    refused_row: bool,
    /// Where each 乡镇 read so far is, by its [`row_key`]: a second row of one is found at once,
    /// not by a look through every row before it (200,000 rows took minutes).
    seen: std::collections::HashMap<String, Source>,
}

/// The header row (the first row that has the label column) and every declared column in it,
/// with the unit its header gives; a column missing or in a unit not understood is a problem.
fn find_columns<'a>(name: &'a str, decl: &'a TableDecl, grid: &'a Grid) -> Result<Layout<'a>, Vec<Problem>> {
    let Some(header_row) = grid.rows.iter().position(|r| r.iter().any(|c| split_header(c).0 == decl.label)) else {
        return Err(vec![no_header_row(name, decl, grid)]);
    };
    let header = &grid.rows[header_row];
    let find = |h: &str| header.iter().position(|c| split_header(c).0 == h);
    let label_col = find(&decl.label).expect("found above");
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for (key, column) in &decl.columns {
        let Some(col) = find(&column.header) else {
            problems.push(Problem::at(
                grid.source(header_row, 0),
                t!("sheets.column_missing", name = name, header = column.header).to_string(),
            ));
            continue;
        };
        match column_unit(name, column, split_header(&header[col]).1.as_deref()) {
            Ok(figure) => columns.push(Column { key: key.clone(), col, figure }),
            Err(why) => problems.push(Problem::at(grid.source(header_row, col), why.to_string())),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Layout { name, decl, grid, header_row, label_col, columns })
}

impl Layout<'_> {
    /// Every row below the header: a 乡镇, the total row, or a problem; blank rows are skipped.
    fn read_rows(&self, period: Period, problems: &mut Vec<Problem>) -> ReadRows {
        let mut read = ReadRows {
            rows: Vec::new(),
            total: None,
            unusable: BTreeSet::new(),
            refused_row: false,
            seen: std::collections::HashMap::new(),
        };
        for (i, cells) in self.grid.rows.iter().enumerate().skip(self.header_row + 1) {
            let row_has_problem = || self.grid.cell_problems.range((i, 0)..=(i, usize::MAX)).next().is_some();
            if cells.iter().all(|c| c.is_empty()) && !row_has_problem() {
                continue;
            }
            let label = cells.get(self.label_col).cloned().unwrap_or_default();
            let label_source = self.grid.source(i, self.label_col);
            let is_total = self.decl.total.as_ref().is_some_and(|t| t.matches(&label));
            if let Some(why) = self.row_refusal(&label, is_total, &read) {
                problems.push(Problem::at(label_source, why));
                read.refused_row = true;
                continue;
            }
            let row = RowCells { index: i, cells, label: &label, is_total };
            let values = self.read_cells(&row, period, problems, &mut read.unusable);
            let cells = self.columns.iter().map(|c| (c.key.clone(), self.grid.source(i, c.col))).collect();
            let row = SheetRow { label, source: label_source, values, cells, index: i };
            if is_total {
                read.total = Some(row);
            } else {
                read.seen.entry(row_key(&row.label)).or_insert_with(|| row.source.clone());
                read.rows.push(row);
            }
        }
        read
    }

    /// The total row's cells that hold the form's own SUM: the sum of the rows read.
    fn fill_own_sums(&self, read: &mut ReadRows) {
        let Some(total) = read.total.as_mut() else { return };
        for Column { key, col, .. } in &self.columns {
            if self.grid.own_sums.contains(&(total.index, *col)) {
                let sum: Decimal = read.rows.iter().filter_map(|r| r.values.get(key)).sum();
                total.values.insert(key.clone(), sum);
            }
        }
    }

    /// Why a row is neither a 乡镇 nor the total: a row is one of them or an error, never a
    /// total counted as a 乡镇.
    fn row_refusal(&self, label: &str, is_total: bool, read: &ReadRows) -> Option<String> {
        let (name, key) = (self.name, row_key(label));
        if key.is_empty() {
            Some(t!("sheets.row_without_name", name = name, label = self.decl.label).to_string())
        } else if key.contains("小计") {
            Some(t!("sheets.subtotal_row", name = name, row = label).to_string())
        } else if !is_total && TOTAL_WORDS.contains(&key.as_str()) {
            Some(
                match &self.decl.total {
                    Some(names) => {
                        t!("sheets.total_row_misnamed", name = name, row = label, names = alternatives(&names.names()))
                    }
                    None => t!("sheets.total_row_undeclared", name = name, row = label),
                }
                .to_string(),
            )
        } else if is_total {
            read.total
                .as_ref()
                .map(|first| t!("sheets.second_total_row", name = name, row = label, first = first.source).to_string())
        } else {
            read.seen.get(&key).map(|first| t!("sheets.row_twice", name = name, row = label, first = first).to_string())
        }
    }

    /// The values of a row by column key; a cell that cannot be read is a problem, and its
    /// column is marked unusable.
    fn read_cells(
        &self,
        row: &RowCells<'_>,
        period: Period,
        problems: &mut Vec<Problem>,
        unusable: &mut BTreeSet<String>,
    ) -> BTreeMap<String, Decimal> {
        let (i, cells, label, is_total) = (row.index, row.cells, row.label, row.is_total);
        let name = self.name;
        let mut values = BTreeMap::new();
        for Column { key, col, figure } in &self.columns {
            let source = self.grid.source(i, *col);
            if let Some(why) = self.grid.cell_problems.get(&(i, *col)) {
                problems.push(Problem::at(source, why.message(label)).figure(format!("{name}.{key}")));
                unusable.insert(key.clone());
                continue;
            }
            let text = cells.get(*col).map(String::as_str).unwrap_or("");
            if self.grid.own_sums.contains(&(i, *col)) {
                continue;
            }
            // A rate's cell in the total row (total: none, or a percentage) is not a sum, and
            // many sheets leave it empty.
            if text.is_empty() && is_total && !self.decl.columns[key].is_summed() {
                continue;
            }
            if text.is_empty() {
                problems.push(
                    Problem::at(source, t!("sheets.cell_empty", row = label).to_string())
                        .figure(format!("{name}.{key}")),
                );
                unusable.insert(key.clone());
                continue;
            }
            match cell_value(figure, text, period) {
                Ok(v) => {
                    values.insert(key.clone(), v);
                }
                Err(why) => {
                    problems.push(
                        Problem::at(source, t!("sheets.cell_invalid", row = label, why = why).to_string())
                            .figure(format!("{name}.{key}")),
                    );
                    unusable.insert(key.clone());
                }
            }
        }
        values
    }

    /// How each column's summed rows are referred to ("rows 2–16", "低保分乡镇!C2:C16"), by
    /// their place in the file (the total row is not among them).
    fn rows_refs(&self, rows: &[SheetRow]) -> BTreeMap<String, String> {
        let grid = self.grid;
        let first = rows.first().map(|r| r.index).unwrap_or(self.header_row + 1);
        let last = rows.last().map(|r| r.index).unwrap_or(first);
        let mut rows_ref = BTreeMap::new();
        for Column { key, col, .. } in &self.columns {
            let reference = match &grid.sheet {
                None => t!(
                    "sheets.summed_lines",
                    locale = REPORT_LOCALE,
                    header = self.decl.columns[key].header,
                    count = rows.len(),
                    first = grid.line(first),
                    last = grid.line(last)
                ),
                Some(sheet) => t!(
                    "sheets.summed_cells",
                    locale = REPORT_LOCALE,
                    cells = format!(
                        "{sheet}!{c}{}:{c}{}",
                        grid.first_row + first + 1,
                        grid.first_row + last + 1,
                        c = column_letters(grid.first_col + col)
                    ),
                    count = rows.len()
                ),
            };
            let reference = match grid.note {
                Some(note) => {
                    t!("sheets.read_as", locale = REPORT_LOCALE, via = reference, encoding = note).to_string()
                }
                None => reference.to_string(),
            };
            rows_ref.insert(key.clone(), reference);
        }
        rows_ref
    }

    /// The county total must equal the sum of the townships, in every summed column whose
    /// cells were all read (a rate's total row is not the sum of the rows' rates).
    fn check_total(&self, read: &ReadRows, problems: &mut Vec<Problem>) {
        let Some(total_row) = read.total.as_ref().filter(|_| !read.refused_row) else { return };
        let summed = |c: &&Column| !read.unusable.contains(&c.key) && self.decl.columns[&c.key].is_summed();
        for Column { key, figure, .. } in self.columns.iter().filter(summed) {
            let sum: Decimal = read.rows.iter().filter_map(|r| r.values.get(key)).sum();
            let Some(stated) = total_row.values.get(key) else { continue };
            if *stated != sum {
                let show = |d: Decimal| shown(d, figure);
                problems.push(
                    Problem::at(
                        total_row.source.clone(),
                        t!(
                            "sheets.total_mismatch",
                            row = total_row.label,
                            stated = show(*stated),
                            count = read.rows.len(),
                            sum = show(sum)
                        )
                        .to_string(),
                    )
                    .figure(format!("{}.{key}", self.name)),
                );
            }
        }
    }

    /// The catalog's plausibility bounds (低保金 per 人 between 100元 and 2000元), which catch a
    /// 元 column labelled 万元.
    fn check_plausible(&self, rows: &[SheetRow], period: Period, problems: &mut Vec<Problem>) {
        for rule in self.decl.plausible.iter().map(|r| &r.value) {
            self.check_plausible_rule(rule, rows, period, problems);
        }
    }

    /// One plausibility rule over every township row.
    fn check_plausible_rule(&self, rule: &Plausible, rows: &[SheetRow], period: Period, problems: &mut Vec<Problem>) {
        let (name, decl, columns) = (self.name, self.decl, &self.columns);
        let (Some(col), Some(per)) =
            (columns.iter().find(|c| c.key == rule.column), columns.iter().find(|c| c.key == rule.per))
        else {
            let unknown = if columns.iter().any(|c| c.key == rule.column) { &rule.per } else { &rule.column };
            problems.push(Problem::at(
                Source::file(&self.grid.file),
                t!(
                    "catalog.plausible_unknown_column",
                    name = name,
                    column = unknown,
                    columns = list(decl.columns.keys())
                )
                .to_string(),
            ));
            return;
        };
        // Bounds may be written in 元 or 万元 whatever the column's own unit.
        let mut bound_decl = col.figure.clone();
        if bound_decl.kind == Kind::Money {
            bound_decl.accept = vec!["元".into(), "万元".into()];
        }
        let bound = |text: &str| figures::parse_value(&bound_decl, text, period).ok().and_then(|v| v.as_decimal());
        let (Some(min), Some(max)) = (bound(&rule.min), bound(&rule.max)) else {
            let wrong = if bound(&rule.min).is_none() { &rule.min } else { &rule.max };
            problems.push(Problem::at(
                Source::file(&self.grid.file),
                t!("sheets.plausible_bad_bound", name = name, bound = wrong).to_string(),
            ));
            return;
        };
        // "per 人"; a column counted without a unit is named by its header.
        let per_unit = match per.figure.display_unit() {
            "" => decl.columns[&rule.per].header.as_str(),
            unit => unit,
        };
        for row in rows {
            let (Some(v), Some(p)) = (row.values.get(&rule.column), row.values.get(&rule.per)) else { continue };
            if p.is_zero() {
                continue;
            }
            let ratio = *v / *p;
            if ratio < min || ratio > max {
                let (row_name, header, shown) =
                    (&row.label, &decl.columns[&rule.column].header, ratio_shown(ratio, &col.figure));
                let (low, high) = (&rule.min, &rule.max);
                // A money column far off in the direction of a mislabelled unit: say which.
                let key = match (col.figure.kind, col.figure.unit.as_deref()) {
                    (Kind::Money, Some("万元")) if ratio > max => "sheets.plausible_yuan_as_wan",
                    (Kind::Money, Some("元")) if ratio < min => "sheets.plausible_wan_as_yuan",
                    _ => "sheets.plausible_outside",
                };
                let message =
                    t!(key, row = row_name, header = header, per = per_unit, ratio = shown, min = low, max = high)
                        .to_string();
                problems.push(Problem::at(row.source.clone(), message).figure(format!("{name}.{}", rule.column)));
            }
        }
    }

    /// The sheet, with the base unit each column's values are held in (元, 人, %).
    fn into_sheet(self, rows_ref: BTreeMap<String, String>, read: ReadRows) -> Sheet {
        let base_units = self
            .columns
            .iter()
            .map(|Column { key, figure, .. }| {
                let base = match figure.kind {
                    Kind::Money => units::YUAN.to_string(),
                    Kind::Percent => "%".to_string(),
                    _ => figure.display().base,
                };
                (key.clone(), base)
            })
            .collect();
        Sheet {
            name: self.name.to_string(),
            file: self.grid.file.clone(),
            rows_ref,
            base_units,
            rows: read.rows,
            total: read.total,
        }
    }
}

/// The declaration a column's cells are read with: its kind, and its unit from the header
/// (低保金（万元）, 低保金（万）), else from the catalog. A unit that is not understood, or that
/// contradicts the catalog's (人数（户）), is an error at the header cell.
fn column_unit(table: &str, column: &ColumnDecl, header_unit: Option<&str>) -> Result<FigureDecl, ColumnUnitError> {
    let (table, header) = (table.to_string(), column.header.clone());
    let unit = match column.kind {
        Kind::Money => match header_unit.or(column.unit.as_deref()) {
            Some(u) => Some(
                units::money_unit(u, true)
                    .ok_or_else(|| ColumnUnitError::HeaderUnitNotMoney { table, header, unit: u.to_string() })?
                    .to_string(),
            ),
            None => return Err(ColumnUnitError::MoneyUnitMissing { table, header }),
        },
        Kind::Count | Kind::Quantity => {
            let declared = column.unit.as_deref().map(units::Unit::split);
            match (header_unit, &declared) {
                (Some(h), Some(d)) => {
                    let unit = units::counted_unit(h, &d.base, true).ok_or_else(|| {
                        ColumnUnitError::HeaderUnitContradicts {
                            table,
                            header,
                            unit: h.to_string(),
                            base: d.base.clone(),
                        }
                    })?;
                    Some(unit.to_string())
                }
                (Some(h), None) => {
                    let unit = units::Unit::split(h);
                    if unit.base.is_empty() || unit.magnitude == units::Magnitude::Thousand || unit.base == units::YUAN
                    {
                        return Err(ColumnUnitError::HeaderUnitNotCount { table, header, unit: h.to_string() });
                    }
                    Some(unit.to_string())
                }
                (None, Some(d)) => Some(d.to_string()),
                (None, None) => None,
            }
        }
        Kind::Percent => match header_unit.or(column.unit.as_deref()) {
            Some("%" | "％") => Some("%".to_string()),
            Some(u) => return Err(ColumnUnitError::PercentColumnUnit { table, header, unit: u.to_string() }),
            None => None,
        },
        other => return Err(ColumnUnitError::ColumnKind { table, header, kind: other }),
    };
    let mut figure = FigureDecl::new(column.kind);
    figure.decimals = column.decimals;
    // A percent column's unit is Some(%) only when the header or catalog says so: then bare
    // cells are percentages.
    figure.unit = unit;
    Ok(figure)
}

/// A cell's value in the column's base unit (money in 元). A number without a unit is in the
/// column's unit; a cell may also carry its own (1.2万元 in a 元 column is read exactly).
fn cell_value(column: &FigureDecl, text: &str, period: Period) -> Result<Decimal, SheetCellError> {
    let bare = units::read_literal(text).map(|l| l.unit.is_empty()).unwrap_or(false);
    if column.kind == Kind::Percent && bare && column.unit.is_none() {
        return Err(SheetCellError::NoPercent(text.to_string()));
    }
    let value = figures::parse_value_in(column, text, period, column.unit.as_deref())?;
    Ok(value.as_decimal().unwrap_or_default())
}

/// A ratio of a column per another, rounded: money in 元 per unit, whatever the column's unit.
fn ratio_shown(ratio: Decimal, figure: &FigureDecl) -> String {
    match figure.kind {
        Kind::Money => format!("{}元", format_decimal(ratio, Some(2))),
        _ => format_decimal(ratio, Some(2)),
    }
}

/// A column value as a person reads it: money in the column's unit.
fn shown(value: Decimal, figure: &FigureDecl) -> String {
    let unit = figure.unit.as_deref().unwrap_or("");
    format!("{}{unit}", figures::in_display_unit(figure, value).normalize())
}

/// The raw value of a figure declared as a column's sum or a table's row count.
pub fn derived_value(sheet: &Sheet, column: Option<&str>, condition: Option<&Condition>) -> RawValue {
    let source = sheet.total.as_ref().map(|t| t.source.clone()).unwrap_or_else(|| Source::file(&sheet.file));
    match column {
        Some(key) => {
            // Cells are held in the column's base unit (元, 人); the sum says which, so that a
            // figure in 万人 or 万元 reads it exactly and a figure of another unit refuses it.
            let sum: Decimal = sheet.rows.iter().filter_map(|r| r.values.get(key)).sum();
            let unit = sheet.base_units.get(key).map(String::as_str).unwrap_or("");
            RawValue { text: Some(format!("{}{unit}", sum.normalize())), source, via: sheet.rows_ref.get(key).cloned() }
        }
        None => {
            let counted = sheet
                .rows
                .iter()
                .filter(|r| condition.is_none_or(|c| c.holds(r.values.get(&c.column).copied())))
                .count();
            let how = match condition {
                Some(c) => t!(
                    "sheets.counted_where",
                    locale = REPORT_LOCALE,
                    counted = counted,
                    total = sheet.rows.len(),
                    condition = c.text
                ),
                None => t!("sheets.counted", locale = REPORT_LOCALE, counted = counted),
            };
            RawValue { text: Some(counted.to_string()), source, via: Some(how.to_string()) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_that_unpacks_to_more_than_the_limit_is_not_read() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        let padding = vec![b' '; 1 << 20];
        for _ in 0..101 {
            zip.write_all(&padding).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1 << 20, "small on disk");
        let Err(problem) = read_workbook(&bytes, "data/2024H1/表.xlsx", "xlsx", "表", &BTreeMap::new()) else {
            panic!("read");
        };
        assert_eq!(problem.source.unwrap().to_string(), "data/2024H1/表.xlsx");
        assert!(problem.message.contains("101 MB"), "{}", problem.message);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens_and_shown_short() {
        let csv = "乡镇,户数\n甲镇,70\n\"乙镇,50\n合计,120\n";
        assert_eq!(unclosed_quote(csv), Some((3, "\"乙镇,50".to_string())));
        let long = "乡镇,户数\n\"乙镇乙镇乙镇乙镇乙镇乙镇,50\n";
        assert_eq!(unclosed_quote(long), Some((2, "\"乙镇乙镇乙镇乙镇乙…".to_string())));
    }

    #[test]
    fn quotes_the_csv_crate_reads_are_not_unclosed() {
        // A cell over two lines, a quote written as "", a quote inside an unquoted cell.
        for csv in
            ["乡镇,\"低保金\n（元）\"\n甲镇,1\n", "乡镇,\"说\"\"明\"\"\"\n", "乡镇,5\"寸\n甲镇,1\n", "\"a\"b,1\n"]
        {
            assert_eq!(unclosed_quote(csv), None, "{csv}");
        }
    }

    #[test]
    fn a_file_that_is_no_workbook_is_told_apart() {
        let key = |bytes: &[u8]| unreadable_workbook(bytes, "xlsx");
        assert_eq!(key(b""), t!("sheets.workbook_empty", ext = "xlsx"));
        assert_eq!(key(b"PK\x03\x04 not a workbook"), t!("sheets.workbook_damaged", ext = "xlsx"));
        assert_eq!(key("乡镇,户数\n甲镇,70\n".as_bytes()), t!("sheets.workbook_is_text", ext = "xlsx"));
        assert_eq!(key(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), t!("sheets.not_a_workbook", ext = "xlsx"));
        // An OLE compound file: an .xls, or an encrypted .xlsx if it has an EncryptionInfo stream.
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend([0u8; 504]);
        assert_eq!(key(&ole), t!("sheets.workbook_damaged", ext = "xlsx"));
        ole.extend("EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(key(&ole), t!("sheets.workbook_password"));
    }
}
