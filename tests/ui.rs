//! The review window, driven like a user would: `egui_kittest` runs the real
//! app without a display.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::collections::BTreeSet;
use std::path::Path;

mod common;

use common::ui::*;
use egui::{Event, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gloss::io::TextStorage;
use gloss::model::TagSet;
use gloss::model::{Action, Annotation, ArticleId, Project, Span};
use gloss::ui::app::GlossApp;
use gloss::ui::settings::Settings;

#[test]
fn select_with_the_mouse_and_tag_with_a_shortcut_then_undo() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let start = char_offset(FIRST, "the port");
    let end = start + "the port".chars().count();
    drag_select(&mut h, start, end);
    assert_eq!(h.state().selection(), Some(Span::new(start, end).unwrap()));

    type_key(&mut h, "1");
    let anns = annotations(&h);
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0].span, Span::new(start, end).unwrap());
    let threat = h.state().project().codebook().find_path("Threat").unwrap();
    assert_eq!(anns[0].tags, TagSet::from([threat]));
    assert_eq!(h.state().project().passage(&anns[0]), "the port");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(annotations(&h).is_empty(), "undo removes the passage");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(annotations(&h).len(), 1, "redo brings it back");
}

#[test]
fn selection_crosses_paragraphs_and_overlaps_stay_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let a = char_offset(FIRST, "ransomware");
    let b = char_offset(FIRST, "second paragraph") + "second".len();
    drag_select(&mut h, a, b);
    assert_eq!(h.state().selection(), Some(Span::new(a, b).unwrap()));
    type_key(&mut h, "1");
    // An overlapping passage inside the first one, with the other tag.
    let c = char_offset(FIRST, "Monday");
    drag_select(&mut h, c, c + "Monday".len());
    type_key(&mut h, "2");
    let anns = annotations(&h);
    assert_eq!(anns.len(), 2);
    let spans: BTreeSet<Span> = anns.iter().map(|x| x.span).collect();
    assert!(spans.contains(&Span::new(a, b).unwrap()));
    assert!(spans.contains(&Span::new(c, c + 6).unwrap()));
    assert!(
        h.state().project().passage(&anns[0]).contains('\n'),
        "crosses a paragraph break"
    );
}

#[test]
fn clicking_a_passage_selects_it_and_tag_keys_toggle_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "Kraków");
    drag_select(&mut h, s, s + 6);
    type_key(&mut h, "2");
    let id = annotations(&h)[0].id;
    // Click elsewhere, then on the passage.
    let elsewhere = h
        .state()
        .reader
        .screen_pos(char_offset(FIRST, "Officials") + 2)
        .unwrap();
    h.get_by_label("Threat").hover();
    h.run();
    h.hover_at(elsewhere);
    h.run();
    h.drag_at(elsewhere);
    h.run();
    h.drop_at(elsewhere);
    h.run();
    assert_eq!(h.state().reader.selected_annotation, None);
    let on = h.state().reader.screen_pos(s + 3).unwrap();
    h.hover_at(on);
    h.run();
    h.drag_at(on);
    h.run();
    h.drop_at(on);
    h.run();
    assert_eq!(h.state().reader.selected_annotation, Some(id));
    type_key(&mut h, "1");
    assert_eq!(
        annotations(&h)[0].tags.len(),
        2,
        "tag added to the selected passage"
    );
}

#[test]
fn unsaved_prompt_on_quit_and_saved_project_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut h = harness(&path);
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    type_key(&mut h, "1");
    assert!(h.state().session.is_dirty());

    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run();
    assert!(h.state().is_asking_to_save());
    let _ = h.get_by_label("Don't save");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(!h.state().is_asking_to_save());
    // Closing the window asks the same question.
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.run();
    assert!(
        h.state().is_asking_to_save(),
        "closing the window asks first"
    );
    h.get_by_label("Cancel").click();
    h.run();

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step(); // the save runs in the background: `run` could outlast it under load; wait_idle waits
    wait_idle(&mut h);
    assert!(!h.state().session.is_dirty(), "saved");

    let mut again = harness(&path);
    let anns: Vec<Annotation> = again.state().project().annotations().cloned().collect();
    assert_eq!(anns.len(), 1);
    assert_eq!(again.state().project().passage(&anns[0]), "ransomware");
    again.run();
    let _ = ArticleId(1);
}

