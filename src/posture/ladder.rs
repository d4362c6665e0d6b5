//! "Is this bucket public?" climbed rung by rung, the way AWS decides it:
//! the account's Block Public Access, the bucket's, the ACL's grants to
//! AllUsers / AuthenticatedUsers, the policy's statements to `*` without
//! restricting conditions (and AWS's own policy status beside them).
//!
//! A public ACL counts only if neither the account nor the bucket sets
//! IgnorePublicAcls; a public policy only if neither sets
//! RestrictPublicBuckets. (BlockPublicAcls and BlockPublicPolicy refuse new
//! public grants; what is already there is what the two above govern.)

use super::policy;
use super::{Facts, Read};
use crate::store::settings::{Part, PublicAccessBlock, Setting};

/// One rung: what was read, and what it means for the verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rung {
    pub name: &'static str,
    pub found: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Public, and how ("policy statement PublicRead", "ACL grants READ to AllUsers").
    Public(String),
    /// A public grant exists and what would neutralise it is unknown.
    MaybePublic(String),
    /// Not public, and what keeps it so.
    NotPublic(String),
    /// Not enough could be read to say (what is missing).
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ladder {
    pub rungs: Vec<Rung>,
    pub verdict: Verdict,
}

/// What a Block Public Access read says: `Some(block)` known (all false
/// when not set), `None` unknown or still loading.
fn block(r: Read) -> Option<PublicAccessBlock> {
    match r {
        Read::Set(Setting::PublicAccess(b)) => Some(*b),
        Read::NotSet => Some(PublicAccessBlock::default()),
        _ => None,
    }
}

fn bpa_words(r: Read) -> String {
    match r {
        Read::Pending => "reading…".into(),
        Read::Unknown(e) => Read::unknown_why(e),
        Read::NotSet => "not set (nothing blocked)".into(),
        Read::Set(Setting::PublicAccess(b)) if b.all() => "all four on".into(),
        Read::Set(Setting::PublicAccess(b)) => {
            let on: Vec<&str> = [
                (b.block_public_acls, "BlockPublicAcls"),
                (b.ignore_public_acls, "IgnorePublicAcls"),
                (b.block_public_policy, "BlockPublicPolicy"),
                (b.restrict_public_buckets, "RestrictPublicBuckets"),
            ]
            .into_iter()
            .filter(|(v, _)| *v)
            .map(|(_, n)| n)
            .collect();
            if on.is_empty() {
                "all four off".into()
            } else {
                format!("only {}", on.join(", "))
            }
        }
        Read::Set(_) => "unexpected answer".into(),
    }
}

