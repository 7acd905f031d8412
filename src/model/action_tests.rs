//! Tests of actions, their inverses and the undo history.
#![allow(
    clippy::many_single_char_names,
    reason = "short names keep the generated cases readable"
)]

use proptest::prelude::*;

use super::annotation::Timestamp;
use super::article::ReviewStatus;
use super::codebook::{Colour, TagProps};
use super::error::ModelError;
use super::history::Session;
use super::ids::{AnnotationId, TagId};
use super::ops::{self, UntaggedPolicy};
use super::span::Span;
use super::tagset::TagSet;
use super::testing::project;
use super::{Action, Project, Text};

fn t0() -> Timestamp {
    Timestamp::from_unix(1_700_000_000)
}

/// A new article of `p` with `text`, whose record says its hash is `hash`.
fn new_article(p: &Project, text: &str, hash: crate::model::ContentHash) -> crate::model::Article {
    let id = p.ids().article();
    crate::model::Article {
        id,
        source: std::path::PathBuf::from(format!("/tmp/{}.txt", id.0)),
        hash,
        text: Text::new(text),
        meta: crate::model::Metadata::default(),
        title: format!("Article {}", id.0),
        status: ReviewStatus::Unread,
        note: String::new(),
        note_by: None,
        added: None,
    }
}

fn sample() -> Project {
    project(&[
        "Putin warned of [“military measures”]{Threat/Military} if [NATO]{Actor} expands. [Kraków]{Place} reacted.",
        "[Ransomware]{Threat/Cyber} hit the port; [officials]{Actor} said [the [attack]{Threat} was contained]{Claim}.",
        "Прогноз: [санкции]{Sanctions} и [угрозы]{Threat,Sanctions}. 😀 end",
    ])
    .0
}

#[test]
fn deleting_a_used_tag_is_explicit_and_undoable() {
    let p = sample();
    let threat = p.codebook().find_path("Threat").unwrap();
    let (action, impact) =
        ops::delete_tag(&p, threat, UntaggedPolicy::DeletePassages, t0()).unwrap();
    assert_eq!(impact.nested_tags, 2);
    assert_eq!(impact.lose_tag, 1, "угрозы keeps Sanctions");
    assert_eq!(impact.left_untagged, 3);
    let mut s = Session::new(p.clone());
    s.apply(action).unwrap();
    assert!(s.project().codebook().find_path("Threat").is_none());
    assert_eq!(s.project().annotations().len(), p.annotations().len() - 3);
    s.undo();
    assert_eq!(s.project(), &p);
}

#[test]
fn deleting_a_tag_can_retag_instead() {
    let p = sample();
    let threat = p.codebook().find_path("Threat").unwrap();
    let claim = p.codebook().find_path("Claim").unwrap();
    let (action, _) = ops::delete_tag(&p, threat, UntaggedPolicy::Retag(claim), t0()).unwrap();
    let mut q = p.clone();
    q.apply(action).unwrap();
    assert_eq!(q.annotations().len(), p.annotations().len());
    assert!(q.annotations().all(|a| !a.tags.is_empty()));
}

#[test]
fn removing_a_used_tag_directly_is_refused() {
    let mut p = sample();
    let actor = p.codebook().find_path("Actor").unwrap();
    let before = p.clone();
    assert_eq!(
        p.apply(Action::RemoveTag(actor)),
        Err(ModelError::TagInUse {
            tag: actor,
            count: 2
        })
    );
    assert_eq!(p, before);
}

#[test]
fn merging_tags_moves_passages_and_children() {
    let mut p = sample();
    let threat = p.codebook().find_path("Threat").unwrap();
    let sanctions = p.codebook().find_path("Sanctions").unwrap();
    let a = ops::merge_tags(&p, threat, sanctions, t0()).unwrap();
    p.apply(a).unwrap();
    assert!(p.codebook().find_path("Sanctions/Military").is_some());
    assert!(p.codebook().get(threat).is_none());
    let with_sanctions = p
        .annotations()
        .filter(|a| a.tags.contains(&sanctions))
        .count();
    // санкции, угрозы (already both) and "attack" (was Threat); the nested tags keep their own ids.
    assert_eq!(with_sanctions, 3);
}

