//! Writing the 填报表 with rust_xlsxwriter: the 说明 sheet, one sheet of figures per data file or
//! report part, one sheet per township table. Only the 本期 cells (and 备注, and a township
//! sheet's cells) are unlocked; each sheet is protected without a password, so a statistician
//! can fill in but not disturb the columns the form is read by. The bytes depend only on the
//! form: the workbook's creation date is the period's, never the clock.

use super::{Cell, FigureSheet, Form, TableSheet, GUIDE_SHEET, HEADERS};
use crate::model::Kind;
use crate::values::units;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

/// The shade of the cells to fill.
const FILL: u32 = 0xFFF2CC;
/// The shade of the header row.
const HEADER: u32 = 0xD9E1F2;

/// The workbook's bytes.
pub fn form_bytes(form: &Form) -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book(form.created)?;
    guide(book.add_worksheet(), form)?;
    for sheet in &form.sheets {
        figure_sheet(book.add_worksheet(), sheet)?;
    }
    for table in &form.tables {
        table_sheet(book.add_worksheet(), table)?;
    }
    book.save_to_buffer()
}

/// A workbook of one sheet of text rows (`figures --format xlsx`): a header row, frozen, columns
/// sized for Chinese text; nothing protected.
pub fn table_bytes(
    created: (i32, u32, u32),
    sheet: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = new_book(created)?;
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let head = header_format();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, text)?;
        }
    }
    for (c, header) in headers.iter().enumerate() {
        let widest = rows.iter().filter_map(|r| r.get(c)).map(|t| width(t)).max().unwrap_or(0).max(width(header));
        ws.set_column_width(c as u16, (widest as f64 + 2.0).min(60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

fn new_book(created: (i32, u32, u32)) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let (y, m, d) = created;
    let date = ExcelDateTime::from_ymd(y.clamp(1900, 9999) as u16, m as u8, d as u8)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    Ok(book)
}

/// Columns a text takes in Excel: about two for a Chinese character, one for an ASCII one.
fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(HEADER))
        .set_border(FormatBorder::Thin)
}

fn protection() -> ProtectionOptions {
    ProtectionOptions { format_columns: true, format_rows: true, ..ProtectionOptions::default() }
}

/// The 说明 sheet, in Chinese: what to fill in, what not to touch, how to hand it back.
fn guide(ws: &mut Worksheet, form: &Form) -> Result<(), XlsxError> {
    ws.set_name(GUIDE_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.write_string_with_format(0, 0, format!("{} 数据填报表", form.period), &title)?;
    let lines = [
        "一、填什么：每个工作表中浅黄色的“本期”一列，每一行一个指标，只填数字（单位已写在“单位”列中，不要再写“万”“元”“户”等）。",
        "　　百分比直接输入 64.35%；日期输入 2024-07-05；文字照原样填写。不知道的先空着，zongjie check 会列为“待填”。",
        "二、分乡镇表：以表名命名的工作表每个乡镇一行，在浅黄色的格子中填写；最后的合计行由公式自动求和，不要改动。",
        "三、不要改动：“指标名”一列（zongjie 靠它认出每一行）、“单位”一列、工作表的名字；“上年同期”是去年的数，仅供对照；“同比”是公式，随填随算。",
        "　　可以调整行的顺序、隐藏行、加行写备注，也可以另加工作表做计算；隐藏的工作表不会读取。",
        "四、交回：在 Excel 或 WPS 中保存（仍为 .xlsx 格式），放回本期的数据文件夹后运行 zongjie check；或者在 zongjie serve 的期间页面上传本文件。",
        "　　有问题时，提示会写明“文件:工作表!单元格”、指标和应当怎样填写。",
    ];
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 2, 0, *line, &wrap)?;
        ws.set_row_height(i as u32 + 2, 36)?;
    }
    ws.set_column_width(0, 100)?;
    ws.protect_with_options(&protection());
    Ok(())
}

