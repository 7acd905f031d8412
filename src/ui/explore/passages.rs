//! The passages tab: passages by a combination of tags, sorted, with jumps
//! to each and exports.

use egui::RichText;

use super::widgets::chips;
use crate::model::Project;
use crate::model::retrieve::TagQuery;
use crate::ui::msg::Msg;

/// Passages-by-tag state.
#[derive(Default)]
pub struct PassagesState {
    /// The tag combination.
    pub query: TagQuery,
    /// Sort order.
    pub sort: PassageSort,
    cache: Option<(u64, TagQuery, PassageSort, Vec<crate::model::AnnotationId>)>,
}

/// How the passages list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PassageSort {
    /// By article, then position.
    #[default]
    Article,
    /// By article date.
    Date,
    /// By first tag path.
    Tag,
}

pub(super) fn tab(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    p: &mut PassagesState,
    msgs: &mut Vec<Msg>,
) {
    chips(ui, "Any of", project, &mut p.query.any);
    chips(ui, "All of", project, &mut p.query.all);
    chips(ui, "None of", project, &mut p.query.none);
    ui.horizontal(|ui| {
        ui.checkbox(&mut p.query.include_nested, "Include nested tags");
        ui.label("Sort by");
        ui.selectable_value(&mut p.sort, PassageSort::Article, "article");
        ui.selectable_value(&mut p.sort, PassageSort::Date, "date");
        ui.selectable_value(&mut p.sort, PassageSort::Tag, "tag");
    });
    let outdated = p
        .cache
        .as_ref()
        .is_none_or(|(s, q, so, _)| *s != state || *q != p.query || *so != p.sort);
    if outdated {
        let mut found: Vec<&crate::model::Annotation> = p.query.run(project);
        let cb = project.codebook();
        match p.sort {
            PassageSort::Article => found.sort_by_key(|a| (a.article, a.span.start())),
            PassageSort::Date => found.sort_by_key(|a| {
                (
                    project.article(a.article).and_then(|x| x.meta.date),
                    a.article,
                    a.span.start(),
                )
            }),
            PassageSort::Tag => found.sort_by_cached_key(|a| {
                (
                    a.tags.iter().map(|t| cb.path(*t)).min(),
                    a.article,
                    a.span.start(),
                )
            }),
        }
        p.cache = Some((
            state,
            p.query.clone(),
            p.sort,
            found.iter().map(|a| a.id).collect(),
        ));
    }
    let ids: &[crate::model::AnnotationId] = p.cache.as_ref().map_or(&[], |c| c.3.as_slice());
    ui.horizontal(|ui| {
        if p.query.is_empty() {
            ui.label(
                RichText::new(
                    "Choose tags above: “Any of” is OR, “All of” is AND, “None of” is NOT.",
                )
                .weak(),
            );
        } else {
            ui.label(crate::model::plural(ids.len(), "passage"));
        }
        if !ids.is_empty() {
            if ui.button("Export CSV…").clicked() {
                msgs.push(Msg::ExportPassages(ids.to_vec(), false));
            }
            if ui.button("Export Markdown…").clicked() {
                msgs.push(Msg::ExportPassages(ids.to_vec(), true));
            }
        }
    });
    let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 10.0;
    egui::ScrollArea::vertical()
        .id_salt("passages")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, ids.len(), |ui, range| {
            for id in &ids[range] {
                let Some(a) = project.annotation(*id) else {
                    continue;
                };
                let Some(art) = project.article(a.article) else {
                    continue;
                };
                let tags: Vec<String> =
                    a.tags.iter().map(|t| project.codebook().path(*t)).collect();
                let date = art.meta.date.map(|d| d.to_string()).unwrap_or_default();
                let passage: String = project
                    .passage(a)
                    .replace('\n', " ")
                    .chars()
                    .take(220)
                    .collect();
                let r = ui
                    .vertical(|ui| {
                        ui.horizontal(|ui| {
                            ui.label(
                                RichText::new(format!("{date} · {}", tags.join(", ")))
                                    .weak()
                                    .small(),
                            );
                            ui.add(egui::Label::new(RichText::new(&art.title).strong()).truncate());
                        });
                        let mut line = format!("“{passage}”");
                        if !a.note.is_empty() {
                            line.push_str("  — ");
                            line.push_str(&a.note.replace('\n', " "));
                        }
                        ui.add(
                            egui::Label::new(line)
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                    })
                    .inner;
                if r.on_hover_text("Open and select this passage").clicked() {
                    msgs.push(Msg::RevealPassage(a.id));
                }
            }
        });
}
