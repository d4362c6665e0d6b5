//! What `pail cp/mv/rm` print, and the exit status. Three modes: for
//! people (a progress line on a terminal, problems as they happen, a
//! summary), `--quiet` (only errors), and `--json` (one object per item
//! and a summary object on stdout, for scripts). Everything that came from
//! S3 or a disk is escaped here (`sanitize::clean`, or in JSON with
//! `\uXXXX`), and S3 errors carry the same explanations as the TUI's
//! popups (`diagnose::explain`).

use super::args::OutputOpts;
use crate::engine::{self, Env, Item, Outcome, Snapshot};
use crate::format::{count, human_size};
use crate::sanitize::{clean, json_string};
use crate::store::{Store, StoreError};
use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Human,
    Quiet,
    Json,
}

/// Exit statuses, as `aws s3`'s.
pub const OK: i32 = 0;
pub const FAILED: i32 = 1;
/// A usage error, a missing source, or items refused or skipped unasked.
pub const USAGE: i32 = 2;

pub struct Out {
    pub mode: Mode,
    /// stderr is a terminal: the progress line is drawn there.
    tty: bool,
    store: Arc<dyn Store>,
    /// A progress line is on screen (cleared before anything else).
    drawn: Mutex<bool>,
}

impl Out {
    pub fn new(opts: OutputOpts, store: Arc<dyn Store>) -> Out {
        let mode = if opts.json {
            Mode::Json
        } else if opts.quiet {
            Mode::Quiet
        } else {
            Mode::Human
        };
        Out {
            mode,
            tty: std::io::stderr().is_terminal(),
            store,
            drawn: Mutex::new(false),
        }
    }

    fn stderr_line(&self, line: &str) {
        let mut drawn = self.drawn.lock().unwrap_or_else(|p| p.into_inner());
        let mut err = std::io::stderr().lock();
        if *drawn {
            let _ = write!(err, "\r\x1b[K");
            *drawn = false;
        }
        let _ = writeln!(err, "{line}");
    }

    /// An error: always shown, on stderr. `msg` is already escaped.
    pub fn error(&self, msg: &str) {
        self.stderr_line(&format!("pail: {msg}"));
    }

    /// Something worth knowing that is not an error (stderr, people only).
    pub fn note(&self, msg: &str) {
        if self.mode == Mode::Human {
            self.stderr_line(&format!("pail: {msg}"));
        }
    }

    /// A line of the command's output proper (the rm plan, JSON) on
    /// stdout; a closed stdout is not worth a panic.
    pub fn stdout_line(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
    }

    /// An S3 error with the TUI's explanation: what it was, then why and
    /// what to check, indented. `doing` is escaped already.
    pub async fn explain(&self, doing: &str, e: &StoreError) {
        // Explained now: a job's failures need not explain it again.
        let _ = self.store.take_telling_error();
        let creds = if matches!(
            e.kind,
            crate::store::ErrorKind::AccessDenied
                | crate::store::ErrorKind::SignatureMismatch
                | crate::store::ErrorKind::Credentials
        ) {
            self.store.credential_source().await.ok()
        } else {
            None
        };
        let x = crate::diagnose::explain(e, &self.store.connection(), creds.as_ref());
        self.error(&format!("{doing}: {}", x.title));
        self.stderr_line(&format!("  {}", x.summary));
        for h in &x.hints {
            self.stderr_line(&format!("  {h}"));
        }
    }

    /// One item in `--json`.
    pub fn json_item(&self, name: &str, outcome: &Outcome, dest: Option<&str>) {
        let (word, reason, bytes) = match outcome {
            Outcome::Done { bytes, note } => ("done", note.clone(), *bytes),
            Outcome::Skipped(s) => ("skipped", Some(s.describe()), 0),
            Outcome::Refused(r) => ("refused", Some(r.describe()), 0),
            Outcome::Failed(w) => ("failed", Some(w.clone()), 0),
            Outcome::Cancelled => ("cancelled", None, 0),
        };
        self.json_line(name, word, reason.as_deref(), bytes, dest);
    }

    pub fn json_line(
        &self,
        name: &str,
        outcome: &str,
        reason: Option<&str>,
        bytes: u64,
        dest: Option<&str>,
    ) {
        let opt = |s: Option<&str>| s.map(json_string).unwrap_or_else(|| "null".into());
        self.stdout_line(&format!(
            "{{\"type\":\"item\",\"name\":{},\"outcome\":\"{outcome}\",\"reason\":{},\"bytes\":{bytes},\"dest\":{}}}",
            json_string(name),
            opt(reason),
            opt(dest)
        ));
    }

    /// A source that matched nothing: an error naming it.
    pub fn missing(&self, name: &str, why: &str) {
        if self.mode == Mode::Json {
            self.json_line(name, "missing", Some(why), 0, None);
        }
        self.error(&format!("{}: {why}", clean(name)));
    }

