//! State tests of file operations without a terminal or a network: the
//! prompts, the delete preview and its typed confirmation, the conflict
//! question, the transfers panel, cancel and retry.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::task::TransferReport;
use pail::app::{App, Effect, Job, Modal, Msg, TaskEvent, TaskId, update};
use pail::engine::{Choice, Item, Mapping, Outcome, Phase, Question, S3Source, Snapshot, Spec};
use pail::plan::DeletePlan;

/// Browsing bucket `b` with `docs/` (two objects) and `a.txt`, `b.txt` at the root.
fn browsing() -> App {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["docs/"], &[("a.txt", 10), ("b.txt", 20)], false),
    );
    app
}

fn top(app: &App) -> Option<&Modal> {
    app.modals.last()
}

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    send(app, text.chars().map(key))
}

/// The transfer job spawned by these effects.
fn transfer(fx: &[Effect]) -> (TaskId, Spec) {
    spawned(fx)
        .into_iter()
        .find_map(|(id, j)| match j {
            Job::Transfer(s) => Some((id, *s)),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no transfer in {fx:?}"))
}

fn report(
    app: &mut App,
    id: TaskId,
    snap: Snapshot,
    items: Vec<Item>,
    finished: bool,
) -> Vec<Effect> {
    update(
        app,
        Msg::Task(
            id,
            TaskEvent::Transfer(Box::new(TransferReport {
                snapshot: snap,
                items,
                question: None,
                finished,
                crashed: None,
                telling: None,
            })),
        ),
    )
}

#[test]
fn download_acts_on_the_marks_and_lands_where_typed() {
    let mut app = browsing();
    // docs/ and a.txt marked with Space (the cursor moves down each time).
    send(&mut app, [key(' '), key(' ')]);
    assert_eq!(app.browsing.marks.len(), 2);
    send(&mut app, [key('d')]);
    let Some(Modal::Prompt(p)) = top(&app) else {
        panic!("download prompt expected")
    };
    assert!(p.label.contains("2 items"), "{}", p.label);
    // Replace the prefilled folder.
    send(&mut app, [ctrl('u')]);
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 40));
    type_text(&mut app, "/tmp/dl");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (_, spec) = transfer(&fx);
    let Spec::Download {
        bucket,
        sources,
        dest,
    } = spec
    else {
        panic!("a download")
    };
    assert_eq!(bucket, "b");
    assert_eq!(dest, std::path::PathBuf::from("/tmp/dl"));
    let keys: Vec<&str> = sources.iter().map(|m| m.source.key()).collect();
    assert_eq!(keys, ["a.txt", "docs/"]);
    assert!(sources.iter().all(|m| m.from.is_empty()));
    assert!(
        app.browsing.marks.is_empty(),
        "marks are used up by the operation"
    );
    // The next download offers the same folder.
    send(&mut app, [key('d')]);
    let Some(Modal::Prompt(p)) = top(&app) else {
        panic!()
    };
    assert_eq!(p.value(), "/tmp/dl/");
}

#[test]
fn deleting_a_prefix_lists_first_and_needs_the_typed_count() {
    let mut app = browsing();
    // Cursor on docs/.
    let fx = send(&mut app, [key('X')]);
    let (plan_id, job) = spawned(&fx).into_iter().next().expect("a plan job");
    assert!(matches!(job, Job::PlanDelete { .. }));
    // Keys typed while listing do nothing; the list is what counts.
    send(&mut app, [key('y'), code(KeyCode::Enter)]);
    assert!(spawned(&send(&mut app, [])).is_empty());
    let keys: Vec<(String, u64)> = (0..3).map(|i| (format!("docs/{i}"), 5)).collect();
    update(
        &mut app,
        Msg::Task(
            plan_id,
            TaskEvent::DeletePlan(Box::new(Ok(DeletePlan {
                bucket: "b".into(),
                keys: keys.clone(),
                bytes: 15,
            }))),
        ),
    );
    // `y` is not enough for a recursive delete, nor a wrong count.
    later(&mut app, 300);
    let fx = send(&mut app, [key('y'), key('2'), code(KeyCode::Enter)]);
    assert!(spawned(&fx).is_empty());
    let Some(Modal::Question(p)) = top(&app) else {
        panic!("preview stays")
    };
    assert!(p.note.as_deref().unwrap_or("").contains("Type 3"));
    let fx = send(
        &mut app,
        [code(KeyCode::Backspace), key('3'), code(KeyCode::Enter)],
    );
    let (_, spec) = transfer(&fx);
    assert_eq!(
        spec,
        Spec::Delete {
            bucket: "b".into(),
            keys
        }
    );
    assert!(top(&app).is_none());
}

