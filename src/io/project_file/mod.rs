//! The project file: pretty RON, versioned, stable and sorted, with the
//! article texts in a content-addressed folder beside it (or inline).
//!
//! - [`records`]: the record types of the file, as written and as read;
//! - [`load`](mod@load): reading, migration from older versions, validation;
//! - [`save`](mod@save): atomic, locked saving that never overwrites what it
//!   did not load;
//! - [`tidy`]: finding (and removing) what crashes leave behind.
//!
//! See `docs/project-format.md` for the format field by field.

mod article_line;
mod article_texts;
mod lines;
mod load;
mod passage_line;
mod records;
mod save;
mod scan;
mod texts_seen;
pub mod tidy;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use load::{Listed, from_ron, is_project_text, load, load_listing, records_only};
pub use save::{SaveOptions, save, save_with, save_with_texts, to_ron, write_ron, write_ron_with};
pub use scan::{Scan, scan};
pub use texts_seen::TextsSeen;

use super::atomic::WriteError;
use super::lock::LockError;
use super::paths::shown;
use crate::model::{ContentHash, Problem, Project};

/// The `format` field of every Gloss project file.
pub const FORMAT_NAME: &str = "gloss-project";
/// The version this build writes.
pub const CURRENT_VERSION: u32 = 4;
/// The oldest version this build reads.
pub const OLDEST_VERSION: u32 = 1;

/// Where article texts are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextStorage {
    /// In a folder `NAME.texts/` beside the project file, one file per text
    /// named by its content hash, written once and never rewritten.
    #[default]
    Folder,
    /// Inside the RON file (one self-contained file; slower for big corpora).
    Inline,
}

/// Why a project file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", shown(.path))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: super::read::FileError,
    },
    /// The file is not a Gloss project.
    #[error(
        "{} is not a Gloss project file (it does not start with format: \"{FORMAT_NAME}\")",
        shown(.0)
    )]
    NotAProject(PathBuf),
    /// The file is not UTF-8 text, or starts with a byte-order mark.
    #[error("{}:{line}: {message} (at byte {offset})", shown(.path))]
    Encoding {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Byte offset from the start of the file.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// Written by a newer Gloss.
    #[error(
        "{} has format version {version}, but this Gloss reads up to version {CURRENT_VERSION}; update Gloss to open it",
        shown(.path)
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
    /// A version that never existed or is no longer read.
    #[error(
        "{} has unsupported format version {version} (this Gloss reads versions {OLDEST_VERSION} to {CURRENT_VERSION})",
        shown(.path)
    )]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
    /// The RON could not be parsed.
    #[error("{}:{line}:{col}: {message}", shown(.path))]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What the parser said.
        message: String,
    },
    /// The file parsed but its content is inconsistent.
    #[error("{} has {}:\n{}", shown(.path), crate::model::plural(problems.len(), "problem"), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

/// Why a project could not be saved. The file on disk is untouched in every
/// case.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The write lock could not be taken.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The target exists and is not a Gloss project this build can read.
    #[error(
        "refusing to overwrite {}: it is not a Gloss project file this version wrote",
        shown(.0)
    )]
    WouldClobber(PathBuf),
    /// The file changed on disk since it was loaded (another window or
    /// command saved it).
    #[error(
        "{} was changed by another program since it was opened; saving now would lose those changes",
        shown(.0)
    )]
    ChangedOnDisk(PathBuf),
    /// The file has fields this Gloss does not know; saving would drop them.
    #[error(
        "refusing to save over {}: it has fields this version of Gloss does not know ({}), which saving would drop. Save to another file, or update Gloss",
        shown(.path), .fields.join(", ")
    )]
    UnknownFields {
        /// The file.
        path: PathBuf,
        /// The fields, as paths like `articles[3].colour`.
        fields: Vec<String>,
    },
    /// The project could not be serialised.
    #[error("cannot serialise the project: {0}")]
    Serialise(String),
}

/// What identifies one version of a file on disk: a save checks that the file
/// is still the one it loaded before replacing it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    id: (u64, u64),
    fingerprint: u128,
}

/// The content fingerprint in a [`FileStamp`]: XXH3-128 of the file's bytes,
/// the same whether they are hashed at once or as they are written. It tells
/// one version of a file from another, which is all a stamp needs; it is not
/// a defence against someone forging a file (whoever can write the project
/// file can change it outright). BLAKE3 made hashing the 325 MB file of a
/// 100,000-article project 0.1-0.2 s of every save.
#[derive(Default)]
pub struct Fingerprint(xxhash_rust::xxh3::Xxh3);

impl Fingerprint {
    /// The fingerprint of `bytes`.
    #[must_use]
    pub fn of(bytes: &[u8]) -> u128 {
        xxhash_rust::xxh3::xxh3_128(bytes)
    }

