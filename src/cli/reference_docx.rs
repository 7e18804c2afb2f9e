//! `zongjie reference-docx`: write the reference document for pandoc (`--reference-doc`) with the
//! same styles, page and footers as the native DOCX, using the workspace's font names.

use super::WorkspaceArgs;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use zongjie::archive;
use zongjie::archive::Output;
use zongjie::render::docx;
use zongjie::tr;
use zongjie::workspace::Workspace;

/// Arguments of `reference-docx`.
#[derive(Debug, Args)]
pub struct ReferenceDocxArgs {
    /// Where to write it (default: templates/reference.docx in the workspace).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub workspace: WorkspaceArgs,
}

/// Runs `reference-docx`.
pub fn run(args: ReferenceDocxArgs) -> anyhow::Result<ExitCode> {
    // Only the config is needed; a workspace without data may still make its reference document.
    let config_path = args.workspace.root.join(zongjie::workspace::CONFIG_FILE);
    let fonts = if config_path.is_file() {
        Workspace::open(&args.workspace.root)?.config.docx_fonts
    } else {
        zongjie::workspace::config::DocxFonts::default()
    };
    let file = args.file.unwrap_or_else(|| args.workspace.root.join("templates/reference.docx"));
    let bytes = docx::reference_docx(&fonts)?;
    let dir =
        file.parent().filter(|p| !p.as_os_str().is_empty()).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("reference.docx").to_string();
    archive::write_files(&dir, &[Output { name, bytes }])?;
    say!("{}", tr!("cli.wrote", path = file.display()));
    Ok(ExitCode::SUCCESS)
}
