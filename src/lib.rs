//! Gloss: review news articles and tag passages by hand.
//!
//! The crate is split the way the product is: [`model`] is the pure domain
//! (no window, no files), [`io`] reads articles and reads and writes project
//! files, [`export`] turns a project into other formats, and [`cli`] is the
//! headless command line.

pub mod cli;
pub mod export;
pub mod io;
pub mod model;
pub mod ui;
