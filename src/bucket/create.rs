//! Creating a bucket with the domain guide's checklist as defaults: the
//! bucket in the chosen region, Block Public Access on, object ownership
//! "bucket owner enforced" (ACLs off), versioning on, default encryption
//! (SSE-S3, or SSE-KMS with a bucket key), an optional lifecycle rule and
//! tags. Each step is its own request and its own result, reported as it
//! ends: a server that refuses one (radosgw without KMS refuses
//! encryption) leaves the others done and says which failed.

use crate::store::settings::{EncryptionRule, LifecycleRule, PublicAccessBlock, Setting};
use crate::store::{ErrorKind, Store, StoreError, Versioning};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checklist {
    pub bucket: String,
    pub region: String,
    pub block_public: bool,
    pub enforce_owner: bool,
    pub versioning: bool,
    pub encryption: bool,
    /// SSE-KMS with this key (with a bucket key); `None`: SSE-S3.
    pub kms_key: Option<String>,
    pub object_lock: bool,
    pub lifecycle: Option<LifecycleRule>,
    /// The templates `lifecycle` was made of, so options add to it.
    pub lifecycle_names: Vec<String>,
    pub tags: Vec<(String, String)>,
}

impl Checklist {
    /// The guide's defaults for `bucket` in `region`.
    pub fn new(bucket: &str, region: &str) -> Checklist {
        Checklist {
            bucket: bucket.to_owned(),
            region: region.to_owned(),
            block_public: true,
            enforce_owner: true,
            versioning: true,
            encryption: true,
            kms_key: None,
            object_lock: false,
            lifecycle: None,
            lifecycle_names: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// Changes one step from a word the `N` prompt takes after the name
    /// and region, spelled as `pail mb`'s flags (the `--` optional):
    /// `no-versioning`, `allow-public`, `acls`, `no-encryption`,
    /// `kms-key=KEY`, `object-lock`, `lifecycle=T[,T…]`, `tag=K=V`.
    /// `Err` says why the word is not one.
    pub fn option(&mut self, word: &str) -> Result<(), String> {
        let w = word.trim_start_matches("--");
        let (name, value) = match w.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (w, None),
        };
        match (name, value) {
            ("no-versioning", None) => self.versioning = false,
            ("allow-public", None) => self.block_public = false,
            ("acls", None) => self.enforce_owner = false,
            ("no-encryption", None) => {
                self.encryption = false;
                self.kms_key = None;
            }
            ("object-lock", None) => self.object_lock = true,
            ("kms-key", Some(k)) if !k.is_empty() => {
                self.encryption = true;
                self.kms_key = Some(k.to_owned());
            }
            ("lifecycle", Some(t)) => {
                let mut names: Vec<String> = self.lifecycle_names.clone();
                names.extend(t.split(',').filter(|n| !n.is_empty()).map(str::to_owned));
                self.lifecycle = Some(super::templates::rule(&names)?);
                self.lifecycle_names = names;
            }
            ("tag", Some(kv)) => match kv.split_once('=') {
                Some((k, v)) if !k.is_empty() => self.tags.push((k.to_owned(), v.to_owned())),
                _ => return Err(format!("tag={kv}: expected tag=KEY=VALUE")),
            },
            _ => {
                return Err(format!(
                    "{word}: not an option (no-versioning, allow-public, acls, no-encryption, \
                     kms-key=KEY, object-lock, lifecycle={}, tag=KEY=VALUE)",
                    super::templates::NAMES.join("|")
                ));
            }
        }
        Ok(())
    }

    /// The settings written after CreateBucket, in order, each with its
    /// line for the checklist.
    pub fn settings(&self) -> Vec<(String, Setting)> {
        let mut out = Vec::new();
        if self.block_public {
            let all = PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            };
            out.push((
                "Block Public Access: all four on".into(),
                Setting::PublicAccess(all),
            ));
        }
        if self.enforce_owner {
            out.push((
                "Object ownership: bucket owner enforced (ACLs off)".into(),
                Setting::Ownership("BucketOwnerEnforced".into()),
            ));
        }
        if self.versioning {
            out.push((
                "Versioning: enabled".into(),
                Setting::Versioning {
                    status: Versioning::Enabled,
                    mfa_delete: false,
                },
            ));
        }
        if self.encryption {
            let (line, rule) = match &self.kms_key {
                None => (
                    "Default encryption: SSE-S3 (AES256)".to_owned(),
                    EncryptionRule {
                        algorithm: "AES256".into(),
                        kms_key: None,
                        bucket_key: false,
                    },
                ),
                Some(k) => (
                    format!("Default encryption: SSE-KMS key {k}, bucket key on"),
                    EncryptionRule {
                        algorithm: "aws:kms".into(),
                        kms_key: Some(k.clone()),
                        bucket_key: true,
                    },
                ),
            };
            out.push((line, Setting::Encryption(vec![rule])));
        }
        if let Some(r) = &self.lifecycle {
            out.push((
                format!("Lifecycle: {}", crate::posture::words::lifecycle_rule(r)),
                Setting::Lifecycle(vec![r.clone()]),
            ));
        }
        if !self.tags.is_empty() {
            let words: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push((
                format!("Tags: {}", words.join(", ")),
                Setting::Tags(self.tags.clone()),
            ));
        }
        out
    }

    /// Every step's line, CreateBucket first, as the checklist shows them
    /// before anything runs.
    pub fn lines(&self) -> Vec<String> {
        let lock = if self.object_lock {
            ", object lock enabled"
        } else {
            ""
        };
        let mut out = vec![format!(
            "Create s3://{} in {}{lock}",
            self.bucket, self.region
        )];
        out.extend(self.settings().into_iter().map(|(l, _)| l));
        out
    }
}

/// One step as it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Done {
    pub line: String,
    pub result: Result<(), StoreError>,
}

/// Runs the checklist: CreateBucket, then each setting. If the bucket
/// cannot be created nothing else is tried. `on_step` hears each step as
/// it ends.
pub async fn create(store: &dyn Store, c: &Checklist, mut on_step: impl FnMut(&Done)) -> Vec<Done> {
    let mut done = Vec::new();
    let mut lines = c.lines().into_iter();
    // S3 in us-east-1 answers CreateBucket on a bucket you already own
    // with 200 OK: the steps after it would then replace that bucket's
    // lifecycle, tags and encryption. A bucket that answers is never
    // touched.
    let result = match store.bucket_region(&c.bucket).await {
        Ok(region) => Err(StoreError::new(
            ErrorKind::Other,
            format!(
                "the bucket already exists (in {region}); pail mb never changes an existing bucket"
            ),
        )),
        Err(_) => {
            store
                .create_bucket(&c.bucket, &c.region, c.object_lock)
                .await
        }
    };
    let first = Done {
        line: lines.next().unwrap_or_default(),
        result,
    };
    on_step(&first);
    let created = first.result.is_ok();
    done.push(first);
    if !created {
        return done;
    }
    for (line, setting) in c.settings() {
        let d = Done {
            result: store.put_bucket_setting(&c.bucket, &setting).await,
            line,
        };
        on_step(&d);
        done.push(d);
    }
    done
}
