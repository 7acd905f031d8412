//! The reading view's selection, in char offsets, and the handles that
//! drag a picked passage's ends.

use crate::model::Span;

/// The selection: `anchor` stays, `cursor` moves; both are char offsets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Where the selection started.
    pub anchor: usize,
    /// Where it ends (the caret).
    pub cursor: usize,
}

impl Selection {
    /// A caret at `at`.
    #[must_use]
    pub fn caret(at: usize) -> Self {
        Self {
            anchor: at,
            cursor: at,
        }
    }

    /// A selection of `span`, from its start to its end.
    #[must_use]
    pub fn of(span: Span) -> Self {
        Self {
            anchor: span.start(),
            cursor: span.end(),
        }
    }

    /// The selected span (possibly empty).
    #[must_use]
    pub fn span(self) -> Span {
        Span::between(self.anchor, self.cursor)
    }

    /// The same selection, kept within a text of `len` chars.
    #[must_use]
    pub fn clamped(self, len: usize) -> Self {
        Self {
            anchor: self.anchor.min(len),
            cursor: self.cursor.min(len),
        }
    }
}

/// Which end of the picked passage is being dragged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handle {
    /// Its start.
    Start,
    /// Its end.
    End,
}
