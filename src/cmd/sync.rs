//! `pail sync SRC DST`: a local folder and a prefix, either way, or two
//! prefixes. It plans first (src/plan/sync/: both sides listed in full,
//! every path's action and reason), prints the plan, then runs exactly
//! that plan. `--dry-run` stops after the plan; on a terminal without
//! `--yes` it asks once with the totals; without a terminal it runs, as
//! `aws s3 sync` does. Deletes are the dangerous part: only with
//! `--delete`, never after a failed transfer or an incomplete listing, and
//! a plan that would delete more than `--max-delete` or
//! `--max-delete-percent` (50) of the destination stops unless `--force`.

use super::args::SyncArgs;
use super::ctx::Ctx;
use super::output::{self, FAILED, Mode, OK, Tally, View};
use super::resolve::Place;
use crate::engine::sync::LocalDelete;
use crate::engine::{self, Spec};
use crate::plan::sync::{self, Action, Endpoint, Filters, Options, Plan, Rule, words};
use crate::sanitize::clean;
use std::io::IsTerminal;

fn endpoint(s: &str) -> Result<Endpoint, String> {
    match Place::parse(s)? {
        Place::S3 { bucket, key } => Ok(Endpoint::s3(&bucket, &key)),
        Place::Local(p) => Ok(Endpoint::Local(p.into())),
        Place::Pipe => Err("- cannot be synced: give a folder or s3://bucket/prefix/".into()),
    }
}

/// The filters in the order typed (the last match decides, as the aws
/// CLI's): clap keeps each flag's values in order but not the two flags'
/// order against each other, so it is read back off the command line.
fn filters(a: &SyncArgs) -> Filters {
    let mut rules = Vec::new();
    let mut args = std::env::args().skip(1).peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        let value = match flag.as_str() {
            "--exclude" | "--include" => inline.or_else(|| args.next()),
            _ => continue,
        };
        if let Some(v) = value {
            rules.push(if flag == "--exclude" {
                Rule::Exclude(v)
            } else {
                Rule::Include(v)
            });
        }
    }
    let typed = |r: &Rule| match r {
        Rule::Exclude(v) => a.exclude.contains(v),
        Rule::Include(v) => a.include.contains(v),
    };
    if rules.len() == a.exclude.len() + a.include.len() && rules.iter().all(typed) {
        return Filters(rules);
    }
    // Not from this process's command line (a test driving it): excludes,
    // then includes.
    let mut rules: Vec<Rule> = a.exclude.iter().cloned().map(Rule::Exclude).collect();
    rules.extend(a.include.iter().cloned().map(Rule::Include));
    Filters(rules)
}

fn check(source: &Endpoint, dest: &Endpoint) -> Result<(), String> {
    match (source, dest) {
        (Endpoint::Local(_), Endpoint::Local(_)) => {
            Err("both sides are local: pail syncs to, from or within S3".into())
        }
        _ if source.overlaps(dest) => {
            Err("the two prefixes overlap: one would sync into itself".into())
        }
        (Endpoint::Local(p), _) if !p.is_dir() => Err(format!(
            "{}: no such folder (the source of a sync is a folder)",
            clean(&p.display().to_string())
        )),
        _ => Ok(()),
    }
}

