//! One article record on one line, both ways, without `ron` (the
//! counterpart of `passage_line` for the article list, which a window shows
//! before anything else is read, and which `ron` took seconds to write at
//! 100,000 articles). Records with fields written only now and then
//! (attributes, inline texts, source bytes) are left to `ron`, as is reading
//! anything not in the writer's exact form. Property tests check that the
//! lines are `ron`'s bytes and that whatever this reads, `ron` reads the
//! same.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use serde::de::value::{Error, StrDeserializer};

use super::passage_line::{Cursor, TimeCache, TimeReader, optional_string, string};
use super::records::ArticleRec;
use crate::model::ArticleId;

/// Appends the article record `r` as `ron` renders it on one line
/// (`(id: …, title: …, …)`); `false`, with nothing appended, for a record
/// with attributes, an inline text or a source path that is not Unicode
/// (left to `ron`).
pub(super) fn render_article(out: &mut String, r: &ArticleRec<'_>, times: &mut TimeCache) -> bool {
    use std::fmt::Write as _;
    if !r.attributes.is_empty() || r.text.is_some() || r.source_bytes.is_some() {
        return false;
    }
    // chrono writes dates and date-times for serde as their `Debug` form,
    // and serde names unit variants as declared.
    let _ = write!(out, "(id: {}, title: ", r.id.0);
    string(out, &r.title);
    let _ = write!(out, ", status: {:?}, date: ", r.status);
    match r.date {
        Some(d) => {
            let _ = write!(out, "Some(\"{d:?}\")");
        }
        None => out.push_str("None"),
    }
    out.push_str(", posted: ");
    match r.posted {
        Some(p) => {
            let _ = write!(out, "Some(\"{p:?}\")");
        }
        None => out.push_str("None"),
    }
    out.push_str(", credit: ");
    optional_string(out, r.credit.as_deref());
    out.push_str(", source: ");
    string(out, &r.source);
    out.push_str(", file_name: ");
    string(out, &r.file_name);
    let _ = write!(out, ", format: {:?}, encoding: ", r.format);
    string(out, &r.encoding);
    out.push_str(", hash: ");
    string(out, &r.hash);
    let _ = write!(out, ", chars: {}, note: ", r.chars);
    string(out, &r.note);
    if let Some(by) = &r.note_by {
        out.push_str(", note_by: ");
        optional_string(out, Some(by));
    }
    if let Some(t) = r.added {
        out.push_str(", added: Some(\"");
        out.push_str(times.text(t));
        out.push_str("\")");
    }
    out.push(')');
    true
}

/// Reads one article line (without the list's indent and the comma after
/// it); `None` for any other text, which `ron` then reads, or reports.
pub(super) fn parse_article<'a>(line: &'a str, times: &mut TimeReader) -> Option<ArticleRec<'a>> {
    let mut c = Cursor(line);
    c.expect("(id: ")?;
    let id = ArticleId(c.number()?);
    c.expect(", title: ")?;
    let title = c.string()?;
    c.expect(", status: ")?;
    let status = variant(&mut c)?;
    c.expect(", date: ")?;
    // chrono reads its dates with `FromStr`, as here.
    let date = c.option(|c| c.string()?.parse::<NaiveDate>().ok())?;
    c.expect(", posted: ")?;
    let posted = c.option(|c| c.string()?.parse::<NaiveDateTime>().ok())?;
    c.expect(", credit: ")?;
    let credit = c.option(Cursor::string)?;
    c.expect(", source: ")?;
    let source = c.string()?;
    c.expect(", file_name: ")?;
    let file_name = c.string()?;
    c.expect(", format: ")?;
    let format = variant(&mut c)?;
    c.expect(", encoding: ")?;
    let encoding = c.string()?;
    c.expect(", hash: ")?;
    let hash = c.string()?;
    c.expect(", chars: ")?;
    let chars = usize::try_from(c.number()?).ok()?;
    c.expect(", note: ")?;
    let note = c.string()?;
    let note_by = if c.eat(", note_by: ") {
        Some(c.option(Cursor::string)??)
    } else {
        None
    };
    let added = if c.eat(", added: ") {
        Some(c.option(|c| times.read(&c.string()?))??)
    } else {
        None
    };
    c.expect(")")?;
    c.0.is_empty().then_some(ArticleRec {
        id,
        title,
        status,
        date,
        posted,
        credit,
        source,
        source_bytes: None,
        file_name,
        format,
        encoding,
        hash,
        chars,
        note,
        note_by,
        added,
        attributes: Cow::Owned(crate::model::attributes::Attributes::default()),
        text: None,
    })
}

