//! Corpus search against ripgrep on the same texts (10,000 seed-size
//! articles, about 32 MB): Gloss searching the texts it holds in memory, and
//! `rg` searching the same texts as files. Run with `cargo bench --bench
//! search`; the ripgrep side is skipped (with a note) when `rg` is not
//! installed.

mod common;

use std::process::{Command, Stdio};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gloss::io::import::import_paths;
use gloss::model::Project;
use gloss::model::search::{self, Filters, Query};

fn rg_available() -> bool {
    Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn benches(c: &mut Criterion) {
    let (_dir, folder, bytes) = common::article_folder(10_000);
    let mut project = Project::new();
    let (action, _) = import_paths(&project, std::slice::from_ref(&folder), &|_, _| {});
    project.apply(action).expect("import");
    let cases: [(&str, Query, Vec<&str>); 3] = [
        ("literal", Query::plain("Geneva"), vec!["-F", "Geneva"]),
        (
            "word_ignore_case",
            Query {
                ignore_case: true,
                whole_word: true,
                ..Query::plain("sanctions")
            },
            vec!["-i", "-w", "-F", "sanctions"],
        ),
        (
            "regex",
            Query {
                regex: true,
                ..Query::plain(r"\b(?:threat|warned)\b \w+ \w+")
            },
            vec![r"\b(?:threat|warned)\b \w+ \w+"],
        ),
    ];
    let rg = rg_available();
    if !rg {
        eprintln!("rg (ripgrep) not found: only Gloss is measured");
    }
    let mut g = c.benchmark_group("search");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(bytes));
    for (name, query, rg_args) in &cases {
        let re = query.compile().expect("pattern");
        let n: usize = search::search(&project, &re, &Filters::default())
            .iter()
            .map(|h| h.spans.len())
            .sum();
        if rg {
            // Same matches, so the two do the same work.
            let out = Command::new("rg")
                .args(["--no-config", "--count-matches", "--no-filename"])
                .args(rg_args)
                .arg(&folder)
                .output()
                .expect("rg");
            let rg_n: usize = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.trim().parse::<usize>().ok())
                .sum();
            eprintln!("{name}: gloss {n} matches, rg {rg_n} matches");
        }
        g.bench_function(format!("gloss_{name}"), |b| {
            b.iter(|| search::search(&project, &re, &Filters::default()));
        });
        if rg {
            g.bench_function(format!("ripgrep_{name}"), |b| {
                b.iter(|| {
                    Command::new("rg")
                        .args(["--no-config", "--json"])
                        .args(rg_args)
                        .arg(&folder)
                        .stdout(Stdio::null())
                        .status()
                        .expect("rg")
                });
            });
        }
    }
    g.finish();
}

criterion_group!(search_benches, benches);
criterion_main!(search_benches);
