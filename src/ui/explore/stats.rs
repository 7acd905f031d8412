//! The statistics tab: passages per tag, over time, per article, and tag
//! co-occurrence, as charts and tables, each exportable as CSV.

use std::collections::BTreeSet;

use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoint, PlotPoints, Text};

use super::widgets::{axis_index, category_marks, colour_of, every_category};
use crate::model::stats::{self, Bucket, Stats};
use crate::model::{ArticleId, Project};
use crate::ui::msg::Msg;

/// Statistics state.
#[derive(Default)]
pub struct StatsState {
    /// Timeline buckets.
    pub weekly: bool,
    /// Tags not drawn on the timeline.
    pub hidden: BTreeSet<String>,
    cache: Option<(u64, bool, Stats)>,
    /// The attribute passages are cross-tabulated by.
    pub by: String,
    by_cache: Option<(u64, stats::CrossTab)>,
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
    // Out of the state while drawing, which changes the state's other fields.
    let Some(cache) = st.cache.take() else { return };
    let s = &cache.2;
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
                tag_bars(&mut cols[0], project, s);
                timeline(&mut cols[1], project, s, st);
            });
            ui.add_space(8.0);
            ui.columns(2, |cols| {
                tag_table(&mut cols[0], project, s);
                let ui = &mut cols[1];
                ui.label(RichText::new("Co-occurrence (same or overlapping passages)").strong());
                cooccurrence_grid(ui, project, s);
            });
            ui.add_space(8.0);
            cross_tab(ui, project, state, st);
            ui.add_space(8.0);
            article_table(ui, s, msgs);
        });
    st.cache = Some(cache);
}

/// Passages per tag by an article attribute (outlet × tag, month × tag):
/// stacked bars and a table, which copies as CSV.
fn cross_tab(ui: &mut egui::Ui, project: &Project, state: u64, st: &mut StatsState) {
    if st.by.is_empty() {
        st.by = if project
            .articles()
            .any(|a| a.meta.attributes.contains_key("outlet"))
        {
            "outlet".into()
        } else {
            "month".into()
        };
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("Passages per tag by").strong());
        egui::ComboBox::from_id_salt("cross_tab_by")
            .selected_text(&st.by)
            .show_ui(ui, |ui| {
                // Every article's attributes: only while the list is open.
                let mut names = crate::model::attributes::names(project.articles());
                names.extend(["month".to_owned(), "year".to_owned()]);
                for n in names {
                    ui.selectable_value(&mut st.by, n.clone(), n);
                }
            });
    });
    if st
        .by_cache
        .as_ref()
        .is_none_or(|(s, t)| *s != state || t.attribute != st.by)
    {
        st.by_cache = Some((state, stats::cross_tab(project, &st.by)));
    }
    let Some((_, t)) = &st.by_cache else { return };
    if t.series.is_empty() {
        ui.label(RichText::new("No passages yet.").weak());
        return;
    }
    if ui
        .small_button("Copy as CSV")
        .on_hover_text("The table below, for a spreadsheet")
        .clicked()
    {
        ui.ctx().copy_text(cross_tab_csv(t));
    }
    // Stacked bars: one column per value, one colour per tag.
    let mut charts: Vec<BarChart> = Vec::new();
    for (path, counts) in &t.series {
        let bars: Vec<Bar> = counts
            .iter()
            .enumerate()
            .map(|(i, c)| Bar::new(i as f64, *c as f64).width(0.7))
            .collect();
        let mut chart = BarChart::new(path.clone(), bars).color(colour_of(project, path));
        let below: Vec<&BarChart> = charts.iter().collect();
        if !below.is_empty() {
            chart = chart.stack_on(&below);
        }
        charts.push(chart);
    }
    let values = t.values.clone();
    Plot::new("cross_tab")
        .height(200.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .legend(egui_plot::Legend::default())
        .x_grid_spacer(every_category)
        .custom_x_axes(vec![egui_plot::AxisHints::new_x().formatter(
            move |m, _| {
                values
                    .get(axis_index(m.value))
                    .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                    .cloned()
                    .unwrap_or_default()
            },
        )])
        .show(ui, |p| {
            for c in charts {
                p.bar_chart(c);
            }
        });
    egui::ScrollArea::horizontal()
        .id_salt("cross_tab_table")
        .show(ui, |ui| {
            egui::Grid::new("cross_tab_grid")
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new("tag").small().strong());
                    for v in &t.values {
                        ui.label(RichText::new(v).small().strong());
                    }
                    ui.end_row();
                    for (path, counts) in &t.series {
                        ui.label(RichText::new(path).small());
                        for c in counts {
                            ui.label(RichText::new(c.to_string()).small());
                        }
                        ui.end_row();
                    }
                    ui.label(RichText::new("articles").small().weak());
                    for c in &t.articles {
                        ui.label(RichText::new(c.to_string()).small().weak());
                    }
                    ui.end_row();
                });
        });
}

