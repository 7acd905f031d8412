//! The right panel: the codebook (nested tags with colours, shortcuts and
//! counts) and the inspector for the selected passage and the article.

use std::collections::HashMap;

use egui::{Color32, RichText};

use super::msg::Msg;
use crate::model::{Action, AnnotationId, Article, Colour, Project, TagId, TagProps, Timestamp};

/// Editing state of the codebook panel.
#[derive(Default)]
pub struct CodebookState {
    /// The "new tag" field.
    pub new_tag: String,
    /// A tag being edited (name, shortcut, description).
    pub editing: Option<TagEdit>,
    /// Put the keyboard in the note field (passage's, else article's) next frame.
    pub focus_note: bool,
}

/// The fields of a tag being edited.
pub struct TagEdit {
    /// Which tag.
    pub tag: TagId,
    /// Its name.
    pub name: String,
    /// Its shortcut, as typed.
    pub shortcut: String,
    /// Its description.
    pub description: String,
}

/// A label led by a square in the tag's colour (`■ Threat/Cyber`), readable
/// whatever the colour.
pub(super) fn swatch_label(ui: &egui::Ui, colour: Colour, text: &str) -> egui::WidgetText {
    let mut job = egui::text::LayoutJob::default();
    let font = egui::TextStyle::Button.resolve(ui.style());
    job.append(
        "■ ",
        0.0,
        egui::TextFormat::simple(font.clone(), colour32(colour)),
    );
    job.append(
        text,
        0.0,
        egui::TextFormat::simple(font, ui.visuals().text_color()),
    );
    job.into()
}

pub(super) fn colour32(c: Colour) -> Color32 {
    let [r, g, b] = c.0;
    Color32::from_rgb(r, g, b)
}

/// Shows the codebook.
pub fn show_codebook(
    ui: &mut egui::Ui,
    project: &Project,
    state: &mut CodebookState,
    can_tag: bool,
    msgs: &mut Vec<Msg>,
) {
    ui.horizontal(|ui| {
        ui.heading("Codebook");
        ui.label(
            RichText::new(format!("{} tags", project.codebook().len()))
                .weak()
                .small(),
        );
    });
    ui.horizontal(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut state.new_tag)
                .hint_text("New tag (Parent/Child)")
                .desired_width(ui.available_width() - 48.0),
        );
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Add").clicked() || enter) && !state.new_tag.trim().is_empty() {
            msgs.push(Msg::CreateTag(state.new_tag.trim().to_owned(), false));
            state.new_tag.clear();
        }
    });
    if can_tag {
        ui.label(
            RichText::new("Click a tag or press its key to tag the selection.")
                .small()
                .weak(),
        );
    }
    let usage = project.tag_usage();
    egui::ScrollArea::vertical()
        .id_salt("codebook_scroll")
        .max_height(ui.available_height() * 0.55)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for tag in project.codebook().children(None) {
                tag_row(ui, project, tag.id, 0, usage, state, msgs);
            }
            if project.codebook().is_empty() {
                ui.label(
                    RichText::new(
                        "No tags yet. Type a name above, or select text and press Ctrl+T.",
                    )
                    .weak(),
                );
            }
        });
    if let Some(edit) = &mut state.editing {
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new(format!("Edit {}", project.codebook().path(edit.tag))).strong());
            egui::Grid::new("tag_edit").num_columns(2).show(ui, |ui| {
                ui.label("Name");
                ui.text_edit_singleline(&mut edit.name);
                ui.end_row();
                ui.label("Shortcut");
                ui.add(
                    egui::TextEdit::singleline(&mut edit.shortcut)
                        .char_limit(1)
                        .desired_width(24.0),
                )
                .on_hover_text("One key, e.g. 1–9 or a letter; empty for none");
                ui.end_row();
                ui.label("Description");
                ui.add(egui::TextEdit::multiline(&mut edit.description).desired_rows(2));
                ui.end_row();
            });
            ui.horizontal(|ui| {
                if ui.button("Apply").clicked()
                    && let Some(t) = project.codebook().get(edit.tag)
                {
                    msgs.push(Msg::Apply(Action::SetTagProps {
                        tag: edit.tag,
                        props: TagProps {
                            name: edit.name.trim().to_owned(),
                            shortcut: edit.shortcut.chars().next(),
                            description: edit.description.clone(),
                            ..t.props.clone()
                        },
                    }));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            state.editing = None;
        }
    }
}

