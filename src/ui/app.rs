//! The eframe application: the window's state and one frame of it. The
//! rest of the app lives beside it: `msg.rs` (what panels ask for) and
//! `handle.rs` (doing it), `persistence.rs` (open, save, autosave),
//! `exchange.rs` (imports and exports), `jobs.rs` (background work),
//! `menu.rs`, `find.rs`, `modals.rs`, `toasts.rs` and `article_view.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::codebook::{self, CodebookState};
use super::jobs::Job;
use super::list::{self, ListState};
use super::msg::Msg;
use super::palette::Picker;
use super::reader::Reader;
use super::settings::{SETTINGS_KEY, Settings};
use super::state::Dialog;
use super::state::FindBar;
use super::theme::ThemeChoice;
use super::toasts::Toasts;
use crate::io::lock::Presence;
use crate::io::project_file::{Baseline, TextStorage};
use crate::model::{ArticleId, Project, Session, Span, TagId};

/// The application.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent UI flags, not a state machine"
)]
pub struct GlossApp {
    /// The open project and its history.
    pub session: Session,
    /// The project file, if saved before.
    pub path: Option<PathBuf>,
    pub(super) storage: TextStorage,
    /// What is on disk at `path` (saving checks it is still that version).
    pub(super) baseline: Option<Baseline>,
    /// This window's claim on the open project (so another window is told).
    pub(super) presence: Option<Presence>,
    /// The reading view.
    pub reader: Reader,
    /// The article list.
    pub list: ListState,
    /// The open article.
    pub current: Option<ArticleId>,
    /// Persisted settings.
    pub settings: Settings,
    /// The explore panel (search, passages, statistics).
    pub explore: super::explore::Explore,
    /// The find bar.
    pub find: FindBar,
    pub(super) codebook: CodebookState,
    pub(super) jobs: Vec<Job>,
    pub(super) dialog: Option<Dialog>,
    pub(super) palette: Option<Picker>,
    pub(super) quick_tag: Option<Picker>,
    pub(super) memo_open: bool,
    pub(super) last_tag: Option<TagId>,
    pub(super) toasts: Toasts,
    /// When the first unsaved change since the last autosave happened.
    pub(super) changed_at: Option<Instant>,
    pub(super) autosaved_state: u64,
    pub(super) was_focused: bool,
    pub(super) may_close: bool,
    pub(super) after_save: Option<super::state::After>,
    pub(super) title: String,
    pub(super) editing_title: Option<String>,
    /// Where autosaves of a project never saved go.
    pub(super) untitled_recovery: Option<PathBuf>,
    pub(super) configured: bool,
    /// A file or folder being chosen.
    pub(super) picking: Option<super::dialogs::Picking>,
    /// Use the system's file dialogs (false: Gloss's own, as where the
    /// system has none).
    pub native_dialogs: bool,
    /// The recent projects as last checked, and which of them exist
    /// (checked when the list changes, not every frame).
    pub(super) recent_checked: (Vec<PathBuf>, Vec<bool>),
    /// The settings as last handed to eframe's storage: settings are
    /// written when they change, not only at a clean quit.
    settings_written: Option<Settings>,
    /// Chars no font covers (filled by the system font provider).
    pub(super) fonts_missing: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<char>>>,
    /// The scripts of the open article no font shows, as last worked out
    /// (for the article, with that many chars missing).
    pub(super) missing_notice: (Option<ArticleId>, usize, Vec<&'static str>),
}

impl GlossApp {
    /// A new app with an empty project.
    #[must_use]
    pub fn new(settings: Settings) -> Self {
        let mut reader = Reader::new();
        reader.zoom = settings.zoom.clamp(0.6, 2.5);
        Self {
            session: Session::new(Project::new()),
            path: None,
            storage: TextStorage::default(),
            baseline: None,
            presence: None,
            reader,
            list: ListState::default(),
            current: None,
            settings,
            explore: super::explore::Explore::default(),
            find: FindBar::default(),
            codebook: CodebookState::default(),
            jobs: Vec::new(),
            dialog: None,
            palette: None,
            quick_tag: None,
            memo_open: false,
            last_tag: None,
            toasts: Toasts::default(),
            changed_at: None,
            autosaved_state: 0,
            was_focused: true,
            may_close: false,
            after_save: None,
            title: String::new(),
            editing_title: None,
            untitled_recovery: None,
            configured: false,
            picking: None,
            native_dialogs: super::dialogs::native_wanted(),
            recent_checked: (Vec::new(), Vec::new()),
            settings_written: None,
            fonts_missing: std::sync::Arc::default(),
            missing_notice: (None, 0, Vec::new()),
        }
    }

