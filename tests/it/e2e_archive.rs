//! `T` and `C` end to end: the release binary in a pseudo-terminal against
//! moto (which keeps GLACIER objects unreadable until a RestoreObject and
//! then serves them at once). A restore of a prefix asks for exactly its
//! archived objects (never a sibling prefix); a class change then copies
//! the plain object and the restored one, and says so first.

use crate::common::pty::{Pty, wait_until};
use aws_sdk_s3::types::StorageClass;
use std::time::Duration;

const ENTER: &str = "\r";

/// (x-amz-restore, storage class) of a key.
fn head(
    rt: &tokio::runtime::Runtime,
    c: &aws_sdk_s3::Client,
    b: &str,
    k: &str,
) -> (Option<String>, String) {
    rt.block_on(async {
        let h = c.head_object().bucket(b).key(k).send().await.expect("head");
        (
            h.restore().map(str::to_owned),
            h.storage_class()
                .map_or("STANDARD".to_owned(), |c| c.as_str().to_owned()),
        )
    })
}

#[test]
fn t_restores_a_prefix_and_c_changes_its_class_restored_copies_included() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-thaw");
    let c = crate::common::moto_sdk(&ep);
    rt.block_on(async {
        crate::common::create_bucket(&c, &bucket).await;
        for (k, class) in [
            ("archive/a.tar", StorageClass::Glacier),
            ("archive/b.txt", StorageClass::Standard),
            ("zold/c.tar", StorageClass::Glacier),
        ] {
            c.put_object()
                .bucket(&bucket)
                .key(k)
                .storage_class(class)
                .body(aws_sdk_s3::primitives::ByteStream::from_static(
                    b"cold data",
                ))
                .send()
                .await
                .unwrap();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAE2ETESTKEY000000"),
        ("AWS_SECRET_ACCESS_KEY", "e2eSECRETvalue"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", ep.as_str()),
    ];
    let target = format!("s3://{bucket}/");
    let mut t = Pty::spawn(&[&target], &env, home.path());
    // The cursor on the first row: the prefix archive/.
    t.wait_for("zold/");
    t.press(&["T"]);
    t.wait_for("Restore for (days, tier)");
    t.press(&[ENTER]);
    t.wait_for("Restore 1 archived object");
    t.wait_for("GLACIER: ready 3–5 hours");
    t.answer(&[ENTER]);
    wait_until("a.tar is restored", || {
        head(&rt, &c, &bucket, "archive/a.tar").0.is_some()
    });
    t.wait_for("Requested 1 object");
    assert_eq!(head(&rt, &c, &bucket, "zold/c.tar").0, None);
    // The class change: Tab completes the class typed in lower case.
    t.press(&["C"]);
    t.wait_for("Storage class:");
    t.keys("standard_");
    t.press(&["\t"]);
    t.wait_for("STANDARD_IA");
    t.press(&[ENTER]);
    t.wait_for("Copy 2 objects");
    t.wait_for("archived with a restored copy: included");
    t.wait_for("at least 30 days");
    t.answer(&[ENTER]);
    wait_until("both are STANDARD_IA", || {
        ["archive/a.tar", "archive/b.txt"]
            .iter()
            .all(|k| head(&rt, &c, &bucket, k).1 == "STANDARD_IA")
    });
    assert_eq!(head(&rt, &c, &bucket, "zold/c.tar").1, "GLACIER");
    t.wait_for("Changed 2 objects");
    t.press(&["q"]);
    let s = t.wait_exit(Duration::from_secs(30));
    assert!(s.success(), "{s:?}");
}
