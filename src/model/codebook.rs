//! The codebook: coloured, optionally nested tags.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ids::TagId;

/// An sRGB colour, written `#rrggbb` in files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 3]);

/// Colours handed to new tags in turn: distinct, and dark text stays readable on them.
pub const PALETTE: [Colour; 10] = [
    Colour([0xf4, 0xa2, 0x61]),
    Colour([0x8e, 0xc5, 0xfc]),
    Colour([0xa7, 0xe0, 0x8f]),
    Colour([0xf7, 0x8f, 0xb3]),
    Colour([0xf9, 0xdc, 0x5c]),
    Colour([0xc3, 0xa6, 0xf5]),
    Colour([0x7f, 0xd8, 0xd0]),
    Colour([0xf2, 0x84, 0x6b]),
    Colour([0xb8, 0xc4, 0x7a]),
    Colour([0xd1, 0xb0, 0x8a]),
];

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

/// A colour string that is not `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("colour {0:?} is not of the form #rrggbb")]
pub struct ColourError(pub String);

impl FromStr for Colour {
    type Err = ColourError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex = s
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.is_ascii())
            .ok_or_else(|| ColourError(s.to_owned()))?;
        let byte = |i: usize| {
            u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| ColourError(s.to_owned()))
        };
        Ok(Colour([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a user can set on a tag (everything but its id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagProps {
    /// Name, unique among its siblings; may not contain `/`.
    pub name: String,
    /// Highlight colour.
    pub colour: Colour,
    /// Parent tag for nesting.
    pub parent: Option<TagId>,
    /// Keyboard shortcut (a digit or letter), unique in the codebook.
    pub shortcut: Option<char>,
    /// What the tag means, for the analyst's colleagues.
    pub description: String,
}

/// A tag of the codebook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Stable id.
    pub id: TagId,
    /// Everything else.
    pub props: TagProps,
}

/// All tags of a project, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Codebook {
    tags: BTreeMap<TagId, Tag>,
}

impl Codebook {
    /// The tag with this id.
    #[must_use]
    pub fn get(&self, id: TagId) -> Option<&Tag> {
        self.tags.get(&id)
    }

    pub(crate) fn get_mut(&mut self, id: TagId) -> Option<&mut Tag> {
        self.tags.get_mut(&id)
    }

    pub(crate) fn insert(&mut self, tag: Tag) {
        self.tags.insert(tag.id, tag);
    }

    pub(crate) fn remove(&mut self, id: TagId) -> Option<Tag> {
        self.tags.remove(&id)
    }

    /// All tags in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Tag> {
        self.tags.values()
    }

    /// Number of tags.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tags.len()
    }

    /// True when there are no tags.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty()
    }

    /// Direct children of `parent` (or the top-level tags for `None`), by name.
    #[must_use]
    pub fn children(&self, parent: Option<TagId>) -> Vec<&Tag> {
        let mut v: Vec<&Tag> = self
            .tags
            .values()
            .filter(|t| t.props.parent == parent)
            .collect();
        v.sort_by(|a, b| a.props.name.cmp(&b.props.name).then(a.id.cmp(&b.id)));
        v
    }

    /// The tag and all tags nested below it.
    #[must_use]
    pub fn with_descendants(&self, id: TagId) -> Vec<TagId> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            let cur = out[i];
            out.extend(
                self.tags
                    .values()
                    .filter(|t| t.props.parent == Some(cur))
                    .map(|t| t.id),
            );
            i += 1;
        }
        out
    }

    /// The full name of a tag, parents first: `Parent/Child`.
    #[must_use]
    pub fn path(&self, id: TagId) -> String {
        let mut names = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let Some(tag) = self.tags.get(&c) else { break };
            names.push(tag.props.name.as_str());
            cur = tag.props.parent;
            if names.len() > self.tags.len() {
                break;
            }
        }
        names.reverse();
        names.join("/")
    }

    /// Finds a tag by its full path (`Parent/Child`), comparing names exactly.
    #[must_use]
    pub fn find_path(&self, path: &str) -> Option<TagId> {
        let mut parent = None;
        for name in path.split('/') {
            parent = Some(
                self.tags
                    .values()
                    .find(|t| t.props.parent == parent && t.props.name == name)?
                    .id,
            );
        }
        parent
    }

    /// The tag whose shortcut is `key`.
    #[must_use]
    pub fn by_shortcut(&self, key: char) -> Option<TagId> {
        self.tags
            .values()
            .find(|t| t.props.shortcut == Some(key))
            .map(|t| t.id)
    }

    /// A palette colour for the next new tag.
    #[must_use]
    pub fn next_colour(&self) -> Colour {
        PALETTE[self.tags.len() % PALETTE.len()]
    }

    /// Tag ids in tree order: each tag followed by its children, siblings by
    /// name. Tags not reachable from the top (which a valid project does not
    /// have) follow at the end, so every tag appears once.
    #[must_use]
    pub fn tree_order(&self) -> Vec<TagId> {
        let codebook = self;
        let mut out = Vec::with_capacity(codebook.len());
        let mut seen = HashSet::new();
        let mut stack: Vec<TagId> = codebook.children(None).iter().rev().map(|t| t.id).collect();
        loop {
            while let Some(id) = stack.pop() {
                if !seen.insert(id) {
                    continue;
                }
                out.push(id);
                stack.extend(codebook.children(Some(id)).iter().rev().map(|t| t.id));
            }
            match codebook.iter().find(|t| !seen.contains(&t.id)) {
                Some(t) => stack.push(t.id),
                None => break,
            }
        }
        out
    }

    /// True if making `parent` the parent of `id` would create a cycle.
    #[must_use]
    pub fn would_cycle(&self, id: TagId, parent: Option<TagId>) -> bool {
        let mut cur = parent;
        let mut steps = 0;
        while let Some(c) = cur {
            if c == id || steps > self.tags.len() {
                return true;
            }
            cur = self.tags.get(&c).and_then(|t| t.props.parent);
            steps += 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(id: u64, name: &str, parent: Option<u64>) -> Tag {
        Tag {
            id: TagId(id),
            props: TagProps {
                name: name.into(),
                colour: PALETTE[0],
                parent: parent.map(TagId),
                shortcut: None,
                description: String::new(),
            },
        }
    }

    #[test]
    fn colours_round_trip() {
        let c: Colour = "#0a1B2c".parse().unwrap();
        assert_eq!(c.0, [0x0a, 0x1b, 0x2c]);
        assert_eq!(c.to_string(), "#0a1b2c");
        assert!("0a1b2c".parse::<Colour>().is_err());
        assert!("#0a1b2".parse::<Colour>().is_err());
        assert!("#ééé".parse::<Colour>().is_err());
    }

    #[test]
    fn paths_and_nesting() {
        let mut cb = Codebook::default();
        cb.insert(tag(1, "Threat", None));
        cb.insert(tag(2, "Military", Some(1)));
        cb.insert(tag(3, "Cyber", Some(1)));
        cb.insert(tag(4, "Drone", Some(2)));
        assert_eq!(cb.path(TagId(4)), "Threat/Military/Drone");
        assert_eq!(cb.find_path("Threat/Military/Drone"), Some(TagId(4)));
        assert_eq!(cb.find_path("Threat/Drone"), None);
        assert_eq!(cb.with_descendants(TagId(1)).len(), 4);
        assert!(cb.would_cycle(TagId(1), Some(TagId(4))));
        assert!(!cb.would_cycle(TagId(4), Some(TagId(3))));
        let names: Vec<_> = cb
            .children(Some(TagId(1)))
            .iter()
            .map(|t| t.props.name.clone())
            .collect();
        assert_eq!(names, ["Cyber", "Military"]);
    }
}
