//! State tests of the promises every question keeps (delete, prefix
//! rename, conflict, restore, undelete, permanent delete, rollback): `q`
//! and `Esc` are never yes, `Enter` confirms only what cannot lose data or
//! what was typed out, and a key within 300 ms of a question opening is not
//! an answer.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::task::TransferReport;
use pail::app::{App, Effect, Job, Msg, TaskEvent, TaskId, update};
use pail::engine::{Choice, Question, Side, Spec};
use pail::plan::DeletePlan;

/// Browsing bucket `b` with `docs/` (two objects) and `a.txt`, `b.txt` at
/// the root, at a known time.
fn browsing() -> App {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["docs/"], &[("a.txt", 10), ("b.txt", 20)], false),
    );
    at(&mut app, 1_000_000);
    app
}

/// The wall-clock time is now `ms`.
fn at(app: &mut App, ms: i64) {
    update(app, Msg::Now(ms));
}

fn transfers(fx: &[Effect]) -> Vec<Spec> {
    spawned(fx)
        .into_iter()
        .filter_map(|(_, j)| match j {
            Job::Transfer(s) => Some(*s),
            _ => None,
        })
        .collect()
}

fn delete_plan(app: &mut App, id: TaskId, keys: &[(&str, u64)]) {
    let keys: Vec<(String, u64)> = keys.iter().map(|(k, s)| (k.to_string(), *s)).collect();
    let bytes = keys.iter().map(|(_, s)| s).sum();
    update(
        app,
        Msg::Task(
            id,
            TaskEvent::DeletePlan(Box::new(Ok(DeletePlan {
                bucket: "b".into(),
                keys,
                bytes,
            }))),
        ),
    );
}

#[test]
fn q_enter_and_esc_never_delete_one_object() {
    let mut app = browsing();
    send(&mut app, [key('j')]); // a.txt
    send(&mut app, [key('X')]);
    later(&mut app, 1_000);
    // q is yes to the quit question only: here it closes, nothing deleted.
    let fx = send(&mut app, [key('q')]);
    assert!(transfers(&fx).is_empty(), "q deleted the object");
    assert!(app.modals.is_empty(), "q closes the question");
    send(&mut app, [key('X')]);
    later(&mut app, 1_000);
    let fx = send(&mut app, [code(KeyCode::Esc)]);
    assert!(transfers(&fx).is_empty() && app.modals.is_empty());
    // Enter does not confirm a delete that nothing was typed for.
    send(&mut app, [key('X')]);
    later(&mut app, 1_000);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(transfers(&fx).is_empty(), "Enter deleted the object");
    assert_eq!(app.modals.len(), 1, "the question stays open");
    let fx = send(&mut app, [key('y')]);
    assert_eq!(
        transfers(&fx),
        [Spec::Delete {
            bucket: "b".into(),
            keys: vec![("a.txt".into(), 10)]
        }]
    );
}

#[test]
fn a_key_in_the_first_300_ms_is_not_an_answer() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('X')]);
    later(&mut app, 120);
    let fx = send(&mut app, [key('y')]);
    assert!(transfers(&fx).is_empty(), "a key 120 ms in deleted");
    assert_eq!(app.modals.len(), 1);
    later(&mut app, 250);
    let fx = send(&mut app, [key('y')]);
    assert_eq!(transfers(&fx).len(), 1, "after 300 ms y deletes");
}

#[test]
fn typed_counts_want_enter_and_q_never_confirms() {
    let mut app = browsing();
    let fx = send(&mut app, [key('X')]); // docs/
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    delete_plan(&mut app, id, &[("docs/1", 5), ("docs/2", 5)]);
    later(&mut app, 1_000);
    // y and Enter without the count do nothing; q closes.
    let fx = send(&mut app, [key('y'), code(KeyCode::Enter)]);
    assert!(transfers(&fx).is_empty());
    assert_eq!(app.modals.len(), 1);
    let fx = send(&mut app, [key('2'), key('q')]);
    assert!(transfers(&fx).is_empty() && app.modals.is_empty());
    // Typed and Enter: the delete starts.
    let fx = send(&mut app, [key('X')]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    delete_plan(&mut app, id, &[("docs/1", 5), ("docs/2", 5)]);
    later(&mut app, 1_000);
    let fx = send(&mut app, [key('2'), code(KeyCode::Enter)]);
    assert_eq!(transfers(&fx).len(), 1);
}

#[test]
fn the_delete_summary_reads_from_n_items() {
    let mut app = browsing();
    // Mark docs/, a.txt and b.txt, then delete them.
    let fx = send(&mut app, [key(' '), key(' '), key(' '), key('X')]);
    let (id, _) = spawned(&fx).into_iter().next().unwrap();
    delete_plan(
        &mut app,
        id,
        &[("docs/1", 5), ("docs/2", 5), ("a.txt", 10), ("b.txt", 20)],
    );
    later(&mut app, 1_000);
    let fx = send(&mut app, key_text("4"));
    assert!(transfers(&fx).is_empty());
    send(&mut app, [code(KeyCode::Enter)]);
    let job = app.transfers.jobs.last().expect("the delete runs");
    let summary = job.summary();
    assert!(summary.contains("from 3 items in s3://b/"), "{summary}");
}

#[test]
fn a_double_enter_from_the_rename_prompt_does_not_move_the_prefix() {
    let mut app = browsing();
    send(&mut app, [key('r')]); // docs/
    later(&mut app, 1_000);
    send(&mut app, key_text("-old"));
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, job) = spawned(&fx).into_iter().next().unwrap();
    assert!(matches!(job, Job::PlanDelete { .. }));
    // The listing is quick: its plan is there before the second Enter.
    later(&mut app, 20);
    delete_plan(&mut app, id, &[("docs/1", 5), ("docs/2", 5)]);
    later(&mut app, 40);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(transfers(&fx).is_empty(), "the second Enter moved docs/");
    assert_eq!(app.modals.len(), 1, "the preview stays");
    // A deliberate Enter later moves it (a rename loses nothing).
    later(&mut app, 400);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(transfers(&fx).len(), 1);
}

