//! The `zongjie` binary: parses the command line and hands over to the library.
use clap::Parser;

mod cli;

/// Counts what template rendering allocates, so a template cannot exhaust the machine's memory.
#[global_allocator]
static ALLOCATOR: zongjie::memory::Counting = zongjie::memory::Counting;

fn main() -> std::process::ExitCode {
    // The language is set before clap reads the arguments, so that its help is in it too.
    zongjie::i18n::set(cli::language(std::env::args_os()));
    match cli::Cli::try_parse() {
        Ok(args) => cli::run(args),
        Err(e) => {
            // clap's own exit() panics when --help meets a closed pipe.
            let _ = e.print();
            std::process::ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::cli::Cli::command().debug_assert();
    }
}
