//! Generated corpora shared by the benchmarks.

#![allow(dead_code, reason = "each benchmark uses part of this")]

use std::fmt::Write as _;
use std::path::PathBuf;

use gloss::model::TagSet;
use gloss::model::{
    Article, ArticleId, ContentHash, Metadata, Project, ReviewStatus, Span, TagId, Text, Timestamp,
    ops,
};

pub use gloss::cli::bench::corpus::{Rng, news_article, paragraph};

/// Writes `n` news articles into a new temporary folder.
pub fn article_folder(n: usize) -> (tempfile::TempDir, PathBuf, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let articles = dir.path().join("articles");
    let bytes = gloss::cli::bench::corpus::write_folder(&articles, n).expect("write");
    (dir, articles, bytes)
}

/// Adds 20 tags (some nested) and returns their ids.
pub fn tags(p: &mut Project) -> Vec<TagId> {
    let mut tags = Vec::new();
    for i in 0..20 {
        let path = if i % 4 == 0 {
            format!("Theme {i}")
        } else {
            format!("Theme {}/Sub {i}", i - i % 4)
        };
        let (t, actions) = ops::ensure_tag_path(p, &path).expect("tag");
        for a in actions {
            p.apply(a).expect("tag");
        }
        tags.push(t);
    }
    tags
}

/// Adds `n` random passages of 5–85 chars to `article`.
pub fn annotate(p: &mut Project, rng: &mut Rng, article: ArticleId, tags: &[TagId], n: usize) {
    let len = p.article(article).expect("article").text.char_len();
    let now = Timestamp::from_unix(1_700_000_000);
    for _ in 0..n {
        let start = rng.below(len - 100);
        let span = Span::new(start, start + 5 + rng.below(80)).expect("span");
        let tag = TagSet::from([tags[rng.below(tags.len())]]);
        let a = ops::add_annotation(p, article, span, tag, String::new(), &now.into())
            .expect("annotation");
        p.apply(a).expect("annotation");
    }
}

/// Adds an article with this text directly (no file).
pub fn add_text(p: &mut Project, text: String, title: &str) -> ArticleId {
    let id = p.ids().article();
    let article = Article {
        id,
        source: PathBuf::from(format!("/generated/{}.txt", id.0)),
        hash: ContentHash::of(&text),
        text: Text::new(text),
        meta: Metadata {
            file_name: format!("{}.txt", id.0),
            ..Metadata::default()
        },
        title: title.to_owned(),
        status: ReviewStatus::Unread,
        note: String::new(),
        note_by: None,
        added: None,
    };
    p.apply(ops::add_articles(vec![article])).expect("article");
    id
}

/// A project with one article of about `bytes` bytes (paragraphs of 40–160
/// words) carrying `passages` passages.
pub fn long_article(bytes: usize, passages: usize) -> (Project, ArticleId) {
    let mut rng = Rng(42);
    let mut text = String::with_capacity(bytes + 1024);
    while text.len() < bytes {
        let words = 40 + rng.below(120);
        text.push_str(&paragraph(&mut rng, words));
        text.push_str("\n\n");
    }
    let mut p = Project::new();
    let id = add_text(&mut p, text, "A very long article");
    let tags = tags(&mut p);
    annotate(&mut p, &mut rng, id, &tags, passages);
    (p, id)
}

/// Arabic words (with a Latin name and digits now and then), for the
/// right-to-left reading benchmarks.
const ARABIC_WORDS: &[&str] = &[
    "خرج",
    "آلاف",
    "المتظاهرين",
    "إلى",
    "شوارع",
    "القاهرة",
    "احتجاجا",
    "على",
    "ارتفاع",
    "الأسعار،",
    "وقالت",
    "الشرطة",
    "إن",
    "شخصا",
    "اعتقلوا",
    "يوم",
    "الجمعة",
    "وزارة",
    "الداخلية",
    "لوكالة",
    "Reuters",
    "2024",
    "(بحسب",
    "البيان)",
    "الحكومة",
    "الاقتصاد",
    "العقوبات",
    "الميناء",
    "الهجوم",
    "الإلكتروني",
];

