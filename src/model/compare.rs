//! Comparing two analysts' passages in an article, and adjudicating: where
//! they differ (only one coded a stretch, same span with other tags,
//! overlapping spans with other bounds), and the reviewed ("gold") passages
//! an adjudicator makes from them, with provenance.

use std::collections::BTreeSet;

use super::action::Action;
use super::annotation::{Adjudication, Annotation, GOLD, Stamp};
use super::ids::{AnnotationId, ArticleId};
use super::project::Project;
use super::span::Span;

/// How two analysts' coding of a stretch differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Only the first analyst coded it.
    OnlyA,
    /// Only the second analyst coded it.
    OnlyB,
    /// Same span, different tags.
    Tags,
    /// Overlapping spans with different bounds (and maybe tags).
    Bounds,
}

impl Kind {
    /// In words, for the comparison view.
    #[must_use]
    pub fn label(self, a: &str, b: &str) -> String {
        match self {
            Self::OnlyA => format!("only {a}"),
            Self::OnlyB => format!("only {b}"),
            Self::Tags => "different tags".into(),
            Self::Bounds => "different bounds".into(),
        }
    }
}

/// One difference between two analysts in an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// What kind.
    pub kind: Kind,
    /// The stretch it covers (both passages' union).
    pub span: Span,
    /// The first analyst's passage, if any.
    pub a: Option<AnnotationId>,
    /// The second analyst's passage, if any.
    pub b: Option<AnnotationId>,
    /// True when a gold passage was already decided from these passages.
    pub resolved: bool,
}

fn jaccard(x: Span, y: Span) -> f64 {
    let inter = x
        .end()
        .min(y.end())
        .saturating_sub(x.start().max(y.start()));
    let union = x.end().max(y.end()) - x.start().min(y.start());
    #[allow(clippy::cast_precision_loss, reason = "spans far below 2^52")]
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// The differences between analysts `a` and `b` (layer names, see
/// [`Annotation::layer`]) in `article`, in text order. Passages with the
/// same span and tags agree; overlapping passages are paired one-to-one,
/// best overlap first.
#[must_use]
pub fn disagreements(project: &Project, article: ArticleId, a: &str, b: &str) -> Vec<Disagreement> {
    let of = |who: &str| -> Vec<&Annotation> {
        project
            .annotations_of(article)
            .filter(|x| x.layer() == who)
            .collect()
    };
    let (pa, pb) = (of(a), of(b));
    let decided: BTreeSet<AnnotationId> = project
        .annotations_of(article)
        .filter_map(|x| x.adjudication.as_ref())
        .flat_map(|j| j.from.iter().copied())
        .collect();
    let mut used_a = vec![false; pa.len()];
    let mut used_b = vec![false; pb.len()];
    let mut out = Vec::new();
    // Exact spans first.
    for (i, x) in pa.iter().enumerate() {
        if let Some(j) = (0..pb.len()).find(|&j| !used_b[j] && pb[j].span == x.span) {
            used_a[i] = true;
            used_b[j] = true;
            if x.tags != pb[j].tags {
                out.push((Kind::Tags, x.span, Some(x.id), Some(pb[j].id)));
            }
        }
    }
    // Then overlaps, best first.
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    for (i, x) in pa.iter().enumerate().filter(|(i, _)| !used_a[*i]) {
        for (j, y) in pb.iter().enumerate().filter(|(j, _)| !used_b[*j]) {
            if x.span.overlaps(y.span) {
                cands.push((jaccard(x.span, y.span), i, j));
            }
        }
    }
    cands.sort_by(|p, q| q.0.total_cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));
    for (_, i, j) in cands {
        if used_a[i] || used_b[j] {
            continue;
        }
        used_a[i] = true;
        used_b[j] = true;
        let (x, y) = (pa[i], pb[j]);
        let span = Span::between(
            x.span.start().min(y.span.start()),
            x.span.end().max(y.span.end()),
        );
        out.push((Kind::Bounds, span, Some(x.id), Some(y.id)));
    }
    for (x, _) in pa.iter().zip(&used_a).filter(|(_, u)| !**u) {
        out.push((Kind::OnlyA, x.span, Some(x.id), None));
    }
    for (y, _) in pb.iter().zip(&used_b).filter(|(_, u)| !**u) {
        out.push((Kind::OnlyB, y.span, None, Some(y.id)));
    }
    let mut out: Vec<Disagreement> = out
        .into_iter()
        .map(|(kind, span, a, b)| Disagreement {
            kind,
            span,
            a,
            b,
            resolved: a.is_some_and(|x| decided.contains(&x))
                || b.is_some_and(|x| decided.contains(&x)),
        })
        .collect();
    out.sort_by_key(|d| (d.span.start(), d.span.end(), d.kind));
    out
}

/// Articles where `a` and `b` disagree somewhere (unresolved), in id order.
#[must_use]
pub fn articles_with_disagreements(project: &Project, a: &str, b: &str) -> Vec<ArticleId> {
    project
        .articles()
        .filter(|art| {
            disagreements(project, art.id, a, b)
                .iter()
                .any(|d| !d.resolved)
        })
        .map(|art| art.id)
        .collect()
}

/// The adjudicator's decision on one disagreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Keep the first analyst's passage.
    AcceptA,
    /// Keep the second analyst's passage.
    AcceptB,
    /// Keep both.
    AcceptBoth,
}

