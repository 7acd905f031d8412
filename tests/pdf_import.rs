//! PDF articles: a two-column PDF written here (running header, page
//! numbers, a word hyphenated at a line end) read in reading order; a PDF
//! without text refused with the reason; damaged PDFs refused.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

mod common;

use std::fmt::Write as _;

use common::{run_ok, write};

/// A minimal PDF: each page is a list of (x, y, text) lines in Helvetica
/// 11 pt (`WinAnsi` encoding, so ASCII here).
fn pdf(pages: &[Vec<(f32, f32, &str)>]) -> Vec<u8> {
    let n = pages.len();
    // Objects: 1 catalog, 2 pages, 3 font, then per page: page, content.
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    for (i, lines) in pages.iter().enumerate() {
        let mut content = String::new();
        for (x, y, t) in lines {
            let t = t
                .replace('\\', "\\\\")
                .replace('(', "\\(")
                .replace(')', "\\)");
            let _ = writeln!(content, "BT /F1 11 Tf {x} {y} Td ({t}) Tj ET");
        }
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
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

fn two_column_page(
    page: usize,
    left: &[&'static str],
    right: &[&'static str],
) -> Vec<(f32, f32, &'static str)> {
    let mut lines = vec![(56.0, 800.0, "The Example Gazette - Edition 12")];
    for (i, l) in left.iter().enumerate() {
        lines.push((56.0, 740.0 - 14.0 * i as f32, *l));
    }
    for (i, l) in right.iter().enumerate() {
        lines.push((310.0, 740.0 - 14.0 * i as f32, *l));
    }
    lines.push((290.0, 40.0, if page == 1 { "Page 1" } else { "Page 2" }));
    lines
}

#[test]
fn a_two_column_pdf_reads_column_by_column_without_running_heads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let doc = pdf(&[
        two_column_page(
            1,
            &[
                "Harbour traffic stopped on",
                "Monday after an attack on the",
                "administra-",
                "tion systems of the port.",
            ],
            &[
                "The right column starts here",
                "and continues with more text",
                "about the harbour authority.",
            ],
        ),
        two_column_page(
            2,
            &["Page two left column text."],
            &["Page two right column text."],
        ),
    ]);
    write(&d.join("gazette.pdf"), doc);
    run_ok(d, &["import", "p.ron", "gazette.pdf"], 0);
    let ron = std::fs::read_to_string(d.join("p.ron")).unwrap();
    assert!(ron.contains("format: Pdf"), "{ron}");
    let text_of = |pat: &str, code: i32| run_ok(d, &["search", "p.ron", pat], code);
    // The hyphenated word is whole again; the columns are not interleaved.
    text_of("attack on the administration systems of the port.", 0);
    text_of(
        "The right column starts here and continues with more text",
        0,
    );
    // Running header and page numbers are gone.
    text_of("Edition 12", 1);
    text_of("Page 1", 1);
    // Left column before right column, page 1 before page 2.
    let out = run_ok(d, &["export", "p.ron", "--format", "md"], 0);
    let _ = out;
    let texts = std::fs::read_dir(d.join("p.texts")).unwrap();
    let body = texts
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    let pos = |s: &str| body.find(s).unwrap_or_else(|| panic!("{s:?} in {body:?}"));
    assert!(pos("Harbour traffic") < pos("The right column"));
    assert!(pos("The right column") < pos("Page two left"));
    assert!(pos("Page two left") < pos("Page two right"));
}

#[test]
fn pdfs_without_text_or_damaged_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("scan.pdf"), pdf(&[vec![]]));
    write(
        &d.join("broken.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog",
    );
    write(&d.join("fine.txt"), "A fine article.\n");
    let out = run_ok(d, &["import", "p.ron", "."], 1);
    assert!(out.stderr.contains("scan.pdf"), "{}", out.stderr);
    assert!(out.stderr.contains("no text layer"), "{}", out.stderr);
    assert!(out.stderr.contains("broken.pdf"), "{}", out.stderr);
    let list = run_ok(d, &["articles", "p.ron", "--json"], 0);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}
