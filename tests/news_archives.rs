//! News-archive exports and documents: a Nexis Uni DOCX, a LexisNexis text
//! export and a Factiva HTML export split into one article per story with
//! their metadata as attributes; DOCX, ODT and EPUB read in reading order.
//! Every fixture is written here, with synthetic text.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use std::path::Path;

use common::{run_ok, write, zip_file};
use serde_json::Value;

const NBSP: &str = "\u{a0}";

fn p(text: &str) -> String {
    format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        text.replace('&', "&amp;").replace('<', "&lt;")
    )
}

fn p_mark(mark: &str, text: &str) -> String {
    format!(
        "<w:p><w:bookmarkStart w:id=\"0\" w:name=\"{mark}\"/><w:bookmarkEnd w:id=\"0\"/><w:r><w:t>{text}</w:t></w:r></w:p>"
    )
}

fn docx(path: &Path, body: &str, custom: Option<&str>, extra: &[(&str, &str)]) {
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut members: Vec<(&str, Vec<u8>)> = vec![
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#.to_vec(),
        ),
        ("word/document.xml", doc.into_bytes()),
    ];
    if let Some(c) = custom {
        members.push(("docProps/custom.xml", c.as_bytes().to_vec()));
    }
    for (n, x) in extra {
        members.push((n, x.as_bytes().to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    zip_file(path, &refs);
}

/// A Nexis Uni download of `n` stories in one Word file, with its cover.
fn nexis_docx(path: &Path, n: usize) {
    let mut body = String::new();
    for line in [
        "User Name: Test Analyst",
        "Date and Time: Thursday, March 4, 2021 7:11:00 PM CET",
        "Job Number: 123456",
        &format!("Documents ({n})"),
    ] {
        body.push_str(&p(line));
    }
    for i in 1..=n {
        body.push_str(&p(&format!("{i}. Harbour story number {i}")));
    }
    for line in [
        "Client/Matter: -None-",
        "Search Terms: harbour",
        "Search Type: Natural Language",
        "Narrowed by:",
    ] {
        body.push_str(&p(line));
    }
    for i in 1..=n {
        let outlet = if i % 2 == 0 {
            "The Example Gazette"
        } else {
            "Daily Sample News"
        };
        body.push_str(&p_mark(&format!("Bookmark_{i}"), ""));
        body.push_str(&p(&format!("Harbour story number {i}")));
        body.push_str(&p(outlet));
        body.push_str(&p(&format!("March {i}, 2021 Monday")));
        body.push_str(&p(""));
        body.push_str(&p("Copyright 2021 Example Media Ltd"));
        body.push_str(&p(&format!("Section:{NBSP}WORLD; Pg. {i}")));
        body.push_str(&p(&format!("Length:{NBSP}{} words", 100 + i)));
        body.push_str(&p(&format!("Byline:{NBSP}Reporter {i}")));
        body.push_str(&p_mark(&format!("Body_{i}"), "Body"));
        body.push_str(&p(&format!(
            "First paragraph of story {i}: cranes stood idle at the harbour."
        )));
        body.push_str(&p("Officials said: \"We are working on it.\""));
        body.push_str(&p(&format!("Load-Date:{NBSP}March {}, 2021", i + 1)));
        body.push_str(&p(""));
        body.push_str(&p("End of Document"));
    }
    docx(
        path,
        &body,
        Some(
            r#"<?xml version="1.0"?><Properties><property name="LADeliveryID"><vt:lpwstr>1</vt:lpwstr></property></Properties>"#,
        ),
        &[],
    );
}

const LEXIS_TXT: &str = "\u{feff}Download Request: Selected Items: 1-3\r
Terms: harbour\r
\r
                               1 of 3 DOCUMENTS\r
\r
                          Daily Sample News\r
\r
                        March 4, 2021 Thursday\r
                            Final Edition\r
\r
Cranes idle after attack on harbour\r
\r
BYLINE: Ana Writer\r
\r
SECTION: WORLD; Pg. 3\r
\r
LENGTH: 120 words\r
\r
The first paragraph is hard-wrapped at\r
seventy-eight columns, as these exports are.\r
\r
A second paragraph.\r
\r
LOAD-DATE: March 5, 2021\r
\r
LANGUAGE: ENGLISH\r
\r
PUBLICATION-TYPE: Newspaper\r
\r
                  Copyright 2021 Example Media Ltd\r
                         All Rights Reserved\r
\r
                               2 of 3 DOCUMENTS\r
\r
                        The Example Gazette\r
\r
                        April 1, 2021 Thursday\r
\r
Second story headline that wraps\r
onto a second line\r
\r
BYLINE: Ben Writer\r
\r
LENGTH: 80 words\r
\r
Only paragraph of the second story.\r
\r
LOAD-DATE: April 2, 2021\r
\r
LANGUAGE: ENGLISH\r
\r
                          Dokument 3 von 3\r
\r
                        Die Beispielzeitung\r
\r
                         24. September 2002\r
\r
Hafen lahmgelegt\r
\r
AUTOR: Hans Muster\r
\r
RUBRIK: Wirtschaft; S. 5\r
\r
LÄNGE: 98 Wörter\r
\r
Der Hafen stand am Montag still.\r
\r
SPRACHE: GERMAN\r
";

fn factiva_story(
    an: &str,
    head: &str,
    author: &str,
    words: &str,
    date: &str,
    source: &str,
    code: &str,
) -> String {
    format!(
        r#"<div id="article-{an}" class="article"><div class="article enArticle">
<p></p><div>News</div>
<div id="hd"><span class="enHeadline">{head}</span></div>
<div class="author">{author}</div>
<div>{words}</div>
<div>{date}</div>
<div>{source}</div>
<div>{code}</div>
<div>English</div>
<div>(c) 2021 Example Media Ltd</div>
<p></p>
<p class="articleParagraph enarticleParagraph">The harbour reopened on Tuesday.</p>
<p class="articleParagraph enarticleParagraph">Traffic was back to normal.</p>
<p>Example Media Ltd</p>
<p>Document {an}</p>
</div></div><br/>"#
    )
}

fn factiva_html() -> String {
    format!(
        "<html><head><meta charset=\"utf-8\"><title>Factiva</title></head><body>\
         <table class=\"searchPreview\"><tr><td class=\"label\">Text</td><td>harbour</td></tr></table>{}{}</body></html>",
        factiva_story(
            "DSNEWS0020210304eh340000a",
            "Harbour reopens",
            "Cara Writer",
            "412 words",
            "4 March 2021",
            "Daily Sample News",
            "DSNEWS"
        ),
        factiva_story(
            "EXGAZ00020210305eh350000b",
            "Gazette: port traffic back",
            "Dan Writer",
            "1,205 words",
            "5 March 2021",
            "The Example Gazette",
            "EXGAZ"
        ),
    )
}

fn articles(dir: &Path, project: &str) -> Vec<Value> {
    let out = run_ok(dir, &["articles", project, "--json"], 0);
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn attr<'a>(a: &'a Value, name: &str) -> &'a Value {
    &a["attributes"][name]
}

#[test]
fn a_nexis_uni_docx_with_ten_stories_is_ten_articles_with_their_metadata() {
    let dir = tempfile::tempdir().unwrap();
    nexis_docx(&dir.path().join("nexis.docx"), 10);
    run_ok(dir.path(), &["import", "p.ron", "nexis.docx"], 0);
    let list = articles(dir.path(), "p.ron");
    assert_eq!(list.len(), 10, "{list:#?}");
    for (i, a) in list.iter().enumerate() {
        let n = i + 1;
        assert_eq!(a["title"], format!("Harbour story number {n}"));
        let outlet = if n % 2 == 0 {
            "The Example Gazette"
        } else {
            "Daily Sample News"
        };
        assert_eq!(attr(a, "outlet"), outlet);
        assert_eq!(attr(a, "date"), format!("2021-03-{n:02}").as_str());
        assert_eq!(attr(a, "byline"), format!("Reporter {n}").as_str());
        assert_eq!(attr(a, "section"), format!("WORLD; Pg. {n}").as_str());
        assert_eq!(attr(a, "length"), &serde_json::json!(100.0 + n as f64));
        assert_eq!(attr(a, "copyright"), "Copyright 2021 Example Media Ltd");
        assert!(
            a["source"]
                .as_str()
                .unwrap()
                .ends_with(&format!("nexis.docx#{n}")),
            "{a}"
        );
    }
    // The text is the headline and the body, without the labels.
    let out = run_ok(dir.path(), &["search", "p.ron", "Load-Date"], 1);
    assert!(out.stdout.is_empty());
    let out = run_ok(dir.path(), &["search", "p.ron", "cranes stood idle"], 0);
    assert_eq!(out.stdout.lines().count(), 10);
    // Cross-tabulation by outlet.
    run_ok(
        dir.path(),
        &["tag", "p.ron", "--match", "harbour", "--tag", "Place"],
        0,
    );
    let out = run_ok(dir.path(), &["stats", "p.ron", "--by", "outlet"], 0);
    assert!(out.stdout.contains("Daily Sample News"), "{}", out.stdout);
    assert!(out.stdout.contains("The Example Gazette"), "{}", out.stdout);
    let json = run_ok(
        dir.path(),
        &["stats", "p.ron", "--by", "outlet", "--json"],
        0,
    );
    let t: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        t["values"],
        serde_json::json!(["Daily Sample News", "The Example Gazette"])
    );
    assert_eq!(t["articles"], serde_json::json!([5, 5]));
    // Re-reading a story from its file finds the same text.
    run_ok(dir.path(), &["check", "p.ron"], 0);
}

