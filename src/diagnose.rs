//! Turns an S3 failure into something a person can act on. S3's own messages
//! ("Access Denied") say what happened but not why; the why depends on which
//! identity was used, which layer of policy refused, and facts like clock
//! skew that only the response headers reveal. All text built here is
//! already cleaned of terminal escapes.

use crate::sanitize::clean;
use crate::store::{Connection, CredentialSource, ErrorKind, StoreError};

/// A titled explanation: a summary line and hints, ready for the popup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub title: String,
    pub summary: String,
    pub hints: Vec<String>,
}

fn identity_line(conn: &Connection, creds: Option<&CredentialSource>) -> String {
    let profile = conn.profile.as_deref().unwrap_or("default chain");
    match creds {
        Some(c) => format!(
            "Identity used: credentials from {} (profile: {profile}{}), region {}",
            clean(&c.provider),
            c.key_hint
                .as_deref()
                .map(|k| format!(", access key …{}", clean(k)))
                .unwrap_or_default(),
            conn.region
        ),
        None => format!("Identity used: profile {profile}, region {}", conn.region),
    }
}

/// Where the endpoint came from, when it was not typed on the command
/// line: an endpoint from a forgotten environment variable or profile
/// setting is a common reason for talking to the wrong server.
fn endpoint_origin(conn: &Connection) -> Option<String> {
    let source = conn.endpoint_source.as_deref()?;
    Some(format!("The endpoint comes from {}.", clean(source)))
}

/// `s` as one word for a POSIX shell: as it is when plainly safe.
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/:._-+=@%,".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command that restores what `err` could not read.
fn restore_hint(err: &StoreError) -> String {
    match (&err.bucket, &err.key) {
        (Some(b), Some(k)) => format!(
            "request a restore with: pail restore --days 7 {}",
            shell_word(&format!("s3://{}/{}", clean(b), clean(k)))
        ),
        _ => "request a restore with: pail restore --days 7 s3://bucket/key".into(),
    }
}

/// One line for the status bar.
pub fn short(err: &StoreError) -> String {
    let what = match (&err.bucket, &err.key) {
        (Some(b), Some(k)) => format!(" (s3://{}/{})", clean(b), clean(k)),
        (Some(b), None) => format!(" (s3://{})", clean(b)),
        _ => String::new(),
    };
    if err.kind == ErrorKind::Archived {
        return format!(
            "archived (GLACIER, DEEP_ARCHIVE or an archive tier): S3 serves it only once \
             restored{what}; {}",
            restore_hint(err)
        );
    }
    match &err.code {
        Some(code) => format!("{}: {}{what}", clean(code), clean(&err.message)),
        None => {
            // Failures without an S3 error code carry the SDK's wording; lead
            // with what happened in ours.
            let kind = match err.kind {
                ErrorKind::Timeout => "Request timed out: ",
                ErrorKind::Unreachable => "Endpoint unreachable: ",
                ErrorKind::BadResponse => "Unreadable answer from the server: ",
                _ => "",
            };
            format!("{kind}{}{what}", clean(&err.message))
        }
    }
}

