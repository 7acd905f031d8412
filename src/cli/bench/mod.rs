//! `gloss bench`: generates corpora of news articles (1,000, 10,000 and
//! 100,000 by default), runs the commands a user runs on them — import, open,
//! save, tag, CSV export, search — and prints their times and peak memory
//! beside `cat` and ripgrep on the same files, with the targets Gloss sets
//! itself (docs/performance.md). The commands run as child processes of this
//! same binary, exactly as a user would run them; only the save is timed
//! inside this process (no command only saves).

pub mod corpus;
pub mod measure;

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use self::measure::{Run, child, median};
use super::Global;
use crate::io::paths::shown;

/// What `gloss bench` measures.
#[derive(Debug, Clone)]
pub struct Options {
    /// Corpus sizes (articles).
    pub sizes: Vec<usize>,
    /// Where the corpora go (kept, and reused by the next run); `None`: a
    /// temporary folder in the current folder, removed afterwards.
    pub dir: Option<PathBuf>,
    /// Runs of each step (the median is shown).
    pub runs: usize,
}

/// One line of the table.
struct Row {
    step: String,
    run: Run,
    compared: String,
    goal: String,
    met: Option<bool>,
}

/// The searches compared with ripgrep: Gloss's arguments, ripgrep's.
const SEARCHES: &[(&str, &[&str], &[&str])] = &[
    ("literal `Geneva`", &["Geneva"], &["-F", "Geneva"]),
    (
        "`sanctions`, ignore case, whole word",
        &["-i", "-w", "sanctions"],
        &["-i", "-w", "sanctions"],
    ),
    (
        "regex `\\b(?:threat|warned)\\b \\w+ \\w+`",
        &["-e", r"\b(?:threat|warned)\b \w+ \w+"],
        &[r"\b(?:threat|warned)\b \w+ \w+"],
    ),
];

/// Runs the benchmark, printing a Markdown table per corpus size.
///
/// # Errors
/// When a corpus cannot be written or a step fails.
pub(super) fn run(out: &mut dyn Write, opts: &Options, global: &Global) -> Result<u8> {
    let exe = std::env::current_exe().context("cannot find this program's own file")?;
    let (_temp, root) = match &opts.dir {
        Some(d) => (None, d.clone()),
        None => {
            let t = tempfile::Builder::new()
                .prefix("gloss-bench-")
                .tempdir_in(std::env::current_dir()?)
                .context("cannot create a folder for the corpora in the current folder")?;
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    };
    let runs = opts.runs.max(1);
    let rg = which("rg");
    writeln!(
        out,
        "# gloss bench ({} runs per step, median; corpora in {})\n",
        runs,
        shown(&root)
    )?;
    if rg.is_none() {
        writeln!(
            out,
            "ripgrep (`rg`) is not installed: searches are not compared.\n"
        )?;
    }
    for &n in &opts.sizes {
        let dir = root.join(n.to_string());
        let rows = size(&exe, &dir, n, runs, rg.as_deref(), global, out)?;
        print_rows(out, &rows)?;
        out.flush()?;
    }
    // Deleted only when every size is measured: ext4 is slow to create
    // files for a while after many were deleted (deleting one size's
    // 100,000-odd files made the next size's imports up to 5x slower).
    for &n in &opts.sizes {
        let _ = std::fs::remove_dir_all(root.join(n.to_string()).join("trash"));
    }
    Ok(0)
}

/// What every step of one corpus size needs.
struct Size<'a> {
    exe: &'a Path,
    dir: PathBuf,
    /// Where the project is (a fresh folder for each import; see [`trash`]).
    work: PathBuf,
    n: usize,
    runs: usize,
}

impl Size<'_> {
    fn step(&self, what: &str) {
        eprintln!("gloss bench: {} articles: {what}…", self.n);
    }

    fn median(&self, f: impl FnMut() -> Result<Run>) -> Result<Run> {
        Ok(median(repeat(self.runs, f)?))
    }

    /// Runs this program in the project's folder.
    fn gloss(&self, args: &[&str], ok: &[i32]) -> Result<Run> {
        child(self.exe, args, &self.work, ok)
    }
}

