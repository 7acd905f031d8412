//! Fuzzy pickers: the command palette (Ctrl+Shift+P) and the quick-tag box
//! (Ctrl+T), both ranked with `nucleo-matcher`.

use egui::{Key, RichText};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use super::commands::Command;
use crate::model::{Project, TagId};

/// Items whose text fuzzily matches `query`, best first (all, in order, when
/// the query is empty).
pub fn rank<T: Clone>(query: &str, items: &[(String, T)]) -> Vec<(String, T)> {
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    let scored = pattern.match_list(items.iter().map(|(s, _)| s.as_str()), &mut matcher);
    scored
        .into_iter()
        .filter_map(|(s, _)| items.iter().find(|(t, _)| t == s).cloned())
        .collect()
}

/// A fuzzy picker's state.
#[derive(Default)]
pub struct Picker {
    /// What was typed.
    pub query: String,
    /// The highlighted row.
    pub selected: usize,
}

/// What the quick-tag box chose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuickTagChoice {
    /// An existing tag.
    Existing(TagId),
    /// A new tag (path) to create.
    New(String),
}

/// Result of a picker frame.
pub enum Picked<T> {
    /// Still open.
    Open,
    /// Closed without a choice.
    Cancelled,
    /// Chosen.
    Chosen(T),
}

fn picker<T: Clone>(
    ctx: &egui::Context,
    title: &str,
    hint: &str,
    state: &mut Picker,
    items: &[(String, T)],
    right: impl Fn(&T) -> String,
    extra: Option<&(String, T)>,
) -> Picked<T> {
    let mut out = Picked::Open;
    let ranked = {
        let mut r = rank(&state.query, items);
        if let Some(e) = extra.cloned() {
            r.push(e);
        }
        r
    };
    state.selected = state.selected.min(ranked.len().saturating_sub(1));
    let modal = egui::Modal::new(egui::Id::unique(title)).show(ctx, |ui| {
        ui.set_width(460.0);
        ui.label(RichText::new(title).strong());
        let r = ui.add(
            egui::TextEdit::singleline(&mut state.query)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        );
        r.request_focus();
        if r.changed() {
            state.selected = 0;
        }
        let (down, up, enter, esc) = ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::NONE, Key::ArrowDown),
                i.consume_key(egui::Modifiers::NONE, Key::ArrowUp),
                i.key_pressed(Key::Enter),
                i.key_pressed(Key::Escape),
            )
        });
        if down {
            state.selected = (state.selected + 1).min(ranked.len().saturating_sub(1));
        }
        if up {
            state.selected = state.selected.saturating_sub(1);
        }
        egui::ScrollArea::vertical()
            .max_height(320.0)
            .show(ui, |ui| {
                for (i, (label, value)) in ranked.iter().enumerate() {
                    let sel = i == state.selected;
                    let resp = ui
                        .horizontal(|ui| {
                            let r = ui.selectable_label(sel, label);
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    // Clear of the scroll bar, which floats over the rows.
                                    ui.add_space(14.0);
                                    ui.label(RichText::new(right(value)).weak().monospace());
                                },
                            );
                            r
                        })
                        .inner;
                    if sel {
                        resp.scroll_to_me(None);
                    }
                    if resp.clicked() {
                        out = Picked::Chosen(value.clone());
                    }
                }
                if ranked.is_empty() {
                    ui.label(RichText::new("Nothing matches.").weak());
                }
            });
        if enter && let Some((_, v)) = ranked.get(state.selected) {
            out = Picked::Chosen(v.clone());
        }
        if esc {
            out = Picked::Cancelled;
        }
    });
    if modal.should_close() && matches!(out, Picked::Open) {
        out = Picked::Cancelled;
    }
    out
}

/// The palette's entries: every command, by its label.
#[must_use]
pub fn palette_items() -> Vec<(String, Command)> {
    Command::all().map(|c| (c.label().to_owned(), c)).collect()
}

/// Shows the command palette.
pub fn command_palette(ctx: &egui::Context, state: &mut Picker) -> Picked<Command> {
    let items = palette_items();
    picker(
        ctx,
        "Command palette",
        "Type a command…",
        state,
        &items,
        |c| {
            c.shown_shortcut()
                .map(|s| ctx.format_shortcut(&s))
                .unwrap_or_default()
        },
        None,
    )
}

/// Shows the quick-tag box: existing tags by fuzzy match, and "create" for a
/// new name.
pub fn quick_tag(
    ctx: &egui::Context,
    state: &mut Picker,
    project: &Project,
) -> Picked<QuickTagChoice> {
    let cb = project.codebook();
    let items: Vec<(String, QuickTagChoice)> = cb
        .iter()
        .map(|t| (cb.path(t.id), QuickTagChoice::Existing(t.id)))
        .collect();
    let q = state.query.trim().to_owned();
    let exists = q.is_empty() || cb.find_path(&q).is_some();
    let extra = (!exists).then(|| (format!("Create tag “{q}”"), QuickTagChoice::New(q.clone())));
    picker(
        ctx,
        "Tag the selection",
        "Tag name (Enter on a new name creates it)",
        state,
        &items,
        |c| match c {
            QuickTagChoice::Existing(t) => cb
                .get(*t)
                .and_then(|t| t.props.shortcut)
                .map(String::from)
                .unwrap_or_default(),
            QuickTagChoice::New(_) => "new".to_owned(),
        },
        extra.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_fuzzy_matches_first() {
        let items = vec![
            ("Policy/Sanctions".to_owned(), 1),
            ("Threat/Cyber".to_owned(), 2),
            ("Economy/Inflation".to_owned(), 3),
        ];
        let r = rank("cyb", &items);
        assert_eq!(r.first().map(|x| x.1), Some(2));
        assert_eq!(rank("", &items).len(), 3);
        assert!(rank("zzz", &items).is_empty());
    }
}
