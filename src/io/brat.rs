//! brat standoff folders: writing a project as a brat collection, and
//! importing a collection's documents and text-bound annotations.
//!
//! The format itself (types, fragments, text fields) is described in
//! [`crate::export::brat`]. Reading follows the same rules:
//!
//! - Every `NAME.txt` with a `NAME.ann` beside it is one document. The text is
//!   decoded and normalised as any article is; a text already in the project
//!   is annotated in place instead of being added again.
//! - Offsets are read as brat writes them: code points of the file's text with
//!   a CRLF line break counting as two, converted exactly with [`OffsetMap`].
//!   Tools that count a CRLF as one char (or count a byte-order mark) are
//!   recognised per line by the text field, and the report says so.
//! - A `T` line's type is turned into a tag path through the
//!   `# gloss-tag TYPE PATH` comments of `annotation.conf`, or else by reading
//!   `.` as nesting (`Threat.Cyber` is `Threat/Cyber`). Colours come from
//!   `visual.conf` when it gives a `bgColor`.
//! - A discontinuous `T` line (`start end;start end`) becomes one passage per
//!   fragment; `T` lines over the same span become one passage with several
//!   tags; an `AnnotatorNotes` note goes to every passage of its `T` line.
//! - Relations, events, attributes, normalisations and other lines cannot be
//!   represented and are listed in the report with their line numbers; `T`
//!   lines whose offsets fall outside the text or whose text field does not
//!   match the text are refused, also with file and line.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::export::brat::{
    GLOSS_TAG_COMMENT, annotation_conf, covered_text, one_line, to_brat, visual_conf,
};
use crate::io::decode::decode;
use crate::model::codebook::PALETTE;
use crate::model::project::check_tag_name;
use crate::model::text::OffsetMap;
use crate::model::{
    Action, Annotation, AnnotationId, Article, ArticleId, Colour, ContentHash, Project,
    ReviewStatus, SourceFormat, Span, Tag, TagId, TagProps, Text, Timestamp, ops,
};

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
    protected: &crate::io::paths::Protected,
) -> Result<usize, crate::export::format::ExportError> {
    use crate::io::atomic::{WriteError, WriteOptions, write_with};
    let put = |name: &str, text: &str| -> Result<(), crate::export::format::ExportError> {
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

/// Reads the brat collection in `dir` (not its subfolders) and prepares its
/// import into `project` as ONE undoable action: new articles, new tags, new
/// passages, and tags and notes added to passages already there. Ids are
/// allocated from `project`; apply the action to import.
///
/// # Errors
/// When the folder cannot be read or holds no `NAME.txt` with a `NAME.ann`.
pub fn import_folder(project: &mut Project, dir: &Path) -> Result<(Action, BratReport), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the folder: {e}: {}", dir.display()))?;
    let mut files: Vec<PathBuf> = Vec::new();
    for e in entries {
        let e = e.map_err(|e| format!("cannot read the folder: {e}: {}", dir.display()))?;
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
        return Err(format!(
            "no brat documents (NAME.txt with NAME.ann) in the folder: {}",
            dir.display()
        ));
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
    tags: BTreeSet<TagId>,
    note: String,
    /// The passage already in the project, with its tags and note then.
    existing: Option<(AnnotationId, BTreeSet<TagId>, String)>,
}

/// How a tool counted the offsets of a `.ann` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counting {
    /// A leading byte-order mark counts as a char.
    bom: bool,
    /// A CRLF line break counts as two chars (brat's way).
    crlf_as_two: bool,
}

/// One document's text and how to turn its raw offsets into ours.
struct DocText {
    text: Text,
    map: OffsetMap,
    /// Chars of the raw text (without a byte-order mark).
    raw_len: usize,
    ways: Vec<Counting>,
}

impl DocText {
    fn new(raw: &str, had_bom: bool) -> Self {
        let (norm, map) = OffsetMap::normalise(raw);
        let raw_len = raw.strip_prefix('\u{feff}').unwrap_or(raw).chars().count();
        let mut ways = vec![Counting {
            bom: false,
            crlf_as_two: true,
        }];
        if had_bom {
            ways.push(Counting {
                bom: true,
                crlf_as_two: true,
            });
        }
        if !map.is_identity() {
            ways.push(Counting {
                bom: false,
                crlf_as_two: false,
            });
            if had_bom {
                ways.push(Counting {
                    bom: true,
                    crlf_as_two: false,
                });
            }
        }
        Self {
            text: Text::new(norm),
            map,
            raw_len,
            ways,
        }
    }

    /// Our offset of a raw offset counted `way`, if it lies in the text.
    fn convert(&self, raw: usize, way: Counting) -> Option<usize> {
        let raw = if way.bom { raw.checked_sub(1)? } else { raw };
        if way.crlf_as_two {
            (raw <= self.raw_len).then(|| self.map.map(raw))
        } else {
            (raw <= self.text.char_len()).then_some(raw)
        }
    }

    /// The fragments `raw` in our offsets, counted the first way under which
    /// they lie in the text and match `field`.
    fn locate(&self, raw: &[(usize, usize)], field: &str) -> Result<(Vec<Span>, Counting), String> {
        let field = one_line(field);
        let mut first_text = None;
        for &way in &self.ways {
            let spans: Option<Vec<Span>> = raw
                .iter()
                .map(|&(s, e)| {
                    let (s, e) = (self.convert(s, way)?, self.convert(e, way)?);
                    (s < e).then(|| Span::between(s, e))
                })
                .collect();
            let Some(spans) = spans else { continue };
            let found = covered_text(&self.text, &spans);
            if found == field {
                return Ok((spans, way));
            }
            first_text.get_or_insert(found);
        }
        let offsets = raw
            .iter()
            .map(|(s, e)| format!("{s} {e}"))
            .collect::<Vec<_>>()
            .join(";");
        Err(match first_text {
            Some(found) => {
                format!("its text {field:?} does not match the text at {offsets} ({found:?})")
            }
            None => format!(
                "offsets {offsets} are empty or lie outside the text ({} chars)",
                self.raw_len
            ),
        })
    }
}

/// An `AnnotatorNotes` line: `#1<TAB>AnnotatorNotes T3<TAB>note`.
struct NoteLine<'a> {
    line: usize,
    id: &'a str,
    target: &'a str,
    note: &'a str,
}

