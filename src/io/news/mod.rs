//! News-archive exports: one file holding many stories, split into one
//! article each with its metadata as attributes.
//!
//! - Nexis Uni / Lexis Advance (DOCX, or its text): a story is headline,
//!   publication, date line, labelled lines (`Byline:`, `Section:`,
//!   `Length: N words`…), `Body`, the body, trailing labels
//!   (`Load-Date:`, `Language:`…) and `End of Document`; a cover page
//!   ("Documents (N)", the search) comes first in multi-story files.
//! - LexisNexis (classic) TXT/RTF: stories after `N of M DOCUMENTS`
//!   separators (and the German/French/Spanish forms); indented
//!   publication, date and edition lines, the headline, `BYLINE:`,
//!   `SECTION:`, `LENGTH:`, the body, `LOAD-DATE:`, `LANGUAGE:`…
//! - Factiva HTML: `div.article` blocks with the headline, author, word
//!   count, date, source, language, copyright and document id.
//!
//! The story's text is its headline, a blank line and its body
//! paragraphs; everything else becomes attributes. Labels are matched in
//! English and the common German, French, Dutch and Spanish variants.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::model::attributes::{self, Attributes, Value};

mod factiva;
pub use factiva::{is_factiva_html, split_factiva, split_factiva_text};

/// One story from an archive export.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Story {
    /// The headline.
    pub title: String,
    /// Headline, blank line, body paragraphs (blank lines between).
    pub text: String,
    /// The publication date.
    pub date: Option<NaiveDate>,
    /// Outlet, byline, section, length, language, document id…
    pub attributes: Attributes,
}

/// Which export layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Nexis Uni / Lexis Advance.
    NexisUni,
    /// LexisNexis (classic) text.
    LexisNexis,
    /// Factiva HTML.
    Factiva,
}

impl Layout {
    /// Its name, for messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::NexisUni => "Nexis Uni",
            Self::LexisNexis => "LexisNexis",
            Self::Factiva => "Factiva",
        }
    }
}

static LN_SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:FOCUS\s*-\s*)?(?:\d+\s+of\s+\d+\s+DOCUMENTS?|Dokument\s+\d+\s+von\s+\d+|Document\s+\d+\s+de\s+\d+|Documento\s+\d+\s+de\s+\d+)\s*$",
    )
    .expect("valid regex")
});
static NU_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:End of Document|Ende des Dokuments|Fin du document|Einde van document)\s*$")
        .expect("valid regex")
});
static NU_BODY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:Body|Text|Texte|Tekst)\s*$").expect("valid regex"));
static NU_COVER_COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*Documents?\s*\(\d+\)\s*$").expect("valid regex"));
/// `Label: value` with a no-break space or space after the colon.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([A-Za-zÄÖÜÉÈÀäöüéèà][A-Za-zÄÖÜÉÈÀäöüéèà0-9\- ]{1,30}):[\u{A0} \t]+(.*)$")
        .expect("valid regex")
});
static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*([\d.,]+)\s*(?:words?|wörter|w.rter|mots|palabras|parole|woorden|palavras|ord|字|語)\s*$",
    )
    .expect("valid regex")
});
/// Factiva's document id line, which ends each story.
static FV_DOC_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:Document|Dokument|文件|Documento|文档)\s+([A-Za-z0-9]{12,40})\s*$")
        .expect("valid regex")
});
static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:copyright|©|\(c\))\s*(?:©\s*)?\d{4}").expect("valid regex")
});

