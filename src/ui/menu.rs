//! The menu bar, the status bar and the keyboard shortcuts, all from the one
//! list of commands.

use egui::{Color32, RichText};

use super::app::GlossApp;
use super::commands::Command;
use super::msg::Msg;

impl GlossApp {
    pub(super) fn menu_bar(&mut self, ui: &mut egui::Ui, msgs: &mut Vec<Msg>) {
        let ctx = ui.ctx().clone();
        let item = |ui: &mut egui::Ui, cmd: Command, msgs: &mut Vec<Msg>| {
            let mut b = egui::Button::new(cmd.label());
            if let Some(s) = cmd.shown_shortcut() {
                b = b.shortcut_text(ctx.format_shortcut(&s));
            }
            if ui.add(b).on_hover_text(cmd.tooltip()).clicked() {
                msgs.push(Msg::Command(cmd));
                ui.close();
            }
        };
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for c in [Command::NewProject, Command::OpenProject] {
                    item(ui, c, msgs);
                }
                ui.menu_button("Recent projects", |ui| {
                    if self.recent_checked.0.is_empty() {
                        ui.label(RichText::new("None yet").weak());
                    }
                    let (recent, exists) = &self.recent_checked;
                    for (p, exists) in recent.iter().zip(exists) {
                        let exists = *exists;
                        let r = ui.add_enabled(
                            exists,
                            egui::Button::new(crate::io::paths::shown(p).to_string()),
                        );
                        if !exists {
                            r.on_disabled_hover_text("Not there any more (moved or deleted)");
                        } else if r.clicked() {
                            msgs.push(Msg::OpenRecent(p.clone()));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                for c in [
                    Command::ImportFiles,
                    Command::ImportFolder,
                    Command::NewArticleFromClipboard,
                    Command::Resync,
                ] {
                    item(ui, c, msgs);
                }
                ui.separator();
                for c in [Command::Save, Command::SaveAs] {
                    item(ui, c, msgs);
                }
                ui.menu_button("Export", |ui| {
                    for c in [
                        Command::ExportCsv,
                        Command::ExportW3c,
                        Command::ExportQdpx,
                        Command::ExportQdc,
                        Command::ExportBrat,
                        Command::ExportReportMd,
                        Command::ExportReportHtml,
                    ] {
                        item(ui, c, msgs);
                    }
                });
                ui.menu_button("Import from other tools", |ui| {
                    for c in [Command::ImportRefi, Command::ImportBrat] {
                        item(ui, c, msgs);
                    }
                });
                ui.separator();
                item(ui, Command::MergeProject, msgs);
                let n = self.project().conflicts().len();
                ui.add_enabled_ui(n > 0, |ui| item(ui, Command::ShowConflicts, msgs));
                ui.separator();
                item(ui, Command::Quit, msgs);
            });
            ui.menu_button("Edit", |ui| {
                let undo = self
                    .session
                    .undo_label()
                    .map_or_else(|| "Undo".to_owned(), |l| format!("Undo {l}"));
                let redo = self
                    .session
                    .redo_label()
                    .map_or_else(|| "Redo".to_owned(), |l| format!("Redo {l}"));
                if ui
                    .add_enabled(
                        self.session.undo_label().is_some(),
                        egui::Button::new(undo)
                            .shortcut_text(ctx.format_shortcut(&Command::Undo.shortcuts()[0])),
                    )
                    .clicked()
                {
                    msgs.push(Msg::Command(Command::Undo));
                    ui.close();
                }
                if ui
                    .add_enabled(
                        self.session.redo_label().is_some(),
                        egui::Button::new(redo)
                            .shortcut_text(ctx.format_shortcut(&Command::Redo.shortcuts()[0])),
                    )
                    .clicked()
                {
                    msgs.push(Msg::Command(Command::Redo));
                    ui.close();
                }
                ui.separator();
                for c in [Command::Copy, Command::CopyWithReference] {
                    item(ui, c, msgs);
                }
                ui.separator();
                for c in [
                    Command::QuickTag,
                    Command::RepeatTag,
                    Command::DeletePassage,
                    Command::EditNote,
                    Command::ProjectMemo,
                    Command::Palette,
                ] {
                    item(ui, c, msgs);
                }
                ui.separator();
                item(ui, Command::AnalystName, msgs);
            });
            ui.menu_button("Find", |ui| {
                for c in [
                    Command::Find,
                    Command::FindNext,
                    Command::FindPrevious,
                    Command::FilterArticles,
                    Command::SearchCorpus,
                    Command::ShowPassages,
                    Command::ShowStatistics,
                    Command::ShowTeam,
                    Command::NextDisagreement,
                    Command::PreviousDisagreement,
                ] {
                    item(ui, c, msgs);
                }
            });
            ui.menu_button("Article", |ui| {
                for c in [
                    Command::NextArticle,
                    Command::PreviousArticle,
                    Command::MarkUnread,
                    Command::MarkInProgress,
                    Command::MarkDone,
                    Command::CopyTitle,
                ] {
                    item(ui, c, msgs);
                }
            });
            ui.menu_button("View", |ui| {
                for c in [Command::ZoomIn, Command::ZoomOut, Command::ZoomReset] {
                    item(ui, c, msgs);
                }
                ui.separator();
                // The theme in use is the one marked.
                for (c, theme) in [
                    (Command::ThemeSystem, super::theme::ThemeChoice::System),
                    (Command::ThemeLight, super::theme::ThemeChoice::Light),
                    (Command::ThemeDark, super::theme::ThemeChoice::Dark),
                ] {
                    if ui
                        .radio(self.settings.theme == theme, c.label())
                        .on_hover_text(c.tooltip())
                        .clicked()
                    {
                        msgs.push(Msg::Command(c));
                        ui.close();
                    }
                }
                ui.separator();
                ui.checkbox(&mut self.settings.show_codebook, "Codebook panel");
            });
        });
    }

