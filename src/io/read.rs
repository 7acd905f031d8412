//! Bounded reading of input files: only regular files are read (a named pipe,
//! a device or a folder is refused without blocking on it), and never more
//! than a size limit, checked before the read and while reading.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::limits::human_size;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file system refused (missing file, no permission, …).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// Not a regular file.
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    /// Over the size limit.
    #[error(
        "it is larger than the limit of {} (raise it with --max-file-size or GLOSS_MAX_FILE_SIZE)",
        human_size(*.limit)
    )]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

/// What kind of file system object `meta` describes, for messages.
#[must_use]
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_file() {
        return "a regular file";
    }
    if t.is_dir() {
        return "a folder";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Opens `path` for reading only if it is a regular file (following
/// symbolic links). Opening never blocks: a named pipe is refused, not
/// waited on.
///
/// # Errors
/// [`FileError::NotRegular`] for anything else, or the I/O error.
pub fn open_regular(path: &Path) -> Result<(File, std::fs::Metadata), FileError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO with no writer returns at once instead
        // of waiting forever; it changes nothing for regular files.
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path)?;
    // The metadata of what was opened, not of what the path names now.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(kind_of(&meta)));
    }
    Ok((file, meta))
}

/// Reads a whole regular file of at most `limit` bytes.
///
/// A file that gives back, in one read, exactly the size it had when it
/// was opened is taken as read: the read asked for one byte more, so the
/// file ended there. That saves the read that would only confirm the end,
/// one system call per file, which is felt at 100,000 article texts.
/// Anything else (a short read, a file that grew, a file whose size the
/// system does not know) is read on to its end.
///
/// # Errors
/// [`FileError`]: not a regular file, too large (before reading, from its
/// size, or while reading, if it grows), or an I/O error.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let (mut file, size) = open_within(path, limit)?;
    read_whole(&mut file, size, limit)
}

/// Reads an opened file of `size` bytes (when opened) as [`read_bounded`]
/// describes, within `limit`.
fn read_whole(file: &mut File, size: usize, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut buf = vec![0; size + 1];
    let got = read_once(file, &mut buf)?;
    buf.truncate(got);
    if got != size {
        read_on(file, &mut buf, limit)?;
    }
    Ok(buf)
}

/// Opens `path` if it is a regular file of at most `limit` bytes; with its
/// size when opened.
fn open_within(path: &Path, limit: u64) -> Result<(File, usize), FileError> {
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(FileError::TooLarge { limit });
    }
    let size = usize::try_from(meta.len()).map_err(|_| FileError::TooLarge { limit })?;
    Ok((file, size))
}

/// One read into `buf` (a file one byte larger than its size: see
/// [`read_bounded`]); how many bytes came.
fn read_once(file: &mut File, buf: &mut [u8]) -> Result<usize, FileError> {
    loop {
        match file.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Reads the rest of `file` after the `buf.len()` bytes read so far, within
/// `limit` in all.
fn read_on(file: &mut File, buf: &mut Vec<u8>, limit: u64) -> Result<(), FileError> {
    file.take(limit.saturating_add(1).saturating_sub(buf.len() as u64))
        .read_to_end(buf)?;
    if buf.len() as u64 > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(())
}

/// The whole of a file read by [`read_large`].
pub enum Whole {
    /// Read into an ordinary buffer.
    Buffer(Vec<u8>),
    /// Read into mapped memory: the file's length, and the mapping.
    Mapped(usize, memmap2::MmapMut),
}

impl std::ops::Deref for Whole {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Buffer(b) => b,
            Self::Mapped(len, m) => &m[..*len],
        }
    }
}

/// Files from this size on are read by [`read_large`] into mapped memory.
#[cfg(target_os = "linux")]
const LARGE: usize = 16 << 20;

