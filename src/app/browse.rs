//! Browsing one bucket: opening it at a prefix (or at an object's folder),
//! expanding and collapsing prefixes, moving the root up and down, sorting,
//! refreshing and counting. Listings belong to their folder, counts to their
//! prefix: replacing or leaving either cancels the work behind it.

use super::tree::{FolderState, Selected, Tree};
use super::{App, BucketRow, Effect, Extent, Focus, Job, Load, Owner, Screen, TaskId};
use crate::sanitize::clean;
use crate::store::{BucketInfo, ErrorKind, ListPage, PrefixTotals, StoreResult};
use std::collections::HashMap;

/// Running or finished recursive totals for a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub totals: PrefixTotals,
    /// Counting, counted (`Whole`), stopped (`Partial`) or failed.
    pub state: Load<Extent>,
}

#[derive(Clone, Debug)]
pub struct Browse {
    pub tree: Tree,
    pub objects: HashMap<String, Load<crate::store::ObjectInfo>>,
    pub totals: HashMap<String, Totals>,
    pub info: Option<Load<BucketInfo>>,
    /// A path given without a trailing `/` at start-up: an object to
    /// select, or a prefix to open once the listing says which it is.
    pub target: Option<String>,
    /// `H`: deleted objects and folders show in the tree.
    pub show_deleted: bool,
}

impl Browse {
    /// Task `id` ended: whichever slot still waited for it stops waiting.
    pub fn task_ended(&mut self, id: TaskId) {
        self.tree.task_ended(id);
        self.objects.retain(|_, l| *l != Load::Loading(id));
        for t in self.totals.values_mut() {
            if t.state == Load::Loading(id) {
                t.state = Load::Ready(Extent::Partial);
            }
        }
        if self.info == Some(Load::Loading(id)) {
            self.info = None;
        }
    }

    pub fn region(&self) -> Option<&str> {
        match &self.info {
            Some(Load::Ready(i)) => Some(&i.region),
            _ => None,
        }
    }
}

/// Status of a folder's listing in words, e.g. "1,000 / loading…".
pub fn folder_progress(state: &FolderState, loaded: usize) -> String {
    let n = crate::format::thousands(loaded as u64);
    match state {
        Load::Loading(_) => format!("{n} / loading…"),
        Load::Ready(Extent::Whole) if loaded == 0 => "empty".into(),
        Load::Ready(Extent::Whole) => n,
        Load::Ready(Extent::Partial) => format!("{n} / stopped"),
        Load::Failed(e) => format!(
            "failed: {}",
            e.code
                .as_deref()
                .map(clean)
                .unwrap_or_else(|| clean(&e.message))
        ),
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

pub(crate) fn display_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        "bucket root".into()
    } else {
        clean(prefix).into_owned()
    }
}

impl App {
    /// Opens `bucket` at `path`: a prefix (empty or ending in `/`) becomes
    /// the root; anything else may be an object, so its folder opens with
    /// the object selected.
    pub(crate) fn open_path(&mut self, bucket: String, path: String) -> Vec<Effect> {
        if path.is_empty() || path.ends_with('/') {
            return self.open_bucket(bucket, path);
        }
        let folder = match path.rfind('/') {
            Some(i) => path[..=i].to_owned(),
            None => String::new(),
        };
        let fx = self.open_bucket(bucket, folder);
        if let Some(b) = &mut self.browse {
            b.tree.want_cursor_on(&path);
            b.target = Some(path);
        }
        fx
    }

