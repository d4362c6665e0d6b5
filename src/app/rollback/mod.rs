//! Rolling a prefix (or a whole bucket) back in time, from the keyboard:
//! `v` on a prefix asks for a moment (the prompt shows it back in local
//! time and UTC as you type), the plan is made from every version under the
//! prefix in the background, and the preview shows counts and bytes per kind
//! of change with every key, confirmed by typing the number of changes. The
//! job's summary says how to undo it: roll forward to the moment it started.

mod moment;
pub mod tasks;

pub use tasks::{Reply, Request, Slot};
pub mod undelete;

pub(crate) use moment::parse_moment;

use super::cx::{Cx, Outcome};
use super::kind::Kind;
use super::note::Note;
use super::prompt::{Prompt, PromptEvent, PromptKind};
use super::question::{Answer, Planned, Question, Said, Tone};
use super::{Job, Owner, TaskId};
use crate::format::{count, human_size, long_time, short_time};
use crate::plan::rollback::{Change, RollbackPlan};
use crate::sanitize::clean;
use crate::store::{StoreResult, Versioning};

/// What the rollback feature understands. It keeps no state of its own:
/// the moment prompt holds its place, the question holds the plan.
#[derive(Debug)]
pub enum Msg {
    /// The planner has read this many versions so far.
    Listed(u64),
    /// The plan of task `TaskId` is made (or could not be).
    Plan(TaskId, Box<StoreResult<RollbackPlan>>),
}

/// The prompt asking for the moment to roll `prefix` of `bucket` back to,
/// or why there is no past to go back to (`versioning` as the app knows it).
pub fn moment_prompt(
    bucket: String,
    prefix: String,
    versioning: Option<Versioning>,
) -> Result<Prompt, String> {
    let place = format!("s3://{}/{}", clean(&bucket), clean(&prefix));
    // A bucket known never to have been versioned has no past to go back
    // to: say so before asking for a moment.
    if versioning == Some(Versioning::NeverEnabled) {
        return Err(format!(
            "Nothing to roll back: versioning was never enabled on s3://{}, so it keeps no history",
            clean(&bucket)
        ));
    }
    let target = super::prompt_work::Pending {
        bucket,
        sources: Vec::new(),
        prefix,
    };
    let mut p = Prompt::new(
        PromptKind::Moment,
        format!("Roll {place} back to (local time: 2026-11-24 14:00, yesterday 14:00, 3h ago):"),
        "",
    )
    .with_work(target);
    p.note = Some("Every key under it becomes what it was then; you see the plan first".into());
    Ok(p)
}

fn now_secs(cx: &Cx) -> i64 {
    cx.session.clock.now_ms.div_euclid(1000)
}

/// "2026-11-24 14:00:00 +01:00 (13:00:00 UTC)".
fn moment_words(cx: &Cx, at: i64) -> String {
    long_time(at, cx.session.tz)
}

pub fn update(cx: &mut Cx, msg: Msg) {
    match msg {
        Msg::Listed(n) => cx.status(format!(
            "Reading versions to plan: {} so far…",
            count(n, "version", "versions")
        )),
        Msg::Plan(id, plan) => on_plan(cx, id, *plan),
    }
}

/// The moment prompt: the parsed moment shown back as you type; Enter
/// starts the plan, or says why the text is not a moment.
pub fn on_prompt(cx: &mut Cx, p: &mut Prompt, ev: PromptEvent) -> Outcome {
    let parsed = parse_moment(p.value(), now_secs(cx), cx.session.tz);
    match ev {
        PromptEvent::Edited => {
            p.note = Some(match &parsed {
                Ok(at) => format!("= {}", moment_words(cx, *at)),
                Err(e) => e.clone(),
            });
        }
        PromptEvent::Submit => match parsed {
            Ok(at) if at > now_secs(cx) => p.note = Some("That moment is in the future".into()),
            Ok(at) => {
                let Some(pending) = p.work.as_ref().map(|w| &w.target) else {
                    return Outcome::Close;
                };
                // One plan at a time: a new one replaces the one before.
                cx.cancel_where(|o| matches!(o, Owner::Rollback(_)));
                cx.start(
                    Owner::Rollback(Slot::Rollback),
                    Job::Rollback(Request::Plan {
                        bucket: pending.bucket.clone(),
                        prefix: pending.prefix.clone(),
                        at,
                    }),
                );
                cx.status(format!(
                    "Reading every version under s3://{}/{} to plan the rollback…",
                    clean(&pending.bucket),
                    clean(&pending.prefix)
                ));
                return Outcome::Close;
            }
            Err(e) => p.note = Some(e),
        },
        PromptEvent::Cancel => {
            cx.status("Nothing rolled back");
            return Outcome::Close;
        }
        _ => {}
    }
    Outcome::Keep
}

/// The plan is made: show it, or say there is nothing to do.
fn on_plan(cx: &mut Cx, id: TaskId, plan: StoreResult<RollbackPlan>) {
    let plan = match plan {
        Ok(p) => p,
        Err(err) => {
            let action = cx.action_of(id);
            cx.note(Note::Report {
                action,
                err,
                context: "Rollback plan (nothing changed)".into(),
            });
            return;
        }
    };
    let place = format!("s3://{}/{}", plan.bucket, plan.prefix);
    let changes = plan.changes();
    let blocked = plan.tally(|c| matches!(c, Change::Blocked(_)));
    if changes == 0 && blocked.keys == 0 {
        cx.status(format!(
            "Nothing to roll back: {} already is what it was at {}",
            clean(&place),
            moment_words(cx, plan.at)
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
            format!("Roll {place} back to {}", moment_words(cx, plan.at)),
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
                .map(|t| short_time(t, cx.session.tz))
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
    cx.status(format!(
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
    cx.note(Note::Ask(Box::new(q)));
}
