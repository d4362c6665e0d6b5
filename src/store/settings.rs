//! A bucket's settings, one part at a time, as the bucket card shows them
//! (part 6). Each part is read by its own request, so a part the caller
//! may not read or the server does not implement never hides the others:
//! `Store::bucket_setting` answers `Ok(Some(..))` (set), `Ok(None)` (not
//! set: S3 says `NoSuch…Configuration` and the like), or an error whose
//! kind says why (`AccessDenied`: denied to you; `NotImplemented`: not
//! supported by this server).
//!
//! Text in here comes from the server (policy JSON, tags, ids): it is
//! untrusted and cleaned where it is shown.

use super::Versioning;

/// One part of a bucket's settings, in the order the card lists them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Part {
    Versioning,
    ObjectLock,
    Encryption,
    PublicAccess,
    Policy,
    PolicyStatus,
    Acl,
    Ownership,
    Lifecycle,
    Cors,
    Replication,
    Logging,
    Website,
    Tags,
    Notifications,
    RequestPayment,
}

impl Part {
    pub const ALL: [Part; 16] = [
        Part::Versioning,
        Part::ObjectLock,
        Part::Encryption,
        Part::PublicAccess,
        Part::Policy,
        Part::PolicyStatus,
        Part::Acl,
        Part::Ownership,
        Part::Lifecycle,
        Part::Cors,
        Part::Replication,
        Part::Logging,
        Part::Website,
        Part::Tags,
        Part::Notifications,
        Part::RequestPayment,
    ];

    /// The card's label for this part.
    pub fn label(self) -> &'static str {
        match self {
            Part::Versioning => "Versioning",
            Part::ObjectLock => "Object lock",
            Part::Encryption => "Encryption",
            Part::PublicAccess => "Block public access",
            Part::Policy => "Policy",
            Part::PolicyStatus => "Policy status",
            Part::Acl => "ACL",
            Part::Ownership => "Object ownership",
            Part::Lifecycle => "Lifecycle",
            Part::Cors => "CORS",
            Part::Replication => "Replication",
            Part::Logging => "Access logging",
            Part::Website => "Website",
            Part::Tags => "Tags",
            Part::Notifications => "Notifications",
            Part::RequestPayment => "Requester pays",
        }
    }

    /// The S3 action that reads this part (for "denied to you": which
    /// permission is missing).
    pub fn action(self) -> &'static str {
        match self {
            Part::Versioning => "s3:GetBucketVersioning",
            Part::ObjectLock => "s3:GetBucketObjectLockConfiguration",
            Part::Encryption => "s3:GetEncryptionConfiguration",
            Part::PublicAccess => "s3:GetBucketPublicAccessBlock",
            Part::Policy => "s3:GetBucketPolicy",
            Part::PolicyStatus => "s3:GetBucketPolicyStatus",
            Part::Acl => "s3:GetBucketAcl",
            Part::Ownership => "s3:GetBucketOwnershipControls",
            Part::Lifecycle => "s3:GetLifecycleConfiguration",
            Part::Cors => "s3:GetBucketCORS",
            Part::Replication => "s3:GetReplicationConfiguration",
            Part::Logging => "s3:GetBucketLogging",
            Part::Website => "s3:GetBucketWebsite",
            Part::Tags => "s3:GetBucketTagging",
            Part::Notifications => "s3:GetBucketNotification",
            Part::RequestPayment => "s3:GetBucketRequestPayment",
        }
    }

    /// The error codes with which S3 says "this part is not set".
    pub fn not_set_codes(self) -> &'static [&'static str] {
        match self {
            Part::ObjectLock => &["ObjectLockConfigurationNotFoundError"],
            Part::Encryption => &["ServerSideEncryptionConfigurationNotFoundError"],
            Part::PublicAccess => &["NoSuchPublicAccessBlockConfiguration"],
            Part::Policy | Part::PolicyStatus => &["NoSuchBucketPolicy"],
            Part::Ownership => &["OwnershipControlsNotFoundError"],
            Part::Lifecycle => &["NoSuchLifecycleConfiguration"],
            Part::Cors => &["NoSuchCORSConfiguration"],
            Part::Replication => &["ReplicationConfigurationNotFoundError"],
            Part::Website => &["NoSuchWebsiteConfiguration"],
            Part::Tags => &["NoSuchTagSet", "NoSuchTagSetError"],
            Part::Versioning
            | Part::Acl
            | Part::Logging
            | Part::Notifications
            | Part::RequestPayment => &[],
        }
    }
}

