//! Counts over a project, shared by the window and `gloss stats`.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};

use rayon::prelude::*;
use serde::Serialize;

use super::annotation::Annotation;
use super::article::Article;
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
    /// Per article with at least one passage: passages per tag.
    pub per_article: Vec<ArticleStats>,
    /// Pairs of tags that occur together (see [`cooccurrence`]).
    pub cooccurrence: Vec<Cooccurrence>,
    /// Passages per tag over time, by month of the article's date.
    pub timeline: Timeline,
}

/// Passages per tag in one article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ArticleStats {
    /// Article id.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Date, if known.
    pub date: Option<NaiveDate>,
    /// All passages.
    pub passages: usize,
    /// Passages per tag path, sorted by path (tags with none are left out).
    /// A short list rather than a map: a project has an entry per article,
    /// and a map's node is hundreds of bytes for one or two tags. Written
    /// as a map (`{"path": n}`).
    #[serde(serialize_with = "as_map")]
    pub per_tag: Vec<(String, usize)>,
}

/// The figures of one article with its passages (`paths`: each tag's path).
fn article_stats(
    a: &Article,
    passages: &[&Annotation],
    paths: &BTreeMap<TagId, String>,
) -> ArticleStats {
    let mut by_id: BTreeMap<TagId, usize> = BTreeMap::new();
    for x in passages {
        for t in &x.tags {
            *by_id.entry(*t).or_insert(0) += 1;
        }
    }
    let mut per_tag: Vec<(String, usize)> = Vec::with_capacity(by_id.len());
    for (t, n) in by_id {
        let path = paths.get(&t).map_or("", String::as_str);
        match per_tag.binary_search_by(|(p, _)| p.as_str().cmp(path)) {
            Ok(i) => per_tag[i].1 += n,
            Err(i) => per_tag.insert(i, (path.to_owned(), n)),
        }
    }
    ArticleStats {
        id: a.id.0,
        title: a.title.clone(),
        date: a.meta.date,
        passages: passages.len(),
        per_tag,
    }
}

fn as_map<S: serde::Serializer>(v: &[(String, usize)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, n)| (k, n)))
}

/// How often two tags occur together.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cooccurrence {
    /// One tag's path (the smaller path).
    pub a: String,
    /// The other's.
    pub b: String,
    /// Co-occurrences.
    pub count: usize,
}

/// Time buckets for the timeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Bucket {
    /// Calendar months (`2022-01`).
    #[default]
    Month,
    /// ISO weeks (`2022-W03`).
    Week,
}

/// Passages per tag per time bucket, by the date of their article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The bucket size.
    pub bucket: Bucket,
    /// Bucket labels, consecutive from the earliest to the latest date.
    pub labels: Vec<String>,
    /// Per tag path: one count per label.
    pub series: Vec<(String, Vec<usize>)>,
    /// Passages in articles without a date.
    pub undated: usize,
}

/// What one tag covers: passages, articles and distinct chars.
#[derive(Clone, Copy, Default)]
struct Cover {
    passages: usize,
    articles: usize,
    chars: usize,
}

impl Cover {
    fn add(&mut self, o: Self) {
        self.passages += o.passages;
        self.articles += o.articles;
        self.chars += o.chars;
    }
}

/// Computes the project's figures.
#[must_use]
pub fn stats(project: &Project) -> Stats {
    let (summary, per_article) = summary_and_articles(project);
    Stats {
        per_article: per_article.collect(),
        ..summary
    }
}

/// [`stats`] as its summary (`per_article` empty) and its per-article
/// figures, in the same order, made a few thousand articles at a time on
/// every core as they are taken: at 100,000 articles the figures held at
/// once are tens of megabytes, for a caller that writes them one by one.
pub fn summary_and_articles(project: &Project) -> (Stats, impl Iterator<Item = ArticleStats> + '_) {
    const AT_ONCE: usize = 4096;
    let tagged = project.passages_by_article();
    let summary = summary_of(project, &tagged);
    let paths = tag_paths(project);
    let articles = (0..tagged.len()).step_by(AT_ONCE).flat_map(move |i| {
        tagged[i..tagged.len().min(i + AT_ONCE)]
            .par_iter()
            .map(|(a, passages)| article_stats(a, passages, &paths))
            .collect::<Vec<_>>()
    });
    (summary, articles)
}

/// Each tag's path, made once, not once per passage.
fn tag_paths(project: &Project) -> BTreeMap<TagId, String> {
    let cb = project.codebook();
    cb.iter().map(|t| (t.id, cb.path(t.id))).collect()
}

