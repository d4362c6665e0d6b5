//! The prefix tree of one bucket. S3 has no folders, so a "folder" here is a
//! key prefix whose children arrive page by page from ListObjectsV2 with a
//! `/` delimiter. The tree keeps the loaded entries compactly (a bucket
//! prefix may hold 100,000 keys) and a flattened list of visible rows that is
//! rebuilt only when structure, sort or filter change, so drawing a frame
//! costs in proportion to the rows on screen, not the rows loaded.
//!
//! A refresh never takes rows away before it has something better: the new
//! listing is staged beside the old one and replaces it when its last page
//! arrives; a failed or cancelled refresh leaves the old rows in place.

mod flatten;
mod order;

use crate::app::{Extent, Load, TaskId};
use crate::store::{ListPage, StoreError};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Size,
    Modified,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Name => SortKey::Size,
            SortKey::Size => SortKey::Modified,
            SortKey::Modified => SortKey::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Size => "size",
            SortKey::Modified => "modified",
        }
    }
}

/// One listed key or prefix. Kept small: a 100,000-key prefix holds this
/// many of them (the flags fit in what would be padding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Box<str>,
    pub size: u64,
    /// Seconds since the epoch; `i64::MIN` when unknown.
    pub modified: i64,
    /// Index into [`Tree::classes`]; 0 means none reported.
    pub class: u8,
    pub is_prefix: bool,
    /// The key shows as it is: nothing in it needs escaping. Decided once
    /// on arrival so the filter need not escape every name per keystroke.
    pub plain: bool,
    /// Shown by `H`: a key whose latest is a delete marker, or a prefix
    /// holding only such keys.
    pub deleted: bool,
}

/// A folder's listing: pages arriving from a task, all of them
/// (`Ready(Whole)`), those before it was stopped by a collapse or a leave
/// (`Ready(Partial)`), or failed.
pub type FolderState = Load<Extent>;

/// A refresh in progress: the new listing collects here while the folder
/// keeps showing the old one.
#[derive(Clone, Debug)]
struct Staged {
    entries: Vec<Entry>,
    order: Vec<u32>,
    pages: u32,
    /// What the folder goes back to if the refresh fails or is cancelled.
    prior: FolderState,
}

#[derive(Clone, Debug)]
pub struct Folder {
    pub prefix: String,
    pub entries: Vec<Entry>,
    /// Entry indices in display order.
    order: Vec<u32>,
    pub state: FolderState,
    pub expanded: bool,
    pub pages: u32,
    staged: Option<Box<Staged>>,
    /// The last refresh failed; the rows shown are from before it.
    pub refresh_failed: Option<StoreError>,
}

impl Folder {
    fn new(prefix: String, task: TaskId) -> Folder {
        Folder {
            prefix,
            entries: Vec::new(),
            order: Vec::new(),
            state: Load::Loading(task),
            expanded: true,
            pages: 0,
            staged: None,
            refresh_failed: None,
        }
    }

    pub fn name_of<'a>(&self, e: &'a Entry) -> &'a str {
        e.key.get(self.prefix.len()..).unwrap_or(&e.key)
    }

    /// While a refresh runs: how many entries the new listing has so far.
    pub fn refreshing(&self) -> Option<usize> {
        self.staged.as_ref().map(|s| s.entries.len())
    }

    /// Stops a listing: a refresh falls back to what was shown before it, a
    /// first listing keeps what arrived.
    fn stop(&mut self) {
        self.state = match self.staged.take() {
            Some(s) => s.prior,
            None => Load::Ready(Extent::Partial),
        };
    }
}

/// A visible line of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub folder: u32,
    pub entry: u32,
    pub depth: u16,
}

#[derive(Clone, Debug)]
pub struct Tree {
    pub bucket: String,
    /// The root prefix: "" or ending in the delimiter.
    pub root: String,
    folders: Vec<Folder>,
    by_prefix: HashMap<String, usize>,
    rows: Vec<Row>,
    pub classes: Vec<String>,
    pub sort: SortKey,
    pub reverse: bool,
    /// Lower-cased filter text; empty means no filter.
    filter: String,
    pub matches: usize,
    pub cursor: usize,
    pub scroll: usize,
    /// The key the cursor belongs on. Rows come and go (pages arrive,
    /// folders reload, filters change); the cursor follows this key back
    /// whenever it is visible, and it may name a row not listed yet.
    cursor_key: Option<Box<str>>,
    /// The viewport height last given to [`Tree::fit`], so changes that
    /// reorder rows without a height at hand (sorting) can keep the cursor
    /// on screen.
    viewport: usize,
    /// Tasks still listing folders that a refresh found gone; the caller
    /// cancels them ([`Tree::take_orphans`]).
    orphans: Vec<TaskId>,
}

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selected {
    Prefix(String),
    Object(String),
}

impl Tree {
    /// A tree whose root listing is being loaded by `task`.
    pub fn new(bucket: String, root: String, task: TaskId) -> Tree {
        let mut by_prefix = HashMap::new();
        by_prefix.insert(root.clone(), 0);
        Tree {
            bucket,
            folders: vec![Folder::new(root.clone(), task)],
            root,
            by_prefix,
            rows: Vec::new(),
            classes: vec![String::new()],
            sort: SortKey::Name,
            reverse: false,
            filter: String::new(),
            matches: 0,
            cursor: 0,
            scroll: 0,
            cursor_key: None,
            viewport: 0,
            orphans: Vec::new(),
        }
    }

    pub fn root_folder(&self) -> &Folder {
        &self.folders[0]
    }

    pub fn folder(&self, prefix: &str) -> Option<&Folder> {
        self.by_prefix.get(prefix).map(|&i| &self.folders[i])
    }

    pub fn folder_at(&self, i: u32) -> &Folder {
        &self.folders[i as usize]
    }

