//! Writing brat collections: `NAME.txt` and `NAME.ann` per article and the
//! collection's `annotation.conf` and `visual.conf` (see the module above for
//! the grammar both directions share).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use std::path::Path;

use super::grammar::{GLOSS_TAG_COMMENT, covered_text, entity_types, fragments, one_line};
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
/// (tags by path), and the note on the passage's first `T` line.
fn ann_of(project: &Project, art: &Article, types: &BTreeMap<TagId, String>) -> String {
    let mut passages: Vec<_> = project.annotations_of(art.id).collect();
    passages.sort_by_key(|a| (a.span.start(), a.span.end(), a.id));
    let mut out = String::new();
    let mut t = 0;
    let mut notes = 0;
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
        }
        if let Some(first) = first
            && !a.note.is_empty()
        {
            notes += 1;
            let _ = writeln!(
                out,
                "#{notes}\tAnnotatorNotes T{first}\t{}",
                one_line(&a.note)
            );
        }
    }
    out
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
        let _ = writeln!(out, "{GLOSS_TAG_COMMENT}{ty} {}", one_line(&cb.path(*id)));
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

/// brat's `visual.conf`: each type's label (the tag's own name) and colour.
#[must_use]
pub fn visual_conf(project: &Project) -> String {
    let cb = project.codebook();
    let types = entity_types(cb);
    let mut out = String::from("# brat visual configuration written by Gloss.\n\n[labels]\n");
    for (id, ty) in &types {
        if let Some(tag) = cb.get(*id) {
            let label = one_line(&tag.props.name).replace('|', "¦");
            let _ = writeln!(out, "{ty} | {label}");
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
             T2\tThreat.Cyber 4 9\tquick\n\
             #1\tAnnotatorNotes T1\tfirst second\n\
             T3\tMotion 14 19;21 25\tjumps over\n"
        );
        // Offsets are chars, not bytes.
        assert_eq!(docs[1].ann, "T1\tU_S__policy 6 11\tnaïve\n");
        assert_eq!(to_brat(&p), docs, "deterministic");
    }

    #[test]
    fn types_are_safe_unique_and_nested() {
        let (p, _) = project(&["[a]{A b/C.d} [b]{A b/C_d} [c]{A_b} [d]{x/y}"]);
        let types: Vec<String> = entity_types(p.codebook())
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(types, ["A_b", "A_b.C_d", "A_b.C_d-2", "A_b-2", "x", "x.y"]);
        let conf = annotation_conf(&p);
        assert!(conf.contains("# gloss-tag A_b.C_d A b/C.d\n"), "{conf}");
        assert!(conf.contains("# gloss-tag A_b.C_d-2 A b/C_d\n"), "{conf}");
        assert!(
            conf.contains("[entities]\nA_b\n\tA_b.C_d\n\tA_b.C_d-2\nA_b-2\nx\n\tx.y\n"),
            "{conf}"
        );
        for section in ["[relations]", "[events]", "[attributes]"] {
            assert!(conf.contains(section));
        }
        assert_eq!(annotation_conf(&p), conf);
        let visual = visual_conf(&p);
        assert!(visual.contains("A_b.C_d | C.d\n"), "{visual}");
        assert!(visual.contains("x.y\tbgColor:#"), "{visual}");
    }

    #[test]
    fn fragments_leave_line_breaks_out() {
        let t = Text::new("ab\ncd\n\nef\u{2028}g");
        let s = |a, b| Span::new(a, b).unwrap();
        assert_eq!(fragments(&t, s(0, 5)), [s(0, 2), s(3, 5)]);
        assert_eq!(fragments(&t, s(2, 4)), [s(3, 4)]);
        assert_eq!(fragments(&t, s(5, 7)), [s(5, 7)], "only line breaks");
        assert_eq!(fragments(&t, s(3, 11)), [s(3, 5), s(7, 9), s(10, 11)]);
        assert_eq!(covered_text(&t, &[s(3, 5), s(7, 9)]), "cd ef");
        assert_eq!(covered_text(&t, &[s(5, 7)]), "  ");
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
