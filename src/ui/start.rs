//! The start screen, shown while no project is open: the recent projects
//! (those gone greyed, with their path), Open…, New project, Import
//! articles…, and the example project.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::app::GlossApp;
use super::commands::Command;
use super::msg::Msg;

/// The example project that comes with Gloss, if this installation has it:
/// `GLOSS_EXAMPLE`, then beside the program as installed
/// (`../share/gloss/example.ron`), then in the source tree it was built from
/// (`saves/example.ron`).
#[must_use]
pub fn bundled_example() -> Option<PathBuf> {
    // Looked up once: the start screen asks every frame.
    static FOUND: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    FOUND.get_or_init(find_example).clone()
}

fn find_example() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("GLOSS_EXAMPLE") {
        candidates.push(PathBuf::from(p));
    }
    if let Some(bin) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        candidates.push(bin.join("../share/gloss/example.ron"));
        // target/{debug,release}/gloss in a checkout.
        candidates.push(bin.join("../../saves/example.ron"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/example.ron"));
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| crate::io::paths::absolute(&p))
}

/// Where the user's own copy of the example lives.
#[must_use]
pub fn example_copy() -> Option<PathBuf> {
    eframe::storage_dir("gloss").map(|d| d.join("example").join("example.ron"))
}

impl GlossApp {
    /// True when there is nothing to show but the start screen.
    pub(super) fn shows_start_screen(&self) -> bool {
        self.path.is_none() && self.project().articles().len() == 0 && self.current.is_none()
    }

    pub(super) fn start_screen(&self, ui: &mut egui::Ui, msgs: &mut Vec<Msg>) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.add_space(32.0);
            ui.vertical_centered(|ui| {
                ui.set_max_width(560.0);
                ui.label(RichText::new("Gloss").size(32.0).strong());
                ui.label(
                    RichText::new("Read news articles and tag passages by hand.")
                        .size(15.0)
                        .weak(),
                );
                ui.add_space(20.0);
                let big = |ui: &mut egui::Ui, cmd: Command, text: &str, msgs: &mut Vec<Msg>| {
                    let b = egui::Button::new(RichText::new(text).size(15.0))
                        .min_size(egui::vec2(260.0, 32.0));
                    if ui.add(b).on_hover_text(cmd.tooltip()).clicked() {
                        msgs.push(Msg::Command(cmd));
                    }
                };
                big(ui, Command::ImportFiles, "Import articles…", msgs);
                let b = egui::Button::new(RichText::new("New project…").size(15.0))
                    .min_size(egui::vec2(260.0, 32.0));
                if ui
                    .add(b)
                    .on_hover_text("Choose where the new project's file goes, then import articles")
                    .clicked()
                {
                    msgs.push(Msg::Command(Command::SaveAs));
                }
                big(
                    ui,
                    Command::ImportFolder,
                    "Import a folder of articles…",
                    msgs,
                );
                big(ui, Command::OpenProject, "Open a project…", msgs);
                if bundled_example().is_some() {
                    let b = egui::Button::new(RichText::new("Try the example project").size(15.0))
                        .min_size(egui::vec2(260.0, 32.0));
                    if ui
                        .add(b)
                        .on_hover_text(
                            "Ten tagged news articles to explore (your own copy: change it freely)",
                        )
                        .clicked()
                    {
                        msgs.push(Msg::OpenExample);
                    }
                }
                ui.add_space(8.0);
                ui.label(
                    RichText::new("Or drop article files and folders on this window.")
                        .small()
                        .weak(),
                );
            });
            let (recent, exist) = &self.recent_checked;
            if !recent.is_empty() {
                ui.add_space(24.0);
                ui.vertical_centered(|ui| {
                    ui.set_max_width(560.0);
                    ui.label(RichText::new("Recent projects").strong());
                    for (p, exists) in recent.iter().zip(exist) {
                        let name = p
                            .file_stem()
                            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
                        let exists = *exists;
                        let shown = crate::io::paths::shown(p).to_string();
                        let r = ui.add_enabled(
                            exists,
                            egui::Button::new(RichText::new(&name).size(15.0))
                                .min_size(egui::vec2(260.0, 26.0)),
                        );
                        if r.clicked() {
                            msgs.push(Msg::OpenRecent(p.clone()));
                        }
                        let where_ = if exists {
                            shown
                        } else {
                            format!("{shown} — not there any more")
                        };
                        ui.label(RichText::new(where_).small().weak());
                    }
                });
            }
        });
    }
}
