//! The `pail --demo` server: rustack's in-memory S3 (`rustack-s3-core`)
//! behind its own HTTP layer (`rustack-s3-http`: routing, XML, SigV4 and
//! presigned-URL checks), in-process on 127.0.0.1.
//!
//! rustack ships the two halves separately; the glue that hands each routed
//! operation to the matching `RustackS3::handle_*` method lives in its CLI
//! binary, not in a library, so [`Bridge`] is that glue, written as a table.
//! Where rustack answers differently from S3 in a way pail would notice
//! (listing encoding, UploadPartCopy ranges, DeleteObjects keys), the table
//! calls [`super::fixes`] instead.

use super::fixes::{self, Reply};
use bytes::Bytes;
use rustack_s3_core::{RustackS3, S3Config, storage::StagedUpload};
use rustack_s3_http::{
    FromS3Request, IntoS3Response, RoutingContext, S3Handler, S3HttpConfig, S3HttpService,
    S3ResponseBody,
};
use rustack_s3_model::{S3Error, S3Operation, input};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

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
            UploadPartCopy => fixes::upload_part_copy(s3, req.input()?).await,
            DeleteObjects => fixes::delete_objects(s3, req.input()?, &req.body).await,
            ListObjects => fixes::listing(s3.handle_list_objects(req.input()?).await?),
            ListObjectsV2 => fixes::listing(s3.handle_list_objects_v2(req.input()?).await?),
            ListObjectVersions => fixes::listing(s3.handle_list_object_versions(req.input()?).await?),
            ListMultipartUploads => fixes::listing(s3.handle_list_multipart_uploads(req.input()?).await?),
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
    let http = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    let (addr, accept) = super::listen(move |socket| {
        let conn = http
            .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
            .into_owned();
        async move {
            let _ = conn.await;
        }
    })
    .await?;
    Ok(VersionedServer { addr, accept, s3 })
}
