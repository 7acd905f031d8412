//! Article text: normalisation and fast char ↔ byte offset conversion.

use std::sync::{Arc, OnceLock};

use super::span::Span;

/// Chars between two recorded byte positions in a non-ASCII [`Text`].
const STRIDE: usize = 256;

/// Normalises raw decoded text the way every offset in Gloss expects: drops a
/// leading byte-order mark (and any more U+FEFF right after it, which a
/// reader of the text would take for a BOM again) and turns CRLF and lone CR
/// into LF. Nothing else changes: no trimming, no Unicode normalisation.
#[must_use]
pub fn normalise(raw: &str) -> String {
    let raw = raw.trim_start_matches('\u{feff}');
    if !raw.contains('\r') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if rest.starts_with('\n') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Converts char offsets counted in raw text (as another tool saw it: with a
/// byte-order mark and CRLF or lone CR line breaks) into offsets in the
/// normalised text that [`normalise`] makes of it.
///
/// A leading BOM is not counted by the raw offsets; a CRLF pair counts as two
/// chars in raw text and one (LF) after normalising. An offset that points
/// between the CR and LF of a pair maps to the line break.
#[derive(Clone, Debug, Default)]
pub struct OffsetMap {
    /// Raw char offsets at which a CR of a CRLF pair was dropped, in order.
    dropped: Vec<usize>,
    raw_len: usize,
}

impl OffsetMap {
    /// Normalises `raw` and returns the text with the map of its offsets.
    #[must_use]
    pub fn normalise(raw: &str) -> (String, Self) {
        let body = raw.trim_start_matches('\u{feff}');
        let mut dropped = Vec::new();
        let mut prev_cr = false;
        let mut n = 0;
        for c in body.chars() {
            if c == '\n' && prev_cr {
                // The CR before this LF is dropped.
                dropped.push(n - 1);
            }
            prev_cr = c == '\r';
            n += 1;
        }
        (
            normalise(raw),
            Self {
                dropped,
                raw_len: n,
            },
        )
    }

    /// The normalised offset of raw offset `raw` (clamped to the text).
    #[must_use]
    pub fn map(&self, raw: usize) -> usize {
        let raw = raw.min(self.raw_len);
        // CRs dropped strictly before `raw`, except that an offset right
        // after a dropped CR (between CR and LF) stays on the line break.
        let before = self.dropped.partition_point(|&d| d < raw);
        raw - before
    }

    /// The raw text's length in chars (without a BOM).
    #[must_use]
    pub fn raw_len(&self) -> usize {
        self.raw_len
    }

    /// True when nothing was dropped, so offsets are the same on both sides.
    #[must_use]
    pub fn is_identity(&self) -> bool {
        self.dropped.is_empty()
    }

    /// The raw offset of normalised offset `c` (the inverse of [`OffsetMap::map`]).
    #[must_use]
    pub fn unmap(&self, c: usize) -> usize {
        let mut raw = c;
        for &d in &self.dropped {
            if d < raw {
                raw += 1;
            } else {
                break;
            }
        }
        raw
    }
}

/// An immutable, cheaply cloned article text that converts char offsets to
/// byte offsets in O(1) plus a short scan.
#[derive(Clone)]
pub struct Text {
    s: Arc<str>,
    char_len: usize,
    /// Byte offset of every `STRIDE`-th char, made on the first conversion
    /// (a search that counts its own offsets never needs them); `None` when
    /// the text is ASCII.
    marks: Option<Arc<OnceLock<Box<[usize]>>>>,
}

impl Text {
    /// Wraps already normalised text.
    #[must_use]
    pub fn new(s: impl Into<Arc<str>>) -> Self {
        let s: Arc<str> = s.into();
        if s.is_ascii() {
            return Self {
                char_len: s.len(),
                s,
                marks: None,
            };
        }
        Self {
            char_len: s.chars().count(),
            s,
            marks: Some(Arc::default()),
        }
    }

    /// The byte offset of every `STRIDE`-th char (empty when ASCII).
    fn marks(&self) -> &[usize] {
        match &self.marks {
            Some(m) => m.get_or_init(|| marks_of(self.s.as_bytes()).1.into()),
            None => &[],
        }
    }

    /// The text as a string slice.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// The shared string.
    #[must_use]
    pub fn shared(&self) -> &Arc<str> {
        &self.s
    }

    /// Number of chars.
    #[must_use]
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// True when the text is ASCII, so char and byte offsets agree.
    #[must_use]
    pub fn is_ascii(&self) -> bool {
        self.marks.is_none()
    }

    /// Byte offset of char offset `c` (`c == char_len()` gives the byte length).
    /// Offsets past the end are clamped to the end.
    #[must_use]
    pub fn byte_of(&self, c: usize) -> usize {
        if c >= self.char_len {
            return self.s.len();
        }
        if self.is_ascii() {
            return c;
        }
        self.advance(self.marks()[c / STRIDE], c % STRIDE)
    }

    /// Byte offsets of a span's start and end (clamped to the text). The
    /// end is found from the start when it is near, not from a mark.
    #[must_use]
    pub fn bytes_of(&self, span: Span) -> (usize, usize) {
        let start = self.byte_of(span.start());
        let end = if span.end() >= self.char_len {
            self.s.len()
        } else if self.is_ascii() {
            span.end()
        } else if span.len() < STRIDE {
            self.advance(start, span.len())
        } else {
            self.byte_of(span.end())
        };
        (start, end)
    }

    /// A walker that converts ascending char offsets to byte offsets in one
    /// pass over the text, without the char index (see [`Walker`]).
    #[must_use]
    pub fn walker(&self) -> Walker<'_> {
        Walker {
            text: self,
            char: 0,
            byte: 0,
        }
    }

    /// Byte offset `skip` chars after the char starting at byte `from`
    /// (which must be before the end of the text, `skip` chars or more).
    fn advance(&self, from: usize, skip: usize) -> usize {
        // Whole blocks of 16 bytes while the char lies beyond them, then
        // byte by byte.
        let bytes = &self.s.as_bytes()[from..];
        let mut at = 0;
        let mut seen = 0;
        while let Some(block) = bytes.get(at..at + 16) {
            let n = block.iter().filter(|&&b| starts_char(b)).count();
            if seen + n > skip {
                break;
            }
            seen += n;
            at += 16;
        }
        for (i, &b) in bytes[at..].iter().enumerate() {
            if starts_char(b) {
                if seen == skip {
                    return from + at + i;
                }
                seen += 1;
            }
        }
        self.s.len()
    }

    /// Char offset of byte offset `b`, which must lie on a char boundary
    /// (a byte inside a char counts as that char's start).
    #[must_use]
    pub fn char_of(&self, b: usize) -> usize {
        if b >= self.s.len() {
            return self.char_len;
        }
        if self.is_ascii() {
            return b;
        }
        let marks = self.marks();
        let k = marks.partition_point(|&m| m <= b) - 1;
        let base = marks[k];
        k * STRIDE + self.s[base..b].chars().count()
    }

    /// The text of a span (clamped to the text).
    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        let (start, end) = self.bytes_of(span);
        &self.s[start..end]
    }

    /// A span's text with up to `n` chars before and after it:
    /// `(slice(span), before(span.start(), n), after(span.end(), n))`,
    /// finding each offset once.
    #[must_use]
    pub fn around(&self, span: Span, n: usize) -> (&str, &str, &str) {
        let (start, end) = self.bytes_of(span);
        self.around_bytes(span, start..end, n)
    }

    /// [`Text::around`] of a span whose byte range is known (it must be the
    /// span's, as [`Text::bytes_of`] gives it).
    #[must_use]
    pub fn around_bytes(
        &self,
        span: Span,
        bytes: std::ops::Range<usize>,
        n: usize,
    ) -> (&str, &str, &str) {
        debug_assert_eq!(self.bytes_of(span), (bytes.start, bytes.end));
        (
            &self.s[bytes.clone()],
            self.before_byte(span.start(), bytes.start, n),
            self.after_byte(bytes.end, n),
        )
    }

    /// Up to `n` chars ending at char offset `c`.
    #[must_use]
    pub fn before(&self, c: usize, n: usize) -> &str {
        self.before_byte(c, self.byte_of(c), n)
    }

    /// [`Text::before`] of char `c`, which starts at byte `end`.
    fn before_byte(&self, c: usize, end: usize, n: usize) -> &str {
        // Only the chars of [c - n, c) that lie in the text.
        let n = n.saturating_sub(c.saturating_sub(self.char_len));
        // Counted back over the bytes: the n-th char start before `end`.
        let mut start = end;
        let mut left = n;
        let bytes = self.s.as_bytes();
        while left > 0 && start > 0 {
            start -= 1;
            if starts_char(bytes[start]) {
                left -= 1;
            }
        }
        &self.s[start..end]
    }

    /// Up to `n` chars starting at char offset `c`.
    #[must_use]
    pub fn after(&self, c: usize, n: usize) -> &str {
        self.after_byte(self.byte_of(c), n)
    }

    /// [`Text::after`] from byte `start`.
    fn after_byte(&self, start: usize, n: usize) -> &str {
        let rest = &self.s[start..];
        // The (n+1)-th char start, counted over the bytes.
        let mut seen = 0;
        let end = rest
            .bytes()
            .position(|b| {
                let at_start = starts_char(b);
                seen += usize::from(at_start);
                at_start && seen > n
            })
            .unwrap_or(rest.len());
        &rest[..end]
    }
}