/// The label a line starts with, normalised (`BYLINE`, `Byline`, `AUTOR`
/// → the attribute it fills), and its value.
fn label_of(line: &str) -> Option<(&'static str, String)> {
    let c = LABEL.captures(line)?;
    let key = c.get(1)?.as_str().trim().to_lowercase();
    let value = c.get(2)?.as_str().replace('\u{A0}', " ").trim().to_owned();
    let name = match key.as_str() {
        "byline" | "author" | "autor" | "auteur" | "von" => attributes::BYLINE,
        "section" | "rubrik" | "rubrique" | "sección" | "seccion" => attributes::SECTION,
        "length" | "länge" | "laenge" | "longueur" | "lengte" | "longitud" => attributes::LENGTH,
        "language" | "sprache" | "langue" | "taal" | "idioma" => attributes::LANGUAGE,
        "load-date" | "update" | "date-chargement" => "load date",
        "publication-type" | "pub-type" | "type-publication" => attributes::PUBLICATION_TYPE,
        "dateline" => "dateline",
        "url" => attributes::URL,
        "journal-code" | "journal code" => "journal code",
        "highlight" => "highlight",
        "graphic" | "grafik" => "graphic",
        "series" => "series",
        "edition" => "edition",
        _ => return None,
    };
    Some((name, value))
}

fn set_label(attrs: &mut Attributes, name: &str, value: String) {
    if value.is_empty() {
        return;
    }
    let v = if name == attributes::LENGTH {
        WORDS
            .captures(&value)
            .and_then(|c| c.get(1))
            .and_then(|n| n.as_str().replace([',', '.'], "").parse::<f64>().ok())
            .map_or(Value::Text(value), Value::Number)
    } else if name == "load date" {
        parse_date(&value).map_or(Value::Text(value), Value::Date)
    } else {
        Value::Text(value)
    };
    attrs.insert(name.to_owned(), v);
}

/// Month names in English, German, French, Spanish, Dutch, Italian and
/// Portuguese (lower case, and their usual abbreviations).
fn month(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    let table: [&[&str]; 12] = [
        &[
            "january", "jan", "januar", "janvier", "enero", "januari", "gennaio", "janeiro",
            "jänner",
        ],
        &[
            "february",
            "feb",
            "februar",
            "février",
            "fevrier",
            "febrero",
            "februari",
            "febbraio",
            "fevereiro",
        ],
        &[
            "march", "mar", "märz", "maerz", "mars", "marzo", "maart", "março", "marco",
        ],
        &["april", "apr", "avril", "abril", "aprile"],
        &["may", "mai", "mayo", "mei", "maggio", "maio"],
        &["june", "jun", "juni", "juin", "junio", "giugno", "junho"],
        &["july", "jul", "juli", "juillet", "julio", "luglio", "julho"],
        &["august", "aug", "août", "aout", "agosto", "augustus"],
        &[
            "september",
            "sep",
            "sept",
            "septembre",
            "septiembre",
            "settembre",
            "setembro",
        ],
        &[
            "october", "oct", "oktober", "octobre", "octubre", "ottobre", "outubro", "okt",
        ],
        &["november", "nov", "novembre", "noviembre", "novembro"],
        &[
            "december",
            "dec",
            "dezember",
            "décembre",
            "decembre",
            "diciembre",
            "dicembre",
            "dezembro",
            "dez",
        ],
    ];
    table
        .iter()
        .position(|names| names.contains(&n.as_str()))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// A date in the forms news archives write: `January 11, 2010 Monday`,
/// `11 January 2010`, `24. September 2002`, `2018 年 10 月 7 日`, or
/// `2010-01-11` (extra words after it are ignored).
#[must_use]
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    static MDY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(\p{L}+\.?)\s+(\d{1,2}),?\s+(\d{4})\b").expect("valid regex")
    });
    static DMY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:\p{L}+,?\s+)?(\d{1,2})\.?\s+(\p{L}+\.?)\s+(\d{4})\b")
            .expect("valid regex")
    });
    static CJK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日").expect("valid regex")
    });
    static ISO: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(\d{4})-(\d{2})-(\d{2})\b").expect("valid regex"));
    let num = |m: Option<regex::Match<'_>>| m.and_then(|m| m.as_str().parse::<u32>().ok());
    if let Some(c) = ISO.captures(s).or_else(|| CJK.captures(s)) {
        let y = i32::try_from(num(c.get(1))?).ok()?;
        return NaiveDate::from_ymd_opt(y, num(c.get(2))?, num(c.get(3))?);
    }
    if let Some(c) = MDY.captures(s)
        && let Some(m) = month(c.get(1)?.as_str())
    {
        let y = i32::try_from(num(c.get(3))?).ok()?;
        return NaiveDate::from_ymd_opt(y, m, num(c.get(2))?);
    }
    if let Some(c) = DMY.captures(s)
        && let Some(m) = month(c.get(2)?.as_str())
    {
        let y = i32::try_from(num(c.get(3))?).ok()?;
        return NaiveDate::from_ymd_opt(y, m, num(c.get(1))?);
    }
    None
}

