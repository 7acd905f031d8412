//! Where chars are on screen: the one mapping between what egui lays out
//! and char offsets into the article's text. Every caller — hit-testing,
//! selection and highlight painting, carets, handles, keyboard movement —
//! goes through [`BlockView`], so what is drawn and what is stored are
//! always the same chars. A block is either one egui galley (text without
//! right-to-left letters) or the bidi pieces of [`super::bidi`].

use std::sync::Arc;

use egui::text::{CCursor, CharIndex};
use egui::{Color32, Galley, Pos2, Rect, Vec2, pos2, vec2};

use super::bidi::Lines;
use super::layout::Layout;

/// A paragraph with right-to-left text: its pieces and their galleys.
pub struct BidiBlock {
    /// The rows of pieces (kept between frames while the fonts and width
    /// stay the same).
    pub lines: Arc<Lines>,
    /// Each piece's galley (shaped on its own, in one direction).
    pub galleys: Vec<Arc<Galley>>,
    /// The height of a row.
    pub row_height: f32,
    /// The wrap width.
    pub width: f32,
    /// The paragraph's text.
    pub text: String,
}

impl BidiBlock {
    /// The rows of pieces of `text` at `width`, measured with `layout` (a
    /// single-line job of a piece's text).
    pub fn lines(text: &str, width: f32, layout: &mut dyn FnMut(&str) -> Arc<Galley>) -> Lines {
        super::bidi::lay_out(text, width, &mut |s, _| layout(s).size().x)
    }

    /// The block for `lines`, shaping each piece with `layout` (galleys are
    /// fetched every frame: egui's cache keeps them valid when the font
    /// atlas is rebuilt).
    pub fn new(
        text: &str,
        lines: Arc<Lines>,
        width: f32,
        row_height: f32,
        layout: &mut dyn FnMut(&str) -> Arc<Galley>,
    ) -> Self {
        let galleys = lines
            .pieces
            .iter()
            .map(|p| layout(&p.display(text)))
            .collect();
        Self {
            lines,
            galleys,
            row_height,
            width,
            text: text.to_owned(),
        }
    }

    #[allow(
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation,
        reason = "clamped at zero; a row index"
    )]
    fn row_at(&self, y: f32) -> usize {
        let last = self.lines.rows.len().saturating_sub(1);
        ((y / self.row_height).floor().max(0.0) as usize).min(last)
    }

    fn row_rect(&self, r: usize, x0: f32, x1: f32) -> Rect {
        let y = r as f32 * self.row_height;
        Rect::from_min_max(pos2(x0, y), pos2(x1, y + self.row_height))
    }
}

/// How one block is laid out.
#[derive(Clone)]
pub enum BlockView {
    /// One egui galley (left-to-right text).
    Plain(Arc<Galley>),
    /// Pieces placed in visual order (text with right-to-left letters).
    Bidi(Arc<BidiBlock>),
}

impl BlockView {
    /// Its size.
    #[must_use]
    pub fn size(&self) -> Vec2 {
        match self {
            Self::Plain(g) => g.size(),
            Self::Bidi(b) => vec2(b.width, b.lines.rows.len() as f32 * b.row_height),
        }
    }

    /// Paints the text at `pos`.
    pub fn paint(&self, painter: &egui::Painter, pos: Pos2) {
        match self {
            Self::Plain(g) => painter.galley(pos, g.clone(), Color32::PLACEHOLDER),
            Self::Bidi(b) => {
                for (p, g) in b.lines.pieces.iter().zip(&b.galleys) {
                    let at = pos + vec2(p.x, p.row as f32 * b.row_height);
                    painter.galley(at, g.clone(), Color32::PLACEHOLDER);
                }
            }
        }
    }

