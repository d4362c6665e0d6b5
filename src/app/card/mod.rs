//! The bucket card (part 6): on a bucket (a row of the bucket list, or the
//! tree's root) the inspector shows every part of its settings, each
//! set / not set / not supported / denied, and the bucket's posture ("is
//! it public?" and the checklist, weighed for its profile).
//!
//! Parts are read lazily, each as its own task with its own `Load`, when
//! the card is shown; leaving a bucket cancels its reads still under way
//! (what arrived stays, so coming back is instant). Who the caller is and
//! the account's Block Public Access are read once per session.

mod change;
pub mod fixes;
pub mod tasks;
mod update;

pub use change::{check_empty, new_bucket_prompt, on_prompt};
pub use fixes::FixMenu;

pub use tasks::{Reply, Request, Slot};
pub use update::Msg;

use super::{Load, TaskId};
use crate::posture::{Facts, Profile, Read};
use crate::store::CallerIdentity;
use crate::store::settings::{Part, Setting};
use std::collections::{BTreeMap, HashMap};

/// One bucket's card: a slot per part.
#[derive(Clone, Debug, Default)]
pub struct Card {
    pub parts: BTreeMap<Part, Load<Option<Setting>>>,
    /// The profile chosen on the card (else the config's).
    pub profile: Option<Profile>,
}

/// Every card read this session, and what is the account's.
#[derive(Clone, Debug, Default)]
pub struct Cards {
    pub by_bucket: HashMap<String, Card>,
    pub identity: Option<Load<CallerIdentity>>,
    /// The account's Block Public Access, once the identity is known.
    pub account: Option<Load<Option<Setting>>>,
    /// The changes pail made to bucket settings on this endpoint (loaded
    /// from the state dir at start), oldest first: what `u` puts back.
    pub history: Vec<crate::bucket::history::Record>,
    /// The bucket and the change whose value the open prompt asks for.
    pub asking: Option<(String, fixes::Ask)>,
}

fn read(l: &Load<Option<Setting>>) -> Read<'_> {
    match l {
        Load::Loading(_) => Read::Pending,
        Load::Ready(Some(s)) => Read::Set(s),
        Load::Ready(None) => Read::NotSet,
        Load::Failed(e) => Read::Unknown(e),
    }
}

impl Cards {
    /// What is known of `bucket`, for posture and the card's lines.
    pub fn facts(&self, bucket: &str, want_object_lock: bool) -> Facts<'_> {
        let parts = self
            .by_bucket
            .get(bucket)
            .map(|c| c.parts.iter().map(|(p, l)| (*p, read(l))).collect())
            .unwrap_or_default();
        let account = match (&self.identity, &self.account) {
            (Some(Load::Failed(e)), _) => Some(Read::Unknown(e)),
            (_, Some(l)) => Some(read(l)),
            _ => None,
        };
        Facts {
            parts,
            account,
            want_object_lock,
        }
    }

    /// Task `id` ended: a slot still waiting for it goes back to "not
    /// asked" (a cancelled read is asked again when the card shows).
    pub fn task_ended(&mut self, slot: &Slot, id: TaskId) {
        match slot {
            Slot::Part(bucket, part) => {
                if let Some(c) = self.by_bucket.get_mut(bucket)
                    && matches!(c.parts.get(part), Some(Load::Loading(t)) if *t == id)
                {
                    c.parts.remove(part);
                }
            }
            Slot::Identity if Load::waits(&self.identity, id) => self.identity = None,
            Slot::Account if Load::waits(&self.account, id) => self.account = None,
            Slot::Identity | Slot::Account | Slot::Change(_) => {}
        }
    }
}
