//! Importing whatever a user names — article files and folders, REFI-QDA
//! projects and codebooks, brat folders — through one dispatcher by file
//! kind, used by the command line and the window alike, so both import the
//! same way. The whole import is one undoable step; one file that cannot be
//! read never stops the others.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{brat, refi};
use std::sync::atomic::AtomicBool;

use crate::io::import::{ImportReport, build_import, collect_files, read_files_cancellable};
use crate::io::paths::shown;
use crate::model::{Action, Project, plural};

/// What a path holds, by its name (and, for folders, their content).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A REFI-QDA project (`.qdpx`).
    Qdpx,
    /// A REFI-QDA codebook (`.qdc`).
    Qdc,
    /// A brat collection: a folder with `.ann` files.
    Brat,
    /// Article files, or folders of them.
    Articles,
}

/// The kind of `path`.
#[must_use]
pub fn kind_of(path: &Path) -> Kind {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "qdpx" => Kind::Qdpx,
        "qdc" => Kind::Qdc,
        _ if is_brat_folder(path) => Kind::Brat,
        _ => Kind::Articles,
    }
}

/// True when `path` is a folder holding `.ann` files (not looking deeper).
#[must_use]
pub fn is_brat_folder(path: &Path) -> bool {
    path.is_dir()
        && std::fs::read_dir(path).is_ok_and(|d| {
            d.filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "ann"))
        })
}

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// See [`refi::ImportOptions::external_sources`].
    pub external_sources: Option<PathBuf>,
}

/// What one exchange file (REFI-QDA or brat) brought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeImport {
    /// The file or folder.
    pub path: PathBuf,
    /// One line: what was added.
    pub summary: String,
    /// What it held that Gloss cannot keep, each with where and why.
    pub not_kept: Vec<String>,
    /// What was imported differently than the file said.
    pub warnings: Vec<String>,
}

/// What an import did, before it is applied.
#[derive(Debug)]
pub struct Imported {
    /// Everything, as one undoable step (apply it to import).
    pub action: Action,
    /// The article files: imported, duplicates, refusals, warnings.
    pub articles: ImportReport,
    /// Each exchange file read.
    pub exchange: Vec<ExchangeImport>,
}

impl Imported {
    /// The step to apply, taken out (an import of 100,000 articles is not
    /// copied to be applied); an empty step is left in its place.
    pub fn take_action(&mut self) -> Action {
        std::mem::replace(
            &mut self.action,
            Action::Batch {
                label: String::new(),
                actions: Vec::new(),
            },
        )
    }

    /// True when something could not be imported or kept (exit status 1).
    #[must_use]
    pub fn lost_something(&self) -> bool {
        !self.articles.refused.is_empty()
            || self.articles.not_read > 0
            || self.exchange.iter().any(|e| !e.not_kept.is_empty())
    }

    /// True when there is nothing to report beyond a count.
    #[must_use]
    pub fn is_clean(&self) -> bool {
        !self.lost_something()
            && self.articles.duplicates.is_empty()
            && self.articles.warnings.is_empty()
            && self.exchange.iter().all(|e| e.warnings.is_empty())
    }
}

/// Reads one exchange file into an action on `project`.
fn exchange_file(
    project: &Project,
    path: &Path,
    kind: Kind,
    opts: &Options,
) -> Result<(Action, ExchangeImport), String> {
    let refi_opts = refi::ImportOptions {
        external_sources: opts.external_sources.clone(),
    };
    let (action, summary, not_kept, warnings) = match kind {
        Kind::Qdpx => {
            let (a, r) = refi::import_qdpx(project, path, &refi_opts).map_err(|e| e.to_string())?;
            let mut summary = format!(
                "{} added, {} matched, {}, {}",
                plural(r.articles_added, "article"),
                r.articles_matched,
                plural(r.tags_added, "tag"),
                plural(r.annotations, "passage")
            );
            if r.already_present > 0 {
                let _ = write!(summary, " ({} already there)", r.already_present);
            }
            (a, summary, r.skipped, r.warnings)
        }
        Kind::Qdc => {
            let (a, r) = refi::import_qdc(project, path).map_err(|e| e.to_string())?;
            (
                a,
                format!("{} added", plural(r.tags_added, "tag")),
                r.skipped,
                r.warnings,
            )
        }
        Kind::Brat => {
            let (a, r) = brat::import_folder(project, path).map_err(|e| e.to_string())?;
            let mut not_kept = r.skipped;
            if r.split_fragments > 0 {
                not_kept.push(format!(
                    "{} became one passage per fragment",
                    plural(r.split_fragments, "discontinuous span")
                ));
            }
            let summary = format!(
                "{}, {} added, {}",
                plural(r.documents, "document"),
                plural(r.articles_added, "article"),
                plural(r.annotations, "passage")
            );
            (a, summary, not_kept, r.warnings)
        }
        Kind::Articles => return Err("not an exchange file".into()),
    };
    Ok((
        action,
        ExchangeImport {
            path: path.to_path_buf(),
            summary,
            not_kept,
            warnings,
        },
    ))
}

