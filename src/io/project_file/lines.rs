//! One record per line. The writer puts each article and each passage on a
//! line of its own, so their lists can be cut at line ends into pieces that
//! parse independently on every core. The rest of the file (header,
//! codebook, orphans…) is parsed as usual with both lists emptied, and the
//! pieces are put back in order. A file of any other shape — edited by
//! hand, or with an error — is parsed whole instead, which reports every
//! problem where it is.
//!
//! Passage and article lines, which are nearly all of a large file, are
//! read without `ron` when they are exactly as the writer renders them
//! (`passage_line`, `article_line`); a piece with any other line is left
//! to `ron`.

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::passage_line::{TimeReader, parse_passage};
use super::records::{ArticleRec, CompactAnnotation, FileIn, QuotedAnnotation};

/// A record of a list, which may be read from its line without `ron`.
pub(super) trait Record: DeserializeOwned + Send {
    /// The record `line` (without indent and comma) holds, when it is
    /// exactly as the writer renders it; `None` leaves it to `ron`.
    fn from_line(_line: &str, _times: &mut TimeReader) -> Option<Self> {
        None
    }
}

impl Record for ArticleRec<'static> {
    fn from_line(line: &str, times: &mut TimeReader) -> Option<Self> {
        super::article_line::parse_article(line, times).map(ArticleRec::into_owned)
    }
}
impl Record for serde::de::IgnoredAny {}

impl Record for CompactAnnotation {
    fn from_line(line: &str, times: &mut TimeReader) -> Option<Self> {
        parse_passage(line, times).map(Self::from_rec)
    }
}

impl Record for QuotedAnnotation {
    fn from_line(line: &str, times: &mut TimeReader) -> Option<Self> {
        parse_passage(line, times).map(Self::from_rec)
    }
}

/// The line that opens the article list, and the one that opens the passage
/// list, as the writer puts them.
const ARTICLES_START: &str = "\n    articles: [\n";
pub(super) const PASSAGES_START: &str = "\n    annotations: [\n";
/// The line that closes a list, and how each record line starts.
const LIST_END: &[u8] = b"    ],\n";
const RECORD: &[u8] = b"        (";

/// Lists shorter than this are parsed with the rest of the file.
const PARALLEL_FROM: usize = 1 << 20;

/// The file's records parsed on every core, with the fields this build does
/// not know (named as a whole-file parse names them, e.g.
/// `articles.3.stars`); `None` when the file is not in the writer's shape or
/// a piece does not parse, and the caller should parse it whole. `listed`
/// is given the article records as soon as they are read.
pub(super) fn parse_parallel<A: Record>(
    text: &str,
    listed: &mut dyn FnMut(&[ArticleRec<'static>]),
    parse_rest: impl FnOnce(&str) -> Option<(FileIn<A>, Vec<String>)>,
) -> Option<(FileIn<A>, Vec<String>)> {
    let (head, article_lines, middle) = split_list(text, ARTICLES_START)?;
    // Whether the lists are long enough is known only once the passage list
    // is found; the rest of the file bounds it.
    if article_lines.len() + middle.len() < PARALLEL_FROM {
        return None;
    }
    let mut unknown = Vec::new();
    let articles = parse_lines::<ArticleRec<'static>>(article_lines, "articles", &mut unknown)?;
    // The articles are listed before the passages (most of the file) are
    // even looked at.
    listed(&articles);
    let (middle, passages, tail) = split_list(middle, PASSAGES_START)?;
    let passages = parse_lines::<A>(passages, "annotations", &mut unknown)?;
    let (mut file, mut rest_unknown) = parse_rest(&format!("{head}{middle}{tail}"))?;
    file.articles = articles;
    file.annotations = passages;
    rest_unknown.append(&mut unknown);
    Some((file, rest_unknown))
}

/// Splits `text` around the lines of the list that `start` opens: the text
/// up to that line (with it), the lines, and the rest from the list's
/// closing line; `None` unless every line in between starts a record.
pub(super) fn split_list<'a>(text: &'a str, start: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let from = text.find(start)? + start.len();
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        let rest = bytes.get(at..)?;
        if rest.starts_with(LIST_END) {
            return Some((&text[..from], &text[from..at], &text[at..]));
        }
        if !rest.starts_with(RECORD) {
            return None;
        }
        at += memchr::memchr(b'\n', rest)? + 1;
    }
}

