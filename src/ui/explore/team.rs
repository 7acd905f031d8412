//! The Team tab: intercoder agreement between analysts, the articles where
//! two of them disagree, and the comparison of the open article with
//! adjudication into the reviewed ("gold") layer. The figures and the
//! differences come from `model::agree` and `model::compare`; corpus-wide
//! work runs on a snapshot in a background thread.

use std::collections::HashSet;
use std::sync::mpsc::{Receiver, channel};

use egui_extras::{Column, TableBuilder};

use crate::model::agree::{self, Agreement, Figures};
use crate::model::compare::{self, Decision, Disagreement, Kind};
use crate::model::{ArticleId, GOLD, Project, Span, plural};
use crate::ui::msg::Msg;

/// What the background work found for one project state and pair.
struct Computed {
    state: u64,
    pair: (String, String),
    layers: Vec<String>,
    agreement: Result<Agreement, String>,
    /// Articles with unresolved disagreements between the pair, in id order.
    articles: Vec<ArticleId>,
}

/// The open article's differences, with the project state, article and pair
/// of analysts they were found for.
type Here = (u64, ArticleId, (String, String), Vec<Disagreement>);

/// State of the Team tab.
#[derive(Default)]
pub struct TeamState {
    /// The two analysts compared (layer names).
    pub pair: Option<(String, String)>,
    /// The article list shows only articles with disagreements.
    pub only_disagreements: bool,
    /// The reader shows every analyst's lane, not only the compared two.
    pub all_lanes: bool,
    computed: Option<Computed>,
    /// The open article's differences, for the state, article and pair they
    /// were found for (not recomputed every frame).
    here: Option<Here>,
    pending: Option<(u64, (String, String), Receiver<Computed>)>,
}

