//! The names an object goes by outside pail: its s3:// URI, its https URL and
//! its ARN. Users paste these into code, tickets and policies, so they must be
//! exactly right for the endpoint in use (virtual-hosted on AWS, path-style on
//! most local stores) and percent-encoded the way S3 expects.

use crate::store::Connection;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters and `/` is encoded, as in
/// SigV4 canonical URIs, so the URL survives being pasted anywhere.
const KEY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The key as a URL path that addresses exactly that key. Besides the
/// usual percent-encoding (`?`, `#`, `%`, spaces, non-ASCII), two things
/// would otherwise change which object a URL names:
/// - `.` and `..` segments are removed by curl and browsers before the
///   request is sent (`a/../b` would fetch `b`). The slash next to such a
///   segment is sent as `%2F`, which S3 decodes back to `/` but clients do
///   not treat as a separator, so no dot segment remains. (Browsers also
///   treat `%2E` as a dot, so encoding the dots alone is not enough.) A key
///   that is only `.` or `..` has no slash to borrow: its dots are sent as
///   `%2E`, which curl keeps.
/// - Empty segments (`a//b`, a leading `/`) are kept as they are: clients
///   do not merge slashes.
pub fn encode_key(key: &str) -> String {
    let is_dots = |s: &str| s == "." || s == "..";
    let segments: Vec<&str> = key.split('/').collect();
    if segments.len() == 1 && is_dots(key) {
        return key.replace('.', "%2E");
    }
    let mut out = String::with_capacity(key.len() + 8);
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            let last = i == segments.len() - 1;
            if is_dots(segments[i - 1]) || (last && is_dots(seg)) {
                out.push_str("%2F");
            } else {
                out.push('/');
            }
        }
        out.extend(utf8_percent_encode(seg, KEY_ENCODE));
    }
    out
}

/// Whether the SDK would put this bucket in the host name: a DNS label of
/// lowercase letters, digits and dashes (dots only over plain http, where
/// no wildcard certificate has to match), not shaped like an IP address.
/// Anything else goes path-style, and so must its URL.
fn virtual_hostable(bucket: &str, allow_dots: bool) -> bool {
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        (3..=63).contains(&b.len())
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'.')
            && b.first().is_some_and(u8::is_ascii_alphanumeric)
            && b.last().is_some_and(u8::is_ascii_alphanumeric)
    };
    let dotted = bucket.contains('.');
    label_ok(bucket)
        && (allow_dots || !dotted)
        && !bucket.contains("..")
        && !bucket.contains(".-")
        && !bucket.contains("-.")
        && bucket.parse::<std::net::Ipv4Addr>().is_err()
}

pub fn s3_uri(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{key}")
}

fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

pub fn arn(bucket: &str, key: &str, region: &str) -> String {
    if key.is_empty() {
        format!("arn:{}:s3:::{bucket}", partition(region))
    } else {
        format!("arn:{}:s3:::{bucket}/{key}", partition(region))
    }
}

/// The https (or http, for local endpoints) URL of an object.
pub fn object_url(conn: &Connection, bucket_region: &str, bucket: &str, key: &str) -> String {
    let key = encode_key(key);
    match &conn.endpoint {
        None => {
            // Dotted bucket names break the wildcard TLS certificate of
            // virtual-hosted URLs; AWS documents path-style for them.
            if conn.path_style || !virtual_hostable(bucket, false) {
                format!("https://s3.{bucket_region}.amazonaws.com/{bucket}/{key}")
            } else {
                format!("https://{bucket}.s3.{bucket_region}.amazonaws.com/{key}")
            }
        }
        Some(endpoint) => {
            let endpoint = endpoint.trim_end_matches('/');
            let http = endpoint.to_ascii_lowercase().starts_with("http://");
            if conn.path_style
                || crate::store::endpoint::is_local_or_ip(endpoint)
                || !virtual_hostable(bucket, http)
            {
                format!("{endpoint}/{bucket}/{key}")
            } else if let Some((scheme, host)) = endpoint.split_once("://") {
                format!("{scheme}://{bucket}.{host}/{key}")
            } else {
                format!("{endpoint}/{bucket}/{key}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws() -> Connection {
        Connection {
            region: "eu-west-1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn aws_virtual_hosted() {
        assert_eq!(
            object_url(&aws(), "eu-west-1", "my-bucket", "docs/a b+c.pdf"),
            "https://my-bucket.s3.eu-west-1.amazonaws.com/docs/a%20b%2Bc.pdf"
        );
        assert_eq!(
            object_url(&aws(), "us-east-1", "my.bucket", "k"),
            "https://s3.us-east-1.amazonaws.com/my.bucket/k"
        );
    }

    #[test]
    fn custom_endpoint_path_style() {
        let conn = Connection {
            endpoint: Some("http://127.0.0.1:9000/".into()),
            path_style: true,
            ..Default::default()
        };
        assert_eq!(
            object_url(&conn, "us-east-1", "b", "x/é?#%.txt"),
            "http://127.0.0.1:9000/b/x/%C3%A9%3F%23%25.txt"
        );
        // The SDK never puts a bucket in an IP address's host name.
        let vconn = Connection {
            path_style: false,
            ..conn
        };
        assert_eq!(
            object_url(&vconn, "us-east-1", "bkt", "k"),
            "http://127.0.0.1:9000/bkt/k"
        );
        let local = Connection {
            endpoint: Some("http://localhost:9000".into()),
            path_style: false,
            ..Default::default()
        };
        assert_eq!(
            object_url(&local, "us-east-1", "bkt", "k"),
            "http://localhost:9000/bkt/k"
        );
        let named = Connection {
            endpoint: Some("https://minio.example.com".into()),
            path_style: false,
            ..Default::default()
        };
        assert_eq!(
            object_url(&named, "us-east-1", "bkt", "k"),
            "https://bkt.minio.example.com/k"
        );
        // Not a DNS label (or dotted over https): path-style, as the SDK does.
        assert_eq!(
            object_url(&named, "us-east-1", "My_Bucket", "k"),
            "https://minio.example.com/My_Bucket/k"
        );
        assert_eq!(
            object_url(&named, "us-east-1", "a.b.c", "k"),
            "https://minio.example.com/a.b.c/k"
        );
    }

    #[test]
    fn dot_segments_survive_clients() {
        assert_eq!(encode_key("a/../b"), "a/..%2Fb");
        assert_eq!(encode_key("./x"), ".%2Fx");
        assert_eq!(encode_key("x/."), "x%2F.");
        assert_eq!(encode_key("a/.."), "a%2F..");
        assert_eq!(encode_key("../.."), "..%2F..");
        assert_eq!(encode_key(".."), "%2E%2E");
        assert_eq!(encode_key("."), "%2E");
        assert_eq!(encode_key("a./.b/..c"), "a./.b/..c");
        assert_eq!(encode_key("/.."), "%2F..");
    }

    #[test]
    fn empty_segments_and_reserved_characters() {
        assert_eq!(encode_key("a//b"), "a//b");
        assert_eq!(encode_key("/lead"), "/lead");
        assert_eq!(encode_key("q?x#y%z"), "q%3Fx%23y%25z");
        assert_eq!(encode_key("sp ace+plus"), "sp%20ace%2Bplus");
    }

    #[test]
    fn arns() {
        assert_eq!(arn("b", "k/x", "us-east-1"), "arn:aws:s3:::b/k/x");
        assert_eq!(arn("b", "", "cn-north-1"), "arn:aws-cn:s3:::b");
        assert_eq!(arn("b", "k", "us-gov-west-1"), "arn:aws-us-gov:s3:::b/k");
    }
}
