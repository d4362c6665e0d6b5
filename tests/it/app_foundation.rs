//! State tests of the foundation later parts build on: the modal stack and
//! message log, task owners and cancellation, the quit question, and the
//! navigation bugs a new-user review found. Pure: `update` only.

use crate::common::fixtures::*;
use crossterm::event::KeyCode;
use pail::app::tree::{Selected, SortKey};
use pail::app::{
    App, Clock, Effect, Job, Load, Modal, Msg, Screen, TaskEvent, TaskId, browse, buckets, update,
};
use pail::keymap::Context;
use pail::store::{Bucket, ErrorKind, ObjectInfo, StoreError};

fn top(app: &App) -> Option<Modal> {
    app.modals.last().cloned()
}

fn denied() -> StoreError {
    let mut e = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
    e.code = Some("AccessDenied".into());
    e.bucket = Some("b".into());
    e
}

fn job_task(fx: &[Effect], f: impl Fn(&Job) -> bool) -> TaskId {
    spawned(fx)
        .into_iter()
        .find(|(_, j)| f(j))
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no such job in {fx:?}"))
}

/// Bucket `b` with prefix `p/` expanded, holding `p/x`.
fn with_p_expanded() -> App {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(&mut app, list_task(&fx, ""), page(&["p/"], &[], false));
    let fx = send(&mut app, [key('l')]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/x", 1)], false),
    );
    app
}

#[test]
fn a_background_error_never_destroys_a_half_typed_prompt() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    deliver(&mut app, root, page(&["a/"], &[("x", 1)], true));
    // The user starts typing a filter while the listing goes on.
    send(&mut app, [key('/'), key('x')]);
    update(
        &mut app,
        Msg::Task(root, TaskEvent::Browse(browse::Reply::Page(Err(denied())))),
    );
    match top(&app) {
        Some(Modal::Prompt(p)) => assert_eq!(p.value(), "x"),
        other => panic!("the prompt must survive, got {other:?}"),
    }
    // The error is in the log and the status line instead.
    let last = app.messages.iter().last().unwrap();
    assert!(last.error && last.text.contains("AccessDenied"), "{last:?}");
    assert_eq!(app.messages.unseen_errors, 1);
    // Typing goes on where it was.
    send(&mut app, [key('y')]);
    match top(&app) {
        Some(Modal::Prompt(p)) => assert_eq!(p.value(), "xy"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn only_the_users_last_action_opens_a_popup() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["a/", "c/"], &[], false),
    );
    // l expands a/: its failure answers the user's own action.
    let fx = send(&mut app, [key('l')]);
    let a = list_task(&fx, "a/");
    update(
        &mut app,
        Msg::Task(a, TaskEvent::Browse(browse::Reply::Page(Err(denied())))),
    );
    assert!(
        top(&app).is_none(),
        "a sub-folder's failure shows in the tree"
    );
    // A root listing (Enter on c/) failing after the user moved on goes to
    // the log; failing right after the key opens the explanation.
    send(&mut app, [key('j')]);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    let c = list_task(&fx, "c/");
    update(
        &mut app,
        Msg::Task(c, TaskEvent::Browse(browse::Reply::Page(Err(denied())))),
    );
    assert!(matches!(top(&app), Some(Modal::Error(_))));
    send(&mut app, [key('x')]);
    let fx = send(&mut app, [code(KeyCode::Backspace)]);
    let root = list_task(&fx, "");
    send(&mut app, [key('j')]);
    update(
        &mut app,
        Msg::Task(root, TaskEvent::Browse(browse::Reply::Page(Err(denied())))),
    );
    assert!(top(&app).is_none(), "the user moved on: log, not popup");
    assert!(app.messages.status.as_ref().unwrap().error);
}

