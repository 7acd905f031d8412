//! What the app does with a message or a command: every change to the
//! project goes through [`GlossApp::apply`], and every domain rule is a
//! call into `model::ops`.

use super::app::GlossApp;
use super::commands::Command;
use super::msg::Msg;
use super::palette::Picker;
use super::state::{After, Dialog};
use super::theme::ThemeChoice;
use crate::exchange::format::Format;
use crate::model::ops::{self, DeleteTagImpact, UntaggedPolicy};
use crate::model::{Action, AnnotationId, ArticleId, ReviewStatus, Span, TagId, Timestamp};

impl GlossApp {
    pub(super) fn handle(&mut self, ctx: &egui::Context, msg: Msg) {
        match msg {
            Msg::Command(c) => self.run(ctx, c),
            Msg::Apply(mut a) => {
                // Note edits record who wrote them: this window's analyst.
                if let Action::SetAnnotationNote { by, .. } | Action::SetArticleNote { by, .. } =
                    &mut a
                    && by.is_none()
                {
                    *by = self.settings.stamp().by.as_deref().map(str::to_owned);
                }
                self.apply(a);
            }
            Msg::OpenArticle(id) => self.open_article(id),
            Msg::ApplyTag(t) => self.tag_selection(t),
            Msg::ToggleTag(a, t) => match ops::toggle_tag(self.project(), a, t, Timestamp::now()) {
                Ok(action) => self.apply(action),
                Err(e) => self.toast(e.to_string(), true),
            },
            Msg::CreateTag(path, apply) => {
                match ops::ensure_tag_path(self.session.project(), &path) {
                    Ok((tag, actions)) => {
                        if !actions.is_empty() {
                            self.apply(Action::Batch {
                                label: format!("add tag {path}"),
                                actions,
                            });
                        }
                        if apply {
                            self.tag_selection(tag);
                        }
                    }
                    Err(e) => self.toast(e.to_string(), true),
                }
            }
            Msg::AskDeleteTag(tag) => match ops::delete_tag(
                self.project(),
                tag,
                UntaggedPolicy::DeletePassages,
                Timestamp::now(),
            ) {
                Ok((_, impact)) if impact == DeleteTagImpact::default() => {
                    self.delete_tag(tag, super::state::DeleteChoice::Retag(None));
                }
                Ok((_, impact)) => {
                    // The safe choice first: the parent tag, where there is one.
                    let parent = self
                        .project()
                        .codebook()
                        .get(tag)
                        .and_then(|t| t.props.parent);
                    self.dialog = Some(Dialog::DeleteTag {
                        tag,
                        impact,
                        choice: super::state::DeleteChoice::Retag(parent),
                    });
                }
                Err(e) => self.toast(e.to_string(), true),
            },
            Msg::MergeTag(from, into) => {
                match ops::merge_tags(self.project(), from, into, Timestamp::now()) {
                    Ok(a) => self.apply(a),
                    Err(e) => self.toast(e.to_string(), true),
                }
            }
            Msg::FilterByTag(t) => self.list.tag = Some(t),
            Msg::Nudge(id, ds, de) => {
                match ops::nudge(self.project(), id, ds, de, Timestamp::now()) {
                    Ok(action) => {
                        if let Action::SetAnnotationSpan { span, .. } = &action {
                            self.reader.selection = Some(super::reader::Selection {
                                anchor: span.start(),
                                cursor: span.end(),
                            });
                        }
                        self.apply(action);
                    }
                    Err(e) => self.toast(e.to_string(), true),
                }
            }
            Msg::Seal => self.session.seal(),
            Msg::OpenRecent(p) => self.guard(After::Open(Some(p)), ctx),
            Msg::OpenExample => {
                match (
                    super::start::bundled_example(),
                    super::start::example_copy(),
                ) {
                    (Some(bundled), Some(copy)) => {
                        self.jobs
                            .push(super::jobs::open_example(ctx, bundled, copy));
                    }
                    (Some(bundled), None) => self.open_path(ctx, bundled),
                    (None, _) => self.toast("This installation has no example project", true),
                }
            }
            Msg::SetStatus(s) => self.set_status(s),
            Msg::Reveal(article, span) => self.reveal(article, span, None),
            Msg::RevealPassage(id) => {
                if let Some(a) = self.project().annotation(id) {
                    let (article, span) = (a.article, a.span);
                    self.reveal(article, span, Some(id));
                }
            }
            Msg::TagMatches(tag, hits) => self.tag_matches(tag, &hits),
            Msg::ListOnly(only) => self.list.only = only,
            Msg::ExportPassages(ids, markdown) => {
                let (filter, ext): ((&str, &[&str]), &str) = if markdown {
                    (("Markdown", &["md"]), "md")
                } else {
                    (("CSV", &["csv"]), "csv")
                };
                let project = self.project().clone();
                self.export_bytes(
                    ctx,
                    "Export passages",
                    filter,
                    &format!("passages.{ext}"),
                    move || {
                        if markdown {
                            Ok(crate::exchange::tables::passages_markdown(
                                &project, "Passages", &ids,
                            )
                            .into_bytes())
                        } else {
                            crate::exchange::tables::passages_csv(&project, &ids)
                                .map_err(|e| e.to_string())
                        }
                    },
                );
            }
            Msg::Adjudicate(d, decision) => self.adjudicate(&d, decision),
            Msg::ExportLayer(format, layer) => self.ask_export_layer(ctx, format, layer),
            Msg::ExportStats(table, weekly) => {
                let project = self.project().clone();
                self.export_bytes(
                    ctx,
                    "Export table",
                    ("CSV", &["csv"]),
                    table.file_name(),
                    move || {
                        use crate::model::stats;
                        let mut s = stats::stats(&project);
                        if weekly {
                            s.timeline = stats::timeline(&project, stats::Bucket::Week);
                        }
                        table.csv(&s).map_err(|e| e.to_string())
                    },
                );
            }
        }
    }

