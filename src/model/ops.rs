//! Builders for the changes users make, as [`Action`]s. They read the project
//! and return one action (often a batch) that [`Project::apply`] then applies,
//! so every user-level change is a single undo step.

use super::action::Action;
use super::annotation::{Annotation, Orphan, Quote, Stamp, Timestamp};
use super::article::{Article, ReviewStatus};
use super::error::ModelError;
use super::ids::{AnnotationId, ArticleId, TagId};
use super::project::Project;
use super::span::Span;
use super::tagset::TagSet;

pub use super::tagging::{TagMatches, TagMatchesError, ensure_tag_path, tag_matches, tag_spans};

/// A new annotation on `article` over `span` with `tags`.
///
/// # Errors
/// When the article does not exist (the span and tags are checked on apply).
pub fn add_annotation(
    project: &Project,
    article: ArticleId,
    span: Span,
    tags: TagSet,
    note: String,
    stamp: &Stamp,
) -> Result<Action, ModelError> {
    if project.article(article).is_none() {
        return Err(ModelError::NoSuchArticle(article));
    }
    let id = project.ids().annotation();
    Ok(Action::AddAnnotation(Box::new(Annotation {
        id,
        article,
        span,
        tags,
        note,
        note_by: None,
        author: stamp.by.clone(),
        created: stamp.at,
        modified: stamp.at,
        adjudication: None,
    })))
}

/// Adds `tag` to an annotation, or removes it; removing the last tag deletes
/// the annotation.
///
/// # Errors
/// When the annotation does not exist.
pub fn toggle_tag(
    project: &Project,
    annotation: AnnotationId,
    tag: TagId,
    now: Timestamp,
) -> Result<Action, ModelError> {
    let a = project
        .annotation(annotation)
        .ok_or(ModelError::NoSuchAnnotation(annotation))?;
    let mut tags = a.tags.clone();
    if !tags.remove(&tag) {
        tags.insert(tag);
    }
    Ok(if tags.is_empty() {
        Action::RemoveAnnotation(annotation)
    } else {
        Action::SetAnnotationTags {
            annotation,
            tags,
            modified: now,
        }
    })
}

/// What to do with passages that would be left without any tag when their
/// only tag is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UntaggedPolicy {
    /// Delete those passages (undo brings them back).
    DeletePassages,
    /// Give them this tag instead.
    Retag(TagId),
}

/// What deleting a tag does, for the confirmation dialog and the CLI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteTagImpact {
    /// Passages that keep other tags and only lose this one (or its nested tags).
    pub lose_tag: usize,
    /// Passages that had only this tag (or its nested tags).
    pub left_untagged: usize,
    /// Nested tags deleted with it.
    pub nested_tags: usize,
    /// Orphaned passages affected.
    pub orphans: usize,
}

/// Deletes a tag and the tags nested in it, removing them from every passage.
/// Passages left without tags follow `policy`. Returns one batch action and
/// what it does.
///
/// # Errors
/// When the tag does not exist, or the retag target is being deleted.
pub fn delete_tag(
    project: &Project,
    tag: TagId,
    policy: UntaggedPolicy,
    now: Timestamp,
) -> Result<(Action, DeleteTagImpact), ModelError> {
    let cb = project.codebook();
    let doomed: TagSet = cb.with_descendants(tag).into_iter().collect();
    if cb.get(tag).is_none() {
        return Err(ModelError::NoSuchTag(tag));
    }
    if let UntaggedPolicy::Retag(t) = policy {
        if doomed.contains(&t) {
            return Err(ModelError::MergeIntoSelf);
        }
        if cb.get(t).is_none() {
            return Err(ModelError::NoSuchTag(t));
        }
    }
    let mut impact = DeleteTagImpact {
        nested_tags: doomed.len() - 1,
        ..DeleteTagImpact::default()
    };
    let mut actions = Vec::new();
    let mut orphan_readds = Vec::new();
    for a in project.annotations() {
        if a.tags.is_disjoint(&doomed) {
            continue;
        }
        let mut tags: TagSet = a.tags.difference(&doomed).copied().collect();
        if tags.is_empty() {
            impact.left_untagged += 1;
            match policy {
                UntaggedPolicy::DeletePassages => {
                    actions.push(Action::RemoveAnnotation(a.id));
                    continue;
                }
                UntaggedPolicy::Retag(t) => {
                    tags.insert(t);
                }
            }
        } else {
            impact.lose_tag += 1;
        }
        actions.push(Action::SetAnnotationTags {
            annotation: a.id,
            tags,
            modified: now,
        });
    }
    for o in project.orphans() {
        if o.annotation.tags.is_disjoint(&doomed) {
            continue;
        }
        impact.orphans += 1;
        let mut tags: TagSet = o.annotation.tags.difference(&doomed).copied().collect();
        actions.push(Action::RemoveOrphan(o.annotation.id));
        if tags.is_empty() {
            match policy {
                UntaggedPolicy::DeletePassages => continue,
                UntaggedPolicy::Retag(t) => {
                    tags.insert(t);
                }
            }
        }
        let mut o = o.clone();
        o.annotation.tags = tags;
        o.annotation.modified = now;
        orphan_readds.push(Action::AddOrphan(Box::new(o)));
    }
    actions.extend(orphan_readds);
    // Children before parents.
    let mut order: Vec<TagId> = cb.with_descendants(tag);
    order.reverse();
    actions.extend(order.into_iter().map(Action::RemoveTag));
    let name = cb.path(tag);
    Ok((
        Action::Batch {
            label: format!("delete tag {name}"),
            actions,
        },
        impact,
    ))
}

