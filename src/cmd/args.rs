//! The flags and help of `pail cp`, `pail mv` and `pail rm`, kept apart
//! from start-up so each subcommand's `--help` reads as its manual: what
//! every argument means, where things land, and examples.

use crate::engine::{Policy, Settings};

use super::help::*;

#[derive(Debug, clap::Subcommand)]
pub enum UploadsCommand {
    /// List the open multipart uploads under a bucket or prefix: when each
    /// was started, its parts and bytes so far, its key and upload id
    Ls {
        /// s3://bucket or s3://bucket/prefix/ (keys starting with prefix)
        #[arg(value_name = "S3_URI")]
        target: String,
        #[command(flatten)]
        output: OutputOpts,
    },
    /// Abort open multipart uploads (shows the plan; aborts only with --yes)
    Abort {
        /// s3://bucket or s3://bucket/prefix/ (keys starting with prefix)
        #[arg(value_name = "S3_URI")]
        target: String,
        /// Only these uploads (ids as `pail uploads ls` shows them); may be
        /// given several times
        #[arg(long = "upload-id", value_name = "ID")]
        ids: Vec<String>,
        /// Abort what the plan lists (without it: only show the plan)
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        output: OutputOpts,
    },
}

/// The transfer engine without the UI (for scripts and benchmarks).
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    #[command(about = CP_ABOUT, long_about = CP_LONG, after_help = CP_EXAMPLES)]
    Cp {
        /// What to copy: local files or folders, s3://bucket/key objects,
        /// s3://bucket/prefix/ prefixes (all local or all s3://), or - for
        /// stdin (alone)
        #[arg(required = true, num_args = 1.., value_name = "SRC")]
        sources: Vec<String>,
        /// Where to: a local path, s3://bucket/key, s3://bucket/prefix/,
        /// or - for stdout (one object)
        #[arg(value_name = "DST")]
        dest: String,
        #[command(flatten)]
        transfer: TransferOpts,
        #[command(flatten)]
        output: OutputOpts,
    },
    #[command(about = MV_ABOUT, long_about = MV_LONG, after_help = MV_EXAMPLES)]
    Mv {
        /// What to move: s3://bucket/key objects or s3://bucket/prefix/
        /// prefixes
        #[arg(required = true, num_args = 1.., value_name = "SRC")]
        sources: Vec<String>,
        /// Where to: s3://bucket/new-key (one object: a rename) or
        /// s3://bucket/prefix/
        #[arg(value_name = "DST")]
        dest: String,
        #[command(flatten)]
        transfer: TransferOpts,
        #[command(flatten)]
        output: OutputOpts,
    },
    #[command(about = RM_ABOUT, long_about = RM_LONG, after_help = RM_EXAMPLES)]
    Rm {
        /// What to delete: s3://bucket/key, s3://bucket/prefix/, or
        /// s3://bucket (with --recursive)
        #[arg(required = true, value_name = "S3_URI")]
        targets: Vec<String>,
        /// Delete what the plan lists (without it: only show the plan)
        #[arg(long)]
        yes: bool,
        /// Allow a whole bucket as a target (s3://bucket); prefixes need
        /// no flag
        #[arg(long, short = 'r')]
        recursive: bool,
        /// Requests in flight (default: [transfers] concurrency, 32); a
        /// delete sends up to 4 batches of 1,000 keys at once
        #[arg(long, value_name = "N")]
        concurrency: Option<usize>,
        #[command(flatten)]
        output: OutputOpts,
    },
    #[command(about = MB_ABOUT, long_about = MB_LONG, after_help = MB_EXAMPLES)]
    Mb {
        /// The new bucket: s3://name
        #[arg(value_name = "S3_URI")]
        target: String,
        /// Leave Block Public Access off (default: all four on)
        #[arg(long)]
        allow_public: bool,
        /// Keep ACLs on (default: object ownership "bucket owner enforced")
        #[arg(long)]
        acls: bool,
        /// Leave versioning off (default: on)
        #[arg(long)]
        no_versioning: bool,
        /// Set no default encryption (default: SSE-S3)
        #[arg(long, conflicts_with = "kms_key")]
        no_encryption: bool,
        /// SSE-KMS with this key id or ARN, with a bucket key (default: SSE-S3)
        #[arg(long, value_name = "KEY")]
        kms_key: Option<String>,
        /// Create it with object lock (it cannot be added later)
        #[arg(long)]
        object_lock: bool,
        /// Lifecycle templates, combined into one rule: tiering (30 days →
        /// STANDARD_IA, 90 → GLACIER), expire-365, noncurrent-30, abort-7
        #[arg(long, value_name = "TEMPLATE")]
        lifecycle: Vec<String>,
        /// A tag KEY=VALUE; may be given several times
        #[arg(long, value_name = "KEY=VALUE")]
        tag: Vec<String>,
        /// One JSON object per step on stdout
        #[arg(long)]
        json: bool,
    },
    /// List buckets, one level of a prefix, or with --recursive every key
    /// under it (listed side by side, in key order), as `aws s3 ls`
    Ls {
        /// s3://bucket or s3://bucket/prefix; none: the buckets
        #[arg(value_name = "S3_URI")]
        target: Option<String>,
        /// Every key under the prefix, at any depth
        #[arg(long, short = 'r')]
        recursive: bool,
        /// Then the number of objects and their total size
        #[arg(long)]
        summarize: bool,
    },
    #[command(about = PRESIGN_ABOUT, long_about = PRESIGN_LONG, after_help = PRESIGN_EXAMPLES)]
    Presign {
        /// The object (s3://bucket/key); for POST, a key prefix ending in /
        /// (s3://bucket/uploads/) lets the form choose the name under it
        #[arg(value_name = "S3_URI")]
        target: String,
        /// How long the link lives: seconds (3600) or 90m, 12h, 7d; at most
        /// 7 days (default: 1 hour)
        #[arg(long, value_name = "DURATION")]
        expires_in: Option<String>,
        /// get (a download link, the default), put (an upload link) or post
        /// (a browser form's URL and fields)
        #[arg(long, value_name = "METHOD")]
        method: Option<String>,
        /// PUT and POST: the Content-Type the upload must send (signed)
        #[arg(long, value_name = "TYPE")]
        content_type: Option<String>,
        /// POST: the largest upload the policy accepts (10MiB)
        #[arg(long, value_name = "SIZE")]
        max_size: Option<String>,
        /// Print {"url": …} (and "fields" for POST) instead of text
        #[arg(long)]
        json: bool,
    },
    #[command(name = "cors-check", about = CORS_ABOUT, long_about = CORS_LONG, after_help = CORS_EXAMPLES)]
    CorsCheck {
        /// The bucket, or an object in it (s3://bucket/key)
        #[arg(value_name = "S3_URI")]
        target: String,
        /// The page's origin, as the browser sends it (https://app.example.com)
        #[arg(long, value_name = "ORIGIN")]
        origin: String,
        /// The method the page's script uses: GET, PUT (default), POST,
        /// DELETE or HEAD
        #[arg(long, value_name = "METHOD")]
        method: Option<String>,
        /// A header the script sends (repeat, or comma-separated)
        #[arg(long, value_name = "NAME")]
        header: Vec<String>,
        /// Print the answer as JSON
        #[arg(long)]
        json: bool,
    },
    #[command(about = RESTORE_ABOUT, long_about = RESTORE_LONG, after_help = RESTORE_EXAMPLES)]
    Restore {
        /// An object (s3://bucket/key) or every object under a prefix
        /// (s3://bucket/prefix/)
        #[arg(value_name = "S3_URI")]
        target: String,
        /// How long the restored copy stays readable (default 7)
        #[arg(long, default_value_t = 7)]
        days: i32,
        /// expedited (GLACIER only, minutes), standard (hours, the
        /// default) or bulk (cheapest, slowest)
        #[arg(long, value_name = "TIER")]
        tier: Option<String>,
        /// Request it (without: only show what would be requested)
        #[arg(long)]
        yes: bool,
    },
    #[command(name = "storage-class", about = CLASS_ABOUT, long_about = CLASS_LONG, after_help = CLASS_EXAMPLES)]
    StorageClass {
        /// An object (s3://bucket/key) or every object under a prefix
        /// (s3://bucket/prefix/)
        #[arg(value_name = "S3_URI")]
        target: String,
        /// The new class: STANDARD, STANDARD_IA, ONEZONE_IA,
        /// INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE
        #[arg(long, value_name = "CLASS")]
        to: String,
        /// Change them (without: only show what would change)
        #[arg(long)]
        yes: bool,
    },
    /// Delete an empty bucket (shows what would happen; deletes only with --yes)
    Rb {
        /// The bucket: s3://name
        #[arg(value_name = "S3_URI")]
        target: String,
        /// Delete it (without: only say whether it can be)
        #[arg(long)]
        yes: bool,
    },
    #[command(about = POSTURE_ABOUT, long_about = POSTURE_LONG, after_help = POSTURE_EXAMPLES)]
    Posture {
        /// Buckets to assess: s3://bucket, one or more
        #[arg(required = true, value_name = "S3_URI")]
        targets: Vec<String>,
        /// What the buckets are for: private-app, static-site or data-lake
        /// (default: [posture] in the config, per bucket)
        #[arg(long, value_name = "PROFILE")]
        intent: Option<String>,
        /// Report buckets without object lock
        #[arg(long)]
        object_lock: bool,
        /// Exit 1 when a finding is at least this severe: critical, high,
        /// medium or low
        #[arg(long, value_name = "SEVERITY")]
        fail_on: Option<String>,
        /// One JSON object per bucket on stdout, one per line
        #[arg(long)]
        json: bool,
    },
    #[command(about = SYNC_ABOUT, long_about = SYNC_LONG, after_help = SYNC_EXAMPLES)]
    Sync(SyncArgs),
    #[command(about = UPLOADS_ABOUT, long_about = UPLOADS_LONG, after_help = UPLOADS_EXAMPLES)]
    Uploads {
        #[command(subcommand)]
        action: UploadsCommand,
    },
}

