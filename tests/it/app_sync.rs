//! The sync plan view (`S`): the prompt, the planning task, the plan with
//! its marks and reasons (a hostile key escaped), rows left out, the
//! filter, a plan that deletes wanting `y` after `Enter`, and the job that
//! runs exactly the kept rows. Headless, and as a TestBackend snapshot.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::{App, Effect, Job, Msg, TaskEvent, update};
use pail::engine::Spec;
use pail::plan::sync::side::Entry;
use pail::plan::sync::{Action, Compare, Direction, Endpoint, Plan, Reason, Row};
use pail::store::mtime::Moment;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn entry(rel: &str, size: u64) -> Entry {
    Entry {
        rel: rel.into(),
        size,
        time: Some(Moment::seconds(1_700_000_000)),
        etag: Some("\"e\"".into()),
        storage_class: None,
    }
}

fn row(path: &str, action: Action, reason: Reason, src: bool, dst: bool) -> Row {
    Row {
        from: path.into(),
        to: path.into(),
        action,
        reason,
        note: None,
        source: src.then(|| entry(path, 10)),
        dest: dst.then(|| entry(path, 4)),
        excluded: false,
        way: None,
    }
}

fn the_plan(source: Endpoint, dest: Endpoint) -> Plan {
    Plan {
        source,
        dest,
        direction: Direction::Upload,
        compare: Compare::SizeMtime,
        delete: true,
        rows: vec![
            row("a.txt", Action::Upload, Reason::New, true, false),
            row(
                "b.txt",
                Action::Upload,
                Reason::SizeDiffers {
                    source: 10,
                    dest: 4,
                },
                true,
                true,
            ),
            row(
                "evil\u{1b}[2J.txt",
                Action::Upload,
                Reason::New,
                true,
                false,
            ),
            row(
                "gone.txt",
                Action::Delete,
                Reason::OnlyInDestination,
                false,
                true,
            ),
            row(
                "same.txt",
                Action::Skip,
                Reason::Same(pail::plan::sync::Evidence::NotOlder),
                true,
                true,
            ),
        ],
        dest_files: 3,
        incomplete: None,
        record: None,
        trash: None,
    }
}

/// Browsing `b` at `site/`, `S` typed, the folder given: the plan view
/// planning, and the planning task.
fn planning() -> (App, Endpoint, Endpoint, pail::app::TaskId) {
    let (mut app, fx) = new_app(Some(("b", "site/")));
    deliver(
        &mut app,
        list_task(&fx, "site/"),
        page(&[], &[("x", 1)], false),
    );
    later(&mut app, 1_000_000);
    send(&mut app, [key('S')]);
    assert!(status(&app).is_empty() || !status(&app).contains("unknown"));
    // The prompt is up with a folder filled in; type ours over it.
    for _ in 0..40 {
        send(&mut app, [code(KeyCode::Backspace)]);
    }
    for c in "/tmp/site".chars() {
        send(&mut app, [key(c)]);
    }
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (id, job) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::PlanSync { .. }))
        .expect("a planning task");
    let Job::PlanSync { source, dest, .. } = job else {
        unreachable!()
    };
    assert_eq!(source, Endpoint::Local("/tmp/site".into()));
    assert_eq!(dest, Endpoint::s3("b", "site/"));
    (app, source, dest, id)
}

/// [`planning`], and the plan arrived.
fn planned() -> App {
    let (mut app, source, dest, id) = planning();
    let plan = Ok(the_plan(source, dest));
    update(&mut app, Msg::Task(id, TaskEvent::SyncPlan(Box::new(plan))));
    app
}

fn started(fx: &[Effect]) -> Option<pail::engine::sync::Job> {
    spawned(fx).into_iter().find_map(|(_, j)| match j {
        Job::Transfer(spec) => match *spec {
            Spec::Sync(job) => Some(*job),
            _ => None,
        },
        _ => None,
    })
}

#[test]
fn the_plan_runs_exactly_the_kept_rows_and_deletes_want_y() {
    let mut app = planned();
    later(&mut app, 1_000);
    // Leave b.txt out (the second row shown).
    send(&mut app, [key('j'), key(' ')]);
    // Enter arms (the plan deletes); q is no yes; Enter again is no yes.
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(started(&fx).is_none());
    assert!(status(&app).contains("deletes 1 file"), "{}", status(&app));
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(started(&fx).is_none(), "Enter twice is no yes");
    let fx = send(&mut app, [key('y')]);
    let job = started(&fx).expect("y runs it");
    let steps: Vec<&str> = job.steps.iter().map(|s| s.from.as_str()).collect();
    assert_eq!(steps, ["a.txt", "evil\u{1b}[2J.txt"], "b.txt was left out");
    assert_eq!(job.deletes.len(), 1);
    assert_eq!(job.local_deletes, pail::engine::sync::LocalDelete::Hold);
}

#[test]
fn q_closes_without_running_and_r_plans_the_other_way() {
    let (mut app, source, dest, id) = planning();
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::SyncPlan(Box::new(Ok(the_plan(source.clone(), dest.clone())))),
        ),
    );
    let fx = send(&mut app, [key('r')]);
    let (_, job) = spawned(&fx).into_iter().next().expect("planned again");
    assert_eq!(
        job,
        Job::PlanSync {
            source: dest,
            dest: source,
            compare: Compare::SizeMtime
        }
    );
    let fx = send(&mut app, [key('q')]);
    assert!(started(&fx).is_none());
    assert!(
        !cancelled(&fx).is_empty(),
        "the planning is cancelled with the view"
    );
    let fx = send(&mut app, [key('y')]);
    assert!(started(&fx).is_none());
}

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pail::ui::render(app, f)).unwrap();
    t
}