#[test]
fn the_message_log_opens_with_times_and_scrolls() {
    let (mut app, _) = new_app(Some(("b", "")));
    for i in 0..60 {
        update(
            &mut app,
            Msg::Tick(Clock {
                now_ms: 1_764_000_000_000 + i * 1000,
                waiting: None,
            }),
        );
        app.set_status(format!("event {i}"));
    }
    send(&mut app, [key('M')]);
    assert_eq!(top(&app), Some(Modal::Messages { scroll: 0 }));
    send(&mut app, [key('G')]);
    let max =
        pail::layout::messages::max_scroll(&app.messages.view(), app.session.tz, app.session.size);
    assert!(max > 0);
    assert_eq!(top(&app), Some(Modal::Messages { scroll: max }));
    let lines = pail::layout::messages::lines(&app.messages.view(), app.session.tz);
    let first: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(first.ends_with("event 59"), "newest first: {first}");
    assert!(
        first.starts_with(|c: char| c.is_ascii_digit()),
        "with a time: {first}"
    );
    send(&mut app, [code(KeyCode::Esc)]);
    assert!(top(&app).is_none());
}

#[test]
fn refresh_cancels_the_listing_and_the_count_it_replaces() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    deliver(&mut app, root, page(&["p/"], &[("a", 1)], false));
    // s on the root object `a` counts the root.
    let fx = send(&mut app, [key('G'), key('s')]);
    let count = job_task(
        &fx,
        |j| matches!(j, Job::Browse(browse::Request::Count { prefix, .. }) if prefix.is_empty()),
    );
    let fx = send(&mut app, [key('g'), key('l')]);
    let p = list_task(&fx, "p/");
    deliver(&mut app, p, page(&[], &[("p/1", 1)], true));
    // R on p/ while its listing runs: the old listing stops.
    let fx = send(&mut app, [key('R')]);
    assert!(cancelled(&fx).contains(&p), "{fx:?}");
    let p2 = list_task(&fx, "p/");
    // R on a root object relists the root: the root's count stops too.
    send(&mut app, [key('G')]);
    let fx = send(&mut app, [key('R')]);
    assert!(cancelled(&fx).contains(&count), "{fx:?}");
    assert!(cancelled(&fx).contains(&p2), "{fx:?}");
    // Their late results are dropped.
    update(
        &mut app,
        Msg::Task(
            count,
            TaskEvent::Browse(browse::Reply::Totals(Ok((Default::default(), true)))),
        ),
    );
    assert!(app.browse.as_ref().unwrap().totals.is_empty());
}

#[test]
fn leaving_an_inspected_object_cancels_its_fetch() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["p/"], &[("a", 1)], false),
    );
    send(&mut app, [key('j')]);
    let fx = settle(&mut app);
    let head = job_task(&fx, |j| {
        matches!(j, Job::Browse(browse::Request::Object { .. }))
    });
    send(&mut app, [key('k')]);
    let fx = settle(&mut app);
    assert!(cancelled(&fx).contains(&head), "{fx:?}");
    let info = ObjectInfo {
        key: "a".into(),
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            head,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info)))),
        ),
    );
    assert!(app.browse.as_ref().unwrap().objects.is_empty());
}

#[test]
fn the_inspector_loads_again_after_its_folder_is_listed_again() {
    // R, a paste, a rename, a delete or a restore lists the folder again;
    // the inspector must not stay on "Loading details…" afterwards.
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["p/"], &[("a", 1)], false),
    );
    send(&mut app, [key('j')]);
    let fx = settle(&mut app);
    let head = job_task(&fx, |j| {
        matches!(j, Job::Browse(browse::Request::Object { .. }))
    });
    let info = ObjectInfo {
        key: "a".into(),
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            head,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info.clone())))),
        ),
    );
    // Listed again while a fetch runs and after one finished.
    for fetching in [false, true] {
        if fetching {
            send(&mut app, [key('k'), key('j')]);
            settle(&mut app);
        }
        let fx = send(&mut app, [key('R')]);
        deliver(
            &mut app,
            list_task(&fx, ""),
            page(&["p/"], &[("a", 2)], false),
        );
        let fx = settle(&mut app);
        let again = job_task(
            &fx,
            |j| matches!(j, Job::Browse(browse::Request::Object { key, .. }) if key == "a"),
        );
        update(
            &mut app,
            Msg::Task(
                again,
                TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info.clone())))),
            ),
        );
        let area = pail::layout::areas(100, 30).inspector;
        let text: String =
            pail::layout::inspector::lines(&app.inspected(), area.width as usize - 2)
                .iter()
                .map(|l| l.to_string())
                .collect();
        assert!(!text.contains("Loading details"), "{fetching}: {text}");
    }
}