/// `pail sync`'s flags.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct SyncArgs {
    /// A local folder or s3://bucket/prefix/
    #[arg(value_name = "SRC")]
    pub source: String,
    /// A local folder or s3://bucket/prefix/ (a folder is made if missing)
    #[arg(value_name = "DST")]
    pub dest: String,
    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Run the plan without asking on a terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Also delete what is only in DST
    #[arg(long)]
    pub delete: bool,
    /// size-mtime (default), size-only or checksum
    #[arg(long, value_name = "MODE")]
    pub compare: Option<String>,
    /// Leave out paths matching PATTERN (repeat; order matters with --include)
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Take paths matching PATTERN back in (repeat)
    #[arg(long, value_name = "PATTERN")]
    pub include: Vec<String>,
    /// Stop (before anything runs) if the plan deletes more than N files
    #[arg(long, value_name = "N")]
    pub max_delete: Option<u64>,
    /// Stop if the plan deletes more than P% of the destination (default 50)
    #[arg(long, value_name = "P")]
    pub max_delete_percent: Option<u64>,
    /// Run a plan the delete limits would stop
    #[arg(long)]
    pub force: bool,
    /// Allow deleting local files (a download sync with --delete)
    #[arg(long)]
    pub delete_local: bool,
    /// Copy every object the sync replaces or deletes to this key prefix
    /// of the destination bucket first (e.g. .backup/2026-12-07/)
    #[arg(long, value_name = "PREFIX")]
    pub backup_prefix: Option<String>,
    /// Follow symlinks in a local source
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Also print the rows that are skipped (identical)
    #[arg(long)]
    pub show_skips: bool,
    /// Requests in flight (default: [transfers] concurrency, 32)
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    #[command(flatten)]
    pub output: OutputOpts,
}

