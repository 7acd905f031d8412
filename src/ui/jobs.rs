//! Work that runs off the UI thread: opening, importing, re-syncing, saving,
//! exporting and loading fonts. Each job reports back through a channel,
//! shows its progress in the status bar, can be cancelled where that makes
//! sense, and wakes the UI when it is done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use crate::exchange::format::{ExportError, Format};
use crate::exchange::import::{self, Imported};
use crate::io::lock::{Claim, Presence};
use crate::io::project_file::{
    self, Baseline, Listed, LoadError, Loaded, SaveError, SaveOptions, TextStorage,
};
use crate::io::protect::Protected;
use crate::model::ops::ResyncSummary;
use crate::model::{Action, ArticleId, ContentHash, Project};

/// What a finished job hands back.
pub enum Done {
    /// A project was opened (or work restored from its recovery file).
    Opened {
        /// The project file.
        path: PathBuf,
        /// The result.
        result: Result<Box<Loaded>, LoadError>,
        /// This window's claim on the project, when it could be made.
        presence: Option<Presence>,
        /// The recovery file the work was restored from, if it was.
        restored_from: Option<PathBuf>,
    },
    /// The project has autosaved work newer than its file; nothing was
    /// loaded (the user chooses: restore or discard).
    RecoveryFound {
        /// The project file.
        path: PathBuf,
        /// Its recovery file.
        recovery: PathBuf,
    },
    /// Another window has the project open; nothing was loaded.
    OpenElsewhere {
        /// The file.
        path: PathBuf,
        /// Who has it open.
        holder: String,
    },
    /// Files were imported into a snapshot; the action adds them.
    Imported(Box<Imported>),
    /// Sources were re-read and passages re-anchored in a snapshot.
    Resynced {
        /// The step that takes the new texts in (`None` when nothing changed).
        action: Option<Action>,
        /// What it does.
        summary: ResyncSummary,
        /// Sources that could not be read.
        missing: usize,
        /// The user stopped it: nothing is taken in.
        cancelled: bool,
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
        /// This window's claim on the file saved (for a project file).
        presence: Option<Presence>,
    },
    /// An export finished.
    Exported {
        /// Where to.
        out: PathBuf,
        /// The message to show when it worked.
        message: String,
        /// What a peer will make differently of the file (shown longer).
        cautions: Vec<String>,
        /// The outcome.
        result: Result<(), ExportError>,
    },
    /// The system's fonts were listed.
    Fonts(Box<fontdb::Database>),
    /// Another project was read and merged into a snapshot of this one.
    Merged {
        /// The other project's file.
        path: PathBuf,
        /// The session state the snapshot was taken at.
        state: u64,
        /// The other project (kept to merge again if this one changed).
        theirs: Option<Box<Project>>,
        /// The result, or why there is none.
        result: Result<Box<crate::model::merge::Merged>, String>,
    },
}

/// A running job.
pub struct Job {
    /// What it is doing, for the status bar.
    pub label: String,
    /// Items done so far and in total (0 total when unknown).
    pub progress: Arc<(AtomicUsize, AtomicUsize)>,
    /// Set to ask the job to stop early (`None` for jobs that cannot stop).
    pub cancel: Option<Arc<AtomicBool>>,
    /// An opening project's articles, listed as soon as they are read
    /// (`None` for other jobs).
    pub listing: Option<Arc<OnceLock<Vec<Listed>>>>,
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

    /// Asks the job to stop as soon as it can.
    pub fn cancel(&self) {
        if let Some(c) = &self.cancel {
            c.store(true, Ordering::Relaxed);
        }
    }

    /// Whether it was asked to stop.
    #[must_use]
    pub fn cancelling(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Shows its progress (a bar at least `width` wide, or a turning
    /// indicator when how much is left is unknown) and, for a job that can
    /// stop early, a button that stops it.
    pub fn show(&self, ui: &mut egui::Ui, width: f32) {
        let (done, total) = self.progress();
        if total > 0 {
            crate::ui::busy::progress(
                ui,
                done,
                total,
                width,
                format!("{} {done}/{total}", self.label),
            );
        } else {
            crate::ui::busy::spinner(ui);
            ui.label(&self.label);
        }
        if self.cancel.is_some() {
            if self.cancelling() {
                ui.label(egui::RichText::new("stopping…").weak());
            } else if ui
                .small_button("Cancel")
                .on_hover_text(
                    "Stop as soon as it can: an import keeps the files read so far, a re-sync changes nothing",
                )
                .clicked()
            {
                self.cancel();
            }
        }
    }
}

type Progress = (AtomicUsize, AtomicUsize);

fn spawn(
    label: String,
    ctx: &egui::Context,
    cancellable: bool,
    work: impl FnOnce(&Progress, &AtomicBool) -> Done + Send + 'static,
) -> Job {
    let (tx, rx) = channel();
    let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let cancel = Arc::new(AtomicBool::new(false));
    let (p, c) = (progress.clone(), cancel.clone());
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let done = work(&p, &c);
        // The app may be gone (window closed); nothing to tell then.
        let _ = tx.send(done);
        ctx.request_repaint();
    });
    Job {
        label,
        progress,
        cancel: cancellable.then_some(cancel),
        listing: None,
        rx,
    }
}