#[test]
fn a_task_that_panics_ends_visibly() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    update(&mut app, Msg::TaskEnded(root, Some("boom".into())));
    match &tree(&app).root_folder().state {
        Load::Failed(e) => assert!(e.message.contains("boom")),
        other => panic!("stays loading: {other:?}"),
    }
    // At start-up that was the user's own action: it explains itself.
    assert!(matches!(top(&app), Some(Modal::Error(_))));
    send(&mut app, [code(KeyCode::Esc)]);
    // A count fails visibly too.
    let fx = send(&mut app, [key('s')]);
    let count = job_task(&fx, |j| {
        matches!(j, Job::Browse(browse::Request::Count { .. }))
    });
    update(&mut app, Msg::TaskEnded(count, Some("boom".into())));
    let t = app.browse.as_ref().unwrap().totals.values().next().unwrap();
    assert!(matches!(t.state, Load::Failed(_)), "{t:?}");
    assert!(app.tasks.is_empty() || app.tasks.iter().all(|(id, _)| *id != count));
}

/// A task that ends without an answer (cancelled, or stopped by the
/// runtime) frees the slot its owner names: nothing stays "loading".
#[test]
fn a_task_ending_without_an_answer_frees_its_owners_slot() {
    let (mut app, fx) = new_app(None);
    let list = job_task(&fx, |j| matches!(j, Job::Buckets(buckets::Request::List)));
    assert_eq!(app.buckets.state, Some(pail::app::Load::Loading(list)));
    update(&mut app, Msg::TaskEnded(list, None));
    assert_eq!(app.buckets.state, None);

    let (mut app, fx) = new_app(Some(("b", "")));
    let info = job_task(&fx, |j| {
        matches!(j, Job::Browse(browse::Request::Info { .. }))
    });
    assert_eq!(app.browse.as_ref().unwrap().info, Some(Load::Loading(info)));
    update(&mut app, Msg::TaskEnded(info, None));
    assert_eq!(app.browse.as_ref().unwrap().info, None);
}

#[test]
fn the_quit_question_names_what_runs_and_goes_when_it_ends() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    deliver(&mut app, root, page(&["p/"], &[], true));
    let fx = send(&mut app, [key('s')]);
    let count = job_task(&fx, |j| {
        matches!(j, Job::Browse(browse::Request::Count { .. }))
    });
    send(&mut app, [key('q')]);
    assert_eq!(top(&app), Some(Modal::ConfirmQuit));
    assert_eq!(app.tasks.long_summary(), "1 count, 1 listing");
    update(&mut app, Msg::TaskEnded(root, None));
    assert_eq!(app.tasks.long_summary(), "1 count");
    assert_eq!(top(&app), Some(Modal::ConfirmQuit));
    update(&mut app, Msg::TaskEnded(count, None));
    assert!(top(&app).is_none(), "nothing runs: nothing to ask");
    assert_eq!(send(&mut app, [key('q')]), [Effect::Quit]);
}

