//! Work that runs off the UI thread: opening, importing and saving. Each job
//! reports back through a channel and wakes the UI when it is done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use crate::io::article::ReadArticle;
use crate::io::import::{Refusal, collect_files, read_files};
use crate::io::lock::{Claim, Presence};
use crate::io::project_file::{self, Baseline, Loaded, SaveError, SaveOptions, TextStorage};
use crate::model::Project;

/// What a finished job hands back.
pub enum Done {
    /// A project was opened.
    Opened {
        /// The file.
        path: PathBuf,
        /// The result.
        result: Result<Box<Loaded>, String>,
        /// This window's claim on the project, when it could be made.
        presence: Option<Presence>,
    },
    /// Another window has the project open; nothing was loaded.
    OpenElsewhere {
        /// The file.
        path: PathBuf,
        /// Who has it open.
        holder: String,
    },
    /// Files were read for import.
    Read {
        /// Each file, read or refused.
        read: Vec<Result<ReadArticle, Refusal>>,
        /// Paths refused before reading (missing, unsupported).
        refused: Vec<Refusal>,
    },
    /// Source files were read for a re-sync: each article's current source
    /// text when it differs from the stored one, or why it could not be read.
    Resync {
        /// Articles whose source changed, with the new normalised text.
        changed: Vec<(crate::model::ArticleId, String)>,
        /// Sources that could not be read.
        missing: usize,
    },
    /// A save finished.
    Saved {
        /// The file written.
        path: PathBuf,
        /// The session state that was written.
        state: u64,
        /// True for a recovery file (autosave).
        recovery: bool,
        /// The outcome: what is on disk now, or why nothing was written.
        result: Result<Baseline, SaveError>,
    },
}

/// A running job.
pub struct Job {
    /// What it is doing, for the status bar.
    pub label: String,
    /// Items done so far and in total (0 total when unknown).
    pub progress: Arc<(AtomicUsize, AtomicUsize)>,
    rx: Receiver<Done>,
}

impl Job {
    /// The result, once done.
    pub fn poll(&self) -> Option<Done> {
        self.rx.try_recv().ok()
    }

    /// (done, total) so far.
    #[must_use]
    pub fn progress(&self) -> (usize, usize) {
        (
            self.progress.0.load(Ordering::Relaxed),
            self.progress.1.load(Ordering::Relaxed),
        )
    }
}

fn spawn(
    label: String,
    ctx: &egui::Context,
    work: impl FnOnce(&(AtomicUsize, AtomicUsize)) -> Done + Send + 'static,
) -> Job {
    let (tx, rx) = channel();
    let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let p = progress.clone();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let done = work(&p);
        let _ = tx.send(done);
        ctx.request_repaint();
    });
    Job {
        label,
        progress,
        rx,
    }
}

/// Opens a project file in the background. Unless `anyway`, a project that
/// another window has open is not loaded ([`Done::OpenElsewhere`]).
pub fn open(ctx: &egui::Context, path: PathBuf, anyway: bool) -> Job {
    let label = format!("Opening {}", crate::io::paths::shown(&path));
    spawn(label, ctx, move |_| {
        let presence = match Presence::claim(&path) {
            Claim::Mine(p) => Some(p),
            Claim::Elsewhere(holder) if !anyway => return Done::OpenElsewhere { path, holder },
            Claim::Elsewhere(_) | Claim::Unavailable(_) => None,
        };
        Done::Opened {
            result: project_file::load(&path)
                .map(Box::new)
                .map_err(|e| e.to_string()),
            path,
            presence,
        }
    })
}

/// Reads files and folders for import in the background.
pub fn import(ctx: &egui::Context, paths: Vec<PathBuf>) -> Job {
    let label = "Importing".to_owned();
    let repaint = ctx.clone();
    spawn(label, ctx, move |progress| {
        let (files, refused) = collect_files(&paths);
        progress.1.store(files.len(), Ordering::Relaxed);
        let read = read_files(&files, &|n| {
            progress.0.store(n, Ordering::Relaxed);
            if n % 64 == 0 {
                repaint.request_repaint();
            }
        });
        Done::Read { read, refused }
    })
}

/// Reads every article's source file in the background and reports those
/// whose text changed.
pub fn resync(
    ctx: &egui::Context,
    sources: Vec<(
        crate::model::ArticleId,
        std::path::PathBuf,
        crate::model::ContentHash,
    )>,
) -> Job {
    use rayon::prelude::*;
    spawn("Re-reading sources".to_owned(), ctx, move |progress| {
        progress.1.store(sources.len(), Ordering::Relaxed);
        let results: Vec<Option<Result<(crate::model::ArticleId, String), ()>>> = sources
            .par_iter()
            .map(|(id, path, hash)| {
                let r = match crate::io::article::read_article(path) {
                    Ok(r) if crate::model::ContentHash::of(&r.text) != *hash => {
                        Some(Ok((*id, r.text)))
                    }
                    Ok(_) => None,
                    Err(_) => Some(Err(())),
                };
                progress.0.fetch_add(1, Ordering::Relaxed);
                r
            })
            .collect();
        let missing = results
            .iter()
            .filter(|r| matches!(r, Some(Err(()))))
            .count();
        let changed = results
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .collect();
        Done::Resync { changed, missing }
    })
}

/// What a save job writes.
pub struct SaveJob {
    /// A snapshot of the project.
    pub project: Project,
    /// Where.
    pub path: PathBuf,
    /// How texts are stored.
    pub storage: TextStorage,
    /// The session state of the snapshot.
    pub state: u64,
    /// For a recovery file: the texts folder it shares with its project.
    pub recovery_texts: Option<String>,
    /// What was loaded from `path` (`None` to save as new).
    pub baseline: Option<Baseline>,
    /// Replace the file even if it changed on disk, has unknown fields or is
    /// read-only (the user confirmed).
    pub force: bool,
}

/// Saves a snapshot of the project in the background.
pub fn save(ctx: &egui::Context, job: SaveJob) -> Job {
    let recovery = job.recovery_texts.is_some();
    let label = if recovery {
        "Autosaving".to_owned()
    } else {
        format!("Saving {}", crate::io::paths::shown(&job.path))
    };
    spawn(label, ctx, move |_| {
        let opts = SaveOptions {
            texts: job.recovery_texts.as_deref(),
            baseline: job.baseline.as_ref(),
            force: job.force,
            recovery,
            lock_wait: std::time::Duration::from_secs(10),
            ..SaveOptions::new(job.storage)
        };
        let result = project_file::save_with(&job.project, &job.path, &opts);
        Done::Saved {
            path: job.path,
            state: job.state,
            recovery,
            result,
        }
    })
}