/// Whether a UTF-8 byte starts a char (is not a continuation byte).
#[allow(clippy::cast_possible_wrap, reason = "the sign bit is what is tested")]
const fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// The number of chars of valid UTF-8 `bytes` and the byte offset of every
/// `STRIDE`-th char. Chars are counted 64 bytes at a time (a loop the
/// compiler vectorises); only a block where a mark falls is walked byte by
/// byte, and a block of 64 bytes holds at most one mark.
fn marks_of(bytes: &[u8]) -> (usize, Vec<usize>) {
    const BLOCK: usize = 64;
    const _: () = assert!(STRIDE >= BLOCK);
    let mut marks = Vec::with_capacity(bytes.len() / STRIDE + 1);
    let mut count: usize = 0;
    for (k, block) in bytes.chunks(BLOCK).enumerate() {
        let n = block.iter().filter(|&&b| starts_char(b)).count();
        let next_mark = count.next_multiple_of(STRIDE);
        if next_mark < count + n {
            let mut c = count;
            for (i, &b) in block.iter().enumerate() {
                if starts_char(b) {
                    if c == next_mark {
                        marks.push(k * BLOCK + i);
                        break;
                    }
                    c += 1;
                }
            }
        }
        count += n;
    }
    (count, marks)
}

/// Converts char offsets to byte offsets walking forward through a
/// [`Text`], for a caller that has many spans of one text in order of their
/// starts: it reads the text once and never builds the text's char index
/// (8 bytes per 256 chars of a non-ASCII text, kept once built), which
/// checking a million passages at open would otherwise build for every text.
pub struct Walker<'a> {
    text: &'a Text,
    /// Where the walk is: a char offset below the text's length, and the
    /// byte its char starts at.
    char: usize,
    byte: usize,
}