#[test]
fn sort_keeps_the_cursor_and_survives_navigation() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let objs: Vec<(String, u64)> = (0..300).map(|i| (format!("k{i:03}"), 300 - i)).collect();
    let refs: Vec<(&str, u64)> = objs.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    let mut prefixes = vec!["d/"];
    prefixes.sort();
    deliver(&mut app, list_task(&fx, ""), page(&prefixes, &refs, false));
    send(&mut app, std::iter::repeat_with(|| key('j')).take(200));
    let before = tree(&app).selected();
    send(&mut app, [key('o')]);
    let t = tree(&app);
    assert_eq!(t.selected(), before, "same entry after sorting");
    let height = app.session.list_height();
    assert!(
        t.cursor >= t.scroll && t.cursor < t.scroll + height,
        "and on screen"
    );
    // Into d/ and back: the sort stays.
    send(&mut app, [key('g')]);
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    list_task(&fx, "d/");
    assert_eq!(tree(&app).sort, SortKey::Size);
    send(&mut app, [code(KeyCode::Backspace)]);
    assert_eq!(tree(&app).sort, SortKey::Size);
}

#[test]
fn back_to_the_bucket_list_lands_on_the_bucket_even_when_the_list_is_late() {
    let (mut app, _) = new_app(Some(("m-bucket", "")));
    let fx = send(&mut app, [key('b')]);
    assert_eq!(app.view.screen, Screen::Buckets);
    let id = job_task(&fx, |j| *j == Job::Buckets(buckets::Request::List));
    let buckets = ["a", "b", "c", "m-bucket", "z"]
        .iter()
        .map(|n| Bucket {
            name: n.to_string(),
            created: None,
        })
        .collect();
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Buckets(buckets::Reply::Listed(Ok(buckets)))),
    );
    assert_eq!(app.buckets.selected().unwrap().name, "m-bucket");
}

#[test]
fn count_on_an_object_counts_its_folder() {
    let mut app = with_p_expanded();
    send(&mut app, [key('j')]);
    assert_eq!(tree(&app).selected(), Some(Selected::Object("p/x".into())));
    let fx = send(&mut app, [key('s')]);
    let job = spawned(&fx)
        .into_iter()
        .find_map(|(_, j)| match j {
            Job::Browse(browse::Request::Count { prefix, .. }) => Some(prefix),
            _ => None,
        })
        .unwrap();
    assert_eq!(job, "p/", "the object's folder, not the bucket root");
}

#[test]
fn refresh_on_a_collapsed_prefix_does_not_expand_it() {
    let mut app = with_p_expanded();
    send(&mut app, [key('h')]);
    assert!(!tree(&app).is_expanded("p/"));
    let fx = send(&mut app, [key('R')]);
    let p = list_task(&fx, "p/");
    assert!(!tree(&app).is_expanded("p/"), "R does not expand");
    deliver(&mut app, p, page(&[], &[("p/x", 1), ("p/y", 2)], false));
    assert!(!tree(&app).is_expanded("p/"));
    assert_eq!(tree(&app).folder("p/").unwrap().entries.len(), 2);
}

#[test]
fn a_bigger_window_looks_up_the_regions_it_reveals() {
    let (mut app, fx) = new_app(None);
    update(&mut app, Msg::Resize(100, 10));
    let id = job_task(&fx, |j| *j == Job::Buckets(buckets::Request::List));
    let buckets = (0..40)
        .map(|i| Bucket {
            name: format!("b{i:02}"),
            created: None,
        })
        .collect();
    let fx = update(
        &mut app,
        Msg::Task(id, TaskEvent::Buckets(buckets::Reply::Listed(Ok(buckets)))),
    );
    let first = spawned(&fx).len();
    assert!(first < 10, "only the rows on screen: {first}");
    let fx = update(&mut app, Msg::Resize(100, 40));
    let more = spawned(&fx)
        .iter()
        .filter(|(_, j)| matches!(j, Job::Buckets(buckets::Request::Region { .. })))
        .count();
    assert!(more > 20, "the new rows get regions: {more}");
}

