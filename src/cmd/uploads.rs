//! `pail uploads ls` and `pail uploads abort`: the multipart uploads under a
//! prefix that were started and never completed or aborted. Their parts
//! cost storage and show in no object listing, so a killed tool's leftovers
//! go unnoticed; these list them with what each holds, and abort them the
//! way `pail rm` deletes: the plan first, exactly that plan with `--yes`.

use super::ctx::Ctx;
use super::output::{self, Mode, Tally, USAGE, View};
use super::resolve::Place;
use crate::engine::uploads::{OpenRow, list_open, totals};
use crate::engine::{self, Spec};
use crate::format::{human_size, short_time};
use crate::sanitize::{clean, json_string};

pub async fn ls(ctx: &Ctx, target: &str) -> i32 {
    let Some((bucket, prefix)) = parse(ctx, target) else {
        return USAGE;
    };
    let Some(rows) = listed(ctx, &bucket, &prefix).await else {
        return output::FAILED;
    };
    show(ctx, &bucket, &rows);
    if ctx.out.mode == Mode::Human {
        ctx.out.note(&format!(
            "{} under s3://{}/{}",
            totals(&rows),
            clean(&bucket),
            clean(&prefix)
        ));
    }
    output::OK
}

pub async fn abort(ctx: &Ctx, target: &str, ids: &[String], yes: bool) -> i32 {
    let Some((bucket, prefix)) = parse(ctx, target) else {
        return USAGE;
    };
    let Some(mut rows) = listed(ctx, &bucket, &prefix).await else {
        return output::FAILED;
    };
    let mut tally = Tally::default();
    if !ids.is_empty() {
        for id in ids {
            if !rows.iter().any(|r| r.upload.upload_id == *id) {
                tally.missing += 1;
                ctx.out.missing(
                    id,
                    &format!(
                        "no open upload with this id under s3://{}/{}",
                        clean(&bucket),
                        clean(&prefix)
                    ),
                );
            }
        }
        rows.retain(|r| ids.contains(&r.upload.upload_id));
    }
    let verb = if yes { "Aborted" } else { "Would abort" };
    show(ctx, &bucket, &rows);
    if ctx.out.mode == Mode::Human {
        let what = if rows.is_empty() {
            "nothing to abort".to_owned()
        } else {
            totals(&rows)
        };
        let tail = if yes || rows.is_empty() {
            ""
        } else {
            "; add --yes to abort them"
        };
        ctx.out.note(&format!(
            "{verb}: {what} under s3://{}/{}{tail}",
            clean(&bucket),
            clean(&prefix)
        ));
    }
    if !yes || rows.is_empty() {
        return ctx.finish(verb, &tally);
    }
    let env = ctx.env();
    let view = View {
        verb: "Aborted",
        place: format!("in s3://{}", clean(&bucket)),
        bucket: Some(bucket.clone()),
        summary: true,
        dest: Box::new(|_| None),
    };
    let uploads = rows
        .into_iter()
        .map(|r| (r.upload.key, r.upload.upload_id))
        .collect();
    let spec = Spec::AbortUploads { bucket, uploads };
    let s = output::watch(&ctx.out, &env, &view, engine::run(&env, spec)).await;
    tally.add(&s);
    ctx.finish(verb, &tally)
}

fn parse(ctx: &Ctx, target: &str) -> Option<(String, String)> {
    match Place::parse(target) {
        Ok(Place::S3 { bucket, key }) => Some((bucket, key)),
        _ => {
            ctx.out.error(&format!(
                "{}: not an s3:// URI (s3://bucket or s3://bucket/prefix/)",
                clean(target)
            ));
            None
        }
    }
}

async fn listed(ctx: &Ctx, bucket: &str, prefix: &str) -> Option<Vec<OpenRow>> {
    let listing = list_open(&*ctx.store, bucket, prefix);
    match ctx.signals.unless_signalled(listing).await {
        None => None,
        Some(Ok(rows)) => Some(rows),
        Some(Err(e)) => {
            let doing = format!(
                "cannot list the open uploads of s3://{}/{}",
                clean(bucket),
                clean(prefix)
            );
            ctx.out.explain(&doing, &e).await;
            None
        }
    }
}

/// The rows: a table for people, a JSON line each for scripts.
fn show(ctx: &Ctx, bucket: &str, rows: &[OpenRow]) {
    let tz = crate::format::Zone::Local;
    for r in rows {
        let u = &r.upload;
        match ctx.out.mode {
            Mode::Quiet => {}
            Mode::Json => {
                let (parts, bytes) = match &r.parts {
                    Ok(p) => (p.parts.to_string(), p.bytes.to_string()),
                    Err(_) => ("null".into(), "null".into()),
                };
                let opt = |s: Option<&str>| s.map(json_string).unwrap_or_else(|| "null".into());
                ctx.out.stdout_line(&format!(
                    "{{\"type\":\"upload\",\"name\":{},\"upload_id\":{},\"initiated\":{},\"initiator\":{},\"parts\":{parts},\"bytes\":{bytes}}}",
                    json_string(&format!("s3://{bucket}/{}", u.key)),
                    json_string(&u.upload_id),
                    u.initiated.map(|t| t.to_string()).unwrap_or_else(|| "null".into()),
                    opt(u.initiator.as_deref()),
                ));
            }
            Mode::Human => {
                let when = u
                    .initiated
                    .map(|t| short_time(t, tz))
                    .unwrap_or_else(|| "?".into());
                let held = match &r.parts {
                    Ok(p) => format!("{:>5} parts {:>10}", p.parts, human_size(p.bytes)),
                    Err(e) => format!("parts unknown ({})", clean(e)),
                };
                let who = u
                    .initiator
                    .as_deref()
                    .map(|w| format!("  by {}", clean(w)))
                    .unwrap_or_default();
                ctx.out.stdout_line(&format!(
                    "{when}  {held}  s3://{}/{}  {}{who}",
                    clean(bucket),
                    clean(&u.key),
                    clean(&u.upload_id)
                ));
            }
        }
    }
}
