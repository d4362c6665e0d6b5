//! pail's speed and memory on a 100,000-key prefix, measured against a real
//! S3 server and compared with the tools people would otherwise use.
//! Run by scripts/bench.sh, which starts the server and sets:
//!   PAIL_BENCH_ENDPOINT, PAIL_BENCH_KEY, PAIL_BENCH_SECRET, PAIL_BENCH_AWS (aws CLI),
//!   optionally PAIL_BENCH_RCLONE, PAIL_BENCH_KEYS (default 100000).
//! Without PAIL_BENCH_ENDPOINT it measures only what needs no server: pages
//! merging into a tree and the filter, on synthetic listings.

use aws_sdk_s3 as s3;
use pail::app::tree::Tree;
use pail::app::{App, Job, Msg, TaskEvent, TaskId, update};
use pail::store::aws::{AwsStore, ConnectOptions};
use pail::store::{ListPage, ListRequest, Store};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live heap bytes, so memory per entry is measured, not guessed.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const BUCKET: &str = "pail-bench";
const PREFIX: &str = "big/2026/11/24/";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn key(i: usize) -> String {
    format!("{PREFIX}events-{i:07}.json.gz")
}

async fn seed(ep: &str, ak: &str, sk: &str, store: &AwsStore, n: usize) {
    let conf = s3::config::Builder::new()
        .behavior_version(s3::config::BehaviorVersion::latest())
        .region(s3::config::Region::new("us-east-1"))
        .endpoint_url(ep)
        .force_path_style(true)
        .credentials_provider(s3::config::Credentials::new(ak, sk, None, None, "bench"))
        .request_checksum_calculation(s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    let c = s3::Client::from_conf(conf);
    let _ = c.create_bucket().bucket(BUCKET).send().await;
    let have = count(store, None).await;
    if have >= n {
        return;
    }
    eprintln!("seeding {n} keys (have {have})…");
    use futures::StreamExt;
    let started = Instant::now();
    let failed = std::sync::atomic::AtomicUsize::new(0);
    futures::stream::iter(0..n)
        .for_each_concurrent(64, |i| {
            let c = c.clone();
            let failed = &failed;
            async move {
                let r = c
                    .put_object()
                    .bucket(BUCKET)
                    .key(key(i))
                    .body(b"x".to_vec().into())
                    .send()
                    .await;
                if r.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
        .await;
    let failed = failed.into_inner();
    assert_eq!(
        failed, 0,
        "{failed} of {n} puts failed: wrong credentials or server trouble"
    );
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
}

async fn count(store: &AwsStore, collect: Option<&mut Vec<ListPage>>) -> usize {
    let mut req = ListRequest::level(BUCKET, PREFIX, 1000);
    let mut n = 0;
    let mut pages = Vec::new();
    loop {
        let Ok(p) = store.list_page(&req).await else {
            return 0;
        };
        n += p.objects.len() + p.prefixes.len();
        let next = p.next.clone();
        pages.push(p);
        match next {
            Some(t) => req.token = Some(t),
            None => break,
        }
    }
    if let Some(c) = collect {
        *c = pages;
    }
    n
}

fn time_command(cmd: &mut Command, reps: usize) -> Option<Duration> {
    let mut times = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let out = cmd.output().ok()?;
        if !out.status.success() {
            eprintln!("{:?} failed: {}", cmd, String::from_utf8_lossy(&out.stderr));
            return None;
        }
        times.push(t.elapsed());
    }
    Some(median(times))
}

/// `n` keys in pages of 1,000, as a server lists one prefix: in key order,
/// sizes and dates scattered.
fn synthetic_pages(n: usize) -> Vec<ListPage> {
    let objs: Vec<pail::store::ObjectSummary> = (0..n)
        .map(|i| pail::store::ObjectSummary {
            restore: None,
            key: key(i),
            size: ((i * 7919) % 100_003) as u64,
            modified: Some(1_790_000_000 + ((i * 104_729) % 86_400) as i64),
            storage_class: Some("STANDARD".into()),
            etag: None,
            version_id: None,
        })
        .collect();
    let pages = objs.chunks(1000).count();
    objs.chunks(1000)
        .enumerate()
        .map(|(i, c)| ListPage {
            prefixes: vec![],
            objects: c.to_vec(),
            next: (i + 1 < pages).then(|| format!("t{i}")),
        })
        .collect()
}

/// Merging pages into one folder and filtering it: pure CPU, no server.
fn offline(row: &mut dyn FnMut(&str, String, String)) {
    let pages = synthetic_pages(100_000);
    for (sort, reverse, what) in [
        (
            pail::app::tree::SortKey::Name,
            false,
            "by name (pages append)",
        ),
        (
            pail::app::tree::SortKey::Size,
            true,
            "by size, reversed (pages interleave)",
        ),
    ] {
        let mut times = Vec::new();
        let mut worst_page = Duration::ZERO;
        for _ in 0..5 {
            let pages = pages.clone();
            let mut tree = Tree::new(BUCKET.into(), PREFIX.into(), TaskId(1));
            tree.set_sort(sort, reverse);
            let t = Instant::now();
            for p in pages {
                let tp = Instant::now();
                tree.add_page(TaskId(1), p);
                worst_page = worst_page.max(tp.elapsed());
            }
            times.push(t.elapsed());
            assert_eq!(tree.loaded_entries(), 100_000);
        }
        row(
            &format!("100 pages of 1,000 into one folder, sorted {what}"),
            ms(median(times)),
            format!("median of 5; slowest single page {}", ms(worst_page)),
        );
    }
    let mut tree = Tree::new(BUCKET.into(), PREFIX.into(), TaskId(1));
    for p in pages {
        tree.add_page(TaskId(1), p);
    }
    let mut times = Vec::new();
    for q in ["0099999", "events-00", "JSON", "nothing-matches"] {
        for _ in 0..5 {
            let t = Instant::now();
            tree.set_filter(q);
            times.push(t.elapsed());
        }
    }
    let worst = *times.iter().max().unwrap();
    row(
        "filter over 100k entries (synthetic)",
        ms(median(times)),
        format!("median of 20 keystrokes; worst {}", ms(worst)),
    );
}

fn main() {
    let Ok(ep) = std::env::var("PAIL_BENCH_ENDPOINT") else {
        println!(
            "PAIL_BENCH_ENDPOINT not set (run scripts/bench.sh): measuring only what needs no server"
        );
        println!("| measure | pail | note |\n|---|---|---|");
        offline(&mut |what, value, note| println!("| {what} | {value} | {note} |"));
        return;
    };
    let ak = std::env::var("PAIL_BENCH_KEY").unwrap_or_else(|_| "bench".into());
    let sk = std::env::var("PAIL_BENCH_SECRET").unwrap_or_else(|_| "benchsecret".into());
    let n: usize = std::env::var("PAIL_BENCH_KEYS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let opts = ConnectOptions {
        endpoint_url: Some(ep.clone()),
        region: Some("us-east-1".into()),
        static_credentials: Some((ak.clone(), sk.clone())),
        ..Default::default()
    };
    let mut report = Vec::new();
    let mut row = |what: &str, value: String, note: String| {
        println!("| {what} | {value} | {note} |");
        report.push(format!("| {what} | {value} | {note} |"));
    };
    println!("| measure | pail | comparison |\n|---|---|---|");

    let store = rt.block_on(AwsStore::connect(opts.clone()));
    rt.block_on(seed(&ep, &ak, &sk, &store, n));

    // 1. Start to first rows: a fresh store (credential chain, connection),
    // then the first page of the prefix, as pail does on `pail s3://b/p/`.
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        rt.block_on(async {
            let s = AwsStore::connect(opts.clone()).await;
            let p = s
                .list_page(&ListRequest::level(BUCKET, PREFIX, 1000))
                .await
                .expect("first page");
            assert!(!p.objects.is_empty());
        });
        firsts.push(t.elapsed());
    }
    let first = median(firsts);

    // 2. Complete listing through the runtime's job into the tree.
    let store: Arc<dyn Store> = Arc::new(store);
    let mut fulls = Vec::new();
    let mut entries = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let (tx, mut rx) = pail::runtime::mailbox::mailbox(64);
        let job = Job::Browse(pail::app::browse::Request::List {
            bucket: BUCKET.into(),
            prefix: PREFIX.into(),
            page_size: 1000,
        });
        let s = store.clone();
        let handle = rt.spawn(async move {
            pail::runtime::jobs::run_job(
                s,
                TaskId(1),
                job,
                tx,
                pail::runtime::task_ctx::TaskCtx::standalone(),
            )
            .await
        });
        let mut tree = Tree::new(BUCKET.into(), PREFIX.into(), TaskId(1));
        while let Some(msg) = rt.block_on(rx.recv()) {
            if let Msg::Task(id, TaskEvent::Browse(pail::app::browse::Reply::Page(Ok(p)))) = msg {
                tree.add_page(id, p);
            }
        }
        rt.block_on(handle).unwrap();
        fulls.push(t.elapsed());
        entries = tree.loaded_entries();
    }
    let full = median(fulls);
    row(
        "first rows of a 100k-key prefix",
        ms(first),
        "one ListObjectsV2 page (1,000 keys), fresh client".into(),
    );
    let rate = entries as f64 / full.as_secs_f64();
    let aws_bin = std::env::var("PAIL_BENCH_AWS").unwrap_or_else(|_| "aws".into());
    let aws = time_command(
        Command::new(&aws_bin)
            .args([
                "s3api",
                "list-objects-v2",
                "--bucket",
                BUCKET,
                "--prefix",
                PREFIX,
                "--delimiter",
                "/",
                "--endpoint-url",
                &ep,
                "--output",
                "json",
            ])
            .env("AWS_ACCESS_KEY_ID", &ak)
            .env("AWS_SECRET_ACCESS_KEY", &sk)
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .stdout(std::process::Stdio::null()),
        3,
    );
    let note = match aws {
        Some(a) => format!(
            "aws s3api list-objects-v2: {} (pail/aws = {:.2})",
            ms(a),
            full.as_secs_f64() / a.as_secs_f64()
        ),
        None => "aws CLI unavailable".into(),
    };
    row(
        &format!("complete listing ({entries} entries, {rate:.0}/s)"),
        ms(full),
        note,
    );
    if let Ok(rclone) = std::env::var("PAIL_BENCH_RCLONE") {
        let remote = format!(
            ":s3,provider=Ceph,endpoint='{ep}',access_key_id={ak},secret_access_key={sk}:{BUCKET}/{PREFIX}"
        );
        if let Some(r) = time_command(
            Command::new(&rclone)
                .args(["lsf", &remote])
                .env_remove("AWS_CA_BUNDLE")
                .stdout(std::process::Stdio::null()),
            3,
        ) {
            row(
                "rclone lsf of the same prefix",
                ms(r),
                format!("pail/rclone = {:.2}", full.as_secs_f64() / r.as_secs_f64()),
            );
        }
    }

    // 3. Memory: live heap of the loaded tree, beyond the key bytes.
    let mut pages = Vec::new();
    rt.block_on(async {
        let s = AwsStore::connect(opts.clone()).await;
        count(&s, Some(&mut pages)).await;
    });
    let key_bytes: usize = pages
        .iter()
        .flat_map(|p| p.objects.iter())
        .map(|o| o.key.len())
        .sum();
    let rss_before = rss_kib();
    let mut tree = Tree::new(BUCKET.into(), PREFIX.into(), TaskId(1));
    for p in pages {
        tree.add_page(TaskId(1), p);
    }
    let rss_loaded = rss_kib();
    // What the tree holds is exactly what dropping it gives back.
    let with_tree = LIVE.load(Ordering::Relaxed);
    let loaded = tree.loaded_entries();
    drop(tree);
    let heap = (with_tree - LIVE.load(Ordering::Relaxed)) as f64;
    let per_entry = (heap - key_bytes as f64) / loaded as f64;
    row(
        "memory with 100k entries loaded",
        format!("{:.1} MiB heap", heap / 1048576.0),
        format!(
            "{per_entry:.0} B/entry beyond the key ({:.0} B avg key); RSS +{:.1} MiB",
            key_bytes as f64 / loaded as f64,
            (rss_loaded.saturating_sub(rss_before)) as f64 / 1024.0
        ),
    );

    let mut tree = Tree::new(BUCKET.into(), PREFIX.into(), TaskId(1));
    rt.block_on(async {
        let s = AwsStore::connect(opts.clone()).await;
        let mut pages = Vec::new();
        count(&s, Some(&mut pages)).await;
        for p in pages {
            tree.add_page(TaskId(1), p);
        }
    });

    // 4. Filter over the loaded entries.
    let mut times = Vec::new();
    for q in ["0099999", "events-00", "JSON", "nothing-matches"] {
        for _ in 0..5 {
            let t = Instant::now();
            tree.set_filter(q);
            times.push(t.elapsed());
        }
    }
    let filter = median(times.clone());
    let worst = *times.iter().max().unwrap();
    tree.set_filter("");
    row(
        "filter over 100k entries",
        ms(filter),
        format!("median of 20 keystrokes; worst {}", ms(worst)),
    );

    // 5. One frame with everything loaded, vs. with 100 entries.
    let frame = |loaded: usize| -> (Duration, Duration) {
        let cfg = pail::config::from_layers(&[
            ("<c>".into(), pail::config::DEFAULT_CONFIG.into()),
            ("<k>".into(), pail::config::DEFAULT_KEYMAP.into()),
        ])
        .unwrap();
        let conn = pail::store::Connection {
            endpoint: Some(ep.clone()),
            region: "us-east-1".into(),
            path_style: true,
            ..Default::default()
        };
        let (mut app, fx): (App, _) = App::new(
            &cfg,
            conn,
            Some((BUCKET.into(), PREFIX.into())),
            pail::format::Zone::UTC,
            (200, 50),
        );
        let id = fx
            .iter()
            .find_map(|e| match e {
                pail::app::Effect::Spawn(
                    id,
                    Job::Browse(pail::app::browse::Request::List { .. }),
                ) => Some(*id),
                _ => None,
            })
            .unwrap();
        let objs: Vec<pail::store::ObjectSummary> = (0..loaded)
            .map(|i| pail::store::ObjectSummary {
                restore: None,
                key: key(i),
                size: i as u64,
                modified: Some(1_790_000_000),
                storage_class: Some("STANDARD".into()),
                etag: None,
                version_id: None,
            })
            .collect();
        for chunk in objs.chunks(1000) {
            update(
                &mut app,
                Msg::Task(
                    id,
                    TaskEvent::Browse(pail::app::browse::Reply::Page(Ok(ListPage {
                        prefixes: vec![],
                        objects: chunk.to_vec(),
                        next: Some("t".into()),
                    }))),
                ),
            );
        }
        let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
        let mut times = Vec::new();
        for i in 0..200 {
            let key = if i % 50 == 49 { 'G' } else { 'j' };
            update(
                &mut app,
                Msg::Key(crossterm::event::KeyEvent::new(
                    crossterm::event::KeyCode::Char(key),
                    crossterm::event::KeyModifiers::NONE,
                )),
            );
            let t = Instant::now();
            term.draw(|f| pail::ui::render(&app, f)).unwrap();
            times.push(t.elapsed());
        }
        let worst = *times.iter().max().unwrap();
        (median(times), worst)
    };
    let (big, big_worst) = frame(n);
    let (small, _) = frame(100);
    row(
        "one frame, 200x50, 100k entries loaded",
        ms(big),
        format!(
            "worst {}; with 100 entries loaded: {}",
            ms(big_worst),
            ms(small)
        ),
    );
    let out = std::path::Path::new("target/bench");
    let _ = std::fs::create_dir_all(out);
    let _ = std::fs::write(
        out.join("results.md"),
        format!(
            "| measure | pail | comparison |\n|---|---|---|\n{}\n",
            report.join("\n")
        ),
    );
}
