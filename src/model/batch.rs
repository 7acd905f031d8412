//! Applying [`Action::Batch`]: its actions in order, all or nothing. What
//! does not depend on the order is done first, on every core where it
//! pays: the hashes of added articles' texts, and the checks of a run of
//! added or removed passages (tagging every match of a pattern, or undoing
//! it, adds or removes hundreds of thousands at once).

use rayon::prelude::*;

use super::action::Action;
use super::annotation::Annotation;
use super::article::ContentHash;
use super::error::ModelError;
use super::ids::AnnotationId;
use super::project::Project;

/// Runs of added or removed passages shorter than this are applied one by
/// one.
const RUN_AT_ONCE: usize = 64;

impl Project {
    /// Applies `actions` in order as one step named `label`, returning the
    /// step that undoes them; on error every action already applied is
    /// undone and the project is unchanged.
    pub(super) fn apply_batch(
        &mut self,
        label: String,
        actions: Vec<Action>,
    ) -> Result<Action, ModelError> {
        // An import adds thousands of articles, each hashed so that an
        // article's hash is always its text's.
        let hashes: Vec<Option<ContentHash>> = actions
            .par_iter()
            .map(|a| match a {
                Action::AddArticle(a) => Some(ContentHash::of(a.text.as_str())),
                _ => None,
            })
            .collect();
        let mut inverses = Vec::with_capacity(actions.len());
        let mut rest = actions.into_iter().zip(hashes).peekable();
        let mut failed = None;
        while let Some(next) = rest.next() {
            let done = match next {
                (Action::AddArticle(a), Some(hash)) => {
                    self.insert_article(*a, hash).map(|inv| inverses.push(inv))
                }
                (Action::AddAnnotation(first), _) => {
                    let mut run = vec![first];
                    while let Some((Action::AddAnnotation(a), _)) =
                        rest.next_if(|(a, _)| matches!(a, Action::AddAnnotation(_)))
                    {
                        run.push(a);
                    }
                    self.add_annotations(run, &mut inverses)
                }
                (Action::RemoveAnnotation(first), _) => {
                    let mut run = vec![first];
                    while let Some((Action::RemoveAnnotation(id), _)) =
                        rest.next_if(|(a, _)| matches!(a, Action::RemoveAnnotation(_)))
                    {
                        run.push(id);
                    }
                    self.remove_annotations(&run, &mut inverses)
                }
                (a, _) => self.apply(a).map(|inv| inverses.push(inv)),
            };
            if let Err(e) = done {
                failed = Some(e);
                break;
            }
        }
        if let Some(e) = failed {
            for inv in inverses.into_iter().rev() {
                // Undoing what was just applied cannot fail.
                let _ = self.apply(inv);
            }
            return Err(e);
        }
        inverses.reverse();
        Ok(Action::Batch {
            label,
            actions: inverses,
        })
    }

    /// Adds a run of passages as applying each in turn would, pushing the
    /// inverse of each one added. A long run whose ids ascend (so none is
    /// another's) is checked on every core before any is added.
    #[allow(
        clippy::vec_box,
        reason = "the actions' boxes, each emptied once, when its passage is added"
    )]
    fn add_annotations(
        &mut self,
        run: Vec<Box<Annotation>>,
        inverses: &mut Vec<Action>,
    ) -> Result<(), ModelError> {
        let checked_at_once = run.len() >= RUN_AT_ONCE && run.windows(2).all(|w| w[0].id < w[1].id);
        if !checked_at_once {
            for a in run {
                inverses.push(self.apply(Action::AddAnnotation(a))?);
            }
            return Ok(());
        }
        if let Some(Err(e)) = run
            .par_iter()
            .map(|a| self.check_new_annotation(a))
            .find_first(Result::is_err)
        {
            return Err(e);
        }
        // Indexed a run of one article at a time (one look-up of its set),
        // then put in the map.
        self.index_passages(&run);
        inverses.reserve(run.len());
        for a in run {
            let id = a.id;
            self.annotations.insert(id, *a);
            inverses.push(Action::RemoveAnnotation(id));
        }
        Ok(())
    }

    /// Removes a run of passages as removing each in turn would (undoing a
    /// run of added ones), pushing the inverse of each one removed. In a
    /// long run whose ids ascend or descend (so none is another), each is
    /// checked before any is removed, and each article's set is looked up
    /// once per run of its passages.
    fn remove_annotations(
        &mut self,
        run: &[AnnotationId],
        inverses: &mut Vec<Action>,
    ) -> Result<(), ModelError> {
        let one_way = run.windows(2).all(|w| w[0] < w[1]) || run.windows(2).all(|w| w[0] > w[1]);
        if run.len() < RUN_AT_ONCE || !one_way {
            for &id in run {
                inverses.push(self.apply(Action::RemoveAnnotation(id))?);
            }
            return Ok(());
        }
        for &id in run {
            self.check_removable(id)?;
        }
        let removed: Vec<_> = run
            .iter()
            .filter_map(|id| self.annotations.remove(id).map(Box::new))
            .collect();
        self.unindex_passages(&removed);
        inverses.reserve(removed.len());
        inverses.extend(removed.into_iter().map(Action::AddAnnotation));
        Ok(())
    }
}
