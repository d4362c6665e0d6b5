//! Plans for archived objects and storage classes (part 6 §7): which
//! objects under a target a restore would ask for (GLACIER and
//! DEEP_ARCHIVE; the rest need none), and which a storage class change
//! would copy in place, with the minimum-duration charges the new class
//! carries. Planned from a complete listing (a listing error plans
//! nothing); running a restore plan asks S3 for exactly its objects.

use crate::store::archive::{Restore, RestoreState, Tier, needs_restore, parse_restore_header};
use crate::store::{GetRequest, ObjectRef, ObjectSummary, Store, StoreError, StoreResult};
use crate::walk::{Walk, WalkOptions};
use futures::StreamExt;

/// The objects the targets name, each once, in key order: every key
/// under a target that ends in `/` (or is the whole bucket), else exactly
/// that key (never `key.bak`).
pub async fn objects(
    store: &dyn Store,
    bucket: &str,
    targets: &[String],
) -> StoreResult<Vec<ObjectSummary>> {
    let mut out = std::collections::BTreeMap::new();
    for target in targets {
        let prefix_target = target.is_empty() || target.ends_with('/');
        let mut walk = Walk::new(store, bucket, target, WalkOptions::default());
        while let Some(batch) = walk.next().await {
            let mut found = false;
            for o in batch? {
                if prefix_target || o.key == *target {
                    found |= o.key == *target;
                    out.insert(o.key.clone(), o);
                }
            }
            if !prefix_target && found {
                break;
            }
        }
    }
    Ok(out.into_values().collect())
}

/// What a restore would ask for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RestorePlan {
    pub bucket: String,
    /// The archived objects, each with its class.
    pub objects: Vec<ObjectSummary>,
    pub bytes: u64,
    /// Objects left out: not archived (they read as they are).
    pub readable: u64,
}

impl RestorePlan {
    /// The job that asks for exactly this plan's objects.
    pub fn spec(&self, days: i32, tier: Tier) -> crate::engine::Spec {
        crate::engine::Spec::Thaw {
            bucket: self.bucket.clone(),
            keys: self
                .objects
                .iter()
                .map(|o| (o.key.clone(), o.size))
                .collect(),
            days,
            tier,
        }
    }

    /// The classes in the plan, each with its count.
    pub fn classes(&self) -> Vec<(String, u64)> {
        let mut by: std::collections::BTreeMap<String, u64> = Default::default();
        for o in &self.objects {
            *by.entry(o.storage_class.clone().unwrap_or_default())
                .or_default() += 1;
        }
        by.into_iter().collect()
    }
}

pub async fn plan_restore(
    store: &dyn Store,
    bucket: &str,
    targets: &[String],
) -> StoreResult<RestorePlan> {
    let all = objects(store, bucket, targets).await?;
    let mut plan = RestorePlan {
        bucket: bucket.to_owned(),
        ..Default::default()
    };
    for o in all {
        if needs_restore(o.storage_class.as_deref()) {
            plan.bytes += o.size;
            plan.objects.push(o);
        } else {
            plan.readable += 1;
        }
    }
    Ok(plan)
}

/// Asks for every object of `plan`, `concurrency` at a time; the answers
/// come back in the plan's order.
pub async fn run_restore(
    store: &dyn Store,
    plan: &RestorePlan,
    days: i32,
    tier: Tier,
    concurrency: usize,
) -> Vec<(String, Result<Restore, StoreError>)> {
    futures::stream::iter(plan.objects.iter())
        .map(|o| async move {
            let obj = ObjectRef::new(&plan.bucket, &o.key);
            (o.key.clone(), store.restore_object(&obj, days, tier).await)
        })
        .buffered(concurrency.max(1))
        .collect()
        .await
}

/// The least a class bills an object for, whatever happens to it sooner:
/// (minimum days, minimum billable bytes), as AWS prices them.
pub fn minimums(class: &str) -> (u32, u64) {
    match class {
        "STANDARD_IA" | "ONEZONE_IA" => (30, 128 * 1024),
        "GLACIER_IR" => (90, 128 * 1024),
        "GLACIER" => (90, 40 * 1024),
        "DEEP_ARCHIVE" => (180, 40 * 1024),
        _ => (0, 0),
    }
}

