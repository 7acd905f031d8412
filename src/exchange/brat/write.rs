//! Writing brat collections: `NAME.txt` and `NAME.ann` per article and the
//! collection's `annotation.conf` and `visual.conf` (see the module above for
//! the grammar both directions share).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use std::path::Path;

use super::grammar::{
    GLOSS_NOTE, GLOSS_PASSAGE, GLOSS_TAG_COMMENT, covered_text, entity_types, escape, fragments,
    label, one_line,
};
use crate::model::{Article, Codebook, Project, TagId};

/// One article as brat files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BratDoc {
    /// A safe, unique file stem (`0001_ransomware-attack`); the files are
    /// `NAME.txt` and `NAME.ann`.
    pub name: String,
    /// The article's normalised text (the `.txt` file).
    pub txt: String,
    /// The standoff annotations (the `.ann` file).
    pub ann: String,
}

/// Longest part of a file stem taken from the title, in chars.
const SLUG_MAX: usize = 40;

/// The articles as brat documents, in article id order.
#[must_use]
pub fn to_brat(project: &Project) -> Vec<BratDoc> {
    let types: BTreeMap<TagId, String> = entity_types(project.codebook()).into_iter().collect();
    project
        .articles()
        .map(|art| BratDoc {
            name: file_stem(art),
            txt: art.text.as_str().to_owned(),
            ann: ann_of(project, art, &types),
        })
        .collect()
}

/// `0001_ransomware-attack`: the article id and a slug of its title (or
/// file name), ASCII letters and digits only.
fn file_stem(art: &Article) -> String {
    let source = if art.title.trim().is_empty() {
        art.meta.file_name.as_str()
    } else {
        art.title.as_str()
    };
    let mut slug = String::new();
    let mut dash = false;
    for c in source.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c.to_ascii_lowercase());
            if slug.len() >= SLUG_MAX {
                break;
            }
        } else {
            dash = true;
        }
    }
    if slug.is_empty() {
        format!("{:04}", art.id.0)
    } else {
        format!("{:04}_{slug}", art.id.0)
    }
}

/// The `.ann` of one article: its passages by position, one `T` line per tag
/// (tags by path), the note on the passage's first `T` line, and the
/// comments that make the round trip exact:
///
/// ```text
/// T1<TAB>Threat-Cyber 4 9;10 12<TAB>jumps ov     fragments brat can show
/// #1<TAB>GlossPassage T1<TAB>4 13                the passage as it is ("jumps\nov\n")
/// #2<TAB>AnnotatorNotes T1<TAB>first second     the note on one line
/// #3<TAB>GlossNote T1<TAB>first\nsecond          the note as it is
/// ```
///
/// `GlossPassage` is written (after each of the passage's `T` lines) only
/// when the fragments are not the passage, `GlossNote` only when the note is
/// not its one-line form.
fn ann_of(project: &Project, art: &Article, types: &BTreeMap<TagId, String>) -> String {
    let mut passages: Vec<_> = project.annotations_of(art.id).collect();
    passages.sort_by_key(|a| (a.span.start(), a.span.end(), a.id));
    let mut out = String::new();
    let mut t = 0;
    let mut comments = 0;
    let mut comment = |out: &mut String, kind: &str, target: usize, text: &str| {
        comments += 1;
        let _ = writeln!(out, "#{comments}\t{kind} T{target}\t{text}");
    };
    for a in passages {
        let frags = fragments(&art.text, a.span);
        let offsets = frags
            .iter()
            .map(|f| format!("{} {}", f.start(), f.end()))
            .collect::<Vec<_>>()
            .join(";");
        let covered = covered_text(&art.text, &frags);
        let mut tags: Vec<(String, &str)> = a
            .tags
            .iter()
            .filter_map(|id| {
                types
                    .get(id)
                    .map(|ty| (project.codebook().path(*id), ty.as_str()))
            })
            .collect();
        tags.sort_unstable();
        let mut first = None;
        for (_, ty) in tags {
            t += 1;
            first.get_or_insert(t);
            let _ = writeln!(out, "T{t}\t{ty} {offsets}\t{covered}");
            // On each T line: passages with different spans can share
            // fragments (two blank spans beside one visible character).
            if frags != [a.span] {
                let exact = format!("{} {}", a.span.start(), a.span.end());
                comment(&mut out, GLOSS_PASSAGE, t, &exact);
            }
        }
        let Some(first) = first else { continue };
        let line = note_line(&a.note);
        if !line.is_empty() {
            comment(&mut out, "AnnotatorNotes", first, &line);
        }
        if line != a.note {
            comment(&mut out, GLOSS_NOTE, first, &escape(&a.note));
        }
    }
    out
}

