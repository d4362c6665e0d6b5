//! `update(app, msg) -> effects`: every state change goes through here. It
//! dispatches: keys to the top modal or to the view's context, task reports
//! to the view that owns the task, ticks to the timers. The transitions
//! themselves live with the state they change.

use super::browse::Msg as BrowseMsg;
use super::buckets::Msg as BucketsMsg;
use super::modal::{self, Modal};
use super::ops::Msg as OpsMsg;
use super::prompt::{Prompt, PromptKind};
use super::rollback::{Msg as RollbackMsg, Reply as RollbackReply};
use super::versions::Msg as VersionsMsg;
use super::{App, Effect, Extent, Focus, Load, Msg, Screen, TaskEvent, TaskId};
use crate::diagnose;
use crate::keymap::Action;
use crate::sanitize::clean;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => {
            if key.kind != KeyEventKind::Release {
                app.tasks.action += 1;
                on_key(app, key, &mut fx);
            }
        }
        Msg::Mouse(m) => {
            if matches!(m.kind, crossterm::event::MouseEventKind::Down(_)) {
                app.tasks.action += 1;
            }
            super::mouse::on_mouse(app, m, &mut fx);
        }
        Msg::Paste(text) => super::modal_keys::on_paste(app, &text, &mut fx),
        Msg::Resize(w, h) => {
            app.session.size = (w, h);
            let height = app.session.list_height();
            if let Some(b) = &mut app.browse {
                b.tree.fit(height);
            }
            let shown = app.view.screen == Screen::Buckets;
            super::route::buckets(app, BucketsMsg::Resized { shown }, &mut fx);
        }
        Msg::Now(ms) => app.session.clock.now_ms = ms,
        Msg::Tick(clock) => {
            app.session.tick += 1;
            app.session.clock = clock;
            app.inspect_if_due(&mut fx);
        }
        Msg::Task(id, ev) => on_task(app, id, ev, &mut fx),
        Msg::TaskEnded(id, panic) => on_task_ended(app, id, panic, &mut fx),
        Msg::Copied(Ok(how)) => app.set_status(how),
        Msg::Copied(Err(why)) => app.set_error(format!("Copy failed: {}", clean(&why))),
        Msg::Resumed => app.set_status("Welcome back"),
        Msg::CleaningUp(n) => app.tasks.cleaning_up = Some(n),
        Msg::LeftoversAborted(aborted) => {
            if let Some(text) = crate::engine::journal::describe(&aborted) {
                if aborted.iter().all(|a| a.result.is_ok()) {
                    app.set_status(text);
                } else {
                    app.set_error(text);
                }
            }
        }
    }
    fx
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    let action = app.session.keymap.action(app.context(), &key);
    if action == Some(Action::ForceQuit) || ctrl_c {
        fx.push(Effect::Quit);
        return;
    }
    if !app.modals.is_empty() {
        super::modal_keys::on_key(app, key, fx);
        return;
    }
    if let Some(a) = action {
        on_action(app, a, fx);
    }
}

/// A deleted row (shown by `H`) under the cursor, with no marks to act on
/// instead: operations on objects have nothing to work with there.
fn on_deleted_row(app: &App) -> bool {
    app.view.screen == Screen::Browse
        && app.browse.as_ref().is_some_and(|b| {
            b.tree.selected_deleted()
                && !app
                    .browsing
                    .marks
                    .iter()
                    .any(|((mb, _), _)| *mb == b.tree.bucket)
        })
}

fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let page = app.session.list_height() as isize;
    if matches!(
        action,
        Action::Download
            | Action::Yank
            | Action::Cut
            | Action::Rename
            | Action::Delete
            | Action::Share
            | Action::CountPrefix
            | Action::Thaw
            | Action::ChangeClass
    ) && on_deleted_row(app)
    {
        app.set_status("A deleted object or folder: U undeletes it, v shows an object's versions");
        return;
    }
    match action {
        Action::MoveDown => super::cursor::move_cursor(app, 1, fx),
        Action::MoveUp => super::cursor::move_cursor(app, -1, fx),
        Action::PageDown => super::cursor::move_cursor(app, page.max(1), fx),
        Action::PageUp => super::cursor::move_cursor(app, -page.max(1), fx),
        Action::Top => super::cursor::move_cursor(app, isize::MIN / 2, fx),
        Action::Bottom => super::cursor::move_cursor(app, isize::MAX / 2, fx),
        Action::Expand => match app.view.screen {
            Screen::Buckets => super::cursor::open_selected_bucket(app, fx),
            Screen::Browse => super::route::browse(app, BrowseMsg::Expand, fx),
        },
        Action::Collapse => {
            if app.view.screen == Screen::Browse {
                super::route::browse(app, BrowseMsg::Collapse, fx);
            }
        }
        Action::Open => match app.view.screen {
            Screen::Buckets => super::cursor::open_selected_bucket(app, fx),
            Screen::Browse => app.open_selected(fx),
        },
        Action::RootUp => app.root_up(fx),
        Action::SwitchFocus => {
            app.view.focus = match app.view.focus {
                Focus::Tree => Focus::Inspector,
                Focus::Inspector => Focus::Tree,
            }
        }
        Action::Filter => {
            app.view.focus = Focus::Tree;
            let current = super::cursor::current_filter(app);
            app.modals.push(Modal::Prompt(Prompt::new(
                PromptKind::Filter,
                "/",
                &current,
            )));
        }
        Action::SortCycle | Action::SortReverse => {
            if app.view.screen == Screen::Browse {
                app.sort(action == Action::SortCycle, fx);
            }
        }
        Action::Refresh => {
            match app.view.screen {
                Screen::Buckets => {
                    super::route::buckets(app, BucketsMsg::Load, fx);
                    app.set_status("Refreshing buckets");
                }
                Screen::Browse => super::route::browse(app, BrowseMsg::Refresh, fx),
            }
            // The card on screen is read again too.
            if let Some(bucket) = app.carded_bucket() {
                use super::card::Msg as CardMsg;
                let forget = CardMsg::Forget {
                    bucket: bucket.clone(),
                };
                super::route::card(app, forget, fx);
                super::route::card(app, CardMsg::Show { bucket }, fx);
            }
        }
        Action::Profile => match app.carded_bucket() {
            Some(bucket) => super::route::card(app, super::card::Msg::CycleProfile { bucket }, fx),
            None => {
                app.set_status("Profiles weigh a bucket's posture: on a bucket or a bucket's root")
            }
        },
        Action::CountPrefix => super::route::browse(app, BrowseMsg::Count, fx),
        Action::CopyMenu => app.modals.push(Modal::Copy),
        Action::Download => super::route::ops(app, OpsMsg::Download, fx),
        Action::Upload => super::route::ops(app, OpsMsg::Upload { prefill: None }, fx),
        Action::Yank => super::route::ops(app, OpsMsg::Yank { cut: false }, fx),
        Action::Cut => super::route::ops(app, OpsMsg::Yank { cut: true }, fx),
        Action::Paste => super::route::ops(app, OpsMsg::Paste, fx),
        Action::Rename => super::route::ops(app, OpsMsg::Rename, fx),
        Action::Thaw => super::route::ops(app, OpsMsg::Thaw, fx),
        Action::ChangeClass => super::route::ops(app, OpsMsg::ChangeClass, fx),
        Action::Sync => super::route::ops(app, OpsMsg::Sync, fx),
        Action::NewFolder => super::route::ops(app, OpsMsg::NewFolder, fx),
        Action::Delete if app.view.screen == Screen::Buckets => {
            if let Some(row) = app.buckets.selected() {
                let bucket = row.name.clone();
                super::route::card_cx(app, fx, |cx| super::card::check_empty(cx, bucket));
            }
        }
        Action::Delete => super::route::ops(app, OpsMsg::Delete, fx),
        Action::NewBucket => {
            let region = app.session.conn.region.clone();
            let p = super::card::new_bucket_prompt(&region);
            app.modals.push(Modal::Prompt(p));
        }
        Action::Fix => match app.carded_bucket() {
            Some(bucket) => {
                let (default, lock) = app.session.settings.posture.for_bucket(&bucket);
                let profile = app
                    .cards
                    .by_bucket
                    .get(&bucket)
                    .and_then(|c| c.profile)
                    .unwrap_or(default);
                let menu = app.cards.menu(&bucket, profile, lock);
                app.modals.push(Modal::Fixes(Box::new(menu)));
            }
            None => app.set_status(
                "F changes a bucket's settings: on a bucket in the list, or at the tree's root",
            ),
        },
        Action::Undo => {}
        Action::Share => super::route::share_selection(app),
        Action::Transfers => {
            // The newest running job is what one looks for; else the newest.
            let jobs = &app.transfers.jobs;
            app.transfers.selected = jobs
                .iter()
                .rposition(|j| !j.finished)
                .unwrap_or(jobs.len().saturating_sub(1));
            app.modals.push(Modal::Transfers);
        }
        Action::WhyDenied => super::route::why(app, fx),
        Action::Mark => mark(app, fx),
        Action::MarkAll => mark_all(app),
        Action::Buckets => app.back_to_buckets(fx),
        Action::Messages => {
            app.messages.seen();
            app.modals.push(Modal::Messages { scroll: 0 });
        }
        Action::Help => {
            let context = app.view_context();
            app.modals.push(Modal::Help { scroll: 0, context });
        }
        Action::Clear => {
            if !super::cursor::current_filter(app).is_empty() {
                super::cursor::set_filter(app, "", fx);
                app.set_status("Filter cleared");
            } else if !app.browsing.marks.is_empty() && app.view.screen == Screen::Browse {
                let n = app.browsing.marks.len() as u64;
                app.browsing.marks.clear();
                app.set_status(format!(
                    "Cleared {}",
                    crate::format::count(n, "mark", "marks")
                ));
            } else if app.view.focus == Focus::Inspector {
                app.view.focus = Focus::Tree;
            }
        }
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Quit => modal::ask_quit(app, fx),
        Action::ForceQuit => fx.push(Effect::Quit),
        // Modal contexts' actions arrive through the modal.
        Action::Close
        | Action::Submit
        | Action::Cancel
        | Action::Complete
        | Action::Next
        | Action::Prev
        | Action::Yes
        | Action::No
        | Action::Retry
        | Action::ClearFinished
        | Action::Restore
        | Action::CopyLink
        | Action::CopyCurl
        | Action::CopyForm
        | Action::ShowQr
        | Action::Edit
        | Action::Confirm
        | Action::Overwrite
        | Action::Skip
        | Action::SkipIdentical
        | Action::KeepBoth
        | Action::CancelJob
        | Action::AbortAll
        | Action::Reverse
        | Action::CompareMode
        | Action::Settle
        | Action::ChoiceNext
        | Action::ChoicePrev
        | Action::StorageClass
        | Action::Encryption => {}
        Action::OpenUploads => super::route::open_uploads(app, fx),
        Action::Versions => super::route::open_versions(app, fx),
        Action::ShowDeleted => super::route::browse(app, BrowseMsg::ToggleDeleted, fx),
        Action::Undelete => super::route::undelete(app, fx),
    }
}

