//! Importing files and folders of articles into a project.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::article::{ReadArticle, format_of, read_articles};
use crate::model::{Action, Article, ArticleId, ContentHash, Project, ReviewStatus, Text, ops};

/// A file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The file.
    pub path: PathBuf,
    /// Why, in words.
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// A file whose text is already in the project (or earlier in the same import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The skipped file.
    pub path: PathBuf,
    /// The article that has the same text.
    pub same_as: ArticleId,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// New articles, in import order.
    pub imported: Vec<ArticleId>,
    /// Files skipped because their text is already there.
    pub duplicates: Vec<Duplicate>,
    /// Files that could not be imported.
    pub refused: Vec<Refusal>,
    /// Imported files with something to note (path, warning).
    pub warnings: Vec<(PathBuf, String)>,
    /// Files left unread because the import was cancelled.
    pub not_read: usize,
}

static UNSUPPORTED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "unsupported file type (Gloss reads {})",
        super::article::SUPPORTED
    )
});

/// Decides what to do with a symbolic link found inside a folder being
/// imported from `root`: a link to a regular file inside the folder is
/// followed; anything else is refused with the reason, so nothing outside
/// what the user chose is read.
fn follow_link(link: &Path, root: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(link).map_err(|_| "a broken symbolic link".to_owned())?;
    if meta.is_dir() {
        return Err("a symbolic link to a folder; not followed".into());
    }
    if !meta.is_file() {
        return Err(format!(
            "a symbolic link to {}, not a regular file",
            super::read::kind_of(&meta)
        ));
    }
    let inside = match (std::fs::canonicalize(link), std::fs::canonicalize(root)) {
        (Ok(t), Ok(r)) => t.starts_with(r),
        _ => false,
    };
    if inside {
        Ok(())
    } else {
        Err("a symbolic link to a file outside the imported folder; not followed".into())
    }
}

/// Lists the article files named by `paths`: files as they are, folders
/// recursively (hidden entries skipped), in a stable order. Inside folders,
/// symbolic links are followed only to regular files inside the folder;
/// named pipes, devices, other links and unsupported files are refused with
/// their reason, as are missing paths.
#[must_use]
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Refusal>) {
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let mut refuse = |path: PathBuf, reason: String| refused.push(Refusal { path, reason });
    for p in paths {
        let p = super::paths::absolute(p);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                refuse(p, "no such file or folder".into());
                continue;
            }
            Err(e) => {
                refuse(p, format!("cannot read: {e}"));
                continue;
            }
        };
        if meta.is_file() {
            files.push(p);
            continue;
        }
        if !meta.is_dir() {
            refuse(
                p,
                format!("it is {}, not a regular file", super::read::kind_of(&meta)),
            );
            continue;
        }
        let walker = walkdir::WalkDir::new(&p)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let e = match entry {
                Ok(e) => e,
                Err(err) => {
                    refuse(
                        err.path().map_or_else(|| p.clone(), Path::to_path_buf),
                        format!("cannot read: {err}"),
                    );
                    continue;
                }
            };
            let t = e.file_type();
            if t.is_dir() {
                continue;
            }
            if t.is_symlink() {
                if let Err(reason) = follow_link(e.path(), &p) {
                    refuse(e.into_path(), reason);
                    continue;
                }
            } else if !t.is_file() {
                let kind = e
                    .metadata()
                    .map_or("a special file", |m| super::read::kind_of(&m));
                refuse(e.into_path(), format!("it is {kind}, not a regular file"));
                continue;
            }
            if format_of(e.path()).is_some() {
                files.push(e.into_path());
            } else {
                refuse(e.into_path(), UNSUPPORTED.clone());
            }
        }
    }
    (files, refused)
}

