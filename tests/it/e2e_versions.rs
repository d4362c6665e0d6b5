//! Part 3 end to end: the release binary in a pseudo-terminal against a
//! versioned moto bucket. A presigned link is read back from the OSC 52
//! stream pail writes (no display here) and fetched with curl; an older
//! version is restored from the versions panel; a deleted object shown by
//! `H` is undeleted with `U`. The keys in the bucket are checked with the
//! SDK, and the log file for signatures.

use crate::common::pty::Pty;
use std::path::Path;
use std::time::Duration;

const ENTER: &str = "\r";
const ESC: &str = "\x1b";

fn spawn(ep: &str, bucket: &str, home: &Path) -> Pty {
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAE2ETESTKEY000000"),
        ("AWS_SECRET_ACCESS_KEY", "e2eSECRETvalue"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", ep),
    ];
    let target = format!("s3://{bucket}/");
    let log = home.join("pail.log");
    Pty::spawn(
        &[
            &target,
            "--log-file",
            log.to_str().unwrap(),
            "--log-level",
            "debug",
        ],
        &env,
        home,
    )
}

fn quit(t: &mut Pty) {
    t.press(&[ESC, ESC, "q"]);
    let s = t.wait_exit(Duration::from_secs(30));
    assert!(s.success(), "exit status {s:?}");
}

/// A versioned bucket where `a.txt` has two versions and `gone.txt` is
/// deleted (a delete marker over one version).
fn seed(rt: &tokio::runtime::Runtime, ep: &str, bucket: &str) {
    rt.block_on(async {
        let c = crate::common::moto_sdk(ep);
        crate::common::create_bucket(&c, bucket).await;
        c.put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(
                aws_sdk_s3::types::VersioningConfiguration::builder()
                    .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        crate::common::put(&c, bucket, "a.txt", b"version one").await;
        crate::common::put(&c, bucket, "a.txt", b"version two").await;
        crate::common::put(&c, bucket, "gone.txt", b"bring me back").await;
        c.delete_object()
            .bucket(bucket)
            .key("gone.txt")
            .send()
            .await
            .unwrap();
    });
}

fn body(rt: &tokio::runtime::Runtime, ep: &str, bucket: &str, key: &str) -> Option<Vec<u8>> {
    rt.block_on(async {
        let c = crate::common::moto_sdk(ep);
        let out = c.get_object().bucket(bucket).key(key).send().await.ok()?;
        Some(out.body.collect().await.unwrap().into_bytes().to_vec())
    })
}

/// The last text pail put on the clipboard through OSC 52.
fn last_osc52(t: &Pty) -> String {
    use base64::Engine;
    let raw = t.raw_text();
    let start = raw.rfind("\x1b]52;c;").expect("no OSC 52 written") + 7;
    let end = start + raw[start..].find('\x07').expect("unterminated OSC 52");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&raw[start..end])
        .expect("base64");
    String::from_utf8(bytes).unwrap()
}

#[test]
fn presign_a_link_read_it_from_osc52_and_fetch_it() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-share");
    seed(&rt, &ep, &bucket);
    let home = tempfile::tempdir().unwrap();
    let mut t = spawn(&ep, &bucket, home.path());
    t.wait_for("a.txt");
    t.press(&["P"]);
    t.wait_for("Share a presigned link");
    // 15 minutes, then sign.
    t.press(&["\x1b[D"]);
    t.wait_for("15 min");
    t.press(&[ENTER]);
    t.wait_for("via OSC 52");
    t.wait_for("Copied. y copy again");
    let url = last_osc52(&t);
    assert!(url.contains("X-Amz-Expires=900"), "{url}");
    let out = std::process::Command::new("curl")
        .args(["-s", "-f", &url])
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"version two", "{url}");
    // c copies the curl command.
    t.press(&["c"]);
    t.wait_for("curl command");
    let cmd = last_osc52(&t);
    assert!(cmd.starts_with("curl -f -o 'a.txt' '"), "{cmd}");
    quit(&mut t);
    // The log has the requests, never the link's signature.
    let log = std::fs::read_to_string(home.path().join("pail.log")).unwrap();
    let sig = url.split("X-Amz-Signature=").nth(1).unwrap();
    assert!(!log.contains(sig), "the signature reached the log");
    assert!(!log.contains("X-Amz-Signature=0") && !log.contains("e2eSECRETvalue"));
}

#[test]
fn restore_an_older_version_from_the_versions_panel() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-restore");
    seed(&rt, &ep, &bucket);
    let home = tempfile::tempdir().unwrap();
    let mut t = spawn(&ep, &bucket, home.path());
    t.wait_for("a.txt");
    t.press(&["v"]);
    t.wait_for("Versions of a.txt — 2 rows");
    t.press(&["j", "r"]);
    t.wait_for("Restore this version?");
    t.answer(&["y"]);
    t.wait_for("Restored 1 object");
    assert_eq!(
        body(&rt, &ep, &bucket, "a.txt").as_deref(),
        Some(&b"version one"[..])
    );
    // The panel reloads: three versions now, the restored copy on top.
    t.wait_for("Versions of a.txt — 3 rows");
    quit(&mut t);
}

#[test]
fn undelete_a_deleted_object_shown_by_h() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-undelete");
    seed(&rt, &ep, &bucket);
    let home = tempfile::tempdir().unwrap();
    let mut t = spawn(&ep, &bucket, home.path());
    t.wait_for("a.txt");
    assert!(!t.screen().contains("gone.txt"));
    t.press(&["H"]);
    t.wait_for("gone.txt  deleted");
    t.press(&["G", "U"]);
    t.wait_for("Undeleted 1 object (13 B)");
    assert_eq!(
        body(&rt, &ep, &bucket, "gone.txt").as_deref(),
        Some(&b"bring me back"[..])
    );
    // The tree shows it as a live object again.
    std::thread::sleep(Duration::from_millis(800));
    t.wait_for("gone.txt");
    assert!(!t.screen().contains("gone.txt  deleted"), "{}", t.screen());
    quit(&mut t);
}
