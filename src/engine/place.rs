//! Putting one item at its key: the conflict answer for what is there (or
//! for another item of the same job that goes there too), then a write
//! that replaces only what the user said may be replaced.
//!
//! A key that was free when the job listed it is written with
//! `If-None-Match: *`, so a second writer that took the name meanwhile
//! turns the write into a conflict instead of being overwritten; "keep
//! both" names are checked again right before writing (HEAD), because
//! some servers ignore the condition on copies and multipart uploads
//! (moto and radosgw do), and a server that refuses the condition outright
//! gets that check on every such write. A name found taken is never
//! written over: "keep both" moves on to the next free name, anything else
//! asks (or applies the job's answer) as any conflict would.

use super::claims::{Claim, Claims, Remote};
use super::progress::{Refusal, Side, Skip};
use super::retry::Stop;
use super::{Choice, Env, Outcome, Question};
use crate::store::{ErrorKind, GetRequest, StoreError};
use std::future::Future;

/// How a write is to be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cond {
    /// Send `If-None-Match: *`.
    pub if_absent: bool,
    /// HEAD the key right before the final write, and stop if it exists.
    pub check_first: bool,
}

/// What one item brings to its destination, for the conflict question.
pub(super) struct Incoming<'a> {
    /// The item's raw name (a key or a path).
    pub item: &'a str,
    pub side: Side,
    pub etag: Option<&'a str>,
}

/// Whether a write failed because the key exists (a 412 from
/// `If-None-Match`, or the check before writing).
pub(super) fn exists_now(e: &StoreError) -> bool {
    e.kind == ErrorKind::PreconditionFailed
}

/// The error [`ensure_absent`] gives for a key that exists.
fn taken_error(key: &str) -> StoreError {
    let mut e = StoreError::new(ErrorKind::PreconditionFailed, "the key exists now");
    e.key = Some(key.to_owned());
    e.status = Some(412);
    e
}

/// The check right before a write that must not replace anything: a HEAD
/// that finds the key is a [`ErrorKind::PreconditionFailed`] error.
pub(super) async fn ensure_absent(env: &Env, bucket: &str, key: &str) -> Result<(), StoreError> {
    let req = GetRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        ..GetRequest::default()
    };
    match env.store.head_object(&req).await {
        Ok(_) => Err(taken_error(key)),
        Err(e) if matches!(e.kind, ErrorKind::NoSuchKey | ErrorKind::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}

/// What is at `key` now, for a question about a key found taken late.
async fn what_is_there(env: &Env, bucket: &str, key: &str) -> Remote {
    let req = GetRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        ..GetRequest::default()
    };
    match env.store.head_object(&req).await {
        Ok(h) => Remote {
            size: h.object_size,
            etag: h.etag,
            modified: h.modified,
        },
        Err(_) => Remote {
            size: 0,
            etag: None,
            modified: None,
        },
    }
}

