//! Domain types for object versions and presigned links: what the versions
//! panel, the deleted-objects view, the rollback planner and the share popup
//! ask of a [`Store`](super::Store). Versions come a page at a time in the
//! order S3 lists them (by key, newest first within a key), and that order is
//! kept: two writes in the same second are told apart by it, not by time.

use super::ObjectRef;

/// One version or delete marker, as ListObjectVersions reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectVersion {
    pub key: String,
    /// `"null"` for objects written before versioning was enabled (or while
    /// it was suspended).
    pub version_id: String,
    pub is_latest: bool,
    pub delete_marker: bool,
    pub size: u64,
    /// Seconds since the epoch.
    pub modified: Option<i64>,
    pub etag: Option<String>,
    pub storage_class: Option<String>,
}

impl ObjectVersion {
    pub fn object(&self, bucket: &str) -> ObjectRef {
        ObjectRef {
            bucket: bucket.to_owned(),
            key: self.key.clone(),
            version_id: Some(self.version_id.clone()),
            etag: None,
        }
    }

    /// Archived versions must be restored (a RestoreObject request and
    /// hours of waiting) before they can be read or copied.
    pub fn archived(&self) -> bool {
        matches!(
            self.storage_class.as_deref(),
            Some("GLACIER" | "DEEP_ARCHIVE")
        )
    }
}

/// One ListObjectVersions request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionsRequest {
    pub bucket: String,
    pub prefix: String,
    /// `Some("/")` for one tree level, `None` for everything under `prefix`.
    pub delimiter: Option<String>,
    /// Where the previous page stopped (NextKeyMarker, NextVersionIdMarker).
    pub key_marker: Option<String>,
    pub version_marker: Option<String>,
    pub page_size: Option<i32>,
}

impl VersionsRequest {
    /// Every version under `prefix`, at any depth.
    pub fn under(bucket: &str, prefix: &str) -> VersionsRequest {
        VersionsRequest {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            ..VersionsRequest::default()
        }
    }

    /// One level of the tree: CommonPrefixes and the versions of its keys.
    pub fn level(bucket: &str, prefix: &str) -> VersionsRequest {
        VersionsRequest {
            delimiter: Some("/".to_owned()),
            ..VersionsRequest::under(bucket, prefix)
        }
    }
}

/// One page of ListObjectVersions, keys URL-decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionsPage {
    pub versions: Vec<ObjectVersion>,
    pub prefixes: Vec<String>,
    /// (key marker, version-id marker) of the next page; `None` on the last.
    pub next: Option<(String, Option<String>)>,
}

impl VersionsRequest {
    /// The request for the page after `page`, if there is one.
    pub fn after(&self, page: &VersionsPage) -> Option<VersionsRequest> {
        let (key, version) = page.next.clone()?;
        Some(VersionsRequest {
            key_marker: Some(key),
            version_marker: version,
            ..self.clone()
        })
    }
}

/// SigV4's limit: a presigned URL lives at most seven days.
pub const MAX_LINK_SECS: u64 = 7 * 24 * 3600;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LinkMethod {
    /// Download the object.
    #[default]
    Get,
    /// Upload to the key (overwriting it, or creating it).
    Put,
}

impl LinkMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkMethod::Get => "GET",
            LinkMethod::Put => "PUT",
        }
    }
}

/// What to presign.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresignRequest {
    /// The object; a version id makes a GET link for that version.
    pub object: ObjectRef,
    pub method: LinkMethod,
    pub expires_secs: u64,
    /// GET: answer with `Content-Disposition: attachment; filename=…`.
    pub attachment: Option<String>,
    /// PUT: the Content-Type the uploader must send (it is signed).
    pub content_type: Option<String>,
}

/// A presigned request, ready to hand over.
#[derive(Clone, PartialEq, Eq)]
pub struct Presigned {
    pub url: String,
    pub method: LinkMethod,
    /// Headers the signature covers besides `host`: the client must send
    /// exactly these (a PUT link's Content-Type).
    pub headers: Vec<(String, String)>,
    /// When the signature stops being accepted (seconds since the epoch).
    pub expires_at: i64,
    /// When the credentials that signed it expire, if they are temporary
    /// and say so: the link dies with them, whatever its own expiry.
    pub credentials_expire: Option<i64>,
    /// The region the link is signed for.
    pub region: String,
}

