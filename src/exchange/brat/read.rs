//! Importing brat collections: their documents and text-bound annotations.
//!
//! The format itself (types, fragments, text fields) is described in
//! [`super`]. Reading follows the same rules:
//!
//! - Every `NAME.txt` with a `NAME.ann` beside it is one document. The text is
//!   UTF-8 as brat requires (other encodings are detected as for articles)
//!   and normalised as any article is; a text already in the project is
//!   annotated in place instead of being added again.
//! - Offsets are read as brat writes them: code points of the file's text with
//!   a CRLF line break counting as two, converted exactly with
//!   [`crate::model::text::OffsetMap`].
//!   Tools that count a CRLF as one char (or count a byte-order mark) are
//!   recognised per line by the text field, and the report says so.
//! - A `T` line's type is turned into a tag path through the
//!   `# gloss-tag TYPE PATH` comments of `annotation.conf`, else the nesting
//!   of its `[entities]`, else by reading `.` as nesting (`Threat.Cyber` is
//!   `Threat/Cyber`, as Gloss 0.1 wrote). Colours come from `visual.conf`
//!   when it gives a `bgColor`.
//! - A discontinuous `T` line (`start end;start end`) becomes the passage its
//!   `GlossPassage` comment gives; without one, one passage from the first
//!   fragment to the last when only white space separates them (brat splits
//!   a selection at line breaks), else one passage per fragment (reported).
//!   `T` lines over the same span become one passage with several tags; a
//!   note (`GlossNote`, else `AnnotatorNotes`) goes to every passage of its
//!   `T` line.
//! - Relations, events, attributes, normalisations and other lines cannot be
//!   represented and are listed in the report with their line numbers; `T`
//!   lines whose offsets fall outside the text or whose text field does not
//!   match the text are refused, also with file and line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::conf::{colours, conf_paths};
use super::grammar::{GLOSS_NOTE, GLOSS_PASSAGE, fragments, unescape};
use super::offsets::{Counting, DocText, parse_offsets};
use super::write::note_line;
use crate::io::decode::decode_declared_text;
use crate::model::TagSet;
use crate::model::codebook::PALETTE;
use crate::model::project::check_tag_name;
use crate::model::{
    Action, Annotation, AnnotationId, Article, ArticleId, Colour, ContentHash, Project,
    ReviewStatus, SourceFormat, Span, Tag, TagId, TagProps, Timestamp, ops, plural,
};

/// What a brat import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BratReport {
    /// Documents (`.txt` with `.ann`) read.
    pub documents: usize,
    /// New articles (the others' texts were already in the project).
    pub articles_added: usize,
    /// New passages.
    pub annotations: usize,
    /// Discontinuous `T` lines, each split into one passage per fragment.
    pub split_fragments: usize,
    /// Lines and files not imported, each with file, line and reason.
    pub skipped: Vec<String>,
    /// Things done that the user should know about (nothing lost).
    pub warnings: Vec<String>,
}

/// Why a brat folder could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum BratError {
    /// The folder could not be listed.
    #[error("cannot read the folder {}: {source}", crate::io::paths::shown(.path))]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// No `NAME.txt` with a `NAME.ann` beside it.
    #[error("no brat documents (NAME.txt with NAME.ann) in the folder {}", crate::io::paths::shown(.0))]
    Empty(PathBuf),
}

/// Reads the brat collection in `dir` (not its subfolders) and prepares its
/// import into `project` as ONE undoable action: new articles, new tags, new
/// passages, and tags and notes added to passages already there. Ids are
/// allocated from `project`; apply the action to import.
///
/// # Errors
/// When the folder cannot be read or holds no `NAME.txt` with a `NAME.ann`.
pub fn import_folder(project: &Project, dir: &Path) -> Result<(Action, BratReport), BratError> {
    let folder_err = |source| BratError::Folder {
        path: dir.to_path_buf(),
        source,
    };
    let entries = std::fs::read_dir(dir).map_err(folder_err)?;
    let mut files: Vec<PathBuf> = Vec::new();
    for e in entries {
        let e = e.map_err(folder_err)?;
        if e.file_type().is_ok_and(|t| t.is_file()) {
            files.push(e.path());
        }
    }
    files.sort();
    let ext_is = |p: &Path, ext: &str| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    };
    let mut imp = Importer::new(project, dir);
    let mut pairs = Vec::new();
    for txt in files.iter().filter(|p| ext_is(p, "txt")) {
        let ann = files
            .iter()
            .find(|p| ext_is(p, "ann") && p.file_stem() == txt.file_stem());
        match ann {
            Some(ann) => pairs.push((txt.clone(), ann.clone())),
            None => imp.report.skipped.push(format!(
                "{}: no .ann file beside it; not imported",
                name(txt)
            )),
        }
    }
    for ann in files.iter().filter(|p| ext_is(p, "ann")) {
        if !pairs.iter().any(|(_, a)| a == ann) {
            imp.report.skipped.push(format!(
                "{}: no .txt file beside it; not imported",
                name(ann)
            ));
        }
    }
    if pairs.is_empty() {
        return Err(BratError::Empty(dir.to_path_buf()));
    }
    for (txt, ann) in &pairs {
        imp.document(txt, ann);
    }
    let label = format!(
        "import brat folder {}",
        dir.file_name()
            .map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into())
    );
    Ok(imp.finish(label))
}

