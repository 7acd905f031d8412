//! Tests of merging: two copies, three-way edits, conflicts, deletions, tags.

use super::*;
use crate::model::TagSet;
use crate::model::annotation::Timestamp;
use crate::model::testing::{self, code, tag};
use crate::model::{Action, ops};

fn two_way<'a>(ours: &'a Project, theirs: &'a Project) -> Merged {
    merge(Sides {
        base: None,
        ours,
        theirs,
        theirs_label: "bob",
    })
    .unwrap()
}

fn three_way(base: &Project, ours: &Project, theirs: &Project) -> Merged {
    merge(Sides {
        base: Some(base),
        ours,
        theirs,
        theirs_label: "bob",
    })
    .unwrap()
}

fn tags_of(p: &Project, id: AnnotationId) -> Vec<String> {
    p.annotation(id)
        .unwrap()
        .tags
        .iter()
        .map(|t| p.codebook().path(*t))
        .collect()
}

#[test]
fn two_copies_unite_passages_articles_and_tags_keeping_analysts() {
    let (base, arts) = testing::project(&["The quick brown fox jumps.", "A second article."]);
    let mut ours = base.fork();
    let mut theirs = base.fork();
    let ann = code(&mut ours, arts[0], (4, 9), "Speed", "ann");
    let bob = code(&mut theirs, arts[0], (4, 15), "Speed", "bob");
    let bob2 = code(&mut theirs, arts[1], (0, 8), "Order/First", "bob");
    let extra = testing::article(&mut theirs, "Only they have this one.");
    theirs.apply(ops::add_articles(vec![extra])).unwrap();
    assert_ne!(ann, bob, "ids made in separate copies never collide");
    let m = two_way(&ours, &theirs);
    let p = &m.project;
    assert_eq!(p.annotations().count(), 3);
    assert_eq!(p.annotation(ann).unwrap().author.as_deref(), Some("ann"));
    assert_eq!(p.annotation(bob).unwrap().author.as_deref(), Some("bob"));
    assert_eq!(tags_of(p, bob2), ["Order/First"]);
    assert_eq!(p.articles().count(), 3);
    assert_eq!(m.summary.articles_added, 1);
    assert_eq!(m.summary.passages_added, 2);
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
    assert!(p.validate().is_empty());
}

#[test]
fn merging_a_project_with_itself_changes_nothing() {
    let (mut p, arts) = testing::project(&["[One]{A} two [three]{B/C}."]);
    code(&mut p, arts[0], (4, 7), "A", "ann");
    let m = two_way(&p, &p.fork());
    assert_eq!(m.project, p);
    assert!(m.conflicts.is_empty());
    assert_eq!(m.summary, Summary::default());
}

#[test]
fn edits_to_different_fields_of_one_passage_merge_cleanly() {
    let (mut base, arts) = testing::project(&["Alpha beta gamma delta."]);
    let id = code(&mut base, arts[0], (0, 5), "A", "ann");
    tag(&mut base, "B");
    let mut ours = base.fork();
    let mut theirs = base.fork();
    ours.apply(Action::SetAnnotationNote {
        by: None,
        annotation: id,
        note: "our note".into(),
        modified: Timestamp::from_unix(5),
    })
    .unwrap();
    let b = theirs.codebook().find_path("B").unwrap();
    theirs
        .apply(Action::SetAnnotationTags {
            annotation: id,
            tags: TagSet::from([b]),
            modified: Timestamp::from_unix(6),
        })
        .unwrap();
    let m = three_way(&base, &ours, &theirs);
    let a = m.project.annotation(id).unwrap();
    assert_eq!(a.note, "our note");
    assert_eq!(tags_of(&m.project, id), ["B"]);
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
}

#[test]
fn true_conflicts_keep_ours_and_are_recorded_with_theirs() {
    let (mut base, arts) = testing::project(&["Alpha beta gamma delta."]);
    let id = code(&mut base, arts[0], (0, 5), "A", "ann");
    let mut ours = base.fork();
    let mut theirs = base.fork();
    let tag_x = tag(&mut ours, "X");
    ours.apply(Action::SetAnnotationTags {
        annotation: id,
        tags: TagSet::from([tag_x]),
        modified: Timestamp::from_unix(5),
    })
    .unwrap();
    ours.apply(Action::SetAnnotationNote {
        by: None,
        annotation: id,
        note: "ours".into(),
        modified: Timestamp::from_unix(5),
    })
    .unwrap();
    let tag_y = tag(&mut theirs, "Y");
    theirs
        .apply(Action::SetAnnotationTags {
            annotation: id,
            tags: TagSet::from([tag_y]),
            modified: Timestamp::from_unix(6),
        })
        .unwrap();
    theirs
        .apply(Action::SetAnnotationSpan {
            annotation: id,
            span: Span::new(0, 10).unwrap(),
            modified: Timestamp::from_unix(6),
        })
        .unwrap();
    theirs
        .apply(Action::SetAnnotationNote {
            by: None,
            annotation: id,
            note: "theirs".into(),
            modified: Timestamp::from_unix(6),
        })
        .unwrap();
    let m = three_way(&base, &ours, &theirs);
    let a = m.project.annotation(id).unwrap();
    assert_eq!(tags_of(&m.project, id), ["X"]);
    // Only they moved the bounds: taken.
    assert_eq!(a.span, Span::new(0, 10).unwrap());
    assert!(
        a.note.contains("ours") && a.note.contains("theirs"),
        "{}",
        a.note
    );
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    let c = &m.conflicts[0];
    assert_eq!(c.passage, Some(id));
    assert!(
        c.message.contains("tags (theirs Y)") && c.message.contains("note"),
        "{c}"
    );
    assert_eq!(m.project.conflicts(), m.conflicts.as_slice());
    // Deterministic: the same inputs give the same result.
    assert_eq!(three_way(&base, &ours, &theirs).project, m.project);
}