#[test]
fn quick_tag_box_creates_a_new_tag() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "Monday");
    drag_select(&mut h, s, s + 6);
    h.key_press_modifiers(Modifiers::COMMAND, Key::T);
    h.run();
    h.event(Event::Text("Time/Weekday".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let p = h.state().project();
    let t = p.codebook().find_path("Time/Weekday").expect("tag created");
    let anns: Vec<&Annotation> = p.annotations().collect();
    assert_eq!(anns.len(), 1);
    assert!(anns[0].tags.contains(&t));
}

#[test]
fn losing_focus_autosaves_a_recovery_file_that_reopening_offers() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let original = std::fs::read(&path).unwrap();
    let mut h = harness(&path);
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "Monday");
    drag_select(&mut h, s, s + 6);
    type_key(&mut h, "1");
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .focused = Some(false);
    wait_idle(&mut h);
    let recovery = dir.path().join("review.ron.recovery");
    assert!(recovery.exists(), "autosaved beside the project");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "the user's file is untouched"
    );
    let r = gloss::io::load(&recovery).unwrap();
    assert_eq!(r.project.annotations().len(), 1);
    assert!(h.state().session.is_dirty(), "an autosave is not a save");

    // Opening the project again offers the newer autosave.
    let mut h2 = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, app: &mut GlossApp| app.show(ui),
            GlossApp::new(Settings::default()),
        );
    let ctx = h2.ctx.clone();
    h2.state_mut().start(&ctx, vec![path.clone()]);
    // The open job finds the autosave; nothing polls for it, so wait.
    wait_idle(&mut h2);
    h2.get_by_label("Restore").click();
    wait_idle(&mut h2);
    assert_eq!(h2.state().project().annotations().len(), 1);
    assert!(
        h2.state().session.is_dirty(),
        "restored work still needs saving"
    );
}

#[test]
fn corpus_search_result_click_selects_the_match_ready_to_tag() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, "Another article about sanctions");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    h.event(Event::Text("kraków".into()));
    wait_search(&mut h);
    assert_eq!(
        h.state().explore.search.total(),
        0,
        "case-sensitive by default"
    );
    h.get_by_label("Aa").click();
    wait_search(&mut h);
    assert_eq!(h.state().explore.search.total(), 1);
    h.get_by_label_contains("names Kraków and").click();
    h.run();
    h.run();
    let s = char_offset(FIRST, "Kraków");
    assert_eq!(h.state().selection(), Some(Span::new(s, s + 6).unwrap()));
    assert_eq!(
        h.state().current,
        Some(h.state().project().articles().next().unwrap().id)
    );
    type_key(&mut h, "2");
    assert_eq!(
        annotations(&h).len(),
        1,
        "the selected match is ready to tag"
    );
}

#[test]
fn tag_all_matches_is_one_undoable_step_and_skips_tagged_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    // "the" (whole word, any case) occurs twice in the first article.
    open_article(&mut h, FIRST_TITLE);
    let first = char_offset(FIRST, "the port");
    drag_select(&mut h, first, first + 3);
    type_key(&mut h, "1");
    assert_eq!(annotations(&h).len(), 1);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    h.event(Event::Text("the".into()));
    wait_search(&mut h);
    h.get_by_label("Aa").click();
    h.get_by_label("Word").click();
    wait_search(&mut h);
    assert_eq!(h.state().explore.search.total(), 2);
    let threat = h.state().project().codebook().find_path("Threat").unwrap();
    h.state_mut().explore.search.apply_tag = Some(threat);
    h.run();
    h.get_by_label("Tag all 2").click();
    h.run();
    let anns = annotations(&h);
    assert_eq!(
        anns.len(),
        2,
        "the already tagged match is not tagged twice"
    );
    assert!(anns.iter().all(|a| a.tags.contains(&threat)));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(annotations(&h).len(), 1, "one undo removes all of them");
}

#[test]
fn find_in_article_highlights_and_steps_through_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.event(Event::Text("o".into()));
    h.run();
    let n = FIRST.matches('o').count();
    assert_eq!(h.state().reader.find.len(), n);
    h.key_press(Key::F3);
    h.run();
    let first = FIRST[..FIRST.find('o').unwrap()].chars().count();
    assert_eq!(
        h.state().selection(),
        Some(Span::new(first, first + 1).unwrap())
    );
    h.key_press_modifiers(Modifiers::SHIFT, Key::F3);
    h.run();
    let last = FIRST[..FIRST.rfind('o').unwrap()].chars().count();
    assert_eq!(
        h.state().selection(),
        Some(Span::new(last, last + 1).unwrap()),
        "wraps around"
    );
    // An invalid regular expression shows its error instead of matches.
    h.get_by_label(".*").click();
    h.run();
    h.state_mut().find.focus = true;
    h.run();
    h.event(Event::Text("(".into()));
    h.run();
    assert!(h.state().reader.find.is_empty());
    let _ = h.get_by_label_contains("unclosed");
}

