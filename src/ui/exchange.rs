//! Imports, exports and re-syncs in the window, and what happens when a
//! background job finishes. Every file operation runs as a job, through the
//! same library functions the command line uses.

use std::path::PathBuf;

use super::app::GlossApp;
use super::jobs::{self, Done};
use super::state::{After, Dialog};
use crate::exchange::format::Format;
use crate::exchange::import::{self, Imported, Severity};
use crate::io::paths::shown;
use crate::io::project_file::SaveError;
use crate::model::plural;

impl GlossApp {
    /// The files an export must never overwrite.
    pub(super) fn protected(&self) -> crate::io::protect::Protected {
        match &self.path {
            Some(p) => crate::io::project_file::protected(self.project(), p),
            None => crate::io::protect::Protected::default(),
        }
    }

    /// Imports `paths` (articles, folders, REFI-QDA files, brat folders) in
    /// the background; the result is one undoable step.
    pub(super) fn import(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        let snapshot = self.project().clone();
        self.jobs.push(jobs::import(ctx, snapshot, paths));
    }

    /// Writes an export to `out` in the background.
    pub(super) fn export_to(
        &mut self,
        ctx: &egui::Context,
        format: Format,
        out: PathBuf,
        layer: Option<String>,
    ) {
        let job = jobs::ExportJob {
            project: self.project().clone(),
            layer,
            format,
            context: crate::exchange::format::Context {
                name: self.project_name(),
                project_path: self.path.clone(),
                texts_in_folder: self.storage == crate::io::project_file::TextStorage::Folder,
                analyst: self
                    .settings
                    .stamp()
                    .by
                    .as_deref()
                    .unwrap_or_default()
                    .to_owned(),
            },
            out,
            protected: self.protected(),
        };
        self.jobs.push(jobs::export(ctx, job));
    }

    /// Asks where, then builds bytes with `make` and writes them in the
    /// background.
    pub(super) fn export_bytes(
        &mut self,
        ctx: &egui::Context,
        title: &str,
        filter: (&str, &[&str]),
        name: &str,
        make: impl FnOnce() -> Result<Vec<u8>, String> + Send + 'static,
    ) {
        let ask =
            super::dialogs::Ask::new(super::dialogs::Kind::Save, title, self.near().as_deref())
                .filter(filter.0, filter.1)
                .named(name);
        self.ask(ctx, ask, super::dialogs::Then::WriteBytes(Box::new(make)));
    }

