//! Making and removing buckets (part 6 §4): `pail mb` with the checklist's
//! defaults read back part by part, a server that refuses a step said
//! step by step, `pail rb` refusing a bucket that still holds objects or
//! old versions; and each setting pail writes put and removed again (what
//! fixes and their undo will do).

use crate::cli::harness::Pail;
use crate::common::bucket;
use crate::common::engine::*;
use pail::posture::{self, Check, Profile, Verdict};
use pail::store::Versioning;
use pail::store::settings::{CorsRule, LifecycleRule, Part, PublicAccessBlock, Setting};

async fn read(s: &Server, b: &str, p: Part) -> Option<Setting> {
    s.store.bucket_setting(b, p).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mb_sets_the_checklist_and_reads_back_on_moto() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = bucket("mb-checklist");
    let uri = format!("s3://{b}");
    let r = p.run(&[
        "mb",
        &uri,
        "--lifecycle",
        "tiering",
        "--lifecycle",
        "noncurrent-30",
        "--lifecycle",
        "abort-7",
        "--tag",
        "team=web",
    ]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(r.code, 0, "{out}{}", r.stderr);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("  ✓ ")).count(),
        7,
        "{out}"
    );
    assert_eq!(
        read(&s, &b, Part::PublicAccess).await,
        Some(Setting::PublicAccess(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }))
    );
    assert_eq!(
        read(&s, &b, Part::Ownership).await,
        Some(Setting::Ownership("BucketOwnerEnforced".into()))
    );
    assert!(matches!(
        read(&s, &b, Part::Versioning).await,
        Some(Setting::Versioning {
            status: Versioning::Enabled,
            ..
        })
    ));
    let Some(Setting::Encryption(rules)) = read(&s, &b, Part::Encryption).await else {
        panic!("no encryption")
    };
    assert_eq!(rules[0].algorithm, "AES256");
    let Some(Setting::Lifecycle(rules)) = read(&s, &b, Part::Lifecycle).await else {
        panic!("no lifecycle")
    };
    assert_eq!(
        rules[0].transitions,
        [(30, "STANDARD_IA".to_owned()), (90, "GLACIER".to_owned())]
    );
    assert_eq!(rules[0].noncurrent_expire_days, Some(30));
    assert_eq!(rules[0].abort_incomplete_days, Some(7));
    assert_eq!(
        read(&s, &b, Part::Tags).await,
        Some(Setting::Tags(vec![("team".into(), "web".into())]))
    );
    // What the checklist covers is no longer a finding.
    let g = posture::gather(&*s.store, &b).await;
    let p = posture::assess(&g.facts(false), Profile::PrivateApp);
    assert!(matches!(p.ladder.verdict, Verdict::NotPublic(_)));
    let left: Vec<Check> = p.findings.iter().map(|f| f.check).collect();
    assert_eq!(left, [Check::TlsOnly, Check::AccessLogging], "{p:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mb_refuses_bad_names_and_existing_buckets() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    for bad in [
        "s3://Upper",
        "s3://ab",
        "s3://a..b",
        "s3://x/prefix/",
        "nope",
    ] {
        let r = p.run(&["mb", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
    }
    assert_eq!(
        p.run(&["mb", "s3://mb-x", "--lifecycle", "forever"]).code,
        2
    );
    let b = s.bucket("mb-exists").await;
    let r = p.run(&["mb", &format!("s3://{b}")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("was not created"), "{}", r.stderr);
    assert!(String::from_utf8_lossy(&r.stdout).starts_with("  ✗ Create"));
}

/// radosgw refuses some steps (ownership controls, SSE-S3 without its
/// KMS set up): each is said with its error, the rest are done, exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mb_says_which_steps_a_server_refused_on_radosgw() {
    let Some(s) = Server::radosgw().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = bucket("mb-rgw");
    let r = p.run(&["mb", "--json", &format!("s3://{b}")]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&r.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0]["ok"], true, "created");
    let refused = lines.iter().filter(|l| l["ok"] == false).count();
    assert_eq!(r.code, if refused > 0 { 1 } else { 0 }, "{lines:?}");
    for l in &lines {
        if l["ok"] == false {
            assert!(l["error"].as_str().is_some_and(|e| !e.is_empty()));
        }
    }
    assert!(matches!(
        read(&s, &b, Part::Versioning).await,
        Some(Setting::Versioning {
            status: Versioning::Enabled,
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rb_removes_only_an_empty_bucket_and_only_with_yes() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    let b = s.bucket("rb-full").await;
    s.put(&b, "keep.txt", b"x").await;
    let uri = format!("s3://{b}");
    let r = p.run(&["rb", "--yes", &uri]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("is not empty") && r.stderr.contains("keep.txt"),
        "{}",
        r.stderr
    );
    assert_eq!(s.keys(&b, "").await.len(), 1);

    // Only a delete marker left: still not empty.
    s.sdk
        .put_bucket_versioning()
        .bucket(&b)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    s.sdk
        .delete_object()
        .bucket(&b)
        .key("keep.txt")
        .send()
        .await
        .unwrap();
    let r = p.run(&["rb", "--yes", &uri]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("old versions or delete markers"),
        "{}",
        r.stderr
    );

    let e = s.bucket("rb-empty").await;
    let uri = format!("s3://{e}");
    let r = p.run(&["rb", &uri]);
    assert_eq!(r.code, 0);
    assert!(String::from_utf8_lossy(&r.stdout).contains("add --yes"));
    assert!(s.sdk.head_bucket().bucket(&e).send().await.is_ok());
    assert_eq!(p.run(&["rb", "--yes", &uri]).code, 0);
    assert!(s.sdk.head_bucket().bucket(&e).send().await.is_err());
    assert_eq!(p.run(&["rb", "s3://rb-never-was-here"]).code, 1);
}

/// Every part pail writes goes in and comes out again as "not set" (what
/// a fix and its undo do).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_written_setting_puts_and_clears_on_moto() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("settings-write").await;
    let tls = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"TlsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{b}","arn:aws:s3:::{b}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
    );
    let settings = [
        Setting::Policy(tls),
        Setting::Cors(vec![CorsRule {
            origins: vec!["https://app.example.com".into()],
            methods: vec!["PUT".into(), "POST".into()],
            headers: vec!["*".into()],
            expose: vec!["ETag".into()],
            max_age: Some(3000),
        }]),
        Setting::Lifecycle(vec![LifecycleRule {
            id: Some("x".into()),
            enabled: true,
            prefix: "logs/".into(),
            expire_days: Some(7),
            ..Default::default()
        }]),
        Setting::Tags(vec![("env".into(), "prod".into())]),
        Setting::Ownership("BucketOwnerPreferred".into()),
    ];
    for setting in settings {
        let part = setting.part();
        s.store.put_bucket_setting(&b, &setting).await.unwrap();
        let back = read(&s, &b, part).await.expect("set");
        match (&setting, &back) {
            (Setting::Policy(a), Setting::Policy(b)) => {
                let a: serde_json::Value = serde_json::from_str(a).unwrap();
                let b: serde_json::Value = serde_json::from_str(b).unwrap();
                assert_eq!(a, b);
            }
            _ => assert_eq!(back, setting),
        }
        s.store.clear_bucket_setting(&b, part).await.unwrap();
        assert_eq!(read(&s, &b, part).await, None, "{part:?} cleared");
    }
    // Versioning cannot be removed, only suspended.
    assert!(
        s.store
            .clear_bucket_setting(&b, Part::Versioning)
            .await
            .is_err()
    );
}