    /// Opens `bucket` with `prefix` as the tree's root.
    pub(crate) fn open_bucket(&mut self, bucket: String, prefix: String) -> Vec<Effect> {
        // Keep what we know about the bucket when only the root moves.
        let info = match &self.browse {
            Some(b) if b.tree.bucket == bucket => b.info.clone(),
            _ => None,
        };
        let mut fx = self.leave_browse();
        let job = Job::ListPrefix {
            bucket: bucket.clone(),
            prefix: prefix.clone(),
            page_size: self.session.settings.page_size,
        };
        let (id, spawn) = self.start_id(Owner::Folder(prefix.clone()), job);
        fx.push(spawn);
        let mut tree = Tree::new(bucket.clone(), prefix, id);
        tree.set_sort(self.browsing.sort.0, self.browsing.sort.1);
        // `H` stays on while moving around the same bucket.
        let show_deleted = self
            .browse
            .as_ref()
            .is_some_and(|b| b.show_deleted && b.tree.bucket == bucket);
        let mut browse = Browse {
            tree,
            objects: HashMap::new(),
            totals: HashMap::new(),
            info,
            target: None,
            show_deleted,
        };
        if browse.info.is_none() {
            let (id, spawn) = self.start_id(Owner::Bucket, Job::BucketInfo { bucket });
            browse.info = Some(Load::Loading(id));
            fx.push(spawn);
        }
        self.browse = Some(browse);
        self.view.screen = Screen::Browse;
        self.messages.status = None;
        self.view.focus = Focus::Tree;
        self.view.inspector_scroll = 0;
        fx
    }

    /// Drops the browse view and cancels everything it owned.
    pub(crate) fn leave_browse(&mut self) -> Vec<Effect> {
        self.browse = None;
        self.tasks.cancel_where(Owner::in_browse)
    }

    pub(crate) fn expand_selected(&mut self, fx: &mut Vec<Effect>) {
        let page_size = self.session.settings.page_size;
        let Some(b) = &self.browse else { return };
        let Some(Selected::Prefix(prefix)) = b.tree.selected() else {
            return;
        };
        if b.tree.is_expanded(&prefix) {
            return;
        }
        let job = Job::ListPrefix {
            bucket: b.tree.bucket.clone(),
            prefix: prefix.clone(),
            page_size,
        };
        let (id, spawn) = self.start_id(Owner::Folder(prefix.clone()), job);
        let Some(b) = &mut self.browse else { return };
        if b.tree.expand(&prefix, id) {
            fx.push(spawn);
        } else {
            // Already loaded: nothing to run after all, but its deleted
            // entries may not be listed yet (`H` was pressed meanwhile).
            self.tasks.ended(id);
            self.list_deleted(prefix, fx);
        }
    }

    pub(crate) fn collapse_selected(&mut self, fx: &mut Vec<Effect>) {
        let height = self.session.list_height();
        let Some(b) = &mut self.browse else { return };
        let Some(row) = b.tree.selected_row().copied() else {
            return;
        };
        let entry = b.tree.entry(&row);
        if entry.is_prefix && b.tree.is_expanded(&entry.key) {
            let key = entry.key.to_string();
            b.tree.collapse(&key);
            // Collapsing hides the folder and everything under it.
            fx.extend(
                self.tasks
                    .cancel_where(|o| matches!(o, Owner::Folder(p) if p.starts_with(&key))),
            );
            return;
        }
        // Jump to the parent prefix's row.
        let parent = b.tree.folder_at(row.folder).prefix.clone();
        if let Some(i) = b.tree.row_of(&parent) {
            b.tree.move_to(i, height);
            self.schedule_inspect();
        }
    }

    pub(crate) fn open_selected(&mut self, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else { return };
        match b.tree.selected() {
            Some(Selected::Prefix(prefix)) => {
                let bucket = b.tree.bucket.clone();
                fx.extend(self.open_bucket(bucket, prefix));
            }
            Some(Selected::Object(_)) => {
                self.view.focus = Focus::Inspector;
                self.inspect_now(fx);
            }
            None => {}
        }
    }

