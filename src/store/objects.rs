//! Domain types for reading and writing objects: what the transfer engine
//! asks of a [`Store`](super::Store) and what it gets back. Bodies go up as
//! owned buffers (a part at most, so memory stays bounded and a retry can
//! resend them) and come down as a stream of chunks.

use super::StoreResult;
use bytes::Bytes;
use futures::Stream;
use std::pin::Pin;

/// One object, or one version of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
    /// As the source of a copy: copy only while it still has this ETag
    /// (`x-amz-copy-source-if-match`), else the copy fails with 412.
    pub etag: Option<String>,
}

impl ObjectRef {
    pub fn new(bucket: &str, key: &str) -> ObjectRef {
        ObjectRef {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            version_id: None,
            etag: None,
        }
    }

    /// The `CopySource` header: bucket and key URL-encoded segment by
    /// segment (so `/` stays a separator), and `?versionId=` appended as is:
    /// aws-sdk-rust sends the header verbatim, it encodes nothing itself.
    pub fn copy_source(&self) -> String {
        use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
        // RFC 3986 unreserved characters stay; everything else is encoded.
        const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'.')
            .remove(b'_')
            .remove(b'~');
        let key: Vec<String> = self
            .key
            .split('/')
            .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
            .collect();
        let mut out = format!(
            "{}/{}",
            utf8_percent_encode(&self.bucket, SEGMENT),
            key.join("/")
        );
        if let Some(v) = &self.version_id {
            out.push_str("?versionId=");
            out.push_str(v);
        }
        out
    }
}

/// A GetObject or HeadObject.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetRequest {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
    /// Bytes `start..end` (end exclusive).
    pub range: Option<(u64, u64)>,
    /// Only if the object still has this ETag: parts of one download must
    /// all come from the same object, not from one overwritten meanwhile.
    pub if_match: Option<String>,
    /// Ask for one part of a multipart object (learns the part layout).
    pub part_number: Option<i32>,
}

impl GetRequest {
    pub fn object(obj: &ObjectRef) -> GetRequest {
        GetRequest {
            bucket: obj.bucket.clone(),
            key: obj.key.clone(),
            version_id: obj.version_id.clone(),
            ..GetRequest::default()
        }
    }

    /// The listed object `obj` of `bucket`, pinned to its ETag: every part
    /// of a download comes from that object, not from one written since.
    pub fn pinned(bucket: &str, obj: &super::ObjectSummary) -> GetRequest {
        GetRequest {
            bucket: bucket.to_owned(),
            key: obj.key.clone(),
            version_id: obj.version_id.clone(),
            if_match: obj.etag.clone(),
            ..GetRequest::default()
        }
    }
}

/// What the headers of a GetObject/HeadObject answer say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectHead {
    /// Bytes in this answer (the range or part, or the whole object).
    pub content_length: u64,
    /// The whole object's size (from Content-Range when ranged).
    pub object_size: u64,
    pub etag: Option<String>,
    pub modified: Option<i64>,
    pub version_id: Option<String>,
    /// (algorithm, base64 value) as sent: CRC32, CRC32C, CRC64NVME, SHA1, SHA256.
    pub checksums: Vec<(String, String)>,
    /// FULL_OBJECT or COMPOSITE when the server says.
    pub checksum_type: Option<String>,
    /// aws:kms, aws:kms:dsse, AES256...
    pub sse: Option<String>,
    /// SSE-C in use (its ETag is not an MD5 either).
    pub sse_customer: bool,
    pub parts_count: Option<i32>,
    pub content_type: Option<String>,
    pub storage_class: Option<String>,
    /// `x-amz-restore` of an archived object ([`super::archive::parse_restore_header`]).
    pub restore: Option<String>,
    /// x-amz-meta-* pairs (names lower-case, without the prefix), sorted:
    /// where other tools keep a file's modification time and MD5
    /// ([`super::mtime`]).
    pub metadata: Vec<(String, String)>,
}

/// Chunks of a body as they arrive.
pub type ByteStream = Pin<Box<dyn Stream<Item = StoreResult<Bytes>> + Send>>;

/// Server-side encryption for new objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Encryption {
    /// Whatever the bucket's default is.
    #[default]
    BucketDefault,
    /// SSE-S3 (AES256).
    S3,
    /// SSE-KMS, with a key id or the account's default key.
    Kms(Option<String>),
}

/// How a new object is written (PutObject, CreateMultipartUpload, and the
/// destination side of a multipart copy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PutRequest {
    pub bucket: String,
    pub key: String,
    pub content_type: Option<String>,
    pub storage_class: Option<String>,
    pub encryption: Encryption,
    /// Content headers and metadata, for a multipart copy that must carry
    /// the source's over (CopyObject keeps them by itself).
    pub headers: ContentHeaders,
    pub metadata: Vec<(String, String)>,
    /// `k=v&k2=v2`, URL-encoded, as the Tagging header wants it.
    pub tagging: Option<String>,
    /// Base64 CRC32 of the body: the server checks it where it can.
    pub crc32: Option<String>,
    /// Write only if the key does not exist (`If-None-Match: *` on
    /// PutObject and CompleteMultipartUpload): a second writer that took
    /// the name meanwhile makes it fail with 412 instead of being replaced.
    pub if_absent: bool,
    /// Write only over the object with this ETag (`If-Match` on PutObject
    /// and CompleteMultipartUpload, where the server honours it): a sync
    /// replaces exactly what it planned to replace.
    pub if_match: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentHeaders {
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
}

/// What a write answered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub etag: Option<String>,
    pub version_id: Option<String>,
}

/// One uploaded part, as CompleteMultipartUpload needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub number: i32,
    pub etag: String,
    pub crc32: Option<String>,
}

/// A multipart upload that was started and never completed or aborted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenUpload {
    pub key: String,
    pub upload_id: String,
    /// Seconds since the epoch.
    pub initiated: Option<i64>,
    /// Who started it (the initiator's display name or id), as the server
    /// says; untrusted text.
    pub initiator: Option<String>,
    pub storage_class: Option<String>,
}

/// What the parts of an open upload hold so far (ListParts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UploadedParts {
    pub parts: u64,
    pub bytes: u64,
}

/// A key DeleteObjects could not delete, with the server's reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteFailure {
    pub key: String,
    pub code: String,
    pub message: String,
}

pub type GetResult = StoreResult<(ObjectHead, ByteStream)>;
