//! What a typed `s3://` target names, for every command: the UI's start
//! target (`pail s3://b/docs/`) and the batch commands' paths (resolve.rs)
//! read it the same way, from this one parser.

/// `s3://bucket/path` -> ("bucket", "path"), as typed: a path ending in `/`
/// is a prefix; anything else may name an object (its folder opens with it
/// selected) or a prefix typed without its slash (the app finds out which).
pub fn parse_target(s: &str) -> Result<(String, String), String> {
    let rest = s
        .strip_prefix("s3://")
        .ok_or_else(|| format!("{s:?} is not an s3:// URI (expected s3://bucket/prefix/)"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{s:?} names no bucket"));
    }
    Ok((bucket.to_owned(), prefix.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("s3://b").unwrap(), ("b".into(), "".into()));
        assert_eq!(parse_target("s3://b/").unwrap(), ("b".into(), "".into()));
        assert_eq!(
            parse_target("s3://b/x/y.txt").unwrap(),
            ("b".into(), "x/y.txt".into()),
            "kept as typed: it may name an object"
        );
        assert_eq!(
            parse_target("s3://b/x/y/").unwrap(),
            ("b".into(), "x/y/".into())
        );
        assert!(parse_target("b/x").is_err());
        assert!(parse_target("s3:///x").is_err());
    }
}
