//! A configured font must be whole: a font cut short or with damaged outlines stops the build
//! at its zongjie.yaml line, so a PDF never has a blank where text should be.

mod common;
use common::*;
use std::path::Path;

/// Replaces the workspace config with one naming `font` for the body text.
fn body_font(root: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::write(root.join("fonts/仿宋.otf"), bytes).unwrap();
    std::fs::write(root.join("zongjie.yaml"), "template: tmpl\n# 本单位的字体\nfonts:\n  body: fonts/仿宋.otf\n")
        .unwrap();
}

fn fang() -> Vec<u8> {
    std::fs::read(repo().join("fonts/fandol/FandolFang-Regular.otf")).unwrap()
}

#[test]
fn a_font_cut_short_is_refused_at_its_config_line() {
    let ws = workspace("mini");
    assert!(zongjie(ws.path(), &["build"]).status.success());
    let before = snapshot(&ws.path().join("output"));
    body_font(ws.path(), &fang()[..300_000]);
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: zongjie.yaml:4: fonts.body: fonts/仿宋.otf: damaged or cut short: its table 'BASE' runs to byte 6961376, but the file has 300000 bytes; use a complete copy of the font\n"
    );
    assert_eq!(snapshot(&ws.path().join("output")), before);
    // Markdown alone needs no font, and is built.
    assert!(zongjie(ws.path(), &["build", "--format", "md"]).status.success());
}

#[test]
fn a_font_whose_outlines_are_damaged_names_the_character() {
    let ws = workspace("mini");
    let mut font = fang();
    // The glyph programs (the CFF table, from about byte 250,000) overwritten here and there.
    for i in (2_000_000..6_900_000).step_by(997) {
        font[i] = 0xff;
    }
    body_font(ws.path(), &font);
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: zongjie.yaml:4: fonts.body: fonts/仿宋.otf has no readable outline for '政' (U+653F), so the PDF would show a blank there; the file is damaged or cut short; use a complete copy of the font\n"
    );
    assert!(!ws.path().join("output/2024H1").exists());
    // The same font whole builds.
    body_font(ws.path(), &fang());
    assert!(zongjie(ws.path(), &["build"]).status.success());
}

#[test]
fn a_font_path_that_is_not_a_file_is_refused_without_reading_it() {
    let ws = workspace("mini");
    std::fs::write(ws.path().join("zongjie.yaml"), "template: tmpl\nfonts:\n  fallback: /dev/zero\n").unwrap();
    let out = zongjie(ws.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: zongjie.yaml:3: fonts.fallback: /dev/zero is not a font file (a folder, a pipe or a device); name the font file itself\n"
    );
}
