//! Reading one part of a bucket's settings (the bucket card): one request
//! per part, its answer in domain types, S3's "not configured" codes as
//! "not set". A part that fails fails alone.

use super::*;
use crate::store::settings::{
    CorsRule, EncryptionRule, Grant, LifecycleRule, Part, PublicAccessBlock, Setting,
};

impl AwsStore {
    pub(super) async fn read_setting(
        &self,
        bucket: &str,
        part: Part,
    ) -> StoreResult<Option<Setting>> {
        match self.read_part(bucket, part).await {
            Err(e)
                if e.code
                    .as_deref()
                    .is_some_and(|c| part.not_set_codes().contains(&c)) =>
            {
                Ok(None)
            }
            // radosgw without static websites enabled refuses the method.
            Err(mut e) if e.code.as_deref() == Some("MethodNotAllowed") => {
                e.kind = ErrorKind::NotImplemented;
                Err(e)
            }
            other => other,
        }
    }

    async fn read_part(&self, bucket: &str, part: Part) -> StoreResult<Option<Setting>> {
        let b = bucket;
        Ok(match part {
            Part::Versioning => {
                let (status, mfa) = self
                    .call(b, None, |c| async move {
                        match c.get_bucket_versioning().bucket(b).send().await {
                            Ok(out) => Ok((
                                out.status().map(|s| s.as_str().to_owned()),
                                out.mfa_delete().map(|m| m.as_str().to_owned()),
                            )),
                            Err(e) => wrapped(e)
                                .map(|x| (element(&x, "Status"), element(&x, "MfaDelete"))),
                        }
                    })
                    .await?;
                Some(Setting::Versioning {
                    status: Versioning::from_status(status.as_deref()),
                    mfa_delete: mfa.as_deref() == Some("Enabled"),
                })
            }
            Part::ObjectLock => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_object_lock_configuration().bucket(b).send().await
                    })
                    .await?;
                out.object_lock_configuration().map(|cfg| {
                    let retention = cfg.rule().and_then(|r| r.default_retention());
                    Setting::ObjectLock {
                        enabled: cfg
                            .object_lock_enabled()
                            .is_some_and(|e| e.as_str() == "Enabled"),
                        mode: retention
                            .and_then(|r| r.mode())
                            .map(|m| m.as_str().to_owned()),
                        days: retention.and_then(|r| r.days()),
                        years: retention.and_then(|r| r.years()),
                    }
                })
            }
            Part::Encryption => {
                let out = self
                    .call(b, None, |c| async move {
                        or_body(c.get_bucket_encryption().bucket(b).send().await)
                    })
                    .await?;
                // radosgw answers a 200 the SDK cannot read: read it by hand.
                let out = match out {
                    Ok(out) => out,
                    Err(x) => {
                        return Ok(element(&x, "SSEAlgorithm").map(|algorithm| {
                            Setting::Encryption(vec![EncryptionRule {
                                algorithm,
                                kms_key: element(&x, "KMSMasterKeyID"),
                                bucket_key: element(&x, "BucketKeyEnabled").as_deref()
                                    == Some("true"),
                            }])
                        }));
                    }
                };
                let rules: Vec<EncryptionRule> = out
                    .server_side_encryption_configuration()
                    .map(|cfg| cfg.rules())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|r| {
                        let d = r.apply_server_side_encryption_by_default()?;
                        Some(EncryptionRule {
                            algorithm: d.sse_algorithm().as_str().to_owned(),
                            kms_key: d.kms_master_key_id().map(str::to_owned),
                            bucket_key: r.bucket_key_enabled().unwrap_or(false),
                        })
                    })
                    .collect();
                (!rules.is_empty()).then_some(Setting::Encryption(rules))
            }
            Part::PublicAccess => {
                let out = self
                    .call(b, None, |c| async move {
                        or_body(c.get_public_access_block().bucket(b).send().await)
                    })
                    .await?;
                let out = match out {
                    Ok(out) => out,
                    Err(x) => {
                        let flag = |n| element(&x, n);
                        let names = [
                            "BlockPublicAcls",
                            "IgnorePublicAcls",
                            "BlockPublicPolicy",
                            "RestrictPublicBuckets",
                        ];
                        if names.iter().all(|n| flag(n).is_none()) {
                            return Ok(None);
                        }
                        let on = |n| flag(n).as_deref() == Some("true");
                        return Ok(Some(Setting::PublicAccess(PublicAccessBlock {
                            block_public_acls: on(names[0]),
                            ignore_public_acls: on(names[1]),
                            block_public_policy: on(names[2]),
                            restrict_public_buckets: on(names[3]),
                        })));
                    }
                };
                out.public_access_block_configuration().map(|p| {
                    Setting::PublicAccess(PublicAccessBlock {
                        block_public_acls: p.block_public_acls().unwrap_or(false),
                        ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
                        block_public_policy: p.block_public_policy().unwrap_or(false),
                        restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
                    })
                })
            }
            Part::Policy => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_policy().bucket(b).send().await
                    })
                    .await?;
                out.policy()
                    .filter(|p| !p.trim().is_empty())
                    .map(|p| Setting::Policy(p.to_owned()))
            }
            Part::PolicyStatus => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_policy_status().bucket(b).send().await
                    })
                    .await?;
                out.policy_status().map(|s| Setting::PolicyStatus {
                    public: s.is_public().unwrap_or(false),
                })
            }
            Part::Acl => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_acl().bucket(b).send().await
                    })
                    .await?;
                let owner = out
                    .owner()
                    .and_then(|o| o.display_name().or(o.id()))
                    .map(str::to_owned);
                let grants = out
                    .grants()
                    .iter()
                    .map(|g| Grant {
                        grantee: g
                            .grantee()
                            .and_then(|w| {
                                w.uri()
                                    .or(w.email_address())
                                    .or(w.display_name())
                                    .or(w.id())
                            })
                            .unwrap_or("?")
                            .to_owned(),
                        permission: g
                            .permission()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_default(),
                    })
                    .collect();
                Some(Setting::Acl { owner, grants })
            }
            Part::Ownership => {
                let out = self
                    .call(b, None, |c| async move {
                        or_body(c.get_bucket_ownership_controls().bucket(b).send().await)
                    })
                    .await?;
                let out = match out {
                    Ok(out) => out,
                    Err(x) => return Ok(element(&x, "ObjectOwnership").map(Setting::Ownership)),
                };
                out.ownership_controls()
                    .and_then(|o| o.rules().first())
                    .map(|r| Setting::Ownership(r.object_ownership().as_str().to_owned()))
            }
            Part::Lifecycle => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_lifecycle_configuration()
                            .bucket(b)
                            .send()
                            .await
                    })
                    .await?;
                let rules: Vec<LifecycleRule> = out.rules().iter().map(lifecycle_rule).collect();
                (!rules.is_empty()).then_some(Setting::Lifecycle(rules))
            }
            Part::Cors => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_cors().bucket(b).send().await
                    })
                    .await?;
                let rules: Vec<CorsRule> = out
                    .cors_rules()
                    .iter()
                    .map(|r| CorsRule {
                        origins: r.allowed_origins().to_vec(),
                        methods: r.allowed_methods().to_vec(),
                        headers: r.allowed_headers().to_vec(),
                        expose: r.expose_headers().to_vec(),
                        max_age: r.max_age_seconds(),
                    })
                    .collect();
                (!rules.is_empty()).then_some(Setting::Cors(rules))
            }
            Part::Replication => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_replication().bucket(b).send().await
                    })
                    .await?;
                out.replication_configuration()
                    // radosgw answers an empty configuration when none is set.
                    .filter(|cfg| !cfg.rules().is_empty())
                    .map(|cfg| Setting::Replication {
                        role: cfg.role().to_owned(),
                        rules: cfg
                            .rules()
                            .iter()
                            .map(|r| {
                                (
                                    r.id().unwrap_or_default().to_owned(),
                                    r.status().as_str().to_owned(),
                                    r.destination()
                                        .map(|d| d.bucket())
                                        .unwrap_or_default()
                                        .to_owned(),
                                )
                            })
                            .collect(),
                    })
            }
            Part::Logging => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_logging().bucket(b).send().await
                    })
                    .await?;
                out.logging_enabled().map(|l| Setting::Logging {
                    target: Some((l.target_bucket().to_owned(), l.target_prefix().to_owned())),
                })
            }
            Part::Website => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_website().bucket(b).send().await
                    })
                    .await?;
                Some(Setting::Website {
                    index: out.index_document().map(|d| d.suffix().to_owned()),
                    error: out.error_document().map(|d| d.key().to_owned()),
                    redirect_to: out
                        .redirect_all_requests_to()
                        .map(|r| r.host_name().to_owned()),
                })
            }
            Part::Tags => {
                let out = self
                    .call(b, None, |c| async move {
                        c.get_bucket_tagging().bucket(b).send().await
                    })
                    .await?;
                let tags: Vec<(String, String)> = out
                    .tag_set()
                    .iter()
                    .map(|t| (t.key().to_owned(), t.value().to_owned()))
                    .collect();
                (!tags.is_empty()).then_some(Setting::Tags(tags))
            }
            Part::Notifications => {
                let out = self
                    .call(b, None, |c| async move {
                        let sent = c.get_bucket_notification_configuration().bucket(b).send();
                        match sent.await {
                            Ok(out) => Ok(Some(out)),
                            // Read by hand: nothing configured, or what pail
                            // cannot show from a body it could not parse.
                            Err(e) => wrapped(e).map(|_| None),
                        }
                    })
                    .await?;
                let Some(out) = out else {
                    return Ok(None);
                };
                let events = |e: &[s3::types::Event]| {
                    e.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")
                };
                let mut lines = Vec::new();
                for t in out.topic_configurations() {
                    lines.push(format!("SNS {} on {}", t.topic_arn(), events(t.events())));
                }
                for q in out.queue_configurations() {
                    lines.push(format!("SQS {} on {}", q.queue_arn(), events(q.events())));
                }
                for l in out.lambda_function_configurations() {
                    lines.push(format!(
                        "Lambda {} on {}",
                        l.lambda_function_arn(),
                        events(l.events())
                    ));
                }
                if out.event_bridge_configuration().is_some() {
                    lines.push("EventBridge: every event".into());
                }
                (!lines.is_empty()).then_some(Setting::Notifications(lines))
            }
            Part::RequestPayment => {
                let payer = self
                    .call(b, None, |c| async move {
                        match c.get_bucket_request_payment().bucket(b).send().await {
                            Ok(out) => Ok(out.payer().map(|p| p.as_str().to_owned())),
                            Err(e) => wrapped(e).map(|x| element(&x, "Payer")),
                        }
                    })
                    .await?;
                Some(Setting::RequestPayment {
                    requester_pays: payer.as_deref() == Some("Requester"),
                })
            }
        })
    }
}

