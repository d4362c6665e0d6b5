//! The prefix tree of one bucket. S3 has no folders, so a "folder" here is a
//! key prefix whose children arrive page by page from ListObjectsV2 with a
//! `/` delimiter. The tree keeps the loaded entries compactly (a bucket
//! prefix may hold 100,000 keys) and a flattened list of visible rows that is
//! rebuilt only when structure, sort or filter change, so drawing a frame
//! costs in proportion to the rows on screen, not the rows loaded.

use crate::app::TaskId;
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
/// many of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Box<str>,
    pub size: u64,
    /// Seconds since the epoch; `i64::MIN` when unknown.
    pub modified: i64,
    /// Index into [`Tree::classes`]; 0 means none reported.
    pub class: u8,
    pub is_prefix: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FolderState {
    /// Pages are arriving from this task.
    Loading(TaskId),
    Done,
    /// The listing was stopped (collapsed or left) before the last page.
    Partial,
    Failed(StoreError),
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
}

impl Folder {
    fn new(prefix: String, task: TaskId) -> Folder {
        Folder {
            prefix,
            entries: Vec::new(),
            order: Vec::new(),
            state: FolderState::Loading(task),
            expanded: true,
            pages: 0,
        }
    }

    pub fn name_of<'a>(&self, e: &'a Entry) -> &'a str {
        e.key.get(self.prefix.len()..).unwrap_or(&e.key)
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
}

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selected {
    Prefix(String),
    Object(String),
}

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if needle_lower.is_ascii() {
        let n = needle_lower.as_bytes();
        return hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle_lower)
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
            .find(|f| f.state == FolderState::Loading(task))
            .map(|f| f.prefix.as_str())
    }

    /// Every task loading a folder, for cancelling when the tree goes away.
    pub fn loading_tasks(&self) -> Vec<TaskId> {
        self.folders
            .iter()
            .filter_map(|f| match f.state {
                FolderState::Loading(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// Adds a page to the folder loading under `task`. Returns false if no
    /// folder is waiting for it (a stale result, dropped).
    pub fn add_page(&mut self, task: TaskId, page: ListPage) -> bool {
        let Some(fi) = self
            .folders
            .iter()
            .position(|f| f.state == FolderState::Loading(task))
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
                key: p.into_boxed_str(),
                size: 0,
                modified: i64::MIN,
                class: 0,
                is_prefix: true,
            });
        }
        for o in page.objects {
            if !o.key.starts_with(&parent) {
                continue;
            }
            let class = self.class_index(o.storage_class.as_deref());
            new_entries.push(Entry {
                key: o.key.into_boxed_str(),
                size: o.size,
                modified: o.modified.unwrap_or(i64::MIN),
                class,
                is_prefix: false,
            });
        }
        let done = page.next.is_none();
        let f = &mut self.folders[fi];
        f.entries.extend(new_entries);
        f.pages += 1;
        if done {
            f.state = FolderState::Done;
        }
        self.sort_folder(fi);
        self.rebuild();
        true
    }

    pub fn fail(&mut self, task: TaskId, err: StoreError) -> Option<String> {
        let fi = self
            .folders
            .iter()
            .position(|f| f.state == FolderState::Loading(task))?;
        self.folders[fi].state = FolderState::Failed(err);
        self.rebuild();
        Some(self.folders[fi].prefix.clone())
    }

    /// The task ended without its last page (cancelled); keep what arrived.
    pub fn task_ended(&mut self, task: TaskId) {
        for f in &mut self.folders {
            if f.state == FolderState::Loading(task) {
                f.state = FolderState::Partial;
            }
        }
    }

    fn sort_folder(&mut self, fi: usize) {
        let sort = self.sort;
        let reverse = self.reverse;
        let f = &mut self.folders[fi];
        let entries = &f.entries;
        f.order = (0..entries.len() as u32).collect();
        // Prefixes always come first; the stable sort keeps S3's order for
        // ties and is cheap on the already-sorted runs that pages produce.
        f.order.sort_by(|&a, &b| {
            let (a, b) = (&entries[a as usize], &entries[b as usize]);
            let group = b.is_prefix.cmp(&a.is_prefix);
            let ord = match sort {
                SortKey::Name => a.key.cmp(&b.key),
                SortKey::Size => a.size.cmp(&b.size).then_with(|| a.key.cmp(&b.key)),
                SortKey::Modified => a.modified.cmp(&b.modified).then_with(|| a.key.cmp(&b.key)),
            };
            group.then(if reverse { ord.reverse() } else { ord })
        });
    }

    pub fn set_sort(&mut self, sort: SortKey, reverse: bool) {
        self.sort = sort;
        self.reverse = reverse;
        for fi in 0..self.folders.len() {
            self.sort_folder(fi);
        }
        self.rebuild();
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
            matches_filter(f.name_of(&f.entries[r.entry as usize]), &self.filter)
        })
    }

    /// Expands `prefix`. Returns true if it needs loading by a new task
    /// (first expansion, or a listing cut short earlier).
    pub fn expand(&mut self, prefix: &str, task: TaskId) -> bool {
        match self.by_prefix.get(prefix).copied() {
            Some(i) => {
                let f = &mut self.folders[i];
                f.expanded = true;
                let reload = matches!(f.state, FolderState::Partial | FolderState::Failed(_));
                if reload {
                    f.entries.clear();
                    f.order.clear();
                    f.pages = 0;
                    f.state = FolderState::Loading(task);
                }
                self.rebuild();
                reload
            }
            None => {
                self.by_prefix.insert(prefix.to_owned(), self.folders.len());
                self.folders.push(Folder::new(prefix.to_owned(), task));
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
                && let FolderState::Loading(t) = f.state
            {
                cancelled.push(t);
                f.state = FolderState::Partial;
            }
        }
        self.rebuild();
        cancelled
    }

    pub fn is_expanded(&self, prefix: &str) -> bool {
        self.folder(prefix).is_some_and(|f| f.expanded)
    }

    /// Forgets a folder's contents so it can be listed again by `task`.
    pub fn reload(&mut self, prefix: &str, task: TaskId) -> Vec<TaskId> {
        let mut cancelled = Vec::new();
        // Sub-folders are dropped too: their contents may be stale as well.
        let drop: Vec<String> = self
            .by_prefix
            .keys()
            .filter(|p| p.starts_with(prefix) && p.as_str() != prefix)
            .cloned()
            .collect();
        for p in drop {
            if let Some(i) = self.by_prefix.remove(&p) {
                if let FolderState::Loading(t) = self.folders[i].state {
                    cancelled.push(t);
                }
                // Leave a tombstone: indices of other folders stay valid.
                let f = &mut self.folders[i];
                f.entries = Vec::new();
                f.order = Vec::new();
                f.expanded = false;
                f.state = FolderState::Partial;
                f.prefix = String::from("\u{0}");
            }
        }
        match self.by_prefix.get(prefix).copied() {
            Some(i) => {
                let f = &mut self.folders[i];
                if let FolderState::Loading(t) = f.state {
                    cancelled.push(t);
                }
                f.entries.clear();
                f.order.clear();
                f.pages = 0;
                f.expanded = true;
                f.state = FolderState::Loading(task);
            }
            None => {
                self.by_prefix.insert(prefix.to_owned(), self.folders.len());
                self.folders.push(Folder::new(prefix.to_owned(), task));
            }
        }
        self.rebuild();
        cancelled
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
        flatten(
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
            return;
        }
        self.cursor = index.min(self.rows.len() - 1);
        self.cursor_key = Some(self.entry(&self.rows[self.cursor]).key.clone());
        self.fit(height);
    }

    pub fn fit(&mut self, height: usize) {
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

/// Filters match the name as it is shown (escapes included), so typing
/// `x1b` finds the keys that display `\x1b`.
fn matches_filter(name: &str, filter: &str) -> bool {
    filter.is_empty() || contains_ci(&crate::sanitize::clean(name), filter)
}

/// Appends the visible rows of folder `fi`. With a filter, a row stays if it
/// matches or has a matching descendant; everything under a matching prefix
/// stays (you asked for that folder). Returns whether any row stayed.
fn flatten(
    folders: &[Folder],
    by_prefix: &HashMap<String, usize>,
    filter: &str,
    fi: usize,
    depth: u16,
    rows: &mut Vec<Row>,
    matches: &mut usize,
) -> bool {
    let f = &folders[fi];
    let mut any = false;
    for &ei in &f.order {
        let e = &f.entries[ei as usize];
        let hit = matches_filter(f.name_of(e), filter);
        let mark = rows.len();
        rows.push(Row {
            folder: fi as u32,
            entry: ei,
            depth,
        });
        let mut sub = false;
        if e.is_prefix
            && let Some(&ci) = by_prefix.get(&*e.key)
            && folders[ci].expanded
            && depth < u16::MAX
        {
            if hit && !filter.is_empty() {
                let mut ignored = 0;
                flatten(folders, by_prefix, "", ci, depth + 1, rows, &mut ignored);
            } else {
                sub = flatten(folders, by_prefix, filter, ci, depth + 1, rows, matches);
            }
        }
        if hit {
            *matches += 1;
        }
        if hit || sub {
            any = true;
        } else {
            rows.truncate(mark);
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ObjectSummary;

    fn obj(key: &str, size: u64) -> ObjectSummary {
        ObjectSummary {
            key: key.into(),
            size,
            modified: Some(size as i64),
            storage_class: Some("STANDARD".into()),
            etag: None,
        }
    }

    fn page(prefixes: &[&str], objects: &[(&str, u64)], next: bool) -> ListPage {
        ListPage {
            prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
            objects: objects.iter().map(|(k, s)| obj(k, *s)).collect(),
            next: next.then(|| "t".to_string()),
        }
    }

    fn names(t: &Tree) -> Vec<String> {
        t.rows()
            .iter()
            .map(|r| {
                let f = t.folder_at(r.folder);
                format!("{}{}", "  ".repeat(r.depth as usize), f.name_of(t.entry(r)))
            })
            .collect()
    }

    #[test]
    fn prefixes_first_then_objects() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        assert!(t.add_page(TaskId(1), page(&["z/"], &[("a", 1), ("b", 2)], true)));
        assert!(t.add_page(TaskId(1), page(&["c/"], &[("d", 3)], false)));
        assert_eq!(names(&t), ["c/", "z/", "a", "b", "d"]);
        assert_eq!(t.root_folder().state, FolderState::Done);
    }

    #[test]
    fn stale_pages_are_dropped() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        assert!(!t.add_page(TaskId(9), page(&[], &[("x", 1)], false)));
        assert!(t.rows().is_empty());
    }

    #[test]
    fn expand_collapse_and_filter() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.add_page(
            TaskId(1),
            page(&["docs/", "docs-old/"], &[("readme", 1)], false),
        );
        assert!(t.expand("docs/", TaskId(2)));
        t.add_page(
            TaskId(2),
            page(
                &["docs/img/"],
                &[("docs/a.pdf", 5), ("docs/b.txt", 1)],
                false,
            ),
        );
        assert_eq!(
            names(&t),
            [
                "docs-old/",
                "docs/",
                "  img/",
                "  a.pdf",
                "  b.txt",
                "readme"
            ]
        );
        t.set_filter("PDF");
        assert_eq!(names(&t), ["docs/", "  a.pdf"]);
        assert_eq!(t.matches, 1);
        assert_eq!(t.cursor, 1, "cursor on the match, not its parent");
        // A matching prefix keeps everything under it.
        t.set_filter("doc");
        assert_eq!(
            names(&t),
            ["docs-old/", "docs/", "  img/", "  a.pdf", "  b.txt"]
        );
        assert_eq!(t.matches, 2);
        t.set_filter("");
        assert!(t.collapse("docs/").is_empty());
        assert_eq!(names(&t), ["docs-old/", "docs/", "readme"]);
        // Re-expanding a fully loaded folder needs no new listing.
        assert!(!t.expand("docs/", TaskId(3)));
        assert_eq!(names(&t).len(), 6);
    }

    #[test]
    fn collapse_cancels_loading_subtree() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.add_page(TaskId(1), page(&["a/"], &[], false));
        t.expand("a/", TaskId(2));
        t.add_page(TaskId(2), page(&["a/b/"], &[("a/x", 1)], true));
        t.expand("a/b/", TaskId(3));
        let mut c = t.collapse("a/");
        c.sort();
        assert_eq!(c, vec![TaskId(2), TaskId(3)]);
        // A late page of the cancelled listing is dropped.
        assert!(!t.add_page(TaskId(2), page(&[], &[("a/y", 1)], false)));
        // Expanding again restarts the cut-short listing.
        assert!(t.expand("a/", TaskId(4)));
        assert!(t.folder("a/").unwrap().entries.is_empty());
    }

    #[test]
    fn sort_by_size_reverse_keeps_prefixes_first() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.add_page(
            TaskId(1),
            page(&["p/"], &[("a", 5), ("b", 10), ("c", 1)], false),
        );
        t.set_sort(SortKey::Size, true);
        assert_eq!(names(&t), ["p/", "b", "a", "c"]);
        t.set_sort(SortKey::Modified, false);
        assert_eq!(names(&t), ["p/", "c", "a", "b"]);
    }

    #[test]
    fn cursor_follows_its_key_across_pages() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.add_page(TaskId(1), page(&[], &[("m", 1)], true));
        t.move_to(0, 10);
        t.add_page(TaskId(1), page(&["a/"], &[], false));
        assert_eq!(t.selected(), Some(Selected::Object("m".into())));
    }

    #[test]
    fn filter_matches_what_is_shown() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.add_page(
            TaskId(1),
            page(&[], &[("red\x1b[31m", 1), ("plain", 1)], false),
        );
        t.set_filter("x1b");
        assert_eq!(names(&t), ["red\x1b[31m"]);
    }

    #[test]
    fn reloading_the_folder_under_the_cursor_is_safe() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.add_page(TaskId(1), page(&["p/"], &[("a", 1), ("z", 2)], false));
        t.move_to(2, 10);
        t.reload("", TaskId(2));
        assert!(t.rows().is_empty());
        // The cursor returns to its key when the new listing has it.
        t.add_page(
            TaskId(2),
            page(&["p/"], &[("a", 1), ("m", 1), ("z", 2)], false),
        );
        assert_eq!(t.selected(), Some(Selected::Object("z".into())));
    }

    #[test]
    fn cursor_can_wait_for_a_row_not_listed_yet() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        t.want_cursor_on("q/");
        t.add_page(TaskId(1), page(&["p/", "q/"], &[], true));
        assert_eq!(t.selected(), Some(Selected::Prefix("q/".into())));
    }

    #[test]
    fn foreign_keys_are_ignored() {
        let mut t = Tree::new("b".into(), "docs/".into(), TaskId(1));
        t.add_page(
            TaskId(1),
            page(
                &["docs-old/", "docs/"],
                &[("docs-old/x", 1), ("docs/a", 1)],
                false,
            ),
        );
        assert_eq!(names(&t), ["a"]);
    }

    #[test]
    fn viewport_scrolls_with_cursor() {
        let mut t = Tree::new("b".into(), "".into(), TaskId(1));
        let objs: Vec<(String, u64)> = (0..100).map(|i| (format!("k{i:03}"), 1)).collect();
        let refs: Vec<(&str, u64)> = objs.iter().map(|(k, s)| (k.as_str(), *s)).collect();
        t.add_page(TaskId(1), page(&[], &refs, false));
        t.move_to(50, 10);
        assert_eq!((t.cursor, t.scroll), (50, 41));
        t.move_to(0, 10);
        assert_eq!(t.scroll, 0);
        t.move_to(1000, 10);
        assert_eq!((t.cursor, t.scroll), (99, 90));
    }
}