/// Merges tag `from` into `into`: every passage with `from` gets `into`
/// instead, tags nested in `from` move under `into`, and `from` is deleted.
///
/// # Errors
/// When either tag is missing, they are the same, or `into` is nested in `from`.
pub fn merge_tags(
    project: &Project,
    from: TagId,
    into: TagId,
    now: Timestamp,
) -> Result<Action, ModelError> {
    let cb = project.codebook();
    if from == into {
        return Err(ModelError::MergeIntoSelf);
    }
    let (Some(f), Some(i)) = (cb.get(from), cb.get(into)) else {
        return Err(ModelError::NoSuchTag(if cb.get(from).is_none() {
            from
        } else {
            into
        }));
    };
    if cb.with_descendants(from).contains(&into) {
        return Err(ModelError::Cycle(into));
    }
    let mut actions = Vec::new();
    for child in cb.children(Some(from)) {
        let mut props = child.props.clone();
        props.parent = Some(into);
        actions.push(Action::SetTagProps {
            tag: child.id,
            props,
        });
    }
    for a in project.annotations() {
        if a.tags.contains(&from) {
            let mut tags = a.tags.clone();
            tags.remove(&from);
            tags.insert(into);
            actions.push(Action::SetAnnotationTags {
                annotation: a.id,
                tags,
                modified: now,
            });
        }
    }
    for o in project.orphans() {
        if o.annotation.tags.contains(&from) {
            let mut o2 = o.clone();
            o2.annotation.tags.remove(&from);
            o2.annotation.tags.insert(into);
            o2.annotation.modified = now;
            actions.push(Action::RemoveOrphan(o.annotation.id));
            actions.push(Action::AddOrphan(Box::new(o2)));
        }
    }
    actions.push(Action::RemoveTag(from));
    Ok(Action::Batch {
        label: format!("merge tag {} into {}", f.props.name, i.props.name),
        actions,
    })
}

/// Removes an article with all its passages (undo restores them).
///
/// # Errors
/// When the article does not exist.
pub fn remove_article(project: &Project, article: ArticleId) -> Result<Action, ModelError> {
    let a = project
        .article(article)
        .ok_or(ModelError::NoSuchArticle(article))?;
    let mut actions: Vec<Action> = project
        .annotations_of(article)
        .map(|x| Action::RemoveAnnotation(x.id))
        .collect();
    actions.extend(
        project
            .orphans()
            .filter(|o| o.annotation.article == article)
            .map(|o| Action::RemoveOrphan(o.annotation.id)),
    );
    actions.push(Action::RemoveArticle(article));
    Ok(Action::Batch {
        label: format!("remove article {}", a.title),
        actions,
    })
}

/// Adds articles as one step.
#[must_use]
pub fn add_articles(articles: Vec<Article>) -> Action {
    let n = articles.len();
    Action::Batch {
        label: format!("import {}", super::words::plural(n, "article")),
        actions: articles
            .into_iter()
            .map(|a| Action::AddArticle(Box::new(a)))
            .collect(),
    }
}

