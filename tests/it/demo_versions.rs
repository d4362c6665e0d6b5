//! The `pail --demo` server (rustack, in-process, checking signatures) as
//! seeded for the demo: the versioned bucket's history is there, backdated;
//! a presigned link to an old version serves that version's bytes to a
//! plain HTTP client, and a tampered one is refused; the two ways to undo
//! (copy an old version back, remove a delete marker) work; and the demo
//! data set lists through pail's Store as it did on s3s-fs.

use crate::common::scenarios::*;
use crate::common::*;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::BucketVersioningStatus;
use chrono::{Local, TimeZone};
use pail::demo::{DEMO_ACCESS_KEY, DEMO_REGION, DEMO_SECRET_KEY, HISTORY_BUCKET};
use pail::store::Store;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn seeded() -> pail::demo::VersionedServer {
    let scratch = tempfile::tempdir().unwrap();
    let s = pail::demo::serve_versioned().await.unwrap();
    let t = Instant::now();
    let n = pail::demo::seed_versioned(&s, scratch.path())
        .await
        .unwrap();
    eprintln!("seeded {n} versions in {:?}", t.elapsed());
    assert!(n > 3000, "{n}");
    s
}

fn client(s: &pail::demo::VersionedServer) -> aws_sdk_s3::Client {
    sdk(&s.endpoint(), DEMO_REGION, DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
}

/// One entry of ListObjectVersions: (version id, is delete marker, is
/// latest, last modified in seconds).
type Entry = (String, bool, bool, i64);

async fn history(c: &aws_sdk_s3::Client, prefix: &str) -> BTreeMap<String, Vec<Entry>> {
    let out = c
        .list_object_versions()
        .bucket(HISTORY_BUCKET)
        .prefix(prefix)
        .send()
        .await
        .unwrap();
    assert_eq!(out.is_truncated(), Some(false));
    let mut by_key: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for v in out.versions() {
        by_key.entry(v.key().unwrap().into()).or_default().push((
            v.version_id().unwrap().into(),
            false,
            v.is_latest().unwrap(),
            v.last_modified().unwrap().secs(),
        ));
    }
    for m in out.delete_markers() {
        by_key.entry(m.key().unwrap().into()).or_default().push((
            m.version_id().unwrap().into(),
            true,
            m.is_latest().unwrap(),
            m.last_modified().unwrap().secs(),
        ));
    }
    // Newest first, as S3 lists them.
    by_key.values_mut().for_each(|v| v.sort_by_key(|e| -e.3));
    by_key
}

#[tokio::test]
async fn the_versioned_bucket_has_a_backdated_history() {
    let s = seeded().await;
    let c = client(&s);
    let v = c
        .get_bucket_versioning()
        .bucket(HISTORY_BUCKET)
        .send()
        .await
        .unwrap();
    assert_eq!(v.status(), Some(&BucketVersioningStatus::Enabled));

    let h = history(&c, "").await;
    let shape = |k: &str| -> Vec<bool> { h[k].iter().map(|e| e.1).collect() };
    let latest = |k: &str| h[k].iter().filter(|e| e.2).count();
    for k in h.keys() {
        assert_eq!(latest(k), 1, "{k}: one latest");
        assert!(h[k][0].2, "{k}: the newest is the latest");
    }
    assert_eq!(shape("index.html"), [false; 4], "overwritten three times");
    assert_eq!(shape("config/settings.json"), [false; 3]);
    assert_eq!(shape("robots.txt"), [false, true, false], "recreated");
    assert_eq!(shape("assets/banner-2025.svg"), [true, false], "deleted");
    assert_eq!(shape("report.txt"), [false; 3]);
    assert_eq!(shape("report.txt.bak"), [true, false, false]);
    let readme: Vec<&str> = h["README.txt"].iter().map(|e| e.0.as_str()).collect();
    assert_eq!(readme.len(), 2);
    assert_eq!(readme[1], "null", "put before versioning was enabled");

    // The 2026 blog folder: every key's latest is a delete marker made
    // yesterday; 2025 and the index are untouched.
    let blog: Vec<&String> = h.keys().filter(|k| k.starts_with("blog/2026/")).collect();
    assert_eq!(blog.len(), 4, "{blog:?}");
    let yesterday = Local::now().date_naive() - chrono::Days::new(1);
    for k in blog {
        assert!(h[k][0].1, "{k}: deleted");
        let at = Local.timestamp_opt(h[k][0].3, 0).unwrap().date_naive();
        assert_eq!(at, yesterday, "{k}: deleted yesterday");
    }
    assert!(!h["blog/2025/12-year-in-review.md"][0].1);
    let oldest = h.values().flatten().map(|e| e.3).min().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(now - oldest > 20 * 86_400, "history spans three weeks");

    // A prefix that is a whole key also matches its longer sibling.
    let r = history(&c, "report.txt").await;
    assert_eq!(
        r.keys().collect::<Vec<_>>(),
        ["report.txt", "report.txt.bak"]
    );

    // Browsing sees only what is alive: blog/2026/ is gone from the tree.
    let store = store(&s.endpoint(), DEMO_REGION, DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let (prefixes, objects) = list_all(&store, HISTORY_BUCKET, "blog/", Some("/"), 1000).await;
    assert_eq!(prefixes, ["blog/2025/"]);
    assert_eq!(objects, ["blog/index.md"]);
    let (_, top) = list_all(&store, HISTORY_BUCKET, "", Some("/"), 1000).await;
    assert!(!top.contains(&"assets/banner-2025.svg".to_owned()));
    assert!(top.contains(&"robots.txt".to_owned()));
}

/// GET `url` with a bare HTTP/1.1 request: the status code and body.
async fn plain_get(url: &str) -> (u16, Vec<u8>) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), tcp.read_to_end(&mut raw))
        .await
        .unwrap()
        .unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    (status, raw[split + 4..].to_vec())
}

