//! REFI-QDA (QDA-XML 1.0), the exchange standard of `QualCoder`, `ATLAS.ti`,
//! `MAXQDA` and `NVivo`: `.qdpx` projects (a zip of `project.qde` and the texts
//! under `sources/`) and `.qdc` codebooks, read ([`read`]) and written
//! ([`write`]) with one grammar ([`xml`], the names and GUIDs here).
//!
//! Positions count Unicode code points. Gloss writes each source as its
//! normalised text (UTF-8, LF line breaks), so `startPosition`/`endPosition`
//! are its char offsets unchanged; on import, positions counted in the raw
//! text (a BOM not counted, CRLF as two) are converted exactly.

mod build;
pub mod grammar;
pub mod read;
mod read_project;
pub mod write;
pub mod xml;

pub use build::RefiReport;
pub use grammar::RefiError;
pub use read::{ImportOptions, import_qdc, import_qdpx};
pub use write::{codebook_qdc, project_qde, qdpx_bytes};
