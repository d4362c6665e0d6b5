//! Rolling a prefix back in time, measured against a real server (radosgw
//! from scripts/bench-rollback.sh): KEYS keys with three versions each (two
//! before the moment T, one after).
//! - plan: pail's rollback plan of the whole bucket to T (every version
//!   listed, a change per key): time and requests;
//! - rollback: the plan made again and carried out by the engine (a copy
//!   per key; listing included, as s3-pit-restore's time includes its), against
//!   s3-pit-restore restoring the same history in place (`-b B -B B -t T`)
//!   with as many workers as pail has requests in flight.
//!
//! Each tool works on its own bucket with the same history; between timed
//! runs the bucket is rolled forward again (not timed), so every run does
//! the same work. Every run is checked: after it, every key holds its
//! version from before T. Medians; no assertion, a report.
//!
//! Environment: PAIL_BENCH_ENDPOINT (required), PAIL_BENCH_KEY/SECRET
//! (bench/benchsecret), PAIL_BENCH_KEYS (10000), PAIL_BENCH_RUNS (3),
//! PAIL_BENCH_PITR (the s3-pit-restore script; skipped without it),
//! PAIL_BENCH_OUT (markdown report path).

use aws_sdk_s3 as s3;
use futures::StreamExt;
use pail::engine::{self, Env, Phase, Scheduler, Settings, Spec};
use pail::plan::rollback::{RollbackPlan, plan_rollback};
use pail::store::Store;
use pail::store::aws::{AwsStore, ConnectOptions};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn next_second() {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_millis();
    tokio::time::sleep(Duration::from_millis(1000 - u64::from(ms) + 50)).await;
}

fn key(i: usize) -> String {
    format!("site/{:02}/page-{i:05}.html", i % 50)
}

async fn put_round(c: &s3::Client, bucket: &str, n: usize, round: u32) {
    futures::stream::iter(0..n)
        .for_each_concurrent(64, |i| async move {
            let body = format!("{} version {round}\n", key(i));
            c.put_object()
                .bucket(bucket)
                .key(key(i))
                .body(body.into_bytes().into())
                .send()
                .await
                .expect("put");
        })
        .await;
}

