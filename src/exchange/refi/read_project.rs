//! Reading a REFI-QDA `project.qde` into one undoable action: sources become
//! articles (or annotate the articles already holding the same text), coded
//! selections become passages, and every kind of note the peers write lands
//! somewhere a user can see it.
//!
//! Where notes come from, and where they go:
//! - `Project/Description` and `Project/NoteRef` → the project memo;
//! - `TextSource/Description` and its plain `NoteRef`s → the article's note;
//! - `PlainTextSelection/Description` and its `NoteRef`s → the passage's note;
//! - annotation-style notes (a `Note` holding its own `PlainTextSelection`,
//!   as `QualCoder` writes them) and uncoded selections with a description
//!   (as `MAXQDA` writes comments) → the note of the passage with exactly that
//!   span, or else a line `[chars S–E “quote”] text` in the article's note;
//! - journals (`Note`s no element refers to) → a section `## NAME` of the
//!   project memo.
//!
//! The same text reaching one place twice (a `Description` and a `NoteRef`
//! to an identical `Note`, as some exporters write both) is kept once.
//!
//! Positions count code points of the source text as stored (a BOM not
//! counted, CRLF as two), except in files whose `origin` names `ATLAS.ti`,
//! which counts a line break as one character whatever its bytes.

use std::collections::{HashMap, HashSet};

use super::build::{Builder, RefiReport, parse_time};
use super::grammar::RefiError;
use super::xml::{Node, parse_xml};
use crate::model::TagSet;
use crate::model::text::OffsetMap;
use crate::model::{
    Action, Annotation, Article, ArticleId, ContentHash, Metadata, Project, ReviewStatus,
    SourceFormat, Span, Text, Timestamp, ops, plural,
};

/// Where a source's text came from, for the article's source path.
pub(super) enum SourceText {
    /// Read from this path (an archive member or an allowed outside file).
    File(std::path::PathBuf),
    /// Inline `PlainTextContent`.
    Inline,
}

/// Reads one `plainTextPath` (`internal://…`, `relative://…`, `absolute://…`)
/// into bytes and the path the text counts as coming from.
pub(super) type ReadSource<'a> =
    dyn FnMut(&str) -> Result<(Vec<u8>, std::path::PathBuf), String> + 'a;

/// A `<Note>` of the project.
struct NoteEntry {
    name: String,
    text: String,
    /// The raw positions it annotates, for annotation-style notes.
    selection: Option<(usize, usize)>,
}

/// A note on a stretch of a source that is not (only) a coded selection.
struct Remark {
    /// Raw positions.
    start: usize,
    end: usize,
    text: String,
}

/// How positions count line breaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Positions {
    /// Code points of the stored text (CRLF is two).
    Raw,
    /// One per line break, whatever its bytes (`ATLAS.ti`).
    LineBreakIsOne,
}

/// Keeps each distinct, non-blank text once, in order.
fn join_notes(parts: impl IntoIterator<Item = String>) -> String {
    let mut seen = HashSet::new();
    let kept: Vec<String> = parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .filter(|p| seen.insert(p.trim().to_owned()))
        .collect();
    kept.join("\n\n")
}

/// `existing` followed by whichever `new` parts it does not already hold.
fn append_notes(existing: &str, new: impl IntoIterator<Item = String>) -> String {
    join_notes(
        std::iter::once(existing.to_owned())
            .chain(new.into_iter().filter(|p| !existing.contains(p.trim()))),
    )
}