    pub(crate) fn root_up(&mut self, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else { return };
        if self.view.screen != Screen::Browse {
            return;
        }
        let missing = matches!(
            &b.tree.root_folder().state,
            Load::Failed(e) if e.kind == ErrorKind::NoSuchBucket
        );
        if b.tree.root.is_empty() || missing {
            self.back_to_buckets(fx);
            return;
        }
        let bucket = b.tree.bucket.clone();
        let old_root = b.tree.root.clone();
        let parent = parent_prefix(&old_root);
        fx.extend(self.open_bucket(bucket, parent));
        // Land on the prefix we came from once it is listed.
        if let Some(b) = &mut self.browse {
            b.tree.want_cursor_on(&old_root);
        }
    }

    pub(crate) fn back_to_buckets(&mut self, fx: &mut Vec<Effect>) {
        if self.view.screen == Screen::Buckets {
            return;
        }
        let came_from = self.bucket().map(str::to_owned);
        fx.extend(self.leave_browse());
        self.view.focus = Focus::Tree;
        super::route::buckets(self, super::buckets::Msg::Show { came_from }, fx);
        self.schedule_inspect();
    }

    pub(crate) fn sort(&mut self, cycle: bool) {
        let height = self.session.list_height();
        let (sort, reverse) = if cycle {
            (self.browsing.sort.0.next(), self.browsing.sort.1)
        } else {
            (self.browsing.sort.0, !self.browsing.sort.1)
        };
        self.browsing.sort = (sort, reverse);
        if let Some(b) = &mut self.browse {
            b.tree.set_sort(sort, reverse);
            b.tree.fit(height);
        }
        let dir = if reverse { "descending" } else { "ascending" };
        self.set_status(format!("Sorted by {} ({dir})", sort.label()));
    }

    /// Lists the folder under the cursor again. The rows stay until the new
    /// listing replaces them; a count running under it is stopped.
    pub(crate) fn refresh_browse(&mut self, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else { return };
        let prefix = match (b.tree.selected_row().copied(), b.tree.selected()) {
            // An expanded prefix, or a collapsed one that was listed before:
            // list it again (without expanding it).
            (Some(_), Some(Selected::Prefix(p))) if b.tree.folder(&p).is_some() => p,
            (Some(row), _) => b.tree.folder_at(row.folder).prefix.clone(),
            _ => b.tree.root.clone(),
        };
        self.relist(&prefix, fx);
        self.set_status(format!("Refreshing {}", display_prefix(&prefix)));
    }

    /// Lists `prefix` and its open sub-folders again, each by a task of
    /// its own; the rows stay until the new listings replace them.
    fn relist(&mut self, prefix: &str, fx: &mut Vec<Effect>) {
        let page_size = self.session.settings.page_size;
        let Some(b) = &self.browse else { return };
        let bucket = b.tree.bucket.clone();
        let mut prefixes = vec![prefix.to_owned()];
        prefixes.extend(
            b.tree
                .expanded_under(prefix)
                .into_iter()
                .filter(|p| *p != prefix),
        );
        fx.extend(self.tasks.cancel_where(|o| o.under(prefix)));
        if let Some(b) = &mut self.browse {
            b.objects.retain(|k, _| !k.starts_with(prefix));
            b.totals.retain(|k, _| !k.starts_with(prefix));
        }
        for p in prefixes {
            let job = Job::ListPrefix {
                bucket: bucket.clone(),
                prefix: p.clone(),
                page_size,
            };
            let (id, spawn) = self.start_id(Owner::Folder(p.clone()), job);
            let Some(b) = &mut self.browse else { return };
            for t in b.tree.reload(&p, id) {
                fx.extend(self.tasks.cancel(t));
            }
            fx.push(spawn);
        }
    }

    /// After a job changed keys under `prefix` of `bucket`: the closest
    /// folder the tree has listed that holds them is listed again.
    pub(crate) fn refresh_changed(&mut self, bucket: &str, prefix: &str, fx: &mut Vec<Effect>) {
        let Some(b) = &self.browse else { return };
        if b.tree.bucket != bucket {
            return;
        }
        let mut p = prefix.to_owned();
        loop {
            if b.tree.folder(&p).is_some() || p == b.tree.root {
                break;
            }
            if p.is_empty() || !p.starts_with(&b.tree.root) {
                return;
            }
            p = parent_prefix(&p).to_owned();
        }
        self.relist(&p, fx);
    }

