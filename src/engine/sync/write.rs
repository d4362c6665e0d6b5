//! One row of a sync plan written, held to what the plan saw at both
//! ends; each done write says the fingerprint it left (the record's).

use super::record::Print;
use super::{CHANGED, Endpoint, Expect, Step};
use crate::engine::copy::copy_one;
use crate::engine::download::fetch_retried;
use crate::engine::place::{Cond, exists_now, unquote};
use crate::engine::progress::Refusal;
use crate::engine::retry::Stop;
use crate::engine::upload::{Seen, multipart, single};
use crate::engine::{Env, Outcome, say};
use crate::local::{Dest, EntryKind, RelPath};
use crate::store::{ErrorKind, GetRequest, ObjectRef, ObjectSummary, PutRequest};
use std::path::Path;

/// `step` from `from` to `to` (`folder`: the local side's, when `to` is
/// one); with the fingerprint the write left, where it could be known.
pub(super) async fn one(
    env: &Env,
    from: &Endpoint,
    to: &Endpoint,
    folder: Option<&Dest>,
    backup: Option<&str>,
    step: &Step,
) -> (Outcome, Option<Print>) {
    match (from, to) {
        (Endpoint::Local(root), Endpoint::S3 { bucket, prefix }) => {
            let key = format!("{prefix}{}", step.to);
            upload(env, backup, root, bucket, &key, step).await
        }
        (Endpoint::S3 { bucket, prefix }, Endpoint::Local(_)) => match folder {
            Some(folder) => {
                download(env, bucket, &format!("{prefix}{}", step.from), folder, step).await
            }
            None => (
                Outcome::Failed("internal: no destination folder".into()),
                None,
            ),
        },
        (
            Endpoint::S3 { bucket, prefix },
            Endpoint::S3 {
                bucket: to_bucket,
                prefix: to_prefix,
            },
        ) => {
            // Pinned: a source replaced since the plan fails the row.
            let mut src = ObjectRef::new(bucket, &format!("{prefix}{}", step.from));
            src.etag = step.etag.clone();
            let dst = ObjectRef::new(to_bucket, &format!("{to_prefix}{}", step.to));
            copy(env, backup, &src, &dst, step).await
        }
        (Endpoint::Local(_), Endpoint::Local(_)) => {
            (Outcome::Failed("a sync has an s3:// side".into()), None)
        }
    }
}

/// The fingerprint of what was just written at `bucket/key`: the write's
/// ETag, or a HEAD's (a multipart write says none here).
async fn written(
    env: &Env,
    bucket: &str,
    key: &str,
    size: u64,
    etag: Option<String>,
) -> Option<Print> {
    if let Some(e) = etag {
        return Some(Print::object(size, Some(&e), None));
    }
    let req = GetRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        ..GetRequest::default()
    };
    let _slot = env.lane.slot().await;
    let h = env.store.head_object(&req).await.ok()?;
    (h.object_size == size).then(|| Print::object(size, h.etag.as_deref(), None))
}

/// The object at `bucket/key` must still carry `etag` (a HEAD): servers
/// that ignore `If-Match` are held to the plan this way.
pub(super) async fn still_there(
    env: &Env,
    bucket: &str,
    key: &str,
    etag: Option<&str>,
    size: u64,
) -> Result<(), String> {
    let req = GetRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        ..GetRequest::default()
    };
    let _slot = env.lane.slot().await;
    match env.store.head_object(&req).await {
        Ok(h) if etag.is_none() && h.object_size == size => Ok(()),
        Ok(h) if etag.is_some() && h.etag.as_deref().map(unquote) == etag.map(unquote) => Ok(()),
        Ok(_) => Err(format!(
            "{CHANGED}: the destination object was replaced meanwhile; nothing was written"
        )),
        Err(e) if matches!(e.kind, ErrorKind::NoSuchKey | ErrorKind::NotFound) => Err(format!(
            "{CHANGED}: the destination object was deleted meanwhile; nothing was written"
        )),
        Err(e) => Err(say(&e)),
    }
}