/// A `bytes`-long Arabic article with `passages` passages.
pub fn long_arabic_article(bytes: usize, passages: usize) -> (Project, ArticleId) {
    let mut rng = Rng(43);
    let mut text = String::with_capacity(bytes + 1024);
    while text.len() < bytes {
        let words = 40 + rng.below(120);
        for w in 0..words {
            if w > 0 {
                text.push(' ');
            }
            text.push_str(ARABIC_WORDS[rng.below(ARABIC_WORDS.len())]);
        }
        text.push_str(".\n\n");
    }
    let mut p = Project::new();
    let id = add_text(&mut p, text, "مقال طويل جدا");
    let tags = tags(&mut p);
    annotate(&mut p, &mut rng, id, &tags, passages);
    (p, id)
}

/// A project with `n` seed-size articles and 10 passages each.
pub fn many_articles(n: usize) -> Project {
    let mut rng = Rng(7);
    let mut p = Project::new();
    let tags = tags(&mut p);
    for i in 0..n {
        let text = news_article(&mut rng, i);
        let id = add_text(
            &mut p,
            text,
            &format!("Article {i}: {}", paragraph(&mut rng, 8)),
        );
        annotate(&mut p, &mut rng, id, &tags, 10);
    }
    p
}

/// A Nexis Uni DOCX download of `stories` generated stories (headline,
/// outlet, date, labels, `Body`, body paragraphs, `End of Document`).
pub fn nexis_docx(path: &std::path::Path, rng: &mut Rng, stories: usize) {
    use std::io::Write as _;
    let p = |t: &str| {
        format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            t.replace('&', "&amp;").replace('<', "&lt;")
        )
    };
    let mut body = String::new();
    for i in 1..=stories {
        let _ = write!(
            body,
            "<w:p><w:bookmarkStart w:id=\"0\" w:name=\"Bookmark_{i}\"/><w:bookmarkEnd w:id=\"0\"/></w:p>"
        );
        body.push_str(&p(&paragraph(rng, 8)));
        body.push_str(&p("Daily Sample News"));
        body.push_str(&p(&format!("March {}, 2021 Monday", 1 + i % 28)));
        body.push_str(&p(&format!("Section:\u{a0}WORLD; Pg. {i}")));
        body.push_str(&p("Length:\u{a0}450 words"));
        body.push_str(&p(&format!("Byline:\u{a0}Reporter {i}")));
        let _ = write!(
            body,
            "<w:p><w:bookmarkStart w:id=\"1\" w:name=\"Body_{i}\"/><w:r><w:t>Body</w:t></w:r></w:p>"
        );
        for _ in 0..9 {
            body.push_str(&p(&paragraph(rng, 50)));
        }
        body.push_str(&p("Load-Date:\u{a0}March 5, 2021"));
        body.push_str(&p("End of Document"));
    }
    let doc = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>"
    );
    let f = std::fs::File::create(path).expect("create");
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("word/document.xml", opts).expect("member");
    z.write_all(doc.as_bytes()).expect("write");
    z.start_file("docProps/custom.xml", opts).expect("member");
    z.write_all(b"<Properties><property name=\"LADeliveryID\"/></Properties>")
        .expect("write");
    z.finish().expect("finish");
}

/// A one-page PDF (Helvetica, `WinAnsi` encoding) with `lines` of text, top to bottom.
pub fn simple_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::new();
    for (i, t) in lines.iter().enumerate() {
        let t = t
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        let _ = writeln!(content, "BT /F1 10 Tf 56 {} Td ({t}) Tj ET", 800 - 13 * i);
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut x = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(x, "{o:010} 00000 n ");
    }
    let _ = write!(
        x,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(x.as_bytes());
    out
}
