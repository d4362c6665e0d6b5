//! Where `App` routes: a feature's notes to every feature that reads
//! them, and a feature's messages to its state (wherever it lives: the
//! versions panel in its modal). Features never call each other; this is
//! the one room that knows them all.

use super::browse::Msg as BrowseMsg;
use super::cx::Cx;
use super::cx::Outcome;
use super::modal::Modal;
use super::note::Note;
use super::ops::Msg as OpsMsg;
use super::share::{Msg as ShareMsg, Share};
use super::transfers::Msg as TransfersMsg;
use super::uploads::{Msg as UploadsMsg, UploadsPanel};
use super::versions::Msg as VersionsMsg;
use super::{App, Effect, Load, Screen, TaskId};
use crate::keymap::Action;

/// Hands a feature's note to every feature that reads it.
pub(super) fn note(app: &mut App, note: Note, fx: &mut Vec<Effect>) {
    match note {
        Note::Changed { bucket, prefix } => {
            let (b, p) = (bucket.clone(), prefix.clone());
            browse(
                app,
                BrowseMsg::Changed {
                    bucket: b,
                    prefix: p,
                },
                fx,
            );
            let (b, p) = (bucket.clone(), prefix.clone());
            uploads(
                app,
                UploadsMsg::Changed {
                    bucket: b,
                    prefix: p,
                },
                fx,
            );
            versions(app, VersionsMsg::Changed { bucket, prefix }, fx);
        }
        Note::Answered(task, choice) => {
            super::question::conflict::gone(app, task);
            if let Some(job) = app.transfers.get_mut(task) {
                job.question = None;
            }
            app.set_status(format!("Conflicts: {}", choice.label()));
        }
        Note::Status(text) => app.set_status(text),
        Note::BucketsChanged { select } => {
            app.buckets.want = select;
            buckets(app, super::buckets::Msg::Load, fx);
        }
        Note::Error(text) => app.set_error(text),
        Note::Report {
            action,
            err,
            context,
        } => app.report(action, &err, &context),
        Note::ShowConflict(id) => super::question::conflict::open(app, id),
        Note::Items(task) => app.modals.push(Modal::TransferItems { task, scroll: 0 }),
        Note::Detail(x) => app.modals.push(Modal::Detail(x)),
        Note::AskDownload { bucket, sources } => {
            ops(app, OpsMsg::AskDownload { bucket, sources }, fx)
        }
        Note::Prompt(p) => app.modals.push(Modal::Prompt(*p)),
        Note::Share(s) => open_share(app, *s),
        Note::Ask(q) => app.ask(*q),
        Note::Start(job) => app.start_planned(*job, fx),
        Note::Help(context) => app.modals.push(Modal::Help { scroll: 0, context }),
        Note::Inspect => {
            if app.view.inspect_due.is_none() {
                app.schedule_inspect();
            }
        }
        Note::OpenPrefix { bucket, prefix } => fx.extend(app.open_bucket(bucket, prefix)),
        Note::OpenSync { source, dest } => open_modal(app, fx, |cx| {
            Modal::Sync(Box::new(super::sync::Panel::open(cx, source, dest)))
        }),
        Note::ConflictAsked(id) => super::question::conflict::ask(app, id),
        Note::ConflictGone(id) => super::question::conflict::gone(app, id),
    }
}

/// `v`: versions of the object under the cursor; on a prefix (or from the
/// bucket list, a whole bucket) the rollback prompt.
pub(super) fn open_versions(app: &mut App, fx: &mut Vec<Effect>) {
    if app.view.screen == Screen::Buckets {
        if let Some(row) = app.buckets.selected() {
            let bucket = row.name.clone();
            ask_rollback_moment(app, bucket, String::new());
        }
        return;
    }
    let Some(b) = &app.browse else { return };
    let bucket = b.tree.bucket.clone();
    let key = match b.tree.selected() {
        Some(super::tree::Selected::Object(key)) => key,
        Some(super::tree::Selected::Prefix(p)) => return ask_rollback_moment(app, bucket, p),
        None => {
            let root = b.tree.root.clone();
            return ask_rollback_moment(app, bucket, root);
        }
    };
    let versioning = match &b.info {
        Some(Load::Ready(i)) => i.versioning.clone().ok(),
        _ => None,
    };
    open_modal(app, fx, |cx| {
        let panel = super::versions::Panel::open(cx, bucket, key, versioning);
        Modal::Versions(Box::new(panel))
    });
}

