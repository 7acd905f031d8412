//! Article records made into articles: each text found (inline, in the
//! texts folder, or recovered from its source file) and checked against its
//! hash, on every core.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::records::{ArticleRec, problem};
use super::text_file_name;
use crate::io::limits::Limits;
use crate::io::paths::{path_from_bytes, resolve, shown};
use crate::io::read::read_bounded;
use crate::model::{Article, ArticleId, ContentHash, Metadata, Problem, Text, Unavailable};

/// The articles of `records`, in their order, each with whether its text is
/// kept in the texts folder. With `read_folder` false no text is read from
/// the folder (those articles are unavailable: records only). `texts_read`
/// is told how many texts have been read, of how many, as they are read
/// (from any thread).
pub(super) fn read_all(
    records: Vec<ArticleRec<'static>>,
    base: &Path,
    folder: Option<&Path>,
    read_folder: bool,
    texts_read: &(dyn Fn(usize, usize) + Sync),
) -> Vec<(bool, Result<LoadedArticle, Problem>)> {
    let (read, total) = (AtomicUsize::new(0), records.len());
    texts_read(0, total);
    records
        .into_par_iter()
        .map(|rec| {
            let in_folder = rec.text.is_none();
            let loaded = if in_folder && !read_folder {
                Ok(not_read(rec, base))
            } else {
                load_article(rec, base, folder)
            };
            texts_read(read.fetch_add(1, Ordering::Relaxed) + 1, total);
            (in_folder, loaded)
        })
        .collect()
}

/// One article as loaded.
pub(super) struct LoadedArticle {
    pub article: Article,
    pub unavailable: Option<Unavailable>,
    pub warning: Option<String>,
    /// The texts-folder file was bad but the text was recovered.
    pub damaged: bool,
}

/// Reads a stored text from the texts folder, checking its hash.
fn read_stored(p: &Path, hash: &ContentHash) -> Result<Arc<str>, String> {
    match read_bounded(p, Limits::get().file_bytes) {
        Ok(bytes) => match crate::io::read::utf8(&bytes) {
            // Copied once, into the text's shared string.
            Some(t) if ContentHash::of(t) == *hash => Ok(Arc::from(t)),
            _ => Err(format!(
                "text file {} does not match its hash (it was changed or damaged)",
                shown(p)
            )),
        },
        Err(e) => Err(format!("text file {} cannot be read ({e})", shown(p))),
    }
}

/// An article's text as found, or why it is unavailable (with the damaged
/// inline text, kept to be written back).
struct Got {
    text: Result<Arc<str>, (String, Option<String>)>,
    warning: Option<String>,
    damaged: bool,
}

/// Finds an article's text: inline, in the texts folder, or (when the
/// folder's copy is missing or damaged) in its source file if that still has
/// the same text. `None` when the file gives no place for the text at all.
fn obtain_text(
    inline: Option<Cow<'static, str>>,
    hash: &ContentHash,
    folder: Option<&Path>,
    source: &Path,
    id: ArticleId,
) -> Option<Got> {
    let mut warning = None;
    let mut damaged = false;
    let text = match (inline, folder) {
        (Some(t), _) => {
            let t = t.into_owned();
            if ContentHash::of(&t) == *hash {
                Ok(Arc::from(t))
            } else {
                Err((
                    "its text in the project file does not match its recorded hash (edited by hand?)"
                        .to_owned(),
                    Some(t),
                ))
            }
        }
        (None, Some(folder)) => {
            let p = folder.join(text_file_name(hash));
            match read_stored(&p, hash) {
                Ok(t) => Ok(t),
                Err(why) if crate::io::article::own_file(source).is_none() => Err((
                    format!("{why}, and it has no source file of its own to recover it from"),
                    None,
                )),
                Err(why) => match crate::io::article::read_article(source) {
                    Ok(r) if ContentHash::of(&r.text) == *hash => {
                        warning = Some(format!(
                            "{id}: {why}; recovered the text from its source {}; saving writes it back",
                            shown(source)
                        ));
                        damaged = true;
                        Ok(Arc::from(r.text))
                    }
                    Ok(_) => Err((
                        format!(
                            "{why}, and its source {} no longer has the same text",
                            shown(source)
                        ),
                        None,
                    )),
                    Err(e) => Err((
                        format!(
                            "{why}, and its source {} cannot be read ({e})",
                            shown(source)
                        ),
                        None,
                    )),
                },
            }
        }
        (None, None) => return None,
    };
    Some(Got {
        text,
        warning,
        damaged,
    })
}

/// An article whose text is not read ([`records_only`]).
fn not_read(rec: ArticleRec<'static>, base: &Path) -> LoadedArticle {
    let source: PathBuf = match &rec.source_bytes {
        Some(bytes) => resolve(base, &path_from_bytes(bytes)),
        None => resolve(base, Path::new(rec.source.as_ref())),
    };
    let hash = ContentHash(rec.hash.as_ref().into());
    let unavailable = Unavailable {
        chars: rec.chars,
        reason: "its text was not read (records only)".into(),
        quotes: BTreeMap::new(),
        kept_text: None,
    };
    LoadedArticle {
        article: article_of(rec, source, hash, Text::new("")),
        unavailable: Some(unavailable),
        warning: None,
        damaged: false,
    }
}

fn article_of(rec: ArticleRec<'static>, source: PathBuf, hash: ContentHash, text: Text) -> Article {
    Article {
        id: rec.id,
        source,
        hash,
        text,
        meta: Metadata {
            date: rec.date,
            posted: rec.posted,
            credit: rec.credit.map(Cow::into_owned),
            file_name: rec.file_name.into_owned(),
            format: rec.format,
            encoding: rec.encoding.into_owned(),
            attributes: rec.attributes.into_owned(),
        },
        title: rec.title.into_owned(),
        status: rec.status,
        note: rec.note.into_owned(),
        note_by: rec.note_by.map(Cow::into_owned),
        added: rec.added,
    }
}

pub(super) fn load_article(
    mut rec: ArticleRec<'static>,
    base: &Path,
    folder: Option<&Path>,
) -> Result<LoadedArticle, Problem> {
    let source: PathBuf = match &rec.source_bytes {
        Some(bytes) => resolve(base, &path_from_bytes(bytes)),
        None => resolve(base, Path::new(rec.source.as_ref())),
    };
    let hash = ContentHash(rec.hash.as_ref().into());
    let Some(Got {
        text: got,
        mut warning,
        damaged,
    }) = obtain_text(rec.text.take(), &hash, folder, &source, rec.id)
    else {
        return Err(problem(
            rec.id,
            "has no text (the file names no texts folder and no inline text)",
        ));
    };
    let (text, unavailable) = match got {
        Ok(t) => {
            let text = Text::new(t);
            if text.char_len() != rec.chars {
                return Err(problem(
                    rec.id,
                    format!(
                        "text has {} chars, the file says {}",
                        text.char_len(),
                        rec.chars
                    ),
                ));
            }
            (text, None)
        }
        Err((reason, kept_text)) => {
            warning = Some(format!(
                "{} ({:?}): {reason}; its text is unavailable and its passages are read-only until the text is restored",
                rec.id, rec.title
            ));
            (
                Text::new(""),
                Some(Unavailable {
                    chars: rec.chars,
                    reason,
                    quotes: BTreeMap::new(),
                    kept_text,
                }),
            )
        }
    };
    Ok(LoadedArticle {
        article: article_of(rec, source, hash, text),
        unavailable,
        warning,
        damaged,
    })
}
