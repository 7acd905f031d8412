//! Choosing files and folders. The system's dialog (rfd) runs on a thread of
//! its own, so the window keeps drawing; where there is none — no desktop
//! portal and no zenity, as on minimal desktops, tiling window managers and
//! remote sessions — rfd answers "nothing chosen" at once, and Gloss shows
//! its own dialog (`egui_file`, with a path field to type into) for the same
//! request. What the user asked for ([`Then`]) is carried through either
//! way, so no menu item silently does nothing.
//!
//! `GLOSS_FILE_DIALOG=gloss` uses Gloss's own dialog from the start.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::exchange::format::Format;

/// An answer faster than this is taken for a dialog that could not open (no
/// one cancels a file dialog in a fraction of a second).
const TOO_FAST: Duration = Duration::from_millis(700);

/// What kind of thing to choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One existing file.
    OpenFile,
    /// One or more existing files.
    OpenFiles,
    /// A folder.
    Folder,
    /// Where to save a file.
    Save,
}

/// A request for a path.
#[derive(Clone, Debug)]
pub struct Ask {
    /// The dialog's title.
    pub title: String,
    /// What to choose.
    pub kind: Kind,
    /// File types offered: (name, extensions without dot).
    pub filters: Vec<(String, Vec<String>)>,
    /// The file name proposed (saving).
    pub name: String,
    /// The folder to start in.
    pub dir: Option<PathBuf>,
}

impl Ask {
    /// A request of `kind` titled `title`, starting near `near` (a file whose
    /// folder to start in).
    #[must_use]
    pub fn new(kind: Kind, title: &str, near: Option<&Path>) -> Self {
        Self {
            title: title.to_owned(),
            kind,
            filters: Vec::new(),
            name: String::new(),
            dir: near.and_then(Path::parent).map(Path::to_path_buf),
        }
    }

    /// Offers files with these extensions.
    #[must_use]
    pub fn filter(mut self, name: &str, extensions: &[&str]) -> Self {
        self.filters.push((
            name.to_owned(),
            extensions.iter().map(|e| (*e).to_owned()).collect(),
        ));
        self
    }

    /// Proposes a file name.
    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        name.clone_into(&mut self.name);
        self
    }

    /// Runs the system's dialog (blocking: call it off the UI thread).
    fn native(&self) -> Option<Vec<PathBuf>> {
        let mut d = rfd::FileDialog::new().set_title(&self.title);
        for (name, exts) in &self.filters {
            d = d.add_filter(name, exts);
        }
        if let Some(dir) = &self.dir {
            d = d.set_directory(dir);
        }
        match self.kind {
            Kind::OpenFile => d.pick_file().map(|p| vec![p]),
            Kind::OpenFiles => d.pick_files(),
            Kind::Folder => d.pick_folder().map(|p| vec![p]),
            Kind::Save => d.set_file_name(&self.name).save_file().map(|p| vec![p]),
        }
    }

    /// Gloss's own dialog for this request.
    fn own(&self) -> egui_file::FileDialog {
        let mut d = match self.kind {
            Kind::OpenFile | Kind::OpenFiles => egui_file::FileDialog::open_file(),
            Kind::Folder => egui_file::FileDialog::select_folder(),
            Kind::Save => egui_file::FileDialog::save_file().default_filename(&self.name),
        }
        .title(&self.title)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show_rename(false)
        .multi_select(self.kind == Kind::OpenFiles)
        .default_size([640.0, 480.0]);
        if let Some(dir) = self
            .dir
            .clone()
            .filter(|d| d.is_dir())
            .or_else(|| std::env::current_dir().ok())
        {
            d = d.initial_path(dir);
        }
        let exts: Vec<String> = self
            .filters
            .iter()
            .flat_map(|(_, e)| e.iter().cloned())
            .filter(|e| e != "*")
            .collect();
        if matches!(self.kind, Kind::OpenFile | Kind::OpenFiles) && !exts.is_empty() {
            d = d.show_files_filter(Box::new(move |p: &Path| {
                p.is_dir()
                    || p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
            }));
        }
        d.open();
        d
    }

    /// The chosen save path, with the first filter's extension added when
    /// the user typed a name without one.
    fn with_extension(&self, path: PathBuf) -> PathBuf {
        if self.kind != Kind::Save || path.extension().is_some() {
            return path;
        }
        match self.filters.first().and_then(|(_, e)| e.first()) {
            Some(ext) if ext != "*" => path.with_extension(ext),
            _ => path,
        }
    }
}

