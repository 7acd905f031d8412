//! The files an export must never overwrite: the project file, its backup,
//! recovery and lock files, its texts folder, and its articles' sources —
//! compared after resolving links, and by file identity.

use std::path::{Path, PathBuf};

use super::paths::{absolute, project_dir, shown};

/// An output that would overwrite something Gloss must keep.
#[derive(Debug, thiserror::Error)]
#[error("refusing to write to {}: it is {what}; choose another file", shown(.path))]
pub struct ProtectedError {
    /// The output asked for.
    pub path: PathBuf,
    /// What it would destroy, e.g. `the project file`.
    pub what: String,
}

/// Files and folders an export must never write to: the project file, its
/// backup, recovery and lock files, its texts folder, and the articles'
/// source files. Paths are compared after resolving links, and by file
/// identity (so a hard link or another spelling of the same file is caught).
#[derive(Debug, Default, Clone)]
pub struct Protected {
    files: Vec<(PathBuf, String)>,
    folders: Vec<(PathBuf, String)>,
}

/// `path` resolved through symbolic links as far as it exists.
fn canonical(path: &Path) -> PathBuf {
    let abs = absolute(path);
    if let Ok(c) = std::fs::canonicalize(&abs) {
        return c;
    }
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => abs,
    }
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

impl Protected {
    /// The files of the project at `project_path` whose texts live in
    /// `texts` (a folder name relative to the project's folder).
    #[must_use]
    pub fn project(project_path: &Path, texts: Option<&str>) -> Self {
        let mut p = Self::default();
        let abs = absolute(project_path);
        p.file(&abs, "the project file");
        let with = |suffix: &str| {
            let mut name = abs.file_name().unwrap_or_default().to_os_string();
            name.push(suffix);
            abs.with_file_name(name)
        };
        p.file(&with(".bak"), "the project's backup");
        p.file(&with(".recovery"), "the project's recovery file");
        p.file(&super::lock::lock_path(&abs), "the project's lock file");
        p.file(&super::lock::presence_path(&abs), "the project's lock file");
        if let Some(t) = texts {
            p.folder(
                &project_dir(&abs).join(t),
                "inside the project's texts folder",
            );
        }
        p
    }

    /// Adds a file to protect, described as `what`.
    pub fn file(&mut self, path: &Path, what: &str) {
        self.files.push((canonical(path), what.to_owned()));
    }

    /// Adds a folder whose contents are protected, described as `what`.
    pub fn folder(&mut self, path: &Path, what: &str) {
        self.folders.push((canonical(path), what.to_owned()));
    }

    /// Checks that writing `out` destroys nothing protected.
    ///
    /// # Errors
    /// [`ProtectedError`] naming what `out` would overwrite.
    pub fn check(&self, out: &Path) -> Result<(), ProtectedError> {
        let c = canonical(out);
        let refuse = |what: &str| ProtectedError {
            path: out.to_path_buf(),
            what: what.to_owned(),
        };
        for (f, what) in &self.files {
            if *f == c || same_file(f, &c) {
                return Err(refuse(what));
            }
        }
        for (d, what) in &self.folders {
            if c.starts_with(d) {
                return Err(refuse(what));
            }
        }
        Ok(())
    }

    /// Checks a folder that an export fills with files: it must not be (or
    /// be inside) a protected folder, nor hold a protected file directly.
    ///
    /// # Errors
    /// [`ProtectedError`] naming what the folder holds.
    pub fn check_folder(&self, out: &Path) -> Result<(), ProtectedError> {
        self.check(out)?;
        let c = canonical(out);
        for (f, what) in &self.files {
            if f.parent() == Some(c.as_path()) && what == "the project file" {
                return Err(ProtectedError {
                    path: out.to_path_buf(),
                    what: format!("the folder of {what}"),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_files_are_caught_in_any_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let proj = dir.path().join("p.ron");
        std::fs::write(&proj, "x").unwrap();
        std::fs::create_dir(dir.path().join("p.texts")).unwrap();
        let guard = Protected::project(&proj, Some("p.texts"));
        assert!(guard.check(&proj).is_err());
        assert!(guard.check(&dir.path().join("./sub/../p.ron")).is_err());
        assert!(guard.check(&dir.path().join("p.ron.bak")).is_err());
        assert!(guard.check(&dir.path().join("p.ron.recovery")).is_err());
        assert!(guard.check(&dir.path().join("p.texts/abc.txt")).is_err());
        assert!(guard.check(&dir.path().join("out.csv")).is_ok());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&proj, &link).unwrap();
            assert!(guard.check(&link).is_err());
            let hard = dir.path().join("hard.csv");
            std::fs::hard_link(&proj, &hard).unwrap();
            assert!(guard.check(&hard).is_err());
        }
        assert!(guard.check_folder(dir.path()).is_err());
    }
}
