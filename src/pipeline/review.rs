//! What a statistician reviews before the secretary sees the report: every figure the report
//! uses with its value, unit, source, the same period last year and the change.

use crate::figures::{self, Against, Figure, Figures};
use crate::model::Kind;
use serde::Serialize;

/// One figure of the report, as listed by `zongjie figures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FigureRow {
    /// Catalog name (`低保.户数`).
    pub name: String,
    /// The value as the report writes it.
    pub value: String,
    /// Its unit.
    pub unit: String,
    /// Where it comes from: file:line, or a sheet's column and the rows summed.
    pub source: String,
    /// The same period last year, if data/ has it.
    pub last_year: Option<String>,
    /// The change against last year (同比增长3.2%, 同比提高1.5个百分点), if it can be stated.
    pub change: Option<String>,
}

/// The rows of the figures named in `used` (those a report's template uses, in name order),
/// each with the same figure last year.
pub fn rows(figures: &Figures, used: &[String]) -> Vec<FigureRow> {
    used.iter()
        .filter_map(|name| figures.by_name.get(name))
        .map(|f| {
            let earlier: Option<&Figure> =
                figures.last_year.as_ref().and_then(|ly| ly.by_name.get(&f.name)).map(|a| a.as_ref());
            row(f, earlier)
        })
        .collect()
}

/// One figure's row, given the same figure last year (a township cell in the preview as well).
pub fn row(f: &Figure, earlier: Option<&Figure>) -> FigureRow {
    // Only measured quantities change year on year; a year or a month does not.
    let numeric = matches!(f.decl.kind, Kind::Count | Kind::Money | Kind::Percent | Kind::Quantity);
    FigureRow {
        name: f.name.clone(),
        value: f.display(),
        unit: f.decl.display_unit().to_string(),
        source: source_of(f),
        last_year: earlier.map(|e| e.display()),
        change: earlier.filter(|_| numeric).and_then(|e| figures::change_phrase(f, e, Against::LastYear, 1).ok()),
    }
}

fn source_of(f: &Figure) -> String {
    match &f.via {
        Some(via) => format!("{} ({via})", f.source),
        None => f.source.to_string(),
    }
}

/// The rows as a workbook, for the statistician to check against her own tables: one sheet,
/// a header row, each figure's name, value, unit, source, last year and change.
pub fn to_xlsx(rows: &[FigureRow], period: crate::values::period::Period) -> crate::error::Result<Vec<u8>> {
    use chrono::Datelike;
    let day = period.last_day();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.value.clone(),
                r.unit.clone(),
                r.source.clone(),
                r.last_year.clone().unwrap_or_default(),
                r.change.clone().unwrap_or_default(),
            ]
        })
        .collect();
    crate::data::form::write::table_bytes((day.year(), day.month(), day.day()), "指标核对", &HEADERS, &cells).map_err(
        |e| crate::error::Error::Stopped(rust_i18n::t!("form.write_failed", reason = e.to_string()).into_owned()),
    )
}

const HEADERS: [&str; 6] = ["指标", "数值", "单位", "来源", "上年同期", "同比"];

fn cells(row: &FigureRow) -> [String; 6] {
    [
        row.name.clone(),
        row.value.clone(),
        row.unit.clone(),
        row.source.clone(),
        row.last_year.clone().unwrap_or_default(),
        row.change.clone().unwrap_or_default(),
    ]
}

/// Display width in a terminal: CJK and full-width characters take two columns.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD) { 2 } else { 1 })
        .sum()
}

/// An aligned text table.
pub fn to_table(rows: &[FigureRow]) -> String {
    let all: Vec<[String; 6]> = std::iter::once(HEADERS.map(String::from)).chain(rows.iter().map(cells)).collect();
    let widths: Vec<usize> = (0..6).map(|c| all.iter().map(|r| width(&r[c])).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &all {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c + 1 == row.len() {
                    cell.clone()
                } else {
                    format!("{cell}{}", " ".repeat(widths[c] - width(cell)))
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// CSV with a header row (UTF-8 with a BOM, so that Excel opens it as UTF-8).
pub fn to_csv(rows: &[FigureRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADERS).expect("write to memory");
    for row in rows {
        // Text that Excel would run as a formula is written as text (OWASP).
        writer
            .write_record(cells(row).iter().map(|c| crate::values::csv_cell(c).into_owned()))
            .expect("write to memory");
    }
    let bytes = writer.into_inner().expect("write to memory");
    format!("\u{FEFF}{}", String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out"))
}

/// A JSON array of rows.
pub fn to_json(rows: &[FigureRow]) -> String {
    let mut text = serde_json::to_string_pretty(rows).expect("rows serialize");
    text.push('\n');
    text
}

/// The rows as Markdown table cells, for the `--with-figures` appendix.
pub fn to_markdown_table(rows: &[FigureRow]) -> crate::render::document::Block {
    use crate::render::document::Align;
    crate::render::document::Block::Table {
        header: HEADERS.iter().map(|h| h.to_string()).collect(),
        rows: rows.iter().map(|r| cells(r).to_vec()).collect(),
        align: vec![Align::Left, Align::Right, Align::Left, Align::Left, Align::Right, Align::Left],
    }
}
