//! A large object as parallel ranged GETs, each written at its offset with
//! `write_at`. The ranges follow the upload's parts when a per-part check
//! needs them; a whole-object check reads the finished file back once. A
//! range whose body breaks off is fetched again from its start; a range
//! that fails for good stops the others, since the attempt has failed.

use super::failure::{Failure, classify, local_write};
use super::part_layout;
use super::sink::Sink;
use crate::engine::retry::backoff;
use crate::engine::verify::{Algo, Check, Hasher, choose};
use crate::engine::{Env, parts};
use crate::local::dest::Pending;
use crate::store::{GetRequest, ObjectHead, StoreError};
use futures::StreamExt;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex};

/// A large object in parallel ranged GETs. Per-part checks align the
/// ranges with the upload's parts; whole-object checks read the file back
/// once all parts are in.
pub(super) async fn ranged(
    env: &Env,
    req: &GetRequest,
    size: u64,
    pending: &Pending,
) -> Result<(Check, ObjectHead), Failure> {
    let head = {
        let _slot = env.lane.slot().await;
        env.store.head_object(req).await.map_err(classify)?
    };
    let pinned = GetRequest {
        if_match: head.etag.clone().or(req.if_match.clone()),
        version_id: req.version_id.clone().or(head.version_id.clone()),
        ..req.clone()
    };
    let check = if env.settings.verify {
        let layout = part_layout(env, &pinned, head.etag.as_deref(), head.object_size).await;
        choose(&head, layout)
    } else {
        Check::Unverifiable("verify = false".into())
    };
    let part = check
        .part_size()
        .unwrap_or_else(|| parts::part_size(size, env.settings.part_size));
    pending
        .file()
        .set_len(head.object_size)
        .map_err(|e| Failure::Final(format!("cannot size the file: {e}")))?;
    let file = pending
        .file()
        .try_clone()
        .map_err(|e| Failure::Final(e.to_string()))?;
    let file = Arc::new(file);
    let per_part = check.part_size().is_some();
    let algo = check.algo();
    let ranges: Vec<(u64, u64)> = parts::ranges(head.object_size, part).collect();
    // One range failing fails this attempt, so the others stop: those not
    // started are never asked for, those in flight are cut off (a full
    // disk would fail each of them too, after its GET). Their cancel is a
    // child of the job's, so a cancel of the job still reaches them.
    let parts_env = Env {
        cancel: env.cancel.child_token(),
        ..env.clone()
    };
    let first: Arc<Mutex<Option<Failure>>> = Arc::default();
    let results: Vec<Option<Option<Vec<u8>>>> = futures::stream::iter(ranges.clone())
        .map(|range| {
            let (env, file, pinned) = (parts_env.clone(), file.clone(), pinned.clone());
            let first = first.clone();
            tokio::spawn(async move {
                let hash = if per_part { algo } else { None };
                match range_with_retries(&env, &pinned, range, &file, hash).await {
                    Ok(d) => Some(d),
                    Err(f) => {
                        stop_all(&env, &first, f);
                        None
                    }
                }
            })
        })
        .buffered(env.settings.concurrency.max(1))
        .map(|joined| {
            joined.unwrap_or_else(|e| {
                stop_all(
                    &parts_env,
                    &first,
                    Failure::Final(format!("part task: {e}")),
                );
                None
            })
        })
        .collect()
        .await;
    let mut digests = Vec::new();
    let mut arrived = 0;
    for (r, (start, end)) in results.into_iter().zip(&ranges) {
        if let Some(d) = r {
            arrived += end - start;
            digests.extend(d);
        }
    }
    let failed = first.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(f) = failed {
        // The parts that did arrive are not "downloaded": the file goes.
        env.progress.unmoved(arrived);
        return Err(f);
    }
    if !per_part && let Some(algo) = algo {
        // A whole-object check over the finished file (from the page cache).
        let file = file.clone();
        let len = head.object_size;
        let d = tokio::task::spawn_blocking(move || hash_file(&file, len, algo))
            .await
            .map_err(|e| Failure::Final(e.to_string()))?
            .map_err(|e| Failure::Final(format!("cannot read back: {e}")));
        let d = match d {
            Ok(d) => d,
            Err(f) => {
                env.progress.unmoved(arrived);
                return Err(f);
            }
        };
        digests = vec![d];
    }
    if let Err(why) = check.verify(&digests) {
        env.progress.unmoved(head.object_size);
        return Err(Failure::Retry(format!("integrity check failed: {why}")));
    }
    Ok((check, head))
}

