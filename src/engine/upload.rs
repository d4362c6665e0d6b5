//! Uploads: local files and folders to keys under a prefix. Small files go
//! in one PutObject, large ones as a multipart upload whose parts are read
//! from the file only once a request slot is free (memory stays at about
//! part size × parts in flight). Every body carries a CRC32 the server
//! checks where it can. A multipart upload that fails or is cancelled is
//! aborted before the job ends: no parts are left behind.

use super::claims::{Claim, Claims, Remote, existing};
use super::complete::{NotCompleted, complete};
use super::conflict::{Fingerprint, identical};
use super::place::{Cond, Incoming, ensure_absent, place};
use super::progress::{Side, Skip};
use super::retry::{Stop, retried_stop};
use super::verify::crc32_b64;
use super::{Env, Outcome, UploadOptions, parts, say};
use crate::local::walk::{WalkItem, walk};
use crate::store::{ErrorKind, Part, PutRequest, StoreError};
use bytes::Bytes;
use futures::StreamExt;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::mpsc;

pub async fn run(
    env: &Env,
    paths: Vec<PathBuf>,
    bucket: &str,
    prefix: &str,
    options: &UploadOptions,
) {
    // What exists under each picked name, so conflicts are known up front.
    let mut there = HashMap::new();
    for p in &paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let probe = match &options.as_key {
            Some(key) => key.clone(),
            None => format!("{prefix}{name}"),
        };
        match existing(env, bucket, &probe).await {
            Ok(m) => there.extend(m),
            Err(e) => {
                env.progress.found(0);
                let what = p.display().to_string();
                let msg = format!("cannot list the destination: {}", say(&e));
                env.progress.finish(&what, env.failed(msg), 0);
                return;
            }
        }
    }
    let claims = Arc::new(Claims::new(there));
    let (tx, rx) = mpsc::channel::<WalkItem>(1024);
    let follow = env.settings.follow_symlinks;
    let walker = tokio::task::spawn_blocking(move || {
        for p in paths {
            for item in walk(&p, follow) {
                if tx.blocking_send(item).is_err() {
                    return;
                }
            }
        }
    });
    env.progress.set_listing(true);
    let ctx = Arc::new((bucket.to_owned(), prefix.to_owned(), options.clone()));
    let stream =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|f| (f, rx)) });
    stream
        .map(|item| {
            // Claimed in walk order before any worker writes: the first
            // file to a key keeps it (two picked folders may both hold it).
            let first = match &item {
                WalkItem::File {
                    path,
                    key_rel,
                    size,
                    ..
                } => claims.claim(
                    &target_key(prefix, key_rel, options.as_key.as_deref()),
                    Claim {
                        item: path.display().to_string(),
                        size: *size,
                        etag: None,
                    },
                ),
                WalkItem::Skipped { .. } | WalkItem::EmptyDir { .. } => None,
            };
            let (env, ctx, claims) = (env.clone(), ctx.clone(), claims.clone());
            let (name, size) = match &item {
                WalkItem::File { path, size, .. } => (path.display().to_string(), *size),
                WalkItem::Skipped { path, .. } | WalkItem::EmptyDir { path, .. } => {
                    (path.display().to_string(), 0)
                }
            };
            async move {
                let env2 = env.clone();
                let work = async move {
                    let (bucket, prefix, options) = &*ctx;
                    one(&env2, bucket, prefix, options, &claims, item, first).await
                };
                super::item_task::run_item(&env, name, size, work).await
            }
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {})
        .await;
    let _ = walker.await;
    env.progress.set_listing(false);
}

/// Where a walked file goes: under the prefix by its path from the picked
/// entry, or, for the picked file itself, the key it was given.
fn target_key(prefix: &str, key_rel: &str, as_key: Option<&str>) -> String {
    match as_key {
        // The picked entry itself has a one-segment path.
        Some(key) if !key_rel.contains('/') => key.to_owned(),
        _ => format!("{prefix}{key_rel}"),
    }
}

/// A file as the walk saw it: an upload sends exactly this, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Seen {
    pub size: u64,
    pub mtime: Option<SystemTime>,
}

