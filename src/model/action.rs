//! Every change to a project is an [`Action`]. Applying one returns its
//! inverse, which is what the undo history stores.

use super::annotation::{Annotation, Orphan, Timestamp};
use super::article::{Article, ContentHash, ReviewStatus};
use super::codebook::{Tag, TagProps};
use super::error::ModelError;
use super::ids::{AnnotationId, ArticleId, TagId};
use super::project::{Project, check_tag_name};
use super::span::Span;
use super::tagset::TagSet;
use super::text::Text;

/// One change to a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Adds an article (its id must be allocated and unused; its text new).
    AddArticle(Box<Article>),
    /// Removes an article that has no annotations.
    RemoveArticle(ArticleId),
    /// Renames an article.
    SetArticleTitle {
        /// Which article.
        article: ArticleId,
        /// The new title.
        title: String,
    },
    /// Sets an article's review status.
    SetArticleStatus {
        /// Which article.
        article: ArticleId,
        /// The new status.
        status: ReviewStatus,
    },
    /// Sets an article's note.
    SetArticleNote {
        /// Which article.
        article: ArticleId,
        /// The new note.
        note: String,
        /// Who wrote it (the window fills in its analyst when `None`).
        by: Option<String>,
    },
    /// Sets (or, with `None`, removes) an attribute of an article.
    SetAttribute {
        /// Which article.
        article: ArticleId,
        /// The attribute's name.
        name: String,
        /// Its new value.
        value: Option<super::attributes::Value>,
    },
    /// Replaces an article's text (re-sync); the article must have no annotations.
    SetArticleText {
        /// Which article.
        article: ArticleId,
        /// The new normalised text.
        text: Text,
    },
    /// Adds a tag.
    AddTag(Tag),
    /// Removes a tag that no annotation uses and that has no children.
    RemoveTag(TagId),
    /// Changes a tag's name, colour, parent, shortcut or description.
    SetTagProps {
        /// Which tag.
        tag: TagId,
        /// Its new properties.
        props: TagProps,
    },
    /// Adds an annotation.
    AddAnnotation(Box<Annotation>),
    /// Removes an annotation.
    RemoveAnnotation(AnnotationId),
    /// Replaces an annotation's tags (never empty).
    SetAnnotationTags {
        /// Which annotation.
        annotation: AnnotationId,
        /// The new tags.
        tags: TagSet,
        /// The new modification time.
        modified: Timestamp,
    },
    /// Moves an annotation's bounds.
    SetAnnotationSpan {
        /// Which annotation.
        annotation: AnnotationId,
        /// The new span.
        span: Span,
        /// The new modification time.
        modified: Timestamp,
    },
    /// Sets an annotation's note.
    SetAnnotationNote {
        /// Which annotation.
        annotation: AnnotationId,
        /// The new note.
        note: String,
        /// The new modification time.
        modified: Timestamp,
        /// Who wrote it (the window fills in its analyst when `None`).
        by: Option<String>,
    },
    /// Keeps an annotation that could not be re-anchored.
    AddOrphan(Box<Orphan>),
    /// Drops an orphan (used only to undo [`Action::AddOrphan`]).
    RemoveOrphan(AnnotationId),
    /// Sets the project memo.
    SetMemo(String),
    /// Replaces the list of conflicts a merge left for the analyst to see.
    SetConflicts(Vec<super::conflict::Conflict>),
    /// Replaces everything in the project at once (a merge, as one undo
    /// step). Ids only grow: the id counters become the larger of the two.
    Replace {
        /// What the step is called in the undo menu.
        label: String,
        /// The new content.
        project: Box<Project>,
    },
    /// Several actions as one step; all or nothing.
    Batch {
        /// What the step is called in the undo menu.
        label: String,
        /// The actions, applied in order.
        actions: Vec<Action>,
    },
}

/// Identifies edits that merge into one undo step when they follow each other
/// (typing into the same note, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MergeKey {
    /// Typing an article's title.
    ArticleTitle(ArticleId),
    /// Typing an article's note.
    ArticleNote(ArticleId),
    /// Typing an annotation's note.
    AnnotationNote(AnnotationId),
    /// Editing a tag's name or description.
    TagProps(TagId),
    /// Typing the project memo.
    Memo,
}

