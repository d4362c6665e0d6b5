//! Reads everything posture needs at once, for the command line (the card
//! reads each part as its own task, so each has its own loading state):
//! the sixteen parts in parallel, and beside them who the caller is and
//! the account's Block Public Access.

use super::{Facts, Read};
use crate::store::settings::{Part, Setting};
use crate::store::{CallerIdentity, Store, StoreResult};
use std::collections::BTreeMap;

/// What was read, owned; [`Gathered::facts`] lends it to `assess`.
#[derive(Debug)]
pub struct Gathered {
    pub parts: BTreeMap<Part, StoreResult<Option<Setting>>>,
    pub identity: StoreResult<CallerIdentity>,
    pub account: StoreResult<Option<Setting>>,
}

impl Gathered {
    pub fn facts(&self, want_object_lock: bool) -> Facts<'_> {
        Facts {
            parts: self.parts.iter().map(|(p, r)| (*p, Read::of(r))).collect(),
            account: Some(Read::of(&self.account)),
            want_object_lock,
        }
    }
}

/// The account's Block Public Access, read with the caller's account id
/// (`Setting::PublicAccess` when set).
pub async fn account_block(
    store: &dyn Store,
    identity: &StoreResult<CallerIdentity>,
) -> StoreResult<Option<Setting>> {
    match identity {
        Ok(id) => Ok(store
            .account_public_access(&id.account)
            .await?
            .map(Setting::PublicAccess)),
        Err(e) => Err(e.clone()),
    }
}

pub async fn gather(store: &dyn Store, bucket: &str) -> Gathered {
    let parts = futures::future::join_all(
        Part::ALL
            .into_iter()
            .map(|p| async move { (p, store.bucket_setting(bucket, p).await) }),
    );
    let account = async {
        let identity = store.caller_identity().await;
        let account = account_block(store, &identity).await;
        (identity, account)
    };
    let (parts, (identity, account)) = futures::join!(parts, account);
    Gathered {
        parts: parts.into_iter().collect(),
        identity,
        account,
    }
}
