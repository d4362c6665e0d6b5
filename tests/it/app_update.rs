//! State transitions, driven through `update` with no terminal and no
//! network: keys, listings arriving late or out of order, stale results,
//! filter, sort, expand/collapse, the inspector's debounce, quitting.

use crate::common::fixtures::*;
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use pail::app::tree::Selected;
use pail::app::{
    App, Effect, Extent, Focus, Job, Load, Modal, Msg, Screen, TaskEvent, browse, buckets, update,
};
use pail::keymap::Context;
use pail::store::{Bucket, ErrorKind, ObjectInfo, StoreError};

/// The modal on top, if any.
fn top(app: &App) -> Option<Modal> {
    app.modals.last().cloned()
}

/// Whether the filter prompt is open.
fn filter_open(app: &App) -> bool {
    matches!(app.modals.last(), Some(Modal::Prompt(_)))
}

#[test]
fn start_on_a_prefix_needs_no_bucket_listing() {
    let (app, fx) = new_app(Some(("logs", "2026/")));
    let jobs: Vec<Job> = spawned(&fx).into_iter().map(|(_, j)| j).collect();
    assert!(jobs.contains(&Job::Identity));
    assert!(jobs.iter().any(|j| matches!(j, Job::Browse(browse::Request::List { bucket, prefix, .. }) if bucket == "logs" && prefix == "2026/")));
    assert!(!jobs.contains(&Job::Buckets(buckets::Request::List)));
    assert_eq!(app.view.screen, Screen::Browse);
}

#[test]
fn start_without_target_lists_buckets() {
    let (mut app, fx) = new_app(None);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| *j == Job::Buckets(buckets::Request::List))
        .unwrap();
    let buckets = vec![
        Bucket {
            name: "zeta".into(),
            created: Some(0),
        },
        Bucket {
            name: "alpha".into(),
            created: None,
        },
    ];
    let fx = update(
        &mut app,
        Msg::Task(id, TaskEvent::Buckets(buckets::Reply::Listed(Ok(buckets)))),
    );
    assert_eq!(app.buckets.state, Some(Load::Ready(())));
    assert_eq!(app.buckets.rows[0].name, "alpha", "sorted by name");
    // Regions of the visible buckets are looked up lazily.
    assert_eq!(
        spawned(&fx)
            .iter()
            .filter(|(_, j)| matches!(j, Job::Buckets(buckets::Request::Region { .. })))
            .count(),
        2
    );
    // l opens the bucket under the cursor.
    let fx = send(&mut app, [key('l')]);
    assert_eq!(app.view.screen, Screen::Browse);
    list_task(&fx, "");
}

#[test]
fn late_pages_of_a_left_prefix_are_dropped() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    deliver(&mut app, root, page(&["a/", "b/"], &[], true));
    // Enter on a/ makes it the root: the unfinished root listing is cancelled.
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert!(cancelled(&fx).contains(&root));
    let a = list_task(&fx, "a/");
    // A page of the old listing arriving late changes nothing.
    deliver(&mut app, root, page(&[], &[("zzz", 1)], false));
    assert_eq!(tree(&app).root, "a/");
    assert!(tree(&app).rows().is_empty());
    deliver(&mut app, a, page(&[], &[("a/1", 1)], false));
    assert_eq!(tree(&app).rows().len(), 1);
}

#[test]
fn pages_build_up_while_loading_and_count_is_visible() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    let first: Vec<(String, u64)> = (0..1000).map(|i| (format!("k{i:04}"), i)).collect();
    let refs: Vec<(&str, u64)> = first.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    deliver(&mut app, root, page(&[], &refs, true));
    assert_eq!(tree(&app).rows().len(), 1000);
    let state = &tree(&app).root_folder().state;
    assert_eq!(pail::app::folder_progress(state, 1000), "1,000 / loading…");
    deliver(&mut app, root, page(&[], &[("k9999", 1)], false));
    assert_eq!(tree(&app).root_folder().state, Load::Ready(Extent::Whole));
}

