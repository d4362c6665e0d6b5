//! The delete (and prefix rename) question. It is built from a complete
//! listing taken first: the exact count and size, the keys, what versioning
//! means for it; a listing that fails means nothing happens. One object is
//! deleted with `y`; anything recursive or more than one object by typing
//! the count. A rename loses nothing (the keys move), so `Enter` confirms
//! it.

use super::{Answer, Planned, Question, Said, Then, Tone};
use crate::app::kind::Kind;
use crate::app::modal::Modal;
use crate::app::{App, Effect, Job, Load, Owner, TaskId};
use crate::engine::{S3Source, Spec, parent_of};
use crate::format::{count, human_size, size_with_bytes, thousands};
use crate::plan::DeletePlan;
use crate::store::{StoreResult, Versioning};

pub use super::listing::{Listing, Purpose};

/// Opens the question; for anything but one object, lists first.
pub(crate) fn preview(
    app: &mut App,
    purpose: Purpose,
    bucket: String,
    sources: Vec<S3Source>,
    fx: &mut Vec<Effect>,
) {
    let versioning = app.browse.as_ref().and_then(|b| match &b.info {
        Some(Load::Ready(i)) => i.versioning.clone().ok(),
        _ => None,
    });
    let mut l = Listing {
        purpose,
        bucket: bucket.clone(),
        sources: sources.clone(),
        task: None,
        versioning,
    };
    if let [S3Source::Object(o)] = sources.as_slice() {
        let plan = DeletePlan {
            bucket,
            keys: vec![(o.key.clone(), o.size)],
            bytes: o.size,
        };
        let q = ready(l, plan);
        app.ask(q);
        return;
    }
    fx.extend(app.tasks.cancel_where(|o| *o == Owner::DeletePlan));
    let (id, spawn) = app.start_id(Owner::DeletePlan, Job::PlanDelete { bucket, sources });
    fx.push(spawn);
    l.task = Some(id);
    let mut q = Question::new(format!(" {} ", l.verb()), listing_lines(&l, 0), "", false);
    q.answer = Answer::Wait;
    q.then = Then::Listing(Box::new(l));
    app.ask(q);
}

fn listing_lines(l: &Listing, listed: u64) -> Vec<Said> {
    vec![Said::plain(format!(
        "Listing everything under {} … {} keys so far",
        crate::app::kind::what_word(&l.sources),
        thousands(listed)
    ))]
}

fn preview_mut(app: &mut App, id: TaskId) -> Option<&mut Question> {
    app.modals.iter_mut().rev().find_map(|m| match m {
        Modal::Question(q) if q.listing_task() == Some(id) => Some(&mut **q),
        _ => None,
    })
}

pub(crate) fn on_planning(app: &mut App, id: TaskId, n: u64) {
    if let Some(q) = preview_mut(app, id)
        && let Then::Listing(l) = &q.then
    {
        q.lines = listing_lines(l, n);
    }
}

/// The listing is complete: the question can be answered from now on.
pub(crate) fn on_plan(app: &mut App, id: TaskId, r: StoreResult<DeletePlan>) {
    let now = app.session.clock.now_ms;
    let Some(q) = preview_mut(app, id) else {
        return;
    };
    let Then::Listing(l) = std::mem::replace(&mut q.then, Then::Nothing) else {
        return;
    };
    *q = match r {
        Ok(plan) => ready(*l, plan),
        Err(e) => {
            let why = format!(
                "Listing failed, so nothing was changed: {}",
                crate::diagnose::short(&e)
            );
            let mut q = Question::new(
                " Nothing changed ",
                vec![Said::tone(Tone::Error, why)],
                "",
                false,
            );
            q.answer = Answer::Close;
            q
        }
    };
    q.opened_ms = now;
}

/// The question once the plan is known.
fn ready(l: Listing, plan: DeletePlan) -> Question {
    let n = plan.keys.len() as u64;
    let verb = l.verb();
    let mut lines = vec![Said::tone(
        Tone::Strong,
        format!(
            "{verb}: {} ({}) in s3://{}",
            count(n, "object", "objects"),
            size_with_bytes(plan.bytes),
            l.bucket
        ),
    )];
    if let Some(v) = versioning_note(&l) {
        lines.push(Said::tone(Tone::Dim, v));
    }
    let list = plan
        .keys
        .iter()
        .map(|(k, size)| format!("{k}  {}", human_size(*size)))
        .collect();
    let delete = l.purpose == Purpose::Delete;
    let mut q = Question::new(
        format!(" {verb}? "),
        lines,
        if delete { "delete" } else { "move" },
        delete,
    )
    .with_list(list);
    if n == 0 {
        q.lines
            .push(Said::plain("The listing found nothing: nothing to do."));
        q.answer = Answer::Close;
        return q;
    }
    let typed = delete && (l.sources.iter().any(|s| matches!(s, S3Source::Prefix(_))) || n > 1);
    if typed {
        q = q.typed(n.to_string(), "the number of objects");
    }
    let from = crate::app::kind::place_of(&l.bucket, &l.sources);
    let job = match l.purpose {
        Purpose::Delete => {
            let mut touches: Vec<(String, String)> = l
                .sources
                .iter()
                .map(|s| (l.bucket.clone(), parent_of(s.key()).to_owned()))
                .collect();
            touches.dedup();
            Planned {
                kind: Kind::Delete,
                spec: Spec::Delete {
                    bucket: l.bucket.clone(),
                    keys: plan.keys,
                },
                from,
                to: String::new(),
                touches,
                after: None,
                clear_marks: true,
            }
        }
        Purpose::Rename { spec, touches, to } => Planned {
            kind: Kind::Rename,
            spec,
            from,
            to: format!("s3://{}/{}", l.bucket, to),
            touches,
            after: None,
            clear_marks: false,
        },
    };
    q.start(job)
}

/// What the question says about versioning.
fn versioning_note(l: &Listing) -> Option<String> {
    match (l.purpose == Purpose::Delete, &l.versioning) {
        (true, Some(Versioning::Enabled)) => Some(
            "Versioning is on: this adds delete markers; older versions stay restorable".into(),
        ),
        (true, Some(Versioning::Suspended)) => Some(
            "Versioning is suspended: objects without versions are removed for good; older versions stay"
                .into(),
        ),
        (true, _) => Some("Versioning is off: this cannot be undone".into()),
        _ => None,
    }
}
