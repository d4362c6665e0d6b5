//! A real S3-compatible server (s3s-fs, in-process) on 127.0.0.1 that
//! checks SigV4 signatures against the demo credentials: the
//! signature-checking server of the integration tests and benches
//! (`benches/transfers.rs` includes this file). It lives with the tests so
//! that s3s and s3s-fs never ship in the pail binary; `pail --demo` runs on
//! rustack (`pail::demo`), which has versioning.
//!
//! s3s-fs lacks object tagging and versioning status, and echoes
//! `EncodingType=url` without encoding keys; [`DemoS3`] adds the first two in
//! memory and fixes the third, delegating everything else unchanged.

use pail::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use s3s::dto::*;
use s3s::{S3, S3Request, S3Response, S3Result};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, RwLock};

type TagStore = Arc<RwLock<HashMap<(String, String), Vec<(String, String)>>>>;

#[derive(Clone)]
pub struct DemoS3 {
    fs: Arc<s3s_fs::FileSystem>,
    root: std::path::PathBuf,
    tags: TagStore,
}

fn encode_key(s: &str) -> String {
    // Form-style like AWS: everything but unreserved characters and '/'.
    pail::store::links::encode_key(s)
}

/// Forwards S3 operations to `self.$field`.
macro_rules! delegate {
    ($field:tt; $($name:ident: $input:ty => $output:ty;)*) => {
        $(
            // async_trait expands before this macro, so the boxed-future
            // signature it would generate is spelled out here.
            fn $name<'life0, 'async_trait>(
                &'life0 self,
                req: S3Request<$input>,
            ) -> std::pin::Pin<Box<dyn std::future::Future<Output = S3Result<S3Response<$output>>> + Send + 'async_trait>>
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                Box::pin(async move { self.$field.$name(req).await })
            }
        )*
    };
}

#[async_trait::async_trait]
impl S3 for DemoS3 {
    delegate! {
        fs;
        create_bucket: CreateBucketInput => CreateBucketOutput;
        copy_object: CopyObjectInput => CopyObjectOutput;
        delete_bucket: DeleteBucketInput => DeleteBucketOutput;
        delete_objects: DeleteObjectsInput => DeleteObjectsOutput;
        get_bucket_location: GetBucketLocationInput => GetBucketLocationOutput;
        get_object: GetObjectInput => GetObjectOutput;
        head_bucket: HeadBucketInput => HeadBucketOutput;
        head_object: HeadObjectInput => HeadObjectOutput;
        list_buckets: ListBucketsInput => ListBucketsOutput;
        list_objects: ListObjectsInput => ListObjectsOutput;
        put_object: PutObjectInput => PutObjectOutput;
        create_multipart_upload: CreateMultipartUploadInput => CreateMultipartUploadOutput;
        upload_part: UploadPartInput => UploadPartOutput;
        upload_part_copy: UploadPartCopyInput => UploadPartCopyOutput;
        list_parts: ListPartsInput => ListPartsOutput;
        complete_multipart_upload: CompleteMultipartUploadInput => CompleteMultipartUploadOutput;
        abort_multipart_upload: AbortMultipartUploadInput => AbortMultipartUploadOutput;
    }

    async fn delete_object(
        &self,
        req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        let id = (req.input.bucket.clone(), req.input.key.clone());
        let out = self.fs.delete_object(req).await?;
        self.tags
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        Ok(out)
    }

    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> S3Result<S3Response<ListObjectsV2Output>> {
        let encode = req
            .input
            .encoding_type
            .as_ref()
            .is_some_and(|e| e.as_str() == EncodingType::URL);
        let mut out = self.fs.list_objects_v2(req).await?;
        if encode {
            let o = &mut out.output;
            for obj in o.contents.iter_mut().flatten() {
                obj.key = obj.key.as_deref().map(encode_key);
            }
            for p in o.common_prefixes.iter_mut().flatten() {
                p.prefix = p.prefix.as_deref().map(encode_key);
            }
            o.prefix = o.prefix.as_deref().map(encode_key);
            o.start_after = o.start_after.as_deref().map(encode_key);
        }
        Ok(out)
    }

    async fn get_object_tagging(
        &self,
        req: S3Request<GetObjectTaggingInput>,
    ) -> S3Result<S3Response<GetObjectTaggingOutput>> {
        let path = self.fs_object_exists(&req.input.bucket, &req.input.key);
        if !path {
            return Err(s3s::s3_error!(NoSuchKey));
        }
        let tags = self.tags.read().unwrap_or_else(|p| p.into_inner());
        let set = tags
            .get(&(req.input.bucket.clone(), req.input.key.clone()))
            .cloned()
            .unwrap_or_default();
        Ok(S3Response::new(GetObjectTaggingOutput {
            tag_set: set
                .into_iter()
                .map(|(k, v)| Tag {
                    key: Some(k),
                    value: Some(v),
                })
                .collect(),
            version_id: None,
        }))
    }

    async fn put_object_tagging(
        &self,
        req: S3Request<PutObjectTaggingInput>,
    ) -> S3Result<S3Response<PutObjectTaggingOutput>> {
        let i = req.input;
        let set = i
            .tagging
            .tag_set
            .into_iter()
            .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
            .collect();
        self.tags
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert((i.bucket, i.key), set);
        Ok(S3Response::new(PutObjectTaggingOutput { version_id: None }))
    }

    async fn get_bucket_versioning(
        &self,
        req: S3Request<GetBucketVersioningInput>,
    ) -> S3Result<S3Response<GetBucketVersioningOutput>> {
        if !self.fs_bucket_exists(&req.input.bucket) {
            return Err(s3s::s3_error!(NoSuchBucket));
        }
        Ok(S3Response::new(GetBucketVersioningOutput::default()))
    }
}

impl DemoS3 {
    fn fs_bucket_exists(&self, bucket: &str) -> bool {
        !bucket.contains('/') && !bucket.starts_with('.') && self.root.join(bucket).is_dir()
    }

    fn fs_object_exists(&self, bucket: &str, key: &str) -> bool {
        self.fs_bucket_exists(bucket)
            && !key.split('/').any(|c| c == "..")
            && self.root.join(bucket).join(key).is_file()
    }
}

/// A running server; dropping it stops accepting connections.
pub struct DemoServer {
    pub addr: SocketAddr,
    accept: tokio::task::JoinHandle<()>,
}

impl DemoServer {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and drops every open connection.
    pub fn kill(&self) {
        self.accept.abort();
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Starts s3s-fs over `root` on a free loopback port, checking SigV4
/// signatures against the demo credentials.
pub async fn serve(root: &Path) -> std::io::Result<DemoServer> {
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
    let backend = DemoS3 {
        fs: Arc::new(fs),
        root: root.to_owned(),
        tags: Arc::default(),
    };
    let service = {
        let mut b = s3s::service::S3ServiceBuilder::new(backend);
        b.set_auth(s3s::auth::SimpleAuth::from_single(
            DEMO_ACCESS_KEY,
            DEMO_SECRET_KEY,
        ));
        b.build()
    };
    let http = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    let (addr, accept) = pail::demo::listen(move |socket| {
        let conn = http
            .serve_connection(hyper_util::rt::TokioIo::new(socket), service.clone())
            .into_owned();
        async move {
            let _ = conn.await;
        }
    })
    .await?;
    Ok(DemoServer { addr, accept })
}