#[test]
fn a_failed_listing_means_nothing_is_deleted() {
    let mut app = browsing();
    let fx = send(&mut app, [key('X')]);
    let (plan_id, _) = spawned(&fx).into_iter().next().unwrap();
    let err = pail::store::StoreError::new(pail::store::ErrorKind::AccessDenied, "no");
    update(
        &mut app,
        Msg::Task(plan_id, TaskEvent::DeletePlan(Box::new(Err(err)))),
    );
    let Some(Modal::Question(p)) = top(&app) else {
        panic!()
    };
    assert!(p.lines[0].text.contains("nothing was changed"));
    // Any key closes it; nothing starts.
    later(&mut app, 300);
    let fx = send(&mut app, [key('3')]);
    assert!(spawned(&fx).is_empty());
    assert!(top(&app).is_none());
}

#[test]
fn one_object_is_deleted_with_y_and_esc_changes_nothing() {
    let mut app = browsing();
    send(&mut app, [key('j')]); // a.txt
    let fx = send(&mut app, [key('X')]);
    assert!(spawned(&fx).is_empty(), "one object needs no listing");
    later(&mut app, 300);
    let fx = send(&mut app, [code(KeyCode::Esc)]);
    assert!(spawned(&fx).is_empty());
    assert!(top(&app).is_none());
    send(&mut app, [key('X')]);
    later(&mut app, 300);
    let fx = send(&mut app, [key('y')]);
    let (_, spec) = transfer(&fx);
    assert_eq!(
        spec,
        Spec::Delete {
            bucket: "b".into(),
            keys: vec![("a.txt".into(), 10)]
        }
    );
}

#[test]
fn cut_and_paste_moves_into_the_prefix_under_the_cursor() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('x')]); // cut a.txt
    assert!(app.browsing.clip.as_ref().is_some_and(|c| c.cut));
    // Pasting next to itself is refused.
    let fx = send(&mut app, [key('p')]);
    assert!(spawned(&fx).is_empty());
    send(&mut app, [key('k')]); // docs/
    let fx = send(&mut app, [key('p')]);
    let (_, spec) = transfer(&fx);
    let Spec::Copy {
        sources,
        dest_bucket,
        remove_source,
        ..
    } = spec
    else {
        panic!()
    };
    assert!(remove_source);
    assert_eq!(dest_bucket, "b");
    assert_eq!(sources[0].target("a.txt").as_deref(), Some("docs/a.txt"));
    assert!(app.browsing.clip.is_none(), "a cut is pasted once");
}

#[test]
fn a_prefix_is_not_pasted_into_itself() {
    let mut app = browsing();
    send(&mut app, [key('y')]); // docs/
    let fx = send(&mut app, [key('p')]);
    assert!(spawned(&fx).is_empty());
    assert!(status(&app).contains("into itself"));
}

