//! Round trips, snapshots, fixtures and hostile input for the project file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{LoadError, TextStorage, from_ron, load, save, to_ron};
use crate::model::testing;
use crate::model::{
    Action, AnnotationId, ArticleId, Project, ReviewStatus, Span, TagProps, TagSet, Timestamp, ops,
};

fn t(secs: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + secs)
}

/// A small project with every kind of content, deterministic.
fn sample(dir: &Path) -> Project {
    let (mut p, ids) = testing::project(&[
        " date 2021-12-28 posted on 12/26/2021 5:10 PM\n\n\n\n(credit: A. Writer/AFP)\n\nOfficials said [the port]{Place} was hit by [ransomware]{Threat/Cyber}.\n",
        "Прогноз: [санкции]{Sanctions} и [угрозы «НАТО»]{Threat, Sanctions}. Zoë 😀\n\n[Second paragraph]{Claim} here.",
    ]);
    let mut actions = vec![
        Action::SetMemo("Project memo:\nfirst pass on port stories.".into()),
        Action::SetArticleStatus {
            article: ids[0],
            status: ReviewStatus::Done,
        },
        Action::SetArticleNote {
            by: None,
            article: ids[1],
            note: "Check the translation.".into(),
        },
    ];
    let threat = p.codebook().find_path("Threat").unwrap();
    actions.push(Action::SetTagProps {
        tag: threat,
        props: TagProps {
            shortcut: Some('1'),
            description: "Any statement of threat.".into(),
            ..p.codebook().get(threat).unwrap().props.clone()
        },
    });
    let first = p.annotations().next().unwrap().id;
    actions.push(Action::SetAnnotationNote {
        by: None,
        annotation: first,
        note: "Named \"the port\" in the wire copy, quoted 'verbatim'.".into(),
        modified: t(60),
    });
    for a in actions {
        p.apply(a).unwrap();
    }
    relocate(&mut p, dir)
}

/// Moves every article's source into `dir` (rebuilding the project through
/// actions so the invariants hold).
fn relocate(p: &mut Project, dir: &Path) -> Project {
    let mut q = p.clone();
    let ids: Vec<ArticleId> = q.articles().map(|a| a.id).collect();
    for id in ids {
        let mut a = q.article(id).unwrap().clone();
        a.source = dir.join("articles").join(format!("{}.txt", id.0));
        q.articles.insert(id, a);
    }
    q
}

fn round_trip(p: &Project, dir: &Path, storage: TextStorage) -> (Project, String) {
    let path = dir.join("p.ron");
    save(p, &path, storage).unwrap();
    let first = std::fs::read_to_string(&path).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.storage, storage);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    save(&loaded.project, &path, storage).unwrap();
    let second = std::fs::read_to_string(&path).unwrap();
    assert_eq!(first, second, "two saves of the same project differ");
    (loaded.project, first)
}

#[test]
fn save_load_save_is_identical_in_both_layouts() {
    for storage in [TextStorage::Folder, TextStorage::Inline] {
        let dir = tempfile::tempdir().unwrap();
        let p = sample(dir.path());
        let (loaded, _) = round_trip(&p, dir.path(), storage);
        assert_eq!(loaded, p);
    }
}

#[test]
fn ron_snapshot() {
    let p = sample(Path::new("/work/review"));
    let ron = to_ron(
        &p,
        Path::new("/work/review/saves/review.ron"),
        TextStorage::Folder,
    )
    .unwrap();
    insta::assert_snapshot!(crate::model::testing::stable_ids(&ron));
}

#[test]
fn one_new_tag_is_a_one_line_diff() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = sample(dir.path());
    let path = dir.path().join("p.ron");
    let before = to_ron(&p, &path, TextStorage::Folder).unwrap();
    let (_, actions) = ops::ensure_tag_path(&p, "Economy").unwrap();
    for a in actions {
        p.apply(a).unwrap();
    }
    let after = to_ron(&p, &path, TextStorage::Folder).unwrap();
    let old: BTreeSet<&str> = before.lines().collect();
    let new: BTreeSet<&str> = after.lines().collect();
    let added: Vec<_> = new.difference(&old).collect();
    let removed: Vec<_> = old.difference(&new).collect();
    // The new tag's line, and the id counter.
    assert_eq!(added.len(), 2, "{added:?}");
    assert_eq!(removed.len(), 1, "{removed:?}");
}

