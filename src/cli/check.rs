//! `gloss check`: validation, source comparison and re-anchoring.

use std::path::Path;

use anyhow::Result;

use crate::io::LoadError;
use crate::io::article::read_article;
use crate::model::{ContentHash, Text, ops};

pub(super) fn check(path: &Path, resync: bool) -> Result<u8> {
    let (mut project, storage) = match super::commands::open(path) {
        Ok(p) => p,
        Err(e) => {
            if let Some(LoadError::Invalid { .. }) = e.downcast_ref::<LoadError>() {
                eprintln!("gloss: {e:#}");
                return Ok(1);
            }
            return Err(e);
        }
    };
    let mut bad = false;
    let mut changed_any = false;
    let (mut same, mut missing, mut changed) = (0, 0, 0);
    let ids: Vec<_> = project.articles().map(|a| a.id).collect();
    for id in ids {
        let Some(article) = project.article(id) else {
            continue;
        };
        let source = article.source.clone();
        let read = match read_article(&source) {
            Ok(r) => r,
            Err(e) => {
                missing += 1;
                eprintln!(
                    "gloss: warning: {id} ({}): source {}: {e}",
                    article.title,
                    source.display()
                );
                continue;
            }
        };
        if ContentHash::of(&read.text) == article.hash {
            same += 1;
            continue;
        }
        changed += 1;
        if !resync {
            bad = true;
            println!("{id}: source changed: {}", source.display());
            continue;
        }
        let (action, report) = ops::replace_text(&project, id, &Text::new(read.text))?;
        if let Err(e) = project.apply(action) {
            bad = true;
            eprintln!(
                "gloss: {id}: cannot take the new text from {}: {e}",
                source.display()
            );
            continue;
        }
        changed_any = true;
        println!(
            "{id}: re-synced with {}: {} unchanged, {} moved, {} approximate, {} orphaned, {} recovered",
            source.display(),
            report.unchanged,
            report.moved,
            report.fuzzy,
            report.orphaned.len(),
            report.recovered
        );
        for o in &report.orphaned {
            eprintln!("gloss: {o} in {id} could not be found in the new text; kept as an orphan");
        }
    }
    if changed_any {
        super::commands::save(&project, path, storage)?;
    }
    let orphans = project.orphans().len();
    if orphans > 0 {
        bad = true;
        for o in project.orphans() {
            println!(
                "{}: orphan in {} (was {}): {:?}",
                o.annotation.id, o.annotation.article, o.annotation.span, o.quote.exact
            );
        }
    }
    println!(
        "{} articles: {same} match their source, {changed} changed{}, {missing} source(s) missing; {} annotations, {orphans} orphan(s)",
        project.articles().len(),
        if resync { " (re-synced)" } else { "" },
        project.annotations().len()
    );
    if !resync && changed > 0 {
        println!(
            "run `gloss check --resync {}` to take the changed texts in",
            path.display()
        );
    }
    Ok(u8::from(bad))
}
