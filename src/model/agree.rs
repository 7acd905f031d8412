//! Intercoder agreement between analysts (the layers of a project: each
//! passage's author, and the reviewed "gold" layer).
//!
//! **Character level, per tag.** The units are the characters of the
//! articles every compared analyst has coded (at least one passage by each)
//! or that are marked done. For a tag and an analyst, a character is 1 when
//! it lies inside one of that analyst's passages carrying the tag or one of
//! its descendants, else 0. Every analyst codes every unit, so there is no
//! missing data. Per tag: percent agreement (the share of units on which all
//! analysts agree), Cohen's κ (exactly two analysts; computed as scikit-learn's
//! `cohen_kappa_score`), Fleiss' κ and Krippendorff's α for nominal data
//! (computed as the `krippendorff` package's `alpha`). Overall: the same over
//! all (character, tag) units pooled. A figure that divides by zero (say,
//! nobody ever used the tag) is `None`: undefined, as in the references.
//!
//! Counting never visits characters one by one: each analyst's passages
//! become merged intervals, and a sweep over their ends counts how many
//! characters have how many analysts saying 1.
//!
//! **Passage level, per tag.** Passages are matched across two analysts when
//! their char ranges' Jaccard index reaches a threshold (default 0.5),
//! one-to-one, best overlap first; giving matched and unmatched counts and
//! precision, recall and F1 of one analyst against the other.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::annotation::GOLD;
use super::article::ReviewStatus;
use super::ids::{ArticleId, TagId};
use super::project::Project;

/// What to compare.
#[derive(Clone, Debug)]
pub struct Options {
    /// The analysts (layers) to compare; empty: every analyst with passages
    /// (not the gold layer, which is compared only when named).
    pub analysts: Vec<String>,
    /// Only this tag (with its descendants); `None`: every tag.
    pub tag: Option<TagId>,
    /// Jaccard index from which two passages match (0 < t ≤ 1).
    pub threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            analysts: Vec::new(),
            tag: None,
            threshold: 0.5,
        }
    }
}

/// Why agreement cannot be computed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AgreeError {
    /// Fewer than two analysts.
    #[error(
        "agreement needs at least two analysts; this project has passages by {}",
        if .0.is_empty() { "nobody".to_owned() } else { .0.join(", ") }
    )]
    TooFewAnalysts(Vec<String>),
    /// A named analyst has no passages.
    #[error("no passages by {0:?} (analysts here: {1})")]
    UnknownAnalyst(String, String),
}

/// The counts every figure is computed from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Number of units.
    pub units: u64,
    /// `k_of_m[k]`: units on which exactly `k` analysts said 1.
    pub k_of_m: Vec<u64>,
    /// With exactly two analysts: `pair[a][b]`, units where the first said
    /// `a` and the second `b`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair: Option<[[u64; 2]; 2]>,
}

/// Agreement figures over some units.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Share of units on which every analyst says the same.
    pub percent_agreement: Option<f64>,
    /// Cohen's κ (two analysts only).
    pub cohen_kappa: Option<f64>,
    /// Fleiss' κ.
    pub fleiss_kappa: Option<f64>,
    /// Krippendorff's α, nominal.
    pub krippendorff_alpha: Option<f64>,
    /// The counts behind them.
    pub counts: Counts,
}

/// Passage matching between two analysts for one tag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairMatch {
    /// The analyst taken as reference.
    pub reference: String,
    /// The analyst compared with it.
    pub other: String,
    /// The reference's passages.
    pub reference_passages: usize,
    /// The other's passages.
    pub other_passages: usize,
    /// Pairs matched (Jaccard ≥ threshold, one-to-one).
    pub matched: usize,
    /// matched / other's passages.
    pub precision: Option<f64>,
    /// matched / reference's passages.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

