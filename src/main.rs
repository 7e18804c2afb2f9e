//! The `zongjie` binary: parses the command line and hands over to the library.
use clap::Parser;

mod cli;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::cli::Cli::command().debug_assert();
    }
}
