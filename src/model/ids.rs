//! Stable ids. Articles and tags get numbers from counters that only grow,
//! so an id is never reused, even after undo; merging two projects matches
//! articles by content hash and tags by path and renumbers what is new.
//! Passages get ids that are unique without any coordination — UUID v7 (a
//! millisecond timestamp and 74 random bits) — so two analysts coding copies
//! of one project never make the same id, and a merge can match passages by
//! id. Passages from before version 3 keep their small numbers: every copy of
//! a project shares them, so they still identify the same passage everywhere.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// Identifies an article within a project.
    ArticleId,
    "article "
);
id_type!(
    /// Identifies a tag in the codebook.
    TagId,
    "tag "
);
/// Identifies an annotation (a tagged passage): a UUID v7, or a small number
/// for passages made before project format 3. Written as the number, or as the
/// UUID's text (`"0193a2c4-…"`); ordered by creation time (numbers first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AnnotationId(pub u128);

impl AnnotationId {
    /// Whether this is a number from before format 3.
    #[must_use]
    pub fn is_legacy(self) -> bool {
        self.0 <= u128::from(u64::MAX)
    }

    /// The id as written in files and exports: the number, or the UUID.
    #[must_use]
    pub fn key(self) -> String {
        let mut s = String::new();
        self.write_key(&mut s);
        s
    }

    /// Appends [`AnnotationId::key`] to `out` (without making a string of
    /// its own: an export writes a million of them).
    pub fn write_key(self, out: &mut String) {
        if self.is_legacy() {
            out.push_str(itoa::Buffer::new().format(self.0));
        } else {
            let mut buf = [0; uuid::fmt::Hyphenated::LENGTH];
            out.push_str(
                uuid::Uuid::from_u128(self.0)
                    .hyphenated()
                    .encode_lower(&mut buf),
            );
        }
    }

    /// Parses [`AnnotationId::key`]'s form.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(n) = s.parse::<u64>() {
            return Some(Self(u128::from(n)));
        }
        uuid::Uuid::try_parse(s).ok().map(|u| Self(u.as_u128()))
    }

    /// The id a file writes as a UUID string: only UUIDs above the numbered
    /// range are such ids (a number is written as a number).
    ///
    /// # Errors
    /// Why `s` is not such an id.
    pub fn from_uuid_text(s: &str) -> Result<Self, String> {
        match uuid::Uuid::try_parse(s) {
            Ok(u) if u.as_u128() > u128::from(u64::MAX) => Ok(Self(u.as_u128())),
            Ok(_) => Err(format!(
                "passage id {s:?} is a UUID in the range of numbered ids; write it as a number"
            )),
            Err(e) => Err(format!("bad passage id {s:?}: {e}")),
        }
    }
}

impl std::fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "annotation {}", self.key())
    }
}

impl Serialize for AnnotationId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_legacy() {
            #[allow(clippy::cast_possible_truncation, reason = "checked by is_legacy")]
            s.serialize_u64(self.0 as u64)
        } else {
            s.collect_str(&uuid::Uuid::from_u128(self.0).hyphenated())
        }
    }
}

