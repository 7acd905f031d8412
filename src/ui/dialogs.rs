//! Native file dialogs (rfd). The only module that calls rfd; every dialog
//! action is also reachable by command-line arguments or drag and drop.

use std::path::{Path, PathBuf};

fn start_dir(near: Option<&Path>) -> Option<PathBuf> {
    near.and_then(Path::parent).map(Path::to_path_buf)
}

/// Asks for a project file to open.
#[must_use]
pub fn open_project(near: Option<&Path>) -> Option<PathBuf> {
    let mut d = rfd::FileDialog::new()
        .set_title("Open Gloss project")
        .add_filter("Gloss project", &["ron"]);
    if let Some(dir) = start_dir(near) {
        d = d.set_directory(dir);
    }
    d.pick_file()
}

/// Asks for article files to import (several at once).
#[must_use]
pub fn import_files(near: Option<&Path>) -> Option<Vec<PathBuf>> {
    let mut d = rfd::FileDialog::new()
        .set_title("Import articles")
        .add_filter(
            "Articles",
            &["txt", "text", "md", "markdown", "html", "htm"],
        )
        .add_filter("All files", &["*"]);
    if let Some(dir) = start_dir(near) {
        d = d.set_directory(dir);
    }
    d.pick_files()
}

/// Asks for a REFI-QDA project or codebook to import.
#[must_use]
pub fn import_refi(near: Option<&Path>) -> Option<PathBuf> {
    let mut d = rfd::FileDialog::new()
        .set_title("Import REFI-QDA project or codebook")
        .add_filter("REFI-QDA", &["qdpx", "qdc"]);
    if let Some(dir) = start_dir(near) {
        d = d.set_directory(dir);
    }
    d.pick_file()
}

/// Asks for a folder (to import from or export into).
#[must_use]
pub fn pick_folder(title: &str, near: Option<&Path>) -> Option<PathBuf> {
    let mut d = rfd::FileDialog::new().set_title(title);
    if let Some(dir) = start_dir(near) {
        d = d.set_directory(dir);
    }
    d.pick_folder()
}

/// Asks for a folder of articles to import.
#[must_use]
pub fn import_folder(near: Option<&Path>) -> Option<PathBuf> {
    let mut d = rfd::FileDialog::new().set_title("Import a folder of articles");
    if let Some(dir) = start_dir(near) {
        d = d.set_directory(dir);
    }
    d.pick_folder()
}

/// Asks where to save something.
#[must_use]
pub fn save_file(
    title: &str,
    filter: (&str, &[&str]),
    name: &str,
    near: Option<&Path>,
) -> Option<PathBuf> {
    let mut d = rfd::FileDialog::new()
        .set_title(title)
        .add_filter(filter.0, filter.1)
        .set_file_name(name);
    if let Some(dir) = start_dir(near) {
        d = d.set_directory(dir);
    }
    d.save_file()
}
