//! Opening, saving, autosaving and recovering projects. Every file operation
//! runs as a background job; a save never replaces a file that changed since
//! it was opened (see `io::project_file`); the recovery file is replaced
//! atomically, so there is always one complete copy of unsaved work.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::app::GlossApp;
use super::jobs;
use super::list::ListState;
use super::state::{After, Dialog};
use crate::io::lock::Presence;
use crate::io::paths::shown;
use crate::io::project_file::{LoadError, Loaded, TextStorage};
use crate::model::{Project, Session};

/// Seconds after a change before an autosave.
pub(super) const AUTOSAVE_AFTER: Duration = Duration::from_secs(30);

impl GlossApp {
    /// Where unsaved work is autosaved: beside the project, or in Gloss's
    /// data folder for a project never saved.
    pub(super) fn recovery_path(&self) -> Option<PathBuf> {
        match &self.path {
            Some(p) => Some(crate::io::project_file::recovery_path(p)),
            None => self.untitled_recovery.clone(),
        }
    }

    /// Opens a project in the background; if it has a newer recovery file,
    /// the job asks first (see [`jobs::open`]).
    pub(super) fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.jobs
            .push(jobs::open(ctx, path, jobs::OpenOptions::default()));
    }

    /// Takes in a project a job opened (or restored).
    pub(super) fn finish_open(
        &mut self,
        path: &std::path::Path,
        result: Result<Box<Loaded>, LoadError>,
        presence: Option<Presence>,
        restored_from: Option<&std::path::Path>,
    ) {
        match result {
            Ok(loaded) => {
                let untitled = path.as_os_str().is_empty();
                self.install(path.to_path_buf(), *loaded);
                self.presence = presence;
                if untitled {
                    self.path = None;
                }
                if restored_from.is_some() {
                    // The restored state is unsaved work until it is saved.
                    self.session.mark_unsaved();
                    self.mark_changed();
                    self.toast("Restored autosaved changes; save to keep them", false);
                } else {
                    self.toast(format!("Opened {}", shown(path)), false);
                }
            }
            Err(e) => {
                let what = if restored_from.is_some() {
                    "The autosave could not be read"
                } else {
                    "The project could not be opened"
                };
                self.show_error(format!(
                    "{what}: {e}\n\nThe file was not changed. Fix it or open another project."
                ));
            }
        }
    }

    pub(super) fn install(&mut self, path: PathBuf, loaded: Loaded) {
        self.remember_place();
        for w in &loaded.warnings {
            self.toasts
                .push_for(w.clone(), false, Duration::from_secs(8));
        }
        self.session = Session::new(loaded.project);
        self.storage = loaded.storage;
        self.baseline = Some(loaded.baseline);
        self.reader.reset();
        // Back where reading stopped, else the first article.
        let place = self.settings.place(&path).and_then(|place| {
            let id = self
                .project()
                .articles()
                .find(|a| a.id.to_string() == place.article)?
                .id;
            Some((id, place.top))
        });
        match place {
            Some((id, top)) => {
                self.current = Some(id);
                self.reader.scroll_to_top(top);
            }
            None => {
                let first = self.project().articles().next().map(|a| a.id);
                self.current = first;
            }
        }
        self.list = ListState::default();
        self.list.scroll_to_current = Some(super::list::Scroll::Jump);
        self.changed_at = None;
        self.autosaved_state = self.session.state_id();
        if !path.as_os_str().is_empty() {
            self.settings.remember(&path);
        }
        self.path = Some(path);
    }

    /// Records where reading stopped in the open project (kept in the
    /// settings, so reopening it returns there).
    pub fn remember_place(&mut self) {
        if let (Some(path), Some(id)) = (self.path.clone(), self.current) {
            let top = self.reader.top_char().unwrap_or(0);
            self.settings.set_place(&path, id.to_string(), top);
        }
    }

    pub(super) fn new_project(&mut self) {
        self.remember_place();
        self.session = Session::new(Project::new());
        self.path = None;
        self.storage = TextStorage::default();
        self.baseline = None;
        self.presence = None;
        self.reader.reset();
        self.current = None;
        self.list = ListState::default();
        self.changed_at = None;
    }

    /// Saves (asking where when the project was never saved, or `as_new`).
    pub(super) fn save(&mut self, ctx: &egui::Context, as_new: bool) {
        let path = match (&self.path, as_new) {
            (Some(p), false) => p.clone(),
            _ => {
                self.ask_save_project(ctx);
                return;
            }
        };
        self.save_to(ctx, path);
    }

    /// Saves to `path` in the background (a snapshot; editing goes on).
    /// Saving over the open project's own file checks that the file is
    /// still the version that was opened.
    pub fn save_to(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.save_to_with(ctx, path, false);
    }

    pub(super) fn save_to_with(&mut self, ctx: &egui::Context, path: PathBuf, force: bool) {
        let same_file = self.path.as_ref() == Some(&path);
        self.jobs.push(jobs::save(
            ctx,
            jobs::SaveJob {
                project: self.project().clone(),
                path,
                storage: self.storage,
                state: self.session.state_id(),
                recovery_texts: None,
                baseline: if same_file {
                    self.baseline.clone()
                } else {
                    None
                },
                force,
            },
        ));
    }

    /// Writes unsaved work to the recovery file in the background.
    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
        let state = self.session.state_id();
        if !self.session.is_dirty()
            || state == self.autosaved_state
            || self.jobs.iter().any(|j| j.label == "Autosaving")
        {
            return;
        }
        let Some(recovery) = self.recovery_path() else {
            return;
        };
        let (storage, texts) = match &self.path {
            Some(p) => (
                TextStorage::Folder,
                Some(crate::io::project_file::texts_folder_name(p)),
            ),
            None => (TextStorage::Inline, Some(String::new())),
        };
        // The new recovery file replaces the old one atomically: there is
        // always one complete recovery file.
        self.jobs.push(jobs::save(
            ctx,
            jobs::SaveJob {
                project: self.project().clone(),
                path: recovery,
                storage,
                state,
                recovery_texts: texts,
                baseline: None,
                force: false,
            },
        ));
        self.autosaved_state = state;
        self.changed_at = None;
    }

    pub(super) fn maybe_autosave(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| i.viewport().focused.unwrap_or(true));
        let lost_focus = self.was_focused && !focused;
        self.was_focused = focused;
        if !self.session.is_dirty() {
            self.changed_at = None;
            return;
        }
        match self.changed_at {
            Some(t) if t.elapsed() >= AUTOSAVE_AFTER || lost_focus => self.autosave(ctx),
            Some(t) => ctx.request_repaint_after(AUTOSAVE_AFTER.saturating_sub(t.elapsed())),
            None if lost_focus => self.autosave(ctx),
            None => {}
        }
    }

    /// Removes the recovery file (after a save, or when the user discards
    /// the work), in the background.
    pub(super) fn remove_recovery(&mut self) {
        if let Some(r) = self.recovery_path() {
            jobs::remove_quietly(r);
        }
    }

    pub(super) fn mark_changed(&mut self) {
        if self.changed_at.is_none() {
            self.changed_at = Some(Instant::now());
        }
    }

    /// Runs `after` once unsaved changes are saved or discarded.
    pub(super) fn guard(&mut self, after: After, ctx: &egui::Context) {
        if self.session.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(after));
        } else {
            self.proceed(ctx, after);
        }
    }

    pub(super) fn proceed(&mut self, ctx: &egui::Context, after: After) {
        match after {
            After::Quit => {
                self.may_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            After::New => self.new_project(),
            After::Open(Some(p)) => self.open_path(ctx, p),
            After::Open(None) => self.ask_open_project(ctx),
        }
    }

    pub(super) fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.may_close {
            if self.session.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.dialog = Some(Dialog::Unsaved(After::Quit));
            } else {
                self.may_close = true;
            }
        }
    }
}
