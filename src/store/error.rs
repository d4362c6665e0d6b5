//! What a failed store call says, in our words: its kind (decided from
//! the error's structure, store/aws/errors.rs) and what diagnosis needs
//! (the code and message as the server gave them, status, bucket and key,
//! the URL, clock skew, request id, region hint, operation).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    AccessDenied,
    SignatureMismatch,
    ExpiredToken,
    NoSuchBucket,
    NoSuchKey,
    NotFound,
    Redirect,
    Unreachable,
    Timeout,
    /// The server answered, but not with HTTP the SDK could read (a
    /// malformed header, garbage, a TLS/HTTP mix-up): something is there,
    /// it is just not speaking S3.
    BadResponse,
    Credentials,
    NotImplemented,
    /// A conditional request's condition did not hold (412): for a write
    /// with `If-None-Match: *`, the key exists now.
    PreconditionFailed,
    /// A local file could not be read or written (no space, read-only,
    /// permission denied): not a network fault, never retried.
    Local,
    /// The object is archived (GLACIER, DEEP_ARCHIVE, an archive tier):
    /// S3 refuses to read it (403 InvalidObjectState) until a restore.
    Archived,
    /// The work was cancelled before an answer came (pail's own doing,
    /// never the server's).
    Cancelled,
    Other,
}

/// An S3 failure in our words, with what diagnosis needs. Server-provided
/// text (`code`, `message`) is untrusted and must be cleaned before display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    pub kind: ErrorKind,
    pub code: Option<String>,
    pub message: String,
    pub status: Option<u16>,
    pub bucket: Option<String>,
    pub key: Option<String>,
    /// The URL we tried to reach, for network failures.
    pub url: Option<String>,
    /// Server clock minus ours, in seconds, when the response carried a Date.
    pub skew_secs: Option<i32>,
    pub request_id: Option<String>,
    /// Region the server says the bucket lives in (redirects).
    pub region_hint: Option<String>,
    /// The S3 operation that failed ("GetObject"), for why-denied.
    pub operation: Option<&'static str>,
}

impl StoreError {
    /// Whether explaining this failure helps more than its one line: the
    /// identity, a signature, the clock, credentials or the endpoint are
    /// wrong, and every other request will fail the same way.
    pub fn is_telling(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::AccessDenied
                | ErrorKind::SignatureMismatch
                | ErrorKind::ExpiredToken
                | ErrorKind::Credentials
                | ErrorKind::Unreachable
                | ErrorKind::Redirect
        ) || self.skew_secs.is_some_and(|s| s.abs() >= 300)
    }

    /// The answer to work that was cancelled.
    pub fn cancelled() -> Self {
        StoreError::new(ErrorKind::Cancelled, "cancelled")
    }

    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StoreError {
            kind,
            code: None,
            message: message.into(),
            status: None,
            bucket: None,
            key: None,
            url: None,
            skew_secs: None,
            request_id: None,
            region_hint: None,
            operation: None,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{code}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for StoreError {}
