//! Issue 26: the PDF as an archive copy. Read back with independent readers (pikepdf, on qpdf):
//! PDF/A-2b (PDF/A-3b with sources), PDF/UA-1 tags in reading order with every paragraph whole
//! and the page numbers outside the structure, the attached sources with their AFRelationship;
//! `zongjie extract` and `zongjie verify REPORT.pdf`, and the PDFs they must refuse.
//!
//! pikepdf is installed by .ci/run; without it (a developer's machine) the tests that read with
//! it say so and pass, except under CI, where a missing reader is a failure.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use zongjie::render::document::{Block, Document, Level};

/// A Python with pikepdf, or `None` (with the reason printed) outside CI.
fn python() -> Option<&'static str> {
    for python in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(python).args(["-c", "import pikepdf"]).output().is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    assert!(std::env::var_os("CI").is_none(), "pikepdf must be installed (.ci/run installs python3-pikepdf)");
    eprintln!("skipped: pikepdf is not installed (apt-get install python3-pikepdf, or pip install pikepdf)");
    None
}

/// What tests/pdfa/read_pdf.py reads from a PDF.
fn read(python: &str, pdf: &Path) -> Value {
    let out = Command::new(python).arg(repo().join("tests/pdfa/read_pdf.py")).arg(pdf).output().unwrap();
    assert!(out.status.success(), "read_pdf.py: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs a Python snippet with pikepdf on a PDF (argv[1]), with `pdf` opened, `spec(name)` the
/// file specification of an attachment and `names` the embedded files' name array. (The name
/// tree's keys are UTF-8 bytes, which the PDF allows; pikepdf's `attachments` mapping reads keys
/// as PDFDocEncoding, so the tree is walked here.)
fn pikepdf(python: &str, pdf: &Path, script: &str) {
    let prelude = r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1], allow_overwriting_input=True)
names = pdf.Root.Names.EmbeddedFiles.Names
def spec(name):
    for i in range(1, len(names), 2):
        if str(names[i].get("/UF", names[i].get("/F"))) == name:
            return names[i]
    raise KeyError(name)
"#;
    let script = format!("{prelude}{script}\npdf.save(sys.argv[1])\n");
    let out = Command::new(python).args(["-c", &script]).arg(pdf).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The sample workspace with `pdf: attach_sources` as given.
fn sample(attach: bool) -> tempfile::TempDir {
    let ws = sample_workspace();
    if !attach {
        let config = std::fs::read_to_string(ws.path().join("zongjie.yaml")).unwrap();
        std::fs::write(ws.path().join("zongjie.yaml"), config.replace("attach_sources: true", "attach_sources: false"))
            .unwrap();
    }
    ws
}

fn build(root: &Path, args: &[&str]) {
    let out = zongjie(root, &[&["build"], args].concat());
    assert!(out.status.success(), "{}", stderr(&out));
}

fn pdf_of(root: &Path, period: &str) -> PathBuf {
    file_with_ext(&root.join("output").join(period), "pdf")
}

fn document(root: &Path, period: &str) -> Document {
    zongjie::render::document::parse(&markdown(root, period), "report.md").unwrap()
}

fn kids(v: &Value) -> &Vec<Value> {
    v["kids"].as_array().unwrap()
}

fn kind(v: &Value) -> &str {
    v["type"].as_str().unwrap()
}

fn text(v: &Value) -> String {
    no_space(v["text"].as_str().unwrap())
}

fn heading_tag(level: Level) -> &'static str {
    match level {
        Level::Part => "/H2",
        Level::Section => "/H3",
        Level::Item => "/H4",
        Level::SubItem => "/H5",
    }
}

