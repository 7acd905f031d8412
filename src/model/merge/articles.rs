//! Merging articles: matched by content hash; title, status, note and
//! attributes merged field by field.

use std::collections::{BTreeMap, BTreeSet};

use super::{Article, ArticleId, Conflict, ContentHash, Merger, Unavailable, conflict, merge_text};

impl<'a> Merger<'a> {
    pub(super) fn articles(&mut self) {
        let ours = self.s.ours;
        if let Some(base) = self.s.base {
            for a in base.articles.values() {
                if let Some(id) = ours.by_hash.get(&a.hash) {
                    self.base_article.insert(a.id, *id);
                }
            }
        }
        for t in self.s.theirs.articles.values() {
            match ours.by_hash.get(&t.hash).copied() {
                Some(id) => {
                    self.their_article.insert(t.id, id);
                    self.merge_article_fields(id, t);
                }
                None => {
                    let base = self.base_of_hash(&t.hash);
                    if base.is_some() {
                        // We removed it; it stays removed unless they coded
                        // it (decided with the passages, below).
                        continue;
                    }
                    self.add_their_article(t);
                }
            }
        }
    }

    pub(super) fn base_of_hash(&self, hash: &ContentHash) -> Option<&'a Article> {
        let base = self.s.base?;
        base.by_hash.get(hash).and_then(|id| base.articles.get(id))
    }

    pub(super) fn add_their_article(&mut self, t: &Article) -> ArticleId {
        let id = ArticleId(self.next.article);
        self.next.article += 1;
        let mut a = t.clone();
        a.id = id;
        self.articles.insert(id, a);
        if let Some(u) = self.s.theirs.unavailable.get(&t.id) {
            self.unavailable.insert(
                id,
                Unavailable {
                    quotes: BTreeMap::new(),
                    ..u.clone()
                },
            );
        }
        self.their_article.insert(t.id, id);
        self.summary.articles_added += 1;
        id
    }

    pub(super) fn merge_article_fields(&mut self, id: ArticleId, t: &Article) {
        let base = self.base_of_hash(&t.hash);
        let label = self.label().to_owned();
        let Some(o) = self.articles.get_mut(&id) else {
            return;
        };
        let mut clashes = Vec::new();
        if o.title != t.title && base.is_none_or(|b| b.title != t.title) {
            if base.is_some_and(|b| b.title == o.title) {
                o.title.clone_from(&t.title);
            } else {
                clashes.push(format!("title (theirs {:?})", t.title));
            }
        }
        if o.status != t.status && base.is_none_or(|b| b.status != t.status) {
            if base.is_some_and(|b| b.status == o.status) {
                o.status = t.status;
            } else {
                clashes.push(format!("status (theirs {})", t.status.label()));
            }
        }
        let (note, both) = merge_text(base.map(|b| b.note.as_str()), &o.note, &t.note, &label);
        if note != o.note && note == t.note {
            o.note_by.clone_from(&t.note_by);
        }
        o.note = note;
        if both {
            clashes.push("note (both kept)".into());
        }
        for (name, tv) in &t.meta.attributes {
            let bv = base.and_then(|b| b.meta.attributes.get(name));
            let ov = o.meta.attributes.get(name);
            if ov == Some(tv) || bv == Some(tv) {
                continue; // the same, or only we changed it
            }
            if ov == bv {
                o.meta.attributes.insert(name.clone(), tv.clone());
            } else {
                clashes.push(format!("{name} (theirs {tv})"));
            }
        }
        if let Some(b) = base {
            for (name, bv) in &b.meta.attributes {
                if !t.meta.attributes.contains_key(name) && o.meta.attributes.get(name) == Some(bv)
                {
                    o.meta.attributes.remove(name);
                }
            }
        }
        if !clashes.is_empty() {
            let title = o.title.clone();
            self.conflicts.push(Conflict {
                article: Some(id),
                ..conflict(format!(
                    "article {title:?}: both sides changed its {}; kept ours",
                    clashes.join(", ")
                ))
            });
        }
    }

    pub(super) fn remove_deleted_articles(&mut self) {
        let Some(base) = self.s.base else { return };
        let coded: BTreeSet<ArticleId> = self
            .annotations
            .values()
            .map(|a| a.article)
            .chain(self.orphans.values().map(|o| o.annotation.article))
            .collect();
        for b in base.articles.values() {
            if self.s.theirs.by_hash.contains_key(&b.hash) {
                continue;
            }
            let Some(&id) = self.s.ours.by_hash.get(&b.hash) else {
                continue;
            };
            let o = &self.articles[&id];
            let unchanged = o.title == b.title
                && o.status == b.status
                && o.note == b.note
                && o.meta.attributes == b.meta.attributes;
            if unchanged && !coded.contains(&id) {
                self.articles.remove(&id);
                self.unavailable.remove(&id);
                self.summary.articles_removed += 1;
            } else {
                self.conflicts.push(Conflict {
                    article: Some(id),
                    ..conflict(format!(
                        "article {:?}: {} removed it, but ours is coded or changed; kept",
                        o.title,
                        self.label()
                    ))
                });
            }
        }
    }
}
