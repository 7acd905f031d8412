//! Article attributes set in bulk from a table (CSV): one row per article,
//! found by its id (`article_id` or `id` column) or its file name (`file`,
//! `file_name` or `article_path` column); every other column is an
//! attribute, its values typed as dates (`YYYY-MM-DD`), numbers or text.
//! Empty cells leave the attribute as it is.

use std::collections::HashMap;

use crate::model::attributes::Value;
use crate::model::{Action, ArticleId, Project};

/// What setting attributes from a table would do.
#[derive(Debug)]
pub struct FromTable {
    /// One undoable step setting them all.
    pub action: Action,
    /// Articles changed.
    pub articles: usize,
    /// Values set.
    pub values: usize,
    /// Rows whose key matched no article (the key as written).
    pub unmatched: Vec<String>,
}

/// Why a table could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// Not CSV.
    #[error("not a readable CSV table: {0}")]
    Csv(#[from] ::csv::Error),
    /// No column says which article a row is about.
    #[error(
        "the table has no article_id, id, file, file_name or article_path column to find the articles by"
    )]
    NoKey,
}

/// Reads `csv` (UTF-8, with a header row) and prepares setting its
/// attributes on the articles of `project`.
///
/// # Errors
/// [`TableError`] when the table cannot be read or has no key column.
pub fn from_csv(project: &Project, csv: &[u8]) -> Result<FromTable, TableError> {
    let mut r = ::csv::ReaderBuilder::new().flexible(true).from_reader(csv);
    let header: Vec<String> = r
        .headers()?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let key_col = header
        .iter()
        .position(|h| {
            matches!(
                h.to_lowercase().as_str(),
                "article_id" | "id" | "file" | "file_name" | "article_path"
            )
        })
        .ok_or(TableError::NoKey)?;
    let by_id = matches!(header[key_col].to_lowercase().as_str(), "article_id" | "id");
    // File names (and source paths' last parts) to articles.
    let mut by_file: HashMap<String, ArticleId> = HashMap::new();
    if !by_id {
        for a in project.articles() {
            by_file.entry(a.meta.file_name.clone()).or_insert(a.id);
            let src = a.source.to_string_lossy().into_owned();
            let last = src.rsplit(['/', '\\']).next().unwrap_or(&src).to_owned();
            by_file.entry(last).or_insert(a.id);
            by_file.entry(src).or_insert(a.id);
        }
    }
    let mut actions = Vec::new();
    let mut unmatched = Vec::new();
    let mut articles = std::collections::HashSet::new();
    for row in r.records() {
        let row = row?;
        let key = row.get(key_col).unwrap_or("").trim().to_owned();
        if key.is_empty() {
            continue;
        }
        let id = if by_id {
            key.parse::<u64>()
                .ok()
                .map(ArticleId)
                .filter(|id| project.article(*id).is_some())
        } else {
            by_file.get(&key).copied()
        };
        let Some(id) = id else {
            unmatched.push(key);
            continue;
        };
        for (i, cell) in row.iter().enumerate() {
            if i == key_col || cell.trim().is_empty() {
                continue;
            }
            let Some(name) = header.get(i).filter(|h| !h.is_empty()) else {
                continue;
            };
            let value = Value::parse(cell);
            if project
                .article(id)
                .and_then(|a| a.meta.attributes.get(name))
                == Some(&value)
            {
                continue;
            }
            articles.insert(id);
            actions.push(Action::SetAttribute {
                article: id,
                name: name.clone(),
                value: Some(value),
            });
        }
    }
    let values = actions.len();
    Ok(FromTable {
        action: Action::Batch {
            label: "set attributes from a table".into(),
            actions,
        },
        articles: articles.len(),
        values,
        unmatched,
    })
}
