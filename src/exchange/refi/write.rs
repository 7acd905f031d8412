//! Writing REFI-QDA (QDA-XML 1.0): the project as `project.qde` (namespace
//! `urn:QDA-XML:project:1.0`) and the codebook alone as a `.qdc`
//! (`urn:QDA-XML:codebook:1.0`). The `.qdpx` zip around them is [`qdpx_bytes`].
//!
//! Positions: each source is written as its normalised text (UTF-8 without
//! BOM, LF line breaks) under `sources/`, and `startPosition`/`endPosition`
//! count Unicode code points into it, end exclusive — exactly Gloss's char
//! offsets, so nothing shifts in any reader.
//!
//! What peers read: notes are written where `QualCoder`, `MAXQDA` and `ATLAS.ti`
//! look for memos — a passage's note as its selection's `Description`, an
//! article's note as its source's `Description`, the project memo as the
//! project's `Description` — and every element that can carry them has
//! `creatingUser`, `creationDateTime` and `modifiedDateTime` from the
//! passages' authors and times. Every attribute and text node goes through
//! one escaping function ([`escape`]), so no text can make the XML
//! malformed. Ids become GUIDs derived from the project's ids, so the same
//! project always exports byte-identical files.

use std::borrow::Cow;
use std::io::Write as _;

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;

use super::grammar::{CODEBOOK_NS, DEFAULT_USER, PROJECT_NS, RefiError, guid, source_file};
use crate::model::{Annotation, Article, Project, Tag, TagId, Timestamp};

type W = Writer<Vec<u8>>;

