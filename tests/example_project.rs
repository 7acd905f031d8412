//! The bundled example project opens, validates and matches its sources.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::path::Path;

#[test]
fn example_project_is_valid_and_in_sync() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = gloss::io::load(&root.join("saves/example.ron")).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let p = &loaded.project;
    assert!(p.articles().len() >= 8);
    assert!(p.annotations().len() >= 20);
    assert!(
        p.codebook().iter().any(|t| t.props.parent.is_some()),
        "nested tags"
    );
    assert!(!p.memo().is_empty());
    for a in p.articles() {
        let read = gloss::io::article::read_article(&a.source).unwrap();
        assert_eq!(
            read.text,
            a.text.as_str(),
            "{} differs from its source",
            a.source.display()
        );
    }
    // Saving it again changes nothing: the committed file is in canonical form.
    let text = std::fs::read_to_string(root.join("saves/example.ron")).unwrap();
    let again = gloss::io::project_file::to_ron(
        p,
        &root.join("saves/example.ron"),
        gloss::io::TextStorage::Folder,
    )
    .unwrap();
    assert_eq!(text, again);
}

#[test]
fn sample_articles_follow_the_news_layout() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/articles");
    let mut n = 0;
    let mut longest = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let a = gloss::io::article::read_article(&path).unwrap();
        assert!(a.meta.date.is_some(), "{}: no date", path.display());
        assert!(a.meta.posted.is_some(), "{}: no posted", path.display());
        assert!(a.meta.credit.is_some(), "{}: no credit", path.display());
        longest = longest.max(a.text.len());
        n += 1;
    }
    assert!(n >= 8);
    assert!(longest > 30_000, "one long article");
}