#[test]
fn texts_are_written_once_and_recovered_from_sources() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let path = dir.path().join("p.ron");
    save(&p, &path, TextStorage::Folder).unwrap();
    let folder = dir.path().join("p.texts");
    let files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2);
    // Texts are never rewritten: a later save leaves their mtime alone.
    let mtime = |f: &Path| std::fs::metadata(f).unwrap().modified().unwrap();
    let before: Vec<_> = files.iter().map(|f| mtime(f)).collect();
    std::thread::sleep(std::time::Duration::from_millis(20));
    save(&p, &path, TextStorage::Folder).unwrap();
    let after: Vec<_> = files.iter().map(|f| mtime(f)).collect();
    assert_eq!(before, after);

    // Lose one text file: the source, if unchanged, restores it with a warning.
    let art = p.articles().next().unwrap();
    std::fs::create_dir_all(art.source.parent().unwrap()).unwrap();
    std::fs::write(&art.source, art.text.as_str()).unwrap();
    std::fs::remove_file(folder.join(format!("{}.txt", art.hash))).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.project, p);
    assert_eq!(loaded.warnings.len(), 1);

    assert_eq!(loaded.baseline.damaged_texts, vec![art.hash.clone()]);
    // The next save writes the recovered text back.
    super::save_with(
        &loaded.project,
        &path,
        &super::SaveOptions {
            baseline: Some(&loaded.baseline),
            ..super::SaveOptions::new(TextStorage::Folder)
        },
    )
    .unwrap();
    assert!(folder.join(format!("{}.txt", art.hash)).exists());
    let again = load(&path).unwrap();
    assert!(again.warnings.is_empty() && again.baseline.damaged_texts.is_empty());
}

#[test]
fn a_text_with_no_good_copy_leaves_its_article_unavailable_not_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let path = dir.path().join("p.ron");
    save(&p, &path, TextStorage::Folder).unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let art = p.articles().next().unwrap();
    let text_file = dir.path().join("p.texts").join(format!("{}.txt", art.hash));
    // Damaged in place, and no source to recover from.
    std::fs::write(&text_file, "something else entirely").unwrap();
    let loaded = load(&path).unwrap();
    let q = &loaded.project;
    let u = q.unavailable(art.id).expect("marked unavailable");
    assert!(u.reason.contains("does not match its hash"), "{}", u.reason);
    assert_eq!(q.annotation_count(art.id), p.annotation_count(art.id));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    // Its passages keep their quotes, and are read-only.
    let first = q.annotations_of(art.id).next().unwrap();
    assert_eq!(q.passage(first), p.passage(p.annotation(first.id).unwrap()));
    let mut changed = q.clone();
    let e = changed
        .apply(Action::RemoveAnnotation(first.id))
        .unwrap_err();
    assert!(e.to_string().contains("unavailable"), "{e}");
    // The other article is fine.
    let other = q.articles().nth(1).unwrap();
    assert!(q.unavailable(other.id).is_none());
    // Saving writes the same file back, and leaves the damaged text alone.
    super::save_with(
        q,
        &path,
        &super::SaveOptions {
            baseline: Some(&loaded.baseline),
            ..super::SaveOptions::new(TextStorage::Folder)
        },
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(&text_file).unwrap(),
        "something else entirely"
    );
    // Restoring the text brings the article back.
    std::fs::write(&text_file, art.text.as_str()).unwrap();
    let back = load(&path).unwrap();
    assert_eq!(back.project, p);
}

#[test]
fn a_stamp_knows_its_file_by_content_when_the_file_was_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let path = dir.path().join("p.ron");
    // The save's stamp is fingerprinted as the file is written, the load's
    // from the whole file: the two must agree.
    let saved = super::save_with(&p, &path, &super::SaveOptions::new(TextStorage::Folder)).unwrap();
    let loaded = load(&path).unwrap().baseline;
    let bytes = std::fs::read(&path).unwrap();
    // Rewritten with the same bytes (a new file: another identity and time).
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    for b in [&saved, &loaded] {
        assert!(b.stamp.as_ref().unwrap().matches(&path).unwrap());
    }
    assert_eq!(
        super::stamp_of(&path).unwrap().fingerprint,
        super::Fingerprint::of(&bytes)
    );
    // The same size, one byte changed: another version.
    let mut other = bytes.clone();
    let at = other.len() / 2;
    other[at] = if other[at] == b' ' { b'\t' } else { b' ' };
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, &other).unwrap();
    for b in [&saved, &loaded] {
        assert!(!b.stamp.as_ref().unwrap().matches(&path).unwrap());
    }
}