#[derive(Debug, clap::Args)]
pub struct TransferOpts {
    /// When a destination exists: overwrite, skip, skip-identical (same
    /// size and MD5, else overwrite) or keep-both (writes 'name (1).ext').
    /// Default: [transfers] conflict in the config, where "ask" means
    /// overwrite here, as aws s3 cp does
    #[arg(long, value_name = "POLICY")]
    pub conflict: Option<String>,
    /// Requests in flight (default: [transfers] concurrency, 32)
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
}

#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct OutputOpts {
    /// Print only errors (no progress, no summary)
    #[arg(long, short = 'q', conflicts_with = "json")]
    pub quiet: bool,
    /// Print one JSON object per item and a summary object at the end on
    /// stdout, one per line (no progress line; errors still go to stderr)
    #[arg(long)]
    pub json: bool,
}

impl Command {
    pub fn output(&self) -> OutputOpts {
        match self {
            Command::Cp { output, .. }
            | Command::Mv { output, .. }
            | Command::Rm { output, .. } => *output,
            Command::Sync(a) => a.output,
            Command::Uploads { action } => match action {
                UploadsCommand::Ls { output, .. } | UploadsCommand::Abort { output, .. } => *output,
            },
            Command::Posture { .. }
            | Command::Ls { .. }
            | Command::Presign { .. }
            | Command::CorsCheck { .. }
            | Command::Restore { .. }
            | Command::StorageClass { .. }
            | Command::Mb { .. }
            | Command::Rb { .. } => OutputOpts::default(),
        }
    }