/// The summary of [`summary_and_articles`] (everything but the per-article
/// figures) from the passages [`Project::passages_by_article`] gave.
fn summary_of(project: &Project, tagged: &[(&Article, Vec<&Annotation>)]) -> Stats {
    use super::article::ReviewStatus;
    // Each tag's passages, articles and chars covered, counted article by
    // article on every core (only one article's spans are held at a time).
    let mut covers = tagged
        .par_iter()
        .fold(
            BTreeMap::new,
            |mut m: BTreeMap<TagId, Cover>, (_, passages)| {
                let mut spans: BTreeMap<TagId, Vec<Span>> = BTreeMap::new();
                for x in passages {
                    for t in &x.tags {
                        spans.entry(*t).or_default().push(x.span);
                    }
                }
                for (t, v) in spans {
                    m.entry(t).or_default().add(Cover {
                        passages: v.len(),
                        articles: 1,
                        chars: union_len(v),
                    });
                }
                m
            },
        )
        .reduce(BTreeMap::new, |mut a, b| {
            for (t, c) in b {
                a.entry(t).or_default().add(c);
            }
            a
        });
    let mut per_tag: Vec<TagStats> = project
        .codebook()
        .iter()
        .map(|t| {
            let c = covers.remove(&t.id).unwrap_or_default();
            TagStats {
                id: t.id.0,
                path: project.codebook().path(t.id),
                passages: c.passages,
                articles: c.articles,
                chars: c.chars,
            }
        })
        .collect();
    per_tag.sort_by(|a, b| a.path.cmp(&b.path));
    let count = |s: ReviewStatus| project.articles().filter(|a| a.status == s).count();
    let cb = project.codebook();
    let mut pairs: Vec<Cooccurrence> = cooccurrence_of(tagged)
        .into_iter()
        .map(|((x, y), count)| {
            let (a, b) = {
                let (pa, pb) = (cb.path(x), cb.path(y));
                if pa <= pb { (pa, pb) } else { (pb, pa) }
            };
            Cooccurrence { a, b, count }
        })
        .collect();
    pairs.sort_by(|p, q| {
        q.count
            .cmp(&p.count)
            .then_with(|| (&p.a, &p.b).cmp(&(&q.a, &q.b)))
    });
    Stats {
        articles: project.articles().len(),
        unread: count(ReviewStatus::Unread),
        in_progress: count(ReviewStatus::InProgress),
        done: count(ReviewStatus::Done),
        annotations: project.annotations().len(),
        orphans: project.orphans().len(),
        tags: project.codebook().len(),
        per_tag,
        per_article: Vec::new(),
        cooccurrence: pairs,
        timeline: timeline_of(project, tagged, Bucket::Month),
    }
}

/// Co-occurrence counts of unordered tag pairs `(a, b)` with `a < b`. Each
/// passage carrying both tags counts once, and each pair of overlapping
/// passages in the same article counts once for every pair of distinct tags
/// taken one from each.
#[must_use]
pub fn cooccurrence(project: &Project) -> BTreeMap<(TagId, TagId), usize> {
    cooccurrence_of(&project.passages_by_article())
}

/// [`cooccurrence`] of the passages [`Project::passages_by_article`] gave.
fn cooccurrence_of(tagged: &[(&Article, Vec<&Annotation>)]) -> BTreeMap<(TagId, TagId), usize> {
    // Counted per article on every core, then added up.
    tagged
        .par_iter()
        .fold(BTreeMap::new, |mut m, (_, passages)| {
            cooccurrence_in(passages, &mut m);
            m
        })
        .reduce(BTreeMap::new, |mut a, b| {
            for (k, n) in b {
                *a.entry(k).or_insert(0) += n;
            }
            a
        })
}

/// Adds the co-occurrences among one article's passages to `m`.
fn cooccurrence_in(passages: &[&Annotation], m: &mut BTreeMap<(TagId, TagId), usize>) {
    let mut bump = |a: TagId, b: TagId| {
        if a != b {
            *m.entry((a.min(b), a.max(b))).or_insert(0) += 1;
        }
    };
    let mut anns = passages.to_vec();
    anns.sort_by_key(|a| (a.span.start(), a.span.end(), a.id));
    for (i, x) in anns.iter().enumerate() {
        let tags: Vec<TagId> = x.tags.iter().copied().collect();
        for (k, a) in tags.iter().enumerate() {
            for b in &tags[k + 1..] {
                bump(*a, *b);
            }
        }
        for y in &anns[i + 1..] {
            if y.span.start() >= x.span.end() {
                break;
            }
            for a in &x.tags {
                for b in &y.tags {
                    bump(*a, *b);
                }
            }
        }
    }
}

