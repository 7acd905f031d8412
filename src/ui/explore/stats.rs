//! The statistics tab: passages per tag, over time, per article, and tag
//! co-occurrence, as charts and tables, each exportable as CSV.

use std::collections::BTreeSet;

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use super::widgets::{axis_index, colour_of};
use crate::model::stats::{self, Bucket, Stats};
use crate::model::{ArticleId, Project};
use crate::ui::msg::Msg;

/// Statistics state.
#[derive(Default)]
pub struct StatsState {
    /// Timeline buckets.
    pub weekly: bool,
    cache: Option<(u64, bool, Stats)>,
}

pub(super) fn tab(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    st: &mut StatsState,
    msgs: &mut Vec<Msg>,
) {
    if st
        .cache
        .as_ref()
        .is_none_or(|(s, w, _)| *s != state || *w != st.weekly)
    {
        let mut s = stats::stats(project);
        if st.weekly {
            s.timeline = stats::timeline(project, Bucket::Week);
        }
        st.cache = Some((state, st.weekly, s));
    }
    let Some((_, _, s)) = &st.cache else { return };
    ui.horizontal(|ui| {
        ui.label(format!(
            "{} articles · {} passages · {} tags",
            s.articles, s.annotations, s.tags
        ));
        ui.separator();
        ui.label("Export CSV:");
        for (label, table) in [
            ("tags", crate::exchange::tables::StatsTable::Tags),
            ("articles", crate::exchange::tables::StatsTable::Articles),
            (
                "co-occurrence",
                crate::exchange::tables::StatsTable::Cooccurrence,
            ),
            ("timeline", crate::exchange::tables::StatsTable::Timeline),
        ] {
            if ui.small_button(label).clicked() {
                msgs.push(Msg::ExportStats(table, st.weekly));
            }
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("stats")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.columns(2, |cols| {
                let ui = &mut cols[0];
                ui.label(RichText::new("Passages per tag").strong());
                let used: Vec<&stats::TagStats> =
                    s.per_tag.iter().filter(|t| t.passages > 0).collect();
                // Horizontal bars, one per tag, names on the vertical axis.
                let n = used.len();
                let bars: Vec<Bar> = used
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        Bar::new((n - 1 - i) as f64, t.passages as f64)
                            .name(&t.path)
                            .fill(colour_of(project, &t.path))
                            .width(0.7)
                    })
                    .collect();
                let names: Vec<String> = used.iter().rev().map(|t| t.path.clone()).collect();
                let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(4) as f32;
                Plot::new("tag_bars")
                    .height((24.0 * n as f32).clamp(80.0, 320.0))
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .include_x(0.0)
                    .show_grid([true, false])
                    .y_axis_min_width(longest * 6.5)
                    .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
                    .y_axis_formatter(move |m, _| {
                        names
                            .get(axis_index(m.value))
                            .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .show(ui, |p| {
                        p.bar_chart(BarChart::new("passages", bars).horizontal());
                    });
                egui::Grid::new("tag_table").striped(true).show(ui, |ui| {
                    for h in ["tag", "passages", "articles", "chars"] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for t in &s.per_tag {
                        ui.label(
                            RichText::new(&t.path)
                                .color(colour_of(project, &t.path).linear_multiply(1.0)),
                        );
                        ui.label(t.passages.to_string());
                        ui.label(t.articles.to_string());
                        ui.label(t.chars.to_string());
                        ui.end_row();
                    }
                });

                ui.add_space(8.0);
                ui.label(RichText::new("Passages per article").strong());
                // Virtualised: only the rows in view are laid out, however
                // many articles there are.
                let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
                ui.push_id("article_table", |ui| {
                    egui_extras::TableBuilder::new(ui)
                        .striped(true)
                        .max_scroll_height(320.0)
                        .column(egui_extras::Column::remainder().at_least(160.0).clip(true))
                        .column(egui_extras::Column::auto().at_least(80.0))
                        .column(egui_extras::Column::auto().at_least(60.0))
                        .column(egui_extras::Column::remainder().clip(true))
                        .header(row_h, |mut header| {
                            for h in ["article", "date", "passages", "tags"] {
                                header.col(|ui| {
                                    ui.label(RichText::new(h).strong());
                                });
                            }
                        })
                        .body(|body| {
                            body.rows(row_h, s.per_article.len(), |mut row| {
                                let a = &s.per_article[row.index()];
                                row.col(|ui| {
                                    let link = egui::Label::new(
                                        RichText::new(&a.title).color(ui.visuals().hyperlink_color),
                                    )
                                    .truncate()
                                    .sense(egui::Sense::click());
                                    if ui
                                        .add(link)
                                        .on_hover_text(&a.title)
                                        .on_hover_cursor(egui::CursorIcon::PointingHand)
                                        .clicked()
                                    {
                                        msgs.push(Msg::OpenArticle(ArticleId(a.id)));
                                    }
                                });
                                row.col(|ui| {
                                    ui.label(a.date.map(|d| d.to_string()).unwrap_or_default());
                                });
                                row.col(|ui| {
                                    ui.label(a.passages.to_string());
                                });
                                row.col(|ui| {
                                    let tags: Vec<String> =
                                        a.per_tag.iter().map(|(t, n)| format!("{t} {n}")).collect();
                                    ui.add(
                                        egui::Label::new(RichText::new(tags.join(", ")).small())
                                            .truncate(),
                                    );
                                });
                            });
                        });
                });

                let ui = &mut cols[1];
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Passages over time").strong());
                    ui.selectable_value(&mut st.weekly, false, "by month");
                    ui.selectable_value(&mut st.weekly, true, "by week");
                });
                let labels = s.timeline.labels.clone();
                Plot::new("timeline")
                    .height(240.0)
                    .legend(Legend::default().position(egui_plot::Corner::LeftTop))
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .include_y(0.0)
                    .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
                    .x_axis_formatter(move |m, _| {
                        labels
                            .get(axis_index(m.value))
                            .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .show(ui, |p| {
                        for (path, counts) in &s.timeline.series {
                            let pts: Vec<[f64; 2]> = counts
                                .iter()
                                .enumerate()
                                .map(|(i, c)| [i as f64, *c as f64])
                                .collect();
                            p.line(
                                Line::new(path.clone(), PlotPoints::from(pts))
                                    .color(colour_of(project, path))
                                    .width(2.0),
                            );
                        }
                    });
                if s.timeline.undated > 0 {
                    ui.label(
                        RichText::new(format!(
                            "{} passage(s) in undated articles are not shown.",
                            s.timeline.undated
                        ))
                        .weak()
                        .small(),
                    );
                }
                ui.label(RichText::new("Co-occurrence (same or overlapping passages)").strong());
                cooccurrence_grid(ui, project, s);
            });
        });
}

fn cooccurrence_grid(ui: &mut egui::Ui, project: &Project, s: &Stats) {
    let used: BTreeSet<String> = s
        .cooccurrence
        .iter()
        .flat_map(|c| [c.a.clone(), c.b.clone()])
        .collect();
    if used.is_empty() {
        ui.label(RichText::new("No two tags occur together yet.").weak());
        return;
    }
    let used: Vec<String> = used.into_iter().collect();
    let max = s
        .cooccurrence
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let by_pair: std::collections::HashMap<(&str, &str), usize> = s
        .cooccurrence
        .iter()
        .map(|c| ((c.a.as_str(), c.b.as_str()), c.count))
        .collect();
    let count = |a: &str, b: &str| {
        by_pair
            .get(&(a, b))
            .or_else(|| by_pair.get(&(b, a)))
            .copied()
            .unwrap_or(0)
    };
    egui::Grid::new("cooc").spacing([2.0, 2.0]).show(ui, |ui| {
        ui.label("");
        for (i, _) in used.iter().enumerate() {
            ui.label(RichText::new(format!("{}", i + 1)).small().strong());
        }
        ui.end_row();
        for (i, a) in used.iter().enumerate() {
            ui.label(
                RichText::new(format!("{} {a}", i + 1))
                    .small()
                    .color(colour_of(project, a)),
            );
            for b in &used {
                let n = if a == b { 0 } else { count(a, b) };
                let strength = n as f32 / max as f32;
                let (rect, resp) =
                    ui.allocate_exact_size(egui::vec2(28.0, 18.0), egui::Sense::hover());
                let bg = if a == b {
                    ui.visuals().faint_bg_color
                } else {
                    Color32::from_rgb(230, 120, 40).gamma_multiply(0.15 + 0.85 * strength)
                };
                ui.painter().rect_filled(rect, 2.0, bg);
                if n > 0 {
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        n.to_string(),
                        egui::FontId::proportional(11.0),
                        ui.visuals().strong_text_color(),
                    );
                    resp.on_hover_text(format!("{a} + {b}: {n}"));
                }
            }
            ui.end_row();
        }
    });
}