impl Seen {
    /// Why `file` is no longer what was seen, if it is not.
    fn changed(&self, file: &File) -> Option<String> {
        let Ok(m) = file.metadata() else {
            return Some("it can no longer be read".into());
        };
        if m.len() != self.size {
            return Some(format!("{} → {} bytes", self.size, m.len()));
        }
        match (self.mtime, m.modified().ok()) {
            (Some(a), Some(b)) if a != b => Some("modified meanwhile".into()),
            _ => None,
        }
    }
}

fn changed_error(path: &Path, why: &str) -> Stop {
    Stop::failed(StoreError::new(
        ErrorKind::Other,
        format!(
            "changed while uploading ({why}): nothing was written; retry (r) sends it as it is now ({})",
            crate::sanitize::clean(&path.display().to_string())
        ),
    ))
}

/// Opens the file and checks it is still what the walk saw.
fn open_seen(path: &Path, seen: Seen) -> Result<File, Stop> {
    let f = File::open(path).map_err(|e| Stop::failed(read_error(&e)))?;
    match seen.changed(&f) {
        Some(why) => Err(changed_error(path, &why)),
        None => Ok(f),
    }
}

fn read_error(e: &std::io::Error) -> StoreError {
    StoreError::new(ErrorKind::Other, format!("cannot read: {e}"))
}

async fn one(
    env: &Env,
    bucket: &str,
    prefix: &str,
    options: &UploadOptions,
    claims: &Claims,
    item: WalkItem,
    first: Option<Claim>,
) {
    let (path, rel, size, mtime) = match item {
        WalkItem::Skipped { path, reason } => {
            env.progress.found(0);
            let name = path.display().to_string();
            let why = Skip::NotAFile(reason);
            return env.progress.finish(&name, Outcome::Skipped(why), 0);
        }
        WalkItem::EmptyDir { path, key_rel } => {
            let name = path.display().to_string();
            if !env.settings.folder_markers {
                env.progress.found(0);
                return env
                    .progress
                    .finish(&name, Outcome::Skipped(Skip::EmptyFolder), 0);
            }
            let key = format!("{prefix}{key_rel}/");
            return marker(env, bucket, &key, &name).await;
        }
        WalkItem::File {
            path,
            key_rel,
            size,
            mtime,
        } => (path, key_rel, size, mtime),
    };
    env.progress.found(size);
    let name = path.display().to_string();
    let done = |o: Outcome, dest: Option<String>| env.progress.finish_at(&name, o, size, dest);
    if env.cancelled() {
        return done(Outcome::Cancelled, None);
    }
    let target = target_key(prefix, &rel, options.as_key.as_deref());
    let seen = Seen { size, mtime };
    let ours = Incoming {
        item: &name,
        side: Side {
            label: "here",
            size,
            modified: mtime
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64),
        },
        etag: None,
    };
    let same = |r: Remote| {
        let path = path.clone();
        async move { same_as_remote(&path, size, mtime, &r).await }
    };
    let content_type = mime_guess::from_path(&path)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();
    let write = |key: String, cond: Cond| {
        let req = PutRequest {
            bucket: bucket.to_owned(),
            key,
            content_type: Some(content_type.clone()),
            storage_class: options.storage_class.clone(),
            encryption: options.encryption.clone(),
            if_absent: cond.if_absent,
            // The file's time in rclone's convention (store/mtime.rs).
            metadata: mtime
                .filter(|_| env.settings.preserve_mtime)
                .map(crate::store::mtime::rclone_pair)
                .into_iter()
                .collect(),
            ..PutRequest::default()
        };
        let path = path.clone();
        async move {
            if size >= env.settings.multipart_threshold {
                multipart(env, &req, &path, seen, cond).await
            } else {
                single(env, &req, &path, seen, cond).await.map(|_| ())
            }
        }
    };
    let placed = place(env, claims, bucket, &target, first, ours, same, write).await;
    match placed {
        Ok(written) => {
            let dest = (written != target).then_some(written);
            done(
                Outcome::Done {
                    bytes: size,
                    note: None,
                },
                dest,
            )
        }
        Err(outcome) => done(outcome, None),
    }
}