/// Measures one corpus size; prints its heading.
fn size(
    exe: &Path,
    dir: &Path,
    n: usize,
    runs: usize,
    rg: Option<&Path>,
    global: &Global,
    out: &mut dyn Write,
) -> Result<Vec<Row>> {
    let mut s = Size {
        exe,
        dir: dir.to_path_buf(),
        work: dir.to_path_buf(),
        n,
        runs,
    };
    let (files, text) = prepare(&s)?;
    let mut rows = Vec::new();
    s.step("cat");
    let cat = s.median(|| measure::cat(&files, dir))?;
    rows.push(row("read the files (`cat`)", cat, String::new(), "", None));
    let passages = project_steps(&mut s, cat, text, global, &mut rows)?;
    search_steps(&s, rg, &mut rows)?;
    let project = std::fs::metadata(s.work.join("p.ron")).map_or(0, |m| m.len());
    writeln!(
        out,
        "## {n} articles: {} of text, {passages} passages, project file {}\n",
        megabytes(text),
        megabytes(project)
    )?;
    Ok(rows)
}

/// Writes the corpus unless the folder has it already; returns its files
/// (relative to the size's folder) and their bytes.
fn prepare(s: &Size) -> Result<(Vec<PathBuf>, u64)> {
    let (dir, n) = (&s.dir, s.n);
    let articles = dir.join("articles");
    let marker = dir.join("articles.complete");
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(&n.to_string()) {
        eprintln!(
            "gloss bench: writing {n} articles into {}…",
            shown(&articles)
        );
        let _ = std::fs::remove_dir_all(&articles);
        corpus::write_folder(&articles, n)
            .with_context(|| format!("cannot write the corpus into {}", shown(&articles)))?;
        std::fs::write(&marker, n.to_string())?;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&articles)?
        .map(|e| e.map(|e| PathBuf::from("articles").join(e.file_name())))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    let text: u64 = files
        .iter()
        .map(|f| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len()))
        .sum();
    Ok((files, text))
}

/// Import, tagging, open, save, tag, export; returns the passages.
fn project_steps(
    s: &mut Size,
    cat: Run,
    text: u64,
    global: &Global,
    rows: &mut Vec<Row>,
) -> Result<usize> {
    s.step("import");
    // Each import into a folder never used, the previous ones set aside
    // (not deleted: see `trash`).
    trash(&s.dir, |name| {
        name.starts_with("work-") || name.starts_with("p.")
    })?;
    let mut k = 0;
    let import = median(repeat(s.runs, || {
        k += 1;
        trash(&s.dir, |name| name.starts_with("work-"))?;
        s.work = s.dir.join(format!("work-{k}"));
        std::fs::create_dir_all(&s.work)?;
        s.gloss(&["import", "p.ron", "../articles"], &[0])
    })?);
    let dir = &s.work;
    let times = ratio(import.time, cat.time);
    rows.push(row(
        "import (`gloss import`)",
        import,
        format!("{times:.1}× `cat`"),
        "≤ 3× `cat`",
        Some(times <= 3.0),
    ));

    s.step("tagging ~9 passages per article");
    s.gloss(&TAG_SANCTIONS, &[0])?;

    s.step("open");
    let open = s.median(|| s.gloss(&["stats", "p.ron"], &[0]))?;
    let mem = open.peak.map_or(f64::NAN, |p| p as f64 / text as f64);
    rows.push(row(
        "open, tagged (`gloss stats`)",
        open,
        format!("memory {mem:.1}× the text"),
        "≤ 2 s, ≤ 2× the text",
        Some(open.time <= Duration::from_secs(2) && mem <= 2.0),
    ));

    s.step("listing");
    let listed = median(repeat(s.runs, || listing_time(&dir.join("p.ron")))?);
    rows.push(row(
        "open: articles listed (what the window's list shows first)",
        listed,
        String::new(),
        "≤ 1 s",
        Some(listed.time <= Duration::from_secs(1)),
    ));

    s.step("save");
    let (save, passages) = save_runs(dir, s.runs, global)?;
    rows.push(row(
        "save (in this process)",
        save,
        String::new(),
        "≤ 1 s",
        Some(save.time <= Duration::from_secs(1)),
    ));

    s.step("tag");
    let saved = std::fs::read(dir.join("p.ron"))?;
    let tag = s.median(|| {
        let r = s.gloss(&TAG_GENEVA, &[0]);
        // Back to the project the other steps measure.
        std::fs::write(dir.join("p.ron"), &saved)?;
        r
    })?;
    rows.push(row(
        "tag (`gloss tag`: open, tag, save)",
        tag,
        String::new(),
        "≤ 3 s",
        Some(tag.time <= Duration::from_secs(3)),
    ));

    s.step("CSV export");
    let csv = s.median(|| {
        s.gloss(
            &["export", "p.ron", "--format", "csv", "-o", "export.csv"],
            &[0],
        )
    })?;
    let _ = std::fs::remove_file(dir.join("export.csv"));
    rows.push(row(
        "CSV export (`gloss export`)",
        csv,
        String::new(),
        "≤ 2 s",
        Some(csv.time <= Duration::from_secs(2)),
    ));
    Ok(passages)
}

