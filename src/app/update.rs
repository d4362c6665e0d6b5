//! `update(app, msg) -> effects`: every state change in one pure function.

use super::tree::{FolderState, Selected, Tree};
use super::{
    App, Browse, BucketRow, Effect, Focus, Job, ListState, Load, Msg, Overlay, Screen, TaskEvent,
    TaskId, Totals,
};
use crate::diagnose;
use crate::keymap::{Action, CopyWhat};
use crate::links;
use crate::sanitize::clean;
use crate::store::{PrefixTotals, StoreError};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use std::collections::HashMap;
use tui_input::backend::crossterm::EventHandler;

/// Ticks within which a second click on the same row is a double-click.
const DOUBLE_CLICK_TICKS: u64 = 4;
/// How many object details we keep before starting afresh.
const OBJECT_CACHE: usize = 512;

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => {
            if key.kind != KeyEventKind::Release {
                on_key(app, key, &mut fx);
            }
        }
        Msg::Mouse(m) => on_mouse(app, m, &mut fx),
        Msg::Resize(w, h) => {
            app.size = (w, h);
            let height = app.list_height();
            if let Some(b) = &mut app.browse {
                b.tree.fit(height);
            }
            fit_buckets(app);
        }
        Msg::Tick => {
            app.tick += 1;
            if app.inspect_due.is_some_and(|due| app.tick >= due) {
                app.inspect_due = None;
                inspect_now(app, &mut fx);
            }
        }
        Msg::Task(id, ev) => on_task(app, id, ev, &mut fx),
        Msg::TaskEnded(id) => {
            app.tasks.remove(&id);
            if let Some(b) = &mut app.browse {
                b.tree.task_ended(id);
                b.objects.retain(|_, l| *l != Load::Loading(id));
                for t in b.totals.values_mut() {
                    if t.task == Some(id) {
                        t.task = None;
                    }
                }
            }
            if app.buckets.state == ListState::Loading(id) {
                app.buckets.state = ListState::Idle;
            }
        }
        Msg::Copied(Ok(how)) => app.set_status(how),
        Msg::Copied(Err(why)) => app.set_error(format!("Copy failed: {}", clean(&why))),
    }
    fx
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.keymap.action(&key);
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if action == Some(Action::ForceQuit) || ctrl_c {
        fx.push(Effect::Quit);
        return;
    }
    if let Some(overlay) = app.overlay.clone() {
        on_overlay_key(app, overlay, key, action, fx);
        return;
    }
    if app.filter_editing {
        on_filter_key(app, key, fx);
        return;
    }
    if key.code == KeyCode::Esc {
        if !current_filter(app).is_empty() {
            app.filter_input.reset();
            apply_filter(app);
            app.set_status("Filter cleared");
        } else if app.focus == Focus::Inspector {
            app.focus = Focus::Tree;
        }
        return;
    }
    if let Some(a) = action {
        on_action(app, a, fx);
    }
}

fn on_overlay_key(
    app: &mut App,
    overlay: Overlay,
    key: KeyEvent,
    action: Option<Action>,
    fx: &mut Vec<Effect>,
) {
    match overlay {
        Overlay::Help { scroll } => {
            let max = crate::ui::help_max_scroll(app);
            let scroll = match action {
                Some(Action::MoveDown) => scroll.saturating_add(1),
                Some(Action::MoveUp) => scroll.saturating_sub(1),
                Some(Action::PageDown) => scroll.saturating_add(10),
                Some(Action::PageUp) => scroll.saturating_sub(10),
                Some(Action::Top) => 0,
                Some(Action::Bottom) => max,
                _ => {
                    app.overlay = None;
                    return;
                }
            };
            app.overlay = Some(Overlay::Help {
                scroll: scroll.min(max),
            });
        }
        Overlay::Copy => {
            app.overlay = None;
            if key.code == KeyCode::Esc {
                return;
            }
            match app.keymap.copy_target(&key) {
                Some(what) => copy(app, what, fx),
                None => app.set_status("Nothing copied"),
            }
        }
        Overlay::Error(_) => app.overlay = None,
        Overlay::ConfirmQuit => {
            if matches!(key.code, KeyCode::Char('y' | 'Y' | 'q') | KeyCode::Enter) {
                fx.push(Effect::Quit);
            } else {
                app.overlay = None;
            }
        }
    }
}

