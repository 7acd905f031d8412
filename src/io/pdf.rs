//! PDF to text: the text layer in reading order (columns read one after
//! the other, via `pdf_oxide`'s column-aware order), lines joined into
//! paragraphs by their spacing, hyphenation at line ends rejoined where
//! the word goes on in lower case, and running headers, footers and page
//! numbers (lines repeated at the top or bottom of most pages) dropped.
//! A PDF without a text layer (a scan) is refused with that reason; the
//! reader is isolated so a file it cannot handle is an error, not a crash.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// Why a PDF could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Damaged or not a PDF.
    #[error("not a readable PDF: {0}")]
    Damaged(String),
    /// Needs a password.
    #[error("the PDF is encrypted (password-protected); save an unprotected copy to import it")]
    Encrypted,
    /// No text layer.
    #[error(
        "the PDF has no text layer (a scanned image?); Gloss reads PDFs with text — run OCR on it first"
    )]
    NoText,
    /// The reader failed on it.
    #[error("the PDF could not be read (the PDF reader failed on it)")]
    ReaderFailed,
}

/// Most pages read from one PDF.
const MAX_PAGES: usize = 5_000;

/// One line of a page.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    /// Its vertical position and height (PDF units).
    y: f32,
    size: f32,
}

/// The text of the PDF in `bytes`.
///
/// # Errors
/// [`PdfError`] for a damaged, encrypted or text-less PDF.
pub fn to_text(bytes: Vec<u8>) -> Result<String, PdfError> {
    // The reader runs with panics caught: one odd file must not take the
    // rest of an import down with it.
    let pages = std::panic::catch_unwind(move || read_pages(bytes))
        .map_err(|_| PdfError::ReaderFailed)??;
    let text = assemble(&pages);
    if text.trim().is_empty() {
        return Err(PdfError::NoText);
    }
    Ok(text)
}

fn read_pages(bytes: Vec<u8>) -> Result<Vec<Vec<Line>>, PdfError> {
    use pdf_oxide::document::{PdfDocument, ReadingOrder};
    if !bytes.starts_with(b"%PDF-") && !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(PdfError::Damaged("it does not start with %PDF-".into()));
    }
    let doc = PdfDocument::from_bytes(bytes).map_err(|e| PdfError::Damaged(e.to_string()))?;
    if doc.is_encrypted() && !doc.authenticate(b"").unwrap_or(false) {
        return Err(PdfError::Encrypted);
    }
    let n = doc
        .page_count()
        .map_err(|e| PdfError::Damaged(e.to_string()))?
        .min(MAX_PAGES);
    let mut pages = Vec::with_capacity(n);
    for i in 0..n {
        let spans = doc
            .extract_spans_with_reading_order(i, ReadingOrder::ColumnAware)
            .map_err(|e| PdfError::Damaged(format!("page {}: {e}", i + 1)))?;
        let mut lines: Vec<Line> = Vec::new();
        for s in spans {
            let text = s.text.replace('\u{0}', "");
            if text.trim().is_empty() && lines.is_empty() {
                continue;
            }
            let size = s.font_size.max(s.bbox.height).max(1.0);
            match lines.last_mut() {
                // The same line: about the same height on the page.
                Some(l) if (l.y - s.bbox.y).abs() < size * 0.5 => {
                    if !l.text.ends_with(' ') && !text.starts_with(' ') {
                        l.text.push(' ');
                    }
                    l.text.push_str(&text);
                }
                _ => lines.push(Line {
                    text,
                    y: s.bbox.y,
                    size,
                }),
            }
        }
        for l in &mut lines {
            l.text = l.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        lines.retain(|l| !l.text.is_empty());
        pages.push(lines);
    }
    Ok(pages)
}

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:page|seite|página|pagina|p\.)\s*)?\d{1,5}(?:\s*(?:of|von|de|/)\s*\d{1,5})?$",
    )
    .expect("valid regex")
});

/// A line's text with digits folded, so "Page 3" and "Page 4" are alike.
fn shape(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .to_lowercase()
}