/// With a backup prefix: `key` (at `rel` under the destination) copied
/// to it before a row replaces or deletes it. `Err` ends the row.
pub(super) async fn back_up(
    env: &Env,
    backup: Option<&str>,
    bucket: &str,
    key: &str,
    rel: &str,
    size: u64,
) -> Result<(), Outcome> {
    let Some(prefix) = backup else {
        return Ok(());
    };
    let src = ObjectRef::new(bucket, key);
    let dst = ObjectRef::new(bucket, &format!("{prefix}{rel}"));
    let plain = Cond {
        if_absent: false,
        check_first: false,
    };
    match copy_one(env, &src, &dst, size, None, plain).await {
        Ok(_) => Ok(()),
        Err(Stop::Cancelled) => Err(Outcome::Cancelled),
        Err(Stop::Failed(e)) => Err(env.failed(format!(
            "not backed up to {}, so left as it is: {}",
            crate::sanitize::clean(&dst.key),
            say(&e)
        ))),
    }
}

/// How a write's error ends the row.
fn write_failed(env: &Env, e: Stop, expect: &Expect) -> Outcome {
    match e {
        Stop::Cancelled => Outcome::Cancelled,
        Stop::Failed(e) if exists_now(&e) => env.failed(match expect {
            Expect::Absent => {
                format!("{CHANGED}: another writer took the key; nothing was replaced")
            }
            _ => format!(
                "{CHANGED}: the destination object was replaced meanwhile; nothing was written"
            ),
        }),
        Stop::Failed(e) => env.failed(say(&e)),
    }
}

fn refuses_condition(e: &Stop) -> bool {
    matches!(e, Stop::Failed(e) if crate::engine::place::refuses_condition(e))
}

async fn upload(
    env: &Env,
    backup: Option<&str>,
    root: &Path,
    bucket: &str,
    key: &str,
    step: &Step,
) -> (Outcome, Option<Print>) {
    match upload_checked(env, backup, root, bucket, key, step).await {
        Ok(etag) => (
            Outcome::Done {
                bytes: step.size,
                note: None,
            },
            written(env, bucket, key, step.size, etag).await,
        ),
        Err(o) => (o, None),
    }
}

/// The upload, its ETag where the write said it.
async fn upload_checked(
    env: &Env,
    backup: Option<&str>,
    root: &Path,
    bucket: &str,
    key: &str,
    step: &Step,
) -> Result<Option<String>, Outcome> {
    let path = root.join(&step.from);
    let p = path.clone();
    let now = tokio::task::spawn_blocking(move || std::fs::symlink_metadata(p)).await;
    match now {
        Ok(Ok(m)) if m.is_file() && m.len() == step.size && m.modified().ok() == step.mtime => {}
        Ok(Ok(m)) if m.is_file() => {
            return Err(Outcome::Failed(format!(
                "{CHANGED}: the file was modified ({} bytes planned, {} now); nothing was written",
                step.size,
                m.len()
            )));
        }
        Ok(Ok(_)) => {
            return Err(Outcome::Failed(format!(
                "{CHANGED}: it is no longer a file"
            )));
        }
        Ok(Err(e)) => return Err(Outcome::Failed(format!("{CHANGED}: {e}"))),
        Err(e) => return Err(Outcome::Failed(e.to_string())),
    }
    let if_match = match &step.expect {
        Expect::Object { etag, size } => {
            if let Err(why) = still_there(env, bucket, key, etag.as_deref(), *size).await {
                return Err(env.failed(why));
            }
            back_up(env, backup, bucket, key, &step.to, *size).await?;
            etag.clone()
        }
        _ => None,
    };
    let seen = Seen {
        size: step.size,
        mtime: step.mtime,
    };
    let mut req = PutRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        content_type: Some(
            mime_guess::from_path(&path)
                .first_or_octet_stream()
                .essence_str()
                .to_owned(),
        ),
        metadata: step
            .mtime
            .map(crate::store::mtime::rclone_pair)
            .into_iter()
            .collect(),
        if_match,
        ..PutRequest::default()
    };
    for _ in 0..2 {
        let absent = step.expect == Expect::Absent;
        let cond = Cond {
            if_absent: absent && !env.conditional_refused(),
            check_first: absent && env.conditional_refused(),
        };
        req.if_absent = cond.if_absent;
        let r = if step.size >= env.settings.multipart_threshold {
            multipart(env, &req, &path, seen, cond).await.map(|()| None)
        } else {
            single(env, &req, &path, seen, cond).await
        };
        match r {
            Ok(etag) => return Ok(etag),
            // A server without conditional writes: checked by HEAD instead
            // (done above for a replaced object).
            Err(e) if refuses_condition(&e) && (req.if_absent || req.if_match.is_some()) => {
                env.set_conditional_refused();
                req.if_match = None;
            }
            Err(e) => return Err(write_failed(env, e, &step.expect)),
        }
    }
    Err(Outcome::Failed(
        "the server refused the write's condition twice".into(),
    ))
}