/// Hands a message to the open versions panel (under a question, too);
/// closes it when it says so.
pub(super) fn versions(app: &mut App, msg: VersionsMsg, fx: &mut Vec<Effect>) {
    in_modal(app, fx, versions_of, |p, cx| p.update(cx, msg));
}

fn versions_of(m: &mut Modal) -> Option<&mut super::versions::Panel> {
    match m {
        Modal::Versions(p) => Some(p),
        _ => None,
    }
}

/// A message for the bucket list; `Load` and `Show` bring it on screen.
pub(super) fn buckets(app: &mut App, msg: super::buckets::Msg, fx: &mut Vec<Effect>) {
    use super::buckets::Msg;
    if matches!(msg, Msg::Load | Msg::Show { .. }) {
        app.view.screen = Screen::Buckets;
    }
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    app.buckets.update(&mut cx, msg);
    let out = cx.finish();
    finish(app, out, fx);
}

/// A message for the operations, with what they act on read off the tree.
pub(super) fn ops(app: &mut App, msg: OpsMsg, fx: &mut Vec<Effect>) {
    let here = app.here();
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    app.browsing.update(&mut cx, here.as_ref(), msg);
    let out = cx.finish();
    finish(app, out, fx);
}

/// A message for the bucket cards.
pub(super) fn card(app: &mut App, msg: super::card::Msg, fx: &mut Vec<Effect>) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    app.cards.update(&mut cx, msg);
    let out = cx.finish();
    finish(app, out, fx);
}

/// Runs `f` over a `Cx` for the bucket cards' stateless work.
pub(super) fn card_cx(app: &mut App, fx: &mut Vec<Effect>, f: impl FnOnce(&mut Cx)) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    f(&mut cx);
    let out = cx.finish();
    finish(app, out, fx);
}

/// A message for the tree, when a bucket is open.
pub(super) fn browse(app: &mut App, msg: super::browse::Msg, fx: &mut Vec<Effect>) {
    let Some(b) = &mut app.browse else { return };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    b.update(&mut cx, msg);
    let out = cx.finish();
    finish(app, out, fx);
}

/// Opens the modal `make` builds (starting its tasks through the `Cx`).
fn open_modal(app: &mut App, fx: &mut Vec<Effect>, make: impl FnOnce(&mut Cx) -> Modal) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let modal = make(&mut cx);
    let out = cx.finish();
    app.modals.push(modal);
    finish(app, out, fx);
}

/// Runs a popup's update on the state its modal holds (wherever it is in
/// the stack: a question may cover it) and closes that modal when the
/// update says so.
fn in_modal<P>(
    app: &mut App,
    fx: &mut Vec<Effect>,
    state_of: fn(&mut Modal) -> Option<&mut P>,
    update: impl FnOnce(&mut P, &mut Cx) -> Outcome,
) {
    let stack = &mut app.modals.stack;
    let Some(at) = (0..stack.len())
        .rev()
        .find(|&i| state_of(&mut stack[i]).is_some())
    else {
        return;
    };
    let Some(state) = state_of(&mut stack[at]) else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = update(state, &mut cx);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.remove(at);
    }
    finish(app, out, fx);
}

/// Carries out what a feature's update asked for.
fn finish(app: &mut App, (effects, notes): (Vec<Effect>, Vec<Note>), fx: &mut Vec<Effect>) {
    fx.extend(effects);
    for note in notes {
        self::note(app, note, fx);
    }
}

/// `P`: the share popup for the object under the cursor (or the marked
/// objects; a prefix gets an upload link for a new key in it).
pub(super) fn share_selection(app: &mut App) {
    let Some((bucket, sources)) = app.selection() else {
        app.set_status("Open a bucket and pick an object to share");
        return;
    };
    let (share, left_out) = Share::for_sources(&bucket, &sources);
    if let Some(why) = left_out {
        app.set_status(why);
    }
    open_share(app, share);
}

