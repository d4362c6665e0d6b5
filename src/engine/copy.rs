//! Server-side copies and moves (paste, rename), within a bucket or across
//! buckets and regions. CopyObject keeps metadata, tags and content
//! headers; the storage class is passed on explicitly (S3 would reset it).
//! Objects over the copy threshold go by UploadPartCopy, with metadata,
//! tags and headers read from the source first. A move deletes a source
//! only after its copy was checked (HeadObject: size, and ETag or checksum
//! where they must match): a failed copy leaves its source untouched.

use super::expand::{self, Found};
use super::retry::retried;
use super::upload::{Remote, claim_keep_both, existing};
use super::{Choice, Env, Mapping, Outcome, Question, S3Source, parts, say};
use crate::store::{ContentHeaders, GetRequest, ObjectRef, ObjectSummary, PutRequest};
use futures::StreamExt;
use std::collections::HashMap;
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
            let msg = format!("cannot copy {p} into itself ({})", m.to);
            env.progress.finish(p, Outcome::Failed(msg), 0);
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
                env.progress.finish(&probe, Outcome::Failed(msg), 0);
                return;
            }
        }
    }
    let ctx = Arc::new(Ctx {
        bucket: bucket.to_owned(),
        dest_bucket: dest_bucket.to_owned(),
        sources,
        there: Mutex::new(there),
        remove_source,
        moved: Mutex::new(Vec::new()),
    });
    let (tx, rx) = mpsc::channel(1024);
    let workers = expand::stream(rx)
        .map(|found| {
            let (env, ctx) = (env.clone(), ctx.clone());
            tokio::spawn(async move { item(&env, &ctx, found).await })
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
    there: Mutex<HashMap<String, Remote>>,
    remove_source: bool,
    /// Sources whose copy was verified, to delete at the end of a move.
    moved: Mutex<Vec<(String, u64)>>,
}

async fn item(env: &Env, ctx: &Ctx, found: Found) {
    let obj = found.obj;
    let size = obj.size;
    let done = |o: Outcome| env.progress.finish(&obj.key, o, size);
    if env.cancelled() {
        return done(Outcome::Skipped("cancelled".into()));
    }
    let Some(mut target) = ctx.sources[found.mapping].target(&obj.key) else {
        return done(Outcome::Refused("outside the copied prefix".into()));
    };
    if ctx.bucket == ctx.dest_bucket && target == obj.key {
        return done(Outcome::Refused(
            "source and destination are the same".into(),
        ));
    }
    let remote = ctx
        .there
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&target)
        .cloned();
    if let Some(remote) = remote {
        let q = Question {
            target: format!("s3://{}/{}", ctx.dest_bucket, target),
            detail: format!("{} B there, {} B copied", remote.size, size),
        };
        let Some(choice) = env.resolve(q).await else {
            return done(Outcome::Skipped("cancelled".into()));
        };
        match choice {
            Choice::Overwrite => {}
            Choice::Skip => return done(Outcome::Skipped("exists".into())),
            Choice::SkipIdentical => {
                let same = remote.size == size
                    && remote.etag.is_some()
                    && remote.etag.as_deref().map(|e| e.trim_matches('"'))
                        == obj.etag.as_deref().map(|e| e.trim_matches('"'));
                if same {
                    return done(Outcome::Skipped("identical".into()));
                }
            }
            Choice::KeepBoth => target = claim_keep_both(&ctx.there, &target, size),
            Choice::Cancel => {
                env.cancel.cancel();
                return done(Outcome::Skipped("cancelled".into()));
            }
        }
    }
    let src = ObjectRef::new(&ctx.bucket, &obj.key);
    let dst = ObjectRef::new(&ctx.dest_bucket, &target);
    let copied = if size > env.settings.copy_threshold {
        multipart_copy(env, &src, &dst, size).await
    } else {
        let _slot = env.lane.slot().await;
        retried(env, || {
            env.store
                .copy_object(&src, &dst, obj.storage_class.as_deref())
        })
        .await
        .map(|_| ())
    };
    if let Err(e) = copied {
        return done(env.failed(e));
    }
    env.progress.moved(size);
    if ctx.remove_source {
        if let Err(why) = check_copy(env, &obj, &dst).await {
            return done(Outcome::Failed(format!(
                "copied, but the copy does not match ({why}); the source is kept"
            )));
        }
        ctx.moved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((obj.key.clone(), size));
    }
    done(Outcome::Done {
        bytes: size,
        note: None,
    })
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
) -> Result<(), String> {
    let info = {
        let _slot = env.lane.slot().await;
        retried(env, || env.store.object_info_at(src)).await?
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
        storage_class: info.storage_class.clone(),
        headers: ContentHeaders {
            cache_control: info.cache_control.clone(),
            content_disposition: info.content_disposition.clone(),
            content_encoding: info.content_encoding.clone(),
            content_language: info.content_language.clone(),
        },
        metadata: info.metadata.clone(),
        tagging,
        ..PutRequest::default()
    };
    let upload_id = {
        let _slot = env.lane.slot().await;
        retried(env, || env.store.create_multipart(&req)).await?
    };
    let part = parts::part_size(size, env.settings.part_size.max(parts::MIN_PART));
    let ranges: Vec<(u64, u64)> = parts::ranges(size, part).collect();
    let results: Vec<Result<crate::store::Part, String>> =
        futures::stream::iter(ranges.into_iter().enumerate())
            .map(|(i, range)| {
                let (env, src, req, id) =
                    (env.clone(), src.clone(), req.clone(), upload_id.clone());
                tokio::spawn(async move {
                    let _slot = env.lane.slot().await;
                    let n = i as i32 + 1;
                    retried(&env, || {
                        env.store.upload_part_copy(&src, &req, &id, n, range)
                    })
                    .await
                })
            })
            .buffer_unordered(env.settings.concurrency.max(1))
            .map(|j| j.unwrap_or_else(|e| Err(format!("part task: {e}"))))
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
    let result = match failed {
        Some(e) => Err(e),
        None => {
            done.sort_by_key(|p| p.number);
            let _slot = env.lane.slot().await;
            retried(env, || {
                env.store.complete_multipart(&req, &upload_id, &done)
            })
            .await
            .map(|_| ())
        }
    };
    if result.is_err() {
        let _ = env
            .store
            .abort_multipart(&req.bucket, &req.key, &upload_id)
            .await;
    }
    result
}

/// The end of a move: deletes the sources whose copies were checked.
async fn remove_sources(env: &Env, ctx: &Ctx) {
    let moved = std::mem::take(&mut *ctx.moved.lock().unwrap_or_else(|p| p.into_inner()));
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
