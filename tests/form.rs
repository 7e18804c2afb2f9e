//! The 填报表 (issue 23): `zongjie form` writes it, `build` reads it back. A form written from a
//! period's data gives byte-identical reports; so does a form filled by another program
//! (openpyxl) and one opened and saved again by LibreOffice; forms of other bureaus' catalogs
//! (the import fixtures) go the same way round.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

const FORM: &str = "填报表.xlsx";

/// The report files of a period (md, pdf, docx), by name.
/// A sample workspace without `pdf: {attach_sources: true}`: a PDF carrying its sources
/// carries the form in place of the data files it replaces, while what these tests compare is
/// the report itself.
fn without_attached_sources(ws: tempfile::TempDir) -> tempfile::TempDir {
    let config = std::fs::read_to_string(ws.path().join("zongjie.yaml")).unwrap();
    std::fs::write(ws.path().join("zongjie.yaml"), config.replace("attach_sources: true", "attach_sources: false"))
        .unwrap();
    ws
}

fn reports(root: &Path, period: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(root.join("output").join(period))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "manifest.json")
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

/// A python3 that has openpyxl (Debian's python3-openpyxl lives under /usr/bin/python3).
fn python_with_openpyxl() -> Option<String> {
    ["/usr/bin/python3", "python3"]
        .into_iter()
        .map(String::from)
        .find(|p| Command::new(p).args(["-c", "import openpyxl"]).output().is_ok_and(|o| o.status.success()))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn a_form_written_from_the_data_builds_the_same_reports_and_keeps_the_files_it_replaces() {
    let ws = without_attached_sources(sample_workspace_all());
    let root = ws.path();
    for period in ["2024H1", "2024"] {
        ok(&zongjie(root, &["build", period, "--format", "md,pdf,docx"]));
        let before = reports(root, period);
        let data = root.join("data").join(period);
        let files = files_in(&data);
        // --out leaves the period as it is.
        let out = root.join(format!("发出-{period}.xlsx"));
        ok(&zongjie(root, &["form", period, "--out", out.to_str().unwrap()]));
        assert_eq!(files_in(&data), files);
        ok(&zongjie(root, &["form", period]));
        assert_eq!(files_in(&data), [FORM]);
        assert_eq!(files_in(&data.join(".versions/1")), files, "every replaced file kept");
        assert_eq!(std::fs::read(data.join(FORM)).unwrap(), std::fs::read(&out).unwrap(), "the same form");
        ok(&zongjie(root, &["check", period]));
        ok(&zongjie(root, &["build", period, "--format", "md,pdf,docx"]));
        assert_eq!(reports(root, period), before, "{period}: the reports from the form");
        // A form from a form: the same bytes, the earlier form kept.
        let first = std::fs::read(data.join(FORM)).unwrap();
        ok(&zongjie(root, &["form", period]));
        assert_eq!(std::fs::read(data.join(FORM)).unwrap(), first);
        assert_eq!(files_in(&data.join(".versions/2")), [FORM]);
    }
    // figures reads the form too, and writes its table as a workbook.
    let out = zongjie(root, &["figures", "2024H1", "--format", "csv"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("填报表.xlsx:社会救助!E"), "sources are cells");
    ok(&zongjie(root, &["figures", "2024H1", "--format", "xlsx", "--out", "核对.xlsx"]));
    assert!(std::fs::read(root.join("核对.xlsx")).unwrap().starts_with(b"PK"));
}

#[test]
fn the_form_does_not_depend_on_the_clock_and_protects_all_but_the_cells_to_fill() {
    let ws = sample_workspace();
    let root = ws.path();
    ok(&zongjie(root, &["form", "2024H1", "--out", "a.xlsx"]));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok(&zongjie(root, &["form", "2024H1", "--out", "b.xlsx"]));
    assert_eq!(std::fs::read(root.join("a.xlsx")).unwrap(), std::fs::read(root.join("b.xlsx")).unwrap());
    let Some(python) = python_with_openpyxl() else {
        eprintln!("skipped the look inside: python3 with openpyxl is missing (apt-get install python3-openpyxl)");
        return;
    };
    let script = r#"
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames[0] == '说明', wb.sheetnames
assert wb.properties.created.year == 2024 and wb.properties.created.month == 6, wb.properties.created
ws = wb['社会救助']
assert [c.value for c in ws[1]] == ['序号', '指标', '单位', '上年同期', '本期', '同比', '备注', '指标名（请勿改动）']
assert ws.freeze_panes == 'A2'
assert ws.protection.sheet and not ws.protection.password
for row in ws.iter_rows(min_row=2):
    assert row[4].protection.locked is False and row[4].fill.fgColor.rgb.endswith('FFF2CC')
    assert row[1].protection.locked is not False and row[7].protection.locked is not False
    assert str(row[5].value).startswith('=') or row[5].value is None
kinds = {dv.type for dv in ws.data_validations.dataValidation}
assert 'whole' in kinds and 'decimal' in kinds, kinds
t = wb['低保分乡镇']
last = list(t.iter_rows(values_only=True))[-1]
assert last[0] == '合计' and last[1] == '=SUM(B2:B16)', last
print('ok')
"#;
    let out = Command::new(python).args(["-c", script, root.join("a.xlsx").to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// openpyxl fills a form as a statistician would: numbers typed, some as text (1,234, 12.5%, a
/// leading apostrophe), rows moved, hidden and added, a scratch sheet added and the sheets
/// reordered; it drops the saved results of every formula.
const FILL: &str = r#"
import openpyxl, sys, datetime
src, dst = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(src)
values = {}
for ws in wb.worksheets:
    if ws.cell(1, 8).value == '指标名（请勿改动）':
        for r in range(2, ws.max_row + 1):
            values[ws.cell(r, 8).value] = (ws.cell(r, 5).value, ws.cell(r, 5).number_format)
            ws.cell(r, 5).value = None
blank = wb  # the form with 本期 emptied, as sent round
n = 0
for ws in blank.worksheets:
    if ws.cell(1, 8).value != '指标名（请勿改动）':
        continue
    for r in range(2, ws.max_row + 1):
        name = ws.cell(r, 8).value
        value, fmt = values[name]
        n += 1
        cell = ws.cell(r, 5)
        if isinstance(value, bool) or value is None:
            cell.value = value
        elif isinstance(value, int) and n % 3 == 0:
            cell.value = f"{value:,}"          # a number stored as text, with separators
        elif isinstance(value, float) and '%' in fmt and n % 2 == 0:
            places = len(fmt.split('.')[1].rstrip('%')) if '.' in fmt else 0
            cell.value = f"{value * 100:.{places}f}%"   # 12.5% typed as text
        elif isinstance(value, str) and n % 2 == 0:
            cell.value = "'" + value             # a leading apostrophe
        else:
            cell.value = value
    # A row moved to the end, a row hidden, a note row added.
    last = ws.max_row
    for c in range(1, 9):
        ws.cell(last + 2, c).value = ws.cell(2, c).value
        ws.cell(last + 2, c).number_format = ws.cell(2, c).number_format
        ws.cell(2, c).value = None
    ws.row_dimensions[3].hidden = True
    ws.cell(last + 4, 2).value = '备注：以上数字已经分管领导审核'
s = blank.create_sheet('草稿')
s['A1'] = '计算用'
s['B1'] = 12345
blank.move_sheet('草稿', offset=-3)
blank.move_sheet(blank.worksheets[-1].title, offset=-2)
blank.save(dst)
"#;

#[test]
fn a_form_filled_by_openpyxl_builds_the_same_reports() {
    let Some(python) = python_with_openpyxl() else {
        eprintln!("skipped: python3 with openpyxl is missing (apt-get install python3-openpyxl)");
        return;
    };
    let ws = without_attached_sources(sample_workspace_all());
    let root = ws.path();
    for period in ["2024H1", "2024"] {
        ok(&zongjie(root, &["build", period, "--format", "md,pdf,docx"]));
        let before = reports(root, period);
        ok(&zongjie(root, &["form", period]));
        let form = root.join("data").join(period).join(FORM);
        let out =
            Command::new(&python).args(["-c", FILL, form.to_str().unwrap(), form.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        ok(&zongjie(root, &["build", period, "--format", "md,pdf,docx"]));
        assert_eq!(reports(root, period), before, "{period}: the reports from openpyxl's form");
    }
}

#[test]
fn a_form_saved_again_by_libreoffice_builds_the_same_reports() {
    if Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("skipped: LibreOffice (soffice) is not installed; apt-get install libreoffice-calc-nogui");
        return;
    }
    let ws = without_attached_sources(sample_workspace());
    let root = ws.path();
    ok(&zongjie(root, &["build", "2024H1", "--format", "md,pdf,docx"]));
    let before = reports(root, "2024H1");
    ok(&zongjie(root, &["form", "2024H1"]));
    let scratch = tempfile::tempdir().unwrap();
    let copy = scratch.path().join("in.xlsx");
    std::fs::copy(root.join("data/2024H1").join(FORM), &copy).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", scratch.path().display());
    let out = Command::new("soffice")
        .args(["--headless", &profile, "--convert-to", "xlsx", "--outdir"])
        .arg(scratch.path().join("out"))
        .arg(&copy)
        .env("HOME", scratch.path())
        .output()
        .unwrap();
    let saved = scratch.path().join("out/in.xlsx");
    if !saved.exists() {
        let why = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(why.contains("could not be loaded"), "soffice failed: {why}");
        eprintln!("skipped: LibreOffice has no Calc (apt-get install libreoffice-calc-nogui): {why}");
        return;
    }
    assert_ne!(std::fs::read(&saved).unwrap(), std::fs::read(&copy).unwrap(), "LibreOffice wrote its own XML");
    std::fs::copy(&saved, root.join("data/2024H1").join(FORM)).unwrap();
    ok(&zongjie(root, &["build", "2024H1", "--format", "md,pdf,docx"]));
    assert_eq!(reports(root, "2024H1"), before, "the reports from LibreOffice's form");
}

#[test]
fn forms_of_other_bureaus_catalogs_go_round_the_same_way() {
    for name in ["jiaoyu-h1.txt", "renshe-h1.txt", "weijian-2023.gbk.txt"] {
        let ws = tempfile::tempdir().unwrap();
        let root = ws.path();
        let file = repo().join("tests/fixtures/import").join(name);
        ok(&zongjie(root, &["import", file.to_str().unwrap(), "--root", "."]));
        let period = files_in(&root.join("data")).remove(0);
        ok(&zongjie(root, &["build", &period, "--format", "md,docx"]));
        let before = reports(root, &period);
        ok(&zongjie(root, &["form", &period]));
        assert_eq!(files_in(&root.join("data").join(&period)), [FORM], "{name}");
        ok(&zongjie(root, &["build", &period, "--format", "md,docx"]));
        assert_eq!(reports(root, &period), before, "{name}: the reports from the form");
    }
}

#[test]
fn new_writes_a_form_when_the_workspace_asks_for_one() {
    let ws = sample_workspace();
    let root = ws.path();
    let config = std::fs::read_to_string(root.join("zongjie.yaml")).unwrap();
    std::fs::write(root.join("zongjie.yaml"), format!("{config}\ndata_form: xlsx\n")).unwrap();
    ok(&zongjie(root, &["new", "2025H1"]));
    assert_eq!(files_in(&root.join("data/2025H1")), [FORM]);
    // Every figure is still to fill: check lists them at their cells.
    let out = zongjie(root, &["check", "2025H1"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("data/2025H1/填报表.xlsx:社会救助!E"), "{text}");
    assert!(text.contains("has no value; fill it in"), "{text}");
}
