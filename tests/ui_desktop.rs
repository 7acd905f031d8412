//! What every desktop app does, in the review window: the clipboard,
//! context menus, reading with the keyboard, file dialogs that always
//! answer, recent projects and the start screen. Driven with `egui_kittest`
//! as a user would, with the mouse and keys.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use common::ui::*;
use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gloss::ui::app::GlossApp;

/// Sends `events` one frame each and returns every text the app put on the
/// clipboard meanwhile.
fn copies(h: &mut Harness<'_, GlossApp>, events: Vec<Event>) -> Vec<String> {
    let mut out = Vec::new();
    for e in events {
        h.event(e);
        h.step();
        for c in &h.output().platform_output.commands {
            if let egui::OutputCommand::CopyText(t) = c {
                out.push(t.clone());
            }
        }
    }
    h.run();
    out
}

/// The events of pressing `key` with `modifiers`.
fn chord(modifiers: Modifiers, key: Key) -> Vec<Event> {
    let k = |pressed| Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    };
    vec![
        Event::ModifiersChanged(modifiers),
        k(true),
        k(false),
        Event::ModifiersChanged(Modifiers::NONE),
    ]
}

fn right_click(h: &mut Harness<'_, GlossApp>, pos: Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.run();
    }
}

#[test]
fn copy_puts_the_selected_text_and_copy_with_reference_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "the port");
    drag_select(&mut h, s, s + 8);
    // Ctrl+C reaches the app as a copy event.
    assert_eq!(copies(&mut h, vec![Event::Copy]), ["the port"]);
    let with_ref = copies(&mut h, chord(Modifiers::COMMAND | Modifiers::SHIFT, Key::C));
    assert_eq!(
        with_ref,
        [format!(
            "“the port”\n— {FIRST_TITLE} (2022-01-14; credit Ana Ribeiro/AFP), chars {s}–{}",
            s + 8
        )]
    );
    // From the Edit menu too.
    h.get_by_label("Edit").click();
    h.run();
    h.get_by_label("Copy Ctrl+C").click();
    h.step();
    let menu_copy: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(menu_copy, ["the port"]);
}

#[test]
fn right_click_on_the_selection_offers_copy_and_tags() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    let mid = h.state().reader.screen_pos(s + 4).unwrap();
    right_click(&mut h, mid);
    assert_eq!(
        h.state().selection(),
        Some(gloss::model::Span::new(s, s + 10).unwrap()),
        "a right-click inside the selection keeps it"
    );
    // Menu items read with their shortcuts, as a screen reader says them.
    for item in [
        "Copy Ctrl+C",
        "Copy with reference Ctrl+Shift+C",
        "Tag selection by name… Ctrl+T",
        "Edit note Ctrl+Shift+N",
    ] {
        assert!(h.query_by_label(item).is_some(), "no {item:?} in the menu");
    }
    h.get_by_label("■ Tag Place").click();
    h.run();
    let anns = annotations(&h);
    assert_eq!(anns.len(), 1);
    let place = h.state().project().codebook().find_path("Place").unwrap();
    assert!(anns[0].tags.contains(&place));

    // On the passage: its tags to toggle, its note, deleting it.
    h.key_press(Key::Escape);
    h.run();
    let on_passage = h.state().reader.screen_pos(s + 2).unwrap();
    right_click(&mut h, on_passage);
    assert_eq!(h.state().reader.selected_annotation, Some(anns[0].id));
    assert!(h.query_by_label("Delete selected passage Delete").is_some());
    h.get_by_label("■ Threat").click();
    h.run();
    let threat = h.state().project().codebook().find_path("Threat").unwrap();
    assert!(annotations(&h)[0].tags.contains(&threat), "toggled on");
}