fn on_filter_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    match key.code {
        KeyCode::Esc => {
            app.filter_editing = false;
            app.filter_input.reset();
            apply_filter(app);
        }
        KeyCode::Enter => app.filter_editing = false,
        KeyCode::Down => move_cursor(app, 1, fx),
        KeyCode::Up => move_cursor(app, -1, fx),
        _ => {
            app.filter_input.handle_event(&Event::Key(key));
            apply_filter(app);
        }
    }
}

fn current_filter(app: &App) -> &str {
    app.filter_input.value()
}

fn apply_filter(app: &mut App) {
    let text = app.filter_input.value().to_owned();
    let height = app.list_height();
    match app.screen {
        Screen::Browse => {
            if let Some(b) = &mut app.browse {
                b.tree.set_filter(&text);
                let c = b.tree.cursor;
                b.tree.move_to(c, height);
            }
        }
        Screen::Buckets => {
            app.buckets.filter = text;
            let n = app.buckets.visible().len();
            app.buckets.cursor = app.buckets.cursor.min(n.saturating_sub(1));
            fit_buckets(app);
        }
    }
    schedule_inspect(app);
}

fn on_action(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let page = app.list_height() as isize;
    match action {
        Action::MoveDown => move_cursor(app, 1, fx),
        Action::MoveUp => move_cursor(app, -1, fx),
        Action::PageDown => move_cursor(app, page.max(1), fx),
        Action::PageUp => move_cursor(app, -page.max(1), fx),
        Action::Top => move_cursor(app, isize::MIN / 2, fx),
        Action::Bottom => move_cursor(app, isize::MAX / 2, fx),
        Action::Expand => match app.screen {
            Screen::Buckets => open_selected_bucket(app, fx),
            Screen::Browse => expand_selected(app, fx),
        },
        Action::Collapse => {
            if app.screen == Screen::Browse {
                collapse_selected(app, fx);
            }
        }
        Action::Open => match app.screen {
            Screen::Buckets => open_selected_bucket(app, fx),
            Screen::Browse => open_selected(app, fx),
        },
        Action::RootUp => root_up(app, fx),
        Action::SwitchFocus => {
            app.focus = match app.focus {
                Focus::Tree => Focus::Inspector,
                Focus::Inspector => Focus::Tree,
            }
        }
        Action::Filter => {
            app.filter_editing = true;
            app.focus = Focus::Tree;
        }
        Action::SortCycle | Action::SortReverse => {
            if let Some(b) = &mut app.browse
                && app.screen == Screen::Browse
            {
                let (sort, reverse) = if action == Action::SortCycle {
                    (b.tree.sort.next(), b.tree.reverse)
                } else {
                    (b.tree.sort, !b.tree.reverse)
                };
                b.tree.set_sort(sort, reverse);
                let dir = if reverse { "descending" } else { "ascending" };
                app.set_status(format!("Sorted by {} ({dir})", sort.label()));
            }
        }
        Action::Refresh => refresh(app, fx),
        Action::CountPrefix => count_prefix(app, fx),
        Action::CopyMenu => app.overlay = Some(Overlay::Copy),
        Action::Buckets => to_buckets(app, fx),
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Quit => {
            if app.running_long_tasks() > 0 {
                app.overlay = Some(Overlay::ConfirmQuit);
            } else {
                fx.push(Effect::Quit);
            }
        }
        Action::ForceQuit => fx.push(Effect::Quit),
    }
}

