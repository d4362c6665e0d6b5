//! The question component's shapes rendered into TestBackend and compared
//! with insta (tests/snapshots/): a delete of one object (confirmed with a
//! key, in red), a key that came too soon, a conflict between two items of
//! one job, and the help of a question. The typed count, the conflict with
//! both sides and the rollback preview are in snapshots.rs and
//! snapshots_history.rs.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::{App, Msg, TaskEvent, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| pail::ui::render(app, f)).unwrap();
    t
}

fn no_control_chars(t: &Terminal<TestBackend>) {
    for cell in t.backend().buffer().content() {
        for c in cell.symbol().chars() {
            assert!(
                !c.is_control() || c == ' ',
                "raw control character {c:?} on screen"
            );
        }
    }
}

/// Browsing `b`: `a.txt` (3 B) and a hostile key.
fn browsing() -> App {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&[], &[("a.txt", 3), ("evil\u{1b}[2J.txt", 7)], false),
    );
    later(&mut app, 1_000_000);
    app
}

#[test]
fn delete_of_one_object_wants_y() {
    let mut app = browsing();
    send(&mut app, [key('j'), key('X')]);
    let t = draw(&app, 90, 14);
    no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
}

#[test]
fn a_key_too_soon_is_ignored_and_said() {
    let mut app = browsing();
    send(&mut app, [key('X')]);
    later(&mut app, 80);
    send(&mut app, [key('y')]);
    insta::assert_snapshot!(draw(&app, 90, 14).backend());
}

#[test]
fn conflict_between_two_items_of_one_job() {
    let mut app = browsing();
    send(&mut app, [key('d'), code(KeyCode::Enter)]);
    let id = app.transfers.jobs[0].id;
    let r = pail::app::task::TransferReport {
        question: Some(pail::engine::Question {
            target: "/home/me/Downloads/r0.txt".into(),
            ours: pail::engine::Side {
                label: "in S3",
                size: 2_400,
                modified: Some(1_793_534_400),
            },
            theirs: pail::engine::Side {
                label: "from another item",
                size: 1_300_000,
                modified: None,
            },
            within_job: Some("a/r0.txt".into()),
        }),
        ..Default::default()
    };
    update(&mut app, Msg::Task(id, TaskEvent::Transfer(Box::new(r))));
    insta::assert_snapshot!(draw(&app, 100, 20).backend());
}

#[test]
fn help_of_a_question_lists_its_keys() {
    let mut app = browsing();
    send(&mut app, [key('X'), key('?')]);
    insta::assert_snapshot!(draw(&app, 100, 40).backend());
}

/// `C` on the hostile key: the class typed, the listing planned, the
/// question (into GLACIER: out of reach, so y, not Enter), and yes starts
/// exactly the plan shown.
#[test]
fn a_class_change_into_glacier_shows_the_plan_and_wants_y() {
    use pail::app::{Job, Modal};
    use pail::engine::Spec;
    use pail::plan::archive::ArchivePlan;
    use pail::plan::archive::ClassPlan;
    let mut app = browsing();
    let mut fx = send(&mut app, [key('j'), key('C')]);
    for c in "glacier".chars() {
        fx = send(&mut app, [key(c)]);
    }
    fx.extend(send(&mut app, [code(KeyCode::Enter)]));
    let (id, job) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::PlanArchive { .. }))
        .expect("the listing is planned first");
    let Job::PlanArchive { targets, .. } = job else {
        unreachable!()
    };
    assert_eq!(targets, ["evil\u{1b}[2J.txt"]);
    let mut o = obj("evil\u{1b}[2J.txt", 7);
    o.storage_class = Some("STANDARD".into());
    let plan = ClassPlan {
        bucket: "b".into(),
        to: "GLACIER".into(),
        objects: vec![o],
        bytes: 7,
        small: 1,
        archived: vec!["old.tar".into()],
        ..ClassPlan::default()
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::ArchivePlan(Box::new(Ok(ArchivePlan::Class(plan)))),
        ),
    );
    later(&mut app, 1_000);
    let t = draw(&app, 100, 18);
    no_control_chars(&t);
    insta::assert_snapshot!(t.backend());
    // Enter does not confirm a change that puts objects out of reach.
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(spawned(&fx).is_empty());
    assert!(matches!(app.modals.last(), Some(Modal::Question(_))));
    let fx = send(&mut app, [key('y')]);
    let started = spawned(&fx)
        .into_iter()
        .find_map(|(_, j)| match j {
            Job::Transfer(spec) => Some(*spec),
            _ => None,
        })
        .expect("yes starts the job");
    let Spec::ChangeClass { objects, to, .. } = started else {
        panic!("{started:?}")
    };
    assert_eq!(to, "GLACIER");
    assert_eq!(objects.len(), 1);
}
