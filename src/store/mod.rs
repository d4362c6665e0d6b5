//! The narrow door to S3. Everything above this module talks in these domain
//! types and the [`Store`] trait; only [`aws`] knows aws-sdk-s3 exists. That
//! keeps the UI testable without a network, keeps SDK churn in one file, and
//! leaves room for stores that are not the SDK (a test double for faults a
//! real server will not produce on demand).

pub mod archive;
pub mod aws;
pub mod endpoint;
mod error;
pub mod links;
pub mod mtime;
mod objects;
mod pages;
pub mod settings;
mod versions;

pub use error::{ErrorKind, StoreError};
pub use objects::*;
pub use pages::{PageRequest, Pages, pages};
pub use versions::*;

use async_trait::async_trait;

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub name: String,
    /// Seconds since the epoch.
    pub created: Option<i64>,
}

/// One object row of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectSummary {
    pub key: String,
    pub size: u64,
    pub modified: Option<i64>,
    pub storage_class: Option<String>,
    pub etag: Option<String>,
    /// A version of the key rather than its current object (the versions
    /// panel's download and restore).
    pub version_id: Option<String>,
    /// An archived object's restore, when the listing says (AWS answers
    /// `RestoreStatus` when asked; other servers leave it out).
    pub restore: Option<archive::RestoreState>,
}

/// One page of ListObjectsV2, keys already URL-decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListPage {
    pub prefixes: Vec<String>,
    pub objects: Vec<ObjectSummary>,
    /// Continuation token for the next page; `None` on the last page.
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest {
    pub bucket: String,
    pub prefix: String,
    /// `Some("/")` for a tree level, `None` for a recursive walk.
    pub delimiter: Option<String>,
    pub token: Option<String>,
    pub page_size: Option<i32>,
}

impl ListRequest {
    /// One level of the tree under `prefix`: CommonPrefixes and objects.
    pub fn level(bucket: &str, prefix: &str, page_size: i32) -> ListRequest {
        ListRequest {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            delimiter: Some("/".to_owned()),
            token: None,
            page_size: Some(page_size),
        }
    }

    /// Every key under `prefix`, at any depth.
    pub fn recursive(bucket: &str, prefix: &str, page_size: i32) -> ListRequest {
        ListRequest {
            delimiter: None,
            ..ListRequest::level(bucket, prefix, page_size)
        }
    }
}

/// Everything the inspector shows about one object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub modified: Option<i64>,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub content_encoding: Option<String>,
    pub content_disposition: Option<String>,
    pub content_language: Option<String>,
    pub cache_control: Option<String>,
    pub expires: Option<String>,
    pub storage_class: Option<String>,
    pub sse: Option<String>,
    pub sse_kms_key_id: Option<String>,
    pub bucket_key_enabled: Option<bool>,
    pub version_id: Option<String>,
    /// (algorithm, value), e.g. ("CRC32", "AAAAAA==").
    pub checksums: Vec<(String, String)>,
    pub checksum_type: Option<String>,
    /// x-amz-meta-* pairs, sorted by name.
    pub metadata: Vec<(String, String)>,
    pub tags: Vec<(String, String)>,
    /// Why tags could not be read (servers without tagging, AccessDenied).
    pub tags_error: Option<String>,
    pub object_lock_mode: Option<String>,
    pub object_lock_retain_until: Option<i64>,
    pub legal_hold: Option<String>,
    pub restore: Option<String>,
    pub archive_status: Option<String>,
    pub replication_status: Option<String>,
    pub parts_count: Option<i32>,
    pub missing_meta: Option<i32>,
    pub website_redirect: Option<String>,
}

/// What the inspector shows about a bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketInfo {
    pub region: String,
    /// Err (why) if it could not be read.
    pub versioning: Result<Versioning, String>,
}

/// A bucket's versioning status, as GetBucketVersioning tells it. Once
/// enabled, versioning can be suspended but never turned off again.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Versioning {
    Enabled,
    /// Versions written so far stay; new writes replace the `null` version.
    Suspended,
    /// No status in the answer: the bucket keeps no history.
    NeverEnabled,
    /// A status pail does not know, as the server said it (untrusted text).
    Other(String),
}