#[test]
fn collapsing_cancels_the_listing_and_reexpanding_restarts_it() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    deliver(&mut app, root, page(&["big/"], &[], false));
    let fx = send(&mut app, [key('l')]);
    let big = list_task(&fx, "big/");
    deliver(&mut app, big, page(&[], &[("big/1", 1)], true));
    let fx = send(&mut app, [key('h')]);
    assert_eq!(cancelled(&fx), [big]);
    deliver(&mut app, big, page(&[], &[("big/2", 1)], false));
    assert_eq!(tree(&app).rows().len(), 1, "late page dropped");
    let fx = send(&mut app, [key('l')]);
    let again = list_task(&fx, "big/");
    assert_ne!(again, big);
}

#[test]
fn collapse_on_a_child_jumps_to_its_parent() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(&mut app, list_task(&fx, ""), page(&["p/"], &[], false));
    let fx = send(&mut app, [key('l')]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/x", 1)], false),
    );
    send(&mut app, [key('j')]);
    assert_eq!(tree(&app).selected(), Some(Selected::Object("p/x".into())));
    send(&mut app, [key('h')]);
    assert_eq!(tree(&app).selected(), Some(Selected::Prefix("p/".into())));
}

#[test]
fn filter_narrows_and_esc_clears() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(
            &[],
            &[("Report.PDF", 1), ("notes.txt", 2), ("x.pdf", 3)],
            false,
        ),
    );
    send(&mut app, [key('/'), key('p'), key('d'), key('f')]);
    assert!(filter_open(&app));
    assert_eq!(tree(&app).matches, 2);
    assert_eq!(tree(&app).rows().len(), 2);
    // Enter keeps the filter; keys act on the list again.
    send(&mut app, [code(KeyCode::Enter), key('j')]);
    assert!(!filter_open(&app));
    assert_eq!(tree(&app).cursor, 1);
    send(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(tree(&app).rows().len(), 3);
}

#[test]
fn sort_cycles_and_reverses() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["dir/"], &[("a", 30), ("b", 10), ("c", 20)], false),
    );
    let names = |app: &pail::app::App| -> Vec<String> {
        let t = tree(app);
        t.rows()
            .iter()
            .map(|r| t.entry(r).key.to_string())
            .collect()
    };
    send(&mut app, [key('o')]);
    assert_eq!(names(&app), ["dir/", "b", "c", "a"]);
    send(&mut app, [key('O')]);
    assert_eq!(names(&app), ["dir/", "a", "c", "b"]);
}

#[test]
fn inspector_fetches_once_the_cursor_rests() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&[], &[("a", 1), ("b", 2), ("c", 3)], false),
    );
    let mut fx = send(&mut app, [key('j'), key('j')]);
    assert!(
        spawned(&fx)
            .iter()
            .all(|(_, j)| !matches!(j, Job::Browse(browse::Request::Object { .. })))
    );
    fx.extend(settle(&mut app));
    let heads: Vec<_> = spawned(&fx)
        .into_iter()
        .filter(|(_, j)| matches!(j, Job::Browse(browse::Request::Object { .. })))
        .collect();
    assert_eq!(heads.len(), 1);
    assert_eq!(
        heads[0].1,
        Job::Browse(browse::Request::Object {
            bucket: "b".into(),
            key: "c".into()
        })
    );
    // Moving on cancels the unfinished fetch; its late answer is dropped.
    let mut fx = send(&mut app, [key('k')]);
    fx.extend(settle(&mut app));
    assert!(cancelled(&fx).contains(&heads[0].0));
    let info = ObjectInfo {
        key: "c".into(),
        size: 3,
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            heads[0].0,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info)))),
        ),
    );
    assert!(!app.browse.as_ref().unwrap().objects.contains_key("c"));
}

