//! `zongjie templates`: the bundled templates, with the periods each is written for.

use clap::Args;
use std::process::ExitCode;
use zongjie::model::Catalog;
use zongjie::tr;
use zongjie::workspace::bundled;

/// Arguments of `templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    #[command(flatten)]
    pub workspace: super::WorkspaceArgs,
}

/// Runs `templates`.
pub fn run(args: TemplatesArgs) -> anyhow::Result<ExitCode> {
    for template in bundled::ALL {
        let catalog = Catalog::parse(template.catalog, &template.dir()).map_err(zongjie::error::Error::Input)?;
        let kinds: Vec<String> = catalog.applies_to.iter().map(|(k, _)| k.code().to_string()).collect();
        let kinds = if kinds.is_empty() { tr!("templates.any_period") } else { kinds.join(", ") };
        let description = tr!(&format!("templates.about_{}", template.name.replace('-', "_")));
        say!(
            "{:<22}{:<12}{description}（{} {}）",
            template.name,
            kinds,
            catalog.figures.len(),
            tr!("templates.figures")
        );
    }
    say!("{}", tr!("templates.how"));
    // In a workspace: which template each period uses (a template_from: entry of zongjie.yaml
    // gives later periods another folder, earlier ones keep theirs).
    let root = &args.workspace.root;
    if root.join("data").is_dir() {
        if let Ok(ws) = zongjie::workspace::Workspace::open(root) {
            if !ws.periods.is_empty() {
                say!("{}", tr!("templates.in_workspace"));
            }
            for period in ws.all_periods() {
                let used = match ws.template_for(period) {
                    Ok((template, _, _)) => template.name,
                    Err(e) => e.to_string(),
                };
                say!("  {:<10}{used}", period.to_string());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
