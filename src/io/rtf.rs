//! RTF to text: a tokenizer over the bytes with the code pages RTF uses
//! (`\ansicpgN`, fonts' `\fcharsetN`), Unicode escapes (`\uN` with their
//! `\ucN` fallbacks, surrogate pairs), and the destinations that are not
//! text skipped (font and colour tables, style sheets, document info,
//! pictures, objects, headers and footers, field instructions — a field's
//! result is kept). Paragraphs (`\par`) and line breaks become line breaks,
//! page and section breaks a blank line, table cells tabs. Footnotes come
//! after the body.

use encoding_rs::Encoding;

/// Why an RTF file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RtfError {
    /// Not RTF.
    #[error("not an RTF file (it does not start with {{\\rtf)")]
    NotRtf,
    /// Nothing readable in it.
    #[error("the RTF file has no text")]
    Empty,
}

/// Destinations whose text is not the document's.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "objdata",
    "themedata",
    "datastore",
    "xmlnstbl",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "header",
    "headerl",
    "headerr",
    "headerf",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "annotation",
    "fldinst",
    "bkmkstart",
    "bkmkend",
    "shp",
    "shpinst",
    "nonshppict",
    "latentstyles",
    "colorschememapping",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "mmathPr",
    "wgrffmtfilter",
    "protusertbl",
    "docvar",
    "atnid",
    "atnauthor",
];

#[derive(Clone)]
struct Group {
    skip: bool,
    fonttbl: bool,
    footnote: bool,
    uc: usize,
    encoding: &'static Encoding,
}

/// The code page of a `\fcharsetN`.
fn charset_encoding(n: i32) -> Option<&'static Encoding> {
    let cp = match n {
        0 => 1252,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    };
    codepage(cp)
}

fn codepage(cp: i32) -> Option<&'static Encoding> {
    let label = match cp {
        65001 => "utf-8".to_owned(),
        932 => "shift_jis".to_owned(),
        936 => "gbk".to_owned(),
        949 => "euc-kr".to_owned(),
        950 => "big5".to_owned(),
        874 => "windows-874".to_owned(),
        10000 => "macintosh".to_owned(),
        n => format!("windows-{n}"),
    };
    Encoding::for_label(label.as_bytes())
}

