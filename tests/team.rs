//! Team work from the command line: `gloss merge`, and git carrying a
//! project between two analysts with `gloss git-setup`'s merge driver.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use std::path::Path;
use std::process::Command;

use common::{run_ok, small_project, stats, write};

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=t@example.org",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("PATH", path_with_gloss())
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// `gloss tag PROJECT --match PATTERN --tag TAG --analyst WHO`.
fn tag(d: &Path, project: &str, pattern: &str, tag: &str, who: &str) {
    run_ok(
        d,
        &[
            "tag",
            project,
            "--match",
            pattern,
            "--tag",
            tag,
            "--analyst",
            who,
        ],
        0,
    );
}

fn path_with_gloss() -> String {
    let dir = common::bin().parent().unwrap().to_path_buf();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn authors(dir: &Path, project: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(project)).unwrap();
    let mut out: Vec<String> = text
        .lines()
        .filter(|l| l.contains("start:"))
        .filter_map(|l| l.split("author: Some(\"").nth(1))
        .map(|r| r.split('"').next().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[test]
fn merge_unites_two_analysts_copies_and_lists_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    small_project(d);
    std::fs::copy(d.join("p.ron"), d.join("bob.ron")).unwrap();
    copy_dir(&d.join("p.texts"), &d.join("bob.texts"));
    tag(d, "p.ron", "ransomware", "Cyber", "ann");
    tag(d, "bob.ron", "port", "Place", "bob");
    tag(d, "bob.ron", "ransomware", "Cyber", "bob");
    write(
        &d.join("more/new.txt"),
        "Only Bob imported this article about a new port.\n",
    );
    run_ok(d, &["import", "bob.ron", "more"], 0);
    let out = run_ok(
        d,
        &["merge", "p.ron", "bob.ron", "-o", "merged.ron", "--json"],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["summary"]["articles_added"], 1);
    assert_eq!(v["summary"]["passages_added"], 3, "{}", out.stdout);
    let s = stats(d, "merged.ron");
    assert_eq!(s["articles"], 4);
    assert_eq!(s["annotations"], 4);
    assert_eq!(authors(d, "merged.ron"), ["ann", "bob", "bob", "bob"]);
    // In place, and a second time: nothing is added twice.
    run_ok(d, &["merge", "p.ron", "bob.ron"], 0);
    let again = run_ok(d, &["merge", "p.ron", "bob.ron"], 0);
    assert!(
        again.stdout.contains("merged: 0 passages added"),
        "{}",
        again.stdout
    );
    assert_eq!(stats(d, "p.ron")["annotations"], 4);
    run_ok(d, &["check", "p.ron"], 0);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn git_merges_two_branches_of_a_project_without_conflict_markers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    small_project(d);
    tag(d, "p.ron", "port", "Place", "ann");
    let setup = run_ok(d, &["git-setup"], 0);
    assert!(
        setup.stdout.contains("merges project files"),
        "{}",
        setup.stdout
    );
    let attrs = std::fs::read_to_string(d.join(".gitattributes")).unwrap();
    assert!(attrs.contains("*.ron merge=gloss"));
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);

    // Ann, on main: more passages, and a note on the shared passage.
    git(d, &["checkout", "-qb", "ann"]);
    tag(d, "p.ron", "ransomware", "Cyber", "ann");
    git(d, &["commit", "-qam", "ann codes cyber"]);

    // Bob, from the base: his own passages and a new article.
    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-qb", "bob"]);
    tag(d, "p.ron", "pipeline", "Energy", "bob");
    write(
        &d.join("more/new.txt"),
        "Bob's own article, about a harbour strike.\n",
    );
    run_ok(d, &["import", "p.ron", "more"], 0);
    tag(d, "p.ron", "strike", "Labour", "bob");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "bob codes energy"]);

    // Ann pulls Bob's work.
    git(d, &["checkout", "-q", "ann"]);
    let out = git(d, &["merge", "--no-edit", "bob"]);
    assert!(!out.contains("CONFLICT"), "{out}");
    let text = std::fs::read_to_string(d.join("p.ron")).unwrap();
    assert!(!text.contains("<<<<<<<") && !text.contains(">>>>>>>"));
    run_ok(d, &["check", "p.ron"], 0);
    let s = stats(d, "p.ron");
    assert_eq!(s["articles"], 4);
    let per_tag: Vec<String> = s["per_tag"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{}={}", t["path"].as_str().unwrap(), t["count"]))
        .collect();
    for want in ["Place=", "Cyber=", "Energy=", "Labour="] {
        assert!(
            per_tag.iter().any(|t| t.starts_with(want)),
            "{want} in {per_tag:?}"
        );
    }
    let who = authors(d, "p.ron");
    assert!(
        who.contains(&"ann".to_owned()) && who.contains(&"bob".to_owned()),
        "{who:?}"
    );
    assert_eq!(
        git(d, &["status", "--porcelain"]).trim(),
        "",
        "the merge committed cleanly"
    );
}

