//! Undo and redo. A [`Session`] owns the project and applies every action
//! through one method, recording the inverse.

use std::sync::atomic::{AtomicU64, Ordering};

use super::action::{Action, MergeKey};
use super::changes::Generations;
use super::error::ModelError;
use super::project::Project;

/// Steps kept in the undo history.
const MAX_STEPS: usize = 1000;

#[derive(Clone, Debug)]
struct Step {
    label: String,
    inverse: Action,
    merge: Option<MergeKey>,
    /// The state id before (for undo entries) or after (for redo entries) the step.
    state: u64,
}

/// State ids are unique across all sessions of a process, so a cache keyed by
/// one never mistakes a newly opened project for the old one.
static NEXT_STATE: AtomicU64 = AtomicU64::new(1);

fn fresh_state() -> u64 {
    NEXT_STATE.fetch_add(1, Ordering::Relaxed)
}

/// A project with its undo history and a record of what is unsaved.
#[derive(Clone, Debug)]
pub struct Session {
    project: Project,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Whether the next mergeable edit may merge into the last step.
    merge_open: bool,
    /// Identifies the project's current content; changes on every step.
    state: u64,
    saved_state: u64,
    generations: Generations,
}

impl Default for Session {
    fn default() -> Self {
        Self::new(Project::default())
    }
}

impl Session {
    /// Starts a session on a project, which counts as saved.
    #[must_use]
    pub fn new(project: Project) -> Self {
        let state = fresh_state();
        Self {
            project,
            undo: Vec::new(),
            redo: Vec::new(),
            merge_open: false,
            state,
            saved_state: state,
            generations: Generations::fresh(state),
        }
    }

    /// The project.
    #[must_use]
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Applies an action as one undo step. Consecutive edits of the same note
    /// or title merge into one step until [`Session::seal`] is called.
    ///
    /// # Errors
    /// The model's refusal; nothing changes then.
    pub fn apply(&mut self, action: Action) -> Result<(), ModelError> {
        if action.is_noop() {
            return Ok(());
        }
        let label = action.label();
        let merge = action.merge_key();
        let changes = action.changes(&self.project);
        let inverse = self.project.apply(action)?;
        self.redo.clear();
        let mergeable = self.merge_open
            && merge.is_some()
            && self.state != self.saved_state
            && self.undo.last().is_some_and(|s| s.merge == merge);
        let next = fresh_state();
        if !mergeable {
            self.undo.push(Step {
                label,
                inverse,
                merge,
                state: self.state,
            });
            if self.undo.len() > MAX_STEPS {
                self.undo.remove(0);
            }
        }
        self.state = next;
        self.generations.record(&changes, next);
        self.merge_open = merge.is_some();
        Ok(())
    }

    /// Ends the current run of merging edits (e.g. when a note loses focus).
    pub fn seal(&mut self) {
        self.merge_open = false;
    }

    /// Undoes the last step; returns its label, or `None` if there is nothing to undo.
    pub fn undo(&mut self) -> Option<String> {
        let step = self.undo.pop()?;
        self.merge_open = false;
        let changes = step.inverse.changes(&self.project);
        match self.project.apply(step.inverse) {
            Ok(redo) => {
                self.redo.push(Step {
                    label: step.label.clone(),
                    inverse: redo,
                    merge: step.merge,
                    state: self.state,
                });
                self.state = step.state;
                self.generations.record(&changes, fresh_state());
                Some(step.label)
            }
            // An inverse always applies to the state it was made in; if it
            // did not, the history is dropped rather than left inconsistent.
            Err(_) => {
                self.undo.clear();
                self.redo.clear();
                None
            }
        }
    }

    /// Redoes the last undone step; returns its label.
    pub fn redo(&mut self) -> Option<String> {
        let step = self.redo.pop()?;
        self.merge_open = false;
        let changes = step.inverse.changes(&self.project);
        match self.project.apply(step.inverse) {
            Ok(undo) => {
                self.undo.push(Step {
                    label: step.label.clone(),
                    inverse: undo,
                    merge: step.merge,
                    state: self.state,
                });
                self.state = step.state;
                self.generations.record(&changes, fresh_state());
                Some(step.label)
            }
            Err(_) => {
                self.undo.clear();
                self.redo.clear();
                None
            }
        }
    }

    /// The label of the step [`Session::undo`] would undo.
    #[must_use]
    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    /// The label of the step [`Session::redo`] would redo.
    #[must_use]
    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// True when the project differs from what was last saved.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.state != self.saved_state
    }

    /// Records that the current state was saved.
    pub fn mark_saved(&mut self) {
        self.saved_state = self.state;
        self.merge_open = false;
    }

    /// Records that the state `state` (from [`Session::state_id`]) was saved,
    /// for saves that ran in the background while editing went on.
    pub fn mark_saved_at(&mut self, state: u64) {
        self.saved_state = state;
        if state == self.state {
            self.merge_open = false;
        }
    }

    /// Records that the current state is not saved anywhere (e.g. work
    /// restored from an autosave), so closing asks first.
    pub fn mark_unsaved(&mut self) {
        self.saved_state = fresh_state();
    }

    /// What changed when, per aspect of the project: caches key on the
    /// aspects they show (see [`Generations`]).
    #[must_use]
    pub fn generations(&self) -> &Generations {
        &self.generations
    }

    /// An id of the current content, which changes with every step (for
    /// caches that depend on the project).
    #[must_use]
    pub fn state_id(&self) -> u64 {
        self.state
    }
}
