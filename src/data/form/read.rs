//! Reading the 填报表 back: every visible sheet whose header row has the figure-name column is a
//! sheet of figures, whatever its name or place; each row is found by the figure's name, so rows
//! may be moved, hidden or added. Only the 本期 column is read, and each cell becomes the raw
//! text a YAML file would hold (`11900户`, `6584.3193万元`, `64.35%`, `2024-07-05`), so the
//! figures stage reads it with the same unit model and number parsing. The 同比 formulas and
//! last year's column are never read. Township sheets are left to `data::sheets`.

use super::{COL_NAME, COL_UNIT, COL_VALUE, GUIDE_SHEET, HEADERS};
use crate::data::sheets::{self, column_letters, is_percent_format, split_header};
use crate::error::{Problem, Source};
use crate::model::{Catalog, FigureDecl, Kind};
use crate::values::units::{self, Unit};
use crate::values::RawValue;
use rust_decimal::Decimal;
use rust_i18n::t;
use std::collections::BTreeMap;

/// What a form gave.
#[derive(Debug, Default)]
pub struct FormValues {
    /// Values by figure name, each at its 本期 cell.
    pub values: BTreeMap<String, RawValue>,
    /// Whether the workbook has any sheet of figures (else it holds township sheets only).
    pub has_figures: bool,
    /// Figures whose rows have a problem already reported (not also "missing").
    pub reported: Vec<String>,
}

/// The unit a figure's 本期 cell is in, as the 单位 column says: the catalog's display unit for
/// counted and measured figures and money, % for percentages, none for the rest.
pub fn form_unit(decl: &FigureDecl) -> String {
    match decl.kind {
        Kind::Count | Kind::Money | Kind::Quantity | Kind::Percent => decl.display_unit().to_string(),
        Kind::Year | Kind::Month | Kind::Date | Kind::Text => String::new(),
    }
}

/// A workbook's 本期 cell: its text as Excel shows it, or why it cannot be used.
enum CellText {
    Empty,
    Text(String),
    Number(String),
    Date(chrono::NaiveDate),
    Problem(String),
}