#[test]
fn a_lexis_nexis_text_export_is_split_with_english_and_german_labels() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("ln.txt"), LEXIS_TXT);
    run_ok(dir.path(), &["import", "p.ron", "ln.txt"], 0);
    let list = articles(dir.path(), "p.ron");
    assert_eq!(list.len(), 3, "{list:#?}");
    let a = &list[0];
    assert_eq!(a["title"], "Cranes idle after attack on harbour");
    assert_eq!(attr(a, "outlet"), "Daily Sample News");
    assert_eq!(attr(a, "date"), "2021-03-04");
    assert_eq!(attr(a, "edition"), "Final Edition");
    assert_eq!(attr(a, "byline"), "Ana Writer");
    assert_eq!(attr(a, "section"), "WORLD; Pg. 3");
    assert_eq!(attr(a, "length"), &serde_json::json!(120.0));
    assert_eq!(attr(a, "language"), "ENGLISH");
    assert_eq!(attr(a, "publication type"), "Newspaper");
    let b = &list[1];
    assert_eq!(
        b["title"],
        "Second story headline that wraps onto a second line"
    );
    assert_eq!(attr(b, "date"), "2021-04-01");
    let c = &list[2];
    assert_eq!(c["title"], "Hafen lahmgelegt");
    assert_eq!(attr(c, "outlet"), "Die Beispielzeitung");
    assert_eq!(attr(c, "date"), "2002-09-24");
    assert_eq!(attr(c, "byline"), "Hans Muster");
    assert_eq!(attr(c, "section"), "Wirtschaft; S. 5");
    assert_eq!(attr(c, "length"), &serde_json::json!(98.0));
    // Hard-wrapped lines are joined; the copyright trailer is not body.
    let out = run_ok(
        dir.path(),
        &["search", "p.ron", "hard-wrapped at seventy-eight columns"],
        0,
    );
    assert_eq!(out.stdout.lines().count(), 1);
    run_ok(dir.path(), &["search", "p.ron", "All Rights Reserved"], 1);
}

