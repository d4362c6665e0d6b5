//! "Why was I denied?" (part 6 §5): an AccessDenied or a
//! SignatureDoesNotMatch explained from live facts, in the order the
//! domain guide checks them: who you are (STS), where the bucket is and
//! who owns it, the action and resource ARN pail asked for, what S3 itself
//! said, the bucket policy statements that speak to that action for you
//! (explicit Deny first, with their conditions), Block Public Access when
//! the request was anonymous, the KMS key an SSE-KMS bucket needs, and
//! HeadObject's 403-instead-of-404 without ListBucket.
//!
//! [`gather`] reads the facts (each read may itself be denied; that is a
//! fact too) and [`explain`] words them; no UI types, so the TUI's `w`
//! and tests drive the same code.

pub mod actions;
pub mod statements;

use crate::diagnose::Explanation;
use crate::posture::policy;
use crate::sanitize::clean;
use crate::store::settings::{Part, Setting};
use crate::store::{
    CallerIdentity, Connection, CredentialSource, ErrorKind, ListRequest, Store, StoreError,
};
use statements::Whom;

/// What pail could learn about a denied request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub err: StoreError,
    /// STS GetCallerIdentity, or why it failed.
    pub identity: Result<CallerIdentity, String>,
    /// The bucket's region, when it could be learned.
    pub region: Option<String>,
    /// The bucket owner (from its ACL), or why it could not be read.
    pub owner: Option<Result<Option<String>, String>>,
    /// The policy document (`None` inside: the bucket has none).
    pub policy: Option<Result<Option<String>, String>>,
    /// Default encryption, for the KMS key an object read or write needs.
    pub encryption: Option<Result<Option<Setting>, String>>,
    /// For a denied HeadObject/GetObject: whether listing the key works
    /// and finds it (`Ok(found)`), or why listing failed.
    pub listing: Option<Result<bool, String>>,
}

fn setting(r: crate::store::StoreResult<Option<Setting>>) -> Result<Option<Setting>, String> {
    r.map_err(|e| crate::diagnose::short(&e))
}

/// Reads what explains `err`: all at once, each failure kept as a fact.
pub async fn gather(store: &dyn Store, err: &StoreError) -> Facts {
    let bucket = err.bucket.clone();
    let key = err.key.clone().filter(|k| !k.is_empty());
    let object_read = matches!(
        err.operation,
        Some("HeadObject" | "GetObject" | "GetObjectAttributes")
    );
    let identity = async {
        store
            .caller_identity()
            .await
            .map_err(|e| crate::diagnose::short(&e))
    };
    let per_bucket = async {
        let Some(b) = bucket.as_deref() else {
            return (None, None, None, None, None);
        };
        let listing = async {
            match (&key, object_read) {
                (Some(k), true) => Some(
                    store
                        .list_page(&ListRequest {
                            bucket: b.to_owned(),
                            prefix: k.clone(),
                            delimiter: None,
                            token: None,
                            page_size: Some(1),
                        })
                        .await
                        .map(|p| p.objects.iter().any(|o| &o.key == k))
                        .map_err(|e| crate::diagnose::short(&e)),
                ),
                _ => None,
            }
        };
        let (region, acl, pol, enc, listing) = tokio::join!(
            store.bucket_region(b),
            store.bucket_setting(b, Part::Acl),
            store.bucket_setting(b, Part::Policy),
            store.bucket_setting(b, Part::Encryption),
            listing
        );
        let owner = setting(acl).map(|s| match s {
            Some(Setting::Acl { owner, .. }) => owner,
            _ => None,
        });
        let policy = setting(pol).map(|s| match s {
            Some(Setting::Policy(doc)) => Some(doc),
            _ => None,
        });
        (
            region.ok(),
            Some(owner),
            Some(policy),
            Some(setting(enc)),
            listing,
        )
    };
    let (identity, (region, owner, policy, encryption, listing)) =
        tokio::join!(identity, per_bucket);
    Facts {
        err: err.clone(),
        identity,
        region,
        owner,
        policy,
        encryption,
        listing,
    }
}

/// Whether `w` has something to explain for this error.
pub fn explains(err: &StoreError) -> bool {
    matches!(
        err.kind,
        ErrorKind::AccessDenied | ErrorKind::SignatureMismatch
    )
}