/// Imports `paths` into a copy of `project` and returns the whole import as
/// one action. Exchange files are read one after another (each sees what the
/// ones before it added); article files and folders are read in parallel,
/// with `progress(done, total)`. A file that cannot be read is refused with
/// its reason; the others are imported.
pub fn import(
    project: &Project,
    paths: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Imported {
    import_cancellable(project, paths, opts, &AtomicBool::new(false), progress)
}

/// Like [`import`]; once `cancel` is set, the article files not read yet are
/// left unread and counted (`ImportReport::not_read`); what was read is
/// still imported.
pub fn import_cancellable(
    project: &Project,
    paths: &[PathBuf],
    opts: &Options,
    cancel: &AtomicBool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Imported {
    let mut work = project.clone();
    let mut actions = Vec::new();
    let mut exchange = Vec::new();
    let mut plain = Vec::new();
    let mut report = ImportReport::default();
    for p in paths {
        let kind = kind_of(p);
        if kind == Kind::Articles {
            plain.push(p.clone());
            continue;
        }
        match exchange_file(&work, p, kind, opts) {
            Ok((action, done)) => match work.apply(action.clone()) {
                Ok(_) => {
                    actions.push(action);
                    exchange.push(done);
                }
                Err(e) => report.refused.push(crate::io::import::Refusal {
                    path: p.clone(),
                    reason: format!("its content does not fit the project: {e}"),
                }),
            },
            Err(reason) => report.refused.push(crate::io::import::Refusal {
                path: p.clone(),
                reason,
            }),
        }
    }
    if !plain.is_empty() {
        let (files, refused) = collect_files(&plain);
        report.refused.extend(refused);
        let total = files.len();
        let (read, not_read) = read_files_cancellable(&files, cancel, &|n| progress(n, total));
        let (action, r) = build_import(&work, read, report);
        report = r;
        report.not_read = not_read;
        actions.push(action);
    }
    Imported {
        action: Action::Batch {
            label: "import".into(),
            actions,
        },
        articles: report,
        exchange,
    }
}

/// The import's outcome as lines for a terminal or a dialog: what each
/// exchange file brought, then duplicates, warnings and refusals.
#[must_use]
pub fn report_lines(imported: &Imported) -> Vec<(Severity, String)> {
    let mut out = Vec::new();
    for e in &imported.exchange {
        out.push((Severity::Info, format!("{}: {}", shown(&e.path), e.summary)));
        for w in &e.warnings {
            out.push((Severity::Warning, format!("{}: {w}", shown(&e.path))));
        }
        for n in &e.not_kept {
            out.push((Severity::NotKept, format!("{}: {n}", shown(&e.path))));
        }
    }
    let r = &imported.articles;
    for d in &r.duplicates {
        out.push((
            Severity::Duplicate,
            format!("{} has the same text as {}", shown(&d.path), d.same_as),
        ));
    }
    for (p, w) in &r.warnings {
        out.push((Severity::Warning, format!("{}: {w}", shown(p))));
    }
    for f in &r.refused {
        out.push((
            Severity::Refused,
            format!("{}: {}", shown(&f.path), f.reason),
        ));
    }
    if r.not_read > 0 {
        out.push((
            Severity::Refused,
            format!(
                "{} not read: the import was cancelled (importing the same files again adds them; those already in are skipped)",
                plural(r.not_read, "file")
            ),
        ));
    }
    out
}

/// How a report line reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// What was added.
    Info,
    /// Imported, but the user should know something.
    Warning,
    /// Skipped: the text is already there.
    Duplicate,
    /// Part of a file Gloss cannot represent.
    NotKept,
    /// A file that was not imported.
    Refused,
}

impl Severity {
    /// The word the command line prints before such a line.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Info => "",
            Self::Warning => "warning",
            Self::Duplicate => "duplicate",
            Self::NotKept => "not imported",
            Self::Refused => "refused",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    #[test]
    fn a_cancelled_import_keeps_what_was_read_and_counts_what_was_not() {
        let dir = tempfile::tempdir().unwrap();
        let n = 200;
        for i in 0..n {
            std::fs::write(
                dir.path().join(format!("{i:03}.txt")),
                format!("Article {i}.\n"),
            )
            .unwrap();
        }
        let project = Project::new();
        let cancel = AtomicBool::new(false);
        // Cancelled once the fifth file is read; files being read then are
        // still read.
        let imported = import_cancellable(
            &project,
            &[dir.path().to_path_buf()],
            &Options::default(),
            &cancel,
            &|done, _| {
                if done == 5 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
        );
        let r = &imported.articles;
        assert!(r.imported.len() >= 5, "{}", r.imported.len());
        assert!(r.not_read > 0);
        assert_eq!(r.imported.len() + r.not_read, n);
        assert!(r.refused.is_empty(), "{:?}", r.refused);
        assert!(imported.lost_something());
        // One line says so, not one per file.
        let lines = report_lines(&imported);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].1.starts_with(&format!(
                "{} files not read: the import was cancelled",
                r.not_read
            )),
            "{lines:?}"
        );
        let mut p = project;
        p.apply(imported.action).unwrap();
        assert_eq!(p.articles().len(), r.imported.len());
        // Importing the same files again adds the rest.
        let again = import_cancellable(
            &p,
            &[dir.path().to_path_buf()],
            &Options::default(),
            &AtomicBool::new(false),
            &|_, _| {},
        );
        assert_eq!(again.articles.imported.len(), r.not_read);
        assert_eq!(again.articles.duplicates.len(), n - r.not_read);
    }
}
