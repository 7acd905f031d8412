//! Team commands: merging projects (by hand and as git's merge driver),
//! setting up a git repository, and intercoder agreement.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::Global;
use super::session;
use crate::io::limits::Limits;
use crate::io::paths::shown;
use crate::io::project_file::{self, SaveOptions};
use crate::model::merge::{self, Sides, Summary};
use crate::model::{Action, Conflict};

/// Runs a team command (merge, merge-driver, agree, git-setup).
pub(super) fn run(out: &mut dyn Write, command: super::Command, global: &Global) -> Result<u8> {
    use super::Command;
    match command {
        Command::Merge {
            ours,
            theirs,
            output,
            json,
        } => super::team::merge(out, &ours, &theirs, output.as_deref(), json, global),
        Command::MergeDriver {
            base,
            ours,
            theirs,
            path,
        } => Ok(super::team::merge_driver(&base, &ours, &theirs, &path)),
        Command::Agree {
            projects,
            analysts,
            tag,
            threshold,
            json,
        } => super::team::agree(out, &projects, analysts, tag.as_deref(), threshold, json),
        Command::GitSetup { repo } => super::team::git_setup(out, repo.as_deref()),
        _ => unreachable!("not a team command"),
    }
}

fn label_of(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "theirs".into(), |s| s.to_string_lossy().into_owned())
}

fn report(
    out: &mut dyn Write,
    summary: &Summary,
    conflicts: &[Conflict],
    json: bool,
) -> Result<()> {
    for c in conflicts {
        eprintln!("gloss: conflict: {c}");
    }
    if json {
        serde_json::to_writer_pretty(
            &mut *out,
            &serde_json::json!({
                "summary": summary,
                "conflicts": conflicts.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }),
        )?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "merged: {} added, {} changed, {} removed, {} already present; {} added, {} removed; {} added, {} removed; {}",
        crate::model::plural(summary.passages_added, "passage"),
        summary.passages_changed,
        summary.passages_removed,
        summary.duplicates,
        crate::model::plural(summary.articles_added, "article"),
        summary.articles_removed,
        crate::model::plural(summary.tags_added, "tag"),
        summary.tags_removed,
        crate::model::plural(conflicts.len(), "conflict"),
    )?;
    Ok(())
}

