//! Whether a path that is on both sides needs sending, and how that was
//! known. Sizes first (a different size settles it); then, by mode, the
//! modification times (`size-mtime`, as the aws CLI), nothing more
//! (`size-only`), or the content (`checksum`: the strongest evidence the
//! object carries, against a hash of the local file).
//!
//! Requests are asked only where the listing cannot settle it: a file
//! newer than its object (or an object whose LastModified is not the
//! file's time) gets a HEAD for the time a tool recorded (rclone, s3cmd,
//! mc: store/mtime.rs); in checksum mode an MD5 ETag that matches the
//! file's MD5 needs none, anything else a HEAD (and a HEAD of part 1 for
//! a multipart object's layout).

use super::side::Entry;
use super::{Compare, Direction, Evidence, Reason};
use crate::engine::sync::Endpoint;
use crate::engine::verify::{self, Algo, Check, StreamHasher, hex};
use crate::store::mtime;
use crate::store::{ErrorKind, GetRequest, ObjectHead, Store, StoreError, StoreResult};
use std::io::Read;
use std::path::PathBuf;

/// What the comparison decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub send: bool,
    pub reason: Reason,
    /// A fallback the row should say (checksum mode without a checksum).
    pub note: Option<String>,
}

fn send(reason: Reason) -> Verdict {
    Verdict {
        send: true,
        reason,
        note: None,
    }
}

fn same(e: Evidence) -> Verdict {
    Verdict {
        send: false,
        reason: Reason::Same(e),
        note: None,
    }
}

/// Everything a comparison needs besides the two entries.
pub(super) struct Judge<'a> {
    pub store: &'a dyn Store,
    pub direction: Direction,
    pub mode: Compare,
    pub source: &'a Endpoint,
    pub dest: &'a Endpoint,
}

impl Judge<'_> {
    /// `s` (source) against `d` (destination), both present.
    pub async fn judge(&self, s: &Entry, d: &Entry) -> StoreResult<Verdict> {
        if s.size != d.size {
            return Ok(send(Reason::SizeDiffers {
                source: s.size,
                dest: d.size,
            }));
        }
        match self.mode {
            Compare::SizeOnly => Ok(same(Evidence::Size)),
            Compare::SizeMtime => self.by_time(s, d).await,
            Compare::Checksum => match self.by_content(s, d).await? {
                Ok(v) => Ok(v),
                Err(why) => {
                    let mut v = self.by_time(s, d).await?;
                    v.note = Some(format!("no checksum to compare ({why}): size and mtime"));
                    Ok(v)
                }
            },
        }
    }

    async fn by_time(&self, s: &Entry, d: &Entry) -> StoreResult<Verdict> {
        match self.direction {
            Direction::Upload => {
                let (Some(file), Some(obj)) = (s.time, d.time) else {
                    return Ok(send(Reason::Newer(Evidence::LastModified)));
                };
                if !file.later_than(obj) {
                    return Ok(same(Evidence::NotOlder));
                }
                // The file is newer than the upload: unless a tool recorded
                // this very time on the object, it changed since.
                let head = self.head(self.dest, &d.rel).await?;
                Ok(match mtime::from_metadata(&head.metadata) {
                    Some((m, c)) if m.same(file) => same(Evidence::Recorded(c)),
                    Some((_, c)) => send(Reason::Newer(Evidence::Recorded(c))),
                    None => send(Reason::Newer(Evidence::LastModified)),
                })
            }
            Direction::Download => {
                let (Some(obj), Some(file)) = (s.time, d.time) else {
                    return Ok(send(Reason::TimeDiffers(Evidence::LastModified)));
                };
                if obj.same(file) {
                    return Ok(same(Evidence::LastModified));
                }
                let head = self.head(self.source, &s.rel).await?;
                Ok(match mtime::from_metadata(&head.metadata) {
                    Some((m, c)) if m.same(file) => same(Evidence::Recorded(c)),
                    Some((_, c)) => send(Reason::TimeDiffers(Evidence::Recorded(c))),
                    None => send(Reason::TimeDiffers(Evidence::LastModified)),
                })
            }
            Direction::Copy => {
                if same_etag(s, d) {
                    return Ok(same(Evidence::Etag));
                }
                Ok(match (s.time, d.time) {
                    (Some(a), Some(b)) if !a.later_than(b) => same(Evidence::NotOlder),
                    _ => send(Reason::Newer(Evidence::LastModified)),
                })
            }
        }
    }

    /// `Err(why)` when neither side carries anything to compare.
    async fn by_content(&self, s: &Entry, d: &Entry) -> StoreResult<Result<Verdict, String>> {
        match self.direction {
            Direction::Upload => {
                self.file_vs_object(local(self.source, s), self.dest, d)
                    .await
            }
            Direction::Download => {
                self.file_vs_object(local(self.dest, d), self.source, s)
                    .await
            }
            Direction::Copy => {
                if same_etag(s, d) {
                    return Ok(Ok(same(Evidence::Etag)));
                }
                let hs = self.head(self.source, &s.rel).await?;
                let hd = self.head(self.dest, &d.rel).await?;
                Ok(objects_compared(&hs, &hd))
            }
        }
    }

    async fn file_vs_object(
        &self,
        path: PathBuf,
        side: &Endpoint,
        obj: &Entry,
    ) -> StoreResult<Result<Verdict, String>> {
        let etag = obj
            .etag
            .as_deref()
            .map(|e| e.trim_matches('"').to_ascii_lowercase());
        // A plain MD5 ETag the file matches settles it without a request
        // (an ETag that is no MD5 never matches one by chance).
        if let Some(e) = etag.as_deref().filter(|e| is_md5(e)) {
            let digests = hash(path.clone(), Algo::Md5, None).await?;
            if digests.first().is_some_and(|d| hex(d) == e) {
                return Ok(Ok(same(Evidence::Md5Etag)));
            }
        }
        let head = self.head(side, &obj.rel).await?;
        let part = if etag.as_deref().is_some_and(|e| e.contains('-')) {
            self.part_size(side, &obj.rel).await?
        } else {
            None
        };
        let (check, evidence) = match verify::choose(&head, part) {
            Check::Unverifiable(why) => match mtime::md5_from_metadata(&head.metadata) {
                Some((md5, c)) => (Check::Md5Etag { expected: md5 }, Evidence::RecordedMd5(c)),
                None => return Ok(Err(why)),
            },
            c => {
                let e = evidence_of(&c);
                (c, e)
            }
        };
        let Some(algo) = check.algo() else {
            return Ok(Err("nothing to compare".into()));
        };
        let digests = hash(path, algo, check.part_size()).await?;
        Ok(Ok(match check.verify(&digests) {
            Ok(()) => same(evidence),
            Err(_) => send(Reason::ContentDiffers(evidence)),
        }))
    }

    async fn head(&self, side: &Endpoint, rel: &str) -> StoreResult<ObjectHead> {
        let Endpoint::S3 { bucket, prefix } = side else {
            return Err(StoreError::new(
                ErrorKind::Other,
                "internal: HEAD of a file",
            ));
        };
        let req = GetRequest {
            bucket: bucket.clone(),
            key: format!("{prefix}{rel}"),
            ..GetRequest::default()
        };
        self.store.head_object(&req).await
    }

    /// A multipart object's part size, from a HEAD of part 1.
    async fn part_size(&self, side: &Endpoint, rel: &str) -> StoreResult<Option<u64>> {
        let Endpoint::S3 { bucket, prefix } = side else {
            return Ok(None);
        };
        let req = GetRequest {
            bucket: bucket.clone(),
            key: format!("{prefix}{rel}"),
            part_number: Some(1),
            ..GetRequest::default()
        };
        Ok(self
            .store
            .head_object(&req)
            .await
            .ok()
            .map(|h| h.content_length)
            .filter(|n| *n > 0))
    }
}

