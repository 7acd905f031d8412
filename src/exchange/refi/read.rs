//! REFI-QDA files: writing `.qdpx` (a zip of `project.qde` and the texts
//! under `sources/`) and `.qdc`, and importing both into a project.
//!
//! On import, positions count Unicode code points in the source text as the
//! file gives it; a byte-order mark is not counted and each CRLF counts as
//! two, so offsets are converted to Gloss's normalised text (LF) exactly with
//! [`OffsetMap`]. Whatever Gloss cannot represent (pictures, PDFs, audio,
//! video, cases, sets, links, graphs, selections without a code) is counted
//! in the report, never dropped silently.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::grammar::RefiError;
use super::xml::{Node, parse_xml};
use crate::model::text::OffsetMap;
use crate::model::{
    Action, Annotation, Article, ArticleId, Colour, ContentHash, Metadata, Project, ReviewStatus,
    SourceFormat, Span, Tag, TagId, TagProps, Text, Timestamp, ops,
};

// ---------------------------------------------------------------- import

/// What an import did and what it could not represent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RefiReport {
    /// Tags created.
    pub tags_added: usize,
    /// Articles added.
    pub articles_added: usize,
    /// Sources whose text was already in the project (annotated in place).
    pub articles_matched: usize,
    /// Passages added.
    pub annotations: usize,
    /// Things not imported, each with where and why.
    pub skipped: Vec<String>,
    /// Things imported differently than the file said (e.g. a bad colour).
    pub warnings: Vec<String>,
}

/// How a `.qdpx` import may read sources.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Sources the project names outside the archive (`absolute://` and
    /// `relative://` paths) are read only when they are regular files inside
    /// this folder; without it, only the archive's own sources are read.
    pub external_sources: Option<std::path::PathBuf>,
}

/// Reads a source named outside the archive, if `allowed` lets it.
fn read_external(named: &str, path: &Path, allowed: Option<&Path>) -> Result<Vec<u8>, String> {
    let Some(allowed) = allowed else {
        return Err(format!(
            "{named} is outside the archive; not read (pass --allow-external-sources FOLDER to read files inside FOLDER)"
        ));
    };
    let shown = crate::io::paths::shown;
    let folder = std::fs::canonicalize(allowed)
        .map_err(|e| format!("the allowed folder {}: {e}", shown(allowed)))?;
    let target = std::fs::canonicalize(path).map_err(|e| format!("{named}: {e}"))?;
    if !target.starts_with(&folder) {
        return Err(format!(
            "{named} is outside the allowed folder {}; not read",
            shown(allowed)
        ));
    }
    crate::io::read::read_input(&target).map_err(|e| format!("{named}: {e}"))
}

/// Imports a `.qdpx` archive into `project` as one undoable action.
///
/// # Errors
/// [`RefiError`] when the archive or its XML cannot be read.
pub fn import_qdpx(
    project: &Project,
    path: &Path,
    opts: &ImportOptions,
) -> Result<(Action, RefiReport), RefiError> {
    let mut zip = crate::io::zipread::BoundedZip::open(path)?;
    let qde_name = zip
        .names()
        .into_iter()
        .find(|n| n.to_ascii_lowercase().ends_with(".qde"))
        .ok_or_else(|| RefiError::Invalid("the archive has no project.qde".into()))?;
    let xml = zip.read_text(&qde_name)?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    let allowed = opts.external_sources.as_deref();
    let mut read_source = |p: &str| -> Result<Vec<u8>, String> {
        if let Some(rest) = p.strip_prefix("internal://") {
            // NVivo writes `Sources/`; the standard says `sources/`.
            let name = format!("sources/{rest}");
            let found = zip.find(&name).unwrap_or(name);
            zip.read(&found).map_err(|e| e.to_string())
        } else if let Some(rest) = p.strip_prefix("relative://") {
            read_external(p, &base.join(rest), allowed)
        } else if let Some(rest) = p.strip_prefix("absolute://") {
            read_external(p, Path::new(rest), allowed)
        } else {
            Err(format!("unknown path scheme in {p:?}"))
        }
    };
    import_xml(project, &xml, &mut read_source)
}