/// `gloss merge OURS THEIRS [-o OUT]`.
pub(super) fn merge(
    out: &mut dyn Write,
    ours: &Path,
    theirs: &Path,
    output: Option<&Path>,
    json: bool,
    global: &Global,
) -> Result<u8> {
    let their = session::read(theirs)?;
    let label = label_of(theirs);
    let merge_into = |p: &crate::model::Project| {
        merge::merge(Sides {
            base: None,
            ours: p,
            theirs: &their.project,
            theirs_label: &label,
        })
        .map_err(|problems| {
            anyhow::anyhow!(
                "the merge would break the project: {}",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })
    };
    match output {
        None => {
            let mut opened = session::for_change(ours, global, "merging into it", false)?;
            let merged = merge_into(&opened.project)?;
            let (summary, conflicts) = (merged.summary, merged.conflicts);
            if merged.changed {
                opened.project.apply(Action::Replace {
                    label: format!("merge {label}"),
                    project: Box::new(merged.project),
                })?;
                opened.save(global)?;
            }
            report(out, &summary, &conflicts, json)?;
        }
        Some(o) => {
            let opened = session::read(ours)?;
            let merged = merge_into(&opened.project)?;
            project_file::save_with(&merged.project, o, &SaveOptions::new(opened.storage))
                .with_context(|| format!("the merged project was not saved to {}", shown(o)))?;
            report(out, &merged.summary, &merged.conflicts, json)?;
        }
    }
    Ok(0)
}

fn read_version(path: &Path) -> Result<String> {
    let bytes = crate::io::read::read_bounded(path, Limits::get().project_bytes)
        .with_context(|| format!("cannot read {}", shown(path)))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", shown(path)))?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// `gloss merge-driver %O %A %B %P`: never fails loudly — on any error git
/// is told the merge failed (exit 1) and keeps ours, marked conflicted.
pub(super) fn merge_driver(base: &Path, ours: &Path, theirs: &Path, path: &Path) -> u8 {
    // `*.ron merge=gloss` also catches RON files that are not Gloss projects:
    // those get git's own line-based merge.
    let texts = (read_version(base), read_version(ours), read_version(theirs));
    if let (Ok(b), Ok(o), Ok(t)) = &texts
        && !(project_file::is_project_text(o)
            && project_file::is_project_text(t)
            && (b.trim().is_empty() || project_file::is_project_text(b)))
    {
        return text_merge(base, ours, theirs, path);
    }
    let run = || -> Result<Vec<Conflict>> {
        let at = std::env::current_dir()?.join(path);
        let (b, o, t) = texts;
        let merged = project_file::merge_files(&b?, &o?, &t?, &at, "their branch")?;
        // git reads the result from OURS; write it in one go.
        crate::io::atomic::write_atomic(ours, merged.ron.as_bytes(), false)
            .with_context(|| format!("cannot write {}", shown(ours)))?;
        Ok(merged.conflicts)
    };
    match run() {
        Ok(conflicts) => {
            for c in &conflicts {
                eprintln!("gloss: {}: conflict: {c}", path.display());
            }
            if !conflicts.is_empty() {
                eprintln!(
                    "gloss: {}: {} resolved and recorded in the project (open it in Gloss to review them)",
                    path.display(),
                    crate::model::plural(conflicts.len(), "conflict")
                );
            }
            0
        }
        Err(e) => {
            eprintln!(
                "gloss: {}: cannot merge ({}); git keeps our version and marks the file as conflicted",
                path.display(),
                super::message(&e)
            );
            1
        }
    }
}

/// git's line-based three-way merge (`git merge-file`), for RON files that
/// are not Gloss projects: 0 when clean, 1 with conflict markers left in OURS.
fn text_merge(base: &Path, ours: &Path, theirs: &Path, path: &Path) -> u8 {
    let name = path.display().to_string();
    let st = std::process::Command::new("git")
        .args(["merge-file", "-L", &name, "-L", "base", "-L", "theirs"])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .status();
    match st {
        Ok(s) if s.success() => 0,
        Ok(_) => 1,
        Err(e) => {
            eprintln!("gloss: {name}: not a Gloss project, and git merge-file could not run ({e})");
            1
        }
    }
}

/// `gloss git-setup [REPO]`.
pub(super) fn git_setup(out: &mut dyn Write, repo: Option<&Path>) -> Result<u8> {
    let repo: PathBuf = repo.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let top = std::process::Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .context("cannot run git (is it installed?)")?;
    if !top.status.success() {
        bail!(
            "{} is not inside a git repository: {}",
            shown(&repo),
            String::from_utf8_lossy(&top.stderr).trim()
        );
    }
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim().to_owned());
    let exe = std::env::current_exe().context("cannot tell where this gloss is")?;
    let exe = exe.canonicalize().unwrap_or(exe);
    let quoted = format!("'{}'", exe.display().to_string().replace('\'', r"'\''"));
    for (key, value) in [
        ("merge.gloss.name", "Gloss project merge".to_owned()),
        (
            "merge.gloss.driver",
            format!("{quoted} merge-driver %O %A %B %P"),
        ),
    ] {
        let st = std::process::Command::new("git")
            .arg("-C")
            .arg(&top)
            .args(["config", key, &value])
            .status()
            .context("cannot run git config")?;
        if !st.success() {
            bail!("git config {key} failed");
        }
    }
    let added_attr = add_lines(&top.join(".gitattributes"), &["*.ron merge=gloss"])?;
    let added_ignore = add_lines(
        &top.join(".gitignore"),
        &["*.ron.lock", "*.ron.bak", "*.ron.recovery"],
    )?;
    writeln!(
        out,
        "git-setup: {} merges project files with {}",
        shown(&top),
        exe.display()
    )?;
    if added_attr + added_ignore > 0 {
        writeln!(
            out,
            "added {} to .gitattributes and .gitignore; commit them so your team's clones use them too",
            crate::model::plural(added_attr + added_ignore, "line")
        )?;
    }
    writeln!(
        out,
        "each analyst runs `gloss git-setup` once in their clone (git config is not shared)"
    )?;
    Ok(0)
}

/// Appends the `lines` that `file` lacks; returns how many.
fn add_lines(file: &Path, lines: &[&str]) -> Result<usize> {
    let old = match std::fs::read_to_string(file) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", shown(file))),
    };
    let missing: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !old.lines().any(|x| x.trim() == *l))
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    let mut new = old.clone();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    for l in &missing {
        new.push_str(l);
        new.push('\n');
    }
    crate::io::atomic::write_atomic(file, new.as_bytes(), false)
        .with_context(|| format!("cannot write {}", shown(file)))?;
    Ok(missing.len())
}

