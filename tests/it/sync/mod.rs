//! Sync (part 7): the plan (every action and reason, the evidence that
//! decided it) and the run of exactly that plan, on every server we start;
//! the command line in cli.rs; the property that a sync after a sync
//! plans nothing in prop.rs.

mod cli;
mod prop;
mod record;

use crate::common::engine::{Run, Server, data, run, settings};
use pail::engine::Spec;
use pail::engine::sync::LocalDelete;
use pail::plan::sync::{self, Action, Compare, Endpoint, Options, Plan};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;

pub fn write(root: &Path, rel: &str, body: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, body).unwrap();
}

pub fn set_mtime(root: &Path, rel: &str, secs: u64) {
    let f = std::fs::File::options()
        .write(true)
        .open(root.join(rel))
        .unwrap();
    f.set_modified(UNIX_EPOCH + Duration::from_secs(secs))
        .unwrap();
}

pub async fn plan_of(s: &Server, src: &Endpoint, dst: &Endpoint, opts: &Options) -> Plan {
    sync::plan(&*s.store, src, dst, opts, &CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("{}: plan: {e}", s.name))
}

/// (path, action, reason code, evidence words) of every row.
pub fn rows(plan: &Plan) -> BTreeMap<String, (Action, &'static str, String)> {
    plan.rows
        .iter()
        .map(|r| (r.path().to_owned(), (r.action, r.reason.code(), r.why())))
        .collect()
}

pub async fn run_plan(s: &Server, plan: &Plan, delete_local: bool) -> Run {
    let env = s.env(settings());
    let local = if delete_local {
        LocalDelete::Remove
    } else {
        LocalDelete::Hold
    };
    run(&env, Spec::Sync(Box::new(plan.job(local)))).await
}

fn with_delete() -> Options {
    Options {
        delete: true,
        ..Options::default()
    }
}

/// Each action and reason of an upload sync, the run of that plan, and a
/// second plan that has nothing left to do.
async fn upload_plans_every_action_and_runs_it(s: &Server) {
    let b = s.bucket("sync-up").await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "new.txt", b"new");
    write(root, "grown.txt", b"longer now");
    write(root, "same.txt", b"same");
    write(root, "sub/deep.bin", &data(3000, 1));
    write(root, "skip.tmp", b"excluded");
    // What is there already: same.txt uploaded after the file was last
    // modified (LastModified is newer), grown.txt with another size, a
    // key only there, a sibling prefix that must never be touched.
    set_mtime(root, "same.txt", 1_600_000_000);
    s.put(&b, "site/same.txt", b"same").await;
    s.put(&b, "site/grown.txt", b"short").await;
    s.put(&b, "site/gone.txt", b"only there").await;
    s.put(&b, "site/keep.tmp", b"excluded there").await;
    s.put(&b, "site-old/x.txt", b"sibling").await;
    let src = Endpoint::Local(root.to_path_buf());
    let dst = Endpoint::s3(&b, "site");
    let opts = Options {
        filters: sync::Filters(vec![sync::Rule::Exclude("*.tmp".into())]),
        ..with_delete()
    };
    let plan = plan_of(s, &src, &dst, &opts).await;
    let r = rows(&plan);
    assert_eq!(r["new.txt"].0, Action::Upload, "{r:#?}");
    assert_eq!(r["new.txt"].1, "new");
    assert_eq!(r["grown.txt"].1, "size-differs", "{r:#?}");
    assert_eq!(r["same.txt"].0, Action::Skip, "{r:#?}");
    assert_eq!(r["sub/deep.bin"].0, Action::Upload);
    assert_eq!(r["gone.txt"].0, Action::Delete, "{r:#?}");
    assert!(
        !r.contains_key("skip.tmp") && !r.contains_key("keep.tmp"),
        "{r:#?}"
    );
    assert_eq!(r.len(), 5, "{r:#?}");
    assert_eq!(plan.total(Action::Upload).bytes, 3 + 10 + 3000);
    let done = run_plan(s, &plan, false).await;
    assert_eq!(done.snap.failed, 0, "{}: {:#?}", s.name, done.items);
    assert_eq!(done.snap.objects_done, 4, "{:#?}", done.items);
    let keys: Vec<String> = s.keys(&b, "").await.into_iter().collect();
    assert_eq!(
        keys,
        [
            "site-old/x.txt",
            "site/grown.txt",
            "site/keep.tmp",
            "site/new.txt",
            "site/same.txt",
            "site/sub/deep.bin"
        ],
        "{}",
        s.name
    );
    assert_eq!(s.get(&b, "site/sub/deep.bin").await, data(3000, 1));
    assert_eq!(s.get(&b, "site/grown.txt").await, b"longer now");
    let again = plan_of(s, &src, &dst, &opts).await;
    assert!(again.is_noop(), "{}: {:#?}", s.name, rows(&again));
}