fn open_share(app: &mut App, mut share: Share) {
    share.check_credentials(&app.session);
    app.modals.push(Modal::Share(Box::new(share)));
}

/// Hands a message to the share popup it is for: a key to the one on top,
/// signed links to the one that waits for them.
pub(super) fn share(app: &mut App, msg: ShareMsg, fx: &mut Vec<Effect>) {
    let top = app.modals.len().saturating_sub(1);
    let found = app
        .modals
        .iter_mut()
        .enumerate()
        .rev()
        .find_map(|(i, m)| match m {
            Modal::Share(s) => match &msg {
                ShareMsg::Presigned(id, _) if !s.signing(*id) => None,
                ShareMsg::PresignedPost(id, _) if !s.signing(*id) => None,
                _ => Some((i, s.as_mut())),
            },
            _ => None,
        });
    let Some((at, popup)) = found else { return };
    if matches!(msg, ShareMsg::Key(_)) && at != top {
        return;
    }
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = popup.update(&mut cx, msg);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.remove(at);
    }
    finish(app, out, fx);
}

/// `m`: the open uploads panel for the bucket (bucket list) or the prefix
/// under the cursor (tree).
pub(super) fn open_uploads(app: &mut App, fx: &mut Vec<Effect>) {
    let here = match app.view.screen {
        Screen::Buckets => app
            .buckets
            .selected()
            .map(|r| (r.name.clone(), String::new())),
        Screen::Browse => app.prefix_here(),
    };
    let Some((bucket, prefix)) = here else {
        return;
    };
    open_modal(app, fx, |cx| {
        Modal::Uploads(Box::new(UploadsPanel::open(cx, bucket, prefix)))
    });
}

/// Hands a message to the sync plan view (under a question, too).
pub(super) fn sync(app: &mut App, msg: super::sync::Msg, fx: &mut Vec<Effect>) {
    in_modal(app, fx, sync_of, |p, cx| p.update(cx, msg));
}

fn sync_of(m: &mut Modal) -> Option<&mut super::sync::Panel> {
    match m {
        Modal::Sync(p) => Some(p),
        _ => None,
    }
}

/// Hands a message to the open uploads panel (under a question, too).
pub(super) fn uploads(app: &mut App, msg: UploadsMsg, fx: &mut Vec<Effect>) {
    in_modal(app, fx, uploads_of, |p, cx| p.update(cx, msg));
}

fn uploads_of(m: &mut Modal) -> Option<&mut UploadsPanel> {
    match m {
        Modal::Uploads(p) => Some(p),
        _ => None,
    }
}

/// A key for the question on top.
pub(super) fn question_key(app: &mut App, key: crossterm::event::KeyEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Question(q)) = app.modals.stack.last_mut() else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = q.on_key(&mut cx, key);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.pop();
    }
    finish(app, out, fx);
}

/// Hands a message to the transfers feature (its jobs live for the whole
/// session; `Modal::Transfers` only shows them).
pub(super) fn transfers(app: &mut App, msg: TransfersMsg, fx: &mut Vec<Effect>) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = app.transfers.update(&mut cx, msg);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.retain(|m| *m != Modal::Transfers);
    }
    finish(app, out, fx);
}

/// A key in a job's item list (the modal on top holds its scroll).
pub(super) fn transfer_items(
    app: &mut App,
    task: TaskId,
    mut scroll: u16,
    action: Option<Action>,
    fx: &mut Vec<Effect>,
) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = app
        .transfers
        .on_items_key(&mut cx, task, &mut scroll, action);
    let out = cx.finish();
    if let Some(Modal::TransferItems { scroll: s, .. }) = app.modals.last_mut() {
        *s = scroll;
    }
    if outcome == Outcome::Close {
        app.modals.pop();
    }
    finish(app, out, fx);
}

impl App {
    /// Starts a transfer job and shows it in the panel.
    pub(crate) fn start_transfer(
        &mut self,
        kind: super::kind::Kind,
        spec: crate::engine::Spec,
        places: (String, String),
        touches: Vec<(String, String)>,
        fx: &mut Vec<Effect>,
    ) {
        let mut cx = Cx::new(&self.session, &mut self.tasks);
        self.transfers.start(&mut cx, kind, spec, places, touches);
        let out = cx.finish();
        finish(self, out, fx);
    }
}

