//! Stable numeric ids. A project hands them out from counters that only grow,
//! so an id is never reused, even after undo.

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