#[test]
fn a_factiva_html_export_is_split_into_its_stories() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("factiva.html"), factiva_html());
    run_ok(dir.path(), &["import", "p.ron", "factiva.html"], 0);
    let list = articles(dir.path(), "p.ron");
    assert_eq!(list.len(), 2, "{list:#?}");
    let a = &list[0];
    assert_eq!(a["title"], "Harbour reopens");
    assert_eq!(attr(a, "byline"), "Cara Writer");
    assert_eq!(attr(a, "length"), &serde_json::json!(412.0));
    assert_eq!(attr(a, "date"), "2021-03-04");
    assert_eq!(attr(a, "outlet"), "Daily Sample News");
    assert_eq!(attr(a, "source code"), "DSNEWS");
    assert_eq!(attr(a, "language"), "English");
    assert_eq!(attr(a, "section"), "News");
    assert_eq!(attr(a, "document id"), "DSNEWS0020210304eh340000a");
    assert_eq!(attr(&list[1], "length"), &serde_json::json!(1205.0));
    assert_eq!(attr(&list[1], "outlet"), "The Example Gazette");
    // The search summary table is not an article, nor part of one.
    run_ok(dir.path(), &["search", "p.ron", "Text"], 1);
}

#[test]
fn documents_are_read_in_order_with_tables_and_notes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // DOCX: a heading, a paragraph with a footnote, a table, tracked
    // deletions dropped; footnotes after the body.
    let body = format!(
        "{}{}<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>\
         <w:p><w:r><w:t>Kept</w:t></w:r><w:del><w:r><w:delText> deleted</w:delText></w:r></w:del></w:p>",
        p("Report on the harbour"),
        p("Cranes stood idle."),
        p("Port"),
        p("Gdańsk")
    );
    let footnotes = r#"<w:footnotes xmlns:w="x"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>A note at the foot.</w:t></w:r></w:p></w:footnote></w:footnotes>"#;
    docx(
        &d.join("report.docx"),
        &body,
        None,
        &[("word/footnotes.xml", footnotes)],
    );
    // ODT: a paragraph with a note, and spaces from text:s.
    let odt = r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
