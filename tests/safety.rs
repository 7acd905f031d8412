//! Never lose work, never hang, never read what it shouldn't: one regression
//! test per defect an adversarial run found (concurrent writers, exports over
//! the project, unknown fields, hostile inputs, special files, damaged texts,
//! leftovers, file modes, messages). Each runs the real binary on files the
//! test makes.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{mkfifo, qde, run, run_ok, small_project, stats, write, zip_file};

fn tags_of(dir: &Path) -> Vec<String> {
    let s = stats(dir, "p.ron");
    s["per_tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["path"].as_str().unwrap().to_owned())
        .collect()
}

// ------------------------------------------------------------ 1. two writers

#[test]
fn two_writers_at_once_both_keep_their_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    for trial in 0..50 {
        let (a, b) = (format!("A{trial}"), format!("B{trial}"));
        let spawn = |pattern: &str, tag: &str| {
            std::process::Command::new(common::bin())
                .current_dir(d)
                .args(["tag", "p.ron", "--match", pattern, "--tag", tag])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let first = spawn("port", &a);
        let second = spawn("[Gg]as", &b);
        for child in [first, second] {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "trial {trial}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let tags = tags_of(d);
        assert!(
            tags.contains(&a) && tags.contains(&b),
            "trial {trial}: {tags:?}"
        );
    }
}

#[test]
fn a_busy_project_is_refused_with_a_clear_message_after_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    // Hold the write lock as another program would.
    let lock =
        gloss::io::lock::WriteLock::acquire(&d.join("p.ron"), Duration::ZERO, "test", |_| {})
            .unwrap();
    let before = fs::read(d.join("p.ron")).unwrap();
    let out = run(
        d,
        &[
            "--wait", "1", "tag", "p.ron", "--match", "port", "--tag", "X",
        ],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("waiting for"), "{out:?}");
    assert!(
        out.stderr.contains("being changed by another program"),
        "{out:?}"
    );
    assert_eq!(fs::read(d.join("p.ron")).unwrap(), before);
    drop(lock);
    run_ok(d, &["tag", "p.ron", "--match", "port", "--tag", "X"], 0);
}

// ------------------------------------------------------------ 2. exports over the project

#[test]
fn exports_never_overwrite_the_projects_own_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    run_ok(d, &["tag", "p.ron", "--match", "port", "--tag", "Place"], 0);
    let hash = fs::read_dir(d.join("p.texts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .file_name()
        .to_string_lossy()
        .into_owned();
    write(&d.join("p.ron.recovery"), "recovery");
    let before = fs::read(d.join("p.ron")).unwrap();
    let bak = fs::read(d.join("p.ron.bak")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("p.ron", d.join("link.csv")).unwrap();
        fs::hard_link(d.join("p.ron"), d.join("hard.csv")).unwrap();
    }
    let texts_file = format!("p.texts/{hash}");
    let mut targets = vec![
        "p.ron",
        "./p.ron",
        "articles/../p.ron",
        "p.ron.bak",
        "p.ron.recovery",
        texts_file.as_str(),
        "articles/port.txt",
    ];
    if cfg!(unix) {
        targets.extend(["link.csv", "hard.csv"]);
    }
    for target in targets {
        for format in ["csv", "w3c", "md", "qdpx"] {
            let out = run(d, &["export", "p.ron", "--format", format, "-o", target]);
            assert_eq!(out.code, 2, "{format} -o {target}: {out:?}");
            assert!(out.stderr.contains("refusing to write"), "{out:?}");
        }
    }
    // brat may not fill the project's folder or its texts folder.
    for target in [".", "p.texts"] {
        let out = run(d, &["export", "p.ron", "--format", "brat", "-o", target]);
        assert_eq!(out.code, 2, "brat -o {target}: {out:?}");
    }
    assert_eq!(fs::read(d.join("p.ron")).unwrap(), before);
    assert_eq!(fs::read(d.join("p.ron.bak")).unwrap(), bak);
    assert_eq!(
        fs::read_to_string(d.join("p.ron.recovery")).unwrap(),
        "recovery"
    );
    assert!(
        fs::read_to_string(d.join("articles/port.txt"))
            .unwrap()
            .starts_with("Officials")
    );
    // Elsewhere, exports work.
    run_ok(
        d,
        &["export", "p.ron", "--format", "csv", "-o", "out.csv"],
        0,
    );
    run_ok(d, &["export", "p.ron", "--format", "brat", "-o", "brat"], 0);
}

// ------------------------------------------------------------ 3. unknown fields

#[test]
fn unknown_fields_fail_check_and_are_never_saved_over() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    let text = fs::read_to_string(d.join("p.ron")).unwrap();
    let edited = text.replacen("status: Unread,", "status: Unread, priority: 3,", 1);
    write(&d.join("p.ron"), &edited);
    let out = run_ok(d, &["check", "p.ron"], 1);
    assert!(out.stdout.contains("articles.0.priority"), "{out:?}");
    let out = run_ok(d, &["tag", "p.ron", "--match", "port", "--tag", "X"], 2);
    assert!(out.stderr.contains("priority"), "{out:?}");
    assert_eq!(fs::read_to_string(d.join("p.ron")).unwrap(), edited);
    // --force drops them, knowingly.
    run_ok(
        d,
        &["--force", "tag", "p.ron", "--match", "port", "--tag", "X"],
        0,
    );
    assert!(
        !fs::read_to_string(d.join("p.ron"))
            .unwrap()
            .contains("priority")
    );
}

// ------------------------------------------------------------ 4–8. crashes

#[test]
fn deeply_nested_html_is_refused_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let n = 100_000;
    write(
        &d.join("in/deep.html"),
        format!(
            "<html><body>{}x{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        ),
    );
    write(&d.join("in/ok.txt"), "A fine article.\n");
    let start = Instant::now();
    let out = run_ok(d, &["import", "p.ron", "in"], 1);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        out.stderr.contains("deep.html") && out.stderr.contains("levels deep"),
        "{out:?}"
    );
    assert_eq!(stats(d, "p.ron")["articles"], 1);
}

