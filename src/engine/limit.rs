//! `bandwidth_limit`: one token bucket for every job, refilled at the
//! configured rate. Transfers take tokens per chunk or part before moving
//! it, so the limit holds across jobs and parallel parts alike.

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limiter {
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl Limiter {
    pub fn new(bytes_per_sec: u64) -> Limiter {
        Limiter {
            rate: bytes_per_sec.max(1) as f64,
            state: Mutex::new((0.0, Instant::now())),
        }
    }

    /// How long to wait before moving `n` bytes (0 when allowed now);
    /// the bytes are booked either way, so waiters queue up fairly.
    pub fn book(&self, n: u64, now: Instant) -> Duration {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (level, last) = *st;
        // Up to one second of burst is kept in the bucket.
        let refilled =
            (level + now.saturating_duration_since(last).as_secs_f64() * self.rate).min(self.rate);
        let after = refilled - n as f64;
        *st = (after, now);
        if after >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-after / self.rate)
        }
    }

    /// Gives back `n` bytes booked but never moved (a transfer cancelled
    /// while it waited), so the jobs sharing the limit do not wait for them.
    pub fn refund(&self, n: u64) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.0 = (st.0 + n as f64).min(self.rate);
    }

    pub async fn take(&self, n: u64) {
        let wait = self.book(n, Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_kept_over_time() {
        // t0 before the limiter's own clock starts, so no refill happens
        // between the two (any nanosecond of it would show in the waits).
        let t0 = Instant::now();
        let l = Limiter::new(1000);
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        // The bucket starts empty: 500 bytes wait half a second.
        assert!((ms(l.book(500, t0)) - 500.0).abs() < 1.0);
        // Another 500 at the same instant queue behind them.
        assert!((ms(l.book(500, t0)) - 1000.0).abs() < 1.0);
        // Two seconds later the debt is paid and a second of burst is back.
        assert_eq!(l.book(1000, t0 + Duration::from_secs(3)), Duration::ZERO);
    }

    #[test]
    fn refunded_bytes_are_not_waited_for() {
        let t0 = Instant::now();
        let l = Limiter::new(1000);
        assert_eq!(l.book(500, t0), Duration::from_millis(500));
        assert_eq!(l.book(2000, t0), Duration::from_millis(2500));
        // The 2000 were cancelled: the next booking waits as if they never were.
        l.refund(2000);
        assert_eq!(l.book(500, t0), Duration::from_secs(1));
    }
}
