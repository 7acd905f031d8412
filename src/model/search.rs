//! Finding text: in one article (find bar) and across the corpus (search),
//! with plain or regex patterns, case and whole-word options, and filters.
//!
//! Matches are leftmost-first and non-overlapping, as in grep and ripgrep:
//! `aa` in `aaaa` matches twice. Empty matches are skipped. Spans are char
//! offsets into the article's normalised text.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use rayon::prelude::*;
use regex::{Regex, RegexBuilder};

use super::article::{Article, ReviewStatus};
use super::ids::{ArticleId, TagId};
use super::project::Project;
use super::span::Span;
use super::text::Text;

/// What to look for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Query {
    /// The text or regular expression.
    pub pattern: String,
    /// Treat `pattern` as a regular expression (Rust `regex` syntax).
    pub regex: bool,
    /// Ignore case (Unicode simple case folding: `É` matches `é`).
    pub ignore_case: bool,
    /// Match whole words only (Unicode word boundaries).
    pub whole_word: bool,
}

/// A pattern that is not a valid regular expression.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid pattern: {0}")]
pub struct PatternError(pub String);

impl Query {
    /// A plain, case-sensitive query.
    #[must_use]
    pub fn plain(pattern: &str) -> Self {
        Self {
            pattern: pattern.to_owned(),
            ..Self::default()
        }
    }

    /// Compiles the query.
    ///
    /// # Errors
    /// [`PatternError`] for an invalid regular expression (its message says
    /// where and why).
    pub fn compile(&self) -> Result<Regex, PatternError> {
        let body = if self.regex {
            self.pattern.clone()
        } else {
            regex::escape(&self.pattern)
        };
        let body = if self.whole_word {
            format!(r"\b(?:{body})\b")
        } else {
            body
        };
        RegexBuilder::new(&body)
            .case_insensitive(self.ignore_case)
            .multi_line(true)
            .size_limit(50 << 20)
            .build()
            .map_err(|e| PatternError(e.to_string()))
    }
}

/// Char spans of every non-empty match of `re` in `text`.
#[must_use]
pub fn find_in_text(re: &Regex, text: &Text) -> Vec<Span> {
    match_spans(re, text).collect()
}

/// The char spans of the non-empty matches of `re` in `text`, as they are
/// found (leftmost-first, non-overlapping).
pub fn match_spans<'a>(re: &'a Regex, text: &'a Text) -> impl Iterator<Item = Span> + 'a {
    match_places(re, text.as_str()).map(|(span, _)| span)
}

/// The non-empty matches of `re` in `text`, as they are found
/// (leftmost-first, non-overlapping): each match's char span and byte range.
/// The one place where a pattern becomes spans: find, search, and tagging
/// all matches use it. Char offsets are counted on from the match before,
/// so a text is counted once, however many matches it has.
pub fn match_places<'a>(
    re: &'a Regex,
    text: &'a str,
) -> impl Iterator<Item = (Span, std::ops::Range<usize>)> + 'a {
    // The byte and char offsets of the end of the match before.
    let mut at = (0, 0);
    re.find_iter(text).filter(|m| !m.is_empty()).map(move |m| {
        let start = at.1 + text[at.0..m.start()].chars().count();
        let end = start + m.as_str().chars().count();
        at = (m.end(), end);
        (Span::between(start, end), m.range())
    })
}

/// Which articles a corpus search looks at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only articles with a passage carrying one of these tags (or a tag
    /// nested in one of them); empty for any.
    pub tags: Vec<TagId>,
    /// Only articles with this review status.
    pub status: Option<ReviewStatus>,
    /// Only articles dated on or after this day.
    pub from: Option<NaiveDate>,
    /// Only articles dated on or before this day.
    pub to: Option<NaiveDate>,
}

impl Filters {
    /// The articles that pass the filters, in id order. Articles without a
    /// date are excluded when a date range is set.
    #[must_use]
    pub fn articles(&self, project: &Project) -> Vec<ArticleId> {
        let tagged = (!self.tags.is_empty()).then(|| {
            let family: Vec<TagId> = self
                .tags
                .iter()
                .flat_map(|t| project.codebook().with_descendants(*t))
                .collect();
            super::stats::articles_with_tags(project, &family)
        });
        project
            .articles()
            .filter(|a| tagged.as_ref().is_none_or(|set| set.contains(&a.id)))
            .filter(|a| self.admits(a))
            .map(|a| a.id)
            .collect()
    }

