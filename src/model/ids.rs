//! Stable numeric ids. A project hands them out from counters that only grow,
//! so an id is never reused, even after undo.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// Identifies an article within a project.
    ArticleId,
    "article "
);
id_type!(
    /// Identifies a tag in the codebook.
    TagId,
    "tag "
);
id_type!(
    /// Identifies an annotation (a tagged passage).
    AnnotationId,
    "annotation "
);

/// The next free id of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextIds {
    /// Next article id.
    pub article: u64,
    /// Next tag id.
    pub tag: u64,
    /// Next annotation id.
    pub annotation: u64,
}

impl Default for NextIds {
    fn default() -> Self {
        Self {
            article: 1,
            tag: 1,
            annotation: 1,
        }
    }
}

/// Hands out new ids. Handing one out is not a change to the project (there
/// is nothing to undo: ids only grow and are never reused), so it needs only
/// a shared reference — no caller ever needs `&mut Project`, which would
/// bypass the undo history.
#[derive(Debug)]
pub struct IdAllocator {
    article: AtomicU64,
    tag: AtomicU64,
    annotation: AtomicU64,
}

impl IdAllocator {
    /// Counters starting at `next`.
    #[must_use]
    pub fn starting_at(next: NextIds) -> Self {
        Self {
            article: AtomicU64::new(next.article),
            tag: AtomicU64::new(next.tag),
            annotation: AtomicU64::new(next.annotation),
        }
    }

    /// The next free id of each kind.
    #[must_use]
    pub fn next(&self) -> NextIds {
        NextIds {
            article: self.article.load(Ordering::Relaxed),
            tag: self.tag.load(Ordering::Relaxed),
            annotation: self.annotation.load(Ordering::Relaxed),
        }
    }

    /// A new article id.
    pub fn article(&self) -> ArticleId {
        ArticleId(self.article.fetch_add(1, Ordering::Relaxed))
    }

    /// A new tag id.
    pub fn tag(&self) -> TagId {
        TagId(self.tag.fetch_add(1, Ordering::Relaxed))
    }

    /// A new annotation id.
    pub fn annotation(&self) -> AnnotationId {
        AnnotationId(self.annotation.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for IdAllocator {
    fn default() -> Self {
        Self::starting_at(NextIds::default())
    }
}

impl Clone for IdAllocator {
    fn clone(&self) -> Self {
        Self::starting_at(self.next())
    }
}

impl PartialEq for IdAllocator {
    fn eq(&self, other: &Self) -> bool {
        self.next() == other.next()
    }
}

impl Eq for IdAllocator {}