#[test]
fn a_save_never_replaces_a_file_that_changed_since_it_was_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let path = dir.path().join("p.ron");
    save(&p, &path, TextStorage::Folder).unwrap();
    let mine = load(&path).unwrap();
    // Someone else saves a change.
    let mut theirs = load(&path).unwrap().project;
    theirs.apply(Action::SetMemo("theirs".into())).unwrap();
    save(&theirs, &path, TextStorage::Folder).unwrap();
    let opts = super::SaveOptions {
        baseline: Some(&mine.baseline),
        ..super::SaveOptions::new(TextStorage::Folder)
    };
    let e = super::save_with(&mine.project, &path, &opts).unwrap_err();
    assert!(matches!(e, super::SaveError::ChangedOnDisk(_)), "{e}");
    assert_eq!(load(&path).unwrap().project.memo(), "theirs");
    // Forced, it goes through (the user was warned).
    let forced = super::SaveOptions {
        force: true,
        ..opts
    };
    let b = super::save_with(&mine.project, &path, &forced).unwrap();
    assert_eq!(load(&path).unwrap().project.memo(), p.memo());
    // The new baseline matches what is on disk, so the next save is fine.
    let next = super::SaveOptions {
        baseline: Some(&b),
        ..super::SaveOptions::new(TextStorage::Folder)
    };
    super::save_with(&mine.project, &path, &next).unwrap();
}

#[test]
fn unknown_fields_are_reported_and_never_dropped_silently() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let path = dir.path().join("p.ron");
    save(&p, &path, TextStorage::Inline).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("    memo:", "    colour_scheme: \"dusk\",\n    memo:", 1);
    let text = text.replacen("status: Done,", "status: Done, stars: 5,", 1);
    std::fs::write(&path, &text).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.project, p);
    assert_eq!(
        loaded.baseline.unknown_fields,
        vec!["colour_scheme".to_owned(), "articles.0.stars".to_owned()]
    );
    assert!(loaded.warnings.iter().any(|w| w.contains("stars")));
    let opts = super::SaveOptions {
        baseline: Some(&loaded.baseline),
        ..super::SaveOptions::new(TextStorage::Inline)
    };
    let e = super::save_with(&loaded.project, &path, &opts).unwrap_err();
    assert!(e.to_string().contains("articles.0.stars"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn encoding_problems_name_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let path = dir.path().join("p.ron");
    save(&p, &path, TextStorage::Inline).unwrap();
    let good = std::fs::read(&path).unwrap();
    let mut bad = good.clone();
    let at = good.iter().position(|&b| b == b'\n').unwrap() + 3;
    bad[at] = 0xff;
    std::fs::write(&path, &bad).unwrap();
    let e = load(&path).unwrap_err().to_string();
    assert!(
        e.contains(":2:") && e.contains(&format!("byte {at}")),
        "{e}"
    );
    // A byte-order mark is ignored, with a warning.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&good);
    std::fs::write(&path, &bom).unwrap();
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.project, p);
    assert!(loaded.warnings[0].contains("byte-order mark"));
    // Version 0 never existed.
    let zero = String::from_utf8(good)
        .unwrap()
        .replacen("version: 4,", "version: 0,", 1);
    std::fs::write(&path, zero).unwrap();
    let e = load(&path).unwrap_err().to_string();
    assert!(e.contains("unsupported format version 0"), "{e}");
}

#[test]
fn corrupt_files_are_reported_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let p = sample(dir.path());
    save(&p, &path, TextStorage::Inline).unwrap();
    let good = std::fs::read_to_string(&path).unwrap();

    let half = good.char_indices().nth(good.chars().count() / 2).unwrap().0;
    let truncated = &good[..half];
    std::fs::write(&path, truncated).unwrap();
    assert!(matches!(load(&path), Err(LoadError::Parse { .. })));
    std::fs::write(&path, "not a project at all").unwrap();
    assert!(matches!(load(&path), Err(LoadError::NotAProject(_))));
    assert!(save(&p, &path, TextStorage::Inline).is_err());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "not a project at all"
    );

    let newer = good.replacen("version: 4,", "version: 9,", 1);
    std::fs::write(&path, &newer).unwrap();
    let e = load(&path).unwrap_err();
    assert!(e.to_string().contains("version 9"), "{e}");
    assert!(
        save(&p, &path, TextStorage::Inline).is_err(),
        "never overwrite a newer file"
    );
}