    /// Whether the article passes the filters that need only the article
    /// (status and date; not the tags, which need its passages).
    #[must_use]
    pub fn admits(&self, a: &Article) -> bool {
        self.admits_listed(a.status, a.meta.date)
    }

    /// [`Filters::admits`] for an article with this status and date, as a
    /// project file lists it (before its text is read).
    #[must_use]
    pub fn admits_listed(&self, status: ReviewStatus, date: Option<NaiveDate>) -> bool {
        self.status.is_none_or(|s| status == s)
            && match (self.from, self.to) {
                (None, None) => true,
                (from, to) => {
                    date.is_some_and(|d| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t))
                }
            }
    }
}

/// The matches in one article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleHits {
    /// The article.
    pub article: ArticleId,
    /// Its matches, in order.
    pub spans: Vec<Span>,
}

/// Searches `texts` in parallel, calling `sink` with each article's matches
/// (in no particular order) as soon as they are found. Stops early when
/// `cancel` is set. Returns the number of matches.
pub fn search_texts(
    re: &Regex,
    texts: &[(ArticleId, Text)],
    cancel: &AtomicBool,
    sink: &(dyn Fn(ArticleHits) + Sync),
) -> usize {
    texts
        .par_iter()
        .map(|(id, text)| {
            if cancel.load(Ordering::Relaxed) {
                return 0;
            }
            let spans = find_in_text(re, text);
            let n = spans.len();
            if n > 0 {
                sink(ArticleHits {
                    article: *id,
                    spans,
                });
            }
            n
        })
        .sum()
}

/// Searches the project's articles that pass `filters`; results sorted by
/// article id.
#[must_use]
pub fn search(project: &Project, re: &Regex, filters: &Filters) -> Vec<ArticleHits> {
    let texts: Vec<(ArticleId, Text)> = filters
        .articles(project)
        .into_iter()
        .filter_map(|id| project.article(id).map(|a| (id, a.text.clone())))
        .collect();
    let out = std::sync::Mutex::new(Vec::new());
    search_texts(re, &texts, &AtomicBool::new(false), &|h| {
        if let Ok(mut v) = out.lock() {
            v.push(h);
        }
    });
    let mut v = out.into_inner().unwrap_or_default();
    v.sort_by_key(|h| h.article);
    v
}

/// Keyword-in-context: up to `width` chars on each side of `span`, on one
/// line (line breaks shown as spaces), cut at word boundaries where possible.
#[must_use]
pub fn context(text: &Text, span: Span, width: usize) -> (String, String, String) {
    let flat = |s: &str| s.replace('\n', " ");
    let (before, m, after) = context_parts(text, span, width);
    (flat(before), flat(m), flat(after))
}

/// [`context`] as slices of the text, line breaks not yet replaced.
#[must_use]
pub fn context_parts(text: &Text, span: Span, width: usize) -> (&str, &str, &str) {
    let (start, end) = text.bytes_of(span);
    context_parts_at(text, span, start..end, width)
}

