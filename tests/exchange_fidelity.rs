//! Exchange fidelity: what the peers' own readers require of Gloss's files,
//! and what Gloss keeps of theirs. Each test is a regression for something a
//! peer (`QualCoder`, `ATLAS.ti`, `NVivo`, brat, the W3C test suite) did with an
//! earlier export, checked on files the tests make.
//!
//! Every XML Gloss writes is parsed with a strict XML parser (`roxmltree`),
//! not only by Gloss's own reader, and validated against the REFI-QDA
//! schemas with `xmllint`.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use common::{run, run_ok, write, zip_file};
use gloss::exchange::format::{Context, Format};
use gloss::io::protect::Protected;
use gloss::model::TagSet;
use gloss::model::{
    Action, Article, ArticleId, ContentHash, Metadata, Project, ReviewStatus, Span, Stamp, Text,
    Timestamp, ops,
};

// ------------------------------------------------------------ building

/// A project built through the model's own operations.
struct Build {
    p: Project,
    ids: Vec<ArticleId>,
}

impl Build {
    fn new(texts: &[&str]) -> Self {
        let mut p = Project::new();
        let mut ids = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            let id = p.ids().article();
            let a = Article {
                id,
                source: PathBuf::from(format!("/corpus/{i}.txt")),
                text: Text::new(*t),
                hash: ContentHash::of(t),
                meta: Metadata::default(),
                title: format!("Article {i}"),
                status: ReviewStatus::Unread,
                note: String::new(),
                note_by: None,
                added: Some(Timestamp::from_unix(1_700_000_000)),
            };
            p.apply(ops::add_articles(vec![a])).unwrap();
            ids.push(id);
        }
        Self { p, ids }
    }

    /// Tags chars `s..e` of article `i` with `paths`, by `who`, with `note`.
    fn tag(&mut self, i: usize, (s, e): (usize, usize), paths: &[&str], note: &str, who: &str) {
        let mut tags = TagSet::new();
        for path in paths {
            let (t, actions) = ops::ensure_tag_path(&self.p, path).unwrap();
            for a in actions {
                self.p.apply(a).unwrap();
            }
            tags.insert(t);
        }
        let stamp = Stamp {
            at: Timestamp::from_unix(1_700_000_100),
            by: Some(who.into()),
        };
        let a = ops::add_annotation(
            &self.p,
            self.ids[i],
            Span::new(s, e).unwrap(),
            tags,
            note.to_owned(),
            &stamp,
        )
        .unwrap();
        self.p.apply(a).unwrap();
    }

    fn article_note(&mut self, i: usize, note: &str) {
        self.p
            .apply(Action::SetArticleNote {
                by: None,
                article: self.ids[i],
                note: note.to_owned(),
            })
            .unwrap();
    }
}

fn context(analyst: &str) -> Context {
    Context {
        name: "fidelity".to_owned(),
        project_path: None,
        texts_in_folder: false,
        analyst: analyst.to_owned(),
    }
}

fn export(p: &Project, format: Format, ctx: &Context, out: &Path) {
    format.write(p, ctx, out, &Protected::default()).unwrap();
}