#[test]
fn every_problem_is_reported_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let p = sample(dir.path());
    let good = to_ron(&p, &path, TextStorage::Inline).unwrap();
    let bad = good
        .replacen("start: 9, end: 16,", "start: 10, end: 17,", 1)
        .replacen("tags: [4]", "tags: [99]", 1)
        .replacen("parent: Some(", "parent: Some(4", 1);
    assert_ne!(bad, good);
    let e = from_ron(&bad, &path).unwrap_err();
    let LoadError::Invalid { problems, .. } = &e else {
        panic!("expected Invalid, got {e}")
    };
    let text = e.to_string();
    assert!(problems.len() >= 3, "{text}");
    assert!(text.contains("tag 99 does not exist"), "{text}");
    assert!(text.contains("its quote does not match the text"), "{text}");
    assert!(text.contains("parent tag 42 does not exist"), "{text}");
}

fn text_strategy() -> impl Strategy<Value = String> {
    "([a-zA-Z ]|é|ж|😀|\n|\n\n|«|»|\"|\\\\|\t){1,200}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_projects_round_trip(
        texts in proptest::collection::vec(text_strategy(), 1..4),
        marks in proptest::collection::vec((any::<usize>(), any::<usize>(), 1usize..30, 0usize..3, "\\PC{0,10}"), 0..12),
        memo in "\\PC{0,40}",
        inline in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Project::new();
        let mut ids = Vec::new();
        for text in &texts {
            let a = testing::article(&mut p, text);
            if p.article_by_hash(&a.hash).is_some() { continue; }
            ids.push(a.id);
            p.apply(ops::add_articles(vec![a])).unwrap();
        }
        let mut tags = Vec::new();
        for name in ["Alpha", "Alpha/Beta", "Γάμμα"] {
            let (id, actions) = ops::ensure_tag_path(&p, name).unwrap();
            for a in actions { p.apply(a).unwrap(); }
            tags.push(id);
        }
        for (a, s, l, t, note) in marks {
            let art = ids[a % ids.len()];
            let len = p.article(art).unwrap().text.char_len();
            let start = s % len;
            let Ok(span) = Span::new(start, (start + l).min(len)) else { continue };
            if span.is_empty() { continue; }
            let action = ops::add_annotation(&p, art, span, TagSet::from([tags[t]]), note, &t0().into()).unwrap();
            p.apply(action).unwrap();
        }
        p.apply(Action::SetMemo(memo)).unwrap();
        let p = relocate(&mut p, dir.path());
        let storage = if inline { TextStorage::Inline } else { TextStorage::Folder };
        let (loaded, _) = round_trip(&p, dir.path(), storage);
        prop_assert_eq!(loaded, p);
    }

    #[test]
    fn arbitrary_text_never_panics_the_loader(s in "\\PC{0,400}") {
        let _ = from_ron(&s, Path::new("/tmp/x.ron"));
        let with_header = format!("(format: \"gloss-project\", version: 1, {s}");
        let _ = from_ron(&with_header, Path::new("/tmp/x.ron"));
    }

    #[test]
    fn damaged_files_never_panic_the_loader(cut in any::<usize>(), at in any::<usize>(), junk in "\\PC{0,8}") {
        let dir = Path::new("/nonexistent/gloss");
        let p = sample(dir);
        let good = to_ron(&p, &dir.join("p.ron"), TextStorage::Inline).unwrap();
        let mut chars: Vec<char> = good.chars().collect();
        let at = at % chars.len();
        let cut = (cut % 16).min(chars.len() - at);
        chars.splice(at..at + cut, junk.chars());
        let damaged: String = chars.into_iter().collect();
        let _ = from_ron(&damaged, &dir.join("p.ron"));
    }
}

fn t0() -> Timestamp {
    t(0)
}

