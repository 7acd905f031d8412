//! Writing REFI-QDA (QDA-XML 1.0): the project as `project.qde` (namespace
//! `urn:QDA-XML:project:1.0`) and the codebook alone as a `.qdc`
//! (`urn:QDA-XML:codebook:1.0`). The `.qdpx` zip around them is [`qdpx_bytes`].
//!
//! Positions: each source is written as its normalised text (UTF-8, LF line
//! breaks), and `startPosition`/`endPosition` count Unicode code points into
//! it, end exclusive — exactly Gloss's char offsets, so nothing shifts.
//!
//! Ids become GUIDs derived from the project's ids, so the same project
//! always exports byte-identical files.

use std::io::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::grammar::{CODEBOOK_NS, DEFAULT_USER, PROJECT_NS, RefiError, guid, source_file};
use crate::model::{Annotation, Article, Project, Tag, TagId};

type W = Writer<Vec<u8>>;

fn start(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute((*k, *v));
    }
    w.write_event(Event::Start(e))
}

fn empty(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute((*k, *v));
    }
    w.write_event(Event::Empty(e))
}

fn end(w: &mut W, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn text_element(w: &mut W, name: &str, text: &str) -> std::io::Result<()> {
    start(w, name, &[])?;
    w.write_event(Event::Text(BytesText::new(&xml_text(text))))?;
    end(w, name)
}

/// Text safe for XML 1.0: control characters XML cannot carry are replaced
/// with U+FFFD (they do not occur in imported articles, which refuse them).
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

fn writer() -> Result<W, std::io::Error> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    Ok(w)
}

fn finish(w: W) -> Vec<u8> {
    let mut v = w.into_inner();
    let _ = v.write_all(b"\n");
    v
}

fn write_codes(w: &mut W, project: &Project, parent: Option<TagId>) -> std::io::Result<()> {
    for tag in project.codebook().children(parent) {
        write_code(w, project, tag)?;
    }
    Ok(())
}

fn write_code(w: &mut W, project: &Project, tag: &Tag) -> std::io::Result<()> {
    let g = guid("tag", tag.id.0);
    let colour = tag.props.colour.to_string();
    let attrs = [
        ("guid", g.as_str()),
        ("name", tag.props.name.as_str()),
        ("isCodable", "true"),
        ("color", colour.as_str()),
    ];
    let children = project.codebook().children(Some(tag.id));
    if tag.props.description.is_empty() && children.is_empty() {
        return empty(w, "Code", &attrs);
    }
    start(w, "Code", &attrs)?;
    if !tag.props.description.is_empty() {
        text_element(w, "Description", &tag.props.description)?;
    }
    for c in children {
        write_code(w, project, c)?;
    }
    end(w, "Code")
}

/// Users of the export: the authors named on passages, and the default user.
fn users(project: &Project) -> Vec<String> {
    let mut v: Vec<String> = project
        .annotations()
        .filter_map(|a| a.author.clone())
        .collect();
    v.push(DEFAULT_USER.to_owned());
    v.sort();
    v.dedup();
    v
}

fn user_guid(name: &str) -> String {
    let h = blake3::hash(name.as_bytes());
    let mut id = [0u8; 8];
    id.copy_from_slice(&h.as_bytes()[..8]);
    guid("user", u64::from_le_bytes(id))
}

/// The project as `project.qde` XML.
///
/// # Errors
/// Only if writing to memory fails.
pub fn project_qde(project: &Project, name: &str) -> std::io::Result<Vec<u8>> {
    let mut w = writer()?;
    start(
        &mut w,
        "Project",
        &[
            ("xmlns", PROJECT_NS),
            ("name", name),
            ("origin", concat!("Gloss ", env!("CARGO_PKG_VERSION"))),
        ],
    )?;
    start(&mut w, "Users", &[])?;
    for u in users(project) {
        empty(&mut w, "User", &[("guid", &user_guid(&u)), ("name", &u)])?;
    }
    end(&mut w, "Users")?;
    if !project.codebook().is_empty() {
        start(&mut w, "CodeBook", &[])?;
        start(&mut w, "Codes", &[])?;
        write_codes(&mut w, project, None)?;
        end(&mut w, "Codes")?;
        end(&mut w, "CodeBook")?;
    }
    let variables = [
        ("Date", "Date"),
        ("Posted", "DateTime"),
        ("Credit", "Text"),
        ("Review status", "Text"),
        ("Source file", "Text"),
    ];
    start(&mut w, "Variables", &[])?;
    for (i, (v, kind)) in variables.iter().enumerate() {
        empty(
            &mut w,
            "Variable",
            &[
                ("guid", &guid("variable", i as u64)),
                ("name", v),
                ("typeOfVariable", kind),
            ],
        )?;
    }
    end(&mut w, "Variables")?;
    if project.articles().len() > 0 {
        start(&mut w, "Sources", &[])?;
        for a in project.articles() {
            write_source(&mut w, project, a)?;
        }
        end(&mut w, "Sources")?;
    }
    let notes = notes(project);
    if !notes.is_empty() {
        start(&mut w, "Notes", &[])?;
        for (g, title, text) in &notes {
            start(&mut w, "Note", &[("guid", g), ("name", title)])?;
            text_element(&mut w, "PlainTextContent", text)?;
            end(&mut w, "Note")?;
        }
        end(&mut w, "Notes")?;
    }
    if !project.memo().is_empty() {
        empty(&mut w, "NoteRef", &[("targetGUID", &guid("memo", 0))])?;
    }
    end(&mut w, "Project")?;
    Ok(finish(w))
}

