//! Exports of retrieved passages (CSV, Markdown) and of statistics tables
//! (CSV), shared by the window and the command line.

use std::fmt::Write as _;

use crate::model::stats::Stats;
use crate::model::{AnnotationId, Project};

/// CSV bytes (RFC 4180, CRLF) with a header row.
pub(crate) fn csv_bytes(
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

/// The passages `ids` as CSV, in the given order.
///
/// # Errors
/// Only if writing to memory fails.
pub fn passages_csv(project: &Project, ids: &[AnnotationId]) -> Result<Vec<u8>, ::csv::Error> {
    csv_bytes(
        &[
            "article_id",
            "article_title",
            "article_date",
            "annotation_id",
            "tags",
            "start",
            "end",
            "quote",
            "note",
        ],
        ids.iter()
            .filter_map(|id| project.annotation(*id))
            .map(|a| {
                let art = project.article(a.article);
                vec![
                    a.article.0.to_string(),
                    art.map(|x| x.title.clone()).unwrap_or_default(),
                    art.and_then(|x| x.meta.date)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    a.id.key(),
                    tags_field(&super::tag_paths(project, a)),
                    a.span.start().to_string(),
                    a.span.end().to_string(),
                    project.passage(a).to_owned(),
                    a.note.clone(),
                ]
            }),
    )
}

/// The passages `ids` as Markdown, grouped by article in the given order.
#[must_use]
pub fn passages_markdown(project: &Project, title: &str, ids: &[AnnotationId]) -> String {
    let mut out = format!(
        "# {title}\n\n{}\n",
        crate::model::plural(ids.len(), "passage")
    );
    let mut last = None;
    for a in ids.iter().filter_map(|id| project.annotation(*id)) {
        if last != Some(a.article) {
            last = Some(a.article);
            if let Some(art) = project.article(a.article) {
                let date = art.meta.date.map(|d| format!(" ({d})")).unwrap_or_default();
                let _ = write!(out, "\n## {}{date}\n", art.title);
            }
        }
        let quote = project.passage(a).replace('\n', "\n> ");
        let _ = write!(
            out,
            "\n> {quote}\n\n*{}*",
            super::tag_paths(project, a).join(", ")
        );
        if !a.note.is_empty() {
            let _ = write!(out, " — {}", a.note.replace('\n', " "));
        }
        out.push('\n');
    }
    out
}

/// Passages, articles and characters per tag.
///
/// # Errors
/// Only if writing to memory fails.
pub fn tags_csv(s: &Stats) -> Result<Vec<u8>, ::csv::Error> {
    csv_bytes(
        &["tag", "passages", "articles", "chars"],
        s.per_tag.iter().map(|t| {
            vec![
                t.path.clone(),
                t.passages.to_string(),
                t.articles.to_string(),
                t.chars.to_string(),
            ]
        }),
    )
}

/// Passages per article and tag (one row per pair).
///
/// # Errors
/// Only if writing to memory fails.
pub fn articles_csv(s: &Stats) -> Result<Vec<u8>, ::csv::Error> {
    csv_bytes(
        &[
            "article_id",
            "article_title",
            "article_date",
            "tag",
            "passages",
        ],
        s.per_article.iter().flat_map(|a| {
            a.per_tag.iter().map(move |(t, n)| {
                vec![
                    a.id.to_string(),
                    a.title.clone(),
                    a.date.map(|d| d.to_string()).unwrap_or_default(),
                    t.clone(),
                    n.to_string(),
                ]
            })
        }),
    )
}

/// Co-occurring tag pairs.
///
/// # Errors
/// Only if writing to memory fails.
pub fn cooccurrence_csv(s: &Stats) -> Result<Vec<u8>, ::csv::Error> {
    csv_bytes(
        &["tag_a", "tag_b", "count"],
        s.cooccurrence
            .iter()
            .map(|c| vec![c.a.clone(), c.b.clone(), c.count.to_string()]),
    )
}

/// Passages per tag and time bucket (one row per pair).
///
/// # Errors
/// Only if writing to memory fails.
pub fn timeline_csv(s: &Stats) -> Result<Vec<u8>, ::csv::Error> {
    let t = &s.timeline;
    csv_bytes(
        &["tag", "period", "passages"],
        t.series.iter().flat_map(|(tag, counts)| {
            t.labels
                .iter()
                .zip(counts)
                .map(move |(l, c)| vec![tag.clone(), l.clone(), c.to_string()])
        }),
    )
}

/// The statistics tables that can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatsTable {
    /// Per tag.
    Tags,
    /// Per article and tag.
    Articles,
    /// Tag pairs.
    Cooccurrence,
    /// Per tag and time bucket.
    Timeline,
}