/// Skip-identical for an upload: same size, then the MD5 when the ETag is
/// one; otherwise an object at least as new as the file counts as it.
async fn same_as_remote(path: &Path, size: u64, mtime: Option<SystemTime>, r: &Remote) -> bool {
    let ours = Fingerprint {
        size,
        mtime: None,
        digest: None,
    };
    let etag = r.etag.as_deref().unwrap_or("").trim_matches('"').to_owned();
    if etag.len() == 32 && !etag.contains('-') {
        let path = path.to_owned();
        let md5 = tokio::task::spawn_blocking(move || super::download::md5_file(&path))
            .await
            .ok()
            .flatten();
        let theirs = Fingerprint {
            size: r.size,
            mtime: None,
            digest: Some(etag),
        };
        return identical(
            &Fingerprint {
                digest: md5,
                ..ours
            },
            &theirs,
        );
    }
    let local = mtime
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    r.size == size && matches!((local, r.modified), (Some(l), Some(m)) if m >= l)
}

/// One PutObject: the file is opened, checked against what the walk saw,
/// read whole, and checked again after its last byte, so a file that grew
/// or changed is never sent torn.
pub(super) async fn single(
    env: &Env,
    req: &PutRequest,
    path: &Path,
    seen: Seen,
    cond: Cond,
) -> Result<Option<String>, Stop> {
    let _slot = env.lane.slot().await;
    let p = path.to_owned();
    let body = tokio::task::spawn_blocking(move || -> Result<Bytes, Stop> {
        let f = open_seen(&p, seen)?;
        let mut buf = vec![0u8; seen.size as usize];
        f.read_exact_at(&mut buf, 0).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => changed_error(&p, "shorter than it was"),
            _ => Stop::failed(read_error(&e)),
        })?;
        if let Some(why) = seen.changed(&f) {
            return Err(changed_error(&p, &why));
        }
        Ok(Bytes::from(buf))
    })
    .await
    .map_err(|e| Stop::failed(super::copy::task_died(e)))??;
    let mut req = req.clone();
    if env.settings.send_checksums {
        req.crc32 = Some(crc32_b64(&body));
    }
    if cond.check_first {
        ensure_absent(env, &req.bucket, &req.key)
            .await
            .map_err(Stop::failed)?;
    }
    env.throttle(seen.size).await;
    let w = retried_stop(env, || env.store.put_object(&req, body.clone())).await?;
    env.progress.moved(seen.size);
    Ok(w.etag)
}

pub(super) async fn multipart(
    env: &Env,
    req: &PutRequest,
    path: &Path,
    seen: Seen,
    cond: Cond,
) -> Result<(), Stop> {
    let p = path.to_owned();
    let file = tokio::task::spawn_blocking(move || open_seen(&p, seen))
        .await
        .map_err(|e| Stop::failed(super::copy::task_died(e)))??;
    let file = Arc::new(file);
    let mut create = req.clone();
    if env.settings.send_checksums {
        // Marks the upload as one whose parts carry CRC32s.
        create.crc32 = Some(String::new());
    }
    let upload_id = {
        let _slot = env.lane.slot().await;
        super::retry::retried_uncut(env, || env.store.create_multipart(&create)).await?
    };
    env.upload_started(&req.bucket, &req.key, &upload_id);
    let result = parts_and_complete(env, req, &upload_id, path, &file, seen, cond).await;
    super::complete::finish(env, req, &upload_id, result).await
}

/// Parts of one file read and sent at once. Each is a part-sized buffer,
/// so this bounds one upload's memory (8 × 8 MiB by default); more did not
/// go faster on radosgw or s3s-fs here, the servers were the limit.
const PARTS_IN_FLIGHT: usize = 8;

