//! Which SDK client a request goes through and what becomes of its
//! answer: a client per region (the bucket's, discovered once with
//! HeadBucket or GetBucketLocation and cached, redirects followed), and
//! `call`, which runs one request against the bucket's region and turns
//! every SDK error into a [`StoreError`] that says what to check.

use super::*;

impl AwsStore {
    pub(super) fn client(&self, region: &str) -> s3::Client {
        self.client_for(region, self.checksums_when_required)
    }

    /// A client that adds no checksum of its own: a presigned request must
    /// carry only what its user will send, or some servers refuse it.
    pub(super) fn presign_client(&self, region: &str) -> s3::Client {
        self.client_for(region, true)
    }

    pub(super) fn client_for(&self, region: &str, when_required: bool) -> s3::Client {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry(format!("{region} {when_required}"))
            .or_insert_with(|| {
                let mut b = s3::config::Builder::from(&self.sdk)
                    .region(Region::new(region.to_owned()))
                    .force_path_style(self.conn.path_style)
                    .interceptor(StallInterceptor(self.monitor.clone()));
                // Exactly the endpoint the header shows; `None` also drops
                // anything the SDK might have found on its own.
                b.set_endpoint_url(self.conn.endpoint.clone());
                if when_required {
                    b = b
                        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
                        .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
                }
                s3::Client::from_conf(b.build())
            })
            .clone()
    }

    pub(super) fn cached_region(&self, bucket: &str) -> Option<String> {
        let regions = self.regions.lock().unwrap_or_else(|p| p.into_inner());
        regions.get(bucket).cloned()
    }

    pub(super) fn remember_region(&self, bucket: &str, region: &str) {
        let mut regions = self.regions.lock().unwrap_or_else(|p| p.into_inner());
        regions.insert(bucket.to_owned(), region.to_owned());
    }

    pub(super) async fn region_for(&self, bucket: &str) -> StoreResult<String> {
        if let Some(r) = self.cached_region(bucket) {
            return Ok(r);
        }
        let region = self.discover_region(bucket).await?;
        self.remember_region(bucket, &region);
        Ok(region)
    }

    /// HeadBucket answers with `x-amz-bucket-region` even when it refuses us,
    /// which is the cheapest way to learn where a bucket lives.
    pub(super) async fn discover_region(&self, bucket: &str) -> StoreResult<String> {
        let client = self.client(&self.conn.region);
        match client.head_bucket().bucket(bucket).send().await {
            Ok(out) => Ok(out
                .bucket_region()
                .map(str::to_owned)
                .unwrap_or_else(|| self.conn.region.clone())),
            Err(err) => {
                let e = self.convert(err, Some(bucket), None);
                if let Some(r) = e.region_hint.clone() {
                    return Ok(r);
                }
                match e.kind {
                    // HeadBucket can be refused where GetBucketLocation is
                    // allowed; failing both, let the real request produce
                    // the real error.
                    ErrorKind::AccessDenied | ErrorKind::Other | ErrorKind::NotImplemented => {
                        Ok(self
                            .location(bucket)
                            .await
                            .unwrap_or_else(|| self.conn.region.clone()))
                    }
                    _ => Err(e),
                }
            }
        }
    }