#[test]
fn a_start_path_naming_an_object_opens_its_folder_with_it_selected() {
    let (mut app, fx) = new_app(Some(("b", "docs/2026/report.pdf")));
    let folder = list_task(&fx, "docs/2026/");
    deliver(
        &mut app,
        folder,
        page(
            &[],
            &[("docs/2026/a.pdf", 1), ("docs/2026/report.pdf", 2)],
            false,
        ),
    );
    assert_eq!(
        tree(&app).selected(),
        Some(Selected::Object("docs/2026/report.pdf".into()))
    );
    // Without the trailing slash, a prefix is still opened as a prefix.
    let (mut app, fx) = new_app(Some(("b", "logs/2026")));
    let folder = list_task(&fx, "logs/");
    // Opened as soon as the prefix row arrives, before the parent is done.
    let fx = deliver(&mut app, folder, page(&["logs/2026/"], &[], true));
    list_task(&fx, "logs/2026/");
    assert_eq!(tree(&app).root, "logs/2026/");
}

#[test]
fn the_copy_status_names_what_was_copied_not_the_text() {
    let (mut app, fx) = new_app(Some(("b", "docs/")));
    deliver(
        &mut app,
        list_task(&fx, "docs/"),
        page(&[], &[("docs/report.pdf", 1)], false),
    );
    let fx = send(&mut app, [key('c'), key('h')]);
    let what = fx
        .iter()
        .find_map(|e| match e {
            Effect::Copy { what, .. } => Some(what.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(what, "URL of report.pdf");
}

#[test]
fn help_shows_the_current_context_first() {
    let (mut app, _) = new_app(None);
    send(&mut app, [key('?')]);
    assert_eq!(
        top(&app),
        Some(Modal::Help {
            scroll: 0,
            context: Context::Buckets
        })
    );
    let lines = pail::layout::help::lines(&app.session.keymap, Context::Buckets);
    let first: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
    assert!(first.contains("bucket list"), "{first}");
}

#[test]
fn the_inspectors_last_wrapped_line_is_reachable() {
    let (mut app, fx) = new_app(Some(("b", "")));
    update(&mut app, Msg::Resize(80, 24));
    deliver(&mut app, list_task(&fx, ""), page(&[], &[("k", 1)], false));
    let fx = settle(&mut app);
    let head = job_task(&fx, |j| {
        matches!(j, Job::Browse(browse::Request::Object { .. }))
    });
    let long = "a long value that wraps over several lines of the narrow inspector ".repeat(4);
    let info = ObjectInfo {
        key: "k".into(),
        metadata: (0..12).map(|i| (format!("m{i}"), long.clone())).collect(),
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            head,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info)))),
        ),
    );
    send(&mut app, [code(KeyCode::Tab), key('G')]);
    let area = pail::layout::areas(80, 24).inspector;
    let lines = pail::layout::inspector::lines(&app.inspected(), area.width as usize - 2);
    assert!(lines.iter().all(|l| l.width() <= area.width as usize - 2));
    let shown = area.height as usize - 2;
    assert_eq!(app.view.inspector_scroll as usize, lines.len() - shown);
    // The last line is the ARN, and it is on screen at the bottom.
    let last: String = lines
        .last()
        .unwrap()
        .spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect();
    assert!(
        last.contains("arn:") || last.trim_start().len() < 40,
        "{last}"
    );
}

#[test]
fn ctrl_z_suspends_and_the_keymap_decides() {
    let (mut app, _) = new_app(Some(("b", "")));
    assert_eq!(send(&mut app, [ctrl('z')]), [Effect::Suspend]);
    update(&mut app, Msg::Resumed);
    assert!(app.messages.status.is_some());
    // Even with a popup open.
    send(&mut app, [key('?')]);
    assert_eq!(send(&mut app, [ctrl('z')]), [Effect::Suspend]);
}

#[test]
fn waiting_requests_show_in_the_tick() {
    let (mut app, _) = new_app(Some(("b", "")));
    let w = "waiting for 127.0.0.1:9000 · 20 s · attempt 2/3".to_string();
    update(
        &mut app,
        Msg::Tick(Clock {
            now_ms: 1,
            waiting: Some(w.clone()),
        }),
    );
    assert_eq!(app.session.clock.waiting, Some(w));
    assert!(matches!(tree(&app).root_folder().state, Load::Loading(_)));
    let _ = Load::<()>::Loading(TaskId(0));
}

