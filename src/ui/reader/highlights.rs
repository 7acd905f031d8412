//! The passages of the open article as highlights: each with its tag
//! colours and an underline layer, so overlapping passages stay apart, and
//! an index from blocks to the highlights that touch them. Pure: built from
//! the project, tested without a window.

use super::layout::Layout;
use crate::model::{AnnotationId, ArticleId, Project, Span, TagId};

/// One highlighted passage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    /// The passage.
    pub id: AnnotationId,
    /// Its chars.
    pub span: Span,
    /// Its tags' colours, in tag order.
    pub colours: Vec<[u8; 3]>,
    /// Its underline layer: overlapping passages get different layers.
    pub layer: usize,
}

/// The highlights of one article, with the index by block.
#[derive(Default)]
pub struct Highlights {
    /// The highlights, by start, longest first.
    pub items: Vec<Highlight>,
    /// Indexes into `items` overlapping each block.
    pub by_block: Vec<Vec<u32>>,
    /// The generation they were built for.
    pub built_for: Option<u64>,
}

impl Highlights {
    /// Rebuilds the highlights of `article` when `key` (the generation of
    /// its passages and the codebook) moved. With `lanes` (analysts being
    /// compared), each analyst's passages get their own band of underline
    /// layers, in that order, and other passages are not shown.
    pub fn refresh(
        &mut self,
        project: &Project,
        article: ArticleId,
        layout: &Layout,
        key: u64,
        lanes: Option<&[String]>,
    ) {
        let key = lanes.map_or(key, |l| {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            (key, l).hash(&mut h);
            h.finish()
        });
        if self.built_for == Some(key) && self.by_block.len() == layout.blocks.len() {
            return;
        }
        self.built_for = Some(key);
        let lane_of = |a: &crate::model::Annotation| match lanes {
            None => Some(0),
            Some(l) => l.iter().position(|x| x == a.layer()),
        };
        let mut items: Vec<(usize, AnnotationId, Span, Vec<TagId>)> = project
            .annotations_of(article)
            .filter_map(|a| Some((lane_of(a)?, a.id, a.span, a.tags.iter().copied().collect())))
            .collect();
        items.sort_by_key(|(lane, id, span, _)| {
            (*lane, span.start(), std::cmp::Reverse(span.end()), *id)
        });
        // Greedy interval colouring: each passage gets the lowest layer free
        // at its start, so overlapping passages get distinct underlines; each
        // lane starts below the layers of the one before.
        let mut layer_ends: Vec<usize> = Vec::new();
        let mut base = 0;
        let mut current_lane = 0;
        let mut built: Vec<Highlight> = items
            .into_iter()
            .map(|(lane, id, span, tags)| {
                if lane != current_lane {
                    base += layer_ends.len().max(1) * (lane - current_lane);
                    current_lane = lane;
                    layer_ends.clear();
                }
                let free = layer_ends
                    .iter()
                    .position(|&end| end <= span.start())
                    .unwrap_or(layer_ends.len());
                if free == layer_ends.len() {
                    layer_ends.push(span.end());
                } else {
                    layer_ends[free] = span.end();
                }
                let layer = base + free;
                let colours = tags
                    .iter()
                    .filter_map(|t| project.codebook().get(*t))
                    .map(|t| t.props.colour.0)
                    .collect();
                Highlight {
                    id,
                    span,
                    colours,
                    layer,
                }
            })
            .collect();
        built.sort_by_key(|h| (h.span.start(), std::cmp::Reverse(h.span.end()), h.id));
        self.items = built;
        self.by_block = vec![Vec::new(); layout.blocks.len()];
        for (i, h) in self.items.iter().enumerate() {
            let first = layout.block_of(h.span.start());
            let last = layout.block_of(h.span.end().saturating_sub(1));
            for b in first..=last.max(first) {
                if let Some(v) = self.by_block.get_mut(b) {
                    v.push(i as u32);
                }
            }
        }
    }

    /// The highlights touching block `b`.
    pub fn in_block(&self, b: usize) -> impl Iterator<Item = &Highlight> {
        self.by_block
            .get(b)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.items.get(i as usize))
    }

    /// The highlight of passage `id`.
    #[must_use]
    pub fn get(&self, id: AnnotationId) -> Option<&Highlight> {
        self.items.iter().find(|h| h.id == id)
    }

    /// The shortest passage containing char offset `c` in block `b`.
    #[must_use]
    pub fn at(&self, b: usize, c: usize) -> Option<AnnotationId> {
        self.in_block(b)
            .filter(|h| h.span.contains(c))
            .min_by_key(|h| h.span.len())
            .map(|h| h.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing;

    #[test]
    fn overlapping_passages_get_their_own_layers_and_blocks() {
        let (p, ids) = testing::project(&["[One [two]{B} three]{A}\n[four]{C}"]);
        let a = p.article(ids[0]).unwrap();
        let layout = Layout::new(a.id, a.hash.clone(), &a.text);
        let mut h = Highlights::default();
        h.refresh(&p, a.id, &layout, 1, None);
        let layers: Vec<(String, usize)> = h
            .items
            .iter()
            .map(|x| (a.text.slice(x.span).to_owned(), x.layer))
            .collect();
        assert_eq!(
            layers,
            vec![
                ("One two three".to_owned(), 0),
                ("two".into(), 1),
                ("four".into(), 0)
            ]
        );
        assert_eq!(h.in_block(0).count(), 2);
        assert_eq!(h.in_block(1).count(), 1);
        let two = h.items[1].id;
        assert_eq!(h.at(0, 5), Some(two), "the shortest passage wins");
    }
}
