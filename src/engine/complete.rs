//! Finishing a multipart upload (or copy) honestly. CompleteMultipartUpload
//! is the one call whose failure is ambiguous: a reply that cannot be read
//! (moto 5.2.1 wraps it in an element the SDK does not know; a connection
//! can break after the server acted) may well mean the object is there.
//! So such a failure is never taken at its word: the key is looked at
//! first, and an upload that may have completed is never aborted.

use super::Env;
use super::retry::{Stop, backoff};
use crate::store::{ErrorKind, GetRequest, Part, PutRequest, StoreError};

/// A multipart upload that did not end well; `maybe_completed` when its
/// CompleteMultipartUpload may have gone through (it is not aborted then).
pub(super) struct NotCompleted {
    pub stop: Stop,
    pub maybe_completed: bool,
}

impl From<Stop> for NotCompleted {
    fn from(stop: Stop) -> NotCompleted {
        NotCompleted {
            stop,
            maybe_completed: false,
        }
    }
}

/// CompleteMultipartUpload, without giving up on an answer that says
/// nothing: a reply that cannot be read (moto 5.2.1 wraps it in an element
/// the SDK does not know; a connection can break after the server acted)
/// may well mean the object is there. Then the key is looked at (HEAD):
/// an object of the upload's size whose ETag counts its parts is this
/// upload, done. An upload that may have completed is never aborted.
pub(super) async fn complete(
    env: &Env,
    req: &PutRequest,
    upload_id: &str,
    parts: &[Part],
    size: u64,
) -> Result<(), NotCompleted> {
    let mut tries = 0;
    loop {
        // Not cancellable: a cancel dropping it half-way would leave the
        // outcome unknown; it is one short request.
        let e = match env.store.complete_multipart(req, upload_id, parts).await {
            // S3 always names the new object's ETag; an answer without
            // one was not read (an HTML page from a proxy parses as an
            // empty success).
            Ok(w) if w.etag.is_some() => return Ok(()),
            Ok(_) => {
                let mut e = StoreError::new(
                    ErrorKind::BadResponse,
                    "the server answered HTTP 200, but not with CompleteMultipartUpload's result",
                );
                e.status = Some(200);
                e
            }
            Err(e) => e,
        };
        let ambiguous = matches!(
            e.kind,
            ErrorKind::BadResponse | ErrorKind::Timeout | ErrorKind::Unreachable
        ) || e.status.is_some_and(|s| s >= 500 || s == 200)
            || (tries > 0 && e.code.as_deref() == Some("NoSuchUpload"));
        if !ambiguous {
            return Err(Stop::failed(e).into());
        }
        match landed(env, req, size, parts.len()).await {
            Landed::Yes => return Ok(()),
            Landed::Unknown(why) if tries >= env.settings.retries => {
                return Err(NotCompleted {
                    stop: Stop::failed(unreadable(&e, &why)),
                    maybe_completed: true,
                });
            }
            Landed::No(why) if tries >= env.settings.retries || env.cancelled() => {
                return Err(Stop::failed(unreadable(&e, &why)).into());
            }
            _ => {}
        }
        tries += 1;
        env.pause(backoff(tries)).await;
    }
}

enum Landed {
    Yes,
    /// The key does not hold this upload (in words).
    No(String),
    /// Could not look.
    Unknown(String),
}

/// Whether the key holds the upload: its size, and an ETag of as many
/// parts (`"…-N"`) where the server gives one.
async fn landed(env: &Env, req: &PutRequest, size: u64, parts: usize) -> Landed {
    let head = env
        .store
        .head_object(&GetRequest {
            bucket: req.bucket.clone(),
            key: req.key.clone(),
            ..GetRequest::default()
        })
        .await;
    match head {
        Ok(h) => {
            let etag_parts = h
                .etag
                .as_deref()
                .and_then(|e| e.trim_matches('"').rsplit_once('-'))
                .and_then(|(_, n)| n.parse::<usize>().ok());
            if h.object_size == size && etag_parts.is_none_or(|n| n == parts) {
                Landed::Yes
            } else {
                Landed::No(format!(
                    "the key holds another object ({} bytes, ETag {})",
                    h.object_size,
                    h.etag.as_deref().unwrap_or("none")
                ))
            }
        }
        Err(e) if matches!(e.kind, ErrorKind::NoSuchKey | ErrorKind::NotFound) => {
            Landed::No("the key is not there".into())
        }
        Err(e) => Landed::Unknown(format!("looking at the key failed: {e}")),
    }
}

fn unreadable(e: &StoreError, why: &str) -> StoreError {
    let mut out = e.clone();
    out.message = format!(
        "CompleteMultipartUpload's answer could not be used ({}); {why}",
        e.message
    );
    out
}

/// The end of a multipart upload, however it went: one that did not
/// complete is aborted (not cancellable, without a slot: nothing may be
/// left behind), unless it may have completed; the journal's note goes
/// once the upload is settled either way.
pub(super) async fn finish(
    env: &Env,
    req: &PutRequest,
    upload_id: &str,
    result: Result<(), NotCompleted>,
) -> Result<(), Stop> {
    match &result {
        Ok(()) => env.upload_ended(upload_id),
        // Left in the journal: the next start aborts it if it is open.
        Err(e) if e.maybe_completed => {}
        Err(_) => match env
            .store
            .abort_multipart(&req.bucket, &req.key, upload_id)
            .await
        {
            Ok(()) => env.upload_ended(upload_id),
            Err(e) => tracing::warn!(error = %e, "abort of a multipart upload failed"),
        },
    }
    result.map_err(|e| e.stop)
}
