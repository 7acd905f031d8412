//! What brat reading and writing share: entity type names for tags, the
//! comment that maps them back to tag paths, and how passages become
//! fragments without line breaks.

use std::collections::{BTreeMap, HashSet};

use crate::model::{Codebook, Span, TagId, Text};

/// The comment prefix that maps an entity type back to its tag path.
pub const GLOSS_TAG_COMMENT: &str = "# gloss-tag ";

/// The brat entity type of every tag, parents before their children and
/// siblings by name (the codebook's tree order). Types are unique, contain
/// only letters, digits, `-`, `_` and `.` (between path levels), and never
/// depend on tag ids except to order siblings of the same name.
#[must_use]
pub fn entity_types(codebook: &Codebook) -> Vec<(TagId, String)> {
    let mut out: Vec<(TagId, String)> = Vec::with_capacity(codebook.len());
    let mut used: HashSet<String> = HashSet::new();
    let mut of: BTreeMap<TagId, String> = BTreeMap::new();
    for id in codebook.tree_order() {
        let Some(tag) = codebook.get(id) else {
            continue;
        };
        let segment = type_segment(&tag.props.name);
        let base = match tag.props.parent.and_then(|p| of.get(&p)) {
            Some(parent) => format!("{parent}.{segment}"),
            None => segment,
        };
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        used.insert(name.clone());
        of.insert(id, name.clone());
        out.push((id, name));
    }
    out
}

/// One path level as part of a type name: letters, digits, `-` and `_` kept,
/// anything else (spaces, `.`, punctuation) becomes `_`.
fn type_segment(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// True for the characters Python's `str.splitlines` breaks lines at, which
/// brat's reader would take as the end of an `.ann` line.
#[must_use]
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Replaces every line break ([`is_line_break`]) with a space.
#[must_use]
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect()
}

/// The pieces of `span` between line breaks, leaving the line breaks out
/// (and with them any empty pieces). A span of line breaks only is kept as
/// it is, so nothing is lost.
///
/// ```text
/// text:  a b \n c d      span 0..5  ->  [0..2, 3..5]
/// ```
#[must_use]
pub fn fragments(text: &Text, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = span.start();
    let mut end = span.start();
    for c in text.slice(span).chars() {
        if is_line_break(c) {
            if end > start {
                out.push(Span::between(start, end));
            }
            start = end + 1;
        }
        end += 1;
    }
    if end > start {
        out.push(Span::between(start, end));
    }
    if out.is_empty() {
        out.push(span);
    }
    out
}

/// The text field brat expects for these fragments: their texts, line breaks
/// as spaces, joined by a space.
#[must_use]
pub fn covered_text(text: &Text, fragments: &[Span]) -> String {
    fragments
        .iter()
        .map(|f| one_line(text.slice(*f)))
        .collect::<Vec<_>>()
        .join(" ")
}
