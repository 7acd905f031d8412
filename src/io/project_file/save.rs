//! Saving a project: under the project's write lock, only over the version
//! of the file that was loaded, atomically, keeping the previous file as a
//! backup; texts first, into the content-addressed texts folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use super::load::peek_header;
use super::records::{Annotations, Articles, FileOut, Orphans, Tags};
use super::texts_seen::{FolderState, Known, TextsSeen};
use super::{
    Baseline, CURRENT_VERSION, FORMAT_NAME, FileStamp, Fingerprint, SaveError, TextStorage,
    text_file_name, texts_folder_name,
};
use crate::io::atomic::{Flusher, WriteError, WriteOptions, sync_dir, write_with};
use crate::io::lock::WriteLock;
use crate::io::paths::{absolute, project_dir, shown};
use crate::model::{ContentHash, Project};

/// How to save.
#[derive(Clone, Debug)]
pub struct SaveOptions<'a> {
    /// Where the texts go.
    pub storage: TextStorage,
    /// The texts folder, relative to the file's folder (default
    /// `NAME.texts`; recovery files share their project's).
    pub texts: Option<&'a str>,
    /// What was loaded from this path: the save refuses to replace a file
    /// that changed since, or that has fields this build cannot keep.
    /// `None` saves as new (Save As), over any Gloss project file.
    pub baseline: Option<&'a Baseline>,
    /// Replace the file even when it changed on disk, has unknown fields or
    /// is read-only (the user said so, after a warning).
    pub force: bool,
    /// A recovery file: not locked, not checked, no backup.
    pub recovery: bool,
    /// How long to wait for another writer to finish.
    pub lock_wait: Duration,
}

impl SaveOptions<'_> {
    /// Saving as new, with `storage`.
    #[must_use]
    pub fn new(storage: TextStorage) -> Self {
        Self {
            storage,
            texts: None,
            baseline: None,
            force: false,
            recovery: false,
            lock_wait: Duration::from_secs(30),
        }
    }
}

fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .depth_limit(2)
        .indentor("    ".to_owned())
        .new_line("\n".to_owned())
}

/// Writes the RON text of a project's file to `w`. Texts are inlined for
/// [`TextStorage::Inline`]; otherwise they are referred to by hash in the
/// texts folder (which [`save`] fills).
///
/// # Errors
/// [`SaveError::Serialise`] when writing fails.
pub fn write_ron(
    w: &mut dyn Write,
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
) -> Result<(), SaveError> {
    write_ron_with(
        w,
        project,
        project_path,
        storage,
        &texts_folder_name(project_path),
    )
}

/// [`write_ron`] with the texts folder named `texts` (written as given).
///
/// # Errors
/// As [`write_ron`].
pub fn write_ron_with(
    w: &mut dyn Write,
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
    texts: &str,
) -> Result<(), SaveError> {
    // Many passages: their lines are rendered on all cores and spliced into
    // the rest of the file, which is written with them left out.
    let parallel = project.annotations().len() + project.articles().len() >= PARALLEL_FROM;
    write_file(w, project, project_path, storage, texts, parallel)
}