/// The file name of a path, for messages.
fn name(p: &Path) -> String {
    p.file_name()
        .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
}

/// A passage being built: new, or one already in the project that gains tags
/// or a note.
struct Pending {
    article: ArticleId,
    span: Span,
    tags: TagSet,
    note: String,
    /// The passage already in the project, with its tags and note then.
    existing: Option<(AnnotationId, TagSet, String)>,
}

/// A `T` line read: its tag and fragments in our offsets.
struct TLine<'a> {
    id: &'a str,
    tag: TagId,
    frags: Vec<Span>,
    way: Counting,
}

/// A `#` comment line Gloss reads: `#1<TAB>KIND T3<TAB>text`.
struct CommentLine<'a> {
    line: usize,
    id: &'a str,
    kind: &'a str,
    target: &'a str,
    text: &'a str,
}

/// The state of one import.
struct Importer<'p> {
    project: &'p Project,
    /// Entity type → tag path, from `annotation.conf`.
    conf_paths: HashMap<String, String>,
    /// Entity type → colour, from `visual.conf`.
    colours: HashMap<String, Colour>,
    /// Tag paths (and their prefixes) created by this import.
    created_tags: HashMap<String, TagId>,
    tag_actions: Vec<Action>,
    articles: Vec<Article>,
    /// Texts added by this import.
    new_hashes: HashMap<ContentHash, ArticleId>,
    pending: Vec<Pending>,
    by_span: HashMap<(ArticleId, Span), usize>,
    report: BratReport,
}

impl<'p> Importer<'p> {
    fn new(project: &'p Project, dir: &Path) -> Self {
        let conf = crate::io::read::read_input(&dir.join("annotation.conf"))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let visual = crate::io::read::read_input(&dir.join("visual.conf"))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Self {
            project,
            conf_paths: conf_paths(&conf),
            colours: colours(&visual),
            created_tags: HashMap::new(),
            tag_actions: Vec::new(),
            articles: Vec::new(),
            new_hashes: HashMap::new(),
            pending: Vec::new(),
            by_span: HashMap::new(),
            report: BratReport::default(),
        }
    }

