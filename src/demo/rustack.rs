//! The `pail --demo` server: rustack's in-memory S3 (`rustack-s3-core`)
//! behind its own HTTP layer (`rustack-s3-http`: routing, XML, SigV4 and
//! presigned-URL checks), in-process on 127.0.0.1.
//!
//! rustack ships the two halves separately; the glue that hands each routed
//! operation to the matching `RustackS3::handle_*` method lives in its CLI
//! binary, not in a library, so [`Bridge`] is that glue, written as a table.
//! It adds one fix: like s3s-fs, rustack echoes `EncodingType=url` on the
//! list operations without encoding the keys, so the bridge encodes them.

use bytes::Bytes;
use regex::Regex;
use rustack_s3_core::{RustackS3, S3Config, storage::StagedUpload};
use rustack_s3_http::{
    FromS3Request, IntoS3Response, RoutingContext, S3Handler, S3HttpConfig, S3HttpService,
    S3ResponseBody,
};
use rustack_s3_model::{S3Error, S3Operation, StreamingBlob, input, output, types};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::LazyLock;
use tokio::net::TcpListener;

type Reply = Result<http::Response<S3ResponseBody>, S3Error>;

/// Hands rustack-s3-http's routed requests to rustack-s3-core.
#[derive(Clone)]
struct Bridge(RustackS3);

impl S3Handler for Bridge {
    fn handle_staged_upload(
        &self,
        mut parts: http::request::Parts,
        upload: Arc<StagedUpload>,
        ctx: RoutingContext,
    ) -> Pin<Box<dyn Future<Output = Reply> + Send>> {
        // PutObject and UploadPart bodies arrive already staged (spooled
        // to a temp file and signature-checked); pass them on in the parts.
        parts.extensions.insert(upload);
        self.handle_operation(ctx.operation, parts, Bytes::new(), ctx)
    }

    fn handle_operation(
        &self,
        op: S3Operation,
        parts: http::request::Parts,
        body: Bytes,
        ctx: RoutingContext,
    ) -> Pin<Box<dyn Future<Output = Reply> + Send>> {
        let s3 = self.0.clone();
        Box::pin(async move { dispatch(&s3, op, &parts, body, &ctx).await })
    }
}

/// One table row per operation: `Op => handler` answers with the handler's
/// output; under `empty`, the handler returns `()` and the answer is a 204.
/// Operations named in neither (only PostObject, the browser-form upload)
/// answer NotImplemented.
macro_rules! table {
    ($op:expr, $s3:expr, $req:ident;
     output { $($o:ident => $oh:ident),* $(,)? }
     empty { $($e:ident => $eh:ident),* $(,)? }
     special { $($sp:ident => $arm:expr),* $(,)? }) => {
        match $op {
            $(S3Operation::$o => $s3.$oh($req.input()?).await?.into_s3_response(),)*
            $(S3Operation::$e => {
                $s3.$eh($req.input()?).await?;
                no_content()
            })*
            $(S3Operation::$sp => $arm,)*
            other => Err(S3Error::not_implemented(other.as_str())),
        }
    };
}

