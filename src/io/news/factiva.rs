//! Factiva exports: HTML (`div.article` blocks) and RTF/TXT (stories on
//! their own pages, each ending with its `Document ID` line).

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::{COPYRIGHT, FV_DOC_ID, Story, WORDS, parse_date, story_text};
use crate::model::attributes::{self, Attributes, Value};

/// True when the HTML is a Factiva export.
#[must_use]
pub fn is_factiva_html(html: &str) -> bool {
    html.contains("class=\"article")
        && (html.contains("Headline") || html.contains("articleParagraph"))
        && (html.contains("Document ") || html.contains("Dokument ") || html.contains("文件 "))
}

/// Splits a Factiva HTML export.
#[must_use]
pub fn split_factiva(html: &str) -> Vec<Story> {
    use scraper::{Html, Selector};
    static ARTICLE: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("div.article").expect("valid selector"));
    let doc = Html::parse_document(html);
    doc.select(&ARTICLE).filter_map(factiva_story).collect()
}

/// A story in Factiva's "Full Article/Report plus Indexing" format: a
/// table whose rows are a field code (`HD`, `BY`, `WC`, `PD`, `SN`, `LP`,
/// `TD`, `AN`…) and its value. `None` when the story has no such table.
fn factiva_indexed(art: scraper::ElementRef<'_>) -> Option<Story> {
    use scraper::Selector;
    static ROW: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("tr").expect("valid selector"));
    static INDEX: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("td.index").expect("valid selector"));
    static CELL: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("td").expect("valid selector"));
    static PARA: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("p").expect("valid selector"));
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut title = String::new();
    let mut body: Vec<String> = Vec::new();
    let mut date = None;
    let mut attrs = Attributes::new();
    let mut any = false;
    for row in art.select(&ROW) {
        let Some(code) = row.select(&INDEX).next() else {
            continue;
        };
        any = true;
        let code: String = code
            .text()
            .collect::<String>()
            .chars()
            .filter(char::is_ascii_uppercase)
            .collect();
        let Some(value) = row.select(&CELL).nth(1) else {
            continue;
        };
        let text = squash(value.text().collect());
        let name = match code.as_str() {
            "HD" => {
                title = text;
                continue;
            }
            "LP" | "TD" => {
                let paras: Vec<String> = value
                    .select(&PARA)
                    .map(|p| squash(p.text().collect()))
                    .filter(|p| !p.is_empty())
                    .collect();
                if paras.is_empty() {
                    body.push(text);
                } else {
                    body.extend(paras);
                }
                continue;
            }
            "PD" => {
                date = parse_date(&text);
                continue;
            }
            "WC" => {
                if let Some(c) = WORDS.captures(&text)
                    && let Ok(n) = c[1].replace([',', '.'], "").parse::<f64>()
                {
                    attrs.insert(attributes::LENGTH.into(), Value::Number(n));
                }
                continue;
            }
            "AN" => {
                let id = FV_DOC_ID
                    .captures(&text)
                    .map_or_else(|| text.clone(), |c| c[1].to_owned());
                attrs.insert(attributes::DOCUMENT_ID.into(), Value::Text(id));
                continue;
            }
            "BY" => attributes::BYLINE,
            "SN" => attributes::OUTLET,
            "SC" => "source code",
            "SE" => attributes::SECTION,
            "LA" => attributes::LANGUAGE,
            "CY" => attributes::COPYRIGHT,
            "ED" => "edition",
            "PG" => "page",
            "VOL" => "volume",
            "PUB" => "publisher",
            "CR" => "credit line",
            "ET" => "time",
            "NS" => "subjects",
            "RE" => "regions",
            "IN" => "industries",
            "CO" => "companies",
            _ => continue,
        };
        if !text.is_empty() {
            attrs.insert(name.into(), Value::Text(text));
        }
    }
    if !any || (title.is_empty() && body.is_empty()) {
        return None;
    }
    Some(Story {
        text: story_text(&title, &body),
        title,
        date,
        attributes: attrs,
    })
}

/// A header field after the word count: date, time, copyright, source
/// name, source code, or (in `others`) edition, page and language.
fn factiva_field(
    t: String,
    date: &mut Option<NaiveDate>,
    attrs: &mut Attributes,
    others: &mut Vec<String>,
) {
    static TIME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\d{1,2}:\d{2}(?::\d{2})?$").expect("valid regex"));
    static CODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Z0-9]{2,10}$").expect("valid regex"));
    if date.is_none()
        && let Some(d) = parse_date(&t)
    {
        *date = Some(d);
    } else if TIME.is_match(&t) {
        attrs.insert("time".into(), Value::Text(t));
    } else if COPYRIGHT.is_match(&t) {
        attrs.insert(attributes::COPYRIGHT.into(), Value::Text(t));
    } else if !attrs.contains_key(attributes::OUTLET) {
        attrs.insert(attributes::OUTLET.into(), Value::Text(t));
    } else if CODE.is_match(&t) && !attrs.contains_key("source code") {
        attrs.insert("source code".into(), Value::Text(t));
    } else {
        others.push(t);
    }
}

