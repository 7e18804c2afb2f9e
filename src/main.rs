//! The `zongjie` binary: parses the command line and hands over to the library.
use clap::Parser;

mod cli;

fn main() -> std::process::ExitCode {
    // The language is set before clap reads the arguments, so that its help is in it too.
    zongjie::i18n::set(cli::language(std::env::args_os()));
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
