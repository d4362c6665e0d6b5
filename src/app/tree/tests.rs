//! The tree as a data structure: pages, sort, filter, reload, cursor.

use super::*;
use crate::store::{ListPage, ObjectSummary};

fn obj(key: &str, size: u64) -> ObjectSummary {
    ObjectSummary {
        restore: None,
        key: key.into(),
        size,
        modified: Some(size as i64),
        storage_class: Some("STANDARD".into()),
        etag: None,
        version_id: None,
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
    assert_eq!(t.root_folder().state, Load::Ready(Extent::Whole));
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
    assert!(t.expand("docs/", || TaskId(2)));
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
    assert!(!t.expand("docs/", || TaskId(3)));
    assert_eq!(names(&t).len(), 6);
}

#[test]
fn collapse_cancels_loading_subtree() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(TaskId(1), page(&["a/"], &[], false));
    t.expand("a/", || TaskId(2));
    t.add_page(TaskId(2), page(&["a/b/"], &[("a/x", 1)], true));
    t.expand("a/b/", || TaskId(3));
    let mut c = t.collapse("a/");
    c.sort();
    assert_eq!(c, vec![TaskId(2), TaskId(3)]);
    // A late page of the cancelled listing is dropped.
    assert!(!t.add_page(TaskId(2), page(&[], &[("a/y", 1)], false)));
    // Expanding again restarts the cut-short listing.
    assert!(t.expand("a/", || TaskId(4)));
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
    // The old rows stay until the new listing is complete.
    assert_eq!(names(&t), ["p/", "a", "z"]);
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

fn objects(n: usize) -> Vec<(String, u64)> {
    // Sizes scattered so that sorting by size really moves rows: k0700
    // goes from row 700 to row 199 by size, descending.
    (0..n)
        .map(|i| (format!("k{i:04}"), ((i * 7919 + 500) % 1000) as u64))
        .collect()
}

fn page_of(objs: &[(String, u64)], next: bool) -> ListPage {
    let refs: Vec<(&str, u64)> = objs.iter().map(|(k, s)| (k.as_str(), *s)).collect();
    page(&[], &refs, next)
}

#[test]
fn sort_keeps_the_cursor_on_its_entry_and_on_screen() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(TaskId(1), page_of(&objects(1000), false));
    let height = 20;
    t.move_to(700, height);
    let key = t.selected();
    let offset = t.cursor - t.scroll;
    t.set_sort(SortKey::Size, true);
    assert_eq!(t.selected(), key);
    assert_eq!(t.cursor, 199, "the sort moved the entry");
    assert!(
        (t.scroll..t.scroll + height).contains(&t.cursor),
        "cursor {} outside [{}, {})",
        t.cursor,
        t.scroll,
        t.scroll + height
    );
    assert_eq!(t.cursor - t.scroll, offset, "same height on screen");
    // And back: name order puts it on row 700 again, still on screen.
    t.set_sort(SortKey::Name, false);
    assert_eq!((t.selected(), t.cursor), (key, 700));
    assert!((t.scroll..t.scroll + height).contains(&t.cursor));
}

#[test]
fn refresh_keeps_rows_until_the_last_page_then_swaps() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(
        TaskId(1),
        page(&["p/"], &[("a", 1), ("m", 2), ("z", 3)], false),
    );
    t.move_to(2, 10);
    assert!(t.reload("", TaskId(2)).is_empty());
    t.add_page(TaskId(2), page(&[], &[("b", 1)], true));
    assert_eq!(names(&t), ["p/", "a", "m", "z"], "old rows while staging");
    assert_eq!(t.root_folder().refreshing(), Some(1));
    t.add_page(TaskId(2), page(&["q/"], &[("m", 5), ("y", 1)], false));
    assert_eq!(names(&t), ["q/", "b", "m", "y"]);
    assert_eq!(t.selected(), Some(Selected::Object("m".into())));
    assert_eq!(t.root_folder().state, Load::Ready(Extent::Whole));
    assert_eq!(t.root_folder().refreshing(), None);
}

#[test]
fn a_failed_refresh_keeps_the_rows_and_says_so() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(TaskId(1), page(&[], &[("a", 1), ("b", 2)], false));
    t.reload("", TaskId(2));
    t.add_page(TaskId(2), page(&[], &[("a", 1)], true));
    let err = StoreError::new(crate::store::ErrorKind::Other, "boom");
    assert_eq!(t.fail(TaskId(2), err.clone()).as_deref(), Some(""));
    assert_eq!(names(&t), ["a", "b"]);
    assert_eq!(t.root_folder().state, Load::Ready(Extent::Whole));
    assert_eq!(t.root_folder().refresh_failed, Some(err));
    // A cancelled refresh falls back the same way, without an error.
    t.reload("", TaskId(3));
    t.task_ended(TaskId(3));
    assert_eq!(names(&t), ["a", "b"]);
    assert_eq!(t.root_folder().state, Load::Ready(Extent::Whole));
    assert_eq!(t.root_folder().refresh_failed, None);
}

