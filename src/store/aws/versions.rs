//! Versions and links on the SDK side: ListObjectVersions pages into
//! [`VersionsPage`], deletes of exact versions, and presigned GET/PUT
//! requests signed by the SDK's own SigV4 presigner for the bucket's region.

use super::AwsStore;
use super::decode::{secs, url_decode};
use crate::store::{
    DeleteFailure, ErrorKind, LinkMethod, ObjectVersion, PresignRequest, Presigned, StoreError,
    StoreResult, VersionsPage, VersionsRequest,
};
use aws_sdk_s3 as s3;
use s3::config::ProvideCredentials;
use s3::presigning::PresigningConfig;
use s3::types::EncodingType;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::store::MAX_LINK_SECS;

impl AwsStore {
    pub(super) async fn list_versions_impl(
        &self,
        req: &VersionsRequest,
    ) -> StoreResult<VersionsPage> {
        let out = self
            .call(&req.bucket, None, |c| {
                c.list_object_versions()
                    .bucket(&req.bucket)
                    .prefix(&req.prefix)
                    .set_delimiter(req.delimiter.clone())
                    .set_key_marker(req.key_marker.clone())
                    .set_version_id_marker(req.version_marker.clone())
                    .set_max_keys(req.page_size)
                    .encoding_type(EncodingType::Url)
                    .send()
            })
            .await?;
        let encoded = out.encoding_type() == Some(&EncodingType::Url);
        let decode = |s: &str| {
            if encoded { url_decode(s) } else { s.to_owned() }
        };
        // Versions and delete markers come in two lists; S3 orders both by
        // key, then newest first. Merging them back keeps that order, with
        // the lists' own order deciding ties (same key and second).
        let mut versions: Vec<ObjectVersion> = Vec::new();
        for v in out.versions() {
            let Some(key) = v.key() else { continue };
            versions.push(ObjectVersion {
                key: decode(key),
                version_id: id(v.version_id()),
                is_latest: v.is_latest() == Some(true),
                delete_marker: false,
                size: v.size().unwrap_or(0).max(0) as u64,
                modified: secs(v.last_modified()),
                etag: v.e_tag().map(str::to_owned),
                storage_class: v.storage_class().map(|s| s.as_str().to_owned()),
            });
        }
        let markers: Vec<ObjectVersion> = out
            .delete_markers()
            .iter()
            .filter_map(|m| {
                Some(ObjectVersion {
                    key: decode(m.key()?),
                    version_id: id(m.version_id()),
                    is_latest: m.is_latest() == Some(true),
                    delete_marker: true,
                    size: 0,
                    modified: secs(m.last_modified()),
                    etag: None,
                    storage_class: None,
                })
            })
            .collect();
        let versions = merge_newest_first(versions, markers);
        let prefixes = out
            .common_prefixes()
            .iter()
            .filter_map(|p| p.prefix())
            .map(decode)
            .collect();
        let next = if out.is_truncated() == Some(true) {
            // A cut-short listing must not pass for a complete one (a plan
            // made from it would be wrong): no marker, or one that does not
            // move, is an error.
            let key = out.next_key_marker().filter(|k| !k.is_empty()).map(decode);
            let version = out
                .next_version_id_marker()
                .filter(|v| !v.is_empty())
                .map(str::to_owned);
            match key {
                Some(k)
                    if version.is_some()
                        && (Some(&k) != req.key_marker.as_ref()
                            || version.as_ref() != req.version_marker.as_ref()) =>
                {
                    Some((k, version))
                }
                _ => {
                    let mut e = StoreError::new(
                        ErrorKind::BadResponse,
                        "ListObjectVersions said there is more but gave no new place to continue from",
                    );
                    e.bucket = Some(req.bucket.clone());
                    return Err(e);
                }
            }
        } else {
            None
        };
        Ok(VersionsPage {
            versions,
            prefixes,
            next,
        })
    }

    /// DeleteObjects naming exact versions (or none: a delete marker on a
    /// versioned bucket). Keys XML cannot carry go one request each.
    pub(super) async fn delete_versions_impl(
        &self,
        bucket: &str,
        items: &[(String, Option<String>)],
    ) -> StoreResult<Vec<DeleteFailure>> {
        self.delete_many(bucket, items).await
    }

