//! The public ladder on every rung, and the checklist's findings per
//! profile, from hand-made facts (the servers' answers are tested in
//! tests/it/posture.rs).

use super::*;
use crate::store::settings::{EncryptionRule, Grant, LifecycleRule, PublicAccessBlock};

const ALL_ON: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: true,
    restrict_public_buckets: true,
};

const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

fn public_acl() -> Setting {
    Setting::Acl {
        owner: Some("me".into()),
        grants: vec![
            Grant {
                grantee: "me".into(),
                permission: "FULL_CONTROL".into(),
            },
            Grant {
                grantee: "http://acs.amazonaws.com/groups/global/AllUsers".into(),
                permission: "READ".into(),
            },
        ],
    }
}

fn private_acl() -> Setting {
    Setting::Acl {
        owner: Some("me".into()),
        grants: vec![],
    }
}

/// Builds facts from (part, setting) pairs; parts not listed are "not set".
struct Given {
    parts: Vec<(Part, StoreResult<Option<Setting>>)>,
    account: StoreResult<Option<Setting>>,
}

impl Given {
    fn new() -> Given {
        Given {
            parts: Part::ALL.into_iter().map(|p| (p, Ok(None))).collect(),
            account: Ok(None),
        }
    }
    fn set(mut self, p: Part, s: Setting) -> Given {
        self.parts.retain(|(q, _)| *q != p);
        self.parts.push((p, Ok(Some(s))));
        self
    }
    fn fail(mut self, p: Part, kind: ErrorKind) -> Given {
        self.parts.retain(|(q, _)| *q != p);
        self.parts.push((p, Err(StoreError::new(kind, "no"))));
        self
    }
    fn account(mut self, b: PublicAccessBlock) -> Given {
        self.account = Ok(Some(Setting::PublicAccess(b)));
        self
    }
    fn account_unknown(mut self) -> Given {
        self.account = Err(StoreError::new(ErrorKind::NotImplemented, "no"));
        self
    }
    fn facts(&self) -> Facts<'_> {
        Facts {
            parts: self.parts.iter().map(|(p, r)| (*p, Read::of(r))).collect(),
            account: Some(Read::of(&self.account)),
            want_object_lock: false,
        }
    }
    fn verdict(&self) -> Verdict {
        assess(&self.facts(), Profile::PrivateApp).ladder.verdict
    }
}

#[test]
fn rung_1_account_block_public_access_keeps_everything_private() {
    let g = Given::new()
        .account(ALL_ON)
        .set(Part::Acl, public_acl())
        .set(Part::Policy, Setting::Policy(PUBLIC_POLICY.into()));
    assert_eq!(
        g.verdict(),
        Verdict::NotPublic("the account's Block Public Access blocks everything".into())
    );
    // The bucket's own BPA is then not a finding: the account covers it.
    let p = assess(&g.facts(), Profile::PrivateApp);
    assert!(
        !p.findings
            .iter()
            .any(|f| f.check == Check::PublicAccessBlock)
    );
}

#[test]
fn rung_2_bucket_block_public_access_keeps_everything_private() {
    let g = Given::new()
        .set(Part::PublicAccess, Setting::PublicAccess(ALL_ON))
        .set(Part::Acl, public_acl())
        .set(Part::Policy, Setting::Policy(PUBLIC_POLICY.into()));
    assert_eq!(
        g.verdict(),
        Verdict::NotPublic("the bucket's Block Public Access blocks everything".into())
    );
}

#[test]
fn rung_3_a_public_acl_is_public_unless_ignored() {
    let g = Given::new().set(Part::Acl, public_acl());
    assert_eq!(
        g.verdict(),
        Verdict::Public("ACL grants READ to AllUsers".into())
    );
    let p = assess(&g.facts(), Profile::PrivateApp);
    assert_eq!(p.findings[0].check, Check::Public);
    assert_eq!(p.findings[0].severity, Severity::Critical);
    // IgnorePublicAcls alone (on either level) neutralises the grant.
    let only_ignore = PublicAccessBlock {
        ignore_public_acls: true,
        ..Default::default()
    };
    let g = Given::new()
        .account(only_ignore)
        .set(Part::Acl, public_acl());
    assert_eq!(
        g.verdict(),
        Verdict::NotPublic("Block Public Access neutralises its public grants".into())
    );
    // Unknown account BPA and nothing at bucket level: maybe.
    let g = Given::new().account_unknown().set(Part::Acl, public_acl());
    assert_eq!(
        g.verdict(),
        Verdict::MaybePublic("ACL grants READ to AllUsers".into())
    );
}

#[test]
fn rung_4_a_policy_to_everyone_is_public_unless_restricted() {
    let g = Given::new().set(Part::Policy, Setting::Policy(PUBLIC_POLICY.into()));
    assert_eq!(
        g.verdict(),
        Verdict::Public("policy statement \"PublicRead\"".into())
    );
    let restrict = PublicAccessBlock {
        restrict_public_buckets: true,
        ..Default::default()
    };
    let g = Given::new()
        .set(Part::PublicAccess, Setting::PublicAccess(restrict))
        .set(Part::Policy, Setting::Policy(PUBLIC_POLICY.into()));
    assert!(matches!(g.verdict(), Verdict::NotPublic(_)));
    // A condition pinning the VPC endpoint makes it private.
    let vpce = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
    let g = Given::new().set(Part::Policy, Setting::Policy(vpce.into()));
    assert_eq!(
        g.verdict(),
        Verdict::NotPublic("no ACL grant or policy statement opens it".into())
    );
    // AWS's own policy status outranks our reading.
    let g = Given::new()
        .set(Part::Policy, Setting::Policy(vpce.into()))
        .set(Part::PolicyStatus, Setting::PolicyStatus { public: true });
    assert!(matches!(g.verdict(), Verdict::Public(_)));
}