    /// How many folders the tree holds (reclaimed ones are not counted).
    pub fn folder_count(&self) -> usize {
        self.folders.len()
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn entry(&self, row: &Row) -> &Entry {
        &self.folders[row.folder as usize].entries[row.entry as usize]
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn loaded_entries(&self) -> usize {
        self.folders.iter().map(|f| f.entries.len()).sum()
    }

    pub fn selected(&self) -> Option<Selected> {
        let row = self.rows.get(self.cursor)?;
        let e = self.entry(row);
        Some(if e.is_prefix {
            Selected::Prefix(e.key.to_string())
        } else {
            Selected::Object(e.key.to_string())
        })
    }

    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.cursor)
    }

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
            new_entries.push(Entry {
                plain: !crate::sanitize::needs_escape(&p),
                key: p.into_boxed_str(),
                size: 0,
                modified: i64::MIN,
                class: 0,
                is_prefix: true,
                deleted: false,
            });
        }
        for o in page.objects {
            if !o.key.starts_with(&parent) {
                continue;
            }
            let class = self.class_index(o.storage_class.as_deref());
            new_entries.push(Entry {
                plain: !crate::sanitize::needs_escape(&o.key),
                key: o.key.into_boxed_str(),
                size: o.size,
                modified: o.modified.unwrap_or(i64::MIN),
                class,
                is_prefix: false,
                deleted: false,
            });
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
                f.entries.push(Entry {
                    plain: !crate::sanitize::needs_escape(&p),
                    key: p.into_boxed_str(),
                    size: 0,
                    modified: i64::MIN,
                    class: 0,
                    is_prefix: true,
                    deleted: true,
                });
            }
        }
        for (k, class) in level.keys.into_iter().zip(classes) {
            if k.key.starts_with(&f.prefix) && !live.contains(k.key.as_str()) {
                f.entries.push(Entry {
                    plain: !crate::sanitize::needs_escape(&k.key),
                    key: k.key.into_boxed_str(),
                    size: k.size,
                    modified: k.modified.unwrap_or(i64::MIN),
                    class,
                    is_prefix: false,
                    deleted: true,
                });
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

    /// Sorts every folder anew. The cursor stays on its entry and at the
    /// same height on screen when the rows allow it.
    pub fn set_sort(&mut self, sort: SortKey, reverse: bool) {
        self.sort = sort;
        self.reverse = reverse;
        let offset = self.cursor.saturating_sub(self.scroll);
        for f in &mut self.folders {
            order::sort_all(&f.entries, &mut f.order, sort, reverse);
            if let Some(s) = &mut f.staged {
                order::sort_all(&s.entries, &mut s.order, sort, reverse);
            }
        }
        self.rebuild();
        self.scroll = self.cursor.saturating_sub(offset);
        self.fit(self.viewport);
    }

    /// Applies a filter. Rows kept only as context for a match (their
    /// parent prefixes) are not where the user is looking, so the cursor
    /// moves to the first real match unless it already sits on one.
    pub fn set_filter(&mut self, text: &str) {
        self.filter = text.to_lowercase();
        self.rebuild();
        if !self.filter.is_empty()
            && !self.row_matches(self.cursor)
            && let Some(i) = (0..self.rows.len()).find(|&i| self.row_matches(i))
        {
            self.cursor = i;
            self.cursor_key = Some(self.entry(&self.rows[i]).key.clone());
        }
    }

    fn row_matches(&self, i: usize) -> bool {
        self.rows.get(i).is_some_and(|r| {
            let f = &self.folders[r.folder as usize];
            let e = &f.entries[r.entry as usize];
            flatten::matches_filter(f.name_of(e), e, &self.filter)
        })
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

    /// Puts the cursor on `key` now if it is visible, or as soon as it is.
    pub fn want_cursor_on(&mut self, key: &str) {
        self.cursor_key = Some(key.into());
        self.rebuild();
    }

    /// Rebuilds the visible rows, keeping the cursor on its key.
    pub fn rebuild(&mut self) {
        let keep = self.cursor_key.clone();
        let mut rows = std::mem::take(&mut self.rows);
        rows.clear();
        let mut matches = 0;
        flatten::flatten(
            &self.folders,
            &self.by_prefix,
            &self.filter,
            0,
            0,
            &mut rows,
            &mut matches,
        );
        self.rows = rows;
        self.matches = matches;
        if let Some(k) = keep
            && let Some(pos) = self.row_of(&k)
        {
            self.cursor = pos;
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
        if self.cursor_key.is_none() {
            self.cursor_key = self
                .rows
                .get(self.cursor)
                .map(|r| self.entry(r).key.clone());
        }
    }

    /// Index of the row showing `key`, if visible.
    pub fn row_of(&self, key: &str) -> Option<usize> {
        self.rows.iter().position(|r| &*self.entry(r).key == key)
    }

    /// Moves the cursor and keeps it inside a viewport of `height` rows.
    pub fn move_to(&mut self, index: usize, height: usize) {
        if self.rows.is_empty() {
            self.cursor = 0;
            self.scroll = 0;
            self.viewport = height;
            return;
        }
        self.cursor = index.min(self.rows.len() - 1);
        self.cursor_key = Some(self.entry(&self.rows[self.cursor]).key.clone());
        self.fit(height);
    }

    pub fn fit(&mut self, height: usize) {
        self.viewport = height;
        let height = height.max(1);
        if self.cursor < self.scroll {
            self.scroll = self.cursor;
        } else if self.cursor >= self.scroll + height {
            self.scroll = self.cursor + 1 - height;
        }
        let max_scroll = self.rows.len().saturating_sub(height);
        self.scroll = self.scroll.min(max_scroll);
    }
}

#[cfg(test)]
mod tests;
