//! Re-anchoring: finding a passage again after its article's text changed.
//!
//! The order follows the W3C Web Annotation `TextQuoteSelector` approach:
//! 1. the old position, if the quote is still there;
//! 2. an exact search for the quote, choosing the occurrence whose
//!    surrounding text best matches the stored prefix and suffix (then the
//!    one nearest the old position);
//! 3. an approximate match: the stored prefix and suffix (or the quote's own
//!    head and tail) bracket a candidate that must be similar enough to the
//!    old quote;
//! 4. otherwise the passage is an orphan.

use memchr::memmem;

use super::annotation::Quote;
use super::span::Span;
use super::text::Text;

/// Minimum similarity (normalised Levenshtein, 0–1) for an approximate match.
pub const FUZZY_THRESHOLD: f64 = 0.6;

/// How a passage was found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Anchor {
    /// The quote is still at its old position.
    Unchanged(Span),
    /// The quote was found verbatim elsewhere.
    Moved(Span),
    /// A similar passage was found; the score is its similarity (0–1).
    Fuzzy(Span, f64),
    /// The passage could not be found.
    Orphan,
}

impl Anchor {
    /// The new span, unless orphaned.
    #[must_use]
    pub fn span(self) -> Option<Span> {
        match self {
            Self::Unchanged(s) | Self::Moved(s) | Self::Fuzzy(s, _) => Some(s),
            Self::Orphan => None,
        }
    }
}

/// Finds the passage described by `quote`, last seen at `old`, in `text`.
#[must_use]
pub fn reanchor(text: &Text, old: Span, quote: &Quote) -> Anchor {
    if quote.exact.is_empty() {
        return Anchor::Orphan;
    }
    if old.end() <= text.char_len() && text.slice(old) == quote.exact {
        return Anchor::Unchanged(old);
    }
    if let Some(span) = exact_search(text, old, quote) {
        return Anchor::Moved(span);
    }
    match fuzzy_search(text, old, quote) {
        Some((span, score)) => Anchor::Fuzzy(span, score),
        None => Anchor::Orphan,
    }
}

fn exact_search(text: &Text, old: Span, quote: &Quote) -> Option<Span> {
    let s = text.as_str();
    let qlen = quote.exact.chars().count();
    let mut best: Option<(usize, usize, Span)> = None;
    for b in memmem::find_iter(s.as_bytes(), quote.exact.as_bytes()) {
        if !s.is_char_boundary(b) {
            continue;
        }
        let start = text.char_of(b);
        let span = Span::between(start, start + qlen);
        let score = common_suffix(&s[..b], &quote.prefix)
            + common_prefix(&s[b + quote.exact.len()..], &quote.suffix);
        let dist = start.abs_diff(old.start());
        let better = match best {
            None => true,
            Some((bs, bd, _)) => score > bs || (score == bs && dist < bd),
        };
        if better {
            best = Some((score, dist, span));
        }
    }
    best.map(|(_, _, span)| span)
}

