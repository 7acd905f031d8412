//! The reading view: the product's core widget.
//!
//! An article is laid out one block (line of text) at a time, only the
//! visible blocks are laid out and painted each frame, and the heights of
//! the others are estimated until a time-budgeted pass has measured them.
//! Selection is kept in document char offsets, so it crosses paragraphs;
//! highlights are painted under the text from the passages' spans, so
//! changing a tag never re-lays out text.
//!
//! - [`layout`]: blocks and their heights (pure);
//! - [`highlights`]: passages as coloured layers, indexed by block (pure);
//! - [`geometry`]: the one mapping between screen positions and chars;
//! - `input.rs`: mouse and keyboard; [`paint`]: drawing a block;
//! - [`selection`]: the selection and the handles of a picked passage.

pub mod bidi;
pub mod geometry;
pub mod highlights;
mod input;
pub mod layout;
pub mod paint;
pub mod selection;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::text::{LayoutJob, TextWrapping};
use egui::{Color32, FontId, Pos2, Sense, TextFormat, vec2};

use self::geometry::{BidiBlock, BlockView, Painted};
use self::highlights::Highlights;
use self::layout::{Block, Layout, gap_height, line_height};
pub use self::selection::{Handle, Selection};
use crate::model::{AnnotationId, Article, Project, Span};

/// Widest text column, in points at zoom 1.
const MAX_COLUMN: f32 = 720.0;
/// Base reading font size, in points.
pub const BASE_FONT: f32 = 17.0;
/// Size of the news header's metadata lines, relative to the text.
const META_SCALE: f32 = 0.8;
/// Time the background measuring pass may take per frame.
const MEASURE_BUDGET: Duration = Duration::from_millis(3);

/// What the reading view asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ReaderEvent {
    /// The user clicked a passage.
    SelectAnnotation(Option<AnnotationId>),
    /// The user dragged a handle of the selected passage to new bounds.
    MoveAnnotation(AnnotationId, Span),
}

/// The reading view's state for the open article.
#[derive(Default)]
pub struct Reader {
    layout: Option<Layout>,
    highlights: Highlights,
    /// The current selection, if any.
    pub selection: Option<Selection>,
    /// The passage the user picked, if any.
    pub selected_annotation: Option<AnnotationId>,
    /// Font size multiplier (Ctrl+plus/minus).
    pub zoom: f32,
    painted: Vec<Painted>,
    dragging: bool,
    handle_drag: Option<(Handle, Span)>,
    scroll_adjust: f32,
    /// A char to scroll to, and how far below the top of the view to put
    /// its line.
    scroll_to: Option<(usize, f32)>,
    last_offset: f32,
    preferred_x: Option<f32>,
    /// True when the view has keyboard focus (no text field has it).
    pub focused: bool,
    /// The widget id of the text area.
    pub area_id: Option<egui::Id>,
    /// Matches of the find bar, highlighted.
    pub find: Vec<Span>,
    /// Analysts being compared (the Team tab): their passages in lanes of
    /// underlines, in this order; `None` shows every passage as usual.
    pub lanes: Option<Vec<String>>,
    /// The current find match.
    pub find_current: Option<usize>,
    /// Take the keyboard on the next frame (an article was just opened).
    pub want_focus: bool,
    /// Height of the visible part of the text, for paging.
    view_height: f32,
    /// Bidi layouts of the blocks painted last frame, and what they were
    /// laid out for (article, text, column width, font size, theme).
    bidi_cache: (BidiKey, HashMap<usize, Arc<bidi::Lines>>),
}

/// What bidi layouts were made for: article, text, column width, font
/// size, theme, and how many fonts egui had found (a new fallback font
/// changes widths).
type BidiKey = Option<(
    crate::model::ArticleId,
    crate::model::ContentHash,
    u32,
    u32,
    bool,
    usize,
)>;

/// True when some widget other than the reading view has keyboard focus (a
/// text field, say), so plain keys are typing, not commands.
#[must_use]
pub fn typing_elsewhere(ctx: &egui::Context, reader: Option<egui::Id>) -> bool {
    ctx.memory(egui::Memory::focused)
        .is_some_and(|id| Some(id) != reader)
}

impl Reader {
    /// A fresh reader.
    #[must_use]
    pub fn new() -> Self {
        Self {
            zoom: 1.0,
            ..Self::default()
        }
    }

    /// Forgets the article (e.g. when another one opens).
    pub fn reset(&mut self) {
        self.layout = None;
        self.highlights = Highlights::default();
        self.selection = None;
        self.selected_annotation = None;
        self.painted.clear();
        self.dragging = false;
        self.handle_drag = None;
        self.scroll_adjust = 0.0;
        self.scroll_to = None;
        self.preferred_x = None;
        self.want_focus = true;
        self.bidi_cache.1.clear();
    }