#[tokio::test]
async fn a_presigned_link_serves_an_old_version_and_a_tampered_one_is_refused() {
    let s = seeded().await;
    let c = client(&s);
    let h = history(&c, "index.html").await;
    let first = &h["index.html"].last().unwrap().0;
    let url = c
        .get_object()
        .bucket(HISTORY_BUCKET)
        .key("index.html")
        .version_id(first)
        .presigned(PresigningConfig::expires_in(Duration::from_secs(300)).unwrap())
        .await
        .unwrap()
        .uri()
        .to_owned();
    let (status, body) = plain_get(&url).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(body, b"<h1>Acme</h1>\n<p>Coming soon.</p>\n");

    // One character of the signature changed.
    let sig = url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut bad = url.clone().into_bytes();
    bad[sig] = if bad[sig] == b'0' { b'1' } else { b'0' };
    let (status, body) = plain_get(&String::from_utf8(bad).unwrap()).await;
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    // No signature at all.
    let (status, _) = plain_get(&format!("{}/{HISTORY_BUCKET}/index.html", s.endpoint())).await;
    assert_eq!(status, 403);
    // Signed with the wrong secret.
    let wrong = sdk(
        &s.endpoint(),
        DEMO_REGION,
        DEMO_ACCESS_KEY,
        "not-the-secret",
    );
    let store = store(
        &s.endpoint(),
        DEMO_REGION,
        DEMO_ACCESS_KEY,
        "not-the-secret",
    )
    .await;
    assert!(wrong.list_buckets().send().await.is_err());
    assert_auth_error(&store.list_buckets().await.unwrap_err());
}

