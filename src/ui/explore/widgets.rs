//! Small widgets the explore tabs share: tag colours, a tag picker, tag
//! chips, and chart axis helpers.

use egui::{Color32, RichText};

use crate::model::{Project, TagId};

pub(super) fn colour_of(project: &Project, path: &str) -> Color32 {
    project
        .codebook()
        .find_path(path)
        .and_then(|t| project.codebook().get(t))
        .map_or(Color32::GRAY, |t| {
            let [r, g, b] = t.props.colour.0;
            Color32::from_rgb(r, g, b)
        })
}

pub(super) fn tag_combo(
    ui: &mut egui::Ui,
    id: &str,
    label: &str,
    project: &Project,
    value: &mut Option<TagId>,
) {
    let cb = project.codebook();
    let mut tags: Vec<(String, TagId)> = cb.iter().map(|t| (cb.path(t.id), t.id)).collect();
    tags.sort();
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.map_or_else(|| label.to_owned(), |t| cb.path(t)))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, label);
            for (path, t) in tags {
                ui.selectable_value(value, Some(t), path);
            }
        })
        .response
        .accessible_name(label.to_owned());
}

pub(super) fn chips(ui: &mut egui::Ui, label: &str, project: &Project, tags: &mut Vec<TagId>) {
    let cb = project.codebook();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(label).strong());
        let mut remove = None;
        for (i, t) in tags.iter().enumerate() {
            let c = cb.get(*t).map_or(Color32::GRAY, |t| {
                let [r, g, b] = t.props.colour.0;
                Color32::from_rgb(r, g, b)
            });
            if ui
                .add(
                    egui::Button::new(
                        RichText::new(format!("{} ×", cb.path(*t))).color(Color32::BLACK),
                    )
                    .fill(c),
                )
                .on_hover_text("Remove")
                .clicked()
            {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            tags.remove(i);
        }
        ui.menu_button("+", |ui| {
            let mut all: Vec<(String, TagId)> = cb
                .iter()
                .filter(|t| !tags.contains(&t.id))
                .map(|t| (cb.path(t.id), t.id))
                .collect();
            all.sort();
            for (path, t) in all {
                if ui.button(path).clicked() {
                    tags.push(t);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(format!("Add a tag to “{label}”"));
    });
}

/// The category index at an axis position (negative positions have none).
pub(super) fn axis_index(v: f64) -> usize {
    if v < 0.0 {
        usize::MAX
    } else {
        #[allow(clippy::cast_sign_loss, reason = "v is not negative here")]
        let i = v.round() as usize;
        i
    }
}

/// Grid marks at the whole numbers in view, one per category of a chart
/// whose categories sit at 0, 1, 2, … (whatever the margins around them).
#[allow(
    clippy::cast_possible_truncation,
    reason = "chart bounds are small category counts"
)]
#[allow(
    clippy::needless_pass_by_value,
    reason = "egui_plot's grid spacer signature takes the input by value"
)]
pub(super) fn category_marks(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    let (lo, hi) = input.bounds;
    let (lo, hi) = (lo.ceil().max(0.0) as i64, hi.floor() as i64);
    // A mark's step is the largest power of two dividing its index (0 the
    // largest), so when labels would crowd, every 2nd, 4th, 8th… keeps its
    // label instead of all of them vanishing.
    (lo..=hi)
        .map(|i| egui_plot::GridMark {
            value: i as f64,
            step_size: f64::from(1u32 << i.trailing_zeros().min(6)),
        })
        .collect()
}

/// [`category_marks`] with every mark the same step: for charts sized to
/// show every category's label.
pub(super) fn every_category(input: egui_plot::GridInput) -> Vec<egui_plot::GridMark> {
    category_marks(input)
        .into_iter()
        .map(|m| egui_plot::GridMark {
            step_size: 1.0,
            ..m
        })
        .collect()
}