fn member(zip: &Path, name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut out = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

fn member_names(zip: &Path) -> Vec<String> {
    let z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    z.file_names().map(|n| n.unwrap().into_owned()).collect()
}

/// Parses XML strictly; panics with the parser's message.
fn strict(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"))
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

fn import_qdpx(p: &Project, path: &Path) -> (Project, gloss::exchange::refi::RefiReport) {
    let mut q = p.clone();
    let (action, report) = gloss::exchange::refi::import_qdpx(
        &q,
        path,
        &gloss::exchange::refi::ImportOptions::default(),
    )
    .unwrap();
    q.apply(action).unwrap();
    assert!(q.validate().is_empty(), "{:?}", q.validate());
    (q, report)
}

/// Passages as (article title, start, end, sorted tag paths, note, author).
type Shape = BTreeSet<(String, usize, usize, Vec<String>, String, Option<String>)>;

fn shape(p: &Project) -> Shape {
    p.annotations()
        .map(|a| {
            (
                p.article(a.article).unwrap().title.clone(),
                a.span.start(),
                a.span.end(),
                gloss::exchange::tag_paths(p, a),
                a.note.clone(),
                a.author.as_deref().map(str::to_owned),
            )
        })
        .collect()
}

const RFC3339_Z: &str = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$";

// ------------------------------------------------------------ REFI-QDA

/// Issue 10, items 1 and 2: `QualCoder` aborts on a `Note` without dates and
/// reads memos only from `Description`s; the analyst is the first user.
#[test]
fn qdpx_has_users_dates_and_descriptions_where_qualcoder_reads_them() {
    let mut b = Build::new(&["Officials said the port was hit.", "Second text here."]);
    b.tag(0, (19, 23), &["Place"], "Named in\nthe wire copy.", "Bea");
    b.tag(1, (0, 6), &["Threat/Cyber"], "", "Ana Analyst");
    b.article_note(0, "Check the date.");
    b.p.apply(Action::SetMemo("Project memo.\nTwo lines.".into()))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("out.qdpx");
    export(&b.p, Format::Qdpx, &context("Ana Analyst"), &qdpx);
    let qde_bytes = member(&qdpx, "project.qde");
    let qde = String::from_utf8(qde_bytes.clone()).unwrap();
    std::fs::write(dir.path().join("project.qde"), &qde_bytes).unwrap();
    xmllint(&dir.path().join("project.qde"), "Project.xsd");
    let doc = strict(&qde);
    let ns = "urn:QDA-XML:project:1.0";
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some(ns));
    assert!(root.attribute("origin").unwrap().starts_with("Gloss "));
    let users: Vec<(&str, &str)> = root
        .descendants()
        .filter(|n| n.has_tag_name((ns, "User")))
        .map(|n| (n.attribute("guid").unwrap(), n.attribute("name").unwrap()))
        .collect();
    assert_eq!(
        users[0].1, "Ana Analyst",
        "the analyst comes first: {users:?}"
    );
    assert!(users.iter().any(|(_, n)| *n == "Bea"), "{users:?}");
    let date = regex::Regex::new(RFC3339_Z).unwrap();
    for el in root.descendants().filter(|n| {
        ["TextSource", "PlainTextSelection", "Note"]
            .iter()
            .any(|t| n.has_tag_name((ns, *t)))
    }) {
        let what = format!("{:?}", el.tag_name());
        let user = el
            .attribute("creatingUser")
            .unwrap_or_else(|| panic!("{what} has no creatingUser"));
        assert!(users.iter().any(|(g, _)| *g == user), "{what}: {user}");
        for attr in ["creationDateTime", "modifiedDateTime"] {
            let v = el
                .attribute(attr)
                .unwrap_or_else(|| panic!("{what} has no {attr}"));
            assert!(date.is_match(v), "{what} {attr}={v}");
        }
    }
    let description = |parent: roxmltree::Node<'_, '_>| -> Option<String> {
        parent
            .children()
            .find(|c| c.has_tag_name((ns, "Description")))
            .map(|d| d.text().unwrap_or_default().to_owned())
    };
    assert_eq!(
        description(root).as_deref(),
        Some("Project memo.\nTwo lines.")
    );
    let sources: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name((ns, "TextSource")))
        .collect();
    assert_eq!(description(sources[0]).as_deref(), Some("Check the date."));
    let noted = root
        .descendants()
        .find(|n| {
            n.has_tag_name((ns, "PlainTextSelection")) && n.attribute("startPosition") == Some("19")
        })
        .unwrap();
    assert_eq!(
        description(noted).as_deref(),
        Some("Named in\nthe wire copy.")
    );
    let bea = users.iter().find(|(_, n)| *n == "Bea").unwrap().0;
    assert_eq!(noted.attribute("creatingUser"), Some(bea));
    // Every plain-text source is the text itself, UTF-8, no BOM, LF.
    for s in &sources {
        let path = s.attribute("plainTextPath").unwrap();
        let name = format!("sources/{}", path.strip_prefix("internal://").unwrap());
        let bytes = member(&qdpx, &name);
        assert!(!bytes.starts_with(b"\xEF\xBB\xBF"));
    }

    // Back into Gloss: each note exactly once, where it was.
    let (q, _) = import_qdpx(&Project::new(), &qdpx);
    assert_eq!(q.memo(), "Project memo.\nTwo lines.");
    let article_notes: Vec<&str> = q.articles().map(|a| a.note.as_str()).collect();
    assert!(
        article_notes.contains(&"Check the date."),
        "{article_notes:?}"
    );
    assert_eq!(shape(&q), shape(&b.p));
    // Importing the same file again adds nothing.
    let (r, report) = import_qdpx(&q, &qdpx);
    assert_eq!(report.annotations, 0);
    assert_eq!(report.already_present, 2);
    assert_eq!(r.memo(), q.memo());
    assert_eq!(shape(&r), shape(&q));
    let notes_again: Vec<&str> = r.articles().map(|a| a.note.as_str()).collect();
    assert_eq!(notes_again, article_notes);
}

