//! Fixes from the bucket card (part 6 §3): each finding with a safe fix,
//! and the edits an operator makes by hand (a CORS rule for browser
//! uploads, a prefix-only policy for an app role, SSE-KMS with a key), as
//! a [`Change`] of one part of the settings: what it is now, what it will
//! be. Pure: the card previews the change as a diff and [`apply`] makes it
//! only if the part still reads as it did when it was previewed, so a
//! second operator's edit is never overwritten by a stale preview.
//!
//! Changes add to what is there (a lifecycle rule next to the others, a
//! policy statement next to the others, a CORS rule after the others);
//! only settings that are one value (Block Public Access, versioning,
//! encryption, ownership) are replaced, and the old value is kept for undo.

use super::templates;
use crate::posture::Check;
use crate::store::settings::{
    CorsRule, EncryptionRule, LifecycleRule, Part, PublicAccessBlock, Setting,
};
use crate::store::{Store, StoreError, StoreResult, Versioning};
use serde_json::{Value, json};

/// A change pail knows how to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    BlockPublicAccess,
    EnableVersioning,
    SseS3,
    SseKms {
        key: String,
    },
    BucketKey,
    /// A whole-bucket lifecycle rule from the guide's templates.
    Lifecycle {
        template: String,
    },
    AbortIncomplete {
        days: i32,
    },
    TlsOnly,
    OwnerEnforced,
    Cors {
        origin: String,
        methods: Vec<String>,
    },
    /// The guide's pattern 1: a role may read, write and delete under one
    /// prefix, and list only that prefix.
    RolePrefix {
        role: String,
        prefix: String,
    },
}

/// One part of a bucket's settings, before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub bucket: String,
    pub part: Part,
    /// What it does, in a few words ("Turn Block Public Access on").
    pub title: String,
    pub before: Option<Setting>,
    pub after: Option<Setting>,
}

impl Fix {
    /// The fix offered for a finding, if it has a safe one.
    pub fn for_check(check: Check) -> Option<Fix> {
        Some(match check {
            Check::Public | Check::PublicAccessBlock => Fix::BlockPublicAccess,
            Check::Versioning => Fix::EnableVersioning,
            Check::Encryption => Fix::SseS3,
            Check::KmsBucketKey => Fix::BucketKey,
            Check::Lifecycle => Fix::Lifecycle {
                template: "tiering".into(),
            },
            Check::NoncurrentExpiry => Fix::Lifecycle {
                template: "noncurrent-30".into(),
            },
            Check::AbortIncomplete => Fix::AbortIncomplete { days: 7 },
            Check::TlsOnly => Fix::TlsOnly,
            Check::AclsEnabled => Fix::OwnerEnforced,
            // Logging needs a log bucket that accepts the logs, object lock
            // can only be set at creation, and turning a website off may
            // break a site: none is a safe one-key fix.
            Check::AccessLogging | Check::ObjectLock | Check::Website => return None,
        })
    }

    /// The part of the settings it changes.
    pub fn part(&self) -> Part {
        match self {
            Fix::BlockPublicAccess => Part::PublicAccess,
            Fix::EnableVersioning => Part::Versioning,
            Fix::SseS3 | Fix::SseKms { .. } | Fix::BucketKey => Part::Encryption,
            Fix::Lifecycle { .. } | Fix::AbortIncomplete { .. } => Part::Lifecycle,
            Fix::TlsOnly | Fix::RolePrefix { .. } => Part::Policy,
            Fix::OwnerEnforced => Part::Ownership,
            Fix::Cors { .. } => Part::Cors,
        }
    }

    pub fn title(&self) -> String {
        match self {
            Fix::BlockPublicAccess => "Turn Block Public Access on (all four settings)".into(),
            Fix::EnableVersioning => "Enable versioning".into(),
            Fix::SseS3 => "Default encryption: SSE-S3 (AES256)".into(),
            Fix::SseKms { key } => {
                format!("Default encryption: SSE-KMS with {key} and a bucket key")
            }
            Fix::BucketKey => "Turn the bucket key on for SSE-KMS".into(),
            Fix::Lifecycle { template } => format!(
                "Lifecycle: {}",
                templates::describe(template).unwrap_or(template)
            ),
            Fix::AbortIncomplete { days } => {
                format!("Lifecycle: incomplete multipart uploads aborted after {days} days")
            }
            Fix::TlsOnly => "Policy: deny requests without TLS (aws:SecureTransport)".into(),
            Fix::OwnerEnforced => "Object ownership: bucket owner enforced (ACLs off)".into(),
            Fix::Cors { origin, methods } => {
                format!("CORS: allow {} from {origin}", methods.join(", "))
            }
            Fix::RolePrefix { role, prefix } => {
                format!("Policy: {role} may read, write and list only {prefix}")
            }
        }
    }

