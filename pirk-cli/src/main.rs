//! The `pirk` binary: the command line with the built-in theories (docs/cli.md).

fn main() -> std::process::ExitCode {
    pirk_cli::App::with_builtins().main()
}
