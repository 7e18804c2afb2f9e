//! The workspace: its root folder, its config (`zongjie.yaml`), the period folders under `data/`,
//! and which template and catalog apply to a period (the period's own, the workspace's, or the
//! bundled one).

pub mod config;

use crate::data;
use crate::error::{Error, Problem, Result, Source};
use crate::model::Catalog;
use crate::template::TemplateSource;
use crate::values::period::{Period, Span};
use crate::values::words::DateStyle;
use rust_i18n::t;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::workspace::config::CONFIG_FILE;
/// The template file's name in a template folder or a period folder.
pub const TEMPLATE_FILE: &str = "report.md.j2";
/// The catalog file's name beside it.
pub const CATALOG_FILE: &str = "catalog.yaml";

/// The templates built into the binary, so that zongjie works from any folder.
pub mod bundled {
    /// A bundled template: its folder name, text and catalog.
    #[derive(Debug, Clone, Copy)]
    pub struct Bundled {
        /// Its name, as `init --template` and `zongjie templates` write it.
        pub name: &'static str,
        /// The template text.
        pub template: &'static str,
        /// Its catalog.
        pub catalog: &'static str,
    }

    impl Bundled {
        /// How messages name its folder.
        pub fn dir(&self) -> String {
            format!("<bundled>/{}", self.name)
        }
    }

    /// Every bundled template: the 县民政局 half-year and annual reports, and a blank starter
    /// for any bureau and any period.
    pub const ALL: [Bundled; 3] = [
        Bundled {
            name: "civil-affairs-h1",
            template: include_str!("../../templates/civil-affairs-h1/report.md.j2"),
            catalog: include_str!("../../templates/civil-affairs-h1/catalog.yaml"),
        },
        Bundled {
            name: "civil-affairs-annual",
            template: include_str!("../../templates/civil-affairs-annual/report.md.j2"),
            catalog: include_str!("../../templates/civil-affairs-annual/catalog.yaml"),
        },
        Bundled {
            name: "blank",
            template: include_str!("../../templates/blank/report.md.j2"),
            catalog: include_str!("../../templates/blank/catalog.yaml"),
        },
    ];

    /// A bundled template by name.
    pub fn find(name: &str) -> Option<Bundled> {
        ALL.iter().copied().find(|b| b.name == name)
    }

    /// Name used in messages for the bundled half-year template's folder.
    pub const DIR: &str = "<bundled>/civil-affairs-h1";
    /// The half-year template text.
    pub const TEMPLATE: &str = ALL[0].template;
    /// Its catalog.
    pub const CATALOG: &str = ALL[0].catalog;
}

/// The template setting of `zongjie.yaml`: one folder for every period, or a folder per kind of
/// period (`H1: templates/civil-affairs-h1`, `year: templates/civil-affairs-annual`).
#[derive(Debug, Clone)]
pub enum TemplateSetting {
    /// One folder for every period.
    One(String),
    /// A folder per kind of period, each with its line in zongjie.yaml.
    ByKind(BTreeMap<String, serde_saphyr::Spanned<String>>),
}

// By hand rather than `untagged`: an untagged enum buffers its input and loses the lines that
// messages about a folder need.
impl<'de> Deserialize<'de> for TemplateSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Setting;
        impl<'de> serde::de::Visitor<'de> for Setting {
            type Value = TemplateSetting;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a template folder, or template folders by kind of period (H1: …, year: …)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<TemplateSetting, E> {
                Ok(TemplateSetting::One(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<TemplateSetting, A::Error> {
                let mut folders = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    folders.insert(key, map.next_value::<serde_saphyr::Spanned<String>>()?);
                }
                Ok(TemplateSetting::ByKind(folders))
            }
        }
        deserializer.deserialize_any(Setting)
    }
}