fn tag_row(
    ui: &mut egui::Ui,
    project: &Project,
    id: TagId,
    depth: usize,
    usage: &HashMap<TagId, usize>,
    state: &mut CodebookState,
    msgs: &mut Vec<Msg>,
) {
    let Some(tag) = project.codebook().get(id) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.add_space(depth as f32 * 16.0);
        let mut rgb = tag.props.colour.0;
        let r = ui
            .scope(|ui| {
                ui.spacing_mut().interact_size = egui::vec2(16.0, 16.0);
                ui.color_edit_button_srgb(&mut rgb)
            })
            .inner
            .on_hover_text("Colour");
        if r.changed() {
            msgs.push(Msg::Apply(Action::SetTagProps {
                tag: id,
                props: TagProps {
                    colour: Colour(rgb),
                    ..tag.props.clone()
                },
            }));
        }
        let mut label = RichText::new(&tag.props.name);
        if depth == 0 {
            label = label.strong();
        }
        let resp = ui
            .add(
                egui::Button::new(label)
                    .frame(false)
                    .fill(Color32::TRANSPARENT),
            )
            .on_hover_text(if tag.props.description.is_empty() {
                "Click to tag the selection".to_owned()
            } else {
                tag.props.description.clone()
            });
        if resp.clicked() {
            msgs.push(Msg::ApplyTag(id));
        }
        resp.context_menu(|ui| tag_menu(ui, project, id, state, msgs));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(usage.get(&id).copied().unwrap_or(0).to_string()).weak())
                .on_hover_text("Passages with this tag");
            if let Some(k) = tag.props.shortcut {
                ui.label(
                    RichText::new(k.to_string())
                        .monospace()
                        .background_color(colour32(tag.props.colour).gamma_multiply(0.4)),
                )
                .on_hover_text("Shortcut");
            }
            ui.menu_button("☰", |ui| tag_menu(ui, project, id, state, msgs));
        });
    });
    for child in project.codebook().children(Some(id)) {
        tag_row(ui, project, child.id, depth + 1, usage, state, msgs);
    }
}

fn tag_menu(
    ui: &mut egui::Ui,
    project: &Project,
    id: TagId,
    state: &mut CodebookState,
    msgs: &mut Vec<Msg>,
) {
    let cb = project.codebook();
    let Some(tag) = cb.get(id) else { return };
    if ui.button("Rename, shortcut, description…").clicked() {
        state.editing = Some(TagEdit {
            tag: id,
            name: tag.props.name.clone(),
            shortcut: tag.props.shortcut.map(String::from).unwrap_or_default(),
            description: tag.props.description.clone(),
        });
        ui.close();
    }
    if ui.button("Show articles with this tag").clicked() {
        msgs.push(Msg::FilterByTag(id));
        ui.close();
    }
    let family = cb.with_descendants(id);
    let mut others: Vec<(String, TagId)> = cb
        .iter()
        .filter(|t| !family.contains(&t.id))
        .map(|t| (cb.path(t.id), t.id))
        .collect();
    others.sort();
    ui.menu_button("Move under", |ui| {
        if tag.props.parent.is_some() && ui.button("(top level)").clicked() {
            msgs.push(Msg::Apply(Action::SetTagProps {
                tag: id,
                props: TagProps {
                    parent: None,
                    ..tag.props.clone()
                },
            }));
            ui.close();
        }
        for (path, other) in &others {
            if Some(*other) != tag.props.parent && ui.button(path).clicked() {
                msgs.push(Msg::Apply(Action::SetTagProps {
                    tag: id,
                    props: TagProps {
                        parent: Some(*other),
                        ..tag.props.clone()
                    },
                }));
                ui.close();
            }
        }
    });
    ui.menu_button("Merge into", |ui| {
        for (path, other) in &others {
            if ui.button(path).clicked() {
                msgs.push(Msg::MergeTag(id, *other));
                ui.close();
            }
        }
    });
    ui.separator();
    if ui.button("Delete…").clicked() {
        msgs.push(Msg::AskDeleteTag(id));
        ui.close();
    }
}