    /// Adds bytes that follow those added before.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The fingerprint of all the bytes added.
    #[must_use]
    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }

    /// The fingerprint of the file at `path`.
    fn of_file(path: &Path) -> std::io::Result<u128> {
        let mut hasher = Self::default();
        std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
        Ok(hasher.finish())
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_id(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl FileStamp {
    /// The stamp of a file whose content has this [`Fingerprint`].
    #[must_use]
    pub fn new(meta: &std::fs::Metadata, fingerprint: u128) -> Self {
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
            id: file_id(meta),
            fingerprint,
        }
    }

    /// True when the file at `path` is still this version: same size, and
    /// either the same file identity and modification time or the same
    /// content.
    ///
    /// # Errors
    /// When the file cannot be read.
    pub fn matches(&self, path: &Path) -> std::io::Result<bool> {
        let meta = std::fs::metadata(path)?;
        if meta.len() != self.len {
            return Ok(false);
        }
        if file_id(&meta) == self.id && meta.modified().ok() == self.modified {
            return Ok(true);
        }
        Ok(Fingerprint::of_file(path)? == self.fingerprint)
    }
}

/// The stamp of the file at `path` as it is now.
///
/// # Errors
/// When it cannot be read.
pub fn stamp_of(path: &Path) -> std::io::Result<FileStamp> {
    let meta = std::fs::metadata(path)?;
    Ok(FileStamp::new(&meta, Fingerprint::of_file(path)?))
}

/// What was on disk when a project was loaded (or last saved): a save over
/// the file checks against it, so it never loses another writer's work, the
/// fields it could not read, or a damaged text it could repair.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    /// The file's stamp; `None` when there was no file.
    pub stamp: Option<FileStamp>,
    /// The format version it had.
    pub version: u32,
    /// Fields of the file this build does not know (e.g. `articles[2].colour`).
    pub unknown_fields: Vec<String>,
    /// Texts whose file in the texts folder was missing or damaged but that
    /// were recovered from their source: saving writes them again.
    pub damaged_texts: Vec<ContentHash>,
    /// The texts seen in the texts folder, which the next save need not
    /// look up again while the folder's entries are unchanged.
    pub texts_seen: Option<TextsSeen>,
}

/// A project read from disk, with notes about the reading.
#[derive(Debug)]
pub struct Loaded {
    /// The project.
    pub project: Project,
    /// How its texts were stored (saving again keeps that).
    pub storage: TextStorage,
    /// Things the user should know that did not stop the load, e.g. a text
    /// recovered from its source file because the texts folder lacked it.
    pub warnings: Vec<String>,
    /// What was on disk, for the next save.
    pub baseline: Baseline,
}

/// The folder that holds a project's texts: `NAME.texts` beside `NAME.ron`.
#[must_use]
pub fn texts_folder_name(project_path: &Path) -> String {
    let stem = project_path
        .file_stem()
        .map_or_else(|| "project".into(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.texts")
}

/// The recovery file of a project: `NAME.ron.recovery` beside it.
#[must_use]
pub fn recovery_path(project_path: &Path) -> PathBuf {
    let mut name = project_path.file_name().unwrap_or_default().to_os_string();
    name.push(".recovery");
    project_path.with_file_name(name)
}

/// The file of a text in a texts folder: `HASH.txt`.
#[must_use]
pub fn text_file_name(hash: &ContentHash) -> String {
    format!("{hash}.txt")
}

/// The files an export of the project at `path` must never overwrite: the
/// project, its backup, recovery and lock files, its texts folder and its
/// articles' source files.
#[must_use]
pub fn protected(project: &Project, path: &Path) -> super::protect::Protected {
    let mut p = super::protect::Protected::project(path, Some(&texts_folder_name(path)));
    p.sources(
        project
            .articles()
            .filter(|a| !a.source.as_os_str().is_empty())
            .map(|a| absolute(&a.source)),
    );
    p
}

pub use super::paths::{absolute, project_dir};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod version_tests;

/// The result of [`merge_files`].
#[derive(Debug)]
pub struct MergedFile {
    /// The merged project file's text.
    pub ron: String,
    /// The conflicts this merge resolved (also recorded in the file).
    pub conflicts: Vec<crate::model::Conflict>,
    /// Counts.
    pub summary: crate::model::merge::Summary,
}

/// Merges three versions of one project file (git's merge driver): `base`
/// (the common ancestor; empty when there is none), `ours` and `theirs`,
/// reading only the files' records — not the texts folder — and writing the
/// result as `ours` would be written at `path` (the file's place, which
/// relative paths are resolved against). The `texts` field is kept as ours
/// names it.
///
/// # Errors
/// When a version cannot be read, or has fields this build does not know.
pub fn merge_files(
    base: &str,
    ours: &str,
    theirs: &str,
    path: &Path,
    theirs_label: &str,
) -> Result<MergedFile, LoadError> {
    // The three files parse in parallel.
    let read_base = || {
        if base.trim().is_empty() {
            Ok(None)
        } else {
            records_only(base, path).map(|r| Some(r.0.project))
        }
    };
    let (base, (ours, theirs)) = rayon::join(read_base, || {
        rayon::join(|| records_only(ours, path), || records_only(theirs, path))
    });
    let base = base?;
    let (ours, texts) = ours?;
    let (theirs, _) = theirs?;
    let storage = ours.storage;
    let merged = crate::model::merge::merge(crate::model::merge::Sides {
        base: base.as_ref(),
        ours: &ours.project,
        theirs: &theirs.project,
        theirs_label,
    })
    .map_err(|problems| LoadError::Invalid {
        path: path.to_path_buf(),
        problems,
    })?;
    let mut out = Vec::new();
    let texts = texts.unwrap_or_else(|| texts_folder_name(path));
    write_ron_with(&mut out, &merged.project, path, storage, &texts).map_err(|e| {
        LoadError::Invalid {
            path: path.to_path_buf(),
            problems: vec![crate::model::Problem {
                location: "merge".into(),
                message: e.to_string(),
            }],
        }
    })?;
    Ok(MergedFile {
        ron: String::from_utf8(out).unwrap_or_default(),
        conflicts: merged.conflicts,
        summary: merged.summary,
    })
}
