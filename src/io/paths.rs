//! Paths: absolute and relative forms for the project file, file names made
//! safe to print, and the files an export must never overwrite.

use std::ffi::OsStr;
use std::fmt::{self, Write as _};
use std::path::{Component, Path, PathBuf};

/// An absolute path with `.` and `..` resolved lexically (not following
/// links, the same way stored relative paths are resolved), so that
/// `../proj/p.ron` and `/home/ana/proj/p.ron` are the same project.
#[must_use]
pub fn absolute(path: &Path) -> PathBuf {
    lexical(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// `path` with `.` and `..` resolved lexically.
#[must_use]
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The absolute folder of a project file.
#[must_use]
pub fn project_dir(project_path: &Path) -> PathBuf {
    let abs = absolute(project_path);
    abs.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `path` relative to `base` when they share more than the file-system root;
/// otherwise `path` as it is (absolute).
#[must_use]
pub fn relative_path(path: &Path, base: &Path) -> PathBuf {
    if !path.is_absolute() {
        return path.to_path_buf();
    }
    match pathdiff::diff_paths(path, base) {
        // Only when the two share more than the file system root: a path
        // that climbs all the way up is clearer, and as portable, absolute.
        Some(rel)
            if rel
                .components()
                .take_while(|c| matches!(c, Component::ParentDir))
                .count()
                < base.components().count().saturating_sub(1) =>
        {
            rel
        }
        _ => path.to_path_buf(),
    }
}

/// `path` relative to `base` (see [`relative_path`]) as text with `/`
/// separators; lossy for names that are not valid Unicode, which are
/// stored with their bytes as well (see [`path_bytes`]).
#[must_use]
pub fn relative_to(path: &Path, base: &Path) -> String {
    let rel = relative_path(path, base);
    if rel.is_absolute() {
        return rel.to_string_lossy().into_owned();
    }
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// The raw bytes of `path` relative to `base` when it is not valid Unicode
/// (so it can be stored without loss), else `None`.
#[must_use]
pub fn path_bytes(path: &Path, base: &Path) -> Option<Vec<u8>> {
    if path.to_str().is_some() {
        return None;
    }
    let rel = relative_path(path, base);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(rel.as_os_str().as_bytes().to_vec())
    }
    #[cfg(not(unix))]
    {
        Some(rel.to_string_lossy().into_owned().into_bytes())
    }
}

/// The path stored as `bytes` (see [`path_bytes`]).
#[must_use]
pub fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// `base/rel` with `.` and `..` resolved lexically.
#[must_use]
pub fn resolve(base: &Path, rel: &Path) -> PathBuf {
    lexical(&base.join(rel))
}

/// A path as it may be printed in a message: control characters, invisible
/// direction marks and bytes that are not UTF-8 are escaped (`\n`, `\u{202e}`,
/// `\xff`), so a crafted file name cannot forge a line of output.
#[derive(Clone, Copy)]
pub struct Shown<'a>(&'a OsStr);

/// Wraps `path` for printing; see [`Shown`].
#[must_use]
pub fn shown(path: &Path) -> Shown<'_> {
    Shown(path.as_os_str())
}

/// `text` with control characters and invisible direction marks escaped, as
/// [`Shown`] does for paths.
#[must_use]
pub fn escaped(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut s, c);
    }
    s
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}') =>
        {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            for chunk in self.0.as_bytes().utf8_chunks() {
                for c in chunk.valid().chars() {
                    push_escaped(&mut out, c);
                }
                for b in chunk.invalid() {
                    let _ = write!(out, "\\x{b:02x}");
                }
            }
        }
        #[cfg(not(unix))]
        for c in self.0.to_string_lossy().chars() {
            push_escaped(&mut out, c);
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

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
    fn relative_paths_round_trip() {
        let base = Path::new("/home/ana/review/saves");
        let src = Path::new("/home/ana/review/articles/a b.txt");
        let rel = relative_to(src, base);
        assert_eq!(rel, "../articles/a b.txt");
        assert_eq!(resolve(base, Path::new(&rel)), src);
        assert_eq!(relative_to(Path::new("/tmp/a.txt"), base), "/tmp/a.txt");
        assert_eq!(
            absolute(Path::new("/a/b/../c/./d.ron")),
            Path::new("/a/c/d.ron")
        );
    }

    #[test]
    fn names_are_printed_escaped() {
        let p = Path::new("evil\ngloss: refused: x.txt");
        assert_eq!(shown(p).to_string(), "evil\\ngloss: refused: x.txt");
        assert_eq!(escaped("a\u{202e}b\tc"), "a\\u{202e}b\\tc");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = Path::new(OsStr::from_bytes(b"caf\xe9.txt"));
            assert_eq!(shown(p).to_string(), "caf\\xe9.txt");
            let bytes = path_bytes(p, Path::new("/x")).unwrap();
            assert_eq!(path_from_bytes(&bytes), p);
        }
    }

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
