//! The explore panel: corpus search (with tag-all-matches), passages by tag,
//! and statistics with charts. The logic lives in the model
//! (`model::search`, `model::retrieve`, `model::stats`); this draws it.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use chrono::NaiveDate;
use egui::{Color32, RichText};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use super::msg::Msg;
use crate::model::retrieve::TagQuery;
use crate::model::search::{self, ArticleHits, Filters, Query};
use crate::model::stats::{self, Bucket, Stats};
use crate::model::{ArticleId, Project, ReviewStatus, Span, TagId, Text};

/// The panel's tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// Search the corpus.
    #[default]
    Search,
    /// Passages by tag.
    Passages,
    /// Counts and charts.
    Statistics,
}

/// State of the explore panel.
#[derive(Default)]
pub struct Explore {
    /// Shown at all.
    pub open: bool,
    /// The tab in front.
    pub tab: Tab,
    /// Corpus search.
    pub search: SearchState,
    /// Passages by tag.
    pub passages: PassagesState,
    /// Statistics.
    pub stats: StatsState,
}

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

/// Passages-by-tag state.
#[derive(Default)]
pub struct PassagesState {
    /// The tag combination.
    pub query: TagQuery,
    /// Sort order.
    pub sort: PassageSort,
    cache: Option<(u64, TagQuery, PassageSort, Vec<crate::model::AnnotationId>)>,
}

/// How the passages list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PassageSort {
    /// By article, then position.
    #[default]
    Article,
    /// By article date.
    Date,
    /// By first tag path.
    Tag,
}

/// Statistics state.
#[derive(Default)]
pub struct StatsState {
    /// Timeline buckets.
    pub weekly: bool,
    cache: Option<(u64, bool, Stats)>,
}

fn colour_of(project: &Project, path: &str) -> Color32 {
    project
        .codebook()
        .find_path(path)
        .and_then(|t| project.codebook().get(t))
        .map_or(Color32::GRAY, |t| {
            let [r, g, b] = t.props.colour.0;
            Color32::from_rgb(r, g, b)
        })
}

fn tag_combo(
    ui: &mut egui::Ui,
    id: &str,
    label: &str,
    project: &Project,
    value: &mut Option<TagId>,
) {
    let cb = project.codebook();
    let mut tags: Vec<(String, TagId)> = cb.iter().map(|t| (cb.path(t.id), t.id)).collect();
    tags.sort();
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.map_or_else(|| label.to_owned(), |t| cb.path(t)))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, label);
            for (path, t) in tags {
                ui.selectable_value(value, Some(t), path);
            }
        })
        .response
        .accessible_name(label.to_owned());
}

/// Shows the panel.
pub fn show(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    ex: &mut Explore,
    msgs: &mut Vec<Msg>,
) {
    ui.horizontal(|ui| {
        ui.selectable_value(&mut ex.tab, Tab::Search, "Search corpus");
        ui.selectable_value(&mut ex.tab, Tab::Passages, "Passages by tag");
        ui.selectable_value(&mut ex.tab, Tab::Statistics, "Statistics");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text("Hide this panel")
                .clicked()
            {
                ex.open = false;
            }
        });
    });
    ui.separator();
    match ex.tab {
        Tab::Search => search_tab(ui, project, &mut ex.search, msgs),
        Tab::Passages => passages_tab(ui, project, state, &mut ex.passages, msgs),
        Tab::Statistics => stats_tab(ui, project, state, &mut ex.stats, msgs),
    }
}

