//! A model-based test of the transfer engine (issue 12, section 6).
//!
//! Hand-written scenarios find the bugs someone thought of; this finds the
//! ones nobody did. It generates small random worlds where collisions are
//! likely (keys from a few folders and names, the same name under several
//! prefixes, `r0 (1).txt` already there, a local folder holding the same
//! names), a random job (download, upload, copy or move within a bucket or
//! across two, rename, delete; marks that mix objects and prefixes) and a
//! conflict policy, runs it through `engine::run` against the in-memory
//! store (tests/common/memstore.rs) and the demo server (rustack, real
//! HTTP), and holds the report and the world after to the reference model
//! (tests/common/model.rs, checks in tests/common/oracle.rs).
//!
//! The seed is fixed, so CI runs the same cases every time;
//! `PAIL_MODEL_SEED=<n>` explores others and `PAIL_MODEL_CASES=<n>` runs
//! more. A failure prints the shrunk case as a `Case { .. }` literal: paste
//! it into a named `#[test]` at the end of this file (through
//! `in_memory(case)`), and keep it after the fix.

use crate::common::engine::*;
use crate::common::memstore::MemStore;
use crate::common::model::{Case, Job, Mark, ONE, Place, TWO, World, body, local_world};
use crate::common::oracle::check;
use futures::StreamExt;
use pail::engine::{Mapping, Policy, S3Source, Settings, Spec};
use pail::plan::plan_delete;
use pail::store::{GetRequest, ListRequest, PutRequest, Store};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

// Generators ------------------------------------------------------------------

/// Few folders and names, so keys meet: `a/r0.txt`, `b/r0.txt`,
/// `dest/r0.txt`, `dest/r0 (1).txt`, `a/b/r0`...
const DIRS: [&str; 6] = ["", "a/", "b/", "a/b/", "dest/", "dest/a/"];
const NAMES: [&str; 4] = ["r0.txt", "r1.txt", "r0 (1).txt", "r0"];
/// Content ids: six bodies, so "identical" happens too.
const BODIES: u8 = 6;

/// (path, content id) entries, each path once.
fn entries(min: usize, max: usize) -> impl Strategy<Value = Vec<(String, u8)>> {
    prop::collection::vec((0..DIRS.len(), 0..NAMES.len(), 0..BODIES), min..max).prop_map(|v| {
        let mut seen = BTreeSet::new();
        v.into_iter()
            .map(|(d, n, id)| (format!("{}{}", DIRS[d], NAMES[n]), id))
            .filter(|(k, _)| seen.insert(k.clone()))
            .collect()
    })
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Download,
    Upload,
    Paste { across: bool, cut: bool },
    Rename,
    Delete,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        2 => Just(Kind::Download),
        2 => Just(Kind::Upload),
        4 => (any::<bool>(), any::<bool>()).prop_map(|(across, cut)| Kind::Paste { across, cut }),
        1 => Just(Kind::Rename),
        1 => Just(Kind::Delete),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    prop_oneof![
        Just(Policy::Overwrite),
        Just(Policy::Skip),
        Just(Policy::SkipIdentical),
        Just(Policy::KeepBoth),
    ]
}

/// Every folder of `paths` (`a/b/x` → `a/`, `a/b/`).
fn folders(paths: &[(String, u8)]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for (p, _) in paths {
        for (i, _) in p.match_indices('/') {
            out.insert(p[..=i].to_owned());
        }
    }
    out.into_iter().collect()
}