#[test]
fn failed_batch_leaves_project_unchanged() {
    let mut p = sample();
    let before = p.clone();
    let batch = Action::Batch {
        label: "x".into(),
        actions: vec![Action::SetMemo("new".into()), Action::RemoveTag(TagId(999))],
    };
    assert!(p.apply(batch).is_err());
    assert_eq!(p, before);
}

#[test]
fn typing_merges_into_one_undo_step_until_sealed() {
    let mut s = Session::new(sample());
    for memo in ["a", "ab", "abc"] {
        s.apply(Action::SetMemo(memo.into())).unwrap();
    }
    s.seal();
    s.apply(Action::SetMemo("abcd".into())).unwrap();
    assert!(s.is_dirty());
    s.undo();
    assert_eq!(s.project().memo(), "abc");
    s.undo();
    assert_eq!(s.project().memo(), "");
    assert!(!s.is_dirty());
    s.redo();
    assert_eq!(s.project().memo(), "abc");
}

#[test]
fn tag_spans_never_tags_twice() {
    let (mut p, ids) = project(&["one [two]{A} three two"]);
    let a = p.codebook().find_path("A").unwrap();
    let spans = [Span::new(4, 7).unwrap(), Span::new(14, 17).unwrap()];
    let (actions, n) = ops::tag_spans(&p, ids[0], &spans, a, &t0().into()).unwrap();
    assert_eq!(n, 1);
    for x in actions {
        p.apply(x).unwrap();
    }
    assert_eq!(p.annotations().len(), 2);
}

#[test]
fn ids_are_never_reused_after_undo() {
    let mut s = Session::new(sample());
    let art = s.project().articles().next().unwrap().id;
    let tag = s.project().codebook().iter().next().unwrap().id;
    let tags = TagSet::from([tag]);
    let a = ops::add_annotation(
        s.project(),
        art,
        Span::new(0, 3).unwrap(),
        tags.clone(),
        String::new(),
        &t0().into(),
    )
    .unwrap();
    let Action::AddAnnotation(first) = &a else {
        panic!()
    };
    let first_id = first.id;
    s.apply(a).unwrap();
    s.undo();
    let b = ops::add_annotation(
        s.project(),
        art,
        Span::new(0, 3).unwrap(),
        tags,
        String::new(),
        &t0().into(),
    )
    .unwrap();
    let Action::AddAnnotation(second) = &b else {
        panic!()
    };
    assert_ne!(first_id, second.id);
}

/// A random change, described by indexes resolved against the current project.
#[derive(Clone, Debug)]
enum Op {
    Annotate(usize, usize, usize, usize),
    RemoveAnnotation(usize),
    ToggleTag(usize, usize),
    Move(usize, usize, usize),
    Note(usize, String),
    Title(usize, String),
    Status(usize, usize),
    NewTag(String, Option<usize>),
    RenameTag(usize, String),
    Reparent(usize, Option<usize>),
    DeleteTag(usize, bool),
    Merge(usize, usize),
    RemoveArticle(usize),
    Memo(String),
    /// Replace an article's text (re-sync), re-anchoring its passages, with
    /// an edit at a position: insert (or delete, when the string is empty)
    /// some chars.
    ReplaceText(usize, usize, usize, String),
    /// Replace the text of an article without passages directly.
    SetText(usize, String),
    /// Add an article.
    AddArticle(String),
    /// Keep a passage as an orphan (and remove it from the text).
    Orphan(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<usize>(), any::<usize>(), 1usize..20, any::<usize>())
            .prop_map(|(a, s, l, t)| Op::Annotate(a, s, l, t)),
        any::<usize>().prop_map(Op::RemoveAnnotation),
        (any::<usize>(), any::<usize>()).prop_map(|(a, t)| Op::ToggleTag(a, t)),
        (any::<usize>(), any::<usize>(), 1usize..10).prop_map(|(a, s, l)| Op::Move(a, s, l)),
        (any::<usize>(), "\\PC{0,12}").prop_map(|(a, n)| Op::Note(a, n)),
        (any::<usize>(), "\\PC{0,12}").prop_map(|(a, n)| Op::Title(a, n)),
        (any::<usize>(), 0usize..3).prop_map(|(a, s)| Op::Status(a, s)),
        ("[A-Za-zé]{1,6}", proptest::option::of(any::<usize>()))
            .prop_map(|(n, p)| Op::NewTag(n, p)),
        (any::<usize>(), "[A-Za-zж]{1,6}").prop_map(|(t, n)| Op::RenameTag(t, n)),
        (any::<usize>(), proptest::option::of(any::<usize>()))
            .prop_map(|(t, p)| Op::Reparent(t, p)),
        (any::<usize>(), any::<bool>()).prop_map(|(t, d)| Op::DeleteTag(t, d)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Merge(a, b)),
        any::<usize>().prop_map(Op::RemoveArticle),
        "\\PC{0,20}".prop_map(Op::Memo),
        (
            any::<usize>(),
            any::<usize>(),
            0usize..8,
            "[a-zé😀\n ]{0,12}"
        )
            .prop_map(|(a, at, del, ins)| Op::ReplaceText(a, at, del, ins)),
        (any::<usize>(), "[a-zж\n ]{1,30}").prop_map(|(a, t)| Op::SetText(a, t)),
        "[A-Za-zé😀\n ]{1,40}".prop_map(Op::AddArticle),
        any::<usize>().prop_map(Op::Orphan),
    ]
}

