//! Integration tests against Ceph's radosgw: production S3 code that checks
//! signatures, supports versioning and tagging, and URL-encodes `/` as %2F
//! in listings. scripts/test.sh starts it and sets PAIL_TEST_RADOSGW.

use crate::common::scenarios::*;
use crate::common::*;
use pail::store::Store;

const KEY: &str = "bench";
const SECRET: &str = "benchsecret";

#[tokio::test]
async fn hostile_keys_list_and_inspect_intact() {
    let Some(ep) = radosgw() else { return };
    hostile_keys_round_trip(&ep, KEY, SECRET, &bucket("hostile"), &hostile_keys()).await;
}

#[tokio::test]
async fn paginates_2500_keys_in_one_prefix() {
    let Some(ep) = radosgw() else { return };
    assert_eq!(
        paginates_2500_keys(&ep, KEY, SECRET, &bucket("pages"))
            .await
            .len(),
        2500
    );
}

#[tokio::test]
async fn wrong_secret_is_a_readable_auth_error() {
    let Some(ep) = radosgw() else { return };
    let store = store(&ep, "us-east-1", KEY, "wrong-secret").await;
    let e = store.list_buckets().await.unwrap_err();
    assert_auth_error(&e);
}

#[tokio::test]
async fn metadata_tags_and_versioning() {
    let Some(ep) = radosgw() else { return };
    let c = sdk(&ep, "us-east-1", KEY, SECRET);
    let b = bucket("meta");
    create_bucket(&c, &b).await;
    let store = store(&ep, "us-east-1", KEY, SECRET).await;
    assert_eq!(
        store.bucket_info(&b).await.unwrap().versioning,
        Ok(pail::store::Versioning::NeverEnabled)
    );
    enable_versioning(&c, &b).await;
    c.put_object()
        .bucket(&b)
        .key("reports/q3.pdf")
        .body(vec![7u8; 4096].into())
        .content_type("application/pdf")
        .metadata("owner", "finance")
        .tagging("team=fin&retention=7y")
        .send()
        .await
        .expect("put");
    let i = store.object_info(&b, "reports/q3.pdf").await.unwrap();
    assert_eq!(i.size, 4096);
    assert_eq!(i.content_type.as_deref(), Some("application/pdf"));
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
    assert!(i.version_id.is_some());
    assert_eq!(
        store.bucket_info(&b).await.unwrap().versioning,
        Ok(pail::store::Versioning::Enabled)
    );
}