#[test]
fn right_click_on_a_list_row_sets_its_status_and_copies_its_title() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    let row = h
        .get_by_label("Another article about sanctions")
        .rect()
        .center();
    right_click(&mut h, row);
    h.get_by_label("Mark done").click();
    h.run();
    let done = h
        .state()
        .project()
        .articles()
        .find(|a| a.title.starts_with("Another"))
        .unwrap()
        .status;
    assert_eq!(done, gloss::model::ReviewStatus::Done);
    right_click(&mut h, row);
    h.get_by_label("Copy title").click();
    h.step();
    assert!(h.output().platform_output.commands.iter().any(|c| matches!(
        c,
        egui::OutputCommand::CopyText(t) if t.starts_with("Another article about sanctions")
    )));
}

/// The app on `path`, run until the open article's heights are measured
/// (a long article takes several frames).
fn harness_measured(path: &std::path::Path) -> Harness<'static, GlossApp> {
    let mut app = GlossApp::new(gloss::ui::settings::Settings::default());
    app.open_now(path).unwrap();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut GlossApp| app.show(ui), app);
    settle(&mut h);
    h
}

/// Steps frames until the reading view has measured its text.
fn settle(h: &mut Harness<'_, GlossApp>) {
    for _ in 0..500 {
        h.step();
        if !h.state().reader.is_measuring() {
            h.run();
            return;
        }
    }
    panic!("the reading view kept measuring");
}

/// A project whose one article is long enough to scroll.
fn long_fixture(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::new();
    for i in 1..=200 {
        use std::fmt::Write as _;
        let _ = write!(
            text,
            "Paragraph {i} of a long article, with enough words to fill a line.\n\n"
        );
    }
    std::fs::create_dir_all(dir.join("articles")).unwrap();
    std::fs::write(dir.join("articles/long.txt"), text).unwrap();
    let mut p = gloss::model::Project::new();
    let (action, _) = gloss::io::import::import_paths(&p, &[dir.join("articles")], &|_, _| {});
    p.apply(action).unwrap();
    let path = dir.join("long.ron");
    gloss::io::save(&p, &path, gloss::io::TextStorage::Folder).unwrap();
    path
}

#[test]
fn the_keyboard_scrolls_the_reading_view_like_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_measured(&long_fixture(dir.path()));
    h.get_all_by_label("Paragraph 1 of a long article, with enough words to fill a line")
        .next()
        .unwrap()
        .click();
    settle(&mut h);
    let offset = |h: &Harness<'_, GlossApp>| h.state().reader.scroll_offset();
    assert!(offset(&h) < 1.0);
    // The reading view has the keyboard once an article is open.
    h.key_press(Key::PageDown);
    settle(&mut h);
    let page = offset(&h);
    assert!(page > 300.0, "Page Down scrolls a screen: {page}");
    h.key_press(Key::Space);
    h.run();
    assert!(offset(&h) > page * 1.8, "Space scrolls another screen");
    h.key_press_modifiers(Modifiers::SHIFT, Key::Space);
    h.run();
    assert!((offset(&h) - page).abs() < 2.0, "Shift+Space goes back");
    h.key_press(Key::ArrowDown);
    h.run();
    let line = offset(&h) - page;
    assert!(line > 10.0 && line < 60.0, "Down scrolls a line: {line}");
    h.key_press(Key::ArrowUp);
    h.run();
    assert!((offset(&h) - page).abs() < 2.0, "Up scrolls back");
    h.key_press(Key::End);
    h.run();
    let bottom = offset(&h);
    assert!(bottom > page * 5.0, "End goes to the bottom: {bottom}");
    h.key_press(Key::PageUp);
    h.run();
    assert!(offset(&h) < bottom - 300.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    h.run();
    assert!(offset(&h) < 1.0, "Ctrl+Home goes to the top");
    assert!(h.state().selection().is_none(), "scrolling selects nothing");
}

#[test]
fn escape_closes_the_find_bar_then_clears_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.event(Event::Text("port".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(!h.state().reader.find.is_empty());
    assert!(h.state().selection().is_some(), "the match is selected");
    // Back to the text, then Escape twice.
    let s = char_offset(FIRST, "Kraków");
    let p = h.state().reader.screen_pos(s).unwrap();
    h.hover_at(p);
    h.drag_at(p);
    h.run();
    h.drop_at(p);
    h.run();
    drag_select(&mut h, s, s + 6);
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().find.open && h.state().reader.find.is_empty());
    assert!(h.state().selection().is_some(), "the selection stays");
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().selection().is_none());
}