/// The tagging that makes the measured project (~9 passages per article).
const TAG_SANCTIONS: [&str; 8] = [
    "tag",
    "p.ron",
    "--match",
    r"\bsanctions\b",
    "--tag",
    "Topics/Sanctions",
    "--max",
    "1000000000",
];

/// The tagging `gloss tag` is timed with (undone after each run).
const TAG_GENEVA: [&str; 8] = [
    "tag",
    "p.ron",
    "--match",
    r"\bGeneva\b",
    "--tag",
    "Places/Geneva",
    "--max",
    "1000000000",
];

/// Each of [`SEARCHES`] with Gloss and with ripgrep.
fn search_steps(s: &Size, rg: Option<&Path>, rows: &mut Vec<Row>) -> Result<()> {
    for (what, gloss_args, rg_args) in SEARCHES {
        s.step(&format!("search {what}"));
        let mut args = vec!["search", "p.ron"];
        args.extend_from_slice(gloss_args);
        let g = s.median(|| s.gloss(&args, &[0, 1]))?;
        let (compared, met) = match rg {
            Some(rg) => {
                let mut args = vec!["-o"];
                args.extend_from_slice(rg_args);
                args.push("articles");
                let r = s.median(|| child(rg, &args, &s.dir, &[0, 1]))?;
                let ratio = ratio(g.time, r.time);
                let counts = if r.lines == g.lines {
                    format!("{} matches in both", g.lines)
                } else {
                    format!("{} matches, ripgrep {}", g.lines, r.lines)
                };
                (
                    format!("{ratio:.2}× ripgrep ({}; {counts})", secs(r.time)),
                    Some(ratio <= 2.0),
                )
            }
            None => (format!("{} matches", g.lines), None),
        };
        rows.push(row(
            &format!("search {what} (`gloss search`, with open)"),
            g,
            compared,
            "≤ 2× ripgrep",
            met,
        ));
    }
    Ok(())
}

/// Opens the tagged project here once, then saves it `runs` times; returns
/// the median save and the number of passages.
fn save_runs(dir: &Path, runs: usize, global: &Global) -> Result<(Run, usize)> {
    let mut opened = super::session::for_change(&dir.join("p.ron"), global, "bench", false)?;
    let passages = opened.project.annotations().len();
    let save = median(repeat(runs, || measure::here(|| opened.save(global)))?);
    Ok((save, passages))
}

/// How long opening `path` takes to list its articles (in this process;
/// the rest of the open is measured above).
fn listing_time(path: &Path) -> Result<Run> {
    let started = std::time::Instant::now();
    let mut listed = None;
    crate::io::project_file::load_listing(path, |_| listed = Some(started.elapsed()), &|_, _| {})?;
    Ok(Run {
        time: listed.context("the project's articles were never listed")?,
        ..Run::default()
    })
}

fn repeat(runs: usize, mut f: impl FnMut() -> Result<Run>) -> Result<Vec<Run>> {
    (0..runs).map(|_| f()).collect()
}

/// Moves the entries of `dir` whose names `which` picks into `dir/trash`,
/// which is deleted when every size is measured (see `run`).
fn trash(dir: &Path, which: impl Fn(&str) -> bool) -> Result<()> {
    let bin = dir.join("trash");
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if which(&name) {
            std::fs::create_dir_all(&bin)?;
            let mut to = bin.join(&name);
            let mut i = 0;
            while std::fs::symlink_metadata(&to).is_ok() {
                i += 1;
                to = bin.join(format!("{name}.{i}"));
            }
            std::fs::rename(e.path(), to)?;
        }
    }
    Ok(())
}

fn row(step: &str, run: Run, compared: String, goal: &str, met: Option<bool>) -> Row {
    Row {
        step: step.to_owned(),
        run,
        compared,
        goal: goal.to_owned(),
        met,
    }
}

fn print_rows(out: &mut dyn Write, rows: &[Row]) -> Result<()> {
    writeln!(
        out,
        "| step | time | peak memory | compared | target | met |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for r in rows {
        let mut line = String::new();
        let _ = write!(
            line,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&r.step),
            secs(r.run.time),
            r.run.peak.map_or_else(String::new, megabytes),
            cell(&r.compared),
            r.goal,
            match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "",
            }
        );
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    Ok(())
}

/// A table cell: a `|` in it would end the cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.0} ms", d.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn megabytes(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

/// A program on the `PATH`.
fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}
