//! brat standoff, read ([`read`]) and written ([`write`]): one `NAME.txt` (the article's normalised text) and
//! one `NAME.ann` (text-bound annotations and notes) per article, plus the
//! collection's `annotation.conf` and `visual.conf`.
//!
//! brat counts offsets in Unicode code points, as Gloss does, and the `.txt`
//! written is the normalised text, so spans are written unchanged.
//!
//! Tags become entity types ([`entity_types`]) in brat's storage form
//! (`^[A-Za-z0-9_-]+$`): each level of a tag's path transliterated to ASCII,
//! anything else `_`, levels joined with `-`, so `Threat/Cyber attack` is
//! `Threat-Cyber_attack`; types that would repeat get `_2`, `_3`, … in
//! codebook order. `annotation.conf` nests the types as the tags nest and
//! records the exact tag path of every type in a `# gloss-tag TYPE PATH`
//! comment; `visual.conf` labels each type with the tag's own name (with
//! `<`, `>`, `|` and a leading `!`, which brat reads as syntax, replaced by
//! look-alikes) and colours it.
//!
//! brat's `.ann` is read line by line (Python's `splitlines`), so the covered
//! text of an annotation may not contain a line break. As brat itself does, a
//! passage that crosses line breaks is written as a discontinuous annotation
//! whose fragments (`start end;start end`) leave the line breaks out, and its
//! text field is the fragments' texts joined by a space. What brat cannot
//! hold travels in comments brat shows but ignores: the exact span
//! (`GlossPassage`) and a note with line breaks (`GlossNote`, escaped), so
//! Gloss reads its own export back exactly:
//!
//! ```text
//! text:  a b \n c d \n        passage 0..6 ("ab\ncd\n"), note "x\ny"
//! T1<TAB>Tag 0 2;3 5<TAB>ab cd
//! #1<TAB>GlossPassage T1<TAB>0 6
//! #2<TAB>AnnotatorNotes T1<TAB>x y
//! #3<TAB>GlossNote T1<TAB>x\ny
//! ```
//!
//! A comment that no longer fits (the annotation or note was edited in brat)
//! is ignored, with a warning, in favour of what brat shows.

mod conf;
pub mod grammar;
mod offsets;
pub mod read;
pub mod write;

pub use grammar::{
    GLOSS_NOTE, GLOSS_PASSAGE, GLOSS_TAG_COMMENT, entity_types, is_storage_form, label,
};
pub use read::{BratError, BratReport, import_folder};
pub use write::{BratDoc, annotation_conf, to_brat, visual_conf, write_folder};
