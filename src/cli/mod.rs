//! The headless command line: thin over model, io and export.

pub mod bench;
mod check;
mod commands;
mod session;
mod team;

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
#[command(name = "gloss", version, subcommand_precedence_over_arg = true)]
pub struct Cli {
    /// What to do; omit to open the window.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A project file (.ron), or article files and folders, to open in the window.
    pub paths: Vec<PathBuf>,
    /// Limits and safety switches for every command.
    #[command(flatten)]
    pub global: Global,
}

/// Options every command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Largest input file read (article, exchange file), e.g. 512M or 2G
    /// (default 256M, or `GLOSS_MAX_FILE_SIZE`).
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Seconds to wait for another program that is changing the same project.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30)]
    pub wait: u64,
    /// Save even over a project file that is read-only or has fields this
    /// version of Gloss does not know (they are dropped).
    #[arg(long, global = true)]
    pub force: bool,
    /// The analyst's name, recorded on the passages this command makes and in
    /// exports (default: the operating system's user name).
    #[arg(long, global = true, value_name = "NAME")]
    pub analyst: Option<String>,
    /// Also print what Gloss does (debug log) on standard error; the log
    /// file (see README) gets it too.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

impl Global {
    /// Now, by the analyst these options name.
    #[must_use]
    pub fn stamp(&self) -> crate::model::Stamp {
        crate::model::Stamp::now(crate::io::user::analyst(self.analyst.as_deref()))
    }
}

