//! Opening a project file: bounded reading, the header, migration from older
//! versions, and validation of everything, with every problem reported with
//! its place. Nothing is written while loading.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;

use rayon::prelude::*;
use regex::Regex;
use serde::Deserialize;

use super::article_texts;
use super::lines;
use super::records::{
    AnnotationRec, ArticleRec, FileIn, QuoteCheck, QuotedAnnotation, QuotesIn, TagRec,
    annotation_of, problem,
};
use super::texts_seen::{FolderState, TextsSeen};
use super::{
    Baseline, CURRENT_VERSION, FORMAT_NAME, FileStamp, Fingerprint, LoadError, Loaded,
    OLDEST_VERSION, TextStorage,
};
use crate::io::limits::Limits;
use crate::io::paths::{absolute, project_dir, shown};
use crate::io::read::{read_bounded, read_large};
use crate::model::{
    Annotation, AnnotationId, Article, ArticleId, Codebook, Orphan, Problem, Project, Quote,
    ReviewStatus, Tag, TagProps, Text, Unavailable,
};

/// The header every project file starts with.
pub(super) struct Header {
    pub version: u32,
}

static FORMAT_RE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"^\s*\(\s*format:\s*"([^"]*)",\s*version:\s*(\d+)"#).ok());

/// Reads the header from the start of a file.
pub(super) fn peek_header(path: &Path) -> Result<Header, LoadError> {
    use std::io::Read;
    let io_err = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let (file, _) = crate::io::read::open_regular(path).map_err(io_err)?;
    let mut buf = Vec::with_capacity(256);
    file.take(256)
        .read_to_end(&mut buf)
        .map_err(|e| io_err(e.into()))?;
    let start = String::from_utf8_lossy(&buf);
    header_of(start.strip_prefix('\u{feff}').unwrap_or(&start))
        .ok_or_else(|| LoadError::NotAProject(path.to_path_buf()))
}

/// Whether `text` starts like a Gloss project file (any version).
#[must_use]
pub fn is_project_text(text: &str) -> bool {
    header_of(text).is_some()
}

fn header_of(start: &str) -> Option<Header> {
    let c = FORMAT_RE.as_ref()?.captures(start)?;
    let format = c.get(1)?.as_str();
    let version = c.get(2)?.as_str().parse().ok()?;
    (format == FORMAT_NAME).then_some(Header { version })
}

/// Opens a project file, validating everything: every problem is reported
/// with its location, and nothing is written. A text that cannot be read
/// does not stop the project from opening: its article is marked
/// unavailable and its passages are kept, read-only.
///
/// # Errors
/// [`LoadError`] saying what is wrong and where.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_listing(path, |_| {}, &|_, _| {})
}

/// An article as the article list shows it, read from the project file
/// before its texts and passages, so a large project's list can be shown
/// while the rest loads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The article.
    pub id: ArticleId,
    /// Its title.
    pub title: String,
    /// Its review status.
    pub status: ReviewStatus,
    /// Its date.
    pub date: Option<NaiveDate>,
    /// Its credit line, or else its file name (as the list shows it).
    pub byline: String,
}

/// [`load`], giving `listed` the project's articles as soon as their
/// records are read (before the texts and passages, which are most of the
/// work; not called when the file cannot be read that far), and telling
/// `texts_read` how many of the articles' texts have been read, of how
/// many, as they are read (from any thread).
///
/// # Errors
/// As [`load`].
pub fn load_listing(
    path: &Path,
    listed: impl FnOnce(Vec<Listed>),
    texts_read: &(dyn Fn(usize, usize) + Sync),
) -> Result<Loaded, LoadError> {
    let mut listed = Some(listed);
    let mut list = |records: &[ArticleRec<'static>]| {
        if let Some(f) = listed.take() {
            f(records
                .iter()
                .map(|r| Listed {
                    id: r.id,
                    title: r.title.to_string(),
                    status: r.status,
                    date: r.date,
                    byline: crate::model::article::byline(r.credit.as_deref(), &r.file_name)
                        .to_owned(),
                })
                .collect());
        }
    };
    let path = absolute(path);
    let bytes = read_large(&path, Limits::get().project_bytes).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    let meta = std::fs::metadata(&path).map_err(|e| LoadError::Io {
        path: path.clone(),
        source: e.into(),
    })?;
    let mut warnings = Vec::new();
    let (text, bom) = text_of(&bytes, &path)?;
    if bom {
        warnings.push(format!(
            "{} starts with a byte-order mark, which Gloss ignores; the next save writes the file without it",
            shown(&path)
        ));
    }
    let (file, version, unknown) = parse(text, &path, &mut list)?;
    // Hashed after parsing, so the list comes first.
    let stamp = FileStamp::new(&meta, Fingerprint::of(&bytes));
    // The file's text is dropped before the article texts are read; it is
    // read again only in the rare case that some text is unavailable.
    drop(bytes);
    let reread = || {
        let bytes = read_bounded(&path, Limits::get().project_bytes).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        Some(
            text.strip_prefix('\u{feff}')
                .map(str::to_owned)
                .unwrap_or(text),
        )
    };
    let mut loaded = from_file(
        file,
        &path,
        |u| {
            if let Some(text) = reread() {
                keep_quotes(&text, &path, u);
            }
        },
        true,
        texts_read,
    )?;
    loaded.warnings.splice(0..0, warnings);
    if !unknown.is_empty() {
        loaded.warnings.push(format!(
            "{} has fields this version of Gloss does not know, which saving would drop: {}",
            shown(&path),
            unknown.join(", ")
        ));
    }
    loaded.baseline.stamp = Some(stamp);
    loaded.baseline.version = version;
    loaded.baseline.unknown_fields = unknown;
    Ok(loaded)
}