impl Action {
    /// What the action is called in menus ("Undo {label}").
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::AddArticle(_) => "add article".into(),
            Self::RemoveArticle(_) => "remove article".into(),
            Self::SetArticleTitle { .. } => "edit title".into(),
            Self::SetArticleStatus { .. } => "set status".into(),
            Self::SetArticleNote { .. } => "edit article note".into(),
            Self::SetAttribute { name, .. } => format!("set {name}"),
            Self::SetArticleText { .. } => "replace article text".into(),
            Self::AddTag(_) => "add tag".into(),
            Self::RemoveTag(_) => "delete tag".into(),
            Self::SetTagProps { .. } => "edit tag".into(),
            Self::AddAnnotation(_) => "tag passage".into(),
            Self::RemoveAnnotation(_) => "delete passage".into(),
            Self::SetAnnotationTags { .. } => "change tags".into(),
            Self::SetAnnotationSpan { .. } => "move passage bounds".into(),
            Self::SetAnnotationNote { .. } => "edit passage note".into(),
            Self::AddOrphan(_) | Self::RemoveOrphan(_) => "keep orphan".into(),
            Self::SetMemo(_) => "edit memo".into(),
            Self::SetConflicts(c) if c.is_empty() => "dismiss merge conflicts".into(),
            Self::SetConflicts(_) => "restore merge conflicts".into(),
            Self::Batch { label, .. } | Self::Replace { label, .. } => label.clone(),
        }
    }

    /// The merge key, for edits that merge into one undo step.
    #[must_use]
    pub fn merge_key(&self) -> Option<MergeKey> {
        match self {
            Self::SetArticleTitle { article, .. } => Some(MergeKey::ArticleTitle(*article)),
            Self::SetArticleNote { article, .. } => Some(MergeKey::ArticleNote(*article)),
            Self::SetAnnotationNote { annotation, .. } => {
                Some(MergeKey::AnnotationNote(*annotation))
            }
            Self::SetTagProps { tag, .. } => Some(MergeKey::TagProps(*tag)),
            Self::SetMemo(_) => Some(MergeKey::Memo),
            _ => None,
        }
    }

    /// True for a batch with nothing in it.
    #[must_use]
    pub fn is_noop(&self) -> bool {
        matches!(self, Self::Batch { actions, .. } if actions.iter().all(Action::is_noop))
    }
}

