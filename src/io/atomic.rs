//! Writing files without ever leaving a half-written one: a temporary file in
//! the same folder, flushed to disk, renamed over the target.
//!
//! - A symbolic link is followed and its target replaced (the link stays).
//! - A replaced file keeps its permissions; a new file gets the usual
//!   permissions of the user's umask (not the private 0600 of temp files).
//! - A read-only file is not replaced unless the caller says so.
//! - Special files are never replaced: a named pipe, a terminal or a device
//!   such as `/dev/stdout` is written directly when the caller allows it
//!   (exports), and refused otherwise (project files); a folder is refused.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::paths::shown;

/// How [`write_with`] writes.
#[allow(
    clippy::struct_excessive_bools,
    reason = "independent switches, named at every use through the constants"
)]
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    /// Keep the previous file as [`backup_path`].
    pub backup: bool,
    /// Replace the file even if it is read-only.
    pub replace_read_only: bool,
    /// Write named pipes and character devices directly instead of refusing
    /// them.
    pub allow_special: bool,
    /// Flush the file to disk before renaming it into place. Callers that
    /// write many files make them durable together instead.
    pub sync: bool,
}

impl WriteOptions {
    /// For a project file: backup, refuse read-only and special files, durable.
    pub const PROJECT: Self = Self {
        backup: true,
        replace_read_only: false,
        allow_special: false,
        sync: true,
    };
    /// For an export the user named: no backup, special files written directly.
    pub const EXPORT: Self = Self {
        backup: false,
        replace_read_only: false,
        allow_special: true,
        sync: true,
    };
    /// For Gloss's own files (texts, recovery): no backup, refuse special files.
    pub const INTERNAL: Self = Self {
        backup: false,
        replace_read_only: false,
        allow_special: false,
        sync: true,
    };
}

/// Why a file could not be written. The target is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The file system refused.
    #[error("cannot write {}: {source}", shown(.path))]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The target is a folder, a device or another special file.
    #[error("refusing to replace {}: it is {kind}", shown(.path))]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// The target is read-only.
    #[error(
        "refusing to replace {}: it is read-only (make it writable, or write to another file)",
        shown(.0)
    )]
    ReadOnly(PathBuf),
}

impl WriteError {
    /// The I/O error behind this one, if any.
    #[must_use]
    pub fn io(&self) -> Option<&std::io::Error> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The backup kept beside `path`: `NAME.bak` (e.g. `project.ron.bak`).
#[must_use]
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Follows symbolic links from `path` to the file they finally name (which
/// may not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = super::paths::absolute(path);
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                let base = p.parent().map_or_else(PathBuf::new, Path::to_path_buf);
                p = super::paths::lexical(&base.join(target));
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Paths under `/dev/` (such as `/dev/stdout` or `/dev/fd/1`) name the
/// process's streams and devices: they are written, never replaced.
fn is_device_path(path: &Path) -> bool {
    cfg!(unix) && super::paths::absolute(path).starts_with("/dev")
}

/// Writes `bytes` to `path` atomically (see the module doc); with `backup`,
/// the previous file is kept as [`backup_path`].
///
/// # Errors
/// [`WriteError`]; `path` is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8], backup: bool) -> Result<(), WriteError> {
    let opts = WriteOptions {
        backup,
        ..WriteOptions::INTERNAL
    };
    write_with(path, opts, |w| w.write_all(bytes))
}

/// Writes the content `write` produces into `path` as `opts` say, streaming
/// (large files are never held in memory).
///
/// # Errors
/// [`WriteError`], or the error `write` returns; `path` is then untouched
/// (unless it is a special file written directly).
pub fn write_with(
    path: &Path,
    opts: WriteOptions,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    if opts.allow_special && is_device_path(path) {
        return write_direct(path, write);
    }
    let target = resolve_links(path).map_err(io_err)?;
    let existing = match std::fs::metadata(&target) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io_err(e)),
    };
    if let Some(m) = &existing
        && !m.is_file()
    {
        let kind = super::read::kind_of(m);
        let special = !m.is_dir() && kind != "a block device" && kind != "a socket";
        if opts.allow_special && special {
            return write_direct(&target, write);
        }
        return Err(WriteError::NotRegular {
            path: path.to_path_buf(),
            kind,
        });
    }
    if let Some(m) = &existing
        && m.permissions().readonly()
        && !opts.replace_read_only
    {
        return Err(WriteError::ReadOnly(path.to_path_buf()));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!(
        ".{}.",
        target.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Masked by the umask, as for any file a program creates.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(io_err)?;
    if opts.sync {
        write_syncing_ahead(tmp.as_file_mut(), write).map_err(io_err)?;
    } else {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut w).map_err(io_err)?;
        w.flush().map_err(io_err)?;
    }
    if let Some(m) = &existing {
        // A replaced file keeps its mode (a shared 0664 project stays 0664).
        tmp.as_file()
            .set_permissions(m.permissions())
            .map_err(io_err)?;
    }
    if opts.sync {
        tmp.as_file().sync_all().map_err(io_err)?;
    }
    if opts.backup && existing.is_some() {
        let bak = backup_path(&target);
        let old = hold_large(&bak);
        let _ = std::fs::remove_file(&bak);
        if std::fs::hard_link(&target, &bak).is_err() {
            std::fs::copy(&target, &bak).map_err(io_err)?;
        }
        if let Some(old) = old {
            std::thread::spawn(move || drop(old));
        }
    }
    tmp.persist(&target).map_err(|e| io_err(e.error))?;
    if opts.sync {
        sync_dir(&dir);
    }
    Ok(())
}

