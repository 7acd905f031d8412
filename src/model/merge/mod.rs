//! Merging two versions of a project: two copies coded by different analysts
//! (`gloss merge`, File ▸ Merge another project…), or two branches against
//! their common ancestor (the git merge driver).
//!
//! Things are matched by what identifies them across copies: articles by
//! content hash, tags by id where both sides inherited it from the ancestor
//! (so a rename merges) and otherwise by path, passages by id (UUIDs, unique
//! without coordination). What only one side changed is taken; what both
//! changed the same way is taken once; what both changed differently is a
//! conflict, resolved the same way every time — our version of a passage's
//! bounds and tags, our tag colour and description, both notes kept and
//! marked — and recorded (with their version in words) in the project's
//! conflict list, which the window shows. Nothing is dropped: a deletion on
//! one side of something the other side changed keeps the changed thing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::annotation::{Annotation, Quote};
use super::article::{Article, ContentHash, Unavailable};
use super::codebook::{Codebook, Tag};
use super::conflict::Conflict;
use super::ids::{AnnotationId, ArticleId, NextIds, TagId};
use super::project::{Problem, Project};
use super::span::Span;
use crate::model::TagSet;

mod articles;
mod tags;

/// The versions to merge.
#[derive(Clone, Copy)]
pub struct Sides<'a> {
    /// The common ancestor, for a three-way merge; `None` merges two copies.
    pub base: Option<&'a Project>,
    /// Our version: its ids are kept.
    pub ours: &'a Project,
    /// Their version.
    pub theirs: &'a Project,
    /// What to call their side in merged notes and conflicts.
    pub theirs_label: &'a str,
}

/// What a merge did, in numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Articles only they had.
    pub articles_added: usize,
    /// Articles they removed (unchanged and uncoded on our side).
    pub articles_removed: usize,
    /// Tags only they had.
    pub tags_added: usize,
    /// Tags they removed (unchanged and unused on our side).
    pub tags_removed: usize,
    /// Passages only they had.
    pub passages_added: usize,
    /// Passages both had, changed by them.
    pub passages_changed: usize,
    /// Passages they removed (unchanged on our side).
    pub passages_removed: usize,
    /// Their passages identical to one of ours (same analyst, article, bounds
    /// and tags) under another id, not added twice.
    pub duplicates: usize,
}

/// The merged project and what happened.
#[derive(Debug)]
pub struct Merged {
    /// The result, with every conflict (old and new) in its conflict list.
    pub project: Project,
    /// The conflicts this merge resolved.
    pub conflicts: Vec<Conflict>,
    /// Counts.
    pub summary: Summary,
    /// False when the result is our version exactly (nothing to apply or save).
    pub changed: bool,
}

/// Merges `sides`.
///
/// # Errors
/// The problems of the merged project, should it break an invariant (a bug:
/// the merge is built to keep them).
pub fn merge(sides: Sides<'_>) -> Result<Merged, Vec<Problem>> {
    let mut m = Merger::new(sides);
    m.tags();
    m.articles();
    m.passages();
    m.orphans();
    m.remove_deleted_articles();
    m.remove_deleted_tags();
    m.memo_and_conflicts();
    m.finish()
}

struct Merger<'a> {
    s: Sides<'a>,
    memo: String,
    articles: BTreeMap<ArticleId, Article>,
    codebook: Codebook,
    annotations: BTreeMap<AnnotationId, Annotation>,
    orphans: BTreeMap<AnnotationId, super::annotation::Orphan>,
    unavailable: BTreeMap<ArticleId, Unavailable>,
    next: NextIds,
    /// Their tag and article ids → merged ids.
    their_tag: HashMap<TagId, TagId>,
    their_article: HashMap<ArticleId, ArticleId>,
    /// Base tag and article ids → merged ids (absent: gone from the merge).
    base_tag: HashMap<TagId, TagId>,
    base_article: HashMap<ArticleId, ArticleId>,
    /// Passages whose merged version came from their side (for quotes).
    from_theirs: BTreeSet<AnnotationId>,
    conflicts: Vec<Conflict>,
    summary: Summary,
}

/// A passage in merged ids, for comparing versions.
#[derive(PartialEq, Eq)]
struct View<'p> {
    article: Option<ArticleId>,
    span: Span,
    tags: BTreeSet<Option<TagId>>,
    note: &'p str,
}

