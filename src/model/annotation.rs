//! Annotations: tagged passages of an article.

use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ids::{AnnotationId, ArticleId};
use super::span::Span;
use super::tagset::TagSet;
use super::text::Text;

/// Chars of context kept before and after a quote.
pub const CONTEXT_CHARS: usize = 32;

/// A point in time, to the second, written as RFC 3339 UTC (`2024-05-01T09:30:00Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// The current time, truncated to whole seconds so it survives a save.
    #[must_use]
    pub fn now() -> Self {
        Self(Utc::now().trunc_subsecs(0))
    }

    /// A fixed time from seconds since the Unix epoch (for tests and fixtures).
    #[must_use]
    pub fn from_unix(secs: i64) -> Self {
        Self(DateTime::from_timestamp(secs, 0).unwrap_or_default())
    }

    /// Reads an RFC 3339 time (any offset, brought to UTC and to whole
    /// seconds), as files write it.
    ///
    /// # Errors
    /// Why `s` is not such a time.
    pub fn parse(s: &str) -> Result<Self, chrono::ParseError> {
        DateTime::parse_from_rfc3339(s).map(|t| Timestamp(t.with_timezone(&Utc).trunc_subsecs(0)))
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s)
            .map_err(|e| serde::de::Error::custom(format!("bad timestamp {s:?}: {e}")))
    }
}

/// When and by whom a change is made: the time, and the analyst's name
/// (passages record it as their author).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    /// When.
    pub at: Timestamp,
    /// Who, when known (shared by every passage the change makes).
    pub by: Option<Arc<str>>,
}

impl Stamp {
    /// Now, by `by`.
    #[must_use]
    pub fn now(by: Option<String>) -> Self {
        Self {
            at: Timestamp::now(),
            by: by.map(Arc::from),
        }
    }
}

impl From<Timestamp> for Stamp {
    fn from(at: Timestamp) -> Self {
        Self { at, by: None }
    }
}

/// The quoted text of a passage with a little context on each side (the W3C
/// `TextQuoteSelector` idea), used to find the passage again when the text changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The passage itself.
    pub exact: String,
    /// Up to [`CONTEXT_CHARS`] chars before it.
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] chars after it.
    pub suffix: String,
}

impl Quote {
    /// Captures the quote of `span` in `text`.
    #[must_use]
    pub fn capture(text: &Text, span: Span) -> Self {
        let (exact, prefix, suffix) = Self::parts(text, span);
        Self {
            exact: exact.to_owned(),
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
        }
    }

    /// What [`Quote::capture`] copies, as slices of the text: the span's
    /// text, its prefix and its suffix.
    #[must_use]
    pub fn parts(text: &Text, span: Span) -> (&str, &str, &str) {
        text.around(span, CONTEXT_CHARS)
    }
}

/// A passage of an article with one or more tags and an optional note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// Stable id.
    pub id: AnnotationId,
    /// The article it belongs to.
    pub article: ArticleId,
    /// Char span into the article's normalised text. The passage's text and
    /// context are derived from it ([`super::Project::quote`]), never stored twice.
    pub span: Span,
    /// Tags, at least one.
    pub tags: TagSet,
    /// The analyst's note on the passage.
    pub note: String,
    /// Who made it, when known. Shared: a project has a handful of
    /// analysts and a million passages, and opening it gives the passages
    /// of one analyst one name between them.
    pub author: Option<Arc<str>>,
    /// When it was made.
    pub created: Timestamp,
    /// When it last changed.
    pub modified: Timestamp,
    /// Set on reviewed ("gold") passages: who decided, from which passages
    /// (boxed: most passages have none, and this keeps every passage small).
    pub adjudication: Option<Box<Adjudication>>,
    /// Who last wrote the note, when known and not the author (shared, as
    /// the author is).
    pub note_by: Option<Arc<str>>,
}

/// Where a reviewed ("gold") passage came from. Gold passages form their own
/// layer, compared and exported like one more analyst's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjudication {
    /// Who adjudicated.
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// The analysts' passages it was decided from (their ids; they stay in
    /// the project).
    pub from: Vec<AnnotationId>,
}

/// The name under which the reviewed layer appears beside the analysts.
pub const GOLD: &str = "gold";

impl Annotation {
    /// Whose layer the passage is in: the reviewed layer ([`GOLD`]) for
    /// adjudicated passages, else its author ("unknown" when none is recorded).
    #[must_use]
    pub fn layer(&self) -> &str {
        if self.adjudication.is_some() {
            GOLD
        } else {
            self.author.as_deref().unwrap_or(UNKNOWN_ANALYST)
        }
    }
}

/// The layer of passages that record no author.
pub const UNKNOWN_ANALYST: &str = "unknown";

/// A passage that could not be found again after its article's text changed.
/// It keeps the quote it had, so it can be re-attached by hand or by a later
/// re-sync; nothing is deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    /// The annotation as it was (its span refers to the old text).
    pub annotation: Annotation,
    /// Its text and context in the old text.
    pub quote: Quote,
}
