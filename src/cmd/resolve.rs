//! What the paths typed after `pail cp/mv/rm` stand for, found out before
//! anything is written: an object, a prefix, a local file or folder, a
//! pipe (`-`), or nothing at all. A source that matches nothing is an
//! error that names it; it never turns into a job that quietly does
//! nothing and exits 0.

use crate::engine::S3Source;
use crate::store::{ErrorKind, GetRequest, ListRequest, ObjectSummary, Store, StoreError};
use std::path::{Path, PathBuf};

/// A typed location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    S3 {
        bucket: String,
        key: String,
    },
    Local(String),
    /// `-`: stdin as a source, stdout as a destination.
    Pipe,
}

impl Place {
    pub fn parse(s: &str) -> Result<Place, String> {
        if s == "-" {
            return Ok(Place::Pipe);
        }
        if s.starts_with("s3://") {
            let (bucket, key) = super::target::parse_target(s)?;
            return Ok(Place::S3 { bucket, key });
        }
        if s.is_empty() {
            return Err("an empty path".into());
        }
        Ok(Place::Local(s.to_owned()))
    }
}

/// Whether a destination is a folder or prefix that sources go inside
/// under their own names (else a single source is written as it).
pub fn is_into(dest: &Place) -> bool {
    match dest {
        Place::S3 { key, .. } => key.is_empty() || key.ends_with('/'),
        Place::Local(p) => p.ends_with('/') || local_path(p).is_dir(),
        Place::Pipe => false,
    }
}

pub fn local_path(p: &str) -> PathBuf {
    crate::config::expand_home(Path::new(p))
}

/// An s3:// source: a trailing `/` (or none at all) names a prefix;
/// otherwise the object of that name, else the prefix `key/`. `None` when
/// neither holds anything.
pub async fn s3_source(
    store: &dyn Store,
    bucket: &str,
    key: &str,
) -> Result<Option<S3Source>, StoreError> {
    if key.is_empty() || key.ends_with('/') {
        return Ok(has_keys(store, bucket, key)
            .await?
            .then(|| S3Source::Prefix(key.to_owned())));
    }
    let head = store
        .head_object(&GetRequest {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            ..GetRequest::default()
        })
        .await;
    match head {
        Ok(h) => Ok(Some(S3Source::Object(ObjectSummary {
            restore: None,
            key: key.to_owned(),
            size: h.object_size,
            modified: h.modified,
            storage_class: h.storage_class,
            etag: h.etag,
            version_id: None,
        }))),
        Err(e) if matches!(e.kind, ErrorKind::NoSuchKey | ErrorKind::NotFound) => {
            let prefix = format!("{key}/");
            Ok(has_keys(store, bucket, &prefix)
                .await?
                .then_some(S3Source::Prefix(prefix)))
        }
        // A HEAD answer has no body, so a refusal comes without its code
        // (radosgw's 403 for a bad signature reads as "access denied"): a
        // listing's answer says which it is, if the listing fails too.
        Err(e) if e.code.is_none() => match has_keys(store, bucket, key).await {
            Err(listed) if listed.code.is_some() => Err(listed),
            _ => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Whether anything is stored under `prefix` (one key is enough). Also
/// what a destination is probed with, so a bucket that does not exist or
/// cannot be read is explained before anything is sent.
pub async fn has_keys(store: &dyn Store, bucket: &str, prefix: &str) -> Result<bool, StoreError> {
    let page = store
        .list_page(&ListRequest::recursive(bucket, prefix, 1))
        .await?;
    Ok(!page.objects.is_empty())
}

/// Why an s3:// source matched nothing, in words.
pub fn nothing_there(key: &str) -> String {
    if key.is_empty() {
        "the bucket is empty".into()
    } else if key.ends_with('/') {
        "no such prefix: nothing is stored under it".into()
    } else {
        format!(
            "no such key, and nothing under {}/ either",
            crate::sanitize::clean(key)
        )
    }
}

/// A local source as the command line named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalSource {
    pub path: PathBuf,
    /// A regular file (through symlinks), which a destination that is not
    /// a folder renames.
    pub is_file: bool,
}

/// A local source, or why it cannot be one. A symlink that leads nowhere
/// is still passed on: the upload says what it is.
pub fn local_source(typed: &str) -> Result<LocalSource, String> {
    let path = local_path(typed);
    match std::fs::symlink_metadata(&path) {
        Ok(_) => Ok(LocalSource {
            is_file: std::fs::metadata(&path).is_ok_and(|m| m.is_file()),
            path,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err("no such file or directory".into())
        }
        Err(e) => Err(format!("cannot read it: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places() {
        assert_eq!(Place::parse("-").unwrap(), Place::Pipe);
        assert_eq!(
            Place::parse("s3://b/k").unwrap(),
            Place::S3 {
                bucket: "b".into(),
                key: "k".into()
            }
        );
        assert_eq!(Place::parse("./x").unwrap(), Place::Local("./x".into()));
        assert!(Place::parse("s3://").is_err());
        assert!(Place::parse("").is_err());
    }

    #[test]
    fn into_a_folder_or_as_a_name() {
        let s3 = |k: &str| Place::S3 {
            bucket: "b".into(),
            key: k.into(),
        };
        assert!(is_into(&s3("")));
        assert!(is_into(&s3("p/")));
        assert!(!is_into(&s3("p")));
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        assert!(is_into(&Place::Local(d.clone())));
        assert!(is_into(&Place::Local(format!("{d}/new/"))));
        assert!(!is_into(&Place::Local(format!("{d}/new.txt"))));
        assert!(!is_into(&Place::Pipe));
    }

    #[test]
    fn missing_local_sources_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").display().to_string();
        assert_eq!(
            local_source(&missing).unwrap_err(),
            "no such file or directory"
        );
        let f = dir.path().join("f");
        std::fs::write(&f, b"x").unwrap();
        assert!(local_source(&f.display().to_string()).unwrap().is_file);
        assert!(
            !local_source(&dir.path().display().to_string())
                .unwrap()
                .is_file
        );
    }
}