<text:h>ODT heading</text:h>
<text:p>Before<text:s text:c="2"/>the note<text:note text:id="n1"><text:note-citation>1</text:note-citation><text:note-body><text:p>ODT note text.</text:p></text:note-body></text:note> after.</text:p>
</office:text></office:body></office:document-content>"#;
    zip_file(
        &d.join("memo.odt"),
        &[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", odt.as_bytes()),
        ],
    );
    // EPUB: two chapters in spine order (listed in the other order).
    let container = r#"<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;
    let opf = r#"<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/"><metadata><dc:title>The Harbour Book</dc:title></metadata>
<manifest><item id="c2" href="ch%202.xhtml" media-type="application/xhtml+xml"/><item id="c1" href="ch1.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"#;
    let ch1 = "<html><body><h1>Chapter one</h1><p>First chapter text.</p></body></html>";
    let ch2 = "<html><body><h1>Chapter two</h1><p>Second chapter text.</p></body></html>";
    zip_file(
        &d.join("book.epub"),
        &[
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", container.as_bytes()),
            ("OEBPS/content.opf", opf.as_bytes()),
            ("OEBPS/ch1.xhtml", ch1.as_bytes()),
            ("OEBPS/ch 2.xhtml", ch2.as_bytes()),
        ],
    );
    run_ok(
        d,
        &["import", "p.ron", "report.docx", "memo.odt", "book.epub"],
        0,
    );
    let list = articles(d, "p.ron");
    assert_eq!(list.len(), 3);
    // Order and content, through search.
    let find = |pat: &str, code: i32| run_ok(d, &["search", "p.ron", pat], code);
    find("Report on the harbour", 0);
    find("Gdańsk", 0);
    find("deleted", 1);
    find("A note at the foot.", 0);
    find("Before  the note after.", 0);
    find("ODT note text.", 0);
    find("First chapter text.", 0);
    find("Second chapter text.", 0);
    let titles: Vec<&str> = list.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"The Harbour Book"), "{titles:?}");
    let ron = std::fs::read_to_string(d.join("p.ron")).unwrap();
    assert!(
        ron.contains("Docx") && ron.contains("Odt") && ron.contains("Epub"),
        "formats recorded"
    );
}

#[test]
fn damaged_and_encrypted_documents_are_refused_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        &d.join("broken.docx"),
        b"PK\x03\x04 this is not really a zip",
    );
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 512));
    write(&d.join("locked.docx"), ole);
    zip_file(&d.join("empty.docx"), &[("hello.txt", b"hi")]);
    write(&d.join("fine.txt"), "A fine article.\n");
    let out = run_ok(d, &["import", "p.ron", "."], 1);
    assert!(out.stderr.contains("broken.docx"), "{}", out.stderr);
    assert!(out.stderr.contains("encrypted"), "{}", out.stderr);
    assert!(out.stderr.contains("word/document.xml"), "{}", out.stderr);
    assert_eq!(articles(d, "p.ron").len(), 1);
}