/// The state of one import.
struct Importer<'p> {
    project: &'p mut Project,
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
    fn new(project: &'p mut Project, dir: &Path) -> Self {
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
        let decoded = match decode(&bytes) {
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
        let mut t_lines: HashMap<&str, Vec<Span>> = HashMap::new();
        let mut notes: Vec<NoteLine<'_>> = Vec::new();
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
                    match self.text_bound(article, doc, data, field) {
                        Ok((spans, way)) => {
                            if way != doc.ways[0] {
                                other_counting += 1;
                            }
                            if t_lines.insert(id, spans).is_some() {
                                self.report
                                    .warnings
                                    .push(format!("{at}: {id} appears more than once; both kept"));
                            }
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
                    if let (Some("AnnotatorNotes"), Some(target), None) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        notes.push(NoteLine {
                            line: n,
                            id,
                            target,
                            note: field.unwrap_or(""),
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
                "{ann_name}: {other_counting} text-bound annotation(s) count line breaks or the \
                 byte-order mark differently from brat; read them the way their text matches"
            ));
        }
        self.attach_notes(article, &t_lines, notes, ann_name);
    }

    /// Puts each `AnnotatorNotes` note on the passages of its `T` line.
    fn attach_notes(
        &mut self,
        article: ArticleId,
        t_lines: &HashMap<&str, Vec<Span>>,
        notes: Vec<NoteLine<'_>>,
        ann_name: &str,
    ) {
        for NoteLine {
            line: n,
            id,
            target,
            note,
        } in notes
        {
            let Some(spans) = t_lines.get(target) else {
                self.report.skipped.push(format!(
                    "{ann_name} line {n}: note {id} is on {target}, which was not imported"
                ));
                continue;
            };
            let note = note.trim();
            if note.is_empty() {
                continue;
            }
            for span in spans {
                if let Some(&i) = self.by_span.get(&(article, *span)) {
                    let p = &mut self.pending[i];
                    if p.note.is_empty() {
                        note.clone_into(&mut p.note);
                    } else if !p.note.contains(note) {
                        p.note.push_str("\n\n");
                        p.note.push_str(note);
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
        let (title, meta) = match super::article::parse_article(
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
        let id = self.project.allocate_article_id();
        self.new_hashes.insert(hash.clone(), id);
        self.report.articles_added += 1;
        self.articles.push(Article {
            id,
            source: super::project_file::absolute(path),
            text: doc.text.clone(),
            hash,
            meta,
            title,
            status: ReviewStatus::Unread,
            note: String::new(),
        });
        id
    }

    /// Reads a `T` line and records its passages; returns its fragments.
    fn text_bound(
        &mut self,
        article: ArticleId,
        doc: &DocText,
        data: &str,
        field: Option<&str>,
    ) -> Result<(Vec<Span>, Counting), String> {
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
        if spans.len() > 1 {
            self.report.split_fragments += 1;
        }
        for span in &spans {
            let i = self.passage(article, *span);
            self.pending[i].tags.insert(tag);
        }
        Ok((spans, way))
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
                let id = self.project.allocate_tag_id();
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
                            annotation: id,
                            note: p.note,
                            modified: now,
                        });
                    }
                    updated += 1;
                }
                None => {
                    let id = self.project.allocate_annotation_id();
                    actions.push(Action::AddAnnotation(Box::new(Annotation {
                        id,
                        article: p.article,
                        span: p.span,
                        tags: p.tags,
                        note: p.note,
                        author: None,
                        created: now,
                        modified: now,
                    })));
                    self.report.annotations += 1;
                }
            }
        }
        if updated > 0 {
            self.report.warnings.push(format!(
                "{updated} passage(s) were already in the project; their tags and notes were \
                 merged with the imported ones"
            ));
        }
        (Action::Batch { label, actions }, self.report)
    }
}

