//! SIGTERM, SIGHUP and Ctrl-C in the middle of a transfer: pail cancels,
//! aborts its open multipart uploads and removes its temp files before it
//! exits with 128 + the signal's number. Transfers are slowed with
//! `[transfers] bandwidth_limit`, and each signal is sent once the
//! transfer is seen under way (an open multipart upload in the bucket, or
//! a rate on the progress line), never after a fixed wait.

use crate::cli::harness::{Pail, finish};
use crate::common::engine::{MIB, Server, data};
use crate::common::pty::Pty;
use std::process::Stdio;
use std::time::{Duration, Instant};

pub const SLOW: &str = "[transfers]\nbandwidth_limit = \"4MiB/s\"\n";

/// Waits (bounded) until `bucket` has an open multipart upload.
pub async fn upload_under_way(s: &Server, bucket: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if !s.store.open_uploads(bucket, "").await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no multipart upload started");
}

pub fn kill(pid: u32, signal: i32) {
    assert_eq!(unsafe { libc::kill(pid as i32, signal) }, 0);
}

async fn nothing_left(s: &Server, bucket: &str) {
    assert!(
        s.store.open_uploads(bucket, "").await.unwrap().is_empty(),
        "{}: an open multipart upload was left",
        s.name
    );
    assert!(
        s.keys(bucket, "").await.is_empty(),
        "{}: nothing written",
        s.name
    );
}

async fn sigterm_mid_upload(s: &Server) {
    let p = Pail::for_server(s);
    p.config(SLOW);
    let b = s.bucket("cli-term").await;
    std::fs::write(p.home().join("big.bin"), data(40 * MIB, 3)).unwrap();
    let child = p
        .command(&["cp", "big.bin", &format!("s3://{b}/")])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    upload_under_way(s, &b).await;
    kill(child.id(), libc::SIGTERM);
    let r = finish(child);
    assert_eq!(r.code, 143, "{}", r.stderr);
    nothing_left(s, &b).await;
}

on_servers!(sigterm_mid_upload: moto, radosgw);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_mid_stdin_upload_aborts_it() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    p.config(SLOW);
    let b = s.bucket("cli-int").await;
    let mut child = p
        .command(&["cp", "-", &format!("s3://{b}/stream.bin")])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    // Two full parts and then silence: the pipe stays open.
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&data(17 * MIB, 4));
        stdin
    });
    upload_under_way(&s, &b).await;
    kill(child.id(), libc::SIGINT);
    let r = finish(child);
    drop(feeder.join());
    assert_eq!(r.code, 130, "{}", r.stderr);
    nothing_left(&s, &b).await;
}

fn pty(p: &Pail, cmd: &[String]) -> Pty {
    p.pty(cmd)
}

/// On a terminal: the progress line shows the total, %, rate and time
/// left; SIGHUP mid-download leaves no file, temp or final.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_mid_download_leaves_no_file() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    p.config(SLOW);
    let b = s.bucket("cli-hup").await;
    s.put(&b, "big.bin", &data(40 * MIB, 5)).await;
    let dl = p.dir("dl");
    let mut t = pty(
        &p,
        &["cp".into(), format!("s3://{b}/big.bin"), "dl/".into()],
    );
    t.wait_for_output("/s · ");
    let line = t.raw_text();
    for want in ["of 40.0 MiB", "%", "left"] {
        assert!(line.contains(want), "{want:?} in {line:?}");
    }
    t.signal("HUP");
    assert_eq!(
        t.wait_exit(Duration::from_secs(60)).exit_code(),
        129,
        "{}",
        t.raw_text()
    );
    let left: Vec<_> = std::fs::read_dir(&dl).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Ctrl-C typed on the terminal mid-upload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_on_a_terminal_mid_upload() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&s);
    p.config(SLOW);
    let b = s.bucket("cli-ctrlc").await;
    std::fs::write(p.home().join("big.bin"), data(40 * MIB, 6)).unwrap();
    let mut t = pty(&p, &["cp".into(), "big.bin".into(), format!("s3://{b}/")]);
    upload_under_way(&s, &b).await;
    t.keys("\x03");
    assert_eq!(
        t.wait_exit(Duration::from_secs(60)).exit_code(),
        130,
        "{}",
        t.raw_text()
    );
    nothing_left(&s, &b).await;
}
