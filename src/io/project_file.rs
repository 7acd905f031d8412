//! The project file: pretty RON, versioned, stable and sorted, with the
//! article texts in a content-addressed folder beside it (or inline).
//!
//! See `docs/project-format.md` for the format field by field.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use rayon::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::atomic::{sync_dir, write_atomic, write_atomic_with};
use crate::model::Orphan;
use crate::model::annotation::CONTEXT_CHARS;
use crate::model::{
    Annotation, AnnotationId, Article, ArticleId, Codebook, Colour, ContentHash, Metadata, NextIds,
    Problem, Project, Quote, ReviewStatus, SourceFormat, Span, Tag, TagId, TagProps, Text,
    Timestamp,
};

/// The `format` field of every Gloss project file.
pub const FORMAT_NAME: &str = "gloss-project";
/// The version this build writes.
pub const CURRENT_VERSION: u32 = 1;

/// Where article texts are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextStorage {
    /// In a folder `NAME.texts/` beside the project file, one file per text
    /// named by its content hash, written once and never rewritten.
    #[default]
    Folder,
    /// Inside the RON file (one self-contained file; slower for big corpora).
    Inline,
}

/// Why a project file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a Gloss project.
    #[error("{0} is not a Gloss project file (it does not start with format: \"{FORMAT_NAME}\")")]
    NotAProject(PathBuf),
    /// Written by a newer Gloss.
    #[error(
        "{path} has format version {version}, but this Gloss reads up to version {CURRENT_VERSION}; update Gloss to open it"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        version: u32,
    },
    /// The RON could not be parsed.
    #[error("{path}:{line}:{col}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What the parser said.
        message: String,
    },
    /// The file parsed but its content is inconsistent.
    #[error("{} has {} problem(s):\n{}", path.display(), problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

/// Why a project could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing failed; the previous file is untouched.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The target exists and is not a Gloss project this build can read.
    #[error("refusing to overwrite {0}: it is not a Gloss project file this version wrote")]
    WouldClobber(PathBuf),
    /// The project could not be serialised.
    #[error("cannot serialise the project: {0}")]
    Serialise(String),
}

/// A project read from disk, with notes about the reading.
#[derive(Debug)]
pub struct Loaded {
    /// The project.
    pub project: Project,
    /// How its texts were stored (saving again keeps that).
    pub storage: TextStorage,
    /// Things the user should know that did not stop the load, e.g. a text
    /// recovered from its source file because the texts folder lacked it.
    pub warnings: Vec<String>,
}

// ---------------------------------------------------------------- the records
//
// The same record types serve writing (borrowing from the project, built one
// element at a time while serialising) and reading (owned). Annotations are
// read as compact records: their quote strings are hashed and dropped at once,
// so opening a large project never holds the quotes twice.

/// The file as written. Lists serialise straight from the project.
#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u32,
    memo: &'a str,
    next_ids: NextIds,
    texts: Option<String>,
    codebook: Tags<'a>,
    articles: Articles<'a>,
    annotations: Annotations<'a>,
    orphans: Orphans<'a>,
}

/// The file as read.
#[derive(Deserialize)]
struct FileIn {
    #[allow(dead_code, reason = "checked by peeking at the header before parsing")]
    format: String,
    #[allow(dead_code, reason = "checked by peeking at the header before parsing")]
    version: u32,
    memo: String,
    next_ids: NextIds,
    /// Folder of texts, relative to the project file; `None` for inline texts.
    #[serde(default)]
    texts: Option<String>,
    codebook: Vec<TagRec<'static>>,
    articles: Vec<ArticleRec<'static>>,
    annotations: Vec<CompactAnnotation>,
    #[serde(default)]
    orphans: Vec<AnnotationRec<'static>>,
}

#[derive(Serialize, Deserialize)]
struct TagRec<'a> {
    id: TagId,
    name: Cow<'a, str>,
    colour: Colour,
    parent: Option<TagId>,
    shortcut: Option<char>,
    description: Cow<'a, str>,
}

