//! Making and removing buckets from the bucket list: `N` asks for a name
//! (and a region), shows the creation checklist as a question and runs it,
//! each step's result in the message log; `X` checks the bucket is empty
//! and asks for its name typed out before DeleteBucket. What runs is
//! src/bucket/, as `pail mb` and `pail rb` run it.

use super::{Cards, Reply, Request, Slot};
use crate::app::cx::{Cx, Outcome};
use crate::app::note::Note;
use crate::app::prompt::{Prompt, PromptEvent, PromptKind};
use crate::app::question::{Question, Said, Then, Tone};
use crate::app::{Job, Owner};
use crate::bucket::{Checklist, names};
use crate::diagnose::short;
use crate::sanitize::clean;

/// The `N` prompt.
pub fn new_bucket_prompt(region: &str) -> Prompt {
    let mut p = Prompt::new(
        PromptKind::NewBucket,
        format!("New bucket (name, then a region if not {region}):"),
        "",
    );
    p.note = Some(
        "Created with Block Public Access on, ACLs off, versioning and SSE-S3; you see the steps first"
            .into(),
    );
    p
}

/// A key in the `N` prompt: Enter checks the name and asks with the
/// checklist; a bad name keeps the prompt with why.
pub fn on_prompt(cx: &mut Cx, p: &mut Prompt, ev: PromptEvent) -> Outcome {
    match ev {
        PromptEvent::Cancel => {
            cx.status("Cancelled");
            Outcome::Close
        }
        PromptEvent::Submit => {
            let typed = p.value().trim().to_owned();
            let mut words = typed.split_whitespace();
            let name = words.next().unwrap_or_default();
            let region = words
                .next()
                .map(str::to_owned)
                .unwrap_or_else(|| cx.session.conn.region.clone());
            if let Some(why) = names::invalid(name) {
                p.note = Some(format!("A bucket name {why}"));
                return Outcome::Keep;
            }
            if words.next().is_some() {
                p.note = Some("Type a name, then at most a region".into());
                return Outcome::Keep;
            }
            if let Err(e) = crate::store::endpoint::check_region(&region, "the region") {
                p.note = Some(e);
                return Outcome::Keep;
            }
            let c = Checklist::new(name, &region);
            let mut lines: Vec<Said> = c
                .lines()
                .into_iter()
                .enumerate()
                .map(|(i, l)| Said::plain(format!("{}. {l}", i + 1)))
                .collect();
            if let Some(h) = names::hint(name) {
                lines.push(Said::tone(Tone::Dim, format!("Hint: {h}")));
            }
            lines.push(Said::tone(
                Tone::Dim,
                "pail mb has flags to change any step (pail mb --help)",
            ));
            let mut q = Question::new(" Create bucket? ", lines, "create", false);
            q.then = Then::Run {
                owner: Owner::Card(Slot::Change(c.bucket.clone())),
                job: Box::new(Job::Card(Request::Create(Box::new(c)))),
            };
            cx.note(Note::Ask(Box::new(q)));
            Outcome::Close
        }
        PromptEvent::Edited => {
            p.note = names::invalid(p.value().split_whitespace().next().unwrap_or_default())
                .filter(|_| !p.value().trim().is_empty())
                .map(|why| format!("A bucket name {why}"));
            Outcome::Keep
        }
        _ => Outcome::Keep,
    }
}

/// `X` on a bucket: find out whether it is empty first.
pub fn check_empty(cx: &mut Cx, bucket: String) {
    cx.start(
        Owner::Card(Slot::Change(bucket.clone())),
        Job::Card(Request::Contents {
            bucket: bucket.clone(),
        }),
    );
    cx.status(format!("Checking s3://{} is empty…", clean(&bucket)));
}

impl Cards {
    /// The answers of a check, a creation or a deletion.
    pub(super) fn changed(&mut self, cx: &mut Cx, reply: Reply) {
        match reply {
            Reply::Contents { bucket, held } => {
                let uri = format!("s3://{}", clean(&bucket));
                match held {
                    Err(e) => cx.note(Note::Error(format!("{uri}: {}", short(&e)))),
                    Ok(Some(what)) => cx.note(Note::Error(format!(
                        "{uri} is not empty: it holds {}; delete what it holds first (open it, X on its root; H and v for old versions)",
                        clean(&what)
                    ))),
                    Ok(None) => {
                        let lines = vec![
                            Said::tone(Tone::Strong, format!("Delete the bucket {uri}?")),
                            Said::plain("It is empty: no object, no old version, no delete marker."),
                            Said::tone(
                                Tone::Warn,
                                "Its name becomes free for anyone to take, and its settings are gone.",
                            ),
                        ];
                        let q = Question::new(" Delete bucket? ", lines, "delete", true)
                            .typed(bucket.clone(), "the bucket's name");
                        let mut q = q;
                        q.then = Then::Run {
                            owner: Owner::Card(Slot::Change(bucket.clone())),
                            job: Box::new(Job::Card(Request::Delete { bucket })),
                        };
                        cx.note(Note::Ask(Box::new(q)));
                    }
                }
            }
            Reply::Created { bucket, steps } => {
                let failed = steps.iter().filter(|d| d.result.is_err()).count();
                for d in &steps {
                    match &d.result {
                        Ok(()) => cx.status(format!("✓ {}", clean(&d.line))),
                        Err(e) => {
                            cx.note(Note::Error(format!("✗ {}: {}", clean(&d.line), short(e))))
                        }
                    }
                }
                let uri = format!("s3://{}", clean(&bucket));
                let created = steps.first().is_some_and(|d| d.result.is_ok());
                if created {
                    self.by_bucket.remove(&bucket);
                    cx.note(Note::BucketsChanged {
                        select: Some(bucket),
                    });
                }
                match (created, failed) {
                    (true, 0) => cx.status(format!(
                        "Created {uri}: {} steps done (M shows them)",
                        steps.len()
                    )),
                    (true, n) => cx.note(Note::Error(format!(
                        "Created {uri}, but {n} of its settings failed (M shows which)"
                    ))),
                    (false, _) => {
                        cx.note(Note::Error(format!("{uri} was not created (M shows why)")))
                    }
                }
            }
            Reply::Deleted { bucket, result } => {
                let uri = format!("s3://{}", clean(&bucket));
                match result {
                    Ok(()) => {
                        self.by_bucket.remove(&bucket);
                        cx.status(format!("Deleted the bucket {uri}"));
                        cx.note(Note::BucketsChanged { select: None });
                    }
                    Err(e) => cx.note(Note::Error(format!("{uri} was not deleted: {}", short(&e)))),
                }
            }
            Reply::ChangeFailed { bucket, err } => cx.note(Note::Error(format!(
                "s3://{}: {}",
                clean(&bucket),
                short(&err)
            ))),
            Reply::Part { .. }
            | Reply::Identity(_)
            | Reply::Account(_)
            | Reply::Applied { .. }
            | Reply::Preflight { .. } => {}
        }
    }
}
