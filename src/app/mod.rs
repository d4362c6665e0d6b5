//! The application as plain data. [`App`] holds everything the screen shows;
//! [`update`] is the only thing that changes it, in answer to a [`Msg`], and
//! it answers with [`Effect`]s (start a job, cancel one, copy text, quit)
//! that the runtime carries out. Nothing here touches the network, the clock
//! or the terminal, so every behaviour can be tested by feeding messages.
//!
//! Each view or capability keeps its state and transitions in its own
//! module: the bucket list ([`buckets`]), the browsed tree ([`browse`]), the
//! inspector ([`inspect`]), the modal stack ([`modal`]) with its text
//! [`prompt`], the [`messages`] log, background [`task`]s; `update` only
//! dispatches.

pub mod browse;
pub mod buckets;
pub mod card;
mod clipboard_menu;
mod cursor;
pub mod cx;
pub mod inspect;
pub mod kind;
pub mod marks;
pub mod messages;
pub mod modal;
mod modal_keys;
mod mouse;
pub mod note;
pub mod ops;
mod picker;
pub mod prompt;
pub mod prompt_work;
pub mod question;
pub mod rollback;
mod route;
mod screens;
pub mod scroll;
mod selection;
pub mod session;
pub mod share;
pub mod sync;
pub mod task;
pub mod transfers;
pub mod tree;
mod update;
pub mod uploads;
pub mod versions;
pub mod why;

pub use browse::{Browse, Totals, folder_progress, parent_prefix};
pub use buckets::{BucketRow, BucketsView};
pub use messages::{STATUS_TICKS, Status};
pub use modal::Modal;
pub use ops::{Browsing, Here};
pub use session::{Clock, Session, Settings};
pub use task::{Job, Owner, Task, TaskEvent, TaskId, Tasks};
pub use update::update;

use crate::config::Config;
use crate::diagnose::Explanation;
use crate::format::Zone;
use crate::keymap::Context;
use crate::store::{Connection, CredentialSource, StoreError};
use crossterm::event::{KeyEvent, MouseEvent};
use messages::Messages;
use tree::SortKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    Resize(u16, u16),
    Tick(Clock),
    /// The wall-clock time (ms since the epoch) just before the message
    /// that follows it: the runtime sends it before every input and task
    /// report, so a question can tell how long it has been open.
    Now(i64),
    Task(TaskId, TaskEvent),
    /// The task is gone: finished, cancelled, or died (`Some(why)` when it
    /// panicked, so its owner can show the failure).
    TaskEnded(TaskId, Option<String>),
    /// The clipboard write finished: how it was done, or why it failed.
    Copied(Result<String, String>),
    /// pail came back from Ctrl-z.
    Resumed,
    /// Quitting waits for this many tasks to finish cleaning up.
    CleaningUp(usize),
    /// Multipart uploads a pail that was stopped left open, aborted at
    /// start (engine::journal).
    LeftoversAborted(Vec<crate::engine::journal::Aborted>),
}

impl Msg {
    /// A tick at a fixed wall-clock time, for tests.
    pub fn tick() -> Msg {
        Msg::Tick(Clock::default())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Spawn(TaskId, Job),
    Cancel(TaskId),
    /// The user's answer to a transfer job's conflict question.
    Answer(TaskId, crate::engine::Choice),
    /// Put `text` on the clipboard; `what` names it for the status line
    /// ("URL of docs/a.pdf"), never the text itself.
    Copy {
        text: String,
        what: String,
    },
    /// Stop the process (Ctrl-z) with the terminal restored.
    Suspend,
    Quit,
}

/// Something loaded in the background: every "loading / loaded / failed"
/// slot in the app is one of these (`Option<Load<T>>` where "not asked"
/// is a state too; `Load<Extent>` where what arrived may be partial).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load<T> {
    Loading(TaskId),
    Ready(T),
    Failed(StoreError),
}

impl<T> Load<T> {
    /// Whether `slot` waits for task `id`.
    pub fn waits(slot: &Option<Load<T>>, id: TaskId) -> bool {
        matches!(slot, Some(Load::Loading(t)) if *t == id)
    }
}

/// How much of a listing or a count arrived: all of it, or what came
/// before it was stopped (collapsed, left, cancelled).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extent {
    Whole,
    Partial,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Buckets,
    Browse,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    Tree,
    Inspector,
}

/// Where the user is: the screen, which pane has the keyboard, the
/// inspector's scroll, and the pointer's last click.
#[derive(Clone, Debug)]
pub struct View {
    pub screen: Screen,
    pub focus: Focus,
    pub inspector_scroll: u16,
    /// The tick at which the selected object is inspected (a short
    /// pause, so scrolling through rows does not send a HEAD per row).
    pub(crate) inspect_due: Option<u64>,
    pub(crate) last_click: Option<(u16, u16, u64)>,
}

