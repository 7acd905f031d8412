//! Asking for a path and doing what it was asked for: each File menu item
//! that needs a file or folder hands [`GlossApp::ask`] a request and what to
//! do with the answer ([`Then`]); the answer comes from the system's dialog
//! or, where there is none, Gloss's own (see [`super::dialogs`]).

use std::path::PathBuf;

use super::app::GlossApp;
use super::dialogs::{Ask, Kind, Outcome, Picking, Then};
use super::jobs;
use crate::exchange::format::Format;

impl GlossApp {
    /// Asks for a path; `then` says what to do with it.
    pub(super) fn ask(&mut self, ctx: &egui::Context, ask: Ask, then: Then) {
        if self.picking.is_some() {
            self.toast("A file dialog is already open", false);
            return;
        }
        self.picking = Some(Picking::start(ctx, ask, then, self.native_dialogs));
    }

    /// Shows or checks on the file dialog, and acts on its answer.
    pub(super) fn poll_picking(&mut self, ctx: &egui::Context) {
        let Some(p) = self.picking.take() else {
            return;
        };
        let (still, outcome) = p.poll(ctx);
        self.picking = still;
        match outcome {
            Outcome::Open => {}
            Outcome::FellBack => {
                // Once the system's dialog failed, use Gloss's own from now on.
                self.native_dialogs = false;
                tracing::info!("no system file dialog; using Gloss's own");
            }
            Outcome::Cancelled(then) => {
                if matches!(then, Then::SaveProject) {
                    self.after_save = None;
                }
            }
            Outcome::Chosen(then, paths) => self.chosen(ctx, then, paths),
        }
    }

    fn chosen(&mut self, ctx: &egui::Context, then: Then, mut paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else {
            return;
        };
        match then {
            Then::OpenProject => self.open_path(ctx, first),
            Then::Import => self.import(ctx, std::mem::take(&mut paths)),
            Then::SaveProject => self.save_to(ctx, first),
            Then::Export(format) => self.export_to(ctx, format, first, None),
            Then::ExportLayer(format, layer) => self.export_to(ctx, format, first, Some(layer)),
            Then::Merge => self.merge_from(ctx, first),
            Then::WriteBytes(make) => {
                let protected = self.protected();
                self.jobs
                    .push(jobs::write_bytes(ctx, first, protected, make));
            }
        }
    }

    /// The folder to start a dialog in: the project's, else the last one's.
    pub(super) fn near(&self) -> Option<PathBuf> {
        self.path
            .clone()
            .or_else(|| self.settings.recent.first().cloned())
    }

    /// Asks which project to open.
    pub(super) fn ask_open_project(&mut self, ctx: &egui::Context) {
        let ask = Ask::new(Kind::OpenFile, "Open Gloss project", self.near().as_deref())
            .filter("Gloss project", &["ron"]);
        self.ask(ctx, ask, Then::OpenProject);
    }

    /// Asks where to save the project.
    pub(super) fn ask_save_project(&mut self, ctx: &egui::Context) {
        let name = format!("{}.ron", self.project_name());
        let ask = Ask::new(Kind::Save, "Save project", self.near().as_deref())
            .filter("Gloss project", &["ron"])
            .named(&name);
        self.ask(ctx, ask, Then::SaveProject);
    }

    /// Asks for article files to import.
    pub(super) fn ask_import_files(&mut self, ctx: &egui::Context) {
        let ask = Ask::new(Kind::OpenFiles, "Import articles", self.near().as_deref())
            .filter(
                "Articles",
                &[
                    "txt", "text", "md", "markdown", "html", "htm", "xhtml", "docx", "odt", "rtf",
                    "doc", "epub",
                ],
            )
            .filter("All files", &["*"]);
        self.ask(ctx, ask, Then::Import);
    }

    /// Asks for a folder to import (articles, or a brat collection).
    pub(super) fn ask_import_folder(&mut self, ctx: &egui::Context, title: &str) {
        let ask = Ask::new(Kind::Folder, title, self.near().as_deref());
        self.ask(ctx, ask, Then::Import);
    }

    /// Asks for a REFI-QDA project or codebook to import.
    pub(super) fn ask_import_refi(&mut self, ctx: &egui::Context) {
        let ask = Ask::new(
            Kind::OpenFile,
            "Import REFI-QDA project or codebook",
            self.near().as_deref(),
        )
        .filter("REFI-QDA", &["qdpx", "qdc"]);
        self.ask(ctx, ask, Then::Import);
    }

    /// Asks which project to merge into this one.
    pub(super) fn ask_merge(&mut self, ctx: &egui::Context) {
        let ask = Ask::new(
            Kind::OpenFile,
            "Merge another project into this one",
            self.near().as_deref(),
        )
        .filter("Gloss project", &["ron"]);
        self.ask(ctx, ask, Then::Merge);
    }

    /// Asks where to export one layer's passages (an analyst's, or gold).
    pub(super) fn ask_export_layer(&mut self, ctx: &egui::Context, format: Format, layer: String) {
        let ask = Ask::new(
            Kind::Save,
            &format!("Export {layer}'s passages as {}", format.label()),
            self.near().as_deref(),
        )
        .filter(format.label(), &[format.extension()])
        .named(&format.file_name(&format!("{}-{layer}", self.project_name())));
        self.ask(ctx, ask, Then::ExportLayer(format, layer));
    }

    /// Asks where to export in `format`.
    pub(super) fn ask_export(&mut self, ctx: &egui::Context, format: Format) {
        let near = self.near();
        let ask = if format.is_folder() {
            Ask::new(
                Kind::Folder,
                "Export brat files into a folder",
                near.as_deref(),
            )
        } else {
            Ask::new(
                Kind::Save,
                &format!("Export {}", format.label()),
                near.as_deref(),
            )
            .filter(format.label(), &[format.extension()])
            .named(&format.file_name(&self.project_name()))
        };
        self.ask(ctx, ask, Then::Export(format));
    }
}