/// The explanation, section by section in the guide's order.
pub fn explain(f: &Facts, conn: &Connection, creds: Option<&CredentialSource>) -> Explanation {
    let e = &f.err;
    let mut h: Vec<String> = Vec::new();
    let target = match (&e.bucket, &e.key) {
        (Some(b), Some(k)) if !k.is_empty() => format!("s3://{}/{}", clean(b), clean(k)),
        (Some(b), _) => format!("s3://{}", clean(b)),
        _ => conn.endpoint_label(),
    };
    let op = e.operation.unwrap_or("the request");
    let summary = format!(
        "{} {} on {target}: {}",
        clean(op),
        if e.kind == ErrorKind::SignatureMismatch {
            "was refused for its signature"
        } else {
            "was denied"
        },
        clean(e.code.as_deref().unwrap_or("AccessDenied"))
    );

    h.push("1. Who you are".into());
    match &f.identity {
        Ok(id) => {
            h.push(format!(
                "   {} (account {})",
                clean(&id.arn),
                clean(&id.account)
            ));
        }
        Err(why) => h.push(format!(
            "   STS GetCallerIdentity failed ({}): the identity is unknown",
            clean(why)
        )),
    }
    match creds {
        Some(c) => h.push(format!(
            "   credentials from {}{} · profile {} · client region {}",
            clean(&c.provider),
            c.key_hint
                .as_deref()
                .map(|k| format!(", access key …{}", clean(k)))
                .unwrap_or_default(),
            clean(conn.profile.as_deref().unwrap_or("default chain")),
            clean(&conn.region)
        )),
        None if conn.unsigned => {
            h.push("   no credentials: requests are anonymous (--no-sign-request)".into())
        }
        None => {}
    }

    h.push("2. The bucket".into());
    let region = f.region.clone().or_else(|| e.region_hint.clone());
    match &region {
        Some(r) if *r != conn.region => h.push(format!(
            "   in {} (pail signs for it; the client's region is {})",
            clean(r),
            clean(&conn.region)
        )),
        Some(r) => h.push(format!("   in {}", clean(r))),
        None => h.push("   its region could not be learned".into()),
    }
    match &f.owner {
        Some(Ok(Some(o))) => h.push(format!("   owner (canonical id) {}", clean(o))),
        Some(Err(why)) => h.push(format!(
            "   owner unknown: its ACL is not readable ({})",
            clean(why)
        )),
        _ => {}
    }

    h.push("3. What pail asked for".into());
    // An error does not carry the version it read; a version's read needs
    // s3:GetObjectVersion, which the GetObject line below stands for.
    let acts = e
        .operation
        .map(|o| actions::actions(o, false))
        .unwrap_or_default();
    let region_s = region.clone().unwrap_or_else(|| conn.region.clone());
    let bucket = e.bucket.clone().unwrap_or_default();
    let key = e.key.clone().unwrap_or_default();
    let resource_for = |a: &str| {
        if actions::on_bucket(a) || key.is_empty() {
            crate::store::links::arn(&bucket, "", &region_s)
        } else {
            crate::store::links::arn(&bucket, &key, &region_s)
        }
    };
    if acts.is_empty() {
        h.push(format!("   {} (no IAM action known to pail)", clean(op)));
    }
    for a in &acts {
        h.push(format!("   {a} on {}", clean(&resource_for(a))));
    }

    h.push("4. What S3 said".into());
    h.push(format!(
        "   {}{}",
        clean(&e.message),
        e.request_id
            .as_deref()
            .map(|r| format!(" (request id {})", clean(r)))
            .unwrap_or_default()
    ));
    if e.message.contains("because") {
        h.push("   AWS names the policy type that denied it: start there.".into());
    }

    if e.kind == ErrorKind::SignatureMismatch {
        signature(&mut h, e, conn, region.as_deref());
    } else {
        policy_section(&mut h, f, &acts, &resource_for);
        others(&mut h, f, conn, &acts);
    }
    Explanation {
        title: "Why was this denied?".into(),
        summary,
        hints: h,
    }
}

fn policy_section(
    h: &mut Vec<String>,
    f: &Facts,
    acts: &[&str],
    resource_for: &dyn Fn(&str) -> String,
) {
    h.push("5. The bucket policy".into());
    let doc = match &f.policy {
        None => {
            h.push("   (no bucket)".into());
            return;
        }
        Some(Err(why)) => {
            h.push(format!(
                "   not readable ({}): s3:GetBucketPolicy is denied to you too, so its statements cannot be shown",
                clean(why)
            ));
            return;
        }
        Some(Ok(None)) => {
            h.push(
                "   none: nothing in the bucket denies you, and only your identity's IAM policy \
                 (or an SCP / permissions boundary) can allow this"
                    .into(),
            );
            return;
        }
        Some(Ok(Some(doc))) => doc,
    };
    let statements = match policy::parse(doc) {
        Ok(s) => s,
        Err(why) => {
            h.push(format!("   unreadable as a policy: {}", clean(&why)));
            return;
        }
    };
    let who = f.identity.as_ref().ok();
    let mut any = false;
    for a in acts {
        let resource = resource_for(a);
        for (st, whom) in statements::matching(&statements, a, &resource, who) {
            any = true;
            let effect = if st.allow { "Allow" } else { "Deny" };
            let to = match whom {
                Whom::Everyone => "everyone",
                Whom::You => "you",
                Whom::YourAccount => "your account",
                Whom::Unknown => "a principal pail cannot compare (identity unknown)",
            };
            h.push(format!(
                "   {effect}{} {a} to {to}",
                st.sid
                    .as_deref()
                    .map(|s| format!(" ({})", clean(s)))
                    .unwrap_or_default()
            ));
            for (op, k, vals) in &st.conditions {
                h.push(format!(
                    "     only when {} {} {}",
                    clean(op),
                    clean(k),
                    clean(&vals.join(", "))
                ));
            }
            if !st.allow && st.conditions.is_empty() {
                h.push("     an explicit Deny without conditions: nothing can allow this".into());
            } else if !st.allow {
                h.push(
                    "     an explicit Deny wins over every Allow when its conditions hold \
                     (aws:SourceVpce: through that VPC endpoint; aws:SecureTransport: over TLS)"
                        .into(),
                );
            }
        }
    }
    if !any {
        h.push(
            "   no statement speaks to this action for you: the Allow must come from your \
             identity's IAM policy"
                .into(),
        );
    }
}

