//! The one module that speaks aws-sdk-s3. It turns pail's [`Store`] calls into
//! SDK requests and SDK results and errors back into domain types, and owns
//! the parts of talking to S3 that are about the wire rather than the user:
//! per-bucket region discovery, redirect following, URL-encoded listings,
//! path-style addressing and checksum policy for S3-compatible servers.

use super::{
    Bucket, BucketInfo, Connection, CredentialSource, ErrorKind, ListPage, ListRequest, ObjectInfo,
    ObjectSummary, Store, StoreError, StoreResult,
};
use async_trait::async_trait;
use aws_sdk_s3 as s3;
use s3::config::http::HttpResponse;
use s3::config::{
    Credentials, ProvideCredentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use s3::types::{ChecksumMode, EncodingType};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

/// How to reach S3, as resolved from flags, config file and environment.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// `None`: path-style for custom endpoints, virtual-hosted for AWS.
    pub path_style: Option<bool>,
    /// `None`: checksums only when required for custom endpoints (the SDK's
    /// default streaming-trailer uploads break Garage and radosgw).
    pub checksums_when_required: Option<bool>,
    pub no_sign_request: bool,
    /// Fixed credentials (the demo server); otherwise the default chain.
    pub static_credentials: Option<(String, String)>,
}

pub struct AwsStore {
    sdk: aws_config::SdkConfig,
    conn: Connection,
    checksums_when_required: bool,
    clients: Mutex<HashMap<String, s3::Client>>,
    regions: Mutex<HashMap<String, String>>,
}