/// Which layout `text` (a text export, or a document's paragraphs joined
/// by line breaks) has, if any.
#[must_use]
pub fn detect_text(text: &str) -> Option<Layout> {
    let mut ends = 0;
    let mut seps = 0;
    let mut fv_docs = 0;
    let mut counts = 0;
    for line in text.lines().take(2_000_000) {
        if NU_END.is_match(line) {
            ends += 1;
        } else if LN_SEP.is_match(line) {
            seps += 1;
        } else if FV_DOC_ID.is_match(line) {
            fv_docs += 1;
        } else if WORDS.is_match(line) {
            counts += 1;
        }
    }
    if ends > 0 {
        Some(Layout::NexisUni)
    } else if seps > 0 {
        Some(Layout::LexisNexis)
    } else if fv_docs > 0 && counts > 0 {
        Some(Layout::Factiva)
    } else {
        None
    }
}

/// Splits an export given as text (TXT, or what RTF or PDF reading gave)
/// in the layout [`detect_text`] found.
#[must_use]
pub fn split_text(layout: Layout, text: &str) -> Vec<Story> {
    match layout {
        Layout::LexisNexis => split_lexis_nexis(text),
        Layout::NexisUni => split_nexis_uni(
            &text
                .split('\n')
                .map(|l| (l.to_owned(), Vec::new()))
                .collect::<Vec<_>>(),
        ),
        Layout::Factiva => split_factiva_text(text),
    }
}

/// Paragraph texts joined into a story's text: headline, blank line,
/// body paragraphs with blank lines between (hard-wrapped lines of a
/// paragraph joined with spaces when `unwrap`).
fn story_text(title: &str, body: &[String]) -> String {
    let mut out = title.trim().to_owned();
    for p in body.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        out.push_str("\n\n");
        out.push_str(p);
    }
    out
}

/// Splits a Nexis Uni export given as paragraphs (with the bookmarks
/// that start in them, when read from DOCX).
#[must_use]
pub fn split_nexis_uni(paras: &[(String, Vec<String>)]) -> Vec<Story> {
    // Stories: from the first non-empty paragraph after a story's end (or
    // a Bookmark_N anchor) up to the next end marker.
    let mut stories = Vec::new();
    let mut cur: Vec<&(String, Vec<String>)> = Vec::new();
    for p in paras {
        if NU_END.is_match(&p.0) {
            if let Some(s) = nexis_story(&cur) {
                stories.push(s);
            }
            cur.clear();
            continue;
        }
        if p.1.iter().any(|b| b.starts_with("Bookmark_")) {
            // A story's anchor: what came before it (a cover) is dropped.
            cur.clear();
        }
        cur.push(p);
    }
    stories
}

