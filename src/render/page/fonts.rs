//! Fonts of the official layout by role, built into the binary (Fandol, GPLv3 with the font
//! exception) and replaceable per role from the workspace config by fonts an office owns.

use crate::error::{Error, Problem, Result, Source};
use crate::workspace::config::{FontConfig, CONFIG_FILE};
use rust_i18n::t;
use serde_saphyr::Spanned;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use yoke::Yoke;

include!(concat!(env!("OUT_DIR"), "/font_hashes.rs"));

/// What a font is used for in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 仿宋: body text, 1. and （1） headings, signature.
    Body,
    /// 小标宋 (here 宋体 Bold): the title.
    Title,
    /// 黑体: 一、 headings, table headers.
    Hei,
    /// 楷体: （一） headings.
    Kai,
    /// 宋体: page numbers.
    PageNumber,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 5] = [Role::Body, Role::Title, Role::Hei, Role::Kai, Role::PageNumber];

    /// The key of this role in `zongjie.yaml` under `fonts:`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Body => "body",
            Role::Title => "title",
            Role::Hei => "hei",
            Role::Kai => "kai",
            Role::PageNumber => "page_number",
        }
    }

    /// The bundled font of this role: its file name and bytes (also served as a web font by
    /// `zongjie serve`).
    pub fn bundled(self) -> (&'static str, &'static [u8]) {
        match self {
            Role::Body => ("FandolFang-Regular.otf", include_bytes!("../../../fonts/fandol/FandolFang-Regular.otf")),
            Role::Title => ("FandolSong-Bold.otf", include_bytes!("../../../fonts/fandol/FandolSong-Bold.otf")),
            Role::Hei => ("FandolHei-Regular.otf", include_bytes!("../../../fonts/fandol/FandolHei-Regular.otf")),
            Role::Kai => ("FandolKai-Regular.otf", include_bytes!("../../../fonts/fandol/FandolKai-Regular.otf")),
            Role::PageNumber => {
                ("FandolSong-Regular.otf", include_bytes!("../../../fonts/fandol/FandolSong-Regular.otf"))
            }
        }
    }
}

/// The file the config names for a role, if any.
fn path_for(config: &FontConfig, role: Role) -> Option<&Spanned<String>> {
    match role {
        Role::Body => config.body.as_ref(),
        Role::Title => config.title.as_ref(),
        Role::Hei => config.hei.as_ref(),
        Role::Kai => config.kai.as_ref(),
        Role::PageNumber => config.page_number.as_ref(),
    }
}

/// A face parsed once and kept with the bytes it reads from (a yoke), so looking up a character
/// does not parse the font's tables again.
#[derive(yoke::Yokeable)]
struct ParsedFace<'a>(ttf_parser::Face<'a>);

/// The bytes of a font file, shared with krilla.
type FontBytes = Arc<dyn AsRef<[u8]> + Send + Sync>;

/// One font file loaded for layout and embedding.
pub struct LoadedFont {
    /// Name for messages and the manifest (file name, or the config's path).
    pub name: String,
    /// The file's bytes.
    pub data: FontBytes,
    /// Face index in a collection.
    pub index: u32,
    /// sha256 of the file, for the manifest.
    pub sha256: String,
    face: Yoke<ParsedFace<'static>, FontBytes>,
    units_per_em: f32,
    /// For a font the config names: its key (`fonts.body`) and line in zongjie.yaml. Its
    /// outlines are checked as they are used; the bundled fonts are known whole.
    configured: Option<(String, u64)>,
    /// (glyph id, advance in em) per character; `None` when the font lacks it.
    cache: Mutex<HashMap<char, Option<(u16, f32)>>>,
    /// Characters the font maps to a glyph whose outline cannot be read (a damaged file).
    damaged: Mutex<BTreeSet<char>>,
}

impl std::fmt::Debug for LoadedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoadedFont({})", self.name)
    }
}

