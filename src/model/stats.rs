//! Counts over a project, shared by the window and `gloss stats`.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::ids::{ArticleId, TagId};
use super::project::Project;
use super::span::Span;

/// Figures for one tag.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TagStats {
    /// Tag id.
    pub id: u64,
    /// Full path, `Parent/Child`.
    pub path: String,
    /// Passages carrying the tag itself.
    pub passages: usize,
    /// Articles with at least one such passage.
    pub articles: usize,
    /// Characters covered (overlaps within an article counted once).
    pub chars: usize,
}

/// Figures for a whole project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Articles.
    pub articles: usize,
    /// Articles by review status.
    pub unread: usize,
    /// Articles in progress.
    pub in_progress: usize,
    /// Articles done.
    pub done: usize,
    /// Annotations (tagged passages).
    pub annotations: usize,
    /// Annotations that lost their place after a text change.
    pub orphans: usize,
    /// Tags in the codebook.
    pub tags: usize,
    /// Per tag, in codebook path order.
    pub per_tag: Vec<TagStats>,
}

/// Computes the project's figures.
#[must_use]
pub fn stats(project: &Project) -> Stats {
    use super::article::ReviewStatus;
    let mut spans: BTreeMap<TagId, BTreeMap<ArticleId, Vec<Span>>> = BTreeMap::new();
    for a in project.annotations() {
        for t in &a.tags {
            spans
                .entry(*t)
                .or_default()
                .entry(a.article)
                .or_default()
                .push(a.span);
        }
    }
    let mut per_tag: Vec<TagStats> = project
        .codebook()
        .iter()
        .map(|t| {
            let by_article = spans.remove(&t.id).unwrap_or_default();
            TagStats {
                id: t.id.0,
                path: project.codebook().path(t.id),
                passages: by_article.values().map(Vec::len).sum(),
                articles: by_article.len(),
                chars: by_article.into_values().map(union_len).sum(),
            }
        })
        .collect();
    per_tag.sort_by(|a, b| a.path.cmp(&b.path));
    let count = |s: ReviewStatus| project.articles().filter(|a| a.status == s).count();
    Stats {
        articles: project.articles().len(),
        unread: count(ReviewStatus::Unread),
        in_progress: count(ReviewStatus::InProgress),
        done: count(ReviewStatus::Done),
        annotations: project.annotations().len(),
        orphans: project.orphans().len(),
        tags: project.codebook().len(),
        per_tag,
    }
}

/// Total length of the union of spans.
fn union_len(mut spans: Vec<Span>) -> usize {
    spans.sort();
    let mut total = 0;
    let mut cur: Option<(usize, usize)> = None;
    for s in spans {
        match cur {
            Some((a, b)) if s.start() <= b => cur = Some((a, b.max(s.end()))),
            Some((a, b)) => {
                total += b - a;
                cur = Some((s.start(), s.end()));
            }
            None => cur = Some((s.start(), s.end())),
        }
    }
    total + cur.map_or(0, |(a, b)| b - a)
}

/// Articles carrying any of `tags` (for list filters).
#[must_use]
pub fn articles_with_tags(project: &Project, tags: &[TagId]) -> HashSet<ArticleId> {
    project
        .annotations()
        .filter(|a| tags.iter().any(|t| a.tags.contains(t)))
        .map(|a| a.article)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::project;

    #[test]
    fn counts_passages_articles_and_covered_chars() {
        let (p, _) = project(&["[ab[cd]{T}ef]{T} [gh]{U}", "[xyz]{T}"]);
        let s = stats(&p);
        assert_eq!((s.articles, s.annotations, s.tags), (2, 4, 2));
        let t = &s.per_tag[0];
        assert_eq!(
            (t.path.as_str(), t.passages, t.articles, t.chars),
            ("T", 3, 2, 9)
        );
        assert_eq!(s.per_tag[1].chars, 2);
    }
}
