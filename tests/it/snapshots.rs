//! Screens rendered into ratatui's TestBackend and compared with insta
//! snapshots (tests/snapshots/). Review changes with `cargo insta review`.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::{App, Job, Msg, TaskEvent, browse, buckets, update};
use pail::store::{Bucket, BucketInfo, CredentialSource, ErrorKind, ObjectInfo, StoreError};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pail::ui::render(app, f)).unwrap();
    t
}

fn with_identity(app: &mut App, fx: &[pail::app::Effect]) {
    let (id, _) = spawned(fx)
        .into_iter()
        .find(|(_, j)| *j == Job::Identity)
        .unwrap();
    let creds = CredentialSource {
        provider: "ProfileFile".into(),
        key_hint: Some("WXYZ".into()),
    };
    update(app, Msg::Task(id, TaskEvent::Identity(Ok(creds))));
}

/// No cell may hold a character that would drive the terminal.
fn assert_no_control_chars(t: &Terminal<TestBackend>) {
    for cell in t.backend().buffer().content() {
        for c in cell.symbol().chars() {
            let u = c as u32;
            assert!(
                !(u < 0x20
                    || (0x7f..=0x9f).contains(&u)
                    || (0x202a..=0x202e).contains(&u)
                    || (0x2066..=0x2069).contains(&u)
                    || u == 0x200b),
                "raw control character U+{u:04X} reached the screen"
            );
        }
    }
}

fn browsing(prefix: &str) -> (App, Vec<pail::app::Effect>) {
    let (mut app, fx) = new_app(Some(("acme-datalake", prefix)));
    with_identity(&mut app, &fx);
    (app, fx)
}

#[test]
fn bucket_list() {
    let (mut app, fx) = new_app(None);
    with_identity(&mut app, &fx);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| *j == Job::Buckets(buckets::Request::List))
        .unwrap();
    let buckets = [
        "acme-app-uploads",
        "acme-backups",
        "acme-datalake",
        "odd-keys",
    ]
    .iter()
    .enumerate()
    .map(|(i, n)| Bucket {
        name: n.to_string(),
        created: Some(1_767_225_600 + i as i64 * 86_400),
    })
    .collect();
    let fx = update(
        &mut app,
        Msg::Task(id, TaskEvent::Buckets(buckets::Reply::Listed(Ok(buckets)))),
    );
    for (id, job) in spawned(&fx) {
        if let Job::Buckets(buckets::Request::Region { bucket }) = job {
            let region = if bucket == "acme-backups" {
                "eu-central-1"
            } else {
                "eu-west-1"
            };
            update(
                &mut app,
                Msg::Task(
                    id,
                    TaskEvent::Buckets(buckets::Reply::Region(Ok(region.into()))),
                ),
            );
        }
    }
    let fx = settle(&mut app);
    for (id, job) in spawned(&fx) {
        if let Job::Buckets(buckets::Request::Info { .. }) = job {
            let info = BucketInfo {
                region: "eu-west-1".into(),
                versioning: Ok(pail::store::Versioning::Enabled),
            };
            update(
                &mut app,
                Msg::Task(id, TaskEvent::Buckets(buckets::Reply::Info(Ok(info)))),
            );
        }
    }
    insta::assert_snapshot!(draw(&app, 100, 20).backend());
}

#[test]
fn nested_tree_loading() {
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(
            &["curated/", "processed/", "raw/"],
            &[("README.md", 2048), ("_SUCCESS", 0)],
            false,
        ),
    );
    let fx = send(&mut app, [key('j'), key('j'), key('l')]);
    let raw = list_task(&fx, "raw/");
    deliver(
        &mut app,
        raw,
        page(
            &["raw/clickstream/", "raw/orders/"],
            &[("raw/manifest.json", 913)],
            true,
        ),
    );
    let fx = send(&mut app, [key('j'), key('l')]);
    let click = list_task(&fx, "raw/clickstream/");
    deliver(
        &mut app,
        click,
        page(
            &[],
            &[
                ("raw/clickstream/part-00000.json.gz", 7_340_032),
                ("raw/clickstream/part-00001.json.gz", 6_291_456),
            ],
            false,
        ),
    );
    insta::assert_snapshot!(draw(&app, 110, 20).backend());
}

