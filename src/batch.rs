//! `pail cp`, `pail mv` and `pail rm`: the transfer engine without the
//! UI, for scripts and for benchmarks that must measure exactly what the
//! TUI runs. Sources land inside the destination under their own names, as
//! in the TUI: `pail cp dir s3://b/p/` makes `p/dir/…`, `pail cp s3://b/p/x/
//! DIR` makes `DIR/x/…`.

use crate::engine::{self, Env, Mapping, Phase, S3Source, Scheduler, Settings, Spec};
use crate::sanitize::clean;
use crate::store::{GetRequest, ObjectSummary, Store};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn s3_parts(s: &str) -> Option<(String, String)> {
    crate::cli::parse_target(s).ok()
}

/// An s3:// argument as a source: a trailing `/` means a prefix; otherwise
/// an existing object, else the prefix of that name.
async fn source(store: &dyn Store, bucket: &str, key: &str) -> Result<S3Source, String> {
    if key.is_empty() || key.ends_with('/') {
        return Ok(S3Source::Prefix(key.to_owned()));
    }
    match store
        .head_object(&GetRequest {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            ..GetRequest::default()
        })
        .await
    {
        Ok(h) => Ok(S3Source::Object(ObjectSummary {
            key: key.to_owned(),
            size: h.object_size,
            modified: h.modified,
            storage_class: h.storage_class,
            etag: h.etag,
            version_id: None,
        })),
        Err(e)
            if matches!(
                e.kind,
                crate::store::ErrorKind::NoSuchKey | crate::store::ErrorKind::NotFound
            ) =>
        {
            Ok(S3Source::Prefix(format!("{key}/")))
        }
        Err(e) => Err(format!("s3://{bucket}/{key}: {e}")),
    }
}

/// Runs one spec to the end, showing a progress line on a terminal.
async fn run_spec(env: &Env, spec: Spec) -> engine::Snapshot {
    let tty = std::io::stderr().is_terminal();
    let progress = env.progress.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if tty {
                let s = progress.snapshot();
                let mut err = std::io::stderr();
                let _ = write!(
                    err,
                    "\r\x1b[K{}/{} objects · {}",
                    s.objects_done,
                    s.objects_total,
                    crate::format::human_size(s.bytes_done)
                );
                let _ = err.flush();
            }
        }
    });
    let cancel = env.cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    engine::run(env, spec).await;
    ticker.abort();
    interrupt.abort();
    if tty {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
    env.progress.snapshot()
}

fn report(env: &Env, verb: &str, place: &str, s: &engine::Snapshot) {
    for item in env.progress.drain_items() {
        let why = match &item.outcome {
            engine::Outcome::Failed(w) => format!("failed: {w}"),
            engine::Outcome::Refused(w) => format!("refused: {w}"),
            engine::Outcome::Skipped(w) if w != "cancelled" => format!("skipped: {w}"),
            engine::Outcome::Done { note: Some(n), .. } => n.clone(),
            _ => continue,
        };
        eprintln!("pail: {}: {}", clean(&item.name), clean(&why));
    }
    eprintln!(
        "pail: {}",
        engine::progress::summary(verb, s, &clean(place))
    );
}

fn new_env(store: &Arc<dyn Store>, settings: &Arc<Settings>, sched: &Scheduler) -> Env {
    let limiter = settings
        .bandwidth_limit
        .map(|r| Arc::new(engine::limit::Limiter::new(r)));
    Env::new(store.clone(), settings.clone(), sched, limiter)
}