#[test]
fn attributes_go_out_in_csv_and_refi_and_come_back_and_can_be_set_from_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("ln.txt"), LEXIS_TXT);
    run_ok(d, &["import", "p.ron", "ln.txt"], 0);
    run_ok(
        d,
        &[
            "tag",
            "p.ron",
            "--match",
            "(?i)harbour|hafen",
            "--tag",
            "Place",
        ],
        0,
    );
    // A table sets more, by file name; a row for no article is reported.
    write(
        &d.join("t.csv"),
        "file,stance,rating,published\nln.txt #1,critical,3,2021-03-04\nln.txt #3,neutral,4.5,\nmissing.txt,x,1,\n",
    );
    let out = run_ok(d, &["attributes", "p.ron", "--from", "t.csv"], 1);
    assert!(out.stderr.contains("missing.txt"), "{}", out.stderr);
    let list = articles(d, "p.ron");
    assert_eq!(attr(&list[0], "stance"), "critical");
    assert_eq!(attr(&list[0], "rating"), &serde_json::json!(3.0));
    assert_eq!(attr(&list[0], "published"), "2021-03-04");
    assert_eq!(attr(&list[2], "rating"), &serde_json::json!(4.5));
    assert!(
        attr(&list[2], "published").is_null(),
        "empty cells are left alone"
    );
    // CSV export: one column per attribute.
    let csv = run_ok(d, &["export", "p.ron", "--format", "csv"], 0).stdout;
    let header = csv.lines().next().unwrap();
    for col in ["date", "outlet", "byline", "section", "length", "stance"] {
        assert!(header.split(',').any(|h| h == col), "{col} in {header}");
    }
    assert!(csv.contains("Daily Sample News"), "{csv}");
    // REFI-QDA: variables, read back into another project.
    run_ok(
        d,
        &["export", "p.ron", "--format", "qdpx", "-o", "x.qdpx"],
        0,
    );
    run_ok(d, &["import", "q.ron", "x.qdpx"], 0);
    let back = articles(d, "q.ron");
    assert_eq!(back.len(), 3);
    for (a, b) in list.iter().zip(&back) {
        assert_eq!(a["title"], b["title"]);
        for name in [
            "outlet", "byline", "section", "length", "stance", "rating", "date",
        ] {
            assert_eq!(attr(a, name), attr(b, name), "{name} of {}", a["title"]);
        }
    }
}

/// Text as RTF: one `\par` per line, non-ASCII as `\uN?`.
fn as_rtf(text: &str) -> String {
    let mut out = String::from("{\\rtf1\\ansi\\ansicpg1252{\\fonttbl{\\f0 Courier;}}\\f0\n");
    for line in text.trim_start_matches('\u{feff}').lines() {
        for c in line.trim_end_matches('\r').chars() {
            match c {
                '\\' | '{' | '}' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_ascii() => out.push(c),
                c => {
                    out.push_str("\\u");
                    out.push_str(&u32::from(c).to_string());
                    out.push('?');
                }
            }
        }
        out.push_str("\\par\n");
    }
    out.push('}');
    out
}

#[test]
fn a_lexis_nexis_rtf_export_is_split_like_its_text() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("ln.rtf"), as_rtf(LEXIS_TXT));
    run_ok(dir.path(), &["import", "p.ron", "ln.rtf"], 0);
    let list = articles(dir.path(), "p.ron");
    assert_eq!(list.len(), 3, "{list:#?}");
    assert_eq!(list[0]["title"], "Cranes idle after attack on harbour");
    assert_eq!(attr(&list[0], "outlet"), "Daily Sample News");
    assert_eq!(attr(&list[2], "length"), &serde_json::json!(98.0));
    assert_eq!(list[2]["title"], "Hafen lahmgelegt");
    // A Word 97 binary under .doc is refused with what to do.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(std::iter::repeat_n(0u8, 600));
    write(&dir.path().join("old.doc"), ole);
    let out = run_ok(dir.path(), &["import", "p.ron", "old.doc"], 1);
    assert!(out.stderr.contains(".docx"), "{}", out.stderr);
}

