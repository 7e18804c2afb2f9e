//! `zongjie templates`: the bundled templates, with the periods each is written for.

use clap::Args;
use std::process::ExitCode;
use zongjie::model::Catalog;
use zongjie::tr;
use zongjie::workspace::bundled;

/// Arguments of `templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {}

/// Runs `templates`.
pub fn run(_args: TemplatesArgs) -> anyhow::Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}