/// What re-syncing one article with a changed text did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResyncReport {
    /// Passages still at their old position.
    pub unchanged: usize,
    /// Passages found verbatim elsewhere.
    pub moved: usize,
    /// Passages found approximately (text around or inside them changed).
    pub fuzzy: usize,
    /// Passages that could not be found; kept as orphans.
    pub orphaned: Vec<AnnotationId>,
    /// Earlier orphans found again.
    pub recovered: usize,
}

/// Replaces an article's text and re-anchors its passages (and any earlier
/// orphans of it); passages that cannot be found become orphans, never
/// deleted. One undoable action.
///
/// # Errors
/// When the article does not exist.
pub fn replace_text(
    project: &Project,
    article: ArticleId,
    text: &super::text::Text,
) -> Result<(Action, ResyncReport), ModelError> {
    use super::anchor::{Anchor, reanchor};
    if project.article(article).is_none() {
        return Err(ModelError::NoSuchArticle(article));
    }
    let old_text = &project
        .article(article)
        .ok_or(ModelError::NoSuchArticle(article))?
        .text;
    let mut report = ResyncReport::default();
    let mut actions: Vec<Action> = project
        .annotations_of(article)
        .map(|a| Action::RemoveAnnotation(a.id))
        .collect();
    let old_orphans: Vec<&Orphan> = project
        .orphans()
        .filter(|o| o.annotation.article == article)
        .collect();
    actions.extend(
        old_orphans
            .iter()
            .map(|o| Action::RemoveOrphan(o.annotation.id)),
    );
    actions.push(Action::SetArticleText {
        article,
        text: text.clone(),
    });
    let candidates = project
        .annotations_of(article)
        .map(|a| (a, Quote::capture(old_text, a.span), false))
        .chain(
            old_orphans
                .into_iter()
                .map(|o| (&o.annotation, o.quote.clone(), true)),
        );
    for (a, quote, was_orphan) in candidates {
        let found = reanchor(text, a.span, &quote);
        match found {
            Anchor::Orphan => {
                if !was_orphan {
                    report.orphaned.push(a.id);
                }
                actions.push(Action::AddOrphan(Box::new(Orphan {
                    annotation: a.clone(),
                    quote,
                })));
                continue;
            }
            Anchor::Unchanged(_) => report.unchanged += 1,
            Anchor::Moved(_) => report.moved += 1,
            Anchor::Fuzzy(..) => report.fuzzy += 1,
        }
        if was_orphan {
            report.recovered += 1;
        }
        let mut moved = a.clone();
        if let Some(span) = found.span() {
            moved.span = span;
        }
        actions.push(Action::AddAnnotation(Box::new(moved)));
    }
    Ok((
        Action::Batch {
            label: "re-sync article with its source".into(),
            actions,
        },
        report,
    ))
}

/// What [`tag_selection`] prepared.
#[derive(Debug)]
pub struct TagSelection {
    /// The step to apply.
    pub action: Action,
    /// The passage that carries the tag afterwards (to keep it picked);
    /// `None` when the tag was removed from it.
    pub passage: Option<AnnotationId>,
    /// True when the selection was already a passage with that tag (the
    /// action does nothing).
    pub already: bool,
}