#[test]
fn bad_refi_colours_and_deep_codes_never_crash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    zip_file(
        &d.join("colour.qdpx"),
        &[
            (
                "project.qde",
                qde("a€", "internal://s.txt", (0, 5)).as_bytes(),
            ),
            ("sources/s.txt", b"Hello world, again."),
        ],
    );
    let out = run_ok(d, &["import", "p.ron", "colour.qdpx"], 0);
    assert!(
        out.stderr.contains("colour") && out.stderr.contains("a€"),
        "{out:?}"
    );
    assert_eq!(stats(d, "p.ron")["annotations"], 1);

    let depth = 20_000;
    let mut qdc =
        String::from("<?xml version=\"1.0\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>");
    for i in 0..depth {
        let _ = write!(
            qdc,
            "<Code guid=\"{i:08}-0000-4000-8000-000000000000\" name=\"c{i}\" isCodable=\"true\">"
        );
    }
    qdc.push_str(&"</Code>".repeat(depth));
    qdc.push_str("</Codes></CodeBook>");
    write(&d.join("deep.qdc"), &qdc);
    // Refused with the reason; an import of several files goes on.
    let out = run_ok(d, &["import", "p.ron", "deep.qdc"], 1);
    assert!(out.stderr.contains("nested more than"), "{out:?}");
    zip_file(
        &d.join("deep.qdpx"),
        &[("project.qde", qdc.replace("CodeBook", "Project").as_bytes())],
    );
    let out = run_ok(d, &["import", "p.ron", "deep.qdpx", "colour.qdpx"], 1);
    assert!(out.stderr.contains("nested more than"), "{out:?}");
}