/// Writes the file, rendering the passage lines in parallel or not (the two
/// give the same bytes; a test checks).
pub(super) fn write_file(
    w: &mut dyn Write,
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
    texts: &str,
    parallel: bool,
) -> Result<(), SaveError> {
    let base = project_dir(project_path);
    let file = FileOut {
        format: FORMAT_NAME,
        version: CURRENT_VERSION,
        memo: project.memo(),
        next_ids: project.next_ids(),
        texts: (storage == TextStorage::Folder).then(|| texts.to_owned()),
        codebook: Tags(project),
        articles: Articles(project, &base, storage, parallel),
        annotations: Annotations(project, parallel),
        orphans: Orphans(project),
        conflicts: project.conflicts(),
    };
    let ser = |e: &dyn std::fmt::Display| SaveError::Serialise(e.to_string());
    if !parallel {
        ron::Options::default()
            .to_io_writer_pretty(&mut *w, &file, pretty())
            .map_err(|e| ser(&e))?;
        return w.write_all(b"\n").map_err(|e| ser(&e));
    }
    let rest = ron::Options::default()
        .to_string_pretty(&file, pretty())
        .map_err(|e| ser(&e))?;
    // The two lists, empty in `rest`, each on a line of its own.
    let line_of = |list: &str| {
        let line = format!("    {list}: [],\n");
        rest.find(&format!("\n{line}"))
            .map(|i| (i + 1, i + 1 + line.len()))
    };
    let (Some((a0, a1)), Some((b0, b1))) = (line_of("articles"), line_of("annotations")) else {
        return Err(SaveError::Serialise(
            "no article or passage list in the file".into(),
        ));
    };
    w.write_all(&rest.as_bytes()[..a0])
        .and_then(|()| w.write_all(b"    articles: [\n"))
        .map_err(|e| ser(&e))?;
    let config = ron::ser::PrettyConfig::new().depth_limit(0);
    let articles: Vec<&crate::model::Article> = project.articles().collect();
    write_lines(
        w,
        &articles,
        super::passage_line::TimeCache::default,
        |out, a, times| {
            let record = super::records::article_record(project, a, &base, storage);
            // Records with rare fields are left to ron (see `render_article`).
            if !super::article_line::render_article(out, &record, times) {
                out.push_str(&ron::Options::default().to_string_pretty(&record, config.clone())?);
            }
            Ok(())
        },
    )?;
    w.write_all(b"    ],\n")
        .and_then(|()| w.write_all(&rest.as_bytes()[a1..b0]))
        .and_then(|()| w.write_all(b"    annotations: [\n"))
        .map_err(|e| ser(&e))?;
    let passages: Vec<&crate::model::Annotation> = project.annotations().collect();
    write_lines(
        w,
        &passages,
        super::passage_line::TimeCache::default,
        |out, a, times| {
            let record = super::records::record_of(project, a);
            // Reviewed passages are left to ron (see `render_passage`).
            if !super::passage_line::render_passage(out, &record, times) {
                out.push_str(&ron::Options::default().to_string_pretty(&record, config.clone())?);
            }
            Ok(())
        },
    )?;
    w.write_all(b"    ],\n")
        .and_then(|()| w.write_all(&rest.as_bytes()[b1..]))
        .and_then(|()| w.write_all(b"\n"))
        .map_err(|e| ser(&e))
}

/// Writes `items` one record per line as the pretty writer lays them out at
/// depth 3 (indented, each followed by a comma): rendered by `render` on all
/// cores in chunks (each with its own `state`), in order, a batch at a time
/// so the rendered lines never take much memory. Each batch is rendered
/// while the one before it is written (and hashed), so neither waits.
fn write_lines<T: Sync, S>(
    w: &mut dyn Write,
    items: &[T],
    state: impl Fn() -> S + Sync,
    render: impl Fn(&mut String, &T, &mut S) -> Result<(), ron::Error> + Sync,
) -> Result<(), SaveError> {
    use rayon::prelude::*;
    let ser = |e: &dyn std::fmt::Display| SaveError::Serialise(e.to_string());
    let render_batch = |batch: &[T]| -> Result<Vec<String>, SaveError> {
        batch
            .par_chunks(1024)
            .map(|chunk| {
                let mut out = String::with_capacity(chunk.len() * 400);
                let mut s = state();
                for item in chunk {
                    out.push_str("        ");
                    render(&mut out, item, &mut s)?;
                    out.push_str(",\n");
                }
                Ok(out)
            })
            .collect::<Result<_, ron::Error>>()
            .map_err(|e| ser(&e))
    };
    let mut batches = items.chunks(LINES_PER_BATCH);
    let mut ready = batches.next().map(render_batch).transpose()?;
    while let Some(lines) = ready.take() {
        let mut next = None;
        let mut written = Ok(());
        rayon::in_place_scope(|scope| {
            if let Some(batch) = batches.next() {
                scope.spawn(|_| next = Some(render_batch(batch)));
            }
            written = lines.iter().try_for_each(|c| w.write_all(c.as_bytes()));
        });
        written.map_err(|e| ser(&e))?;
        ready = next.transpose()?;
    }
    Ok(())
}

/// From how many records (passages and articles) the lines are rendered
/// in parallel.
const PARALLEL_FROM: usize = 20_000;
/// Lines rendered (in parallel chunks) before they are written.
const LINES_PER_BATCH: usize = 16_384;

/// The RON text of a project's file, as [`write_ron`] writes it.
///
/// # Errors
/// [`SaveError::Serialise`] (should not happen).
pub fn to_ron(
    project: &Project,
    project_path: &Path,
    storage: TextStorage,
) -> Result<String, SaveError> {
    let mut v = Vec::new();
    write_ron(&mut v, project, project_path, storage)?;
    String::from_utf8(v).map_err(|e| SaveError::Serialise(e.to_string()))
}

