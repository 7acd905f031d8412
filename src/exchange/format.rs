//! The export formats, rendered and written the same way from the command
//! line and the window: one list of formats, one function that makes the
//! bytes, one that writes them where the user asked — never over the
//! project's own files.

use std::path::{Path, PathBuf};

use crate::io::atomic::{WriteError, WriteOptions, write_with};
use crate::io::paths::shown;
use crate::io::protect::{Protected, ProtectedError};
use crate::model::Project;

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// One row per passage (RFC 4180 CSV, UTF-8).
    Csv,
    /// W3C Web Annotation collection (JSON-LD).
    W3c,
    /// REFI-QDA project archive for other QDA tools.
    Qdpx,
    /// REFI-QDA codebook.
    Qdc,
    /// brat standoff: one `.txt` and `.ann` per article plus configuration,
    /// in a folder.
    Brat,
    /// A readable review report in Markdown.
    Md,
    /// The same report as one self-contained HTML file.
    Html,
}

/// Why an export failed; nothing was written (or, for a folder, files
/// already written are complete ones).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The target is one of the project's own files.
    #[error(transparent)]
    Protected(#[from] ProtectedError),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A format cannot hold this project.
    #[error("{0}")]
    Unsupported(String),
    /// Building the content failed.
    #[error("cannot build the export: {0}")]
    Build(String),
}

/// What an export needs to know besides the project.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The project's name (its file stem).
    pub name: String,
    /// The project file, when it has one (source paths are written relative
    /// to its folder; W3C names the texts folder beside it).
    pub project_path: Option<PathBuf>,
    /// True when the project keeps its texts in its texts folder.
    pub texts_in_folder: bool,
    /// The analyst exporting (authors what records no author).
    pub analyst: String,
}

impl Context {
    /// The project's folder.
    #[must_use]
    pub fn base(&self) -> Option<PathBuf> {
        self.project_path
            .as_deref()
            .map(crate::io::paths::project_dir)
    }

    /// The project's texts folder, when the texts are stored there.
    #[must_use]
    pub fn texts(&self) -> Option<PathBuf> {
        let p = self
            .project_path
            .as_deref()
            .filter(|_| self.texts_in_folder)?;
        Some(crate::io::paths::project_dir(p).join(crate::io::project_file::texts_folder_name(p)))
    }
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 7] = [
        Self::Csv,
        Self::W3c,
        Self::Qdpx,
        Self::Qdc,
        Self::Brat,
        Self::Md,
        Self::Html,
    ];

    /// The file name extension (without dot); empty for a folder.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::W3c => "jsonld",
            Self::Qdpx => "qdpx",
            Self::Qdc => "qdc",
            Self::Brat => "",
            Self::Md => "md",
            Self::Html => "html",
        }
    }

    /// What the format is called in dialogs.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::W3c => "W3C Web Annotation (JSON-LD)",
            Self::Qdpx => "REFI-QDA project",
            Self::Qdc => "REFI-QDA codebook",
            Self::Brat => "brat standoff folder",
            Self::Md => "Markdown report",
            Self::Html => "HTML report",
        }
    }

    /// True when the export is a folder of files rather than one file.
    #[must_use]
    pub fn is_folder(self) -> bool {
        self == Self::Brat
    }

    /// True when the bytes are binary (an archive), not text for a terminal.
    #[must_use]
    pub fn is_binary(self) -> bool {
        self == Self::Qdpx
    }

    /// The export's file name for a project called `name`.
    #[must_use]
    pub fn file_name(self, name: &str) -> String {
        match self {
            Self::Brat => format!("{name}-brat"),
            Self::Md | Self::Html => format!("{name}-report.{}", self.extension()),
            _ => format!("{name}.{}", self.extension()),
        }
    }

    /// What a peer will make differently of this export, in words, for the
    /// user to know before handing it on (nothing is wrong with the file).
    #[must_use]
    pub fn cautions(self, project: &Project) -> Vec<String> {
        match self {
            Self::Qdpx | Self::Qdc => super::refi::write::shared_code_names(project)
                .into_iter()
                .map(|(name, paths)| {
                    format!(
                        "QualCoder keeps one code per name, and {} tags are named {name:?} ({}): \
                         in QualCoder only the first keeps its passages; rename the others \
                         to hand this file to QualCoder",
                        paths.len(),
                        paths.join(", ")
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The export as bytes (every format but the brat folder).
    ///
    /// # Errors
    /// [`ExportError::Unsupported`] for brat, or an empty codebook as `.qdc`.
    pub fn render(self, project: &Project, ctx: &Context) -> Result<Vec<u8>, ExportError> {
        let name = ctx.name.as_str();
        let base = ctx.base();
        let base = base.as_deref();
        let build = |e: &dyn std::fmt::Display| ExportError::Build(e.to_string());
        match self {
            Self::Csv => super::csv::to_csv(project, base).map_err(|e| build(&e)),
            Self::W3c => {
                let texts = ctx.texts();
                let mut v =
                    serde_json::to_vec_pretty(&super::w3c::to_w3c(project, name, texts.as_deref()))
                        .map_err(|e| build(&e))?;
                v.push(b'\n');
                Ok(v)
            }
            Self::Qdpx => {
                super::refi::qdpx_bytes(project, name, &ctx.analyst).map_err(|e| build(&e))
            }
            Self::Qdc => {
                if project.codebook().is_empty() {
                    return Err(ExportError::Unsupported(
                        "the codebook is empty; a .qdc needs at least one code".into(),
                    ));
                }
                super::refi::codebook_qdc(project).map_err(|e| build(&e))
            }
            Self::Md => Ok(super::report::to_markdown(project, name).into_bytes()),
            Self::Html => Ok(super::report::to_html(project, name).into_bytes()),
            Self::Brat => Err(ExportError::Unsupported(
                "brat writes a folder of files: give a folder".into(),
            )),
        }
    }

    /// Writes the export to `out` (a file, a named pipe or device, or for
    /// brat a folder), refusing anything `protected` lists. Returns the number
    /// of documents written for brat, 1 otherwise.
    ///
    /// # Errors
    /// [`ExportError`].
    pub fn write(
        self,
        project: &Project,
        ctx: &Context,
        out: &Path,
        protected: &Protected,
    ) -> Result<usize, ExportError> {
        if self == Self::Brat {
            protected.check_folder(out)?;
            return crate::exchange::brat::write_folder(project, out, protected);
        }
        protected.check(out)?;
        if self == Self::Csv {
            // Written as it is made, not held whole.
            let base = ctx.base();
            write_with(out, WriteOptions::EXPORT, |w| {
                super::csv::write_csv(project, base.as_deref(), w).map_err(std::io::Error::from)
            })?;
            return Ok(1);
        }
        let bytes = self.render(project, ctx)?;
        write_with(out, WriteOptions::EXPORT, |w| w.write_all(&bytes))?;
        Ok(1)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// A message for a finished export.
#[must_use]
pub fn done_message(format: Format, out: &Path, count: usize) -> String {
    if format.is_folder() {
        format!(
            "Exported {} to {}",
            crate::model::plural(count, "document"),
            shown(out)
        )
    } else {
        format!("Exported {}", shown(out))
    }
}
