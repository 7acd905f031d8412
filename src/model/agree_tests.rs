//! Agreement figures checked against hand-computed values.

use super::*;
use crate::model::{Action, ops, testing};

fn code(p: &mut Project, art: ArticleId, span: (usize, usize), path: &str, by: &str) {
    testing::code(p, art, span, path, by);
}

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("defined");
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn two_analysts_on_one_article() {
    let (mut p, arts) = testing::project(&["0123456789"]);
    code(&mut p, arts[0], (0, 5), "T", "ann");
    code(&mut p, arts[0], (2, 6), "T", "bob");
    let r = agreement(&p, &Options::default()).unwrap();
    assert_eq!(r.analysts, ["ann", "bob"]);
    let t = &r.per_tag[0];
    assert_eq!(t.chars.counts.pair, Some([[4, 1], [2, 3]]));
    assert_eq!(t.chars.counts.k_of_m, [4, 3, 3]);
    close(t.chars.percent_agreement, 0.7);
    close(t.chars.cohen_kappa, 0.4);
    close(t.chars.krippendorff_alpha, 1.0 - 19.0 * 3.0 / (11.0 * 9.0));
    // Fleiss with two raters: P̄ = 0.7, p1 = 0.45, Pe = 0.505.
    close(t.chars.fleiss_kappa, (0.7 - 0.505) / (1.0 - 0.505));
    // Passages: Jaccard 3/6 = 0.5 matches at the default threshold.
    let m = &t.passages[0];
    assert_eq!(
        (m.reference_passages, m.other_passages, m.matched),
        (1, 1, 1)
    );
    close(m.f1, 1.0);
    let strict = agreement(
        &p,
        &Options {
            threshold: 0.6,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(strict.per_tag[0].passages[0].matched, 0);
}

#[test]
fn children_count_for_their_parents_and_units_need_every_analyst() {
    let (mut p, arts) = testing::project(&["aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"]);
    code(&mut p, arts[0], (0, 4), "T/Child", "ann");
    code(&mut p, arts[0], (0, 4), "T", "bob");
    code(&mut p, arts[1], (0, 4), "T", "ann"); // bob never coded article 2
    let r = agreement(&p, &Options::default()).unwrap();
    assert_eq!(r.articles, [arts[0]]);
    let t = r.per_tag.iter().find(|t| t.path == "T").unwrap();
    close(t.chars.cohen_kappa, 1.0);
    close(t.chars.krippendorff_alpha, 1.0);
    let child = r.per_tag.iter().find(|t| t.path == "T/Child").unwrap();
    assert_eq!(child.chars.counts.pair, Some([[6, 0], [4, 0]]));
    // Bob never used the child tag: κ is 0 (chance), α negative-or-zero, both defined.
    close(child.chars.cohen_kappa, 0.0);
    // Overall pools (char, tag) units: 20 units.
    assert_eq!(r.overall.counts.units, 20);
    // Marking an article done makes it a unit even where Bob coded nothing.
    p.apply(Action::SetArticleStatus {
        article: arts[1],
        status: crate::model::ReviewStatus::Done,
    })
    .unwrap();
    let r = agreement(&p, &Options::default()).unwrap();
    assert_eq!(r.articles, [arts[0], arts[1]]);
}

#[test]
fn undefined_figures_are_none_and_too_few_analysts_is_an_error() {
    let (mut p, arts) = testing::project(&["0123456789"]);
    code(&mut p, arts[0], (0, 5), "T", "ann");
    assert!(matches!(
        agreement(&p, &Options::default()),
        Err(AgreeError::TooFewAnalysts(_))
    ));
    code(&mut p, arts[0], (0, 5), "T", "bob");
    code(&mut p, arts[0], (0, 5), "U", "bob");
    code(&mut p, arts[0], (0, 5), "U", "ann");
    let (t, _) = ops::ensure_tag_path(&p, "Unused").unwrap();
    let _ = t;
    let r = agreement(&p, &Options::default()).unwrap();
    let t = &r.per_tag[0];
    // Identical coding: κ = α = 1.
    close(t.chars.cohen_kappa, 1.0);
    close(t.chars.krippendorff_alpha, 1.0);
    let e = agreement(
        &p,
        &Options {
            analysts: vec!["ann".into(), "zed".into()],
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("zed"));
}

#[test]
fn a_tag_nobody_used_has_undefined_kappa_and_alpha() {
    let (mut p, arts) = testing::project(&["0123456789"]);
    code(&mut p, arts[0], (0, 5), "T", "ann");
    code(&mut p, arts[0], (0, 5), "T", "bob");
    let (_, actions) = ops::ensure_tag_path(&p, "Nobody").unwrap();
    for a in actions {
        p.apply(a).unwrap();
    }
    let r = agreement(&p, &Options::default()).unwrap();
    let nobody = r.per_tag.iter().find(|t| t.path == "Nobody").unwrap();
    assert_eq!(nobody.chars.cohen_kappa, None);
    assert_eq!(nobody.chars.krippendorff_alpha, None);
    close(nobody.chars.percent_agreement, 1.0);
}

#[test]
fn three_analysts_use_fleiss_and_alpha_not_cohen() {
    let (mut p, arts) = testing::project(&["0123456789"]);
    code(&mut p, arts[0], (0, 5), "T", "a");
    code(&mut p, arts[0], (0, 5), "T", "b");
    code(&mut p, arts[0], (0, 6), "T", "c");
    let r = agreement(&p, &Options::default()).unwrap();
    let t = &r.per_tag[0];
    assert_eq!(t.chars.cohen_kappa, None);
    assert_eq!(t.chars.counts.k_of_m, [4, 1, 0, 5]);
    assert_eq!(t.passages.len(), 3);
    // α: n = 30, ones = 16; o01 = 1 unit × 2·1/2 = 1.
    close(t.chars.krippendorff_alpha, 1.0 - 29.0 * 1.0 / (14.0 * 16.0));
}
