//! Which texts the texts folder was last seen to hold, so that a save need
//! not look up every text again.
//!
//! A save makes sure that every text the project file names is in the
//! folder (a text deleted since the open is written again) before the file
//! replaces the old one. At 100,000 articles, looking each one up took
//! 0.15-0.2 s of every save. Adding, removing or renaming an entry of a
//! folder changes the folder's change time (ctime), which no program can set
//! back; so while the folder's identity and ctime are what they were when
//! its texts were seen, those texts are still there, and only texts seen
//! since need a look. A ctime less than [`SETTLE`] old is not trusted
//! (timestamps are coarse: a change in the same tick would leave it as it
//! was), nor one from the future; the folder is then looked at text by
//! text, as it always was.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::model::ContentHash;

/// How old a folder's last change must be to be trusted.
const SETTLE: Duration = Duration::from_secs(2);

/// The texts seen in a texts folder, and the folder's state before they
/// were looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextsSeen {
    folder: PathBuf,
    state: FolderState,
    /// The first 128 bits of each text's content hash (16 bytes a text
    /// instead of a hex string: 2 MB at 100,000 articles, not 12).
    hashes: Arc<HashSet<u128>>,
}

/// The key of a text in [`TextsSeen`]: the first 128 bits of its BLAKE3
/// content hash; `None` for a hash that is not hex (never trusted).
fn key(hash: &ContentHash) -> Option<u128> {
    hash.0
        .get(..32)
        .and_then(|h| u128::from_str_radix(h, 16).ok())
}

/// What changes whenever an entry of a folder is added, removed or renamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FolderState {
    id: (u64, u64),
    changed: SystemTime,
}

impl FolderState {
    /// The state of `folder` now, when it can be trusted later: `None` when
    /// it cannot be read, changed less than [`SETTLE`] ago, or the system
    /// does not say when a folder's entries changed.
    pub(super) fn settled(folder: &Path) -> Option<Self> {
        let state = Self::of(folder)?;
        let age = SystemTime::now().duration_since(state.changed).ok()?;
        (age >= SETTLE).then_some(state)
    }

    #[cfg(unix)]
    fn of(folder: &Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(folder).ok()?;
        if !m.is_dir() {
            return None;
        }
        let secs = u64::try_from(m.ctime()).ok()?;
        let nanos = u32::try_from(m.ctime_nsec()).ok()?;
        Some(Self {
            id: (m.dev(), m.ino()),
            changed: SystemTime::UNIX_EPOCH + Duration::new(secs, nanos),
        })
    }

    #[cfg(not(unix))]
    fn of(_: &Path) -> Option<Self> {
        None
    }
}

impl TextsSeen {
    /// `hashes` were all seen in `folder`, which was in `state` before they
    /// were looked at.
    pub(super) fn new<'a>(
        folder: &Path,
        state: FolderState,
        hashes: impl IntoIterator<Item = &'a ContentHash>,
    ) -> Self {
        Self {
            folder: folder.to_path_buf(),
            state,
            hashes: Arc::new(hashes.into_iter().filter_map(key).collect()),
        }
    }

    /// The texts still known to be in `folder`, whose state is `now`: those
    /// seen, when it is the folder they were seen in and no entry of it has
    /// changed since. (The caller reads the state once, before it looks at
    /// anything, and keeps it for the next save.)
    pub(super) fn still_in(&self, folder: &Path, now: FolderState) -> Option<Known<'_>> {
        (self.folder == folder && self.state == now).then_some(Known(&self.hashes))
    }
}

/// Texts known to be in a texts folder ([`TextsSeen::still_in`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Known<'a>(&'a HashSet<u128>);

