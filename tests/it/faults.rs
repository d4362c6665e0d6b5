//! Faults no real S3 server produces on demand: an answer that is not HTTP,
//! a server that accepts connections and never answers, a closed port. A
//! few lines of tokio stand in for the server; the store under test is the
//! real one, so these check how pail classifies and reports what the SDK
//! sees.

use pail::store::aws::{AwsStore, ConnectOptions};
use pail::store::{ErrorKind, ListRequest, Store};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn store_at(endpoint: &str, read_timeout: Duration, attempts: u32) -> AwsStore {
    AwsStore::connect(ConnectOptions {
        endpoint_url: Some(endpoint.to_owned()),
        region: Some("us-east-1".into()),
        static_credentials: Some(("test".into(), "test".into())),
        read_timeout: Some(read_timeout),
        max_attempts: Some(attempts),
        ..Default::default()
    })
    .await
}

/// A server that reads each request and answers `reply`, then closes.
async fn answering(reply: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let _ = sock.read(&mut buf).await;
                let _ = sock.write_all(reply).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_malformed_answer_is_not_unreachable() {
    for reply in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n<xml/>"[..],
        &b"this is not HTTP at all\r\n\r\n"[..],
    ] {
        let ep = answering(reply).await;
        let store = store_at(&ep, Duration::from_secs(5), 1).await;
        let e = store
            .list_page(&ListRequest::level("b", "", 1000))
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::BadResponse, "{reply:?}: {e:?}");
        assert_eq!(e.url.as_deref(), Some(ep.as_str()));
        let x = pail::diagnose::explain(&e, &store.connection(), None);
        assert_eq!(x.title, "Unreadable answer from the server");
    }
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ep = format!("http://127.0.0.1:{port}");
    let store = store_at(&ep, Duration::from_secs(5), 1).await;
    let e = store
        .list_page(&ListRequest::level("b", "", 1000))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unreachable, "{e:?}");
    assert_eq!(e.url.as_deref(), Some(ep.as_str()));
}

#[tokio::test]
async fn a_silent_server_shows_the_wait_and_the_attempt() {
    // Accepts connections, reads, never answers; keeps the sockets open.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let ep = format!("http://{addr}");
    let store = std::sync::Arc::new(store_at(&ep, Duration::from_secs(3), 2).await);
    assert_eq!(store.stalled(), None);
    let started = Instant::now();
    let task = {
        let store = store.clone();
        tokio::spawn(async move { store.list_page(&ListRequest::level("b", "", 1000)).await })
    };
    let mut seen = Vec::new();
    while !task.is_finished() {
        if let Some(s) = store.stalled() {
            assert_eq!(s.host, addr.to_string());
            assert_eq!(s.max_attempts, 2);
            // Shown after half the 3 s read timeout (1.5 s): never sooner.
            assert!(s.waited_secs >= 1, "{s:?}");
            if seen.last() != Some(&s.attempt) {
                seen.push(s.attempt);
            }
            assert_eq!(
                s.describe(),
                format!(
                    "waiting for {addr} · {} s · attempt {}/2",
                    s.waited_secs, s.attempt
                )
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let e = task.await.unwrap().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{e:?}");
    assert_eq!(seen, [1, 2]);
    // Two 3 s attempts and a backoff; the bound only catches a hang.
    assert!(started.elapsed() < Duration::from_secs(30));
    // Finished requests leave nothing behind.
    assert_eq!(store.stalled(), None);
}

#[tokio::test]
async fn a_cancelled_request_stops_being_waited_for() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let store =
        std::sync::Arc::new(store_at(&format!("http://{addr}"), Duration::from_secs(30), 3).await);
    let task = {
        let store = store.clone();
        tokio::spawn(async move { store.list_page(&ListRequest::level("b", "", 1000)).await })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while store.stalled().is_none() {
        assert!(Instant::now() < deadline, "never reported as stalled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The runtime cancels a task by dropping it.
    task.abort();
    let _ = task.await;
    assert_eq!(store.stalled(), None);
}