    /// Draws the progress line (a terminal, people only).
    pub fn progress(&self, line: &str) {
        if self.mode != Mode::Human || !self.tty {
            return;
        }
        let width = stderr_columns().saturating_sub(1);
        let line: String = line.chars().take(width).collect();
        let mut drawn = self.drawn.lock().unwrap_or_else(|p| p.into_inner());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
        *drawn = true;
    }

    pub fn clear_progress(&self) {
        let mut drawn = self.drawn.lock().unwrap_or_else(|p| p.into_inner());
        if *drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            *drawn = false;
        }
    }
}

/// The width of the terminal on stderr (the progress line's), 80 when it
/// does not say: stdout may be a pipe (`pail cp s3://b/k - | zcat`), so the
/// usual size lookups, which ask stdout, do not apply.
fn stderr_columns() -> usize {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ only writes a winsize into the struct passed.
    let ok = unsafe { libc::ioctl(libc::STDERR_FILENO, libc::TIOCGWINSZ, &mut ws) } == 0;
    match ws.ws_col {
        c if ok && c >= 20 => c as usize,
        _ => 80,
    }
}

/// Where an item went, from its name.
pub type DestOf = Box<dyn Fn(&Item) -> Option<String> + Send + Sync>;

/// How one job's items read: their names (a key as `s3://bucket/key`)
/// and where each goes.
pub struct View {
    /// Past tense for the summary ("Downloaded").
    pub verb: &'static str,
    /// " to …" for the summary, escaped.
    pub place: String,
    /// The bucket item names are keys in, if they are keys.
    pub bucket: Option<String>,
    /// Whether people get the closing summary line.
    pub summary: bool,
    /// Where an item was (or would have been) written, raw.
    pub dest: DestOf,
}

impl View {
    fn name(&self, item: &Item) -> String {
        match &self.bucket {
            Some(b) => format!("s3://{b}/{}", item.name),
            None => item.name.clone(),
        }
    }
}

/// Bytes done over the last few seconds, as the TUI's transfers panel.
struct Rate {
    samples: VecDeque<(Instant, u64)>,
}

const RATE_WINDOW: Duration = Duration::from_secs(5);

impl Rate {
    fn add(&mut self, now: Instant, bytes: u64) -> Option<f64> {
        self.samples.push_back((now, bytes));
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
        let (t0, b0) = *self.samples.front()?;
        let secs = now.duration_since(t0).as_secs_f64();
        (secs > 0.5).then(|| bytes.saturating_sub(b0) as f64 / secs)
    }
}

/// The progress line: done of total, %, rate and time left.
fn progress_line(s: &Snapshot, rate: Option<f64>) -> String {
    let finished = s.objects_done + s.skipped + s.failed + s.refused + s.cancelled;
    let mut line = format!(
        "{}/{} · {} of {}",
        finished,
        count(s.objects_total, "object", "objects"),
        human_size(s.bytes_done),
        human_size(s.bytes_total)
    );
    if s.listing {
        // Still listing (or reading stdin): the total grows.
        line.push_str(" so far");
    } else if let Some(pct) = s
        .bytes_done
        .min(s.bytes_total)
        .saturating_mul(100)
        .checked_div(s.bytes_total)
    {
        line.push_str(&format!(" · {pct}%"));
    }
    if let Some(r) = rate.filter(|r| *r > 0.0) {
        line.push_str(&format!(" · {}/s", human_size(r as u64)));
        if !s.listing {
            let left = s.bytes_total.saturating_sub(s.bytes_done);
            let secs = (left as f64 / r).ceil() as u64;
            line.push_str(&format!(" · {} left", crate::format::duration(secs.max(1))));
        }
    }
    line
}

/// Runs `work` (one job on `env`), drawing progress and reporting items
/// as they finish; then the summary. Returns the job's final counts.
pub async fn watch(
    out: &Out,
    env: &Env,
    view: &View,
    work: impl std::future::Future<Output = ()>,
) -> Snapshot {
    let mut rate = Rate {
        samples: VecDeque::new(),
    };
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tokio::pin!(work);
    loop {
        tokio::select! {
            _ = &mut work => break,
            _ = tick.tick() => {
                report_items(out, env, view);
                let s = env.progress.snapshot();
                let r = rate.add(Instant::now(), s.bytes_done);
                out.progress(&progress_line(&s, r));
            }
        }
    }
    report_items(out, env, view);
    out.clear_progress();
    let s = env.progress.snapshot();
    // Items carry their failure as one line; when the store saw a failure
    // a person can act on (the identity refused, the clock, the endpoint),
    // explain it once, as the TUI would.
    if s.failed > 0
        && let Some(e) = env.store.take_telling_error()
    {
        out.explain("items failed", &e).await;
    }
    if out.mode == Mode::Human && view.summary {
        out.note(&engine::progress::summary(view.verb, &s, &view.place));
    }
    s
}

