//! Every app-level command, with its label and shortcut. Menus, keyboard
//! shortcuts and the command palette all come from this one enum.

use egui::{Key, KeyboardShortcut, Modifiers};

/// An app-level command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Command {
    /// Start an empty project.
    NewProject,
    /// Open a project file.
    OpenProject,
    /// Import article files.
    ImportFiles,
    /// Import a folder of articles.
    ImportFolder,
    /// Save the project.
    Save,
    /// Save the project under a new name.
    SaveAs,
    /// Export passages as CSV.
    ExportCsv,
    /// Export W3C Web Annotations.
    ExportW3c,
    /// Export a REFI-QDA project (.qdpx).
    ExportQdpx,
    /// Export the codebook as REFI-QDA (.qdc).
    ExportQdc,
    /// Export brat standoff files into a folder.
    ExportBrat,
    /// Export a Markdown report.
    ExportReportMd,
    /// Export an HTML report.
    ExportReportHtml,
    /// Import a REFI-QDA project or codebook.
    ImportRefi,
    /// Import a brat folder.
    ImportBrat,
    /// Re-read sources and re-anchor changed articles.
    Resync,
    /// Quit Gloss.
    Quit,
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Find in the open article.
    Find,
    /// Next match in the article.
    FindNext,
    /// Previous match in the article.
    FindPrevious,
    /// Focus the article list's filter.
    FilterArticles,
    /// Search all articles.
    SearchCorpus,
    /// Passages by tag.
    ShowPassages,
    /// Statistics and charts.
    ShowStatistics,
    /// Show every command.
    Palette,
    /// Type a tag name for the selection.
    QuickTag,
    /// Tag the selection with the last tag used.
    RepeatTag,
    /// Delete the selected passage.
    DeletePassage,
    /// Open the next article in the list.
    NextArticle,
    /// Open the previous article in the list.
    PreviousArticle,
    /// Mark the article unread.
    MarkUnread,
    /// Mark the article in progress.
    MarkInProgress,
    /// Mark the article done.
    MarkDone,
    /// Larger reading text.
    ZoomIn,
    /// Smaller reading text.
    ZoomOut,
    /// Reset the reading text size.
    ZoomReset,
    /// Follow the system theme.
    ThemeSystem,
    /// Light theme.
    ThemeLight,
    /// Dark theme.
    ThemeDark,
    /// Edit the project memo.
    ProjectMemo,
    /// Set the analyst's name.
    AnalystName,
    /// Paste text as a new article.
    NewArticleFromClipboard,
    /// Copy the selected text.
    Copy,
    /// Copy the selected text with its article, date and char range.
    CopyWithReference,
    /// Copy the open article's title.
    CopyTitle,
    /// Edit the note of the picked passage, or else of the article.
    EditNote,
    /// Merge another analyst's copy of the project into this one.
    MergeProject,
    /// Show the conflicts the last merges resolved.
    ShowConflicts,
    /// Agreement between analysts, comparison and adjudication.
    ShowTeam,
    /// Go to the next place where the compared analysts disagree.
    NextDisagreement,
    /// Go to the previous place where the compared analysts disagree.
    PreviousDisagreement,
}

impl Command {
    /// Every command, in menu order (the order of the enum).
    pub fn all() -> impl Iterator<Item = Command> {
        <Self as strum::IntoEnumIterator>::iter()
    }

