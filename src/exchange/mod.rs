//! Exchange with other tools: one module per format with its reader and
//! writer (REFI-QDA, brat) or writer (CSV, W3C Web Annotation, reports,
//! tables), and [`format`]: the export formats as one list with one way to
//! render and write them, used by the command line and the window alike.

pub mod attributes;
pub mod brat;
pub mod csv;
pub mod format;
pub mod import;
pub mod refi;
pub mod report;
pub mod tables;
pub mod w3c;

use std::path::Path;

use crate::model::{Annotation, Project};

/// Annotations in export order: by article, then position, then id.
#[must_use]
pub fn ordered(project: &Project) -> Vec<&Annotation> {
    let mut v: Vec<&Annotation> = project.annotations().collect();
    v.sort_by_key(|a| (a.article, a.span.start(), a.span.end(), a.id));
    v
}

/// A stretch of an article as text to paste elsewhere, with where it comes
/// from: the quote, then the article's title, date and credit, and the
/// char range in its normalised text.
///
/// ```text
/// “the port was hit”
/// — Ransomware attack halts traffic (2021-11-09; credit Marta Zielińska/Reuters), chars 15–31
/// ```
#[must_use]
pub fn quote_with_reference(
    project: &Project,
    article: crate::model::ArticleId,
    span: crate::model::Span,
) -> Option<String> {
    let art = project.article(article)?;
    let span = crate::model::Span::between(
        span.start().min(art.text.char_len()),
        span.end().min(art.text.char_len()),
    );
    let mut about: Vec<String> = Vec::new();
    if let Some(d) = art.meta.date {
        about.push(d.to_string());
    }
    if let Some(c) = &art.meta.credit {
        about.push(format!("credit {c}"));
    }
    let about = if about.is_empty() {
        String::new()
    } else {
        format!(" ({})", about.join("; "))
    };
    Some(format!(
        "“{}”\n— {}{about}, chars {}–{}",
        art.text.slice(span),
        art.title,
        span.start(),
        span.end()
    ))
}

/// The tags of an annotation as sorted full paths (`Parent/Child`).
#[must_use]
pub fn tag_paths(project: &Project, a: &Annotation) -> Vec<String> {
    let mut v: Vec<String> = a.tags.iter().map(|t| project.codebook().path(*t)).collect();
    v.sort();
    v
}

/// How an article's source path is written: relative to `base` when given.
#[must_use]
pub fn source_path(source: &Path, base: Option<&Path>) -> String {
    match base {
        Some(b) => crate::io::paths::relative_to(source, b),
        None => source.to_string_lossy().into_owned(),
    }
}
