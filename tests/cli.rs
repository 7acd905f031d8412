//! Integration tests of the `gloss` command line: every test builds its own
//! articles and project in a temporary folder and runs the real binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde::Deserialize;
use serde_json::Value;

mod common;

// ---------------------------------------------------------------- helpers

/// What one run of `gloss` did.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// `gloss` run in `dir` (relative paths resolve there), with no display.
fn gloss(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gloss").expect("the gloss binary is built");
    c.current_dir(dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    c
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let o = gloss(dir).args(args).output().expect("gloss runs");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs and asserts the exit code, showing everything on failure.
fn run_ok(dir: &Path, args: &[&str], code: i32) -> Out {
    let out = run(dir, args);
    assert_eq!(out.code, code, "gloss {args:?}\n{out:?}");
    out
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create the folder");
    }
    fs::write(path, bytes).expect("write the file");
}

fn stats(dir: &Path, project: &str) -> Value {
    let out = run_ok(dir, &["stats", project, "--json"], 0);
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("stats --json is not JSON ({e}):\n{out:?}"))
}

/// One row of the CSV export.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
struct Row {
    article_id: u64,
    article_path: String,
    article_title: String,
    annotation_id: String,
    tags: String,
    start: usize,
    end: usize,
    quote: String,
    note: String,
}

const CSV_HEADER: &str =
    "article_id,article_path,article_title,annotation_id,tags,start,end,quote,note";

fn export_csv_text(dir: &Path, project: &str) -> String {
    run_ok(dir, &["export", project, "--format", "csv"], 0).stdout
}

fn parse_csv(text: &str) -> Vec<Row> {
    assert!(
        text.starts_with(&format!("{CSV_HEADER}\r\n")),
        "unexpected CSV header:\n{text}"
    );
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .map(Result::unwrap)
        .collect()
}

fn export_csv(dir: &Path, project: &str) -> Vec<Row> {
    parse_csv(&export_csv_text(dir, project))
}