/// Every note as (guid, title, text): the memo, article notes, passage notes.
fn notes(project: &Project) -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    if !project.memo().is_empty() {
        v.push((
            guid("memo", 0),
            "Project memo".to_owned(),
            project.memo().to_owned(),
        ));
    }
    for a in project.articles().filter(|a| !a.note.is_empty()) {
        v.push((
            guid("article-note", a.id.0),
            format!("Note on {}", a.title),
            a.note.clone(),
        ));
    }
    for a in project.annotations().filter(|a| !a.note.is_empty()) {
        v.push((
            guid("passage-note", a.id.0),
            format!("Note on passage {}", a.id.0),
            a.note.clone(),
        ));
    }
    v
}

fn write_source(w: &mut W, project: &Project, a: &Article) -> std::io::Result<()> {
    let g = guid("article", a.id.0);
    let path = format!("internal://{}", source_file(a));
    start(
        w,
        "TextSource",
        &[("guid", &g), ("name", &a.title), ("plainTextPath", &path)],
    )?;
    let mut anns: Vec<&Annotation> = project.annotations_of(a.id).collect();
    anns.sort_by_key(|x| (x.span.start(), x.span.end(), x.id));
    for x in anns {
        write_selection(w, project, x)?;
    }
    if !a.note.is_empty() {
        empty(
            w,
            "NoteRef",
            &[("targetGUID", &guid("article-note", a.id.0))],
        )?;
    }
    let status = a.status.label();
    let source = a.meta.file_name.as_str();
    let date = a.meta.date.map(|d| d.to_string());
    let posted = a
        .meta
        .posted
        .map(|p| p.format("%Y-%m-%dT%H:%M:%S").to_string());
    let values: [(usize, &str, Option<&str>); 5] = [
        (0, "DateValue", date.as_deref()),
        (1, "DateTimeValue", posted.as_deref()),
        (2, "TextValue", a.meta.credit.as_deref()),
        (3, "TextValue", Some(status)),
        (4, "TextValue", Some(source).filter(|s| !s.is_empty())),
    ];
    for (i, kind, value) in values {
        if let Some(value) = value {
            start(w, "VariableValue", &[])?;
            empty(
                w,
                "VariableRef",
                &[("targetGUID", &guid("variable", i as u64))],
            )?;
            text_element(w, kind, value)?;
            end(w, "VariableValue")?;
        }
    }
    end(w, "TextSource")
}

#[allow(
    clippy::many_single_char_names,
    reason = "s and e are the selection's start and end"
)]
fn write_selection(w: &mut W, project: &Project, x: &Annotation) -> std::io::Result<()> {
    let g = guid("passage", x.id.0);
    let name: String = project
        .passage(x)
        .chars()
        .take(60)
        .collect::<String>()
        .replace('\n', " ");
    let (s, e) = (x.span.start().to_string(), x.span.end().to_string());
    let user = user_guid(x.author.as_deref().unwrap_or(DEFAULT_USER));
    let created = x.created.to_string();
    let modified = x.modified.to_string();
    start(
        w,
        "PlainTextSelection",
        &[
            ("guid", &g),
            ("name", &name),
            ("startPosition", &s),
            ("endPosition", &e),
            ("creatingUser", &user),
            ("creationDateTime", &created),
            ("modifyingUser", &user),
            ("modifiedDateTime", &modified),
        ],
    )?;
    for t in &x.tags {
        start(
            w,
            "Coding",
            &[
                ("guid", &guid(&format!("coding-{}", t.0), x.id.0)),
                ("creatingUser", &user),
                ("creationDateTime", &created),
            ],
        )?;
        empty(w, "CodeRef", &[("targetGUID", &guid("tag", t.0))])?;
        end(w, "Coding")?;
    }
    if !x.note.is_empty() {
        empty(
            w,
            "NoteRef",
            &[("targetGUID", &guid("passage-note", x.id.0))],
        )?;
    }
    end(w, "PlainTextSelection")
}

/// The codebook alone as a `.qdc` file.
///
/// # Errors
/// Only if writing to memory fails.
pub fn codebook_qdc(project: &Project) -> std::io::Result<Vec<u8>> {
    let mut w = writer()?;
    start(
        &mut w,
        "CodeBook",
        &[
            ("xmlns", CODEBOOK_NS),
            ("origin", concat!("Gloss ", env!("CARGO_PKG_VERSION"))),
        ],
    )?;
    start(&mut w, "Codes", &[])?;
    write_codes(&mut w, project, None)?;
    end(&mut w, "Codes")?;
    end(&mut w, "CodeBook")?;
    Ok(finish(w))
}

/// The `.qdpx` archive in memory.
///
/// # Errors
/// Only if zipping fails.
pub fn qdpx_bytes(project: &Project, name: &str) -> Result<Vec<u8>, RefiError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    zip.start_file("project.qde", opts)?;
    zip.write_all(&project_qde(project, name)?)?;
    for a in project.articles() {
        zip.start_file(format!("sources/{}", source_file(a)), opts)?;
        zip.write_all(a.text.as_str().as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_and_well_formed() {
        let g = guid("tag", 7);
        assert_eq!(g, guid("tag", 7));
        assert_ne!(g, guid("tag", 8));
        let re =
            regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
                .unwrap();
        assert!(re.is_match(&g), "{g}");
    }
}
