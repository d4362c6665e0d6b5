//! Every write keeps what it should (part 4): no object lost to a name
//! collision, inside one job (two sources, one destination) or with a
//! second writer ("keep both" names taken meanwhile), and no torn upload of
//! a file that changes while it is read. Each scenario runs on the servers
//! that can hold it and checks the bucket itself, not only the report.

use crate::common::engine::*;
use crate::common::proxy::{Fault, Proxy};
use crate::common::tap::{Call, Tap};
use pail::engine::{Mapping, Outcome, Phase, Policy, Refusal, S3Source, Settings, Spec};
use pail::store::Store;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

fn policy(p: Policy) -> Settings {
    Settings {
        concurrency: 1,
        conflict: p,
        ..settings()
    }
}

fn copy(bucket: &str, sources: Vec<Mapping>, remove_source: bool) -> Spec {
    Spec::Copy {
        bucket: bucket.into(),
        sources,
        dest_bucket: bucket.into(),
        remove_source,
    }
}

fn upload(paths: Vec<PathBuf>, bucket: &str, prefix: &str) -> Spec {
    Spec::Upload {
        paths,
        bucket: bucket.into(),
        prefix: prefix.into(),
        options: Default::default(),
    }
}

/// Every key under `prefix` with its body.
async fn bodies(s: &Server, bucket: &str, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for k in s.keys(bucket, prefix).await {
        let body = s.get(bucket, &k).await;
        out.insert(k, body);
    }
    out
}

async fn objects(s: &Server, bucket: &str, names: &[&str]) -> Vec<Mapping> {
    let mut out = Vec::new();
    for k in names {
        let o = s.summary(bucket, k).await;
        out.push(Mapping::into_prefix(S3Source::Object(o), "dest/"));
    }
    out
}

// 1. Two sources, one destination, one job -----------------------------------

on_servers!(a_move_of_two_sources_to_one_key_loses_neither: moto, radosgw, s3s, rustack);
async fn a_move_of_two_sources_to_one_key_loses_neither(s: &Server) {
    let b = s.bucket("twomove").await;
    s.put(&b, "a/r0.txt", b"from a").await;
    s.put(&b, "b/r0.txt", b"from b").await;
    let sources = objects(s, &b, &["a/r0.txt", "b/r0.txt"]).await;
    let r = run(&s.env(policy(Policy::Overwrite)), copy(&b, sources, true)).await;
    let all = bodies(s, &b, "").await;
    let kept: Vec<&Vec<u8>> = all.values().collect();
    assert!(kept.contains(&&b"from a".to_vec()), "{}: {all:?}", s.name);
    assert!(kept.contains(&&b"from b".to_vec()), "{}: {all:?}", s.name);
    // The report counts what landed: one copy at dest/r0.txt.
    let landed = s.keys(&b, "dest/").await.len() as u64;
    assert_eq!(r.snap.objects_done, landed, "{:#?}", r.items);
    assert_eq!(all["dest/r0.txt"], b"from a");
    assert_eq!(all["b/r0.txt"], b"from b", "the refused source stays");
    assert!(!all.contains_key("a/r0.txt"), "the moved source went");
    assert_eq!(
        r.outcome("b/r0.txt"),
        &Outcome::Refused(Refusal::Collision("a/r0.txt".into()))
    );
    // A refusal is not success: the job says so.
    assert_eq!(r.snap.phase, Phase::Failed);
    assert_eq!(r.snap.refused, 1);
}

on_servers!(a_copy_of_two_sources_to_one_key_keeps_both: moto, radosgw, s3s, rustack);
async fn a_copy_of_two_sources_to_one_key_keeps_both(s: &Server) {
    let b = s.bucket("twokeep").await;
    s.put(&b, "a/r0.txt", b"from a").await;
    s.put(&b, "b/r0.txt", b"from b").await;
    let sources = objects(s, &b, &["a/r0.txt", "b/r0.txt"]).await;
    let r = run(&s.env(policy(Policy::KeepBoth)), copy(&b, sources, false)).await;
    let dest = bodies(s, &b, "dest/").await;
    assert_eq!(dest.len(), 2, "{}: {dest:?}", s.name);
    assert_eq!(dest["dest/r0.txt"], b"from a");
    assert_eq!(dest["dest/r0 (1).txt"], b"from b");
    r.assert_done(2);
    let item = r.items.iter().find(|i| i.name == "b/r0.txt").unwrap();
    assert_eq!(item.dest.as_deref(), Some("dest/r0 (1).txt"));
}

