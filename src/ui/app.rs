//! The eframe application: window layout, commands, messages from panels,
//! background jobs, dialogs, autosave and persistence.
//!
//! Panels never change the project: they push [`Msg`]s, which
//! [`GlossApp::handle`] turns into model actions applied through the
//! session's history, in one place.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use egui::{Color32, RichText};
use serde::{Deserialize, Serialize};

use super::codebook::{self, CodebookState};
use super::commands::Command;
use super::jobs::{self, Done, Job};
use super::list::{self, ListState};
use super::palette::{self, Picked, Picker, QuickTagChoice};
use super::reader::{Reader, ReaderEvent};
use super::theme::ThemeChoice;
use crate::exchange::format::Format;
use crate::io::import::{ImportReport, build_import};
use crate::io::lock::Presence;
use crate::io::paths::shown;
use crate::io::project_file::{Baseline, SaveError, TextStorage};
use crate::model::ops::{self, DeleteTagImpact, UntaggedPolicy};
use crate::model::{
    Action, AnnotationId, ArticleId, Project, ReviewStatus, Session, Span, TagId, Timestamp,
};

/// Seconds after a change before an autosave.
const AUTOSAVE_AFTER: Duration = Duration::from_secs(30);
/// Projects kept in the recent list.
const RECENT: usize = 10;

/// What panels ask the app to do.
#[derive(Debug, Clone)]
pub enum Msg {
    /// Run a command.
    Command(Command),
    /// Apply a model action as one undo step.
    Apply(Action),
    /// Open an article in the reading view.
    OpenArticle(ArticleId),
    /// Tag the selection (or toggle on the selected passage).
    ApplyTag(TagId),
    /// Add or remove a tag on a passage.
    ToggleTag(AnnotationId, TagId),
    /// Create a tag (path); with `true`, also apply it to the selection.
    CreateTag(String, bool),
    /// Ask before deleting a tag.
    AskDeleteTag(TagId),
    /// Merge the first tag into the second.
    MergeTag(TagId, TagId),
    /// Filter the list by a tag.
    FilterByTag(TagId),
    /// Move a passage's start and end by these many chars.
    Nudge(AnnotationId, isize, isize),
    /// End the current run of merged typing edits.
    Seal,
    /// Open a project from the recent list.
    OpenRecent(PathBuf),
    /// Set the open article's status.
    SetStatus(ReviewStatus),
    /// Open an article and select this span.
    Reveal(ArticleId, Span),
    /// Open a passage's article and pick the passage.
    RevealPassage(AnnotationId),
    /// Tag these matches (per article) with a tag, as one step.
    TagMatches(TagId, Vec<(ArticleId, Vec<Span>)>),
    /// Restrict the article list to a set (or show all again).
    ListOnly(Option<(String, std::collections::HashSet<ArticleId>)>),
    /// Export passages (CSV, or Markdown when true).
    ExportPassages(Vec<AnnotationId>, bool),
    /// Export a statistics table (weekly timeline when true).
    ExportStats(super::explore::StatsTable, bool),
}

/// The find bar over the reading view.
#[derive(Default)]
pub struct FindBar {
    /// Shown.
    pub open: bool,
    /// What to find.
    pub query: crate::model::search::Query,
    /// Move focus to the field.
    pub focus: bool,
    error: Option<String>,
    key: Option<(ArticleId, crate::model::search::Query)>,
}

/// What the user is asked, in a modal dialog.
enum Dialog {
    /// Unsaved changes before `then`.
    Unsaved(After),
    /// Confirm deleting a tag in use.
    DeleteTag {
        tag: TagId,
        impact: DeleteTagImpact,
        retag: Option<TagId>,
    },
    /// What an import did.
    ImportReport(ImportReport),
    /// A newer recovery file exists for the project being opened.
    Restore { project: PathBuf, recovery: PathBuf },
    /// Autosaved work of a project that was never saved exists.
    RestoreUntitled(PathBuf),
    /// A save was refused to protect the file on disk.
    SaveConflict {
        /// The project file.
        path: PathBuf,
        /// Why, in words.
        message: String,
        /// True when the file changed on disk (then Reload is offered).
        changed: bool,
    },
    /// Another window has the project open.
    OpenElsewhere { path: PathBuf, holder: String },
    /// Something went wrong.
    Error(String),
}

/// Work a dialog button leaves for after the dialog is drawn.
type Continuation = Box<dyn FnOnce(&mut GlossApp, &egui::Context)>;

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq, Eq)]
enum After {
    Quit,
    New,
    Open(Option<PathBuf>),
}

/// Settings kept between runs (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Theme.
    pub theme: ThemeChoice,
    /// Recently opened projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Reading text zoom.
    pub zoom: f32,
    /// Show the codebook panel.
    pub show_codebook: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            recent: Vec::new(),
            zoom: 1.0,
            show_codebook: true,
        }
    }
}

const SETTINGS_KEY: &str = "gloss-settings";