#[test]
fn a_pattern_with_too_many_matches_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("a/long.txt"), "ab ".repeat(5000));
    run_ok(d, &["import", "p.ron", "a"], 0);
    let before = fs::read(d.join("p.ron")).unwrap();
    let out = run_ok(
        d,
        &["tag", "p.ron", "--match", "a", "--tag", "A", "--max", "100"],
        2,
    );
    assert!(out.stderr.contains("more than 100 passages"), "{out:?}");
    assert_eq!(fs::read(d.join("p.ron")).unwrap(), before);
    let out = run_ok(
        d,
        &[
            "tag", "p.ron", "--match", "a", "--tag", "A", "--max", "5000",
        ],
        0,
    );
    assert!(out.stdout.contains("tagged 5000 passages"), "{out:?}");
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    for args in [
        &["stats", "p.ron", "--json"][..],
        &["stats", "p.ron"],
        &["export", "p.ron", "--format", "csv"],
        &["export", "p.ron", "--format", "w3c"],
        &["search", "p.ron", "the"],
    ] {
        let mut child = std::process::Command::new(common::bin())
            .current_dir(d)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written (like `| head -0`).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ------------------------------------------------------------ 9–12. bounded reads

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("in")).unwrap();
    write(&d.join("in/ok.txt"), "A fine article.\n");
    let fifo_made = mkfifo(&d.join("in/pipe.txt"));
    std::os::unix::fs::symlink("/dev/zero", d.join("in/zero.txt")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", d.join("urandom.txt")).unwrap();
    let start = Instant::now();
    let out = run_ok(d, &["import", "p.ron", "in"], 1);
    assert!(start.elapsed() < Duration::from_secs(20));
    if fifo_made {
        assert!(
            out.stderr.contains("pipe.txt") && out.stderr.contains("named pipe"),
            "{out:?}"
        );
    }
    assert!(
        out.stderr.contains("zero.txt") && out.stderr.contains("character device"),
        "{out:?}"
    );
    // Named directly, too.
    let out = run_ok(d, &["import", "p.ron", "urandom.txt"], 1);
    assert!(out.stderr.contains("character device"), "{out:?}");
    if fifo_made {
        let out = run_ok(d, &["import", "p.ron", "in/pipe.txt"], 1);
        assert!(out.stderr.contains("named pipe"), "{out:?}");
    }
    assert_eq!(stats(d, "p.ron")["articles"], 1);
    // A .qdpx whose source is a device or a pipe.
    for src in ["absolute:///dev/zero", "absolute:///dev/stdin"] {
        zip_file(
            &d.join("dev.qdpx"),
            &[("project.qde", qde("#ff0000", src, (0, 3)).as_bytes())],
        );
        let out = run_ok(d, &["import", "p.ron", "dev.qdpx"], 1);
        assert!(out.stderr.contains("outside the archive"), "{out:?}");
    }
    // A project file given as a device is refused, not read.
    let out = run_ok(d, &["stats", "urandom.txt"], 2);
    assert!(out.stderr.contains("character device"), "{out:?}");
}

#[cfg(unix)]
#[test]
fn a_text_file_linked_to_a_device_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    let texts: Vec<_> = fs::read_dir(d.join("p.texts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fs::remove_file(&texts[0]).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &texts[0]).unwrap();
    // Recovered from its source; check says so, --repair rewrites it.
    let out = run_ok(d, &["check", "p.ron"], 1);
    assert!(out.stdout.contains("missing or damaged"), "{out:?}");
    run_ok(d, &["check", "p.ron", "--repair"], 0);
    assert!(fs::symlink_metadata(&texts[0]).unwrap().is_file());
    run_ok(d, &["check", "p.ron"], 0);
}

#[test]
fn zip_bombs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let zeros = vec![b' '; 16 << 20];
    zip_file(
        &d.join("bomb.qdpx"),
        &[
            (
                "project.qde",
                qde("#ff0000", "internal://big.txt", (0, 3)).as_bytes(),
            ),
            ("sources/big.txt", &zeros),
        ],
    );
    let out = run_ok(d, &["import", "p.ron", "bomb.qdpx"], 1);
    assert!(out.stderr.contains("zip bomb"), "{out:?}");
    // A bomb as the project.qde itself refuses that file, with a message.
    zip_file(&d.join("bomb2.qdpx"), &[("project.qde", &zeros)]);
    let out = run_ok(d, &["import", "p.ron", "bomb2.qdpx"], 1);
    assert!(out.stderr.contains("zip bomb"), "{out:?}");
}

