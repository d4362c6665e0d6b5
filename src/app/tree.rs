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
mod listing;
mod order;

use crate::app::{Extent, Load, TaskId};
use crate::store::StoreError;
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
    /// An archived object's state: 0 not archived (or unknown), then
    /// [`THAW_ARCHIVED`], [`THAW_RESTORING`], [`THAW_RESTORED`].
    pub thaw: u8,
}

/// In GLACIER or DEEP_ARCHIVE, with no restore known.
pub const THAW_ARCHIVED: u8 = 1;
/// A restore is under way.
pub const THAW_RESTORING: u8 = 2;
/// A restored copy is readable.
pub const THAW_RESTORED: u8 = 3;

/// An object's [`Entry::thaw`] from its listing row.
pub fn thaw(o: &crate::store::ObjectSummary) -> u8 {
    use crate::store::archive::{RestoreState, needs_restore};
    match &o.restore {
        Some(RestoreState::InProgress) => THAW_RESTORING,
        Some(RestoreState::Restored { .. }) => THAW_RESTORED,
        None if needs_restore(o.storage_class.as_deref()) => THAW_ARCHIVED,
        None => 0,
    }
}

impl Entry {
    /// A prefix row (`deleted`: it holds only deleted keys).
    fn prefix(key: String, deleted: bool) -> Entry {
        Entry {
            plain: !crate::sanitize::needs_escape(&key),
            key: key.into_boxed_str(),
            size: 0,
            modified: i64::MIN,
            class: 0,
            is_prefix: true,
            deleted,
            thaw: 0,
        }
    }

    /// An object row; `class` indexes [`Tree::classes`].
    fn object(key: String, size: u64, modified: Option<i64>, class: u8, deleted: bool) -> Entry {
        Entry {
            plain: !crate::sanitize::needs_escape(&key),
            key: key.into_boxed_str(),
            size,
            modified: modified.unwrap_or(i64::MIN),
            class,
            is_prefix: false,
            deleted,
            thaw: 0,
        }
    }
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