/// `v` on a prefix or a bucket: the moment prompt, unless the bucket is
/// known never to have kept a history.
fn ask_rollback_moment(app: &mut App, bucket: String, prefix: String) {
    let versioning = known_versioning(app, &bucket);
    match super::rollback::moment_prompt(bucket, prefix, versioning) {
        Ok(p) => app.modals.push(Modal::Prompt(p)),
        Err(why) => app.set_error(why),
    }
}

/// The bucket's versioning status, when the inspector or the bucket list
/// read it.
fn known_versioning(app: &App, bucket: &str) -> Option<crate::store::Versioning> {
    let ready = |l: &Option<Load<crate::store::BucketInfo>>| match l {
        Some(Load::Ready(i)) => i.versioning.clone().ok(),
        _ => None,
    };
    app.browse
        .as_ref()
        .filter(|b| b.tree.bucket == bucket)
        .and_then(|b| ready(&b.info))
        .or_else(|| {
            app.buckets
                .rows
                .iter()
                .find(|r| r.name == bucket)
                .and_then(|r| ready(&r.info))
        })
}

/// The moment prompt on top changed or was answered.
pub(super) fn moment(app: &mut App, ev: super::prompt::PromptEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Prompt(p)) = app.modals.stack.last_mut() else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = super::rollback::on_prompt(&mut cx, p, ev);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.pop();
    }
    finish(app, out, fx);
}

/// A key in the `N` prompt (the new bucket's name).
pub(super) fn new_bucket(app: &mut App, ev: super::prompt::PromptEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Prompt(p)) = app.modals.stack.last_mut() else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = super::card::on_prompt(&mut cx, p, ev);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.pop();
    }
    finish(app, out, fx);
}

/// A key in the bucket card's fix menu (on top).
pub(super) fn fixes(app: &mut App, action: Option<Action>, fx: &mut Vec<Effect>) {
    let Some(Modal::Fixes(menu)) = app.modals.stack.last_mut() else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = app.cards.menu_key(&mut cx, menu, action);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.pop();
    }
    finish(app, out, fx);
}

/// A key in the prompt for a value a change to a bucket's settings needs.
pub(super) fn fix_value(app: &mut App, ev: super::prompt::PromptEvent, fx: &mut Vec<Effect>) {
    let Some(Modal::Prompt(p)) = app.modals.stack.last_mut() else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let outcome = app.cards.on_value(&mut cx, p, ev);
    let out = cx.finish();
    if outcome == Outcome::Close {
        app.modals.pop();
    }
    finish(app, out, fx);
}

/// `w`: the why-denied panel for the last denial, or why there is none.
pub(super) fn why(app: &mut App, fx: &mut Vec<Effect>) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let panel = app.why.open(&mut cx);
    let out = cx.finish();
    match panel {
        Some(p) => app.modals.push(Modal::Why(Box::new(p))),
        None => app.set_status(
            "Nothing was denied this session: w explains the last AccessDenied or \
             SignatureDoesNotMatch",
        ),
    }
    finish(app, out, fx);
}

/// The facts of a denial came back: the panel waiting for them words them.
pub(super) fn why_read(
    app: &mut App,
    id: super::TaskId,
    facts: Box<Result<crate::denied::Facts, crate::store::StoreError>>,
) {
    let creds = app.session.creds().cloned();
    for m in app.modals.stack.iter_mut() {
        if let Modal::Why(p) = m {
            p.read(id, facts, &app.session.conn, creds.as_ref());
            return;
        }
    }
}

/// The rollback planner's news.
pub(super) fn rollback(app: &mut App, msg: super::rollback::Msg, fx: &mut Vec<Effect>) {
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    super::rollback::update(&mut cx, msg);
    let out = cx.finish();
    finish(app, out, fx);
}

