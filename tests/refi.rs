//! REFI-QDA exchange: schema validation of every XML output, round trips
//! (including random projects), hand-written fixtures with CRLF sources and
//! codes nested three deep, and deterministic output.
//!
//! Validation uses `xmllint` (Debian package `libxml2-utils`, installed by
//! `.ci/run`).

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use gloss::exchange::format::{Context, Format};
use gloss::exchange::refi::{ImportOptions, import_qdc, import_qdpx, qdpx_bytes};
use gloss::io::protect::Protected;
use gloss::model::TagSet;

fn write_qdpx(
    p: &Project,
    name: &str,
    out: &Path,
) -> Result<usize, gloss::exchange::format::ExportError> {
    Format::Qdpx.write(p, &context(name), out, &Protected::default())
}

fn write_qdc(p: &Project, out: &Path) -> Result<usize, gloss::exchange::format::ExportError> {
    Format::Qdc.write(p, &context("codebook"), out, &Protected::default())
}

/// An export by analyst "Ana" of a project without a file.
fn context(name: &str) -> Context {
    Context {
        name: name.to_owned(),
        project_path: None,
        texts_in_folder: false,
        analyst: "Ana".to_owned(),
    }
}
use gloss::model::{Action, Project, Span, TagProps, Timestamp, ops};
use proptest::prelude::*;

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refi")
}

