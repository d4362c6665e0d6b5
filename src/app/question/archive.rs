//! The restore-from-archive (`T`) and storage-class (`C`) questions. Like
//! a delete's, each is built from a complete listing taken first (a
//! listing that fails changes nothing): what is asked for, in counts and
//! bytes per class, how long the copies take to appear or what the new
//! class bills at least, and what is left out and why. Yes starts the
//! plan shown as a job ([`Spec::Thaw`], [`Spec::ChangeClass`]), with no
//! second listing in between.

use super::listing::Waiting;
use super::{Answer, Planned, Question, Said, Then, Tone};
use crate::app::cx::Cx;
use crate::app::kind::{Kind, place_of, what_word};
use crate::app::{Job, Owner};
use crate::engine::{S3Source, Spec, parent_of};
use crate::format::{count, human_size, size_with_bytes};
use crate::plan::archive::{ArchivePlan, ClassPlan, Goal, RestorePlan, minimums};
use crate::store::archive::{Tier, needs_restore};
use crate::store::{StoreResult, Versioning};

/// The question, waiting for the listing it starts.
pub fn preview(
    cx: &mut Cx,
    goal: Goal,
    bucket: String,
    sources: Vec<S3Source>,
    versioning: Option<Versioning>,
) -> Question {
    cx.cancel_where(|o| *o == Owner::ArchivePlan);
    let targets = sources.iter().map(|s| s.key().to_owned()).collect();
    let task = cx.start(
        Owner::ArchivePlan,
        Job::PlanArchive {
            bucket: bucket.clone(),
            targets,
            goal: goal.clone(),
        },
    );
    let w = Waiting {
        goal,
        bucket,
        sources,
        task: Some(task),
        versioning,
    };
    let line = format!("Listing everything under {} …", what_word(&w.sources));
    let mut q = Question::new(title(&w.goal), vec![Said::plain(line)], "", false);
    q.answer = Answer::Wait;
    q.then = Then::Planning(Box::new(w));
    q
}

fn title(goal: &Goal) -> String {
    match goal {
        Goal::Thaw { .. } => " Restore from archive? ".into(),
        Goal::Class { .. } => " Change storage class? ".into(),
    }
}

impl Question {
    /// The plan came (or the listing failed): the question can be answered
    /// from `now_ms` on.
    pub fn archive_done(&mut self, r: StoreResult<ArchivePlan>, now_ms: i64) {
        let Then::Planning(w) = std::mem::replace(&mut self.then, Then::Nothing) else {
            return;
        };
        *self = match r {
            Ok(ArchivePlan::Thaw(plan)) => thaw(&w, plan),
            Ok(ArchivePlan::Class(plan)) => class(&w, plan),
            Err(e) => nothing(
                title(&w.goal),
                Said::tone(
                    Tone::Error,
                    format!(
                        "Listing failed, so nothing was changed: {}",
                        crate::diagnose::short(&e)
                    ),
                ),
            ),
        };
        self.opened_ms = now_ms;
    }
}

/// A question with nothing to confirm: any key closes it.
fn nothing(title: String, why: Said) -> Question {
    let mut q = Question::new(title, vec![why], "", false);
    q.answer = Answer::Close;
    q
}

/// The prefixes the job changes, for refreshing the tree after it.
fn touches(w: &Waiting) -> Vec<(String, String)> {
    let mut t: Vec<(String, String)> = w
        .sources
        .iter()
        .map(|s| (w.bucket.clone(), parent_of(s.key()).to_owned()))
        .collect();
    t.dedup();
    t
}

