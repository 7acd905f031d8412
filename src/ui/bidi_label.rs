//! One-line (or wrapped) labels with right-to-left text in the right
//! order — article titles in the list and the header, search result
//! lines — from the same bidi pieces as the reading view: each piece is a
//! section of the job, in visual order. Long labels are cut at their
//! logical end (the left, in a right-to-left title) with an ellipsis.

use egui::TextFormat;
use egui::text::LayoutJob;

use super::reader::bidi;

/// A job showing `text` in visual order, in `format` (and `marked` for the
/// chars in `mark`), at most `width` wide: cut with "…" at the logical end
/// when `one_line`, else wrapped into rows. `None` when the text has no
/// right-to-left letters (egui lays it out right as it is).
pub fn job(
    ui: &egui::Ui,
    text: &str,
    format: &TextFormat,
    marked: Option<(&TextFormat, &std::ops::Range<usize>)>,
    width: f32,
    one_line: bool,
) -> Option<LayoutJob> {
    if !bidi::needs_bidi(text) {
        return None;
    }
    let mut measure = |s: &str, _rtl: bool| {
        ui.fonts_mut(|f| {
            f.layout_job(LayoutJob::single_section(s.to_owned(), format.clone()))
                .size()
                .x
        })
    };
    let wrap = if one_line { f32::INFINITY } else { width };
    let lines = bidi::lay_out_for_display(text, wrap, &mut measure);
    // The chars kept: all, or as many from the logical start as fit with
    // an ellipsis.
    let mut keep_until = usize::MAX;
    if one_line {
        let total: f32 = lines.pieces.iter().map(|p| p.width).sum();
        if total > width {
            let room = width - measure("…", false);
            let mut by_logic: Vec<&bidi::Piece> = lines.pieces.iter().collect();
            by_logic.sort_by_key(|p| p.start);
            let mut used = 0.0;
            keep_until = 0;
            for p in by_logic {
                if used + p.width > room && keep_until > 0 {
                    break;
                }
                used += p.width;
                keep_until = p.end;
            }
        }
    }
    let mut job = LayoutJob::default();
    let cut = keep_until != usize::MAX;
    if cut && lines.rtl {
        job.append("…", 0.0, format.clone());
    }
    let mut row = 0;
    for p in lines.pieces.iter().filter(|p| p.end <= keep_until) {
        if p.row != row {
            job.append("\n", 0.0, format.clone());
            row = p.row;
        }
        let f = match &marked {
            Some((m, r)) if p.start < r.end && r.start < p.end => (*m).clone(),
            _ => format.clone(),
        };
        job.append(&p.display(text), 0.0, f);
    }
    if cut && !lines.rtl {
        job.append("…", 0.0, format.clone());
    }
    Some(job)
}

/// A label for `text` (in `format`): in visual order when it has
/// right-to-left letters, else egui's own; its accessible name is the
/// text in logical order either way.
pub fn label(
    ui: &mut egui::Ui,
    text: &str,
    format: &TextFormat,
    one_line: bool,
    sense: egui::Sense,
) -> egui::Response {
    let width = ui.available_width();
    match job(ui, text, format, None, width, one_line) {
        Some(j) => {
            let r = ui.add(egui::Label::new(j).selectable(false).sense(sense));
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
            r
        }
        None => {
            let mut j = LayoutJob::single_section(text.to_owned(), format.clone());
            if one_line {
                j.wrap = egui::text::TextWrapping::truncate_at_width(width);
            } else {
                j.wrap = egui::text::TextWrapping::wrap_at_width(width);
            }
            ui.add(egui::Label::new(j).selectable(false).sense(sense))
        }
    }
}
