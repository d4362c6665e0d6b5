//! The application as plain data. [`App`] holds everything the screen shows;
//! [`update`] is the only thing that changes it, in answer to a [`Msg`], and
//! it answers with [`Effect`]s (start a job, cancel one, copy text, quit)
//! that the runtime carries out. Nothing here touches the network, the clock
//! or the terminal, so every behaviour can be tested by feeding messages.

pub mod tree;
mod update;

pub use update::{folder_progress, parent_prefix, update};

use crate::config::Config;
use crate::diagnose::Explanation;
use crate::keymap::Keymap;
use crate::store::{
    Bucket, BucketInfo, Connection, CredentialSource, ListPage, ObjectInfo, PrefixTotals,
    StoreError, StoreResult,
};
use chrono::FixedOffset;
use crossterm::event::{KeyEvent, MouseEvent};
use std::collections::{BTreeMap, HashMap};
use tree::Tree;

/// Identifies one background task from start to its last message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u64);

/// Work the runtime does in the background on our behalf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    Identity,
    ListBuckets,
    BucketRegion {
        bucket: String,
    },
    BucketInfo {
        bucket: String,
    },
    /// Lists one tree level (delimiter `/`), every page, until done or cancelled.
    ListPrefix {
        bucket: String,
        prefix: String,
        page_size: i32,
    },
    ObjectInfo {
        bucket: String,
        key: String,
    },
    /// Walks every key under a prefix, reporting running totals.
    CountPrefix {
        bucket: String,
        prefix: String,
        page_size: i32,
    },
}

impl Job {
    pub fn label(&self) -> String {
        use crate::sanitize::clean;
        match self {
            Job::Identity => "resolving credentials".into(),
            Job::ListBuckets => "listing buckets".into(),
            Job::BucketRegion { bucket } => format!("locating {}", clean(bucket)),
            Job::BucketInfo { bucket } => format!("reading {}", clean(bucket)),
            Job::ListPrefix { bucket, prefix, .. } => {
                format!("listing s3://{}/{}", clean(bucket), clean(prefix))
            }
            Job::ObjectInfo { key, .. } => format!("inspecting {}", clean(key)),
            Job::CountPrefix { bucket, prefix, .. } => {
                format!("counting s3://{}/{}", clean(bucket), clean(prefix))
            }
        }
    }

    /// Whether quitting should ask first while this runs.
    pub fn is_long(&self) -> bool {
        matches!(self, Job::ListPrefix { .. } | Job::CountPrefix { .. })
    }
}

