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

pub fn encode_key(key: &str) -> String {
    utf8_percent_encode(key, KEY_ENCODE).to_string()
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
            if conn.path_style || bucket.contains('.') {
                format!("https://s3.{bucket_region}.amazonaws.com/{bucket}/{key}")
            } else {
                format!("https://{bucket}.s3.{bucket_region}.amazonaws.com/{key}")
            }
        }
        Some(endpoint) => {
            let endpoint = endpoint.trim_end_matches('/');
            if conn.path_style {
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
        let vconn = Connection {
            path_style: false,
            ..conn
        };
        assert_eq!(
            object_url(&vconn, "us-east-1", "b", "k"),
            "http://b.127.0.0.1:9000/k"
        );
    }

    #[test]
    fn arns() {
        assert_eq!(arn("b", "k/x", "us-east-1"), "arn:aws:s3:::b/k/x");
        assert_eq!(arn("b", "", "cn-north-1"), "arn:aws-cn:s3:::b");
        assert_eq!(arn("b", "k", "us-gov-west-1"), "arn:aws-us-gov:s3:::b/k");
    }
}
