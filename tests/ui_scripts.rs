//! Right-to-left and mixed paragraphs in the reading view: what a drag
//! selects, what find and passages highlight, and what is stored are the
//! same chars. Glyph positions are read from egui's own layout, not from
//! the view's mapping, so the two are checked against each other.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use std::path::{Path, PathBuf};

use common::ui::{annotations, char_offset, harness, open_article, type_key};
use egui::{Event, Key, Modifiers, Pos2, Rect};
use egui_kittest::Harness;
use gloss::io::TextStorage;
use gloss::model::{Action, Colour, Project, Span, Tag, TagProps};
use gloss::ui::app::GlossApp;
use gloss::ui::reader::Selection;

const HEBREW: &str = "ראש הממשלה נפגש בז'נבה היום עם השר.\n";
const HEBREW_TITLE: &str = "ראש הממשלה נפגש בז'נבה היום עם השר";
const ARABIC: &str = "مظاهرات\n\nخرج المتظاهرين إلى شوارع القاهرة احتجاجا على الأسعار.\n";
const MIXED: &str = "Talks in ירושלים ended on Monday.\n";
const HINDI: &str = "किताब मिली।\n";

fn fixture(dir: &Path) -> PathBuf {
    let articles = dir.join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(articles.join("1-hebrew.txt"), HEBREW).unwrap();
    std::fs::write(articles.join("2-arabic.txt"), ARABIC).unwrap();
    std::fs::write(articles.join("3-mixed.txt"), MIXED).unwrap();
    std::fs::write(articles.join("4-hindi.txt"), HINDI).unwrap();
    let mut p = Project::new();
    let (action, report) = gloss::io::import::import_paths(&p, &[articles], &|_, _| {});
    assert_eq!(report.imported.len(), 4);
    p.apply(action).unwrap();
    let id = p.ids().tag();
    p.apply(Action::AddTag(Tag {
        id,
        props: TagProps {
            name: "Place".into(),
            colour: Colour([140, 200, 250]),
            parent: None,
            shortcut: Some('1'),
            description: String::new(),
        },
    }))
    .unwrap();
    let path = dir.join("scripts.ron");
    gloss::io::save(&p, &path, TextStorage::Folder).unwrap();
    path
}

/// The glyphs egui drew under the rectangles the view paints for `span`,
/// in screen order from right to left.
fn under_rtl(h: &Harness<'_, GlossApp>, span: Span) -> String {
    let rects = h.state().reader.span_rects(span);
    let mut glyphs: Vec<(char, Rect)> = h
        .state()
        .reader
        .painted_glyphs()
        .into_iter()
        .filter(|(_, g)| g.width() > 0.0 && rects.iter().any(|r| r.contains(g.center())))
        .collect();
    glyphs.sort_by(|a, b| b.1.center().x.total_cmp(&a.1.center().x));
    glyphs.into_iter().map(|(c, _)| c).collect()
}

/// The drawn glyph of `c` (the only one in the text).
fn glyph(h: &Harness<'_, GlossApp>, c: char) -> Rect {
    let all: Vec<Rect> = h
        .state()
        .reader
        .painted_glyphs()
        .into_iter()
        .filter(|(g, r)| *g == c && r.width() > 0.0)
        .map(|(_, r)| r)
        .collect();
    assert_eq!(all.len(), 1, "{c} drawn once");
    all[0]
}

/// The drawn glyph touching `x` on the row of `y`, from egui's layout.
fn glyph_at(h: &Harness<'_, GlossApp>, x: f32, y: f32) -> Rect {
    h.state()
        .reader
        .painted_glyphs()
        .into_iter()
        .map(|(_, r)| r)
        .find(|r| r.width() > 0.0 && r.y_range().contains(y) && r.x_range().contains(x))
        .unwrap()
}

fn drag(h: &mut Harness<'_, GlossApp>, p0: Pos2, p1: Pos2) {
    h.hover_at(p0);
    h.run();
    h.drag_at(p0);
    h.run();
    h.hover_at(Pos2::new(f32::midpoint(p0.x, p1.x), p0.y));
    h.run();
    h.hover_at(p1);
    h.run();
    h.drop_at(p1);
    h.run();
}