/// Tags what the analyst has: a selection becomes a passage with `tag` (or
/// an existing passage with exactly that span gets the tag); with no new
/// selection, the picked passage gets `tag` added or removed. One rule for
/// tag keys, the codebook, the quick-tag box and the context menu.
///
/// # Errors
/// When the article or passage does not exist, or there is nothing to tag
/// ([`ModelError::EmptySpan`]).
pub fn tag_selection(
    project: &Project,
    article: ArticleId,
    selection: Option<Span>,
    picked: Option<AnnotationId>,
    tag: TagId,
    stamp: &Stamp,
) -> Result<TagSelection, ModelError> {
    let picked_span = picked.and_then(|id| project.annotation(id)).map(|a| a.span);
    if let Some(span) = selection.filter(|s| !s.is_empty())
        && picked_span != Some(span)
    {
        let (mut actions, n) = tag_spans(project, article, &[span], tag, stamp)?;
        // Reading has begun: an unread article's first passage makes it in
        // progress (in the same step, so undo takes both back). A status the
        // analyst set by hand (in progress, done) is left as it is.
        if project
            .article(article)
            .is_some_and(|a| a.status == ReviewStatus::Unread)
            && project.annotation_count(article) == 0
            && actions
                .iter()
                .any(|a| matches!(a, Action::AddAnnotation(_)))
        {
            actions.push(Action::SetArticleStatus {
                article,
                status: ReviewStatus::InProgress,
            });
        }
        let passage = actions
            .iter()
            .find_map(|a| match a {
                Action::AddAnnotation(x) => Some(x.id),
                Action::SetAnnotationTags { annotation, .. } => Some(*annotation),
                _ => None,
            })
            .or_else(|| {
                project
                    .annotations_of(article)
                    .find(|a| a.span == span)
                    .map(|a| a.id)
            });
        return Ok(TagSelection {
            action: Action::Batch {
                label: format!("tag passage {}", project.codebook().path(tag)),
                actions,
            },
            passage,
            already: n == 0,
        });
    }
    let Some(id) = picked else {
        return Err(ModelError::EmptySpan);
    };
    let action = toggle_tag(project, id, tag, stamp.at)?;
    let passage = (!matches!(action, Action::RemoveAnnotation(_))).then_some(id);
    Ok(TagSelection {
        action,
        passage,
        already: false,
    })
}

/// Tags found matches (per article) with `tag` as one step; spans that
/// already carry it are left alone. Returns the step and how many passages
/// it tags.
///
/// # Errors
/// When an article does not exist.
pub fn tag_hits(
    project: &Project,
    tag: TagId,
    hits: &[(ArticleId, Vec<Span>)],
    stamp: &Stamp,
) -> Result<(Action, usize), ModelError> {
    let mut actions = Vec::new();
    let mut n = 0;
    for (article, spans) in hits {
        let (mut a, k) = tag_spans(project, *article, spans, tag, stamp)?;
        actions.append(&mut a);
        n += k;
    }
    let label = format!(
        "tag {} with {}",
        super::words::plural(n, "match"),
        project.codebook().path(tag)
    );
    Ok((Action::Batch { label, actions }, n))
}

/// What a re-sync did, over all articles.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResyncSummary {
    /// Articles whose new text was taken in.
    pub articles: usize,
    /// Passages orphaned.
    pub orphaned: usize,
    /// Per article, what happened to its passages.
    pub reports: Vec<(ArticleId, ResyncReport)>,
    /// Articles whose text could not be replaced, with why.
    pub failed: Vec<(ArticleId, ModelError)>,
}

/// Takes changed source texts in, re-anchoring every passage (orphans are
/// kept), as one step. Used by `gloss check --resync` and the window.
pub fn resync(
    project: &Project,
    changed: Vec<(ArticleId, super::text::Text)>,
) -> (Action, ResyncSummary) {
    let mut work = project.clone();
    let mut actions = Vec::new();
    let mut summary = ResyncSummary::default();
    for (id, text) in changed {
        match replace_text(&work, id, &text).and_then(|(action, report)| {
            work.apply(action.clone())?;
            Ok((action, report))
        }) {
            Ok((action, report)) => {
                summary.articles += 1;
                summary.orphaned += report.orphaned.len();
                summary.reports.push((id, report));
                actions.push(action);
            }
            Err(e) => summary.failed.push((id, e)),
        }
    }
    (
        Action::Batch {
            label: "re-sync with sources".into(),
            actions,
        },
        summary,
    )
}

/// Moves a passage's start and end by `ds` and `de` chars, within its text.
///
/// # Errors
/// When the passage does not exist or would become empty.
pub fn nudge(
    project: &Project,
    id: AnnotationId,
    ds: isize,
    de: isize,
    now: Timestamp,
) -> Result<Action, ModelError> {
    let a = project
        .annotation(id)
        .ok_or(ModelError::NoSuchAnnotation(id))?;
    let len = project.text_len(a.article);
    let s = a.span.start().saturating_add_signed(ds).min(len);
    let e = a.span.end().saturating_add_signed(de).min(len);
    let span = Span::new(s, e).map_err(|_| ModelError::EmptySpan)?;
    if span.is_empty() {
        return Err(ModelError::EmptySpan);
    }
    Ok(Action::SetAnnotationSpan {
        annotation: id,
        span,
        modified: now,
    })
}
