//! The OFD (GB/T 33190-2016, issue 27): read back by a reader we did not write (the ofd-core
//! crate: parsing, structure checks and rendering over ttf-parser and tiny-skia), its text
//! against the PDF's as poppler extracts it, its first and last pages drawn against poppler's
//! drawing of the PDF, the GB/T 9704 bars measured from its own XML, and its bytes.

mod common;
use common::*;
use ofd_core::model::graphics::{PageBlock, TextObject};
use ofd_core::{OfdReader, RenderOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

const PERIODS: [&str; 6] = ["2022H1", "2022", "2023H1", "2023", "2024H1", "2024"];

/// Points per millimetre.
const MM: f64 = 72.0 / 25.4;

fn run(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} must be installed (.ci/run installs it): {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every sample period built as PDF and OFD; the OFD and PDF of each.
fn built_all() -> (tempfile::TempDir, Vec<(String, PathBuf, PathBuf)>) {
    let ws = sample_workspace_all();
    let out = zongjie(ws.path(), &["build", "--all", "--format", "pdf,ofd"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = PERIODS
        .iter()
        .map(|p| {
            let dir = ws.path().join("output").join(p);
            (p.to_string(), file_with_ext(&dir, "ofd"), file_with_ext(&dir, "pdf"))
        })
        .collect();
    (ws, files)
}

/// One TextObject as the reader parsed it: its layer type, page-coordinate glyph origins (mm)
/// and text.
struct Text {
    layer: String,
    size: f64,
    glyphs: Vec<(f64, f64, char)>,
    right: f64,
}

/// The text objects of every page, in the order of the page's XML.
fn texts(reader: &mut OfdReader<std::fs::File>) -> Vec<Vec<Text>> {
    let body = reader.ofd().doc_bodies[0].clone();
    let doc = reader.load_document(&body).unwrap();
    let mut pages = Vec::new();
    for page_ref in doc.pages().to_vec() {
        let page = reader.load_page(&doc, &page_ref).unwrap();
        let mut out = Vec::new();
        for layer in &page.content.as_ref().expect("a page with content").layers {
            for object in &layer.objects {
                if let PageBlock::Text(t) = object {
                    out.push(text(t, layer.layer_type.clone().unwrap_or_else(|| "Body".into())));
                }
            }
        }
        pages.push(out);
    }
    pages
}

fn text(t: &TextObject, layer: String) -> Text {
    let mut glyphs = Vec::new();
    for code in &t.text_codes {
        let deltas = code.delta_x.as_deref().map(ofd_core::model::graphics::parse_deltas).unwrap_or_default();
        let (mut x, y) = (code.x.unwrap(), code.y.unwrap());
        for (k, ch) in code.text.as_deref().unwrap_or("").chars().enumerate() {
            if k > 0 {
                x += deltas.get(k - 1).copied().unwrap_or_else(|| *deltas.last().unwrap());
            }
            glyphs.push((t.boundary.x + x, t.boundary.y + y, ch));
        }
    }
    Text { layer, size: t.size, glyphs, right: t.boundary.x + t.boundary.width }
}

fn page_text(page: &[Text]) -> String {
    page.iter().flat_map(|t| t.glyphs.iter().map(|g| g.2)).filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn an_independent_reader_checks_every_period_and_reads_the_pdf_text() {
    let (_ws, files) = built_all();
    for (period, ofd, pdf) in &files {
        let report = ofd_core::check_path(ofd);
        assert!(report.conforms(), "{period}: {:?}", report.problems);
        let mut reader = OfdReader::open(ofd).unwrap();
        assert_eq!(reader.ofd().doc_type, "OFD");
        let info = reader.ofd().doc_bodies[0].doc_info.clone();
        let title = ofd.file_stem().unwrap().to_string_lossy().into_owned();
        assert_eq!(info.title.as_deref(), Some(title.as_str()));
        assert_eq!(info.author.as_deref(), Some("梧桐县民政局"), "{period}");
        assert_eq!(info.creator.as_deref(), Some("zongjie"));
        assert_eq!(info.creator_version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
        let date = info.creation_date.expect("a creation date");
        assert!(
            date.starts_with(&period[..4]) || date.starts_with(&(period[..4].parse::<i32>().unwrap() + 1).to_string())
        );
        assert_eq!(info.doc_id.as_deref().map(str::len), Some(32));

        let pages = texts(&mut reader);
        let poppler = String::from_utf8(run("pdftotext", &[pdf.to_str().unwrap(), "-"])).unwrap();
        let pdf_pages: Vec<&str> = poppler.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        assert_eq!(pages.len(), pdf_pages.len(), "{period}: pages");
        for (n, (ours, theirs)) in pages.iter().zip(&pdf_pages).enumerate() {
            assert_eq!(page_text(ours), no_space(theirs), "{period} page {}", n + 1);
        }
    }
}

/// A page drawn in grey levels: width, height, pixels (0 black, 255 white).
struct Grey {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Grey {
    fn ink(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.pixels[y * self.width + x] < 128
    }
    /// The same drawing cut to `width` × `height` (the last row or column of a rounding).
    fn cut(self, width: usize, height: usize) -> Grey {
        let pixels = (0..height).flat_map(|y| self.pixels[y * self.width..y * self.width + width].to_vec()).collect();
        Grey { width, height, pixels }
    }
    /// The pixel rows that hold ink, as bands (first row, last row).
    fn bands(&self) -> Vec<(usize, usize)> {
        let mut bands: Vec<(usize, usize)> = Vec::new();
        for y in 0..self.height {
            if (0..self.width).any(|x| self.ink(x, y)) {
                match bands.last_mut() {
                    Some((_, end)) if *end + 1 == y => *end = y,
                    _ => bands.push((y, y)),
                }
            }
        }
        bands
    }
}

/// Poppler's drawing of a PDF page, as a PGM.
fn poppler_page(pdf: &Path, page: usize, dpi: u32) -> Grey {
    let n = page.to_string();
    let pgm = run("pdftoppm", &["-r", &dpi.to_string(), "-gray", "-f", &n, "-l", &n, pdf.to_str().unwrap()]);
    // P5 <width> <height> 255 <pixels>
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).into_owned());
    }
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Grey { width, height, pixels: pgm[at + 1..].to_vec() }
}

/// The reader's drawing of an OFD page.
fn ofd_page(ofd: &Path, page: usize, dpi: u32) -> Grey {
    let mut reader = OfdReader::open(ofd).unwrap();
    let body = reader.ofd().doc_bodies[0].clone();
    let doc = reader.load_document(&body).unwrap();
    let image = reader.render_page_to_image(&doc, page, &RenderOptions::with_dpi(f64::from(dpi))).unwrap();
    let (width, height) = (image.width() as usize, image.height() as usize);
    let pixels =
        image.as_raw().chunks(4).map(|p| ((u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])) / 3) as u8).collect();
    Grey { width, height, pixels }
}

/// Ink pixels of `a` with no ink within `reach` pixels in `b`, as a share of `a`'s ink.
fn unmatched(a: &Grey, b: &Grey, reach: usize) -> (f64, usize) {
    let mut ink = 0usize;
    let mut lone = 0usize;
    for y in 0..a.height {
        for x in 0..a.width {
            if !a.ink(x, y) {
                continue;
            }
            ink += 1;
            let near = (y.saturating_sub(reach)..=y + reach)
                .any(|yy| (x.saturating_sub(reach)..=x + reach).any(|xx| b.ink(xx, yy)));
            if !near {
                lone += 1;
            }
        }
    }
    (lone as f64 / ink.max(1) as f64, ink)
}

/// Resolution of the comparison: at 100 dpi a 3号 character is 22 pixels high and a line pitch
/// 40, so a text line misplaced by a quarter millimetre shows.
const DPI: u32 = 100;
/// Ink of one drawing farther than one pixel from any ink of the other, as a share of its ink.
/// Two rasterisers (poppler's Splash with FreeType, the reader's tiny-skia with ttf-parser) draw
/// the same outlines with different anti-aliasing: tiny-skia's strokes come out about a pixel
/// heavier at the 50% grey cut, and one pixel of reach absorbs most of that. Measured on the
/// first and last page of every sample period: 1.2–2.3% of the reader's ink and 0.4–0.7% of
/// poppler's is left over. The PDF's own drawing moved by half a millimetre (two pixels) leaves
/// 19.8–23.6%, and the test checks that on every page; 4% keeps room above the rasterisers'
/// difference and stays four times below a half-millimetre error.
const UNMATCHED_MAX: f64 = 0.04;

#[test]
fn the_first_and_last_pages_draw_like_the_pdf() {
    let (_ws, files) = built_all();
    for (period, ofd, pdf) in &files {
        let count = OfdReader::open(ofd)
            .map(|mut r| {
                let body = r.ofd().doc_bodies[0].clone();
                r.load_document(&body).unwrap().pages().len()
            })
            .unwrap();
        for page in [1, count] {
            let theirs = poppler_page(pdf, page, DPI);
            let ours = ofd_page(ofd, page - 1, DPI);
            // A4 at 100 dpi is 826.8 × 1169.3 pixels: the reader rounds, poppler rounds up.
            assert!(
                ours.width.abs_diff(theirs.width) <= 1 && ours.height.abs_diff(theirs.height) <= 1,
                "{period} page {page}: {}×{} vs {}×{}",
                ours.width,
                ours.height,
                theirs.width,
                theirs.height
            );
            let (w, h) = (ours.width.min(theirs.width), ours.height.min(theirs.height));
            let (ours, theirs) = (ours.cut(w, h), theirs.cut(w, h));
            // The same text lines at the same places: the rows holding ink, band by band, within
            // one pixel.
            let (a, b) = (ours.bands(), theirs.bands());
            assert_eq!(a.len(), b.len(), "{period} page {page}: ink bands {a:?} vs {b:?}");
            for (x, y) in a.iter().zip(&b) {
                assert!(x.0.abs_diff(y.0) <= 1 && x.1.abs_diff(y.1) <= 1, "{period} page {page}: band {x:?} vs {y:?}");
            }
            // OFD_DUMP=folder keeps both drawings as PGM files to look at.
            if let Ok(dir) = std::env::var("OFD_DUMP") {
                for (name, g) in [("ofd", &ours), ("pdf", &theirs)] {
                    let mut out = format!("P5 {} {} 255\n", g.width, g.height).into_bytes();
                    out.extend_from_slice(&g.pixels);
                    std::fs::write(format!("{dir}/{period}-{page}-{name}.pgm"), out).unwrap();
                }
            }
            let (lone, ink) = unmatched(&ours, &theirs, 1);
            let (lone_back, _) = unmatched(&theirs, &ours, 1);
            // The measure tells a misplaced page: the PDF's drawing moved down by two pixels
            // (half a millimetre) against itself.
            let moved = Grey {
                width: w,
                height: h,
                pixels: [vec![255; 2 * w], theirs.pixels[..(h - 2) * w].to_vec()].concat(),
            };
            let (off, _) = unmatched(&moved, &theirs, 1);
            eprintln!(
                "{period} page {page}: {ink} ink pixels, unmatched {:.2}% / {:.2}%; moved 0.5 mm: {:.1}%",
                lone * 100.0,
                lone_back * 100.0,
                off * 100.0
            );
            assert!(lone <= UNMATCHED_MAX && lone_back <= UNMATCHED_MAX, "{period} page {page}: {lone} / {lone_back}");
            assert!(off > 4.0 * UNMATCHED_MAX, "{period} page {page}: moved {off}");
        }
    }
}

#[test]
fn the_layout_bars_hold_in_the_ofd_xml() {
    let (_ws, files) = built_all();
    let (top, pitch, width) = (37.0, 225.0 / 22.0, 156.0);
    let mut full_pages = 0;
    let mut full_lines = 0;
    for (period, ofd, _) in &files {
        let pages = texts(&mut OfdReader::open(ofd).unwrap());
        for (index, page) in pages.iter().enumerate() {
            let left = if index % 2 == 0 { 28.0 } else { 210.0 - 28.0 - width };
            // 22 lines a page: every baseline of the body sits on one of the 22 lines of the grid.
            let mut rows = std::collections::BTreeSet::new();
            let mut lines: std::collections::BTreeMap<i64, Vec<(f64, f64, char)>> = Default::default();
            for t in page.iter().filter(|t| t.layer == "Body") {
                for &(x, y, ch) in &t.glyphs {
                    let k = (y - top - (pitch - t.size) / 2.0 - 0.88 * t.size) / pitch;
                    assert!((k - k.round()).abs() < 0.01, "{period} page {}: '{ch}' off the grid ({k})", index + 1);
                    assert!((0.0..22.0).contains(&k.round()), "{period} page {}: line {k}", index + 1);
                    rows.insert(k.round() as i64);
                    lines.entry(k.round() as i64).or_default().push((x, t.size, ch));
                }
            }
            if rows.len() == 22 {
                full_pages += 1;
            }
            // 28 characters a full line: a line of body text (3号) in full-width characters that
            // reaches the right edge of the type area holds 28.
            for glyphs in lines.values() {
                let (last_x, size, _) = *glyphs.last().unwrap();
                let body = glyphs.iter().all(|g| (g.1 - 16.0 / MM).abs() < 0.001 && !g.2.is_ascii());
                if body && (last_x + size - (left + width)).abs() < 0.6 && (glyphs[0].0 - left) < 0.01 + 2.0 * size {
                    // On the grid (every step one 28th of the line) it holds exactly 28 cells;
                    // a line the breaking rules left short is spread wider, never fuller.
                    let cell = width / 28.0;
                    let indent = ((glyphs[0].0 - left) / cell).round() as usize;
                    let on_grid = glyphs.windows(2).all(|w| (w[1].0 - w[0].0 - cell).abs() < 0.002);
                    if on_grid {
                        assert_eq!(indent + glyphs.len(), 28, "{period} page {}: {glyphs:?}", index + 1);
                        full_lines += 1;
                    } else {
                        assert!(indent + glyphs.len() < 28, "{period} page {}: {glyphs:?}", index + 1);
                    }
                }
            }
            // The page number: its own layer, odd pages right and even pages left, one character in.
            let numbers: Vec<&Text> = page.iter().filter(|t| t.layer != "Body").collect();
            assert_eq!(numbers.len(), 1, "{period} page {}", index + 1);
            let number = numbers[0];
            assert_eq!(number.layer, "Foreground");
            let label: String = number.glyphs.iter().map(|g| g.2).collect();
            assert_eq!(label, format!("— {} —", index + 1));
            let inset = 14.0 / MM;
            if index % 2 == 0 {
                assert!(
                    (number.right - (left + width - inset)).abs() < 0.01,
                    "{period} odd page {}: {}",
                    index + 1,
                    number.right
                );
            } else {
                assert!((number.glyphs[0].0 - (left + inset)).abs() < 0.01, "{period} even page {}", index + 1);
            }
        }
    }
    eprintln!("{full_pages} pages of 22 lines, {full_lines} full lines of 28 characters");
    assert!(full_pages >= 6, "{full_pages} pages of 22 lines");
    assert!(full_lines >= 100, "{full_lines} full lines");
}

#[test]
fn ofd_bytes_do_not_depend_on_clock_or_folder() {
    let a = sample_workspace();
    let b = sample_workspace();
    assert!(zongjie(a.path(), &["build", "--format", "ofd"]).status.success());
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let elsewhere = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zongjie"))
        .args(["build", "--format", "ofd", "--root", b.path().to_str().unwrap()])
        .current_dir(elsewhere.path())
        .env("TZ", "Asia/Shanghai")
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (sa, sb) = (snapshot(&a.path().join("output")), snapshot(&b.path().join("output")));
    assert_eq!(sa.len(), 2, "the ofd and its manifest");
    assert!(sa == sb, "OFD bytes differ between builds");
    // Nothing of the machine inside: no folder, and no entry time but the report's date.
    let ofd = file_with_ext(&a.path().join("output/2024H1"), "ofd");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&ofd).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(names[0], "OFD.xml");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let time = entry.last_modified().unwrap();
        assert_eq!((time.year(), time.month(), time.day(), time.hour()), (2024, 7, 5, 0), "{:?}", entry.name());
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for dir in [a.path(), b.path()] {
            assert!(!text.contains(dir.to_str().unwrap()), "{:?} holds a folder", entry.name());
        }
    }
}