/// What Gloss does to a file's decoded text: drop a BOM, CRLF/CR → LF.
fn normalise(raw: &str) -> String {
    raw.strip_prefix('\u{feff}')
        .unwrap_or(raw)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// Char offsets (start, end) of every occurrence of `needle` in `text`.
fn char_spans(text: &str, needle: &str) -> Vec<(usize, usize)> {
    text.match_indices(needle)
        .map(|(b, _)| {
            let start = text[..b].chars().count();
            (start, start + needle.chars().count())
        })
        .collect()
}

fn utf16_with_bom(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xfe, 0xff]
    } else {
        vec![0xff, 0xfe]
    };
    for u in text.encode_utf16() {
        out.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

/// The names of the entries of a folder, sorted.
/// The folder's entries, without the project's lock file (which commands
/// that change a project create beside it, by design, and leave there).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("list the folder")
        .map(|e| {
            e.expect("read the folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| !(n.starts_with('.') && n.ends_with(".ron.lock")))
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------- the mixed corpus

const LE_TEXT: &str = "Der Bürgermeister von Köln sprach über die Sicherheit des Hafens.\n";
const BE_TEXT: &str = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ασφάλεια των λιμανιών.\n";
const RU_TEXT: &str = "Президент России заявил в воскресенье, что рассмотрит ряд ответных мер. \
Министерство иностранных дел опубликовало заявление. \
Переговоры продолжатся в Женеве на следующей неделе.\n";
const FR_TEXT: &str = "Le président a déclaré à la télévision française qu'il était très préoccupé. \
Les négociations reprendront à Genève la semaine prochaine. \
Ça coûte cher, a-t-il ajouté, et les élèves étaient déçus.\n";
const CRLF_TEXT: &str =
    "First line of the CRLF article.\r\nSecond line names Rotterdam.\r\n\r\nThird.\r\n";
const BOM_TEXT: &str = "\u{feff}Ministers in Tallinn discussed the cable incident.\n";
const EMOJI_TEXT: &str = "Fans cheered 🎉🇺🇦 as the ferry Estonia II departed 😀.\n";
const HTML_TEXT: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>Site | Harbour</title>
<script>var tracking = "SECRETSCRIPT <p>no</p>";</script>
<style>p { color: red }</style></head>
<body><nav>Home NAVLINKS Sport</nav>
<article><h1>Harbour cranes stopped</h1>
<p>Smith &amp; Jones said the outage was &ldquo;contained&rdquo;.</p>
<p>Work resumed&nbsp;on Friday.</p></article>
<footer>FOOTERTEXT 2022</footer></body></html>
"#;
const MD_TEXT: &str = "# Harbour Security Review\n\nThe review found gaps in the harbour fences.\n";

/// Writes nine readable articles, three bad files and two hidden ones under
/// `dir/articles`.
fn write_mixed_corpus(dir: &Path) {
    let a = dir.join("articles");
    write(&a.join("le.txt"), utf16_with_bom(LE_TEXT, false));
    write(&a.join("be.txt"), utf16_with_bom(BE_TEXT, true));
    write(
        &a.join("ru.txt"),
        encoding_rs::WINDOWS_1251.encode(RU_TEXT).0,
    );
    write(
        &a.join("fr.txt"),
        encoding_rs::WINDOWS_1252.encode(FR_TEXT).0,
    );
    write(&a.join("crlf.txt"), CRLF_TEXT);
    write(&a.join("bom.txt"), BOM_TEXT);
    write(&a.join("sub/emoji.txt"), EMOJI_TEXT);
    write(&a.join("page.html"), HTML_TEXT);
    write(&a.join("notes.md"), MD_TEXT);
    write(&a.join("binary.txt"), b"abc\0\0\0def\0\x01\x02 more\n");
    write(&a.join("empty.txt"), b"");
    write(
        &a.join("photo.jpg"),
        b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0",
    );
    // Hidden entries are skipped, neither imported nor refused.
    write(&a.join(".DS_Store"), b"\0\0\0\x01Bud1\0\0");
    write(&a.join(".git/notes.txt"), "A hidden folder's text.\n");
}

// ---------------------------------------------------------------- 1. import

#[test]
fn import_mixed_folder_refuses_bad_files_and_keeps_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mixed_corpus(dir);

    let out = run_ok(dir, &["import", "p.ron", "articles"], 1);
    assert!(
        out.stdout.contains("imported 9, duplicates 0, refused 3"),
        "{out:?}"
    );
    let refusals: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("gloss: refused: "))
        .collect();
    assert_eq!(refusals.len(), 3, "{out:?}");
    for (name, reason) in [
        ("binary.txt", "binary"),
        ("empty.txt", "empty"),
        ("photo.jpg", "unsupported file type"),
    ] {
        assert!(
            refusals
                .iter()
                .any(|l| l.contains(name) && l.contains(reason)),
            "no refusal of {name} saying {reason:?}:\n{out:?}"
        );
    }
    // The readable files were saved and the project reopens.
    assert!(dir.join("p.ron").is_file());
    assert!(dir.join("p.texts").is_dir());
    assert_eq!(listing(&dir.join("p.texts")).len(), 9);
    let s = stats(dir, "p.ron");
    assert_eq!(s["articles"], 9, "{s:#}");
    assert_eq!(s["annotations"], 0, "{s:#}");
    // The table form works too.
    let table = run_ok(dir, &["stats", "p.ron"], 0);
    assert!(table.stdout.contains("articles     9"), "{table:?}");
}

#[test]
fn imported_texts_are_decoded_and_normalised() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write_mixed_corpus(dir);
    run_ok(dir, &["import", "p.ron", "articles"], 1);

    // One distinctive word per readable file, found only if decoding worked.
    let words = [
        ("articles/le.txt", "Bürgermeister", LE_TEXT),
        ("articles/be.txt", "κυβέρνηση", BE_TEXT),
        ("articles/ru.txt", "Министерство", RU_TEXT),
        ("articles/fr.txt", "préoccupé", FR_TEXT),
        ("articles/crlf.txt", "Rotterdam", CRLF_TEXT),
        ("articles/bom.txt", "Tallinn", BOM_TEXT),
        ("articles/sub/emoji.txt", "ferry", EMOJI_TEXT),
        ("articles/page.html", "Smith & Jones", ""),
        ("articles/notes.md", "harbour fences", MD_TEXT),
    ];
    let pattern = words
        .iter()
        .map(|(_, w, _)| regex::escape(w))
        .collect::<Vec<_>>()
        .join("|");
    let out = run_ok(
        dir,
        &["tag", "p.ron", "--match", &pattern, "--tag", "Found"],
        0,
    );
    assert!(
        out.stdout
            .contains("tagged 9 passages in 9 articles with Found"),
        "{out:?}"
    );
    let rows = export_csv(dir, "p.ron");
    assert_eq!(rows.len(), 9, "{rows:#?}");
    for (path, word, raw) in words {
        let row = rows
            .iter()
            .find(|r| r.article_path == path)
            .unwrap_or_else(|| panic!("no row for {path}: {rows:#?}"));
        assert_eq!(row.quote, word, "{row:?}");
        assert_eq!(row.tags, "Found");
        if !raw.is_empty() {
            let expected = char_spans(&normalise(raw), word)[0];
            assert_eq!((row.start, row.end), expected, "{row:?}");
        }
    }
    let title = |p: &str| {
        rows.iter()
            .find(|r| r.article_path == p)
            .unwrap()
            .article_title
            .clone()
    };
    assert_eq!(title("articles/notes.md"), "Harbour Security Review");
    assert_eq!(title("articles/page.html"), "Harbour cranes stopped");

    // HTML: scripts, styles, navigation and footers are gone, entities decoded.
    let out = run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "SECRETSCRIPT|NAVLINKS|FOOTERTEXT|color: red|&amp;|&ldquo;|<p>",
            "--tag",
            "Boilerplate",
        ],
        0,
    );
    assert!(
        out.stdout.contains("tagged 0 passages in 0 articles"),
        "{out:?}"
    );
    let out = run_ok(
        dir,
        &["tag", "p.ron", "--match", "“contained”", "--tag", "Entity"],
        0,
    );
    assert!(out.stdout.contains("tagged 1 passage"), "{out:?}");
    // No text anywhere kept a carriage return or a byte-order mark.
    let out = run_ok(
        dir,
        &["tag", "p.ron", "--match", "[\\r\\x{feff}]", "--tag", "Raw"],
        0,
    );
    assert!(out.stdout.contains("tagged 0 passages"), "{out:?}");
}

