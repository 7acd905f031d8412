//! What brat reading and writing share: entity type names for tags, labels,
//! the comments that carry what brat cannot hold (tag paths, exact spans,
//! notes with line breaks), and how passages become fragments without line
//! breaks.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::model::{Codebook, Span, TagId, Text};

/// The comment prefix that maps an entity type back to its tag path.
pub const GLOSS_TAG_COMMENT: &str = "# gloss-tag ";

/// The `.ann` comment type that gives a passage's exact span when brat's
/// fragments leave line breaks out: `#3<TAB>GlossPassage T1<TAB>0 12`.
pub const GLOSS_PASSAGE: &str = "GlossPassage";

/// The `.ann` comment type that gives a note exactly (line breaks and
/// surrounding spaces escaped) when brat's one-line `AnnotatorNotes` cannot:
/// `#4<TAB>GlossNote T1<TAB>first\nsecond`.
pub const GLOSS_NOTE: &str = "GlossNote";

/// The brat entity type of every tag, parents before their children and
/// siblings by name (the codebook's tree order).
///
/// Types are brat's storage form (`^[A-Za-z0-9_-]+$`, what brat's own
/// `verify_annotations` and its label and colour lookup require): each level
/// of the tag's path is transliterated to ASCII (`Ωμέγα` → `Omega`), anything
/// else becomes `_`, and levels are joined with `-` (`Threat/Cyber attack` →
/// `Threat-Cyber_attack`). A level with nothing left (or only hyphens, which
/// brat reads as a separator line) is `tag_ID`. Types that would repeat, or
/// take a name brat reserves (`SPAN_DEFAULT`, …), get `_2`, `_3`, … in tree
/// order, so the same codebook always gives the same types.
#[must_use]
pub fn entity_types(codebook: &Codebook) -> Vec<(TagId, String)> {
    let mut out: Vec<(TagId, String)> = Vec::with_capacity(codebook.len());
    // brat's `visual.conf` gives these names the defaults of every span,
    // arc and attribute: a tag may not take them.
    let mut used: HashSet<String> = ["SPAN_DEFAULT", "ARC_DEFAULT", "ATTRIBUTE_DEFAULT"]
        .map(str::to_owned)
        .into();
    let mut of: BTreeMap<TagId, String> = BTreeMap::new();
    for id in codebook.tree_order() {
        let Some(tag) = codebook.get(id) else {
            continue;
        };
        let segment = type_segment(&tag.props.name).unwrap_or_else(|| format!("tag_{}", id.0));
        let base = match tag.props.parent.and_then(|p| of.get(&p)) {
            Some(parent) => format!("{parent}-{segment}"),
            None => segment,
        };
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        used.insert(name.clone());
        of.insert(id, name.clone());
        out.push((id, name));
    }
    out
}

/// True when `ty` is in brat's storage form.
#[must_use]
pub fn is_storage_form(ty: &str) -> bool {
    !ty.is_empty()
        && ty
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// One path level as part of a type name: transliterated to ASCII, letters,
/// digits, `-` and `_` kept, runs of anything else one `_`, none at either
/// end; `None` when nothing is left.
fn type_segment(name: &str) -> Option<String> {
    let ascii = deunicode::deunicode(name);
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    // A line of hyphens only is a separator to brat, not a type.
    (!out.is_empty() && !out.chars().all(|c| c == '-')).then(|| out.to_owned())
}

/// A tag name as a brat display label: on one line, with what `visual.conf`
/// would read as syntax replaced by look-alikes (`<` `>` start a macro, `|`
/// separates labels, a leading `!` marks a type unused, a TAB ends the
/// labels).
#[must_use]
pub fn label(name: &str) -> String {
    let s: String = one_line(name)
        .chars()
        .map(|c| match c {
            '<' => '‹',
            '>' => '›',
            '|' => '¦',
            '\t' => ' ',
            c => c,
        })
        .collect();
    let s = s.trim();
    match s.strip_prefix('!') {
        Some(rest) => format!("ǃ{rest}"),
        None if s.is_empty() => "<EMPTY>".to_owned(),
        None => s.to_owned(),
    }
}

/// Text (a note, a tag path) on one line that brat will not trim or split:
/// `\` → `\\`, LF → `\n`, TAB → `\t`, any other line break and whitespace
/// at either end → `\u{HEX}`.
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let last = s.chars().count().saturating_sub(1);
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_line_break(c) || ((i == 0 || i == last) && c.is_whitespace()) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The inverse of [`escape`]; an unknown or broken escape is kept as written.
#[must_use]
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (c, used) = match after.chars().next() {
            Some('\\') => (Some('\\'), 1),
            Some('n') => (Some('\n'), 1),
            Some('t') => (Some('\t'), 1),
            Some('u') => after
                .strip_prefix("u{")
                .and_then(|h| h.split_once('}'))
                .and_then(|(hex, _)| {
                    let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
                    Some((Some(c), hex.len() + 3))
                })
                .unwrap_or((None, 0)),
            _ => (None, 0),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
/// (and with them any empty pieces). A span of white space only, which brat
/// would refuse, is shown as the nearest visible character instead (the
/// span itself when the text has none).
///
/// ```text
/// text:  a b \n c d      span 0..5  ->  [0..2, 3..5]
/// text:  a b \n c d      span 2..3  ->  [1..2]
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
    // brat refuses a text-bound annotation whose text is blank: show the
    // nearest visible character instead (`GlossPassage` keeps the span).
    if out.iter().all(|f| text.slice(*f).chars().all(is_blank)) {
        return nearest_visible(text, span).map_or_else(|| vec![span], |c| vec![c]);
    }
    out
}

/// White space as Python's `str.strip` sees it (brat strips text fields).
fn is_blank(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The one-char span of the visible character nearest `span` (before it
/// first), if the text has any.
fn nearest_visible(text: &Text, span: Span) -> Option<Span> {
    let before = text.as_str()[..text.byte_of(span.start())].chars().rev();
    if let Some(back) = before.take_while(|c| is_blank(*c)).count().checked_add(1)
        && back <= span.start()
    {
        let i = span.start() - back;
        return Some(Span::between(i, i + 1));
    }
    let after = text.as_str()[text.byte_of(span.end())..].chars();
    let skip = after.clone().take_while(|c| is_blank(*c)).count();
    (span.end() + skip < text.char_len())
        .then(|| Span::between(span.end() + skip, span.end() + skip + 1))
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