impl Versioning {
    /// From the status S3 answers (`None`: the element is absent).
    pub fn from_status(status: Option<&str>) -> Versioning {
        match status {
            None => Versioning::NeverEnabled,
            Some("Enabled") => Versioning::Enabled,
            Some("Suspended") => Versioning::Suspended,
            Some(other) => Versioning::Other(other.to_owned()),
        }
    }

    /// Whether the bucket keeps versions (a delete adds a marker).
    pub fn keeps_versions(&self) -> bool {
        matches!(self, Versioning::Enabled | Versioning::Suspended)
    }
}

impl std::fmt::Display for Versioning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Versioning::Enabled => "Enabled",
            Versioning::Suspended => "Suspended",
            Versioning::NeverEnabled => "Never enabled",
            Versioning::Other(s) => s,
        })
    }
}

/// Recursive totals under a prefix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrefixTotals {
    pub objects: u64,
    pub bytes: u64,
}

/// Where and as whom we talk to S3; shown in the header. Never holds a secret.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connection {
    /// The endpoint URL the client sends requests to; `None` means AWS.
    pub endpoint: Option<String>,
    /// Where that endpoint was configured ("--endpoint-url",
    /// "AWS_ENDPOINT_URL_S3", "profile dev: endpoint_url"...).
    pub endpoint_source: Option<String>,
    pub profile: Option<String>,
    pub region: String,
    pub path_style: bool,
    pub unsigned: bool,
}

impl Connection {
    pub fn endpoint_label(&self) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => format!("AWS (s3.{}.amazonaws.com)", self.region),
        }
    }
}

/// Who the caller is, as STS GetCallerIdentity says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Which credentials are in use, learned once at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialSource {
    /// The provider's name as the SDK reports it (EnvironmentVariable, ProfileFile, SSO...).
    pub provider: String,
    /// Last four characters of the access key id, enough to tell identities apart.
    pub key_hint: Option<String>,
}

/// A request that has waited a while for its answer, for the status bar:
/// the user should see that pail is waiting, for whom, and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stall {
    /// `host:port` the request went to.
    pub host: String,
    /// Seconds since the current attempt was sent.
    pub waited_secs: u64,
    /// 1-based attempt number.
    pub attempt: u32,
    pub max_attempts: u32,
}

impl Stall {
    /// "waiting for 127.0.0.1:9000 · 20 s · attempt 2/3".
    pub fn describe(&self) -> String {
        format!(
            "waiting for {} · {} s · attempt {}/{}",
            crate::sanitize::clean(&self.host),
            self.waited_secs,
            self.attempt,
            self.max_attempts
        )
    }
}

/// The operations pail needs from an S3 endpoint. Async and object-safe so the
/// runtime can hold an `Arc<dyn Store>` and hand it to background tasks.
#[async_trait]
pub trait Store: Send + Sync {
    fn connection(&self) -> Connection;
    /// The first failure since the last call that a person can act on (the
    /// identity refused, a signature or clock problem, credentials, an
    /// endpoint that cannot be reached), taken once. A job's items only
    /// carry their failure as text; the command line asks this after a job
    /// with failures to explain why, as the TUI's popups do.
    fn take_telling_error(&self) -> Option<StoreError> {
        None
    }
    async fn credential_source(&self) -> StoreResult<CredentialSource>;
    async fn list_buckets(&self) -> StoreResult<Vec<Bucket>>;
    async fn bucket_region(&self, bucket: &str) -> StoreResult<String>;
    async fn bucket_info(&self, bucket: &str) -> StoreResult<BucketInfo>;
    async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage>;
    async fn object_info(&self, bucket: &str, key: &str) -> StoreResult<ObjectInfo>;
    /// The inspector's details of one version (or the current object).
    async fn object_info_at(&self, obj: &ObjectRef) -> StoreResult<ObjectInfo> {
        match &obj.version_id {
            None => self.object_info(&obj.bucket, &obj.key).await,
            Some(_) => Err(unsupported("HeadObject of a version", &obj.bucket)),
        }
    }
    /// The in-flight request that has waited longest for an answer, if it
    /// has waited at least [`STALL_AFTER`]. Cheap: the runtime samples it
    /// on every tick.
    fn stalled(&self) -> Option<Stall> {
        None
    }

