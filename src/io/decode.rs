//! Turning a file's bytes into text: encoding detection and refusal of
//! binary and empty files.

use encoding_rs::{Encoding, UTF_8};

/// Why bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file has no bytes (or only a byte-order mark).
    #[error("the file is empty")]
    Empty,
    /// The file looks like binary data.
    #[error("the file looks binary, not text ({0})")]
    Binary(&'static str),
}

/// Decoded text and how it was decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, not yet normalised.
    pub text: String,
    /// The encoding's name (`UTF-8`, `windows-1251`, …).
    pub encoding: &'static str,
    /// Something the user should know (e.g. invalid bytes replaced).
    pub warning: Option<String>,
}

/// Decodes text a format declares to be UTF-8 text (a REFI-QDA source, a
/// brat document): valid UTF-8 (a BOM dropped) is taken as it is, control
/// characters and all, since the other tool's offsets count them; anything
/// else is read as [`decode`] reads an article file.
///
/// # Errors
/// [`DecodeError`] for empty input, and for input that is not UTF-8 and
/// that [`decode`] refuses.
pub fn decode_declared_text(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.is_empty() {
        return Err(DecodeError::Empty);
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok(Decoded {
            text: s.to_owned(),
            encoding: UTF_8.name(),
            warning: None,
        }),
        Err(_) => decode(bytes),
    }
}

/// Decodes bytes of unknown encoding.
///
/// UTF-8 (with or without BOM) and UTF-16 with a BOM are taken as they are;
/// UTF-8 with a few invalid bytes keeps the valid text and replaces the bad
/// bytes with U+FFFD; anything else is detected with `chardetng` (legacy
/// single-byte and CJK encodings).
///
/// # Errors
/// [`DecodeError`] for empty and binary input.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        if body.is_empty() {
            return Err(DecodeError::Empty);
        }
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        let text = text.into_owned();
        check_not_binary(&text, enc != UTF_8)?;
        return Ok(Decoded {
            warning: had_errors.then(|| invalid_warning(enc.name(), &text)),
            text,
            encoding: enc.name(),
        });
    }
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err(DecodeError::Binary("it contains NUL bytes"));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            check_not_binary(s, false)?;
            Ok(Decoded {
                text: s.to_owned(),
                encoding: UTF_8.name(),
                warning: None,
            })
        }
        Err(_) => {
            let (valid_multibyte, invalid) = utf8_census(bytes);
            let enc = if valid_multibyte > 0 && invalid <= valid_multibyte {
                UTF_8
            } else {
                let mut det =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
                det.feed(bytes, true);
                det.guess(None, chardetng::Utf8Detection::Deny)
            };
            let (text, _, had_errors) = enc.decode(bytes);
            let text = text.into_owned();
            check_not_binary(&text, false)?;
            Ok(Decoded {
                warning: had_errors.then(|| invalid_warning(enc.name(), &text)),
                text,
                encoding: enc.name(),
            })
        }
    }
}

fn invalid_warning(encoding: &str, text: &str) -> String {
    let n = text.chars().filter(|&c| c == '\u{fffd}').count();
    format!(
        "{} in otherwise {encoding} text {} replaced with U+FFFD",
        crate::model::plural(n, "invalid byte sequence"),
        if n == 1 { "was" } else { "were" }
    )
}

/// Counts valid multi-byte UTF-8 sequences and invalid bytes.
fn utf8_census(mut bytes: &[u8]) -> (usize, usize) {
    let (mut valid_multibyte, mut invalid) = (0, 0);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                valid_multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                return (valid_multibyte, invalid);
            }
            Err(e) => {
                let good = e.valid_up_to();
                // SAFETY-free: from_utf8 said these bytes are valid.
                valid_multibyte += String::from_utf8_lossy(&bytes[..good])
                    .chars()
                    .filter(|c| !c.is_ascii())
                    .count();
                let bad = e.error_len().unwrap_or(bytes.len() - good);
                invalid += bad;
                bytes = &bytes[good + bad..];
            }
        }
    }
}

/// Refuses text that is mostly control characters (or has NULs, for UTF-16).
fn check_not_binary(text: &str, check_nul: bool) -> Result<(), DecodeError> {
    if check_nul && text.contains('\0') {
        return Err(DecodeError::Binary("it contains NUL characters"));
    }
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(65_536) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            control += 1;
        }
    }
    if total == 0 {
        return Err(DecodeError::Empty);
    }
    if control * 10 > total {
        return Err(DecodeError::Binary("it is mostly control characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode("Zoë".as_bytes()).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("Zoë", "UTF-8"));
        let d = decode(b"\xef\xbb\xbfZo\xc3\xab").unwrap();
        assert_eq!(d.text, "Zoë");
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for u in "Привет 😀".encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "Привет 😀");
        assert_eq!(decode(&be).unwrap().encoding, "UTF-16BE");
    }

    #[test]
    fn legacy_encodings() {
        let ru = "Президент России заявил в воскресенье, что рассмотрит ряд ответных мер, если Запад не даст гарантий.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(ru);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1251");
        assert_eq!(d.text, ru);
        let fr = "Le président a déclaré à la télévision française qu'il était très préoccupé par la situation économique.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(fr);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.text, fr);
    }

    #[test]
    fn invalid_bytes_in_utf8_are_replaced_with_a_warning() {
        let mut b = "Les élèves ont été très nombreux à Kraków — «oui»."
            .as_bytes()
            .to_vec();
        b.insert(4, 0xff);
        let d = decode(&b).unwrap();
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{fffd}'));
        assert!(d.warning.unwrap().contains("1 invalid"));
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b"\xef\xbb\xbf"), Err(DecodeError::Empty));
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00"),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(
            decode(&[1, 2, 3, 4, 5, 6, 7, 8, b'a']),
            Err(DecodeError::Binary(_))
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = decode(&bytes);
        }
    }
}