/// Escapes text for XML 1.0: markup characters become entities, a carriage
/// return (and, in attributes, tab and line feed) a character reference so
/// parsers keep it, and characters XML 1.0 cannot carry at all (controls
/// other than tab, LF and CR; U+FFFE, U+FFFF) become U+FFFD.
#[must_use]
pub fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn element<'a>(name: &'a str, attrs: &[(&'a str, &str)]) -> BytesStart<'a> {
    let mut e = BytesStart::new(name);
    for (k, v) in attrs {
        e.push_attribute(Attribute {
            key: QName(k),
            value: Cow::Owned(escape(v, true)),
        });
    }
    e
}

fn start(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.write_event(Event::Start(element(name, attrs)))
}

fn empty(w: &mut W, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.write_event(Event::Empty(element(name, attrs)))
}

fn end(w: &mut W, name: &str) -> std::io::Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn text_element(w: &mut W, name: &str, text: &str) -> std::io::Result<()> {
    start(w, name, &[])?;
    w.write_event(Event::Text(BytesText::from_escaped(escape(text, false))))?;
    end(w, name)
}

fn writer() -> Result<W, std::io::Error> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    Ok(w)
}

fn finish(w: W) -> Vec<u8> {
    let mut v = w.into_inner();
    v.push(b'\n');
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

/// Tag names that more than one tag has (anywhere in the tree), with the
/// paths of those tags, in codebook order. `QualCoder` needs code names
/// unique across the whole tree; the REFI-QDA schema and other tools do not.
#[must_use]
pub fn shared_code_names(project: &Project) -> Vec<(String, Vec<String>)> {
    let cb = project.codebook();
    let mut by_name: Vec<(String, Vec<String>)> = Vec::new();
    for id in cb.tree_order() {
        let Some(tag) = cb.get(id) else { continue };
        match by_name.iter_mut().find(|(n, _)| *n == tag.props.name) {
            Some((_, paths)) => paths.push(cb.path(id)),
            None => by_name.push((tag.props.name.clone(), vec![cb.path(id)])),
        }
    }
    by_name.retain(|(_, paths)| paths.len() > 1);
    by_name
}

/// The users of an export: the exporting analyst first (`QualCoder` takes the
/// first user as its coder), then every author named on passages.
fn users(project: &Project, analyst: &str) -> Vec<String> {
    let mut v: Vec<String> = project
        .annotations()
        .filter_map(|a| a.author.as_deref())
        .filter(|a| *a != analyst)
        .map(str::to_owned)
        .collect();
    v.sort();
    v.dedup();
    v.insert(0, analyst.to_owned());
    v
}

/// A stable GUID for a user's name.
#[must_use]
pub fn user_guid(name: &str) -> String {
    let h = blake3::hash(name.as_bytes());
    let mut id = [0u8; 8];
    id.copy_from_slice(&h.as_bytes()[..8]);
    guid("user", u64::from_le_bytes(id))
}

/// The latest time recorded in the project (passages' changes), used for
/// what the model keeps no time of, so exports stay deterministic.
fn project_time(project: &Project) -> Timestamp {
    project
        .annotations()
        .map(|a| a.modified)
        .chain(project.articles().filter_map(|a| a.added))
        .max()
        .unwrap_or_else(|| Timestamp::from_unix(0))
}

/// The project as `project.qde` XML. `analyst` names who exports (and is
/// the author of whatever records none).
///
/// # Errors
/// Only if writing to memory fails.
pub fn project_qde(project: &Project, name: &str, analyst: &str) -> std::io::Result<Vec<u8>> {
    let analyst = if analyst.trim().is_empty() {
        DEFAULT_USER
    } else {
        analyst
    };
    let me = user_guid(analyst);
    let when = project_time(project).to_string();
    let mut w = writer()?;
    start(
        &mut w,
        "Project",
        &[
            ("xmlns", PROJECT_NS),
            ("name", name),
            ("origin", concat!("Gloss ", env!("CARGO_PKG_VERSION"))),
            ("creatingUserGUID", &me),
            ("creationDateTime", &when),
            ("modifyingUserGUID", &me),
            ("modifiedDateTime", &when),
        ],
    )?;
    start(&mut w, "Users", &[])?;
    for u in users(project, analyst) {
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
    // The articles' attributes (outlet, byline…) are variables too, typed
    // by their values.
    let attributes = attribute_variables(project);
    let variables: Vec<(&str, &str)> = variables
        .iter()
        .copied()
        .chain(attributes.iter().map(|(n, k)| (n.as_str(), *k)))
        .collect();
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
    let articles: Vec<&Article> = exported_articles(project).collect();
    if !articles.is_empty() {
        start(&mut w, "Sources", &[])?;
        for a in articles {
            write_source(&mut w, project, a, &me, &when, &attributes)?;
        }
        end(&mut w, "Sources")?;
    }
    if !project.memo().is_empty() {
        text_element(&mut w, "Description", project.memo())?;
    }
    end(&mut w, "Project")?;
    Ok(finish(w))
}

/// The articles an exchange file carries: those whose text is available.
pub(crate) fn exported_articles(project: &Project) -> impl Iterator<Item = &Article> {
    project
        .articles()
        .filter(|a| project.unavailable(a.id).is_none())
}

/// Number of the fixed variables (date, posted, credit, status, file).
const FIXED_VARIABLES: usize = 5;

/// Each attribute name with the REFI-QDA type of its values: `Float` or
/// `Date` when every value is one, else `Text`.
fn attribute_variables(project: &Project) -> Vec<(String, &'static str)> {
    use crate::model::attributes::{BUILT_IN, Value};
    crate::model::attributes::names(project.articles())
        .into_iter()
        .filter(|n| !BUILT_IN.contains(&n.as_str()))
        .map(|n| {
            let mut kinds = exported_articles(project)
                .filter_map(|a| a.meta.attributes.get(&n))
                .map(|v| match v {
                    Value::Number(_) => "Float",
                    Value::Date(_) => "Date",
                    Value::Text(_) => "Text",
                });
            let first = kinds.next().unwrap_or("Text");
            let kind = if kinds.all(|k| k == first) {
                first
            } else {
                "Text"
            };
            (n, kind)
        })
        .collect()
}

fn write_source(
    w: &mut W,
    project: &Project,
    a: &Article,
    me: &str,
    when: &str,
    attributes: &[(String, &'static str)],
) -> std::io::Result<()> {
    let g = guid("article", a.id.0);
    let path = format!("internal://{}", source_file(a));
    let added = a.added.map_or_else(|| when.to_owned(), |t| t.to_string());
    start(
        w,
        "TextSource",
        &[
            ("guid", &g),
            ("name", &a.title),
            ("plainTextPath", &path),
            ("creatingUser", me),
            ("creationDateTime", &added),
            ("modifyingUser", me),
            ("modifiedDateTime", &added),
        ],
    )?;
    if !a.note.is_empty() {
        text_element(w, "Description", &a.note)?;
    }
    let mut anns: Vec<&Annotation> = project.annotations_of(a.id).collect();
    anns.sort_by_key(|x| (x.span.start(), x.span.end(), x.id));
    for x in anns {
        write_selection(w, project, x, me)?;
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
    for (j, (name, kind)) in attributes.iter().enumerate() {
        let Some(v) = a.meta.attributes.get(name) else {
            continue;
        };
        start(w, "VariableValue", &[])?;
        empty(
            w,
            "VariableRef",
            &[(
                "targetGUID",
                &guid("variable", (FIXED_VARIABLES + j) as u64),
            )],
        )?;
        let element = match *kind {
            "Float" => "FloatValue",
            "Date" => "DateValue",
            _ => "TextValue",
        };
        text_element(w, element, &v.to_string())?;
        end(w, "VariableValue")?;
    }
    end(w, "TextSource")
}

#[allow(
    clippy::many_single_char_names,
    reason = "s and e are the selection's start and end"
)]
fn write_selection(w: &mut W, project: &Project, x: &Annotation, me: &str) -> std::io::Result<()> {
    // A passage's own id is a UUID (a GUID already) since format 3; older
    // numbered passages get one derived from their number, as before.
    let g = if x.id.is_legacy() {
        guid("passage", x.id.0)
    } else {
        x.id.key()
    };
    // The name shows the passage's text (as QualCoder's export does), on one line.
    let name: String = project
        .passage(x)
        .chars()
        .take(60)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let (s, e) = (x.span.start().to_string(), x.span.end().to_string());
    let user = x.author.as_deref().map_or_else(|| me.to_owned(), user_guid);
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
    if !x.note.is_empty() {
        text_element(w, "Description", &x.note)?;
    }
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

/// The `.qdpx` archive in memory: `project.qde` and each available article's
/// text under `sources/`, byte for byte.
///
/// # Errors
/// Only if zipping fails.
pub fn qdpx_bytes(project: &Project, name: &str, analyst: &str) -> Result<Vec<u8>, RefiError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    zip.start_file("project.qde", opts)?;
    zip.write_all(&project_qde(project, name, analyst)?)?;
    for a in exported_articles(project) {
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
        let g = guid("tag", 7u64);
        assert_eq!(g, guid("tag", 7u64));
        assert_ne!(g, guid("tag", 8u64));
        let re =
            regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
                .unwrap();
        assert!(re.is_match(&g), "{g}");
    }
}
