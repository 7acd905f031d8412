//! Tagging many spans at once: the matches of a pattern across the corpus,
//! or the spans an analyst picked in one article. What each article's spans
//! make is worked out on every core; the passages are then made, and
//! numbered, in article order.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::action::Action;
use super::annotation::{Annotation, Stamp};
use super::codebook::{Tag, TagProps};
use super::error::ModelError;
use super::ids::{AnnotationId, ArticleId, TagId};
use super::project::{Project, check_tag_name};
use super::span::Span;
use super::tagset::TagSet;

/// Finds the tag at `path` (`Parent/Child`), or builds the actions that create
/// the missing tags along it. Returns the tag id and the actions (empty when
/// the tag exists).
///
/// # Errors
/// [`ModelError::BadTagName`] when a path segment is not a valid name.
pub fn ensure_tag_path(project: &Project, path: &str) -> Result<(TagId, Vec<Action>), ModelError> {
    let mut parent: Option<TagId> = None;
    let mut actions = Vec::new();
    let mut created = 0;
    for name in path.split('/') {
        let name = name.trim();
        check_tag_name(name)?;
        let existing = if actions.is_empty() {
            project
                .codebook()
                .children(parent)
                .into_iter()
                .find(|t| t.props.name == name)
                .map(|t| t.id)
        } else {
            None
        };
        let id = if let Some(id) = existing {
            id
        } else {
            let id = project.ids().tag();
            let colour = super::codebook::PALETTE
                [(project.codebook().len() + created) % super::codebook::PALETTE.len()];
            created += 1;
            actions.push(Action::AddTag(Tag {
                id,
                props: TagProps {
                    name: name.to_owned(),
                    colour,
                    parent,
                    shortcut: None,
                    description: String::new(),
                },
            }));
            id
        };
        parent = Some(id);
    }
    parent
        .map(|p| (p, actions))
        .ok_or_else(|| ModelError::BadTagName(path.to_owned()))
}

/// Why tagging the matches of a pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagMatchesError {
    /// More matches than allowed in one command.
    #[error(
        "the pattern matches more than {max} passages; nothing was tagged. Narrow the pattern, or raise the limit (gloss tag --max N)"
    )]
    TooMany {
        /// The limit.
        max: usize,
    },
    /// The model refused.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// What [`tag_matches`] prepared.
#[derive(Debug)]
pub struct TagMatches {
    /// One undoable step: the new tags, then the new passages.
    pub action: Action,
    /// Passages newly tagged (new ones and existing ones that got the tag).
    pub passages: usize,
    /// Articles with at least one of them.
    pub articles: usize,
}

/// Tags every non-empty match of `re` in `articles` with the tag at
/// `tag_path` (created if missing), as one step: a passage with exactly a
/// match's span gets the tag added, other matches become new passages.
/// Matches are counted as they are found, and the whole command is refused
/// as soon as more than `max` would be tagged, so a pattern that matches
/// everywhere never exhausts memory.
///
/// # Errors
/// [`TagMatchesError`]; the project is unchanged (ids may be used up).
pub fn tag_matches(
    project: &Project,
    articles: &[ArticleId],
    re: &regex::Regex,
    tag_path: &str,
    stamp: &Stamp,
    max: usize,
) -> Result<TagMatches, TagMatchesError> {
    let (tag, mut actions) = ensure_tag_path(project, tag_path)?;
    let label = format!("tag matches with {tag_path}");
    let mut total = 0;
    let mut with = 0;
    let targets = articles
        .iter()
        .map(|&id| project.article(id).ok_or(ModelError::NoSuchArticle(id)))
        .collect::<Result<Vec<_>, _>>()?;
    // The texts are searched on every core; the passages are then made in
    // article order, so their ids follow it. Matches of passages that
    // already have the tag make none, so more matches than `max` plus every
    // passage there is means too many: the search stops there rather than
    // holding them all.
    let cap = max.saturating_add(project.annotations().len());
    let seen = AtomicUsize::new(0);
    let found: Option<Vec<(ArticleId, Vec<Span>)>> = targets
        .par_iter()
        .map(|a| {
            let id = a.id;
            if project.unavailable(id).is_some() {
                return Some((id, Vec::new()));
            }
            let mut spans = Vec::new();
            for span in super::search::match_spans(re, &a.text) {
                if seen.fetch_add(1, Ordering::Relaxed) >= cap {
                    return None;
                }
                spans.push(span);
            }
            Some((id, spans))
        })
        .collect();
    let Some(found) = found else {
        return Err(TagMatchesError::TooMany { max });
    };
    // Each article's passages, from one walk through them all (looking
    // each up by id, article by article, costs far more).
    let grouped = if found.iter().any(|(_, spans)| !spans.is_empty()) {
        project.passages_by_article()
    } else {
        Vec::new()
    };
    let existing: HashMap<ArticleId, &[&Annotation]> = grouped
        .iter()
        .map(|(a, passages)| (a.id, passages.as_slice()))
        .collect();
    // What each article's matches make is worked out on every core, a few
    // thousand articles at a time, then made in article order.
    for wave in found.chunks(PLANNED_AT_ONCE) {
        let planned: Vec<(ArticleId, usize, Vec<Planned>)> = wave
            .par_iter()
            .filter(|(_, spans)| !spans.is_empty())
            .map(|(id, spans)| {
                let here = existing.get(id).copied().unwrap_or_default();
                (*id, spans.len(), plan_spans(here, spans, tag))
            })
            .collect();
        let mut made = Vec::with_capacity(planned.len());
        for (id, found, plan) in planned {
            if total + found > max {
                return Err(TagMatchesError::TooMany { max });
            }
            total += plan.len();
            with += usize::from(!plan.is_empty());
            made.push((id, plan));
        }
        make_planned(project, made, tag, stamp, &mut actions);
    }
    Ok(TagMatches {
        action: Action::Batch { label, actions },
        passages: total,
        articles: with,
    })
}