/// Saves a project to `path` as new (see [`save_with`] with
/// [`SaveOptions::new`]): it refuses to overwrite a file that is not a Gloss
/// project this build reads, but does not check what it replaces otherwise.
///
/// # Errors
/// [`SaveError`]; on error the previous project file is untouched.
pub fn save(project: &Project, path: &Path, storage: TextStorage) -> Result<Baseline, SaveError> {
    save_with(project, path, &SaveOptions::new(storage))
}

/// Like [`save`], with the texts folder named explicitly (relative to the
/// file's folder), as recovery files do to share the project's texts.
///
/// # Errors
/// As [`save`].
pub fn save_with_texts(
    project: &Project,
    path: &Path,
    storage: TextStorage,
    texts: &str,
) -> Result<Baseline, SaveError> {
    save_with(
        project,
        path,
        &SaveOptions {
            texts: Some(texts),
            ..SaveOptions::new(storage)
        },
    )
}

/// Saves a project atomically to `path` as `opts` say, keeping the previous
/// file as `path.bak`: under the project's write lock, the file on disk is
/// checked against `opts.baseline` (it must be the version that was loaded,
/// without fields this build would drop), the texts missing from the texts
/// folder are written (and damaged ones rewritten), then the RON file.
/// Returns what is on disk now, for the next save.
///
/// # Errors
/// [`SaveError`]; on error the previous project file is untouched.
pub fn save_with(
    project: &Project,
    path: &Path,
    opts: &SaveOptions<'_>,
) -> Result<Baseline, SaveError> {
    let path = absolute(path);
    let _lock = if opts.recovery {
        None
    } else {
        Some(WriteLock::acquire(&path, opts.lock_wait, "save", |_| {})?)
    };
    let exists = std::fs::symlink_metadata(&path).is_ok();
    if exists && !opts.recovery {
        match peek_header(&path) {
            Ok(h) if h.version <= CURRENT_VERSION => {}
            _ => return Err(SaveError::WouldClobber(path)),
        }
    }
    if let Some(b) = opts.baseline
        && !opts.force
    {
        let changed = match &b.stamp {
            Some(stamp) => exists && !stamp.matches(&path).unwrap_or(false),
            None => exists,
        };
        if changed {
            return Err(SaveError::ChangedOnDisk(path));
        }
        if !b.unknown_fields.is_empty() {
            return Err(SaveError::UnknownFields {
                path,
                fields: b.unknown_fields.clone(),
            });
        }
    }
    let texts = opts
        .texts
        .map_or_else(|| texts_folder_name(&path), str::to_owned);
    let mut texts_seen = None;
    if opts.storage == TextStorage::Folder {
        let repair = opts.baseline.map_or(&[][..], |b| &b.damaged_texts[..]);
        let folder = project_dir(&path).join(&texts);
        // Read once, before any text is looked at: a change after it is a
        // change to it.
        let state = FolderState::settled(&folder);
        let known = opts
            .baseline
            .and_then(|b| b.texts_seen.as_ref())
            .zip(state)
            .and_then(|(t, now)| t.still_in(&folder, now));
        tracing::debug!(
            "{} texts known to be in {} since the last look",
            known.map_or(0, Known::len),
            shown(&folder)
        );
        let written = write_texts(project, &folder, repair, known)?;
        // Writing a text changes the folder: the next save looks again.
        if written == 0 {
            texts_seen = state.map(|state| {
                let present = folder_texts(project).map(|a| &a.hash);
                TextsSeen::new(&folder, state, present)
            });
        }
    }
    let write_opts = WriteOptions {
        backup: !opts.recovery,
        replace_read_only: opts.force,
        ..WriteOptions::PROJECT
    };
    let mut failure = None;
    let mut hasher = Fingerprint::default();
    write_with(&path, write_opts, |w| {
        // Hashed in large chunks (the serialiser writes a few bytes at a time).
        let mut tee = std::io::BufWriter::with_capacity(
            1 << 16,
            Tee {
                w,
                hasher: &mut hasher,
            },
        );
        write_ron_with(&mut tee, project, &path, opts.storage, &texts).map_err(|e| {
            let msg = e.to_string();
            failure = Some(e);
            std::io::Error::other(msg)
        })?;
        tee.flush()
    })
    .map_err(|e| match failure.take() {
        Some(f) => f,
        None => SaveError::Write(e),
    })?;
    let stamp = std::fs::metadata(&path)
        .ok()
        .map(|m| FileStamp::new(&m, hasher.finish()));
    Ok(Baseline {
        stamp,
        version: CURRENT_VERSION,
        unknown_fields: Vec::new(),
        damaged_texts: Vec::new(),
        texts_seen,
    })
}