    /// Creates the app for eframe: restores settings, installs fonts, and
    /// opens what the command line named (or the last project).
    #[must_use]
    pub fn from_eframe(cc: &eframe::CreationContext<'_>, paths: Vec<PathBuf>) -> Self {
        let mut settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        // For screenshots and demos: GLOSS_THEME=light|dark overrides the setting.
        match std::env::var("GLOSS_THEME").as_deref() {
            Ok("light") => settings.theme = ThemeChoice::Light,
            Ok("dark") => settings.theme = ThemeChoice::Dark,
            _ => {}
        }
        settings.tidy();
        // egui keeps every scroll area's state between sessions, with any
        // scroll animation still under way timed by the last session's
        // clock; in a new session it never seemed to end, and the window
        // repainted at full rate (with software rendering, a core's worth of
        // CPU while a large project opened) until the clock caught up. Gloss
        // puts the list and the reader back where they were itself.
        forget_scrolling(&cc.egui_ctx);
        let mut app = Self::new(settings);
        // System fonts are listed in the background; each is read when a
        // char first needs it.
        app.jobs.push(super::jobs::fonts(&cc.egui_ctx));
        app.untitled_recovery =
            eframe::storage_dir("gloss").map(|d| d.join("untitled.recovery.ron"));
        app.start(&cc.egui_ctx, paths);
        app
    }

    /// Opens what was asked for at start-up.
    pub fn start(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            if let Some(r) = self.untitled_recovery.clone().filter(|r| r.exists()) {
                self.dialog = Some(Dialog::RestoreUntitled(r));
            } else if let Some(last) = self.settings.recent.first().cloned() {
                if last.exists() {
                    self.open_path(ctx, last);
                } else {
                    self.toasts.push_for(
                        format!(
                            "The last project, {}, is not there any more (moved or deleted)",
                            crate::io::paths::shown(&last)
                        ),
                        true,
                        std::time::Duration::from_secs(12),
                    );
                }
            }
        } else if paths.len() == 1 && paths[0].extension().is_some_and(|e| e == "ron") {
            self.open_path(ctx, paths[0].clone());
        } else {
            self.import(ctx, paths);
        }
    }

    /// Opens a project synchronously (tests and benchmarks).
    ///
    /// # Errors
    /// Why it could not be loaded.
    pub fn open_now(&mut self, path: &Path) -> Result<(), crate::io::LoadError> {
        let loaded = crate::io::load(path)?;
        self.install(path.to_path_buf(), loaded);
        Ok(())
    }

    /// The open project.
    #[must_use]
    pub fn project(&self) -> &Project {
        self.session.project()
    }

    /// True when a modal dialog asks about unsaved changes.
    #[must_use]
    pub fn is_asking_to_save(&self) -> bool {
        matches!(self.dialog, Some(Dialog::Unsaved(_)))
    }

    /// True when a background job is running.
    #[must_use]
    pub fn is_busy(&self) -> bool {
        !self.jobs.is_empty() || self.list.is_filtering()
    }

    pub(super) fn toast(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        if error {
            tracing::warn!("{text}");
        } else {
            tracing::info!("{text}");
        }
        self.toasts.push(text, error);
    }

    /// Shows an error in a dialog (and the log).
    pub(super) fn show_error(&mut self, text: String) {
        tracing::error!("{text}");
        self.dialog = Some(Dialog::Error(text));
    }

    pub(super) fn project_name(&self) -> String {
        self.path.as_ref().and_then(|p| p.file_stem()).map_or_else(
            || "Untitled".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        )
    }

    /// Draws one frame of the whole app into `ui` and handles its input.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.configured {
            self.configured = true;
            self.settings.theme.apply(&ctx);
            ctx.set_fonts(super::fonts::base_fonts());
            // Ctrl+plus/minus zoom the reading text, not the whole window.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        self.poll_jobs(&ctx);
        if self.recent_checked.0 != self.settings.recent {
            let exists = self.settings.recent.iter().map(|p| p.is_file()).collect();
            self.recent_checked = (self.settings.recent.clone(), exists);
        }
        self.handle_dropped_files(&ctx);
        self.handle_close_request(&ctx);
        let mut msgs: Vec<Msg> = Vec::new();
        if self.dialog.is_none()
            && self.palette.is_none()
            && self.quick_tag.is_none()
            && self.picking.is_none()
        {
            self.shortcuts(&ctx, &mut msgs);
        }