#[test]
fn qdpx_sources_outside_the_archive_are_read_only_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("allowed/inside.txt"), "Inside the allowed folder.");
    write(&d.join("secret.txt"), "Secret words nobody chose.");
    let cases = [
        "absolute:///etc/passwd".to_owned(),
        "relative://../../../../../../etc/hostname".to_owned(),
        format!("absolute://{}", d.join("secret.txt").display()),
        "relative://secret.txt".to_owned(),
    ];
    for src in &cases {
        zip_file(
            &d.join("x.qdpx"),
            &[("project.qde", qde("#ff0000", src, (0, 6)).as_bytes())],
        );
        let out = run_ok(d, &["import", "p.ron", "x.qdpx"], 1);
        assert!(out.stderr.contains("outside"), "{src}: {out:?}");
        // Even when some folder is allowed, files outside it are not read.
        let out = run_ok(
            d,
            &[
                "import",
                "p.ron",
                "x.qdpx",
                "--allow-external-sources",
                "allowed",
            ],
            1,
        );
        assert!(out.stderr.contains("outside"), "{src}: {out:?}");
    }
    assert_eq!(stats(d, "p.ron")["articles"], 0);
    zip_file(
        &d.join("in.qdpx"),
        &[(
            "project.qde",
            qde("#ff0000", "relative://allowed/inside.txt", (0, 6)).as_bytes(),
        )],
    );
    run_ok(
        d,
        &[
            "import",
            "p.ron",
            "in.qdpx",
            "--allow-external-sources",
            "allowed",
        ],
        0,
    );
    assert_eq!(stats(d, "p.ron")["articles"], 1);
}

#[test]
fn selections_past_the_end_are_refused_not_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    zip_file(
        &d.join("x.qdpx"),
        &[
            (
                "project.qde",
                qde("#ff0000", "internal://s.txt", (0, 999_999)).as_bytes(),
            ),
            ("sources/s.txt", b"Twenty-one chars long"),
        ],
    );
    let out = run_ok(d, &["import", "p.ron", "x.qdpx"], 1);
    assert!(out.stderr.contains("outside the text"), "{out:?}");
    assert_eq!(stats(d, "p.ron")["annotations"], 0);
}

// ------------------------------------------------------------ 13–14. integrity

#[test]
fn a_damaged_text_fails_check_is_repaired_and_never_stops_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    run_ok(d, &["tag", "p.ron", "--match", "port", "--tag", "Place"], 0);
    let port_hash = {
        let p = gloss::io::load(&d.join("p.ron")).unwrap().project;
        let a = p
            .articles()
            .find(|a| a.meta.file_name == "port.txt")
            .unwrap();
        a.hash.0.to_string()
    };
    let text_file = d.join("p.texts").join(format!("{port_hash}.txt"));
    let good = fs::read(&text_file).unwrap();
    write(&text_file, "damaged");
    let out = run_ok(d, &["check", "p.ron"], 1);
    assert!(out.stdout.contains("missing or damaged"), "{out:?}");
    let out = run_ok(d, &["check", "p.ron", "--repair"], 0);
    assert!(out.stdout.contains("rewrote 1 damaged text"), "{out:?}");
    assert_eq!(fs::read(&text_file).unwrap(), good);
    run_ok(d, &["check", "p.ron"], 0);

    // With the source gone too, the project still opens; the article is
    // unavailable and its passages are kept.
    write(&text_file, "damaged");
    fs::remove_file(d.join("articles/port.txt")).unwrap();
    let s = stats(d, "p.ron");
    assert_eq!(s["articles"], 3);
    assert_eq!(s["annotations"], 2);
    let out = run_ok(d, &["check", "p.ron"], 1);
    assert!(out.stdout.contains("text unavailable"), "{out:?}");
    // Other work goes on, and saving keeps the unavailable article's passages.
    run_ok(d, &["tag", "p.ron", "--match", "Gas", "--tag", "Energy"], 0);
    let s = stats(d, "p.ron");
    assert_eq!(s["annotations"], 3, "{s:#}");
    let csv = run_ok(d, &["export", "p.ron", "--format", "csv"], 0).stdout;
    assert!(csv.contains(",the port,") || csv.contains("port"), "{csv}");
}

