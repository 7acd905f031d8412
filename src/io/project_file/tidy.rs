//! What crashes and full disks leave behind: temporary files of interrupted
//! saves, and texts no version of the project refers to any more. `gloss
//! check` lists them; `gloss check --gc` removes them, never touching a text
//! that the project file, its backup or its recovery file names.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::SystemTime;

use regex::Regex;

use super::{recovery_path, texts_folder_name};
use crate::io::atomic::backup_path;
use crate::io::limits::Limits;
use crate::io::paths::{absolute, project_dir};
use crate::io::read::read_bounded;
use crate::model::Project;

/// When this process started (the first time anything asked).
static STARTED: LazyLock<SystemTime> = LazyLock::new(SystemTime::now);

/// Notes the process's start time; call it first thing in `main`. Temporary
/// files older than this cannot belong to a save this process is making.
pub fn mark_process_start() {
    LazyLock::force(&STARTED);
}

/// Files left behind, with their sizes in bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Leftovers {
    /// Temporary files of interrupted saves (`.NAME.ron.*.tmp`, `.*.tmp`
    /// in the texts folder, and folders `.NAME.texts.*.tmp` of a first save's
    /// texts).
    pub temp_files: Vec<(PathBuf, u64)>,
    /// Texts in the texts folder that neither the project nor its backup
    /// nor its recovery file names.
    pub unreferenced_texts: Vec<(PathBuf, u64)>,
}

impl Leftovers {
    /// True when nothing was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.temp_files.is_empty() && self.unreferenced_texts.is_empty()
    }

    /// Their total size in bytes.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.temp_files
            .iter()
            .chain(&self.unreferenced_texts)
            .map(|(_, n)| n)
            .sum()
    }
}

static HASH_RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\b[0-9a-f]{64}\b").ok());

/// Every text hash a file mentions (read as plain text, so a damaged backup
/// still protects its texts).
fn hashes_in(path: &Path, out: &mut HashSet<String>) {
    let Ok(bytes) = read_bounded(path, Limits::get().project_bytes) else {
        return;
    };
    let text = String::from_utf8_lossy(&bytes);
    if let Some(re) = HASH_RE.as_ref() {
        out.extend(re.find_iter(&text).map(|m| m.as_str().to_owned()));
    }
}

/// Gloss's temporary files end in `.tmp` (as written, lower case).
fn is_temp(name: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e == "tmp")
}

/// A file's size, or the total size of a folder's files (a temporary texts
/// folder holds only files).
fn size(path: &Path) -> u64 {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::read_dir(path).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len())
                .sum()
        }),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

/// Lists the leftovers beside the project at `path`, whose content is
/// `project`.
#[must_use]
pub fn find(project: &Project, path: &Path) -> Leftovers {
    let path = absolute(path);
    let dir = project_dir(&path);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.");
    // A first save writes its texts folder under a temporary name.
    let texts_prefix = format!(".{}.", texts_folder_name(&path));
    let mut out = Leftovers::default();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.filter_map(Result::ok) {
            let n = e.file_name().to_string_lossy().into_owned();
            if (n.starts_with(&prefix) || n.starts_with(&texts_prefix)) && is_temp(&n) {
                out.temp_files.push((e.path(), size(&e.path())));
            }
        }
    }
    let texts = dir.join(texts_folder_name(&path));
    let mut referenced: HashSet<String> =
        project.articles().map(|a| a.hash.0.to_string()).collect();
    hashes_in(&backup_path(&path), &mut referenced);
    hashes_in(&recovery_path(&path), &mut referenced);
    if let Ok(entries) = std::fs::read_dir(&texts) {
        for e in entries.filter_map(Result::ok) {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with('.') && is_temp(&n) {
                out.temp_files.push((e.path(), size(&e.path())));
            } else if let Some(hash) = n.strip_suffix(".txt")
                && hash.len() == 64
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !referenced.contains(hash)
            {
                out.unreferenced_texts.push((e.path(), size(&e.path())));
            }
        }
    }
    out.temp_files.sort();
    out.unreferenced_texts.sort();
    out
}

/// Removes the leftovers `found` lists: temporary files older than this
/// process, and unreferenced texts. Hold the project's write lock while
/// calling it. Returns what was removed.
///
/// # Errors
/// The first file that could not be removed (the others are still tried).
pub fn remove(found: &Leftovers) -> Result<Leftovers, (PathBuf, std::io::Error)> {
    let mut removed = Leftovers::default();
    let mut first_error = None;
    let started = *STARTED;
    for (p, n) in &found.temp_files {
        let old = std::fs::symlink_metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < started);
        if !old {
            continue;
        }
        let is_dir = std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
        let gone = if is_dir {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
        match gone {
            Ok(()) => removed.temp_files.push((p.clone(), *n)),
            Err(e) => {
                first_error.get_or_insert((p.clone(), e));
            }
        }
    }
    for (p, n) in &found.unreferenced_texts {
        match std::fs::remove_file(p) {
            Ok(()) => removed.unreferenced_texts.push((p.clone(), *n)),
            Err(e) => {
                first_error.get_or_insert((p.clone(), e));
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(removed),
    }
}
