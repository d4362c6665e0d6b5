//! Part 4 end to end: what a killed pail leaves behind, and how the next
//! one cleans it up. The release binary in a pseudo-terminal against moto,
//! SIGKILL as a crash would, then the bucket's open multipart uploads.

use crate::common::pty::{Pty, wait_until};
use std::path::Path;
use std::time::Duration;

const ENTER: &str = "\r";

fn spawn(ep: &str, bucket: &str, home: &Path) -> Pty {
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKIAE2ETESTKEY000000"),
        ("AWS_SECRET_ACCESS_KEY", "e2eSECRETvalue"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ENDPOINT_URL", ep),
    ];
    let target = format!("s3://{bucket}/");
    let log = home.join("pail.log");
    Pty::spawn(&[&target, "--log-file", log.to_str().unwrap()], &env, home)
}

fn open_uploads(rt: &tokio::runtime::Runtime, ep: &str, bucket: &str) -> Vec<String> {
    rt.block_on(async {
        let c = crate::common::moto_sdk(ep);
        let out = c
            .list_multipart_uploads()
            .bucket(bucket)
            .send()
            .await
            .expect("list uploads");
        out.uploads()
            .iter()
            .filter_map(|u| u.key().map(str::to_owned))
            .collect()
    })
}

#[test]
fn a_killed_pails_multipart_upload_is_aborted_by_the_next_start() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-killed");
    rt.block_on(crate::common::create_bucket(
        &crate::common::moto_sdk(&ep),
        &bucket,
    ));
    let home = tempfile::tempdir().unwrap();
    // A slow multipart upload, so it is open when pail dies.
    let cfg = home.path().join(".config/pail");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[transfers]\nbandwidth_limit = \"2MiB/s\"\nmultipart_threshold = \"5MiB\"\npart_size = \"5MiB\"\n",
    )
    .unwrap();
    let big = home.path().join("big.bin");
    std::fs::write(&big, vec![3u8; 40 << 20]).unwrap();
    let mut t = spawn(&ep, &bucket, home.path());
    t.wait_for("Inspector");
    t.press(&["u"]);
    t.wait_for("Upload to s3://");
    t.press(&["\x15"]);
    t.keys(big.to_str().unwrap());
    std::thread::sleep(Duration::from_millis(200));
    t.press(&[ENTER]);
    wait_until("the upload is open", || {
        open_uploads(&rt, &ep, &bucket) == ["big.bin"]
    });
    // A crash: no cleanup runs.
    t.signal("KILL");
    t.wait_exit(Duration::from_secs(10));
    assert_eq!(open_uploads(&rt, &ep, &bucket), ["big.bin"]);
    let journal = home.path().join(".state/pail/uploads.journal");
    assert!(journal.exists(), "no journal at {}", journal.display());
    // The next pail aborts it and says so.
    let mut t = spawn(&ep, &bucket, home.path());
    t.wait_for("Aborted 1 multipart upload");
    assert!(open_uploads(&rt, &ep, &bucket).is_empty());
    t.press(&["q"]);
    let s = t.wait_exit(Duration::from_secs(30));
    assert!(s.success(), "{s:?}");
}

#[test]
fn the_open_uploads_panel_aborts_what_it_shows() {
    let Some(ep) = crate::common::moto() else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bucket = crate::common::bucket("e2e-openups");
    let c = crate::common::moto_sdk(&ep);
    rt.block_on(async {
        crate::common::create_bucket(&c, &bucket).await;
        crate::common::put(&c, &bucket, "backups/keep.txt", b"k").await;
        for key in ["backups/a.tar", "backups/b.tar"] {
            c.create_multipart_upload()
                .bucket(&bucket)
                .key(key)
                .send()
                .await
                .unwrap();
        }
    });
    let home = tempfile::tempdir().unwrap();
    let mut t = spawn(&ep, &bucket, home.path());
    t.wait_for("backups/");
    t.press(&["m"]);
    t.wait_for("2 open uploads");
    t.wait_for("backups/b.tar");
    // Abort the selected one (the first, a.tar): asked first.
    t.press(&["X"]);
    t.wait_for("Abort an open upload?");
    std::thread::sleep(Duration::from_millis(350));
    t.press(&["y"]);
    wait_until("one upload is left", || {
        open_uploads(&rt, &ep, &bucket) == ["backups/b.tar"]
    });
    // The panel lists again: one left.
    t.wait_for("1 open upload");
    t.press(&["m"]);
    t.press(&["q"]);
    let s = t.wait_exit(Duration::from_secs(30));
    assert!(s.success(), "{s:?}");
}