fn bucket_of(d: NaiveDate, bucket: Bucket) -> (i32, u32) {
    match bucket {
        Bucket::Month => (d.year(), d.month()),
        Bucket::Week => (d.iso_week().year(), d.iso_week().week()),
    }
}

fn label((y, n): (i32, u32), bucket: Bucket) -> String {
    match bucket {
        Bucket::Month => format!("{y}-{n:02}"),
        Bucket::Week => format!("{y}-W{n:02}"),
    }
}

fn next_bucket((y, n): (i32, u32), bucket: Bucket) -> (i32, u32) {
    match bucket {
        Bucket::Month if n >= 12 => (y + 1, 1),
        Bucket::Month => (y, n + 1),
        Bucket::Week => {
            let weeks = NaiveDate::from_ymd_opt(y, 12, 28).map_or(52, |d| d.iso_week().week());
            if n >= weeks { (y + 1, 1) } else { (y, n + 1) }
        }
    }
}

/// Passages per tag per month or ISO week of their article's date. Buckets
/// run without gaps from the earliest to the latest dated passage.
#[must_use]
pub fn timeline(project: &Project, bucket: Bucket) -> Timeline {
    timeline_of(project, &project.passages_by_article(), bucket)
}

/// [`timeline`] of the passages [`Project::passages_by_article`] gave.
fn timeline_of(
    project: &Project,
    tagged: &[(&Article, Vec<&Annotation>)],
    bucket: Bucket,
) -> Timeline {
    // Counted article by article on every core, then added up.
    let TimelineCounts {
        undated,
        counts: per_bucket,
        range,
    } = tagged
        .par_iter()
        .fold(TimelineCounts::default, |mut c, (article, passages)| {
            c.add(article, passages, bucket);
            c
        })
        .reduce(TimelineCounts::default, TimelineCounts::merge);
    let mut counts: BTreeMap<TagId, BTreeMap<(i32, u32), usize>> = BTreeMap::new();
    for ((t, b), n) in per_bucket {
        counts.entry(t).or_default().insert(b, n);
    }
    let mut keys = Vec::new();
    if let Some((lo, hi)) = range {
        let mut k = lo;
        while k <= hi && keys.len() < 10_000 {
            keys.push(k);
            k = next_bucket(k, bucket);
        }
    }
    let cb = project.codebook();
    let mut series: Vec<(String, Vec<usize>)> = counts
        .into_iter()
        .map(|(t, by)| {
            (
                cb.path(t),
                keys.iter()
                    .map(|k| by.get(k).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    series.sort();
    Timeline {
        bucket,
        labels: keys.into_iter().map(|k| label(k, bucket)).collect(),
        series,
        undated,
    }
}

/// The passages per tag and bucket of some articles, for [`timeline_of`].
#[derive(Default)]
struct TimelineCounts {
    undated: usize,
    counts: BTreeMap<(TagId, (i32, u32)), usize>,
    range: Option<((i32, u32), (i32, u32))>,
}

impl TimelineCounts {
    fn add(&mut self, article: &Article, passages: &[&Annotation], bucket: Bucket) {
        let Some(date) = article.meta.date else {
            self.undated += passages.len();
            return;
        };
        let b = bucket_of(date, bucket);
        self.widen(b, b);
        for a in passages {
            for t in &a.tags {
                *self.counts.entry((*t, b)).or_insert(0) += 1;
            }
        }
    }

    fn widen(&mut self, lo: (i32, u32), hi: (i32, u32)) {
        self.range = Some(match self.range {
            None => (lo, hi),
            Some((l, h)) => (l.min(lo), h.max(hi)),
        });
    }

    fn merge(mut self, other: Self) -> Self {
        self.undated += other.undated;
        if let Some((lo, hi)) = other.range {
            self.widen(lo, hi);
        }
        for (k, n) in other.counts {
            *self.counts.entry(k).or_insert(0) += n;
        }
        self
    }
}

/// Passages per tag per value of an article attribute — the "code
/// matrix" (outlet × tag, month × tag).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CrossTab {
    /// The attribute.
    pub attribute: String,
    /// Its values (as text), sorted; articles without it are "(none)".
    pub values: Vec<String>,
    /// Per tag path: one count per value.
    pub series: Vec<(String, Vec<usize>)>,
    /// Articles per value.
    pub articles: Vec<usize>,
}

/// What an article without the attribute is counted under.
pub const NO_VALUE: &str = "(none)";

/// Cross-tabulates passages per tag by attribute `name` (see
/// [`super::attributes::attribute`]: built-in `date`, `month`, `year`,
/// `credit`, `file`, or an article attribute).
#[must_use]
pub fn cross_tab(project: &Project, name: &str) -> CrossTab {
    let value_of = |id: ArticleId| -> String {
        project
            .article(id)
            .and_then(|a| super::attributes::attribute(a, name))
            .map_or_else(|| NO_VALUE.to_owned(), |v| v.to_string())
    };
    let mut per_article: BTreeMap<String, usize> = BTreeMap::new();
    for a in project.articles() {
        *per_article.entry(value_of(a.id)).or_insert(0) += 1;
    }
    let mut counts: BTreeMap<TagId, BTreeMap<String, usize>> = BTreeMap::new();
    for a in project.annotations() {
        let v = value_of(a.article);
        for t in &a.tags {
            *counts.entry(*t).or_default().entry(v.clone()).or_insert(0) += 1;
        }
    }
    let values: Vec<String> = per_article.keys().cloned().collect();
    let cb = project.codebook();
    let mut series: Vec<(String, Vec<usize>)> = counts
        .into_iter()
        .map(|(t, by)| {
            (
                cb.path(t),
                values
                    .iter()
                    .map(|v| by.get(v).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    series.sort();
    CrossTab {
        attribute: name.to_owned(),
        articles: values.iter().map(|v| per_article[v]).collect(),
        values,
        series,
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
        assert_eq!(s.per_article.len(), 2);
        assert_eq!(
            s.per_article[0].per_tag,
            [("T".to_owned(), 2), ("U".to_owned(), 1)]
        );
    }

    #[test]
    fn the_summary_and_each_article_make_up_the_stats() {
        // The second article has no passage, so it has no figures.
        let (p, _) = project(&["[ab[cd]{T}ef]{T} [gh]{U}", "plain", "[x]{U}[yz]{T}"]);
        let whole = stats(&p);
        assert_eq!(whole.per_article.len(), 2);
        let (summary, articles) = summary_and_articles(&p);
        assert_eq!(articles.collect::<Vec<_>>(), whole.per_article);
        assert_eq!(
            summary,
            Stats {
                per_article: Vec::new(),
                ..whole
            }
        );
    }

    #[test]
    fn cooccurrence_counts_same_and_overlapping_passages() {
        // "ab" has A and B (1); "cd" (A) overlaps "de" (B, C): A-B 1, A-C 1;
        // "gh" (C) touches nothing.
        let (p, _) = project(&["[ab]{A,B} [c[d]{A}e]{B,C} [gh]{C}"]);
        let cb = p.codebook();
        let id = |n| cb.find_path(n).unwrap();
        let m = cooccurrence(&p);
        let key = |a, b| (id(a).min(id(b)), id(a).max(id(b)));
        assert_eq!(m.get(&key("A", "B")), Some(&2));
        assert_eq!(m.get(&key("A", "C")), Some(&1));
        assert_eq!(m.get(&key("B", "C")), Some(&1), "on the same passage");
        let s = stats(&p);
        assert_eq!(s.cooccurrence[0].count, 2);
        assert_eq!(
            (s.cooccurrence[0].a.as_str(), s.cooccurrence[0].b.as_str()),
            ("A", "B")
        );
    }

    #[test]
    fn timeline_by_month_and_week_fills_gaps() {
        use crate::model::Action;
        let (mut p, ids) = project(&["[x]{T} [y]{U}", "[z]{T}", "[w]{T}"]);
        let dates = [(2021, 12, 28), (2022, 2, 3), (2022, 2, 10)];
        for (id, (y, m, d)) in ids.iter().zip(dates) {
            let mut a = p.article(*id).unwrap().clone();
            a.meta.date = NaiveDate::from_ymd_opt(y, m, d);
            p.apply(Action::RemoveArticle(*id)).ok();
            p.articles.insert(*id, a);
        }
        let t = timeline(&p, Bucket::Month);
        assert_eq!(t.labels, ["2021-12", "2022-01", "2022-02"]);
        assert_eq!(
            t.series,
            [
                ("T".to_owned(), vec![1, 0, 2]),
                ("U".to_owned(), vec![1, 0, 0])
            ]
        );
        let w = timeline(&p, Bucket::Week);
        assert_eq!(w.labels.first().map(String::as_str), Some("2021-W52"));
        assert_eq!(w.labels.last().map(String::as_str), Some("2022-W06"));
        assert_eq!(w.labels.len(), 7);
        assert_eq!(w.undated, 0);
    }
}