/// The text of a project file's bytes, without a byte-order mark (`true`
/// when there was one); an error naming the line and offset when they are
/// not UTF-8.
pub(super) fn text_of<'a>(bytes: &'a [u8], path: &Path) -> Result<(&'a str, bool), LoadError> {
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    if let Some(text) = crate::io::read::utf8(body) {
        return Ok((text, body.len() < bytes.len()));
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to() + bytes.len() - body.len();
        LoadError::Encoding {
            path: path.to_path_buf(),
            line: memchr::memchr_iter(b'\n', &bytes[..offset]).count() + 1,
            offset,
            message: "the file is not valid UTF-8 text (a Gloss project file is UTF-8)".into(),
        }
    })?;
    Ok((text, body.len() < bytes.len()))
}

/// Reads a project from the RON text of a file at `path` (used to resolve the
/// texts folder and relative source paths).
///
/// # Errors
/// As [`load`].
pub fn from_ron(text: &str, path: &Path) -> Result<Loaded, LoadError> {
    let (file, version, unknown) = parse(text, path, &mut |_| {})?;
    let mut loaded = from_file(file, path, |u| keep_quotes(text, path, u), true, &|_, _| {})?;
    loaded.baseline.version = version;
    loaded.baseline.unknown_fields = unknown;
    Ok(loaded)
}

/// Reads a project's records from the RON text of a file at `path` without
/// reading its texts folder: every article whose text is not inline is
/// unavailable, its passages kept with the quotes the file recorded. Merging
/// project files (the git merge driver) needs only this, and the texts of
/// the other side may not be on disk yet. Also returns the file's `texts`
/// field, to be written back unchanged.
///
/// # Errors
/// As [`load`]; also when the file has fields this build does not know
/// (a merge would drop them).
pub fn records_only(text: &str, path: &Path) -> Result<(Loaded, Option<String>), LoadError> {
    let (file, version, unknown) = parse::<QuotedAnnotation>(text, path, &mut |_| {})?;
    if !unknown.is_empty() {
        return Err(LoadError::Invalid {
            path: path.to_path_buf(),
            problems: vec![problem(
                "file",
                format!(
                    "has fields this version of Gloss does not know, which a merge would drop: {}",
                    unknown.join(", ")
                ),
            )],
        });
    }
    let texts = file.texts.clone();
    // The quotes were read with the records: no second pass over the text.
    let mut quotes = Vec::with_capacity(file.annotations.len());
    let mut compact = Vec::with_capacity(file.annotations.len());
    for q in file.annotations {
        quotes.push((q.article, q.id, q.quote));
        compact.push(q.compact);
    }
    let file = FileIn {
        format: file.format,
        version: file.version,
        memo: file.memo,
        next_ids: file.next_ids,
        texts: file.texts,
        codebook: file.codebook,
        articles: file.articles,
        annotations: compact,
        orphans: file.orphans,
        conflicts: file.conflicts,
    };
    let keep = |u: &mut BTreeMap<ArticleId, Unavailable>| {
        for (article, id, quote) in quotes {
            if let Some(x) = u.get_mut(&article) {
                x.quotes.insert(id, quote);
            }
        }
    };
    let mut loaded = from_file(file, path, keep, false, &|_, _| {})?;
    loaded.baseline.version = version;
    Ok((loaded, texts))
}

