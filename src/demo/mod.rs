//! `pail --demo`: a real S3 server in-process on 127.0.0.1, seeded with
//! buckets laid out the way people actually use S3, so anyone can try pail
//! without an AWS account and nothing leaves the machine.

mod data;
mod fs;

pub use fs::{DemoS3, DemoServer, seed, serve};

pub const DEMO_ACCESS_KEY: &str = "pail-demo";
pub const DEMO_SECRET_KEY: &str = "pail-demo-secret-key";
pub const DEMO_REGION: &str = "us-east-1";