#[test]
fn deletions_apply_unless_the_other_side_changed_the_thing() {
    let (mut base, arts) = testing::project(&["Alpha beta gamma delta.", "Second text here."]);
    let keep = code(&mut base, arts[0], (0, 5), "A", "ann");
    let gone = code(&mut base, arts[0], (6, 10), "A", "ann");
    let mut ours = base.fork();
    let mut theirs = base.fork();
    theirs.apply(Action::RemoveAnnotation(keep)).unwrap();
    theirs.apply(Action::RemoveAnnotation(gone)).unwrap();
    theirs.apply(Action::RemoveArticle(arts[1])).unwrap();
    ours.apply(Action::SetAnnotationNote {
        by: None,
        annotation: keep,
        note: "changed".into(),
        modified: Timestamp::from_unix(9),
    })
    .unwrap();
    let m = three_way(&base, &ours, &theirs);
    assert!(m.project.annotation(gone).is_none());
    assert!(m.project.annotation(keep).is_some());
    assert_eq!(m.project.articles().count(), 1);
    assert_eq!(m.summary.passages_removed, 1);
    assert_eq!(m.conflicts.len(), 1);
    assert!(m.conflicts[0].message.contains("kept ours"));
}

#[test]
fn same_tag_path_with_other_props_keeps_ours_and_reports() {
    let (mut ours, arts) = testing::project(&["Alpha beta."]);
    let mut theirs = ours.fork();
    let fear_ours = tag(&mut ours, "Fear");
    let mut props = ours.codebook().get(fear_ours).unwrap().props.clone();
    props.description = "ours".into();
    ours.apply(Action::SetTagProps {
        tag: fear_ours,
        props,
    })
    .unwrap();
    let hope_theirs = tag(&mut theirs, "Hope");
    tag(&mut theirs, "Fear");
    assert_eq!(
        hope_theirs, fear_ours,
        "both copies made the same tag id for different tags"
    );
    code(&mut theirs, arts[0], (0, 5), "Hope", "bob");
    code(&mut theirs, arts[0], (6, 10), "Fear", "bob");
    let m = two_way(&ours, &theirs);
    let p = &m.project;
    assert_eq!(p.codebook().len(), 2);
    let fear = p.codebook().find_path("Fear").unwrap();
    assert_eq!(fear, fear_ours);
    assert_eq!(p.codebook().get(fear).unwrap().props.description, "ours");
    let hope = p.codebook().find_path("Hope").unwrap();
    assert_ne!(hope, fear);
    assert_eq!(
        p.annotations().filter(|a| a.tags.contains(&hope)).count(),
        1
    );
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    assert!(m.conflicts[0].message.contains("description"));
}

#[test]
fn a_tag_renamed_on_one_side_merges_by_id() {
    let (mut base, arts) = testing::project(&["Alpha beta gamma."]);
    let t = tag(&mut base, "Fear");
    let mut ours = base.fork();
    let mut theirs = base.fork();
    let mut props = base.codebook().get(t).unwrap().props.clone();
    props.name = "Anxiety".into();
    theirs.apply(Action::SetTagProps { tag: t, props }).unwrap();
    code(&mut ours, arts[0], (0, 5), "Fear", "ann");
    let m = three_way(&base, &ours, &theirs);
    assert_eq!(m.project.codebook().len(), 1);
    assert_eq!(m.project.codebook().path(t), "Anxiety");
    assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
}

#[test]
fn notes_and_memo_changed_on_both_sides_keep_both() {
    assert_eq!(merge_text(Some("a"), "a", "b", "bob"), ("b".into(), false));
    assert_eq!(merge_text(Some("a"), "c", "a", "bob"), ("c".into(), false));
    assert_eq!(merge_text(None, "", "b", "bob"), ("b".into(), false));
    let (both, conflict) = merge_text(Some("a"), "x", "y", "bob");
    assert!(conflict);
    assert!(both.starts_with('x') && both.ends_with('y') && both.contains("bob"));
    // Merging again does not add their version twice.
    assert_eq!(merge_text(None, &both, "y", "bob"), (both.clone(), false));
}
