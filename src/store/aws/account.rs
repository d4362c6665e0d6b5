//! The two questions about the caller's account rather than a bucket: who
//! am I (STS GetCallerIdentity: the account id, the ARN why-denied names),
//! and the account's own Block Public Access (S3 Control
//! GetPublicAccessBlock), the first rung of "is this bucket public?".
//!
//! S3 Control puts the account id into the host name
//! (`{account}.s3-control.{region}.amazonaws.com`). Against an explicit
//! endpoint (a local moto, LocalStack) that host resolves nowhere, so
//! there the request goes to the endpoint itself, as those servers expect.

use super::*;
use crate::store::CallerIdentity;
use crate::store::settings::PublicAccessBlock;
use aws_sdk_s3control as s3control;
use s3control::config::endpoint::{
    DefaultResolver, Endpoint as SdkEndpoint, EndpointFuture, Params, ResolveEndpoint,
};

impl AwsStore {
    pub(super) async fn caller_identity_impl(&self) -> StoreResult<CallerIdentity> {
        let client = aws_sdk_sts::Client::new(&self.sdk);
        let out = client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| self.convert(e, None, None))?;
        Ok(CallerIdentity {
            account: out.account().unwrap_or_default().to_owned(),
            arn: out.arn().unwrap_or_default().to_owned(),
            user_id: out.user_id().unwrap_or_default().to_owned(),
        })
    }

    pub(super) async fn account_public_access_impl(
        &self,
        account: &str,
    ) -> StoreResult<Option<PublicAccessBlock>> {
        let mut b = s3control::config::Builder::from(&self.sdk);
        if let Some(url) = &self.conn.endpoint {
            b = b.endpoint_resolver(AtEndpoint(url.clone(), DefaultResolver::new()));
        }
        let client = s3control::Client::from_conf(b.build());
        match client
            .get_public_access_block()
            .account_id(account)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .public_access_block_configuration()
                .map(|c| PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                })),
            Err(err) => {
                let e = self.convert(err, None, None);
                if e.code.as_deref() == Some("NoSuchPublicAccessBlockConfiguration") {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// S3 Control at an explicit endpoint, without the account id in front of
/// its host; AWS's own endpoints resolve as the SDK's rules say.
#[derive(Debug)]
struct AtEndpoint(String, DefaultResolver);

impl ResolveEndpoint for AtEndpoint {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let aws = crate::store::endpoint::host(&self.0)
            .is_some_and(|h| h.ends_with(".amazonaws.com") || h.ends_with(".amazonaws.com.cn"));
        if aws {
            return self.1.resolve_endpoint(params);
        }
        EndpointFuture::ready(Ok(SdkEndpoint::builder().url(self.0.clone()).build()))
    }
}