on_servers!(upload_plans_every_action_and_runs_it: moto, radosgw, s3s, rustack);

/// Down again into an empty folder, then a no-op; the times come back
/// from the uploads' recorded mtime, to the nanosecond.
async fn download_and_back_plans_nothing(s: &Server) {
    let b = s.bucket("sync-down").await;
    let dir = tempfile::tempdir().unwrap();
    let (up, down) = (dir.path().join("up"), dir.path().join("down"));
    write(&up, "a.txt", b"a");
    write(&up, "d/b.txt", b"bb");
    std::fs::File::options()
        .write(true)
        .open(up.join("a.txt"))
        .unwrap()
        .set_modified(UNIX_EPOCH + Duration::new(1_500_000_000, 123_456_789))
        .unwrap();
    let prefix = Endpoint::s3(&b, "p/");
    let local = Endpoint::Local(up.clone());
    let plan = plan_of(s, &local, &prefix, &Options::default()).await;
    run_plan(s, &plan, false).await.assert_done(2);
    let into = Endpoint::Local(down.clone());
    let plan = plan_of(s, &prefix, &into, &Options::default()).await;
    assert_eq!(plan.total(Action::Download).count, 2, "{:#?}", rows(&plan));
    run_plan(s, &plan, false).await.assert_done(2);
    assert_eq!(std::fs::read(down.join("d/b.txt")).unwrap(), b"bb");
    let t = std::fs::metadata(down.join("a.txt"))
        .unwrap()
        .modified()
        .unwrap();
    if s.name != "s3s-fs" {
        // s3s-fs keeps no user metadata: its downloads get LastModified.
        assert_eq!(
            t,
            UNIX_EPOCH + Duration::new(1_500_000_000, 123_456_789),
            "{}",
            s.name
        );
    }
    let again = plan_of(s, &prefix, &into, &Options::default()).await;
    assert!(again.is_noop(), "{}: {:#?}", s.name, rows(&again));
    let back = plan_of(s, &local, &prefix, &Options::default()).await;
    assert!(back.is_noop(), "{}: {:#?}", s.name, rows(&back));
}

on_servers!(download_and_back_plans_nothing: moto, radosgw, s3s, rustack);

