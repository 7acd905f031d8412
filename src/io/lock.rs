//! Locks that keep two writers of one project from losing each other's work.
//!
//! - The **write lock** (`.NAME.ron.lock` beside the project) is held, as an
//!   exclusive advisory lock, by every command that loads, changes and saves
//!   the project, and by the window while it saves. A second writer waits
//!   for it. The operating system releases it when the holder exits or
//!   crashes; the file itself stays (removing lock files is racy).
//! - The **presence lock** (`.NAME.ron.open`) is held by a window for as long
//!   as it has the project open, so a second window can say that the project
//!   is open elsewhere. Commands do not need it: the window checks, before it
//!   saves, that the file is still the one it loaded.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::paths::shown;

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "{} is being changed by another program ({holder}); tried for {} s. Try again when it has finished",
        shown(.project), .waited.as_secs()
    )]
    Busy {
        /// The project file.
        project: PathBuf,
        /// Who holds the lock, as it wrote itself in the lock file.
        holder: String,
        /// How long we waited.
        waited: Duration,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {}: {source}", shown(.path))]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn beside(project: &Path, suffix: &str) -> PathBuf {
    let abs = super::paths::absolute(project);
    let mut name = std::ffi::OsString::from(".");
    name.push(abs.file_name().unwrap_or_default());
    name.push(suffix);
    abs.with_file_name(name)
}

/// The write lock's file: `.NAME.ron.lock` beside the project.
#[must_use]
pub fn lock_path(project: &Path) -> PathBuf {
    beside(project, ".lock")
}

/// The presence lock's file: `.NAME.ron.open` beside the project.
#[must_use]
pub fn presence_path(project: &Path) -> PathBuf {
    beside(project, ".open")
}

fn open_lock_file(path: &Path) -> Result<File, LockError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|source| LockError::Io {
            path: path.to_path_buf(),
            source,
        })
}

fn holder_of(file: &mut File) -> String {
    let mut s = String::new();
    let _ = file.rewind();
    let _ = Read::by_ref(file).take(512).read_to_string(&mut s);
    let s = super::paths::escaped(s.trim());
    if s.is_empty() {
        "another Gloss".to_owned()
    } else {
        s
    }
}

fn sign(file: &mut File, what: &str) {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let line = format!(
        "gloss {what}, process {} of {user} on {}\n",
        std::process::id(),
        host.trim()
    );
    // What is written only helps messages; failing to write it is harmless.
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = file.write_all(line.as_bytes());
    let _ = file.flush();
}

/// Tries to lock `file` exclusively until `wait` has passed.
fn lock_within(file: &mut File, path: &Path, wait: Duration) -> Result<bool, LockError> {
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(true),
            Err(TryLockError::WouldBlock) => {
                if start.elapsed() >= wait {
                    return Ok(false);
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(TryLockError::Error(source)) => {
                return Err(LockError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
}

/// Write locks this process holds: the locked file and how many
/// [`WriteLock`]s share it. A process that holds a project's lock may take it
/// again (a command that loads, changes and saves, then saves through a
/// function that locks too); the file lock is released with the last one.
static HELD: LazyLock<Mutex<HashMap<PathBuf, (File, usize)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The exclusive write lock of a project; released when the last one this
/// process holds for the project is dropped.
#[derive(Debug)]
pub struct WriteLock {
    key: PathBuf,
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, n)) = held.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                // Dropping the file releases the lock.
                held.remove(&self.key);
            }
        }
    }
}

impl WriteLock {
    /// Takes the write lock of the project at `project`, waiting up to
    /// `wait` for another writer to finish. `what` says what this process
    /// is doing, for the other side's message. `on_wait` is called once, with
    /// the holder's description, if the lock is busy at first.
    ///
    /// # Errors
    /// [`LockError::Busy`] when `wait` passes, [`LockError::Io`] when the
    /// lock file cannot be made (e.g. a read-only folder).
    pub fn acquire(
        project: &Path,
        wait: Duration,
        what: &str,
        on_wait: impl FnOnce(&str),
    ) -> Result<Self, LockError> {
        let path = lock_path(project);
        {
            let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((_, n)) = held.get_mut(&path) {
                *n += 1;
                return Ok(Self { key: path });
            }
        }
        let mut file = open_lock_file(&path)?;
        if !lock_within(&mut file, &path, Duration::ZERO)? {
            on_wait(&holder_of(&mut file));
            if !lock_within(&mut file, &path, wait)? {
                return Err(LockError::Busy {
                    project: project.to_path_buf(),
                    holder: holder_of(&mut file),
                    waited: wait,
                });
            }
        }
        sign(&mut file, what);
        HELD.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.clone(), (file, 1));
        Ok(Self { key: path })
    }
}

/// A window's claim on an open project; released when dropped.
#[derive(Debug)]
pub struct Presence {
    _file: File,
}

/// Outcome of [`Presence::claim`].
#[derive(Debug)]
pub enum Claim {
    /// This window now holds the project.
    Mine(Presence),
    /// Another window has it open (its description).
    Elsewhere(String),
    /// The claim could not be made (e.g. a read-only folder); the project
    /// can still be opened, without the warning.
    Unavailable(String),
}

impl Presence {
    /// Claims the project at `project` for this window.
    #[must_use]
    pub fn claim(project: &Path) -> Claim {
        let path = presence_path(project);
        let mut file = match open_lock_file(&path) {
            Ok(f) => f,
            Err(e) => return Claim::Unavailable(e.to_string()),
        };
        match file.try_lock() {
            Ok(()) => {
                sign(&mut file, "window");
                Claim::Mine(Presence { _file: file })
            }
            Err(TryLockError::WouldBlock) => Claim::Elsewhere(holder_of(&mut file)),
            Err(TryLockError::Error(e)) => Claim::Unavailable(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_exclusive_between_holders_and_reentrant_within_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.ron");
        let first = WriteLock::acquire(&p, Duration::ZERO, "test", |_| {}).unwrap();
        let again = WriteLock::acquire(&p, Duration::ZERO, "again", |_| {}).unwrap();
        // Another holder (as another process would be) is refused.
        let mut other = open_lock_file(&lock_path(&p)).unwrap();
        assert!(!lock_within(&mut other, &p, Duration::from_millis(30)).unwrap());
        assert!(holder_of(&mut other).contains("gloss test"));
        drop(first);
        assert!(!lock_within(&mut other, &p, Duration::ZERO).unwrap());
        drop(again);
        assert!(lock_within(&mut other, &p, Duration::ZERO).unwrap());
    }

    #[test]
    fn a_second_window_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.ron");
        let Claim::Mine(first) = Presence::claim(&p) else {
            panic!("the first claim succeeds")
        };
        assert!(matches!(Presence::claim(&p), Claim::Elsewhere(h) if h.contains("window")));
        drop(first);
        assert!(matches!(Presence::claim(&p), Claim::Mine(_)));
    }
}