async fn dispatch(
    s3: &RustackS3,
    op: S3Operation,
    parts: &http::request::Parts,
    body: Bytes,
    ctx: &RoutingContext,
) -> Reply {
    let req = Req { parts, ctx, body };
    let staged = || parts.extensions.get::<Arc<StagedUpload>>().cloned();
    table!(op, s3, req;
        output {
            CreateBucket => handle_create_bucket,
            HeadBucket => handle_head_bucket,
            ListBuckets => handle_list_buckets,
            GetBucketLocation => handle_get_bucket_location,
            GetBucketVersioning => handle_get_bucket_versioning,
            GetBucketEncryption => handle_get_bucket_encryption,
            GetBucketCors => handle_get_bucket_cors,
            GetBucketLifecycleConfiguration => handle_get_bucket_lifecycle_configuration,
            PutBucketLifecycleConfiguration => handle_put_bucket_lifecycle_configuration,
            GetBucketPolicy => handle_get_bucket_policy,
            GetBucketPolicyStatus => handle_get_bucket_policy_status,
            GetBucketTagging => handle_get_bucket_tagging,
            GetBucketNotificationConfiguration => handle_get_bucket_notification_configuration,
            GetBucketLogging => handle_get_bucket_logging,
            GetPublicAccessBlock => handle_get_public_access_block,
            GetBucketOwnershipControls => handle_get_bucket_ownership_controls,
            GetObjectLockConfiguration => handle_get_object_lock_configuration,
            PutObjectLockConfiguration => handle_put_object_lock_configuration,
            GetBucketAccelerateConfiguration => handle_get_bucket_accelerate_configuration,
            GetBucketRequestPayment => handle_get_bucket_request_payment,
            GetBucketWebsite => handle_get_bucket_website,
            GetBucketAcl => handle_get_bucket_acl,
            HeadObject => handle_head_object,
            DeleteObject => handle_delete_object,
            CopyObject => handle_copy_object,
            GetObjectTagging => handle_get_object_tagging,
            PutObjectTagging => handle_put_object_tagging,
            DeleteObjectTagging => handle_delete_object_tagging,
            GetObjectAcl => handle_get_object_acl,
            PutObjectAcl => handle_put_object_acl,
            GetObjectRetention => handle_get_object_retention,
            PutObjectRetention => handle_put_object_retention,
            GetObjectLegalHold => handle_get_object_legal_hold,
            PutObjectLegalHold => handle_put_object_legal_hold,
            GetObjectAttributes => handle_get_object_attributes,
            CreateMultipartUpload => handle_create_multipart_upload,
            CompleteMultipartUpload => handle_complete_multipart_upload,
            AbortMultipartUpload => handle_abort_multipart_upload,
            ListParts => handle_list_parts,
        }
        empty {
            DeleteBucket => handle_delete_bucket,
            PutBucketVersioning => handle_put_bucket_versioning,
            PutBucketEncryption => handle_put_bucket_encryption,
            DeleteBucketEncryption => handle_delete_bucket_encryption,
            PutBucketCors => handle_put_bucket_cors,
            DeleteBucketCors => handle_delete_bucket_cors,
            DeleteBucketLifecycle => handle_delete_bucket_lifecycle,
            PutBucketPolicy => handle_put_bucket_policy,
            DeleteBucketPolicy => handle_delete_bucket_policy,
            PutBucketTagging => handle_put_bucket_tagging,
            DeleteBucketTagging => handle_delete_bucket_tagging,
            PutBucketNotificationConfiguration => handle_put_bucket_notification_configuration,
            PutBucketLogging => handle_put_bucket_logging,
            PutPublicAccessBlock => handle_put_public_access_block,
            DeletePublicAccessBlock => handle_delete_public_access_block,
            PutBucketOwnershipControls => handle_put_bucket_ownership_controls,
            DeleteBucketOwnershipControls => handle_delete_bucket_ownership_controls,
            PutBucketAccelerateConfiguration => handle_put_bucket_accelerate_configuration,
            PutBucketRequestPayment => handle_put_bucket_request_payment,
            PutBucketWebsite => handle_put_bucket_website,
            DeleteBucketWebsite => handle_delete_bucket_website,
            PutBucketAcl => handle_put_bucket_acl,
        }
        special {
            PutObject => match staged() {
                Some(upload) => s3.handle_put_object_staged(req.input()?, upload).await,
                None => s3.handle_put_object(req.input()?).await,
            }?
            .into_s3_response(),
            UploadPart => match staged() {
                Some(upload) => s3.handle_upload_part_staged(req.input()?, upload).await,
                None => s3.handle_upload_part(req.input()?).await,
            }?
            .into_s3_response(),
            GetObject => get_object(s3, req.input()?).await,
            UploadPartCopy => upload_part_copy(s3, req.input()?).await,
            DeleteObjects => delete_objects(s3, req.input()?, &req.body).await,
            ListObjects => listing(s3.handle_list_objects(req.input()?).await?),
            ListObjectsV2 => listing(s3.handle_list_objects_v2(req.input()?).await?),
            ListObjectVersions => listing(s3.handle_list_object_versions(req.input()?).await?),
            ListMultipartUploads => listing(s3.handle_list_multipart_uploads(req.input()?).await?),
        }
    )
}

/// What an operation's input is parsed from.
struct Req<'a> {
    parts: &'a http::request::Parts,
    ctx: &'a RoutingContext,
    body: Bytes,
}