/// A passage's text shortened for a note line.
fn short_quote(text: &str) -> String {
    const MAX: usize = 60;
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let cut: String = one_line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

fn raw_positions(sel: &Node) -> Option<(usize, usize)> {
    let s = sel.attr("startPosition")?.trim().parse().ok()?;
    let e = sel.attr("endPosition")?.trim().parse().ok()?;
    Some((s, e))
}

struct Reader<'p, 'r> {
    b: Builder<'p>,
    read_source: &'r mut ReadSource<'r>,
    notes: HashMap<String, NoteEntry>,
    note_order: Vec<String>,
    used_notes: HashSet<String>,
    positions: Positions,
    variables: HashMap<String, String>,
    new_articles: Vec<Article>,
    hashes: HashMap<ContentHash, ArticleId>,
    annotations: Vec<Annotation>,
    /// Notes for articles already in the project.
    article_notes: Vec<(ArticleId, Vec<String>)>,
    present: usize,
}

pub(super) fn import_xml<'r>(
    project: &Project,
    xml: &str,
    read_source: &'r mut ReadSource<'r>,
) -> Result<(Action, RefiReport), RefiError> {
    let root = parse_xml(xml)?;
    if root.name != "Project" {
        return Err(RefiError::Invalid(format!(
            "the root element is <{}>, not <Project>",
            root.name
        )));
    }
    let origin = root.attr("origin").unwrap_or_default();
    let mut r = Reader {
        b: Builder::new(project),
        read_source,
        notes: HashMap::new(),
        note_order: Vec::new(),
        used_notes: HashSet::new(),
        positions: if origin.to_ascii_lowercase().contains("atlas") {
            Positions::LineBreakIsOne
        } else {
            Positions::Raw
        },
        variables: HashMap::new(),
        new_articles: Vec::new(),
        hashes: HashMap::new(),
        annotations: Vec::new(),
        article_notes: Vec::new(),
        present: 0,
    };
    for u in root.kid("Users").into_iter().flat_map(|u| u.kids("User")) {
        if let (Some(g), Some(n)) = (u.attr("guid"), u.attr("name")) {
            r.b.users.insert(g.to_ascii_lowercase(), n.to_owned());
        }
    }
    r.read_notes(&root);
    if let Some(codes) = root.kid("CodeBook").and_then(|c| c.kid("Codes")) {
        r.b.code_notes = r
            .notes
            .iter()
            .map(|(g, n)| (g.clone(), n.text.clone()))
            .collect();
        r.b.codes(codes, None);
        r.code_note_refs(codes);
    }
    r.variables = root
        .kid("Variables")
        .into_iter()
        .flat_map(|v| v.kids("Variable"))
        .filter_map(|v| {
            Some((
                v.attr("guid")?.to_ascii_lowercase(),
                v.attr("name")?.to_owned(),
            ))
        })
        .collect();
    for (what, name) in [
        ("Cases", "case"),
        ("Sets", "set"),
        ("Links", "link"),
        ("Graphs", "graph"),
    ] {
        if let Some(n) = root.kid(what) {
            let k = n.children.len();
            if k > 0 {
                r.b.report
                    .skipped
                    .push(format!("{}: Gloss has no {name}s", plural(k, name)));
            }
        }
    }
    let mut memo_parts = vec![description(&root)];
    memo_parts.extend(r.note_refs(&root).0);
    for src in root
        .kid("Sources")
        .into_iter()
        .flat_map(|s| s.children.iter())
    {
        r.source(src);
    }
    memo_parts.extend(r.journals());
    Ok(r.finish(memo_parts))
}

/// The text of an element's `<Description>`, if any.
fn description(node: &Node) -> String {
    node.kid("Description")
        .map(|d| d.text.clone())
        .unwrap_or_default()
}

impl Reader<'_, '_> {
    /// Marks the notes codes refer to as used (`Builder::codes` puts them in
    /// the tags' descriptions).
    fn code_note_refs(&mut self, codes: &Node) {
        for c in codes.kids("Code") {
            for g in c.kids("NoteRef").filter_map(|n| n.attr("targetGUID")) {
                self.used_notes.insert(g.to_ascii_lowercase());
            }
            self.code_note_refs(c);
        }
    }

    fn read_notes(&mut self, root: &Node) {
        for n in root.kid("Notes").into_iter().flat_map(|n| n.kids("Note")) {
            let name = n.attr("name").unwrap_or_default().trim().to_owned();
            let text = match (n.kid("PlainTextContent"), n.attr("plainTextPath")) {
                (Some(t), _) => t.text.clone(),
                (None, Some(p)) => match (self.read_source)(p).and_then(|(bytes, _)| {
                    crate::io::decode::decode_declared_text(&bytes)
                        .map(|d| d.text)
                        .map_err(|e| format!("{p}: {e}"))
                }) {
                    Ok(t) => t,
                    Err(e) => {
                        self.b
                            .report
                            .skipped
                            .push(format!("note {name:?}: its text cannot be read: {e}"));
                        continue;
                    }
                },
                _ => String::new(),
            };
            // A note without a guid cannot be referred to: it is a journal.
            let guid = n.attr("guid").map_or_else(
                || format!("#{}", self.note_order.len()),
                str::to_ascii_lowercase,
            );
            let selection = n.kid("PlainTextSelection").and_then(raw_positions);
            self.note_order.push(guid.clone());
            self.notes.insert(
                guid,
                NoteEntry {
                    name,
                    text: crate::model::text::normalise(&text),
                    selection,
                },
            );
        }
    }