#[test]
fn inspector_with_metadata_and_tags() {
    let (mut app, fx) = browsing("curated/exports/");
    let key = "curated/exports/full-2026-10.parquet";
    deliver(
        &mut app,
        list_task(&fx, "curated/exports/"),
        page(&[], &[(key, 25_165_824)], false),
    );
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::Object { .. })))
        .unwrap();
    let info = ObjectInfo {
        key: key.into(),
        size: 25_165_824,
        modified: Some(1_793_534_400),
        etag: Some("\"9b2cf535f27731c974343645a3985328-3\"".into()),
        content_type: Some("application/vnd.apache.parquet".into()),
        cache_control: Some("no-cache".into()),
        storage_class: Some("STANDARD_IA".into()),
        sse: Some("aws:kms".into()),
        sse_kms_key_id: Some("arn:aws:kms:eu-west-1:111122223333:key/1234abcd".into()),
        version_id: Some("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY".into()),
        checksums: vec![("CRC32".into(), "AAAAAA==".into())],
        metadata: vec![
            ("owner".into(), "data-platform".into()),
            ("pipeline".into(), "nightly-export".into()),
        ],
        tags: vec![
            ("team".into(), "data".into()),
            ("retention".into(), "365d".into()),
        ],
        legal_hold: Some("OFF".into()),
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info)))),
        ),
    );
    insta::assert_snapshot!(draw(&app, 120, 36).backend());
}

#[test]
fn help_overlay() {
    let (mut app, fx) = browsing("");
    deliver(&mut app, list_task(&fx, ""), page(&["raw/"], &[], false));
    send(&mut app, [key('?')]);
    insta::assert_snapshot!(draw(&app, 100, 40).backend());
}

#[test]
fn error_popup_access_denied() {
    let (mut app, fx) = browsing("");
    let mut e = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
    e.code = Some("AccessDenied".into());
    e.status = Some(403);
    e.bucket = Some("acme-datalake".into());
    e.request_id = Some("TX123".into());
    update(
        &mut app,
        Msg::Task(
            list_task(&fx, ""),
            TaskEvent::Browse(browse::Reply::Page(Err(e))),
        ),
    );
    insta::assert_snapshot!(draw(&app, 100, 30).backend());
}

#[test]
fn hostile_keys_are_escaped_everywhere() {
    let (mut app, fx) = new_app(Some(("odd\x1b[2J-keys", "")));
    with_identity(&mut app, &fx);
    let keys = [
        ("escape-\x1b[31mred\x1b[0m.txt", 10),
        ("osc52-\x1b]52;c;aGFja2Vk\x07.txt", 11),
        ("newline\nin-key.txt", 12),
        ("bidi-\u{202e}fdp.exe", 13),
        ("zero\u{200b}width.txt", 14),
        ("c1-\u{9b}31m.txt", 15),
        ("del-\x7f.txt", 16),
        ("日本語/ファイル🎉.txt", 17),
        // The four characters \x1b typed into a key: never a look-alike of
        // the real ESC above.
        ("typed-\\x1b[31m.txt", 18),
    ];
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["dir\x1b[1m/"], &keys, false),
    );
    let fx = send(&mut app, [key('j'), code(KeyCode::Enter)]);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::Object { .. })))
        .unwrap();
    let info = ObjectInfo {
        key: keys[0].0.into(),
        size: 10,
        metadata: vec![(
            "note\x1b]0;title\x07".into(),
            "value \x1b[2J\u{202e}".into(),
        )],
        tags: vec![("danger".into(), "\u{202e}txt.exe".into())],
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info)))),
        ),
    );
    app.set_status("status with \x1b[5m blink");
    let t = draw(&app, 120, 24);
    assert_no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn small_terminal_80x24() {
    let (mut app, fx) = browsing("processed/");
    let objs: Vec<(String, u64)> = (1..=40)
        .map(|d| {
            (
                format!("processed/orders/date=2026-10-{d:02}/data.parquet"),
                d * 100_000,
            )
        })
        .collect();
    let refs: Vec<(&str, u64)> = objs.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    deliver(
        &mut app,
        list_task(&fx, "processed/"),
        page(&["processed/orders/"], &refs, true),
    );
    insta::assert_snapshot!(draw(&app, 80, 24).backend());
}

#[test]
fn filtering_shows_matches() {
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(
            &["raw/"],
            &[("report-q1.pdf", 1), ("report-q2.pdf", 2), ("notes.txt", 3)],
            false,
        ),
    );
    send(&mut app, [key('/'), key('q'), key('2')]);
    insta::assert_snapshot!(draw(&app, 100, 12).backend());
}

#[test]
fn empty_bucket_says_so() {
    let (mut app, fx) = browsing("");
    deliver(&mut app, list_task(&fx, ""), page(&[], &[], false));
    insta::assert_snapshot!(draw(&app, 90, 10).backend());
}

