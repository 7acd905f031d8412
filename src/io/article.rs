//! Reading one article file: bytes → text → normalised text + metadata.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use regex::Regex;

use super::decode::{DecodeError, decode};
use super::html;
use crate::model::text::normalise;
use crate::model::{Metadata, SourceFormat};

/// Longest title taken from the first sentence, in chars.
pub const TITLE_MAX: usize = 100;

/// An article read from a file, not yet part of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadArticle {
    /// The file it came from.
    pub path: PathBuf,
    /// Normalised text.
    pub text: String,
    /// A title found in the file.
    pub title: String,
    /// Metadata.
    pub meta: Metadata,
    /// A warning about the reading (e.g. replaced invalid bytes).
    pub warning: Option<String>,
}

/// Why a file could not be read as an article.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The file is not a regular file, or too large.
    #[error("cannot read the file: {0}")]
    File(#[from] super::read::FileError),
    /// Not a supported kind of file.
    #[error("unsupported file type {0:?} (Gloss reads {SUPPORTED})")]
    Unsupported(String),
    /// A word-processor or e-book document that could not be read.
    #[error("{0}")]
    Document(#[from] super::documents::DocError),
    /// An RTF file that could not be read.
    #[error("{0}")]
    Rtf(#[from] super::rtf::RtfError),
    /// A PDF that could not be read.
    #[error("{0}")]
    Pdf(#[from] super::pdf::PdfError),
    /// A Word 97–2003 binary document.
    #[error("a Word 97-2003 (.doc) document; Gloss reads .docx — save it as .docx or .rtf")]
    WordBinary,
    /// A story of a multi-story file that is not there.
    #[error("the file has {have} stories now, not {want}")]
    NoSuchStory {
        /// The story asked for (1-based).
        want: usize,
        /// How many the file has.
        have: usize,
    },
    /// Not text, or nothing in it.
    #[error("{0}")]
    Decode(#[from] DecodeError),
    /// An HTML page with no readable text.
    #[error("the HTML page has no readable text")]
    NoText,
    /// An HTML page Gloss will not parse.
    #[error("{0}")]
    Html(#[from] html::HtmlError),
}

/// The file types Gloss reads, in words.
pub const SUPPORTED: &str = ".txt, .md, .html, .docx, .odt, .rtf, .pdf and .epub";

/// The format of a path by its extension, if supported.
#[must_use]
pub fn format_of(path: &Path) -> Option<SourceFormat> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(SourceFormat::Text),
        "md" | "markdown" => Some(SourceFormat::Markdown),
        "html" | "htm" | "xhtml" => Some(SourceFormat::Html),
        "docx" => Some(SourceFormat::Docx),
        "odt" => Some(SourceFormat::Odt),
        "epub" => Some(SourceFormat::Epub),
        // Old news-archive "DOC" downloads are RTF inside; real Word 97
        // files are refused when read.
        "rtf" | "doc" => Some(SourceFormat::Rtf),
        "pdf" => Some(SourceFormat::Pdf),
        _ => None,
    }
}

/// `FILE#N`: story `N` (1-based) of a multi-story file such as a news
/// archive export.
#[must_use]
pub fn story_path(file: &Path, n: usize) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(format!("#{n}"));
    PathBuf::from(s)
}

/// The file and story number of a `FILE#N` path, when `FILE` is a file
/// and the whole path is not.
fn split_story_path(path: &Path) -> Option<(PathBuf, usize)> {
    let s = path.to_str()?;
    let (file, n) = s.rsplit_once('#')?;
    let n: usize = n.parse().ok()?;
    let file = PathBuf::from(file);
    (n > 0 && !path.exists() && file.is_file()).then_some((file, n))
}

/// Extensions of the exchange archives whose members can be an article's
/// source (`project.qdpx#sources/a.txt`).
const ARCHIVES: [&str; 2] = [".qdpx", ".zip"];

/// The source path of an article read from `member` inside `archive`:
/// `ARCHIVE#MEMBER`. It names where the text came from; [`own_file`] tells
/// it apart from a file of its own, so that `check` and re-sync leave it be.
#[must_use]
pub fn archive_member(archive: &Path, member: &str) -> PathBuf {
    let mut s = archive.as_os_str().to_owned();
    s.push("#");
    s.push(member);
    PathBuf::from(s)
}

/// The article's own file: `None` when its source is empty or a member of an
/// exchange archive (see [`archive_member`]), which have no file to re-read.
#[must_use]
pub fn own_file(source: &Path) -> Option<&Path> {
    if source.as_os_str().is_empty() {
        return None;
    }
    let s = source.to_string_lossy().to_lowercase();
    if ARCHIVES.iter().any(|ext| s.contains(&format!("{ext}#"))) {
        return None;
    }
    Some(source)
}

/// Reads an article file: one article, or for `FILE#N`, story `N` of a
/// multi-story file (the first story of a file that has several).
///
/// # Errors
/// [`ReadError`] naming what is wrong with the file.
pub fn read_article(path: &Path) -> Result<ReadArticle, ReadError> {
    if let Some((file, n)) = split_story_path(path) {
        let mut all = read_articles(&file)?;
        let have = all.len();
        if n > have {
            return Err(ReadError::NoSuchStory { want: n, have });
        }
        return Ok(all.swap_remove(n - 1));
    }
    let mut all = read_articles(path)?;
    Ok(all.swap_remove(0))
}

/// Reads a file as articles: one, or one per story of a news archive
/// export (Nexis Uni, LexisNexis, Factiva), each with its metadata. The
/// stories of a multi-story file have `FILE#N` paths.
///
/// # Errors
/// [`ReadError`] naming what is wrong with the file.
pub fn read_articles(path: &Path) -> Result<Vec<ReadArticle>, ReadError> {
    let format = format_of(path).ok_or_else(|| {
        ReadError::Unsupported(path.extension().map_or_else(
            || "(no extension)".to_owned(),
            |e| format!(".{}", e.to_string_lossy()),
        ))
    })?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let doc = match format {
        SourceFormat::Docx => Some(super::documents::read_docx(path)?),
        SourceFormat::Odt => Some(super::documents::read_odt(path)?),
        SourceFormat::Epub => Some(super::documents::read_epub(path)?),
        _ => None,
    };
    if let Some(doc) = doc {
        return from_document(&doc, format, path, &file_name);
    }
    let bytes = super::read::read_input(path)?;
    if format == SourceFormat::Rtf {
        return from_rtf(&bytes, path, &file_name);
    }
    if format == SourceFormat::Pdf {
        let text = normalise(&super::pdf::to_text(bytes)?);
        return Ok(from_extracted(
            &text,
            SourceFormat::Pdf,
            "PDF",
            path,
            &file_name,
        ));
    }
    let decoded = decode(&bytes)?;
    let text = normalise(&decoded.text);
    let stories = match format {
        SourceFormat::Html if super::news::is_factiva_html(&text) => Some((
            super::news::Layout::Factiva,
            super::news::split_factiva(&text),
        )),
        SourceFormat::Text => super::news::detect_text(&text)
            .map(|layout| (layout, super::news::split_text(layout, &text))),
        _ => None,
    };
    let meta = Metadata {
        file_name: file_name.clone(),
        format,
        encoding: decoded.encoding.to_owned(),
        ..Metadata::default()
    };
    if let Some((layout, stories)) = stories {
        if let Some(out) = story_articles(stories, path, &meta, decoded.warning.as_ref()) {
            return Ok(out);
        }
        let mut one = article_from_text(
            text,
            decoded.encoding,
            None,
            format,
            path.to_path_buf(),
            file_name,
        )?;
        one.warning = Some(format!(
            "looks like a {} export, but no story in it could be read; imported as one article",
            layout.name()
        ));
        return Ok(vec![one]);
    }
    // The text decoded once above is the article's.
    Ok(vec![article_from_text(
        text,
        decoded.encoding,
        decoded.warning,
        format,
        path.to_path_buf(),
        file_name,
    )?])
}

/// The articles of an archive export's stories (`None` when it has none).
fn story_articles(
    stories: Vec<super::news::Story>,
    path: &Path,
    meta: &Metadata,
    warning: Option<&String>,
) -> Option<Vec<ReadArticle>> {
    if stories.is_empty() {
        return None;
    }
    let many = stories.len() > 1;
    Some(
        stories
            .into_iter()
            .enumerate()
            .map(|(i, s)| ReadArticle {
                path: if many {
                    story_path(path, i + 1)
                } else {
                    path.to_path_buf()
                },
                text: normalise(&s.text),
                title: s.title,
                meta: Metadata {
                    date: s.date,
                    file_name: if many {
                        format!("{} #{}", meta.file_name, i + 1)
                    } else {
                        meta.file_name.clone()
                    },
                    attributes: s.attributes,
                    ..meta.clone()
                },
                warning: warning.cloned(),
            })
            .collect(),
    )
}

/// The articles of an RTF file: its stories when it is a LexisNexis or
/// Nexis Uni export, else its whole text.
fn from_rtf(bytes: &[u8], path: &Path, file_name: &str) -> Result<Vec<ReadArticle>, ReadError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ReadError::WordBinary);
    }
    let text = normalise(&super::rtf::to_text(bytes)?);
    Ok(from_extracted(
        &text,
        SourceFormat::Rtf,
        "RTF",
        path,
        file_name,
    ))
}