/// The structure tree, read in order, is the document: the title H1, each heading its Hn,
/// each paragraph one whole P (a run-in heading as its Hn first), each table a Table with a
/// header row of TH, the 落款 lines as P; no page number inside any of it.
fn check_structure(info: &Value, doc: &Document) {
    let top = info["tree"].as_array().unwrap();
    assert_eq!(top.len(), 1, "one Document element");
    assert_eq!(kind(&top[0]), "/Document");
    let mut elements = kids(&top[0]).iter();
    let mut next = || elements.next().expect("an element for every block");
    let title = next();
    assert_eq!((kind(title), text(title)), ("/H1", no_space(&doc.title)));
    let mut split_across_pages = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text: t } => {
                let e = next();
                assert_eq!((kind(e), text(e)), (heading_tag(*level), no_space(t)));
                assert_eq!(e["title"].as_str().unwrap(), t, "the heading's /T");
            }
            Block::Paragraph { lead, text: t } => {
                let e = next();
                let whole = format!("{}{t}", lead.as_ref().map(|(_, l)| l.as_str()).unwrap_or(""));
                assert_eq!((kind(e), text(e)), ("/P", no_space(&whole)), "a paragraph is one P, whole");
                if let Some((level, l)) = lead {
                    let first = &kids(e)[0];
                    assert_eq!((kind(first), text(first)), (heading_tag(*level), no_space(l)), "run-in heading");
                }
                if e["pages"].as_array().unwrap().len() > 1 {
                    split_across_pages += 1;
                }
            }
            Block::Table { header, rows, .. } => {
                let e = next();
                assert_eq!(kind(e), "/Table");
                let trs = kids(e);
                assert_eq!(trs.len(), rows.len() + 1, "the header row once, then every row");
                for (r, tr) in trs.iter().enumerate() {
                    assert_eq!(kind(tr), "/TR");
                    let cells = if r == 0 { header } else { &rows[r - 1] };
                    let want: Vec<(&str, String)> =
                        cells.iter().map(|c| (if r == 0 { "/TH" } else { "/TD" }, no_space(c))).collect();
                    let got: Vec<(&str, String)> = kids(tr).iter().map(|c| (kind(c), text(c))).collect();
                    assert_eq!(got, want, "table row {r}");
                }
            }
            Block::Signature { lines } => {
                for line in lines {
                    let e = next();
                    assert_eq!((kind(e), text(e)), ("/P", no_space(line)));
                }
            }
        }
    }
    assert!(elements.next().is_none(), "nothing after the 落款");
    assert!(split_across_pages > 0, "the sample has a paragraph across a page break, still one P");
    // Page numbers are artifacts, on every page; no text is drawn outside both.
    for (p, art) in info["artifacts"].as_array().unwrap().iter().enumerate() {
        assert!(no_space(art.as_str().unwrap()).contains(&format!("—{}—", p + 1)), "page {} number: {art}", p + 1);
    }
    for loose in info["unmarked"].as_array().unwrap() {
        assert_eq!(loose.as_str().unwrap(), "", "all text is tagged or an artifact");
    }
}

#[test]
fn without_sources_the_pdf_is_tagged_pdfa_2b_and_reads_in_order() {
    let Some(python) = python() else { return };
    let ws = sample(false);
    build(ws.path(), &[]);
    let pdf = pdf_of(ws.path(), "2024H1");
    let info = read(python, &pdf);
    assert_eq!(info["pdfaid_part"], "2");
    assert_eq!(info["pdfaid_conformance"], "B");
    assert_eq!(info["pdfuaid_part"], "1");
    assert_eq!(info["output_intents"], serde_json::json!(["/GTS_PDFA1"]));
    assert_eq!(info["lang"], "zh-CN");
    assert_eq!(info["marked"], true);
    assert_eq!(info["attachments"], serde_json::json!([]));
    check_structure(&info, &document(ws.path(), "2024H1"));
    // The tags cost at most a tenth of the size: 421,029 bytes before issue 26 (441,421 with
    // them, DESIGN.md "Tagged PDF and sources").
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size <= 421_029 * 11 / 10, "{size} bytes");
    // pdftotext still reads the text, the page number at each page's end.
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = no_space(&String::from_utf8_lossy(&out.stdout));
    assert!(text.contains("—1—") && text.starts_with("梧桐县民政局"), "{text}");
}

