//! The one module that speaks aws-sdk-s3. It turns pail's [`Store`] calls into
//! SDK requests and SDK results and errors back into domain types, and owns
//! the parts of talking to S3 that are about the wire rather than the user:
//! per-bucket region discovery, redirect following, URL-encoded listings,
//! path-style addressing and checksum policy for S3-compatible servers.

use super::{
    Bucket, BucketInfo, Connection, CredentialSource, ErrorKind, ListPage, ListRequest, ObjectInfo,
    Stall, Store, StoreError, StoreResult,
};
use super::{
    ByteStream, DeleteFailure, GetRequest, ObjectHead, ObjectRef, OpenUpload, Part, PutRequest,
    Written,
};
use super::{
    PostRequest, PresignRequest, Presigned, PresignedPost, Versioning, VersionsPage,
    VersionsRequest,
};
use crate::store::endpoint::{Endpoint, ProfileEndpoints};
use async_trait::async_trait;
use aws_sdk_s3 as s3;
use s3::config::http::HttpResponse;
use s3::config::{
    Credentials, ProvideCredentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use s3::types::ChecksumMode;
use std::collections::HashMap;
use std::future::Future;

mod account;
mod client;
mod decode;
mod errors;
mod listing;
mod monitor;
mod objects;
mod post;
mod preflight;
mod profiles;
mod settings;
mod settings_write;
mod versions;

use decode::{decode_mime_word, secs};
use errors::*;
use monitor::{Monitor, StallInterceptor};
pub use profiles::aws_config_files;
use profiles::{load_profiles, named_profile, profile_endpoints, region_source};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The one endpoint pail uses: the explicit one (flag or pail's config),
/// else what the AWS environment and profile say, in the CLI's order.
fn resolve_endpoint(opts: &ConnectOptions, profile: &ProfileEndpoints) -> Option<Endpoint> {
    let explicit = opts.endpoint_url.clone().map(|url| Endpoint {
        url,
        source: opts
            .endpoint_source
            .clone()
            .unwrap_or_else(|| "--endpoint-url".to_owned()),
    });
    crate::store::endpoint::resolve(explicit, &crate::store::endpoint::ProcessEnv, profile)
}

/// How to reach S3, as resolved from flags, config file and environment.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// From `--endpoint-url` or pail's config; wins over every AWS setting.
    pub endpoint_url: Option<String>,
    /// Where `endpoint_url` came from, for messages; "--endpoint-url" if unset.
    pub endpoint_source: Option<String>,
    /// `None`: path-style for custom endpoints, virtual-hosted for AWS.
    pub path_style: Option<bool>,
    /// `None`: checksums only when required for custom endpoints (the SDK's
    /// default streaming-trailer uploads break Garage and radosgw).
    pub checksums_when_required: Option<bool>,
    pub no_sign_request: bool,
    /// Fixed credentials (the demo server); otherwise the default chain.
    pub static_credentials: Option<(String, String)>,
    /// How long to wait for a response once a request is sent (default 30 s).
    pub read_timeout: Option<Duration>,
    /// Attempts per request, the first included (default 3).
    pub max_attempts: Option<u32>,
}

pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

pub struct AwsStore {
    sdk: aws_config::SdkConfig,
    conn: Connection,
    checksums_when_required: bool,
    clients: Mutex<HashMap<String, s3::Client>>,
    regions: Mutex<HashMap<String, String>>,
    monitor: Arc<Monitor>,
    /// The first failure worth explaining (see `Store::take_telling_error`).
    telling: Mutex<Option<StoreError>>,
}

impl AwsStore {
    /// Resolves the endpoint, then loads the default credential chain and
    /// settings. Never fails: problems with credentials or the endpoint show
    /// up on the first request, where the UI can explain them. Start-up uses
    /// [`AwsStore::try_connect`], which checks first.
    pub async fn connect(opts: ConnectOptions) -> AwsStore {
        let profiles = load_profiles(opts.profile.as_deref()).await.ok();
        let endpoints = profiles.as_ref().map(profile_endpoints).unwrap_or_default();
        let endpoint = resolve_endpoint(&opts, &endpoints);
        Self::build(opts, endpoint).await
    }

    /// Like [`AwsStore::connect`], but first finds the mistakes a user can
    /// make in what they typed or configured, so pail can refuse to start
    /// with a message instead of failing obscurely on the first request: a
    /// profile no file defines, an endpoint URL without a scheme (from any
    /// source), a region that is not a region name.
    pub async fn try_connect(opts: ConnectOptions) -> Result<AwsStore, String> {
        let uses_profiles = opts.static_credentials.is_none();
        let named = if uses_profiles {
            named_profile(&opts)
        } else {
            None
        };
        let profiles = match load_profiles(named.as_deref()).await {
            Ok(p) => Some(p),
            Err(e) if uses_profiles => {
                return Err(format!(
                    "cannot read the AWS config: {}",
                    concise(&DisplayErrorContext(&e).to_string())
                ));
            }
            Err(_) => None,
        };
        if let (Some(name), Some(set)) = (&named, &profiles)
            && set.get_profile(name).is_none()
        {
            let mut known: Vec<&str> = set.profiles().collect();
            known.sort_unstable();
            let known = if known.is_empty() {
                "no profiles are defined".to_owned()
            } else {
                format!("profiles defined: {}", known.join(", "))
            };
            return Err(format!(
                "The config profile ({name}) could not be found (searched {}; {known})",
                aws_config_files().join(" and ")
            ));
        }
        let endpoints = profiles.as_ref().map(profile_endpoints).unwrap_or_default();
        let endpoint = resolve_endpoint(&opts, &endpoints);
        if let Some(e) = &endpoint {
            crate::store::endpoint::check_url(&e.url, &e.source)?;
        }
        if let Some(r) = &opts.region {
            crate::store::endpoint::check_region(r, "--region")?;
        }
        let store = Self::build(opts.clone(), endpoint).await;
        if opts.region.is_none()
            && let Some(r) = store.sdk.region()
        {
            crate::store::endpoint::check_region(r.as_ref(), &region_source(&endpoints.profile))?;
        }
        Ok(store)
    }

    async fn build(opts: ConnectOptions, endpoint: Option<Endpoint>) -> AwsStore {
        let max_attempts = opts.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1);
        let mut loader = aws_config::defaults(s3::config::BehaviorVersion::latest())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .read_timeout(opts.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT))
                    .build(),
            )
            .retry_config(
                aws_config::retry::RetryConfig::standard().with_max_attempts(max_attempts),
            );
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        // The resolved endpoint is handed over as if typed, so the SDK's own
        // lookup cannot pick a different one.
        if let Some(e) = &endpoint {
            loader = loader.endpoint_url(&e.url);
        }
        if opts.no_sign_request {
            loader = loader.no_credentials();
        }
        if let Some((ak, sk)) = &opts.static_credentials {
            loader = loader.credentials_provider(Credentials::new(ak, sk, None, None, "static"));
        }
        let sdk = loader.load().await;
        let custom = endpoint.is_some();
        // The SDK never puts a bucket into an IP address's host name, and a
        // bucket under `localhost` resolves nowhere useful: path-style.
        let local = endpoint
            .as_ref()
            .is_some_and(|e| crate::store::endpoint::is_local_or_ip(&e.url));
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_owned());
        // Fixed credentials (the demo) use no profile, whatever AWS_PROFILE says.
        let profile = named_profile(&opts).filter(|_| opts.static_credentials.is_none());
        let (endpoint, endpoint_source) = match endpoint {
            Some(e) => (Some(e.url), Some(e.source)),
            None => (None, None),
        };
        AwsStore {
            sdk,
            conn: Connection {
                endpoint,
                endpoint_source,
                profile,
                region,
                path_style: local || opts.path_style.unwrap_or(custom),
                unsigned: opts.no_sign_request,
            },
            checksums_when_required: opts.checksums_when_required.unwrap_or(custom),
            clients: Mutex::new(HashMap::new()),
            regions: Mutex::new(HashMap::new()),
            monitor: Arc::new(Monitor::with_timeout(
                max_attempts,
                opts.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
            )),
            telling: Mutex::new(None),
        }
    }
}

