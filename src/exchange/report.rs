//! A readable review report of a project, as Markdown or as one
//! self-contained HTML page: the memo, the codebook, every tag's passages
//! (with article, date and note) and the article notes.
//!
//! Both are deterministic: the same project gives the same bytes (no dates
//! of writing, tags in codebook tree order, passages by article and position).

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::model::{Annotation, Article, Project, TagId, plural};

/// One tag's line of the report.
struct TagRow<'p> {
    id: TagId,
    path: String,
    colour: String,
    shortcut: Option<char>,
    description: &'p str,
    passages: Vec<&'p Annotation>,
}

/// The report's content, shared by both formats.
struct Content<'p> {
    tags: Vec<TagRow<'p>>,
    noted_articles: Vec<&'p Article>,
    passages: usize,
}

fn content(project: &Project) -> Content<'_> {
    let cb = project.codebook();
    let mut by_tag: HashMap<TagId, Vec<&Annotation>> = HashMap::new();
    let ordered = super::ordered(project);
    for a in &ordered {
        for t in &a.tags {
            by_tag.entry(*t).or_default().push(a);
        }
    }
    let tags = cb
        .tree_order()
        .into_iter()
        .filter_map(|id| cb.get(id))
        .map(|t| TagRow {
            id: t.id,
            path: cb.path(t.id),
            colour: t.props.colour.to_string(),
            shortcut: t.props.shortcut,
            description: &t.props.description,
            passages: by_tag.remove(&t.id).unwrap_or_default(),
        })
        .collect();
    Content {
        tags,
        noted_articles: project
            .articles()
            .filter(|a| !a.note.trim().is_empty())
            .collect(),
        passages: ordered.len(),
    }
}

/// The article title and date of a passage: `Title · 2024-05-01`.
fn source_of(project: &Project, a: &Annotation) -> (String, Option<String>) {
    project.article(a.article).map_or_else(
        || (a.article.to_string(), None),
        |art| (art.title.clone(), art.meta.date.map(|d| d.to_string())),
    )
}

/// The passage's tags other than `tag`, as paths.
fn other_tags(project: &Project, a: &Annotation, tag: TagId) -> Vec<String> {
    let mut v: Vec<String> = a
        .tags
        .iter()
        .filter(|t| **t != tag)
        .map(|t| project.codebook().path(*t))
        .collect();
    v.sort();
    v
}

/// The summary line under the title.
fn summary(project: &Project, c: &Content<'_>) -> String {
    let mut s = format!(
        "{}, {}, {}.",
        plural(project.articles().len(), "article"),
        plural(c.tags.len(), "tag"),
        plural(c.passages, "passage")
    );
    let orphans = project.orphans().len();
    if orphans > 0 {
        let _ = write!(
            s,
            " {} could not be found again in {} changed article and {} not listed.",
            plural(orphans, "passage"),
            if orphans == 1 { "its" } else { "their" },
            if orphans == 1 { "is" } else { "are" }
        );
    }
    s
}

// ---------------------------------------------------------------- Markdown

/// Escapes one line of user text for Markdown: characters that would start
/// emphasis, code, links or HTML mid-line, and block markers at its start.
fn md_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let trimmed = s.trim_start();
    let lead = s.len() - trimmed.len();
    out.push_str(&s[..lead]);
    if trimmed.starts_with(['#', '>', '-', '+', '=']) {
        out.push('\\');
    }
    for c in trimmed.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// User text over several lines: each line escaped and prefixed, with hard
/// line breaks so the lines stay apart; blank lines separate paragraphs.
fn md_lines(s: &str, prefix: &str) -> String {
    let lines: Vec<String> = s.lines().map(md_line).collect();
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if l.trim().is_empty() {
            out.push_str(prefix.trim_end());
            continue;
        }
        out.push_str(prefix);
        out.push_str(l);
        if lines.get(i + 1).is_some_and(|n| !n.trim().is_empty()) {
            out.push_str("  ");
        }
    }
    out
}

