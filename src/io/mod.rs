//! File input and output: reading article files (encodings, formats,
//! metadata), importing folders, and the project file.

pub mod article;
pub mod atomic;
pub mod decode;
pub mod documents;
pub mod html;
pub mod import;
pub mod limits;
pub mod lock;
pub mod news;
pub mod paths;
pub mod pdf;
pub mod project_file;
pub mod protect;
pub mod read;
pub mod rtf;
pub mod user;
pub mod zipread;

pub use project_file::{LoadError, Loaded, SaveError, TextStorage, load, save};