#[test]
fn rename_of_an_object_moves_it_and_of_a_prefix_shows_the_count_first() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('r')]);
    let Some(Modal::Prompt(p)) = top(&app) else {
        panic!()
    };
    assert_eq!(p.value(), "a.txt");
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 5));
    type_text(&mut app, "renamed.txt");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (_, spec) = transfer(&fx);
    assert_eq!(
        spec,
        Spec::Copy {
            bucket: "b".into(),
            sources: vec![Mapping {
                source: S3Source::Object(obj_summary("a.txt", 10)),
                from: "a.txt".into(),
                to: "renamed.txt".into(),
            }],
            dest_bucket: "b".into(),
            remove_source: true,
        }
    );
    // renamed.txt existed and the answer was "keep both": the summary
    // names the key really written.
    let id = app.transfers.jobs[0].id;
    let snap = Snapshot {
        objects_total: 1,
        objects_done: 1,
        bytes_total: 10,
        bytes_done: 10,
        phase: Phase::Done,
        ..Snapshot::default()
    };
    let item = Item {
        name: "a.txt".into(),
        outcome: Outcome::Done {
            bytes: 10,
            note: None,
        },
        dest: Some("renamed (1).txt".into()),
    };
    report(&mut app, id, snap, vec![item], true);
    let status = status(&app);
    assert!(
        status.starts_with("Renamed 1 object (10 B) to s3://b/renamed (1).txt"),
        "{status}"
    );
    // A prefix: the cursor sits before its slash; a listing comes first.
    send(&mut app, [key('g'), key('r')]);
    let Some(Modal::Prompt(p)) = top(&app) else {
        panic!()
    };
    assert_eq!(p.input.cursor(), 4);
    type_text(&mut app, "-2026");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(matches!(spawned(&fx)[0].1, Job::PlanDelete { .. }));
    assert!(matches!(top(&app), Some(Modal::Question(_))));
}

fn obj_summary(key: &str, size: u64) -> pail::store::ObjectSummary {
    obj(key, size)
}

#[test]
fn new_folder_makes_a_marker_in_the_prefix_under_the_cursor() {
    let mut app = browsing();
    send(&mut app, [key('n')]);
    type_text(&mut app, "reports");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (_, spec) = transfer(&fx);
    assert_eq!(
        spec,
        Spec::MakeFolder {
            bucket: "b".into(),
            key: "docs/reports/".into()
        }
    );
}

#[test]
fn new_folder_refuses_dot_segments_and_empty_ones() {
    for bad in ["..", "a/../b", "./x", "a//b"] {
        let mut app = browsing();
        send(&mut app, [key('n')]);
        type_text(&mut app, bad);
        let fx = send(&mut app, [code(KeyCode::Enter)]);
        assert!(
            !fx.iter()
                .any(|e| matches!(e, Effect::Spawn(_, Job::Transfer(_)))),
            "{bad}: {fx:?}"
        );
        let Some(Modal::Prompt(p)) = top(&app) else {
            panic!("{bad}: the prompt stays open")
        };
        assert!(
            p.note
                .as_deref()
                .unwrap()
                .starts_with("A folder name cannot")
        );
    }
}

/// A prompt owns what it works on: closing it takes its folder listing and
/// marks along, so the next prompt starts from nothing (they used to wait
/// in a slot beside the modal stack for whichever prompt came next).
#[test]
fn a_prompt_keeps_nothing_of_the_prompt_before_it() {
    let mut app = browsing();
    let fx = send(&mut app, [key('u')]);
    let (dir_id, _) = spawned(&fx).into_iter().next().expect("the folder is read");
    let file = pail::app::task::LocalEntry {
        name: "a.txt".into(),
        dir: false,
        size: 3,
    };
    update(&mut app, Msg::Task(dir_id, TaskEvent::Dir(Ok(vec![file]))));
    send(&mut app, [code(KeyCode::Down), key(' ')]);
    assert_eq!(app.modals.picker().marked.len(), 1);
    // Esc leaves the list, Esc again closes the prompt.
    send(&mut app, [code(KeyCode::Esc), code(KeyCode::Esc)]);
    assert!(app.modals.is_empty());
    assert!(app.modals.work().is_none());
    send(&mut app, [key('d')]);
    assert!(matches!(
        app.modals.last(),
        Some(Modal::Prompt(p)) if p.kind == pail::app::prompt::PromptKind::Download
    ));
    let picker = app.modals.picker();
    assert!(picker.marked.is_empty() && picker.entries.is_empty());
    // A listing that arrives after its prompt closed is dropped.
    send(&mut app, [code(KeyCode::Esc)]);
    update(&mut app, Msg::Task(dir_id, TaskEvent::Dir(Ok(vec![]))));
    assert!(app.modals.is_empty());
}