/// Keeps the first failure (the one that made the others stop, not their
/// "cancelled") and stops the ranges.
fn stop_all(env: &Env, first: &Mutex<Option<Failure>>, f: Failure) {
    first
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert(f);
    env.cancel.cancel();
}

fn hash_file(file: &std::fs::File, len: u64, algo: Algo) -> std::io::Result<Vec<u8>> {
    let mut h = Hasher::new(algo);
    let mut buf = vec![0u8; 4 << 20];
    let mut off = 0u64;
    while off < len {
        let n = file.read_at(&mut buf, off)?;
        if n == 0 {
            return Err(std::io::Error::other("file shorter than the object"));
        }
        h.update(&buf[..n]);
        off += n as u64;
    }
    Ok(h.finish())
}

/// One range, retried (from its start) when its body breaks off.
async fn range_with_retries(
    env: &Env,
    req: &GetRequest,
    (start, end): (u64, u64),
    file: &std::fs::File,
    hash: Option<Algo>,
) -> Result<Option<Vec<u8>>, Failure> {
    let mut tries = 0;
    loop {
        if env.cancelled() {
            return Err(Failure::Cancelled);
        }
        let r = GetRequest {
            range: Some((start, end)),
            ..req.clone()
        };
        match one_range(env, &r, start, end, file, hash).await {
            Ok(d) => return Ok(d),
            Err((n, e)) => {
                env.progress.unmoved(n);
                tries += 1;
                let f = classify(e);
                if tries > env.settings.retries || f.is_final() {
                    return Err(f);
                }
                // The loop's start sees a cancel that ends this wait.
                env.pause(backoff(tries)).await;
            }
        }
    }
}

async fn one_range(
    env: &Env,
    req: &GetRequest,
    start: u64,
    end: u64,
    file: &std::fs::File,
    hash: Option<Algo>,
) -> Result<Option<Vec<u8>>, (u64, StoreError)> {
    let _slot = env.lane.slot().await;
    let (_, mut body) = tokio::select! {
        r = env.store.get_object(req) => r.map_err(|e| (0, e))?,
        _ = env.cancel.cancelled() => return Err((0, StoreError::cancelled())),
    };
    let mut h = hash.map(Hasher::new);
    let mut sink = Sink::new(file, start).map_err(|e| (0, local_write(&e)))?;
    let mut off = start;
    loop {
        let next = tokio::select! {
            n = tokio::time::timeout(env.settings.stall_timeout, body.next()) => n,
            _ = env.cancel.cancelled() => return Err((off - start, StoreError::cancelled())),
        };
        let chunk = match next {
            Ok(Some(Ok(c))) => c,
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err((off - start, e)),
            Err(_) => {
                let e = StoreError::new(crate::store::ErrorKind::Timeout, "a part stalled");
                return Err((off - start, e));
            }
        };
        if off + chunk.len() as u64 > end {
            let e = StoreError::new(
                crate::store::ErrorKind::BadResponse,
                "more bytes than asked",
            );
            return Err((off - start, e));
        }
        env.throttle(chunk.len() as u64).await;
        sink.write(chunk.clone())
            .await
            .map_err(|e| (off - start, e))?;
        if let Some(h) = h.as_mut() {
            h.update(&chunk);
        }
        off += chunk.len() as u64;
        env.progress.moved(chunk.len() as u64);
    }
    // A range is fetched again from its start when it fails, so only its
    // end needs the bytes in the file.
    sink.flush().await.map_err(|e| (off - start, e))?;
    if off != end {
        let e = StoreError::new(
            crate::store::ErrorKind::BadResponse,
            format!("part truncated: {} of {} bytes", off - start, end - start),
        );
        return Err((off - start, e));
    }
    Ok(h.map(|h| h.finish()))
}
