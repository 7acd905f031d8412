//! The project: articles, codebook, annotations and notes, with the
//! invariants kept on every change.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use super::annotation::{Annotation, Orphan, Quote};
use super::article::{Article, ContentHash, Unavailable};
use super::codebook::Codebook;
use super::error::ModelError;
use super::ids::{AnnotationId, ArticleId, IdAllocator, NextIds, TagId};

/// A review project. Fields are private: every change goes through
/// [`Project::apply`] (see [`super::action`]), which keeps the invariants.
#[derive(Clone, Debug, Default)]
pub struct Project {
    pub(crate) memo: String,
    pub(crate) articles: BTreeMap<ArticleId, Article>,
    pub(crate) codebook: Codebook,
    pub(crate) annotations: BTreeMap<AnnotationId, Annotation>,
    pub(crate) orphans: BTreeMap<AnnotationId, Orphan>,
    /// Shared between a project and its clones (snapshots for background
    /// work), so ids handed out for a snapshot are never handed out again.
    pub(crate) next: std::sync::Arc<IdAllocator>,
    /// Articles whose text could not be read (their passages are read-only).
    pub(crate) unavailable: BTreeMap<ArticleId, Unavailable>,
    /// Conflicts a merge resolved, kept for the analyst to look at.
    pub(crate) conflicts: Vec<super::conflict::Conflict>,
    /// Derived: annotations of each article.
    pub(crate) by_article: HashMap<ArticleId, BTreeSet<AnnotationId>>,
    /// Derived: article of each content hash.
    pub(crate) by_hash: HashMap<ContentHash, ArticleId>,
    /// Derived: passages (not orphans) carrying each tag, kept up to date
    /// by every action, so the codebook's counts never recount a million
    /// passages after each tagging.
    pub(crate) tag_counts: HashMap<TagId, usize>,
}

/// Reads the text of passages given in order of article and start, as
/// exports list them: each article's text is walked once, and its char
/// index is never built (see [`super::text::Walker`]). Passages in another
/// order are read right, only more slowly; [`Project::passage`] reads one.
pub struct PassageReader<'p> {
    project: &'p Project,
    /// The article read last, and a walk through its text (`None` when
    /// it has no text).
    at: Option<(ArticleId, Option<super::text::Walker<'p>>)>,
}

impl<'p> PassageReader<'p> {
    /// A reader of `project`'s passages.
    #[must_use]
    pub fn new(project: &'p Project) -> Self {
        Self { project, at: None }
    }

    /// The text of `a`, as [`Project::passage`] gives it.
    pub fn passage(&mut self, a: &Annotation) -> &'p str {
        let project = self.project;
        if project.unavailable.contains_key(&a.article) {
            return project.passage(a);
        }
        if self.at.as_ref().is_none_or(|(id, _)| *id != a.article) {
            let walker = project
                .articles
                .get(&a.article)
                .map(|art| art.text.walker());
            self.at = Some((a.article, walker));
        }
        match &mut self.at {
            Some((_, Some(walker))) => walker.slice(a.span),
            _ => "",
        }
    }
}

/// Passages [`Project::validate`] checks at once, on every core.
const PASSAGES_AT_ONCE: usize = 1 << 16;

impl PartialEq for Project {
    fn eq(&self, o: &Self) -> bool {
        self.memo == o.memo
            && self.articles == o.articles
            && self.codebook == o.codebook
            && self.annotations == o.annotations
            && self.orphans == o.orphans
            && self.next == o.next
            && self.unavailable == o.unavailable
            && self.conflicts == o.conflicts
    }
}
impl Eq for Project {}

