//! A real store with a hook on its writes: the test sees each write call
//! before it is sent and can act then (grow the file being uploaded, take
//! a key first as a second writer would), which no server does on demand.

use async_trait::async_trait;
use bytes::Bytes;
use pail::store::{
    Bucket, BucketInfo, Connection, CredentialSource, DeleteFailure, GetRequest, GetResult,
    ListPage, ListRequest, ObjectHead, ObjectInfo, ObjectRef, OpenUpload, Part, PutRequest, Store,
    StoreResult, Written,
};
use std::sync::Arc;

/// A write about to be sent.
#[derive(Debug)]
pub enum Call<'a> {
    Put(&'a PutRequest),
    CreateMultipart(&'a PutRequest),
    Part(&'a PutRequest, i32),
    Complete(&'a PutRequest),
    Copy {
        src: &'a ObjectRef,
        dst: &'a ObjectRef,
    },
}

pub type Hook = Arc<dyn Fn(Call<'_>) + Send + Sync>;

pub struct Tap {
    pub inner: Arc<dyn Store>,
    pub hook: Hook,
}

impl Tap {
    pub fn new(inner: Arc<dyn Store>, hook: impl Fn(Call<'_>) + Send + Sync + 'static) -> Tap {
        Tap {
            inner,
            hook: Arc::new(hook),
        }
    }
}

#[async_trait]
impl Store for Tap {
    fn connection(&self) -> Connection {
        self.inner.connection()
    }
    async fn credential_source(&self) -> StoreResult<CredentialSource> {
        self.inner.credential_source().await
    }
    async fn list_buckets(&self) -> StoreResult<Vec<Bucket>> {
        self.inner.list_buckets().await
    }
    async fn bucket_region(&self, bucket: &str) -> StoreResult<String> {
        self.inner.bucket_region(bucket).await
    }
    async fn bucket_info(&self, bucket: &str) -> StoreResult<BucketInfo> {
        self.inner.bucket_info(bucket).await
    }
    async fn list_page(&self, req: &ListRequest) -> StoreResult<ListPage> {
        self.inner.list_page(req).await
    }
    async fn object_info(&self, bucket: &str, key: &str) -> StoreResult<ObjectInfo> {
        self.inner.object_info(bucket, key).await
    }
    async fn object_info_at(&self, obj: &ObjectRef) -> StoreResult<ObjectInfo> {
        self.inner.object_info_at(obj).await
    }
    async fn head_object(&self, req: &GetRequest) -> StoreResult<ObjectHead> {
        self.inner.head_object(req).await
    }
    async fn get_object(&self, req: &GetRequest) -> GetResult {
        self.inner.get_object(req).await
    }
    async fn put_object(&self, req: &PutRequest, body: Bytes) -> StoreResult<Written> {
        (self.hook)(Call::Put(req));
        self.inner.put_object(req, body).await
    }
    async fn create_multipart(&self, req: &PutRequest) -> StoreResult<String> {
        (self.hook)(Call::CreateMultipart(req));
        self.inner.create_multipart(req).await
    }
    async fn upload_part(
        &self,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        body: Bytes,
        crc32: Option<String>,
    ) -> StoreResult<Part> {
        (self.hook)(Call::Part(req, number));
        self.inner
            .upload_part(req, upload_id, number, body, crc32)
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
        self.inner
            .upload_part_copy(src, req, upload_id, number, range)
            .await
    }
    async fn complete_multipart(
        &self,
        req: &PutRequest,
        upload_id: &str,
        parts: &[Part],
    ) -> StoreResult<Written> {
        (self.hook)(Call::Complete(req));
        self.inner.complete_multipart(req, upload_id, parts).await
    }
    async fn abort_multipart(&self, bucket: &str, key: &str, upload_id: &str) -> StoreResult<()> {
        self.inner.abort_multipart(bucket, key, upload_id).await
    }
    async fn open_uploads(&self, bucket: &str, prefix: &str) -> StoreResult<Vec<OpenUpload>> {
        self.inner.open_uploads(bucket, prefix).await
    }
    async fn copy_object(
        &self,
        src: &ObjectRef,
        dst: &ObjectRef,
        storage_class: Option<&str>,
        if_absent: bool,
    ) -> StoreResult<Written> {
        (self.hook)(Call::Copy { src, dst });
        self.inner
            .copy_object(src, dst, storage_class, if_absent)
            .await
    }
    async fn delete_objects(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> StoreResult<Vec<DeleteFailure>> {
        self.inner.delete_objects(bucket, keys).await
    }
    async fn list_versions(
        &self,
        req: &pail::store::VersionsRequest,
    ) -> StoreResult<pail::store::VersionsPage> {
        self.inner.list_versions(req).await
    }
    async fn delete_versions(
        &self,
        bucket: &str,
        items: &[(String, Option<String>)],
    ) -> StoreResult<Vec<DeleteFailure>> {
        self.inner.delete_versions(bucket, items).await
    }
}
