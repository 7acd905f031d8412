//! W3C Web Annotation export: an `AnnotationCollection` (JSON-LD) whose
//! annotations carry `TextualBody` tagging and commenting bodies and a
//! `SpecificResource` target with both a `TextQuoteSelector` and a
//! `TextPositionSelector`, passing the MUST checks of the W3C
//! web-annotation-tests.
//!
//! Positions count Unicode code points into the article's *normalised* text
//! (byte-order mark dropped, CRLF and lone CR turned into LF), end exclusive.
//! Each target's `source` is an absolute IRI naming exactly that text: the
//! `file://` URL of the project's stored copy (`NAME.texts/HASH.txt`, UTF-8)
//! when the project keeps its texts in a folder, or else
//! `urn:gloss:text:HASH` with the text itself embedded as the source's
//! `value` in the first annotation on that text (the others name the same
//! IRI, so a text is in the file once). So `start`/`end` slice the source
//! exactly. The article's original file is given as `gloss:original`.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::model::{Article, Project};

/// What the collection says about its positions (also in its `gloss:positions`).
pub const POSITIONS: &str = "TextPositionSelector start/end count Unicode code points (end exclusive) into each source's normalised text: byte-order mark dropped, CRLF and lone CR turned into LF. Each target source IRI names exactly that text.";

/// An absolute `file://` IRI for `path`, percent-encoded.
#[must_use]
pub fn file_iri(path: &Path) -> String {
    let abs = crate::io::paths::absolute(path);
    let s = abs.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !s.starts_with('/') {
        out.push('/');
    }
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The source object of an article: its normalised text by IRI (a stored
/// copy in `texts`, the project's texts folder) or embedded when `embed`.
fn source_of(project: &Project, art: &Article, texts: Option<&Path>, embed: bool) -> Value {
    let available = project.unavailable(art.id).is_none() && embed;
    let mut source = match texts {
        Some(dir) => json!({
            "id": file_iri(&dir.join(crate::io::project_file::text_file_name(&art.hash))),
        }),
        None => {
            let mut v = json!({ "id": format!("urn:gloss:text:{}", art.hash) });
            if available {
                v["value"] = json!(art.text.as_str());
            }
            v
        }
    };
    source["type"] = json!("Text");
    source["format"] = json!("text/plain");
    source["title"] = json!(art.title);
    source["gloss:article"] = json!(art.id.0);
    source["gloss:hash"] = json!(art.hash.0);
    if let Some(own) = crate::io::article::own_file(&art.source)
        && own.is_absolute()
    {
        source["gloss:original"] = json!(file_iri(own));
    }
    source
}

/// Builds the collection. `label` names it (the project's name); `texts` is
/// the project's texts folder when it keeps its texts there.
#[must_use]
pub fn to_w3c(project: &Project, label: &str, texts: Option<&Path>) -> Value {
    let mut embedded = std::collections::HashSet::new();
    let items: Vec<Value> = super::ordered(project)
        .into_iter()
        .filter_map(|a| {
            let art = project.article(a.article)?;
            let mut body: Vec<Value> = super::tag_paths(project, a)
                .into_iter()
                .map(|t| json!({ "type": "TextualBody", "purpose": "tagging", "value": t }))
                .collect();
            if !a.note.is_empty() {
                body.push(json!({
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "format": "text/plain",
                    "value": a.note,
                }));
            }
            let quote = project.quote(a);
            let mut anno = json!({
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "id": format!("urn:gloss:annotation:{}", a.id.key()),
                "type": "Annotation",
                "motivation": if a.note.is_empty() { "tagging" } else { "commenting" },
                "created": a.created.to_string(),
                "modified": a.modified.to_string(),
                "body": body,
                "target": {
                    "type": "SpecificResource",
                    "source": source_of(project, art, texts, embedded.insert(art.id)),
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": quote.exact,
                            "prefix": quote.prefix,
                            "suffix": quote.suffix,
                        },
                        {
                            "type": "TextPositionSelector",
                            "start": a.span.start(),
                            "end": a.span.end(),
                        }
                    ]
                }
            });
            if let Some(author) = &a.author {
                anno["creator"] = json!({ "type": "Person", "name": author });
            }
            Some(anno)
        })
        .collect();
    json!({
        "@context": [
            "http://www.w3.org/ns/anno.jsonld",
            { "gloss": "urn:gloss:" }
        ],
        "id": "urn:gloss:collection",
        "type": "AnnotationCollection",
        "label": label,
        "gloss:positions": POSITIONS,
        "total": items.len(),
        "first": {
            "id": "urn:gloss:collection:page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Action;
    use crate::model::testing::project;

    #[test]
    fn w3c_snapshot() {
        let (mut p, _) = project(&[
            "Officials said [the port]{Place} was hit by [ransomware]{Threat/Cyber}.",
            "Прогноз: [угрозы «НАТО»]{Threat, Sanctions}. Zoë 😀",
        ]);
        let id = p.annotations().next().map(|a| a.id).unwrap();
        p.apply(Action::SetAnnotationNote {
            by: None,
            annotation: id,
            note: "Named in the wire copy.".into(),
            modified: crate::model::Timestamp::from_unix(86_400),
        })
        .unwrap();
        let v = to_w3c(&p, "sample", None);
        assert_eq!(v["total"], 3);
        insta::assert_snapshot!(crate::model::testing::stable_ids(
            &serde_json::to_string_pretty(&v).unwrap()
        ));
    }
}