async fn parts_and_complete(
    env: &Env,
    req: &PutRequest,
    upload_id: &str,
    path: &Path,
    file: &Arc<File>,
    seen: Seen,
    cond: Cond,
) -> Result<(), NotCompleted> {
    let size = seen.size;
    let part = parts::part_size(size, env.settings.part_size);
    let ranges: Vec<(u64, u64)> = parts::ranges(size, part).collect();
    let results: Vec<Result<Part, Stop>> = futures::stream::iter(ranges.into_iter().enumerate())
        .map(|(i, (start, end))| {
            let (env, req, upload_id, file, path) = (
                env.clone(),
                req.clone(),
                upload_id.to_owned(),
                file.clone(),
                path.to_owned(),
            );
            tokio::spawn(async move {
                let _slot = env.lane.slot().await;
                if env.cancelled() {
                    return Err(Stop::Cancelled);
                }
                let body = tokio::task::spawn_blocking(move || {
                    let mut buf = vec![0u8; (end - start) as usize];
                    file.read_exact_at(&mut buf, start)
                        .map(|()| Bytes::from(buf))
                        .map_err(|e| match e.kind() {
                            std::io::ErrorKind::UnexpectedEof => {
                                changed_error(&path, "shorter than it was")
                            }
                            _ => Stop::failed(read_error(&e)),
                        })
                })
                .await
                .map_err(|e| Stop::failed(super::copy::task_died(e)))??;
                let crc = env.settings.send_checksums.then(|| crc32_b64(&body));
                env.throttle(end - start).await;
                let number = i as i32 + 1;
                let p = retried_stop(&env, || {
                    env.store
                        .upload_part(&req, &upload_id, number, body.clone(), crc.clone())
                })
                .await?;
                env.progress.moved(end - start);
                Ok(p)
            })
        })
        .buffer_unordered(PARTS_IN_FLIGHT.min(env.settings.concurrency.max(1)))
        .map(|j| j.unwrap_or_else(|e| Err(Stop::failed(super::copy::task_died(e)))))
        .collect()
        .await;
    let mut done = Vec::with_capacity(results.len());
    let mut first_err = None;
    for r in results {
        match r {
            Ok(p) => done.push(p),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    let sent: u64 = done.iter().map(|p| part_len(p.number, part, size)).sum();
    if let Some(e) = first_err {
        env.progress.unmoved(sent);
        return Err(e.into());
    }
    done.sort_by_key(|p| p.number);
    // Every byte is read: the file must still be what the walk saw.
    let f = file.clone();
    let changed = tokio::task::spawn_blocking(move || seen.changed(&f))
        .await
        .unwrap_or_else(|e| Some(e.to_string()));
    if let Some(why) = changed {
        env.progress.unmoved(sent);
        return Err(changed_error(path, &why).into());
    }
    let _slot = env.lane.slot().await;
    if cond.check_first
        && let Err(e) = ensure_absent(env, &req.bucket, &req.key).await
    {
        env.progress.unmoved(sent);
        return Err(Stop::failed(e).into());
    }
    let r = complete(env, req, upload_id, &done, size).await;
    if r.is_err() {
        env.progress.unmoved(sent);
    }
    r
}

/// Bytes in part `number` (1-based) of `size` cut into `part`-sized parts.
fn part_len(number: i32, part: u64, size: u64) -> u64 {
    let start = (number as u64 - 1) * part;
    size.saturating_sub(start).min(part)
}

/// A zero-byte `name/` marker, as the S3 console's "Create folder" makes.
pub async fn make_folder(env: &Env, bucket: &str, key: &str) {
    marker(env, bucket, key, key).await
}

/// Writes the marker `key` for the item `name`. A marker that exists
/// already is left as it is (it is the same empty folder).
async fn marker(env: &Env, bucket: &str, key: &str, name: &str) {
    env.progress.found(0);
    let req = PutRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        if_absent: true,
        ..PutRequest::default()
    };
    let mut put = retried_stop(env, || env.store.put_object(&req, Bytes::new())).await;
    if let Err(Stop::Failed(e)) = &put
        && e.kind == ErrorKind::NotImplemented
    {
        // A server that does not do conditional writes: the marker is
        // empty, so writing it over an existing one loses nothing.
        let plain = PutRequest {
            if_absent: false,
            ..req.clone()
        };
        put = retried_stop(env, || env.store.put_object(&plain, Bytes::new())).await;
    }
    let outcome = match put {
        Ok(_) => Outcome::Done {
            bytes: 0,
            note: None,
        },
        Err(super::retry::Stop::Failed(e)) if super::place::exists_now(&e) => {
            Outcome::Skipped(Skip::Exists)
        }
        Err(e) => env.failed(e.to_string()),
    };
    env.progress.finish(name, outcome, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_lengths_add_up() {
        let (part, size) = (5, 12);
        let total: u64 = (1..=3).map(|n| part_len(n, part, size)).sum();
        assert_eq!(total, size);
        assert_eq!(part_len(3, part, size), 2);
    }
}
