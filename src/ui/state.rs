//! The window's state types that the app holds and the panels fill in:
//! the find bar, the modal dialog being asked, and what waits for unsaved
//! changes to be dealt with. (Drawing them lives in `find.rs` and
//! `modals.rs`.)

use std::path::PathBuf;

use crate::exchange::import::Severity;
use crate::model::ops::DeleteTagImpact;
use crate::model::{ArticleId, ContentHash, TagId};

/// The find bar over the reading view.
#[derive(Default)]
pub struct FindBar {
    /// Shown.
    pub open: bool,
    /// What to find.
    pub query: crate::model::search::Query,
    /// Move focus to the field.
    pub focus: bool,
    pub error: Option<String>,
    /// What the matches were found for: article, its text, the query.
    pub key: Option<(ArticleId, ContentHash, crate::model::search::Query)>,
}

/// What the user is asked, in a modal dialog.
pub enum Dialog {
    /// Unsaved changes before `then`.
    Unsaved(After),
    /// Confirm deleting a tag in use.
    DeleteTag {
        tag: TagId,
        impact: DeleteTagImpact,
        choice: DeleteChoice,
    },
    /// What an import did: a summary, then one line per file of note.
    ImportReport {
        summary: String,
        lines: Vec<(Severity, String)>,
    },
    /// A newer recovery file exists for the project being opened.
    Restore { project: PathBuf, recovery: PathBuf },
    /// Autosaved work of a project that was never saved exists.
    RestoreUntitled(PathBuf),
    /// A save was refused to protect the file on disk.
    SaveConflict {
        /// The project file.
        path: PathBuf,
        /// Why, in words.
        message: String,
        /// True when the file changed on disk (then Reload is offered).
        changed: bool,
    },
    /// Another window has the project open.
    OpenElsewhere { path: PathBuf, holder: String },
    /// The analyst's name, being edited.
    AnalystName(String),
    /// Text pasted as a new article, and its title.
    NewArticle { title: String, text: String },
    /// Something went wrong.
    Error(String),
    /// The conflicts merges resolved (the project's list).
    Conflicts,
}

/// What happens to the passages a deleted tag leaves without any tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteChoice {
    /// They get this tag instead (none chosen yet: the dialog waits).
    Retag(Option<TagId>),
    /// They are deleted.
    DeletePassages,
}

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum After {
    Quit,
    New,
    Open(Option<PathBuf>),
}