/// A versioned bucket: every key written twice, then T, then once more.
async fn seed(c: &s3::Client, bucket: &str, n: usize) -> i64 {
    c.create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("create");
    c.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            s3::types::VersioningConfiguration::builder()
                .status(s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    put_round(c, bucket, n, 1).await;
    put_round(c, bucket, n, 2).await;
    next_second().await;
    let t = now();
    next_second().await;
    put_round(c, bucket, n, 3).await;
    t
}

/// Every key reads `version {round}` (a sample of 200, spread evenly).
async fn check(c: &s3::Client, bucket: &str, n: usize, round: u32) {
    let step = (n / 200).max(1);
    for i in (0..n).step_by(step) {
        let out = c
            .get_object()
            .bucket(bucket)
            .key(key(i))
            .send()
            .await
            .expect("get");
        let body = out.body.collect().await.unwrap().into_bytes();
        let want = format!("{} version {round}\n", key(i));
        assert_eq!(body, want.as_bytes(), "{bucket}: {}", key(i));
    }
}

async fn plan(store: &Arc<dyn Store>, bucket: &str, at: i64) -> RollbackPlan {
    plan_rollback(
        &**store,
        bucket,
        "",
        at,
        false,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .expect("plan")
}

async fn run(store: &Arc<dyn Store>, bucket: &str, plan: &RollbackPlan) -> f64 {
    let settings = Arc::new(Settings::default());
    let sched = Scheduler::new(settings.concurrency);
    let env = Env::new(store.clone(), settings, &sched, None);
    let t = Instant::now();
    engine::run(
        &env,
        Spec::History {
            bucket: bucket.into(),
            steps: plan.steps(),
        },
    )
    .await;
    let s = env.progress.snapshot();
    assert_eq!(s.phase, Phase::Done, "{s:?}");
    assert_eq!(s.failed, 0, "{s:?}");
    t.elapsed().as_secs_f64()
}

/// Rolls `bucket` forward to `to` (after a rollback), untimed.
async fn forward(store: &Arc<dyn Store>, bucket: &str, to: i64) {
    let p = plan(store, bucket, to).await;
    run(store, bucket, &p).await;
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

#[tokio::main]
async fn main() {
    let Ok(endpoint) = std::env::var("PAIL_BENCH_ENDPOINT") else {
        eprintln!("PAIL_BENCH_ENDPOINT not set: run scripts/bench-rollback.sh");
        return;
    };
    let (ak, sk) = (
        var("PAIL_BENCH_KEY", "bench"),
        var("PAIL_BENCH_SECRET", "benchsecret"),
    );
    let n: usize = var("PAIL_BENCH_KEYS", "10000").parse().unwrap();
    let runs: usize = var("PAIL_BENCH_RUNS", "3").parse().unwrap();
    let sdk = s3::Client::from_conf(
        s3::config::Builder::new()
            .behavior_version(s3::config::BehaviorVersion::latest())
            .region(s3::config::Region::new("us-east-1"))
            .endpoint_url(&endpoint)
            .force_path_style(true)
            .credentials_provider(s3::config::Credentials::new(&ak, &sk, None, None, "bench"))
            .request_checksum_calculation(s3::config::RequestChecksumCalculation::WhenRequired)
            .build(),
    );
    let store: Arc<dyn Store> = Arc::new(
        AwsStore::connect(ConnectOptions {
            endpoint_url: Some(endpoint.clone()),
            region: Some("us-east-1".into()),
            static_credentials: Some((ak.clone(), sk.clone())),
            ..Default::default()
        })
        .await,
    );
    let id = std::process::id();
    let (a, b) = (format!("rb-pail-{id}"), format!("rb-pitr-{id}"));
    let t0 = Instant::now();
    let at = seed(&sdk, &a, n).await;
    eprintln!(
        "seeded {a}: {n} keys × 3 versions in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    // The plan: listed from scratch each time.
    let mut plan_secs = Vec::new();
    let mut p = RollbackPlan::default();
    for _ in 0..runs {
        let t = Instant::now();
        p = plan(&store, &a, at).await;
        plan_secs.push(t.elapsed().as_secs_f64());
    }
    assert_eq!(p.changes(), n as u64, "every key changes");
    eprintln!(
        "plan: {:.2} s median, {} requests, {} versions",
        median(plan_secs.clone()),
        p.requests,
        p.versions_listed
    );

    // pail's rollback, rolled forward again between runs.
    let mut pail_secs = Vec::new();
    for r in 0..runs {
        next_second().await;
        let started = now();
        // Timed like s3-pit-restore's run: listing and planning included.
        let t = Instant::now();
        let p = plan(&store, &a, at).await;
        run(&store, &a, &p).await;
        pail_secs.push(t.elapsed().as_secs_f64());
        check(&sdk, &a, n, 2).await;
        eprintln!("pail rollback run {}: {:.2} s", r + 1, pail_secs[r]);
        if r + 1 < runs {
            forward(&store, &a, started).await;
            check(&sdk, &a, n, 3).await;
        }
    }

    // s3-pit-restore on its own bucket with the same history.
    let mut pitr_secs = Vec::new();
    if let Ok(pitr) = std::env::var("PAIL_BENCH_PITR") {
        let at_b = seed(&sdk, &b, n).await;
        for r in 0..runs {
            // s3-pit-restore writes at once: the moment to roll forward to
            // must be a whole second before its first write.
            next_second().await;
            let started = now();
            next_second().await;
            let t = Instant::now();
            let out = std::process::Command::new(&pitr)
                .args(["-b", &b, "-B", &b, "-t", &iso(at_b), "--max-workers", "32"])
                .env("AWS_ENDPOINT_URL", &endpoint)
                .env("AWS_ACCESS_KEY_ID", &ak)
                .env("AWS_SECRET_ACCESS_KEY", &sk)
                .env("AWS_DEFAULT_REGION", "us-east-1")
                .output()
                .expect("s3-pit-restore");
            pitr_secs.push(t.elapsed().as_secs_f64());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            check(&sdk, &b, n, 2).await;
            eprintln!("s3-pit-restore run {}: {:.2} s", r + 1, pitr_secs[r]);
            if r + 1 < runs {
                forward(&store, &b, started).await;
                check(&sdk, &b, n, 3).await;
            }
        }
    }

    let mut md = format!(
        "| {n} keys × 3 versions, radosgw | median of {runs} |\n|---|---|\n| pail rollback plan (list every version, plan) | {:.2} s, {} list requests, {} versions |\n| pail rollback (plan + a copy per key, 32 in flight) | {:.2} s |\n",
        median(plan_secs),
        p.requests,
        p.versions_listed,
        median(pail_secs.clone()),
    );
    if !pitr_secs.is_empty() {
        let (pa, pi) = (median(pail_secs), median(pitr_secs));
        md.push_str(&format!(
            "| s3-pit-restore in place (`-B` same bucket, 32 workers) | {pi:.2} s |\n| ratio pail / s3-pit-restore | {:.2} |\n",
            pa / pi
        ));
    }
    println!("{md}");
    if let Ok(out) = std::env::var("PAIL_BENCH_OUT") {
        std::fs::write(out, &md).expect("write report");
    }
}
