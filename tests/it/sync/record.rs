//! The record of the last sync: a path changed on both sides since is a
//! conflict (neither overwritten), a delete that would lose a change at
//! the destination is one too, and a conflict settled either way is sent
//! that way; afterwards both directions plan nothing.

use super::{Server, plan_of, rows, run_plan, write};
use pail::engine::sync::LocalDelete;
use pail::plan::sync::{Action, Book, Endpoint, Options, Plan, Way};
use std::path::Path;

fn book(dir: &Path, src: &Endpoint, dst: &Endpoint) -> Option<Book> {
    Some(Book::open(dir, "test", src, dst))
}

fn opts(dir: &Path, src: &Endpoint, dst: &Endpoint) -> Options {
    Options {
        delete: true,
        record: book(dir, src, dst),
        ..Options::default()
    }
}

fn settle(plan: &mut Plan, path: &str, way: Way) {
    let r = plan.rows.iter_mut().find(|r| r.path() == path).unwrap();
    assert!(r.can_flip(), "{r:#?}");
    while r.way != Some(way) {
        r.flip();
    }
}

async fn both_changed_is_a_conflict_settled_either_way(s: &Server) {
    let b = s.bucket("sync-rec").await;
    let dir = tempfile::tempdir().unwrap();
    let (root, recs) = (dir.path().join("site"), dir.path().join("records"));
    write(&root, "a.txt", b"one");
    write(&root, "b.txt", b"bee");
    write(&root, "c.txt", b"sea");
    write(&root, "d.txt", b"dee");
    let src = Endpoint::Local(root.clone());
    let dst = Endpoint::s3(&b, "site");
    let first = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    assert!(!first.record.as_ref().unwrap().found);
    run_plan(s, &first, false).await.assert_done(4);
    let again = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    assert!(
        again.record.as_ref().unwrap().found,
        "{}: no record",
        s.name
    );
    assert!(again.is_noop(), "{}: {:#?}", s.name, rows(&again));
    // a: both edited. b: only here. c: deleted here, edited there. d:
    // deleted here only (a plain delete).
    write(&root, "a.txt", b"local edit");
    s.put(&b, "site/a.txt", b"remote edit!!").await;
    write(&root, "b.txt", b"bee two");
    std::fs::remove_file(root.join("c.txt")).unwrap();
    s.put(&b, "site/c.txt", b"sea changed").await;
    std::fs::remove_file(root.join("d.txt")).unwrap();
    let mut plan = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    let r = rows(&plan);
    assert_eq!(r["a.txt"].0, Action::Conflict, "{}: {r:#?}", s.name);
    assert_eq!(r["a.txt"].1, "both-changed");
    assert_eq!(r["b.txt"].0, Action::Upload, "{r:#?}");
    assert_eq!(r["c.txt"].0, Action::Conflict, "{r:#?}");
    assert_eq!(r["c.txt"].1, "changed-since-deleted");
    assert_eq!(r["d.txt"].0, Action::Delete, "{r:#?}");
    // Left alone, neither side of a conflict changes.
    let alone = plan.job(LocalDelete::Hold);
    assert!(alone.back.is_empty() && alone.steps.len() == 1 && alone.deletes.len() == 1);
    // Settled for the destination: both go back to the folder.
    settle(&mut plan, "a.txt", Way::Dest);
    settle(&mut plan, "c.txt", Way::Dest);
    run_plan(s, &plan, false).await.assert_done(4);
    assert_eq!(std::fs::read(root.join("a.txt")).unwrap(), b"remote edit!!");
    assert_eq!(std::fs::read(root.join("c.txt")).unwrap(), b"sea changed");
    assert_eq!(s.get(&b, "site/b.txt").await, b"bee two");
    assert!(!s.keys(&b, "site/").await.contains("site/d.txt"));
    let after = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    assert!(after.is_noop(), "{}: {:#?}", s.name, rows(&after));
    // The same record read the other way round: nothing to download.
    let down = plan_of(s, &dst, &src, &opts(&recs, &dst, &src)).await;
    assert!(down.record.as_ref().unwrap().found);
    assert!(down.is_noop(), "{}: {:#?}", s.name, rows(&down));
    // Both edited again, settled for the source this time.
    write(&root, "a.txt", b"local wins here");
    s.put(&b, "site/a.txt", b"remote again").await;
    let mut plan = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    assert_eq!(rows(&plan)["a.txt"].1, "both-changed", "{:#?}", rows(&plan));
    settle(&mut plan, "a.txt", Way::Source);
    run_plan(s, &plan, false).await.assert_done(1);
    assert_eq!(s.get(&b, "site/a.txt").await, b"local wins here");
    let last = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    assert!(last.is_noop(), "{}: {:#?}", s.name, rows(&last));
}

// s3s-fs lists no ETags: an upload's fingerprint (its ETag) cannot be
// compared with its listing there, so it never calls a path changed.
on_servers!(both_changed_is_a_conflict_settled_either_way: moto, radosgw, rustack);

/// Downloading: a file edited here and an object replaced there since the
/// last sync is a conflict; without a record (a first sync) it is not.
async fn a_download_meets_a_local_edit(s: &Server) {
    let b = s.bucket("sync-rec-down").await;
    s.put(&b, "p/x.txt", b"first").await;
    let dir = tempfile::tempdir().unwrap();
    let (root, recs) = (dir.path().join("here"), dir.path().join("records"));
    let src = Endpoint::s3(&b, "p");
    let dst = Endpoint::Local(root.clone());
    let plan = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    run_plan(s, &plan, false).await.assert_done(1);
    write(&root, "x.txt", b"edited here");
    s.put(&b, "p/x.txt", b"replaced there").await;
    let plan = plan_of(s, &src, &dst, &opts(&recs, &src, &dst)).await;
    assert_eq!(
        rows(&plan)["x.txt"].1,
        "both-changed",
        "{}: {:#?}",
        s.name,
        rows(&plan)
    );
    let bare = plan_of(s, &src, &dst, &Options::default()).await;
    assert_eq!(
        rows(&bare)["x.txt"].0,
        Action::Download,
        "{:#?}",
        rows(&bare)
    );
    run_plan(s, &plan, false).await;
    assert_eq!(std::fs::read(root.join("x.txt")).unwrap(), b"edited here");
}

on_servers!(a_download_meets_a_local_edit: moto, radosgw, rustack);
