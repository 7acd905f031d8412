//! The article list: sortable, filterable, virtualised.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::{RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::msg::Msg;
use crate::model::{ArticleId, Project, ReviewStatus, TagId, Text};

/// Up to this much text (bytes) the filter box searches on the UI thread
/// (well under a millisecond); beyond it, in the background.
const INLINE_BYTES: usize = 1 << 20;

/// A text filter running in the background.
struct Filtering {
    rx: Receiver<Vec<ArticleId>>,
    cancel: Arc<AtomicBool>,
    key: CacheKey,
}

impl Drop for Filtering {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Every article's title and text in id order, as the background text
/// filter reads them: made once per change of the articles or texts and
/// shared by every search after it, so a keystroke in the filter box never
/// copies 100,000 titles on the UI thread. The texts are shared, not
/// copied.
type Corpus = Arc<[(ArticleId, String, Text)]>;

/// Whether an article's title or text contains what the filter box asks.
fn text_matches(re: &regex::Regex, title: &str, text: &Text) -> bool {
    re.is_match(title) || re.is_match(text.as_str())
}

/// What the list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Import order.
    #[default]
    Id,
    /// Article date.
    Date,
    /// Title.
    Title,
    /// Number of passages.
    Count,
    /// Review status.
    Status,
    /// The attribute shown in this list column (an index into
    /// [`ListState::columns`]).
    Attribute(usize),
}

/// What rows were computed from: the list's state, the filter (`F`: the
/// filter box's text, or only its attribute conditions), status, tag, sort,
/// order, the articles shown and the columns.
type Key<F> = (
    u64,
    F,
    Option<ReviewStatus>,
    Option<TagId>,
    SortKey,
    bool,
    usize,
    Vec<String>,
);
/// What the cached rows were computed from.
type CacheKey = Key<String>;
/// What the rows before the text filter were computed from.
type BaseKey = Key<Vec<(String, String)>>;

/// How the list brings the current article into view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scroll {
    /// Scrolls there (the next or previous article).
    Glide,
    /// Is there at once: a project just opened returns to its place, it
    /// does not travel there.
    Jump,
}

/// The list's filters, sort order and cached rows.
#[derive(Default)]
pub struct ListState {
    /// Text typed in the filter box (title and text).
    pub filter: String,
    /// Only articles with this status.
    pub status: Option<ReviewStatus>,
    /// Only articles with a passage carrying this tag.
    pub tag: Option<TagId>,
    /// Only these articles (e.g. those a search found), with a label.
    pub only: Option<(String, HashSet<ArticleId>)>,
    /// Sort key.
    pub sort: SortKey,
    /// Descending order.
    pub descending: bool,
    /// The filtered and sorted rows.
    pub rows: Vec<ArticleId>,
    cache_key: Option<CacheKey>,
    /// Set to move keyboard focus to the filter box.
    pub focus_filter: bool,
    /// Set to bring the current article into view.
    pub scroll_to_current: Option<Scroll>,
    /// A filter that is not a valid pattern.
    pub filter_error: Option<String>,
    /// Attributes shown as columns (`None`: those a news export gives —
    /// outlet, byline, section — when the project has them).
    pub columns: Option<Vec<String>>,
    /// The columns in use (worked out from `columns` and the project).
    pub shown_columns: Vec<String>,
    /// The project's attribute names, and the articles-and-texts state they
    /// are of.
    names: (Option<u64>, Vec<String>),
    /// The text filter, when it runs in the background (the rows shown
    /// meanwhile are the previous ones).
    filtering: Option<Filtering>,
    /// What the background filter searches, and the articles-and-texts
    /// state it was made from.
    corpus: Option<(u64, Corpus)>,
    /// The rows before the text filter, with the bytes of text they hold:
    /// typing in the filter box changes only the text filter, so a
    /// keystroke reuses them instead of looking at every article again.
    base: Option<(BaseKey, Vec<ArticleId>, usize)>,
}