const FACTIVA_TEXT: &str = "Search Summary
Text harbour
Date 01/03/2021 to 31/03/2021
\u{c}
Harbour reopens
Cara Writer
412 words
4 March 2021
Daily Sample News
DSNEWS
English
(c) 2021 Example Media Ltd
The harbour reopened on Tuesday.
Traffic was back to normal.
Example Media Ltd
Document DSNEWS0020210304eh340000a
\u{c}
Gazette: port traffic back
1,205 words
5 March 2021
The Example Gazette
EXGAZ
English
(c) 2021 Example Media Ltd
Port traffic is back.
Document EXGAZ00020210305eh350000b
";

#[test]
fn factiva_text_and_rtf_exports_are_split_into_their_stories() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("factiva.txt"), FACTIVA_TEXT);
    // In RTF, the page breaks are \page.
    let rtf = as_rtf(FACTIVA_TEXT).replace("\u{c}\\par", "\\page");
    write(&d.join("factiva.rtf"), rtf);
    for (file, project) in [("factiva.txt", "t.ron"), ("factiva.rtf", "r.ron")] {
        run_ok(d, &["import", project, file], 0);
        let list = articles(d, project);
        assert_eq!(list.len(), 2, "{file}: {list:#?}");
        let a = &list[0];
        assert_eq!(a["title"], "Harbour reopens", "{file}");
        assert_eq!(attr(a, "byline"), "Cara Writer", "{file}");
        assert_eq!(attr(a, "length"), &serde_json::json!(412.0));
        assert_eq!(attr(a, "date"), "2021-03-04");
        assert_eq!(attr(a, "outlet"), "Daily Sample News");
        assert_eq!(attr(a, "language"), "English");
        assert_eq!(attr(a, "publisher"), "Example Media Ltd");
        assert_eq!(attr(a, "document id"), "DSNEWS0020210304eh340000a");
        let b = &list[1];
        assert_eq!(b["title"], "Gazette: port traffic back");
        assert!(attr(b, "byline").is_null());
        assert_eq!(attr(b, "length"), &serde_json::json!(1205.0));
        assert_eq!(attr(b, "outlet"), "The Example Gazette");
    }
}

#[test]
fn a_factiva_indexing_export_is_read_by_its_field_codes() {
    let row = |code: &str, value: &str| {
        format!("<tr><td class=\"index\"><b>{code}</b>&nbsp;</td><td>{value}</td></tr>")
    };
    let story = format!(
        "<div id=\"article-TESTFR0020111229e7ct0001r\" class=\"article\"><div class=\"article frArticle\"><table>{}{}{}{}{}{}{}{}{}{}</table></div></div>",
        row("SE", "Économie"),
        row("HD", "<b class='frHeadline'>Le port rouvre</b>"),
        row("BY", "Marie Auteur"),
        row("WC", "295 mots"),
        row("PD", "29 décembre 2011"),
        row("SN", "Le Journal Exemple"),
        row("LA", "Français"),
        row(
            "LP",
            "<p class=\"articleParagraph frarticleParagraph\">Le port a rouvert mardi.</p>"
        ),
        row(
            "TD",
            "<p class=\"articleParagraph frarticleParagraph\">Le trafic a repris.</p>"
        ),
        row("AN", "Document TESTFR0020111229e7ct0001r"),
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("indexing.html"),
        format!("<html><body>{story}</body></html>"),
    );
    run_ok(dir.path(), &["import", "p.ron", "indexing.html"], 0);
    let list = articles(dir.path(), "p.ron");
    assert_eq!(list.len(), 1, "{list:#?}");
    let a = &list[0];
    assert_eq!(a["title"], "Le port rouvre");
    assert_eq!(attr(a, "byline"), "Marie Auteur");
    assert_eq!(attr(a, "length"), &serde_json::json!(295.0));
    assert_eq!(attr(a, "date"), "2011-12-29");
    assert_eq!(attr(a, "outlet"), "Le Journal Exemple");
    assert_eq!(attr(a, "section"), "Économie");
    assert_eq!(attr(a, "document id"), "TESTFR0020111229e7ct0001r");
    run_ok(dir.path(), &["search", "p.ron", "Le trafic a repris."], 0);
    run_ok(dir.path(), &["search", "p.ron", "Français"], 1);
}
