//! Each fix as a change of one part, from hand-made settings; the servers'
//! answers (and undo) are tested in tests/it/fixes.rs.

use super::*;
use crate::posture::{self, Facts, Profile, Read};
use std::collections::BTreeMap;

fn policy(doc: &str) -> Setting {
    Setting::Policy(doc.into())
}

#[test]
fn every_check_with_a_fix_names_the_part_it_changes() {
    use Check::*;
    for c in [
        Public,
        PublicAccessBlock,
        Versioning,
        Encryption,
        KmsBucketKey,
        Lifecycle,
        NoncurrentExpiry,
        AbortIncomplete,
        TlsOnly,
        AclsEnabled,
    ] {
        assert!(Fix::for_check(c).is_some(), "{c:?}");
    }
    for c in [AccessLogging, ObjectLock, Website] {
        assert_eq!(Fix::for_check(c), None, "{c:?}");
    }
}

#[test]
fn a_fix_clears_its_finding() {
    // A bucket with nothing set: each fix, applied to the facts, removes
    // the finding it was offered for.
    let versioning = Setting::Versioning {
        status: crate::store::Versioning::NeverEnabled,
        mfa_delete: false,
    };
    let mut parts: BTreeMap<Part, Option<Setting>> =
        Part::ALL.into_iter().map(|p| (p, None)).collect();
    parts.insert(Part::Versioning, Some(versioning));
    let account = Setting::PublicAccess(PublicAccessBlock::default());
    let facts = |parts: &BTreeMap<Part, Option<Setting>>| {
        let f = Facts {
            parts: parts
                .iter()
                .map(|(p, s)| (*p, s.as_ref().map_or(Read::NotSet, Read::Set)))
                .collect(),
            account: Some(Read::Set(&account)),
            want_object_lock: false,
        };
        posture::assess(&f, Profile::PrivateApp)
            .findings
            .iter()
            .map(|f| f.check)
            .collect::<Vec<_>>()
    };
    // A fix may bring the next finding to light (versioning on: old
    // versions want a lifecycle rule), so fix until nothing fixable is left.
    for _ in 0..5 {
        for check in facts(&parts) {
            let Some(fix) = Fix::for_check(check) else {
                continue;
            };
            let c = fix
                .change("b", parts[&fix.part()].as_ref())
                .unwrap_or_else(|e| panic!("{check:?}: {e}"));
            parts.insert(c.part, c.after);
            assert!(!facts(&parts).contains(&check), "{check:?} still found");
        }
    }
    let left = facts(&parts);
    assert!(
        left.iter().all(|c| Fix::for_check(*c).is_none()),
        "{left:?}"
    );
}

#[test]
fn a_fix_that_changes_nothing_says_so() {
    let on = Fix::BlockPublicAccess.change("b", None).unwrap().after;
    let again = Fix::BlockPublicAccess.change("b", on.as_ref());
    assert!(again.unwrap_err().contains("already"));
    let enabled = Setting::Versioning {
        status: crate::store::Versioning::Enabled,
        mfa_delete: true,
    };
    assert!(Fix::EnableVersioning.change("b", Some(&enabled)).is_err());
    assert!(Fix::BucketKey.change("b", None).is_err());
}

#[test]
fn policy_statements_are_added_beside_the_others() {
    let old = r#"{"Version":"2012-10-17","Statement":{"Sid":"Mine","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
    let c = Fix::TlsOnly.change("b", Some(&policy(old))).unwrap();
    let Some(Setting::Policy(new)) = &c.after else {
        panic!("{c:?}")
    };
    let st = crate::posture::policy::parse(new).unwrap();
    assert_eq!(st.len(), 2);
    assert!(st[1].denies_plain_http());
    assert!(new.contains("\"Sid\": \"Mine\""));
    // The same statement again changes nothing.
    assert!(Fix::TlsOnly.change("b", c.after.as_ref()).is_err());
    // A policy that is not JSON is not edited.
    assert!(Fix::TlsOnly.change("b", Some(&policy("nope"))).is_err());
}

#[test]
fn a_role_gets_its_prefix_and_never_a_sibling() {
    let fix = Fix::RolePrefix {
        role: "arn:aws:iam::123456789012:role/app".into(),
        prefix: "docs".into(),
    };
    let c = fix.change("b", None).unwrap();
    let Some(Setting::Policy(doc)) = &c.after else {
        panic!()
    };
    assert!(doc.contains("arn:aws:s3:::b/docs/*"), "{doc}");
    assert!(doc.contains("\"docs/*\""), "{doc}");
    assert!(!doc.contains("b/docs*"), "{doc}");
    for (role, prefix) in [
        ("app", "docs/"),
        ("arn:aws:iam::1:role/x", "  "),
        ("1234", "a/"),
    ] {
        let f = Fix::RolePrefix {
            role: role.into(),
            prefix: prefix.into(),
        };
        assert!(f.change("b", None).is_err(), "{role} {prefix}");
    }
    let account = Fix::RolePrefix {
        role: "123456789012".into(),
        prefix: "up/".into(),
    };
    let c = account.change("b", None).unwrap();
    assert!(
        matches!(&c.after, Some(Setting::Policy(d)) if d.contains("arn:aws:iam::123456789012:root"))
    );
}

#[test]
fn lifecycle_and_cors_rules_are_appended_and_checked() {
    let keep = LifecycleRule {
        id: Some("logs".into()),
        enabled: true,
        prefix: "logs/".into(),
        expire_days: Some(7),
        ..Default::default()
    };
    let c = Fix::AbortIncomplete { days: 3 }
        .change("b", Some(&Setting::Lifecycle(vec![keep.clone()])))
        .unwrap();
    let Some(Setting::Lifecycle(rules)) = &c.after else {
        panic!()
    };
    assert_eq!(rules[0], keep);
    assert_eq!(rules[1].abort_incomplete_days, Some(3));
    assert!(Fix::AbortIncomplete { days: 0 }.change("b", None).is_err());
    assert!(
        Fix::Lifecycle {
            template: "nope".into()
        }
        .change("b", None)
        .is_err()
    );

    let cors = |origin: &str, m: &[&str]| Fix::Cors {
        origin: origin.into(),
        methods: m.iter().map(|s| s.to_string()).collect(),
    };
    let c = cors("https://app.example.com/", &["put", "POST", "PUT"])
        .change("b", None)
        .unwrap();
    let Some(Setting::Cors(rules)) = &c.after else {
        panic!()
    };
    assert_eq!(rules[0].origins, vec!["https://app.example.com"]);
    assert_eq!(rules[0].methods, vec!["PUT", "POST"]);
    assert_eq!(rules[0].expose, vec!["ETag"]);
    for (o, m) in [
        ("app.example.com", &["PUT"][..]),
        ("https://a.com/path", &["PUT"][..]),
        ("https://a.com", &["PATCH"][..]),
        ("https://a.com", &[][..]),
    ] {
        assert!(cors(o, m).change("b", None).is_err(), "{o} {m:?}");
    }
}

#[test]
fn undo_puts_back_what_was_there_and_versioning_can_only_be_suspended() {
    let c = Fix::SseS3.change("b", None).unwrap();
    let u = c.undo();
    assert_eq!((u.before, u.after), (c.after, None));
    let v = Fix::EnableVersioning.change("b", None).unwrap().undo();
    assert!(matches!(
        v.after,
        Some(Setting::Versioning {
            status: crate::store::Versioning::Suspended,
            ..
        })
    ));
}