/// `pail cp SRC... DST` (and `pail mv` with `remove`). Exit 0 when every
/// item succeeded, 1 otherwise, 2 for a usage error.
pub async fn cp(
    store: Arc<dyn Store>,
    settings: Settings,
    srcs: &[String],
    dst: &str,
    remove: bool,
) -> i32 {
    let settings = Arc::new(settings);
    let sched = Scheduler::new(settings.concurrency);
    let mut ok = true;
    let dst_s3 = s3_parts(dst);
    let (remote, local): (Vec<&String>, Vec<&String>) =
        srcs.iter().partition(|s| s.starts_with("s3://"));
    if !remote.is_empty() && !local.is_empty() {
        eprintln!("pail: sources must be all s3:// or all local paths");
        return 2;
    }
    if remove && (dst_s3.is_none() || !local.is_empty()) {
        eprintln!("pail: mv moves objects within S3 (s3:// to s3://)");
        return 2;
    }
    if !local.is_empty() {
        let Some((bucket, prefix)) = dst_s3 else {
            eprintln!("pail: an upload needs an s3://bucket/prefix/ destination");
            return 2;
        };
        let prefix = if prefix.is_empty() || prefix.ends_with('/') {
            prefix
        } else {
            format!("{prefix}/")
        };
        let env = new_env(&store, &settings, &sched);
        let spec = Spec::Upload {
            paths: local.iter().map(PathBuf::from).collect(),
            bucket: bucket.clone(),
            prefix: prefix.clone(),
            options: engine::UploadOptions::default(),
        };
        let s = run_spec(&env, spec).await;
        report(&env, "Uploaded", &format!("to s3://{bucket}/{prefix}"), &s);
        return if s.phase == Phase::Done { 0 } else { 1 };
    }
    // Group the S3 sources by bucket: one job per source bucket.
    let mut by_bucket: BTreeMap<String, Vec<S3Source>> = BTreeMap::new();
    for s in &remote {
        let Some((b, k)) = s3_parts(s) else {
            eprintln!("pail: {s:?} is not an s3:// URI");
            return 2;
        };
        match source(&*store, &b, &k).await {
            Ok(src) => by_bucket.entry(b).or_default().push(src),
            Err(e) => {
                eprintln!("pail: {}", clean(&e));
                return 1;
            }
        }
    }
    for (bucket, sources) in by_bucket {
        let env = new_env(&store, &settings, &sched);
        let (spec, verb, place) = match &dst_s3 {
            Some((db, dp)) => {
                let dp = if dp.is_empty() || dp.ends_with('/') {
                    dp.clone()
                } else {
                    format!("{dp}/")
                };
                let sources = sources
                    .into_iter()
                    .map(|s| Mapping::into_prefix(s, &dp))
                    .collect();
                let verb = if remove { "Moved" } else { "Copied" };
                (
                    Spec::Copy {
                        bucket: bucket.clone(),
                        sources,
                        dest_bucket: db.clone(),
                        remove_source: remove,
                    },
                    verb,
                    format!("to s3://{db}/{dp}"),
                )
            }
            None => {
                let dest = crate::config::expand_home(std::path::Path::new(dst));
                let sources = sources
                    .into_iter()
                    .map(|s| Mapping::into_prefix(s, ""))
                    .collect();
                (
                    Spec::Download {
                        bucket: bucket.clone(),
                        sources,
                        dest: dest.clone(),
                    },
                    "Downloaded",
                    format!("to {}", dest.display()),
                )
            }
        };
        let s = run_spec(&env, spec).await;
        report(&env, verb, &place, &s);
        ok &= s.phase == Phase::Done;
    }
    if ok { 0 } else { 1 }
}

/// `pail rm [--yes] s3://b/key-or-prefix/...`: plans from a complete
/// listing, shows the plan, and deletes only with `--yes`.
pub async fn rm(store: Arc<dyn Store>, settings: Settings, targets: &[String], yes: bool) -> i32 {
    let settings = Arc::new(settings);
    let sched = Scheduler::new(settings.concurrency);
    let mut ok = true;
    for t in targets {
        let Some((bucket, key)) = s3_parts(t) else {
            eprintln!("pail: {t:?} is not an s3:// URI");
            return 2;
        };
        let src = match source(&*store, &bucket, &key).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("pail: {}", clean(&e));
                return 1;
            }
        };
        let cancel = tokio_util::sync::CancellationToken::new();
        let plan = match engine::plan_delete(&*store, &bucket, &[src], &cancel, |_| {}).await {
            Ok(p) => p,
            Err(e) => {
                eprintln!(
                    "pail: listing s3://{}/{} failed, nothing deleted: {}",
                    clean(&bucket),
                    clean(&key),
                    clean(&e.to_string())
                );
                return 1;
            }
        };
        if !yes {
            eprintln!(
                "pail: would delete {} ({}) under s3://{}/{}; add --yes to delete",
                crate::format::count(plan.keys.len() as u64, "object", "objects"),
                crate::format::human_size(plan.bytes),
                clean(&bucket),
                clean(&key)
            );
            for (k, _) in plan.keys.iter().take(10) {
                eprintln!("  {}", clean(k));
            }
            return 1;
        }
        let env = new_env(&store, &settings, &sched);
        let s = run_spec(
            &env,
            Spec::Delete {
                bucket: bucket.clone(),
                keys: plan.keys,
            },
        )
        .await;
        report(&env, "Deleted", &format!("from s3://{bucket}/{key}"), &s);
        ok &= s.phase == Phase::Done;
    }
    if ok { 0 } else { 1 }
}
