//! The record types of the project file.
//!
//! The same record types serve writing (borrowing from the project, built one
//! element at a time while serialising) and reading (owned). Annotations are
//! read as compact records: their quote strings are hashed and dropped at
//! once, so opening a large project never holds the quotes twice.
//!
//! Version 2 adds `source_bytes` to articles (a source path that is not valid
//! Unicode, stored without loss); version 3 gives new passages UUID ids
//! (numbered ones stay), stops writing `next_ids.annotation`, and adds
//! `adjudicated` to passages and the `conflicts` list; version 4 leaves out
//! of passage records what the text or the record already says (`prefix`
//! and `suffix` where the text is there, an empty `note`, an unknown
//! `author`, a `modified` equal to `created`). Older files are the same
//! records with more written out, so all are read with these types.

use std::borrow::Cow;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::TextStorage;
use crate::io::paths::{path_bytes, relative_to};
use crate::model::{
    Adjudication, Annotation, AnnotationId, Article, ArticleId, Colour, Conflict, NextIds, Problem,
    Project, Quote, ReviewStatus, SourceFormat, Span, TagId, Timestamp,
};

#[allow(
    clippy::ptr_arg,
    reason = "serde's skip_serializing_if passes the field as it is"
)]
fn is_empty(a: &Cow<'_, crate::model::attributes::Attributes>) -> bool {
    a.is_empty()
}

/// The file as written. Lists serialise straight from the project.
#[derive(Serialize)]
pub(super) struct FileOut<'a> {
    pub format: &'static str,
    pub version: u32,
    pub memo: &'a str,
    pub next_ids: NextIds,
    pub texts: Option<String>,
    pub codebook: Tags<'a>,
    pub articles: Articles<'a>,
    pub annotations: Annotations<'a>,
    pub orphans: Orphans<'a>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub conflicts: &'a [Conflict],
}

/// The file as read; `A` is how annotations are kept (compact by default).
#[derive(Deserialize)]
#[serde(bound = "A: Deserialize<'de>")]
pub(super) struct FileIn<A = CompactAnnotation> {
    #[allow(dead_code, reason = "checked by peeking at the header before parsing")]
    pub format: String,
    #[allow(dead_code, reason = "checked by peeking at the header before parsing")]
    pub version: u32,
    pub memo: String,
    pub next_ids: NextIds,
    /// Folder of texts, relative to the project file; `None` for inline texts.
    #[serde(default)]
    pub texts: Option<String>,
    pub codebook: Vec<TagRec<'static>>,
    pub articles: Vec<ArticleRec<'static>>,
    pub annotations: Vec<A>,
    #[serde(default)]
    pub orphans: Vec<AnnotationRec<'static>>,
    /// Conflicts a merge resolved (version 3).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// Only the annotations' quotes, read again when some article's text is
/// unavailable (so its passages can be written back unchanged).
#[derive(Deserialize)]
pub(super) struct QuotesIn {
    pub annotations: Vec<QuoteRec>,
}

/// One annotation's quote.
#[derive(Deserialize)]
pub(super) struct QuoteRec {
    pub id: AnnotationId,
    pub article: ArticleId,
    pub quote: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
}

#[derive(Serialize, Deserialize)]
pub(super) struct TagRec<'a> {
    pub id: TagId,
    pub name: Cow<'a, str>,
    pub colour: Colour,
    pub parent: Option<TagId>,
    pub shortcut: Option<char>,
    pub description: Cow<'a, str>,
}