fn nexis_story(paras: &[&(String, Vec<String>)]) -> Option<Story> {
    let lines: Vec<(String, bool)> = paras
        .iter()
        .flat_map(|(t, b)| {
            let body_mark = b
                .iter()
                .any(|m| m == "Body" || m.strip_prefix("Body_").is_some());
            t.split('\n')
                .map(move |l| (l.trim().to_owned(), body_mark))
                .collect::<Vec<_>>()
        })
        .collect();
    // A cover page (multi-story downloads) before the first story: drop
    // everything up to its end — the last line of the search block.
    let start = lines
        .iter()
        .position(|(l, _)| NU_COVER_COUNT.is_match(l))
        .map_or(0, |_| {
            // The cover lists the stories and ends with the search terms;
            // the story starts after the last cover field.
            lines
                .iter()
                .rposition(|(l, _)| {
                    l.starts_with("Narrowed by")
                        || l.starts_with("Search Type")
                        || l.starts_with("Search Terms")
                        || l.starts_with("Content Type")
                })
                .map_or(0, |i| i + 1)
        });
    let lines = &lines[start..];
    let body_at = lines
        .iter()
        .position(|(l, mark)| *mark || NU_BODY.is_match(l))?;
    let head: Vec<&str> = lines[..body_at]
        .iter()
        .map(|(l, _)| l.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    let mut attrs = Attributes::new();
    let mut date = None;
    let mut plain: Vec<&str> = Vec::new();
    for l in &head {
        if let Some((name, value)) = label_of(l) {
            set_label(&mut attrs, name, value);
        } else if COPYRIGHT.is_match(l) {
            attrs.insert(attributes::COPYRIGHT.into(), Value::Text((*l).to_owned()));
        } else {
            plain.push(l);
        }
    }
    let title = (*plain.first()?).to_owned();
    if let Some(outlet) = plain.get(1) {
        attrs.insert(attributes::OUTLET.into(), Value::Text((*outlet).to_owned()));
    }
    for l in plain.iter().skip(1).take(8) {
        if let Some(d) = parse_date(l) {
            date = Some(d);
            break;
        }
    }
    // The body: up to "Classification", a trailing label block or the end.
    let mut body = Vec::new();
    let mut in_tail = false;
    for (l, _) in &lines[body_at + 1..] {
        if l == "Classification" {
            in_tail = true;
            continue;
        }
        if let Some((name, value)) = label_of(l)
            && (in_tail
                || matches!(
                    name,
                    "load date" | attributes::LANGUAGE | attributes::PUBLICATION_TYPE
                ))
        {
            in_tail = true;
            set_label(&mut attrs, name, value);
            continue;
        }
        if in_tail {
            continue;
        }
        body.push(l.clone());
    }
    let body = paragraphs_of(&body);
    Some(Story {
        text: story_text(&title, &body),
        title,
        date,
        attributes: attrs,
    })
}

/// Lines into paragraphs: blank lines separate them, hard-wrapped lines
/// are joined with a space.
fn paragraphs_of(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for l in lines {
        let t = l.trim();
        if t.is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(t);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Splits a LexisNexis (classic) text export.
#[must_use]
pub fn split_lexis_nexis(text: &str) -> Vec<Story> {
    let mut stories = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut started = false;
    for line in text.lines() {
        if LN_SEP.is_match(line) {
            if started && let Some(s) = lexis_story(&cur) {
                stories.push(s);
            }
            cur.clear();
            started = true;
            continue;
        }
        if started {
            cur.push(line);
        }
    }
    if started && let Some(s) = lexis_story(&cur) {
        stories.push(s);
    }
    stories
}

/// The indented header lines of a LexisNexis story: publication, date,
/// edition, copyright. Returns the date.
fn lexis_header(header: &[&str], attrs: &mut Attributes) -> Option<NaiveDate> {
    let mut date = None;
    for h in header {
        if COPYRIGHT.is_match(h) || h.starts_with('[') {
            attrs.insert(
                attributes::COPYRIGHT.into(),
                Value::Text(h.trim_matches(['[', ']', ' ']).to_owned()),
            );
        } else if date.is_none()
            && let Some(d) = parse_date(h)
        {
            date = Some(d);
        } else if !attrs.contains_key(attributes::OUTLET) {
            attrs.insert(attributes::OUTLET.into(), Value::Text((*h).to_owned()));
        } else {
            attrs
                .entry("edition".into())
                .or_insert_with(|| Value::Text((*h).to_owned()));
        }
    }
    date
}

fn lexis_story(lines: &[&str]) -> Option<Story> {
    let mut attrs = Attributes::new();
    let mut i = 0;
    // Indented header lines: publication, date, edition, copyright.
    let mut header: Vec<&str> = Vec::new();
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() {
            i += 1;
            continue;
        }
        if l.starts_with(' ') || l.starts_with('\t') {
            header.push(l.trim());
            i += 1;
        } else {
            break;
        }
    }
    let date = lexis_header(&header, &mut attrs);
    // The headline: flush-left lines up to a blank line or a label.
    let mut title = String::new();
    while i < lines.len() {
        let l = lines[i].trim();
        if l.is_empty() || label_of(l).is_some() {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(l);
        i += 1;
    }
    // Labels up to the body (the last is usually LENGTH).
    while i < lines.len() {
        let l = lines[i].trim();
        if l.is_empty() {
            i += 1;
            if attrs.contains_key(attributes::LENGTH) {
                break;
            }
            continue;
        }
        match label_of(l) {
            Some((name, value))
                if l.chars()
                    .take_while(|c| *c != ':')
                    .all(|c| !c.is_lowercase()) =>
            {
                set_label(&mut attrs, name, value);
                i += 1;
            }
            _ => break,
        }
    }
    // Body up to the trailing labels; the trailing copyright lines go.
    let mut body: Vec<String> = Vec::new();
    let mut tail = false;
    for l in &lines[i..] {
        let t = l.trim();
        if let Some((name, value)) = label_of(t)
            && t.chars()
                .take_while(|c| *c != ':')
                .all(|c| !c.is_lowercase())
            && matches!(
                name,
                "load date"
                    | attributes::LANGUAGE
                    | attributes::PUBLICATION_TYPE
                    | "journal code"
                    | "graphic"
                    | attributes::URL
            )
        {
            tail = true;
            set_label(&mut attrs, name, value);
            continue;
        }
        if tail {
            continue;
        }
        body.push((*l).to_owned());
    }
    // Centred copyright lines at the very end belong to the next story's
    // separator block, not the body.
    while body.last().is_some_and(|l| {
        l.trim().is_empty() || COPYRIGHT.is_match(l) || l.trim() == "All Rights Reserved"
    }) {
        body.pop();
    }
    if title.is_empty() {
        return None;
    }
    let body = paragraphs_of(&body);
    Some(Story {
        text: story_text(&title, &body),
        title,
        date,
        attributes: attrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_dates_in_their_usual_forms() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("January 11, 2010 Monday"), d(2010, 1, 11));
        assert_eq!(
            parse_date("May 30, 2014 Friday 9:20 AM GMT"),
            d(2014, 5, 30)
        );
        assert_eq!(parse_date("13 November 2017"), d(2017, 11, 13));
        assert_eq!(parse_date("24. September 2002"), d(2002, 9, 24));
        assert_eq!(parse_date("9 Januar 1993"), d(1993, 1, 9));
        assert_eq!(parse_date("29 décembre 2011"), d(2011, 12, 29));
        assert_eq!(parse_date("2018 年 10 月 7 日 17:04"), d(2018, 10, 7));
        assert_eq!(parse_date("The Guardian"), None);
    }

    mod property {
        use proptest::prelude::*;

        use super::super::*;

        /// Text made of the archive layouts' own pieces, shuffled.
        fn archive_like() -> impl Strategy<Value = String> {
            let pieces = vec![
                "1 of 3 DOCUMENTS",
                "Dokument 2 von 3",
                "End of Document",
                "Body",
                "BYLINE: A",
                "LENGTH: 12 words",
                "Length:\u{a0}9 words",
                "  Daily News",
                "  March 4, 2021",
                "Headline",
                "",
                "Load-Date: May 1, 2020",
                "Classification",
                "Documents (3)",
                "Copyright 2021 X",
                "ü",
                "\u{0}",
                "(c) 2020",
            ];
            proptest::collection::vec(proptest::sample::select(pieces), 0..60)
                .prop_map(|v| v.join("\n"))
        }

        proptest! {
            #[test]
            fn splitters_never_panic(text in archive_like(), junk in ".{0,200}") {
                let t = format!("{text}\n{junk}");
                let _ = detect_text(&t);
                let _ = split_lexis_nexis(&t);
                let paras: Vec<(String, Vec<String>)> =
                    t.split('\n').map(|l| (l.to_owned(), vec!["Bookmark_1".to_owned()])).collect();
                let _ = split_nexis_uni(&paras);
                let _ = split_factiva(&format!("<div class=\"article enArticle\">{t}</div>"));
                let _ = parse_date(&junk);
            }
        }
    }
}