#[test]
fn unreadable_rungs_leave_the_verdict_unknown_not_private() {
    let g = Given::new()
        .fail(Part::Acl, ErrorKind::AccessDenied)
        .fail(Part::Policy, ErrorKind::AccessDenied);
    assert_eq!(
        g.verdict(),
        Verdict::Unknown("the ACL and the policy could not be read".into())
    );
    let p = assess(&g.facts(), Profile::PrivateApp);
    assert!(
        p.unchecked
            .iter()
            .any(|(part, why)| *part == Part::Acl && why == "denied to you")
    );
}

fn checks(p: &Posture) -> Vec<(Check, Severity)> {
    p.findings.iter().map(|f| (f.check, f.severity)).collect()
}

#[test]
fn a_bare_bucket_gets_the_whole_checklist_most_severe_first() {
    let g = Given::new();
    let p = assess(&g.facts(), Profile::PrivateApp);
    assert_eq!(
        checks(&p),
        [
            (Check::PublicAccessBlock, Severity::High),
            (Check::Encryption, Severity::High),
            (Check::Versioning, Severity::Medium),
            (Check::TlsOnly, Severity::Medium),
            (Check::AclsEnabled, Severity::Medium),
            (Check::Lifecycle, Severity::Low),
            (Check::AccessLogging, Severity::Low),
        ]
    );
    assert!(!p.pending);
    assert_eq!(p.worst(), Some(Severity::High));
}

#[test]
fn a_well_kept_bucket_has_no_findings() {
    let tls = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
    let g = Given::new()
        .set(Part::PublicAccess, Setting::PublicAccess(ALL_ON))
        .set(Part::Acl, private_acl())
        .set(
            Part::Versioning,
            Setting::Versioning {
                status: Versioning::Enabled,
                mfa_delete: false,
            },
        )
        .set(
            Part::Encryption,
            Setting::Encryption(vec![EncryptionRule {
                algorithm: "aws:kms".into(),
                kms_key: Some("arn:aws:kms:eu-west-1:1:key/k".into()),
                bucket_key: true,
            }]),
        )
        .set(Part::Policy, Setting::Policy(tls.into()))
        .set(
            Part::Ownership,
            Setting::Ownership("BucketOwnerEnforced".into()),
        )
        .set(
            Part::Lifecycle,
            Setting::Lifecycle(vec![LifecycleRule {
                enabled: true,
                noncurrent_expire_days: Some(30),
                abort_incomplete_days: Some(7),
                ..Default::default()
            }]),
        )
        .set(
            Part::Logging,
            Setting::Logging {
                target: Some(("logs".into(), "b/".into())),
            },
        );
    let p = assess(&g.facts(), Profile::PrivateApp);
    assert_eq!(checks(&p), []);
}

#[test]
fn versioned_buckets_need_noncurrent_rules_and_kms_a_bucket_key() {
    let g = Given::new()
        .set(
            Part::Versioning,
            Setting::Versioning {
                status: Versioning::Enabled,
                mfa_delete: false,
            },
        )
        .set(
            Part::Encryption,
            Setting::Encryption(vec![EncryptionRule {
                algorithm: "aws:kms".into(),
                kms_key: None,
                bucket_key: false,
            }]),
        )
        .set(
            Part::Lifecycle,
            Setting::Lifecycle(vec![LifecycleRule {
                enabled: true,
                transitions: vec![(30, "STANDARD_IA".into())],
                ..Default::default()
            }]),
        );
    let c = checks(&assess(&g.facts(), Profile::DataLake));
    assert!(c.contains(&(Check::NoncurrentExpiry, Severity::Medium)));
    assert!(c.contains(&(Check::AbortIncomplete, Severity::Low)));
    assert!(c.contains(&(Check::KmsBucketKey, Severity::Low)));
    assert!(!c.iter().any(|(k, _)| *k == Check::Versioning));
}

#[test]
fn profiles_weigh_the_same_facts_differently() {
    let g = Given::new().set(
        Part::Website,
        Setting::Website {
            index: Some("index.html".into()),
            error: None,
            redirect_to: None,
        },
    );
    let sev = |p: Profile, c: Check| {
        assess(&g.facts(), p)
            .findings
            .iter()
            .find(|f| f.check == c)
            .map(|f| f.severity)
    };
    assert_eq!(
        sev(Profile::StaticSite, Check::Website),
        Some(Severity::High)
    );
    assert_eq!(
        sev(Profile::PrivateApp, Check::Website),
        Some(Severity::Medium)
    );
    assert_eq!(
        sev(Profile::DataLake, Check::Versioning),
        Some(Severity::High)
    );
    assert_eq!(
        sev(Profile::StaticSite, Check::Versioning),
        Some(Severity::Low)
    );
    assert_eq!(
        sev(Profile::StaticSite, Check::Lifecycle),
        Some(Severity::Info)
    );
}

#[test]
fn object_lock_is_a_finding_only_when_asked_for() {
    let g = Given::new();
    let mut f = g.facts();
    assert!(
        !assess(&f, Profile::PrivateApp)
            .findings
            .iter()
            .any(|x| x.check == Check::ObjectLock)
    );
    f.want_object_lock = true;
    assert!(
        assess(&f, Profile::PrivateApp)
            .findings
            .iter()
            .any(|x| x.check == Check::ObjectLock)
    );
}

#[test]
fn pending_parts_say_the_posture_is_not_final() {
    let f = Facts::default();
    let p = assess(&f, Profile::PrivateApp);
    assert!(p.pending);
    assert!(p.findings.is_empty());
}
