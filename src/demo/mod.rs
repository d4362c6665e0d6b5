//! `pail --demo`: a real S3 server in-process on 127.0.0.1, seeded with
//! buckets laid out the way people actually use S3, so anyone can try pail
//! without an AWS account and nothing leaves the machine.
//!
//! The server is rustack's in-memory S3 ([`serve_versioned`]), checking
//! SigV4 against the demo credentials; it has versioning (delete markers,
//! version ids), tagging, multipart and presigned URLs. [`seed_versioned`]
//! fills it with the demo data set and a versioned bucket with a history
//! worth exploring. (The tests' s3s-fs server lives in `tests/it/common`,
//! so it never ships in the binary.)

mod data;
mod fixes;
mod history;
mod rustack;

#[cfg(feature = "test-hooks")]
pub use history::seed_empty;
pub use history::{HISTORY_BUCKET, seed_versioned};
pub use rustack::{VersionedServer, serve_versioned};

/// Accepts connections on a free loopback port, each served by the future
/// `serve` makes of it. Connections live in one set owned by the returned
/// task, so aborting it (stopping the server) also cuts keep-alive
/// connections mid-response, as a crashed server would.
pub async fn listen<F, Fut>(
    serve: F,
) -> std::io::Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)>
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let accept = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            connections.spawn(serve(socket));
            while connections.try_join_next().is_some() {}
        }
    });
    Ok((addr, accept))
}

pub const DEMO_ACCESS_KEY: &str = "pail-demo";
pub const DEMO_SECRET_KEY: &str = "pail-demo-secret-key";
pub const DEMO_REGION: &str = "us-east-1";
