//! `pail restore` and `pail storage-class`: archived objects made readable
//! again, and objects moved between storage classes by a copy in place.
//! Both plan first from a complete listing (a listing error changes
//! nothing), print the plan (counts, bytes, the class's minimum charges,
//! what is left out and why), and act only with `--yes`, as `pail rm`.

use super::ctx::Ctx;
use super::output::{FAILED, OK, USAGE};
use crate::format::human_size;
use crate::plan::archive::{self, CLASSES, minimums};
use crate::sanitize::clean;
use crate::store::archive::{Restore, Tier};
use futures::StreamExt;

fn target(ctx: &Ctx, t: &str) -> Option<(String, String)> {
    match super::target::parse_target(t) {
        Ok(bt) => Some(bt),
        Err(e) => {
            ctx.out.error(&clean(&e));
            None
        }
    }
}

/// A plan, or the exit status when listing for it failed (explained:
/// nothing was `done`) or a signal stopped it.
async fn planned<P>(
    ctx: &Ctx,
    plan: impl std::future::Future<Output = crate::store::StoreResult<P>>,
    bucket: &str,
    key: &str,
    done: &str,
) -> Result<P, i32> {
    match ctx.signals.unless_signalled(plan).await {
        None => Err(ctx.signals.exit_code().unwrap_or(FAILED)),
        Some(Err(e)) => {
            let doing = format!(
                "cannot list s3://{}/{}: nothing was {done}",
                clean(bucket),
                clean(key)
            );
            ctx.out.explain(&doing, &e).await;
            Err(FAILED)
        }
        Some(Ok(p)) => Ok(p),
    }
}

fn count(n: u64) -> String {
    crate::format::count(n, "object", "objects")
}

pub async fn restore(ctx: &Ctx, t: &str, days: i32, tier: Option<&str>, yes: bool) -> i32 {
    let Some((bucket, key)) = target(ctx, t) else {
        return USAGE;
    };
    let tier = match tier.map(Tier::parse) {
        None => Tier::Standard,
        Some(Some(t)) => t,
        Some(None) => return ctx.usage("--tier: expedited, standard or bulk"),
    };
    if !(1..=36500).contains(&days) {
        return ctx.usage("--days: how long the restored copy stays, 1 or more");
    }
    let plan = match planned(
        ctx,
        archive::plan_restore(&*ctx.store, &bucket, &key),
        &bucket,
        &key,
        "requested",
    )
    .await
    {
        Ok(p) => p,
        Err(code) => return code,
    };
    let classes = plan.classes();
    if tier == Tier::Expedited && classes.iter().any(|(c, _)| c == "DEEP_ARCHIVE") {
        return ctx.usage(
            "--tier expedited: DEEP_ARCHIVE has no Expedited retrieval; use standard or bulk",
        );
    }
    for o in &plan.objects {
        ctx.out.stdout_line(&format!(
            "restore\t{}\t{}\ts3://{}/{}",
            o.storage_class.as_deref().unwrap_or(""),
            o.size,
            clean(&bucket),
            clean(&o.key)
        ));
    }
    let waits: Vec<String> = classes
        .iter()
        .map(|(c, n)| {
            format!(
                "{} in {c} ready {}",
                count(*n),
                tier.wait(c).unwrap_or("when S3 says")
            )
        })
        .collect();
    let verb = if yes { "Requesting" } else { "Would request" };
    ctx.out.note(&format!(
        "{verb} a {} restore of {} ({}) for {days} days{}{}",
        tier.as_str(),
        count(plan.objects.len() as u64),
        human_size(plan.bytes),
        if waits.is_empty() {
            String::new()
        } else {
            format!(": {}", waits.join("; "))
        },
        if plan.readable > 0 {
            format!(
                "; {} left out (not archived: they read as they are)",
                count(plan.readable)
            )
        } else {
            String::new()
        }
    ));
    if plan.objects.is_empty() {
        ctx.out.note("Nothing to restore");
        return OK;
    }
    if !yes {
        ctx.out.note("Nothing requested: add --yes to request it");
        return OK;
    }
    let answers = ctx
        .signals
        .unless_signalled(archive::run_restore(&*ctx.store, &plan, days, tier, 16))
        .await;
    let Some(answers) = answers else {
        return ctx.signals.exit_code().unwrap_or(FAILED);
    };
    let (mut asked, mut already, mut failed) = (0u64, 0u64, 0u64);
    for (key, a) in answers {
        match a {
            Ok(Restore::Requested) => asked += 1,
            Ok(Restore::AlreadyInProgress) => already += 1,
            Err(e) => {
                failed += 1;
                ctx.out.error(&format!(
                    "s3://{}/{}: {}",
                    clean(&bucket),
                    clean(&key),
                    crate::diagnose::short(&e)
                ));
            }
        }
    }
    ctx.out.note(&format!(
        "Requested {}; {} already being restored; {} failed. HeadObject (the inspector) shows when each is ready.",
        count(asked),
        count(already),
        count(failed)
    ));
    if failed > 0 { FAILED } else { OK }
}