fn report_items(out: &Out, env: &Env, view: &View) {
    for item in env.progress.drain_items() {
        let name = view.name(&item);
        if out.mode == Mode::Json {
            let dest = (view.dest)(&item);
            out.json_item(&name, &item.outcome, dest.as_deref());
            continue;
        }
        let problem = match &item.outcome {
            Outcome::Failed(_) | Outcome::Refused(_) => true,
            Outcome::Skipped(s) => !s.asked_for(),
            _ => false,
        };
        let why = item.outcome.describe();
        match (&item.outcome, why) {
            (_, Some(why)) if problem => {
                out.error(&format!("{}: {}", clean(&name), clean(&why)));
            }
            // What could not be verified. Skips asked for and cancelled
            // items are only counted in the summary: `--conflict skip`
            // over a large tree would otherwise print a line per file.
            (Outcome::Done { .. }, Some(why)) => {
                out.note(&format!("{}: {}", clean(&name), clean(&why)));
            }
            _ => {}
        }
        if matches!(item.outcome, Outcome::Done { .. })
            && let Some(d) = &item.dest
        {
            let at = (view.dest)(&item).unwrap_or_else(|| d.clone());
            out.note(&format!(
                "{}: the name was taken, written as {}",
                clean(&name),
                clean(&at)
            ));
        }
    }
}

/// What every job of a command added up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: u64,
    pub bytes: u64,
    pub failed: u64,
    pub skipped: u64,
    pub skipped_unasked: u64,
    pub refused: u64,
    pub cancelled: u64,
    /// Sources that matched nothing.
    pub missing: u64,
}

impl Tally {
    pub fn add(&mut self, s: &Snapshot) {
        self.done += s.objects_done;
        self.bytes += s.bytes_done;
        self.failed += s.failed;
        self.skipped += s.skipped;
        self.skipped_unasked += s.skipped_unasked;
        self.refused += s.refused;
        self.cancelled += s.cancelled;
    }

    /// The exit status: a signal's, else 1 for a failure, else 2 for what
    /// was not done without being asked, else 0.
    pub fn code(&self, signal: Option<i32>) -> i32 {
        if let Some(code) = signal {
            code
        } else if self.failed > 0 {
            FAILED
        } else if self.missing + self.refused + self.skipped_unasked > 0 {
            USAGE
        } else {
            OK
        }
    }

    /// The `--json` summary object.
    pub fn json(&self, verb: &str, code: i32) -> String {
        format!(
            "{{\"type\":\"summary\",\"verb\":{},\"done\":{},\"bytes\":{},\"failed\":{},\"skipped\":{},\"skipped_unasked\":{},\"refused\":{},\"cancelled\":{},\"missing\":{},\"exit\":{code}}}",
            json_string(verb),
            self.done,
            self.bytes,
            self.failed,
            self.skipped,
            self.skipped_unasked,
            self.refused,
            self.cancelled,
            self.missing
        )
    }
}

/// Writes `text` to stdout and flushes it; `false` when stdout is gone (a
/// closed pipe), which the caller turns into its failure status.
pub fn print(text: &str) -> bool {
    use std::io::Write;
    let mut so = std::io::stdout().lock();
    so.write_all(text.as_bytes())
        .and_then(|_| so.flush())
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_rank_signal_failure_then_refusal() {
        let mut t = Tally::default();
        assert_eq!(t.code(None), OK);
        t.skipped = 3;
        assert_eq!(t.code(None), OK, "skips the user asked for are success");
        t.refused = 1;
        assert_eq!(t.code(None), USAGE);
        t.failed = 1;
        assert_eq!(t.code(None), FAILED);
        assert_eq!(t.code(Some(143)), 143);
        let t = Tally {
            missing: 1,
            ..Tally::default()
        };
        assert_eq!(t.code(None), USAGE);
    }

    #[test]
    fn progress_line_has_total_percent_rate_and_eta() {
        let s = Snapshot {
            objects_total: 4,
            objects_done: 1,
            bytes_total: 100 << 20,
            bytes_done: 25 << 20,
            ..Snapshot::default()
        };
        let line = progress_line(&s, Some((5 << 20) as f64));
        assert!(line.contains("1/4 objects"), "{line}");
        assert!(line.contains("25%"), "{line}");
        assert!(line.contains("5.0 MiB/s"), "{line}");
        assert!(line.contains("15 s left"), "{line}");
        let listing = Snapshot { listing: true, ..s };
        let line = progress_line(&listing, Some(1.0));
        assert!(line.contains("so far"), "{line}");
        assert!(!line.contains('%') && !line.contains("left"), "{line}");
    }
}
