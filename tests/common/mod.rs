//! Helpers shared by the command-line test suites: run the real `gloss`
//! binary in a folder, and build the files the tests need.

#![allow(dead_code, reason = "each test crate uses some of the helpers")]

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub mod ui;

/// What one run of `gloss` did.
pub struct Out {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
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

/// The built binary.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("gloss")
}

/// `gloss` run in `dir` (relative paths resolve there), with no display.
pub fn gloss(dir: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .timeout(std::time::Duration::from_mins(2));
    c
}

/// Runs `gloss` with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Out {
    let o = gloss(dir).args(args).output().expect("gloss runs");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Runs and asserts the exit code, showing everything on failure.
pub fn run_ok(dir: &Path, args: &[&str], code: i32) -> Out {
    let out = run(dir, args);
    assert_eq!(out.code, code, "gloss {args:?}\n{out:?}");
    out
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create the folder");
    }
    fs::write(path, bytes).expect("write the file");
}

/// `stats --json` of a project.
pub fn stats(dir: &Path, project: &str) -> serde_json::Value {
    let out = run_ok(dir, &["stats", project, "--json"], 0);
    serde_json::from_str(&out.stdout).expect("stats --json is JSON")
}

/// A project `p.ron` in `dir` with three small articles about ports, gas and
/// elections.
pub fn small_project(dir: &Path) {
    write(
        &dir.join("articles/port.txt"),
        "Officials said the port was hit by ransomware on Monday.\n\nThe port reopened.\n",
    );
    write(
        &dir.join("articles/gas.txt"),
        "Gas prices rose again as the pipeline stayed shut.\n",
    );
    write(
        &dir.join("articles/vote.txt"),
        "Voters queued for hours in the capital.\n",
    );
    run_ok(dir, &["import", "p.ron", "articles"], 0);
}

/// Builds a zip archive from (name, bytes) members.
pub fn zip_file(path: &Path, members: &[(&str, &[u8])]) {
    let f = fs::File::create(path).expect("create the zip");
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        z.start_file(*name, opts).expect("start a member");
        z.write_all(bytes).expect("write a member");
    }
    z.finish().expect("finish the zip");
}

/// A REFI-QDA `project.qde` with one code and one text source whose
/// `plainTextPath` and one selection are given.
pub fn qde(code_colour: &str, source_path: &str, selection: (usize, usize)) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="test">
  <CodeBook><Codes>
    <Code guid="11111111-1111-4111-8111-111111111111" name="Alpha" isCodable="true" color="{code_colour}"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="22222222-2222-4222-8222-222222222222" name="source one" plainTextPath="{source_path}">
      <PlainTextSelection guid="33333333-3333-4333-8333-333333333333" name="sel" startPosition="{}" endPosition="{}">
        <Coding guid="44444444-4444-4444-8444-444444444444"><CodeRef targetGUID="11111111-1111-4111-8111-111111111111"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"#,
        selection.0, selection.1
    )
}

/// Whether `mkfifo` made a named pipe at `path` (false where it cannot).
pub fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// `text` with every UUID (passage ids are UUID v7s, made from the clock)
/// replaced by a stand-in numbered in order of first appearance, for
/// snapshots.
pub fn stable_ids(text: &str) -> String {
    let re =
        regex::Regex::new("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
            .expect("valid");
    let mut seen: Vec<String> = Vec::new();
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let n = seen.iter().position(|x| *x == c[0]).unwrap_or_else(|| {
            seen.push(c[0].to_owned());
            seen.len() - 1
        });
        format!("00000000-0000-7000-8000-{:012}", n + 1)
    })
    .into_owned()
}
