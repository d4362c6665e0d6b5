//! `pail posture s3://bucket…`: the bucket card's posture section for
//! scripts and CI: is each bucket public (and why), and the checklist's
//! findings for its profile, as text or one JSON object per bucket. Exit 1
//! when a finding reaches `--fail-on`, or a bucket could not be read at all.

use super::output::{FAILED, OK, USAGE};
use super::say;
use crate::config;
use crate::posture::{self, Profile, Severity, report};
use crate::sanitize::clean;
use crate::store::settings::Part;
use crate::store::{ErrorKind, Store};
use std::io::Write;

pub struct Args<'a> {
    pub targets: &'a [String],
    pub intent: Option<&'a str>,
    pub object_lock: bool,
    pub fail_on: Option<&'a str>,
    pub json: bool,
}

pub async fn run(store: &dyn Store, cfg: &config::Posture, a: Args<'_>) -> i32 {
    let intent = match a.intent.map(Profile::parse) {
        Some(None) => {
            say("--intent: expected private-app, static-site or data-lake");
            return USAGE;
        }
        Some(p) => p,
        None => None,
    };
    let fail_on = match a.fail_on.map(Severity::parse) {
        Some(None) | Some(Some(Severity::Info)) => {
            say("--fail-on: expected critical, high, medium or low");
            return USAGE;
        }
        Some(s) => s,
        None => None,
    };
    let mut buckets = Vec::new();
    for t in a.targets {
        match super::target::parse_target(t) {
            Ok((b, p)) if p.is_empty() => buckets.push(b),
            Ok(_) => {
                say(format!(
                    "{}: posture is about a whole bucket (s3://bucket)",
                    clean(t)
                ));
                return USAGE;
            }
            Err(e) => {
                say(clean(&e));
                return USAGE;
            }
        }
    }
    let mut code = OK;
    let mut out = std::io::stdout().lock();
    for bucket in &buckets {
        let (profile, lock) = cfg.for_bucket(bucket);
        let profile = intent.unwrap_or(profile);
        let gathered = posture::gather(store, bucket).await;
        // A bucket that is not there (or a server that is not there)
        // answers every part with the same failure: say it once.
        if let Some(e) = unreadable(&gathered) {
            say(format!(
                "s3://{}: {}",
                clean(bucket),
                crate::diagnose::short(e)
            ));
            code = FAILED;
            continue;
        }
        let facts = gathered.facts(lock || a.object_lock);
        let p = posture::assess(&facts, profile);
        let text = if a.json {
            report::json(bucket, &facts, &p).to_string() + "\n"
        } else {
            report::text(bucket, &facts, &p) + "\n"
        };
        if out.write_all(text.as_bytes()).is_err() {
            return FAILED;
        }
        if fail_on.is_some_and(|f| p.worst().is_some_and(|w| w >= f)) {
            code = code.max(FAILED);
        }
    }
    code
}

/// The failure every part shares when none could be read for a reason
/// other than "denied" or "not supported".
fn unreadable(g: &posture::Gathered) -> Option<&crate::store::StoreError> {
    let mut first = None;
    for p in Part::ALL {
        match g.parts.get(&p) {
            Some(Err(e))
                if !matches!(e.kind, ErrorKind::AccessDenied | ErrorKind::NotImplemented) =>
            {
                first.get_or_insert(e);
            }
            _ => return None,
        }
    }
    first
}
