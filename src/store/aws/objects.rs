//! Object reads and writes for the transfer engine: GetObject/HeadObject
//! into [`ObjectHead`] and a chunk stream, PutObject and the multipart
//! calls from owned buffers, CopyObject/UploadPartCopy, DeleteObjects.

use super::AwsStore;
use super::decode::secs;
use crate::store::{
    ByteStream, DeleteFailure, Encryption, ErrorKind, GetRequest, ObjectHead, ObjectRef,
    OpenUpload, Part, PutRequest, StoreError, StoreResult, UploadedParts, Written,
};
use aws_sdk_s3 as s3;
use bytes::Bytes;
use s3::types::{
    ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload, CompletedPart, Delete,
    ObjectIdentifier, ServerSideEncryption, StorageClass,
};

/// "bytes=0-99" for `0..100`.
fn range_header((start, end): (u64, u64)) -> String {
    format!("bytes={}-{}", start, end.saturating_sub(1))
}

/// The object's size from "bytes 0-99/1234".
fn total_from_content_range(cr: Option<&str>) -> Option<u64> {
    cr?.rsplit_once('/')?.1.trim().parse().ok()
}

/// XML 1.0 cannot carry most control characters, and `\r` would be read
/// back as `\n`: such keys are deleted one request each, by URL.
fn xml_safe(key: &str) -> bool {
    !key.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// An ETag for a write's `If-Match` without its quotes: radosgw compares
/// the header with the bare value (a quoted one never matches, every
/// write fails 412); moto and S3 take either.
fn bare_etag(etag: Option<&str>) -> Option<String> {
    etag.map(|e| e.trim_matches('"').to_owned())
}

macro_rules! head_from {
    ($o:expr) => {{
        let o = &$o;
        let checksums = [
            ("CRC32", o.checksum_crc32()),
            ("CRC32C", o.checksum_crc32_c()),
            ("CRC64NVME", o.checksum_crc64_nvme()),
            ("SHA1", o.checksum_sha1()),
            ("SHA256", o.checksum_sha256()),
        ]
        .into_iter()
        .filter_map(|(n, v)| v.map(|v| (n.to_owned(), v.to_owned())))
        .collect();
        let len = o.content_length().unwrap_or(0).max(0) as u64;
        ObjectHead {
            content_length: len,
            object_size: total_from_content_range(o.content_range()).unwrap_or(len),
            etag: o.e_tag().map(str::to_owned),
            modified: secs(o.last_modified()),
            version_id: o.version_id().map(str::to_owned),
            checksums,
            checksum_type: o.checksum_type().map(|c| c.as_str().to_owned()),
            sse: o.server_side_encryption().map(|c| c.as_str().to_owned()),
            sse_customer: o.sse_customer_algorithm().is_some(),
            parts_count: o.parts_count(),
            content_type: o.content_type().map(str::to_owned),
            storage_class: o.storage_class().map(|c| c.as_str().to_owned()),
            restore: o.restore().map(str::to_owned),
            metadata: {
                let mut m: Vec<(String, String)> = o
                    .metadata()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                    .collect();
                m.sort();
                m
            },
        }
    }};
}

/// Applies what every new-object request shares (PutObject and
/// CreateMultipartUpload have the same setters but no common trait).
macro_rules! new_object {
    ($b:expr, $r:expr) => {{
        let r: &PutRequest = $r;
        let mut b = $b
            .bucket(&r.bucket)
            .key(&r.key)
            .set_content_type(r.content_type.clone())
            .set_storage_class(r.storage_class.as_deref().map(StorageClass::from))
            .set_tagging(r.tagging.clone())
            .set_cache_control(r.headers.cache_control.clone())
            .set_content_disposition(r.headers.content_disposition.clone())
            .set_content_encoding(r.headers.content_encoding.clone())
            .set_content_language(r.headers.content_language.clone());
        for (k, v) in &r.metadata {
            b = b.metadata(k, v);
        }
        match &r.encryption {
            Encryption::BucketDefault => b,
            Encryption::S3 => b.server_side_encryption(ServerSideEncryption::Aes256),
            Encryption::Kms(id) => b
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .set_ssekms_key_id(id.clone()),
        }
    }};
}

impl AwsStore {
    pub(super) async fn head_object_impl(&self, req: &GetRequest) -> StoreResult<ObjectHead> {
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                c.head_object()
                    .bucket(&req.bucket)
                    .key(&req.key)
                    .set_version_id(req.version_id.clone())
                    .set_if_match(req.if_match.clone())
                    .set_part_number(req.part_number)
                    .checksum_mode(ChecksumMode::Enabled)
                    .send()
            })
            .await?;
        Ok(head_from!(out))
    }

    pub(super) async fn get_object_impl(
        &self,
        req: &GetRequest,
    ) -> StoreResult<(ObjectHead, ByteStream)> {
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                c.get_object()
                    .bucket(&req.bucket)
                    .key(&req.key)
                    .set_version_id(req.version_id.clone())
                    .set_if_match(req.if_match.clone())
                    .set_range(req.range.map(range_header))
                    .set_part_number(req.part_number)
                    .checksum_mode(ChecksumMode::Enabled)
                    .send()
            })
            .await?;
        let head = head_from!(out);
        let key = req.key.clone();
        let body = futures::stream::unfold(Some(out.body), move |body| {
            let key = key.clone();
            async move {
                let mut body = body?;
                match body.next().await {
                    None => None,
                    Some(Ok(chunk)) => Some((Ok(chunk), Some(body))),
                    // A body that breaks off (reset, truncation, a checksum
                    // the SDK found wrong) ends the stream with its error.
                    Some(Err(e)) => {
                        let text =
                            super::errors::concise(&s3::error::DisplayErrorContext(&e).to_string());
                        let mut err = StoreError::new(ErrorKind::BadResponse, text);
                        err.key = Some(key);
                        Some((Err(err), None))
                    }
                }
            }
        });
        Ok((head, Box::pin(body)))
    }

    pub(super) async fn put_object_impl(
        &self,
        req: &PutRequest,
        body: Bytes,
    ) -> StoreResult<Written> {
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                new_object!(c.put_object(), req)
                    .set_checksum_crc32(req.crc32.clone())
                    .set_if_none_match(req.if_absent.then(|| "*".to_owned()))
                    .set_if_match(bare_etag(req.if_match.as_deref()))
                    .body(body.clone().into())
                    .send()
            })
            .await?;
        Ok(Written {
            etag: out.e_tag().map(str::to_owned),
            version_id: out.version_id().map(str::to_owned),
        })
    }

    pub(super) async fn create_multipart_impl(&self, req: &PutRequest) -> StoreResult<String> {
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                let b = new_object!(c.create_multipart_upload(), req);
                // Parts that will carry a CRC32 need the upload created with
                // it, or Garage and LocalStack refuse to complete it.
                let b = if req.crc32.is_some() {
                    b.checksum_algorithm(ChecksumAlgorithm::Crc32)
                } else {
                    b
                };
                b.send()
            })
            .await?;
        out.upload_id()
            .map(str::to_owned)
            .ok_or_else(|| StoreError::new(ErrorKind::BadResponse, "no upload id in the answer"))
    }

    pub(super) async fn upload_part_impl(
        &self,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        body: Bytes,
        crc32: Option<String>,
    ) -> StoreResult<Part> {
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                c.upload_part()
                    .bucket(&req.bucket)
                    .key(&req.key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .set_checksum_crc32(crc32.clone())
                    .body(body.clone().into())
                    .send()
            })
            .await?;
        Ok(Part {
            number,
            etag: out.e_tag().unwrap_or_default().to_owned(),
            crc32: out.checksum_crc32().map(str::to_owned).or(crc32),
        })
    }

    pub(super) async fn upload_part_copy_impl(
        &self,
        src: &ObjectRef,
        req: &PutRequest,
        upload_id: &str,
        number: i32,
        range: (u64, u64),
    ) -> StoreResult<Part> {
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                c.upload_part_copy()
                    .bucket(&req.bucket)
                    .key(&req.key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .copy_source(src.copy_source())
                    .set_copy_source_if_match(src.etag.clone())
                    .copy_source_range(range_header(range))
                    .customize()
                    // The SDK sends this bodiless PUT without a
                    // Content-Length; radosgw refuses it (411
                    // MissingContentLength), as it may any PUT without one.
                    .mutate_request(|r| {
                        r.headers_mut().insert("content-length", "0");
                    })
                    .send()
            })
            .await?;
        let etag = out
            .copy_part_result()
            .and_then(|r| r.e_tag())
            .unwrap_or_default()
            .to_owned();
        Ok(Part {
            number,
            etag,
            crc32: None,
        })
    }

    pub(super) async fn complete_multipart_impl(
        &self,
        req: &PutRequest,
        upload_id: &str,
        parts: &[Part],
    ) -> StoreResult<Written> {
        let completed: Vec<CompletedPart> = parts
            .iter()
            .map(|p| {
                CompletedPart::builder()
                    .part_number(p.number)
                    .e_tag(&p.etag)
                    .set_checksum_crc32(p.crc32.clone())
                    .build()
            })
            .collect();
        let out = self
            .call(&req.bucket, Some(&req.key), |c| {
                c.complete_multipart_upload()
                    .bucket(&req.bucket)
                    .key(&req.key)
                    .upload_id(upload_id)
                    .set_if_none_match(req.if_absent.then(|| "*".to_owned()))
                    .set_if_match(bare_etag(req.if_match.as_deref()))
                    .multipart_upload(
                        CompletedMultipartUpload::builder()
                            .set_parts(Some(completed.clone()))
                            .build(),
                    )
                    .send()
            })
            .await?;
        Ok(Written {
            etag: out.e_tag().map(str::to_owned),
            version_id: out.version_id().map(str::to_owned),
        })
    }

    pub(super) async fn abort_multipart_impl(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> StoreResult<()> {
        self.call(bucket, Some(key), |c| {
            c.abort_multipart_upload()
                .bucket(bucket)
                .key(key)
                .upload_id(upload_id)
                .send()
        })
        .await?;
        Ok(())
    }

    pub(super) async fn open_uploads_impl(
        &self,
        bucket: &str,
        prefix: &str,
    ) -> StoreResult<Vec<OpenUpload>> {
        let mut found = Vec::new();
        let mut markers: (Option<String>, Option<String>) = (None, None);
        loop {
            let out = self
                .call(bucket, None, |c| {
                    c.list_multipart_uploads()
                        .bucket(bucket)
                        .prefix(prefix)
                        .set_key_marker(markers.0.clone())
                        .set_upload_id_marker(markers.1.clone())
                        .send()
                })
                .await?;
            for u in out.uploads() {
                if let (Some(k), Some(id)) = (u.key(), u.upload_id()) {
                    found.push(OpenUpload {
                        key: k.to_owned(),
                        upload_id: id.to_owned(),
                        initiated: secs(u.initiated()),
                        initiator: u
                            .initiator()
                            .and_then(|i| i.display_name().or(i.id()))
                            .or(u.owner().and_then(|o| o.display_name().or(o.id())))
                            .map(str::to_owned),
                        storage_class: u.storage_class().map(|c| c.as_str().to_owned()),
                    });
                }
            }
            let next = (
                out.next_key_marker().map(str::to_owned),
                out.next_upload_id_marker().map(str::to_owned),
            );
            if out.is_truncated() != Some(true) || next == markers || next.0.is_none() {
                return Ok(found);
            }
            markers = next;
        }
    }

    pub(super) async fn uploaded_parts_impl(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
    ) -> StoreResult<UploadedParts> {
        let mut total = UploadedParts::default();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .call(bucket, Some(key), |c| {
                    let marker = marker.clone();
                    async move {
                        match c
                            .list_parts()
                            .bucket(bucket)
                            .key(key)
                            .upload_id(upload_id)
                            .set_part_number_marker(marker)
                            .send()
                            .await
                        {
                            Ok(out) => Ok(PartsPage {
                                sizes: out.parts().iter().map(|p| p.size().unwrap_or(0)).collect(),
                                next: out.next_part_number_marker().map(str::to_owned),
                                truncated: out.is_truncated() == Some(true),
                            }),
                            // moto wraps the answer in ListPartsResponse,
                            // which the SDK rejects; a 200 is an answer.
                            Err(s3::error::SdkError::ServiceError(se))
                                if se.raw().status().as_u16() == 200 =>
                            {
                                let body = se.raw().body().bytes().unwrap_or_default();
                                Ok(PartsPage::from_xml(&String::from_utf8_lossy(body)))
                            }
                            Err(e) => Err(e),
                        }
                    }
                })
                .await?;
            total.parts += page.sizes.len() as u64;
            total.bytes += page.sizes.iter().map(|s| (*s).max(0) as u64).sum::<u64>();
            if !page.truncated || page.next.is_none() || page.next == marker {
                return Ok(total);
            }
            marker = page.next;
        }
    }

    pub(super) async fn restore_object_impl(
        &self,
        obj: &ObjectRef,
        days: i32,
        tier: crate::store::archive::Tier,
    ) -> StoreResult<crate::store::archive::Restore> {
        use crate::store::archive::Restore;
        use s3::types::{GlacierJobParameters, RestoreRequest, Tier as SdkTier};
        let params = GlacierJobParameters::builder()
            .tier(SdkTier::from(tier.as_str()))
            .build()
            .map_err(|e| StoreError::new(crate::store::ErrorKind::Other, e.to_string()))?;
        let req = RestoreRequest::builder()
            .days(days)
            .glacier_job_parameters(params)
            .build();
        let out = self
            .call(&obj.bucket, Some(&obj.key), |c| {
                c.restore_object()
                    .bucket(&obj.bucket)
                    .key(&obj.key)
                    .set_version_id(obj.version_id.clone())
                    .restore_request(req.clone())
                    .send()
            })
            .await;
        match out {
            Ok(_) => Ok(Restore::Requested),
            Err(e) if e.code.as_deref() == Some("RestoreAlreadyInProgress") => {
                Ok(Restore::AlreadyInProgress)
            }
            Err(e) => Err(e),
        }
    }

    pub(super) async fn copy_object_impl(
        &self,
        src: &ObjectRef,
        dst: &ObjectRef,
        storage_class: Option<&str>,
        if_absent: bool,
    ) -> StoreResult<Written> {
        let out = self
            .call(&dst.bucket, Some(&dst.key), |c| {
                c.copy_object()
                    .bucket(&dst.bucket)
                    .key(&dst.key)
                    .copy_source(src.copy_source())
                    .set_copy_source_if_match(src.etag.clone())
                    .set_if_none_match(if_absent.then(|| "*".to_owned()))
                    .set_storage_class(storage_class.map(StorageClass::from))
                    .send()
            })
            .await?;
        Ok(Written {
            etag: out
                .copy_object_result()
                .and_then(|r| r.e_tag())
                .map(str::to_owned),
            version_id: out.version_id().map(str::to_owned),
        })
    }

    pub(super) async fn delete_objects_impl(
        &self,
        bucket: &str,
        keys: &[String],
    ) -> StoreResult<Vec<DeleteFailure>> {
        let items: Vec<(String, Option<String>)> = keys.iter().map(|k| (k.clone(), None)).collect();
        self.delete_many(bucket, &items).await
    }

    /// DeleteObjects of keys, each with an exact version or none.
    pub(super) async fn delete_many(
        &self,
        bucket: &str,
        items: &[(String, Option<String>)],
    ) -> StoreResult<Vec<DeleteFailure>> {
        let (batch, single): (Vec<_>, Vec<_>) = items.iter().partition(|(k, _)| xml_safe(k));
        let mut failures = Vec::new();
        // DeleteObjects takes at most 1,000 keys (a key deleted by a cron
        // job can carry more delete markers than that).
        for batch in batch.chunks(1000) {
            let objects: Vec<ObjectIdentifier> = batch
                .iter()
                .filter_map(|(k, v)| {
                    ObjectIdentifier::builder()
                        .key(k.as_str())
                        .set_version_id(v.clone())
                        .build()
                        .ok()
                })
                .collect();
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| StoreError::new(ErrorKind::Other, e.to_string()))?;
            let out = self
                .call(bucket, None, |c| {
                    c.delete_objects()
                        .bucket(bucket)
                        .delete(delete.clone())
                        .send()
                })
                .await?;
            for e in out.errors() {
                failures.push(DeleteFailure {
                    key: e.key().unwrap_or_default().to_owned(),
                    code: e.code().unwrap_or("Error").to_owned(),
                    message: e.message().unwrap_or_default().to_owned(),
                });
            }
        }
        for (key, version) in single {
            let res = self
                .call(bucket, Some(key), |c| {
                    c.delete_object()
                        .bucket(bucket)
                        .key(key.as_str())
                        .set_version_id(version.clone())
                        .send()
                })
                .await;
            if let Err(e) = res {
                failures.push(DeleteFailure {
                    key: key.clone(),
                    code: e.code.clone().unwrap_or_else(|| format!("{:?}", e.kind)),
                    message: e.message,
                });
            }
        }
        Ok(failures)
    }
}