/// The classes an object can be copied to.
pub const CLASSES: [&str; 7] = [
    "STANDARD",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
];

/// What a storage class change would copy in place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClassPlan {
    pub bucket: String,
    pub to: String,
    pub objects: Vec<ObjectSummary>,
    pub bytes: u64,
    /// Already in the class.
    pub same: u64,
    /// Archived and not restored: must be restored before they can be
    /// copied (a restore under way counts here too).
    pub archived: Vec<String>,
    /// Archived objects with a restored copy: in the plan (the copy of a
    /// restored object is a readable object in the new class).
    pub restored: u64,
    /// Smaller than the class's minimum billable size (billed as that).
    pub small: u64,
}

/// HEADs in flight at once to learn an archived object's restore state
/// when its listing did not say.
const HEADS: usize = 16;

pub async fn plan_class(
    store: &dyn Store,
    bucket: &str,
    targets: &[String],
    to: &str,
) -> StoreResult<ClassPlan> {
    let all = objects(store, bucket, targets).await?;
    let (_, min_bytes) = minimums(to);
    let mut plan = ClassPlan {
        bucket: bucket.to_owned(),
        to: to.to_owned(),
        ..Default::default()
    };
    let restored = restored_copies(store, bucket, &all, to).await?;
    for o in all {
        let class = o.storage_class.as_deref().unwrap_or("STANDARD");
        if class == to {
            plan.same += 1;
        } else if needs_restore(Some(class)) && !restored.contains(&o.key) {
            plan.archived.push(o.key);
        } else {
            plan.restored += u64::from(needs_restore(Some(class)));
            plan.small += u64::from(o.size < min_bytes);
            plan.bytes += o.size;
            plan.objects.push(o);
        }
    }
    Ok(plan)
}

/// The archived objects (not already in `to`) that have a restored copy:
/// from the listing's RestoreStatus where it has one (AWS), else from a
/// HEAD's `x-amz-restore` (every other server; a HEAD that fails is a
/// listing that failed: nothing is planned on a guess).
async fn restored_copies(
    store: &dyn Store,
    bucket: &str,
    all: &[ObjectSummary],
    to: &str,
) -> StoreResult<std::collections::HashSet<String>> {
    let archived = all.iter().filter(|o| {
        let class = o.storage_class.as_deref();
        needs_restore(class) && class != Some(to)
    });
    let mut out = std::collections::HashSet::new();
    let mut ask = Vec::new();
    for o in archived {
        match &o.restore {
            Some(RestoreState::Restored { .. }) => {
                out.insert(o.key.clone());
            }
            Some(RestoreState::InProgress) => {}
            None => ask.push(o.key.clone()),
        }
    }
    let heads: Vec<StoreResult<(String, bool)>> = futures::stream::iter(ask)
        .map(|key| async move {
            let head = store
                .head_object(&GetRequest::object(&ObjectRef::new(bucket, &key)))
                .await?;
            let restored = head
                .restore
                .as_deref()
                .and_then(parse_restore_header)
                .is_some_and(|r| matches!(r, RestoreState::Restored { .. }));
            Ok((key, restored))
        })
        .buffer_unordered(HEADS)
        .collect()
        .await;
    for h in heads {
        let (key, restored) = h?;
        if restored {
            out.insert(key);
        }
    }
    Ok(out)
}

/// What a restore or a storage class change is asked to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Goal {
    /// A restore of the archived objects for `days` at `tier`.
    Thaw { days: i32, tier: Tier },
    /// A copy in place in class `to`.
    Class { to: String },
}

/// What the listing planned for a [`Goal`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchivePlan {
    Thaw(RestorePlan),
    Class(ClassPlan),
}

#[cfg(test)]
mod tests {
    #[test]
    fn colder_classes_bill_a_minimum() {
        assert_eq!(super::minimums("STANDARD_IA"), (30, 131_072));
        assert_eq!(super::minimums("DEEP_ARCHIVE").0, 180);
        assert_eq!(super::minimums("STANDARD"), (0, 0));
    }
}