    // Reading and writing objects, for the transfer engine. The defaults
    // refuse, so a read-only test double need not spell them out.

    /// HeadObject with checksums requested.
    async fn head_object(&self, req: &GetRequest) -> StoreResult<ObjectHead> {
        Err(unsupported("HeadObject", &req.bucket))
    }
    /// GetObject with checksums requested; the body streams.
    async fn get_object(&self, req: &GetRequest) -> GetResult {
        Err(unsupported("GetObject", &req.bucket))
    }
    async fn put_object(&self, req: &PutRequest, body: bytes::Bytes) -> StoreResult<Written> {
        let _ = body;
        Err(unsupported("PutObject", &req.bucket))
    }
    /// Starts a multipart upload; returns its upload id.
    async fn create_multipart(&self, req: &PutRequest) -> StoreResult<String> {
        Err(unsupported("CreateMultipartUpload", &req.bucket))
    }
    async fn upload_part(
        &self,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        body: bytes::Bytes,
        crc32: Option<String>,
    ) -> StoreResult<Part> {
        let _ = (upload_id, number, body, crc32);
        Err(unsupported("UploadPart", &req.bucket))
    }
    /// UploadPartCopy of bytes `range` (end exclusive) of `src`.
    async fn upload_part_copy(
        &self,
        src: &ObjectRef,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        range: (u64, u64),
    ) -> StoreResult<Part> {
        let _ = (src, upload_id, number, range);
        Err(unsupported("UploadPartCopy", &req.bucket))
    }
    async fn complete_multipart(
        &self,
        req: &PutRequest,
        upload_id: &str,
        parts: &[Part],
    ) -> StoreResult<Written> {
        let _ = (upload_id, parts);
        Err(unsupported("CompleteMultipartUpload", &req.bucket))
    }
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> StoreResult<()> {
        let _ = (key, upload_id);
        Err(unsupported("AbortMultipartUpload", bucket))
    }
    /// Multipart uploads under `prefix` that were neither completed nor aborted.
    async fn open_uploads(&self, bucket: &str, prefix: &str) -> StoreResult<Vec<OpenUpload>> {
        let _ = prefix;
        Err(unsupported("ListMultipartUploads", bucket))
    }
    /// How many parts (and bytes) an open upload holds so far.
    async fn uploaded_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> StoreResult<UploadedParts> {
        let _ = (key, upload_id);
        Err(unsupported("ListParts", bucket))
    }
    /// CopyObject: metadata, tags and content headers travel with it; the
    /// storage class is set to `storage_class` (S3 would reset it to
    /// STANDARD). With `if_absent` it is sent with `If-None-Match: *`: it
    /// fails with [`ErrorKind::PreconditionFailed`] if `dst` exists (where
    /// the server honours it).
    async fn copy_object(
        &self,
        src: &ObjectRef,
        dst: &ObjectRef,
        storage_class: Option<&str>,
        if_absent: bool,
    ) -> StoreResult<Written> {
        let _ = (src, storage_class, if_absent);
        Err(unsupported("CopyObject", &dst.bucket))
    }
    /// DeleteObjects of up to 1,000 keys; returns the keys it refused.
    async fn delete_objects(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> StoreResult<Vec<DeleteFailure>> {
        let _ = keys;
        Err(unsupported("DeleteObjects", bucket))
    }

    // Versions and links.

    /// One page of ListObjectVersions, versions and delete markers merged
    /// in listing order (by key, newest first).
    async fn list_versions(&self, req: &VersionsRequest) -> StoreResult<VersionsPage> {
        Err(unsupported("ListObjectVersions", &req.bucket))
    }
    /// DeleteObjects of exact versions (`None`: a plain delete, which puts
    /// a delete marker on a versioned bucket); returns what it refused.
    async fn delete_versions(
        &self,
        bucket: &str,
        items: &[(String, Option<String>)],
    ) -> StoreResult<Vec<DeleteFailure>> {
        let _ = items;
        Err(unsupported("DeleteObjects", bucket))
    }
    /// A presigned GET or PUT, signed for the bucket's region.
    async fn presign(&self, req: &PresignRequest) -> StoreResult<Presigned> {
        Err(unsupported("presigning", &req.object.bucket))
    }
    /// A presigned POST policy for browser form uploads.
    async fn presign_post(&self, req: &PostRequest) -> StoreResult<PresignedPost> {
        Err(unsupported("presigning", &req.bucket))
    }
    /// RestoreObject: a readable copy of an archived object (or version)
    /// for `days` days, fetched at `tier`.
    async fn restore_object(
        &self,
        obj: &ObjectRef,
        days: i32,
        tier: archive::Tier,
    ) -> StoreResult<archive::Restore> {
        let _ = (days, tier);
        Err(unsupported("RestoreObject", &obj.bucket))
    }
    /// A browser's CORS preflight (`OPTIONS`, unsigned, as a browser
    /// sends it) to `key` of `bucket`, and the server's answer.
    async fn preflight(
        &self,
        bucket: &str,
        key: &str,
        p: &settings::Preflight,
    ) -> StoreResult<settings::PreflightAnswer> {
        let _ = (key, p);
        Err(unsupported("CORS preflights", bucket))
    }
    /// One part of a bucket's settings: `Ok(None)` when it is not set
    /// (settings.rs says how each failure reads).
    async fn bucket_setting(
        &self,
        bucket: &str,
        part: settings::Part,
    ) -> StoreResult<Option<settings::Setting>> {
        let _ = part;
        Err(unsupported("bucket settings", bucket))
    }
    /// Writes one part of a bucket's settings (versioning, encryption,
    /// Block Public Access, policy, ownership, lifecycle, CORS, tags).
    async fn put_bucket_setting(
        &self,
        bucket: &str,
        setting: &settings::Setting,
    ) -> StoreResult<()> {
        let _ = setting;
        Err(unsupported("changing bucket settings", bucket))
    }
    /// Removes one part, back to "not set".
    async fn clear_bucket_setting(&self, bucket: &str, part: settings::Part) -> StoreResult<()> {
        let _ = part;
        Err(unsupported("changing bucket settings", bucket))
    }
    /// CreateBucket in `region`, with object lock when asked.
    async fn create_bucket(
        &self,
        bucket: &str,
        region: &str,
        object_lock: bool,
    ) -> StoreResult<()> {
        let _ = (region, object_lock);
        Err(unsupported("CreateBucket", bucket))
    }
    /// DeleteBucket (S3 refuses a bucket that is not empty).
    async fn delete_bucket(&self, bucket: &str) -> StoreResult<()> {
        Err(unsupported("DeleteBucket", bucket))
    }
    /// Who the credentials belong to (STS GetCallerIdentity).
    async fn caller_identity(&self) -> StoreResult<CallerIdentity> {
        Err(StoreError::new(
            ErrorKind::NotImplemented,
            "GetCallerIdentity is not available here",
        ))
    }
    /// The account's own Block Public Access (S3 Control): `Ok(None)`
    /// when the account has none.
    async fn account_public_access(
        &self,
        account: &str,
    ) -> StoreResult<Option<settings::PublicAccessBlock>> {
        let _ = account;
        Err(StoreError::new(
            ErrorKind::NotImplemented,
            "S3 Control is not available here",
        ))
    }
}

fn unsupported(op: &str, bucket: &str) -> StoreError {
    let mut e = StoreError::new(
        ErrorKind::NotImplemented,
        format!("{op} is not available here"),
    );
    e.bucket = Some(bucket.to_owned());
    e
}

/// How long a request may wait before the status bar mentions it.
pub const STALL_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stall_reads_as_a_sentence() {
        let s = Stall {
            host: "127.0.0.1:9000".into(),
            waited_secs: 20,
            attempt: 2,
            max_attempts: 3,
        };
        assert_eq!(
            s.describe(),
            "waiting for 127.0.0.1:9000 · 20 s · attempt 2/3"
        );
    }
}
