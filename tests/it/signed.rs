//! Integration tests against a server that checks SigV4 signatures: s3s-fs,
//! in-process (`common::s3s_fs::serve`; `pail --demo` itself runs rustack, see
//! tests/demo_versions.rs). It needs no setup, so these always run. Also
//! the faults only a server we control can produce: a refused connection,
//! and a server that dies in the middle of a listing.

use crate::common::scenarios::*;
use crate::common::*;
use pail::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use pail::store::{ErrorKind, ListRequest, Store};
use std::time::Duration;

async fn server() -> (crate::common::s3s_fs::DemoServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let s = crate::common::s3s_fs::serve(dir.path()).await.unwrap();
    (s, dir)
}

fn req(bucket: &str, prefix: &str, page: i32) -> ListRequest {
    ListRequest::level(bucket, prefix, page)
}

#[tokio::test]
async fn right_credentials_browse() {
    let (s, _dir) = server().await;
    let c = sdk(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    create_bucket(&c, "signed").await;
    put(&c, "signed", "docs/a.txt", b"hello").await;
    let store = store(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let names: Vec<String> = store
        .list_buckets()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, ["signed"]);
    let p = store.list_page(&req("signed", "", 1000)).await.unwrap();
    assert_eq!(p.prefixes, ["docs/"]);
    let i = store.object_info("signed", "docs/a.txt").await.unwrap();
    assert_eq!(i.size, 5);
    let src = store.credential_source().await.unwrap();
    assert_eq!(src.provider, "static");
}

#[tokio::test]
async fn wrong_secret_is_a_readable_auth_error() {
    let (s, _dir) = server().await;
    let c = sdk(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    create_bucket(&c, "locked").await;
    let store = store(
        &s.endpoint(),
        "us-east-1",
        DEMO_ACCESS_KEY,
        "not-the-secret",
    )
    .await;
    let e = store.list_buckets().await.unwrap_err();
    assert_auth_error(&e);
    let x = pail::diagnose::explain(&e, &store.connection(), None);
    let text = format!("{}\n{}", x.summary, x.hints.join("\n"));
    assert!(text.contains("Identity used"), "{text}");
    assert!(
        !text.contains("not-the-secret"),
        "secret must never be shown"
    );
    let e = store.list_page(&req("locked", "", 1000)).await.unwrap_err();
    assert!(e.status.is_some_and(|s| (400..500).contains(&s)), "{e:?}");
}

#[tokio::test]
async fn unknown_access_key_is_refused() {
    let (s, _dir) = server().await;
    let store = store(
        &s.endpoint(),
        "us-east-1",
        "AKIANOTAREALKEY00000",
        DEMO_SECRET_KEY,
    )
    .await;
    let e = store.list_buckets().await.unwrap_err();
    assert!(e.status.is_some_and(|s| (400..500).contains(&s)), "{e:?}");
}

#[tokio::test]
async fn control_character_keys_round_trip() {
    let (s, _dir) = server().await;
    let c = sdk(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    create_bucket(&c, "ctrl").await;
    let keys = [
        "newline\nkey",
        "esc\x1b[31mred",
        "osc\x1b]52;c;aGk=\x07",
        "tab\tkey",
        "del\x7f",
        "bidi\u{202e}fdp.exe",
        "plus+space %25.txt",
    ];
    for k in keys {
        put(&c, "ctrl", k, b"1").await;
    }
    let store = store(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let p = store.list_page(&req("ctrl", "", 1000)).await.unwrap();
    let mut got: Vec<String> = p.objects.into_iter().map(|o| o.key).collect();
    got.sort();
    let mut want: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    for k in keys {
        assert_eq!(store.object_info("ctrl", k).await.unwrap().key, k);
    }
}

#[tokio::test]
async fn unreachable_endpoint_names_the_url() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ep = format!("http://127.0.0.1:{port}");
    let store = store(&ep, "us-east-1", "k", "s").await;
    let e = store.list_buckets().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unreachable, "{e:?}");
    assert_eq!(e.url.as_deref(), Some(ep.as_str()));
    let x = pail::diagnose::explain(&e, &store.connection(), None);
    assert!(x.hints[0].contains(&ep), "{:?}", x.hints);
}

#[tokio::test]
async fn server_dying_mid_listing_ends_with_an_error_not_a_hang() {
    let (s, _dir) = server().await;
    let c = sdk(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    create_bucket(&c, "dying").await;
    put_many(&c, "dying", (0..60).map(|i| format!("k{i:03}")).collect()).await;
    let store = store(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let first = store.list_page(&req("dying", "", 10)).await.unwrap();
    assert_eq!(first.objects.len(), 10);
    s.kill();
    let mut next = req("dying", "", 10);
    next.token = first.next;
    let e = tokio::time::timeout(Duration::from_secs(60), store.list_page(&next))
        .await
        .expect("a dead server must produce an error, not a hang")
        .unwrap_err();
    assert!(
        matches!(
            e.kind,
            ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::Other
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn paginates_with_signed_continuation_tokens() {
    let (s, _dir) = server().await;
    let c = sdk(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY);
    create_bucket(&c, "pages").await;
    let keys: Vec<String> = (0..2500).map(|i| format!("big/key-{i:05}")).collect();
    put_many(&c, "pages", keys.clone()).await;
    let store = store(&s.endpoint(), "us-east-1", DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    for page in [1000, 250] {
        let mut r = req("pages", "big/", page);
        let mut got = Vec::new();
        let mut pages = 0;
        loop {
            let p = store.list_page(&r).await.unwrap();
            pages += 1;
            got.extend(p.objects.into_iter().map(|o| o.key));
            match p.next {
                Some(t) => r.token = Some(t),
                None => break,
            }
        }
        assert_eq!(got, keys, "page size {page}");
        assert_eq!(pages, 2500 / page as usize + usize::from(2500 % page != 0));
    }
}
