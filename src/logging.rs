//! Logs go to a file, never to the screen (the terminal belongs to the UI),
//! and never hold secrets: every line passes through [`redact`] on its way
//! out, so a careless `debug!` of a URL or header cannot leak a signature,
//! a session token or a secret key.

use regex::Regex;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

static SECRETS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let rules: [(&str, &str); 5] = [
        // Presigned query strings and their parts.
        (
            r"(?i)(X-Amz-(?:Signature|Credential|Security-Token)|Signature|AWSAccessKeyId|x-id)=[^&\s'\x22]*",
            "$1=REDACTED",
        ),
        // Authorization and token headers, in any quoting.
        (
            r#"(?i)((?:authorization|x-amz-security-token|x-amz-content-sha256)["']?\s*[:=]\s*["']?)[^"'\n,}]*"#,
            "${1}REDACTED",
        ),
        // Credential-file style keys.
        (
            r#"(?i)((?:aws_)?(?:secret_access_key|session_token|secret_key|secret)["']?\s*[:=]\s*["']?)[^"'\s,}]*"#,
            "${1}REDACTED",
        ),
        // Access key ids: keep the kind, drop the identity.
        (r"\b((?:AKIA|ASIA|AROA|AIDA))[A-Z0-9]{12,}\b", "${1}…"),
        // Anything that still looks like a query string on an S3 URL.
        (r"(https?://[^\s?]+)\?[^\s'\x22]*", "$1?…"),
    ];
    rules
        .into_iter()
        .filter_map(|(re, with)| Regex::new(re).ok().map(|r| (r, with)))
        .collect()
});

/// Removes credentials, signatures and presigned query strings from one
/// formatted event, and escapes it onto a single line: a key holding a
/// newline must not be able to forge a log line.
pub fn redact(event: &str) -> String {
    let mut out = event.trim_end_matches('\n').to_owned();
    for (re, with) in SECRETS.iter() {
        out = re.replace_all(&out, *with).into_owned();
    }
    crate::sanitize::clean(&out).into_owned() + "\n"
}

#[derive(Clone)]
struct RedactingFile(Arc<Mutex<std::fs::File>>);

/// Collects one event, then writes it redacted in one piece.
struct EventWriter {
    file: Arc<Mutex<std::fs::File>>,
    buf: Vec<u8>,
}

impl Write for EventWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = redact(&String::from_utf8_lossy(&self.buf));
        if let Ok(mut f) = self.file.lock() {
            let _ = f.write_all(text.as_bytes());
        }
    }
}

impl<'a> MakeWriter<'a> for RedactingFile {
    type Writer = EventWriter;
    fn make_writer(&'a self) -> EventWriter {
        EventWriter {
            file: self.0.clone(),
            buf: Vec::new(),
        }
    }
}

pub fn default_log_file() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "pail")?;
    let dir = dirs.state_dir().unwrap_or(dirs.data_local_dir());
    Some(dir.join("pail.log"))
}

/// Opens the log for appending, readable by its owner only: it names
/// buckets, keys and endpoints, which are nobody else's business. A log that
/// already exists is narrowed to 0600 too (an older pail created it 0644);
/// if it is not ours to change, it is used as it is.
pub fn open_private(file: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let f = options.open(file)?;
        if let Ok(meta) = f.metadata()
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = f.set_permissions(std::fs::Permissions::from_mode(0o600));
        }
        Ok(f)
    }
    #[cfg(not(unix))]
    options.open(file)
}

/// Starts logging to `file` at `level` ("off" disables). Our own crate logs
/// at `level`; dependencies only warnings, since the SDK's debug output is
/// where request details would be.
pub fn init(level: &str, file: &Path) -> Result<(), String> {
    if level == "off" {
        return Ok(());
    }
    if let Some(dir) = file.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let f = open_private(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let filter = EnvFilter::try_new(format!("warn,pail={level}")).map_err(|e| e.to_string())?;
    tracing_subscriber::fmt()
        .with_writer(RedactingFile(Arc::new(Mutex::new(f))))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_presigned_urls() {
        let line = "GET https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261124&X-Amz-Signature=abcdef0123&X-Amz-Security-Token=FQoG";
        let r = redact(line);
        assert!(!r.contains("abcdef0123"), "{r}");
        assert!(!r.contains("FQoG"), "{r}");
        assert!(!r.contains("IOSFODNN7EXAMPLE"), "{r}");
    }

    #[test]
    fn redacts_headers_and_keys() {
        let r = redact(
            "authorization: AWS4-HMAC-SHA256 Credential=AKIAXXXXXXXXXXXXXXXX/x, Signature=deadbeef",
        );
        assert!(
            !r.contains("deadbeef") && !r.contains("AKIAXXXXXXXXXXXXXXXX"),
            "{r}"
        );
        let r = redact(r#"{"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG", "x": 1}"#);
        assert!(!r.contains("wJalrXUtnFEMI"), "{r}");
        let r = redact("secret_key=shh session_token=tok123");
        assert!(!r.contains("shh") && !r.contains("tok123"), "{r}");
        let r = redact("key id ASIAABCDEFGHIJKLMNOP in use");
        assert!(!r.contains("ABCDEFGHIJKLMNOP"), "{r}");
    }

    #[test]
    fn escapes_control_characters() {
        let r = redact("listing key evil\x1b[2J");
        assert!(!r.contains('\x1b'));
        assert!(r.contains("\\x1b[2J"));
    }

    #[test]
    fn a_newline_in_a_key_cannot_forge_a_line() {
        let r = redact("inspecting evil\n2026-01-01 INFO forged\n");
        assert_eq!(r.matches('\n').count(), 1, "{r}");
        assert!(r.contains("evil\\n2026"), "{r}");
    }

    #[cfg(unix)]
    #[test]
    fn log_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("new.log");
        open_private(&new).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&new), 0o600);
        let old = dir.path().join("old.log");
        std::fs::write(&old, "earlier\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        use std::io::Write;
        writeln!(open_private(&old).unwrap(), "later").unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "earlier\nlater\n");
    }

    #[test]
    fn plain_lines_pass() {
        assert_eq!(
            redact("listed 1000 keys in s3://b/docs/"),
            "listed 1000 keys in s3://b/docs/\n"
        );
    }
}
