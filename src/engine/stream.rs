//! One object to a writer or from a reader: `pail cp s3://b/k -` writes
//! the object to stdout, `pail cp - s3://b/k` uploads stdin. A pipe cannot
//! be read twice nor written into at an offset, so this is not a job of
//! files: the download streams in order (a body that breaks off resumes
//! from where it stopped, pinned to the ETag) and is checked once the last
//! byte is written; the upload reads one part at a time, sends what fits
//! in one part as a single PutObject and anything longer as a multipart
//! upload, which is aborted when it fails or is cancelled. Both record
//! one item in [`super::Progress`] and set the final phase, like
//! [`super::run`].

use super::claims::{Claims, Remote, existing};
use super::complete::{NotCompleted, complete};
use super::download::{Failure, classify, part_layout};
use super::place::{Cond, Incoming, ensure_absent, place};
use super::progress::Side;
use super::retry::{Stop, backoff, retried_stop};
use super::verify::{Check, StreamHasher, choose, crc32_b64};
use super::{Env, Outcome, Phase, UploadOptions, say};
use crate::store::{ErrorKind, GetRequest, ObjectSummary, Part, PutRequest, StoreError};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// S3 takes at most this many parts in one upload.
const MAX_PARTS: u64 = 10_000;

/// Parts read ahead and sent at once (as file uploads do).
const PARTS_IN_FLIGHT: usize = 8;

/// Writes `obj` to `out`, in order. `what` names the writer in errors
/// ("stdout").
pub async fn download<W>(env: &Env, bucket: &str, obj: &ObjectSummary, out: &mut W, what: &str)
where
    W: AsyncWrite + Unpin + Send,
{
    env.progress.set_phase(Phase::Running);
    env.progress.found(obj.size);
    let outcome = match send(env, bucket, obj, out, what).await {
        Ok(note) => Outcome::Done {
            bytes: obj.size,
            note: note.map(|n| format!("not verified: {n}")),
        },
        Err(Failure::Cancelled) => Outcome::Cancelled,
        Err(Failure::Final(why) | Failure::Retry(why)) => env.failed(why),
    };
    env.progress.finish(&obj.key, outcome, obj.size);
    super::settle(env);
}

/// The GET(s) of one download; the reason a check could not be made, if
/// one could not.
async fn send<W>(
    env: &Env,
    bucket: &str,
    obj: &ObjectSummary,
    out: &mut W,
    what: &str,
) -> Result<Option<String>, Failure>
where
    W: AsyncWrite + Unpin + Send,
{
    let req = GetRequest::pinned(bucket, obj);
    let part = part_layout(env, &req, obj.etag.as_deref(), obj.size).await;
    let mut check: Option<Check> = None;
    let mut hasher: Option<StreamHasher> = None;
    let mut size = obj.size;
    let mut offset = 0u64;
    let mut tries = 0;
    loop {
        if env.cancelled() {
            return Err(Failure::Cancelled);
        }
        let mut r = req.clone();
        if offset > 0 {
            r.range = Some((offset, size));
        }
        let broke = {
            let _slot = env.lane.slot().await;
            let got = tokio::select! {
                g = env.store.get_object(&r) => g,
                _ = env.cancel.cancelled() => return Err(Failure::Cancelled),
            };
            match got {
                Err(e) => Some(e),
                Ok((head, _)) if offset > 0 && head.content_length != size - offset => {
                    // A server that ignores the range sends the object
                    // again from its start: those bytes are written.
                    return Err(Failure::Final(format!(
                        "the server ignored the range of a resumed download after {offset} bytes (those were written to {what})"
                    )));
                }
                Ok((head, mut body)) => {
                    if check.is_none() {
                        size = head.object_size;
                        let c = if env.settings.verify {
                            choose(&head, part)
                        } else {
                            Check::Unverifiable("verify = false".into())
                        };
                        hasher = c.algo().map(|a| StreamHasher::new(a, c.part_size()));
                        check = Some(c);
                    }
                    loop {
                        let next = tokio::select! {
                            n = tokio::time::timeout(env.settings.stall_timeout, body.next()) => n,
                            _ = env.cancel.cancelled() => return Err(Failure::Cancelled),
                        };
                        let chunk = match next {
                            Ok(Some(Ok(c))) => c,
                            Ok(None) => break None,
                            Ok(Some(Err(e))) => break Some(e),
                            Err(_) => {
                                break Some(StoreError::new(
                                    ErrorKind::Timeout,
                                    format!(
                                        "no data for {} s",
                                        env.settings.stall_timeout.as_secs()
                                    ),
                                ));
                            }
                        };
                        env.throttle(chunk.len() as u64).await;
                        out.write_all(&chunk)
                            .await
                            .map_err(|e| Failure::Final(format!("cannot write to {what}: {e}")))?;
                        if let Some(h) = hasher.as_mut() {
                            h.update(&chunk);
                        }
                        offset += chunk.len() as u64;
                        env.progress.moved(chunk.len() as u64);
                    }
                }
            }
        };
        let Some(e) = broke else { break };
        // What was written stays written: go on from there, never again.
        tries += 1;
        match classify(e) {
            Failure::Retry(_) if tries <= env.settings.retries => {
                tracing::info!(tries, offset, "stream download broke off, resuming");
                env.pause(backoff(tries)).await;
            }
            Failure::Retry(why) => return Err(Failure::Final(why)),
            f => return Err(f),
        }
    }
    out.flush()
        .await
        .map_err(|e| Failure::Final(format!("cannot write to {what}: {e}")))?;
    if offset != size {
        return Err(Failure::Final(format!(
            "truncated: {offset} of {size} bytes arrived (what arrived was written to {what})"
        )));
    }
    let check = check.unwrap_or_else(|| Check::Unverifiable("no answer".into()));
    if let Some(h) = hasher
        && let Err(why) = check.verify(&h.finish())
    {
        return Err(Failure::Final(format!(
            "integrity check failed: {why}; the bytes written to {what} are not the object"
        )));
    }
    Ok(match check {
        Check::Unverifiable(why) => Some(why),
        _ => None,
    })
}