/// Settings of a workspace, from `zongjie.yaml` (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder holding `report.md.j2` and `catalog.yaml`, relative to the workspace root, or one
    /// such folder per kind of period; absent means the bundled template for the period's kind.
    #[serde(default)]
    pub template: Option<TemplateSetting>,
    /// How dates are written: `2012` (2024年7月5日, the default) or `1999` (二〇二四年七月五日).
    #[serde(default)]
    pub date_style: DateStyle,
    /// Per-period date style, for reissuing reports made under the older standard.
    #[serde(default)]
    pub period_date_style: BTreeMap<String, serde_saphyr::Spanned<DateStyle>>,
    /// Font files replacing the bundled Fandol fonts, by role, and a fallback font.
    #[serde(default)]
    pub fonts: crate::workspace::config::FontConfig,
    /// Font names the DOCX asks Word for, by role (defaults: 方正小标宋简体, 黑体, 楷体_GB2312,
    /// 仿宋_GB2312, 宋体; digits in each role's font unless `latin` names one).
    #[serde(default)]
    pub docx_fonts: crate::workspace::config::DocxFonts,
    /// How `new` gives a period's figures to fill: `yaml` (the data files emptied, the default)
    /// or `xlsx` (the 填报表, see `zongjie form`).
    #[serde(default)]
    pub data_form: DataForm,
    /// Template folders by the first period they apply to (`2025H1: templates/x-2025H1`): from
    /// that period on, periods of its kind use the folder; earlier ones keep the folder they were
    /// built with (`zongjie import --into` adds an entry, so that the archive stays verifiable).
    #[serde(default)]
    pub template_from: BTreeMap<String, serde_saphyr::Spanned<String>>,
    /// PDF settings: `attach_sources: true` carries the report's sources inside its PDF.
    #[serde(default)]
    pub pdf: crate::workspace::config::PdfConfig,
}

/// The shape of a new period's data (`data_form:` in zongjie.yaml).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataForm {
    /// The previous period's data files with every value emptied.
    #[default]
    Yaml,
    /// One 填报表.xlsx with last year's values beside the cells to fill.
    Xlsx,
}

/// An opened workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The root folder.
    pub root: PathBuf,
    /// Its config.
    pub config: Config,
    /// The config file's bytes, if there is one (an input of every report).
    pub config_bytes: Option<Vec<u8>>,
    /// Period folders under `data/`, by period.
    pub periods: BTreeMap<Period, String>,
}

/// The settings in zongjie.yaml's text: period kinds and periods as zongjie writes them (h1 →
/// H1, 2024h1 → 2024H1), and any other key refused at its line.
pub fn parse_config(text: &str) -> Result<Config> {
    let mut config: Config =
        if text.trim().is_empty() { Config::default() } else { crate::yaml::parse(text, CONFIG_FILE)? };
    // Kinds of period as `applies_to` writes them (h1 → H1, Year → year); any other key
    // is a mistake that would otherwise leave its periods without a template.
    if let Some(TemplateSetting::ByKind(folders)) = &mut config.template {
        let mut checked = BTreeMap::new();
        for (key, folder) in std::mem::take(folders) {
            match Span::ALL.into_iter().find(|k| k.code().eq_ignore_ascii_case(key.trim())) {
                Some(kind) => {
                    checked.insert(kind.code().to_string(), folder);
                }
                None => {
                    return Err(Problem::at(
                        Source::new(CONFIG_FILE, folder.referenced.line()),
                        t!("workspace.bad_period_kind", key = key, kinds = Span::ALL.map(Span::code).join(", ")),
                    )
                    .into())
                }
            }
        }
        *folders = checked;
    }
    // Periods as zongjie writes them (2024h1 → 2024H1); a key that is no period would
    // silently never apply.
    config.period_date_style =
        by_period(std::mem::take(&mut config.period_date_style), "workspace.bad_date_style_period")?;
    config.template_from = by_period(std::mem::take(&mut config.template_from), "workspace.bad_template_from_period")?;
    Ok(config)
}