#[test]
fn quit_works_after_the_message_log_was_open() {
    let (mut app, _) = new_app(None);
    send(&mut app, [key('M'), code(KeyCode::Esc)]);
    assert!(top(&app).is_none());
    let fx = send(&mut app, [key('q')]);
    assert!(
        fx.contains(&Effect::Quit) || top(&app) == Some(Modal::ConfirmQuit),
        "{fx:?} {:?}",
        top(&app)
    );
}

#[test]
fn refresh_keeps_rows_relists_open_subfolders_and_survives_failure() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["p/"], &[("a", 1)], false),
    );
    let fx = send(&mut app, [key('l')]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/x", 1)], false),
    );
    send(&mut app, [key('G')]);
    // R on a root object: the root and the open p/ are listed again.
    let fx = send(&mut app, [key('R')]);
    let root = list_task(&fx, "");
    let p = list_task(&fx, "p/");
    assert_eq!(tree(&app).rows().len(), 3, "rows stay while it runs");
    // The root's refresh fails: the rows stay and the user is told.
    update(
        &mut app,
        Msg::Task(root, TaskEvent::Browse(browse::Reply::Page(Err(denied())))),
    );
    assert_eq!(tree(&app).rows().len(), 3);
    assert!(tree(&app).root_folder().refresh_failed.is_some());
    let last = app.messages.iter().last().unwrap();
    assert!(
        last.text.contains("showing the previous listing"),
        "{last:?}"
    );
    deliver(&mut app, p, page(&[], &[("p/x", 1), ("p/y", 2)], false));
    assert_eq!(tree(&app).rows().len(), 4);
}

#[test]
fn marks_survive_filter_expand_and_navigation_and_esc_clears_them() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["p/", "q/"], &[("a.txt", 1000), ("b.txt", 2000)], false),
    );
    // Space marks and moves down.
    send(&mut app, [key(' '), key(' ')]);
    assert_eq!(app.browsing.marks.len(), 2);
    assert_eq!(tree(&app).cursor, 2);
    send(&mut app, [key('j'), key(' ')]);
    assert_eq!(
        app.messages.status.as_ref().unwrap().text,
        "3 marked, 2 prefixes + 1 object, 2.0 KiB known"
    );
    // A filter, an expansion and going into a prefix keep them.
    send(&mut app, [key('/'), key('a'), code(KeyCode::Enter)]);
    assert_eq!(app.browsing.marks.len(), 3);
    send(&mut app, [code(KeyCode::Esc)]);
    let fx = send(&mut app, [key('g'), key('l')]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/1", 5)], false),
    );
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/1", 5)], false),
    );
    send(&mut app, [code(KeyCode::Backspace)]);
    assert_eq!(app.browsing.marks.len(), 3);
    assert!(app.browsing.marks.contains("b", "b.txt"));
    // A marks every visible row; again unmarks them.
    let fx = send(&mut app, [code(KeyCode::Backspace)]);
    let _ = fx;
    let (mut app2, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app2,
        list_task(&fx, ""),
        page(&[], &[("x", 1), ("y", 2), ("z", 3)], false),
    );
    send(
        &mut app2,
        [key('/'), key('y'), code(KeyCode::Enter), key('A')],
    );
    assert_eq!(app2.browsing.marks.len(), 1, "only the visible rows");
    send(&mut app2, [code(KeyCode::Esc), key('A')]);
    assert_eq!(app2.browsing.marks.len(), 3);
    send(&mut app2, [key('A')]);
    assert!(app2.browsing.marks.is_empty());
    // Esc clears the filter first, then the marks.
    send(
        &mut app2,
        [key('A'), key('/'), key('x'), code(KeyCode::Enter)],
    );
    send(&mut app2, [code(KeyCode::Esc)]);
    assert_eq!(app2.browsing.marks.len(), 3);
    send(&mut app2, [code(KeyCode::Esc)]);
    assert!(app2.browsing.marks.is_empty());
}