/// Pages of lines into paragraphs, without running headers and footers.
fn assemble(pages: &[Vec<Line>]) -> String {
    // Lines repeated at the top or bottom (the first and last two lines of
    // each page) on at least half the pages are running heads.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for p in pages {
        let mut edge: Vec<String> = p
            .iter()
            .take(2)
            .chain(p.iter().rev().take(2))
            .map(|l| shape(&l.text))
            .collect();
        edge.sort();
        edge.dedup();
        for e in edge {
            *seen.entry(e).or_insert(0) += 1;
        }
    }
    let many = pages.len() >= 2;
    let running = |l: &Line| {
        let s = shape(&l.text);
        PAGE_NUMBER.is_match(l.text.trim())
            || (many
                && seen
                    .get(&s)
                    .is_some_and(|n| *n >= 2 && *n * 2 >= pages.len()))
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<(f32, f32)> = None;
    for p in pages {
        let n = p.len();
        for (i, l) in p.iter().enumerate() {
            let at_edge = i < 2 || i + 2 >= n;
            if at_edge && running(l) {
                continue;
            }
            // A new paragraph where the gap to the line before is wider
            // than one and a half lines.
            if let Some((py, psize)) = prev
                && (l.y - py).abs() > 1.5 * psize.max(l.size) * 1.2
                && !cur.is_empty()
            {
                paragraphs.push(std::mem::take(&mut cur));
            }
            join_line(&mut cur, &l.text);
            prev = Some((l.y, l.size));
        }
        // A page break ends a paragraph that ends a sentence.
        if cur.trim_end().ends_with(['.', '!', '?', '"', '”', ':']) {
            paragraphs.push(std::mem::take(&mut cur));
        }
        prev = None;
    }
    if !cur.is_empty() {
        paragraphs.push(cur);
    }
    paragraphs
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Appends a line to a paragraph: a word hyphenated at the line's end is
/// rejoined when it goes on in lower case ("Verwal-" + "tung"), kept with
/// its hyphen otherwise ("Nord-" + "Ostsee").
fn join_line(cur: &mut String, line: &str) {
    if cur.is_empty() {
        cur.push_str(line);
        return;
    }
    let next_lower = line.chars().next().is_some_and(char::is_lowercase);
    let mut chars = cur.chars().rev();
    let last = chars.next();
    let before = chars.next();
    let hyphen = matches!(
        last,
        Some('-' | '\u{AD}' | '\u{2010}' | '\u{2011}' | '\u{2212}')
    );
    if hyphen && before.is_some_and(char::is_alphabetic) {
        cur.pop();
        if !next_lower {
            cur.push('-');
        }
        cur.push_str(line);
    } else {
        cur.push(' ');
        cur.push_str(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, y: f32) -> Line {
        Line {
            text: text.into(),
            y,
            size: 10.0,
        }
    }

    #[test]
    fn running_heads_go_hyphens_rejoin_and_gaps_split_paragraphs() {
        let pages = vec![
            vec![
                line("Die Zeitung - Ausgabe 12", 800.0),
                line("Der Hafen stand still, die Verwal-", 700.0),
                line("tung schwieg. Nord-", 688.0),
                line("Ostsee blieb offen.", 676.0),
                line("Ein neuer Absatz beginnt", 640.0),
                line("Seite 1", 40.0),
            ],
            vec![
                line("Die Zeitung - Ausgabe 12", 800.0),
                line("und geht hier weiter.", 700.0),
                line("Seite 2", 40.0),
            ],
        ];
        assert_eq!(
            assemble(&pages),
            "Der Hafen stand still, die Verwaltung schwieg. Nord-Ostsee blieb offen.\n\nEin neuer Absatz beginnt und geht hier weiter."
        );
    }

    #[test]
    fn not_a_pdf_is_an_error_not_a_panic() {
        assert!(to_text(b"hello".to_vec()).is_err());
        assert!(to_text(b"%PDF-1.4\n garbage".to_vec()).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Arbitrary bytes after a PDF header: an error or text, never a
        /// panic out of the reader.
        #[test]
        fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let mut v = b"%PDF-1.4\n".to_vec();
            v.append(&mut bytes);
            let _ = to_text(v);
        }
    }
}