#[test]
fn merge_files_needs_no_texts_and_keeps_what_each_side_added() {
    let dir = tempfile::tempdir().unwrap();
    let base_p = sample(dir.path());
    let path = dir.path().join("p.ron");
    save(&base_p, &path, TextStorage::Folder).unwrap();
    let base = std::fs::read_to_string(&path).unwrap();
    let mut ours = base_p.fork();
    let mut theirs = base_p.fork();
    let art = ours.articles().next().unwrap().id;
    let tag = ours.codebook().iter().next().unwrap().id;
    for (p, start, who) in [(&mut ours, 0, "ann"), (&mut theirs, 3, "bob")] {
        let stamp = crate::model::Stamp {
            at: t(50),
            by: Some(who.into()),
        };
        let add = ops::add_annotation(
            p,
            art,
            Span::new(start, start + 2).unwrap(),
            TagSet::from([tag]),
            String::new(),
            &stamp,
        )
        .unwrap();
        p.apply(add).unwrap();
    }
    let ours_ron = to_ron(&ours, &path, TextStorage::Folder).unwrap();
    let theirs_ron = to_ron(&theirs, &path, TextStorage::Folder).unwrap();
    // The texts folder is not read: move it away.
    std::fs::rename(dir.path().join("p.texts"), dir.path().join("elsewhere")).unwrap();
    let merged = super::merge_files(&base, &ours_ron, &theirs_ron, &path, "theirs").unwrap();
    assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
    assert_eq!(merged.summary.passages_added, 1);
    assert!(merged.ron.contains("texts: Some(\"p.texts\")"));
    std::fs::rename(dir.path().join("elsewhere"), dir.path().join("p.texts")).unwrap();
    std::fs::write(&path, &merged.ron).unwrap();
    let p = load(&path).unwrap().project;
    assert_eq!(p.annotations().count(), base_p.annotations().count() + 2);
    let authors: BTreeSet<_> = p.annotations().filter_map(|a| a.author.clone()).collect();
    assert!(authors.contains("ann") && authors.contains("bob"));
    // Merging the same three again gives the same bytes.
    let std_again = super::merge_files(&base, &ours_ron, &theirs_ron, &path, "theirs").unwrap();
    assert_eq!(std_again.ron, merged.ron);
}

