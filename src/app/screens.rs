//! Switching what the screen shows: opening a bucket at a path (a prefix
//! as the tree's root, or an object's folder with the object selected),
//! moving the root up, going back to the bucket list. Each replaces the
//! browse state as a whole and cancels the work the old one owned, so it
//! is the app's to do, not the tree's.

use super::browse::{Browse, Msg as BrowseMsg, Request, Slot, parent_prefix};
use super::tree::{Selected, Tree};
use super::{App, BucketRow, Effect, Focus, Job, Load, Owner, Screen};
use crate::store::ErrorKind;
use std::collections::HashMap;

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
        let job = Job::Browse(Request::List {
            bucket: bucket.clone(),
            prefix: prefix.clone(),
            page_size: self.session.settings.page_size,
        });
        let (id, spawn) = self.start_id(Owner::Browse(Slot::Folder(prefix.clone())), job);
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
            refreshing: None,
        };
        if browse.info.is_none() {
            let (id, spawn) = self.start_id(
                Owner::Browse(Slot::Bucket),
                Job::Browse(Request::Info { bucket }),
            );
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

    /// Changes the order (a preference of the session, kept when the
    /// bucket changes) and sorts the tree by it.
    pub(crate) fn sort(&mut self, cycle: bool, fx: &mut Vec<Effect>) {
        let (sort, reverse) = if cycle {
            (self.browsing.sort.0.next(), self.browsing.sort.1)
        } else {
            (self.browsing.sort.0, !self.browsing.sort.1)
        };
        self.browsing.sort = (sort, reverse);
        super::route::browse(self, BrowseMsg::Sort(sort, reverse), fx);
        let dir = if reverse { "descending" } else { "ascending" };
        self.set_status(format!("Sorted by {} ({dir})", sort.label()));
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