    /// The change this fix makes to `bucket`, whose part reads `current`.
    /// `Err` says why it cannot (nothing to change, a policy pail cannot
    /// edit, a bad value).
    pub fn change(&self, bucket: &str, current: Option<&Setting>) -> Result<Change, String> {
        let after = self.apply_to(bucket, current)?;
        if after.as_ref() == current {
            return Err("nothing to change: it is already so".into());
        }
        Ok(Change {
            bucket: bucket.to_owned(),
            part: self.part(),
            title: self.title(),
            before: current.cloned(),
            after,
        })
    }

    fn apply_to(&self, bucket: &str, current: Option<&Setting>) -> Result<Option<Setting>, String> {
        Ok(Some(match self {
            Fix::BlockPublicAccess => Setting::PublicAccess(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            }),
            Fix::EnableVersioning => {
                if let Some(Setting::Versioning {
                    status: Versioning::Enabled,
                    ..
                }) = current
                {
                    return Ok(current.cloned());
                }
                let mfa_delete = matches!(
                    current,
                    Some(Setting::Versioning {
                        mfa_delete: true,
                        ..
                    })
                );
                Setting::Versioning {
                    status: Versioning::Enabled,
                    mfa_delete,
                }
            }
            Fix::SseS3 => Setting::Encryption(vec![EncryptionRule {
                algorithm: "AES256".into(),
                kms_key: None,
                bucket_key: false,
            }]),
            Fix::SseKms { key } => {
                let key = key.trim();
                if key.is_empty() || key.chars().any(char::is_whitespace) {
                    return Err("type a KMS key id, ARN or alias/name".into());
                }
                Setting::Encryption(vec![EncryptionRule {
                    algorithm: "aws:kms".into(),
                    kms_key: Some(key.to_owned()),
                    bucket_key: true,
                }])
            }
            Fix::BucketKey => match current {
                Some(Setting::Encryption(rules)) => Setting::Encryption(
                    rules
                        .iter()
                        .map(|r| EncryptionRule {
                            bucket_key: r.bucket_key || r.algorithm.starts_with("aws:kms"),
                            ..r.clone()
                        })
                        .collect(),
                ),
                _ => return Err("the bucket has no SSE-KMS default encryption".into()),
            },
            Fix::Lifecycle { template } => {
                let mut rule = templates::rule(std::slice::from_ref(template))?;
                rule.id = Some(format!("pail-{template}"));
                with_rule(current, rule)
            }
            Fix::AbortIncomplete { days } => {
                if !(1..=36500).contains(days) {
                    return Err("type a number of days from 1".into());
                }
                with_rule(
                    current,
                    LifecycleRule {
                        id: Some(format!("pail-abort-{days}")),
                        enabled: true,
                        abort_incomplete_days: Some(*days),
                        ..Default::default()
                    },
                )
            }
            Fix::TlsOnly => {
                let arn = format!("arn:aws:s3:::{bucket}");
                let st = json!({
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [arn, format!("{arn}/*")],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                });
                Setting::Policy(with_statements(current, vec![st])?)
            }
            Fix::RolePrefix { role, prefix } => Setting::Policy(with_statements(
                current,
                role_prefix(bucket, role, prefix)?,
            )?),
            Fix::OwnerEnforced => Setting::Ownership("BucketOwnerEnforced".into()),
            Fix::Cors { origin, methods } => {
                let rule = cors_rule(origin, methods)?;
                let mut rules = match current {
                    Some(Setting::Cors(r)) => r.clone(),
                    _ => Vec::new(),
                };
                if rules
                    .iter()
                    .any(|r| r.origins == rule.origins && r.methods == rule.methods)
                {
                    return Ok(current.cloned());
                }
                rules.push(rule);
                Setting::Cors(rules)
            }
        }))
    }
}

/// Adds `rule` to the lifecycle rules, replacing one with its id.
fn with_rule(current: Option<&Setting>, rule: LifecycleRule) -> Setting {
    let mut rules = match current {
        Some(Setting::Lifecycle(r)) => r.clone(),
        _ => Vec::new(),
    };
    match rules.iter_mut().find(|r| r.id == rule.id) {
        Some(r) => *r = rule,
        None => rules.push(rule),
    }
    Setting::Lifecycle(rules)
}

/// The policy with `add` appended to its statements (a new policy when
/// there is none); a statement whose `Sid` is already there is not added
/// twice.
fn with_statements(current: Option<&Setting>, add: Vec<Value>) -> Result<String, String> {
    let mut doc = match current {
        Some(Setting::Policy(text)) => serde_json::from_str::<Value>(text)
            .map_err(|e| format!("the policy is not JSON pail can edit: {e}"))?,
        _ => json!({"Version": "2012-10-17", "Statement": []}),
    };
    let Some(obj) = doc.as_object_mut() else {
        return Err("the policy is not a JSON object".into());
    };
    let statements = obj.entry("Statement").or_insert_with(|| json!([]));
    if statements.is_object() {
        *statements = Value::Array(vec![statements.take()]);
    }
    let Some(list) = statements.as_array_mut() else {
        return Err("the policy's Statement is neither a list nor an object".into());
    };
    for st in add {
        let sid = st.get("Sid").cloned();
        if sid.is_some() && list.iter().any(|s| s.get("Sid") == sid.as_ref()) {
            continue;
        }
        list.push(st);
    }
    serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())
}