/// One Factiva story: the inner `div.article xxArticle`.
fn factiva_story(art: scraper::ElementRef<'_>) -> Option<Story> {
    let text_of = |e: scraper::ElementRef<'_>| -> String {
        e.text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The inner div (class "article enArticle") holds the story; the
    // outer one (id "article-…") wraps it.
    let inner_class = art.value().attr("class").unwrap_or("");
    if !inner_class
        .split_whitespace()
        .any(|c| c.ends_with("Article"))
    {
        return None;
    }
    if let Some(s) = factiva_indexed(art) {
        return Some(s);
    }
    let mut attrs = Attributes::new();
    let mut title = String::new();
    let mut date = None;
    let mut body: Vec<String> = Vec::new();
    let mut seen_wc = false;
    let mut plain: Vec<String> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for child in art.children().filter_map(scraper::ElementRef::wrap) {
        let name = child.value().name();
        let id = child.value().attr("id");
        let class = child.value().attr("class").unwrap_or("");
        let t = text_of(child);
        if id == Some("hd") || class.contains("Headline") {
            static COUNTED: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"^\d+\)\s+").expect("valid regex"));
            title = COUNTED.replace(&t, "").into_owned();
            continue;
        }
        if name == "div" && class.contains("author") {
            attrs.insert(attributes::BYLINE.into(), Value::Text(t));
            continue;
        }
        if name == "p" {
            if class.contains("articleParagraph") {
                body.push(t);
            } else if let Some(c) = FV_DOC_ID.captures(&t) {
                attrs.insert(attributes::DOCUMENT_ID.into(), Value::Text(c[1].to_owned()));
            } else if !t.is_empty() {
                attrs.entry("publisher".into()).or_insert(Value::Text(t));
            }
            continue;
        }
        if name != "div" || t.is_empty() {
            continue;
        }
        if let Some(c) = WORDS.captures(&t) {
            seen_wc = true;
            if let Ok(n) = c[1].replace([',', '.'], "").parse::<f64>() {
                attrs.insert(attributes::LENGTH.into(), Value::Number(n));
            }
            continue;
        }
        if !seen_wc {
            // Before the word count: section, credit lines.
            if title.is_empty() {
                attrs.insert(attributes::SECTION.into(), Value::Text(t));
            } else {
                plain.push(t);
            }
            continue;
        }
        factiva_field(t, &mut date, &mut attrs, &mut others);
    }
    // After the source: edition, page… and last the language.
    if let Some(language) = others.pop() {
        attrs.insert(attributes::LANGUAGE.into(), Value::Text(language));
    }
    for (v, label) in others.into_iter().zip(["edition", "page", "volume"]) {
        attrs.insert(label.into(), Value::Text(v));
    }
    if !plain.is_empty() {
        attrs.insert("credit line".into(), Value::Text(plain.join("; ")));
    }
    if title.is_empty() && body.is_empty() {
        return None;
    }
    if title.is_empty() {
        title = body.first().cloned().unwrap_or_default();
    }
    Some(Story {
        text: story_text(&title, &body),
        title,
        date,
        attributes: attrs,
    })
}

/// Splits a Factiva RTF or text export: each story ends with its
/// `Document ID` line; its headline and byline come before the word
/// count, then date, source, language, copyright, then the body.
#[must_use]
pub fn split_factiva_text(text: &str) -> Vec<Story> {
    let mut stories = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some(c) = FV_DOC_ID.captures(line) {
            if let Some(mut s) = factiva_text_story(&block) {
                s.attributes
                    .insert(attributes::DOCUMENT_ID.into(), Value::Text(c[1].to_owned()));
                stories.push(s);
            }
            block.clear();
        } else {
            block.push(line);
        }
    }
    stories
}

fn factiva_text_story(block: &[&str]) -> Option<Story> {
    // A story starts on a new page: what comes before the last page break
    // (the search summary, say) is not part of it.
    let from = block
        .iter()
        .rposition(|l| l.contains('\u{c}'))
        .map_or(0, |i| i + 1);
    let lines: Vec<&str> = block[from..]
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let wc = lines.iter().position(|l| WORDS.is_match(l))?;
    if wc == 0 {
        return None;
    }
    let mut attrs = Attributes::new();
    // Before the word count: the headline, then the byline and credit
    // lines.
    let head = &lines[..wc];
    let title = head[0].to_owned();
    if let Some(by) = head.get(1) {
        attrs.insert(attributes::BYLINE.into(), Value::Text((*by).to_owned()));
    }
    if head.len() > 2 {
        attrs.insert("credit line".into(), Value::Text(head[2..].join("; ")));
    }
    if let Some(c) = WORDS.captures(lines[wc])
        && let Ok(n) = c[1].replace([',', '.'], "").parse::<f64>()
    {
        attrs.insert(attributes::LENGTH.into(), Value::Number(n));
    }
    // The header fields up to the copyright line (or, without one, the
    // language: the first line that reads like a sentence starts the body).
    let mut date = None;
    let mut others = Vec::new();
    let mut i = wc + 1;
    while i < lines.len() {
        let l = lines[i];
        if COPYRIGHT.is_match(l) {
            attrs.insert(attributes::COPYRIGHT.into(), Value::Text(l.to_owned()));
            i += 1;
            break;
        }
        if l.chars().count() > 80 || l.ends_with('.') {
            break;
        }
        factiva_field(l.to_owned(), &mut date, &mut attrs, &mut others);
        i += 1;
    }
    if let Some(language) = others.pop() {
        attrs.insert(attributes::LANGUAGE.into(), Value::Text(language));
    }
    for (v, label) in others.into_iter().zip(["edition", "page", "volume"]) {
        attrs.insert(label.into(), Value::Text(v));
    }
    let mut body: Vec<String> = lines[i..].iter().map(|l| (*l).to_owned()).collect();
    // The publisher's name closes the story: short, not a sentence.
    if body.len() > 1
        && body
            .last()
            .is_some_and(|l| l.chars().count() < 80 && !l.ends_with(['.', '!', '?', '"', '”']))
        && let Some(p) = body.pop()
    {
        attrs.insert("publisher".into(), Value::Text(p));
    }
    Some(Story {
        text: story_text(&title, &body),
        title,
        date,
        attributes: attrs,
    })
}
