//! One page of ListObjectsV2 in our types: keys URL-decoded (the
//! listing asks for URL encoding so any key survives XML), and on AWS
//! each archived object's restore state from `RestoreStatus`.

use super::AwsStore;
use super::decode::{secs, url_decode};
use crate::store::{ListPage, ListRequest, ObjectSummary, StoreResult};
use aws_sdk_s3 as s3;
use s3::types::EncodingType;

impl AwsStore {
    pub(super) async fn list_page_impl(&self, req: &ListRequest) -> StoreResult<ListPage> {
        // Only AWS answers RestoreStatus (an archived object's restore,
        // without a HEAD per key); other servers are not asked.
        // Directory buckets (S3 Express, `name--x-s3`) refuse the header.
        let restore_status = (self.conn.endpoint.is_none() && !req.bucket.ends_with("--x-s3"))
            .then(|| vec![s3::types::OptionalObjectAttributes::RestoreStatus]);
        let out = self
            .call(&req.bucket, None, |c| {
                c.list_objects_v2()
                    .bucket(&req.bucket)
                    .prefix(&req.prefix)
                    .set_delimiter(req.delimiter.clone())
                    .set_continuation_token(req.token.clone())
                    .set_max_keys(req.page_size)
                    .encoding_type(EncodingType::Url)
                    .set_optional_object_attributes(restore_status.clone())
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
                    restore: o.restore_status().and_then(|r| {
                        use crate::store::archive::RestoreState;
                        match r.is_restore_in_progress() {
                            Some(true) => Some(RestoreState::InProgress),
                            Some(false) => Some(RestoreState::Restored {
                                until: secs(r.restore_expiry_date()),
                            }),
                            None => None,
                        }
                    }),
                    key: decode(o.key()?),
                    size: o.size().unwrap_or(0).max(0) as u64,
                    modified: secs(o.last_modified()),
                    storage_class: o.storage_class().map(|s| s.as_str().to_owned()),
                    etag: o.e_tag().map(str::to_owned),
                    version_id: None,
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
}
