//! Integration tests against moto's server: the widest S3 semantics
//! (tagging, SSE headers, regions, versioning), but no signature checks.
//! scripts/test.sh starts it and sets PAIL_TEST_MOTO.

use crate::common::scenarios::*;
use crate::common::*;
use pail::app::{Job, Msg, TaskEvent, TaskId, browse};
use pail::store::{ErrorKind, ListRequest, Store};
use std::sync::Arc;

#[tokio::test]
async fn hostile_keys_list_and_inspect_intact() {
    let Some(ep) = moto() else { return };
    // moto's router answers 404 for a key with a newline; tests/signed.rs
    // and tests/radosgw.rs cover it.
    let keys: Vec<String> = hostile_keys()
        .into_iter()
        .filter(|k| !k.contains('\n'))
        .collect();
    hostile_keys_round_trip(&ep, "testing", "testing", &bucket("hostile"), &keys).await;
}

#[tokio::test]
async fn prefix_never_leaks_into_sibling() {
    let Some(ep) = moto() else { return };
    let c = moto_sdk(&ep);
    let b = bucket("siblings");
    create_bucket(&c, &b).await;
    for k in ["docs/a", "docs/sub/b", "docs-old/c", "docsx", "e"] {
        put(&c, &b, k, b"1").await;
    }
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    let (prefixes, objects) = list_all(&store, &b, "", Some("/"), 1000).await;
    assert_eq!(prefixes, ["docs-old/", "docs/"]);
    assert_eq!(objects, ["docsx", "e"]);
    let (prefixes, objects) = list_all(&store, &b, "docs/", Some("/"), 1000).await;
    assert_eq!(prefixes, ["docs/sub/"]);
    assert_eq!(objects, ["docs/a"]);
}

