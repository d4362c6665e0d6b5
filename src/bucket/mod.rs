//! Buckets as things to make and remove (part 6): S3's naming rules and
//! the guide's hint, the creation checklist run step by step, the
//! lifecycle templates, what deleting a bucket needs first (that it be
//! empty), and the card's fixes to its settings with their diff and the
//! history an undo reads. No UI types: `pail mb`/`pail rb` and the TUI's `N`/`X` on a
//! bucket drive the same code.

pub mod cors;
pub mod create;
pub mod diff;
pub mod fix;
pub mod history;
pub mod names;
pub mod templates;

pub use create::{Checklist, Done, create};

use crate::store::{ListRequest, Store, StoreResult, VersionsRequest};

/// What still holds a bucket: `None` when it is empty (no object, no
/// version or delete marker), else what was found first, in words.
pub async fn contents(store: &dyn Store, bucket: &str) -> StoreResult<Option<String>> {
    let page = store
        .list_page(&ListRequest {
            bucket: bucket.to_owned(),
            prefix: String::new(),
            delimiter: None,
            token: None,
            page_size: Some(1),
        })
        .await?;
    if let Some(o) = page.objects.first() {
        return Ok(Some(format!("objects (the first: {})", o.key)));
    }
    let versions = store
        .list_versions(&VersionsRequest {
            bucket: bucket.to_owned(),
            prefix: String::new(),
            delimiter: None,
            key_marker: None,
            version_marker: None,
            page_size: Some(1),
        })
        .await;
    match versions {
        Ok(v) => Ok(v
            .versions
            .first()
            .map(|v| format!("old versions or delete markers (the first: {})", v.key))),
        // A server without versioning has no versions to hold it.
        Err(e) if e.kind == crate::store::ErrorKind::NotImplemented => Ok(None),
        Err(e) => Err(e),
    }
}
