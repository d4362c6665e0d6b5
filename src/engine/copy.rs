//! Server-side copies and moves (paste, rename), within a bucket or across
//! buckets and regions. CopyObject keeps metadata, tags and content
//! headers; the storage class is passed on explicitly (S3 would reset it).
//! Objects over the copy threshold go by UploadPartCopy, with metadata,
//! tags and headers read from the source first. A move deletes a source
//! only after its copy was checked (HeadObject: size, and ETag or checksum
//! where they must match): a failed copy leaves its source untouched.
//! Within one bucket, an item that would write over another item's source
//! meets that source as it meets an earlier item of the job, whichever
//! runs first, and a move never deletes a key the job itself wrote.

use super::claims::{Claim, Claims, existing};
use super::complete::{NotCompleted, complete};
use super::expand;
use super::place::{Cond, Incoming, ensure_absent, place};
use super::progress::{Refusal, Side};
use super::retry::{Stop, retried_stop};
use super::{Env, Mapping, Outcome, S3Source, parts, say};
use crate::store::{ContentHeaders, GetRequest, ObjectRef, ObjectSummary, PutRequest, StoreError};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

pub async fn run(
    env: &Env,
    bucket: &str,
    sources: Vec<Mapping>,
    dest_bucket: &str,
    remove_source: bool,
) {
    // A prefix copied into itself would list its own copies as it goes
    // (page after page, each copied again, and deleted again by a move).
    // The TUI refuses such a paste; `pail cp`/`pail mv` come here directly.
    for m in &sources {
        if let S3Source::Prefix(p) = &m.source
            && bucket == dest_bucket
            && m.to.starts_with(p.as_str())
        {
            env.progress.found(0);
            let why = Refusal::IntoItself(m.to.clone());
            env.progress.finish(p, Outcome::Refused(why), 0);
            return;
        }
    }
    let mut there = HashMap::new();
    for m in &sources {
        // The destination side of each source, listed once for conflicts.
        let probe = match &m.source {
            S3Source::Prefix(_) => m.to.clone(),
            S3Source::Object(o) => m.target(&o.key).unwrap_or_default(),
        };
        match existing(env, dest_bucket, &probe).await {
            Ok(found) => there.extend(found),
            Err(e) => {
                env.progress.found(0);
                let msg = format!("cannot list the destination: {}", say(&e));
                env.progress.finish(&probe, env.failed(msg), 0);
                return;
            }
        }
    }
    let ctx = Arc::new(Ctx {
        bucket: bucket.to_owned(),
        dest_bucket: dest_bucket.to_owned(),
        sources,
        claims: Claims::new(there),
        remove_source,
        moved: Mutex::new(Vec::new()),
        written: Mutex::new(HashSet::new()),
    });
    let (tx, rx) = mpsc::channel(1024);
    let workers = expand::stream(rx)
        .map(|found| {
            // Claimed here, one at a time in listing order, before any
            // worker writes: the first item to a key keeps it.
            let target = ctx.sources[found.mapping].target(&found.obj.key);
            let first = target.as_ref().and_then(|t| {
                ctx.source_claim(t, &found.obj.key).or_else(|| {
                    ctx.claims.claim(
                        t,
                        Claim {
                            item: found.obj.key.clone(),
                            size: found.obj.size,
                            etag: found.obj.etag.clone(),
                        },
                    )
                })
            });
            let (env, ctx) = (env.clone(), ctx.clone());
            let (name, size) = (found.obj.key.clone(), found.obj.size);
            async move {
                let env2 = env.clone();
                let work = async move { item(&env2, &ctx, found.obj, target, first).await };
                super::item_task::run_item(&env, name, size, work).await
            }
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {});
    tokio::join!(expand::expand(env, bucket, &ctx.sources, tx), workers);
    if remove_source {
        remove_sources(env, &ctx).await;
    }
}

struct Ctx {
    bucket: String,
    dest_bucket: String,
    sources: Vec<Mapping>,
    claims: Claims,
    remove_source: bool,
    /// Sources whose copy was verified, to delete at the end of a move.
    moved: Mutex<Vec<(String, u64)>>,
    /// Keys this job wrote: a move never deletes one as a source.
    written: Mutex<HashSet<String>>,
}

impl Ctx {
    /// The claim a source of this job holds on `key`, when an item other
    /// than its own would write there: in one bucket, a marked object, or
    /// a key a marked prefix holds. A source is read (and, by a move,
    /// deleted) by its own item, in whatever order the items run, so
    /// another item meets it as it meets an earlier item of the job:
    /// writing over it could be copied in its place, or deleted with it.
    fn source_claim(&self, key: &str, item: &str) -> Option<Claim> {
        if self.bucket != self.dest_bucket || key == item {
            return None;
        }
        self.sources.iter().find_map(|m| match &m.source {
            S3Source::Object(o) if o.key == key => Some(Claim {
                item: o.key.clone(),
                size: o.size,
                etag: o.etag.clone(),
            }),
            S3Source::Prefix(p) if key.starts_with(p.as_str()) => {
                self.claims.there(key).map(|r| Claim {
                    item: key.to_owned(),
                    size: r.size,
                    etag: r.etag,
                })
            }
            _ => None,
        })
    }
}

async fn item(
    env: &Env,
    ctx: &Ctx,
    obj: ObjectSummary,
    target: Option<String>,
    first: Option<Claim>,
) {
    let size = obj.size;
    let done = |o: Outcome, dest: Option<String>| env.progress.finish_at(&obj.key, o, size, dest);
    if env.cancelled() {
        return done(Outcome::Cancelled, None);
    }
    let Some(target) = target else {
        let why = Refusal::UnsafeName("outside the copied prefix".into());
        return done(Outcome::Refused(why), None);
    };
    if ctx.bucket == ctx.dest_bucket && target == obj.key {
        return done(Outcome::Refused(Refusal::SameObject), None);
    }
    let ours = Incoming {
        item: &obj.key,
        side: Side {
            label: if ctx.remove_source {
                "in the source"
            } else {
                "copied"
            },
            size,
            modified: obj.modified,
        },
        etag: obj.etag.as_deref(),
    };
    let same_etag = |r: crate::engine::claims::Remote| {
        let same = r.size == size
            && r.etag.is_some()
            && r.etag.as_deref().map(|e| e.trim_matches('"'))
                == obj.etag.as_deref().map(|e| e.trim_matches('"'));
        async move { same }
    };
    let src = ObjectRef::new(&ctx.bucket, &obj.key);
    let write = |key: String, cond: Cond| {
        let src = src.clone();
        let class = obj.storage_class.clone();
        async move {
            let dst = ObjectRef::new(&ctx.dest_bucket, &key);
            copy_one(env, &src, &dst, size, class.as_deref(), cond)
                .await
                .map(|_| ())
        }
    };
    let placed = place(
        env,
        &ctx.claims,
        &ctx.dest_bucket,
        &target,
        first,
        ours,
        same_etag,
        write,
    )
    .await;
    let written = match placed {
        Ok(k) => k,
        Err(outcome) => return done(outcome, None),
    };
    ctx.written
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(written.clone());
    let moved_to = (written != target).then(|| written.clone());
    env.progress.moved(size);
    if ctx.remove_source {
        let dst = ObjectRef::new(&ctx.dest_bucket, &written);
        if let Err(why) = check_copy(env, &obj, &dst).await {
            let msg = format!("copied, but the copy does not match ({why}); the source is kept");
            return done(Outcome::Failed(msg), moved_to);
        }
        ctx.moved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((obj.key.clone(), size));
    }
    done(
        Outcome::Done {
            bytes: size,
            note: None,
        },
        moved_to,
    )
}

/// One copy to `dst` under `cond`: CopyObject, or UploadPartCopy above
/// the copy threshold.
pub(super) async fn copy_one(
    env: &Env,
    src: &ObjectRef,
    dst: &ObjectRef,
    size: u64,
    class: Option<&str>,
    cond: Cond,
) -> Result<Option<String>, Stop> {
    if size > env.settings.copy_threshold {
        return multipart_copy(env, src, dst, size, class, cond)
            .await
            .map(|()| None);
    }
    let _slot = env.lane.slot().await;
    if cond.check_first {
        ensure_absent(env, &dst.bucket, &dst.key)
            .await
            .map_err(Stop::failed)?;
    }
    retried_stop(env, || {
        env.store.copy_object(src, dst, class, cond.if_absent)
    })
    .await
    .map(|w| w.etag)
}

/// A storage class change: `obj` copied onto itself in class `to`, its
/// metadata, content headers and tags kept (CopyObject keeps them by
/// itself; above the copy threshold the multipart copy carries them
/// over), under the job's slots, retries and cancel. `Err` says why.
pub async fn change_class(
    env: &Env,
    bucket: &str,
    obj: &ObjectSummary,
    to: &str,
) -> Result<(), String> {
    let src = ObjectRef::new(bucket, &obj.key);
    let cond = Cond {
        if_absent: false,
        check_first: false,
    };
    match copy_one(env, &src, &src, obj.size, Some(to), cond).await {
        Ok(_) => Ok(()),
        Err(Stop::Cancelled) => Err("cancelled".into()),
        Err(Stop::Failed(e)) => Err(super::say(&e)),
    }
}

/// A move's check before the source goes: same size, and the same ETag
/// when both are single-part MD5s (a multipart copy's ETag differs by
/// nature; then checksums must match where both sides have one).
async fn check_copy(env: &Env, src: &ObjectSummary, dst: &ObjectRef) -> Result<(), String> {
    let _slot = env.lane.slot().await;
    let head = env
        .store
        .head_object(&GetRequest::object(dst))
        .await
        .map_err(|e| say(&e))?;
    if head.object_size != src.size {
        return Err(format!("{} bytes, expected {}", head.object_size, src.size));
    }
    let plain = |e: &str| !e.contains('-') && e.trim_matches('"').len() == 32;
    if let (Some(a), Some(b)) = (src.etag.as_deref(), head.etag.as_deref())
        && plain(a)
        && plain(b)
        && a.trim_matches('"') != b.trim_matches('"')
    {
        return Err("ETag differs".into());
    }
    Ok(())
}

/// UploadPartCopy for objects CopyObject cannot take (over 5 GiB, or over
/// the configured threshold). The source's metadata, tags, content headers
/// and storage class are read first and set on the new upload.
pub(super) async fn multipart_copy(
    env: &Env,
    src: &ObjectRef,
    dst: &ObjectRef,
    size: u64,
    class: Option<&str>,
    cond: Cond,
) -> Result<(), Stop> {
    let info = {
        let _slot = env.lane.slot().await;
        retried_stop(env, || env.store.object_info_at(src)).await?
    };
    let tagging = (!info.tags.is_empty()).then(|| {
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        info.tags
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    });
    let req = PutRequest {
        bucket: dst.bucket.clone(),
        key: dst.key.clone(),
        content_type: info.content_type.clone(),
        storage_class: class.map(str::to_owned).or(info.storage_class.clone()),
        headers: ContentHeaders {
            cache_control: info.cache_control.clone(),
            content_disposition: info.content_disposition.clone(),
            content_encoding: info.content_encoding.clone(),
            content_language: info.content_language.clone(),
        },
        metadata: info.metadata.clone(),
        tagging,
        if_absent: cond.if_absent,
        ..PutRequest::default()
    };
    let upload_id = {
        let _slot = env.lane.slot().await;
        super::retry::retried_uncut(env, || env.store.create_multipart(&req)).await?
    };
    env.upload_started(&req.bucket, &req.key, &upload_id);
    let part = parts::part_size(size, env.settings.part_size.max(parts::MIN_PART));
    let ranges: Vec<(u64, u64)> = parts::ranges(size, part).collect();
    let results: Vec<Result<crate::store::Part, Stop>> =
        futures::stream::iter(ranges.into_iter().enumerate())
            .map(|(i, range)| {
                let (env, src, req, id) =
                    (env.clone(), src.clone(), req.clone(), upload_id.clone());
                tokio::spawn(async move {
                    let _slot = env.lane.slot().await;
                    let n = i as i32 + 1;
                    retried_stop(&env, || {
                        env.store.upload_part_copy(&src, &req, &id, n, range)
                    })
                    .await
                })
            })
            .buffer_unordered(env.settings.concurrency.max(1))
            .map(|j| j.unwrap_or_else(|e| Err(Stop::failed(task_died(e)))))
            .collect()
            .await;
    let mut done = Vec::new();
    let mut failed = None;
    for r in results {
        match r {
            Ok(p) => done.push(p),
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    let result: Result<(), NotCompleted> = match failed {
        Some(e) => Err(e.into()),
        None => {
            done.sort_by_key(|p| p.number);
            let _slot = env.lane.slot().await;
            let checked = if cond.check_first {
                ensure_absent(env, &req.bucket, &req.key)
                    .await
                    .map_err(Stop::failed)
            } else {
                Ok(())
            };
            match checked {
                Ok(()) => complete(env, &req, &upload_id, &done, size).await,
                Err(e) => Err(e.into()),
            }
        }
    };
    super::complete::finish(env, &req, &upload_id, result).await
}

/// A part task that panicked or was dropped: its part failed.
pub(super) fn task_died(e: tokio::task::JoinError) -> StoreError {
    StoreError::new(
        crate::store::ErrorKind::Other,
        format!("part task ended: {e}"),
    )
}

/// The end of a move: deletes the sources whose copies were checked.
async fn remove_sources(env: &Env, ctx: &Ctx) {
    let mut moved = std::mem::take(&mut *ctx.moved.lock().unwrap_or_else(|p| p.into_inner()));
    if ctx.bucket == ctx.dest_bucket {
        // A source another item wrote over holds that item's copy now.
        let written = ctx.written.lock().unwrap_or_else(|p| p.into_inner());
        moved.retain(|(k, _)| !written.contains(k));
    }
    for batch in moved.chunks(1000) {
        let keys: Vec<String> = batch.iter().map(|(k, _)| k.clone()).collect();
        let _slot = env.lane.slot().await;
        // Not cancellable half-way: the copies exist, the sources must go
        // or stay as a whole batch.
        match env.store.delete_objects(&ctx.bucket, &keys).await {
            Ok(failures) => {
                for f in failures {
                    env.progress.found(0);
                    let msg = format!(
                        "copied, but the source could not be removed: {}: {}",
                        f.code, f.message
                    );
                    env.progress.finish(&f.key, Outcome::Failed(msg), 0);
                }
            }
            Err(e) => {
                env.progress.found(0);
                let msg = format!(
                    "copied, but {} sources could not be removed: {}",
                    keys.len(),
                    say(&e)
                );
                env.progress.finish(&keys[0], Outcome::Failed(msg), 0);
            }
        }
    }
}
