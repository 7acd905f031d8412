//! The review window (eframe/egui). Thin: it draws the model's state and
//! turns user input into model actions (see [`app::Msg`]).

// Immediate-mode layout code reads top to bottom as the screen does; splitting
// it by line count scatters one panel over several functions. Geometry code
// uses the usual short names (x, y, r, c).
#![allow(clippy::too_many_lines, clippy::many_single_char_names)]

pub mod app;
mod article_view;
mod bidi_label;
mod busy;
mod choosing;
pub mod codebook;
pub mod commands;
pub mod dialogs;
mod exchange;
pub mod explore;
mod find;
pub mod fonts;
mod handle;
pub mod jobs;
pub mod list;
mod menu;
mod modals;
pub mod msg;
pub mod palette;
mod persistence;
pub mod reader;
pub mod settings;
mod start;
mod state;
mod team;
pub mod theme;
mod toasts;

use std::path::PathBuf;

/// Opens the window. `paths` are what the command line named: one project
/// file, or article files and folders for a new project; none reopens the
/// last project.
///
/// # Errors
/// When the window cannot be created (e.g. no display).
pub fn run(paths: Vec<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Gloss")
            .with_app_id("gloss")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 420.0])
            .with_drag_and_drop(true)
            .with_icon(std::sync::Arc::new(egui::IconData {
                rgba: include_bytes!("../../assets/icons/gloss-64.rgba").to_vec(),
                width: 64,
                height: 64,
            })),
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "gloss",
        options,
        Box::new(move |cc| Ok(Box::new(app::GlossApp::from_eframe(cc, paths)))),
    )
}
