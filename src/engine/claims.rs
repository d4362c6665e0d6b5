//! Where a job's items go. Two items of one job can meet at one
//! destination (`a/r0.txt` and `b/r0.txt` pasted into one prefix, two
//! picked folders that both hold `x.txt`), and overwriting one with the
//! other loses an object as surely as overwriting a stranger's. So every
//! item claims its destination in the order the items were found (listing
//! order, one at a time, before the item is handed to a worker): the first
//! claim wins, and a later item that meets a claimed destination knows
//! which item of its own job got there first. Its conflict answer then
//! decides: keep both gives it a free name, skip skips it, and overwrite is
//! refused (one of the two would be lost). A move therefore never deletes
//! a source whose copy another item replaced.
//!
//! The same table holds what listings showed at the destination, so "keep
//! both" picks the first name that is free both there and in the job.

use super::Env;
use crate::store::StoreResult;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// What is already at a destination key (from a listing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    pub size: u64,
    pub etag: Option<String>,
    pub modified: Option<i64>,
}

/// The first claim on a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The raw name of the item that claimed it (a key or a path).
    pub item: String,
    pub size: u64,
    /// The claimer's ETag (copies): "skip identical" inside a job compares it.
    pub etag: Option<String>,
}

#[derive(Default)]
struct Inner {
    there: HashMap<String, Remote>,
    /// By destination, case-folded when the destination folds case.
    claimed: HashMap<String, Claim>,
    /// The destination as claimed, by its folded form (folding tables).
    exact: HashMap<String, String>,
    /// Folders whose `stem (` names were listed for "keep both".
    listed: HashSet<String>,
    /// `A.txt` and `a.txt` are one destination (a case-insensitive file
    /// system).
    fold: bool,
}

impl Inner {
    fn key(&self, dest: &str) -> String {
        if self.fold {
            dest.to_lowercase()
        } else {
            dest.to_owned()
        }
    }
}

/// A job's destinations: what is there, and what its items claimed.
#[derive(Default)]
pub struct Claims {
    inner: Mutex<Inner>,
}

impl Claims {
    pub fn new(there: HashMap<String, Remote>) -> Claims {
        Claims {
            inner: Mutex::new(Inner {
                there,
                ..Inner::default()
            }),
        }
    }