/// How to open a project.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenOptions {
    /// Open it even if another window has it open (the user said so).
    pub even_if_open_elsewhere: bool,
    /// Remove its recovery file first (the user discarded the autosave).
    pub discard_recovery: bool,
}

/// Opens a project file in the background. A project another window has
/// open is not loaded ([`Done::OpenElsewhere`]), nor one with autosaved
/// work newer than its file ([`Done::RecoveryFound`]), unless `opts` say
/// otherwise.
pub fn open(ctx: &egui::Context, path: PathBuf, opts: OpenOptions) -> Job {
    let label = format!("Opening {}", crate::io::paths::shown(&path));
    let listing = Arc::new(OnceLock::new());
    let (list, repaint) = (listing.clone(), ctx.clone());
    let mut job = spawn(label, ctx, false, move |progress, _| {
        let recovery = project_file::recovery_path(&path);
        if opts.discard_recovery {
            remove_now(&recovery);
        } else if newer(&recovery, &path) {
            return Done::RecoveryFound { path, recovery };
        }
        let presence = match Presence::claim(&path) {
            Claim::Mine(p) => Some(p),
            Claim::Elsewhere(holder) if !opts.even_if_open_elsewhere => {
                return Done::OpenElsewhere { path, holder };
            }
            Claim::Elsewhere(_) | Claim::Unavailable(_) => None,
        };
        // The list shows the articles while their texts and passages load.
        let result = project_file::load_listing(
            &path,
            |articles| {
                tracing::info!(
                    "listed the {} articles of {}",
                    articles.len(),
                    path.display()
                );
                let _ = list.set(articles);
                repaint.request_repaint();
            },
            // Threads may report out of turn: the most read is kept. The
            // window shows it at its own pace (see `ui::busy`).
            &|read, total| {
                progress.1.store(total, Ordering::Relaxed);
                progress.0.fetch_max(read, Ordering::Relaxed);
            },
        );
        Done::Opened {
            result: result.map(Box::new),
            path,
            presence,
            restored_from: None,
        }
    });
    job.listing = Some(listing);
    job
}