#[derive(Serialize, Deserialize)]
struct ArticleRec<'a> {
    id: ArticleId,
    title: Cow<'a, str>,
    status: ReviewStatus,
    date: Option<NaiveDate>,
    posted: Option<NaiveDateTime>,
    credit: Option<Cow<'a, str>>,
    source: Cow<'a, str>,
    file_name: Cow<'a, str>,
    format: SourceFormat,
    encoding: Cow<'a, str>,
    hash: Cow<'a, str>,
    chars: usize,
    note: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<Cow<'a, str>>,
}

#[derive(Serialize, Deserialize)]
struct AnnotationRec<'a> {
    id: AnnotationId,
    article: ArticleId,
    start: usize,
    end: usize,
    tags: Vec<TagId>,
    quote: Cow<'a, str>,
    prefix: Cow<'a, str>,
    suffix: Cow<'a, str>,
    note: Cow<'a, str>,
    author: Option<Cow<'a, str>>,
    created: Timestamp,
    modified: Timestamp,
}

/// An annotation record with its quote reduced to a hash, checked against the
/// text once the texts are loaded.
struct CompactAnnotation {
    annotation: Result<Annotation, Problem>,
    quote_hash: u64,
}

impl<'de> Deserialize<'de> for CompactAnnotation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = AnnotationRec::deserialize(d)?;
        let quote_hash = quote_hash(&r.quote, &r.prefix, &r.suffix);
        Ok(Self {
            annotation: annotation_of(r),
            quote_hash,
        })
    }
}

fn quote_hash(exact: &str, prefix: &str, suffix: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (exact, prefix, suffix).hash(&mut h);
    h.finish()
}

fn annotation_of(r: AnnotationRec<'_>) -> Result<Annotation, Problem> {
    let span = Span::new(r.start, r.end).map_err(|e| problem(r.id, e.to_string()))?;
    Ok(Annotation {
        id: r.id,
        article: r.article,
        span,
        tags: r.tags.into_iter().collect(),
        note: r.note.into_owned(),
        author: r.author.map(Cow::into_owned),
        created: r.created,
        modified: r.modified,
    })
}

struct Tags<'a>(&'a Project);
struct Articles<'a>(&'a Project, &'a Path, TextStorage);
struct Annotations<'a>(&'a Project);
struct Orphans<'a>(&'a Project);

impl Serialize for Tags<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.codebook().iter().map(|t| TagRec {
            id: t.id,
            name: Cow::Borrowed(&t.props.name),
            colour: t.props.colour,
            parent: t.props.parent,
            shortcut: t.props.shortcut,
            description: Cow::Borrowed(&t.props.description),
        }))
    }
}

impl Serialize for Articles<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Articles(project, base, storage) = *self;
        s.collect_seq(project.articles().map(|a| ArticleRec {
            id: a.id,
            title: Cow::Borrowed(&a.title),
            status: a.status,
            date: a.meta.date,
            posted: a.meta.posted,
            credit: a.meta.credit.as_deref().map(Cow::Borrowed),
            source: Cow::Owned(relative_to(&a.source, base)),
            file_name: Cow::Borrowed(&a.meta.file_name),
            format: a.meta.format,
            encoding: Cow::Borrowed(&a.meta.encoding),
            hash: Cow::Borrowed(&a.hash.0),
            chars: a.text.char_len(),
            note: Cow::Borrowed(&a.note),
            text: (storage == TextStorage::Inline).then(|| Cow::Borrowed(a.text.as_str())),
        }))
    }
}

fn annotation_rec<'a>(
    a: &'a Annotation,
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
) -> AnnotationRec<'a> {
    AnnotationRec {
        id: a.id,
        article: a.article,
        start: a.span.start(),
        end: a.span.end(),
        tags: a.tags.iter().copied().collect(),
        quote: Cow::Borrowed(exact),
        prefix: Cow::Borrowed(prefix),
        suffix: Cow::Borrowed(suffix),
        note: Cow::Borrowed(&a.note),
        author: a.author.as_deref().map(Cow::Borrowed),
        created: a.created,
        modified: a.modified,
    }
}