impl<'de> Deserialize<'de> for AnnotationId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = AnnotationId;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a passage id: a number or a UUID string")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<AnnotationId, E> {
                Ok(AnnotationId(u128::from(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<AnnotationId, E> {
                u64::try_from(v)
                    .map(|v| AnnotationId(u128::from(v)))
                    .map_err(|_| E::custom(format!("negative passage id {v}")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<AnnotationId, E> {
                AnnotationId::from_uuid_text(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// The next free id of each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextIds {
    /// Next article id.
    pub article: u64,
    /// Next tag id.
    pub tag: u64,
    /// Next numbered annotation id: read from files before version 3, which
    /// numbered passages; never written (passages now get UUIDs).
    #[serde(default, skip_serializing)]
    pub annotation: u64,
}

impl Default for NextIds {
    fn default() -> Self {
        Self {
            article: 1,
            tag: 1,
            annotation: 0,
        }
    }
}

/// Hands out new ids. Handing one out is not a change to the project (there
/// is nothing to undo: ids only grow and are never reused), so it needs only
/// a shared reference — no caller ever needs `&mut Project`, which would
/// bypass the undo history.
#[derive(Debug)]
pub struct IdAllocator {
    article: AtomicU64,
    tag: AtomicU64,
    /// The last passage id handed out, so ids made in one millisecond still
    /// grow.
    annotation: std::sync::Mutex<u128>,
    legacy_annotation: u64,
}

impl IdAllocator {
    /// Counters starting at `next`.
    #[must_use]
    pub fn starting_at(next: NextIds) -> Self {
        Self {
            article: AtomicU64::new(next.article),
            tag: AtomicU64::new(next.tag),
            annotation: std::sync::Mutex::new(0),
            legacy_annotation: next.annotation,
        }
    }

    /// The next free id of each kind.
    #[must_use]
    pub fn next(&self) -> NextIds {
        NextIds {
            article: self.article.load(Ordering::Relaxed),
            tag: self.tag.load(Ordering::Relaxed),
            annotation: self.legacy_annotation,
        }
    }

    /// Moves the counters up to `next` where they are below it.
    pub fn advance_to(&self, next: NextIds) {
        self.article.fetch_max(next.article, Ordering::Relaxed);
        self.tag.fetch_max(next.tag, Ordering::Relaxed);
    }

    /// A new article id.
    pub fn article(&self) -> ArticleId {
        ArticleId(self.article.fetch_add(1, Ordering::Relaxed))
    }

    /// A new tag id.
    pub fn tag(&self) -> TagId {
        TagId(self.tag.fetch_add(1, Ordering::Relaxed))
    }

    /// A new annotation id: a UUID v7, greater than every one this allocator
    /// (or a clone sharing it) handed out before.
    pub fn annotation(&self) -> AnnotationId {
        self.annotations(1)
    }

    /// The first of `n` (at least one) new annotation ids that follow each
    /// other: the others are one more each, all greater than every id this
    /// allocator handed out before. One call for a million new passages.
    pub fn annotations(&self, n: usize) -> AnnotationId {
        let millis = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let mut last = self
            .annotation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Within the millisecond of the last one (or when the clock went
        // back): one more than it, in the random bits, which keeps the
        // version and variant bits (RFC 9562's monotonic counter). Only a
        // new millisecond draws new random bits, which made tagging 900,000
        // matches ask the system for randomness 900,000 times.
        let first = if *last == 0 || millis > *last >> 80 {
            uuid::Uuid::now_v7().as_u128().max(*last + 1)
        } else {
            *last + 1
        };
        *last = first + (n.max(1) as u128 - 1);
        AnnotationId(first)
    }
}

impl Default for IdAllocator {
    fn default() -> Self {
        Self::starting_at(NextIds::default())
    }
}

impl Clone for IdAllocator {
    fn clone(&self) -> Self {
        Self::starting_at(self.next())
    }
}

impl PartialEq for IdAllocator {
    /// Equal when they would hand out the same numbered ids (passage UUIDs
    /// are never the same, and old passage counters no longer matter).
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.next(), other.next());
        (a.article, a.tag) == (b.article, b.tag)
    }
}

impl Eq for IdAllocator {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_ids_grow_and_stay_version_7_uuids() {
        let ids = IdAllocator::default();
        let shared = &ids;
        let made: Vec<AnnotationId> = (0..20_000).map(|_| shared.annotation()).collect();
        assert!(made.windows(2).all(|w| w[0] < w[1]));
        for id in [made[0], made[19_999]] {
            let u = uuid::Uuid::from_u128(id.0);
            assert_eq!(u.get_version_num(), 7, "{u}");
            assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
            assert!(!id.is_legacy());
        }
        // Two allocators (two analysts) draw their own random bits.
        assert_ne!(
            IdAllocator::default().annotation().0 & ((1 << 62) - 1),
            IdAllocator::default().annotation().0 & ((1 << 62) - 1)
        );
    }
}
