//! Reading zip-based files (.qdpx, and the document formats built on zip)
//! within bounds: the archive must be a regular file within the size limit,
//! and what is unpacked is limited per member, in total, and by its ratio to
//! the packed size, so a zip bomb is refused instead of filling memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::limits::{Limits, human_size};
use super::read::{FileError, open_regular};

/// Why an archive or a member could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ZipReadError {
    /// The archive file could not be opened.
    #[error(transparent)]
    File(#[from] FileError),
    /// Not a zip archive, or a damaged one.
    #[error("not a valid zip archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A member could not be read.
    #[error("cannot read {name} in the archive: {source}")]
    Io {
        /// The member.
        name: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A member (or all of them) unpacks to more than the limit.
    #[error(
        "{name} in the archive unpacks to more than {} (a zip bomb?); raise GLOSS_MAX_UNPACKED_SIZE or GLOSS_MAX_FILE_SIZE if it is genuine",
        human_size(*.limit)
    )]
    TooLarge {
        /// The member.
        name: String,
        /// The limit that was hit.
        limit: u64,
    },
    /// A member unpacks to far more than it is packed (a zip bomb).
    #[error(
        "{name} in the archive unpacks to over {ratio} times its packed size (a zip bomb?); refused"
    )]
    Ratio {
        /// The member.
        name: String,
        /// The ratio limit.
        ratio: u64,
    },
    /// The member does not exist.
    #[error("the archive has no {0}")]
    Missing(String),
}

/// Members smaller than this are not checked for their packing ratio (a few
/// kilobytes of repeated characters legitimately pack very well).
const RATIO_FLOOR: u64 = 1 << 20;

/// A zip archive read within [`Limits`].
pub struct BoundedZip {
    zip: zip::ZipArchive<File>,
    unpacked: u64,
    limits: Limits,
}

impl BoundedZip {
    /// Opens the archive at `path`.
    ///
    /// # Errors
    /// [`ZipReadError`] for a file that is not regular, too large, or not a zip.
    pub fn open(path: &Path) -> Result<Self, ZipReadError> {
        let limits = Limits::get();
        let (file, meta) = open_regular(path)?;
        if meta.len() > limits.file_bytes {
            return Err(FileError::TooLarge {
                limit: limits.file_bytes,
            }
            .into());
        }
        Ok(Self {
            zip: zip::ZipArchive::new(file)?,
            unpacked: 0,
            limits,
        })
    }

    /// The members' names.
    #[must_use]
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(Result::ok)
            .map(std::borrow::Cow::into_owned)
            .collect()
    }

    /// The member named `name` ignoring ASCII case (`Sources/a.txt` for
    /// `sources/a.txt`), preferring an exact match.
    #[must_use]
    pub fn find(&self, name: &str) -> Option<String> {
        if self.zip.index_for_name(name).is_some() {
            return Some(name.to_owned());
        }
        self.zip
            .file_names()
            .filter_map(Result::ok)
            .find(|n| n.eq_ignore_ascii_case(name))
            .map(std::borrow::Cow::into_owned)
    }

    /// Reads a whole member within the limits.
    ///
    /// # Errors
    /// [`ZipReadError`] for a missing member, a damaged one, or one over a
    /// limit.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, ZipReadError> {
        let per_member = self.limits.file_bytes;
        let left = self.limits.unpacked_bytes.saturating_sub(self.unpacked);
        let ratio = self.limits.pack_ratio;
        let mut entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(ZipReadError::Missing(name.to_owned()));
            }
            Err(e) => return Err(e.into()),
        };
        let packed = entry.compressed_size().max(1);
        let too_large = |limit| ZipReadError::TooLarge {
            name: name.to_owned(),
            limit,
        };
        // The declared size may lie; it is only a first check.
        if entry.size() > per_member {
            return Err(too_large(per_member));
        }
        if entry.size() > left {
            return Err(too_large(self.limits.unpacked_bytes));
        }
        let cap = per_member.min(left);
        let mut buf = Vec::with_capacity(usize::try_from(entry.size().min(cap)).unwrap_or(0));
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            let n = entry.read(&mut chunk).map_err(|source| ZipReadError::Io {
                name: name.to_owned(),
                source,
            })?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            let got = buf.len() as u64;
            if got > cap {
                return Err(too_large(if cap == per_member {
                    per_member
                } else {
                    self.limits.unpacked_bytes
                }));
            }
            if got > RATIO_FLOOR && got > packed.saturating_mul(ratio) {
                return Err(ZipReadError::Ratio {
                    name: name.to_owned(),
                    ratio,
                });
            }
        }
        self.unpacked += buf.len() as u64;
        Ok(buf)
    }

    /// Reads a member as UTF-8 text (invalid bytes replaced).
    ///
    /// # Errors
    /// As [`BoundedZip::read`].
    pub fn read_text(&mut self, name: &str) -> Result<String, ZipReadError> {
        let bytes = self.read(name)?;
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        {
            let mut z = zip::ZipWriter::new(f.as_file_mut());
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, bytes) in entries {
                z.start_file(*name, opts).unwrap();
                z.write_all(bytes).unwrap();
            }
            z.finish().unwrap();
        }
        f
    }

    #[test]
    fn reads_members_and_refuses_bombs() {
        let bomb = vec![0u8; 64 << 20];
        let f = zip_with(&[("Sources/a.txt", b"hello"), ("bomb.txt", &bomb)]);
        let mut z = BoundedZip::open(f.path()).unwrap();
        assert_eq!(z.find("sources/a.txt").as_deref(), Some("Sources/a.txt"));
        assert_eq!(z.read("Sources/a.txt").unwrap(), b"hello");
        let e = z.read("bomb.txt").unwrap_err();
        assert!(matches!(e, ZipReadError::Ratio { .. }), "{e}");
        assert!(matches!(z.read("nope"), Err(ZipReadError::Missing(_))));
    }
}
