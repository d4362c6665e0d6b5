//! Rolling a prefix back (or forward) to a moment. The plan is a pure
//! function of the versions listed under the prefix and the moment: for each
//! key, the newest version with LastModified ≤ the moment (the listing's
//! order decides between writes of the same second) is what should be
//! current; a delete marker there, or nothing at all, means the key should
//! be absent. Each key then needs a restore (copy that version over), an
//! undelete (remove the markers added since), a delete (a new delete
//! marker, never a permanent delete), nothing, or cannot be done here
//! (archived versions, a Suspended bucket). Running it writes only new
//! versions and delete markers, so rolling forward to the moment it started
//! undoes it: a rollback's undelete copies the version back rather than
//! removing the markers, because a removed marker is gone from the history
//! and the moment before the rollback could not be found again. (`U`,
//! asked for by name, removes the markers.)

use crate::engine::history::Step;
use crate::store::{ObjectVersion, Store, StoreResult, Versioning, VersionsRequest};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Restore,
    Undelete,
    Delete,
    Unchanged,
    Blocked(String),
}

/// One key's part of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPlan {
    pub key: String,
    pub change: Change,
    /// The version that should be current (restore), or the one undelete
    /// brings back; bytes are its size.
    pub version: Option<ObjectVersion>,
    /// Delete markers an undelete removes.
    pub markers: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollbackPlan {
    pub bucket: String,
    pub prefix: String,
    /// Seconds since the epoch.
    pub at: i64,
    pub keys: Vec<KeyPlan>,
    /// Versions and markers read to make it.
    pub versions_listed: u64,
    pub requests: u64,
    /// Undelete by copying the version back (a rollback, so it can be
    /// undone) instead of removing the delete markers (`U`).
    pub keep_markers: bool,
}

/// Counts and bytes of one kind of change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub keys: u64,
    pub bytes: u64,
}

impl RollbackPlan {
    pub fn tally(&self, pick: impl Fn(&Change) -> bool) -> Tally {
        self.keys
            .iter()
            .filter(|k| pick(&k.change))
            .fold(Tally::default(), |t, k| Tally {
                keys: t.keys + 1,
                bytes: t.bytes + k.version.as_ref().map(|v| v.size).unwrap_or(0),
            })
    }

    /// Keys that will change (restores, undeletes, deletes).
    pub fn changes(&self) -> u64 {
        self.tally(|c| matches!(c, Change::Restore | Change::Undelete | Change::Delete))
            .keys
    }

    /// The engine steps that carry the plan out.
    pub fn steps(&self) -> Vec<Step> {
        self.keys
            .iter()
            .filter_map(|k| match (&k.change, &k.version) {
                (Change::Restore, Some(v)) => Some(Step::restore(v)),
                (Change::Undelete, Some(v)) if self.keep_markers => Some(Step::restore(v)),
                (Change::Undelete, v) => Some(Step::Undelete {
                    key: k.key.clone(),
                    markers: k.markers.clone(),
                    size: v.as_ref().map(|v| v.size).unwrap_or(0),
                }),
                (Change::Delete, _) => Some(Step::Hide { key: k.key.clone() }),
                _ => None,
            })
            .collect()
    }
}

/// Whether a bucket with this versioning status (as `bucket_info` reads it)
/// can be rolled back: only a versioned bucket keeps what a rollback's
/// deletes hide; anywhere else they would be permanent. `Ok(true)` means
/// Suspended (every write blocked in the plan).
pub fn versioning_allows(status: &Result<Versioning, String>) -> Result<bool, String> {
    match status {
        Ok(Versioning::Enabled) => Ok(false),
        Ok(Versioning::Suspended) => Ok(true),
        Ok(Versioning::NeverEnabled) => Err(
            "versioning was never enabled on this bucket: there is no history to roll back to"
                .into(),
        ),
        Ok(Versioning::Other(s)) => Err(format!(
            "versioning reads {:?}: a rollback needs it Enabled",
            crate::sanitize::clean(s)
        )),
        Err(e) => Err(format!(
            "the bucket's versioning status could not be read ({}): without knowing it is \
             Enabled, a rollback's deletes could be permanent",
            crate::sanitize::clean(e)
        )),
    }
}

