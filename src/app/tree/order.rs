//! The display order of a folder's entries. A 100,000-key prefix arrives as
//! 100 pages; sorting the whole folder again for each one made loading
//! quadratic. A page is sorted on its own (it is small) and merged into the
//! existing order in one linear pass, and when it lands entirely after what
//! is there (the usual case: S3 lists in key order and the default sort is by
//! name) it is simply appended.

use super::{Entry, SortKey};
use std::cmp::Ordering;

/// Prefixes always come first; ties on size or date fall back to the key so
/// the order is total and does not depend on arrival.
pub(super) fn compare(a: &Entry, b: &Entry, sort: SortKey, reverse: bool) -> Ordering {
    let group = b.is_prefix.cmp(&a.is_prefix);
    let ord = match sort {
        SortKey::Name => a.key.cmp(&b.key),
        SortKey::Size => a.size.cmp(&b.size).then_with(|| a.key.cmp(&b.key)),
        SortKey::Modified => a.modified.cmp(&b.modified).then_with(|| a.key.cmp(&b.key)),
    };
    group.then(if reverse { ord.reverse() } else { ord })
}

/// Orders all of `entries` from scratch (a new sort key or direction).
pub(super) fn sort_all(entries: &[Entry], order: &mut Vec<u32>, sort: SortKey, reverse: bool) {
    order.clear();
    order.extend(0..entries.len() as u32);
    order.sort_by(|&a, &b| compare(&entries[a as usize], &entries[b as usize], sort, reverse));
}

/// Merges `entries[from..]`, just appended, into `order`, which already
/// holds `entries[..from]` in display order. Equal entries keep the old one
/// first, so the merge is stable.
pub(super) fn merge_new(
    entries: &[Entry],
    order: &mut Vec<u32>,
    from: usize,
    sort: SortKey,
    reverse: bool,
) {
    let cmp = |a: u32, b: u32| compare(&entries[a as usize], &entries[b as usize], sort, reverse);
    let mut new: Vec<u32> = (from as u32..entries.len() as u32).collect();
    if new.is_empty() {
        return;
    }
    new.sort_by(|&a, &b| cmp(a, b));
    // Everything up to `split` stays where it is; for a page that sorts
    // after all loaded entries that is the whole folder.
    let split = order.partition_point(|&o| cmp(o, new[0]) != Ordering::Greater);
    if split == order.len() {
        order.extend(new);
        return;
    }
    let tail = order.split_off(split);
    order.reserve(tail.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < tail.len() && j < new.len() {
        if cmp(tail[i], new[j]) == Ordering::Greater {
            order.push(new[j]);
            j += 1;
        } else {
            order.push(tail[i]);
            i += 1;
        }
    }
    order.extend_from_slice(&tail[i..]);
    order.extend_from_slice(&new[j..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(key: &str, size: u64, is_prefix: bool) -> Entry {
        Entry {
            key: key.into(),
            size,
            modified: size as i64,
            class: 0,
            is_prefix,
            plain: true,
            deleted: false,
            thaw: 0,
        }
    }

    /// Merging page by page gives exactly the order a full sort gives, for
    /// every sort key and direction, with pages that interleave.
    #[test]
    fn merging_pages_equals_sorting_everything() {
        let mut entries = Vec::new();
        for i in 0..60u64 {
            // Sizes and prefixes scattered so every page interleaves.
            let key = format!("k{:03}", (i * 37) % 60);
            entries.push(e(&key, (i * 7919) % 13, i % 9 == 0));
        }
        for sort in [SortKey::Name, SortKey::Size, SortKey::Modified] {
            for reverse in [false, true] {
                let mut order = Vec::new();
                for end in (7..=60).step_by(7).chain([60]) {
                    let from = order.len();
                    merge_new(&entries[..end], &mut order, from, sort, reverse);
                }
                let mut full = Vec::new();
                sort_all(&entries, &mut full, sort, reverse);
                assert_eq!(order, full, "{sort:?} reverse={reverse}");
            }
        }
    }

    #[test]
    fn a_page_after_everything_is_appended() {
        let entries: Vec<Entry> = (0..10).map(|i| e(&format!("k{i}"), 1, false)).collect();
        let mut order = Vec::new();
        merge_new(&entries[..5], &mut order, 0, SortKey::Name, false);
        merge_new(&entries, &mut order, 5, SortKey::Name, false);
        assert_eq!(order, (0..10).collect::<Vec<u32>>());
    }
}