/// The text of an RTF document.
#[allow(
    clippy::too_many_lines,
    clippy::many_single_char_names,
    reason = "one tokenizer loop; `g` is the group state, `i` the position"
)]
/// # Errors
/// [`RtfError`] when it is not RTF or has no text.
pub fn to_text(bytes: &[u8]) -> Result<String, RtfError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if !bytes[start..].starts_with(b"{\\rtf") {
        return Err(RtfError::NotRtf);
    }
    let mut body = String::new();
    let mut notes = String::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut fonts: std::collections::HashMap<i32, &'static Encoding> =
        std::collections::HashMap::new();
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group {
        skip: false,
        fonttbl: false,
        footnote: false,
        uc: 1,
        encoding: encoding_rs::WINDOWS_1252,
    };
    let mut in_fonttbl_font: Option<i32> = None;
    // Chars still to skip after a \uN (its ANSI fallback).
    let mut skip_fallback = 0usize;
    let mut high_surrogate: Option<u32> = None;
    let max_depth = super::limits::Limits::get().depth;
    let mut i = start;

    // Flushes bytes from \'hh escapes through the group's code page.
    macro_rules! flush {
        () => {
            if !pending.is_empty() {
                let (s, _, _) = g.encoding.decode(&pending);
                if !g.skip {
                    if g.footnote {
                        notes.push_str(&s)
                    } else {
                        body.push_str(&s)
                    }
                }
                pending.clear();
            }
        };
    }
    macro_rules! emit {
        ($s:expr) => {{
            flush!();
            if !g.skip {
                if g.footnote {
                    notes.push_str($s)
                } else {
                    body.push_str($s)
                }
            }
        }};
    }

    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                flush!();
                if stack.len() >= max_depth {
                    // Too deep: treat the rest as skipped rather than
                    // recurse without bound.
                    g.skip = true;
                }
                stack.push(g.clone());
                i += 1;
                // An ignorable destination: {\* ...}
                if bytes.get(i..i + 2) == Some(b"\\*") {
                    g.skip = true;
                    i += 2;
                }
            }
            b'}' => {
                flush!();
                if let Some(prev) = stack.pop() {
                    g = prev;
                }
                in_fonttbl_font = None;
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&c) = bytes.get(i) else { break };
                if c.is_ascii_alphabetic() {
                    let ws = i;
                    while i < bytes.len() && bytes[i].is_ascii_alphabetic() && i - ws < 32 {
                        i += 1;
                    }
                    let word = std::str::from_utf8(&bytes[ws..i]).unwrap_or("");
                    let ns = i;
                    if i < bytes.len() && (bytes[i] == b'-' || bytes[i].is_ascii_digit()) {
                        i += 1;
                        while i < bytes.len() && bytes[i].is_ascii_digit() && i - ns < 12 {
                            i += 1;
                        }
                    }
                    let param: Option<i32> = std::str::from_utf8(&bytes[ns..i])
                        .ok()
                        .and_then(|p| p.parse().ok());
                    if bytes.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    // A control word in the fallback of \uN counts as one char.
                    if skip_fallback > 0 && word != "u" {
                        skip_fallback -= 1;
                        if word != "bin" {
                            continue;
                        }
                    }
                    match word {
                        "par" | "line" | "row" => emit!("\n"),
                        // A page break is kept as a form feed: archive
                        // exports start each story on a new page.
                        "page" => emit!("\n\u{c}\n"),
                        "sect" => emit!("\n\n"),
                        "tab" | "cell" => emit!("\t"),
                        "emdash" => emit!("\u{2014}"),
                        "endash" => emit!("\u{2013}"),
                        "bullet" => emit!("\u{2022}"),
                        "lquote" => emit!("\u{2018}"),
                        "rquote" => emit!("\u{2019}"),
                        "ldblquote" => emit!("\u{201C}"),
                        "rdblquote" => emit!("\u{201D}"),
                        "emspace" | "enspace" | "qmspace" => emit!(" "),
                        "uc" => g.uc = usize::try_from(param.unwrap_or(1)).unwrap_or(1).min(8),
                        "u" => {
                            flush!();
                            let n = param.unwrap_or(0);
                            let code = if n < 0 { n + 65536 } else { n };
                            let code = u32::try_from(code).unwrap_or(0xFFFD);
                            let ch = if (0xD800..0xDC00).contains(&code) {
                                high_surrogate = Some(code);
                                None
                            } else if (0xDC00..0xE000).contains(&code) {
                                high_surrogate.take().and_then(|h| {
                                    char::from_u32(0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00))
                                })
                            } else {
                                char::from_u32(code)
                            };
                            if let Some(ch) = ch {
                                let mut buf = [0u8; 4];
                                emit!(ch.encode_utf8(&mut buf));
                            }
                            skip_fallback = g.uc;
                        }
                        "ansicpg" => {
                            if let Some(e) = param.and_then(codepage) {
                                g.encoding = e;
                            }
                        }
                        "f" => {
                            if let Some(n) = param {
                                if g.fonttbl {
                                    // Inside the font table: a font's number.
                                    in_fonttbl_font = Some(n);
                                } else if let Some(e) = fonts.get(&n) {
                                    g.encoding = e;
                                }
                            }
                        }
                        "fcharset" => {
                            if let (Some(f), Some(e)) =
                                (in_fonttbl_font, param.and_then(charset_encoding))
                            {
                                fonts.insert(f, e);
                            }
                        }
                        "bin" => {
                            flush!();
                            let n = usize::try_from(param.unwrap_or(0)).unwrap_or(0);
                            i = i.saturating_add(n).min(bytes.len());
                        }
                        "footnote" => {
                            flush!();
                            g.footnote = true;
                            notes.push_str("\n\n");
                        }
                        w if SKIPPED.contains(&w) => {
                            flush!();
                            g.skip = true;
                            g.fonttbl |= w == "fonttbl";
                        }
                        _ => {}
                    }
                } else {
                    i += 1;
                    match c {
                        b'\'' => {
                            let hex = bytes
                                .get(i..i + 2)
                                .and_then(|h| std::str::from_utf8(h).ok());
                            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                                i += 2;
                                if skip_fallback > 0 {
                                    skip_fallback -= 1;
                                } else {
                                    pending.push(v);
                                }
                            }
                        }
                        b'\\' | b'{' | b'}' => {
                            if skip_fallback > 0 {
                                skip_fallback -= 1;
                            } else {
                                let s = [c];
                                emit!(std::str::from_utf8(&s).unwrap_or(""));
                            }
                        }
                        b'~' => emit!("\u{A0}"),
                        b'_' => emit!("\u{2011}"),
                        b'\n' | b'\r' => emit!("\n"),
                        // `\-` (an optional hyphen) and unknown symbols.
                        _ => {}
                    }
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if skip_fallback > 0 {
                    skip_fallback -= 1;
                    i += 1;
                    continue;
                }
                // A run of plain bytes, decoded through the code page.
                let s = i;
                while i < bytes.len() && !matches!(bytes[i], b'{' | b'}' | b'\\' | b'\r' | b'\n') {
                    i += 1;
                }
                pending.extend_from_slice(&bytes[s..i]);
                // Keep pending for the next \'hh of the same run; flush at
                // the next control.
            }
        }
    }
    flush!();
    let mut text = body;
    let notes = notes.trim();
    if !notes.is_empty() {
        text.push_str("\n\nNotes\n\n");
        text.push_str(notes);
    }
    if text.trim().is_empty() {
        return Err(RtfError::Empty);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_unicode_escapes_and_skipped_destinations() {
        let rtf = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0\fnil\fcharset0 Arial;}{\f1\fnil\fcharset204 Times;}}{\colortbl;\red0\green0\blue0;}{\info{\title Secret}}
\f0 Gr\'fc\'dfe \'93quoted\'94\par
\uc1 Caf\u233? \u8220?x\u8221?\par
{\f1 \'cf\'f0\'e8\'e2\'e5\'f2}\par
{\pict\pngblip 89504e47}{\field{\*\fldinst HYPERLINK x}{\fldrslt Link}} text\page
A\tab B\cell C\row
{\header Page 1}\u-10179?\u-8704?\par
Body{\footnote Foot note.} end.}";
        let t = to_text(rtf).unwrap();
        assert_eq!(
            t,
            "Grüße \u{201C}quoted\u{201D}\nCafé \u{201C}x\u{201D}\nПривет\nLink text\n\u{c}\nA\tB\tC\n😀\nBody end.\n\nNotes\n\nFoot note."
        );
    }

    #[test]
    fn not_rtf_and_empty_are_errors() {
        assert!(matches!(to_text(b"hello"), Err(RtfError::NotRtf)));
        assert!(matches!(
            to_text(br"{\rtf1{\fonttbl{\f0 Arial;}}}"),
            Err(RtfError::Empty)
        ));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let mut v = b"{\\rtf1 ".to_vec();
            v.append(&mut bytes);
            let _ = to_text(&v);
        }
    }
}
