//! A busy indicator that turns smoothly for half a second, then ten times a
//! second. egui's spinner asks for a new frame every frame, so while a long
//! job ran (opening 100,000 articles takes seconds) the window repainted at
//! full rate on a core the job needed; with software rendering (virtual
//! machines, remote desktops, Xvfb) that cost as much CPU as the job itself.
//! Short jobs, which are most, still end while the window repaints at full
//! rate, so their result shows at once.

use std::time::Duration;

/// Frames a second the indicator asks for once it has shown a while.
const FPS: f64 = 10.0;
/// Seconds it asks for every frame first.
const SMOOTH: f64 = 0.5;

/// Shows the indicator, one line of text high.
pub fn spinner(ui: &mut egui::Ui) -> egui::Response {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    if ui.is_rect_visible(rect) {
        let step = (ui.input(|i| i.time) * FPS).floor();
        // A three-quarter ring, a sixteenth of a turn further each frame.
        let start = step * std::f64::consts::TAU / 16.0;
        let radius = rect.height() / 2.0 - 1.5;
        let points: Vec<egui::Pos2> = (0..=24)
            .map(|i| {
                let angle = start + f64::from(i) / 24.0 * 1.5 * std::f64::consts::PI;
                let (sin, cos) = angle.sin_cos();
                rect.center() + radius * egui::vec2(cos as f32, sin as f32)
            })
            .collect();
        let colour = ui.visuals().strong_text_color();
        ui.painter()
            .add(egui::Shape::line(points, egui::Stroke::new(2.0, colour)));
        // Since when indicators have been shown without a break.
        let (now, frame) = (ui.input(|i| i.time), ui.ctx().cumulative_frame_nr());
        let id = egui::Id::unique("gloss busy indicator");
        let since = ui.ctx().data_mut(|d| {
            let (since, last) = d.get_temp_mut_or_insert_with(id, || (now, frame));
            if *last + 1 < frame {
                *since = now;
            }
            *last = frame;
            *since
        });
        if now - since < SMOOTH {
            ui.ctx().request_repaint();
        } else {
            ui.ctx()
                .request_repaint_after(Duration::from_secs_f64(1.0 / FPS));
        }
    }
    response
}
