//! Each bucket setting in words, as the card and `pail posture` print it:
//! lifecycle rules as sentences ("after 30 days → STANDARD_IA; …"), the
//! policy pretty-printed, grants by who and what. Lines come back raw
//! (server text included): the caller cleans them for the terminal.

use crate::store::settings::{LifecycleRule, Part, Setting};

/// One-line summary of a set part; `detail` gives the lines under it.
pub fn summary(s: &Setting) -> String {
    match s {
        Setting::Versioning { status, mfa_delete } => {
            let mfa = if *mfa_delete { ", MFA delete on" } else { "" };
            format!("{status}{mfa}")
        }
        Setting::ObjectLock {
            enabled,
            mode,
            days,
            years,
        } => {
            if !enabled {
                return "off".into();
            }
            match (mode, days, years) {
                (Some(m), Some(d), _) => format!("on, default {m} for {d} days"),
                (Some(m), _, Some(y)) => format!("on, default {m} for {y} years"),
                _ => "on, no default retention".into(),
            }
        }
        Setting::Encryption(rules) => rules
            .iter()
            .map(|r| {
                let name = match r.algorithm.as_str() {
                    "AES256" => "SSE-S3 (AES256)".to_owned(),
                    "aws:kms" => "SSE-KMS".to_owned(),
                    "aws:kms:dsse" => "DSSE-KMS".to_owned(),
                    other => other.to_owned(),
                };
                let key = r
                    .kms_key
                    .as_ref()
                    .map(|k| format!(" key {k}"))
                    .unwrap_or_default();
                let bk = if r.algorithm.starts_with("aws:kms") {
                    if r.bucket_key {
                        ", bucket key on"
                    } else {
                        ", bucket key off"
                    }
                } else {
                    ""
                };
                format!("{name}{key}{bk}")
            })
            .collect::<Vec<_>>()
            .join("; "),
        Setting::PublicAccess(b) => {
            if b.all() {
                "all four on".into()
            } else {
                let flag = |v: bool| if v { "on" } else { "off" };
                format!(
                    "BlockPublicAcls {}, IgnorePublicAcls {}, BlockPublicPolicy {}, RestrictPublicBuckets {}",
                    flag(b.block_public_acls),
                    flag(b.ignore_public_acls),
                    flag(b.block_public_policy),
                    flag(b.restrict_public_buckets)
                )
            }
        }
        Setting::Policy(doc) => match super::policy::parse(doc) {
            Ok(st) => format!(
                "{} statement{}",
                st.len(),
                if st.len() == 1 { "" } else { "s" }
            ),
            Err(e) => e,
        },
        Setting::PolicyStatus { public } => {
            if *public {
                "AWS says: public".into()
            } else {
                "AWS says: not public".into()
            }
        }
        Setting::Acl { grants, .. } => {
            let public = grants.iter().filter(|g| g.is_public()).count();
            let mut s = format!(
                "{} grant{}",
                grants.len(),
                if grants.len() == 1 { "" } else { "s" }
            );
            if public > 0 {
                s.push_str(&format!(", {public} public"));
            }
            s
        }
        Setting::Ownership(o) => match o.as_str() {
            "BucketOwnerEnforced" => "bucket owner enforced (ACLs off)".into(),
            "BucketOwnerPreferred" => "bucket owner preferred (ACLs on)".into(),
            "ObjectWriter" => "object writer (ACLs on)".into(),
            other => other.to_owned(),
        },
        Setting::Lifecycle(rules) => count(rules.len(), "rule", "rules"),
        Setting::Cors(rules) => count(rules.len(), "rule", "rules"),
        Setting::Replication { rules, .. } => count(rules.len(), "rule", "rules"),
        Setting::Logging { target } => match target {
            Some((b, p)) => format!("to s3://{b}/{p}"),
            None => "off".into(),
        },
        Setting::Website {
            index,
            error,
            redirect_to,
        } => match redirect_to {
            Some(r) => format!("redirects every request to {r}"),
            None => {
                let mut s = format!("index {}", index.as_deref().unwrap_or("-"));
                if let Some(e) = error {
                    s.push_str(&format!(", error {e}"));
                }
                s
            }
        },
        Setting::Tags(tags) => count(tags.len(), "tag", "tags"),
        Setting::Notifications(n) => count(n.len(), "destination", "destinations"),
        Setting::RequestPayment { requester_pays } => {
            if *requester_pays {
                "requester pays".into()
            } else {
                "bucket owner pays".into()
            }
        }
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The lines under a part's summary (rules, grants, the policy).
pub fn detail(s: &Setting) -> Vec<String> {
    match s {
        Setting::Policy(doc) => super::policy::pretty(doc)
            .lines()
            .map(str::to_owned)
            .collect(),
        Setting::Acl { owner, grants } => {
            let mut out: Vec<String> = owner.iter().map(|o| format!("owner {o}")).collect();
            out.extend(grants.iter().map(|g| {
                let public = if g.is_public() { " (public)" } else { "" };
                format!("{} to {}{public}", g.permission, g.grantee)
            }));
            out
        }
        Setting::Lifecycle(rules) => rules.iter().map(lifecycle_rule).collect(),
        Setting::Cors(rules) => rules
            .iter()
            .map(|r| {
                let mut s = format!("{} from {}", r.methods.join(", "), r.origins.join(", "));
                if !r.headers.is_empty() {
                    s.push_str(&format!(", headers {}", r.headers.join(", ")));
                }
                if !r.expose.is_empty() {
                    s.push_str(&format!(", exposes {}", r.expose.join(", ")));
                }
                if let Some(a) = r.max_age {
                    s.push_str(&format!(", cached {a} s"));
                }
                s
            })
            .collect(),
        Setting::Replication { role, rules } => {
            let mut out = vec![format!("role {role}")];
            out.extend(
                rules
                    .iter()
                    .map(|(id, status, dest)| format!("{id} ({status}) → {dest}")),
            );
            out
        }
        Setting::Tags(tags) => tags.iter().map(|(k, v)| format!("{k} = {v}")).collect(),
        Setting::Notifications(n) => n.clone(),
        _ => vec![],
    }
}

/// A lifecycle rule as a sentence: "logs/: after 30 days → STANDARD_IA;
/// after 90 → GLACIER; expire after 365 days; noncurrent versions expire
/// after 30 days; incomplete multipart uploads aborted after 7 days".
pub fn lifecycle_rule(r: &LifecycleRule) -> String {
    let mut parts = Vec::new();
    for (i, (days, class)) in r.transitions.iter().enumerate() {
        if i == 0 {
            parts.push(format!("after {days} days → {class}"));
        } else {
            parts.push(format!("after {days} → {class}"));
        }
    }
    if let Some(d) = r.expire_days {
        parts.push(format!("expire after {d} days"));
    }
    for (days, class) in &r.noncurrent_transitions {
        parts.push(format!("noncurrent versions → {class} after {days} days"));
    }
    if let Some(d) = r.noncurrent_expire_days {
        parts.push(format!("noncurrent versions expire after {d} days"));
    }
    if let Some(d) = r.abort_incomplete_days {
        parts.push(format!(
            "incomplete multipart uploads aborted after {d} days"
        ));
    }
    if parts.is_empty() {
        parts.push("no action".into());
    }
    let scope = if r.prefix.is_empty() {
        "whole bucket".to_owned()
    } else {
        r.prefix.clone()
    };
    let off = if r.enabled { "" } else { " (disabled)" };
    format!("{scope}{off}: {}", parts.join("; "))
}

/// "not set" in the words of each part.
pub fn not_set(p: Part) -> &'static str {
    match p {
        Part::Versioning => "never enabled",
        Part::ObjectLock => "off",
        Part::Encryption => "none",
        Part::PublicAccess => "not set (nothing blocked)",
        Part::Policy => "none",
        Part::PolicyStatus => "no policy",
        Part::Acl => "none",
        Part::Ownership => "not set (ACLs on)",
        Part::Lifecycle => "no rules",
        Part::Cors => "no rules",
        Part::Replication => "off",
        Part::Logging => "off",
        Part::Website => "off",
        Part::Tags => "none",
        Part::Notifications => "none",
        Part::RequestPayment => "bucket owner pays",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_reads_as_the_guide_writes_it() {
        let r = LifecycleRule {
            id: Some("tiering".into()),
            enabled: true,
            prefix: String::new(),
            transitions: vec![(30, "STANDARD_IA".into()), (90, "GLACIER".into())],
            expire_days: None,
            noncurrent_transitions: vec![],
            noncurrent_expire_days: Some(30),
            abort_incomplete_days: Some(7),
        };
        assert_eq!(
            lifecycle_rule(&r),
            "whole bucket: after 30 days → STANDARD_IA; after 90 → GLACIER; \
             noncurrent versions expire after 30 days; \
             incomplete multipart uploads aborted after 7 days"
        );
    }
}
