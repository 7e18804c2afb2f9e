//! The 填报表 (issue 23): one Excel workbook in which a statistician fills in a period's figures.
//! [`write`] makes it from a [`Form`] (what `pipeline::form` gathers from the catalog, last year
//! and the period's data); [`read`] reads it back as raw values, each cell through the same
//! unit model and number parsing as a YAML value. Township sheets in it are ordinary township
//! sheets, read by `data::sheets` like any other workbook's.

pub mod read;
pub mod write;

use crate::model::Kind;
use rust_decimal::Decimal;

/// The form's file name in a period folder (`data/2025H1/填报表.xlsx`).
pub const FORM_FILE: &str = crate::data::FORM_FILE;

/// The sheet that says how to fill in the form; never read.
pub const GUIDE_SHEET: &str = "说明";

/// The columns of a figure sheet, in order. The reader finds them by these headers.
pub const HEADERS: [&str; 8] = ["序号", "指标", "单位", "上年同期", "本期", "同比", "备注", "指标名（请勿改动）"];
/// Index of the 单位 column.
pub const COL_UNIT: usize = 2;
/// Index of the 上年同期 column.
pub const COL_LAST_YEAR: usize = 3;
/// Index of the 本期 column: the only one read as data.
pub const COL_VALUE: usize = 4;
/// Index of the 同比 column (a formula, never read).
pub const COL_CHANGE: usize = 5;
/// Index of the 备注 column.
pub const COL_NOTE: usize = 6;
/// Index of the figure-name column: identifies the row, whatever its place.
pub const COL_NAME: usize = 7;

/// A whole form: its figure sheets and township sheets, in the report's order.
#[derive(Debug, Clone, Default)]
pub struct Form {
    /// The period, as written in the guide (2025H1).
    pub period: String,
    /// The workbook's creation date (the period's last day): never the clock.
    pub created: (i32, u32, u32),
    /// Figure sheets.
    pub sheets: Vec<FigureSheet>,
    /// Township sheets.
    pub tables: Vec<TableSheet>,
}

/// A sheet of figures: one data file or one part of the report.
#[derive(Debug, Clone)]
pub struct FigureSheet {
    /// The sheet's name (社会救助).
    pub name: String,
    /// Its rows.
    pub rows: Vec<FigureRow>,
}

/// One figure's row.
#[derive(Debug, Clone)]
pub struct FigureRow {
    /// The catalog name (低保.户数).
    pub name: String,
    /// What the figure is: the catalog's label, or the report's sentence around it.
    pub label: String,
    /// Its kind (decides the cell's validation and format).
    pub kind: Kind,
    /// The unit the 本期 cell is in ("" for none).
    pub unit: String,
    /// Last year's value, in `unit`.
    pub last_year: Option<Cell>,
    /// This period's value, in `unit`, when the period already has it.
    pub value: Option<Cell>,
}

/// A value in a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number with the decimals it is shown with (a percentage as 64.35, shown as 64.35%).
    Number(Decimal),
    /// A date.
    Date(chrono::NaiveDate),
    /// Text.
    Text(String),
}

/// A township sheet: the catalog's table with one row per township.
#[derive(Debug, Clone)]
pub struct TableSheet {
    /// The table's name (the sheet's name).
    pub name: String,
    /// The label column's header (乡镇).
    pub label: String,
    /// The columns: header with unit (低保金（万元）), kind.
    pub columns: Vec<(String, Kind)>,
    /// Rows: the township and its values (in each column's unit), when known.
    pub rows: Vec<(String, Vec<Option<Cell>>)>,
    /// The total row's label and, for columns that are not summed, its values; `None` when
    /// the table has no total row. Summed columns get a SUM formula.
    pub total: Option<(String, Vec<Option<Cell>>)>,
    /// Which columns are summed in the total row.
    pub summed: Vec<bool>,
}
