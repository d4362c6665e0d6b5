//! Writing one part of a bucket's settings (fixes from the card, the
//! creation checklist, and undo, which writes the old value back), and
//! creating and deleting buckets. Each call changes one part; the caller
//! has read the old value first and shown the change.

use super::*;
use crate::store::settings::{LifecycleRule, Part, Setting};
use s3::types as t;

// StoreError is the store's one error type; these run once per change.
#[allow(clippy::result_large_err)]
fn build<T, E: std::fmt::Display>(r: Result<T, E>) -> StoreResult<T> {
    r.map_err(|e| StoreError::new(ErrorKind::Other, format!("cannot build the request: {e}")))
}

#[allow(clippy::result_large_err)]
fn lifecycle_rule(r: &LifecycleRule, i: usize) -> StoreResult<t::LifecycleRule> {
    let mut b = t::LifecycleRule::builder()
        .id(r.id.clone().unwrap_or_else(|| format!("pail-{}", i + 1)))
        .status(if r.enabled {
            t::ExpirationStatus::Enabled
        } else {
            t::ExpirationStatus::Disabled
        })
        .filter(t::LifecycleRuleFilter::builder().prefix(&r.prefix).build());
    for (days, class) in &r.transitions {
        b = b.transitions(
            t::Transition::builder()
                .days(*days)
                .storage_class(t::TransitionStorageClass::from(class.as_str()))
                .build(),
        );
    }
    if let Some(d) = r.expire_days {
        b = b.expiration(t::LifecycleExpiration::builder().days(d).build());
    }
    for (days, class) in &r.noncurrent_transitions {
        b = b.noncurrent_version_transitions(
            t::NoncurrentVersionTransition::builder()
                .noncurrent_days(*days)
                .storage_class(t::TransitionStorageClass::from(class.as_str()))
                .build(),
        );
    }
    if let Some(d) = r.noncurrent_expire_days {
        b = b.noncurrent_version_expiration(
            t::NoncurrentVersionExpiration::builder()
                .noncurrent_days(d)
                .build(),
        );
    }
    if let Some(d) = r.abort_incomplete_days {
        b = b.abort_incomplete_multipart_upload(
            t::AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(d)
                .build(),
        );
    }
    build(b.build())
}

impl AwsStore {
    pub(super) async fn write_setting(&self, bucket: &str, s: &Setting) -> StoreResult<()> {
        let b = bucket;
        match s {
            Setting::Versioning { status, .. } => {
                let status = match status {
                    Versioning::Enabled => t::BucketVersioningStatus::Enabled,
                    _ => t::BucketVersioningStatus::Suspended,
                };
                let conf = t::VersioningConfiguration::builder().status(status).build();
                self.call(b, None, |c| {
                    let conf = conf.clone();
                    async move {
                        c.put_bucket_versioning()
                            .bucket(b)
                            .versioning_configuration(conf)
                            .send()
                            .await
                    }
                })
                .await?;
            }
            Setting::Encryption(rules) => {
                let mut conf = t::ServerSideEncryptionConfiguration::builder();
                for r in rules {
                    let by_default = build(
                        t::ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(t::ServerSideEncryption::from(r.algorithm.as_str()))
                            .set_kms_master_key_id(r.kms_key.clone())
                            .build(),
                    )?;
                    conf = conf.rules(
                        t::ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(by_default)
                            .set_bucket_key_enabled(
                                r.algorithm.starts_with("aws:kms").then_some(r.bucket_key),
                            )
                            .build(),
                    );
                }
                let conf = build(conf.build())?;
                self.call(b, None, |c| {
                    let conf = conf.clone();
                    async move {
                        c.put_bucket_encryption()
                            .bucket(b)
                            .server_side_encryption_configuration(conf)
                            .send()
                            .await
                    }
                })
                .await?;
            }
            Setting::PublicAccess(p) => {
                let conf = t::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(p.block_public_acls)
                    .ignore_public_acls(p.ignore_public_acls)
                    .block_public_policy(p.block_public_policy)
                    .restrict_public_buckets(p.restrict_public_buckets)
                    .build();
                self.call(b, None, |c| {
                    let conf = conf.clone();
                    async move {
                        c.put_public_access_block()
                            .bucket(b)
                            .public_access_block_configuration(conf)
                            .send()
                            .await
                    }
                })
                .await?;
            }
            Setting::Policy(doc) => {
                self.call(b, None, |c| async move {
                    c.put_bucket_policy().bucket(b).policy(doc).send().await
                })
                .await?;
            }
            Setting::Ownership(o) => {
                let conf = build(
                    t::OwnershipControls::builder()
                        .rules(build(
                            t::OwnershipControlsRule::builder()
                                .object_ownership(t::ObjectOwnership::from(o.as_str()))
                                .build(),
                        )?)
                        .build(),
                )?;
                self.call(b, None, |c| {
                    let conf = conf.clone();
                    async move {
                        c.put_bucket_ownership_controls()
                            .bucket(b)
                            .ownership_controls(conf)
                            .send()
                            .await
                    }
                })
                .await?;
            }
            Setting::Lifecycle(rules) => {
                let mut conf = t::BucketLifecycleConfiguration::builder();
                for (i, r) in rules.iter().enumerate() {
                    conf = conf.rules(lifecycle_rule(r, i)?);
                }
                let conf = build(conf.build())?;
                self.call(b, None, |c| {
                    let conf = conf.clone();
                    async move {
                        c.put_bucket_lifecycle_configuration()
                            .bucket(b)
                            .lifecycle_configuration(conf)
                            .send()
                            .await
                    }
                })
                .await?;
            }
            Setting::Cors(rules) => {
                let mut conf = t::CorsConfiguration::builder();
                for r in rules {
                    conf = conf.cors_rules(build(
                        t::CorsRule::builder()
                            .set_allowed_origins(Some(r.origins.clone()))
                            .set_allowed_methods(Some(r.methods.clone()))
                            .set_allowed_headers((!r.headers.is_empty()).then(|| r.headers.clone()))
                            .set_expose_headers((!r.expose.is_empty()).then(|| r.expose.clone()))
                            .set_max_age_seconds(r.max_age)
                            .build(),
                    )?);
                }
                let conf = build(conf.build())?;
                self.call(b, None, |c| {
                    let conf = conf.clone();
                    async move {
                        c.put_bucket_cors()
                            .bucket(b)
                            .cors_configuration(conf)
                            .send()
                            .await
                    }
                })
                .await?;
            }
            Setting::Tags(tags) => {
                let mut set = t::Tagging::builder();
                for (k, v) in tags {
                    set = set.tag_set(build(t::Tag::builder().key(k).value(v).build())?);
                }
                let set = build(set.build())?;
                self.call(b, None, |c| {
                    let set = set.clone();
                    async move { c.put_bucket_tagging().bucket(b).tagging(set).send().await }
                })
                .await?;
            }
            other => {
                return Err(StoreError::new(
                    ErrorKind::NotImplemented,
                    format!("pail does not change {} settings", kind(other)),
                ));
            }
        }
        Ok(())
    }