pub async fn storage_class(ctx: &Ctx, t: &str, to: &str, yes: bool) -> i32 {
    let Some((bucket, key)) = target(ctx, t) else {
        return USAGE;
    };
    let to = to.to_ascii_uppercase();
    if !CLASSES.contains(&to.as_str()) {
        return ctx.usage(&format!("--to: one of {}", CLASSES.join(", ")));
    }
    let plan = match planned(
        ctx,
        archive::plan_class(&*ctx.store, &bucket, &key, &to),
        &bucket,
        &key,
        "changed",
    )
    .await
    {
        Ok(p) => p,
        Err(code) => return code,
    };
    for o in &plan.objects {
        ctx.out.stdout_line(&format!(
            "{}\t->\t{to}\t{}\ts3://{}/{}",
            o.storage_class.as_deref().unwrap_or("STANDARD"),
            o.size,
            clean(&bucket),
            clean(&o.key)
        ));
    }
    let (days, min_bytes) = minimums(&to);
    let mut notes = Vec::new();
    if days > 0 {
        notes.push(format!(
            "{to} bills each object for at least {days} days, even if deleted or moved sooner"
        ));
    }
    if plan.small > 0 {
        notes.push(format!(
            "{} smaller than {} billed as {}",
            count(plan.small),
            human_size(min_bytes),
            human_size(min_bytes)
        ));
    }
    if plan.same > 0 {
        notes.push(format!("{} already in {to}", count(plan.same)));
    }
    if !plan.archived.is_empty() {
        notes.push(format!(
            "{} archived, left out (restore them first: pail restore)",
            count(plan.archived.len() as u64)
        ));
    }
    let verb = if yes { "Changing" } else { "Would change" };
    ctx.out.note(&format!(
        "{verb} {} ({}) to {to}, each copied onto itself with its metadata and tags{}",
        count(plan.objects.len() as u64),
        human_size(plan.bytes),
        if notes.is_empty() {
            String::new()
        } else {
            format!("; {}", notes.join("; "))
        }
    ));
    if plan.objects.is_empty() {
        return OK;
    }
    if !yes {
        ctx.out.note("Nothing changed: add --yes to change them");
        return OK;
    }
    let env = ctx.env();
    let concurrency = ctx.settings.concurrency.max(1);
    let results: Vec<(String, Result<(), String>)> = futures::stream::iter(plan.objects.iter())
        .map(|o| {
            let env = env.clone();
            let (bucket, to) = (bucket.clone(), to.clone());
            async move {
                (
                    o.key.clone(),
                    crate::engine::change_class(&env, &bucket, o, &to).await,
                )
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let mut failed = 0u64;
    for (k, r) in &results {
        if let Err(why) = r {
            failed += 1;
            ctx.out.error(&format!(
                "s3://{}/{}: {}",
                clean(&bucket),
                clean(k),
                clean(why)
            ));
        }
    }
    ctx.out.note(&format!(
        "Changed {}; {} failed",
        count(results.len() as u64 - failed),
        count(failed)
    ));
    if let Some(code) = ctx.signals.exit_code() {
        return code;
    }
    if failed > 0 { FAILED } else { OK }
}