    /// The texts of `node`'s `NoteRef`s: plain notes, and annotation-style
    /// notes (with their own selection) as remarks.
    fn note_refs(&mut self, node: &Node) -> (Vec<String>, Vec<Remark>) {
        let mut plain = Vec::new();
        let mut remarks = Vec::new();
        for g in node.kids("NoteRef").filter_map(|r| r.attr("targetGUID")) {
            let g = g.to_ascii_lowercase();
            let Some(n) = self.notes.get(&g) else {
                self.b
                    .report
                    .warnings
                    .push(format!("a NoteRef names note {g}, which the file lacks"));
                continue;
            };
            self.used_notes.insert(g);
            match n.selection {
                Some((start, end)) => remarks.push(Remark {
                    start,
                    end,
                    text: n.text.clone(),
                }),
                None => plain.push(n.text.clone()),
            }
        }
        (plain, remarks)
    }

    /// Notes no element refers to, as project memo sections.
    fn journals(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for g in &self.note_order {
            if self.used_notes.contains(g) {
                continue;
            }
            let Some(n) = self.notes.get(g) else { continue };
            if n.text.trim().is_empty() {
                continue;
            }
            let heading = if n.name.is_empty() { "Note" } else { &n.name };
            out.push(format!("## {heading}\n\n{}", n.text.trim_end()));
        }
        out
    }

    /// The text of a source and the path it came from.
    fn source_text(&mut self, src: &Node, sname: &str) -> Option<(String, SourceText)> {
        let raw = match (src.kid("PlainTextContent"), src.attr("plainTextPath")) {
            (Some(t), _) => Ok((t.text.clone(), SourceText::Inline)),
            (None, Some(p)) => (self.read_source)(p).and_then(|(bytes, path)| {
                crate::io::decode::decode_declared_text(&bytes)
                    .map(|d| (d.text, SourceText::File(path)))
                    .map_err(|e| format!("{p}: {e}"))
            }),
            _ => Err("no text (neither PlainTextContent nor plainTextPath)".to_owned()),
        };
        match raw {
            Ok(r) => Some(r),
            Err(e) => {
                self.b.report.skipped.push(format!("source {sname:?}: {e}"));
                None
            }
        }
    }

