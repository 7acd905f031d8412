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
/// are relative to `base` when given. When articles have attributes
/// (outlet, byline…), each is one more column, after [`COLUMNS`], with the
/// article's date first.
///
/// # Errors
/// Only if writing to memory fails, which it does not.
pub fn to_csv(project: &Project, base: Option<&Path>) -> Result<Vec<u8>, ::csv::Error> {
    let own: Vec<String> = crate::model::attributes::names(project.articles())
        .into_iter()
        .filter(|n| !crate::model::attributes::BUILT_IN.contains(&n.as_str()))
        .collect();
    let extra: Vec<String> = if own.is_empty() {
        Vec::new()
    } else {
        std::iter::once("date".to_owned()).chain(own).collect()
    };
    let header: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .collect();
    super::tables::csv_bytes(
        &header,
        super::ordered(project).into_iter().map(|a| {
            let art = project.article(a.article);
            let (path, title) = art.map_or_else(
                || (String::new(), String::new()),
                |art| (super::source_path(&art.source, base), art.title.clone()),
            );
            let attrs = extra.iter().map(|n| {
                art.and_then(|x| crate::model::attributes::attribute(x, n))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            });
            let mut row = vec![
                a.article.0.to_string(),
                path,
                title,
                a.id.key(),
                tags_field(&super::tag_paths(project, a)),
                a.span.start().to_string(),
                a.span.end().to_string(),
                project.passage(a).to_owned(),
                a.note.clone(),
            ];
            row.extend(attrs);
            row
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
