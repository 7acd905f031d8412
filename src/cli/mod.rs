//! The headless command line: thin over model, io and export.

mod check;
mod commands;
mod exchange;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use commands::run_command;

/// Gloss: review news articles and tag passages by hand.
///
/// Without a subcommand, Gloss opens its window: `gloss` reopens the last
/// project, `gloss PROJECT.ron` opens that project, and `gloss FILE_OR_FOLDER…`
/// starts a new project with those articles. The subcommands run headless.
#[derive(Debug, Parser)]
#[command(name = "gloss", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; omit to open the window.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A project file (.ron), or article files and folders, to open in the window.
    pub paths: Vec<PathBuf>,
}

/// The headless subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import article files and folders into a project (created if absent);
    /// also REFI-QDA projects (.qdpx) and codebooks (.qdc), and brat folders
    /// (folders with .ann files).
    ///
    /// Exit status: 0 when every file was imported or skipped as a duplicate,
    /// 1 when some files were refused (the others are still saved), 2 on a
    /// fatal error (nothing saved).
    Import {
        /// The project file (.ron).
        project: PathBuf,
        /// Article files (.txt, .md, .html) and folders (searched recursively),
        /// .qdpx and .qdc files, brat folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Tag every match of a regular expression.
    Tag {
        /// The project file (.ron).
        project: PathBuf,
        /// The regular expression (Rust `regex` syntax; `(?i)` for case-insensitive).
        #[arg(long = "match", value_name = "REGEX")]
        pattern: String,
        /// The tag, `Parent/Child` for a nested one; created if missing.
        #[arg(long, value_name = "NAME")]
        tag: String,
        /// Only this article (its numeric id, as `gloss stats` or the export shows).
        #[arg(long, value_name = "ID")]
        article: Option<u64>,
    },
    /// Export the annotations (to standard output unless -o is given).
    Export {
        /// The project file (.ron).
        project: PathBuf,
        /// The format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Validate a project and compare its articles with their source files.
    ///
    /// Exit status: 0 when all is well, 1 when something is wrong, out of
    /// sync or orphaned, 2 when the project cannot be read.
    Check {
        /// The project file (.ron).
        project: PathBuf,
        /// Take changed source texts into the project, re-anchoring the
        /// passages; those that cannot be found are kept as orphans.
        #[arg(long)]
        resync: bool,
    },
    /// Print counts: articles, passages per tag and per article, tag
    /// co-occurrence, and passages per tag over time.
    Stats {
        /// The project file (.ron).
        project: PathBuf,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Time buckets for the timeline.
        #[arg(long, value_enum, default_value = "month")]
        by: TimeBucket,
    },
    /// Search the articles' text; one line per match:
    /// `article_id<TAB>start<TAB>end<TAB>context` (char offsets).
    ///
    /// Exit status (as grep): 0 when something matched, 1 when nothing did,
    /// 2 on an error.
    Search {
        /// The project file (.ron).
        project: PathBuf,
        /// The text to find (a regular expression with --regex).
        pattern: String,
        /// Treat PATTERN as a regular expression (Rust `regex` syntax).
        #[arg(long, short = 'e')]
        regex: bool,
        /// Ignore case (Unicode case folding).
        #[arg(long, short = 'i')]
        ignore_case: bool,
        /// Match whole words only.
        #[arg(long, short = 'w')]
        whole_word: bool,
        /// Only articles with a passage tagged NAME (or a tag nested in it);
        /// may be repeated.
        #[arg(long, value_name = "NAME")]
        tag: Vec<String>,
        /// Only articles with this review status (unread, in-progress, done).
        #[arg(long)]
        status: Option<String>,
        /// Only articles dated on or after this day (YYYY-MM-DD).
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Only articles dated on or before this day (YYYY-MM-DD).
        #[arg(long)]
        to: Option<chrono::NaiveDate>,
    },
}

/// Time buckets for `gloss stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeBucket {
    /// Calendar months.
    Month,
    /// ISO weeks.
    Week,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One row per annotation (RFC 4180 CSV, UTF-8).
    Csv,
    /// W3C Web Annotation collection (JSON-LD).
    W3c,
    /// REFI-QDA project archive (.qdpx) for other QDA tools; needs -o.
    Qdpx,
    /// REFI-QDA codebook (.qdc); needs -o.
    Qdc,
    /// brat standoff: one .txt and .ann per article plus annotation.conf, in a folder; needs -o.
    Brat,
    /// A readable review report in Markdown.
    Md,
    /// The same report as one self-contained HTML file.
    Html,
}

/// Runs a subcommand and turns the outcome into an exit code, printing any
/// error once on standard error.
#[must_use]
pub fn exit_code(command: Command) -> ExitCode {
    match run_command(command) {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (e.g. `| head`) is not an error worth reporting.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gloss: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
