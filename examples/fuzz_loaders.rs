//! A mutation fuzzer for the data loaders (YAML values, CSV and XLSX sheets, value parsing).
//!
//! cargo-fuzz needs a nightly toolchain; this runs on stable. It mutates the sample workspace's
//! own data files (bit flips, byte insertions and deletions, splices, boundary values) with a
//! fixed-seed generator and feeds each input to the loaders in process. Any panic is a bug: the
//! input is saved under `fuzz/crashes/` and the run fails. It is not part of CI.
//!
//!     cargo run --release --example fuzz_loaders -- [SECONDS] [SEED]
//!     cargo run --release --example fuzz_loaders -- --replay fuzz/crashes/FILE   (one input, panic shown)

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use zongjie::model::Catalog;
use zongjie::values::period::Period;

/// xorshift64*: small, fixed-seed, enough to drive mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: [&str; 14] =
    ["-", "1e20", "万元", "元", "%", ":", "\n", "  ", "[", "{", "合计", "\u{FEFF}", "99999999999999999999999", ","];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => data.insert(at, rng.next() as u8),
            2 if !data.is_empty() => {
                let end = (at + rng.below(16)).min(data.len());
                data.drain(at.min(end)..end);
            }
            3 => {
                let word = INTERESTING[rng.below(INTERESTING.len())].as_bytes();
                data.splice(at..at, word.iter().copied());
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len());
                let len = rng.below(64).min(other.len() - from);
                data.splice(at..at, other[from..from + len].iter().copied());
            }
            _ => {
                let end = (at + rng.below(8)).min(data.len());
                let copy: Vec<u8> = data[at.min(end)..end].to_vec();
                data.splice(at..at, copy);
            }
        }
    }
    data
}

/// Runs one input through the loaders that take its kind of file.
fn feed(name: &str, input: &[u8], catalog: &Catalog, period: Period) {
    let file = format!("data/2024H1/{name}");
    if name.ends_with(".yaml") {
        let (mut values, mut problems) = (BTreeMap::new(), Vec::new());
        zongjie::data::read_yaml(input, &file, &mut values, &mut problems);
        let data = zongjie::data::PeriodData { values, ..Default::default() };
        let _ = zongjie::figures::check(catalog, &data.values, period, false);
        let _ = Catalog::parse(&String::from_utf8_lossy(input), "catalog.yaml");
    } else {
        let file = zongjie::data::InputFile { path: file, bytes: input.to_vec() };
        let _ = zongjie::data::sheets::load(&[file], &catalog.tables, period);
    }
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--replay") {
        let path = std::path::PathBuf::from(args.nth(1).expect("--replay FILE"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalog = Catalog::parse(
            &std::fs::read_to_string(root.join("templates/civil-affairs-h1/catalog.yaml")).unwrap(),
            "c",
        )
        .unwrap();
        // Crash files are named RUN-original name.
        let name = path.file_name().unwrap().to_string_lossy().split_once('-').map(|(_, n)| n.to_string()).unwrap();
        feed(&name, &std::fs::read(&path).unwrap(), &catalog, "2024H1".parse().unwrap());
        println!("no panic");
        return;
    }
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0x5EED);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog_text = std::fs::read_to_string(root.join("templates/civil-affairs-h1/catalog.yaml")).unwrap();
    let catalog = Catalog::parse(&catalog_text, "catalog.yaml").unwrap();
    let period: Period = "2024H1".parse().unwrap();
    let mut corpus: Vec<(String, Vec<u8>)> = Vec::new();
    for entry in std::fs::read_dir(root.join("data/2024H1")).unwrap() {
        let path = entry.unwrap().path();
        corpus.push((path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()));
    }
    corpus.push(("catalog.yaml".into(), catalog_text.into_bytes()));
    let raw: Vec<Vec<u8>> = corpus.iter().map(|(_, b)| b.clone()).collect();
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let (start, mut runs, mut crashes) = (Instant::now(), 0u64, 0u64);
    while start.elapsed() < Duration::from_secs(seconds) {
        let (name, original) = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, original, &raw);
        let result = catch_unwind(AssertUnwindSafe(|| feed(name, &input, &catalog, period)));
        runs += 1;
        if result.is_err() {
            crashes += 1;
            let dir = root.join("fuzz/crashes");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{runs}-{name}")), &input).unwrap();
        }
    }
    println!("{runs} inputs in {seconds} s (seed {seed:#x}), {crashes} panics");
    if crashes > 0 {
        std::process::exit(1);
    }
}