    /// Scrolls by `dy` points (down when positive) on the next frame.
    pub fn scroll_by(&mut self, dy: f32) {
        self.scroll_adjust += dy;
    }

    /// Forgets every measured paragraph height, as a new width or zoom does
    /// (for benchmarks of frames while heights are being measured).
    pub fn forget_heights(&mut self) {
        if let Some(l) = self.layout.as_mut() {
            l.forget_heights();
        }
    }

    /// Scrolls so that char offset `c` is visible on the next frame.
    pub fn reveal(&mut self, c: usize) {
        self.scroll_to = Some((c, 80.0));
    }

    /// Scrolls so that the line of char offset `c` is at the top of the
    /// view (where reading stopped).
    pub fn scroll_to_top(&mut self, c: usize) {
        self.scroll_to = Some((c, 0.0));
    }

    /// The first char of the first line in view, if the text was drawn.
    #[must_use]
    pub fn top_char(&self) -> Option<usize> {
        let layout = self.layout.as_ref()?;
        let p = self.painted.first()?;
        Some(layout.blocks[p.block].start)
    }

    /// The selected text span, if non-empty.
    #[must_use]
    pub fn selected_span(&self) -> Option<Span> {
        self.selection
            .map(Selection::span)
            .filter(|s| !s.is_empty())
    }

    /// The font size in use.
    #[must_use]
    pub fn font_size(&self) -> f32 {
        BASE_FONT * self.zoom
    }

    /// The vertical scroll position of the text, in points.
    #[must_use]
    pub fn scroll_offset(&self) -> f32 {
        self.last_offset
    }

    /// True while blocks remain to be measured (the view will repaint).
    #[must_use]
    pub fn is_measuring(&self) -> bool {
        self.layout.as_ref().is_some_and(|l| l.unmeasured > 0)
    }

    /// Screen position of char offset `c` (the middle of the caret there), if
    /// it was painted in the last frame. Used by tests to aim the mouse.
    #[must_use]
    pub fn screen_pos(&self, c: usize) -> Option<Pos2> {
        let layout = self.layout.as_ref()?;
        let b = layout.block_of(c);
        let p = self.painted.iter().find(|p| p.block == b)?;
        let local = c - layout.blocks[b].start;
        Some(p.origin + p.view.caret_rect(local).center().to_vec2())
    }

    /// The blocks painted in the last frame: their first char, where they
    /// are, and the text their galley shows (for tests that check what is
    /// drawn against what is stored).
    #[must_use]
    pub fn painted_blocks(&self) -> Vec<(usize, Pos2, String)> {
        let Some(layout) = self.layout.as_ref() else {
            return Vec::new();
        };
        self.painted
            .iter()
            .map(|p| {
                (
                    layout.blocks[p.block].start,
                    p.origin,
                    p.view.text().to_owned(),
                )
            })
            .collect()
    }

    /// Every glyph drawn in the last frame with its screen rectangle, read
    /// from egui's layout (for tests).
    #[must_use]
    pub fn painted_glyphs(&self) -> Vec<(char, egui::Rect)> {
        self.painted
            .iter()
            .flat_map(|p| {
                p.view
                    .glyphs()
                    .into_iter()
                    .map(move |(c, r)| (c, r.translate(p.origin.to_vec2())))
            })
            .collect()
    }

    /// The screen rectangles covering chars `span` of the painted blocks, as
    /// the selection and highlights are drawn (for tests).
    #[must_use]
    pub fn span_rects(&self, span: Span) -> Vec<egui::Rect> {
        let Some(layout) = self.layout.as_ref() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for p in &self.painted {
            let b = layout.blocks[p.block];
            let lo = span.start().max(b.start);
            let hi = span.end().min(b.end);
            if lo < hi {
                out.extend(
                    p.view
                        .char_rects(lo - b.start, hi - b.start)
                        .into_iter()
                        .map(|r| r.translate(p.origin.to_vec2())),
                );
            }
        }
        out
    }

    /// Makes sure the layout is the open article's, with its current text: a
    /// new article or a new text (a re-sync, or undoing one) lays out anew,
    /// keeping the selection within the text.
    fn layout_for(&mut self, article: &Article) {
        let stale = self
            .layout
            .as_ref()
            .is_some_and(|l| l.article != article.id || l.hash != article.hash);
        if stale {
            let same_article = self
                .layout
                .as_ref()
                .is_some_and(|l| l.article == article.id);
            let keep = (self.selection, self.selected_annotation, self.find.clone());
            let focus = self.want_focus;
            self.reset();
            self.want_focus = focus || !same_article;
            if same_article {
                let len = article.text.char_len();
                self.selection = keep.0.map(|s| s.clamped(len));
                self.selected_annotation = keep.1;
                self.find = keep.2.into_iter().filter(|s| s.end() <= len).collect();
            }
        }
        if self.layout.is_none() {
            // Keeps a selection and scroll target set for this article
            // before its first frame (e.g. by a search result).
            self.layout = Some(Layout::new(article.id, article.hash.clone(), &article.text));
        }
    }