/// What to do with the chosen paths.
pub enum Then {
    /// Open this project.
    OpenProject,
    /// Import these files or folders.
    Import,
    /// Save the project here (then go on with what waited for the save).
    SaveProject,
    /// Export in this format to here.
    Export(Format),
    /// Export only this layer's passages (an analyst, or gold) in this format.
    ExportLayer(Format, String),
    /// Merge the chosen project into this one.
    Merge,
    /// Write what this makes to here.
    WriteBytes(Box<dyn FnOnce() -> Result<Vec<u8>, String> + Send>),
}

impl std::fmt::Debug for Then {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OpenProject => f.write_str("OpenProject"),
            Self::Import => f.write_str("Import"),
            Self::SaveProject => f.write_str("SaveProject"),
            Self::Export(x) => write!(f, "Export({x:?})"),
            Self::ExportLayer(x, l) => write!(f, "ExportLayer({x:?}, {l:?})"),
            Self::Merge => f.write_str("Merge"),
            Self::WriteBytes(_) => f.write_str("WriteBytes"),
        }
    }
}

enum Stage {
    /// The system's dialog is open on its own thread.
    Native {
        answer: Receiver<Option<Vec<PathBuf>>>,
        since: Instant,
    },
    /// Gloss's own dialog.
    Own(Box<egui_file::FileDialog>),
    /// Gloss's own dialog chose a file that exists: replace it?
    Replace(Box<egui_file::FileDialog>, PathBuf),
    /// Only while moving from one stage to the next.
    Moving,
}

/// The system's file dialog: what the user chose, `None` for nothing.
type SystemDialog = Box<dyn FnOnce(&Ask) -> Option<Vec<PathBuf>> + Send>;

/// A request being answered.
pub struct Picking {
    ask: Ask,
    then: Then,
    stage: Stage,
}

/// How a request ended, this frame.
pub enum Outcome {
    /// Still open.
    Open,
    /// Chosen: do `then` with these paths.
    Chosen(Then, Vec<PathBuf>),
    /// The user cancelled.
    Cancelled(Then),
    /// The system has no dialog here; Gloss's own is open instead.
    FellBack,
}

/// True unless `GLOSS_FILE_DIALOG=gloss` asks for Gloss's own dialogs.
#[must_use]
pub fn native_wanted() -> bool {
    std::env::var("GLOSS_FILE_DIALOG").map_or(true, |v| v != "gloss")
}

impl Picking {
    /// Starts answering `ask`: with the system's dialog when `native`, else
    /// with Gloss's own.
    #[must_use]
    pub fn start(ctx: &egui::Context, ask: Ask, then: Then, native: bool) -> Self {
        let system: Option<SystemDialog> = native.then_some(Box::new(|a: &Ask| a.native()));
        Self::start_with(ctx, ask, then, system)
    }

    /// [`Picking::start`] with the system's dialog given (tests stand in
    /// for it).
    fn start_with(ctx: &egui::Context, ask: Ask, then: Then, system: Option<SystemDialog>) -> Self {
        let stage = if let Some(system) = system {
            let (tx, rx) = std::sync::mpsc::channel();
            let a = ask.clone();
            let ctx = ctx.clone();
            let spawned = std::thread::Builder::new()
                .name("file dialog".into())
                .spawn(move || {
                    let chosen = system(&a);
                    let _ = tx.send(chosen);
                    ctx.request_repaint();
                });
            match spawned {
                Ok(_) => Stage::Native {
                    answer: rx,
                    since: Instant::now(),
                },
                Err(_) => Stage::Own(Box::new(ask.own())),
            }
        } else {
            Stage::Own(Box::new(ask.own()))
        };
        Self { ask, then, stage }
    }