/// Parses one-record-per-line `lines` as a list, in pieces on every core,
/// a few pieces at a time (so the records are never held twice); notes
/// unknown fields as `LIST.INDEX.FIELD`. `None` when a piece does not parse.
pub(super) fn parse_lines<T: Record>(
    lines: &str,
    list: &str,
    unknown: &mut Vec<String>,
) -> Option<Vec<T>> {
    let threads = rayon::current_num_threads().max(1);
    let pieces = cut(lines, threads * 16);
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', lines.as_bytes()).count());
    for wave in pieces.chunks(threads) {
        let parsed: Vec<Option<(Vec<T>, Vec<String>)>> = wave
            .par_iter()
            .map(|piece| parse_piece::<T>(piece))
            .collect();
        for p in parsed {
            let (records, fields) = p?;
            let offset = out.len();
            unknown.extend(fields.into_iter().map(|f| renumber(&f, list, offset)));
            out.extend(records);
        }
    }
    Some(out)
}

/// `lines` cut at line ends into about `n` pieces.
fn cut(lines: &str, n: usize) -> Vec<&str> {
    let size = lines.len() / n.max(1) + 1;
    let mut pieces = Vec::with_capacity(n + 1);
    let mut rest = lines;
    while !rest.is_empty() {
        let end = match rest.get(size..).and_then(|r| r.find('\n')) {
            Some(i) => size + i + 1,
            None => rest.len(),
        };
        let (piece, after) = rest.split_at(end);
        pieces.push(piece);
        rest = after;
    }
    pieces
}

fn parse_piece<T: Record>(piece: &str) -> Option<(Vec<T>, Vec<String>)> {
    let mut times = TimeReader::default();
    let direct: Option<Vec<T>> = piece
        .lines()
        .map(|l| {
            let record = l.strip_prefix("        ")?.strip_suffix(',')?;
            T::from_line(record, &mut times)
        })
        .collect();
    if let Some(records) = direct {
        return Some((records, Vec::new()));
    }
    let text = format!("[\n{piece}]");
    let mut de = ron::Deserializer::from_str(&text).ok()?;
    let mut fields = Vec::new();
    let records: Vec<T> =
        serde_ignored::deserialize(&mut de, |p| fields.push(p.to_string())).ok()?;
    de.end().ok()?;
    Some((records, fields))
}