impl LoadedFont {
    fn new(
        name: String,
        data: FontBytes,
        index: u32,
        sha256: String,
        configured: Option<(String, u64)>,
    ) -> std::result::Result<Self, FontUnusable> {
        let face: Yoke<ParsedFace<'static>, FontBytes> = Yoke::try_attach_to_cart(data.clone(), |bytes| {
            ttf_parser::Face::parse(bytes.as_ref(), index).map(ParsedFace)
        })
        .map_err(|e| not_usable(e, index))?;
        let bytes = (*data).as_ref();
        // ttf-parser quietly drops a table that runs past the end of the file: a font cut short
        // would parse and then draw nothing.
        let raw = ttf_parser::RawFace::parse(bytes, index).map_err(|e| not_usable(e, index))?;
        for record in raw.table_records {
            let end = u64::from(record.offset) + u64::from(record.length);
            if end > bytes.len() as u64 {
                return Err(FontUnusable::CutShort {
                    table: String::from_utf8_lossy(&record.tag.to_bytes()).into_owned(),
                    end,
                    len: bytes.len(),
                });
            }
        }
        let units_per_em = f32::from(face.get().0.units_per_em());
        Ok(LoadedFont {
            name,
            data,
            index,
            sha256,
            face,
            units_per_em,
            configured,
            cache: Mutex::new(HashMap::new()),
            damaged: Mutex::new(BTreeSet::new()),
        })
    }

    /// The glyph and advance (in em) of a character, or `None` when the font lacks it.
    pub fn glyph(&self, c: char) -> Option<(u16, f32)> {
        let mut cache = self.cache.lock().expect("font cache");
        *cache.entry(c).or_insert_with(|| {
            let face = &self.face.get().0;
            let gid = face.glyph_index(c)?;
            if self.configured.is_some() && has_ink(c) && face.outline_glyph(gid, &mut NoOutline).is_none() {
                self.damaged.lock().expect("damaged glyphs").insert(c);
            }
            let advance = f32::from(face.glyph_hor_advance(gid).unwrap_or(0)) / self.units_per_em;
            Some((gid.0, advance))
        })
    }

    /// A problem naming the config line when `c` is drawn with this font but its outline cannot
    /// be read: the PDF would show a blank where the character should be.
    pub fn damaged_glyph(&self, c: char) -> Option<Problem> {
        let (key, line) = self.configured.as_ref()?;
        if !self.damaged.lock().expect("damaged glyphs").contains(&c) {
            return None;
        }
        let message =
            t!("fonts.damaged_glyph", font = self.name, char = c, code = format!("{:04X}", c as u32)).into_owned();
        Some(Problem::at(Source::new(CONFIG_FILE, *line), message).figure(key))
    }
}

/// Characters that draw something: a blank outline is right only for spaces and invisible marks.
fn has_ink(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}'))
}

/// Receives an outline and throws it away: only whether it can be read matters.
struct NoOutline;

impl ttf_parser::OutlineBuilder for NoOutline {
    fn move_to(&mut self, _: f32, _: f32) {}
    fn line_to(&mut self, _: f32, _: f32) {}
    fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
    fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
    fn close(&mut self) {}
}

/// The fonts of a report by role, plus an optional fallback. Cloning shares the loaded faces.
#[derive(Debug, Clone)]
pub struct FontSet {
    fonts: Vec<(Role, Arc<LoadedFont>)>,
    /// The font for characters a role's font lacks.
    pub fallback: Option<Arc<LoadedFont>>,
}

impl FontSet {
    /// The bundled Fandol fonts.
    pub fn bundled() -> Self {
        Self::load(&FontConfig::default(), Path::new(".")).expect("the bundled fonts load")
    }

    /// Loads the configured fonts (paths relative to `root`), the bundled one for each role the
    /// config leaves out.
    pub fn load(config: &FontConfig, root: &Path) -> Result<Self> {
        let mut fonts = Vec::new();
        for role in Role::ALL {
            let font = match path_for(config, role) {
                Some(spec) => load_file(spec, root, &format!("fonts.{}", role.key()))?,
                None => {
                    let (name, bytes) = role.bundled();
                    let data: FontBytes = Arc::new(bytes);
                    let sha = BUNDLED_FONT_SHA256
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map(|(_, h)| h.to_string())
                        .unwrap_or_default();
                    LoadedFont::new(format!("<bundled>/fonts/{name}"), data, 0, sha, None)
                        .map_err(|why| Error::Render(why.to_string()))?
                }
            };
            fonts.push((role, Arc::new(font)));
        }
        let fallback = match &config.fallback {
            Some(spec) => Some(Arc::new(load_file(spec, root, "fonts.fallback")?)),
            None => None,
        };
        Ok(FontSet { fonts, fallback })
    }

