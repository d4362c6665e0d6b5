//! Undelete (`U`): on a deleted key its delete markers go; on a prefix the
//! plan is made from every version under it (plan::rollback) and previewed
//! with counts first. Free functions over a `Cx`, like the rollback: the
//! question holds the plan, nothing waits beside it.

use crate::app::cx::Cx;
use crate::app::kind::Kind;
use crate::app::note::Note;
use crate::app::question::{Planned, Question, Said};
use crate::app::{Job, Owner, TaskId};
use crate::format::{count, human_size};
use crate::plan::rollback::{Change, RollbackPlan};
use crate::sanitize::clean;
use crate::store::StoreResult;

/// Plans undeleting `prefix` (or exactly that key) of `bucket`.
pub fn start(cx: &mut Cx, bucket: String, prefix: String, exact: bool) {
    cx.cancel_where(|o| matches!(o, Owner::Rollback(_)));
    cx.status(format!(
        "Reading the versions of s3://{}/{}…",
        clean(&bucket),
        clean(&prefix)
    ));
    cx.start(
        Owner::Rollback(super::Slot::Undelete { exact }),
        Job::Rollback(super::Request::Undelete {
            bucket,
            prefix,
            exact,
        }),
    );
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

/// The undelete plan: one key starts at once (while the user is still in
/// its bucket with nothing open: `at_rest`); a prefix is previewed.
pub fn on_plan(
    cx: &mut Cx,
    id: TaskId,
    exact: bool,
    plan: StoreResult<RollbackPlan>,
    at_rest: impl Fn(&str) -> bool,
) {
    let plan = match plan {
        Ok(p) => p,
        Err(err) => {
            let action = cx.action_of(id);
            return cx.note(Note::Report {
                action,
                err,
                context: "Undelete (nothing changed)".into(),
            });
        }
    };
    let place = format!("s3://{}/{}", plan.bucket, plan.prefix);
    let n = plan.changes();
    if n == 0 {
        let place = clean(&place);
        cx.status(format!(
            "Nothing to undelete under {place}: no key there has a version under a delete marker"
        ));
        return;
    }
    if exact {
        // Started without a question only while the user is still in that
        // bucket; otherwise it asks like a folder's undelete.
        if at_rest(&plan.bucket) {
            return cx.note(Note::Start(Box::new(job_for(&plan))));
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
    cx.note(Note::Ask(Box::new(q)));
}