#[test]
fn tiny_and_zero_sizes_do_not_panic() {
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["raw/"], &[("a", 1)], false),
    );
    send(&mut app, [key('?')]);
    for (w, h) in [(0, 0), (1, 1), (5, 3), (20, 5), (300, 100)] {
        update(&mut app, Msg::Resize(w, h));
        draw(&app, w, h);
    }
}

#[test]
fn quit_question_names_what_runs() {
    let (mut app, fx) = browsing("");
    deliver(&mut app, list_task(&fx, ""), page(&["raw/"], &[], true));
    send(&mut app, [key('s'), key('q')]);
    insta::assert_snapshot!(draw(&app, 100, 24).backend());
}

#[test]
fn message_log_with_a_waiting_request() {
    let (mut app, fx) = browsing("");
    deliver(&mut app, list_task(&fx, ""), page(&["raw/"], &[], false));
    // 2026-11-25 10:00:00 UTC, then a slow request.
    update(
        &mut app,
        Msg::Tick(pail::app::Clock {
            now_ms: 1_795_600_800_000,
            waiting: Some("waiting for 127.0.0.1:9000 · 20 s · attempt 2/3".into()),
        }),
    );
    app.set_error("Listing raw/ failed: \x1b[31mSlowDown");
    app.set_status("Counting everything under raw/");
    send(&mut app, [key('M')]);
    let t = draw(&app, 100, 24);
    assert_no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn marked_rows_have_a_column_and_a_count() {
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(
            &["raw/"],
            &[("a.parquet", 1024), ("b.parquet", 2048)],
            false,
        ),
    );
    send(&mut app, [key(' '), key('j'), key(' ')]);
    insta::assert_snapshot!(draw(&app, 100, 12).backend());
}

/// A download of `raw/` running, a finished upload with a failure, and a
/// hostile key among the items.
fn with_transfers() -> App {
    use pail::app::task::TransferReport;
    use pail::engine::{Item, Outcome, Phase, Snapshot};
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(
            &["raw/"],
            &[("a.parquet", 1024), ("evil\u{1b}[2J.txt", 7)],
            false,
        ),
    );
    let tick = |app: &mut App, ms| {
        update(
            app,
            Msg::Tick(pail::app::Clock {
                now_ms: ms,
                waiting: None,
            }),
        )
    };
    tick(&mut app, 1_000);
    send(&mut app, [key('d'), code(KeyCode::Enter)]);
    send(
        &mut app,
        [key('j'), key('j'), key('x'), key('k'), key('k'), key('p')],
    );
    let ids: Vec<_> = app.transfers.jobs.iter().map(|j| j.id).collect();
    let report = |app: &mut App, id, done: u64, finished: bool, items: Vec<Item>| {
        let snap = Snapshot {
            objects_total: 40,
            objects_done: done / 100,
            bytes_total: 400_000_000,
            bytes_done: done * 1_000_000,
            failed: u64::from(finished),
            phase: if finished {
                Phase::Failed
            } else {
                Phase::Running
            },
            ..Snapshot::default()
        };
        update(
            app,
            Msg::Task(
                id,
                TaskEvent::Transfer(Box::new(TransferReport {
                    snapshot: snap,
                    items,
                    finished,
                    ..TransferReport::default()
                })),
            ),
        )
    };
    report(&mut app, ids[0], 100, false, vec![]);
    tick(&mut app, 3_000);
    report(&mut app, ids[0], 244, false, vec![]);
    report(
        &mut app,
        ids[1],
        7,
        true,
        vec![Item {
            name: "evil\u{1b}[2J.txt".into(),
            outcome: Outcome::Failed("AccessDenied: \u{7}no".into()),
            dest: None,
        }],
    );
    app
}

#[test]
fn transfers_panel() {
    let mut app = with_transfers();
    send(&mut app, [key('t')]);
    let t = draw(&app, 100, 16);
    assert_no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
    send(&mut app, [key('j'), code(KeyCode::Enter)]);
    let t = draw(&app, 100, 10);
    assert_no_control_chars(&t);
    insta::assert_snapshot!("transfer_items", t.backend());
}

#[test]
fn the_transfers_panel_keeps_rate_and_eta_at_80_columns() {
    let mut app = with_transfers();
    send(&mut app, [key('t')]);
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    let rows: Vec<String> = (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect();
    let detail = rows
        .iter()
        .find(|r| r.contains("objects ·") && r.contains("/s"))
        .unwrap_or_else(|| panic!("no rate on 80 columns:\n{}", rows.join("\n")));
    assert!(detail.contains("ETA"), "{detail}");
    assert!(
        detail.contains('█') || detail.contains('░'),
        "a shorter bar: {detail}"
    );
}

#[test]
fn a_rollback_job_shows_its_undo_moment_whole_on_a_narrow_panel() {
    let mut app = with_transfers();
    let moment = "to undo, roll s3://bucket/site/ forward to 2026-12-04T18:22:08.123Z (v on it, type that moment)";
    app.transfers.jobs[0].after = Some(moment.into());
    send(&mut app, [key('t')]);
    let t = draw(&app, 50, 24);
    let buf = t.backend().buffer();
    let text: String = (0..buf.area.height)
        .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
        .map(|p| buf[p].symbol().to_owned())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("2026-12-04T18:22:08.123Z (v on it,") && text.contains("type that moment)"),
        "the moment is cut: {text}"
    );
}