/// Splits a filter into `name:value` attribute conditions and free text.
fn parse_filter(filter: &str, names: &[String]) -> (Vec<(String, String)>, String) {
    let mut conds = Vec::new();
    let mut free: Vec<&str> = Vec::new();
    for word in filter.split_whitespace() {
        if let Some((name, value)) = word.split_once(':') {
            let name_l = name.to_lowercase().replace('_', " ");
            if let Some(n) = names.iter().find(|n| n.to_lowercase() == name_l) {
                conds.push((n.clone(), value.trim_matches('"').to_lowercase()));
                continue;
            }
        }
        free.push(word);
    }
    (conds, free.join(" "))
}

impl ListState {
    /// True while the text filter runs in the background.
    #[must_use]
    pub fn is_filtering(&self) -> bool {
        self.filtering.is_some()
    }

    /// Recomputes the rows if the project or the filters changed (`state`
    /// changes with whatever the list shows, `texts` with the articles and
    /// their texts only). The text filter of a large project runs in the
    /// background (`ctx` is woken when it is done); everything else here is
    /// quick.
    pub fn refresh(&mut self, project: &Project, state: u64, texts: u64, ctx: &egui::Context) {
        if let Some(f) = &self.filtering
            && let Ok(rows) = f.rx.try_recv()
        {
            if self.cache_key.as_ref() == Some(&f.key) {
                self.rows = rows;
            }
            self.filtering = None;
        }
        // Attribute names change only with the articles.
        if self.names.0 != Some(texts) {
            self.names = (
                Some(texts),
                crate::model::attributes::names(project.articles()),
            );
        }
        let names = &self.names.1;
        self.shown_columns = match &self.columns {
            Some(c) => c.iter().filter(|c| names.contains(c)).cloned().collect(),
            None => ["outlet", "byline", "section"]
                .iter()
                .filter(|n| names.iter().any(|m| m == *n))
                .map(|n| (*n).to_owned())
                .collect(),
        };
        let key = self.key(state, self.filter.clone());
        if self.cache_key.as_ref() == Some(&key) {
            return;
        }
        self.cache_key = Some(key.clone());
        self.filtering = None;
        let (conds, free) = parse_filter(&self.filter, names);
        let needle = free.trim();
        let re = if needle.is_empty() {
            None
        } else {
            match regex::RegexBuilder::new(&regex::escape(needle))
                .case_insensitive(true)
                .build()
            {
                Ok(r) => Some(r),
                Err(e) => {
                    self.filter_error = Some(e.to_string());
                    None
                }
            }
        };
        let base_key = self.key(state, conds);
        let (mut rows, bytes) = match &self.base {
            Some((k, rows, bytes)) if *k == base_key => (rows.clone(), *bytes),
            _ => {
                let (rows, bytes) = self.base_rows(project, &base_key.1);
                self.base = Some((base_key, rows.clone(), bytes));
                (rows, bytes)
            }
        };
        let art = |id: &ArticleId| project.article(*id);
        let Some(re) = re else {
            // Held only while a text filter is in use.
            self.corpus = None;
            self.rows = rows;
            return;
        };
        if bytes <= INLINE_BYTES {
            rows.retain(|id| art(id).is_some_and(|a| text_matches(&re, &a.title, &a.text)));
            self.rows = rows;
            return;
        }
        let corpus = match &self.corpus {
            Some((made, c)) if *made == texts => c.clone(),
            _ => {
                let c: Corpus = project
                    .articles()
                    .map(|a| (a.id, a.title.clone(), a.text.clone()))
                    .collect();
                self.corpus = Some((texts, c.clone()));
                c
            }
        };
        let (tx, rx) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let (stop, wake) = (cancel.clone(), ctx.clone());
        std::thread::spawn(move || {
            use rayon::prelude::*;
            // In the rows' order; the corpus is in id order.
            let found: Vec<ArticleId> = rows
                .par_iter()
                .filter(|id| {
                    !stop.load(Ordering::Relaxed)
                        && corpus
                            .binary_search_by_key(*id, |(a, _, _)| *a)
                            .is_ok_and(|i| text_matches(&re, &corpus[i].1, &corpus[i].2))
                })
                .copied()
                .collect();
            if !stop.load(Ordering::Relaxed) {
                let _ = tx.send(found);
                wake.request_repaint();
            }
        });
        self.filtering = Some(Filtering { rx, cancel, key });
    }