#[test]
fn passages_by_tag_list_jumps_to_the_passage() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    type_key(&mut h, "1");
    let id = annotations(&h)[0].id;
    open_article(&mut h, "Another article about sanctions");
    let threat = h.state().project().codebook().find_path("Threat").unwrap();
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::R);
    h.run();
    h.state_mut().explore.passages.query.any = vec![threat];
    h.run();
    h.get_by_label_contains("“ransomware”").click();
    h.run();
    h.run();
    assert_eq!(h.state().reader.selected_annotation, Some(id));
    assert_eq!(h.state().selection(), Some(Span::new(s, s + 10).unwrap()));
}

#[test]
fn resync_in_the_window_reanchors_passages_off_the_ui_thread() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    type_key(&mut h, "1");
    // The source gains a paragraph before the passage.
    let changed = FIRST.replace(
        "(credit: Ana Ribeiro/AFP)\n\n",
        "(credit: Ana Ribeiro/AFP)\n\nA new first paragraph.\n\n",
    );
    std::fs::write(dir.path().join("articles/a.txt"), &changed).unwrap();
    let ctx = h.ctx.clone();
    h.state_mut()
        .run(&ctx, gloss::ui::commands::Command::Resync);
    wait_idle(&mut h);
    let anns = annotations(&h);
    assert_eq!(anns.len(), 1);
    let moved = char_offset(&changed, "ransomware");
    assert_eq!(anns[0].span, Span::new(moved, moved + 10).unwrap());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        annotations(&h)[0].span,
        Span::new(s, s + 10).unwrap(),
        "one undo restores the old text and position"
    );
}

#[test]
fn starting_with_files_imports_them_and_lists_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("in");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.txt"), FIRST).unwrap();
    std::fs::write(folder.join("b.txt"), SECOND).unwrap();
    std::fs::write(folder.join("empty.txt"), "").unwrap();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(
            |ui, app: &mut GlossApp| app.show(ui),
            GlossApp::new(Settings::default()),
        );
    let ctx = h.ctx.clone();
    h.state_mut().start(&ctx, vec![folder]);
    wait_idle(&mut h);
    assert_eq!(h.state().project().articles().len(), 2);
    assert!(
        h.state().session.is_dirty(),
        "a new project with unsaved articles"
    );
    let _ = h.get_by_label("Import finished");
    let _ = h.get_by_label_contains("empty.txt");
}

#[test]
fn deleting_a_used_tag_says_what_it_affects_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    type_key(&mut h, "1");
    let threat = h.state().project().codebook().find_path("Threat").unwrap();
    h.state_mut().explore.open = false;
    // The ☰ menu on Threat's row (tags are listed by name: Place, Threat).
    h.get_all_by_label("☰").nth(1).unwrap().click();
    h.run();
    h.get_by_label("Delete…").click();
    h.run();
    let _ = h.get_by_label("Delete tag Threat?");
    let _ = h.get_by_label_contains("1 passage has no other tag");
    // Nothing is deleted by default: a choice is needed first.
    {
        use egui_kittest::kittest::NodeT as _;
        assert!(
            h.get_by_label("Delete the tag")
                .accesskit_node()
                .is_disabled()
        );
    }
    h.get_by_label("Delete that passage").click();
    h.run();
    h.get_by_label("Delete the tag and 1 passage").click();
    h.run();
    assert!(h.state().project().codebook().get(threat).is_none());
    assert!(annotations(&h).is_empty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(annotations(&h).len(), 1, "undo brings tag and passage back");
    assert!(h.state().project().codebook().get(threat).is_some());
}

#[test]
fn keyboard_extends_the_selection_by_char_and_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let at = char_offset(FIRST, "the port");
    // A click puts the caret there.
    let p = h.state().reader.screen_pos(at).unwrap();
    h.hover_at(p);
    h.run();
    h.drag_at(p);
    h.run();
    h.drop_at(p);
    h.run();
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
        h.run();
    }
    assert_eq!(h.state().selection(), Some(Span::new(at, at + 3).unwrap()));
    h.key_press_modifiers(Modifiers::SHIFT | Modifiers::COMMAND, Key::ArrowRight);
    h.run();
    assert_eq!(
        h.state().selection(),
        Some(Span::new(at, at + "the port".len()).unwrap()),
        "to the end of the next word"
    );
    type_key(&mut h, "2");
    assert_eq!(h.state().project().passage(&annotations(&h)[0]), "the port");
}