impl TeamState {
    /// The analysts whose passages the reader shows in lanes, when the tab
    /// compares two.
    #[must_use]
    pub fn lanes(&self) -> Option<Vec<String>> {
        let (a, b) = self.pair.as_ref()?;
        let mut lanes = vec![a.clone(), b.clone()];
        if self.all_lanes
            && let Some(c) = &self.computed
        {
            lanes.extend(
                c.layers
                    .iter()
                    .filter(|l| !lanes.contains(l))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        Some(lanes)
    }

    /// Starts (or takes in) the background work for `state`.
    fn refresh(&mut self, ctx: &egui::Context, project: &Project, state: u64) {
        if let Some((_, _, rx)) = &self.pending
            && let Ok(c) = rx.try_recv()
        {
            if self.pair.is_none() && c.layers.len() >= 2 {
                self.pair = Some(default_pair(&c.layers));
            }
            self.computed = Some(c);
            self.pending = None;
        }
        let pair = self.pair.clone().unwrap_or_default();
        let fresh = |s: u64, p: &(String, String)| s == state && *p == pair;
        if self
            .computed
            .as_ref()
            .is_some_and(|c| fresh(c.state, &c.pair))
            || self.pending.as_ref().is_some_and(|(s, p, _)| fresh(*s, p))
        {
            if self.pending.is_some() {
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
            }
            return;
        }
        let snapshot = project.clone();
        let (tx, rx) = channel();
        let ctx2 = ctx.clone();
        let want = pair.clone();
        std::thread::spawn(move || {
            let layers = agree::layers(&snapshot);
            let pair = if want.0.is_empty() && layers.len() >= 2 {
                default_pair(&layers)
            } else {
                want
            };
            let analysts = if pair.0.is_empty() || pair.0 == pair.1 {
                Vec::new()
            } else {
                vec![pair.0.clone(), pair.1.clone()]
            };
            let agreement = agree::agreement(
                &snapshot,
                &agree::Options {
                    analysts,
                    ..agree::Options::default()
                },
            )
            .map_err(|e| e.to_string());
            let articles = if pair.0.is_empty() {
                Vec::new()
            } else {
                compare::articles_with_disagreements(&snapshot, &pair.0, &pair.1)
            };
            let _ = tx.send(Computed {
                state,
                pair,
                layers,
                agreement,
                articles,
            });
            ctx2.request_repaint();
        });
        self.pending = Some((state, pair, rx));
    }

    /// The next (or previous) unresolved disagreement after char `at` of
    /// `article`, moving on to other articles with disagreements.
    #[must_use]
    pub fn step(
        &self,
        project: &Project,
        article: Option<ArticleId>,
        at: usize,
        forward: bool,
    ) -> Option<(ArticleId, Span)> {
        let (a, b) = self.pair.as_ref()?;
        let here = |art: ArticleId| -> Vec<Span> {
            compare::disagreements(project, art, a, b)
                .into_iter()
                .filter(|d| !d.resolved)
                .map(|d| d.span)
                .collect()
        };
        if let Some(art) = article {
            let spans = here(art);
            let hit = if forward {
                spans.into_iter().find(|s| s.start() > at)
            } else {
                spans.into_iter().rev().find(|s| s.start() < at)
            };
            if let Some(s) = hit {
                return Some((art, s));
            }
        }
        let list = &self.computed.as_ref()?.articles;
        let next = match (article, forward) {
            (Some(cur), true) => list.iter().find(|x| **x > cur),
            (Some(cur), false) => list.iter().rev().find(|x| **x < cur),
            (None, true) => list.first(),
            (None, false) => list.last(),
        }?;
        let spans = here(*next);
        let s = if forward { spans.first() } else { spans.last() }?;
        Some((*next, *s))
    }
}

fn default_pair(layers: &[String]) -> (String, String) {
    let analysts: Vec<&String> = layers.iter().filter(|l| *l != GOLD).collect();
    match analysts.as_slice() {
        [a, b, ..] => ((*a).clone(), (*b).clone()),
        _ => (layers[0].clone(), layers[1].clone()),
    }
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"))
}

/// Draws the tab.
pub(super) fn tab(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    current: Option<ArticleId>,
    st: &mut TeamState,
    msgs: &mut Vec<Msg>,
) {
    st.refresh(ui.ctx(), project, state);
    let Some(c) = &st.computed else {
        ui.horizontal(|ui| {
            crate::ui::busy::spinner(ui);
            ui.label("Comparing analysts…");
        });
        return;
    };
    if c.layers.len() < 2 {
        ui.label(format!(
            "Agreement and comparison need passages by two analysts; this project has {}.",
            if c.layers.is_empty() {
                "none".to_owned()
            } else {
                format!("passages by {} only", c.layers.join(", "))
            }
        ));
        ui.label(
            "Each analyst codes a copy under their own name (Edit › Your name…); then File › \
             Merge another project… brings the copies together (or git: see the README, \
             “Working as a team”).",
        );
        return;
    }
    let layers = c.layers.clone();
    let (mut a, mut b) = st.pair.clone().unwrap_or_else(|| default_pair(&layers));
    ui.horizontal(|ui| {
        ui.label("Compare");
        pick(ui, "team a", &mut a, &layers);
        ui.label("with");
        pick(ui, "team b", &mut b, &layers);
        if a == b {
            ui.colored_label(ui.visuals().warn_fg_color, "pick two different analysts");
        }
        if layers.len() > 2 {
            ui.checkbox(&mut st.all_lanes, "Lanes for everyone")
                .on_hover_text("The reader underlines every analyst's passages, each in a lane (the compared two first)");
        }
    });
    if st.pair.as_ref() != Some(&(a.clone(), b.clone())) {
        st.pair = Some((a.clone(), b.clone()));
        if st.only_disagreements {
            msgs.push(Msg::ListOnly(None));
            st.only_disagreements = false;
        }
    }
    let outdated = c.pair != (a.clone(), b.clone()) || c.state != state;
    ui.horizontal(|ui| {
        let n = c.articles.len();
        ui.label(format!(
            "{} where {a} and {b} disagree{}",
            plural(n, "article"),
            if outdated { " (updating…)" } else { "" }
        ));
        let mut only = st.only_disagreements;
        if ui
            .checkbox(&mut only, "List only these")
            .on_hover_text("Filter the article list to the articles with unresolved disagreements")
            .changed()
        {
            st.only_disagreements = only;
            msgs.push(Msg::ListOnly(only.then(|| {
                (
                    format!("disagreements of {a} and {b}"),
                    c.articles.iter().copied().collect::<HashSet<_>>(),
                )
            })));
        }
        if ui.button("◀ Previous").on_hover_text("Shift+F8").clicked() {
            msgs.push(Msg::Command(
                crate::ui::commands::Command::PreviousDisagreement,
            ));
        }
        if ui.button("Next ▶").on_hover_text("F8").clicked() {
            msgs.push(Msg::Command(crate::ui::commands::Command::NextDisagreement));
        }
    });
    if layers.iter().any(|l| l == GOLD) {
        ui.horizontal(|ui| {
            use crate::exchange::format::Format;
            ui.label("Export the reviewed (gold) layer as");
            for (f, name) in [
                (Format::Csv, "CSV"),
                (Format::Qdpx, "REFI-QDA"),
                (Format::W3c, "W3C"),
            ] {
                if ui.small_button(name).clicked() {
                    msgs.push(Msg::ExportLayer(f, GOLD.to_owned()));
                }
            }
        });
    }
    ui.separator();
    ui.columns(2, |cols| {
        egui::ScrollArea::vertical()
            .id_salt("team compare")
            .show(&mut cols[0], |ui| {
                article_comparison(ui, project, state, current, &a, &b, &mut st.here, msgs);
            });
        egui::ScrollArea::both()
            .id_salt("team agreement")
            .show(&mut cols[1], |ui| match &c.agreement {
                Ok(r) => agreement_table(ui, r, &a, &b),
                Err(e) => {
                    ui.label(e);
                }
            });
    });
}

fn pick(ui: &mut egui::Ui, id: &str, value: &mut String, layers: &[String]) {
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.as_str())
        .show_ui(ui, |ui| {
            for l in layers {
                ui.selectable_value(value, l.clone(), l);
            }
        })
        .response
        .accessible_name(if id.ends_with('a') {
            "First analyst to compare"
        } else {
            "Second analyst to compare"
        });
}

#[allow(
    clippy::too_many_arguments,
    reason = "the tab's pieces, passed down once"
)]
fn article_comparison(
    ui: &mut egui::Ui,
    project: &Project,
    state: u64,
    current: Option<ArticleId>,
    a: &str,
    b: &str,
    here: &mut Option<Here>,
    msgs: &mut Vec<Msg>,
) {
    let Some(art) = current.and_then(|id| project.article(id)) else {
        ui.label("Open an article to compare its passages.");
        return;
    };
    let pair = (a.to_owned(), b.to_owned());
    if !here
        .as_ref()
        .is_some_and(|(s, id, p, _)| *s == state && *id == art.id && *p == pair)
    {
        let found = compare::disagreements(project, art.id, a, b);
        *here = Some((state, art.id, pair, found));
    }
    let diffs: &[Disagreement] = here.as_ref().map_or(&[], |h| h.3.as_slice());
    ui.label(format!(
        "Here: {} ({} decided) · lanes of underlines: {a} first, then {b}",
        plural(diffs.len(), "difference"),
        diffs.iter().filter(|d| d.resolved).count()
    ))
    .on_hover_text(format!(
        "While this tab is open the reader shows only {a}'s and {b}'s passages, each in its own lane of underlines"
    ));
    for (i, d) in diffs.iter().enumerate() {
        ui.push_id(i, |ui| difference_row(ui, project, d, a, b, msgs));
    }
}

