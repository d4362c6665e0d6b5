//! Turning the folders into the visible rows, with the filter applied. This
//! runs over every loaded entry on each keystroke of the filter, so it is the
//! one place where per-entry cost shows: names with nothing to escape (nearly
//! all of them) are matched as they are, without building the shown text.

use super::{Entry, Folder, Row};
use std::collections::HashMap;

fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if needle_lower.is_ascii() {
        // An ASCII needle cannot match inside a multi-byte character, so a
        // byte search is exact for any haystack.
        let n = needle_lower.as_bytes();
        return hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle_lower)
}

/// Filters match the name as it is shown (escapes included), so typing
/// `x1b` finds the keys that display `\x1b`. `Entry::plain` says the shown
/// text is the name itself, which spares building it.
pub(super) fn matches_filter(name: &str, e: &Entry, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    if e.plain {
        contains_ci(name, filter)
    } else {
        contains_ci(&crate::sanitize::clean(name), filter)
    }
}

/// Appends the visible rows of folder `fi`. With a filter, a row stays if it
/// matches or has a matching descendant; everything under a matching prefix
/// stays (you asked for that folder). Returns whether any row stayed.
pub(super) fn flatten(
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
        let hit = matches_filter(f.name_of(e), e, filter);
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
