//! `gloss bench` on a tiny corpus: it generates the articles, runs every
//! step and prints the table (the figures themselves are not checked here:
//! timings belong to benchmarks, not tests).

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use assert_cmd::Command;

#[test]
fn bench_prints_a_table_for_each_size_and_keeps_the_corpus_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("gloss")
        .unwrap()
        .args(["bench", "--sizes", "20,30", "--runs", "1", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for size in ["## 20 articles", "## 30 articles"] {
        assert!(stdout.contains(size), "{stdout}");
    }
    for step in [
        "read the files (`cat`)",
        "import (`gloss import`)",
        "open, tagged (`gloss stats`)",
        "open: articles listed",
        "save (in this process)",
        "tag (`gloss tag`: open, tag, save)",
        "CSV export (`gloss export`)",
        "search literal `Geneva`",
    ] {
        assert_eq!(stdout.matches(step).count(), 2, "{step}: {stdout}");
    }
    // Every table row has the same number of cells as its header (a `|`
    // inside a cell is escaped).
    for line in stdout.lines().filter(|l| l.starts_with('|')) {
        assert_eq!(line.replace("\\|", "").matches('|').count(), 7, "{line}");
    }
    // ~9 passages per article were made by tagging `sanctions`.
    let passages: usize = stdout
        .lines()
        .find(|l| l.starts_with("## 30 articles"))
        .and_then(|l| l.split(", ").nth(1))
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!((150..=400).contains(&passages), "{passages}");
    // The corpus stays where it was asked to go, for the next run.
    assert_eq!(
        std::fs::read_dir(dir.path().join("30/articles"))
            .unwrap()
            .count(),
        30
    );
    if std::process::Command::new("rg")
        .arg("--version")
        .output()
        .is_ok()
    {
        assert!(stdout.contains("matches in both"), "{stdout}");
    }
}