/// A unit variant by its name, as serde names it.
fn variant<T: for<'de> Deserialize<'de>>(c: &mut Cursor<'_>) -> Option<T> {
    let len =
        c.0.bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
    let (name, rest) = c.0.split_at(len);
    if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    c.0 = rest;
    T::deserialize(StrDeserializer::<Error>::new(name)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReviewStatus, SourceFormat, Timestamp};

    fn pretty(r: &ArticleRec<'_>) -> String {
        ron::Options::default()
            .to_string_pretty(r, ron::ser::PrettyConfig::new().depth_limit(0))
            .unwrap()
    }

    fn ron_reads(line: &str) -> Option<ArticleRec<'static>> {
        let mut list =
            ron::from_str::<Vec<ArticleRec<'static>>>(&format!("[\n        {line},\n]")).ok()?;
        (list.len() == 1).then(|| list.remove(0))
    }

    const FORMATS: [SourceFormat; 3] = [SourceFormat::Text, SourceFormat::Html, SourceFormat::Rtf];

    const STRING: &str = "(\\PC|[\\x00-\\x1f\\x7f-\\u{a0}\\u{200b}-\\u{200f}\\u{2028}\\u{2029}\\u{feff}\\u{301}'\"\\\\#]){0,12}";

    fn record(
        strings: &[String],
        numbers: (u64, usize, u8, u8),
        has: (bool, bool, bool, bool, bool),
        days: (u32, u32),
    ) -> ArticleRec<'_> {
        let date = NaiveDate::from_num_days_from_ce_opt(
            700_000 + i32::try_from(days.0 % 100_000).unwrap_or(0),
        );
        ArticleRec {
            id: ArticleId(numbers.0),
            title: Cow::Borrowed(&strings[0]),
            status: ReviewStatus::ALL[usize::from(numbers.2) % 3],
            date: has.0.then_some(date).flatten(),
            posted: has
                .1
                .then(|| {
                    // Whole seconds, and a fraction of each length chrono writes.
                    let nanos = [0, 500_000_000, 123_456_000, 987_654_321][days.0 as usize % 4];
                    date.and_then(|d| d.and_hms_nano_opt(days.1 % 24, 5, 7, nanos))
                })
                .flatten(),
            credit: has.2.then(|| Cow::Borrowed(strings[1].as_str())),
            source: Cow::Borrowed(&strings[2]),
            source_bytes: None,
            file_name: Cow::Borrowed(&strings[3]),
            format: FORMATS[usize::from(numbers.3) % FORMATS.len()],
            encoding: Cow::Borrowed("UTF-8"),
            hash: Cow::Borrowed(&strings[4]),
            chars: numbers.1,
            note: Cow::Borrowed(&strings[5]),
            note_by: has.3.then(|| Cow::Borrowed(strings[6].as_str())),
            added: has.4.then(|| Timestamp::from_unix(i64::from(days.1))),
            attributes: Cow::Owned(crate::model::attributes::Attributes::default()),
            text: None,
        }
    }

    proptest::proptest! {
        #[test]
        fn article_lines_are_read_back_as_ron_writes_them(
            strings in proptest::collection::vec(STRING, 7),
            numbers in proptest::prelude::any::<(u64, usize, u8, u8)>(),
            has in proptest::prelude::any::<(bool, bool, bool, bool, bool)>(),
            days in proptest::prelude::any::<(u32, u32)>(),
        ) {
            let r = record(&strings, numbers, has, days);
            let line = pretty(&r);
            let mut mine = String::new();
            proptest::prop_assert!(render_article(&mut mine, &r, &mut TimeCache::default()));
            proptest::prop_assert_eq!(&mine, &line);
            let read = parse_article(&line, &mut TimeReader::default());
            proptest::prop_assert_eq!(read.map(|a| pretty(&a)), Some(line));
        }

        /// Whatever a changed line says, the reader gives up or reads what
        /// `ron` reads.
        #[test]
        fn a_changed_article_line_is_read_as_ron_reads_it_or_left_to_ron(
            strings in proptest::collection::vec(STRING, 7),
            has in proptest::prelude::any::<(bool, bool, bool, bool, bool)>(),
            at in proptest::prelude::any::<proptest::sample::Index>(),
            cut in 0usize..4,
            insert in "(\\PC|[ ,:()\\[\\]\"\\\\{}_0-9a-zA-Z+-]){0,3}",
        ) {
            let r = record(&strings, (3, 9, 1, 2), has, (5, 6));
            let chars: Vec<char> = pretty(&r).chars().collect();
            let i = at.index(chars.len());
            let changed: String = chars[..i]
                .iter()
                .copied()
                .chain(insert.chars())
                .chain(chars[(i + cut).min(chars.len())..].iter().copied())
                .collect();
            if let Some(mine) = parse_article(&changed, &mut TimeReader::default()) {
                let theirs = ron_reads(&changed);
                proptest::prop_assert_eq!(theirs.map(|t| pretty(&t)), Some(pretty(&mine)), "{}", changed);
            }
        }
    }

    #[test]
    fn every_status_and_format_is_rendered_as_ron_names_it() {
        let strings: Vec<String> = (0..7).map(|i| format!("s{i}")).collect();
        for status in ReviewStatus::ALL {
            for format in [
                SourceFormat::Text,
                SourceFormat::Markdown,
                SourceFormat::Html,
                SourceFormat::Docx,
                SourceFormat::Odt,
                SourceFormat::Epub,
                SourceFormat::Rtf,
                SourceFormat::Pdf,
            ] {
                let mut r = record(
                    &strings,
                    (1, 2, 0, 0),
                    (true, true, true, true, true),
                    (3, 4),
                );
                r.status = status;
                r.format = format;
                let mut mine = String::new();
                assert!(render_article(&mut mine, &r, &mut TimeCache::default()));
                assert_eq!(mine, pretty(&r));
            }
        }
    }

    #[test]
    fn records_with_rare_fields_are_rendered_by_ron() {
        let strings: Vec<String> = (0..7).map(|i| format!("s{i}")).collect();
        let plain = || {
            record(
                &strings,
                (1, 2, 0, 0),
                (true, true, true, true, true),
                (3, 4),
            )
        };
        let mut with_text = plain();
        with_text.text = Some(Cow::Borrowed("x"));
        let mut with_bytes = plain();
        with_bytes.source_bytes = Some(vec![0xff]);
        let mut with_attributes = plain();
        with_attributes.attributes.to_mut().insert(
            "outlet".to_owned(),
            crate::model::attributes::Value::Text("G".to_owned()),
        );
        for r in [with_text, with_bytes, with_attributes] {
            let mut out = String::new();
            assert!(!render_article(&mut out, &r, &mut TimeCache::default()));
            assert!(out.is_empty());
        }
    }

    #[test]
    fn rare_fields_are_left_to_ron() {
        let line = r#"(id: 1, title: "T", status: Done, date: None, posted: None, credit: None, source: "a.txt", file_name: "a.txt", format: Text, encoding: "UTF-8", hash: "h", chars: 1, note: "")"#;
        assert!(parse_article(line, &mut TimeReader::default()).is_some());
        for (from, to) in [
            (r#"note: """#, r#"note: "", attributes: {"outlet": "G"}"#),
            (r#"note: """#, r#"note: "", text: Some("x")"#),
            ("status: Done", "status: Finished"),
            ("status: Done", "status: r#Done"),
            ("date: None", r#"date: Some("2024-13-01")"#),
        ] {
            let changed = line.replacen(from, to, 1);
            assert!(
                parse_article(&changed, &mut TimeReader::default()).is_none(),
                "{changed}"
            );
        }
    }
}
