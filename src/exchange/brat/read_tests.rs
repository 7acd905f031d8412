//! Tests of the brat reader: round trips, foreign files, hostile lines.

use super::super::write_folder;
use super::*;
use crate::model::testing::project;
use std::collections::BTreeSet;

/// A passage as (article text, span and text, sorted tag paths, note).
type Row = (String, String, Vec<String>, String);

/// Every passage as a [`Row`], sorted.
fn passages(p: &Project) -> Vec<Row> {
    let mut v: Vec<_> = p
        .annotations()
        .map(|a| {
            (
                p.article(a.article)
                    .map(|x| x.text.as_str().to_owned())
                    .unwrap_or_default(),
                format!("{} {:?}", a.span, p.passage(a)),
                crate::exchange::tag_paths(p, a),
                a.note.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

fn owned(v: &[(&str, &str, &[&str], &str)]) -> Vec<Row> {
    let mut v: Vec<_> = v
        .iter()
        .map(|(t, s, tags, n)| {
            (
                (*t).to_owned(),
                (*s).to_owned(),
                tags.iter().map(|x| (*x).to_owned()).collect(),
                (*n).to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn round_trip_through_a_folder() {
    let (mut p, _) = project(&[
        "The [quick]{Threat/Cyber, U.S. policy} fox\n[jumps\nover\n]{Motion} it",
        "Zoë 😀 [naïve]{Threat/Cyber attack} [x]{Ωμέγα <b>|!}",
    ]);
    crate::model::testing::set_note(&mut p, "quick", "Seen twice.\nCheck <this> & that \\n\t ");
    crate::model::testing::set_note(&mut p, "jumps\nover\n", "Spans two lines");
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        write_folder(&p, dir.path(), &crate::io::protect::Protected::default()).unwrap(),
        2
    );
    assert!(dir.path().join("annotation.conf").is_file());
    assert!(dir.path().join("0001_article-1.ann").is_file());

    let mut q = Project::new();
    let (action, report) = import_folder(&q, dir.path()).unwrap();
    let inverse = q.apply(action).unwrap();
    assert!(q.validate().is_empty(), "{:?}", q.validate());
    assert_eq!(report.documents, 2);
    assert_eq!(report.articles_added, 2);
    assert_eq!(report.annotations, 4);
    assert_eq!(report.split_fragments, 0);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let t1 = "The quick fox\njumps\nover\n it";
    let t2 = "Zoë 😀 naïve x";
    // Exactly what was exported: tag paths through the gloss-tag comments,
    // the passage over line breaks (ending in one) through GlossPassage,
    // the note with its line break, tab and spaces through GlossNote.
    assert_eq!(
        passages(&q),
        owned(&[
            (
                t1,
                "4..9 \"quick\"",
                &["Threat/Cyber", "U.S. policy"],
                "Seen twice.\nCheck <this> & that \\n\t "
            ),
            (
                t1,
                "14..25 \"jumps\\nover\\n\"",
                &["Motion"],
                "Spans two lines"
            ),
            (t2, "6..11 \"naïve\"", &["Threat/Cyber attack"], ""),
            (t2, "12..13 \"x\"", &["Ωμέγα <b>|!"], ""),
        ])
    );
    // The colours come back from visual.conf.
    for t in p.codebook().iter() {
        let path = p.codebook().path(t.id);
        let there = q.codebook().find_path(&path).unwrap();
        assert_eq!(
            q.codebook().get(there).unwrap().props.colour,
            t.props.colour
        );
    }
    // One undo step takes it all back.
    q.apply(inverse).unwrap();
    assert_eq!(q.articles().len(), 0);
    assert_eq!(q.codebook().len(), 0);
    assert_eq!(q.annotations().len(), 0);

    // Importing again into the same project adds nothing new.
    let mut q2 = Project::new();
    let (a, _) = import_folder(&q2, dir.path()).unwrap();
    q2.apply(a).unwrap();
    let snapshot = passages(&q2);
    let (a, r) = import_folder(&q2, dir.path()).unwrap();
    q2.apply(a).unwrap();
    assert_eq!((r.articles_added, r.annotations), (0, 0));
    assert_eq!(passages(&q2), snapshot);
    assert_eq!(q2.codebook().len(), 6);
}

#[test]
fn reads_a_hand_written_folder_with_crlf_and_fragments() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Raw (brat) offsets: "Line one\r\n" is 10 chars, so "Threat" is 10..16.
    std::fs::write(d.join("doc.txt"), "Line one\r\nThreat here\r\nend").unwrap();
    std::fs::write(
        d.join("doc.ann"),
        "T1\tThreat.Cyber 10 16\tThreat\n\
         T2\tPlace 0 4;10 16\tLine Threat\n\
         T3\tPlace 10 16\tThreat\n\
         R1\tNear Arg1:T1 Arg2:T2\n\
         A1\tNegated T1\n\
         T4\tPlace 0 5\tWrong\n\
         T5\tPlace 20 90\tbeyond\n\
         T6\tPlace 10 16\n\
         #1\tAnnotatorNotes T1\tA note\n\
         #2\tAnnotatorNotes T4\tlost\n\
         \n\
         N1\tReference T1 Wikipedia:123\tx\n",
    )
    .unwrap();
    std::fs::write(d.join("lonely.txt"), "no annotations").unwrap();
    let mut p = Project::new();
    let (action, report) = import_folder(&p, d).unwrap();
    p.apply(action).unwrap();
    assert_eq!(report.documents, 1);
    assert_eq!(report.split_fragments, 1);
    assert_eq!(report.annotations, 2);
    let t = "Line one\nThreat here\nend";
    assert_eq!(
        passages(&p),
        owned(&[
            (t, "0..4 \"Line\"", &["Place"], ""),
            (t, "9..15 \"Threat\"", &["Place", "Threat/Cyber"], "A note"),
        ])
    );
    let skipped = report.skipped.join("\n");
    for expected in [
        "lonely.txt: no .ann file beside it",
        "doc.ann line 4: relation R1 (Near)",
        "doc.ann line 5: attribute A1 (Negated)",
        "doc.ann line 6: text-bound annotation T4 refused: its text \"Wrong\" does not match",
        "doc.ann line 7: text-bound annotation T5 refused: offsets 20 90",
        "doc.ann line 8: text-bound annotation T6 refused: it has no text field",
        "doc.ann line 10: note #2 is on T4, which was not imported",
        "doc.ann line 12: normalisation N1 (Reference)",
    ] {
        assert!(skipped.contains(expected), "{expected}\n in\n{skipped}");
    }
    assert_eq!(report.skipped.len(), 8, "{skipped}");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn recognises_offsets_that_count_crlf_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("Line one\r\nThreat here".as_bytes());
    std::fs::write(d.join("doc.txt"), bytes).unwrap();
    // T1 counts CRLF as one char, T2 counts the BOM too (as Python's
    // utf-8 codec does), T3 counts the way brat does.
    std::fs::write(
        d.join("doc.ann"),
        "T1\tX 9 15\tThreat\nT2\tY 11 17\tThreat\nT3\tZ 10 16\tThreat\n",
    )
    .unwrap();
    let mut p = Project::new();
    let (action, report) = import_folder(&p, d).unwrap();
    p.apply(action).unwrap();
    let t = "Line one\nThreat here";
    assert_eq!(
        passages(&p),
        owned(&[(t, "9..15 \"Threat\"", &["X", "Y", "Z"], "")])
    );
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.skipped.is_empty());
}

#[test]
fn annotates_texts_already_in_the_project_and_makes_each_tag_once() {
    let (mut p, ids) = project(&["Alpha [beta]{Old} gamma"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Alpha beta gamma").unwrap();
    std::fs::write(
        dir.path().join("a.ann"),
        "T1\tNew.One 6 10\tbeta\nT2\tNew.Two 0 5\tAlpha\nT3\tNew 11 16\tgamma\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("annotation.conf"),
        "# gloss-tag New.Two New/Two words\n[entities]\nNew\n\tNew.One\n",
    )
    .unwrap();
    let (action, report) = import_folder(&p, dir.path()).unwrap();
    p.apply(action).unwrap();
    assert!(p.validate().is_empty());
    assert_eq!(report.articles_added, 0);
    assert_eq!(report.annotations, 2);
    assert_eq!(p.articles().len(), 1);
    assert_eq!(p.annotations_of(ids[0]).count(), 3);
    let paths: BTreeSet<String> = p
        .codebook()
        .iter()
        .map(|t| p.codebook().path(t.id))
        .collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        ["New", "New/One", "New/Two words", "Old"]
    );
    let t = "Alpha beta gamma";
    assert_eq!(
        passages(&p),
        owned(&[
            (t, "0..5 \"Alpha\"", &["New/Two words"], ""),
            (t, "6..10 \"beta\"", &["New/One", "Old"], ""),
            (t, "11..16 \"gamma\"", &["New"], ""),
        ])
    );
}

#[test]
fn refuses_a_folder_without_documents() {
    let dir = tempfile::tempdir().unwrap();
    let p = Project::new();
    let err = import_folder(&p, dir.path()).unwrap_err();
    assert!(err.to_string().starts_with("no brat documents"), "{err}");
    assert!(import_folder(&p, &dir.path().join("missing")).is_err());
}

#[test]
fn parses_offsets() {
    assert_eq!(
        parse_offsets("A 0 4;6 9").unwrap(),
        ("A", vec![(0, 4), (6, 9)])
    );
    assert!(parse_offsets("A 4 0").is_err());
    assert!(parse_offsets("A 0").is_err());
    assert!(parse_offsets("A0 4").is_err());
}

#[test]
fn foreign_fragments_notes_and_hierarchy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("doc.txt"), "One two\n  three four\nfive").unwrap();
    // T1: brat's UI split "two\n  three" at the line break (white space
    // only between the fragments): one passage. T2: a real gap ("three")
    // between fragments: one passage per fragment, reported. T3 carries a
    // GlossPassage and a GlossNote that no longer fit what brat shows.
    std::fs::write(
        d.join("doc.ann"),
        "T1\tCyber 4 7;10 15\ttwo three\n\
         T2\tOrg 0 3;16 20\tOne four\n\
         T3\tOrg 21 25\tfive\n\
         #1\tGlossPassage T3\t0 7\n\
         #2\tAnnotatorNotes T3\tedited in brat\n\
         #3\tGlossNote T3\toriginal\\nnote\n\
         #4\tAnnotatorNotes T1\t  spaced  \n",
    )
    .unwrap();
    std::fs::write(
        d.join("annotation.conf"),
        "[entities]\nThreat\n\tThreat-Cyber\n\tCyber\n!Group\n\tOrg\n[relations]\n",
    )
    .unwrap();
    let mut p = Project::new();
    let (action, report) = import_folder(&p, d).unwrap();
    p.apply(action).unwrap();
    let t = "One two\n  three four\nfive";
    assert_eq!(
        passages(&p),
        owned(&[
            (t, "0..3 \"One\"", &["Group/Org"], ""),
            (t, "16..20 \"four\"", &["Group/Org"], ""),
            (t, "21..25 \"five\"", &["Group/Org"], "edited in brat"),
            (t, "4..15 \"two\\n  three\"", &["Threat/Cyber"], "spaced"),
        ])
    );
    assert_eq!(report.split_fragments, 1);
    let warnings = report.warnings.join("\n");
    assert!(warnings.contains("white space"), "{warnings}");
    assert!(
        warnings.contains("GlossPassage does not fit T3"),
        "{warnings}"
    );
    assert!(warnings.contains("changed in brat"), "{warnings}");
}
