//! Building apps and fake listings for state and snapshot tests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pail::app::{App, Effect, Job, Msg, TaskEvent, TaskId, browse};
use pail::config::{self, Config};
use pail::store::{Connection, ListPage, ObjectSummary};

pub fn config() -> Config {
    config::from_layers(&[
        ("<config>".into(), config::DEFAULT_CONFIG.into()),
        ("<keymap>".into(), config::DEFAULT_KEYMAP.into()),
    ])
    .expect("defaults parse")
}

/// The defaults with a user's keymap.toml laid over them.
pub fn config_keyed(user_keymap: &str) -> Config {
    config::from_layers(&[
        ("<config>".into(), config::DEFAULT_CONFIG.into()),
        ("<keymap>".into(), config::DEFAULT_KEYMAP.into()),
        ("<user keymap>".into(), user_keymap.into()),
    ])
    .expect("the user's keymap builds")
}

pub fn conn() -> Connection {
    Connection {
        endpoint: Some("http://127.0.0.1:9000".into()),
        profile: Some("dev".into()),
        region: "eu-west-1".into(),
        path_style: true,
        unsigned: false,
        ..Default::default()
    }
}

pub fn utc() -> pail::format::Zone {
    pail::format::Zone::UTC
}

pub fn new_app(start: Option<(&str, &str)>) -> (App, Vec<Effect>) {
    App::new(
        &config(),
        conn(),
        start.map(|(b, p)| (b.to_owned(), p.to_owned())),
        utc(),
        (100, 30),
    )
}

/// An app at `start` whose keys come from the defaults and `user_keymap`.
pub fn new_app_keyed(user_keymap: &str, start: Option<(&str, &str)>) -> (App, Vec<Effect>) {
    App::new(
        &config_keyed(user_keymap),
        conn(),
        start.map(|(b, p)| (b.to_owned(), p.to_owned())),
        utc(),
        (100, 30),
    )
}

pub fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The (id, job) of every Spawn effect.
pub fn spawned(fx: &[Effect]) -> Vec<(TaskId, Job)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Spawn(id, job) => Some((*id, job.clone())),
            _ => None,
        })
        .collect()
}

pub fn cancelled(fx: &[Effect]) -> Vec<TaskId> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Cancel(id) => Some(*id),
            _ => None,
        })
        .collect()
}

/// The task listing `prefix`, from these effects.
pub fn list_task(fx: &[Effect], prefix: &str) -> TaskId {
    spawned(fx)
        .into_iter()
        .find_map(|(id, j)| match j {
            Job::Browse(browse::Request::List { prefix: p, .. }) if p == prefix => Some(id),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no listing of {prefix:?} in {fx:?}"))
}

pub fn obj(key: &str, size: u64) -> ObjectSummary {
    ObjectSummary {
        restore: None,
        key: key.into(),
        size,
        // 2026-11-01 12:00 UTC plus a little per key, for stable columns.
        modified: Some(1_793_534_400 + size as i64 % 86_400),
        storage_class: Some("STANDARD".into()),
        etag: None,
        version_id: None,
    }
}

pub fn page(prefixes: &[&str], objects: &[(&str, u64)], more: bool) -> ListPage {
    ListPage {
        prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
        objects: objects.iter().map(|(k, s)| obj(k, *s)).collect(),
        next: more.then(|| "token".to_string()),
    }
}

pub fn deliver(app: &mut App, id: TaskId, p: ListPage) -> Vec<Effect> {
    pail::app::update(
        app,
        Msg::Task(id, TaskEvent::Browse(browse::Reply::Page(Ok(p)))),
    )
}

pub fn send(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    let mut fx = Vec::new();
    for m in msgs {
        fx.extend(pail::app::update(app, m));
    }
    fx
}

/// The tree being browsed.
pub fn tree(app: &App) -> &pail::app::tree::Tree {
    &app.browse.as_ref().expect("browsing").tree
}

/// `ms` milliseconds of wall-clock time pass (as the runtime says before
/// each input): long enough, a question takes keys as answers.
pub fn later(app: &mut App, ms: i64) {
    let now = app.session.clock.now_ms + ms;
    pail::app::update(app, Msg::Now(now));
}

/// Lets the inspector debounce run out.
pub fn settle(app: &mut App) -> Vec<Effect> {
    send(app, std::iter::repeat_with(Msg::tick).take(5))
}

/// The status line's text (empty when there is none).
pub fn status(app: &App) -> &str {
    app.messages.status.as_ref().map_or("", |s| s.text.as_str())
}
