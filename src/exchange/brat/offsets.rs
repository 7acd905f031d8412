//! Offsets in brat files: reading `start end;start end`, and turning the
//! offsets a tool counted into Gloss's (brat counts a CRLF as two chars;
//! some tools count it as one, or count a byte-order mark).

use super::grammar::{covered_text, one_line};
use crate::model::text::OffsetMap;
use crate::model::{Span, Text};

/// How a tool counted the offsets of a `.ann` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Counting {
    /// A leading byte-order mark counts as a char.
    pub bom: bool,
    /// A CRLF line break counts as two chars (brat's way).
    pub crlf_as_two: bool,
}

/// One document's text and how to turn its raw offsets into ours.
pub(super) struct DocText {
    pub text: Text,
    map: OffsetMap,
    /// Chars of the raw text (without a byte-order mark).
    raw_len: usize,
    pub ways: Vec<Counting>,
}

impl DocText {
    pub fn new(raw: &str, had_bom: bool) -> Self {
        let (norm, map) = OffsetMap::normalise(raw);
        let raw_len = raw.trim_start_matches('\u{feff}').chars().count();
        let mut ways = vec![Counting {
            bom: false,
            crlf_as_two: true,
        }];
        if had_bom {
            ways.push(Counting {
                bom: true,
                crlf_as_two: true,
            });
        }
        if !map.is_identity() {
            ways.push(Counting {
                bom: false,
                crlf_as_two: false,
            });
            if had_bom {
                ways.push(Counting {
                    bom: true,
                    crlf_as_two: false,
                });
            }
        }
        Self {
            text: Text::new(norm),
            map,
            raw_len,
            ways,
        }
    }

    /// Our offset of a raw offset counted `way`, if it lies in the text.
    pub fn convert(&self, raw: usize, way: Counting) -> Option<usize> {
        let raw = if way.bom { raw.checked_sub(1)? } else { raw };
        if way.crlf_as_two {
            (raw <= self.raw_len).then(|| self.map.map(raw))
        } else {
            (raw <= self.text.char_len()).then_some(raw)
        }
    }

    /// The fragments `raw` in our offsets, counted the first way under which
    /// they lie in the text and match `field`.
    pub fn locate(
        &self,
        raw: &[(usize, usize)],
        field: &str,
    ) -> Result<(Vec<Span>, Counting), String> {
        let field = one_line(field);
        let mut first_text = None;
        for &way in &self.ways {
            let spans: Option<Vec<Span>> = raw
                .iter()
                .map(|&(s, e)| {
                    let (s, e) = (self.convert(s, way)?, self.convert(e, way)?);
                    (s < e).then(|| Span::between(s, e))
                })
                .collect();
            let Some(spans) = spans else { continue };
            let found = covered_text(&self.text, &spans);
            if found == field {
                return Ok((spans, way));
            }
            first_text.get_or_insert(found);
        }
        let offsets = raw
            .iter()
            .map(|(s, e)| format!("{s} {e}"))
            .collect::<Vec<_>>()
            .join(";");
        Err(match first_text {
            Some(found) => {
                format!("its text {field:?} does not match the text at {offsets} ({found:?})")
            }
            None => format!(
                "offsets {offsets} are empty or lie outside the text ({} chars)",
                self.raw_len
            ),
        })
    }
}

/// Raw `(start, end)` offsets of a `T` line's fragments, as written.
pub(super) type RawFragments = Vec<(usize, usize)>;

/// `Type 0 4;10 16` → the type and the `(start, end)` pairs.
pub(super) fn parse_offsets(data: &str) -> Result<(&str, RawFragments), String> {
    let (ty, rest) = data
        .split_once(' ')
        .ok_or_else(|| format!("{data:?} is not TYPE START END"))?;
    if ty.is_empty() {
        return Err(format!("{data:?} has no type"));
    }
    rest.split(';')
        .map(|frag| {
            let mut it = frag.split_whitespace().map(str::parse::<usize>);
            match (it.next(), it.next(), it.next()) {
                (Some(Ok(s)), Some(Ok(e)), None) if s <= e => Ok((s, e)),
                _ => Err(format!("offsets {frag:?} are not START END")),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(|v| (ty, v))
}
