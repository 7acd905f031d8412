//! Import, open and save on a generated corpus of 10,000 seed-size articles
//! with 100,000 annotations. Also prints the peak heap used by each step, as
//! a multiple of the corpus text size.
//!
//! Run with `cargo bench --bench corpus`. `GLOSS_BENCH_ARTICLES` changes the
//! corpus size (default 10000).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gloss::io::import::import_paths;
use gloss::io::project_file::{self, TextStorage};
use gloss::model::{Project, Span, TagId, Timestamp, ops};

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

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "on",
    "Sunday",
    "that",
    "sanctions",
    "would",
    "follow",
    "if",
    "talks",
    "failed",
    "NATO",
    "officials",
    "warned",
    "of",
    "a",
    "threat",
    "to",
    "energy",
    "supplies",
    "in",
    "Europe",
    "prices",
    "rose",
    "after",
    "the",
    "port",
    "was",
    "hit",
    "by",
    "ransomware",
    "Kraków",
    "Zoë",
    "“appropriate",
    "measures”",
    "—",
    "санкции",
    "угроза",
    "inflation",
    "protest",
    "and",
    "with",
    "government",
    "analysts",
    "expected",
    "negotiations",
    "Geneva",
    "weeks",
    "border",
];

fn article(rng: &mut Rng, i: usize) -> String {
    let mut s = format!(
        " date 2022-{:02}-{:02} posted on {:02}/{:02}/2022 {}:{:02} PM\n\n\n\n(credit: Reporter {i}/AFP)\n\n",
        1 + i % 12,
        1 + i % 28,
        1 + i % 12,
        1 + i % 28,
        1 + i % 12,
        i % 60
    );
    // About 3 KB, like the seed article: 9 paragraphs of ~50 words.
    for _ in 0..9 {
        for w in 0..50 {
            if w > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[rng.below(WORDS.len())]);
        }
        s.push_str(".\n\n");
    }
    let _ = writeln!(s, "Article number {i}.");
    s
}

struct Corpus {
    _dir: tempfile::TempDir,
    articles: PathBuf,
    project: PathBuf,
    inline_project: PathBuf,
    text_bytes: u64,
}

fn corpus(n: usize) -> Corpus {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    std::fs::create_dir_all(&articles).expect("mkdir");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut text_bytes = 0;
    for i in 0..n {
        let a = article(&mut rng, i);
        text_bytes += a.len() as u64;
        std::fs::write(articles.join(format!("{i:05}.txt")), a).expect("write");
    }
    // The project: all articles, 20 tags (some nested), 10 annotations each.
    let mut p = Project::new();
    let (action, _) = import_paths(&mut p, std::slice::from_ref(&articles), &|_, _| {});
    p.apply(action).expect("import");
    let mut tags: Vec<TagId> = Vec::new();
    for i in 0..20 {
        let path = if i % 4 == 0 {
            format!("Theme {i}")
        } else {
            format!("Theme {}/Sub {i}", i - i % 4)
        };
        let (t, actions) = ops::ensure_tag_path(&mut p, &path).expect("tag");
        for a in actions {
            p.apply(a).expect("tag");
        }
        tags.push(t);
    }
    let ids: Vec<_> = p.articles().map(|a| (a.id, a.text.char_len())).collect();
    let now = Timestamp::now();
    for (id, len) in ids {
        for _ in 0..10 {
            let start = rng.below(len - 100);
            let span = Span::new(start, start + 5 + rng.below(80)).expect("span");
            let tag = BTreeSet::from([tags[rng.below(tags.len())]]);
            let a =
                ops::add_annotation(&mut p, id, span, tag, String::new(), now).expect("annotation");
            p.apply(a).expect("annotation");
        }
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
        let (a, _) = import_paths(&mut p, std::slice::from_ref(&corpus.articles), &|_, _| {});
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
            let (a, _) = import_paths(&mut p, std::slice::from_ref(&corpus.articles), &|_, _| {});
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

criterion_group!(corpus_benches, benches);
criterion_main!(corpus_benches);
