//! Storage classes and Glacier (part 6 §7), on moto (which keeps objects
//! in GLACIER until a RestoreObject, then serves them): a download of an
//! archived object explains instead of failing as "access denied".

use crate::cli::harness::Pail;
use crate::common::engine::*;
use aws_sdk_s3::types::StorageClass;

async fn archived(s: &Server, bucket: &str, key: &str, class: StorageClass) {
    s.sdk
        .put_object()
        .bucket(bucket)
        .key(key)
        .storage_class(class)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"cold data",
        ))
        .send()
        .await
        .expect("archived put");
}

/// The bug: S3 answers a GET of an archived object with 403
/// InvalidObjectState, which pail reported as access denied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloading_an_archived_object_explains_the_restore() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("cold").await;
    archived(&s, &b, "logs/2019.tar", StorageClass::Glacier).await;
    let p = Pail::for_server(&s);
    let dir = p.dir("cold");
    let r = p.run(&[
        "cp",
        &format!("s3://{b}/logs/2019.tar"),
        &format!("{}/", dir.display()),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        !r.stderr.to_lowercase().contains("access denied"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("GLACIER"), "{}", r.stderr);
    assert!(r.stderr.contains("pail restore"), "{}", r.stderr);
    assert!(!dir.join("2019.tar").exists());
}

fn head_restore(s: &Server, b: &str, k: &str) -> impl std::future::Future<Output = Option<String>> {
    let (sdk, b, k) = (s.sdk.clone(), b.to_owned(), k.to_owned());
    async move {
        sdk.head_object()
            .bucket(b)
            .key(k)
            .send()
            .await
            .expect("head")
            .restore()
            .map(str::to_owned)
    }
}

/// `pail restore` plans first and asks only with --yes; a prefix ending
/// in / never reaches `logs-old/`, a key never reaches `key.bak`; after
/// the restore the download works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_plans_asks_for_exactly_the_archived_objects_then_reads() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("thaw").await;
    archived(&s, &b, "logs/a.tar", StorageClass::Glacier).await;
    archived(&s, &b, "logs/b.tar", StorageClass::DeepArchive).await;
    archived(&s, &b, "logs-old/c.tar", StorageClass::Glacier).await;
    archived(&s, &b, "one.tar", StorageClass::Glacier).await;
    archived(&s, &b, "one.tar.bak", StorageClass::Glacier).await;
    s.put(&b, "logs/readme.txt", b"plain").await;
    let p = Pail::for_server(&s);
    // The plan alone requests nothing.
    let r = p.run(&["restore", &format!("s3://{b}/logs/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        r.stderr.contains("1 object left out (not archived"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("add --yes"), "{}", r.stderr);
    assert_eq!(head_restore(&s, &b, "logs/a.tar").await, None);
    // Expedited does not exist for DEEP_ARCHIVE: a usage error, nothing asked.
    let r = p.run(&[
        "restore",
        "--yes",
        "--tier",
        "expedited",
        &format!("s3://{b}/logs/"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(head_restore(&s, &b, "logs/a.tar").await, None);
    let r = p.run(&[
        "restore",
        "--yes",
        "--days",
        "3",
        &format!("s3://{b}/logs/"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Requested 2 objects"), "{}", r.stderr);
    for k in ["logs/a.tar", "logs/b.tar"] {
        let h = head_restore(&s, &b, k).await.expect("restore header");
        assert!(h.contains("ongoing-request"), "{h}");
    }
    assert_eq!(head_restore(&s, &b, "logs-old/c.tar").await, None);
    // One key: exactly that key.
    let r = p.run(&["restore", "--yes", &format!("s3://{b}/one.tar")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(head_restore(&s, &b, "one.tar").await.is_some());
    assert_eq!(head_restore(&s, &b, "one.tar.bak").await, None);
    // Restored: it reads.
    let dir = p.dir("thawed");
    let r = p.run(&[
        "cp",
        &format!("s3://{b}/logs/a.tar"),
        &format!("{}/", dir.display()),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(dir.join("a.tar")).unwrap(), b"cold data");
}

/// A class change copies in place keeping metadata and tags, leaves out
/// what is in the class already and what is archived, and goes through
/// the multipart copy above the copy threshold with the same result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_change_keeps_metadata_and_tags_single_and_multipart() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("classes").await;
    let big = data(6 << 20, 7);
    for (k, body) in [
        ("r/small.csv", b"a,b\n".to_vec()),
        ("r/big.bin", big.clone()),
    ] {
        s.sdk
            .put_object()
            .bucket(&b)
            .key(k)
            .metadata("owner", "ops")
            .content_type("text/csv")
            .tagging("team=data")
            .body(aws_sdk_s3::primitives::ByteStream::from(body))
            .send()
            .await
            .unwrap();
    }
    archived(&s, &b, "r/old.tar", StorageClass::Glacier).await;
    let p = Pail::for_server(&s);
    // Without --yes: the plan, with the class's minimum charges.
    let r = p.run(&[
        "storage-class",
        "--to",
        "standard_ia",
        &format!("s3://{b}/r/"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("at least 30 days"), "{}", r.stderr);
    assert!(
        r.stderr.contains("1 object archived, left out"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 object smaller than 128 KiB"),
        "{}",
        r.stderr
    );
    // The small one through the CLI (one CopyObject).
    let r = p.run(&[
        "storage-class",
        "--to",
        "STANDARD_IA",
        "--yes",
        &format!("s3://{b}/r/small.csv"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The big one through the engine with a 5 MiB copy threshold.
    let env = s.env(pail::engine::Settings {
        copy_threshold: 5 << 20,
        part_size: 5 << 20,
        ..settings()
    });
    let summary = s.summary(&b, "r/big.bin").await;
    pail::engine::change_class(&env, &b, &summary, "STANDARD_IA")
        .await
        .expect("multipart class change");
    for k in ["r/small.csv", "r/big.bin"] {
        let h = s.sdk.head_object().bucket(&b).key(k).send().await.unwrap();
        assert_eq!(
            h.storage_class().map(|c| c.as_str()),
            Some("STANDARD_IA"),
            "{k}"
        );
        assert_eq!(
            h.metadata()
                .and_then(|m| m.get("owner"))
                .map(String::as_str),
            Some("ops"),
            "{k}"
        );
        assert_eq!(h.content_type(), Some("text/csv"), "{k}");
        let tags = s
            .sdk
            .get_object_tagging()
            .bucket(&b)
            .key(k)
            .send()
            .await
            .unwrap();
        let tags: Vec<(&str, &str)> = tags
            .tag_set()
            .iter()
            .map(|t| (t.key(), t.value()))
            .collect();
        assert_eq!(tags, [("team", "data")], "{k}");
    }
    assert_eq!(s.get(&b, "r/big.bin").await, big);
    // A class nobody has is a usage error.
    assert_eq!(
        p.run(&["storage-class", "--to", "COLD", &format!("s3://{b}/r/")])
            .code,
        2
    );
}

/// An archived object with a restored copy can be copied: the class
/// change includes it (learning the restore from a HEAD, as no test
/// server lists RestoreStatus), and one not restored stays left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_change_includes_restored_copies_and_leaves_the_rest() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("restored").await;
    archived(&s, &b, "r/thawed.tar", StorageClass::Glacier).await;
    archived(&s, &b, "r/frozen.tar", StorageClass::DeepArchive).await;
    let p = Pail::for_server(&s);
    let r = p.run(&["restore", "--yes", &format!("s3://{b}/r/thawed.tar")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = p.run(&["storage-class", "--to", "STANDARD", &format!("s3://{b}/r/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("1 object archived with a restored copy, included"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 object archived, left out"),
        "{}",
        r.stderr
    );
    let r = p.run(&[
        "storage-class",
        "--to",
        "STANDARD",
        "--yes",
        &format!("s3://{b}/r/"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Changed 1 object"), "{}", r.stderr);
    let class = |k: &'static str| {
        let (sdk, b) = (s.sdk.clone(), b.clone());
        async move {
            let h = sdk.head_object().bucket(&b).key(k).send().await.unwrap();
            h.storage_class().map(|c| c.as_str().to_owned())
        }
    };
    assert_eq!(class("r/thawed.tar").await, None, "STANDARD is not said");
    assert_eq!(class("r/frozen.tar").await.as_deref(), Some("DEEP_ARCHIVE"));
    assert_eq!(s.get(&b, "r/thawed.tar").await, b"cold data");
}
