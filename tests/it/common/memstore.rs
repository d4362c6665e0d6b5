//! S3 in memory, for the model-based test of the engine (tests/model.rs).
//!
//! Why one of our own: a model-based test runs hundreds of random jobs,
//! and a real server costs a process, a port and milliseconds per request;
//! in memory a case takes a few milliseconds and nothing is left behind.
//! It is also the test's reference for "what S3 does", so it is kept small
//! and strict rather than fast: ListObjectsV2 pages (capped at a few keys
//! so paging is always exercised), HEAD/GET with ranges, `partNumber` and
//! `If-Match`, PutObject and CompleteMultipartUpload honouring
//! `If-None-Match: *` (a 412 as [`ErrorKind::PreconditionFailed`]),
//! multipart uploads that check part ETags, CRC32s and S3's 5 MiB minimum
//! for all but the last part, CopyObject (with `if_absent`), UploadPartCopy
//! and DeleteObjects. Test code only: nothing here ships in the binary.

// Its helpers return the trait's own `StoreResult`, large error and all.
#![allow(clippy::result_large_err)]

use async_trait::async_trait;
use bytes::Bytes;
use md5::{Digest, Md5};
use pail::engine::verify::crc32_b64;
use pail::store::{
    Bucket, BucketInfo, Connection, CredentialSource, DeleteFailure, ErrorKind, GetRequest,
    GetResult, ListPage, ListRequest, ObjectHead, ObjectInfo, ObjectRef, ObjectSummary, OpenUpload,
    Part, PutRequest, Store, StoreError, StoreResult, Written,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// S3's smallest part, except for the last one.
const MIN_PART: usize = 5 * 1024 * 1024;

/// One object as the store holds it.
#[derive(Clone, Debug)]
pub struct Obj {
    pub data: Bytes,
    /// Quoted, as S3 sends it: the MD5, or MD5-of-MD5s `-N` for multipart.
    pub etag: String,
    pub modified: i64,
    pub content_type: Option<String>,
    pub storage_class: Option<String>,
    /// Part sizes of a multipart upload; empty for PutObject and CopyObject.
    pub parts: Vec<u64>,
    /// The CRC32 the writer sent (checked on the way in).
    pub crc32: Option<String>,
}

struct Upload {
    req: PutRequest,
    /// Part number → (body, quoted ETag).
    parts: BTreeMap<i32, (Bytes, String)>,
}

#[derive(Default)]
struct State {
    buckets: BTreeMap<String, BTreeMap<String, Obj>>,
    uploads: BTreeMap<String, Upload>,
    next_upload: u64,
}

pub struct MemStore {
    state: Mutex<State>,
    /// Most keys a listing page holds, whatever the request asks.
    page_limit: usize,
    /// A key whose reads and copies panic (a bug inside one item).
    panic_on: Mutex<Option<String>>,
}

fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn err(kind: ErrorKind, status: u16, code: &str, bucket: &str, key: Option<&str>) -> StoreError {
    let mut e = StoreError::new(kind, format!("{code} ({status})"));
    e.code = Some(code.to_owned());
    e.status = Some(status);
    e.bucket = Some(bucket.to_owned());
    e.key = key.map(str::to_owned);
    e
}

fn no_bucket(bucket: &str) -> StoreError {
    err(ErrorKind::NoSuchBucket, 404, "NoSuchBucket", bucket, None)
}

fn no_key(bucket: &str, key: &str) -> StoreError {
    err(ErrorKind::NoSuchKey, 404, "NoSuchKey", bucket, Some(key))
}

fn exists(bucket: &str, key: &str) -> StoreError {
    err(
        ErrorKind::PreconditionFailed,
        412,
        "PreconditionFailed",
        bucket,
        Some(key),
    )
}

fn bad(code: &str, bucket: &str, key: &str) -> StoreError {
    err(ErrorKind::Other, 400, code, bucket, Some(key))
}

fn same_etag(a: &str, b: &str) -> bool {
    a.trim_matches('"') == b.trim_matches('"')
}

impl MemStore {
    /// A store with these (empty) buckets and listing pages of at most
    /// `page_limit` keys.
    pub fn new(buckets: &[&str], page_limit: usize) -> MemStore {
        let mut state = State::default();
        for b in buckets {
            state.buckets.insert((*b).to_owned(), BTreeMap::new());
        }
        MemStore {
            state: Mutex::new(state),
            page_limit: page_limit.max(1),
            panic_on: Mutex::new(None),
        }
    }

    /// From now on, reading or copying `key` panics inside the store call,
    /// as a bug inside one item of a job would.
    pub fn panic_on(&self, key: &str) {
        *self.panic_on.lock().unwrap_or_else(|p| p.into_inner()) = Some(key.to_owned());
    }

    fn maybe_panic(&self, key: &str) {
        let hit = self
            .panic_on
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_deref()
            == Some(key);
        if hit {
            panic!("memstore told to panic on {key}");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Puts empty objects at `keys` directly (a listing's fixture).
    pub fn seed(&self, bucket: &str, keys: &[String]) {
        let mut st = self.lock();
        let objs = st.buckets.entry(bucket.to_owned()).or_default();
        for k in keys {
            objs.insert(
                k.clone(),
                Obj {
                    data: Bytes::new(),
                    etag: format!("\"{}\"", md5_hex(b"")),
                    modified: 0,
                    content_type: None,
                    storage_class: None,
                    parts: Vec::new(),
                    crc32: None,
                },
            );
        }
    }

    /// Every object of `bucket`, read without going through the trait.
    pub fn objects(&self, bucket: &str) -> BTreeMap<String, Obj> {
        self.lock().buckets.get(bucket).cloned().unwrap_or_default()
    }

    /// Puts `obj` at `key` if the condition allows; the one place objects
    /// are written, so every write honours `If-None-Match: *` alike.
    fn write(&self, bucket: &str, key: &str, obj: Obj, if_absent: bool) -> StoreResult<Written> {
        let mut st = self.lock();
        let objs = st
            .buckets
            .get_mut(bucket)
            .ok_or_else(|| no_bucket(bucket))?;
        if if_absent && objs.contains_key(key) {
            return Err(exists(bucket, key));
        }
        let etag = obj.etag.clone();
        objs.insert(key.to_owned(), obj);
        Ok(Written {
            etag: Some(etag),
            version_id: None,
        })
    }

    fn get(&self, bucket: &str, key: &str) -> StoreResult<Obj> {
        let st = self.lock();
        let objs = st.buckets.get(bucket).ok_or_else(|| no_bucket(bucket))?;
        objs.get(key).cloned().ok_or_else(|| no_key(bucket, key))
    }

    /// HEAD and GET: the object, the answer's headers and its byte range.
    fn read(&self, req: &GetRequest) -> StoreResult<(ObjectHead, Bytes)> {
        if req.version_id.is_some() {
            return Err(bad("InvalidArgument", &req.bucket, &req.key));
        }
        let o = self.get(&req.bucket, &req.key)?;
        if let Some(want) = &req.if_match
            && !same_etag(want, &o.etag)
        {
            return Err(exists(&req.bucket, &req.key));
        }
        let size = o.data.len() as u64;
        let (start, end) = match (req.part_number, req.range) {
            (Some(n), _) if !o.parts.is_empty() => {
                let i = usize::try_from(n - 1)
                    .ok()
                    .filter(|i| *i < o.parts.len())
                    .ok_or_else(|| bad("InvalidPartNumber", &req.bucket, &req.key))?;
                let start: u64 = o.parts[..i].iter().sum();
                (start, start + o.parts[i])
            }
            (_, Some((s, e))) if s < e && e <= size => (s, e),
            (_, Some(_)) => return Err(bad("InvalidRange", &req.bucket, &req.key)),
            _ => (0, size),
        };
        let full = o.crc32.as_ref().filter(|_| o.parts.is_empty());
        let head = ObjectHead {
            content_length: end - start,
            object_size: size,
            etag: Some(o.etag.clone()),
            modified: Some(o.modified),
            checksums: full
                .map(|c| vec![("CRC32".into(), c.clone())])
                .unwrap_or_default(),
            checksum_type: full.map(|_| "FULL_OBJECT".into()),
            parts_count: (!o.parts.is_empty()).then_some(o.parts.len() as i32),
            content_type: o.content_type.clone(),
            storage_class: o.storage_class.clone(),
            ..ObjectHead::default()
        };
        Ok((head, o.data.slice(start as usize..end as usize)))
    }
}

#[async_trait]
impl Store for MemStore {
    fn connection(&self) -> Connection {
        Connection {
            endpoint: Some("memory".into()),
            region: "us-east-1".into(),
            ..Connection::default()
        }
    }
    async fn credential_source(&self) -> StoreResult<CredentialSource> {
        Ok(CredentialSource {
            provider: "memory".into(),
            key_hint: None,
        })
    }
    async fn list_buckets(&self) -> StoreResult<Vec<Bucket>> {
        let st = self.lock();
        Ok(st
            .buckets
            .keys()
            .map(|name| Bucket {
                name: name.clone(),
                created: None,
            })
            .collect())
    }
    async fn bucket_region(&self, _bucket: &str) -> StoreResult<String> {
        Ok("us-east-1".into())
    }
    async fn bucket_info(&self, _bucket: &str) -> StoreResult<BucketInfo> {
        Ok(BucketInfo {
            region: "us-east-1".into(),
            versioning: Ok(pail::store::Versioning::NeverEnabled),
        })
    }

    /// ListObjectsV2: keys after the token that start with the prefix, in
    /// byte order; with a delimiter, keys that go deeper are rolled up into
    /// one common prefix each. The token is the last entry of the page.
    async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage> {
        let st = self.lock();
        let objs = st
            .buckets
            .get(&req.bucket)
            .ok_or_else(|| no_bucket(&req.bucket))?;
        let limit = (req.page_size.unwrap_or(1000).max(1) as usize).min(self.page_limit);
        let after = req.token.clone().unwrap_or_default();
        let mut page = ListPage::default();
        let mut prefixes = BTreeSet::new();
        let mut last = String::new();
        let mut entries = 0;
        for (key, o) in objs.range(req.prefix.clone()..) {
            if !key.starts_with(&req.prefix) {
                break;
            }
            // Listed on an earlier page: the key, or a common prefix that
            // covers it.
            let covered = after.len() > req.prefix.len()
                && req.delimiter.as_deref().is_some_and(|d| after.ends_with(d))
                && key.starts_with(&after);
            if !after.is_empty() && (key.as_str() <= after.as_str() || covered) {
                continue;
            }
            let rolled = req.delimiter.as_deref().and_then(|d| {
                let rest = &key[req.prefix.len()..];
                rest.find(d)
                    .map(|i| format!("{}{}", req.prefix, &rest[..i + d.len()]))
            });
            if rolled.as_ref().is_some_and(|p| prefixes.contains(p)) {
                continue;
            }
            if entries == limit {
                page.next = Some(last);
                break;
            }
            entries += 1;
            match rolled {
                Some(p) => {
                    last = p.clone();
                    prefixes.insert(p);
                }
                None => {
                    last = key.clone();
                    page.objects.push(ObjectSummary {
                        restore: None,
                        key: key.clone(),
                        size: o.data.len() as u64,
                        modified: Some(o.modified),
                        storage_class: o.storage_class.clone(),
                        etag: Some(o.etag.clone()),
                        version_id: None,
                    });
                }
            }
        }
        page.prefixes = prefixes.into_iter().collect();
        Ok(page)
    }

    async fn object_info(&self, bucket: &str, key: &str) -> StoreResult<ObjectInfo> {
        let o = self.get(bucket, key)?;
        Ok(ObjectInfo {
            key: key.to_owned(),
            size: o.data.len() as u64,
            modified: Some(o.modified),
            etag: Some(o.etag),
            content_type: o.content_type,
            storage_class: o.storage_class,
            ..ObjectInfo::default()
        })
    }

    async fn head_object(&self, req: &GetRequest) -> StoreResult<ObjectHead> {
        self.read(req).map(|(h, _)| h).map_err(|mut e| {
            // A HEAD has no body: a missing key is a bare 404.
            if e.kind == ErrorKind::NoSuchKey {
                e.kind = ErrorKind::NotFound;
                e.code = Some("NotFound".into());
            }
            e
        })
    }

    async fn get_object(&self, req: &GetRequest) -> GetResult {
        self.maybe_panic(&req.key);
        let (head, body) = self.read(req)?;
        // Two chunks, so the engine's streaming is exercised.
        let mid = body.len() / 2;
        let chunks = [body.slice(..mid), body.slice(mid..)];
        let stream = futures::stream::iter(chunks.into_iter().filter(|c| !c.is_empty()).map(Ok));
        Ok((head, Box::pin(stream)))
    }

    async fn put_object(&self, req: &PutRequest, body: Bytes) -> StoreResult<Written> {
        let crc = req.crc32.clone().filter(|c| !c.is_empty());
        if let Some(c) = &crc
            && *c != crc32_b64(&body)
        {
            return Err(bad("BadDigest", &req.bucket, &req.key));
        }
        let obj = Obj {
            etag: format!("\"{}\"", md5_hex(&body)),
            data: body,
            modified: now(),
            content_type: req.content_type.clone(),
            storage_class: req.storage_class.clone(),
            parts: Vec::new(),
            crc32: crc,
        };
        self.write(&req.bucket, &req.key, obj, req.if_absent)
    }

    async fn create_multipart(&self, req: &PutRequest) -> StoreResult<String> {
        let mut st = self.lock();
        if !st.buckets.contains_key(&req.bucket) {
            return Err(no_bucket(&req.bucket));
        }
        st.next_upload += 1;
        let id = format!("upload-{}", st.next_upload);
        let upload = Upload {
            req: req.clone(),
            parts: BTreeMap::new(),
        };
        st.uploads.insert(id.clone(), upload);
        Ok(id)
    }

    async fn upload_part(
        &self,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        body: Bytes,
        crc32: Option<String>,
    ) -> StoreResult<Part> {
        if let Some(c) = &crc32
            && *c != crc32_b64(&body)
        {
            return Err(bad("BadDigest", &req.bucket, &req.key));
        }
        let etag = format!("\"{}\"", md5_hex(&body));
        let mut st = self.lock();
        let up = st
            .uploads
            .get_mut(upload_id)
            .filter(|u| u.req.bucket == req.bucket && u.req.key == req.key)
            .ok_or_else(|| err(ErrorKind::Other, 404, "NoSuchUpload", &req.bucket, None))?;
        up.parts.insert(number, (body, etag.clone()));
        Ok(Part {
            number,
            etag,
            crc32,
        })
    }

    async fn upload_part_copy(
        &self,
        src: &ObjectRef,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        (start, end): (u64, u64),
    ) -> StoreResult<Part> {
        let o = self.get(&src.bucket, &src.key)?;
        if start >= end || end > o.data.len() as u64 {
            return Err(bad("InvalidRange", &src.bucket, &src.key));
        }
        let body = o.data.slice(start as usize..end as usize);
        let mut part = self.upload_part(req, upload_id, number, body, None).await?;
        part.crc32 = None;
        Ok(part)
    }

    /// Joins the parts named (ascending, ETags as uploaded, all but the
    /// last at least 5 MiB), honouring `If-None-Match: *` from `req`.
    async fn complete_multipart(
        &self,
        req: &PutRequest,
        upload_id: &str,
        parts: &[Part],
    ) -> StoreResult<Written> {
        let (data, etag, sizes, up_req) = {
            let st = self.lock();
            let up = st
                .uploads
                .get(upload_id)
                .filter(|u| u.req.bucket == req.bucket && u.req.key == req.key)
                .ok_or_else(|| err(ErrorKind::Other, 404, "NoSuchUpload", &req.bucket, None))?;
            let invalid = || bad("InvalidPart", &req.bucket, &req.key);
            if parts.is_empty() || parts.windows(2).any(|w| w[0].number >= w[1].number) {
                return Err(bad("InvalidPartOrder", &req.bucket, &req.key));
            }
            let mut data = Vec::new();
            let mut md5s = Vec::new();
            let mut sizes = Vec::new();
            for (i, p) in parts.iter().enumerate() {
                let (body, etag) = up.parts.get(&p.number).ok_or_else(invalid)?;
                if !same_etag(etag, &p.etag) {
                    return Err(invalid());
                }
                if i + 1 < parts.len() && body.len() < MIN_PART {
                    return Err(bad("EntityTooSmall", &req.bucket, &req.key));
                }
                data.extend_from_slice(body);
                md5s.extend_from_slice(&Md5::digest(body));
                sizes.push(body.len() as u64);
            }
            let etag = format!("\"{}-{}\"", md5_hex(&md5s), parts.len());
            (Bytes::from(data), etag, sizes, up.req.clone())
        };
        let obj = Obj {
            data,
            etag,
            modified: now(),
            content_type: up_req.content_type,
            storage_class: up_req.storage_class,
            parts: sizes,
            crc32: None,
        };
        let written = self.write(&req.bucket, &req.key, obj, req.if_absent)?;
        self.lock().uploads.remove(upload_id);
        Ok(written)
    }

    async fn abort_multipart(&self, bucket: &str, _key: &str, upload_id: &str) -> StoreResult<()> {
        match self.lock().uploads.remove(upload_id) {
            Some(_) => Ok(()),
            None => Err(err(ErrorKind::Other, 404, "NoSuchUpload", bucket, None)),
        }
    }

    async fn open_uploads(&self, bucket: &str, prefix: &str) -> StoreResult<Vec<OpenUpload>> {
        let st = self.lock();
        Ok(st
            .uploads
            .iter()
            .filter(|(_, u)| u.req.bucket == bucket && u.req.key.starts_with(prefix))
            .map(|(id, u)| OpenUpload {
                key: u.req.key.clone(),
                upload_id: id.clone(),
                initiated: None,
                initiator: None,
                storage_class: None,
            })
            .collect())
    }

    async fn copy_object(
        &self,
        src: &ObjectRef,
        dst: &ObjectRef,
        storage_class: Option<&str>,
        if_absent: bool,
    ) -> StoreResult<Written> {
        self.maybe_panic(&src.key);
        if src.version_id.is_some() {
            return Err(bad("InvalidArgument", &src.bucket, &src.key));
        }
        let o = self.get(&src.bucket, &src.key)?;
        let obj = Obj {
            etag: format!("\"{}\"", md5_hex(&o.data)),
            modified: now(),
            storage_class: storage_class.map(str::to_owned),
            parts: Vec::new(),
            ..o
        };
        self.write(&dst.bucket, &dst.key, obj, if_absent)
    }

    /// DeleteObjects: a key that is not there is deleted as well (S3 says
    /// so), so nothing is ever refused.
    async fn delete_objects(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> StoreResult<Vec<DeleteFailure>> {
        let mut st = self.lock();
        let objs = st
            .buckets
            .get_mut(bucket)
            .ok_or_else(|| no_bucket(bucket))?;
        for k in keys {
            objs.remove(k);
        }
        Ok(Vec::new())
    }
}