impl StatsTable {
    /// The file name an export of the table gets.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Tags => "tags.csv",
            Self::Articles => "articles.csv",
            Self::Cooccurrence => "cooccurrence.csv",
            Self::Timeline => "timeline.csv",
        }
    }

    /// The table as CSV.
    ///
    /// # Errors
    /// Only if writing to memory fails, which it does not.
    pub fn csv(self, s: &Stats) -> Result<Vec<u8>, ::csv::Error> {
        match self {
            Self::Tags => tags_csv(s),
            Self::Articles => articles_csv(s),
            Self::Cooccurrence => cooccurrence_csv(s),
            Self::Timeline => timeline_csv(s),
        }
    }
}

/// The `tags` field: full tag paths joined by `;`, each with `\` written
/// `\\` and `;` written `\;`, so a tag named `a;b` stays one tag:
/// `["Threat/Cyber", "a;b"]` → `Threat/Cyber;a\;b`.
#[must_use]
pub fn tags_field<S: AsRef<str>>(paths: &[S]) -> String {
    paths
        .iter()
        .map(|p| p.as_ref().replace('\\', "\\\\").replace(';', "\\;"))
        .collect::<Vec<_>>()
        .join(";")
}

/// The tag paths of a `tags` field (the inverse of [`tags_field`]).
#[must_use]
pub fn split_tags_field(field: &str) -> Vec<String> {
    let mut out = Vec::new();
    if field.is_empty() {
        return out;
    }
    let mut cur = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cur.push(chars.next().unwrap_or('\\')),
            ';' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::retrieve::TagQuery;
    use crate::model::testing::project;

    #[test]
    fn passages_export_in_csv_and_markdown() {
        let (p, _) = project(&["We said [“hello, world”]{Greeting} and [left]{Motion}."]);
        let g = p.codebook().find_path("Greeting").unwrap();
        let ids: Vec<AnnotationId> = TagQuery {
            any: vec![g],
            ..TagQuery::default()
        }
        .run(&p)
        .iter()
        .map(|a| a.id)
        .collect();
        let csv = String::from_utf8(passages_csv(&p, &ids).unwrap()).unwrap();
        assert_eq!(
            csv,
            format!(
                "article_id,article_title,article_date,annotation_id,tags,start,end,quote,note\r\n1,Article 1,,{},Greeting,8,22,\"“hello, world”\",\r\n",
                ids[0].key()
            )
        );
        let md = passages_markdown(&p, "Greeting", &ids);
        assert!(
            md.contains("## Article 1\n\n> “hello, world”\n\n*Greeting*"),
            "{md}"
        );
    }

    #[test]
    fn stats_tables() {
        let (p, _) = project(&["[a]{A,B} [b]{B}"]);
        let s = crate::model::stats::stats(&p);
        let tags = String::from_utf8(tags_csv(&s).unwrap()).unwrap();
        assert!(tags.contains("B,2,1,2"), "{tags}");
        let co = String::from_utf8(cooccurrence_csv(&s).unwrap()).unwrap();
        assert!(co.ends_with("A,B,1\r\n"), "{co}");
        assert!(
            String::from_utf8(articles_csv(&s).unwrap())
                .unwrap()
                .contains("1,Article 1,,B,2")
        );
        assert!(timeline_csv(&s).is_ok());
    }
}
