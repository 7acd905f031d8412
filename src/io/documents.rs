//! Word-processor and e-book documents — DOCX, ODT, EPUB — read to
//! paragraphs in reading order (zip + quick-xml, within the bounds of
//! [`super::zipread`]): headers and footers are separate parts and are not
//! read; footnotes and endnotes come after the body; tables become one
//! paragraph per cell; deleted (tracked) text and field codes are dropped.

use std::path::Path;

use quick_xml::events::{BytesStart, Event};

use super::zipread::{BoundedZip, ZipReadError};

/// A document's text as paragraphs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The body's paragraphs, in order (empty ones kept: archive exports
    /// use them as separators).
    pub paragraphs: Vec<Para>,
    /// Footnotes and endnotes, in order.
    pub notes: Vec<String>,
    /// The title its properties give.
    pub title: Option<String>,
    /// A Nexis Uni / Lexis export (its custom properties say so).
    pub nexis: bool,
}

/// One paragraph.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Para {
    /// Its text (line breaks inside it as `\n`).
    pub text: String,
    /// Bookmarks that start in it (Nexis marks articles and bodies so).
    pub bookmarks: Vec<String>,
}

impl Doc {
    /// The text: paragraphs separated by blank lines, then the notes.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        for p in self.paragraphs.iter().map(|p| p.text.trim()) {
            if p.is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(p);
        }
        if !self.notes.is_empty() {
            out.push_str("\n\nNotes");
            for (i, n) in self.notes.iter().enumerate() {
                out.push_str("\n\n[");
                out.push_str(&(i + 1).to_string());
                out.push_str("] ");
                out.push_str(n.trim());
            }
        }
        out
    }
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// The zip container.
    #[error(transparent)]
    Zip(#[from] ZipReadError),
    /// A part the format needs is missing.
    #[error("not a valid {format} file: it has no {part}")]
    Missing {
        /// The format.
        format: &'static str,
        /// The missing part.
        part: &'static str,
    },
    /// Damaged XML.
    #[error("damaged {part}: {message}")]
    Xml {
        /// The part.
        part: String,
        /// What is wrong.
        message: String,
    },
    /// Encrypted or password-protected.
    #[error(
        "the document is encrypted (password-protected); save an unprotected copy to import it"
    )]
    Encrypted,
}

/// One XML event, reduced to what the readers need.
enum Ev<'a> {
    Start(&'a BytesStart<'a>),
    End(&'a str),
    Text(&'a str),
}

/// Walks `xml`, calling `f` for each element start (also for empty
/// elements, followed by their end), end, and text. Entities are resolved;
/// nesting is bounded.
fn walk(xml: &str, part: &str, f: &mut dyn FnMut(Ev<'_>)) -> Result<(), DocError> {
    let max_depth = super::limits::Limits::get().depth;
    let mut r = quick_xml::Reader::from_str(xml);
    let err = |e: String| DocError::Xml {
        part: part.to_owned(),
        message: e,
    };
    let mut depth = 0usize;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| err(format!("at byte {}: {e}", r.buffer_position())))?;
        match ev {
            Event::Start(e) => {
                depth += 1;
                if depth > max_depth {
                    return Err(err(format!("elements nested more than {max_depth} deep")));
                }
                f(Ev::Start(&e));
            }
            Event::Empty(e) => {
                f(Ev::Start(&e));
                f(Ev::End(e.name().as_ref()));
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                f(Ev::End(e.name().as_ref()));
            }
            Event::Text(t) => f(Ev::Text(&t.xml10_content())),
            Event::CData(t) => f(Ev::Text(&t.into_inner())),
            Event::GeneralRef(g) => {
                let name = g.xml10_content();
                if let Ok(s) = quick_xml::escape::unescape(&format!("&{name};")) {
                    f(Ev::Text(&s));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .ok()
                .map(std::borrow::Cow::into_owned)
        })
}

/// Opens the zip of a document, refusing encrypted ones (Office encrypts
/// into an OLE file that is not a zip at all).
fn open(path: &Path) -> Result<BoundedZip, DocError> {
    let head = {
        use std::io::Read;
        let (mut f, _) = super::read::open_regular(path).map_err(ZipReadError::from)?;
        let mut b = [0u8; 8];
        let n = f.read(&mut b).unwrap_or(0);
        b[..n].to_vec()
    };
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DocError::Encrypted);
    }
    Ok(BoundedZip::open(path)?)
}

