//! W3C Web Annotation export: an `AnnotationCollection` (JSON-LD) whose
//! annotations carry `TextualBody` tagging and commenting bodies and both a
//! `TextQuoteSelector` and a `TextPositionSelector`.
//!
//! Positions count Unicode code points into the article's normalised text
//! (line breaks as single LF), as the Web Annotation model specifies.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{Value, json};

use crate::model::Project;

/// Builds the collection. `label` names it (the project's name).
#[must_use]
pub fn to_w3c(project: &Project, label: &str, base: Option<&Path>) -> Value {
    let items: Vec<Value> = super::ordered(project)
        .into_iter()
        .map(|a| {
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
            let article = project.article(a.article);
            let quote = project.quote(a);
            let mut source = json!({
                "id": article.map_or_else(String::new, |x| source_iri(&x.source, base)),
                "type": "Text",
                "format": "text/plain",
            });
            if let Some(art) = article {
                source["title"] = json!(art.title);
                source["gloss:article"] = json!(art.id.0);
                source["gloss:hash"] = json!(art.hash.0);
            }
            let mut anno = json!({
                "id": format!("urn:gloss:annotation:{}", a.id.0),
                "type": "Annotation",
                "motivation": if a.note.is_empty() { "tagging" } else { "commenting" },
                "created": a.created.to_string(),
                "modified": a.modified.to_string(),
                "body": body,
                "target": {
                    "source": source,
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
            anno
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
        "total": items.len(),
        "first": {
            "id": "urn:gloss:collection:page1",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        }
    })
}

/// A relative path when `base` is given, else a `file://` IRI.
fn source_iri(path: &Path, base: Option<&Path>) -> String {
    match base {
        Some(_) => super::source_path(path, base),
        None => {
            let s = path.to_string_lossy();
            let mut out = String::from("file://");
            for b in s.bytes() {
                if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                    out.push(char::from(b));
                } else {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            out
        }
    }
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
            annotation: id,
            note: "Named in the wire copy.".into(),
            modified: crate::model::Timestamp::from_unix(86_400),
        })
        .unwrap();
        let v = to_w3c(&p, "sample", None);
        assert_eq!(v["total"], 3);
        insta::assert_snapshot!(serde_json::to_string_pretty(&v).unwrap());
    }
}
