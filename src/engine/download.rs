//! Downloads: objects to files under the chosen folder. Every file is
//! written to an invisible temp file beside its destination and renamed
//! into place only after its size and checksum were checked; a cancelled,
//! failed or killed download leaves nothing behind and the old file
//! intact. Small objects stream in one GET, hashed on the way; large ones
//! come as parallel ranged GETs pinned to the listed ETag (aligned to the
//! upload's parts when a per-part check needs it).

use super::expand::{self, Found};
use super::retry::{backoff, worth_retrying};
use super::verify::{Check, StreamHasher, choose};
use super::{Choice, Env, Mapping, Outcome, Question, parts, say};
use crate::local::dest::{Dest, Existing, Pending};
use crate::local::paths::{Mapped, RelPath, map_key};
use crate::store::{GetRequest, ObjectHead, ObjectSummary, StoreError};
use futures::StreamExt;
use std::os::unix::fs::FileExt;
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
    let workers = expand::stream(rx)
        .map(|found| {
            let (env, bucket, sources, dest) =
                (env.clone(), bucket.clone(), sources.clone(), dest.clone());
            // Spawned, so hashing and writing use every core.
            tokio::spawn(async move { item(&env, &bucket, &sources, &dest, found).await })
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {});
    tokio::join!(expand::expand(env, &bucket, &sources, tx), workers);
}

async fn item(env: &Env, bucket: &str, sources: &[Mapping], dest: &Dest, found: Found) {
    let obj = found.obj;
    let size = obj.size;
    let done = |outcome: Outcome| env.progress.finish(&obj.key, outcome, size);
    if env.cancelled() {
        return done(Outcome::Skipped("cancelled".into()));
    }
    let from = &sources[found.mapping].from;
    let rel = match map_key(&obj.key, from) {
        Ok(Mapped::File(rel)) => rel,
        Ok(Mapped::Dir(rel)) => {
            return match dest.make_dirs(&rel) {
                Ok(()) => done(Outcome::Done {
                    bytes: 0,
                    note: None,
                }),
                Err(e) => done(Outcome::Failed(e.to_string())),
            };
        }
        Err(why) => return done(Outcome::Refused(why.to_string())),
    };
    let (rel, overwrite) = match settle_conflict(env, dest, rel, &obj).await {
        Ok(Some(x)) => x,
        Ok(None) => return,
        Err(outcome) => return done(outcome),
    };
    let mut last = String::new();
    for attempt in 0..=env.settings.retries {
        if attempt > 0 {
            env.pause(backoff(attempt)).await;
        }
        if env.cancelled() {
            return done(Outcome::Skipped("cancelled".into()));
        }
        match fetch(env, bucket, &obj, dest, &rel, overwrite).await {
            Ok(note) => {
                return done(Outcome::Done {
                    bytes: size,
                    note: note.map(|n| format!("not verified: {n}")),
                });
            }
            Err(Failure::Final(msg)) => return done(env.failed(msg)),
            Err(Failure::Retry(msg)) => {
                tracing::info!(attempt, "download attempt failed, retrying");
                last = msg;
            }
        }
    }
    done(env.failed(last))
}

/// The destination to write and whether it may replace what is there;
/// `Ok(None)` when the item is settled (skipped) already.
async fn settle_conflict(
    env: &Env,
    dest: &Dest,
    rel: RelPath,
    obj: &ObjectSummary,
) -> Result<Option<(RelPath, bool)>, Outcome> {
    let existing = match dest.existing(&rel) {
        Ok(None) => return Ok(Some((rel, false))),
        Ok(Some(e)) => e,
        Err(e) => return Err(Outcome::Failed(e.to_string())),
    };
    if existing.kind == crate::local::EntryKind::Dir {
        return Err(Outcome::Failed(format!(
            "a folder named {rel} is in the way"
        )));
    }
    let target = dest.root().join(rel.to_path_buf());
    let q = Question {
        target: target.display().to_string(),
        detail: format!("{} B here, {} B in S3", existing.size, obj.size),
    };
    let Some(choice) = env.resolve(q).await else {
        return Err(Outcome::Skipped("cancelled".into()));
    };
    match choice {
        Choice::Overwrite => Ok(Some((rel, true))),
        Choice::Skip => Err(Outcome::Skipped("exists".into())),
        Choice::SkipIdentical => {
            if same_as_local(&target, &existing, obj).await {
                Err(Outcome::Skipped("identical".into()))
            } else {
                Ok(Some((rel, true)))
            }
        }
        Choice::KeepBoth => match dest.keep_both_name(&rel) {
            Ok(other) => Ok(Some((other, false))),
            Err(e) => Err(Outcome::Failed(e.to_string())),
        },
        Choice::Cancel => {
            env.cancel.cancel();
            Err(Outcome::Skipped("cancelled".into()))
        }
    }
}