/// One table cell: one line, escaped.
fn md_cell(s: &str) -> String {
    md_line(&s.replace(['\n', '\r'], " "))
}

/// The report as Markdown. `name` is the project's name (the title).
#[must_use]
pub fn to_markdown(project: &Project, name: &str) -> String {
    let c = content(project);
    let mut out = format!(
        "# {}\n\n{}\n\n## Memo\n\n",
        md_cell(name),
        summary(project, &c)
    );
    if project.memo().trim().is_empty() {
        out.push_str("*No memo.*\n");
    } else {
        let _ = writeln!(out, "{}", md_lines(project.memo(), ""));
    }

    out.push_str("\n## Codebook\n\n");
    if c.tags.is_empty() {
        out.push_str("*No tags.*\n");
    } else {
        out.push_str(
            "| Tag | Colour | Shortcut | Description | Passages |\n\
             | --- | --- | --- | --- | ---: |\n",
        );
        for t in &c.tags {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} |",
                md_cell(&t.path),
                t.colour,
                t.shortcut
                    .map(|k| md_cell(&k.to_string()))
                    .unwrap_or_default(),
                md_cell(t.description),
                t.passages.len()
            );
        }
    }

    out.push_str("\n## Passages by tag\n");
    for t in &c.tags {
        let _ = write!(out, "\n### {} ({})\n", md_cell(&t.path), t.passages.len());
        if t.passages.is_empty() {
            out.push_str("\n*No passages.*\n");
        }
        for a in &t.passages {
            let (title, date) = source_of(project, a);
            let _ = write!(out, "\n**{}**", md_cell(&title));
            if let Some(d) = date {
                let _ = write!(out, " · {d}");
            }
            let others = other_tags(project, a, t.id);
            if !others.is_empty() {
                let _ = write!(
                    out,
                    " · also {}",
                    others
                        .iter()
                        .map(|o| md_cell(o))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let _ = writeln!(out, "\n\n{}", md_lines(project.passage(a), "> "));
            if !a.note.trim().is_empty() {
                let _ = writeln!(out, "\n*Note:* {}", md_lines(&a.note, ""));
            }
        }
    }

    out.push_str("\n## Article notes\n");
    if c.noted_articles.is_empty() {
        out.push_str("\n*No article notes.*\n");
    }
    for art in &c.noted_articles {
        let _ = write!(out, "\n### {}", md_cell(&art.title));
        if let Some(d) = art.meta.date {
            let _ = write!(out, " · {d}");
        }
        let _ = writeln!(out, "\n\n{}", md_lines(&art.note, ""));
    }
    out
}

// -------------------------------------------------------------------- HTML

/// Escapes text for HTML element content and quoted attribute values.
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = "\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1f2328;
  font: 16px/1.55 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 54rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
.summary, .meta, .empty { color: #57606a; }
.meta { font-size: .9rem; margin: 1rem 0 .25rem; }
.pre { white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { border: 1px solid #d0d7de; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em;
  border: 1px solid #d0d7de; border-bottom-width: 2px; border-radius: 4px; padding: 0 .3em; background: #f6f8fa; }
.swatch { display: inline-block; width: .95em; height: .95em; margin-right: .4em; vertical-align: -.12em;
  border: 1px solid rgba(0, 0, 0, .3); border-radius: 3px; }
blockquote { margin: .25rem 0 .5rem; padding: .55rem .9rem; background: #f6f8fa;
  border-left: 5px solid #d0d7de; border-radius: 0 4px 4px 0; }
.note { margin: .25rem 0 1rem; }
.note strong { color: #57606a; font-weight: 600; }
a { color: #0969da; }
@media print { main { max-width: none; } a { color: inherit; text-decoration: none; } }
";

/// A colour swatch (the colour is always `#rrggbb`).
fn swatch(colour: &str) -> String {
    format!(
        "<span class=\"swatch\" style=\"background:{}\"></span>",
        escape_html(colour)
    )
}

/// The report as one self-contained HTML5 page (inline CSS, no scripts, no
/// external resources). Every piece of user text is escaped.
#[must_use]
pub fn to_html(project: &Project, name: &str) -> String {
    let c = content(project);
    let name = escape_html(name);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"Gloss\">\n\
         <title>{name} · review report</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n\
         <h1>{name}</h1>\n<p class=\"summary\">{}</p>\n",
        escape_html(&summary(project, &c))
    );

    out.push_str("\n<section id=\"memo\">\n<h2>Memo</h2>\n");
    if project.memo().trim().is_empty() {
        out.push_str("<p class=\"empty\">No memo.</p>\n");
    } else {
        let _ = writeln!(out, "<p class=\"pre\">{}</p>", escape_html(project.memo()));
    }
    out.push_str("</section>\n");
    html_codebook(&mut out, &c);
    html_passages(&mut out, project, &c);

    out.push_str("\n<section id=\"article-notes\">\n<h2>Article notes</h2>\n");
    if c.noted_articles.is_empty() {
        out.push_str("<p class=\"empty\">No article notes.</p>\n");
    }
    for art in &c.noted_articles {
        let _ = write!(out, "<h3>{}", escape_html(&art.title));
        if let Some(d) = art.meta.date {
            let _ = write!(out, " <span class=\"summary\">· {d}</span>");
        }
        let _ = writeln!(
            out,
            "</h3>\n<p class=\"pre\">{}</p>",
            escape_html(&art.note)
        );
    }
    out.push_str("</section>\n</main>\n</body>\n</html>\n");
    out
}

/// The codebook table.
fn html_codebook(out: &mut String, c: &Content<'_>) {
    out.push_str("\n<section id=\"codebook\">\n<h2>Codebook</h2>\n");
    if c.tags.is_empty() {
        out.push_str("<p class=\"empty\">No tags.</p>\n");
    } else {
        out.push_str(
            "<table>\n<thead><tr><th>Tag</th><th>Colour</th><th>Shortcut</th>\
             <th>Description</th><th>Passages</th></tr></thead>\n<tbody>\n",
        );
        for t in &c.tags {
            let _ = writeln!(
                out,
                "<tr><td><a href=\"#tag-{}\">{}</a></td><td>{}<code>{}</code></td><td>{}</td>\
                 <td class=\"pre\">{}</td><td class=\"num\">{}</td></tr>",
                t.id.0,
                escape_html(&t.path),
                swatch(&t.colour),
                escape_html(&t.colour),
                t.shortcut
                    .map(|k| format!("<kbd>{}</kbd>", escape_html(&k.to_string())))
                    .unwrap_or_default(),
                escape_html(t.description),
                t.passages.len()
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// Every tag's passages.
fn html_passages(out: &mut String, project: &Project, c: &Content<'_>) {
    out.push_str("\n<section id=\"passages\">\n<h2>Passages by tag</h2>\n");
    for t in &c.tags {
        let colour = escape_html(&t.colour);
        let _ = writeln!(
            out,
            "<h3 id=\"tag-{}\">{}{} <span class=\"summary\">({})</span></h3>",
            t.id.0,
            swatch(&t.colour),
            escape_html(&t.path),
            t.passages.len()
        );
        if t.passages.is_empty() {
            out.push_str("<p class=\"empty\">No passages.</p>\n");
        }
        for a in &t.passages {
            let (title, date) = source_of(project, a);
            let _ = write!(
                out,
                "<p class=\"meta\"><strong>{}</strong>",
                escape_html(&title)
            );
            if let Some(d) = date {
                let _ = write!(out, " · {}", escape_html(&d));
            }
            let others = other_tags(project, a, t.id);
            if !others.is_empty() {
                let _ = write!(out, " · also {}", escape_html(&others.join(", ")));
            }
            let _ = writeln!(
                out,
                "</p>\n<blockquote class=\"pre\" style=\"border-left-color:{colour}\">{}</blockquote>",
                escape_html(project.passage(a))
            );
            if !a.note.trim().is_empty() {
                let _ = writeln!(
                    out,
                    "<p class=\"note pre\"><strong>Note:</strong> {}</p>",
                    escape_html(&a.note)
                );
            }
        }
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::project;
    use crate::model::{Action, Timestamp};

    fn sample() -> Project {
        let (mut p, ids) = project(&[
            "Officials said [the port]{Place} was hit by [ransomware]{Threat/Cyber, Place}.",
            "Nothing [here]{Threat}.",
        ]);
        p.apply(Action::SetMemo(
            "Review of port attacks.\nSecond line.".into(),
        ))
        .unwrap();
        let id = p
            .annotations()
            .find(|a| p.passage(a) == "ransomware")
            .map(|a| a.id)
            .unwrap();
        p.apply(Action::SetAnnotationNote {
            by: None,
            annotation: id,
            note: "Beware <script>alert('x')</script> & \"quotes\"".into(),
            modified: Timestamp::from_unix(0),
        })
        .unwrap();
        p.apply(Action::SetArticleNote {
            by: None,
            article: ids[1],
            note: "Check the *source*.".into(),
        })
        .unwrap();
        p
    }

    #[test]
    fn markdown_has_memo_codebook_passages_and_notes() {
        let p = sample();
        let md = to_markdown(&p, "Port review");
        assert!(
            md.starts_with("# Port review\n\n2 articles, 3 tags, 3 passages.\n"),
            "{md}"
        );
        assert!(
            md.contains("## Memo\n\nReview of port attacks.  \nSecond line.\n"),
            "{md}"
        );
        assert!(md.contains("| Threat/Cyber | `#"), "{md}");
        assert!(md.contains(" | 2 |\n"), "Place has two passages: {md}");
        for tag in ["### Place (2)", "### Threat (1)", "### Threat/Cyber (1)"] {
            assert!(md.contains(tag), "{tag} in {md}");
        }
        assert!(
            md.contains("**Article 1** · also Threat/Cyber\n\n> ransomware\n"),
            "{md}"
        );
        assert!(md.contains("*Note:* Beware \\<script>"), "{md}");
        assert!(
            md.contains("### Article 2\n\nCheck the \\*source\\*.\n"),
            "{md}"
        );
        // Tree order: Place, Threat, Threat/Cyber.
        let place = md.find("### Place").unwrap();
        let threat = md.find("### Threat (").unwrap();
        let cyber = md.find("### Threat/Cyber").unwrap();
        assert!(place < threat && threat < cyber);
        assert_eq!(to_markdown(&p, "Port review"), md, "deterministic");
    }

    #[test]
    fn html_is_self_contained_and_escaped() {
        let p = sample();
        let html = to_html(&p, "Port <review>");
        assert!(
            html.starts_with(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
            )
        );
        assert!(html.contains("<h1>Port &lt;review&gt;</h1>"));
        assert!(html.contains("Review of port attacks.\nSecond line."));
        for tag in ["Place", "Threat", "Threat/Cyber"] {
            assert!(
                html.contains(&format!("{tag} <span class=\"summary\">")),
                "{tag}"
            );
        }
        assert!(html.contains(">ransomware</blockquote>"));
        assert!(html.contains(
            "Beware &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"
        ));
        assert!(!html.contains("<script"), "no script, not even the note's");
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src="));
        assert!(html.contains("class=\"swatch\" style=\"background:#"));
        assert!(html.contains("Check the *source*."));
        assert_eq!(to_html(&p, "Port <review>"), html, "deterministic");
    }

    #[test]
    fn empty_project_still_reads() {
        let p = Project::new();
        let md = to_markdown(&p, "Empty");
        assert!(md.contains("*No memo.*") && md.contains("*No tags.*"));
        let html = to_html(&p, "Empty");
        assert!(html.contains("No memo.") && html.ends_with("</html>\n"));
    }

    #[test]
    fn markdown_escapes_what_would_change_rendering() {
        assert_eq!(md_line("# not a heading"), "\\# not a heading");
        assert_eq!(md_line("a | b <i>"), "a \\| b \\<i>");
        assert_eq!(
            md_lines("one\ntwo\n\nthree", "> "),
            "> one  \n> two\n>\n> three"
        );
    }
}
