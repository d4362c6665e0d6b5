//! The delete (and prefix rename) question. It is built from a complete
//! listing taken first: the exact count and size, the keys, what versioning
//! means for it; a listing that fails means nothing happens. One object is
//! deleted with `y`; anything recursive or more than one object by typing
//! the count. A rename loses nothing (the keys move), so `Enter` confirms
//! it.

use super::{Answer, Planned, Question, Said, Then, Tone};
use crate::app::cx::Cx;
use crate::app::kind::Kind;
use crate::app::{Job, Owner};
use crate::engine::{S3Source, Spec, parent_of};
use crate::format::{count, human_size, size_with_bytes, thousands};
use crate::plan::DeletePlan;
use crate::store::{StoreResult, Versioning};

pub use super::listing::{Listing, Purpose};

/// The question to ask; for anything but one object it waits for the
/// listing it starts. `versioning` is the bucket's, as far as it is known.
pub fn preview(
    cx: &mut Cx,
    purpose: Purpose,
    bucket: String,
    sources: Vec<S3Source>,
    versioning: Option<Versioning>,
) -> Question {
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
        return ready(l, plan);
    }
    cx.cancel_where(|o| *o == Owner::DeletePlan);
    l.task = Some(cx.start(Owner::DeletePlan, Job::PlanDelete { bucket, sources }));
    let mut q = Question::new(format!(" {} ", l.verb()), listing_lines(&l, 0), "", false);
    q.answer = Answer::Wait;
    q.then = Then::Listing(Box::new(l));
    q
}

fn listing_lines(l: &Listing, listed: u64) -> Vec<Said> {
    vec![Said::plain(format!(
        "Listing everything under {} … {} keys so far",
        crate::app::kind::what_word(&l.sources),
        thousands(listed)
    ))]
}

impl Question {
    /// The listing behind this preview has found `n` keys so far.
    pub fn listing_progress(&mut self, n: u64) {
        if let Then::Listing(l) = &self.then {
            self.lines = listing_lines(l, n);
        }
    }

    /// The listing is complete: the question can be answered from `now_ms`
    /// on (or says that nothing changed, when the listing failed).
    pub fn listing_done(&mut self, r: StoreResult<DeletePlan>, now_ms: i64) {
        let Then::Listing(l) = std::mem::replace(&mut self.then, Then::Nothing) else {
            return;
        };
        *self = done(*l, r);
        self.opened_ms = now_ms;
    }
}

fn done(l: Listing, r: StoreResult<DeletePlan>) -> Question {
    match r {
        Ok(plan) => ready(l, plan),
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
    }
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