/// Imports a `.qdc` codebook into `project` as one undoable action.
///
/// # Errors
/// [`RefiError`] when the file cannot be read or parsed.
pub fn import_qdc(project: &Project, path: &Path) -> Result<(Action, RefiReport), RefiError> {
    let bytes = crate::io::read::read_input(path)?;
    let xml = String::from_utf8(bytes).map_err(|e| {
        RefiError::Xml(format!(
            "not UTF-8 text (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let root = parse_xml(&xml)?;
    if root.name != "CodeBook" {
        return Err(RefiError::Invalid(format!(
            "the root element is <{}>, not <CodeBook>",
            root.name
        )));
    }
    let mut b = Builder::new(project);
    if let Some(codes) = root.kid("Codes") {
        b.codes(codes, None);
    }
    Ok(b.finish("import codebook"))
}

struct Builder<'p> {
    project: &'p Project,
    actions: Vec<Action>,
    report: RefiReport,
    tags: HashMap<String, TagId>,
    created: BTreeSet<(Option<TagId>, String)>,
    created_ids: HashMap<(Option<TagId>, String), TagId>,
    notes: HashMap<String, String>,
    users: HashMap<String, String>,
}

impl<'p> Builder<'p> {
    fn new(project: &'p Project) -> Self {
        Self {
            project,
            actions: Vec::new(),
            report: RefiReport::default(),
            tags: HashMap::new(),
            created: BTreeSet::new(),
            created_ids: HashMap::new(),
            notes: HashMap::new(),
            users: HashMap::new(),
        }
    }

    fn finish(self, label: &str) -> (Action, RefiReport) {
        (
            Action::Batch {
                label: label.to_owned(),
                actions: self.actions,
            },
            self.report,
        )
    }

    /// The tag `name` under `parent`: existing, created earlier in this
    /// import, or new.
    fn tag(
        &mut self,
        name: &str,
        parent: Option<TagId>,
        colour: Option<Colour>,
        description: &str,
    ) -> TagId {
        let name = {
            let n = name.trim().replace('/', "∕");
            if n.is_empty() {
                "(unnamed)".to_owned()
            } else {
                n
            }
        };
        if let Some(t) = self
            .project
            .codebook()
            .children(parent)
            .iter()
            .find(|t| t.props.name == name)
            .map(|t| t.id)
        {
            return t;
        }
        if let Some(t) = self.created_ids.get(&(parent, name.clone())) {
            return *t;
        }
        let id = self.project.ids().tag();
        let colour = colour.unwrap_or_else(|| {
            crate::model::codebook::PALETTE[(self.project.codebook().len() + self.created.len())
                % crate::model::codebook::PALETTE.len()]
        });
        self.actions.push(Action::AddTag(Tag {
            id,
            props: TagProps {
                name: name.clone(),
                colour,
                parent,
                shortcut: None,
                description: description.to_owned(),
            },
        }));
        self.created.insert((parent, name.clone()));
        self.created_ids.insert((parent, name), id);
        self.report.tags_added += 1;
        id
    }

    fn codes(&mut self, codes: &Node, parent: Option<TagId>) {
        for c in codes.kids("Code") {
            let name = c.attr("name").unwrap_or_default();
            let colour = c.attr("color").and_then(|raw| {
                let c = parse_colour(raw);
                if c.is_none() {
                    self.report.warnings.push(format!(
                        "code {name:?}: colour {raw:?} is not #rrggbb; Gloss chose one"
                    ));
                }
                c
            });
            let desc = c
                .kid("Description")
                .map(|d| d.text.trim().to_owned())
                .unwrap_or_default();
            let id = self.tag(name, parent, colour, &desc);
            if let Some(g) = c.attr("guid") {
                self.tags.insert(g.to_ascii_lowercase(), id);
            }
            if c.kids("NoteRef").next().is_some() {
                self.report.skipped.push(format!(
                    "code {name:?}: notes on codes are not kept (Gloss keeps a description)"
                ));
            }
            self.codes(c, Some(id));
        }
    }

    fn note_text(&self, node: &Node) -> String {
        let texts: Vec<&str> = node
            .kids("NoteRef")
            .filter_map(|r| r.attr("targetGUID"))
            .filter_map(|g| self.notes.get(&g.to_ascii_lowercase()).map(String::as_str))
            .collect();
        texts.join("\n\n")
    }
}

/// A colour as `#rgb` or `#rrggbb`; anything else (including non-ASCII
/// text) is `None`.
fn parse_colour(s: &str) -> Option<Colour> {
    let s = s.trim();
    let hex = s.strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        3 => {
            let doubled: String = hex.chars().flat_map(|c| [c, c]).collect();
            format!("#{doubled}").parse().ok()
        }
        6 => s.parse().ok(),
        _ => None,
    }
}

fn parse_time(s: Option<&str>) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s?)
        .ok()
        .map(|t| Timestamp(t.with_timezone(&chrono::Utc)))
}