fn tags_of(project: &Project, id: Option<crate::model::AnnotationId>) -> String {
    id.and_then(|x| project.annotation(x)).map_or_else(
        || "—".to_owned(),
        |p| {
            p.tags
                .iter()
                .map(|t| project.codebook().path(*t))
                .collect::<Vec<_>>()
                .join(", ")
        },
    )
}

fn difference_row(
    ui: &mut egui::Ui,
    project: &Project,
    d: &Disagreement,
    a: &str,
    b: &str,
    msgs: &mut Vec<Msg>,
) {
    let Some(art) =
        d.a.or(d.b)
            .and_then(|x| project.annotation(x))
            .map(|p| p.article)
    else {
        return;
    };
    let text = project.article(art).map_or("", |x| x.text.slice(d.span));
    let quote: String = text.chars().take(70).collect();
    let more = if text.chars().count() > 70 { "…" } else { "" };
    let kind = d.kind.label(a, b);
    let head = if d.resolved {
        egui::RichText::new(format!("decided · {kind}")).weak()
    } else {
        egui::RichText::new(kind).strong()
    };
    ui.horizontal(|ui| {
        ui.label(head);
        ui.add(
            egui::Label::new(egui::RichText::new(format!("“{quote}{more}”")).italics()).truncate(),
        )
        .on_hover_text(format!("chars {}–{}", d.span.start(), d.span.end()));
    });
    ui.horizontal_wrapped(|ui| {
        if d.kind == Kind::Tags || d.kind == Kind::Bounds {
            ui.label(format!(
                "{a}: {}  ·  {b}: {}",
                tags_of(project, d.a),
                tags_of(project, d.b)
            ));
        }
        if ui.small_button("Show").clicked() {
            msgs.push(Msg::Reveal(art, d.span));
        }
        for (side, decision, label) in [
            (d.a.is_some(), Decision::AcceptA, format!("Accept {a}")),
            (d.b.is_some(), Decision::AcceptB, format!("Accept {b}")),
            (
                d.a.is_some() && d.b.is_some(),
                Decision::AcceptBoth,
                "Accept both".to_owned(),
            ),
        ] {
            if side
                && ui
                    .small_button(label)
                    .on_hover_text(
                        "Copy into the reviewed (gold) layer, noting both sides' passages",
                    )
                    .clicked()
            {
                msgs.push(Msg::Adjudicate(d.clone(), decision));
            }
        }
    });
    ui.add_space(4.0);
}