/// The app on `path` with Gloss's own file dialogs, as where the system has
/// none (no portal, no zenity).
fn harness_own_dialogs(path: &std::path::Path) -> Harness<'static, GlossApp> {
    let mut app = GlossApp::new(gloss::ui::settings::Settings::default());
    app.native_dialogs = false;
    app.open_now(path).unwrap();
    // egui_file's two text fields carry no accessible name (a gap in that
    // crate); every other widget is still checked by the other tests.
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_accessibility_check(false)
        .build_ui_state(|ui, app: &mut GlossApp| app.show(ui), app);
    h.run();
    h
}

/// Replaces the text of the field showing `value` with `text`, then Enter.
fn retype(h: &mut Harness<'_, GlossApp>, value: &str, text: &str) {
    h.get_by(|n| {
        n.role() == egui::accesskit::Role::TextInput && n.value().as_deref() == Some(value)
    })
    .click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.event(Event::Text(text.into()));
    h.run();
    h.key_press(Key::Enter);
    // Enter may start a save in the background: frames until it is done
    // (on a loaded machine it outlasts `run`'s step budget).
    wait_idle(h);
}

#[test]
fn without_a_system_file_dialog_save_as_and_import_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let project = fixture(dir.path());
    let mut h = harness_own_dialogs(&project);
    // Save as: Gloss's dialog, in the project's folder, proposing its name.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    assert!(h.query_by_label_contains("Save project").is_some());
    retype(&mut h, "review.ron", "second");
    wait_idle(&mut h);
    let second = dir.path().join("second.ron");
    assert!(second.is_file(), "saved with the extension added");
    assert_eq!(h.state().path.as_deref(), Some(second.as_path()));

    // Saving over an existing file asks first.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    h.run();
    retype(&mut h, "second.ron", "review.ron");
    assert!(h.query_by_label("Replace the file?").is_some());
    h.get_by_label("Replace").click();
    // One frame takes the click and starts the job; a spinner keeps
    // repainting until it ends, so `run` would not settle.
    h.step();
    wait_idle(&mut h);
    assert_eq!(h.state().path.as_deref(), Some(project.as_path()));

    // Import: type the folder into the path field, pick a file, Open.
    std::fs::write(
        dir.path().join("articles/c.txt"),
        "A third article on ports.\n",
    )
    .unwrap();
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run();
    let here = dir.path().to_string_lossy().into_owned();
    let articles = dir.path().join("articles").to_string_lossy().into_owned();
    retype(&mut h, &here, &articles);
    h.get_by_label("🗋 c.txt").click();
    h.run();
    h.get_by_label("Open").click();
    // One frame takes the click and starts the job; a spinner keeps
    // repainting until it ends, so `run` would not settle.
    h.step();
    wait_idle(&mut h);
    assert_eq!(h.state().project().articles().len(), 3);
}

#[test]
fn the_start_screen_offers_what_to_do_and_names_a_missing_last_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = fixture(dir.path());
    let gone = dir.path().join("moved.ron");
    let settings = gloss::ui::settings::Settings {
        recent: vec![gone.clone(), project.clone()],
        ..gloss::ui::settings::Settings::default()
    };
    let app = GlossApp::new(settings);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut GlossApp| app.show(ui), app);
    let ctx = h.ctx.clone();
    h.state_mut().start(&ctx, Vec::new());
    h.run();
    assert!(
        h.state()
            .toast_texts()
            .iter()
            .any(|t| t.contains("moved.ron") && t.contains("not there any more")),
        "{:?}",
        h.state().toast_texts()
    );
    for label in [
        "Import articles…",
        "New project…",
        "Import a folder of articles…",
        "Open a project…",
        "Try the example project",
    ] {
        assert!(h.query_by_label(label).is_some(), "no {label:?}");
    }
    // The missing project is listed, greyed; the other opens with a click.
    {
        use egui_kittest::kittest::NodeT as _;
        assert!(h.get_by_label("moved").accesskit_node().is_disabled());
    }
    h.get_by_label("review").click();
    // One frame takes the click and starts the job; a spinner keeps
    // repainting until it ends, so `run` would not settle.
    h.step();
    wait_idle(&mut h);
    assert_eq!(h.state().path.as_deref(), Some(project.as_path()));
    assert_eq!(h.state().project().articles().len(), 2);
}