    /// Shows the article. `key` changes whenever the article's passages or
    /// the codebook change (the highlights are rebuilt then). Returns what
    /// the user asked for, and the text area's response (for its context
    /// menu).
    #[allow(
        clippy::too_many_lines,
        reason = "one frame of the view, top to bottom"
    )]
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        article: &Article,
        project: &Project,
        key: u64,
    ) -> (Vec<ReaderEvent>, Option<egui::Response>) {
        let mut events = Vec::new();
        self.layout_for(article);
        let font_size = self.font_size();
        let font = FontId::proportional(font_size);
        let dark = ui.visuals().dark_mode;
        // Reading text: near-black or near-white, stronger than egui's default
        // label grey, for long reading sessions.
        let text_colour = if dark {
            Color32::from_gray(225)
        } else {
            Color32::from_gray(28)
        };
        let char_width = ui.fonts_mut(|f| f.glyph_width(&font, 'n')).max(1.0) * 1.05;
        let avail = ui.available_width();
        let column = (MAX_COLUMN * self.zoom).min(avail - 32.0).max(120.0);
        let margin_x = ((avail - column) / 2.0).max(8.0);
        let Some(layout) = self.layout.as_mut() else {
            return (events, None);
        };
        layout.set_geometry(column, font_size, dark, char_width);
        self.highlights
            .refresh(project, article.id, layout, key, self.lanes.as_deref());

        // The news header's lines (` date … posted on …`, `(credit: …)`)
        // stay in the text, since offsets count them, but read as a quiet
        // metadata line, not as the article's first paragraphs.
        let meta_font = FontId::proportional(font_size * META_SCALE);
        let meta_colour = ui.visuals().weak_text_color();
        let meta_blocks = layout.meta_blocks;
        let format_of = |i: usize| -> TextFormat {
            let meta = i < meta_blocks;
            TextFormat {
                font_id: if meta {
                    meta_font.clone()
                } else {
                    font.clone()
                },
                color: if meta { meta_colour } else { text_colour },
                line_height: Some(line_height(if meta {
                    font_size * META_SCALE
                } else {
                    font_size
                })),
                ..TextFormat::default()
            }
        };
        let row_height_of = |i: usize| {
            line_height(if i < meta_blocks {
                font_size * META_SCALE
            } else {
                font_size
            })
        };
        let key = Some((
            article.id,
            layout.hash.clone(),
            column.to_bits(),
            font_size.to_bits(),
            dark,
            ui.fonts_mut(|f| f.discovered_fonts().len()),
        ));
        if self.bidi_cache.0 != key {
            self.bidi_cache = (key, HashMap::new());
        }
        let bidi_cache = &mut self.bidi_cache.1;
        let mut kept: HashMap<usize, Arc<bidi::Lines>> = HashMap::new();
        // A block's layout: egui's galley, or — with right-to-left text —
        // pieces placed in visual order (see `bidi`).
        let mut view_of = |ui: &egui::Ui, i: usize, b: &Block| -> BlockView {
            let text = &article.text.as_str()[b.byte_start..b.byte_end];
            if !bidi::needs_bidi(text) {
                let mut job = LayoutJob::single_section(text.to_owned(), format_of(i));
                job.wrap = TextWrapping::wrap_at_width(column);
                return BlockView::Plain(ui.fonts_mut(|f| f.layout_job(job)));
            }
            let format = format_of(i);
            let mut shape = |s: &str| {
                ui.fonts_mut(|f| {
                    f.layout_job(LayoutJob::single_section(s.to_owned(), format.clone()))
                })
            };
            let lines = bidi_cache
                .remove(&i)
                .unwrap_or_else(|| Arc::new(BidiBlock::lines(text, column, &mut shape)));
            kept.insert(i, lines.clone());
            BlockView::Bidi(Arc::new(BidiBlock::new(
                text,
                lines,
                column,
                row_height_of(i),
                &mut shape,
            )))
        };
        // A block's height, for the measuring pass (bidi blocks without
        // placing their pieces).
        let height_of = |ui: &egui::Ui, i: usize, b: &Block| -> f32 {
            let text = &article.text.as_str()[b.byte_start..b.byte_end];
            if bidi::needs_bidi(text) {
                let format = format_of(i);
                let rows = ui.fonts_mut(|f| {
                    bidi::row_count(text, column, &mut |s, _| {
                        f.layout_job(LayoutJob::single_section(s.to_owned(), format.clone()))
                            .size()
                            .x
                    })
                });
                rows as f32 * row_height_of(i)
            } else {
                let mut job = LayoutJob::single_section(text.to_owned(), format_of(i));
                job.wrap = TextWrapping::wrap_at_width(column);
                ui.fonts_mut(|f| f.layout_job(job)).size().y
            }
        };

        let mut scroll = egui::ScrollArea::vertical()
            .id_salt(("reader", article.id))
            .auto_shrink([false, false]);
        if let Some((c, margin)) = self.scroll_to.take() {
            let b = layout.block_of(c);
            scroll = scroll.vertical_scroll_offset((layout.tops[b] - margin).max(0.0));
        } else if self.scroll_adjust != 0.0 {
            // Clamped here: past either end, the scroll area would spring back.
            let max = (layout.total_height() + 48.0 - self.view_height).max(0.0);
            scroll = scroll
                .vertical_scroll_offset((self.last_offset + self.scroll_adjust).clamp(0.0, max));
        }
        self.scroll_adjust = 0.0;

        let mut painted = Vec::new();
        let mut heights_changed = false;
        let highlights = &self.highlights;
        let sel = self.selection;
        let picked = self.selected_annotation;
        let handle_drag = self.handle_drag;
        let focused = self.focused;
        let find = &self.find;
        let find_current = self.find_current.and_then(|i| self.find.get(i)).copied();
        let mut view_height = self.view_height;
        let out = scroll.show_viewport(ui, |ui, viewport| {
            view_height = viewport.height();
            let total = layout.total_height() + 48.0;
            let (rect, response) =
                ui.allocate_exact_size(vec2(ui.available_width(), total), Sense::click_and_drag());
            let text_origin = rect.min + vec2(margin_x, 24.0);
            let clip_painter = ui.painter_at(ui.clip_rect());
            let first_block = layout.block_at_y(viewport.min.y - 24.0);
            let mut y = layout.tops[first_block];
            let mut i = first_block;
            while i < layout.blocks.len() && y < viewport.max.y {
                let b = layout.blocks[i];
                let h = if b.is_empty() {
                    gap_height(font_size)
                } else {
                    let view = view_of(ui, i, &b);
                    let pos = text_origin + vec2(0.0, y);
                    paint::finds(&clip_painter, pos, &view, b, find, find_current);
                    paint::block(
                        &clip_painter,
                        pos,
                        &view,
                        &paint::Paint {
                            block: b,
                            index: i,
                            highlights,
                            selection: sel,
                            picked,
                            handle_drag,
                            focused,
                            dark,
                        },
                    );
                    let h = view.size().y;
                    painted.push(Painted {
                        block: i,
                        origin: pos,
                        view,
                    });
                    h
                };
                heights_changed |= layout.measure(i, h).is_some();
                y += h;
                i += 1;
            }
            response
        });
        // Keep the bidi layouts of the blocks painted (the next frame
        // likely paints them again); the others go.
        self.bidi_cache.1 = kept;
        self.last_offset = out.state.clamped_offset().y;
        self.view_height = view_height;
        let response = out.inner;
        let Some(layout) = self.layout.as_mut() else {
            return (events, None);
        };

        // Measure more blocks within the time budget, compensating the scroll
        // position for blocks above the view whose height changed.
        let first_visible = painted.first().map_or(0, |p| p.block);
        let started = Instant::now();
        while layout.unmeasured > 0 && started.elapsed() < MEASURE_BUDGET {
            let i = layout.next_to_measure;
            layout.next_to_measure = (i + 1) % layout.blocks.len().max(1);
            if layout.measured[i] {
                continue;
            }
            let b = layout.blocks[i];
            let h = if b.is_empty() {
                gap_height(font_size)
            } else {
                height_of(ui, i, &b)
            };
            if let Some(delta) = layout.measure(i, h) {
                heights_changed = true;
                if i < first_visible {
                    self.scroll_adjust += delta;
                }
            }
        }
        if heights_changed {
            layout.recompute_tops();
        }
        if layout.unmeasured > 0 || self.scroll_adjust != 0.0 {
            ui.ctx().request_repaint();
        }
        self.painted = painted;

        self.handle_pointer(ui, &response, &mut events);
        if response.clicked()
            || response.drag_started()
            || response.secondary_clicked()
            || std::mem::take(&mut self.want_focus)
        {
            response.request_focus();
        }
        self.update_focus(ui.ctx(), response.id);
        if self.focused {
            self.handle_keys(ui, article);
        }
        self.hover_tooltip(&response, project);
        (events, Some(response))
    }
}
