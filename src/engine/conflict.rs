//! What to do when a destination already exists. A job asks once, at its
//! first conflict; the answer holds for the rest of it.

use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Choice {
    Overwrite,
    Skip,
    /// Skip when both sides are the same (checksum, else size and mtime);
    /// overwrite otherwise.
    SkipIdentical,
    /// Write beside it as "name (1).ext".
    KeepBoth,
    /// Stop the whole job.
    Cancel,
}

impl Choice {
    pub const ALL: [Choice; 5] = [
        Choice::Overwrite,
        Choice::Skip,
        Choice::SkipIdentical,
        Choice::KeepBoth,
        Choice::Cancel,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Choice::Overwrite => "overwrite all",
            Choice::Skip => "skip all",
            Choice::SkipIdentical => "skip identical",
            Choice::KeepBoth => "keep both",
            Choice::Cancel => "cancel",
        }
    }
}

/// `[transfers] conflict`: ask, or one choice for every job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    #[default]
    Ask,
    Overwrite,
    Skip,
    SkipIdentical,
    KeepBoth,
}

impl Policy {
    pub fn fixed(self) -> Option<Choice> {
        match self {
            Policy::Ask => None,
            Policy::Overwrite => Some(Choice::Overwrite),
            Policy::Skip => Some(Choice::Skip),
            Policy::SkipIdentical => Some(Choice::SkipIdentical),
            Policy::KeepBoth => Some(Choice::KeepBoth),
        }
    }
}

/// One side of an "is it the same?" comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint {
    pub size: u64,
    /// Seconds since the epoch.
    pub mtime: Option<i64>,
    /// A content digest both sides can be compared on (an MD5 ETag against
    /// a local MD5, or two ETags of copies).
    pub digest: Option<String>,
}

/// "Identical" for skip-identical: sizes must match; then digests decide
/// when both sides have one, else equal mtimes (to the second) do.
pub fn identical(a: &Fingerprint, b: &Fingerprint) -> bool {
    if a.size != b.size {
        return false;
    }
    match (&a.digest, &b.digest) {
        (Some(x), Some(y)) => x.trim_matches('"') == y.trim_matches('"'),
        _ => matches!((a.mtime, b.mtime), (Some(x), Some(y)) if x == y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(size: u64, mtime: Option<i64>, digest: Option<&str>) -> Fingerprint {
        Fingerprint {
            size,
            mtime,
            digest: digest.map(str::to_owned),
        }
    }

    #[test]
    fn identical_means_same_size_then_digest_else_mtime() {
        assert!(!identical(
            &fp(1, Some(5), Some("x")),
            &fp(2, Some(5), Some("x"))
        ));
        assert!(identical(
            &fp(1, Some(5), Some("\"ab\"")),
            &fp(1, Some(9), Some("ab"))
        ));
        assert!(!identical(
            &fp(1, Some(5), Some("ab")),
            &fp(1, Some(5), Some("cd"))
        ));
        assert!(identical(
            &fp(1, Some(5), None),
            &fp(1, Some(5), Some("cd"))
        ));
        assert!(!identical(&fp(1, Some(5), None), &fp(1, Some(6), None)));
        assert!(!identical(&fp(1, None, None), &fp(1, None, None)));
    }

    #[test]
    fn policies_parse_from_config_words() {
        #[derive(Deserialize)]
        struct T {
            c: Policy,
        }
        let t: T = toml::from_str("c = \"skip-identical\"").unwrap();
        assert_eq!(t.c.fixed(), Some(Choice::SkipIdentical));
        let t: T = toml::from_str("c = \"ask\"").unwrap();
        assert_eq!(t.c.fixed(), None);
    }
}