/// Checks the header and parses the records of any version this build
/// reads, noting fields it does not know.
pub(super) fn parse<A: lines::Record>(
    text: &str,
    path: &Path,
    listed: &mut dyn FnMut(&[ArticleRec<'static>]),
) -> Result<(FileIn<A>, u32, Vec<String>), LoadError> {
    let header = header_of(text).ok_or_else(|| LoadError::NotAProject(path.to_path_buf()))?;
    match header.version {
        v if v > CURRENT_VERSION => Err(LoadError::TooNew {
            path: path.to_path_buf(),
            version: v,
        }),
        v if v < OLDEST_VERSION => Err(LoadError::Unsupported {
            path: path.to_path_buf(),
            version: v,
        }),
        v => {
            let (file, unknown) = migrate(text, v, path, listed)?;
            Ok((file, v, unknown))
        }
    }
}

/// Brings any supported version to the current records. Version 1 differs
/// from version 2 only by lacking `source_bytes`, so both parse into the same
/// records; each later step adds a function here, tested against fixtures
/// that never change (`tests/fixtures/v1/…`).
fn migrate<A: lines::Record>(
    text: &str,
    version: u32,
    path: &Path,
    listed: &mut dyn FnMut(&[ArticleRec<'static>]),
) -> Result<(FileIn<A>, Vec<String>), LoadError> {
    debug_assert!((OLDEST_VERSION..=CURRENT_VERSION).contains(&version));
    if let Some(parsed) = lines::parse_parallel(text, listed, |rest| parse_records(rest, path).ok())
    {
        return Ok(parsed);
    }
    let parsed: (FileIn<A>, Vec<String>) = parse_records(text, path)?;
    listed(&parsed.0.articles);
    Ok(parsed)
}

pub(super) fn parse_records<T: for<'de> Deserialize<'de>>(
    text: &str,
    path: &Path,
) -> Result<(T, Vec<String>), LoadError> {
    let parse_err = |e: ron::error::SpannedError| LoadError::Parse {
        path: path.to_path_buf(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    };
    let mut de = ron::Deserializer::from_str(text).map_err(parse_err)?;
    let mut unknown = Vec::new();
    let value = serde_ignored::deserialize(&mut de, |p| unknown.push(p.to_string()))
        .map_err(|e| parse_err(de.span_error(e)))?;
    de.end().map_err(|e| parse_err(de.span_error(e)))?;
    Ok((value, unknown))
}

fn from_file(
    file: FileIn,
    path: &Path,
    keep_quotes_of_unavailable: impl FnOnce(&mut BTreeMap<ArticleId, Unavailable>),
    read_folder: bool,
    texts_read: &(dyn Fn(usize, usize) + Sync),
) -> Result<Loaded, LoadError> {
    let base = project_dir(path);
    let folder = file.texts.as_ref().map(|f| base.join(f));
    let storage = if folder.is_some() {
        TextStorage::Folder
    } else {
        TextStorage::Inline
    };
    let mut problems = Vec::new();
    let codebook = codebook_of(file.codebook, &mut problems);
    // The folder's state before its texts are read (see `TextsSeen`).
    let folder_state = folder
        .as_deref()
        .filter(|_| read_folder)
        .and_then(FolderState::settled);
    let (annotations, quotes) = passages_of(file.annotations, &mut problems);
    let results = article_texts::read_all(
        file.articles,
        &base,
        folder.as_deref(),
        read_folder,
        texts_read,
    );
    let mut articles = Vec::with_capacity(results.len());
    let mut warnings = Vec::new();
    let mut unavailable = BTreeMap::new();
    let mut damaged = Vec::new();
    let mut seen = Vec::new();
    for (in_folder, r) in results {
        match r {
            Ok(a) => {
                warnings.extend(a.warning);
                if a.damaged {
                    damaged.push(a.article.hash.clone());
                } else if in_folder && a.unavailable.is_none() && folder_state.is_some() {
                    seen.push(articles.len());
                }
                if let Some(u) = a.unavailable {
                    unavailable.insert(a.article.id, u);
                }
                articles.push(a.article);
            }
            Err(p) => problems.push(p),
        }
    }
    let texts_seen = folder
        .as_deref()
        .zip(folder_state)
        .map(|(f, state)| TextsSeen::new(f, state, seen.iter().map(|&i| &articles[i].hash)));
    check_quotes(
        &annotations,
        &quotes,
        &articles,
        &unavailable,
        &mut problems,
    );
    drop(quotes);
    if !unavailable.is_empty() {
        keep_quotes_of_unavailable(&mut unavailable);
    }
    let orphans = orphans_of(file.orphans, &mut problems);
    let conflicts = file.conflicts;
    // Each text was checked against its hash as it was read.
    let (project, more) = Project::assemble(
        file.memo,
        articles,
        codebook,
        annotations,
        orphans,
        file.next_ids,
        unavailable,
    );
    problems.extend(more);
    problems.extend(project.validate_read());
    if !problems.is_empty() {
        return Err(LoadError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(Loaded {
        project: project.with_conflicts(conflicts),
        storage,
        warnings,
        baseline: Baseline {
            damaged_texts: damaged,
            texts_seen,
            ..Baseline::default()
        },
    })
}

/// The orphaned passages of the file's records.
fn orphans_of(records: Vec<AnnotationRec<'static>>, problems: &mut Vec<Problem>) -> Vec<Orphan> {
    let mut orphans = Vec::with_capacity(records.len());
    for r in records {
        let quote = r.quote_kept();
        match annotation_of(r) {
            Ok(annotation) => orphans.push(Orphan { annotation, quote }),
            Err(p) => problems.push(p),
        }
    }
    orphans
}

/// The codebook of the file's tag records (a tag listed twice is a problem).
fn codebook_of(tags: Vec<TagRec<'static>>, problems: &mut Vec<Problem>) -> Codebook {
    let mut codebook = Codebook::default();
    let mut seen_tags = BTreeSet::new();
    for t in tags {
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
    codebook
}

/// The passages of the file's records keyed by id, each with what its
/// record says its text reads (in id order); records that could not be
/// read are problems. Built before the texts are read, so the records and
/// the map, briefly both in memory, never share it with the texts.
fn passages_of(
    records: Vec<super::records::CompactAnnotation>,
    problems: &mut Vec<Problem>,
) -> (BTreeMap<AnnotationId, Annotation>, Vec<QuoteCheck>) {
    // Reuses the records' memory (the pair is the size of a record).
    let read: Vec<(Annotation, QuoteCheck)> = records
        .into_iter()
        .filter_map(|c| match c.annotation {
            Ok(a) => Some((a, c.quote)),
            Err(p) => {
                problems.push(p);
                None
            }
        })
        .collect();
    crate::model::project::passages_by_id(read, problems)
}

/// Checks that each stored quote (`quotes`, in id order), and the prefix
/// and suffix where the record has them, are the text at its passage's
/// span, where the text is available.
fn check_quotes(
    annotations: &BTreeMap<AnnotationId, Annotation>,
    quotes: &[QuoteCheck],
    articles: &[Article],
    unavailable: &BTreeMap<ArticleId, Unavailable>,
    problems: &mut Vec<Problem>,
) {
    let texts: HashMap<ArticleId, &Text> = articles
        .iter()
        .filter(|a| !unavailable.contains_key(&a.id))
        .map(|a| (a.id, &a.text))
        .collect();
    // Each article's passages by start: one walk through its text finds
    // their bytes without its char index. On every core, without copying a
    // quote; a passage that fails is looked at again to say what it reads.
    let mut passages: Vec<(&Annotation, QuoteCheck)> =
        annotations.values().zip(quotes.iter().copied()).collect();
    passages.sort_by_key(|(a, _)| (a.article, a.span.start()));
    let mut failed: Vec<(&Annotation, QuoteCheck)> = passages
        .par_chunk_by(|(x, _), (y, _)| x.article == y.article)
        .flat_map_iter(|group| {
            let text = texts.get(&group[0].0.article).copied();
            let mut walker = text.map(Text::walker);
            group
                .iter()
                .filter(move |(a, quote)| match (text, walker.as_mut()) {
                    (Some(text), Some(w)) if a.span.end() <= text.char_len() => {
                        !quote.matches_at(text, a.span, w.bytes_of(a.span))
                    }
                    _ => false,
                })
        })
        .map(|(a, q)| (*a, *q))
        .collect();
    drop(passages);
    failed.sort_by_key(|(a, _)| a.id);
    for (a, quote) in failed {
        if let Some(text) = texts.get(&a.article) {
            problems.push(problem(
                a.id,
                format!(
                    "its {} does not match the text at {} (the text there reads {:?})",
                    quote.compared(),
                    a.span,
                    short(text.slice(a.span))
                ),
            ));
        }
    }
}

/// Gives the passages of unavailable articles the quotes the file has.
fn keep_quotes(text: &str, path: &Path, unavailable: &mut BTreeMap<ArticleId, Unavailable>) {
    if let Ok((quotes, _)) = parse_records::<QuotesIn>(text, path) {
        for q in quotes.annotations {
            if let Some(u) = unavailable.get_mut(&q.article) {
                u.quotes.insert(
                    q.id,
                    Quote {
                        exact: q.quote,
                        prefix: q.prefix,
                        suffix: q.suffix,
                    },
                );
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_recognised() {
        let h = header_of("(\n    format: \"gloss-project\",\n    version: 7,").unwrap();
        assert_eq!(h.version, 7);
        assert!(header_of("(format: \"other\", version: 1,").is_none());
    }
}
