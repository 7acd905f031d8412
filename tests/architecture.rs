//! The house rules, checked on the source: the pure core never names the
//! window toolkit or the file-dialog crate; layers only import downwards
//! (model ← io ← exchange ← cli, ui); no two files import each other, even
//! through others (no import circles); no file is over 800 lines.

#![allow(clippy::unwrap_used, reason = "a test: failing loudly is the point")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The code of a file without comments and without its unit tests (an
/// inline `#[cfg(test)] mod … { … }` at the end).
fn code_of(text: &str) -> String {
    let mut t = text.to_owned();
    let re = regex::Regex::new(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{").unwrap();
    if let Some(m) = re.find(&t) {
        t.truncate(m.start());
    }
    t.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file's module path: `src/ui/reader/mod.rs` → `ui::reader`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts
}

/// Expands a use tree starting at `s` (`a::b::{c, d::{e}}`) into paths.
fn expand(s: &str) -> (Vec<Vec<String>>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut prefix: Vec<String> = Vec::new();
    loop {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i > start {
            prefix.push(s[start..i].to_owned());
        }
        if s[i..].starts_with("::{") {
            i += 3;
            let mut out = Vec::new();
            loop {
                while i < b.len() && (b[i] == b' ' || b[i] == b'\n' || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'}' {
                    return (out, i + 1);
                }
                let (subs, used) = expand(&s[i..]);
                for sub in subs {
                    let mut p = prefix.clone();
                    p.extend(sub);
                    out.push(p);
                }
                i += used.max(1);
            }
        }
        if s[i..].starts_with("::") && !s[i + 2..].starts_with('{') {
            i += 2;
            continue;
        }
        // Skip an `as name` alias.
        return (vec![prefix], i);
    }
}

/// The modules a file's code refers to through `crate::`, `super::` and
/// `self::` paths, resolved to the files that define them.
fn imports(file: &Path, code: &str, modules: &BTreeMap<Vec<String>, PathBuf>) -> BTreeSet<PathBuf> {
    let me = module_of(file);
    let is_mod_file = matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs")
    );
    let re = regex::Regex::new(r"\b(crate|super|self)::").unwrap();
    let mut out = BTreeSet::new();
    for m in re.find_iter(code) {
        let (paths, _) = expand(&code[m.start()..]);
        for p in paths {
            let mut segs = p.into_iter();
            let mut base: Vec<String> = match segs.next().as_deref() {
                Some("crate") => Vec::new(),
                Some("self") => me.clone(),
                Some("super") => {
                    let mut b = me.clone();
                    if !is_mod_file || !b.is_empty() {
                        b.pop();
                    }
                    b
                }
                _ => continue,
            };
            let mut rest: Vec<String> = segs.collect();
            while rest.first().is_some_and(|s| s == "super") {
                rest.remove(0);
                base.pop();
            }
            let mut target = base.clone();
            for s in rest {
                let mut next = target.clone();
                next.push(s);
                if modules.contains_key(&next) {
                    target = next;
                } else {
                    break;
                }
            }
            if let Some(f) = modules.get(&target)
                && f != file
                && !target.is_empty()
            {
                out.insert(f.clone());
            }
        }
    }
    out
}

struct House {
    files: Vec<PathBuf>,
    codes: BTreeMap<PathBuf, String>,
    modules: BTreeMap<Vec<String>, PathBuf>,
}

fn house() -> House {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.retain(|f| {
        let name = f.file_name().unwrap().to_string_lossy();
        name != "main.rs" && name != "tests.rs" && !name.ends_with("_tests.rs")
    });
    files.sort();
    let codes = files
        .iter()
        .map(|f| (f.clone(), code_of(&std::fs::read_to_string(f).unwrap())))
        .collect();
    let modules = files.iter().map(|f| (module_of(f), f.clone())).collect();
    House {
        files,
        codes,
        modules,
    }
}

fn layer(file: &Path) -> String {
    module_of(file).first().cloned().unwrap_or_default()
}

#[test]
fn core_modules_do_not_use_the_ui_crates() {
    let h = house();
    let forbidden =
        regex::Regex::new(r"\b(egui|eframe|rfd|egui_extras|egui_plot|winit)(::|_|\b)").unwrap();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for f in &h.files {
        if !matches!(layer(f).as_str(), "model" | "io" | "exchange") {
            continue;
        }
        checked += 1;
        for (i, line) in h.codes[f].lines().enumerate() {
            if forbidden.is_match(line) {
                offenders.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(checked > 20);
    assert!(
        offenders.is_empty(),
        "UI crates used in the pure core:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn layers_only_import_downwards() {
    let h = house();
    let allowed = |from: &str, to: &str| -> bool {
        let rank = |l: &str| match l {
            "model" => 0,
            "io" | "logging" => 1,
            "exchange" => 2,
            "cli" | "ui" => 3,
            _ => 4,
        };
        from == to || rank(to) < rank(from)
    };
    let mut offenders = Vec::new();
    for f in &h.files {
        let from = layer(f);
        for t in imports(f, &h.codes[f], &h.modules) {
            let to = layer(&t);
            if !allowed(&from, &to) {
                offenders.push(format!("{} imports {}", f.display(), t.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "imports against the layers:\n{}",
        offenders.join("\n")
    );
}

/// Depth-first search from `f`, noting every circle it closes.
fn visit<'a>(
    f: &'a PathBuf,
    graph: &'a BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    state: &mut BTreeMap<&'a PathBuf, u8>,
    stack: &mut Vec<&'a PathBuf>,
    circles: &mut Vec<String>,
) {
    state.insert(f, 1);
    stack.push(f);
    for t in graph.get(f).into_iter().flatten() {
        match state.get(t) {
            Some(1) => {
                let at = stack.iter().position(|s| *s == t).unwrap_or(0);
                let names: Vec<String> = stack[at..]
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                circles.push(format!("{} -> {}", names.join(" -> "), t.display()));
            }
            Some(_) => {}
            None => visit(t, graph, state, stack, circles),
        }
    }
    stack.pop();
    state.insert(f, 2);
}

#[test]
fn no_import_circles() {
    let h = house();
    let graph: BTreeMap<PathBuf, BTreeSet<PathBuf>> = h
        .files
        .iter()
        .map(|f| (f.clone(), imports(f, &h.codes[f], &h.modules)))
        .collect();
    let mut state: BTreeMap<&PathBuf, u8> = BTreeMap::new();
    let mut circles = Vec::new();
    for f in graph.keys() {
        if !state.contains_key(f) {
            visit(f, &graph, &mut state, &mut Vec::new(), &mut circles);
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn no_file_is_over_800_lines_and_each_says_what_it_is_for() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut offenders = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let n = text.lines().count();
        if n > 800 {
            offenders.push(format!("{}: {n} lines", f.display()));
        }
        if !text.trim_start().starts_with("//!") {
            offenders.push(format!("{}: no module doc (//!) first", f.display()));
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_resolver_sees_imports() {
    let (paths, _) = expand("super::{grammar::{A, b}, read}; x");
    assert_eq!(
        paths,
        vec![
            vec!["super".to_owned(), "grammar".into(), "A".into()],
            vec!["super".to_owned(), "grammar".into(), "b".into()],
            vec!["super".to_owned(), "read".into()],
        ]
    );
}
