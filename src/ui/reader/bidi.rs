//! Bidirectional paragraphs (Unicode UAX #9), as far as the reading view
//! needs them: egui 0.37 shapes right-to-left letters but places runs and
//! rows left to right, and its char ↔ glyph mapping assumes logical order.
//! So a paragraph with right-to-left text is cut here into pieces — a word,
//! or the part of a word in one direction — each shaped by egui on its own
//! (where a single direction makes egui's output right), broken into rows
//! in logical order, and placed per row in visual order (`unicode-bidi`).
//! Every char ↔ x question is answered from the pieces, so what is drawn
//! and what is stored are the same chars. Pure: the widths come from a
//! `measure` function, so this is tested without a window. Small enough to
//! delete when egui lays out bidi text itself.

use std::ops::Range;

use unicode_bidi::{BidiClass, ParagraphBidiInfo, bidi_class};
use unicode_segmentation::UnicodeSegmentation;

/// True when the text needs the bidi layout: it holds right-to-left
/// letters or explicit right-to-left controls. (Everything else is laid
/// out by egui directly.)
#[must_use]
pub fn needs_bidi(text: &str) -> bool {
    text.chars().any(|c| {
        // Below U+0590 no char is right-to-left: skip the table lookup.
        c >= '\u{590}'
            && matches!(
                bidi_class(c),
                BidiClass::R
                    | BidiClass::AL
                    | BidiClass::RLE
                    | BidiClass::RLO
                    | BidiClass::RLI
                    | BidiClass::FSI
            )
    }) || text.contains(['\u{202B}', '\u{202E}', '\u{2067}', '\u{2068}'])
}

/// A run of chars drawn as one shaped unit, in one direction, on one row.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    /// First char (into the paragraph).
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// First byte.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// Drawn right to left.
    pub rtl: bool,
    /// The row it is on.
    pub row: usize,
    /// Its left edge, from the paragraph's left edge.
    pub x: f32,
    /// Its width.
    pub width: f32,
    /// Each grapheme boundary in it, from `start` to `end`: the char offset
    /// and its x from the piece's left edge (decreasing for right-to-left
    /// pieces).
    pub bounds: Vec<(usize, f32)>,
}

impl Piece {
    /// The x (from the piece's left edge) of char boundary `c`, snapped to
    /// the grapheme boundary at or before it.
    #[must_use]
    pub fn x_of(&self, c: usize) -> f32 {
        let i = self.bounds.partition_point(|&(b, _)| b <= c);
        self.bounds[i.saturating_sub(1)].1
    }

    /// The grapheme boundary nearest to `x` (from the piece's left edge).
    #[must_use]
    pub fn char_at(&self, x: f32) -> usize {
        self.bounds
            .iter()
            .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
            .map_or(self.start, |b| b.0)
    }
}

/// A paragraph laid out in rows of pieces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    /// The pieces, row by row, each row's from left to right.
    pub pieces: Vec<Piece>,
    /// Each row's logical char range.
    pub rows: Vec<Range<usize>>,
    /// The paragraph's base direction is right to left (its first strong
    /// char is), so its rows are right-aligned.
    pub rtl: bool,
}

impl Lines {
    /// The pieces on row `r`, left to right.
    pub fn row(&self, r: usize) -> impl Iterator<Item = &Piece> {
        let lo = self.pieces.partition_point(|p| p.row < r);
        self.pieces[lo..].iter().take_while(move |p| p.row == r)
    }

    /// The row holding char `c` (a char on a row's end boundary belongs to
    /// that row when it is the paragraph's end).
    #[must_use]
    pub fn row_of(&self, c: usize) -> usize {
        let i = self.rows.partition_point(|r| r.end <= c);
        i.min(self.rows.len().saturating_sub(1))
    }

    /// The x (from the paragraph's left edge) of char boundary `c` on row
    /// `r`: in the piece that holds the char after it, or ends there.
    #[must_use]
    pub fn x_of(&self, r: usize, c: usize) -> Option<f32> {
        let mut end_match = None;
        for p in self.row(r) {
            if p.start <= c && c < p.end {
                return Some(p.x + p.x_of(c));
            }
            if p.end == c {
                end_match = Some(p.x + p.x_of(c));
            }
        }
        end_match
    }