    /// The status bar; `listed`: how many articles a project being opened
    /// has listed so far (its passages and tags are not counted yet).
    pub(super) fn status_bar(&self, ui: &mut egui::Ui, listed: Option<usize>) {
        ui.horizontal(|ui| {
            let p = self.project();
            if let Some(n) = listed {
                ui.label(format!("{n} articles · opening…"));
            } else {
                ui.label(format!(
                    "{} articles · {} passages · {} tags",
                    p.articles().len(),
                    p.annotations().len(),
                    p.codebook().len()
                ));
            }
            if listed.is_none() && p.orphans().len() > 0 {
                ui.label(
                    RichText::new(format!("· {} orphaned", p.orphans().len()))
                        .color(Color32::from_rgb(200, 120, 0)),
                );
            }
            for j in &self.jobs {
                j.show(ui, 160.0);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (text, colour) = if self.session.is_dirty() {
                    ("Unsaved changes", ui.visuals().warn_fg_color)
                } else if self.path.is_none() {
                    ("", ui.visuals().weak_text_color())
                } else {
                    ("Saved", ui.visuals().weak_text_color())
                };
                ui.label(RichText::new(text).color(colour));
                if let Some(path) = &self.path {
                    ui.label(RichText::new(path.display().to_string()).weak().small());
                }
                if let Some(who) = crate::io::user::analyst(Some(&self.settings.analyst)) {
                    ui.label(RichText::new(format!("as {who}")).weak().small())
                        .on_hover_text(
                            "New passages record this name; change it in Edit › Your name…",
                        );
                }
            });
        });
    }

    pub(super) fn shortcuts(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
        let typing = super::reader::typing_elsewhere(ctx, self.reader.area_id);
        for (cmd, sc) in Command::shortcut_order() {
            if typing && cmd.needs_reader_focus() {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                msgs.push(Msg::Command(cmd));
            }
        }
        if typing || self.current.is_none() {
            return;
        }
        // Tag shortcuts: a tag's own key, when no text field has focus.
        let typed: Vec<String> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Text(t) if !i.modifiers.command && !i.modifiers.alt => {
                        Some(t.clone())
                    }
                    _ => None,
                })
                .collect()
        });
        for t in typed {
            for ch in t.chars() {
                if let Some(tag) = self.project().codebook().by_shortcut(ch) {
                    msgs.push(Msg::ApplyTag(tag));
                }
            }
        }
    }
}
