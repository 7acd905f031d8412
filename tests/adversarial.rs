//! Hostile input to every importer and loader, through the real binary under
//! a memory limit: arbitrary bytes and damaged versions of valid files must
//! end in an error message or a clean import — never a panic, an abort, a
//! hang or running out of memory.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;

/// Runs `gloss ARGS` in `dir` with at most 2 GiB of address space and 60 s.
fn run_limited(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = assert_cmd::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg("ulimit -v 2097152 2>/dev/null; exec \"$0\" \"$@\"")
        .arg(common::bin())
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .timeout(Duration::from_mins(1))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_handled(kind: &str, code: Option<i32>, stderr: &str) {
    assert!(
        matches!(code, Some(0..=2)),
        "{kind}: exit {code:?} (killed, timed out or crashed)\n{stderr}"
    );
    for bad in [
        "panicked",
        "overflow",
        "memory allocation",
        "RUST_BACKTRACE",
    ] {
        assert!(!stderr.contains(bad), "{kind}: {bad}\n{stderr}");
    }
}

const HTML: &str = "<!doctype html><html><head><title>T</title><meta name=\"date\" content=\"2024-01-02\"></head><body><article><h1>Head</h1><p>One <b>two</b> three.</p><ul><li>x<li>y</ul><pre>a\n b</pre></article></body></html>";
const NEWS: &str = " date 2022-01-14 posted on 01/13/2022 9:05 PM\n\n(credit: A/B)\n\nOfficials said the port was hit.\n\nSecond paragraph.\n";

fn qdpx_bytes(qde: &[u8], source: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.qdpx");
    common::zip_file(&p, &[("project.qde", qde), ("sources/s.txt", source)]);
    std::fs::read(p).unwrap()
}

/// Applies byte edits and a cut to a valid file.
fn damage(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(at, b) in edits {
        if !v.is_empty() {
            let i = at % v.len();
            v[i] = b;
        }
    }
    if let Some(c) = cut
        && !v.is_empty()
    {
        v.truncate(c % (v.len() + 1));
    }
    v
}

fn edits() -> impl Strategy<Value = (Vec<(usize, u8)>, Option<usize>)> {
    (
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
        proptest::option::of(any::<usize>()),
    )
}

/// Cases per property: 48 in CI; set `GLOSS_FUZZ_CASES` for a longer run.
fn cases() -> u32 {
    std::env::var("GLOSS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn article_files_never_crash(
        raw in proptest::collection::vec(any::<u8>(), 0..4096),
        (ed, cut) in edits(),
        which in 0usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let (name, bytes) = match which {
            0 => ("a.txt", raw),
            1 => ("a.html", damage(HTML.as_bytes(), &ed, cut)),
            2 => ("a.md", damage(NEWS.as_bytes(), &ed, cut)),
            _ => ("a.htm", raw),
        };
        common::write(&d.join("in").join(name), &bytes);
        let (code, err) = run_limited(d, &["import", "p.ron", "in"]);
        assert_handled(name, code, &err);
    }

    #[test]
    fn refi_files_never_crash(
        (ed, cut) in edits(),
        raw in proptest::collection::vec(any::<u8>(), 0..2048),
        which in 0usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let qde = common::qde("#aabbcc", "internal://s.txt", (2, 9));
        let (name, bytes) = match which {
            0 => ("x.qdpx", qdpx_bytes(&damage(qde.as_bytes(), &ed, cut), b"Some source text here.")),
            1 => ("x.qdpx", damage(&qdpx_bytes(qde.as_bytes(), b"Some source text here."), &ed, cut)),
            2 => ("x.qdc", damage(qde.replace("Project", "CodeBook").as_bytes(), &ed, cut)),
            _ => ("x.qdpx", raw),
        };
        common::write(&d.join(name), &bytes);
        let (code, err) = run_limited(d, &["import", "p.ron", name]);
        assert_handled(name, code, &err);
    }

    #[test]
    fn brat_folders_never_crash(
        (ed, cut) in edits(),
        ann in "(T[0-9]{1,3}\t[A-Za-z_.<>|]{0,8} [0-9]{1,4} [0-9]{1,4}(;[0-9]{1,3} [0-9]{1,3})?\t[a-z ]{0,10}\n|#[0-9]\tAnnotatorNotes T[0-9] [a-z]{0,5}\n|[^\n]{0,20}\n){0,8}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        common::write(&d.join("b/doc.txt"), damage(NEWS.as_bytes(), &ed, cut));
        common::write(&d.join("b/doc.ann"), ann.as_bytes());
        common::write(&d.join("b/annotation.conf"), "[entities]\nThreat\n\tCyber\n[relations]\n");
        let (code, err) = run_limited(d, &["import", "p.ron", "b"]);
        assert_handled("brat", code, &err);
    }

    #[test]
    fn damaged_project_files_never_crash_and_are_never_overwritten(
        (ed, cut) in edits(),
        inline in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/example.ron");
        let loaded = gloss::io::load(&example).unwrap();
        let storage = if inline {
            gloss::io::TextStorage::Inline
        } else {
            gloss::io::TextStorage::Folder
        };
        gloss::io::save(&loaded.project, &d.join("p.ron"), storage).unwrap();
        let good = std::fs::read(d.join("p.ron")).unwrap();
        let bad = damage(&good, &ed, cut);
        std::fs::write(d.join("p.ron"), &bad).unwrap();
        for args in [
            &["stats", "p.ron"][..],
            &["check", "p.ron"],
            &["export", "p.ron", "--format", "qdpx", "-o", "out.qdpx"],
            &["tag", "p.ron", "--match", "the", "--tag", "Fuzz"],
        ] {
            let (code, err) = run_limited(d, args);
            assert_handled(&format!("{args:?}"), code, &err);
            if code != Some(0) {
                prop_assert_eq!(&std::fs::read(d.join("p.ron")).unwrap(), &bad, "{:?} changed a file it could not read", args);
            }
        }
    }
}