    /// GetBucketLocation's answer: empty means us-east-1, "EU" eu-west-1.
    pub(super) async fn location(&self, bucket: &str) -> Option<String> {
        let out = self
            .client(&self.conn.region)
            .get_bucket_location()
            .bucket(bucket)
            .send()
            .await
            .ok()?;
        Some(match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(r) => r.to_owned(),
        })
    }

    /// Runs one request against the bucket's regional client, following a
    /// PermanentRedirect once if the region we had was wrong. An unknown
    /// bucket is tried in the default region first rather than asked where
    /// it lives: most buckets are there, and a wrong guess costs the same
    /// one round trip (the redirect names the region) that asking would.
    pub(super) async fn call<T, E, F, Fut>(
        &self,
        bucket: &str,
        key: Option<&str>,
        f: F,
    ) -> StoreResult<T>
    where
        F: Fn(s3::Client) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let region = self
            .cached_region(bucket)
            .unwrap_or_else(|| self.conn.region.clone());
        match f(self.client(&region)).await {
            Ok(v) => Ok(v),
            Err(err) => {
                let e = self.convert(err, Some(bucket), key);
                if let (ErrorKind::Redirect, Some(r)) = (e.kind, e.region_hint.clone())
                    && r != region
                {
                    tracing::info!(bucket, from = %region, to = %r, "following region redirect");
                    self.remember_region(bucket, &r);
                    return f(self.client(&r))
                        .await
                        .map_err(|err| self.convert(err, Some(bucket), key));
                }
                Err(e)
            }
        }
    }

    pub(super) fn endpoint_for_errors(&self, region: &str) -> String {
        self.conn
            .endpoint
            .clone()
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"))
    }

    pub(super) fn convert<E>(
        &self,
        err: SdkError<E, HttpResponse>,
        bucket: Option<&str>,
        key: Option<&str>,
    ) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let detail = concise(&DisplayErrorContext(&err).to_string());
        let mut e = match &err {
            SdkError::ServiceError(se) => {
                let raw = se.raw();
                let status = raw.status().as_u16();
                let code = se.err().code().map(str::to_owned);
                // An empty <Message/> says as little as none (radosgw's
                // GetBucketWebsite on a bucket without a website).
                let message = se
                    .err()
                    .message()
                    .filter(|m| !m.trim().is_empty())
                    .map(str::to_owned);
                let headers = raw.headers();
                // A 2xx the SDK could not read as the operation's answer
                // (an HTML page, moto 5.2.1's wrapped XML): the request may
                // well have succeeded; say what could not be read.
                let unreadable = code.is_none() && (200..300).contains(&status);
                let kind = if unreadable {
                    ErrorKind::BadResponse
                } else {
                    classify(code.as_deref(), status, key.is_some())
                };
                let message = match message {
                    Some(m) => m,
                    None if unreadable => format!(
                        "the server answered HTTP {status}, but its answer could not be read as S3's ({})",
                        concise(&detail)
                    ),
                    None => format!("HTTP {status} with no error body"),
                };
                let mut e = StoreError::new(kind, message);
                e.code = code;
                e.status = Some(status);
                e.region_hint = headers.get("x-amz-bucket-region").map(str::to_owned);
                e.request_id = headers.get("x-amz-request-id").map(str::to_owned);
                e.skew_secs = headers
                    .get("date")
                    .and_then(skew_from_http_date)
                    .and_then(|s| i32::try_from(s).ok());
                e
            }
            SdkError::TimeoutError(_) => StoreError::new(ErrorKind::Timeout, detail.clone()),
            SdkError::DispatchFailure(df) => {
                StoreError::new(classify_dispatch(df.as_connector_error()), detail.clone())
            }
            // The server answered, but with something the SDK could not
            // read as S3's answer.
            SdkError::ResponseError(re) => {
                let mut e = StoreError::new(ErrorKind::BadResponse, detail.clone());
                e.status = Some(re.raw().status().as_u16());
                e
            }
            SdkError::ConstructionFailure(_) => StoreError::new(
                classify_chain(&err).unwrap_or(ErrorKind::Other),
                detail.clone(),
            ),
            _ => StoreError::new(
                classify_chain(&err).unwrap_or(ErrorKind::Other),
                detail.clone(),
            ),
        };
        if matches!(
            e.kind,
            ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::BadResponse
        ) {
            let region = bucket
                .and_then(|b| self.cached_region(b))
                .unwrap_or_else(|| self.conn.region.clone());
            e.url = Some(self.endpoint_for_errors(&region));
        }
        e.bucket = bucket.map(str::to_owned);
        e.key = key.map(str::to_owned);
        e.operation = operation_name(std::any::type_name::<E>());
        tracing::info!(kind = ?e.kind, code = ?e.code, status = ?e.status, bucket = ?e.bucket, "request failed");
        if e.is_telling() {
            let mut slot = self.telling.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert_with(|| e.clone());
        }
        e
    }
}

/// The operation an SDK error type belongs to: every operation has its own
/// (`aws_sdk_s3::operation::get_object::GetObjectError` → `GetObject`), so
/// no call site has to name it.
fn operation_name(type_name: &'static str) -> Option<&'static str> {
    let last = type_name.rsplit("::").next()?;
    let op = last.strip_suffix("Error")?;
    (!op.is_empty() && op.chars().all(|c| c.is_ascii_alphanumeric())).then_some(op)
}

#[cfg(test)]
mod operation_tests {
    #[test]
    fn the_operation_is_read_off_the_error_type() {
        use aws_sdk_s3::operation::get_object::GetObjectError;
        assert_eq!(
            super::operation_name(std::any::type_name::<GetObjectError>()),
            Some("GetObject")
        );
        assert_eq!(super::operation_name("x::Unhandled"), None);
    }
}
