//! Scenarios run against more than one server.

use super::*;
use pail::store::{ErrorKind, ListRequest, Store, StoreError};
use std::collections::BTreeSet;

/// Keys that break naive tools: every case named in the issue.
pub fn hostile_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "with space.txt",
        "plus+sign.txt",
        "percent%20literal.txt",
        "percent%.txt",
        "question?.txt",
        "hash#.txt",
        "amp&lt;<xml>'\".txt",
        "unicode/日本語/ファイル.txt",
        "emoji/🎉 party.txt",
        "/leading-slash.txt",
        "double//slash.txt",
        "../dotdot.txt",
        "a/../b.txt",
        "./dot.txt",
        "folder-marker/",
        "folder-marker/inside.txt",
        "x",
        "x/y",
        "ctrl/newline\nkey",
        "ctrl/esc\x1b[31mred",
        "ctrl/del\x7f",
        "ctrl/bell\x07",
        "ctrl/tab\tkey",
        "ctrl/cr\rkey",
        "bidi/\u{202e}fdp.exe",
        "zw/a\u{200b}b",
        "trailing-space ",
        "docs/a.txt",
        "docs-old/b.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    keys.push(format!("long/{}", "k".repeat(1024 - 5)));
    assert_eq!(keys.last().unwrap().len(), 1024);
    keys
}

pub async fn list_all(
    store: &dyn Store,
    bucket: &str,
    prefix: &str,
    delimiter: Option<&str>,
    page: i32,
) -> (Vec<String>, Vec<String>) {
    let mut req = ListRequest {
        delimiter: delimiter.map(str::to_owned),
        ..ListRequest::level(bucket, prefix, page)
    };
    let (mut prefixes, mut objects) = (Vec::new(), Vec::new());
    loop {
        let p = store.list_page(&req).await.expect("list page");
        prefixes.extend(p.prefixes);
        objects.extend(p.objects.into_iter().map(|o| o.key));
        match p.next {
            Some(t) => req.token = Some(t),
            None => break,
        }
    }
    (prefixes, objects)
}

/// Walks the tree the way the UI does: one delimiter listing per prefix.
pub async fn walk(store: &dyn Store, bucket: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo = vec![String::new()];
    while let Some(prefix) = todo.pop() {
        let (prefixes, objects) = list_all(store, bucket, &prefix, Some("/"), 1000).await;
        for p in prefixes {
            assert!(
                p.starts_with(&prefix) && p.len() > prefix.len(),
                "{p:?} under {prefix:?}"
            );
            todo.push(p);
        }
        for o in objects {
            assert!(o.starts_with(&prefix), "{o:?} under {prefix:?}");
            found.insert(o);
        }
    }
    found
}

/// Puts `keys`, then lists them flat and tree-wise and inspects each one.
pub async fn hostile_keys_round_trip(ep: &str, key: &str, secret: &str, b: &str, keys: &[String]) {
    let c = sdk(ep, "us-east-1", key, secret);
    create_bucket(&c, b).await;
    for k in keys {
        put(&c, b, k, b"1").await;
    }
    let store = store(ep, "us-east-1", key, secret).await;
    let expected: BTreeSet<String> = keys.iter().cloned().collect();
    let (_, flat) = list_all(&store, b, "", None, 1000).await;
    assert_eq!(
        flat.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "recursive listing"
    );
    assert_eq!(flat.len(), keys.len(), "no duplicates");
    assert_eq!(walk(&store, b).await, expected, "delimiter walk");
    for k in keys {
        let info = store
            .object_info(b, k)
            .await
            .unwrap_or_else(|e| panic!("head {k:?}: {e}"));
        assert_eq!(&info.key, k);
        assert_eq!(info.size, 1, "{k:?}");
    }
}

/// 2,500 keys in one prefix (plus a sub-prefix), listed with several page
/// sizes; returns the keys in order.
pub async fn paginates_2500_keys(ep: &str, key: &str, secret: &str, b: &str) -> Vec<String> {
    let c = sdk(ep, "us-east-1", key, secret);
    create_bucket(&c, b).await;
    let keys: Vec<String> = (0..2500).map(|i| format!("big/key-{i:05}")).collect();
    put_many(&c, b, keys.clone()).await;
    put(&c, b, "big/sub/z", b"1").await;
    let store = store(ep, "us-east-1", key, secret).await;
    for page in [1000, 333, 7] {
        let (prefixes, objects) = list_all(&store, b, "big/", Some("/"), page).await;
        assert_eq!(prefixes, ["big/sub/"], "page size {page}");
        assert_eq!(objects, keys, "page size {page}");
    }
    keys
}

/// Servers disagree on the code for bad credentials (SignatureDoesNotMatch,
/// AccessDenied, InvalidAccessKeyId): assert a 4xx and the auth category.
pub fn assert_auth_error(e: &StoreError) {
    assert!(e.status.is_some_and(|s| (400..500).contains(&s)), "{e:?}");
    assert!(
        matches!(
            e.kind,
            ErrorKind::SignatureMismatch | ErrorKind::AccessDenied | ErrorKind::Credentials
        ),
        "{e:?}"
    );
}

pub async fn enable_versioning(c: &aws_sdk_s3::Client, b: &str) {
    c.put_bucket_versioning()
        .bucket(b)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("enable versioning");
}
