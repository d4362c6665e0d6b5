//! What the transfers feel like from the UI's side, measured without
//! external tools (scripts/bench-transfers.sh compares throughput with the
//! aws CLI, s5cmd and rclone):
//! - cancel to idle: an upload of 1,000 small files and a 64 MiB multipart
//!   upload to the in-process demo server (s3s-fs, checks signatures) are
//!   cancelled mid-way; the time from cancel until the engine has returned
//!   (open multipart uploads aborted) is the number;
//! - frame time while 1,000 files transfer: the app receives progress
//!   reports of a running job (items arriving every quarter second) and the
//!   transfers panel and the tree are drawn; update + draw per frame.
//!
//! Medians of several runs; no assertion, a report.

// The tests' s3s-fs server (kept out of the pail binary).
#[path = "../tests/it/common/s3s_fs.rs"]
#[allow(dead_code)]
mod s3s_fs;

use pail::app::task::TransferReport;
use pail::app::{App, Msg, TaskEvent, update};
use pail::engine::{self, Env, Item, Outcome, Phase, Scheduler, Settings, Snapshot, Spec};
use pail::store::Store;
use pail::store::aws::{AwsStore, ConnectOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn demo_store(dir: &std::path::Path) -> (s3s_fs::DemoServer, Arc<dyn Store>) {
    let server = s3s_fs::serve(dir).await.expect("demo server");
    let opts = ConnectOptions {
        endpoint_url: Some(server.endpoint()),
        region: Some(pail::demo::DEMO_REGION.into()),
        static_credentials: Some((
            pail::demo::DEMO_ACCESS_KEY.into(),
            pail::demo::DEMO_SECRET_KEY.into(),
        )),
        ..Default::default()
    };
    let store: Arc<dyn Store> = Arc::new(AwsStore::connect(opts).await);
    (server, store)
}

/// Runs `spec`, cancels when `bytes_after` bytes have moved, and returns
/// the milliseconds from cancel to the engine's return.
async fn cancel_to_idle(store: &Arc<dyn Store>, spec: Spec, bytes_after: u64) -> f64 {
    let settings = Arc::new(Settings {
        conflict: engine::Policy::Overwrite,
        multipart_threshold: 8 << 20,
        part_size: 5 << 20,
        ..Settings::default()
    });
    let sched = Scheduler::new(settings.concurrency);
    let env = Env::new(store.clone(), settings, &sched, None);
    let progress = env.progress.clone();
    let cancel = env.cancel.clone();
    let run = tokio::spawn({
        let env = env.clone();
        async move { engine::run(&env, spec).await }
    });
    while progress.snapshot().bytes_done < bytes_after && !run.is_finished() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let t = Instant::now();
    cancel.cancel();
    run.await.unwrap();
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(progress.phase(), Phase::Cancelled);
    ms
}

fn frames() {
    let config = pail::config::from_layers(&[
        ("<c>".into(), pail::config::DEFAULT_CONFIG.into()),
        ("<k>".into(), pail::config::DEFAULT_KEYMAP.into()),
    ])
    .unwrap();
    let conn = pail::store::Connection::default();
    let tz = pail::format::Zone::UTC;
    let (mut app, fx) = App::new(&config, conn, Some(("b".into(), "".into())), tz, (120, 40));
    let list = fx
        .iter()
        .find_map(|e| match e {
            pail::app::Effect::Spawn(
                id,
                pail::app::Job::Browse(pail::app::browse::Request::List { .. }),
            ) => Some(*id),
            _ => None,
        })
        .unwrap();
    let page = pail::store::ListPage {
        prefixes: vec!["photos/".into()],
        objects: (0..1000)
            .map(|i| pail::store::ObjectSummary {
                restore: None,
                key: format!("f{i:04}.jpg"),
                size: 16384,
                modified: Some(1_800_000_000),
                storage_class: None,
                etag: None,
                version_id: None,
            })
            .collect(),
        next: None,
    };
    update(
        &mut app,
        Msg::Task(
            list,
            TaskEvent::Browse(pail::app::browse::Reply::Page(Ok(page))),
        ),
    );
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('A'),
        )),
    );
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('d'),
        )),
    );
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
    );
    update(
        &mut app,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('t'),
        )),
    );
    let id = app.transfers.jobs[0].id;
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut times = Vec::new();
    // 40 reports of 25 items each: 1,000 files over ten seconds.
    for r in 0..40u64 {
        let items: Vec<Item> = (0..25)
            .map(|i| Item {
                name: format!("f{:04}.jpg", r * 25 + i),
                outcome: Outcome::Done {
                    bytes: 16384,
                    note: None,
                },
                dest: None,
            })
            .collect();
        let t = Instant::now();
        update(
            &mut app,
            Msg::Tick(pail::app::Clock {
                now_ms: (r * 250) as i64,
                waiting: None,
            }),
        );
        update(
            &mut app,
            Msg::Task(
                id,
                TaskEvent::Transfer(Box::new(TransferReport {
                    snapshot: Snapshot {
                        objects_total: 1000,
                        objects_done: (r + 1) * 25,
                        bytes_total: 1000 * 16384,
                        bytes_done: (r + 1) * 25 * 16384,
                        phase: Phase::Running,
                        ..Snapshot::default()
                    },
                    items,
                    ..TransferReport::default()
                })),
            ),
        );
        term.draw(|f| pail::ui::render(&app, f)).unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let worst = times.iter().cloned().fold(0.0, f64::max);
    println!(
        "frame (update + draw, transfers panel over a 1,000-row tree) while 1,000 files transfer: median {:.2} ms, worst {:.2} ms",
        median(times),
        worst
    );
}

fn main() {
    frames();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        // The demo server's buckets are folders.
        std::fs::create_dir_all(dir.path().join("s3/bench")).unwrap();
        let (_server, store) = demo_store(&dir.path().join("s3")).await;
        let src = dir.path().join("small");
        std::fs::create_dir_all(&src).unwrap();
        for i in 0..1000 {
            std::fs::write(src.join(format!("f{i:04}")), vec![i as u8; 16 << 10]).unwrap();
        }
        let big = dir.path().join("big.bin");
        std::fs::write(&big, vec![1u8; 64 << 20]).unwrap();
        let mut small = Vec::new();
        let mut large = Vec::new();
        for run in 0..5 {
            let spec = |p: &std::path::Path| Spec::Upload {
                paths: vec![p.to_owned()],
                bucket: "bench".into(),
                prefix: format!("run{run}/"),
                options: Default::default(),
            };
            small.push(cancel_to_idle(&store, spec(&src), 4 << 20).await);
            large.push(cancel_to_idle(&store, spec(&big), 12 << 20).await);
        }
        let open = store.open_uploads("bench", "").await;
        println!(
            "cancel to idle: 1,000-file upload median {:.1} ms (worst {:.1}); 64 MiB multipart upload median {:.1} ms (worst {:.1}); open multipart uploads after: {}",
            median(small.clone()),
            small.iter().cloned().fold(0.0, f64::max),
            median(large.clone()),
            large.iter().cloned().fold(0.0, f64::max),
            match open {
                Ok(v) => v.len().to_string(),
                Err(e) => format!("not listable here ({:?})", e.kind),
            }
        );
    });
}