/// Space: marks or unmarks the row under the cursor and moves down.
fn mark(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(b) = &app.browse else { return };
    let Some((key, m)) = super::marks::mark_of(&b.tree, b.tree.cursor) else {
        return;
    };
    let bucket = b.tree.bucket.clone();
    app.browsing.marks.toggle(&bucket, &key, m);
    super::cursor::move_cursor(app, 1, fx);
    mark_status(app);
}

/// A: marks every visible row (after the filter), or unmarks them all when
/// they all are marked.
fn mark_all(app: &mut App) {
    let Some(b) = &app.browse else { return };
    let bucket = b.tree.bucket.clone();
    let rows: Vec<_> = (0..b.tree.rows().len())
        .filter_map(|i| super::marks::mark_of(&b.tree, i))
        .collect();
    let all = rows
        .iter()
        .all(|(k, _)| app.browsing.marks.contains(&bucket, k));
    for (k, m) in rows {
        app.browsing.marks.set(&bucket, &k, (!all).then_some(m));
    }
    mark_status(app);
}

fn mark_status(app: &mut App) {
    if app.browsing.marks.is_empty() {
        app.set_status("No marks");
    } else {
        let counted = counted_bytes(app);
        app.set_status(app.browsing.marks.summary(counted));
    }
}

/// Bytes that finished counts found under marked prefixes of this bucket.
fn counted_bytes(app: &App) -> u64 {
    let Some(b) = &app.browse else { return 0 };
    app.browsing
        .marks
        .iter()
        .filter(|((bucket, _), m)| m.is_prefix && *bucket == b.tree.bucket)
        .filter_map(|((_, k), _)| {
            b.totals
                .get(k)
                .filter(|t| t.state == Load::Ready(Extent::Whole))
        })
        .map(|t| t.totals.bytes)
        .sum()
}

