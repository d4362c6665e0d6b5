//! State tests of part 3 without a terminal or a network: the share popup
//! (expiry presets and typed durations, PUT links, marked objects, no
//! credentials), the versions panel and its actions, deleted rows in the
//! tree with undelete, and the rollback prompt, plan and confirmation.

use crate::common::fixtures::*;
use crate::common::history::*;
use crossterm::event::KeyCode;
use pail::app::share::{Share, Stage};
use pail::app::{App, Effect, Job, Modal, Msg, TaskEvent, TaskId, rollback, update, versions};
use pail::engine::Spec;
use pail::engine::history::Step;
use pail::plan::rollback::{Change, KeyPlan, RollbackPlan};
use pail::store::{LinkMethod, PresignRequest};

fn share(app: &App) -> &Share {
    match app.modals.last() {
        Some(Modal::Share(s)) => s,
        other => panic!("share popup expected, got {other:?}"),
    }
}

/// The open versions panel (it lives in its modal).
fn versions_panel(app: &App) -> &pail::app::versions::Panel {
    app.modals
        .iter()
        .find_map(|m| match m {
            Modal::Versions(p) => Some(p.as_ref()),
            _ => None,
        })
        .expect("the versions panel is open")
}

fn presign_job(fx: &[Effect]) -> (TaskId, Vec<PresignRequest>) {
    spawned(fx)
        .into_iter()
        .find_map(|(id, j)| match j {
            Job::Presign(r) => Some((id, r)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no presign in {fx:?}"))
}

fn copies(fx: &[Effect]) -> Vec<(String, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Copy { text, what } => Some((text.clone(), what.clone())),
            _ => None,
        })
        .collect()
}

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(key))
}

#[test]
fn a_get_link_is_signed_shown_copied_and_offered_as_curl_and_qr() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('P')]);
    assert_eq!(share(&app).method, LinkMethod::Get);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, reqs) = presign_job(&fx);
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].object.key, "a.txt");
    assert_eq!(reqs[0].expires_secs, 3600, "1 hour is the default");
    let link = signed(&reqs[0], None);
    let fx = update(
        &mut app,
        Msg::Task(id, TaskEvent::Presigned(vec![Ok(link.clone())])),
    );
    let c = copies(&fx);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].0, link.url);
    assert!(c[0].1.contains("presigned GET link"), "{}", c[0].1);
    assert!(matches!(share(&app).stage, Stage::Done(_)));
    let fx = send(&mut app, [key('c')]);
    let curl = &copies(&fx)[0].0;
    assert_eq!(curl, &format!("curl -f -o 'a.txt' '{}'", link.url));
    send(&mut app, [key('Q')]);
    let qr = share(&app).qr.clone().expect("qr shown").expect("qr drawn");
    assert!(
        qr.len() > 10
            && qr
                .iter()
                .all(|r| r.chars().count() == qr[0].chars().count())
    );
    send(&mut app, [code(KeyCode::Esc)]);
    assert!(app.modals.is_empty());
}

/// The share form's keys come from `[context.share]`: a user's choice,
/// field and submit keys replace the defaults there and nowhere else.
#[test]
fn the_share_forms_keys_come_from_the_keymap() {
    let user = r#"
[context.share]
choice_next = ["Ctrl-l"]
submit = ["Ctrl-g"]
"#;
    let (mut app, fx) = new_app_keyed(user, Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&[], &[("a.txt", 10)], false),
    );
    send(&mut app, [key('P')]);
    assert_eq!(share(&app).expiry(), Ok(3600));
    // Right no longer cycles the preset; Ctrl-l does.
    send(&mut app, [code(KeyCode::Right)]);
    assert_eq!(share(&app).expiry(), Ok(3600));
    send(&mut app, [ctrl('l')]);
    assert_eq!(share(&app).expiry(), Ok(12 * 3600));
    // Enter is no longer submit in the form; Ctrl-g is.
    assert!(spawned(&send(&mut app, [code(KeyCode::Enter)])).is_empty());
    let (_, reqs) = presign_job(&send(&mut app, [ctrl('g')]));
    assert_eq!(reqs[0].expires_secs, 12 * 3600);
}