/// Shows the inspector: the selected passage, or the article's note.
pub fn show_inspector(
    ui: &mut egui::Ui,
    project: &Project,
    article: Option<&Article>,
    selected: Option<AnnotationId>,
    selection_len: usize,
    focus_note: &mut bool,
    msgs: &mut Vec<Msg>,
) {
    if let Some(a) = selected.and_then(|id| project.annotation(id)) {
        ui.heading("Passage");
        let passage = project.passage(a);
        let preview: String = passage.chars().take(240).collect();
        let more = if passage.chars().count() > 240 {
            "…"
        } else {
            ""
        };
        ui.label(RichText::new(format!("“{preview}{more}”")).italics());
        ui.label(
            RichText::new(format!(
                "chars {}–{} · {} chars",
                a.span.start(),
                a.span.end(),
                a.span.len()
            ))
            .small()
            .weak(),
        );
        ui.horizontal_wrapped(|ui| {
            for t in &a.tags {
                let Some(tag) = project.codebook().get(*t) else {
                    continue;
                };
                let chip = egui::Button::new(
                    RichText::new(format!("{} ×", project.codebook().path(*t)))
                        .color(Color32::BLACK),
                )
                .fill(colour32(tag.props.colour));
                if ui
                    .add(chip)
                    .on_hover_text("Remove this tag (the last one deletes the passage)")
                    .clicked()
                {
                    msgs.push(Msg::ToggleTag(a.id, *t));
                }
            }
            ui.menu_button("+ tag", |ui| {
                let mut all: Vec<(String, TagId)> = project
                    .codebook()
                    .iter()
                    .filter(|t| !a.tags.contains(&t.id))
                    .map(|t| (project.codebook().path(t.id), t.id))
                    .collect();
                all.sort();
                for (path, t) in all {
                    if ui.button(path).clicked() {
                        msgs.push(Msg::ToggleTag(a.id, t));
                        ui.close();
                    }
                }
            });
        });
        ui.horizontal(|ui| {
            ui.label("Start");
            if ui
                .small_button("◀")
                .on_hover_text("Extend the start by one character")
                .clicked()
            {
                msgs.push(Msg::Nudge(a.id, -1, 0));
            }
            if ui
                .small_button("▶")
                .on_hover_text("Shrink the start by one character")
                .clicked()
            {
                msgs.push(Msg::Nudge(a.id, 1, 0));
            }
            ui.label("End");
            if ui
                .small_button("◀")
                .on_hover_text("Shrink the end by one character")
                .clicked()
            {
                msgs.push(Msg::Nudge(a.id, 0, -1));
            }
            if ui
                .small_button("▶")
                .on_hover_text("Extend the end by one character")
                .clicked()
            {
                msgs.push(Msg::Nudge(a.id, 0, 1));
            }
        });
        ui.label(
            RichText::new("Or drag the handles at the passage's ends.")
                .small()
                .weak(),
        );
        ui.horizontal(|ui| {
            ui.label("Note on the passage");
            let who = a.note_by.as_deref().or(a.author.as_deref());
            if let Some(who) = who.filter(|_| !a.note.is_empty()) {
                ui.label(RichText::new(format!("by {who}")).small().weak());
            }
        });
        let mut note = a.note.clone();
        let r = ui.add(
            egui::TextEdit::multiline(&mut note)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("Why this passage matters…"),
        );
        if std::mem::take(focus_note) {
            r.request_focus();
        }
        if r.changed() {
            msgs.push(Msg::Apply(Action::SetAnnotationNote {
                by: None,
                annotation: a.id,
                note,
                modified: Timestamp::now(),
            }));
        }
        if r.lost_focus() {
            msgs.push(Msg::Seal);
        }
        if ui.button("🗑 Delete passage").clicked() {
            msgs.push(Msg::Apply(Action::RemoveAnnotation(a.id)));
        }
        ui.separator();
    } else if selection_len > 0 {
        ui.label(RichText::new(format!("{selection_len} characters selected")).strong());
        ui.label(
            RichText::new(
                "Press a tag's key, click a tag, or Ctrl+T to type one. “.” repeats the last tag.",
            )
            .small()
            .weak(),
        );
        ui.separator();
    }
    if let Some(art) = article {
        ui.horizontal(|ui| {
            ui.label(RichText::new("Note on the article").strong());
            if let Some(who) = art.note_by.as_deref().filter(|_| !art.note.is_empty()) {
                ui.label(RichText::new(format!("by {who}")).small().weak());
            }
        });
        let mut note = art.note.clone();
        let r = ui.add(
            egui::TextEdit::multiline(&mut note)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("Your notes on this article…"),
        );
        if std::mem::take(focus_note) {
            r.request_focus();
        }
        if r.changed() {
            msgs.push(Msg::Apply(Action::SetArticleNote {
                by: None,
                article: art.id,
                note,
            }));
        }
        if r.lost_focus() {
            msgs.push(Msg::Seal);
        }
        attributes_editor(ui, art, msgs);
    }
}

