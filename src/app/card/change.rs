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
        format!("New bucket (name, then a region if not {region}, then options):"),
        "",
    );
    p.note = Some(NOTE.into());
    p
}

const NOTE: &str = "Block Public Access on, ACLs off, versioning, SSE-S3 unless you add: \
    region=NAME · no-versioning · kms-key=KEY · no-encryption · object-lock · acls · allow-public · \
    lifecycle=tiering,expire-365,noncurrent-30,abort-7 · tag=K=V (the steps are shown first)";

/// Name, region and options as typed: the checklist, or why not.
pub fn checklist_of(typed: &str, default_region: &str) -> Result<Checklist, String> {
    let mut words = typed.split_whitespace().peekable();
    let name = words.next().unwrap_or_default();
    if let Some(why) = names::invalid(name) {
        return Err(format!("A bucket name {why}"));
    }
    // The second word is a region when it has a digit (eu-west-1): a
    // mistyped option is never taken for one. region=NAME anywhere names
    // one without (garage, default).
    let mut region = default_region.to_owned();
    if let Some(w) = words.peek()
        && !w.contains('=')
        && w.bytes().any(|b| b.is_ascii_digit())
    {
        region = (*w).to_owned();
        words.next();
    }
    let mut options = Vec::new();
    for w in words {
        match w.trim_start_matches("--").strip_prefix("region=") {
            Some(r) => region = r.to_owned(),
            None => options.push(w),
        }
    }
    crate::store::endpoint::check_region(&region, "the region")?;
    let mut c = Checklist::new(name, &region);
    for w in options {
        c.option(w)?;
    }
    Ok(c)
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
            let c = match checklist_of(&typed, &cx.session.conn.region) {
                Ok(c) => c,
                Err(why) => {
                    p.note = Some(why);
                    return Outcome::Keep;
                }
            };
            let name = c.bucket.clone();
            let name = name.as_str();
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
                "To change a step: n, then N again with options after the name (listed under the prompt)",
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
            p.note = Some(if p.value().trim().is_empty() {
                NOTE.to_owned()
            } else {
                checklist_of(p.value(), &cx.session.conn.region)
                    .err()
                    .unwrap_or_else(|| NOTE.to_owned())
            });
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

#[cfg(test)]
mod tests {
    use super::checklist_of;

    #[test]
    fn name_region_and_options_as_typed() {
        let c = checklist_of("acme-logs", "us-east-1").unwrap();
        assert_eq!(
            (c.region.as_str(), c.versioning, c.kms_key),
            ("us-east-1", true, None)
        );
        let c = checklist_of(
            "acme-logs eu-west-1 no-versioning kms-key=alias/logs lifecycle=tiering,abort-7 tag=team=web object-lock",
            "us-east-1",
        )
        .unwrap();
        assert_eq!(c.region, "eu-west-1");
        assert!(!c.versioning && c.object_lock && c.encryption);
        assert_eq!(c.kms_key.as_deref(), Some("alias/logs"));
        let rule = c.lifecycle.as_ref().unwrap();
        assert_eq!(rule.abort_incomplete_days, Some(7));
        assert_eq!(rule.transitions.len(), 2);
        assert_eq!(c.tags, [("team".to_owned(), "web".to_owned())]);
        let c = checklist_of("acme-logs region=garage --acls", "us-east-1").unwrap();
        assert_eq!(c.region, "garage");
        assert!(!c.enforce_owner);
        // A mistyped option is never a region.
        let e = checklist_of("acme-logs no-versoning", "us-east-1").unwrap_err();
        assert!(e.contains("not an option"), "{e}");
        assert!(checklist_of("Bad_Name", "us-east-1").is_err());
        assert!(checklist_of("acme-logs lifecycle=forever", "us-east-1").is_err());
    }
}