// ---------------------------------------------------------------- 2. offsets

#[test]
fn offsets_are_chars_in_the_normalised_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let raw = "\u{feff} date 2022-01-14 posted on 01/13/2022 9:05 PM\r\n\r\n\r\n\r\n\
(credit: Ana Ribeiro/AFP)\r\n\r\n\
Zoë 😀 NATO officials met in Brussels on Thursday. The talks ran late.\r\n\r\n\
A second paragraph mentions NATO again, after the émigré café 🇪🇺 closed.\r\n";
    write(&dir.join("articles/news.txt"), raw);
    let out = run_ok(dir, &["import", "p.ron", "articles"], 0);
    assert!(
        out.stdout.contains("imported 1, duplicates 0, refused 0"),
        "{out:?}"
    );

    let out = run_ok(dir, &["tag", "p.ron", "--match", "NATO", "--tag", "Org"], 0);
    assert!(
        out.stdout
            .contains("tagged 2 passages in 1 article with Org"),
        "{out:?}"
    );

    let text = normalise(raw);
    let expected = char_spans(&text, "NATO");
    assert_eq!(expected.len(), 2);
    // The char offsets differ from byte offsets and from offsets in the raw file.
    assert_ne!(expected[0].0, text.find("NATO").unwrap());
    assert_ne!(expected[1], char_spans(raw, "NATO")[1]);

    let rows = export_csv(dir, "p.ron");
    assert_eq!(rows.len(), 2, "{rows:#?}");
    for (row, (start, end)) in rows.iter().zip(&expected) {
        assert_eq!((row.start, row.end), (*start, *end), "{row:?}");
        assert_eq!(row.quote, "NATO");
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[row.start..row.end].iter().collect::<String>(), "NATO");
        assert_eq!(row.article_path, "articles/news.txt");
        assert_eq!(
            row.article_title,
            "Zoë 😀 NATO officials met in Brussels on Thursday"
        );
        assert_eq!(row.tags, "Org");
        assert_eq!(row.note, "");
    }

    // Old Mac line endings (lone CR) count as one char each, like LF.
    let raw = "Line one.\rLine two names NATO.\r\rEnd.\r";
    write(&dir.join("more/old-mac.txt"), raw);
    run_ok(dir, &["import", "p.ron", "more"], 0);
    run_ok(dir, &["tag", "p.ron", "--match", "NATO", "--tag", "Org"], 0);
    let rows = export_csv(dir, "p.ron");
    let row = rows
        .iter()
        .find(|r| r.article_path == "more/old-mac.txt")
        .unwrap();
    assert_eq!((row.start, row.end), char_spans(&normalise(raw), "NATO")[0]);
    assert_eq!((row.start, row.end), (25, 29));
}