/// Agreement for one tag.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagAgreement {
    /// The tag.
    pub tag: TagId,
    /// Its path.
    pub path: String,
    /// Character-level figures.
    pub chars: Figures,
    /// Passage-level matching, for every pair of analysts.
    pub passages: Vec<PairMatch>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// The analysts compared, in order.
    pub analysts: Vec<String>,
    /// Articles whose characters are the units.
    pub articles: Vec<ArticleId>,
    /// The Jaccard threshold used for passages.
    pub threshold: f64,
    /// Per tag.
    pub per_tag: Vec<TagAgreement>,
    /// All (character, tag) units pooled.
    pub overall: Figures,
}

/// The analysts (layers) that have passages, sorted; gold last if present.
#[must_use]
pub fn layers(project: &Project) -> Vec<String> {
    let set: BTreeSet<&str> = project
        .annotations()
        .map(super::Annotation::layer)
        .collect();
    let mut out: Vec<String> = set
        .iter()
        .filter(|l| **l != GOLD)
        .map(|s| (*s).to_owned())
        .collect();
    if set.contains(GOLD) {
        out.push(GOLD.to_owned());
    }
    out
}

/// Articles whose characters are units for `analysts`: each of them has a
/// passage there, or the article is marked done.
#[must_use]
pub fn unit_articles(project: &Project, analysts: &[String]) -> Vec<ArticleId> {
    project
        .articles()
        .filter(|a| {
            a.status == ReviewStatus::Done || {
                let by: BTreeSet<&str> = project
                    .annotations_of(a.id)
                    .map(super::Annotation::layer)
                    .collect();
                analysts.iter().all(|x| by.contains(x.as_str()))
            }
        })
        .map(|a| a.id)
        .collect()
}

/// Computes agreement.
///
/// # Errors
/// When fewer than two analysts are compared, or a named one has no passages.
pub fn agreement(project: &Project, opts: &Options) -> Result<Agreement, AgreeError> {
    let all = layers(project);
    let analysts: Vec<String> = if opts.analysts.is_empty() {
        all.iter().filter(|l| *l != GOLD).cloned().collect()
    } else {
        for a in &opts.analysts {
            if !all.contains(a) {
                return Err(AgreeError::UnknownAnalyst(a.clone(), all.join(", ")));
            }
        }
        opts.analysts.clone()
    };
    if analysts.len() < 2 {
        return Err(AgreeError::TooFewAnalysts(analysts));
    }
    let m = analysts.len();
    let index: HashMap<&str, usize> = analysts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.as_str(), i))
        .collect();
    let cb = project.codebook();
    let targets: Vec<TagId> = match opts.tag {
        Some(t) => vec![t],
        None => cb.tree_order(),
    };
    let target_of: HashMap<TagId, usize> =
        targets.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    // Each tag counts for itself and its ancestors that are targets.
    let mut counts_for: HashMap<TagId, Vec<usize>> = HashMap::new();
    for t in cb.iter() {
        let mut v = Vec::new();
        let mut cur = Some(t.id);
        let mut steps = 0;
        while let Some(c) = cur {
            if let Some(i) = target_of.get(&c) {
                v.push(*i);
            }
            cur = cb.get(c).and_then(|x| x.props.parent);
            steps += 1;
            if steps > cb.len() {
                break;
            }
        }
        counts_for.insert(t.id, v);
    }
    let articles = unit_articles(project, &analysts);
    let mut sweep = vec![Sweep::new(m); targets.len()];
    let mut spans: Vec<Vec<Vec<(usize, usize)>>> = vec![vec![Vec::new(); m]; targets.len()];
    let mut pairs = vec![vec![PairCount::default(); m * m]; targets.len()];
    let mut units_per_tag = 0u64;
    for &art in &articles {
        let len = project.text_len(art) as u64;
        units_per_tag += len;
        let mut touched = BTreeSet::new();
        for a in project.annotations_of(art) {
            let Some(&who) = index.get(a.layer()) else {
                continue;
            };
            let mut seen = BTreeSet::new();
            for t in &a.tags {
                for &i in counts_for.get(t).map_or(&[][..], Vec::as_slice) {
                    if seen.insert(i) {
                        spans[i][who].push((a.span.start(), a.span.end()));
                        touched.insert(i);
                    }
                }
            }
        }
        for i in touched {
            sweep[i].add_article(&spans[i]);
            count_matches(&spans[i], opts.threshold, &mut pairs[i]);
            for s in &mut spans[i] {
                s.clear();
            }
        }
    }
    let mut per_tag = Vec::with_capacity(targets.len());
    let mut pooled = Sweep::new(m);
    for (i, t) in targets.iter().enumerate() {
        let s = &sweep[i];
        pooled.merge(s);
        per_tag.push(TagAgreement {
            tag: *t,
            path: cb.path(*t),
            chars: s.figures(units_per_tag),
            passages: pair_matches(&analysts, &pairs[i]),
        });
    }
    let overall = pooled.figures(units_per_tag * targets.len() as u64);
    Ok(Agreement {
        analysts,
        articles,
        threshold: opts.threshold,
        per_tag,
        overall,
    })
}