fn search_tab(ui: &mut egui::Ui, project: &Project, s: &mut SearchState, msgs: &mut Vec<Msg>) {
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
            ui.spinner();
        }
        ui.label(format!(
            "{total} match(es) in {} article(s)",
            s.results.len()
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
                        ui.label(
                            RichText::new(format!("{} — {} match(es)", a.title, h.spans.len()))
                                .strong(),
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
                            job.append(&after, 0.0, egui::TextFormat::simple(font, weak));
                            let r =
                                ui.add(egui::Button::new(job).frame(false))
                                    .on_hover_text(format!(
                                        "chars {}–{}: open and select",
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

fn chips(ui: &mut egui::Ui, label: &str, project: &Project, tags: &mut Vec<TagId>) {
    let cb = project.codebook();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(label).strong());
        let mut remove = None;
        for (i, t) in tags.iter().enumerate() {
            let c = cb.get(*t).map_or(Color32::GRAY, |t| {
                let [r, g, b] = t.props.colour.0;
                Color32::from_rgb(r, g, b)
            });
            if ui
                .add(
                    egui::Button::new(
                        RichText::new(format!("{} ×", cb.path(*t))).color(Color32::BLACK),
                    )
                    .fill(c),
                )
                .on_hover_text("Remove")
                .clicked()
            {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            tags.remove(i);
        }
        ui.menu_button("+", |ui| {
            let mut all: Vec<(String, TagId)> = cb
                .iter()
                .filter(|t| !tags.contains(&t.id))
                .map(|t| (cb.path(t.id), t.id))
                .collect();
            all.sort();
            for (path, t) in all {
                if ui.button(path).clicked() {
                    tags.push(t);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(format!("Add a tag to “{label}”"));
    });
}

fn passages_tab(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    p: &mut PassagesState,
    msgs: &mut Vec<Msg>,
) {
    chips(ui, "Any of", project, &mut p.query.any);
    chips(ui, "All of", project, &mut p.query.all);
    chips(ui, "None of", project, &mut p.query.none);
    ui.horizontal(|ui| {
        ui.checkbox(&mut p.query.include_nested, "Include nested tags");
        ui.label("Sort by");
        ui.selectable_value(&mut p.sort, PassageSort::Article, "article");
        ui.selectable_value(&mut p.sort, PassageSort::Date, "date");
        ui.selectable_value(&mut p.sort, PassageSort::Tag, "tag");
    });
    let outdated = p
        .cache
        .as_ref()
        .is_none_or(|(s, q, so, _)| *s != state || *q != p.query || *so != p.sort);
    if outdated {
        let mut found: Vec<&crate::model::Annotation> = p.query.run(project);
        let cb = project.codebook();
        match p.sort {
            PassageSort::Article => found.sort_by_key(|a| (a.article, a.span.start())),
            PassageSort::Date => found.sort_by_key(|a| {
                (
                    project.article(a.article).and_then(|x| x.meta.date),
                    a.article,
                    a.span.start(),
                )
            }),
            PassageSort::Tag => found.sort_by_cached_key(|a| {
                (
                    a.tags.iter().map(|t| cb.path(*t)).min(),
                    a.article,
                    a.span.start(),
                )
            }),
        }
        p.cache = Some((
            state,
            p.query.clone(),
            p.sort,
            found.iter().map(|a| a.id).collect(),
        ));
    }
    let ids: &[crate::model::AnnotationId] = p.cache.as_ref().map_or(&[], |c| c.3.as_slice());
    ui.horizontal(|ui| {
        if p.query.is_empty() {
            ui.label(
                RichText::new(
                    "Choose tags above: “Any of” is OR, “All of” is AND, “None of” is NOT.",
                )
                .weak(),
            );
        } else {
            ui.label(format!("{} passage(s)", ids.len()));
        }
        if !ids.is_empty() {
            if ui.button("Export CSV…").clicked() {
                msgs.push(Msg::ExportPassages(ids.to_vec(), false));
            }
            if ui.button("Export Markdown…").clicked() {
                msgs.push(Msg::ExportPassages(ids.to_vec(), true));
            }
        }
    });
    let row_h = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 10.0;
    egui::ScrollArea::vertical()
        .id_salt("passages")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, ids.len(), |ui, range| {
            for id in &ids[range] {
                let Some(a) = project.annotation(*id) else {
                    continue;
                };
                let Some(art) = project.article(a.article) else {
                    continue;
                };
                let tags: Vec<String> =
                    a.tags.iter().map(|t| project.codebook().path(*t)).collect();
                let date = art.meta.date.map(|d| d.to_string()).unwrap_or_default();
                let passage: String = project
                    .passage(a)
                    .replace('\n', " ")
                    .chars()
                    .take(220)
                    .collect();
                let r = ui
                    .vertical(|ui| {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&art.title).strong());
                            ui.label(
                                RichText::new(format!("{date} · {}", tags.join(", ")))
                                    .weak()
                                    .small(),
                            );
                        });
                        let mut line = format!("“{passage}”");
                        if !a.note.is_empty() {
                            line.push_str("  — ");
                            line.push_str(&a.note.replace('\n', " "));
                        }
                        ui.add(
                            egui::Label::new(line)
                                .truncate()
                                .sense(egui::Sense::click()),
                        )
                    })
                    .inner;
                if r.on_hover_text("Open and select this passage").clicked() {
                    msgs.push(Msg::RevealPassage(a.id));
                }
            }
        });
}

fn stats_tab(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    st: &mut StatsState,
    msgs: &mut Vec<Msg>,
) {
    if st
        .cache
        .as_ref()
        .is_none_or(|(s, w, _)| *s != state || *w != st.weekly)
    {
        let mut s = stats::stats(project);
        if st.weekly {
            s.timeline = stats::timeline(project, Bucket::Week);
        }
        st.cache = Some((state, st.weekly, s));
    }
    let Some((_, _, s)) = &st.cache else { return };
    ui.horizontal(|ui| {
        ui.label(format!(
            "{} articles · {} passages · {} tags",
            s.articles, s.annotations, s.tags
        ));
        ui.separator();
        ui.label("Export CSV:");
        for (label, table) in [
            ("tags", crate::exchange::tables::StatsTable::Tags),
            ("articles", crate::exchange::tables::StatsTable::Articles),
            (
                "co-occurrence",
                crate::exchange::tables::StatsTable::Cooccurrence,
            ),
            ("timeline", crate::exchange::tables::StatsTable::Timeline),
        ] {
            if ui.small_button(label).clicked() {
                msgs.push(Msg::ExportStats(table, st.weekly));
            }
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("stats")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.columns(2, |cols| {
                let ui = &mut cols[0];
                ui.label(RichText::new("Passages per tag").strong());
                let used: Vec<&stats::TagStats> =
                    s.per_tag.iter().filter(|t| t.passages > 0).collect();
                // Horizontal bars, one per tag, names on the vertical axis.
                let n = used.len();
                let bars: Vec<Bar> = used
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        Bar::new((n - 1 - i) as f64, t.passages as f64)
                            .name(&t.path)
                            .fill(colour_of(project, &t.path))
                            .width(0.7)
                    })
                    .collect();
                let names: Vec<String> = used.iter().rev().map(|t| t.path.clone()).collect();
                let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(4) as f32;
                Plot::new("tag_bars")
                    .height((24.0 * n as f32).clamp(80.0, 320.0))
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .include_x(0.0)
                    .show_grid([true, false])
                    .y_axis_min_width(longest * 6.5)
                    .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
                    .y_axis_formatter(move |m, _| {
                        names
                            .get(axis_index(m.value))
                            .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .show(ui, |p| {
                        p.bar_chart(BarChart::new("passages", bars).horizontal());
                    });
                egui::Grid::new("tag_table").striped(true).show(ui, |ui| {
                    for h in ["tag", "passages", "articles", "chars"] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for t in &s.per_tag {
                        ui.label(
                            RichText::new(&t.path)
                                .color(colour_of(project, &t.path).linear_multiply(1.0)),
                        );
                        ui.label(t.passages.to_string());
                        ui.label(t.articles.to_string());
                        ui.label(t.chars.to_string());
                        ui.end_row();
                    }
                });

                ui.add_space(8.0);
                ui.label(RichText::new("Passages per article").strong());
                egui::Grid::new("article_table")
                    .striped(true)
                    .show(ui, |ui| {
                        for h in ["article", "date", "passages", "tags"] {
                            ui.label(RichText::new(h).strong());
                        }
                        ui.end_row();
                        for a in &s.per_article {
                            let title: String = a.title.chars().take(48).collect();
                            if ui.link(title).on_hover_text(&a.title).clicked() {
                                msgs.push(Msg::OpenArticle(ArticleId(a.id)));
                            }
                            ui.label(a.date.map(|d| d.to_string()).unwrap_or_default());
                            ui.label(a.passages.to_string());
                            let tags: Vec<String> =
                                a.per_tag.iter().map(|(t, n)| format!("{t} {n}")).collect();
                            ui.label(RichText::new(tags.join(", ")).small());
                            ui.end_row();
                        }
                    });

                let ui = &mut cols[1];
                ui.horizontal(|ui| {
                    ui.label(RichText::new("Passages over time").strong());
                    ui.selectable_value(&mut st.weekly, false, "by month");
                    ui.selectable_value(&mut st.weekly, true, "by week");
                });
                let labels = s.timeline.labels.clone();
                Plot::new("timeline")
                    .height(240.0)
                    .legend(Legend::default().position(egui_plot::Corner::LeftTop))
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .include_y(0.0)
                    .x_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
                    .x_axis_formatter(move |m, _| {
                        labels
                            .get(axis_index(m.value))
                            .filter(|_| (m.value - m.value.round()).abs() < 1e-6)
                            .cloned()
                            .unwrap_or_default()
                    })
                    .show(ui, |p| {
                        for (path, counts) in &s.timeline.series {
                            let pts: Vec<[f64; 2]> = counts
                                .iter()
                                .enumerate()
                                .map(|(i, c)| [i as f64, *c as f64])
                                .collect();
                            p.line(
                                Line::new(path.clone(), PlotPoints::from(pts))
                                    .color(colour_of(project, path))
                                    .width(2.0),
                            );
                        }
                    });
                if s.timeline.undated > 0 {
                    ui.label(
                        RichText::new(format!(
                            "{} passage(s) in undated articles are not shown.",
                            s.timeline.undated
                        ))
                        .weak()
                        .small(),
                    );
                }
                ui.label(RichText::new("Co-occurrence (same or overlapping passages)").strong());
                cooccurrence_grid(ui, project, s);
            });
        });
}

fn cooccurrence_grid(ui: &mut egui::Ui, project: &Project, s: &Stats) {
    let used: BTreeSet<String> = s
        .cooccurrence
        .iter()
        .flat_map(|c| [c.a.clone(), c.b.clone()])
        .collect();
    if used.is_empty() {
        ui.label(RichText::new("No two tags occur together yet.").weak());
        return;
    }
    let used: Vec<String> = used.into_iter().collect();
    let max = s
        .cooccurrence
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let by_pair: std::collections::HashMap<(&str, &str), usize> = s
        .cooccurrence
        .iter()
        .map(|c| ((c.a.as_str(), c.b.as_str()), c.count))
        .collect();
    let count = |a: &str, b: &str| {
        by_pair
            .get(&(a, b))
            .or_else(|| by_pair.get(&(b, a)))
            .copied()
            .unwrap_or(0)
    };
    egui::Grid::new("cooc").spacing([2.0, 2.0]).show(ui, |ui| {
        ui.label("");
        for (i, _) in used.iter().enumerate() {
            ui.label(RichText::new(format!("{}", i + 1)).small().strong());
        }
        ui.end_row();
        for (i, a) in used.iter().enumerate() {
            ui.label(
                RichText::new(format!("{} {a}", i + 1))
                    .small()
                    .color(colour_of(project, a)),
            );
            for b in &used {
                let n = if a == b { 0 } else { count(a, b) };
                let strength = n as f32 / max as f32;
                let (rect, resp) =
                    ui.allocate_exact_size(egui::vec2(28.0, 18.0), egui::Sense::hover());
                let bg = if a == b {
                    ui.visuals().faint_bg_color
                } else {
                    Color32::from_rgb(230, 120, 40).gamma_multiply(0.15 + 0.85 * strength)
                };
                ui.painter().rect_filled(rect, 2.0, bg);
                if n > 0 {
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        n.to_string(),
                        egui::FontId::proportional(11.0),
                        ui.visuals().strong_text_color(),
                    );
                    resp.on_hover_text(format!("{a} + {b}: {n}"));
                }
            }
            ui.end_row();
        }
    });
}

/// The category index at an axis position (negative positions have none).
fn axis_index(v: f64) -> usize {
    if v < 0.0 {
        usize::MAX
    } else {
        #[allow(clippy::cast_sign_loss, reason = "v is not negative here")]
        let i = v.round() as usize;
        i
    }
}