#[test]
fn reopening_a_project_returns_to_the_article_and_place_last_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = long_fixture(dir.path());
    std::fs::write(dir.path().join("articles/short.txt"), "A short one.\n").unwrap();
    let mut h = harness_measured(&path);
    h.get_all_by_label("Paragraph 1 of a long article, with enough words to fill a line")
        .next()
        .unwrap()
        .click();
    settle(&mut h);
    for _ in 0..3 {
        h.key_press(Key::PageDown);
        settle(&mut h);
    }
    let top = h.state().reader.top_char().unwrap();
    assert!(top > 1000, "scrolled well down: {top}");
    let article = h.state().current;
    h.state_mut().remember_place();
    let settings = h.state().settings.clone();

    let mut app = GlossApp::new(settings);
    app.open_now(&path).unwrap();
    let mut again = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut GlossApp| app.show(ui), app);
    settle(&mut again);
    assert_eq!(again.state().current, article);
    assert_eq!(again.state().reader.top_char(), Some(top));
}

#[test]
fn deleting_a_nested_tag_gives_its_passages_the_parent_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, FIRST_TITLE);
    let s = char_offset(FIRST, "ransomware");
    drag_select(&mut h, s, s + 10);
    h.key_press_modifiers(Modifiers::COMMAND, Key::T);
    h.run();
    h.event(Event::Text("Threat/Cyber".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let cb = h.state().project().codebook();
    let (threat, cyber) = (
        cb.find_path("Threat").unwrap(),
        cb.find_path("Threat/Cyber").unwrap(),
    );
    h.state_mut().explore.open = false;
    // Cyber's ☰ menu: rows are Place, Threat, Cyber.
    h.get_all_by_label("☰").nth(2).unwrap().click();
    h.run();
    h.get_by_label("Delete…").click();
    h.run();
    assert!(h.query_by_label("Give it the parent tag, Threat").is_some());
    assert!(h.query_by_label("Delete that passage").is_some());
    h.get_by_label("Delete the tag").click();
    h.run();
    let anns = annotations(&h);
    assert_eq!(anns.len(), 1, "the passage stays");
    assert!(anns[0].tags.contains(&threat) && !anns[0].tags.contains(&cyber));
}

#[test]
fn pasted_text_becomes_a_new_article_that_undo_removes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("New article from clipboard")
        .click();
    h.run();
    h.event(egui::Event::Paste(
        "Harbour news pasted from a web page.\n\nSecond paragraph.".into(),
    ));
    h.run();
    h.get_by_label("Add the article").click();
    h.run();
    let p = h.state().project();
    assert_eq!(p.articles().count(), 3);
    let a = p
        .articles()
        .find(|a| a.title == "Harbour news pasted from a web page")
        .expect("the pasted article");
    assert_eq!(
        a.text.as_str(),
        "Harbour news pasted from a web page.\n\nSecond paragraph."
    );
    assert_eq!(h.state().current, Some(a.id));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().project().articles().count(), 2);
}

#[test]
fn attribute_columns_show_sort_and_filter_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    std::fs::write(
        dir.path().join("t.csv"),
        "article_id,outlet\n1,Zeta News\n2,Alpha Times\n",
    )
    .unwrap();
    common::run_ok(
        dir.path(),
        &["attributes", path.to_str().unwrap(), "--from", "t.csv"],
        0,
    );
    let mut h = harness(&path);
    // A news export's outlet is a column as soon as articles have one.
    assert_eq!(h.state().list.shown_columns, ["outlet"]);
    let _ = h.get_by_label("Alpha Times");
    let ids = |h: &Harness<'_, GlossApp>| -> Vec<u64> {
        h.state().list.rows.iter().map(|a| a.0).collect()
    };
    assert_eq!(ids(&h), [1, 2]);
    // The list's header (drawn before the inspector, which names it too).
    h.get_all_by_label("outlet").next().unwrap().click();
    h.run();
    assert_eq!(ids(&h), [2, 1], "sorted by outlet");
    h.state_mut().list.filter = "outlet:zeta".into();
    h.run();
    assert_eq!(ids(&h), [1], "filtered by outlet");
}