#[test]
fn leftovers_are_reported_and_collected_but_referenced_texts_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    // A second save makes a backup that names the same texts.
    run_ok(d, &["tag", "p.ron", "--match", "port", "--tag", "Place"], 0);
    write(&d.join(".p.ron.Ab12Cd.tmp"), "x".repeat(1000));
    write(&d.join("p.texts/.abc.txt.Zz9.tmp"), "half a text");
    // What a first save killed while writing its texts folder leaves.
    write(
        &d.join(".p.texts.4242.tmp/a.txt"),
        "a text of a folder never renamed",
    );
    let orphan = format!("{}.txt", "0".repeat(64));
    write(&d.join("p.texts").join(&orphan), "nobody names me");
    // A text only the backup names is kept.
    let bak_only = format!("{}.txt", "1".repeat(64));
    write(&d.join("p.texts").join(&bak_only), "the backup names me");
    let bak = fs::read_to_string(d.join("p.ron.bak")).unwrap();
    write(
        &d.join("p.ron.bak"),
        bak + &format!("// {}\n", "1".repeat(64)),
    );
    let texts_before = fs::read_dir(d.join("p.texts")).unwrap().count();
    let out = run_ok(d, &["check", "p.ron"], 0);
    assert!(out.stdout.contains(".p.ron.Ab12Cd.tmp"), "{out:?}");
    assert!(out.stdout.contains(".p.texts.4242.tmp"), "{out:?}");
    assert!(out.stdout.contains(&orphan), "{out:?}");
    assert!(!out.stdout.contains(&bak_only), "{out:?}");
    assert!(out.stdout.contains("--gc"), "{out:?}");
    let out = run_ok(d, &["check", "p.ron", "--gc"], 0);
    assert!(
        out.stdout
            .contains("removed 3 temporary files and 1 unreferenced text"),
        "{out:?}"
    );
    assert!(!d.join(".p.ron.Ab12Cd.tmp").exists());
    assert!(!d.join(".p.texts.4242.tmp").exists());
    assert!(!d.join("p.texts").join(&orphan).exists());
    assert!(d.join("p.texts").join(&bak_only).exists());
    assert_eq!(
        fs::read_dir(d.join("p.texts")).unwrap().count(),
        texts_before - 2
    );
    assert_eq!(stats(d, "p.ron")["articles"], 3);
}

// ------------------------------------------------------------ 15–16. special files, modes