/// The cross-tabulation as CSV (RFC 4180).
fn cross_tab_csv(t: &stats::CrossTab) -> String {
    let q = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::from("tag");
    for v in &t.values {
        out.push(',');
        out.push_str(&q(v));
    }
    out.push_str("\r\n");
    for (path, counts) in &t.series {
        out.push_str(&q(path));
        for c in counts {
            out.push(',');
            out.push_str(&c.to_string());
        }
        out.push_str("\r\n");
    }
    out
}

/// Passages per tag as horizontal bars, each with its count at its end.
fn tag_bars(ui: &mut egui::Ui, project: &Project, s: &Stats) {
    ui.label(RichText::new("Passages per tag").strong());
    let used: Vec<&stats::TagStats> = s.per_tag.iter().filter(|t| t.passages > 0).collect();
    if used.is_empty() {
        ui.label(RichText::new("No passages yet.").weak());
        return;
    }
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
    let most = used.iter().map(|t| t.passages).max().unwrap_or(1) as f64;
    let names: Vec<String> = used.iter().rev().map(|t| t.path.clone()).collect();
    let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(4) as f32;
    let text = ui.visuals().text_color();
    Plot::new("tag_bars")
        .height((22.0 * n as f32 + 30.0).clamp(90.0, 360.0))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_x(0.0)
        // Room for the counts written after the longest bar.
        .include_x(most * 1.15)
        .include_y(-0.6)
        .include_y(n as f64 - 0.4)
        .show_grid([true, false])
        .y_grid_spacer(every_category)
        // Counts are small numbers: labels a few digits wide fit closer
        // than the default 60 px apart.
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x()
                .tick_label_color(text)
                .label_spacing(24.0..=40.0)
                .formatter(|m, _| {
                    if m.value >= 0.0 && (m.value - m.value.round()).abs() < 1e-6 {
                        format!("{}", m.value.round())
                    } else {
                        String::new()
                    }
                }),
        ])
        .custom_y_axes(vec![
            egui_plot::AxisHints::new_y()
                .min_thickness(longest * 6.5)
                .tick_label_color(text)
                // Full strength once labels are a line apart.
                .label_spacing(4.0..=12.0)
                .formatter(move |m, _| {
                    names
                        .get(axis_index(m.value))
                        .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                        .cloned()
                        .unwrap_or_default()
                }),
        ])
        .show(ui, |p| {
            p.bar_chart(BarChart::new("passages", bars).horizontal());
            for (i, t) in used.iter().enumerate() {
                p.text(
                    Text::new(
                        format!("count {}", t.path),
                        PlotPoint::new(t.passages as f64, (n - 1 - i) as f64),
                        format!(" {}", t.passages),
                    )
                    .anchor(egui::Align2::LEFT_CENTER)
                    .color(text),
                );
            }
        });
}

