//! Import, open and save on a generated corpus of 10,000 seed-size articles
//! with 100,000 annotations. Also prints the peak heap used by each step, as
//! a multiple of the corpus text size.
//!
//! Run with `cargo bench --bench corpus`. `GLOSS_BENCH_ARTICLES` changes the
//! corpus size (default 10000).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::{Rng, article_folder};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gloss::io::import::import_paths;
use gloss::io::project_file::{self, TextStorage};
use gloss::model::Project;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator and only counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` once and returns the peak heap growth it caused.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t = f();
    (t, PEAK.load(Ordering::Relaxed) - base)
}

struct Corpus {
    _dir: tempfile::TempDir,
    articles: PathBuf,
    project: PathBuf,
    inline_project: PathBuf,
    text_bytes: u64,
}

fn corpus(n: usize) -> Corpus {
    let (dir, articles, text_bytes) = article_folder(n);
    let mut rng = Rng(0x5eed);
    // The project: all articles, 20 tags (some nested), 10 annotations each.
    let mut p = Project::new();
    let (action, _) = import_paths(&p, std::slice::from_ref(&articles), &|_, _| {});
    p.apply(action).expect("import");
    let tags = common::tags(&mut p);
    let ids: Vec<_> = p.articles().map(|a| a.id).collect();
    for id in ids {
        common::annotate(&mut p, &mut rng, id, &tags, 10);
    }
    let project = dir.path().join("big.ron");
    let inline_project = dir.path().join("big-inline.ron");
    project_file::save(&p, &project, TextStorage::Folder).expect("save");
    project_file::save(&p, &inline_project, TextStorage::Inline).expect("save");
    Corpus {
        _dir: dir,
        articles,
        project,
        inline_project,
        text_bytes,
    }
}

fn size_mb(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

#[allow(
    clippy::many_single_char_names,
    reason = "n, t, c and b are the usual bench names"
)]
fn benches(c: &mut Criterion) {
    let n: usize = std::env::var("GLOSS_BENCH_ARTICLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let t = Instant::now();
    let corpus = corpus(n);
    let mb = corpus.text_bytes as f64 / 1e6;
    eprintln!(
        "corpus: {n} articles, {mb:.1} MB of text, project file {:.1} MB (texts in folder) / {:.1} MB (inline); generated in {:.1} s",
        size_mb(&corpus.project),
        size_mb(&corpus.inline_project),
        t.elapsed().as_secs_f64()
    );

    // Peak memory of each step, once, outside the timing loops.
    let (_, import_peak) = peak_of(|| {
        let mut p = Project::new();
        let (a, _) = import_paths(&p, std::slice::from_ref(&corpus.articles), &|_, _| {});
        p.apply(a).expect("import");
        p
    });
    let (loaded, open_peak) = peak_of(|| project_file::load(&corpus.project).expect("load"));
    let ((), save_peak) = peak_of(|| {
        project_file::save(&loaded.project, &corpus.project, TextStorage::Folder).expect("save");
    });
    eprintln!(
        "peak heap: import {:.0} MB ({:.2}x text), open {:.0} MB ({:.2}x), save {:.0} MB ({:.2}x)",
        import_peak as f64 / 1e6,
        import_peak as f64 / corpus.text_bytes as f64,
        open_peak as f64 / 1e6,
        open_peak as f64 / corpus.text_bytes as f64,
        save_peak as f64 / 1e6,
        save_peak as f64 / corpus.text_bytes as f64,
    );

    let mut g = c.benchmark_group("corpus");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(corpus.text_bytes));
    g.bench_function("import", |b| {
        b.iter(|| {
            let mut p = Project::new();
            let (a, _) = import_paths(&p, std::slice::from_ref(&corpus.articles), &|_, _| {});
            p.apply(a).expect("import");
            p
        });
    });
    g.bench_function("open", |b| {
        b.iter(|| project_file::load(&corpus.project).expect("load"));
    });
    g.bench_function("save", |b| {
        b.iter(|| {
            project_file::save(&loaded.project, &corpus.project, TextStorage::Folder)
                .expect("save");
        });
    });
    g.bench_function("open_inline", |b| {
        b.iter(|| project_file::load(&corpus.inline_project).expect("load"));
    });
    g.bench_function("save_inline", |b| {
        b.iter(|| {
            project_file::save(&loaded.project, &corpus.inline_project, TextStorage::Inline)
                .expect("save");
        });
    });
    g.finish();
}

/// Importing documents: news-archive exports and PDFs.
fn archive_benches(c: &mut Criterion) {
    // News-archive exports: 1,000 stories as 100 Nexis Uni DOCX files of
    // 10 stories each, split into articles with their metadata.
    let nexis = tempfile::tempdir().expect("temp dir");
    let mut rng = Rng(11);
    for f in 0..100 {
        common::nexis_docx(
            &nexis.path().join(format!("nexis-{f:03}.docx")),
            &mut rng,
            10,
        );
    }
    let folder = nexis.path().to_path_buf();
    let mut g = c.benchmark_group("import_archives");
    g.sample_size(10);
    g.bench_function("nexis_docx_100_files_1000_articles", |b| {
        b.iter(|| {
            let mut p = Project::new();
            let (a, report) = import_paths(&p, std::slice::from_ref(&folder), &|_, _| {});
            assert_eq!(report.imported.len(), 1000);
            p.apply(a).expect("import");
            p
        });
    });
    // 1,000 single-article PDFs (one page of ~50 lines each).
    let pdfs = tempfile::tempdir().expect("temp dir");
    for f in 0..1000 {
        let lines: Vec<String> = (0..50).map(|_| common::paragraph(&mut rng, 9)).collect();
        std::fs::write(
            pdfs.path().join(format!("article-{f:04}.pdf")),
            common::simple_pdf(&lines),
        )
        .expect("write");
    }
    let pdf_folder = pdfs.path().to_path_buf();
    g.bench_function("pdf_1000_files", |b| {
        b.iter(|| {
            let mut p = Project::new();
            let (a, report) = import_paths(&p, std::slice::from_ref(&pdf_folder), &|_, _| {});
            assert_eq!(report.imported.len(), 1000);
            p.apply(a).expect("import");
            p
        });
    });
    g.finish();
}

criterion_group!(corpus_benches, benches, archive_benches);
criterion_main!(corpus_benches);
