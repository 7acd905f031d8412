//! CSV export: one row per annotation (RFC 4180, UTF-8).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

pub use super::tables::{split_tags_field, tags_field};
use crate::model::{Annotation, ArticleId, Project, TagId};

/// The header row, in this order.
pub const COLUMNS: [&str; 9] = [
    "article_id",
    "article_path",
    "article_title",
    "annotation_id",
    "tags",
    "start",
    "end",
    "quote",
    "note",
];

/// Every annotation as a CSV row, in memory ([`write_csv`] into a buffer).
///
/// # Errors
/// Only if writing to memory fails, which it does not.
pub fn to_csv(project: &Project, base: Option<&Path>) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = Vec::new();
    write_csv(project, base, &mut out)?;
    Ok(out)
}

/// Writes every annotation as a CSV row to `out`. Tags are full paths (see
/// [`tags_field`]);
/// `start`/`end` are char offsets into the article's normalised text; paths
/// are relative to `base` when given. When articles have attributes
/// (outlet, byline…), each is one more column, after [`COLUMNS`], with the
/// article's date first.
///
/// Rows are made on every core, a few pieces at a time, while the pieces
/// made before are written: the export is never held whole, and writing
/// it to disk goes on while it is made.
///
/// # Errors
/// The error of writing to `out`.
pub fn write_csv(
    project: &Project,
    base: Option<&Path>,
    out: &mut dyn Write,
) -> Result<(), ::csv::Error> {
    let own: Vec<String> = crate::model::attributes::names(project.articles())
        .into_iter()
        .filter(|n| !crate::model::attributes::BUILT_IN.contains(&n.as_str()))
        .collect();
    let extra: Vec<String> = if own.is_empty() {
        Vec::new()
    } else {
        std::iter::once("date".to_owned()).chain(own).collect()
    };
    let header: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect();
    // What each article and each tag contribute, worked out once rather
    // than once per passage.
    let articles: HashMap<ArticleId, Cells<'_>> = project
        .articles()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|art| {
            let cells = Cells {
                path: super::source_path(&art.source, base),
                title: &art.title,
                attributes: extra
                    .iter()
                    .map(|n| {
                        crate::model::attributes::attribute(art, n)
                            .map(|v| v.to_string())
                            .unwrap_or_default()
                    })
                    .collect(),
            };
            (art.id, cells)
        })
        .collect();
    let cb = project.codebook();
    let rows = Rows {
        project,
        articles,
        paths: cb
            .iter()
            .map(|t| {
                let path = cb.path(t.id);
                let escaped = tags_field(&[&path]);
                (t.id, TagPath { path, escaped })
            })
            .collect(),
        extra: extra.len(),
    };
    let passages = super::ordered(project);
    {
        let mut w = writer(&mut *out);
        w.write_record(&header)?;
        w.flush()?;
    }
    // Each piece is written by its own writer with the same settings; the
    // pieces are written in order, so the bytes are those one writer would
    // write. A wave is made while the one before it is written.
    let threads = rayon::current_num_threads().max(1);
    let piece = passages.len().div_ceil(threads * 8).max(1024);
    let (made, pieces) = std::sync::mpsc::sync_channel(threads);
    std::thread::scope(|s| {
        s.spawn(|| {
            for wave in passages.chunks(piece * threads) {
                let wave: Vec<Result<Vec<u8>, ::csv::Error>> =
                    wave.par_chunks(piece).map(|p| rows.bytes(p)).collect();
                for p in wave {
                    if made.send(p).is_err() {
                        // The writing stopped (an error).
                        return;
                    }
                }
            }
            drop(made);
        });
        for p in pieces {
            out.write_all(&p?)?;
        }
        Ok(())
    })
}

/// What the rows of passages are made of.
struct Rows<'p> {
    project: &'p Project,
    articles: HashMap<ArticleId, Cells<'p>>,
    paths: HashMap<TagId, TagPath>,
    /// How many extra columns.
    extra: usize,
}

