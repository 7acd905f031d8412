//! The reading view: the product's core widget.
//!
//! An article is laid out one line (paragraph) at a time, only the visible
//! lines are laid out and painted each frame, and the heights of the others
//! are estimated until a time-budgeted pass has measured them. Selection is
//! kept in document char offsets, so it crosses paragraphs; highlights are
//! painted under the text from the annotations' spans, so changing a tag never
//! re-lays out text.
//!
//! Char offsets are converted to and from egui's [`CCursor`] in exactly one
//! place each: [`Layout::offset_at`] and [`row_rects`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::text::{CCursor, CharIndex, LayoutJob, TextWrapping};
use egui::{Color32, FontId, Galley, Pos2, Rect, Sense, Stroke, TextFormat, Vec2, pos2, vec2};

use crate::model::{AnnotationId, Article, ArticleId, Project, Span, TagId};

/// Widest text column, in points at zoom 1.
const MAX_COLUMN: f32 = 720.0;
/// Base reading font size, in points.
pub const BASE_FONT: f32 = 17.0;
/// Time the background measuring pass may take per frame.
const MEASURE_BUDGET: Duration = Duration::from_millis(3);

/// A line of the text: a paragraph, a heading, or an empty line.
#[derive(Clone, Copy, Debug)]
struct Block {
    start: usize,
    end: usize,
    byte_start: usize,
    byte_end: usize,
}

/// The selection: `anchor` stays, `cursor` moves; both are char offsets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends (the caret).
    pub cursor: usize,
}

impl Selection {
    /// A caret at `at`.
    #[must_use]
    pub fn caret(at: usize) -> Self {
        Self {
            anchor: at,
            cursor: at,
        }
    }

    /// The selected span (possibly empty).
    #[must_use]
    pub fn span(self) -> Span {
        Span::between(self.anchor, self.cursor)
    }
}

/// One highlighted passage, ready to paint.
#[derive(Clone, Debug)]
struct Highlight {
    id: AnnotationId,
    span: Span,
    colours: Vec<Color32>,
    layer: usize,
}

/// Per-article layout state: blocks, their heights and the highlight index.
struct Layout {
    article: ArticleId,
    blocks: Vec<Block>,
    heights: Vec<f32>,
    measured: Vec<bool>,
    tops: Vec<f32>,
    unmeasured: usize,
    next_to_measure: usize,
    width: f32,
    font_size: f32,
    dark: bool,
    highlights: Vec<Highlight>,
    /// Indexes into `highlights` overlapping each block.
    by_block: Vec<Vec<u32>>,
    highlights_for: u64,
}

