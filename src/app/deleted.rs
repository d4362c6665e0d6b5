//! Deleted objects and folders in the tree (`H`) and undelete (`U`). With
//! `H` on, every listed folder also gets a ListObjectVersions of its level
//! (delimiter `/`), lazily, as folders load: keys whose latest is a delete
//! marker show dimmed as "deleted", and prefixes the versions listing has
//! but the live one lacks (they hold nothing current) show as deleted
//! folders. `U` on a deleted key removes its delete markers; on a prefix it
//! plans from every version under it and previews the counts first.

use super::kind::Kind;
use super::question::{Planned, Question, Said};
use super::tree::Selected;
use super::{App, Effect, Job, Owner, Screen, TaskId};
use crate::format::{count, human_size};
use crate::plan::rollback::{Change, RollbackPlan};
use crate::sanitize::clean;
use crate::store::{DeletedLevel, StoreResult};

impl App {
    /// `H`: shows or hides deleted objects and folders.
    pub(crate) fn toggle_deleted(&mut self, fx: &mut Vec<Effect>) {
        if self.view.screen != Screen::Browse {
            return;
        }
        let Some(b) = &mut self.browse else { return };
        b.show_deleted = !b.show_deleted;
        if b.show_deleted {
            let folders = b.tree.listed_folders();
            for p in folders {
                self.list_deleted(p, fx);
            }
            self.set_status("Showing deleted objects and folders (H hides them; U undeletes)");
        } else {
            b.tree.clear_deleted();
            fx.extend(self.tasks.cancel_where(|o| matches!(o, Owner::Deleted(_))));
            self.set_status("Deleted objects hidden");
        }
    }

    /// Lists the deleted entries of one folder (when `H` is on).
    pub(crate) fn list_deleted(&mut self, prefix: String, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else { return };
        if !b.show_deleted {
            return;
        }
        let bucket = b.tree.bucket.clone();
        let owner = Owner::Deleted(prefix.clone());
        fx.extend(self.tasks.cancel_where(|o| *o == owner));
        fx.push(self.start(owner, Job::ListDeleted { bucket, prefix }));
    }

    /// `U` in the tree: undelete the key or everything under the prefix.
    pub(crate) fn undelete(&mut self, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else {
            self.set_status("Open a bucket first");
            return;
        };
        let bucket = b.tree.bucket.clone();
        let deleted = b.tree.selected_deleted();
        let (prefix, exact) = match b.tree.selected() {
            Some(Selected::Object(k)) if deleted => (k, true),
            Some(Selected::Object(_)) => {
                self.set_status("This object is not deleted (H shows deleted ones)");
                return;
            }
            Some(Selected::Prefix(p)) => (p, false),
            None => (b.tree.root.clone(), false),
        };
        fx.extend(self.tasks.cancel_where(|o| *o == Owner::RollbackPlan));
        fx.push(self.start(
            Owner::RollbackPlan,
            Job::PlanUndelete {
                bucket: bucket.clone(),
                prefix: prefix.clone(),
                exact,
            },
        ));
        self.set_status(format!(
            "Reading the versions of s3://{}/{}…",
            clean(&bucket),
            clean(&prefix)
        ));
    }
}

/// A folder's deleted entries arrived.
pub(super) fn on_level(app: &mut App, id: TaskId, r: StoreResult<DeletedLevel>) {
    let Some(Owner::Deleted(prefix)) = app.tasks.live(id).map(|t| t.owner.clone()) else {
        return;
    };
    let Some(b) = &mut app.browse else { return };
    match r {
        Ok(level) => b.tree.set_deleted(&prefix, level),
        Err(e) => {
            let short = crate::diagnose::short(&e);
            app.set_error(format!("Deleted objects of {}: {short}", clean(&prefix)));
        }
    }
}

fn job_for(plan: &RollbackPlan) -> Planned {
    let place = format!("s3://{}/{}", plan.bucket, plan.prefix);
    Planned {
        kind: Kind::Undelete,
        spec: crate::engine::Spec::History {
            bucket: plan.bucket.clone(),
            steps: plan.steps(),
        },
        from: place.clone(),
        to: place,
        touches: vec![(
            plan.bucket.clone(),
            crate::engine::parent_of(&plan.prefix).to_owned(),
        )],
        after: None,
        clear_marks: false,
    }
}

/// The undelete plan: one key starts at once; a prefix is previewed.
pub(super) fn on_plan(
    app: &mut App,
    id: TaskId,
    exact: bool,
    plan: StoreResult<RollbackPlan>,
    fx: &mut Vec<Effect>,
) {
    let action = app.tasks.live(id).map(|t| t.action).unwrap_or(0);
    let plan = match plan {
        Ok(p) => p,
        Err(e) => return app.report(action, &e, "Undelete (nothing changed)"),
    };
    let place = format!("s3://{}/{}", plan.bucket, plan.prefix);
    let n = plan.changes();
    if n == 0 {
        let place = clean(&place);
        app.set_status(format!(
            "Nothing to undelete under {place}: no key there has a version under a delete marker"
        ));
        return;
    }
    if exact {
        // Started without a question only while the user is still in that
        // bucket; otherwise it asks like a folder's undelete.
        if app.bucket() == Some(plan.bucket.as_str()) && app.modals.is_empty() {
            return app.start_planned(job_for(&plan), fx);
        }
    }
    let t = plan.tally(|c| *c == Change::Undelete);
    let markers: usize = plan.keys.iter().map(|k| k.markers.len()).sum();
    let lines = vec![
        Said::plain(format!(
            "Undelete {} ({}) under {place}: remove {} so the newest version of each is current again.",
            count(t.keys, "key", "keys"),
            human_size(t.bytes),
            count(markers as u64, "delete marker", "delete markers")
        )),
        Said::plain(format!(
            "{} under it stay as they are. Nothing is overwritten; deleting again puts new markers.",
            count(plan.keys.len() as u64 - t.keys, "other key", "other keys")
        )),
    ];
    let list = plan
        .keys
        .iter()
        .filter(|k| k.change == Change::Undelete)
        .map(|k| {
            format!(
                "{}  ({}, {})",
                k.key,
                human_size(k.version.as_ref().map(|v| v.size).unwrap_or(0)),
                count(k.markers.len() as u64, "marker", "markers")
            )
        })
        .collect();
    // Undeleting loses nothing: Enter confirms it too.
    let q = Question::new(" Undelete? ", lines, "undelete", false)
        .with_list(list)
        .start(job_for(&plan));
    app.ask(q);
}