/// The step that records `decision` on `d` in the gold layer: copies of the
/// accepted passages (span, tags, note), authored by the adjudicator, with
/// provenance naming both sides' passages (which stay as they are). To
/// "edit", accept one side and change the gold passage's bounds or tags in
/// the reader like any passage. `None` when the gold layer already has
/// exactly what would be added.
#[must_use]
pub fn adjudicate(
    project: &Project,
    d: &Disagreement,
    decision: Decision,
    stamp: &Stamp,
) -> Option<Action> {
    let pick: Vec<AnnotationId> = match decision {
        Decision::AcceptA => d.a.into_iter().collect(),
        Decision::AcceptB => d.b.into_iter().collect(),
        Decision::AcceptBoth => d.a.into_iter().chain(d.b).collect(),
    };
    let from: Vec<AnnotationId> = d.a.into_iter().chain(d.b).collect();
    let by = stamp.by.as_deref().unwrap_or(GOLD).to_owned();
    let author: std::sync::Arc<str> = by.as_str().into();
    let mut actions = Vec::new();
    for id in pick {
        let src = project.annotation(id)?;
        // Accepting the same passage twice adds it once.
        let exists = project
            .annotations_of(src.article)
            .any(|x| x.adjudication.is_some() && x.span == src.span && x.tags == src.tags);
        if exists {
            continue;
        }
        actions.push(Action::AddAnnotation(Box::new(Annotation {
            id: project.ids().annotation(),
            article: src.article,
            span: src.span,
            tags: src.tags.clone(),
            note: src.note.clone(),
            note_by: src.note_by.clone(),
            author: Some(author.clone()),
            created: stamp.at,
            modified: stamp.at,
            adjudication: Some(Box::new(Adjudication {
                by: by.clone(),
                at: stamp.at,
                from: from.clone(),
            })),
        })));
    }
    (!actions.is_empty()).then(|| Action::Batch {
        label: "adjudicate".into(),
        actions,
    })
}

/// A copy of `project` whose passages are only those in `layer` (an
/// analyst's name, or [`GOLD`]), for exporting one layer on its own.
#[must_use]
pub fn only_layer(project: &Project, layer: &str) -> Project {
    let mut p = project.clone();
    let drop: Vec<AnnotationId> = p
        .annotations()
        .filter(|a| a.layer() != layer)
        .map(|a| a.id)
        .collect();
    for id in drop {
        p.annotations.remove(&id);
    }
    for u in p.unavailable.values_mut() {
        u.quotes.retain(|id, _| p.annotations.contains_key(id));
    }
    p.reindex();
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Timestamp;
    use crate::model::testing::{self, code};

    #[test]
    fn every_kind_of_difference_is_found_and_adjudication_resolves_it() {
        let (mut p, arts) = testing::project(&["0123456789abcdefghijklmnopqrstuvwxyz"]);
        let art = arts[0];
        code(&mut p, art, (0, 3), "T", "ann"); // agree
        code(&mut p, art, (0, 3), "T", "bob");
        let a1 = code(&mut p, art, (5, 8), "T", "ann"); // tags
        let b1 = code(&mut p, art, (5, 8), "U", "bob");
        let a2 = code(&mut p, art, (10, 15), "T", "ann"); // bounds
        let b2 = code(&mut p, art, (12, 18), "T", "bob");
        let a3 = code(&mut p, art, (20, 22), "T", "ann"); // only ann
        let b3 = code(&mut p, art, (30, 33), "T", "bob"); // only bob
        let d = disagreements(&p, art, "ann", "bob");
        let kinds: Vec<(Kind, Option<AnnotationId>, Option<AnnotationId>)> =
            d.iter().map(|x| (x.kind, x.a, x.b)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Tags, Some(a1), Some(b1)),
                (Kind::Bounds, Some(a2), Some(b2)),
                (Kind::OnlyA, Some(a3), None),
                (Kind::OnlyB, None, Some(b3)),
            ]
        );
        assert_eq!(d[1].span, Span::new(10, 18).unwrap());
        assert_eq!(articles_with_disagreements(&p, "ann", "bob"), [art]);
        let judge = Stamp {
            at: Timestamp::from_unix(9),
            by: Some("cleo".into()),
        };
        for (x, how) in d.iter().zip([
            Decision::AcceptB,
            Decision::AcceptBoth,
            Decision::AcceptA,
            Decision::AcceptB,
        ]) {
            let step = adjudicate(&p, x, how, &judge).unwrap();
            p.apply(step).unwrap();
        }
        assert!(
            disagreements(&p, art, "ann", "bob")
                .iter()
                .all(|x| x.resolved)
        );
        assert!(articles_with_disagreements(&p, "ann", "bob").is_empty());
        let gold = only_layer(&p, GOLD);
        assert_eq!(gold.annotations().count(), 5);
        let g = gold
            .annotations()
            .find(|a| a.span == Span::new(5, 8).unwrap())
            .unwrap();
        assert_eq!(gold.codebook().path(*g.tags.iter().next().unwrap()), "U");
        let prov = g.adjudication.as_ref().unwrap();
        assert_eq!(
            (prov.by.as_str(), prov.from.as_slice()),
            ("cleo", &[a1, b1][..])
        );
        // Accepting again adds nothing.
        assert!(adjudicate(&p, &d[0], Decision::AcceptB, &judge).is_none());
        // The gold layer takes part in agreement like an analyst.
        let r = crate::model::agree::agreement(
            &p,
            &crate::model::agree::Options {
                analysts: vec!["ann".into(), GOLD.into()],
                ..Default::default()
            },
        )
        .unwrap();
        assert!(r.per_tag.iter().any(|t| t.chars.cohen_kappa.is_some()));
    }
}