/// Skip-identical for a download: same size, then the MD5 when the ETag
/// is one, else the mtime pail set when it downloaded it.
async fn same_as_local(path: &Path, local: &Existing, obj: &ObjectSummary) -> bool {
    if local.size != obj.size {
        return false;
    }
    let etag = obj
        .etag
        .as_deref()
        .unwrap_or("")
        .trim_matches('"')
        .to_owned();
    if etag.len() == 32 && !etag.contains('-') {
        let path = path.to_owned();
        let local_md5 = tokio::task::spawn_blocking(move || md5_file(&path))
            .await
            .ok()
            .flatten();
        return local_md5.is_some_and(|m| m == etag);
    }
    let local_secs = local
        .mtime
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    local_secs.is_some() && local_secs == obj.modified
}

pub(super) fn md5_file(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = super::verify::Hasher::new(super::verify::Algo::Md5);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finish().iter().map(|b| format!("{b:02x}")).collect())
}

enum Failure {
    /// Trying again could help (a broken or stalled body, a 5xx).
    Retry(String),
    Final(String),
}

fn classify(e: StoreError) -> Failure {
    if e.status == Some(412) {
        return Failure::Final("the object changed while it was being downloaded".into());
    }
    if worth_retrying(&e) {
        Failure::Retry(say(&e))
    } else {
        Failure::Final(say(&e))
    }
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
    let req = GetRequest {
        bucket: bucket.to_owned(),
        key: obj.key.clone(),
        version_id: obj.version_id.clone(),
        if_match: obj.etag.clone(),
        ..GetRequest::default()
    };
    let (check, head) = if obj.size >= env.settings.multipart_threshold {
        ranged(env, &req, obj.size, &pending).await?
    } else {
        whole(env, &req, obj.size, &pending).await?
    };
    let note = match check {
        Check::Unverifiable(why) => Some(why),
        _ => None,
    };
    let mtime = env
        .settings
        .preserve_mtime
        .then(|| head.modified.or(obj.modified))
        .flatten()
        .and_then(|s| u64::try_from(s).ok())
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s));
    let commit = tokio::task::block_in_place(|| pending.commit(mtime, overwrite));
    commit.map_err(|e| Failure::Final(format!("cannot move it into place: {e}")))?;
    Ok(note)
}