#[test]
fn the_status_bar_separates_work_running_and_the_latest_message() {
    let mut app = with_transfers();
    app.set_status("Copied presigned link for a.parquet");
    let t = draw(&app, 160, 24);
    let buf = t.backend().buffer();
    let y = buf.area.height - 1;
    let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
    let parts: Vec<&str> = row.split(" · ").collect();
    assert!(
        parts.iter().any(|p| p.trim_start().ends_with("running"))
            && parts.iter().any(|p| p.starts_with("Copied presigned link")),
        "each part of the status bar stands apart: {row:?}"
    );
}

#[test]
fn delete_preview_asks_for_the_count() {
    let (mut app, fx) = browsing("");
    deliver(&mut app, list_task(&fx, ""), page(&["raw/"], &[], false));
    let fx = send(&mut app, [key('X')]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    let keys: Vec<(String, u64)> = (0..30)
        .map(|i| (format!("raw/2026/part-{i:04}.parquet"), 1 << 20))
        .chain([("raw/bad\nkey".to_string(), 1)])
        .collect();
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::DeletePlan(Box::new(Ok(pail::plan::DeletePlan {
                bucket: "acme-datalake".into(),
                keys,
                bytes: 30 << 20,
            }))),
        ),
    );
    later(&mut app, 300);
    send(&mut app, [key('3')]);
    let t = draw(&app, 90, 20);
    assert_no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn conflict_question() {
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&[], &[("a.txt", 3)], false),
    );
    send(&mut app, [key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let r = pail::app::task::TransferReport {
        question: Some(pail::engine::Question {
            target: "/home/me/Downloads/a.txt".into(),
            ours: pail::engine::Side {
                label: "in S3",
                size: 3,
                modified: Some(1_793_534_400),
            },
            theirs: pail::engine::Side {
                label: "here",
                size: 5,
                modified: Some(1_793_448_000),
            },
            within_job: None,
        }),
        ..Default::default()
    };
    update(&mut app, Msg::Task(id, TaskEvent::Transfer(Box::new(r))));
    insta::assert_snapshot!(draw(&app, 90, 16).backend());
}

#[test]
fn upload_prompt_with_the_folder_listed() {
    let (mut app, fx) = browsing("");
    deliver(&mut app, list_task(&fx, ""), page(&["raw/"], &[], false));
    let fx = send(&mut app, [key('u')]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    let e = |name: &str, dir: bool, size| pail::app::task::LocalEntry {
        name: name.into(),
        dir,
        size,
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Dir(Ok(vec![
                e("photos", true, 0),
                e("report.pdf", false, 123_456),
                e("evil\u{1b}]0;x\u{7}.txt", false, 1),
            ])),
        ),
    );
    send(
        &mut app,
        [code(KeyCode::Down), code(KeyCode::Down), key(' ')],
    );
    let t = draw(&app, 90, 20);
    assert_no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn open_uploads_panel() {
    let (mut app, fx) = browsing("");
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["backups/"], &[], false),
    );
    let fx = send(&mut app, [key('m')]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    let row = |key: &str, parts: u64, who: Option<&str>| pail::engine::uploads::OpenRow {
        upload: pail::store::OpenUpload {
            key: key.into(),
            upload_id: "2~abc".into(),
            initiated: Some(1_793_534_400),
            initiator: who.map(str::to_owned),
            storage_class: None,
        },
        parts: Ok(pail::store::UploadedParts {
            parts,
            bytes: parts * 8 * 1024 * 1024,
        }),
    };
    let rows = vec![
        row("backups/db.tar", 12, Some("alice")),
        row("backups/evil\u{1b}[2J.tar", 1, Some("bob\u{7}")),
        pail::engine::uploads::OpenRow {
            parts: Err("AccessDenied".into()),
            ..row("backups/c.bin", 0, None)
        },
    ];
    update(&mut app, Msg::Task(id, TaskEvent::OpenUploads(Ok(rows))));
    let t = draw(&app, 100, 16);
    assert_no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
}
