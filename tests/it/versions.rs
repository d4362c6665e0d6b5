//! Presigned links, versions, undelete and rollback against real servers.
//! Links are fetched with curl, as the person they are handed to would:
//! radosgw and s3s-fs check signatures (so a tampered or expired link must
//! be refused), moto holds a bucket in a second region. Versions, undelete
//! and rollback run on moto and radosgw (s3s-fs has no versioning), and are
//! checked by re-reading every key from the server.

use crate::common::engine::*;
use pail::engine::Spec;
use pail::engine::history::Step;
use pail::plan::rollback::{self, Change};
use pail::store::{
    DeletedLevel, LinkMethod, ObjectRef, ObjectVersion, PresignRequest, Presigned, Store,
    VersionsRequest,
};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// (HTTP status, body) of a GET with curl.
fn curl_get(url: &str) -> (u16, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("body");
    let o = Command::new("curl")
        .args(["-s", "-o"])
        .arg(&out)
        .args(["-w", "%{http_code}", url])
        .output()
        .expect("curl");
    let code = String::from_utf8_lossy(&o.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    (code, std::fs::read(&out).unwrap_or_default())
}

async fn presign(s: &Server, obj: ObjectRef, method: LinkMethod, secs: u64) -> Presigned {
    s.store
        .presign(&PresignRequest {
            object: obj,
            method,
            expires_secs: secs,
            attachment: None,
            content_type: (method == LinkMethod::Put).then(|| "text/csv".to_owned()),
        })
        .await
        .unwrap_or_else(|e| panic!("{}: presign: {e}", s.name))
}

const ODD_KEYS: [&str; 4] = [
    "links/plain.txt",
    "links/with space+plus%pct.txt",
    "links/ünïcødé 日本.txt",
    "links/a&b=c?d#e.txt",
];

async fn get_links_fetch_the_bytes(s: &Server) {
    let b = s.bucket("links").await;
    for (i, k) in ODD_KEYS.iter().enumerate() {
        let body = data(1000 + i, i as u64);
        s.put(&b, k, &body).await;
        let p = presign(s, ObjectRef::new(&b, k), LinkMethod::Get, 300).await;
        let (code, got) = curl_get(&p.url);
        assert_eq!(
            code,
            200,
            "{}: {k:?}: {}",
            s.name,
            String::from_utf8_lossy(&got)
        );
        assert_eq!(got, body, "{}: {k:?}", s.name);
        assert!(
            p.headers.is_empty(),
            "a GET link needs no headers: {:?}",
            p.headers
        );
    }
    // A tampered signature, and a tampered key, are refused.
    let p = presign(s, ObjectRef::new(&b, ODD_KEYS[0]), LinkMethod::Get, 300).await;
    let (before, after) = p.url.split_once("X-Amz-Signature=").unwrap();
    let flipped = match after.as_bytes()[0] {
        b'0' => '1',
        _ => '0',
    };
    let bad = format!("{before}X-Amz-Signature={flipped}{}", &after[1..]);
    assert_eq!(curl_get(&bad).0, 403, "{}: tampered signature", s.name);
    let bad = p.url.replace("X-Amz-Expires=300", "X-Amz-Expires=301");
    assert_eq!(curl_get(&bad).0, 403, "{}: tampered expiry", s.name);
    let bad = p.url.replace("plain.txt", "plain.tx");
    assert_ne!(curl_get(&bad).0, 200, "{}: tampered key", s.name);
    // An expired link is refused.
    let p = presign(s, ObjectRef::new(&b, ODD_KEYS[0]), LinkMethod::Get, 1).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(curl_get(&p.url).0, 403, "{}: expired link", s.name);
}
on_servers!(get_links_fetch_the_bytes: radosgw, s3s);

/// The curl command the share popup copies, run as the uploader would.
async fn put_links_store_the_file_and_type(s: &Server) {
    let b = s.bucket("putlinks").await;
    let key = "incoming/report 2026+q3.csv";
    let p = presign(s, ObjectRef::new(&b, key), LinkMethod::Put, 300).await;
    assert!(
        p.headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("content-type") && v == "text/csv"),
        "{:?}",
        p.headers
    );
    let dir = tempfile::tempdir().unwrap();
    let body = data(70_000, 9);
    std::fs::write(dir.path().join("report 2026+q3.csv"), &body).unwrap();
    let link = pail::app::share::Link {
        object: ObjectRef::new(&b, key),
        presigned: p,
    };
    let cmd = pail::app::share::curl(&link);
    assert!(
        cmd.starts_with("curl -f -T 'report 2026+q3.csv' -H 'content-type: text/csv' '"),
        "{cmd}"
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(&cmd)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}: {cmd}: {}",
        s.name,
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(s.get(&b, key).await, body, "{}", s.name);
    let head = s
        .sdk
        .head_object()
        .bucket(&b)
        .key(key)
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("text/csv"), "{}", s.name);
    // Another Content-Type than the signed one is refused.
    let o = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-T"])
        .arg(dir.path().join("report 2026+q3.csv"))
        .args(["-H", "Content-Type: text/html", &link.presigned.url])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "403", "{}", s.name);
}
on_servers!(put_links_store_the_file_and_type: radosgw, s3s);

