//! Exchange formats on the command line: REFI-QDA and brat imports, and the
//! exports that write files or folders.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::model::Project;

/// What an exchange import did, in one line, plus what it could not keep.
pub(super) struct Imported {
    pub summary: String,
    pub skipped: Vec<String>,
}

/// True when `path` is a brat folder (it holds `.ann` files).
pub(super) fn is_brat_folder(path: &Path) -> bool {
    path.is_dir()
        && std::fs::read_dir(path).is_ok_and(|d| {
            d.filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "ann"))
        })
}

/// Imports `path` if it is a REFI-QDA file or a brat folder; `None` for
/// anything else (ordinary article files and folders).
pub(super) fn import(project: &mut Project, path: &Path) -> Option<Result<Imported>> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let result = match ext.as_str() {
        "qdpx" => crate::io::refi::import_qdpx(project, path)
            .map(|(a, r)| {
                (
                    a,
                    format!(
                        "{}: {} article(s) added, {} matched, {} tag(s), {} passage(s)",
                        path.display(),
                        r.articles_added,
                        r.articles_matched,
                        r.tags_added,
                        r.annotations
                    ),
                    r.skipped,
                )
            })
            .with_context(|| format!("cannot import {}", path.display())),
        "qdc" => crate::io::refi::import_qdc(project, path)
            .map(|(a, r)| {
                (
                    a,
                    format!("{}: {} tag(s) added", path.display(), r.tags_added),
                    r.skipped,
                )
            })
            .with_context(|| format!("cannot import {}", path.display())),
        _ if is_brat_folder(path) => crate::io::brat::import_folder(project, path)
            .map(|(a, r)| {
                let mut skipped = r.skipped;
                if r.split_fragments > 0 {
                    skipped.push(format!(
                        "{} discontinuous span(s) became one passage per fragment",
                        r.split_fragments
                    ));
                }
                (
                    a,
                    format!(
                        "{}: {} document(s), {} article(s) added, {} passage(s)",
                        path.display(),
                        r.documents,
                        r.articles_added,
                        r.annotations
                    ),
                    skipped,
                )
            })
            .map_err(|e| anyhow::anyhow!("cannot import {}: {e}", path.display())),
        _ => return None,
    };
    Some(result.and_then(|(action, summary, skipped)| {
        project
            .apply(action)
            .with_context(|| format!("adding what {} holds", path.display()))?;
        Ok(Imported { summary, skipped })
    }))
}

/// Writes an export that is a file or folder of its own.
pub(super) fn export(
    project: &Project,
    name: &str,
    format: super::ExportFormat,
    out: Option<&Path>,
) -> Result<Option<Vec<u8>>> {
    use super::ExportFormat as F;
    let needs_path = |what: &str| -> Result<&Path> {
        out.with_context(|| format!("--format {what} writes files: give -o PATH"))
    };
    match format {
        F::Qdpx => {
            let p = needs_path("qdpx")?;
            crate::io::refi::write_qdpx(project, name, p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            Ok(None)
        }
        F::Qdc => {
            let p = needs_path("qdc")?;
            crate::io::refi::write_qdc(project, p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            Ok(None)
        }
        F::Brat => {
            let p = needs_path("brat")?;
            if p.exists() && !p.is_dir() {
                bail!("{} exists and is not a folder", p.display());
            }
            crate::io::brat::write_folder(project, p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            Ok(None)
        }
        F::Md => Ok(Some(
            crate::export::report::to_markdown(project, name).into_bytes(),
        )),
        F::Html => Ok(Some(
            crate::export::report::to_html(project, name).into_bytes(),
        )),
        F::Csv | F::W3c => Ok(None),
    }
}
