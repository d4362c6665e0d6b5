//! `[transfers]`: how the transfer engine behaves and what uploads default
//! to. Sizes and rates are written as people write them ("8MiB", "50MiB/s").

use super::expand_home;
use crate::engine::{Policy, Settings, UploadOptions, parts};
use crate::store::Encryption;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TransfersFile {
    concurrency: Option<usize>,
    part_size: Option<String>,
    multipart_threshold: Option<String>,
    copy_threshold: Option<String>,
    download_dir: Option<PathBuf>,
    conflict: Option<Policy>,
    verify: Option<bool>,
    preserve_mtime: Option<bool>,
    follow_symlinks: Option<bool>,
    bandwidth_limit: Option<String>,
    storage_class: Option<String>,
    /// "none", "sse-s3" or "sse-kms".
    encryption: Option<String>,
    kms_key_id: Option<String>,
    /// "escape" or "verbatim".
    local_names: Option<String>,
    case_insensitive: Option<bool>,
    folder_markers: Option<bool>,
}

/// The transfers section as pail uses it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transfers {
    pub engine: Settings,
    pub download_dir: Option<PathBuf>,
    pub upload: UploadOptions,
}

/// Storage classes the upload prompt offers (S3's names).
pub const STORAGE_CLASSES: [&str; 7] = [
    "STANDARD",
    "INTELLIGENT_TIERING",
    "STANDARD_IA",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
];

impl Transfers {
    /// Applies one file's section; `Err((key, message))` on a bad value.
    pub(super) fn apply(&mut self, f: &TransfersFile) -> Result<(), (&'static str, String)> {
        let e = &mut self.engine;
        if let Some(n) = f.concurrency {
            if !(1..=512).contains(&n) {
                return Err(("concurrency", format!("must be 1..=512, not {n}")));
            }
            e.concurrency = n;
        }
        let size = |key: &'static str,
                    v: &Option<String>|
         -> Result<Option<u64>, (&'static str, String)> {
            v.as_deref()
                .map(|s| {
                    parts::parse_size(s).ok_or((key, format!("{s:?} is not a size like \"8MiB\"")))
                })
                .transpose()
        };
        if let Some(p) = size("part_size", &f.part_size)? {
            if !(parts::MIN_PART..=parts::MAX_PART).contains(&p) {
                return Err(("part_size", "must be between 5MiB and 5GiB".into()));
            }
            e.part_size = p;
        }
        if let Some(t) = size("multipart_threshold", &f.multipart_threshold)? {
            e.multipart_threshold = t;
        }
        if let Some(t) = size("copy_threshold", &f.copy_threshold)? {
            if t > parts::MAX_PART {
                return Err(("copy_threshold", "CopyObject stops at 5GiB".into()));
            }
            e.copy_threshold = t;
        }
        if let Some(r) = &f.bandwidth_limit {
            e.bandwidth_limit = match r.trim() {
                "" | "off" | "none" => None,
                s => Some(parts::parse_rate(s).ok_or((
                    "bandwidth_limit",
                    format!("{s:?} is not a rate like \"50MiB/s\""),
                ))?),
            };
        }
        e.conflict = f.conflict.unwrap_or(e.conflict);
        e.verify = f.verify.unwrap_or(e.verify);
        e.preserve_mtime = f.preserve_mtime.unwrap_or(e.preserve_mtime);
        e.follow_symlinks = f.follow_symlinks.unwrap_or(e.follow_symlinks);
        e.folder_markers = f.folder_markers.unwrap_or(e.folder_markers);
        if f.case_insensitive.is_some() {
            e.case_insensitive = f.case_insensitive;
        }
        match f.local_names.as_deref() {
            None => {}
            Some("escape") => e.local_names = crate::engine::LocalNames::Escape,
            Some("verbatim") => e.local_names = crate::engine::LocalNames::Verbatim,
            Some(other) => {
                return Err((
                    "local_names",
                    format!("{other:?}: expected \"escape\" or \"verbatim\""),
                ));
            }
        }
        if let Some(d) = &f.download_dir {
            self.download_dir = Some(expand_home(d));
        }
        if let Some(c) = &f.storage_class {
            let up = c.to_ascii_uppercase();
            if !STORAGE_CLASSES.contains(&up.as_str()) {
                return Err((
                    "storage_class",
                    format!(
                        "unknown class {c:?} (one of {})",
                        STORAGE_CLASSES.join(", ")
                    ),
                ));
            }
            self.upload.storage_class = Some(up);
        }
        let key = f.kms_key_id.clone().filter(|k| !k.is_empty());
        match f.encryption.as_deref() {
            None => {}
            Some("none") => self.upload.encryption = Encryption::BucketDefault,
            Some("sse-s3") => self.upload.encryption = Encryption::S3,
            Some("sse-kms") => self.upload.encryption = Encryption::Kms(key),
            Some(other) => {
                return Err((
                    "encryption",
                    format!("{other:?}: expected \"none\", \"sse-s3\" or \"sse-kms\""),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Transfers, (&'static str, String)> {
        let f: TransfersFile = toml::from_str(text).unwrap();
        let mut t = Transfers::default();
        t.apply(&f)?;
        Ok(t)
    }

    #[test]
    fn sizes_rates_and_choices_read_as_written() {
        let t = parse(
            "concurrency = 8\npart_size = \"16MiB\"\nbandwidth_limit = \"50MiB/s\"\nconflict = \"skip-identical\"\nstorage_class = \"standard_ia\"\nencryption = \"sse-kms\"\nkms_key_id = \"k1\"",
        )
        .unwrap();
        assert_eq!(t.engine.concurrency, 8);
        assert_eq!(t.engine.part_size, 16 << 20);
        assert_eq!(t.engine.bandwidth_limit, Some(50 << 20));
        assert_eq!(t.engine.conflict, Policy::SkipIdentical);
        assert_eq!(t.upload.storage_class.as_deref(), Some("STANDARD_IA"));
        assert_eq!(t.upload.encryption, Encryption::Kms(Some("k1".into())));
    }

    #[test]
    fn bad_values_name_their_key() {
        assert_eq!(parse("part_size = \"1MiB\"").unwrap_err().0, "part_size");
        assert_eq!(
            parse("bandwidth_limit = \"fast\"").unwrap_err().0,
            "bandwidth_limit"
        );
        assert_eq!(
            parse("storage_class = \"COLD\"").unwrap_err().0,
            "storage_class"
        );
        assert_eq!(parse("concurrency = 0").unwrap_err().0, "concurrency");
        assert_eq!(parse("local_names = \"raw\"").unwrap_err().0, "local_names");
        let t = parse("local_names = \"verbatim\"\ncase_insensitive = true\nfolder_markers = true")
            .unwrap();
        assert_eq!(t.engine.local_names, crate::engine::LocalNames::Verbatim);
        assert_eq!(t.engine.case_insensitive, Some(true));
        assert!(t.engine.folder_markers);
    }
}