    /// The text the block shows (what is drawn, in logical order).
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Self::Plain(g) => g.text(),
            Self::Bidi(b) => &b.text,
        }
    }

    /// Right-to-left paragraph (its rows right-aligned; arrow keys move
    /// the other way).
    #[must_use]
    pub fn is_rtl(&self) -> bool {
        matches!(self, Self::Bidi(b) if b.lines.rtl)
    }

    /// The char boundary (block-local) nearest to `pos` (relative to the
    /// block).
    #[must_use]
    pub fn char_at(&self, pos: Pos2) -> usize {
        match self {
            Self::Plain(g) => g.cursor_from_pos(pos.to_vec2()).index.0,
            Self::Bidi(b) => b.lines.char_at(b.row_at(pos.y), pos.x),
        }
    }

    /// The rectangles (relative to the block) that cover its chars `a..b`.
    #[must_use]
    pub fn char_rects(&self, a: usize, b: usize) -> Vec<Rect> {
        match self {
            Self::Plain(g) => char_rects(g, a, b),
            Self::Bidi(bb) => bb
                .lines
                .extents(a, b)
                .into_iter()
                .map(|(r, x0, x1)| bb.row_rect(r, x0, x1))
                .collect(),
        }
    }

    /// The caret's rectangle (relative to the block) before its char `c`.
    #[must_use]
    pub fn caret_rect(&self, c: usize) -> Rect {
        match self {
            Self::Plain(g) => g.pos_from_cursor(CCursor::new(c)),
            Self::Bidi(b) => {
                let r = b.lines.row_of(c);
                let x = b
                    .lines
                    .x_of(r, c)
                    .unwrap_or(if b.lines.rtl { b.width } else { 0.0 });
                b.row_rect(r, x, x)
            }
        }
    }

    /// The char the row above (`up`) or below `c`, keeping the horizontal
    /// position `x` (or `c`'s own); `None` when `c` is on the first (last)
    /// row. Returns the char and the horizontal position to keep.
    #[must_use]
    pub fn row_neighbour(
        &self,
        c: usize,
        up: bool,
        x: Option<f32>,
    ) -> (Option<usize>, Option<f32>) {
        match self {
            Self::Plain(g) => row_neighbour(g, c, up, x),
            Self::Bidi(b) => {
                let r = b.lines.row_of(c);
                let x = x.unwrap_or_else(|| self.caret_rect(c).min.x);
                let target = if up { r.checked_sub(1) } else { Some(r + 1) }
                    .filter(|&t| t < b.lines.rows.len());
                (target.map(|t| b.lines.char_at(t, x)), Some(x))
            }
        }
    }

    /// The char at horizontal position `x` on the first (`top`) or last row.
    #[must_use]
    pub fn char_on_edge_row(&self, x: f32, top: bool) -> usize {
        match self {
            Self::Plain(g) => char_on_edge_row(g, x, top),
            Self::Bidi(b) => {
                let r = if top {
                    0
                } else {
                    b.lines.rows.len().saturating_sub(1)
                };
                b.lines.char_at(r, x)
            }
        }
    }

    /// The logical start (or `end`) of the row holding char `c`.
    #[must_use]
    pub fn row_edge(&self, c: usize, end: bool) -> usize {
        match self {
            Self::Plain(g) => row_edge(g, c, end),
            Self::Bidi(b) => {
                let row = &b.lines.rows[b.lines.row_of(c)];
                if end { row.end } else { row.start }
            }
        }
    }

    /// True when `pos` (relative to the block) lies on its text, not in the
    /// margin beside a short line.
    #[must_use]
    pub fn over_text(&self, pos: Pos2) -> bool {
        match self {
            Self::Plain(g) => over_text(g, pos),
            Self::Bidi(b) => b.lines.pieces.iter().any(|p| {
                b.row_rect(p.row, p.x, p.x + p.width)
                    .expand(2.0)
                    .contains(pos)
            }),
        }
    }

    /// Every glyph drawn, with its rectangle (relative to the block), read
    /// straight from egui's layout — for tests that check what is drawn
    /// without going through this module's own mapping.
    #[must_use]
    pub fn glyphs(&self) -> Vec<(char, Rect)> {
        match self {
            Self::Plain(g) => glyphs(g),
            Self::Bidi(b) => b
                .lines
                .pieces
                .iter()
                .zip(&b.galleys)
                .flat_map(|(p, g)| {
                    let off = vec2(p.x, p.row as f32 * b.row_height);
                    glyphs(g)
                        .into_iter()
                        .map(move |(c, r)| (c, r.translate(off)))
                })
                .collect(),
        }
    }
}

/// A block painted this frame: where, and how it is laid out.
#[derive(Clone)]
pub struct Painted {
    /// The block's index.
    pub block: usize,
    /// The galley's top-left corner on screen.
    pub origin: Pos2,
    /// How the block is laid out.
    pub view: BlockView,
}

impl Painted {
    fn distance(&self, pos: Pos2) -> f32 {
        let r = Rect::from_min_size(self.origin, self.view.size());
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
    let local = p.view.char_at((pos - p.origin).to_pos2());
    let local = super::bidi::snap_to_grapheme(p.view.text(), local.min(block.end - block.start));
    Some(block.start + local)
}

/// The rectangles (relative to the galley) that cover its chars `a..b`.
#[must_use]
fn char_rects(galley: &Galley, a: usize, b: usize) -> Vec<Rect> {
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

/// The galley's char the row above (`up`) or below `c`, keeping the
/// horizontal position `x` (or `c`'s own); `None` when `c` is on the first
/// (last) row. Returns the char and the horizontal position to keep.
#[must_use]
fn row_neighbour(
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
fn char_on_edge_row(galley: &Galley, x: f32, top: bool) -> usize {
    let y = if top { 1.0 } else { galley.size().y - 1.0 };
    galley.cursor_from_pos(vec2(x, y)).index.0
}

/// The start (or `end`) of the row holding the galley's char `c`.
#[must_use]
fn row_edge(galley: &Galley, c: usize, end: bool) -> usize {
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
fn over_text(galley: &Galley, pos: Pos2) -> bool {
    galley
        .rows
        .iter()
        .any(|r| r.rect().expand(2.0).contains(pos))
}

/// Every glyph the galley draws, with its rectangle (relative to the
/// galley), read straight from egui's layout — for tests that check what is
/// drawn without going through this module's own mapping.
#[must_use]
fn glyphs(galley: &Galley) -> Vec<(char, Rect)> {
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