fn local(side: &Endpoint, e: &Entry) -> PathBuf {
    match side {
        Endpoint::Local(root) => root.join(&e.rel),
        Endpoint::S3 { .. } => PathBuf::new(),
    }
}

fn same_etag(a: &Entry, b: &Entry) -> bool {
    match (&a.etag, &b.etag) {
        (Some(x), Some(y)) => !x.is_empty() && x.trim_matches('"') == y.trim_matches('"'),
        _ => false,
    }
}

fn is_md5(e: &str) -> bool {
    e.len() == 32 && e.bytes().all(|b| b.is_ascii_hexdigit())
}

fn evidence_of(c: &Check) -> Evidence {
    match c {
        Check::Full { algo, .. } => Evidence::Checksum(*algo),
        Check::Composite { algo, .. } => Evidence::Composite(*algo),
        Check::MultipartEtag { .. } => Evidence::MultipartEtag,
        Check::Md5Etag { .. } | Check::Unverifiable(_) => Evidence::Md5Etag,
    }
}

/// Two objects by what both carry: a full-object checksum of one
/// algorithm, or the MD5 a tool recorded on each.
fn objects_compared(a: &ObjectHead, b: &ObjectHead) -> Result<Verdict, String> {
    let full = |h: &ObjectHead| -> Vec<(String, String)> {
        h.checksums
            .iter()
            .filter(|(_, v)| !v.contains('-'))
            .filter(|_| {
                h.checksum_type.as_deref() == Some("FULL_OBJECT")
                    || !h.etag.as_deref().is_some_and(|e| e.contains('-'))
            })
            .cloned()
            .collect()
    };
    let (fa, fb) = (full(a), full(b));
    for (name, va) in &fa {
        if let Some((_, vb)) = fb.iter().find(|(n, _)| n == name) {
            let algo = verify::Algo::from_name(name).unwrap_or(Algo::Crc32);
            return Ok(if va == vb {
                same(Evidence::Checksum(algo))
            } else {
                send(Reason::ContentDiffers(Evidence::Checksum(algo)))
            });
        }
    }
    if let (Some((ma, c)), Some((mb, _))) = (
        mtime::md5_from_metadata(&a.metadata),
        mtime::md5_from_metadata(&b.metadata),
    ) {
        return Ok(if ma == mb {
            same(Evidence::RecordedMd5(c))
        } else {
            send(Reason::ContentDiffers(Evidence::RecordedMd5(c)))
        });
    }
    Err("the two objects carry no checksum of the same kind".into())
}

/// The file's digest(s) for `algo`, one per part when `part` is set;
/// read off the async threads.
async fn hash(path: PathBuf, algo: Algo, part: Option<u64>) -> StoreResult<Vec<Vec<u8>>> {
    tokio::task::spawn_blocking(move || -> std::io::Result<Vec<Vec<u8>>> {
        let mut f = std::fs::File::open(&path)?;
        let mut h = StreamHasher::new(algo, part);
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(h.finish())
    })
    .await
    .map_err(|e| StoreError::new(ErrorKind::Other, e.to_string()))?
    .map_err(|e| StoreError::new(ErrorKind::Other, format!("cannot read to hash it: {e}")))
}