/// Uploads everything `input` gives to `key`, applying the conflict
/// policy to what is there. `name` is the item's name ("-").
pub async fn upload<R>(
    env: &Env,
    input: R,
    name: &str,
    bucket: &str,
    key: &str,
    options: &UploadOptions,
) where
    R: AsyncRead + Unpin + Send,
{
    env.progress.set_phase(Phase::Running);
    env.progress.set_listing(true);
    env.progress.found(0);
    let read = AtomicU64::new(0);
    let outcome = upload_item(env, input, name, bucket, key, options, &read).await;
    env.progress.set_listing(false);
    let (outcome, dest) = match outcome {
        Ok(written) => {
            let bytes = read.load(Relaxed);
            let dest = (written != key).then_some(written);
            (Outcome::Done { bytes, note: None }, dest)
        }
        Err(o) => (o, None),
    };
    env.progress
        .finish_at(name, outcome, read.load(Relaxed), dest);
    super::settle(env);
}

/// What was read before deciding how to send it: everything (it fits in
/// one part), or the first parts of a longer stream.
enum Start {
    Whole(Bytes),
    Parts(Vec<Bytes>),
}

async fn upload_item<R>(
    env: &Env,
    mut input: R,
    name: &str,
    bucket: &str,
    key: &str,
    options: &UploadOptions,
    read: &AtomicU64,
) -> Result<String, Outcome>
where
    R: AsyncRead + Unpin + Send,
{
    let there = existing(env, bucket, key)
        .await
        .map_err(|e| env.failed(format!("cannot list the destination: {}", say(&e))))?;
    let claims = Claims::new(there);
    let part = env.settings.part_size.max(1);
    let first = stop_outcome(env, read_part(env, &mut input, part, read).await)?;
    let start = if (first.len() as u64) < part {
        Start::Whole(first)
    } else {
        let second = stop_outcome(env, read_part(env, &mut input, part, read).await)?;
        if second.is_empty() {
            Start::Whole(first)
        } else {
            Start::Parts(vec![first, second])
        }
    };
    let single = match &start {
        Start::Whole(b) => {
            env.progress.set_listing(false);
            Some(b.clone())
        }
        Start::Parts(_) => None,
    };
    let ours = Incoming {
        item: name,
        side: Side {
            label: "from stdin",
            size: read.load(Relaxed),
            modified: None,
        },
        etag: None,
    };
    let identical = |r: Remote| {
        let body = single.clone();
        async move {
            let Some(body) = body else {
                // Only what is read can be compared, and a stream longer
                // than a part is sent as it is read.
                return false;
            };
            let etag = r.etag.as_deref().unwrap_or("").trim_matches('"').to_owned();
            etag.len() == 32 && r.size == body.len() as u64 && md5_hex(&body) == etag
        }
    };
    let content_type = mime_guess::from_path(key)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();
    let request = |key: String, cond: Cond| PutRequest {
        bucket: bucket.to_owned(),
        key,
        content_type: Some(content_type.clone()),
        storage_class: options.storage_class.clone(),
        encryption: options.encryption.clone(),
        if_absent: cond.if_absent,
        ..PutRequest::default()
    };
    let rest = tokio::sync::Mutex::new(match start {
        Start::Whole(_) => None,
        Start::Parts(p) => Some((p, input)),
    });
    let write = |key: String, cond: Cond| {
        let req = request(key, cond);
        let (single, rest) = (single.clone(), &rest);
        async move {
            if let Some(body) = single {
                return put_whole(env, req, body, cond).await;
            }
            let Some((parts, input)) = rest.lock().await.take() else {
                // Only after a name found taken: the parts already went
                // to a key that is not this one, and stdin is used up.
                return Err(Stop::failed(StoreError::new(
                    ErrorKind::PreconditionFailed,
                    "the key was written by someone else while stdin was being sent, and stdin cannot be read again",
                )));
            };
            multipart(env, &req, parts, input, cond, read).await
        }
    };
    place(env, &claims, bucket, key, None, ours, identical, write).await
}