/// The file at `path` held open when it is a large regular file, so that
/// removing it does not free it: the kernel drops a file's cached pages when
/// its last link and handle go, about 0.15 s for a 190 MB project file's
/// backup, which the caller then drops on a thread of its own instead of
/// making the save wait.
fn hold_large(path: &Path) -> Option<File> {
    const LARGE: u64 = 16 << 20;
    let m = std::fs::symlink_metadata(path).ok()?;
    (m.is_file() && m.len() >= LARGE)
        .then(|| File::open(path).ok())
        .flatten()
}

/// Bytes written between two flushes to disk started in the background.
const SYNC_AHEAD_BYTES: u64 = 8 << 20;

/// Writes what `write` produces into `file`, flushing it to disk in the
/// background as it grows: every [`SYNC_AHEAD_BYTES`] a thread of its own
/// syncs what is written so far while writing goes on, so the final sync
/// before the rename waits only for the last few megabytes. The kernel
/// would otherwise start writing a large file back only at that sync (on a
/// machine with memory to spare it holds gigabytes of dirty pages first):
/// for a 190 MB project file the sync alone took about half a second after
/// the writing. Small files never start the thread. An error of a
/// background sync fails the write: it is reported once per open file, so
/// the final sync might not see it again.
fn write_syncing_ahead(
    file: &mut File,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    std::thread::scope(|scope| {
        let mut ahead = SyncAhead {
            file,
            since: 0,
            scope,
            syncer: None,
        };
        {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut ahead);
            write(&mut w)?;
            w.flush()?;
        }
        ahead.finish()
    })
}

/// A thread of its own that flushes something to disk whenever asked,
/// while the asker goes on writing; a request made while one waits is
/// covered by it. The first error stops the thread and is returned by
/// [`Flusher::finish`]: a write-back error is reported once per open file,
/// so a later flush might not see it again.
pub(crate) struct Flusher<'scope> {
    tx: std::sync::mpsc::SyncSender<()>,
    handle: std::thread::ScopedJoinHandle<'scope, std::io::Result<()>>,
}

impl<'scope> Flusher<'scope> {
    /// Starts the thread in `scope`, running `flush` on each request.
    pub(crate) fn start(
        scope: &'scope std::thread::Scope<'scope, '_>,
        mut flush: impl FnMut() -> std::io::Result<()> + Send + 'scope,
    ) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel::<()>(1);
        let handle = scope.spawn(move || {
            for () in rx {
                flush()?;
            }
            Ok(())
        });
        Self { tx, handle }
    }

    /// Asks for a flush; `false` when the thread stopped on an error.
    pub(crate) fn ask(&self) -> bool {
        !matches!(
            self.tx.try_send(()),
            Err(std::sync::mpsc::TrySendError::Disconnected(()))
        )
    }

    /// Stops the thread, with its error if it had one.
    pub(crate) fn finish(self) -> std::io::Result<()> {
        drop(self.tx);
        self.handle
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the flushing thread panicked")))
    }
}

/// A file that starts a background sync of itself every
/// [`SYNC_AHEAD_BYTES`] written (see [`write_syncing_ahead`]).
struct SyncAhead<'f, 'scope, 'env> {
    file: &'f mut File,
    since: u64,
    scope: &'scope std::thread::Scope<'scope, 'env>,
    /// Started at the first request.
    syncer: Option<Flusher<'scope>>,
}

impl SyncAhead<'_, '_, '_> {
    /// Asks for a sync of what is written so far. An error is returned when
    /// the syncing thread stopped on one.
    fn sync_soon(&mut self) -> std::io::Result<()> {
        if self.syncer.is_none() {
            // Without a second handle, the final sync does it all.
            let Ok(clone) = self.file.try_clone() else {
                return Ok(());
            };
            self.syncer = Some(Flusher::start(self.scope, move || clone.sync_data()));
        }
        if self.syncer.as_ref().is_some_and(|f| !f.ask()) {
            return self.finish();
        }
        Ok(())
    }

    /// Stops the syncing thread, with its error if it had one.
    fn finish(&mut self) -> std::io::Result<()> {
        self.syncer.take().map_or(Ok(()), Flusher::finish)
    }
}