/// [`context_parts`] of a span whose bytes in the text are known (as
/// [`match_places`] gives them).
#[must_use]
pub fn context_parts_at(
    text: &Text,
    span: Span,
    bytes: std::ops::Range<usize>,
    width: usize,
) -> (&str, &str, &str) {
    let (m, before, after) = text.around_bytes(span, bytes, width);
    let before = match before.find(' ') {
        Some(i) if span.start() > width && i + 1 < before.len() => &before[i + 1..],
        _ => before,
    };
    let after = match after.rfind(' ') {
        Some(i) if span.end() + width < text.char_len() && i > 0 => &after[..i],
        _ => after,
    };
    (before, m, after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::project;

    fn spans(q: &Query, text: &str) -> Vec<(usize, usize)> {
        let re = q.compile().unwrap();
        find_in_text(&re, &Text::new(text))
            .into_iter()
            .map(|s| (s.start(), s.end()))
            .collect()
    }

    #[test]
    fn plain_text_is_not_a_regex() {
        assert_eq!(spans(&Query::plain("a.b"), "axb a.b"), [(4, 7)]);
    }

    #[test]
    fn offsets_are_chars_in_unicode_text() {
        let q = Query::plain("NATO");
        assert_eq!(spans(&q, "Zoë 😀 NATO ж NATO"), [(6, 10), (13, 17)]);
    }

    #[test]
    fn case_folding_is_unicode() {
        let q = Query {
            ignore_case: true,
            ..Query::plain("élysée")
        };
        assert_eq!(spans(&q, "ÉLYSÉE and Élysée"), [(0, 6), (11, 17)]);
        let q = Query {
            ignore_case: true,
            ..Query::plain("санкции")
        };
        assert_eq!(spans(&q, "САНКЦИИ, Санкции").len(), 2);
        assert!(spans(&Query::plain("élysée"), "ÉLYSÉE").is_empty());
    }

    #[test]
    fn whole_words_use_unicode_boundaries() {
        let q = Query {
            whole_word: true,
            ..Query::plain("war")
        };
        assert_eq!(spans(&q, "war warm prewar war."), [(0, 3), (16, 19)]);
        let q = Query {
            whole_word: true,
            ..Query::plain("мир")
        };
        assert_eq!(spans(&q, "мир мировой мир"), [(0, 3), (12, 15)]);
    }

    #[test]
    fn regex_matches_do_not_overlap_and_skip_empty() {
        let q = Query {
            regex: true,
            ..Query::plain("aa")
        };
        assert_eq!(spans(&q, "aaaaa"), [(0, 2), (2, 4)]);
        let q = Query {
            regex: true,
            ..Query::plain("x*")
        };
        assert_eq!(spans(&q, "axxb"), [(1, 3)]);
        let q = Query {
            regex: true,
            ..Query::plain("^The")
        };
        assert_eq!(
            spans(&q, "The a\nThe b"),
            [(0, 3), (6, 9)],
            "multi-line anchors"
        );
    }

    #[test]
    fn invalid_regex_says_why() {
        let q = Query {
            regex: true,
            ..Query::plain("(unclosed")
        };
        let e = q.compile().unwrap_err();
        assert!(e.0.contains("unclosed"), "{e}");
    }

    #[test]
    fn corpus_search_with_filters() {
        let (mut p, ids) = project(&[
            "The [port]{Place} was hit. The port reopened.",
            "No port here? Yes, a port.",
            "Nothing.",
        ]);
        p.apply(crate::model::Action::SetArticleStatus {
            article: ids[1],
            status: ReviewStatus::Done,
        })
        .unwrap();
        let re = Query::plain("port").compile().unwrap();
        let all = search(&p, &re, &Filters::default());
        assert_eq!(all.len(), 2);
        assert_eq!(all.iter().map(|h| h.spans.len()).sum::<usize>(), 4);
        let place = p.codebook().find_path("Place").unwrap();
        let tagged = search(
            &p,
            &re,
            &Filters {
                tags: vec![place],
                ..Filters::default()
            },
        );
        assert_eq!(tagged.len(), 1);
        assert_eq!(tagged[0].article, ids[0]);
        let done = search(
            &p,
            &re,
            &Filters {
                status: Some(ReviewStatus::Done),
                ..Filters::default()
            },
        );
        assert_eq!(done[0].article, ids[1]);
        let dated = search(
            &p,
            &re,
            &Filters {
                from: NaiveDate::from_ymd_opt(2020, 1, 1),
                ..Filters::default()
            },
        );
        assert!(
            dated.is_empty(),
            "undated articles fall outside a date range"
        );
    }

    #[test]
    fn keyword_in_context() {
        let t = Text::new("one two three\nfour five six seven");
        let (b, m, a) = context(&t, Span::new(14, 18).unwrap(), 8);
        assert_eq!(
            (b.as_str(), m.as_str(), a.as_str()),
            ("three ", "four", " five")
        );
    }

    proptest::proptest! {
        #[test]
        fn places_counted_on_agree_with_offsets_looked_up(
            s in "(a|b|é|ж|😀|\\n| ){0,300}",
            pattern in "(a|é|ж|😀|a+|[bж]+|\\s)",
        ) {
            let text = Text::new(s.as_str());
            let re = Regex::new(&pattern).unwrap();
            let want: Vec<_> = re
                .find_iter(&s)
                .filter(|m| !m.is_empty())
                .map(|m| (Span::between(text.char_of(m.start()), text.char_of(m.end())), m.range()))
                .collect();
            let got: Vec<_> = match_places(&re, &s).collect();
            proptest::prop_assert_eq!(&got, &want);
            for (span, bytes) in got {
                proptest::prop_assert_eq!(
                    context_parts_at(&text, span, bytes, 7),
                    context_parts(&text, span, 7)
                );
            }
        }
    }
}
