//! Township sheets: a period's CSV files and XLSX sheets, one row per 乡镇 and perhaps a county
//! total row, read against the catalog's table declarations and summed into figures.
//!
//! A table is found by name: `低保分乡镇.csv`, or a sheet named `低保分乡镇` in any .xlsx of the
//! period (or the only sheet of `低保分乡镇.xlsx`). Columns are found by their header; a unit in
//! brackets (低保金（万元）) says what unit the column is in. Every cell is checked like a YAML
//! value, the total row must equal the sum of the rows, and plausibility bounds catch a 元 column
//! labelled 万元.

use crate::catalog::{FigureDecl, Kind};
use crate::data::{self, InputFile, RawValue};
use crate::error::{Problem, Source};
use crate::figures;
use crate::period::Period;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A table's declaration in the catalog.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDecl {
    /// Header of the column that names each row (乡镇).
    pub label: String,
    /// Label of the county total row (合计), if the sheet has one.
    #[serde(default)]
    pub total: Option<String>,
    /// Columns by key, each with its header and kind.
    pub columns: BTreeMap<String, ColumnDecl>,
    /// Bounds on a column per another (低保金 per 人数), to catch a unit mislabelled.
    #[serde(default)]
    pub plausible: Vec<Plausible>,
}

/// A column of a table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDecl {
    /// The header text, without a bracketed unit.
    pub header: String,
    /// The kind of its values (count, money, quantity, percent).
    pub kind: Kind,
    /// Its unit when the header names none (money: 元 or 万元 must be named somewhere).
    #[serde(default)]
    pub unit: Option<String>,
    /// Decimals shown in a report table.
    #[serde(default)]
    pub decimals: Option<u32>,
}

/// `column / per` must lie between `min` and `max` (for money, in 元) on every row.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plausible {
    /// The column checked.
    pub column: String,
    /// The column it is divided by.
    pub per: String,
    /// Lowest plausible ratio.
    pub min: String,
    /// Highest plausible ratio.
    pub max: String,
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
    note: Option<&'static str>,
}

impl Grid {
    fn source(&self, row: usize, col: usize) -> Source {
        match &self.sheet {
            None => Source::new(&self.file, (self.first_row + row + 1) as u64),
            Some(sheet) => Source::cell(
                &self.file,
                format!("{sheet}!{}{}", column_letters(self.first_col + col), self.first_row + row + 1),
            ),
        }
    }
}

fn column_letters(mut col: usize) -> String {
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
                    format!("no table of the catalog is named {stem}; tables: {}", names(tables)),
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
            match read_workbook(file.bytes.clone(), rel, &stem, tables) {
                Ok(found) if found.is_empty() => problems.push(Problem::at(
                    Source::file(rel),
                    format!("no sheet of this workbook is a table of the catalog; tables: {}", names(tables)),
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
                format!("holds table {name} again; it is already in {}", first.file),
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
        "none".into()
    } else {
        tables.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// CSV as UTF-8 (a BOM is dropped) or, from old Excel, GBK; any other encoding is refused.
fn read_csv(bytes: &[u8], file: &str) -> Result<Grid, Problem> {
    let (text, note) = match data::decode_utf8(bytes, file) {
        Ok(text) => (text, None),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(Problem::at(
                    Source::file(file),
                    "the file is neither UTF-8 nor GBK; save it as CSV UTF-8 from Excel",
                ));
            }
            (text.into_owned(), Some("GBK"))
        }
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Problem::at(Source::new(file, i as u64 + 1), format!("not valid CSV: {e}")))?;
        rows.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    Ok(Grid { file: file.into(), sheet: None, rows, first_row: 0, first_col: 0, note })
}

fn read_workbook(
    bytes: Vec<u8>,
    file: &str,
    stem: &str,
    tables: &BTreeMap<String, TableDecl>,
) -> Result<Vec<(String, Grid)>, Problem> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| Problem::at(Source::file(file), format!("not a readable Excel workbook: {e}")))?;
    let sheet_names = book.sheet_names();
    let mut found = Vec::new();
    for sheet in &sheet_names {
        // A sheet named after a table, or the only sheet of a workbook named after one.
        let table = if tables.contains_key(sheet) {
            sheet.clone()
        } else if sheet_names.len() == 1 && tables.contains_key(stem) {
            stem.to_string()
        } else {
            continue;
        };
        let range =
            book.worksheet_range(sheet).map_err(|e| Problem::at(Source::file(file), format!("sheet {sheet}: {e}")))?;
        let (first_row, first_col) = range.start().map(|(r, c)| (r as usize, c as usize)).unwrap_or((0, 0));
        let rows = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
        found.push((
            table,
            Grid { file: file.into(), sheet: Some(sheet.clone()), rows, first_row, first_col, note: None },
        ));
    }
    Ok(found)
}

