//! Hashes the bundled fonts once at compile time: every manifest lists them as inputs, and
//! hashing 31 MB on every build would cost more than the build itself.
use sha2::{Digest, Sha256};
use std::fmt::Write;

fn main() {
    let fonts = [
        "FandolFang-Regular.otf",
        "FandolSong-Bold.otf",
        "FandolHei-Regular.otf",
        "FandolKai-Regular.otf",
        "FandolSong-Regular.otf",
    ];
    let mut out = String::from(
        "/// sha256 of each bundled font, computed by build.rs.\npub const BUNDLED_FONT_SHA256: &[(&str, &str)] = &[\n",
    );
    for name in fonts {
        let path = format!("fonts/fandol/{name}");
        println!("cargo:rerun-if-changed={path}");
        let bytes = std::fs::read(&path).expect("bundled font");
        let digest = Sha256::digest(&bytes);
        let mut hex = String::new();
        for b in digest {
            write!(hex, "{b:02x}").unwrap();
        }
        writeln!(out, "    (\"{name}\", \"{hex}\"),").unwrap();
    }
    out.push_str("];\n");
    // rust-i18n reads locales/*.yml inside a macro, which cargo does not track: a message edited
    // alone would otherwise leave the old text compiled in.
    println!("cargo:rerun-if-changed=locales");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("font_hashes.rs");
    std::fs::write(dest, out).unwrap();
}