impl AwsStore {
    /// Loads the default credential chain and settings. Never fails: problems
    /// with credentials or the endpoint show up on the first request, where
    /// the UI can explain them.
    pub async fn connect(opts: ConnectOptions) -> AwsStore {
        let mut loader = aws_config::defaults(s3::config::BehaviorVersion::latest())
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .read_timeout(Duration::from_secs(60))
                    .build(),
            );
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(e) = &opts.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        if opts.no_sign_request {
            loader = loader.no_credentials();
        }
        if let Some((ak, sk)) = &opts.static_credentials {
            loader = loader.credentials_provider(Credentials::new(ak, sk, None, None, "static"));
        }
        let sdk = loader.load().await;
        let endpoint = opts
            .endpoint_url
            .clone()
            .or_else(|| {
                std::env::var("AWS_ENDPOINT_URL_S3")
                    .ok()
                    .filter(|s| !s.is_empty())
            })
            .or_else(|| sdk.endpoint_url().map(str::to_owned));
        let custom = endpoint.is_some();
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| "us-east-1".to_owned());
        let profile = opts
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|s| !s.is_empty()));
        AwsStore {
            sdk,
            conn: Connection {
                endpoint,
                profile,
                region,
                path_style: opts.path_style.unwrap_or(custom),
                unsigned: opts.no_sign_request,
            },
            checksums_when_required: opts.checksums_when_required.unwrap_or(custom),
            clients: Mutex::new(HashMap::new()),
            regions: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> s3::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let mut b = s3::config::Builder::from(&self.sdk)
                    .region(Region::new(region.to_owned()))
                    .force_path_style(self.conn.path_style);
                if let Some(e) = &self.conn.endpoint {
                    b = b.endpoint_url(e);
                }
                if self.checksums_when_required {
                    b = b
                        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
                        .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
                }
                s3::Client::from_conf(b.build())
            })
            .clone()
    }

    fn cached_region(&self, bucket: &str) -> Option<String> {
        let regions = self.regions.lock().unwrap_or_else(|p| p.into_inner());
        regions.get(bucket).cloned()
    }

    fn remember_region(&self, bucket: &str, region: &str) {
        let mut regions = self.regions.lock().unwrap_or_else(|p| p.into_inner());
        regions.insert(bucket.to_owned(), region.to_owned());
    }

    async fn region_for(&self, bucket: &str) -> StoreResult<String> {
        if let Some(r) = self.cached_region(bucket) {
            return Ok(r);
        }
        let region = self.discover_region(bucket).await?;
        self.remember_region(bucket, &region);
        Ok(region)
    }

    /// HeadBucket answers with `x-amz-bucket-region` even when it refuses us,
    /// which is the cheapest way to learn where a bucket lives.
    async fn discover_region(&self, bucket: &str) -> StoreResult<String> {
        let client = self.client(&self.conn.region);
        match client.head_bucket().bucket(bucket).send().await {
            Ok(out) => Ok(out
                .bucket_region()
                .map(str::to_owned)
                .unwrap_or_else(|| self.conn.region.clone())),
            Err(err) => {
                let e = self.convert(err, Some(bucket), None);
                if let Some(r) = e.region_hint.clone() {
                    return Ok(r);
                }
                match e.kind {
                    // HeadBucket can be refused where GetBucketLocation is
                    // allowed; failing both, let the real request produce
                    // the real error.
                    ErrorKind::AccessDenied | ErrorKind::Other | ErrorKind::NotImplemented => {
                        Ok(self
                            .location(bucket)
                            .await
                            .unwrap_or_else(|| self.conn.region.clone()))
                    }
                    _ => Err(e),
                }
            }
        }
    }

    /// GetBucketLocation's answer: empty means us-east-1, "EU" eu-west-1.
    async fn location(&self, bucket: &str) -> Option<String> {
        let out = self
            .client(&self.conn.region)
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .ok()?;
        Some(match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(r) => r.to_owned(),
        })
    }

    /// Runs one request against the bucket's regional client, following a
    /// PermanentRedirect once if the region we had was wrong. An unknown
    /// bucket is tried in the default region first rather than asked where
    /// it lives: most buckets are there, and a wrong guess costs the same
    /// one round trip (the redirect names the region) that asking would.
    async fn call<T, E, F, Fut>(&self, bucket: &str, key: Option<&str>, f: F) -> StoreResult<T>
    where
        F: Fn(s3::Client) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let region = self
            .cached_region(bucket)
            .unwrap_or_else(|| self.conn.region.clone());
        match f(self.client(&region)).await {
            Ok(v) => Ok(v),
            Err(err) => {
                let e = self.convert(err, Some(bucket), key);
                if let (ErrorKind::Redirect, Some(r)) = (e.kind, e.region_hint.clone())
                    && r != region
                {
                    tracing::info!(bucket, from = %region, to = %r, "following region redirect");
                    self.remember_region(bucket, &r);
                    return f(self.client(&r))
                        .await
                        .map_err(|err| self.convert(err, Some(bucket), key));
                }
                Err(e)
            }
        }
    }

    fn endpoint_for_errors(&self, region: &str) -> String {
        self.conn
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"))
    }

    fn convert<E>(
        &self,
        err: SdkError<E, HttpResponse>,
        bucket: Option<&str>,
        key: Option<&str>,
    ) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let detail = concise(&DisplayErrorContext(&err).to_string());
        let mut e = match &err {
            SdkError::ServiceError(se) => {
                let raw = se.raw();
                let status = raw.status().as_u16();
                let code = se.err().code().map(str::to_owned);
                let message = se
                    .err()
                    .message()
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("HTTP {status} with no error body"));
                let headers = raw.headers();
                let mut e =
                    StoreError::new(classify(code.as_deref(), status, key.is_some()), message);
                e.code = code;
                e.status = Some(status);
                e.region_hint = headers.get("x-amz-bucket-region").map(str::to_owned);
                e.request_id = headers.get("x-amz-request-id").map(str::to_owned);
                e.skew_secs = headers.get("date").and_then(skew_from_http_date);
                e
            }
            SdkError::TimeoutError(_) => StoreError::new(ErrorKind::Timeout, detail.clone()),
            SdkError::DispatchFailure(df) if df.is_timeout() => {
                StoreError::new(ErrorKind::Timeout, detail.clone())
            }
            SdkError::DispatchFailure(df) if df.is_io() => {
                StoreError::new(ErrorKind::Unreachable, detail.clone())
            }
            _ => StoreError::new(classify_text(&detail), detail.clone()),
        };
        if matches!(e.kind, ErrorKind::Unreachable | ErrorKind::Timeout) {
            let region = bucket
                .and_then(|b| self.cached_region(b))
                .unwrap_or_else(|| self.conn.region.clone());
            e.url = Some(self.endpoint_for_errors(&region));
        }
        e.bucket = bucket.map(str::to_owned);
        e.key = key.map(str::to_owned);
        tracing::info!(kind = ?e.kind, code = ?e.code, status = ?e.status, bucket = ?e.bucket, "request failed");
        e
    }
}