    /// The char boundary nearest to `x` on row `r`.
    #[must_use]
    pub fn char_at(&self, r: usize, x: f32) -> usize {
        let row: Vec<&Piece> = self.row(r).collect();
        let Some(first) = row.first() else {
            return self.rows.get(r).map_or(0, |r| r.start);
        };
        let p = row
            .iter()
            .find(|p| x >= p.x && x < p.x + p.width)
            .copied()
            .unwrap_or_else(|| {
                if x < first.x {
                    first
                } else {
                    row.last().copied().unwrap_or(first)
                }
            });
        p.char_at(x - p.x)
    }

    /// The horizontal extents (from the paragraph's left edge) covering
    /// chars `a..b`, one per row they touch, each a list of intervals
    /// (several where a direction boundary splits the range on screen).
    #[must_use]
    pub fn extents(&self, a: usize, b: usize) -> Vec<(usize, f32, f32)> {
        let mut out: Vec<(usize, f32, f32)> = Vec::new();
        for p in &self.pieces {
            let lo = a.max(p.start);
            let hi = b.min(p.end);
            if lo >= hi {
                continue;
            }
            let (x0, x1) = (p.x + p.x_of(lo), p.x + p.x_of(hi));
            let (x0, x1) = (x0.min(x1), x0.max(x1));
            if x1 <= x0 {
                continue;
            }
            // Merge with the previous interval when they touch on screen.
            if let Some(last) = out.last_mut()
                && last.0 == p.row
                && (last.2 - x0).abs() < 0.5
            {
                last.2 = x1;
                continue;
            }
            out.push((p.row, x0, x1));
        }
        out
    }
}

/// Lays out a paragraph (no line breaks in it) at `wrap` width: breaks rows
/// in logical order at spaces, then orders each row's pieces visually.
/// `measure(text, rtl)` is the width of `text` shaped on its own.
pub fn lay_out(text: &str, wrap: f32, measure: &mut dyn FnMut(&str, bool) -> f32) -> Lines {
    lay_out_with(text, wrap, measure, true)
}

/// [`lay_out`] for text that is only drawn, never hit-tested (labels):
/// each piece's bounds are its two ends, which saves measuring every
/// prefix of every piece.
pub fn lay_out_for_display(
    text: &str,
    wrap: f32,
    measure: &mut dyn FnMut(&str, bool) -> f32,
) -> Lines {
    lay_out_with(text, wrap, measure, false)
}

fn lay_out_with(
    text: &str,
    wrap: f32,
    measure: &mut dyn FnMut(&str, bool) -> f32,
    inner_bounds: bool,
) -> Lines {
    let info = ParagraphBidiInfo::new(text, None);
    let rtl = info.paragraph_level.is_rtl();
    // Char offset of every byte boundary that starts a char (and the end).
    let char_of = {
        let mut v = vec![0usize; text.len() + 1];
        let mut n = 0;
        for (i, ch) in text.char_indices() {
            for slot in &mut v[i..i + ch.len_utf8()] {
                *slot = n;
            }
            n += 1;
        }
        v[text.len()] = n;
        v
    };

    let words = words_of(text, &info);
    let rows = break_rows(text, &info, &words, wrap, measure);

    // Pieces per row, in visual order.
    let seg_bounds: Vec<usize> = words
        .iter()
        .flat_map(|segs| segs.iter().map(|s| s.start))
        .chain(std::iter::once(text.len()))
        .collect();
    let mut pieces = Vec::new();
    for (r, line) in rows.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let (levels, runs) = info.visual_runs(line.clone());
        let mut row_pieces: Vec<Piece> = Vec::new();
        for run in runs {
            let run_rtl = levels[run.start].is_rtl();
            // The run cut at segment (and row-cut) boundaries.
            let mut cuts: Vec<usize> = seg_bounds
                .iter()
                .copied()
                .filter(|&b| b > run.start && b < run.end)
                .collect();
            cuts.insert(0, run.start);
            cuts.push(run.end);
            let mut parts: Vec<Range<usize>> = cuts.windows(2).map(|w| w[0]..w[1]).collect();
            if run_rtl {
                // egui shapes a run of right-to-left letters in the right
                // order, but places what falls back to another font (a
                // space, a full stop, a bracket) after it, left to right:
                // so in a right-to-left run only letters (and their marks)
                // stay together, and every other char is a piece of its own.
                parts = parts
                    .into_iter()
                    .flat_map(|p| letter_runs(text, p))
                    .collect();
                parts.reverse();
            }
            for part in parts {
                row_pieces.push(piece(
                    text,
                    &char_of,
                    part,
                    (run_rtl, r),
                    measure,
                    inner_bounds,
                ));
            }
        }
        let width: f32 = row_pieces.iter().map(|p| p.width).sum();
        // Right-aligned rows: the spaces at a row's logical end sit at its
        // visual left (UAX #9 L1) and hang into the margin, so the text
        // itself is flush right.
        let mut x = if rtl { wrap - width } else { 0.0 };
        for mut p in row_pieces {
            p.x = x;
            x += p.width;
            pieces.push(p);
        }
    }
    Lines {
        pieces,
        rows: rows
            .iter()
            .map(|r| char_of[r.start]..char_of[r.end])
            .collect(),
        rtl,
    }
}