/// The body of an answer the SDK could not read although it was a 200
/// (moto names its root elements `Get…Response`, which the SDK rejects):
/// an answer all the same, read by hand; any other error stays one.
// The error is the SDK's own, passed through unchanged: `call` wants it.
#[allow(clippy::result_large_err)]
pub(super) fn wrapped<E>(
    e: SdkError<E, HttpResponse>,
) -> Result<String, SdkError<E, HttpResponse>> {
    match e {
        SdkError::ServiceError(se) if se.raw().status().as_u16() == 200 => {
            let body = se.raw().body().bytes().unwrap_or_default();
            Ok(String::from_utf8_lossy(body).into_owned())
        }
        e => Err(e),
    }
}

/// An answer, or the body of a 200 the SDK could not read (see `wrapped`).
#[allow(clippy::result_large_err)]
fn or_body<T, E>(
    r: Result<T, SdkError<E, HttpResponse>>,
) -> Result<Result<T, String>, SdkError<E, HttpResponse>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) => wrapped(e).map(Err),
    }
}

/// The text of the first `<name>…</name>` in `xml`.
pub(super) fn element(xml: &str, name: &str) -> Option<String> {
    let (_, rest) = xml.split_once(&format!("<{name}>"))?;
    let (text, _) = rest.split_once(&format!("</{name}>"))?;
    Some(text.trim().to_owned())
}

fn lifecycle_rule(r: &s3::types::LifecycleRule) -> LifecycleRule {
    #[allow(deprecated)]
    let legacy_prefix = r.prefix().map(str::to_owned);
    let prefix = r
        .filter()
        .and_then(|f| f.prefix().or(f.and().and_then(|a| a.prefix())))
        .map(str::to_owned)
        .or(legacy_prefix)
        .unwrap_or_default();
    LifecycleRule {
        id: r.id().map(str::to_owned),
        enabled: r.status().as_str() == "Enabled",
        prefix,
        transitions: r
            .transitions()
            .iter()
            .filter_map(|t| Some((t.days()?, t.storage_class()?.as_str().to_owned())))
            .collect(),
        expire_days: r.expiration().and_then(|e| e.days()),
        noncurrent_transitions: r
            .noncurrent_version_transitions()
            .iter()
            .filter_map(|t| Some((t.noncurrent_days()?, t.storage_class()?.as_str().to_owned())))
            .collect(),
        noncurrent_expire_days: r
            .noncurrent_version_expiration()
            .and_then(|e| e.noncurrent_days()),
        abort_incomplete_days: r
            .abort_incomplete_multipart_upload()
            .and_then(|a| a.days_after_initiation()),
    }
}
