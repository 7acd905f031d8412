//! Team work at scale: two analysts × 10,000 articles × 100,000 passages
//! each. Times intercoder agreement over the merged project (every tag and
//! the pooled figures, chars and passages) and the merge of the two copies
//! (three-way, against their common ancestor, and two-way). Goal: ≤ 2 s
//! each on a 2-core machine (issue 14).
//!
//! Run with `cargo bench --bench team`. `GLOSS_BENCH_ARTICLES` changes the
//! number of articles (default 10000; 10 passages per article per analyst).

mod common;

use common::{Rng, add_text, news_article, paragraph, tags};
use criterion::{Criterion, criterion_group, criterion_main};
use gloss::model::TagSet;
use gloss::model::agree::{self, Options};
use gloss::model::merge::{self, Sides};
use gloss::model::{Project, Span, Stamp, TagId, Timestamp, ops};

fn code(p: &mut Project, who: &str, spans: &[(gloss::model::ArticleId, Span, TagId)]) {
    let stamp = Stamp {
        at: Timestamp::from_unix(1_700_000_000),
        by: Some(who.into()),
    };
    let actions = spans
        .iter()
        .map(|(art, span, tag)| {
            ops::add_annotation(p, *art, *span, TagSet::from([*tag]), String::new(), &stamp)
                .expect("annotation")
        })
        .collect();
    p.apply(gloss::model::Action::Batch {
        label: "code".into(),
        actions,
    })
    .expect("passages");
}

/// The common ancestor and the two analysts' copies.
fn copies(n: usize) -> (Project, Project, Project) {
    let mut rng = Rng(14);
    let mut base = Project::new();
    let tags = tags(&mut base);
    let mut arts = Vec::with_capacity(n);
    for i in 0..n {
        let text = news_article(&mut rng, i);
        arts.push(add_text(
            &mut base,
            text,
            &format!("Article {i}: {}", paragraph(&mut rng, 8)),
        ));
    }
    let mut ann = Vec::new();
    let mut bob = Vec::new();
    for art in &arts {
        let len = base.article(*art).expect("article").text.char_len();
        for _ in 0..10 {
            let start = rng.below(len - 200);
            let span = Span::new(start, start + 5 + rng.below(80)).expect("span");
            let tag = tags[rng.below(tags.len())];
            ann.push((*art, span, tag));
            // Bob agrees often, moves a bound sometimes, picks another tag
            // or another stretch now and then.
            let b = match rng.below(10) {
                0..=5 => (*art, span, tag),
                6 | 7 => (
                    *art,
                    Span::new(span.start() + rng.below(5), span.end() + rng.below(20))
                        .expect("span"),
                    tag,
                ),
                8 => (*art, span, tags[rng.below(tags.len())]),
                _ => {
                    let s = rng.below(len - 200);
                    (
                        *art,
                        Span::new(s, s + 10 + rng.below(60)).expect("span"),
                        tag,
                    )
                }
            };
            bob.push(b);
        }
    }
    let mut ours = base.fork();
    let mut theirs = base.fork();
    code(&mut ours, "ann", &ann);
    code(&mut theirs, "bob", &bob);
    (base, ours, theirs)
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("GLOSS_BENCH_ARTICLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let (base, ours, theirs) = copies(n);
    let sides = |base| Sides {
        base,
        ours: &ours,
        theirs: &theirs,
        theirs_label: "bob",
    };
    let merged = merge::merge(sides(Some(&base))).expect("merge").project;
    eprintln!(
        "team bench: {n} articles, {} passages by ann, {} by bob",
        ours.annotations().count(),
        theirs.annotations().count()
    );
    let mut g = c.benchmark_group("team");
    g.sample_size(10);
    g.bench_function(format!("agreement, 2 analysts, {n} articles"), |b| {
        b.iter(|| agree::agreement(&merged, &Options::default()).expect("agreement"));
    });
    g.bench_function(format!("merge three-way, {n} articles"), |b| {
        b.iter(|| merge::merge(sides(Some(&base))).expect("merge"));
    });
    g.bench_function(format!("merge two-way, {n} articles"), |b| {
        b.iter(|| merge::merge(sides(None)).expect("merge"));
    });
    // What git's merge driver does: three project files in, one out, texts
    // folder not read.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.ron");
    let ron = |p: &Project| {
        gloss::io::project_file::to_ron(p, &path, gloss::io::TextStorage::Folder).expect("ron")
    };
    let (b0, o0, t0) = (ron(&base), ron(&ours), ron(&theirs));
    // Where the driver's time goes, once.
    let t = std::time::Instant::now();
    let (loaded, _) = gloss::io::project_file::records_only(&o0, &path).expect("records");
    let parse = t.elapsed();
    let t = std::time::Instant::now();
    let _ = gloss::io::project_file::to_ron(&loaded.project, &path, gloss::io::TextStorage::Folder)
        .expect("ron");
    eprintln!(
        "team bench: one side's file ({} MB): records-only read {parse:.2?}, written again {:.2?}",
        o0.len() >> 20,
        t.elapsed()
    );
    g.bench_function(format!("merge driver (three files), {n} articles"), |b| {
        b.iter(|| {
            gloss::io::project_file::merge_files(&b0, &o0, &t0, &path, "bob").expect("merge")
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
