//! CSV export: one row per annotation (RFC 4180, UTF-8).

use std::path::Path;

use crate::model::Project;

/// The header row, in this order.
pub const COLUMNS: [&str; 9] = [
    "article_id",
    "article_path",
    "article_title",
    "annotation_id",
    "tags",
    "start",
    "end",
    "quote",
    "note",
];

/// Writes every annotation as a CSV row. Tags are `;`-joined full paths;
/// `start`/`end` are char offsets into the article's normalised text; paths
/// are relative to `base` when given.
///
/// # Errors
/// Only if writing to memory fails, which it does not.
pub fn to_csv(project: &Project, base: Option<&Path>) -> Result<Vec<u8>, ::csv::Error> {
    super::tables::csv_bytes(
        &COLUMNS,
        super::ordered(project).into_iter().map(|a| {
            let (path, title) = project.article(a.article).map_or_else(
                || (String::new(), String::new()),
                |art| (super::source_path(&art.source, base), art.title.clone()),
            );
            vec![
                a.article.0.to_string(),
                path,
                title,
                a.id.0.to_string(),
                super::tag_paths(project, a).join(";"),
                a.span.start().to_string(),
                a.span.end().to_string(),
                project.passage(a).to_owned(),
                a.note.clone(),
            ]
        }),
    )
}
