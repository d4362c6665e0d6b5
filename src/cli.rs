//! Command-line interface and start-up: flags, config, logging, the store,
//! then the UI. Everything that can fail because of what the user typed fails
//! here, before the terminal is switched to raw mode, with exit code 2.

use crate::app::App;
use crate::config::{self, Checksums, PathStyle};
use crate::store::Store;
use crate::store::aws::{AwsStore, ConnectOptions};
use clap::Parser;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Parser)]
#[command(
    name = "pail",
    version,
    about = "A terminal UI for Amazon S3 and every S3-compatible store",
    after_help = "Examples:\n  pail --demo                      try it on a local demo server\n  pail                             list your buckets\n  pail s3://my-bucket/logs/        open a prefix directly (no ListAllMyBuckets needed)\n  pail --endpoint-url http://127.0.0.1:9000 --profile minio"
)]
pub struct Cli {
    /// Open this bucket or prefix directly, e.g. s3://bucket/some/prefix/
    pub target: Option<String>,
    /// AWS profile from ~/.aws/config (default: AWS_PROFILE, then "default")
    #[arg(long)]
    pub profile: Option<String>,
    /// Region to sign with and to start in (buckets elsewhere are found automatically)
    #[arg(long)]
    pub region: Option<String>,
    /// S3-compatible endpoint (MinIO, Garage, Ceph, R2...); also AWS_ENDPOINT_URL(_S3)
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Path-style addressing: auto = path-style for custom endpoints, virtual-hosted for AWS
    #[arg(long, value_enum, value_name = "auto|always|never")]
    pub path_style: Option<PathStyle>,
    /// Send unsigned requests (public buckets)
    #[arg(long)]
    pub no_sign_request: bool,
    /// Config file (default: the platform config dir, e.g. ~/.config/pail/config.toml)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Start an embedded S3 server with sample data and browse it
    #[arg(long)]
    pub demo: bool,
    /// Log file (default: the platform state dir, e.g. ~/.local/state/pail/pail.log)
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Log level: error, warn, info, debug, trace, off
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
}

/// `s3://bucket/prefix` -> ("bucket", "prefix/").
pub fn parse_target(s: &str) -> Result<(String, String), String> {
    let rest = s
        .strip_prefix("s3://")
        .ok_or_else(|| format!("{s:?} is not an s3:// URI (expected s3://bucket/prefix/)"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{s:?} names no bucket"));
    }
    let mut prefix = prefix.to_owned();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    Ok((bucket.to_owned(), prefix))
}

/// Like eprintln!, but a closed terminal (SSH dropped, pty gone) is not a
/// reason to panic on the way out.
fn say(msg: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "pail: {msg}");
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    say(msg);
    2
}

/// Runs pail; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let config = match config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(format!("config error: {e}")),
    };
    let start = match cli.target.as_deref().map(parse_target).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let level = cli.log_level.clone().unwrap_or(config.log.level.clone());
    if level != "off" && level.parse::<tracing::Level>().is_err() {
        return fail(format!("unknown log level {level:?}"));
    }
    let log_file = cli
        .log_file
        .clone()
        .or(config.log.file.clone())
        .or_else(crate::logging::default_log_file);
    if let Some(path) = &log_file
        && let Err(e) = crate::logging::init(&level, path)
    {
        return fail(format!("cannot open log file: {e}"));
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        demo = cli.demo,
        "pail starting"
    );
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start async runtime: {e}")),
    };
    let code = rt.block_on(async move {
        // Kept alive for the whole session: the demo server and its data.
        let mut _demo = None;
        let opts = if cli.demo {
            let dir = match tempfile::Builder::new().prefix("pail-demo-").tempdir() {
                Ok(d) => d,
                Err(e) => return fail(format!("cannot create demo dir: {e}")),
            };
            let server = match crate::demo::serve(dir.path()).await {
                Ok(s) => s,
                Err(e) => return fail(format!("cannot start demo server: {e}")),
            };
            say(format!("seeding the demo server at {} …", server.endpoint()));
            match crate::demo::seed(&server).await {
                Ok(n) => tracing::info!(objects = n, "demo seeded"),
                Err(e) => return fail(format!("cannot seed demo server: {e}")),
            }
            let opts = ConnectOptions {
                endpoint_url: Some(server.endpoint()),
                region: Some(crate::demo::DEMO_REGION.into()),
                static_credentials: Some((
                    crate::demo::DEMO_ACCESS_KEY.into(),
                    crate::demo::DEMO_SECRET_KEY.into(),
                )),
                ..Default::default()
            };
            _demo = Some((server, dir));
            opts
        } else {
            ConnectOptions {
                profile: cli.profile.clone().or(config.s3.profile.clone()),
                region: cli.region.clone().or(config.s3.region.clone()),
                endpoint_url: cli.endpoint_url.clone().or(config.s3.endpoint_url.clone()),
                path_style: cli.path_style.unwrap_or(config.s3.path_style).resolve(),
                checksums_when_required: match config.s3.checksums {
                    Checksums::Auto => None,
                    Checksums::WhenRequired => Some(true),
                    Checksums::WhenSupported => Some(false),
                },
                no_sign_request: cli.no_sign_request || config.s3.no_sign_request,
                static_credentials: None,
            }
        };
        let store: Arc<dyn Store> = Arc::new(AwsStore::connect(opts).await);
        let conn = store.connection();
        tracing::info!(endpoint = %conn.endpoint_label(), region = %conn.region, path_style = conn.path_style, "connected");
        let tz = *chrono::Local::now().offset();
        let size = crossterm::terminal::size().unwrap_or((80, 24));
        let (app, fx) = App::new(&config, conn, start, tz, size);
        match crate::runtime::run(app, fx, store, config.ui.tick_ms, config.ui.clipboard).await {
            Ok(ending) => ending.code(),
            Err(e) => {
                say(format!("terminal error: {e}"));
                1
            }
        }
    });
    // A blocking call that never returns (a clipboard whose X server hangs)
    // must not keep pail from exiting.
    tracing::info!(code, "pail exiting");
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    tracing::debug!("runtime shut down");
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("s3://b").unwrap(), ("b".into(), "".into()));
        assert_eq!(parse_target("s3://b/").unwrap(), ("b".into(), "".into()));
        assert_eq!(
            parse_target("s3://b/x/y").unwrap(),
            ("b".into(), "x/y/".into())
        );
        assert_eq!(
            parse_target("s3://b/x/y/").unwrap(),
            ("b".into(), "x/y/".into())
        );
        assert!(parse_target("b/x").is_err());
        assert!(parse_target("s3:///x").is_err());
    }
}