    /// True while the system's dialog is open (the window waits for it).
    #[must_use]
    pub fn is_native(&self) -> bool {
        matches!(self.stage, Stage::Native { .. })
    }

    /// Shows Gloss's own dialog, or checks on the system's (with a note in
    /// the window that offers Gloss's own instead, should the system's be
    /// hidden); returns how the request stands. `self` is spent when it is
    /// chosen or cancelled.
    pub fn poll(mut self, ctx: &egui::Context) -> (Option<Self>, Outcome) {
        match &mut self.stage {
            Stage::Native { answer, since } => match answer.try_recv() {
                Err(TryRecvError::Empty) => {
                    ctx.request_repaint_after(Duration::from_millis(200));
                    let mut own = false;
                    egui::Modal::new(egui::Id::unique("waiting for the file dialog")).show(
                        ctx,
                        |ui| {
                            ui.label(format!("{}: choose in the file dialog…", self.ask.title));
                            own = ui.button("Use Gloss's file dialog instead").clicked();
                        },
                    );
                    if own {
                        // The system's answer, if it ever comes, is ignored.
                        self.stage = Stage::Own(Box::new(self.ask.own()));
                    }
                    (Some(self), Outcome::Open)
                }
                Ok(Some(paths)) if !paths.is_empty() => {
                    let paths = paths
                        .into_iter()
                        .map(|p| self.ask.with_extension(p))
                        .collect();
                    (None, Outcome::Chosen(self.then, paths))
                }
                Ok(_) if since.elapsed() > TOO_FAST => (None, Outcome::Cancelled(self.then)),
                // Nothing chosen at once, or the dialog's thread died: the
                // system has no dialog here.
                Ok(_) | Err(TryRecvError::Disconnected) => {
                    self.stage = Stage::Own(Box::new(self.ask.own()));
                    (Some(self), Outcome::FellBack)
                }
            },
            Stage::Own(dialog) => {
                dialog.show(ctx);
                match dialog.state() {
                    egui_file::State::Open => (Some(self), Outcome::Open),
                    egui_file::State::Selected => {
                        let mut paths: Vec<PathBuf> = dialog
                            .selection()
                            .into_iter()
                            .map(Path::to_path_buf)
                            .collect();
                        if paths.is_empty() {
                            paths.extend(dialog.path().map(Path::to_path_buf));
                        }
                        let paths: Vec<PathBuf> = paths
                            .into_iter()
                            .map(|p| self.ask.with_extension(p))
                            .collect();
                        match paths.first() {
                            None => (None, Outcome::Cancelled(self.then)),
                            // The system's dialogs ask before replacing a
                            // file; so does Gloss's.
                            Some(p) if self.ask.kind == Kind::Save && p.exists() => {
                                let p = p.clone();
                                let Stage::Own(d) =
                                    std::mem::replace(&mut self.stage, Stage::Moving)
                                else {
                                    unreachable!("in the Own stage");
                                };
                                self.stage = Stage::Replace(d, p);
                                (Some(self), Outcome::Open)
                            }
                            Some(_) => (None, Outcome::Chosen(self.then, paths)),
                        }
                    }
                    egui_file::State::Cancelled | egui_file::State::Closed => {
                        (None, Outcome::Cancelled(self.then))
                    }
                }
            }
            Stage::Moving => (None, Outcome::Cancelled(self.then)),
            Stage::Replace(dialog, path) => {
                let mut answer = None;
                egui::Modal::new(egui::Id::unique("replace the file")).show(ctx, |ui| {
                    ui.heading("Replace the file?");
                    ui.label(format!(
                        "{} already exists. Replacing it keeps nothing of it.",
                        crate::io::paths::shown(path)
                    ));
                    ui.horizontal(|ui| {
                        if ui.button("Replace").clicked() {
                            answer = Some(true);
                        }
                        if ui.button("Choose another name").clicked()
                            || ui.input(|i| i.key_pressed(egui::Key::Escape))
                        {
                            answer = Some(false);
                        }
                    });
                });
                match answer {
                    Some(true) => {
                        let path = path.clone();
                        (None, Outcome::Chosen(self.then, vec![path]))
                    }
                    Some(false) => {
                        dialog.open();
                        let Stage::Replace(d, _) =
                            std::mem::replace(&mut self.stage, Stage::Moving)
                        else {
                            unreachable!("in the Replace stage");
                        };
                        self.stage = Stage::Own(d);
                        (Some(self), Outcome::Open)
                    }
                    None => (Some(self), Outcome::Open),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(ctx: &egui::Context, p: Picking) -> (Option<Picking>, Outcome) {
        let mut out = None;
        let mut p = Some(p);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            if let Some(p) = p.take() {
                out = Some(p.poll(ui.ctx()));
            }
        });
        output.textures_delta.clear();
        out.expect("polled")
    }

    #[test]
    fn a_system_dialog_that_answers_nothing_at_once_gives_way_to_gloss_s_own() {
        let ctx = egui::Context::default();
        let ask = Ask::new(Kind::Save, "Save project", None).named("x.ron");
        let none: SystemDialog = Box::new(|_| None);
        let mut p = Picking::start_with(&ctx, ask, Then::SaveProject, Some(none));
        assert!(p.is_native());
        for _ in 0..200 {
            let (still, outcome) = frame(&ctx, p);
            p = still.expect("still answering");
            match outcome {
                Outcome::FellBack => {
                    assert!(!p.is_native(), "Gloss's own dialog is open");
                    return;
                }
                Outcome::Open => std::thread::sleep(Duration::from_millis(5)),
                _ => panic!("neither chosen nor cancelled"),
            }
        }
        panic!("no fallback");
    }

    #[test]
    fn a_choice_in_the_system_dialog_is_carried_through() {
        let ctx = egui::Context::default();
        let ask = Ask::new(Kind::Save, "Export", None).filter("CSV", &["csv"]);
        let chosen: SystemDialog = Box::new(|_| Some(vec![PathBuf::from("/tmp/out")]));
        let mut p = Picking::start_with(&ctx, ask, Then::Export(Format::Csv), Some(chosen));
        for _ in 0..200 {
            let (still, outcome) = frame(&ctx, p);
            match outcome {
                Outcome::Chosen(Then::Export(Format::Csv), paths) => {
                    assert_eq!(paths, [PathBuf::from("/tmp/out.csv")]);
                    return;
                }
                Outcome::Open => {
                    p = still.expect("still answering");
                    std::thread::sleep(Duration::from_millis(5));
                }
                _ => panic!("not chosen"),
            }
        }
        panic!("no answer");
    }

    #[test]
    fn saving_adds_the_extension_when_the_name_has_none() {
        let ask = Ask::new(Kind::Save, "Save", None).filter("Gloss project", &["ron"]);
        assert_eq!(
            ask.with_extension(PathBuf::from("/x/review")),
            PathBuf::from("/x/review.ron")
        );
        assert_eq!(
            ask.with_extension(PathBuf::from("/x/review.v2.ron")),
            PathBuf::from("/x/review.v2.ron")
        );
        let open = Ask::new(Kind::OpenFile, "Open", None).filter("Gloss project", &["ron"]);
        assert_eq!(
            open.with_extension(PathBuf::from("/x/review")),
            PathBuf::from("/x/review")
        );
    }
}
