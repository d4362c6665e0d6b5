//! How listings change the tree: pages arriving into a folder (staged
//! when it is a refresh), a listing failing or ending early, folders
//! expanded, collapsed and listed again, sub-folders a refresh found gone,
//! and the deleted entries `H` adds. The rows are rebuilt after each.

use super::{Entry, Folder, Staged, Tree, order};
use crate::app::{Extent, Load, TaskId};
use crate::store::{ListPage, StoreError};

impl Tree {
    fn class_index(&mut self, class: Option<&str>) -> u8 {
        let Some(c) = class else { return 0 };
        if let Some(i) = self.classes.iter().position(|x| x == c) {
            return i as u8;
        }
        if self.classes.len() < u8::MAX as usize {
            self.classes.push(c.to_owned());
            (self.classes.len() - 1) as u8
        } else {
            0
        }
    }

    /// Which folder is loading under `task`, if any.
    pub fn folder_for_task(&self, task: TaskId) -> Option<&str> {
        self.folders
            .iter()
            .find(|f| f.state == Load::Loading(task))
            .map(|f| f.prefix.as_str())
    }

    /// Every task loading a folder, for cancelling when the tree goes away.
    pub fn loading_tasks(&self) -> Vec<TaskId> {
        self.folders
            .iter()
            .filter_map(|f| match f.state {
                Load::Loading(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// Tasks listing folders that a refresh removed; cancel them.
    pub fn take_orphans(&mut self) -> Vec<TaskId> {
        std::mem::take(&mut self.orphans)
    }

    /// Adds a page to the folder loading under `task`. Returns false if no
    /// folder is waiting for it (a stale result, dropped).
    pub fn add_page(&mut self, task: TaskId, page: ListPage) -> bool {
        let Some(fi) = self
            .folders
            .iter()
            .position(|f| f.state == Load::Loading(task))
        else {
            return false;
        };
        let parent = self.folders[fi].prefix.clone();
        let mut new_entries = Vec::with_capacity(page.prefixes.len() + page.objects.len());
        for p in page.prefixes {
            // Servers that ignore the prefix must not smuggle foreign keys in.
            if !p.starts_with(&parent) || p == parent {
                continue;
            }
            new_entries.push(Entry::prefix(p, false));
        }
        for o in page.objects {
            if !o.key.starts_with(&parent) {
                continue;
            }
            let class = self.class_index(o.storage_class.as_deref());
            let thaw = super::thaw(&o);
            let mut e = Entry::object(o.key, o.size, o.modified, class, false);
            e.thaw = thaw;
            new_entries.push(e);
        }
        let done = page.next.is_none();
        let (sort, reverse) = (self.sort, self.reverse);
        let f = &mut self.folders[fi];
        if let Some(mut s) = f.staged.take() {
            let from = s.entries.len();
            s.entries.extend(new_entries);
            order::merge_new(&s.entries, &mut s.order, from, sort, reverse);
            s.pages += 1;
            if !done {
                // The rows shown have not changed: nothing to rebuild.
                f.staged = Some(s);
                return true;
            }
            f.entries = s.entries;
            f.order = s.order;
            f.pages = s.pages;
            f.state = Load::Ready(Extent::Whole);
            f.refresh_failed = None;
            self.reclaim_gone_under(fi);
        } else {
            let from = f.entries.len();
            f.entries.extend(new_entries);
            order::merge_new(&f.entries, &mut f.order, from, sort, reverse);
            f.pages += 1;
            if done {
                f.state = Load::Ready(Extent::Whole);
            }
        }
        self.rebuild();
        true
    }

    /// Shows the deleted keys and prefixes of the folder `prefix` beside its
    /// live entries (replacing those shown before). Prefixes the live
    /// listing has are not deleted, whatever the versions say.
    pub fn set_deleted(&mut self, prefix: &str, level: crate::store::DeletedLevel) {
        let Some(&fi) = self.by_prefix.get(prefix) else {
            return;
        };
        let mut classes = Vec::new();
        for k in &level.keys {
            classes.push(self.class_index(k.storage_class.as_deref()));
        }
        let (sort, reverse) = (self.sort, self.reverse);
        let f = &mut self.folders[fi];
        f.entries.retain(|e| !e.deleted);
        let live: std::collections::HashSet<Box<str>> =
            f.entries.iter().map(|e| e.key.clone()).collect();
        for p in level.prefixes {
            if p.starts_with(&f.prefix) && p != f.prefix && !live.contains(p.as_str()) {
                f.entries.push(Entry::prefix(p, true));
            }
        }
        for (k, class) in level.keys.into_iter().zip(classes) {
            if k.key.starts_with(&f.prefix) && !live.contains(k.key.as_str()) {
                f.entries
                    .push(Entry::object(k.key, k.size, k.modified, class, true));
            }
        }
        order::sort_all(&f.entries, &mut f.order, sort, reverse);
        self.rebuild();
        self.fit(self.viewport);
    }

    /// Hides every deleted entry again.
    pub fn clear_deleted(&mut self) {
        let (sort, reverse) = (self.sort, self.reverse);
        for f in &mut self.folders {
            if f.entries.iter().any(|e| e.deleted) {
                f.entries.retain(|e| !e.deleted);
                order::sort_all(&f.entries, &mut f.order, sort, reverse);
            }
        }
        self.rebuild();
        self.fit(self.viewport);
    }

    /// Prefixes of the folders whose listing is complete (what `H` lists
    /// deleted entries for).
    pub fn listed_folders(&self) -> Vec<String> {
        self.folders
            .iter()
            .filter(|f| {
                f.state == Load::Ready(Extent::Whole) && (f.expanded || f.prefix == self.root)
            })
            .map(|f| f.prefix.clone())
            .collect()
    }

    /// The entry under the cursor is shown by `H` (deleted).
    pub fn selected_deleted(&self) -> bool {
        self.rows
            .get(self.cursor)
            .is_some_and(|r| self.entry(r).deleted)
    }

    /// A listing failed. A refresh keeps the rows it would have replaced
    /// and says so in [`Folder::refresh_failed`].
    pub fn fail(&mut self, task: TaskId, err: StoreError) -> Option<String> {
        let fi = self
            .folders
            .iter()
            .position(|f| f.state == Load::Loading(task))?;
        let f = &mut self.folders[fi];
        match f.staged.take() {
            Some(s) if !matches!(s.prior, Load::Failed(_)) => {
                f.state = s.prior;
                f.refresh_failed = Some(err);
            }
            _ => f.state = Load::Failed(err),
        }
        self.rebuild();
        Some(self.folders[fi].prefix.clone())
    }

    /// The task ended without its last page (cancelled); keep what arrived,
    /// or what was there before a refresh.
    pub fn task_ended(&mut self, task: TaskId) {
        for f in &mut self.folders {
            if f.state == Load::Loading(task) {
                f.stop();
            }
        }
    }

    /// Expands `prefix`. When it needs loading (first expansion, or a
    /// listing cut short earlier) `start` starts the task that lists it,
    /// and this returns true.
    pub fn expand(&mut self, prefix: &str, start: impl FnOnce() -> TaskId) -> bool {
        match self.by_prefix.get(prefix).copied() {
            Some(i) => {
                let f = &mut self.folders[i];
                f.expanded = true;
                let reload = matches!(f.state, Load::Ready(Extent::Partial) | Load::Failed(_));
                if reload {
                    f.entries.clear();
                    f.order.clear();
                    f.pages = 0;
                    f.refresh_failed = None;
                    f.state = Load::Loading(start());
                }
                self.rebuild();
                reload
            }
            None => {
                self.by_prefix.insert(prefix.to_owned(), self.folders.len());
                self.folders.push(Folder::new(prefix.to_owned(), start()));
                self.rebuild();
                true
            }
        }
    }

    /// Collapses `prefix`; returns the tasks that were loading it or any
    /// folder under it, which the caller cancels.
    pub fn collapse(&mut self, prefix: &str) -> Vec<TaskId> {
        let mut cancelled = Vec::new();
        if let Some(&i) = self.by_prefix.get(prefix) {
            self.folders[i].expanded = false;
        }
        for f in &mut self.folders {
            if f.prefix.starts_with(prefix)
                && let Load::Loading(t) = f.state
            {
                cancelled.push(t);
                f.stop();
            }
        }
        self.rebuild();
        cancelled
    }

    pub fn is_expanded(&self, prefix: &str) -> bool {
        self.folder(prefix).is_some_and(|f| f.expanded)
    }

    /// Lists `prefix` again with `task`; returns the task it replaces, for
    /// cancelling. The rows stay until the new listing is complete, then
    /// change in one step (a huge folder shows its old rows, with the new
    /// count growing, rather than a half-empty folder). Expansion is left
    /// as it is: refreshing a collapsed prefix does not open it.
    ///
    /// Sub-folders keep their rows and expansion; those the new listing no
    /// longer has are removed when it completes. To refresh them as well,
    /// reload each of [`Tree::expanded_under`] with a task of its own.
    pub fn reload(&mut self, prefix: &str, task: TaskId) -> Vec<TaskId> {
        let mut cancelled = Vec::new();
        match self.by_prefix.get(prefix).copied() {
            Some(i) => {
                let f = &mut self.folders[i];
                let was = std::mem::replace(&mut f.state, Load::Loading(task));
                let prior = match was {
                    Load::Loading(t) => {
                        cancelled.push(t);
                        // A first listing cut short keeps its rows as a
                        // partial listing; a refresh replaced by another
                        // still falls back to what was there before.
                        f.staged
                            .take()
                            .map(|s| s.prior)
                            .unwrap_or(Load::Ready(Extent::Partial))
                    }
                    other => other,
                };
                f.refresh_failed = None;
                f.staged = Some(Box::new(Staged {
                    entries: Vec::new(),
                    order: Vec::new(),
                    pages: 0,
                    prior,
                }));
            }
            None => {
                // Never listed: nothing to keep. Listed, but not opened.
                let mut f = Folder::new(prefix.to_owned(), task);
                f.expanded = false;
                self.by_prefix.insert(prefix.to_owned(), self.folders.len());
                self.folders.push(f);
            }
        }
        self.rebuild();
        cancelled
    }

    /// The expanded folders strictly under `prefix`, outermost first.
    pub fn expanded_under(&self, prefix: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .folders
            .iter()
            .filter(|f| f.expanded && f.prefix.len() > prefix.len() && f.prefix.starts_with(prefix))
            .map(|f| f.prefix.clone())
            .collect();
        v.sort_by_key(|p| (p.len(), p.clone()));
        v
    }

    /// After folder `fi` was listed anew, removes the sub-folders whose
    /// prefix it no longer holds, with everything under them, and gives
    /// their memory back. Folder indices shift, so the rows must be rebuilt
    /// (the caller does).
    fn reclaim_gone_under(&mut self, fi: usize) {
        let parent = self.folders[fi].prefix.clone();
        let present: std::collections::HashSet<&str> = self.folders[fi]
            .entries
            .iter()
            .filter(|e| e.is_prefix)
            .map(|e| &*e.key)
            .collect();
        // A folder under `parent` survives when the child of `parent` that
        // leads to it is still listed.
        let gone: Vec<bool> = self
            .folders
            .iter()
            .map(|f| {
                let Some(rest) = f.prefix.strip_prefix(parent.as_str()) else {
                    return false;
                };
                if rest.is_empty() {
                    return false;
                }
                let child_len = rest.find('/').map_or(rest.len(), |i| i + 1);
                !present.contains(&f.prefix[..parent.len() + child_len])
            })
            .collect();
        drop(present);
        if !gone.iter().any(|&g| g) {
            return;
        }
        let mut next = 0usize;
        let mut new_index = vec![usize::MAX; self.folders.len()];
        for (i, &g) in gone.iter().enumerate() {
            if !g {
                new_index[i] = next;
                next += 1;
            }
        }
        let old = std::mem::take(&mut self.folders);
        for (f, g) in old.into_iter().zip(&gone) {
            if *g {
                if let Load::Loading(t) = f.state {
                    self.orphans.push(t);
                }
            } else {
                self.folders.push(f);
            }
        }
        self.folders.shrink_to_fit();
        self.by_prefix.retain(|_, i| {
            let n = new_index.get(*i).copied().unwrap_or(usize::MAX);
            *i = n;
            n != usize::MAX
        });
    }
}