fn parse_size(s: &str) -> Result<u64, String> {
    crate::io::limits::parse_size(s).ok_or_else(|| format!("not a size: {s:?} (try 512M or 2G)"))
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
        /// Let a .qdpx name source files outside the archive, but only regular
        /// files inside this folder (by default only the archive's own
        /// sources are read).
        #[arg(long, value_name = "FOLDER")]
        allow_external_sources: Option<PathBuf>,
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
        /// Refuse (tag nothing) when the pattern matches more than N passages
        /// (default 1,000,000, or `GLOSS_MAX_MATCHES`).
        #[arg(long, value_name = "N")]
        max: Option<usize>,
    },
    /// Export the annotations (to standard output unless -o is given).
    Export {
        /// The project file (.ron).
        project: PathBuf,
        /// The format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file (or folder, for brat) instead of standard
        /// output; `-` is standard output. Never the project's own files.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Only the passages of this analyst, or `gold` for the reviewed
        /// (adjudicated) passages.
        #[arg(long, value_name = "ANALYST")]
        layer: Option<String>,
    },
    /// Validate a project and compare its articles with their source files;
    /// also lists damaged or missing texts, fields this version does not
    /// know, and files that interrupted saves left behind.
    ///
    /// Exit status: 0 when all is well, 1 when something is wrong, out of
    /// sync, damaged or orphaned, 2 when the project cannot be read.
    Check {
        /// The project file (.ron).
        project: PathBuf,
        /// Take changed source texts into the project, re-anchoring the
        /// passages; those that cannot be found are kept as orphans.
        #[arg(long)]
        resync: bool,
        /// Rewrite damaged or missing texts in the texts folder from a good
        /// copy (the article's source file, when it has the same text).
        #[arg(long)]
        repair: bool,
        /// Remove temporary files of interrupted saves and texts that neither
        /// the project nor its backup or recovery file names.
        #[arg(long)]
        gc: bool,
    },
    /// Print counts: articles, passages per tag and per article, tag
    /// co-occurrence, and passages per tag over time.
    Stats {
        /// The project file (.ron).
        project: PathBuf,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// `month` or `week`: the timeline's buckets; any other name
        /// cross-tabulates passages per tag by that article attribute
        /// (`outlet`, `section`, `year`, …; see `gloss articles`).
        #[arg(long, default_value = "month", value_name = "month|week|ATTRIBUTE")]
        by: String,
    },
    /// Set article attributes from a CSV table: one row per article, found
    /// by an `article_id` (or `id`) column or a `file` (`file_name`,
    /// `article_path`) column; every other column is an attribute (values
    /// typed as YYYY-MM-DD dates, numbers or text; empty cells are left
    /// alone). One undoable step.
    ///
    /// Exit status: 0 when every row matched an article, 1 when some did
    /// not (the others are still set), 2 on an error.
    Attributes {
        /// The project file (.ron).
        project: PathBuf,
        /// The CSV table.
        #[arg(long)]
        from: PathBuf,
    },
    /// List the articles: id, title, source file and every attribute
    /// (tab-separated with a header line, or JSON: one object per article,
    /// attributes by name).
    Articles {
        /// The project file (.ron).
        project: PathBuf,
        /// Print JSON instead of tab-separated lines.
        #[arg(long)]
        json: bool,
    },
    /// Merge another analyst's copy of a project into ours: articles matched
    /// by content hash, tags by path, passages by id (each keeps its
    /// analyst), notes both kept and marked when they differ. Every conflict
    /// is listed on standard error and recorded in the project (the window
    /// shows them); nothing is dropped.
    ///
    /// Exit status: 0 when merged (with or without conflicts), 2 on an error.
    Merge {
        /// Our project (.ron): changed in place unless -o is given.
        ours: PathBuf,
        /// Their project (.ron): only read.
        theirs: PathBuf,
        /// Write the merged project here instead of over OURS.
        #[arg(long, short = 'o', value_name = "OUT.ron")]
        output: Option<PathBuf>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Git's merge driver for project files (set up by `gloss git-setup`):
    /// a three-way merge of OURS and THEIRS against their common ancestor
    /// BASE, written over OURS. Reads only the three files (not the texts
    /// folder, which git merges as a union of content-addressed files).
    ///
    /// Exit status: 0 when merged (conflicts are resolved and recorded in
    /// the project), 1 when the files could not be merged (git then marks
    /// the file as conflicted and keeps ours).
    MergeDriver {
        /// The common ancestor's version (git's %O; may be empty).
        base: PathBuf,
        /// Our version, replaced by the result (git's %A).
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// The project file's path in the repository (git's %P).
        path: PathBuf,
    },
    /// Set up a git repository so that `git merge` and `git pull` merge
    /// Gloss project files structurally: adds `*.ron merge=gloss` to
    /// .gitattributes, registers `gloss merge-driver` in the repository's
    /// git config, and keeps lock, backup and recovery files out of git.
    GitSetup {
        /// The repository (default: the current folder).
        repo: Option<PathBuf>,
    },
    /// Intercoder agreement between analysts: per tag and overall, at the
    /// character level (percent agreement, Cohen's κ for two analysts,
    /// Fleiss' κ, Krippendorff's α nominal) and the passage level (passages
    /// matched by overlap: precision, recall, F1). Units are the characters
    /// of the articles every compared analyst coded (or that are marked
    /// done). Give one project holding several analysts' passages, or
    /// several project files (merged in memory first).
    Agree {
        /// The project file(s) (.ron).
        #[arg(required = true)]
        projects: Vec<PathBuf>,
        /// The analysts to compare, comma-separated (default: every analyst
        /// with passages; `gold` is the reviewed layer).
        #[arg(long, value_delimiter = ',', value_name = "A,B,…")]
        analysts: Vec<String>,
        /// Only this tag (`Parent/Child`), with its descendants.
        #[arg(long, value_name = "NAME")]
        tag: Option<String>,
        /// Jaccard overlap from which two passages match (0–1).
        #[arg(long, default_value_t = 0.5, value_name = "T")]
        threshold: f64,
        /// Print JSON (the figures with the counts they come from).
        #[arg(long)]
        json: bool,
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
    /// Measure Gloss on generated corpora: writes news articles (1,000,
    /// 10,000 and 100,000 by default), then times import, open, save, tag,
    /// CSV export and search, with their peak memory, beside `cat` and
    /// ripgrep (`rg`, if installed) on the same files, and prints a Markdown
    /// table per size with the targets of docs/performance.md. 100,000
    /// articles need about 2 GB of disk and take several minutes.
    Bench {
        /// Corpus sizes in articles, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 100_000])]
        sizes: Vec<usize>,
        /// Keep the corpora in this folder (reused by the next run; the
        /// default is a temporary folder in the current one, removed after).
        #[arg(long, value_name = "FOLDER")]
        dir: Option<PathBuf>,
        /// Runs of each step; the median is shown.
        #[arg(long, default_value_t = 3)]
        runs: usize,
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

/// True when `e` (or anything it wraps) is a closed pipe: the reader (say,
/// `head`) has what it wanted, which is not an error worth reporting.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<crate::io::atomic::WriteError>()
                .and_then(crate::io::atomic::WriteError::io)
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Applies the options every command takes (limits) before anything is read.
pub fn apply_global(global: &Global) {
    crate::io::project_file::tidy::mark_process_start();
    crate::logging::init(global.verbose);
    let mut limits = crate::io::limits::Limits::from_env();
    if let Some(n) = global.max_file_size {
        limits.file_bytes = n;
    }
    crate::io::limits::Limits::set(limits);
}

impl ExportFormat {
    /// The library's format.
    #[must_use]
    pub fn format(self) -> crate::exchange::format::Format {
        use crate::exchange::format::Format as F;
        match self {
            Self::Csv => F::Csv,
            Self::W3c => F::W3c,
            Self::Qdpx => F::Qdpx,
            Self::Qdc => F::Qdc,
            Self::Brat => F::Brat,
            Self::Md => F::Md,
            Self::Html => F::Html,
        }
    }
}

/// Runs a subcommand and turns the outcome into an exit code, printing any
/// error once on standard error.
#[must_use]
pub fn exit_code(command: Command, global: &Global) -> ExitCode {
    apply_global(global);
    tracing::info!("gloss {} {:?}", env!("CARGO_PKG_VERSION"), command);
    let result = run_command(command, global);
    bench::measure::report_peak();
    match result {
        Ok(code) => {
            tracing::info!("done, exit status {code}");
            ExitCode::from(code)
        }
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let m = message(&e);
            tracing::error!("{m}");
            eprintln!("gloss: error: {m}");
            ExitCode::from(2)
        }
    }
}

/// An error with its causes, each once: errors here say their cause in their
/// own message (so a window can show one line), and the chain must not
/// repeat it.
#[must_use]
pub fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if out.contains(&s) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&s);
    }
    out
}