/// Either block's flag: `Some(true)` if one of them is known to set it,
/// `Some(false)` if both are known not to, `None` otherwise.
fn either(
    a: Option<PublicAccessBlock>,
    b: Option<PublicAccessBlock>,
    f: fn(&PublicAccessBlock) -> bool,
) -> Option<bool> {
    match (a.map(|x| f(&x)), b.map(|x| f(&x))) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

pub fn climb(f: &Facts) -> Ladder {
    let account = f.account();
    let bucket = f.part(Part::PublicAccess);
    let (a, b) = (block(account), block(bucket));
    let mut rungs = vec![
        Rung {
            name: "Account Block Public Access",
            found: bpa_words(account),
        },
        Rung {
            name: "Bucket Block Public Access",
            found: bpa_words(bucket),
        },
    ];
    let ignore_acls = either(a, b, |x| x.ignore_public_acls);
    let restrict = either(a, b, |x| x.restrict_public_buckets);

    // ACL grants to everyone.
    let (acl_public, acl_words) = match f.part(Part::Acl) {
        Read::Set(Setting::Acl { grants, .. }) => {
            let public: Vec<String> = grants
                .iter()
                .filter(|g| g.is_public())
                .map(|g| {
                    let who = g.grantee.rsplit('/').next().unwrap_or(&g.grantee);
                    format!("{} to {who}", g.permission)
                })
                .collect();
            if public.is_empty() {
                (
                    Some(None),
                    "no grant to AllUsers or AuthenticatedUsers".to_owned(),
                )
            } else {
                let what = public.join(", ");
                let note = match ignore_acls {
                    Some(true) => " — ignored (IgnorePublicAcls)",
                    _ => "",
                };
                (
                    Some(Some(format!("ACL grants {what}"))),
                    format!("grants {what}{note}"),
                )
            }
        }
        Read::NotSet => (Some(None), "no ACL".into()),
        Read::Pending => (None, "reading…".into()),
        Read::Unknown(e) => (None, Read::unknown_why(e)),
        Read::Set(_) => (None, "unexpected answer".into()),
    };
    rungs.push(Rung {
        name: "ACL",
        found: acl_words,
    });

    // Policy statements to everyone, and AWS's own verdict beside them.
    let status = match f.part(Part::PolicyStatus) {
        Read::Set(Setting::PolicyStatus { public }) => Some(*public),
        _ => None,
    };
    let (policy_public, policy_words) = match f.part(Part::Policy) {
        Read::Set(Setting::Policy(doc)) => match policy::parse(doc) {
            Ok(st) => {
                let public: Vec<String> = st
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.is_public())
                    .map(|(i, s)| match &s.sid {
                        Some(sid) => format!("statement {sid:?}"),
                        None => format!("statement {}", i + 1),
                    })
                    .collect();
                let aws = match status {
                    Some(true) => "; AWS's policy status: public",
                    Some(false) => "; AWS's policy status: not public",
                    None => "",
                };
                if public.is_empty() && status != Some(true) {
                    (Some(None), format!("no statement open to everyone{aws}"))
                } else {
                    let what = if public.is_empty() {
                        "the policy (AWS's policy status)".to_owned()
                    } else {
                        format!("policy {}", public.join(", "))
                    };
                    let note = match restrict {
                        Some(true) => " — restricted (RestrictPublicBuckets)",
                        _ => "",
                    };
                    (
                        Some(Some(what.clone())),
                        format!("{what} allows everyone{aws}{note}"),
                    )
                }
            }
            Err(e) => (None, format!("unreadable: {e}")),
        },
        Read::NotSet => (Some(None), "no policy".into()),
        Read::Pending => (None, "reading…".into()),
        Read::Unknown(e) => (None, Read::unknown_why(e)),
        Read::Set(_) => (None, "unexpected answer".into()),
    };
    rungs.push(Rung {
        name: "Policy",
        found: policy_words,
    });

    // Which open doors stay open.
    let mut public = Vec::new();
    let mut maybe = Vec::new();
    for (door, neutral) in [(&acl_public, ignore_acls), (&policy_public, restrict)] {
        if let Some(Some(how)) = door {
            match neutral {
                Some(false) => public.push(how.clone()),
                None => maybe.push(how.clone()),
                Some(true) => {}
            }
        }
    }
    let verdict = if !public.is_empty() {
        Verdict::Public(public.join("; "))
    } else if !maybe.is_empty() {
        Verdict::MaybePublic(maybe.join("; "))
    } else if a.is_some_and(|x| x.all()) {
        Verdict::NotPublic("the account's Block Public Access blocks everything".into())
    } else if b.is_some_and(|x| x.all()) {
        Verdict::NotPublic("the bucket's Block Public Access blocks everything".into())
    } else if acl_public.is_some() && policy_public.is_some() {
        match (&acl_public, &policy_public) {
            (Some(None), Some(None)) => {
                Verdict::NotPublic("no ACL grant or policy statement opens it".into())
            }
            _ => Verdict::NotPublic("Block Public Access neutralises its public grants".into()),
        }
    } else {
        let mut missing = Vec::new();
        if acl_public.is_none() {
            missing.push("the ACL");
        }
        if policy_public.is_none() {
            missing.push("the policy");
        }
        Verdict::Unknown(format!("{} could not be read", missing.join(" and ")))
    };
    Ladder { rungs, verdict }
}