    /// The key of rows computed now from `state` and `filter`.
    fn key<F>(&self, state: u64, filter: F) -> Key<F> {
        (
            state,
            filter,
            self.status,
            self.tag,
            self.sort,
            self.descending,
            self.only.as_ref().map_or(0, |(_, s)| s.len() + 1),
            self.shown_columns.clone(),
        )
    }

    /// The rows before the text filter (status, tag, the articles shown,
    /// attribute conditions), sorted, and the bytes of text they hold.
    fn base_rows(&self, project: &Project, conds: &[(String, String)]) -> (Vec<ArticleId>, usize) {
        let with_tag: Option<HashSet<ArticleId>> = self.tag.map(|t| {
            let family = project.codebook().with_descendants(t);
            crate::model::stats::articles_with_tags(project, &family)
        });
        // The text the rows hold, to choose where the text filter runs.
        let mut bytes = 0;
        let mut rows: Vec<ArticleId> = project
            .articles()
            .filter(|a| self.status.is_none_or(|s| a.status == s))
            .filter(|a| {
                self.only
                    .as_ref()
                    .is_none_or(|(_, set)| set.contains(&a.id))
            })
            .filter(|a| with_tag.as_ref().is_none_or(|set| set.contains(&a.id)))
            .filter(|a| {
                conds.iter().all(|(name, value)| {
                    crate::model::attributes::attribute(a, name)
                        .is_some_and(|v| v.to_string().to_lowercase().contains(value.as_str()))
                })
            })
            .inspect(|a| bytes += a.text.as_str().len())
            .map(|a| a.id)
            .collect();
        let art = |id: &ArticleId| project.article(*id);
        match self.sort {
            SortKey::Id => {}
            SortKey::Date => rows.sort_by_key(|id| art(id).and_then(|a| a.meta.date)),
            SortKey::Title => rows.sort_by_cached_key(|id| art(id).map(|a| a.title.to_lowercase())),
            SortKey::Count => rows.sort_by_key(|id| project.annotation_count(*id)),
            SortKey::Status => rows.sort_by_key(|id| art(id).map(|a| a.status)),
            SortKey::Attribute(i) => {
                if let Some(name) = self.shown_columns.get(i) {
                    rows.sort_by_cached_key(|id| {
                        art(id)
                            .and_then(|a| crate::model::attributes::attribute(a, name))
                            .map(|v| attribute_sort_key(&v))
                    });
                }
            }
        }
        if self.descending {
            rows.reverse();
        }
        (rows, bytes)
    }

    /// The row after (`step = 1`) or before (`-1`) `current`.
    #[must_use]
    pub fn neighbour(&self, current: Option<ArticleId>, step: isize) -> Option<ArticleId> {
        let i = current.and_then(|c| self.rows.iter().position(|r| *r == c));
        let next = match i {
            Some(i) => i.checked_add_signed(step)?,
            None => 0,
        };
        self.rows.get(next).copied()
    }
}

