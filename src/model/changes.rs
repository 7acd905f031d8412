//! What an action changes, and generation counters per aspect of a project,
//! so that caches (the article list, codebook counts, statistics, the
//! reading view's highlights) rebuild only when what they show changed —
//! typing a note never rescans the corpus.

use std::collections::{BTreeSet, HashMap};

use super::action::Action;
use super::ids::ArticleId;
use super::project::Project;

/// What one action changes.
#[allow(
    clippy::struct_excessive_bools,
    reason = "one flag per independent aspect of a project"
)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The set of articles, or their titles, statuses or metadata.
    pub articles: bool,
    /// Articles whose text changed (added, removed or replaced).
    pub texts: BTreeSet<ArticleId>,
    /// Articles whose passages changed (added, removed, moved, re-tagged).
    pub passages: BTreeSet<ArticleId>,
    /// The codebook (tags added, removed, renamed, recoloured, moved).
    pub codebook: bool,
    /// A note or the memo.
    pub notes: bool,
    /// The orphans.
    pub orphans: bool,
}

impl Changes {
    /// Adds what `other` changes.
    pub fn merge(&mut self, other: Changes) {
        self.articles |= other.articles;
        self.texts.extend(other.texts);
        self.passages.extend(other.passages);
        self.codebook |= other.codebook;
        self.notes |= other.notes;
        self.orphans |= other.orphans;
    }

    /// True when nothing changes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl Action {
    /// What applying this action to `project` changes (read before applying:
    /// an annotation's article is looked up in `project`).
    #[must_use]
    pub fn changes(&self, project: &Project) -> Changes {
        let mut c = Changes::default();
        let article_of = |id| project.annotation(id).map(|a| a.article);
        match self {
            Action::AddArticle(a) => {
                c.articles = true;
                c.texts.insert(a.id);
                c.passages.insert(a.id);
            }
            Action::RemoveArticle(id) => {
                c.articles = true;
                c.texts.insert(*id);
                c.passages.insert(*id);
            }
            Action::SetArticleTitle { .. }
            | Action::SetArticleStatus { .. }
            | Action::SetAttribute { .. } => c.articles = true,
            Action::SetArticleNote { .. }
            | Action::SetMemo(_)
            | Action::SetConflicts(_)
            | Action::SetAnnotationNote { .. } => c.notes = true,
            Action::SetArticleText { article, .. } => {
                c.articles = true;
                c.texts.insert(*article);
                c.passages.insert(*article);
            }
            Action::AddTag(_) | Action::RemoveTag(_) | Action::SetTagProps { .. } => {
                c.codebook = true;
            }
            Action::AddAnnotation(a) => {
                c.passages.insert(a.article);
            }
            Action::RemoveAnnotation(id)
            | Action::SetAnnotationTags { annotation: id, .. }
            | Action::SetAnnotationSpan { annotation: id, .. } => {
                c.passages.extend(article_of(*id));
            }
            Action::AddOrphan(_) | Action::RemoveOrphan(_) => c.orphans = true,
            Action::Replace { project: new, .. } => {
                c.articles = true;
                c.codebook = true;
                c.notes = true;
                c.orphans = true;
                for id in project.articles().chain(new.articles()).map(|a| a.id) {
                    c.texts.insert(id);
                    c.passages.insert(id);
                }
            }
            Action::Batch { actions, .. } => {
                for a in actions {
                    c.merge(a.changes(project));
                }
            }
        }
        c
    }
}

/// Generation numbers: each aspect's number changes whenever that aspect of
/// the project changes, so a cache keyed by the numbers it depends on is
/// stale exactly when one of them moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generations {
    /// Article set, titles, statuses, metadata.
    pub articles: u64,
    /// Any article's text.
    pub texts: u64,
    /// Any article's passages.
    pub passages: u64,
    /// The codebook.
    pub codebook: u64,
    /// Notes and memo.
    pub notes: u64,
    /// Orphans.
    pub orphans: u64,
    /// Per article: when its text or passages last changed.
    per_article: HashMap<ArticleId, u64>,
}

impl Generations {
    /// All aspects at generation `g` (a freshly opened project).
    #[must_use]
    pub fn fresh(g: u64) -> Self {
        Self {
            articles: g,
            texts: g,
            passages: g,
            codebook: g,
            notes: g,
            orphans: g,
            per_article: HashMap::new(),
        }
    }

    /// Records `changes` as generation `g`.
    pub fn record(&mut self, changes: &Changes, g: u64) {
        if changes.articles {
            self.articles = g;
        }
        if !changes.texts.is_empty() {
            self.texts = g;
        }
        if !changes.passages.is_empty() {
            self.passages = g;
        }
        if changes.codebook {
            self.codebook = g;
        }
        if changes.notes {
            self.notes = g;
        }
        if changes.orphans {
            self.orphans = g;
        }
        for a in changes.texts.iter().chain(&changes.passages) {
            self.per_article.insert(*a, g);
        }
    }

    /// When `article`'s text or passages last changed (0 if never since the
    /// project was opened).
    #[must_use]
    pub fn article(&self, article: ArticleId) -> u64 {
        self.per_article.get(&article).copied().unwrap_or(0)
    }

    /// A key for a cache that shows `aspects`: it changes exactly when one of
    /// them changes (generation numbers only grow, and every change takes a
    /// new one, so the largest of them moves with any of them).
    #[must_use]
    pub fn key(&self, aspects: &[Aspect]) -> u64 {
        aspects
            .iter()
            .map(|a| match a {
                Aspect::Articles => self.articles,
                Aspect::Texts => self.texts,
                Aspect::Passages => self.passages,
                Aspect::Codebook => self.codebook,
                Aspect::Notes => self.notes,
                Aspect::Orphans => self.orphans,
            })
            .max()
            .unwrap_or(0)
    }
}

/// One aspect of a project, for [`Generations::key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aspect {
    /// Article set, titles, statuses, metadata.
    Articles,
    /// Article texts.
    Texts,
    /// Passages.
    Passages,
    /// The codebook.
    Codebook,
    /// Notes and memo.
    Notes,
    /// Orphans.
    Orphans,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing;
    use crate::model::{Session, Timestamp};

    #[test]
    fn a_note_changes_notes_only_and_a_tag_one_articles_passages() {
        let (p, ids) = testing::project(&["One [two]{A} three.", "Four five."]);
        let mut s = Session::new(p);
        let before = s.generations().clone();
        let a = s.project().annotations().next().unwrap().id;
        s.apply(Action::SetAnnotationNote {
            by: None,
            annotation: a,
            note: "x".into(),
            modified: Timestamp::from_unix(0),
        })
        .unwrap();
        let g = s.generations().clone();
        assert_ne!(g.notes, before.notes);
        assert_eq!(
            (g.passages, g.texts, g.articles, g.codebook),
            (
                before.passages,
                before.texts,
                before.articles,
                before.codebook
            )
        );
        let tag = s.project().codebook().find_path("A").unwrap();
        s.apply(Action::SetAnnotationTags {
            annotation: a,
            tags: [tag].into(),
            modified: Timestamp::from_unix(1),
        })
        .unwrap();
        assert_ne!(s.generations().passages, g.passages);
        assert_ne!(s.generations().article(ids[0]), g.article(ids[0]));
        assert_eq!(s.generations().article(ids[1]), g.article(ids[1]));
        // Undo moves the same aspects again.
        let g = s.generations().clone();
        s.undo();
        assert_ne!(s.generations().article(ids[0]), g.article(ids[0]));
        assert_eq!(s.generations().notes, g.notes);
    }
}
