//! What `annotation.conf` and `visual.conf` tell an import: each entity
//! type's tag path and colour.

use std::collections::HashMap;

use super::grammar::{GLOSS_TAG_COMMENT, unescape};
use crate::model::Colour;

/// Entity type → tag path: from the `# gloss-tag TYPE PATH` comments
/// Gloss writes, else from the nesting of `[entities]` (a type indented
/// under another is its child: `Threat` › `Cyber` is `Threat/Cyber`).
pub(super) fn conf_paths(conf: &str) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut section = "";
    // The type and path of the last type at each depth.
    let mut stack: Vec<(String, String)> = Vec::new();
    for line in conf.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed;
            continue;
        }
        if section != "[entities]"
            || trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.chars().all(|c| c == '-')
        {
            continue;
        }
        let depth = line.len() - line.trim_start().len();
        let Some(ty) = trimmed.split_whitespace().next() else {
            continue;
        };
        let ty = ty.trim_start_matches('!');
        stack.truncate(depth);
        let path = match stack.last() {
            Some((parent_ty, parent)) if stack.len() == depth => {
                // `Threat.Cyber` or `Threat-Cyber` under `Threat` is `Cyber`.
                let own = [".", "-"]
                    .iter()
                    .find_map(|sep| ty.strip_prefix(&format!("{parent_ty}{sep}")))
                    .filter(|rest| !rest.is_empty())
                    .unwrap_or(ty);
                format!("{parent}/{own}")
            }
            _ => ty.to_owned(),
        };
        stack.push((ty.to_owned(), path.clone()));
        out.insert(ty.to_owned(), path);
    }
    // Gloss's own comments name the exact paths.
    for (ty, path) in conf
        .lines()
        .filter_map(|l| l.strip_prefix(GLOSS_TAG_COMMENT))
        .filter_map(|rest| rest.split_once(' '))
    {
        out.insert(ty.to_owned(), unescape(path.trim_end_matches(['\r', '\n'])));
    }
    out
}

/// Entity type → colour from the `[drawing]` section of `visual.conf`
/// (`Type<TAB>bgColor:#rrggbb, …`).
pub(super) fn colours(visual: &str) -> HashMap<String, Colour> {
    let mut out = HashMap::new();
    let mut drawing = false;
    for line in visual.lines() {
        let line = line.trim_end();
        if line.starts_with('[') {
            drawing = line.trim() == "[drawing]";
            continue;
        }
        if !drawing || line.starts_with('#') {
            continue;
        }
        let Some((ty, props)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        for prop in props.split(',') {
            if let Some((k, v)) = prop.trim().split_once(':')
                && k.trim() == "bgColor"
                && let Ok(c) = v.trim().parse::<Colour>()
            {
                out.insert(ty.to_owned(), c);
            }
        }
    }
    out
}