/// The cell format of a value of `kind` shown with `decimals` places.
fn value_format(kind: Kind, decimals: Option<u32>, base: Format) -> Format {
    let places = |n: u32| if n == 0 { "0".to_string() } else { format!("0.{}", "0".repeat(n as usize)) };
    match kind {
        Kind::Date => base.set_num_format("yyyy-mm-dd"),
        Kind::Text => base.set_num_format("@"),
        Kind::Percent => base.set_num_format(format!("{}%", places(decimals.unwrap_or(2)))),
        _ => match decimals {
            Some(n) => base.set_num_format(places(n)),
            None => base,
        },
    }
}

/// Writes a cell's value at (row, col) in `kind`'s format.
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    kind: Kind,
    cell: Option<&Cell>,
    base: Format,
) -> Result<(), XlsxError> {
    match cell {
        None => {
            let decimals = match kind {
                Kind::Percent => Some(2),
                _ => None,
            };
            ws.write_blank(row, col, &value_format(kind, decimals, base))?;
        }
        Some(Cell::Number(d)) => {
            let (value, shown) = match kind {
                Kind::Percent => (*d / Decimal::from(100), *d),
                _ => (*d, *d),
            };
            let format = value_format(kind, Some(shown.scale()), base);
            ws.write_number_with_format(row, col, value.to_f64().unwrap_or(0.0), &format)?;
        }
        Some(Cell::Date(date)) => {
            use chrono::Datelike;
            let excel = ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
            ws.write_datetime_with_format(row, col, &excel, &value_format(Kind::Date, None, base))?;
        }
        Some(Cell::Text(text)) => {
            ws.write_string_with_format(row, col, text, &value_format(Kind::Text, None, base))?;
        }
    }
    Ok(())
}

/// What may be typed into a 本期 cell of `kind` in `unit`: Excel refuses anything else.
fn validation(kind: Kind, unit: &str) -> Result<Option<DataValidation>, XlsxError> {
    let plain_count = units::Unit::split(unit).magnitude == units::Magnitude::One;
    let v = match kind {
        Kind::Count if plain_count => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_message("计数只能填不小于 0 的整数，不带单位。")?,
        Kind::Count | Kind::Money | Kind::Quantity => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_message(format!("请只填数字（单位是“{unit}”），不带单位。"))?,
        Kind::Percent => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-100.0, 100.0))
            .set_error_message("请输入百分比，例如 64.35%。")?,
        Kind::Year => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(1900, 2999))
            .set_error_message("请输入四位年份，例如 2024。")?,
        Kind::Month => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(1, 12))
            .set_error_message("请输入月份 1—12。")?,
        Kind::Date => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(1990, 1, 1)?,
                ExcelDateTime::from_ymd(2999, 12, 31)?,
            ))
            .set_error_message("请输入日期，例如 2024-07-05。")?,
        Kind::Text => DataValidation::new()
            .allow_text_length(DataValidationRule::Between(1, 200))
            .set_error_message("请填写文字，不超过 200 字。")?,
    };
    Ok(Some(v))
}