impl Serialize for Annotations<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        s.collect_seq(p.annotations().map(|a| {
            let text = p.article(a.article).map(|art| &art.text);
            let (exact, prefix, suffix) = text.map_or(("", "", ""), |t| {
                (
                    t.slice(a.span),
                    t.before(a.span.start(), CONTEXT_CHARS),
                    t.after(a.span.end(), CONTEXT_CHARS),
                )
            });
            annotation_rec(a, exact, prefix, suffix)
        }))
    }
}

impl Serialize for Orphans<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.orphans().map(|o| {
            annotation_rec(
                &o.annotation,
                &o.quote.exact,
                &o.quote.prefix,
                &o.quote.suffix,
            )
        }))
    }
}

// ---------------------------------------------------------------- saving

/// The folder that holds a project's texts: `NAME.texts` beside `NAME.ron`.
#[must_use]
pub fn texts_folder_name(project_path: &Path) -> String {
    let stem = project_path
        .file_stem()
        .map_or_else(|| "project".into(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.texts")
}

fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .depth_limit(2)
        .indentor("    ".to_owned())
        .new_line("\n".to_owned())
}

/// Writes the RON text of a project's file to `w`. Texts are inlined for
/// [`TextStorage::Inline`]; otherwise they are referred to by hash in the
/// texts folder (which [`save`] fills).
///
/// # Errors
/// [`SaveError::Serialise`] when writing fails.
pub fn write_ron(
    w: &mut dyn std::io::Write,
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
) -> Result<(), SaveError> {
    write_ron_with(
        w,
        project,
        project_path,
        storage,
        &texts_folder_name(project_path),
    )
}

fn write_ron_with(
    w: &mut dyn std::io::Write,
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
    texts: &str,
) -> Result<(), SaveError> {
    let base = project_dir(project_path);
    let file = FileOut {
        format: FORMAT_NAME,
        version: CURRENT_VERSION,
        memo: project.memo(),
        next_ids: project.next_ids(),
        texts: (storage == TextStorage::Folder).then(|| texts.to_owned()),
        codebook: Tags(project),
        articles: Articles(project, &base, storage),
        annotations: Annotations(project),
        orphans: Orphans(project),
    };
    ron::Options::default()
        .to_io_writer_pretty(&mut *w, &file, pretty())
        .map_err(|e| SaveError::Serialise(e.to_string()))?;
    w.write_all(b"\n")
        .map_err(|e| SaveError::Serialise(e.to_string()))
}

/// The RON text of a project's file, as [`write_ron`] writes it.
///
/// # Errors
/// [`SaveError::Serialise`] (should not happen).
pub fn to_ron(
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
) -> Result<String, SaveError> {
    let mut v = Vec::new();
    write_ron(&mut v, project, project_path, storage)?;
    String::from_utf8(v).map_err(|e| SaveError::Serialise(e.to_string()))
}

/// Saves a project atomically to `path`, keeping the previous file as
/// `path.bak`. With [`TextStorage::Folder`], texts missing from the folder are
/// written first (each once, atomically); existing ones are never rewritten.
///
/// Refuses to overwrite a file that is not a Gloss project this build reads.
///
/// # Errors
/// [`SaveError`]; on error the previous project file is untouched.
pub fn save(project: &Project, path: &Path, storage: TextStorage) -> Result<(), SaveError> {
    let texts = texts_folder_name(path);
    save_with_texts(project, path, storage, &texts)
}

/// Like [`save`], with the texts folder named explicitly (relative to the
/// file's folder). Recovery files use this to share the project's texts.
///
/// # Errors
/// As [`save`].
pub fn save_with_texts(
    project: &Project,
    path: &Path,
    storage: TextStorage,
    texts: &str,
) -> Result<(), SaveError> {
    let path = absolute(path);
    if path.exists() {
        match peek_header(&path) {
            Ok(Header { version, .. }) if version <= CURRENT_VERSION => {}
            _ => return Err(SaveError::WouldClobber(path)),
        }
    }
    if storage == TextStorage::Folder {
        write_texts(project, &project_dir(&path).join(texts))?;
    }
    let mut failure = None;
    let written = write_atomic_with(&path, true, |w| {
        write_ron_with(w, project, &path, storage, texts).map_err(|e| {
            let msg = e.to_string();
            failure = Some(e);
            std::io::Error::other(msg)
        })
    });
    match (written, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e),
        (Err(source), None) => Err(SaveError::Io { path, source }),
    }
}

