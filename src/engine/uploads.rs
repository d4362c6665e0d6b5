//! Open multipart uploads: started, never completed or aborted. Their parts
//! cost storage and show in no listing of objects, so they are easy to
//! forget (a killed tool, a laptop that slept mid-upload). This lists them
//! under a prefix with what each holds so far, and aborts the ones chosen,
//! as a job like any other. An abort that finds the upload gone
//! (NoSuchUpload: completed or aborted meanwhile) is done, not failed.

use super::{Env, Outcome};
use crate::store::{OpenUpload, Store, StoreResult, UploadedParts};
use futures::StreamExt;

/// One open upload and, when ListParts answered, what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenRow {
    pub upload: OpenUpload,
    /// `Err` says why its parts could not be listed.
    pub parts: Result<UploadedParts, String>,
}

/// Parts listings in flight at once.
const LISTINGS: usize = 8;

/// Every open upload under `prefix`, oldest first, with its parts counted.
pub async fn list_open(store: &dyn Store, bucket: &str, prefix: &str) -> StoreResult<Vec<OpenRow>> {
    let mut uploads = store.open_uploads(bucket, prefix).await?;
    uploads.sort_by(|a, b| a.initiated.cmp(&b.initiated).then(a.key.cmp(&b.key)));
    let rows = futures::stream::iter(uploads)
        .map(|u| async move {
            let parts = store
                .uploaded_parts(bucket, &u.key, &u.upload_id)
                .await
                .map_err(|e| e.to_string());
            OpenRow { upload: u, parts }
        })
        .buffered(LISTINGS)
        .collect()
        .await;
    Ok(rows)
}

/// Aborts `uploads` ((key, upload id) pairs) in `bucket`; each is an item
/// named by its key.
pub async fn run(env: &Env, bucket: &str, uploads: Vec<(String, String)>) {
    for _ in &uploads {
        env.progress.found(0);
    }
    futures::stream::iter(uploads)
        .map(|(key, id)| async move {
            let _slot = env.lane.slot().await;
            if env.cancelled() {
                return env.progress.finish(&key, Outcome::Cancelled, 0);
            }
            let outcome = match env.store.abort_multipart(bucket, &key, &id).await {
                Ok(()) => Outcome::Done {
                    bytes: 0,
                    note: None,
                },
                // Completed or aborted meanwhile: it is not open any more.
                Err(e) if e.code.as_deref() == Some("NoSuchUpload") => Outcome::Done {
                    bytes: 0,
                    note: None,
                },
                Err(e) => Outcome::Failed(e.to_string()),
            };
            if matches!(outcome, Outcome::Done { .. }) {
                env.upload_ended(&id);
            }
            env.progress.finish(&key, outcome, 0);
        })
        .buffer_unordered(LISTINGS)
        .for_each(|_| async {})
        .await;
}

/// "3 open uploads · 24 parts · 120 MiB" for a listing.
pub fn totals(rows: &[OpenRow]) -> String {
    use crate::format::{count, human_size};
    let parts: u64 = rows
        .iter()
        .filter_map(|r| r.parts.as_ref().ok())
        .map(|p| p.parts)
        .sum();
    let bytes: u64 = rows
        .iter()
        .filter_map(|r| r.parts.as_ref().ok())
        .map(|p| p.bytes)
        .sum();
    format!(
        "{} · {} · {}",
        count(rows.len() as u64, "open upload", "open uploads"),
        count(parts, "part", "parts"),
        human_size(bytes)
    )
}