/// Covered-unit counts for one tag, accumulated over articles.
#[derive(Clone, Debug)]
struct Sweep {
    m: usize,
    /// Units (covered by at least one analyst) with exactly k analysts at 1.
    k: Vec<u64>,
    /// With two analysts: units by (first, second) value; [0][0] unused.
    pair: [[u64; 2]; 2],
}

impl Sweep {
    fn new(m: usize) -> Self {
        Self {
            m,
            k: vec![0; m + 1],
            pair: [[0; 2]; 2],
        }
    }

    fn merge(&mut self, o: &Sweep) {
        for (a, b) in self.k.iter_mut().zip(&o.k) {
            *a += b;
        }
        for x in 0..2 {
            for y in 0..2 {
                self.pair[x][y] += o.pair[x][y];
            }
        }
    }

    /// Adds one article: `spans[analyst]` are that analyst's passages.
    fn add_article(&mut self, spans: &[Vec<(usize, usize)>]) {
        // Events: (position, analyst, +1 at a merged interval's start, -1 at its end).
        let mut events: Vec<(usize, i8, usize)> = Vec::new();
        for (who, s) in spans.iter().enumerate() {
            let mut s = s.clone();
            s.sort_unstable();
            let mut cur: Option<(usize, usize)> = None;
            for (a, b) in s {
                match cur {
                    Some((cs, ce)) if a <= ce => cur = Some((cs, ce.max(b))),
                    _ => {
                        if let Some((cs, ce)) = cur {
                            events.push((cs, 1, who));
                            events.push((ce, -1, who));
                        }
                        cur = Some((a, b));
                    }
                }
            }
            if let Some((cs, ce)) = cur {
                events.push((cs, 1, who));
                events.push((ce, -1, who));
            }
        }
        events.sort_unstable();
        let mut on = vec![false; self.m];
        let mut k = 0usize;
        let mut last = 0usize;
        for (pos, delta, who) in events {
            if k > 0 && pos > last {
                let len = (pos - last) as u64;
                self.k[k] += len;
                if self.m == 2 {
                    self.pair[usize::from(on[0])][usize::from(on[1])] += len;
                }
            }
            last = pos;
            if delta > 0 {
                on[who] = true;
                k += 1;
            } else {
                on[who] = false;
                k -= 1;
            }
        }
    }