#[test]
fn the_plan_view_shows_marks_reasons_and_escapes_names() {
    let mut app = planned();
    send(&mut app, [key('j'), key(' ')]);
    let t = draw(&app, 110, 20);
    for cell in t.backend().buffer().content() {
        for c in cell.symbol().chars() {
            assert!(!c.is_control() || c == ' ', "raw control character {c:?}");
        }
    }
    insta::assert_snapshot!(t.backend());
}

#[test]
fn d_settles_a_conflict_of_two_changes_and_the_run_sends_it_back() {
    let (mut app, source, dest, id) = planning();
    let mut plan = the_plan(source, dest);
    plan.delete = false;
    plan.rows = vec![
        row(
            "both.txt",
            Action::Conflict,
            Reason::BothChanged,
            true,
            true,
        ),
        row(
            "case.txt",
            Action::Conflict,
            Reason::CaseClash("CASE.txt".into()),
            true,
            false,
        ),
    ];
    update(
        &mut app,
        Msg::Task(id, TaskEvent::SyncPlan(Box::new(Ok(plan)))),
    );
    later(&mut app, 1_000);
    // Conflicts are not changes: show every row.
    send(&mut app, [key('f')]);
    // Left alone, a plan of conflicts runs nothing.
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(started(&fx).is_none());
    assert!(status(&app).contains("Nothing to do"), "{}", status(&app));
    send(&mut app, [key('d')]);
    assert!(
        status(&app).contains("source's version"),
        "{}",
        status(&app)
    );
    send(&mut app, [key('d')]);
    assert!(status(&app).contains("sent back"), "{}", status(&app));
    // A case clash cannot be settled.
    send(&mut app, [key('j'), key('d')]);
    assert!(status(&app).contains("Only a conflict"), "{}", status(&app));
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let job = started(&fx).expect("Enter runs the settled conflict");
    assert!(job.steps.is_empty() && job.deletes.is_empty());
    let back: Vec<&str> = job.back.iter().map(|s| s.from.as_str()).collect();
    assert_eq!(back, ["both.txt"]);
}

/// A prefix copied to pail's clipboard (`y`), then `S` on another: the
/// prompt offers the clipboard's prefix, and Enter plans it into this
/// one; a prefix around the clipboard's is not offered, and typed it is
/// refused.
#[test]
fn s_after_y_on_a_prefix_plans_that_prefix_into_this_one() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["logs/", "site/"], &[], false),
    );
    later(&mut app, 1_000_000);
    send(&mut app, [key('y')]);
    assert!(status(&app).contains("clipboard"), "{}", status(&app));
    send(&mut app, [key('j'), key('S')]);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let (_, job) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::PlanSync { .. }))
        .expect("a planning task");
    assert_eq!(
        job,
        Job::PlanSync {
            source: Endpoint::s3("b", "logs/"),
            dest: Endpoint::s3("b", "site/"),
            compare: Compare::SizeMtime
        }
    );
    // r swaps two prefixes too.
    let fx = send(&mut app, [key('r')]);
    let (_, job) = spawned(&fx).into_iter().next().expect("planned again");
    assert!(
        matches!(job, Job::PlanSync { ref source, .. } if *source == Endpoint::s3("b", "site/")),
        "{job:?}"
    );
    send(&mut app, [key('q')]);
    // Typed by hand into itself: refused.
    send(&mut app, [key('S')]);
    for _ in 0..40 {
        send(&mut app, [code(KeyCode::Backspace)]);
    }
    for c in "s3://b/site/sub".chars() {
        send(&mut app, [key(c)]);
    }
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(
        !spawned(&fx)
            .iter()
            .any(|(_, j)| matches!(j, Job::PlanSync { .. }))
    );
    assert!(status(&app).contains("overlap"), "{}", status(&app));
}

/// A plan that deletes more than half of the destination (what `pail
/// sync` stops without --force) wants its count typed, every key shown;
/// `y` is no answer to it.
#[test]
fn deleting_most_of_the_destination_wants_the_count_typed() {
    let (mut app, source, dest, id) = planning();
    let mut plan = the_plan(source, dest);
    plan.rows = vec![
        row("a.txt", Action::Upload, Reason::New, true, false),
        row(
            "old1.txt",
            Action::Delete,
            Reason::OnlyInDestination,
            false,
            true,
        ),
        row(
            "old2.txt",
            Action::Delete,
            Reason::OnlyInDestination,
            false,
            true,
        ),
    ];
    plan.dest_files = 3;
    update(
        &mut app,
        Msg::Task(id, TaskEvent::SyncPlan(Box::new(Ok(plan)))),
    );
    later(&mut app, 1_000);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(started(&fx).is_none());
    let Some(pail::app::Modal::Question(q)) = app.modals.last() else {
        panic!("a question expected: {:?}", app.modals.last())
    };
    assert_eq!(q.typed_needed(), Some("2"));
    assert_eq!(q.list.len(), 2, "{:?}", q.list);
    assert!(q.list[0].ends_with("site/old1.txt"), "{:?}", q.list);
    later(&mut app, 1_000);
    let fx = send(&mut app, [key('y')]);
    assert!(started(&fx).is_none(), "y is no count");
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(started(&fx).is_none(), "nothing typed is no count");
    send(&mut app, [key('2')]);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let job = started(&fx).expect("the typed count runs it");
    assert_eq!((job.steps.len(), job.deletes.len()), (1, 2));
}