#[test]
fn saving_over_a_project_changed_elsewhere_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut h = harness(&path);
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    type_key(&mut h, "1");
    // Meanwhile a command changes the file on disk.
    let mut theirs = gloss::io::load(&path).unwrap().project;
    theirs
        .apply(Action::SetMemo("saved by a command".into()))
        .unwrap();
    gloss::io::save(&theirs, &path, TextStorage::Folder).unwrap();
    let on_disk = std::fs::read(&path).unwrap();

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    wait_idle(&mut h);
    let _ = h.get_by_label("The project was not saved");
    let _ = h.get_by_label("Reload from disk");
    let _ = h.get_by_label("Save as…");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        on_disk,
        "nothing overwritten"
    );
    assert!(h.state().session.is_dirty(), "the work is still open");

    // The user chooses to overwrite, knowingly.
    h.get_by_label("Overwrite").click();
    wait_idle(&mut h);
    assert!(!h.state().session.is_dirty());
    let saved = gloss::io::load(&path).unwrap().project;
    assert_eq!(saved.annotations().len(), 1);
    let bak = gloss::io::load(&dir.path().join("review.ron.bak"))
        .unwrap()
        .project;
    assert_eq!(bak.memo(), "saved by a command");
}

#[test]
fn a_second_window_is_told_the_project_is_open_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let start = |path: &Path| {
        let mut h = Harness::builder()
            .with_size([1280.0, 800.0])
            .build_ui_state(
                |ui, app: &mut GlossApp| app.show(ui),
                GlossApp::new(Settings::default()),
            );
        let ctx = h.ctx.clone();
        h.state_mut().start(&ctx, vec![path.to_path_buf()]);
        wait_idle(&mut h);
        h
    };
    let first = start(&path);
    assert_eq!(first.state().project().articles().len(), 2);
    let mut second = start(&path);
    let _ = second.get_by_label("Open in another window");
    assert_eq!(second.state().project().articles().len(), 0);
    second.get_by_label("Open here too").click();
    wait_idle(&mut second);
    assert_eq!(second.state().project().articles().len(), 2);
    drop(first);
}

#[test]
fn the_open_article_is_laid_out_anew_when_its_text_shrinks_or_grows_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    // Select near the end of the long text, so old offsets lie past the new end.
    let s = char_offset(FIRST, "Zoë");
    drag_select(&mut h, s, s + 3);
    assert_eq!(h.state().selection(), Some(Span::new(s, s + 3).unwrap()));
    let short = "Officials said the port was hit.\n";
    std::fs::write(dir.path().join("articles/a.txt"), short).unwrap();
    let ctx = h.ctx.clone();
    h.state_mut()
        .run(&ctx, gloss::ui::commands::Command::Resync);
    wait_idle(&mut h);
    // What is drawn is the new text, block by block, and nothing panicked.
    let drawn: Vec<String> = h
        .state()
        .reader
        .painted_blocks()
        .into_iter()
        .map(|(_, _, t)| t)
        .collect();
    assert_eq!(drawn, vec!["Officials said the port was hit.".to_owned()]);
    assert!(
        h.state()
            .selection()
            .is_none_or(|sel| sel.end() <= short.chars().count()),
        "the selection stays within the new text"
    );
    // Undo brings the long text back, laid out again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let drawn: Vec<String> = h
        .state()
        .reader
        .painted_blocks()
        .into_iter()
        .map(|(_, _, t)| t)
        .collect();
    assert!(
        drawn.iter().any(|t| t.contains("Kraków and Zoë")),
        "{drawn:?}"
    );
}

#[test]
fn what_is_drawn_under_a_selection_and_a_highlight_is_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "Kraków and Zoë");
    let e = s + "Kraków and Zoë".chars().count();
    drag_select(&mut h, s, e);
    let span = h.state().selection().unwrap();
    assert_eq!(span, Span::new(s, e).unwrap());
    // The glyphs egui drew (its own layout data, not the view's mapping)
    // whose middles lie under the rectangles painted for a span.
    let under = |h: &Harness<'_, GlossApp>, span: Span| -> String {
        let rects = h.state().reader.span_rects(span);
        h.state()
            .reader
            .painted_glyphs()
            .into_iter()
            .filter(|(_, g)| rects.iter().any(|r| r.contains(g.center())))
            .map(|(c, _)| c)
            .collect()
    };
    assert_eq!(under(&h, span), "Kraków and Zoë");
    // Tag it: the highlight covers the same glyphs, and the stored passage
    // is the same chars.
    type_key(&mut h, "1");
    let a = annotations(&h).pop().unwrap();
    assert_eq!(h.state().project().passage(&a), "Kraków and Zoë");
    assert_eq!(under(&h, a.span), "Kraków and Zoë");
}