#[test]
fn expiry_presets_typed_durations_and_the_seven_day_limit() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('P')]);
    // ← from "1 hour" is "15 min".
    send(&mut app, [code(KeyCode::Left)]);
    assert_eq!(share(&app).expiry(), Ok(900));
    // Typing on the expiry switches to a typed duration.
    type_text(&mut app, "36h");
    assert_eq!(share(&app).expiry(), Ok(36 * 3600));
    send(
        &mut app,
        [
            code(KeyCode::Backspace),
            code(KeyCode::Backspace),
            code(KeyCode::Backspace),
        ],
    );
    type_text(&mut app, "8d");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        spawned(&fx).is_empty(),
        "over 7 days is refused before signing"
    );
    let e = share(&app).error.clone().unwrap();
    assert!(e.contains("7 days"), "{e}");
    send(
        &mut app,
        [code(KeyCode::Backspace), code(KeyCode::Backspace)],
    );
    // Just over the limit says the span exactly, not a rounded "7 days".
    type_text(&mut app, "7d1m");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(spawned(&fx).is_empty(), "7d1m is over 7 days");
    let e = share(&app).error.clone().unwrap();
    assert!(
        e.starts_with("7 days 1 minute is longer than 7 days"),
        "{e}"
    );
    send(&mut app, (0..4).map(|_| code(KeyCode::Backspace)));
    type_text(&mut app, "90m");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(presign_job(&fx).1[0].expires_secs, 5400);
}

#[test]
fn a_put_link_signs_the_content_type_for_a_typed_key() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(
        &mut app,
        [key('P'), code(KeyCode::Up), code(KeyCode::Right)],
    );
    assert_eq!(share(&app).method, LinkMethod::Put);
    // The key field comes after the method: retype the key.
    send(&mut app, [code(KeyCode::Down), code(KeyCode::End)]);
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 5));
    type_text(&mut app, "new/upload.csv");
    // Content-Type is the last field.
    send(&mut app, [code(KeyCode::Down), code(KeyCode::Down)]);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, reqs) = presign_job(&fx);
    assert_eq!(reqs[0].method, LinkMethod::Put);
    assert_eq!(reqs[0].object.key, "new/upload.csv");
    // The content type follows the typed key's extension.
    assert_eq!(reqs[0].content_type.as_deref(), Some("text/csv"));
    let link = signed(&reqs[0], None);
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Presigned(vec![Ok(link)])),
    );
    let fx = send(&mut app, [key('c')]);
    let curl = &copies(&fx)[0].0;
    assert!(
        curl.starts_with("curl -f -T 'upload.csv' -H 'content-type: text/csv' 'http"),
        "{curl}"
    );
}

#[test]
fn marked_objects_get_one_link_each_as_key_tab_url_lines() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key(' '), key(' '), key('P')]);
    assert_eq!(share(&app).objects.len(), 2);
    assert!(
        !share(&app)
            .fields()
            .contains(&pail::app::share::Field::Method),
        "GET only"
    );
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, reqs) = presign_job(&fx);
    let links = reqs.iter().map(|r| signed(r, None)).map(Ok).collect();
    let fx = update(&mut app, Msg::Task(id, TaskEvent::Presigned(links)));
    let text = &copies(&fx)[0].0;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("a.txt\thttp://") && lines[1].starts_with("b.txt\thttp://"),
        "{text}"
    );
}

#[test]
fn without_credentials_the_popup_explains_and_signs_nothing() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    app.session.conn.unsigned = true;
    send(&mut app, [key('P')]);
    assert!(
        share(&app)
            .error
            .as_deref()
            .unwrap()
            .contains("--no-sign-request")
    );
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(spawned(&fx).is_empty());
}