/// Reads a DOCX (Office Open XML) document.
///
/// # Errors
/// [`DocError`] for a damaged, encrypted or too large file.
pub fn read_docx(path: &Path) -> Result<Doc, DocError> {
    let mut zip = open(path)?;
    let name = zip.find("word/document.xml").ok_or(DocError::Missing {
        format: "DOCX",
        part: "word/document.xml",
    })?;
    let xml = zip.read_text(&name)?;
    let mut doc = Doc {
        paragraphs: docx_paragraphs(&xml, "word/document.xml")?,
        ..Doc::default()
    };
    for part in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(n) = zip.find(part) {
            let xml = zip.read_text(&n)?;
            doc.notes.extend(docx_notes(&xml, part)?);
        }
    }
    if let Some(n) = zip.find("docProps/custom.xml") {
        let xml = zip.read_text(&n)?;
        doc.nexis = xml.contains("LADeliveryID") || xml.contains("LADocCount");
    }
    if let Some(n) = zip.find("docProps/core.xml") {
        doc.title = element_text(&zip.read_text(&n)?, "dc:title");
    }
    Ok(doc)
}

/// The paragraphs of a WordprocessingML part.
fn docx_paragraphs(xml: &str, part: &str) -> Result<Vec<Para>, DocError> {
    let mut out: Vec<Para> = Vec::new();
    let mut cur: Option<Para> = None;
    // Inside w:t (text to keep), w:del / w:instrText (text to drop).
    let mut in_t = false;
    let mut skip = 0usize;
    walk(xml, part, &mut |ev| match ev {
        Ev::Start(e) => match e.name().as_ref() {
            "w:p" => {
                if let Some(p) = cur.take() {
                    out.push(p);
                }
                cur = Some(Para::default());
            }
            "w:t" => in_t = true,
            "w:del" | "w:instrText" | "w:delText" => skip += 1,
            "w:tab" if skip == 0 => {
                if let Some(p) = cur.as_mut() {
                    p.text.push('\t');
                }
            }
            "w:br" | "w:cr" if skip == 0 => {
                if attr(e, "w:type").as_deref() != Some("page")
                    && let Some(p) = cur.as_mut()
                {
                    p.text.push('\n');
                }
            }
            "w:noBreakHyphen" => {
                if let Some(p) = cur.as_mut() {
                    p.text.push('-');
                }
            }
            "w:bookmarkStart" => {
                if let (Some(p), Some(n)) = (cur.as_mut(), attr(e, "w:name")) {
                    p.bookmarks.push(n);
                }
            }
            _ => {}
        },
        Ev::End(name) => match name {
            "w:p" => {
                if let Some(p) = cur.take() {
                    out.push(p);
                }
            }
            "w:t" => in_t = false,
            "w:del" | "w:instrText" | "w:delText" => skip = skip.saturating_sub(1),
            _ => {}
        },
        Ev::Text(t) => {
            if in_t
                && skip == 0
                && let Some(p) = cur.as_mut()
            {
                p.text.push_str(t);
            }
        }
    })?;
    if let Some(p) = cur.take() {
        out.push(p);
    }
    Ok(out)
}

