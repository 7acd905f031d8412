//! The pure core stays pure: the model, file I/O and exports never name the
//! window toolkit or the file-dialog crate.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_modules_do_not_use_the_ui_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let forbidden =
        regex::Regex::new(r"\b(egui|eframe|rfd|egui_extras|egui_plot|winit)(::|_|\b)").unwrap();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for module in ["model", "io", "exchange"] {
        let mut files = Vec::new();
        rust_files(&root.join(module), &mut files);
        assert!(!files.is_empty(), "src/{module} has no files");
        for f in files {
            checked += 1;
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if forbidden.is_match(code) {
                    offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(checked > 10);
    assert!(
        offenders.is_empty(),
        "UI crates used in the pure core:\n{}",
        offenders.join("\n")
    );
}
