//! A bucket's posture: "is it public?" decided the way AWS decides it,
//! and the domain guide's checklist (versioning, encryption, lifecycle,
//! TLS-only, ACLs, logging, object lock), ranked by severity for what the
//! user means the bucket for (a [`Profile`]). Pure: it reads the settings
//! the card or `pail posture` gathered ([`Facts`]) and never asks the
//! server, so the TUI, the command line and the tests get the same answer
//! from the same facts.

pub mod gather;
pub mod ladder;
pub mod policy;
pub mod profile;
pub mod report;
pub mod words;

use crate::store::settings::{Part, Setting};
use crate::store::{ErrorKind, StoreError, StoreResult, Versioning};
use std::collections::BTreeMap;

pub use gather::{Gathered, gather};
pub use ladder::{Ladder, Rung, Verdict};
pub use profile::Profile;

/// What is known of one part (or of the account's Block Public Access).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Read<'a> {
    /// Not read yet.
    Pending,
    Set(&'a Setting),
    NotSet,
    /// Denied to the caller, not supported by the server, or failed: why.
    Unknown(&'a StoreError),
}

impl<'a> Read<'a> {
    pub fn of(r: &'a StoreResult<Option<Setting>>) -> Read<'a> {
        match r {
            Ok(Some(s)) => Read::Set(s),
            Ok(None) => Read::NotSet,
            Err(e) => Read::Unknown(e),
        }
    }

    /// "denied to you", "not supported by this server", or the failure.
    pub fn unknown_why(e: &StoreError) -> String {
        match e.kind {
            ErrorKind::AccessDenied => "denied to you".into(),
            ErrorKind::NotImplemented => "not supported by this server".into(),
            _ => format!("could not be read: {}", crate::diagnose::short(e)),
        }
    }
}

/// Everything posture reads: each part of the bucket's settings, and the
/// account's Block Public Access (a `Setting::PublicAccess` when set).
#[derive(Clone, Debug, Default)]
pub struct Facts<'a> {
    pub parts: BTreeMap<Part, Read<'a>>,
    pub account: Option<Read<'a>>,
    /// Object lock was asked for (`[posture]` config or the command line).
    pub want_object_lock: bool,
}

impl<'a> Facts<'a> {
    pub fn part(&self, p: Part) -> Read<'a> {
        self.parts.get(&p).copied().unwrap_or(Read::Pending)
    }

    pub fn account(&self) -> Read<'a> {
        self.account.unwrap_or(Read::Pending)
    }

    fn versioning_on(&self) -> Option<bool> {
        match self.part(Part::Versioning) {
            Read::Set(Setting::Versioning { status, .. }) => Some(*status == Versioning::Enabled),
            Read::NotSet => Some(false),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Shown, but it does not matter for the bucket's profile.
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|v| v.label().eq_ignore_ascii_case(s))
    }
}

/// The checks, named as the JSON output and the config name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Check {
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
    AccessLogging,
    ObjectLock,
    Website,
}

impl Check {
    pub fn id(self) -> &'static str {
        match self {
            Check::Public => "public",
            Check::PublicAccessBlock => "block-public-access",
            Check::Versioning => "versioning",
            Check::Encryption => "default-encryption",
            Check::KmsBucketKey => "kms-bucket-key",
            Check::Lifecycle => "lifecycle",
            Check::NoncurrentExpiry => "noncurrent-expiry",
            Check::AbortIncomplete => "abort-incomplete-uploads",
            Check::TlsOnly => "tls-only",
            Check::AclsEnabled => "acls-enabled",
            Check::AccessLogging => "access-logging",
            Check::ObjectLock => "object-lock",
            Check::Website => "website-endpoint",
        }
    }
}

/// One thing to look at: what, why it matters, how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    pub severity: Severity,
    pub title: String,
    pub why: String,
    pub fix: String,
}

/// The posture of one bucket: the public ladder, the findings (most severe
/// first) and the parts that could not be checked.
#[derive(Clone, Debug)]
pub struct Posture {
    pub profile: Profile,
    pub ladder: Ladder,
    pub findings: Vec<Finding>,
    /// (part, why it is unknown): checks that could not be made.
    pub unchecked: Vec<(Part, String)>,
    /// Some part is still loading: the findings may grow.
    pub pending: bool,
}

