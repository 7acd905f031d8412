//! Generated news articles for `gloss bench` (and the criterion benches):
//! seed-size articles in the news layout users have (a `date … posted on …`
//! line, a credit line, paragraphs), with some non-ASCII words, from a
//! deterministic generator so every machine measures the same corpus.

use std::fmt::Write as _;
use std::path::Path;

/// A small deterministic generator (xorshift).
pub struct Rng(pub u64);

impl Rng {
    /// The next number.
    #[allow(
        clippy::should_implement_trait,
        reason = "an endless generator, not an iterator"
    )]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "on",
    "Sunday",
    "that",
    "sanctions",
    "would",
    "follow",
    "if",
    "talks",
    "failed",
    "NATO",
    "officials",
    "warned",
    "of",
    "a",
    "threat",
    "to",
    "energy",
    "supplies",
    "in",
    "Europe",
    "prices",
    "rose",
    "after",
    "the",
    "port",
    "was",
    "hit",
    "by",
    "ransomware",
    "Kraków",
    "Zoë",
    "“appropriate",
    "measures”",
    "—",
    "санкции",
    "угроза",
    "inflation",
    "protest",
    "and",
    "with",
    "government",
    "analysts",
    "expected",
    "negotiations",
    "Geneva",
    "weeks",
    "border",
];

/// A paragraph of `words` words.
pub fn paragraph(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for w in 0..words {
        if w > 0 {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len())]);
    }
    s.push('.');
    s
}

/// A seed-size article (about 3 KB) in the news layout.
pub fn news_article(rng: &mut Rng, i: usize) -> String {
    let mut s = format!(
        " date 2022-{:02}-{:02} posted on {:02}/{:02}/2022 {}:{:02} PM\n\n\n\n(credit: Reporter {i}/AFP)\n\n",
        1 + i % 12,
        1 + i % 28,
        1 + i % 12,
        1 + i % 28,
        1 + i % 12,
        i % 60
    );
    for _ in 0..9 {
        s.push_str(&paragraph(rng, 50));
        s.push_str("\n\n");
    }
    let _ = writeln!(s, "Article number {i}.");
    s
}

/// Writes `n` articles as `000000.txt`… into `folder` (created), returning
/// the bytes written. Each article is the same for the same `i` on every
/// machine.
///
/// # Errors
/// When the folder or a file cannot be written.
pub fn write_folder(folder: &Path, n: usize) -> std::io::Result<u64> {
    std::fs::create_dir_all(folder)?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut bytes = 0;
    for i in 0..n {
        let a = news_article(&mut rng, i);
        bytes += a.len() as u64;
        std::fs::write(folder.join(format!("{i:06}.txt")), a)?;
    }
    Ok(bytes)
}