    /// Removes a part, back to "not set".
    pub(super) async fn clear_setting(&self, bucket: &str, part: Part) -> StoreResult<()> {
        let b = bucket;
        match part {
            Part::Encryption => {
                self.call(b, None, |c| async move {
                    c.delete_bucket_encryption().bucket(b).send().await
                })
                .await?;
            }
            Part::PublicAccess => {
                self.call(b, None, |c| async move {
                    c.delete_public_access_block().bucket(b).send().await
                })
                .await?;
            }
            Part::Policy => {
                self.call(b, None, |c| async move {
                    c.delete_bucket_policy().bucket(b).send().await
                })
                .await?;
            }
            Part::Ownership => {
                self.call(b, None, |c| async move {
                    c.delete_bucket_ownership_controls().bucket(b).send().await
                })
                .await?;
            }
            Part::Lifecycle => {
                self.call(b, None, |c| async move {
                    c.delete_bucket_lifecycle().bucket(b).send().await
                })
                .await?;
            }
            Part::Cors => {
                self.call(b, None, |c| async move {
                    c.delete_bucket_cors().bucket(b).send().await
                })
                .await?;
            }
            Part::Tags => {
                self.call(b, None, |c| async move {
                    c.delete_bucket_tagging().bucket(b).send().await
                })
                .await?;
            }
            other => {
                return Err(StoreError::new(
                    ErrorKind::NotImplemented,
                    format!("{} cannot be removed, only changed", other.label()),
                ));
            }
        }
        Ok(())
    }

    /// CreateBucket in `region` (its own location constraint, so a bucket
    /// outside us-east-1 lands where asked), with object lock if asked.
    pub(super) async fn create_bucket_impl(
        &self,
        bucket: &str,
        region: &str,
        object_lock: bool,
    ) -> StoreResult<()> {
        let client = self.client(region);
        let mut req = client.create_bucket().bucket(bucket);
        if region != "us-east-1" {
            req = req.create_bucket_configuration(
                t::CreateBucketConfiguration::builder()
                    .location_constraint(t::BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        if object_lock {
            req = req.object_lock_enabled_for_bucket(true);
        }
        req.send()
            .await
            .map_err(|e| self.convert(e, Some(bucket), None))?;
        self.remember_region(bucket, region);
        Ok(())
    }

    pub(super) async fn delete_bucket_impl(&self, bucket: &str) -> StoreResult<()> {
        self.call(bucket, None, |c| async move {
            c.delete_bucket().bucket(bucket).send().await
        })
        .await?;
        Ok(())
    }
}

fn kind(s: &Setting) -> &'static str {
    match s {
        Setting::ObjectLock { .. } => "object lock",
        Setting::PolicyStatus { .. } => "policy status",
        Setting::Acl { .. } => "ACL",
        Setting::Replication { .. } => "replication",
        Setting::Logging { .. } => "access logging",
        Setting::Website { .. } => "website",
        Setting::Notifications(_) => "notification",
        Setting::RequestPayment { .. } => "requester pays",
        _ => "these",
    }
}
