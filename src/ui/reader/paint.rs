//! Painting one block of the reading view: find matches, passage bands and
//! stacked underlines, the selection, the text, the picked passage's outline
//! and handles, and the caret — every rectangle from `geometry`.

use egui::{Color32, Pos2, Stroke, pos2};

use super::geometry::BlockView;
use super::highlights::Highlights;
use super::layout::Block;
use super::selection::{Handle, Selection};
use crate::model::{AnnotationId, Span};

/// What a block is painted with.
pub struct Paint<'a> {
    /// The block.
    pub block: Block,
    /// Its index.
    pub index: usize,
    /// The article's highlights.
    pub highlights: &'a Highlights,
    /// The selection.
    pub selection: Option<Selection>,
    /// The picked passage.
    pub picked: Option<AnnotationId>,
    /// A handle being dragged, with the passage's new bounds.
    pub handle_drag: Option<(Handle, Span)>,
    /// Whether the view has keyboard focus (the caret shows).
    pub focused: bool,
    /// Dark theme.
    pub dark: bool,
}

fn colour([r, g, b]: [u8; 3]) -> Color32 {
    Color32::from_rgb(r, g, b)
}

fn darker(c: Color32) -> Color32 {
    let d = |v: u8| (u16::from(v) * 7 / 10) as u8;
    Color32::from_rgb(d(c.r()), d(c.g()), d(c.b()))
}

/// Paints a block's galley at `pos` with everything over and under it.
pub fn block(painter: &egui::Painter, pos: Pos2, view: &BlockView, p: &Paint<'_>) {
    let b = p.block;
    let local = |s: Span| -> Option<(usize, usize)> {
        let lo = s.start().max(b.start);
        let hi = s.end().min(b.end);
        (lo < hi).then(|| (lo - b.start, hi - b.start))
    };
    let band_alpha = if p.dark { 0.42 } else { 0.55 };
    let hl: Vec<_> = p.highlights.in_block(p.index).collect();
    // Bands: each passage blends its first tag's colour over the text.
    for h in &hl {
        if let (Some((lo, hi)), Some(c)) = (local(h.span), h.colours.first()) {
            for r in view.char_rects(lo, hi) {
                painter.rect_filled(
                    r.translate(pos.to_vec2()),
                    2.0,
                    colour(*c).gamma_multiply(band_alpha / (1.0 + h.layer as f32 * 0.5)),
                );
            }
        }
    }
    // Selection above the bands (not when it is just the picked passage,
    // which gets an outline instead).
    let picked_span = p
        .picked
        .and_then(|id| hl.iter().find(|h| h.id == id))
        .map(|h| h.span);
    if let Some(s) = p.selection
        && Some(s.span()) != picked_span
        && let Some((lo, hi)) = local(s.span())
    {
        let c = if p.dark {
            Color32::from_rgba_unmultiplied(90, 140, 230, 110)
        } else {
            Color32::from_rgba_unmultiplied(60, 120, 230, 80)
        };
        for r in view.char_rects(lo, hi) {
            painter.rect_filled(r.translate(pos.to_vec2()), 0.0, c);
        }
    }
    // Stacked underlines: one per layer, one segment per tag colour.
    for h in &hl {
        if let Some((lo, hi)) = local(h.span) {
            for r in view.char_rects(lo, hi) {
                let r = r.translate(pos.to_vec2());
                let y = r.max.y - 2.0 - h.layer as f32 * 3.5;
                let n = h.colours.len().max(1) as f32;
                let w = r.width() / n;
                for (k, c) in h.colours.iter().enumerate() {
                    let x0 = r.min.x + w * k as f32;
                    let strong = if p.dark {
                        colour(*c)
                    } else {
                        darker(colour(*c))
                    };
                    painter.line_segment([pos2(x0, y), pos2(x0 + w, y)], Stroke::new(2.0, strong));
                }
            }
        }
    }
    view.paint(painter, pos);
    // The picked passage: outline and drag handles at its ends.
    if let Some(id) = p.picked
        && let Some(h) = hl.iter().find(|h| h.id == id)
    {
        let span = match p.handle_drag {
            Some((_, s)) => s,
            None => h.span,
        };
        let stroke_c = if p.dark {
            Color32::WHITE
        } else {
            Color32::from_gray(30)
        };
        if let Some((lo, hi)) = local(span) {
            for r in view.char_rects(lo, hi) {
                painter.rect_stroke(
                    r.translate(pos.to_vec2()).expand(1.0),
                    2.0,
                    Stroke::new(1.5, stroke_c),
                    egui::StrokeKind::Outside,
                );
            }
        }
        for (c, top) in [(span.start(), true), (span.end(), false)] {
            if c >= b.start && c <= b.end && !(c == b.end && top) {
                let r = view.caret_rect(c - b.start).translate(pos.to_vec2());
                let knob = if top { r.min } else { r.max };
                painter.line_segment([r.min, r.max], Stroke::new(2.0, stroke_c));
                painter.circle_filled(knob, 4.5, stroke_c);
            }
        }
    }
    // The caret, when nothing is selected.
    if p.focused
        && let Some(s) = p.selection
        && s.anchor == s.cursor
        && s.cursor >= b.start
        && s.cursor <= b.end
    {
        let r = view.caret_rect(s.cursor - b.start).translate(pos.to_vec2());
        let c = if p.dark {
            Color32::WHITE
        } else {
            Color32::BLACK
        };
        painter.line_segment([r.min, r.max], Stroke::new(1.5, c));
    }
}

/// Find-bar matches: an amber band under everything else, the current one
/// with an outline.
pub fn finds(
    painter: &egui::Painter,
    pos: Pos2,
    view: &BlockView,
    b: Block,
    finds: &[Span],
    current: Option<Span>,
) {
    let first = finds.partition_point(|s| s.end() <= b.start);
    for s in finds[first..].iter().take_while(|s| s.start() <= b.end) {
        let lo = s.start().max(b.start);
        let hi = s.end().min(b.end);
        if lo >= hi {
            continue;
        }
        for r in view.char_rects(lo - b.start, hi - b.start) {
            let r = r.translate(pos.to_vec2()).expand(1.0);
            painter.rect_filled(r, 2.0, Color32::from_rgba_unmultiplied(255, 170, 0, 110));
            if Some(*s) == current {
                painter.rect_stroke(
                    r,
                    2.0,
                    Stroke::new(2.0, Color32::from_rgb(230, 120, 0)),
                    egui::StrokeKind::Outside,
                );
            }
        }
    }
}