/// A same-size edit with the old mtime put back: size-mtime cannot see
/// it, checksum mode does, and says which evidence decided.
async fn checksum_mode_finds_a_same_size_edit(s: &Server) {
    let b = s.bucket("sync-sum").await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "x.txt", b"version-1");
    write(root, "big.bin", &data(20 * 1024 * 1024, 3));
    set_mtime(root, "x.txt", 1_600_000_000);
    set_mtime(root, "big.bin", 1_600_000_000);
    let src = Endpoint::Local(root.to_path_buf());
    let dst = Endpoint::s3(&b, "");
    let plan = plan_of(s, &src, &dst, &Options::default()).await;
    run_plan(s, &plan, false).await.assert_done(2);
    write(root, "x.txt", b"version-2");
    set_mtime(root, "x.txt", 1_600_000_000);
    let by_time = plan_of(s, &src, &dst, &Options::default()).await;
    assert!(by_time.is_noop(), "{:#?}", rows(&by_time));
    let sums = Options {
        compare: Compare::Checksum,
        ..Options::default()
    };
    let plan = plan_of(s, &src, &dst, &sums).await;
    let r = rows(&plan);
    assert_eq!(r["x.txt"].0, Action::Upload, "{}: {r:#?}", s.name);
    assert_eq!(r["x.txt"].1, "content-differs", "{r:#?}");
    // The multipart one is proven identical part by part (a composite
    // checksum, or the multipart ETag with its layout), or said to fall
    // back where the server keeps neither.
    assert_eq!(r["big.bin"].0, Action::Skip, "{}: {r:#?}", s.name);
    assert!(
        r["big.bin"].2.contains("checksum") || r["big.bin"].2.contains("ETag"),
        "{}: {r:#?}",
        s.name
    );
    run_plan(s, &plan, false).await.assert_done(1);
    assert_eq!(s.get(&b, "x.txt").await, b"version-2");
    assert!(plan_of(s, &src, &dst, &sums).await.is_noop());
}

on_servers!(checksum_mode_finds_a_same_size_edit: moto, radosgw, rustack);

/// rclone's, s3cmd's and mc's recorded times are each read: a local file
/// with the recorded time is the same, one with another time is not.
async fn each_mtime_convention_is_read(s: &Server) {
    let b = s.bucket("sync-mtime").await;
    let put = |key: &'static str, name: &'static str, value: String| {
        let sdk = s.sdk.clone();
        let b = b.clone();
        async move {
            sdk.put_object()
                .bucket(&b)
                .key(key)
                .metadata(name, value)
                .body(b"body".to_vec().into())
                .send()
                .await
                .unwrap();
        }
    };
    put("rclone.txt", "mtime", "1600000000.5".into()).await;
    put(
        "s3cmd.txt",
        "s3cmd-attrs",
        "atime:1/ctime:1/gid:0/md5:x/mode:33188/mtime:1600000001/uid:0".into(),
    )
    .await;
    put(
        "mc.txt",
        "mc-attrs",
        "atime:1#0/mode:33188/mtime:1600000002#0".into(),
    )
    .await;
    put("moved.txt", "mtime", "1600000003".into()).await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (name, secs) in [
        ("rclone.txt", 0),
        ("s3cmd.txt", 1_600_000_001),
        ("mc.txt", 1_600_000_002),
        ("moved.txt", 1_700_000_000),
    ] {
        write(root, name, b"body");
        if secs > 0 {
            set_mtime(root, name, secs);
        }
    }
    std::fs::File::options()
        .write(true)
        .open(root.join("rclone.txt"))
        .unwrap()
        .set_modified(UNIX_EPOCH + Duration::from_millis(1_600_000_000_500))
        .unwrap();
    let plan = plan_of(
        s,
        &Endpoint::s3(&b, ""),
        &Endpoint::Local(root.to_path_buf()),
        &Options::default(),
    )
    .await;
    let r = rows(&plan);
    assert_eq!(r["rclone.txt"].0, Action::Skip, "{r:#?}");
    assert!(r["rclone.txt"].2.contains("rclone mtime"), "{r:#?}");
    assert!(r["s3cmd.txt"].2.contains("s3cmd-attrs"), "{r:#?}");
    assert_eq!(r["s3cmd.txt"].0, Action::Skip);
    assert!(r["mc.txt"].2.contains("mc-attrs"), "{r:#?}");
    assert_eq!(r["mc.txt"].0, Action::Skip);
    assert_eq!(r["moved.txt"].0, Action::Download, "{r:#?}");
    assert_eq!(r["moved.txt"].1, "time-differs");
    let _ = SystemTime::now();
}

on_servers!(each_mtime_convention_is_read: moto, radosgw, rustack);

