//! Uploads: local files and folders to keys under a prefix. Small files go
//! in one PutObject, large ones as a multipart upload whose parts are read
//! from the file only once a request slot is free (memory stays at about
//! part size × parts in flight). Every body carries a CRC32 the server
//! checks where it can. A multipart upload that fails or is cancelled is
//! aborted before the job ends: no parts are left behind.

use super::conflict::{Fingerprint, identical};
use super::retry::retried;
use super::verify::crc32_b64;
use super::{Choice, Env, Outcome, Question, UploadOptions, parts, say};
use crate::local::walk::{WalkItem, walk};
use crate::store::{ListRequest, Part, PutRequest, StoreResult};
use bytes::Bytes;
use futures::StreamExt;
use std::collections::HashMap;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use tokio::sync::mpsc;

/// What is already at a destination key (from one listing of the prefix).
#[derive(Clone, Debug)]
pub(super) struct Remote {
    pub size: u64,
    pub etag: Option<String>,
    pub modified: Option<i64>,
}

/// Every key under `prefix` (at any depth), for conflict checks without a
/// HEAD per file.
pub(super) async fn existing(
    env: &Env,
    bucket: &str,
    prefix: &str,
) -> StoreResult<HashMap<String, Remote>> {
    let mut found = HashMap::new();
    let mut req = ListRequest::recursive(bucket, prefix, 1000);
    loop {
        let page = env.store.list_page(&req).await?;
        for o in page.objects {
            found.insert(
                o.key,
                Remote {
                    size: o.size,
                    etag: o.etag,
                    modified: o.modified,
                },
            );
        }
        match page.next {
            Some(t) => req.token = Some(t),
            None => return Ok(found),
        }
    }
}

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
        match existing(env, bucket, &format!("{prefix}{name}")).await {
            Ok(m) => there.extend(m),
            Err(e) => {
                env.progress.found(0);
                let what = p.display().to_string();
                let msg = format!("cannot list the destination: {}", say(&e));
                env.progress.finish(&what, Outcome::Failed(msg), 0);
                return;
            }
        }
    }
    let there = Arc::new(std::sync::Mutex::new(there));
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
            let (env, ctx, there) = (env.clone(), ctx.clone(), there.clone());
            tokio::spawn(async move {
                let (bucket, prefix, options) = &*ctx;
                one(&env, bucket, prefix, options, &there, item).await
            })
        })
        .buffer_unordered(env.settings.concurrency.max(1))
        .for_each(|_| async {})
        .await;
    let _ = walker.await;
    env.progress.set_listing(false);
}

pub(super) type Taken = std::sync::Mutex<HashMap<String, Remote>>;