impl Layout {
    fn new(article: &Article) -> Self {
        let text = article.text.as_str();
        let mut blocks = Vec::new();
        let mut char_pos = 0;
        let mut byte_pos = 0;
        for line in text.split('\n') {
            let chars = if article.text.is_ascii() {
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
        let n = blocks.len();
        Self {
            article: article.id,
            blocks,
            heights: vec![0.0; n],
            measured: vec![false; n],
            tops: vec![0.0; n + 1],
            unmeasured: n,
            next_to_measure: 0,
            width: 0.0,
            font_size: 0.0,
            dark: false,
            highlights: Vec::new(),
            by_block: vec![Vec::new(); n],
            highlights_for: u64::MAX,
        }
    }

    /// Resets measurements when the width, font or theme changed; heights
    /// are re-estimated.
    fn set_geometry(&mut self, width: f32, font_size: f32, dark: bool, char_width: f32) {
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

    fn recompute_tops(&mut self) {
        let mut y = 0.0;
        for (i, h) in self.heights.iter().enumerate() {
            self.tops[i] = y;
            y += h;
        }
        let n = self.heights.len();
        self.tops[n] = y;
    }

    fn total_height(&self) -> f32 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    /// Index of the block at content height `y`.
    fn block_at_y(&self, y: f32) -> usize {
        let i = self.tops.partition_point(|&t| t <= y);
        i.saturating_sub(1).min(self.blocks.len().saturating_sub(1))
    }

    /// Index of the block containing char offset `c` (a newline belongs to
    /// the block before it).
    fn block_of(&self, c: usize) -> usize {
        let i = self.blocks.partition_point(|b| b.start <= c);
        i.saturating_sub(1)
    }

    fn rebuild_highlights(&mut self, project: &Project, state: u64) {
        if self.highlights_for == state {
            return;
        }
        self.highlights_for = state;
        let mut items: Vec<(AnnotationId, Span, Vec<TagId>)> = project
            .annotations_of(self.article)
            .map(|a| (a.id, a.span, a.tags.iter().copied().collect()))
            .collect();
        items.sort_by_key(|(id, span, _)| (span.start(), std::cmp::Reverse(span.end()), *id));
        // Greedy interval colouring: each passage gets the lowest layer free
        // at its start, so overlapping passages get distinct underlines.
        let mut layer_ends: Vec<usize> = Vec::new();
        self.highlights = items
            .into_iter()
            .map(|(id, span, tags)| {
                let layer = layer_ends
                    .iter()
                    .position(|&end| end <= span.start())
                    .unwrap_or(layer_ends.len());
                if layer == layer_ends.len() {
                    layer_ends.push(span.end());
                } else {
                    layer_ends[layer] = span.end();
                }
                let colours = tags
                    .iter()
                    .filter_map(|t| project.codebook().get(*t))
                    .map(|t| {
                        let [r, g, b] = t.props.colour.0;
                        Color32::from_rgb(r, g, b)
                    })
                    .collect();
                Highlight {
                    id,
                    span,
                    colours,
                    layer,
                }
            })
            .collect();
        for v in &mut self.by_block {
            v.clear();
        }
        for (i, h) in self.highlights.iter().enumerate() {
            let first = self.block_of(h.span.start());
            let last = self.block_of(h.span.end().saturating_sub(1));
            for b in first..=last.max(first) {
                if let Some(v) = self.by_block.get_mut(b) {
                    v.push(i as u32);
                }
            }
        }
    }
}

fn line_height(font_size: f32) -> f32 {
    (font_size * 1.55).round()
}

fn gap_height(font_size: f32) -> f32 {
    (font_size * 0.6).round()
}

/// What the reading view asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ReaderEvent {
    /// The user clicked a passage.
    SelectAnnotation(Option<AnnotationId>),
    /// The user dragged a handle of the selected passage to new bounds.
    MoveAnnotation(AnnotationId, Span),
}

/// A block painted this frame, kept for hit-testing and tests.
#[derive(Clone)]
struct Painted {
    block: usize,
    origin: Pos2,
    galley: Arc<Galley>,
}

/// Which end of the selected passage is being dragged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Handle {
    Start,
    End,
}

/// The reading view's state for the open article.
#[derive(Default)]
pub struct Reader {
    layout: Option<Layout>,
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
    scroll_to: Option<usize>,
    last_offset: f32,
    preferred_x: Option<f32>,
    /// True when the view has keyboard focus (no text field has it).
    pub focused: bool,
    /// The widget id of the text area.
    pub area_id: Option<egui::Id>,
    /// Matches of the find bar, highlighted.
    pub find: Vec<Span>,
    /// The current find match.
    pub find_current: Option<usize>,
}

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
        self.selection = None;
        self.selected_annotation = None;
        self.painted.clear();
        self.dragging = false;
        self.handle_drag = None;
        self.scroll_adjust = 0.0;
        self.scroll_to = None;
        self.preferred_x = None;
    }

    /// Scrolls so that char offset `c` is visible on the next frame.
    pub fn reveal(&mut self, c: usize) {
        self.scroll_to = Some(c);
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
        let r = p.galley.pos_from_cursor(CCursor::new(local));
        Some(p.origin + r.center().to_vec2())
    }

    /// Shows the article. Returns what the user asked for.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        article: &Article,
        project: &Project,
        state: u64,
    ) -> Vec<ReaderEvent> {
        let mut events = Vec::new();
        if self
            .layout
            .as_ref()
            .is_some_and(|l| l.article != article.id)
        {
            self.reset();
        }
        if self.layout.is_none() {
            // Keeps a selection and scroll target set for this article
            // before its first frame (e.g. by a search result).
            self.layout = Some(Layout::new(article));
        }
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
            return events;
        };
        layout.set_geometry(column, font_size, dark, char_width);
        layout.rebuild_highlights(project, state);

        let make_job = |b: &Block| -> LayoutJob {
            let mut job = LayoutJob::single_section(
                article.text.as_str()[b.byte_start..b.byte_end].to_owned(),
                TextFormat {
                    font_id: font.clone(),
                    color: text_colour,
                    line_height: Some(line_height(font_size)),
                    ..TextFormat::default()
                },
            );
            job.wrap = TextWrapping::wrap_at_width(column);
            job
        };

        let mut scroll = egui::ScrollArea::vertical()
            .id_salt(("reader", article.id))
            .auto_shrink([false, false]);
        if let Some(c) = self.scroll_to.take() {
            let b = layout.block_of(c);
            scroll = scroll.vertical_scroll_offset((layout.tops[b] - 80.0).max(0.0));
        } else if self.scroll_adjust != 0.0 {
            scroll =
                scroll.vertical_scroll_offset((self.last_offset + self.scroll_adjust).max(0.0));
        }
        self.scroll_adjust = 0.0;

        let mut painted = Vec::new();
        let mut heights_changed = false;
        let sel = self.selection;
        let selected = self.selected_annotation;
        let handle_drag = self.handle_drag;
        let focused = self.focused;
        let find = &self.find;
        let find_current = self.find_current.and_then(|i| self.find.get(i)).copied();
        let out = scroll.show_viewport(ui, |ui, viewport| {
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
                let h = if b.end == b.start {
                    gap_height(font_size)
                } else {
                    let galley = ui.fonts_mut(|f| f.layout_job(make_job(&b)));
                    let pos = text_origin + vec2(0.0, y);
                    paint_finds(&clip_painter, pos, &galley, b, find, find_current);
                    paint_block(
                        &clip_painter,
                        pos,
                        &galley,
                        b,
                        layout,
                        i,
                        sel,
                        selected,
                        handle_drag,
                        focused,
                        dark,
                    );
                    let h = galley.size().y;
                    painted.push(Painted {
                        block: i,
                        origin: pos,
                        galley,
                    });
                    h
                };
                if !layout.measured[i] {
                    layout.measured[i] = true;
                    layout.unmeasured -= 1;
                    if (layout.heights[i] - h).abs() > 0.1 {
                        layout.heights[i] = h;
                        heights_changed = true;
                    }
                }
                y += h;
                i += 1;
            }
            (response, text_origin)
        });
        self.last_offset = out.state.clamped_offset().y;
        let (response, origin) = out.inner;
        let Some(layout) = self.layout.as_mut() else {
            return events;
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
            let h = if b.end == b.start {
                gap_height(font_size)
            } else {
                ui.fonts_mut(|f| f.layout_job(make_job(&b))).size().y
            };
            layout.measured[i] = true;
            layout.unmeasured -= 1;
            let delta = h - layout.heights[i];
            if delta.abs() > 0.1 {
                layout.heights[i] = h;
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

        self.handle_pointer(ui, &response, &mut events, origin);
        if response.clicked() || response.drag_started() {
            response.request_focus();
        }
        self.area_id = Some(response.id);
        self.focused = !typing_elsewhere(ui.ctx(), self.area_id);
        if self.focused {
            self.handle_keys(ui, article);
        }
        self.hover_tooltip(&response, project);
        events
    }

    fn offset_at(&self, pos: Pos2) -> Option<usize> {
        let layout = self.layout.as_ref()?;
        // The painted block under the pointer, or the nearest one.
        let p = self.painted.iter().min_by(|a, b| {
            let da = block_distance(a, pos);
            let db = block_distance(b, pos);
            da.total_cmp(&db)
        })?;
        let block = layout.blocks[p.block];
        let c = p.galley.cursor_from_pos(pos - p.origin);
        Some(block.start + c.index.0.min(block.end - block.start))
    }

    fn handle_pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        events: &mut Vec<ReaderEvent>,
        _origin: Pos2,
    ) {
        let Some(pos) = response
            .interact_pointer_pos()
            .or_else(|| response.hover_pos())
        else {
            return;
        };
        let shift = ui.input(|i| i.modifiers.shift);
        if response.drag_started()
            || (response.is_pointer_button_down_on()
                && !self.dragging
                && self.handle_drag.is_none())
        {
            // Anchor where the button went down, not where the pointer is now
            // (it may have moved before egui saw a drag).
            let origin = ui.input(|i| i.pointer.press_origin()).unwrap_or(pos);
            if let Some(h) = self.handle_at(origin) {
                self.handle_drag = Some(h);
            } else if let Some(c) = self.offset_at(origin) {
                self.dragging = true;
                if !shift {
                    // A new selection starts; a click on a passage picks it on release.
                    self.selected_annotation = None;
                }
                self.selection = Some(match (shift, self.selection) {
                    (true, Some(s)) => Selection {
                        anchor: s.anchor,
                        cursor: c,
                    },
                    _ => Selection::caret(c),
                });
                self.preferred_x = None;
            }
        }
        if let Some((which, span)) = self.handle_drag {
            if let Some(c) = self.offset_at(pos) {
                let new = match which {
                    Handle::Start => Span::between(c.min(span.end().saturating_sub(1)), span.end()),
                    Handle::End => Span::between(span.start(), c.max(span.start() + 1)),
                };
                self.handle_drag = Some((which, new));
            }
            if !response.is_pointer_button_down_on() && !response.dragged() {
                if let (Some(id), Some((_, span))) = (self.selected_annotation, self.handle_drag) {
                    events.push(ReaderEvent::MoveAnnotation(id, span));
                    self.selection = Some(Selection {
                        anchor: span.start(),
                        cursor: span.end(),
                    });
                }
                self.handle_drag = None;
            }
            return;
        }
        if self.dragging && (response.dragged() || response.is_pointer_button_down_on()) {
            if let (Some(c), Some(s)) = (self.offset_at(pos), self.selection.as_mut()) {
                s.cursor = c;
            }
            // Scroll while dragging past the edges.
            let clip = ui.clip_rect();
            if pos.y < clip.min.y + 20.0 {
                ui.scroll_with_delta(vec2(0.0, 12.0));
            } else if pos.y > clip.max.y - 20.0 {
                ui.scroll_with_delta(vec2(0.0, -12.0));
            }
        }
        if response.drag_stopped() || (self.dragging && !ui.input(|i| i.pointer.primary_down())) {
            self.dragging = false;
        }
        if response.triple_clicked() {
            if let (Some(c), Some(layout)) = (self.offset_at(pos), self.layout.as_ref()) {
                let b = layout.blocks[layout.block_of(c)];
                self.selection = Some(Selection {
                    anchor: b.start,
                    cursor: b.end,
                });
            }
        } else if response.double_clicked() {
            if let (Some(c), Some(layout)) = (self.offset_at(pos), self.layout.as_ref()) {
                let _ = layout;
                self.selection = self.word_at(c);
            }
        } else if response.clicked() && !shift {
            let hit = self.offset_at(pos).and_then(|c| self.annotation_at(c));
            if self.selection.is_some_and(|s| s.anchor == s.cursor) || hit.is_some() {
                events.push(ReaderEvent::SelectAnnotation(hit));
                if let Some((_, span)) = hit.and_then(|id| self.highlight(id)) {
                    self.selection = Some(Selection {
                        anchor: span.start(),
                        cursor: span.end(),
                    });
                }
            }
        }
    }

    fn highlight(&self, id: AnnotationId) -> Option<(AnnotationId, Span)> {
        self.layout
            .as_ref()?
            .highlights
            .iter()
            .find(|h| h.id == id)
            .map(|h| (h.id, h.span))
    }

    /// The shortest passage containing char offset `c`.
    fn annotation_at(&self, c: usize) -> Option<AnnotationId> {
        let layout = self.layout.as_ref()?;
        let b = layout.block_of(c);
        layout
            .by_block
            .get(b)?
            .iter()
            .filter_map(|&i| layout.highlights.get(i as usize))
            .filter(|h| h.span.contains(c))
            .min_by_key(|h| h.span.len())
            .map(|h| h.id)
    }

    fn handle_at(&self, pos: Pos2) -> Option<(Handle, Span)> {
        let (_, span) = self.highlight(self.selected_annotation?)?;
        for (which, c) in [(Handle::Start, span.start()), (Handle::End, span.end())] {
            if let Some(p) = self.screen_pos(c)
                && (p - pos).length() < 9.0
            {
                return Some((which, span));
            }
        }
        None
    }

    fn word_at(&self, c: usize) -> Option<Selection> {
        let layout = self.layout.as_ref()?;
        let b = layout.blocks[layout.block_of(c)];
        let p = self
            .painted
            .iter()
            .find(|p| layout.blocks[p.block].start == b.start)?;
        let chars: Vec<char> = p.galley.job.text.chars().collect();
        let i = (c - b.start).min(chars.len());
        let is_word =
            |ch: char| ch.is_alphanumeric() || ch == '_' || ch == '\'' || ch == '’' || ch == '-';
        let mut s = i;
        while s > 0 && is_word(chars[s - 1]) {
            s -= 1;
        }
        let mut e = i;
        while e < chars.len() && is_word(chars[e]) {
            e += 1;
        }
        if s == e {
            e = (i + 1).min(chars.len());
        }
        Some(Selection {
            anchor: b.start + s,
            cursor: b.start + e,
        })
    }

    fn handle_keys(&mut self, ui: &egui::Ui, article: &Article) {
        use egui::{Key, Modifiers};
        let len = article.text.char_len();
        let text = &article.text;
        let events = ui.input(|i| i.events.clone());
        for e in events {
            let egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = e
            else {
                continue;
            };
            // Without a selection, keys start from the top of what is in view.
            let top = self
                .painted
                .first()
                .and_then(|p| self.layout.as_ref().map(|l| l.blocks[p.block].start))
                .unwrap_or(0);
            let sel = self.selection.unwrap_or(Selection::caret(top));
            let word = modifiers.command || modifiers.alt && cfg!(target_os = "macos");
            let new_cursor = match key {
                Key::ArrowLeft if !modifiers.alt || word => Some(if word {
                    word_left(text.as_str(), text, sel.cursor)
                } else {
                    sel.cursor.saturating_sub(1)
                }),
                Key::ArrowRight if !modifiers.alt || word => Some(if word {
                    word_right(text.as_str(), text, sel.cursor)
                } else {
                    (sel.cursor + 1).min(len)
                }),
                Key::ArrowUp => self.vertical(sel.cursor, -1),
                Key::ArrowDown => self.vertical(sel.cursor, 1),
                Key::Home => Some(if modifiers.command {
                    0
                } else {
                    self.row_edge(sel.cursor, false)
                }),
                Key::End => Some(if modifiers.command {
                    len
                } else {
                    self.row_edge(sel.cursor, true)
                }),
                Key::A if modifiers.command => {
                    self.selection = Some(Selection {
                        anchor: 0,
                        cursor: len,
                    });
                    None
                }
                Key::Escape => {
                    self.selection = None;
                    self.selected_annotation = None;
                    None
                }
                _ => None,
            };
            if let Some(c) = new_cursor {
                if !matches!(key, Key::ArrowUp | Key::ArrowDown) {
                    self.preferred_x = None;
                }
                self.selection = Some(if modifiers.shift {
                    Selection {
                        anchor: sel.anchor,
                        cursor: c,
                    }
                } else {
                    Selection::caret(c)
                });
                self.reveal_if_hidden(c);
            }
            let _ = Modifiers::NONE;
        }
        let copy = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)));
        if copy && let Some(span) = self.selected_span() {
            ui.ctx().copy_text(text.slice(span).to_owned());
        }
    }

    fn reveal_if_hidden(&mut self, c: usize) {
        let Some(layout) = self.layout.as_ref() else {
            return;
        };
        let b = layout.block_of(c);
        let visible = self.painted.iter().any(|p| p.block == b);
        if !visible {
            self.scroll_to = Some(c);
        }
    }

    /// The offset one visual row up (`dir < 0`) or down from `c`.
    fn vertical(&mut self, c: usize, dir: i32) -> Option<usize> {
        let layout = self.layout.as_ref()?;
        let bi = layout.block_of(c);
        let block = layout.blocks[bi];
        let Some(p) = self.painted.iter().find(|p| p.block == bi) else {
            // Not visible (an empty line, or scrolled away): move by block.
            let nb = if dir < 0 {
                bi.checked_sub(1)?
            } else {
                (bi + 1).min(layout.blocks.len() - 1)
            };
            return Some(layout.blocks[nb].start);
        };
        let cur = CCursor::new(c - block.start);
        let (next, x) = if dir < 0 {
            p.galley.cursor_up_one_row(&cur, self.preferred_x)
        } else {
            p.galley.cursor_down_one_row(&cur, self.preferred_x)
        };
        self.preferred_x = x;
        let row = p.galley.layout_from_cursor(cur).row;
        let at_edge = if dir < 0 {
            row == 0
        } else {
            row + 1 >= p.galley.rows.len()
        };
        if at_edge {
            // Into the neighbouring line, keeping the horizontal position.
            let nb = if dir < 0 { bi.checked_sub(1)? } else { bi + 1 };
            let nblock = *layout.blocks.get(nb)?;
            if let Some(np) = self.painted.iter().find(|p| p.block == nb) {
                let x = x.unwrap_or(0.0);
                let y = if dir < 0 {
                    np.galley.size().y - 1.0
                } else {
                    1.0
                };
                let cc = np.galley.cursor_from_pos(vec2(x, y));
                return Some(nblock.start + cc.index.0);
            }
            return Some(if dir < 0 { nblock.end } else { nblock.start });
        }
        Some(block.start + next.index.0)
    }

    fn row_edge(&self, c: usize, end: bool) -> usize {
        let Some(layout) = self.layout.as_ref() else {
            return c;
        };
        let bi = layout.block_of(c);
        let block = layout.blocks[bi];
        match self.painted.iter().find(|p| p.block == bi) {
            Some(p) => {
                let cur = CCursor::new(c - block.start);
                let n = if end {
                    p.galley.cursor_end_of_row(&cur)
                } else {
                    p.galley.cursor_begin_of_row(&cur)
                };
                block.start + n.index.0
            }
            None => {
                if end {
                    block.end
                } else {
                    block.start
                }
            }
        }
    }

    fn hover_tooltip(&self, response: &egui::Response, project: &Project) {
        if self.dragging || self.handle_drag.is_some() {
            return;
        }
        let Some(pos) = response.hover_pos() else {
            return;
        };
        let Some(c) = self.offset_at(pos) else { return };
        let Some(layout) = self.layout.as_ref() else {
            return;
        };
        let b = layout.block_of(c);
        let hits: Vec<&Highlight> = layout
            .by_block
            .get(b)
            .into_iter()
            .flatten()
            .filter_map(|&i| layout.highlights.get(i as usize))
            .filter(|h| h.span.contains(c))
            .collect();
        if hits.is_empty() {
            return;
        }
        // Only over the text itself, not the margins beside a short line.
        let over_text = self.painted.iter().any(|p| {
            p.galley.rows.iter().any(|r| {
                r.rect()
                    .translate(p.origin.to_vec2())
                    .expand(2.0)
                    .contains(pos)
            })
        });
        if !over_text {
            return;
        }
        response.clone().on_hover_ui_at_pointer(|ui| {
            for h in hits {
                let Some(a) = project.annotation(h.id) else {
                    continue;
                };
                ui.horizontal_wrapped(|ui| {
                    for t in &a.tags {
                        if let Some(tag) = project.codebook().get(*t) {
                            let [r, g, bl] = tag.props.colour.0;
                            ui.label(egui::RichText::new("■").color(Color32::from_rgb(r, g, bl)));
                            ui.label(project.codebook().path(*t));
                        }
                    }
                });
                if !a.note.is_empty() {
                    ui.label(egui::RichText::new(&a.note).italics());
                }
            }
        });
    }
}