/// `U` in the tree: undelete the key or everything under the prefix.
pub(super) fn undelete(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(b) = &app.browse else {
        app.set_status("Open a bucket first");
        return;
    };
    let bucket = b.tree.bucket.clone();
    let deleted = b.tree.selected_deleted();
    let (prefix, exact) = match b.tree.selected() {
        Some(super::tree::Selected::Object(k)) if deleted => (k, true),
        Some(super::tree::Selected::Object(_)) => {
            app.set_status("This object is not deleted (H shows deleted ones)");
            return;
        }
        Some(super::tree::Selected::Prefix(p)) => (p, false),
        None => (b.tree.root.clone(), false),
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    super::rollback::undelete::start(&mut cx, bucket, prefix, exact);
    let out = cx.finish();
    finish(app, out, fx);
}

/// The undelete plan arrived.
pub(super) fn undelete_plan(
    app: &mut App,
    id: TaskId,
    exact: bool,
    plan: crate::store::StoreResult<crate::plan::rollback::RollbackPlan>,
    fx: &mut Vec<Effect>,
) {
    let browsing = app.bucket().map(str::to_owned);
    let calm = app.modals.is_empty();
    let at_rest = |bucket: &str| calm && browsing.as_deref() == Some(bucket);
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    super::rollback::undelete::on_plan(&mut cx, id, exact, plan, at_rest);
    let out = cx.finish();
    finish(app, out, fx);
}

/// Task `id` of `owner` ended: the feature that owns the slot it filled
/// stops waiting for it.
pub(super) fn task_ended(app: &mut App, owner: &super::Owner, id: TaskId) {
    use super::Owner;
    match owner {
        Owner::Buckets(slot) => app.buckets.task_ended(slot, id),
        Owner::Card(slot) => app.cards.task_ended(slot, id),
        Owner::Browse(slot) => {
            if let Some(b) = &mut app.browse {
                b.task_ended(slot, id);
            }
        }
        // Their results fill their slots; a cancel comes with closing them.
        Owner::Session
        | Owner::Versions(_)
        | Owner::Rollback(_)
        | Owner::Transfer
        | Owner::DeletePlan
        | Owner::ArchivePlan
        | Owner::SyncPlan
        | Owner::LocalDir
        | Owner::Share
        | Owner::Uploads
        | Owner::Why => {}
    }
}

/// Keys the upload prompt handles before its text input: the upload's
/// options (session preferences), then the folder list's keys. Returns
/// whether the key was used.
pub(super) fn picker_key(
    app: &mut App,
    key: &crossterm::event::KeyEvent,
    fx: &mut Vec<Effect>,
) -> bool {
    let in_list = app.modals.picker().cursor.is_some();
    let ctx = if in_list {
        crate::keymap::Context::Picker
    } else {
        crate::keymap::Context::Prompt
    };
    let action = app.session.keymap.action(ctx, key);
    match action {
        Some(Action::StorageClass) => {
            ops(app, OpsMsg::StorageClass, fx);
            return true;
        }
        Some(Action::Encryption) => {
            ops(app, OpsMsg::Encryption, fx);
            return true;
        }
        _ => {}
    }
    let Some(Modal::Prompt(p)) = app.modals.stack.last_mut() else {
        return false;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    let picked = super::picker::on_key(&mut cx, p, action);
    let out = cx.finish();
    finish(app, out, fx);
    match picked {
        super::picker::Picked::Unused => false,
        super::picker::Picked::Used => true,
        super::picker::Picked::Submit(path) => {
            // The prompt goes, and its work with it, to the upload.
            let work = match app.modals.pop() {
                Some(Modal::Prompt(p)) => p.work,
                _ => None,
            };
            let kind = super::prompt::PromptKind::Upload;
            let typed = path;
            ops(app, OpsMsg::Submit { kind, typed, work }, fx);
            true
        }
    }
}

/// Runs `f` on the operation prompt whose folder listing shows.
pub(super) fn picker(
    app: &mut App,
    fx: &mut Vec<Effect>,
    f: impl FnOnce(&mut Cx, &mut super::prompt::Prompt),
) {
    let Some(p) = app.modals.work_prompt_mut() else {
        return;
    };
    let mut cx = Cx::new(&app.session, &mut app.tasks);
    f(&mut cx, p);
    let out = cx.finish();
    finish(app, out, fx);
}