pub async fn run(ctx: &Ctx, a: &SyncArgs) -> i32 {
    let (source, dest) = match (endpoint(&a.source), endpoint(&a.dest)) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) => return ctx.usage(&clean(&format!("source {}: {e}", a.source))),
        (_, Err(e)) => return ctx.usage(&clean(&format!("destination {}: {e}", a.dest))),
    };
    if let Err(e) = check(&source, &dest) {
        return ctx.usage(&e);
    }
    let compare = match a.compare.as_deref().map(sync::Compare::parse) {
        None => sync::Compare::default(),
        Some(Some(c)) => c,
        Some(None) => return ctx.usage("--compare: size-mtime, size-only or checksum"),
    };
    let backup = match backup_prefix(a, &source, &dest) {
        Ok(b) => b,
        Err(e) => return ctx.usage(&e),
    };
    if a.max_delete_percent.is_some_and(|p| p > 100) {
        return ctx.usage("--max-delete-percent: 0 to 100");
    }
    let opts = Options {
        compare,
        delete: a.delete,
        filters: filters(a),
        follow_symlinks: a.follow_symlinks || ctx.settings.follow_symlinks,
        case_insensitive: ctx.settings.case_insensitive,
        width: (ctx.settings.concurrency / 2).clamp(1, 16),
        record: sync::record(&*ctx.store, &source, &dest),
    };
    let env = ctx.env();
    let planning = sync::plan(&*ctx.store, &source, &dest, &opts, &env.cancel);
    ctx.out.progress("planning: listing both sides…");
    let planned = ctx.signals.unless_signalled(planning).await;
    ctx.out.clear_progress();
    let plan = match planned {
        None => return ctx.signals.exit_code().unwrap_or(FAILED),
        Some(Err(e)) if e.kind == crate::store::ErrorKind::Cancelled => {
            return ctx.signals.exit_code().unwrap_or(FAILED);
        }
        Some(Err(e)) => {
            let doing = "cannot plan the sync: nothing was changed";
            ctx.out.explain(doing, &e).await;
            return FAILED;
        }
        Some(Ok(p)) => p,
    };
    show(ctx, &plan, a.show_skips);
    if let Some(stop) = too_many_deletes(&plan, a) {
        ctx.out.error(&stop);
        return FAILED;
    }
    versioned_note(ctx, &plan).await;
    if plan.is_noop() {
        let conflicts = plan.total(Action::Conflict).count;
        if conflicts == 0 {
            ctx.out
                .note("Nothing to do: the destination already matches");
            return OK;
        }
        ctx.out.note(&format!(
            "Nothing to do but {} left alone (the ! rows): change one side, or settle them with d in the TUI's plan view",
            crate::format::count(conflicts, "conflict", "conflicts")
        ));
        return FAILED;
    }
    if a.dry_run {
        ctx.out.note("Dry run: nothing was changed");
        return OK;
    }
    if !a.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        match ask(ctx, &plan).await {
            Some(true) => {}
            Some(false) => {
                ctx.out.note("Nothing was changed");
                return OK;
            }
            None => return ctx.signals.exit_code().unwrap_or(FAILED),
        }
    }
    let local_deletes = plan.dest.is_local() && plan.total(Action::Delete).count > 0;
    let local = match (&plan.trash, a.delete_local) {
        (Some(_), _) => LocalDelete::Trash,
        (None, true) => LocalDelete::Remove,
        (None, false) => LocalDelete::Hold,
    };
    match (&plan.trash, local_deletes, local) {
        (Some(t), true, _) => ctx.out.note(&format!("Local deletes go to {}", clean(t))),
        (None, true, LocalDelete::Hold) => ctx.out.note(
            "There is no trash here: local files are deleted only with --delete-local; \
             the deletes will be held back",
        ),
        _ => {}
    }
    let view = View {
        verb: "Synced",
        place: format!(
            "{} into {}",
            clean(&plan.source.describe()),
            clean(&plan.dest.describe())
        ),
        bucket: None,
        summary: true,
        dest: Box::new(|_| None),
    };
    let mut job = plan.job(local);
    job.backup = backup;
    let s = output::watch(
        &ctx.out,
        &env,
        &view,
        engine::run(&env, Spec::Sync(Box::new(job))),
    )
    .await;
    let mut tally = Tally::default();
    tally.add(&s);
    let conflicts = plan.total(Action::Conflict).count;
    if conflicts > 0 {
        ctx.out.note(&format!(
            "{} not synced (see ! rows above)",
            crate::format::count(conflicts, "conflict was", "conflicts were")
        ));
    }
    let code = ctx.finish("Synced", &tally);
    if code == OK && conflicts > 0 {
        FAILED
    } else {
        code
    }
}

