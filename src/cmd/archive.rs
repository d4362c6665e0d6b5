//! `pail restore` and `pail storage-class`: archived objects made readable
//! again, and objects moved between storage classes by a copy in place.
//! Both plan first from a complete listing (a listing error changes
//! nothing), print the plan (counts, bytes, the class's minimum charges,
//! what is left out and why), and act only with `--yes`, as `pail rm`.

use super::ctx::Ctx;
use super::output::{self, FAILED, OK, Tally, USAGE, View};
use crate::engine::{self, Spec};
use crate::format::human_size;
use crate::plan::archive::{self, CLASSES, minimums};
use crate::sanitize::clean;
use crate::store::archive::Tier;

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
        archive::plan_restore(&*ctx.store, &bucket, std::slice::from_ref(&key)),
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
    let view = View {
        verb: "Requested",
        place: format!("for restore in s3://{}/{}", clean(&bucket), clean(&key)),
        bucket: Some(bucket.clone()),
        summary: true,
        dest: Box::new(|_| None),
    };
    let code = run(ctx, &view, plan.spec(days, tier)).await;
    ctx.out
        .note("HeadObject (the inspector, i) shows when each restored copy is ready.");
    code
}

/// Runs `spec` as any job, items reported as they end; the exit status.
async fn run(ctx: &Ctx, view: &View, spec: Spec) -> i32 {
    let env = ctx.env();
    let s = output::watch(&ctx.out, &env, view, engine::run(&env, spec)).await;
    let mut tally = Tally::default();
    tally.add(&s);
    ctx.finish(view.verb, &tally)
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
        archive::plan_class(&*ctx.store, &bucket, std::slice::from_ref(&key), &to),
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
    if plan.restored > 0 {
        notes.push(format!(
            "{} archived with a restored copy, included (the copy is a readable object in {to})",
            count(plan.restored)
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
    let view = View {
        verb: "Changed",
        place: format!("to {to}"),
        bucket: Some(bucket.clone()),
        summary: true,
        dest: Box::new(|_| None),
    };
    let spec = Spec::ChangeClass {
        bucket,
        objects: plan.objects,
        to,
    };
    run(ctx, &view, spec).await
}