#[test]
fn with_sources_the_pdf_is_pdfa_3b_and_carries_them() {
    let Some(python) = python() else { return };
    let ws = sample(true);
    build(ws.path(), &[]);
    let info = read(python, &pdf_of(ws.path(), "2024H1"));
    assert_eq!((&info["pdfaid_part"], &info["pdfaid_conformance"]), (&Value::from("3"), &Value::from("B")));
    assert_eq!(info["pdfuaid_part"], "1");
    check_structure(&info, &document(ws.path(), "2024H1"));
    let files = info["attachments"].as_array().unwrap();
    assert_eq!(info["af"].as_u64().unwrap() as usize, files.len(), "every attachment is an associated file");
    let by_name: std::collections::BTreeMap<&str, &Value> =
        files.iter().map(|f| (f["name"].as_str().unwrap(), f)).collect();
    for (name, relation) in [
        ("zongjie-sources.json", "/Source"),
        ("zongjie.yaml", "/Source"),
        ("templates/civil-affairs-h1/report.md.j2", "/Source"),
        ("templates/civil-affairs-h1/catalog.yaml", "/Source"),
        ("data/2024H1/社会救助.yaml", "/Data"),
        ("data/2024H1/特困分乡镇.xlsx", "/Data"),
        // last year's half year: the report's 同比 come from it
        ("data/2023H1/社会救助.yaml", "/Data"),
    ] {
        let f = by_name.get(name).unwrap_or_else(|| panic!("{name} attached: {by_name:?}"));
        assert_eq!(f["relationship"], relation, "{name}");
        assert!(!f["description"].as_str().unwrap().is_empty() && !f["subtype"].as_str().unwrap().is_empty());
    }
    // The list names every attached file with its sha256, the tool, and no output.
    let list = zongjie::pipeline::sources::read_pdf(&pdf_of(ws.path(), "2024H1"), "report.pdf").unwrap();
    assert!(list.altered.is_empty());
    assert_eq!(list.sources.tool, format!("zongjie {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(list.sources.files.len() + 1, files.len());
    assert!(list.sources.files.iter().all(|f| !f.name.starts_with("output/")));
}

#[test]
fn extract_then_build_gives_the_same_bytes_for_every_sample_period() {
    let ws = sample_workspace_all();
    build(ws.path(), &["--all", "--format", "md,pdf,docx"]);
    for period in ["2022H1", "2022", "2023H1", "2023", "2024H1", "2024"] {
        let pdf = pdf_of(ws.path(), period);
        let dir = tempfile::tempdir().unwrap();
        let into = dir.path().join("ws");
        let out = zongjie(ws.path(), &["extract", pdf.to_str().unwrap(), into.to_str().unwrap()]);
        assert!(out.status.success(), "{period}: {}", stderr(&out));
        build(&into, &[period, "--format", "md,pdf,docx"]);
        let original = snapshot(&ws.path().join("output").join(period));
        let rebuilt = snapshot(&into.join("output").join(period));
        let reports = |files: Vec<(String, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
            files.into_iter().filter(|(n, _)| [".md", ".pdf", ".docx"].iter().any(|e| n.ends_with(e))).collect()
        };
        let (original, rebuilt) = (reports(original), reports(rebuilt));
        assert_eq!(original.len(), 3, "{period}");
        for ((name, a), (other, b)) in original.iter().zip(&rebuilt) {
            assert_eq!(name, other);
            assert!(a == b, "{period}: {name} rebuilt from the PDF alone differs");
        }
    }
}

#[test]
fn verify_a_pdf_rebuilds_it_and_names_an_altered_attachment() {
    let ws = sample(true);
    build(ws.path(), &[]);
    let pdf = pdf_of(ws.path(), "2024H1");
    let out = zongjie(ws.path(), &["verify", pdf.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}{}", stderr(&out));
    assert!(said.contains("unchanged") && said.contains(&format!("zongjie {}", env!("CARGO_PKG_VERSION"))), "{said}");
    // Anywhere, without the workspace.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("报告.pdf");
    std::fs::copy(&pdf, &copy).unwrap();
    let out = zongjie(elsewhere.path(), &["verify", "报告.pdf"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let Some(python) = python() else { return };
    // Pages altered, sources intact: the rebuild differs, and says which zongjie wrote it.
    let pages = elsewhere.path().join("页面.pdf");
    std::fs::copy(&pdf, &pages).unwrap();
    pikepdf(python, &pages, "pdf.pages[0].Rotate = 90\n");
    let out = zongjie(elsewhere.path(), &["verify", "页面.pdf"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("the sources are intact, but a rebuild") && said.contains("zongjie 0"), "{said}");
    pikepdf(
        python,
        &copy,
        r#"
stream = spec("data/2024H1/社会救助.yaml").EF.F
stream.write(stream.read_bytes().replace(b"\n", b"\n# edited\n", 1))
"#,
    );
    let out = zongjie(elsewhere.path(), &["verify", "报告.pdf"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("data/2024H1/社会救助.yaml") && said.contains("altered"), "{said}");
    // extract refuses it as well.
    let out = zongjie(elsewhere.path(), &["extract", "报告.pdf", "ws"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("data/2024H1/社会救助.yaml"), "{}", stderr(&out));
    assert!(!elsewhere.path().join("ws").exists());
}

#[test]
fn extract_does_not_write_into_a_workspaces_own_folders_and_names_its_default_folder() {
    let ws = sample(true);
    build(ws.path(), &[]);
    let pdf = pdf_of(ws.path(), "2024H1");
    let before = listing(&ws.path().join("data"));
    let out = zongjie(ws.path(), &["extract", pdf.to_str().unwrap(), "data/2025H1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("data/2025H1 is inside the data/, templates/ or output/ folder of the workspace"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(&ws.path().join("data")), before, "nothing written");
    // A report without the .pdf extension: the folder is not the file's own name.
    let place = tempfile::tempdir().unwrap();
    std::fs::copy(&pdf, place.path().join("报告")).unwrap();
    let out = zongjie(place.path(), &["extract", "报告"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(place.path().join("报告.来源/zongjie.yaml").is_file());
}

/// Everything under `dir`, by relative path.
fn listing(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(n, _)| n).collect()
}

#[test]
fn pdfs_that_cannot_be_extracted_are_refused_with_nothing_written() {
    let ws = sample(true);
    build(ws.path(), &[]);
    let pdf = pdf_of(ws.path(), "2024H1");
    let place = tempfile::tempdir().unwrap();
    let root = place.path();
    let refuse = |file: &Path, expect: &str| {
        let before = listing(root);
        let out = zongjie(root, &["extract", file.to_str().unwrap(), "ws"]);
        assert_eq!(out.status.code(), Some(1), "{}: {}", file.display(), stderr(&out));
        assert!(stderr(&out).contains(expect), "{}: {}", file.display(), stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
        assert_eq!(listing(root), before, "nothing written");
        let out = zongjie(root, &["verify", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "verify {}", file.display());
    };
    // Not a PDF; a damaged one.
    std::fs::write(root.join("notes.pdf"), "会议记录").unwrap();
    refuse(&root.join("notes.pdf"), "is not a PDF");
    let bytes = std::fs::read(&pdf).unwrap();
    std::fs::write(root.join("damaged.pdf"), [&bytes[..9], &b"garbage"[..]].concat()).unwrap();
    refuse(
        &root.join("damaged.pdf"),
        "damaged.pdf is damaged and cannot be read (its cross-reference table or objects cannot be read); use an intact copy of the report's PDF",
    );
    // zongjie's, without sources.
    let plain = sample(false);
    build(plain.path(), &[]);
    std::fs::copy(pdf_of(plain.path(), "2024H1"), root.join("plain.pdf")).unwrap();
    refuse(&root.join("plain.pdf"), "without its sources");
    // Not zongjie's: a minimal PDF of another writer.
    std::fs::write(root.join("other.pdf"), minimal_pdf()).unwrap();
    refuse(&root.join("other.pdf"), "was not made by zongjie");
    // A folder that is not empty is not written into.
    std::fs::create_dir(root.join("full")).unwrap();
    std::fs::write(root.join("full/keep.txt"), "keep").unwrap();
    let out = zongjie(root, &["extract", pdf.to_str().unwrap(), "full"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert_eq!(listing(&root.join("full")), vec!["keep.txt".to_string()]);

    let Some(python) = python() else { return };
    // A copy of the report with one more attachment, named by a Python string literal.
    let with_attachment = |file: &str, name: &str| -> PathBuf {
        let target = root.join(file);
        std::fs::copy(&pdf, &target).unwrap();
        let script = format!(
            "names.append(pikepdf.String({name}))\nnames.append(pikepdf.AttachedFileSpec(pdf, b\"x: 1\\n\", filename={name}).obj)\n"
        );
        pikepdf(python, &target, &script);
        target
    };
    for (file, name, expect) in [
        ("dotdot.pdf", "../evil.yaml", "outside the folder"),
        ("absolute.pdf", "/tmp/zongjie-evil.yaml", "outside the folder"),
        ("nested.pdf", "data/../../evil.yaml", "outside the folder"),
    ] {
        refuse(&with_attachment(file, &format!("{name:?}")), expect);
        assert!(!Path::new("/tmp/zongjie-evil.yaml").exists());
    }
    // A huge attachment (deflated small: it must not be inflated whole).
    let target = root.join("huge.pdf");
    std::fs::copy(&pdf, &target).unwrap();
    pikepdf(
        python,
        &target,
        r#"
import zlib
stream = spec("data/2024H1/社会救助.yaml").EF.F
stream.write(zlib.compress(b"0" * (40 << 20)), filter=pikepdf.Name.FlateDecode)
"#,
    );
    refuse(&target, "larger than");
    // The same name attached twice, the second with other bytes: which one is meant cannot be told.
    let target = with_attachment("twice.pdf", "\"data/2024H1/社会救助.yaml\"");
    refuse(
        &target,
        "twice.pdf: two attachments are named data/2024H1/社会救助.yaml; nothing was written. The PDF was not written by zongjie or was altered; use the archived original of the report's PDF",
    );
    // A name with a control character is refused and shown escaped, never sent to the terminal.
    let target = with_attachment("control.pdf", r#""data/2024H1/\x1b[31mred.yaml""#);
    refuse(&target, r#"the attachment name "data/2024H1/\u{1b}[31mred.yaml" cannot be written safely"#);
    // The list of sources is not zongjie's: said with where it stops making sense.
    let target = root.join("list.pdf");
    std::fs::copy(&pdf, &target).unwrap();
    pikepdf(python, &target, "spec(\"zongjie-sources.json\").EF.F.write(b'{\"tool\": 5, oops')\n");
    refuse(
        &target,
        "list.pdf: the attached list zongjie-sources.json cannot be read (not zongjie's list of sources at line 1, column 10); the PDF was altered after zongjie wrote it; use the archived original of the report's PDF",
    );
}

/// A valid one-page PDF as another program writes it, with its cross-reference table.
fn minimal_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").bytes());
    }
    out.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).bytes());
    out
}
