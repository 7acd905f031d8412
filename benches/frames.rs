//! The real window's frames, headless: the whole app runs in one warm egui
//! `Context` with the app's own fonts (egui's and the system fallbacks the
//! window loads), and every frame is laid out and tessellated into meshes —
//! everything but rasterisation, which the GPU does.
//!
//! - opening a 5 MB article with 10,000 passages in a warm app (the first
//!   frame after clicking it);
//! - scrolling it while paragraph heights are still being measured (the
//!   measurements are reset before every frame) and after they all are;
//! - toggling a tag on a passage of that article (the highlight index is
//!   rebuilt);
//! - a keystroke in an article note on a 10,000-article project with
//!   100,000 passages (nothing corpus-wide may be rebuilt);
//! - scrolling the article list of that project; toggling a tag on a
//!   passage of its open article; an idle frame;
//! - typing a word in the list's filter box, and the time until the rows
//!   it finds are shown.
//!
//! Run with `cargo bench --bench frames`. `GLOSS_BENCH_ARTICLES=100000`
//! runs the project's frames with 100,000 articles and 1,000,000 passages
//! instead (about a minute to generate, ~1 GB of memory).

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Event, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase, Vec2, ViewportId};
use gloss::model::{Action, ArticleId, Project, Session, Timestamp, ops};
use gloss::ui::app::GlossApp;
use gloss::ui::settings::Settings;

fn input(events: Vec<Event>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
        events,
        ..RawInput::default()
    }
}

/// A context with the fonts the window uses, warmed up by a few frames.
fn warm_context() -> egui::Context {
    let ctx = egui::Context::default();
    ctx.set_fonts(gloss::ui::fonts::base_fonts());
    let mut app = GlossApp::new(Settings::default());
    for _ in 0..3 {
        frame(&ctx, &mut app, Vec::new());
    }
    ctx
}

fn app_with(project: Project, current: ArticleId) -> GlossApp {
    let mut app = GlossApp::new(Settings::default());
    app.session = Session::new(project);
    app.current = Some(current);
    app
}

/// Runs one frame and tessellates what it drew; returns whether egui asked
/// for another frame right away.
/// Times a frame after toggling the first tag on the first passage of
/// `article` (on, then off, and so on).
fn toggling(
    b: &mut criterion::Bencher<'_>,
    ctx: &egui::Context,
    app: &mut GlossApp,
    article: ArticleId,
) {
    let project = app.project();
    let passage = project
        .annotations_of(article)
        .next()
        .map(|a| a.id)
        .expect("a passage");
    let tag = project
        .codebook()
        .iter()
        .next()
        .map(|t| t.id)
        .expect("a tag");
    b.iter(|| {
        if let Ok(a) = ops::toggle_tag(app.project(), passage, tag, Timestamp::now()) {
            app.apply(a);
        }
        frame(ctx, app, Vec::new())
    });
}

fn frame(ctx: &egui::Context, app: &mut GlossApp, events: Vec<Event>) -> bool {
    let out = ctx.run_ui(input(events), |ui| app.show(ui));
    let meshes = ctx.tessellate(out.shapes, out.pixels_per_point);
    std::hint::black_box(meshes);
    out.viewport_output
        .get(&ViewportId::ROOT)
        .is_some_and(|v| v.repaint_delay < Duration::from_millis(50))
}

fn wheel(at: Pos2, dy: f32) -> Vec<Event> {
    vec![
        Event::PointerMoved(at),
        Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: Vec2::new(0.0, dy),
            phase: TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: egui::MouseWheelSource::Wheel,
        },
    ]
}

/// Frames until the app stops asking for repaints (measuring done).
fn settle(ctx: &egui::Context, app: &mut GlossApp) -> usize {
    let mut n = 0;
    while frame(ctx, app, Vec::new()) && n < 100_000 {
        n += 1;
    }
    n
}

/// Down for a while, then back up, so scrolling never stops at an end.
fn wheel_step(step: &mut u32, every: u32, dy: f32) -> f32 {
    *step += 1;
    if (*step / every).is_multiple_of(2) {
        -dy
    } else {
        dy
    }
}