fn history_job(fx: &[Effect]) -> Vec<Step> {
    spawned(fx)
        .into_iter()
        .find_map(|(_, j)| match j {
            Job::Transfer(s) => match *s {
                Spec::History { steps, .. } => Some(steps),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| panic!("no history job in {fx:?}"))
}

#[test]
fn the_versions_panel_lists_exactly_the_key_and_restores_after_asking() {
    let mut app = panel(
        pail::store::Versioning::Enabled,
        vec![
            version("a.txt", "v3", NOW - 100, true, false),
            version("a.txt", "v2", NOW - 200, false, false),
            version("a.txt", "v1", NOW - 300, false, false),
        ],
    );
    let p = versions_panel(&app);
    assert_eq!(p.rows.len(), 3, "a.txt.bak is another key");
    // Moving inspects the version (HeadObject with its id).
    let fx = send(&mut app, [key('j')]);
    assert!(
        spawned(&fx).iter().any(
            |(_, j)| matches!(j, Job::Versions(versions::Request::Info(o)) if o.version_id.as_deref() == Some("v2"))
        )
    );
    let fx = send(&mut app, [key('r')]);
    assert!(spawned(&fx).is_empty(), "restore asks first");
    assert!(matches!(app.modals.last(), Some(Modal::Question(_))));
    // `q` (yes to the quit question) is no here: nothing restored.
    later(&mut app, 300);
    let fx = send(&mut app, [key('q')]);
    assert!(spawned(&fx).is_empty() && matches!(app.modals.last(), Some(Modal::Versions(_))));
    send(&mut app, [key('r')]);
    later(&mut app, 300);
    let fx = send(&mut app, [key('y')]);
    assert_eq!(
        history_job(&fx),
        [Step::Restore {
            key: "a.txt".into(),
            version_id: "v2".into(),
            size: 10,
            storage_class: Some("STANDARD".into())
        }]
    );
}

#[test]
fn a_version_download_names_the_version_in_its_prompt() {
    let mut app = panel(
        pail::store::Versioning::Enabled,
        vec![
            version(
                "a.txt",
                "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
                NOW - 100,
                true,
                false,
            ),
            version("a.txt", "v2-older-one", NOW - 200, false, false),
        ],
    );
    send(&mut app, [key('j'), key('d')]);
    let Some(Modal::Prompt(p)) = app.modals.last() else {
        panic!("a download prompt: {:?}", app.modals.last());
    };
    assert!(
        p.label
            .starts_with("Download a.txt (version v2-older-one, 2026-")
            && p.label.ends_with(") to: "),
        "{}",
        p.label
    );
}

#[test]
fn a_version_is_removed_for_good_only_after_typing_its_id() {
    let mut app = panel(
        pail::store::Versioning::Enabled,
        vec![
            version("a.txt", "3HL4kqtJlcpXroDTDmJ", NOW - 100, true, false),
            version("a.txt", "Zk8pQ2vYx", NOW - 200, false, false),
        ],
    );
    send(&mut app, [key('j'), key('X')]);
    let Some(Modal::Question(a)) = app.modals.last() else {
        panic!("question expected")
    };
    assert_eq!(a.typed_needed(), Some("Zk8pQ2"));
    assert!(a.lines.iter().any(|l| l.text.contains("cannot be undone")));
    later(&mut app, 300);
    let fx = type_text(&mut app, "Zk8pQ3");
    let fx2 = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        spawned(&fx).is_empty() && spawned(&fx2).is_empty(),
        "wrong id: nothing"
    );
    send(&mut app, [code(KeyCode::Backspace)]);
    type_text(&mut app, "2");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(
        history_job(&fx),
        [Step::Purge {
            key: "a.txt".into(),
            version_id: "Zk8pQ2vYx".into(),
            size: 10
        }]
    );
}

#[test]
fn undelete_removes_the_markers_on_top() {
    let mut app = panel(
        pail::store::Versioning::Enabled,
        vec![
            version("a.txt", "m2", NOW - 50, true, true),
            version("a.txt", "m1", NOW - 60, false, true),
            version("a.txt", "v1", NOW - 300, false, false),
        ],
    );
    let fx = send(&mut app, [key('U')]);
    assert_eq!(
        history_job(&fx),
        [Step::Undelete {
            key: "a.txt".into(),
            markers: vec!["m2".into(), "m1".into()],
            size: 10,
        }]
    );
}

#[test]
fn suspended_and_never_versioned_buckets_say_what_that_means() {
    let rows = vec![
        version("a.txt", "v2", NOW - 100, true, false),
        version("a.txt", "null", NOW - 200, false, false),
    ];
    let mut app = panel(pail::store::Versioning::Suspended, rows.clone());
    send(&mut app, [key('j'), key('r')]);
    let Some(Modal::Question(a)) = app.modals.last() else {
        panic!("question expected")
    };
    assert!(
        a.lines
            .iter()
            .any(|l| l.text.contains("Suspended") && l.text.contains("null")),
        "{:?}",
        a.lines
    );
    let mut app = panel(
        pail::store::Versioning::NeverEnabled,
        vec![version("a.txt", "null", NOW - 100, true, false)],
    );
    assert!(versions_panel(&app).never_versioned());
    send(&mut app, [key('r')]);
    assert!(!matches!(app.modals.last(), Some(Modal::Question(_))));
    assert!(
        status(&app).contains("never enabled"),
        "{:?}",
        app.messages.status
    );
}

#[test]
fn deleted_keys_and_folders_show_in_the_tree_and_go_with_h() {
    let (mut app, _) = with_deleted();
    let t = tree(&app);
    let rows: Vec<(String, bool)> = t
        .rows()
        .iter()
        .map(|r| (t.entry(r).key.to_string(), t.entry(r).deleted))
        .collect();
    assert_eq!(
        rows,
        [
            ("blog/".into(), true),
            ("docs/".into(), false),
            ("a.txt".into(), false),
            ("b.txt".into(), false),
            ("gone.txt".into(), true),
        ]
    );
    // Nothing to download, share or mark on a deleted row.
    send(&mut app, [key('G')]);
    for k in ['d', 'P', 'X', 'r'] {
        send(&mut app, [key(k)]);
        assert!(
            app.modals.is_empty(),
            "{k} on a deleted row opened {:?}",
            app.modals
        );
        assert!(status(&app).contains("U undeletes"));
    }
    send(&mut app, [key(' ')]);
    assert!(app.browsing.marks.is_empty());
    send(&mut app, [key('H')]);
    assert_eq!(tree(&app).rows().len(), 3);
}

#[test]
fn u_on_a_deleted_key_plans_and_runs_and_on_a_prefix_previews_first() {
    let (mut app, _) = with_deleted();
    send(&mut app, [key('G')]);
    let fx = send(&mut app, [key('U')]);
    let (id, job) = spawned(&fx).into_iter().next().unwrap();
    assert_eq!(
        job,
        Job::Rollback(rollback::Request::Undelete {
            bucket: "b".into(),
            prefix: "gone.txt".into(),
            exact: true
        })
    );
    let plan = RollbackPlan {
        bucket: "b".into(),
        prefix: "gone.txt".into(),
        keys: vec![KeyPlan {
            key: "gone.txt".into(),
            change: Change::Undelete,
            version: Some(version("gone.txt", "g1", NOW - 90_000, false, false)),
            markers: vec!["gm".into()],
        }],
        ..RollbackPlan::default()
    };
    let fx = update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Rollback(rollback::Reply::Undelete(true, Box::new(Ok(plan.clone())))),
        ),
    );
    assert_eq!(
        history_job(&fx),
        [Step::Undelete {
            key: "gone.txt".into(),
            markers: vec!["gm".into()],
            size: 10,
        }]
    );
    // On the deleted folder: a preview with counts, then y.
    send(&mut app, [key('g')]);
    let fx = send(&mut app, [key('U')]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    let mut p = plan;
    p.prefix = "blog/".into();
    p.keys[0].key = "blog/a.md".into();
    let fx = update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Rollback(rollback::Reply::Undelete(false, Box::new(Ok(p)))),
        ),
    );
    assert!(spawned(&fx).is_empty());
    let Some(Modal::Question(a)) = app.modals.last() else {
        panic!("preview expected")
    };
    assert!(a.lines[0].text.contains("Undelete 1 key"), "{:?}", a.lines);
    assert_eq!(a.list, ["blog/a.md  (10 B, 1 marker)"]);
    later(&mut app, 300);
    let fx = send(&mut app, [key('y')]);
    assert_eq!(history_job(&fx).len(), 1);
}

