//! Retrying what the SDK's own retries cannot: a body that breaks off or
//! stalls halfway, a corrupted part. Backoff doubles with full jitter, so
//! parallel parts that failed together do not come back together.

use super::Env;
use crate::store::{ErrorKind, StoreError, StoreResult};
use std::time::Duration;

/// Wait before attempt `n` (1 = first retry): up to 200 ms × 2ⁿ⁻¹, capped
/// at 5 s, at a random point in the upper half.
pub fn backoff(n: u32) -> Duration {
    let cap = (200u64 << n.saturating_sub(1).min(10)).min(5_000);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    // A cheap spread; it only has to differ between parts.
    let jitter = (nanos.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33) % (cap / 2 + 1);
    Duration::from_millis(cap / 2 + jitter)
}

/// Whether trying again could help (the SDK already retried the request
/// itself; these are what is left: broken bodies, stalls, 5xx, resets).
pub fn worth_retrying(e: &StoreError) -> bool {
    match e.kind {
        ErrorKind::BadResponse | ErrorKind::Timeout | ErrorKind::Unreachable => true,
        ErrorKind::Other => e.status.is_none_or(|s| s >= 500),
        _ => false,
    }
}

/// Why a retried call gave up.
#[derive(Debug)]
pub(super) enum Stop {
    Cancelled,
    Failed(Box<StoreError>),
}

impl Stop {
    pub fn failed(e: StoreError) -> Stop {
        Stop::Failed(Box::new(e))
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Cancelled => write!(f, "cancelled"),
            Stop::Failed(e) => write!(f, "{e}"),
        }
    }
}

/// Runs `op` with the job's retries for what the SDK did not retry.
pub(super) async fn retried<T, F, Fut>(env: &Env, op: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = StoreResult<T>>,
{
    retried_stop(env, op).await.map_err(|s| s.to_string())
}

/// [`retried`], keeping the store's error (a 412 means something else
/// than a 500) and telling a cancel apart.
pub(super) async fn retried_stop<T, F, Fut>(env: &Env, mut op: F) -> Result<T, Stop>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = StoreResult<T>>,
{
    let mut tries = 0;
    loop {
        let r = tokio::select! {
            r = op() => r,
            _ = env.cancel.cancelled() => return Err(Stop::Cancelled),
        };
        match r {
            Ok(v) => return Ok(v),
            Err(e) if tries < env.settings.retries && worth_retrying(&e) => {
                tries += 1;
                // A cancel ends the wait; the next round returns "cancelled".
                env.pause(backoff(tries)).await;
                if env.cancelled() {
                    return Err(Stop::Cancelled);
                }
            }
            Err(e) => return Err(Stop::failed(e)),
        }
    }
}

/// [`retried_stop`] for a request a cancel must not cut off half-way:
/// CreateMultipartUpload starts an upload on the server whose id only its
/// answer carries, and an upload whose id was never read cannot be
/// aborted (it stays, billed, until a lifecycle rule removes it). The
/// request is short; a cancel is seen once it answered, and the caller
/// then aborts what it started.
pub(super) async fn retried_uncut<T, F, Fut>(env: &Env, mut op: F) -> Result<T, Stop>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = StoreResult<T>>,
{
    let mut tries = 0;
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(_) if env.cancelled() => return Err(Stop::Cancelled),
            Err(e) if tries < env.settings.retries && worth_retrying(&e) => {
                tries += 1;
                env.pause(backoff(tries)).await;
            }
            Err(e) => return Err(Stop::failed(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for n in 1..20 {
            let b = backoff(n);
            let cap = (200u64 << (n - 1).min(10)).min(5_000);
            assert!(b >= Duration::from_millis(cap / 2) && b <= Duration::from_millis(cap));
        }
    }

    #[test]
    fn only_transient_failures_are_retried() {
        let mut e = StoreError::new(ErrorKind::Other, "x");
        e.status = Some(503);
        assert!(worth_retrying(&e));
        e.status = Some(412);
        assert!(!worth_retrying(&e));
        assert!(!worth_retrying(&StoreError::new(
            ErrorKind::AccessDenied,
            "x"
        )));
        assert!(worth_retrying(&StoreError::new(
            ErrorKind::BadResponse,
            "x"
        )));
    }
}
