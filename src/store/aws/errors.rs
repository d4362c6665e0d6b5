//! SDK failures in our words, classified by their cause (the error's
//! structure, not a substring of its message).

use super::super::ErrorKind;
use aws_sdk_s3 as s3;
use s3::error::DisplayErrorContext;

pub(super) fn classify(code: Option<&str>, status: u16, has_key: bool) -> ErrorKind {
    match code {
        Some("AccessDenied" | "AllAccessDisabled" | "AccountProblem") => ErrorKind::AccessDenied,
        Some(
            "SignatureDoesNotMatch"
            | "RequestTimeTooSkewed"
            | "InvalidSignature"
            | "XAmzContentSHA256Mismatch",
        ) => ErrorKind::SignatureMismatch,
        Some("ExpiredToken" | "TokenRefreshRequired" | "InvalidToken") => ErrorKind::ExpiredToken,
        Some("InvalidAccessKeyId" | "InvalidSecurity") => ErrorKind::Credentials,
        Some("NoSuchBucket") => ErrorKind::NoSuchBucket,
        Some("NoSuchKey") => ErrorKind::NoSuchKey,
        // A 403, but nothing to do with permissions.
        Some("InvalidObjectState") => ErrorKind::Archived,
        Some("PermanentRedirect" | "TemporaryRedirect" | "AuthorizationHeaderMalformed") => {
            ErrorKind::Redirect
        }
        Some("NotImplemented") => ErrorKind::NotImplemented,
        // 409 ConditionalRequestConflict: another conditional write of the
        // same key is under way; either way the key is not ours to take.
        Some("PreconditionFailed" | "ConditionalRequestConflict") => ErrorKind::PreconditionFailed,
        _ => match status {
            412 => ErrorKind::PreconditionFailed,
            301 | 307 => ErrorKind::Redirect,
            403 => ErrorKind::AccessDenied,
            404 if has_key => ErrorKind::NoSuchKey,
            404 => ErrorKind::NoSuchBucket,
            501 => ErrorKind::NotImplemented,
            _ => ErrorKind::Other,
        },
    }
}

/// A request that never got an HTTP answer, by what the connector says
/// happened: no connection (io), no answer in time (timeout), or something
/// else, which is either the credential chain failing before the request
/// left or a reply that is not HTTP (a malformed header, garbage, TLS
/// spoken to a plain port). A malformed reply is not "unreachable": the
/// server is right there.
pub(super) fn classify_dispatch(ce: Option<&s3::error::ConnectorError>) -> ErrorKind {
    let Some(ce) = ce else {
        return ErrorKind::Other;
    };
    if let Some(kind) = classify_chain(ce) {
        kind
    } else if ce.is_timeout() {
        ErrorKind::Timeout
    } else if ce.is_io() {
        ErrorKind::Unreachable
    } else if ce.is_user() {
        ErrorKind::Other
    } else {
        ErrorKind::BadResponse
    }
}

/// A credential or token provider failure somewhere in an error's chain
/// (the SDK reports those as dispatch failures).
pub(super) fn classify_chain(err: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    use aws_credential_types::provider::error::{CredentialsError, TokenError};
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(classify_credentials(c));
        }
        if let Some(t) = e.downcast_ref::<TokenError>() {
            return Some(classify_token(t));
        }
        next = e.source();
    }
    None
}

pub(super) fn classify_credentials(
    e: &aws_credential_types::provider::error::CredentialsError,
) -> ErrorKind {
    use aws_credential_types::provider::error::CredentialsError as C;
    match e {
        // SSO and assumed-role providers report an expired session as a
        // provider error; the words are all the SDK gives to tell it apart
        // from other provider failures.
        C::ProviderError(_) | C::Unhandled(_) if mentions_expiry(e) => ErrorKind::ExpiredToken,
        _ => ErrorKind::Credentials,
    }
}

pub(super) fn classify_token(e: &aws_credential_types::provider::error::TokenError) -> ErrorKind {
    if mentions_expiry(e) {
        ErrorKind::ExpiredToken
    } else {
        ErrorKind::Credentials
    }
}

pub(super) fn mentions_expiry(e: &(dyn std::error::Error + 'static)) -> bool {
    let text = DisplayErrorContext(e).to_string().to_ascii_lowercase();
    text.contains("expired") || text.contains("sso login") || text.contains("refresh")
}

/// The SDK's error chain ends with a Debug dump of the whole error (headers,
/// bodies); people need the sentence before it.
pub(super) fn concise(detail: &str) -> String {
    let bytes = detail.as_bytes();
    let mut cut = detail.len();
    for (i, _) in detail.match_indices(" (") {
        let rest = &bytes[i + 2..];
        let ident = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if ident > 0
            && rest[0].is_ascii_uppercase()
            && matches!(rest.get(ident), Some(b'(') | Some(b' ') | Some(b'{'))
        {
            cut = i;
            break;
        }
    }
    let mut out = detail[..cut].trim().to_owned();
    if out.chars().count() > 300 {
        out = out.chars().take(300).collect::<String>() + "…";
    }
    out
}

pub(super) fn skew_from_http_date(date: &str) -> Option<i64> {
    let server = chrono::DateTime::parse_from_rfc2822(date).ok()?;
    Some(server.timestamp() - chrono::Utc::now().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concise_drops_debug_dumps() {
        let d = "dispatch failure: other: an error occurred while loading credentials: failed (DispatchFailure(DispatchFailure { source: X }))";
        assert_eq!(
            concise(d),
            "dispatch failure: other: an error occurred while loading credentials: failed"
        );
        assert_eq!(
            concise("io error (os error 111)"),
            "io error (os error 111)"
        );
        assert_eq!(concise("plain"), "plain");
    }
    #[test]
    fn dispatch_failures_by_cause() {
        use aws_credential_types::provider::error::CredentialsError;
        use s3::error::ConnectorError;
        let io = ConnectorError::io(Box::new(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert_eq!(classify_dispatch(Some(&io)), ErrorKind::Unreachable);
        let timeout = ConnectorError::timeout("read timed out".into());
        assert_eq!(classify_dispatch(Some(&timeout)), ErrorKind::Timeout);
        // hyper's parse errors arrive as "other": the server answered.
        let garbage = ConnectorError::other("invalid content-length parsed".into(), None);
        assert_eq!(classify_dispatch(Some(&garbage)), ErrorKind::BadResponse);
        // The credential chain fails inside a dispatch failure too; the
        // words "dispatch failure" or "connect" must not make it network.
        let creds = ConnectorError::other(
            Box::new(CredentialsError::not_loaded(
                "no providers in chain could connect",
            )),
            None,
        );
        assert_eq!(classify_dispatch(Some(&creds)), ErrorKind::Credentials);
        let expired = ConnectorError::other(
            Box::new(CredentialsError::provider_error(
                "the SSO session has expired; run aws sso login",
            )),
            None,
        );
        assert_eq!(classify_dispatch(Some(&expired)), ErrorKind::ExpiredToken);
    }
    #[test]
    fn classifies_headless_errors_by_status() {
        assert_eq!(classify(None, 403, true), ErrorKind::AccessDenied);
        assert_eq!(classify(None, 404, true), ErrorKind::NoSuchKey);
        assert_eq!(
            classify(Some("NotFound"), 404, false),
            ErrorKind::NoSuchBucket
        );
        assert_eq!(classify(None, 301, false), ErrorKind::Redirect);
        assert_eq!(
            classify(Some("SignatureDoesNotMatch"), 403, false),
            ErrorKind::SignatureMismatch
        );
    }
}