/// `QualCoder` loses the passages of a second code with the same name; the
/// export says so (and still writes the file, which is valid REFI-QDA).
#[test]
fn shared_code_names_are_noted_on_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("a.txt"), "Cyber threats and cyber economy.\n");
    run_ok(dir, &["import", "p.ron", "a.txt"], 0);
    run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "threats",
            "--tag",
            "Threat/Cyber",
        ],
        0,
    );
    run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "economy",
            "--tag",
            "Economy/Cyber",
        ],
        0,
    );
    let out = run_ok(
        dir,
        &["export", "p.ron", "--format", "qdpx", "-o", "x.qdpx"],
        0,
    );
    assert!(
        out.stderr.contains("QualCoder keeps one code per name")
            && out.stderr.contains("(Economy/Cyber, Threat/Cyber)"),
        "{out:?}"
    );
    assert!(dir.join("x.qdpx").is_file());
    let csv = run_ok(dir, &["export", "p.ron", "--format", "csv"], 0);
    assert!(csv.stderr.is_empty(), "{csv:?}");
}

/// A QualCoder-style project: descriptions, a journal, an annotation note
/// (a `Note` with its own selection), a comment on an uncoded selection, a
/// note on a code, and a set Gloss cannot keep. `Sources/` spelled as
/// `NVivo` spells it.
fn foreign_qde() -> String {
    r##"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="foreign" origin="QualCoder 3.6">
  <Users><User guid="aaaaaaaa-0000-4000-8000-000000000001" name="colleague"/></Users>
  <CodeBook><Codes>
    <Code guid="c0000000-0000-4000-8000-000000000001" name="Place" isCodable="true" color="#00AA00">
      <Description>Where it happened.</Description>
      <NoteRef targetGUID="e0000000-0000-4000-8000-000000000004"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="d0000000-0000-4000-8000-000000000001" name="port" plainTextPath="internal://port.txt" creationDateTime="2024-01-01T10:00:00Z">
      <Description>Source memo.</Description>
      <PlainTextSelection guid="b0000000-0000-4000-8000-000000000001" startPosition="19" endPosition="23" creatingUser="aaaaaaaa-0000-4000-8000-000000000001" creationDateTime="2024-01-02T10:00:00Z">
        <Description>Coding memo.</Description>
        <Coding guid="f0000000-0000-4000-8000-000000000001"><CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding>
        <NoteRef targetGUID="e0000000-0000-4000-8000-000000000005"/>
      </PlainTextSelection>
      <PlainTextSelection guid="b0000000-0000-4000-8000-000000000002" startPosition="0" endPosition="9">
        <Description>A comment on Officials.</Description>
      </PlainTextSelection>
      <NoteRef targetGUID="e0000000-0000-4000-8000-000000000001"/>
      <NoteRef targetGUID="e0000000-0000-4000-8000-000000000002"/>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="e0000000-0000-4000-8000-000000000001" creationDateTime="2024-01-03T10:00:00Z">
      <PlainTextContent>Annotation on "port".</PlainTextContent>
      <PlainTextSelection guid="b0000000-0000-4000-8000-000000000003" startPosition="19" endPosition="23"/>
    </Note>
    <Note guid="e0000000-0000-4000-8000-000000000002" creationDateTime="2024-01-03T10:00:00Z">
      <PlainTextContent>Annotation on "was hit".</PlainTextContent>
      <PlainTextSelection guid="b0000000-0000-4000-8000-000000000004" startPosition="24" endPosition="31"/>
    </Note>
    <Note guid="e0000000-0000-4000-8000-000000000003" name="Field diary" plainTextPath="internal://diary.txt" creationDateTime="2024-01-03T10:00:00Z"/>
    <Note guid="e0000000-0000-4000-8000-000000000004" creationDateTime="2024-01-03T10:00:00Z">
      <PlainTextContent>Code note.</PlainTextContent>
    </Note>
    <Note guid="e0000000-0000-4000-8000-000000000005" creationDateTime="2024-01-03T10:00:00Z">
      <PlainTextContent>Coding memo.</PlainTextContent>
    </Note>
  </Notes>
  <Sets><Set guid="90000000-0000-4000-8000-000000000001" name="Wire copy"/></Sets>
  <Description>Project memo.</Description>
</Project>
"##
    .to_owned()
}