/// One broken invariant, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, e.g. `annotation 17`.
    pub location: String,
    /// The problem, in words.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl Project {
    /// An empty project.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a project from loaded parts, checking every invariant. Returns
    /// every problem found, not just the first.
    ///
    /// # Errors
    /// The list of problems when any invariant is broken.
    pub fn from_parts(
        memo: String,
        articles: Vec<Article>,
        codebook: Codebook,
        annotations: Vec<Annotation>,
        orphans: Vec<Orphan>,
        next: NextIds,
    ) -> Result<Self, Vec<Problem>> {
        Self::from_parts_with(
            memo,
            articles,
            codebook,
            annotations,
            orphans,
            next,
            BTreeMap::new(),
        )
    }

    /// [`Project::from_parts`] with some articles' texts unavailable (their
    /// `text` is empty; their passages are kept read-only).
    ///
    /// # Errors
    /// The list of problems when any invariant is broken.
    pub fn from_parts_with(
        memo: String,
        articles: Vec<Article>,
        codebook: Codebook,
        annotations: Vec<Annotation>,
        orphans: Vec<Orphan>,
        next: NextIds,
        unavailable: BTreeMap<ArticleId, Unavailable>,
    ) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let (annotations, _) = passages_by_id(
            annotations.into_iter().map(|a| (a, ())).collect(),
            &mut problems,
        );
        let (p, more) = Self::assemble(
            memo,
            articles,
            codebook,
            annotations,
            orphans,
            next,
            unavailable,
        );
        problems.extend(more);
        problems.extend(p.validate());
        if problems.is_empty() {
            Ok(p)
        } else {
            Err(problems)
        }
    }

    /// The project of these parts, with what makes it invalid so far (an
    /// id twice), before [`Project::validate`]. For a reader that checked
    /// every text against its hash as it read it, and so validates with
    /// [`Project::validate_read`].
    pub(crate) fn assemble(
        memo: String,
        articles: Vec<Article>,
        codebook: Codebook,
        annotations: BTreeMap<AnnotationId, Annotation>,
        orphans: Vec<Orphan>,
        next: NextIds,
        unavailable: BTreeMap<ArticleId, Unavailable>,
    ) -> (Self, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut p = Project {
            memo,
            codebook,
            next: std::sync::Arc::new(IdAllocator::starting_at(next)),
            unavailable,
            ..Project::default()
        };
        // Built from the sorted articles in one go, which fills the map's
        // nodes (inserting one by one leaves them about half empty). The
        // first of two articles with one id is kept, as the file has them.
        let mut articles = articles;
        articles.sort_by_key(|a| a.id);
        articles.dedup_by(|later, kept| {
            let twice = later.id == kept.id;
            if twice {
                problems.push(problem(later.id, "appears twice"));
            }
            twice
        });
        p.articles = articles.into_iter().map(|a| (a.id, a)).collect();
        p.annotations = annotations;
        for o in orphans {
            let id = o.annotation.id;
            if p.annotations.contains_key(&id) || p.orphans.contains_key(&id) {
                problems.push(problem(id, "appears twice (as orphan)"));
                continue;
            }
            p.orphans.insert(id, o);
        }
        p.reindex();
        (p, problems)
    }

    /// Rebuilds the derived indexes.
    pub(crate) fn reindex(&mut self) {
        // Passages come in id order, and an article's passages mostly in
        // runs (an analyst tags one article, then the next): each run's
        // article is looked up once, and a first run makes the article's
        // set in one go, with full nodes. Tags are counted in a small
        // ordered map: a project has few tags and a million passages.
        let mut by_article: HashMap<ArticleId, BTreeSet<AnnotationId>> =
            HashMap::with_capacity(self.articles.len());
        let mut tag_counts: BTreeMap<TagId, usize> = BTreeMap::new();
        let mut run: Vec<AnnotationId> = Vec::new();
        let mut add_run = |article: ArticleId, run: &mut Vec<AnnotationId>| match by_article
            .entry(article)
        {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(run.drain(..).collect());
            }
            std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().extend(run.drain(..)),
        };
        let mut current = None;
        for a in self.annotations.values() {
            if current != Some(a.article) {
                if let Some(article) = current {
                    add_run(article, &mut run);
                }
                current = Some(a.article);
            }
            run.push(a.id);
            for t in &a.tags {
                *tag_counts.entry(*t).or_insert(0) += 1;
            }
        }
        if let Some(article) = current {
            add_run(article, &mut run);
        }
        self.by_article = by_article;
        self.tag_counts = tag_counts.into_iter().collect();
        self.by_hash = self
            .articles
            .values()
            .map(|a| (a.hash.clone(), a.id))
            .collect();
    }

    /// Checks every invariant and lists what is broken.
    #[must_use]
    pub fn validate(&self) -> Vec<Problem> {
        self.check(true)
    }

    /// [`Project::validate`] for a project whose every available text was
    /// checked against its hash as it was read (opening a file), which is
    /// most of the cost of validating.
    pub(crate) fn validate_read(&self) -> Vec<Problem> {
        self.check(false)
    }

    fn check(&self, hash_texts: bool) -> Vec<Problem> {
        let mut out = Vec::new();
        let next = self.next.next();
        let mut hashes: HashMap<&ContentHash, ArticleId> = HashMap::new();
        // Hashing every text is the costly part: on every core.
        let mismatched: std::collections::HashSet<ArticleId> = if hash_texts {
            self.articles
                .par_iter()
                .filter(|(id, a)| {
                    !self.unavailable.contains_key(id) && ContentHash::of(a.text.as_str()) != a.hash
                })
                .map(|(id, _)| *id)
                .collect()
        } else {
            std::collections::HashSet::new()
        };
        for a in self.articles.values() {
            if a.id.0 >= next.article {
                out.push(problem(a.id, "id is not below next_ids.article"));
            }
            if mismatched.contains(&a.id) {
                out.push(problem(a.id, "text does not match its content hash"));
            }
            if let Some(other) = hashes.insert(&a.hash, a.id) {
                out.push(problem(a.id, format!("has the same text as {other}")));
            }
        }
        let mut shortcuts: HashMap<char, TagId> = HashMap::new();
        let mut names: HashMap<(Option<TagId>, &str), TagId> = HashMap::new();
        for t in self.codebook.iter() {
            if t.id.0 >= next.tag {
                out.push(problem(t.id, "id is not below next_ids.tag"));
            }
            if let Err(e) = check_tag_name(&t.props.name) {
                out.push(problem(t.id, e.to_string()));
            }
            if let Some(p) = t.props.parent {
                if self.codebook.get(p).is_none() {
                    out.push(problem(t.id, format!("parent {p} does not exist")));
                } else if self.codebook.would_cycle(t.id, Some(p)) {
                    out.push(problem(t.id, "is nested inside itself"));
                }
            }
            if let Some(k) = t.props.shortcut
                && let Some(other) = shortcuts.insert(k, t.id)
            {
                out.push(problem(t.id, format!("shortcut {k:?} is also {other}'s")));
            }
            if let Some(other) = names.insert((t.props.parent, &t.props.name), t.id) {
                out.push(problem(
                    t.id,
                    format!(
                        "name {:?} is also {other}'s, under the same parent",
                        t.props.name
                    ),
                ));
            }
        }
        // A million passages at 100,000 articles: checked on every core, a
        // slice at a time (a list of them all would be a transient 15 MB
        // at the end of an open, when its memory peaks).
        let mut passages = self
            .annotations
            .values()
            .map(|a| (a, false))
            .chain(self.orphans.values().map(|o| (&o.annotation, true)))
            .peekable();
        let mut slice: Vec<(&Annotation, bool)> = Vec::with_capacity(PASSAGES_AT_ONCE);
        while passages.peek().is_some() {
            slice.clear();
            slice.extend(passages.by_ref().take(PASSAGES_AT_ONCE));
            out.par_extend(
                slice
                    .par_iter()
                    .flat_map_iter(|&(a, orphan)| self.passage_problems(a, orphan)),
            );
        }
        out
    }

    /// What is wrong with passage `a` (an orphan's span is not checked: it
    /// refers to the text as it was).
    fn passage_problems(&self, a: &Annotation, orphan: bool) -> Vec<Problem> {
        let mut out = Vec::new();
        if a.tags.is_empty() {
            out.push(problem(a.id, "has no tags"));
        }
        for t in &a.tags {
            if self.codebook.get(*t).is_none() {
                out.push(problem(a.id, format!("{t} does not exist")));
            }
        }
        let Some(art) = self.articles.get(&a.article) else {
            out.push(problem(a.id, format!("{} does not exist", a.article)));
            return out;
        };
        if orphan {
            return out;
        }
        if a.span.is_empty() {
            out.push(problem(a.id, "has an empty span"));
        }
        let len = self.text_len(art.id);
        if a.span.end() > len {
            out.push(problem(
                a.id,
                format!(
                    "span {} lies outside {}'s text ({len} chars)",
                    a.span, art.id
                ),
            ));
        }
        out
    }

    /// The project memo.
    #[must_use]
    pub fn memo(&self) -> &str {
        &self.memo
    }

    /// The codebook.
    #[must_use]
    pub fn codebook(&self) -> &Codebook {
        &self.codebook
    }

    /// The article with this id.
    #[must_use]
    pub fn article(&self, id: ArticleId) -> Option<&Article> {
        self.articles.get(&id)
    }

    /// All articles in id order.
    pub fn articles(&self) -> impl ExactSizeIterator<Item = &Article> {
        self.articles.values()
    }

    /// The article with this content hash.
    #[must_use]
    pub fn article_by_hash(&self, hash: &ContentHash) -> Option<ArticleId> {
        self.by_hash.get(hash).copied()
    }

    /// The annotation with this id.
    #[must_use]
    pub fn annotation(&self, id: AnnotationId) -> Option<&Annotation> {
        self.annotations.get(&id)
    }

    /// All annotations in id order.
    pub fn annotations(&self) -> impl ExactSizeIterator<Item = &Annotation> {
        self.annotations.values()
    }

    /// Annotations that could not be re-anchored after their article's text
    /// changed; kept so nothing is lost.
    pub fn orphans(&self) -> impl ExactSizeIterator<Item = &Orphan> {
        self.orphans.values()
    }

    /// The text and context of an annotation's passage, taken from its
    /// article's text (or, when that is unavailable, as the file recorded it).
    #[must_use]
    pub fn quote(&self, a: &Annotation) -> Quote {
        if let Some(u) = self.unavailable.get(&a.article) {
            return u.quotes.get(&a.id).cloned().unwrap_or_default();
        }
        self.articles
            .get(&a.article)
            .map(|art| Quote::capture(&art.text, a.span))
            .unwrap_or_default()
    }

    /// The text of an annotation's passage.
    #[must_use]
    pub fn passage(&self, a: &Annotation) -> &str {
        if let Some(u) = self.unavailable.get(&a.article) {
            return u.quotes.get(&a.id).map_or("", |q| q.exact.as_str());
        }
        self.articles
            .get(&a.article)
            .map_or("", |art| art.text.slice(a.span))
    }

    /// Why an article's text is unavailable, if it is (see [`Unavailable`]).
    #[must_use]
    pub fn unavailable(&self, article: ArticleId) -> Option<&Unavailable> {
        self.unavailable.get(&article)
    }

    /// Every article whose text is unavailable.
    pub fn unavailable_articles(&self) -> impl Iterator<Item = (ArticleId, &Unavailable)> {
        self.unavailable.iter().map(|(id, u)| (*id, u))
    }

    /// The length in chars of an article's text (as recorded, when the text
    /// is unavailable); 0 for an unknown article.
    #[must_use]
    pub fn text_len(&self, article: ArticleId) -> usize {
        match self.unavailable.get(&article) {
            Some(u) => u.chars,
            None => self.articles.get(&article).map_or(0, |a| a.text.char_len()),
        }
    }

    /// Refuses changes to the passages of an article whose text is
    /// unavailable.
    ///
    /// # Errors
    /// [`ModelError::TextUnavailable`].
    pub fn check_available(&self, article: ArticleId) -> Result<(), ModelError> {
        if self.unavailable.contains_key(&article) {
            Err(ModelError::TextUnavailable(article))
        } else {
            Ok(())
        }
    }

    /// The annotations of one article, in id order.
    pub fn annotations_of(&self, article: ArticleId) -> impl Iterator<Item = &Annotation> {
        self.by_article
            .get(&article)
            .into_iter()
            .flatten()
            .filter_map(|id| self.annotations.get(id))
    }

    /// Each article that has passages, in article order, with its passages in
    /// id order: one pass over the passages, instead of looking each one up
    /// again for every figure (statistics, tagging).
    ///
    /// Each list is made at its final size, from the project's index: at a
    /// million passages, lists grown one passage at a time would hold a third
    /// more than they need.
    #[must_use]
    pub fn passages_by_article(&self) -> Vec<(&Article, Vec<&Annotation>)> {
        let mut slot: HashMap<ArticleId, usize> = HashMap::new();
        let mut tagged: Vec<(&Article, Vec<&Annotation>)> = Vec::new();
        for a in self.articles.values() {
            let n = self.annotation_count(a.id);
            if n > 0 {
                slot.insert(a.id, tagged.len());
                tagged.push((a, Vec::with_capacity(n)));
            }
        }
        // Passages come in id order, an article's mostly in runs: each run's
        // article is looked up once.
        let mut last: Option<(ArticleId, Option<usize>)> = None;
        for x in self.annotations.values() {
            let i = match last {
                Some((article, i)) if article == x.article => i,
                _ => {
                    let i = slot.get(&x.article).copied();
                    last = Some((x.article, i));
                    i
                }
            };
            if let Some(i) = i {
                tagged[i].1.push(x);
            }
        }
        tagged
    }

    /// Number of annotations on one article.
    #[must_use]
    pub fn annotation_count(&self, article: ArticleId) -> usize {
        self.by_article.get(&article).map_or(0, BTreeSet::len)
    }

    /// An independent copy, as another analyst's copy of the file would be:
    /// the same content with its own id counters (a plain clone shares them,
    /// so a snapshot never hands out an id the project will).
    #[must_use]
    pub fn fork(&self) -> Self {
        let mut p = self.clone();
        p.next = std::sync::Arc::new(IdAllocator::starting_at(self.next_ids()));
        p
    }

    /// The project with `conflicts` as its list of merge conflicts (when
    /// building one from a file).
    #[must_use]
    pub fn with_conflicts(mut self, conflicts: Vec<super::conflict::Conflict>) -> Self {
        self.conflicts = conflicts;
        self
    }

    /// Conflicts a merge resolved, for the analyst to look at.
    #[must_use]
    pub fn conflicts(&self) -> &[super::conflict::Conflict] {
        &self.conflicts
    }

    /// The id counters.
    #[must_use]
    pub fn next_ids(&self) -> NextIds {
        self.next.next()
    }

    /// Hands out new ids (see [`IdAllocator`]).
    #[must_use]
    pub fn ids(&self) -> &IdAllocator {
        &self.next
    }

    /// Number of annotations (not counting orphans) carrying each tag (kept
    /// up to date by every action; a tag no passage carries is absent).
    #[must_use]
    pub fn tag_usage(&self) -> &HashMap<TagId, usize> {
        &self.tag_counts
    }

    /// Counts `tags` in (`true`) or out of [`Project::tag_usage`], for a
    /// passage added or removed.
    pub(crate) fn count_tags(&mut self, tags: &super::tagset::TagSet, added: bool) {
        for t in tags {
            if added {
                *self.tag_counts.entry(*t).or_insert(0) += 1;
            } else if let Some(n) = self.tag_counts.get_mut(t) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.tag_counts.remove(t);
                }
            }
        }
    }
}