#[test]
fn enter_on_object_focuses_inspector_now() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(&mut app, list_task(&fx, ""), page(&[], &[("a", 1)], false));
    let fx = send(&mut app, [code(KeyCode::Enter)]);
    assert_eq!(app.view.focus, Focus::Inspector);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::Object { .. })))
        .unwrap();
    // Nothing to scroll yet: the details are three lines.
    send(&mut app, [key('j')]);
    assert_eq!(app.view.inspector_scroll, 0);
    let metadata = (0..60)
        .map(|i| (format!("k{i}"), "v".to_string()))
        .collect();
    let info = ObjectInfo {
        key: "a".into(),
        size: 1,
        metadata,
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Browse(browse::Reply::Object(Box::new(Ok(info)))),
        ),
    );
    // With the inspector focused, j scrolls it instead of moving the cursor,
    // and never past the last line.
    send(&mut app, [key('j'), key('j')]);
    assert_eq!(app.view.inspector_scroll, 2);
    send(&mut app, [key('G')]);
    let max = pail::layout::inspector::max_scroll(&app.inspected(), app.session.size);
    assert!(max > 2 && app.view.inspector_scroll == max);
    send(&mut app, [key('j'), key('k')]);
    assert_eq!(app.view.inspector_scroll, max - 1);
    send(&mut app, [code(KeyCode::Tab)]);
    assert_eq!(app.view.focus, Focus::Tree);
}

#[test]
fn copy_popup_copies_uri_key_url_arn() {
    let (mut app, fx) = new_app(Some(("b", "docs/")));
    deliver(
        &mut app,
        list_task(&fx, "docs/"),
        page(&[], &[("docs/a b.pdf", 1)], false),
    );
    let copies = |app: &mut pail::app::App, c: char| -> String {
        let fx = send(app, [key('c'), key(c)]);
        fx.into_iter()
            .find_map(|e| match e {
                Effect::Copy { text, .. } => Some(text),
                _ => None,
            })
            .unwrap_or_default()
    };
    assert_eq!(copies(&mut app, 'u'), "s3://b/docs/a b.pdf");
    assert_eq!(copies(&mut app, 'k'), "docs/a b.pdf");
    assert_eq!(copies(&mut app, 'n'), "a b.pdf");
    assert_eq!(
        copies(&mut app, 'h'),
        "http://127.0.0.1:9000/b/docs/a%20b.pdf"
    );
    assert_eq!(copies(&mut app, 'a'), "arn:aws:s3:::b/docs/a b.pdf");
    assert_eq!(
        copies(&mut app, 'e'),
        "",
        "no ETag before the inspector loads"
    );
    update(&mut app, Msg::Copied(Ok("Copied x via OSC 52".into())));
    assert!(status(&app).contains("OSC 52"));
}

#[test]
fn quit_asks_while_listings_run() {
    let (mut app, _) = new_app(Some(("b", "")));
    let fx = send(&mut app, [key('q')]);
    assert!(fx.is_empty());
    assert_eq!(top(&app), Some(Modal::ConfirmQuit));
    send(&mut app, [key('n')]);
    assert_eq!(top(&app), None);
    let fx = send(&mut app, [key('q'), key('y')]);
    assert!(fx.contains(&Effect::Quit));
    // Ctrl-c needs no confirmation, even inside an overlay or the filter.
    let (mut app, _) = new_app(Some(("b", "")));
    let fx = send(&mut app, [key('/'), ctrl('c')]);
    assert!(fx.contains(&Effect::Quit));
}

#[test]
fn quit_without_running_listings_is_immediate() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    deliver(&mut app, root, page(&[], &[("a", 1)], false));
    update(&mut app, Msg::TaskEnded(root, None));
    assert_eq!(send(&mut app, [key('q')]), [Effect::Quit]);
}

#[test]
fn root_listing_failure_explains_itself() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let root = list_task(&fx, "");
    let mut e = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
    e.code = Some("AccessDenied".into());
    e.bucket = Some("b".into());
    e.status = Some(403);
    update(
        &mut app,
        Msg::Task(root, TaskEvent::Browse(browse::Reply::Page(Err(e)))),
    );
    match &top(&app) {
        Some(Modal::Error(x)) => assert!(x.hints.iter().any(|h| h.contains("bucket policy"))),
        other => panic!("expected an error popup, got {other:?}"),
    }
    assert!(app.messages.status.as_ref().unwrap().error);
    send(&mut app, [code(KeyCode::Esc)]);
    assert_eq!(top(&app), None);
}

