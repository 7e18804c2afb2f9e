//! A minimal .xlsx writer for test workbooks: the few parts Excel and calamine need, with hidden
//! sheets, percent-formatted numbers and formulas with or without a saved value, which a
//! statistician's workbook has and a spreadsheet library would not let us write on purpose.
//!
//! A cell is written as text in the case files:
//! - `70`, `2827.5200000000004`: a number cell;
//! - `%0.6435`: a number cell formatted as a percentage (Excel shows 64.35%);
//! - `=SUM(B2:B3)`: a formula with no saved value; `=SUM(B2:B3)|120`: with the saved value 120;
//! - `#DIV/0!`: an error cell;
//! - anything else: a text cell.

use std::io::Write;

/// One sheet: its name, whether it is hidden, and its rows of cells.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetSpec {
    /// The sheet's name.
    pub name: String,
    /// Hidden in Excel (right-click → Hide).
    #[serde(default)]
    pub hidden: bool,
    /// Rows of cells, from A1.
    pub rows: Vec<Vec<String>>,
}

fn column(col: usize) -> String {
    zongjie::data::sheets::column_letters(col)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn cell_xml(reference: &str, cell: &str) -> String {
    if cell.is_empty() {
        return String::new();
    }
    if let Some(formula) = cell.strip_prefix('=') {
        return match formula.split_once('|') {
            Some((f, v)) => format!("<c r=\"{reference}\"><f>{}</f><v>{v}</v></c>", escape(f)),
            None => format!("<c r=\"{reference}\"><f>{}</f></c>", escape(formula)),
        };
    }
    if let Some(number) = cell.strip_prefix('%') {
        return format!("<c r=\"{reference}\" s=\"1\"><v>{number}</v></c>");
    }
    if cell.starts_with('#') && cell.ends_with(['!', '?', 'A']) {
        return format!("<c r=\"{reference}\" t=\"e\"><v>{}</v></c>", escape(cell));
    }
    if cell.parse::<f64>().is_ok() {
        return format!("<c r=\"{reference}\"><v>{cell}</v></c>");
    }
    format!("<c r=\"{reference}\" t=\"inlineStr\"><is><t>{}</t></is></c>", escape(cell))
}

/// The bytes of a workbook with these sheets.
pub fn workbook(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, text: String| {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"))
        .collect();
    put(
        "[Content_Types].xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>{overrides}</Types>"
        ),
    );
    put(
        "_rels/.rels",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".into(),
    );
    let sheet_list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = if s.hidden { " state=\"hidden\"" } else { "" };
            format!("<sheet name=\"{}\" sheetId=\"{}\"{state} r:id=\"rId{}\"/>", escape(&s.name), i + 1, i + 1)
        })
        .collect();
    put(
        "xl/workbook.xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>{sheet_list}</sheets></workbook>"
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|i| format!("<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"))
        .collect::<String>()
        + &format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>", sheets.len() + 1);
    put(
        "xl/_rels/workbook.xml.rels",
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{rels}</Relationships>"),
    );
    // Style 1 is Excel's built-in 0.00% (numFmtId 10).
    put(
        "xl/styles.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts><fills count=\"1\"><fill><patternFill patternType=\"none\"/></fill></fills><borders count=\"1\"><border/></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"10\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>".into(),
    );
    for (i, sheet) in sheets.iter().enumerate() {
        let rows: String = sheet
            .rows
            .iter()
            .enumerate()
            .map(|(r, cells)| {
                let cells: String = cells
                    .iter()
                    .enumerate()
                    .map(|(c, cell)| cell_xml(&format!("{}{}", column(c), r + 1), cell))
                    .collect();
                format!("<row r=\"{}\">{cells}</row>", r + 1)
            })
            .collect();
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"),
        );
    }
    zip.finish().unwrap().into_inner()
}
