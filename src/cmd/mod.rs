//! Command-line interface and start-up: flags, config, logging, the store,
//! then the UI or a batch command. Everything that can fail because of what
//! the user typed fails here, before the terminal is switched to raw mode,
//! with exit code 2. The batch commands (`pail cp/mv/rm`) live beside it:
//! args.rs (their flags; help.rs their long help), batch.rs, copy.rs, rm.rs
//! and sync.rs (what they do), resolve.rs (what typed paths stand for), output.rs (progress,
//! `--json`, exit codes), signals.rs; target.rs (the one s3:// target
//! parser the UI start and the batch commands share); demo.rs starts
//! `--demo`'s server.

mod archive;
mod args;
mod batch;
mod buckets;
mod copy;
mod cors;
mod ctx;
mod demo;
mod help;
mod ls;
mod output;
mod posture;
mod presign;
mod resolve;
mod rm;
mod signals;
mod sync;
mod target;
mod uploads;

pub use args::Command;

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
// The connection, config and log flags are global: `pail cp a s3://b/
// --endpoint-url URL` works as `aws s3 cp` users type it.
pub struct Cli {
    /// Open this bucket or prefix directly, e.g. s3://bucket/some/prefix/
    pub target: Option<String>,
    /// AWS profile from ~/.aws/config (default: AWS_PROFILE, then "default")
    #[arg(long, global = true, help_heading = "Connection and logging")]
    pub profile: Option<String>,
    /// Region to sign with and to start in (buckets elsewhere are found automatically)
    #[arg(long, global = true, help_heading = "Connection and logging")]
    pub region: Option<String>,
    /// S3-compatible endpoint (MinIO, Garage, Ceph, R2...); also AWS_ENDPOINT_URL(_S3)
    #[arg(
        long,
        global = true,
        help_heading = "Connection and logging",
        value_name = "URL"
    )]
    pub endpoint_url: Option<String>,
    /// Path-style addressing: auto = path-style for custom endpoints, virtual-hosted for AWS
    #[arg(
        long,
        global = true,
        help_heading = "Connection and logging",
        value_enum,
        value_name = "auto|always|never"
    )]
    pub path_style: Option<PathStyle>,
    /// Send unsigned requests (public buckets)
    #[arg(long, global = true, help_heading = "Connection and logging")]
    pub no_sign_request: bool,
    /// Config file (default: the platform config dir, e.g. ~/.config/pail/config.toml)
    #[arg(
        long,
        global = true,
        help_heading = "Connection and logging",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Key bindings file (default: keymap.toml in the config dir, also with --config)
    #[arg(long, value_name = "FILE")]
    pub keymap: Option<PathBuf>,
    /// Start an embedded S3 server with sample data and browse it (its own
    /// endpoint, region and credentials: no --profile, --region,
    /// --endpoint-url, --no-sign-request or --path-style)
    #[arg(
        long,
        conflicts_with_all = ["profile", "region", "endpoint_url", "no_sign_request", "path_style"]
    )]
    pub demo: bool,
    /// Log file (default: the platform state dir, e.g. ~/.local/state/pail/pail.log)
    #[arg(
        long,
        global = true,
        help_heading = "Connection and logging",
        value_name = "FILE"
    )]
    pub log_file: Option<PathBuf>,
    /// Log level: error, warn, info, debug, trace, off
    #[arg(
        long,
        global = true,
        help_heading = "Connection and logging",
        value_name = "LEVEL"
    )]
    pub log_level: Option<String>,
    #[command(subcommand)]
    pub command: Option<args::Command>,
}

/// Like eprintln!, but a closed terminal (SSH dropped, pty gone) is not a
/// reason to panic on the way out.
pub(crate) fn say(msg: impl std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "pail: {msg}");
}

fn fail(msg: impl std::fmt::Display) -> i32 {
    say(msg);
    2
}