fn conflict(message: String) -> Conflict {
    Conflict {
        passage: None,
        article: None,
        tag: None,
        message,
    }
}

/// Merges two versions of a text (a note, the memo): what one side changed
/// is taken; when both changed it, both are kept, theirs marked.
#[must_use]
pub fn merge_text(base: Option<&str>, ours: &str, theirs: &str, label: &str) -> (String, bool) {
    if ours == theirs || base == Some(theirs) || theirs.is_empty() && base.is_none() {
        return (ours.to_owned(), false);
    }
    if base == Some(ours) || ours.is_empty() && base.is_none() {
        return (theirs.to_owned(), false);
    }
    if ours.contains(theirs) {
        return (ours.to_owned(), false);
    }
    if theirs.contains(ours) {
        return (theirs.to_owned(), false);
    }
    (
        format!("{ours}\n\n——— {label}'s version ———\n{theirs}"),
        true,
    )
}

impl<'a> Merger<'a> {
    fn new(s: Sides<'a>) -> Self {
        let o = s.ours;
        let next = o.next_ids();
        Self {
            s,
            memo: o.memo.clone(),
            articles: o.articles.clone(),
            codebook: o.codebook.clone(),
            annotations: o.annotations.clone(),
            orphans: o.orphans.clone(),
            unavailable: o.unavailable.clone(),
            next: NextIds {
                article: next.article.max(s.theirs.next_ids().article),
                tag: next.tag.max(s.theirs.next_ids().tag),
                annotation: next.annotation.max(s.theirs.next_ids().annotation),
            },
            their_tag: HashMap::new(),
            their_article: HashMap::new(),
            base_tag: HashMap::new(),
            base_article: HashMap::new(),
            from_theirs: BTreeSet::new(),
            conflicts: Vec::new(),
            summary: Summary::default(),
        }
    }

    fn label(&self) -> &str {
        self.s.theirs_label
    }

    // ---- passages ----