#[test]
fn a_rollback_reads_a_moment_previews_the_plan_and_wants_the_count_typed() {
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('k'), key('v')]);
    let Some(Modal::Prompt(p)) = app.modals.last() else {
        panic!("moment prompt expected")
    };
    assert!(p.label.contains("s3://b/docs/"), "{}", p.label);
    type_text(&mut app, "3h ago");
    let Some(Modal::Prompt(p)) = app.modals.last() else {
        panic!()
    };
    assert_eq!(p.note.as_deref(), Some("= 2026-11-25 09:00:00 UTC"));
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, job) = spawned(&fx).into_iter().next().unwrap();
    assert_eq!(
        job,
        Job::Rollback(rollback::Request::Plan {
            bucket: "b".into(),
            prefix: "docs/".into(),
            at: NOW - 3 * 3600
        })
    );
    let k = |key: &str, change: Change| KeyPlan {
        key: key.into(),
        change,
        version: Some(version(key, "old", NOW - 4 * 3600, false, false)),
        markers: vec![],
    };
    let plan = RollbackPlan {
        bucket: "b".into(),
        prefix: "docs/".into(),
        at: NOW - 3 * 3600,
        keys: vec![
            k("docs/a.md", Change::Restore),
            k("docs/b.md", Change::Undelete),
            KeyPlan {
                version: None,
                ..k("docs/new.md", Change::Delete)
            },
            k("docs/same.md", Change::Unchanged),
            k(
                "docs/cold.md",
                Change::Blocked("version is in GLACIER".into()),
            ),
        ],
        versions_listed: 12,
        requests: 1,
        keep_markers: true,
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Rollback(rollback::Reply::Plan(Box::new(Ok(plan)))),
        ),
    );
    let Some(Modal::Question(a)) = app.modals.last() else {
        panic!("preview expected")
    };
    assert_eq!(a.typed_needed(), Some("3"));
    assert_eq!(
        a.list.len(),
        4,
        "unchanged keys are not listed: {:?}",
        a.list
    );
    later(&mut app, 300);
    let fx = type_text(&mut app, "4");
    let fx2 = send(&mut app, [code(KeyCode::Enter)]);
    assert!(spawned(&fx).is_empty() && spawned(&fx2).is_empty());
    send(&mut app, [code(KeyCode::Backspace)]);
    type_text(&mut app, "3");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let steps = history_job(&fx);
    assert_eq!(steps.len(), 3);
    assert!(
        matches!(&steps[1], Step::Restore { key, .. } if key == "docs/b.md"),
        "a rollback's undelete copies: {steps:?}"
    );
    let job = app.transfers.jobs.last().unwrap();
    assert!(
        job.after
            .as_deref()
            .unwrap()
            .contains("forward to 2026-11-25 12:00:00 UTC"),
        "{:?}",
        job.after
    );
}