/// Raw `(start, end)` offsets of a `T` line's fragments, as written.
type RawFragments = Vec<(usize, usize)>;

/// `Type 0 4;10 16` → the type and the `(start, end)` pairs.
fn parse_offsets(data: &str) -> Result<(&str, RawFragments), String> {
    let (ty, rest) = data
        .split_once(' ')
        .ok_or_else(|| format!("{data:?} is not TYPE START END"))?;
    if ty.is_empty() {
        return Err(format!("{data:?} has no type"));
    }
    rest.split(';')
        .map(|frag| {
            let mut it = frag.split_whitespace().map(str::parse::<usize>);
            match (it.next(), it.next(), it.next()) {
                (Some(Ok(s)), Some(Ok(e)), None) if s <= e => Ok((s, e)),
                _ => Err(format!("offsets {frag:?} are not START END")),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|v| (ty, v))
}

/// Entity type → tag path from the `# gloss-tag TYPE PATH` comments.
fn conf_paths(conf: &str) -> HashMap<String, String> {
    conf.lines()
        .filter_map(|l| l.strip_prefix(GLOSS_TAG_COMMENT))
        .filter_map(|rest| rest.split_once(' '))
        .map(|(ty, path)| (ty.to_owned(), path.trim().to_owned()))
        .collect()
}

/// Entity type → colour from the `[drawing]` section of `visual.conf`
/// (`Type<TAB>bgColor:#rrggbb, …`).
fn colours(visual: &str) -> HashMap<String, Colour> {
    let mut out = HashMap::new();
    let mut drawing = false;
    for line in visual.lines() {
        let line = line.trim_end();
        if line.starts_with('[') {
            drawing = line.trim() == "[drawing]";
            continue;
        }
        if !drawing || line.starts_with('#') {
            continue;
        }
        let Some((ty, props)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        for prop in props.split(',') {
            if let Some((k, v)) = prop.trim().split_once(':')
                && k.trim() == "bgColor"
                && let Ok(c) = v.trim().parse::<Colour>()
            {
                out.insert(ty.to_owned(), c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::project;

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
                    crate::export::tag_paths(p, a),
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
            "The [quick]{Threat/Cyber, U.S. policy} fox\n[jumps\nover]{Motion} it",
            "Zoë 😀 [naïve]{Threat/Cyber attack}",
        ]);
        crate::model::testing::set_note(&mut p, "quick", "Seen twice.\nCheck <this> & that");
        crate::model::testing::set_note(&mut p, "jumps\nover", "Spans two lines");
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            write_folder(&p, dir.path(), &crate::io::paths::Protected::default()).unwrap(),
            2
        );
        assert!(dir.path().join("annotation.conf").is_file());
        assert!(dir.path().join("0001_article-1.ann").is_file());

        let mut q = Project::new();
        let (action, report) = import_folder(&mut q, dir.path()).unwrap();
        let inverse = q.apply(action).unwrap();
        assert!(q.validate().is_empty(), "{:?}", q.validate());
        assert_eq!(report.documents, 2);
        assert_eq!(report.articles_added, 2);
        assert_eq!(report.annotations, 4);
        assert_eq!(report.split_fragments, 1);
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);

        let t1 = "The quick fox\njumps\nover it";
        let t2 = "Zoë 😀 naïve";
        // Exact tag names come back through the gloss-tag comments; the
        // two-line passage comes back as one passage per line, each with the
        // tags and the note (its line breaks as spaces).
        assert_eq!(
            passages(&q),
            owned(&[
                (
                    t1,
                    "4..9 \"quick\"",
                    &["Threat/Cyber", "U.S. policy"],
                    "Seen twice. Check <this> & that"
                ),
                (t1, "14..19 \"jumps\"", &["Motion"], "Spans two lines"),
                (t1, "20..24 \"over\"", &["Motion"], "Spans two lines"),
                (t2, "6..11 \"naïve\"", &["Threat/Cyber attack"], ""),
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
        let (a, _) = import_folder(&mut q2, dir.path()).unwrap();
        q2.apply(a).unwrap();
        let snapshot = passages(&q2);
        let (a, r) = import_folder(&mut q2, dir.path()).unwrap();
        q2.apply(a).unwrap();
        assert_eq!((r.articles_added, r.annotations), (0, 0));
        assert_eq!(passages(&q2), snapshot);
        assert_eq!(q2.codebook().len(), 5);
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
        let (action, report) = import_folder(&mut p, d).unwrap();
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
        let (action, report) = import_folder(&mut p, d).unwrap();
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
        let (action, report) = import_folder(&mut p, dir.path()).unwrap();
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
        let mut p = Project::new();
        let err = import_folder(&mut p, dir.path()).unwrap_err();
        assert!(err.starts_with("no brat documents"), "{err}");
        assert!(import_folder(&mut p, &dir.path().join("missing")).is_err());
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
}
