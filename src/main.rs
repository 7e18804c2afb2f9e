//! The `zongjie` binary: parses the command line and hands over to the library.

mod cli;

/// Counts what template rendering allocates, so a template cannot exhaust the machine's memory.
#[global_allocator]
static ALLOCATOR: zongjie::template::memory::Counting = zongjie::template::memory::Counting;

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language is set before clap reads the arguments, so that its help is in it too.
    zongjie::i18n::set(cli::language(args.iter().cloned()));
    match cli::parse(args) {
        Ok(args) => cli::run(args),
        Err(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::cli::Cli::command().debug_assert();
        for lang in [zongjie::i18n::Lang::Chinese, zongjie::i18n::Lang::English] {
            zongjie::i18n::set(lang);
            super::cli::command().debug_assert();
        }
    }
}
