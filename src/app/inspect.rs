//! The inspector's data: details of the object under the cursor (fetched
//! once the cursor rests, the latest request wins) and of the bucket-list
//! row under the cursor. Moving on cancels the fetch for the row left.

use super::tree::Selected;
use super::{App, Effect, Job, Load, Owner, Screen, TaskId};
use crate::store::{ObjectInfo, StoreResult};

/// How many object details we keep before starting afresh.
const OBJECT_CACHE: usize = 512;

impl App {
    /// Details are fetched once the cursor rests, so holding `j` through a
    /// long listing does not fire a HeadObject per row.
    pub(crate) fn schedule_inspect(&mut self) {
        self.view.inspect_due =
            Some(self.session.tick + self.session.settings.inspect_delay_ticks.max(1));
    }

    /// Runs a scheduled fetch whose time has come.
    pub(crate) fn inspect_if_due(&mut self, fx: &mut Vec<Effect>) {
        if self
            .view
            .inspect_due
            .is_some_and(|due| self.session.tick >= due)
        {
            self.inspect_now(fx);
        }
    }

    pub(crate) fn inspect_now(&mut self, fx: &mut Vec<Effect>) {
        self.view.inspect_due = None;
        match self.view.screen {
            Screen::Buckets => {
                let Some(row) = self.buckets.selected() else {
                    return;
                };
                if row.info.is_some() {
                    return;
                }
                let bucket = row.name.clone();
                let (id, spawn) = self.start_id(
                    Owner::BucketRow(bucket.clone()),
                    Job::BucketInfo {
                        bucket: bucket.clone(),
                    },
                );
                if let Some(r) = self.buckets.rows.iter_mut().find(|r| r.name == bucket) {
                    r.info = Some(Load::Loading(id));
                }
                fx.push(spawn);
            }
            Screen::Browse => {
                let Some(b) = &self.browse else { return };
                let Some(Selected::Object(key)) = b.tree.selected() else {
                    // Left the object for a prefix: its fetch shows nowhere.
                    self.leave_inspected(fx);
                    return;
                };
                if b.objects.contains_key(&key) {
                    return;
                }
                let job = Job::ObjectInfo {
                    bucket: b.tree.bucket.clone(),
                    key: key.clone(),
                };
                // Only the row under the cursor matters; drop fetches for
                // rows the user already moved past.
                self.leave_inspected(fx);
                // Background work: an error shows in the inspector itself.
                let (id, spawn) = self.tasks.start(Owner::Inspector, job, 0);
                let Some(b) = &mut self.browse else { return };
                if b.objects.len() > OBJECT_CACHE {
                    b.objects.clear();
                }
                b.objects.insert(key, Load::Loading(id));
                fx.push(spawn);
            }
        }
    }

    /// Cancels the inspector's fetch and forgets it.
    fn leave_inspected(&mut self, fx: &mut Vec<Effect>) {
        fx.extend(self.tasks.cancel_where(|o| *o == Owner::Inspector));
        if let Some(b) = &mut self.browse {
            b.objects.retain(|_, l| !matches!(l, Load::Loading(_)));
        }
    }

    pub(crate) fn on_object(&mut self, id: TaskId, r: StoreResult<ObjectInfo>) {
        let Some(b) = &mut self.browse else { return };
        let Some(key) = b
            .objects
            .iter()
            .find(|(_, l)| **l == Load::Loading(id))
            .map(|(k, _)| k.clone())
        else {
            return;
        };
        b.objects.insert(
            key,
            match r {
                Ok(info) => Load::Ready(info),
                Err(e) => Load::Failed(e),
            },
        );
    }
}
