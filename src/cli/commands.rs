//! The subcommands' bodies.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use regex::Regex;

use super::{Command, ExportFormat, TimeBucket};
use crate::export;
use crate::io::import::import_paths;
use crate::io::project_file::{self, TextStorage};
use crate::model::{ArticleId, Project, Span, Timestamp, ops, stats};

/// Runs one subcommand; returns the exit code for a normal outcome.
///
/// # Errors
/// A fatal error (exit code 2).
pub fn run_command(command: Command) -> Result<u8> {
    match command {
        Command::Import { project, paths } => import(&project, &paths),
        Command::Tag {
            project,
            pattern,
            tag,
            article,
        } => tag_matches(&project, &pattern, &tag, article),
        Command::Export {
            project,
            format,
            output,
        } => export_project(&project, format, output.as_deref()),
        Command::Check { project, resync } => super::check::check(&project, resync),
        Command::Stats { project, json, by } => print_stats(&project, json, by),
        Command::Search {
            project,
            pattern,
            regex,
            ignore_case,
            whole_word,
            tag,
            status,
            from,
            to,
        } => {
            let query = crate::model::search::Query {
                pattern,
                regex,
                ignore_case,
                whole_word,
            };
            search(&project, &query, &tag, status.as_deref(), from, to)
        }
    }
}

/// Opens an existing project.
pub(super) fn open(path: &Path) -> Result<(Project, TextStorage)> {
    let loaded = project_file::load(path)?;
    for w in &loaded.warnings {
        eprintln!("gloss: warning: {w}");
    }
    Ok((loaded.project, loaded.storage))
}

pub(super) fn save(project: &Project, path: &Path, storage: TextStorage) -> Result<()> {
    project_file::save(project, path, storage)?;
    Ok(())
}