#[test]
fn git_records_a_true_conflict_in_the_project_instead_of_markers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    small_project(d);
    tag(d, "p.ron", "ransomware", "Cyber", "ann");
    tag(d, "p.ron", "Voters", "Other", "ann");
    run_ok(d, &["git-setup"], 0);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    let tags = "1";
    // Both sides change the same passage's tags, differently (by hand, as
    // an editor or another tool might).
    git(d, &["checkout", "-qb", "a"]);
    let a = std::fs::read_to_string(d.join("p.ron")).unwrap();
    std::fs::write(
        d.join("p.ron"),
        a.replace(
            &format!("tags: [{tags}], quote: \"ransomware\""),
            "tags: [2], quote: \"ransomware\"",
        ),
    )
    .unwrap();
    git(d, &["commit", "-qam", "a"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["checkout", "-qb", "b"]);
    let b = std::fs::read_to_string(d.join("p.ron")).unwrap();
    std::fs::write(
        d.join("p.ron"),
        b.replace(
            &format!("tags: [{tags}], quote: \"ransomware\""),
            "tags: [1, 2], quote: \"ransomware\"",
        ),
    )
    .unwrap();
    git(d, &["commit", "-qam", "b"]);
    git(d, &["checkout", "-q", "a"]);
    let out = git(d, &["merge", "--no-edit", "b"]);
    assert!(!out.contains("CONFLICT"), "{out}");
    let text = std::fs::read_to_string(d.join("p.ron")).unwrap();
    assert!(text.contains("conflicts: ["), "{text}");
    assert!(
        text.contains("tags (theirs Cyber, Other); kept ours"),
        "{text}"
    );
    run_ok(d, &["check", "p.ron"], 0);
}

#[test]
fn other_ron_files_in_the_repository_get_gits_own_merge() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    run_ok(d, &["git-setup"], 0);
    write(
        &d.join("settings.ron"),
        "(\n    width: 1,\n    height: 2,\n)\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-qm", "base"]);
    git(d, &["checkout", "-qb", "a"]);
    write(
        &d.join("settings.ron"),
        "(\n    width: 10,\n    height: 2,\n)\n",
    );
    git(d, &["commit", "-qam", "a"]);
    git(d, &["checkout", "-q", "main"]);
    write(
        &d.join("settings.ron"),
        "(\n    width: 1,\n    height: 2,\n    depth: 3,\n)\n",
    );
    git(d, &["commit", "-qam", "main"]);
    let out = git(d, &["merge", "--no-edit", "a"]);
    assert!(!out.contains("CONFLICT"), "{out}");
    assert_eq!(
        std::fs::read_to_string(d.join("settings.ron")).unwrap(),
        "(\n    width: 10,\n    height: 2,\n    depth: 3,\n)\n"
    );
}
