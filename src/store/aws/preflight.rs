//! The CORS check's preflight: an unsigned `OPTIONS` with `Origin` and
//! `Access-Control-Request-*`, exactly what a browser sends before a
//! cross-origin upload. No SDK operation sends one (S3's OPTIONS object
//! is not in the model), so it goes through hyper's client, with rustls
//! and the system's roots as the SDK's own client uses, to the URL pail
//! would address the object at.

use super::AwsStore;
use crate::store::settings::{Preflight, PreflightAnswer};
use crate::store::{ErrorKind, StoreError, StoreResult};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// A preflight's answer is small; what is read of a body is capped.
const BODY_CAP: usize = 16 * 1024;

impl AwsStore {
    pub(super) async fn preflight_impl(
        &self,
        bucket: &str,
        key: &str,
        p: &Preflight,
    ) -> StoreResult<PreflightAnswer> {
        let region = self.region_for(bucket).await?;
        let url = crate::store::links::object_url(&self.conn, &region, bucket, key);
        let fail = |kind: ErrorKind, e: String| {
            let mut err = StoreError::new(kind, e);
            err.bucket = Some(bucket.to_owned());
            err
        };
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| fail(ErrorKind::Other, format!("no TLS roots: {e}")))?
            .https_or_http()
            .enable_http1()
            .build();
        let client: Client<_, Empty<bytes::Bytes>> =
            Client::builder(TokioExecutor::new()).build(https);
        let mut req = http::Request::builder()
            .method(http::Method::OPTIONS)
            .uri(&url)
            .header("Origin", &p.origin)
            .header("Access-Control-Request-Method", &p.method);
        if !p.headers.is_empty() {
            req = req.header("Access-Control-Request-Headers", p.headers.join(","));
        }
        let req = req
            .body(Empty::new())
            .map_err(|e| fail(ErrorKind::Other, e.to_string()))?;
        let resp = tokio::time::timeout(Duration::from_secs(30), client.request(req))
            .await
            .map_err(|_| fail(ErrorKind::Timeout, format!("no answer from {url} in 30 s")))?
            .map_err(|e| fail(ErrorKind::Unreachable, format!("{url}: {e}")))?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let mut answer = PreflightAnswer {
            status: resp.status().as_u16(),
            allow_origin: header("access-control-allow-origin"),
            allow_methods: header("access-control-allow-methods"),
            allow_headers: header("access-control-allow-headers"),
            expose_headers: header("access-control-expose-headers"),
            message: None,
        };
        if !resp.status().is_success() {
            let mut body = resp.into_body();
            let mut bytes = Vec::new();
            while bytes.len() < BODY_CAP {
                match tokio::time::timeout(Duration::from_secs(10), body.frame()).await {
                    Ok(Some(Ok(f))) => {
                        if let Ok(d) = f.into_data() {
                            bytes.extend_from_slice(&d);
                        }
                    }
                    _ => break,
                }
            }
            answer.message = error_message(&String::from_utf8_lossy(&bytes));
        }
        Ok(answer)
    }
}

/// `<Code>…</Code>` and `<Message>…</Message>` of an S3 error body.
fn error_message(body: &str) -> Option<String> {
    let tag = |t: &str| {
        let open = format!("<{t}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{t}>"))? + start;
        Some(body[start..end].trim().to_owned()).filter(|s| !s.is_empty())
    };
    match (tag("Code"), tag("Message")) {
        (Some(c), Some(m)) => Some(format!("{c}: {m}")),
        (Some(c), None) => Some(c),
        (None, Some(m)) => Some(m),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_error_of_a_refusal_is_read_from_its_body() {
        let b = "<?xml version=\"1.0\"?><Error><Code>AccessForbidden</Code>\
                 <Message>CORSResponse: This CORS request is not allowed.</Message></Error>";
        assert_eq!(
            super::error_message(b).as_deref(),
            Some("AccessForbidden: CORSResponse: This CORS request is not allowed.")
        );
        assert_eq!(super::error_message(""), None);
    }
}