async fn download(
    env: &Env,
    bucket: &str,
    key: &str,
    dest: &Dest,
    step: &Step,
) -> (Outcome, Option<Print>) {
    let outcome = download_checked(env, bucket, key, dest, step).await;
    // The file as it landed (its mtime is the object's).
    let print = match (&outcome, RelPath::parse(&step.to)) {
        (Outcome::Done { .. }, Ok(rel)) => match dest.existing(&rel) {
            Ok(Some(e)) if e.kind == EntryKind::File => Some(Print::file(e.size, e.mtime)),
            _ => None,
        },
        _ => None,
    };
    (outcome, print)
}

async fn download_checked(env: &Env, bucket: &str, key: &str, dest: &Dest, step: &Step) -> Outcome {
    let rel = match RelPath::parse(&step.to) {
        Ok(r) => r,
        Err(why) => return Outcome::Refused(Refusal::UnsafeName(why.to_string())),
    };
    let overwrite = match &step.expect {
        // The commit never replaces what appears after this check.
        Expect::Absent => match dest.existing(&rel) {
            Ok(None) => false,
            Ok(Some(_)) => {
                return Outcome::Failed(format!(
                    "{CHANGED}: something appeared at its place; kept as it is"
                ));
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        },
        Expect::File { size, mtime } => match dest.existing(&rel) {
            Ok(Some(e)) if e.kind == EntryKind::File && e.size == *size && e.mtime == *mtime => {
                true
            }
            Ok(_) => {
                return Outcome::Failed(format!(
                    "{CHANGED}: the local file was modified meanwhile; kept as it is"
                ));
            }
            Err(e) => return Outcome::Failed(e.to_string()),
        },
        Expect::Object { .. } => {
            return Outcome::Failed("internal: an object expected locally".into());
        }
    };
    let obj = ObjectSummary {
        key: key.to_owned(),
        size: step.size,
        modified: None,
        storage_class: step.storage_class.clone(),
        etag: step.etag.clone(),
        version_id: None,
        restore: None,
    };
    match fetch_retried(env, bucket, &obj, dest, &rel, overwrite).await {
        Ok(note) => Outcome::Done {
            bytes: step.size,
            note: note.map(|n| format!("not verified: {n}")),
        },
        Err(o) => o,
    }
}

async fn copy(
    env: &Env,
    backup: Option<&str>,
    src: &ObjectRef,
    dst: &ObjectRef,
    step: &Step,
) -> (Outcome, Option<Print>) {
    if let Expect::Object { etag, size } = &step.expect {
        if let Err(why) = still_there(env, &dst.bucket, &dst.key, etag.as_deref(), *size).await {
            return (env.failed(why), None);
        }
        if let Err(o) = back_up(env, backup, &dst.bucket, &dst.key, &step.to, *size).await {
            return (o, None);
        }
    }
    let absent = step.expect == Expect::Absent;
    let cond = Cond {
        if_absent: absent && !env.conditional_refused(),
        check_first: absent && env.conditional_refused(),
    };
    let class = step.storage_class.as_deref();
    let mut r = copy_one(env, src, dst, step.size, class, cond).await;
    if let Err(e) = &r
        && refuses_condition(e)
        && cond.if_absent
    {
        env.set_conditional_refused();
        let cond = Cond {
            if_absent: false,
            check_first: true,
        };
        r = copy_one(env, src, dst, step.size, class, cond).await;
    }
    match r {
        Ok(etag) => {
            env.progress.moved(step.size);
            let done = Outcome::Done {
                bytes: step.size,
                note: None,
            };
            (done, written(env, &dst.bucket, &dst.key, step.size, etag).await)
        }
        Err(Stop::Failed(e)) if exists_now(&e) => (
            env.failed(format!(
                "{CHANGED}: the source or the destination object changed meanwhile; nothing was written"
            )),
            None,
        ),
        Err(e) => (write_failed(env, e, &step.expect), None),
    }
}
