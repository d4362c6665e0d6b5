//! What the user means a bucket for, from the domain guide's scenarios:
//! the same finding matters more or less (or not at all) for private app
//! storage, a static site behind CloudFront, or a data lake.

use super::{Check, Severity};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Private app file storage (the guide's most common case): bucket
    /// private, IAM roles, SSE, presigned URLs for clients.
    #[default]
    PrivateApp,
    /// Static site or public assets served by CloudFront, which reads the
    /// (private) bucket through Origin Access Control.
    StaticSite,
    /// Raw/processed/curated data: versioning and lifecycle to cheaper
    /// classes matter most.
    DataLake,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::PrivateApp, Profile::StaticSite, Profile::DataLake];

    /// The name config files and `--intent` use.
    pub fn name(self) -> &'static str {
        match self {
            Profile::PrivateApp => "private-app",
            Profile::StaticSite => "static-site",
            Profile::DataLake => "data-lake",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Profile::PrivateApp => "private app storage",
            Profile::StaticSite => "static site behind CloudFront (bucket private, OAC)",
            Profile::DataLake => "data lake",
        }
    }

    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == s)
    }

    /// The next profile, for cycling on the card.
    pub fn next(self) -> Profile {
        let i = Profile::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Profile::ALL[(i + 1) % Profile::ALL.len()]
    }

    /// How much a finding matters for this profile.
    pub fn severity(self, check: Check) -> Severity {
        use Check as C;
        use Severity as S;
        match (self, check) {
            (_, C::Public) => S::Critical,
            (_, C::PublicAccessBlock) => S::High,
            (Profile::DataLake, C::Versioning) => S::High,
            (Profile::StaticSite, C::Versioning) => S::Low,
            (_, C::Versioning) => S::Medium,
            (_, C::Encryption) => S::High,
            (_, C::KmsBucketKey) => S::Low,
            (Profile::DataLake, C::Lifecycle | C::NoncurrentExpiry) => S::Medium,
            (Profile::StaticSite, C::Lifecycle | C::NoncurrentExpiry) => S::Info,
            (_, C::Lifecycle | C::NoncurrentExpiry) => S::Low,
            (_, C::AbortIncomplete) => S::Low,
            (_, C::TlsOnly) => S::Medium,
            (_, C::AclsEnabled) => S::Medium,
            (Profile::DataLake, C::AccessLogging) => S::Medium,
            (_, C::AccessLogging) => S::Low,
            (_, C::ObjectLock) => S::High,
            (Profile::StaticSite, C::Website) => S::High,
            (_, C::Website) => S::Medium,
        }
    }
}
