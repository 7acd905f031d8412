//! Articles: one imported news article with its normalised text and metadata.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::annotation::Quote;
use super::ids::{AnnotationId, ArticleId};
use super::text::Text;

/// How far the analyst has got with an article.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum ReviewStatus {
    /// Not opened yet.
    #[default]
    Unread,
    /// Opened, not finished.
    InProgress,
    /// Fully reviewed.
    Done,
}

impl ReviewStatus {
    /// All statuses in workflow order.
    pub const ALL: [ReviewStatus; 3] = [Self::Unread, Self::InProgress, Self::Done];

    /// A short human label.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Unread => "unread",
            Self::InProgress => "in progress",
            Self::Done => "done",
        }
    }

    /// Parses a label as written by [`ReviewStatus::label`] (also accepts
    /// `in-progress` and `in_progress`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "unread" => Some(Self::Unread),
            "in progress" => Some(Self::InProgress),
            "done" => Some(Self::Done),
            _ => None,
        }
    }
}

/// The kind of file an article came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SourceFormat {
    /// Plain text.
    #[default]
    Text,
    /// Markdown, kept as source text.
    Markdown,
    /// HTML, reduced to its readable text.
    Html,
    /// A Word (Office Open XML) document.
    Docx,
    /// An OpenDocument text.
    Odt,
    /// An EPUB e-book.
    Epub,
    /// Rich Text Format (also old "DOC" exports that are RTF inside).
    Rtf,
    /// PDF (its text layer).
    Pdf,
}

/// A content hash of an article's normalised text (BLAKE3, hex). Shared
/// when cloned: the project's index by hash holds the article's own copy.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentHash(pub std::sync::Arc<str>);

impl ContentHash {
    /// Hashes normalised text.
    #[must_use]
    pub fn of(text: &str) -> Self {
        Self(blake3::hash(text.as_bytes()).to_hex().as_str().into())
    }
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the importer found out about an article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The `date` of the news layout, or a publication date found in HTML.
    pub date: Option<NaiveDate>,
    /// The `posted on` date-time of the news layout.
    pub posted: Option<NaiveDateTime>,
    /// The `(credit: …)` line's content (photo or agency credit).
    pub credit: Option<String>,
    /// The source file's name.
    pub file_name: String,
    /// The kind of source file.
    pub format: SourceFormat,
    /// The encoding the file was decoded from.
    pub encoding: String,
    /// Attributes: what an archive export says (outlet, byline, section…)
    /// and what the analyst adds.
    pub attributes: super::attributes::Attributes,
}

impl Metadata {
    /// What the article list shows under a title: the credit line, or else
    /// the file name.
    #[must_use]
    pub fn byline(&self) -> &str {
        byline(self.credit.as_deref(), &self.file_name)
    }
}

/// [`Metadata::byline`] of these fields (for records read before the
/// metadata is built).
#[must_use]
pub fn byline<'a>(credit: Option<&'a str>, file_name: &'a str) -> &'a str {
    credit.unwrap_or(file_name)
}

/// One article in a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    /// Stable id.
    pub id: ArticleId,
    /// Where the article was imported from (absolute in memory; stored
    /// relative to the project file where possible).
    pub source: PathBuf,
    /// The normalised text every offset refers to.
    pub text: Text,
    /// Hash of `text`.
    pub hash: ContentHash,
    /// Imported metadata.
    pub meta: Metadata,
    /// Display title (editable).
    pub title: String,
    /// Review status.
    pub status: ReviewStatus,
    /// The analyst's note on the article.
    pub note: String,
    /// Who last wrote the note, when known.
    pub note_by: Option<String>,
    /// When it was added to the project, when known.
    pub added: Option<super::annotation::Timestamp>,
}

/// Why an article has no text in memory: its stored copy was missing or
/// damaged when the project was opened, and its source no longer had the
/// same text. The article and its passages are kept, read-only, so nothing
/// is lost; saving writes them back as they were.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unavailable {
    /// The text's length in chars, as the project file recorded it.
    pub chars: usize,
    /// What went wrong, in words.
    pub reason: String,
    /// The quotes the project file recorded for the article's passages.
    pub quotes: BTreeMap<AnnotationId, Quote>,
    /// The damaged text, when it was stored inside the project file (kept
    /// and written back unchanged).
    pub kept_text: Option<String>,
}
