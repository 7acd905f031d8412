//! Gloss: review news articles and tag passages by hand.
//!
//! The crate is split the way the product is: [`model`] is the pure domain
//! (no window, no files), [`io`] reads articles and reads and writes project
//! files, [`exchange`] reads and writes other tools' formats, and [`cli`] is the
//! headless command line.

pub mod cli;
pub mod exchange;
pub mod io;
pub mod logging;
pub mod model;
pub mod ui;