#[tokio::test]
async fn paginates_2500_keys_in_one_prefix() {
    let Some(ep) = moto() else { return };
    let b = bucket("pages");
    let keys = paginates_2500_keys(&ep, "testing", "testing", &b).await;
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    assert_eq!(keys.len(), 2500);

    // The same listing through the runtime's job and the tree, as the UI runs it.
    let store: Arc<dyn Store> = Arc::new(store);
    let (tx, mut rx) = pail::runtime::mailbox::mailbox(64);
    let job = Job::Browse(browse::Request::List {
        bucket: b.clone(),
        prefix: "big/".into(),
        page_size: 1000,
    });
    pail::runtime::jobs::run_job(
        store,
        TaskId(1),
        job,
        tx,
        pail::runtime::task_ctx::TaskCtx::standalone(),
    )
    .await;
    let mut tree = pail::app::tree::Tree::new(b.clone(), "big/".into(), TaskId(1));
    let mut pages = 0;
    while let Some(msg) = rx.recv().await {
        if let Msg::Task(id, TaskEvent::Browse(browse::Reply::Page(Ok(page)))) = msg {
            pages += 1;
            assert!(tree.add_page(id, page));
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(tree.rows().len(), 2501);
    assert_eq!(
        tree.root_folder().state,
        pail::app::Load::Ready(pail::app::Extent::Whole)
    );
}

#[tokio::test]
async fn metadata_tags_and_encryption_are_inspected() {
    let Some(ep) = moto() else { return };
    let c = moto_sdk(&ep);
    let b = bucket("inspect");
    create_bucket(&c, &b).await;
    c.put_object()
        .bucket(&b)
        .key("reports/q3.pdf")
        .body(vec![7u8; 4096].into())
        .content_type("application/pdf")
        .cache_control("max-age=60")
        .content_encoding("identity")
        .content_disposition("attachment")
        .metadata("owner", "finance")
        .server_side_encryption(aws_sdk_s3::types::ServerSideEncryption::Aes256)
        .storage_class(aws_sdk_s3::types::StorageClass::StandardIa)
        .tagging("team=fin&retention=7y")
        .send()
        .await
        .expect("put");
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    let i = store.object_info(&b, "reports/q3.pdf").await.expect("info");
    assert_eq!(i.size, 4096);
    assert_eq!(i.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(i.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(i.content_disposition.as_deref(), Some("attachment"));
    assert_eq!(i.sse.as_deref(), Some("AES256"));
    assert_eq!(i.storage_class.as_deref(), Some("STANDARD_IA"));
    assert!(i.etag.is_some() && i.modified.is_some());
    assert!(
        i.metadata.contains(&("owner".into(), "finance".into())),
        "{:?}",
        i.metadata
    );
    let mut tags = i.tags.clone();
    tags.sort();
    assert_eq!(
        tags,
        [
            ("retention".to_string(), "7y".to_string()),
            ("team".into(), "fin".into())
        ]
    );
    assert_eq!(i.tags_error, None);
    // The listing carries size, date and class for the tree columns.
    let p = store
        .list_page(&ListRequest::level(&b, "reports/", 1000))
        .await
        .unwrap();
    assert_eq!(p.objects[0].size, 4096);
    assert_eq!(p.objects[0].storage_class.as_deref(), Some("STANDARD_IA"));
}

#[tokio::test]
async fn unknown_bucket_and_key_say_which() {
    let Some(ep) = moto() else { return };
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    let missing = bucket("no-such-bucket");
    let e = store
        .list_page(&ListRequest::level(&missing, "", 1000))
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoSuchBucket, "{e:?}");
    assert_eq!(e.bucket.as_deref(), Some(missing.as_str()));
    let x = pail::diagnose::explain(&e, &store.connection(), None);
    assert!(x.hints.join(" ").contains(&missing));

    let c = moto_sdk(&ep);
    let b = bucket("nokey");
    create_bucket(&c, &b).await;
    let e = store.object_info(&b, "nope/missing.txt").await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoSuchKey, "{e:?}");
    assert_eq!(e.key.as_deref(), Some("nope/missing.txt"));
}

#[tokio::test]
async fn bucket_in_second_region_just_works() {
    let Some(ep) = moto() else { return };
    let c = moto_sdk(&ep);
    let b = bucket("eu-bucket");
    c.create_bucket()
        .bucket(&b)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .expect("create");
    put(&c, &b, "hello.txt", b"hi").await;
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    assert_eq!(store.bucket_region(&b).await.unwrap(), "eu-west-1");
    let info = store.bucket_info(&b).await.unwrap();
    assert_eq!(info.region, "eu-west-1");
    let (_, objects) = list_all(&store, &b, "", Some("/"), 1000).await;
    assert_eq!(objects, ["hello.txt"]);
    let names: Vec<String> = store
        .list_buckets()
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert!(names.contains(&b));
}

#[tokio::test]
async fn versioning_status_is_reported() {
    let Some(ep) = moto() else { return };
    let c = moto_sdk(&ep);
    let b = bucket("versioned");
    create_bucket(&c, &b).await;
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    assert_eq!(
        store.bucket_info(&b).await.unwrap().versioning,
        Ok(pail::store::Versioning::NeverEnabled)
    );
    enable_versioning(&c, &b).await;
    assert_eq!(
        store.bucket_info(&b).await.unwrap().versioning,
        Ok(pail::store::Versioning::Enabled)
    );
    put(&c, &b, "v.txt", b"1").await;
    let i = store.object_info(&b, "v.txt").await.unwrap();
    assert!(i.version_id.is_some());
}

#[tokio::test]
async fn empty_bucket_and_empty_prefix() {
    let Some(ep) = moto() else { return };
    let c = moto_sdk(&ep);
    let b = bucket("empty");
    create_bucket(&c, &b).await;
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    let (p, o) = list_all(&store, &b, "", Some("/"), 1000).await;
    assert!(p.is_empty() && o.is_empty());
    let (p, o) = list_all(&store, &b, "nothing/", Some("/"), 1000).await;
    assert!(p.is_empty() && o.is_empty());
}

/// The URL pail copies fetches that very object with a plain `curl URL`
/// (curl drops literal `.`/`..` segments unless told --path-as-is, and
/// would cut the key at `?` or `#`).
#[tokio::test]
async fn object_urls_fetch_exactly_that_key_with_curl() {
    let Some(ep) = moto() else { return };
    let c = moto_sdk(&ep);
    let b = bucket("urls");
    create_bucket(&c, &b).await;
    let keys = [
        "a/../b",
        "b",
        "a//b",
        "./x",
        "x",
        "q?x#y%z",
        "a/..",
        "x/.",
        "../up",
        "sp ace+plus",
    ];
    // moto refuses anonymous reads unless the object is public.
    for k in keys {
        c.put_object()
            .bucket(&b)
            .key(k)
            .acl(aws_sdk_s3::types::ObjectCannedAcl::PublicRead)
            .body(format!("body of {k}").into_bytes().into())
            .send()
            .await
            .expect("put");
    }
    let store = store(&ep, "us-east-1", "testing", "testing").await;
    let conn = store.connection();
    assert!(conn.path_style, "an IP endpoint is path-style");
    for k in keys {
        let url = pail::store::links::object_url(&conn, "us-east-1", &b, k);
        let out = std::process::Command::new("curl")
            .args(["-s", "-f", &url])
            .output()
            .expect("curl");
        assert!(out.status.success(), "curl {url} for {k:?}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("body of {k}"),
            "{url} for {k:?}"
        );
    }
}