/// One sheet of figures.
fn figure_sheet(ws: &mut Worksheet, sheet: &FigureSheet) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let head = header_format();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    let locked = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let wrap = locked.clone().set_text_wrap();
    let fill = Format::new().set_unlocked().set_background_color(Color::RGB(FILL)).set_border(FormatBorder::Thin);
    let note = Format::new().set_unlocked().set_border(FormatBorder::Thin).set_text_wrap();
    let mut label_width = width(HEADERS[1]);
    let mut name_width = width(HEADERS[7]);
    for (i, row) in sheet.rows.iter().enumerate() {
        let r = i as u32 + 1;
        let n = r + 1; // Excel's row number
        ws.write_number_with_format(r, 0, (i + 1) as f64, &locked)?;
        ws.write_string_with_format(r, 1, &row.label, &wrap)?;
        ws.write_string_with_format(r, 2, &row.unit, &locked)?;
        write_cell(ws, r, 3, row.kind, row.last_year.as_ref(), locked.clone())?;
        write_cell(ws, r, 4, row.kind, row.value.as_ref(), fill.clone())?;
        if let Some(v) = validation(row.kind, &row.unit)? {
            ws.add_data_validation(r, 4, r, 4, &v)?;
        }
        // 同比, for the statistician to see as she types; never read.
        let change = match row.kind {
            Kind::Count | Kind::Money | Kind::Quantity => {
                Some((format!("=IF(AND(ISNUMBER(D{n}),ISNUMBER(E{n}),D{n}<>0),E{n}/D{n}-1,\"\")"), "0.0%"))
            }
            Kind::Percent => {
                Some((format!("=IF(AND(ISNUMBER(D{n}),ISNUMBER(E{n})),(E{n}-D{n})*100,\"\")"), "0.00\"个百分点\""))
            }
            _ => None,
        };
        match change {
            Some((formula, num)) => ws.write_formula_with_format(
                r,
                5,
                Formula::new(formula).set_result(""),
                &locked.clone().set_num_format(num),
            )?,
            None => ws.write_blank(r, 5, &locked)?,
        };
        ws.write_blank(r, 6, &note)?;
        ws.write_string_with_format(r, 7, &row.name, &locked)?;
        label_width = label_width.max(width(&row.label));
        name_width = name_width.max(width(&row.name));
    }
    let widths = [6.0, (label_width as f64 + 2.0).min(50.0), 10.0, 14.0, 16.0, 14.0, 24.0, name_width as f64 + 2.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.protect_with_options(&protection());
    Ok(())
}

/// One township sheet: the table's columns with units in the header, a row per township, and
/// the total row whose summed columns are SUM formulas.
fn table_sheet(ws: &mut Worksheet, table: &TableSheet) -> Result<(), XlsxError> {
    ws.set_name(&table.name)?;
    let head = header_format();
    ws.write_string_with_format(0, 0, &table.label, &head)?;
    for (c, (header, _)) in table.columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16 + 1, header, &head)?;
    }
    let locked = Format::new().set_border(FormatBorder::Thin);
    let fill = Format::new().set_unlocked().set_background_color(Color::RGB(FILL)).set_border(FormatBorder::Thin);
    for (i, (label, cells)) in table.rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, label, &locked)?;
        for (c, (_, kind)) in table.columns.iter().enumerate() {
            write_cell(ws, r, c as u16 + 1, *kind, cells.get(c).and_then(|v| v.as_ref()), fill.clone())?;
            if let Some(v) = validation(*kind, "")? {
                ws.add_data_validation(r, c as u16 + 1, r, c as u16 + 1, &v)?;
            }
        }
    }
    if let Some((label, cells)) = &table.total {
        let r = table.rows.len() as u32 + 1;
        let bold = locked.clone().set_bold();
        ws.write_string_with_format(r, 0, label, &bold)?;
        for (c, (_, kind)) in table.columns.iter().enumerate() {
            let col = c as u16 + 1;
            if table.summed.get(c).copied().unwrap_or(false) && !table.rows.is_empty() {
                let letter = crate::data::sheets::column_letters(col as usize);
                let formula = format!("=SUM({letter}2:{letter}{r})");
                ws.write_formula_with_format(r, col, Formula::new(formula).set_result(""), &bold)?;
            } else {
                write_cell(ws, r, col, *kind, cells.get(c).and_then(|v| v.as_ref()), fill.clone())?;
            }
        }
    }
    ws.set_column_width(0, (table.rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0).max(8) + 2) as f64)?;
    for (c, (header, _)) in table.columns.iter().enumerate() {
        ws.set_column_width(c as u16 + 1, (width(header) as f64 + 4.0).max(12.0))?;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.protect_with_options(&protection());
    Ok(())
}