/// Marks picked by `sel` among the keys and folders of `keys`.
fn marks(keys: &[(String, u8)], sel: &[(bool, Index)]) -> Vec<Mark> {
    let objects: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let prefixes = folders(keys);
    let mut out: Vec<Mark> = Vec::new();
    for (prefix, i) in sel {
        let m = if *prefix && !prefixes.is_empty() {
            Mark::Prefix(i.get(&prefixes).clone())
        } else {
            Mark::Object(i.get(&objects).clone())
        };
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

fn cases() -> impl Strategy<Value = Case> {
    let sel = prop::collection::vec((any::<bool>(), any::<Index>()), 1..4);
    (
        (entries(1, 10), entries(0, 5), entries(1, 8)),
        kind(),
        sel,
        (0..DIRS.len(), 0..NAMES.len()),
        policy(),
        prop_oneof![Just(1usize), Just(4)],
        any::<bool>(),
    )
        .prop_map(
            |((one, two, local), kind, sel, (d, n), policy, concurrency, multipart)| {
                let marked = marks(&one, &sel);
                let job = match kind {
                    Kind::Download => Job::Download(marked),
                    Kind::Upload => {
                        let mut all: Vec<String> = local.iter().map(|(p, _)| p.clone()).collect();
                        all.extend(
                            folders(&local)
                                .iter()
                                .map(|f| f.trim_end_matches('/').to_owned()),
                        );
                        let mut picks: Vec<String> = Vec::new();
                        for (_, i) in &sel {
                            let p = i.get(&all).clone();
                            if !picks.contains(&p) {
                                picks.push(p);
                            }
                        }
                        Job::Upload {
                            picks,
                            prefix: DIRS[d].to_owned(),
                        }
                    }
                    Kind::Paste { across, cut } => Job::Paste {
                        marks: marked,
                        prefix: DIRS[d].to_owned(),
                        across,
                        cut,
                    },
                    Kind::Rename => {
                        let mark = marked[0].clone();
                        let to = match &mark {
                            Mark::Object(k) => [n, n + 1]
                                .map(|n| format!("{}{}", DIRS[d], NAMES[n % NAMES.len()]))
                                .into_iter()
                                .find(|t| t != k),
                            Mark::Prefix(p) => [d, d + 1, d + 2]
                                .map(|d| DIRS[d % DIRS.len()].to_owned())
                                .into_iter()
                                .find(|t| !t.is_empty() && t != p),
                        };
                        Job::Rename {
                            mark,
                            to: to.unwrap_or_default(),
                        }
                    }
                    Kind::Delete => Job::Delete(marked),
                };
                Case {
                    one,
                    two,
                    local,
                    job,
                    policy,
                    concurrency,
                    multipart,
                }
            },
        )
}

// Running a case --------------------------------------------------------------

/// Bodies this big or bigger go in parts when the case says `multipart`.
const TINY_THRESHOLD: u64 = 40;

fn settings_for(case: &Case) -> Settings {
    let d = Settings::default();
    Settings {
        concurrency: case.concurrency,
        conflict: case.policy,
        case_insensitive: Some(false),
        multipart_threshold: if case.multipart {
            TINY_THRESHOLD
        } else {
            d.multipart_threshold
        },
        copy_threshold: if case.multipart {
            TINY_THRESHOLD
        } else {
            d.copy_threshold
        },
        ..d
    }
}

/// The object as a listing shows it, as the UI hands it to a job.
async fn summary(store: &dyn Store, bucket: &str, key: &str) -> Result<S3Source, String> {
    let page = store
        .list_page(&ListRequest::recursive(bucket, key, 1))
        .await
        .map_err(|e| format!("listing {key}: {e}"))?;
    page.objects
        .into_iter()
        .find(|o| o.key == key)
        .map(S3Source::Object)
        .ok_or_else(|| format!("the case marks {key:?}, which is not in the bucket"))
}

async fn sources(store: &dyn Store, bucket: &str, marks: &[Mark]) -> Result<Vec<S3Source>, String> {
    let mut out = Vec::new();
    for m in marks {
        out.push(match m {
            Mark::Object(k) => summary(store, bucket, k).await?,
            Mark::Prefix(p) => S3Source::Prefix(p.clone()),
        });
    }
    Ok(out)
}

/// The job as the TUI or `pail cp/mv/rm` would hand it to the engine.
async fn spec(
    store: &dyn Store,
    one: &str,
    two: &str,
    root: &Path,
    case: &Case,
) -> Result<Spec, String> {
    let into = |s: Vec<S3Source>, to: &str| -> Vec<Mapping> {
        s.into_iter().map(|s| Mapping::into_prefix(s, to)).collect()
    };
    Ok(match &case.job {
        Job::Download(marks) => Spec::Download {
            bucket: one.into(),
            sources: into(sources(store, one, marks).await?, ""),
            dest: root.join("out"),
        },
        Job::Upload { picks, prefix } => Spec::Upload {
            paths: picks.iter().map(|p| root.join("src").join(p)).collect(),
            bucket: one.into(),
            prefix: prefix.clone(),
            options: Default::default(),
        },
        Job::Paste {
            marks,
            prefix,
            across,
            cut,
        } => Spec::Copy {
            bucket: one.into(),
            sources: into(sources(store, one, marks).await?, prefix),
            dest_bucket: if *across { two } else { one }.into(),
            remove_source: *cut,
        },
        Job::Rename { mark, to } => {
            let source = sources(store, one, std::slice::from_ref(mark))
                .await?
                .remove(0);
            Spec::Copy {
                bucket: one.into(),
                sources: vec![Mapping {
                    source,
                    from: mark.key().into(),
                    to: to.clone(),
                }],
                dest_bucket: one.into(),
                remove_source: true,
            }
        }
        Job::Delete(marks) => {
            let s = sources(store, one, marks).await?;
            let cancel = tokio_util::sync::CancellationToken::new();
            let plan = plan_delete(store, one, &s, &cancel, |_| {})
                .await
                .map_err(|e| format!("plan_delete: {e}"))?;
            Spec::Delete {
                bucket: one.into(),
                keys: plan.keys,
            }
        }
    })
}

/// Both buckets (by label) and every file under `root`.
async fn world(store: &dyn Store, one: &str, two: &str, root: &Path) -> Result<World, String> {
    let mut w = local_world(root);
    for (label, bucket) in [(ONE, one), (TWO, two)] {
        let mut req = ListRequest::recursive(bucket, "", 1000);
        loop {
            let page = store
                .list_page(&req)
                .await
                .map_err(|e| format!("list {bucket}: {e}"))?;
            for o in page.objects {
                let get = GetRequest {
                    bucket: bucket.into(),
                    key: o.key.clone(),
                    ..GetRequest::default()
                };
                let (_, mut s) = store
                    .get_object(&get)
                    .await
                    .map_err(|e| format!("get {}: {e}", o.key))?;
                let mut data = Vec::new();
                while let Some(c) = s.next().await {
                    data.extend_from_slice(&c.map_err(|e| format!("get {}: {e}", o.key))?);
                }
                w.insert(Place::S3(label, o.key), data);
            }
            match page.next {
                Some(t) => req.token = Some(t),
                None => break,
            }
        }
    }
    Ok(w)
}

/// Runs `case` on `store`, whose buckets `one` and `two` are empty.
async fn run_case(store: Arc<dyn Store>, one: &str, two: &str, case: &Case) -> Result<(), String> {
    for (bucket, objects) in [(one, &case.one), (two, &case.two)] {
        for (key, id) in objects {
            let req = PutRequest {
                bucket: bucket.into(),
                key: key.clone(),
                ..PutRequest::default()
            };
            store
                .put_object(&req, body(*id).into())
                .await
                .map_err(|e| format!("seed {key}: {e}"))?;
        }
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let root = dir.path();
    for (path, id) in &case.local {
        let p = root.join(case.local_dir()).join(path);
        std::fs::create_dir_all(p.parent().unwrap_or(root)).map_err(|e| e.to_string())?;
        std::fs::write(&p, body(*id)).map_err(|e| e.to_string())?;
    }
    let before = world(&*store, one, two, root).await?;
    if before != case.world() {
        return Err(format!(
            "the world was not set up as the case says: {before:#?}"
        ));
    }
    let spec = spec(&*store, one, two, root, case).await?;
    let env = env_with(store.clone(), settings_for(case));
    let r = run(&env, spec).await;
    let after = world(&*store, one, two, root).await?;
    let mut bad = check(case, root, &after, &r);
    for b in [one, two] {
        match store.open_uploads(b, "").await {
            Ok(open) if open.is_empty() => {}
            Ok(open) => bad.push(format!("multipart uploads left open in {b}: {open:?}")),
            Err(e) => bad.push(format!("cannot list the open uploads of {b}: {e}")),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\nitems: {:#?}\nafter: {:#?}",
            bad.join("\n"),
            r.items,
            after.keys()
        ))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn env_number(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `cases` generated cases through `one_case`, shrinking a failure to
/// the smallest case that still fails.
fn explore<F, Fut>(rt: &tokio::runtime::Runtime, cases: u32, one_case: F)
where
    F: Fn(Case) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let cases = env_number("PAIL_MODEL_CASES", cases.into()) as u32;
    let seed = env_number("PAIL_MODEL_SEED", 12);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 1024,
        ..ProptestConfig::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed.to_le_bytes(); 4].concat());
    let mut runner = TestRunner::new_with_rng(config, rng);
    let result = runner.run(&cases_strategy(), |case| {
        rt.block_on(one_case(case)).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => eprintln!("model: {cases} cases passed (PAIL_MODEL_SEED={seed})"),
        Err(proptest::test_runner::TestError::Fail(why, case)) => panic!(
            "the engine broke a promise (PAIL_MODEL_SEED={seed}); the smallest case:\n{case:#?}\n{why}"
        ),
        Err(e) => panic!("{e}"),
    }
}

fn cases_strategy() -> impl Strategy<Value = Case> {
    cases()
}

/// One case against a fresh in-memory store (pages of two keys).
async fn in_memory(case: Case) -> Result<(), String> {
    let store = Arc::new(MemStore::new(&[ONE, TWO], 2));
    run_case(store, ONE, TWO, &case).await
}

#[test]
fn random_jobs_in_memory() {
    let rt = runtime();
    explore(&rt, 64, in_memory);
}

#[test]
fn random_jobs_on_the_demo_server() {
    let rt = runtime();
    let Some(server) = rt.block_on(Server::rustack()) else {
        return;
    };
    let n = AtomicUsize::new(0);
    explore(&rt, 16, |case| {
        let i = n.fetch_add(1, Ordering::Relaxed);
        let server = &server;
        async move {
            let one = server.bucket(&format!("model{i}-one")).await;
            let two = server.bucket(&format!("model{i}-two")).await;
            run_case(server.store.clone(), &one, &two, &case).await
        }
    });
}

// Shrunk failures, kept as regular tests ----------------------------------------

/// Runs a kept case in memory; fails with what the model saw.
fn kept(case: Case) {
    if let Err(why) = runtime().block_on(in_memory(case)) {
        panic!("{why}");
    }
}

fn s(x: &str) -> String {
    x.to_owned()
}

/// `pail mv s3://b/a/r0.txt s3://b/dest/a/ s3://b/` with "overwrite all":
/// `a/r0.txt` goes to `r0.txt`, and `dest/a/r0.txt` to `a/r0.txt`, the
/// first item's source. The move deleted both sources at its end, and with
/// them the second item's copy: its bytes were nowhere, exit 0.
#[test]
fn a_move_never_deletes_what_another_item_wrote_over_its_source() {
    kept(Case {
        one: vec![(s("a/r0.txt"), 1), (s("dest/a/r0.txt"), 2)],
        two: vec![],
        local: vec![],
        job: Job::Paste {
            marks: vec![Mark::Object(s("a/r0.txt")), Mark::Prefix(s("dest/a/"))],
            prefix: s(""),
            across: false,
            cut: true,
        },
        policy: Policy::Overwrite,
        concurrency: 1,
        multipart: false,
    });
}

/// The same marks the other way round: `dest/a/r0.txt` replaced `a/r0.txt`
/// before that was read, so the copy of `a/r0.txt` was of the wrong bytes
/// (a move then kept the source: its bytes were gone all the same).
#[test]
fn an_item_never_replaces_another_items_source_before_it_is_read() {
    for cut in [false, true] {
        kept(Case {
            one: vec![(s("a/r0.txt"), 1), (s("dest/a/r0.txt"), 2)],
            two: vec![],
            local: vec![],
            job: Job::Paste {
                marks: vec![Mark::Prefix(s("dest/a/")), Mark::Object(s("a/r0.txt"))],
                prefix: s(""),
                across: false,
                cut,
            },
            policy: Policy::Overwrite,
            concurrency: 1,
            multipart: false,
        });
    }
}

/// `r0.txt` and `b/r0.txt` marked and pasted into `b/` with "overwrite
/// all": `b/r0.txt` onto itself is refused, and `r0.txt` replaced it or
/// not depending on which was marked first. A marked object is the job's
/// own: another item meets it as it meets an earlier item.
#[test]
fn a_marked_object_is_not_replaced_by_another_item_of_the_paste() {
    for marks in [["r0.txt", "b/r0.txt"], ["b/r0.txt", "r0.txt"]] {
        kept(Case {
            one: vec![(s("r0.txt"), 0), (s("b/r0.txt"), 1)],
            two: vec![],
            local: vec![],
            job: Job::Paste {
                marks: marks.iter().map(|m| Mark::Object(s(m))).collect(),
                prefix: s("b/"),
                across: false,
                cut: false,
            },
            policy: Policy::Overwrite,
            concurrency: 1,
            multipart: false,
        });
    }
}

/// Shrunk from `PAIL_MODEL_SEED=34` (at four requests in flight, now and
/// then): a download of `r0 (1).txt` and `dest/r0 (1).txt` into a folder
/// holding `r0 (1).txt`, "keep both". Both items needed a new name at once;
/// each chose `r0 (1) (1).txt` before either claimed it, and the second
/// failed ("already exists"): nothing lost, but the job failed. Here 32
/// items race for names, ten times over, so the race shows whenever it is
/// there.
#[test]
fn keep_both_names_of_one_download_are_never_picked_twice() {
    let one: Vec<(String, u8)> = (0..32u8).map(|i| (format!("d{i}/r0.txt"), i % 6)).collect();
    for _ in 0..10 {
        kept(Case {
            one: one.clone(),
            two: vec![],
            local: vec![(s("r0.txt"), 5)],
            job: Job::Download(one.iter().map(|(k, _)| Mark::Object(k.clone())).collect()),
            policy: Policy::KeepBoth,
            concurrency: 32,
            multipart: false,
        });
    }
}

// An item that panics ------------------------------------------------------------

/// A bug that panics inside one item (here, the store call of `boom.txt`)
/// is that item's failure: the job used to drop the item's task handle, so
/// the item vanished from the report and the job said every other item
/// was done, and a move counted nothing as failed.
#[test]
fn an_item_that_panics_is_reported_failed_and_its_source_kept() {
    runtime().block_on(async {
        let mem = Arc::new(MemStore::new(&[ONE, TWO], 1000));
        let store: Arc<dyn Store> = mem.clone();
        for key in ["a.txt", "boom.txt"] {
            let req = PutRequest {
                bucket: ONE.into(),
                key: key.into(),
                ..PutRequest::default()
            };
            store.put_object(&req, body(1).into()).await.unwrap();
        }
        mem.panic_on("boom.txt");
        // A copy, then a move into a fresh prefix (no conflict to ask about).
        for (remove_source, into) in [(false, ""), (true, "moved/")] {
            let env = env_with(store.clone(), Settings::default());
            let spec = Spec::Copy {
                bucket: ONE.into(),
                sources: vec![Mapping::into_prefix(S3Source::Prefix(String::new()), into)],
                dest_bucket: TWO.into(),
                remove_source,
            };
            let r = run(&env, spec).await;
            match r.outcome("boom.txt") {
                pail::engine::Outcome::Failed(why) => assert!(why.contains("a bug"), "{why}"),
                other => panic!("boom.txt: {other:?}"),
            }
            assert_eq!(r.snap.failed, 1, "{:?}", r.items);
            assert!(
                mem.objects(ONE).contains_key("boom.txt"),
                "a move kept its source"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let env = env_with(store.clone(), Settings::default());
        let spec = Spec::Download {
            bucket: ONE.into(),
            sources: vec![Mapping::into_prefix(S3Source::Prefix(String::new()), "")],
            dest: dir.path().to_owned(),
        };
        let r = run(&env, spec).await;
        assert!(matches!(
            r.outcome("boom.txt"),
            pail::engine::Outcome::Failed(_)
        ));
        assert_eq!(r.snap.failed, 1, "{:?}", r.items);
    });
}
