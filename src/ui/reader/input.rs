//! What the mouse and keyboard do in the reading view: drag, double- and
//! triple-click, shift-click, handle drags, keyboard selection, copy, and
//! the tooltip over a passage. Positions become chars only through
//! `geometry`.

use egui::{Color32, Pos2, vec2};

use super::geometry::char_at;
use super::selection::{Handle, Selection};
use super::{Reader, ReaderEvent, typing_elsewhere};
use crate::model::{Article, Project, Span};

impl Reader {
    /// The char offset under `pos`, over what was painted last.
    pub(super) fn offset_at(&self, pos: Pos2) -> Option<usize> {
        char_at(&self.painted, self.layout.as_ref()?, pos)
    }

    pub(super) fn handle_pointer(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        events: &mut Vec<ReaderEvent>,
    ) {
        let Some(pos) = response
            .interact_pointer_pos()
            .or_else(|| response.hover_pos())
        else {
            return;
        };
        let shift = ui.input(|i| i.modifiers.shift);
        if response.secondary_clicked() {
            // A right-click inside the selection keeps it (for the context
            // menu); on a passage it picks the passage; elsewhere it keeps
            // what was selected.
            if let Some(c) = self.offset_at(pos) {
                let inside = self
                    .selected_span()
                    .is_some_and(|s| s.start() <= c && c <= s.end());
                if !inside && let Some(id) = self.annotation_at(c) {
                    events.push(ReaderEvent::SelectAnnotation(Some(id)));
                    if let Some(h) = self.highlights.get(id) {
                        self.selection = Some(Selection::of(h.span));
                    }
                }
            }
            return;
        }
        let primary = ui.input(|i| i.pointer.primary_down());
        if (response.drag_started() && primary)
            || (response.is_pointer_button_down_on()
                && primary
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
                    self.selection = Some(Selection::of(span));
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
            if let Some(c) = self.offset_at(pos) {
                self.selection = self.word_at(c);
            }
        } else if response.clicked() && !shift {
            let hit = self.offset_at(pos).and_then(|c| self.annotation_at(c));
            if self.selection.is_some_and(|s| s.anchor == s.cursor) || hit.is_some() {
                events.push(ReaderEvent::SelectAnnotation(hit));
                if let Some(span) = hit.and_then(|id| self.highlights.get(id)).map(|h| h.span) {
                    self.selection = Some(Selection::of(span));
                }
            }
        }
    }

    /// The shortest passage containing char offset `c`.
    fn annotation_at(&self, c: usize) -> Option<crate::model::AnnotationId> {
        let layout = self.layout.as_ref()?;
        self.highlights.at(layout.block_of(c), c)
    }

