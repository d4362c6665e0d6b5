//! The long help of the batch commands (`pail cp --help` and the like):
//! what each does, its exit status and examples, apart from the flags
//! (args.rs) because the sentences outgrow them.

pub const CP_ABOUT: &str = "Copy: upload, download, server-side copy, or stream with -";

pub const CP_LONG: &str = "\
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

pub const CP_EXAMPLES: &str = "\
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

pub const MV_ABOUT: &str =
    "Move or rename objects within S3 (copy, check the copy, delete the source)";

pub const MV_LONG: &str = "\
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

pub const MV_EXAMPLES: &str = "\
Examples:
  pail mv s3://bucket/a.txt s3://bucket/b.txt      rename a.txt to b.txt
  pail mv s3://bucket/a.txt s3://bucket/archive/   move into archive/
  pail mv s3://bucket/logs/ s3://bucket/old/       move a prefix: old/logs/...
  pail mv s3://bucket/x s3://other-bucket/         to another bucket";

pub const RM_ABOUT: &str = "Delete objects or prefixes (shows the plan; deletes only with --yes)";

pub const RM_LONG: &str = "\
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

pub const RM_EXAMPLES: &str = "\
Examples:
  pail rm s3://bucket/tmp/                 show what would be deleted
  pail rm --yes s3://bucket/tmp/           delete everything under tmp/
  pail rm --yes s3://bucket/a.txt s3://bucket/b.txt
  pail rm --yes --recursive s3://bucket    empty the whole bucket
  pail rm --json s3://bucket/tmp/ | jq -r 'select(.type==\"plan\") | .name'";

pub const UPLOADS_ABOUT: &str = "List or abort open multipart uploads (started, never completed)";

pub const UPLOADS_LONG: &str = "\
Multipart uploads that were started and never completed or aborted keep \
their parts, which cost storage and show in no listing of objects: a tool \
that was killed mid-upload (kill -9, a closed laptop) leaves them. pail \
notes its own uploads while they are open and aborts what a stopped pail \
left at its next start; these commands show and abort anyone's.

A lifecycle rule with AbortIncompleteMultipartUpload (e.g. after 7 days) \
makes S3 clean them up by itself.";

pub const UPLOADS_EXAMPLES: &str = "\
Examples:
  pail uploads ls s3://bucket                  every open upload in the bucket
  pail uploads ls s3://bucket/backups/         those under backups/
  pail uploads abort s3://bucket/backups/      show what would be aborted
  pail uploads abort --yes s3://bucket/backups/
  pail uploads abort --yes --upload-id 2~abc s3://bucket/big.tar";

pub const PRESIGN_ABOUT: &str =
    "Make a presigned link: GET, PUT, or a POST form for browser uploads";

pub const PRESIGN_LONG: &str = "\
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

pub const PRESIGN_EXAMPLES: &str = "\
Examples:
  pail presign s3://bucket/report.pdf                      a GET link for an hour
  pail presign --expires-in 7d s3://bucket/report.pdf      for a week
  pail presign --method put --content-type image/png s3://bucket/up/cat.png
  pail presign --method post --max-size 10MiB --json s3://bucket/uploads/";

pub const CORS_ABOUT: &str =
    "Check a browser's CORS preflight against a bucket before debugging a browser";

pub const CORS_LONG: &str = "\
Send the preflight a browser sends before a cross-origin request (OPTIONS \
with Origin, Access-Control-Request-Method and -Headers, unsigned), and \
evaluate the bucket's CORS rules beside it as S3 does (the first rule whose \
origin, method and every header match). Prints the server's answer, the \
rule that matched or why each rule did not, and where the two disagree.

Exit status: 0 a browser would be allowed; 1 it would be refused (or the \
preflight could not be sent); 2 a usage error.";

pub const CORS_EXAMPLES: &str = "\
Examples:
  pail cors-check --origin https://app.example.com s3://bucket/uploads/x.jpg
  pail cors-check --origin https://app.example.com --method POST s3://bucket
  pail cors-check --origin http://localhost:3000 --header content-type,x-amz-meta-user s3://bucket/a
  pail cors-check --json --origin https://app.example.com s3://bucket";

pub const RESTORE_ABOUT: &str =
    "Restore archived objects (GLACIER, DEEP_ARCHIVE) so they can be read";

pub const RESTORE_LONG: &str = "\
Request a restore (RestoreObject) of an archived object, or of every \
GLACIER and DEEP_ARCHIVE object under a prefix ending in /: a temporary \
readable copy for --days days, fetched at --tier. Prints the plan first \
(one line per object on stdout, the totals and when the copies will be \
ready on stderr) and requests only with --yes. Objects in other classes \
are left out: they read as they are. A listing error requests nothing.