async fn one(
    env: &Env,
    bucket: &str,
    prefix: &str,
    options: &UploadOptions,
    there: &Taken,
    item: WalkItem,
) {
    let (path, rel, size, mtime) = match item {
        WalkItem::Skipped { path, reason } => {
            env.progress.found(0);
            let name = path.display().to_string();
            return env.progress.finish(&name, Outcome::Skipped(reason), 0);
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
    let done = |o: Outcome| env.progress.finish(&name, o, size);
    if env.cancelled() {
        return done(Outcome::Skipped("cancelled".into()));
    }
    let mut key = format!("{prefix}{rel}");
    let remote = there
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .cloned();
    if let Some(remote) = remote {
        let q = Question {
            target: format!("s3://{bucket}/{key}"),
            detail: format!("{size} B here, {} B in S3", remote.size),
        };
        let Some(choice) = env.resolve(q).await else {
            return done(Outcome::Skipped("cancelled".into()));
        };
        match choice {
            Choice::Overwrite => {}
            Choice::Skip => return done(Outcome::Skipped("exists".into())),
            Choice::SkipIdentical => {
                if same_as_remote(&path, size, mtime, &remote).await {
                    return done(Outcome::Skipped("identical".into()));
                }
            }
            Choice::KeepBoth => key = claim_keep_both(there, &key, size),
            Choice::Cancel => {
                env.cancel.cancel();
                return done(Outcome::Skipped("cancelled".into()));
            }
        }
    }
    let req = PutRequest {
        bucket: bucket.to_owned(),
        key,
        content_type: Some(
            mime_guess::from_path(&path)
                .first_or_octet_stream()
                .essence_str()
                .to_owned(),
        ),
        storage_class: options.storage_class.clone(),
        encryption: options.encryption.clone(),
        ..PutRequest::default()
    };
    let result = if size >= env.settings.multipart_threshold {
        multipart(env, &req, &path, size).await
    } else {
        single(env, &req, &path, size).await
    };
    done(match result {
        Ok(()) => Outcome::Done {
            bytes: size,
            note: None,
        },
        Err(msg) => env.failed(msg),
    })
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

/// Picks the "keep both" name for `key` among the keys known at the
/// destination and claims it, so two items of one job never pick the same.
pub(super) fn claim_keep_both(there: &Taken, key: &str, size: u64) -> String {
    let mut taken = there.lock().unwrap_or_else(|p| p.into_inner());
    let free = keep_both_key(key, |k| taken.contains_key(k));
    taken.insert(
        free.clone(),
        Remote {
            size,
            etag: None,
            modified: None,
        },
    );
    free
}

/// "a/report.pdf" → "a/report (1).pdf", the first that `taken` says is free.
pub(super) fn keep_both_key(key: &str, taken: impl Fn(&str) -> bool) -> String {
    let (dir, name) = match key.rfind('/') {
        Some(i) => key.split_at(i + 1),
        None => ("", key),
    };
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    (1..)
        .map(|n| format!("{dir}{stem} ({n}){ext}"))
        .find(|k| !taken(k))
        .unwrap_or_else(|| key.to_owned())
}

fn read_range(path: &Path, start: u64, len: u64) -> std::io::Result<Bytes> {
    let f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; len as usize];
    f.read_exact_at(&mut buf, start)?;
    Ok(Bytes::from(buf))
}

async fn single(env: &Env, req: &PutRequest, path: &Path, size: u64) -> Result<(), String> {
    let _slot = env.lane.slot().await;
    let p = path.to_owned();
    let body = tokio::task::spawn_blocking(move || read_range(&p, 0, size))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot read: {e}"))?;
    let mut req = req.clone();
    if env.settings.send_checksums {
        req.crc32 = Some(crc32_b64(&body));
    }
    env.throttle(size).await;
    retried(env, || env.store.put_object(&req, body.clone())).await?;
    env.progress.moved(size);
    Ok(())
}

async fn multipart(env: &Env, req: &PutRequest, path: &Path, size: u64) -> Result<(), String> {
    let mut create = req.clone();
    if env.settings.send_checksums {
        // Marks the upload as one whose parts carry CRC32s.
        create.crc32 = Some(String::new());
    }
    let upload_id = {
        let _slot = env.lane.slot().await;
        retried(env, || env.store.create_multipart(&create)).await?
    };
    let result = parts_and_complete(env, req, &upload_id, path, size).await;
    if result.is_err() {
        // Not cancellable and without a slot: nothing may be left behind.
        if let Err(e) = env
            .store
            .abort_multipart(&req.bucket, &req.key, &upload_id)
            .await
        {
            tracing::warn!(error = %e, "abort of a multipart upload failed");
        }
    }
    result
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
    size: u64,
) -> Result<(), String> {
    let part = parts::part_size(size, env.settings.part_size);
    let ranges: Vec<(u64, u64)> = parts::ranges(size, part).collect();
    let results: Vec<Result<Part, String>> = futures::stream::iter(ranges.into_iter().enumerate())
        .map(|(i, (start, end))| {
            let (env, req, upload_id, path) = (
                env.clone(),
                req.clone(),
                upload_id.to_owned(),
                path.to_owned(),
            );
            tokio::spawn(async move {
                let _slot = env.lane.slot().await;
                if env.cancelled() {
                    return Err("cancelled".to_owned());
                }
                let body =
                    tokio::task::spawn_blocking(move || read_range(&path, start, end - start))
                        .await
                        .map_err(|e| e.to_string())?
                        .map_err(|e| format!("cannot read: {e}"))?;
                let crc = env.settings.send_checksums.then(|| crc32_b64(&body));
                env.throttle(end - start).await;
                let number = i as i32 + 1;
                let p = retried(&env, || {
                    env.store
                        .upload_part(&req, &upload_id, number, body.clone(), crc.clone())
                })
                .await?;
                env.progress.moved(end - start);
                Ok(p)
            })
        })
        .buffer_unordered(PARTS_IN_FLIGHT.min(env.settings.concurrency.max(1)))
        .map(|j| j.unwrap_or_else(|e| Err(format!("part task: {e}"))))
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
    if let Some(e) = first_err {
        env.progress.unmoved(done.len() as u64 * part);
        return Err(e);
    }
    done.sort_by_key(|p| p.number);
    let now = std::fs::metadata(path).map(|m| m.len()).unwrap_or(size);
    if now != size {
        return Err(format!(
            "the file changed while uploading ({size} → {now} bytes)"
        ));
    }
    let _slot = env.lane.slot().await;
    retried(env, || env.store.complete_multipart(req, upload_id, &done))
        .await
        .map(|_| ())
}

/// A zero-byte `name/` marker, as the S3 console's "Create folder" makes.
pub async fn make_folder(env: &Env, bucket: &str, key: &str) {
    env.progress.found(0);
    let req = PutRequest {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        ..PutRequest::default()
    };
    let outcome = match retried(env, || env.store.put_object(&req, Bytes::new())).await {
        Ok(_) => Outcome::Done {
            bytes: 0,
            note: None,
        },
        Err(e) => env.failed(e),
    };
    env.progress.finish(key, outcome, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_both_appends_a_number_before_the_extension() {
        let taken = ["a/report (1).pdf"];
        let free = |k: &str| taken.contains(&k);
        assert_eq!(keep_both_key("a/report.pdf", free), "a/report (2).pdf");
        assert_eq!(keep_both_key("notes", |_| false), "notes (1)");
        assert_eq!(keep_both_key(".env", |_| false), ".env (1)");
        assert_eq!(keep_both_key("d.x/name", |_| false), "d.x/name (1)");
    }
}