#[test]
fn backspace_climbs_to_the_bucket_list() {
    let (mut app, fx) = new_app(Some(("b", "a/b/")));
    deliver(&mut app, list_task(&fx, "a/b/"), page(&[], &[], false));
    let fx = send(&mut app, [code(KeyCode::Backspace)]);
    list_task(&fx, "a/");
    let fx = send(&mut app, [code(KeyCode::Backspace)]);
    list_task(&fx, "");
    let fx = send(&mut app, [code(KeyCode::Backspace)]);
    assert_eq!(app.view.screen, Screen::Buckets);
    assert!(
        spawned(&fx)
            .iter()
            .any(|(_, j)| *j == Job::Buckets(buckets::Request::List))
    );
}

#[test]
fn mouse_click_selects_and_double_click_expands() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["p/", "q/"], &[], false),
    );
    let click = |row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 5,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Row 0 of the tree is at y = 3 (header, crumb, border).
    send(&mut app, [click(4)]);
    assert_eq!(tree(&app).cursor, 1);
    let fx = send(&mut app, [click(4)]);
    list_task(&fx, "q/");
    let wheel = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollUp,
        column: 5,
        row: 5,
        modifiers: KeyModifiers::NONE,
    });
    send(&mut app, [wheel]);
    assert_eq!(tree(&app).cursor, 0);
}

#[test]
fn resize_keeps_the_cursor_visible_and_sets_page_size() {
    let (mut app, fx) = new_app(Some(("b", "")));
    let objs: Vec<(String, u64)> = (0..500).map(|i| (format!("k{i:03}"), 1)).collect();
    let refs: Vec<(&str, u64)> = objs.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    deliver(&mut app, list_task(&fx, ""), page(&[], &refs, false));
    send(&mut app, [key('G')]);
    update(&mut app, Msg::Resize(80, 24));
    let t = tree(&app);
    assert_eq!(t.cursor, 499);
    assert!(t.scroll <= 499 && 499 < t.scroll + app.session.list_height());
    send(&mut app, [key('g'), ctrl('d')]);
    assert_eq!(tree(&app).cursor, app.session.list_height());
}

#[test]
fn count_prefix_reports_running_totals() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(&mut app, list_task(&fx, ""), page(&["logs/"], &[], false));
    let fx = send(&mut app, [key('s')]);
    let (id, job) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Browse(browse::Request::Count { .. })))
        .unwrap();
    assert!(matches!(job, Job::Browse(browse::Request::Count { prefix, .. }) if prefix == "logs/"));
    let t = pail::store::PrefixTotals {
        objects: 1500,
        bytes: 3 << 20,
    };
    update(
        &mut app,
        Msg::Task(id, TaskEvent::Browse(browse::Reply::Totals(Ok((t, true))))),
    );
    let totals = &app.browse.as_ref().unwrap().totals["logs/"];
    assert_eq!(totals.state, Load::Ready(Extent::Whole));
    assert_eq!(totals.totals.objects, 1500);
    assert!(status(&app).contains("1,500 objects"));
}

#[test]
fn bucket_info_arrives_for_the_selected_bucket() {
    let (mut app, fx) = new_app(None);
    let (id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| *j == Job::Buckets(buckets::Request::List))
        .unwrap();
    update(
        &mut app,
        Msg::Task(
            id,
            TaskEvent::Buckets(buckets::Reply::Listed(Ok(vec![Bucket {
                name: "one".into(),
                created: None,
            }]))),
        ),
    );
    let fx = settle(&mut app);
    let (info_id, _) = spawned(&fx)
        .into_iter()
        .find(|(_, j)| matches!(j, Job::Buckets(buckets::Request::Info { .. })))
        .unwrap();
    let info = pail::store::BucketInfo {
        region: "ap-south-1".into(),
        versioning: Ok(pail::store::Versioning::Enabled),
    };
    update(
        &mut app,
        Msg::Task(info_id, TaskEvent::Buckets(buckets::Reply::Info(Ok(info)))),
    );
    assert!(matches!(&app.buckets.rows[0].info, Some(Load::Ready(i)) if i.region == "ap-south-1"));
}