/// A piece's unknown-field path (`3.stars`) as the whole file's
/// (`articles.1027.stars`).
fn renumber(field: &str, list: &str, offset: usize) -> String {
    let (index, rest) = field.split_once('.').unwrap_or((field, ""));
    match index.parse::<usize>() {
        Ok(i) if rest.is_empty() => format!("{list}.{}", offset + i),
        Ok(i) => format!("{list}.{}.{rest}", offset + i),
        Err(_) => format!("{list}.{field}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_at_line_ends_and_renumbered() {
        let lines = "        (a),\n        (bb),\n        (c),\n";
        for n in 1..6 {
            let pieces = cut(lines, n);
            assert_eq!(pieces.concat(), lines);
            assert!(pieces.iter().all(|p| p.ends_with('\n')), "{pieces:?}");
        }
        assert_eq!(renumber("3.stars", "articles", 1024), "articles.1027.stars");
        assert_eq!(renumber("3", "annotations", 1), "annotations.4");
    }

    /// A project whose lists are long enough to be parsed in pieces.
    fn big(dir: &std::path::Path) -> (crate::model::Project, std::path::PathBuf) {
        let texts: Vec<String> = (0..700)
            .map(|i| {
                let mut t = String::new();
                for k in 0..10 {
                    let _ = std::fmt::Write::write_fmt(
                        &mut t,
                        format_args!("[passage {k} of «{i}»]{{Theme/Sub {}}} and then ", k % 3),
                    );
                }
                t
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (p, _) = crate::model::testing::project(&refs);
        let path = dir.join("p.ron");
        crate::io::project_file::save(&p, &path, crate::io::project_file::TextStorage::Folder)
            .unwrap();
        (p, path)
    }

    #[test]
    fn a_big_file_parsed_in_pieces_is_the_project_that_was_saved() {
        let dir = tempfile::tempdir().unwrap();
        let (p, path) = big(dir.path());
        let text = std::fs::read_to_string(&path).unwrap();
        let (_, articles, rest) = split_list(&text, ARTICLES_START).unwrap();
        let (_, passages, _) = split_list(rest, PASSAGES_START).unwrap();
        assert!(articles.len() + passages.len() >= PARALLEL_FROM);
        assert_eq!(crate::io::project_file::load(&path).unwrap().project, p);

        // Unknown fields are named as a whole-file parse names them.
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let first_article = lines.iter().position(|l| l == "    articles: [").unwrap() + 1;
        let first_passage = lines
            .iter()
            .position(|l| l == "    annotations: [")
            .unwrap()
            + 1;
        lines[first_article + 321] =
            lines[first_article + 321].replacen("(id:", "(stars: 5, id:", 1);
        lines[first_passage + 2345] =
            lines[first_passage + 2345].replacen("(id:", "(colour: 1, id:", 1);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let loaded = crate::io::project_file::load(&path).unwrap();
        assert_eq!(loaded.project, p);
        assert_eq!(
            loaded.baseline.unknown_fields,
            ["articles.321.stars", "annotations.2345.colour"]
        );

        // An error in a piece: the whole file is parsed, which says where.
        lines[first_passage + 1000] =
            lines[first_passage + 1000].replacen("start:", "start: oops", 1);
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let e = crate::io::project_file::load(&path)
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!(":{}:", first_passage + 1001)), "{e}");
    }

    #[test]
    fn articles_are_listed_before_the_rest_is_read_in_both_paths() {
        let dir = tempfile::tempdir().unwrap();
        let (big, path) = big(dir.path());
        let small_path = dir.path().join("small.ron");
        let (small, _) = crate::model::testing::project(&["[One]{A} two.", "Three."]);
        crate::io::project_file::save(&small, &small_path, super::super::TextStorage::Folder)
            .unwrap();
        for (p, path) in [(big, path), (small, small_path)] {
            let mut listed = Vec::new();
            let reports = std::sync::Mutex::new(Vec::new());
            let loaded = crate::io::project_file::load_listing(
                &path,
                |rows| listed = rows,
                &|read, total| reports.lock().unwrap().push((read, total)),
            )
            .unwrap();
            assert_eq!(loaded.project, p);
            // Texts read: from none to all, one report each, after the list.
            let n = p.articles().len();
            let mut reports = reports.into_inner().unwrap();
            assert_eq!(reports.first(), Some(&(0, n)));
            reports.sort_unstable();
            assert_eq!(reports, (0..=n).map(|i| (i, n)).collect::<Vec<_>>());
            let expected: Vec<_> = p
                .articles()
                .map(|a| (a.id, a.title.clone(), a.status, a.meta.date))
                .collect();
            let got: Vec<_> = listed
                .into_iter()
                .map(|r| (r.id, r.title, r.status, r.date))
                .collect();
            assert_eq!(got, expected);
        }
    }

    #[test]
    fn a_list_is_split_only_in_the_writers_shape() {
        let f = "(\n    articles: [\n        (id: 1),\n        (id: 2),\n    ],\n    x: 1,\n)\n";
        let (head, lines, rest) = split_list(f, ARTICLES_START).unwrap();
        assert_eq!(head, "(\n    articles: [\n");
        assert_eq!(lines, "        (id: 1),\n        (id: 2),\n");
        assert_eq!(rest, "    ],\n    x: 1,\n)\n");
        let f = "(\n    articles: [\n        (id: 1,\n note: \"\"),\n    ],\n)\n";
        assert!(split_list(f, ARTICLES_START).is_none());
    }
}