const PORT: &str = "Officials said the port was hit.";

/// Issue 10, items 3, 9 and 10.
#[test]
fn foreign_notes_land_where_users_look_and_the_rest_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let qdpx = dir.join("foreign.qdpx");
    zip_file(
        &qdpx,
        &[
            ("project.qde", foreign_qde().as_bytes()),
            ("Sources/port.txt", PORT.as_bytes()),
            (
                "Sources/diary.txt",
                "\u{feff}Day one.\r\nDay two.".as_bytes(),
            ),
        ],
    );
    let out = run(dir, &["import", "p.ron", "foreign.qdpx"]);
    assert_eq!(out.code, 1, "a set cannot be kept: exit 1\n{out:?}");
    assert!(out.stderr.contains("set"), "{out:?}");
    assert!(
        out.stderr.contains("no coded passage there"),
        "the annotation moved into the article note is said: {out:?}"
    );
    let p = gloss::io::load(&dir.join("p.ron")).unwrap().project;
    assert_eq!(
        p.memo(),
        "Project memo.\n\n## Field diary\n\nDay one.\nDay two."
    );
    let art = p.articles().next().unwrap();
    assert_eq!(
        art.note,
        "Source memo.\n\n\
         [chars 24–31 “was hit”] Annotation on \"was hit\".\n\n\
         [chars 0–9 “Officials”] A comment on Officials."
    );
    let a = p.annotations().next().unwrap();
    assert_eq!(p.annotations().len(), 1);
    assert_eq!(p.passage(a), "port");
    // The description and the identical NoteRef'd note: once; the
    // annotation on exactly this span joins the passage's note.
    assert_eq!(a.note, "Coding memo.\n\nAnnotation on \"port\".");
    assert_eq!(a.author.as_deref(), Some("colleague"));
    let place = p
        .codebook()
        .get(p.codebook().find_path("Place").unwrap())
        .unwrap();
    assert_eq!(place.props.description, "Where it happened.\n\nCode note.");

    // The article's source is the archive member, which `check` does not
    // take for a file of its own.
    assert!(
        art.source
            .to_string_lossy()
            .ends_with("foreign.qdpx#Sources/port.txt"),
        "{}",
        art.source.display()
    );
    let check = run_ok(dir, &["check", "p.ron"], 0);
    assert!(
        check
            .stdout
            .contains("1 without a source file of their own"),
        "{check:?}"
    );
    assert!(!check.stderr.contains("file type"), "{check:?}");
}

/// Issue 10, item 11: ATLAS.ti counts a CRLF line break as one character.
#[test]
fn atlas_positions_count_a_line_break_as_one() {
    let text = "First line\r\nSecond line with port\r\nThird";
    // In the normalised text, "port" is at 28..32 ("First line\n" is 11).
    let normalised = text.replace("\r\n", "\n");
    assert_eq!(
        &normalised.chars().skip(28).take(4).collect::<String>(),
        "port"
    );
    let qde_for = |origin: &str, (s, e): (usize, usize)| {
        common::qde("#112233", "internal://a.txt", (s, e))
            .replace("origin=\"test\"", &format!("origin=\"{origin}\""))
    };
    let dir = tempfile::tempdir().unwrap();
    for (origin, pos) in [("ATLAS.ti 23.2.1", (28, 32)), ("MAXQDA 2022", (29, 33))] {
        let qdpx = dir.path().join("x.qdpx");
        zip_file(
            &qdpx,
            &[
                ("project.qde", qde_for(origin, pos).as_bytes()),
                ("sources/a.txt", text.as_bytes()),
            ],
        );
        let (q, report) = import_qdpx(&Project::new(), &qdpx);
        assert!(report.skipped.is_empty(), "{origin}: {:?}", report.skipped);
        let a = q.annotations().next().unwrap();
        assert_eq!(q.passage(a), "port", "{origin}");
        assert_eq!((a.span.start(), a.span.end()), (28, 32), "{origin}");
    }
}

