//! What reading REFI-QDA builds, for projects and codebooks alike: the
//! report, and tags from `<Codes>` (nesting, colours, descriptions and the
//! notes codes refer to).

use std::collections::{BTreeSet, HashMap};

use super::xml::Node;
use crate::model::{Action, Colour, Project, Tag, TagId, TagProps, Timestamp};

/// What an import did and what it could not represent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RefiReport {
    /// Tags created.
    pub tags_added: usize,
    /// Articles added.
    pub articles_added: usize,
    /// Sources whose text was already in the project (annotated in place).
    pub articles_matched: usize,
    /// Passages added.
    pub annotations: usize,
    /// Passages the project already held (the same file imported again).
    pub already_present: usize,
    /// Things not imported, each with where and why.
    pub skipped: Vec<String>,
    /// Things imported differently than the file said (e.g. a bad colour).
    pub warnings: Vec<String>,
}

/// What reading a project or codebook has made so far.
pub(super) struct Builder<'p> {
    pub project: &'p Project,
    pub actions: Vec<Action>,
    pub report: RefiReport,
    /// Code GUID (lowercase) → tag.
    pub tags: HashMap<String, TagId>,
    created: BTreeSet<(Option<TagId>, String)>,
    created_ids: HashMap<(Option<TagId>, String), TagId>,
    /// User GUID (lowercase) → name.
    pub users: HashMap<String, String>,
    /// Note GUID (lowercase) → text, for the notes codes refer to.
    pub code_notes: HashMap<String, String>,
}

impl<'p> Builder<'p> {
    pub fn new(project: &'p Project) -> Self {
        Self {
            project,
            actions: Vec::new(),
            report: RefiReport::default(),
            tags: HashMap::new(),
            created: BTreeSet::new(),
            created_ids: HashMap::new(),
            users: HashMap::new(),
            code_notes: HashMap::new(),
        }
    }

    pub fn finish(self, label: &str) -> (Action, RefiReport) {
        (
            Action::Batch {
                label: label.to_owned(),
                actions: self.actions,
            },
            self.report,
        )
    }

    /// The tag `name` under `parent`: existing, created earlier in this
    /// import, or new.
    fn tag(
        &mut self,
        name: &str,
        parent: Option<TagId>,
        colour: Option<Colour>,
        description: &str,
    ) -> TagId {
        let name = crate::model::project::clean_tag_name(name);
        if let Some(t) = self
            .project
            .codebook()
            .children(parent)
            .iter()
            .find(|t| t.props.name == name)
            .map(|t| t.id)
        {
            return t;
        }
        if let Some(t) = self.created_ids.get(&(parent, name.clone())) {
            return *t;
        }
        let id = self.project.ids().tag();
        let colour = colour.unwrap_or_else(|| {
            crate::model::codebook::PALETTE[(self.project.codebook().len() + self.created.len())
                % crate::model::codebook::PALETTE.len()]
        });
        self.actions.push(Action::AddTag(Tag {
            id,
            props: TagProps {
                name: name.clone(),
                colour,
                parent,
                shortcut: None,
                description: description.to_owned(),
            },
        }));
        self.created.insert((parent, name.clone()));
        self.created_ids.insert((parent, name), id);
        self.report.tags_added += 1;
        id
    }

    pub fn codes(&mut self, codes: &Node, parent: Option<TagId>) {
        for c in codes.kids("Code") {
            let name = c.attr("name").unwrap_or_default();
            let colour = c.attr("color").and_then(|raw| {
                let c = parse_colour(raw);
                if c.is_none() {
                    self.report.warnings.push(format!(
                        "code {name:?}: colour {raw:?} is not #rrggbb; Gloss chose one"
                    ));
                }
                c
            });
            // A code's notes join its description, each once.
            let mut parts = vec![
                c.kid("Description")
                    .map(|d| d.text.trim().to_owned())
                    .unwrap_or_default(),
            ];
            for g in c.kids("NoteRef").filter_map(|r| r.attr("targetGUID")) {
                if let Some(t) = self.code_notes.get(&g.to_ascii_lowercase()) {
                    parts.push(t.trim().to_owned());
                }
            }
            let mut seen = std::collections::HashSet::new();
            parts.retain(|p| !p.is_empty() && seen.insert(p.clone()));
            let id = self.tag(name, parent, colour, &parts.join("\n\n"));
            if let Some(g) = c.attr("guid") {
                self.tags.insert(g.to_ascii_lowercase(), id);
            }
            self.codes(c, Some(id));
        }
    }
}

/// A colour as `#rgb` or `#rrggbb`; anything else (including non-ASCII
/// text) is `None`.
fn parse_colour(s: &str) -> Option<Colour> {
    let s = s.trim();
    let hex = s.strip_prefix('#')?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        3 => {
            let doubled: String = hex.chars().flat_map(|c| [c, c]).collect();
            format!("#{doubled}").parse().ok()
        }
        6 => s.parse().ok(),
        _ => None,
    }
}

pub(super) fn parse_time(s: Option<&str>) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(s?)
        .ok()
        .map(|t| Timestamp(t.with_timezone(&chrono::Utc)))
}
