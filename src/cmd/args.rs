//! The flags and help of `pail cp`, `pail mv` and `pail rm`, kept apart
//! from start-up so each subcommand's `--help` reads as its manual: what
//! every argument means, where things land, and examples.

use crate::engine::{Policy, Settings};

const CP_ABOUT: &str = "Copy: upload, download, server-side copy, or stream with -";

const CP_LONG: &str = "\
Copy files to S3 (upload), objects to files (download), objects to other \
keys or buckets (server-side copy), or one object to or from a pipe (-).

Where things land, as aws s3 cp and cp(1):
  - One object or file to a destination that does not end in / (and, \
locally, is not an existing folder) is written as that name: \
s3://b/x ./new.txt writes the file new.txt; ./f.txt s3://b/k.txt \
uploads the key k.txt; s3://b/a s3://b/b copies to the key b.
  - A destination ending in /, a bucket (s3://b), or an existing local \
folder gets each source inside it under its own name: s3://b/x ~/dl/ \
writes ~/dl/x; ./photos s3://b/2026/ uploads 2026/photos/...; \
s3://b/p/ ./out writes ./out/p/...
  - Several sources need a folder or prefix destination.
  - s3://b/k (no trailing /) is that object if it exists, else everything \
under k/; a source that matches nothing is an error.

Exit status: 0 every item done; 1 at least one failed; 2 a usage error, a \
missing source, or items refused or skipped without being asked (an \
unreadable or special file, an unsafe name, the same source and \
destination, two items meeting at one destination); 130, 143 or 129 after \
Ctrl-C, SIGTERM or SIGHUP (open multipart uploads are aborted and \
temporary files removed first).";

const CP_EXAMPLES: &str = "\
Examples:
  pail cp ./report.pdf s3://bucket/docs/       upload as docs/report.pdf
  pail cp ./report.pdf s3://bucket/docs/r.pdf  upload as docs/r.pdf
  pail cp ./photos s3://bucket/2026/           upload a folder: 2026/photos/...
  pail cp s3://bucket/docs/r.pdf .             download into the current folder
  pail cp s3://bucket/docs/r.pdf ./copy.pdf    download as the file copy.pdf
  pail cp s3://bucket/2026/photos/ ~/pics      download a prefix: ~/pics/photos/...
  pail cp s3://bucket/a/ s3://other/b/         server-side copy: b/a/...
  pail cp s3://bucket/log.gz - | zcat          an object to stdout
  tar c dir | pail cp - s3://bucket/dir.tar    stdin to a key (multipart when long)
  pail cp --json s3://bucket/p/ ./out | jq .   one JSON line per item, then a summary";

const MV_ABOUT: &str = "Move or rename objects within S3 (copy, check the copy, delete the source)";

const MV_LONG: &str = "\
Move objects within S3: each is copied server-side, the copy is checked, \
and only then is the source deleted. A source whose copy failed, was \
refused or skipped stays where it is.

Destinations work as for pail cp: one object to a key not ending in / is \
renamed to that key; a destination ending in / (or a bucket) gets each \
source inside it under its own name; several sources need such a \
destination. Two sources that would land on one key are not both moved: \
the second is refused (exit 2), or with --conflict keep-both lands as \
'name (1).ext'.

Exit status as for pail cp (see pail cp --help).";

const MV_EXAMPLES: &str = "\
Examples:
  pail mv s3://bucket/a.txt s3://bucket/b.txt      rename a.txt to b.txt
  pail mv s3://bucket/a.txt s3://bucket/archive/   move into archive/
  pail mv s3://bucket/logs/ s3://bucket/old/       move a prefix: old/logs/...
  pail mv s3://bucket/x s3://other-bucket/         to another bucket";

const RM_ABOUT: &str = "Delete objects or prefixes (shows the plan; deletes only with --yes)";

const RM_LONG: &str = "\
Delete objects, or everything under prefixes. Every target is listed \
first. Without --yes, pail prints that plan (the first keys of each \
target, counts and bytes, and whether the bucket is versioned, where a \
delete only adds delete markers) and exits 0 having deleted nothing. With \
--yes it prints the same plan and deletes exactly the keys it lists, \
nothing found later.

s3://b/k (no trailing /) is that object if it exists, else everything \
under k/; s3://b/p/ is everything under p/. A whole bucket (s3://b) also \
needs --recursive, or typing the bucket's name when asked on a terminal. \
A target that matches nothing is an error (exit 2).

Exit status: 0 done (or only planned); 1 at least one key failed; 2 a \
usage error or a target that matches nothing; 130, 143 or 129 after \
Ctrl-C, SIGTERM or SIGHUP.";

const RM_EXAMPLES: &str = "\
Examples:
  pail rm s3://bucket/tmp/                 show what would be deleted
  pail rm --yes s3://bucket/tmp/           delete everything under tmp/
  pail rm --yes s3://bucket/a.txt s3://bucket/b.txt
  pail rm --yes --recursive s3://bucket    empty the whole bucket
  pail rm --json s3://bucket/tmp/ | jq -r 'select(.type==\"plan\") | .name'";

const UPLOADS_ABOUT: &str = "List or abort open multipart uploads (started, never completed)";

const UPLOADS_LONG: &str = "\
Multipart uploads that were started and never completed or aborted keep \
their parts, which cost storage and show in no listing of objects: a tool \
that was killed mid-upload (kill -9, a closed laptop) leaves them. pail \
notes its own uploads while they are open and aborts what a stopped pail \
left at its next start; these commands show and abort anyone's.

A lifecycle rule with AbortIncompleteMultipartUpload (e.g. after 7 days) \
makes S3 clean them up by itself.";

const UPLOADS_EXAMPLES: &str = "\
Examples:
  pail uploads ls s3://bucket                  every open upload in the bucket
  pail uploads ls s3://bucket/backups/         those under backups/
  pail uploads abort s3://bucket/backups/      show what would be aborted
  pail uploads abort --yes s3://bucket/backups/
  pail uploads abort --yes --upload-id 2~abc s3://bucket/big.tar";

const PRESIGN_ABOUT: &str = "Make a presigned link: GET, PUT, or a POST form for browser uploads";

const PRESIGN_LONG: &str = "\
Make a presigned link, as aws s3 presign does (GET, an hour by default), \
and also an upload link (--method put) or a browser form (--method post: \
the URL and the form fields; the signed policy limits the key, or the key \
prefix when the URI ends in /, the size with --max-size and the type with \
--content-type). The link carries your credentials' authority until it \
expires (at most 7 days, or when temporary credentials end).

Output: the URL on stdout (PUT: the headers the uploader must send on \
stderr); POST: the URL, then one field=value per line. --json prints \
{\"url\": …} and for POST {\"url\": …, \"fields\": {…}}.

Exit status: 0 signed; 1 it could not be signed (no credentials, no such \
bucket); 2 a usage error.";

const PRESIGN_EXAMPLES: &str = "\
Examples:
  pail presign s3://bucket/report.pdf                      a GET link for an hour
  pail presign --expires-in 7d s3://bucket/report.pdf      for a week
  pail presign --method put --content-type image/png s3://bucket/up/cat.png
  pail presign --method post --max-size 10MiB --json s3://bucket/uploads/";

const CORS_ABOUT: &str =
    "Check a browser's CORS preflight against a bucket before debugging a browser";

const CORS_LONG: &str = "\
Send the preflight a browser sends before a cross-origin request (OPTIONS \
with Origin, Access-Control-Request-Method and -Headers, unsigned), and \
evaluate the bucket's CORS rules beside it as S3 does (the first rule whose \
origin, method and every header match). Prints the server's answer, the \
rule that matched or why each rule did not, and where the two disagree.

Exit status: 0 a browser would be allowed; 1 it would be refused (or the \
preflight could not be sent); 2 a usage error.";

const CORS_EXAMPLES: &str = "\
Examples:
  pail cors-check --origin https://app.example.com s3://bucket/uploads/x.jpg
  pail cors-check --origin https://app.example.com --method POST s3://bucket
  pail cors-check --origin http://localhost:3000 --header content-type,x-amz-meta-user s3://bucket/a
  pail cors-check --json --origin https://app.example.com s3://bucket";

const RESTORE_ABOUT: &str = "Restore archived objects (GLACIER, DEEP_ARCHIVE) so they can be read";

const RESTORE_LONG: &str = "\
Request a restore (RestoreObject) of an archived object, or of every \
GLACIER and DEEP_ARCHIVE object under a prefix ending in /: a temporary \
readable copy for --days days, fetched at --tier. Prints the plan first \
(one line per object on stdout, the totals and when the copies will be \
ready on stderr) and requests only with --yes. Objects in other classes \
are left out: they read as they are. A listing error requests nothing.

Exit status: 0 requested (or nothing to request, or only shown); 1 a \
listing or a request failed; 2 a usage error (an unknown tier, Expedited \
for DEEP_ARCHIVE); 130/143 on a signal.";

const RESTORE_EXAMPLES: &str = "\
Examples:
  pail restore s3://bucket/logs/2019.tar                    show what would be requested
  pail restore --yes --days 3 s3://bucket/logs/2019.tar
  pail restore --yes --tier bulk s3://bucket/archive/2019/  every archived object under it";

const CLASS_ABOUT: &str = "Change the storage class of an object or of everything under a prefix";

const CLASS_LONG: &str = "\
Change objects' storage class by copying each onto itself in the new \
class, keeping its metadata, content headers and tags (a multipart copy \
above the copy threshold). Prints the plan first (one line per object on \
stdout; on stderr the totals and the new class's minimum charges: 30 days \
for STANDARD_IA and ONEZONE_IA, 90 for GLACIER_IR and GLACIER, 180 for \
DEEP_ARCHIVE, and the minimum billable size) and changes only with --yes. \
Objects already in the class are left out, archived ones too (restore them \
first). On a versioned bucket each copy is a new version; the old one \
stays, billed, until lifecycle expires it. A listing error changes nothing.

Exit status: 0 changed (or nothing to change, or only shown); 1 a listing \
or a copy failed; 2 a usage error; 130/143 on a signal.";

const CLASS_EXAMPLES: &str = "\
Examples:
  pail storage-class --to STANDARD_IA s3://bucket/reports/          show the plan
  pail storage-class --to GLACIER --yes s3://bucket/archive/2019/";

const MB_ABOUT: &str = "Create a bucket with the bucket checklist as defaults";

const MB_LONG: &str = "\
Create a bucket and set it up as the bucket creation checklist advises, \
one step at a time, each printed with its result:
  1. CreateBucket in --region (default: your profile's region);
  2. Block Public Access: all four on (--allow-public leaves it off);
  3. object ownership \"bucket owner enforced\": ACLs off (--acls keeps them);
  4. versioning on (--no-versioning);
  5. default encryption SSE-S3, or SSE-KMS with --kms-key and a bucket key \
(--no-encryption sets none);
  6. a lifecycle rule from --lifecycle templates, and --tag tags.
The name is checked against S3's rules first (3-63 lowercase letters, \
digits, dots and dashes...).

Exit status: 0 every step done; 1 a step failed (the lines say which, and \
whether the bucket exists); 2 a usage error or an invalid name.";

const MB_EXAMPLES: &str = "\
Examples:
  pail mb s3://acme-prod-euw1-uploads --region eu-west-1
  pail mb s3://acme-dev-logs --lifecycle tiering --lifecycle abort-7 --tag team=web
  pail mb s3://acme-prod-vault --kms-key alias/vault --object-lock";

const POSTURE_ABOUT: &str = "Is a bucket public, and what of the bucket checklist does it miss";

const POSTURE_LONG: &str = "\
Reads every part of each bucket's settings (each on its own: a part you \
may not read or the server does not support is reported, never fatal) \
and prints:
  - whether the bucket is public, decided as AWS decides it: the \
account's Block Public Access, the bucket's, ACL grants to AllUsers or \
AuthenticatedUsers, and policy statements to * without restricting \
conditions, rung by rung;
  - findings ranked by severity, each with why it matters and how to fix \
it: Block Public Access, versioning, default encryption, KMS bucket key, \
lifecycle (noncurrent versions, incomplete uploads), TLS-only policy, \
ACLs enabled, access logging, object lock (when asked for), website \
hosting;
  - every setting in words.

Severities depend on what the bucket is for (--intent, or [posture] in \
the config): private-app (the default), static-site (behind CloudFront \
with OAC, bucket private) or data-lake.

Exit status: 0 assessed; 1 a finding at or above --fail-on, or a bucket \
that could not be read at all; 2 a usage error.";

const POSTURE_EXAMPLES: &str = "\
Examples:
  pail posture s3://bucket                       the report, as text
  pail posture --fail-on high s3://a s3://b      in CI: exit 1 on high or critical
  pail posture --json s3://bucket | jq .findings
  pail posture --intent static-site s3://site-assets";

/// `pail uploads ...`.
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
    #[command(about = super::sync::ABOUT, long_about = super::sync::LONG, after_help = super::sync::EXAMPLES)]
    Sync(super::sync::SyncArgs),
    #[command(about = UPLOADS_ABOUT, long_about = UPLOADS_LONG, after_help = UPLOADS_EXAMPLES)]
    Uploads {
        #[command(subcommand)]
        action: UploadsCommand,
    },
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