/// Words: non-space chars then the spaces after them (a row may break
/// after the spaces), each cut further where the bidi level changes.
fn words_of(text: &str, info: &ParagraphBidiInfo<'_>) -> Vec<Vec<Range<usize>>> {
    let mut words: Vec<Vec<Range<usize>>> = Vec::new();
    for (start, word) in text.split_word_bound_indices_after_spaces() {
        let end = start + word.len();
        let mut segs = Vec::new();
        let mut s = start;
        for (i, _) in word.char_indices().skip(1) {
            let at = start + i;
            if info.levels[at] != info.levels[s] {
                segs.push(s..at);
                s = at;
            }
        }
        segs.push(s..end);
        words.push(segs);
    }
    words
}

/// The rows' byte ranges: greedy, by the words' widths without their
/// trailing spaces; a word wider than a row is cut between graphemes.
fn break_rows(
    text: &str,
    info: &ParagraphBidiInfo<'_>,
    words: &[Vec<Range<usize>>],
    wrap: f32,
    measure: &mut dyn FnMut(&str, bool) -> f32,
) -> Vec<Range<usize>> {
    let mut rows: Vec<Range<usize>> = Vec::new();
    let mut row_start = 0;
    let mut row_width = 0.0;
    for segs in words {
        let (ws, we) = (segs[0].start, segs[segs.len() - 1].end);
        let full: f32 = segs
            .iter()
            .map(|s| measure(&text[s.clone()], info.levels[s.start].is_rtl()))
            .sum();
        let trimmed_end = ws + text[ws..we].trim_end().len();
        let trailing = if trimmed_end < we {
            measure(&text[trimmed_end..we], info.levels[trimmed_end].is_rtl())
        } else {
            0.0
        };
        if row_width > 0.0 && row_width + full - trailing > wrap {
            rows.push(row_start..ws);
            row_start = ws;
            row_width = 0.0;
        }
        if full - trailing > wrap && row_width == 0.0 {
            let mut w = 0.0;
            for (gi, g) in text[ws..we].grapheme_indices(true) {
                let at = ws + gi;
                let gw = measure(g, info.levels[at].is_rtl());
                if w > 0.0 && w + gw > wrap && !g.trim().is_empty() {
                    rows.push(row_start..at);
                    row_start = at;
                    w = 0.0;
                }
                w += gw;
            }
            row_width = w;
        } else {
            row_width += full;
        }
    }
    rows.push(row_start..text.len());
    rows
}

/// How many rows the paragraph takes at `wrap` width (what [`lay_out`]
/// gives, without placing the pieces).
pub fn row_count(text: &str, wrap: f32, measure: &mut dyn FnMut(&str, bool) -> f32) -> usize {
    let info = ParagraphBidiInfo::new(text, None);
    let words = words_of(text, &info);
    break_rows(text, &info, &words, wrap, measure).len()
}

