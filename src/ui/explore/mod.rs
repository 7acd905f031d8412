//! The explore panel: corpus search (with tag-all-matches), passages by tag,
//! statistics with charts, and team work (agreement, comparison,
//! adjudication), one tab each. The logic lives in the model
//! (`model::search`, `model::retrieve`, `model::stats`); this draws it.

mod passages;
mod search;
mod stats;
mod team;
mod widgets;

pub use passages::{PassageSort, PassagesState};
pub use search::SearchState;
pub use stats::StatsState;
pub use team::TeamState;

use super::msg::Msg;
use crate::model::Project;

/// The panel's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// Search the corpus.
    #[default]
    Search,
    /// Passages by tag.
    Passages,
    /// Counts and charts.
    Statistics,
    /// Agreement between analysts, comparison and adjudication.
    Team,
}

/// State of the explore panel.
#[derive(Default)]
pub struct Explore {
    /// Shown at all.
    pub open: bool,
    /// The tab in front.
    pub tab: Tab,
    /// Corpus search.
    pub search: SearchState,
    /// Passages by tag.
    pub passages: PassagesState,
    /// Statistics.
    pub stats: StatsState,
    /// Team work.
    pub team: TeamState,
}

/// Shows the panel.
pub fn show(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    current: Option<crate::model::ArticleId>,
    ex: &mut Explore,
    msgs: &mut Vec<Msg>,
) {
    // The panel's own separator line overshoots into the codebook panel
    // (egui draws it across the parent's width); this one spans the panel,
    // just above its margin.
    let inner = ui.max_rect();
    let y = inner.top() - ui.spacing().window_margin.topf() / 2.0 - 2.0;
    let line = egui::Rect::from_x_y_ranges(
        (inner.left() - ui.spacing().window_margin.leftf())
            ..=(inner.right() + ui.spacing().window_margin.rightf()),
        y - 1.0..=y + 1.0,
    );
    ui.ctx()
        .layer_painter(egui::LayerId::new(
            egui::Order::Background,
            egui::Id::unique("explore panel edge"),
        ))
        .with_clip_rect(line)
        .hline(
            line.x_range(),
            y,
            ui.visuals().widgets.noninteractive.bg_stroke,
        );
    ui.horizontal(|ui| {
        ui.selectable_value(&mut ex.tab, Tab::Search, "Search corpus");
        ui.selectable_value(&mut ex.tab, Tab::Passages, "Passages by tag");
        ui.selectable_value(&mut ex.tab, Tab::Statistics, "Statistics");
        ui.selectable_value(&mut ex.tab, Tab::Team, "Team")
            .on_hover_text("Agreement between analysts, their differences, adjudication");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text("Hide this panel")
                .clicked()
            {
                ex.open = false;
            }
        });
    });
    ui.separator();
    match ex.tab {
        Tab::Search => search::tab(ui, project, &mut ex.search, msgs),
        Tab::Passages => passages::tab(ui, project, state, &mut ex.passages, msgs),
        Tab::Statistics => stats::tab(ui, project, state, &mut ex.stats, msgs),
        Tab::Team => team::tab(ui, project, state, current, &mut ex.team, msgs),
    }
}