impl Project {
    /// Applies an action and returns its inverse. On error the project is
    /// unchanged.
    ///
    /// # Errors
    /// A [`ModelError`] saying why the change is not allowed.
    #[allow(
        clippy::too_many_lines,
        reason = "one arm per action; splitting them apart hides their symmetry"
    )]
    pub fn apply(&mut self, action: Action) -> Result<Action, ModelError> {
        match action {
            Action::Batch { label, actions } => self.apply_batch(label, actions),
            Action::AddArticle(a) => self.add_article(*a),
            Action::RemoveArticle(id) => {
                self.check_available(id)?;
                if self.annotation_count(id) > 0
                    || self.orphans.values().any(|o| o.annotation.article == id)
                {
                    return Err(ModelError::ArticleHasAnnotations(id));
                }
                let a = self
                    .articles
                    .remove(&id)
                    .ok_or(ModelError::NoSuchArticle(id))?;
                self.by_hash.remove(&a.hash);
                self.by_article.remove(&id);
                Ok(Action::AddArticle(Box::new(a)))
            }
            Action::SetArticleTitle { article, title } => {
                let a = self.article_mut(article)?;
                let old = std::mem::replace(&mut a.title, title);
                Ok(Action::SetArticleTitle {
                    article,
                    title: old,
                })
            }
            Action::SetArticleStatus { article, status } => {
                let a = self.article_mut(article)?;
                let old = std::mem::replace(&mut a.status, status);
                Ok(Action::SetArticleStatus {
                    article,
                    status: old,
                })
            }
            Action::SetArticleNote { article, note, by } => {
                let a = self.article_mut(article)?;
                let old = std::mem::replace(&mut a.note, note);
                let old_by = std::mem::replace(&mut a.note_by, by);
                Ok(Action::SetArticleNote {
                    article,
                    note: old,
                    by: old_by,
                })
            }
            Action::SetAttribute {
                article,
                name,
                value,
            } => {
                let a = self.article_mut(article)?;
                let old = match value {
                    Some(v) => a.meta.attributes.insert(name.clone(), v),
                    None => a.meta.attributes.remove(&name),
                };
                Ok(Action::SetAttribute {
                    article,
                    name,
                    value: old,
                })
            }
            Action::SetArticleText { article, text } => {
                self.check_available(article)?;
                if self.annotation_count(article) > 0 {
                    return Err(ModelError::ArticleHasAnnotations(article));
                }
                let hash = ContentHash::of(text.as_str());
                if let Some(other) = self.by_hash.get(&hash)
                    && *other != article
                {
                    return Err(ModelError::DuplicateText(*other));
                }
                let a = self.article_mut(article)?;
                let old_hash = std::mem::replace(&mut a.hash, hash.clone());
                let old = std::mem::replace(&mut a.text, text);
                self.by_hash.remove(&old_hash);
                self.by_hash.insert(hash, article);
                Ok(Action::SetArticleText { article, text: old })
            }
            Action::AddTag(tag) => {
                if self.codebook.get(tag.id).is_some() {
                    return Err(ModelError::TagExists(tag.id));
                }
                if tag.id.0 >= self.next.next().tag {
                    return Err(ModelError::UnallocatedId(tag.id.0));
                }
                self.check_props(tag.id, &tag.props)?;
                let id = tag.id;
                self.codebook.insert(tag);
                Ok(Action::RemoveTag(id))
            }
            Action::RemoveTag(id) => {
                if self.codebook.get(id).is_none() {
                    return Err(ModelError::NoSuchTag(id));
                }
                let count = self
                    .annotations
                    .values()
                    .chain(self.orphans.values().map(|o| &o.annotation))
                    .filter(|a| a.tags.contains(&id))
                    .count();
                if count > 0 {
                    return Err(ModelError::TagInUse { tag: id, count });
                }
                if !self.codebook.children(Some(id)).is_empty() {
                    return Err(ModelError::TagHasChildren(id));
                }
                let tag = self.codebook.remove(id).ok_or(ModelError::NoSuchTag(id))?;
                Ok(Action::AddTag(tag))
            }
            Action::SetTagProps { tag, props } => {
                if self.codebook.get(tag).is_none() {
                    return Err(ModelError::NoSuchTag(tag));
                }
                self.check_props(tag, &props)?;
                let t = self
                    .codebook
                    .get_mut(tag)
                    .ok_or(ModelError::NoSuchTag(tag))?;
                let old = std::mem::replace(&mut t.props, props);
                Ok(Action::SetTagProps { tag, props: old })
            }
            Action::AddAnnotation(a) => {
                self.check_new_annotation(&a)?;
                Ok(self.insert_annotation(*a))
            }
            Action::RemoveAnnotation(id) => {
                self.check_removable(id)?;
                let a = self
                    .annotations
                    .remove(&id)
                    .ok_or(ModelError::NoSuchAnnotation(id))?;
                self.unindex_passages(std::slice::from_ref(&a));
                Ok(Action::AddAnnotation(Box::new(a)))
            }
            Action::SetAnnotationTags {
                annotation,
                tags,
                modified,
            } => {
                if tags.is_empty() {
                    return Err(ModelError::NoTags);
                }
                self.check_tags(&tags)?;
                self.check_annotation_available(annotation)?;
                let a = self.annotation_mut(annotation)?;
                let old = std::mem::replace(&mut a.tags, tags);
                let old_mod = std::mem::replace(&mut a.modified, modified);
                let new = a.tags.clone();
                self.count_tags(&old, false);
                self.count_tags(&new, true);
                Ok(Action::SetAnnotationTags {
                    annotation,
                    tags: old,
                    modified: old_mod,
                })
            }
            Action::SetAnnotationSpan {
                annotation,
                span,
                modified,
            } => {
                let article = self
                    .annotations
                    .get(&annotation)
                    .ok_or(ModelError::NoSuchAnnotation(annotation))?
                    .article;
                self.check_available(article)?;
                let text = &self
                    .articles
                    .get(&article)
                    .ok_or(ModelError::NoSuchArticle(article))?
                    .text;
                check_span(text, span)?;
                let a = self.annotation_mut(annotation)?;
                let old = std::mem::replace(&mut a.span, span);
                let old_mod = std::mem::replace(&mut a.modified, modified);
                Ok(Action::SetAnnotationSpan {
                    annotation,
                    span: old,
                    modified: old_mod,
                })
            }
            Action::SetAnnotationNote {
                annotation,
                note,
                modified,
                by,
            } => {
                self.check_annotation_available(annotation)?;
                let a = self.annotation_mut(annotation)?;
                let old = std::mem::replace(&mut a.note, note);
                let old_mod = std::mem::replace(&mut a.modified, modified);
                let old_by = std::mem::replace(&mut a.note_by, by.map(std::sync::Arc::from));
                Ok(Action::SetAnnotationNote {
                    annotation,
                    note: old,
                    modified: old_mod,
                    by: old_by.as_deref().map(str::to_owned),
                })
            }
            Action::AddOrphan(o) => {
                let a = &o.annotation;
                if self.annotations.contains_key(&a.id) || self.orphans.contains_key(&a.id) {
                    return Err(ModelError::AnnotationExists(a.id));
                }
                if !self.articles.contains_key(&a.article) {
                    return Err(ModelError::NoSuchArticle(a.article));
                }
                self.check_tags(&a.tags)?;
                let id = a.id;
                self.orphans.insert(id, *o);
                Ok(Action::RemoveOrphan(id))
            }
            Action::RemoveOrphan(id) => {
                let a = self
                    .orphans
                    .remove(&id)
                    .ok_or(ModelError::NoSuchAnnotation(id))?;
                Ok(Action::AddOrphan(Box::new(a)))
            }
            Action::SetMemo(memo) => Ok(Action::SetMemo(std::mem::replace(&mut self.memo, memo))),
            Action::SetConflicts(c) => Ok(Action::SetConflicts(std::mem::replace(
                &mut self.conflicts,
                c,
            ))),
            Action::Replace { label, project } => {
                let mut new = *project;
                self.next.advance_to(new.next_ids());
                std::mem::swap(&mut self.memo, &mut new.memo);
                std::mem::swap(&mut self.articles, &mut new.articles);
                std::mem::swap(&mut self.codebook, &mut new.codebook);
                std::mem::swap(&mut self.annotations, &mut new.annotations);
                std::mem::swap(&mut self.orphans, &mut new.orphans);
                std::mem::swap(&mut self.unavailable, &mut new.unavailable);
                std::mem::swap(&mut self.conflicts, &mut new.conflicts);
                self.reindex();
                Ok(Action::Replace {
                    label,
                    project: Box::new(new),
                })
            }
        }
    }

    fn add_article(&mut self, a: Article) -> Result<Action, ModelError> {
        let hash = ContentHash::of(a.text.as_str());
        self.insert_article(a, hash)
    }

    /// Why passage `a` cannot be added, if it cannot.
    pub(super) fn check_new_annotation(&self, a: &Annotation) -> Result<(), ModelError> {
        if self.annotations.contains_key(&a.id) || self.orphans.contains_key(&a.id) {
            return Err(ModelError::AnnotationExists(a.id));
        }
        self.check_tags(&a.tags)?;
        let art = self
            .articles
            .get(&a.article)
            .ok_or(ModelError::NoSuchArticle(a.article))?;
        self.check_available(a.article)?;
        check_span(&art.text, a.span)
    }

    /// Adds passage `a`, which [`Self::check_new_annotation`] allowed;
    /// returns the action that removes it.
    fn insert_annotation(&mut self, a: Annotation) -> Action {
        let id = a.id;
        self.index_passages(std::slice::from_ref(&a));
        self.annotations.insert(id, a);
        Action::RemoveAnnotation(id)
    }

    /// Takes removed passages out of the per-article sets and the tag
    /// counts, one look-up of an article's set for each run of its
    /// passages.
    pub(super) fn unindex_passages<A: std::borrow::Borrow<Annotation>>(&mut self, passages: &[A]) {
        for run in passages.chunk_by(|x, y| x.borrow().article == y.borrow().article) {
            if let Some(set) = self.by_article.get_mut(&run[0].borrow().article) {
                for a in run {
                    set.remove(&a.borrow().id);
                }
            }
            for a in run {
                self.count_tags(&a.borrow().tags, false);
            }
        }
    }

    /// Adds new passages to the per-article sets and the tag counts, one
    /// look-up of an article's set for each run of its passages.
    pub(super) fn index_passages<A: std::borrow::Borrow<Annotation>>(&mut self, passages: &[A]) {
        for run in passages.chunk_by(|x, y| x.borrow().article == y.borrow().article) {
            let article = run[0].borrow().article;
            self.by_article
                .entry(article)
                .or_default()
                .extend(run.iter().map(|a| a.borrow().id));
            for a in run {
                self.count_tags(&a.borrow().tags, true);
            }
        }
    }

    /// Adds an article whose text's hash is `hash` (whatever its `hash`
    /// field says).
    pub(super) fn insert_article(
        &mut self,
        a: Article,
        hash: ContentHash,
    ) -> Result<Action, ModelError> {
        if self.articles.contains_key(&a.id) {
            return Err(ModelError::ArticleExists(a.id));
        }
        if a.id.0 >= self.next.next().article {
            return Err(ModelError::UnallocatedId(a.id.0));
        }
        if let Some(other) = self.by_hash.get(&hash) {
            return Err(ModelError::DuplicateText(*other));
        }
        let mut a = a;
        a.hash = hash;
        let id = a.id;
        self.by_hash.insert(a.hash.clone(), id);
        self.articles.insert(id, a);
        Ok(Action::RemoveArticle(id))
    }

    /// Why passage `id` cannot be removed, if it cannot.
    pub(super) fn check_removable(&self, id: AnnotationId) -> Result<(), ModelError> {
        self.check_annotation_available(id)?;
        if self.annotations.contains_key(&id) {
            Ok(())
        } else {
            Err(ModelError::NoSuchAnnotation(id))
        }
    }

    fn check_annotation_available(&self, id: AnnotationId) -> Result<(), ModelError> {
        match self.annotations.get(&id) {
            Some(a) => self.check_available(a.article),
            None => Ok(()),
        }
    }

    fn article_mut(&mut self, id: ArticleId) -> Result<&mut Article, ModelError> {
        self.articles
            .get_mut(&id)
            .ok_or(ModelError::NoSuchArticle(id))
    }

    fn annotation_mut(&mut self, id: AnnotationId) -> Result<&mut Annotation, ModelError> {
        self.annotations
            .get_mut(&id)
            .ok_or(ModelError::NoSuchAnnotation(id))
    }

    fn check_tags(&self, tags: &TagSet) -> Result<(), ModelError> {
        if tags.is_empty() {
            return Err(ModelError::NoTags);
        }
        for t in tags {
            if self.codebook.get(*t).is_none() {
                return Err(ModelError::NoSuchTag(*t));
            }
        }
        Ok(())
    }

    fn check_props(&self, id: TagId, props: &TagProps) -> Result<(), ModelError> {
        check_tag_name(&props.name)?;
        if let Some(p) = props.parent {
            if self.codebook.get(p).is_none() {
                return Err(ModelError::NoSuchTag(p));
            }
            if self.codebook.would_cycle(id, Some(p)) {
                return Err(ModelError::Cycle(id));
            }
        }
        for t in self.codebook.iter() {
            if t.id == id {
                continue;
            }
            if t.props.parent == props.parent && t.props.name == props.name {
                return Err(ModelError::DuplicateTagName(props.name.clone()));
            }
            if let Some(k) = props.shortcut
                && t.props.shortcut == Some(k)
            {
                return Err(ModelError::ShortcutTaken { key: k, tag: t.id });
            }
        }
        Ok(())
    }
}

fn check_span(text: &Text, span: Span) -> Result<(), ModelError> {
    if span.is_empty() {
        return Err(ModelError::EmptySpan);
    }
    if span.end() > text.char_len() {
        return Err(ModelError::SpanOutOfRange {
            span,
            len: text.char_len(),
        });
    }
    Ok(())
}