/// The article's attributes: each editable (a value typed as a date
/// `YYYY-MM-DD` or a number is stored as one), removable, and a row to add
/// one. Changes apply when a field loses focus, as one undo step.
fn attributes_editor(ui: &mut egui::Ui, art: &crate::model::Article, msgs: &mut Vec<Msg>) {
    use crate::model::attributes::Value;
    egui::CollapsingHeader::new(RichText::new("Attributes").strong())
        .id_salt(("attributes", art.id))
        .default_open(!art.meta.attributes.is_empty())
        .show(ui, |ui| {
            egui::Grid::new(("attribute grid", art.id))
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for (name, value) in &art.meta.attributes {
                        ui.label(RichText::new(name).small());
                        let id = ui.scope_id().with(("attr", art.id, name));
                        let mut buf: String = ui
                            .data_mut(|d| d.get_temp::<String>(id))
                            .unwrap_or_else(|| value.to_string());
                        let r = ui
                            .add_sized(
                                [160.0, ui.spacing().interact_size.y],
                                egui::TextEdit::singleline(&mut buf),
                            )
                            .accessible_name(format!("{name} of this article"));
                        if r.changed() {
                            ui.data_mut(|d| d.insert_temp(id, buf.clone()));
                        }
                        if r.lost_focus() {
                            ui.data_mut(|d| d.remove::<String>(id));
                            if buf != value.to_string() {
                                msgs.push(Msg::Apply(Action::SetAttribute {
                                    article: art.id,
                                    name: name.clone(),
                                    value: Some(Value::parse(&buf)),
                                }));
                            }
                        }
                        if ui
                            .small_button("×")
                            .on_hover_text(format!("Remove {name} from this article"))
                            .clicked()
                        {
                            msgs.push(Msg::Apply(Action::SetAttribute {
                                article: art.id,
                                name: name.clone(),
                                value: None,
                            }));
                        }
                        ui.end_row();
                    }
                });
            // A new attribute: name and value.
            let id = ui.scope_id().with(("new attr", art.id));
            let (mut name, mut value): (String, String) =
                ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut name)
                        .hint_text("name")
                        .desired_width(80.0),
                );
                ui.add(
                    egui::TextEdit::singleline(&mut value)
                        .hint_text("value")
                        .desired_width(110.0),
                );
                let ok = !name.trim().is_empty() && !value.trim().is_empty();
                if ui.add_enabled(ok, egui::Button::new("Add")).clicked() {
                    msgs.push(Msg::Apply(Action::SetAttribute {
                        article: art.id,
                        name: name.trim().to_lowercase(),
                        value: Some(Value::parse(&value)),
                    }));
                    name.clear();
                    value.clear();
                }
            });
            ui.data_mut(|d| d.insert_temp(id, (name, value)));
        });
}