    /// What the command does, for tooltips in menus and the palette.
    #[must_use]
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::NewProject => "Start an empty project (asks to save changes first)",
            Self::OpenProject => "Open a Gloss project file (.ron)",
            Self::ImportFiles => "Add article files to the project: text, Markdown, HTML",
            Self::ImportFolder => "Add every article file in a folder and its subfolders",
            Self::Save => "Save the project (the previous file is kept as .bak)",
            Self::SaveAs => "Save the project under a new name or in another folder",
            Self::ExportCsv => "One row per passage, for spreadsheets and statistics tools",
            Self::ExportW3c => "W3C Web Annotations (JSON-LD) for annotation tools",
            Self::ExportQdpx => "A REFI-QDA project for QualCoder, ATLAS.ti, MAXQDA or NVivo",
            Self::ExportQdc => "The codebook alone, as REFI-QDA (.qdc)",
            Self::ExportBrat => "brat standoff files (.txt and .ann) in a folder",
            Self::ExportReportMd => "A readable review report in Markdown",
            Self::ExportReportHtml => "A readable review report as one HTML file",
            Self::ImportRefi => "Bring in a REFI-QDA project or codebook from another tool",
            Self::ImportBrat => "Bring in a brat collection (a folder with .ann files)",
            Self::Resync => "Re-read every article's source and move passages with the text",
            Self::Quit => "Close Gloss (asks to save changes first)",
            Self::Undo => "Undo the last change",
            Self::Redo => "Redo the change just undone",
            Self::Find => "Find in the open article",
            Self::FindNext => "Go to the next match in the article",
            Self::FindPrevious => "Go to the previous match in the article",
            Self::FilterArticles => "Filter the article list by title and text",
            Self::SearchCorpus => "Search every article, and tag the matches",
            Self::ShowPassages => "List the passages with a combination of tags",
            Self::ShowStatistics => "Counts and charts: per tag, over time, co-occurrence",
            Self::MergeProject => {
                "Bring another analyst's copy of this project in: their articles, tags and passages (each keeps its analyst)"
            }
            Self::ShowConflicts => {
                "What both sides changed differently in the last merges, and what was kept"
            }
            Self::ShowTeam => {
                "Agreement between analysts (κ, α), their differences in the open article, adjudication"
            }
            Self::NextDisagreement => "Go to the next place where the compared analysts disagree",
            Self::PreviousDisagreement => {
                "Go to the previous place where the compared analysts disagree"
            }
            Self::QuickTag => "Tag the selection by typing a tag's name",
            Self::RepeatTag => "Tag the selection with the tag used last",
            Self::DeletePassage => "Delete the picked passage",
            Self::ProjectMemo => "Notes on the whole project",
            Self::AnalystName => {
                "The name recorded on the passages you make and in exports, for team work"
            }
            Self::NewArticleFromClipboard => {
                "Paste text copied from a web page or a document as a new article"
            }
            Self::Copy => "Copy the selected text to the clipboard",
            Self::CopyWithReference => {
                "Copy the selected text with its article title, date and char range"
            }
            Self::CopyTitle => "Copy the open article's title to the clipboard",
            Self::EditNote => "Write a note on the picked passage, or else on the article",
            Self::Palette => "Find any command by name",
            Self::NextArticle => "Open the next article in the list",
            Self::PreviousArticle => "Open the previous article in the list",
            Self::MarkUnread => "Mark the open article as not read yet",
            Self::MarkInProgress => "Mark the open article as in progress",
            Self::MarkDone => "Mark the open article as fully reviewed",
            Self::ZoomIn => "Larger reading text",
            Self::ZoomOut => "Smaller reading text",
            Self::ZoomReset => "Reading text at its usual size",
            Self::ThemeSystem => "Light or dark, as the system is",
            Self::ThemeLight => "Dark text on a light background",
            Self::ThemeDark => "Light text on a dark background",
        }
    }

    /// The label in menus and the palette.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NewProject => "New project",
            Self::OpenProject => "Open project…",
            Self::ImportFiles => "Import articles…",
            Self::ImportFolder => "Import folder…",
            Self::Save => "Save",
            Self::SaveAs => "Save as…",
            Self::ExportCsv => "Export passages as CSV…",
            Self::ExportW3c => "Export W3C Web Annotations…",
            Self::ExportQdpx => "Export REFI-QDA project (.qdpx)…",
            Self::ExportQdc => "Export codebook (.qdc)…",
            Self::ExportBrat => "Export brat standoff folder…",
            Self::ExportReportMd => "Export report (Markdown)…",
            Self::ExportReportHtml => "Export report (HTML)…",
            Self::ImportRefi => "Import REFI-QDA project or codebook…",
            Self::ImportBrat => "Import brat folder…",
            Self::Quit => "Quit",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::Find => "Find in article",
            Self::FindNext => "Find next",
            Self::FindPrevious => "Find previous",
            Self::FilterArticles => "Filter the article list",
            Self::SearchCorpus => "Search all articles",
            Self::ShowPassages => "Passages by tag",
            Self::ShowStatistics => "Statistics and charts",
            Self::MergeProject => "Merge another project…",
            Self::ShowConflicts => "Merge conflicts…",
            Self::ShowTeam => "Team: agreement and differences",
            Self::NextDisagreement => "Next disagreement",
            Self::PreviousDisagreement => "Previous disagreement",
            Self::Palette => "Command palette",
            Self::QuickTag => "Tag selection by name…",
            Self::RepeatTag => "Repeat last tag",
            Self::DeletePassage => "Delete selected passage",
            Self::NextArticle => "Next article",
            Self::PreviousArticle => "Previous article",
            Self::MarkUnread => "Mark article unread",
            Self::MarkInProgress => "Mark article in progress",
            Self::MarkDone => "Mark article done",
            Self::ZoomIn => "Larger text",
            Self::ZoomOut => "Smaller text",
            Self::ZoomReset => "Reset text size",
            Self::ThemeSystem => "Theme: follow system",
            Self::ThemeLight => "Theme: light",
            Self::ThemeDark => "Theme: dark",
            Self::ProjectMemo => "Project memo",
            Self::AnalystName => "Your name…",
            Self::NewArticleFromClipboard => "New article from clipboard…",
            Self::Copy => "Copy",
            Self::CopyWithReference => "Copy with reference",
            Self::CopyTitle => "Copy title",
            Self::EditNote => "Edit note",
            Self::Resync => "Re-sync with source files",
        }
    }

    /// The keyboard shortcuts (the first is shown in menus).
    #[must_use]
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const C: Modifiers = Modifiers::COMMAND;
        const CS: Modifiers = Modifiers {
            shift: true,
            ..Modifiers::COMMAND
        };
        const A: Modifiers = Modifiers::ALT;
        const S: Modifiers = Modifiers::SHIFT;
        const N: Modifiers = Modifiers::NONE;
        macro_rules! k {
            ($m:expr, $key:expr) => {
                KeyboardShortcut {
                    modifiers: $m,
                    logical_key: $key,
                }
            };
        }
        match self {
            Self::NewProject => &[k!(C, Key::N)],
            Self::OpenProject => &[k!(C, Key::O)],
            Self::ImportFiles => &[k!(C, Key::I)],
            Self::Save => &[k!(C, Key::S)],
            Self::SaveAs => &[k!(CS, Key::S)],
            Self::Quit => &[k!(C, Key::Q)],
            Self::Undo => &[k!(C, Key::Z)],
            Self::Redo => &[k!(CS, Key::Z), k!(C, Key::Y)],
            Self::Find => &[k!(C, Key::F)],
            Self::FindNext => &[k!(N, Key::F3)],
            Self::FindPrevious => &[k!(S, Key::F3)],
            Self::FilterArticles => &[k!(C, Key::L)],
            Self::SearchCorpus => &[k!(CS, Key::F)],
            Self::ShowPassages => &[k!(CS, Key::R)],
            Self::ShowStatistics => &[k!(CS, Key::T)],
            Self::ShowTeam => &[k!(CS, Key::Y)],
            Self::NextDisagreement => &[k!(N, Key::F8)],
            Self::PreviousDisagreement => &[k!(S, Key::F8)],
            Self::Palette => &[k!(CS, Key::P)],
            Self::QuickTag => &[k!(C, Key::T)],
            Self::RepeatTag => &[k!(N, Key::Period)],
            Self::DeletePassage => &[k!(N, Key::Delete)],
            Self::NextArticle => &[k!(A, Key::ArrowDown)],
            Self::PreviousArticle => &[k!(A, Key::ArrowUp)],
            Self::MarkUnread => &[k!(A, Key::Num1)],
            Self::MarkInProgress => &[k!(A, Key::Num2)],
            Self::MarkDone => &[k!(A, Key::Num3)],
            Self::ZoomIn => &[k!(C, Key::Plus), k!(C, Key::Equals)],
            Self::ZoomOut => &[k!(C, Key::Minus)],
            Self::ZoomReset => &[k!(C, Key::Num0)],
            Self::CopyWithReference => &[k!(CS, Key::C)],
            Self::EditNote => &[k!(CS, Key::N)],
            _ => &[],
        }
    }

    /// The shortcut shown beside the command in menus and the palette. Copy
    /// shows Ctrl+C, which the platform turns into a copy event that the
    /// focused widget (the reading view or a text field) answers, so it is
    /// not a command shortcut of its own.
    #[must_use]
    pub fn shown_shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            Self::Copy => Some(KeyboardShortcut {
                modifiers: Modifiers::COMMAND,
                logical_key: Key::C,
            }),
            _ => self.shortcuts().first().copied(),
        }
    }

    /// True for commands on plain keys (`.`, Delete) that must not fire
    /// while the user types into a text field. Function keys and modified
    /// keys work everywhere.
    #[must_use]
    pub fn needs_reader_focus(self) -> bool {
        self.shortcuts().first().is_some_and(|s| {
            s.modifiers.is_none()
                && !matches!(
                    s.logical_key,
                    Key::F1
                        | Key::F2
                        | Key::F3
                        | Key::F4
                        | Key::F5
                        | Key::F6
                        | Key::F7
                        | Key::F8
                        | Key::F9
                        | Key::F10
                        | Key::F11
                        | Key::F12
                )
        })
    }

    /// Shortcuts in the order they must be checked: more modifiers first, so
    /// Ctrl+Shift+Z is not taken for Ctrl+Z.
    #[must_use]
    pub fn shortcut_order() -> Vec<(Command, KeyboardShortcut)> {
        let mut v: Vec<(Command, KeyboardShortcut)> = Self::all()
            .flat_map(|c| c.shortcuts().iter().map(move |s| (c, *s)))
            .collect();
        v.sort_by_key(|(_, s)| {
            std::cmp::Reverse(
                u8::from(s.modifiers.shift)
                    + u8::from(s.modifiers.alt)
                    + u8::from(s.modifiers.command),
            )
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_label_a_tooltip_and_a_palette_entry() {
        let palette = crate::ui::palette::palette_items();
        let mut n = 0;
        for c in Command::all() {
            n += 1;
            assert!(!c.label().trim().is_empty(), "{c:?} has no label");
            assert!(c.tooltip().len() > 10, "{c:?} has no tooltip");
            assert!(
                palette.iter().any(|(l, pc)| *pc == c && l == c.label()),
                "{c:?} is not in the palette"
            );
        }
        assert_eq!(palette.len(), n);
    }

    #[test]
    fn shortcuts_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Command::all() {
            for s in c.shortcuts() {
                assert!(
                    seen.insert((
                        s.modifiers.command,
                        s.modifiers.shift,
                        s.modifiers.alt,
                        s.logical_key
                    )),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn specific_shortcuts_are_checked_first() {
        let order = Command::shortcut_order();
        let redo = order
            .iter()
            .position(|(c, s)| *c == Command::Redo && s.modifiers.shift)
            .unwrap();
        let undo = order.iter().position(|(c, _)| *c == Command::Undo).unwrap();
        assert!(redo < undo);
    }
}