fn pick<T: Copy>(v: &[T], i: usize) -> Option<T> {
    if v.is_empty() {
        None
    } else {
        Some(v[i % v.len()])
    }
}

#[allow(clippy::too_many_lines, reason = "one arm per operation")]
fn build(p: &Project, op: &Op) -> Option<Action> {
    let arts: Vec<_> = p.articles().map(|a| a.id).collect();
    let tags: Vec<TagId> = p.codebook().iter().map(|t| t.id).collect();
    let anns: Vec<AnnotationId> = p.annotations().map(|a| a.id).collect();
    let now = t0();
    match op.clone() {
        Op::Annotate(a, s, l, t) => {
            let art = pick(&arts, a)?;
            let len = p.article(art)?.text.char_len();
            let start = s % len.max(1);
            let span = Span::new(start, (start + l).min(len)).ok()?;
            let tag = pick(&tags, t)?;
            ops::add_annotation(
                p,
                art,
                span,
                TagSet::from([tag]),
                String::new(),
                &now.into(),
            )
            .ok()
        }
        Op::RemoveAnnotation(i) => Some(Action::RemoveAnnotation(pick(&anns, i)?)),
        Op::ToggleTag(a, t) => ops::toggle_tag(p, pick(&anns, a)?, pick(&tags, t)?, now).ok(),
        Op::Move(a, s, l) => {
            let id = pick(&anns, a)?;
            let len = p.article(p.annotation(id)?.article)?.text.char_len();
            let start = s % len.max(1);
            Some(Action::SetAnnotationSpan {
                annotation: id,
                span: Span::new(start, (start + l).min(len)).ok()?,
                modified: now,
            })
        }
        Op::Note(a, note) => Some(Action::SetAnnotationNote {
            by: None,
            annotation: pick(&anns, a)?,
            note,
            modified: now,
        }),
        Op::Title(a, title) => Some(Action::SetArticleTitle {
            article: pick(&arts, a)?,
            title,
        }),
        Op::Status(a, s) => Some(Action::SetArticleStatus {
            article: pick(&arts, a)?,
            status: ReviewStatus::ALL[s],
        }),
        Op::NewTag(name, parent) => {
            let parent = parent.and_then(|i| pick(&tags, i));
            let path = match parent {
                Some(t) => format!("{}/{name}", p.codebook().path(t)),
                None => name,
            };
            let (_, actions) = ops::ensure_tag_path(p, &path).ok()?;
            Some(Action::Batch {
                label: "new tag".into(),
                actions,
            })
        }
        Op::RenameTag(t, name) => {
            let id = pick(&tags, t)?;
            let props = TagProps {
                name,
                ..p.codebook().get(id)?.props.clone()
            };
            Some(Action::SetTagProps { tag: id, props })
        }
        Op::Reparent(t, parent) => {
            let id = pick(&tags, t)?;
            let props = TagProps {
                parent: parent.and_then(|i| pick(&tags, i)),
                colour: Colour([1, 2, 3]),
                ..p.codebook().get(id)?.props.clone()
            };
            Some(Action::SetTagProps { tag: id, props })
        }
        Op::DeleteTag(t, delete) => {
            let id = pick(&tags, t)?;
            let policy = if delete {
                UntaggedPolicy::DeletePassages
            } else {
                UntaggedPolicy::Retag(
                    *tags
                        .iter()
                        .find(|x| !p.codebook().with_descendants(id).contains(x))?,
                )
            };
            ops::delete_tag(p, id, policy, now).ok().map(|(a, _)| a)
        }
        Op::Merge(a, b) => ops::merge_tags(p, pick(&tags, a)?, pick(&tags, b)?, now).ok(),
        Op::RemoveArticle(a) => ops::remove_article(p, pick(&arts, a)?).ok(),
        Op::Memo(m) => Some(Action::SetMemo(m)),
        Op::ReplaceText(a, at, del, ins) => {
            let art = p.article(pick(&arts, a)?)?;
            let chars: Vec<char> = art.text.as_str().chars().collect();
            let at = at % (chars.len() + 1);
            let end = (at + del).min(chars.len());
            let new: String = chars[..at]
                .iter()
                .chain(ins.chars().collect::<Vec<_>>().iter())
                .chain(&chars[end..])
                .collect();
            let (action, _) = ops::replace_text(p, art.id, &Text::new(new)).ok()?;
            Some(action)
        }
        Op::SetText(a, text) => Some(Action::SetArticleText {
            article: pick(&arts, a)?,
            text: Text::new(text),
        }),
        Op::AddArticle(text) => {
            let hash = crate::model::ContentHash::of(&text);
            Some(Action::AddArticle(Box::new(new_article(p, &text, hash))))
        }
        Op::Orphan(i) => {
            let a = p.annotation(pick(&anns, i)?)?.clone();
            let quote = p.quote(&a);
            Some(Action::Batch {
                label: "orphan".into(),
                actions: vec![
                    Action::RemoveAnnotation(a.id),
                    Action::AddOrphan(Box::new(crate::model::Orphan {
                        annotation: a,
                        quote,
                    })),
                ],
            })
        }
    }
}