/// The plan for one key, from its rows newest first (listing order).
pub fn plan_key(rows: &[ObjectVersion], at: i64, suspended: bool) -> KeyPlan {
    let key = rows.first().map(|v| v.key.clone()).unwrap_or_default();
    let mut plan = KeyPlan {
        key,
        change: Change::Unchanged,
        version: None,
        markers: Vec::new(),
    };
    let latest = rows.iter().position(|v| v.is_latest).unwrap_or(0);
    let current = rows.get(latest).filter(|v| !v.delete_marker);
    let target_pos = rows
        .iter()
        .enumerate()
        .skip(latest)
        .find(|(_, v)| v.modified.is_some_and(|m| m <= at))
        .map(|(i, _)| i);
    // S3 lists versions and delete markers apart: a write and a delete of
    // the same second cannot be ordered, so such a key is not guessed at
    // (unless nothing changed since: then the moment's state is today's).
    if let Some(t) = target_pos
        .filter(|i| *i != latest)
        .and_then(|i| rows.get(i))
    {
        let same: Vec<&ObjectVersion> = rows[latest..]
            .iter()
            .filter(|v| v.modified == t.modified)
            .collect();
        if same.iter().any(|v| v.delete_marker) && same.iter().any(|v| !v.delete_marker) {
            plan.change = Change::Blocked(
                "a write and a delete in the same second as the moment's version: their order is unknown"
                    .into(),
            );
            return plan;
        }
    }
    let target = target_pos
        .and_then(|i| rows.get(i))
        .filter(|v| !v.delete_marker);
    plan.change = match (target, current) {
        (None, None) => Change::Unchanged,
        (None, Some(_)) => Change::Delete,
        (Some(t), Some(c)) if t.version_id == c.version_id => Change::Unchanged,
        (Some(t), _) => {
            plan.version = Some(t.clone());
            let above = &rows[latest..target_pos.unwrap_or(latest)];
            if current.is_none() && above.iter().all(|v| v.delete_marker) && !t.archived() {
                plan.markers = above.iter().map(|v| v.version_id.clone()).collect();
                Change::Undelete
            } else if t.archived() {
                Change::Blocked(format!(
                    "version is in {}: request a restore from the archive first",
                    t.storage_class.as_deref().unwrap_or("an archive")
                ))
            } else {
                Change::Restore
            }
        }
    };
    if suspended && plan.change != Change::Unchanged {
        plan.change = Change::Blocked(
            "versioning is Suspended: a new write would replace the null version for good".into(),
        );
    }
    plan
}

/// The whole plan from every version under the prefix, in listing order.
pub fn plan(
    bucket: &str,
    prefix: &str,
    rows: &[ObjectVersion],
    at: i64,
    suspended: bool,
) -> RollbackPlan {
    let mut keys = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let key = &rows[start].key;
        let end = rows[start..]
            .iter()
            .position(|v| v.key != *key)
            .map(|n| start + n)
            .unwrap_or(rows.len());
        keys.push(plan_key(&rows[start..end], at, suspended));
        start = end;
    }
    RollbackPlan {
        bucket: bucket.to_owned(),
        prefix: prefix.to_owned(),
        at,
        keys,
        versions_listed: rows.len() as u64,
        requests: 0,
        keep_markers: true,
    }
}

