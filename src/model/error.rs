//! Errors of model changes.

use super::ids::{AnnotationId, ArticleId, TagId};
use super::span::Span;

/// Why a change to a project was refused. The project is unchanged when an
/// action fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// The article does not exist.
    #[error("{0} does not exist")]
    NoSuchArticle(ArticleId),
    /// The tag does not exist.
    #[error("{0} does not exist")]
    NoSuchTag(TagId),
    /// The annotation does not exist.
    #[error("{0} does not exist")]
    NoSuchAnnotation(AnnotationId),
    /// An article with this id already exists.
    #[error("{0} already exists")]
    ArticleExists(ArticleId),
    /// A tag with this id already exists.
    #[error("{0} already exists")]
    TagExists(TagId),
    /// An annotation with this id already exists.
    #[error("{0} already exists")]
    AnnotationExists(AnnotationId),
    /// An id was not handed out by the project's counters.
    #[error("id {0} was not allocated by this project")]
    UnallocatedId(u64),
    /// The same text is already in the project.
    #[error("the same text is already in the project as {0}")]
    DuplicateText(ArticleId),
    /// A span does not fit the article's text.
    #[error("span {span} lies outside the article's text ({len} chars)")]
    SpanOutOfRange {
        /// The span.
        span: Span,
        /// The text's length in chars.
        len: usize,
    },
    /// A passage must cover at least one char.
    #[error("an annotation must cover at least one character")]
    EmptySpan,
    /// An annotation must carry a tag.
    #[error("an annotation needs at least one tag")]
    NoTags,
    /// The tag is still on annotations.
    #[error("{tag} is still used by {}", crate::model::plural(*.count, "passage"))]
    TagInUse {
        /// The tag.
        tag: TagId,
        /// How many annotations carry it.
        count: usize,
    },
    /// The tag still has nested tags.
    #[error("{0} still has nested tags")]
    TagHasChildren(TagId),
    /// A bad tag name.
    #[error(
        "tag name {0:?} must be non-empty, without '/', surrounding spaces or control characters"
    )]
    BadTagName(String),
    /// Two sibling tags may not share a name.
    #[error("a tag named {0:?} already exists there")]
    DuplicateTagName(String),
    /// Shortcuts are unique.
    #[error("shortcut {key:?} already belongs to {tag}")]
    ShortcutTaken {
        /// The key.
        key: char,
        /// Its owner.
        tag: TagId,
    },
    /// A tag cannot be nested inside itself.
    #[error("{0} cannot be nested inside itself or its own children")]
    Cycle(TagId),
    /// The article still has annotations.
    #[error("{0} still has annotations")]
    ArticleHasAnnotations(ArticleId),
    /// Two different tags must be merged.
    #[error("a tag cannot be merged into itself")]
    MergeIntoSelf,
    /// The article's text could not be read when the project was opened;
    /// its passages are read-only until the text is restored.
    #[error(
        "{0}'s text is unavailable, so its passages cannot be changed (restore its text file or source, then reopen the project)"
    )]
    TextUnavailable(ArticleId),
}
