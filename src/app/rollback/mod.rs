//! Rolling a prefix (or a whole bucket) back in time, from the keyboard:
//! `v` on a prefix asks for a moment (the prompt shows it back in local
//! time and UTC as you type), the plan is made from every version under the
//! prefix in the background, and the preview shows counts and bytes per kind
//! of change with every key, confirmed by typing the number of changes. The
//! job's summary says how to undo it: roll forward to the moment it started.

mod moment;

pub(crate) use moment::parse_moment;

use super::kind::Kind;
use super::modal::Modal;
use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::question::{Answer, Planned, Question, Said, Tone};
use super::{App, Effect, Job, Owner, TaskId};
use crate::format::{count, human_size, long_time, short_time};
use crate::plan::rollback::{Change, RollbackPlan};
use crate::sanitize::clean;
use crate::store::{StoreResult, Versioning};

impl App {
    pub(crate) fn ask_rollback_moment(&mut self, bucket: String, prefix: String) {
        let place = format!("s3://{}/{}", clean(&bucket), clean(&prefix));
        // A bucket known never to have been versioned has no past to go
        // back to: say so before asking for a moment.
        if self.known_versioning(&bucket) == Some(Versioning::NeverEnabled) {
            self.set_error(format!(
                "Nothing to roll back: versioning was never enabled on s3://{}, so it keeps no history",
                clean(&bucket)
            ));
            return;
        }
        let target = super::prompt_work::Pending {
            bucket,
            sources: Vec::new(),
            prefix,
        };
        let mut p = Prompt::new(
            PromptKind::Moment,
            format!(
                "Roll {place} back to (local time: 2026-11-24 14:00, yesterday 14:00, 3h ago):"
            ),
            "",
        )
        .with_work(target);
        p.note = Some("Every key under it becomes what it was then; you see the plan first".into());
        self.modals.push(Modal::Prompt(p));
    }

    /// The bucket's versioning status, when the inspector read it.
    fn known_versioning(&self, bucket: &str) -> Option<Versioning> {
        let ready = |l: &Option<super::Load<crate::store::BucketInfo>>| match l {
            Some(super::Load::Ready(i)) => i.versioning.clone().ok(),
            _ => None,
        };
        self.browse
            .as_ref()
            .filter(|b| b.tree.bucket == bucket)
            .and_then(|b| ready(&b.info))
            .or_else(|| {
                self.buckets
                    .rows
                    .iter()
                    .find(|r| r.name == bucket)
                    .and_then(|r| ready(&r.info))
            })
    }

    fn now_secs(&self) -> i64 {
        self.session.clock.now_ms.div_euclid(1000)
    }

    /// "2026-11-24 14:00:00 +01:00 (13:00:00 UTC)".
    fn moment_words(&self, at: i64) -> String {
        long_time(at, self.session.tz)
    }
}

/// The moment prompt: the parsed moment shown back as you type; Enter
/// starts the plan, or says why the text is not a moment.
pub(super) fn on_prompt(app: &mut App, p: &Prompt, ev: PromptEvent, fx: &mut Vec<Effect>) {
    let parsed = parse_moment(p.value(), app.now_secs(), app.session.tz);
    match ev {
        PromptEvent::Edited => {
            let note = match &parsed {
                Ok(at) => format!("= {}", app.moment_words(*at)),
                Err(e) => e.clone(),
            };
            set_note(app, note);
        }
        PromptEvent::Submit => match parsed {
            Ok(at) if at > app.now_secs() => set_note(app, "That moment is in the future".into()),
            Ok(at) => {
                app.modals.pop();
                let Some(pending) = p.work.as_ref().map(|w| &w.target) else {
                    return;
                };
                // One plan at a time: a new one replaces the one before.
                fx.extend(app.tasks.cancel_where(|o| *o == Owner::RollbackPlan));
                let (id, effect) = app.start_id(
                    Owner::RollbackPlan,
                    Job::PlanRollback {
                        bucket: pending.bucket.clone(),
                        prefix: pending.prefix.clone(),
                        at,
                    },
                );
                fx.push(effect);
                let _ = id;
                app.set_status(format!(
                    "Reading every version under s3://{}/{} to plan the rollback…",
                    clean(&pending.bucket),
                    clean(&pending.prefix)
                ));
            }
            Err(e) => set_note(app, e),
        },
        PromptEvent::Cancel => {
            app.modals.pop();
            app.set_status("Nothing rolled back");
        }
        _ => {}
    }
}

fn set_note(app: &mut App, note: String) {
    if let Some(Modal::Prompt(p)) = app.modals.last_mut() {
        p.note = Some(note);
    }
}