    /// The font of a role.
    pub fn get(&self, role: Role) -> &Arc<LoadedFont> {
        &self.fonts.iter().find(|(r, _)| *r == role).expect("every role has a font").1
    }

    /// Every distinct font, for embedding and the manifest.
    pub fn all(&self) -> Vec<&Arc<LoadedFont>> {
        let mut all: Vec<&Arc<LoadedFont>> = self.fonts.iter().map(|(_, f)| f).collect();
        all.extend(self.fallback.iter());
        all
    }
}

/// The largest font file read (the largest CJK collections are a few hundred megabytes).
const FONT_MAX: u64 = 1 << 30;

fn load_file(spec: &Spanned<String>, root: &Path, key: &str) -> Result<LoadedFont> {
    let line = spec.referenced.line();
    let spec = spec.value.as_str();
    let (path, index) = match spec.rsplit_once('#') {
        Some((p, i)) if i.chars().all(|c| c.is_ascii_digit()) && !i.is_empty() => (p, i.parse().unwrap_or(0)),
        _ => (spec, 0),
    };
    let source = Source::new(CONFIG_FILE, line);
    let file = root.join(path);
    // Not a pipe or a device, which would never end.
    match std::fs::metadata(&file) {
        Ok(m) if !m.is_file() => {
            let message = t!("fonts.not_a_file", path = path);
            return Err(Problem::at(source, message).figure(key).into());
        }
        Ok(m) if m.len() > FONT_MAX => {
            let message = t!("fonts.too_large", path = path, bytes = m.len());
            return Err(Problem::at(source, message).figure(key).into());
        }
        _ => {}
    }
    let bytes = std::fs::read(&file).map_err(|e| {
        Problem::at(source.clone(), t!("fonts.cannot_read", path = path, reason = crate::error::io_reason(&e)))
            .figure(key)
    })?;
    let sha = crate::archive::sha256(&bytes);
    let data: FontBytes = Arc::new(bytes);
    LoadedFont::new(spec.to_string(), data, index, sha, Some((key.to_string(), line)))
        .map_err(|why| Problem::at(source, t!("fonts.in_file", path = path, why = why.to_string())).figure(key).into())
}

/// Why a font file cannot be used; shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontUnusable {
    /// A collection without the face asked for.
    #[error("{}", t!("fonts.no_such_face", index = .0))]
    NoSuchFace(u32),
    /// Not a font at all.
    #[error("{}", t!("fonts.not_a_font"))]
    NotAFont,
    /// A font whose required tables are broken.
    #[error("{}", t!("fonts.malformed"))]
    Malformed,
    /// A table that runs past the end of the file.
    #[error("{}", t!("fonts.cut_short", table = .table, end = .end, len = .len))]
    CutShort {
        /// The table's tag.
        table: String,
        /// Where the table ends.
        end: u64,
        /// The file's length.
        len: usize,
    },
}

/// Why ttf-parser cannot read a font.
fn not_usable(e: ttf_parser::FaceParsingError, index: u32) -> FontUnusable {
    use ttf_parser::FaceParsingError as F;
    match e {
        F::FaceIndexOutOfBounds => FontUnusable::NoSuchFace(index),
        F::UnknownMagic => FontUnusable::NotAFont,
        F::MalformedFont | F::NoHeadTable | F::NoHheaTable | F::NoMaxpTable => FontUnusable::Malformed,
    }
}

/// The bundled 仿宋 with its OS/2 fsType set to 2 ("restricted licence, no embedding"), written
/// as 仿宋.otf into a folder and configured for the body: what the writers' licence tests load.
#[cfg(test)]
pub fn restricted_body_font() -> (tempfile::TempDir, FontSet) {
    let mut bytes = Role::Body.bundled().1.to_vec();
    let tables = u16::from_be_bytes([bytes[4], bytes[5]]) as usize;
    let os2 = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&record| &bytes[record..record + 4] == b"OS/2")
        .map(|record| u32::from_be_bytes(bytes[record + 8..record + 12].try_into().unwrap()) as usize)
        .expect("an OS/2 table");
    bytes[os2 + 8..os2 + 10].copy_from_slice(&2u16.to_be_bytes());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("仿宋.otf"), bytes).unwrap();
    let config: FontConfig = crate::yaml::parse("body: 仿宋.otf\n", "zongjie.yaml").unwrap();
    let fonts = FontSet::load(&config, dir.path()).unwrap();
    (dir, fonts)
}