/// A setting keyed by period with each key written as zongjie writes periods (2024h1 → 2024H1);
/// a key that is no period is refused at its line with the message `refusal`.
fn by_period<T>(
    settings: BTreeMap<String, serde_saphyr::Spanned<T>>,
    refusal: &str,
) -> Result<BTreeMap<String, serde_saphyr::Spanned<T>>> {
    let mut checked = BTreeMap::new();
    for (key, value) in settings {
        match key.parse::<Period>() {
            Ok(period) => {
                checked.insert(period.to_string(), value);
            }
            Err(why) => {
                let line = value.referenced.line();
                return Err(Problem::at(Source::new(CONFIG_FILE, line), t!(refusal, key = key, why = why)).into());
            }
        }
    }
    Ok(checked)
}

impl Config {
    /// The `template_from:` entry that applies to `period`: the latest one of its kind at or
    /// before it, with its first period and its line.
    pub fn template_from(&self, period: Period) -> Option<(Period, &serde_saphyr::Spanned<String>)> {
        self.template_from
            .iter()
            .filter_map(|(key, folder)| key.parse::<Period>().ok().map(|p| (p, folder)))
            .filter(|(p, _)| p.span == period.span && *p <= period)
            .max_by_key(|(p, _)| *p)
    }

    /// The part of the settings a period's report depends on, as canonical text: the template
    /// folder chosen for it, its date style, the fonts. The manifest hashes this instead of the
    /// whole file, so that a setting for another period (a `template_from:` entry added later)
    /// leaves the period's inputs unchanged.
    pub fn used_by(&self, period: Period) -> String {
        let kind = period.span.code();
        let folder = match self.template_from(period) {
            Some((_, folder)) => Some(folder.value.as_str()),
            None => self.template_folder(kind),
        };
        let style = self.period_date_style.get(&period.to_string()).map_or(self.date_style, |s| s.value);
        let font = |f: &Option<serde_saphyr::Spanned<String>>| f.as_ref().map_or(String::new(), |f| f.value.clone());
        let f = &self.fonts;
        let d = &self.docx_fonts;
        format!(
            "template: {}\ndate_style: {style:?}\nfonts: {} | {} | {} | {} | {} | {}\ndocx_fonts: {} | {} | {} | {} | {} | {}\n",
            folder.unwrap_or(""),
            font(&f.body),
            font(&f.title),
            font(&f.hei),
            font(&f.kai),
            font(&f.page_number),
            font(&f.fallback),
            d.title,
            d.hei,
            d.kai,
            d.body,
            d.page_number,
            d.latin.as_deref().unwrap_or("")
        )
    }

    /// The template folder zongjie.yaml names for a kind of period (`H1`, `year`…), if any.
    pub fn template_folder(&self, kind: &str) -> Option<&str> {
        match &self.template {
            Some(TemplateSetting::One(folder)) => Some(folder),
            Some(TemplateSetting::ByKind(folders)) => folders.get(kind).map(|f| f.value.as_str()),
            None => None,
        }
    }
}

