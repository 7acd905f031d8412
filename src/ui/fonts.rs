//! Fonts: egui's own, a small bundled set for scripts news analysts read
//! most and desktops often lack (Noto Sans Arabic, Hebrew, Devanagari,
//! Bengali, Thai — 740 KB, SIL OFL, `assets/fonts`), and any other the
//! system has, found by what it covers (the system's font database via
//! `fontdb`, fontconfig's folders on Linux) when a char needs it — never
//! by a fixed list of file paths. Chars no font covers are recorded, so
//! the reading view can say which script needs a font.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use egui::epaint::text::{FallbackRequest, FontInsert, FontPriority, InsertFontFamily};
use egui::{FontData, FontDefinitions, FontFamily};
use skrifa::MetadataProvider;
use unicode_script::UnicodeScript;

/// The bundled fonts: (name, bytes).
const BUNDLED: &[(&str, &[u8])] = &[
    (
        "Noto Sans Arabic",
        include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf"),
    ),
    (
        "Noto Sans Hebrew",
        include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf"),
    ),
    (
        "Noto Sans Devanagari",
        include_bytes!("../../assets/fonts/NotoSansDevanagari-Regular.ttf"),
    ),
    (
        "Noto Sans Bengali",
        include_bytes!("../../assets/fonts/NotoSansBengali-Regular.ttf"),
    ),
    (
        "Noto Sans Thai",
        include_bytes!("../../assets/fonts/NotoSansThai-Regular.ttf"),
    ),
];

/// egui's fonts with the bundled ones after them (cheap: no file is read).
#[must_use]
pub fn base_fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    for (name, bytes) in BUNDLED {
        fonts
            .font_data
            .insert((*name).to_owned(), Arc::new(FontData::from_static(bytes)));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push((*name).to_owned());
        }
    }
    fonts
}

/// The system's fonts, listed (file headers only): slow, so done off the
/// UI thread.
#[must_use]
pub fn scan_system_fonts() -> fontdb::Database {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    db
}

/// Largest font file read.
const MAX_FONT_FILE: u64 = 64 << 20;

/// Finds a system font for a char no installed font has, by coverage.
pub struct SystemFonts {
    db: fontdb::Database,
    /// Chars no font covers.
    missing: Arc<Mutex<BTreeSet<char>>>,
    /// Scripts for which no font was found (so other chars of the script
    /// do not scan every font again).
    hopeless: Mutex<HashSet<unicode_script::Script>>,
}

impl SystemFonts {
    /// A provider over `db`, recording misses in `missing`.
    #[must_use]
    pub fn new(db: fontdb::Database, missing: Arc<Mutex<BTreeSet<char>>>) -> Self {
        Self {
            db,
            missing,
            hopeless: Mutex::new(HashSet::new()),
        }
    }

    /// Faces in order of preference: upright, regular weight, "Sans"
    /// before others, then by family name (for a stable choice).
    fn candidates(&self) -> Vec<&fontdb::FaceInfo> {
        let mut faces: Vec<&fontdb::FaceInfo> = self.db.faces().collect();
        let key = |f: &fontdb::FaceInfo| {
            let name = f.families.first().map_or("", |(n, _)| n.as_str());
            (
                f.style != fontdb::Style::Normal,
                f.weight.0.abs_diff(400),
                !name.contains("Sans"),
                name.contains("Mono"),
                name.to_owned(),
            )
        };
        faces.sort_by_cached_key(|f| key(f));
        faces
    }

    fn covers(&self, id: fontdb::ID, c: char) -> bool {
        self.db
            .with_face_data(id, |data, index| {
                skrifa::FontRef::from_index(data, index)
                    .ok()
                    .and_then(|f| f.charmap().map(c))
                    .is_some()
            })
            .unwrap_or(false)
    }

    fn load(&self, face: &fontdb::FaceInfo) -> Option<FontData> {
        let fontdb::Source::File(path) = &face.source else {
            // Fonts loaded from memory or shared: read them through the db.
            let bytes = self.db.with_face_data(face.id, |d, _| d.to_vec())?;
            let mut data = FontData::from_owned(bytes);
            data.index = face.index;
            return Some(data);
        };
        let bytes = crate::io::read::read_bounded(path, MAX_FONT_FILE).ok()?;
        let mut data = FontData::from_owned(bytes);
        data.index = face.index;
        Some(data)
    }
}

impl egui::epaint::text::FontProvider for SystemFonts {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let c = request.cluster.chars().next()?;
        let script = c.script();
        if self
            .hopeless
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&script)
        {
            self.note_missing(c);
            return None;
        }
        for face in self.candidates() {
            if !self.covers(face.id, c) {
                continue;
            }
            let Some(data) = self.load(face) else {
                continue;
            };
            let name = face
                .families
                .first()
                .map_or_else(|| face.post_script_name.clone(), |(n, _)| n.clone());
            tracing::info!("using system font {name} for {}", script.full_name());
            return Some(FontInsert::new(
                &format!("system:{name}:{}", face.index),
                data,
                vec![
                    InsertFontFamily {
                        family: FontFamily::Proportional,
                        priority: FontPriority::Lowest,
                    },
                    InsertFontFamily {
                        family: FontFamily::Monospace,
                        priority: FontPriority::Lowest,
                    },
                ],
            ));
        }
        if !matches!(
            script,
            unicode_script::Script::Common | unicode_script::Script::Inherited
        ) {
            self.hopeless
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(script);
        }
        self.note_missing(c);
        None
    }
}

impl SystemFonts {
    fn note_missing(&self, c: char) {
        self.missing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(c);
    }
}

/// The scripts of `text`'s chars that are in `missing` (no font shows
/// them), by name, each once, in order of first appearance.
#[must_use]
pub fn missing_scripts(text: &str, missing: &BTreeSet<char>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if missing.is_empty() {
        return out;
    }
    for c in text.chars().filter(|c| missing.contains(c)) {
        let name = match c.script() {
            unicode_script::Script::Common | unicode_script::Script::Inherited => "symbol",
            s => s.full_name(),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_fonts_cover_their_scripts() {
        for (name, bytes) in BUNDLED {
            let f = skrifa::FontRef::new(bytes).unwrap();
            let sample = match *name {
                "Noto Sans Arabic" => 'ق',
                "Noto Sans Hebrew" => 'ש',
                "Noto Sans Devanagari" => 'क',
                "Noto Sans Bengali" => 'ক',
                _ => 'ก',
            };
            assert!(f.charmap().map(sample).is_some(), "{name} has {sample}");
        }
        assert_eq!(
            base_fonts().font_data.len(),
            FontDefinitions::default().font_data.len() + 5
        );
    }

    #[test]
    fn missing_scripts_are_named_once() {
        let missing: BTreeSet<char> = "ᎠᎡ".chars().collect();
        assert_eq!(missing_scripts("abc ᎠᎡ Ꭰ", &missing), vec!["Cherokee"]);
        assert!(missing_scripts("abc", &BTreeSet::new()).is_empty());
    }
}