/// Opens the example project: a copy of the bundled one in Gloss's data
/// folder (made once; the user's changes to it are kept), so the bundled
/// file is never changed. If no copy can be made, the bundled one opens.
pub fn open_example(ctx: &egui::Context, bundled: PathBuf, copy: PathBuf) -> Job {
    spawn(
        "Opening the example project".to_owned(),
        ctx,
        false,
        move |_, _| {
            let made = if copy.exists() {
                Ok(())
            } else {
                crate::io::load(&bundled)
                    .map_err(|e| e.to_string())
                    .and_then(|l| {
                        if let Some(dir) = copy.parent() {
                            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                        }
                        crate::io::save(&l.project, &copy, project_file::TextStorage::Folder)
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
            };
            let (path, warning) = match made {
                Ok(()) => (copy, None),
                Err(e) => (
                    bundled,
                    Some(format!(
                        "Could not make your own copy of the example in {} ({e}); this is the bundled one",
                        crate::io::paths::shown(&copy)
                    )),
                ),
            };
            let presence = match Presence::claim(&path) {
                Claim::Mine(p) => Some(p),
                Claim::Elsewhere(_) | Claim::Unavailable(_) => None,
            };
            let result = project_file::load(&path).map(|mut l| {
                l.warnings.extend(warning);
                Box::new(l)
            });
            Done::Opened {
                result,
                path,
                presence,
                restored_from: None,
            }
        },
    )
}

/// True when `a` exists and changed after `b`.
fn newer(a: &std::path::Path, b: &std::path::Path) -> bool {
    let m = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((m(a), m(b)), (Some(x), Some(y)) if x > y)
}

/// Removes a file Gloss made (a recovery file), logging a failure other than
/// its being gone already.
fn remove_now(path: &std::path::Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!("cannot remove {}: {e}", crate::io::paths::shown(path)),
    }
}

/// Removes a file Gloss made (a recovery file) on a background thread.
pub fn remove_quietly(path: PathBuf) {
    std::thread::spawn(move || remove_now(&path));
}

/// Restores the work autosaved in `recovery` for the project at `project`
/// (`None` for a project never saved): it is loaded, and saving it goes over
/// the project file as it is on disk now.
pub fn restore(ctx: &egui::Context, project: Option<PathBuf>, recovery: PathBuf) -> Job {
    spawn(
        "Restoring autosaved work".to_owned(),
        ctx,
        false,
        move |_, _| {
            let presence = match project.as_deref().map(Presence::claim) {
                Some(Claim::Mine(p)) => Some(p),
                _ => None,
            };
            let result = project_file::load(&recovery).map(|mut loaded| {
                loaded.baseline = Baseline {
                    stamp: project
                        .as_deref()
                        .and_then(|p| project_file::stamp_of(p).ok()),
                    ..Baseline::default()
                };
                Box::new(loaded)
            });
            Done::Opened {
                path: project.unwrap_or_default(),
                result,
                presence,
                restored_from: Some(recovery),
            }
        },
    )
}

/// Imports files, folders and exchange files into a snapshot of the project
/// in the background (one undoable step when applied).
pub fn import(ctx: &egui::Context, snapshot: Project, paths: Vec<PathBuf>) -> Job {
    spawn(
        "Importing".to_owned(),
        ctx,
        true,
        move |progress, cancel| {
            let opts = import::Options::default();
            let imported =
                import::import_cancellable(&snapshot, &paths, &opts, cancel, &|n, total| {
                    progress.1.store(total, Ordering::Relaxed);
                    progress.0.store(n, Ordering::Relaxed);
                });
            Done::Imported(Box::new(imported))
        },
    )
}

/// Re-reads every article's source in the background and re-anchors the
/// passages of those whose text changed, in a snapshot.
pub fn resync(ctx: &egui::Context, snapshot: Project) -> Job {
    use rayon::prelude::*;
    spawn(
        "Re-reading sources".to_owned(),
        ctx,
        true,
        move |progress, cancel| {
            let sources: Vec<(ArticleId, PathBuf, ContentHash)> = snapshot
                .articles()
                .filter(|a| snapshot.unavailable(a.id).is_none())
                .filter_map(|a| {
                    let own = crate::io::article::own_file(&a.source)?;
                    Some((a.id, own.to_path_buf(), a.hash.clone()))
                })
                .collect();
            progress.1.store(sources.len(), Ordering::Relaxed);
            let results: Vec<Option<Result<(ArticleId, String), ()>>> = sources
                .par_iter()
                .map(|(id, path, hash)| {
                    if cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                    let r = match crate::io::article::read_article(path) {
                        Ok(r) if ContentHash::of(&r.text) != *hash => Some(Ok((*id, r.text))),
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
            let changed: Vec<_> = results
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|(id, t)| (id, crate::model::Text::new(t)))
                .collect();
            let cancelled = cancel.load(Ordering::Relaxed);
            if changed.is_empty() || cancelled {
                return Done::Resynced {
                    action: None,
                    summary: ResyncSummary::default(),
                    missing,
                    cancelled,
                };
            }
            let (action, summary) = crate::model::ops::resync(&snapshot, changed);
            Done::Resynced {
                action: Some(action),
                summary,
                missing,
                cancelled: false,
            }
        },
    )
}

/// Reads the project at `path` (unless `theirs` is given) and merges it into
/// `snapshot`, taken at session state `state`.
pub fn merge(
    ctx: &egui::Context,
    path: PathBuf,
    snapshot: Project,
    state: u64,
    theirs: Option<Box<Project>>,
) -> Job {
    let label = format!("Merging {}", crate::io::paths::shown(&path));
    spawn(label, ctx, false, move |_, _| {
        let theirs = match theirs {
            Some(t) => t,
            None => match project_file::load(&path) {
                Ok(l) => Box::new(l.project),
                Err(e) => {
                    return Done::Merged {
                        path,
                        state,
                        theirs: None,
                        result: Err(e.to_string()),
                    };
                }
            },
        };
        let label = path
            .file_stem()
            .map_or_else(|| "theirs".to_owned(), |s| s.to_string_lossy().into_owned());
        let result = crate::model::merge::merge(crate::model::merge::Sides {
            base: None,
            ours: &snapshot,
            theirs: &theirs,
            theirs_label: &label,
        })
        .map(Box::new)
        .map_err(|p| {
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        });
        Done::Merged {
            path,
            state,
            theirs: Some(theirs),
            result,
        }
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
    spawn(label, ctx, false, move |_, _| {
        let opts = SaveOptions {
            texts: job.recovery_texts.as_deref(),
            baseline: job.baseline.as_ref(),
            force: job.force,
            recovery,
            lock_wait: std::time::Duration::from_secs(10),
            ..SaveOptions::new(job.storage)
        };
        let result = project_file::save_with(&job.project, &job.path, &opts);
        let presence = match (&result, recovery) {
            (Ok(_), false) => match Presence::claim(&job.path) {
                Claim::Mine(p) => Some(p),
                _ => None,
            },
            _ => None,
        };
        Done::Saved {
            path: job.path,
            state: job.state,
            recovery,
            result,
            presence,
        }
    })
}

/// What an export job writes.
pub struct ExportJob {
    /// A snapshot of the project.
    pub project: Project,
    /// Only this layer's passages (an analyst's, or gold).
    pub layer: Option<String>,
    /// The format.
    pub format: Format,
    /// The project's name, file, texts and analyst.
    pub context: crate::exchange::format::Context,
    /// Where.
    pub out: PathBuf,
    /// What may not be overwritten.
    pub protected: Protected,
}

/// Renders and writes an export in the background.
pub fn export(ctx: &egui::Context, job: ExportJob) -> Job {
    let label = format!("Exporting {}", job.format.label());
    spawn(label, ctx, false, move |_, _| {
        let mut job = job;
        if let Some(layer) = &job.layer {
            job.project = crate::model::compare::only_layer(&job.project, layer);
        }
        let result = job
            .format
            .write(&job.project, &job.context, &job.out, &job.protected);
        let message = match &result {
            Ok(n) => crate::exchange::format::done_message(job.format, &job.out, *n),
            Err(_) => String::new(),
        };
        Done::Exported {
            out: job.out,
            message,
            cautions: job.format.cautions(&job.project),
            result: result.map(|_| ()),
        }
    })
}

/// Builds bytes with `make` and writes them to `out` in the background
/// (tables and passage lists), refusing what `protected` lists.
pub fn write_bytes(
    ctx: &egui::Context,
    out: PathBuf,
    protected: Protected,
    make: impl FnOnce() -> Result<Vec<u8>, String> + Send + 'static,
) -> Job {
    spawn("Exporting".to_owned(), ctx, false, move |_, _| {
        let result = make().map_err(ExportError::Build).and_then(|bytes| {
            protected.check(&out)?;
            crate::io::atomic::write_with(&out, crate::io::atomic::WriteOptions::EXPORT, |w| {
                w.write_all(&bytes)
            })?;
            Ok(())
        });
        Done::Exported {
            message: format!("Exported {}", crate::io::paths::shown(&out)),
            out,
            cautions: Vec::new(),
            result,
        }
    })
}

/// Lists the system's fonts in the background (they are read when a
/// char needs one).
pub fn fonts(ctx: &egui::Context) -> Job {
    spawn("Loading fonts".to_owned(), ctx, false, |_, _| {
        Done::Fonts(Box::new(super::fonts::scan_system_fonts()))
    })
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    /// A job that runs until it is asked to stop, 3 of 10 done.
    fn waiting(ctx: &egui::Context, cancellable: bool) -> Job {
        spawn("Importing".into(), ctx, cancellable, |progress, cancel| {
            progress.1.store(10, Ordering::Relaxed);
            progress.0.store(3, Ordering::Relaxed);
            let started = Instant::now();
            while !cancel.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_millis(2));
            }
            Done::Resynced {
                action: None,
                summary: ResyncSummary::default(),
                missing: 0,
                cancelled: cancel.load(Ordering::Relaxed),
            }
        })
    }

    #[test]
    fn a_job_that_can_stop_early_has_a_cancel_button_that_stops_it() {
        let ctx = egui::Context::default();
        let mut h =
            Harness::new_ui_state(|ui, job: &mut Job| job.show(ui, 160.0), waiting(&ctx, true));
        h.step();
        assert!(h.query_by_label("Importing 3/10").is_some());
        h.get_by_label("Cancel").click();
        h.step();
        h.step();
        assert!(h.query_by_label("Cancel").is_none());
        assert!(h.query_by_label("stopping…").is_some());
        let started = Instant::now();
        let done = loop {
            if let Some(done) = h.state().poll() {
                break done;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "never stopped");
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(matches!(
            done,
            Done::Resynced {
                cancelled: true,
                ..
            }
        ));

        // A job that cannot stop early offers nothing to click.
        let job = waiting(&ctx, false);
        let mut h = Harness::new_ui_state(|ui, job: &mut Job| job.show(ui, 160.0), job);
        h.step();
        assert!(h.query_by_label("Cancel").is_none());
    }
}