/// A note as brat shows it: on one line, without surrounding whitespace
/// (brat trims it).
#[must_use]
pub fn note_line(note: &str) -> String {
    one_line(note).trim().to_owned()
}

/// brat's `annotation.conf`: every tag as an entity type, nested tags
/// indented under their parents with tabs, a `# gloss-tag TYPE PATH` comment
/// per type, and overlapping passages allowed (Gloss passages may nest or
/// share a span).
#[must_use]
pub fn annotation_conf(project: &Project) -> String {
    let cb = project.codebook();
    let types = entity_types(cb);
    let mut out = String::from(
        "# brat annotation configuration written by Gloss.\n\
         # Each entity type is a Gloss tag; the gloss-tag lines give each type's\n\
         # exact tag path (parent/child) so the collection can be read back.\n",
    );
    for (id, ty) in &types {
        let _ = writeln!(out, "{GLOSS_TAG_COMMENT}{ty} {}", escape(&cb.path(*id)));
    }
    out.push_str("\n[entities]\n");
    for (id, ty) in &types {
        let depth = depth_of(cb, *id);
        let _ = writeln!(out, "{}{ty}", "\t".repeat(depth));
    }
    out.push_str(
        "\n[relations]\n\
         # Gloss passages may overlap, nest and share spans.\n\
         <OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\
         \n[events]\n\
         \n[attributes]\n",
    );
    out
}

/// brat's `visual.conf`: each type's label (the tag's own name, see
/// [`label`]) and colour.
#[must_use]
pub fn visual_conf(project: &Project) -> String {
    let cb = project.codebook();
    let types = entity_types(cb);
    let mut out = String::from("# brat visual configuration written by Gloss.\n\n[labels]\n");
    for (id, ty) in &types {
        if let Some(tag) = cb.get(*id) {
            let _ = writeln!(out, "{ty} | {}", label(&tag.props.name));
        }
    }
    out.push_str("\n[drawing]\n");
    for (id, ty) in &types {
        if let Some(tag) = cb.get(*id) {
            let _ = writeln!(out, "{ty}\tbgColor:{}", tag.props.colour);
        }
    }
    out
}

/// Number of ancestors of a tag.
fn depth_of(cb: &Codebook, id: TagId) -> usize {
    let mut depth = 0;
    let mut cur = cb.get(id).and_then(|t| t.props.parent);
    while let Some(p) = cur {
        depth += 1;
        if depth > cb.len() {
            break;
        }
        cur = cb.get(p).and_then(|t| t.props.parent);
    }
    depth
}