fn block_distance(p: &Painted, pos: Pos2) -> f32 {
    let r = Rect::from_min_size(p.origin, p.galley.size());
    if pos.y < r.min.y {
        r.min.y - pos.y
    } else if pos.y > r.max.y {
        pos.y - r.max.y
    } else {
        0.0
    }
}

fn word_left(s: &str, text: &crate::model::Text, c: usize) -> usize {
    let b = text.byte_of(c);
    let before = &s[..b];
    let trimmed = before.trim_end_matches(|ch: char| !ch.is_alphanumeric());
    let word_start = trimmed
        .char_indices()
        .rev()
        .find(|(_, ch)| !ch.is_alphanumeric())
        .map_or(0, |(i, ch)| i + ch.len_utf8());
    text.char_of(word_start)
}

fn word_right(s: &str, text: &crate::model::Text, c: usize) -> usize {
    let b = text.byte_of(c);
    let after = &s[b..];
    let skip = after
        .char_indices()
        .find(|(_, ch)| ch.is_alphanumeric())
        .map_or(after.len(), |(i, _)| i);
    let rest = &after[skip..];
    let end = rest
        .char_indices()
        .find(|(_, ch)| !ch.is_alphanumeric())
        .map_or(rest.len(), |(i, _)| i);
    text.char_of(b + skip + end)
}