/// The footnotes (or endnotes) of a part, skipping the separator notes.
fn docx_notes(xml: &str, part: &str) -> Result<Vec<String>, DocError> {
    // Split the part at each note and read its paragraphs.
    let mut notes = Vec::new();
    let mut rest = xml;
    let tag = if part.contains("endnotes") {
        "<w:endnote "
    } else {
        "<w:footnote "
    };
    while let Some(i) = rest.find(tag) {
        let after = &rest[i..];
        let end_tag = if part.contains("endnotes") {
            "</w:endnote>"
        } else {
            "</w:footnote>"
        };
        let Some(j) = after.find(end_tag) else { break };
        let note = &after[..j + end_tag.len()];
        rest = &after[j + end_tag.len()..];
        if note.contains("w:type=\"separator\"")
            || note.contains("w:type=\"continuationSeparator\"")
        {
            continue;
        }
        // Wrap so namespace prefixes stay as they are (they are matched by
        // name, not resolved).
        let paras = docx_paragraphs(note, part)?;
        let text: Vec<String> = paras
            .into_iter()
            .map(|p| p.text.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        if !text.is_empty() {
            notes.push(text.join("\n"));
        }
    }
    Ok(notes)
}

/// The text of the first `name` element of `xml`.
fn element_text(xml: &str, name: &str) -> Option<String> {
    let mut inside = false;
    let mut found: Option<String> = None;
    let _ = walk(xml, "properties", &mut |ev| match ev {
        Ev::Start(e) if e.name().as_ref() == name && found.is_none() => inside = true,
        Ev::End(n) if n == name => inside = false,
        Ev::Text(t) if inside => found.get_or_insert_with(String::new).push_str(t),
        _ => {}
    });
    found.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Reads an ODT (OpenDocument text) document.
///
/// # Errors
/// [`DocError`] for a damaged, encrypted or too large file.
pub fn read_odt(path: &Path) -> Result<Doc, DocError> {
    let mut zip = open(path)?;
    if let Some(m) = zip.find("META-INF/manifest.xml") {
        let manifest = zip.read_text(&m)?;
        if manifest.contains("manifest:encryption-data") {
            return Err(DocError::Encrypted);
        }
    }
    let name = zip.find("content.xml").ok_or(DocError::Missing {
        format: "ODT",
        part: "content.xml",
    })?;
    let xml = zip.read_text(&name)?;
    let mut doc = Doc::default();
    let mut cur: Option<String> = None;
    // Notes: their body is read apart and put after the text.
    let mut note: Option<String> = None;
    let mut note_depth = 0usize;
    let mut in_citation = false;
    let mut skip = 0usize;
    walk(&xml, "content.xml", &mut |ev| match ev {
        Ev::Start(e) => match e.name().as_ref() {
            "text:p" | "text:h" => {
                if note_depth > 0 {
                    if let Some(n) = note.as_mut()
                        && !n.is_empty()
                    {
                        n.push('\n');
                    }
                } else {
                    if let Some(p) = cur.take() {
                        doc.paragraphs.push(Para {
                            text: p,
                            bookmarks: Vec::new(),
                        });
                    }
                    cur = Some(String::new());
                }
            }
            "text:note" => {
                note_depth += 1;
                note = Some(String::new());
            }
            "text:note-citation" => in_citation = true,
            "text:tracked-changes" | "office:annotation" => skip += 1,
            "text:s" if skip == 0 => {
                let n: usize = attr(e, "text:c")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(1)
                    .min(1000);
                let s = " ".repeat(n);
                push(&mut cur, &mut note, note_depth, &s);
            }
            "text:tab" if skip == 0 => push(&mut cur, &mut note, note_depth, "\t"),
            "text:line-break" if skip == 0 => push(&mut cur, &mut note, note_depth, "\n"),
            _ => {}
        },
        Ev::End(name) => match name {
            "text:p" | "text:h" if note_depth == 0 => {
                if let Some(p) = cur.take() {
                    doc.paragraphs.push(Para {
                        text: p,
                        bookmarks: Vec::new(),
                    });
                }
            }
            "text:note" => {
                note_depth = note_depth.saturating_sub(1);
                if let Some(n) = note.take()
                    && !n.trim().is_empty()
                {
                    doc.notes.push(n);
                }
            }
            "text:note-citation" => in_citation = false,
            "text:tracked-changes" | "office:annotation" => skip = skip.saturating_sub(1),
            _ => {}
        },
        Ev::Text(t) => {
            if skip == 0 && !in_citation {
                push(&mut cur, &mut note, note_depth, t);
            }
        }
    })?;
    if let Some(p) = cur.take() {
        doc.paragraphs.push(Para {
            text: p,
            bookmarks: Vec::new(),
        });
    }
    if let Some(m) = zip.find("meta.xml") {
        doc.title = element_text(&zip.read_text(&m)?, "dc:title");
    }
    Ok(doc)
}

fn push(cur: &mut Option<String>, note: &mut Option<String>, note_depth: usize, s: &str) {
    if note_depth > 0 {
        if let Some(n) = note.as_mut() {
            n.push_str(s);
        }
    } else if let Some(c) = cur.as_mut() {
        c.push_str(s);
    }
}

/// Reads an EPUB e-book: its spine's documents in order, each reduced to
/// its readable text.
///
/// # Errors
/// [`DocError`] for a damaged, encrypted or too large file.
pub fn read_epub(path: &Path) -> Result<Doc, DocError> {
    let mut zip = open(path)?;
    if zip.find("META-INF/encryption.xml").is_some() {
        return Err(DocError::Encrypted);
    }
    let container = zip
        .find("META-INF/container.xml")
        .ok_or(DocError::Missing {
            format: "EPUB",
            part: "META-INF/container.xml",
        })?;
    let container = zip.read_text(&container)?;
    let mut opf_path = None;
    walk(&container, "META-INF/container.xml", &mut |ev| {
        if let Ev::Start(e) = ev
            && e.local_name().as_ref() == "rootfile"
            && opf_path.is_none()
        {
            opf_path = attr(e, "full-path");
        }
    })?;
    let opf_path = opf_path.ok_or(DocError::Missing {
        format: "EPUB",
        part: "package document (rootfile)",
    })?;
    let opf_name = zip.find(&opf_path).ok_or(DocError::Missing {
        format: "EPUB",
        part: "package document",
    })?;
    let opf = zip.read_text(&opf_name)?;
    let base = opf_path.rsplit_once('/').map_or("", |(b, _)| b).to_owned();
    let mut manifest: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut spine: Vec<String> = Vec::new();
    walk(&opf, &opf_path, &mut |ev| {
        if let Ev::Start(e) = ev {
            match e.local_name().as_ref() {
                "item" => {
                    if let (Some(id), Some(href)) = (attr(e, "id"), attr(e, "href")) {
                        manifest.insert(id, href);
                    }
                }
                "itemref" => {
                    if let Some(id) = attr(e, "idref") {
                        spine.push(id);
                    }
                }
                _ => {}
            }
        }
    })?;
    let mut doc = Doc {
        title: element_text(&opf, "dc:title"),
        ..Doc::default()
    };
    for id in spine {
        let Some(href) = manifest.get(&id) else {
            continue;
        };
        let href = percent_decode(href.split('#').next().unwrap_or(href));
        let full = if base.is_empty() {
            href
        } else {
            format!("{base}/{href}")
        };
        let Some(name) = zip.find(&full) else {
            continue;
        };
        let xhtml = zip.read_text(&name)?;
        let Ok(h) = super::html::extract(&crate::model::text::normalise(&xhtml)) else {
            continue;
        };
        for p in h.text.split("\n\n") {
            doc.paragraphs.push(Para {
                text: p.to_owned(),
                bookmarks: Vec::new(),
            });
        }
    }
    Ok(doc)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docx_paragraphs_keep_text_tabs_breaks_and_bookmarks_but_not_deleted_text() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
            <w:p><w:bookmarkStart w:name="Bookmark_1"/><w:r><w:t>Head</w:t></w:r><w:r><w:t xml:space="preserve"> line &amp; more</w:t></w:r></w:p>
            <w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell 1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cell 2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:instrText>PAGE</w:instrText><w:t>7</w:t></w:r></w:p>
        </w:body></w:document>"#;
        let p = docx_paragraphs(xml, "t").unwrap();
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            ["Head line & more", "a\tb\nc", "cell 1", "cell 2", "7"]
        );
        assert_eq!(p[0].bookmarks, ["Bookmark_1"]);
    }

    #[test]
    fn percent_escapes_in_epub_paths_are_decoded() {
        assert_eq!(percent_decode("a%20b.xhtml"), "a b.xhtml");
        assert_eq!(percent_decode("100%"), "100%");
    }

    proptest::proptest! {
        /// Arbitrary (often broken) XML: an error or paragraphs, never a
        /// panic.
        #[test]
        fn arbitrary_xml_never_panics(body in "(<w:p>|</w:p>|<w:t>|</w:t>|<w:br/>|<w:tab/>|<w:del>|</w:del>|&amp;|&bogus;|[a-z <>/&;\"=]){0,80}") {
            let _ = docx_paragraphs(&format!("<w:document><w:body>{body}</w:body></w:document>"), "t");
            let _ = element_text(&body, "dc:title");
        }
    }
}