on_servers!(a_download_of_two_keys_to_one_file_loses_neither: moto);
async fn a_download_of_two_keys_to_one_file_loses_neither(s: &Server) {
    let b = s.bucket("twodown").await;
    s.put(&b, "a/r0.txt", b"from a").await;
    s.put(&b, "b/r0.txt", b"from b").await;
    let dir = tempfile::tempdir().unwrap();
    let mut sources = Vec::new();
    for k in ["a/r0.txt", "b/r0.txt"] {
        let o = s.summary(&b, k).await;
        sources.push(Mapping::into_prefix(S3Source::Object(o), ""));
    }
    let spec = Spec::Download {
        bucket: b.clone(),
        sources: sources.clone(),
        dest: dir.path().into(),
    };
    let r = run(&s.env(policy(Policy::Overwrite)), spec).await;
    let files = tree(dir.path());
    assert_eq!(
        files.len() as u64,
        r.snap.objects_done,
        "{files:?} {:#?}",
        r.items
    );
    assert_eq!(files["r0.txt"], Entry::File(b"from a".to_vec()));
    assert_eq!(
        r.outcome("b/r0.txt"),
        &Outcome::Refused(Refusal::Collision("a/r0.txt".into()))
    );
    // Keep both: both files.
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec::Download {
        bucket: b.clone(),
        sources,
        dest: dir.path().into(),
    };
    let r = run(&s.env(policy(Policy::KeepBoth)), spec).await;
    r.assert_done(2);
    let files = tree(dir.path());
    assert_eq!(files["r0.txt"], Entry::File(b"from a".to_vec()));
    assert_eq!(files["r0 (1).txt"], Entry::File(b"from b".to_vec()));
}

on_servers!(an_upload_of_two_files_with_one_name_loses_neither: moto, radosgw, s3s, rustack);
async fn an_upload_of_two_files_with_one_name_loses_neither(s: &Server) {
    let b = s.bucket("twoup").await;
    let dir = tempfile::tempdir().unwrap();
    for (d, body) in [("one", "first"), ("two", "second")] {
        std::fs::create_dir(dir.path().join(d)).unwrap();
        std::fs::write(dir.path().join(d).join("a.txt"), body).unwrap();
    }
    let paths = vec![dir.path().join("one/a.txt"), dir.path().join("two/a.txt")];
    let r = run(
        &s.env(policy(Policy::Overwrite)),
        upload(paths.clone(), &b, "p/"),
    )
    .await;
    let up = bodies(s, &b, "p/").await;
    assert_eq!(
        up.len() as u64,
        r.snap.objects_done,
        "{up:?} {:#?}",
        r.items
    );
    assert_eq!(up["p/a.txt"], b"first");
    let second = paths[1].display().to_string();
    assert!(
        matches!(r.outcome(&second), Outcome::Refused(Refusal::Collision(_))),
        "{:#?}",
        r.items
    );
    let r = run(&s.env(policy(Policy::KeepBoth)), upload(paths, &b, "q/")).await;
    r.assert_done(2);
    let up = bodies(s, &b, "q/").await;
    assert_eq!(up["q/a.txt"], b"first");
    assert_eq!(up["q/a (1).txt"], b"second");
}

// 2. Keep both never overwrites ---------------------------------------------