impl Req<'_> {
    fn input<I: FromS3Request>(&self) -> Result<I, S3Error> {
        let ctx = self.ctx;
        I::from_s3_request(
            self.parts,
            ctx.bucket.as_deref(),
            ctx.key.as_deref(),
            &ctx.query_params,
            self.body.clone(),
        )
    }
}

fn no_content() -> Reply {
    http::Response::builder()
        .status(http::StatusCode::NO_CONTENT)
        .body(S3ResponseBody::empty())
        .map_err(|e| S3Error::internal_error(e.to_string()))
}

/// Objects uploaded over HTTP stay in their staged temp file and stream
/// from there; the rest are in memory and go out as one buffer.
async fn get_object(s3: &RustackS3, i: input::GetObjectInput) -> Reply {
    let (out, staged) = s3.handle_get_object_streaming(i).await?;
    let mut response = out.into_s3_response()?;
    if let Some(staged) = staged {
        *response.body_mut() = S3ResponseBody::from_staged(staged)
            .await
            .map_err(|e| S3Error::internal_error(e.to_string()))?;
    }
    Ok(response)
}

/// rustack's UploadPartCopy copies the whole source into the part, whatever
/// `x-amz-copy-source-range` says, and without a versionId it looks for the
/// `null` version, which a versioned bucket's current object is not. So
/// the part is read with GetObject (range, current version, conditions)
/// and written with UploadPart, both rustack's own.
async fn upload_part_copy(s3: &RustackS3, i: input::UploadPartCopyInput) -> Reply {
    let (bucket, key, version_id) =
        rustack_s3_core::utils::parse_copy_source(&i.copy_source).map_err(|e| e.into_s3_error())?;
    let get = input::GetObjectInput {
        bucket,
        key,
        version_id,
        range: i.copy_source_range,
        if_match: i.copy_source_if_match,
        if_none_match: i.copy_source_if_none_match,
        if_modified_since: i.copy_source_if_modified_since,
        if_unmodified_since: i.copy_source_if_unmodified_since,
        ..Default::default()
    };
    let (out, staged) = s3.handle_get_object_streaming(get).await?;
    let data = match staged {
        Some(read) => read
            .collect_bounded(read.length)
            .await
            .map_err(|e| S3Error::internal_error(e.to_string()))?,
        None => out.body.map(|b| b.data).unwrap_or_default(),
    };
    let part = s3
        .handle_upload_part(input::UploadPartInput {
            bucket: i.bucket,
            key: i.key,
            upload_id: i.upload_id,
            part_number: i.part_number,
            body: Some(StreamingBlob::new(data)),
            ..Default::default()
        })
        .await?;
    output::UploadPartCopyOutput {
        copy_part_result: Some(types::CopyPartResult {
            e_tag: part.e_tag,
            last_modified: Some(chrono::Utc::now()),
            ..Default::default()
        }),
        copy_source_version_id: out.version_id,
        ..Default::default()
    }
    .into_s3_response()
}

/// rustack's XML reader skips every `&…;` reference in element text (its
/// quick-xml reports them as separate events) and trims the text, so a
/// DeleteObjects for `Q&amp;A.pdf` or `new&#xA;line` would delete another
/// key. The `<Object>` list is read here instead.
async fn delete_objects(s3: &RustackS3, mut i: input::DeleteObjectsInput, body: &[u8]) -> Reply {
    static OBJECT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)<Object>(.*?)</Object>").expect("static regex"));
    static FIELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?s)<(Key|VersionId)>([^<]*)</(?:Key|VersionId)>").expect("static regex")
    });
    let body = std::str::from_utf8(body)
        .map_err(|_| S3Error::new(rustack_s3_model::S3ErrorCode::MalformedXML))?;
    i.delete.objects = OBJECT
        .captures_iter(body)
        .map(|object| {
            let mut id = types::ObjectIdentifier::default();
            for f in FIELD.captures_iter(&object[1]) {
                let text = xml_text(&f[2]);
                match &f[1] {
                    "Key" => id.key = text,
                    _ => id.version_id = Some(text),
                }
            }
            id
        })
        .collect();
    s3.handle_delete_objects(i).await?.into_s3_response()
}