#[allow(
    clippy::too_many_lines,
    reason = "one walk over the project's elements"
)]
fn import_xml(
    project: &Project,
    xml: &str,
    read_source: &mut dyn FnMut(&str) -> Result<Vec<u8>, String>,
) -> Result<(Action, RefiReport), RefiError> {
    let root = parse_xml(xml)?;
    if root.name != "Project" {
        return Err(RefiError::Invalid(format!(
            "the root element is <{}>, not <Project>",
            root.name
        )));
    }
    let mut b = Builder::new(project);
    for u in root.kid("Users").into_iter().flat_map(|u| u.kids("User")) {
        if let (Some(g), Some(n)) = (u.attr("guid"), u.attr("name")) {
            b.users.insert(g.to_ascii_lowercase(), n.to_owned());
        }
    }
    if let Some(codes) = root.kid("CodeBook").and_then(|c| c.kid("Codes")) {
        b.codes(codes, None);
    }
    for n in root.kid("Notes").into_iter().flat_map(|n| n.kids("Note")) {
        let text = match (n.kid("PlainTextContent"), n.attr("plainTextPath")) {
            (Some(t), _) => t.text.clone(),
            (None, Some(p)) => read_source(p)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default(),
            _ => String::new(),
        };
        if let Some(g) = n.attr("guid") {
            b.notes
                .insert(g.to_ascii_lowercase(), crate::model::text::normalise(&text));
        }
    }
    let variables: HashMap<String, String> = root
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
                b.report
                    .skipped
                    .push(format!("{k} {name}(s): Gloss has no {name}s"));
            }
        }
    }
    let mut memo = b.note_text(&root);
    if let Some(d) = root.kid("Description") {
        let d = d.text.trim();
        if !d.is_empty() {
            memo = if memo.is_empty() {
                d.to_owned()
            } else {
                format!("{d}\n\n{memo}")
            };
        }
    }
    if !memo.is_empty() && memo != b.project.memo() {
        let merged = if b.project.memo().is_empty() {
            memo
        } else {
            format!("{}\n\n{memo}", b.project.memo())
        };
        b.actions.push(Action::SetMemo(merged));
    }
    let mut new_articles: Vec<Article> = Vec::new();
    let mut hashes: HashMap<ContentHash, ArticleId> = HashMap::new();
    let mut annotations: Vec<Annotation> = Vec::new();
    for src in root
        .kid("Sources")
        .into_iter()
        .flat_map(|s| s.children.iter())
    {
        let sname = src.attr("name").unwrap_or("(unnamed)").to_owned();
        if src.name != "TextSource" {
            b.report.skipped.push(format!(
                "{} {sname:?}: Gloss reads text sources only",
                src.name
            ));
            continue;
        }
        let raw = match (src.kid("PlainTextContent"), src.attr("plainTextPath")) {
            (Some(t), _) => Ok(t.text.clone()),
            (None, Some(p)) => read_source(p).and_then(|bytes| {
                crate::io::decode::decode(&bytes)
                    .map(|d| d.text)
                    .map_err(|e| format!("{p}: {e}"))
            }),
            _ => Err("no text (neither PlainTextContent nor plainTextPath)".to_owned()),
        };
        let raw = match raw {
            Ok(r) => r,
            Err(e) => {
                b.report.skipped.push(format!("source {sname:?}: {e}"));
                continue;
            }
        };
        let (text, map) = OffsetMap::normalise(&raw);
        let hash = ContentHash::of(&text);
        let article_id = if let Some(id) = b
            .project
            .article_by_hash(&hash)
            .or_else(|| hashes.get(&hash).copied())
        {
            b.report.articles_matched += 1;
            id
        } else {
            let id = b.project.ids().article();
            let mut meta = Metadata {
                file_name: sname.clone(),
                format: SourceFormat::Text,
                encoding: "UTF-8".into(),
                ..Metadata::default()
            };
            let mut status = ReviewStatus::Unread;
            for v in src.kids("VariableValue") {
                let name = v
                    .kid("VariableRef")
                    .and_then(|r| r.attr("targetGUID"))
                    .and_then(|g| variables.get(&g.to_ascii_lowercase()));
                let value = v
                    .children
                    .iter()
                    .find(|c| c.name != "VariableRef")
                    .map(|c| c.text.trim().to_owned());
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
                    (Some(other), _) => b.report.skipped.push(format!(
                        "source {sname:?}: variable {other:?} has no place in Gloss"
                    )),
                    _ => {}
                }
            }
            new_articles.push(Article {
                id,
                source: std::path::PathBuf::from(&sname),
                text: Text::new(text.as_str()),
                hash: hash.clone(),
                meta,
                title: sname.clone(),
                status,
                note: b.note_text(src),
            });
            hashes.insert(hash, id);
            b.report.articles_added += 1;
            id
        };
        let len = text.chars().count();
        let selections = src.kids("PlainTextSelection").map(|s| (s, false));
        // Codings on the whole source apply to its whole text.
        let whole = src.kids("Coding").next().map(|_| (src, true));
        for (sel, whole_doc) in selections.chain(whole) {
            let label = sel
                .attr("name")
                .or(sel.attr("guid"))
                .unwrap_or("?")
                .to_owned();
            let span = if whole_doc {
                Span::new(0, len).ok()
            } else {
                let s = sel
                    .attr("startPosition")
                    .and_then(|v| v.trim().parse::<usize>().ok());
                let e = sel
                    .attr("endPosition")
                    .and_then(|v| v.trim().parse::<usize>().ok());
                match (s, e) {
                    (Some(s), Some(e)) if s <= e && e <= map.raw_len() => {
                        Span::new(map.map(s), map.map(e)).ok()
                    }
                    _ => None,
                }
            };
            let Some(span) = span.filter(|s| !s.is_empty() && s.end() <= len) else {
                b.report.skipped.push(format!("selection {label:?} in {sname:?}: positions missing or outside the text ({len} chars)"));
                continue;
            };
            let tags: BTreeSet<TagId> = sel
                .kids("Coding")
                .filter_map(|c| c.kid("CodeRef").and_then(|r| r.attr("targetGUID")))
                .filter_map(|g| b.tags.get(&g.to_ascii_lowercase()).copied())
                .collect();
            if tags.is_empty() {
                b.report.skipped.push(format!("selection {label:?} in {sname:?}: no code (Gloss passages carry at least one tag)"));
                continue;
            }
            let author = sel
                .attr("creatingUser")
                .and_then(|g| b.users.get(&g.to_ascii_lowercase()))
                .filter(|n| n.as_str() != super::grammar::DEFAULT_USER)
                .cloned();
            let created = parse_time(sel.attr("creationDateTime")).unwrap_or_else(Timestamp::now);
            let modified = parse_time(sel.attr("modifiedDateTime")).unwrap_or(created);
            let note = if whole_doc {
                String::new()
            } else {
                b.note_text(sel)
            };
            // Identical spans on the same article merge into one passage.
            if let Some(existing) = annotations
                .iter_mut()
                .find(|a| a.article == article_id && a.span == span)
            {
                existing.tags.extend(tags);
                if !note.is_empty() && existing.note != note {
                    existing.note = if existing.note.is_empty() {
                        note
                    } else {
                        format!("{}\n\n{note}", existing.note)
                    };
                }
                continue;
            }
            let id = b.project.ids().annotation();
            annotations.push(Annotation {
                id,
                article: article_id,
                span,
                tags,
                note,
                author,
                created,
                modified,
            });
        }
    }
    if !new_articles.is_empty() {
        b.actions.push(ops::add_articles(new_articles));
    }
    b.report.annotations = annotations.len();
    b.actions.extend(
        annotations
            .into_iter()
            .map(|a| Action::AddAnnotation(Box::new(a))),
    );
    Ok(b.finish("import REFI-QDA project"))
}