fn move_cursor(app: &mut App, delta: isize, fx: &mut Vec<Effect>) {
    if app.focus == Focus::Inspector {
        let max = crate::ui::inspector_max_scroll(app) as isize;
        let cur = (app.inspector_scroll as isize).min(max);
        app.inspector_scroll = cur.saturating_add(delta).clamp(0, max) as u16;
        return;
    }
    let height = app.list_height();
    match app.screen {
        Screen::Browse => {
            if let Some(b) = &mut app.browse {
                let target = (b.tree.cursor as isize).saturating_add(delta).max(0) as usize;
                b.tree.move_to(target, height);
            }
        }
        Screen::Buckets => {
            let n = app.buckets.visible().len();
            let target = (app.buckets.cursor as isize).saturating_add(delta).max(0) as usize;
            app.buckets.cursor = target.min(n.saturating_sub(1));
            fit_buckets(app);
            ensure_regions(app, fx);
        }
    }
    app.inspector_scroll = 0;
    schedule_inspect(app);
}

fn fit_buckets(app: &mut App) {
    let height = app.list_height();
    let b = &mut app.buckets;
    if b.cursor < b.scroll {
        b.scroll = b.cursor;
    } else if b.cursor >= b.scroll + height {
        b.scroll = b.cursor + 1 - height;
    }
    let n = b.visible().len();
    b.scroll = b.scroll.min(n.saturating_sub(height));
}

/// Details are fetched once the cursor rests, so holding `j` through a long
/// listing does not fire a HeadObject per row.
fn schedule_inspect(app: &mut App) {
    app.inspect_due = Some(app.tick + app.settings.inspect_delay_ticks.max(1));
}

fn inspect_now(app: &mut App, fx: &mut Vec<Effect>) {
    match app.screen {
        Screen::Buckets => {
            let Some(row) = app.buckets.selected() else {
                return;
            };
            if row.info.is_some() {
                return;
            }
            let bucket = row.name.clone();
            let id = app.new_task_id();
            if let Some(r) = app.buckets.rows.iter_mut().find(|r| r.name == bucket) {
                r.info = Some(Load::Loading(id));
            }
            fx.push(app.start(id, Job::BucketInfo { bucket }));
        }
        Screen::Browse => {
            let Some(b) = &app.browse else { return };
            let Some(Selected::Object(key)) = b.tree.selected() else {
                return;
            };
            if b.objects.contains_key(&key) {
                return;
            }
            let bucket = b.tree.bucket.clone();
            let stale: Vec<TaskId> = b
                .objects
                .values()
                .filter_map(|l| match l {
                    Load::Loading(t) => Some(*t),
                    _ => None,
                })
                .collect();
            let id = app.new_task_id();
            let job = Job::ObjectInfo {
                bucket,
                key: key.clone(),
            };
            let spawn = app.start(id, job);
            let Some(b) = &mut app.browse else { return };
            // Only the row under the cursor matters; drop fetches for rows
            // the user already moved past.
            for t in stale {
                fx.push(Effect::Cancel(t));
            }
            b.objects.retain(|_, l| !matches!(l, Load::Loading(_)));
            if b.objects.len() > OBJECT_CACHE {
                b.objects.clear();
            }
            b.objects.insert(key, Load::Loading(id));
            fx.push(spawn);
        }
    }
}

fn ensure_regions(app: &mut App, fx: &mut Vec<Effect>) {
    let height = app.list_height();
    let visible = app.buckets.visible();
    let wanted: Vec<usize> = visible
        .iter()
        .skip(app.buckets.scroll)
        .take(height)
        .copied()
        .filter(|&i| app.buckets.rows[i].region.is_none())
        .collect();
    for i in wanted {
        let bucket = app.buckets.rows[i].name.clone();
        let id = app.new_task_id();
        app.buckets.rows[i].region = Some(Load::Loading(id));
        fx.push(app.start(id, Job::BucketRegion { bucket }));
    }
}