/// pail draws on a terminal and reads keys from it; without one (a pipe, a
/// cron job, `pail > file`) it would write escape sequences into a file or
/// wait for keys that never come. Say so before doing anything.
pub fn require_terminal() -> Result<(), String> {
    use std::io::IsTerminal;
    let stdin = std::io::stdin().is_terminal();
    let stdout = std::io::stdout().is_terminal();
    match (stdin, stdout) {
        (true, true) => Ok(()),
        (false, true) => Err("stdin is not a terminal: pail is interactive and reads keys from a terminal".into()),
        (true, false) => Err("stdout is not a terminal: pail draws a full-screen UI and cannot write it to a pipe or file".into()),
        (false, false) => Err("not running in a terminal: pail is an interactive full-screen program (stdin and stdout must be a terminal)".into()),
    }
}

/// Checks what the user typed or configured that can be judged without
/// reading anything else: an endpoint URL needs a scheme, a region must be
/// a region name. Each message names where the value came from.
pub fn check_typed(cli: &Cli, config: &config::Config) -> Result<(), String> {
    let endpoint = match (&cli.endpoint_url, &config.s3.endpoint_url) {
        (Some(e), _) => Some((e, "--endpoint-url")),
        (None, Some(e)) => Some((e, "[s3] endpoint_url in the config file")),
        _ => None,
    };
    if let Some((url, source)) = endpoint {
        crate::store::endpoint::check_url(url, source)?;
    }
    let region = match (&cli.region, &config.s3.region) {
        (Some(r), _) => Some((r, "--region")),
        (None, Some(r)) => Some((r, "[s3] region in the config file")),
        _ => None,
    };
    if let Some((r, source)) = region {
        crate::store::endpoint::check_region(r, source)?;
    }
    for (name, source) in [
        (&cli.profile, "--profile"),
        (&config.s3.profile, "[s3] profile in the config file"),
    ] {
        if let Some(p) = name
            && p.trim().is_empty()
        {
            return Err(format!("{source} is empty"));
        }
    }
    Ok(())
}

/// The connection options from flags, then config; the AWS environment and
/// profile fill in the rest inside the store.
fn connect_options(cli: &Cli, config: &config::Config) -> ConnectOptions {
    ConnectOptions {
        profile: cli.profile.clone().or(config.s3.profile.clone()),
        region: cli.region.clone().or(config.s3.region.clone()),
        endpoint_url: cli.endpoint_url.clone().or(config.s3.endpoint_url.clone()),
        endpoint_source: Some(
            if cli.endpoint_url.is_some() {
                "--endpoint-url"
            } else {
                "[s3] endpoint_url in the config file"
            }
            .to_owned(),
        ),
        path_style: cli.path_style.unwrap_or(config.s3.path_style).resolve(),
        checksums_when_required: match config.s3.checksums {
            Checksums::Auto => None,
            Checksums::WhenRequired => Some(true),
            Checksums::WhenSupported => Some(false),
        },
        no_sign_request: cli.no_sign_request || config.s3.no_sign_request,
        static_credentials: None,
        read_timeout: Some(std::time::Duration::from_secs(config.s3.read_timeout_secs)),
        max_attempts: Some(config.s3.max_attempts),
    }
}

/// Transfers allocate part-sized buffers (8 MiB and up) and free them
/// soon after. glibc raises its mmap threshold after such a free, so later
/// buffers come from the heap and their pages stay with the process: memory
/// grows well past what is in use. A fixed threshold keeps big buffers
/// mapped and unmapped, so memory follows part size × parts in flight.
fn bounded_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before any
    // thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Runs pail; returns the process exit code.