/// Rectangles (relative to the galley) covering chars `[a, b)` of a galley.
fn row_rects(galley: &Galley, a: usize, b: usize) -> Vec<Rect> {
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

#[allow(
    clippy::too_many_arguments,
    reason = "a private painter with all it needs"
)]
fn paint_block(
    painter: &egui::Painter,
    pos: Pos2,
    galley: &Arc<Galley>,
    b: Block,
    layout: &Layout,
    index: usize,
    sel: Option<Selection>,
    selected: Option<AnnotationId>,
    handle_drag: Option<(Handle, Span)>,
    focused: bool,
    dark: bool,
) {
    let local = |s: Span| -> Option<(usize, usize)> {
        let lo = s.start().max(b.start);
        let hi = s.end().min(b.end);
        (lo < hi).then(|| (lo - b.start, hi - b.start))
    };
    let band_alpha = if dark { 0.42 } else { 0.55 };
    let hl: Vec<&Highlight> = layout.by_block[index]
        .iter()
        .filter_map(|&i| layout.highlights.get(i as usize))
        .collect();
    // Bands: each passage blends its first tag's colour over the text.
    for h in &hl {
        if let (Some((lo, hi)), Some(c)) = (local(h.span), h.colours.first()) {
            for r in row_rects(galley, lo, hi) {
                painter.rect_filled(
                    r.translate(pos.to_vec2()),
                    2.0,
                    c.gamma_multiply(band_alpha / (1.0 + h.layer as f32 * 0.5)),
                );
            }
        }
    }
    // Selection above the bands (not when it is just the picked passage,
    // which gets an outline instead).
    let picked_span = selected
        .and_then(|id| hl.iter().find(|h| h.id == id))
        .map(|h| h.span);
    if let Some(s) = sel
        && Some(s.span()) != picked_span
        && let Some((lo, hi)) = local(s.span())
    {
        let c = if dark {
            Color32::from_rgba_unmultiplied(90, 140, 230, 110)
        } else {
            Color32::from_rgba_unmultiplied(60, 120, 230, 80)
        };
        for r in row_rects(galley, lo, hi) {
            painter.rect_filled(r.translate(pos.to_vec2()), 0.0, c);
        }
    }
    // Stacked underlines: one per layer, one segment per tag colour.
    for h in &hl {
        if let Some((lo, hi)) = local(h.span) {
            for r in row_rects(galley, lo, hi) {
                let r = r.translate(pos.to_vec2());
                let y = r.max.y - 2.0 - h.layer as f32 * 3.5;
                let n = h.colours.len().max(1) as f32;
                let w = r.width() / n;
                for (k, c) in h.colours.iter().enumerate() {
                    let x0 = r.min.x + w * k as f32;
                    let strong = if dark {
                        c.linear_multiply(1.0)
                    } else {
                        darker(*c)
                    };
                    painter.line_segment([pos2(x0, y), pos2(x0 + w, y)], Stroke::new(2.0, strong));
                }
            }
        }
    }
    painter.galley(pos, galley.clone(), Color32::PLACEHOLDER);
    // The selected passage: outline and drag handles at its ends.
    if let Some(id) = selected
        && let Some(h) = hl.iter().find(|h| h.id == id)
    {
        let span = match handle_drag {
            Some((_, s)) => s,
            None => h.span,
        };
        let stroke_c = if dark {
            Color32::WHITE
        } else {
            Color32::from_gray(30)
        };
        if let Some((lo, hi)) = local(span) {
            for r in row_rects(galley, lo, hi) {
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
                let r = galley
                    .pos_from_cursor(CCursor::new(c - b.start))
                    .translate(pos.to_vec2());
                let knob = if top { r.min } else { r.max };
                painter.line_segment([r.min, r.max], Stroke::new(2.0, stroke_c));
                painter.circle_filled(knob, 4.5, stroke_c);
            }
        }
    }
    // The caret, when nothing is selected.
    if focused
        && let Some(s) = sel
        && s.anchor == s.cursor
        && s.cursor >= b.start
        && s.cursor <= b.end
    {
        let r = galley
            .pos_from_cursor(CCursor::new(s.cursor - b.start))
            .translate(pos.to_vec2());
        let c = if dark { Color32::WHITE } else { Color32::BLACK };
        painter.line_segment([r.min, r.max], Stroke::new(1.5, c));
    }
    let _ = Vec2::ZERO;
}

/// Find-bar matches: an amber band under everything else, the current one
/// with an outline.
fn paint_finds(
    painter: &egui::Painter,
    pos: Pos2,
    galley: &Arc<Galley>,
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
        for r in row_rects(galley, lo - b.start, hi - b.start) {
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

fn darker(c: Color32) -> Color32 {
    let d = |v: u8| (u16::from(v) * 7 / 10) as u8;
    Color32::from_rgb(d(c.r()), d(c.g()), d(c.b()))
}