/// Undeleting everything under a prefix (or one key, `exact`): each key
/// whose latest is a delete marker with a version under it loses the
/// markers on top; the rest is unchanged.
pub fn plan_undelete(
    bucket: &str,
    prefix: &str,
    rows: &[ObjectVersion],
    exact: bool,
) -> RollbackPlan {
    let mut p = plan(bucket, prefix, rows, i64::MIN, false);
    p.keep_markers = false;
    for k in &mut p.keys {
        k.change = Change::Unchanged;
        k.version = None;
    }
    let mut start = 0;
    let mut i = 0;
    while start < rows.len() {
        let end = rows[start..]
            .iter()
            .position(|v| v.key != rows[start].key)
            .map(|n| start + n)
            .unwrap_or(rows.len());
        let group = &rows[start..end];
        let markers: Vec<String> = group
            .iter()
            .take_while(|v| v.delete_marker)
            .map(|v| v.version_id.clone())
            .collect();
        let k = &mut p.keys[i];
        if !markers.is_empty() && markers.len() < group.len() && (!exact || k.key == prefix) {
            k.version = group.get(markers.len()).cloned();
            k.markers = markers;
            k.change = Change::Undelete;
        }
        start = end;
        i += 1;
    }
    p
}

/// Every version and marker under `prefix`, in listing order, and the
/// number of requests it took.
pub async fn list_all(
    store: &dyn Store,
    bucket: &str,
    prefix: &str,
    only_key: Option<&str>,
    cancel: &CancellationToken,
    mut listed: impl FnMut(u64),
) -> StoreResult<(Vec<ObjectVersion>, u64)> {
    let mut rows = Vec::new();
    let req = VersionsRequest::under(bucket, prefix);
    let mut pages = crate::store::pages(store, req).cancel_on(cancel);
    while let Some(page) = pages.next().await {
        let page = page?;
        if let Some(k) = only_key {
            // Keys sort after `k` once its versions are done: stop there.
            if page.versions.iter().any(|v| v.key != k) {
                pages.stop();
            }
            rows.extend(page.versions.into_iter().filter(|v| v.key == k));
        } else {
            rows.extend(page.versions);
        }
        listed(rows.len() as u64);
    }
    let requests = pages.read();
    Ok((rows, requests))
}