pub(super) fn on_listed(app: &mut App, n: u64) {
    app.set_status(format!(
        "Reading versions to plan: {} so far…",
        count(n, "version", "versions")
    ));
}

/// The plan is made: show it, or say there is nothing to do.
pub(super) fn on_plan(app: &mut App, id: TaskId, plan: StoreResult<RollbackPlan>) {
    let action = app.tasks.live(id).map(|t| t.action).unwrap_or(0);
    let plan = match plan {
        Ok(p) => p,
        Err(e) => {
            app.report(action, &e, "Rollback plan (nothing changed)");
            return;
        }
    };
    let place = format!("s3://{}/{}", plan.bucket, plan.prefix);
    let changes = plan.changes();
    let blocked = plan.tally(|c| matches!(c, Change::Blocked(_)));
    if changes == 0 && blocked.keys == 0 {
        app.set_status(format!(
            "Nothing to roll back: {} already is what it was at {}",
            clean(&place),
            app.moment_words(plan.at)
        ));
        return;
    }
    let line = |label: &str, t: crate::plan::rollback::Tally, what: &str| {
        Said::plain(format!(
            "{label:<10} {:>7}  {:>10}  {what}",
            count(t.keys, "key", "keys"),
            human_size(t.bytes)
        ))
    };
    let mut lines = vec![
        Said::tone(
            Tone::Strong,
            format!("Roll {place} back to {}", app.moment_words(plan.at)),
        ),
        Said::plain(""),
        line(
            "restore",
            plan.tally(|c| *c == Change::Restore),
            "copy the version current then over the key",
        ),
        line(
            "undelete",
            plan.tally(|c| *c == Change::Undelete),
            "deleted since: copied back (the delete markers stay in the history)",
        ),
        line(
            "delete",
            plan.tally(|c| *c == Change::Delete),
            "created since: a new delete marker (nothing removed for good)",
        ),
        line("unchanged", plan.tally(|c| *c == Change::Unchanged), ""),
    ];
    if blocked.keys > 0 {
        lines.push(Said::tone(
            Tone::Warn,
            format!(
                "⚠ blocked  {:>7}  {:>10}  cannot be rolled back here (see the list)",
                count(blocked.keys, "key", "keys"),
                human_size(blocked.bytes)
            ),
        ));
    }
    lines.push(Said::plain(""));
    lines.push(Said::plain(format!(
        "Read {} in {}. Only new versions and delete markers are written, nothing is removed: \
         rolling forward to the moment it starts undoes it.",
        count(plan.versions_listed, "version", "versions"),
        count(plan.requests, "request", "requests")
    )));
    let list: Vec<String> = plan
        .keys
        .iter()
        .filter(|k| k.change != Change::Unchanged)
        .map(|k| {
            let v = k.version.as_ref();
            let when = v
                .and_then(|v| v.modified)
                .map(|t| short_time(t, app.session.tz))
                .unwrap_or_default();
            match &k.change {
                Change::Restore => format!(
                    "restore   {}  ← {} of {when} ({})",
                    k.key,
                    v.map(|v| v.version_id.as_str()).unwrap_or(""),
                    human_size(v.map(|v| v.size).unwrap_or(0))
                ),
                Change::Undelete => format!(
                    "undelete  {}  ← {} of {when} ({})",
                    k.key,
                    v.map(|v| v.version_id.as_str()).unwrap_or(""),
                    human_size(v.map(|v| v.size).unwrap_or(0))
                ),
                Change::Delete => format!("delete    {}", k.key),
                Change::Blocked(why) => format!("blocked   {}  ({why})", k.key),
                Change::Unchanged => String::new(),
            }
        })
        .collect();
    app.set_status(format!(
        "Rollback plan for {}: {}",
        clean(&place),
        count(changes, "change", "changes")
    ));
    let mut q = Question::new(" Roll back in time? ", lines, "roll back", true).with_list(list);
    if changes > 0 {
        q = q
            .typed(changes.to_string(), "the number of changes")
            .start(Planned {
                kind: Kind::Rollback,
                spec: crate::engine::Spec::History {
                    bucket: plan.bucket.clone(),
                    steps: plan.steps(),
                },
                from: place.clone(),
                to: place.clone(),
                touches: vec![(plan.bucket.clone(), plan.prefix.clone())],
                after: Some(format!(
                    "to undo, roll {place} forward to {{started}} (v on it, type that moment)"
                )),
                clear_marks: false,
            });
    } else {
        q.lines.push(Said::plain(
            "Nothing can change here (every difference is blocked).",
        ));
        q.answer = Answer::Close;
    }
    app.ask(q);
}
