//! CSV export: one row per annotation (RFC 4180, UTF-8).

use std::path::Path;

pub use super::tables::{split_tags_field, tags_field};
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

/// Writes every annotation as a CSV row. Tags are full paths (see
/// [`tags_field`]);
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
                tags_field(&super::tag_paths(project, a)),
                a.span.start().to_string(),
                a.span.end().to_string(),
                project.passage(a).to_owned(),
                a.note.clone(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_with_semicolons_and_backslashes_stay_apart() {
        let tags = ["Threat/Cyber", "a;b", "c\\", "d\\;e", ""];
        let field = tags_field(&tags);
        assert_eq!(field, "Threat/Cyber;a\\;b;c\\\\;d\\\\\\;e;");
        assert_eq!(split_tags_field(&field), tags);
        assert_eq!(split_tags_field(""), Vec::<String>::new());
        assert_eq!(split_tags_field("x"), ["x"]);
    }
}