#[test]
fn a_drag_over_a_hebrew_word_stores_exactly_that_word_and_tagging_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path());
    let mut h = harness(&path);
    open_article(&mut h, HEBREW_TITLE);
    // "נפגש": its second and third letters (פ, ג) occur once in the text.
    // From the right edge of the letter right of פ (its first, נ) to the
    // left edge of the letter left of ג (its last, ש) — positions taken
    // from egui's glyphs.
    let pe = glyph(&h, 'פ');
    let ge = glyph(&h, 'ג');
    let y = pe.center().y;
    let first = glyph_at(&h, pe.max.x + 1.0, y);
    let last = glyph_at(&h, ge.min.x - 1.0, y);
    drag(
        &mut h,
        Pos2::new(first.max.x - 1.0, y),
        Pos2::new(last.min.x + 1.0, y),
    );
    let s = char_offset(HEBREW, "נפגש");
    let span = h.state().selection().unwrap();
    assert_eq!(span, Span::new(s, s + 4).unwrap());
    assert_eq!(under_rtl(&h, span), "נפגש");

    // Tag, save, reopen: the passage is the same chars and its highlight
    // covers the same glyphs.
    type_key(&mut h, "1");
    let a = annotations(&h).pop().unwrap();
    assert_eq!(h.state().project().passage(&a), "נפגש");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    common::ui::wait_idle(&mut h);
    drop(h);
    let mut h = harness(&path);
    open_article(&mut h, HEBREW_TITLE);
    let a = annotations(&h).pop().unwrap();
    assert_eq!(h.state().project().passage(&a), "נפגש");
    assert_eq!(under_rtl(&h, a.span), "נפגש");
}

#[test]
fn find_in_arabic_highlights_exactly_the_match() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, "مظاهرات");
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.event(Event::Text("القاهرة".into()));
    h.run();
    let finds = h.state().reader.find.clone();
    let s = char_offset(ARABIC, "القاهرة");
    assert_eq!(finds, vec![Span::new(s, s + 7).unwrap()]);
    // The glyphs under its rectangles are the word's letters and no other
    // (shaping may draw a letter pair as one glyph, so compare as sets).
    let under: std::collections::BTreeSet<char> = under_rtl(&h, finds[0]).chars().collect();
    let word: std::collections::BTreeSet<char> = "القاهرة".chars().collect();
    assert!(!under.is_empty());
    assert!(under.is_subset(&word), "{under:?} ⊄ {word:?}");
    for must in ['ق', 'ه', 'ة'] {
        assert!(under.contains(&must), "{must} highlighted: {under:?}");
    }
}

#[test]
fn a_selection_across_a_direction_boundary_is_one_range_drawn_in_pieces() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, "Talks in ירושלים ended on Monday");
    // "in ירו": the Latin word, a space and the Hebrew word's first three
    // letters, which sit at the Hebrew word's right end on screen.
    let s = char_offset(MIXED, "in ");
    let span = Span::new(s, s + 6).unwrap();
    let rects = h.state().reader.span_rects(span);
    assert!(rects.len() >= 2, "{rects:?}");
    let glyphs = h.state().reader.painted_glyphs();
    let under: String = glyphs
        .iter()
        .filter(|(_, g)| g.width() > 0.0 && rects.iter().any(|r| r.contains(g.center())))
        .map(|(c, _)| *c)
        .collect::<std::collections::BTreeSet<char>>()
        .into_iter()
        .collect();
    let expect: String = "in ירו"
        .chars()
        .filter(|c| *c != ' ')
        .collect::<std::collections::BTreeSet<char>>()
        .into_iter()
        .collect();
    assert_eq!(under.replace(' ', ""), expect);
    // The Hebrew letters not in the range (שלים) are not under it.
    for c in ['ש', 'ל', 'ם'] {
        let g = glyphs.iter().find(|(g, _)| *g == c).unwrap().1;
        assert!(!rects.iter().any(|r| r.contains(g.center())), "{c}");
    }
}

#[test]
fn arrow_keys_move_on_screen_and_never_into_a_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(&fixture(dir.path()));
    open_article(&mut h, HEBREW_TITLE);
    // In a right-to-left paragraph, Shift+Left extends forward in the text.
    let s = char_offset(HEBREW, "נפגש");
    h.state_mut().reader.selection = Some(Selection::caret(s));
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowLeft);
    h.run();
    assert_eq!(h.state().selection(), Some(Span::new(s, s + 1).unwrap()));
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    assert_eq!(h.state().selection(), Some(Span::new(s - 1, s).unwrap()));

    // Devanagari "कि" is one cluster (ka + vowel sign i): one step covers
    // both chars.
    open_article(&mut h, "किताब मिली।");
    h.state_mut().reader.selection = Some(Selection::caret(0));
    h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    assert_eq!(h.state().selection(), Some(Span::new(0, 2).unwrap()));
    // A click inside a cluster lands on its start.
    let p = h.state().reader.screen_pos(1).unwrap();
    h.state_mut().reader.selection = None;
    h.hover_at(p);
    h.run();
    h.drag_at(p);
    h.run();
    let q = h.state().reader.screen_pos(5).unwrap();
    h.hover_at(q);
    h.run();
    h.drop_at(q);
    h.run();
    let sel = h.state().selection().unwrap();
    assert!(sel.start() == 0 || sel.start() == 2, "{sel:?}");
}
