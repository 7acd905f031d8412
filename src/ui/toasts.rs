//! Short messages that fade: what a command did, or what went wrong when a
//! dialog would be too much.

use std::time::{Duration, Instant};

use egui::RichText;

/// One message on screen until `until`.
struct Toast {
    text: String,
    error: bool,
    until: Instant,
}

/// The messages on screen.
#[derive(Default)]
pub struct Toasts {
    shown: Vec<Toast>,
}

impl Toasts {
    /// Shows `text` for a few seconds (errors longer).
    pub fn push(&mut self, text: impl Into<String>, error: bool) {
        self.push_for(text, error, Duration::from_secs(if error { 8 } else { 3 }));
    }

    /// Shows `text` for `how_long`.
    pub fn push_for(&mut self, text: impl Into<String>, error: bool, how_long: Duration) {
        self.shown.push(Toast {
            text: text.into(),
            error,
            until: Instant::now() + how_long,
        });
    }

    /// The texts on screen, oldest first (for tests).
    #[must_use]
    pub fn texts(&self) -> Vec<&str> {
        self.shown.iter().map(|t| t.text.as_str()).collect()
    }

    /// Draws the messages still due and forgets the others.
    pub fn show(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        self.shown.retain(|t| t.until > now);
        if self.shown.is_empty() {
            return;
        }
        if let Some(next) = self.shown.iter().map(|t| t.until).min() {
            ctx.request_repaint_after(next - now);
        }
        egui::Area::new(egui::Id::unique("toasts"))
            // Bottom centre, over the reading view: clear of the note fields
            // in the right panel and of the list on the left.
            .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -36.0])
            .order(egui::Order::Foreground)
            .interactable(false)
            // Shown at once: a fade is a dozen frames more to paint.
            .fade_in(false)
            .show(ctx, |ui| {
                for t in &self.shown {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        let text = RichText::new(&t.text);
                        ui.label(if t.error {
                            text.color(ui.visuals().error_fg_color)
                        } else {
                            text
                        });
                    });
                }
            });
    }
}
