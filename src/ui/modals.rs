//! The modal dialogs (unsaved changes, deleting a used tag, import reports,
//! recovery, save conflicts, errors), the pickers (command palette, quick
//! tag) and the project memo window.

use egui::RichText;

use super::app::GlossApp;
use super::jobs;
use super::msg::Msg;
use super::palette::{self, Picked, QuickTagChoice};
use super::state::{After, Dialog};
use crate::exchange::import::Severity;
use crate::io::paths::shown;
use crate::model::{Action, plural};

/// Work a dialog button leaves for after the dialog is drawn.
pub(super) type Continuation = Box<dyn FnOnce(&mut GlossApp, &egui::Context)>;

impl GlossApp {
    pub(super) fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(mut dialog) = self.dialog.take() else {
            return;
        };
        let mut keep = true;
        let mut then: Option<Continuation> = None;
        let modal = egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            match &mut dialog {
                Dialog::Unsaved(after) => {
                    ui.heading("Unsaved changes");
                    ui.label(format!("Save the changes to {} before {}?", self.project_name(), match after {
                        After::Quit => "closing",
                        After::New => "starting a new project",
                        After::Open(_) => "opening another project",
                    }));
                    ui.horizontal(|ui| {
                        let after2 = after.clone();
                        let after = after.clone();
                        if ui.button("Save").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                app.after_save = Some(after);
                                app.save(ctx, false);
                            }));
                        }
                        if ui.button("Don't save").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                app.remove_recovery();
                                app.session.mark_saved();
                                app.proceed(ctx, after2);
                            }));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::DeleteTag { tag, impact, choice } => {
                    use super::state::DeleteChoice;
                    let cb = self.project().codebook();
                    ui.heading(format!("Delete tag {}?", cb.path(*tag)));
                    if impact.nested_tags > 0 {
                        ui.label(format!(
                            "Its {} deleted with it.",
                            plural_verb(impact.nested_tags, "nested tag", "is", "are")
                        ));
                    }
                    if impact.lose_tag > 0 {
                        ui.label(format!(
                            "{} other tags and only lose this one.",
                            plural_verb(impact.lose_tag, "passage", "keeps its", "keep their")
                        ));
                    }
                    let untagged = impact.left_untagged;
                    if untagged > 0 {
                        ui.label(format!(
                            "{} no other tag. What should happen to {}?",
                            plural_verb(untagged, "passage", "has", "have"),
                            if untagged == 1 { "it" } else { "them" }
                        ));
                        let parent = cb.get(*tag).and_then(|t| t.props.parent);
                        let family = cb.with_descendants(*tag);
                        if let Some(p) = parent {
                            ui.radio_value(
                                choice,
                                DeleteChoice::Retag(Some(p)),
                                format!("Give {} the parent tag, {}", if untagged == 1 { "it" } else { "them" }, cb.path(p)),
                            );
                        }
                        ui.horizontal(|ui| {
                            let other = match *choice {
                                DeleteChoice::Retag(t) if t != parent || parent.is_none() => t,
                                _ => None,
                            };
                            let mut picked = other;
                            let selected = matches!(*choice, DeleteChoice::Retag(t) if t == other && (t != parent || parent.is_none()));
                            if ui.radio(selected, "Give them another tag:").clicked() {
                                *choice = DeleteChoice::Retag(other);
                            }
                            egui::ComboBox::from_id_salt("retag")
                                .selected_text(picked.map_or_else(|| "choose…".to_owned(), |t| cb.path(t)))
                                .show_ui(ui, |ui| {
                                    for t in cb.iter().filter(|t| !family.contains(&t.id) && Some(t.id) != parent) {
                                        ui.selectable_value(&mut picked, Some(t.id), cb.path(t.id));
                                    }
                                })
                                .response
                                .accessible_name("Another tag");
                            if picked != other {
                                *choice = DeleteChoice::Retag(picked);
                            }
                        });
                        ui.radio_value(
                            choice,
                            DeleteChoice::DeletePassages,
                            RichText::new(format!("Delete {}", if untagged == 1 { "that passage".to_owned() } else { format!("those {untagged} passages") }))
                                .color(ui.visuals().error_fg_color),
                        );
                    }
                    if impact.orphans > 0 {
                        ui.label(format!("{} affected too.", plural_verb(impact.orphans, "orphaned passage", "is", "are")));
                    }
                    ui.label(RichText::new("You can undo this with Ctrl+Z.").weak());
                    ui.horizontal(|ui| {
                        let deletes = untagged > 0 && *choice == DeleteChoice::DeletePassages;
                        let ready = untagged == 0 || !matches!(choice, DeleteChoice::Retag(None));
                        let label = if deletes {
                            format!("Delete the tag and {}", plural(untagged, "passage"))
                        } else {
                            "Delete the tag".to_owned()
                        };
                        if ui
                            .add_enabled(ready, egui::Button::new(label))
                            .on_disabled_hover_text("Choose what happens to the passages left without a tag")
                            .clicked()
                        {
                            let (tag, choice) = (*tag, *choice);
                            then = Some(Box::new(move |app, _| app.delete_tag(tag, choice)));
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::ImportReport { summary, lines } => {
                    ui.heading("Import finished");
                    ui.label(summary.as_str());
                    egui::ScrollArea::vertical().max_height(280.0).show(ui, |ui| {
                        for (severity, line) in lines {
                            let mark = match severity {
                                Severity::Info => "·",
                                Severity::Warning => "!",
                                Severity::Duplicate => "=",
                                Severity::NotKept => "–",
                                Severity::Refused => "×",
                            };
                            ui.label(
                                RichText::new(format!("{mark} {line}"))
                                    .color(super::exchange::line_colour(ui, *severity)),
                            );
                        }
                    });
                    if ui.button("OK").clicked() {
                        keep = false;
                    }
                }
                Dialog::Restore { project, recovery } => {
                    ui.heading("Recover unsaved work?");
                    ui.label(format!("{} has autosaved changes newer than the project file. Restore them? The project file stays as it is until you save.", project.display()));
                    ui.horizontal(|ui| {
                        let (p, r) = (project.clone(), recovery.clone());
                        if ui.button("Restore").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                app.jobs.push(jobs::restore(ctx, Some(p), r));
                            }));
                        }
                        let p = project.clone();
                        if ui.button("Discard autosave").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                let opts = jobs::OpenOptions {
                                    discard_recovery: true,
                                    ..jobs::OpenOptions::default()
                                };
                                app.jobs.push(jobs::open(ctx, p, opts));
                            }));
                        }
                    });
                }
                Dialog::RestoreUntitled(recovery) => {
                    ui.heading("Recover unsaved work?");
                    ui.label("Gloss closed with work in a project that was never saved. Restore it?");
                    ui.horizontal(|ui| {
                        let r = recovery.clone();
                        if ui.button("Restore").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                app.jobs.push(jobs::restore(ctx, None, r));
                            }));
                        }
                        let r = recovery.clone();
                        if ui.button("Discard it").clicked() {
                            keep = false;
                            then = Some(Box::new(move |_, _| jobs::remove_quietly(r)));
                        }
                    });
                }
                Dialog::SaveConflict { path, message, changed } => {
                    ui.heading("The project was not saved");
                    ui.label(message.as_str());
                    ui.label(RichText::new("Your work is still open here; nothing on disk was changed.").weak());
                    ui.horizontal(|ui| {
                        if *changed {
                            let p = path.clone();
                            if ui
                                .button("Reload from disk")
                                .on_hover_text("Open the file as it is on disk now; your unsaved changes here are discarded")
                                .clicked()
                            {
                                keep = false;
                                then = Some(Box::new(move |app, ctx| {
                                    app.remove_recovery();
                                    app.session.mark_saved();
                                    app.presence = None;
                                    let opts = jobs::OpenOptions {
                                        even_if_open_elsewhere: true,
                                        ..jobs::OpenOptions::default()
                                    };
                                    app.jobs.push(jobs::open(ctx, p, opts));
                                }));
                            }
                        }
                        if ui.button("Save as…").clicked() {
                            keep = false;
                            then = Some(Box::new(|app, ctx| app.save(ctx, true)));
                        }
                        let p = path.clone();
                        let warning = if *changed {
                            "Replace the file on disk with this window's version: the other program's changes are lost (the replaced file is kept as .bak)"
                        } else {
                            "Replace the file anyway (the replaced file is kept as .bak)"
                        };
                        if ui.button("Overwrite").on_hover_text(warning).clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| app.save_to_with(ctx, p, true)));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::OpenElsewhere { path, holder } => {
                    ui.heading("Open in another window");
                    ui.label(format!(
                        "{} is already open in another Gloss window ({holder}). If both change it, Gloss will not let one save over the other's work, but you would have to choose which to keep.",
                        shown(path)
                    ));
                    ui.horizontal(|ui| {
                        let p = path.clone();
                        if ui.button("Open here too").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                let opts = jobs::OpenOptions {
                                    even_if_open_elsewhere: true,
                                    ..jobs::OpenOptions::default()
                                };
                                app.jobs.push(jobs::open(ctx, p, opts));
                            }));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::NewArticle { title, text } => {
                    ui.heading("New article from clipboard");
                    ui.label("Paste the article's text below (Ctrl+V), then give it a title.");
                    ui.add(
                        egui::TextEdit::singleline(title)
                            .hint_text("Title (empty: its first sentence)")
                            .desired_width(f32::INFINITY),
                    );
                    egui::ScrollArea::vertical()
                        .max_height(320.0)
                        .show(ui, |ui| {
                            let r = ui.add(
                                egui::TextEdit::multiline(text)
                                    .hint_text("Paste the text here")
                                    .desired_rows(12)
                                    .desired_width(f32::INFINITY),
                            );
                            if text.is_empty() && !r.has_focus() {
                                r.request_focus();
                            }
                        });
                    ui.horizontal(|ui| {
                        let ok = !text.trim().is_empty();
                        if ui
                            .add_enabled(ok, egui::Button::new("Add the article"))
                            .clicked()
                        {
                            keep = false;
                            let (title, text) = (title.trim().to_owned(), text.clone());
                            then = Some(Box::new(move |app, _| app.add_pasted(&title, &text)));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::AnalystName(draft) => {
                    ui.heading("Your name");
                    ui.label(
                        "Gloss records it as the author of each passage you make, and \
                         exports it (REFI-QDA users, W3C creators), so that a team's \
                         coding can be told apart and compared.",
                    );
                    let hint = crate::io::user::os_user().map_or_else(
                        || "e.g. Ana Lima (empty: passages record no author)".to_owned(),
                        |system| format!("{system} (your system user name, when empty)"),
                    );
                    let edit = ui.add(
                        egui::TextEdit::singleline(draft)
                            .hint_text(hint)
                            .desired_width(f32::INFINITY),
                    );
                    if !edit.has_focus() && !edit.lost_focus() {
                        edit.request_focus();
                    }
                    let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() || enter {
                            keep = false;
                            let name = draft.trim().to_owned();
                            then = Some(Box::new(move |app, _| {
                                app.settings.analyst = name;
                                let who = app.settings.stamp().by;
                                app.toast(
                                    who.map_or_else(
                                        || "New passages record no author".to_owned(),
                                        |w| format!("New passages are by {w}"),
                                    ),
                                    false,
                                );
                            }));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Conflicts => {
                    let (close, next) = self.conflicts_dialog(ui);
                    keep = !close;
                    then = next;
                }
                Dialog::Error(text) => {
                    ui.heading("Something went wrong");
                    ui.label(text.as_str());
                    if ui.button("OK").clicked() {
                        keep = false;
                    }
                }
            }
        });
        if modal.should_close()
            && !matches!(dialog, Dialog::Restore { .. } | Dialog::RestoreUntitled(_))
        {
            keep = false;
        }
        if keep {
            self.dialog = Some(dialog);
        }
        if let Some(f) = then {
            f(self, ctx);
        }
    }

    pub(super) fn pickers(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
        if let Some(p) = &mut self.palette {
            match palette::command_palette(ctx, p) {
                Picked::Open => {}
                Picked::Cancelled => self.palette = None,
                Picked::Chosen(c) => {
                    self.palette = None;
                    msgs.push(Msg::Command(c));
                }
            }
        }
        if let Some(p) = &mut self.quick_tag {
            match palette::quick_tag(ctx, p, self.session.project()) {
                Picked::Open => {}
                Picked::Cancelled => self.quick_tag = None,
                Picked::Chosen(QuickTagChoice::Existing(t)) => {
                    self.quick_tag = None;
                    msgs.push(Msg::ApplyTag(t));
                }
                Picked::Chosen(QuickTagChoice::New(path)) => {
                    self.quick_tag = None;
                    msgs.push(Msg::CreateTag(path, true));
                }
            }
        }
    }

    pub(super) fn memo_window(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
        if !self.memo_open {
            return;
        }
        let mut open = true;
        egui::Window::new("Project memo")
            .open(&mut open)
            .default_size([420.0, 300.0])
            .show(ctx, |ui| {
                let mut memo = self.project().memo().to_owned();
                let r = ui.add(
                    egui::TextEdit::multiline(&mut memo)
                        .desired_width(f32::INFINITY)
                        .desired_rows(12)
                        .hint_text("Research questions, coding rules, decisions…"),
                );
                if r.changed() {
                    msgs.push(Msg::Apply(Action::SetMemo(memo)));
                }
                if r.lost_focus() {
                    msgs.push(Msg::Seal);
                }
            });
        self.memo_open = open;
    }
}

/// `3 passages have` / `1 passage has`: a count, its noun and the verb that
/// agrees with it.
fn plural_verb(n: usize, noun: &str, one: &str, many: &str) -> String {
    format!("{} {}", plural(n, noun), if n == 1 { one } else { many })
}
