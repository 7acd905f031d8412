//! Importing REFI-QDA files: `.qdpx` archives (their `project.qde` is read by
//! [`super::read_project`]) and `.qdc` codebooks, with the codebook walk both
//! share.
//!
//! Whatever Gloss cannot represent (pictures, PDFs, audio, video, cases,
//! sets, links, graphs, selections with neither a code nor a note) is named
//! in the report, never dropped silently.

use std::path::{Path, PathBuf};

use super::build::{Builder, RefiReport};
use super::grammar::RefiError;
use super::xml::parse_xml;
use crate::io::article::archive_member;
use crate::model::{Action, Project};

// ---------------------------------------------------------------- import

/// How a `.qdpx` import may read sources.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Sources the project names outside the archive (`absolute://` and
    /// `relative://` paths) are read only when they are regular files inside
    /// this folder; without it, only the archive's own sources are read.
    pub external_sources: Option<std::path::PathBuf>,
}

/// Reads a source named outside the archive, if `allowed` lets it.
fn read_external(named: &str, path: &Path, allowed: Option<&Path>) -> Result<Vec<u8>, String> {
    let Some(allowed) = allowed else {
        return Err(format!(
            "{named} is outside the archive; not read (pass --allow-external-sources FOLDER to read files inside FOLDER)"
        ));
    };
    let shown = crate::io::paths::shown;
    let folder = std::fs::canonicalize(allowed)
        .map_err(|e| format!("the allowed folder {}: {e}", shown(allowed)))?;
    let target = std::fs::canonicalize(path).map_err(|e| format!("{named}: {e}"))?;
    if !target.starts_with(&folder) {
        return Err(format!(
            "{named} is outside the allowed folder {}; not read",
            shown(allowed)
        ));
    }
    crate::io::read::read_input(&target).map_err(|e| format!("{named}: {e}"))
}

/// Imports a `.qdpx` archive into `project` as one undoable action.
///
/// # Errors
/// [`RefiError`] when the archive or its XML cannot be read.
pub fn import_qdpx(
    project: &Project,
    path: &Path,
    opts: &ImportOptions,
) -> Result<(Action, RefiReport), RefiError> {
    let mut zip = crate::io::zipread::BoundedZip::open(path)?;
    let qde_name = zip
        .names()
        .into_iter()
        .find(|n| n.to_ascii_lowercase().ends_with(".qde"))
        .ok_or_else(|| RefiError::Invalid("the archive has no project.qde".into()))?;
    let xml = zip.read_text(&qde_name)?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    let allowed = opts.external_sources.as_deref();
    let mut read_source = |p: &str| -> Result<(Vec<u8>, PathBuf), String> {
        if let Some(rest) = p.strip_prefix("internal://") {
            // NVivo writes `Sources/`; the standard says `sources/`.
            let name = format!("sources/{rest}");
            let found = zip.find(&name).unwrap_or(name);
            let bytes = zip.read(&found).map_err(|e| e.to_string())?;
            Ok((bytes, archive_member(path, &found)))
        } else if let Some(rest) = p.strip_prefix("relative://") {
            let target = base.join(rest);
            read_external(p, &target, allowed).map(|b| (b, target))
        } else if let Some(rest) = p.strip_prefix("absolute://") {
            read_external(p, Path::new(rest), allowed).map(|b| (b, PathBuf::from(rest)))
        } else {
            Err(format!("unknown path scheme in {p:?}"))
        }
    };
    super::read_project::import_xml(project, &xml, &mut read_source)
}

/// Imports a `.qdc` codebook into `project` as one undoable action.
///
/// # Errors
/// [`RefiError`] when the file cannot be read or parsed.
pub fn import_qdc(project: &Project, path: &Path) -> Result<(Action, RefiReport), RefiError> {
    let bytes = crate::io::read::read_input(path)?;
    let xml = String::from_utf8(bytes).map_err(|e| {
        RefiError::Xml(format!(
            "not UTF-8 text (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let root = parse_xml(&xml)?;
    if root.name != "CodeBook" {
        return Err(RefiError::Invalid(format!(
            "the root element is <{}>, not <CodeBook>",
            root.name
        )));
    }
    let mut b = Builder::new(project);
    if let Some(codes) = root.kid("Codes") {
        b.codes(codes, None);
    }
    Ok(b.finish("import codebook"))
}
