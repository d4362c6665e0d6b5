//! `pail ls`, as `aws s3 ls`: the buckets; one level of a prefix (`PRE`
//! for its common prefixes); or with `--recursive` every key under it,
//! walked (src/walk/: several listings side by side, in key order), and
//! with `--summarize` the totals after them. The lines are the aws CLI's
//! (local date and time, size right-aligned, key), so scripts written for
//! it read them; keys are escaped (control characters, bidi, backslash).

use super::ctx::Ctx;
use super::output::{FAILED, OK};
use crate::sanitize::clean;
use crate::store::ListRequest;
use crate::walk::{Walk, WalkOptions};
use std::io::Write;

/// "2026-12-06 14:03:11", local time, as the aws CLI prints it.
fn when(secs: Option<i64>) -> String {
    use chrono::{Local, TimeZone};
    secs.and_then(|s| Local.timestamp_opt(s, 0).single())
        .map_or_else(
            || " ".repeat(19),
            |t| t.format("%Y-%m-%d %H:%M:%S").to_string(),
        )
}

fn line(modified: Option<i64>, size: u64, name: &str) -> String {
    format!("{} {size:>10} {}", when(modified), clean(name))
}

pub async fn run(ctx: &Ctx, target: Option<&str>, recursive: bool, summarize: bool) -> i32 {
    let Some(target) = target else {
        return buckets(ctx).await;
    };
    let (bucket, prefix) = match super::target::parse_target(target) {
        Ok(bp) => bp,
        Err(e) => return ctx.usage(&clean(&e)),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut objects, mut bytes) = (0u64, 0u64);
    let listed = if recursive {
        let width = ctx.settings.concurrency.clamp(1, 32);
        let mut walk = Walk::new(&*ctx.store, &bucket, &prefix, WalkOptions { width });
        let mut failed = None;
        while let Some(batch) = ctx.signals.unless_signalled(walk.next()).await {
            match batch {
                None => break,
                Some(Err(e)) => {
                    failed = Some(e);
                    break;
                }
                Some(Ok(batch)) => {
                    for o in batch {
                        objects += 1;
                        bytes += o.size;
                        if writeln!(out, "{}", line(o.modified, o.size, &o.key)).is_err() {
                            return FAILED;
                        }
                    }
                }
            }
        }
        failed
    } else {
        // One level: from the last `/` of what was typed, as the aws CLI.
        let level = ListRequest::level(&bucket, &prefix, 1000);
        let mut pages = crate::store::pages(&*ctx.store, level);
        let mut failed = None;
        while let Some(page) = ctx.signals.unless_signalled(pages.next()).await {
            match page {
                None => break,
                Some(Err(e)) => {
                    failed = Some(e);
                    break;
                }
                Some(Ok(page)) => {
                    let cut = prefix.rfind('/').map_or(0, |i| i + 1);
                    for p in &page.prefixes {
                        let _ = writeln!(out, "{:>30} {}", "PRE", clean(&p[cut.min(p.len())..]));
                    }
                    for o in &page.objects {
                        objects += 1;
                        bytes += o.size;
                        let name = &o.key[cut.min(o.key.len())..];
                        let _ = writeln!(out, "{}", line(o.modified, o.size, name));
                    }
                }
            }
        }
        failed
    };
    if let Some(code) = ctx.signals.exit_code() {
        let _ = out.flush();
        return code;
    }
    if let Some(e) = listed {
        let _ = out.flush();
        drop(out);
        let doing = format!("cannot list s3://{}/{}", clean(&bucket), clean(&prefix));
        ctx.out.explain(&doing, &e).await;
        return FAILED;
    }
    if summarize {
        let _ = write!(out, "\nTotal Objects: {objects}\n   Total Size: {bytes}\n");
    }
    if out.flush().is_err() {
        return FAILED;
    }
    OK
}

async fn buckets(ctx: &Ctx) -> i32 {
    match ctx.store.list_buckets().await {
        Ok(list) => {
            let mut text = String::new();
            for b in list {
                text.push_str(&format!("{} {}\n", when(b.created), clean(&b.name)));
            }
            if super::output::print(&text) {
                OK
            } else {
                FAILED
            }
        }
        Err(e) => {
            ctx.out.explain("cannot list the buckets", &e).await;
            FAILED
        }
    }
}
