//! The find bar over the reading view: all matches in the open article
//! highlighted, stepping through them with Enter and F3.

use egui::RichText;

use super::app::GlossApp;

impl GlossApp {
    pub(super) fn find_step(&mut self, step: isize) {
        let n = self.reader.find.len();
        if n == 0 {
            return;
        }
        let next = match self.reader.find_current {
            Some(i) => {
                if step > 0 {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }
            }
            None => {
                // The first match after the caret (or before it, going back).
                let at = self.reader.selection.map_or(0, |s| s.span().start());
                let after = self.reader.find.partition_point(|s| s.start() < at);
                if step > 0 {
                    after % n
                } else {
                    (after + n - 1) % n
                }
            }
        };
        self.reader.find_current = Some(next);
        let span = self.reader.find[next];
        self.reader.selection = Some(super::reader::Selection {
            anchor: span.start(),
            cursor: span.end(),
        });
        self.reader.reveal(span.start());
    }

    /// Closes the find bar and clears its highlights.
    pub(super) fn close_find(&mut self) {
        self.find.open = false;
        self.reader.find.clear();
        self.reader.find_current = None;
        self.find.key = None;
    }

    pub(super) fn find_bar(&mut self, ui: &mut egui::Ui) {
        let Some(id) = self.current else { return };
        let mut step = 0;
        ui.horizontal(|ui| {
            let r = ui.add(
                egui::TextEdit::singleline(&mut self.find.query.pattern)
                    .hint_text("Find in article")
                    .desired_width(220.0),
            );
            if self.find.focus {
                r.request_focus();
                self.find.focus = false;
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                step = if ui.input(|i| i.modifiers.shift) {
                    -1
                } else {
                    1
                };
                r.request_focus();
            }
            ui.toggle_value(&mut self.find.query.ignore_case, "Aa")
                .on_hover_text("Ignore case");
            ui.toggle_value(&mut self.find.query.whole_word, "Word")
                .on_hover_text("Whole words only");
            ui.toggle_value(&mut self.find.query.regex, ".*")
                .on_hover_text("Regular expression");
            if ui
                .button("⬆")
                .on_hover_text("Previous match (Shift+Enter, Shift+F3)")
                .clicked()
            {
                step = -1;
            }
            if ui
                .button("⬇")
                .on_hover_text("Next match (Enter, F3)")
                .clicked()
            {
                step = 1;
            }
            let hash = self
                .session
                .project()
                .article(id)
                .map(|a| a.hash.clone())
                .unwrap_or_default();
            let key = (id, hash, self.find.query.clone());
            if self.find.key.as_ref() != Some(&key) {
                self.find.key = Some(key);
                self.find.error = None;
                self.reader.find.clear();
                self.reader.find_current = None;
                if !self.find.query.pattern.is_empty() {
                    match self.find.query.compile() {
                        Ok(re) => {
                            if let Some(a) = self.session.project().article(id) {
                                self.reader.find = crate::model::search::find_in_text(&re, &a.text);
                            }
                        }
                        Err(e) => self.find.error = Some(e.0),
                    }
                }
            }
            match (&self.find.error, self.reader.find_current) {
                (Some(e), _) => {
                    ui.label(
                        RichText::new(e.lines().last().unwrap_or(e))
                            .color(ui.visuals().error_fg_color),
                    )
                    .on_hover_text(e.clone());
                }
                (None, Some(i)) => {
                    ui.label(format!("{} of {}", i + 1, self.reader.find.len()));
                }
                (None, None) if !self.find.query.pattern.is_empty() => {
                    ui.label(crate::model::plural(self.reader.find.len(), "match"));
                }
                _ => {}
            }
            if ui.button("×").on_hover_text("Close (Esc)").clicked()
                || (r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)))
            {
                self.close_find();
            }
        });
        if step != 0 {
            self.find_step(step);
        }
    }
}
