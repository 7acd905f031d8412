//! The `gloss` binary: subcommands run headless; otherwise the window opens.

use std::process::ExitCode;

use clap::Parser;
use gloss::cli::{Cli, exit_code};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => exit_code(command, &cli.global),
        None => {
            gloss::cli::apply_global(&cli.global);
            window(cli.paths)
        }
    }
}

fn window(paths: Vec<std::path::PathBuf>) -> ExitCode {
    match gloss::ui::run(paths) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gloss: error: cannot open the window: {e}");
            ExitCode::from(2)
        }
    }
}
