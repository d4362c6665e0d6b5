//! `pail --demo`: an embedded S3 server (rustack, in memory) seeded with
//! sample data and version history, started before the UI. Its set-up
//! writes a snapshot into a temp dir, so a signal during set-up must still
//! remove that dir.

use super::say;
use crate::config;
use crate::store::aws::ConnectOptions;

/// Why the demo set-up stopped early.
pub enum DemoAbort {
    Failed(String),
    /// A signal: its number, for the 128 + n exit code.
    Signal(i32),
}

/// Starts the demo server (rustack, in memory) and seeds it, with a fresh
/// temp dir for the snapshot that backdates the versioned bucket's history;
/// the dir is removed once seeding is done. Ctrl-c, SIGTERM or SIGHUP while
/// this runs stop it and remove the temp dir: the terminal is not in raw
/// mode yet, so Ctrl-c arrives as SIGINT, and a TempDir is only removed
/// when it is dropped.
pub async fn start_demo(
    config: &config::Config,
) -> Result<(crate::demo::VersionedServer, ConnectOptions), DemoAbort> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut signals = Vec::new();
    for (kind, n) in [
        (SignalKind::interrupt(), 2),
        (SignalKind::terminate(), 15),
        (SignalKind::hangup(), 1),
    ] {
        let s = signal(kind)
            .map_err(|e| DemoAbort::Failed(format!("cannot watch for signals: {e}")))?;
        signals.push((s, n));
    }
    let dir = tempfile::Builder::new()
        .prefix("pail-demo-")
        .tempdir()
        .map_err(|e| DemoAbort::Failed(format!("cannot create demo dir: {e}")))?;
    let scratch = dir.path().to_owned();
    let seeding = async move {
        let server = crate::demo::serve_versioned()
            .await
            .map_err(|e| format!("cannot start demo server: {e}"))?;
        say(format!(
            "seeding the demo server at {} …",
            server.endpoint()
        ));
        let n = crate::demo::seed_versioned(&server, &scratch)
            .await
            .map_err(|e| format!("cannot seed demo server: {e}"))?;
        tracing::info!(objects = n, "demo seeded");
        Ok::<_, String>(server)
    };
    tokio::pin!(seeding);
    let mut any_signal = futures::future::select_all(
        signals
            .iter_mut()
            .map(|(s, n)| Box::pin(async move { s.recv().await.map(|_| *n) })),
    );
    // A signal during seeding lets the seeding step finish (a fraction of
    // a second) before the dir goes: the snapshot export writes its files
    // from blocking tasks that dropping the future would not stop, and one
    // landing after the removal would recreate the dir.
    let server = tokio::select! {
        r = &mut seeding => r,
        (n, _, _) = &mut any_signal => {
            let n = n.unwrap_or(15);
            tracing::info!(signal = n, "demo set-up interrupted");
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), seeding).await;
            remove_dir(dir).await;
            return Err(DemoAbort::Signal(n));
        }
    };
    // Lets the start-up tests signal pail while it is still setting up,
    // with the seeded snapshot files in the temp dir (`test-hooks` builds
    // only: scripts/test.sh).
    #[cfg(feature = "test-hooks")]
    if std::env::var_os("PAIL_TEST_HOLD_DEMO_SETUP").is_some() {
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
            (n, _, _) = &mut any_signal => {
                remove_dir(dir).await;
                return Err(DemoAbort::Signal(n.unwrap_or(15)));
            }
        }
    }
    remove_dir(dir).await;
    let server = server.map_err(DemoAbort::Failed)?;
    let opts = ConnectOptions {
        endpoint_url: Some(server.endpoint()),
        endpoint_source: Some("--demo".into()),
        region: Some(crate::demo::DEMO_REGION.into()),
        static_credentials: Some((
            crate::demo::DEMO_ACCESS_KEY.into(),
            crate::demo::DEMO_SECRET_KEY.into(),
        )),
        read_timeout: Some(std::time::Duration::from_secs(config.s3.read_timeout_secs)),
        max_attempts: Some(config.s3.max_attempts),
        ..Default::default()
    };
    Ok((server, opts))
}

/// Removes the demo dir, again after a moment if a file write that was
/// already under way when seeding stopped recreated part of it.
async fn remove_dir(dir: tempfile::TempDir) {
    let path = dir.path().to_owned();
    drop(dir);
    for _ in 0..20 {
        if !path.exists() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let _ = std::fs::remove_dir_all(&path);
    }
}
