//! The bucket card's reads (part 6): every part of a bucket's settings,
//! each by its own request. Set with the SDK, read back through pail's
//! store: what was set comes back in pail's words, what was never set is
//! "not set" (S3's NoSuch…Configuration codes), and on servers that lack a
//! part it fails alone, as "not supported" or a plain error, never as a
//! missing bucket. The matrix each server answers is printed for the
//! README's table of what each test server supports.

use crate::common::engine::*;
use aws_sdk_s3::types as t;
use pail::store::ErrorKind;
use pail::store::settings::{Part, PublicAccessBlock, Setting};

/// Every part answers on its own: set, not set, or an error that is not
/// about the bucket being missing.
async fn every_part_answers_alone(s: &Server) {
    let b = s.bucket("settings-fresh").await;
    let mut row = Vec::new();
    for part in Part::ALL {
        let r = s.store.bucket_setting(&b, part).await;
        match &r {
            Ok(Some(_)) => row.push(format!("{}=set", part.label())),
            Ok(None) => row.push(format!("{}=not set", part.label())),
            Err(e) => {
                assert_ne!(
                    e.kind,
                    ErrorKind::NoSuchBucket,
                    "{}: {part:?} said the bucket is missing: {e}",
                    s.name
                );
                assert!(!e.message.is_empty(), "{}: {part:?}: empty error", s.name);
                let code = e.code.as_deref().unwrap_or("-");
                let why: String = e.message.chars().take(90).collect();
                row.push(format!("{}={:?} ({code}: {why})", part.label(), e.kind));
            }
        }
    }
    eprintln!("{} settings of a fresh bucket: {}", s.name, row.join(" · "));
    // Nothing configures these on a fresh bucket, on any server that
    // implements them.
    for part in [Part::Policy, Part::Lifecycle, Part::Cors, Part::Tags] {
        if let Ok(v) = s.store.bucket_setting(&b, part).await {
            assert_eq!(v, None, "{}: fresh bucket has {part:?}", s.name);
        }
    }
}
on_servers!(every_part_answers_alone: moto, radosgw, rustack, s3s);

/// What the SDK sets comes back in pail's words.
async fn configured_parts_read_back(s: &Server) {
    let b = s.bucket("settings-set").await;
    let c = &s.sdk;
    c.put_bucket_versioning()
        .bucket(&b)
        .versioning_configuration(
            t::VersioningConfiguration::builder()
                .status(t::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    c.put_bucket_encryption()
        .bucket(&b)
        .server_side_encryption_configuration(
            t::ServerSideEncryptionConfiguration::builder()
                .rules(
                    t::ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            t::ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(t::ServerSideEncryption::Aes256)
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.put_public_access_block()
        .bucket(&b)
        .public_access_block_configuration(
            t::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{b}","arn:aws:s3:::{b}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    );
    c.put_bucket_policy()
        .bucket(&b)
        .policy(&policy)
        .send()
        .await
        .unwrap();
    c.put_bucket_lifecycle_configuration()
        .bucket(&b)
        .lifecycle_configuration(
            t::BucketLifecycleConfiguration::builder()
                .rules(
                    t::LifecycleRule::builder()
                        .id("logs")
                        .status(t::ExpirationStatus::Enabled)
                        .filter(t::LifecycleRuleFilter::builder().prefix("logs/").build())
                        .transitions(
                            t::Transition::builder()
                                .days(30)
                                .storage_class(t::TransitionStorageClass::StandardIa)
                                .build(),
                        )
                        .expiration(t::LifecycleExpiration::builder().days(365).build())
                        .noncurrent_version_expiration(
                            t::NoncurrentVersionExpiration::builder()
                                .noncurrent_days(30)
                                .build(),
                        )
                        .abort_incomplete_multipart_upload(
                            t::AbortIncompleteMultipartUpload::builder()
                                .days_after_initiation(7)
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.put_bucket_cors()
        .bucket(&b)
        .cors_configuration(
            t::CorsConfiguration::builder()
                .cors_rules(
                    t::CorsRule::builder()
                        .allowed_origins("https://app.example.com")
                        .allowed_methods("PUT")
                        .allowed_methods("POST")
                        .allowed_headers("*")
                        .max_age_seconds(3000)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    c.put_bucket_tagging()
        .bucket(&b)
        .tagging(
            t::Tagging::builder()
                .tag_set(t::Tag::builder().key("env").value("prod").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let read = |part| {
        let store = s.store.clone();
        let b = b.clone();
        async move {
            store
                .bucket_setting(&b, part)
                .await
                .unwrap_or_else(|e| panic!("{part:?}: {e}"))
        }
    };
    match read(Part::Versioning).await {
        Some(Setting::Versioning { status, mfa_delete }) => {
            assert_eq!(status, pail::store::Versioning::Enabled);
            assert!(!mfa_delete);
        }
        other => panic!("versioning: {other:?}"),
    }
    match read(Part::Encryption).await {
        Some(Setting::Encryption(rules)) => {
            assert_eq!(rules.len(), 1);
            assert_eq!(rules[0].algorithm, "AES256");
            assert_eq!(rules[0].kms_key, None);
        }
        other => panic!("encryption: {other:?}"),
    }
    assert_eq!(
        read(Part::PublicAccess).await,
        Some(Setting::PublicAccess(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: false,
        }))
    );
    match read(Part::Policy).await {
        Some(Setting::Policy(p)) => {
            let v: serde_json::Value = serde_json::from_str(&p).unwrap();
            assert_eq!(v["Statement"][0]["Sid"], "TlsOnly");
        }
        other => panic!("policy: {other:?}"),
    }
    match read(Part::Lifecycle).await {
        Some(Setting::Lifecycle(rules)) => {
            let r = &rules[0];
            assert_eq!(r.id.as_deref(), Some("logs"));
            assert!(r.enabled);
            assert_eq!(r.prefix, "logs/");
            assert_eq!(r.transitions, vec![(30, "STANDARD_IA".to_owned())]);
            assert_eq!(r.expire_days, Some(365));
            assert_eq!(r.noncurrent_expire_days, Some(30));
            assert_eq!(r.abort_incomplete_days, Some(7));
        }
        other => panic!("lifecycle: {other:?}"),
    }
    match read(Part::Cors).await {
        Some(Setting::Cors(rules)) => {
            assert_eq!(rules[0].origins, vec!["https://app.example.com"]);
            assert_eq!(rules[0].methods, vec!["PUT", "POST"]);
            assert_eq!(rules[0].max_age, Some(3000));
        }
        other => panic!("cors: {other:?}"),
    }
    assert_eq!(
        read(Part::Tags).await,
        Some(Setting::Tags(vec![("env".into(), "prod".into())]))
    );
    match read(Part::Acl).await {
        Some(Setting::Acl { grants, .. }) => {
            assert!(grants.iter().all(|g| !g.is_public()), "{grants:?}");
        }
        other => panic!("acl: {other:?}"),
    }
    match read(Part::RequestPayment).await {
        Some(Setting::RequestPayment { requester_pays }) => assert!(!requester_pays),
        other => panic!("request payment: {other:?}"),
    }
}
// radosgw refuses PutBucketEncryption without a KMS set up (InvalidArgument).
on_servers!(configured_parts_read_back: moto);