impl Rows<'_> {
    /// The rows of `passages`, as CSV.
    fn bytes(&self, passages: &[&Annotation]) -> Result<Vec<u8>, ::csv::Error> {
        let mut bytes = Vec::new();
        let mut w = writer(&mut bytes);
        // Numbers, ids and tags are formatted into buffers kept from row to
        // row, not into new strings.
        let mut number = itoa::Buffer::new();
        let (mut key, mut field) = (String::new(), String::new());
        let mut tags: Vec<&TagPath> = Vec::new();
        // The rows come in order of article and start.
        let mut quotes = crate::model::project::PassageReader::new(self.project);
        for a in passages {
            let art = self.articles.get(&a.article);
            tags.clear();
            tags.extend(a.tags.iter().filter_map(|t| self.paths.get(t)));
            tags.sort_unstable_by(|x, y| x.path.cmp(&y.path));
            field.clear();
            for (i, t) in tags.iter().enumerate() {
                if i > 0 {
                    field.push(';');
                }
                field.push_str(&t.escaped);
            }
            key.clear();
            a.id.write_key(&mut key);
            w.write_field(number.format(a.article.0))?;
            w.write_field(art.map_or("", |c| c.path.as_str()))?;
            w.write_field(art.map_or("", |c| c.title))?;
            w.write_field(&key)?;
            w.write_field(&field)?;
            w.write_field(number.format(a.span.start()))?;
            w.write_field(number.format(a.span.end()))?;
            w.write_field(quotes.passage(a))?;
            w.write_field(&a.note)?;
            for k in 0..self.extra {
                w.write_field(art.map_or("", |c| c.attributes[k].as_str()))?;
            }
            w.write_record(None::<&[u8]>)?;
        }
        w.flush()?;
        drop(w);
        Ok(bytes)
    }
}

/// A tag's path, and as a `tags` field has it (see [`tags_field`]).
struct TagPath {
    path: String,
    escaped: String,
}

/// What an article contributes to each of its passages' rows.
struct Cells<'p> {
    path: String,
    title: &'p str,
    /// The values of the extra columns, in their order.
    attributes: Vec<String>,
}

/// A CSV writer with the export's settings (RFC 4180 with CRLF).
fn writer<W: Write>(out: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn tags_with_semicolons_and_backslashes_stay_apart() {
        let tags = ["Threat/Cyber", "a;b", "c\\", "d\\;e", ""];
        let field = tags_field(&tags);
        assert_eq!(field, "Threat/Cyber;a\\;b;c\\\\;d\\\\\\;e;");
        assert_eq!(split_tags_field(&field), tags);
        assert_eq!(split_tags_field(""), Vec::<String>::new());
        assert_eq!(split_tags_field("x"), ["x"]);
    }

    /// A writer that fails once it has taken `.0` more bytes (a full disk).
    struct Full(usize);
    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0 < buf.len() {
                return Err(std::io::Error::other("disk full"));
            }
            self.0 -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Rows written in pieces on several cores join to the bytes one writer
    /// writes row by row (the export before it was split).
    #[test]
    fn rows_written_in_pieces_are_the_rows_one_writer_writes() {
        let texts: Vec<String> = (0..40)
            .map(|i| {
                let mut text = String::new();
                for k in 0..60 {
                    let tags = ["Z", "B;b", "A/Deep", "C\\c"][(i + k) % 4];
                    let more = if k % 7 == 0 { ",A" } else { "" };
                    let _ = write!(text, "[w{k}, \"q\"\n{i}]{{{tags}{more}}} é ");
                }
                text
            })
            .collect();
        let marked: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (p, _) = crate::model::testing::project(&marked);
        assert!(p.annotations().count() > 2 * 1024, "more than one piece");
        let expected = super::super::tables::csv_bytes(
            &COLUMNS,
            super::super::ordered(&p).into_iter().map(|a| {
                let art = p.article(a.article).expect("article");
                vec![
                    a.article.0.to_string(),
                    super::super::source_path(&art.source, None),
                    art.title.clone(),
                    a.id.key(),
                    tags_field(&super::super::tag_paths(&p, a)),
                    a.span.start().to_string(),
                    a.span.end().to_string(),
                    p.passage(a).to_owned(),
                    a.note.clone(),
                ]
            }),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(to_csv(&p, None).unwrap()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
        // A writer that fails ends the export with its error, while rows
        // are still being made.
        let e = write_csv(&p, None, &mut Full(1000)).unwrap_err();
        assert!(e.to_string().contains("disk full"), "{e}");
    }
}
