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
            layer,
        } => export_project(
            &mut out,
            &project,
            format,
            output.as_deref(),
            layer.as_deref(),
            global,
        ),
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
        team @ (Command::Merge { .. }
        | Command::MergeDriver { .. }
        | Command::Agree { .. }
        | Command::GitSetup { .. }) => super::team::run(&mut out, team, global),
        Command::Stats { project, json, by } => match by.as_str() {
            "month" => print_stats(&mut out, &project, json, TimeBucket::Month),
            "week" => print_stats(&mut out, &project, json, TimeBucket::Week),
            attribute => print_cross_tab(&mut out, &project, json, attribute),
        },
        Command::Bench { sizes, dir, runs } => super::bench::run(
            &mut out,
            &super::bench::Options { sizes, dir, runs },
            global,
        ),
        Command::Articles { project, json } => print_articles(&mut out, &project, json),
        Command::Attributes { project, from } => set_attributes(&mut out, &project, &from, global),
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
    let mut imported = import::import(&opened.project, paths, &opts, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    });
    bar.finish_and_clear();
    opened
        .project
        .apply(imported.take_action())
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
    let started = std::time::Instant::now();
    let done = ops::tag_matches(project, &targets, &re, tag_path, &global.stamp(), max)
        .with_context(|| format!("cannot tag the matches of {pattern:?} with {tag_path:?}"))?;
    tracing::debug!(
        "found {} matches in {:.2?}",
        done.passages,
        started.elapsed()
    );
    project.apply(done.action)?;
    tracing::debug!("tagged them after {:.2?}", started.elapsed());
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
    layer: Option<&str>,
    global: &Global,
) -> Result<u8> {
    let opened = session::read(path)?;
    let filtered;
    let project = match layer {
        None => &opened.project,
        Some(l) => {
            let layers = crate::model::agree::layers(&opened.project);
            if !layers.iter().any(|x| x == l) {
                bail!(
                    "no passages in layer {l:?} (layers here: {})",
                    if layers.is_empty() {
                        "none".to_owned()
                    } else {
                        layers.join(", ")
                    }
                );
            }
            filtered = crate::model::compare::only_layer(&opened.project, l);
            &filtered
        }
    };
    let ctx = crate::exchange::format::Context {
        name: path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
        project_path: Some(project_file::absolute(path)),
        texts_in_folder: opened.storage == project_file::TextStorage::Folder,
        analyst: global.stamp().by.as_deref().unwrap_or_default().to_owned(),
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
    let mut filters = Filters {
        from,
        to,
        ..Filters::default()
    };
    if let Some(s) = status {
        filters.status = Some(
            crate::model::ReviewStatus::parse(s)
                .with_context(|| format!("unknown status {s:?} (unread, in-progress, done)"))?,
        );
    }
    let mut n = 0;
    if tags.is_empty() {
        // No passages needed: the texts are read a batch at a time, searched
        // as they are read, and the matches printed as they are found.
        let mut failed = None;
        // Articles the status or dates leave out are not read.
        let scan = project_file::scan(
            path,
            SEARCH_BATCH,
            |status, date| filters.admits_listed(status, date),
            |a| hit_lines(a, search::match_places(&re, a.text.as_str())),
            |batch| {
                for (hits, lines) in batch {
                    if let Err(e) = out.write_all(lines.as_bytes()) {
                        failed = Some(e);
                        return false;
                    }
                    n += hits;
                }
                true
            },
        )?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        for w in &scan.warnings {
            eprintln!("gloss: warning: {w}");
        }
        return Ok(u8::from(n == 0));
    }
    let opened = session::read(path)?;
    let project = &opened.project;
    for t in tags {
        let id = project
            .codebook()
            .find_path(t)
            .with_context(|| format!("no tag {t:?} in {}", shown(path)))?;
        filters.tags.push(id);
    }
    for h in search::search(project, &re, &filters) {
        let Some(a) = project.article(h.article) else {
            continue;
        };
        let places = h.spans.iter().map(|&s| {
            let (start, end) = a.text.bytes_of(s);
            (s, start..end)
        });
        let (hits, lines) = hit_lines(a, places);
        out.write_all(lines.as_bytes())?;
        n += hits;
    }
    Ok(u8::from(n == 0))
}

/// Articles whose texts `gloss search` reads and searches at a time.
const SEARCH_BATCH: usize = 2_048;

/// `gloss search`'s output lines for the matches in one article: article id,
/// start, end (chars), and the match in its context on one line; and how
/// many matches there were.
fn hit_lines(
    a: &crate::model::Article,
    places: impl Iterator<Item = (crate::model::Span, std::ops::Range<usize>)>,
) -> (usize, String) {
    thread_local! {
        /// Where the lines are made before being copied out at their size:
        /// one allocation per article instead of one per doubling.
        static LINES: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    LINES.with_borrow_mut(|out| {
        out.clear();
        let hits = push_hit_lines(out, a, places);
        (hits, out.as_str().to_owned())
    })
}

/// Appends [`hit_lines`]'s lines to `out`; returns how many.
fn push_hit_lines(
    out: &mut String,
    a: &crate::model::Article,
    places: impl Iterator<Item = (crate::model::Span, std::ops::Range<usize>)>,
) -> usize {
    let mut hits = 0;
    let mut n = itoa::Buffer::new();
    for (span, bytes) in places {
        hits += 1;
        let (before, m, after) = crate::model::search::context_parts_at(&a.text, span, bytes, 40);
        out.push_str(n.format(a.id.0));
        out.push('\t');
        out.push_str(n.format(span.start()));
        out.push('\t');
        out.push_str(n.format(span.end()));
        out.push('\t');
        // On one line: line breaks and tabs (the field separator) as spaces.
        for part in [before, m, after] {
            let from = out.len();
            out.push_str(part);
            if memchr::memchr2(b'\n', b'\t', part.as_bytes()).is_some() {
                let flat = out[from..].replace(['\n', '\t'], " ");
                out.truncate(from);
                out.push_str(&flat);
            }
        }
        out.push('\n');
    }
    hits
}

/// `gloss stats --by ATTRIBUTE`: passages per tag per attribute value.
fn print_cross_tab(out: &mut dyn Write, path: &Path, json: bool, name: &str) -> Result<u8> {
    let opened = session::read(path)?;
    let t = stats::cross_tab(&opened.project, name);
    if json {
        serde_json::to_writer_pretty(&mut *out, &t)?;
        writeln!(out)?;
        return Ok(0);
    }
    let w = t
        .series
        .iter()
        .map(|(p, _)| p.chars().count())
        .max()
        .unwrap_or(3)
        .max(3);
    writeln!(out, "passages per tag by {name}")?;
    let widths: Vec<usize> = t.values.iter().map(|v| v.chars().count().max(6)).collect();
    write!(out, "{:<w$}", "tag")?;
    for (v, vw) in t.values.iter().zip(&widths) {
        write!(out, "  {v:>vw$}")?;
    }
    writeln!(out)?;
    for (path, counts) in &t.series {
        write!(out, "{path:<w$}")?;
        for (c, vw) in counts.iter().zip(&widths) {
            write!(out, "  {c:>vw$}")?;
        }
        writeln!(out)?;
    }
    write!(out, "{:<w$}", "(articles)")?;
    for (c, vw) in t.articles.iter().zip(&widths) {
        write!(out, "  {c:>vw$}")?;
    }
    writeln!(out)?;
    Ok(0)
}

/// `gloss attributes --from TABLE.csv`.
fn set_attributes(out: &mut dyn Write, path: &Path, table: &Path, global: &Global) -> Result<u8> {
    let bytes = crate::io::read::read_input(table)
        .with_context(|| format!("cannot read {}", shown(table)))?;
    let mut opened = session::for_change(path, global, "set attributes", false)?;
    let project = &mut opened.project;
    let t = crate::exchange::attributes::from_csv(project, &bytes)
        .with_context(|| format!("cannot use {}", shown(table)))?;
    for key in &t.unmatched {
        eprintln!("gloss: {}: no article {key:?} in the project", shown(table));
    }
    project.apply(t.action)?;
    opened.save(global)?;
    writeln!(
        out,
        "set {} on {}",
        plural(t.values, "value"),
        plural(t.articles, "article")
    )?;
    Ok(u8::from(!t.unmatched.is_empty()))
}

/// `gloss articles`: what an import produced.
fn print_articles(out: &mut dyn Write, path: &Path, json: bool) -> Result<u8> {
    let opened = session::read(path)?;
    let project = &opened.project;
    let names = crate::model::attributes::names(project.articles());
    if json {
        let list: Vec<serde_json::Value> = project
            .articles()
            .map(|a| {
                let attrs: serde_json::Map<String, serde_json::Value> = names
                    .iter()
                    .filter_map(|n| {
                        let v = crate::model::attributes::attribute(a, n)?;
                        let j = match v {
                            crate::model::attributes::Value::Number(x) => serde_json::json!(x),
                            other => serde_json::json!(other.to_string()),
                        };
                        Some((n.clone(), j))
                    })
                    .collect();
                serde_json::json!({
                    "id": a.id.0,
                    "title": a.title,
                    "source": a.source.to_string_lossy(),
                    "status": a.status.label(),
                    "attributes": attrs,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(0);
    }
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    write!(out, "id\ttitle\tsource")?;
    for n in &names {
        write!(out, "\t{n}")?;
    }
    writeln!(out)?;
    for a in project.articles() {
        write!(
            out,
            "{}\t{}\t{}",
            a.id.0,
            clean(&a.title),
            clean(&a.source.to_string_lossy())
        )?;
        for n in &names {
            let v = crate::model::attributes::attribute(a, n).map(|v| v.to_string());
            write!(out, "\t{}", clean(v.as_deref().unwrap_or("")))?;
        }
        writeln!(out)?;
    }
    Ok(0)
}

fn print_stats(out: &mut dyn Write, path: &Path, json: bool, by: TimeBucket) -> Result<u8> {
    let opened = session::read(path)?;
    let project = &opened.project;
    if json {
        let mut s = stats::stats(project);
        if by == TimeBucket::Week {
            s.timeline = stats::timeline(project, stats::Bucket::Week);
        }
        serde_json::to_writer_pretty(&mut *out, &s)?;
        writeln!(out)?;
        return Ok(0);
    }
    // The table per article is written as it is made, not held whole.
    let (mut s, per_article) = stats::summary_and_articles(project);
    if by == TimeBucket::Week {
        s.timeline = stats::timeline(project, stats::Bucket::Week);
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
    print_per_article(out, per_article)
}

/// The passages-per-article table of `gloss stats`, written as it is made.
fn print_per_article(
    out: &mut dyn Write,
    per_article: impl Iterator<Item = stats::ArticleStats>,
) -> Result<u8> {
    let mut per_article = per_article.peekable();
    if per_article.peek().is_some() {
        writeln!(out, "\npassages per article")?;
        for a in per_article {
            write!(out, "  {:>6}  {:>4}  {}  [", a.id, a.passages, a.title)?;
            for (i, (t, n)) in a.per_tag.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                write!(out, "{sep}{t} {n}")?;
            }
            writeln!(out, "]")?;
        }
    }
    Ok(0)
}