// ---------------------------------------------------------------- 3. duplicates

#[test]
fn duplicates_are_reported_and_not_added() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "The same story, word for word.\n\nSecond paragraph.\n";
    write(&dir.join("articles/a.txt"), text);
    write(&dir.join("articles/b.txt"), text);
    // The same text after normalisation (BOM, CRLF) is the same article.
    write(
        &dir.join("articles/c.txt"),
        format!("\u{feff}{}", text.replace('\n', "\r\n")),
    );
    write(&dir.join("articles/d.txt"), "A different story.\n");

    let out = run_ok(dir, &["import", "p.ron", "articles"], 0);
    assert!(
        out.stdout.contains("imported 2, duplicates 2, refused 0"),
        "{out:?}"
    );
    let dups: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("gloss: duplicate: "))
        .collect();
    assert_eq!(dups.len(), 2, "{out:?}");
    assert!(
        dups.iter()
            .any(|l| l.contains("b.txt") && l.contains("article 1"))
    );
    assert!(
        dups.iter()
            .any(|l| l.contains("c.txt") && l.contains("article 1"))
    );
    assert_eq!(stats(dir, "p.ron")["articles"], 2);

    // Importing the folder again adds nothing.
    let out = run_ok(dir, &["import", "p.ron", "articles"], 0);
    assert!(
        out.stdout.contains("imported 0, duplicates 4, refused 0"),
        "{out:?}"
    );
    // And a single file given by name.
    let out = run_ok(dir, &["import", "p.ron", "articles/d.txt"], 0);
    assert!(
        out.stdout.contains("imported 0, duplicates 1, refused 0"),
        "{out:?}"
    );
    assert_eq!(stats(dir, "p.ron")["articles"], 2);
}

// ---------------------------------------------------------------- 4. bad project files

#[test]
fn corrupt_project_is_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("articles/a.txt"),
        "Some article text about NATO.\n",
    );
    let garbage = b"(format: \"gloss-project\", version: 1, memo: ";
    write(&dir.join("p.ron"), garbage);

    for args in [
        &["import", "p.ron", "articles"][..],
        &["tag", "p.ron", "--match", "NATO", "--tag", "Org"],
        &["export", "p.ron", "--format", "csv"],
        &["stats", "p.ron", "--json"],
        &["check", "p.ron"],
        &["check", "p.ron", "--resync"],
    ] {
        let out = run_ok(dir, args, 2);
        assert!(out.stderr.contains("gloss: error:"), "{out:?}");
        assert!(out.stderr.contains("p.ron"), "{out:?}");
        assert_eq!(fs::read(dir.join("p.ron")).unwrap(), garbage, "{args:?}");
        assert_eq!(listing(dir), ["articles", "p.ron"], "after {args:?}");
    }

    // Not a Gloss file at all: refused, never overwritten.
    let other = b"just some notes, not a project\n";
    write(&dir.join("p.ron"), other);
    let out = run_ok(dir, &["import", "p.ron", "articles"], 2);
    assert!(out.stderr.contains("not a Gloss project"), "{out:?}");
    assert_eq!(fs::read(dir.join("p.ron")).unwrap(), other);
    assert_eq!(listing(dir), ["articles", "p.ron"]);
}

#[test]
fn newer_version_is_refused_with_the_version() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("articles/a.txt"),
        "Some article text about NATO.\n",
    );
    let newer =
        b"(\n    format: \"gloss-project\",\n    version: 99,\n    memo: \"from the future\",\n)\n";
    write(&dir.join("p.ron"), newer);
    for args in [
        &["import", "p.ron", "articles"][..],
        &["tag", "p.ron", "--match", "NATO", "--tag", "Org"],
        &["stats", "p.ron"],
        &["check", "p.ron"],
    ] {
        let out = run_ok(dir, args, 2);
        assert!(out.stderr.contains("version 99"), "{args:?}\n{out:?}");
        assert_eq!(fs::read(dir.join("p.ron")).unwrap(), newer);
        assert_eq!(listing(dir), ["articles", "p.ron"], "after {args:?}");
    }
}