/// Issue 10, item 4: characters XML 1.0 cannot carry, in texts, notes and
/// titles, never make the XML malformed; the sources keep the text
/// byte-exact, so the round trip keeps it too.
#[test]
fn control_characters_never_make_malformed_xml() {
    let text = "Page\u{c}break\u{b}tab\u{1}nul\u{0}end \u{fffe}\u{ffff} <&> \"q\" \u{85}";
    let mut b = Build::new(&[text]);
    b.tag(
        0,
        (0, 12),
        &["A<b>&c;d|e.f"],
        "note\u{c}with\u{1b}controls\r\n",
        "Ana",
    );
    b.article_note(0, "\u{0}article note");
    b.p.apply(Action::SetArticleTitle {
        article: b.ids[0],
        title: "Title\u{7}bell".into(),
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("c.qdpx");
    export(&b.p, Format::Qdpx, &context("Ana"), &qdpx);
    let qde = String::from_utf8(member(&qdpx, "project.qde")).unwrap();
    strict(&qde);
    std::fs::write(dir.path().join("project.qde"), &qde).unwrap();
    xmllint(&dir.path().join("project.qde"), "Project.xsd");
    let source = member_names(&qdpx)
        .into_iter()
        .find(|n| n.starts_with("sources/"))
        .unwrap_or_else(|| panic!("no source in {:?}", member_names(&qdpx)));
    assert_eq!(
        member(&qdpx, &source),
        b.p.articles().next().unwrap().text.as_str().as_bytes()
    );
    let qdc = dir.path().join("c.qdc");
    export(&b.p, Format::Qdc, &context("Ana"), &qdc);
    strict(&std::fs::read_to_string(&qdc).unwrap());
    xmllint(&qdc, "Codebook.xsd");

    let (q, _) = import_qdpx(&Project::new(), &qdpx);
    let back = q.articles().next().unwrap();
    assert_eq!(
        back.text.as_str(),
        b.p.articles().next().unwrap().text.as_str()
    );
    let a = q.annotations().next().unwrap();
    assert_eq!(q.passage(a), "Page\u{c}break\u{b}t");
    assert_eq!(gloss::exchange::tag_paths(&q, a), ["A<b>&c;d|e.f"]);
    // What XML cannot carry in a note became U+FFFD; the rest is kept.
    assert_eq!(a.note, "note\u{fffd}with\u{fffd}controls\r\n");
}

// ------------------------------------------------------------ brat

/// Issue 10, items 5 and 6, through the command line.
#[test]
fn brat_types_labels_and_an_exact_round_trip() {
    let mut b = Build::new(&["Line one\nLine two\n\nEnd"]);
    b.tag(0, (5, 9), &["Threat/Cyber attack"], "", "Ana");
    b.tag(0, (5, 18), &["Ωμέγα <b>"], "two\nlines ", "Ana");
    b.tag(0, (0, 9), &["x|y", "!bang"], "", "Ana");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    gloss::io::save(&b.p, &dir.join("p.ron"), gloss::io::TextStorage::Folder).unwrap();
    run_ok(
        dir,
        &["export", "p.ron", "--format", "brat", "-o", "out"],
        0,
    );
    let conf = std::fs::read_to_string(dir.join("out/annotation.conf")).unwrap();
    let visual = std::fs::read_to_string(dir.join("out/visual.conf")).unwrap();
    check_brat_configs(&conf, &visual);
    assert!(
        visual.contains("| ‹b›") || visual.contains("‹b›"),
        "{visual}"
    );
    assert!(visual.contains("ǃbang"), "{visual}");
    run_ok(dir, &["import", "q.ron", "out"], 0);
    let q = gloss::io::load(&dir.join("q.ron")).unwrap().project;
    let strip = |s: Shape| -> BTreeSet<_> {
        s.into_iter()
            .map(|(t, s, e, tags, n, _)| (t.replace("Article 0", "Line one"), s, e, tags, n))
            .collect()
    };
    let mine: BTreeSet<_> = shape(&b.p)
        .into_iter()
        .map(|(_, s, e, tags, n, _)| (s, e, tags, n))
        .collect();
    let theirs: BTreeSet<_> = strip(shape(&q))
        .into_iter()
        .map(|(_, s, e, tags, n)| (s, e, tags, n))
        .collect();
    assert_eq!(theirs, mine);
}

/// brat's rules for its configuration files (`projectconfig.py`): types in
/// storage form, labels without macros (`<…>`), `|` only between terms, no
/// TAB before the labels end.
fn check_brat_configs(conf: &str, visual: &str) {
    use gloss::exchange::brat::is_storage_form;
    const RESERVED: [&str; 16] = [
        "<ANY>",
        "<ENTITY>",
        "<RELATION>",
        "<EVENT>",
        "<NONE>",
        "<EMPTY>",
        "<REL-TYPE>",
        "<URL>",
        "<URLBASE>",
        "<UNICODE>",
        "<GLYPH-POS>",
        "<DEFAULT>",
        "<NORM>",
        "<OVERLAP>",
        "<OVL-TYPE>",
        "<INHERIT>",
    ];
    let macro_re = regex::Regex::new(r"<[^<>]*>").unwrap();
    for (file, text) in [("annotation.conf", conf), ("visual.conf", visual)] {
        let mut section = String::new();
        for line in text.split('\n') {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            for c in line.chars() {
                assert!(
                    !gloss::exchange::brat::grammar::is_line_break(c),
                    "{file}: a line break inside {line:?}"
                );
            }
            if t.starts_with('[') && t.ends_with(']') {
                t.clone_into(&mut section);
                continue;
            }
            for m in macro_re.find_iter(line) {
                assert!(
                    RESERVED.contains(&m.as_str()),
                    "{file} {section}: brat reads {:?} as a macro in {line:?}",
                    m.as_str()
                );
            }
            let first = line.trim_start().split(['\t', ' ']).next().unwrap();
            match (file, section.as_str()) {
                ("annotation.conf", "[entities]") | ("visual.conf", "[drawing]") => {
                    assert!(is_storage_form(first), "{file}: type {first:?}");
                    assert!(
                        !first.chars().all(|c| c == '-'),
                        "{file}: a separator {first:?}"
                    );
                    assert!(!first.ends_with("_DEFAULT"), "{file}: reserved {first:?}");
                }
                ("visual.conf", "[labels]") => {
                    let (terms, _) = line.split_once('\t').unwrap_or((line, ""));
                    let terms: Vec<&str> = terms.split('|').map(str::trim).collect();
                    assert!(is_storage_form(terms[0]), "{file}: type {:?}", terms[0]);
                    assert!(terms.len() >= 2, "{file}: no label in {line:?}");
                    for t in &terms {
                        assert!(!t.is_empty() && !t.starts_with('!'), "{file}: term {t:?}");
                    }
                }
                _ => {}
            }
        }
    }
}

/// `.ann` lines as brat's reader checks them (`annotation.py`).
fn check_ann(ann: &str, txt: &str) {
    use gloss::exchange::brat::is_storage_form;
    let chars: Vec<char> = txt.chars().collect();
    for line in ann.split('\n').filter(|l| !l.is_empty()) {
        for c in line.chars() {
            assert!(
                !gloss::exchange::brat::grammar::is_line_break(c),
                "a line break inside {line:?}"
            );
        }
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        if fields[0].starts_with('T') {
            let (ty, offsets) = fields[1].split_once(' ').unwrap();
            assert!(is_storage_form(ty), "type {ty:?}");
            let mut last_end = 0;
            let pieces: Vec<String> = offsets
                .split(';')
                .map(|f| {
                    let (s, e) = f.split_once(' ').unwrap();
                    let (s, e): (usize, usize) = (s.parse().unwrap(), e.parse().unwrap());
                    assert!(s <= e && e <= chars.len() && s >= last_end, "{line:?}");
                    last_end = e;
                    chars[s..e].iter().collect()
                })
                .collect();
            // A text with no visible character at all cannot be shown in
            // brat; anything else must match as brat checks it.
            if txt
                .chars()
                .any(|c| !c.is_whitespace() && !('\u{1c}'..='\u{1f}').contains(&c))
            {
                assert_eq!(fields[2], pieces.join(" "), "text field of {line:?}");
            }
        } else {
            assert!(fields[0].starts_with('#'), "{line:?}");
            assert_eq!(fields[1].split(' ').count(), 2, "{line:?}");
        }
    }
}

// ------------------------------------------------------------ W3C, CSV

/// Issue 10, item 7: sources are absolute IRIs that name the normalised
/// text, so `start`/`end` slice it exactly.
#[test]
fn w3c_sources_are_iris_naming_the_normalised_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("My projects/Zoë");
    let text = "Officials said the port (Gdańsk 😀) was hit.";
    write(&dir.join("articles/a b.txt"), format!("\u{feff}{text}\r\n"));
    run_ok(&dir, &["import", "p.ron", "articles"], 0);
    run_ok(
        &dir,
        &["tag", "p.ron", "--match", "Gdańsk 😀", "--tag", "Place"],
        0,
    );
    let out = run_ok(&dir, &["export", "p.ron", "--format", "w3c"], 0);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        v["gloss:positions"]
            .as_str()
            .unwrap()
            .contains("normalised")
    );
    let iri = regex::Regex::new(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$").unwrap();
    let date = regex::Regex::new(RFC3339_Z).unwrap();
    let items = v["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    for item in items {
        assert_eq!(item["@context"], "http://www.w3.org/ns/anno.jsonld");
        assert!(iri.is_match(item["id"].as_str().unwrap()));
        let source = item["target"]["source"]["id"].as_str().unwrap();
        assert!(iri.is_match(source), "{source}");
        let path = source.strip_prefix("file://").expect("a file IRI");
        let decoded = percent_decode(path);
        let stored = std::fs::read_to_string(&decoded).unwrap();
        let sel = item["target"]["selector"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type"] == "TextPositionSelector")
            .unwrap();
        let (s, e) = (
            sel["start"].as_u64().unwrap() as usize,
            sel["end"].as_u64().unwrap() as usize,
        );
        let slice: String = stored.chars().skip(s).take(e - s).collect();
        assert_eq!(slice, "Gdańsk 😀");
        let original = item["target"]["source"]["gloss:original"].as_str().unwrap();
        assert!(iri.is_match(original), "{original}");
        for key in ["created", "modified"] {
            assert!(date.is_match(item[key].as_str().unwrap()));
        }
    }
}

fn percent_decode(s: &str) -> PathBuf {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    PathBuf::from(String::from_utf8(out).unwrap())
}

/// Without a texts folder, the text travels inside the file, once.
#[test]
fn w3c_embeds_each_text_once_without_a_texts_folder() {
    let mut b = Build::new(&["One two three.", "Four five."]);
    b.tag(0, (0, 3), &["A"], "", "Ana");
    b.tag(0, (4, 7), &["A"], "", "Ana");
    b.tag(1, (0, 4), &["A"], "", "Ana");
    let v = gloss::exchange::w3c::to_w3c(&b.p, "x", None);
    let items = v["first"]["items"].as_array().unwrap();
    let embedded: Vec<&str> = items
        .iter()
        .filter_map(|i| i["target"]["source"]["value"].as_str())
        .collect();
    assert_eq!(embedded, ["One two three.", "Four five."]);
    for i in items {
        assert!(
            i["target"]["source"]["id"]
                .as_str()
                .unwrap()
                .starts_with("urn:gloss:text:")
        );
    }
}

/// Issue 10, item 8.
#[test]
fn csv_tags_with_semicolons_stay_one_tag() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("a.txt"), "Alpha beta.\n");
    run_ok(dir, &["import", "p.ron", "a.txt"], 0);
    run_ok(dir, &["tag", "p.ron", "--match", "beta", "--tag", "a;b"], 0);
    run_ok(
        dir,
        &["tag", "p.ron", "--match", "beta", "--tag", r"c\d"],
        0,
    );
    let out = run_ok(dir, &["export", "p.ron", "--format", "csv"], 0);
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "tags").unwrap();
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[col], r"a\;b;c\\d");
    assert_eq!(
        gloss::exchange::csv::split_tags_field(&row[col]),
        ["a;b", r"c\d"]
    );
}