#[test]
fn ofd_outputs_are_in_the_manifest_kept_as_versions_and_verified() {
    let ws = sample_workspace();
    assert!(zongjie(ws.path(), &["build", "--format", "pdf,ofd"]).status.success());
    let dir = ws.path().join("output/2024H1");
    let ofd = file_with_ext(&dir, "ofd");
    let name = ofd.file_name().unwrap().to_string_lossy().into_owned();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["outputs"][&name], zongjie::archive::sha256(&std::fs::read(&ofd).unwrap()));
    assert!(zongjie(ws.path(), &["verify"]).status.success());
    // An altered OFD is named by verify.
    let before = std::fs::read(&ofd).unwrap();
    let mut altered = before.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    std::fs::write(&ofd, &altered).unwrap();
    let out = zongjie(ws.path(), &["verify"]);
    assert!(!out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(said.contains(&name), "{said}");
    std::fs::write(&ofd, &before).unwrap();
    // A data correction keeps the earlier OFD in versions/1, byte for byte.
    let data = ws.path().join("data/2024H1/社会救助.yaml");
    let text = std::fs::read_to_string(&data).unwrap();
    assert!(text.contains("人次: 1389"));
    std::fs::write(&data, text.replace("人次: 1389", "人次: 1391")).unwrap();
    let out = zongjie(ws.path(), &["build", "--format", "pdf,ofd"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("versions/1").join(&name)).unwrap(), before);
    assert!(zongjie(ws.path(), &["verify"]).status.success());
}