/// Passages per tag over time, with the tags as toggles below the chart
/// (not a legend over it).
fn timeline(ui: &mut egui::Ui, project: &Project, s: &Stats, st: &mut StatsState) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Passages over time").strong());
        ui.selectable_value(&mut st.weekly, false, "by month");
        ui.selectable_value(&mut st.weekly, true, "by week");
    });
    let labels = s.timeline.labels.clone();
    let last = labels.len().saturating_sub(1) as f64;
    let hidden = &st.hidden;
    Plot::new("timeline")
        .height(220.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        // Half a step of room on either side, so the end labels are whole.
        .include_x(-0.3)
        .include_x(last + 0.3)
        .x_grid_spacer(category_marks)
        .custom_x_axes(vec![
            egui_plot::AxisHints::new_x()
                .tick_label_font(egui::FontId::proportional(11.0))
                .label_spacing(20.0..=40.0)
                .formatter(move |m, _| {
                    labels
                        .get(axis_index(m.value))
                        .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                        .cloned()
                        .unwrap_or_default()
                }),
        ])
        .show(ui, |p| {
            for (path, counts) in &s.timeline.series {
                if hidden.contains(path) {
                    continue;
                }
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
    egui::CollapsingHeader::new("Tags shown")
        .id_salt("timeline_tags")
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                for (path, _) in &s.timeline.series {
                    let mut on = !st.hidden.contains(path);
                    let colour = project
                        .codebook()
                        .find_path(path)
                        .and_then(|t| project.codebook().get(t))
                        .map(|t| t.props.colour);
                    let label = match colour {
                        Some(c) => crate::ui::codebook::swatch_label(ui, c, path),
                        None => path.clone().into(),
                    };
                    if ui.checkbox(&mut on, label).changed() {
                        if on {
                            st.hidden.remove(path);
                        } else {
                            st.hidden.insert(path.clone());
                        }
                    }
                }
            });
        });
    if s.timeline.undated > 0 {
        ui.label(
            RichText::new(format!(
                "{} in undated articles {} not shown.",
                crate::model::plural(s.timeline.undated, "passage"),
                if s.timeline.undated == 1 { "is" } else { "are" }
            ))
            .weak()
            .small(),
        );
    }
}

fn tag_table(ui: &mut egui::Ui, project: &Project, s: &Stats) {
    egui::Grid::new("tag_table").striped(true).show(ui, |ui| {
        for h in ["tag", "passages", "articles", "chars"] {
            ui.label(RichText::new(h).strong());
        }
        ui.end_row();
        for t in &s.per_tag {
            let colour = project
                .codebook()
                .find_path(&t.path)
                .and_then(|id| project.codebook().get(id))
                .map(|tag| tag.props.colour);
            match colour {
                Some(c) => ui.label(crate::ui::codebook::swatch_label(ui, c, &t.path)),
                None => ui.label(&t.path),
            };
            ui.label(t.passages.to_string());
            ui.label(t.articles.to_string());
            ui.label(t.chars.to_string());
            ui.end_row();
        }
    });
}

fn article_table(ui: &mut egui::Ui, s: &Stats, msgs: &mut Vec<Msg>) {
    ui.label(RichText::new("Passages per article").strong());
    // Virtualised: only the rows in view are laid out, however many
    // articles there are.
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
                        let all = tags.join(", ");
                        ui.add(egui::Label::new(RichText::new(&all).small()).truncate())
                            .on_hover_text(all);
                    });
                });
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
        for (i, b) in used.iter().enumerate() {
            ui.label(RichText::new(format!("{}", i + 1)).strong())
                .on_hover_text(b);
        }
        ui.end_row();
        for (i, a) in used.iter().enumerate() {
            let colour = project
                .codebook()
                .find_path(a)
                .and_then(|t| project.codebook().get(t))
                .map(|t| t.props.colour);
            let label = format!("{} {a}", i + 1);
            match colour {
                Some(c) => ui.label(crate::ui::codebook::swatch_label(ui, c, &label)),
                None => ui.label(label),
            };
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
                        egui::FontId::proportional(12.0),
                        ui.visuals().strong_text_color(),
                    );
                }
                if a != b {
                    resp.on_hover_text(format!(
                        "{a} and {b}: {}",
                        crate::model::plural(n, "passage")
                    ));
                }
            }
            ui.end_row();
        }
    });
}
