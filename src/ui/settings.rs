//! What the window remembers between runs (in eframe's storage): theme,
//! recent projects, zoom, panels.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::theme::ThemeChoice;

/// Projects kept in the recent list.
pub const RECENT: usize = 10;

/// Settings kept between runs (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Theme.
    pub theme: ThemeChoice,
    /// Recently opened projects, newest first.
    pub recent: Vec<PathBuf>,
    /// Reading text zoom.
    pub zoom: f32,
    /// Show the codebook panel.
    pub show_codebook: bool,
    /// The analyst's name, recorded on new passages and in exports (empty:
    /// the operating system's user name).
    pub analyst: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            recent: Vec::new(),
            zoom: 1.0,
            show_codebook: true,
            analyst: String::new(),
        }
    }
}

/// The key of the settings in eframe's storage.
pub const SETTINGS_KEY: &str = "gloss-settings";

impl Settings {
    /// Now, by the analyst these settings name.
    #[must_use]
    pub fn stamp(&self) -> crate::model::Stamp {
        crate::model::Stamp::now(crate::io::user::analyst(Some(&self.analyst)))
    }

    /// Puts `path` first in the recent projects (absolute, once).
    pub fn remember(&mut self, path: &std::path::Path) {
        let path = crate::io::paths::absolute(path);
        self.recent.retain(|p| *p != path);
        self.recent.insert(0, path);
        self.recent.truncate(RECENT);
    }
}