    /// The settings this command runs with: the config's, then its flags.
    pub fn settings(&self, mut settings: Settings) -> Result<Settings, String> {
        let (conflict, concurrency) = match self {
            Command::Cp { transfer, .. } | Command::Mv { transfer, .. } => {
                (transfer.conflict.as_deref(), transfer.concurrency)
            }
            Command::Rm { concurrency, .. } => (None, *concurrency),
            Command::Sync(a) => (None, a.concurrency),
            Command::Uploads { .. }
            | Command::Ls { .. }
            | Command::Posture { .. }
            | Command::Presign { .. }
            | Command::CorsCheck { .. }
            | Command::Restore { .. }
            | Command::StorageClass { .. }
            | Command::Mb { .. }
            | Command::Rb { .. } => (None, None),
        };
        settings.conflict = match conflict {
            None if settings.conflict == Policy::Ask => Policy::Overwrite,
            None => settings.conflict,
            Some("overwrite") => Policy::Overwrite,
            Some("skip") => Policy::Skip,
            Some("skip-identical") => Policy::SkipIdentical,
            Some("keep-both") => Policy::KeepBoth,
            Some(other) => {
                return Err(format!(
                    "--conflict {:?}: expected overwrite, skip, skip-identical or keep-both",
                    crate::sanitize::clean(other)
                ));
            }
        };
        if let Some(n) = concurrency {
            if !(1..=512).contains(&n) {
                return Err(format!("--concurrency must be 1..=512, not {n}"));
            }
            settings.concurrency = n;
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_and_concurrency_apply_over_the_config() {
        let cmd = |args: &[&str]| {
            use clap::Parser;
            let cli = crate::cmd::Cli::try_parse_from(args).unwrap();
            cli.command.unwrap()
        };
        let s = cmd(&["pail", "cp", "--conflict", "keep-both", "a", "s3://b/"])
            .settings(Settings::default())
            .unwrap();
        assert_eq!(s.conflict, Policy::KeepBoth);
        let s = cmd(&["pail", "rm", "s3://b/x"])
            .settings(Settings::default())
            .unwrap();
        assert_eq!(s.conflict, Policy::Overwrite, "ask means overwrite");
        assert!(
            cmd(&["pail", "mv", "--concurrency", "0", "s3://b/a", "s3://b/c"])
                .settings(Settings::default())
                .is_err()
        );
        assert!(
            cmd(&["pail", "cp", "--conflict", "ask", "a", "s3://b/"])
                .settings(Settings::default())
                .is_err()
        );
    }

    #[test]
    fn rm_has_no_conflict_flag_and_sources_end_before_the_destination() {
        use clap::Parser;
        assert!(
            crate::cmd::Cli::try_parse_from(["pail", "rm", "--conflict", "skip", "s3://b/x"])
                .is_err()
        );
        let cli =
            crate::cmd::Cli::try_parse_from(["pail", "cp", "a", "b", "-", "s3://b/"]).unwrap();
        let Some(Command::Cp { sources, dest, .. }) = cli.command else {
            panic!("cp")
        };
        assert_eq!(sources, ["a", "b", "-"]);
        assert_eq!(dest, "s3://b/");
        assert!(crate::cmd::Cli::try_parse_from(["pail", "cp", "only-one"]).is_err());
        let cli = crate::cmd::Cli::try_parse_from([
            "pail",
            "cp",
            "a",
            "s3://b/",
            "--endpoint-url",
            "http://127.0.0.1:9000",
            "--region",
            "eu-west-1",
        ])
        .unwrap();
        assert_eq!(cli.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(cli.region.as_deref(), Some("eu-west-1"));
    }
}