#[test]
fn span_outside_the_text_fails_check_naming_the_annotation() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("articles/a.txt"), "Short text about NATO.\n");
    run_ok(dir, &["import", "p.ron", "articles"], 0);
    run_ok(dir, &["tag", "p.ron", "--match", "NATO", "--tag", "Org"], 0);
    assert_eq!(run_ok(dir, &["check", "p.ron"], 0).code, 0);

    let rows = export_csv(dir, "p.ron");
    assert_eq!(rows.len(), 1);
    let (id, start, end) = (rows[0].annotation_id.clone(), rows[0].start, rows[0].end);
    let ron = fs::read_to_string(dir.join("p.ron")).unwrap();
    let old = format!("start: {start},\n");
    let new = format!("start: {},\n", start + 1000);
    let old_end = format!("end: {end},\n");
    let new_end = format!("end: {},\n", end + 1000);
    // Tolerate both one field per line and one record per line.
    let edited = if ron.contains(&old) && ron.contains(&old_end) {
        ron.replacen(&old, &new, 1).replacen(&old_end, &new_end, 1)
    } else {
        ron.replacen(
            &format!("start: {start}, end: {end},"),
            &format!("start: {}, end: {},", start + 1000, end + 1000),
            1,
        )
    };
    assert_ne!(edited, ron, "could not find the span in:\n{ron}");
    write(&dir.join("p.ron"), &edited);

    let out = run_ok(dir, &["check", "p.ron"], 1);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains(&format!("annotation {id}")), "{out:?}");
    assert!(all.contains("outside"), "{out:?}");
    // Other commands refuse the invalid project and do not touch it.
    run_ok(dir, &["tag", "p.ron", "--match", "text", "--tag", "X"], 2);
    assert_eq!(fs::read_to_string(dir.join("p.ron")).unwrap(), edited);
}

// ---------------------------------------------------------------- 5. backups

#[test]
fn save_keeps_the_previous_version_as_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(&dir.join("articles/a.txt"), "First article.\n");
    write(&dir.join("more/b.txt"), "Second article.\n");

    run_ok(dir, &["import", "p.ron", "articles"], 0);
    assert!(!dir.join("p.ron.bak").exists());
    let first = fs::read(dir.join("p.ron")).unwrap();

    run_ok(dir, &["import", "p.ron", "more"], 0);
    let second = fs::read(dir.join("p.ron")).unwrap();
    assert_ne!(first, second);
    assert_eq!(fs::read(dir.join("p.ron.bak")).unwrap(), first);

    let text = String::from_utf8(second).unwrap();
    assert!(text.starts_with('('), "{text}");
    assert!(text.contains("format: \"gloss-project\""), "{text}");
    assert!(text.contains("version: 4"), "{text}");
    assert_eq!(stats(dir, "p.ron")["articles"], 2);
    // No temporary files are left behind.
    assert_eq!(
        listing(dir),
        ["articles", "more", "p.ron", "p.ron.bak", "p.texts"]
    );
}

// ---------------------------------------------------------------- 6. nested tags and exports

const TAG_RANSOMWARE: [&str; 6] = [
    "tag",
    "p.ron",
    "--match",
    "ransomware",
    "--tag",
    "Threat/Cyber",
];

/// Tag path → passages, from `gloss stats --json`.
fn passages_per_tag(stats: &Value) -> BTreeMap<String, u64> {
    stats["per_tag"]
        .as_array()
        .expect("per_tag is an array")
        .iter()
        .map(|t| {
            (
                t["path"].as_str().expect("a tag has a path").to_owned(),
                t["passages"].as_u64().expect("a tag has a passage count"),
            )
        })
        .collect()
}