/// The guide's pattern 1 for `role` on `prefix` (which ends with `/`, so
/// `docs/` never reaches `docs-old/`).
fn role_prefix(bucket: &str, role: &str, prefix: &str) -> Result<Vec<Value>, String> {
    let role = role.trim();
    let principal = if role.len() == 12 && role.chars().all(|c| c.is_ascii_digit()) {
        format!("arn:aws:iam::{role}:root")
    } else if role.starts_with("arn:") && role.split(':').count() >= 6 && !role.contains(' ') {
        role.to_owned()
    } else {
        return Err(
            "type the role's ARN (arn:aws:iam::123456789012:role/app) or an account id".into(),
        );
    };
    let prefix = prefix.trim().trim_start_matches('/');
    if prefix.is_empty() {
        return Err("type a prefix (user-uploads/): the whole bucket is not a prefix".into());
    }
    let prefix = if prefix.ends_with('/') {
        prefix.to_owned()
    } else {
        format!("{prefix}/")
    };
    let sid: String = prefix
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    let arn = format!("arn:aws:s3:::{bucket}");
    Ok(vec![
        json!({
            "Sid": format!("PailPrefixObjects{sid}"),
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": format!("{arn}/{prefix}*")
        }),
        json!({
            "Sid": format!("PailPrefixList{sid}"),
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "s3:ListBucket",
            "Resource": arn,
            "Condition": {"StringLike": {"s3:prefix": [format!("{prefix}*")]}}
        }),
    ])
}

/// A CORS rule for browser uploads from `origin`.
fn cors_rule(origin: &str, methods: &[String]) -> Result<CorsRule, String> {
    let origin = origin.trim().trim_end_matches('/');
    let ok_origin = origin == "*"
        || ((origin.starts_with("https://") || origin.starts_with("http://"))
            && !origin.contains(' ')
            && origin
                .split("://")
                .nth(1)
                .is_some_and(|h| !h.is_empty() && !h.contains('/')));
    if !ok_origin {
        return Err("type an origin as the browser sends it: https://app.example.com".into());
    }
    let mut ms: Vec<String> = Vec::new();
    for m in methods {
        let m = m.trim().to_ascii_uppercase();
        if !["GET", "PUT", "POST", "DELETE", "HEAD"].contains(&m.as_str()) {
            return Err(format!(
                "{m:?} is not a CORS method: GET, PUT, POST, DELETE or HEAD"
            ));
        }
        if !ms.contains(&m) {
            ms.push(m);
        }
    }
    if ms.is_empty() {
        return Err("name at least one method (PUT, POST…)".into());
    }
    Ok(CorsRule {
        origins: vec![origin.to_owned()],
        methods: ms,
        headers: vec!["*".into()],
        expose: vec!["ETag".into()],
        max_age: Some(3000),
    })
}

impl Change {
    /// The change that puts it back. Versioning that was never enabled
    /// can only be suspended, and says so.
    pub fn undo(&self) -> Change {
        let before = match (&self.part, &self.before) {
            (Part::Versioning, None)
            | (
                Part::Versioning,
                Some(Setting::Versioning {
                    status: Versioning::NeverEnabled,
                    ..
                }),
            ) => Some(Setting::Versioning {
                status: Versioning::Suspended,
                mfa_delete: false,
            }),
            (_, b) => b.clone(),
        };
        Change {
            bucket: self.bucket.clone(),
            part: self.part,
            title: format!("Undo: {}", self.title),
            before: self.after.clone(),
            after: before,
        }
    }
}

/// Why a change was not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotApplied {
    /// The part no longer reads as it did in the preview: someone changed
    /// it. Nothing was written.
    Changed {
        now: Option<Setting>,
    },
    Failed(StoreError),
}

/// Makes `change` if the part still reads as `change.before`, then reads
/// it back: `Ok` holds what the server now says (the `after` an undo
/// will expect).
pub async fn apply(store: &dyn Store, change: &Change) -> Result<Option<Setting>, NotApplied> {
    let (b, part) = (&change.bucket, change.part);
    let now = store
        .bucket_setting(b, part)
        .await
        .map_err(NotApplied::Failed)?;
    if now != change.before {
        return Err(NotApplied::Changed { now });
    }
    let written: StoreResult<()> = match &change.after {
        Some(s) => store.put_bucket_setting(b, s).await,
        None => store.clear_bucket_setting(b, part).await,
    };
    written.map_err(NotApplied::Failed)?;
    Ok(store
        .bucket_setting(b, part)
        .await
        .unwrap_or_else(|_| change.after.clone()))
}

#[cfg(test)]
#[path = "fix_tests.rs"]
mod tests;