    /// A table for a destination that does not tell `A.txt` from
    /// `a.txt`: claims that differ only by case meet.
    pub fn folding_case() -> Claims {
        Claims {
            inner: Mutex::new(Inner {
                fold: true,
                ..Inner::default()
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Claims `dest` for `claim`; the earlier claim when another item of
    /// the job has it already (that claim stays).
    pub fn claim(&self, dest: &str, claim: Claim) -> Option<Claim> {
        let mut inner = self.lock();
        let key = inner.key(dest);
        if let Some(first) = inner.claimed.get(&key) {
            return Some(first.clone());
        }
        inner.claimed.insert(key.clone(), claim);
        inner.exact.insert(key, dest.to_owned());
        None
    }

    /// Whether an item of the job claimed `dest`.
    pub fn is_claimed(&self, dest: &str) -> bool {
        let inner = self.lock();
        inner.claimed.contains_key(&inner.key(dest))
    }

    /// The destination exactly as the item that claimed `dest` has it (on a
    /// case-folding table, `README.md` for a claim on `readme.md`).
    pub fn claimed_as(&self, dest: &str) -> Option<String> {
        let inner = self.lock();
        inner.exact.get(&inner.key(dest)).cloned()
    }

    /// What a listing showed at `dest`.
    pub fn there(&self, dest: &str) -> Option<Remote> {
        self.lock().there.get(dest).cloned()
    }

    /// Notes that `dest` turned out to be taken (a conditional write said
    /// so, or a check right before writing saw it).
    pub fn taken(&self, dest: &str, remote: Remote) {
        self.lock().there.insert(dest.to_owned(), remote);
    }

    /// The first "keep both" name for `dest` (`name (1).ext`, `name
    /// (2).ext`...) that is neither there nor claimed, claimed for `claim`.
    pub fn keep_both(&self, dest: &str, claim: Claim) -> String {
        let mut inner = self.lock();
        let free = keep_both_key(dest, |k| {
            inner.there.contains_key(k) || inner.claimed.contains_key(&inner.key(k))
        });
        let key = inner.key(&free);
        inner.claimed.insert(key.clone(), claim);
        inner.exact.insert(key, free.clone());
        free
    }

    /// Lists, once per folder and stem, the keys "keep both" could pick for
    /// `dest` in `bucket` (`dir/stem (`), so a name taken by an earlier
    /// "keep both" is known before one is picked.
    pub async fn learn_keep_both(&self, env: &Env, bucket: &str, dest: &str) -> StoreResult<()> {
        let probe = keep_both_probe(dest);
        if !self.lock().listed.insert(format!("{bucket}\n{probe}")) {
            return Ok(());
        }
        let found = existing(env, bucket, &probe).await?;
        self.lock().there.extend(found);
        Ok(())
    }
}

/// The prefix every "keep both" name of `key` starts with:
/// `a/report.pdf` → `a/report (`.
fn keep_both_probe(key: &str) -> String {
    let (dir, stem, _) = split_key(key);
    format!("{dir}{stem} (")
}

fn split_key(key: &str) -> (&str, &str, &str) {
    let (dir, name) = match key.rfind('/') {
        Some(i) => key.split_at(i + 1),
        None => ("", key),
    };
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    (dir, stem, ext)
}

/// "a/report.pdf" → "a/report (1).pdf", the first that `taken` says is free.
pub fn keep_both_key(key: &str, taken: impl Fn(&str) -> bool) -> String {
    let (dir, stem, ext) = split_key(key);
    (1..)
        .map(|n| format!("{dir}{stem} ({n}){ext}"))
        .find(|k| !taken(k))
        .unwrap_or_else(|| key.to_owned())
}

/// Every key under `prefix` (at any depth), for conflict checks without a
/// HEAD per item. It takes no request slots: an item that holds one may
/// ask (a "keep both" name), and waiting for a second could deadlock.
pub async fn existing(
    env: &Env,
    bucket: &str,
    prefix: &str,
) -> StoreResult<HashMap<String, Remote>> {
    let mut found = HashMap::new();
    let mut walk = crate::walk::Walk::new(&*env.store, bucket, prefix, env.walk_options())
        .cancel_on(&env.cancel);
    while let Some(batch) = walk.next().await {
        for o in batch? {
            found.insert(
                o.key,
                Remote {
                    size: o.size,
                    etag: o.etag,
                    modified: o.modified,
                },
            );
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(item: &str) -> Claim {
        Claim {
            item: item.into(),
            size: 1,
            etag: None,
        }
    }

    #[test]
    fn keep_both_appends_a_number_before_the_extension() {
        let taken = ["a/report (1).pdf"];
        let free = |k: &str| taken.contains(&k);
        assert_eq!(keep_both_key("a/report.pdf", free), "a/report (2).pdf");
        assert_eq!(keep_both_key("notes", |_| false), "notes (1)");
        assert_eq!(keep_both_key(".env", |_| false), ".env (1)");
        assert_eq!(keep_both_key("d.x/name", |_| false), "d.x/name (1)");
        assert_eq!(keep_both_probe("d/a.txt"), "d/a (");
        assert_eq!(keep_both_probe("a"), "a (");
    }

    #[test]
    fn the_first_claim_wins_and_keep_both_skips_what_is_there_or_claimed() {
        let mut there = HashMap::new();
        let r = Remote {
            size: 1,
            etag: None,
            modified: None,
        };
        there.insert("d/r0.txt".to_owned(), r.clone());
        there.insert("d/r0 (1).txt".to_owned(), r.clone());
        let c = Claims::new(there);
        assert_eq!(c.claim("d/r0.txt", claim("a/r0.txt")), None);
        assert_eq!(
            c.claim("d/r0.txt", claim("b/r0.txt")).map(|c| c.item),
            Some("a/r0.txt".into())
        );
        assert_eq!(c.keep_both("d/r0.txt", claim("a/r0.txt")), "d/r0 (2).txt");
        assert_eq!(c.keep_both("d/r0.txt", claim("b/r0.txt")), "d/r0 (3).txt");
        c.taken("d/r0 (4).txt", r);
        assert_eq!(c.keep_both("d/r0.txt", claim("c/r0.txt")), "d/r0 (5).txt");
    }

    #[test]
    fn a_case_folding_table_meets_names_that_differ_by_case() {
        let c = Claims::folding_case();
        assert_eq!(c.claim("Docs/README.md", claim("a")), None);
        assert_eq!(
            c.claim("docs/readme.md", claim("b")).map(|c| c.item),
            Some("a".into())
        );
        assert_eq!(
            c.claimed_as("DOCS/Readme.MD").as_deref(),
            Some("Docs/README.md")
        );
        assert!(c.is_claimed("docs/README.md"));
        assert!(Claims::default().claim("readme.md", claim("c")).is_none());
    }
}
