//! Conflicts a merge resolved on its own: what both sides changed, what was
//! kept. They are stored in the project, so the window can show them until
//! the analyst has looked at them; nothing is dropped to resolve one.

use serde::{Deserialize, Serialize};

use super::ids::{AnnotationId, ArticleId, TagId};

/// One conflict a merge resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The passage it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passage: Option<AnnotationId>,
    /// The article it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<ArticleId>,
    /// The tag it concerns, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<TagId>,
    /// What happened and what was kept, in words.
    pub message: String,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = self.passage {
            write!(f, "{p}: ")?;
        } else if let Some(a) = self.article {
            write!(f, "{a}: ")?;
        } else if let Some(t) = self.tag {
            write!(f, "{t}: ")?;
        }
        f.write_str(&self.message)
    }
}