fn stop_outcome<T>(env: &Env, r: Result<T, Stop>) -> Result<T, Outcome> {
    r.map_err(|s| match s {
        Stop::Cancelled => Outcome::Cancelled,
        Stop::Failed(e) => env.failed(say(&e)),
    })
}

fn md5_hex(body: &[u8]) -> String {
    let mut h = super::verify::Hasher::new(super::verify::Algo::Md5);
    h.update(body);
    h.finish().iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads up to `part` bytes (fewer only at the end of the input),
/// counting them as read; a cancel ends the wait for input.
async fn read_part<R>(env: &Env, input: &mut R, part: u64, read: &AtomicU64) -> Result<Bytes, Stop>
where
    R: AsyncRead + Unpin + Send,
{
    fill(input, part, &env.cancel, |n| {
        read.fetch_add(n, Relaxed);
        env.progress.grew(n);
    })
    .await
}

async fn fill<R>(
    input: &mut R,
    part: u64,
    cancel: &tokio_util::sync::CancellationToken,
    mut counted: impl FnMut(u64),
) -> Result<Bytes, Stop>
where
    R: AsyncRead + Unpin + Send,
{
    let mut buf = BytesMut::with_capacity(part as usize);
    while (buf.len() as u64) < part {
        let mut limited = (&mut *input).take(part - buf.len() as u64);
        let n = tokio::select! {
            n = limited.read_buf(&mut buf) => n,
            _ = cancel.cancelled() => return Err(Stop::Cancelled),
        };
        let n = n.map_err(|e| {
            Stop::failed(StoreError::new(
                ErrorKind::Local,
                format!("cannot read the input: {e}"),
            ))
        })?;
        if n == 0 {
            break;
        }
        counted(n as u64);
    }
    Ok(buf.freeze())
}

/// One PutObject of everything that was read.
async fn put_whole(env: &Env, mut req: PutRequest, body: Bytes, cond: Cond) -> Result<(), Stop> {
    let _slot = env.lane.slot().await;
    if env.settings.send_checksums {
        req.crc32 = Some(crc32_b64(&body));
    }
    if cond.check_first {
        ensure_absent(env, &req.bucket, &req.key)
            .await
            .map_err(Stop::failed)?;
    }
    let len = body.len() as u64;
    env.throttle(len).await;
    retried_stop(env, || env.store.put_object(&req, body.clone())).await?;
    env.progress.moved(len);
    Ok(())
}

/// A multipart upload of `parts` and the rest of `input`; aborted unless
/// it may have completed.
async fn multipart<R>(
    env: &Env,
    req: &PutRequest,
    parts: Vec<Bytes>,
    input: R,
    cond: Cond,
    read: &AtomicU64,
) -> Result<(), Stop>
where
    R: AsyncRead + Unpin + Send,
{
    let mut create = req.clone();
    if env.settings.send_checksums {
        // Marks the upload as one whose parts carry CRC32s.
        create.crc32 = Some(String::new());
    }
    let upload_id = {
        let _slot = env.lane.slot().await;
        super::retry::retried_uncut(env, || env.store.create_multipart(&create)).await?
    };
    let result = parts_and_complete(env, req, &upload_id, parts, input, cond, read).await;
    if let Err(e) = &result
        && !e.maybe_completed
    {
        // Not cancellable: nothing may be left behind.
        if let Err(e) = env
            .store
            .abort_multipart(&req.bucket, &req.key, &upload_id)
            .await
        {
            tracing::warn!(error = %e, "abort of a multipart upload failed");
        }
    }
    result.map_err(|e| e.stop)
}

async fn parts_and_complete<R>(
    env: &Env,
    req: &PutRequest,
    upload_id: &str,
    first: Vec<Bytes>,
    mut input: R,
    cond: Cond,
    read: &AtomicU64,
) -> Result<(), NotCompleted>
where
    R: AsyncRead + Unpin + Send,
{
    let part = env.settings.part_size.max(1);
    let mut queued: std::collections::VecDeque<Bytes> = first.into();
    let mut in_flight = FuturesUnordered::new();
    let mut done: Vec<Part> = Vec::new();
    let mut number = 0u64;
    let mut sent = 0u64;
    let mut at_end = false;
    let mut failed: Option<Stop> = None;
    let width = PARTS_IN_FLIGHT.min(env.settings.concurrency.max(1));
    loop {
        while failed.is_none() && in_flight.len() < width {
            let body = match queued.pop_front() {
                Some(b) => b,
                None if at_end => break,
                None => match read_part(env, &mut input, part, read).await {
                    Ok(b) if b.is_empty() => {
                        at_end = true;
                        break;
                    }
                    Ok(b) => {
                        at_end = (b.len() as u64) < part;
                        b
                    }
                    Err(s) => {
                        failed = Some(s);
                        break;
                    }
                },
            };
            number += 1;
            if number > MAX_PARTS {
                failed = Some(Stop::failed(StoreError::new(
                    ErrorKind::Other,
                    format!(
                        "the input is longer than {MAX_PARTS} parts of {} (S3's limit); raise [transfers] part_size",
                        crate::format::human_size(part)
                    ),
                )));
                break;
            }
            let (env, req, upload_id) = (env.clone(), req.clone(), upload_id.to_owned());
            let n = number as i32;
            in_flight.push(tokio::spawn(async move {
                let _slot = env.lane.slot().await;
                if env.cancelled() {
                    return Err(Stop::Cancelled);
                }
                let len = body.len() as u64;
                let crc = env.settings.send_checksums.then(|| crc32_b64(&body));
                env.throttle(len).await;
                let p = retried_stop(&env, || {
                    env.store
                        .upload_part(&req, &upload_id, n, body.clone(), crc.clone())
                })
                .await?;
                env.progress.moved(len);
                Ok((p, len))
            }));
        }
        if failed.is_none() && at_end && queued.is_empty() {
            env.progress.set_listing(false);
        }
        let Some(joined) = in_flight.next().await else {
            break;
        };
        match joined {
            Ok(Ok((p, len))) => {
                sent += len;
                done.push(p);
            }
            Ok(Err(s)) => {
                failed.get_or_insert(s);
            }
            Err(e) => {
                failed.get_or_insert(Stop::failed(super::copy::task_died(e)));
            }
        }
    }
    if let Some(s) = failed {
        env.progress.unmoved(sent);
        return Err(s.into());
    }
    done.sort_by_key(|p| p.number);
    let _slot = env.lane.slot().await;
    if cond.check_first
        && let Err(e) = ensure_absent(env, &req.bucket, &req.key).await
    {
        env.progress.unmoved(sent);
        return Err(Stop::failed(e).into());
    }
    let r = complete(env, req, upload_id, &done, sent).await;
    if r.is_err() {
        env.progress.unmoved(sent);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_is_hex() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[tokio::test]
    async fn parts_are_full_until_the_end() {
        // A pipe that hands out 3 bytes at a time.
        let (mut w, mut r) = tokio::io::duplex(3);
        tokio::spawn(async move {
            let data: Vec<u8> = (0..10u8).collect();
            w.write_all(&data).await.unwrap();
        });
        let cancel = tokio_util::sync::CancellationToken::new();
        let mut total = 0;
        let mut lens = Vec::new();
        for _ in 0..4 {
            let part = fill(&mut r, 4, &cancel, |n| total += n).await.unwrap();
            lens.push(part.len());
        }
        assert_eq!(
            lens,
            [4, 4, 2, 0],
            "full parts, then the rest, then nothing"
        );
        assert_eq!(total, 10);
    }

    #[tokio::test]
    async fn a_cancel_ends_the_wait_for_input() {
        let (_w, mut r) = tokio::io::duplex(3);
        let cancel = tokio_util::sync::CancellationToken::new();
        cancel.cancel();
        let got = fill(&mut r, 4, &cancel, |_| {}).await;
        assert!(matches!(got, Err(Stop::Cancelled)));
    }
}
