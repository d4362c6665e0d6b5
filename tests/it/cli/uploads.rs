//! `pail uploads ls|abort`, and what a killed `pail cp` leaves: an open
//! multipart upload the next pail aborts, saying so.

use crate::cli::harness::{Pail, finish};
use crate::common::engine::{MIB, Server, data};
use std::process::Stdio;
use std::time::{Duration, Instant};

async fn open_upload(s: &Server, bucket: &str, key: &str, parts: i32) -> String {
    let id = s
        .sdk
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap()
        .upload_id
        .unwrap();
    for n in 1..=parts {
        s.sdk
            .upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(&id)
            .part_number(n)
            .body(data(5 * MIB, n as u64).into())
            .send()
            .await
            .unwrap();
    }
    id
}

async fn open_keys(s: &Server, bucket: &str) -> Vec<String> {
    let mut keys: Vec<String> = s
        .store
        .open_uploads(bucket, "")
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.key)
        .collect();
    keys.sort();
    keys
}

async fn list_and_abort(s: &Server) {
    let p = Pail::for_server(s);
    let b = s.bucket("cli-ups").await;
    let a = open_upload(s, &b, "backups/a.tar", 2).await;
    open_upload(s, &b, "backups/b.tar", 1).await;
    open_upload(s, &b, "keep/c.tar", 1).await;
    let r = p.run(&["uploads", "ls", &format!("s3://{b}/backups/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("backups/a.tar") && out.contains(&a), "{out}");
    assert!(out.contains("2 parts") && out.contains("10.0 MiB"), "{out}");
    assert!(
        r.stderr.contains("2 open uploads · 3 parts · 15.0 MiB"),
        "{}",
        r.stderr
    );
    // The plan only, without --yes.
    let r = p.run(&["uploads", "abort", &format!("s3://{b}/backups/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("add --yes"), "{}", r.stderr);
    assert_eq!(open_keys(s, &b).await.len(), 3);
    // One by id, then the rest under the prefix.
    let r = p.run(&[
        "uploads",
        "abort",
        "--yes",
        "--upload-id",
        &a,
        &format!("s3://{b}/backups/"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(open_keys(s, &b).await, ["backups/b.tar", "keep/c.tar"]);
    let r = p.run(&["uploads", "abort", "--yes", &format!("s3://{b}/backups/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(open_keys(s, &b).await, ["keep/c.tar"]);
    // An id that is not there is an error naming it.
    let r = p.run(&[
        "uploads",
        "abort",
        "--yes",
        "--upload-id",
        "nope",
        &format!("s3://{b}/"),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("nope"), "{}", r.stderr);
    assert_eq!(open_keys(s, &b).await, ["keep/c.tar"]);
}

on_servers!(list_and_abort: moto, radosgw);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_pail_cp_leaves_an_upload_the_next_pail_aborts() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    p.config("[transfers]\nbandwidth_limit = \"2MiB/s\"\nmultipart_threshold = \"5MiB\"\npart_size = \"5MiB\"\n");
    let b = s.bucket("cli-killed").await;
    std::fs::write(p.home().join("big.bin"), data(30 * MIB, 5)).unwrap();
    let mut child = p
        .command(&["cp", "big.bin", &format!("s3://{b}/")])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while open_keys(&s, &b).await.is_empty() {
        assert!(Instant::now() < deadline, "no upload started");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A crash: SIGKILL, no cleanup.
    child.kill().unwrap();
    let _ = finish(child);
    assert_eq!(open_keys(&s, &b).await, ["big.bin"]);
    // Any next pail on this endpoint aborts it and says so.
    let r = p.run(&["uploads", "ls", &format!("s3://{b}")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("Aborted 1 multipart upload a pail that was stopped left open"),
        "{}",
        r.stderr
    );
    assert!(open_keys(&s, &b).await.is_empty());
}