    fn view_ours(a: &'a Annotation) -> View<'a> {
        View {
            article: Some(a.article),
            span: a.span,
            tags: a.tags.iter().map(|t| Some(*t)).collect(),
            note: &a.note,
        }
    }

    fn view_theirs(&self, a: &'a Annotation) -> View<'a> {
        View {
            article: self.their_article.get(&a.article).copied(),
            span: a.span,
            tags: a
                .tags
                .iter()
                .map(|t| self.their_tag.get(t).copied())
                .collect(),
            note: &a.note,
        }
    }

    fn view_base(&self, a: &'a Annotation) -> View<'a> {
        View {
            article: self.base_article.get(&a.article).copied(),
            span: a.span,
            tags: a
                .tags
                .iter()
                .map(|t| self.base_tag.get(t).copied())
                .collect(),
            note: &a.note,
        }
    }

    fn passages(&mut self) {
        let (ours, theirs) = (self.s.ours, self.s.theirs);
        let base = self.s.base;
        // Our passages under another id that equal one of theirs.
        let mut ours_by_content: HashMap<(ArticleId, Span, Option<&str>), Vec<&Annotation>> =
            HashMap::new();
        for a in ours.annotations.values() {
            ours_by_content
                .entry((a.article, a.span, a.author.as_deref()))
                .or_default()
                .push(a);
        }
        for t in theirs.annotations.values() {
            let b = base.and_then(|b| b.annotations.get(&t.id));
            match (ours.annotations.get(&t.id), b) {
                (Some(o), b) => self.merge_passage(o, t, b),
                (None, Some(b)) => {
                    if self.view_theirs(t) != self.view_base(b) {
                        let msg = format!(
                            "we deleted this passage, {} changed it; kept theirs",
                            self.label()
                        );
                        if self.add_their_passage(t) {
                            self.conflicts.push(Conflict {
                                passage: Some(t.id),
                                article: self.their_article.get(&t.article).copied(),
                                ..conflict(msg)
                            });
                        }
                    }
                }
                (None, None) => {
                    let v = self.view_theirs(t);
                    let dup = v.article.is_some_and(|art| {
                        ours_by_content
                            .get(&(art, t.span, t.author.as_deref()))
                            .is_some_and(|list| {
                                list.iter().any(|o| {
                                    o.tags.iter().map(|x| Some(*x)).collect::<BTreeSet<_>>()
                                        == v.tags
                                })
                            })
                    });
                    if dup {
                        self.summary.duplicates += 1;
                    } else if self.add_their_passage(t) {
                        self.summary.passages_added += 1;
                    }
                }
            }
        }
        // Ours that they deleted.
        if let Some(base) = base {
            for o in ours.annotations.values() {
                if theirs.annotations.contains_key(&o.id) || theirs.orphans.contains_key(&o.id) {
                    continue;
                }
                let Some(b) = base.annotations.get(&o.id) else {
                    continue;
                };
                if Self::view_ours(o) == self.view_base(b) {
                    self.annotations.remove(&o.id);
                    self.summary.passages_removed += 1;
                } else {
                    self.conflicts.push(Conflict {
                        passage: Some(o.id),
                        article: Some(o.article),
                        ..conflict(format!(
                            "{} deleted this passage, we changed it; kept ours",
                            self.label()
                        ))
                    });
                }
            }
        }
    }

    /// The article a passage of theirs belongs to here, adding the article
    /// when we had removed it.
    fn their_article_here(&mut self, t: &Annotation) -> Option<ArticleId> {
        if let Some(id) = self.their_article.get(&t.article) {
            return Some(*id);
        }
        let art = self.s.theirs.articles.get(&t.article)?;
        self.conflicts.push(Conflict {
            passage: Some(t.id),
            ..conflict(format!(
                "we removed article {:?}, {} coded it; the article is back",
                art.title,
                self.label()
            ))
        });
        Some(self.add_their_article(art))
    }

    /// The merged id of their tag, bringing back a tag we deleted.
    fn their_tag_here(&mut self, tag: TagId) -> Option<TagId> {
        if let Some(id) = self.their_tag.get(&tag) {
            return Some(*id);
        }
        let t = self.s.theirs.codebook.get(tag)?.clone();
        if let Some(p) = t.props.parent {
            self.their_tag_here(p);
        }
        let id = self.add_their_tag(&t);
        self.their_tag.insert(tag, id);
        self.conflicts.push(Conflict {
            tag: Some(id),
            ..conflict(format!(
                "we deleted tag {:?}, {}'s passages use it; the tag is back",
                t.props.name,
                self.label()
            ))
        });
        Some(id)
    }

    fn add_their_passage(&mut self, t: &Annotation) -> bool {
        let Some(article) = self.their_article_here(t) else {
            return false;
        };
        let tags: TagSet = t
            .tags
            .iter()
            .filter_map(|x| self.their_tag_here(*x))
            .collect();
        if tags.is_empty() {
            return false;
        }
        let mut a = t.clone();
        a.article = article;
        a.tags = tags;
        self.annotations.insert(a.id, a);
        self.from_theirs.insert(t.id);
        true
    }

    fn merge_passage(&mut self, o: &'a Annotation, t: &'a Annotation, b: Option<&'a Annotation>) {
        let vt = self.view_theirs(t);
        let vo = Self::view_ours(o);
        if vt == vo && t.adjudication == o.adjudication {
            return;
        }
        let vb = b.map(|b| self.view_base(b));
        let mut merged = o.clone();
        let mut clashes = Vec::new();
        let mut changed = false;
        // Bounds (with the article: a passage never changes article).
        if vt.span != vo.span || vt.article != vo.article {
            if vb
                .as_ref()
                .is_some_and(|vb| vb.span == vo.span && vb.article == vo.article)
                && vt.article == vo.article
            {
                merged.span = t.span;
                changed = true;
            } else if vb.as_ref().is_none_or(|vb| vb.span != vt.span) {
                clashes.push(format!("bounds (theirs {})", t.span));
            }
        }
        if vt.tags != vo.tags {
            let theirs_ok = vt.tags.iter().all(Option::is_some);
            if vb.as_ref().is_some_and(|vb| vb.tags == vo.tags) && theirs_ok {
                merged.tags = vt.tags.iter().flatten().copied().collect();
                changed = true;
            } else if vb.as_ref().is_none_or(|vb| vb.tags != vt.tags) {
                let paths: Vec<String> = t.tags.iter().map(|x| self.their_path(*x)).collect();
                clashes.push(format!("tags (theirs {})", paths.join(", ")));
            }
        }
        let (note, both) = merge_text(b.map(|b| b.note.as_str()), &o.note, &t.note, self.label());
        if note != o.note {
            if note == t.note {
                merged.note_by.clone_from(&t.note_by);
            }
            merged.note = note;
            changed = true;
        }
        if both {
            clashes.push("note (both kept)".into());
        }
        if merged.adjudication.is_none() && t.adjudication.is_some() {
            merged.adjudication.clone_from(&t.adjudication);
            changed = true;
        }
        if changed {
            merged.modified = merged.modified.max(t.modified);
            if merged.span == t.span {
                self.from_theirs.insert(t.id);
            }
            self.annotations.insert(merged.id, merged);
            self.summary.passages_changed += 1;
        }
        if !clashes.is_empty() {
            self.conflicts.push(Conflict {
                passage: Some(o.id),
                article: Some(o.article),
                ..conflict(format!(
                    "both sides changed this passage's {}; kept ours",
                    clashes.join(" and ")
                ))
            });
        }
    }

    fn orphans(&mut self) {
        for (id, t) in &self.s.theirs.orphans {
            if self.orphans.contains_key(id) || self.annotations.contains_key(id) {
                continue;
            }
            let Some(article) = self.their_article.get(&t.annotation.article).copied() else {
                continue;
            };
            let mut o = t.clone();
            o.annotation.article = article;
            o.annotation.tags = t
                .annotation
                .tags
                .iter()
                .filter_map(|x| self.their_tag.get(x).copied())
                .collect();
            if o.annotation.tags.is_empty() {
                continue;
            }
            self.orphans.insert(*id, o);
        }
    }

    // ---- the rest ----

    fn memo_and_conflicts(&mut self) {
        let (memo, both) = merge_text(
            self.s.base.map(Project::memo),
            &self.memo,
            self.s.theirs.memo(),
            self.s.theirs_label,
        );
        self.memo = memo;
        if both {
            self.conflicts.push(conflict(
                "both sides changed the project memo; both versions kept".into(),
            ));
        }
    }

    /// Quotes for passages on articles whose text is not in memory (taken
    /// from the side the passage's bounds came from).
    fn quotes(&mut self) {
        let (ours, theirs) = (self.s.ours, self.s.theirs);
        let mut theirs_id: HashMap<ArticleId, ArticleId> = HashMap::new();
        for (t, m) in &self.their_article {
            theirs_id.insert(*m, *t);
        }
        let mut quotes: HashMap<ArticleId, BTreeMap<AnnotationId, Quote>> = HashMap::new();
        for a in self.annotations.values() {
            if !self.unavailable.contains_key(&a.article) {
                continue;
            }
            let q = if self.from_theirs.contains(&a.id) {
                quote_in(theirs, theirs_id.get(&a.article).copied(), a)
            } else {
                quote_in(ours, Some(a.article), a)
            };
            quotes
                .entry(a.article)
                .or_default()
                .insert(a.id, q.unwrap_or_default());
        }
        for (art, u) in &mut self.unavailable {
            u.quotes = quotes.remove(art).unwrap_or_default();
        }
    }

    fn finish(mut self) -> Result<Merged, Vec<Problem>> {
        self.quotes();
        let mut all = self.s.ours.conflicts.clone();
        for c in &self.s.theirs.conflicts {
            let mut c = c.clone();
            c.article = c.article.and_then(|a| self.their_article.get(&a).copied());
            c.tag = c.tag.and_then(|t| self.their_tag.get(&t).copied());
            if !all.contains(&c) {
                all.push(c);
            }
        }
        all.extend(self.conflicts.iter().cloned());
        let project = Project::from_parts_with(
            self.memo,
            self.articles.into_values().collect(),
            self.codebook,
            self.annotations.into_values().collect(),
            self.orphans.into_values().collect(),
            self.next,
            self.unavailable,
        )?
        .with_conflicts(all);
        let changed = project != *self.s.ours;
        Ok(Merged {
            project,
            conflicts: self.conflicts,
            summary: self.summary,
            changed,
        })
    }
}

/// The quote of passage `a` (whose bounds are those of `side`'s version) in
/// `side`'s copy of the article.
fn quote_in(side: &Project, article: Option<ArticleId>, a: &Annotation) -> Option<Quote> {
    let article = article?;
    if let Some(u) = side.unavailable.get(&article) {
        return u.quotes.get(&a.id).cloned();
    }
    let art = side.articles.get(&article)?;
    Some(Quote::capture(&art.text, a.span))
}

#[cfg(test)]
mod tests;