    fn new_article_meta(&mut self, src: &Node, sname: &str) -> (Metadata, ReviewStatus) {
        let mut meta = Metadata {
            file_name: sname.to_owned(),
            format: SourceFormat::Text,
            encoding: "UTF-8".into(),
            ..Metadata::default()
        };
        let mut status = ReviewStatus::Unread;
        for v in src.kids("VariableValue") {
            let name = v
                .kid("VariableRef")
                .and_then(|r| r.attr("targetGUID"))
                .and_then(|g| self.variables.get(&g.to_ascii_lowercase()));
            let value_node = v.children.iter().find(|c| c.name != "VariableRef");
            let value = value_node.map(|c| c.text.trim().to_owned());
            match (name.map(String::as_str), value) {
                (Some("Date"), Some(d)) => {
                    meta.date = chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok();
                }
                (Some("Posted"), Some(d)) => {
                    meta.posted =
                        chrono::NaiveDateTime::parse_from_str(&d, "%Y-%m-%dT%H:%M:%S").ok();
                }
                (Some("Credit"), Some(c)) => meta.credit = Some(c),
                (Some("Review status"), Some(s)) => {
                    status = ReviewStatus::parse(&s).unwrap_or_default();
                }
                (Some("Source file"), Some(f)) => meta.file_name = f,
                // Any other variable is an article attribute, typed by
                // its value element.
                (Some(other), Some(text)) => {
                    use crate::model::attributes::Value;
                    let kind = value_node.map_or("TextValue", |c| c.name.as_str());
                    let value = match kind {
                        "FloatValue" | "IntegerValue" => text
                            .parse::<f64>()
                            .ok()
                            .filter(|n| n.is_finite())
                            .map_or_else(|| Value::Text(text.clone()), Value::Number),
                        "DateValue" => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                            .map_or_else(|_| Value::Text(text.clone()), Value::Date),
                        _ => Value::Text(text),
                    };
                    meta.attributes.insert(other.to_owned(), value);
                }
                _ => {}
            }
        }
        (meta, status)
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one source: its text, article, selections and remarks in order"
    )]
    fn source(&mut self, src: &Node) {
        let sname = src.attr("name").unwrap_or("(unnamed)").to_owned();
        if src.name != "TextSource" {
            self.b.report.skipped.push(format!(
                "{} {sname:?}: Gloss reads text sources only",
                src.name
            ));
            return;
        }
        let Some((raw, from)) = self.source_text(src, &sname) else {
            return;
        };
        let (text, map) = OffsetMap::normalise(&raw);
        let len = text.chars().count();
        // Positions → normalised offsets, or None when outside the text.
        let positions = self.positions;
        let to_span = |(s, e): (usize, usize)| -> Option<Span> {
            let span = match positions {
                Positions::Raw if s <= e && e <= map.raw_len() => {
                    Span::new(map.map(s), map.map(e)).ok()
                }
                Positions::LineBreakIsOne if s <= e && e <= len => Span::new(s, e).ok(),
                _ => None,
            };
            span.filter(|sp| !sp.is_empty() && sp.end() <= len)
        };
        let hash = ContentHash::of(&text);
        let mut note_parts = vec![description(src)];
        let (plain, mut remarks) = self.note_refs(src);
        note_parts.extend(plain);
        let existing = self
            .b
            .project
            .article_by_hash(&hash)
            .or_else(|| self.hashes.get(&hash).copied());
        let article_id = if let Some(id) = existing {
            self.b.report.articles_matched += 1;
            id
        } else {
            let id = self.b.project.ids().article();
            let (meta, status) = self.new_article_meta(src, &sname);
            let source = match from {
                SourceText::File(p) => p,
                SourceText::Inline => std::path::PathBuf::new(),
            };
            self.new_articles.push(Article {
                id,
                source,
                text: Text::new(text.as_str()),
                hash: hash.clone(),
                meta,
                title: sname.clone(),
                status,
                note: String::new(),
                note_by: None,
                added: parse_time(src.attr("creationDateTime")),
            });
            self.hashes.insert(hash, id);
            self.b.report.articles_added += 1;
            id
        };
        let selections = src.kids("PlainTextSelection").map(|s| (s, false));
        // Codings on the whole source apply to its whole text.
        let whole = src.kids("Coding").next().map(|_| (src, true));
        for (sel, whole_doc) in selections.chain(whole) {
            let label = sel
                .attr("name")
                .or(sel.attr("guid"))
                .unwrap_or("?")
                .to_owned();
            let raw_span = if whole_doc {
                Some((0, usize::MAX))
            } else {
                raw_positions(sel)
            };
            let span = if whole_doc {
                Span::new(0, len).ok().filter(|s| !s.is_empty())
            } else {
                raw_span.and_then(to_span)
            };
            let Some(span) = span else {
                self.b.report.skipped.push(format!(
                    "selection {label:?} in {sname:?}: positions missing or outside the text ({len} chars)"
                ));
                continue;
            };
            let note = if whole_doc {
                String::new()
            } else {
                let (plain, sel_remarks) = self.note_refs(sel);
                remarks.extend(sel_remarks);
                join_notes(std::iter::once(description(sel)).chain(plain))
            };
            let tags: TagSet = sel
                .kids("Coding")
                .filter_map(|c| c.kid("CodeRef").and_then(|r| r.attr("targetGUID")))
                .filter_map(|g| self.b.tags.get(&g.to_ascii_lowercase()).copied())
                .collect();
            if tags.is_empty() {
                if note.trim().is_empty() {
                    self.b.report.skipped.push(format!(
                        "selection {label:?} in {sname:?}: no code and no note (Gloss passages carry at least one tag)"
                    ));
                } else if let Some((start, end)) = raw_span {
                    remarks.push(Remark {
                        start,
                        end,
                        text: note,
                    });
                }
                continue;
            }
            let author = sel
                .attr("creatingUser")
                .and_then(|g| self.b.users.get(&g.to_ascii_lowercase()))
                .filter(|n| n.as_str() != super::grammar::DEFAULT_USER)
                .map(|n| std::sync::Arc::from(n.as_str()));
            let created = parse_time(sel.attr("creationDateTime")).unwrap_or_else(Timestamp::now);
            let modified = parse_time(sel.attr("modifiedDateTime")).unwrap_or(created);
            // Identical spans on the same article merge into one passage.
            if let Some(a) = self
                .annotations
                .iter_mut()
                .find(|a| a.article == article_id && a.span == span)
            {
                a.tags.extend(tags);
                a.note = append_notes(&a.note, [note]);
                continue;
            }
            // A passage the project already holds (the same file imported again).
            if self
                .b
                .project
                .annotations_of(article_id)
                .any(|a| a.span == span && tags.is_subset(&a.tags) && a.note.contains(note.trim()))
            {
                self.present += 1;
                continue;
            }
            let id = self.b.project.ids().annotation();
            self.annotations.push(Annotation {
                id,
                article: article_id,
                span,
                tags,
                note,
                note_by: None,
                author,
                created,
                modified,
                adjudication: None,
            });
        }
        // Remarks: onto the passage with exactly their span, else into the
        // article's note with where they were.
        for rm in remarks {
            let Some(span) = to_span((rm.start, rm.end)) else {
                self.b.report.skipped.push(format!(
                    "a note on positions {}–{} in {sname:?}: outside the text ({len} chars): {:?}",
                    rm.start,
                    rm.end,
                    short_quote(&rm.text)
                ));
                continue;
            };
            if let Some(a) = self
                .annotations
                .iter_mut()
                .find(|a| a.article == article_id && a.span == span)
            {
                a.note = append_notes(&a.note, [rm.text]);
                continue;
            }
            let quote: String = text.chars().skip(span.start()).take(span.len()).collect();
            self.b.report.warnings.push(format!(
                "a note on chars {}–{} of {sname:?} has no coded passage there; it is in the article's note",
                span.start(),
                span.end()
            ));
            note_parts.push(format!(
                "[chars {}–{} “{}”] {}",
                span.start(),
                span.end(),
                short_quote(&quote),
                rm.text.trim()
            ));
        }
        self.article_notes.push((article_id, note_parts));
    }

    fn finish(mut self, memo_parts: Vec<String>) -> (Action, RefiReport) {
        let project = self.b.project;
        let memo = append_notes(project.memo(), memo_parts);
        if memo != project.memo() {
            self.b.actions.push(Action::SetMemo(memo));
        }
        // Notes of articles added now go in with them; notes of matched
        // articles are appended to what they hold.
        let mut matched_notes: Vec<(ArticleId, String)> = Vec::new();
        for (id, parts) in self.article_notes {
            if let Some(a) = self.new_articles.iter_mut().find(|a| a.id == id) {
                a.note = append_notes(&a.note, parts);
            } else if let Some(a) = project.article(id) {
                let before = matched_notes
                    .iter()
                    .find(|(m, _)| *m == id)
                    .map_or_else(|| a.note.clone(), |(_, n)| n.clone());
                let after = append_notes(&before, parts);
                if after != a.note {
                    matched_notes.retain(|(m, _)| *m != id);
                    matched_notes.push((id, after));
                }
            }
        }
        if !self.new_articles.is_empty() {
            self.b.actions.push(ops::add_articles(self.new_articles));
        }
        self.b
            .actions
            .extend(
                matched_notes
                    .into_iter()
                    .map(|(article, note)| Action::SetArticleNote {
                        article,
                        note,
                        by: None,
                    }),
            );
        self.b.report.annotations = self.annotations.len();
        self.b.report.already_present = self.present;
        self.b.actions.extend(
            self.annotations
                .into_iter()
                .map(|a| Action::AddAnnotation(Box::new(a))),
        );
        self.b.finish("import REFI-QDA project")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_kept_once_in_order() {
        assert_eq!(
            join_notes(["a".into(), String::new(), "b".into(), "a ".into()]),
            "a\n\nb"
        );
        assert_eq!(
            append_notes("x\n\ny", ["y".into(), "z".into()]),
            "x\n\ny\n\nz"
        );
        assert_eq!(append_notes("", ["z".into()]), "z");
    }

    #[test]
    fn long_quotes_are_shortened_on_one_line() {
        assert_eq!(short_quote("a\nb"), "a b");
        let long = "x".repeat(100);
        assert_eq!(short_quote(&long).chars().count(), 60);
    }
}