/// Passes writes through while hashing them.
struct Tee<'a> {
    w: &'a mut dyn Write,
    hasher: &'a mut Fingerprint,
}

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.w.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// The articles whose texts a save keeps in the texts folder: all but the
/// unavailable ones, whose files are left as they are.
fn folder_texts(project: &Project) -> impl Iterator<Item = &crate::model::Article> {
    project
        .articles()
        .filter(|a| project.unavailable(a.id).is_none())
}

/// Writes the texts the folder lacks (and rewrites `repair`, texts whose file
/// was found damaged), each atomically; the texts of unavailable articles are
/// left as they are. Texts in `known` are in the folder without a look (see
/// [`TextsSeen`]). Returns how many were written.
fn write_texts(
    project: &Project,
    folder: &Path,
    repair: &[ContentHash],
    known: Option<Known<'_>>,
) -> Result<usize, SaveError> {
    let articles: Vec<&crate::model::Article> = folder_texts(project).collect();
    if std::fs::symlink_metadata(folder).is_err() && !articles.is_empty() {
        return write_new_folder(&articles, folder);
    }
    std::fs::create_dir_all(folder).map_err(io_err(folder))?;
    // Looked up on every core: one stat per text adds up at 100,000.
    let missing: Vec<_> = articles
        .into_par_iter()
        .filter_map(|a| {
            let repaired = repair.contains(&a.hash);
            if !repaired && known.is_some_and(|k| k.contains(&a.hash)) {
                return None;
            }
            let p = folder.join(text_file_name(&a.hash));
            if repaired {
                // A damaged entry (even a link to a device) is replaced, not followed.
                let _ = std::fs::remove_file(&p);
                return Some((a, p));
            }
            std::fs::symlink_metadata(&p).is_err().then_some((a, p))
        })
        .collect();
    if missing.is_empty() {
        return Ok(0);
    }
    // Durable together, not one by one: each text goes to a temporary file,
    // all are flushed to disk (on Linux with one syncfs of the folder's file
    // system; elsewhere, or if that fails, one fsync per text, in parallel),
    // then each is renamed to its name and the folder synced once. Two
    // fsyncs per text made importing thousands of articles spend most of
    // its time waiting on the disk. A crash leaves either a complete text
    // under its name or only a temporary file (never a short text under a
    // content-hash name), and the project file, written after this, names
    // only texts already durable.
    //
    // The files are created one after the other: two threads creating
    // files in one folder contend for the file system's inode allocation
    // (measured on ext4: 10,000 texts took 2-6 s of system time in
    // parallel, 0.5 s in sequence).
    let pid = std::process::id();
    let files: Vec<(PathBuf, &str)> = missing
        .iter()
        .map(|(a, p)| (temp_name(p, pid), a.text.as_str()))
        .collect();
    if let Err((p, e)) = create_durably(folder, &files) {
        for (tmp, _) in &files {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(io_err(&p)(e));
    }
    for ((tmp, _), (_, p)) in files.iter().zip(&missing) {
        std::fs::rename(tmp, p).map_err(io_err(p))?;
    }
    sync_dir(folder);
    Ok(files.len())
}

/// Writes the texts of `articles` into the folder `folder`, which does not
/// exist yet (a project's first save, or a save under a new name): into a
/// temporary folder beside it, flushed to disk together, then renamed into
/// place at once. Renaming 100,000 texts one by one took 2.5 s of a
/// 100,000-article import; a crash still leaves either the whole folder or
/// only the temporary one (`.NAME.PID.tmp`, which `gloss check --gc`
/// removes). Should the folder appear meanwhile, the texts are moved into
/// it one by one, as [`write_texts`] does. Returns how many were written.
pub(super) fn write_new_folder(
    articles: &[&crate::model::Article],
    folder: &Path,
) -> Result<usize, SaveError> {
    let tmp = temp_name(folder, std::process::id());
    // Left by a crashed process that had the same id.
    let _ = std::fs::remove_dir_all(&tmp);
    if let Some(parent) = folder.parent() {
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    let fill = || -> Result<usize, SaveError> {
        let mut seen = std::collections::HashSet::with_capacity(articles.len());
        let files: Vec<(PathBuf, &str)> = articles
            .iter()
            .filter(|a| seen.insert(&a.hash))
            .map(|a| (tmp.join(text_file_name(&a.hash)), a.text.as_str()))
            .collect();
        create_durably(&tmp, &files).map_err(|(p, e)| io_err(&p)(e))?;
        sync_dir(&tmp);
        if std::fs::rename(&tmp, folder).is_err() {
            std::fs::create_dir_all(folder).map_err(io_err(folder))?;
            for (p, _) in &files {
                let to = folder.join(p.file_name().unwrap_or_default());
                std::fs::rename(p, &to).map_err(io_err(&to))?;
            }
            sync_dir(folder);
            let _ = std::fs::remove_dir(&tmp);
        }
        Ok(files.len())
    };
    match fill() {
        Ok(written) => {
            if let Some(parent) = folder.parent() {
                sync_dir(parent);
            }
            Ok(written)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            Err(e)
        }
    }
}

/// The error of a file operation on `p` in a save.
fn io_err(p: &Path) -> impl Fn(std::io::Error) -> SaveError + use<> {
    let p = p.to_path_buf();
    move |source| {
        SaveError::Write(WriteError::Io {
            path: p.clone(),
            source,
        })
    }
}

/// Texts written between two flushes of the file system started while the
/// rest are written.
const FLUSH_EVERY: usize = 4096;

/// Creates each file with its text, one after the other (see
/// [`write_texts`] on why), and makes them all durable: on Linux one
/// `syncfs` of their file system at the end, which a thread of its own has
/// already done every [`FLUSH_EVERY`] texts while the rest were written
/// (100,000 texts left 1.9 s of flushing after the writing without it);
/// elsewhere (or when the folder cannot be opened to flush its file
/// system) one fsync each, in parallel. The error names
/// the file; the caller removes what was created.
fn create_durably(dir: &Path, files: &[(PathBuf, &str)]) -> Result<(), (PathBuf, std::io::Error)> {
    // Opened before any text is written, so its flushes report every later
    // write-back error (the kernel reports one once per open folder).
    #[cfg(target_os = "linux")]
    let fs = std::fs::File::open(dir).ok();
    #[cfg(not(target_os = "linux"))]
    let fs: Option<std::fs::File> = None;
    std::thread::scope(|scope| {
        let flusher = fs
            .as_ref()
            .filter(|_| files.len() > FLUSH_EVERY)
            .map(|d| Flusher::start(scope, move || flush_file_system(d).map(|_| ())));
        for (i, (p, text)) in files.iter().enumerate() {
            std::fs::File::create(p)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(|e| (p.clone(), e))?;
            if (i + 1) % FLUSH_EVERY == 0 && flusher.as_ref().is_some_and(|f| !f.ask()) {
                break;
            }
        }
        flusher
            .map_or(Ok(()), Flusher::finish)
            .map_err(|e| (dir.to_path_buf(), e))
    })?;
    // A flush that fails is reported: its error is not reported again.
    match fs.as_ref().map(flush_file_system) {
        Some(Ok(true)) => return Ok(()),
        Some(Err(e)) => return Err((dir.to_path_buf(), e)),
        Some(Ok(false)) | None => {}
    }
    files.par_iter().try_for_each(|(p, _)| {
        std::fs::File::open(p)
            .and_then(|f| f.sync_all())
            .map_err(|e| (p.clone(), e))
    })
}

/// Flushes the file system `dir` is on (Linux's `syncfs`); `false` where
/// that cannot be done (the caller flushes file by file).
fn flush_file_system(dir: &std::fs::File) -> std::io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        match rustix::fs::syncfs(dir) {
            Ok(()) => Ok(true),
            Err(e) if std::io::Error::from(e).kind() == std::io::ErrorKind::Unsupported => {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        Ok(false)
    }
}

/// A temporary name beside `p` for writing it (`.NAME.PID.tmp`, which
/// `gloss check --gc` removes when a crash leaves it behind).
fn temp_name(p: &Path, pid: u32) -> PathBuf {
    let name = p.file_name().unwrap_or_default().to_string_lossy();
    p.with_file_name(format!(".{name}.{pid}.tmp"))
}