fn write_texts(project: &Project, folder: &Path) -> Result<(), SaveError> {
    let folder = folder.to_path_buf();
    let io_err = |p: &Path| {
        let p = p.to_path_buf();
        move |source| SaveError::Io { path: p, source }
    };
    std::fs::create_dir_all(&folder).map_err(io_err(&folder))?;
    let missing: Vec<&Article> = project
        .articles()
        .filter(|a| !folder.join(text_file_name(&a.hash)).exists())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    missing.par_iter().try_for_each(|a| {
        let p = folder.join(text_file_name(&a.hash));
        write_atomic(&p, a.text.as_str().as_bytes(), false).map_err(io_err(&p))
    })?;
    sync_dir(&folder);
    Ok(())
}

fn text_file_name(hash: &ContentHash) -> String {
    format!("{hash}.txt")
}

// ---------------------------------------------------------------- loading

struct Header {
    format: String,
    version: u32,
}

static FORMAT_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"^\s*\(\s*format:\s*"([^"]*)",\s*version:\s*(\d+)"#).ok());

fn peek_header(path: &Path) -> Result<Header, LoadError> {
    use std::io::Read;
    let mut buf = vec![0; 256];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .map_err(|source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    header_of(&String::from_utf8_lossy(&buf[..n]))
        .ok_or_else(|| LoadError::NotAProject(path.to_path_buf()))
}

fn header_of(start: &str) -> Option<Header> {
    let c = FORMAT_RE.as_ref()?.captures(start)?;
    let format = c.get(1)?.as_str().to_owned();
    let version = c.get(2)?.as_str().parse().ok()?;
    (format == FORMAT_NAME).then_some(Header { format, version })
}

/// Opens a project file, validating everything: every problem is reported
/// with its location, and nothing is written.
///
/// # Errors
/// [`LoadError`] saying what is wrong and where.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let path = absolute(path);
    let bytes = std::fs::read(&path).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotAProject(path.clone()))?;
    // The file's text is dropped before the article texts are read.
    let file = parse(&text, &path)?;
    drop(text);
    from_file(file, &path)
}

/// Reads a project from the RON text of a file at `path` (used to resolve the
/// texts folder and relative source paths).
///
/// # Errors
/// As [`load`].
pub fn from_ron(text: &str, path: &Path) -> Result<Loaded, LoadError> {
    from_file(parse(text, path)?, path)
}

fn parse(text: &str, path: &Path) -> Result<FileIn, LoadError> {
    let header = header_of(text).ok_or_else(|| LoadError::NotAProject(path.to_path_buf()))?;
    debug_assert_eq!(header.format, FORMAT_NAME);
    if header.version > CURRENT_VERSION {
        return Err(LoadError::TooNew {
            path: path.to_path_buf(),
            version: header.version,
        });
    }
    migrate(text, header.version, path)
}

/// Brings any supported version to the current records. Version 1 is the
/// first; later versions add one function per step here, each tested against
/// a fixture that never changes (`tests/fixtures/v1/…`).
fn migrate(text: &str, version: u32, path: &Path) -> Result<FileIn, LoadError> {
    match version {
        1 => ron::from_str::<FileIn>(text).map_err(|e| LoadError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        }),
        v => Err(LoadError::TooNew {
            path: path.to_path_buf(),
            version: v,
        }),
    }
}