/// The filter box of a large project searches its texts in the background:
/// the window keeps drawing (the previous rows, with "filtering…") and the
/// rows change when the search is done; a newer filter wins.
#[test]
fn the_list_filter_of_a_large_project_searches_texts_off_the_ui_thread() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    let filler = "Routine agency copy about markets and weather. ".repeat(120);
    for i in 0..300 {
        let hit = if i % 37 == 0 {
            " The harbour pilot spoke."
        } else {
            ""
        };
        std::fs::write(
            articles.join(format!("{i:03}.txt")),
            format!("Story {i}.\n\n{filler}{hit}\n"),
        )
        .unwrap();
    }
    let path = dir.path().join("big.ron");
    common::run_ok(
        dir.path(),
        &["import", path.to_str().unwrap(), articles.to_str().unwrap()],
        0,
    );
    let mut h = harness(&path);
    assert_eq!(h.state().list.rows.len(), 300);
    h.state_mut().list.filter = "harbour".into();
    h.step();
    assert!(h.state().list.is_filtering(), "more than 1 MB of text");
    assert_eq!(h.state().list.rows.len(), 300, "previous rows meanwhile");
    let _ = h.get_by_label("filtering…");
    // A newer filter replaces the running one.
    h.state_mut().list.filter = "HARBOUR PILOT".into();
    wait_idle(&mut h);
    let titles: Vec<String> = h
        .state()
        .list
        .rows
        .iter()
        .map(|id| h.state().project().article(*id).unwrap().title.clone())
        .collect();
    let want: Vec<String> = (0..300)
        .filter(|i| i % 37 == 0)
        .map(|i| format!("Story {i}"))
        .collect();
    assert_eq!(titles, want);
    assert!(!h.state().list.is_filtering());

    // What the search reads is kept between keystrokes, but never outlives
    // a change: a title edited to match is found by the next search, and
    // the rows keep the list's order.
    let edited = h.state().project().articles().nth(1).unwrap().id;
    h.state_mut().apply(gloss::model::Action::SetArticleTitle {
        article: edited,
        title: "Harbour pilot strike".into(),
    });
    h.state_mut().list.filter = "harbour".into();
    h.state_mut().list.descending = true;
    wait_idle(&mut h);
    let rows = h.state().list.rows.clone();
    assert!(rows.contains(&edited), "the edited title is searched");
    assert_eq!(rows.len(), want.len() + 1);
    assert!(rows.windows(2).all(|w| w[0] > w[1]), "descending: {rows:?}");
}

#[test]
fn an_opening_projects_articles_are_listed_as_the_list_will_show_them() {
    use gloss::io::project_file::Listed;
    use gloss::model::{ArticleId, ReviewStatus};
    let row = |id: u64, title: &str, date: Option<(i32, u32, u32)>, byline: &str| Listed {
        id: ArticleId(id),
        title: title.into(),
        status: ReviewStatus::Unread,
        date: date.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)),
        byline: byline.into(),
    };
    let rows = vec![
        row(1, "Port traffic halts", Some((2024, 5, 1)), "Reuters"),
        row(2, "Grain prices rise", None, "002.txt"),
    ];
    let mut h = Harness::builder()
        .with_size([400.0, 300.0])
        .build_ui(|ui| gloss::ui::list::show_listing(ui, &rows));
    h.step();
    assert!(
        h.query_by_label("2 articles; loading their texts and passages…")
            .is_some()
    );
    assert!(h.query_by_label("Port traffic halts").is_some());
    assert!(h.query_by_label("2024-05-01 · Reuters").is_some());
    assert!(h.query_by_label("002.txt").is_some());
}
