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
}