fn cancel_browse(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(b) = app.browse.take() {
        for t in b.tree.loading_tasks() {
            fx.push(Effect::Cancel(t));
        }
        for l in b.objects.values() {
            if let Load::Loading(t) = l {
                fx.push(Effect::Cancel(*t));
            }
        }
        for t in b.totals.values().filter_map(|t| t.task) {
            fx.push(Effect::Cancel(t));
        }
    }
}

impl App {
    pub(super) fn load_buckets(&mut self) -> Vec<Effect> {
        let id = self.new_task_id();
        self.buckets.state = ListState::Loading(id);
        self.screen = Screen::Buckets;
        vec![self.start(id, Job::ListBuckets)]
    }

    /// Opens `bucket` with `prefix` as the tree's root.
    pub(super) fn open_bucket(&mut self, bucket: String, prefix: String) -> Vec<Effect> {
        let mut fx = Vec::new();
        // Keep what we know about the bucket when only the root moves.
        let info = match &self.browse {
            Some(b) if b.tree.bucket == bucket => b.info.clone(),
            _ => None,
        };
        cancel_browse(self, &mut fx);
        let id = self.new_task_id();
        let job = Job::ListPrefix {
            bucket: bucket.clone(),
            prefix: prefix.clone(),
            page_size: self.settings.page_size,
        };
        fx.push(self.start(id, job));
        let mut browse = Browse {
            tree: Tree::new(bucket.clone(), prefix, id),
            objects: HashMap::new(),
            totals: HashMap::new(),
            info,
        };
        if browse.info.is_none() {
            let id = self.new_task_id();
            browse.info = Some(Load::Loading(id));
            fx.push(self.start(id, Job::BucketInfo { bucket }));
        }
        self.browse = Some(browse);
        self.screen = Screen::Browse;
        self.status = None;
        self.focus = Focus::Tree;
        self.inspector_scroll = 0;
        self.filter_input.reset();
        self.filter_editing = false;
        fx
    }
}

fn open_selected_bucket(app: &mut App, fx: &mut Vec<Effect>) {
    if let Some(row) = app.buckets.selected() {
        let name = row.name.clone();
        fx.extend(app.open_bucket(name, String::new()));
    }
}

fn expand_selected(app: &mut App, fx: &mut Vec<Effect>) {
    let id = app.new_task_id();
    let page_size = app.settings.page_size;
    let Some(b) = &mut app.browse else { return };
    let Some(Selected::Prefix(prefix)) = b.tree.selected() else {
        return;
    };
    if b.tree.is_expanded(&prefix) {
        return;
    }
    if b.tree.expand(&prefix, id) {
        let job = Job::ListPrefix {
            bucket: b.tree.bucket.clone(),
            prefix,
            page_size,
        };
        fx.push(app.start(id, job));
    }
}

fn collapse_selected(app: &mut App, fx: &mut Vec<Effect>) {
    let height = app.list_height();
    let Some(b) = &mut app.browse else { return };
    let Some(row) = b.tree.selected_row().copied() else {
        return;
    };
    let entry = b.tree.entry(&row);
    if entry.is_prefix && b.tree.is_expanded(&entry.key) {
        let key = entry.key.to_string();
        for t in b.tree.collapse(&key) {
            fx.push(Effect::Cancel(t));
        }
        return;
    }
    // Jump to the parent prefix's row.
    let parent = b.tree.folder_at(row.folder).prefix.clone();
    if let Some(i) = b.tree.row_of(&parent) {
        b.tree.move_to(i, height);
        schedule_inspect(app);
    }
}

fn open_selected(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(b) = &app.browse else { return };
    match b.tree.selected() {
        Some(Selected::Prefix(prefix)) => {
            let bucket = b.tree.bucket.clone();
            fx.extend(app.open_bucket(bucket, prefix));
        }
        Some(Selected::Object(_)) => {
            app.focus = Focus::Inspector;
            app.inspect_due = None;
            inspect_now(app, fx);
        }
        None => {}
    }
}