/// Checks that a tag name is usable.
///
/// # Errors
/// [`ModelError::BadTagName`] for an empty name, one with `/`, one with
/// leading or trailing white space, or one with a control character, line or
/// paragraph separator or non-character (`U+FFFE`, `U+FFFF`), which no
/// exchange format can carry in a name.
pub fn check_tag_name(name: &str) -> Result<(), ModelError> {
    if name.is_empty() || name.contains('/') || name.trim() != name || name.contains(unprintable) {
        Err(ModelError::BadTagName(name.to_owned()))
    } else {
        Ok(())
    }
}

/// Characters no tag name may hold (see [`check_tag_name`]).
fn unprintable(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}')
}

/// A usable tag name made from any text another tool gave: `/` becomes `∕`,
/// characters [`check_tag_name`] refuses are dropped, white space at either
/// end is trimmed, and nothing left is `(unnamed)`.
#[must_use]
pub fn clean_tag_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !unprintable(*c))
        .map(|c| if c == '/' { '∕' } else { c })
        .collect();
    let kept = kept.trim();
    if kept.is_empty() {
        "(unnamed)".to_owned()
    } else {
        kept.to_owned()
    }
}

/// Passages keyed by id, for [`Project::assemble`], each with what travels
/// with it (`extra`, returned in id order): sorted and built in one go,
/// which is much faster than inserting each and, for pairs the size of the
/// map's entries, reuses their memory; a repeated id is a problem, and its
/// first passage is kept.
pub(crate) fn passages_by_id<X>(
    mut items: Vec<(Annotation, X)>,
    problems: &mut Vec<Problem>,
) -> (BTreeMap<AnnotationId, Annotation>, Vec<X>) {
    items.sort_by_key(|(a, _)| a.id);
    items.dedup_by(|later, kept| {
        let twice = later.0.id == kept.0.id;
        if twice {
            problems.push(problem(later.0.id, "appears twice"));
        }
        twice
    });
    let mut extra = Vec::with_capacity(items.len());
    let map = items
        .into_iter()
        .map(|(a, x)| {
            extra.push(x);
            (a.id, a)
        })
        .collect();
    (map, extra)
}

fn problem(location: impl std::fmt::Display, message: impl Into<String>) -> Problem {
    Problem {
        location: location.to_string(),
        message: message.into(),
    }
}
