//! What the window shows while a job runs: a turning indicator when how
//! much is left is unknown, a progress bar when it is known. Both ask for a
//! few frames a second, not one every frame: egui's own spinner and
//! animated bar repaint at full rate, and with software rendering (virtual
//! machines, remote desktops, Xvfb) painting the window that often cost as
//! much CPU as opening 100,000 articles itself. A job's end wakes the window
//! at once (`ui::jobs`), so its result never waits for the next step.

use std::time::Duration;

/// Frames a second the turning indicator asks for.
const FPS: f64 = 5.0;
/// How often a progress bar is brought up to date.
const PROGRESS_EVERY: Duration = Duration::from_millis(400);

/// A progress bar of `done` out of `total` (not 0) with `text` on it, at
/// least `width` wide and wide enough for its text, brought up to date a
/// few times a second while shown.
pub fn progress(ui: &mut egui::Ui, done: usize, total: usize, width: f32, text: String) {
    let fraction = (done as f64 / total.max(1) as f64).clamp(0.0, 1.0);
    let font = egui::TextStyle::Button.resolve(ui.style());
    let text_width = ui
        .painter()
        .layout_no_wrap(text.clone(), font, egui::Color32::PLACEHOLDER)
        .size()
        .x;
    ui.add(
        egui::ProgressBar::new(fraction as f32)
            .desired_width(width.max(text_width + 2.0 * ui.spacing().button_padding.x))
            .text(text),
    );
    ui.ctx().request_repaint_after(PROGRESS_EVERY);
}

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
        ui.ctx()
            .request_repaint_after(Duration::from_secs_f64(1.0 / FPS));
    }
    response
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    /// The delay the frames at `times` (seconds) ask for before the next,
    /// each showing what `show` draws.
    fn delays(times: &[f64], mut show: impl FnMut(&mut egui::Ui)) -> Vec<Duration> {
        let ctx = egui::Context::default();
        // egui's own first frames ask for more at once (viewport commands).
        for _ in 0..2 {
            ctx.run_ui(egui::RawInput::default(), |_| {})
                .textures_delta
                .clear();
        }
        times
            .iter()
            .map(|&t| {
                let input = egui::RawInput {
                    time: Some(t),
                    ..egui::RawInput::default()
                };
                let mut out = ctx.run_ui(input, &mut show);
                out.textures_delta.clear();
                out.viewport_output
                    .remove(&egui::ViewportId::ROOT)
                    .map_or(Duration::MAX, |v| v.repaint_delay)
            })
            .collect()
    }

    #[test]
    fn indicators_ask_for_a_few_frames_a_second_from_the_first() {
        // The first frames, when a job has just started, too: a short job's
        // end wakes the window itself.
        let times = [0.0, 0.016, 0.033, 0.05, 1.0, 1.1, 5.0];
        for d in delays(&times, |ui| {
            super::spinner(ui);
        }) {
            assert!(d >= Duration::from_millis(190), "spinner asked after {d:?}");
        }
        for d in delays(&times, |ui| {
            super::progress(ui, 3, 10, 100.0, "3/10".into());
        }) {
            assert!(
                d >= Duration::from_millis(390),
                "progress asked after {d:?}"
            );
        }
    }
}