#[test]
fn refreshing_a_collapsed_prefix_leaves_it_collapsed() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(TaskId(1), page(&["p/", "q/"], &[], false));
    t.expand("p/", || TaskId(2));
    t.add_page(TaskId(2), page(&[], &[("p/x", 1)], false));
    t.collapse("p/");
    t.reload("p/", TaskId(3));
    assert!(!t.is_expanded("p/"));
    t.add_page(TaskId(3), page(&[], &[("p/x", 1), ("p/y", 1)], false));
    assert!(!t.is_expanded("p/"));
    assert_eq!(names(&t), ["p/", "q/"]);
    // Never listed before: listed, not opened.
    t.reload("q/", TaskId(4));
    assert!(!t.is_expanded("q/"));
    assert_eq!(names(&t), ["p/", "q/"]);
}

#[test]
fn a_reload_reclaims_folders_that_are_gone_and_keeps_the_others() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(TaskId(1), page(&["a/", "b/"], &[("z", 1)], false));
    t.expand("a/", || TaskId(2));
    t.add_page(TaskId(2), page(&["a/deep/"], &[("a/1", 1)], false));
    t.expand("a/deep/", || TaskId(3));
    // Still loading when its ancestor disappears: the caller cancels it.
    t.add_page(TaskId(3), page(&[], &[("a/deep/x", 1)], true));
    t.expand("b/", || TaskId(4));
    t.add_page(TaskId(4), page(&[], &[("b/1", 1)], false));
    assert_eq!(t.folder_count(), 4);
    assert_eq!(t.expanded_under(""), ["a/", "b/", "a/deep/"]);
    t.move_to(t.row_of("b/1").unwrap(), 10);

    t.reload("", TaskId(5));
    t.add_page(TaskId(5), page(&["b/", "c/"], &[("z", 1)], false));
    assert_eq!(t.folder_count(), 2, "a/ and a/deep/ reclaimed");
    assert!(t.folder("a/").is_none() && t.folder("a/deep/").is_none());
    assert_eq!(t.take_orphans(), [TaskId(3)]);
    assert!(t.take_orphans().is_empty());
    // b/ kept its rows and expansion, with valid indices after compaction.
    assert_eq!(names(&t), ["b/", "  1", "c/", "z"]);
    assert_eq!(t.selected(), Some(Selected::Object("b/1".into())));
    // A late page for a reclaimed folder is stale.
    assert!(!t.add_page(TaskId(3), page(&[], &[("a/deep/y", 1)], false)));
    // Reclaimed means reclaimed: the prefix can come back and load afresh.
    t.reload("", TaskId(6));
    t.add_page(TaskId(6), page(&["a/", "b/"], &[], false));
    assert!(t.expand("a/", || TaskId(7)));
    t.add_page(TaskId(7), page(&[], &[("a/new", 1)], false));
    assert_eq!(names(&t), ["a/", "  new", "b/", "  1"]);
}

#[test]
fn refresh_of_a_half_loaded_folder_keeps_its_rows() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.add_page(TaskId(1), page(&[], &[("a", 1)], true));
    // R while the first listing still runs: its task is replaced.
    assert_eq!(t.reload("", TaskId(2)), [TaskId(1)]);
    assert!(!t.add_page(TaskId(1), page(&[], &[("b", 1)], false)));
    assert_eq!(names(&t), ["a"]);
    t.task_ended(TaskId(2));
    assert_eq!(t.root_folder().state, Load::Ready(Extent::Partial));
}

#[test]
fn pages_of_a_sorted_tree_merge_into_place() {
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    t.set_sort(SortKey::Size, false);
    t.add_page(TaskId(1), page(&["p/"], &[("a", 5), ("b", 1)], true));
    t.add_page(TaskId(1), page(&["o/"], &[("c", 3), ("d", 9)], false));
    assert_eq!(names(&t), ["o/", "p/", "b", "c", "a", "d"]);
}

#[test]
fn archived_rows_carry_their_restore_state_from_the_listing() {
    use crate::store::archive::RestoreState;
    let mut cold = obj("cold", 1);
    cold.storage_class = Some("GLACIER".into());
    let mut thawing = obj("thawing", 2);
    thawing.storage_class = Some("DEEP_ARCHIVE".into());
    thawing.restore = Some(RestoreState::InProgress);
    let mut thawed = obj("thawed", 3);
    thawed.storage_class = Some("GLACIER".into());
    thawed.restore = Some(RestoreState::Restored { until: Some(9) });
    let mut ir = obj("instant", 4);
    ir.storage_class = Some("GLACIER_IR".into());
    let mut t = Tree::new("b".into(), "".into(), TaskId(1));
    let mut p = page(&[], &[], false);
    p.objects = vec![cold, thawing, thawed, ir];
    t.add_page(TaskId(1), p);
    let thaw: Vec<(String, u8)> = t
        .folders
        .iter()
        .flat_map(|f| f.entries.iter().map(|e| (e.key.to_string(), e.thaw)))
        .collect();
    assert_eq!(
        thaw,
        [
            ("cold".to_owned(), THAW_ARCHIVED),
            ("thawing".to_owned(), THAW_RESTORING),
            ("thawed".to_owned(), THAW_RESTORED),
            ("instant".to_owned(), 0),
        ]
    );
}