#[test]
fn help_opens_and_any_other_key_closes() {
    let (mut app, _) = new_app(Some(("b", "")));
    send(&mut app, [key('?')]);
    assert!(matches!(top(&app), Some(Modal::Help { .. })));
    send(&mut app, [key('j')]);
    assert_eq!(
        top(&app),
        Some(Modal::Help {
            scroll: 1,
            context: Context::Tree
        })
    );
    // Scrolling stops at the last line.
    send(&mut app, std::iter::repeat_n(key('j'), 200));
    let max = pail::layout::help::max_scroll(&app.session.keymap, Context::Tree, app.session.size);
    assert_eq!(
        top(&app),
        Some(Modal::Help {
            scroll: max,
            context: Context::Tree
        })
    );
    send(&mut app, [key('x')]);
    assert_eq!(top(&app), None);
}

#[test]
fn refresh_on_an_object_relists_its_folder_without_losing_the_cursor() {
    let (mut app, fx) = new_app(Some(("b", "")));
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["p/"], &[("a", 1), ("z", 2)], false),
    );
    send(&mut app, [key('G')]);
    let fx = send(&mut app, [key('R')]);
    let again = list_task(&fx, "");
    deliver(
        &mut app,
        again,
        page(&["p/"], &[("a", 1), ("m", 1), ("z", 2)], false),
    );
    assert_eq!(tree(&app).selected(), Some(Selected::Object("z".into())));
    // And inside an expanded prefix.
    let fx = send(&mut app, [key('g'), key('l')]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/x", 1)], false),
    );
    send(&mut app, [key('j')]);
    let fx = send(&mut app, [key('R')]);
    deliver(
        &mut app,
        list_task(&fx, "p/"),
        page(&[], &[("p/x", 1), ("p/y", 1)], false),
    );
    assert_eq!(tree(&app).selected(), Some(Selected::Object("p/x".into())));
}

#[test]
fn going_up_lands_on_the_prefix_you_came_from() {
    let (mut app, fx) = new_app(Some(("b", "docs/")));
    deliver(
        &mut app,
        list_task(&fx, "docs/"),
        page(&[], &[("docs/a", 1)], false),
    );
    let fx = send(&mut app, [code(KeyCode::Backspace)]);
    deliver(
        &mut app,
        list_task(&fx, ""),
        page(&["a/", "docs/", "z/"], &[], false),
    );
    assert_eq!(
        tree(&app).selected(),
        Some(Selected::Prefix("docs/".into()))
    );
}

#[test]
fn a_missing_bucket_goes_back_to_the_bucket_list_in_one_step() {
    let (mut app, fx) = new_app(Some(("gone", "x/y/")));
    let mut e = StoreError::new(
        ErrorKind::NoSuchBucket,
        "The specified bucket does not exist",
    );
    e.bucket = Some("gone".into());
    update(
        &mut app,
        Msg::Task(
            list_task(&fx, "x/y/"),
            TaskEvent::Browse(browse::Reply::Page(Err(e))),
        ),
    );
    send(&mut app, [code(KeyCode::Esc), code(KeyCode::Backspace)]);
    assert_eq!(app.view.screen, Screen::Buckets);
}

#[test]
fn a_missing_bucket_shows_one_popup_not_two() {
    let (mut app, fx) = new_app(Some(("gone", "")));
    let info_task = spawned(&fx)
        .into_iter()
        .find_map(|(id, j)| matches!(j, Job::Browse(browse::Request::Info { .. })).then_some(id))
        .unwrap();
    let mut e = StoreError::new(
        ErrorKind::NoSuchBucket,
        "The specified bucket does not exist",
    );
    e.bucket = Some("gone".into());
    update(
        &mut app,
        Msg::Task(
            list_task(&fx, ""),
            TaskEvent::Browse(browse::Reply::Page(Err(e.clone()))),
        ),
    );
    // The user closes the popup; the bucket-info failure arriving later
    // must not open a second one.
    send(&mut app, [key('x')]);
    update(
        &mut app,
        Msg::Task(info_task, TaskEvent::Browse(browse::Reply::Info(Err(e)))),
    );
    assert_eq!(top(&app), None);
}