/// One page of ListParts, as much of it as pail needs.
struct PartsPage {
    sizes: Vec<i64>,
    next: Option<String>,
    truncated: bool,
}

impl PartsPage {
    /// Reads a ListParts answer whose root element the SDK did not accept.
    fn from_xml(text: &str) -> PartsPage {
        let tag = |s: &str, name: &str| {
            let open = format!("<{name}>");
            let close = format!("</{name}>");
            s.split_once(open.as_str())
                .and_then(|(_, rest)| rest.split_once(close.as_str()))
                .map(|(v, _)| v.trim().to_owned())
        };
        let sizes = text
            .split("<Part>")
            .skip(1)
            .filter_map(|p| tag(p, "Size").and_then(|s| s.parse().ok()))
            .collect();
        PartsPage {
            sizes,
            next: tag(text, "NextPartNumberMarker"),
            truncated: tag(text, "IsTruncated").as_deref() == Some("true"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_list_parts_answer_is_read() {
        let xml = "<?xml version=\"1.0\"?><ListPartsResponse><ListPartsResult><IsTruncated>false</IsTruncated>\
                   <Part><PartNumber>1</PartNumber><Size>5242880</Size></Part>\
                   <Part><PartNumber>2</PartNumber><Size>7</Size></Part></ListPartsResult></ListPartsResponse>";
        let p = PartsPage::from_xml(xml);
        assert_eq!(p.sizes, [5242880, 7]);
        assert!(!p.truncated);
    }

    #[test]
    fn ranges_and_sizes() {
        assert_eq!(range_header((0, 100)), "bytes=0-99");
        assert_eq!(
            total_from_content_range(Some("bytes 0-99/1234")),
            Some(1234)
        );
        assert_eq!(total_from_content_range(Some("bytes */*")), None);
        assert!(xml_safe("a\nb c+%é"));
        assert!(!xml_safe("a\rb"));
        assert!(!xml_safe("a\u{1}b"));
    }

    #[test]
    fn copy_source_encodes_segments_but_not_the_version() {
        let mut o = ObjectRef::new("b", "dir one/a+b%c?d#é.txt");
        assert_eq!(o.copy_source(), "b/dir%20one/a%2Bb%25c%3Fd%23%C3%A9.txt");
        o.version_id = Some("3/L4kqtJl".into());
        assert!(o.copy_source().ends_with("?versionId=3/L4kqtJl"));
    }
}