#[derive(Serialize, Deserialize)]
pub(super) struct ArticleRec<'a> {
    pub id: ArticleId,
    pub title: Cow<'a, str>,
    pub status: ReviewStatus,
    pub date: Option<NaiveDate>,
    pub posted: Option<NaiveDateTime>,
    pub credit: Option<Cow<'a, str>>,
    pub source: Cow<'a, str>,
    /// The source path's bytes when it is not valid Unicode (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "serde_bytes")]
    pub source_bytes: Option<Vec<u8>>,
    pub file_name: Cow<'a, str>,
    pub format: SourceFormat,
    pub encoding: Cow<'a, str>,
    pub hash: Cow<'a, str>,
    pub chars: usize,
    pub note: Cow<'a, str>,
    /// Who last wrote the note (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_by: Option<Cow<'a, str>>,
    /// When the article was added (version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<Timestamp>,
    /// Attributes by name (outlet, byline…), when it has any.
    #[serde(default, skip_serializing_if = "is_empty")]
    pub attributes: Cow<'a, crate::model::attributes::Attributes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Cow<'a, str>>,
}

impl ArticleRec<'_> {
    /// The record owning all it holds.
    pub(super) fn into_owned(self) -> ArticleRec<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        ArticleRec {
            id: self.id,
            title: own(self.title),
            status: self.status,
            date: self.date,
            posted: self.posted,
            credit: self.credit.map(own),
            source: own(self.source),
            source_bytes: self.source_bytes,
            file_name: own(self.file_name),
            format: self.format,
            encoding: own(self.encoding),
            hash: own(self.hash),
            chars: self.chars,
            note: own(self.note),
            note_by: self.note_by.map(own),
            added: self.added,
            attributes: Cow::Owned(self.attributes.into_owned()),
            text: self.text.map(own),
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct AnnotationRec<'a> {
    pub id: AnnotationId,
    pub article: ArticleId,
    pub start: usize,
    pub end: usize,
    pub tags: Vec<TagId>,
    pub quote: Cow<'a, str>,
    /// The chars before and after the passage. Version 4 writes them only
    /// for passages whose article's text is unavailable (and orphans): with
    /// the text, they are derived from it. Absent is not empty: a record that
    /// has them is checked against them.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub prefix: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub suffix: Option<Cow<'a, str>>,
    /// Written only when not empty (version 4).
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub note: Cow<'a, str>,
    /// Who last wrote the note, when not the author (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_by: Option<Cow<'a, str>>,
    /// Written only when known (version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Cow<'a, str>>,
    pub created: Timestamp,
    /// Written only when it differs from `created` (version 4).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "present")]
    pub modified: Option<Timestamp>,
    /// Set on reviewed ("gold") passages (version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudicated: Option<Cow<'a, Adjudication>>,
}

/// A field that may be absent, written as its plain value when present
/// (`prefix: "…"`, not `ron`'s `prefix: Some("…")`), as earlier versions
/// wrote it always. Used with `default` and `skip_serializing_if`.
mod present {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(
        clippy::ref_option,
        reason = "serde's `with` passes the field as it is"
    )]
    pub fn serialize<T: Serialize, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => v.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(d).map(Some)
    }
}

#[allow(
    clippy::ptr_arg,
    reason = "serde's skip_serializing_if passes the field as it is"
)]
fn str_is_empty(s: &Cow<'_, str>) -> bool {
    s.is_empty()
}

/// An annotation record with its quote reduced to a hash, checked against the
/// text once the texts are loaded.
pub(super) struct CompactAnnotation {
    pub annotation: Result<Annotation, Problem>,
    pub quote: QuoteCheck,
}

impl<'de> Deserialize<'de> for CompactAnnotation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        AnnotationRec::deserialize(d).map(Self::from_rec)
    }
}

impl CompactAnnotation {
    pub(super) fn from_rec(r: AnnotationRec<'_>) -> Self {
        let quote = QuoteCheck::of_record(&r.quote, r.prefix.as_deref(), r.suffix.as_deref());
        Self {
            annotation: annotation_of(r),
            quote,
        }
    }
}

/// An annotation record read with its quote kept (for files whose texts are
/// not read, so the quotes are all there is).
pub(super) struct QuotedAnnotation {
    pub compact: CompactAnnotation,
    pub article: ArticleId,
    pub id: AnnotationId,
    pub quote: crate::model::Quote,
}

