//! The project file: pretty RON, versioned, stable and sorted, with the
//! article texts in a content-addressed folder beside it (or inline).
//!
//! See `docs/project-format.md` for the format field by field.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use rayon::prelude::*;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::atomic::{sync_dir, write_atomic};
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

#[derive(Serialize, Deserialize)]
struct FileV1 {
    format: String,
    version: u32,
    memo: String,
    next_ids: NextIds,
    /// Folder of texts, relative to the project file; `None` for inline texts.
    #[serde(default)]
    texts: Option<String>,
    codebook: Vec<TagRec>,
    articles: Vec<ArticleRec>,
    annotations: Vec<AnnotationRec>,
    #[serde(default)]
    orphans: Vec<AnnotationRec>,
}

#[derive(Serialize, Deserialize)]
struct TagRec {
    id: TagId,
    name: String,
    colour: Colour,
    parent: Option<TagId>,
    shortcut: Option<char>,
    description: String,
}

#[derive(Serialize, Deserialize)]
struct ArticleRec {
    id: ArticleId,
    title: String,
    status: ReviewStatus,
    date: Option<NaiveDate>,
    posted: Option<NaiveDateTime>,
    credit: Option<String>,
    source: String,
    file_name: String,
    format: SourceFormat,
    encoding: String,
    hash: ContentHash,
    chars: usize,
    note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct AnnotationRec {
    id: AnnotationId,
    article: ArticleId,
    start: usize,
    end: usize,
    tags: Vec<TagId>,
    quote: String,
    prefix: String,
    suffix: String,
    note: String,
    author: Option<String>,
    created: Timestamp,
    modified: Timestamp,
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

/// Serialises a project to the RON text of its file. Texts are inlined for
/// [`TextStorage::Inline`]; otherwise they are referred to by hash in the
/// folder `texts` (which [`save`] fills).
///
/// # Errors
/// [`SaveError::Serialise`] (should not happen for a valid project).
pub fn to_ron(
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
) -> Result<String, SaveError> {
    let base = project_dir(project_path);
    let cb = project.codebook();
    let file = FileV1 {
        format: FORMAT_NAME.to_owned(),
        version: CURRENT_VERSION,
        memo: project.memo().to_owned(),
        next_ids: project.next_ids(),
        texts: (storage == TextStorage::Folder).then(|| texts_folder_name(project_path)),
        codebook: cb
            .iter()
            .map(|t| TagRec {
                id: t.id,
                name: t.props.name.clone(),
                colour: t.props.colour,
                parent: t.props.parent,
                shortcut: t.props.shortcut,
                description: t.props.description.clone(),
            })
            .collect(),
        articles: project
            .articles()
            .map(|a| ArticleRec {
                id: a.id,
                title: a.title.clone(),
                status: a.status,
                date: a.meta.date,
                posted: a.meta.posted,
                credit: a.meta.credit.clone(),
                source: relative_to(&a.source, &base),
                file_name: a.meta.file_name.clone(),
                format: a.meta.format,
                encoding: a.meta.encoding.clone(),
                hash: a.hash.clone(),
                chars: a.text.char_len(),
                note: a.note.clone(),
                text: (storage == TextStorage::Inline).then(|| a.text.as_str().to_owned()),
            })
            .collect(),
        annotations: project.annotations().map(annotation_rec).collect(),
        orphans: project.orphans().map(annotation_rec).collect(),
    };
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(2)
        .indentor("    ".to_owned())
        .new_line("\n".to_owned());
    let mut s = ron::ser::to_string_pretty(&file, config)
        .map_err(|e| SaveError::Serialise(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn annotation_rec(a: &Annotation) -> AnnotationRec {
    AnnotationRec {
        id: a.id,
        article: a.article,
        start: a.span.start(),
        end: a.span.end(),
        tags: a.tags.iter().copied().collect(),
        quote: a.quote.exact.clone(),
        prefix: a.quote.prefix.clone(),
        suffix: a.quote.suffix.clone(),
        note: a.note.clone(),
        author: a.author.clone(),
        created: a.created,
        modified: a.modified,
    }
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
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if path.exists() {
        match peek_header(&path) {
            Ok(Header { version, .. }) if version <= CURRENT_VERSION => {}
            _ => return Err(SaveError::WouldClobber(path)),
        }
    }
    if storage == TextStorage::Folder {
        write_texts(project, &path)?;
    }
    let ron = to_ron(project, &path, storage)?;
    write_atomic(&path, ron.as_bytes(), true).map_err(|source| SaveError::Io {
        path: path.clone(),
        source,
    })
}

fn write_texts(project: &Project, path: &Path) -> Result<(), SaveError> {
    let folder = project_dir(path).join(texts_folder_name(path));
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
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let bytes = std::fs::read(&path).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotAProject(path.clone()))?;
    from_ron(&text, &path)
}

/// Reads a project from the RON text of a file at `path` (used to resolve the
/// texts folder and relative source paths).
///
/// # Errors
/// As [`load`].
pub fn from_ron(text: &str, path: &Path) -> Result<Loaded, LoadError> {
    let header = header_of(text).ok_or_else(|| LoadError::NotAProject(path.to_path_buf()))?;
    debug_assert_eq!(header.format, FORMAT_NAME);
    if header.version > CURRENT_VERSION {
        return Err(LoadError::TooNew {
            path: path.to_path_buf(),
            version: header.version,
        });
    }
    let file = migrate(text, header.version, path)?;
    from_file(file, path)
}

/// Brings any supported version to the current records. Version 1 is the
/// first; later versions add one function per step here, each tested against
/// a fixture that never changes (`tests/fixtures/v1/…`).
fn migrate(text: &str, version: u32, path: &Path) -> Result<FileV1, LoadError> {
    match version {
        1 => ron::from_str::<FileV1>(text).map_err(|e| LoadError::Parse {
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

fn from_file(file: FileV1, path: &Path) -> Result<Loaded, LoadError> {
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
                name: t.name,
                colour: t.colour,
                parent: t.parent,
                shortcut: t.shortcut,
                description: t.description,
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
    let convert = |recs: Vec<AnnotationRec>, problems: &mut Vec<Problem>| {
        let mut out = Vec::with_capacity(recs.len());
        for r in recs {
            match Span::new(r.start, r.end) {
                Ok(span) => out.push(Annotation {
                    id: r.id,
                    article: r.article,
                    span,
                    quote: Quote {
                        exact: r.quote,
                        prefix: r.prefix,
                        suffix: r.suffix,
                    },
                    tags: r.tags.into_iter().collect(),
                    note: r.note,
                    author: r.author,
                    created: r.created,
                    modified: r.modified,
                }),
                Err(e) => problems.push(problem(r.id, e.to_string())),
            }
        }
        out
    };
    let annotations = convert(file.annotations, &mut problems);
    let orphans = convert(file.orphans, &mut problems);
    if !problems.is_empty() {
        // Structural problems first; the model's checks would only repeat them.
        return Err(LoadError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    match Project::from_parts(
        file.memo,
        articles,
        codebook,
        annotations,
        orphans,
        file.next_ids,
    ) {
        Ok(project) => Ok(Loaded {
            project,
            storage,
            warnings,
        }),
        Err(problems) => Err(LoadError::Invalid {
            path: path.to_path_buf(),
            problems,
        }),
    }
}

fn load_article(
    rec: ArticleRec,
    base: &Path,
    folder: Option<&Path>,
) -> (Result<Article, Problem>, Option<String>) {
    let source = resolve(base, &rec.source);
    let mut warning = None;
    let text = match (rec.text, folder) {
        (Some(t), _) => Ok(t),
        (None, Some(folder)) => {
            let p = folder.join(text_file_name(&rec.hash));
            match std::fs::read_to_string(&p) {
                Ok(t) if ContentHash::of(&t) == rec.hash => Ok(t),
                other => {
                    let why = match other {
                        Ok(_) => format!("text file {} does not match its hash", p.display()),
                        Err(e) => format!("text file {} cannot be read ({e})", p.display()),
                    };
                    // Fall back to the source file if it still has the same text.
                    match super::article::read_article(&source) {
                        Ok(r) if ContentHash::of(&r.text) == rec.hash => {
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
                credit: rec.credit,
                file_name: rec.file_name,
                format: rec.format,
                encoding: rec.encoding,
            },
            title: rec.title,
            status: rec.status,
            note: rec.note,
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
    let abs = std::path::absolute(project_path).unwrap_or_else(|_| project_path.to_path_buf());
    abs.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `path` relative to `base` when they share a root, with `/` separators;
/// otherwise `path` as it is.
pub(crate) fn relative_to(path: &Path, base: &Path) -> String {
    let rel = if path.is_absolute() {
        pathdiff::diff_paths(path, base).unwrap_or_else(|| path.to_path_buf())
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
    let joined = base.join(rel);
    let mut out = PathBuf::new();
    for c in joined.components() {
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
    }
}
