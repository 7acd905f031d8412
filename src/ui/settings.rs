//! What the window remembers between runs (in eframe's storage): theme,
//! recent projects, zoom, panels.

#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::theme::ThemeChoice;

/// Projects kept in the recent list.
pub const RECENT: usize = 10;

/// Settings kept between runs (eframe storage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// Where reading stopped in each recent project: the article open (its
    /// id as written) and the first char in view.
    pub last_read: Vec<Place>,
}

/// Where reading stopped in a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The project file.
    pub project: PathBuf,
    /// The article that was open (its id, as the project file writes it).
    pub article: String,
    /// The first char in view.
    pub top: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: ThemeChoice::System,
            recent: Vec::new(),
            zoom: 1.0,
            show_codebook: true,
            analyst: String::new(),
            last_read: Vec::new(),
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
        self.last_read.retain(|p| self.recent.contains(&p.project));
    }

    /// Makes the recent list hold absolute paths, each once: an entry an
    /// older version stored relative is kept only if it names a file from
    /// the folder Gloss starts in (it cannot be known where else it was).
    pub fn tidy(&mut self) {
        let mut seen = Vec::new();
        for p in std::mem::take(&mut self.recent) {
            let p = if p.is_absolute() {
                p
            } else if p.is_file() {
                crate::io::paths::absolute(&p)
            } else {
                continue;
            };
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        seen.truncate(RECENT);
        self.recent = seen;
        let recent = &self.recent;
        self.last_read.retain(|p| recent.contains(&p.project));
    }

    /// Records where reading stopped in `project`.
    pub fn set_place(&mut self, project: &std::path::Path, article: String, top: usize) {
        let project = crate::io::paths::absolute(project);
        self.last_read.retain(|p| p.project != project);
        self.last_read.push(Place {
            project,
            article,
            top,
        });
        let recent = &self.recent;
        self.last_read.retain(|p| recent.contains(&p.project));
    }

    /// Where reading stopped in `project`, if recorded.
    #[must_use]
    pub fn place(&self, project: &std::path::Path) -> Option<&Place> {
        let project = crate::io::paths::absolute(project);
        self.last_read.iter().find(|p| p.project == project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_projects_are_absolute_and_places_follow_them() {
        let dir = tempfile::tempdir().unwrap();
        let here = dir.path().join("a.ron");
        std::fs::write(&here, "").unwrap();
        let mut s = Settings {
            recent: vec![
                here.clone(),
                PathBuf::from("no/such/relative.ron"),
                here.clone(),
                PathBuf::from("/gone/b.ron"),
            ],
            ..Settings::default()
        };
        s.tidy();
        assert_eq!(s.recent, [here.clone(), PathBuf::from("/gone/b.ron")]);
        s.set_place(&here, "3".into(), 120);
        assert_eq!(s.place(&here).map(|p| p.top), Some(120));
        s.set_place(&here, "4".into(), 7);
        assert_eq!(s.last_read.len(), 1);
        // A place is kept only while its project is recent.
        s.set_place(Path::new("/elsewhere/c.ron"), "1".into(), 0);
        assert!(s.place(Path::new("/elsewhere/c.ron")).is_none());
    }
}