/// Lists every version under `prefix` and plans. A listing error means no
/// plan (and so nothing changes).
pub async fn plan_rollback(
    store: &dyn Store,
    bucket: &str,
    prefix: &str,
    at: i64,
    suspended: bool,
    cancel: &CancellationToken,
    listed: impl FnMut(u64),
) -> StoreResult<RollbackPlan> {
    let (rows, requests) = list_all(store, bucket, prefix, None, cancel, listed).await?;
    let mut p = plan(bucket, prefix, &rows, at, suspended);
    p.requests = requests;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(key: &str, id: &str, t: i64, latest: bool, marker: bool) -> ObjectVersion {
        ObjectVersion {
            key: key.into(),
            version_id: id.into(),
            is_latest: latest,
            delete_marker: marker,
            size: 10,
            modified: Some(t),
            etag: None,
            storage_class: None,
        }
    }

    #[test]
    fn each_kind_of_history_gets_its_change() {
        let rows = vec![
            // overwritten after T: restore v1
            v("a", "a2", 200, true, false),
            v("a", "a1", 50, false, false),
            // deleted after T: undelete (remove the marker)
            v("b", "bm", 150, true, true),
            v("b", "b1", 50, false, false),
            // created after T: delete marker
            v("c", "c1", 150, true, false),
            // untouched
            v("d", "d1", 50, true, false),
            // deleted before T and still deleted
            v("e", "em", 60, true, true),
            v("e", "e1", 40, false, false),
            // deleted before T, recreated after: delete
            v("f", "f2", 150, true, false),
            v("f", "fm", 60, false, true),
            v("f", "f1", 40, false, false),
            // deleted after T, but a newer version came and went: restore
            v("g", "gm", 190, true, true),
            v("g", "g2", 180, false, false),
            v("g", "g1", 40, false, false),
        ];
        let p = plan("b", "", &rows, 100, false);
        let got: Vec<(&str, &Change)> =
            p.keys.iter().map(|k| (k.key.as_str(), &k.change)).collect();
        assert_eq!(
            got,
            [
                ("a", &Change::Restore),
                ("b", &Change::Undelete),
                ("c", &Change::Delete),
                ("d", &Change::Unchanged),
                ("e", &Change::Unchanged),
                ("f", &Change::Delete),
                ("g", &Change::Restore),
            ]
        );
        assert_eq!(p.keys[0].version.as_ref().unwrap().version_id, "a1");
        assert_eq!(p.keys[1].markers, ["bm"]);
        assert_eq!(p.changes(), 5);
        assert_eq!(p.steps().len(), 5);
    }

    #[test]
    fn same_second_writes_follow_the_listing_order() {
        // Two writes in second 100: the listing puts the later one first.
        let rows = vec![
            v("k", "k3", 200, true, false),
            v("k", "k2", 100, false, false),
            v("k", "k1", 100, false, false),
        ];
        let p = plan("b", "", &rows, 100, false);
        assert_eq!(p.keys[0].version.as_ref().unwrap().version_id, "k2");
    }

    #[test]
    fn a_write_and_a_delete_in_the_same_second_are_not_guessed_at() {
        let rows = vec![
            v("k", "k2", 200, true, false),
            v("k", "km", 100, false, true),
            v("k", "k1", 100, false, false),
        ];
        assert!(matches!(
            plan("b", "", &rows, 100, false).keys[0].change,
            Change::Blocked(_)
        ));
        // Nothing since the moment: today's state is the moment's.
        assert_eq!(
            plan("b", "", &rows, 300, false).keys[0].change,
            Change::Unchanged
        );
        // Two writes in one second are fine: the listing orders them.
        let rows = vec![
            v("k", "k2", 100, true, false),
            v("k", "k1", 100, false, false),
        ];
        assert_eq!(
            plan("b", "", &rows, 150, false).keys[0].change,
            Change::Unchanged
        );
    }

    #[test]
    fn archived_versions_and_suspended_buckets_are_blocked() {
        let mut old = v("a", "a1", 50, false, false);
        old.storage_class = Some("DEEP_ARCHIVE".into());
        let rows = vec![v("a", "a2", 200, true, false), old];
        assert!(matches!(
            plan("b", "", &rows, 100, false).keys[0].change,
            Change::Blocked(_)
        ));
        let rows = vec![v("c", "c1", 150, true, false)];
        assert!(matches!(
            plan("b", "", &rows, 100, true).keys[0].change,
            Change::Blocked(_)
        ));
    }

    #[test]
    fn undelete_removes_only_the_markers_on_top() {
        let rows = vec![
            v("d/a", "am2", 90, true, true),
            v("d/a", "am1", 80, false, true),
            v("d/a", "a1", 50, false, false),
            v("d/b", "b1", 50, true, false),
            v("d/c", "cm", 60, true, true),
            v("d/a.bak", "xm", 60, true, true),
            v("d/a.bak", "x1", 50, false, false),
        ];
        let p = plan_undelete("b", "d/", &rows, false);
        let got: Vec<(&str, &Change)> =
            p.keys.iter().map(|k| (k.key.as_str(), &k.change)).collect();
        assert_eq!(
            got,
            [
                ("d/a", &Change::Undelete),
                ("d/b", &Change::Unchanged),
                ("d/c", &Change::Unchanged),
                ("d/a.bak", &Change::Undelete),
            ]
        );
        assert_eq!(p.keys[0].markers, ["am2", "am1"]);
        // One key: its sibling a.bak shares the prefix but is left alone.
        let p = plan_undelete("b", "d/a", &rows, true);
        assert_eq!(p.changes(), 1);
    }

    #[test]
    fn only_a_versioned_bucket_can_be_rolled_back() {
        assert_eq!(versioning_allows(&Ok(Versioning::Enabled)), Ok(false));
        assert_eq!(versioning_allows(&Ok(Versioning::Suspended)), Ok(true));
        assert!(versioning_allows(&Ok(Versioning::NeverEnabled)).is_err());
        assert!(versioning_allows(&Ok(Versioning::Other("Paused".into()))).is_err());
        // Unreadable (AccessDenied, not implemented): refused, since a
        // delete on an unversioned bucket would be for good.
        assert!(versioning_allows(&Err("AccessDenied".into())).is_err());
    }
}