impl<'a> Walker<'a> {
    /// The byte offset of char offset `c` ([`Text::byte_of`]). Fastest when
    /// offsets come in ascending order; one that goes back starts the walk
    /// again from the beginning.
    pub fn byte_of(&mut self, c: usize) -> usize {
        let t = self.text;
        if c >= t.char_len {
            return t.s.len();
        }
        if t.is_ascii() {
            return c;
        }
        if c < self.char {
            (self.char, self.byte) = (0, 0);
        }
        self.byte = t.advance(self.byte, c - self.char);
        self.char = c;
        self.byte
    }

    /// The byte range of `span` ([`Text::bytes_of`]), its end found from its
    /// start.
    pub fn bytes_of(&mut self, span: Span) -> std::ops::Range<usize> {
        let t = self.text;
        let start = self.byte_of(span.start());
        let end = if span.end() >= t.char_len {
            t.s.len()
        } else if t.is_ascii() {
            span.end()
        } else {
            t.advance(start, span.len())
        };
        start..end
    }

    /// The text of `span` ([`Text::slice`], clamped to the text likewise).
    pub fn slice(&mut self, span: Span) -> &'a str {
        let range = self.bytes_of(span);
        let text: &'a Text = self.text;
        &text.s[range]
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.s == other.s
    }
}
impl Eq for Text {}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Text({} chars)", self.char_len)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_line_endings_and_bom_only() {
        assert_eq!(normalise("\u{feff}a\r\nb\rc\n\r\n  "), "a\nb\nc\n\n  ");
        assert_eq!(
            normalise("\u{feff}\u{feff}a\u{feff}"),
            "a\u{feff}",
            "a BOM after a BOM too"
        );
        assert_eq!(normalise("\r\r\n"), "\n\n");
        assert_eq!(normalise("e\u{301}"), "e\u{301}");
    }

    #[test]
    fn converts_offsets_in_mixed_text() {
        let t = Text::new("aé😀b");
        assert_eq!(t.char_len(), 4);
        assert_eq!(t.byte_of(2), 3);
        assert_eq!(t.byte_of(3), 7);
        assert_eq!(t.char_of(7), 3);
        assert_eq!(t.slice(Span::new(1, 3).unwrap()), "é😀");
        assert_eq!(t.before(3, 10), "aé😀");
        assert_eq!(t.after(3, 10), "b");
    }

    #[test]
    fn offset_map_drops_the_cr_of_crlf() {
        let raw = "\u{feff}ab\r\ncd\re";
        let (text, map) = OffsetMap::normalise(raw);
        assert_eq!(text, "ab\ncd\ne");
        // raw (without BOM): a0 b1 \r2 \n3 c4 d5 \r6 e7
        assert_eq!(map.map(0), 0);
        assert_eq!(map.map(2), 2, "the line break");
        assert_eq!(map.map(3), 2, "between CR and LF: still the line break");
        assert_eq!(map.map(4), 3, "c");
        assert_eq!(map.map(7), 6, "a lone CR keeps its place");
        assert_eq!(map.unmap(3), 4);
        assert_eq!(map.unmap(6), 7);
    }

    proptest! {
        #[test]
        fn offset_map_round_trips(parts in proptest::collection::vec("(a|é|\r\n|\r|\n|😀)", 0..40)) {
            let raw: String = parts.concat();
            let (text, map) = OffsetMap::normalise(&raw);
            let t = Text::new(text.as_str());
            // Every normalised offset maps back to a raw offset with the same char there.
            let raw_chars: Vec<char> = raw.chars().collect();
            for c in 0..=t.char_len() {
                let r = map.unmap(c);
                prop_assert_eq!(map.map(r), c);
                if c < t.char_len() {
                    let ch = t.slice(Span::new(c, c + 1).unwrap()).chars().next().unwrap();
                    let rc = raw_chars[r];
                    prop_assert!(ch == rc || (ch == '\n' && rc == '\r'));
                }
            }
        }

        #[test]
        fn before_and_after_agree_with_chars(s in "(\\PC|é|ж|😀){0,700}", c in 0usize..800, n in 0usize..300) {
            let t = Text::new(s.as_str());
            let chars: Vec<char> = s.chars().collect();
            let len = chars.len();
            let before: String = chars[c.saturating_sub(n).min(len)..c.min(len)].iter().collect();
            let after: String = chars[c.min(len)..c.saturating_add(n).min(len)].iter().collect();
            prop_assert_eq!(t.before(c, n), before.as_str());
            prop_assert_eq!(t.after(c, n), after.as_str());
            prop_assert_eq!(t.char_len(), len);
        }

        #[test]
        fn a_span_and_its_context_agree_with_each_offset_found_alone(
            s in "(a|\\PC|é|ж|😀){0,900}", a in 0usize..1000, b in 0usize..1000, n in 0usize..300,
        ) {
            let t = Text::new(s.as_str());
            let span = Span::new(a.min(b), a.max(b)).unwrap();
            prop_assert_eq!(t.bytes_of(span), (t.byte_of(span.start()), t.byte_of(span.end())));
            let (exact, before, after) = t.around(span, n);
            prop_assert_eq!(exact, &s[t.byte_of(span.start())..t.byte_of(span.end())]);
            prop_assert_eq!(before, t.before(span.start(), n));
            prop_assert_eq!(after, t.after(span.end(), n));
        }

        #[test]
        fn a_walker_agrees_with_each_offset_found_alone(
            s in "(a|\\PC|é|ж|😀){0,900}",
            ends in proptest::collection::vec((0usize..1000, 0usize..1000), 0..40),
            sorted in proptest::bool::ANY,
        ) {
            let t = Text::new(s.as_str());
            let mut spans: Vec<Span> =
                ends.iter().map(|&(a, b)| Span::new(a.min(b), a.max(b)).unwrap()).collect();
            // In order of their starts, as the walker is meant to be used,
            // or in any order, which it must still get right.
            if sorted {
                spans.sort_by_key(|s| s.start());
            }
            let mut w = t.walker();
            for span in spans {
                let (start, end) = t.bytes_of(span);
                prop_assert_eq!(w.bytes_of(span), start..end, "{}", span);
                prop_assert_eq!(w.byte_of(span.end()), end, "{}", span);
            }
        }

        #[test]
        fn byte_of_agrees_with_char_indices(s in "(\\PC|é|ж|😀){0,700}") {
            let t = Text::new(s.as_str());
            let expected: Vec<usize> = s.char_indices().map(|(b, _)| b).chain([s.len()]).collect();
            for (c, b) in expected.iter().enumerate() {
                prop_assert_eq!(t.byte_of(c), *b);
                prop_assert_eq!(t.char_of(*b), c);
            }
        }
    }
}
