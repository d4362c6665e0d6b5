//! `[posture]`: what each bucket is for, so its findings are weighed for
//! that intent (the domain guide's scenarios), and whether object lock is
//! expected. One default, and `[posture.buckets."name"]` per bucket:
//!
//! ```toml
//! [posture]
//! profile = "private-app"        # private-app | static-site | data-lake
//! object_lock = false
//! [posture.buckets."site-assets"]
//! profile = "static-site"
//! ```

use crate::posture::Profile;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Posture {
    pub profile: Profile,
    pub object_lock: bool,
    pub buckets: BTreeMap<String, (Option<Profile>, Option<bool>)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PostureFile {
    profile: Option<String>,
    object_lock: Option<bool>,
    buckets: Option<BTreeMap<String, BucketFile>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BucketFile {
    profile: Option<String>,
    object_lock: Option<bool>,
}

fn profile(s: &str) -> Result<Profile, (&'static str, String)> {
    Profile::parse(s).ok_or_else(|| {
        (
            "profile",
            format!("unknown profile {s:?}: expected private-app, static-site or data-lake"),
        )
    })
}

impl Posture {
    /// The profile and object-lock wish for one bucket.
    pub fn for_bucket(&self, bucket: &str) -> (Profile, bool) {
        let (p, l) = self.buckets.get(bucket).cloned().unwrap_or_default();
        (p.unwrap_or(self.profile), l.unwrap_or(self.object_lock))
    }

    pub(super) fn apply(&mut self, f: &PostureFile) -> Result<(), (&'static str, String)> {
        if let Some(p) = &f.profile {
            self.profile = profile(p)?;
        }
        self.object_lock = f.object_lock.unwrap_or(self.object_lock);
        for (name, b) in f.buckets.iter().flatten() {
            let p = b.profile.as_deref().map(profile).transpose()?;
            self.buckets.insert(name.clone(), (p, b.object_lock));
        }
        Ok(())
    }
}