/// Passages by (article title, span, sorted tag paths): what a project holds,
/// without ids and times.
fn passage_set(p: &Project) -> BTreeSet<(String, usize, usize, Vec<String>)> {
    p.annotations()
        .map(|a| {
            let mut tags: Vec<String> = a.tags.iter().map(|t| p.codebook().path(*t)).collect();
            tags.sort();
            let title = p.article(a.article).unwrap().title.clone();
            (title, a.span.start(), a.span.end(), tags)
        })
        .collect()
}

#[test]
fn tagging_all_matches_gives_the_same_project_from_the_command_line_and_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let cli_copy = dir.path().join("cli.ron");
    std::fs::copy(&path, &cli_copy).unwrap();
    // A regex with a line anchor: the window and the CLI must read it alike.
    let pattern = r"^Officials|\bthe\b";
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("gloss"))
        .args(["tag"])
        .arg(&cli_copy)
        .args(["--match", pattern, "--tag", "Threat"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let by_cli = gloss::io::load(&cli_copy).unwrap().project;

    let mut h = harness(&path);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    h.event(Event::Text(pattern.into()));
    wait_search(&mut h);
    h.get_by_label(".*").click();
    wait_search(&mut h);
    let threat = h.state().project().codebook().find_path("Threat").unwrap();
    h.state_mut().explore.search.apply_tag = Some(threat);
    h.run();
    let n = h.state().explore.search.total();
    assert_eq!(n, by_cli.annotations().len(), "the same matches");
    assert_eq!(n, 2, "^ anchors at every line start in both");
    h.get_by_label(&format!("Tag all {n}")).click();
    h.run();
    assert_eq!(passage_set(h.state().project()), passage_set(&by_cli));
}

#[test]
fn your_name_is_recorded_on_the_passages_you_make() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    h.get_by_label("Edit").click();
    h.run();
    h.get_by_label("Your name…").click();
    h.run();
    h.event(Event::Text("Ana Analyst".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(
        h.state()
            .toast_texts()
            .iter()
            .any(|t| t.contains("New passages are by Ana Analyst")),
        "{:?}",
        h.state().toast_texts()
    );
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "Monday");
    drag_select(&mut h, s, s + 6);
    type_key(&mut h, "1");
    let anns = annotations(&h);
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0].author.as_deref(), Some("Ana Analyst"));
}

/// egui keeps each scroll area's state from one session to the next, with
/// a scroll animation still under way timed by the last session's clock. In
/// a new session, whose clock starts again at 0, that animation seemed never
/// to end: the window asked for frame after frame (while a large project
/// opened, with software rendering, a core's worth of CPU). The window
/// forgets those states when it starts.
#[test]
fn a_scroll_left_unfinished_last_session_does_not_keep_the_window_busy() {
    use egui::{Pos2, RawInput, Rect, Vec2, ViewportId};
    let frame = |ctx: &egui::Context, time: f64, scroll: bool| {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 300.0))),
            time: Some(time),
            ..RawInput::default()
        };
        let mut out = ctx.run_ui(input, |ui| {
            egui::ScrollArea::vertical().id_salt("rows").show(ui, |ui| {
                for i in 0..200 {
                    let r = ui.label(format!("row {i}"));
                    if scroll && i == 150 {
                        r.scroll_to_me(None);
                    }
                }
            });
        });
        out.textures_delta.clear();
        out.viewport_output
            .get(&ViewportId::ROOT)
            .is_some_and(|v| v.repaint_delay.is_zero())
    };
    // The last session, 1,000 s in: a scroll starts and the window closes.
    let last = egui::Context::default();
    frame(&last, 1000.0, false);
    frame(&last, 1000.016, true);
    assert!(frame(&last, 1000.032, false), "the scroll is animating");
    let kept = last.memory(|m| ron::to_string(m).unwrap());
    // A new session, restored from what was kept, for three seconds: how
    // many of its frames after the first second ask for another at once.
    let busy_frames = |forget: bool| {
        let ctx = egui::Context::default();
        ctx.memory_mut(|m| *m = ron::from_str(&kept).unwrap());
        if forget {
            gloss::ui::app::forget_scrolling(&ctx);
        }
        let busy: Vec<bool> = (1..=60)
            .map(|i| frame(&ctx, f64::from(i) * 0.05, false))
            .collect();
        busy[20..].iter().filter(|b| **b).count()
    };
    assert_eq!(
        busy_frames(false),
        40,
        "egui's behaviour this guards against"
    );
    assert_eq!(busy_frames(true), 0);
}