fn key_text(s: &str) -> Vec<Msg> {
    s.chars().map(key).collect()
}

fn conflict(within: Option<&str>) -> Question {
    Question {
        target: "/tmp/a.txt".into(),
        ours: Side {
            label: "in S3",
            size: 10,
            modified: Some(1_793_534_400),
        },
        theirs: Side {
            label: if within.is_some() {
                "from another item"
            } else {
                "here"
            },
            size: 12,
            modified: within.is_none().then_some(1_793_448_000),
        },
        within_job: within.map(str::to_owned),
    }
}

/// A download job of a.txt whose first conflict has just been reported.
fn with_conflict(app: &mut App) -> TaskId {
    send(app, [key('j'), key('d')]);
    later(app, 1_000);
    send(app, [code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    later(app, 500);
    let r = TransferReport {
        question: Some(conflict(None)),
        ..TransferReport::default()
    };
    update(app, Msg::Task(id, TaskEvent::Transfer(Box::new(r))));
    id
}

#[test]
fn a_reflex_key_as_a_conflict_question_pops_up_does_not_answer_it() {
    let mut app = browsing();
    let id = with_conflict(&mut app);
    // The user was moving through the tree: k (keep both here) arrives
    // 50 ms after the question appeared.
    later(&mut app, 50);
    let fx = send(&mut app, [key('k')]);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Answer(..))),
        "a reflex key answered: {fx:?}"
    );
    assert_eq!(app.modals.len(), 1);
    later(&mut app, 300);
    let fx = send(&mut app, [key('k')]);
    assert!(fx.contains(&Effect::Answer(id, Choice::KeepBoth)));
}

#[test]
fn q_on_a_conflict_question_never_overwrites() {
    let mut app = browsing();
    let id = with_conflict(&mut app);
    later(&mut app, 1_000);
    let fx = send(&mut app, [key('q')]);
    assert!(!fx.contains(&Effect::Answer(id, Choice::Overwrite)));
    // Enter on the highlighted choice never overwrites either.
    let mut app = browsing();
    let id = with_conflict(&mut app);
    later(&mut app, 1_000);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        !fx.contains(&Effect::Answer(id, Choice::Overwrite)),
        "{fx:?}"
    );
}

/// The question on top.
fn question(app: &App) -> &pail::app::question::Question {
    match app.modals.last() {
        Some(pail::app::Modal::Question(q)) => q,
        other => panic!("a question expected, got {other:?}"),
    }
}

#[test]
fn a_too_early_key_is_said_on_screen_and_the_help_opens_at_any_time() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('X')]);
    later(&mut app, 100);
    send(&mut app, [key('y')]);
    let note = question(&app).note.clone().unwrap_or_default();
    assert!(note.contains("ignored"), "{note:?}");
    // ? opens the question's help at once; the key that closes it does
    // not answer the question under it.
    send(&mut app, [key('?')]);
    assert_eq!(
        app.modals.last(),
        Some(&pail::app::Modal::Help {
            scroll: 0,
            context: pail::keymap::Context::Question
        })
    );
    later(&mut app, 1_000);
    send(&mut app, [code(KeyCode::Esc)]);
    let fx = send(&mut app, [key('y')]);
    assert!(transfers(&fx).is_empty(), "y right after the help closed");
    later(&mut app, 300);
    let fx = send(&mut app, [key('y')]);
    assert_eq!(transfers(&fx).len(), 1);
}

#[test]
fn a_clock_that_goes_back_does_not_lock_a_question() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('X')]);
    at(&mut app, 500_000);
    send(&mut app, [key('y')]);
    later(&mut app, 300);
    let fx = send(&mut app, [key('y')]);
    assert_eq!(transfers(&fx).len(), 1);
}

mod history {
    use super::{later, question, transfers};
    use crate::common::fixtures::*;
    use crate::common::history::*;
    use crossterm::event::KeyCode;
    use pail::app::{App, Modal, Msg, TaskEvent, update};
    use pail::plan::rollback::{Change, KeyPlan, RollbackPlan};

