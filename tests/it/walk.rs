//! The parallel walker (part 7 §1): every key under a prefix, once, in
//! key order, whatever the tree looks like, held against a plain
//! recursive listing of the same store: a wide tree, a flat prefix, a deep
//! narrow one, prefixes that share a beginning (`logs` covers `logs/` and
//! `logs-old/`, `logs/` never `logs-old/`), folder markers, empty
//! segments; and random trees (proptest). Then against moto and radosgw,
//! where the same holds on real servers. A listing error ends the walk
//! with the error; a cancel ends it at once.

use crate::common::memstore::MemStore;
use pail::store::{ListRequest, Store, pages};
use pail::walk::{Walk, WalkOptions, all};
use proptest::prelude::*;

const B: &str = "walk";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn flat(store: &dyn Store, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut p = pages(store, ListRequest::recursive(B, prefix, 1000));
    while let Some(page) = p.next().await {
        out.extend(page.unwrap().objects.into_iter().map(|o| o.key));
    }
    out
}

async fn walked(store: &dyn Store, prefix: &str, width: usize) -> Vec<String> {
    all(store, B, prefix, WalkOptions { width }, None)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.key)
        .collect()
}

fn keys(spec: &[&str]) -> Vec<String> {
    spec.iter().map(|s| (*s).to_owned()).collect()
}

fn check(store: &MemStore, prefixes: &[&str]) {
    rt().block_on(async {
        for prefix in prefixes {
            let want = flat(store, prefix).await;
            for width in [1, 2, 16] {
                assert_eq!(
                    walked(store, prefix, width).await,
                    want,
                    "prefix {prefix:?} width {width}"
                );
            }
        }
    });
}

#[test]
fn every_key_once_in_order_on_shaped_trees() {
    // Pages of 3 keys: every level of more than one page goes flat.
    let store = MemStore::new(&[B], 3);
    let mut k = keys(&[
        "a",
        "logs/",
        "logs/2025/01/x.gz",
        "logs/2025/02/y.gz",
        "logs/2026/z.gz",
        "logs-old/q.gz",
        "logs.txt",
        "m//empty-segment",
        "m/n/o/p/q/r/deep",
        "zz",
        "\u{e9}t\u{e9}/\u{1f600}",
    ]);
    for i in 0..50 {
        k.push(format!("wide/{i:03}/k"));
    }
    for i in 0..40 {
        k.push(format!("flat/{i:04}"));
    }
    store.seed(B, &k);
    check(
        &store,
        &[
            "",
            "logs",
            "logs/",
            "logs/2025/",
            "wide/",
            "flat/",
            "m/",
            "nothing/",
        ],
    );
}

#[test]
fn a_wide_tree_is_listed_side_by_side_in_fewer_rounds() {
    let store = MemStore::new(&[B], 1000);
    let k: Vec<String> = (0..100)
        .flat_map(|p| (0..30).map(move |i| format!("p{p:03}/{i:03}")))
        .collect();
    store.seed(B, &k);
    rt().block_on(async {
        let mut w = Walk::new(&store, B, "", WalkOptions { width: 16 });
        let mut n = 0;
        while let Some(b) = w.next().await {
            n += b.unwrap().len();
        }
        assert_eq!(n, 3000);
        // One level, then one request per prefix.
        assert_eq!(w.requests(), 101);
        assert_eq!(w.listed(), 3000);
    });
}

