//! Ctrl-C, SIGTERM and SIGHUP during `pail cp/mv/rm`. A batch killed
//! mid-transfer would leave open multipart uploads (billed storage nobody
//! sees) and temp files beside its downloads, so a signal is a cancel
//! request, the same one the TUI sends: the engine stops at its next safe
//! point, aborts its uploads and drops its temp files, and only then does
//! pail exit, with 128 + the signal's number as shells report it (130,
//! 143, 129).

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use tokio_util::sync::CancellationToken;

/// The signals a batch command answers, with their numbers.
const WATCHED: [(i32, &str); 3] = [
    (libc::SIGINT, "interrupted"),
    (libc::SIGTERM, "terminated"),
    (libc::SIGHUP, "hung up"),
];

/// Watches for the signals; every job's cancel token is a child of
/// [`Signals::token`].
pub struct Signals {
    token: CancellationToken,
    which: Arc<AtomicI32>,
}

impl Signals {
    /// Starts watching (inside the runtime). `say` is told once, at the
    /// first signal, that pail is cleaning up.
    pub fn install(say: impl Fn(&str) + Send + Sync + 'static) -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        let token = CancellationToken::new();
        let which = Arc::new(AtomicI32::new(0));
        let say = Arc::new(say);
        for (n, word) in WATCHED {
            let mut s = signal(SignalKind::from_raw(n))?;
            let (token, which, say) = (token.clone(), which.clone(), say.clone());
            tokio::spawn(async move {
                while s.recv().await.is_some() {
                    // The first signal decides the exit code; later ones
                    // change nothing while the cleanup runs.
                    if which
                        .compare_exchange(0, n, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok()
                    {
                        tracing::info!(signal = n, "batch command {word}");
                        say(&format!(
                            "{word}: stopping, aborting open uploads and removing temp files…"
                        ));
                        token.cancel();
                    }
                }
            });
        }
        Ok(Signals { token, which })
    }

    /// Cancelled at the first signal.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    /// The exit code the signal asks for, once one arrived.
    pub fn exit_code(&self) -> Option<i32> {
        match self.which.load(Ordering::SeqCst) {
            0 => None,
            n => Some(128 + n),
        }
    }

    /// Runs `f` unless a signal arrives first (nothing to clean up yet).
    pub async fn unless_signalled<T>(&self, f: impl std::future::Future<Output = T>) -> Option<T> {
        tokio::select! {
            v = f => Some(v),
            _ = self.token.cancelled() => None,
        }
    }
}
