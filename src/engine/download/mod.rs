//! Downloads: objects to files under the chosen folder. Every file is
//! written to an invisible temp file beside its destination and renamed
//! into place only after its size and checksum were checked; a cancelled,
//! failed or killed download leaves nothing behind and the old file
//! intact. Small objects stream in one GET, hashed on the way; large ones
//! come as parallel ranged GETs pinned to the listed ETag (aligned to the
//! upload's parts when a per-part check needs it).
//!
//! One concern per file: settle.rs decides where an item may land (the
//! conflict question, keep-both names); whole.rs and ranged.rs are the two
//! ways the bytes arrive; failure.rs says which failures another attempt
//! could mend and which it could not (local write errors, a changed object).

mod failure;
mod ranged;
mod settle;
mod sink;
mod whole;

pub(super) use failure::{Failure, classify};
pub(super) use settle::md5_file;

use super::claims::{Claim, Claims};
use super::expand;
use super::progress::Refusal;
use super::retry::backoff;
use super::verify::Check;
use super::{Env, LocalNames, Mapping, Outcome};
use crate::local::dest::Dest;
use crate::local::paths::{Mapped, RelPath, map_key};
use crate::store::{GetRequest, ObjectSummary};
use futures::StreamExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;

pub async fn run(env: &Env, bucket: &str, sources: Vec<Mapping>, dest: &Path) {
    let dest = match Dest::open(dest) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            env.progress.found(0);
            let name = dest.display().to_string();
            env.progress
                .finish(&name, Outcome::Failed(format!("cannot open: {e}")), 0);
            return;
        }
    };
    let (tx, rx) = mpsc::channel(1024);
    let sources = Arc::new(sources);
    let bucket: Arc<str> = Arc::from(bucket);
    let fold = env
        .settings
        .case_insensitive
        .unwrap_or_else(|| dest.case_insensitive());
    let claims = Arc::new(if fold {
        Claims::folding_case()
    } else {
        Claims::default()
    });
    let workers = expand::stream(rx)
        .map(|found| {
            // Claimed in listing order before any worker writes: two keys
            // that map to one file (or, on a case-insensitive file system,
            // to names that differ only by case) are found here, not by
            // the second download replacing the first.
            let (mapped, escaped) = local_name(env, &sources[found.mapping], &found.obj.key);
            let first = match &mapped {
                Ok(Mapped::File(rel)) => claims.claim(
                    &rel.to_string(),
                    Claim {
                        item: found.obj.key.clone(),
                        size: found.obj.size,
                        etag: found.obj.etag.clone(),
                    },
                ),
                _ => None,
            };
            let (env, bucket, dest, claims) =
                (env.clone(), bucket.clone(), dest.clone(), claims.clone());
            let (name, size) = (found.obj.key.clone(), found.obj.size);
            async move {
                let env2 = env.clone();
                let work = async move {
                    let named = Named { mapped, escaped };
                    item(&env2, &bucket, &dest, &claims, found.obj, named, first).await
                };
                super::item_task::run_item(&env, name, size, work).await
            }
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {});
    tokio::join!(expand::expand(env, &bucket, &sources, tx), workers);
}

/// Where a key goes locally, and whether its name was escaped.
struct Named {
    mapped: Result<Mapped, crate::local::paths::Refusal>,
    escaped: bool,
}

/// Where a key lands under the destination: its mapping's target (`to`
/// names a file for `pail cp s3://b/x ./new.txt`), or, pasting into the
/// destination itself (`to` empty), the key without the mapping's `from`.
fn local_path(m: &Mapping, key: &str) -> Result<Mapped, crate::local::paths::Refusal> {
    if m.to.is_empty() {
        return map_key(key, &m.from);
    }
    match m.target(key) {
        Some(t) => map_key(&t, ""),
        None => Err(crate::local::paths::Refusal::OutsidePrefix),
    }
}

/// The local path for `key`, its names escaped when they hold control or
/// bidi characters and `[transfers] local_names` says so.
fn local_name(
    env: &Env,
    m: &Mapping,
    key: &str,
) -> (Result<Mapped, crate::local::paths::Refusal>, bool) {
    let mapped = local_path(m, key);
    if env.settings.local_names != LocalNames::Escape {
        return (mapped, false);
    }
    match mapped {
        Ok(Mapped::File(rel)) => match rel.escaped() {
            None => (Ok(Mapped::File(rel)), false),
            Some(r) => (r.map(Mapped::File), true),
        },
        Ok(Mapped::Dir(rel)) => match rel.escaped() {
            None => (Ok(Mapped::Dir(rel)), false),
            Some(r) => (r.map(Mapped::Dir), true),
        },
        Err(e) => (Err(e), false),
    }
}

