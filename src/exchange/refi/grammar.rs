//! What REFI-QDA reading and writing share: the error type, the XML
//! namespaces, and how Gloss names things (GUIDs, source files, the user).

use std::fmt::Write as _;

use crate::model::Article;

/// Why a REFI-QDA file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RefiError {
    /// File system trouble.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file could not be read.
    #[error("{0}")]
    File(#[from] crate::io::read::FileError),
    /// Not a zip, a broken one, or one over the limits.
    #[error("the .qdpx archive: {0}")]
    Archive(#[from] crate::io::zipread::ZipReadError),
    /// Zip trouble while writing.
    #[error("cannot build the archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Malformed XML.
    #[error("malformed XML: {0}")]
    Xml(String),
    /// Well-formed, but not what the standard says.
    #[error("{0}")]
    Invalid(String),
}

/// The XML namespace of project files.
pub const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";
/// The XML namespace of codebook files.
pub const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";

/// A stable GUID for an object of a kind (`"tag"`, `"article"`, …) and id.
#[must_use]
pub fn guid(kind: &str, id: impl Into<u128>) -> String {
    let id: u128 = id.into();
    let h = blake3::hash(format!("gloss:{kind}:{id}").as_bytes());
    let b = h.as_bytes();
    let hex: String = b[..16].iter().fold(String::new(), |mut acc, x| {
        let _ = write!(acc, "{x:02x}");
        acc
    });
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The file name of an article's text inside the `.qdpx` (`sources/…`).
#[must_use]
pub fn source_file(article: &Article) -> String {
    format!("{}.txt", guid("article", article.id.0))
}

/// The name under which the user of unattributed passages appears.
pub const DEFAULT_USER: &str = "Gloss user";