#[test]
fn nested_tags_export_to_csv_and_w3c() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("articles/a.txt"),
        "A ransomware attack hit the port. Officials called the ransomware “sophisticated”.\n",
    );
    write(
        &dir.join("articles/b.txt"),
        "Zoë said the ransomware 😀 was gone.\n",
    );
    run_ok(dir, &["import", "p.ron", "articles"], 0);

    let out = run_ok(dir, &TAG_RANSOMWARE, 0);
    assert!(
        out.stdout
            .contains("tagged 3 passages in 2 articles with Threat/Cyber"),
        "{out:?}"
    );
    // Twice: nothing new.
    let out = run_ok(dir, &TAG_RANSOMWARE, 0);
    assert!(
        out.stdout
            .contains("tagged 0 passages in 0 articles with Threat/Cyber"),
        "{out:?}"
    );
    // Only one article.
    let out = run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "port",
            "--tag",
            "Place",
            "--article",
            "1",
        ],
        0,
    );
    assert!(
        out.stdout.contains("tagged 1 passage in 1 article"),
        "{out:?}"
    );
    run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "x",
            "--tag",
            "Place",
            "--article",
            "99",
        ],
        2,
    );

    let s = stats(dir, "p.ron");
    assert_eq!(s["annotations"], 4, "{s:#}");
    assert_eq!(s["tags"], 3, "{s:#}");
    assert_eq!(
        passages_per_tag(&s),
        BTreeMap::from([
            ("Place".to_owned(), 1),
            ("Threat".to_owned(), 0),
            ("Threat/Cyber".to_owned(), 3)
        ])
    );

    let rows = export_csv(dir, "p.ron");
    assert_eq!(rows.len(), 4);
    let cyber: Vec<&Row> = rows.iter().filter(|r| r.quote == "ransomware").collect();
    assert_eq!(cyber.len(), 3);
    assert!(cyber.iter().all(|r| r.tags == "Threat/Cyber"), "{rows:#?}");

    // W3C, to a file.
    run_ok(
        dir,
        &["export", "p.ron", "--format", "w3c", "-o", "out.json"],
        0,
    );
    let w3c: Value = serde_json::from_slice(&fs::read(dir.join("out.json")).unwrap()).unwrap();
    check_w3c(&w3c, &rows);
    // The same on standard output.
    let out = run_ok(dir, &["export", "p.ron", "--format", "w3c"], 0);
    let stdout_w3c: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(stdout_w3c, w3c);
    // CSV to a file equals CSV on standard output.
    run_ok(
        dir,
        &["export", "p.ron", "--format", "csv", "--output", "out.csv"],
        0,
    );
    assert_eq!(
        fs::read_to_string(dir.join("out.csv")).unwrap(),
        export_csv_text(dir, "p.ron")
    );
}

fn check_w3c(w3c: &Value, rows: &[Row]) {
    assert_eq!(w3c["type"], "AnnotationCollection", "{w3c:#}");
    assert_eq!(w3c["total"], rows.len(), "{w3c:#}");
    let items = w3c["first"]["items"]
        .as_array()
        .expect("first.items is an array");
    assert_eq!(items.len(), rows.len());
    for item in items {
        assert_eq!(item["type"], "Annotation");
        let id = item["id"].as_str().expect("the item has an id");
        let row = rows
            .iter()
            .find(|r| id == format!("urn:gloss:annotation:{}", r.annotation_id))
            .unwrap_or_else(|| panic!("no CSV row for {id}"));
        let selectors = item["target"]["selector"]
            .as_array()
            .expect("target.selector is an array");
        let of_type = |t: &str| {
            selectors
                .iter()
                .find(|s| s["type"] == t)
                .unwrap_or_else(|| panic!("{id} has no {t}: {item:#}"))
        };
        let quote = of_type("TextQuoteSelector");
        assert_eq!(quote["exact"], row.quote.as_str());
        let pos = of_type("TextPositionSelector");
        assert_eq!(pos["start"], row.start, "{item:#}");
        assert_eq!(pos["end"], row.end, "{item:#}");
        let tags: Vec<&str> = item["body"]
            .as_array()
            .expect("body is an array")
            .iter()
            .filter(|b| b["purpose"] == "tagging")
            .map(|b| b["value"].as_str().expect("a tagging body has a value"))
            .collect();
        assert_eq!(tags.join(";"), row.tags);
        // The source names the normalised text; the original file is given
        // beside it, both as absolute IRIs.
        let source = item["target"]["source"]["id"]
            .as_str()
            .expect("a source IRI");
        assert!(
            source.starts_with("file:///") && source.contains(".texts/"),
            "{source}"
        );
        let original = item["target"]["source"]["gloss:original"]
            .as_str()
            .expect("the original file");
        assert!(
            original.starts_with("file:///")
                && original.ends_with(&format!("/{}", row.article_path)),
            "{original} is not {}",
            row.article_path
        );
    }
}

// ---------------------------------------------------------------- 7. check and re-sync

const RESYNC_OLD: &str = "Port officials said a ransomware attack halted the terminal on Monday.\n\n\
A spokesperson confirmed that the backup generators failed overnight.\n\n\
The cyber incident was contained by Wednesday.\n";
const RESYNC_NEW: &str = "Breaking: investigators released new details about the incident today.\n\n\
Port officials said a ransomware attack halted the terminal on Monday.\n\n\
The cyber incident was contained by Wednesday.\n";