/// What a per-part check needs to know: the upload's part size, learned
/// from a HEAD of part 1 (only asked for multipart objects).
async fn part_layout(env: &Env, req: &GetRequest, etag: Option<&str>, size: u64) -> Option<u64> {
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

/// What one-GET download learns from the first answer's headers.
struct Whole {
    head: Option<ObjectHead>,
    check: Check,
    hasher: Option<StreamHasher>,
    part: Option<u64>,
    verify: bool,
}

impl Whole {
    fn on_head(&mut self, head: &ObjectHead) {
        if self.head.is_some() {
            return;
        }
        self.check = if self.verify {
            choose(head, self.part)
        } else {
            Check::Unverifiable("verify = false".into())
        };
        self.hasher = self
            .check
            .algo()
            .map(|a| StreamHasher::new(a, self.check.part_size()));
        self.head = Some(head.clone());
    }
}

/// The object in one GET, hashed as it streams; a body that breaks off
/// after some bytes is resumed from there (pinned to the same ETag).
async fn whole(
    env: &Env,
    req: &GetRequest,
    size: u64,
    pending: &Pending,
) -> Result<(Check, ObjectHead), Failure> {
    let mut st = Whole {
        head: None,
        check: Check::Unverifiable(String::new()),
        hasher: None,
        part: part_layout(env, req, req.if_match.as_deref(), size).await,
        verify: env.settings.verify,
    };
    let mut offset = 0u64;
    let mut tries = 0;
    loop {
        let mut r = req.clone();
        if let (true, Some(h)) = (offset > 0, &st.head) {
            r.range = Some((offset, h.object_size));
            r.if_match = h.etag.clone().or(r.if_match);
        }
        match stream_into(env, &r, pending, offset, &mut st).await {
            Ok(n) => {
                offset += n;
                break;
            }
            Err((n, e)) => {
                offset += n;
                tries += 1;
                // A cancel broke the body off: stop, do not resume.
                let f = if env.cancelled() {
                    Failure::Final("cancelled".into())
                } else {
                    classify(e)
                };
                // Nothing arrived: the caller starts over with a new file.
                if tries > env.settings.retries || matches!(f, Failure::Final(_)) || offset == 0 {
                    env.progress.unmoved(offset);
                    return Err(f);
                }
                env.pause(backoff(tries)).await;
            }
        }
    }
    let head = st.head.unwrap_or_default();
    if offset != head.object_size {
        env.progress.unmoved(offset);
        return Err(Failure::Retry(format!(
            "truncated: {offset} of {} bytes arrived",
            head.object_size
        )));
    }
    if let Some(h) = st.hasher
        && let Err(why) = st.check.verify(&h.finish())
    {
        env.progress.unmoved(offset);
        return Err(Failure::Retry(format!("integrity check failed: {why}")));
    }
    Ok((st.check, head))
}

/// Streams one GET into the file at `offset`. Returns the bytes written,
/// with the error if the body broke off.
async fn stream_into(
    env: &Env,
    req: &GetRequest,
    pending: &Pending,
    offset: u64,
    st: &mut Whole,
) -> Result<u64, (u64, StoreError)> {
    let _slot = env.lane.slot().await;
    let (head, mut body) = tokio::select! {
        r = env.store.get_object(req) => r.map_err(|e| (0, e))?,
        _ = env.cancel.cancelled() => return Err((0, cancelled())),
    };
    st.on_head(&head);
    let file = pending.file();
    let mut written = 0u64;
    loop {
        let next = tokio::select! {
            n = tokio::time::timeout(env.settings.stall_timeout, body.next()) => n,
            _ = env.cancel.cancelled() => return Err((written, cancelled())),
        };
        let chunk = match next {
            Ok(Some(Ok(c))) => c,
            Ok(None) => return Ok(written),
            Ok(Some(Err(e))) => return Err((written, e)),
            Err(_) => {
                let mut e = StoreError::new(
                    crate::store::ErrorKind::Timeout,
                    format!("no data for {} s", env.settings.stall_timeout.as_secs()),
                );
                e.key = Some(req.key.clone());
                return Err((written, e));
            }
        };
        env.throttle(chunk.len() as u64).await;
        if let Err(e) = file.write_all_at(&chunk, offset + written) {
            let e = StoreError::new(crate::store::ErrorKind::Other, format!("write: {e}"));
            return Err((written, e));
        }
        if let Some(h) = st.hasher.as_mut() {
            h.update(&chunk);
        }
        written += chunk.len() as u64;
        env.progress.moved(chunk.len() as u64);
    }
}

fn cancelled() -> StoreError {
    StoreError::new(crate::store::ErrorKind::Other, "cancelled")
}

/// A large object in parallel ranged GETs. Per-part checks align the
/// ranges with the upload's parts; whole-object checks read the file back
/// once all parts are in.
async fn ranged(
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
    let results: Vec<Result<Option<Vec<u8>>, Failure>> = futures::stream::iter(ranges)
        .map(|range| {
            let (env, file, pinned) = (env.clone(), file.clone(), pinned.clone());
            tokio::spawn(async move {
                let hash = if per_part { algo } else { None };
                range_with_retries(&env, &pinned, range, &file, hash).await
            })
        })
        .buffered(env.settings.concurrency.max(1))
        .map(|joined| joined.unwrap_or_else(|e| Err(Failure::Final(format!("part task: {e}")))))
        .collect()
        .await;
    let mut digests = Vec::new();
    for r in results {
        match r {
            Ok(Some(d)) => digests.push(d),
            Ok(None) => {}
            Err(f) => return Err(f),
        }
    }
    if !per_part && let Some(algo) = algo {
        // A whole-object check over the finished file (from the page cache).
        let file = file.clone();
        let len = head.object_size;
        let d = tokio::task::spawn_blocking(move || hash_file(&file, len, algo))
            .await
            .map_err(|e| Failure::Final(e.to_string()))?
            .map_err(|e| Failure::Final(format!("cannot read back: {e}")))?;
        digests = vec![d];
    }
    if let Err(why) = check.verify(&digests) {
        env.progress.unmoved(head.object_size);
        return Err(Failure::Retry(format!("integrity check failed: {why}")));
    }
    Ok((check, head))
}

fn hash_file(
    file: &std::fs::File,
    len: u64,
    algo: super::verify::Algo,
) -> std::io::Result<Vec<u8>> {
    let mut h = super::verify::Hasher::new(algo);
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
    hash: Option<super::verify::Algo>,
) -> Result<Option<Vec<u8>>, Failure> {
    let mut tries = 0;
    loop {
        if env.cancelled() {
            return Err(Failure::Final("cancelled".into()));
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
                if tries > env.settings.retries || matches!(f, Failure::Final(_)) {
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
    hash: Option<super::verify::Algo>,
) -> Result<Option<Vec<u8>>, (u64, StoreError)> {
    let _slot = env.lane.slot().await;
    let (_, mut body) = tokio::select! {
        r = env.store.get_object(req) => r.map_err(|e| (0, e))?,
        _ = env.cancel.cancelled() => return Err((0, cancelled())),
    };
    let mut h = hash.map(super::verify::Hasher::new);
    let mut off = start;
    loop {
        let next = tokio::select! {
            n = tokio::time::timeout(env.settings.stall_timeout, body.next()) => n,
            _ = env.cancel.cancelled() => return Err((off - start, cancelled())),
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
        file.write_all_at(&chunk, off).map_err(|e| {
            (
                off - start,
                StoreError::new(crate::store::ErrorKind::Other, format!("write: {e}")),
            )
        })?;
        if let Some(h) = h.as_mut() {
            h.update(&chunk);
        }
        off += chunk.len() as u64;
        env.progress.moved(chunk.len() as u64);
    }
    if off != end {
        let e = StoreError::new(
            crate::store::ErrorKind::BadResponse,
            format!("part truncated: {} of {} bytes", off - start, end - start),
        );
        return Err((off - start, e));
    }
    Ok(h.map(|h| h.finish()))
}
