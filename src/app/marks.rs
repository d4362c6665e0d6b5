//! Marked objects and prefixes: the set every file operation acts on, when
//! there is one. Marks are kept by bucket and key, so they survive
//! scrolling, filtering, expanding and moving to other prefixes or buckets.
//! pail's own clipboard ([`Clip`], what `y`/`x` picked for `p`) lives here
//! too: both are selections the user carries around.

use super::tree::Tree;
use crate::format::{count, human_size};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub is_prefix: bool,
    /// Bytes: an object's size; 0 for a prefix (unknown until counted).
    pub size: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Marks {
    items: BTreeMap<(String, String), Mark>,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn contains(&self, bucket: &str, key: &str) -> bool {
        self.items
            .contains_key(&(bucket.to_owned(), key.to_owned()))
    }

    /// Whether any mark is in `bucket` (the tree shows a mark column then).
    pub fn any_in(&self, bucket: &str) -> bool {
        self.items
            .range((bucket.to_owned(), String::new())..)
            .next()
            .is_some_and(|((b, _), _)| b == bucket)
    }

    /// Marks or unmarks; returns whether it is marked now.
    pub fn toggle(&mut self, bucket: &str, key: &str, mark: Mark) -> bool {
        let k = (bucket.to_owned(), key.to_owned());
        if self.items.remove(&k).is_some() {
            false
        } else {
            self.items.insert(k, mark);
            true
        }
    }

    pub fn set(&mut self, bucket: &str, key: &str, mark: Option<Mark>) {
        let k = (bucket.to_owned(), key.to_owned());
        match mark {
            Some(m) => {
                self.items.insert(k, m);
            }
            None => {
                self.items.remove(&k);
            }
        }
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    /// Every marked (bucket, key), in order.
    pub fn iter(&self) -> impl Iterator<Item = (&(String, String), &Mark)> {
        self.items.iter()
    }

    /// "3 marked, 2 prefixes + 1 object, 41.2 MiB known". `extra` adds
    /// what counting prefixes found.
    pub fn summary(&self, counted: u64) -> String {
        let prefixes = self.items.values().filter(|m| m.is_prefix).count() as u64;
        let objects = self.len() as u64 - prefixes;
        let bytes: u64 = self.items.values().map(|m| m.size).sum::<u64>() + counted;
        let mut parts = Vec::new();
        if prefixes > 0 {
            parts.push(count(prefixes, "prefix", "prefixes"));
        }
        if objects > 0 {
            parts.push(count(objects, "object", "objects"));
        }
        format!(
            "{} marked, {}, {} known",
            crate::format::thousands(self.len() as u64),
            parts.join(" + "),
            human_size(bytes)
        )
    }
}

/// The mark a tree row would get.
pub fn mark_of(tree: &Tree, row: usize) -> Option<(String, Mark)> {
    let r = tree.rows().get(row)?;
    let e = tree.entry(r);
    // Deleted rows (shown by `H`) have nothing to act on: not markable.
    if e.deleted {
        return None;
    }
    Some((
        e.key.to_string(),
        Mark {
            is_prefix: e.is_prefix,
            size: if e.is_prefix { 0 } else { e.size },
        },
    ))
}

/// pail's own clipboard: what `y` or `x` picked, for `p`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clip {
    pub bucket: String,
    pub sources: Vec<crate::engine::S3Source>,
    /// Cut: pasting moves (copy, verify, delete the source).
    pub cut: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_kinds_and_known_bytes() {
        let mut m = Marks::default();
        let p = Mark {
            is_prefix: true,
            size: 0,
        };
        m.toggle("b", "x/", p);
        m.toggle("b", "y/", p);
        m.toggle(
            "b",
            "z.bin",
            Mark {
                is_prefix: false,
                size: 43_200_000,
            },
        );
        assert_eq!(
            m.summary(0),
            "3 marked, 2 prefixes + 1 object, 41.2 MiB known"
        );
        assert!(m.any_in("b") && !m.any_in("a") && !m.any_in("c"));
        assert!(!m.toggle("b", "x/", p));
        assert_eq!(m.len(), 2);
    }
}