    /// Runs a command.
    pub fn run(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::NewProject => self.guard(After::New, ctx),
            Command::OpenProject => self.guard(After::Open(None), ctx),
            Command::ImportFiles => self.ask_import_files(ctx),
            Command::ImportFolder => self.ask_import_folder(ctx, "Import a folder of articles"),
            Command::Save => self.save(ctx, false),
            Command::SaveAs => self.save(ctx, true),
            Command::ExportCsv => self.ask_export(ctx, Format::Csv),
            Command::ExportW3c => self.ask_export(ctx, Format::W3c),
            Command::ExportQdpx => self.ask_export(ctx, Format::Qdpx),
            Command::ExportQdc => self.ask_export(ctx, Format::Qdc),
            Command::ExportBrat => self.ask_export(ctx, Format::Brat),
            Command::ExportReportMd => self.ask_export(ctx, Format::Md),
            Command::ExportReportHtml => self.ask_export(ctx, Format::Html),
            Command::ImportRefi => self.ask_import_refi(ctx),
            Command::ImportBrat => self.ask_import_folder(ctx, "Import a brat folder"),
            Command::Quit => self.guard(After::Quit, ctx),
            Command::Undo => {
                if let Some(label) = self.session.undo() {
                    self.toast(format!("Undid {label}"), false);
                    self.after_history();
                }
            }
            Command::Redo => {
                if let Some(label) = self.session.redo() {
                    self.toast(format!("Redid {label}"), false);
                    self.after_history();
                }
            }
            Command::Find => {
                self.find.open = true;
                self.find.focus = true;
                if let Some(span) = self.reader.selected_span()
                    && let Some(a) = self.current.and_then(|id| self.project().article(id))
                    && span.len() < 200
                {
                    self.find.query.pattern = a.text.slice(span).to_owned();
                }
            }
            Command::FindNext => self.find_step(1),
            Command::FindPrevious => self.find_step(-1),
            Command::FilterArticles => self.list.focus_filter = true,
            Command::SearchCorpus => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Search;
                self.explore.search.focus = true;
            }
            Command::ShowPassages => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Passages;
            }
            Command::ShowStatistics => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Statistics;
            }
            Command::ShowTeam => {
                self.explore.open = true;
                self.explore.tab = super::explore::Tab::Team;
            }
            Command::MergeProject => self.ask_merge(ctx),
            Command::ShowConflicts => self.dialog = Some(Dialog::Conflicts),
            Command::NextDisagreement => self.step_disagreement(true),
            Command::PreviousDisagreement => self.step_disagreement(false),

            Command::Palette => self.palette = Some(Picker::default()),
            Command::QuickTag => {
                if self.reader.selected_span().is_some()
                    || self.reader.selected_annotation.is_some()
                {
                    self.quick_tag = Some(Picker::default());
                } else {
                    self.toast("Select some text first", false);
                }
            }
            Command::RepeatTag => match self.last_tag {
                Some(t) => self.tag_selection(t),
                None => self.toast("No tag used yet", false),
            },
            Command::DeletePassage => {
                if let Some(id) = self.reader.selected_annotation {
                    self.apply(Action::RemoveAnnotation(id));
                }
            }
            Command::NextArticle | Command::PreviousArticle => {
                let step = if cmd == Command::NextArticle { 1 } else { -1 };
                if let Some(id) = self.list.neighbour(self.current, step) {
                    self.open_article(id);
                    self.list.scroll_to_current = Some(super::list::Scroll::Glide);
                }
            }
            Command::MarkUnread => self.set_status(ReviewStatus::Unread),
            Command::MarkInProgress => self.set_status(ReviewStatus::InProgress),
            Command::MarkDone => self.set_status(ReviewStatus::Done),
            Command::ZoomIn => self.zoom(1.1),
            Command::ZoomOut => self.zoom(1.0 / 1.1),
            Command::ZoomReset => self.zoom(0.0),
            Command::ThemeSystem | Command::ThemeLight | Command::ThemeDark => {
                self.settings.theme = match cmd {
                    Command::ThemeLight => ThemeChoice::Light,
                    Command::ThemeDark => ThemeChoice::Dark,
                    _ => ThemeChoice::System,
                };
                self.settings.theme.apply(ctx);
            }
            Command::ProjectMemo => self.memo_open = !self.memo_open,
            Command::NewArticleFromClipboard => {
                self.dialog = Some(Dialog::NewArticle {
                    title: String::new(),
                    text: String::new(),
                });
            }
            Command::AnalystName => {
                self.dialog = Some(Dialog::AnalystName(self.settings.analyst.clone()));
            }
            Command::Resync => self.resync(ctx),
            Command::Copy | Command::CopyWithReference => {
                let (Some(article), Some(span)) = (self.current, self.reader.selected_span())
                else {
                    self.toast("Select some text first", false);
                    return;
                };
                let text = if cmd == Command::Copy {
                    self.project()
                        .article(article)
                        .map(|a| a.text.slice(span).to_owned())
                } else {
                    crate::exchange::quote_with_reference(self.project(), article, span)
                };
                if let Some(text) = text {
                    ctx.copy_text(text);
                }
            }
            Command::CopyTitle => {
                if let Some(a) = self.current.and_then(|id| self.project().article(id)) {
                    ctx.copy_text(a.title.clone());
                }
            }
            Command::EditNote => {
                if self.current.is_none() {
                    self.toast("Open an article first", false);
                } else {
                    self.settings.show_codebook = true;
                    self.codebook.focus_note = true;
                }
            }
        }
    }

    /// Adds pasted text as a new article (undoable) and opens it.
    pub(super) fn add_pasted(&mut self, title: &str, text: &str) {
        match crate::io::article::pasted_article(text, title) {
            Ok(read) => {
                let (action, report) = crate::io::import::build_import(
                    self.project(),
                    vec![Ok(read)],
                    crate::io::import::ImportReport::default(),
                );
                if let Some(d) = report.duplicates.first() {
                    self.toast("That text is already in the project".to_owned(), false);
                    self.open_article(d.same_as);
                    return;
                }
                self.apply(action);
                if let Some(id) = report.imported.first() {
                    self.open_article(*id);
                }
            }
            Err(e) => self.toast(format!("Nothing was added: {e}"), true),
        }
    }

    /// Applies an action as one undo step, reporting a refusal as a toast.
    pub fn apply(&mut self, action: Action) {
        match self.session.apply(action) {
            Ok(()) => {
                self.mark_changed();
                self.after_history();
            }
            Err(e) => self.toast(e.to_string(), true),
        }
    }

    pub(super) fn after_history(&mut self) {
        self.mark_changed();
        if let Some(id) = self.reader.selected_annotation
            && self.project().annotation(id).is_none()
        {
            self.reader.selected_annotation = None;
        }
        if let Some(a) = self.current
            && self.project().article(a).is_none()
        {
            self.current = None;
            self.reader.reset();
        }
    }

    pub(super) fn open_article(&mut self, id: ArticleId) {
        if self.current != Some(id) {
            self.session.seal();
            self.current = Some(id);
            self.reader.reset();
            self.editing_title = None;
            self.find.key = None;
        }
    }

    /// Tags the selection with `tag`, or toggles it on the picked passage
    /// (the rule is [`ops::tag_selection`]).
    pub fn tag_selection(&mut self, tag: TagId) {
        let Some(article) = self.current else { return };
        let selection = self.reader.selected_span();
        let picked = self.reader.selected_annotation;
        if selection.is_none() && picked.is_none() {
            self.toast("Select some text first", false);
            return;
        }
        match ops::tag_selection(
            self.project(),
            article,
            selection,
            picked,
            tag,
            &self.settings.stamp(),
        ) {
            Ok(done) => {
                if done.already {
                    self.toast("That passage already has this tag", false);
                }
                self.apply(done.action);
                self.reader.selected_annotation = done.passage;
                self.last_tag = Some(tag);
            }
            Err(e) => self.toast(e.to_string(), true),
        }
    }

    /// Opens `article`, selects `span` and scrolls to it; picks `passage`.
    pub fn reveal(&mut self, article: ArticleId, span: Span, passage: Option<AnnotationId>) {
        self.open_article(article);
        self.reader.selection = Some(super::reader::Selection {
            anchor: span.start(),
            cursor: span.end(),
        });
        self.reader.selected_annotation = passage;
        self.reader.reveal(span.start());
    }

    /// Tags search matches in one undoable step; matches already tagged are
    /// not tagged twice (the rule is [`ops::tag_hits`]).
    pub fn tag_matches(&mut self, tag: TagId, hits: &[(ArticleId, Vec<Span>)]) {
        let label = self.project().codebook().path(tag);
        match ops::tag_hits(self.project(), tag, hits, &self.settings.stamp()) {
            Ok((_, 0)) => self.toast(format!("Every match already has {label}"), false),
            Ok((action, n)) => {
                self.apply(action);
                self.last_tag = Some(tag);
                self.toast(
                    format!("Tagged {} with {label}", crate::model::plural(n, "match")),
                    false,
                );
            }
            Err(e) => self.toast(e.to_string(), true),
        }
    }

    pub(super) fn delete_tag(&mut self, tag: TagId, choice: super::state::DeleteChoice) {
        let policy = match choice {
            super::state::DeleteChoice::Retag(Some(t)) => UntaggedPolicy::Retag(t),
            super::state::DeleteChoice::Retag(None)
            | super::state::DeleteChoice::DeletePassages => UntaggedPolicy::DeletePassages,
        };
        match ops::delete_tag(self.project(), tag, policy, Timestamp::now()) {
            Ok((action, _)) => self.apply(action),
            Err(e) => self.toast(e.to_string(), true),
        }
    }

    pub(super) fn zoom(&mut self, factor: f32) {
        self.reader.zoom = if factor == 0.0 {
            1.0
        } else {
            (self.reader.zoom * factor).clamp(0.6, 2.5)
        };
        self.settings.zoom = self.reader.zoom;
    }

    pub(super) fn set_status(&mut self, status: ReviewStatus) {
        if let Some(article) = self.current {
            self.apply(Action::SetArticleStatus { article, status });
        }
    }
}