        // A project being opened lists its articles as soon as they are read.
        let opening = self
            .jobs
            .iter()
            .filter_map(|j| Some((j.listing.clone()?, j.progress())))
            .find(|(l, _)| l.get().is_some());
        let (listing, (texts_read, texts)) = match &opening {
            Some((l, progress)) => (l.get(), *progress),
            None => (None, (0, 0)),
        };
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui, &mut msgs));
        let listed = listing.map(Vec::len);
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui, listed));
        egui::Panel::left("articles")
            .resizable(true)
            .default_size(330.0)
            .size_range(200.0..=700.0)
            .show(ui, |ui| {
                use crate::model::changes::Aspect::{Articles, Codebook, Passages, Texts};
                if let Some(rows) = &listing {
                    list::show_listing(ui, rows);
                    return;
                }
                let generations = self.session.generations();
                let state = generations.key(&[Articles, Texts, Passages, Codebook]);
                let texts = generations.key(&[Articles, Texts]);
                list::show(
                    ui,
                    self.session.project(),
                    state,
                    texts,
                    &mut self.list,
                    self.current,
                    &mut msgs,
                );
            });
        if self.settings.show_codebook {
            egui::Panel::right("codebook")
                .resizable(true)
                .default_size(300.0)
                .size_range(220.0..=600.0)
                .show(ui, |ui| {
                    let project = self.session.project();
                    let can_tag = self.reader.selected_span().is_some();
                    codebook::show_codebook(ui, project, &mut self.codebook, can_tag, &mut msgs);
                    ui.separator();
                    let article = self.current.and_then(|id| project.article(id));
                    let sel_len = self.reader.selected_span().map_or(0, Span::len);
                    codebook::show_inspector(
                        ui,
                        project,
                        article,
                        self.reader.selected_annotation,
                        sel_len,
                        &mut self.codebook.focus_note,
                        &mut msgs,
                    );
                });
        }
        if self.explore.open {
            egui::Panel::bottom("explore")
                .resizable(true)
                .show_separator_line(false)
                .default_size(320.0)
                .size_range(240.0..=900.0)
                .show(ui, |ui| {
                    use crate::model::changes::Aspect::{
                        Articles, Codebook, Notes, Orphans, Passages, Texts,
                    };
                    let state = self
                        .session
                        .generations()
                        .key(&[Articles, Texts, Passages, Codebook, Notes, Orphans]);
                    super::explore::show(
                        ui,
                        self.session.project(),
                        state,
                        self.current,
                        &mut self.explore,
                        &mut msgs,
                    );
                });
        }
        // Comparing analysts in the Team tab shows their passages in lanes.
        self.reader.lanes = if self.explore.open && self.explore.tab == super::explore::Tab::Team {
            self.explore.team.lanes()
        } else {
            None
        };
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(rows) = listing {
                ui.vertical_centered(|ui| {
                    ui.add_space(48.0);
                    if texts > 0 {
                        super::busy::progress(
                            ui,
                            texts_read,
                            texts,
                            320.0,
                            if texts_read < texts {
                                format!("{texts_read} of {texts} texts read")
                            } else {
                                format!("{texts} texts read; checking the passages…")
                            },
                        );
                    } else {
                        super::busy::spinner(ui);
                    }
                    ui.label(format!(
                        "Opening {} articles: reading their texts and passages…",
                        rows.len()
                    ));
                });
                return;
            }
            if self.find.open {
                self.find_bar(ui);
            }
            self.central(ui, &mut msgs);
        });

        self.dialogs(&ctx);
        self.poll_picking(&ctx);
        self.pickers(&ctx, &mut msgs);
        self.memo_window(&ctx, &mut msgs);
        self.toasts.show(&ctx);

        for m in msgs {
            self.handle(&ctx, m);
        }
        self.maybe_autosave(&ctx);
        self.update_title(&ctx);
    }

    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        // "Gloss — NAME", with a dot while there are unsaved changes.
        let dirty = if self.session.is_dirty() { " •" } else { "" };
        let title = format!("Gloss — {}{dirty}", self.project_name());
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The messages on screen now, oldest first (for tests).
    #[must_use]
    pub fn toast_texts(&self) -> Vec<&str> {
        self.toasts.texts()
    }

    /// Files the reading view's selection would tag, for tests.
    #[must_use]
    pub fn selection(&self) -> Option<Span> {
        self.reader.selected_span()
    }

    /// Tags used in the project, by id, for tests.
    #[must_use]
    pub fn tag_ids(&self) -> BTreeSet<TagId> {
        self.project().codebook().iter().map(|t| t.id).collect()
    }

    /// When the project file on disk last changed, for tests.
    #[must_use]
    pub fn saved_at(&self) -> Option<SystemTime> {
        self.path
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .and_then(|m| m.modified().ok())
    }
}

impl GlossApp {
    /// Writes the settings (in the background, by eframe's storage) when
    /// they changed since last written — a project opened, the theme or
    /// the analyst's name set — so a session that ends without a clean
    /// quit keeps them. (The reading place is taken at eframe's autosave,
    /// every few seconds of activity, and at quit.)
    fn write_settings_if_changed(&mut self, storage: &mut dyn eframe::Storage) {
        if self.settings_written.as_ref() != Some(&self.settings) {
            eframe::set_value(storage, SETTINGS_KEY, &self.settings);
            storage.flush();
            self.settings_written = Some(self.settings.clone());
        }
    }
}

impl eframe::App for GlossApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.show(ui);
        if let Some(storage) = frame.storage_mut() {
            self.write_settings_if_changed(storage);
        }
    }

    /// Settings (recent projects, the place last read) are small; saving
    /// them every few seconds of activity keeps the reading place when the
    /// session ends without a clean quit (logout, kill, crash).
    fn auto_save_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(5)
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember_place();
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
        self.settings_written = Some(self.settings.clone());
    }
}

/// Forgets the scroll areas' states kept from the last session (see
/// [`GlossApp::from_eframe`]).
pub fn forget_scrolling(ctx: &egui::Context) {
    ctx.data_mut(egui::util::IdTypeMap::remove_by_type::<egui::scroll_area::State>);
}