impl Posture {
    /// The most severe finding that matters for the profile.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Assesses a bucket's facts for a profile.
pub fn assess(f: &Facts, profile: Profile) -> Posture {
    let ladder = ladder::climb(f);
    let mut findings = Vec::new();
    let mut add = |check: Check, title: &str, why: &str, fix: &str| {
        findings.push(Finding {
            check,
            severity: profile.severity(check),
            title: title.to_owned(),
            why: why.to_owned(),
            fix: fix.to_owned(),
        });
    };
    match &ladder.verdict {
        Verdict::Public(how) => add(
            Check::Public,
            &format!("Bucket is public ({how})"),
            "anyone on the internet can reach what it grants, without credentials",
            "turn Block Public Access on (all four settings), then remove the public grant or statement",
        ),
        Verdict::MaybePublic(how) => add(
            Check::Public,
            &format!("Bucket may be public ({how})"),
            "a public grant or statement exists and a Block Public Access setting that would neutralise it could not be read",
            "turn Block Public Access on for the bucket",
        ),
        Verdict::NotPublic(_) | Verdict::Unknown(_) => {}
    }
    let bucket_bpa = match f.part(Part::PublicAccess) {
        Read::Set(Setting::PublicAccess(b)) => Some(b.all()),
        Read::NotSet => Some(false),
        _ => None,
    };
    let account_bpa = match f.account() {
        Read::Set(Setting::PublicAccess(b)) => b.all(),
        _ => false,
    };
    if bucket_bpa == Some(false) && !account_bpa {
        add(
            Check::PublicAccessBlock,
            "Block Public Access is not fully on",
            "one ACL or policy edit could make objects public; with all four settings on, S3 refuses or ignores it",
            "turn all four Block Public Access settings on",
        );
    }
    let versioned = f.versioning_on();
    if versioned == Some(false) {
        add(
            Check::Versioning,
            "Versioning is off",
            "an overwrite or delete loses the object for good; with versioning a delete is a marker you can undo",
            "enable versioning (it cannot be turned off again, only suspended)",
        );
    }
    match f.part(Part::Encryption) {
        Read::NotSet => add(
            Check::Encryption,
            "No default encryption",
            "objects uploaded without an encryption header are stored unencrypted",
            "set default encryption to SSE-S3 (AES256), or SSE-KMS with a key",
        ),
        Read::Set(Setting::Encryption(rules))
            if rules
                .iter()
                .any(|r| r.algorithm.starts_with("aws:kms") && !r.bucket_key) =>
        {
            add(
                Check::KmsBucketKey,
                "SSE-KMS without a bucket key",
                "every object read and write calls KMS: slower and billed per request",
                "turn the bucket key on in the encryption settings",
            );
        }
        _ => {}
    }
    match f.part(Part::Lifecycle) {
        Read::NotSet => add(
            Check::Lifecycle,
            "No lifecycle rules",
            "old data stays in its first storage class and incomplete multipart uploads are kept (and billed) forever",
            "add rules: after 30 days → STANDARD_IA, 90 → GLACIER; abort incomplete uploads after 7 days",
        ),
        Read::Set(Setting::Lifecycle(rules)) => {
            let on = || rules.iter().filter(|r| r.enabled && r.prefix.is_empty());
            if versioned == Some(true)
                && !on().any(|r| {
                    r.noncurrent_expire_days.is_some() || !r.noncurrent_transitions.is_empty()
                })
            {
                add(
                    Check::NoncurrentExpiry,
                    "Noncurrent versions are kept forever",
                    "on a versioned bucket every overwrite keeps the old copy, billed as long as it lives",
                    "add a rule that expires noncurrent versions after 30 days (or moves them to GLACIER)",
                );
            }
            if !on().any(|r| r.abort_incomplete_days.is_some()) {
                add(
                    Check::AbortIncomplete,
                    "Incomplete multipart uploads are never aborted",
                    "parts of uploads that never finished are invisible in listings but billed",
                    "add a rule that aborts incomplete multipart uploads after 7 days",
                );
            }
        }
        _ => {}
    }
    match f.part(Part::Policy) {
        Read::NotSet => add(
            Check::TlsOnly,
            "No TLS-only policy",
            "requests over plain HTTP are accepted: credentials' signatures and data travel unencrypted",
            "add a Deny statement for aws:SecureTransport = false",
        ),
        Read::Set(Setting::Policy(doc)) => {
            let tls = policy::parse(doc)
                .map(|st| st.iter().any(policy::Statement::denies_plain_http))
                .unwrap_or(false);
            if !tls {
                add(
                    Check::TlsOnly,
                    "No TLS-only statement in the policy",
                    "requests over plain HTTP are accepted: data travels unencrypted",
                    "add a Deny statement for aws:SecureTransport = false",
                );
            }
        }
        _ => {}
    }
    match f.part(Part::Ownership) {
        Read::Set(Setting::Ownership(o)) if o != "BucketOwnerEnforced" => add(
            Check::AclsEnabled,
            "ACLs are enabled",
            "objects can carry their own ACLs (public ones included) and may belong to the account that wrote them",
            "set object ownership to \"bucket owner enforced\", which turns ACLs off",
        ),
        Read::NotSet => add(
            Check::AclsEnabled,
            "ACLs are enabled (no object ownership setting)",
            "without \"bucket owner enforced\", ACLs still decide access and object ownership",
            "set object ownership to \"bucket owner enforced\", which turns ACLs off",
        ),
        _ => {}
    }
    if let Read::Set(Setting::Logging { target: None }) | Read::NotSet = f.part(Part::Logging) {
        add(
            Check::AccessLogging,
            "Server access logging is off",
            "there is no record of who read or changed what (CloudTrail data events are the other way)",
            "send access logs to a separate log bucket",
        );
    }
    if f.want_object_lock {
        let locked = matches!(
            f.part(Part::ObjectLock),
            Read::Set(Setting::ObjectLock { enabled: true, .. })
        );
        if !locked && !matches!(f.part(Part::ObjectLock), Read::Pending | Read::Unknown(_)) {
            add(
                Check::ObjectLock,
                "Object lock is not enabled",
                "you asked for it: without it, anyone with delete rights can remove versions",
                "object lock can only be enabled with versioning; on an existing bucket ask AWS support or copy into a new bucket created with it",
            );
        }
    }
    if let Read::Set(Setting::Website { .. }) = f.part(Part::Website) {
        add(
            Check::Website,
            "Static website hosting is on",
            "the website endpoint serves only public objects over plain HTTP; behind CloudFront use the REST endpoint with OAC instead",
            "turn website hosting off and let CloudFront read the bucket through OAC",
        );
    }
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.check.cmp(&b.check)));
    let mut unchecked = Vec::new();
    let mut pending = f.account.is_none();
    for p in Part::ALL {
        match f.part(p) {
            Read::Unknown(e) => unchecked.push((p, Read::unknown_why(e))),
            Read::Pending => pending = true,
            _ => {}
        }
    }
    Posture {
        profile,
        ladder,
        findings,
        unchecked,
        pending,
    }
}

#[cfg(test)]
mod tests;