impl Default for View {
    fn default() -> View {
        View {
            screen: Screen::Buckets,
            focus: Focus::Tree,
            inspector_scroll: 0,
            inspect_due: None,
            last_click: None,
        }
    }
}

/// The application: a [`Session`] every feature reads, and one field per
/// feature. `update` routes messages to them.
#[derive(Clone, Debug)]
pub struct App {
    /// What every feature reads: connection, keymap, settings, clock, size.
    pub session: Session,
    pub view: View,
    pub buckets: BucketsView,
    /// Bucket cards: each bucket's settings as read, and the account's.
    pub cards: card::Cards,
    pub browse: Option<Browse>,
    pub browsing: Browsing,
    /// Prompts, questions and popups, topmost last; keys go to the top one.
    pub modals: modal::Modals,
    /// The message log and the status line.
    pub messages: Messages,
    /// Background work, and which user action started it.
    pub tasks: Tasks,
    /// Every transfer job of the session (the transfers panel).
    pub transfers: transfers::Transfers,
    /// The last denial, for `w`.
    pub why: why::Why,
}

impl App {
    /// A new session and the effects that start it: resolve the identity,
    /// then open `start` (bucket, prefix) directly, or list the buckets. A
    /// prefix without a trailing `/` may name an object: its folder opens
    /// with the object selected (or the prefix itself, if that is what it
    /// turns out to be).
    pub fn new(
        config: &Config,
        conn: Connection,
        start: Option<(String, String)>,
        tz: Zone,
        size: (u16, u16),
    ) -> (App, Vec<Effect>) {
        let mut app = App {
            session: Session::new(config, conn, tz, size),
            view: View::default(),
            buckets: BucketsView::default(),
            cards: card::Cards::default(),
            browse: None,
            browsing: Browsing {
                marks: marks::Marks::default(),
                sort: (SortKey::Name, false),
                clip: None,
                last_download_dir: None,
                last_upload_dir: None,
                last_sync_dir: None,
                upload_options: config.transfers.upload.clone(),
            },
            modals: modal::Modals::default(),
            messages: Messages::default(),
            tasks: Tasks::default(),
            transfers: transfers::Transfers::default(),
            why: why::Why::default(),
        };
        let mut fx = vec![app.start(Owner::Session, Job::Identity)];
        match start {
            Some((bucket, path)) => fx.extend(app.open_path(bucket, path)),
            None => route::buckets(&mut app, buckets::Msg::Load, &mut fx),
        }
        (app, fx)
    }

    /// Starts `job` for `owner`, on behalf of the user's latest action.
    pub(crate) fn start(&mut self, owner: Owner, job: Job) -> Effect {
        self.tasks.start(owner, job, self.tasks.action).1
    }

    /// Like [`App::start`], also returning the new task's id.
    pub(crate) fn start_id(&mut self, owner: Owner, job: Job) -> (TaskId, Effect) {
        self.tasks.start(owner, job, self.tasks.action)
    }

    /// Where the keyboard is when no modal is open.
    pub fn view_context(&self) -> Context {
        match (self.view.screen, self.view.focus) {
            (_, Focus::Inspector) => Context::Inspector,
            (Screen::Buckets, _) => Context::Buckets,
            (Screen::Browse, _) => Context::Tree,
        }
    }

    /// Where the keyboard is now.
    pub fn context(&self) -> Context {
        match self.modals.last() {
            Some(m) => m.context(),
            None => self.view_context(),
        }
    }

    pub fn set_status(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.push(self.session.clock.now_ms, false, &text);
        self.messages.status = Some(Status {
            text,
            error: false,
            since: self.session.tick,
        });
    }

    pub fn set_error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.push(self.session.clock.now_ms, true, &text);
        self.messages.status = Some(Status {
            text,
            error: true,
            since: self.session.tick,
        });
    }

    /// Reports a failure of task `action`'s work: a popup when the user's
    /// last action caused it and nothing else is open, otherwise the
    /// message log and the status line, so a background error never
    /// destroys a half-typed prompt or an open question.
    pub(crate) fn report(&mut self, action: u64, err: &StoreError, context: &str) {
        let short = crate::diagnose::short(err);
        let line = if context.is_empty() {
            short
        } else {
            format!("{context}: {short}")
        };
        self.set_error(line);
        self.why.saw(err);
        if action == self.tasks.action && self.modals.is_empty() {
            let explanation = crate::diagnose::explain(err, &self.session.conn, self.creds());
            self.modals.push(Modal::Error(explanation));
        }
    }

    pub fn creds(&self) -> Option<&CredentialSource> {
        self.session.creds()
    }

    /// The bucket being browsed, if any.
    pub fn bucket(&self) -> Option<&str> {
        self.browse.as_ref().map(|b| b.tree.bucket.as_str())
    }

    /// The error popup on top, if that is what shows.
    pub fn error_popup(&self) -> Option<&Explanation> {
        match self.modals.last() {
            Some(Modal::Error(x)) => Some(x),
            _ => None,
        }
    }
}
