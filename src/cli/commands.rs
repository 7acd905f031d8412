//! The subcommands' bodies.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::{Command, ExportFormat, Global, TimeBucket, session};
use crate::io::paths::shown;
use crate::io::project_file;
use crate::model::{ArticleId, ops, plural, stats};

/// Runs one subcommand; returns the exit code for a normal outcome.
///
/// # Errors
/// A fatal error (exit code 2).
pub fn run_command(command: Command, global: &Global) -> Result<u8> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let code = match command {
        Command::Import {
            project,
            paths,
            allow_external_sources,
        } => import(
            &mut out,
            &project,
            &paths,
            allow_external_sources.as_deref(),
            global,
        ),
        Command::Tag {
            project,
            pattern,
            tag,
            article,
            max,
        } => tag_matches(&mut out, &project, &pattern, &tag, article, max, global),
        Command::Export {
            project,
            format,
            output,
        } => export_project(&mut out, &project, format, output.as_deref(), global),
        Command::Check {
            project,
            resync,
            repair,
            gc,
        } => super::check::check(
            &mut out,
            &project,
            super::check::Mode { resync, repair, gc },
            global,
        ),
        Command::Stats { project, json, by } => print_stats(&mut out, &project, json, by),
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
            search(
                &mut out,
                &project,
                &query,
                &tag,
                status.as_deref(),
                from,
                to,
            )
        }
    }?;
    out.flush()?;
    Ok(code)
}

fn import(
    out: &mut dyn Write,
    path: &Path,
    paths: &[PathBuf],
    external: Option<&Path>,
    global: &Global,
) -> Result<u8> {
    use crate::exchange::import::{self, Severity};
    let mut opened = session::for_change(path, global, "import", true)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} reading {pos}/{len} files {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let opts = import::Options {
        external_sources: external.map(Path::to_path_buf),
    };
    let imported = import::import(&opened.project, paths, &opts, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    opened
        .project
        .apply(imported.action.clone())
        .context("adding what was imported")?;
    opened.save(global)?;
    for (severity, line) in import::report_lines(&imported) {
        match severity {
            Severity::Info => writeln!(out, "{line}")?,
            s => eprintln!("gloss: {}: {line}", s.label()),
        }
    }
    let r = &imported.articles;
    if !r.imported.is_empty()
        || !r.refused.is_empty()
        || !r.duplicates.is_empty()
        || imported.exchange.is_empty()
    {
        writeln!(
            out,
            "imported {}, duplicates {}, refused {} (project {}: {})",
            r.imported.len(),
            r.duplicates.len(),
            r.refused.len(),
            shown(path),
            plural(opened.project.articles().len(), "article")
        )?;
    }
    Ok(u8::from(imported.lost_something()))
}

fn tag_matches(
    out: &mut dyn Write,
    path: &Path,
    pattern: &str,
    tag_path: &str,
    article: Option<u64>,
    max: Option<usize>,
    global: &Global,
) -> Result<u8> {
    // The same pattern rules as the window's find and search (multi-line).
    let re = crate::model::search::Query {
        pattern: pattern.to_owned(),
        regex: true,
        ..Default::default()
    }
    .compile()
    .with_context(|| format!("invalid regular expression {pattern:?}"))?;
    let mut opened = session::for_change(path, global, "tag", false)?;
    let project = &mut opened.project;
    let targets: Vec<ArticleId> = match article {
        Some(id) => {
            let id = ArticleId(id);
            if project.article(id).is_none() {
                bail!("{id} does not exist in {}", shown(path));
            }
            vec![id]
        }
        None => project.articles().map(|a| a.id).collect(),
    };
    let max = max.unwrap_or_else(|| crate::io::limits::Limits::get().matches);
    let done = ops::tag_matches(project, &targets, &re, tag_path, &global.stamp(), max)
        .with_context(|| format!("cannot tag the matches of {pattern:?} with {tag_path:?}"))?;
    project.apply(done.action)?;
    opened.save(global)?;
    writeln!(
        out,
        "tagged {} in {} with {tag_path}",
        plural(done.passages, "passage"),
        plural(done.articles, "article")
    )?;
    Ok(0)
}

fn export_project(
    out: &mut dyn Write,
    path: &Path,
    format: ExportFormat,
    output: Option<&Path>,
    global: &Global,
) -> Result<u8> {
    let opened = session::read(path)?;
    let project = &opened.project;
    let ctx = crate::exchange::format::Context {
        name: path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        project_path: Some(project_file::absolute(path)),
        texts_in_folder: opened.storage == project_file::TextStorage::Folder,
        analyst: global.stamp().by.unwrap_or_default(),
    };
    let format = format.format();
    for c in format.cautions(project) {
        eprintln!("gloss: note: {c}");
    }
    let to_stdout = output.is_none_or(|o| o == Path::new("-"));
    if to_stdout {
        if format.is_folder() {
            bail!("--format brat writes a folder of files: give -o FOLDER");
        }
        if format.is_binary() && output.is_none() {
            bail!(
                "--format qdpx writes a zip archive: give -o FILE.qdpx (or -o - for standard output)"
            );
        }
        out.write_all(&format.render(project, &ctx)?)?;
        return Ok(0);
    }
    let out_path = output.unwrap_or(Path::new("-"));
    let protected = project_file::protected(project, path);
    format
        .write(project, &ctx, out_path, &protected)
        .with_context(|| format!("nothing was exported to {}", shown(out_path)))?;
    Ok(0)
}

fn search(
    out: &mut dyn Write,
    path: &Path,
    query: &crate::model::search::Query,
    tags: &[String],
    status: Option<&str>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<u8> {
    use crate::model::search::{self, Filters};
    let re = query.compile()?;
    let opened = session::read(path)?;
    let project = &opened.project;
    let mut filters = Filters {
        from,
        to,
        ..Filters::default()
    };
    for t in tags {
        let id = project
            .codebook()
            .find_path(t)
            .with_context(|| format!("no tag {t:?} in {}", shown(path)))?;
        filters.tags.push(id);
    }
    if let Some(s) = status {
        filters.status = Some(
            crate::model::ReviewStatus::parse(s)
                .with_context(|| format!("unknown status {s:?} (unread, in-progress, done)"))?,
        );
    }
    let hits = search::search(project, &re, &filters);
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
    Ok(u8::from(n == 0))
}

fn print_stats(out: &mut dyn Write, path: &Path, json: bool, by: TimeBucket) -> Result<u8> {
    let opened = session::read(path)?;
    let project = &opened.project;
    let mut s = stats::stats(project);
    if by == TimeBucket::Week {
        s.timeline = stats::timeline(project, stats::Bucket::Week);
    }
    if json {
        serde_json::to_writer_pretty(&mut *out, &s)?;
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