#[test]
fn a_rollback_of_a_never_versioned_bucket_is_refused_before_the_moment() {
    let mut app = browsing(pail::store::Versioning::NeverEnabled);
    let fx = send(&mut app, [key('k'), key('v')]);
    assert!(spawned(&fx).is_empty(), "{fx:?}");
    assert!(
        !matches!(app.modals.last(), Some(Modal::Prompt(_))),
        "no moment is asked for"
    );
    let status = app.messages.status.as_ref().unwrap();
    assert!(
        status.error && status.text.contains("never enabled"),
        "{}",
        status.text
    );
    // A moment in the future is refused where it is typed.
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('k'), key('v')]);
    type_text(&mut app, "2099-01-01 00:00");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(spawned(&fx).is_empty(), "{fx:?}");
    let Some(Modal::Prompt(p)) = app.modals.last() else {
        panic!("the prompt stays")
    };
    assert_eq!(p.note.as_deref(), Some("That moment is in the future"));
}

#[test]
fn question_mark_opens_the_help_of_the_versions_panel_and_the_share_popup() {
    use pail::keymap::Context;
    let mut app = panel(
        pail::store::Versioning::Enabled,
        vec![version("a.txt", "v1", NOW - 100, true, false)],
    );
    send(&mut app, [key('?')]);
    assert_eq!(
        app.modals.last(),
        Some(&Modal::Help {
            scroll: 0,
            context: Context::Versions
        })
    );
    // Closing it goes back to the panel.
    send(&mut app, [key('?')]);
    assert!(matches!(app.modals.last(), Some(Modal::Versions(_))));
    let mut app = browsing(pail::store::Versioning::Enabled);
    send(&mut app, [key('P'), key('?')]);
    assert_eq!(
        app.modals.last(),
        Some(&Modal::Help {
            scroll: 0,
            context: Context::Share
        })
    );
    // Esc closes the help: the popup is still there.
    send(&mut app, [code(KeyCode::Esc)]);
    assert!(matches!(app.modals.last(), Some(Modal::Share(_))));
}
