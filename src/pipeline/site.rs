//! The open workspace as one object, as mdBook's `MDBook` and zola's `Site`: its folders and
//! settings, and the renderers of its reports with the fonts they share, set up once and used
//! alike by every command and by `zongjie serve`. It prepares, builds and verifies a period;
//! `build --all` shares it between threads.

use crate::archive::{self, Finding, Manifest, Output, Written};
use crate::data;
use crate::error::{Error, Problem, Result};
use crate::pipeline::{self, sources, Prepare, Report};
use crate::render::docx::DocxRenderer;
use crate::render::markdown::MarkdownRenderer;
use crate::render::ofd::OfdRenderer;
use crate::render::page::fonts::FontSet;
use crate::render::pdf::PdfRenderer;
use crate::render::{Attachment, Renderer};
use crate::values::period::Period;
use crate::workspace::config::CONFIG_FILE;
use crate::workspace::Workspace;
use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// An output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Markdown, ready for pandoc.
    Md,
    /// PDF in the official-document layout (GB/T 9704).
    Pdf,
    /// Word document in 公文 styles.
    Docx,
    /// OFD (GB/T 33190) of the PDF's pages.
    Ofd,
}

impl Format {
    /// Every format, in the order renderers run and manifests list them.
    pub const ALL: [Format; 4] = [Format::Md, Format::Pdf, Format::Docx, Format::Ofd];
}

/// What [`Site::build`] writes, and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The formats asked for (any order; each is written once).
    pub formats: Vec<Format>,
    /// The output root: each period gets its own folder under it.
    pub out_root: PathBuf,
    /// End the Markdown with an appendix listing every figure and its source.
    pub with_figures: bool,
}

/// What [`Site::build`] did.
#[derive(Debug)]
pub struct Built {
    /// The files written (or that the report was unchanged).
    pub written: Written,
    /// Things to look at that did not stop the build (`check` lists the same).
    pub warnings: Vec<Problem>,
}

/// An open workspace with its renderers.
pub struct Site {
    /// The workspace: root, settings, period folders.
    pub workspace: Workspace,
    /// The PDF and DOCX renderers, made with the configured fonts the first time a format that
    /// needs them is asked for: a font problem stops only what asks for PDF or DOCX. The outcome
    /// is kept, failure too, so every period of a build sees the fonts as they were first read.
    fonted: OnceLock<Result<(PdfRenderer, DocxRenderer, OfdRenderer)>>,
}

// `build --all` builds periods on several threads with one site.
const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Site>()
};

impl Site {
    /// Opens the workspace at `root` (its settings and period folders); fonts are loaded later,
    /// when a format needs them.
    pub fn open(root: &Path) -> Result<Site> {
        Ok(Site::new(Workspace::open(root)?))
    }

    /// A site over a workspace already opened.
    pub fn new(workspace: Workspace) -> Site {
        Site { workspace, fonted: OnceLock::new() }
    }

    /// Runs every check of a period and renders its document ([`pipeline::prepare`]).
    pub fn prepare(&self, period: Period) -> Result<Report> {
        pipeline::prepare(&self.workspace, period)
    }

    /// [`Site::prepare`] with files replaced in memory, or the marked document for the preview
    /// ([`pipeline::prepare_with`]).
    pub fn prepare_with(&self, period: Period, with: Prepare<'_>) -> Result<Report> {
        pipeline::prepare_with(&self.workspace, period, with)
    }

    /// The renderers of `formats`, in the order of [`Format::ALL`]; an error when the fonts of
    /// PDF or DOCX, one of them asked for, do not load.
    pub fn renderers(&self, formats: &[Format]) -> Result<Vec<&dyn Renderer>> {
        Format::ALL.into_iter().filter(|f| formats.contains(f)).map(|f| self.renderer(f)).collect()
    }

    /// [`Site::prepare`] and what only the fonts can tell before anything is drawn: a character
    /// that no font of the report has (U+2212 −) is a problem at the figure or template that
    /// holds it, found by `check` as `build` would find it. Fonts that cannot be loaded are left
    /// to the builds that draw with them.
    pub fn check(&self, period: Period) -> Result<Report> {
        let report = self.prepare(period)?;
        if let Ok((pdf, _, _)) = self.fonted() {
            if let Err(crate::render::page::layout::MissingGlyphs(missing)) = pdf.layout(&report.document) {
                return Err(Error::Input(missing_glyph_problems(&report, &missing)));
            }
        }
        Ok(report)
    }

    /// Loads the renderers a build of `formats` uses, and tries those of the other formats (whose
    /// inputs it records): called before the workspace lock is taken, a font problem is said
    /// at once and the fonts are read before any waiting.
    pub fn load_renderers(&self, formats: &[Format]) -> Result<()> {
        self.renderers(formats)?;
        self.others(formats);
        Ok(())
    }