#[test]
fn check_resync_moves_passages_and_keeps_orphans() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let source = dir.join("articles/port.txt");
    write(&source, RESYNC_OLD);
    run_ok(dir, &["import", "p.ron", "articles"], 0);
    run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "ransomware attack",
            "--tag",
            "Threat/Cyber",
        ],
        0,
    );
    run_ok(
        dir,
        &[
            "tag",
            "p.ron",
            "--match",
            "backup generators failed overnight",
            "--tag",
            "Damage",
        ],
        0,
    );
    let out = run_ok(dir, &["check", "p.ron"], 0);
    assert!(out.stdout.contains("1 match their source"), "{out:?}");
    let before = export_csv(dir, "p.ron");
    assert_eq!(before.len(), 2);
    assert_eq!(
        (before[0].start, before[0].end),
        char_spans(RESYNC_OLD, "ransomware attack")[0]
    );

    write(&source, RESYNC_NEW);
    let saved = fs::read(dir.join("p.ron")).unwrap();
    let out = run_ok(dir, &["check", "p.ron"], 1);
    assert!(out.stdout.contains("source changed"), "{out:?}");
    assert!(out.stdout.contains("port.txt"), "{out:?}");
    assert!(out.stdout.contains("--resync"), "{out:?}");
    assert_eq!(
        fs::read(dir.join("p.ron")).unwrap(),
        saved,
        "check alone must not save"
    );

    let out = run_ok(dir, &["check", "p.ron", "--resync"], 1);
    assert!(out.stdout.contains("re-synced"), "{out:?}");
    assert!(out.stdout.contains("1 moved"), "{out:?}");
    assert!(out.stdout.contains("1 orphaned"), "{out:?}");
    assert!(out.stdout.contains("orphan"), "{out:?}");
    assert!(
        out.stdout.contains("backup generators failed overnight"),
        "{out:?}"
    );
    assert!(out.stderr.contains("kept as an orphan"), "{out:?}");

    let after = export_csv(dir, "p.ron");
    assert_eq!(after.len(), 1, "{after:#?}");
    assert_eq!(after[0].quote, "ransomware attack");
    assert_eq!(after[0].annotation_id, before[0].annotation_id);
    assert_eq!(
        (after[0].start, after[0].end),
        char_spans(RESYNC_NEW, "ransomware attack")[0]
    );
    assert_ne!(after[0].start, before[0].start);

    let s = stats(dir, "p.ron");
    assert_eq!(s["orphans"], 1, "{s:#}");
    assert_eq!(s["annotations"], 1, "{s:#}");

    // In sync now, but the orphan still makes check fail, and it is kept.
    let out = run_ok(dir, &["check", "p.ron"], 1);
    assert!(!out.stdout.contains("source changed"), "{out:?}");
    assert!(out.stdout.contains("1 match their source"), "{out:?}");
    assert!(out.stdout.contains("1 orphan"), "{out:?}");
    let out = run_ok(dir, &["check", "p.ron", "--resync"], 1);
    assert!(out.stdout.contains("1 orphan"), "{out:?}");
    assert_eq!(stats(dir, "p.ron")["orphans"], 1);
}

#[test]
fn missing_source_is_only_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let source = dir.join("articles/gone.txt");
    write(&source, RESYNC_OLD);
    write(
        &dir.join("articles/kept.txt"),
        "Another article about NATO.\n",
    );
    run_ok(dir, &["import", "p.ron", "articles"], 0);
    run_ok(
        dir,
        &["tag", "p.ron", "--match", "ransomware", "--tag", "Threat"],
        0,
    );
    fs::remove_file(&source).unwrap();

    for args in [&["check", "p.ron"][..], &["check", "p.ron", "--resync"]] {
        let out = run_ok(dir, args, 0);
        assert!(out.stderr.contains("warning"), "{out:?}");
        assert!(out.stderr.contains("gone.txt"), "{out:?}");
        assert!(out.stdout.contains("1 source missing"), "{out:?}");
    }
    // The project still opens and exports from its own copy of the text.
    let rows = export_csv(dir, "p.ron");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].quote, "ransomware");
}

// ---------------------------------------------------------------- project paths with `..`