#[cfg(unix)]
#[test]
fn exports_write_special_files_in_place_and_follow_links() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    // /dev/full fails with a message and stays a device.
    let out = run_ok(
        d,
        &["export", "p.ron", "--format", "csv", "-o", "/dev/full"],
        2,
    );
    assert!(out.stderr.contains("/dev/full"), "{out:?}");
    assert!(
        fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // /dev/stdout and - go to standard output.
    let out = run_ok(
        d,
        &["export", "p.ron", "--format", "csv", "-o", "/dev/stdout"],
        0,
    );
    assert!(out.stdout.starts_with("article_id,"), "{out:?}");
    let out = run_ok(d, &["export", "p.ron", "--format", "csv", "-o", "-"], 0);
    assert!(out.stdout.starts_with("article_id,"), "{out:?}");
    // A FIFO is written, not replaced.
    let fifo = d.join("out.fifo");
    if mkfifo(&fifo) {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
        };
        run_ok(
            d,
            &["export", "p.ron", "--format", "csv", "-o", "out.fifo"],
            0,
        );
        assert!(reader.join().unwrap().starts_with("article_id,"));
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
    // A link to a regular file: the target is replaced, the link stays.
    write(&d.join("real.csv"), "old");
    std::os::unix::fs::symlink("real.csv", d.join("link.csv")).unwrap();
    run_ok(
        d,
        &["export", "p.ron", "--format", "csv", "-o", "link.csv"],
        0,
    );
    assert!(
        fs::symlink_metadata(d.join("link.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(d.join("real.csv"))
            .unwrap()
            .starts_with("article_id,")
    );
    // A folder is never replaced by a file.
    fs::create_dir(d.join("folder.csv")).unwrap();
    run_ok(
        d,
        &["export", "p.ron", "--format", "csv", "-o", "folder.csv"],
        2,
    );
    assert!(d.join("folder.csv").is_dir());
}

#[cfg(unix)]
#[test]
fn files_get_the_users_modes_and_read_only_projects_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    // What this umask gives a plain new file.
    write(&d.join("reference"), "x");
    let usual = mode(&d.join("reference"));
    assert_eq!(mode(&d.join("p.ron")), usual);
    let text = fs::read_dir(d.join("p.texts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(mode(&text), usual);
    run_ok(
        d,
        &["export", "p.ron", "--format", "csv", "-o", "out.csv"],
        0,
    );
    assert_eq!(mode(&d.join("out.csv")), usual);
    // A shared project stays shared.
    fs::set_permissions(d.join("p.ron"), fs::Permissions::from_mode(0o664)).unwrap();
    run_ok(d, &["tag", "p.ron", "--match", "port", "--tag", "X"], 0);
    assert_eq!(mode(&d.join("p.ron")), 0o664);
    // A read-only project is not replaced unless forced.
    fs::set_permissions(d.join("p.ron"), fs::Permissions::from_mode(0o444)).unwrap();
    let before = fs::read(d.join("p.ron")).unwrap();
    let out = run_ok(d, &["tag", "p.ron", "--match", "Gas", "--tag", "Y"], 2);
    assert!(out.stderr.contains("read-only"), "{out:?}");
    assert_eq!(fs::read(d.join("p.ron")).unwrap(), before);
    run_ok(
        d,
        &["--force", "tag", "p.ron", "--match", "Gas", "--tag", "Y"],
        0,
    );
    assert_eq!(mode(&d.join("p.ron")), 0o444);
}

// ------------------------------------------------------------ 17. messages

#[test]
fn project_file_problems_say_where_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    let good = fs::read(d.join("p.ron")).unwrap();
    let mut bad = good.clone();
    let second_line = good.iter().position(|&b| b == b'\n').unwrap() + 1;
    bad[second_line + 2] = 0xfe;
    write(&d.join("p.ron"), &bad);
    let out = run_ok(d, &["stats", "p.ron"], 2);
    assert!(
        out.stderr.contains("p.ron:2:") && out.stderr.contains("not valid UTF-8"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains(&format!("byte {}", second_line + 2)),
        "{out:?}"
    );
    let zero = String::from_utf8(good)
        .unwrap()
        .replacen("version: 4,", "version: 0,", 1);
    write(&d.join("p.ron"), zero);
    let out = run_ok(d, &["stats", "p.ron"], 2);
    assert!(
        out.stderr.contains("unsupported format version 0"),
        "{out:?}"
    );
    assert!(!out.stderr.contains("update Gloss"), "{out:?}");
}

#[cfg(unix)]
#[test]
fn crafted_file_names_are_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = "evil\ngloss: refused: fake.txt: forged line.bin";
    write(&d.join("in").join(name), "x");
    let out = run_ok(d, &["import", "p.ron", "in"], 1);
    assert!(out.stderr.contains("evil\\ngloss: refused"), "{out:?}");
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("gloss: refused: fake.txt"))
            .count(),
        0,
        "{out:?}"
    );
}