/// Reads the figures of the form `file` (workspace-relative). A workbook that cannot be opened
/// gives nothing here: `data::sheets` says why.
pub fn read(bytes: &[u8], file: &str, catalog: &Catalog) -> (FormValues, Vec<Problem>) {
    use calamine::Reader;
    let mut out = FormValues::default();
    let mut problems = Vec::new();
    // A workbook that cannot be opened (or unpacks too large) is said by data::sheets.
    let Ok(mut book) = sheets::open_workbook(bytes, file, "xlsx") else {
        return (out, problems);
    };
    let visible = sheets::visible_sheets(&book);
    let mut first_cell: BTreeMap<String, Source> = BTreeMap::new();
    for sheet in &visible {
        if sheet == GUIDE_SHEET || catalog.tables.contains_key(sheet) {
            continue;
        }
        // Never a sheet too large to hold: its span is checked before it is read.
        let range = match sheets::sheet_range(&mut book, sheet, file) {
            Ok(range) => range,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let formulas = book.worksheet_formula(sheet).ok();
        let styles = book.worksheet_style(sheet).ok();
        let Some((top, left)) = range.start() else { continue };
        let (height, width) = range.get_size();
        let text_at = |r: u32, c: u32| match range.get_value((r, c)) {
            Some(calamine::Data::String(s)) => s.trim().to_string(),
            Some(calamine::Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        };
        // The header row: the first of the top rows with the figure-name column.
        let header = (top..top + (height as u32).min(10))
            .find(|&r| (left..left + width as u32).any(|c| text_at(r, c) == HEADERS[COL_NAME]));
        let Some(header) = header else {
            if let Some(table) =
                renamed_table(sheet, &text_at, top, left, height, width, &visible, catalog, file, &mut problems)
            {
                // What the table gives is unknown while it is not read, not missing.
                out.reported.extend(
                    catalog
                        .figures
                        .iter()
                        .filter(|(_, d)| match &d.decl.origin {
                            crate::model::Origin::Sum(s) => s.table == table,
                            crate::model::Origin::CountRows { table: t, .. } => *t == table,
                            _ => false,
                        })
                        .map(|(n, _)| n.clone()),
                );
            }
            continue;
        };
        out.has_figures = true;
        let find = |h: &str| (left..left + width as u32).find(|&c| text_at(header, c) == h);
        let (Some(name_col), Some(value_col), unit_col) =
            (find(HEADERS[COL_NAME]), find(HEADERS[COL_VALUE]), find(HEADERS[COL_UNIT]))
        else {
            problems.push(Problem::at(
                Source::cell(file, format!("{sheet}!A{}", header + 1)),
                t!("form.column_missing", sheet = sheet, column = HEADERS[COL_VALUE]),
            ));
            continue;
        };
        let cell = |r: u32, c: u32| Source::cell(file, format!("{sheet}!{}{}", column_letters(c as usize), r + 1));
        for r in header + 1..top + height as u32 {
            let name = text_at(r, name_col);
            if name.is_empty() {
                continue;
            }
            let Some(declared) = catalog.figures.get(&name) else {
                problems.push(Problem::at(cell(r, name_col), t!("form.unknown_name", name = name)));
                continue;
            };
            let decl = &declared.decl;
            let source = cell(r, value_col);
            if let Some(first) = first_cell.get(&name) {
                problems.push(Problem::at(cell(r, name_col), t!("form.row_twice", first = first)).figure(&name));
                out.reported.push(name.clone());
                continue;
            }
            first_cell.insert(name.clone(), source.clone());
            let unit = form_unit(decl);
            if let Some(uc) = unit_col {
                let written = text_at(r, uc);
                if written != unit {
                    problems.push(
                        Problem::at(cell(r, uc), t!("form.unit_changed", written = written, unit = unit)).figure(&name),
                    );
                    out.reported.push(name.clone());
                    continue;
                }
            }
            let pos = (r, value_col);
            let formula = formulas.as_ref().and_then(|f| f.get_value(pos)).filter(|f| !f.is_empty());
            let format = styles
                .as_ref()
                .and_then(|s| s.get(pos))
                .and_then(|s| s.number_format.as_ref())
                .map(|f| f.format_code.clone())
                .unwrap_or_default();
            let text = match cell_text(range.get_value(pos).unwrap_or(&calamine::Data::Empty), formula, &format) {
                CellText::Empty => None,
                CellText::Problem(why) => {
                    problems.push(Problem::at(source, why).figure(&name));
                    out.reported.push(name.clone());
                    continue;
                }
                CellText::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
                CellText::Number(n) => Some(with_unit(decl, &n, &unit)),
                CellText::Text(s) => match typed_text(decl, &s, &unit) {
                    Ok(text) => Some(text),
                    Err(why) => {
                        problems.push(Problem::at(source, why).figure(&name));
                        out.reported.push(name.clone());
                        continue;
                    }
                },
            };
            out.values.insert(name, RawValue { text, source, via: None });
        }
    }
    (out, problems)
}

/// A sheet without the figure-name column that holds a township table's header: a table sheet
/// renamed, which would otherwise not be read at all.
#[allow(clippy::too_many_arguments)]
fn renamed_table(
    sheet: &str,
    text_at: &dyn Fn(u32, u32) -> String,
    top: u32,
    left: u32,
    height: usize,
    width: usize,
    visible: &[String],
    catalog: &Catalog,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    for (table, decl) in &catalog.tables {
        if visible.contains(table) {
            continue;
        }
        let looks_like = (top..top + (height as u32).min(10)).any(|r| {
            let headers: Vec<String> = (left..left + width as u32).map(|c| split_header(&text_at(r, c)).0).collect();
            headers.contains(&decl.label) && decl.columns.values().all(|c| headers.contains(&c.header))
        });
        if looks_like {
            problems.push(Problem::at(Source::file(file), t!("form.table_renamed", sheet = sheet, table = table)));
            return Some(table.clone());
        }
    }
    None
}

/// A cell as the text Excel shows (numbers at 15 significant digits, a percent format as %,
/// as many decimals as the format shows), or why it cannot be used.
fn cell_text(cell: &calamine::Data, formula: Option<&String>, format: &str) -> CellText {
    use calamine::Data;
    let number = |v: Option<Decimal>| match v {
        None => CellText::Problem(t!("form.number_unshowable").into_owned()),
        Some(v) => {
            let percent = is_percent_format(format);
            let v = if percent { v * Decimal::from(100) } else { v };
            let mut v = v.normalize();
            let shown = shown_decimals(format);
            if v.scale() < shown {
                v.rescale(shown);
            }
            CellText::Number(if percent { format!("{v}%") } else { v.to_string() })
        }
    };
    match cell {
        Data::Empty => match formula {
            Some(f) => CellText::Problem(t!("form.formula_unsaved", formula = f).into_owned()),
            None => CellText::Empty,
        },
        Data::String(s) => {
            let s = s.strip_prefix(['\'', '’']).unwrap_or(s);
            if s.trim().is_empty() {
                CellText::Empty
            } else {
                CellText::Text(s.to_string())
            }
        }
        Data::Int(i) => number(Some(Decimal::from(*i))),
        Data::Float(f) => number(units::excel_number(*f)),
        Data::Bool(b) => CellText::Text(b.to_string()),
        Data::DateTime(d) => {
            let days = d.as_f64().floor() as i64;
            match chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|e| e.checked_add_signed(chrono::Duration::days(days)))
            {
                Some(date) => CellText::Date(date),
                None => CellText::Problem(t!("form.number_unshowable").into_owned()),
            }
        }
        Data::DateTimeIso(s) => match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
            Ok(date) => CellText::Date(date),
            Err(_) => CellText::Text(s.clone()),
        },
        Data::Error(e) => CellText::Problem(t!("form.excel_error", error = e.to_string()).into_owned()),
        other => CellText::Text(other.to_string()),
    }
}