impl Write for SyncAhead<'_, '_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.since += n as u64;
        if self.since >= SYNC_AHEAD_BYTES {
            self.since = 0;
            self.sync_soon()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes a named pipe, terminal or device as it is (no temporary file).
fn write_direct(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let io_err = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_err)?;
    let mut w = std::io::BufWriter::new(file);
    write(&mut w).map_err(io_err)?;
    w.flush().map_err(io_err)
}

/// Makes a rename in `dir` durable (a no-op where folders cannot be synced).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| Path::new(n).extension().is_some_and(|e| e == "tmp"))
            .collect()
    }

    #[test]
    fn writes_and_keeps_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.ron");
        write_atomic(&p, b"one", true).unwrap();
        assert!(!backup_path(&p).exists());
        write_atomic(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read(backup_path(&p)).unwrap(), b"one");
        write_atomic(&p, b"three", true).unwrap();
        assert_eq!(std::fs::read(backup_path(&p)).unwrap(), b"two");
        assert!(leftovers(dir.path()).is_empty());
    }

    /// Files past [`SYNC_AHEAD_BYTES`] are synced in the background while
    /// written, and a backup past `hold_large`'s size is freed on a thread
    /// of its own: neither changes what ends up on disk.
    #[test]
    fn large_files_are_written_whole_and_backed_up() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.ron");
        let big = |fill: u8| {
            let mut v = vec![fill; 20 << 20];
            v[12_345] = b'!';
            v
        };
        // Written in uneven pieces, so the syncs start mid-write.
        let write = |fill: u8| {
            let data = big(fill);
            write_with(&p, WriteOptions::PROJECT, |w| {
                data.chunks(777_777).try_for_each(|c| w.write_all(c))
            })
        };
        for fill in [b'a', b'b', b'c'] {
            write(fill).unwrap();
        }
        assert!(std::fs::read(&p).unwrap() == big(b'c'));
        assert!(std::fs::read(backup_path(&p)).unwrap() == big(b'b'));
        // A write that fails after a background sync started leaves the file
        // and its backup as they were, and no temporary file.
        let failed = write_with(&p, WriteOptions::PROJECT, |w| {
            w.write_all(&big(b'd')[..12 << 20])?;
            Err(std::io::Error::other("stopped"))
        });
        assert!(failed.is_err());
        assert!(std::fs::read(&p).unwrap() == big(b'c'));
        assert!(std::fs::read(backup_path(&p)).unwrap() == big(b'b'));
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn modes_are_kept_and_read_only_files_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.ron");
        write_atomic(&p, b"one", false).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_ne!(
            mode, 0o600,
            "new files follow the umask, not tempfile's 0600"
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o664)).unwrap();
        write_atomic(&p, b"two", false).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o664);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = write_atomic(&p, b"three", false).unwrap_err();
        assert!(matches!(e, WriteError::ReadOnly(_)), "{e}");
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let forced = WriteOptions {
            replace_read_only: true,
            ..WriteOptions::INTERNAL
        };
        write_with(&p, forced, |w| w.write_all(b"four")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"four");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_special_files_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_with(&link, WriteOptions::EXPORT, |w| w.write_all(b"new")).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        // A folder is refused.
        let e = write_with(dir.path(), WriteOptions::EXPORT, |w| w.write_all(b"x")).unwrap_err();
        assert!(
            matches!(
                e,
                WriteError::NotRegular {
                    kind: "a folder",
                    ..
                }
            ),
            "{e}"
        );
        // /dev/null is written, not replaced; a project file may not be a device.
        write_with(Path::new("/dev/null"), WriteOptions::EXPORT, |w| {
            w.write_all(b"x")
        })
        .unwrap();
        assert!(
            !std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_file()
        );
        let e = write_with(Path::new("/dev/null"), WriteOptions::PROJECT, |w| {
            w.write_all(b"x")
        })
        .unwrap_err();
        assert!(matches!(e, WriteError::NotRegular { .. }), "{e}");
        // A FIFO is written directly (a reader takes the bytes).
        let fifo = dir.path().join("out.fifo");
        if std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success())
        {
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read(fifo).unwrap())
            };
            write_with(&fifo, WriteOptions::EXPORT, |w| w.write_all(b"piped")).unwrap();
            assert_eq!(reader.join().unwrap(), b"piped");
            assert!(std::os::unix::fs::FileTypeExt::is_fifo(
                &std::fs::metadata(&fifo).unwrap().file_type()
            ));
        }
        assert!(leftovers(dir.path()).is_empty());
    }
}