    fn figures(&self, units: u64) -> Figures {
        let mut k = self.k.clone();
        let covered: u64 = k.iter().skip(1).sum();
        k[0] = units.saturating_sub(covered);
        let pair = (self.m == 2).then(|| {
            let mut p = self.pair;
            p[0][0] = k[0];
            p
        });
        figures(Counts {
            units,
            k_of_m: k,
            pair,
        })
    }
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn figures(counts: Counts) -> Figures {
    let m = counts.k_of_m.len() - 1;
    let n = counts.units as f64;
    let defined = |x: f64| x.is_finite().then_some(x);
    let percent = if counts.units == 0 {
        None
    } else {
        Some((counts.k_of_m[0] + counts.k_of_m[m]) as f64 / n)
    };
    let cohen = counts.pair.and_then(|p| {
        let [[n00, n01], [n10, n11]] = p.map(|r| r.map(|x| x as f64));
        let (r0, r1, c0, c1) = (n00 + n01, n10 + n11, n00 + n10, n01 + n11);
        let expected = (r0 * c1 + r1 * c0) / n;
        defined(1.0 - (n01 + n10) / expected)
    });
    let mf = m as f64;
    // Fleiss: per unit P_i = Σ_j n_ij (n_ij − 1) / (m (m − 1)).
    let mut p_bar = 0.0;
    let mut ones = 0.0;
    // Krippendorff: coincidences o_01 = Σ_u k (m − k) / (m − 1); n_c value totals.
    let mut o01 = 0.0;
    for (k, &c) in counts.k_of_m.iter().enumerate() {
        let (kf, cf) = (k as f64, c as f64);
        p_bar += cf * (kf * (kf - 1.0) + (mf - kf) * (mf - kf - 1.0)) / (mf * (mf - 1.0));
        ones += cf * kf;
        o01 += cf * kf * (mf - kf) / (mf - 1.0);
    }
    let total = n * mf;
    let fleiss = if counts.units == 0 {
        None
    } else {
        let p_bar = p_bar / n;
        let p1 = ones / total;
        let pe = p1 * p1 + (1.0 - p1) * (1.0 - p1);
        defined((p_bar - pe) / (1.0 - pe))
    };
    let n1 = ones;
    let n0 = total - ones;
    let alpha = defined(1.0 - (total - 1.0) * o01 / (n0 * n1));
    Figures {
        percent_agreement: percent,
        cohen_kappa: cohen,
        fleiss_kappa: fleiss,
        krippendorff_alpha: alpha,
        counts,
    }
}

/// Passage counts and matches for one ordered pair of analysts.
#[derive(Clone, Copy, Debug, Default)]
struct PairCount {
    reference: usize,
    other: usize,
    matched: usize,
}

/// Matches each pair of analysts' passages in one article (spans per analyst).
fn count_matches(spans: &[Vec<(usize, usize)>], threshold: f64, out: &mut [PairCount]) {
    let m = spans.len();
    for i in 0..m {
        for j in (i + 1)..m {
            let (a, b) = (&spans[i], &spans[j]);
            let c = &mut out[i * m + j];
            c.reference += a.len();
            c.other += b.len();
            c.matched += match_one_to_one(a, b, threshold);
        }
    }
}

#[allow(clippy::cast_precision_loss, reason = "spans far below 2^52")]
fn jaccard(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// How many one-to-one pairs reach `threshold`, best overlap first.
fn match_one_to_one(a: &[(usize, usize)], b: &[(usize, usize)], threshold: f64) -> usize {
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            let jc = jaccard(*x, *y);
            if jc >= threshold && jc > 0.0 {
                cands.push((jc, i, j));
            }
        }
    }
    cands.sort_by(|p, q| q.0.total_cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut n = 0;
    for (_, i, j) in cands {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            n += 1;
        }
    }
    n
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn pair_matches(analysts: &[String], counts: &[PairCount]) -> Vec<PairMatch> {
    let m = analysts.len();
    let mut out = Vec::new();
    for i in 0..m {
        for j in (i + 1)..m {
            let c = counts[i * m + j];
            let ratio = |num: usize, den: usize| (den > 0).then(|| num as f64 / den as f64);
            let precision = ratio(c.matched, c.other);
            let recall = ratio(c.matched, c.reference);
            let f1 = match (precision, recall) {
                (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            };
            out.push(PairMatch {
                reference: analysts[i].clone(),
                other: analysts[j].clone(),
                reference_passages: c.reference,
                other_passages: c.other,
                matched: c.matched,
                precision,
                recall,
                f1,
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "agree_tests.rs"]
mod tests;
