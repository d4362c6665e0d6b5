//! What ends one attempt at a download, and whether another could help.
//! A broken or stalled body or a 5xx is worth another try; a changed
//! object (412), a refusal, and every local write error (no space, a
//! read-only file system, no permission) are not: they would fail the same
//! way, so the item fails at once with the reason.

use crate::engine::retry::worth_retrying;
use crate::engine::say;
use crate::store::StoreError;

pub(in crate::engine) enum Failure {
    /// Trying again could help (a broken or stalled body, a 5xx).
    Retry(String),
    Final(String),
    /// The job was cancelled: the item ends as cancelled, not failed.
    Cancelled,
}

impl Failure {
    /// Whether another attempt is pointless.
    pub(in crate::engine) fn is_final(&self) -> bool {
        !matches!(self, Failure::Retry(_))
    }
}

pub(in crate::engine) fn classify(e: StoreError) -> Failure {
    if e.kind == crate::store::ErrorKind::Cancelled {
        return Failure::Cancelled;
    }
    if e.status == Some(412) {
        return Failure::Final(
            "the object changed since it was listed (its ETag is no longer the one planned)".into(),
        );
    }
    if worth_retrying(&e) {
        Failure::Retry(say(&e))
    } else {
        Failure::Final(say(&e))
    }
}

/// A write to the local file that failed: no space, a read-only file
/// system, no permission. Trying again would fail the same way.
pub(super) fn local_write(e: &std::io::Error) -> StoreError {
    StoreError::new(
        crate::store::ErrorKind::Local,
        format!("cannot write the file: {e}"),
    )
}
