//! Running one step of `gloss bench`: a command as a child process, timed,
//! with its peak memory, or a closure in this process.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The environment variable naming the file a `gloss` child writes its peak
/// resident memory to when it ends (Linux: `VmHWM` of `/proc/self/status`).
pub const PEAK_FILE_VAR: &str = "GLOSS_BENCH_PEAK_FILE";

/// Called as a command ends: writes this process's peak resident memory (in
/// bytes) where [`PEAK_FILE_VAR`] says, if it is set. Nothing elsewhere
/// than Linux, or when the figure cannot be read.
pub fn report_peak() {
    let Some(path) = std::env::var_os(PEAK_FILE_VAR) else {
        return;
    };
    if let Some(bytes) = own_peak() {
        let _ = std::fs::write(path, bytes.to_string());
    }
}

/// This process's peak resident memory in bytes, where the system says it.
pub fn own_peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// What one run of a step measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct Run {
    /// Wall time.
    pub time: Duration,
    /// Peak resident memory, when known.
    pub peak: Option<u64>,
    /// Lines the command printed on standard output.
    pub lines: u64,
}

/// The median of several runs (by time; the peak is the largest seen).
pub fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.time);
    let peak = runs.iter().filter_map(|r| r.peak).max();
    let mut m = runs.get(runs.len() / 2).copied().unwrap_or_default();
    m.peak = peak;
    m
}

/// Runs `program args…` in `dir`, counting the lines of its standard output
/// (which is not kept), and fails unless it exits with one of `ok` statuses.
///
/// # Errors
/// When it cannot be started or ends otherwise.
pub fn child(program: &Path, args: &[&str], dir: &Path, ok: &[i32]) -> Result<Run> {
    let peak_file =
        tempfile::NamedTempFile::new_in(dir).context("cannot create a temporary file")?;
    let started = Instant::now();
    let mut c = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env(PEAK_FILE_VAR, peak_file.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {}", program.display()))?;
    let mut lines = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    if let Some(mut stdout) = c.stdout.take() {
        loop {
            let n = stdout.read(&mut buf)?;
            if n == 0 {
                break;
            }
            lines += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        }
    }
    let mut err = String::new();
    if let Some(mut stderr) = c.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    let status = c.wait()?;
    let time = started.elapsed();
    if !status.code().is_some_and(|c| ok.contains(&c)) {
        bail!(
            "{} {} ended with {status}: {}",
            program.display(),
            args.join(" "),
            err.trim()
        );
    }
    let peak = std::fs::read_to_string(peak_file.path())
        .ok()
        .and_then(|s| s.trim().parse().ok());
    Ok(Run { time, peak, lines })
}

/// Runs `cat` over `files` (in batches, as `xargs` would), output discarded.
///
/// # Errors
/// When `cat` cannot be run or fails.
pub fn cat(files: &[PathBuf], dir: &Path) -> Result<Run> {
    let started = Instant::now();
    for batch in files.chunks(2_000) {
        let status = Command::new("cat")
            .args(batch)
            .current_dir(dir)
            .stdout(Stdio::null())
            .status()
            .context("cannot run cat")?;
        if !status.success() {
            bail!("cat ended with {status}");
        }
    }
    Ok(Run {
        time: started.elapsed(),
        ..Run::default()
    })
}

/// Times `f` in this process.
///
/// # Errors
/// What `f` returns.
pub fn here(f: impl FnOnce() -> Result<()>) -> Result<Run> {
    let started = Instant::now();
    f()?;
    Ok(Run {
        time: started.elapsed(),
        ..Run::default()
    })
}