pub fn explain(
    err: &StoreError,
    conn: &Connection,
    creds: Option<&CredentialSource>,
) -> Explanation {
    let code = err.code.as_deref().map(clean).map(|c| c.into_owned());
    let target = match (&err.bucket, &err.key) {
        (Some(b), Some(k)) => format!("s3://{}/{}", clean(b), clean(k)),
        (Some(b), None) => format!("s3://{}", clean(b)),
        _ => conn.endpoint_label(),
    };
    let mut hints = Vec::new();
    let title;
    match err.kind {
        ErrorKind::AccessDenied => {
            title = "Access denied".to_owned();
            hints.push(identity_line(conn, creds));
            hints.push("Check, in this order:".into());
            hints.push(
                " 1. Is this the identity/role you meant? (aws sts get-caller-identity)".into(),
            );
            hints.push(" 2. Does its IAM policy allow the action (s3:ListBucket on the bucket ARN, s3:GetObject on the object ARN)?".into());
            hints.push(" 3. Does the bucket policy allow it, or explicitly deny it?".into());
            hints.push(
                " 4. SSE-KMS objects: does the KMS key policy allow kms:Decrypt for this identity?"
                    .into(),
            );
            hints.push(
                " 5. Through a VPC endpoint: does the endpoint policy allow this bucket?".into(),
            );
            hints.push(
                " 6. Block Public Access: only matters for anonymous/public access you intended."
                    .into(),
            );
            if conn.unsigned {
                hints.push(
                    "Requests are unsigned (--no-sign-request): only public buckets answer.".into(),
                );
            }
            hints.push(
                "Press w: why, from live facts (identity, action, bucket policy, KMS).".into(),
            );
        }
        ErrorKind::SignatureMismatch => {
            title = "Signature does not match".to_owned();
            hints.push(identity_line(conn, creds));
            hints.push(
                "Press w: the region, the measured clock skew, and what else to check.".into(),
            );
            hints.push("The server computed a different signature. Usual causes:".into());
            hints.push(" - a wrong secret access key for this access key id;".into());
            hints.push(format!(
                " - a wrong region (signing with {}; Garage and some stores insist on their own);",
                conn.region
            ));
            hints.push(" - clock skew: SigV4 allows 15 minutes.".into());
            if let Some(skew) = err.skew_secs {
                if skew.abs() >= 60 {
                    hints.push(format!(
                        "   Your clock differs from the server's by {} seconds ({}). Fix the system time.",
                        skew,
                        if skew > 0 { "yours is behind" } else { "yours is ahead" }
                    ));
                } else {
                    hints.push(format!("   Clock skew looks fine ({skew} s)."));
                }
            }
        }
        ErrorKind::ExpiredToken => {
            title = "Credentials expired".to_owned();
            let profile = conn.profile.as_deref().unwrap_or("default");
            hints.push(format!(
                "Your session or SSO token has expired. Run: aws sso login --profile {profile}"
            ));
            hints.push("For assumed roles or environment tokens, fetch fresh credentials and restart pail.".into());
        }
        ErrorKind::Credentials => {
            title = "No usable credentials".to_owned();
            hints.push(identity_line(conn, creds));
            hints.push("pail uses the AWS default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws/{config,credentials}, SSO, web identity, container and instance metadata.".into());
            hints.push(
                "Pick a profile with --profile NAME; for SSO run aws sso login --profile NAME."
                    .into(),
            );
            hints.push("For public buckets use --no-sign-request.".into());
        }
        ErrorKind::NoSuchBucket => {
            title = "No such bucket".to_owned();
            hints.push(format!(
                "Bucket {} does not exist at {} (or was deleted). Check the name and the endpoint.",
                err.bucket.as_deref().map(clean).unwrap_or_default(),
                conn.endpoint_label()
            ));
        }
        ErrorKind::NoSuchKey | ErrorKind::NotFound => {
            title = "No such key".to_owned();
            hints.push(format!(
                "{target} does not exist (any more). Refresh the listing with R."
            ));
        }
        ErrorKind::Redirect => {
            title = "Bucket is in another region".to_owned();
            hints.push(format!(
                "The bucket lives in {}; pail follows such redirects, so this one could not be followed.",
                err.region_hint.as_deref().unwrap_or("another region")
            ));
        }
        ErrorKind::Unreachable => {
            title = "Endpoint unreachable".to_owned();
            hints.push(format!(
                "Could not connect to {}.",
                err.url.clone().unwrap_or_else(|| conn.endpoint_label())
            ));
            hints.push("Is the server running, the URL and port right (--endpoint-url), and no proxy or firewall in the way?".into());
            hints.extend(endpoint_origin(conn));
        }
        ErrorKind::Timeout => {
            title = "Request timed out".to_owned();
            hints.push(format!(
                "No answer from {} in time (every attempt).",
                err.url.clone().unwrap_or_else(|| conn.endpoint_label())
            ));
            hints.push("A server that accepts connections but never answers: is it overloaded, paused, or behind a proxy that holds requests? [s3] read_timeout_secs and max_attempts in the config set how long pail waits.".into());
            hints.extend(endpoint_origin(conn));
        }
        ErrorKind::BadResponse => {
            title = "Unreadable answer from the server".to_owned();
            hints.push(format!(
                "{} answered, but not with an S3 response pail can read.",
                err.url.clone().unwrap_or_else(|| conn.endpoint_label())
            ));
            hints.push("Is this port an S3 server? Common causes: http:// to an HTTPS port (or the reverse), a proxy or captive portal answering instead, or a different service on that port.".into());
            hints.extend(endpoint_origin(conn));
        }
        ErrorKind::NotImplemented => {
            title = "Not supported by this server".to_owned();
            hints.push("This S3-compatible server does not implement the request.".into());
        }
        ErrorKind::PreconditionFailed => {
            title = "The object changed".to_owned();
            hints.push("A condition of the request did not hold: the key was written (or changed) by someone else meanwhile.".into());
        }
        ErrorKind::Local => {
            title = "Local file error".to_owned();
            hints.push("Reading or writing a file on this machine failed (no space left, a read-only file system, no permission); nothing was wrong with S3.".into());
        }
        ErrorKind::Cancelled => {
            title = "Cancelled".to_owned();
        }
        ErrorKind::Archived => {
            title = "Archived object".to_owned();
            hints.push("The object is in GLACIER, DEEP_ARCHIVE or an archive access tier: S3 refuses to read it (InvalidObjectState) until a restore makes a temporary readable copy. Nothing is wrong with your permissions.".into());
            hints.push(restore_hint(err));
            hints.push("A restore takes minutes (Expedited, GLACIER only) to hours (Standard: 3–5 h; Bulk: 5–12 h; DEEP_ARCHIVE: 12–48 h); the inspector shows its progress.".into());
        }
        ErrorKind::Other => {
            title = "Request failed".to_owned();
        }
    }
    if let Some(id) = &err.request_id {
        hints.push(format!("Request id: {}", clean(id)));
    }
    let summary = match (code, err.status) {
        (Some(c), Some(s)) => format!("{c} (HTTP {s}) on {target}: {}", clean(&err.message)),
        (Some(c), None) => format!("{c} on {target}: {}", clean(&err.message)),
        (None, Some(s)) => format!("HTTP {s} on {target}: {}", clean(&err.message)),
        (None, None) => format!("{target}: {}", clean(&err.message)),
    };
    Explanation {
        title,
        summary,
        hints,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_names_identity_and_checklist() {
        let mut e = StoreError::new(ErrorKind::AccessDenied, "Access Denied");
        e.code = Some("AccessDenied".into());
        e.bucket = Some("b".into());
        let conn = Connection {
            profile: Some("prod".into()),
            region: "eu-west-1".into(),
            ..Default::default()
        };
        let creds = CredentialSource {
            provider: "ProfileFile".into(),
            key_hint: Some("WXYZ".into()),
        };
        let x = explain(&e, &conn, Some(&creds));
        let text = x.hints.join("\n");
        assert!(text.contains("profile: prod"));
        assert!(text.contains("…WXYZ"));
        assert!(text.contains("KMS key policy"));
        assert!(text.contains("VPC endpoint"));
        assert!(text.contains("Block Public Access"));
    }

    #[test]
    fn skew_is_reported() {
        let mut e = StoreError::new(ErrorKind::SignatureMismatch, "sig");
        e.skew_secs = Some(1200);
        let x = explain(&e, &Connection::default(), None);
        assert!(x.hints.iter().any(|h| h.contains("1200 seconds")));
    }

    #[test]
    fn server_text_is_cleaned() {
        let mut e = StoreError::new(ErrorKind::Other, "bad\x1b]52;c;aGk=\x07");
        e.code = Some("X\x1b[2J".into());
        let x = explain(&e, &Connection::default(), None);
        assert!(!x.summary.contains('\x1b'));
        assert!(x.summary.contains("\\x1b"));
        assert!(!short(&e).contains('\x1b'));
    }

    #[test]
    fn bad_response_is_not_unreachable() {
        let mut e = StoreError::new(ErrorKind::BadResponse, "invalid content-length");
        e.url = Some("http://127.0.0.1:9000".into());
        let conn = Connection {
            endpoint: Some("http://127.0.0.1:9000".into()),
            endpoint_source: Some("AWS_ENDPOINT_URL_S3".into()),
            ..Default::default()
        };
        let x = explain(&e, &conn, None);
        assert_eq!(x.title, "Unreadable answer from the server");
        let text = x.hints.join("\n");
        assert!(text.contains("http://127.0.0.1:9000 answered"), "{text}");
        assert!(text.contains("comes from AWS_ENDPOINT_URL_S3"), "{text}");
        assert!(!text.contains("Could not connect"), "{text}");
    }

    #[test]
    fn sso_hint_names_profile() {
        let e = StoreError::new(ErrorKind::ExpiredToken, "expired");
        let conn = Connection {
            profile: Some("dev".into()),
            ..Default::default()
        };
        let x = explain(&e, &conn, None);
        assert!(x.hints[0].contains("aws sso login --profile dev"));
    }
}