/// The folder list's keys come from `[context.picker]`: a user who marks
/// with Insert and moves with Ctrl-n/Ctrl-p gets exactly that, and the
/// letters they no longer use there still type into the path.
#[test]
fn the_folder_lists_keys_come_from_the_keymap() {
    let user = r#"
[context.picker]
mark = ["Insert"]
move_down = ["Ctrl-n"]
move_up = ["Ctrl-p"]
"#;
    let (mut app, fx) = new_app_keyed(user, Some(("b", "")));
    deliver(&mut app, list_task(&fx, ""), page(&["docs/"], &[], false));
    let fx = send(&mut app, [key('u')]);
    let (dir_id, _) = spawned(&fx).into_iter().next().expect("the folder is read");
    let file = |name: &str| pail::app::task::LocalEntry {
        name: name.into(),
        dir: false,
        size: 3,
    };
    update(
        &mut app,
        Msg::Task(
            dir_id,
            TaskEvent::Dir(Ok(vec![file("a.txt"), file("b.txt")])),
        ),
    );
    // Down (the prompt's `next`) enters the list; Ctrl-n moves, Insert marks.
    send(
        &mut app,
        [code(KeyCode::Down), ctrl('n'), code(KeyCode::Insert)],
    );
    let picker = app.modals.picker();
    assert_eq!(picker.marked.len(), 1);
    assert!(picker.marked.iter().next().unwrap().ends_with("b.txt"));
    // Space is no longer `mark` in the list, and Down is no longer move_down.
    send(&mut app, [ctrl('p'), key(' '), code(KeyCode::Down)]);
    assert_eq!(app.modals.picker().marked.len(), 1);
    assert!(
        matches!(top(&app), Some(Modal::Prompt(_))),
        "the prompt stays"
    );
    assert_eq!(app.modals.picker().cursor, Some(0), "Ctrl-p moved back up");
}

#[test]
fn upload_prompt_lists_the_folder_and_picks_marked_entries() {
    let mut app = browsing();
    let fx = send(&mut app, [key('u')]);
    let (dir_id, job) = spawned(&fx).into_iter().next().expect("the folder is read");
    assert!(matches!(job, Job::ReadDir { .. }));
    let entry = |name: &str, dir: bool| pail::app::task::LocalEntry {
        name: name.into(),
        dir,
        size: 3,
    };
    update(
        &mut app,
        Msg::Task(
            dir_id,
            TaskEvent::Dir(Ok(vec![
                entry("photos", true),
                entry("a.txt", false),
                entry("b.txt", false),
            ])),
        ),
    );
    // ↓ into the list, mark the two files, Enter uploads them.
    send(
        &mut app,
        [code(KeyCode::Down), code(KeyCode::Down), key(' '), key(' ')],
    );
    assert_eq!(app.modals.picker().marked.len(), 2);
    send(&mut app, [ctrl('s')]);
    assert_eq!(
        app.browsing.upload_options.storage_class.as_deref(),
        Some("STANDARD")
    );
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (_, spec) = transfer(&fx);
    let Spec::Upload {
        paths,
        prefix,
        options,
        ..
    } = spec
    else {
        panic!()
    };
    assert_eq!(prefix, "docs/");
    assert_eq!(paths.len(), 2);
    assert!(paths[0].ends_with("a.txt") && paths[1].ends_with("b.txt"));
    assert_eq!(options.storage_class.as_deref(), Some("STANDARD"));
}

