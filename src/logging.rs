//! The log: what Gloss did and what went wrong, in a file a user can attach
//! to a bug report (`gloss.log` in the platform's data folder, e.g.
//! `~/.local/share/gloss/` on Linux), and on standard error with
//! `--verbose`.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::{EnvFilter, fmt};

/// A log file is set aside (as `gloss.log.1`) when it grows past this.
const MAX_LOG: u64 = 4 << 20;

/// The folder Gloss keeps its own files in (log, autosave of untitled work).
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "gloss").map(|d| d.data_dir().to_path_buf())
}

/// The log file.
#[must_use]
pub fn log_path() -> Option<PathBuf> {
    data_dir().map(|d| d.join("gloss.log"))
}

/// Starts logging: `info` and above to the log file (when it can be
/// opened), and with `verbose` everything from `debug` up to standard error
/// too. `GLOSS_LOG` (e.g. `gloss=trace`) overrides the levels. Logging is
/// best effort: a log that cannot be written never stops Gloss.
pub fn init(verbose: bool) {
    let file = log_path().and_then(|p| {
        std::fs::create_dir_all(p.parent()?).ok()?;
        if std::fs::metadata(&p).is_ok_and(|m| m.len() > MAX_LOG) {
            let _ = std::fs::rename(&p, p.with_extension("log.1"));
        }
        OpenOptions::new().create(true).append(true).open(p).ok()
    });
    let level = if verbose { "debug" } else { "info" };
    let filter = EnvFilter::try_from_env("GLOSS_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("gloss={level},warn")));
    let stderr_level = if verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::ERROR
    };
    let stderr = std::io::stderr.with_max_level(stderr_level);
    let result = match file {
        Some(f) => fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(Mutex::new(f).and(stderr.with_filter(move |_| verbose)))
            .try_init(),
        None => fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(stderr.with_filter(move |_| verbose))
            .try_init(),
    };
    // Already set (tests that start twice): keep the first.
    drop(result);
}