fn thaw(w: &Waiting, plan: RestorePlan) -> Question {
    let Goal::Thaw { days, tier } = w.goal else {
        return nothing(title(&w.goal), Said::plain("Nothing to do"));
    };
    let classes = plan.classes();
    let n = plan.objects.len() as u64;
    let mut lines = vec![Said::tone(
        Tone::Strong,
        format!(
            "Restore {} ({}) in s3://{} for {days} days, {} tier",
            count(n, "archived object", "archived objects"),
            size_with_bytes(plan.bytes),
            w.bucket,
            tier.as_str()
        ),
    )];
    for (c, k) in &classes {
        lines.push(Said::plain(format!(
            "{} in {c}: ready {}",
            count(*k, "object", "objects"),
            tier.wait(c).unwrap_or("when S3 says")
        )));
    }
    if plan.readable > 0 {
        lines.push(Said::tone(
            Tone::Dim,
            format!(
                "{} left out: not archived (they read as they are)",
                count(plan.readable, "object", "objects")
            ),
        ));
    }
    if n == 0 {
        lines.push(Said::plain("Nothing here is archived: nothing to restore."));
        let mut q = Question::new(title(&w.goal), lines, "", false);
        q.answer = Answer::Close;
        return q;
    }
    if tier == Tier::Expedited && classes.iter().any(|(c, _)| c == "DEEP_ARCHIVE") {
        lines.push(Said::tone(
            Tone::Error,
            "DEEP_ARCHIVE has no Expedited retrieval: press T again and choose standard or bulk",
        ));
        let mut q = Question::new(title(&w.goal), lines, "", false);
        q.answer = Answer::Close;
        return q;
    }
    lines.push(Said::tone(
        Tone::Dim,
        format!(
            "Billed per request and per GB retrieved; each copy is billed as storage for {days} days, then goes (the archived object stays)"
        ),
    ));
    let list = plan
        .objects
        .iter()
        .map(|o| {
            format!(
                "{}  {}  {}",
                o.key,
                human_size(o.size),
                o.storage_class.as_deref().unwrap_or("")
            )
        })
        .collect();
    let job = Planned {
        kind: Kind::Thaw,
        spec: plan.spec(days, tier),
        from: place_of(&w.bucket, &w.sources),
        to: String::new(),
        touches: touches(w),
        after: Some("the inspector (i) says when each copy is ready".into()),
        clear_marks: true,
    };
    Question::new(title(&w.goal), lines, "restore", false)
        .with_list(list)
        .start(job)
}

fn class(w: &Waiting, plan: ClassPlan) -> Question {
    let to = plan.to.clone();
    let n = plan.objects.len() as u64;
    let mut lines = vec![Said::tone(
        Tone::Strong,
        format!(
            "Copy {} ({}) in s3://{} onto {} as {to}, keeping metadata, content headers and tags",
            count(n, "object", "objects"),
            size_with_bytes(plan.bytes),
            w.bucket,
            if n == 1 { "itself" } else { "themselves" }
        ),
    )];
    let (days, min_bytes) = minimums(&to);
    if days > 0 && n > 0 {
        lines.push(Said::tone(
            Tone::Warn,
            format!(
                "{to} bills each object for at least {days} days, even if deleted or moved sooner"
            ),
        ));
    }
    if plan.small > 0 {
        lines.push(Said::tone(
            Tone::Warn,
            format!(
                "{} smaller than {}: billed as {}",
                count(plan.small, "object", "objects"),
                human_size(min_bytes),
                human_size(min_bytes)
            ),
        ));
    }
    if needs_restore(Some(&to)) && n > 0 {
        lines.push(Said::tone(
            Tone::Warn,
            format!("{to} objects cannot be read until restored (T), which takes hours"),
        ));
    }
    if plan.restored > 0 {
        lines.push(Said::plain(format!(
            "{} archived with a restored copy: included (the copy is a readable object in {to})",
            count(plan.restored, "object", "objects")
        )));
    }
    if !plan.archived.is_empty() {
        lines.push(Said::tone(
            Tone::Dim,
            format!(
                "{} archived and not restored: left out (restore them first with T)",
                count(plan.archived.len() as u64, "object", "objects")
            ),
        ));
    }
    if plan.same > 0 {
        lines.push(Said::tone(
            Tone::Dim,
            format!("{} already in {to}", count(plan.same, "object", "objects")),
        ));
    }
    if n > 0 && w.versioning == Some(Versioning::Enabled) {
        lines.push(Said::tone(
            Tone::Dim,
            "Versioning is on: each copy is a new version; the old one stays, billed in its class, until deleted or expired",
        ));
    }
    if n == 0 {
        lines.push(Said::plain("Nothing to change."));
        let mut q = Question::new(title(&w.goal), lines, "", false);
        q.answer = Answer::Close;
        return q;
    }
    let list = plan
        .objects
        .iter()
        .map(|o| {
            format!(
                "{}  {}  {} → {to}",
                o.key,
                human_size(o.size),
                o.storage_class.as_deref().unwrap_or("STANDARD")
            )
        })
        .collect();
    let job = Planned {
        kind: Kind::ClassChange,
        spec: Spec::ChangeClass {
            bucket: plan.bucket.clone(),
            objects: plan.objects,
            to: to.clone(),
        },
        from: place_of(&w.bucket, &w.sources),
        to: to.clone(),
        touches: touches(w),
        after: None,
        clear_marks: true,
    };
    // Into an archive class the objects go out of reach: y, not Enter.
    Question::new(title(&w.goal), lines, "change", needs_restore(Some(&to)))
        .with_list(list)
        .start(job)
}