fn agreement_table(ui: &mut egui::Ui, r: &Agreement, a: &str, b: &str) {
    ui.label(format!(
        "Agreement of {} over the characters of {} they all coded.",
        r.analysts.join(", "),
        plural(r.articles.len(), "article")
    ));
    let pair_f1 = |t: &agree::TagAgreement| {
        t.passages
            .iter()
            .find(|m| (m.reference == a && m.other == b) || (m.reference == b && m.other == a))
            .and_then(|m| m.f1)
    };
    TableBuilder::new(ui)
        .id_salt("agreement")
        .striped(true)
        .column(Column::auto().at_least(90.0).at_most(220.0).clip(true))
        .columns(Column::auto().at_least(46.0), 5)
        .header(20.0, |mut h| {
            for title in ["tag", "agree", "Cohen κ", "Fleiss κ", "α", "F1"] {
                h.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|mut body| {
            let mut row = |name: &str, f: &Figures, f1: Option<f64>| {
                body.row(18.0, |mut row| {
                    row.col(|ui| {
                        ui.label(name);
                    });
                    for v in [
                        f.percent_agreement,
                        f.cohen_kappa,
                        f.fleiss_kappa,
                        f.krippendorff_alpha,
                        f1,
                    ] {
                        row.col(|ui| {
                            ui.label(fmt(v));
                        });
                    }
                });
            };
            for t in &r.per_tag {
                row(&t.path, &t.chars, pair_f1(t));
            }
            row("overall", &r.overall, None);
        });
    ui.label(
        egui::RichText::new(format!(
            "Units: characters (per tag: inside a passage with the tag or a child, or not). \
             κ for exactly two analysts; F1 of {a} against {b}, passages matched at Jaccard ≥ {}. \
             `gloss agree --json` gives the counts behind every figure.",
            r.threshold
        ))
        .small()
        .weak(),
    );
}