impl<'de> Deserialize<'de> for QuotedAnnotation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        AnnotationRec::deserialize(d).map(Self::from_rec)
    }
}

impl QuotedAnnotation {
    pub(super) fn from_rec(r: AnnotationRec<'_>) -> Self {
        let quote = r.quote_kept();
        let (article, id) = (r.article, r.id);
        Self {
            compact: CompactAnnotation::from_rec(r),
            article,
            id,
            quote,
        }
    }
}

impl AnnotationRec<'_> {
    /// The quote, prefix and suffix the record has (an absent prefix or
    /// suffix is empty).
    pub(super) fn quote_kept(&self) -> Quote {
        Quote {
            exact: self.quote.to_string(),
            prefix: self.prefix.as_deref().unwrap_or_default().to_owned(),
            suffix: self.suffix.as_deref().unwrap_or_default().to_owned(),
        }
    }
}

/// The analyst names this thread has given out (a few at most).
const NAMES_KEPT: usize = 64;

thread_local! {
    static NAMES: std::cell::RefCell<Vec<std::sync::Arc<str>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// An analyst's name as a passage keeps it: one shared copy per name and
/// reading thread, not one per passage (a million passages are written by
/// a handful of analysts). Names past the first [`NAMES_KEPT`] a thread
/// has seen are not shared.
fn shared_name(name: &str) -> std::sync::Arc<str> {
    NAMES.with_borrow_mut(|names| {
        if let Some(n) = names.iter().find(|n| ***n == *name) {
            return n.clone();
        }
        let n: std::sync::Arc<str> = name.into();
        if names.len() < NAMES_KEPT {
            names.push(n.clone());
        }
        n
    })
}

/// What a passage record says its text reads, to compare with the text
/// once it is read (within one open; never stored): a fingerprint of the
/// quote and of whichever of prefix and suffix the record has, whose
/// presence is kept in the two low bits. foldhash: a million passages'
/// quotes are hashed twice per open, and `SipHash` took a few tenths of a
/// second of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct QuoteCheck(u64);

const HAS_PREFIX: u64 = 1;
const HAS_SUFFIX: u64 = 2;
const CONTEXT: u64 = HAS_PREFIX | HAS_SUFFIX;

impl QuoteCheck {
    pub(super) fn of_record(exact: &str, prefix: Option<&str>, suffix: Option<&str>) -> Self {
        let flags = if prefix.is_some() { HAS_PREFIX } else { 0 }
            | if suffix.is_some() { HAS_SUFFIX } else { 0 };
        let hash = fingerprint(exact, prefix.unwrap_or(""), suffix.unwrap_or(""));
        Self(hash & !CONTEXT | flags)
    }

    /// What the record has to compare, in words.
    pub(super) fn compared(self) -> &'static str {
        match self.0 & CONTEXT {
            0 => "quote",
            HAS_PREFIX => "quote or prefix",
            HAS_SUFFIX => "quote or suffix",
            _ => "quote, prefix or suffix",
        }
    }

    /// Whether the text at `span` is what the record says: its quote, and
    /// its prefix and suffix where the record has them.
    #[cfg(test)]
    pub(super) fn matches(self, text: &crate::model::Text, span: Span) -> bool {
        let (start, end) = text.bytes_of(span);
        self.matches_at(text, span, start..end)
    }

    /// [`QuoteCheck::matches`] of a span whose byte range is known (it must
    /// be the span's, as [`crate::model::Text::bytes_of`] gives it).
    pub(super) fn matches_at(
        self,
        text: &crate::model::Text,
        span: Span,
        bytes: std::ops::Range<usize>,
    ) -> bool {
        let context = self.0 & CONTEXT;
        let hash = if context == 0 {
            fingerprint(&text.as_str()[bytes], "", "")
        } else {
            let (exact, prefix, suffix) =
                text.around_bytes(span, bytes, crate::model::annotation::CONTEXT_CHARS);
            fingerprint(
                exact,
                if self.0 & HAS_PREFIX == 0 { "" } else { prefix },
                if self.0 & HAS_SUFFIX == 0 { "" } else { suffix },
            )
        };
        hash & !CONTEXT == self.0 & !CONTEXT
    }
}

