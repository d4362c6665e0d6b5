//! What the tree does with a message: expand and collapse, sort, list
//! again, count, show deleted entries, fetch the details of the object
//! under the cursor, and take every listing, count and detail as it
//! arrives. Listings belong to their folder, counts to their prefix:
//! replacing either cancels the work behind it.

use super::{Browse, Msg, Reply, Request, Slot, Totals, display_prefix, parent_prefix};
use crate::app::cx::Cx;
use crate::app::note::Note;
use crate::app::tree::Selected;
use crate::app::{Extent, Job, Load, Owner, TaskId};
use crate::sanitize::clean;
use crate::store::{BucketInfo, DeletedLevel, ErrorKind, ListPage, PrefixTotals, StoreResult};

/// How many object details we keep before starting afresh.
const OBJECT_CACHE: usize = 512;

impl Browse {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) {
        match msg {
            Msg::Expand => self.expand(cx),
            Msg::Collapse => self.collapse(cx),
            Msg::Sort(key, reverse) => {
                self.tree.set_sort(key, reverse);
                self.tree.fit(cx.session.list_height());
            }
            Msg::Refresh => self.refresh(cx),
            Msg::Count => self.count(cx),
            Msg::ToggleDeleted => self.toggle_deleted(cx),
            Msg::Inspect => self.inspect(cx),
            Msg::Changed { bucket, prefix } => self.changed(cx, &bucket, &prefix),
            Msg::Task(id, Reply::Page(r)) => self.page(cx, id, r),
            Msg::Task(id, Reply::Object(r)) => {
                if let Some(slot) = self.objects.values_mut().find(|l| **l == Load::Loading(id)) {
                    *slot = match *r {
                        Ok(info) => Load::Ready(info),
                        Err(e) => Load::Failed(e),
                    };
                }
            }
            Msg::Task(id, Reply::Totals(r)) => self.totals(cx, id, r),
            Msg::Task(id, Reply::Info(r)) => self.info(cx, id, r),
            Msg::Task(id, Reply::Deleted(r)) => self.deleted(cx, id, r),
        }
    }

    fn expand(&mut self, cx: &mut Cx) {
        let Some(Selected::Prefix(prefix)) = self.tree.selected() else {
            return;
        };
        if self.tree.is_expanded(&prefix) {
            return;
        }
        let job = Job::Browse(Request::List {
            bucket: self.tree.bucket.clone(),
            prefix: prefix.clone(),
            page_size: cx.session.settings.page_size,
        });
        let owner = Owner::Browse(Slot::Folder(prefix.clone()));
        if !self.tree.expand(&prefix, || cx.start(owner, job)) {
            // Already listed, but its deleted entries may not be yet (`H`
            // was pressed meanwhile).
            self.list_deleted(cx, prefix);
        }
    }

    fn collapse(&mut self, cx: &mut Cx) {
        let Some(row) = self.tree.selected_row().copied() else {
            return;
        };
        let entry = self.tree.entry(&row);
        if entry.is_prefix && self.tree.is_expanded(&entry.key) {
            let key = entry.key.to_string();
            self.tree.collapse(&key);
            // Collapsing hides the folder and everything under it.
            cx.cancel_where(|o| matches!(o, Owner::Browse(Slot::Folder(p)) if p.starts_with(&key)));
            return;
        }
        // Jump to the parent prefix's row.
        let parent = self.tree.folder_at(row.folder).prefix.clone();
        if let Some(i) = self.tree.row_of(&parent) {
            self.tree.move_to(i, cx.session.list_height());
            cx.note(Note::Inspect);
        }
    }

    /// Lists the folder under the cursor again. The rows stay until the new
    /// listing replaces them; a count running under it is stopped.
    fn refresh(&mut self, cx: &mut Cx) {
        let prefix = match (self.tree.selected_row().copied(), self.tree.selected()) {
            // An expanded prefix, or a collapsed one that was listed before:
            // list it again (without expanding it).
            (Some(_), Some(Selected::Prefix(p))) if self.tree.folder(&p).is_some() => p,
            (Some(row), _) => self.tree.folder_at(row.folder).prefix.clone(),
            _ => self.tree.root.clone(),
        };
        self.relist(cx, &prefix);
        cx.status(format!("Refreshing {}", display_prefix(&prefix)));
        self.refreshing = Some(prefix);
    }

    /// Lists `prefix` and its open sub-folders again, each by a task of
    /// its own; the rows stay until the new listings replace them.
    fn relist(&mut self, cx: &mut Cx, prefix: &str) {
        let mut prefixes = vec![prefix.to_owned()];
        prefixes.extend(
            self.tree
                .expanded_under(prefix)
                .into_iter()
                .filter(|p| *p != prefix),
        );
        cx.cancel_where(|o| o.under(prefix));
        self.objects.retain(|k, _| !k.starts_with(prefix));
        self.totals.retain(|k, _| !k.starts_with(prefix));
        for p in prefixes {
            let job = Job::Browse(Request::List {
                bucket: self.tree.bucket.clone(),
                prefix: p.clone(),
                page_size: cx.session.settings.page_size,
            });
            let id = cx.start(Owner::Browse(Slot::Folder(p.clone())), job);
            for t in self.tree.reload(&p, id) {
                cx.cancel(t);
            }
        }
    }

    /// After a job changed keys under `prefix` of `bucket`: the closest
    /// folder the tree has listed that holds them is listed again.
    fn changed(&mut self, cx: &mut Cx, bucket: &str, prefix: &str) {
        if self.tree.bucket != bucket {
            return;
        }
        let mut p = prefix.to_owned();
        loop {
            if self.tree.folder(&p).is_some() || p == self.tree.root {
                break;
            }
            if p.is_empty() || !p.starts_with(&self.tree.root) {
                return;
            }
            p = parent_prefix(&p);
        }
        self.relist(cx, &p);
    }

    /// Counts every key under the prefix under the cursor; on an object,
    /// under the object's folder.
    fn count(&mut self, cx: &mut Cx) {
        let prefix = match (self.tree.selected(), self.tree.selected_row()) {
            (Some(Selected::Prefix(p)), _) => p,
            (Some(Selected::Object(_)), Some(row)) => {
                self.tree.folder_at(row.folder).prefix.clone()
            }
            _ => self.tree.root.clone(),
        };
        let owner = Owner::Browse(Slot::Totals(prefix.clone()));
        cx.cancel_where(|o| *o == owner);
        let job = Job::Browse(Request::Count {
            bucket: self.tree.bucket.clone(),
            prefix: prefix.clone(),
        });
        let id = cx.start(owner, job);
        cx.status(format!(
            "Counting everything under {}",
            display_prefix(&prefix)
        ));
        self.totals.insert(
            prefix,
            Totals {
                totals: PrefixTotals::default(),
                state: Load::Loading(id),
            },
        );
    }

    /// `H`: shows or hides deleted objects and folders.
    fn toggle_deleted(&mut self, cx: &mut Cx) {
        self.show_deleted = !self.show_deleted;
        if self.show_deleted {
            for p in self.tree.listed_folders() {
                self.list_deleted(cx, p);
            }
            cx.status("Showing deleted objects and folders (H hides them; U undeletes)");
        } else {
            self.tree.clear_deleted();
            cx.cancel_where(|o| matches!(o, Owner::Browse(Slot::Deleted(_))));
            cx.status("Deleted objects hidden");
        }
    }

    /// Lists the deleted entries of one folder (when `H` is on).
    fn list_deleted(&mut self, cx: &mut Cx, prefix: String) {
        if !self.show_deleted {
            return;
        }
        let bucket = self.tree.bucket.clone();
        let owner = Owner::Browse(Slot::Deleted(prefix.clone()));
        cx.cancel_where(|o| *o == owner);
        cx.start(owner, Job::Browse(Request::Deleted { bucket, prefix }));
    }

    /// A folder's deleted entries arrived.
    fn deleted(&mut self, cx: &mut Cx, id: TaskId, r: StoreResult<DeletedLevel>) {
        let Some(Owner::Browse(Slot::Deleted(prefix))) = cx.owner_of(id).cloned() else {
            return;
        };
        match r {
            Ok(level) => self.tree.set_deleted(&prefix, level),
            Err(e) => {
                let short = crate::diagnose::short(&e);
                cx.note(Note::Error(format!(
                    "Deleted objects of {}: {short}",
                    clean(&prefix)
                )));
            }
        }
    }

    /// The cursor rests: fetches the details of the object under it.
    fn inspect(&mut self, cx: &mut Cx) {
        let Some(Selected::Object(key)) = self.tree.selected() else {
            // Left the object for a prefix: its fetch shows nowhere.
            self.leave_inspected(cx);
            return;
        };
        if self.objects.contains_key(&key) {
            return;
        }
        let job = Job::Browse(Request::Object {
            bucket: self.tree.bucket.clone(),
            key: key.clone(),
        });
        // Only the row under the cursor matters; drop fetches for rows the
        // user already moved past.
        self.leave_inspected(cx);
        // Background work: an error shows in the inspector itself.
        let id = cx.start_background(Owner::Browse(Slot::Inspector), job);
        if self.objects.len() > OBJECT_CACHE {
            self.objects.clear();
        }
        self.objects.insert(key, Load::Loading(id));
    }

    /// Cancels the inspector's fetch and forgets it.
    fn leave_inspected(&mut self, cx: &mut Cx) {
        cx.cancel_where(|o| *o == Owner::Browse(Slot::Inspector));
        self.objects.retain(|_, l| !matches!(l, Load::Loading(_)));
    }

    fn page(&mut self, cx: &mut Cx, id: TaskId, r: StoreResult<ListPage>) {
        match r {
            Ok(page) => {
                let first = self.tree.rows().is_empty();
                let prefix = self.tree.folder_for_task(id).map(str::to_owned);
                if !self.tree.add_page(id, page) {
                    return;
                }
                let whole = |b: &Browse, p: &str| {
                    b.tree
                        .folder(p)
                        .is_some_and(|f| f.state == Load::Ready(Extent::Whole))
                };
                if let Some(p) = &prefix
                    && whole(self, p)
                {
                    // "Refreshing x" turns into what the refresh found.
                    if self.refreshing.as_ref() == Some(p) {
                        self.refreshing = None;
                        let n = self.tree.folder(p).map_or(0, |f| f.entries.len()) as u64;
                        cx.status(format!(
                            "Refreshed {}: {}",
                            display_prefix(p),
                            crate::format::count(n, "entry", "entries")
                        ));
                    }
                    self.list_deleted(cx, p.clone());
                }
                // Sub-folders a refresh found gone: their listings show nowhere.
                for t in self.tree.take_orphans() {
                    cx.cancel(t);
                }
                // Re-fit only: the cursor may be waiting for a key not
                // listed yet, which moving it would forget.
                self.tree.fit(cx.session.list_height());
                // A relisting (R, a paste, rename, delete, restore) drops
                // the cached details under its folder: the object under
                // the cursor needs its details again.
                let stale = matches!(
                    self.tree.selected(),
                    Some(Selected::Object(k)) if !self.objects.contains_key(&k)
                );
                if (first && !self.tree.rows().is_empty()) || stale {
                    cx.note(Note::Inspect);
                }
                self.settle_target(cx);
            }
            Err(e) => {
                let Some(prefix) = self.tree.fail(id, e.clone()) else {
                    return;
                };
                if self.refreshing.as_ref() == Some(&prefix) {
                    self.refreshing = None;
                }
                let kept = self
                    .tree
                    .folder(&prefix)
                    .is_some_and(|f| f.refresh_failed.is_some());
                let action = cx.action_of(id);
                if kept {
                    cx.note(Note::Report {
                        action,
                        err: e,
                        context: format!(
                            "Refresh of {} failed; showing the previous listing",
                            display_prefix(&prefix)
                        ),
                    });
                } else if prefix == self.tree.root {
                    cx.note(Note::Report {
                        action,
                        err: e,
                        context: String::new(),
                    });
                } else {
                    cx.note(Note::Error(format!(
                        "Listing {} failed: {}",
                        clean(&prefix),
                        crate::diagnose::short(&e)
                    )));
                }
            }
        }
    }

    /// Once the root listing is complete, a start-up path that named no
    /// object but a prefix opens that prefix.
    fn settle_target(&mut self, cx: &mut Cx) {
        let Some(target) = self.target.clone() else {
            return;
        };
        if self.tree.row_of(&target).is_some() {
            self.target = None;
            return;
        }
        // S3 lists `x` before `x/`: once the prefix row is here, an object
        // of that name would be too, so a huge parent need not finish.
        let as_prefix = format!("{target}/");
        let prefix_seen = self.tree.row_of(&as_prefix).is_some();
        if !prefix_seen && self.tree.root_folder().state != Load::Ready(Extent::Whole) {
            return;
        }
        self.target = None;
        if prefix_seen {
            cx.note(Note::OpenPrefix {
                bucket: self.tree.bucket.clone(),
                prefix: as_prefix,
            });
        } else {
            cx.note(Note::Error(format!(
                "No object or prefix named {} here",
                clean(&target)
            )));
        }
    }

    fn totals(&mut self, cx: &mut Cx, id: TaskId, r: StoreResult<(PrefixTotals, bool)>) {
        let Some((prefix, t)) = self
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
                    cx.status(format!(
                        "{}: {}, {}",
                        display_prefix(prefix),
                        crate::format::count(totals.objects, "object", "objects"),
                        crate::format::human_size(totals.bytes)
                    ));
                }
            }
            Err(e) => {
                cx.note(Note::Error(format!(
                    "Counting failed: {}",
                    crate::diagnose::short(&e)
                )));
                t.state = Load::Failed(e);
            }
        }
    }

    /// The bucket's own details (region, versioning) arrived.
    fn info(&mut self, cx: &mut Cx, id: TaskId, r: StoreResult<BucketInfo>) {
        if self.info != Some(Load::Loading(id)) {
            return;
        }
        let loaded = match r {
            Ok(i) => Load::Ready(i),
            Err(e) => Load::Failed(e),
        };
        if let Load::Failed(e) = &loaded
            && e.kind == ErrorKind::NoSuchBucket
            // One popup per cause: the listing usually reports the missing
            // bucket first.
            && !matches!(self.tree.root_folder().state, Load::Failed(_))
        {
            cx.note(Note::Report {
                action: cx.action_of(id),
                err: e.clone(),
                context: String::new(),
            });
        }
        self.info = Some(loaded);
    }
}
