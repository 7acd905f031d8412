//! What panels ask the app to do. Panels never change the project or the
//! app themselves: they push [`Msg`]s, which the app handles in one place
//! after the frame is drawn (see `handle.rs`).

use std::collections::HashSet;
use std::path::PathBuf;

use super::commands::Command;
use crate::model::{Action, AnnotationId, ArticleId, ReviewStatus, Span, TagId};

/// What panels ask the app to do.
#[derive(Debug, Clone)]
pub enum Msg {
    /// Run a command.
    Command(Command),
    /// Apply a model action as one undo step.
    Apply(Action),
    /// Open an article in the reading view.
    OpenArticle(ArticleId),
    /// Tag the selection (or toggle on the selected passage).
    ApplyTag(TagId),
    /// Add or remove a tag on a passage.
    ToggleTag(AnnotationId, TagId),
    /// Create a tag (path); with `true`, also apply it to the selection.
    CreateTag(String, bool),
    /// Ask before deleting a tag.
    AskDeleteTag(TagId),
    /// Merge the first tag into the second.
    MergeTag(TagId, TagId),
    /// Filter the list by a tag.
    FilterByTag(TagId),
    /// Move a passage's start and end by these many chars.
    Nudge(AnnotationId, isize, isize),
    /// End the current run of merged typing edits.
    Seal,
    /// Open a project from the recent list.
    OpenRecent(PathBuf),
    /// Open (a copy of) the example project.
    OpenExample,
    /// Set the open article's status.
    SetStatus(ReviewStatus),
    /// Open an article and select this span.
    Reveal(ArticleId, Span),
    /// Open a passage's article and pick the passage.
    RevealPassage(AnnotationId),
    /// Tag these matches (per article) with a tag, as one step.
    TagMatches(TagId, Vec<(ArticleId, Vec<Span>)>),
    /// Restrict the article list to a set (or show all again).
    ListOnly(Option<(String, HashSet<ArticleId>)>),
    /// Export passages (CSV, or Markdown when true).
    ExportPassages(Vec<AnnotationId>, bool),
    /// Export a statistics table (weekly timeline when true).
    ExportStats(crate::exchange::tables::StatsTable, bool),
    /// Record an adjudicator's decision in the gold layer.
    Adjudicate(
        crate::model::compare::Disagreement,
        crate::model::compare::Decision,
    ),
    /// Export one layer's passages (an analyst's, or gold) in a format.
    ExportLayer(crate::exchange::format::Format, String),
}