/// Writes `project` as a brat collection into `dir` (created if needed):
/// `NAME.txt` and `NAME.ann` per article, `annotation.conf` and `visual.conf`.
/// Files of the same names are replaced; other files are left alone; no file
/// `protected` lists is touched. Returns the number of documents written.
///
/// # Errors
/// Any error creating the folder or writing a file.
pub fn write_folder(
    project: &Project,
    dir: &Path,
    protected: &crate::io::protect::Protected,
) -> Result<usize, crate::exchange::format::ExportError> {
    use crate::io::atomic::{WriteError, WriteOptions, write_with};
    let put = |name: &str, text: &str| -> Result<(), crate::exchange::format::ExportError> {
        let p = dir.join(name);
        protected.check(&p)?;
        write_with(&p, WriteOptions::EXPORT, |w| w.write_all(text.as_bytes()))?;
        Ok(())
    };
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let docs = to_brat(project);
    for d in &docs {
        put(&format!("{}.txt", d.name), &d.txt)?;
        put(&format!("{}.ann", d.name), &d.ann)?;
    }
    put("annotation.conf", &annotation_conf(project))?;
    put("visual.conf", &visual_conf(project))?;
    Ok(docs.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::project;
    use crate::model::{Action, Span, Text};

    #[test]
    fn writes_one_t_line_per_tag_and_splits_at_line_breaks() {
        let (mut p, _) = project(&[
            "The [quick]{Threat/Cyber, Motion} fox\n[jumps\n\nover]{Motion} it",
            "Zoë 😀 [naïve]{U.S. policy}",
        ]);
        crate::model::testing::set_note(&mut p, "quick", "first\nsecond");
        let docs = to_brat(&p);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].name, "0001_article-1");
        assert_eq!(
            docs[0].txt, "The quick fox\njumps\n\nover it",
            "the .txt is the normalised text"
        );
        assert_eq!(
            docs[0].ann,
            "T1\tMotion 4 9\tquick\n\
             T2\tThreat-Cyber 4 9\tquick\n\
             #1\tAnnotatorNotes T1\tfirst second\n\
             #2\tGlossNote T1\tfirst\\nsecond\n\
             T3\tMotion 14 19;21 25\tjumps over\n\
             #3\tGlossPassage T3\t14 25\n"
        );
        // Offsets are chars, not bytes.
        assert_eq!(docs[1].ann, "T1\tU_S_policy 6 11\tnaïve\n");
        assert_eq!(to_brat(&p), docs, "deterministic");
    }

    #[test]
    fn types_are_safe_unique_and_nested() {
        let (p, _) = project(&[
            "[a]{A b/C.d} [b]{A b/C_d} [c]{A_b} [d]{x/y} [e]{Ωμέγα} [f]{北京} [g]{😀} [h]{<b>|!} [i]{، ،} [j]{---} [k]{SPAN_DEFAULT}",
        ]);
        let types: Vec<String> = entity_types(p.codebook())
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        // Nothing transliterable left: the tag's id.
        let arabic_comma = p.codebook().find_path("، ،").unwrap().0;
        // Hyphens only would be a separator line in annotation.conf.
        let hyphens = p.codebook().find_path("---").unwrap().0;
        assert_eq!(
            types,
            [
                format!("tag_{hyphens}"),
                "b".to_owned(),
                "A_b".to_owned(),
                "A_b-C_d".to_owned(),
                "A_b-C_d_2".to_owned(),
                "A_b_2".to_owned(),
                "SPAN_DEFAULT_2".to_owned(),
                "x".to_owned(),
                "x-y".to_owned(),
                "Omega".to_owned(),
                format!("tag_{arabic_comma}"),
                "Bei_Jing".to_owned(),
                "grinning".to_owned(),
            ]
        );
        for t in &types {
            assert!(crate::exchange::brat::is_storage_form(t), "{t}");
        }
        let conf = annotation_conf(&p);
        assert!(conf.contains("# gloss-tag A_b-C_d A b/C.d\n"), "{conf}");
        assert!(conf.contains("# gloss-tag A_b-C_d_2 A b/C_d\n"), "{conf}");
        assert!(
            conf.contains("A_b\n\tA_b-C_d\n\tA_b-C_d_2\nA_b_2\n"),
            "{conf}"
        );
        assert!(conf.contains("x\n\tx-y\n"), "{conf}");
        for section in ["[relations]", "[events]", "[attributes]"] {
            assert!(conf.contains(section));
        }
        assert_eq!(annotation_conf(&p), conf);
        let visual = visual_conf(&p);
        assert!(visual.contains("A_b-C_d | C.d\n"), "{visual}");
        assert!(visual.contains("b | ‹b›¦!\n"), "{visual}");
        assert!(visual.contains("x-y\tbgColor:#"), "{visual}");
    }

    #[test]
    fn fragments_leave_line_breaks_out() {
        let t = Text::new("ab\ncd\n\nef\u{2028}g");
        let s = |a, b| Span::new(a, b).unwrap();
        assert_eq!(fragments(&t, s(0, 5)), [s(0, 2), s(3, 5)]);
        assert_eq!(fragments(&t, s(2, 4)), [s(3, 4)]);
        assert_eq!(
            fragments(&t, s(5, 7)),
            [s(4, 5)],
            "blank: the nearest visible char"
        );
        assert_eq!(
            fragments(&Text::new("\n\n x"), s(0, 2)),
            [s(3, 4)],
            "after it"
        );
        assert_eq!(
            fragments(&Text::new("\n \n"), s(0, 2)),
            [s(0, 2)],
            "none visible"
        );
        assert_eq!(fragments(&t, s(3, 11)), [s(3, 5), s(7, 9), s(10, 11)]);
        assert_eq!(covered_text(&t, &[s(3, 5), s(7, 9)]), "cd ef");
        assert_eq!(covered_text(&t, &[s(5, 7)]), "  ");
        assert_eq!(
            fragments(&Text::new("a  b"), s(1, 3)),
            [s(0, 1)],
            "spaces only"
        );
    }

    #[test]
    fn file_stems_are_safe() {
        let (mut p, ids) = project(&["x", "y", "z"]);
        for (id, title) in ids.iter().zip(["Ransomware attack!", "", "Ωμέγα"]) {
            p.apply(Action::SetArticleTitle {
                article: *id,
                title: title.into(),
            })
            .unwrap();
        }
        let names: Vec<String> = to_brat(&p).into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["0001_ransomware-attack", "0002", "0003"]);
    }
}
