//! The centre of the window: the open article's header (title, status,
//! metadata) above the reading view, or why its text is unavailable.

use egui::RichText;

use super::app::GlossApp;
use super::msg::Msg;
use super::reader::ReaderEvent;
use crate::model::{Action, ArticleId, Project, ReviewStatus, Timestamp};

impl GlossApp {
    pub(super) fn central(&mut self, ui: &mut egui::Ui, msgs: &mut Vec<Msg>) {
        // The first articles of a project being imported: what is left to
        // read, and a way to stop, rather than the start screen.
        if self.project().articles().len() == 0
            && let Some(job) = self.jobs.iter().find(|j| j.progress().1 > 0)
        {
            ui.vertical_centered(|ui| {
                ui.add_space(48.0);
                job.show(ui, 320.0);
                ui.label(
                    RichText::new(
                        "The articles appear once their files are read; Cancel keeps those read so far.",
                    )
                    .weak(),
                );
            });
            return;
        }
        if self.shows_start_screen() {
            self.start_screen(ui, msgs);
            return;
        }
        let Some(id) = self.current else {
            ui.centered_and_justified(|ui| {
                ui.label(RichText::new(if self.project().articles().len() == 0 {
                    "Import articles to start: File › Import articles (Ctrl+I), or drop files and folders here."
                } else {
                    "Pick an article from the list."
                }).size(16.0).weak());
            });
            return;
        };
        let project = self.session.project();
        let Some(article) = project.article(id) else {
            return;
        };
        // Header.
        ui.horizontal(|ui| {
            if let Some(edit) = &mut self.editing_title {
                let r = ui.add(
                    egui::TextEdit::singleline(edit)
                        .desired_width(ui.available_width() - 90.0)
                        .font(egui::TextStyle::Heading),
                );
                r.request_focus();
                if r.lost_focus() {
                    if !ui.input(|i| i.key_pressed(egui::Key::Escape)) && *edit != article.title {
                        msgs.push(Msg::Apply(Action::SetArticleTitle {
                            article: id,
                            title: edit.clone(),
                        }));
                    }
                    self.editing_title = None;
                }
            } else {
                let r = if super::reader::bidi::needs_bidi(&article.title) {
                    let format = egui::TextFormat::simple(
                        egui::TextStyle::Heading.resolve(ui.style()),
                        ui.visuals().strong_text_color(),
                    );
                    super::bidi_label::label(
                        ui,
                        &article.title,
                        &format,
                        false,
                        egui::Sense::click(),
                    )
                } else {
                    ui.add(
                        egui::Label::new(RichText::new(&article.title).heading())
                            .sense(egui::Sense::click())
                            .wrap(),
                    )
                }
                .on_hover_text("Double-click to edit the title");
                if r.double_clicked() {
                    self.editing_title = Some(article.title.clone());
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            let mut status = article.status;
            egui::ComboBox::from_id_salt("article_status")
                .selected_text(status.label())
                .show_ui(ui, |ui| {
                    for s in ReviewStatus::ALL {
                        ui.selectable_value(&mut status, s, s.label());
                    }
                })
                .response
                .accessible_name("Review status");
            if status != article.status {
                msgs.push(Msg::SetStatus(status));
            }
            let weak = |s: String| RichText::new(s).weak();
            if let Some(d) = article.meta.date {
                ui.label(weak(format!("Date {d}")));
            }
            if let Some(p) = article.meta.posted {
                ui.label(weak(format!("· posted {}", p.format("%Y-%m-%d %H:%M"))));
            }
            if let Some(c) = &article.meta.credit {
                ui.label(weak(format!("· credit {c}")));
            }
            ui.label(weak(format!("· {}", article.meta.file_name)))
                .on_hover_text(article.source.display().to_string());
            ui.label(weak(format!("· {} passages", project.annotation_count(id))));
        });
        missing_fonts_notice(&self.fonts_missing, &mut self.missing_notice, ui, article);
        ui.separator();
        if let Some(u) = project.unavailable(id) {
            Self::unavailable_notice(ui, project, id, u);
            return;
        }
        let gens = self.session.generations();
        let state = gens
            .article(id)
            .max(gens.key(&[crate::model::changes::Aspect::Codebook]));
        let (events, response) = self.reader.show(ui, article, project, state);
        // Escape in the reading view closes the find bar first (the reader
        // keeps its selection while find highlights are on).
        if self.find.open && self.reader.focused && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            self.close_find();
        }
        if let Some(r) = response {
            r.context_menu(|ui| self.reader_menu(ui, msgs));
        }
        for e in events {
            match e {
                ReaderEvent::SelectAnnotation(a) => self.reader.selected_annotation = a,
                ReaderEvent::MoveAnnotation(a, span) => {
                    msgs.push(Msg::Apply(Action::SetAnnotationSpan {
                        annotation: a,
                        span,
                        modified: Timestamp::now(),
                    }));
                }
            }
        }
        // A new selection that is not the picked passage's span unpicks it.
        if let (Some(sel), Some(a)) = (self.reader.selected_span(), self.reader.selected_annotation)
            && self.project().annotation(a).is_some_and(|x| x.span != sel)
            && !ui.input(|i| i.pointer.any_down())
        {
            self.reader.selected_annotation = None;
        }
    }

    /// The reading view's context menu: copy, tag (by name or with the most
    /// used tags), notes; on a picked passage, its tags and deleting it.
    fn reader_menu(&self, ui: &mut egui::Ui, msgs: &mut Vec<Msg>) {
        use super::commands::Command;
        let ctx = ui.ctx().clone();
        let has_selection = self.reader.selected_span().is_some();
        let item = |ui: &mut egui::Ui, cmd: Command, enabled: bool, msgs: &mut Vec<Msg>| {
            let mut b = egui::Button::new(cmd.label());
            if let Some(s) = cmd.shown_shortcut() {
                b = b.shortcut_text(ctx.format_shortcut(&s));
            }
            if ui
                .add_enabled(enabled, b)
                .on_hover_text(cmd.tooltip())
                .clicked()
            {
                msgs.push(Msg::Command(cmd));
                ui.close();
            }
        };
        item(ui, Command::Copy, has_selection, msgs);
        item(ui, Command::CopyWithReference, has_selection, msgs);
        ui.separator();
        let project = self.project();
        let picked = self
            .reader
            .selected_annotation
            .and_then(|id| project.annotation(id));
        if let Some(a) = picked {
            ui.label(RichText::new("Tags of this passage").small().weak());
            for t in project.codebook().tree_order() {
                let Some(tag) = project.codebook().get(t) else {
                    continue;
                };
                let mut on = a.tags.contains(&t);
                let label = super::codebook::swatch_label(
                    ui,
                    tag.props.colour,
                    &project.codebook().path(t),
                );
                if ui.checkbox(&mut on, label).clicked() {
                    msgs.push(Msg::ToggleTag(a.id, t));
                    ui.close();
                }
            }
            ui.separator();
            item(ui, Command::EditNote, true, msgs);
            item(ui, Command::DeletePassage, true, msgs);
        } else {
            item(ui, Command::QuickTag, has_selection, msgs);
            let usage = project.tag_usage();
            let mut most: Vec<(usize, String, crate::model::TagId)> = project
                .codebook()
                .iter()
                .map(|t| {
                    (
                        usage.get(&t.id).copied().unwrap_or(0),
                        project.codebook().path(t.id),
                        t.id,
                    )
                })
                .collect();
            most.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            for (_, path, t) in most.into_iter().take(6) {
                let Some(colour) = project.codebook().get(t).map(|x| x.props.colour) else {
                    continue;
                };
                let text = super::codebook::swatch_label(ui, colour, &format!("Tag {path}"));
                if ui
                    .add_enabled(has_selection, egui::Button::new(text))
                    .clicked()
                {
                    msgs.push(Msg::ApplyTag(t));
                    ui.close();
                }
            }
            ui.separator();
            item(ui, Command::EditNote, true, msgs);
        }
    }

    /// What the reading view shows for an article whose text could not be
    /// read: why, how to restore it, and its passages as recorded.
    pub(super) fn unavailable_notice(
        ui: &mut egui::Ui,
        project: &Project,
        id: ArticleId,
        u: &crate::model::Unavailable,
    ) {
        ui.add_space(8.0);
        ui.label(
            RichText::new("The text of this article is unavailable")
                .strong()
                .color(ui.visuals().warn_fg_color),
        );
        ui.label(&u.reason);
        ui.label(
            "Its passages are kept, read-only, exactly as they were. Put the text file or the \
             article's source back and reopen the project (or run gloss check --repair).",
        );
        ui.add_space(8.0);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for a in project.annotations_of(id) {
                let tags: Vec<String> =
                    a.tags.iter().map(|t| project.codebook().path(*t)).collect();
                ui.label(format!(
                    "{} · {}: “{}”",
                    a.span,
                    tags.join(", "),
                    project.passage(a)
                ));
            }
        });
    }
}

