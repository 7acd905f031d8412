//! Merging the codebook: tags matched by id where both sides inherited them
//! from the common ancestor, otherwise by path.

use std::collections::BTreeSet;

use super::{Conflict, Merger, Tag, TagId, conflict};

impl Merger<'_> {
    pub(super) fn tags(&mut self) {
        let (ours, theirs) = (self.s.ours, self.s.theirs);
        if let Some(base) = self.s.base {
            for t in base.codebook.iter() {
                if ours.codebook.get(t.id).is_some() {
                    self.base_tag.insert(t.id, t.id);
                } else if let Some(id) = self.codebook.find_path(&base.codebook.path(t.id)) {
                    self.base_tag.insert(t.id, id);
                }
            }
        }
        for id in theirs.codebook.tree_order() {
            let Some(t) = theirs.codebook.get(id) else {
                continue;
            };
            if let Some(b) = self.s.base.and_then(|b| b.codebook.get(id)) {
                if ours.codebook.get(id).is_some() {
                    self.merge_tag_props(id, b, t);
                    self.their_tag.insert(id, id);
                } else if b.props != t.props {
                    // We deleted it and they changed it: it comes back.
                    let m = match self.codebook.find_path(&self.their_path(id)) {
                        Some(m) => m,
                        None => self.add_their_tag(t),
                    };
                    self.their_tag.insert(id, m);
                    self.conflicts.push(Conflict {
                        tag: Some(m),
                        ..conflict(format!(
                            "we deleted tag {:?}, {} changed it; the tag is back",
                            t.props.name,
                            self.label()
                        ))
                    });
                }
                // Deleted by us, unchanged by them: it stays deleted, unless
                // their new passages use it (see `their_tag_here`).
                continue;
            }
            let m = match self.codebook.find_path(&self.their_path(id)) {
                Some(m) => {
                    self.compare_props(m, t);
                    m
                }
                None => self.add_their_tag(t),
            };
            self.their_tag.insert(id, m);
        }
    }

    pub(super) fn their_path(&self, id: TagId) -> String {
        self.s.theirs.codebook.path(id)
    }

    pub(super) fn add_their_tag(&mut self, t: &Tag) -> TagId {
        let mut props = t.props.clone();
        props.parent = props.parent.and_then(|p| self.their_tag.get(&p).copied());
        if let Some(k) = props.shortcut
            && let Some(other) = self.codebook.by_shortcut(k)
        {
            props.shortcut = None;
            self.conflicts.push(Conflict {
                tag: Some(other),
                ..conflict(format!(
                    "shortcut {k:?} is ours for {:?} and {}'s for their tag {:?}; their tag came without it",
                    self.codebook.path(other),
                    self.label(),
                    t.props.name
                ))
            });
        }
        // Their tag keeps its id when that is free here (it is the same tag
        // coming back); otherwise a new one.
        let id = if self.codebook.get(t.id).is_none()
            && self.s.base.is_some_and(|b| b.codebook.get(t.id).is_some())
        {
            t.id
        } else {
            let id = TagId(self.next.tag);
            self.next.tag += 1;
            id
        };
        self.codebook.insert(Tag { id, props });
        self.summary.tags_added += 1;
        id
    }

    /// Both sides have the tag they inherited: a field one side changed is
    /// taken from it; a field both changed differently stays ours.
    pub(super) fn merge_tag_props(&mut self, id: TagId, base: &Tag, theirs: &Tag) {
        let Some(ours) = self.codebook.get(id).cloned() else {
            return;
        };
        let tp = &theirs.props;
        let bp = &base.props;
        let mut p = ours.props.clone();
        let mut clashes = Vec::new();
        macro_rules! field {
            ($f:ident, $name:literal, $theirs:expr, $base:expr) => {
                if p.$f != $theirs && $theirs != $base {
                    if p.$f == $base {
                        p.$f = $theirs;
                    } else {
                        clashes.push($name);
                    }
                }
            };
        }
        field!(name, "name", tp.name.clone(), bp.name.clone());
        field!(colour, "colour", tp.colour, bp.colour);
        field!(
            description,
            "description",
            tp.description.clone(),
            bp.description.clone()
        );
        let their_parent = tp
            .parent
            .map(|x| self.their_tag.get(&x).copied().unwrap_or(x));
        let base_parent = bp
            .parent
            .map(|x| self.base_tag.get(&x).copied().unwrap_or(x));
        field!(parent, "parent", their_parent, base_parent);
        field!(shortcut, "shortcut", tp.shortcut, bp.shortcut);
        if p.parent.is_some_and(|x| self.codebook.get(x).is_none())
            || self.codebook.would_cycle(id, p.parent)
        {
            p.parent = ours.props.parent;
        }
        if let Some(k) = p.shortcut
            && self.codebook.by_shortcut(k).is_some_and(|o| o != id)
        {
            p.shortcut = ours.props.shortcut;
        }
        if !clashes.is_empty() {
            self.conflicts.push(Conflict {
                tag: Some(id),
                ..conflict(format!(
                    "tag {:?}: both sides changed its {}; kept ours ({}'s: name {:?}, colour {}, description {:?})",
                    self.codebook.path(id),
                    clashes.join(" and "),
                    self.label(),
                    tp.name,
                    tp.colour,
                    tp.description
                ))
            });
        }
        if let Some(t) = self.codebook.get_mut(id) {
            t.props = p;
        }
    }

    /// Tags matched by path: ours wins where they differ, reported.
    pub(super) fn compare_props(&mut self, id: TagId, theirs: &Tag) {
        let Some(ours) = self.codebook.get(id) else {
            return;
        };
        let mut diffs = Vec::new();
        if ours.props.colour != theirs.props.colour {
            diffs.push(format!(
                "colour {} (theirs {})",
                ours.props.colour, theirs.props.colour
            ));
        }
        if ours.props.description != theirs.props.description {
            diffs.push(format!(
                "description {:?} (theirs {:?})",
                ours.props.description, theirs.props.description
            ));
        }
        if ours.props.shortcut != theirs.props.shortcut && theirs.props.shortcut.is_some() {
            diffs.push(format!(
                "shortcut {:?} (theirs {:?})",
                ours.props.shortcut, theirs.props.shortcut
            ));
        }
        if !diffs.is_empty() {
            let path = self.codebook.path(id);
            self.conflicts.push(Conflict {
                tag: Some(id),
                ..conflict(format!(
                    "tag {path:?} differs in {}'s version; kept ours: {}",
                    self.label(),
                    diffs.join(", ")
                ))
            });
        }
    }

    pub(super) fn remove_deleted_tags(&mut self) {
        let Some(base) = self.s.base else { return };
        let used: BTreeSet<TagId> = self
            .annotations
            .values()
            .chain(self.orphans.values().map(|o| &o.annotation))
            .flat_map(|a| a.tags.iter().copied())
            .collect();
        // Children first, so a removed parent has no children left.
        let mut order = base.codebook.tree_order();
        order.reverse();
        for id in order {
            if self.s.theirs.codebook.get(id).is_some() {
                continue;
            }
            let (Some(b), Some(o)) = (base.codebook.get(id), self.codebook.get(id)) else {
                continue;
            };
            let has_children = self.codebook.iter().any(|t| t.props.parent == Some(id));
            if o.props == b.props && !used.contains(&id) && !has_children {
                self.codebook.remove(id);
                self.summary.tags_removed += 1;
            } else {
                self.conflicts.push(Conflict {
                    tag: Some(id),
                    ..conflict(format!(
                        "tag {:?}: {} deleted it, but ours is used or changed; kept",
                        self.codebook.path(id),
                        self.label()
                    ))
                });
            }
        }
    }
}