    fn handle_at(&self, pos: Pos2) -> Option<(Handle, Span)> {
        let span = self.highlights.get(self.selected_annotation?)?.span;
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
        let chars: Vec<char> = p.view.text().chars().collect();
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

    /// Keys in the reading view. Without Shift, the view scrolls as a
    /// browser or PDF reader does (arrows by a line, Page Up/Down and
    /// Space/Shift+Space by a screen, Home/End to the ends); with Shift,
    /// the keys extend the selection (by char, word with Ctrl, row, to the
    /// row's or, with Ctrl, the text's ends). Left and Right move the caret.
    pub(super) fn handle_keys(&mut self, ui: &egui::Ui, article: &Article) {
        use egui::Key;
        let len = article.text.char_len();
        let text = &article.text;
        let line = super::layout::line_height(self.font_size());
        let page = (self.view_height - 2.0 * line).max(line);
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
            // Scrolling: keys without Shift (Space pages back with it).
            let scroll = match key {
                Key::ArrowUp if !modifiers.shift => Some(-line),
                Key::ArrowDown if !modifiers.shift => Some(line),
                Key::PageUp => Some(-page),
                Key::PageDown => Some(page),
                Key::Space if modifiers.shift => Some(-page),
                Key::Space if !modifiers.any() => Some(page),
                Key::Home if !modifiers.shift => Some(-self.last_offset - 1.0e9),
                Key::End if !modifiers.shift => Some(1.0e9),
                _ => None,
            };
            if let Some(dy) = scroll {
                self.scroll_by(dy);
                continue;
            }
            // Without a selection, keys start from the top of what is in view.
            let top = self
                .painted
                .first()
                .and_then(|p| self.layout.as_ref().map(|l| l.blocks[p.block].start))
                .unwrap_or(0);
            let sel = self.selection.unwrap_or(Selection::caret(top));
            let word = modifiers.command || modifiers.alt && cfg!(target_os = "macos");
            // Left and Right move on screen: in a right-to-left paragraph,
            // Left goes forward in the text. By grapheme, never into one.
            let rtl = self.is_rtl_at(sel.cursor);
            let step = |forward: bool| -> usize {
                if word {
                    if forward {
                        word_right(text, sel.cursor)
                    } else {
                        word_left(text, sel.cursor)
                    }
                } else {
                    self.step_char(text, sel.cursor, forward).min(len)
                }
            };
            let new_cursor = match key {
                Key::ArrowLeft if !modifiers.alt || word => Some(step(rtl)),
                Key::ArrowRight if !modifiers.alt || word => Some(step(!rtl)),
                Key::ArrowUp => self.vertical(sel.cursor, true),
                Key::ArrowDown => self.vertical(sel.cursor, false),
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
                // With find highlights on, Escape is the find bar's (it
                // closes first); then it clears the selection.
                Key::Escape if self.find.is_empty() => {
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
        if !self.painted.iter().any(|p| p.block == b) {
            self.reveal(c);
        }
    }

    /// The offset one visual row up or down from `c`.
    fn vertical(&mut self, c: usize, up: bool) -> Option<usize> {
        let layout = self.layout.as_ref()?;
        let bi = layout.block_of(c);
        let block = layout.blocks[bi];
        let Some(p) = self.painted.iter().find(|p| p.block == bi) else {
            // Not visible (an empty line, or scrolled away): move by block.
            let nb = if up {
                bi.checked_sub(1)?
            } else {
                (bi + 1).min(layout.blocks.len() - 1)
            };
            return Some(layout.blocks[nb].start);
        };
        let (next, x) = p.view.row_neighbour(c - block.start, up, self.preferred_x);
        self.preferred_x = x;
        if let Some(n) = next {
            return Some(block.start + n);
        }
        // Into the neighbouring line, keeping the horizontal position.
        let nb = if up { bi.checked_sub(1)? } else { bi + 1 };
        let nblock = *layout.blocks.get(nb)?;
        if let Some(np) = self.painted.iter().find(|p| p.block == nb) {
            let x = x.unwrap_or(0.0);
            return Some(nblock.start + np.view.char_on_edge_row(x, !up));
        }
        Some(if up { nblock.end } else { nblock.start })
    }

    /// True when char `c` is in a painted right-to-left paragraph.
    fn is_rtl_at(&self, c: usize) -> bool {
        let Some(layout) = self.layout.as_ref() else {
            return false;
        };
        let bi = layout.block_of(c);
        self.painted
            .iter()
            .find(|p| p.block == bi)
            .is_some_and(|p| p.view.is_rtl())
    }

    /// The char boundary one grapheme after (`forward`) or before `c`
    /// (a line break is one step).
    fn step_char(&self, text: &crate::model::Text, c: usize, forward: bool) -> usize {
        let Some(layout) = self.layout.as_ref() else {
            return if forward { c + 1 } else { c.saturating_sub(1) };
        };
        let block = layout.blocks[layout.block_of(c)];
        if (forward && c >= block.end) || (!forward && c <= block.start) {
            return if forward { c + 1 } else { c.saturating_sub(1) };
        }
        let s = &text.as_str()[block.byte_start..block.byte_end];
        block.start + super::bidi::step_grapheme(s, c - block.start, forward)
    }

    fn row_edge(&self, c: usize, end: bool) -> usize {
        let Some(layout) = self.layout.as_ref() else {
            return c;
        };
        let bi = layout.block_of(c);
        let block = layout.blocks[bi];
        match self.painted.iter().find(|p| p.block == bi) {
            Some(p) => block.start + p.view.row_edge(c - block.start, end),
            None => {
                if end {
                    block.end
                } else {
                    block.start
                }
            }
        }
    }

    pub(super) fn hover_tooltip(&self, response: &egui::Response, project: &Project) {
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
        let hits: Vec<_> = self
            .highlights
            .in_block(b)
            .filter(|h| h.span.contains(c))
            .collect();
        if hits.is_empty() {
            return;
        }
        // Only over the text itself, not the margins beside a short line.
        let over_text = self
            .painted
            .iter()
            .any(|p| p.view.over_text(pos - p.origin.to_vec2()));
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

    /// Whether the view has focus now, for its key handling.
    pub(super) fn update_focus(&mut self, ctx: &egui::Context, id: egui::Id) {
        self.area_id = Some(id);
        self.focused = !typing_elsewhere(ctx, self.area_id);
    }
}

fn word_left(text: &crate::model::Text, c: usize) -> usize {
    let s = text.as_str();
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

fn word_right(text: &crate::model::Text, c: usize) -> usize {
    let s = text.as_str();
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
