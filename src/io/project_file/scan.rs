//! Reading a project's articles a batch at a time, without its passages:
//! what a corpus search needs. The passage lines are skipped, not read (the
//! writer puts them between the list's opening line and the orphans, so
//! they are found from both ends of the file; a file of another shape, or
//! one with a problem, is parsed whole instead),
//! texts are read and checked in parallel exactly as [`super::load`] reads
//! them, and each batch is handed on in article order while the next is
//! read, so memory holds two batches of results, not the corpus.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use rayon::prelude::*;
use serde::de::IgnoredAny;

use super::LoadError;
use super::article_texts::load_article;
use super::lines::PASSAGES_START;
use super::load::{parse, text_of};
use crate::io::limits::Limits;
use crate::io::paths::{absolute, project_dir};
use crate::io::read::{FileError, open_regular, read_bounded};
use chrono::NaiveDate;

use crate::model::{Article, Problem, ReviewStatus};

/// Where the writer's passage list starts.
const LIST_START: &[u8] = PASSAGES_START.as_bytes();
/// The list's closing line, and the orphans, which the writer puts next.
const LIST_END_THEN_ORPHANS: &[u8] = b"\n    ],\n    orphans: ";

/// What a scan found besides the articles it handed on.
#[derive(Debug, Default)]
pub struct Scan {
    /// Articles whose text is unavailable (skipped), and other warnings.
    pub warnings: Vec<String>,
    /// Articles read.
    pub articles: usize,
}

/// Reads the project at `path` and the texts of the articles `wanted` admits
/// (by status and date, as the file lists them; the others are not read),
/// `batch` articles at a time, calling `each` on every such article (in
/// parallel) and then `sink` with
/// the batch's results in article order (on this thread, while the next
/// batch is read); stops early when `sink` returns `false`. Articles whose
/// text cannot be read are skipped with a warning, as opening the project
/// would mark them unavailable.
///
/// # Errors
/// [`LoadError`] when the file cannot be read or is not a valid project
/// (every article's problems are reported, after the batches before them).
pub fn scan<T: Send>(
    path: &Path,
    batch: usize,
    wanted: impl Fn(ReviewStatus, Option<NaiveDate>) -> bool + Send,
    each: impl Fn(&Article) -> T + Sync,
    mut sink: impl FnMut(Vec<T>) -> bool,
) -> Result<Scan, LoadError> {
    let path = absolute(path);
    let io_err = |source| LoadError::Io {
        path: path.clone(),
        source,
    };
    let limit = Limits::get().project_bytes;
    let (bytes, skipped) = read_without_passages(&path, limit).map_err(io_err)?;
    let stripped = skipped
        .then(|| text_of(&bytes, &path).ok())
        .flatten()
        .and_then(|(text, _)| parse::<IgnoredAny>(text, &path, &mut |_| {}).ok());
    let file = match stripped {
        Some((file, _, _)) => file,
        None => {
            // Another shape, or a problem: the whole file, parsed as opening
            // parses it, so that a problem is reported where it is.
            let whole = if skipped {
                read_bounded(&path, limit).map_err(io_err)?
            } else {
                bytes
            };
            parse::<IgnoredAny>(text_of(&whole, &path)?.0, &path, &mut |_| {})?.0
        }
    };
    let base = project_dir(&path);
    let folder = file.texts.as_ref().map(|f| base.join(f));
    let mut scan = Scan::default();
    let mut problems: Vec<Problem> = Vec::new();
    let mut records = file.articles.into_iter();
    let batch = batch.max(1);
    let read = |chunk: Vec<_>| -> Vec<_> {
        chunk
            .into_par_iter()
            .map(|rec| {
                load_article(rec, &base, folder.as_deref()).map(|a| {
                    let out = a.unavailable.is_none().then(|| each(&a.article));
                    (out, a.warning)
                })
            })
            .collect()
    };
    // The next batch is read while this one is handed on (written out, for
    // a search), so the cores do not wait for a slow reader of the output.
    // One batch ahead at most: the channel holds none.
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(0);
        let reader = s.spawn(move || {
            loop {
                let chunk: Vec<_> = records
                    .by_ref()
                    .filter(|r| wanted(r.status, r.date))
                    .take(batch)
                    .collect();
                if chunk.is_empty() || tx.send(read(chunk)).is_err() {
                    break;
                }
            }
        });
        for results in &rx {
            let mut outs = Vec::with_capacity(results.len());
            for r in results {
                match r {
                    Ok((out, warning)) => {
                        scan.warnings.extend(warning);
                        if let Some(out) = out {
                            outs.push(out);
                            scan.articles += 1;
                        }
                    }
                    Err(p) => problems.push(p),
                }
            }
            if !sink(outs) {
                break;
            }
        }
        // Stops the reader after the batch it is on, when `sink` stopped.
        drop(rx);
        if let Err(panic) = reader.join() {
            std::panic::resume_unwind(panic);
        }
    });
    if problems.is_empty() {
        Ok(scan)
    } else {
        Err(LoadError::Invalid { path, problems })
    }
}