fn fingerprint(exact: &str, prefix: &str, suffix: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::default().hash_one((exact, prefix, suffix))
}

pub(super) fn problem(location: impl std::fmt::Display, message: impl Into<String>) -> Problem {
    Problem {
        location: location.to_string(),
        message: message.into(),
    }
}

pub(super) fn annotation_of(r: AnnotationRec<'_>) -> Result<Annotation, Problem> {
    let span = Span::new(r.start, r.end).map_err(|e| problem(r.id, e.to_string()))?;
    Ok(Annotation {
        id: r.id,
        article: r.article,
        span,
        tags: r.tags.into_iter().collect(),
        note: r.note.into_owned(),
        note_by: r.note_by.as_deref().map(shared_name),
        author: r.author.as_deref().map(shared_name),
        created: r.created,
        modified: r.modified.unwrap_or(r.created),
        adjudication: r.adjudicated.map(|c| Box::new(c.into_owned())),
    })
}

pub(super) struct Tags<'a>(pub &'a Project);
/// The articles of a project; with `true`, written as an empty list (as
/// [`Annotations`]).
pub(super) struct Articles<'a>(pub &'a Project, pub &'a Path, pub TextStorage, pub bool);
/// The annotations of a project; with `true`, written as an empty list (the
/// records are then rendered in parallel and spliced in, see `save`).
pub(super) struct Annotations<'a>(pub &'a Project, pub bool);
pub(super) struct Orphans<'a>(pub &'a Project);

impl Serialize for Tags<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.codebook().iter().map(|t| TagRec {
            id: t.id,
            name: Cow::Borrowed(&t.props.name),
            colour: t.props.colour,
            parent: t.props.parent,
            shortcut: t.props.shortcut,
            description: Cow::Borrowed(&t.props.description),
        }))
    }
}

impl Serialize for Articles<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Articles(project, base, storage, empty) = *self;
        if empty {
            return s.collect_seq(std::iter::empty::<ArticleRec<'_>>());
        }
        s.collect_seq(
            project
                .articles()
                .map(|a| article_record(project, a, base, storage)),
        )
    }
}

/// The record of article `a` of project `p` (a project file at `base`).
pub(super) fn article_record<'a>(
    project: &'a Project,
    a: &'a Article,
    base: &Path,
    storage: TextStorage,
) -> ArticleRec<'a> {
    let unavailable = project.unavailable(a.id);
    let text = match unavailable {
        Some(u) => u.kept_text.as_deref().map(Cow::Borrowed),
        None => (storage == TextStorage::Inline).then(|| Cow::Borrowed(a.text.as_str())),
    };
    ArticleRec {
        id: a.id,
        title: Cow::Borrowed(&a.title),
        status: a.status,
        date: a.meta.date,
        posted: a.meta.posted,
        credit: a.meta.credit.as_deref().map(Cow::Borrowed),
        source: Cow::Owned(relative_to(&a.source, base)),
        source_bytes: path_bytes(&a.source, base),
        file_name: Cow::Borrowed(&a.meta.file_name),
        format: a.meta.format,
        encoding: Cow::Borrowed(&a.meta.encoding),
        hash: Cow::Borrowed(&a.hash.0),
        chars: project.text_len(a.id),
        note: Cow::Borrowed(&a.note),
        note_by: a.note_by.as_deref().map(Cow::Borrowed),
        added: a.added,
        attributes: Cow::Borrowed(&a.meta.attributes),
        text,
    }
}