/// Rows whose ends changed after the plan fail with "changed since the
/// plan"; every other row runs; the deletes are held back.
async fn a_change_after_the_plan_fails_only_its_row(s: &Server) {
    let b = s.bucket("sync-race").await;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for n in ["a", "b", "c", "d"] {
        write(
            root,
            &format!("{n}.txt"),
            format!("{n}-new-content").as_bytes(),
        );
    }
    for n in ["a", "b"] {
        s.put(&b, &format!("{n}.txt"), b"old").await;
    }
    s.put(&b, "z.txt", b"to delete").await;
    let src = Endpoint::Local(root.to_path_buf());
    let dst = Endpoint::s3(&b, "");
    let plan = plan_of(s, &src, &dst, &with_delete()).await;
    assert_eq!(plan.total(Action::Upload).count, 4, "{:#?}", rows(&plan));
    assert_eq!(plan.total(Action::Delete).count, 1);
    // Meanwhile: another writer replaces a.txt and takes c.txt; the local
    // d.txt is edited.
    s.put(&b, "a.txt", b"theirs").await;
    s.put(&b, "c.txt", b"theirs too").await;
    write(root, "d.txt", b"edited after the plan, longer");
    let done = run_plan(s, &plan, false).await;
    let failed: Vec<(String, String)> = done
        .items
        .iter()
        .filter_map(|i| match &i.outcome {
            pail::engine::Outcome::Failed(w) => Some((i.name.clone(), w.clone())),
            _ => None,
        })
        .collect();
    // A key taken meanwhile is refused by If-None-Match where the server
    // honours it; elsewhere only the replaced object is caught (its HEAD).
    let taken_is_caught = s.conditional_put();
    let want = if taken_is_caught { 3 } else { 2 };
    assert_eq!(failed.len(), want, "{}: {:#?}", s.name, done.items);
    assert!(
        failed
            .iter()
            .all(|(_, w)| w.contains("changed since the plan")),
        "{failed:#?}"
    );
    assert_eq!(s.get(&b, "a.txt").await, b"theirs", "{}", s.name);
    if taken_is_caught {
        assert_eq!(s.get(&b, "c.txt").await, b"theirs too", "{}", s.name);
    }
    assert_eq!(s.get(&b, "b.txt").await, b"b-new-content");
    assert!(
        s.keys(&b, "").await.contains("z.txt"),
        "a failed transfer holds the deletes"
    );
}

on_servers!(a_change_after_the_plan_fails_only_its_row: moto, radosgw, rustack);

/// Prefix to prefix across buckets: copies, then a no-op (same ETags).
async fn prefix_to_prefix_copies_then_plans_nothing(s: &Server) {
    let from = s.bucket("sync-from").await;
    let to = s.bucket("sync-to").await;
    s.put(&from, "d/a.txt", b"a").await;
    s.put(&from, "d/e/b.txt", b"bb").await;
    s.put(&to, "d/stale.txt", b"x").await;
    s.put(&to, "d/e/b.txt", b"old!").await;
    let (src, dst) = (Endpoint::s3(&from, "d"), Endpoint::s3(&to, "d/"));
    let plan = plan_of(s, &src, &dst, &with_delete()).await;
    let r = rows(&plan);
    assert_eq!(r["a.txt"].0, Action::Copy, "{r:#?}");
    assert_eq!(r["e/b.txt"].1, "size-differs");
    assert_eq!(r["stale.txt"].0, Action::Delete);
    let done = run_plan(s, &plan, false).await;
    assert_eq!(done.snap.failed, 0, "{:#?}", done.items);
    let keys: Vec<String> = s.keys(&to, "").await.into_iter().collect();
    assert_eq!(keys, ["d/a.txt", "d/e/b.txt"]);
    assert_eq!(s.get(&to, "d/e/b.txt").await, b"bb");
    let again = plan_of(s, &src, &dst, &with_delete()).await;
    assert!(again.is_noop(), "{}: {:#?}", s.name, rows(&again));
}

on_servers!(prefix_to_prefix_copies_then_plans_nothing: moto, radosgw, rustack);

