//! `pail mb` and `pail rb`: making a bucket with the domain guide's
//! checklist (each step printed with its result) and removing an empty
//! one (the plan first; only with --yes, as `pail rm`).

use super::output::{FAILED, OK, USAGE};
use super::say;
use crate::bucket::{self, Checklist, templates};
use crate::diagnose::short;
use crate::sanitize::{clean, json_string};
use crate::store::Store;
use std::io::Write;

pub struct MbArgs<'a> {
    pub target: &'a str,
    pub region: Option<&'a str>,
    pub allow_public: bool,
    pub acls: bool,
    pub no_versioning: bool,
    pub no_encryption: bool,
    pub kms_key: Option<&'a str>,
    pub object_lock: bool,
    pub lifecycle: &'a [String],
    pub tags: &'a [String],
    pub json: bool,
}

fn bucket_of(target: &str) -> Result<String, String> {
    match super::target::parse_target(target)? {
        (b, p) if p.is_empty() => Ok(b),
        _ => Err(format!(
            "{}: a bucket is s3://name, without a key or prefix",
            clean(target)
        )),
    }
}

/// The checklist the flags ask for; `Err` is a usage error.
pub fn checklist(a: &MbArgs, default_region: &str) -> Result<Checklist, String> {
    let name = bucket_of(a.target)?;
    if let Some(why) = bucket::names::invalid(&name) {
        return Err(format!("{}: a bucket name {why}", clean(&name)));
    }
    let mut c = Checklist::new(&name, a.region.unwrap_or(default_region));
    c.block_public = !a.allow_public;
    c.enforce_owner = !a.acls;
    c.versioning = !a.no_versioning;
    c.encryption = !a.no_encryption;
    c.kms_key = a.kms_key.map(str::to_owned);
    c.object_lock = a.object_lock;
    if !a.lifecycle.is_empty() {
        c.lifecycle = Some(templates::rule(a.lifecycle)?);
    }
    for t in a.tags {
        let (k, v) = t
            .split_once('=')
            .ok_or_else(|| format!("--tag {}: expected KEY=VALUE", clean(t)))?;
        c.tags.push((k.to_owned(), v.to_owned()));
    }
    Ok(c)
}

pub async fn mb(store: &dyn Store, a: MbArgs<'_>) -> i32 {
    let region = store.connection().region.clone();
    let c = match checklist(&a, &region) {
        Ok(c) => c,
        Err(e) => {
            say(e);
            return USAGE;
        }
    };
    if !a.json
        && let Some(h) = bucket::names::hint(&c.bucket)
    {
        say(format!("hint: {h}"));
    }
    let mut out = std::io::stdout().lock();
    let json = a.json;
    let done = bucket::create(store, &c, |d| {
        let line = if json {
            format!(
                "{{\"step\":{},\"ok\":{}{}}}",
                json_string(&d.line),
                d.result.is_ok(),
                match &d.result {
                    Ok(()) => String::new(),
                    Err(e) => format!(",\"error\":{}", json_string(&short(e))),
                }
            )
        } else {
            match &d.result {
                Ok(()) => format!("  ✓ {}", clean(&d.line)),
                Err(e) => format!("  ✗ {}: {}", clean(&d.line), short(e)),
            }
        };
        let _ = writeln!(out, "{line}");
    })
    .await;
    let failed = done.iter().filter(|d| d.result.is_err()).count();
    if failed == 0 {
        OK
    } else {
        if !json {
            say(match done.first().map(|d| d.result.is_ok()) {
                Some(true) => format!(
                    "s3://{} was created; {failed} of its settings failed (above)",
                    clean(&c.bucket)
                ),
                _ => format!("s3://{} was not created", clean(&c.bucket)),
            });
        }
        FAILED
    }
}

pub async fn rb(store: &dyn Store, target: &str, yes: bool) -> i32 {
    let name = match bucket_of(target) {
        Ok(b) => b,
        Err(e) => {
            say(e);
            return USAGE;
        }
    };
    let uri = format!("s3://{}", clean(&name));
    match bucket::contents(store, &name).await {
        Err(e) => {
            say(format!("{uri}: {}", short(&e)));
            FAILED
        }
        Ok(Some(what)) => {
            say(format!(
                "{uri} is not empty: it holds {}; empty it first (pail rm --recursive --yes {uri}, and on a versioned bucket its old versions)",
                clean(&what)
            ));
            FAILED
        }
        Ok(None) if !yes => {
            println!("Would delete the empty bucket {uri}; add --yes to delete it");
            OK
        }
        Ok(None) => match store.delete_bucket(&name).await {
            Ok(()) => {
                println!("Deleted the bucket {uri}");
                OK
            }
            Err(e) => {
                say(format!("{uri}: {}", short(&e)));
                FAILED
            }
        },
    }
}