fn others(h: &mut Vec<String>, f: &Facts, conn: &Connection, acts: &[&str]) {
    let mut n = 6;
    let mut section = |h: &mut Vec<String>, title: &str| {
        h.push(format!("{n}. {title}"));
        n += 1;
    };
    if conn.unsigned {
        section(h, "Anonymous access");
        h.push(
            "   the request was unsigned: only a public bucket answers, and Block Public \
             Access (bucket or account) overrides any public policy or ACL; see the card's \
             \"Is it public?\""
                .into(),
        );
    }
    let object_rw = acts
        .iter()
        .any(|a| matches!(*a, "s3:GetObject" | "s3:GetObjectVersion" | "s3:PutObject"));
    if let Some(Ok(Some(Setting::Encryption(rules)))) = &f.encryption
        && object_rw
        && let Some(r) = rules.iter().find(|r| r.algorithm.starts_with("aws:kms"))
    {
        section(h, "Encryption");
        h.push(format!(
            "   the bucket encrypts with SSE-KMS{}: reading needs kms:Decrypt and writing \
             kms:GenerateDataKey on that key, granted by the key policy as well",
            r.kms_key
                .as_deref()
                .map(|k| format!(" (key {})", clean(k)))
                .unwrap_or_default()
        ));
    }
    match &f.listing {
        Some(Ok(false)) => {
            section(h, "Does the key exist?");
            h.push(
                "   listing finds no such key: S3 answers a missing key with 403, not 404, \
                 to whoever lacks s3:ListBucket; the key may simply not exist"
                    .into(),
            );
        }
        Some(Err(why)) => {
            section(h, "Does the key exist?");
            h.push(format!(
                "   listing is denied too ({}): without s3:ListBucket S3 answers a missing \
                 key with 403, so this may be a key that does not exist",
                clean(why)
            ));
        }
        _ => {}
    }
    section(h, "Check it with IAM");
    if let (Ok(id), Some(a)) = (&f.identity, acts.first()) {
        let arn = statements::principal_arn(&id.arn);
        h.push(format!(
            "   aws iam simulate-principal-policy --policy-source-arn {} --action-names {} \
             (needs iam:SimulatePrincipalPolicy; pail does not call IAM)",
            clean(&arn),
            a.split_whitespace().next().unwrap_or(a)
        ));
    } else {
        h.push("   with the identity known: aws iam simulate-principal-policy".into());
    }
}

fn signature(h: &mut Vec<String>, e: &StoreError, conn: &Connection, region: Option<&str>) {
    h.push("5. The signature".into());
    match region {
        Some(r) if r != conn.region => h.push(format!(
            "   the bucket is in {} but the client's region is {}: pail signs for the \
             bucket's region once it knows it; a store that insists on its own region \
             (Garage, MinIO with a region set) needs --region",
            clean(r),
            clean(&conn.region)
        )),
        _ => h.push(format!("   signed for region {}", clean(&conn.region))),
    }
    match e.skew_secs {
        Some(s) if s.abs() >= 60 => h.push(format!(
            "   your clock differs from the server's by {s} s ({}): SigV4 allows 15 minutes",
            if s > 0 {
                "yours is behind"
            } else {
                "yours is ahead"
            }
        )),
        Some(s) => h.push(format!("   clock skew {s} s: not the cause")),
        None => h.push("   the server sent no Date, so the clock skew is unknown".into()),
    }
    h.push(
        "   otherwise the secret key does not belong to this access key id (a copy-paste \
         error, a rotated key), or a proxy rewrote the request"
            .into(),
    );
}

#[cfg(test)]
mod tests;