/// Reads a file's articles. Documents (whose readers are complex: DOCX,
/// ODT, EPUB, RTF, PDF, HTML) are read on a thread of their own within the
/// time limit ([`super::limits::Limits::read_seconds`]), so a file that
/// would take too long, or a reader that fails, refuses that file only.
fn read_bounded_in_time(path: &Path) -> Result<Vec<ReadArticle>, String> {
    use crate::model::SourceFormat;
    let plain = matches!(
        format_of(path),
        Some(SourceFormat::Text | SourceFormat::Markdown) | None
    );
    if plain {
        return read_articles(path).map_err(|e| e.to_string());
    }
    let secs = super::limits::Limits::get().read_seconds;
    let (tx, rx) = std::sync::mpsc::channel();
    let p = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("gloss-read".into())
        .spawn(move || {
            let _ = tx.send(read_articles(&p).map_err(|e| e.to_string()));
        });
    if spawned.is_err() {
        return read_articles(path).map_err(|e| e.to_string());
    }
    match rx.recv_timeout(std::time::Duration::from_secs(secs.max(1))) {
        Ok(r) => r,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "reading it took longer than {secs} s, so it was left out (raise GLOSS_MAX_READ_SECONDS if the file is genuine)"
        )),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err("the reader failed on this file".into())
        }
    }
}

/// Reads files in parallel; `progress` is called with the number done so far.
#[must_use]
pub fn read_files(
    files: &[PathBuf],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Result<ReadArticle, Refusal>> {
    read_files_cancellable(files, &std::sync::atomic::AtomicBool::new(false), progress).0
}

/// Like [`read_files`]; once `cancel` is set, the files not yet read are
/// left unread. Also returns how many were.
pub fn read_files_cancellable(
    files: &[PathBuf],
    cancel: &std::sync::atomic::AtomicBool,
    progress: &(dyn Fn(usize) + Sync),
) -> (Vec<Result<ReadArticle, Refusal>>, usize) {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let not_read = std::sync::atomic::AtomicUsize::new(0);
    let per_file: Vec<Vec<Result<ReadArticle, Refusal>>> = files
        .par_iter()
        .map(|path| {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                not_read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Vec::new();
            }
            let r = match read_bounded_in_time(path) {
                Ok(all) => all.into_iter().map(Ok).collect(),
                Err(reason) => vec![Err(Refusal {
                    path: path.clone(),
                    reason,
                })],
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n);
            r
        })
        .collect();
    (
        per_file.into_iter().flatten().collect(),
        not_read.into_inner(),
    )
}

/// Turns read files into new articles of `project`, skipping texts already
/// present. Returns one undoable action adding them all, and the report.
/// Ids are allocated from the project; apply the action to add the articles.
pub fn build_import(
    project: &Project,
    read: Vec<Result<ReadArticle, Refusal>>,
    mut report: ImportReport,
) -> (Action, ImportReport) {
    let mut batch_hashes: HashMap<ContentHash, ArticleId> = HashMap::new();
    let mut articles = Vec::new();
    let now = crate::model::Timestamp::now();
    // Hashed and indexed on every core (hundreds of megabytes at 100,000).
    let read: Vec<Result<(ReadArticle, Text, ContentHash), Refusal>> = read
        .into_par_iter()
        .map(|r| {
            r.map(|mut a| {
                let hash = ContentHash::of(&a.text);
                let text = Text::new(std::mem::take(&mut a.text));
                (a, text, hash)
            })
        })
        .collect();
    for r in read {
        let (a, text, hash) = match r {
            Ok(a) => a,
            Err(refusal) => {
                report.refused.push(refusal);
                continue;
            }
        };
        if let Some(same_as) = project
            .article_by_hash(&hash)
            .or_else(|| batch_hashes.get(&hash).copied())
        {
            report.duplicates.push(Duplicate {
                path: a.path,
                same_as,
            });
            continue;
        }
        let id = project.ids().article();
        batch_hashes.insert(hash.clone(), id);
        if let Some(w) = a.warning {
            report.warnings.push((a.path.clone(), w));
        }
        report.imported.push(id);
        articles.push(Article {
            id,
            source: a.path,
            text,
            hash,
            meta: a.meta,
            title: a.title,
            status: ReviewStatus::Unread,
            note: String::new(),
            note_by: None,
            added: Some(now),
        });
    }
    (ops::add_articles(articles), report)
}

/// Collects, reads and prepares the import of `paths` in one call.
pub fn import_paths(
    project: &Project,
    paths: &[PathBuf],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> (Action, ImportReport) {
    let (files, refused) = collect_files(paths);
    let total = files.len();
    let read = read_files(&files, &|n| progress(n, total));
    build_import(
        project,
        read,
        ImportReport {
            refused,
            ..ImportReport::default()
        },
    )
}