    /// Counts every key under the prefix under the cursor; on an object,
    /// under the object's folder.
    pub(crate) fn count_prefix(&mut self, fx: &mut Vec<Effect>) {
        if self.view.screen != Screen::Browse {
            return;
        }
        let page_size = self.session.settings.page_size;
        let Some(b) = &self.browse else { return };
        let prefix = match (b.tree.selected(), b.tree.selected_row()) {
            (Some(Selected::Prefix(p)), _) => p,
            (Some(Selected::Object(_)), Some(row)) => b.tree.folder_at(row.folder).prefix.clone(),
            _ => b.tree.root.clone(),
        };
        let bucket = b.tree.bucket.clone();
        fx.extend(
            self.tasks
                .cancel_where(|o| *o == Owner::Totals(prefix.clone())),
        );
        let job = Job::CountPrefix {
            bucket,
            prefix: prefix.clone(),
            page_size,
        };
        let (id, spawn) = self.start_id(Owner::Totals(prefix.clone()), job);
        fx.push(spawn);
        if let Some(b) = &mut self.browse {
            b.totals.insert(
                prefix.clone(),
                Totals {
                    totals: PrefixTotals::default(),
                    state: Load::Loading(id),
                },
            );
        }
        self.set_status(format!(
            "Counting everything under {}",
            display_prefix(&prefix)
        ));
    }

    pub(crate) fn on_page(
        &mut self,
        id: TaskId,
        action: u64,
        r: StoreResult<ListPage>,
        fx: &mut Vec<Effect>,
    ) {
        let height = self.session.list_height();
        let Some(b) = &mut self.browse else { return };
        match r {
            Ok(page) => {
                let first = b.tree.rows().is_empty();
                let prefix = b.tree.folder_for_task(id).map(str::to_owned);
                if !b.tree.add_page(id, page) {
                    return;
                }
                // "Refreshing x" turns into what the refresh found.
                if let Some(p) = prefix.clone()
                    && let Some(f) = b.tree.folder(&p)
                    && f.state == Load::Ready(Extent::Whole)
                    && self
                        .messages
                        .status
                        .as_ref()
                        .is_some_and(|s| s.text == format!("Refreshing {}", display_prefix(&p)))
                {
                    let n = f.entries.len() as u64;
                    self.set_status(format!(
                        "Refreshed {}: {}",
                        display_prefix(&p),
                        crate::format::count(n, "entry", "entries")
                    ));
                }
                if let Some(p) = &prefix
                    && self.browse.as_ref().is_some_and(|b| {
                        b.show_deleted
                            && b.tree
                                .folder(p)
                                .is_some_and(|f| f.state == Load::Ready(Extent::Whole))
                    })
                {
                    self.list_deleted(p.clone(), fx);
                }
                let Some(b) = &mut self.browse else { return };
                // Sub-folders a refresh found gone: their listings show nowhere.
                for t in b.tree.take_orphans() {
                    fx.extend(self.tasks.cancel(t));
                }
                // Re-fit only: the cursor may be waiting for a key not
                // listed yet, which moving it would forget.
                b.tree.fit(height);
                // A relisting (R, a paste, rename, delete, restore) drops
                // the cached details under its folder: the object under
                // the cursor needs its details again.
                let stale = matches!(
                    b.tree.selected(),
                    Some(super::tree::Selected::Object(k)) if !b.objects.contains_key(&k)
                );
                if (first && !b.tree.rows().is_empty())
                    || (stale && self.view.inspect_due.is_none())
                {
                    self.schedule_inspect();
                }
                self.settle_target(fx);
            }
            Err(e) => {
                let Some(prefix) = b.tree.fail(id, e.clone()) else {
                    return;
                };
                let kept = b
                    .tree
                    .folder(&prefix)
                    .is_some_and(|f| f.refresh_failed.is_some());
                if kept {
                    let what = format!(
                        "Refresh of {} failed; showing the previous listing",
                        display_prefix(&prefix)
                    );
                    self.report(action, &e, &what);
                } else if prefix == b.tree.root {
                    self.report(action, &e, "");
                } else {
                    self.set_error(format!(
                        "Listing {} failed: {}",
                        clean(&prefix),
                        crate::diagnose::short(&e)
                    ));
                }
            }
        }
    }

