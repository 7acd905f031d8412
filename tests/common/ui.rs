//! Helpers for the window tests: a small project on disk, the app in a
//! kittest harness, and mouse and keyboard steps a user would take.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::path::{Path, PathBuf};

use egui::{Event, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gloss::io::TextStorage;
use gloss::model::{Action, Annotation, Colour, Project, Tag, TagProps};
use gloss::ui::app::GlossApp;
use gloss::ui::settings::Settings;

pub const FIRST: &str = " date 2022-01-14 posted on 01/13/2022 9:05 PM\n\n\n\n(credit: Ana Ribeiro/AFP)\n\nOfficials said the port was hit by ransomware on Monday.\n\nThe second paragraph names Kraków and Zoë.\n";
/// The title the importer takes from `FIRST`'s first sentence.
pub const FIRST_TITLE: &str = "Officials said the port was hit by ransomware on Monday";
pub const SECOND: &str = "Another article about sanctions.\n";

/// A project with two articles and two tags (shortcuts 1 and 2), saved in a
/// temporary folder.
pub fn fixture(dir: &Path) -> PathBuf {
    let articles = dir.join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(articles.join("a.txt"), FIRST).unwrap();
    std::fs::write(articles.join("b.txt"), SECOND).unwrap();
    let mut p = Project::new();
    let (action, report) = gloss::io::import::import_paths(&p, &[articles], &|_, _| {});
    assert_eq!(report.imported.len(), 2);
    p.apply(action).unwrap();
    for (name, key, colour) in [
        ("Threat", '1', [250, 200, 90]),
        ("Place", '2', [140, 200, 250]),
    ] {
        let id = p.ids().tag();
        p.apply(Action::AddTag(Tag {
            id,
            props: TagProps {
                name: name.into(),
                colour: Colour(colour),
                parent: None,
                shortcut: Some(key),
                description: String::new(),
            },
        }))
        .unwrap();
    }
    let path = dir.join("review.ron");
    gloss::io::save(&p, &path, TextStorage::Folder).unwrap();
    path
}

pub fn harness(path: &Path) -> Harness<'static, GlossApp> {
    let mut app = GlossApp::new(Settings::default());
    app.open_now(path).unwrap();
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut GlossApp| app.show(ui), app);
    h.run();
    h
}

pub fn char_offset(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].chars().count()
}

/// Drags the mouse over chars `a..b` of the open article.
pub fn drag_select(h: &mut Harness<'_, GlossApp>, a: usize, b: usize) {
    let p0 = h.state().reader.screen_pos(a).unwrap();
    let p1 = h.state().reader.screen_pos(b).unwrap();
    h.hover_at(p0);
    h.run();
    h.drag_at(p0);
    h.run();
    let mid = Pos2::new(f32::midpoint(p0.x, p1.x), f32::midpoint(p0.y, p1.y));
    h.hover_at(mid);
    h.run();
    h.hover_at(p1);
    h.run();
    h.drop_at(p1);
    h.run();
}

/// Clicks an article in the list (the list is drawn before the reading
/// view's header, which shows the open article's title too).
pub fn open_article(h: &mut Harness<'_, GlossApp>, title: &str) {
    h.get_all_by_label(title).next().unwrap().click();
    h.run();
}

pub fn annotations(h: &Harness<'_, GlossApp>) -> Vec<Annotation> {
    h.state().project().annotations().cloned().collect()
}

pub fn type_key(h: &mut Harness<'_, GlossApp>, ch: &str) {
    h.event(Event::Text(ch.into()));
    h.run();
}

/// Steps frames until background jobs finish (a running job keeps asking for
/// repaints, so `run` would not settle), then runs to rest.
pub fn wait_idle(h: &mut Harness<'_, GlossApp>) {
    for _ in 0..1000 {
        h.step();
        if !h.state().is_busy() {
            h.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("background job did not finish");
}

pub fn wait_search(h: &mut Harness<'_, GlossApp>) {
    for _ in 0..300 {
        h.step();
        if !h.state().explore.search.is_running() {
            h.run();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    panic!("search did not finish");
}