pub fn main() -> i32 {
    bounded_heap();
    let cli = Cli::parse();
    let mut config = match config::load_files(cli.config.as_deref(), cli.keymap.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(format!("config error: {e}")),
    };
    // The download prompt's first suggestion: the configured folder, else
    // the platform's Downloads folder, else the working directory.
    if config.transfers.download_dir.is_none() {
        config.transfers.download_dir = directories::UserDirs::new()
            .and_then(|u| u.download_dir().map(|d| d.to_owned()))
            .or_else(|| std::env::current_dir().ok());
    }
    let start = match cli.target.as_deref().map(target::parse_target).transpose() {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if cli.demo && cli.command.is_some() {
        return fail("--demo opens the UI on its own server; cp, mv and rm need a real endpoint");
    }
    let level = cli.log_level.clone().unwrap_or(config.log.level.clone());
    if level != "off" && level.parse::<tracing::Level>().is_err() {
        return fail(format!("unknown log level {level:?}"));
    }
    if !cli.demo
        && let Err(e) = check_typed(&cli, &config)
    {
        return fail(e);
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
        let store = if cli.demo {
            if let Err(e) = require_terminal() {
                return fail(e);
            }
            match demo::start_demo(&config).await {
                Ok((server, opts)) => {
                    _demo = Some(server);
                    AwsStore::connect(opts).await
                }
                Err(demo::DemoAbort::Failed(e)) => return fail(e),
                Err(demo::DemoAbort::Signal(n)) => return 128 + n,
            }
        } else {
            // Profile, endpoint and region from every source are checked
            // before the terminal check, so a script that gets them wrong
            // hears about that first.
            let store = match AwsStore::try_connect(connect_options(&cli, &config)).await {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            if let Some(args::Command::Posture {
                targets,
                intent,
                object_lock,
                fail_on,
                json,
            }) = &cli.command
            {
                let a = posture::Args {
                    targets,
                    intent: intent.as_deref(),
                    object_lock: *object_lock,
                    fail_on: fail_on.as_deref(),
                    json: *json,
                };
                return posture::run(&store, &config.posture, a).await;
            }
            if let Some(args::Command::Mb {
                target,
                allow_public,
                acls,
                no_versioning,
                no_encryption,
                kms_key,
                object_lock,
                lifecycle,
                tag,
                json,
            }) = &cli.command
            {
                let a = buckets::MbArgs {
                    target,
                    region: cli.region.as_deref(),
                    allow_public: *allow_public,
                    acls: *acls,
                    no_versioning: *no_versioning,
                    no_encryption: *no_encryption,
                    kms_key: kms_key.as_deref(),
                    object_lock: *object_lock,
                    lifecycle,
                    tags: tag,
                    json: *json,
                };
                return buckets::mb(&store, a).await;
            }
            if let Some(args::Command::Presign {
                target,
                expires_in,
                method,
                content_type,
                max_size,
                json,
            }) = &cli.command
            {
                let a = presign::Args {
                    target,
                    expires_in: expires_in.as_deref(),
                    method: method.as_deref(),
                    content_type: content_type.as_deref(),
                    max_size: max_size.as_deref(),
                    json: *json,
                };
                return presign::run(&store, a).await;
            }
            if let Some(args::Command::CorsCheck {
                target,
                origin,
                method,
                header,
                json,
            }) = &cli.command
            {
                let a = cors::Args {
                    target,
                    origin,
                    method: method.as_deref(),
                    headers: header,
                    json: *json,
                };
                return cors::run(&store, a).await;
            }
            if let Some(args::Command::Rb { target, yes }) = &cli.command {
                return buckets::rb(&store, target, *yes).await;
            }
            if let Some(command) = &cli.command {
                let settings = config.transfers.engine.clone();
                let upload = config.transfers.upload.clone();
                return batch::run(Arc::new(store), command, settings, upload).await;
            }
            if let Err(e) = require_terminal() {
                return fail(e);
            }
            store
        };
        let store: Arc<dyn Store> = Arc::new(store);
        let conn = store.connection();
        tracing::info!(endpoint = %conn.endpoint_label(), source = ?conn.endpoint_source, region = %conn.region, path_style = conn.path_style, "connected");
        let tz = crate::format::Zone::Local;
        let size = crossterm::terminal::size().unwrap_or((80, 24));
        let endpoint = conn.endpoint_label();
        let (mut app, fx) = App::new(&config, conn, start, tz, size);
        // The changes an earlier pail made to bucket settings here: `u` in
        // the card's fix menu can still put the last one back.
        if let Some(p) = crate::bucket::history::default_path() {
            app.cards.history = crate::bucket::history::load(&p, &endpoint);
        }
        let journal = crate::engine::journal::default_path().map(|p| {
            Arc::new(crate::engine::journal::Journal::new(
                p,
                &endpoint,
            ))
        });
        match crate::runtime::run(
            app,
            fx,
            store,
            config.ui.tick_ms,
            config.ui.clipboard,
            journal,
        )
        .await
        {
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