/// Paints a review status: an empty ring (unread), a ring with a dot (in
/// progress) or a full disc (done).
pub fn status_icon(ui: &mut egui::Ui, s: ReviewStatus) -> egui::Response {
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), Sense::hover());
    let c = rect.center();
    let colour = ui.visuals().text_color();
    let p = ui.painter();
    match s {
        ReviewStatus::Unread => {
            p.circle_stroke(c, 5.0, egui::Stroke::new(1.2, colour));
        }
        ReviewStatus::InProgress => {
            p.circle_stroke(c, 5.0, egui::Stroke::new(1.2, colour));
            p.circle_filled(c, 2.5, colour);
        }
        ReviewStatus::Done => {
            p.circle_filled(c, 5.5, colour);
        }
    }
    resp.on_hover_text(s.label())
}

/// Sorts numbers by value, dates by date, text case-insensitively.
fn attribute_sort_key(v: &crate::model::attributes::Value) -> (u8, i64, String) {
    use crate::model::attributes::Value;
    match v {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "sorting only; attribute numbers are counts and years"
        )]
        Value::Number(n) => (0, (n * 1000.0) as i64, String::new()),
        Value::Date(d) => (
            1,
            i64::from(chrono::Datelike::num_days_from_ce(d)),
            String::new(),
        ),
        Value::Text(t) => (2, 0, t.to_lowercase()),
    }
}

