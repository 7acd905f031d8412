//! The pure domain model: articles, codebook, annotations, the project, its
//! actions and undo history, and re-anchoring. Nothing here knows about the
//! window or the file system.

pub mod action;
pub mod agree;
pub mod anchor;
pub mod annotation;
pub mod article;
pub mod attributes;
mod batch;
pub mod changes;
pub mod codebook;
pub mod compare;
pub mod conflict;
pub mod error;
pub mod history;
pub mod ids;
pub mod merge;
pub mod ops;
pub mod project;
pub mod retrieve;
pub mod search;
pub mod span;
pub mod stats;
mod tagging;
pub mod tagset;
pub mod text;
pub mod words;

pub use action::Action;
pub use annotation::{Adjudication, Annotation, GOLD, Orphan, Quote, Stamp, Timestamp};
pub use article::{Article, ContentHash, Metadata, ReviewStatus, SourceFormat, Unavailable};
pub use codebook::{Codebook, Colour, Tag, TagProps};
pub use conflict::Conflict;
pub use error::ModelError;
pub use history::Session;
pub use ids::{AnnotationId, ArticleId, IdAllocator, NextIds, TagId};
pub use project::{Problem, Project};
pub use span::Span;
pub use tagset::TagSet;
pub use text::Text;
pub use words::plural;

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod action_tests;
