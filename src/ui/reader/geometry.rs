//! Where chars are on screen: the one mapping between the galleys egui lays
//! out and char offsets into the article's text. Every caller — hit-testing,
//! selection and highlight painting, carets, handles, keyboard movement —
//! goes through these functions, so what is drawn and what is stored are
//! always the same chars.

use std::sync::Arc;

use egui::text::{CCursor, CharIndex};
use egui::{Galley, Pos2, Rect, pos2, vec2};

use super::layout::Layout;

/// A block painted this frame: where, and its galley.
#[derive(Clone)]
pub struct Painted {
    /// The block's index.
    pub block: usize,
    /// The galley's top-left corner on screen.
    pub origin: Pos2,
    /// The laid-out text of the block.
    pub galley: Arc<Galley>,
}

impl Painted {
    fn distance(&self, pos: Pos2) -> f32 {
        let r = Rect::from_min_size(self.origin, self.galley.size());
        if pos.y < r.min.y {
            r.min.y - pos.y
        } else if pos.y > r.max.y {
            pos.y - r.max.y
        } else {
            0.0
        }
    }
}

/// The char offset under screen position `pos`: in the painted block under
/// it, or the nearest one.
#[must_use]
pub fn char_at(painted: &[Painted], layout: &Layout, pos: Pos2) -> Option<usize> {
    let p = painted
        .iter()
        .min_by(|a, b| a.distance(pos).total_cmp(&b.distance(pos)))?;
    let block = layout.blocks[p.block];
    let c = p.galley.cursor_from_pos(pos - p.origin);
    Some(block.start + c.index.0.min(block.end - block.start))
}

/// The rectangles (relative to the galley) that cover its chars `a..b`.
#[must_use]
pub fn char_rects(galley: &Galley, a: usize, b: usize) -> Vec<Rect> {
    let mut out = Vec::new();
    let mut row_start = 0;
    for row in &galley.rows {
        let n = row.char_count_excluding_newline().0;
        let row_end = row_start + n;
        let lo = a.max(row_start);
        let hi = b.min(row_end);
        if lo < hi || (lo == hi && a < b && lo == row_start && b > row_end) {
            let x0 = row.pos.x + row.x_offset(CharIndex(lo - row_start));
            let x1 = row.pos.x + row.x_offset(CharIndex(hi - row_start));
            let r = row.rect();
            out.push(Rect::from_min_max(pos2(x0, r.min.y), pos2(x1, r.max.y)));
        }
        row_start = row_end + usize::from(row.ends_with_newline);
    }
    out
}

/// The caret's rectangle (relative to the galley) before its char `c`.
#[must_use]
pub fn caret_rect(galley: &Galley, c: usize) -> Rect {
    galley.pos_from_cursor(CCursor::new(c))
}

/// The galley's char the row above (`up`) or below `c`, keeping the
/// horizontal position `x` (or `c`'s own); `None` when `c` is on the first
/// (last) row. Returns the char and the horizontal position to keep.
#[must_use]
pub fn row_neighbour(
    galley: &Galley,
    c: usize,
    up: bool,
    x: Option<f32>,
) -> (Option<usize>, Option<f32>) {
    let cur = CCursor::new(c);
    let row = galley.layout_from_cursor(cur).row;
    let (next, x) = if up {
        galley.cursor_up_one_row(&cur, x)
    } else {
        galley.cursor_down_one_row(&cur, x)
    };
    let at_edge = if up {
        row == 0
    } else {
        row + 1 >= galley.rows.len()
    };
    ((!at_edge).then_some(next.index.0), x)
}

/// The galley's char at horizontal position `x` on its first (`top`) or last
/// row.
#[must_use]
pub fn char_on_edge_row(galley: &Galley, x: f32, top: bool) -> usize {
    let y = if top { 1.0 } else { galley.size().y - 1.0 };
    galley.cursor_from_pos(vec2(x, y)).index.0
}

/// The start (or `end`) of the row holding the galley's char `c`.
#[must_use]
pub fn row_edge(galley: &Galley, c: usize, end: bool) -> usize {
    let cur = CCursor::new(c);
    let n = if end {
        galley.cursor_end_of_row(&cur)
    } else {
        galley.cursor_begin_of_row(&cur)
    };
    n.index.0
}

/// True when `pos` (relative to the galley) lies on one of its rows of text,
/// not in the margin beside a short line.
#[must_use]
pub fn over_text(galley: &Galley, pos: Pos2) -> bool {
    galley
        .rows
        .iter()
        .any(|r| r.rect().expand(2.0).contains(pos))
}

/// The text the galley shows (what is drawn), for tests that compare it with
/// what is stored.
#[must_use]
pub fn drawn_text(galley: &Galley) -> String {
    galley.text().to_owned()
}

/// Every glyph the galley draws, with its rectangle (relative to the
/// galley), read straight from egui's layout — for tests that check what is
/// drawn without going through this module's own mapping.
#[must_use]
pub fn glyphs(galley: &Galley) -> Vec<(char, Rect)> {
    galley
        .rows
        .iter()
        .flat_map(|row| {
            row.glyphs
                .iter()
                .map(move |g| (g.chr, g.logical_rect().translate(row.pos.to_vec2())))
        })
        .collect()
}