/// What a running job reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEvent {
    Identity(StoreResult<CredentialSource>),
    Buckets(StoreResult<Vec<Bucket>>),
    Region(StoreResult<String>),
    BucketInfo(StoreResult<BucketInfo>),
    Page(StoreResult<ListPage>),
    /// Boxed: an ObjectInfo is large and most messages are small.
    Object(Box<StoreResult<ObjectInfo>>),
    Totals(StoreResult<(PrefixTotals, bool)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Tick,
    Task(TaskId, TaskEvent),
    /// The task's future is gone (finished, failed or cancelled).
    TaskEnded(TaskId),
    /// The clipboard write finished: how it was done, or why it failed.
    Copied(Result<String, String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Spawn(TaskId, Job),
    Cancel(TaskId),
    Copy { text: String, what: String },
    Quit,
}

/// Something loaded in the background.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load<T> {
    Loading(TaskId),
    Ready(T),
    Failed(StoreError),
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    Help { scroll: u16 },
    Copy,
    Error(Explanation),
    ConfirmQuit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketRow {
    pub name: String,
    pub created: Option<i64>,
    pub region: Option<Load<String>>,
    pub info: Option<Load<BucketInfo>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ListState {
    #[default]
    Idle,
    Loading(TaskId),
    Ready,
    Failed(StoreError),
}

#[derive(Clone, Debug, Default)]
pub struct BucketsView {
    pub rows: Vec<BucketRow>,
    pub state: ListState,
    /// Index into [`BucketsView::visible`].
    pub cursor: usize,
    pub scroll: usize,
    pub filter: String,
}

impl BucketsView {
    /// Indices of rows passing the filter.
    pub fn visible(&self) -> Vec<usize> {
        let f = self.filter.to_lowercase();
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| f.is_empty() || r.name.to_lowercase().contains(&f))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn selected(&self) -> Option<&BucketRow> {
        self.visible().get(self.cursor).map(|&i| &self.rows[i])
    }
}

/// Running or finished recursive totals for a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub task: Option<TaskId>,
    pub totals: PrefixTotals,
    pub done: bool,
    pub error: Option<StoreError>,
}

#[derive(Clone, Debug)]
pub struct Browse {
    pub tree: Tree,
    pub objects: HashMap<String, Load<ObjectInfo>>,
    pub totals: HashMap<String, Totals>,
    pub info: Option<Load<BucketInfo>>,
}

impl Browse {
    pub fn region(&self) -> Option<&str> {
        match &self.info {
            Some(Load::Ready(i)) => Some(&i.region),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    /// The tick it was set at; plain messages fade after a while.
    pub since: u64,
}

/// Ticks a plain status message stays (about 8 s at the default 100 ms).
pub const STATUS_TICKS: u64 = 80;

/// Settings update needs, derived from the config once.
#[derive(Clone, Debug)]
pub struct Settings {
    pub page_size: i32,
    pub inspect_delay_ticks: u64,
    pub mouse: bool,
}

#[derive(Clone, Debug)]
pub struct App {
    pub settings: Settings,
    pub keymap: Keymap,
    pub conn: Connection,
    pub creds: Option<Result<CredentialSource, String>>,
    pub tz: FixedOffset,
    pub screen: Screen,
    pub buckets: BucketsView,
    pub browse: Option<Browse>,
    pub focus: Focus,
    pub inspector_scroll: u16,
    pub overlay: Option<Overlay>,
    pub filter_input: tui_input::Input,
    pub filter_editing: bool,
    pub status: Option<Status>,
    /// Running tasks and what they do, for the status bar and quit check.
    pub tasks: BTreeMap<TaskId, Job>,
    next_task: u64,
    pub tick: u64,
    pub size: (u16, u16),
    inspect_due: Option<u64>,
    last_click: Option<(u16, u16, u64)>,
}

impl App {
    /// A new session and the effects that start it: resolve the identity,
    /// then open `start` (bucket, prefix) directly, or list the buckets.
    pub fn new(
        config: &Config,
        conn: Connection,
        start: Option<(String, String)>,
        tz: FixedOffset,
        size: (u16, u16),
    ) -> (App, Vec<Effect>) {
        let tick = config.ui.tick_ms.max(1);
        let mut app = App {
            settings: Settings {
                page_size: config.s3.page_size,
                inspect_delay_ticks: config.ui.inspect_delay_ms.div_ceil(tick),
                mouse: config.ui.mouse,
            },
            keymap: config.keymap.clone(),
            conn,
            creds: None,
            tz,
            screen: Screen::Buckets,
            buckets: BucketsView::default(),
            browse: None,
            focus: Focus::Tree,
            inspector_scroll: 0,
            overlay: None,
            filter_input: tui_input::Input::default(),
            filter_editing: false,
            status: None,
            tasks: BTreeMap::new(),
            next_task: 1,
            tick: 0,
            size,
            inspect_due: None,
            last_click: None,
        };
        let mut fx = vec![app.spawn(Job::Identity)];
        match start {
            Some((bucket, prefix)) => fx.extend(app.open_bucket(bucket, prefix)),
            None => fx.extend(app.load_buckets()),
        }
        (app, fx)
    }

    fn spawn(&mut self, job: Job) -> Effect {
        let id = self.new_task_id();
        self.start(id, job)
    }

    /// Records `job` as running under `id` and returns the effect that runs it.
    fn start(&mut self, id: TaskId, job: Job) -> Effect {
        self.tasks.insert(id, job.clone());
        Effect::Spawn(id, job)
    }

    fn new_task_id(&mut self) -> TaskId {
        let id = TaskId(self.next_task);
        self.next_task += 1;
        id
    }

    /// Rows of the tree or bucket list that fit on screen.
    pub fn list_height(&self) -> usize {
        let areas = crate::ui::layout::areas(self.size.0, self.size.1);
        areas.list.height.saturating_sub(2).max(1) as usize
    }

    pub fn running_long_tasks(&self) -> usize {
        self.tasks.values().filter(|j| j.is_long()).count()
    }

    pub fn set_status(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
            since: self.tick,
        });
    }

    pub fn set_error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
            since: self.tick,
        });
    }

    pub fn creds(&self) -> Option<&CredentialSource> {
        self.creds.as_ref().and_then(|c| c.as_ref().ok())
    }

    /// The bucket being browsed, if any.
    pub fn bucket(&self) -> Option<&str> {
        self.browse.as_ref().map(|b| b.tree.bucket.as_str())
    }
}