#[cfg(unix)]
#[test]
fn links_inside_folders_are_followed_only_to_articles_inside() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("in/real/a.txt"), "Article A inside the folder.\n");
    write(&d.join("outside.txt"), "Article outside the folder.\n");
    std::os::unix::fs::symlink("real/a.txt", d.join("in/alias.txt")).unwrap();
    std::os::unix::fs::symlink("../outside.txt", d.join("in/escape.txt")).unwrap();
    std::os::unix::fs::symlink("real", d.join("in/dirlink")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", d.join("in/broken.txt")).unwrap();
    let out = run_ok(d, &["import", "p.ron", "in"], 1);
    assert!(
        out.stderr.contains("escape.txt") && out.stderr.contains("outside the imported folder"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("dirlink") && out.stderr.contains("link to a folder"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains("broken.txt") && out.stderr.contains("broken symbolic link"),
        "{out:?}"
    );
    // alias.txt is the same text as real/a.txt: one article, one duplicate.
    assert!(out.stderr.contains("duplicate"), "{out:?}");
    assert_eq!(stats(d, "p.ron")["articles"], 1);
}

#[cfg(unix)]
#[test]
fn source_paths_that_are_not_unicode_survive_a_round_trip() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    let path = d.join("in").join(name);
    write(&path, "An article with a Latin-1 file name.\n");
    run_ok(d, &["import", "p.ron", "in"], 0);
    let out = run_ok(d, &["check", "p.ron"], 0);
    assert!(out.stdout.contains("1 match their source"), "{out:?}");
    // Changing the source is noticed: the path was kept exactly.
    write(&path, "An article with a Latin-1 file name, edited.\n");
    let out = run_ok(d, &["check", "p.ron"], 1);
    assert!(out.stdout.contains("caf\\xe9.txt"), "{out:?}");
}

// ------------------------------------------------------------ crash consistency

#[test]
fn a_kill_at_any_moment_leaves_the_old_or_the_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Enough articles that a save takes a moment.
    for i in 0..200 {
        write(
            &d.join(format!("in/{i:03}.txt")),
            format!("Article {i} says the port was hit, again and again, on day {i}.\n"),
        );
    }
    run_ok(d, &["import", "p.ron", "in"], 0);
    let mut kills = 0;
    for trial in 0..30u64 {
        let before = gloss::io::load(&d.join("p.ron")).unwrap().project;
        let mut child = std::process::Command::new(common::bin())
            .current_dir(d)
            .args([
                "tag",
                "p.ron",
                "--match",
                "port",
                "--tag",
                &format!("T{trial}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(trial * 7 % 60));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let after = gloss::io::load(&d.join("p.ron"))
            .unwrap_or_else(|e| panic!("trial {trial}: the project does not open: {e}"))
            .project;
        if let Some(tag) = after.codebook().find_path(&format!("T{trial}")) {
            // The new state: every match carries the new tag.
            assert_eq!(after.tag_usage().get(&tag), Some(&200), "trial {trial}");
        } else {
            assert_eq!(after, before, "trial {trial}: neither old nor new");
        }
    }
    assert!(kills > 0, "no run was interrupted; the test proves nothing");
    // What the kills left behind is collected.
    run_ok(d, &["check", "p.ron", "--gc"], 0);
    let out = run_ok(d, &["check", "p.ron"], 0);
    assert!(!out.stdout.contains("leftover"), "{out:?}");
}

#[test]
fn a_kill_during_an_import_never_leaves_a_short_text_under_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for i in 0..300 {
        write(
            &d.join(format!("in/{i:03}.txt")),
            format!("Article {i}: {}\n", "the harbour stood still. ".repeat(40)),
        );
    }
    let mut kills = 0;
    for trial in 0..20u64 {
        for leftover in ["p.ron", "p.ron.bak"] {
            let _ = std::fs::remove_file(d.join(leftover));
        }
        let _ = std::fs::remove_dir_all(d.join("p.texts"));
        let mut child = std::process::Command::new(common::bin())
            .current_dir(d)
            .args(["import", "p.ron", "in"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + trial * 9 % 120));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        // Every text under its content-hash name is whole.
        if let Ok(entries) = std::fs::read_dir(d.join("p.texts")) {
            for e in entries {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("tmp"))
                {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let hash = blake3::hash(text.as_bytes()).to_hex().to_string();
                assert_eq!(
                    name.trim_end_matches(".txt"),
                    hash,
                    "trial {trial}: a short or wrong text under {name}"
                );
            }
        }
        // The project, if written, opens whole.
        if d.join("p.ron").exists() {
            gloss::io::load(&d.join("p.ron"))
                .unwrap_or_else(|e| panic!("trial {trial}: the project does not open: {e}"));
            run_ok(d, &["check", "p.ron", "--gc"], 0);
        }
    }
    assert!(kills > 0, "no run was interrupted; the test proves nothing");
    // A first import writes its texts folder under a temporary name and
    // renames it whole: what the kills left of those is collected.
    let _ = std::fs::remove_dir_all(d.join("p.texts"));
    let _ = std::fs::remove_file(d.join("p.ron"));
    run_ok(d, &["import", "p.ron", "in"], 0);
    assert_eq!(std::fs::read_dir(d.join("p.texts")).unwrap().count(), 300);
    run_ok(d, &["check", "p.ron", "--gc"], 0);
    let temp_folders: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".p.texts.") && Path::new(n).extension().is_some_and(|e| e == "tmp")
        })
        .collect();
    assert!(temp_folders.is_empty(), "{temp_folders:?}");
}