/// The record of passage `a`: its quote, and the prefix and suffix given
/// (each written only when not empty).
pub(super) fn annotation_rec<'a>(
    a: &'a Annotation,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
) -> AnnotationRec<'a> {
    let given = |s: &'a str| (!s.is_empty()).then_some(Cow::Borrowed(s));
    AnnotationRec {
        id: a.id,
        article: a.article,
        start: a.span.start(),
        end: a.span.end(),
        tags: a.tags.iter().copied().collect(),
        quote: Cow::Borrowed(exact),
        prefix: given(prefix),
        suffix: given(suffix),
        note: Cow::Borrowed(&a.note),
        note_by: a.note_by.as_deref().map(Cow::Borrowed),
        author: a.author.as_deref().map(Cow::Borrowed),
        created: a.created,
        modified: (a.modified != a.created).then_some(a.modified),
        adjudicated: a.adjudication.as_deref().map(Cow::Borrowed),
    }
}

/// The record of annotation `a` of project `p`: with its quote, and with
/// the prefix and suffix only where the article's text is unavailable (the
/// file then keeps what it had); otherwise they are the text's.
pub(super) fn record_of<'a>(p: &'a Project, a: &'a Annotation) -> AnnotationRec<'a> {
    if let Some(q) = p.unavailable(a.article).and_then(|u| u.quotes.get(&a.id)) {
        return annotation_rec(a, &q.exact, &q.prefix, &q.suffix);
    }
    let exact = p
        .article(a.article)
        .map_or("", |art| art.text.slice(a.span));
    annotation_rec(a, exact, "", "")
}

impl Serialize for Annotations<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        if self.1 {
            return s.collect_seq(std::iter::empty::<AnnotationRec<'_>>());
        }
        s.collect_seq(p.annotations().map(|a| record_of(p, a)))
    }
}

impl Serialize for Orphans<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.orphans().map(|o| {
            annotation_rec(
                &o.annotation,
                &o.quote.exact,
                &o.quote.prefix,
                &o.quote.suffix,
            )
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    #[test]
    fn a_thread_gives_each_name_out_once_and_keeps_only_so_many() {
        let ann = shared_name("ann");
        assert!(std::sync::Arc::ptr_eq(&ann, &shared_name("ann")));
        assert!(!std::sync::Arc::ptr_eq(&ann, &shared_name("bob")));
        // A thread of its own, so what this one kept does not count.
        std::thread::spawn(|| {
            for i in 0..NAMES_KEPT {
                let name = format!("analyst {i}");
                assert!(std::sync::Arc::ptr_eq(
                    &shared_name(&name),
                    &shared_name(&name)
                ));
            }
            let past = shared_name("one too many");
            assert_eq!(&*past, "one too many");
            assert!(!std::sync::Arc::ptr_eq(&past, &shared_name("one too many")));
        })
        .join()
        .unwrap();
    }

    proptest::proptest! {
        /// A record made from the text at a span matches it, with or
        /// without its prefix and suffix; a record whose quote, or whose
        /// prefix or suffix where it has one, differs from the text does
        /// not; what it does not have is not compared.
        #[test]
        fn a_quote_check_compares_what_the_record_has(
            text in "[aé😀 \n]{1,80}",
            at in proptest::prelude::any::<(proptest::sample::Index, proptest::sample::Index)>(),
            has in proptest::prelude::any::<(bool, bool)>(),
            wrong in 0usize..4,
        ) {
            let t = Text::new(text.as_str());
            let (a, b) = (at.0.index(t.char_len()), at.1.index(t.char_len()));
            let span = Span::new(a.min(b), a.max(b) + 1).unwrap();
            let (exact, prefix, suffix) = Quote::parts(&t, span);
            let (mut e, mut p, mut s) = (exact.to_owned(), prefix.to_owned(), suffix.to_owned());
            match wrong {
                1 => e.push('x'),
                2 => p.insert(0, 'x'),
                3 => s.push('x'),
                _ => {}
            }
            let check = QuoteCheck::of_record(&e, has.0.then_some(p.as_str()), has.1.then_some(s.as_str()));
            let compared = match wrong {
                1 => true,
                2 => has.0,
                3 => has.1,
                _ => false,
            };
            proptest::prop_assert_eq!(check.matches(&t, span), !compared);
        }
    }
}