/// The prefix one level above `prefix` ("a/b/" -> "a/", "a/" -> "").
pub fn parent_prefix(prefix: &str) -> String {
    let trimmed = &prefix[..prefix.len().saturating_sub(1)];
    match trimmed.rfind('/') {
        Some(i) => trimmed[..=i].to_owned(),
        None => String::new(),
    }
}

fn root_up(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(b) = &app.browse else {
        return;
    };
    if app.screen != Screen::Browse {
        return;
    }
    let missing = matches!(
        &b.tree.root_folder().state,
        FolderState::Failed(e) if e.kind == crate::store::ErrorKind::NoSuchBucket
    );
    if b.tree.root.is_empty() || missing {
        to_buckets(app, fx);
        return;
    }
    let bucket = b.tree.bucket.clone();
    let old_root = b.tree.root.clone();
    let parent = parent_prefix(&old_root);
    fx.extend(app.open_bucket(bucket, parent));
    // Land on the prefix we came from once it is listed.
    if let Some(b) = &mut app.browse {
        b.tree.want_cursor_on(&old_root);
    }
}

fn to_buckets(app: &mut App, fx: &mut Vec<Effect>) {
    if app.screen == Screen::Buckets {
        return;
    }
    let came_from = app.bucket().map(str::to_owned);
    cancel_browse(app, fx);
    app.screen = Screen::Buckets;
    app.focus = Focus::Tree;
    app.filter_input.reset();
    app.filter_editing = false;
    app.buckets.filter.clear();
    match app.buckets.state {
        ListState::Idle | ListState::Failed(_) => fx.extend(app.load_buckets()),
        _ => {}
    }
    if let Some(name) = came_from
        && let Some(i) = app
            .buckets
            .visible()
            .iter()
            .position(|&i| app.buckets.rows[i].name == name)
    {
        app.buckets.cursor = i;
        fit_buckets(app);
    }
}

fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    match app.screen {
        Screen::Buckets => {
            if let ListState::Loading(t) = app.buckets.state {
                fx.push(Effect::Cancel(t));
            }
            fx.extend(app.load_buckets());
            app.set_status("Refreshing buckets");
        }
        Screen::Browse => {
            let id = app.new_task_id();
            let page_size = app.settings.page_size;
            let Some(b) = &mut app.browse else { return };
            let prefix = match (b.tree.selected_row().copied(), b.tree.selected()) {
                (Some(_), Some(Selected::Prefix(p))) => p,
                (Some(row), Some(Selected::Object(_))) => {
                    b.tree.folder_at(row.folder).prefix.clone()
                }
                _ => b.tree.root.clone(),
            };
            for t in b.tree.reload(&prefix, id) {
                fx.push(Effect::Cancel(t));
            }
            b.objects.retain(|k, _| !k.starts_with(&prefix));
            b.totals.retain(|k, _| !k.starts_with(&prefix));
            let job = Job::ListPrefix {
                bucket: b.tree.bucket.clone(),
                prefix: prefix.clone(),
                page_size,
            };
            fx.push(app.start(id, job));
            app.set_status(format!("Refreshing {}", display_prefix(&prefix)));
        }
    }
}

fn display_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        "bucket root".into()
    } else {
        clean(prefix).into_owned()
    }
}

fn count_prefix(app: &mut App, fx: &mut Vec<Effect>) {
    if app.screen != Screen::Browse {
        return;
    }
    let id = app.new_task_id();
    let page_size = app.settings.page_size;
    let Some(b) = &mut app.browse else { return };
    let prefix = match b.tree.selected() {
        Some(Selected::Prefix(p)) => p,
        _ => b.tree.root.clone(),
    };
    if let Some(old) = b.totals.get(&prefix).and_then(|t| t.task) {
        fx.push(Effect::Cancel(old));
    }
    b.totals.insert(
        prefix.clone(),
        Totals {
            task: Some(id),
            totals: PrefixTotals::default(),
            done: false,
            error: None,
        },
    );
    let job = Job::CountPrefix {
        bucket: b.tree.bucket.clone(),
        prefix: prefix.clone(),
        page_size,
    };
    fx.push(app.start(id, job));
    app.set_status(format!(
        "Counting everything under {}",
        display_prefix(&prefix)
    ));
}