#[test]
fn the_upload_prompt_refuses_a_path_that_does_not_exist() {
    let mut app = browsing();
    let fx = send(&mut app, [key('u')]);
    let (dir_id, _) = spawned(&fx).into_iter().next().unwrap();
    let entry = pail::app::task::LocalEntry {
        name: "a.txt".into(),
        dir: false,
        size: 3,
    };
    update(&mut app, Msg::Task(dir_id, TaskEvent::Dir(Ok(vec![entry]))));
    // The prompt starts at "./": type a name the listing does not have.
    type_text(&mut app, "nope.txt");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Spawn(_, Job::Transfer(_)))),
        "{fx:?}"
    );
    let Some(Modal::Prompt(p)) = top(&app) else {
        panic!("the prompt stays open")
    };
    assert_eq!(p.value(), "./nope.txt");
    assert!(
        p.note.as_deref().unwrap().contains("no such file"),
        "{:?}",
        p.note
    );
    // One that exists goes.
    send(&mut app, std::iter::repeat_n(code(KeyCode::Backspace), 8));
    type_text(&mut app, "a.txt");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (_, spec) = transfer(&fx);
    assert!(matches!(spec, Spec::Upload { .. }));
}

#[test]
fn a_dragged_path_opens_the_upload_prompt() {
    let mut app = browsing();
    send(&mut app, [Msg::Paste("/home/me/My\\ Photos".into())]);
    let Some(Modal::Prompt(p)) = top(&app) else {
        panic!()
    };
    assert_eq!(p.value(), "/home/me/My Photos");
}

#[test]
fn a_conflict_question_is_asked_once_and_answered_for_the_job() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let q = Question {
        target: "/tmp/a.txt".into(),
        ours: pail::engine::Side {
            label: "in S3",
            size: 10,
            modified: None,
        },
        theirs: pail::engine::Side {
            label: "here",
            size: 10,
            modified: None,
        },
        within_job: None,
    };
    let r = TransferReport {
        question: Some(q.clone()),
        ..TransferReport::default()
    };
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Transfer(Box::new(r.clone()))),
    );
    assert!(matches!(top(&app), Some(Modal::Question(_))));
    // The same question reported again does not stack a second popup.
    update(&mut app, Msg::Task(id, TaskEvent::Transfer(Box::new(r))));
    assert_eq!(app.modals.len(), 1);
    later(&mut app, 300);
    let fx = send(&mut app, [key('i')]);
    assert!(fx.contains(&Effect::Answer(id, Choice::SkipIdentical)));
    assert!(top(&app).is_none());
}

#[test]
fn the_panel_cancels_retries_and_clears() {
    let mut app = browsing();
    // docs/ (the first row).
    send(&mut app, [key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let fx = send(&mut app, [key('t'), key('X')]);
    assert_eq!(cancelled(&fx), [id]);
    // The cancelled job still reports how it ended.
    let snap = Snapshot {
        objects_total: 3,
        objects_done: 1,
        failed: 1,
        cancelled: 1,
        bytes_total: 20,
        bytes_done: 10,
        phase: Phase::Failed,
        ..Snapshot::default()
    };
    let items = vec![
        Item {
            name: "docs/a".into(),
            outcome: Outcome::Done {
                bytes: 10,
                note: None,
            },
            dest: None,
        },
        Item {
            name: "docs/b".into(),
            outcome: Outcome::Failed("SlowDown".into()),
            dest: None,
        },
        Item {
            name: "docs/c".into(),
            outcome: Outcome::Cancelled,
            dest: None,
        },
    ];
    report(&mut app, id, snap, items, true);
    let job = &app.transfers.jobs[0];
    assert!(job.finished);
    assert_eq!(job.items[0].name, "docs/b", "failures first");
    let status = status(&app);
    assert!(status.starts_with("Downloaded 1 object"), "{status}");
    assert!(status.ends_with("1 cancelled · 1 failed"), "{status}");
    // r starts a job for the failed and the cancelled item only.
    let fx = send(&mut app, [key('r')]);
    let (_, spec) = transfer(&fx);
    let Spec::Download { sources, .. } = spec else {
        panic!()
    };
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0].source.key(), "docs/b");
    assert_eq!(sources[1].source.key(), "docs/c");
    assert_eq!(sources[0].from, "", "it lands where it would have");
    // C clears the finished one, the retry stays.
    send(&mut app, [key('C')]);
    assert_eq!(app.transfers.jobs.len(), 1);
    assert!(!app.transfers.jobs[0].finished);
}