#[test]
fn many_passages_are_written_in_parallel_to_the_same_bytes() {
    let mut text = String::new();
    for i in 0..400 {
        use std::fmt::Write as _;
        let _ = write!(
            text,
            "Paragraph {i} says the port was hit by ransomware again.\n\n"
        );
    }
    let (mut p, arts) = testing::project(&[text.as_str()]);
    let tag = p.codebook().iter().next().map(|t| t.id);
    let tag = tag.unwrap_or_else(|| {
        let (t, actions) = ops::ensure_tag_path(&p, "T").unwrap();
        for a in actions {
            p.apply(a).unwrap();
        }
        t
    });
    let mut adds = Vec::new();
    // More passages than one batch of lines (16,384).
    for i in 0..20_000 {
        let s = (i * 7) % 20000;
        adds.push(
            ops::add_annotation(
                &p,
                arts[0],
                Span::new(s, s + 30).unwrap(),
                TagSet::from([tag]),
                format!("note {i}"),
                &t(1).into(),
            )
            .unwrap(),
        );
    }
    p.apply(Action::Batch {
        label: "many".into(),
        actions: adds,
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    // Written in parallel or not, the bytes are the same.
    let mut one = Vec::new();
    let mut par = Vec::new();
    super::save::write_file(&mut one, &p, &path, TextStorage::Inline, "p.texts", false).unwrap();
    super::save::write_file(&mut par, &p, &path, TextStorage::Inline, "p.texts", true).unwrap();
    let text = String::from_utf8(par).unwrap();
    assert_eq!(text, String::from_utf8(one).unwrap());
    assert_eq!(
        from_ron(&text, &path)
            .unwrap()
            .project
            .annotations()
            .count(),
        20_000
    );
}

#[test]
fn articles_are_written_in_parallel_to_the_same_bytes() {
    use crate::model::attributes::Value;
    let dir = tempfile::tempdir().unwrap();
    let mut p = sample(dir.path());
    let ids: Vec<ArticleId> = p.articles().map(|a| a.id).collect();
    for (name, value) in [
        ("outlet", Value::Text("Le \"Monde\"\ttab\n«»".into())),
        ("pages", Value::Number(12.5)),
        (
            "issued",
            Value::Date(chrono::NaiveDate::from_ymd_opt(2021, 3, 4).unwrap()),
        ),
    ] {
        p.apply(Action::SetAttribute {
            article: ids[0],
            name: name.into(),
            value: Some(value),
        })
        .unwrap();
    }
    let path = dir.path().join("p.ron");
    for storage in [TextStorage::Inline, TextStorage::Folder] {
        let mut one = Vec::new();
        let mut par = Vec::new();
        super::save::write_file(&mut one, &p, &path, storage, "p.texts", false).unwrap();
        super::save::write_file(&mut par, &p, &path, storage, "p.texts", true).unwrap();
        assert_eq!(
            String::from_utf8(par).unwrap(),
            String::from_utf8(one).unwrap(),
            "{storage:?}"
        );
    }
}

/// The sample project's file with its first record line that `pick` picks
/// listed twice: that line, and the problems reading the file reports.
fn listed_twice(pick: impl Fn(&str) -> bool) -> (String, Vec<crate::model::Problem>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    let good = to_ron(&sample(dir.path()), &path, TextStorage::Inline).unwrap();
    let line = good
        .lines()
        .find(|l| l.trim_start().starts_with("(id: ") && pick(l))
        .expect("a record line")
        .to_owned();
    let bad = good.replacen(&line, &format!("{line}\n{line}"), 1);
    match from_ron(&bad, &path) {
        Err(LoadError::Invalid { problems, .. }) => (line, problems),
        Err(e) => panic!("expected Invalid, got {e}"),
        Ok(_) => panic!("a file with {line} twice was read"),
    }
}

#[test]
fn a_passage_listed_twice_is_reported_by_its_id() {
    let (line, problems) = listed_twice(|l| l.contains(" quote: "));
    let uuid = line.split('"').nth(1).expect("the passage's id");
    let id = AnnotationId::from_uuid_text(uuid).expect("a passage id");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].location, id.to_string());
    assert_eq!(problems[0].message, "appears twice");
}

#[test]
fn an_article_listed_twice_is_reported_by_its_id() {
    let (line, problems) = listed_twice(|l| l.contains(", hash: "));
    let id: u64 = line
        .trim_start()
        .strip_prefix("(id: ")
        .and_then(|r| r.split(',').next())
        .and_then(|n| n.parse().ok())
        .expect("the article's id");
    let twice: Vec<_> = problems
        .iter()
        .filter(|p| p.message == "appears twice")
        .collect();
    assert_eq!(twice.len(), 1, "{problems:?}");
    assert_eq!(twice[0].location, crate::model::ArticleId(id).to_string());
}

/// A first save writes its texts folder whole under a temporary name and
/// renames it; should the folder appear meanwhile, the texts are moved into
/// it one by one and what was there stays.
#[test]
fn a_new_texts_folder_is_written_whole_or_merged_into_one_that_appeared() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path());
    let articles: Vec<_> = p.articles().collect();
    let names = |folder: &Path| -> BTreeSet<String> {
        std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    let expected: BTreeSet<String> = articles
        .iter()
        .map(|a| super::text_file_name(&a.hash))
        .collect();
    let fresh = dir.path().join("fresh.texts");
    assert_eq!(super::save::write_new_folder(&articles, &fresh).unwrap(), 2);
    assert_eq!(names(&fresh), expected);
    let appeared = dir.path().join("appeared.texts");
    std::fs::create_dir(&appeared).unwrap();
    std::fs::write(appeared.join("other.txt"), "kept").unwrap();
    assert_eq!(
        super::save::write_new_folder(&articles, &appeared).unwrap(),
        2
    );
    let mut with_other = expected.clone();
    with_other.insert("other.txt".into());
    assert_eq!(names(&appeared), with_other);
    for a in &articles {
        let text = std::fs::read_to_string(appeared.join(super::text_file_name(&a.hash))).unwrap();
        assert_eq!(text, a.text.as_str());
    }
    // No temporary folder is left.
    let temp: Vec<_> = names(dir.path())
        .into_iter()
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(temp.is_empty(), "{temp:?}");
}