    /// Re-reads the sources in the background.
    pub(super) fn resync(&mut self, ctx: &egui::Context) {
        let snapshot = self.project().clone();
        self.jobs.push(jobs::resync(ctx, snapshot));
    }

    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        if dropped.len() == 1 && dropped[0].extension().is_some_and(|e| e == "ron") {
            self.guard(After::Open(Some(dropped[0].clone())), ctx);
        } else {
            self.import(ctx, dropped);
        }
    }

    /// Takes in what finished jobs hand back. Nothing polls for them: a
    /// job that ends wakes the window (`jobs::spawn`).
    pub(super) fn poll_jobs(&mut self, ctx: &egui::Context) {
        let mut finished = Vec::new();
        self.jobs.retain(|j| match j.poll() {
            Some(done) => {
                finished.push(done);
                false
            }
            None => true,
        });
        for done in finished {
            match done {
                Done::RecoveryFound { path, recovery } => {
                    self.dialog = Some(Dialog::Restore {
                        project: path,
                        recovery,
                    });
                }
                Done::OpenElsewhere { path, holder } => {
                    self.dialog = Some(Dialog::OpenElsewhere { path, holder });
                }
                Done::Opened {
                    path,
                    result,
                    presence,
                    restored_from,
                } => self.finish_open(&path, result, presence, restored_from.as_deref()),
                Done::Imported(imported) => self.finish_import(*imported),
                Done::Resynced {
                    action,
                    summary,
                    missing,
                    cancelled,
                } => {
                    if cancelled {
                        self.toast("Re-sync cancelled; nothing was changed".to_owned(), false);
                        continue;
                    }
                    if let Some(action) = action {
                        self.apply(action);
                    }
                    self.toast(
                        format!(
                            "{} re-synced, {} orphaned, {} missing",
                            plural(summary.articles, "article"),
                            plural(summary.orphaned, "passage"),
                            plural(missing, "source")
                        ),
                        summary.orphaned > 0,
                    );
                }
                Done::Saved {
                    path,
                    state,
                    recovery,
                    result,
                    presence,
                } => self.finish_save(ctx, path, (state, recovery), result, presence),
                Done::Exported {
                    out,
                    message,
                    cautions,
                    result,
                } => match result {
                    Ok(()) => {
                        self.toast(message, false);
                        for c in cautions {
                            tracing::warn!("{c}");
                            self.toasts
                                .push_for(c, false, std::time::Duration::from_secs(20));
                        }
                    }
                    Err(e) => {
                        self.show_error(format!("Nothing was exported to {}: {e}", shown(&out)));
                    }
                },
                Done::Fonts(db) => ctx.add_font_provider(std::sync::Arc::new(
                    super::fonts::SystemFonts::new(*db, self.fonts_missing.clone()),
                )),
                Done::Merged {
                    path,
                    state,
                    theirs,
                    result,
                } => self.finish_merge(ctx, path, state, theirs, result),
            }
        }
    }

    /// Applies what an import job prepared and says what happened.
    fn finish_import(&mut self, mut imported: Imported) {
        let before = self.project().articles().len();
        let first_new = imported.articles.imported.first().copied();
        if let Err(e) = self.session.apply(imported.take_action()) {
            self.toast(
                format!("The project changed while importing, so nothing was imported ({e}); import again"),
                true,
            );
            return;
        }
        self.mark_changed();
        self.after_history();
        let new_articles = self.project().articles().len().saturating_sub(before);
        if self.current.is_none() {
            self.current = first_new.or_else(|| self.project().articles().next().map(|a| a.id));
        }
        let summary = format!(
            "{}Imported {}{}",
            if imported.articles.not_read > 0 {
                "Import cancelled. "
            } else {
                ""
            },
            plural(new_articles, "article"),
            if imported.exchange.is_empty() {
                String::new()
            } else {
                format!(
                    " and {}",
                    plural(imported.exchange.len(), "file from another tool")
                )
            }
        );
        if imported.is_clean() && imported.exchange.is_empty() {
            self.toast(summary, false);
        } else {
            self.dialog = Some(Dialog::ImportReport {
                summary,
                lines: import::report_lines(&imported),
            });
        }
    }

    /// Records a finished save, or asks what to do when it was refused.
    fn finish_save(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        (state, recovery): (u64, bool),
        result: Result<crate::io::project_file::Baseline, SaveError>,
        presence: Option<crate::io::lock::Presence>,
    ) {
        match result {
            Ok(_) if recovery => {}
            Ok(baseline) => {
                self.session.mark_saved_at(state);
                self.baseline = Some(baseline);
                if self.path.as_ref() != Some(&path) {
                    self.remove_recovery();
                    self.path = Some(path.clone());
                    self.presence = presence;
                }
                self.remove_recovery();
                self.settings.remember(&path);
                self.toast(format!("Saved {}", shown(&path)), false);
                if let Some(after) = self.after_save.take() {
                    self.proceed(ctx, after);
                }
            }
            Err(e) if recovery => self.toast(format!("Autosave failed: {e}"), true),
            Err(e) => {
                self.after_save = None;
                let changed = matches!(e, SaveError::ChangedOnDisk(_));
                let guarded = changed
                    || matches!(
                        e,
                        SaveError::UnknownFields { .. }
                            | SaveError::Write(crate::io::atomic::WriteError::ReadOnly(_))
                    );
                self.dialog = Some(if guarded {
                    Dialog::SaveConflict {
                        path,
                        message: e.to_string(),
                        changed,
                    }
                } else {
                    tracing::error!("save of {} failed: {e}", shown(&path));
                    Dialog::Error(format!(
                        "{e}\n\nYour work is still open; try Save As to another folder."
                    ))
                });
            }
        }
    }
}

/// How an import report line looks in the window.
#[must_use]
pub(super) fn line_colour(ui: &egui::Ui, severity: Severity) -> egui::Color32 {
    match severity {
        Severity::Refused => ui.visuals().error_fg_color,
        Severity::Warning | Severity::NotKept => ui.visuals().warn_fg_color,
        Severity::Info | Severity::Duplicate => ui.visuals().text_color(),
    }
}
