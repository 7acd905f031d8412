//! Half-open character spans.
//!
//! Every offset in Gloss counts Unicode scalar values (Rust `char`s) into an
//! article's normalised text, never bytes.
//!
//! ```text
//! text:  T h e _ q u i c k _ f o x
//! index: 0 1 2 3 4 5 6 7 8 9 ...
//! Span { start: 4, end: 9 } covers "quick"
//! ```

use serde::{Deserialize, Serialize};

/// A half-open range `[start, end)` of char offsets, with `start <= end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    start: usize,
    end: usize,
}

/// A span whose end lies before its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("span end {end} lies before its start {start}")]
pub struct SpanError {
    /// The requested start.
    pub start: usize,
    /// The requested end.
    pub end: usize,
}

impl Span {
    /// Creates a span, checking that `start <= end`.
    ///
    /// # Errors
    /// Returns [`SpanError`] when `end < start`.
    pub fn new(start: usize, end: usize) -> Result<Self, SpanError> {
        if end < start {
            Err(SpanError { start, end })
        } else {
            Ok(Self { start, end })
        }
    }

    /// Creates a span from two offsets in either order.
    #[must_use]
    pub fn between(a: usize, b: usize) -> Self {
        Self {
            start: a.min(b),
            end: a.max(b),
        }
    }

    /// The first char offset in the span.
    #[must_use]
    pub fn start(self) -> usize {
        self.start
    }

    /// One past the last char offset in the span.
    #[must_use]
    pub fn end(self) -> usize {
        self.end
    }

    /// Number of chars covered.
    #[must_use]
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no chars.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when the two spans share at least one char.
    #[must_use]
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `offset` lies inside the span.
    #[must_use]
    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The span moved by `delta` chars (negative moves left), or `None` if it
    /// would start before zero.
    #[must_use]
    pub fn shifted(self, delta: isize) -> Option<Span> {
        let start = self.start.checked_add_signed(delta)?;
        Some(Span {
            start,
            end: start + self.len(),
        })
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_constructor() {
        assert!(Span::new(3, 2).is_err());
        let s = Span::new(2, 5).unwrap();
        assert_eq!((s.start(), s.end(), s.len()), (2, 5, 3));
        assert_eq!(Span::between(5, 2), s);
    }

    #[test]
    fn overlap_is_half_open() {
        let a = Span::new(0, 4).unwrap();
        assert!(!a.overlaps(Span::new(4, 6).unwrap()));
        assert!(a.overlaps(Span::new(3, 6).unwrap()));
        assert!(a.contains(3) && !a.contains(4));
        assert_eq!(a.shifted(-1), None);
        assert_eq!(a.shifted(2), Some(Span::new(2, 6).unwrap()));
    }
}
