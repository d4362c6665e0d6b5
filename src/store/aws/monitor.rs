//! The stall monitor: an SDK interceptor that records, for every request
//! in flight, its host, attempt and when the attempt was sent, so the status
//! bar can say "waiting for 127.0.0.1:9000 · 20 s · attempt 2/3" instead of
//! a silent spinner.

use super::super::{STALL_AFTER, Stall};
use aws_sdk_s3 as s3;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One request in flight, as the stall monitor sees it.
pub(super) struct InFlight {
    host: String,
    attempt: u32,
    sent: Option<Instant>,
}

/// Requests in flight across all of the store's clients, fed by
/// [`StallInterceptor`], sampled by [`Store::stalled`].
pub(super) struct Monitor {
    next: AtomicU64,
    max_attempts: u32,
    /// How long before a wait is worth showing: [`STALL_AFTER`], or half the
    /// read timeout when that is shorter, so a short timeout is seen too.
    after: std::time::Duration,
    requests: Mutex<HashMap<u64, InFlight>>,
}

impl Monitor {
    #[cfg(test)]
    pub(super) fn new(max_attempts: u32) -> Monitor {
        Monitor::with_timeout(max_attempts, STALL_AFTER * 2)
    }

    pub(super) fn with_timeout(max_attempts: u32, read_timeout: std::time::Duration) -> Monitor {
        Monitor {
            next: AtomicU64::new(1),
            max_attempts,
            after: STALL_AFTER.min(read_timeout / 2),
            requests: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn requests(&self) -> std::sync::MutexGuard<'_, HashMap<u64, InFlight>> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn begin(&self) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.requests().insert(
            id,
            InFlight {
                host: String::new(),
                attempt: 0,
                sent: None,
            },
        );
        id
    }

    pub(super) fn attempt(&self, id: u64, host: String) {
        if let Some(r) = self.requests().get_mut(&id) {
            r.host = host;
            r.attempt += 1;
            r.sent = Some(Instant::now());
        }
    }

    pub(super) fn end(&self, id: u64) {
        self.requests().remove(&id);
    }

    pub(super) fn stalled(&self, now: Instant) -> Option<Stall> {
        let requests = self.requests();
        let (r, waited) = requests
            .values()
            .filter_map(|r| Some((r, now.saturating_duration_since(r.sent?))))
            .max_by_key(|(_, waited)| *waited)?;
        (waited >= self.after).then(|| Stall {
            host: r.host.clone(),
            waited_secs: waited.as_secs(),
            attempt: r.attempt,
            max_attempts: self.max_attempts,
        })
    }
}

/// A request's place in the monitor, kept in the request's config bag: the
/// bag is dropped when the request ends in any way, cancellation included
/// (the runtime drops futures it no longer wants), so no entry outlives
/// its request.
#[derive(Debug)]
pub(super) struct Ticket {
    id: u64,
    monitor: std::sync::Weak<Monitor>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(m) = self.monitor.upgrade() {
            m.end(self.id);
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct TicketRef(Arc<Ticket>);

impl aws_smithy_types::config_bag::Storable for TicketRef {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Monitor").finish_non_exhaustive()
    }
}

/// Records when each attempt of each request goes on the wire and to which
/// host, so a server that accepts connections and never answers shows up
/// in the status bar as a wait instead of a frozen screen.
#[derive(Debug)]
pub(super) struct StallInterceptor(pub(super) Arc<Monitor>);

impl s3::config::Intercept for StallInterceptor {
    fn name(&self) -> &'static str {
        "pail-stall-monitor"
    }

    fn read_before_execution(
        &self,
        _ctx: &s3::config::interceptors::BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut s3::config::ConfigBag,
    ) -> Result<(), s3::error::BoxError> {
        let id = self.0.begin();
        cfg.interceptor_state()
            .store_put(TicketRef(Arc::new(Ticket {
                id,
                monitor: Arc::downgrade(&self.0),
            })));
        Ok(())
    }

    fn read_before_transmit(
        &self,
        ctx: &s3::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &s3::config::RuntimeComponents,
        cfg: &mut s3::config::ConfigBag,
    ) -> Result<(), s3::error::BoxError> {
        if let Some(t) = cfg.load::<TicketRef>() {
            let host = crate::store::endpoint::authority(ctx.request().uri()).unwrap_or_default();
            self.0.attempt(t.0.id, host);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        _ctx: &s3::config::interceptors::FinalizerInterceptorContextRef<'_>,
        _rc: &s3::config::RuntimeComponents,
        cfg: &mut s3::config::ConfigBag,
    ) -> Result<(), s3::error::BoxError> {
        if let Some(t) = cfg.load::<TicketRef>() {
            self.0.end(t.0.id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn monitor_reports_the_longest_wait() {
        assert_eq!(
            Monitor::with_timeout(2, std::time::Duration::from_secs(2)).after,
            std::time::Duration::from_secs(1)
        );
        let m = Monitor::new(3);
        let now = Instant::now();
        assert_eq!(m.stalled(now), None);
        let a = m.begin();
        // Not yet sent: nothing to wait for.
        assert_eq!(m.stalled(now + Duration::from_secs(10)), None);
        m.attempt(a, "127.0.0.1:9000".into());
        let b = m.begin();
        m.attempt(b, "other:1".into());
        let later = Instant::now() + Duration::from_secs(20);
        let s = m.stalled(later).unwrap();
        assert_eq!(
            (s.host.as_str(), s.attempt, s.max_attempts),
            ("127.0.0.1:9000", 1, 3)
        );
        assert!(s.waited_secs >= 19);
        assert_eq!(m.stalled(Instant::now() + Duration::from_millis(500)), None);
        m.attempt(a, "127.0.0.1:9000".into());
        m.end(b);
        assert_eq!(m.stalled(later).unwrap().attempt, 2);
        // A dropped ticket (a cancelled request) leaves nothing behind.
        let m = Arc::new(m);
        drop(Ticket {
            id: a,
            monitor: Arc::downgrade(&m),
        });
        assert_eq!(m.stalled(later), None);
    }
}