/// A bucket in another region is signed for that region.
#[tokio::test]
async fn a_bucket_in_another_region_is_signed_there() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let sdk = crate::common::moto_sdk(&ep);
    let b = crate::common::bucket("eu-links");
    sdk.create_bucket()
        .bucket(&b)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    crate::common::put(&sdk, &b, "k.txt", b"eu").await;
    let store = crate::common::store(&ep, "us-east-1", "testing", "testing").await;
    let p = store
        .presign(&PresignRequest {
            object: ObjectRef::new(&b, "k.txt"),
            method: LinkMethod::Get,
            expires_secs: 600,
            ..PresignRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(p.region, "eu-west-1");
    assert!(
        p.url.contains("%2Feu-west-1%2Fs3%2Faws4_request"),
        "{}",
        p.url
    );
    assert_eq!(curl_get(&p.url), (200, b"eu".to_vec()));
    // Over seven days is refused before anything is signed.
    let e = store
        .presign(&PresignRequest {
            object: ObjectRef::new(&b, "k.txt"),
            expires_secs: 7 * 86_400 + 1,
            ..PresignRequest::default()
        })
        .await
        .unwrap_err();
    assert!(e.message.contains("7 days"), "{e}");
    // The URL is a credential: never in a Debug dump.
    let dump = format!("{p:?}");
    let sig = p.url.split("X-Amz-Signature=").nth(1).unwrap();
    assert!(!dump.contains(sig), "{dump}");
}

async fn enable_versioning(s: &Server, b: &str, status: aws_sdk_s3::types::BucketVersioningStatus) {
    s.sdk
        .put_bucket_versioning()
        .bucket(b)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(status)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{}: versioning: {}",
                s.name,
                aws_sdk_s3::error::DisplayErrorContext(&e)
            )
        });
}

async fn versioned_bucket(s: &Server, name: &str) -> String {
    let b = s.bucket(name).await;
    enable_versioning(s, &b, aws_sdk_s3::types::BucketVersioningStatus::Enabled).await;
    b
}

/// Every version of exactly `key`, page by page, as the versions panel reads it.
async fn versions_of(
    s: &Server,
    b: &str,
    key: &str,
    page: Option<i32>,
) -> (Vec<ObjectVersion>, u32) {
    let mut req = VersionsRequest::under(b, key);
    req.page_size = page;
    let mut out = Vec::new();
    let mut pages = 0;
    loop {
        let p = s.store.list_versions(&req).await.unwrap();
        pages += 1;
        let next = req.after(&p);
        out.extend(p.versions.into_iter().filter(|v| v.key == key));
        match next {
            Some(n) => req = n,
            None => return (out, pages),
        }
    }
}