    fn gone(app: &App) -> bool {
        !matches!(app.modals.last(), Some(Modal::Question(_)))
    }

    /// q and Esc close the question; nothing starts.
    fn q_and_esc_say_no(mut open: impl FnMut() -> App) {
        for k in [key('q'), code(KeyCode::Esc)] {
            let mut app = open();
            later(&mut app, 1_000);
            let fx = send(&mut app, [k.clone()]);
            let typed = question_typed(&app);
            assert!(transfers(&fx).is_empty(), "{k:?} started a job");
            // q types into a version id; it is never yes.
            assert!(gone(&app) || typed == "q", "{k:?} left {:?}", app.modals);
        }
    }

    fn question_typed(app: &App) -> String {
        match app.modals.last() {
            Some(Modal::Question(q)) => q.typed.clone(),
            _ => String::new(),
        }
    }

    fn restore(versioning: pail::store::Versioning) -> App {
        let mut app = panel(
            versioning,
            vec![
                version("a.txt", "v2", NOW - 100, true, false),
                version("a.txt", "v1", NOW - 200, false, false),
            ],
        );
        send(&mut app, [key('j'), key('r')]);
        app
    }

    fn purge() -> App {
        let mut app = panel(
            pail::store::Versioning::Enabled,
            vec![
                version("a.txt", "v2", NOW - 100, true, false),
                version("a.txt", "Zk8pQ2vYx", NOW - 200, false, false),
            ],
        );
        send(&mut app, [key('j'), key('X')]);
        app
    }

    fn rollback() -> App {
        let mut app = browsing(pail::store::Versioning::Enabled);
        send(&mut app, [key('k'), key('v')]);
        send(&mut app, "3h ago".chars().map(key));
        let fx = send(&mut app, [code(KeyCode::Enter)]);
        let (id, _) = spawned(&fx).into_iter().next().unwrap();
        let k = |key: &str, change| KeyPlan {
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
            ],
            versions_listed: 4,
            requests: 1,
            keep_markers: true,
        };
        update(
            &mut app,
            Msg::Task(
                id,
                TaskEvent::Rollback(pail::app::rollback::Reply::Plan(Box::new(Ok(plan)))),
            ),
        );
        app
    }

    fn undelete_folder() -> App {
        let (mut app, _) = with_deleted();
        send(&mut app, [key('g')]);
        let fx = send(&mut app, [key('U')]);
        let (id, _) = spawned(&fx).into_iter().next().unwrap();
        let plan = RollbackPlan {
            bucket: "b".into(),
            prefix: "blog/".into(),
            keys: vec![KeyPlan {
                key: "blog/a.md".into(),
                change: Change::Undelete,
                version: Some(version("blog/a.md", "g1", NOW - 90_000, false, false)),
                markers: vec!["gm".into()],
            }],
            ..RollbackPlan::default()
        };
        update(
            &mut app,
            Msg::Task(
                id,
                TaskEvent::Rollback(pail::app::rollback::Reply::Undelete(
                    false,
                    Box::new(Ok(plan)),
                )),
            ),
        );
        app
    }

    #[test]
    fn q_and_esc_are_never_yes_in_history_questions() {
        q_and_esc_say_no(|| restore(pail::store::Versioning::Enabled));
        q_and_esc_say_no(purge);
        q_and_esc_say_no(rollback);
        q_and_esc_say_no(undelete_folder);
    }

    #[test]
    fn enter_confirms_what_loses_nothing_and_nothing_else_untyped() {
        // Restore and undelete lose nothing: Enter confirms them.
        for mut app in [restore(pail::store::Versioning::Enabled), undelete_folder()] {
            later(&mut app, 300);
            let fx = send(&mut app, [code(KeyCode::Enter)]);
            assert_eq!(transfers(&fx).len(), 1, "{:?}", app.modals);
        }
        // A restore on a suspended bucket replaces the `null` version for
        // good: y, not Enter.
        let mut app = restore(pail::store::Versioning::Suspended);
        later(&mut app, 300);
        let fx = send(&mut app, [code(KeyCode::Enter)]);
        assert!(transfers(&fx).is_empty());
        assert!(
            question(&app)
                .note
                .as_deref()
                .unwrap_or("")
                .contains("press y")
        );
        let fx = send(&mut app, [key('y')]);
        assert_eq!(transfers(&fx).len(), 1);
        // Typed questions: Enter and y do nothing until the text is typed.
        for (mut app, text) in [(purge(), "Zk8pQ2"), (rollback(), "2")] {
            later(&mut app, 300);
            let fx = send(&mut app, [code(KeyCode::Enter)]);
            assert!(transfers(&fx).is_empty());
            assert!(!gone(&app));
            send(&mut app, text.chars().map(key));
            let fx = send(&mut app, [code(KeyCode::Enter)]);
            assert_eq!(transfers(&fx).len(), 1, "{text}");
        }
    }
}