/// A line naming the scripts of the article that no installed font
/// shows (instead of silent boxes), and how to get a font.
fn missing_fonts_notice(
    missing: &std::sync::Mutex<std::collections::BTreeSet<char>>,
    notice: &mut (Option<crate::model::ArticleId>, usize, Vec<&'static str>),
    ui: &mut egui::Ui,
    article: &crate::model::Article,
) {
    let missing_now = missing.lock().map_or(0, |m| m.len());
    if missing_now == 0 {
        return;
    }
    if notice.0 != Some(article.id) || notice.1 != missing_now {
        let scripts = missing.lock().map_or_else(
            |_| Vec::new(),
            |m| super::fonts::missing_scripts(article.text.as_str(), &m),
        );
        *notice = (Some(article.id), missing_now, scripts);
    }
    let scripts = &notice.2;
    if scripts.is_empty() {
        return;
    }
    ui.label(
        RichText::new(format!(
            "No installed font shows this article's {} text, so it is drawn as boxes. \
             Install a font that has it — e.g. the Noto fonts (Debian and Ubuntu: \
             fonts-noto-core; Fedora: google-noto-sans-fonts) — and reopen Gloss.",
            crate::model::words::list_and(scripts)
        ))
        .color(ui.visuals().warn_fg_color),
    );
}