/// Keys one case-insensitive folder cannot hold apart are conflicts, as
/// are keys that cannot be file names; the rest downloads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_clashes_and_unrepresentable_keys_are_conflicts() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("sync-case").await;
    for k in ["Read.me", "read.me", "ok.txt", "x/../y", "dir", "dir/in"] {
        s.put(&b, k, b"1").await;
    }
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        case_insensitive: Some(true),
        ..Options::default()
    };
    let into = Endpoint::Local(dir.path().join("out"));
    let plan = plan_of(&s, &Endpoint::s3(&b, ""), &into, &opts).await;
    let r = rows(&plan);
    assert_eq!(r["Read.me"].1, "case-clash", "{r:#?}");
    assert_eq!(r["read.me"].1, "case-clash", "{r:#?}");
    assert_eq!(r["x/../y"].1, "not-representable", "{r:#?}");
    assert_eq!(r["dir"].1, "file-and-folder", "{r:#?}");
    assert_eq!(r["ok.txt"].0, Action::Download);
    assert_eq!(r["dir/in"].0, Action::Download);
    let done = run_plan(&s, &plan, false).await;
    assert_eq!(done.snap.objects_done, 2, "{:#?}", done.items);
    let files = crate::common::engine::tree(&dir.path().join("out"));
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        ["dir", "dir/in", "ok.txt"]
    );
}

/// A listing that breaks off is no plan: nothing is copied or deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_failure_plans_nothing() {
    use crate::common::proxy::{Fault, Proxy};
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("sync-fail").await;
    for i in 0..30 {
        s.put(&b, &format!("d/p{}/{i:02}.txt", i % 5), b"x").await;
    }
    let mut lists = 0;
    let proxy = Proxy::start(&s.endpoint, move |r| {
        if r.method == "GET" && r.target.contains("list-type=2") {
            lists += 1;
            if lists == 2 {
                return Fault::Deny;
            }
        }
        Fault::Pass
    })
    .await;
    let store = crate::common::engine::proxied(&proxy.endpoint, Some(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let r = sync::plan(
        &*store,
        &Endpoint::Local(dir.path().to_path_buf()),
        &Endpoint::s3(&b, "d/"),
        &with_delete(),
        &CancellationToken::new(),
    )
    .await;
    assert!(r.is_err(), "{r:?}");
    assert_eq!(s.keys(&b, "d/").await.len(), 30);
}

/// `--backup-prefix`: what a row replaces or deletes is copied there
/// first, under its path; the synced prefix then matches the folder.
async fn replaced_and_deleted_objects_are_backed_up_first(s: &Server) {
    let b = s.bucket("sync-bak").await;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"new content");
    write(dir.path(), "d/keep.txt", b"same");
    set_mtime(dir.path(), "d/keep.txt", 1_600_000_000);
    s.put(&b, "site/a.txt", b"old").await;
    s.put(&b, "site/d/keep.txt", b"same").await;
    s.put(&b, "site/d/gone.txt", b"only there").await;
    let plan = plan_of(
        s,
        &Endpoint::Local(dir.path().to_path_buf()),
        &Endpoint::s3(&b, "site/"),
        &with_delete(),
    )
    .await;
    let mut job = plan.job(LocalDelete::Hold);
    job.backup = Some(".bak/1/".into());
    let env = s.env(settings());
    let done = run(&env, Spec::Sync(Box::new(job))).await;
    assert_eq!(done.snap.failed, 0, "{}: {:#?}", s.name, done.items);
    let keys: Vec<String> = s.keys(&b, "").await.into_iter().collect();
    assert_eq!(
        keys,
        [
            ".bak/1/a.txt",
            ".bak/1/d/gone.txt",
            "site/a.txt",
            "site/d/keep.txt"
        ],
        "{}",
        s.name
    );
    assert_eq!(s.get(&b, ".bak/1/a.txt").await, b"old");
    assert_eq!(s.get(&b, ".bak/1/d/gone.txt").await, b"only there");
    assert_eq!(s.get(&b, "site/a.txt").await, b"new content");
}

on_servers!(replaced_and_deleted_objects_are_backed_up_first: moto, radosgw, rustack);