fn on_task(app: &mut App, id: TaskId, ev: TaskEvent, fx: &mut Vec<Effect>) {
    // A transfer reports to the end, cancelled or not: how it ended and
    // what it cleaned up belong in its summary.
    if let TaskEvent::Transfer(r) = ev {
        return super::route::transfers(app, super::transfers::Msg::Report(id, r), fx);
    }
    // A denial the inspector or the card shows in place, without the
    // error popup: `w` explains it all the same.
    if let Some(e) = ev.failure() {
        app.why.saw(e);
    }
    // A result nobody waits for any more (its view was left or replaced).
    if app.tasks.live(id).is_none() {
        return;
    }
    match ev {
        TaskEvent::Identity(r) => {
            if let Err(e) = &r {
                app.set_error(format!("Credentials: {}", diagnose::short(e)));
            }
            app.session.creds = Some(r.map_err(|e| diagnose::short(&e)));
        }
        TaskEvent::Buckets(reply) => {
            let shown = app.view.screen == Screen::Buckets;
            super::route::buckets(app, BucketsMsg::Task { id, reply, shown }, fx)
        }
        TaskEvent::Browse(reply) => super::route::browse(app, BrowseMsg::Task(id, reply), fx),
        TaskEvent::Card(reply) => super::route::card(app, super::card::Msg::Task(id, reply), fx),
        TaskEvent::Planning(n) => {
            if let Some(q) = app.modals.waiting_for(id) {
                q.listing_progress(n);
            }
        }
        TaskEvent::DeletePlan(r) => {
            let now = app.session.clock.now_ms;
            if let Some(q) = app.modals.waiting_for(id) {
                q.listing_done(*r, now);
            }
        }
        TaskEvent::ArchivePlan(r) => {
            let now = app.session.clock.now_ms;
            if let Some(q) = app.modals.waiting_for(id) {
                q.archive_done(*r, now);
            }
        }
        TaskEvent::Dir(r) => {
            if let Some(p) = app.modals.work_prompt_mut() {
                super::picker::on_dir(p, r);
            }
        }
        TaskEvent::WhyDenied(f) => super::route::why_read(app, id, f),
        TaskEvent::PresignedPost(r) => {
            super::route::share(app, super::share::Msg::PresignedPost(id, r), fx)
        }
        TaskEvent::Presigned(r) => {
            super::route::share(app, super::share::Msg::Presigned(id, r), fx)
        }
        TaskEvent::Versions(reply) => super::route::versions(app, VersionsMsg::Task(id, reply), fx),
        TaskEvent::Rollback(RollbackReply::Listed(n)) => {
            super::route::rollback(app, RollbackMsg::Listed(n), fx)
        }
        TaskEvent::Rollback(RollbackReply::Plan(r)) => {
            super::route::rollback(app, RollbackMsg::Plan(id, r), fx)
        }
        TaskEvent::Rollback(RollbackReply::Undelete(exact, r)) => {
            super::route::undelete_plan(app, id, exact, *r, fx)
        }
        TaskEvent::SyncPlan(r) => super::route::sync(app, super::sync::Msg::Plan(id, r), fx),
        TaskEvent::OpenUploads(r) => {
            super::route::uploads(app, super::uploads::Msg::Rows(id, r), fx)
        }
        TaskEvent::Transfer(_) => {}
    }
}

fn on_task_ended(app: &mut App, id: TaskId, panic: Option<String>, fx: &mut Vec<Effect>) {
    if let Some(why) = panic
        && let Some(task) = app.tasks.live(id)
    {
        // A task that died reports through its job's own failure path, so
        // its owner shows the failure instead of loading for ever.
        let mut err = crate::store::StoreError::new(
            crate::store::ErrorKind::Other,
            format!("internal error (a pail bug): {why}"),
        );
        err.code = Some("PailTaskPanicked".into());
        let ev = task.owner.failure(err);
        on_task(app, id, ev, fx);
    }
    // The owner names the slot that waited for the task: only that
    // feature hears of it, and stops waiting (a result that came first has
    // already filled the slot; this clears what a cancel left loading).
    if let Some(task) = app.tasks.ended(id) {
        super::route::task_ended(app, &task.owner, id);
    }
    modal::tasks_changed(app);
}