/// The articles of text extracted from a document: its stories when it is
/// a LexisNexis or Nexis Uni export, else the whole text.
fn from_extracted(
    text: &str,
    format: SourceFormat,
    encoding: &str,
    path: &Path,
    file_name: &str,
) -> Vec<ReadArticle> {
    let meta = Metadata {
        file_name: file_name.to_owned(),
        format,
        encoding: encoding.into(),
        ..Metadata::default()
    };
    if let Some(layout) = super::news::detect_text(text) {
        let stories = super::news::split_text(layout, text);
        if let Some(out) = story_articles(stories, path, &meta, None) {
            return out;
        }
    }
    // Page breaks kept for splitting are paragraph breaks in one article.
    let text = text.replace('\u{c}', "\n");
    let title = first_sentence(&text).unwrap_or_else(|| {
        Path::new(file_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    vec![ReadArticle {
        path: path.to_path_buf(),
        text,
        title,
        meta,
        warning: None,
    }]
}

/// The articles of a word-processor or e-book document: its stories when
/// it is a Nexis Uni export, else the whole text.
fn from_document(
    doc: &super::documents::Doc,
    format: SourceFormat,
    path: &Path,
    file_name: &str,
) -> Result<Vec<ReadArticle>, ReadError> {
    let meta = Metadata {
        file_name: file_name.to_owned(),
        format,
        encoding: "UTF-8".into(),
        ..Metadata::default()
    };
    let looks_nexis = doc.nexis
        || doc
            .paragraphs
            .iter()
            .any(|p| super::news::detect_text(&p.text) == Some(super::news::Layout::NexisUni));
    if looks_nexis {
        let paras: Vec<(String, Vec<String>)> = doc
            .paragraphs
            .iter()
            .map(|p| (p.text.clone(), p.bookmarks.clone()))
            .collect();
        if let Some(out) = story_articles(super::news::split_nexis_uni(&paras), path, &meta, None) {
            return Ok(out);
        }
    }
    let text = normalise(&doc.text());
    if text.trim().is_empty() {
        return Err(ReadError::Decode(DecodeError::Empty));
    }
    let title = doc
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| first_sentence(&text))
        .unwrap_or_else(|| {
            Path::new(file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    let warning = (looks_nexis).then(|| {
        "looks like a Nexis Uni export, but no story in it could be read; imported as one article"
            .to_owned()
    });
    Ok(vec![ReadArticle {
        path: path.to_path_buf(),
        text,
        title,
        meta,
        warning,
    }])
}

/// An article from pasted text (no source file): normalised, its news
/// header read, titled `title` or its first sentence.
///
/// # Errors
/// [`ReadError`] when the text is empty.
pub fn pasted_article(text: &str, title: &str) -> Result<ReadArticle, ReadError> {
    let mut a = parse_article(
        text.as_bytes(),
        SourceFormat::Text,
        PathBuf::new(),
        "(pasted)".to_owned(),
    )?;
    if !title.trim().is_empty() {
        title.trim().clone_into(&mut a.title);
    }
    Ok(a)
}

/// Reads an article from bytes already in memory.
///
/// # Errors
/// [`ReadError`] for binary, empty or text-less input.
pub fn parse_article(
    bytes: &[u8],
    format: SourceFormat,
    path: PathBuf,
    file_name: String,
) -> Result<ReadArticle, ReadError> {
    let decoded = decode(bytes)?;
    article_from_text(
        normalise(&decoded.text),
        decoded.encoding,
        decoded.warning,
        format,
        path,
        file_name,
    )
}

/// An article from its decoded and normalised text (`normalised`, as
/// [`normalise`] gives it): HTML reduced to its readable text, the news
/// header read, a title found.
fn article_from_text(
    normalised: String,
    encoding: &str,
    warning: Option<String>,
    format: SourceFormat,
    path: PathBuf,
    file_name: String,
) -> Result<ReadArticle, ReadError> {
    let mut meta = Metadata {
        file_name,
        format,
        encoding: encoding.to_owned(),
        ..Metadata::default()
    };
    let (text, found_title) = match format {
        SourceFormat::Html => {
            let h = html::extract(&normalised)?;
            if h.text.trim().is_empty() {
                return Err(ReadError::NoText);
            }
            meta.date = h.date.as_deref().and_then(parse_loose_date);
            (h.text, h.title)
        }
        SourceFormat::Markdown => {
            let title = normalised
                .lines()
                .find_map(|l| l.strip_prefix("# "))
                .map(|t| t.trim().to_owned());
            (normalised, title)
        }
        // Documents are read by `read_articles`; as bytes they are text.
        SourceFormat::Text
        | SourceFormat::Docx
        | SourceFormat::Odt
        | SourceFormat::Epub
        | SourceFormat::Rtf
        | SourceFormat::Pdf => (normalised, None),
    };
    let header = parse_news_header(&text);
    meta.date = header.date.or(meta.date);
    meta.posted = header.posted;
    meta.credit = header.credit;
    let title = found_title
        .filter(|t| !t.is_empty())
        .or_else(|| first_sentence(&text[header.body_start..]))
        .unwrap_or_else(|| {
            Path::new(&meta.file_name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    Ok(ReadArticle {
        path,
        text,
        title,
        meta,
        warning,
    })
}

/// The news layout's header, as far as present.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct NewsHeader {
    /// `date YYYY-MM-DD`.
    pub date: Option<NaiveDate>,
    /// `posted on MM/DD/YYYY h:mm AM`.
    pub posted: Option<NaiveDateTime>,
    /// `(credit: …)`.
    pub credit: Option<String>,
    /// Byte offset where the body starts (after the header lines).
    pub body_start: usize,
}

static DATE_LINE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+posted\s+on\s+(\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}\s*[AaPp][Mm]))?\s*$").ok()
});
static CREDIT_LINE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^\s*\(credit:\s*(.*?)\)\s*$").ok());

/// Parses the ` date … posted on …` and `(credit: …)` lines at the top of a
/// news article, skipping blank lines.
#[must_use]
pub fn parse_news_header(text: &str) -> NewsHeader {
    let mut h = NewsHeader::default();
    let mut offset = 0;
    let mut seen_date = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            offset += line.len();
            continue;
        }
        if !seen_date
            && h.credit.is_none()
            && let Some(c) = DATE_LINE.as_ref().and_then(|r| r.captures(trimmed))
        {
            seen_date = true;
            h.date = c
                .get(1)
                .and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%Y-%m-%d").ok());
            h.posted = c.get(2).and_then(|m| {
                let s = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
                let s = s.to_ascii_uppercase();
                NaiveDateTime::parse_from_str(&s, "%m/%d/%Y %I:%M %p")
                    .or_else(|_| NaiveDateTime::parse_from_str(&s, "%m/%d/%Y %I:%M%p"))
                    .ok()
            });
            offset += line.len();
            continue;
        }
        if h.credit.is_none()
            && let Some(c) = CREDIT_LINE.as_ref().and_then(|r| r.captures(trimmed))
        {
            h.credit = c.get(1).map(|m| m.as_str().trim().to_owned());
            offset += line.len();
            continue;
        }
        break;
    }
    if seen_date || h.credit.is_some() {
        h.body_start = offset;
    }
    h
}

/// A title from the first sentence of the body: at most about
/// [`TITLE_MAX`] chars, cut at a word boundary with an ellipsis.
#[must_use]
pub fn first_sentence(body: &str) -> Option<String> {
    let para = body.split("\n\n").map(str::trim).find(|p| !p.is_empty())?;
    let para = para.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut end = para.len();
    let bytes = para.as_bytes();
    for (i, c) in para.char_indices() {
        if matches!(c, '.' | '!' | '?' | '。' | '！' | '？') {
            let next = i + c.len_utf8();
            if next >= bytes.len() || bytes[next] == b' ' {
                // Skip common abbreviations and initials ("U.S.", "Mr.").
                let word_start = para[..i].rfind(' ').map_or(0, |s| s + 1);
                let word = &para[word_start..i];
                let abbrev = word.len() <= 3 && word.chars().next().is_some_and(char::is_uppercase)
                    || word.contains('.');
                if !abbrev || next >= bytes.len() {
                    end = if c == '.' { i } else { next };
                    break;
                }
            }
        }
    }
    let sentence = para[..end].trim();
    if sentence.chars().count() <= TITLE_MAX {
        return Some(sentence.to_owned());
    }
    let cut: String = sentence.chars().take(TITLE_MAX).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > TITLE_MAX / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    Some(format!("{}…", cut.trim_end_matches([',', ';', ':', ' '])))
}

/// A date from the start of an ISO-like string (`2022-01-05T10:00:00Z` → 2022-01-05).
fn parse_loose_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEWS: &str = " date 2022-01-14 posted on 01/13/2022 9:05 PM\r\n\r\n\r\n\r\n(credit: Ana Ribeiro/AFP)\r\n\r\nOfficials in Rotterdam said on Thursday that a ransomware attack had halted the container terminal. More text.\r\n\r\nSecond paragraph.\r\n";

    #[test]
    fn archive_members_are_not_own_files() {
        let m = archive_member(Path::new("/w/Team Export.QDPX"), "sources/a#b.txt");
        assert_eq!(m, Path::new("/w/Team Export.QDPX#sources/a#b.txt"));
        assert_eq!(own_file(&m), None);
        assert_eq!(own_file(Path::new("")), None);
        let plain = Path::new("/w/notes#1.txt");
        assert_eq!(own_file(plain), Some(plain));
    }

    #[test]
    fn news_layout_metadata_and_title() {
        let a = parse_article(
            NEWS.as_bytes(),
            SourceFormat::Text,
            "x.txt".into(),
            "x.txt".into(),
        )
        .unwrap();
        assert!(!a.text.contains('\r'));
        assert_eq!(a.meta.date, NaiveDate::from_ymd_opt(2022, 1, 14));
        assert_eq!(
            a.meta.posted.map(|p| p.to_string()),
            Some("2022-01-13 21:05:00".to_owned())
        );
        assert_eq!(a.meta.credit.as_deref(), Some("Ana Ribeiro/AFP"));
        assert_eq!(
            a.title,
            "Officials in Rotterdam said on Thursday that a ransomware attack had halted the container terminal"
        );
        assert!(
            a.text.starts_with(" date 2022-01-14"),
            "the text keeps the header so offsets match the file"
        );
    }

    #[test]
    fn long_first_sentence_is_cut_at_a_word() {
        let body = "word ".repeat(60);
        let t = first_sentence(&body).unwrap();
        assert!(t.ends_with('…'));
        assert!(t.chars().count() <= TITLE_MAX + 1);
    }

    #[test]
    fn abbreviations_do_not_end_the_title() {
        assert_eq!(
            first_sentence("The U.S. and Mr. Smith met in Geneva. Then they left.").as_deref(),
            Some("The U.S. and Mr. Smith met in Geneva")
        );
    }

    #[test]
    fn files_without_the_header() {
        let a = parse_article(
            b"Just text here.\n",
            SourceFormat::Text,
            "n.txt".into(),
            "n.txt".into(),
        )
        .unwrap();
        assert_eq!((a.title.as_str(), a.meta.date), ("Just text here", None));
        let md = parse_article(
            b"Intro\n\n# The Heading\n\nBody.",
            SourceFormat::Markdown,
            "m.md".into(),
            "m.md".into(),
        )
        .unwrap();
        assert_eq!(md.title, "The Heading");
        assert_eq!(md.text, "Intro\n\n# The Heading\n\nBody.");
    }

    #[test]
    fn unsupported_extension_is_refused() {
        let e = read_article(Path::new("/nonexistent/photo.jpg")).unwrap_err();
        assert!(e.to_string().contains(".jpg"), "{e}");
    }
}