async fn put_meta(s: &Server, b: &str, key: &str, body: &[u8], meta: &str) -> String {
    let out = s
        .sdk
        .put_object()
        .bucket(b)
        .key(key)
        .metadata("note", meta)
        .content_type("text/plain")
        .body(body.to_vec().into())
        .send()
        .await
        .unwrap();
    out.version_id().unwrap_or("null").to_owned()
}

async fn current(s: &Server, b: &str, key: &str) -> Option<(Vec<u8>, Option<String>)> {
    let out = s.sdk.get_object().bucket(b).key(key).send().await.ok()?;
    let note = out.metadata().and_then(|m| m.get("note").cloned());
    Some((
        out.body.collect().await.unwrap().into_bytes().to_vec(),
        note,
    ))
}

async fn history(s: &Server, b: &str, steps: Vec<Step>) -> Run {
    let env = s.env(settings());
    run(
        &env,
        Spec::History {
            bucket: b.into(),
            steps,
        },
    )
    .await
}

async fn many_versions_page_by_both_markers(s: &Server) {
    let b = versioned_bucket(s, "many").await;
    for i in 0..1200 {
        put_meta(s, &b, "a.txt", format!("v{i}").as_bytes(), "x").await;
        if i % 400 == 0 {
            put_meta(s, &b, "a.txt.bak", b"sibling", "x").await;
        }
    }
    // Pages of 500 split the key's versions across three requests: the next
    // page starts at a key marker and a version-id marker inside the key.
    let (rows, pages) = versions_of(s, &b, "a.txt", Some(500)).await;
    assert_eq!(rows.len(), 1200, "{}", s.name);
    assert!(pages >= 3, "{}: {pages} pages", s.name);
    assert!(
        rows[0].is_latest && rows.iter().skip(1).all(|v| !v.is_latest),
        "{}",
        s.name
    );
    let ids: std::collections::BTreeSet<&str> =
        rows.iter().map(|v| v.version_id.as_str()).collect();
    assert_eq!(
        ids.len(),
        1200,
        "{}: repeated versions across pages",
        s.name
    );
    assert!(
        rows.windows(2).all(|w| w[0].modified >= w[1].modified),
        "{}: newest first",
        s.name
    );
    assert_eq!(current(s, &b, "a.txt").await.unwrap().0, b"v1199");
}
on_servers!(many_versions_page_by_both_markers: moto, radosgw);