    /// Reads one document; problems go to the report.
    fn document(&mut self, txt_path: &Path, ann_path: &Path) {
        let (txt_name, ann_name) = (name(txt_path), name(ann_path));
        let bytes = match crate::io::read::read_input(txt_path) {
            Ok(b) => b,
            Err(e) => {
                self.report
                    .skipped
                    .push(format!("{txt_name}: cannot read the file: {e}"));
                return;
            }
        };
        let ann = match crate::io::read::read_input(ann_path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                self.report
                    .skipped
                    .push(format!("{ann_name}: cannot read the file: {e}"));
                return;
            }
        };
        let decoded = match decode_declared_text(&bytes) {
            Ok(d) => d,
            Err(e) => {
                self.report.skipped.push(format!("{txt_name}: {e}"));
                return;
            }
        };
        let had_bom = encoding_rs::Encoding::for_bom(&bytes).is_some()
            || decoded.text.starts_with('\u{feff}');
        let doc = DocText::new(&decoded.text, had_bom);
        if let Some(w) = &decoded.warning {
            self.report.warnings.push(format!("{txt_name}: {w}"));
        }
        self.report.documents += 1;
        let article = self.article_for(txt_path, &bytes, &doc);
        self.ann_lines(article, &doc, &ann, &ann_name);
    }

    /// Reads the lines of one `.ann` file on `article`.
    fn ann_lines(&mut self, article: ArticleId, doc: &DocText, ann: &str, ann_name: &str) {
        let mut t_lines: Vec<TLine<'_>> = Vec::new();
        let mut comments: Vec<CommentLine<'_>> = Vec::new();
        let mut other_counting = 0;
        for (i, line) in ann.lines().enumerate() {
            let n = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{ann_name} line {n}");
            let (id, rest) = line.split_once('\t').unwrap_or((line, ""));
            let (data, field) = match rest.split_once('\t') {
                Some((d, f)) => (d, Some(f)),
                None => (rest, None),
            };
            let kind = match id.chars().next() {
                Some('T') => {
                    match self.text_bound(doc, data, field) {
                        Ok((tag, frags, way)) => {
                            if way != doc.ways[0] {
                                other_counting += 1;
                            }
                            if t_lines.iter().any(|t| t.id == id) {
                                self.report
                                    .warnings
                                    .push(format!("{at}: {id} appears more than once; both kept"));
                            }
                            t_lines.push(TLine {
                                id,
                                tag,
                                frags,
                                way,
                            });
                        }
                        Err(why) => self
                            .report
                            .skipped
                            .push(format!("{at}: text-bound annotation {id} refused: {why}")),
                    }
                    continue;
                }
                Some('#') => {
                    let mut parts = data.split_whitespace();
                    if let (
                        Some(kind @ ("AnnotatorNotes" | GLOSS_PASSAGE | GLOSS_NOTE)),
                        Some(target),
                        None,
                    ) = (parts.next(), parts.next(), parts.next())
                    {
                        comments.push(CommentLine {
                            line: n,
                            id,
                            kind,
                            target,
                            text: field.unwrap_or(""),
                        });
                        continue;
                    }
                    "comment"
                }
                Some('R') => "relation",
                Some('E') => "event",
                Some('A' | 'M') => "attribute",
                Some('N') => "normalisation",
                Some('*') => "equivalence",
                _ => "unrecognised line",
            };
            let what = data.split_whitespace().next().unwrap_or("");
            self.report.skipped.push(format!(
                "{at}: {kind} {id} ({what}) cannot be represented in Gloss; not imported"
            ));
        }
        if other_counting > 0 {
            self.report.warnings.push(format!(
                "{ann_name}: {} count line breaks or the \
                 byte-order mark differently from brat; read them the way their text matches",
                plural(other_counting, "text-bound annotation")
            ));
        }
        let spans = self.passages(article, doc, &t_lines, &comments, ann_name);
        self.attach_notes(article, &spans, &comments, ann_name);
    }

    /// Turns `T` lines into passages: the exact span a `GlossPassage` comment
    /// gives, the one fragment, fragments separated only by whitespace joined
    /// (brat splits a selection at line breaks), or else one passage per
    /// fragment. Returns each `T` id's passage spans.
    fn passages<'a>(
        &mut self,
        article: ArticleId,
        doc: &DocText,
        t_lines: &[TLine<'a>],
        comments: &[CommentLine<'_>],
        ann_name: &str,
    ) -> HashMap<&'a str, Vec<Span>> {
        let mut exact: HashMap<&str, Span> = HashMap::new();
        for c in comments.iter().filter(|c| c.kind == GLOSS_PASSAGE) {
            let Some(t) = t_lines.iter().find(|t| t.id == c.target) else {
                continue;
            };
            let span = parse_offsets(&format!("_ {}", c.text.trim()))
                .ok()
                .and_then(|(_, raw)| match raw.as_slice() {
                    [(s, e)] => Some((doc.convert(*s, t.way)?, doc.convert(*e, t.way)?)),
                    _ => None,
                })
                .filter(|(s, e)| s < e)
                .map(|(s, e)| Span::between(s, e));
            match span {
                Some(span) if fragments(&doc.text, span) == t.frags => {
                    exact.insert(t.id, span);
                }
                _ => self.report.warnings.push(format!(
                    "{ann_name} line {}: {} {} does not fit {} (edited in brat?); {} read as brat shows it",
                    c.line, c.id, GLOSS_PASSAGE, c.target, c.target
                )),
            }
        }
        let mut out: HashMap<&str, Vec<Span>> = HashMap::new();
        let mut joined = 0;
        for t in t_lines {
            let spans = if let Some(span) = exact.get(t.id) {
                vec![*span]
            } else if t.frags.len() == 1 {
                t.frags.clone()
            } else if t.frags.windows(2).all(|w| {
                w[0].end() <= w[1].start()
                    && doc
                        .text
                        .slice(Span::between(w[0].end(), w[1].start()))
                        .chars()
                        .all(char::is_whitespace)
            }) {
                joined += 1;
                let (first, last) = (t.frags[0], t.frags[t.frags.len() - 1]);
                vec![Span::between(first.start(), last.end())]
            } else {
                self.report.split_fragments += 1;
                t.frags.clone()
            };
            for span in &spans {
                let i = self.passage(article, *span);
                self.pending[i].tags.insert(t.tag);
            }
            out.entry(t.id).or_default().extend(spans);
        }
        if joined > 0 {
            self.report.warnings.push(format!(
                "{ann_name}: {} whose fragments are separated \
                 only by white space became one passage each, white space included",
                plural(joined, "discontinuous annotation")
            ));
        }
        out
    }

    /// Puts each note on the passages of its `T` line: the `GlossNote` when
    /// its one-line form is what `AnnotatorNotes` still says, else what
    /// `AnnotatorNotes` says (the note was edited in brat).
    fn attach_notes(
        &mut self,
        article: ArticleId,
        t_spans: &HashMap<&str, Vec<Span>>,
        comments: &[CommentLine<'_>],
        ann_name: &str,
    ) {
        let mut targets: Vec<&str> = Vec::new();
        for c in comments {
            if c.kind != GLOSS_PASSAGE && !targets.contains(&c.target) {
                targets.push(c.target);
            }
        }
        for target in targets {
            let on = |kind: &'static str| {
                comments
                    .iter()
                    .filter(move |c| c.target == target && c.kind == kind)
            };
            let first = on("AnnotatorNotes").chain(on(GLOSS_NOTE)).next();
            let Some(spans) = t_spans.get(target) else {
                if let Some(c) = first {
                    self.report.skipped.push(format!(
                        "{ann_name} line {}: note {} is on {target}, which was not imported",
                        c.line, c.id
                    ));
                }
                continue;
            };
            let shown: Vec<&str> = on("AnnotatorNotes")
                .map(|c| c.text.trim())
                .filter(|t| !t.is_empty())
                .collect();
            let shown = shown.join("\n\n");
            let exact = on(GLOSS_NOTE).map(|c| unescape(c.text)).next();
            let note = match exact {
                Some(exact) if note_line(&exact) == shown => exact,
                Some(_) => {
                    if let Some(c) = first {
                        self.report.warnings.push(format!(
                            "{ann_name} line {}: the note on {target} was changed in brat; \
                             kept as brat shows it (one line)",
                            c.line
                        ));
                    }
                    shown
                }
                None => shown,
            };
            if note.is_empty() {
                continue;
            }
            for span in spans {
                if let Some(&i) = self.by_span.get(&(article, *span)) {
                    let p = &mut self.pending[i];
                    if p.note.is_empty() {
                        p.note.clone_from(&note);
                    } else if !p.note.contains(note.as_str()) {
                        p.note.push_str("\n\n");
                        p.note.push_str(&note);
                    }
                }
            }
        }
    }

    /// The article of a text: already in the project or this import, or new.
    fn article_for(&mut self, path: &Path, bytes: &[u8], doc: &DocText) -> ArticleId {
        let hash = ContentHash::of(doc.text.as_str());
        if let Some(id) = self
            .project
            .article_by_hash(&hash)
            .or_else(|| self.new_hashes.get(&hash).copied())
        {
            return id;
        }
        let file_name = name(path);
        let (title, meta) = match crate::io::article::parse_article(
            bytes,
            SourceFormat::Text,
            path.to_path_buf(),
            file_name.clone(),
        ) {
            Ok(r) => (r.title, r.meta),
            Err(_) => (
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                crate::model::Metadata {
                    file_name,
                    ..crate::model::Metadata::default()
                },
            ),
        };
        let id = self.project.ids().article();
        self.new_hashes.insert(hash.clone(), id);
        self.report.articles_added += 1;
        self.articles.push(Article {
            id,
            source: crate::io::project_file::absolute(path),
            text: doc.text.clone(),
            hash,
            meta,
            title,
            status: ReviewStatus::Unread,
            note: String::new(),
            note_by: None,
            added: Some(crate::model::Timestamp::now()),
        });
        id
    }

    /// Reads a `T` line: its tag, fragments and the way its offsets count.
    fn text_bound(
        &mut self,
        doc: &DocText,
        data: &str,
        field: Option<&str>,
    ) -> Result<(TagId, Vec<Span>, Counting), String> {
        let (ty, raw) = parse_offsets(data)?;
        let field = field.ok_or("it has no text field to check its offsets against")?;
        let (spans, way) = doc.locate(&raw, field)?;
        let path = self
            .conf_paths
            .get(ty)
            .cloned()
            .unwrap_or_else(|| ty.replace('.', "/"));
        let tag = self
            .tag(&path)
            .map_err(|e| format!("type {ty:?} is not a usable tag path {path:?}: {e}"))?;
        Ok((tag, spans, way))
    }

    /// The pending passage over `span`, made if needed (from the project's
    /// passage over exactly that span, if there is one).
    fn passage(&mut self, article: ArticleId, span: Span) -> usize {
        if let Some(&i) = self.by_span.get(&(article, span)) {
            return i;
        }
        let existing = self
            .project
            .annotations_of(article)
            .find(|a| a.span == span)
            .map(|a| (a.id, a.tags.clone(), a.note.clone()));
        let (tags, note) = existing
            .as_ref()
            .map_or_else(Default::default, |(_, t, n)| (t.clone(), n.clone()));
        self.pending.push(Pending {
            article,
            span,
            tags,
            note,
            existing,
        });
        let i = self.pending.len() - 1;
        self.by_span.insert((article, span), i);
        i
    }

    /// The colour `visual.conf` gives the type of a tag path.
    fn colour_of(&self, path: &str) -> Option<Colour> {
        let ty = self
            .conf_paths
            .iter()
            .find(|(_, p)| p.as_str() == path)
            .map_or_else(|| path.replace('/', "."), |(t, _)| t.clone());
        self.colours.get(&ty).copied()
    }

    /// The tag at `path`, existing or created by this import (once per path).
    fn tag(&mut self, path: &str) -> Result<TagId, String> {
        let names: Vec<&str> = path.split('/').map(str::trim).collect();
        for n in &names {
            check_tag_name(n).map_err(|e| e.to_string())?;
        }
        let mut parent: Option<TagId> = None;
        let mut prefix = String::new();
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                prefix.push('/');
            }
            prefix.push_str(n);
            let found = self.created_tags.get(&prefix).copied().or_else(|| {
                self.project
                    .codebook()
                    .children(parent)
                    .into_iter()
                    .find(|t| t.props.name == *n)
                    .map(|t| t.id)
            });
            let id = if let Some(id) = found {
                id
            } else {
                let id = self.project.ids().tag();
                let colour = self.colour_of(&prefix).unwrap_or(
                    PALETTE
                        [(self.project.codebook().len() + self.created_tags.len()) % PALETTE.len()],
                );
                self.tag_actions.push(Action::AddTag(Tag {
                    id,
                    props: TagProps {
                        name: (*n).to_owned(),
                        colour,
                        parent,
                        shortcut: None,
                        description: String::new(),
                    },
                }));
                self.created_tags.insert(prefix.clone(), id);
                id
            };
            parent = Some(id);
        }
        parent.ok_or_else(|| "empty path".to_owned())
    }

    /// The one batch action and the report.
    fn finish(mut self, label: String) -> (Action, BratReport) {
        let now = Timestamp::now();
        let mut actions = Vec::new();
        if !self.articles.is_empty() {
            actions.push(ops::add_articles(std::mem::take(&mut self.articles)));
        }
        actions.append(&mut self.tag_actions);
        let mut updated = 0;
        for p in std::mem::take(&mut self.pending) {
            match p.existing {
                Some((id, old_tags, old_note)) => {
                    if p.tags != old_tags {
                        actions.push(Action::SetAnnotationTags {
                            annotation: id,
                            tags: p.tags,
                            modified: now,
                        });
                    }
                    if p.note != old_note {
                        actions.push(Action::SetAnnotationNote {
                            by: None,
                            annotation: id,
                            note: p.note,
                            modified: now,
                        });
                    }
                    updated += 1;
                }
                None => {
                    let id = self.project.ids().annotation();
                    actions.push(Action::AddAnnotation(Box::new(Annotation {
                        id,
                        article: p.article,
                        span: p.span,
                        tags: p.tags,
                        note: p.note,
                        note_by: None,
                        author: None,
                        created: now,
                        modified: now,
                        adjudication: None,
                    })));
                    self.report.annotations += 1;
                }
            }
        }
        if updated > 0 {
            self.report.warnings.push(format!(
                "{} already in the project; {} tags and notes were \
                 merged with the imported ones",
                plural_were(updated, "passage"),
                if updated == 1 { "its" } else { "their" }
            ));
        }
        (Action::Batch { label, actions }, self.report)
    }
}

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;

/// `1 passage was` / `2 passages were`.
fn plural_were(n: usize, what: &str) -> String {
    format!(
        "{} {}",
        plural(n, what),
        if n == 1 { "was" } else { "were" }
    )
}
