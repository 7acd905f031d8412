//! The reading view's layout, as far as it needs no font: the article cut
//! into blocks (one per line of the text: a paragraph, a heading, or an
//! empty line), each block's height (estimated, then measured), and where
//! each block starts down the page. Pure, so it is tested without a window.

use crate::model::{ArticleId, ContentHash, Text};

/// A line of the text: a paragraph, a heading, or an empty line. Offsets
/// are chars (`start..end`) and bytes into the article's text; the newline
/// after a block belongs to none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// First char.
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// First byte.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
}

impl Block {
    /// True for an empty line.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Cuts a text into blocks at its line breaks.
#[must_use]
pub fn blocks_of(text: &Text) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut char_pos = 0;
    let mut byte_pos = 0;
    for line in text.as_str().split('\n') {
        let chars = if text.is_ascii() {
            line.len()
        } else {
            line.chars().count()
        };
        blocks.push(Block {
            start: char_pos,
            end: char_pos + chars,
            byte_start: byte_pos,
            byte_end: byte_pos + line.len(),
        });
        char_pos += chars + 1;
        byte_pos += line.len() + 1;
    }
    blocks
}

/// Height of one row of text at `font_size`.
#[must_use]
pub fn line_height(font_size: f32) -> f32 {
    (font_size * 1.55).round()
}

/// Height of an empty line at `font_size`.
#[must_use]
pub fn gap_height(font_size: f32) -> f32 {
    (font_size * 0.6).round()
}

/// Per-article layout state: blocks, their heights and positions.
pub struct Layout {
    /// The article laid out.
    pub article: ArticleId,
    /// Its text's hash: a new text (a re-sync, or its undo) is a new layout.
    pub hash: ContentHash,
    /// The blocks.
    pub blocks: Vec<Block>,
    /// Each block's height (estimated until measured).
    pub heights: Vec<f32>,
    /// Whether each block's height was measured.
    pub measured: Vec<bool>,
    /// Each block's top; one more entry holds the total height.
    pub tops: Vec<f32>,
    /// Blocks not yet measured.
    pub unmeasured: usize,
    /// Where the measuring pass goes on.
    pub next_to_measure: usize,
    /// How many blocks at the top are the news header (date, credit and
    /// the blank lines between), drawn as metadata.
    pub meta_blocks: usize,
    width: f32,
    font_size: f32,
    dark: bool,
}

impl Layout {
    /// The layout of an article's text.
    #[must_use]
    pub fn new(article: ArticleId, hash: ContentHash, text: &Text) -> Self {
        let blocks = blocks_of(text);
        let n = blocks.len();
        let body = crate::io::article::parse_news_header(text.as_str()).body_start;
        let meta_blocks = if body == 0 {
            0
        } else {
            blocks.iter().take_while(|b| b.byte_end < body).count()
        };
        Self {
            article,
            hash,
            blocks,
            heights: vec![0.0; n],
            measured: vec![false; n],
            tops: vec![0.0; n + 1],
            unmeasured: n,
            next_to_measure: 0,
            meta_blocks,
            width: 0.0,
            font_size: 0.0,
            dark: false,
        }
    }

    /// Resets measurements when the width, font or theme changed; heights
    /// are re-estimated from `char_width`.
    pub fn set_geometry(&mut self, width: f32, font_size: f32, dark: bool, char_width: f32) {
        if (self.width - width).abs() < 0.5
            && (self.font_size - font_size).abs() < 0.01
            && self.dark == dark
        {
            return;
        }
        self.width = width;
        self.font_size = font_size;
        self.dark = dark;
        let row = line_height(font_size);
        let per_row = (width / char_width).max(1.0);
        for (i, b) in self.blocks.iter().enumerate() {
            let n = (b.end - b.start) as f32;
            self.heights[i] = if n == 0.0 {
                gap_height(font_size)
            } else {
                (n / per_row).ceil().max(1.0) * row
            };
            self.measured[i] = false;
        }
        self.unmeasured = self.blocks.len();
        self.next_to_measure = 0;
        self.recompute_tops();
    }

