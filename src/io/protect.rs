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
    /// The articles' source files, as given: there can be 100,000, so they
    /// are not resolved up front but compared with an output that exists
    /// by file identity (which sees through links and other spellings).
    sources: Vec<PathBuf>,
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

    /// Adds the articles' source files (absolute paths).
    pub fn sources(&mut self, paths: impl IntoIterator<Item = PathBuf>) {
        self.sources.extend(paths);
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
        if self.overwrites_a_source(&c) {
            return Err(refuse("an article's source file"));
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

impl Protected {
    /// Whether writing `out` (resolved) would replace a source file. A new
    /// file replaces nothing, unless a missing source had its name; an
    /// existing one is compared by identity with every source, in
    /// parallel.
    fn overwrites_a_source(&self, out: &Path) -> bool {
        use rayon::prelude::*;
        if self.sources.is_empty() {
            return false;
        }
        match std::fs::metadata(out) {
            Err(_) => self.sources.iter().any(|s| s == out),
            Ok(m) => {
                let id = identity(&m);
                self.sources.par_iter().any(|s| match std::fs::metadata(s) {
                    Ok(sm) => match id {
                        Some(id) => identity(&sm) == Some(id),
                        None => canonical(s) == out,
                    },
                    Err(_) => s == out,
                })
            }
        }
    }
}

/// A file's device and inode, where the platform has them.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps, reason = "None on platforms without inodes")]
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
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

    #[test]
    fn sources_are_caught_through_links_and_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("a")).unwrap();
        std::fs::write(d.join("a/one.txt"), "x").unwrap();
        let mut guard = Protected::default();
        guard.sources([d.join("a/one.txt"), d.join("a/gone.txt")]);
        let err = guard.check(&d.join("a/../a/one.txt")).unwrap_err();
        assert_eq!(err.what, "an article's source file");
        assert!(guard.check(&d.join("a/gone.txt")).is_err());
        assert!(guard.check(&d.join("a/two.txt")).is_ok());
        std::fs::write(d.join("other.txt"), "y").unwrap();
        assert!(guard.check(&d.join("other.txt")).is_ok());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(d.join("a/one.txt"), d.join("link.csv")).unwrap();
            assert!(guard.check(&d.join("link.csv")).is_err());
            std::fs::hard_link(d.join("a/one.txt"), d.join("hard.csv")).unwrap();
            assert!(guard.check(&d.join("hard.csv")).is_err());
            // A source reached through a linked folder.
            std::os::unix::fs::symlink(d.join("a"), d.join("b")).unwrap();
            let mut via_link = Protected::default();
            via_link.sources([d.join("b/one.txt")]);
            assert!(via_link.check(&d.join("a/one.txt")).is_err());
        }
    }
}