    /// Once the root listing is complete, a start-up path that named no
    /// object but a prefix opens that prefix.
    fn settle_target(&mut self, fx: &mut Vec<Effect>) {
        let Some(b) = &mut self.browse else { return };
        let Some(target) = b.target.clone() else {
            return;
        };
        if b.tree.row_of(&target).is_some() {
            b.target = None;
            return;
        }
        // S3 lists `x` before `x/`: once the prefix row is here, an object
        // of that name would be too, so a huge parent need not finish.
        let as_prefix = format!("{target}/");
        let prefix_seen = b.tree.row_of(&as_prefix).is_some();
        if !prefix_seen && b.tree.root_folder().state != Load::Ready(Extent::Whole) {
            return;
        }
        b.target = None;
        if prefix_seen {
            let bucket = b.tree.bucket.clone();
            fx.extend(self.open_bucket(bucket, as_prefix));
        } else {
            self.set_error(format!("No object or prefix named {} here", clean(&target)));
        }
    }

    pub(crate) fn on_totals(&mut self, id: TaskId, r: StoreResult<(PrefixTotals, bool)>) {
        let Some(b) = &mut self.browse else { return };
        let Some((prefix, t)) = b
            .totals
            .iter_mut()
            .find(|(_, t)| t.state == Load::Loading(id))
        else {
            return;
        };
        match r {
            Ok((totals, done)) => {
                t.totals = totals;
                if done {
                    t.state = Load::Ready(Extent::Whole);
                    let msg = format!(
                        "{}: {}, {}",
                        display_prefix(prefix),
                        crate::format::count(totals.objects, "object", "objects"),
                        crate::format::human_size(totals.bytes)
                    );
                    self.set_status(msg);
                }
            }
            Err(e) => {
                t.state = Load::Failed(e.clone());
                self.set_error(format!("Counting failed: {}", crate::diagnose::short(&e)));
            }
        }
    }

    pub(crate) fn on_bucket_info(
        &mut self,
        id: TaskId,
        action: u64,
        r: StoreResult<BucketInfo>,
        fx: &mut Vec<Effect>,
    ) {
        let loaded = match r {
            Ok(i) => Load::Ready(i),
            Err(e) => Load::Failed(e),
        };
        if let Some(b) = &mut self.browse
            && b.info == Some(Load::Loading(id))
        {
            if let Load::Failed(e) = &loaded
                && e.kind == ErrorKind::NoSuchBucket
            {
                // One popup per cause: the listing usually reports the
                // missing bucket first.
                let listing_failed = matches!(b.tree.root_folder().state, Load::Failed(_));
                let e = e.clone();
                b.info = Some(loaded);
                if !listing_failed {
                    self.report(action, &e, "");
                }
                return;
            }
            b.info = Some(loaded.clone());
        }
        super::route::buckets(self, super::buckets::Msg::RowInfo(id, loaded), fx);
    }

    /// The region of `bucket` as far as we know it.
    pub(crate) fn region_of(&self, bucket: &str) -> String {
        self.browse
            .as_ref()
            .filter(|b| b.tree.bucket == bucket)
            .and_then(|b| b.region().map(str::to_owned))
            .or_else(
                || match self.buckets.rows.iter().find(|r| r.name == bucket) {
                    Some(BucketRow {
                        region: Some(Load::Ready(r)),
                        ..
                    }) => Some(r.clone()),
                    _ => None,
                },
            )
            .unwrap_or_else(|| self.session.conn.region.clone())
    }
}