#[test]
fn an_error_ends_the_walk_and_a_cancel_stops_it() {
    let store = MemStore::new(&[B], 2);
    store.seed(B, &keys(&["a/1", "a/2", "a/3", "b/1"]));
    rt().block_on(async {
        let mut w = Walk::new(&store, "no-such-bucket", "", WalkOptions::default());
        assert!(w.next().await.unwrap().is_err());
        assert!(w.next().await.is_none());
        let cancel = tokio_util::sync::CancellationToken::new();
        cancel.cancel();
        let mut w = Walk::new(&store, B, "", WalkOptions::default()).cancel_on(&cancel);
        let e = w.next().await.unwrap().unwrap_err();
        assert_eq!(e.kind, pail::store::ErrorKind::Cancelled);
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Random trees of short keys over a small alphabet with `/` (so
    /// prefixes nest, share beginnings and hold folder markers), random
    /// page sizes, random prefixes: the walk is the listing.
    #[test]
    fn the_walk_is_the_listing(
        raw in proptest::collection::btree_set("[ab/]{1,7}", 0..60),
        page in 1usize..5,
        prefix in "[ab/]{0,3}",
    ) {
        let store = MemStore::new(&[B], page);
        let k: Vec<String> = raw.into_iter().collect();
        store.seed(B, &k);
        let (want, got) = rt().block_on(async {
            (flat(&store, &prefix).await, walked(&store, &prefix, 3).await)
        });
        prop_assert_eq!(got, want);
    }
}

/// On real servers: the walk equals a plain listing over a tree with a
/// wide level, a flat prefix and a sibling that shares a beginning.
async fn real(server: Option<crate::common::engine::Server>) {
    let Some(s) = server else {
        return;
    };
    let b = s.bucket("walk").await;
    let mut k: Vec<String> = (0..12)
        .flat_map(|p| (0..3).map(move |i| format!("t/p{p:02}/{i}")))
        .collect();
    k.extend((0..5).map(|i| format!("t-old/{i}")));
    k.push("t/".into());
    k.push("t/top.txt".into());
    for key in &k {
        s.put(&b, key, b"x").await;
    }
    for prefix in ["", "t", "t/", "t/p03/"] {
        let mut want = Vec::new();
        let mut p = pages(&*s.store, ListRequest::recursive(&b, prefix, 1000));
        while let Some(page) = p.next().await {
            want.extend(page.unwrap().objects.into_iter().map(|o| o.key));
        }
        let got: Vec<String> = all(&*s.store, &b, prefix, WalkOptions { width: 4 }, None)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(got, want, "prefix {prefix:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_on_moto() {
    real(crate::common::engine::Server::moto().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_on_radosgw() {
    real(crate::common::engine::Server::radosgw().await).await;
}

/// `pail ls` as `aws s3 ls`: a level with `PRE` lines, `--recursive
/// --summarize` every key (walked) with the totals, a hostile key escaped,
/// a missing bucket exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pail_ls_lists_a_level_every_key_and_the_totals() {
    let Some(s) = crate::common::engine::Server::moto().await else {
        return;
    };
    let b = s.bucket("ls").await;
    for (k, body) in [
        ("docs/a.txt", &b"abc"[..]),
        ("docs/2026/b.txt", b"hello"),
        ("docs-old/c.txt", b"x"),
        ("evil\u{1b}[2J.txt", b"zz"),
    ] {
        s.put(&b, k, body).await;
    }
    let p = crate::cli::harness::Pail::for_server(&s);
    let r = p.run(&["ls", &format!("s3://{b}/docs/")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].ends_with(" PRE 2026/"), "{out}");
    assert!(lines[1].ends_with("          3 a.txt"), "{out}");
    let r = p.run(&["ls", "--recursive", "--summarize", &format!("s3://{b}")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout).into_owned();
    let keys: Vec<&str> = out
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "docs-old/c.txt",
            "docs/2026/b.txt",
            "docs/a.txt",
            "evil\\x1b[2J.txt"
        ],
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(
        out.ends_with("\nTotal Objects: 4\n   Total Size: 11\n"),
        "{out}"
    );
    let r = p.run(&["ls", "-r", &format!("s3://{b}-missing/")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

/// Requests wait for a turn: with two turns to share, a walk of width 8
/// never has more than two requests out, and still lists everything.
#[test]
fn requests_take_turns() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Two {
        sem: Arc<tokio::sync::Semaphore>,
        out: Arc<AtomicUsize>,
        most: Arc<AtomicUsize>,
    }
    struct Held(
        #[allow(dead_code)] tokio::sync::OwnedSemaphorePermit,
        Arc<AtomicUsize>,
    );
    impl Drop for Held {
        fn drop(&mut self) {
            self.1.fetch_sub(1, Ordering::SeqCst);
        }
    }
    impl pail::walk::Turns for Two {
        fn turn(&self) -> futures::future::BoxFuture<'_, Box<dyn Send>> {
            Box::pin(async move {
                let p = self.sem.clone().acquire_owned().await.unwrap();
                let n = self.out.fetch_add(1, Ordering::SeqCst) + 1;
                self.most.fetch_max(n, Ordering::SeqCst);
                Box::new(Held(p, self.out.clone())) as Box<dyn Send>
            })
        }
    }
    let store = MemStore::new(&[B], 1000);
    let k: Vec<String> = (0..40).map(|p| format!("p{p:02}/k")).collect();
    store.seed(B, &k);
    let two = Two {
        sem: Arc::new(tokio::sync::Semaphore::new(2)),
        out: Arc::default(),
        most: Arc::default(),
    };
    let n = rt().block_on(async {
        let mut w = Walk::new(&store, B, "", WalkOptions { width: 8 }).taking_turns(&two);
        let mut n = 0;
        while let Some(b) = w.next().await {
            n += b.unwrap().len();
        }
        n
    });
    assert_eq!(n, 40);
    assert!(two.most.load(Ordering::SeqCst) <= 2);
}

/// A server that stops answering properly mid-way (a refused page, a
/// page that is not S3's XML, a connection reset): the walk ends with the
/// error, never with a partial listing presented as complete; a delete
/// planned from it plans nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_breaks_mid_way_is_an_error() {
    use crate::common::proxy::{Fault, Proxy};
    let Some(s) = crate::common::engine::Server::moto().await else {
        return;
    };
    let b = s.bucket("walkfault").await;
    for p in 0..6 {
        for i in 0..3 {
            s.put(&b, &format!("d/p{p}/{i}"), b"x").await;
        }
    }
    for fault in [Fault::Deny, Fault::Garble, Fault::Reset] {
        let mut lists = 0;
        let proxy = Proxy::start(&s.endpoint, move |r| {
            if r.method == "GET" && r.target.contains("list-type=2") {
                lists += 1;
                // Every fourth: the walk and then the plan each meet one.
                if lists % 4 == 0 {
                    return fault;
                }
            }
            Fault::Pass
        })
        .await;
        let store = crate::common::engine::proxied(&proxy.endpoint, Some(1)).await;
        let r = all(&*store, &b, "d/", WalkOptions { width: 2 }, None).await;
        assert!(r.is_err(), "{r:?}");
        let cancel = tokio_util::sync::CancellationToken::new();
        let plan = pail::plan::plan_delete(
            &*store,
            &b,
            &[pail::engine::S3Source::Prefix("d/".into())],
            &cancel,
            |_| {},
        )
        .await;
        assert!(plan.is_err(), "a broken listing plans no delete");
    }
}

/// A hundred prefixes of many pages each: the parts behind the front
/// keep at most BEHIND_PAGES pages between them, whatever the width.
#[test]
fn parts_behind_the_front_hold_a_bounded_number_of_pages() {
    // Pages of 100 keys: the top level is one page, each prefix five.
    let store = MemStore::new(&[B], 100);
    let k: Vec<String> = (0..100)
        .flat_map(|p| (0..500).map(move |i| format!("p{p:03}/{i:03}")))
        .collect();
    store.seed(B, &k);
    rt().block_on(async {
        let mut w = Walk::new(&store, B, "", WalkOptions { width: 64 });
        let (mut n, mut most) = (0, 0);
        while let Some(b) = w.next().await {
            n += b.unwrap().len();
            most = most.max(w.held());
        }
        assert_eq!(n, 50_000);
        assert!(most <= pail::walk::BEHIND_PAGES, "{most} pages held");
        assert!(most > 0, "the width was used");
    });
}