/// `tmp/proj/p.ron` with sources in `tmp/articles` and `tmp/other`, made from
/// inside `tmp/proj`.
fn project_beside_sources(dir: &Path) {
    write(&dir.join("articles/a.txt"), "Hello NATO world.\n");
    write(&dir.join("other/b.txt"), "Second NATO story.\n");
    fs::create_dir_all(dir.join("proj")).expect("create proj");
    let proj = dir.join("proj");
    let out = run_ok(&proj, &["import", "p.ron", "../articles", "../other"], 0);
    assert!(out.stdout.contains("imported 2"), "{out:?}");
    let rows_paths = |rows: Vec<Row>| rows.into_iter().map(|r| r.article_path).collect::<Vec<_>>();
    run_ok(
        &proj,
        &["tag", "p.ron", "--match", "NATO", "--tag", "Org"],
        0,
    );
    assert_eq!(
        rows_paths(export_csv(&proj, "p.ron")),
        ["../articles/a.txt", "../other/b.txt"]
    );
}

#[test]
fn saving_through_a_dotdot_project_path_keeps_source_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project_beside_sources(dir);
    // Save the project from another folder, naming it through `..`.
    run_ok(
        &dir.join("articles"),
        &["tag", "../proj/p.ron", "--match", "story", "--tag", "Kind"],
        0,
    );
    let ron = fs::read_to_string(dir.join("proj/p.ron")).unwrap();
    let sources: Vec<&str> = ron
        .split("source: \"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["../articles/a.txt", "../other/b.txt"],
        "source paths in the saved project file"
    );
    let out = run_ok(dir, &["check", "proj/p.ron"], 0);
    assert!(out.stdout.contains("2 match their source"), "{out:?}");
    assert!(!out.stderr.contains("warning"), "{out:?}");
}

#[test]
fn export_through_a_dotdot_project_path_gives_paths_relative_to_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    project_beside_sources(dir);
    let rows = export_csv(&dir.join("articles"), "../proj/p.ron");
    let paths: Vec<&str> = rows.iter().map(|r| r.article_path.as_str()).collect();
    assert_eq!(paths, ["../articles/a.txt", "../other/b.txt"]);
}

// ---------------------------------------------------------------- 8. help

#[test]
fn help_works_for_gloss_and_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = run_ok(dir, &["--help"], 0);
    assert!(out.stdout.contains("Usage: gloss"), "{out:?}");
    for sub in ["import", "tag", "export", "check", "stats"] {
        assert!(out.stdout.contains(sub), "{sub} missing from\n{out:?}");
        let out = run_ok(dir, &[sub, "--help"], 0);
        assert!(
            out.stdout.contains(&format!("Usage: gloss {sub}")),
            "{out:?}"
        );
        let out = run_ok(dir, &["help", sub], 0);
        assert!(
            out.stdout.contains(&format!("Usage: gloss {sub}")),
            "{out:?}"
        );
    }
    let out = run_ok(dir, &["--version"], 0);
    assert!(out.stdout.starts_with("gloss "), "{out:?}");
    // Bad usage is a usage error, not a crash.
    run_ok(dir, &["export", "p.ron", "--format", "xml"], 2);
    run_ok(dir, &["import", "p.ron"], 2);
}

// ---------------------------------------------------------------- 9. snapshot

#[test]
fn csv_export_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        &dir.join("articles/a.txt"),
        "Alpha: the port of Rotterdam reopened.\nThe port closed after a ransomware attack.\n",
    );
    write(
        &dir.join("articles/b.md"),
        "# Beta, cables\n\nCables near Tallinn were cut, said \"officials\", on Monday – Zoë 😀 agreed.\n",
    );
    run_ok(dir, &["import", "p.ron", "articles"], 0);
    for (pattern, tag) in [
        ("port", "Place"),
        ("Rotterdam|Tallinn", "Place"),
        ("Rotterdam", "Threat/Cyber"),
        ("ransomware attack", "Threat/Cyber"),
        ("\"officials\"", "Source"),
        ("Zoë 😀", "Person"),
    ] {
        run_ok(dir, &["tag", "p.ron", "--match", pattern, "--tag", tag], 0);
    }
    let csv = export_csv_text(dir, "p.ron");
    // RFC 4180: every record ends with CRLF.
    assert!(csv.ends_with("\r\n"));
    assert_eq!(csv.matches('\n').count(), csv.matches("\r\n").count());
    insta::assert_snapshot!("csv_export", common::stable_ids(&csv.replace("\r\n", "\n")));
}
