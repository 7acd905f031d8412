//! A passage's tags: a small sorted set kept inline.
//!
//! Almost every passage has one or two tags, and a project can hold a
//! million passages. A `BTreeSet` would give each of them its own heap node
//! (~100 bytes and one allocation per passage); this keeps up to two tags in
//! the passage itself and behaves as the same ordered set.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;

use super::ids::TagId;

/// A set of tags in ascending order, without duplicates.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagSet(SmallVec<[TagId; 2]>);

impl TagSet {
    /// The empty set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `tag`; false when it was already there.
    pub fn insert(&mut self, tag: TagId) -> bool {
        match self.0.binary_search(&tag) {
            Ok(_) => false,
            Err(at) => {
                self.0.insert(at, tag);
                true
            }
        }
    }

    /// Removes `tag`; false when it was not there.
    pub fn remove(&mut self, tag: &TagId) -> bool {
        match self.0.binary_search(tag) {
            Ok(at) => {
                self.0.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Whether `tag` is in the set.
    #[must_use]
    pub fn contains(&self, tag: &TagId) -> bool {
        self.0.binary_search(tag).is_ok()
    }

    /// The tags in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, TagId> {
        self.0.iter()
    }

    /// How many tags.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The smallest tag.
    #[must_use]
    pub fn first(&self) -> Option<&TagId> {
        self.0.first()
    }

    /// Whether the two sets share no tag.
    #[must_use]
    pub fn is_disjoint(&self, other: &Self) -> bool {
        !self.iter().any(|t| other.contains(t))
    }

    /// Whether every tag of `self` is in `other`.
    #[must_use]
    pub fn is_subset(&self, other: &Self) -> bool {
        self.iter().all(|t| other.contains(t))
    }

    /// The tags of `self` that `other` lacks, in ascending order.
    pub fn difference<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a TagId> + 'a {
        self.iter().filter(move |t| !other.contains(t))
    }

    /// The tags as a slice, in ascending order.
    #[must_use]
    pub fn as_slice(&self) -> &[TagId] {
        &self.0
    }
}

impl fmt::Debug for TagSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<TagId> for TagSet {
    fn from_iter<I: IntoIterator<Item = TagId>>(iter: I) -> Self {
        let mut v: SmallVec<[TagId; 2]> = iter.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        Self(v)
    }
}

impl<'a> FromIterator<&'a TagId> for TagSet {
    fn from_iter<I: IntoIterator<Item = &'a TagId>>(iter: I) -> Self {
        iter.into_iter().copied().collect()
    }
}

impl Extend<TagId> for TagSet {
    fn extend<I: IntoIterator<Item = TagId>>(&mut self, iter: I) {
        for t in iter {
            self.insert(t);
        }
    }
}

impl<const N: usize> From<[TagId; N]> for TagSet {
    fn from(tags: [TagId; N]) -> Self {
        tags.into_iter().collect()
    }
}

impl IntoIterator for TagSet {
    type Item = TagId;
    type IntoIter = smallvec::IntoIter<[TagId; 2]>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a TagSet {
    type Item = &'a TagId;
    type IntoIter = std::slice::Iter<'a, TagId>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Written as the sequence a `BTreeSet` would write, so files do not change.
impl Serialize for TagSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for TagSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<TagId>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u64),
        Remove(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u64..6).prop_map(Op::Insert),
            (0u64..6).prop_map(Op::Remove)
        ]
    }

    proptest! {
        /// Any sequence of inserts and removes leaves the same set, with the
        /// same answers, as a `BTreeSet`.
        #[test]
        fn behaves_as_a_btreeset(ops in prop::collection::vec(op(), 0..24),
                                 other in prop::collection::vec(0u64..6, 0..4)) {
            let mut ours = TagSet::new();
            let mut theirs = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Insert(t) => prop_assert_eq!(ours.insert(TagId(t)), theirs.insert(TagId(t))),
                    Op::Remove(t) => prop_assert_eq!(ours.remove(&TagId(t)), theirs.remove(&TagId(t))),
                }
                prop_assert_eq!(ours.iter().copied().collect::<Vec<_>>(),
                                theirs.iter().copied().collect::<Vec<_>>());
                prop_assert_eq!(ours.len(), theirs.len());
                prop_assert_eq!(ours.first(), theirs.first());
            }
            let other_ours: TagSet = other.iter().map(|&t| TagId(t)).collect();
            let other_theirs: BTreeSet<TagId> = other.iter().map(|&t| TagId(t)).collect();
            prop_assert_eq!(ours.is_disjoint(&other_ours), theirs.is_disjoint(&other_theirs));
            prop_assert_eq!(ours.is_subset(&other_ours), theirs.is_subset(&other_theirs));
            prop_assert_eq!(ours.difference(&other_ours).copied().collect::<Vec<_>>(),
                            theirs.difference(&other_theirs).copied().collect::<Vec<_>>());
            for t in 0..6 {
                prop_assert_eq!(ours.contains(&TagId(t)), theirs.contains(&TagId(t)));
            }
            prop_assert_eq!(ron::to_string(&ours).unwrap(), ron::to_string(&theirs).unwrap());
            let back: TagSet = ron::from_str(&ron::to_string(&theirs).unwrap()).unwrap();
            prop_assert_eq!(back, ours);
        }
    }

    #[test]
    fn two_tags_fit_in_the_passage() {
        assert_eq!(std::mem::size_of::<TagSet>(), 24);
        let two: TagSet = [TagId(9), TagId(3)].into();
        assert!(!two.0.spilled());
        assert_eq!(two.as_slice(), &[TagId(3), TagId(9)]);
    }
}