#[test]
fn the_status_bar_sums_running_jobs_and_quitting_asks() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let snap = |done| Snapshot {
        objects_total: 10,
        bytes_total: 1000,
        bytes_done: done,
        phase: Phase::Running,
        ..Snapshot::default()
    };
    update(
        &mut app,
        Msg::Tick(pail::app::Clock {
            now_ms: 1_000,
            waiting: None,
        }),
    );
    report(&mut app, id, snap(100), vec![], false);
    update(
        &mut app,
        Msg::Tick(pail::app::Clock {
            now_ms: 2_000,
            waiting: None,
        }),
    );
    report(&mut app, id, snap(600), vec![], false);
    let s = app.transfers.status().unwrap();
    assert!(s.starts_with("↓ 1 job · 60%"), "{s}");
    assert!(s.contains("500 B/s"), "{s}");
    assert_eq!(app.transfers.jobs[0].eta_secs(), Some(1));
    send(&mut app, [key('q')]);
    assert!(matches!(top(&app), Some(Modal::ConfirmQuit)));
}

#[test]
fn question_mark_opens_the_help_of_the_transfers_panel() {
    let mut app = browsing();
    send(&mut app, [key('t'), key('?')]);
    assert_eq!(
        top(&app),
        Some(&Modal::Help {
            scroll: 0,
            context: pail::keymap::Context::Transfers
        })
    );
    send(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(top(&app), Some(&Modal::Transfers));
}

fn open_row(key: &str, id: &str, parts: u64) -> pail::engine::uploads::OpenRow {
    pail::engine::uploads::OpenRow {
        upload: pail::store::OpenUpload {
            key: key.into(),
            upload_id: id.into(),
            initiated: Some(1_793_534_400),
            initiator: Some("alice".into()),
            storage_class: None,
        },
        parts: Ok(pail::store::UploadedParts {
            parts,
            bytes: parts * 5 * 1024 * 1024,
        }),
    }
}

#[test]
fn the_open_uploads_panel_lists_and_aborts_one_or_all_after_asking() {
    let mut app = browsing();
    // The cursor is on docs/: the panel lists what is open under it.
    let fx = send(&mut app, [key('m')]);
    let (id, job) = spawned(&fx).into_iter().next().unwrap();
    assert_eq!(
        job,
        Job::ListOpenUploads {
            bucket: "b".into(),
            prefix: "docs/".into()
        }
    );
    let rows = vec![
        open_row("docs/a.tar", "id-a", 3),
        open_row("docs/b.tar", "id-b", 1),
    ];
    update(&mut app, Msg::Task(id, TaskEvent::OpenUploads(Ok(rows))));
    // X on the first asks; a reflex y is no answer, a later one is.
    send(&mut app, [key('X')]);
    let Some(Modal::Question(q)) = top(&app) else {
        panic!("a question")
    };
    assert!(
        q.lines[0]
            .text
            .contains("1 open upload · 3 parts · 15.0 MiB"),
        "{:?}",
        q.lines
    );
    let fx = send(&mut app, [key('y')]);
    assert!(spawned(&fx).is_empty(), "too early: {fx:?}");
    later(&mut app, 1000);
    let fx = send(&mut app, [key('y')]);
    let (_, spec) = transfer(&fx);
    assert_eq!(
        spec,
        Spec::AbortUploads {
            bucket: "b".into(),
            uploads: vec![("docs/a.tar".into(), "id-a".into())]
        }
    );
    // A: every one, by typing their number; q never confirms.
    send(&mut app, [key('A')]);
    later(&mut app, 1000);
    send(&mut app, [key('q')]);
    assert!(matches!(top(&app), Some(Modal::Uploads(_))), "q said no");
    send(&mut app, [key('A')]);
    later(&mut app, 1000);
    let fx = send(&mut app, [key('2'), code(KeyCode::Enter)]);
    let (_, spec) = transfer(&fx);
    let Spec::AbortUploads { uploads, .. } = spec else {
        panic!()
    };
    assert_eq!(uploads.len(), 2);
    send(&mut app, [code(KeyCode::Esc)]);
    assert!(top(&app).is_none(), "{:?}", top(&app));
}

#[test]
fn enter_on_an_item_shows_its_whole_reason() {
    let mut app = browsing();
    send(&mut app, [key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let long = format!("AccessDenied: {} the end", "a very long reason ".repeat(20));
    let items = vec![Item {
        name: "docs/b".into(),
        outcome: Outcome::Failed(long.clone()),
        dest: None,
    }];
    let snap = Snapshot {
        objects_total: 1,
        failed: 1,
        phase: Phase::Failed,
        ..Snapshot::default()
    };
    report(&mut app, id, snap, items, true);
    send(&mut app, [key('t'), code(KeyCode::Enter)]);
    assert!(matches!(top(&app), Some(Modal::TransferItems { .. })));
    send(&mut app, [code(KeyCode::Enter)]);
    let Some(Modal::Detail(x)) = top(&app) else {
        panic!("{:?}", top(&app))
    };
    assert!(x.hints[0].ends_with("the end"), "{:?}", x.hints);
    assert!(x.hints[0].contains(&long), "the whole reason");
    send(&mut app, [key('x')]);
    assert!(matches!(top(&app), Some(Modal::TransferItems { .. })));
}

#[test]
fn a_failed_item_denied_by_the_server_is_explained_in_its_detail() {
    use pail::store::{ErrorKind, StoreError};
    let mut app = browsing();
    send(&mut app, [key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let mut denied = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
    denied.code = Some("AccessDenied".into());
    let items = vec![Item {
        name: "docs/b".into(),
        outcome: Outcome::Failed(denied.to_string()),
        dest: None,
    }];
    let snap = Snapshot {
        objects_total: 1,
        failed: 1,
        phase: Phase::Failed,
        ..Snapshot::default()
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Transfer(Box::new(TransferReport {
                snapshot: snap,
                items,
                finished: true,
                telling: Some(denied),
                ..TransferReport::default()
            })),
        ),
    );
    send(
        &mut app,
        [key('t'), code(KeyCode::Enter), code(KeyCode::Enter)],
    );
    let Some(Modal::Detail(x)) = top(&app) else {
        panic!("{:?}", top(&app))
    };
    let text = x.hints.join("\n");
    assert!(text.contains("Access denied"), "{text}");
    assert!(text.contains("Check, in this order:"), "{text}");
}

#[test]
fn the_transfers_panel_opens_on_the_newest_running_job() {
    let mut app = browsing();
    // Three downloads; the last one finishes, the middle one still runs.
    for _ in 0..3 {
        send(&mut app, [key('d'), code(KeyCode::Enter)]);
    }
    let ids: Vec<TaskId> = app.transfers.jobs.iter().map(|j| j.id).collect();
    let done = Snapshot {
        phase: Phase::Done,
        ..Snapshot::default()
    };
    report(&mut app, ids[2], done.clone(), vec![], true);
    report(&mut app, ids[0], done, vec![], true);
    send(&mut app, [key('t')]);
    assert_eq!(app.transfers.selected, 1);
}