/// Tags every span in `spans` of `article` with `tag`: spans that already have
/// an annotation with exactly that span get the tag added (or are skipped if
/// they have it); the others get a new annotation. Returns the action and the
/// number of passages newly tagged.
///
/// # Errors
/// When the article does not exist.
pub fn tag_spans(
    project: &Project,
    article: ArticleId,
    spans: &[Span],
    tag: TagId,
    stamp: &Stamp,
) -> Result<(Vec<Action>, usize), ModelError> {
    if project.article(article).is_none() {
        return Err(ModelError::NoSuchArticle(article));
    }
    let existing: Vec<&Annotation> = project.annotations_of(article).collect();
    let planned = plan_spans(&existing, spans, tag);
    let mut actions = Vec::with_capacity(planned.len());
    make_planned(project, vec![(article, planned)], tag, stamp, &mut actions);
    let n = actions.len();
    Ok((actions, n))
}

/// Articles whose matches [`tag_matches`] works out at once.
const PLANNED_AT_ONCE: usize = 4096;

/// What tagging one span makes.
enum Planned {
    /// The tag added to the passage with exactly that span: its id and
    /// new tags.
    Retag(AnnotationId, TagSet),
    /// A new passage.
    New(Span),
}

/// The rule of [`tag_spans`], given the article's passages, without making
/// anything (so it can run for many articles at once).
fn plan_spans(existing: &[&Annotation], spans: &[Span], tag: TagId) -> Vec<Planned> {
    // By span, and among passages with the same span by id: the last is
    // the one a span finds.
    let mut by_span: Vec<(Span, &Annotation)> = existing.iter().map(|a| (a.span, *a)).collect();
    by_span.sort_by_key(|(s, a)| (*s, a.id));
    // Spans that ascend have no two alike (a pattern's matches ascend).
    let ascending = spans.windows(2).all(|w| w[0] < w[1]);
    let mut seen = std::collections::HashSet::new();
    let mut planned = Vec::new();
    for &span in spans {
        if span.is_empty() || (!ascending && !seen.insert(span)) {
            continue;
        }
        let after = by_span.partition_point(|(s, _)| *s <= span);
        match by_span[..after].last().filter(|(s, _)| *s == span) {
            Some((_, a)) if a.tags.contains(&tag) => {}
            Some((_, a)) => {
                let mut tags = a.tags.clone();
                tags.insert(tag);
                planned.push(Planned::Retag(a.id, tags));
            }
            None => planned.push(Planned::New(span)),
        }
    }
    planned
}

/// Appends to `actions` what `planned` says for each article, the new
/// passages numbered in order with one call to the allocator. Made on the
/// thread that applies them, which is also the one that frees them.
fn make_planned(
    project: &Project,
    planned: Vec<(ArticleId, Vec<Planned>)>,
    tag: TagId,
    stamp: &Stamp,
    actions: &mut Vec<Action>,
) {
    let new = planned
        .iter()
        .flat_map(|(_, p)| p)
        .filter(|p| matches!(p, Planned::New(_)))
        .count();
    let mut ids = (new > 0)
        .then(|| project.ids().annotations(new).0)
        .into_iter()
        .flat_map(|first| first..);
    for (article, plan) in planned {
        for p in plan {
            actions.push(match p {
                Planned::Retag(annotation, tags) => Action::SetAnnotationTags {
                    annotation,
                    tags,
                    modified: stamp.at,
                },
                Planned::New(span) => Action::AddAnnotation(Box::new(Annotation {
                    id: AnnotationId(ids.next().unwrap_or_default()),
                    article,
                    span,
                    tags: TagSet::from([tag]),
                    note: String::new(),
                    note_by: None,
                    author: stamp.by.clone(),
                    created: stamp.at,
                    modified: stamp.at,
                    adjudication: None,
                })),
            });
        }
    }
}
