//! The `gloss` binary: subcommands run headless; otherwise the window opens.

use std::process::ExitCode;

use clap::Parser;
use gloss::cli::{Cli, exit_code};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => exit_code(command),
        None => {
            eprintln!(
                "gloss: the review window is not part of this build yet; use the subcommands (see `gloss --help`)"
            );
            ExitCode::from(2)
        }
    }
}
