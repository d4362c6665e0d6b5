//! `pail sync` as scripts and people use it: the release binary against
//! moto, checking the printed plan, the exit status, the keys in the
//! bucket and the files on disk.

use super::{set_mtime, write};
use crate::cli::harness::Pail;
use crate::common::engine::Server;
use std::time::Duration;

fn s(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// --dry-run prints the plan and changes nothing; --json is one object
/// with the totals and every row; the run does exactly that; the second
/// run has nothing to do; a hostile key is escaped in the plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_json_then_run_then_nothing_to_do() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync").await;
    let src = p.dir("site");
    write(&src, "index.html", b"<h1>hi</h1>");
    write(&src, "css/a.css", b"body{}");
    write(&src, "evil\u{1b}[2J.txt", b"x");
    srv.put(&b, "site/old.html", b"stale").await;
    srv.put(&b, "site-old/keep.html", b"sibling").await;
    let dst = format!("s3://{b}/site");
    let r = p.run(&["sync", "--dry-run", "--delete", "--force", &s(&src), &dst]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout).into_owned();
    assert!(out.contains("+ upload   index.html  (new)"), "{out}");
    assert!(
        out.contains("- delete   old.html  (only in the destination)"),
        "{out}"
    );
    assert!(out.contains("evil\\x1b[2J.txt"), "{out:?}");
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        r.stderr.contains("upload 3 (") && r.stderr.contains("delete 1 ("),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Dry run: nothing was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(srv.keys(&b, "").await.len(), 2, "a dry run writes nothing");
    let r = p.run(&["sync", "--dry-run", "--json", &s(&src), &dst]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = String::from_utf8_lossy(&r.stdout)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["plan"]["totals"]["upload"]["count"], 3, "{v}");
    assert_eq!(v["plan"]["compare"], "size-mtime");
    let rows = v["plan"]["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["path"] == "evil\u{1b}[2J.txt" && r["reason"] == "new"),
        "{v}"
    );
    // Without a terminal it runs, as aws s3 sync does.
    let r = p.run(&["sync", "--delete", "--force", &s(&src), &dst]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let keys: Vec<String> = srv.keys(&b, "").await.into_iter().collect();
    assert_eq!(
        keys,
        [
            "site-old/keep.html",
            "site/css/a.css",
            "site/evil\u{1b}[2J.txt",
            "site/index.html"
        ]
    );
    let r = p.run(&["sync", "--delete", &s(&src), &dst]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("Nothing to do"), "{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&r.stdout)
    );
}

/// A plan that deletes too much stops before anything runs: over the
/// default 50%, over --max-delete; --force runs it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_limits_stop_the_plan_unless_forced() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync-max").await;
    let src = p.dir("few");
    write(&src, "k0", b"x");
    write(&src, "new", b"new");
    for i in 0..10 {
        srv.put(&b, &format!("k{i}"), b"x").await;
    }
    let dst = format!("s3://{b}/");
    let r = p.run(&["sync", "--delete", &s(&src), &dst]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("9 of 10 files") && r.stderr.contains("--max-delete-percent 50"),
        "{}",
        r.stderr
    );
    assert_eq!(
        srv.keys(&b, "").await.len(),
        10,
        "nothing ran, not even the upload"
    );
    let r = p.run(&[
        "sync",
        "--delete",
        "--max-delete-percent",
        "95",
        "--max-delete",
        "3",
        &s(&src),
        &dst,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("more than --max-delete 3"),
        "{}",
        r.stderr
    );
    let r = p.run(&["sync", "--delete", "--force", &s(&src), &dst]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let keys: Vec<String> = srv.keys(&b, "").await.into_iter().collect();
    assert_eq!(keys, ["k0", "new"]);
}

/// Filters in the order typed, the last match deciding (the aws CLI's);
/// an excluded destination path is not deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_follow_the_aws_cli() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync-filter").await;
    let src = p.dir("photos");
    for f in ["a.jpg", "b.png", "raw/c.jpg", "raw/d.txt"] {
        write(&src, f, b"img");
    }
    srv.put(&b, "keep.txt", b"not mine").await;
    let dst = format!("s3://{b}/");
    let r = p.run(&[
        "sync",
        "--delete",
        "--force",
        "--exclude",
        "*",
        "--include",
        "*.jpg",
        "--exclude",
        "raw/*",
        &s(&src),
        &dst,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let keys: Vec<String> = srv.keys(&b, "").await.into_iter().collect();
    assert_eq!(keys, ["a.jpg", "keep.txt"], "{}", r.stderr);
}

/// Usage errors are exit 2 and change nothing; a download sync's local
/// deletes are held back without --delete-local, and made with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_and_local_deletes() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync-use").await;
    srv.put(&b, "d/a.txt", b"a").await;
    let here = p.dir("here");
    for args in [
        vec!["sync".to_owned(), s(&here), s(&p.dir("there"))],
        vec![
            "sync".into(),
            format!("s3://{b}/d/"),
            format!("s3://{b}/d/sub/"),
        ],
        vec![
            "sync".into(),
            "--compare".into(),
            "sha9".into(),
            s(&here),
            format!("s3://{b}/"),
        ],
        vec![
            "sync".into(),
            s(&p.home().join("missing")),
            format!("s3://{b}/"),
        ],
        vec!["sync".into(), "-".into(), format!("s3://{b}/")],
        vec![
            "sync".into(),
            "--backup-prefix".into(),
            "d/old/".into(),
            s(&here),
            format!("s3://{b}/d/"),
        ],
        vec![
            "sync".into(),
            "--backup-prefix".into(),
            "bak/".into(),
            format!("s3://{b}/d/"),
            s(&here),
        ],
    ] {
        let r = p.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
    write(&here, "extra.txt", b"mine");
    write(&here, "other.txt", b"mine too");
    write(&here, "a.txt", b"a");
    set_mtime(&here, "a.txt", 1);
    let from = format!("s3://{b}/d/");
    let r = p.run(&["sync", "--delete", "--force", &from, &s(&here)]);
    // Held back is a skip nobody asked for: exit 2, as the aws CLI's.
    assert_eq!(r.code, 2, "{}: {}", r.code, r.stderr);
    assert!(r.stderr.contains("--delete-local"), "{}", r.stderr);
    assert!(here.join("extra.txt").exists(), "held back");
    let r = p.run(&[
        "sync",
        "--delete",
        "--delete-local",
        "--force",
        &from,
        &s(&here),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!here.join("extra.txt").exists() && !here.join("other.txt").exists());
    assert_eq!(std::fs::read(here.join("a.txt")).unwrap(), b"a");
}

/// On a terminal without --yes it asks once with the totals: anything but
/// y changes nothing; y runs the plan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_is_asked_once() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync-tty").await;
    let src = p.dir("src");
    write(&src, "a.txt", b"a");
    let cmd = ["sync".to_owned(), s(&src), format!("s3://{b}/")];
    for no in ["q\r", "\r", "n\r"] {
        let mut t = p.pty(&cmd);
        t.wait_for_output("Run this plan (upload 1 (1 B))? [y/N]");
        t.keys(no);
        assert_eq!(
            t.wait_exit(Duration::from_secs(60)).exit_code(),
            0,
            "{}",
            t.raw_text()
        );
        assert!(srv.keys(&b, "").await.is_empty(), "{no:?} is no yes");
    }
    let mut t = p.pty(&cmd);
    t.wait_for_output("[y/N]");
    t.keys("y\r");
    assert_eq!(
        t.wait_exit(Duration::from_secs(60)).exit_code(),
        0,
        "{}",
        t.raw_text()
    );
    assert_eq!(srv.keys(&b, "").await.len(), 1);
}

/// SIGTERM mid-sync, uploading: exit 143, the multipart upload aborted,
/// the delete the plan held never run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_upload_aborts_it_and_deletes_nothing() {
    use crate::cli::signals::{SLOW, kill, upload_under_way};
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    p.config(SLOW);
    let b = srv.bucket("cli-sync-term").await;
    srv.put(&b, "p/only-there.txt", b"x").await;
    srv.put(&b, "p/also-there.txt", b"x").await;
    let src = p.dir("big");
    write(
        &src,
        "big.bin",
        &crate::common::engine::data(40 * crate::common::engine::MIB, 9),
    );
    write(&src, "also-there.txt", b"x");
    let child = p
        .command(&["sync", "--delete", &s(&src), &format!("s3://{b}/p/")])
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    upload_under_way(&srv, &b).await;
    kill(child.id(), libc::SIGTERM);
    let r = crate::cli::harness::finish(child);
    assert_eq!(r.code, 143, "{}", r.stderr);
    assert!(
        srv.store.open_uploads(&b, "").await.unwrap().is_empty(),
        "an open upload was left"
    );
    let keys: Vec<String> = srv.keys(&b, "").await.into_iter().collect();
    assert_eq!(
        keys,
        ["p/also-there.txt", "p/only-there.txt"],
        "no big.bin, no delete"
    );
}

/// SIGTERM mid-sync, downloading over a file: exit 143, the file as it
/// was, no temp file beside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_download_leaves_the_folder_as_it_was() {
    use crate::cli::signals::SLOW;
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    p.config(SLOW);
    let b = srv.bucket("cli-sync-dl-term").await;
    srv.put(
        &b,
        "big.bin",
        &crate::common::engine::data(40 * crate::common::engine::MIB, 4),
    )
    .await;
    let into = p.dir("into");
    write(&into, "big.bin", b"mine");
    let before = crate::common::engine::tree(&into);
    let mut t = p.pty(&[
        "sync".into(),
        "--yes".into(),
        format!("s3://{b}/"),
        s(&into),
    ]);
    t.wait_for_output("/s · ");
    t.signal("TERM");
    assert_eq!(
        t.wait_exit(Duration::from_secs(60)).exit_code(),
        143,
        "{}",
        t.raw_text()
    );
    assert_eq!(crate::common::engine::tree(&into), before);
}

/// The record of the last sync lives in the state dir; a path edited on
/// both sides since is a conflict: neither version is overwritten, the
/// exit status says a conflict was left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_on_both_sides_since_the_last_sync_is_left_alone() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync-both").await;
    let src = p.dir("notes");
    write(&src, "a.txt", b"one");
    write(&src, "b.txt", b"two");
    let dst = format!("s3://{b}/notes");
    let r = p.run(&["sync", &s(&src), &dst]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(&src, "a.txt", b"edited here");
    write(&src, "b.txt", b"two, edited here only");
    srv.put(&b, "notes/a.txt", b"edited there!").await;
    let r = p.run(&["sync", &s(&src), &dst]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout).into_owned();
    assert!(
        out.contains("! conflict a.txt  (both sides changed since the last sync"),
        "{out}"
    );
    assert!(out.contains("* upload   b.txt"), "{out}");
    assert_eq!(srv.get(&b, "notes/a.txt").await, b"edited there!");
    assert_eq!(std::fs::read(src.join("a.txt")).unwrap(), b"edited here");
    assert_eq!(srv.get(&b, "notes/b.txt").await, b"two, edited here only");
    // Only the conflict left: said, not "already matches".
    let r = p.run(&["sync", &s(&src), &dst]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("1 conflict left alone"), "{}", r.stderr);
    assert!(!r.stderr.contains("already matches"), "{}", r.stderr);
}

/// Where the home trash exists, a local delete goes there (with the
/// .trashinfo a file manager restores from), without --delete-local.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_deletes_go_to_the_trash_where_there_is_one() {
    let Some(srv) = Server::moto().await else {
        return;
    };
    let p = Pail::for_server(&srv);
    let b = srv.bucket("cli-sync-trash").await;
    srv.put(&b, "d/a.txt", b"a").await;
    let trash = p.home().join(".local/share/Trash");
    std::fs::create_dir_all(&trash).unwrap();
    let here = p.dir("here");
    write(&here, "extra.txt", b"mine");
    write(&here, "sub/old.txt", b"old");
    let from = format!("s3://{b}/d/");
    let r = p.run(&["sync", "--delete", "--force", &from, &s(&here)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Local deletes go to the trash"),
        "{}",
        r.stderr
    );
    assert!(!here.join("extra.txt").exists() && !here.join("sub/old.txt").exists());
    assert_eq!(
        std::fs::read(trash.join("files/extra.txt")).unwrap(),
        b"mine"
    );
    assert_eq!(std::fs::read(trash.join("files/old.txt")).unwrap(), b"old");
    let info = std::fs::read_to_string(trash.join("info/old.txt.trashinfo")).unwrap();
    assert!(
        info.contains("[Trash Info]") && info.contains("/here/sub/old.txt"),
        "{info}"
    );
    assert_eq!(std::fs::read(here.join("a.txt")).unwrap(), b"a");
}
