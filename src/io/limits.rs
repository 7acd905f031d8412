//! The bounds on every read: how big a file, an archive or an XML tree may
//! be, how deep markup may nest, and how many passages one command may make.
//!
//! The defaults suit news corpora with a wide margin. Each can be raised (or
//! lowered) for the whole process with an environment variable, and the
//! command line's `--max-file-size` sets the first one; see the README's
//! *Safety* section.

use std::sync::OnceLock;

/// The limits in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest article or exchange file read, in bytes
    /// (`GLOSS_MAX_FILE_SIZE`, default 256 MiB).
    pub file_bytes: u64,
    /// Largest project file read, in bytes (`GLOSS_MAX_PROJECT_SIZE`,
    /// default 8 GiB).
    pub project_bytes: u64,
    /// Most bytes unpacked from one archive (.qdpx, .docx, …) in all
    /// (`GLOSS_MAX_UNPACKED_SIZE`, default 2 GiB).
    pub unpacked_bytes: u64,
    /// Highest ratio of unpacked to packed size for one archive member
    /// (`GLOSS_MAX_PACK_RATIO`, default 200; real text rarely packs better
    /// than 20:1, zip bombs pack thousands to one).
    pub pack_ratio: u64,
    /// Deepest nesting of elements in XML and HTML (`GLOSS_MAX_DEPTH`,
    /// default 256).
    pub depth: usize,
    /// Most passages one command may create (`GLOSS_MAX_MATCHES`, default
    /// 1,000,000; `gloss tag --max N` overrides it for one run).
    pub matches: usize,
    /// Longest time reading one document (DOCX, ODT, EPUB, RTF, PDF, HTML)
    /// may take, in seconds (`GLOSS_MAX_READ_SECONDS`, default 120); a file
    /// that takes longer is refused and the import goes on.
    pub read_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            file_bytes: 256 << 20,
            project_bytes: 8 << 30,
            unpacked_bytes: 2 << 30,
            pack_ratio: 200,
            depth: 256,
            matches: 1_000_000,
            read_seconds: 120,
        }
    }
}

static LIMITS: OnceLock<Limits> = OnceLock::new();

impl Limits {
    /// The limits of this process: the defaults, changed by environment
    /// variables, fixed at the first call (or by [`Limits::set`]).
    #[must_use]
    pub fn get() -> Limits {
        *LIMITS.get_or_init(Self::from_env)
    }

    /// Fixes the process's limits; returns false if they were already in use
    /// (then nothing changes). Call it before reading anything.
    pub fn set(limits: Limits) -> bool {
        LIMITS.set(limits).is_ok()
    }

    /// The defaults with the environment's overrides.
    #[must_use]
    pub fn from_env() -> Limits {
        let d = Limits::default();
        let bytes = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| parse_size(&v))
                .unwrap_or(default)
        };
        let count = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().replace('_', "").parse().ok())
                .unwrap_or(default)
        };
        Limits {
            file_bytes: bytes("GLOSS_MAX_FILE_SIZE", d.file_bytes),
            project_bytes: bytes("GLOSS_MAX_PROJECT_SIZE", d.project_bytes),
            unpacked_bytes: bytes("GLOSS_MAX_UNPACKED_SIZE", d.unpacked_bytes),
            pack_ratio: count("GLOSS_MAX_PACK_RATIO", d.pack_ratio as usize) as u64,
            depth: count("GLOSS_MAX_DEPTH", d.depth),
            matches: count("GLOSS_MAX_MATCHES", d.matches),
            read_seconds: count("GLOSS_MAX_READ_SECONDS", d.read_seconds as usize) as u64,
        }
    }
}

/// Parses a size such as `300M`, `2G`, `64k` or `1048576` (binary units).
#[must_use]
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let t = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (num, shift) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 10),
        'm' => (&t[..t.len() - 1], 20),
        'g' => (&t[..t.len() - 1], 30),
        't' => (&t[..t.len() - 1], 40),
        _ => (t, 0),
    };
    let n: u64 = num.trim().replace('_', "").parse().ok()?;
    n.checked_mul(1u64 << shift)
}

/// A byte count for messages: `512 bytes`, `3.2 MiB`, `2 GiB`.
#[must_use]
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if (v - v.round()).abs() < 0.05 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1048576"), Some(1 << 20));
        assert_eq!(parse_size("300M"), Some(300 << 20));
        assert_eq!(parse_size("2 GiB"), Some(2 << 30));
        assert_eq!(parse_size("64k"), Some(64 << 10));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(256 << 20), "256 MiB");
        assert_eq!(human_size(1536), "1.5 KiB");
    }
}
