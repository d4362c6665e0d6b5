//! Shared test plumbing: where the servers are, and an SDK client for
//! setting up fixtures (tests may talk to S3 directly; the product may not).

#![allow(dead_code)]

/// One test per server for `scenario(&Server)`, named `scenario::server`;
/// a server this run does not have is a skip.
#[allow(unused_macros)]
macro_rules! on_servers {
    ($scenario:ident: $($server:ident),+) => {
        mod $scenario {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $server() {
                    if let Some(s) = super::Server::$server().await {
                        let t = std::time::Instant::now();
                        super::$scenario(&s).await;
                        eprintln!("{} on {}: {:?}", stringify!($scenario), s.name, t.elapsed());
                    }
                }
            )+
        }
    };
}

pub mod engine;
pub mod fixtures;
pub mod history;
pub mod memstore;
pub mod model;
pub mod oracle;
pub mod proxy;
pub mod pty;
pub mod s3s_fs;
pub mod scenarios;
pub mod tap;

use aws_sdk_s3 as s3;
use pail::store::aws::{AwsStore, ConnectOptions};
use s3::config::{Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation};

/// A server's endpoint from scripts/test.sh. Without it the test is
/// skipped, unless PAIL_REQUIRE_SERVERS says the run must have it.
fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(e) if !e.is_empty() => Some(e),
        _ => {
            assert!(
                std::env::var("PAIL_REQUIRE_SERVERS").is_err(),
                "{var} is not set but PAIL_REQUIRE_SERVERS is: run scripts/test.sh"
            );
            eprintln!("skipped: {var} not set (run scripts/test.sh)");
            None
        }
    }
}

/// moto's server (accepts any credentials).
pub fn moto() -> Option<String> {
    server("PAIL_TEST_MOTO")
}

/// Ceph's radosgw (credentials bench/benchsecret).
pub fn radosgw() -> Option<String> {
    server("PAIL_TEST_RADOSGW")
}

pub fn sdk(endpoint: &str, region: &str, key: &str, secret: &str) -> s3::Client {
    let conf = s3::config::Builder::new()
        .behavior_version(s3::config::BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        .build();
    s3::Client::from_conf(conf)
}

pub fn moto_sdk(endpoint: &str) -> s3::Client {
    sdk(endpoint, "us-east-1", "testing", "testing")
}

pub async fn store(endpoint: &str, region: &str, key: &str, secret: &str) -> AwsStore {
    AwsStore::connect(ConnectOptions {
        endpoint_url: Some(endpoint.to_owned()),
        region: Some(region.to_owned()),
        static_credentials: Some((key.to_owned(), secret.to_owned())),
        ..Default::default()
    })
    .await
}

/// A bucket name unique to this test process.
pub fn bucket(name: &str) -> String {
    format!("{name}-{}", std::process::id())
}

pub async fn create_bucket(c: &s3::Client, bucket: &str) {
    c.create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("create bucket");
}

pub async fn put(c: &s3::Client, bucket: &str, key: &str, body: &[u8]) {
    c.put_object()
        .bucket(bucket)
        .key(key)
        .body(body.to_vec().into())
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {key:?}: {}", s3::error::DisplayErrorContext(&e)));
}

/// Puts many keys with bounded concurrency.
pub async fn put_many(c: &s3::Client, bucket: &str, keys: Vec<String>) {
    use futures::StreamExt;
    futures::stream::iter(keys)
        .for_each_concurrent(16, |k| async move { put(c, bucket, &k, b"x").await })
        .await;
}