fn import(path: &Path, paths: &[PathBuf]) -> Result<u8> {
    let (mut project, storage) = if path.exists() {
        open(path)?
    } else {
        (Project::new(), TextStorage::default())
    };
    // Exchange files (REFI-QDA, brat) are imported on their own.
    let mut plain = Vec::new();
    let mut exchange_skipped = 0;
    for p in paths {
        match super::exchange::import(&mut project, p) {
            Some(result) => {
                let done = result?;
                println!("{}", done.summary);
                for s in &done.skipped {
                    eprintln!("gloss: not imported: {}: {s}", p.display());
                }
                exchange_skipped += done.skipped.len();
            }
            None => plain.push(p.clone()),
        }
    }
    if plain.is_empty() {
        save(&project, path, storage)?;
        return Ok(u8::from(exchange_skipped > 0));
    }
    let paths = &plain;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} reading {pos}/{len} files {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (action, report) = import_paths(&mut project, paths, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    project
        .apply(action)
        .context("adding the imported articles")?;
    save(&project, path, storage)?;
    for d in &report.duplicates {
        eprintln!(
            "gloss: duplicate: {} has the same text as {}",
            d.path.display(),
            d.same_as
        );
    }
    for (p, w) in &report.warnings {
        eprintln!("gloss: warning: {}: {w}", p.display());
    }
    for r in &report.refused {
        eprintln!("gloss: refused: {}: {}", r.path.display(), r.reason);
    }
    println!(
        "imported {}, duplicates {}, refused {} (project {}: {} articles)",
        report.imported.len(),
        report.duplicates.len(),
        report.refused.len(),
        path.display(),
        project.articles().len()
    );
    Ok(u8::from(!report.refused.is_empty() || exchange_skipped > 0))
}

/// Char spans of every non-empty match of `re` in `text`.
#[must_use]
pub fn match_spans(re: &Regex, text: &crate::model::Text) -> Vec<Span> {
    re.find_iter(text.as_str())
        .filter(|m| !m.is_empty())
        .map(|m| Span::between(text.char_of(m.start()), text.char_of(m.end())))
        .collect()
}

fn tag_matches(path: &Path, pattern: &str, tag_path: &str, article: Option<u64>) -> Result<u8> {
    let re =
        Regex::new(pattern).with_context(|| format!("invalid regular expression {pattern:?}"))?;
    let (mut project, storage) = open(path)?;
    let targets: Vec<ArticleId> = match article {
        Some(id) => {
            let id = ArticleId(id);
            if project.article(id).is_none() {
                bail!("{id} does not exist in {}", path.display());
            }
            vec![id]
        }
        None => project.articles().map(|a| a.id).collect(),
    };
    let (tag, mut actions) = ops::ensure_tag_path(&mut project, tag_path)
        .with_context(|| format!("invalid tag {tag_path:?}"))?;
    let now = Timestamp::now();
    let mut tagged = 0;
    let mut articles = 0;
    for id in targets {
        let spans = match project.article(id) {
            Some(a) => match_spans(&re, &a.text),
            None => continue,
        };
        let (mut acts, n) = ops::tag_spans(&mut project, id, &spans, tag, now)?;
        if n > 0 {
            articles += 1;
        }
        tagged += n;
        actions.append(&mut acts);
    }
    project.apply(crate::model::Action::Batch {
        label: format!("tag matches of {pattern}"),
        actions,
    })?;
    save(&project, path, storage)?;
    println!("tagged {tagged} passage(s) in {articles} article(s) with {tag_path}");
    Ok(0)
}

fn export_project(path: &Path, format: ExportFormat, output: Option<&Path>) -> Result<u8> {
    let (project, _) = open(path)?;
    let base = project_file::project_dir(path);
    let name = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let bytes = match format {
        ExportFormat::Qdpx
        | ExportFormat::Qdc
        | ExportFormat::Brat
        | ExportFormat::Md
        | ExportFormat::Html => match super::exchange::export(&project, &name, format, output)? {
            Some(b) => b,
            None => return Ok(0),
        },
        ExportFormat::Csv => export::csv::to_csv(&project, Some(&base))?,
        ExportFormat::W3c => {
            let mut v =
                serde_json::to_vec_pretty(&export::w3c::to_w3c(&project, &name, Some(&base)))?;
            v.push(b'\n');
            v
        }
    };
    match output {
        Some(out) => crate::io::atomic::write_atomic(out, &bytes, false)
            .with_context(|| format!("cannot write {}", out.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(0)
}

fn search(
    path: &Path,
    query: &crate::model::search::Query,
    tags: &[String],
    status: Option<&str>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<u8> {
    use crate::model::search::{self, Filters};
    let re = query.compile()?;
    let (project, _) = open(path)?;
    let mut filters = Filters {
        from,
        to,
        ..Filters::default()
    };
    for t in tags {
        let id = project
            .codebook()
            .find_path(t)
            .with_context(|| format!("no tag {t:?} in {}", path.display()))?;
        filters.tags.push(id);
    }
    if let Some(s) = status {
        filters.status = Some(
            crate::model::ReviewStatus::parse(s)
                .with_context(|| format!("unknown status {s:?} (unread, in-progress, done)"))?,
        );
    }
    let hits = search::search(&project, &re, &filters);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut n = 0;
    for h in &hits {
        let Some(a) = project.article(h.article) else {
            continue;
        };
        for span in &h.spans {
            let (before, m, after) = search::context(&a.text, *span, 40);
            let line = format!("{before}{m}{after}").replace('\t', " ");
            writeln!(
                out,
                "{}\t{}\t{}\t{line}",
                h.article.0,
                span.start(),
                span.end()
            )?;
            n += 1;
        }
    }
    out.flush()?;
    Ok(u8::from(n == 0))
}

fn print_stats(path: &Path, json: bool, by: TimeBucket) -> Result<u8> {
    let (project, _) = open(path)?;
    let mut s = stats::stats(&project);
    if by == TimeBucket::Week {
        s.timeline = stats::timeline(&project, stats::Bucket::Week);
    }
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
        return Ok(0);
    }
    writeln!(
        out,
        "articles     {} ({} unread, {} in progress, {} done)",
        s.articles, s.unread, s.in_progress, s.done
    )?;
    writeln!(out, "annotations  {}", s.annotations)?;
    if s.orphans > 0 {
        writeln!(out, "orphans      {}", s.orphans)?;
    }
    writeln!(out, "tags         {}", s.tags)?;
    if !s.per_tag.is_empty() {
        let w = s
            .per_tag
            .iter()
            .map(|t| t.path.chars().count())
            .max()
            .unwrap_or(3)
            .max(3);
        writeln!(out)?;
        writeln!(
            out,
            "{:<w$}  {:>8}  {:>8}  {:>8}",
            "tag", "passages", "articles", "chars"
        )?;
        for t in &s.per_tag {
            writeln!(
                out,
                "{:<w$}  {:>8}  {:>8}  {:>8}",
                t.path, t.passages, t.articles, t.chars
            )?;
        }
    }
    if !s.cooccurrence.is_empty() {
        writeln!(out, "\nco-occurrence (same or overlapping passages)")?;
        for c in &s.cooccurrence {
            writeln!(out, "  {:>6}  {} + {}", c.count, c.a, c.b)?;
        }
    }
    if !s.timeline.labels.is_empty() {
        let unit = if by == TimeBucket::Week {
            "ISO week"
        } else {
            "month"
        };
        writeln!(out, "\npassages per tag by {unit}")?;
        let w = s
            .timeline
            .series
            .iter()
            .map(|(p, _)| p.chars().count())
            .max()
            .unwrap_or(3)
            .max(3);
        write!(out, "  {:<w$}", "tag")?;
        for l in &s.timeline.labels {
            write!(out, " {l:>8}")?;
        }
        writeln!(out)?;
        for (path, counts) in &s.timeline.series {
            write!(out, "  {path:<w$}")?;
            for c in counts {
                write!(out, " {c:>8}")?;
            }
            writeln!(out)?;
        }
        if s.timeline.undated > 0 {
            writeln!(
                out,
                "  ({} passages in undated articles)",
                s.timeline.undated
            )?;
        }
    }
    if !s.per_article.is_empty() {
        writeln!(out, "\npassages per article")?;
        for a in &s.per_article {
            let tags: Vec<String> = a.per_tag.iter().map(|(t, n)| format!("{t} {n}")).collect();
            writeln!(
                out,
                "  {:>6}  {:>4}  {}  [{}]",
                a.id,
                a.passages,
                a.title,
                tags.join(", ")
            )?;
        }
    }
    Ok(0)
}