/// `bytes` cut into runs of right-to-left letters (with their marks and
/// joiners) and single other chars.
fn letter_runs(text: &str, bytes: Range<usize>) -> Vec<Range<usize>> {
    let is_letter = |c: char| {
        matches!(
            bidi_class(c),
            BidiClass::R | BidiClass::AL | BidiClass::NSM | BidiClass::BN
        )
    };
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut prev_letter = false;
    for (i, c) in text[bytes.clone()].char_indices() {
        let at = bytes.start + i;
        let end = at + c.len_utf8();
        let letter = is_letter(c);
        match out.last_mut() {
            Some(last) if letter && prev_letter => last.end = end,
            _ => out.push(at..end),
        }
        prev_letter = letter;
    }
    out
}

/// The char drawn for `c` in right-to-left text: its mirror image for
/// paired brackets (UAX #9 L4), else itself.
#[must_use]
pub fn mirrored(c: char) -> char {
    match c {
        '(' => ')',
        ')' => '(',
        '[' => ']',
        ']' => '[',
        '{' => '}',
        '}' => '{',
        '<' => '>',
        '>' => '<',
        '«' => '»',
        '»' => '«',
        '‹' => '›',
        '›' => '‹',
        '⁅' => '⁆',
        '⁆' => '⁅',
        '〈' => '〉',
        '〉' => '〈',
        _ => c,
    }
}

impl Piece {
    /// The text to shape for this piece: `text`'s chars, with brackets
    /// mirrored in right-to-left pieces.
    #[must_use]
    pub fn display<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let s = &text[self.byte_start..self.byte_end];
        if self.rtl && s.chars().any(|c| mirrored(c) != c) {
            s.chars().map(mirrored).collect::<String>().into()
        } else {
            s.into()
        }
    }
}

/// One piece: its width and the x of each grapheme boundary in it, from
/// the widths of its prefixes (shaped on their own: exact at the piece's
/// ends, within a glyph's joining difference inside it; only the ends
/// without `inner_bounds`).
fn piece(
    text: &str,
    char_of: &[usize],
    bytes: Range<usize>,
    (rtl, row): (bool, usize),
    measure: &mut dyn FnMut(&str, bool) -> f32,
    inner_bounds: bool,
) -> Piece {
    let s = &text[bytes.clone()];
    let width = measure(s, rtl);
    let mut bounds = vec![(char_of[bytes.start], if rtl { width } else { 0.0 })];
    let mut last = 0.0f32;
    let inner = s
        .grapheme_indices(true)
        .skip(1)
        .take_while(|_| inner_bounds);
    for (gi, _) in inner {
        let w = measure(&s[..gi], rtl).clamp(last, width);
        last = w;
        bounds.push((char_of[bytes.start + gi], if rtl { width - w } else { w }));
    }
    bounds.push((char_of[bytes.end], if rtl { 0.0 } else { width }));
    Piece {
        start: char_of[bytes.start],
        end: char_of[bytes.end],
        byte_start: bytes.start,
        byte_end: bytes.end,
        rtl,
        row,
        x: 0.0,
        width,
        bounds,
    }
}

/// Word bounds where each word keeps the spaces after it.
trait AfterSpaces {
    fn split_word_bound_indices_after_spaces(&self) -> Vec<(usize, &str)>;
}

impl AfterSpaces for str {
    fn split_word_bound_indices_after_spaces(&self) -> Vec<(usize, &str)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        let mut in_space = false;
        for (i, ch) in self.char_indices() {
            let space = ch.is_whitespace();
            if in_space && !space {
                out.push((start, i));
                start = i;
            }
            in_space = space;
        }
        if start < self.len() {
            out.push((start, self.len()));
        }
        out.into_iter().map(|(a, b)| (a, &self[a..b])).collect()
    }
}

/// The grapheme boundary at or before char `c` of `text` (a selection never
/// splits a cluster such as a base letter and its marks).
#[must_use]
pub fn snap_to_grapheme(text: &str, c: usize) -> usize {
    let mut n = 0;
    for g in text.graphemes(true) {
        let next = n + g.chars().count();
        if next > c {
            return n;
        }
        n = next;
    }
    n.min(c)
}