/// The URL is a bearer credential: never in a Debug dump (logs, panics).
impl std::fmt::Debug for Presigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presigned")
            .field("url", &crate::logging::redact(&self.url))
            .field("method", &self.method)
            .field("expires_at", &self.expires_at)
            .field("credentials_expire", &self.credentials_expire)
            .field("region", &self.region)
            .finish()
    }
}

impl Presigned {
    /// When the link really stops working: its own expiry, or the
    /// credentials' if they go first.
    pub fn works_until(&self) -> i64 {
        match self.credentials_expire {
            Some(c) => c.min(self.expires_at),
            None => self.expires_at,
        }
    }
}

/// One tree level's deleted keys and folders, gathered from the pages of
/// ListObjectVersions with delimiter `/`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeletedLevel {
    /// Keys whose latest is a delete marker: `modified` is when the marker
    /// was put, `size` the size of the newest version under it (0 if none).
    pub keys: Vec<ObjectVersion>,
    /// Every CommonPrefix of the versions listing; those the live listing
    /// lacks hold nothing current, only deleted keys.
    pub prefixes: Vec<String>,
    /// Whether the key last seen still wants its newest version's size.
    wants_size: bool,
}

impl DeletedLevel {
    /// Takes in one page (pages in order; a key's rows may span two).
    pub fn absorb(&mut self, page: VersionsPage) {
        self.prefixes.extend(page.prefixes);
        for v in page.versions {
            if v.is_latest {
                self.wants_size = v.delete_marker;
                if v.delete_marker {
                    self.keys.push(ObjectVersion { size: 0, ..v });
                }
            } else if self.wants_size
                && !v.delete_marker
                && let Some(last) = self.keys.last_mut()
                && last.key == v.key
            {
                last.size = v.size;
                last.storage_class = v.storage_class;
                self.wants_size = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(key: &str, latest: bool, marker: bool, size: u64) -> ObjectVersion {
        ObjectVersion {
            key: key.into(),
            version_id: format!("{key}{size}"),
            is_latest: latest,
            delete_marker: marker,
            size,
            modified: Some(1),
            etag: None,
            storage_class: None,
        }
    }

    #[test]
    fn deleted_keys_across_pages_keep_their_newest_size() {
        let mut d = DeletedLevel::default();
        d.absorb(VersionsPage {
            versions: vec![v("a", true, false, 5), v("b", true, true, 0)],
            prefixes: vec!["p/".into()],
            next: Some(("b".into(), None)),
        });
        d.absorb(VersionsPage {
            versions: vec![
                v("b", false, false, 7),
                v("b", false, false, 3),
                v("c", true, true, 0),
            ],
            prefixes: vec![],
            next: None,
        });
        let keys: Vec<(&str, u64)> = d.keys.iter().map(|k| (k.key.as_str(), k.size)).collect();
        assert_eq!(keys, [("b", 7), ("c", 0)]);
        assert_eq!(d.prefixes, ["p/"]);
    }
}

/// A presigned POST (a browser form upload): the policy S3 checks the
/// form against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostRequest {
    pub bucket: String,
    /// The key, or with `prefix` the start every key must have (the form
    /// then names the key `prefix${filename}`).
    pub key: String,
    pub prefix: bool,
    pub expires_secs: u64,
    /// content-length-range: at most this many bytes.
    pub max_bytes: Option<u64>,
    /// The Content-Type the form must send (exact).
    pub content_type: Option<String>,
}

/// A presigned POST: where the form goes and its fields, in order (the
/// file goes last).
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedPost {
    pub url: String,
    pub fields: Vec<(String, String)>,
    pub expires_at: i64,
    pub region: String,
}

/// The signature is a bearer credential: never in a Debug dump.
impl std::fmt::Debug for PresignedPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PresignedPost")
            .field("url", &self.url)
            .field(
                "fields",
                &self.fields.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