#[async_trait]
impl Store for AwsStore {
    fn connection(&self) -> Connection {
        self.conn.clone()
    }

    fn take_telling_error(&self) -> Option<StoreError> {
        self.telling
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn stalled(&self) -> Option<Stall> {
        self.monitor.stalled(Instant::now())
    }

    async fn credential_source(&self) -> StoreResult<CredentialSource> {
        if self.conn.unsigned {
            return Ok(CredentialSource {
                provider: "none (--no-sign-request)".into(),
                key_hint: None,
            });
        }
        let Some(provider) = self.sdk.credentials_provider() else {
            return Err(StoreError::new(
                ErrorKind::Credentials,
                "no credential provider is configured",
            ));
        };
        let creds = provider.provide_credentials().await.map_err(|e| {
            let detail = concise(&DisplayErrorContext(&e).to_string());
            StoreError::new(classify_credentials(&e), detail)
        })?;
        // The SDK exposes the provider's name only through Debug, which
        // redacts the secret; we read the one field we need from it.
        let debug = format!("{creds:?}");
        let provider = debug
            .split("provider_name: \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("unknown")
            .to_owned();
        let id = creds.access_key_id();
        let key_hint = (id.len() > 8).then(|| id[id.len() - 4..].to_owned());
        Ok(CredentialSource { provider, key_hint })
    }

    async fn list_buckets(&self) -> StoreResult<Vec<Bucket>> {
        let client = self.client(&self.conn.region);
        let mut buckets = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = client
                .list_buckets()
                .set_continuation_token(token.clone())
                .send()
                .await
                .map_err(|e| self.convert(e, None, None))?;
            for b in out.buckets() {
                let Some(name) = b.name() else { continue };
                if let Some(r) = b.bucket_region() {
                    self.remember_region(name, r);
                }
                buckets.push(Bucket {
                    name: name.to_owned(),
                    created: secs(b.creation_date()),
                });
            }
            match out.continuation_token() {
                Some(t) if !t.is_empty() && Some(t) != token.as_deref() => {
                    token = Some(t.to_owned())
                }
                _ => break,
            }
        }
        Ok(buckets)
    }

    async fn bucket_region(&self, bucket: &str) -> StoreResult<String> {
        self.region_for(bucket).await
    }

    async fn bucket_info(&self, bucket: &str) -> StoreResult<BucketInfo> {
        let region = self.region_for(bucket).await?;
        let versioning = match self
            .call(bucket, None, |c| async move {
                match c.get_bucket_versioning().bucket(bucket).send().await {
                    Ok(out) => Ok(out.status().map(|s| s.as_str().to_owned())),
                    // moto names the root element GetBucketVersioningResponse,
                    // which the SDK rejects; a 200 is an answer all the same.
                    Err(e) => settings::wrapped(e).map(|x| settings::element(&x, "Status")),
                }
            })
            .await
        {
            Ok(status) => Ok(Versioning::from_status(status.as_deref())),
            Err(e) if e.kind == ErrorKind::NoSuchBucket => return Err(e),
            Err(e) => Err(e.to_string()),
        };
        Ok(BucketInfo { region, versioning })
    }

    async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage> {
        self.list_page_impl(req).await
    }

    async fn object_info(&self, bucket: &str, key: &str) -> StoreResult<ObjectInfo> {
        self.object_info_at(&ObjectRef::new(bucket, key)).await
    }

    async fn object_info_at(&self, obj: &ObjectRef) -> StoreResult<ObjectInfo> {
        let (bucket, key, version) = (&obj.bucket, obj.key.as_str(), &obj.version_id);
        let (head, tags) = tokio::join!(
            self.call(bucket, Some(key), |c| {
                c.head_object()
                    .bucket(bucket)
                    .key(key)
                    .set_version_id(version.clone())
                    .checksum_mode(ChecksumMode::Enabled)
                    .send()
            }),
            self.call(bucket, Some(key), |c| {
                c.get_object_tagging()
                    .bucket(bucket)
                    .key(key)
                    .set_version_id(version.clone())
                    .send()
            })
        );
        let h = head?;
        let mut metadata: Vec<(String, String)> = h
            .metadata()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), decode_mime_word(v)))
                    .collect()
            })
            .unwrap_or_default();
        metadata.sort();
        let checksums = [
            ("CRC32", h.checksum_crc32()),
            ("CRC32C", h.checksum_crc32_c()),
            ("CRC64NVME", h.checksum_crc64_nvme()),
            ("SHA1", h.checksum_sha1()),
            ("SHA256", h.checksum_sha256()),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.map(|v| (name.to_owned(), v.to_owned())))
        .collect();
        let (tags, tags_error) = match tags {
            Ok(t) => (
                t.tag_set()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect(),
                None,
            ),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        let s = |v: Option<&str>| v.map(str::to_owned);
        Ok(ObjectInfo {
            key: key.to_owned(),
            size: h.content_length().unwrap_or(0).max(0) as u64,
            modified: secs(h.last_modified()),
            etag: s(h.e_tag()),
            content_type: s(h.content_type()),
            content_encoding: s(h.content_encoding()),
            content_disposition: s(h.content_disposition()),
            content_language: s(h.content_language()),
            cache_control: s(h.cache_control()),
            expires: s(h.expires_string()),
            storage_class: h.storage_class().map(|c| c.as_str().to_owned()),
            sse: h.server_side_encryption().map(|c| c.as_str().to_owned()),
            sse_kms_key_id: s(h.ssekms_key_id()),
            bucket_key_enabled: h.bucket_key_enabled(),
            version_id: s(h.version_id()),
            checksums,
            checksum_type: h.checksum_type().map(|c| c.as_str().to_owned()),
            metadata,
            tags,
            tags_error,
            object_lock_mode: h.object_lock_mode().map(|c| c.as_str().to_owned()),
            object_lock_retain_until: secs(h.object_lock_retain_until_date()),
            legal_hold: h
                .object_lock_legal_hold_status()
                .map(|c| c.as_str().to_owned()),
            restore: s(h.restore()),
            archive_status: h.archive_status().map(|c| c.as_str().to_owned()),
            replication_status: h.replication_status().map(|c| c.as_str().to_owned()),
            parts_count: h.parts_count(),
            missing_meta: h.missing_meta(),
            website_redirect: s(h.website_redirect_location()),
        })
    }

    async fn head_object(&self, req: &GetRequest) -> StoreResult<ObjectHead> {
        self.head_object_impl(req).await
    }

    async fn get_object(&self, req: &GetRequest) -> StoreResult<(ObjectHead, ByteStream)> {
        self.get_object_impl(req).await
    }

    async fn put_object(&self, req: &PutRequest, body: bytes::Bytes) -> StoreResult<Written> {
        self.put_object_impl(req, body).await
    }

    async fn create_multipart(&self, req: &PutRequest) -> StoreResult<String> {
        self.create_multipart_impl(req).await
    }

    async fn upload_part(
        &self,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        body: bytes::Bytes,
        crc32: Option<String>,
    ) -> StoreResult<Part> {
        self.upload_part_impl(req, upload_id, number, body, crc32)
            .await
    }

    async fn upload_part_copy(
        &self,
        src: &ObjectRef,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        range: (u64, u64),
    ) -> StoreResult<Part> {
        self.upload_part_copy_impl(src, req, upload_id, number, range)
            .await
    }

    async fn complete_multipart(
        &self,
        req: &PutRequest,
        upload_id: &str,
        parts: &[Part],
    ) -> StoreResult<Written> {
        self.complete_multipart_impl(req, upload_id, parts).await
    }

    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> StoreResult<()> {
        self.abort_multipart_impl(bucket, key, upload_id).await
    }

    async fn open_uploads(&self, bucket: &str, prefix: &str) -> StoreResult<Vec<OpenUpload>> {
        self.open_uploads_impl(bucket, prefix).await
    }
    async fn uploaded_parts(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> StoreResult<crate::store::UploadedParts> {
        self.uploaded_parts_impl(bucket, key, upload_id).await
    }

    async fn copy_object(
        &self,
        src: &ObjectRef,
        dst: &ObjectRef,
        storage_class: Option<&str>,
        if_absent: bool,
    ) -> StoreResult<Written> {
        self.copy_object_impl(src, dst, storage_class, if_absent)
            .await
    }

    async fn delete_objects(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> StoreResult<Vec<DeleteFailure>> {
        self.delete_objects_impl(bucket, keys).await
    }

    async fn list_versions(&self, req: &VersionsRequest) -> StoreResult<VersionsPage> {
        self.list_versions_impl(req).await
    }

    async fn delete_versions(
        &self,
        bucket: &str,
        items: &[(String, Option<String>)],
    ) -> StoreResult<Vec<DeleteFailure>> {
        self.delete_versions_impl(bucket, items).await
    }

    async fn restore_object(
        &self,
        obj: &crate::store::ObjectRef,
        days: i32,
        tier: crate::store::archive::Tier,
    ) -> StoreResult<crate::store::archive::Restore> {
        self.restore_object_impl(obj, days, tier).await
    }
    async fn presign_post(&self, req: &PostRequest) -> StoreResult<PresignedPost> {
        self.presign_post_impl(req).await
    }
    async fn preflight(
        &self,
        bucket: &str,
        key: &str,
        p: &crate::store::settings::Preflight,
    ) -> StoreResult<crate::store::settings::PreflightAnswer> {
        self.preflight_impl(bucket, key, p).await
    }
    async fn presign(&self, req: &PresignRequest) -> StoreResult<Presigned> {
        self.presign_impl(req).await
    }

    async fn bucket_setting(
        &self,
        bucket: &str,
        part: crate::store::settings::Part,
    ) -> StoreResult<Option<crate::store::settings::Setting>> {
        self.read_setting(bucket, part).await
    }

    async fn put_bucket_setting(
        &self,
        bucket: &str,
        setting: &crate::store::settings::Setting,
    ) -> StoreResult<()> {
        self.write_setting(bucket, setting).await
    }

    async fn clear_bucket_setting(
        &self,
        bucket: &str,
        part: crate::store::settings::Part,
    ) -> StoreResult<()> {
        self.clear_setting(bucket, part).await
    }

    async fn create_bucket(
        &self,
        bucket: &str,
        region: &str,
        object_lock: bool,
    ) -> StoreResult<()> {
        self.create_bucket_impl(bucket, region, object_lock).await
    }

    async fn delete_bucket(&self, bucket: &str) -> StoreResult<()> {
        self.delete_bucket_impl(bucket).await
    }

    async fn caller_identity(&self) -> StoreResult<super::CallerIdentity> {
        self.caller_identity_impl().await
    }

    async fn account_public_access(
        &self,
        account: &str,
    ) -> StoreResult<Option<crate::store::settings::PublicAccessBlock>> {
        self.account_public_access_impl(account).await
    }
}