fn from_file(file: FileIn, path: &Path) -> Result<Loaded, LoadError> {
    let base = project_dir(path);
    let folder = file.texts.as_ref().map(|f| base.join(f));
    let storage = if folder.is_some() {
        TextStorage::Folder
    } else {
        TextStorage::Inline
    };
    let mut problems = Vec::new();
    let mut codebook = Codebook::default();
    let mut seen_tags = BTreeSet::new();
    for t in file.codebook {
        if !seen_tags.insert(t.id) {
            problems.push(problem(t.id, "appears twice"));
            continue;
        }
        codebook.insert(Tag {
            id: t.id,
            props: TagProps {
                name: t.name.into_owned(),
                colour: t.colour,
                parent: t.parent,
                shortcut: t.shortcut,
                description: t.description.into_owned(),
            },
        });
    }
    // Texts are read and hashed in parallel.
    let results: Vec<(Result<Article, Problem>, Option<String>)> = file
        .articles
        .into_par_iter()
        .map(|rec| load_article(rec, &base, folder.as_deref()))
        .collect();
    let mut articles = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    for (r, warning) in results {
        warnings.extend(warning);
        match r {
            Ok(a) => articles.push(a),
            Err(p) => problems.push(p),
        }
    }
    // Each stored quote must be the text at its span.
    let texts: HashMap<ArticleId, &Text> = articles.iter().map(|a| (a.id, &a.text)).collect();
    let mut annotations = Vec::with_capacity(file.annotations.len());
    for c in file.annotations {
        let a = match c.annotation {
            Ok(a) => a,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        if let Some(text) = texts.get(&a.article)
            && a.span.end() <= text.char_len()
        {
            let q = Quote::capture(text, a.span);
            if quote_hash(&q.exact, &q.prefix, &q.suffix) != c.quote_hash {
                problems.push(problem(
                    a.id,
                    format!(
                        "its quote, prefix or suffix does not match the text at {} (the text there reads {:?})",
                        a.span,
                        short(&q.exact)
                    ),
                ));
            }
        }
        annotations.push(a);
    }
    let mut orphans = Vec::with_capacity(file.orphans.len());
    for r in file.orphans {
        let quote = Quote {
            exact: r.quote.to_string(),
            prefix: r.prefix.to_string(),
            suffix: r.suffix.to_string(),
        };
        match annotation_of(r) {
            Ok(annotation) => orphans.push(Orphan { annotation, quote }),
            Err(p) => problems.push(p),
        }
    }
    drop(texts);
    let memo = file.memo;
    let next = file.next_ids;
    match Project::from_parts(memo, articles, codebook, annotations, orphans, next) {
        Ok(project) if problems.is_empty() => Ok(Loaded {
            project,
            storage,
            warnings,
        }),
        Ok(_) => Err(LoadError::Invalid {
            path: path.to_path_buf(),
            problems,
        }),
        Err(more) => {
            problems.extend(more);
            Err(LoadError::Invalid {
                path: path.to_path_buf(),
                problems,
            })
        }
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 40 {
        let head: String = s.chars().take(40).collect();
        format!("{head}…")
    } else {
        s.to_owned()
    }
}

fn load_article(
    rec: ArticleRec<'static>,
    base: &Path,
    folder: Option<&Path>,
) -> (Result<Article, Problem>, Option<String>) {
    let source = resolve(base, &rec.source);
    let hash = ContentHash(rec.hash.into_owned());
    let mut warning = None;
    let text = match (rec.text, folder) {
        (Some(t), _) => Ok(t.into_owned()),
        (None, Some(folder)) => {
            let p = folder.join(text_file_name(&hash));
            match std::fs::read_to_string(&p) {
                Ok(t) if ContentHash::of(&t) == hash => Ok(t),
                other => {
                    let why = match other {
                        Ok(_) => format!("text file {} does not match its hash", p.display()),
                        Err(e) => format!("text file {} cannot be read ({e})", p.display()),
                    };
                    // Fall back to the source file if it still has the same text.
                    match super::article::read_article(&source) {
                        Ok(r) if ContentHash::of(&r.text) == hash => {
                            warning = Some(format!(
                                "{}: {why}; recovered the text from its source {}",
                                rec.id,
                                source.display()
                            ));
                            Ok(r.text)
                        }
                        _ => Err(format!(
                            "{why}, and the source {} does not have the same text",
                            source.display()
                        )),
                    }
                }
            }
        }
        (None, None) => {
            Err("has no text (the file names no texts folder and no inline text)".to_owned())
        }
    };
    let text = match text {
        Ok(t) => t,
        Err(why) => return (Err(problem(rec.id, why)), warning),
    };
    let text = Text::new(text);
    if text.char_len() != rec.chars {
        return (
            Err(problem(
                rec.id,
                format!(
                    "text has {} chars, the file says {}",
                    text.char_len(),
                    rec.chars
                ),
            )),
            warning,
        );
    }
    (
        Ok(Article {
            id: rec.id,
            source,
            hash: ContentHash::of(text.as_str()),
            text,
            meta: Metadata {
                date: rec.date,
                posted: rec.posted,
                credit: rec.credit.map(Cow::into_owned),
                file_name: rec.file_name.into_owned(),
                format: rec.format,
                encoding: rec.encoding.into_owned(),
            },
            title: rec.title.into_owned(),
            status: rec.status,
            note: rec.note.into_owned(),
        }),
        warning,
    )
}

// ---------------------------------------------------------------- paths

fn problem(location: impl std::fmt::Display, message: impl Into<String>) -> Problem {
    Problem {
        location: location.to_string(),
        message: message.into(),
    }
}

/// The absolute folder of a project file.
#[must_use]
pub fn project_dir(project_path: &Path) -> PathBuf {
    let abs = absolute(project_path);
    abs.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `path` relative to `base` when they share a root, with `/` separators;
/// otherwise `path` as it is.
pub(crate) fn relative_to(path: &Path, base: &Path) -> String {
    let rel = if path.is_absolute() {
        match pathdiff::diff_paths(path, base) {
            // Only when the two share more than the file system root: a path
            // that climbs all the way up is clearer, and as portable, absolute.
            Some(rel)
                if rel
                    .components()
                    .take_while(|c| matches!(c, Component::ParentDir))
                    .count()
                    < base.components().count().saturating_sub(1) =>
            {
                rel
            }
            _ => path.to_path_buf(),
        }
    } else {
        path.to_path_buf()
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if rel.is_absolute() {
        rel.to_string_lossy().into_owned()
    } else {
        parts.join("/")
    }
}

/// `base/rel` with `.` and `..` resolved lexically.
fn resolve(base: &Path, rel: &str) -> PathBuf {
    lexical(&base.join(rel))
}

/// An absolute path with `.` and `..` resolved lexically (not following
/// links, the same way stored relative paths are resolved), so that
/// `../proj/p.ron` and `/home/ana/proj/p.ron` are the same project.
#[must_use]
pub fn absolute(path: &Path) -> PathBuf {
    lexical(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
#[path = "project_file_tests.rs"]
mod file_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_recognised() {
        let h = header_of("(\n    format: \"gloss-project\",\n    version: 7,").unwrap();
        assert_eq!(h.version, 7);
        assert!(header_of("(format: \"other\", version: 1,").is_none());
    }

    #[test]
    fn relative_paths_round_trip() {
        let base = Path::new("/home/ana/review/saves");
        let src = Path::new("/home/ana/review/articles/a b.txt");
        let rel = relative_to(src, base);
        assert_eq!(rel, "../articles/a b.txt");
        assert_eq!(resolve(base, &rel), src);
        assert_eq!(relative_to(Path::new("/tmp/a.txt"), base), "/tmp/a.txt");
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d.ron")),
            Path::new("/a/c/d.ron")
        );
    }
}