async fn restore_undelete_and_purge(s: &Server) {
    let b = versioned_bucket(s, "restore").await;
    let v1 = put_meta(s, &b, "doc.txt", b"first", "one").await;
    let v2 = put_meta(s, &b, "doc.txt", b"second", "two").await;
    put_meta(s, &b, "doc.txt.bak", b"sibling", "bak").await;
    // Restore v1: content and metadata come back as a new latest version.
    let r = history(
        s,
        &b,
        vec![Step::Restore {
            key: "doc.txt".into(),
            version_id: v1.clone(),
            size: 5,
            storage_class: None,
        }],
    )
    .await;
    r.assert_done(1);
    assert_eq!(
        current(s, &b, "doc.txt").await,
        Some((b"first".to_vec(), Some("one".into())))
    );
    let (rows, _) = versions_of(s, &b, "doc.txt", None).await;
    assert_eq!(rows.len(), 3, "{}: {rows:?}", s.name);
    assert!(rows.iter().any(|v| v.version_id == v2), "{}", s.name);
    // Delete (a marker), then undelete exactly that marker.
    s.sdk
        .delete_object()
        .bucket(&b)
        .key("doc.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(current(s, &b, "doc.txt").await, None);
    let (rows, _) = versions_of(s, &b, "doc.txt", None).await;
    let plan = rollback::plan_undelete(&b, "doc.txt", &rows, true);
    assert_eq!(plan.changes(), 1, "{}: {plan:?}", s.name);
    history(s, &b, plan.steps()).await.assert_done(1);
    assert_eq!(
        current(s, &b, "doc.txt").await,
        Some((b"first".to_vec(), Some("one".into())))
    );
    let (after, _) = versions_of(s, &b, "doc.txt", None).await;
    assert_eq!(
        after.len(),
        3,
        "{}: the marker and nothing else went: {after:?}",
        s.name
    );
    assert!(after.iter().all(|v| !v.delete_marker), "{}", s.name);
    // The sibling was never touched.
    assert_eq!(current(s, &b, "doc.txt.bak").await.unwrap().0, b"sibling");
    // Remove v2 for good: gone from the history, the rest unchanged.
    history(
        s,
        &b,
        vec![Step::Purge {
            key: "doc.txt".into(),
            version_id: v2.clone(),
            size: 6,
        }],
    )
    .await
    .assert_done(1);
    let (after, _) = versions_of(s, &b, "doc.txt", None).await;
    assert_eq!(after.len(), 2, "{}", s.name);
    assert!(after.iter().all(|v| v.version_id != v2), "{}", s.name);
}
on_servers!(restore_undelete_and_purge: moto, radosgw);

async fn null_versions_and_suspended_buckets(s: &Server) {
    let b = s.bucket("nullv").await;
    put_meta(s, &b, "old.txt", b"before versioning", "pre").await;
    let info = s.store.bucket_info(&b).await.unwrap();
    assert_eq!(
        info.versioning,
        Ok(pail::store::Versioning::NeverEnabled),
        "{}",
        s.name
    );
    enable_versioning(s, &b, aws_sdk_s3::types::BucketVersioningStatus::Enabled).await;
    put_meta(s, &b, "old.txt", b"after", "post").await;
    let (rows, _) = versions_of(s, &b, "old.txt", None).await;
    assert_eq!(rows.len(), 2, "{}", s.name);
    assert_eq!(rows[1].version_id, "null", "{}: {rows:?}", s.name);
    history(
        s,
        &b,
        vec![Step::Restore {
            key: "old.txt".into(),
            version_id: "null".into(),
            size: 17,
            storage_class: None,
        }],
    )
    .await
    .assert_done(1);
    assert_eq!(
        current(s, &b, "old.txt").await,
        Some((b"before versioning".to_vec(), Some("pre".into())))
    );
    enable_versioning(s, &b, aws_sdk_s3::types::BucketVersioningStatus::Suspended).await;
    let info = s.store.bucket_info(&b).await.unwrap();
    assert_eq!(
        info.versioning,
        Ok(pail::store::Versioning::Suspended),
        "{}",
        s.name
    );
    // A rollback on a Suspended bucket blocks every write it would make.
    let (rows, _) = rollback::list_all(&*s.store, &b, "", None, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let plan = rollback::plan(&b, "", &rows, 0, true);
    assert!(
        plan.keys
            .iter()
            .all(|k| matches!(k.change, Change::Blocked(_))),
        "{plan:?}"
    );
}
on_servers!(null_versions_and_suspended_buckets: moto, radosgw);

async fn deleted_keys_and_folders_per_level(s: &Server) {
    let b = versioned_bucket(s, "hidden").await;
    for k in [
        "live.txt",
        "gone.txt",
        "blog/a.md",
        "blog/b.md",
        "mixed/keep.md",
        "mixed/drop.md",
    ] {
        put_meta(s, &b, k, k.as_bytes(), "x").await;
    }
    for k in ["gone.txt", "blog/a.md", "blog/b.md", "mixed/drop.md"] {
        s.sdk
            .delete_object()
            .bucket(&b)
            .key(k)
            .send()
            .await
            .unwrap();
    }
    let level = |prefix: &'static str| {
        let b = b.clone();
        async move {
            let mut d = DeletedLevel::default();
            let mut req = Some(VersionsRequest::level(&b, prefix));
            while let Some(r) = req {
                let p = s.store.list_versions(&r).await.unwrap();
                req = r.after(&p);
                d.absorb(p);
            }
            d
        }
    };
    let root = level("").await;
    let keys: Vec<(&str, u64)> = root.keys.iter().map(|k| (k.key.as_str(), k.size)).collect();
    assert_eq!(keys, [("gone.txt", 8)], "{}", s.name);
    assert_eq!(root.prefixes, ["blog/", "mixed/"], "{}", s.name);
    // The live listing has mixed/ but not blog/: blog/ shows as deleted.
    let live = s.keys(&b, "").await;
    assert!(live.iter().all(|k| !k.starts_with("blog/")), "{live:?}");
    let mixed = level("mixed/").await;
    let keys: Vec<&str> = mixed.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["mixed/drop.md"], "{}", s.name);
    // U on blog/: both keys come back, mixed/ untouched.
    let (rows, _) = rollback::list_all(
        &*s.store,
        &b,
        "blog/",
        None,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    let plan = rollback::plan_undelete(&b, "blog/", &rows, false);
    assert_eq!(plan.changes(), 2);
    history(s, &b, plan.steps()).await.assert_done(2);
    assert_eq!(current(s, &b, "blog/a.md").await.unwrap().0, b"blog/a.md");
    assert_eq!(current(s, &b, "blog/b.md").await.unwrap().0, b"blog/b.md");
    assert_eq!(current(s, &b, "mixed/drop.md").await, None);
}
on_servers!(deleted_keys_and_folders_per_level: moto, radosgw);

/// Every key under `prefix` and its bytes, read back from the server.
async fn state(s: &Server, b: &str, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for k in s.keys(b, prefix).await {
        out.insert(k.clone(), s.get(b, &k).await);
    }
    out
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Waits into the next whole second, so writes before and after a moment
/// have different LastModified seconds.
async fn next_second() {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(Duration::from_millis(1000 - u64::from(ms) + 50)).await;
}

async fn plan_at(s: &Server, b: &str, prefix: &str, at: i64) -> rollback::RollbackPlan {
    rollback::plan_rollback(
        &*s.store,
        b,
        prefix,
        at,
        false,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap()
}

async fn rollback_and_forward_again(s: &Server) {
    let b = versioned_bucket(s, "rollback").await;
    let p = "site/";
    // Before T: created, overwritten twice in one second, deleted-and-kept.
    put_meta(s, &b, "site/index.html", b"index v1", "x").await;
    put_meta(s, &b, "site/same-second.txt", b"first write", "x").await;
    put_meta(s, &b, "site/same-second.txt", b"second write", "x").await;
    put_meta(s, &b, "site/gone-before.txt", b"old", "x").await;
    s.sdk
        .delete_object()
        .bucket(&b)
        .key("site/gone-before.txt")
        .send()
        .await
        .unwrap();
    put_meta(s, &b, "site/deleted-after.txt", b"keep me", "x").await;
    put_meta(s, &b, "site/recreated.txt", b"original", "x").await;
    put_meta(s, &b, "site-old/untouched.txt", b"sibling prefix", "x").await;
    next_second().await;
    let at = now();
    let expected = state(s, &b, p).await;
    next_second().await;
    // After T: overwrite, delete, delete + recreate, new keys.
    put_meta(s, &b, "site/index.html", b"index v2", "x").await;
    s.sdk
        .delete_object()
        .bucket(&b)
        .key("site/deleted-after.txt")
        .send()
        .await
        .unwrap();
    s.sdk
        .delete_object()
        .bucket(&b)
        .key("site/recreated.txt")
        .send()
        .await
        .unwrap();
    // A delete and a write in one second cannot be ordered (S3 lists them
    // apart; moto has whole seconds): the plan would block the key.
    next_second().await;
    put_meta(s, &b, "site/recreated.txt", b"recreated", "x").await;
    put_meta(s, &b, "site/new.txt", b"new after T", "x").await;
    put_meta(s, &b, "site/new-then-gone.txt", b"short-lived", "x").await;
    s.sdk
        .delete_object()
        .bucket(&b)
        .key("site/new-then-gone.txt")
        .send()
        .await
        .unwrap();
    put_meta(s, &b, "site-old/untouched.txt", b"sibling changed", "x").await;
    let later = state(s, &b, p).await;
    assert_ne!(later, expected);

    let plan = plan_at(s, &b, p, at).await;
    let changes: BTreeMap<&str, &Change> = plan
        .keys
        .iter()
        .map(|k| (k.key.as_str(), &k.change))
        .collect();
    assert_eq!(changes["site/index.html"], &Change::Restore, "{}", s.name);
    assert_eq!(
        changes["site/deleted-after.txt"],
        &Change::Undelete,
        "{}",
        s.name
    );
    assert_eq!(
        changes["site/recreated.txt"],
        &Change::Restore,
        "{}",
        s.name
    );
    assert_eq!(changes["site/new.txt"], &Change::Delete, "{}", s.name);
    assert_eq!(
        changes["site/new-then-gone.txt"],
        &Change::Unchanged,
        "{}",
        s.name
    );
    assert_eq!(
        changes["site/gone-before.txt"],
        &Change::Unchanged,
        "{}",
        s.name
    );
    assert_eq!(
        changes["site/same-second.txt"],
        &Change::Unchanged,
        "{}",
        s.name
    );
    assert!(!changes.contains_key("site-old/untouched.txt"));
    assert_eq!(plan.changes(), 4);

    next_second().await;
    let started = now();
    history(s, &b, plan.steps()).await.assert_done(4);
    assert_eq!(state(s, &b, p).await, expected, "{}: rolled back", s.name);
    assert_eq!(
        current(s, &b, "site-old/untouched.txt").await.unwrap().0,
        b"sibling changed",
        "{}: docs/ never touches docs-old/",
        s.name
    );
    // Rolling forward to the moment the rollback started undoes it.
    let forward = plan_at(s, &b, p, started).await;
    assert_eq!(forward.changes(), 4, "{}: {forward:#?}", s.name);
    history(s, &b, forward.steps()).await.assert_done(4);
    assert_eq!(state(s, &b, p).await, later, "{}: rolled forward", s.name);
}
on_servers!(rollback_and_forward_again: moto, radosgw);

/// Same-second writes: the listing order (newest first) decides, not time.
async fn same_second_ties_follow_the_listing(s: &Server) {
    let b = versioned_bucket(s, "ties").await;
    next_second().await;
    put_meta(s, &b, "t.txt", b"one", "x").await;
    put_meta(s, &b, "t.txt", b"two", "x").await;
    put_meta(s, &b, "t.txt", b"three", "x").await;
    let at = now();
    next_second().await;
    put_meta(s, &b, "t.txt", b"later", "x").await;
    let (rows, _) = versions_of(s, &b, "t.txt", None).await;
    let same: Vec<&ObjectVersion> = rows
        .iter()
        .filter(|v| v.modified == rows[1].modified)
        .collect();
    if same.len() < 3 {
        eprintln!(
            "{}: the three writes spanned two seconds; tie not exercised",
            s.name
        );
        return;
    }
    let plan = plan_at(s, &b, "t.txt", at).await;
    history(s, &b, plan.steps()).await.assert_done(1);
    assert_eq!(
        current(s, &b, "t.txt").await.unwrap().0,
        b"three",
        "{}",
        s.name
    );
}
on_servers!(same_second_ties_follow_the_listing: moto, radosgw);

/// Versions of a version-id'd object are read with that version's id.
async fn an_old_versions_link_returns_that_version(s: &Server) {
    let b = versioned_bucket(s, "vlink").await;
    let v1 = put_meta(s, &b, "v.txt", b"version one", "1").await;
    put_meta(s, &b, "v.txt", b"version two", "2").await;
    let obj = ObjectRef {
        bucket: b.clone(),
        key: "v.txt".into(),
        version_id: Some(v1.clone()),
        etag: None,
    };
    let p = presign(s, obj.clone(), LinkMethod::Get, 300).await;
    assert!(p.url.contains("versionId="), "{}", p.url);
    assert_eq!(
        curl_get(&p.url),
        (200, b"version one".to_vec()),
        "{}",
        s.name
    );
    let info = s.store.object_info_at(&obj).await.unwrap();
    assert_eq!(info.version_id.as_deref(), Some(v1.as_str()));
    assert_eq!(info.metadata, [("note".to_owned(), "1".to_owned())]);
}
on_servers!(an_old_versions_link_returns_that_version: radosgw, moto);