/// The decimals a number format always shows: `0.00` → 2, `0.0%` → 1, General → 0.
fn shown_decimals(code: &str) -> u32 {
    let section = code.split(';').next().unwrap_or("");
    match section.split_once('.') {
        Some((_, after)) => after.chars().take_while(|c| *c == '0').count() as u32,
        None => 0,
    }
}

/// A number read from a cell, with the unit of its 单位 column: what a YAML file would say.
fn with_unit(decl: &FigureDecl, number: &str, unit: &str) -> String {
    match decl.kind {
        Kind::Count | Kind::Money | Kind::Quantity => format!("{number}{unit}"),
        _ => number.to_string(),
    }
}

/// Text typed into a 本期 cell: a number stored as text (`1,234`, `12.5%`) is read like one; a
/// unit typed after it must be the 单位 column's (the cell holds the figure in that unit only).
fn typed_text(decl: &FigureDecl, text: &str, unit: &str) -> Result<String, String> {
    if !matches!(decl.kind, Kind::Count | Kind::Money | Kind::Quantity | Kind::Percent) {
        return Ok(text.to_string());
    }
    let Ok(literal) = units::read_literal(text) else { return Ok(text.trim().to_string()) };
    if literal.unit.is_empty() {
        return Ok(with_unit(decl, text.trim(), unit));
    }
    let same = literal.unit == unit || (decl.kind == Kind::Percent && literal.unit == "%");
    if same {
        return Ok(text.trim().to_string());
    }
    // 5万 in a 户 column: 50000; 5万 in a 万元 column: 5.
    let (typed, wanted) = (Unit::split(&literal.unit), Unit::split(unit));
    let suggestion =
        (typed.base.is_empty() || typed.base == wanted.base || (decl.kind == Kind::Money && typed.base == "元"))
            .then(|| (literal.value * typed.magnitude.factor() / wanted.magnitude.factor()).normalize());
    Err(match suggestion {
        Some(n) => t!("form.unit_in_cell", text = text.trim(), unit = unit, number = n.to_string()).into_owned(),
        None => t!("form.unit_in_cell_other", text = text.trim(), unit = unit).into_owned(),
    })
}
