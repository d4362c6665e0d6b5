//! An object in one GET, hashed as it streams into the temp file. A body
//! that breaks off is resumed from the byte where it stopped, pinned to the
//! same ETag, so a flaky link costs only what was lost.

use super::failure::{Failure, classify, local_write};
use super::part_layout;
use super::sink::Sink;
use crate::engine::Env;
use crate::engine::retry::backoff;
use crate::engine::verify::{Check, StreamHasher, choose};
use crate::local::dest::Pending;
use crate::store::{GetRequest, ObjectHead, StoreError};
use futures::StreamExt;

/// What one-GET download learns from the first answer's headers.
struct Whole {
    head: Option<ObjectHead>,
    check: Check,
    hasher: Option<StreamHasher>,
    part: Option<u64>,
    verify: bool,
}

impl Whole {
    fn on_head(&mut self, head: &ObjectHead) {
        if self.head.is_some() {
            return;
        }
        self.check = if self.verify {
            choose(head, self.part)
        } else {
            Check::Unverifiable("verify = false".into())
        };
        self.hasher = self
            .check
            .algo()
            .map(|a| StreamHasher::new(a, self.check.part_size()));
        self.head = Some(head.clone());
    }
}

/// The object in one GET, hashed as it streams; a body that breaks off
/// after some bytes is resumed from there (pinned to the same ETag).
pub(super) async fn whole(
    env: &Env,
    req: &GetRequest,
    size: u64,
    pending: &Pending,
) -> Result<(Check, ObjectHead), Failure> {
    let mut st = Whole {
        head: None,
        check: Check::Unverifiable(String::new()),
        hasher: None,
        part: part_layout(env, req, req.if_match.as_deref(), size).await,
        verify: env.settings.verify,
    };
    let mut offset = 0u64;
    let mut tries = 0;
    loop {
        let mut r = req.clone();
        if let (true, Some(h)) = (offset > 0, &st.head) {
            r.range = Some((offset, h.object_size));
            r.if_match = h.etag.clone().or(r.if_match);
        }
        match stream_into(env, &r, pending, offset, &mut st).await {
            Ok(n) => {
                offset += n;
                break;
            }
            Err((n, e)) => {
                offset += n;
                tries += 1;
                // A cancel broke the body off: stop, do not resume.
                let f = if env.cancelled() {
                    Failure::Cancelled
                } else {
                    classify(e)
                };
                // Nothing arrived: the caller starts over with a new file.
                if tries > env.settings.retries || f.is_final() || offset == 0 {
                    env.progress.unmoved(offset);
                    return Err(f);
                }
                env.pause(backoff(tries)).await;
            }
        }
    }
    let head = st.head.unwrap_or_default();
    if offset != head.object_size {
        env.progress.unmoved(offset);
        return Err(Failure::Retry(format!(
            "truncated: {offset} of {} bytes arrived",
            head.object_size
        )));
    }
    if let Some(h) = st.hasher
        && let Err(why) = st.check.verify(&h.finish())
    {
        env.progress.unmoved(offset);
        return Err(Failure::Retry(format!("integrity check failed: {why}")));
    }
    Ok((st.check, head))
}

/// Streams one GET into the file at `offset`. Returns the bytes written,
/// with the error if the body broke off.
async fn stream_into(
    env: &Env,
    req: &GetRequest,
    pending: &Pending,
    offset: u64,
    st: &mut Whole,
) -> Result<u64, (u64, StoreError)> {
    let _slot = env.lane.slot().await;
    let (head, mut body) = tokio::select! {
        r = env.store.get_object(req) => r.map_err(|e| (0, e))?,
        _ = env.cancel.cancelled() => return Err((0, StoreError::cancelled())),
    };
    st.on_head(&head);
    let mut sink = Sink::new(pending.file(), offset).map_err(|e| (0, local_write(&e)))?;
    let mut written = 0u64;
    // A body that broke off is resumed after what arrived, so what arrived
    // must be in the file first; on cancel it does not matter.
    loop {
        let next = tokio::select! {
            n = tokio::time::timeout(env.settings.stall_timeout, body.next()) => n,
            _ = env.cancel.cancelled() => return Err((written, StoreError::cancelled())),
        };
        let chunk = match next {
            Ok(Some(Ok(c))) => c,
            Ok(None) => {
                sink.flush().await.map_err(|e| (written, e))?;
                return Ok(written);
            }
            Ok(Some(Err(e))) => {
                sink.flush().await.map_err(|e| (written, e))?;
                return Err((written, e));
            }
            Err(_) => {
                sink.flush().await.map_err(|e| (written, e))?;
                let mut e = StoreError::new(
                    crate::store::ErrorKind::Timeout,
                    format!("no data for {} s", env.settings.stall_timeout.as_secs()),
                );
                e.key = Some(req.key.clone());
                return Err((written, e));
            }
        };
        env.throttle(chunk.len() as u64).await;
        sink.write(chunk.clone()).await.map_err(|e| (written, e))?;
        if let Some(h) = st.hasher.as_mut() {
            h.update(&chunk);
        }
        written += chunk.len() as u64;
        env.progress.moved(chunk.len() as u64);
    }
}