fn classify(code: Option<&str>, status: u16, has_key: bool) -> ErrorKind {
    match code {
        Some("AccessDenied" | "AllAccessDisabled" | "AccountProblem") => ErrorKind::AccessDenied,
        Some(
            "SignatureDoesNotMatch"
            | "RequestTimeTooSkewed"
            | "InvalidSignature"
            | "XAmzContentSHA256Mismatch",
        ) => ErrorKind::SignatureMismatch,
        Some("ExpiredToken" | "TokenRefreshRequired" | "InvalidToken") => ErrorKind::ExpiredToken,
        Some("InvalidAccessKeyId" | "InvalidSecurity") => ErrorKind::Credentials,
        Some("NoSuchBucket") => ErrorKind::NoSuchBucket,
        Some("NoSuchKey") => ErrorKind::NoSuchKey,
        Some("PermanentRedirect" | "TemporaryRedirect" | "AuthorizationHeaderMalformed") => {
            ErrorKind::Redirect
        }
        Some("NotImplemented") => ErrorKind::NotImplemented,
        _ => match status {
            301 | 307 => ErrorKind::Redirect,
            403 => ErrorKind::AccessDenied,
            404 if has_key => ErrorKind::NoSuchKey,
            404 => ErrorKind::NoSuchBucket,
            501 => ErrorKind::NotImplemented,
            _ => ErrorKind::Other,
        },
    }
}

/// Failures that happen before a request leaves (credential chain) only come
/// as text from the SDK.
fn classify_text(detail: &str) -> ErrorKind {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("sso") && (lower.contains("expired") || lower.contains("token")) {
        ErrorKind::ExpiredToken
    } else if lower.contains("credential") || lower.contains("identity") {
        ErrorKind::Credentials
    } else if lower.contains("dispatch failure") || lower.contains("connect") {
        ErrorKind::Unreachable
    } else {
        ErrorKind::Other
    }
}

/// The SDK's error chain ends with a Debug dump of the whole error (headers,
/// bodies); people need the sentence before it.
fn concise(detail: &str) -> String {
    let bytes = detail.as_bytes();
    let mut cut = detail.len();
    for (i, _) in detail.match_indices(" (") {
        let rest = &bytes[i + 2..];
        let ident = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if ident > 0
            && rest[0].is_ascii_uppercase()
            && matches!(rest.get(ident), Some(b'(') | Some(b' ') | Some(b'{'))
        {
            cut = i;
            break;
        }
    }
    let mut out = detail[..cut].trim().to_owned();
    if out.chars().count() > 300 {
        out = out.chars().take(300).collect::<String>() + "…";
    }
    out
}

fn skew_from_http_date(date: &str) -> Option<i64> {
    let server = chrono::DateTime::parse_from_rfc2822(date).ok()?;
    Some(server.timestamp() - chrono::Utc::now().timestamp())
}

/// Keys come back form-encoded (`+` for space) when we ask for
/// `EncodingType=url`; some servers also encode `/`.
fn url_decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

/// S3 carries non-ASCII metadata values as RFC 2047 encoded-words
/// (`=?UTF-8?B?...?=`); show what the uploader wrote, not the wire form.
fn decode_mime_word(v: &str) -> String {
    use base64::Engine;
    let Some(inner) = v.strip_prefix("=?").and_then(|s| s.strip_suffix("?=")) else {
        return v.to_owned();
    };
    let mut parts = inner.splitn(3, '?');
    let (Some(charset), Some(enc), Some(text)) = (parts.next(), parts.next(), parts.next()) else {
        return v.to_owned();
    };
    if !charset.eq_ignore_ascii_case("utf-8") {
        return v.to_owned();
    }
    let bytes = match enc {
        "B" | "b" => match base64::engine::general_purpose::STANDARD.decode(text) {
            Ok(b) => b,
            Err(_) => return v.to_owned(),
        },
        "Q" | "q" => {
            let t = text.replace('_', " ").replace('=', "%");
            percent_encoding::percent_decode_str(&t).collect()
        }
        _ => return v.to_owned(),
    };
    String::from_utf8(bytes).unwrap_or_else(|_| v.to_owned())
}

