//! `gloss search` and the extended `gloss stats`, on files the tests create.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::path::Path;

use assert_cmd::Command;

fn gloss() -> Command {
    Command::cargo_bin("gloss").unwrap()
}

fn project(dir: &Path) -> std::path::PathBuf {
    let articles = dir.join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(
        articles.join("a.txt"),
        " date 2022-01-14 posted on 01/13/2022 9:05 PM\n\n\n\n(credit: X/AFP)\n\nZoë warned of SANCTIONS.\tThen: sanctions again.\n",
    )
    .unwrap();
    std::fs::write(
        articles.join("b.txt"),
        "Nothing here but Élysée and sanctionsless words.\n",
    )
    .unwrap();
    let p = dir.join("p.ron");
    gloss()
        .arg("import")
        .arg(&p)
        .arg(&articles)
        .assert()
        .code(0);
    p
}

fn lines(out: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn search_prints_char_offsets_and_context_and_exits_like_grep() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    let out = gloss()
        .arg("search")
        .arg(&p)
        .arg("sanctions")
        .args(["-i", "-w"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let text = " date 2022-01-14 posted on 01/13/2022 9:05 PM\n\n\n\n(credit: X/AFP)\n\nZoë warned of SANCTIONS.\tThen: sanctions again.\n";
    let start = text[..text.find("SANCTIONS").unwrap()].chars().count();
    assert_eq!(rows[0][0], "1");
    assert_eq!(rows[0][1], start.to_string());
    assert_eq!(rows[0][2], (start + 9).to_string());
    assert_eq!(rows[0].len(), 4, "tabs in the text do not add columns");
    assert!(rows[0][3].contains("warned of SANCTIONS"));
    // Case-sensitive by default; whole words keep "sanctionsless" out.
    let out = gloss()
        .arg("search")
        .arg(&p)
        .arg("sanctions")
        .output()
        .unwrap();
    assert_eq!(lines(&out.stdout).len(), 2);
    let out = gloss()
        .arg("search")
        .arg(&p)
        .args(["élysée", "--ignore-case"])
        .output()
        .unwrap();
    assert_eq!(lines(&out.stdout)[0][0], "2");

    gloss()
        .arg("search")
        .arg(&p)
        .arg("nowhere")
        .assert()
        .code(1)
        .stdout("");
    gloss()
        .arg("search")
        .arg(&p)
        .args(["(unclosed", "--regex"])
        .assert()
        .code(2);
    gloss()
        .arg("search")
        .arg(&p)
        .args(["x", "--tag", "Missing"])
        .assert()
        .code(2);
    gloss()
        .arg("search")
        .arg(dir.path().join("none.ron"))
        .arg("x")
        .assert()
        .code(2);
}

#[test]
fn search_filters_by_tag_status_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    gloss()
        .arg("tag")
        .arg(&p)
        .args(["--match", "Élysée", "--tag", "Place/France"])
        .assert()
        .code(0);
    let out = gloss()
        .arg("search")
        .arg(&p)
        .args(["-i", "sanctions", "--tag", "Place"])
        .output()
        .unwrap();
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 1, "only the tagged article (nested tags count)");
    assert_eq!(rows[0][0], "2");
    gloss()
        .arg("search")
        .arg(&p)
        .args(["-i", "sanctions", "--status", "done"])
        .assert()
        .code(1);
    let out = gloss()
        .arg("search")
        .arg(&p)
        .args([
            "-i",
            "sanctions",
            "--from",
            "2022-01-01",
            "--to",
            "2022-01-31",
        ])
        .output()
        .unwrap();
    assert_eq!(lines(&out.stdout).len(), 2, "only the dated article");
}

#[test]
fn stats_json_has_cooccurrence_and_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    gloss()
        .arg("tag")
        .arg(&p)
        .args(["--match", "(?i)sanctions", "--tag", "Policy"])
        .assert()
        .code(0);
    gloss()
        .arg("tag")
        .arg(&p)
        .args(["--match", "(?i)warned of sanctions", "--tag", "Threat"])
        .assert()
        .code(0);
    let out = gloss().arg("stats").arg(&p).arg("--json").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cooccurrence"][0]["a"], "Policy");
    assert_eq!(v["cooccurrence"][0]["b"], "Threat");
    assert_eq!(v["cooccurrence"][0]["count"], 1);
    assert_eq!(v["timeline"]["labels"][0], "2022-01");
    assert_eq!(
        v["timeline"]["undated"], 1,
        "the passage in the undated article"
    );
    let weekly = gloss()
        .arg("stats")
        .arg(&p)
        .args(["--json", "--by", "week"])
        .output()
        .unwrap();
    let w: serde_json::Value = serde_json::from_slice(&weekly.stdout).unwrap();
    assert_eq!(w["timeline"]["labels"][0], "2022-W02");
    let text = gloss().arg("stats").arg(&p).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("co-occurrence"), "{text}");
    assert!(text.contains("1  Policy + Threat"), "{text}");
}

/// Without a tag filter the search reads only the texts (the passages are
/// skipped); with one it opens the whole project. Both print the same.
#[test]
fn a_search_without_passages_prints_what_a_search_of_the_whole_project_prints() {
    let dir = tempfile::tempdir().unwrap();
    let p = project(dir.path());
    gloss()
        .arg("tag")
        .arg(&p)
        .args(["--match", r"\A.", "--tag", "All"])
        .assert()
        .code(0);
    gloss()
        .arg("tag")
        .arg(&p)
        .args(["--match", r"(?i)sanctions\w*", "--tag", "Topic"])
        .assert()
        .code(0);
    for args in [
        &["(?i)s\\w+", "--regex"][..],
        &["sanctions", "-i", "-w"],
        &["é", "--status", "unread"],
        &[
            "sanctions",
            "-i",
            "--from",
            "2022-01-01",
            "--to",
            "2022-01-31",
        ],
    ] {
        let fast = gloss().arg("search").arg(&p).args(args).output().unwrap();
        let whole = gloss()
            .arg("search")
            .arg(&p)
            .args(args)
            .args(["--tag", "All"])
            .output()
            .unwrap();
        assert_eq!(fast.status.code(), Some(0), "{args:?}");
        assert!(!fast.stdout.is_empty());
        assert_eq!(
            String::from_utf8(fast.stdout).unwrap(),
            String::from_utf8(whole.stdout).unwrap(),
            "{args:?}"
        );
    }
}
