//! `pail rm`: every target is listed first and the whole plan is shown
//! (the first keys of each target, counts, bytes, and what a delete means
//! on a versioned bucket). Without `--yes` that is all it does; with it,
//! exactly the planned keys are deleted, nothing that appeared since. A
//! whole bucket needs `--recursive` too, or its name typed on a terminal:
//! `pail rm --yes s3://bucket` is one slip away from `s3://bucket/tmp/`.

use super::ctx::Ctx;
use super::output::{self, Mode, Tally, USAGE, View};
use super::resolve::{self, Place, nothing_there};
use crate::engine::{self, Spec};
use crate::format::{count, human_size};
use crate::plan::{self, DeletePlan};
use crate::sanitize::{clean, json_string};
use crate::store::Versioning;
use std::io::IsTerminal;

/// Keys shown for each target before "… and N more".
const SHOWN: usize = 10;

/// One target's part of the plan.
struct Target {
    uri: String,
    plan: DeletePlan,
}

pub async fn run(ctx: &Ctx, targets: &[String], yes: bool, recursive: bool) -> i32 {
    let mut parsed = Vec::new();
    for t in targets {
        match Place::parse(t) {
            Ok(Place::S3 { bucket, key }) => parsed.push((bucket, key)),
            _ => return ctx.usage(&format!("{}: not an s3:// URI", clean(t))),
        }
    }
    let whole: Vec<&String> = parsed
        .iter()
        .filter(|(_, k)| k.is_empty())
        .map(|(b, _)| b)
        .collect();
    let typed_confirmation = yes && !recursive && !whole.is_empty();
    if typed_confirmation && (!std::io::stdin().is_terminal() || whole.len() > 1) {
        return ctx.usage(&format!(
            "s3://{} is a whole bucket: add --recursive to delete everything in it",
            clean(whole[0])
        ));
    }
    let mut tally = Tally::default();
    let verb = if yes { "Deleted" } else { "Would delete" };
    let mut planned: Vec<Target> = Vec::new();
    for (bucket, key) in &parsed {
        let uri = format!("s3://{bucket}/{key}");
        let found = ctx
            .signals
            .unless_signalled(resolve::s3_source(&*ctx.store, bucket, key))
            .await;
        let src = match found {
            None => return ctx.finish(verb, &tally),
            Some(Ok(Some(src))) => src,
            Some(Ok(None)) => {
                tally.missing += 1;
                ctx.out.missing(&uri, &nothing_there(key));
                continue;
            }
            Some(Err(e)) => {
                let doing = format!("cannot read {}", clean(&uri));
                ctx.out.explain(&doing, &e).await;
                tally.failed += 1;
                return ctx.finish(verb, &tally);
            }
        };
        let listing = plan::plan_delete(
            &*ctx.store,
            bucket,
            std::slice::from_ref(&src),
            ctx.signals.token(),
            |_| {},
        );
        let plan = match ctx.signals.unless_signalled(listing).await {
            None => return ctx.finish(verb, &tally),
            Some(Ok(plan)) => plan,
            Some(Err(e)) => {
                let doing = format!("listing {} failed, nothing deleted", clean(&uri));
                ctx.out.explain(&doing, &e).await;
                tally.failed += 1;
                return ctx.finish(verb, &tally);
            }
        };
        if plan.keys.is_empty() {
            // Emptied between the look and the listing.
            tally.missing += 1;
            ctx.out.missing(&uri, &nothing_there(key));
            continue;
        }
        planned.push(Target { uri, plan });
    }
    let versioned = versioned_buckets(ctx, &planned).await;
    show_plan(ctx, &planned, &versioned, yes);
    if !yes || planned.is_empty() {
        return ctx.finish(verb, &tally);
    }
    if typed_confirmation {
        match confirm(ctx, whole[0], &planned).await {
            Some(true) => {}
            Some(false) => {
                ctx.out.error("not confirmed: nothing deleted");
                return USAGE;
            }
            None => return ctx.finish(verb, &tally),
        }
    }
    for (bucket, keys) in by_bucket(planned) {
        if ctx.signals.exit_code().is_some() {
            break;
        }
        let env = ctx.env();
        let view = View {
            verb: "Deleted",
            place: format!("from s3://{}", clean(&bucket)),
            bucket: Some(bucket.clone()),
            summary: true,
            dest: Box::new(|_| None),
        };
        let spec = Spec::Delete { bucket, keys };
        let s = output::watch(&ctx.out, &env, &view, engine::run(&env, spec)).await;
        tally.add(&s);
    }
    ctx.finish(verb, &tally)
}

