//! `pail --demo`: a real S3 server in-process on 127.0.0.1, seeded with
//! buckets laid out the way people actually use S3, so anyone can try pail
//! without an AWS account and nothing leaves the machine.
//!
//! Two servers live here, both checking SigV4 against the demo credentials:
//! - [`serve_versioned`]: rustack's in-memory S3, which has versioning
//!   (delete markers, version ids), tagging, multipart and presigned URLs.
//!   `pail --demo` runs on it, and [`seed_versioned`] adds a versioned
//!   bucket with a history worth exploring to the demo data set.
//! - [`serve`]: s3s-fs over a directory, the signature-checking server of
//!   the integration tests and benches; [`seed`] fills it with the same
//!   data set, without the versioned bucket (s3s-fs has no versioning).

mod data;
mod fixes;
mod fs;
mod history;
mod rustack;

pub use fs::{DemoS3, DemoServer, seed, serve};
pub use history::{HISTORY_BUCKET, seed_versioned};
pub use rustack::{VersionedServer, serve_versioned};

pub const DEMO_ACCESS_KEY: &str = "pail-demo";
pub const DEMO_SECRET_KEY: &str = "pail-demo-secret-key";
pub const DEMO_REGION: &str = "us-east-1";
