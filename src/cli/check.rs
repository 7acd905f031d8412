//! `gloss check`: validation, source comparison and re-anchoring, damaged
//! texts and their repair, and the leftovers of interrupted saves.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::{Global, session};
use crate::io::LoadError;
use crate::io::article::read_article;
use crate::io::limits::human_size;
use crate::io::paths::shown;
use crate::io::project_file::{text_file_name, texts_folder_name, tidy};
use crate::model::{ContentHash, Text, ops, plural};

/// What `check` may change besides reporting.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Mode {
    /// Take changed source texts in.
    pub resync: bool,
    /// Rewrite damaged texts from good copies.
    pub repair: bool,
    /// Remove leftovers.
    pub gc: bool,
}

#[allow(clippy::too_many_lines, reason = "one report, section by section")]
pub(super) fn check(out: &mut dyn Write, path: &Path, mode: Mode, global: &Global) -> Result<u8> {
    let writes = mode.resync || mode.repair || mode.gc;
    let opened = if writes {
        session::for_change(path, global, "check", false)
    } else {
        session::read(path)
    };
    let mut opened = match opened {
        Ok(p) => p,
        Err(e) => {
            if let Some(LoadError::Invalid { .. }) = e.downcast_ref::<LoadError>() {
                eprintln!("gloss: {}", super::message(&e));
                return Ok(1);
            }
            return Err(e);
        }
    };
    let mut bad = false;
    let mut must_save = false;
    if !opened.baseline.unknown_fields.is_empty() {
        bad = true;
        writeln!(
            out,
            "{} has fields this version of Gloss does not know (saving would drop them): {}",
            shown(path),
            opened.baseline.unknown_fields.join(", ")
        )?;
    }
    let texts = texts_folder_name(path);
    for hash in &opened.baseline.damaged_texts {
        writeln!(
            out,
            "{texts}/{}: missing or damaged; its text was recovered from the article's source{}",
            text_file_name(hash),
            if mode.repair {
                ""
            } else {
                " (run `gloss check --repair` to rewrite it)"
            }
        )?;
        if mode.repair {
            must_save = true;
        } else {
            bad = true;
        }
    }
    let project = &opened.project;
    for (id, u) in project.unavailable_articles() {
        bad = true;
        let n = project.annotation_count(id);
        writeln!(
            out,
            "{id}: text unavailable: {}; its {} kept read-only. Restore {texts}/{} or the source file and check again",
            u.reason,
            plural(n, "passage"),
            project
                .article(id)
                .map(|a| text_file_name(&a.hash))
                .unwrap_or_default()
        )?;
    }
    let (mut same, mut missing, mut changed, mut no_file) = (0, 0, 0, 0);
    let mut new_texts = Vec::new();
    let ids: Vec<_> = opened
        .project
        .articles()
        .map(|a| a.id)
        .filter(|id| opened.project.unavailable(*id).is_none())
        .collect();
    for id in ids {
        let Some(article) = opened.project.article(id) else {
            continue;
        };
        // Texts from inside an exchange archive, or without any source,
        // have nothing to compare with.
        let Some(source) = crate::io::article::own_file(&article.source).map(Path::to_path_buf)
        else {
            no_file += 1;
            continue;
        };
        let read = match read_article(&source) {
            Ok(r) => r,
            Err(e) => {
                missing += 1;
                eprintln!(
                    "gloss: warning: {id} ({}): source {}: {e}",
                    crate::io::paths::escaped(&article.title),
                    shown(&source)
                );
                continue;
            }
        };
        if ContentHash::of(&read.text) == article.hash {
            same += 1;
            continue;
        }
        changed += 1;
        if mode.resync {
            new_texts.push((id, Text::new(read.text)));
        } else {
            bad = true;
            writeln!(out, "{id}: source changed: {}", shown(&source))?;
        }
    }
    if !new_texts.is_empty() {
        let (action, summary) = ops::resync(&opened.project, new_texts);
        opened.project.apply(action)?;
        must_save |= summary.articles > 0;
        for (id, e) in &summary.failed {
            bad = true;
            eprintln!("gloss: {id}: cannot take the new text in: {e}");
        }
        for (id, report) in &summary.reports {
            let source = opened
                .project
                .article(*id)
                .map(|a| a.source.clone())
                .unwrap_or_default();
            writeln!(
                out,
                "{id}: re-synced with {}: {} unchanged, {} moved, {} approximate, {} orphaned, {} recovered",
                shown(&source),
                report.unchanged,
                report.moved,
                report.fuzzy,
                report.orphaned.len(),
                report.recovered
            )?;
            for o in &report.orphaned {
                eprintln!(
                    "gloss: {o} in {id} could not be found in the new text; kept as an orphan"
                );
            }
        }
    }
    if must_save {
        let repaired = opened.baseline.damaged_texts.len();
        opened.save(global)?;
        if mode.repair && repaired > 0 {
            writeln!(out, "rewrote {}", plural(repaired, "damaged text"))?;
        }
    }
    let project = &opened.project;
    let orphans = project.orphans().len();
    if orphans > 0 {
        bad = true;
        for o in project.orphans() {
            writeln!(
                out,
                "{}: orphan in {} (was {}): {:?}",
                o.annotation.id, o.annotation.article, o.annotation.span, o.quote.exact
            )?;
        }
    }
    let leftovers = tidy::find(project, path);
    if !leftovers.is_empty() {
        for (p, n) in &leftovers.temp_files {
            writeln!(
                out,
                "leftover temporary file {} ({})",
                shown(p),
                human_size(*n)
            )?;
        }
        for (p, n) in &leftovers.unreferenced_texts {
            writeln!(out, "unreferenced text {} ({})", shown(p), human_size(*n))?;
        }
        if mode.gc {
            debug_assert!(
                opened.is_locked(),
                "removing leftovers needs the write lock"
            );
            match tidy::remove(&leftovers) {
                Ok(removed) => writeln!(
                    out,
                    "removed {} and {} ({})",
                    plural(removed.temp_files.len(), "temporary file"),
                    plural(removed.unreferenced_texts.len(), "unreferenced text"),
                    human_size(removed.bytes())
                )?,
                Err((p, e)) => {
                    bad = true;
                    eprintln!("gloss: cannot remove {}: {e}", shown(&p));
                }
            }
        } else {
            writeln!(
                out,
                "{} left over by interrupted saves ({}); `gloss check --gc` removes them",
                plural(
                    leftovers.temp_files.len() + leftovers.unreferenced_texts.len(),
                    "file"
                ),
                human_size(leftovers.bytes())
            )?;
        }
    }
    writeln!(
        out,
        "{}: {same} match their source, {changed} changed{}, {} missing{}; {}, {}",
        plural(project.articles().len(), "article"),
        if mode.resync { " (re-synced)" } else { "" },
        plural(missing, "source"),
        if no_file > 0 {
            format!(", {no_file} without a source file of their own")
        } else {
            String::new()
        },
        plural(project.annotations().len(), "annotation"),
        plural(orphans, "orphan")
    )?;
    if !mode.resync && changed > 0 {
        writeln!(
            out,
            "run `gloss check --resync {}` to take the changed texts in",
            shown(path)
        )?;
    }
    Ok(u8::from(bad))
}
