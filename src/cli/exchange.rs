//! Exchange formats on the command line: REFI-QDA and brat imports, and the
//! exports that write files or folders.

use std::path::Path;

use anyhow::{Context, Result};

use crate::io::paths::{escaped, shown};

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
pub(super) fn import(
    project: &mut Project,
    path: &Path,
    external: Option<&Path>,
) -> Option<Result<Imported>> {
    let opts = crate::io::refi::ImportOptions {
        external_sources: external.map(Path::to_path_buf),
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let result = match ext.as_str() {
        "qdpx" => crate::io::refi::import_qdpx(project, path, &opts)
            .map(|(a, r)| {
                for w in &r.warnings {
                    eprintln!("gloss: warning: {}: {}", shown(path), escaped(w));
                }
                (
                    a,
                    format!(
                        "{}: {} article(s) added, {} matched, {} tag(s), {} passage(s)",
                        shown(path),
                        r.articles_added,
                        r.articles_matched,
                        r.tags_added,
                        r.annotations
                    ),
                    r.skipped,
                )
            })
            .with_context(|| format!("cannot import {}", shown(path))),
        "qdc" => crate::io::refi::import_qdc(project, path)
            .map(|(a, r)| {
                for w in &r.warnings {
                    eprintln!("gloss: warning: {}: {}", shown(path), escaped(w));
                }
                (
                    a,
                    format!("{}: {} tag(s) added", shown(path), r.tags_added),
                    r.skipped,
                )
            })
            .with_context(|| format!("cannot import {}", shown(path))),
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
                        shown(path),
                        r.documents,
                        r.articles_added,
                        r.annotations
                    ),
                    skipped,
                )
            })
            .map_err(|e| anyhow::anyhow!("cannot import {}: {e}", shown(path))),
        _ => return None,
    };
    Some(result.and_then(|(action, summary, skipped)| {
        project
            .apply(action)
            .with_context(|| format!("adding what {} holds", shown(path)))?;
        Ok(Imported { summary, skipped })
    }))
}