on_servers!(keep_both_picks_a_free_name_every_time: moto, radosgw, s3s, rustack);
async fn keep_both_picks_a_free_name_every_time(s: &Server) {
    let b = s.bucket("keepboth").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("n.txt");
    for v in ["v1", "v2", "v3", "v4"] {
        std::fs::write(&file, v).unwrap();
        let r = run(
            &s.env(policy(Policy::KeepBoth)),
            upload(vec![file.clone()], &b, "p/"),
        )
        .await;
        r.assert_done(1);
    }
    let up = bodies(s, &b, "p/").await;
    let want: BTreeMap<String, Vec<u8>> = [
        ("p/n.txt", "v1"),
        ("p/n (1).txt", "v2"),
        ("p/n (2).txt", "v3"),
        ("p/n (3).txt", "v4"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.as_bytes().to_vec()))
    .collect();
    assert_eq!(up, want, "{}", s.name);
    // Server-side copies too, into another bucket's same prefix.
    let src = s.summary(&b, "p/n.txt").await;
    let other = s.bucket("keepboth2").await;
    for _ in 0..3 {
        let m = Mapping::into_prefix(S3Source::Object(src.clone()), "p/");
        let spec = Spec::Copy {
            bucket: b.clone(),
            sources: vec![m],
            dest_bucket: other.clone(),
            remove_source: false,
        };
        run(&s.env(policy(Policy::KeepBoth)), spec)
            .await
            .assert_done(1);
    }
    let copies: Vec<String> = s.keys(&other, "p/").await.into_iter().collect();
    assert_eq!(copies, ["p/n (1).txt", "p/n (2).txt", "p/n.txt"]);
}

on_servers!(keep_both_survives_a_second_writer: moto, radosgw, s3s, rustack);
async fn keep_both_survives_a_second_writer(s: &Server) {
    if !s.conditional_put() {
        eprintln!(
            "{}: no conditional PutObject; the HEAD before writing is all",
            s.name
        );
        return;
    }
    let b = s.bucket("race").await;
    s.put(&b, "p/n.txt", b"first").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("n.txt");
    std::fs::write(&file, "ours").unwrap();
    // Another writer takes "n (1).txt" just as pail sends its write there.
    let sdk = s.sdk.clone();
    let bucket = b.clone();
    let raced = Arc::new(AtomicBool::new(false));
    let flag = raced.clone();
    let tap = Tap::new(s.store.clone(), move |c| {
        if let Call::Put(req) = c
            && req.key == "p/n (1).txt"
            && !flag.swap(true, Ordering::SeqCst)
        {
            let (sdk, bucket) = (sdk.clone(), bucket.clone());
            std::thread::spawn(move || {
                let rt = tokio::runtime::Runtime::new().unwrap();
                rt.block_on(crate::common::put(&sdk, &bucket, "p/n (1).txt", b"theirs"));
            })
            .join()
            .unwrap();
        }
    });
    let store: Arc<dyn Store> = Arc::new(tap);
    let r = run(
        &env_with(store, policy(Policy::KeepBoth)),
        upload(vec![file], &b, "p/"),
    )
    .await;
    assert!(raced.load(Ordering::SeqCst), "the second writer never came");
    r.assert_done(1);
    let up = bodies(s, &b, "p/").await;
    assert_eq!(up["p/n.txt"], b"first");
    assert_eq!(
        up["p/n (1).txt"], b"theirs",
        "{}: the other writer's object",
        s.name
    );
    assert_eq!(up["p/n (2).txt"], b"ours");
}

// 3. Torn uploads -------------------------------------------------------------

/// Appends to (or rewrites in place) a local file when the store sees a
/// given write: the file changes while pail uploads.
fn changer(
    store: Arc<dyn Store>,
    when: impl Fn(&Call<'_>) -> bool + Send + Sync + 'static,
    path: PathBuf,
    change: fn(&Path),
) -> Arc<dyn Store> {
    let once = Mutex::new(false);
    Arc::new(Tap::new(store, move |c| {
        let mut done = once.lock().unwrap();
        if !*done && when(&c) {
            *done = true;
            change(&path);
        }
    }))
}

fn append(p: &Path) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
    f.write_all(b" and a line logged later").unwrap();
}