#[tokio::test]
async fn the_demo_data_set_lists_as_it_did_on_s3s_fs() {
    let s = seeded().await;
    let store = store(&s.endpoint(), DEMO_REGION, DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let names: Vec<String> = store
        .list_buckets()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(
        names,
        [
            "acme-app-uploads",
            "acme-backups",
            "acme-datalake",
            "acme-doc-assistant",
            HISTORY_BUCKET,
            "empty-bucket",
            "odd-keys"
        ]
    );
    // Keys with control characters come back as they were put
    // (EncodingType=url, encoded by the bridge).
    let odd = walk(&store, "odd-keys").await;
    assert_eq!(odd.len(), 11);
    assert!(odd.contains("newline\nin-key.txt"));
    assert!(odd.contains("escape-\x1b[31mred\x1b[0m.txt"));
    let i = store
        .object_info("odd-keys", "tab\tand-bell\x07.txt")
        .await
        .unwrap();
    let meta: BTreeMap<_, _> = i.metadata.into_iter().collect();
    assert_eq!(meta["note"], "value with \x1b[2J escape");
    assert_eq!(
        i.tags,
        [("danger".to_owned(), "\u{202e}txt.exe".to_owned())],
        "{:?}",
        i.tags_error
    );
    let big = store
        .object_info("acme-datalake", "curated/exports/full-2026-10.parquet")
        .await
        .unwrap();
    assert_eq!(big.size, 24 << 20);
    let (_, all) = list_all(&store, "acme-app-uploads", "", None, 1000).await;
    assert_eq!(all.len(), (0..240).map(|u| 4 + u % 7).sum::<usize>());
}

#[tokio::test]
async fn hostile_keys_round_trip_on_rustack() {
    let s = pail::demo::serve_versioned().await.unwrap();
    let keys = hostile_keys();
    hostile_keys_round_trip(
        &s.endpoint(),
        DEMO_ACCESS_KEY,
        DEMO_SECRET_KEY,
        "hostile",
        &keys,
    )
    .await;
    // One DeleteObjects for the XML-safe ones (`&`, `<`, `\n`, a trailing
    // space...), one DeleteObject each for the rest: none is left over.
    let store = store(&s.endpoint(), DEMO_REGION, DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let failures = store.delete_objects("hostile", &keys).await.unwrap();
    assert!(failures.is_empty(), "{failures:?}");
    let (_, left) = list_all(&store, "hostile", "", None, 1000).await;
    assert_eq!(left, Vec::<String>::new());
    paginates_2500_keys(&s.endpoint(), DEMO_ACCESS_KEY, DEMO_SECRET_KEY, "pages").await;
}

/// The two ways to undo: copy an old version over the current one, or
/// delete the delete marker (DeleteObject with its versionId).
#[tokio::test]
async fn old_versions_restore_by_copy_and_deleted_keys_by_removing_the_marker() {
    let s = seeded().await;
    let c = client(&s);
    let h = history(&c, "").await;
    let first = &h["index.html"].last().unwrap().0;
    c.copy_object()
        .bucket(HISTORY_BUCKET)
        .key("index.html")
        .copy_source(format!("{HISTORY_BUCKET}/index.html?versionId={first}"))
        .send()
        .await
        .unwrap();
    let body = c
        .get_object()
        .bucket(HISTORY_BUCKET)
        .key("index.html")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    assert_eq!(&body[..], b"<h1>Acme</h1>\n<p>Coming soon.</p>\n");
    assert_eq!(history(&c, "index.html").await["index.html"].len(), 5);

    for (key, versions) in h.iter().filter(|(k, _)| k.starts_with("blog/2026/")) {
        c.delete_object()
            .bucket(HISTORY_BUCKET)
            .key(key)
            .version_id(&versions[0].0)
            .send()
            .await
            .unwrap();
    }
    let store = store(&s.endpoint(), DEMO_REGION, DEMO_ACCESS_KEY, DEMO_SECRET_KEY).await;
    let (prefixes, _) = list_all(&store, HISTORY_BUCKET, "blog/", Some("/"), 1000).await;
    assert_eq!(prefixes, ["blog/2025/", "blog/2026/"], "the folder is back");
}
