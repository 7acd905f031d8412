//! The search tab: corpus search in the background, results streaming in as
//! keyword-in-context lines grouped by article, tagging all (or the ticked)
//! matches in one step.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use chrono::NaiveDate;
use egui::{Color32, RichText};

use super::widgets::tag_combo;
use crate::model::search::{self, ArticleHits, Filters, Query};
use crate::model::{ArticleId, Project, ReviewStatus, Span, TagId, Text};
use crate::ui::msg::Msg;

/// What a search's results were computed for.
type SearchKey = (Query, Option<TagId>, Option<ReviewStatus>, String, String);

/// A search running in the background.
struct Running {
    rx: Receiver<ArticleHits>,
    cancel: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Corpus search state.
#[derive(Default)]
pub struct SearchState {
    /// The query.
    pub query: Query,
    /// Only articles with this tag.
    pub tag: Option<TagId>,
    /// Only articles with this status.
    pub status: Option<ReviewStatus>,
    /// Date range, as typed (YYYY-MM-DD).
    pub from: String,
    /// Date range end, as typed.
    pub to: String,
    /// Results so far, one entry per article with matches.
    pub results: Vec<ArticleHits>,
    /// Matches ticked for tagging.
    pub checked: HashSet<(ArticleId, Span)>,
    /// The tag to apply to matches.
    pub apply_tag: Option<TagId>,
    /// Move keyboard focus to the query field.
    pub focus: bool,
    error: Option<String>,
    running: Option<Running>,
    searched: Option<SearchKey>,
    /// Result rows (article index, match index; `None` for a header) and
    /// what they were built from.
    rows: Vec<(usize, Option<usize>)>,
    rows_for: Option<(usize, usize, bool)>,
}

impl SearchState {
    /// Total matches found so far.
    #[must_use]
    pub fn total(&self) -> usize {
        self.results.iter().map(|h| h.spans.len()).sum()
    }

    /// True while a search runs.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Starts a new search if the query or filters changed (cancelling the
    /// old one), and collects results that arrived.
    pub fn update(&mut self, ctx: &egui::Context, project: &Project) {
        let key = (
            self.query.clone(),
            self.tag,
            self.status,
            self.from.clone(),
            self.to.clone(),
        );
        if self.searched.as_ref() != Some(&key) {
            self.searched = Some(key);
            self.start(ctx, project);
        }
        let mut finished = false;
        if let Some(r) = &self.running {
            while let Ok(h) = r.rx.try_recv() {
                self.results.push(h);
            }
            if r.done.load(Ordering::Relaxed) {
                while let Ok(h) = r.rx.try_recv() {
                    self.results.push(h);
                }
                finished = true;
            } else {
                ctx.request_repaint_after(std::time::Duration::from_millis(30));
            }
        }
        if finished {
            self.running = None;
            self.results.sort_by_key(|h| h.article);
        }
    }

    fn start(&mut self, ctx: &egui::Context, project: &Project) {
        self.running = None;
        self.results.clear();
        self.checked.clear();
        self.error = None;
        if self.query.pattern.is_empty() {
            return;
        }
        let re = match self.query.compile() {
            Ok(re) => re,
            Err(e) => {
                self.error = Some(e.0);
                return;
            }
        };
        let parse = |s: &str| -> Result<Option<NaiveDate>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
            }
        };
        let (from, to) = match (parse(&self.from), parse(&self.to)) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(e), _) | (_, Err(e)) => {
                self.error = Some(e);
                return;
            }
        };
        let filters = Filters {
            tags: self.tag.into_iter().collect(),
            status: self.status,
            from,
            to,
        };
        let texts: Vec<(ArticleId, Text)> = filters
            .articles(project)
            .into_iter()
            .filter_map(|id| project.article(id).map(|a| (id, a.text.clone())))
            .collect();
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        let (c, d, repaint) = (cancel.clone(), done.clone(), ctx.clone());
        std::thread::spawn(move || {
            let tx = std::sync::Mutex::new(tx);
            search::search_texts(&re, &texts, &c, &|h| {
                if let Ok(tx) = tx.lock() {
                    let _ = tx.send(h);
                }
            });
            d.store(true, Ordering::Relaxed);
            repaint.request_repaint();
        });
        self.running = Some(Running { rx, cancel, done });
    }
}