/// What one part holds when it is set.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Setting {
    Versioning {
        status: Versioning,
        mfa_delete: bool,
    },
    ObjectLock {
        enabled: bool,
        /// Default retention: GOVERNANCE or COMPLIANCE.
        mode: Option<String>,
        days: Option<i32>,
        years: Option<i32>,
    },
    /// Default encryption rules (S3 has one).
    Encryption(Vec<EncryptionRule>),
    PublicAccess(PublicAccessBlock),
    /// The policy document as the server returned it.
    Policy(String),
    /// AWS's own verdict on the policy.
    PolicyStatus {
        public: bool,
    },
    Acl {
        owner: Option<String>,
        grants: Vec<Grant>,
    },
    /// BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter.
    Ownership(String),
    Lifecycle(Vec<LifecycleRule>),
    Cors(Vec<CorsRule>),
    Replication {
        role: String,
        /// (rule id, status, destination bucket ARN)
        rules: Vec<(String, String, String)>,
    },
    /// Where access logs go; `None` inside: logging is off.
    Logging {
        target: Option<(String, String)>,
    },
    Website {
        index: Option<String>,
        error: Option<String>,
        redirect_to: Option<String>,
    },
    Tags(Vec<(String, String)>),
    /// One line per configured destination ("SQS arn:… on s3:ObjectCreated:*").
    Notifications(Vec<String>),
    RequestPayment {
        requester_pays: bool,
    },
}

impl Setting {
    /// The part this setting is.
    pub fn part(&self) -> Part {
        match self {
            Setting::Versioning { .. } => Part::Versioning,
            Setting::ObjectLock { .. } => Part::ObjectLock,
            Setting::Encryption(_) => Part::Encryption,
            Setting::PublicAccess(_) => Part::PublicAccess,
            Setting::Policy(_) => Part::Policy,
            Setting::PolicyStatus { .. } => Part::PolicyStatus,
            Setting::Acl { .. } => Part::Acl,
            Setting::Ownership(_) => Part::Ownership,
            Setting::Lifecycle(_) => Part::Lifecycle,
            Setting::Cors(_) => Part::Cors,
            Setting::Replication { .. } => Part::Replication,
            Setting::Logging { .. } => Part::Logging,
            Setting::Website { .. } => Part::Website,
            Setting::Tags(_) => Part::Tags,
            Setting::Notifications(_) => Part::Notifications,
            Setting::RequestPayment { .. } => Part::RequestPayment,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EncryptionRule {
    /// AES256, aws:kms or aws:kms:dsse.
    pub algorithm: String,
    pub kms_key: Option<String>,
    pub bucket_key: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four on: nothing public gets through.
    pub fn all(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    /// Who: a canonical id or display name, an email, or a group URI
    /// (`http://acs.amazonaws.com/groups/global/AllUsers`).
    pub grantee: String,
    /// READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL.
    pub permission: String,
}

impl Grant {
    /// A grant to everyone, or to every AWS account: what makes an ACL
    /// public.
    pub fn is_public(&self) -> bool {
        self.grantee.ends_with("/global/AllUsers")
            || self.grantee.ends_with("/global/AuthenticatedUsers")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LifecycleRule {
    pub id: Option<String>,
    pub enabled: bool,
    /// The prefix the rule applies to ("" for the whole bucket).
    pub prefix: String,
    /// (days after creation, storage class)
    pub transitions: Vec<(i32, String)>,
    pub expire_days: Option<i32>,
    /// (days after becoming noncurrent, storage class)
    pub noncurrent_transitions: Vec<(i32, String)>,
    pub noncurrent_expire_days: Option<i32>,
    pub abort_incomplete_days: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CorsRule {
    pub origins: Vec<String>,
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    /// Response headers a browser's script may read (`ETag`, which a
    /// multipart upload from the browser needs).
    #[serde(default)]
    pub expose: Vec<String>,
    pub max_age: Option<i32>,
}

/// A browser's CORS preflight, as pail sends it: the page's origin, the
/// method its script will use, and the headers it will send (lower case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preflight {
    pub origin: String,
    pub method: String,
    pub headers: Vec<String>,
}

/// The server's answer to a preflight: its status and the CORS headers a
/// browser reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreflightAnswer {
    pub status: u16,
    pub allow_origin: Option<String>,
    pub allow_methods: Option<String>,
    pub allow_headers: Option<String>,
    pub expose_headers: Option<String>,
    /// The error's message from the body of a refusal.
    pub message: Option<String>,
}

impl PreflightAnswer {
    /// Whether a browser would go on with the request: a 2xx, the origin
    /// allowed, and the method and headers among those allowed when named.
    pub fn passes(&self, p: &Preflight) -> bool {
        let listed = |v: &Option<String>, want: &str| match v {
            None => false,
            Some(v) => v
                .split(',')
                .map(str::trim)
                .any(|x| x == "*" || x.eq_ignore_ascii_case(want)),
        };
        (200..300).contains(&self.status)
            && self
                .allow_origin
                .as_deref()
                .is_some_and(|o| o == "*" || o == p.origin)
            && (self.allow_methods.is_none() || listed(&self.allow_methods, &p.method))
            && p.headers.iter().all(|h| listed(&self.allow_headers, h))
    }
}
