//! `zongjie verify REPORT.pdf`: the report rebuilt from the sources its PDF carries (read by
//! [`crate::pipeline::sources`]) in a temporary folder, and compared byte for byte.

use crate::archive;
use crate::error::{Error, Result};
use crate::pipeline::site::{self, Format, Site};
use crate::pipeline::sources::{read_pdf_bytes, write_workspace, Extracted, Sources, MANIFEST, MAX_PDF};
use rust_i18n::t;
use std::collections::BTreeMap;
use std::path::Path;

fn stop(message: impl Into<String>) -> Error {
    Error::Stopped(message.into())
}

/// What `zongjie verify REPORT.pdf` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfVerdict {
    /// Rebuilt from its attached sources, the PDF is byte for byte the one given.
    Same,
    /// Attachments whose bytes no longer have the sha256 the list gives them.
    Altered(Vec<String>),
    /// Rebuilt from intact sources, the PDF differs; the inputs not attached (the tool's
    /// bundled template or fonts) whose sha256 is not the listed one, if any.
    Differs(Vec<String>),
    /// The sources no longer build (with this zongjie): why.
    CannotRebuild(String),
}

/// Rebuilds the report of the PDF at `path` from its attachments (in a temporary folder,
/// removed after) and compares the bytes; also gives the list, whose `tool` names the zongjie
/// that wrote the PDF.
pub fn verify_pdf(path: &Path, shown: &str) -> Result<(Sources, PdfVerdict)> {
    let given = {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(shown, e))?;
        if meta.len() > MAX_PDF {
            return Err(stop(t!("sources.pdf_too_large", pdf = shown, size = meta.len() >> 20, max = MAX_PDF >> 20)));
        }
        std::fs::read(path).map_err(|e| Error::io(shown, e))?
    };
    let extracted = read_pdf_bytes(&given, shown)?;
    if !extracted.altered.is_empty() {
        return Ok((extracted.sources.clone(), PdfVerdict::Altered(extracted.altered.clone())));
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let tmp = std::env::temp_dir().join(format!("zongjie-verify-{}-{nanos}", std::process::id()));
    let verdict = rebuild(&extracted, &tmp, &given);
    let _ = std::fs::remove_dir_all(&tmp);
    Ok((extracted.sources, verdict?))
}

fn rebuild(extracted: &Extracted, tmp: &Path, given: &[u8]) -> Result<PdfVerdict> {
    // Messages name the folder by what it is for: its path is a temporary one the user never chose.
    write_workspace(extracted, tmp, &t!("sources.rebuild_folder"))?;
    let outcome = (|| {
        let site = Site::open(tmp)?;
        let period: crate::values::period::Period = extracted
            .sources
            .period
            .parse()
            .map_err(|e| stop(t!("sources.bad_manifest", pdf = "", name = MANIFEST, why = format!("{e}"))))?;
        let renderers = site.renderers(&[Format::Pdf])?;
        let report = site.prepare(period)?;
        let attached = site.attachments(&report);
        let outputs = site::render(&report, &renderers, &attached)?;
        // The inputs that are not attached: the bundled template and fonts of this zongjie.
        let mut now: BTreeMap<String, String> = renderers.iter().flat_map(|r| r.inputs()).collect();
        for source in [&report.template, &report.catalog_source] {
            now.insert(source.name.clone(), archive::sha256(source.text.as_bytes()));
        }
        let changed = extracted
            .sources
            .not_attached
            .iter()
            .filter(|l| now.get(&l.name) != Some(&l.sha256))
            .map(|l| l.name.clone())
            .collect();
        Ok::<_, Error>((outputs, changed))
    })();
    Ok(match outcome {
        Ok((outputs, _)) if outputs.first().is_some_and(|o| o.bytes == given) => PdfVerdict::Same,
        Ok((_, changed)) => PdfVerdict::Differs(changed),
        Err(e) => PdfVerdict::CannotRebuild(e.to_string()),
    })
}