/// XML character data with its references resolved.
fn xml_text(raw: &str) -> String {
    static REF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);").expect("static regex"));
    REF.replace_all(raw, |c: &regex::Captures| {
        let r = &c[1];
        let ch = match r {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => r
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| r.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        ch.map_or_else(|| c[0].to_owned(), String::from)
    })
    .into_owned()
}

/// A listing's keys and prefixes, form-encoded when the client asked for
/// `EncodingType=url` (as AWS does; clients then decode them).
trait Listing: IntoS3Response {
    fn url_encoded(&self) -> bool;
    fn encode(&mut self);
}

fn listing<L: Listing>(mut out: L) -> Reply {
    if out.url_encoded() {
        out.encode();
    }
    out.into_s3_response()
}

fn enc(s: &mut Option<String>) {
    if let Some(v) = s {
        *v = crate::links::encode_key(v);
    }
}

/// `Listing` for an output: `$field`s are its own `Option<String>`s,
/// `$list.$item` the ones inside each element of a list.
macro_rules! listing {
    ($ty:ty: $($field:ident),*; $($list:ident.$item:ident),*) => {
        impl Listing for $ty {
            fn url_encoded(&self) -> bool {
                self.encoding_type == Some(types::EncodingType::Url)
            }
            fn encode(&mut self) {
                $(enc(&mut self.$field);)*
                $(self.$list.iter_mut().for_each(|x| enc(&mut x.$item));)*
            }
        }
    };
}

listing!(output::ListObjectsOutput: prefix, delimiter, marker, next_marker;
    contents.key, common_prefixes.prefix);
listing!(output::ListObjectsV2Output: prefix, delimiter, start_after;
    contents.key, common_prefixes.prefix);
listing!(output::ListObjectVersionsOutput: prefix, delimiter, key_marker, next_key_marker;
    versions.key, delete_markers.key, common_prefixes.prefix);
listing!(output::ListMultipartUploadsOutput: prefix, delimiter, key_marker, next_key_marker;
    uploads.key, common_prefixes.prefix);

/// A running rustack server; dropping it stops accepting connections and
/// cuts the open ones.
pub struct VersionedServer {
    pub addr: SocketAddr,
    accept: tokio::task::JoinHandle<()>,
    pub(super) s3: RustackS3,
}

impl VersionedServer {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and drops every open connection.
    pub fn kill(&self) {
        self.accept.abort();
    }
}

impl Drop for VersionedServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Seeded objects up to this size stay in memory (the largest demo object
/// is 32 MiB); past it rustack would spill them to temp files. Uploads over
/// HTTP are staged in temp files (in `TMPDIR`) whatever their size.
const IN_MEMORY_LIMIT: usize = 64 << 20;

/// Starts an empty rustack server on a free loopback port, path-style,
/// checking SigV4 signatures (headers and presigned URLs) against the demo
/// credentials.
pub async fn serve_versioned() -> std::io::Result<VersionedServer> {
    let s3 = RustackS3::new(S3Config {
        s3_virtual_hosting: false,
        s3_skip_signature_validation: false,
        s3_max_memory_object_size: IN_MEMORY_LIMIT,
        default_region: super::DEMO_REGION.into(),
        ..S3Config::default()
    });
    let credentials = rustack_auth::StaticCredentialProvider::new([(
        super::DEMO_ACCESS_KEY.to_owned(),
        super::DEMO_SECRET_KEY.to_owned(),
    )]);
    let service = S3HttpService::new(
        Bridge(s3.clone()),
        S3HttpConfig {
            virtual_hosting: false,
            skip_signature_validation: false,
            region: super::DEMO_REGION.into(),
            credential_provider: Some(Arc::new(credentials)),
            ..S3HttpConfig::default()
        },
    );
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let accept = tokio::spawn(async move {
        let http =
            hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        // Connections live in this set, so stopping the server (aborting
        // this task) also cuts keep-alive connections mid-response.
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let conn = http
                .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
                .into_owned();
            connections.spawn(async move {
                let _ = conn.await;
            });
            while connections.try_join_next().is_some() {}
        }
    });
    Ok(VersionedServer { addr, accept, s3 })
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_text_resolves_references() {
        assert_eq!(
            super::xml_text("Q&amp;A &lt;b&gt; &quot;x&apos; new&#xA;line&#9;tab &#233; &bogus;"),
            "Q&A <b> \"x' new\nline\ttab \u{e9} &bogus;"
        );
    }
}