fn secs(t: Option<&s3::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

#[async_trait]
impl Store for AwsStore {
    fn connection(&self) -> Connection {
        self.conn.clone()
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
            StoreError::new(classify_text(&detail), detail)
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
                    // which the SDK rejects; a 200 is an answer, so read the
                    // status from the body ourselves.
                    Err(SdkError::ServiceError(se)) if se.raw().status().as_u16() == 200 => {
                        let body = se.raw().body().bytes().unwrap_or_default();
                        let text = String::from_utf8_lossy(body);
                        Ok(text
                            .split_once("<Status>")
                            .and_then(|(_, rest)| rest.split_once("</Status>"))
                            .map(|(s, _)| s.to_owned()))
                    }
                    Err(e) => Err(e),
                }
            })
            .await
        {
            Ok(status) => Ok(status.unwrap_or_else(|| "Never enabled".to_owned())),
            Err(e) if e.kind == ErrorKind::NoSuchBucket => return Err(e),
            Err(e) => Err(e.to_string()),
        };
        Ok(BucketInfo { region, versioning })
    }

    async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage> {
        let out = self
            .call(&req.bucket, None, |c| {
                c.list_objects_v2()
                    .bucket(&req.bucket)
                    .prefix(&req.prefix)
                    .set_delimiter(req.delimiter.clone())
                    .set_continuation_token(req.token.clone())
                    .set_max_keys(req.page_size)
                    .encoding_type(EncodingType::Url)
                    .send()
            })
            .await?;
        let encoded = out.encoding_type() == Some(&EncodingType::Url);
        let decode = |s: &str| {
            if encoded { url_decode(s) } else { s.to_owned() }
        };
        let prefixes = out
            .common_prefixes()
            .iter()
            .filter_map(|p| p.prefix())
            .map(decode)
            .collect();
        let objects = out
            .contents()
            .iter()
            .filter_map(|o| {
                Some(ObjectSummary {
                    key: decode(o.key()?),
                    size: o.size().unwrap_or(0).max(0) as u64,
                    modified: secs(o.last_modified()),
                    storage_class: o.storage_class().map(|s| s.as_str().to_owned()),
                    etag: o.e_tag().map(str::to_owned),
                })
            })
            .collect();
        let next = if out.is_truncated() == Some(true) {
            out.next_continuation_token()
                .filter(|t| !t.is_empty() && Some(*t) != req.token.as_deref())
                .map(str::to_owned)
        } else {
            None
        };
        Ok(ListPage {
            prefixes,
            objects,
            next,
        })
    }

    async fn object_info(&self, bucket: &str, key: &str) -> StoreResult<ObjectInfo> {
        let (head, tags) = tokio::join!(
            self.call(bucket, Some(key), |c| {
                c.head_object()
                    .bucket(bucket)
                    .key(key)
                    .checksum_mode(ChecksumMode::Enabled)
                    .send()
            }),
            self.call(bucket, Some(key), |c| {
                c.get_object_tagging().bucket(bucket).key(key).send()
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_encoded_keys() {
        assert_eq!(url_decode("a+b%2Bc%2Fd%0A%1B"), "a b+c/d\n\x1b");
        assert_eq!(url_decode("%E2%9C%93"), "✓");
    }

    #[test]
    fn concise_drops_debug_dumps() {
        let d = "dispatch failure: other: an error occurred while loading credentials: failed (DispatchFailure(DispatchFailure { source: X }))";
        assert_eq!(
            concise(d),
            "dispatch failure: other: an error occurred while loading credentials: failed"
        );
        assert_eq!(
            concise("io error (os error 111)"),
            "io error (os error 111)"
        );
        assert_eq!(concise("plain"), "plain");
    }

    #[test]
    fn decodes_encoded_words() {
        assert_eq!(
            decode_mime_word("=?UTF-8?B?dmFsdWUgd2l0aCAbWzJKIGVzY2FwZQ==?="),
            "value with \x1b[2J escape"
        );
        assert_eq!(
            decode_mime_word("=?UTF-8?Q?caf=C3=A9_au_lait?="),
            "café au lait"
        );
        assert_eq!(decode_mime_word("plain"), "plain");
        assert_eq!(decode_mime_word("=?UTF-8?B?!!!?="), "=?UTF-8?B?!!!?=");
    }

    #[test]
    fn classifies_headless_errors_by_status() {
        assert_eq!(classify(None, 403, true), ErrorKind::AccessDenied);
        assert_eq!(classify(None, 404, true), ErrorKind::NoSuchKey);
        assert_eq!(
            classify(Some("NotFound"), 404, false),
            ErrorKind::NoSuchBucket
        );
        assert_eq!(classify(None, 301, false), ErrorKind::Redirect);
        assert_eq!(
            classify(Some("SignatureDoesNotMatch"), 403, false),
            ErrorKind::SignatureMismatch
        );
    }
}