pub(super) fn tab(ui: &mut egui::Ui, project: &Project, s: &mut SearchState, msgs: &mut Vec<Msg>) {
    ui.horizontal_wrapped(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut s.query.pattern)
                .hint_text("Search all articles (Ctrl+Shift+F)")
                .desired_width(260.0),
        );
        if s.focus {
            r.request_focus();
            s.focus = false;
        }
        ui.toggle_value(&mut s.query.ignore_case, "Aa")
            .on_hover_text("Ignore case");
        ui.toggle_value(&mut s.query.whole_word, "Word")
            .on_hover_text("Whole words only");
        ui.toggle_value(&mut s.query.regex, ".*")
            .on_hover_text("Regular expression");
        tag_combo(ui, "search_tag", "Any tag", project, &mut s.tag);
        egui::ComboBox::from_id_salt("search_status")
            .selected_text(s.status.map_or("Any status", ReviewStatus::label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut s.status, None, "Any status");
                for st in ReviewStatus::ALL {
                    ui.selectable_value(&mut s.status, Some(st), st.label());
                }
            })
            .response
            .accessible_name("Status filter");
        ui.label("from");
        ui.add(
            egui::TextEdit::singleline(&mut s.from)
                .hint_text("YYYY-MM-DD")
                .desired_width(84.0),
        )
        .on_hover_text("Only articles dated on or after this day");
        ui.label("to");
        ui.add(
            egui::TextEdit::singleline(&mut s.to)
                .hint_text("YYYY-MM-DD")
                .desired_width(84.0),
        )
        .on_hover_text("Only articles dated on or before this day");
    });
    s.update(ui.ctx(), project);
    if let Some(e) = &s.error {
        ui.label(
            RichText::new(e)
                .color(ui.visuals().error_fg_color)
                .monospace(),
        );
        return;
    }
    let total = s.total();
    ui.horizontal_wrapped(|ui| {
        if s.is_running() {
            crate::ui::busy::spinner(ui);
        }
        ui.label(format!(
            "{} in {}",
            crate::model::plural(total, "match"),
            crate::model::plural(s.results.len(), "article")
        ));
        if total > 0 {
            tag_combo(ui, "apply_tag", "Tag to apply…", project, &mut s.apply_tag);
            if let Some(tag) = s.apply_tag {
                if ui.button(format!("Tag all {total}")).clicked() {
                    let all = s
                        .results
                        .iter()
                        .map(|h| (h.article, h.spans.clone()))
                        .collect();
                    msgs.push(Msg::TagMatches(tag, all));
                }
                let checked = s.checked.len();
                if ui
                    .add_enabled(
                        checked > 0,
                        egui::Button::new(format!("Tag {checked} checked")),
                    )
                    .clicked()
                {
                    let mut by: std::collections::BTreeMap<ArticleId, Vec<Span>> =
                        std::collections::BTreeMap::new();
                    for (a, sp) in &s.checked {
                        by.entry(*a).or_default().push(*sp);
                    }
                    msgs.push(Msg::TagMatches(tag, by.into_iter().collect()));
                }
            }
            if ui.button("Show these articles in the list").clicked() {
                let ids: HashSet<ArticleId> = s.results.iter().map(|h| h.article).collect();
                msgs.push(Msg::ListOnly(Some((
                    format!("matching “{}”", s.query.pattern),
                    ids,
                ))));
            }
        }
    });
    // Flattened rows: an article header, then its matches.
    // The flattened rows are rebuilt only when results arrive or get sorted,
    // not every frame (a broad query can have hundreds of thousands).
    let key = (s.results.len(), total, s.is_running());
    if s.rows_for != Some(key) {
        s.rows_for = Some(key);
        s.rows.clear();
        for (i, h) in s.results.iter().enumerate() {
            s.rows.push((i, None));
            s.rows.extend((0..h.spans.len()).map(|k| (i, Some(k))));
        }
    }
    let rows = std::mem::take(&mut s.rows);
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    egui::ScrollArea::vertical()
        .id_salt("search_results")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, rows.len(), |ui, range| {
            for (i, k) in &rows[range] {
                let h = &s.results[*i];
                let Some(a) = project.article(h.article) else {
                    continue;
                };
                match k {
                    None => {
                        let line = format!(
                            "{} — {}",
                            a.title,
                            crate::model::plural(h.spans.len(), "match")
                        );
                        let format = egui::TextFormat::simple(
                            egui::TextStyle::Body.resolve(ui.style()),
                            ui.visuals().strong_text_color(),
                        );
                        crate::ui::bidi_label::label(
                            ui,
                            &line,
                            &format,
                            true,
                            egui::Sense::hover(),
                        );
                    }
                    Some(k) => {
                        let span = h.spans[*k];
                        ui.horizontal(|ui| {
                            let mut on = s.checked.contains(&(h.article, span));
                            if ui
                                .checkbox(&mut on, "")
                                .on_hover_text("Include in “Tag checked”")
                                .changed()
                            {
                                if on {
                                    s.checked.insert((h.article, span));
                                } else {
                                    s.checked.remove(&(h.article, span));
                                }
                            }
                            let (before, m, after) = search::context(&a.text, span, 60);
                            let mut job = egui::text::LayoutJob::default();
                            let weak = ui.visuals().weak_text_color();
                            let strong = ui.visuals().strong_text_color();
                            let font = egui::TextStyle::Body.resolve(ui.style());
                            job.append(&before, 0.0, egui::TextFormat::simple(font.clone(), weak));
                            job.append(
                                &m,
                                0.0,
                                egui::TextFormat {
                                    background: Color32::from_rgba_unmultiplied(250, 200, 60, 90),
                                    ..egui::TextFormat::simple(font.clone(), strong)
                                },
                            );
                            job.append(&after, 0.0, egui::TextFormat::simple(font.clone(), weak));
                            // With right-to-left text, the same line in
                            // visual order, the match marked.
                            let line = format!("{before}{m}{after}");
                            let mark_start = before.chars().count();
                            let mark = mark_start..mark_start + m.chars().count();
                            let marked = egui::TextFormat {
                                background: Color32::from_rgba_unmultiplied(250, 200, 60, 90),
                                ..egui::TextFormat::simple(font.clone(), strong)
                            };
                            if let Some(j) = crate::ui::bidi_label::job(
                                ui,
                                &line,
                                &egui::TextFormat::simple(font, weak),
                                Some((&marked, &mark)),
                                ui.available_width() - 8.0,
                                true,
                            ) {
                                job = j;
                            }
                            // One line, cut with an ellipsis at the panel's
                            // edge; the whole line is in the tooltip.
                            let r = ui
                                .add(egui::Button::new(job).frame(false).truncate())
                                .on_hover_text(format!(
                                    "{before}{m}{after}\n\nchars {}–{}: click to open and select",
                                    span.start(),
                                    span.end()
                                ));
                            if r.clicked() {
                                msgs.push(Msg::Reveal(h.article, span));
                            }
                        });
                    }
                }
            }
        });
    s.rows = rows;
}
