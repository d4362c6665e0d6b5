//! Archived objects: which storage classes S3 will not read until a
//! restore, the restore's state as `x-amz-restore` (HeadObject) or
//! `RestoreStatus` (a listing) tells it, and what a restore request asks.

/// Storage classes whose objects need a RestoreObject before a GET
/// (GLACIER_IR is read directly; Intelligent-Tiering's archive tiers are
/// known only per object, from a failed read).
pub fn needs_restore(class: Option<&str>) -> bool {
    matches!(class, Some("GLACIER" | "DEEP_ARCHIVE"))
}

/// Where a restore stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreState {
    /// Requested; the readable copy is not there yet.
    InProgress,
    /// A readable copy exists until `until` (epoch seconds, when known).
    Restored { until: Option<i64> },
}

/// `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`.
pub fn parse_restore_header(h: &str) -> Option<RestoreState> {
    let field = |name: &str| {
        let start = h.find(&format!("{name}=\""))? + name.len() + 2;
        let end = h[start..].find('"')? + start;
        Some(&h[start..end])
    };
    match field("ongoing-request")? {
        "true" => Some(RestoreState::InProgress),
        "false" => Some(RestoreState::Restored {
            until: field("expiry-date").and_then(|d| {
                chrono::DateTime::parse_from_rfc2822(d)
                    .ok()
                    .map(|t| t.timestamp())
            }),
        }),
        _ => None,
    }
}

/// The retrieval tier of a restore: how fast, and how dear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    Expedited,
    Standard,
    Bulk,
}

impl Tier {
    pub fn parse(s: &str) -> Option<Tier> {
        match s.to_ascii_lowercase().as_str() {
            "expedited" => Some(Tier::Expedited),
            "standard" => Some(Tier::Standard),
            "bulk" => Some(Tier::Bulk),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Expedited => "Expedited",
            Tier::Standard => "Standard",
            Tier::Bulk => "Bulk",
        }
    }

    /// How long the copy takes to appear, for `class`, as AWS documents.
    pub fn wait(self, class: &str) -> Option<&'static str> {
        match (class, self) {
            ("GLACIER", Tier::Expedited) => Some("1–5 minutes"),
            ("GLACIER", Tier::Standard) => Some("3–5 hours"),
            ("GLACIER", Tier::Bulk) => Some("5–12 hours"),
            ("DEEP_ARCHIVE", Tier::Standard) => Some("within 12 hours"),
            ("DEEP_ARCHIVE", Tier::Bulk) => Some("within 48 hours"),
            // DEEP_ARCHIVE has no Expedited tier.
            _ => None,
        }
    }
}

/// What a RestoreObject did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restore {
    /// Requested now (or an existing copy's expiry moved).
    Requested,
    /// A restore of this object is already under way (409).
    AlreadyInProgress,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_restore_header_reads_as_a_state() {
        assert_eq!(
            parse_restore_header(r#"ongoing-request="true""#),
            Some(RestoreState::InProgress)
        );
        assert_eq!(
            parse_restore_header(
                r#"ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT""#
            ),
            Some(RestoreState::Restored {
                until: Some(1_356_048_000)
            })
        );
        assert_eq!(parse_restore_header("garbage"), None);
        assert!(needs_restore(Some("DEEP_ARCHIVE")));
        assert!(!needs_restore(Some("GLACIER_IR")));
        assert_eq!(Tier::Expedited.wait("DEEP_ARCHIVE"), None);
    }
}