/// A cell as text. Numbers are stored as binary doubles in .xlsx; Rust prints the shortest text
/// that reads back as the same double, which is the text the workbook stored.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Splits a header into its name and a bracketed unit: 低保金（万元） → (低保金, 万元).
fn split_header(header: &str) -> (String, Option<String>) {
    let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let (Some(a), true) = (h.find(open), h.ends_with(close)) {
            let unit = h[a + open.len_utf8()..h.len() - close.len_utf8()].to_string();
            return (h[..a].to_string(), Some(unit));
        }
    }
    (h, None)
}

fn read_table(name: &str, decl: &TableDecl, grid: &Grid, period: Period) -> Result<Sheet, Vec<Problem>> {
    let mut problems = Vec::new();
    // The header row is the first row that has the label column.
    let Some(header_row) = grid.rows.iter().position(|r| r.iter().any(|c| split_header(c).0 == decl.label)) else {
        return Err(vec![Problem::at(
            grid.source(0, 0),
            format!("table {name}: no header row with the column {}", decl.label),
        )]);
    };
    let header = &grid.rows[header_row];
    let find = |h: &str| header.iter().position(|c| split_header(c).0 == h);
    let label_col = find(&decl.label).expect("found above");
    let mut columns: Vec<(String, usize, FigureDecl)> = Vec::new();
    for (key, column) in &decl.columns {
        let Some(col) = find(&column.header) else {
            problems.push(Problem::at(
                grid.source(header_row, 0),
                format!("table {name}: the column {} is missing", column.header),
            ));
            continue;
        };
        let unit = split_header(&header[col]).1.or_else(|| column.unit.clone());
        if column.kind == Kind::Money && unit.is_none() {
            problems.push(Problem::at(
                grid.source(header_row, col),
                format!(
                    "table {name}: say whether {} is in 元 or 万元 (write {}（万元）)",
                    column.header, column.header
                ),
            ));
            continue;
        }
        let figure = FigureDecl {
            kind: column.kind,
            unit: unit.clone(),
            accept: unit.into_iter().collect(),
            decimals: column.decimals,
            signed: false,
            in_period: false,
            sum: None,
            count_rows: None,
            count_where: None,
            label: None,
        };
        columns.push((key.clone(), col, figure));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    let mut total = None;
    for (i, cells) in grid.rows.iter().enumerate().skip(header_row + 1) {
        let label = cells.get(label_col).cloned().unwrap_or_default();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let mut values = BTreeMap::new();
        for (key, col, figure) in &columns {
            let text = cells.get(*col).map(String::as_str).unwrap_or("");
            let source = grid.source(i, *col);
            if text.is_empty() {
                problems.push(Problem::at(source, format!("has no value for {label}")).figure(format!("{name}.{key}")));
                continue;
            }
            let with_unit = format!("{text}{}", figure.unit.as_deref().unwrap_or(""));
            match figures::parse_value(figure, &with_unit, period) {
                Ok(v) => {
                    values.insert(key.clone(), v.as_decimal().unwrap_or_default());
                }
                Err(why) => {
                    // Quote the cell as written, not with the unit added for parsing.
                    let why = why.replace(&format!("'{with_unit}'"), &format!("'{text}'"));
                    problems.push(Problem::at(source, format!("{label}: {why}")).figure(format!("{name}.{key}")))
                }
            }
        }
        let row = SheetRow { label: label.clone(), source: grid.source(i, label_col), values, index: i };
        if decl.total.as_deref() == Some(label.as_str()) {
            total = Some(row);
        } else {
            rows.push(row);
        }
    }
    // The township rows summed, by their place in the file (the total row is not among them).
    let first = rows.first().map(|r| r.index).unwrap_or(header_row + 1);
    let last = rows.last().map(|r| r.index).unwrap_or(first);
    let mut rows_ref = BTreeMap::new();
    for (key, col, _) in &columns {
        let reference = match &grid.sheet {
            None => format!(
                "column {}, {} rows (lines {}–{}) summed",
                decl.columns[key].header,
                rows.len(),
                grid.first_row + first + 1,
                grid.first_row + last + 1
            ),
            Some(sheet) => format!(
                "{sheet}!{c}{}:{c}{}, {} rows summed",
                grid.first_row + first + 1,
                grid.first_row + last + 1,
                rows.len(),
                c = column_letters(grid.first_col + col)
            ),
        };
        let reference = match grid.note {
            Some(note) => format!("{reference}, read as {note}"),
            None => reference,
        };
        rows_ref.insert(key.clone(), reference);
    }
    // The county total must equal the sum of the townships.
    if let Some(total_row) = &total {
        for (key, _, figure) in &columns {
            let sum: Decimal = rows.iter().filter_map(|r| r.values.get(key)).sum();
            if let Some(stated) = total_row.values.get(key) {
                if *stated != sum {
                    let show = |d: Decimal| shown(d, figure);
                    problems.push(
                        Problem::at(
                            total_row.source.clone(),
                            format!(
                                "the {} row says {} but the {} rows above sum to {}",
                                total_row.label,
                                show(*stated),
                                rows.len(),
                                show(sum)
                            ),
                        )
                        .figure(format!("{name}.{key}")),
                    );
                }
            }
        }
    }
    for rule in &decl.plausible {
        let (Some(col), Some(per)) =
            (columns.iter().find(|c| c.0 == rule.column), columns.iter().find(|c| c.0 == rule.per))
        else {
            problems.push(Problem::at(
                Source::file(&grid.file),
                format!("table {name}: plausible names an unknown column"),
            ));
            continue;
        };
        // Bounds may be written in 元 or 万元 whatever the column's own unit.
        let mut bound_decl = col.2.clone();
        if bound_decl.kind == Kind::Money {
            bound_decl.accept = vec!["元".into(), "万元".into()];
        }
        let bound = |text: &str| figures::parse_value(&bound_decl, text, period).ok().and_then(|v| v.as_decimal());
        let (Some(min), Some(max)) = (bound(&rule.min), bound(&rule.max)) else {
            problems.push(Problem::at(
                Source::file(&grid.file),
                format!("table {name}: plausible bounds must be amounts such as 100元"),
            ));
            continue;
        };
        for row in &rows {
            let (Some(v), Some(p)) = (row.values.get(&rule.column), row.values.get(&rule.per)) else { continue };
            if p.is_zero() {
                continue;
            }
            let ratio = *v / *p;
            if ratio < min || ratio > max {
                let hint = if col.2.kind == Kind::Money && col.2.unit.as_deref() == Some("万元") && ratio > max {
                    "; is the column in 元 although its header says 万元?"
                } else if col.2.kind == Kind::Money && ratio < min {
                    "; is the column in 万元 although its header says 元?"
                } else {
                    ""
                };
                problems.push(
                    Problem::at(
                        row.source.clone(),
                        format!(
                            "{}: {} per {} is {}, outside {} to {}{hint}",
                            row.label,
                            decl.columns[&rule.column].header,
                            per.2.display_unit(),
                            ratio_shown(ratio, &col.2),
                            rule.min,
                            rule.max
                        ),
                    )
                    .figure(format!("{name}.{}", rule.column)),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(Sheet { name: name.to_string(), file: grid.file.clone(), rows_ref, rows, total })
    } else {
        Err(problems)
    }
}

/// A ratio of a column per another, rounded: money in 元 per unit, whatever the column's unit.
fn ratio_shown(ratio: Decimal, figure: &FigureDecl) -> String {
    match figure.kind {
        Kind::Money => format!("{}元", figures::format_decimal(ratio, Some(2))),
        _ => figures::format_decimal(ratio, Some(2)),
    }
}

/// A column value as a person reads it: money in the column's unit.
fn shown(value: Decimal, figure: &FigureDecl) -> String {
    match figure.kind {
        Kind::Money => {
            let unit = figure.unit.as_deref().unwrap_or("元");
            format!("{}{unit}", figures::format_decimal(figures::money_in(value, unit).normalize(), None))
        }
        _ => format!("{}{}", value.normalize(), figure.unit.as_deref().unwrap_or("")),
    }
}

/// The raw value of a figure declared as a column's sum or a table's row count.
pub fn derived_value(sheet: &Sheet, column: Option<&str>, condition: Option<&Condition>, kind: Kind) -> RawValue {
    let source = sheet.total.as_ref().map(|t| t.source.clone()).unwrap_or_else(|| Source::file(&sheet.file));
    match column {
        Some(key) => {
            // Money columns are held in 元; counts and quantities in the column's unit.
            let sum: Decimal = sheet.rows.iter().filter_map(|r| r.values.get(key)).sum();
            let unit = if kind == Kind::Money { "元" } else { "" };
            RawValue { text: Some(format!("{}{unit}", sum.normalize())), source, via: sheet.rows_ref.get(key).cloned() }
        }
        None => {
            let counted = sheet.rows.iter().filter(|r| condition.is_none_or(|c| c.holds(r))).count();
            let how = match condition {
                Some(c) => format!("{counted} of {} rows where {}", sheet.rows.len(), c.text),
                None => format!("{counted} rows counted"),
            };
            RawValue { text: Some(counted.to_string()), source, via: Some(how) }
        }
    }
}

/// A condition on a row for `count_rows`: `人数 > 0`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The column key.
    pub column: String,
    op: crate::catalog::Op,
    value: Decimal,
    text: String,
}

impl Condition {
    /// Parses `column op number`.
    pub fn parse(text: &str) -> Option<Condition> {
        let (left, op, right) = crate::catalog::Op::split(text)?;
        let column = left.trim().to_string();
        let value: Decimal = right.trim().parse().ok()?;
        (!column.is_empty()).then(|| Condition { column, op, value, text: text.trim().to_string() })
    }
    /// Whether a row meets it (a row without the column does not).
    pub fn holds(&self, row: &SheetRow) -> bool {
        row.values.get(&self.column).is_some_and(|v| self.op.holds(*v, self.value))
    }
}