/// Each tag's passages, counted from scratch (what the kept counts of
/// `Project::tag_usage` must always equal).
fn recount(p: &Project) -> std::collections::HashMap<crate::model::TagId, usize> {
    let mut m = std::collections::HashMap::new();
    for a in p.annotations() {
        for t in &a.tags {
            *m.entry(*t).or_insert(0) += 1;
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn action_then_inverse_restores_the_project(ops in proptest::collection::vec(op(), 1..25)) {
        let mut p = sample();
        for o in &ops {
            let Some(action) = build(&p, o) else { continue };
            let before = p.clone();
            match p.apply(action) {
                Ok(inverse) => {
                    prop_assert!(p.validate().is_empty(), "invalid after {:?}: {:?}", o, p.validate());
                    prop_assert_eq!(p.tag_usage(), &recount(&p), "after {:?}", o);
                    let mut q = p.clone();
                    q.apply(inverse).expect("inverse applies");
                    prop_assert_eq!(q.tag_usage(), &recount(&q), "after undoing {:?}", o);
                    prop_assert_eq!(&q, &before);
                }
                Err(_) => prop_assert_eq!(&p, &before),
            }
        }
    }

    #[test]
    fn undo_all_then_redo_all(ops in proptest::collection::vec(op(), 1..25)) {
        let start = sample();
        let mut s = Session::new(start.clone());
        for o in &ops {
            s.seal();
            if let Some(action) = build(s.project(), o) {
                let _ = s.apply(action);
            }
        }
        let end = s.project().clone();
        while s.undo().is_some() {}
        prop_assert_eq!(s.project().tag_usage(), &recount(s.project()));
        // Ids handed out stay handed out; everything else is back.
        let mut expected = start.clone();
        expected.next = s.project().next.clone();
        prop_assert_eq!(s.project(), &expected);
        prop_assert!(!s.is_dirty());
        while s.redo().is_some() {}
        prop_assert_eq!(s.project(), &end);
    }
}

#[test]
fn the_first_passage_tagged_by_hand_starts_the_article_and_undo_takes_both_back() {
    let (mut p, ids) = project(&["One two three.", "[Four]{A} five."]);
    let a = p.codebook().find_path("A").unwrap();
    let stamp: super::annotation::Stamp = t0().into();
    // Unread and no passages: the first one makes it in progress, in one step.
    let sel = ops::tag_selection(&p, ids[0], Span::new(0, 3).ok(), None, a, &stamp).unwrap();
    let undo = p.apply(sel.action).unwrap();
    assert_eq!(p.article(ids[0]).unwrap().status, ReviewStatus::InProgress);
    p.apply(undo).unwrap();
    assert_eq!(p.article(ids[0]).unwrap().status, ReviewStatus::Unread);
    assert_eq!(p.annotation_count(ids[0]), 0);
    // A status set by hand stays.
    p.apply(Action::SetArticleStatus {
        article: ids[0],
        status: ReviewStatus::Done,
    })
    .unwrap();
    let sel = ops::tag_selection(&p, ids[0], Span::new(4, 7).ok(), None, a, &stamp).unwrap();
    p.apply(sel.action).unwrap();
    assert_eq!(p.article(ids[0]).unwrap().status, ReviewStatus::Done);
    // An article that already has passages keeps its status (unread here,
    // as the analyst left it).
    let sel = ops::tag_selection(&p, ids[1], Span::new(5, 9).ok(), None, a, &stamp).unwrap();
    p.apply(sel.action).unwrap();
    assert_eq!(p.article(ids[1]).unwrap().status, ReviewStatus::Unread);
}

#[test]
fn note_edits_record_who_wrote_them_and_undo_restores_it() {
    let (p, _) = super::testing::project(&["[One]{A} two."]);
    let mut s = Session::new(p);
    let id = s.project().annotations().next().unwrap().id;
    let art = s.project().articles().next().unwrap().id;
    s.apply(Action::SetAnnotationNote {
        annotation: id,
        note: "cleo's note".into(),
        modified: Timestamp::from_unix(5),
        by: Some("cleo".into()),
    })
    .unwrap();
    s.apply(Action::SetArticleNote {
        article: art,
        note: "about the article".into(),
        by: Some("dan".into()),
    })
    .unwrap();
    assert_eq!(
        s.project().annotation(id).unwrap().note_by.as_deref(),
        Some("cleo")
    );
    assert_eq!(
        s.project().article(art).unwrap().note_by.as_deref(),
        Some("dan")
    );
    s.undo();
    s.undo();
    assert_eq!(s.project().annotation(id).unwrap().note_by, None);
    assert_eq!(s.project().article(art).unwrap().note_by, None);
}

#[test]
fn tagging_matches_counts_new_passages_and_numbers_them_in_article_order() {
    let (mut p, ids) = super::testing::project(&["a b a", "b a", "nothing", "[a]{A} a"]);
    let re = regex::Regex::new("a").unwrap();
    let stamp = super::annotation::Stamp::now(None);
    // Five matches, one of them already a passage with the tag: four new
    // (the limit counts an article's matches with the passages before it).
    let too_few = ops::tag_matches(&p, &ids, &re, "A", &stamp, 3);
    assert!(matches!(
        too_few,
        Err(ops::TagMatchesError::TooMany { max: 3 })
    ));
    let done = ops::tag_matches(&p, &ids, &re, "A", &stamp, 5).unwrap();
    assert_eq!((done.passages, done.articles), (4, 3));
    p.apply(done.action).unwrap();
    let by_id: Vec<(super::ids::ArticleId, usize)> = p
        .annotations()
        .map(|a| (a.article, a.span.start()))
        .collect();
    let mut in_order = by_id.clone();
    in_order.sort_by_key(|&(art, start)| (art != ids[3] || start != 0, art, start));
    assert_eq!(by_id, in_order, "ids follow articles, then matches");
    // Every match is now a passage with the tag: nothing new.
    let again = ops::tag_matches(&p, &ids, &re, "A", &stamp, 2).unwrap();
    assert_eq!(again.passages, 0);
}

/// An added article's hash is always its text's, whatever the action says,
/// alone or in a batch (whose texts are hashed on every core first); a
/// batch adding a text the project has is refused whole.
#[test]
fn added_articles_get_their_texts_hash_alone_or_in_a_batch() {
    let mut p = sample();
    let article =
        |p: &Project, text: &str| new_article(p, text, crate::model::ContentHash::of("not this"));
    let alone = article(&p, "One text.");
    let alone_id = alone.id;
    p.apply(Action::AddArticle(Box::new(alone))).unwrap();
    let batch: Vec<_> = ["Two.", "Three, Zoë."]
        .iter()
        .map(|t| article(&p, t))
        .collect();
    let ids: Vec<_> = batch.iter().map(|a| a.id).collect();
    p.apply(ops::add_articles(batch)).unwrap();
    for id in ids.into_iter().chain([alone_id]) {
        let a = p.article(id).unwrap();
        assert_eq!(a.hash, crate::model::ContentHash::of(a.text.as_str()));
        assert_eq!(p.article_by_hash(&a.hash), Some(id));
    }
    let before = p.articles().len();
    let again = vec![article(&p, "Four."), article(&p, "Two.")];
    assert!(matches!(
        p.apply(ops::add_articles(again)),
        Err(ModelError::DuplicateText(_))
    ));
    assert_eq!(p.articles().len(), before);
}

/// A project with one article and a tag, and the actions adding 200
/// passages to it (some with the same span), their ids ascending.
fn long_run() -> (Project, Vec<Action>) {
    let (mut p, ids) = project(&["one two three four five six seven eight nine ten"]);
    let (tag, acts) = ops::ensure_tag_path(&p, "T").unwrap();
    for a in acts {
        p.apply(a).unwrap();
    }
    let stamp: super::annotation::Stamp = t0().into();
    let adds = (0..200)
        .map(|i| {
            let span = Span::new(i % 40, i % 40 + 1 + i / 40).unwrap();
            ops::add_annotation(&p, ids[0], span, TagSet::from([tag]), String::new(), &stamp)
        })
        .collect::<Result<_, _>>()
        .unwrap();
    (p, adds)
}

/// Checks that the per-article sets and tag counts `p` kept are the ones
/// rebuilt from its passages (removing an article's last passage may leave
/// its set empty).
fn indexes_kept(p: &Project) {
    let mut rebuilt = p.clone();
    rebuilt.reindex();
    let sets = |p: &Project| {
        let mut sets = p.by_article.clone();
        sets.retain(|_, s| !s.is_empty());
        sets
    };
    assert_eq!(sets(p), sets(&rebuilt));
    assert_eq!(p.tag_counts, rebuilt.tag_counts);
}

/// A long run of added passages in a batch is checked at once: it ends as
/// adding them one by one does, with the same indexes, and one bad passage
/// anywhere refuses the whole batch with that passage's error.
#[test]
fn a_long_run_of_added_passages_is_all_or_nothing() {
    let (p, actions) = long_run();
    let mut one_by_one = p.clone();
    for a in actions.clone() {
        one_by_one.apply(a).unwrap();
    }
    let mut batched = p.clone();
    batched
        .apply(Action::Batch {
            label: "run".into(),
            actions,
        })
        .unwrap();
    assert_eq!(batched, one_by_one);
    assert_eq!(batched.annotations().len(), p.annotations().len() + 200);
    assert_eq!(batched.validate(), Vec::new());
    indexes_kept(&batched);

    // A passage past the text's end, a tag that does not exist, an id
    // the run used before: the batch is refused with that error, nothing
    // added.
    for bad in 0..3 {
        let (p, mut actions) = long_run();
        let Action::AddAnnotation(earlier) = &actions[10] else {
            unreachable!()
        };
        let used = earlier.id;
        let Action::AddAnnotation(a) = &mut actions[150] else {
            unreachable!()
        };
        let expected = match bad {
            0 => {
                a.span = Span::new(5, 500).unwrap();
                ModelError::SpanOutOfRange {
                    span: a.span,
                    len: 48,
                }
            }
            1 => {
                a.tags = TagSet::from([TagId(999)]);
                ModelError::NoSuchTag(TagId(999))
            }
            _ => {
                // Ids no longer ascend: the run is applied one by one.
                a.id = used;
                ModelError::AnnotationExists(used)
            }
        };
        let mut q = p.clone();
        let got = q.apply(Action::Batch {
            label: "run".into(),
            actions,
        });
        assert_eq!(got, Err(expected));
        assert_eq!(q, p);
        indexes_kept(&q);
    }
}

/// A long run of removed passages (undoing a run of added ones) is checked
/// before any is removed: undoing restores the project and its indexes,
/// and a passage that does not exist refuses the whole batch with its
/// error, whether the run is in order or not (then removed one by one).
#[test]
fn a_long_run_of_removed_passages_is_all_or_nothing() {
    let (before, actions) = long_run();
    let mut p = before.clone();
    let undo = p
        .apply(Action::Batch {
            label: "run".into(),
            actions,
        })
        .unwrap();
    let Action::Batch {
        actions: removals, ..
    } = &undo
    else {
        unreachable!()
    };
    let Action::RemoveAnnotation(newest) = removals[0] else {
        unreachable!()
    };
    let tagged = p.clone();
    let in_order = {
        let mut bad = removals.clone();
        bad.insert(0, Action::RemoveAnnotation(AnnotationId(newest.0 + 1)));
        (bad, AnnotationId(newest.0 + 1))
    };
    let out_of_order = {
        let mut bad = removals.clone();
        bad[100] = Action::RemoveAnnotation(AnnotationId(u128::MAX));
        (bad, AnnotationId(u128::MAX))
    };
    for (bad, missing) in [in_order, out_of_order] {
        assert_eq!(
            p.apply(Action::Batch {
                label: "bad".into(),
                actions: bad,
            }),
            Err(ModelError::NoSuchAnnotation(missing))
        );
        assert_eq!(p, tagged);
        indexes_kept(&p);
    }
    p.apply(undo).unwrap();
    assert_eq!(p, before);
    indexes_kept(&p);
}

#[test]
fn a_block_of_passage_ids_follows_every_id_before_it() {
    let p = sample();
    let a = p.ids().annotation();
    let first = p.ids().annotations(1000);
    let after = p.ids().annotation();
    assert!(first.0 > a.0);
    assert!(after.0 >= first.0 + 1000, "the block's last is first + 999");
}

/// Rebuilding the indexes finds every article's passages when they come
/// in runs that interleave (an analyst going back to an earlier article),
/// and counts each tag once per passage.
#[test]
fn rebuilt_indexes_follow_interleaved_articles() {
    use std::collections::{BTreeMap, BTreeSet};
    let (mut p, ids) = project(&["one two three four", "five six seven", "eight nine"]);
    let order = [0, 0, 1, 0, 2, 2, 1, 1, 0, 2];
    let mut expected: BTreeMap<super::ids::ArticleId, BTreeSet<AnnotationId>> = BTreeMap::new();
    for (i, &k) in order.iter().enumerate() {
        let path = if i % 3 == 0 { "A" } else { "B" };
        let id = super::testing::code(&mut p, ids[k], (i % 4, i % 4 + 2), path, "ann");
        expected.entry(ids[k]).or_default().insert(id);
    }
    indexes_kept(&p);
    let mut rebuilt = p.clone();
    rebuilt.reindex();
    let sets: BTreeMap<super::ids::ArticleId, BTreeSet<AnnotationId>> =
        rebuilt.by_article.clone().into_iter().collect();
    assert_eq!(sets, expected);
    let a = super::testing::tag(&mut p, "A");
    let b = super::testing::tag(&mut p, "B");
    assert_eq!(rebuilt.tag_counts.get(&a), Some(&4));
    assert_eq!(rebuilt.tag_counts.get(&b), Some(&6));
}

/// Passages read in order of article and start, in reverse, or in id
/// order read as `Project::passage` reads each one, in every script.
#[test]
fn a_passage_reader_reads_what_each_passage_reads() {
    let (p, _) = project(&[
        "[Zoë]{A} and [санкции]{B} in [Kraków]{A}, [مرحبا بالعالم]{B} [日本語のテキスト]{A,B}",
        "[plain]{A} ascii [text]{B} [here]{A}",
        "[Ελλάδα]{B} και [Κύπρος]{A}",
    ]);
    let mut ordered: Vec<&super::Annotation> = p.annotations().collect();
    ordered.sort_by_key(|a| (a.article, a.span.start(), a.span.end()));
    assert!(ordered.len() >= 10);
    for _ in 0..2 {
        let mut reader = super::project::PassageReader::new(&p);
        for a in &ordered {
            assert_eq!(reader.passage(a), p.passage(a), "{:?}", a.span);
        }
        ordered.reverse();
    }
    let mut reader = super::project::PassageReader::new(&p);
    for a in p.annotations() {
        assert_eq!(reader.passage(a), p.passage(a));
    }
}
