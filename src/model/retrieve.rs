//! Code-and-retrieve: every passage whose tags satisfy a boolean combination.

use std::collections::HashSet;

use super::annotation::Annotation;
use super::ids::TagId;
use super::project::Project;

/// A combination of tags: a passage matches when it has at least one of
/// `any` (OR; ignored when empty), all of `all` (AND) and none of `none`
/// (NOT). With `include_nested`, a tag also stands for the tags nested in it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagQuery {
    /// At least one of these (OR).
    pub any: Vec<TagId>,
    /// Every one of these (AND).
    pub all: Vec<TagId>,
    /// None of these (NOT).
    pub none: Vec<TagId>,
    /// A tag matches its nested tags too.
    pub include_nested: bool,
}

impl TagQuery {
    /// True when the query names no tag (and so matches nothing).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.any.is_empty() && self.all.is_empty()
    }

    fn family(&self, project: &Project, t: TagId) -> HashSet<TagId> {
        if self.include_nested {
            project.codebook().with_descendants(t).into_iter().collect()
        } else {
            HashSet::from([t])
        }
    }

    /// The passages that match, in id order. A query with neither `any` nor
    /// `all` matches nothing.
    #[must_use]
    pub fn run<'p>(&self, project: &'p Project) -> Vec<&'p Annotation> {
        if self.is_empty() {
            return Vec::new();
        }
        let any: HashSet<TagId> = self
            .any
            .iter()
            .flat_map(|t| self.family(project, *t))
            .collect();
        let all: Vec<HashSet<TagId>> = self.all.iter().map(|t| self.family(project, *t)).collect();
        let none: HashSet<TagId> = self
            .none
            .iter()
            .flat_map(|t| self.family(project, *t))
            .collect();
        project
            .annotations()
            .filter(|a| any.is_empty() || a.tags.iter().any(|t| any.contains(t)))
            .filter(|a| all.iter().all(|fam| a.tags.iter().any(|t| fam.contains(t))))
            .filter(|a| !a.tags.iter().any(|t| none.contains(t)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::project;

    fn quotes(p: &Project, q: &TagQuery) -> Vec<String> {
        q.run(p).iter().map(|a| p.passage(a).to_owned()).collect()
    }

    #[test]
    fn and_or_not_with_and_without_nested_tags() {
        let (p, _) = project(&[
            "[a]{Threat} [b]{Threat/Cyber} [c]{Threat, Place} [d]{Place} [e]{Threat/Cyber, Place}",
        ]);
        let cb = p.codebook();
        let threat = cb.find_path("Threat").unwrap();
        let place = cb.find_path("Place").unwrap();
        let flat = TagQuery {
            any: vec![threat],
            ..TagQuery::default()
        };
        assert_eq!(quotes(&p, &flat), ["a", "c"]);
        let nested = TagQuery {
            include_nested: true,
            ..flat.clone()
        };
        assert_eq!(quotes(&p, &nested), ["a", "b", "c", "e"]);
        let and = TagQuery {
            all: vec![threat, place],
            include_nested: true,
            ..TagQuery::default()
        };
        assert_eq!(quotes(&p, &and), ["c", "e"]);
        let not = TagQuery {
            any: vec![threat],
            none: vec![place],
            include_nested: true,
            ..TagQuery::default()
        };
        assert_eq!(quotes(&p, &not), ["a", "b"]);
        let or = TagQuery {
            any: vec![threat, place],
            ..TagQuery::default()
        };
        assert_eq!(quotes(&p, &or), ["a", "c", "d", "e"]);
        assert!(
            TagQuery {
                none: vec![place],
                ..TagQuery::default()
            }
            .run(&p)
            .is_empty()
        );
    }
}