/// The grapheme boundary after (`forward`) or before char boundary `c`.
#[must_use]
pub fn step_grapheme(text: &str, c: usize, forward: bool) -> usize {
    let mut n = 0;
    let mut before = 0;
    for g in text.graphemes(true) {
        let next = n + g.chars().count();
        if forward && next > c {
            return next;
        }
        if !forward && n >= c {
            return before;
        }
        before = n;
        n = next;
    }
    if forward { n } else { before.min(c) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every char the same width, so positions are easy to reason about.
    fn mono(s: &str, _rtl: bool) -> f32 {
        s.chars().count() as f32 * 10.0
    }

    #[test]
    fn plain_latin_needs_no_bidi_but_arabic_and_hebrew_do() {
        assert!(!needs_bidi("Plain text, Zoë, Ελληνικά, Русский, 中文"));
        assert!(needs_bidi("احتج المتظاهرون"));
        assert!(needs_bidi("ראש הממשלה"));
        assert!(needs_bidi("Latin then \u{2067}isolate"));
    }

    #[test]
    fn an_arabic_paragraph_is_right_aligned_and_runs_right_to_left() {
        let t = "ابج دهو";
        let l = lay_out(t, 200.0, &mut mono);
        assert!(l.rtl);
        assert_eq!(l.rows, vec![0..7]);
        // Right-aligned: the row ends at the wrap width.
        let right = l.pieces.iter().map(|p| p.x + p.width).fold(0.0, f32::max);
        assert!((right - 200.0).abs() < 1e-3);
        // The first word is the rightmost piece.
        let first = l.pieces.iter().find(|p| p.start == 0).unwrap();
        assert!(l.pieces.iter().all(|p| p.x <= first.x));
        // Its first char is at its right edge.
        assert!((first.x_of(0) - first.width).abs() < 1e-3);
    }

    #[test]
    fn latin_and_digits_inside_arabic_keep_their_order() {
        // "in 2021 Google" in Arabic with a Latin word and digits.
        let t = "في عام 2021 قالت Google كذا";
        let l = lay_out(t, 1000.0, &mut mono);
        let chars: Vec<char> = t.chars().collect();
        // Visual left-to-right order of the pieces' texts.
        let visual: Vec<String> = l
            .pieces
            .iter()
            .map(|p| chars[p.start..p.end].iter().collect::<String>())
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_owned())
            .collect();
        assert_eq!(visual, ["كذا", "Google", "قالت", "2021", "عام", "في"]);
    }

    #[test]
    fn rows_break_at_spaces_in_logical_order() {
        let t = "אבג דהו זחט";
        let l = lay_out(t, 75.0, &mut mono);
        assert_eq!(l.rows, vec![0..8, 8..11]);
        // Each row right-aligned.
        for r in 0..2 {
            let right = l.row(r).map(|p| p.x + p.width).fold(0.0, f32::max);
            assert!((right - 75.0).abs() < 1e-3, "row {r}");
        }
    }

    #[test]
    fn a_range_across_a_direction_boundary_is_several_visual_intervals() {
        // LTR paragraph: "abc " then Hebrew "דהו" then " xyz".
        let t = "abc דהו xyz";
        let l = lay_out(t, 1000.0, &mut mono);
        assert!(!l.rtl);
        // Chars 2..5: "c", " ", "ד" — on screen "c " then the Hebrew's
        // rightmost letter (its first), which is not next to "c ".
        let ext = l.extents(2, 5);
        assert_eq!(ext.len(), 2, "{ext:?}");
        let total: f32 = ext.iter().map(|e| e.2 - e.1).sum();
        assert!((total - 30.0).abs() < 1e-3);
        // The Hebrew's first char sits at the right end of the Hebrew word.
        let heb = l.pieces.iter().find(|p| p.start == 4).unwrap();
        assert!((heb.x + heb.x_of(4) - (heb.x + heb.width)).abs() < 1e-3);
    }

    #[test]
    fn hit_testing_returns_the_boundary_under_the_pointer() {
        let t = "ابج";
        let l = lay_out(t, 30.0, &mut mono);
        // Right edge = before the first char; left edge = after the last.
        assert_eq!(l.char_at(0, 29.0), 0);
        assert_eq!(l.char_at(0, 1.0), 3);
        assert_eq!(l.char_at(0, 19.0), 1);
    }

    #[test]
    fn neutrals_in_right_to_left_text_are_pieces_of_their_own() {
        // Hebrew with an apostrophe (ב"ז'נבה") and a full stop at the end.
        let t = "בז'נבה.";
        let l = lay_out(t, 1000.0, &mut mono);
        let chars: Vec<char> = t.chars().collect();
        let visual: Vec<String> = l
            .pieces
            .iter()
            .map(|p| chars[p.start..p.end].iter().collect())
            .collect();
        // Left to right on screen: the full stop, the second word part,
        // the apostrophe, the first part.
        assert_eq!(visual, [".", "נבה", "'", "בז"]);
        // A bracket in right-to-left text is drawn mirrored.
        let b = lay_out("(שלום)", 1000.0, &mut mono);
        let shown: Vec<String> = b
            .pieces
            .iter()
            .map(|p| p.display("(שלום)").into_owned())
            .collect();
        assert_eq!(shown, ["(", "שלום", ")"]);
    }

    #[test]
    fn graphemes_are_never_split() {
        // "ni" with a combining mark, and Devanagari "कि" (ka + vowel sign).
        let t = "n\u{303}a कि";
        assert_eq!(snap_to_grapheme(t, 1), 0);
        assert_eq!(snap_to_grapheme(t, 2), 2);
        assert_eq!(snap_to_grapheme(t, 5), 4);
        assert_eq!(step_grapheme(t, 0, true), 2);
        assert_eq!(step_grapheme(t, 4, true), 6);
        assert_eq!(step_grapheme(t, 6, false), 4);
        assert_eq!(step_grapheme(t, 2, false), 0);
    }

    mod property {
        use proptest::prelude::*;

        use super::super::*;
        use super::mono;

        /// Strings of Arabic, Hebrew, Latin, digits, spaces and neutrals.
        fn bidi_text() -> impl Strategy<Value = String> {
            let alphabet: Vec<char> = "ابجدهوزحطيكلمن אבגדהוזחט abcdefgh 0123456789 .,()-'\"!?"
                .chars()
                .collect();
            proptest::collection::vec(proptest::sample::select(alphabet), 1..60)
                .prop_map(|v| v.into_iter().collect())
        }

        proptest! {
            /// Per row, every char has one cell on screen, the cells do not
            /// overlap and fill the row without gaps: logical → visual →
            /// logical is a bijection, and a range's intervals cover
            /// exactly its chars (every char here is 10 wide).
            #[test]
            fn each_char_has_exactly_one_cell(text in bidi_text(), wrap in 30.0f32..400.0) {
                let l = lay_out(&text, wrap, &mut mono);
                let n = text.chars().count();
                // Rows cover the text in order.
                prop_assert_eq!(l.rows.first().map(|r| r.start), Some(0));
                prop_assert_eq!(l.rows.last().map(|r| r.end), Some(n));
                for w in l.rows.windows(2) {
                    prop_assert_eq!(w[0].end, w[1].start);
                }
                for (r, row) in l.rows.iter().enumerate() {
                    let mut cells: Vec<(f32, f32, usize)> = Vec::new();
                    for c in row.clone() {
                        let ext = l.extents(c, c + 1);
                        prop_assert_eq!(ext.len(), 1, "char {} of {:?}", c, text);
                        let (er, x0, x1) = ext[0];
                        prop_assert_eq!(er, r);
                        prop_assert!((x1 - x0 - 10.0).abs() < 1e-3);
                        // The middle of its cell hit-tests back to the char
                        // (to one of its two boundaries).
                        let hit = l.char_at(r, f32::midpoint(x0, x1) + 0.1);
                        let hit2 = l.char_at(r, f32::midpoint(x0, x1) - 0.1);
                        prop_assert!(
                            [c, c + 1].contains(&hit) && [c, c + 1].contains(&hit2) && hit != hit2,
                            "char {} of {:?}: hits {} {}", c, text, hit, hit2
                        );
                        cells.push((x0, x1, c));
                    }
                    cells.sort_by(|a, b| a.0.total_cmp(&b.0));
                    for w in cells.windows(2) {
                        prop_assert!((w[0].1 - w[1].0).abs() < 1e-3, "gap or overlap in {:?}", text);
                    }
                    // A range's intervals are exactly its chars' cells.
                    if row.len() >= 2 {
                        let (a, b) = (row.start, row.start + row.len() / 2 + 1);
                        let total: f32 = l.extents(a, b).iter().map(|e| e.2 - e.1).sum();
                        prop_assert!((total - 10.0 * (b - a) as f32).abs() < 1e-3);
                    }
                }
            }
        }
    }
}