/// What the copy popup acts on: (bucket, key or prefix, display name).
fn copy_target(app: &App) -> Option<(String, String, String)> {
    match app.screen {
        Screen::Buckets => app
            .buckets
            .selected()
            .map(|r| (r.name.clone(), String::new(), r.name.clone())),
        Screen::Browse => {
            let b = app.browse.as_ref()?;
            let bucket = b.tree.bucket.clone();
            match b.tree.selected_row() {
                Some(row) => {
                    let f = b.tree.folder_at(row.folder);
                    let e = b.tree.entry(row);
                    Some((bucket, e.key.to_string(), f.name_of(e).to_owned()))
                }
                None => {
                    let root = b.tree.root.clone();
                    let name = root
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or("")
                        .to_owned();
                    Some((bucket, root, name))
                }
            }
        }
    }
}

fn copy(app: &mut App, what: CopyWhat, fx: &mut Vec<Effect>) {
    let Some((bucket, key, name)) = copy_target(app) else {
        app.set_status("Nothing selected to copy");
        return;
    };
    let region = app
        .browse
        .as_ref()
        .and_then(|b| b.region().map(str::to_owned))
        .or_else(
            || match app.buckets.rows.iter().find(|r| r.name == bucket) {
                Some(BucketRow {
                    region: Some(Load::Ready(r)),
                    ..
                }) => Some(r.clone()),
                _ => None,
            },
        )
        .unwrap_or_else(|| app.conn.region.clone());
    let text = match what {
        CopyWhat::Uri => links::s3_uri(&bucket, &key),
        CopyWhat::Key => key.clone(),
        CopyWhat::Url => links::object_url(&app.conn, &region, &bucket, &key),
        CopyWhat::Arn => links::arn(&bucket, &key, &region),
        CopyWhat::Name => name,
        CopyWhat::Etag => {
            let etag = app.browse.as_ref().and_then(|b| match b.objects.get(&key) {
                Some(Load::Ready(info)) => info.etag.clone(),
                _ => None,
            });
            match etag {
                Some(e) => e.trim_matches('"').to_owned(),
                None => {
                    app.set_status(
                        "No ETag loaded for this row (objects only; wait for the inspector)",
                    );
                    return;
                }
            }
        }
    };
    if text.is_empty() {
        app.set_status(format!("The {} is empty here", what.describe()));
        return;
    }
    // The clipboard gets the real key; say so when that key holds control
    // characters, since pasting it into a shell would act on them.
    let warning = if crate::sanitize::is_suspicious(&text) {
        " (WARNING: contains control/invisible characters; paste with care)"
    } else {
        ""
    };
    fx.push(Effect::Copy {
        what: format!("{} {}{warning}", what.describe(), clean(&text)),
        text,
    });
}