struct Toast {
    text: String,
    error: bool,
    until: Instant,
}

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
    storage: TextStorage,
    /// What is on disk at `path` (saving checks it is still that version).
    baseline: Option<Baseline>,
    /// This window's claim on the open project (so another window is told).
    presence: Option<Presence>,
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
    codebook: CodebookState,
    jobs: Vec<Job>,
    dialog: Option<Dialog>,
    palette: Option<Picker>,
    quick_tag: Option<Picker>,
    memo_open: bool,
    last_tag: Option<TagId>,
    toasts: Vec<Toast>,
    /// When the first unsaved change since the last autosave happened.
    changed_at: Option<Instant>,
    autosaved_state: u64,
    was_focused: bool,
    may_close: bool,
    after_save: Option<After>,
    title: String,
    editing_title: Option<String>,
    /// Where autosaves of a project never saved go.
    untitled_recovery: Option<PathBuf>,
    configured: bool,
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
            toasts: Vec::new(),
            changed_at: None,
            autosaved_state: 0,
            was_focused: true,
            may_close: false,
            after_save: None,
            title: String::new(),
            editing_title: None,
            untitled_recovery: None,
            configured: false,
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
        super::theme::install_fonts(&cc.egui_ctx);
        let mut app = Self::new(settings);
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
            } else if let Some(last) = self.settings.recent.first().cloned()
                && last.exists()
            {
                self.open_path(ctx, last);
            }
        } else if paths.len() == 1 && paths[0].extension().is_some_and(|e| e == "ron") {
            self.open_path(ctx, paths[0].clone());
        } else {
            self.jobs.push(jobs::import(ctx, paths));
        }
    }

    /// Opens a project synchronously (tests and benchmarks).
    ///
    /// # Errors
    /// The load error, as text.
    pub fn open_now(&mut self, path: &Path) -> Result<(), String> {
        let loaded = crate::io::load(path).map_err(|e| e.to_string())?;
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
        !self.jobs.is_empty()
    }

    fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toasts.push(Toast {
            text: text.into(),
            error,
            until: Instant::now() + Duration::from_secs(if error { 8 } else { 4 }),
        });
    }

    fn project_name(&self) -> String {
        self.path.as_ref().and_then(|p| p.file_stem()).map_or_else(
            || "Untitled".to_owned(),
            |s| s.to_string_lossy().into_owned(),
        )
    }

    fn recovery_path(&self) -> Option<PathBuf> {
        match &self.path {
            Some(p) => {
                let mut name = p.file_name()?.to_os_string();
                name.push(".recovery");
                Some(p.with_file_name(name))
            }
            None => self.untitled_recovery.clone(),
        }
    }

    // ------------------------------------------------------------ opening

    fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        let mut rec = path.as_os_str().to_os_string();
        rec.push(".recovery");
        let recovery = PathBuf::from(rec);
        let newer = |a: &Path, b: &Path| -> bool {
            let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
            matches!((m(a), m(b)), (Some(x), Some(y)) if x > y)
        };
        if recovery.exists() && newer(&recovery, &path) {
            self.dialog = Some(Dialog::Restore {
                project: path,
                recovery,
            });
            return;
        }
        self.jobs.push(jobs::open(ctx, path, false));
    }

    fn install(&mut self, path: PathBuf, loaded: crate::io::Loaded) {
        for w in &loaded.warnings {
            self.toasts.push(Toast {
                text: w.clone(),
                error: false,
                until: Instant::now() + Duration::from_secs(8),
            });
        }
        self.session = Session::new(loaded.project);
        self.storage = loaded.storage;
        self.baseline = Some(loaded.baseline);
        self.path = Some(path.clone());
        self.reader.reset();
        let first = self.project().articles().next().map(|a| a.id);
        self.current = first;
        self.list = ListState::default();
        self.changed_at = None;
        self.autosaved_state = self.session.state_id();
        self.settings.recent.retain(|p| p != &path);
        self.settings.recent.insert(0, path);
        self.settings.recent.truncate(RECENT);
    }

    fn new_project(&mut self) {
        self.session = Session::new(Project::new());
        self.path = None;
        self.storage = TextStorage::default();
        self.baseline = None;
        self.presence = None;
        self.reader.reset();
        self.current = None;
        self.list = ListState::default();
        self.changed_at = None;
    }

    // ------------------------------------------------------------ saving

    fn save(&mut self, ctx: &egui::Context, as_new: bool) {
        let path = match (&self.path, as_new) {
            (Some(p), false) => p.clone(),
            _ => {
                let name = format!("{}.ron", self.project_name());
                let Some(p) = super::dialogs::save_file(
                    "Save project",
                    ("Gloss project", &["ron"]),
                    &name,
                    self.path
                        .as_deref()
                        .or_else(|| self.settings.recent.first().map(PathBuf::as_path)),
                ) else {
                    self.after_save = None;
                    return;
                };
                p
            }
        };
        self.save_to(ctx, path);
    }

    /// Saves to `path` in the background (a snapshot; editing goes on).
    /// Saving over the open project's own file checks that the file is
    /// still the version that was opened.
    pub fn save_to(&mut self, ctx: &egui::Context, path: PathBuf) {
        self.save_to_with(ctx, path, false);
    }

    fn save_to_with(&mut self, ctx: &egui::Context, path: PathBuf, force: bool) {
        let same_file = self.path.as_ref() == Some(&path);
        self.jobs.push(jobs::save(
            ctx,
            jobs::SaveJob {
                project: self.project().clone(),
                path,
                storage: self.storage,
                state: self.session.state_id(),
                recovery_texts: None,
                baseline: if same_file {
                    self.baseline.clone()
                } else {
                    None
                },
                force,
            },
        ));
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        let state = self.session.state_id();
        if !self.session.is_dirty()
            || state == self.autosaved_state
            || self.jobs.iter().any(|j| j.label == "Autosaving")
        {
            return;
        }
        let Some(recovery) = self.recovery_path() else {
            return;
        };
        let (storage, texts) = match &self.path {
            Some(p) => (
                TextStorage::Folder,
                Some(crate::io::project_file::texts_folder_name(p)),
            ),
            None => (TextStorage::Inline, Some(String::new())),
        };
        if let Some(dir) = recovery.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // The new recovery file replaces the old one atomically: there is
        // always one complete recovery file.
        self.jobs.push(jobs::save(
            ctx,
            jobs::SaveJob {
                project: self.project().clone(),
                path: recovery,
                storage,
                state,
                recovery_texts: texts,
                baseline: None,
                force: false,
            },
        ));
        self.autosaved_state = state;
        self.changed_at = None;
    }

    fn remove_recovery(&self) {
        if let Some(r) = self.recovery_path() {
            let _ = std::fs::remove_file(r);
        }
    }

    // ------------------------------------------------------------ jobs

    fn poll_jobs(&mut self, ctx: &egui::Context) {
        let mut finished = Vec::new();
        self.jobs.retain(|j| match j.poll() {
            Some(done) => {
                finished.push(done);
                false
            }
            None => true,
        });
        if !self.jobs.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        for done in finished {
            match done {
                Done::OpenElsewhere { path, holder } => {
                    self.dialog = Some(Dialog::OpenElsewhere { path, holder });
                }
                Done::Opened {
                    path,
                    result,
                    presence,
                } => match result {
                    Ok(loaded) => {
                        self.install(path.clone(), *loaded);
                        self.presence = presence;
                        self.toast(format!("Opened {}", shown(&path)), false);
                    }
                    Err(e) => {
                        self.dialog = Some(Dialog::Error(format!(
                            "{e}\n\nThe file was not changed. Fix it or open another project."
                        )));
                    }
                },
                Done::Read { read, refused } => {
                    let report = ImportReport {
                        refused,
                        ..ImportReport::default()
                    };
                    let (action, report) = build_import(self.session.project(), read, report);
                    let n = report.imported.len();
                    if let Err(e) = self.session.apply(action) {
                        self.toast(format!("Import failed: {e}"), true);
                    } else {
                        if self.current.is_none() {
                            self.current = report.imported.first().copied();
                        }
                        self.mark_changed();
                        if report.refused.is_empty()
                            && report.duplicates.is_empty()
                            && report.warnings.is_empty()
                        {
                            self.toast(format!("Imported {n} article(s)"), false);
                        } else {
                            self.dialog = Some(Dialog::ImportReport(report));
                        }
                    }
                }
                Done::Resync { changed, missing } => self.finish_resync(changed, missing),
                Done::Saved {
                    path,
                    state,
                    recovery,
                    result,
                } => match result {
                    Ok(_) if recovery => {}
                    Ok(baseline) => {
                        self.session.mark_saved_at(state);
                        self.baseline = Some(baseline);
                        if self.path.as_ref() != Some(&path) {
                            self.remove_recovery();
                            self.path = Some(path.clone());
                            self.presence = match crate::io::lock::Presence::claim(&path) {
                                crate::io::lock::Claim::Mine(p) => Some(p),
                                _ => None,
                            };
                        }
                        self.remove_recovery();
                        self.settings.recent.retain(|p| p != &path);
                        self.settings.recent.insert(0, path.clone());
                        self.settings.recent.truncate(RECENT);
                        self.toast(format!("Saved {}", path.display()), false);
                        if let Some(after) = self.after_save.take() {
                            self.proceed(ctx, after);
                        }
                    }
                    Err(e) if recovery => self.toast(format!("Autosave failed: {e}"), true),
                    Err(e) => {
                        self.after_save = None;
                        let changed = matches!(e, SaveError::ChangedOnDisk(_));
                        let guarded = changed
                            || matches!(
                                e,
                                SaveError::UnknownFields { .. }
                                    | SaveError::Write(crate::io::atomic::WriteError::ReadOnly(_))
                            );
                        self.dialog = Some(if guarded {
                            Dialog::SaveConflict {
                                path,
                                message: e.to_string(),
                                changed,
                            }
                        } else {
                            Dialog::Error(format!(
                                "{e}\n\nYour work is still open; try Save As to another folder."
                            ))
                        });
                    }
                },
            }
        }
    }

    fn mark_changed(&mut self) {
        if self.changed_at.is_none() {
            self.changed_at = Some(Instant::now());
        }
    }

    // ------------------------------------------------------------ commands

    fn guard(&mut self, after: After, ctx: &egui::Context) {
        if self.session.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(after));
        } else {
            self.proceed(ctx, after);
        }
    }

    fn proceed(&mut self, ctx: &egui::Context, after: After) {
        match after {
            After::Quit => {
                self.may_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            After::New => self.new_project(),
            After::Open(Some(p)) => self.open_path(ctx, p),
            After::Open(None) => {
                if let Some(p) = super::dialogs::open_project(self.path.as_deref()) {
                    self.open_path(ctx, p);
                }
            }
        }
    }

    /// Runs a command.
    pub fn run(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::NewProject => self.guard(After::New, ctx),
            Command::OpenProject => self.guard(After::Open(None), ctx),
            Command::ImportFiles => {
                if let Some(files) = super::dialogs::import_files(self.path.as_deref()) {
                    self.jobs.push(jobs::import(ctx, files));
                }
            }
            Command::ImportFolder => {
                if let Some(dir) = super::dialogs::import_folder(self.path.as_deref()) {
                    self.jobs.push(jobs::import(ctx, vec![dir]));
                }
            }
            Command::Save => self.save(ctx, false),
            Command::SaveAs => self.save(ctx, true),
            Command::ExportCsv => self.export(Format::Csv),
            Command::ExportW3c => self.export(Format::W3c),
            Command::ExportQdpx => self.export(Format::Qdpx),
            Command::ExportQdc => self.export(Format::Qdc),
            Command::ExportBrat => self.export(Format::Brat),
            Command::ExportReportMd => self.export(Format::Md),
            Command::ExportReportHtml => self.export(Format::Html),
            Command::ImportRefi => {
                let Some(p) = super::dialogs::import_refi(self.path.as_deref()) else {
                    return;
                };
                let is_qdc = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("qdc"));
                let result = if is_qdc {
                    crate::exchange::refi::import_qdc(self.session.project(), &p)
                } else {
                    crate::exchange::refi::import_qdpx(
                        self.session.project(),
                        &p,
                        &crate::exchange::refi::ImportOptions::default(),
                    )
                };
                match result {
                    Ok((action, report)) => {
                        self.apply(action);
                        self.exchange_report(
                            &p,
                            report.articles_added,
                            report.tags_added,
                            report.annotations,
                            &report.skipped,
                        );
                    }
                    Err(e) => {
                        self.dialog =
                            Some(Dialog::Error(format!("Cannot import {}: {e}", p.display())));
                    }
                }
            }
            Command::ImportBrat => {
                let Some(dir) =
                    super::dialogs::pick_folder("Import a brat folder", self.path.as_deref())
                else {
                    return;
                };
                match crate::exchange::brat::import_folder(self.session.project(), &dir) {
                    Ok((action, report)) => {
                        self.apply(action);
                        let mut skipped = report.skipped;
                        if report.split_fragments > 0 {
                            skipped.push(format!(
                                "{} discontinuous span(s) became one passage per fragment",
                                report.split_fragments
                            ));
                        }
                        self.exchange_report(
                            &dir,
                            report.articles_added,
                            0,
                            report.annotations,
                            &skipped,
                        );
                    }
                    Err(e) => {
                        self.dialog = Some(Dialog::Error(format!(
                            "Cannot import {}: {e}",
                            dir.display()
                        )));
                    }
                }
            }
            Command::Quit => self.guard(After::Quit, ctx),
            Command::Undo => {
                if let Some(label) = self.session.undo() {
                    self.toast(format!("Undid {label}"), false);
                    self.after_history();
                }
            }
            Command::Redo => {
                if let Some(label) = self.session.redo() {
                    self.toast(format!("Redid {label}"), false);
                    self.after_history();
                }
            }
            Command::Find => {
                self.find.open = true;
                self.find.focus = true;
                if let Some(span) = self.reader.selected_span()
                    && let Some(a) = self.current.and_then(|id| self.project().article(id))
                    && span.len() < 200
                {
                    self.find.query.pattern = a.text.slice(span).to_owned();
                }
            }
            Command::FindNext => self.find_step(1),
            Command::FindPrevious => self.find_step(-1),
            Command::FilterArticles => self.list.focus_filter = true,
            Command::SearchCorpus => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Search;
                self.explore.search.focus = true;
            }
            Command::ShowPassages => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Passages;
            }
            Command::ShowStatistics => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Statistics;
            }

            Command::Palette => self.palette = Some(Picker::default()),
            Command::QuickTag => {
                if self.reader.selected_span().is_some()
                    || self.reader.selected_annotation.is_some()
                {
                    self.quick_tag = Some(Picker::default());
                } else {
                    self.toast("Select some text first", false);
                }
            }
            Command::RepeatTag => match self.last_tag {
                Some(t) => self.tag_selection(t),
                None => self.toast("No tag used yet", false),
            },
            Command::DeletePassage => {
                if let Some(id) = self.reader.selected_annotation {
                    self.apply(Action::RemoveAnnotation(id));
                }
            }
            Command::NextArticle | Command::PreviousArticle => {
                let step = if cmd == Command::NextArticle { 1 } else { -1 };
                if let Some(id) = self.list.neighbour(self.current, step) {
                    self.open_article(id);
                    self.list.scroll_to_current = true;
                }
            }
            Command::MarkUnread => self.set_status(ReviewStatus::Unread),
            Command::MarkInProgress => self.set_status(ReviewStatus::InProgress),
            Command::MarkDone => self.set_status(ReviewStatus::Done),
            Command::ZoomIn => self.zoom(1.1),
            Command::ZoomOut => self.zoom(1.0 / 1.1),
            Command::ZoomReset => self.zoom(0.0),
            Command::ThemeSystem | Command::ThemeLight | Command::ThemeDark => {
                self.settings.theme = match cmd {
                    Command::ThemeLight => ThemeChoice::Light,
                    Command::ThemeDark => ThemeChoice::Dark,
                    _ => ThemeChoice::System,
                };
                self.settings.theme.apply(ctx);
            }
            Command::ProjectMemo => self.memo_open = !self.memo_open,
            Command::Resync => self.resync(ctx),
        }
    }

    fn zoom(&mut self, factor: f32) {
        self.reader.zoom = if factor == 0.0 {
            1.0
        } else {
            (self.reader.zoom * factor).clamp(0.6, 2.5)
        };
        self.settings.zoom = self.reader.zoom;
    }

    fn set_status(&mut self, status: ReviewStatus) {
        if let Some(article) = self.current {
            self.apply(Action::SetArticleStatus { article, status });
        }
    }

    fn after_history(&mut self) {
        self.mark_changed();
        if let Some(id) = self.reader.selected_annotation
            && self.project().annotation(id).is_none()
        {
            self.reader.selected_annotation = None;
        }
        if let Some(a) = self.current
            && self.project().article(a).is_none()
        {
            self.current = None;
            self.reader.reset();
        }
    }

    /// The files an export must never overwrite.
    fn protected(&self) -> crate::io::protect::Protected {
        match &self.path {
            Some(p) => crate::io::project_file::protected(self.project(), p),
            None => crate::io::protect::Protected::default(),
        }
    }

    fn export(&mut self, format: Format) {
        let name = self.project_name();
        let near = self.path.as_deref();
        let out = if format.is_folder() {
            super::dialogs::pick_folder("Export brat files into a folder", near)
        } else {
            let ext = format.extension();
            let title = format!("Export {}", format.label());
            super::dialogs::save_file(
                &title,
                (format.label(), &[ext]),
                &format.file_name(&name),
                near,
            )
        };
        let Some(out) = out else {
            return;
        };
        let base = self.path.as_deref().map(crate::io::paths::project_dir);
        match format.write(
            self.project(),
            &name,
            base.as_deref(),
            &out,
            &self.protected(),
        ) {
            Ok(n) => self.toast(
                crate::exchange::format::done_message(format, &out, n),
                false,
            ),
            Err(e) => {
                self.dialog = Some(Dialog::Error(format!(
                    "Nothing was exported to {}: {e}",
                    shown(&out)
                )));
            }
        }
    }

    fn resync(&mut self, ctx: &egui::Context) {
        let sources = self
            .project()
            .articles()
            .map(|a| (a.id, a.source.clone(), a.hash.clone()))
            .collect();
        self.jobs.push(jobs::resync(ctx, sources));
    }

    /// Takes changed source texts in, re-anchoring passages (orphans are kept).
    fn finish_resync(&mut self, changed: Vec<(ArticleId, String)>, missing: usize) {
        let mut actions = Vec::new();
        let mut orphaned = 0;
        let n = changed.len();
        for (id, text) in changed {
            if let Ok((action, report)) =
                ops::replace_text(self.project(), id, &crate::model::Text::new(text))
            {
                orphaned += report.orphaned.len();
                actions.push(action);
            }
        }
        if !actions.is_empty() {
            self.apply(Action::Batch {
                label: "re-sync with sources".into(),
                actions,
            });
        }
        self.toast(
            format!("{n} article(s) re-synced, {orphaned} passage(s) orphaned, {missing} source(s) missing"),
            orphaned > 0,
        );
    }

    /// Applies an action as one undo step, reporting a refusal as a toast.
    pub fn apply(&mut self, action: Action) {
        match self.session.apply(action) {
            Ok(()) => {
                self.mark_changed();
                self.after_history();
            }
            Err(e) => self.toast(e.to_string(), true),
        }
    }

    fn open_article(&mut self, id: ArticleId) {
        if self.current != Some(id) {
            self.session.seal();
            self.current = Some(id);
            self.reader.reset();
            self.editing_title = None;
            self.find.key = None;
        }
    }

    /// Tags the selection with `tag`, or toggles it on the selected passage.
    pub fn tag_selection(&mut self, tag: TagId) {
        let Some(article) = self.current else { return };
        if let Some(span) = self.reader.selected_span() {
            let selected_matches = self
                .reader
                .selected_annotation
                .and_then(|id| self.project().annotation(id))
                .is_some_and(|a| a.span == span);
            if !selected_matches {
                match ops::tag_spans(
                    self.session.project(),
                    article,
                    &[span],
                    tag,
                    Timestamp::now(),
                ) {
                    Ok((actions, n)) => {
                        if n == 0 {
                            self.toast("That passage already has this tag", false);
                        }
                        let new_id = actions.iter().find_map(|a| match a {
                            Action::AddAnnotation(x) => Some(x.id),
                            Action::SetAnnotationTags { annotation, .. } => Some(*annotation),
                            _ => None,
                        });
                        let label = self.project().codebook().path(tag);
                        self.apply(Action::Batch {
                            label: format!("tag passage {label}"),
                            actions,
                        });
                        if let Some(id) = new_id {
                            self.reader.selected_annotation = Some(id);
                        }
                        self.last_tag = Some(tag);
                    }
                    Err(e) => self.toast(e.to_string(), true),
                }
                return;
            }
        }
        if let Some(id) = self.reader.selected_annotation {
            if let Ok(action) = ops::toggle_tag(self.project(), id, tag, Timestamp::now()) {
                self.apply(action);
                self.last_tag = Some(tag);
            }
        } else {
            self.toast("Select some text first", false);
        }
    }

    fn handle(&mut self, ctx: &egui::Context, msg: Msg) {
        match msg {
            Msg::Command(c) => self.run(ctx, c),
            Msg::Apply(a) => self.apply(a),
            Msg::OpenArticle(id) => self.open_article(id),
            Msg::ApplyTag(t) => self.tag_selection(t),
            Msg::ToggleTag(a, t) => {
                if let Ok(action) = ops::toggle_tag(self.project(), a, t, Timestamp::now()) {
                    self.apply(action);
                }
            }
            Msg::CreateTag(path, apply) => {
                match ops::ensure_tag_path(self.session.project(), &path) {
                    Ok((tag, actions)) => {
                        if !actions.is_empty() {
                            self.apply(Action::Batch {
                                label: format!("add tag {path}"),
                                actions,
                            });
                        }
                        if apply {
                            self.tag_selection(tag);
                        }
                    }
                    Err(e) => self.toast(e.to_string(), true),
                }
            }
            Msg::AskDeleteTag(tag) => match ops::delete_tag(
                self.project(),
                tag,
                UntaggedPolicy::DeletePassages,
                Timestamp::now(),
            ) {
                Ok((_, impact)) if impact == DeleteTagImpact::default() => {
                    self.delete_tag(tag, None);
                }
                Ok((_, impact)) => {
                    self.dialog = Some(Dialog::DeleteTag {
                        tag,
                        impact,
                        retag: None,
                    });
                }
                Err(e) => self.toast(e.to_string(), true),
            },
            Msg::MergeTag(from, into) => {
                match ops::merge_tags(self.project(), from, into, Timestamp::now()) {
                    Ok(a) => self.apply(a),
                    Err(e) => self.toast(e.to_string(), true),
                }
            }
            Msg::FilterByTag(t) => self.list.tag = Some(t),
            Msg::Nudge(id, ds, de) => {
                if let Some(a) = self.project().annotation(id) {
                    let len = self
                        .project()
                        .article(a.article)
                        .map_or(0, |x| x.text.char_len());
                    let s = a.span.start().saturating_add_signed(ds).min(len);
                    let e = a.span.end().saturating_add_signed(de).min(len);
                    if let Ok(span) = Span::new(s, e)
                        && !span.is_empty()
                    {
                        self.apply(Action::SetAnnotationSpan {
                            annotation: id,
                            span,
                            modified: Timestamp::now(),
                        });
                        self.reader.selection = Some(super::reader::Selection {
                            anchor: s,
                            cursor: e,
                        });
                    }
                }
            }
            Msg::Seal => self.session.seal(),
            Msg::OpenRecent(p) => self.guard(After::Open(Some(p)), ctx),
            Msg::SetStatus(s) => self.set_status(s),
            Msg::Reveal(article, span) => self.reveal(article, span, None),
            Msg::RevealPassage(id) => {
                if let Some(a) = self.project().annotation(id) {
                    let (article, span) = (a.article, a.span);
                    self.reveal(article, span, Some(id));
                }
            }
            Msg::TagMatches(tag, hits) => self.tag_matches(tag, &hits),
            Msg::ListOnly(only) => self.list.only = only,
            Msg::ExportPassages(ids, markdown) => {
                let bytes =
                    if markdown {
                        Ok(crate::exchange::tables::passages_markdown(
                            self.project(),
                            "Passages",
                            &ids,
                        )
                        .into_bytes())
                    } else {
                        crate::exchange::tables::passages_csv(self.project(), &ids)
                            .map_err(|e| e.to_string())
                    };
                let (filter, ext): ((&str, &[&str]), &str) = if markdown {
                    (("Markdown", &["md"]), "md")
                } else {
                    (("CSV", &["csv"]), "csv")
                };
                self.export_bytes("Export passages", filter, &format!("passages.{ext}"), bytes);
            }
            Msg::ExportStats(table, weekly) => {
                use super::explore::StatsTable;
                use crate::exchange::tables;
                let mut s = crate::model::stats::stats(self.project());
                if weekly {
                    s.timeline = crate::model::stats::timeline(
                        self.project(),
                        crate::model::stats::Bucket::Week,
                    );
                }
                let (name, bytes) = match table {
                    StatsTable::Tags => ("tags.csv", tables::tags_csv(&s)),
                    StatsTable::Articles => ("articles.csv", tables::articles_csv(&s)),
                    StatsTable::Cooccurrence => ("cooccurrence.csv", tables::cooccurrence_csv(&s)),
                    StatsTable::Timeline => ("timeline.csv", tables::timeline_csv(&s)),
                };
                self.export_bytes(
                    "Export table",
                    ("CSV", &["csv"]),
                    name,
                    bytes.map_err(|e| e.to_string()),
                );
            }
        }
    }

    fn exchange_report(
        &mut self,
        path: &Path,
        articles: usize,
        tags: usize,
        passages: usize,
        skipped: &[String],
    ) {
        if self.current.is_none() {
            let first = self.project().articles().next().map(|a| a.id);
            self.current = first;
        }
        let summary = format!(
            "Imported {}: {articles} article(s), {tags} tag(s), {passages} passage(s).",
            path.display()
        );
        if skipped.is_empty() {
            self.toast(summary, false);
        } else {
            let list: Vec<String> = skipped.iter().map(|s| format!("• {s}")).collect();
            self.dialog = Some(Dialog::Error(format!(
                "{summary}\n\nNot imported (Gloss cannot represent these):\n{}",
                list.join("\n")
            )));
        }
    }

    fn export_bytes(
        &mut self,
        title: &str,
        filter: (&str, &[&str]),
        name: &str,
        bytes: Result<Vec<u8>, String>,
    ) {
        let Some(out) = super::dialogs::save_file(title, filter, name, self.path.as_deref()) else {
            return;
        };
        let protected = self.protected();
        let written = bytes.and_then(|b| {
            protected.check(&out).map_err(|e| e.to_string())?;
            crate::io::atomic::write_with(&out, crate::io::atomic::WriteOptions::EXPORT, |w| {
                w.write_all(&b)
            })
            .map_err(|e| e.to_string())
        });
        match written {
            Ok(()) => self.toast(format!("Exported {}", shown(&out)), false),
            Err(e) => {
                self.dialog = Some(Dialog::Error(format!(
                    "Nothing was exported to {}: {e}",
                    shown(&out)
                )));
            }
        }
    }

    /// Opens `article`, selects `span` and scrolls to it; picks `passage`.
    pub fn reveal(&mut self, article: ArticleId, span: Span, passage: Option<AnnotationId>) {
        self.open_article(article);
        self.reader.selection = Some(super::reader::Selection {
            anchor: span.start(),
            cursor: span.end(),
        });
        self.reader.selected_annotation = passage;
        self.reader.reveal(span.start());
    }

    /// Tags search matches in one undoable step; matches already tagged are
    /// not tagged twice.
    pub fn tag_matches(&mut self, tag: TagId, hits: &[(ArticleId, Vec<Span>)]) {
        let now = Timestamp::now();
        let mut actions = Vec::new();
        let mut n = 0;
        for (article, spans) in hits {
            match ops::tag_spans(self.session.project(), *article, spans, tag, now) {
                Ok((mut a, k)) => {
                    actions.append(&mut a);
                    n += k;
                }
                Err(e) => self.toast(e.to_string(), true),
            }
        }
        let label = self.project().codebook().path(tag);
        if n == 0 {
            self.toast(format!("Every match already has {label}"), false);
            return;
        }
        self.apply(Action::Batch {
            label: format!("tag {n} matches with {label}"),
            actions,
        });
        self.last_tag = Some(tag);
        self.toast(format!("Tagged {n} match(es) with {label}"), false);
    }

    fn find_step(&mut self, step: isize) {
        let n = self.reader.find.len();
        if n == 0 {
            return;
        }
        let next = match self.reader.find_current {
            Some(i) => {
                if step > 0 {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                }
            }
            None => {
                // The first match after the caret (or before it, going back).
                let at = self.reader.selection.map_or(0, |s| s.span().start());
                let after = self.reader.find.partition_point(|s| s.start() < at);
                if step > 0 {
                    after % n
                } else {
                    (after + n - 1) % n
                }
            }
        };
        self.reader.find_current = Some(next);
        let span = self.reader.find[next];
        self.reader.selection = Some(super::reader::Selection {
            anchor: span.start(),
            cursor: span.end(),
        });
        self.reader.reveal(span.start());
    }

    fn find_bar(&mut self, ui: &mut egui::Ui) {
        let Some(id) = self.current else { return };
        let mut step = 0;
        ui.horizontal(|ui| {
            let r = ui.add(
                egui::TextEdit::singleline(&mut self.find.query.pattern)
                    .hint_text("Find in article")
                    .desired_width(220.0),
            );
            if self.find.focus {
                r.request_focus();
                self.find.focus = false;
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                step = if ui.input(|i| i.modifiers.shift) {
                    -1
                } else {
                    1
                };
                r.request_focus();
            }
            ui.toggle_value(&mut self.find.query.ignore_case, "Aa")
                .on_hover_text("Ignore case");
            ui.toggle_value(&mut self.find.query.whole_word, "Word")
                .on_hover_text("Whole words only");
            ui.toggle_value(&mut self.find.query.regex, ".*")
                .on_hover_text("Regular expression");
            if ui
                .button("⬆")
                .on_hover_text("Previous match (Shift+Enter, Shift+F3)")
                .clicked()
            {
                step = -1;
            }
            if ui
                .button("⬇")
                .on_hover_text("Next match (Enter, F3)")
                .clicked()
            {
                step = 1;
            }
            let key = (id, self.find.query.clone());
            if self.find.key.as_ref() != Some(&key) {
                self.find.key = Some(key);
                self.find.error = None;
                self.reader.find.clear();
                self.reader.find_current = None;
                if !self.find.query.pattern.is_empty() {
                    match self.find.query.compile() {
                        Ok(re) => {
                            if let Some(a) = self.session.project().article(id) {
                                self.reader.find = crate::model::search::find_in_text(&re, &a.text);
                            }
                        }
                        Err(e) => self.find.error = Some(e.0),
                    }
                }
            }
            match (&self.find.error, self.reader.find_current) {
                (Some(e), _) => {
                    ui.label(
                        RichText::new(e.lines().last().unwrap_or(e))
                            .color(ui.visuals().error_fg_color),
                    )
                    .on_hover_text(e.clone());
                }
                (None, Some(i)) => {
                    ui.label(format!("{} of {}", i + 1, self.reader.find.len()));
                }
                (None, None) if !self.find.query.pattern.is_empty() => {
                    ui.label(format!("{} match(es)", self.reader.find.len()));
                }
                _ => {}
            }
            if ui.button("×").on_hover_text("Close (Esc)").clicked()
                || (r.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)))
            {
                self.find.open = false;
                self.reader.find.clear();
                self.reader.find_current = None;
                self.find.key = None;
            }
        });
        if step != 0 {
            self.find_step(step);
        }
    }

    fn delete_tag(&mut self, tag: TagId, retag: Option<TagId>) {
        let policy = retag.map_or(UntaggedPolicy::DeletePassages, UntaggedPolicy::Retag);
        match ops::delete_tag(self.project(), tag, policy, Timestamp::now()) {
            Ok((action, _)) => self.apply(action),
            Err(e) => self.toast(e.to_string(), true),
        }
    }

    // ------------------------------------------------------------ the frame

    /// Draws one frame of the whole app into `ui` and handles its input.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.configured {
            self.configured = true;
            self.settings.theme.apply(&ctx);
            // Ctrl+plus/minus zoom the reading text, not the whole window.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
        }
        self.poll_jobs(&ctx);
        self.handle_dropped_files(&ctx);
        self.handle_close_request(&ctx);
        let mut msgs: Vec<Msg> = Vec::new();
        if self.dialog.is_none() && self.palette.is_none() && self.quick_tag.is_none() {
            self.shortcuts(&ctx, &mut msgs);
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui, &mut msgs));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        egui::Panel::left("articles")
            .resizable(true)
            .default_size(330.0)
            .size_range(200.0..=700.0)
            .show(ui, |ui| {
                let state = self.session.state_id();
                list::show(
                    ui,
                    self.session.project(),
                    state,
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
                    let state = self.session.state_id();
                    codebook::show_codebook(
                        ui,
                        project,
                        state,
                        &mut self.codebook,
                        can_tag,
                        &mut msgs,
                    );
                    ui.separator();
                    let article = self.current.and_then(|id| project.article(id));
                    let sel_len = self.reader.selected_span().map_or(0, Span::len);
                    codebook::show_inspector(
                        ui,
                        project,
                        article,
                        self.reader.selected_annotation,
                        sel_len,
                        &mut msgs,
                    );
                });
        }
        if self.explore.open {
            egui::Panel::bottom("explore")
                .resizable(true)
                .default_size(320.0)
                .size_range(140.0..=900.0)
                .show(ui, |ui| {
                    let state = self.session.state_id();
                    super::explore::show(
                        ui,
                        self.session.project(),
                        state,
                        &mut self.explore,
                        &mut msgs,
                    );
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if self.find.open {
                self.find_bar(ui);
            }
            self.central(ui, &mut msgs);
        });

        self.dialogs(&ctx, &mut msgs);
        self.pickers(&ctx, &mut msgs);
        self.memo_window(&ctx, &mut msgs);
        self.show_toasts(&ctx);

        for m in msgs {
            self.handle(&ctx, m);
        }
        self.maybe_autosave(&ctx);
        self.update_title(&ctx);
    }

    fn shortcuts(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
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

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if dropped.is_empty() {
            return;
        }
        if dropped.len() == 1 && dropped[0].extension().is_some_and(|e| e == "ron") {
            self.guard(After::Open(Some(dropped[0].clone())), ctx);
        } else {
            self.jobs.push(jobs::import(ctx, dropped));
        }
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.may_close {
            if self.session.is_dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.dialog = Some(Dialog::Unsaved(After::Quit));
            } else {
                self.may_close = true;
            }
        }
    }

    fn maybe_autosave(&mut self, ctx: &egui::Context) {
        let focused = ctx.input(|i| i.viewport().focused.unwrap_or(true));
        let lost_focus = self.was_focused && !focused;
        self.was_focused = focused;
        if !self.session.is_dirty() {
            self.changed_at = None;
            return;
        }
        match self.changed_at {
            Some(t) if t.elapsed() >= AUTOSAVE_AFTER || lost_focus => self.autosave(ctx),
            Some(t) => ctx.request_repaint_after(AUTOSAVE_AFTER.saturating_sub(t.elapsed())),
            None if lost_focus => self.autosave(ctx),
            None => {}
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let dirty = if self.session.is_dirty() { "• " } else { "" };
        let title = format!("{dirty}{} — Gloss", self.project_name());
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui, msgs: &mut Vec<Msg>) {
        let ctx = ui.ctx().clone();
        let item = |ui: &mut egui::Ui, cmd: Command, msgs: &mut Vec<Msg>| {
            let mut b = egui::Button::new(cmd.label());
            if let Some(s) = cmd.shortcuts().first() {
                b = b.shortcut_text(ctx.format_shortcut(s));
            }
            if ui.add(b).clicked() {
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
                    if self.settings.recent.is_empty() {
                        ui.label(RichText::new("None yet").weak());
                    }
                    for p in &self.settings.recent {
                        if ui.button(p.display().to_string()).clicked() {
                            msgs.push(Msg::OpenRecent(p.clone()));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                for c in [Command::ImportFiles, Command::ImportFolder, Command::Resync] {
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
                for c in [
                    Command::QuickTag,
                    Command::RepeatTag,
                    Command::DeletePassage,
                    Command::ProjectMemo,
                    Command::Palette,
                ] {
                    item(ui, c, msgs);
                }
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
                ] {
                    item(ui, c, msgs);
                }
            });
            ui.menu_button("View", |ui| {
                for c in [Command::ZoomIn, Command::ZoomOut, Command::ZoomReset] {
                    item(ui, c, msgs);
                }
                ui.separator();
                for c in [
                    Command::ThemeSystem,
                    Command::ThemeLight,
                    Command::ThemeDark,
                ] {
                    item(ui, c, msgs);
                }
                ui.separator();
                ui.checkbox(&mut self.settings.show_codebook, "Codebook panel");
            });
        });
    }

    fn status_bar(&self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            let p = self.project();
            ui.label(format!(
                "{} articles · {} passages · {} tags",
                p.articles().len(),
                p.annotations().len(),
                p.codebook().len()
            ));
            if p.orphans().len() > 0 {
                ui.label(
                    RichText::new(format!("· {} orphaned", p.orphans().len()))
                        .color(Color32::from_rgb(200, 120, 0)),
                );
            }
            for j in &self.jobs {
                let (done, total) = j.progress();
                if total > 0 {
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total as f32)
                            .desired_width(160.0)
                            .text(format!("{} {done}/{total}", j.label)),
                    );
                } else {
                    ui.spinner();
                    ui.label(&j.label);
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (text, colour) = if self.session.is_dirty() {
                    ("Unsaved changes", ui.visuals().warn_fg_color)
                } else {
                    ("Saved", ui.visuals().weak_text_color())
                };
                ui.label(RichText::new(text).color(colour));
                if let Some(path) = &self.path {
                    ui.label(RichText::new(path.display().to_string()).weak().small());
                }
            });
        });
    }

    fn central(&mut self, ui: &mut egui::Ui, msgs: &mut Vec<Msg>) {
        let Some(id) = self.current else {
            ui.centered_and_justified(|ui| {
                ui.label(RichText::new(if self.project().articles().len() == 0 {
                    "Import articles to start: File › Import articles (Ctrl+I), or drop files and folders here."
                } else {
                    "Pick an article from the list."
                }).size(16.0).weak());
            });
            return;
        };
        let project = self.session.project();
        let Some(article) = project.article(id) else {
            return;
        };
        // Header.
        ui.horizontal(|ui| {
            if let Some(edit) = &mut self.editing_title {
                let r = ui.add(
                    egui::TextEdit::singleline(edit)
                        .desired_width(ui.available_width() - 90.0)
                        .font(egui::TextStyle::Heading),
                );
                r.request_focus();
                if r.lost_focus() {
                    if !ui.input(|i| i.key_pressed(egui::Key::Escape)) && *edit != article.title {
                        msgs.push(Msg::Apply(Action::SetArticleTitle {
                            article: id,
                            title: edit.clone(),
                        }));
                    }
                    self.editing_title = None;
                }
            } else {
                let r = ui
                    .add(
                        egui::Label::new(RichText::new(&article.title).heading())
                            .sense(egui::Sense::click())
                            .wrap(),
                    )
                    .on_hover_text("Double-click to edit the title");
                if r.double_clicked() {
                    self.editing_title = Some(article.title.clone());
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            let mut status = article.status;
            egui::ComboBox::from_id_salt("article_status")
                .selected_text(status.label())
                .show_ui(ui, |ui| {
                    for s in ReviewStatus::ALL {
                        ui.selectable_value(&mut status, s, s.label());
                    }
                })
                .response
                .accessible_name("Review status");
            if status != article.status {
                msgs.push(Msg::SetStatus(status));
            }
            let weak = |s: String| RichText::new(s).weak();
            if let Some(d) = article.meta.date {
                ui.label(weak(format!("Date {d}")));
            }
            if let Some(p) = article.meta.posted {
                ui.label(weak(format!("· posted {}", p.format("%Y-%m-%d %H:%M"))));
            }
            if let Some(c) = &article.meta.credit {
                ui.label(weak(format!("· credit {c}")));
            }
            ui.label(weak(format!("· {}", article.meta.file_name)))
                .on_hover_text(article.source.display().to_string());
            ui.label(weak(format!("· {} passages", project.annotation_count(id))));
        });
        ui.separator();
        if let Some(u) = project.unavailable(id) {
            Self::unavailable_notice(ui, project, id, u);
            return;
        }
        let state = self.session.state_id();
        let events = self.reader.show(ui, article, project, state);
        for e in events {
            match e {
                ReaderEvent::SelectAnnotation(a) => self.reader.selected_annotation = a,
                ReaderEvent::MoveAnnotation(a, span) => {
                    msgs.push(Msg::Apply(Action::SetAnnotationSpan {
                        annotation: a,
                        span,
                        modified: Timestamp::now(),
                    }));
                }
            }
        }
        // A new selection that is not the picked passage's span unpicks it.
        if let (Some(sel), Some(a)) = (self.reader.selected_span(), self.reader.selected_annotation)
            && self.project().annotation(a).is_some_and(|x| x.span != sel)
            && !ui.input(|i| i.pointer.any_down())
        {
            self.reader.selected_annotation = None;
        }
    }

    /// What the reading view shows for an article whose text could not be
    /// read: why, how to restore it, and its passages as recorded.
    fn unavailable_notice(
        ui: &mut egui::Ui,
        project: &Project,
        id: ArticleId,
        u: &crate::model::Unavailable,
    ) {
        ui.add_space(8.0);
        ui.label(
            RichText::new("The text of this article is unavailable")
                .strong()
                .color(ui.visuals().warn_fg_color),
        );
        ui.label(&u.reason);
        ui.label(
            "Its passages are kept, read-only, exactly as they were. Put the text file or the \
             article's source back and reopen the project (or run gloss check --repair).",
        );
        ui.add_space(8.0);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for a in project.annotations_of(id) {
                let tags: Vec<String> =
                    a.tags.iter().map(|t| project.codebook().path(*t)).collect();
                ui.label(format!(
                    "{} · {}: “{}”",
                    a.span,
                    tags.join(", "),
                    project.passage(a)
                ));
            }
        });
    }

    fn dialogs(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
        let Some(dialog) = self.dialog.take() else {
            return;
        };
        let mut keep = true;
        let mut then: Option<Continuation> = None;
        let modal = egui::Modal::new(egui::Id::unique("dialog")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            match &dialog {
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
                Dialog::DeleteTag { tag, impact, retag } => {
                    let cb = self.project().codebook();
                    ui.heading(format!("Delete tag {}?", cb.path(*tag)));
                    if impact.nested_tags > 0 {
                        ui.label(format!("Its {} nested tag(s) are deleted with it.", impact.nested_tags));
                    }
                    if impact.lose_tag > 0 {
                        ui.label(format!("{} passage(s) keep their other tags and lose this one.", impact.lose_tag));
                    }
                    if impact.left_untagged > 0 {
                        ui.label(format!("{} passage(s) have no other tag:", impact.left_untagged));
                        let mut choice = *retag;
                        let family = cb.with_descendants(*tag);
                        ui.radio_value(&mut choice, None, "delete those passages");
                        ui.horizontal(|ui| {
                            let label = choice.map_or_else(|| "…".to_owned(), |t| cb.path(t));
                            egui::ComboBox::from_label("give them this tag instead")
                                .selected_text(label)
                                .show_ui(ui, |ui| {
                                    for t in cb.iter().filter(|t| !family.contains(&t.id)) {
                                        ui.selectable_value(&mut choice, Some(t.id), cb.path(t.id));
                                    }
                                });
                        });
                        if choice != *retag {
                            let (tag, impact) = (*tag, impact.clone());
                            then = Some(Box::new(move |app, _| {
                                app.dialog = Some(Dialog::DeleteTag { tag, impact, retag: choice });
                            }));
                            keep = false;
                        }
                    }
                    if impact.orphans > 0 {
                        ui.label(format!("{} orphaned passage(s) are affected too.", impact.orphans));
                    }
                    ui.label(RichText::new("You can undo this with Ctrl+Z.").weak());
                    ui.horizontal(|ui| {
                        if ui.button("Delete").clicked() {
                            let (tag, retag) = (*tag, *retag);
                            then = Some(Box::new(move |app, _| app.delete_tag(tag, retag)));
                            keep = false;
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::ImportReport(r) => {
                    ui.heading("Import finished");
                    ui.label(format!("Imported {} article(s); {} duplicate(s) skipped; {} file(s) refused.", r.imported.len(), r.duplicates.len(), r.refused.len()));
                    egui::ScrollArea::vertical().max_height(280.0).show(ui, |ui| {
                        for f in &r.refused {
                            ui.label(RichText::new(format!("× {}: {}", f.path.display(), f.reason)).color(ui.visuals().error_fg_color));
                        }
                        for d in &r.duplicates {
                            ui.label(format!("= {}: same text as {}", d.path.display(), d.same_as));
                        }
                        for (p, w) in &r.warnings {
                            ui.label(RichText::new(format!("! {}: {w}", p.display())).color(ui.visuals().warn_fg_color));
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
                            then = Some(Box::new(move |app, _| app.restore(p, &r)));
                        }
                        let (p, r) = (project.clone(), recovery.clone());
                        if ui.button("Discard autosave").clicked() {
                            keep = false;
                            then = Some(Box::new(move |app, ctx| {
                                let _ = std::fs::remove_file(&r);
                                app.jobs.push(jobs::open(ctx, p, false));
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
                            then = Some(Box::new(move |app, _| match crate::io::load(&r) {
                                Ok(loaded) => {
                                    app.install(r.clone(), loaded);
                                    app.path = None;
                                    app.settings.recent.retain(|p| p != &r);
                                    app.session.mark_unsaved();
                                    app.mark_changed();
                                }
                                Err(e) => app.dialog = Some(Dialog::Error(format!("The autosave could not be read: {e}"))),
                            }));
                        }
                        let r = recovery.clone();
                        if ui.button("Discard it").clicked() {
                            keep = false;
                            then = Some(Box::new(move |_, _| {
                                let _ = std::fs::remove_file(&r);
                            }));
                        }
                    });
                }
                Dialog::SaveConflict { path, message, changed } => {
                    ui.heading("The project was not saved");
                    ui.label(message);
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
                                    app.jobs.push(jobs::open(ctx, p, true));
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
                                app.jobs.push(jobs::open(ctx, p, true));
                            }));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                }
                Dialog::Error(text) => {
                    ui.heading("Something went wrong");
                    ui.label(text);
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
        let _ = msgs;
    }

    fn restore(&mut self, project: PathBuf, recovery: &Path) {
        match crate::io::load(recovery) {
            Ok(mut loaded) => {
                // Saving goes over the project file as it is now.
                loaded.baseline = Baseline {
                    stamp: crate::io::project_file::stamp_of(&project).ok(),
                    ..Baseline::default()
                };
                self.install(project, loaded);
                // The restored state is unsaved work until the user saves it.
                self.session.mark_unsaved();
                self.mark_changed();
                self.toast("Restored autosaved changes; save to keep them", false);
            }
            Err(e) => {
                self.dialog = Some(Dialog::Error(format!(
                    "The autosave could not be read: {e}"
                )));
            }
        }
    }

    fn pickers(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
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

    fn memo_window(&mut self, ctx: &egui::Context, msgs: &mut Vec<Msg>) {
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

    fn show_toasts(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        self.toasts.retain(|t| t.until > now);
        if self.toasts.is_empty() {
            return;
        }
        if let Some(next) = self.toasts.iter().map(|t| t.until).min() {
            ctx.request_repaint_after(next - now);
        }
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, [-16.0, -36.0])
            .order(egui::Order::Foreground)
            .interactable(false)
            .show(ctx, |ui| {
                for t in &self.toasts {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        let text = RichText::new(&t.text);
                        ui.label(if t.error {
                            text.color(ui.visuals().error_fg_color)
                        } else {
                            text
                        });
                    });
                }
            });
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

impl eframe::App for GlossApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
