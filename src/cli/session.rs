//! Opening a project from the command line: to read it, or to change it
//! under its write lock (load, change, save), so two commands never lose each
//! other's work.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::Global;
use crate::io::lock::WriteLock;
use crate::io::paths::shown;
use crate::io::project_file::{self, Baseline, SaveOptions, TextStorage};
use crate::model::Project;

/// A project opened by a command.
pub(super) struct Opened {
    /// The project.
    pub project: Project,
    /// How its texts are stored.
    pub storage: TextStorage,
    /// What was on disk when it was read.
    pub baseline: Baseline,
    /// Its file.
    pub path: PathBuf,
    /// Held until the command ends (a command that changes the project).
    lock: Option<WriteLock>,
}

fn warn_all(warnings: &[String]) {
    for w in warnings {
        eprintln!("gloss: warning: {w}");
    }
}

/// Opens a project to read it (no lock: the file is read in one go).
pub(super) fn read(path: &Path) -> Result<Opened> {
    let started = std::time::Instant::now();
    let loaded = project_file::load(path)?;
    tracing::debug!("opened {} in {:.2?}", shown(path), started.elapsed());
    warn_all(&loaded.warnings);
    Ok(Opened {
        project: loaded.project,
        storage: loaded.storage,
        baseline: loaded.baseline,
        path: path.to_path_buf(),
        lock: None,
    })
}

/// Opens a project to change it, holding its write lock until dropped; with
/// `create`, a missing file starts an empty project.
pub(super) fn for_change(path: &Path, global: &Global, what: &str, create: bool) -> Result<Opened> {
    let lock = WriteLock::acquire(path, Duration::from_secs(global.wait), what, |holder| {
        eprintln!(
            "gloss: waiting for {holder} to finish with {}…",
            shown(path)
        );
    })?;
    let exists = std::fs::symlink_metadata(path).is_ok();
    let mut opened = if exists || !create {
        read(path)?
    } else {
        Opened {
            project: Project::new(),
            storage: TextStorage::default(),
            baseline: Baseline::default(),
            path: path.to_path_buf(),
            lock: None,
        }
    };
    opened.lock = Some(lock);
    Ok(opened)
}

/// A command's project is freed on another thread: a process that ends
/// first does not wait while a million passages are freed one by one (the
/// system takes the memory back at once), and one that goes on frees it.
impl Drop for Opened {
    fn drop(&mut self) {
        let project = std::mem::take(&mut self.project);
        if project.articles().next().is_some() {
            std::thread::spawn(move || drop(project));
        }
    }
}

impl Opened {
    /// The project, for a command that keeps it.
    pub(super) fn into_project(mut self) -> Project {
        std::mem::take(&mut self.project)
    }

    /// True while this command holds the project's write lock.
    pub(super) fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Saves the project over the file it was read from (which must still
    /// be that version), keeping the lock.
    pub(super) fn save(&mut self, global: &Global) -> Result<()> {
        let opts = SaveOptions {
            baseline: Some(&self.baseline),
            force: global.force,
            lock_wait: Duration::from_secs(global.wait),
            ..SaveOptions::new(self.storage)
        };
        let started = std::time::Instant::now();
        let baseline =
            project_file::save_with(&self.project, &self.path, &opts).with_context(|| {
                format!(
                    "the project was not saved; {} is unchanged",
                    shown(&self.path)
                )
            })?;
        tracing::debug!("saved {} in {:.2?}", shown(&self.path), started.elapsed());
        self.baseline = baseline;
        Ok(())
    }
}