    pub(super) async fn presign_impl(&self, req: &PresignRequest) -> StoreResult<Presigned> {
        if self.conn.unsigned {
            return Err(StoreError::new(
                ErrorKind::Credentials,
                "pail runs without credentials (--no-sign-request): a presigned link is \
                 signed with your credentials, so there is nothing to sign it with",
            ));
        }
        if req.expires_secs == 0 || req.expires_secs > MAX_LINK_SECS {
            return Err(StoreError::new(
                ErrorKind::Other,
                "a presigned link lives between 1 second and 7 days (SigV4's limit)",
            ));
        }
        let bucket = &req.object.bucket;
        let key = &req.object.key;
        let region = self.region_for(bucket).await?;
        let client = self.presign_client(&region);
        let config = PresigningConfig::builder()
            .start_time(SystemTime::now())
            .expires_in(Duration::from_secs(req.expires_secs))
            .build()
            .map_err(|e| StoreError::new(ErrorKind::Other, e.to_string()))?;
        let signed = match req.method {
            LinkMethod::Get => client
                .get_object()
                .bucket(bucket)
                .key(key)
                .set_version_id(req.object.version_id.clone())
                .set_response_content_disposition(req.attachment.as_deref().map(attachment))
                .presigned(config)
                .await
                .map_err(|e| self.convert(e, Some(bucket), Some(key)))?,
            LinkMethod::Put => client
                .put_object()
                .bucket(bucket)
                .key(key)
                .set_content_type(req.content_type.clone())
                .presigned(config)
                .await
                .map_err(|e| self.convert(e, Some(bucket), Some(key)))?,
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Ok(Presigned {
            url: signed.uri().to_owned(),
            method: req.method,
            headers: signed
                .headers()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            expires_at: now + req.expires_secs as i64,
            credentials_expire: self.credentials_expiry().await,
            region,
        })
    }

    /// When the signing credentials expire, for temporary ones that say.
    async fn credentials_expiry(&self) -> Option<i64> {
        let provider = self.sdk.credentials_provider()?;
        let creds = provider.provide_credentials().await.ok()?;
        let at = creds.expiry()?;
        at.duration_since(UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs() as i64)
    }
}

/// A version id as listed; none (or an empty one) is the `null` version.
fn id(v: Option<&str>) -> String {
    v.filter(|v| !v.is_empty()).unwrap_or("null").to_owned()
}

/// `attachment; filename="…"` with an ASCII fallback and the exact name in
/// RFC 5987 form, so browsers save it under the object's own name.
fn attachment(name: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let exact = utf8_percent_encode(name, NON_ALPHANUMERIC);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

/// Versions and delete markers, each already by key and newest first,
/// merged into one list in that order. Equal keys and times keep versions
/// before markers only when the listing said nothing better: a marker newer
/// by time comes first.
fn merge_newest_first(a: Vec<ObjectVersion>, b: Vec<ObjectVersion>) -> Vec<ObjectVersion> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.key < y.key || (x.key == y.key && newer_or_latest(x, y)),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        out.extend(next);
    }
    out
}

/// Whether `x` comes before `y` of the same key: the latest first, then by
/// time; a tie in time keeps `x` (the versions list) first.
fn newer_or_latest(x: &ObjectVersion, y: &ObjectVersion) -> bool {
    if x.is_latest != y.is_latest {
        return x.is_latest;
    }
    x.modified.unwrap_or(0) >= y.modified.unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(key: &str, t: i64, latest: bool, marker: bool) -> ObjectVersion {
        ObjectVersion {
            key: key.into(),
            version_id: format!("{key}@{t}{}", if marker { "m" } else { "" }),
            is_latest: latest,
            delete_marker: marker,
            size: 1,
            modified: Some(t),
            etag: None,
            storage_class: None,
        }
    }

    #[test]
    fn markers_merge_into_each_keys_history_newest_first() {
        let versions = vec![
            v("a", 5, false, false),
            v("a", 1, false, false),
            v("b", 9, true, false),
        ];
        let markers = vec![v("a", 7, true, true), v("a", 3, false, true)];
        let ids: Vec<String> = merge_newest_first(versions, markers)
            .into_iter()
            .map(|v| v.version_id)
            .collect();
        assert_eq!(ids, ["a@7m", "a@5", "a@3m", "a@1", "b@9"]);
    }

    #[test]
    fn the_latest_wins_a_tie_in_time() {
        let versions = vec![v("a", 5, false, false)];
        let markers = vec![v("a", 5, true, true)];
        let first = &merge_newest_first(versions, markers)[0];
        assert!(first.delete_marker);
    }

    #[test]
    fn attachment_names_survive_quotes_and_unicode() {
        assert_eq!(
            attachment("a \"b\".txt"),
            "attachment; filename=\"a _b_.txt\"; filename*=UTF-8''a%20%22b%22%2Etxt"
        );
        assert!(attachment("é.pdf").contains("filename*=UTF-8''%C3%A9%2Epdf"));
    }
}