/// Validates an XML file against a REFI schema with xmllint.
fn validate(xml: &Path, schema: &str) {
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schemas().join(schema))
        .arg(xml)
        .output()
        .expect(
            "xmllint is needed for these tests: apt-get install libxml2-utils (or run .ci/run)",
        );
    assert!(
        out.status.success(),
        "{} does not validate against {schema}:\n{}",
        xml.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn example() -> Project {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    gloss::io::load(&root.join("saves/example.ron"))
        .unwrap()
        .project
}

fn unzip_qde(qdpx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(qdpx)).unwrap();
    let mut s = String::new();
    zip.by_name("project.qde")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// Tags as sorted full paths, per annotation, with span and note, by article title.
fn shape(p: &Project) -> BTreeSet<(String, usize, usize, Vec<String>, String)> {
    p.annotations()
        .map(|a| {
            let mut tags: Vec<String> = a.tags.iter().map(|t| p.codebook().path(*t)).collect();
            tags.sort();
            (
                p.article(a.article).unwrap().title.clone(),
                a.span.start(),
                a.span.end(),
                tags,
                a.note.clone(),
            )
        })
        .collect()
}

fn codebook_shape(p: &Project) -> BTreeSet<(String, String, String)> {
    p.codebook()
        .iter()
        .map(|t| {
            (
                p.codebook().path(t.id),
                t.props.colour.to_string(),
                t.props.description.clone(),
            )
        })
        .collect()
}

#[test]
fn example_project_exports_valid_qdpx_and_qdc() {
    let dir = tempfile::tempdir().unwrap();
    let p = example();
    let qdpx = dir.path().join("example.qdpx");
    write_qdpx(&p, "example", &qdpx).unwrap();
    let qde = dir.path().join("project.qde");
    std::fs::write(&qde, unzip_qde(&std::fs::read(&qdpx).unwrap())).unwrap();
    validate(&qde, "Project.xsd");
    let qdc = dir.path().join("example.qdc");
    write_qdc(&p, &qdc).unwrap();
    validate(&qdc, "Codebook.xsd");
    // Deterministic: the same project gives the same bytes.
    assert_eq!(
        qdpx_bytes(&p, "example", "Ana").unwrap(),
        std::fs::read(&qdpx).unwrap()
    );
}

#[test]
fn example_round_trips_through_qdpx() {
    let dir = tempfile::tempdir().unwrap();
    let p = example();
    let qdpx = dir.path().join("example.qdpx");
    write_qdpx(&p, "example", &qdpx).unwrap();
    let mut q = Project::new();
    let (action, report) = import_qdpx(&q, &qdpx, &ImportOptions::default()).unwrap();
    q.apply(action).unwrap();
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert_eq!(shape(&q), shape(&p));
    assert_eq!(codebook_shape(&q), codebook_shape(&p));
    assert_eq!(q.memo(), p.memo());
    for a in p.articles() {
        let b = q.articles().find(|b| b.hash == a.hash).unwrap();
        assert_eq!(
            (
                &b.title,
                &b.note,
                b.status,
                b.meta.date,
                b.meta.posted,
                &b.meta.credit
            ),
            (
                &a.title,
                &a.note,
                a.status,
                a.meta.date,
                a.meta.posted,
                &a.meta.credit
            )
        );
    }
    // Importing the same file again matches the articles and adds nothing new
    // but the passages (which it has no way to know are the same).
    let (again, report) = import_qdpx(&q, &qdpx, &ImportOptions::default()).unwrap();
    assert_eq!(report.articles_added, 0);
    assert_eq!(report.tags_added, 0);
    q.apply(again).unwrap();
}

#[test]
fn codebook_round_trips_through_qdc() {
    let dir = tempfile::tempdir().unwrap();
    let p = example();
    let qdc = dir.path().join("c.qdc");
    write_qdc(&p, &qdc).unwrap();
    let mut q = Project::new();
    let (action, report) = import_qdc(&q, &qdc).unwrap();
    q.apply(action).unwrap();
    assert_eq!(report.tags_added, p.codebook().len());
    assert_eq!(codebook_shape(&q), codebook_shape(&p));
    assert!(
        write_qdc(&Project::new(), &dir.path().join("empty.qdc")).is_err(),
        "an empty codebook is refused"
    );
}

/// A hand-written project file, to the spec: CRLF text, a BOM, codes nested
/// three deep, a whole-source coding, notes, and things Gloss cannot keep.
/// A hand-written project file (tests/fixtures/refi/hand/), to the spec:
/// CRLF text with a BOM, codes nested three deep, a whole-source coding,
/// notes, and things Gloss cannot keep. Never regenerated by code.
fn hand_qde() -> String {
    std::fs::read_to_string(schemas().join("hand/project.qde")).unwrap()
}

/// The source text: BOM, CRLF line breaks. Positions in the fixture count
/// code points of this text without the BOM, each CRLF as two.
fn port() -> String {
    String::from_utf8(std::fs::read(schemas().join("hand/sources/port.txt")).unwrap()).unwrap()
}

fn hand_qdpx(dir: &Path) -> PathBuf {
    let path = dir.join("hand.qdpx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("project.qde", opts).unwrap();
    zip.write_all(hand_qde().as_bytes()).unwrap();
    zip.start_file("sources/port.txt", opts).unwrap();
    zip.write_all(port().as_bytes()).unwrap();
    zip.finish().unwrap();
    path
}

#[test]
fn hand_written_fixture_validates_and_imports_exactly() {
    let dir = tempfile::tempdir().unwrap();
    validate(&schemas().join("hand/project.qde"), "Project.xsd");
    // The positions in the fixture are right for the raw text.
    let port = port();
    assert!(
        port.starts_with('\u{feff}') && port.contains("\r\n"),
        "the fixture keeps its BOM and CRLF"
    );
    let raw: Vec<char> = port.trim_start_matches('\u{feff}').chars().collect();
    assert_eq!(raw[23..33].iter().collect::<String>(), "ransomware");
    assert_eq!(raw[51..57].iter().collect::<String>(), "Gdańsk");

    let mut p = Project::new();
    let (action, report) =
        import_qdpx(&p, &hand_qdpx(dir.path()), &ImportOptions::default()).unwrap();
    p.apply(action).unwrap();
    assert_eq!(report.articles_added, 2);
    assert_eq!(report.tags_added, 4);
    assert!(
        p.codebook().find_path("Threat/Cyber/Ransomware").is_some(),
        "three deep"
    );
    let threat = p
        .codebook()
        .get(p.codebook().find_path("Threat").unwrap())
        .unwrap();
    assert_eq!(
        threat.props.colour.to_string(),
        "#ff0000",
        "#rgb colours expand"
    );
    assert_eq!(threat.props.description, "Any threat.");
    assert_eq!(p.memo(), "Project memo here.");
    let passages: BTreeSet<(String, String)> = p
        .annotations()
        .map(|a| {
            (
                p.passage(a).to_owned(),
                p.codebook().path(*a.tags.iter().next().unwrap()),
            )
        })
        .collect();
    assert!(
        passages.contains(&(
            "ransomware".to_owned(),
            "Threat/Cyber/Ransomware".to_owned()
        )),
        "{passages:?}"
    );
    assert!(
        passages.contains(&("Gdańsk".to_owned(), "Place".to_owned())),
        "{passages:?}"
    );
    assert!(
        passages.contains(&("Short text about Kraków.".to_owned(), "Place".to_owned())),
        "whole-source coding"
    );
    let noted = p
        .annotations()
        .find(|a| p.passage(a) == "ransomware")
        .unwrap();
    assert_eq!(noted.note, "Check & confirm.");
    assert_eq!(noted.author.as_deref(), Some("Ana"));
    assert_eq!(noted.created, Timestamp::from_unix(1_642_154_400));
    let skipped = report.skipped.join("\n");
    assert!(skipped.contains("case"), "{skipped}");
    assert!(skipped.contains("PictureSource"), "{skipped}");
    assert!(
        skipped.contains("uncoded") && skipped.contains("no code"),
        "{skipped}"
    );
}

#[test]
fn malformed_archives_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.qdpx");
    std::fs::write(&bad, b"not a zip").unwrap();
    let e = import_qdpx(&Project::new(), &bad, &ImportOptions::default()).unwrap_err();
    assert!(e.to_string().contains("qdpx"), "{e}");
    let qdc = dir.path().join("bad.qdc");
    std::fs::write(&qdc, "<CodeBook><Codes>").unwrap();
    assert!(import_qdc(&Project::new(), &qdc).is_err());
}

/// Passages by (article title, start, end): their tags and notes.
type Merged = std::collections::BTreeMap<(String, usize, usize), (BTreeSet<String>, Vec<String>)>;

fn text_strategy() -> impl Strategy<Value = String> {
    "([a-zA-Z ]|é|ж|😀|\n|\n\n|«|»|<|&|\"){5,160}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_projects_round_trip(
        texts in proptest::collection::vec(text_strategy(), 1..4),
        marks in proptest::collection::vec((any::<usize>(), any::<usize>(), 1usize..30, 0usize..3, "\\PC{0,10}"), 0..12),
        memo in "\\PC{0,40}",
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::new();
        let mut ids = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let id = p.ids().article();
            let a = gloss::model::Article {
                id,
                source: PathBuf::from(format!("/src/{i}.txt")),
                text: gloss::model::Text::new(text.as_str()),
                hash: gloss::model::ContentHash::of(text),
                meta: gloss::model::Metadata::default(),
                title: format!("Ärticle <{i}> & co"),
                status: gloss::model::ReviewStatus::Unread,
                note: String::new(),
                note_by: None,
                added: None,
            };
            if p.article_by_hash(&a.hash).is_some() { continue; }
            ids.push(id);
            p.apply(ops::add_articles(vec![a])).unwrap();
        }
        let mut tags = Vec::new();
        for name in ["Alpha", "Alpha/Beta <b>", "Γάμμα & co"] {
            let (id, actions) = ops::ensure_tag_path(&p, name).unwrap();
            for a in actions { p.apply(a).unwrap(); }
            tags.push(id);
        }
        let t = tags[1];
        let props = TagProps { description: "d & <e>".into(), ..p.codebook().get(t).unwrap().props.clone() };
        p.apply(Action::SetTagProps { tag: t, props }).unwrap();
        for (a, s, l, k, note) in marks {
            let art = ids[a % ids.len()];
            let len = p.article(art).unwrap().text.char_len();
            let start = s % len;
            let Ok(span) = Span::new(start, (start + l).min(len)) else { continue };
            if span.is_empty() { continue; }
            let action = ops::add_annotation(&p, art, span, TagSet::from([tags[k]]), note, &Timestamp::from_unix(1_700_000_000).into()).unwrap();
            p.apply(action).unwrap();
        }
        p.apply(Action::SetMemo(memo)).unwrap();
        let path = dir.path().join("r.qdpx");
        write_qdpx(&p, "random", &path).unwrap();
        let mut q = Project::new();
        let (action, _) = import_qdpx(&q, &path, &ImportOptions::default()).unwrap();
        q.apply(action).unwrap();
        // Identical spans merge on import; compare as sets of (span, tags, note).
        let merged = |p: &Project| {
            let mut m: Merged = std::collections::BTreeMap::new();
            for a in p.annotations() {
                let e = m.entry((p.article(a.article).unwrap().title.clone(), a.span.start(), a.span.end())).or_default();
                e.0.extend(a.tags.iter().map(|t| p.codebook().path(*t)));
                if !a.note.is_empty() { e.1.push(a.note.replace("\r\n", "\n").replace('\r', "\n")); }
            }
            m.into_iter().map(|(k, (t, mut n))| { n.sort(); (k, t, n.join("\n\n")) }).collect::<Vec<_>>()
        };
        let expected_memo = gloss::model::text::normalise(p.memo());
        prop_assert_eq!(q.memo(), expected_memo.as_str());
        prop_assert_eq!(codebook_shape(&q), codebook_shape(&p));
        let (mq, mp) = (merged(&q), merged(&p));
        prop_assert_eq!(mq.len(), mp.len());
        for (a, b) in mq.iter().zip(&mp) {
            prop_assert_eq!(&a.0, &b.0);
            prop_assert_eq!(&a.1, &b.1);
        }
    }
}