    fn renderer(&self, format: Format) -> Result<&dyn Renderer> {
        match format {
            Format::Md => Ok(&MarkdownRenderer),
            Format::Pdf => self.fonted().map(|(pdf, _, _)| pdf as &dyn Renderer),
            Format::Docx => self.fonted().map(|(_, docx, _)| docx as &dyn Renderer),
            Format::Ofd => self.fonted().map(|(_, _, ofd)| ofd as &dyn Renderer),
        }
    }

    /// The renderers of the formats not asked for, for their inputs only: an earlier output of
    /// theirs stays while those inputs are unchanged. One that cannot be loaded (fonts that no
    /// longer load) is left out, and an earlier output of it is then kept in versions/.
    fn others(&self, asked: &[Format]) -> Vec<&dyn Renderer> {
        Format::ALL.into_iter().filter(|f| !asked.contains(f)).filter_map(|f| self.renderer(f).ok()).collect()
    }

    fn fonted(&self) -> Result<&(PdfRenderer, DocxRenderer, OfdRenderer)> {
        let ws = &self.workspace;
        let loaded = self.fonted.get_or_init(|| {
            // Loaded (and checked) once: the PDF and the OFD embed them, the DOCX measures with
            // them, so all three place the 落款 alike.
            let fonts = FontSet::load(&ws.config.fonts, &ws.root)?;
            Ok((
                PdfRenderer::new(fonts.clone()),
                DocxRenderer::new(ws.config.docx_fonts.clone(), fonts.clone()),
                OfdRenderer::new(fonts),
            ))
        });
        loaded.as_ref().map_err(again)
    }

    /// Every input of a report with its sha256: data files, template, catalog, config, and what
    /// `renderers` read (fonts).
    pub fn input_hashes(&self, report: &Report, renderers: &[&dyn Renderer]) -> BTreeMap<String, String> {
        let mut inputs: BTreeMap<String, String> =
            report.inputs.iter().map(|f| (f.path.clone(), archive::sha256(&f.bytes))).collect();
        inputs.insert(report.template.name.clone(), archive::sha256(report.template.text.as_bytes()));
        inputs.insert(report.catalog_source.name.clone(), archive::sha256(report.catalog_source.text.as_bytes()));
        // Only the settings this period uses: a setting for a later period (`template_from:`)
        // does not change an earlier period's inputs.
        if self.workspace.config_bytes.is_some() {
            inputs.insert(CONFIG_FILE.to_string(), archive::sha256(self.config_used(report.period).as_bytes()));
        }
        for r in renderers {
            inputs.extend(r.inputs());
        }
        inputs
    }

    /// Checks, renders and writes one period's report into `out_root/<period>/`, beside its
    /// manifest; an earlier output of a format not asked for stays while its inputs are
    /// unchanged.
    pub fn build(&self, period: Period, options: &BuildOptions) -> Result<Built> {
        let renderers = self.renderers(&options.formats)?;
        let others = self.others(&options.formats);
        let mut report = self.prepare(period)?;
        if options.with_figures {
            let rows = crate::pipeline::review::rows(&report.figures, &report.used);
            report.document.appendix = vec![
                crate::render::document::Block::Heading {
                    level: crate::render::document::Level::Part,
                    text: "附：数据来源".into(),
                },
                crate::pipeline::review::to_markdown_table(&rows),
            ];
        }
        // file_stem has kept the file names well inside the file systems' limit.
        let attached = self.attachments(&report);
        let outputs = render(&report, &renderers, &attached)?;
        let new = archive::NewReport {
            tool: format!("zongjie {}", env!("CARGO_PKG_VERSION")),
            period: period.to_string(),
            inputs: self.input_hashes(&report, &[]),
            outputs: outputs.into_iter().zip(&renderers).map(|(o, r)| (o, r.inputs().into_iter().collect())).collect(),
            others: others.iter().map(|r| (r.extension().to_string(), r.inputs().into_iter().collect())).collect(),
        };
        let dir = options.out_root.join(period.to_string());
        let written = archive::write_report(&dir, &self.shown(&dir), &new)?;
        Ok(Built { written, warnings: report.warnings })
    }