#[allow(clippy::too_many_lines, reason = "one benchmark group, case by case")]
fn benches(c: &mut Criterion) {
    let t = Instant::now();
    let (big, big_id) = common::long_article(5_000_000, 10_000);
    let bytes = big.article(big_id).map_or(0, |a| a.text.as_str().len());
    eprintln!(
        "long article: {:.1} MB, {} passages (generated in {:.1} s)",
        bytes as f64 / 1e6,
        big.annotations().len(),
        t.elapsed().as_secs_f64()
    );
    let ctx = warm_context();

    // Once: the first frame, then how long measuring takes, then idle.
    {
        let mut app = app_with(big.clone(), big_id);
        let t = Instant::now();
        frame(&ctx, &mut app, Vec::new());
        let first = t.elapsed();
        let t = Instant::now();
        let frames = settle(&ctx, &mut app);
        eprintln!(
            "first frame {:.1} ms; heights of all paragraphs measured over {frames} more frames ({:.2} s); then idle: {}",
            first.as_secs_f64() * 1e3,
            t.elapsed().as_secs_f64(),
            !frame(&ctx, &mut app, Vec::new())
        );
    }

    // The same for a 5 MB Arabic article (right-to-left paragraphs laid
    // out in bidi pieces).
    let (arabic, arabic_id) = common::long_arabic_article(5_000_000, 10_000);
    {
        let mut app = app_with(arabic.clone(), arabic_id);
        let t = Instant::now();
        frame(&ctx, &mut app, Vec::new());
        eprintln!(
            "Arabic 5 MB article: first frame {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }

    let mut g = c.benchmark_group("frames");
    g.sample_size(20);

    let mut app = {
        let mut p = arabic.clone();
        let other = common::add_text(&mut p, "A short article.\n".into(), "Short");
        let mut app = app_with(p, other);
        frame(&ctx, &mut app, Vec::new());
        app
    };
    g.bench_function("open_5mb_arabic_article_first_frame_warm", |b| {
        b.iter(|| {
            app.reader.reset();
            app.current = Some(arabic_id);
            frame(&ctx, &mut app, Vec::new())
        });
    });
    let mut app = app_with(arabic, arabic_id);
    frame(&ctx, &mut app, Vec::new());
    let mut arabic_step = 0u32;
    g.bench_function("scroll_5mb_arabic_article_frame", |b| {
        b.iter(|| {
            let dy = wheel_step(&mut arabic_step, 2000, 120.0);
            frame(&ctx, &mut app, wheel(Pos2::new(640.0, 450.0), dy))
        });
    });

    // Opening the article in a warm app: another article is open, the user
    // clicks the long one.
    let mut app = {
        let mut p = big.clone();
        let other = common::add_text(&mut p, "A short article.\n".into(), "Short");
        let mut app = app_with(p, other);
        frame(&ctx, &mut app, Vec::new());
        app
    };
    g.bench_function("open_5mb_article_first_frame_warm", |b| {
        b.iter(|| {
            app.reader.reset();
            app.current = Some(big_id);
            frame(&ctx, &mut app, Vec::new())
        });
    });

    let mut app = app_with(big.clone(), big_id);
    frame(&ctx, &mut app, Vec::new());
    let reader_at = Pos2::new(640.0, 450.0);
    let mut step = 0u32;
    g.bench_function("scroll_5mb_article_frame_while_measuring", |b| {
        b.iter(|| {
            app.reader.forget_heights();
            let dy = wheel_step(&mut step, 2000, 120.0);
            frame(&ctx, &mut app, wheel(reader_at, dy))
        });
    });
    settle(&ctx, &mut app);
    g.bench_function("scroll_5mb_article_frame_measured", |b| {
        b.iter(|| {
            let dy = wheel_step(&mut step, 2000, 120.0);
            frame(&ctx, &mut app, wheel(reader_at, dy))
        });
    });
    eprintln!("scrolled to y = {:.0}", app.reader.scroll_offset());

    // Toggling a tag on a passage in view: the passage changes, the
    // article's highlights are rebuilt, the frame is drawn.
    g.bench_function("toggle_tag_in_5mb_article_frame", |b| {
        toggling(b, &ctx, &mut app, big_id);
    });

    // The 10,000-article project (or as many as GLOSS_BENCH_ARTICLES says).
    let articles: usize = std::env::var("GLOSS_BENCH_ARTICLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let size = if articles.is_multiple_of(1000) {
        format!("{}k", articles / 1000)
    } else {
        articles.to_string()
    };
    let t = Instant::now();
    let many = common::many_articles(articles);
    eprintln!(
        "{articles} articles, {} passages (generated in {:.1} s)",
        many.annotations().len(),
        t.elapsed().as_secs_f64()
    );
    let first_many = many.articles().next().map(|a| a.id).expect("articles");
    let mut app = app_with(many, first_many);
    frame(&ctx, &mut app, Vec::new());
    settle(&ctx, &mut app);
    let mut typed = String::new();
    g.bench_function(format!("note_keystroke_{size}_articles"), |b| {
        b.iter(|| {
            typed.push('x');
            if typed.len() > 200 {
                typed.clear();
            }
            app.apply(Action::SetArticleNote {
                by: None,
                article: first_many,
                note: typed.clone(),
            });
            frame(&ctx, &mut app, Vec::new())
        });
    });
    let list_at = Pos2::new(150.0, 400.0);
    let mut step = 0u32;
    g.bench_function(format!("list_{size}_articles_scroll_frame"), |b| {
        b.iter(|| {
            let dy = wheel_step(&mut step, 3000, 60.0);
            frame(&ctx, &mut app, wheel(list_at, dy))
        });
    });
    // Toggling a tag on a passage of the open article: the list's counts,
    // the codebook's counts and the article's highlights follow.
    g.bench_function(format!("toggle_tag_{size}_articles_frame"), |b| {
        toggling(b, &ctx, &mut app, first_many);
    });
    g.bench_function(format!("idle_frame_{size}_articles"), |b| {
        b.iter(|| frame(&ctx, &mut app, Vec::new()));
    });
    // Typing a word in the list's filter box: the frame that starts the
    // search of the texts (32 MB at 10k; it must not do the search), and the time
    // until the filtered rows are shown.
    let words = ["Geneva", "sanctions", "Kraków", "ransomware"];
    let mut w = 0;
    g.bench_function(
        format!("list_filter_{size}_articles_keystroke_frame"),
        |b| {
            b.iter(|| {
                w = (w + 1) % words.len();
                words[w].clone_into(&mut app.list.filter);
                frame(&ctx, &mut app, Vec::new())
            });
        },
    );
    g.bench_function(format!("list_filter_{size}_articles_until_rows"), |b| {
        b.iter(|| {
            w = (w + 1) % words.len();
            words[w].clone_into(&mut app.list.filter);
            frame(&ctx, &mut app, Vec::new());
            while app.list.is_filtering() {
                std::thread::sleep(Duration::from_micros(200));
                frame(&ctx, &mut app, Vec::new());
            }
        });
    });
    app.list.filter.clear();
    g.finish();
}

criterion_group!(frame_benches, benches);
criterion_main!(frame_benches);