fn fuzzy_search(text: &Text, old: Span, quote: &Quote) -> Option<(Span, f64)> {
    let s = text.as_str();
    let qlen = quote.exact.chars().count();
    let max_len = qlen * 2 + 64;
    let mut candidates: Vec<Span> = Vec::new();
    // Bracket with the stored context, then with the quote's own head and tail.
    let head: String = quote.exact.chars().take(16).collect();
    let tail: String = {
        let n = quote.exact.chars().count();
        quote.exact.chars().skip(n.saturating_sub(16)).collect()
    };
    for (open, close, open_is_inside, close_is_inside) in [
        (quote.prefix.as_str(), quote.suffix.as_str(), false, false),
        (head.as_str(), tail.as_str(), true, true),
        (quote.prefix.as_str(), tail.as_str(), false, true),
        (head.as_str(), quote.suffix.as_str(), true, false),
    ] {
        if open.chars().count() < 4 || close.chars().count() < 4 {
            continue;
        }
        for ob in memmem::find_iter(s.as_bytes(), open.as_bytes()).take(64) {
            let start_b = if open_is_inside { ob } else { ob + open.len() };
            if !s.is_char_boundary(start_b) {
                continue;
            }
            let start = text.char_of(start_b);
            let window_end = text.byte_of(start + max_len + close.chars().count());
            let from = start_b;
            if from > window_end {
                continue;
            }
            if let Some(cb) = memmem::find(&s.as_bytes()[from..window_end], close.as_bytes()) {
                let cb = from + cb;
                let end_b = if close_is_inside {
                    cb + close.len()
                } else {
                    cb
                };
                if !s.is_char_boundary(end_b) {
                    continue;
                }
                let end = text.char_of(end_b);
                if end > start {
                    candidates.push(Span::between(start, end));
                }
            }
        }
    }
    let mut best: Option<(f64, usize, Span)> = None;
    for span in candidates {
        let score = strsim::normalized_levenshtein(text.slice(span), &quote.exact);
        let dist = span.start().abs_diff(old.start());
        let better = match best {
            None => true,
            Some((bs, bd, _)) => score > bs || ((score - bs).abs() < f64::EPSILON && dist < bd),
        };
        if better {
            best = Some((score, dist, span));
        }
    }
    best.filter(|(score, _, _)| *score >= FUZZY_THRESHOLD)
        .map(|(score, _, span)| (span, score))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn quote_of(text: &str, span: Span) -> Quote {
        Quote::capture(&Text::new(text), span)
    }

    #[test]
    fn unchanged_when_still_there() {
        let t = "The quick brown fox";
        let span = Span::new(4, 9).unwrap();
        let q = quote_of(t, span);
        assert_eq!(reanchor(&Text::new(t), span, &q), Anchor::Unchanged(span));
    }

    #[test]
    fn moved_picks_the_occurrence_with_matching_context() {
        let old = "A fox. The quick fox ran. A fox.";
        let span = Span::new(17, 20).unwrap();
        let q = quote_of(old, span);
        assert_eq!(q.exact, "fox");
        let new = "Intro. A fox. The quick fox ran. A fox.";
        assert_eq!(
            reanchor(&Text::new(new), span, &q),
            Anchor::Moved(Span::new(24, 27).unwrap())
        );
    }

    #[test]
    fn fuzzy_match_after_an_edit_inside_the_quote() {
        let old = "Putin said on Sunday that he will consider a series of actions if the West does not act.";
        let span = Span::new(26, 62).unwrap();
        let q = quote_of(old, span);
        assert_eq!(q.exact, "he will consider a series of actions");
        let new = "Putin said on Sunday that he would consider a series of actions if the West does not act.";
        match reanchor(&Text::new(new), span, &q) {
            Anchor::Fuzzy(s, score) => {
                assert_eq!(
                    Text::new(new).slice(s),
                    "he would consider a series of actions"
                );
                assert!(score > 0.8);
            }
            other => panic!("expected a fuzzy match, got {other:?}"),
        }
    }

    #[test]
    fn orphan_when_gone() {
        let old = "Alpha beta gamma delta epsilon zeta eta theta.";
        let span = Span::new(11, 22).unwrap();
        let q = quote_of(old, span);
        let new = "Something else entirely, about weather in Kraków.";
        assert_eq!(reanchor(&Text::new(new), span, &q), Anchor::Orphan);
    }

    proptest! {
        #[test]
        fn finds_quote_after_edits_elsewhere(
            words in proptest::collection::vec("[a-zé ]{1,8}", 5..40),
            quote_word in "[A-ZЖ]{3,10}",
            before_edit in "[a-zж ]{0,30}",
            after_edit in "[a-zж ]{0,30}",
            cut_before in 0usize..20,
            cut_after in 0usize..20,
        ) {
            let mid = words.len() / 2;
            let head: String = words[..mid].concat();
            let tail: String = words[mid..].concat();
            let old = format!("{head}{quote_word}{tail}");
            let start = head.chars().count();
            let span = Span::new(start, start + quote_word.chars().count()).unwrap();
            let q = quote_of(&old, span);
            // Edit the text before and after the quote, never the quote itself.
            let head_kept: String = head.chars().skip(cut_before.min(head.chars().count())).collect();
            let tail_len = tail.chars().count();
            let tail_kept: String = tail.chars().take(tail_len - cut_after.min(tail_len)).collect();
            let new = format!("{before_edit}{head_kept}{quote_word}{tail_kept}{after_edit}");
            let new_start = before_edit.chars().count() + head_kept.chars().count();
            let expected = Span::new(new_start, new_start + quote_word.chars().count()).unwrap();
            let text = Text::new(new.as_str());
            let found = reanchor(&text, span, &q).span();
            prop_assert!(found.is_some());
            let found = found.unwrap();
            prop_assert_eq!(text.slice(found), quote_word.as_str());
            if new.matches(quote_word.as_str()).count() == 1 {
                prop_assert_eq!(found, expected);
            }
        }
    }
}
