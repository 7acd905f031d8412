//! Team work in the window: merging another analyst's copy as one undoable
//! step, the conflicts dialog, the Team tab's comparison with adjudication
//! into the gold layer, and stepping through disagreements.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use common::ui::{FIRST, FIRST_TITLE, char_offset, fixture, harness, open_article, wait_idle};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use gloss::io::TextStorage;
use gloss::model::TagSet;
use gloss::model::{Action, AnnotationId, GOLD, Project, Span, Stamp, Timestamp, ops};

fn code(p: &mut Project, start: usize, end: usize, tag: &str, who: &str) -> AnnotationId {
    let art = p.articles().next().unwrap().id;
    let t = p.codebook().find_path(tag).unwrap();
    let stamp = Stamp {
        at: Timestamp::from_unix(100),
        by: Some(who.into()),
    };
    let a = ops::add_annotation(
        p,
        art,
        Span::new(start, end).unwrap(),
        TagSet::from([t]),
        String::new(),
        &stamp,
    )
    .unwrap();
    let Action::AddAnnotation(x) = &a else {
        unreachable!()
    };
    let id = x.id;
    p.apply(a).unwrap();
    id
}

#[test]
fn merge_compare_adjudicate_and_step_through_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let ours_path = fixture(dir.path());
    let base = gloss::io::load(&ours_path).unwrap().project;
    let port = char_offset(FIRST, "port was hit");
    let ransom = char_offset(FIRST, "ransomware");
    // A passage both copies share, whose tags each side then changes.
    let mut shared = base.fork();
    let both = code(&mut shared, ransom, ransom + 10, "Threat", "ann");
    gloss::io::save(&shared, &ours_path, TextStorage::Folder).unwrap();
    let mut ours = gloss::io::load(&ours_path).unwrap().project;
    let mut theirs = ours.fork();
    let ann = code(&mut ours, port, port + 4, "Place", "ann");
    let bob = code(&mut theirs, port, port + 12, "Place", "bob");
    let place = theirs.codebook().find_path("Place").unwrap();
    theirs
        .apply(Action::SetAnnotationTags {
            annotation: both,
            tags: TagSet::from([place]),
            modified: Timestamp::from_unix(200),
        })
        .unwrap();
    gloss::io::save(&ours, &ours_path, TextStorage::Folder).unwrap();
    let bob_path = dir.path().join("bob.ron");
    gloss::io::save(&theirs, &bob_path, TextStorage::Folder).unwrap();

    let mut h = harness(&ours_path);
    let ctx = h.ctx.clone();
    h.state_mut().merge_from(&ctx, bob_path);
    wait_idle(&mut h);
    let p = h.state().project();
    assert_eq!(p.annotations().count(), 3);
    assert!(p.annotation(bob).is_some());
    assert_eq!(p.annotation(both).unwrap().tags.len(), 1, "ours kept");
    assert_eq!(p.conflicts().len(), 1);
    // The conflict is shown and can be dismissed.
    h.get_by_label_contains("conflict from merges").hover();
    h.get_by_label("Dismiss all").click();
    h.run();
    assert!(h.state().project().conflicts().is_empty());
    // Undo takes back the dismissal, then the whole merge, in two steps.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project().conflicts().len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(h.state().project().annotations().count(), 2);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(h.state().project().annotations().count(), 3);

    // The Team tab compares ann and bob in the open article.
    open_article(&mut h, FIRST_TITLE);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Y);
    for _ in 0..200 {
        h.step();
        if h.query_by_label_contains("where ann and bob disagree")
            .is_some()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run();
    h.get_by_label_contains("1 article where ann and bob disagree")
        .hover();
    assert_eq!(
        h.state().reader.lanes.as_deref(),
        Some(&["ann".to_owned(), "bob".to_owned()][..])
    );
    // F8 selects the first disagreement (the two bounds of “port…”).
    h.key_press(Key::F8);
    h.run();
    assert_eq!(
        h.state().selection(),
        Some(Span::new(port, port + 12).unwrap())
    );
    h.get_all_by_label("Accept bob")
        .next()
        .unwrap()
        .scroll_to_me();
    h.run();
    h.get_all_by_label("Accept bob").next().unwrap().click();
    h.run();
    let gold: Vec<_> = h
        .state()
        .project()
        .annotations()
        .filter(|a| a.layer() == GOLD)
        .cloned()
        .collect();
    assert_eq!(gold.len(), 1);
    assert_eq!(gold[0].span, Span::new(port, port + 12).unwrap());
    let prov = gold[0].adjudication.as_ref().unwrap();
    assert!(prov.from.contains(&ann) && prov.from.contains(&bob));
    h.run();
    assert!(
        h.query_by_label_contains("decided · different bounds")
            .is_some()
    );
}