impl Workspace {
    /// Opens the workspace at `root`: reads the config and finds the period folders.
    pub fn open(root: &Path) -> Result<Workspace> {
        let config_path = root.join(CONFIG_FILE);
        let (config, config_bytes) = if std::fs::symlink_metadata(&config_path).is_ok() {
            let bytes = read_plain_file(&config_path, CONFIG_FILE)?;
            let text = data::decode_utf8(&bytes, CONFIG_FILE)?;
            let config = parse_config(&text)?;
            (config, Some(bytes))
        } else {
            (Config::default(), None)
        };
        let data_dir = root.join("data");
        if !data_dir.is_dir() {
            return Err(Problem::at(Source::file("data"), t!("workspace.no_data_folder", root = root.display())).into());
        }
        let mut periods = BTreeMap::new();
        let mut problems = Vec::new();
        let entries = std::fs::read_dir(&data_dir).map_err(|e| Error::io("data", e))?;
        let workspace = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if data_dir.canonicalize().is_ok_and(|d| !d.starts_with(&workspace)) {
            let to = std::fs::read_link(&data_dir).map(|t| t.display().to_string()).unwrap_or_default();
            return Err(Problem::at(Source::file("data"), t!("workspace.data_link_outside", to = to)).into());
        }
        let mut names: Vec<String> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("data", e))?;
            let Some(name) = entry.file_name().to_str().map(String::from) else { continue };
            if name.starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => names.push(name),
                // A link to a folder inside the workspace is a period folder like any other.
                Ok(t) if t.is_symlink() => match (std::fs::metadata(entry.path()), entry.path().canonicalize()) {
                    (Ok(m), Ok(target)) if m.is_dir() && target.starts_with(&workspace) => names.push(name),
                    (Ok(m), Ok(_)) if m.is_dir() => {
                        let to = std::fs::read_link(entry.path()).map(|t| t.display().to_string()).unwrap_or_default();
                        problems.push(Problem::at(
                            Source::file(format!("data/{name}")),
                            t!("workspace.period_link_outside", to = to),
                        ));
                    }
                    (Ok(_), _) => {}
                    (Err(e), _) => problems.push(Problem::at(
                        Source::file(format!("data/{name}")),
                        t!("workspace.dangling_link", reason = crate::error::io_reason(&e)),
                    )),
                },
                _ => {}
            }
        }
        names.sort();
        for name in names {
            if name.starts_with('.') {
                continue;
            }
            match name.parse::<Period>() {
                Ok(p) => {
                    let dir = format!("data/{name}");
                    if let Some(other) = periods.insert(p, dir.clone()) {
                        problems.push(Problem::at(
                            Source::file(&dir),
                            t!("workspace.same_period", period = p, other = other),
                        ));
                    }
                }
                Err(e) => problems.push(Problem::at(
                    Source::file(format!("data/{name}")),
                    t!("workspace.not_a_period_folder", why = e),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        Ok(Workspace { root: root.to_path_buf(), config, config_bytes, periods })
    }

    /// All periods with data, oldest first.
    pub fn all_periods(&self) -> Vec<Period> {
        self.periods.keys().copied().collect()
    }

    /// The newest period with data.
    pub fn latest(&self) -> Option<Period> {
        self.periods.keys().next_back().copied()
    }

    /// The folder (workspace-relative) holding a period's data.
    pub fn period_dir(&self, period: Period) -> Result<&str> {
        self.periods.get(&period).map(String::as_str).ok_or_else(|| {
            let have: Vec<String> = self.all_periods().iter().map(|p| p.to_string()).collect();
            Problem::at(
                Source::file(format!("data/{period}")),
                if have.is_empty() {
                    t!("workspace.no_data_for_none", period = period)
                } else {
                    t!("workspace.no_data_for", period = period, have = have.join(", "))
                },
            )
            .into()
        })
    }

    /// The date style a period's report uses.
    pub fn date_style(&self, period: Period) -> DateStyle {
        self.config.period_date_style.get(&period.to_string()).map(|s| s.value).unwrap_or(self.config.date_style)
    }

    /// The template and catalog that apply to a period: the period folder's own `report.md.j2`
    /// (with its own `catalog.yaml`, or else the workspace's), else the workspace's template
    /// folder from the config, else the bundled template.
    pub fn template_for(&self, period: Period) -> Result<(TemplateSource, TemplateSource, Catalog)> {
        let dir = self.period_dir(period)?;
        let kind = period.span.code();
        // The zongjie.yaml line that names the folder, for a message if the folder is not there.
        let template_line = || {
            let text = self.config_bytes.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
            text.lines().position(|l| l.trim_start().starts_with("template:")).map_or(0, |i| i as u64 + 1)
        };
        let folder = match &self.config.template {
            _ if self.config.template_from(period).is_some() => {
                self.config.template_from(period).map(|(_, f)| (f.value.clone(), f.referenced.line()))
            }
            Some(TemplateSetting::One(folder)) => Some((folder.clone(), template_line())),
            Some(TemplateSetting::ByKind(folders)) => match folders.get(kind) {
                Some(folder) => Some((folder.value.clone(), folder.referenced.line())),
                None => {
                    // The `template:` line is the one above its first folder.
                    let line = folders.values().map(|f| f.referenced.line()).min().unwrap_or(1);
                    let listed: Vec<&str> = folders.keys().map(String::as_str).collect();
                    return Err(Problem::at(
                        Source::new(CONFIG_FILE, line.saturating_sub(1).max(1)),
                        t!("workspace.no_template_for_kind", kind = kind, period = period, listed = listed.join(", ")),
                    )
                    .into());
                }
            },
            None => None,
        };
        let (default_template, default_catalog) = match folder {
            Some((folder, line)) => {
                let folder = folder.trim_end_matches('/').to_string();
                let read = |file: &str| {
                    let rel = format!("{folder}/{file}");
                    if !self.root.join(&rel).exists() {
                        // Point at the setting, not only at the missing file.
                        return Err(Error::from(Problem::at(
                            Source::new(CONFIG_FILE, line),
                            t!("workspace.template_missing", folder = folder, file = file),
                        )));
                    }
                    self.read_text(&rel)
                };
                (read(TEMPLATE_FILE)?, read(CATALOG_FILE)?)
            }
            None => {
                // Without a setting, the bundled civil-affairs template written for this kind.
                let chosen = bundled::ALL
                    .iter()
                    .find(|b| b.name != "blank" && bundled_applies(b, period.span))
                    .copied()
                    .ok_or_else(|| {
                        Error::from(Problem::at(
                            Source::file(CONFIG_FILE),
                            t!("workspace.no_bundled_for_kind", kind = kind, period = period),
                        ))
                    })?;
                (
                    TemplateSource { name: format!("{}/{TEMPLATE_FILE}", chosen.dir()), text: chosen.template.into() },
                    TemplateSource { name: format!("{}/{CATALOG_FILE}", chosen.dir()), text: chosen.catalog.into() },
                )
            }
        };
        let own_template = format!("{dir}/{TEMPLATE_FILE}");
        let own_catalog = format!("{dir}/{CATALOG_FILE}");
        // Anything by that name is the period's own (and read_text says if it cannot be used).
        let present = |rel: &str| std::fs::symlink_metadata(self.root.join(rel)).is_ok();
        let template = if present(&own_template) { self.read_text(&own_template)? } else { default_template };
        let catalog_source = if present(&own_catalog) { self.read_text(&own_catalog)? } else { default_catalog };
        let catalog = Catalog::parse(&catalog_source.text, &catalog_source.name).map_err(Error::Input)?;
        Ok((template, catalog_source, catalog))
    }

    /// Reads a workspace file as UTF-8 text, naming it on failure.
    /// A template or catalog read through a link must stay inside the workspace, like data.
    pub fn read_text(&self, rel: &str) -> Result<TemplateSource> {
        let path = self.root.join(rel);
        if let (Ok(found), Ok(root)) = (path.canonicalize(), self.root.canonicalize()) {
            if !found.starts_with(&root) {
                return Err(Problem::at(Source::file(rel), t!("workspace.file_outside", to = found.display())).into());
            }
        }
        let bytes = read_plain_file(&path, rel)?;
        Ok(TemplateSource { name: rel.to_string(), text: data::decode_utf8(&bytes, rel)? })
    }
}

/// Whether a bundled template is written for a kind of period (its catalog's `applies_to`).
pub fn bundled_applies(b: &bundled::Bundled, kind: Span) -> bool {
    Catalog::parse(b.catalog, &format!("{}/{CATALOG_FILE}", b.dir())).is_ok_and(|c| c.applies(kind))
}

/// The most a config, template or catalog file may hold: they are some kilobytes.
const TEXT_FILE_MAX: u64 = 16 << 20;

/// A config, template or catalog file's bytes: a plain file (a link to one is followed) of at
/// most 16 MB, never a pipe or a device, which would not end.
fn read_plain_file(path: &Path, rel: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(rel, e))?;
    if !meta.is_file() {
        return Err(Problem::at(Source::file(rel), t!("workspace.not_a_plain_file")).into());
    }
    if meta.len() > TEXT_FILE_MAX {
        return Err(Problem::at(Source::file(rel), t!("workspace.file_too_large", bytes = meta.len())).into());
    }
    std::fs::read(path).map_err(|e| Error::io(rel, e))
}