/// Places one item: settles its conflicts and writes it with `write(key,
/// cond)`. Returns the key written, or how the item ended without being
/// written. `identical` answers "skip identical" against what is there.
#[allow(clippy::too_many_arguments)]
pub(super) async fn place<W, WF, I, IF>(
    env: &Env,
    claims: &Claims,
    bucket: &str,
    target: &str,
    first: Option<Claim>,
    ours: Incoming<'_>,
    mut identical: I,
    mut write: W,
) -> Result<String, Outcome>
where
    W: FnMut(String, Cond) -> WF,
    WF: Future<Output = Result<(), Stop>>,
    I: FnMut(Remote) -> IF,
    IF: Future<Output = bool>,
{
    let claim = || Claim {
        item: ours.item.to_owned(),
        size: ours.side.size,
        etag: ours.etag.map(str::to_owned),
    };
    let ask = |theirs: Side, within: Option<String>| Question {
        target: format!("s3://{bucket}/{target}"),
        ours: ours.side.clone(),
        theirs,
        within_job: within,
    };
    let remote_side = |r: &Remote| Side {
        label: "there",
        size: r.size,
        modified: r.modified,
    };
    let mut key = target.to_owned();
    let mut keep_both = false;
    let mut if_absent = true;
    if let Some(first) = first {
        // Another item of this job goes here first.
        if first.item == ours.item {
            // The same object reached twice (a prefix and a key in it).
            return Err(Outcome::Skipped(Skip::SameTarget(first.item)));
        }
        let theirs = Side {
            label: "from another item",
            size: first.size,
            modified: None,
        };
        let q = ask(theirs, Some(first.item.clone()));
        match env.resolve(q).await {
            None => return Err(Outcome::Cancelled),
            Some(Choice::Overwrite) => {
                return Err(Outcome::Refused(Refusal::Collision(first.item)));
            }
            Some(Choice::Skip) => return Err(Outcome::Skipped(Skip::SameTarget(first.item))),
            Some(Choice::SkipIdentical) => {
                let same = first.size == ours.side.size
                    && first.etag.is_some()
                    && first.etag.as_deref().map(unquote) == ours.etag.map(unquote);
                return Err(if same {
                    Outcome::Skipped(Skip::Identical)
                } else {
                    Outcome::Refused(Refusal::Collision(first.item))
                });
            }
            Some(Choice::KeepBoth) => keep_both = true,
            Some(Choice::Cancel) => {
                env.cancel.cancel();
                return Err(Outcome::Cancelled);
            }
        }
    } else if let Some(remote) = claims.there(target) {
        match settle_existing(
            env,
            ask(remote_side(&remote), None),
            &remote,
            &mut identical,
        )
        .await?
        {
            Existing::Overwrite => if_absent = false,
            Existing::KeepBoth => keep_both = true,
        }
    }
    if keep_both {
        key = next_free(env, claims, bucket, target, claim()).await?;
    }
    // Bounded: a name found taken moves on at most this often.
    for _ in 0..100 {
        let refused = env.conditional_refused();
        let cond = Cond {
            if_absent: if_absent && !refused,
            check_first: keep_both || (if_absent && refused),
        };
        match write(key.clone(), cond).await {
            Ok(()) => return Ok(key),
            Err(Stop::Cancelled) => return Err(Outcome::Cancelled),
            Err(Stop::Failed(e)) if if_absent && !refused && refuses_condition(&e) => {
                tracing::info!("the server refuses If-None-Match; checking before writes");
                env.set_conditional_refused();
            }
            Err(Stop::Failed(e)) if exists_now(&e) => {
                let remote = what_is_there(env, bucket, &key).await;
                claims.taken(&key, remote.clone());
                if keep_both {
                    key = next_free(env, claims, bucket, target, claim()).await?;
                    continue;
                }
                // Taken since the listing: a conflict like any other.
                let q = ask(remote_side(&remote), None);
                match settle_existing(env, q, &remote, &mut identical).await? {
                    Existing::Overwrite => if_absent = false,
                    Existing::KeepBoth => {
                        keep_both = true;
                        key = next_free(env, claims, bucket, target, claim()).await?;
                    }
                }
            }
            Err(Stop::Failed(e)) => return Err(env.failed(e.to_string())),
        }
    }
    Err(Outcome::Failed(format!(
        "no free name for {target} after 100 tries"
    )))
}

enum Existing {
    Overwrite,
    KeepBoth,
}

/// The answer for an object that is there; `Err` ends the item.
async fn settle_existing<I, IF>(
    env: &Env,
    q: Question,
    remote: &Remote,
    identical: &mut I,
) -> Result<Existing, Outcome>
where
    I: FnMut(Remote) -> IF,
    IF: Future<Output = bool>,
{
    match env.resolve(q).await {
        None => Err(Outcome::Cancelled),
        Some(Choice::Overwrite) => Ok(Existing::Overwrite),
        Some(Choice::Skip) => Err(Outcome::Skipped(Skip::Exists)),
        Some(Choice::SkipIdentical) => {
            if identical(remote.clone()).await {
                Err(Outcome::Skipped(Skip::Identical))
            } else {
                Ok(Existing::Overwrite)
            }
        }
        Some(Choice::KeepBoth) => Ok(Existing::KeepBoth),
        Some(Choice::Cancel) => {
            env.cancel.cancel();
            Err(Outcome::Cancelled)
        }
    }
}

/// The next "keep both" name for `target`, from what the listing shows
/// there and what the job claimed.
async fn next_free(
    env: &Env,
    claims: &Claims,
    bucket: &str,
    target: &str,
    claim: Claim,
) -> Result<String, Outcome> {
    if let Err(e) = claims.learn_keep_both(env, bucket, target).await {
        return Err(env.failed(format!("cannot list the destination: {e}")));
    }
    Ok(claims.keep_both(target, claim))
}

/// A server that does not do conditional writes says so (501, or
/// NotImplemented); it is not a reason to fail the item.
pub(super) fn refuses_condition(e: &StoreError) -> bool {
    e.kind == ErrorKind::NotImplemented
}

pub(super) fn unquote(s: &str) -> &str {
    s.trim_matches('"')
}
