//! The real window's frames, headless: the whole app runs in an egui
//! `Context` without a display or GPU (layout and tessellation included,
//! rasterisation excluded).
//!
//! - opening a 5 MB article with 10,000 passages (time to the first frame);
//! - scrolling it (one frame per wheel step);
//! - the article list with 10,000 articles, scrolling;
//! - whether the app stops repainting when nothing changes.
//!
//! Run with `cargo bench --bench frames`.

mod common;

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use egui::{Event, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase, Vec2, ViewportId};
use gloss::model::{ArticleId, Project, Session};
use gloss::ui::app::GlossApp;
use gloss::ui::settings::Settings;

fn input(events: Vec<Event>) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, Vec2::new(1280.0, 800.0))),
        events,
        ..RawInput::default()
    }
}

fn app_with(project: Project, current: ArticleId) -> GlossApp {
    let mut app = GlossApp::new(Settings::default());
    app.session = Session::new(project);
    app.current = Some(current);
    app
}

/// Runs one frame; returns whether egui asked for another right away.
fn frame(ctx: &egui::Context, app: &mut GlossApp, events: Vec<Event>) -> bool {
    let out = ctx.run_ui(input(events), |ui| app.show(ui));
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
    let many = common::many_articles(10_000);
    let first_many = many.articles().next().map(|a| a.id).expect("articles");

    // Idle: after the background measuring pass, no repaint is requested.
    {
        let ctx = egui::Context::default();
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

    let mut g = c.benchmark_group("frames");
    g.sample_size(20);
    g.bench_function("open_5mb_article_first_frame", |b| {
        b.iter_batched(
            || (egui::Context::default(), app_with(big.clone(), big_id)),
            |(ctx, mut app)| {
                frame(&ctx, &mut app, Vec::new());
                (ctx, app)
            },
            BatchSize::LargeInput,
        );
    });

    let ctx = egui::Context::default();
    let mut app = app_with(big.clone(), big_id);
    frame(&ctx, &mut app, Vec::new());
    let reader_at = Pos2::new(640.0, 450.0);
    let mut step = 0u32;
    g.bench_function("scroll_5mb_article_frame", |b| {
        b.iter(|| {
            // Down for a while, then back up, so it never hits the end.
            step += 1;
            let dy = if (step / 2000).is_multiple_of(2) {
                -120.0
            } else {
                120.0
            };
            frame(&ctx, &mut app, wheel(reader_at, dy))
        });
    });
    eprintln!("scrolled to y = {:.0}", app.reader.scroll_offset());
    settle(&ctx, &mut app);
    g.bench_function("scroll_5mb_article_frame_measured", |b| {
        b.iter(|| {
            step += 1;
            let dy = if (step / 2000).is_multiple_of(2) {
                -120.0
            } else {
                120.0
            };
            frame(&ctx, &mut app, wheel(reader_at, dy))
        });
    });

    eprintln!("scrolled to y = {:.0}", app.reader.scroll_offset());
    let ctx = egui::Context::default();
    let mut app = app_with(many, first_many);
    frame(&ctx, &mut app, Vec::new());
    settle(&ctx, &mut app);
    let list_at = Pos2::new(150.0, 400.0);
    let mut step = 0u32;
    g.bench_function("list_10k_articles_scroll_frame", |b| {
        b.iter(|| {
            step += 1;
            let dy = if (step / 3000).is_multiple_of(2) {
                -60.0
            } else {
                60.0
            };
            frame(&ctx, &mut app, wheel(list_at, dy))
        });
    });
    g.bench_function("idle_frame_10k_articles", |b| {
        b.iter(|| frame(&ctx, &mut app, Vec::new()));
    });
    g.finish();
}

criterion_group!(frame_benches, benches);
criterion_main!(frame_benches);
