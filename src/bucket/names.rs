//! S3's rules for a general-purpose bucket's name, checked before asking
//! the server (which would answer an opaque InvalidBucketName), and the
//! domain guide's naming hint: `company-env-region-purpose`.

/// Why `name` cannot be a bucket's name, or `None` when it can.
pub fn invalid(name: &str) -> Option<String> {
    let n = name.len();
    if !(3..=63).contains(&n) {
        return Some(format!("must be 3 to 63 characters long, not {n}"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Some(format!(
            "may hold only lowercase letters, digits, '-' and '.', not {c:?}"
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(name.chars().next()) || !edge(name.chars().last()) {
        return Some("must begin and end with a letter or digit".into());
    }
    if name.contains("..") {
        return Some("must not hold two dots in a row".into());
    }
    if name.contains(".-") || name.contains("-.") {
        return Some("must not put a dot next to a dash".into());
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return Some("must not look like an IP address".into());
    }
    for p in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(p) {
            return Some(format!("must not begin with {p:?} (reserved)"));
        }
    }
    for s in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(s) {
            return Some(format!("must not end with {s:?} (reserved)"));
        }
    }
    None
}

/// The guide's hint when a name does not read as
/// `company-env-region-purpose` (four dash-separated parts).
pub fn hint(name: &str) -> Option<&'static str> {
    (name.split('-').count() < 4).then_some(
        "names like company-env-region-purpose (acme-prod-euw1-uploads) say whose, where and what",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_rules() {
        assert_eq!(invalid("acme-prod-euw1-uploads"), None);
        assert_eq!(invalid("a.b.c"), None);
        assert!(invalid("ab").is_some());
        assert!(invalid(&"a".repeat(64)).is_some());
        assert!(invalid("Acme").unwrap().contains("'A'"));
        assert!(invalid("acme_x").is_some());
        assert!(invalid("-acme").is_some());
        assert!(invalid("acme.").is_some());
        assert!(invalid("a..b").is_some());
        assert!(invalid("a.-b").is_some());
        assert!(invalid("192.168.5.4").is_some());
        assert!(invalid("xn--abc").is_some());
        assert!(invalid("data-s3alias").is_some());
        assert!(invalid("naïve").is_some());
        assert_eq!(hint("acme-prod-euw1-uploads"), None);
        assert!(hint("uploads").is_some());
    }
}