/// The planned keys per bucket, each key once, in plan order.
fn by_bucket(planned: Vec<Target>) -> Vec<(String, Vec<(String, u64)>)> {
    let mut out: Vec<(String, Vec<(String, u64)>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in planned {
        let b = t.plan.bucket;
        for (k, size) in t.plan.keys {
            if !seen.insert((b.clone(), k.clone())) {
                continue;
            }
            match out.iter_mut().find(|(ob, _)| *ob == b) {
                Some((_, keys)) => keys.push((k, size)),
                None => out.push((b.clone(), vec![(k, size)])),
            }
        }
    }
    out
}

/// Buckets of the plan where a delete adds delete markers (versioning
/// enabled or suspended), or whose versioning could not be read (said so).
/// A bucket's versioning, or why it could not be read.
type VersionState = Option<Result<Versioning, String>>;

async fn versioned_buckets(ctx: &Ctx, planned: &[Target]) -> Vec<(String, VersionState)> {
    let mut out: Vec<(String, VersionState)> = Vec::new();
    for t in planned {
        let b = &t.plan.bucket;
        if out.iter().any(|(ob, _)| ob == b) {
            continue;
        }
        let state = match ctx.store.bucket_info(b).await {
            Ok(info) => match info.versioning {
                Ok(v) if v.keeps_versions() => Some(Ok(v)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            },
            Err(e) => Some(Err(e.to_string())),
        };
        out.push((b.clone(), state));
    }
    out
}

fn show_plan(ctx: &Ctx, planned: &[Target], versioned: &[(String, VersionState)], yes: bool) {
    let out = &ctx.out;
    match out.mode {
        Mode::Quiet => return,
        Mode::Json => {
            for t in planned {
                for (k, size) in &t.plan.keys {
                    out.stdout_line(&format!(
                        "{{\"type\":\"plan\",\"name\":{},\"bytes\":{size}}}",
                        json_string(&format!("s3://{}/{k}", t.plan.bucket))
                    ));
                }
            }
            for (b, state) in versioned {
                let state = match state {
                    Some(Ok(v)) => v.to_string(),
                    Some(Err(e)) => format!("unknown ({e})"),
                    None => continue,
                };
                out.stdout_line(&format!(
                    "{{\"type\":\"versioning\",\"bucket\":{},\"state\":{}}}",
                    json_string(b),
                    json_string(&state)
                ));
            }
            return;
        }
        Mode::Human => {}
    }
    let (mut objects, mut bytes) = (0u64, 0u64);
    for t in planned {
        let n = t.plan.keys.len() as u64;
        objects += n;
        bytes += t.plan.bytes;
        out.stdout_line(&format!(
            "{}: {} ({})",
            clean(&t.uri),
            count(n, "object", "objects"),
            human_size(t.plan.bytes)
        ));
        for (k, _) in t.plan.keys.iter().take(SHOWN) {
            out.stdout_line(&format!("  {}", clean(k)));
        }
        if t.plan.keys.len() > SHOWN {
            out.stdout_line(&format!("  … and {} more", t.plan.keys.len() - SHOWN));
        }
    }
    if planned.len() > 1 {
        out.stdout_line(&format!(
            "In all: {} ({}) in {} targets",
            count(objects, "object", "objects"),
            human_size(bytes),
            planned.len()
        ));
    }
    for (b, state) in versioned {
        match state {
            Some(Err(e)) => out.stdout_line(&format!(
                "s3://{}: versioning unknown ({}): if it is on, deleting adds delete markers and keeps every version",
                clean(b),
                clean(e)
            )),
            Some(Ok(v)) => out.stdout_line(&format!(
                "s3://{} is versioned ({}): deleting adds a delete marker to each key; every version stays (and is still billed) and can be undeleted",
                clean(b),
                v.to_string().to_lowercase()
            )),
            None => {}
        }
    }
    if !yes && !planned.is_empty() {
        out.stdout_line("Nothing deleted: run again with --yes to delete these keys.");
    }
}

/// Asks for the bucket's name on the terminal; `None` on a signal.
async fn confirm(ctx: &Ctx, bucket: &str, planned: &[Target]) -> Option<bool> {
    let n: usize = planned
        .iter()
        .filter(|t| t.plan.bucket == bucket)
        .map(|t| t.plan.keys.len())
        .sum();
    eprint!(
        "pail: this deletes every object in s3://{} ({}). Type the bucket's name to go on: ",
        clean(bucket),
        count(n as u64, "object", "objects")
    );
    let read = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    });
    let line = ctx.signals.unless_signalled(read).await?;
    Some(matches!(line, Ok(Ok(l)) if l.trim_end_matches(['\n', '\r']) == bucket))
}