    /// Forgets the measurements (heights stay as they are, to be measured
    /// again).
    pub fn forget_heights(&mut self) {
        self.measured.iter_mut().for_each(|m| *m = false);
        self.unmeasured = self.blocks.len();
        self.next_to_measure = 0;
    }

    /// Records a measured height; the change when it differed from the
    /// estimate.
    pub fn measure(&mut self, i: usize, h: f32) -> Option<f32> {
        if self.measured[i] {
            return None;
        }
        self.measured[i] = true;
        self.unmeasured -= 1;
        let delta = h - self.heights[i];
        if delta.abs() > 0.1 {
            self.heights[i] = h;
            Some(delta)
        } else {
            None
        }
    }

    /// Recomputes every block's top from the heights.
    pub fn recompute_tops(&mut self) {
        let mut y = 0.0;
        for (i, h) in self.heights.iter().enumerate() {
            self.tops[i] = y;
            y += h;
        }
        let n = self.heights.len();
        self.tops[n] = y;
    }

    /// The height of the whole text.
    #[must_use]
    pub fn total_height(&self) -> f32 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    /// Index of the block at content height `y`.
    #[must_use]
    pub fn block_at_y(&self, y: f32) -> usize {
        let i = self.tops.partition_point(|&t| t <= y);
        i.saturating_sub(1).min(self.blocks.len().saturating_sub(1))
    }

    /// Index of the block containing char offset `c` (a newline belongs to
    /// the block before it).
    #[must_use]
    pub fn block_of(&self, c: usize) -> usize {
        let i = self.blocks.partition_point(|b| b.start <= c);
        i.saturating_sub(1)
    }

    /// The length of the text in chars.
    #[must_use]
    pub fn char_len(&self) -> usize {
        self.blocks.last().map_or(0, |b| b.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_news_header_lines_are_metadata_blocks() {
        let t = Text::new(
            " date 2022-01-14 posted on 01/13/2022 9:05 PM\n\n(credit: Ana/AFP)\n\nBody (credit: not this).\n",
        );
        let l = Layout::new(ArticleId(1), ContentHash::of(t.as_str()), &t);
        assert_eq!(l.meta_blocks, 4, "date, blank, credit, blank");
        let plain = Text::new("Just a body.\n(credit: x)\n");
        let l = Layout::new(ArticleId(2), ContentHash::of(plain.as_str()), &plain);
        assert_eq!(l.meta_blocks, 0);
    }

    #[test]
    fn blocks_cover_the_text_between_line_breaks() {
        let t = Text::new("Zoë said\n\nhi\n");
        let b = blocks_of(&t);
        assert_eq!(
            b.iter().map(|b| (b.start, b.end)).collect::<Vec<_>>(),
            vec![(0, 8), (9, 9), (10, 12), (13, 13)]
        );
        assert_eq!(&t.as_str()[b[0].byte_start..b[0].byte_end], "Zoë said");
        let l = Layout::new(ArticleId(1), ContentHash::of(t.as_str()), &t);
        assert_eq!(l.block_of(9), 1);
        assert_eq!(l.block_of(8), 0);
        assert_eq!(l.char_len(), 13);
    }

    #[test]
    fn estimates_then_measures() {
        let t = Text::new("a long line of text here\nshort");
        let mut l = Layout::new(ArticleId(1), ContentHash::of(t.as_str()), &t);
        l.set_geometry(100.0, 10.0, false, 10.0);
        assert!((l.heights[0] - 3.0 * line_height(10.0)).abs() < 1e-3);
        assert_eq!(l.measure(0, 20.0), Some(20.0 - 3.0 * line_height(10.0)));
        assert_eq!(l.measure(0, 20.0), None);
        l.recompute_tops();
        assert_eq!(l.block_at_y(21.0), 1);
        assert_eq!(l.unmeasured, 1);
    }
}
