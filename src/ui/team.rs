//! Team work in the window: merging another analyst's project (a background
//! job, applied as one undoable step), the list of conflicts merges
//! resolved, adjudication, and stepping through disagreements. The rules are
//! `model::merge` and `model::compare`; this wires them to the window.

use std::path::PathBuf;

use super::app::GlossApp;
use super::jobs;
use super::modals::Continuation;
use crate::model::compare::{self, Decision, Disagreement};
use crate::model::merge::Merged;
use crate::model::{Action, Project, plural};

impl GlossApp {
    /// Reads and merges the project at `path` into this one in the background
    /// (File ▸ Merge another project…).
    pub fn merge_from(&mut self, ctx: &egui::Context, path: PathBuf) {
        if self.path.as_deref() == Some(path.as_path()) {
            self.toast(
                "That is this project's own file; pick another analyst's copy",
                true,
            );
            return;
        }
        let snapshot = self.project().clone();
        let state = self.session.state_id();
        self.jobs
            .push(jobs::merge(ctx, path, snapshot, state, None));
    }

    /// Takes in a finished merge: applies it as one step if the project did
    /// not change meanwhile, else merges again with the new state.
    pub(super) fn finish_merge(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        state: u64,
        theirs: Option<Box<Project>>,
        result: Result<Box<Merged>, String>,
    ) {
        let merged = match result {
            Ok(m) => m,
            Err(e) => {
                self.toast(
                    format!(
                        "Nothing was merged from {}: {e}",
                        crate::io::paths::shown(&path)
                    ),
                    true,
                );
                return;
            }
        };
        if state != self.session.state_id() {
            // Edited while merging: merge again into what is there now.
            let snapshot = self.project().clone();
            let now = self.session.state_id();
            self.jobs
                .push(jobs::merge(ctx, path, snapshot, now, theirs));
            return;
        }
        let s = &merged.summary;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let message = format!(
            "Merged {name}: {} and {} added, {} already here{}",
            plural(s.passages_added, "passage"),
            plural(s.articles_added, "article"),
            s.duplicates,
            if merged.conflicts.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} (see File › Merge conflicts…)",
                    plural(merged.conflicts.len(), "conflict")
                )
            }
        );
        let conflicts = !merged.conflicts.is_empty();
        if merged.changed {
            self.apply(Action::Replace {
                label: format!("merge {name}"),
                project: Box::new(merged.project),
            });
        }
        self.toast(message, false);
        if conflicts {
            self.dialog = Some(super::state::Dialog::Conflicts);
        }
    }

    /// Records an adjudicator's decision in the gold layer.
    pub(super) fn adjudicate(&mut self, d: &Disagreement, decision: Decision) {
        let stamp = self.settings.stamp();
        match compare::adjudicate(self.project(), d, decision, &stamp) {
            Some(step) => self.apply(step),
            None => self.toast("The reviewed (gold) layer already has that passage", false),
        }
    }

    /// Moves to the next (or previous) disagreement of the analysts the
    /// Team tab compares, selecting it in the reader.
    pub(super) fn step_disagreement(&mut self, forward: bool) {
        if self.explore.team.pair.is_none() {
            self.explore.open = true;
            self.explore.tab = super::explore::Tab::Team;
            self.toast("Pick two analysts to compare in the Team tab first", false);
            return;
        }
        let at = self
            .reader
            .selected_span()
            .map_or(0, crate::model::Span::start);
        let hit = self
            .explore
            .team
            .step(self.project(), self.current, at, forward);
        match hit {
            Some((article, span)) => self.reveal(article, span, None),
            None => self.toast("No more disagreements that way", false),
        }
    }

    /// The conflicts dialog: returns (close, what to do after).
    pub(super) fn conflicts_dialog(&self, ui: &mut egui::Ui) -> (bool, Option<Continuation>) {
        let conflicts = self.project().conflicts();
        ui.heading(format!(
            "{} from merges",
            plural(conflicts.len(), "conflict")
        ));
        ui.label(
            "Both sides changed these differently. Gloss kept our version (both, for notes) \
             and wrote theirs down here, so nothing is lost. Show one to check it in the reader.",
        );
        let mut close = false;
        let mut then: Option<Continuation> = None;
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                for (i, c) in conflicts.iter().enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(c.to_string());
                        let target = c
                            .passage
                            .and_then(|p| self.project().annotation(p))
                            .map(|a| (a.article, Some(a.span), Some(a.id)))
                            .or_else(|| c.article.map(|a| (a, None, None)));
                        if let Some((article, span, id)) = target
                            && ui.push_id(i, |ui| ui.small_button("Show")).inner.clicked()
                        {
                            close = true;
                            then = Some(Box::new(move |app: &mut GlossApp, _| match span {
                                Some(s) => app.reveal(article, s, id),
                                None => app.open_article(article),
                            }));
                        }
                    });
                }
            });
        ui.horizontal(|ui| {
            if ui
                .button("Dismiss all")
                .on_hover_text("Clear the list (undoable); the project keeps what the merge kept")
                .clicked()
            {
                close = true;
                then = Some(Box::new(|app: &mut GlossApp, _| {
                    app.apply(Action::SetConflicts(Vec::new()));
                }));
            }
            if ui.button("Close").clicked() {
                close = true;
            }
        });
        (close, then)
    }
}