/// [`read_bounded`] for one large file read whole and let go soon after (a
/// project file). On Linux its buffer is memory the system is asked to
/// back with huge pages: filling a fresh buffer page by page of 4 KB cost a
/// page fault each, 0.25-0.3 s of the 0.34 s it took to read the 189 MB
/// file of a 100,000-article project (`cat` reads it in 0.05 s). Smaller
/// files, other systems and a mapping that fails are read into an ordinary
/// buffer; the file is read as [`read_bounded`] reads it either way.
///
/// # Errors
/// As [`read_bounded`].
pub fn read_large(path: &Path, limit: u64) -> Result<Whole, FileError> {
    let (mut file, size) = open_within(path, limit)?;
    #[cfg(target_os = "linux")]
    if size >= LARGE
        && let Ok(mut map) = memmap2::MmapMut::map_anon(size + 1)
    {
        // Only advice: without huge pages the read is as before.
        let _ = map.advise(memmap2::Advice::HugePage);
        let got = read_once(&mut file, &mut map)?;
        if got == size {
            return Ok(Whole::Mapped(size, map));
        }
        let mut buf = map[..got].to_vec();
        read_on(&mut file, &mut buf, limit)?;
        return Ok(Whole::Buffer(buf));
    }
    read_whole(&mut file, size, limit).map(Whole::Buffer)
}

/// `bytes` as text when they are valid UTF-8 (checked with SIMD: several
/// times faster than `std::str::from_utf8` on text that is not all ASCII,
/// which matters for the hundreds of megabytes a large project opens).
#[must_use]
pub fn utf8(bytes: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(bytes).ok()
}

/// Reads an input file (article, exchange file) within the process's
/// [`super::limits::Limits::file_bytes`].
///
/// # Errors
/// As [`read_bounded`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, FileError> {
    read_bounded(path, super::limits::Limits::get().file_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"hello").unwrap();
        assert_eq!(read_bounded(&p, 5).unwrap(), b"hello");
        assert!(matches!(
            read_bounded(&p, 4),
            Err(FileError::TooLarge { limit: 4 })
        ));
        assert!(matches!(
            read_bounded(dir.path(), 100),
            Err(FileError::NotRegular("a folder"))
        ));
    }

    #[test]
    fn empty_large_and_sizeless_files_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"").unwrap();
        assert_eq!(read_bounded(&p, 5).unwrap(), b"");
        let big = vec![b'x'; 100_000];
        std::fs::write(&p, &big).unwrap();
        assert_eq!(read_bounded(&p, 100_000).unwrap(), big);
        assert!(matches!(
            read_bounded(&p, 99_999),
            Err(FileError::TooLarge { limit: 99_999 })
        ));
        // The system's own files give their size as 0 and their content
        // when read.
        #[cfg(target_os = "linux")]
        {
            let status = read_bounded(Path::new("/proc/self/status"), 1 << 20).unwrap();
            assert!(status.starts_with(b"Name:"));
            assert!(matches!(
                read_bounded(Path::new("/proc/self/status"), 4),
                Err(FileError::TooLarge { limit: 4 })
            ));
        }
    }

    #[test]
    fn large_files_read_whole_as_small_ones_are() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.ron");
        let big: Vec<u8> = (0..(16u32 << 20) + 12_345)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&p, &big).unwrap();
        let whole = read_large(&p, 1 << 30).unwrap();
        assert_eq!(&*whole, &big[..]);
        #[cfg(target_os = "linux")]
        assert!(matches!(whole, Whole::Mapped(..)));
        assert!(matches!(
            read_large(&p, 1 << 20),
            Err(FileError::TooLarge { limit: 1_048_576 })
        ));
        std::fs::write(&p, b"small").unwrap();
        assert_eq!(&*read_large(&p, 5).unwrap(), b"small");
        assert!(matches!(
            read_large(dir.path(), 100),
            Err(FileError::NotRegular("a folder"))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_without_blocking() {
        let e = read_bounded(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(matches!(e, FileError::NotRegular("a character device")));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            let e = read_bounded(&fifo, 100).unwrap_err();
            assert!(matches!(e, FileError::NotRegular("a named pipe (FIFO)")));
        }
        // A symbolic link to a device is refused the same way.
        let link = dir.path().join("zero.txt");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(
            read_bounded(&link, 100),
            Err(FileError::NotRegular("a character device"))
        ));
    }
}
