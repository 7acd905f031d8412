//! Files of every earlier format version keep opening (fixtures that never
//! change, in `tests/fixtures/vN/`), and what the current version writes
//! differently from them.

use std::path::Path;

use super::{LoadError, TextStorage, load, save};
use crate::model::testing;
use crate::model::{Action, Span, TagSet, Timestamp, ops};

fn t(secs: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + secs)
}

#[test]
fn v1_fixture_still_loads() {
    // tests/fixtures/v1 never changes: later versions must keep reading it.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1/inline.ron");
    let loaded = load(&path).unwrap();
    let p = &loaded.project;
    assert_eq!(loaded.storage, TextStorage::Inline);
    assert_eq!(p.articles().len(), 2);
    assert_eq!(p.annotations().len(), 5);
    assert_eq!(
        p.codebook()
            .path(p.codebook().find_path("Threat/Cyber").unwrap()),
        "Threat/Cyber"
    );
    let a = p.annotations().find(|a| p.passage(a) == "санкции").unwrap();
    assert_eq!(a.span, Span::new(9, 16).unwrap());
    assert!(p.memo().starts_with("Project memo"));
}

#[test]
fn v3_files_load_and_are_saved_as_version_4_without_derived_context() {
    // tests/fixtures/v3 never changes: the sample project as Gloss 0.3
    // wrote it, every passage with its quote, prefix and suffix, and
    // `note: ""`, `author: None` and `modified` written out.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v3");
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("example.texts");
    std::fs::create_dir(&folder).unwrap();
    for f in std::fs::read_dir(src.join("example.texts")).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), folder.join(f.file_name())).unwrap();
    }
    let old = std::fs::read_to_string(src.join("example.ron")).unwrap();
    assert!(old.contains("version: 3,") && old.contains("prefix: "));
    let path = dir.path().join("example.ron");
    std::fs::write(&path, &old).unwrap();
    let loaded = load(&path).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let p = loaded.project;
    assert_eq!(p.annotations().len(), old.matches("quote: ").count());

    save(&p, &path, TextStorage::Folder).unwrap();
    let new = std::fs::read_to_string(&path).unwrap();
    assert!(new.contains("version: 4,"));
    // The prefix and suffix are the text's, so they are not written; the
    // quote still is, and so are notes, authors and changes.
    assert!(!new.contains("prefix: ") && !new.contains("suffix: "));
    assert_eq!(new.matches("quote: ").count(), p.annotations().len());
    assert!(
        new.len() < old.len() * 3 / 4,
        "{} -> {}",
        old.len(),
        new.len()
    );
    let again = load(&path).unwrap().project;
    assert_eq!(again, p);
    for a in again.annotations() {
        let head = if a.id.is_legacy() {
            format!("(id: {}, ", a.id.key())
        } else {
            format!("(id: \"{}\", ", a.id.key())
        };
        let line = new
            .lines()
            .find(|l| l.contains(&head) && l.contains("quote: "))
            .unwrap();
        assert!(
            line.contains(&format!("quote: {:?}", again.passage(a))),
            "{line}"
        );
        assert_eq!(line.contains("note: "), !a.note.is_empty(), "{line}");
        assert_eq!(line.contains("author: "), a.author.is_some(), "{line}");
        assert_eq!(
            line.contains("modified: "),
            a.modified != a.created,
            "{line}"
        );
    }
}

/// A passage whose article's text is unavailable keeps the prefix and suffix
/// its record had: with no text, they are all there is to find it again by.
/// Where the record has them and the text is there, they are checked.
#[test]
fn an_unavailable_text_keeps_its_passages_prefix_and_suffix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let (p, ids) =
        testing::project(&["The [port]{Place} was hit [by ransomware]{Threat} on Sunday."]);
    save(&p, &path, TextStorage::Folder).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("prefix: "));
    // Written with the context, as version 3 did; then the text goes.
    let port = p.annotations().next().unwrap();
    let (_, prefix, suffix) =
        crate::model::Quote::parts(&p.article(ids[0]).unwrap().text, port.span);
    let context = format!("quote: \"port\", prefix: {prefix:?}, suffix: {suffix:?}");
    std::fs::write(&path, text.replacen("quote: \"port\"", &context, 1)).unwrap();
    assert_eq!(load(&path).unwrap().project, p);
    let wrong = text.replacen("quote: \"port\"", "quote: \"port\", suffix: \" was\"", 1);
    std::fs::write(&path, wrong).unwrap();
    let Err(LoadError::Invalid { problems, .. }) = load(&path) else {
        panic!("a suffix that is not the text's is a problem");
    };
    assert!(
        problems[0]
            .message
            .starts_with("its quote or suffix does not match"),
        "{problems:?}"
    );

    std::fs::write(&path, text.replacen("quote: \"port\"", &context, 1)).unwrap();
    for f in std::fs::read_dir(dir.path().join("p.texts")).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let loaded = load(&path).unwrap();
    assert!(loaded.project.unavailable(ids[0]).is_some());
    save(&loaded.project, &path, TextStorage::Folder).unwrap();
    let kept = std::fs::read_to_string(&path).unwrap();
    assert!(kept.contains(&context), "{kept}");
    assert!(kept.contains("quote: \"by ransomware\","), "{kept}");
    assert_eq!(kept.matches("prefix: ").count(), 1, "{kept}");
}

#[test]
fn v2_projects_migrate_keeping_their_numbered_passages() {
    // tests/fixtures/v2 never changes: a file as Gloss 0.2 wrote it, with
    // numbered passages. Its numbers stay (every copy of the project shares
    // them); passages made now get UUIDs; the next save writes version 3.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2/inline.ron");
    let loaded = load(&src).unwrap();
    let mut p = loaded.project;
    let ids: Vec<String> = p.annotations().map(|a| a.id.key()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    assert_eq!(
        p.annotations()
            .filter(|a| a.author.as_deref() == Some("ann"))
            .count(),
        4
    );
    let art = p.articles().next().unwrap().id;
    let tag = p.codebook().find_path("Place").unwrap();
    let add = ops::add_annotation(
        &p,
        art,
        Span::new(0, 5).unwrap(),
        TagSet::from([tag]),
        String::new(),
        &t(100).into(),
    )
    .unwrap();
    p.apply(add).unwrap();
    let new = p.annotations().last().unwrap().id;
    assert!(!new.is_legacy(), "a new passage gets a UUID: {new}");
    p.apply(Action::SetAnnotationNote {
        annotation: new,
        note: "checked".into(),
        modified: t(101),
        by: Some("cleo".into()),
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.ron");
    save(&p, &out, TextStorage::Inline).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("version: 4,"));
    assert!(
        text.contains("(id: 1, article: 1,"),
        "numbered ids stay numbers"
    );
    assert!(text.contains(&format!("(id: \"{}\", article: 1,", new.key())));
    assert!(
        !text.contains("annotation: 6"),
        "next_ids.annotation is no longer written"
    );
    // The new passage sorts after the numbered ones: a one-line diff.
    let last_line = text
        .lines()
        .rfind(|l| l.contains("(id: ") && l.contains("start:"))
        .unwrap();
    assert!(last_line.contains(&new.key()));
    let again = load(&out).unwrap().project;
    assert_eq!(again.annotations().count(), 6);
    assert_eq!(
        again.annotation(new).unwrap().span,
        Span::new(0, 5).unwrap()
    );
    assert_eq!(
        again.annotation(new).unwrap().note_by.as_deref(),
        Some("cleo")
    );
}