/// Shows the list panel (`state` and `texts` as for [`ListState::refresh`]).
pub fn show(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    texts: u64,
    list: &mut ListState,
    current: Option<ArticleId>,
    msgs: &mut Vec<Msg>,
) {
    ui.horizontal(|ui| {
        let r = ui.add(
            egui::TextEdit::singleline(&mut list.filter)
                .hint_text("Filter title and text (Ctrl+L), or outlet:Gazette")
                .desired_width(f32::INFINITY),
        );
        if list.focus_filter {
            r.request_focus();
            list.focus_filter = false;
        }
    });
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("status_filter")
            .selected_text(list.status.map_or("Any status", ReviewStatus::label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut list.status, None, "Any status");
                for s in ReviewStatus::ALL {
                    ui.selectable_value(&mut list.status, Some(s), s.label());
                }
            })
            .response
            .accessible_name("Filter by review status");
        let tag_label = list
            .tag
            .map_or_else(|| "Any tag".to_owned(), |t| project.codebook().path(t));
        egui::ComboBox::from_id_salt("tag_filter")
            .selected_text(tag_label)
            .width(140.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut list.tag, None, "Any tag");
                let mut tags: Vec<_> = project
                    .codebook()
                    .iter()
                    .map(|t| (project.codebook().path(t.id), t.id))
                    .collect();
                tags.sort();
                for (path, id) in tags {
                    ui.selectable_value(&mut list.tag, Some(id), path);
                }
            })
            .response
            .accessible_name("Filter by tag");
        ui.menu_button("Columns", |ui| {
            // Only while the menu is open.
            let names = list.names.1.clone();
            ui.label(RichText::new("Attributes shown in the list").small().weak());
            for n in names.iter().filter(|n| n.as_str() != "date") {
                let mut on = list.shown_columns.contains(n);
                if ui.checkbox(&mut on, n).changed() {
                    let mut cols = list.shown_columns.clone();
                    if on {
                        cols.push(n.clone());
                    } else {
                        cols.retain(|c| c != n);
                    }
                    list.columns = Some(cols);
                    list.sort = SortKey::Id;
                }
            }
        })
        .response
        .on_hover_text("Choose attribute columns (outlet, byline, section…)");
    });
    let mut clear_only = false;
    if let Some((label, set)) = &list.only {
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Only the {} articles {label}", set.len())).small());
            if ui.small_button("Show all").clicked() {
                clear_only = true;
            }
        });
    }
    if clear_only {
        list.only = None;
    }
    list.refresh(project, state, texts, ui.ctx());
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{} of {} articles",
                list.rows.len(),
                project.articles().len()
            ))
            .small()
            .weak(),
        );
        if list.is_filtering() {
            crate::ui::busy::spinner(ui);
            ui.label(RichText::new("filtering…").small().weak());
        }
    });
    let mut sort_clicked = None;
    let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.4;
    let current_row = current.and_then(|c| list.rows.iter().position(|r| *r == c));
    // A list longer than the panel shows its scroll bar from the first
    // frame, not faded in over a dozen (each painted in full).
    let bar = if list.rows.len() as f32 * row_h > ui.available_height() {
        egui::scroll_area::ScrollBarVisibility::AlwaysVisible
    } else {
        egui::scroll_area::ScrollBarVisibility::VisibleWhenNeeded
    };
    let mut table = TableBuilder::new(ui)
        .striped(true)
        .sense(Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(18.0))
        .column(Column::remainder().at_least(120.0).clip(true))
        .columns(
            Column::initial(72.0)
                .at_least(36.0)
                .clip(true)
                .resizable(true),
            list.shown_columns.len(),
        )
        .column(Column::auto().at_least(28.0))
        .min_scrolled_height(0.0)
        .scroll_bar_visibility(bar);
    if let Some(how) = list.scroll_to_current
        && let Some(r) = current_row
    {
        table = table
            .scroll_to_row(r, Some(egui::Align::Center))
            .animate_scrolling(how == Scroll::Glide);
        list.scroll_to_current = None;
    }
    table
        .header(20.0, |mut header| {
            let arrow = |k: SortKey| {
                if list.sort == k {
                    if list.descending { " ⬇" } else { " ⬆" }
                } else {
                    ""
                }
            };
            header.col(|ui| {
                if ui
                    .small_button(format!("S{}", arrow(SortKey::Status)))
                    .on_hover_text("Sort by review status")
                    .clicked()
                {
                    sort_clicked = Some(SortKey::Status);
                }
            });
            header.col(|ui| {
                ui.horizontal(|ui| {
                    if ui
                        .small_button(format!("Title{}", arrow(SortKey::Title)))
                        .clicked()
                    {
                        sort_clicked = Some(SortKey::Title);
                    }
                    if ui
                        .small_button(format!("Date{}", arrow(SortKey::Date)))
                        .clicked()
                    {
                        sort_clicked = Some(SortKey::Date);
                    }
                    if ui
                        .small_button(format!("Import order{}", arrow(SortKey::Id)))
                        .clicked()
                    {
                        sort_clicked = Some(SortKey::Id);
                    }
                });
            });
            for (i, name) in list.shown_columns.iter().enumerate() {
                header.col(|ui| {
                    if ui
                        .small_button(format!("{name}{}", arrow(SortKey::Attribute(i))))
                        .on_hover_text(format!("Sort by {name}; filter with {name}:VALUE"))
                        .clicked()
                    {
                        sort_clicked = Some(SortKey::Attribute(i));
                    }
                });
            }
            header.col(|ui| {
                if ui
                    .small_button(format!("#{}", arrow(SortKey::Count)))
                    .on_hover_text("Sort by number of passages")
                    .clicked()
                {
                    sort_clicked = Some(SortKey::Count);
                }
            });
        })
        .body(|body| {
            body.rows(row_h, list.rows.len(), |mut row| {
                let id = list.rows[row.index()];
                let Some(a) = project.article(id) else { return };
                row.set_selected(Some(id) == current);
                row.col(|ui| {
                    status_icon(ui, a.status);
                });
                row.col(|ui| {
                    title_cell(
                        ui,
                        &a.title,
                        project.unavailable(id).is_some(),
                        &meta_line(a.meta.date, a.meta.byline()),
                    );
                });
                for name in &list.shown_columns {
                    row.col(|ui| {
                        if let Some(v) = crate::model::attributes::attribute(a, name) {
                            ui.add(
                                egui::Label::new(RichText::new(v.to_string()).small())
                                    .truncate()
                                    .selectable(false),
                            );
                        }
                    });
                }
                row.col(|ui| {
                    let n = project.annotation_count(id);
                    ui.label(if n == 0 {
                        RichText::new("–").weak()
                    } else {
                        RichText::new(n.to_string())
                    });
                });
                let r = row.response();
                if r.clicked() {
                    msgs.push(Msg::OpenArticle(id));
                }
                r.context_menu(|ui| row_menu(ui, a, msgs));
            });
        });
    if let Some(k) = sort_clicked {
        if list.sort == k {
            list.descending = !list.descending;
        } else {
            list.sort = k;
            list.descending = matches!(k, SortKey::Count | SortKey::Date);
        }
    }
}