/// `--backup-prefix`: a key prefix of the destination bucket, outside
/// both synced prefixes (else the next sync would sync or delete the
/// backups).
fn backup_prefix(
    a: &SyncArgs,
    source: &Endpoint,
    dest: &Endpoint,
) -> Result<Option<String>, String> {
    let Some(typed) = &a.backup_prefix else {
        return Ok(None);
    };
    let Endpoint::S3 { bucket, prefix } = dest else {
        return Err(
            "--backup-prefix keeps replaced and deleted objects of an s3:// destination".into(),
        );
    };
    let mut p = typed.trim_start_matches('/').to_owned();
    if p.is_empty() {
        return Err("--backup-prefix: give a key prefix, e.g. .backup/2026-12-07/".into());
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    let inside = |outer: &str| p.starts_with(outer) || outer.starts_with(p.as_str());
    let in_source =
        matches!(source, Endpoint::S3 { bucket: b, prefix: sp } if b == bucket && inside(sp));
    if inside(prefix) || in_source {
        return Err(format!(
            "--backup-prefix {}: inside what is synced; the next sync would sync or delete the backups",
            clean(&p)
        ));
    }
    Ok(Some(p))
}

/// The plan: rows that do something on stdout (every row with
/// `--show-skips`), the totals on stderr; `--json`: one object.
fn show(ctx: &Ctx, plan: &Plan, skips: bool) {
    if ctx.out.mode == Mode::Json {
        ctx.out
            .stdout_line(&serde_json::json!({ "plan": words::json(plan) }).to_string());
    } else if ctx.out.mode != Mode::Quiet {
        for r in plan
            .rows
            .iter()
            .filter(|r| skips || r.action != Action::Skip)
        {
            ctx.out.stdout_line(&words::row_line(r));
        }
    }
    ctx.out.note(&format!(
        "Plan: {} → {} (compare {}{}): {}",
        clean(&plan.source.describe()),
        clean(&plan.dest.describe()),
        plan.compare.name(),
        if plan.delete { ", --delete" } else { "" },
        words::totals_line(plan)
    ));
    if let Some(why) = &plan.incomplete
        && plan.total(Action::Delete).count > 0
    {
        ctx.out.note(&format!(
            "A listing was not complete ({}): no delete will run",
            clean(why)
        ));
    }
}

/// Why the plan must not run as it is, by `--max-delete` and
/// `--max-delete-percent` (unless `--force`).
fn too_many_deletes(plan: &Plan, a: &SyncArgs) -> Option<String> {
    let n = plan.total(Action::Delete).count;
    if a.force || n == 0 {
        return None;
    }
    if let Some(max) = a.max_delete
        && n > max
    {
        return Some(format!(
            "the plan deletes {n} files, more than --max-delete {max}: nothing was changed \
             (check the plan above; --force runs it)"
        ));
    }
    let pct = a.max_delete_percent.unwrap_or(50);
    let share = plan.delete_share();
    if share > pct {
        return Some(format!(
            "the plan deletes {n} of {} files at the destination ({share}%), more than \
             --max-delete-percent {pct}: nothing was changed (check the plan above; --force runs it)",
            plan.dest_files
        ));
    }
    None
}

/// On a destination that keeps versions, what a delete or replace leaves
/// and how to undo it.
async fn versioned_note(ctx: &Ctx, plan: &Plan) {
    let Endpoint::S3 { bucket, prefix } = &plan.dest else {
        return;
    };
    let writes = plan.rows.iter().any(|r| {
        !r.excluded && (r.action == Action::Delete || (r.action.sends() && r.dest.is_some()))
    });
    if !writes {
        return;
    }
    let Ok(info) = ctx.store.bucket_info(bucket).await else {
        return;
    };
    if info.versioning.as_ref().is_ok_and(|v| v.keeps_versions()) {
        let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC");
        ctx.out.note(&format!(
            "s3://{}/{} keeps versions: deletes become delete markers and replaced objects stay \
             as older versions. To undo this sync, roll the prefix back to {now} (v on the prefix in \
             pail, then that moment)",
            clean(bucket),
            clean(prefix)
        ));
    }
}

/// Asks once on the terminal; `None` if a signal came first.
async fn ask(ctx: &Ctx, plan: &Plan) -> Option<bool> {
    use std::io::Write;
    let mut err = std::io::stderr();
    let _ = write!(err, "Run this plan ({})? [y/N] ", words::totals_line(plan));
    let _ = err.flush();
    let read = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    });
    let answer = ctx.signals.unless_signalled(read).await?;
    let line = answer.ok()?.ok()?;
    Some(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}