Exit status: 0 requested (or nothing to request, or only shown); 1 a \
listing or a request failed; 2 a usage error (an unknown tier, Expedited \
for DEEP_ARCHIVE); 130/143 on a signal.";

pub const RESTORE_EXAMPLES: &str = "\
Examples:
  pail restore s3://bucket/logs/2019.tar                    show what would be requested
  pail restore --yes --days 3 s3://bucket/logs/2019.tar
  pail restore --yes --tier bulk s3://bucket/archive/2019/  every archived object under it";

pub const CLASS_ABOUT: &str =
    "Change the storage class of an object or of everything under a prefix";

pub const CLASS_LONG: &str = "\
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

pub const CLASS_EXAMPLES: &str = "\
Examples:
  pail storage-class --to STANDARD_IA s3://bucket/reports/          show the plan
  pail storage-class --to GLACIER --yes s3://bucket/archive/2019/";

pub const MB_ABOUT: &str = "Create a bucket with the bucket checklist as defaults";

pub const MB_LONG: &str = "\
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

pub const MB_EXAMPLES: &str = "\
Examples:
  pail mb s3://acme-prod-euw1-uploads --region eu-west-1
  pail mb s3://acme-dev-logs --lifecycle tiering --lifecycle abort-7 --tag team=web
  pail mb s3://acme-prod-vault --kms-key alias/vault --object-lock";

pub const POSTURE_ABOUT: &str = "Is a bucket public, and what of the bucket checklist does it miss";

pub const POSTURE_LONG: &str = "\
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

pub const POSTURE_EXAMPLES: &str = "\
Examples:
  pail posture s3://bucket                       the report, as text
  pail posture --fail-on high s3://a s3://b      in CI: exit 1 on high or critical
  pail posture --json s3://bucket | jq .findings
  pail posture --intent static-site s3://site-assets";

/// `pail uploads ...`.
pub const SYNC_ABOUT: &str =
    "Sync a folder and a prefix (either way) or two prefixes, from a plan you can read first";

pub const SYNC_LONG: &str = "\
Make DST match SRC: a local folder and s3://bucket/prefix/ either way, or \
two prefixes (across buckets and regions). Both sides are listed in full \
first and every path gets an action and the reason that decided it: \
upload/download/copy (new, size differs, newer, content differs), delete \
(only with --delete), skip (identical, and how that was known), conflict \
(both sides changed since the last sync, a case clash on a \
case-insensitive folder, a key that cannot be a file name). pail keeps a \
record of what each sync left both sides as (in its state dir), so a path \
edited on both sides, or deleted at the source and edited at the \
destination, is a conflict and neither version is overwritten; settle one \
with d in the TUI's plan view. The plan is printed (rows that do something on stdout, the totals \
on stderr; --json: one object), then run exactly: nothing is listed again, \
and a path that changed since the plan fails with \"changed since the \
plan\" instead of being overwritten. On a terminal without --yes it asks \
once; without a terminal it runs, as aws s3 sync does.

--compare size-mtime (default) sends a path whose size differs or whose \
source is newer; the time of an object is the one rclone, s3cmd or mc \
recorded in its metadata, else its LastModified. size-only compares sizes. \
checksum hashes the local file against the strongest checksum the object \
carries (x-amz-checksum-*, composite per part, an MD5 ETag, a multipart \
ETag with its part layout, rclone's md5chksum, s3cmd's md5) and says \
where it had to fall back to size and mtime. Uploads record the file's \
mtime as rclone does (x-amz-meta-mtime), downloads set it back.

--exclude and --include work as the aws CLI's: patterns match the path \
under SRC and DST (* also matches /), the last filter that matches \
decides, and an excluded destination path is never deleted.

Deletes run after every transfer succeeded, and never when a listing was \
incomplete. A plan that deletes more than --max-delete files, or more than \
--max-delete-percent (default 50) of the destination, stops before doing \
anything unless --force. --backup-prefix copies every object a row \
replaces or deletes to that prefix of the destination bucket first. Local \
files go to the platform trash (macOS's Trash; on Linux the FreeDesktop \
trash, where ~/.local/share/Trash exists); where there is none they are \
deleted only with --delete-local.

Exit status: 0 in sync (or only shown); 1 a listing or a transfer failed, \
a conflict was left, or the delete limits stopped the plan; 2 a usage \
error; 130/143 on a signal.";

pub const SYNC_EXAMPLES: &str = "\
Examples:
  pail sync --dry-run ./site s3://bucket/site/          show the plan
  pail sync ./site s3://bucket/site/ --delete --exclude '*.tmp'
  pail sync s3://bucket/photos/ ~/photos --compare checksum
  pail sync s3://src-bucket/data/ s3://dst-bucket/data/ --json --yes";