async fn item(
    env: &Env,
    bucket: &str,
    dest: &Dest,
    claims: &Claims,
    obj: ObjectSummary,
    named: Named,
    first: Option<Claim>,
) {
    let Named { mapped, escaped } = named;
    let size = obj.size;
    let done =
        |outcome: Outcome, at: Option<String>| env.progress.finish_at(&obj.key, outcome, size, at);
    if env.cancelled() {
        return done(Outcome::Cancelled, None);
    }
    let rel = match mapped {
        Ok(Mapped::File(rel)) => rel,
        Ok(Mapped::Dir(rel)) => {
            return match dest.make_dirs(&rel) {
                Ok(()) => done(
                    Outcome::Done {
                        bytes: 0,
                        note: None,
                    },
                    None,
                ),
                Err(e) => done(Outcome::Failed(e.to_string()), None),
            };
        }
        Err(why) => return done(Outcome::Refused(Refusal::UnsafeName(why.to_string())), None),
    };
    let planned = rel.to_string();
    let (rel, overwrite) = match settle::settle_conflict(env, dest, claims, rel, &obj, first).await
    {
        Ok(x) => x,
        Err(outcome) => return done(outcome, None),
    };
    let at = (escaped || rel.to_string() != planned).then(|| rel.to_string());
    match fetch_retried(env, bucket, &obj, dest, &rel, overwrite).await {
        Ok(note) => {
            if escaped {
                env.progress.escaped_name();
            }
            done(
                Outcome::Done {
                    bytes: size,
                    note: note.map(|n| format!("not verified: {n}")),
                },
                at,
            )
        }
        Err(outcome) => done(outcome, None),
    }
}

/// [`fetch`] with the job's retries: what could not be verified, or how
/// the item ended without its file.
pub(in crate::engine) async fn fetch_retried(
    env: &Env,
    bucket: &str,
    obj: &ObjectSummary,
    dest: &Dest,
    rel: &RelPath,
    overwrite: bool,
) -> Result<Option<String>, Outcome> {
    let mut last = String::new();
    for attempt in 0..=env.settings.retries {
        if attempt > 0 {
            env.pause(backoff(attempt)).await;
        }
        if env.cancelled() {
            return Err(Outcome::Cancelled);
        }
        match fetch(env, bucket, obj, dest, rel, overwrite).await {
            Ok(note) => return Ok(note),
            Err(Failure::Final(msg)) => return Err(env.failed(msg)),
            Err(Failure::Cancelled) => return Err(Outcome::Cancelled),
            Err(Failure::Retry(msg)) => {
                tracing::info!(attempt, "download attempt failed, retrying");
                last = msg;
            }
        }
    }
    Err(env.failed(last))
}

/// One attempt at one object: temp file, GET(s), checks, rename. Returns
/// what could not be verified, if anything.
async fn fetch(
    env: &Env,
    bucket: &str,
    obj: &ObjectSummary,
    dest: &Dest,
    rel: &RelPath,
    overwrite: bool,
) -> Result<Option<String>, Failure> {
    let pending = dest
        .create(rel)
        .map_err(|e| Failure::Final(format!("cannot create {rel}: {e}")))?;
    let req = GetRequest::pinned(bucket, obj);
    let (check, head) = if obj.size >= env.settings.multipart_threshold {
        ranged::ranged(env, &req, obj.size, &pending).await?
    } else {
        whole::whole(env, &req, obj.size, &pending).await?
    };
    let note = match check {
        Check::Unverifiable(why) => Some(why),
        _ => None,
    };
    // The file's own time where a tool recorded it (rclone, s3cmd, mc:
    // store/mtime.rs), else the object's.
    let recorded =
        crate::store::mtime::from_metadata(&head.metadata).and_then(|(m, _)| m.to_system_time());
    let mtime = env
        .settings
        .preserve_mtime
        .then(|| {
            recorded.or_else(|| {
                head.modified
                    .or(obj.modified)
                    .and_then(|s| u64::try_from(s).ok())
                    .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
            })
        })
        .flatten();
    // Off the async threads, as every local write (sink.rs); the temp file
    // goes with `pending` if the commit fails or its task dies.
    let commit = tokio::task::spawn_blocking(move || pending.commit(mtime, overwrite))
        .await
        .map_err(|e| Failure::Final(format!("cannot move it into place: {e}")))?;
    commit.map_err(|e| Failure::Final(format!("cannot move it into place: {e}")))?;
    Ok(note)
}

/// What a per-part check needs to know: the upload's part size, learned
/// from a HEAD of part 1 (only asked for multipart objects).
pub(super) async fn part_layout(
    env: &Env,
    req: &GetRequest,
    etag: Option<&str>,
    size: u64,
) -> Option<u64> {
    if !env.settings.verify || !etag.is_some_and(|e| e.contains('-')) {
        return None;
    }
    let _slot = env.lane.slot().await;
    let head = env
        .store
        .head_object(&GetRequest {
            part_number: Some(1),
            // Not pinned: moto compares If-Match with the part's own ETag.
            // The GETs that follow are pinned, so a changed object fails.
            if_match: None,
            ..req.clone()
        })
        .await
        .ok()?;
    // A server that ignores partNumber answers with the whole object.
    (head.parts_count.is_some_and(|n| n > 1) && head.content_length < size)
        .then_some(head.content_length)
}