impl Known<'_> {
    /// Whether the text with this content hash is one of them.
    pub(super) fn contains(self, hash: &ContentHash) -> bool {
        key(hash).is_some_and(|k| self.0.contains(&k))
    }

    /// How many there are.
    pub(super) fn len(self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A content hash.
    const A: &str = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

    fn now(folder: &Path) -> FolderState {
        FolderState::of(folder).unwrap()
    }

    #[test]
    fn a_folder_is_trusted_only_until_an_entry_changes_and_only_once_settled() {
        let dir = tempfile::tempdir().unwrap();
        let folders: Vec<PathBuf> = (0..5)
            .map(|i| dir.path().join(format!("{i}.texts")))
            .collect();
        for f in &folders {
            std::fs::create_dir(f).unwrap();
            std::fs::write(f.join("a.txt"), "a").unwrap();
        }
        // Just changed: not trusted yet.
        assert_eq!(FolderState::settled(&folders[0]), None);
        std::thread::sleep(SETTLE + Duration::from_millis(100));
        let seen: Vec<TextsSeen> = folders
            .iter()
            .map(|f| {
                TextsSeen::new(
                    f,
                    FolderState::settled(f).unwrap(),
                    [&ContentHash(A.into())],
                )
            })
            .collect();
        assert!(
            seen[0]
                .still_in(&folders[0], now(&folders[0]))
                .unwrap()
                .contains(&ContentHash(A.into()))
        );
        assert_eq!(
            seen[0].still_in(&folders[1], now(&folders[1])),
            None,
            "another folder"
        );
        // Writing inside a file is not an entry change: the text is there.
        std::fs::write(folders[0].join("a.txt"), "b").unwrap();
        assert!(seen[0].still_in(&folders[0], now(&folders[0])).is_some());
        // Removing, adding or renaming an entry is.
        std::fs::remove_file(folders[1].join("a.txt")).unwrap();
        std::fs::write(folders[2].join("b.txt"), "b").unwrap();
        std::fs::rename(folders[3].join("a.txt"), folders[3].join("c.txt")).unwrap();
        // Even with the folder's modification time set back.
        let before = std::fs::metadata(&folders[4]).unwrap().modified().unwrap();
        std::fs::remove_file(folders[4].join("a.txt")).unwrap();
        std::fs::File::open(&folders[4])
            .unwrap()
            .set_modified(before)
            .unwrap();
        assert_eq!(
            std::fs::metadata(&folders[4]).unwrap().modified().unwrap(),
            before
        );
        for i in 1..5 {
            assert_eq!(
                seen[i].still_in(&folders[i], now(&folders[i])),
                None,
                "folder {i}"
            );
        }
    }

    #[test]
    fn a_save_looks_again_at_what_it_does_not_know_to_be_there() {
        use crate::io::project_file::{
            SaveOptions, TextStorage, load, save, save_with, text_file_name,
        };
        use crate::model::{Action, testing};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let folder = dir.path().join("p.texts");
        let (p, _) = testing::project(&["[One]{A} text.", "Two [texts]{B}."]);
        save(&p, &path, TextStorage::Folder).unwrap();
        let file_of = |hash| folder.join(text_file_name(hash));
        // Opened right after the texts were written: nothing is trusted.
        assert_eq!(load(&path).unwrap().baseline.texts_seen, None);
        std::thread::sleep(SETTLE + Duration::from_millis(100));
        let loaded = load(&path).unwrap();
        let seen = loaded.baseline.texts_seen.clone().unwrap();
        assert_eq!(seen.hashes.len(), 2);
        let with = |b| SaveOptions {
            baseline: Some(b),
            ..SaveOptions::new(TextStorage::Folder)
        };
        // Nothing changed: the save trusts the folder and says so again.
        let again = save_with(&loaded.project, &path, &with(&loaded.baseline)).unwrap();
        assert_eq!(again.texts_seen.as_ref(), Some(&seen));
        // A new article's text is not known: it is written.
        let mut q = loaded.project.clone();
        let added = testing::article(&mut q, "A third article.");
        let hash = added.hash.clone();
        q.apply(Action::AddArticle(Box::new(added))).unwrap();
        let after = save_with(&q, &path, &with(&again)).unwrap();
        assert!(file_of(&hash).is_file());
        assert_eq!(after.texts_seen, None, "the folder just changed");
        // A text deleted behind the project's back is written again.
        std::thread::sleep(SETTLE + Duration::from_millis(100));
        let loaded = load(&path).unwrap();
        assert!(loaded.baseline.texts_seen.is_some());
        let gone = loaded.project.articles().next().unwrap().hash.clone();
        std::fs::remove_file(file_of(&gone)).unwrap();
        // Long enough ago that the folder's new state is settled too.
        std::thread::sleep(SETTLE + Duration::from_millis(100));
        save_with(&loaded.project, &path, &with(&loaded.baseline)).unwrap();
        assert!(file_of(&gone).is_file());
        assert_eq!(load(&path).unwrap().project, q);
    }
}