/// Reads the file at `path` (a regular file of at most `limit` bytes) but
/// not its passage lines, when it has the writer's shape: the head up to the
/// list's opening line, then, from the end backwards, the tail from the
/// list's closing line (followed by the orphans). Returns whether the lines
/// were skipped; otherwise the whole file was read.
fn read_without_passages(path: &Path, limit: u64) -> Result<(Vec<u8>, bool), FileError> {
    let (mut file, meta) = open_regular(path)?;
    let len = meta.len();
    if len > limit {
        return Err(FileError::TooLarge { limit });
    }
    let mut head = Vec::new();
    let mut chunk = vec![0; 1 << 20];
    let start = loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            return Ok((head, false));
        }
        let from = head.len().saturating_sub(LIST_START.len());
        head.extend_from_slice(&chunk[..n]);
        if head.len() as u64 > limit {
            return Err(FileError::TooLarge { limit });
        }
        if let Some(i) = memchr::memmem::find(&head[from..], LIST_START) {
            break from + i + LIST_START.len();
        }
    };
    let mut size = 1u64 << 16;
    loop {
        let from = len.saturating_sub(size).max(start as u64);
        file.seek(SeekFrom::Start(from))?;
        let mut tail = Vec::new();
        (&mut file).take(len - from).read_to_end(&mut tail)?;
        if let Some(i) = memchr::memmem::rfind(&tail, LIST_END_THEN_ORPHANS) {
            head.truncate(start);
            head.extend_from_slice(&tail[i + 1..]);
            return Ok((head, true));
        }
        if from == start as u64 {
            // Not the writer's shape: the whole file.
            head.truncate(start);
            head.extend_from_slice(&tail);
            return Ok((head, false));
        }
        size = size.saturating_mul(4);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::project_file::{TextStorage, load, save, text_file_name};
    use crate::model::testing;

    /// Every article's id, title and text, as a scan hands them on.
    fn scanned(path: &Path, batch: usize) -> (Vec<(u64, String, String)>, Scan) {
        let mut seen = Vec::new();
        let scan = scan(
            path,
            batch,
            |_, _| true,
            |a| (a.id.0, a.title.clone(), a.text.as_str().to_owned()),
            |b| {
                seen.extend(b);
                true
            },
        )
        .unwrap();
        (seen, scan)
    }

    #[test]
    fn a_scan_hands_on_what_opening_reads_in_order_whatever_the_files_shape() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let texts: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    "Article {i}: [sanctions]{{Topic}} and [Прогноз «НАТО»]{{Topic/Sub}} 😀 {i}"
                )
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (mut p, _) = testing::project(&refs);
        testing::set_note(
            &mut p,
            "sanctions",
            "a note with \"    ],\n    orphans: \" in it",
        );
        save(&p, &path, TextStorage::Folder).unwrap();
        let want: Vec<(u64, String, String)> = load(&path)
            .unwrap()
            .project
            .articles()
            .map(|a| (a.id.0, a.title.clone(), a.text.as_str().to_owned()))
            .collect();
        assert_eq!(want.len(), 40);
        for batch in [1, 7, 100] {
            assert_eq!(scanned(&path, batch).0, want, "batch {batch}");
        }
        // Edited by hand: a passage record over two lines, an article record
        // too. The whole file is parsed instead, with the same result.
        let file = std::fs::read_to_string(&path).unwrap();
        let list = file.find("annotations: [").unwrap();
        let at = list + file[list..].find(", article:").unwrap();
        let mut edited = format!("{},\n      article:{}", &file[..at], &file[at + 10..]);
        let at = edited.find(", title:").unwrap();
        edited.replace_range(at..at + 8, ",\n title:");
        std::fs::write(&path, edited).unwrap();
        assert_eq!(scanned(&path, 3).0, want);
        // A damaged text is skipped with a warning, as opening marks it
        // unavailable.
        let hash = p.articles().nth(5).unwrap().hash.clone();
        std::fs::write(dir.path().join("p.texts").join(text_file_name(&hash)), "x").unwrap();
        let (seen, scan) = scanned(&path, 3);
        assert_eq!(seen.len(), 39);
        assert_eq!(scan.articles, 39);
        assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
        // Articles left out by status or date are not read at all: no
        // warning for the damaged one either.
        let read = std::sync::atomic::AtomicUsize::new(0);
        let scan = super::scan(
            &path,
            3,
            |status, _| status == crate::model::ReviewStatus::Done,
            |_| read.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            |_| true,
        )
        .unwrap();
        assert_eq!(read.into_inner(), 0);
        assert_eq!(scan.articles, 0);
        assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    }

    #[test]
    fn a_scan_stops_when_its_sink_says_so_and_reads_at_most_one_batch_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let texts: Vec<String> = (0..50).map(|i| format!("Article {i}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (p, _) = testing::project(&refs);
        save(&p, &path, TextStorage::Folder).unwrap();
        let read = std::sync::atomic::AtomicUsize::new(0);
        let mut batches = Vec::new();
        let scan = scan(
            &path,
            5,
            |_, _| true,
            |a| {
                read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                a.id.0
            },
            |b| {
                batches.push(b);
                batches.len() < 2
            },
        )
        .unwrap();
        assert_eq!(batches, [vec![1, 2, 3, 4, 5], vec![6, 7, 8, 9, 10]]);
        assert_eq!(scan.articles, 10);
        // The batch being read when the sink stopped may finish; no more.
        assert!(read.into_inner() <= 15);
    }
}