fn on_mouse(app: &mut App, m: MouseEvent, fx: &mut Vec<Effect>) {
    if !app.settings.mouse || app.overlay.is_some() {
        return;
    }
    let areas = crate::ui::layout::areas(app.size.0, app.size.1);
    let inside = |r: ratatui::layout::Rect| {
        m.column >= r.x && m.column < r.x + r.width && m.row >= r.y && m.row < r.y + r.height
    };
    let in_list = inside(areas.list);
    let in_inspector = inside(areas.inspector);
    match m.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if m.kind == MouseEventKind::ScrollDown {
                3
            } else {
                -3
            };
            let saved = app.focus;
            if in_inspector {
                app.focus = Focus::Inspector;
                move_cursor(app, delta, fx);
            } else if in_list {
                app.focus = Focus::Tree;
                move_cursor(app, delta, fx);
            }
            app.focus = saved;
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if in_inspector {
                app.focus = Focus::Inspector;
                return;
            }
            if !in_list || m.row <= areas.list.y || m.row >= areas.list.y + areas.list.height - 1 {
                return;
            }
            app.focus = Focus::Tree;
            let offset = (m.row - areas.list.y - 1) as usize;
            let double = app.last_click.is_some_and(|(c, r, t)| {
                r == m.row && c.abs_diff(m.column) <= 2 && app.tick - t <= DOUBLE_CLICK_TICKS
            });
            app.last_click = Some((m.column, m.row, app.tick));
            let height = app.list_height();
            let hit = match app.screen {
                Screen::Browse => app.browse.as_mut().is_some_and(|b| {
                    let i = b.tree.scroll + offset;
                    let ok = i < b.tree.rows().len();
                    if ok {
                        b.tree.move_to(i, height);
                    }
                    ok
                }),
                Screen::Buckets => {
                    let i = app.buckets.scroll + offset;
                    let ok = i < app.buckets.visible().len();
                    if ok {
                        app.buckets.cursor = i;
                    }
                    ok
                }
            };
            if !hit {
                return;
            }
            schedule_inspect(app);
            if double {
                app.last_click = None;
                match app.screen {
                    Screen::Buckets => open_selected_bucket(app, fx),
                    Screen::Browse => {
                        let expanded = app.browse.as_ref().and_then(|b| match b.tree.selected() {
                            Some(Selected::Prefix(p)) => Some(b.tree.is_expanded(&p)),
                            _ => None,
                        });
                        match expanded {
                            Some(true) => collapse_selected(app, fx),
                            Some(false) => expand_selected(app, fx),
                            None => open_selected(app, fx),
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn show_error(app: &mut App, err: &StoreError) {
    app.set_error(diagnose::short(err));
    let explanation = diagnose::explain(err, &app.conn, app.creds());
    app.overlay = Some(Overlay::Error(explanation));
}

fn on_task(app: &mut App, id: TaskId, ev: TaskEvent, fx: &mut Vec<Effect>) {
    match ev {
        TaskEvent::Identity(r) => {
            if let Err(e) = &r {
                app.set_error(format!("Credentials: {}", diagnose::short(e)));
            }
            app.creds = Some(r.map_err(|e| diagnose::short(&e)));
        }
        TaskEvent::Buckets(r) => {
            if app.buckets.state != ListState::Loading(id) {
                return;
            }
            match r {
                Ok(list) => {
                    let n = list.len();
                    // Keep regions and details learned before a refresh.
                    let old: HashMap<String, BucketRow> = std::mem::take(&mut app.buckets.rows)
                        .into_iter()
                        .map(|r| (r.name.clone(), r))
                        .collect();
                    let mut list = list;
                    list.sort_by(|a, b| a.name.cmp(&b.name));
                    app.buckets.rows = list
                        .into_iter()
                        .map(|b| {
                            let prev = old.get(&b.name);
                            BucketRow {
                                region: prev.and_then(|p| match &p.region {
                                    Some(Load::Ready(r)) => Some(Load::Ready(r.clone())),
                                    _ => None,
                                }),
                                info: None,
                                name: b.name,
                                created: b.created,
                            }
                        })
                        .collect();
                    app.buckets.state = ListState::Ready;
                    app.buckets.cursor = app.buckets.cursor.min(n.saturating_sub(1));
                    fit_buckets(app);
                    app.set_status(format!("{} buckets", crate::format::thousands(n as u64)));
                    if app.screen == Screen::Buckets {
                        ensure_regions(app, fx);
                        schedule_inspect(app);
                    }
                }
                Err(e) => {
                    app.buckets.state = ListState::Failed(e.clone());
                    if app.screen == Screen::Buckets {
                        show_error(app, &e);
                    }
                }
            }
        }
        TaskEvent::Region(r) => {
            if let Some(row) = app
                .buckets
                .rows
                .iter_mut()
                .find(|row| row.region == Some(Load::Loading(id)))
            {
                row.region = Some(match r {
                    Ok(region) => Load::Ready(region),
                    Err(e) => Load::Failed(e),
                });
            }
        }
        TaskEvent::BucketInfo(r) => {
            let loaded = match r {
                Ok(i) => Load::Ready(i),
                Err(e) => Load::Failed(e),
            };
            if let Some(b) = &mut app.browse
                && b.info == Some(Load::Loading(id))
            {
                if let Load::Failed(e) = &loaded
                    && e.kind == crate::store::ErrorKind::NoSuchBucket
                {
                    // One popup per cause: the listing usually reports the
                    // missing bucket first.
                    let listing_failed =
                        matches!(b.tree.root_folder().state, FolderState::Failed(_));
                    let e = e.clone();
                    b.info = Some(loaded);
                    if app.overlay.is_none() && !listing_failed {
                        show_error(app, &e);
                    }
                    return;
                }
                b.info = Some(loaded.clone());
            }
            if let Some(row) = app
                .buckets
                .rows
                .iter_mut()
                .find(|row| row.info == Some(Load::Loading(id)))
            {
                if let Load::Ready(i) = &loaded {
                    row.region = Some(Load::Ready(i.region.clone()));
                }
                row.info = Some(loaded);
            }
        }
        TaskEvent::Page(r) => {
            let height = app.list_height();
            let Some(b) = &mut app.browse else { return };
            match r {
                Ok(page) => {
                    let first = b.tree.rows().is_empty();
                    if b.tree.add_page(id, page) {
                        let c = b.tree.cursor;
                        b.tree.move_to(c, height);
                        if first && !b.tree.rows().is_empty() {
                            schedule_inspect(app);
                        }
                    }
                }
                Err(e) => {
                    if let Some(prefix) = b.tree.fail(id, e.clone()) {
                        let root = prefix == b.tree.root;
                        if root {
                            show_error(app, &e);
                        } else {
                            app.set_error(format!(
                                "Listing {} failed: {}",
                                clean(&prefix),
                                diagnose::short(&e)
                            ));
                        }
                    }
                }
            }
        }
        TaskEvent::Object(r) => {
            let r = *r;
            let Some(b) = &mut app.browse else { return };
            let Some(key) = b
                .objects
                .iter()
                .find(|(_, l)| **l == Load::Loading(id))
                .map(|(k, _)| k.clone())
            else {
                return;
            };
            b.objects.insert(
                key,
                match r {
                    Ok(info) => Load::Ready(info),
                    Err(e) => Load::Failed(e),
                },
            );
        }
        TaskEvent::Totals(r) => {
            let Some(b) = &mut app.browse else { return };
            let Some((prefix, t)) = b.totals.iter_mut().find(|(_, t)| t.task == Some(id)) else {
                return;
            };
            match r {
                Ok((totals, done)) => {
                    t.totals = totals;
                    t.done = done;
                    if done {
                        let msg = format!(
                            "{}: {} objects, {}",
                            display_prefix(prefix),
                            crate::format::thousands(totals.objects),
                            crate::format::human_size(totals.bytes)
                        );
                        app.set_status(msg);
                    }
                }
                Err(e) => {
                    t.error = Some(e.clone());
                    app.set_error(format!("Counting failed: {}", diagnose::short(&e)));
                }
            }
        }
    }
}

/// Status of a folder's listing in words, e.g. "1,000 / loading…".
pub fn folder_progress(state: &FolderState, loaded: usize) -> String {
    let n = crate::format::thousands(loaded as u64);
    match state {
        FolderState::Loading(_) => format!("{n} / loading…"),
        FolderState::Done if loaded == 0 => "empty".into(),
        FolderState::Done => n,
        FolderState::Partial => format!("{n} / stopped"),
        FolderState::Failed(e) => format!(
            "failed: {}",
            e.code
                .as_deref()
                .map(clean)
                .unwrap_or_else(|| clean(&e.message))
        ),
    }
}
