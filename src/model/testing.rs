//! Test helpers, including a readable notation for annotated text:
//! `"The [quick]{Threat} fox"` is the text `The quick fox` with the span 4..9
//! tagged `Threat`. Brackets may nest: `"[The [quick]{A} fox]{B,C}"`.

use std::path::PathBuf;

use super::annotation::Timestamp;
use super::article::{Article, ContentHash, Metadata, ReviewStatus};
use super::ids::ArticleId;
use super::ops;
use super::project::Project;
use super::span::Span;
use super::tagset::TagSet;
use super::text::Text;

/// Parses the notation into the plain text and `(span, tag paths)` pairs.
pub fn parse(marked: &str) -> (String, Vec<(Span, Vec<String>)>) {
    let mut text = String::new();
    let mut open: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut chars = marked.chars().peekable();
    let mut n = 0;
    while let Some(c) = chars.next() {
        match c {
            '[' => open.push(n),
            ']' => {
                let start = open.pop().expect("unbalanced ]");
                assert_eq!(chars.next(), Some('{'), "] must be followed by {{tags}}");
                let mut tags = String::new();
                for t in chars.by_ref() {
                    if t == '}' {
                        break;
                    }
                    tags.push(t);
                }
                out.push((
                    Span::new(start, n).expect("ordered"),
                    tags.split(',').map(|s| s.trim().to_owned()).collect(),
                ));
            }
            _ => {
                text.push(c);
                n += 1;
            }
        }
    }
    assert!(open.is_empty(), "unbalanced [");
    (text, out)
}

/// A plain article with this text.
pub fn article(project: &mut Project, text: &str) -> Article {
    let id = project.ids().article();
    Article {
        id,
        source: PathBuf::from(format!("/tmp/article-{}.txt", id.0)),
        text: Text::new(text),
        hash: ContentHash::of(text),
        meta: Metadata::default(),
        title: format!("Article {}", id.0),
        status: ReviewStatus::Unread,
        note: String::new(),
        note_by: None,
        added: None,
    }
}

/// A project with one article per marked-up string, tags created as needed.
pub fn project(marked: &[&str]) -> (Project, Vec<ArticleId>) {
    let mut p = Project::new();
    let mut ids = Vec::new();
    for m in marked {
        let (text, spans) = parse(m);
        let a = article(&mut p, &text);
        let id = a.id;
        ids.push(id);
        p.apply(ops::add_articles(vec![a])).expect("add article");
        for (span, paths) in spans {
            let mut tags = TagSet::new();
            for path in paths {
                let (t, actions) = ops::ensure_tag_path(&p, &path).expect("tag");
                for a in actions {
                    p.apply(a).expect("add tag");
                }
                tags.insert(t);
            }
            let a = ops::add_annotation(
                &p,
                id,
                span,
                tags,
                String::new(),
                &Timestamp::from_unix(0).into(),
            )
            .expect("annotation");
            p.apply(a).expect("apply annotation");
        }
    }
    (p, ids)
}

/// The tag at `path`, created (with its parents) if missing.
pub fn tag(p: &mut Project, path: &str) -> super::TagId {
    let (t, actions) = ops::ensure_tag_path(p, path).expect("tag");
    for a in actions {
        p.apply(a).expect("add tag");
    }
    t
}

/// Adds a passage over chars `start..end` of `article` by analyst `by`,
/// tagged `path` (created if missing); returns its id.
pub fn code(
    p: &mut Project,
    article: ArticleId,
    (start, end): (usize, usize),
    path: &str,
    by: &str,
) -> super::AnnotationId {
    let t = tag(p, path);
    let stamp = super::Stamp {
        at: Timestamp::from_unix(1),
        by: Some(by.into()),
    };
    let span = Span::new(start, end).expect("span");
    let a = ops::add_annotation(p, article, span, TagSet::from([t]), String::new(), &stamp)
        .expect("annotation");
    let super::Action::AddAnnotation(x) = &a else {
        unreachable!("add_annotation adds an annotation")
    };
    let id = x.id;
    p.apply(a).expect("apply annotation");
    id
}

/// Sets the note of the passage whose text is `passage`.
pub fn set_note(p: &mut Project, passage: &str, note: &str) {
    let id = p
        .annotations()
        .find(|a| p.passage(a) == passage)
        .map(|a| a.id)
        .expect("a passage with that text");
    p.apply(super::Action::SetAnnotationNote {
        by: None,
        annotation: id,
        note: note.into(),
        modified: Timestamp::from_unix(0),
    })
    .expect("set note");
}

#[test]
fn notation_parses_nested_marks() {
    let (text, spans) = parse("[The [quick]{A} fox]{B, C}");
    assert_eq!(text, "The quick fox");
    assert_eq!(spans[0], (Span::new(4, 9).unwrap(), vec!["A".to_owned()]));
    assert_eq!(spans[1].0, Span::new(0, 13).unwrap());
    assert_eq!(spans[1].1, ["B", "C"]);
}

/// `text` with every UUID replaced by a stable stand-in numbered in order of
/// first appearance, so snapshots of projects with passages (whose ids are
/// UUID v7s, made from the clock) stay the same from run to run.
#[must_use]
pub fn stable_ids(text: &str) -> String {
    let re =
        regex::Regex::new("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
            .expect("valid");
    let mut seen: Vec<String> = Vec::new();
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let m = c[0].to_owned();
        let n = match seen.iter().position(|x| *x == m) {
            Some(n) => n,
            None => {
                seen.push(m);
                seen.len() - 1
            }
        };
        format!("00000000-0000-7000-8000-{:012}", n + 1)
    })
    .into_owned()
}