fn rewrite_start(p: &Path) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
    f.write_all_at(b"CHANGED", 0).unwrap();
    // Some file systems keep whole-second times: make the change visible.
    let t = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    f.set_modified(t).unwrap();
}

on_servers!(a_file_that_grows_before_it_is_read_is_not_sent_torn: moto, radosgw, s3s, rustack);
async fn a_file_that_grows_before_it_is_read_is_not_sent_torn(s: &Server) {
    let b = s.bucket("grows").await;
    let dir = tempfile::tempdir().unwrap();
    // a.bin goes first (concurrency 1, name order); while it uploads, the
    // walk has already seen b.log, which then grows.
    std::fs::write(dir.path().join("a.bin"), data(1000, 1)).unwrap();
    std::fs::write(dir.path().join("b.log"), "first line").unwrap();
    let log = dir.path().join("b.log");
    // The local walk runs on its own thread beside the uploads: it has
    // handed over a.bin, but under load it may not have looked at b.log
    // yet when a.bin's PutObject goes out. Give it that moment before the
    // log grows (nothing is timed: the walk of two files only has to have
    // been scheduled), else the walk sees the grown file and sends all of
    // it, which is right but not this test's case.
    let store = changer(
        s.store.clone(),
        |c| {
            let hit = matches!(c, Call::Put(r) if r.key.ends_with("a.bin"));
            if hit {
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            hit
        },
        log.clone(),
        append,
    );
    let r = run(
        &env_with(store, policy(Policy::Skip)),
        upload(vec![dir.path().to_owned()], &b, "p/"),
    )
    .await;
    let up = bodies(s, &b, "p/").await;
    let key = format!(
        "p/{}/b.log",
        dir.path().file_name().unwrap().to_string_lossy()
    );
    if let Some(body) = up.get(&key) {
        assert_eq!(
            body.as_slice(),
            std::fs::read(&log).unwrap().as_slice(),
            "{}: a torn copy of the log was uploaded",
            s.name
        );
    }
    assert_eq!(up.len() as u64, r.snap.objects_done, "{:#?}", r.items);
    match r.outcome(&log.display().to_string()) {
        Outcome::Failed(why) => assert!(why.contains("changed while uploading"), "{why}"),
        o => panic!("{}: {o:?}", s.name),
    }
}

on_servers!(a_file_changed_in_place_during_a_multipart_upload_is_not_sent: moto, radosgw, rustack);
async fn a_file_changed_in_place_during_a_multipart_upload_is_not_sent(s: &Server) {
    let b = s.bucket("inplace").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    std::fs::write(&path, data(12 * MIB, 7)).unwrap();
    let store = changer(
        s.store.clone(),
        |c| matches!(c, Call::Part(_, 2)),
        path.clone(),
        rewrite_start,
    );
    let settings = Settings {
        multipart_threshold: 5 * MIB as u64,
        part_size: 5 * MIB as u64,
        ..policy(Policy::Skip)
    };
    let r = run(
        &env_with(store, settings),
        upload(vec![path.clone()], &b, "p/"),
    )
    .await;
    assert_eq!(r.snap.objects_done, 0, "{:#?}", r.items);
    assert!(s.keys(&b, "p/").await.is_empty(), "{}: torn object", s.name);
    match r.outcome(&path.display().to_string()) {
        Outcome::Failed(why) => assert!(why.contains("changed while uploading"), "{why}"),
        o => panic!("{o:?}"),
    }
    assert_eq!(
        r.snap.bytes_done, 0,
        "bytes of a failed upload are not counted"
    );
    if s.caps.list_uploads {
        let open = s.store.open_uploads(&b, "").await.unwrap();
        assert!(open.is_empty(), "{open:?}");
    }
}

// 4. A completion whose answer says nothing -------------------------------------

/// A 12 MiB multipart upload to moto through a proxy that does `fault` to
/// CompleteMultipartUpload (POST ...?uploadId=...).
async fn complete_through(fault: Fault) -> Option<(Run, Server, String, Vec<u8>)> {
    let s = Server::moto().await?;
    let b = s
        .bucket(&format!("complete-{}", format!("{fault:?}").to_lowercase()))
        .await;
    let proxy = Proxy::start(&s.endpoint, move |r| {
        if r.method == "POST" && r.target.contains("uploadId=") {
            fault
        } else {
            Fault::Pass
        }
    })
    .await;
    let store: Arc<dyn Store> = Arc::new(
        pail::store::aws::AwsStore::connect(pail::store::aws::ConnectOptions {
            endpoint_url: Some(proxy.endpoint.clone()),
            region: Some("us-east-1".into()),
            static_credentials: Some(("testing".into(), "testing".into())),
            ..Default::default()
        })
        .await,
    );
    let dir = tempfile::tempdir().unwrap();
    let body = data(12 * MIB, 9);
    std::fs::write(dir.path().join("big.bin"), &body).unwrap();
    let settings = Settings {
        multipart_threshold: 5 * MIB as u64,
        part_size: 5 * MIB as u64,
        retries: 1,
        ..policy(Policy::Skip)
    };
    let r = run(
        &env_with(store, settings),
        upload(vec![dir.path().join("big.bin")], &b, "p/"),
    )
    .await;
    drop(proxy);
    Some((r, s, b, body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_upload_whose_answer_cannot_be_read_is_done() {
    // moto 5.2.1 wraps the answer; a connection can break after the server
    // acted. Either way the object is there: the upload is done, not
    // failed, and not aborted.
    for fault in [Fault::Wrap, Fault::Hangup] {
        let Some((r, s, b, body)) = complete_through(fault).await else {
            return;
        };
        r.assert_done(1);
        assert_eq!(s.get(&b, "p/big.bin").await, body, "{fault:?}");
        assert_eq!(s.store.open_uploads(&b, "").await.unwrap(), [], "{fault:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_completion_that_did_not_happen_says_what_was_unreadable() {
    let Some((r, s, b, _)) = complete_through(Fault::Garble).await else {
        return;
    };
    assert_eq!(r.snap.objects_done, 0, "{:#?}", r.items);
    let why = match &r.items[..] {
        [i] => match &i.outcome {
            Outcome::Failed(w) => w.clone(),
            o => panic!("{o:?}"),
        },
        _ => panic!("{:#?}", r.items),
    };
    assert!(why.contains("CompleteMultipartUpload"), "{why}");
    assert!(why.contains("not there"), "{why}");
    assert!(!why.contains("no error body"), "{why}");
    assert!(s.keys(&b, "p/").await.is_empty());
    // It did not complete, so it was aborted: nothing left behind.
    assert_eq!(s.store.open_uploads(&b, "").await.unwrap(), []);
    assert_eq!(
        r.snap.bytes_done, 0,
        "bytes of a failed upload are not counted"
    );
}

// 5. Summaries count what landed ----------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_of_a_failed_ranged_download_are_not_counted() {
    let Some(s) = Server::moto().await else {
        return;
    };
    let b = s.bucket("failedbytes").await;
    s.put(&b, "big.bin", &data(11 * MIB, 3)).await;
    // The second part breaks off every time; the others arrive.
    let proxy = Proxy::start(&s.endpoint, |r| {
        if r.method == "GET"
            && r.range
                .as_deref()
                .is_some_and(|g| g.starts_with("bytes=5242880-"))
        {
            Fault::Reset
        } else {
            Fault::Pass
        }
    })
    .await;
    let store: Arc<dyn Store> = Arc::new(
        pail::store::aws::AwsStore::connect(pail::store::aws::ConnectOptions {
            endpoint_url: Some(proxy.endpoint.clone()),
            region: Some("us-east-1".into()),
            static_credentials: Some(("testing".into(), "testing".into())),
            ..Default::default()
        })
        .await,
    );
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        multipart_threshold: 5 * MIB as u64,
        part_size: 5 * MIB as u64,
        retries: 1,
        concurrency: 4,
        ..policy(Policy::Skip)
    };
    let o = s.summary(&b, "big.bin").await;
    let spec = Spec::Download {
        bucket: b.clone(),
        sources: vec![Mapping::into_prefix(S3Source::Object(o), "")],
        dest: dir.path().into(),
    };
    let r = run(&env_with(store, settings), spec).await;
    assert_eq!(r.snap.failed, 1, "{:#?}", r.items);
    assert_eq!(r.snap.bytes_done, 0, "bytes of the parts that did arrive");
    assert!(tree(dir.path()).is_empty(), "no file, no temp file");
}

// 6. Local names ----------------------------------------------------------------

fn download_all(b: &str, keys: Vec<pail::store::ObjectSummary>, dest: &Path) -> Spec {
    Spec::Download {
        bucket: b.into(),
        sources: keys
            .into_iter()
            .map(|o| Mapping::into_prefix(S3Source::Object(o), ""))
            .collect(),
        dest: dest.into(),
    }
}

on_servers!(keys_that_differ_only_by_case_meet_on_a_case_insensitive_disk: moto, radosgw, s3s);
async fn keys_that_differ_only_by_case_meet_on_a_case_insensitive_disk(s: &Server) {
    let b = s.bucket("case").await;
    s.put(&b, "README.md", b"upper").await;
    s.put(&b, "readme.md", b"lower").await;
    let objs = vec![
        s.summary(&b, "README.md").await,
        s.summary(&b, "readme.md").await,
    ];
    let folding = |p| Settings {
        case_insensitive: Some(true),
        ..policy(p)
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = download_all(&b, objs.clone(), dir.path());
    let r = run(&s.env(folding(Policy::Overwrite)), spec).await;
    assert_eq!(
        r.outcome("readme.md"),
        &Outcome::Refused(Refusal::CaseClash("README.md".into())),
        "{}",
        s.name
    );
    assert_eq!(tree(dir.path()).len(), 1);
    assert!(
        r.snap
            .refusals
            .iter()
            .any(|(g, n)| g.contains("case") && *n == 1)
    );
    // Keep both: the second gets a name of its own.
    let dir = tempfile::tempdir().unwrap();
    let spec = download_all(&b, objs, dir.path());
    let r = run(&s.env(folding(Policy::KeepBoth)), spec).await;
    r.assert_done(2);
    let files = tree(dir.path());
    assert_eq!(files["README.md"], Entry::File(b"upper".to_vec()));
    assert_eq!(files["readme (1).md"], Entry::File(b"lower".to_vec()));
}

on_servers!(control_characters_in_keys_make_escaped_file_names: moto, radosgw, s3s);
async fn control_characters_in_keys_make_escaped_file_names(s: &Server) {
    let b = s.bucket("ctlnames").await;
    s.put(&b, "d/evil\x1b[2J.txt", b"esc").await;
    s.put(&b, "d/bidi\u{202e}txt.exe", b"bidi").await;
    s.put(&b, "d/plain.txt", b"plain").await;
    let spec = |dest: &Path| Spec::Download {
        bucket: b.clone(),
        sources: vec![Mapping::into_prefix(S3Source::Prefix("d/".into()), "")],
        dest: dest.into(),
    };
    let dir = tempfile::tempdir().unwrap();
    let r = run(&s.env(policy(Policy::Skip)), spec(dir.path())).await;
    r.assert_done(3);
    let files: Vec<String> = tree(dir.path()).into_keys().collect();
    assert_eq!(
        files,
        [
            "d",
            "d/bidi\\u{202e}txt.exe",
            "d/evil\\x1b[2J.txt",
            "d/plain.txt"
        ],
        "{}",
        s.name
    );
    assert_eq!(r.snap.escaped, 2);
    let summary = pail::engine::progress::summary("Downloaded", &r.snap, "");
    assert!(summary.contains("2 names written escaped"), "{summary}");
    // Verbatim, when asked for.
    let dir = tempfile::tempdir().unwrap();
    let verbatim = Settings {
        local_names: pail::engine::LocalNames::Verbatim,
        ..policy(Policy::Skip)
    };
    run(&s.env(verbatim), spec(dir.path())).await.assert_done(3);
    assert!(dir.path().join("d/evil\x1b[2J.txt").exists());
}

on_servers!(empty_folders_are_reported_and_made_markers_when_asked: moto, radosgw, rustack);
async fn empty_folders_are_reported_and_made_markers_when_asked(s: &Server) {
    let b = s.bucket("emptydirs").await;
    let dir = tempfile::tempdir().unwrap();
    let pics = dir.path().join("pics");
    std::fs::create_dir_all(pics.join("empty")).unwrap();
    std::fs::write(pics.join("a.jpg"), "a").unwrap();
    let r = run(
        &s.env(policy(Policy::Skip)),
        upload(vec![pics.clone()], &b, "p/"),
    )
    .await;
    let empty = pics.join("empty").display().to_string();
    assert_eq!(
        r.outcome(&empty),
        &Outcome::Skipped(pail::engine::Skip::EmptyFolder)
    );
    assert_eq!(r.snap.skipped_unasked, 0, "not an error");
    let keys: Vec<String> = s.keys(&b, "p/").await.into_iter().collect();
    assert_eq!(keys, ["p/pics/a.jpg"]);
    let markers = Settings {
        folder_markers: true,
        ..policy(Policy::Skip)
    };
    let r = run(&s.env(markers), upload(vec![pics], &b, "q/")).await;
    r.assert_done(2);
    let keys: Vec<String> = s.keys(&b, "q/").await.into_iter().collect();
    assert_eq!(keys, ["q/pics/a.jpg", "q/pics/empty/"]);
}

// 7. Open multipart uploads ------------------------------------------------------

on_servers!(open_uploads_are_listed_with_their_parts_and_aborted: moto, radosgw, rustack);
async fn open_uploads_are_listed_with_their_parts_and_aborted(s: &Server) {
    let b = s.bucket("openups").await;
    let mut ids = Vec::new();
    for (key, parts) in [("logs/a.bin", 2), ("logs/b.bin", 1), ("other/c.bin", 1)] {
        let id = s
            .sdk
            .create_multipart_upload()
            .bucket(&b)
            .key(key)
            .send()
            .await
            .unwrap()
            .upload_id
            .unwrap();
        for n in 1..=parts {
            s.sdk
                .upload_part()
                .bucket(&b)
                .key(key)
                .upload_id(&id)
                .part_number(n)
                .body(data(5 * MIB, n as u64).into())
                .send()
                .await
                .unwrap();
        }
        ids.push((key.to_owned(), id));
    }
    let rows = pail::engine::uploads::list_open(&*s.store, &b, "logs/")
        .await
        .unwrap();
    let seen: Vec<(String, u64, u64)> = rows
        .iter()
        .map(|r| {
            let p = r.parts.clone().unwrap();
            (r.upload.key.clone(), p.parts, p.bytes)
        })
        .collect();
    let mut seen_sorted = seen.clone();
    seen_sorted.sort();
    assert_eq!(
        seen_sorted,
        [
            ("logs/a.bin".to_string(), 2, 10 * MIB as u64),
            ("logs/b.bin".to_string(), 1, 5 * MIB as u64)
        ],
        "{}",
        s.name
    );
    assert!(
        rows.iter().all(|r| r.upload.initiated.is_some()),
        "{rows:?}"
    );
    assert_eq!(
        pail::engine::uploads::totals(&rows),
        "2 open uploads · 3 parts · 15.0 MiB"
    );
    // Abort the two under logs/ (one twice: the second finds it gone).
    let mut uploads: Vec<(String, String)> = ids[..2].to_vec();
    uploads.push(ids[0].clone());
    let r = run(
        &s.env(policy(Policy::Skip)),
        Spec::AbortUploads {
            bucket: b.clone(),
            uploads,
        },
    )
    .await;
    assert_eq!(r.snap.objects_done, 3, "{:#?}", r.items);
    let left: Vec<String> = s
        .store
        .open_uploads(&b, "")
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.key)
        .collect();
    assert_eq!(
        left,
        ["other/c.bin"],
        "{}: only what was not chosen",
        s.name
    );
}