    /// Rebuilds one period in memory and compares it with its manifest and the files on disk in
    /// `out_root/<period>/`; only the formats the manifest records are rendered.
    pub fn verify(&self, period: Period, out_root: &Path) -> Result<Vec<Finding>> {
        let renderers = self.renderers(&Format::ALL)?;
        let dir = out_root.join(period.to_string());
        let Some(recorded) = Manifest::read(&dir, &self.shown(&dir))? else {
            return Ok(vec![Finding::NoManifest]);
        };
        let wanted: Vec<&dyn Renderer> = renderers
            .into_iter()
            .filter(|r| recorded.outputs.keys().any(|name| name.ends_with(&format!(".{}", r.extension()))))
            .collect();
        let rebuilt = self.prepare(period).and_then(|report| {
            let attached = self.attachments(&report);
            render(&report, &wanted, &attached).map(|outputs| (report, outputs))
        });
        match rebuilt {
            Ok((report, outputs)) => {
                let inputs = self.input_hashes(&report, &wanted);
                Ok(archive::compare(&dir, &recorded, &inputs, &outputs))
            }
            Err(e) => {
                // The data no longer builds: still say which recorded files changed on disk. Only
                // plain files inside the workspace are read again; the manifest is not trusted to
                // name anything else.
                let root = &self.workspace.root;
                let mut current = recorded.inputs.clone();
                for (path, hash) in current.iter_mut() {
                    let rel = Path::new(path);
                    // zongjie.yaml is recorded by the settings the period uses, not its bytes.
                    if path == CONFIG_FILE {
                        *hash = archive::sha256(self.config_used(period).as_bytes());
                        continue;
                    }
                    if path.starts_with('<')
                        || rel.is_absolute()
                        || !rel.components().all(|c| matches!(c, std::path::Component::Normal(_)))
                    {
                        continue;
                    }
                    *hash = match std::fs::metadata(root.join(rel)) {
                        Ok(m) if m.is_file() && m.len() <= 1 << 30 => {
                            std::fs::read(root.join(rel)).map(|b| archive::sha256(&b)).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                }
                let mut findings = archive::compare(&dir, &recorded, &current, &[]);
                findings.retain(|f| !matches!(f, Finding::RebuildDiffers(_)));
                findings.push(Finding::CannotRebuild(e.to_string()));
                Ok(findings)
            }
        }
    }

    /// The files the period's PDF carries (`pdf: {attach_sources: true}`), else none.
    pub fn attachments(&self, report: &Report) -> Vec<Attachment> {
        if !self.workspace.config.pdf.attach_sources {
            return Vec::new();
        }
        let fonts = self.fonted().map(|(pdf, _, _)| pdf.inputs()).unwrap_or_default();
        sources::attachments(&self.workspace, report, &fonts)
    }

    /// What of zongjie.yaml a period's report depends on, as the manifest hashes it: the
    /// settings it uses ([`crate::workspace::Config::used_by`]), and, when the PDF carries its
    /// sources, that they are attached (the settings attached are derived from the same ones).
    fn config_used(&self, period: Period) -> String {
        let used = self.workspace.config.used_by(period);
        if self.workspace.config.pdf.attach_sources {
            format!("{used}pdf: attach_sources\n")
        } else {
            used
        }
    }

    /// A folder as messages name it: inside the workspace relative to it, else as given.
    fn shown(&self, dir: &Path) -> String {
        let root = &self.workspace.root;
        match dir.strip_prefix(root) {
            Ok(_) => data::relative(root, dir),
            Err(_) => dir.display().to_string(),
        }
    }
}

/// Runs each renderer on the report's document; a character no font has is named at the figure
/// (or template) it came from.
pub fn render(report: &Report, renderers: &[&dyn Renderer], attached: &[Attachment]) -> Result<Vec<Output>> {
    let stem = pipeline::file_stem(&report.document.title);
    renderers
        .iter()
        .map(|r| match r.render_attached(&report.document, attached) {
            Ok(bytes) => Ok(Output { name: format!("{stem}.{}", r.extension()), bytes }),
            Err(Error::MissingGlyphs(missing)) => Err(Error::Input(missing_glyph_problems(report, &missing))),
            Err(e) => Err(e),
        })
        .collect()
}

/// Names where each character no font has comes from: the data figure that holds it, or else
/// the template.
fn missing_glyph_problems(report: &Report, missing: &[(char, String)]) -> Vec<Problem> {
    missing
        .iter()
        .map(|(c, context)| {
            let message =
                t!("pipeline.missing_glyph", char = c, code = format!("{:04X}", *c as u32), context = context)
                    .into_owned();
            match report.figures.by_name.values().find(|f| f.display().contains(*c)) {
                Some(f) => Problem::at(f.source.clone(), message).figure(&f.name),
                None => Problem::at(crate::error::Source::file(&report.template.name), message),
            }
        })
        .collect()
}

/// The kept failure of loading the fonts, for another caller: the same error again (an I/O
/// error keeps its kind and code, so its message is the same).
fn again(e: &Error) -> Error {
    match e {
        Error::Input(problems) => Error::Input(problems.clone()),
        Error::Io { path, source } => Error::Io {
            path: path.clone(),
            source: match source.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(source.kind(), source.to_string()),
            },
        },
        Error::Render(detail) => Error::Render(detail.clone()),
        Error::Stopped(message) => Error::Stopped(message.clone()),
        Error::MissingGlyphs(missing) => Error::MissingGlyphs(missing.clone()),
    }
}
