//! Exchange formats through the command line: every export, deterministic
//! output, schema-valid REFI-QDA, and imports back into a project.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::path::Path;

use assert_cmd::Command;

fn gloss() -> Command {
    Command::cargo_bin("gloss").unwrap()
}

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/example.ron")
}

fn xmllint(file: &Path, schema: &str) {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/refi")
        .join(schema);
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(file)
        .output()
        .expect("xmllint is needed: apt-get install libxml2-utils (or run .ci/run)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_export_format_writes_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (fmt, out) in [
        ("qdpx", "a.qdpx"),
        ("qdc", "a.qdc"),
        ("brat", "brat-a"),
        ("md", "a.md"),
        ("html", "a.html"),
    ] {
        gloss()
            .arg("export")
            .arg(example())
            .args(["--format", fmt, "-o"])
            .arg(d.join(out))
            .assert()
            .code(0);
        let again = out.replace('a', "b");
        gloss()
            .arg("export")
            .arg(example())
            .args(["--format", fmt, "-o"])
            .arg(d.join(&again))
            .assert()
            .code(0);
        if fmt == "brat" {
            for e in std::fs::read_dir(d.join(out)).unwrap() {
                let e = e.unwrap();
                let other = d.join(&again).join(e.file_name());
                assert_eq!(
                    std::fs::read(e.path()).unwrap(),
                    std::fs::read(other).unwrap(),
                    "{:?}",
                    e.file_name()
                );
            }
        } else {
            assert_eq!(
                std::fs::read(d.join(out)).unwrap(),
                std::fs::read(d.join(&again)).unwrap(),
                "{fmt} differs between runs"
            );
        }
    }
    xmllint(&d.join("a.qdc"), "Codebook.xsd");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(d.join("a.qdpx")).unwrap()).unwrap();
    let mut qde = Vec::new();
    std::io::copy(&mut zip.by_name("project.qde").unwrap(), &mut qde).unwrap();
    std::fs::write(d.join("project.qde"), qde).unwrap();
    xmllint(&d.join("project.qde"), "Project.xsd");
    let html = std::fs::read_to_string(d.join("a.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );
    let md = std::fs::read_to_string(d.join("a.md")).unwrap();
    assert!(md.contains("Sample review"), "the memo is in the report");
    // File formats need a destination.
    gloss()
        .arg("export")
        .arg(example())
        .args(["--format", "qdpx"])
        .assert()
        .code(2);
}

#[test]
fn qdpx_and_brat_import_into_a_new_project() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    gloss()
        .arg("export")
        .arg(example())
        .args(["--format", "qdpx", "-o"])
        .arg(d.join("e.qdpx"))
        .assert()
        .code(0);
    gloss()
        .arg("export")
        .arg(example())
        .args(["--format", "brat", "-o"])
        .arg(d.join("brat"))
        .assert()
        .code(0);
    let p = d.join("from-qdpx.ron");
    gloss()
        .arg("import")
        .arg(&p)
        .arg(d.join("e.qdpx"))
        .assert()
        .code(0);
    // Figures without ids (an import hands out new ones).
    let stats = |p: &Path| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_slice(
            &gloss()
                .arg("stats")
                .arg(p)
                .arg("--json")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap();
        for t in v["per_tag"].as_array_mut().unwrap() {
            t.as_object_mut().unwrap().remove("id");
        }
        v
    };
    let original = stats(&example());
    let from_qdpx = stats(&p);
    assert_eq!(from_qdpx["annotations"], original["annotations"]);
    assert_eq!(from_qdpx["per_tag"], original["per_tag"]);
    assert_eq!(from_qdpx["cooccurrence"], original["cooccurrence"]);
    // brat keeps tags and spans (the example has no passage across lines,
    // which brat would split into fragments).
    let q = d.join("from-brat.ron");
    gloss()
        .arg("import")
        .arg(&q)
        .arg(d.join("brat"))
        .assert()
        .code(0);
    let from_brat = stats(&q);
    assert_eq!(from_brat["articles"], original["articles"]);
    assert_eq!(from_brat["annotations"], original["annotations"]);
    assert_eq!(from_brat["per_tag"], original["per_tag"]);
    // A codebook alone.
    gloss()
        .arg("export")
        .arg(example())
        .args(["--format", "qdc", "-o"])
        .arg(d.join("c.qdc"))
        .assert()
        .code(0);
    let r = d.join("codebook-only.ron");
    gloss()
        .arg("import")
        .arg(&r)
        .arg(d.join("c.qdc"))
        .assert()
        .code(0);
    assert_eq!(stats(&r)["tags"], original["tags"]);
}