/// `gloss agree PROJECT… [--analysts A,B] [--tag NAME] [--json]`.
pub(super) fn agree(
    out: &mut dyn Write,
    projects: &[PathBuf],
    analysts: Vec<String>,
    tag: Option<&str>,
    threshold: f64,
    json: bool,
) -> Result<u8> {
    use crate::model::agree;
    if !(threshold > 0.0 && threshold <= 1.0) {
        bail!("--threshold must be above 0 and at most 1, not {threshold}");
    }
    let mut project = session::read(&projects[0])?.into_project();
    for other in &projects[1..] {
        let theirs = session::read(other)?.into_project();
        let merged = merge::merge(Sides {
            base: None,
            ours: &project,
            theirs: &theirs,
            theirs_label: &label_of(other),
        })
        .map_err(|p| anyhow::anyhow!("cannot combine {}: {p:?}", shown(other)))?;
        project = merged.project;
    }
    let tag = match tag {
        Some(path) => Some(project.codebook().find_path(path).with_context(|| {
            format!("no tag {path:?} in the project (use Parent/Child for a nested tag)")
        })?),
        None => None,
    };
    let report = agree::agreement(
        &project,
        &agree::Options {
            analysts,
            tag,
            threshold,
        },
    )?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
        return Ok(0);
    }
    print_agreement(out, &report)?;
    Ok(0)
}

fn print_agreement(out: &mut dyn Write, r: &crate::model::agree::Agreement) -> Result<()> {
    let f = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), |v| format!("{v:.3}"));
    writeln!(
        out,
        "analysts: {}; units: the characters of {} coded by all",
        r.analysts.join(", "),
        crate::model::plural(r.articles.len(), "article")
    )?;
    let w = r
        .per_tag
        .iter()
        .map(|t| t.path.chars().count())
        .max()
        .unwrap_or(3)
        .max(7);
    writeln!(
        out,
        "\n{:w$}  {:>10}  {:>7}  {:>7}  {:>7}  {:>7}",
        "tag", "chars", "agree", "cohen κ", "fleiss κ", "α"
    )?;
    let mut row = |name: &str, x: &crate::model::agree::Figures| {
        writeln!(
            out,
            "{name:w$}  {:>10}  {:>7}  {:>7}  {:>8}  {:>7}",
            x.counts.units,
            f(x.percent_agreement),
            f(x.cohen_kappa),
            f(x.fleiss_kappa),
            f(x.krippendorff_alpha)
        )
    };
    for t in &r.per_tag {
        row(&t.path, &t.chars)?;
    }
    row("overall", &r.overall)?;
    writeln!(
        out,
        "\npassages matched at Jaccard ≥ {} (reference → other: matched/ref/other, precision, recall, F1)",
        r.threshold
    )?;
    for t in &r.per_tag {
        for m in &t.passages {
            if m.reference_passages + m.other_passages == 0 {
                continue;
            }
            writeln!(
                out,
                "{:w$}  {} → {}: {}/{}/{}  P {}  R {}  F1 {}",
                t.path,
                m.reference,
                m.other,
                m.matched,
                m.reference_passages,
                m.other_passages,
                f(m.precision),
                f(m.recall),
                f(m.f1)
            )?;
        }
    }
    Ok(())
}
