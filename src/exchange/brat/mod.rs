//! brat standoff, read ([`read`]) and written ([`write`]): one `NAME.txt` (the article's normalised text) and
//! one `NAME.ann` (text-bound annotations and notes) per article, plus the
//! collection's `annotation.conf` and `visual.conf`.
//!
//! brat counts offsets in Unicode code points, as Gloss does, and the `.txt`
//! written is the normalised text, so spans are written unchanged.
//!
//! Tags become entity types ([`entity_types`]): each level of a tag's path is
//! reduced to letters, digits, `-` and `_` (anything else becomes `_`), and
//! levels are joined with `.`, so `Threat/Cyber attack` is `Threat.Cyber_attack`.
//! Siblings that reduce to the same name get `-2`, `-3`, … in codebook order.
//! `annotation.conf` records the exact tag path of every type in a
//! `# gloss-tag TYPE PATH` comment, which [`read`] reads back.
//!
//! brat's `.ann` is read line by line (Python's `splitlines`), so the covered
//! text of an annotation may not contain a line break. As brat itself does, a
//! passage that crosses line breaks is written as a discontinuous annotation
//! whose fragments (`start end;start end`) leave the line breaks out, and its
//! text field is the fragments' texts joined by a space:
//!
//! ```text
//! text:  a b \n c d          passage 0..5 ("ab\ncd")
//! T1<TAB>Tag 0 2;3 5<TAB>ab cd
//! ```

pub mod grammar;
pub mod read;
pub mod write;

pub use grammar::{GLOSS_TAG_COMMENT, entity_types};
pub use read::{BratError, BratReport, import_folder};
pub use write::{BratDoc, annotation_conf, to_brat, visual_conf, write_folder};