// ------------------------------------------------------------ property

mod random {
    use proptest::prelude::*;

    use super::*;

    /// Any Unicode, weighted towards what breaks exchange files.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                4 => "[a-z ]{1,6}",
                1 => "[\u{0}-\u{1f}]",
                1 => "[\u{85}\u{2028}\u{2029}\u{fffe}\u{ffff}\u{feff}]",
                1 => "[<>&;|.\"'!\\\\]",
                1 => "[אבג ابت 中文 😀é]{1,3}",
                1 => "\\PC{1,3}",
                1 => "\n|\r\n|\n\n",
            ],
            1..30,
        )
        .prop_map(|v| v.concat())
        .prop_filter("not empty once normalised", |s| {
            !gloss::model::text::normalise(s).is_empty()
        })
    }

    fn tag_name() -> impl Strategy<Value = String> {
        "[<>&;|.!a-zé -]{0,6}[<>&;|.!a-zé-]"
            .prop_map(|s| s.trim().to_owned())
            .prop_filter("a usable name", |s| {
                gloss::model::project::check_tag_name(s).is_ok()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        /// Issue 10: random projects export to well-formed XML and to brat
        /// files that keep brat's rules, and brat gives the project back.
        #[test]
        fn exports_are_well_formed_and_brat_round_trips(
            texts in proptest::collection::vec(text(), 1..3),
            marks in proptest::collection::vec(
                (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0usize..3, proptest::collection::vec(tag_name(), 1..3), text()),
                0..8,
            ),
            memo in text(),
        ) {
            let mut texts = texts;
            texts.sort();
            texts.dedup_by(|a, b| gloss::model::text::normalise(a) == gloss::model::text::normalise(b));
            let normalised: Vec<String> = texts.iter().map(|t| gloss::model::text::normalise(t)).collect();
            let refs: Vec<&str> = normalised.iter().map(String::as_str).collect();
            let mut b = Build::new(&refs);
            b.p.apply(Action::SetMemo(memo)).unwrap();
            let mut nested = Vec::new();
            for (s, e, art, tags, note) in &marks {
                let art = art % refs.len();
                let len = refs[art].chars().count();
                let (s, e) = (s.index(len + 1), e.index(len + 1));
                let (s, e) = (s.min(e), s.max(e));
                if s == e { continue; }
                // A parent/child path now and then.
                let paths: Vec<String> = tags.iter().enumerate().map(|(i, t)| if i == 1 { format!("{}/{t}", tags[0]) } else { t.clone() }).collect();
                nested.extend(paths.clone());
                let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
                if b.p.annotations_of(b.ids[art]).any(|a| a.span == Span::new(s, e).unwrap()) { continue; }
                b.tag(art, (s, e), &paths, note, "Ana");
            }
            let dir = tempfile::tempdir().unwrap();
            // REFI-QDA: strict XML.
            let qdpx = dir.path().join("r.qdpx");
            export(&b.p, Format::Qdpx, &context("Ana <&> \u{1}"), &qdpx);
            for name in member_names(&qdpx) {
                if name == "project.qde" {
                    let xml = String::from_utf8(member(&qdpx, &name)).unwrap();
                    prop_assert!(roxmltree::Document::parse(&xml).is_ok(), "{name}: {:?}", roxmltree::Document::parse(&xml).err());
                }
            }
            if !b.p.codebook().is_empty() {
                let qdc = dir.path().join("r.qdc");
                export(&b.p, Format::Qdc, &context("Ana"), &qdc);
                let xml = std::fs::read_to_string(&qdc).unwrap();
                prop_assert!(roxmltree::Document::parse(&xml).is_ok(), "{:?}", roxmltree::Document::parse(&xml).err());
            }
            // The qdpx gives back the passages (texts byte-exact).
            let (q, _) = import_qdpx(&Project::new(), &qdpx);
            let spans = |p: &Project| -> BTreeSet<(String, usize, usize, Vec<String>)> {
                p.annotations().map(|a| (p.article(a.article).unwrap().text.as_str().to_owned(), a.span.start(), a.span.end(), gloss::exchange::tag_paths(p, a))).collect()
            };
            prop_assert_eq!(spans(&q), spans(&b.p));
            // brat: the configuration and every .ann line keep brat's rules,
            // and reading it back gives the same passages, tags and notes.
            let out = dir.path().join("brat");
            export(&b.p, Format::Brat, &context("Ana"), &out);
            check_brat_configs(
                &std::fs::read_to_string(out.join("annotation.conf")).unwrap(),
                &std::fs::read_to_string(out.join("visual.conf")).unwrap(),
            );
            for e in std::fs::read_dir(&out).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "ann") {
                    check_ann(&std::fs::read_to_string(&p).unwrap(), &std::fs::read_to_string(p.with_extension("txt")).unwrap());
                }
            }
            let mut r = Project::new();
            let (action, report) = gloss::exchange::brat::import_folder(&r, &out).unwrap();
            r.apply(action).unwrap();
            prop_assert!(report.skipped.is_empty(), "{:?}", report.skipped);
            let exact = |p: &Project| -> BTreeSet<(String, usize, usize, Vec<String>, String)> {
                p.annotations().map(|a| (p.article(a.article).unwrap().text.as_str().to_owned(), a.span.start(), a.span.end(), gloss::exchange::tag_paths(p, a), a.note.clone())).collect()
            };
            prop_assert_eq!(exact(&r), exact(&b.p));
            // W3C: JSON whose positions slice the embedded text.
            let v = gloss::exchange::w3c::to_w3c(&b.p, "x", None);
            let text = serde_json::to_string(&v).unwrap();
            prop_assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        }
    }
}