/// The line under a title: the date, if any, and the byline.
fn meta_line(date: Option<chrono::NaiveDate>, byline: &str) -> String {
    match date {
        Some(d) => format!("{} · {byline}", d.format("%Y-%m-%d")),
        None => byline.to_owned(),
    }
}

/// An article's title (right-to-left ones in their visual order; marked
/// when its text is unavailable) over its date and byline.
fn title_cell(ui: &mut egui::Ui, title: &str, unavailable: bool, meta: &str) {
    ui.vertical(|ui| {
        let shown = if unavailable {
            format!("⚠ {title}")
        } else {
            title.to_owned()
        };
        let colour = if unavailable {
            ui.visuals().warn_fg_color
        } else {
            ui.visuals().strong_text_color()
        };
        let r = if super::reader::bidi::needs_bidi(title) {
            let format =
                egui::TextFormat::simple(egui::TextStyle::Body.resolve(ui.style()), colour);
            super::bidi_label::label(ui, &shown, &format, true, egui::Sense::hover())
        } else {
            ui.add(
                egui::Label::new(RichText::new(shown).strong().color(colour))
                    .truncate()
                    .selectable(false),
            )
        };
        if unavailable {
            r.on_hover_text("Its text is unavailable; its passages are read-only");
        }
        ui.add(
            egui::Label::new(RichText::new(meta).small().weak())
                .truncate()
                .selectable(false),
        );
    });
}

/// The articles of a project that is still opening, as its file lists them
/// (in import order): what the list will show, without passage counts,
/// while the texts and passages load. Nothing can be picked yet.
pub fn show_listing(ui: &mut egui::Ui, rows: &[crate::io::project_file::Listed]) {
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{} articles; loading their texts and passages…",
                rows.len()
            ))
            .small()
            .weak(),
        );
    });
    let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.4;
    TableBuilder::new(ui)
        .striped(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(18.0))
        .column(Column::remainder().at_least(120.0).clip(true))
        .column(Column::auto().at_least(28.0))
        .min_scrolled_height(0.0)
        .body(|body| {
            body.rows(row_h, rows.len(), |mut row| {
                let a = &rows[row.index()];
                row.col(|ui| {
                    status_icon(ui, a.status);
                });
                row.col(|ui| {
                    title_cell(ui, &a.title, false, &meta_line(a.date, &a.byline));
                });
                row.col(|ui| {
                    ui.label(RichText::new("…").weak())
                        .on_hover_text("Counted once the passages are read");
                });
            });
        });
}

/// A list row's context menu: open the article, set its status, copy its
/// title.
fn row_menu(ui: &mut egui::Ui, a: &crate::model::Article, msgs: &mut Vec<Msg>) {
    if ui.button("Open").clicked() {
        msgs.push(Msg::OpenArticle(a.id));
        ui.close();
    }
    ui.separator();
    for s in crate::model::ReviewStatus::ALL {
        let mut on = a.status == s;
        if ui
            .radio_value(&mut on, true, format!("Mark {}", s.label()))
            .clicked()
            && a.status != s
        {
            msgs.push(Msg::Apply(crate::model::Action::SetArticleStatus {
                article: a.id,
                status: s,
            }));
            ui.close();
        }
    }
    ui.separator();
    if ui.button("Copy title").clicked() {
        ui.ctx().copy_text(a.title.clone());
        ui.close();
    }
}
