//! `pail cp` and `pail mv`: what the typed paths mean (as `aws s3 cp` and
//! `cp(1)`), refused before anything moves when they make no sense, then
//! one engine job per source bucket (or one stream for `-`).
//!
//! One object or file to a destination that does not end in `/` and is
//! not an existing local folder is written as that name; a folder, a
//! prefix ending in `/` or a bucket gets each source inside it under its
//! own name; several sources need such a destination.

use super::ctx::Ctx;
use super::output::{self, DestOf, Tally, View};
use super::resolve::{self, LocalSource, Place, is_into, nothing_there};
use crate::engine::{self, Mapping, S3Source, Snapshot, Spec};
use crate::sanitize::clean;
use std::path::{Path, PathBuf};

/// What one job does.
enum Work {
    Spec(Spec),
    /// An object to stdout.
    ToStdout {
        bucket: String,
        obj: crate::store::ObjectSummary,
    },
    /// Stdin to a key.
    FromStdin {
        bucket: String,
        key: String,
    },
}

async fn run_job(ctx: &Ctx, view: &View, work: Work) -> Snapshot {
    let env = ctx.env();
    let job = async {
        match work {
            Work::Spec(spec) => engine::run(&env, spec).await,
            Work::ToStdout { bucket, obj } => {
                let mut out = tokio::io::stdout();
                engine::stream::download(&env, &bucket, &obj, &mut out, "stdout").await
            }
            Work::FromStdin { bucket, key } => {
                let input = tokio::io::stdin();
                engine::stream::upload(&env, input, "-", &bucket, &key, &ctx.upload).await
            }
        }
    };
    output::watch(&ctx.out, &env, view, job).await
}

/// Checks what can be judged from the typed paths alone; the usage error
/// in words.
fn check_usage(srcs: &[Place], dest: &Place, remove: bool, json: bool) -> Result<(), String> {
    let pipes = srcs.iter().filter(|p| **p == Place::Pipe).count();
    let local = srcs.iter().any(|p| matches!(p, Place::Local(_)));
    let remote = srcs.iter().any(|p| matches!(p, Place::S3 { .. }));
    if pipes > 0 && srcs.len() > 1 {
        return Err("- (stdin) must be the only source".into());
    }
    if remove && (pipes > 0 || local || !matches!(dest, Place::S3 { .. })) {
        return Err(
            "mv moves objects within S3: s3:// sources to an s3:// destination (use cp, then rm)"
                .into(),
        );
    }
    if local && remote {
        return Err("sources must be all s3:// or all local paths".into());
    }
    match dest {
        Place::Pipe if !remote || srcs.len() > 1 => {
            return Err("- as the destination writes one s3://bucket/key object to stdout".into());
        }
        Place::Pipe if json => {
            return Err("--json writes to stdout, which - needs for the object".into());
        }
        Place::Local(_) if !remote => {
            return Err("both sides are local: pail copies to, from or within S3".into());
        }
        _ => {}
    }
    if pipes > 0 {
        match dest {
            Place::S3 { .. } if !is_into(dest) => {}
            Place::S3 { .. } => {
                return Err(
                    "stdin has no name: give the whole key, e.g. s3://bucket/backup.tar".into(),
                );
            }
            _ => return Err("- (stdin) uploads to an s3://bucket/key".into()),
        }
    }
    if srcs.len() > 1 && !is_into(dest) {
        return Err(
            "several sources need a folder or prefix destination (an existing folder, or a path ending in /)"
                .into(),
        );
    }
    Ok(())
}

/// `pail cp SRC... DST`, or `pail mv` with `remove`; the exit status.
pub async fn run(ctx: &Ctx, sources: &[String], dest: &str, remove: bool) -> i32 {
    let dest_place = match Place::parse(dest) {
        Ok(p) => p,
        Err(e) => return ctx.usage(&clean(&format!("destination {dest}: {e}"))),
    };
    let mut srcs = Vec::new();
    for s in sources {
        match Place::parse(s) {
            Ok(p) => srcs.push(p),
            Err(e) => return ctx.usage(&clean(&format!("source {s}: {e}"))),
        }
    }
    let json = ctx.out.mode == output::Mode::Json;
    if let Err(e) = check_usage(&srcs, &dest_place, remove, json) {
        return ctx.usage(&e);
    }
    let into = is_into(&dest_place);
    let mut tally = Tally::default();
    match (&srcs[0], &dest_place) {
        (Place::Pipe, Place::S3 { bucket, key }) => {
            let view = View {
                verb: "Uploaded",
                place: format!("from stdin to s3://{}/{}", clean(bucket), clean(key)),
                bucket: None,
                summary: true,
                dest: s3_dest(bucket, key),
            };
            let work = Work::FromStdin {
                bucket: bucket.clone(),
                key: key.clone(),
            };
            if let Err(code) = probe(ctx, "Uploaded", bucket, key, &mut tally).await {
                return code;
            }
            tally.add(&run_job(ctx, &view, work).await);
            ctx.finish("Uploaded", &tally)
        }
        (Place::Local(_), Place::S3 { bucket, key }) => {
            let mut locals = Vec::new();
            for s in sources {
                match resolve::local_source(s) {
                    Ok(l) => locals.push(l),
                    Err(why) => {
                        tally.missing += 1;
                        ctx.out.missing(s, &why);
                    }
                }
            }
            if !locals.is_empty()
                && let Err(code) = upload(ctx, locals, bucket, key, into, &mut tally).await
            {
                return code;
            }
            ctx.finish("Uploaded", &tally)
        }
        _ => {
            let verb = match (&dest_place, remove) {
                (Place::S3 { .. }, true) => "Moved",
                (Place::S3 { .. }, false) => "Copied",
                _ => "Downloaded",
            };
            let Some(groups) = s3_sources(ctx, &srcs, &mut tally).await else {
                return ctx.finish(verb, &tally);
            };
            for (bucket, found) in groups {
                if ctx.signals.exit_code().is_some() {
                    break;
                }
                let (view, work) = match &dest_place {
                    Place::Pipe => match found.into_iter().next() {
                        Some(S3Source::Object(obj)) => (
                            View {
                                verb,
                                place: "to stdout".into(),
                                bucket: Some(bucket.clone()),
                                dest: Box::new(|_| Some("-".into())),
                                // Data on stdout, nothing else said unless
                                // it went wrong (as aws s3 cp ... -).
                                summary: false,
                            },
                            Work::ToStdout { bucket, obj },
                        ),
                        _ => {
                            return ctx
                                .usage("- as the destination takes one object, not a prefix");
                        }
                    },
                    Place::Local(path) => {
                        let (view, work) = download(bucket, found, path, into);
                        // Made here, so a folder that cannot be is one
                        // error, not an item named like a key.
                        if let Work::Spec(Spec::Download { dest, .. }) = &work
                            && let Err(e) = std::fs::create_dir_all(dest)
                        {
                            let shown = dest.display().to_string();
                            ctx.out
                                .error(&format!("cannot create {}: {e}", clean(&shown)));
                            tally.failed += 1;
                            return ctx.finish(verb, &tally);
                        }
                        (view, work)
                    }
                    Place::S3 {
                        bucket: db,
                        key: dk,
                    } => {
                        if let Err(code) = probe(ctx, verb, db, dk, &mut tally).await {
                            return code;
                        }
                        copy(bucket, found, db, dk, into, remove)
                    }
                };
                tally.add(&run_job(ctx, &view, work).await);
            }
            ctx.finish(verb, &tally)
        }
    }
}

/// Looks at the destination bucket once before writing: a bucket that
/// does not exist, refuses us or cannot be reached is explained (as the
/// TUI does) instead of failing every item with the same words.
async fn probe(
    ctx: &Ctx,
    verb: &str,
    bucket: &str,
    key: &str,
    tally: &mut Tally,
) -> Result<(), i32> {
    let prefix = engine::parent_of(key);
    let Some(r) = ctx
        .signals
        .unless_signalled(resolve::has_keys(&*ctx.store, bucket, prefix))
        .await
    else {
        return Err(ctx.finish(verb, tally));
    };
    if let Err(e) = r {
        let doing = format!("cannot write to s3://{}/{}", clean(bucket), clean(prefix));
        ctx.out.explain(&doing, &e).await;
        tally.failed += 1;
        return Err(ctx.finish(verb, tally));
    }
    Ok(())
}

/// The s3:// sources, looked up, grouped by bucket in the order typed;
/// `None` when the command ends here (an error explained, a signal).
async fn s3_sources(
    ctx: &Ctx,
    srcs: &[Place],
    tally: &mut Tally,
) -> Option<Vec<(String, Vec<S3Source>)>> {
    let mut groups: Vec<(String, Vec<S3Source>)> = Vec::new();
    for p in srcs {
        let Place::S3 { bucket, key } = p else {
            continue;
        };
        let found = ctx
            .signals
            .unless_signalled(resolve::s3_source(&*ctx.store, bucket, key))
            .await?;
        let name = format!("s3://{bucket}/{key}");
        match found {
            Ok(Some(src)) => match groups.iter_mut().find(|(b, _)| b == bucket) {
                Some((_, v)) => v.push(src),
                None => groups.push((bucket.clone(), vec![src])),
            },
            Ok(None) => {
                tally.missing += 1;
                ctx.out.missing(&name, &nothing_there(key));
            }
            Err(e) => {
                ctx.out
                    .explain(&format!("cannot read {}", clean(&name)), &e)
                    .await;
                tally.failed += 1;
                return None;
            }
        }
    }
    Some(groups)
}

/// Which mapping an item (a source key) came from.
fn target_of(maps: &[Mapping], key: &str) -> Option<String> {
    maps.iter()
        .find(|m| match &m.source {
            S3Source::Object(o) => o.key == key,
            S3Source::Prefix(p) => key.starts_with(p.as_str()),
        })
        .and_then(|m| m.target(key))
}

fn s3_dest(bucket: &str, key: &str) -> DestOf {
    let (bucket, key) = (bucket.to_owned(), key.to_owned());
    Box::new(move |item| {
        let k = item.dest.clone().unwrap_or_else(|| key.clone());
        Some(format!("s3://{bucket}/{k}"))
    })
}

fn download(bucket: String, found: Vec<S3Source>, typed: &str, into: bool) -> (View, Work) {
    let path = resolve::local_path(typed);
    let single_object = !into && matches!(found.as_slice(), [S3Source::Object(_)]);
    let (root, maps): (PathBuf, Vec<Mapping>) = match (single_object, path.file_name()) {
        (true, Some(name)) => {
            let name = name.to_string_lossy().into_owned();
            let root = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                _ => PathBuf::from("."),
            };
            let maps = found
                .into_iter()
                .map(|s| Mapping {
                    from: s.key().to_owned(),
                    to: name.clone(),
                    source: s,
                })
                .collect();
            (root, maps)
        }
        _ => (
            path.clone(),
            found
                .into_iter()
                .map(|s| Mapping::into_prefix(s, ""))
                .collect(),
        ),
    };
    let lookup = maps.clone();
    let at = root.clone();
    let view = View {
        verb: "Downloaded",
        place: format!("to {}", clean(&path.display().to_string())),
        bucket: Some(bucket.clone()),
        summary: true,
        dest: Box::new(move |item| {
            let rel = item
                .dest
                .clone()
                .or_else(|| target_of(&lookup, &item.name))?;
            Some(at.join(rel).display().to_string())
        }),
    };
    let spec = Spec::Download {
        bucket,
        sources: maps,
        dest: root,
    };
    (view, Work::Spec(spec))
}

fn copy(
    bucket: String,
    found: Vec<S3Source>,
    db: &str,
    dk: &str,
    into: bool,
    remove: bool,
) -> (View, Work) {
    let maps: Vec<Mapping> = found
        .into_iter()
        .map(|s| match (&s, into) {
            (_, true) => Mapping::into_prefix(s, dk),
            (S3Source::Object(o), false) => Mapping {
                from: o.key.clone(),
                to: dk.to_owned(),
                source: s,
            },
            (S3Source::Prefix(_), false) => Mapping::into_prefix(s, &format!("{dk}/")),
        })
        .collect();
    let lookup = maps.clone();
    let to_bucket = db.to_owned();
    let view = View {
        verb: if remove { "Moved" } else { "Copied" },
        place: format!("to s3://{}/{}", clean(db), clean(dk)),
        bucket: Some(bucket.clone()),
        summary: true,
        dest: Box::new(move |item| {
            let key = item
                .dest
                .clone()
                .or_else(|| target_of(&lookup, &item.name))?;
            Some(format!("s3://{to_bucket}/{key}"))
        }),
    };
    let spec = Spec::Copy {
        bucket,
        sources: maps,
        dest_bucket: db.to_owned(),
        remove_source: remove,
    };
    (view, Work::Spec(spec))
}

async fn upload(
    ctx: &Ctx,
    locals: Vec<LocalSource>,
    bucket: &str,
    key: &str,
    into: bool,
    tally: &mut Tally,
) -> Result<(), i32> {
    let mut options = ctx.upload.clone();
    let prefix = match locals.as_slice() {
        _ if into => key.to_owned(),
        [one] if one.is_file => {
            options.as_key = Some(key.to_owned());
            engine::parent_of(key).to_owned()
        }
        _ => format!("{key}/"),
    };
    probe(ctx, "Uploaded", bucket, &prefix, tally).await?;
    let picked: Vec<PathBuf> = locals.into_iter().map(|l| l.path).collect();
    let (b, p, as_key, paths) = (
        bucket.to_owned(),
        prefix.clone(),
        options.as_key.clone(),
        picked.clone(),
    );
    let view = View {
        verb: "Uploaded",
        place: format!(
            "to s3://{}/{}",
            clean(bucket),
            clean(as_key.as_deref().unwrap_or(&prefix))
        ),
        bucket: None,
        summary: true,
        dest: Box::new(move |item| {
            let key = match &item.dest {
                Some(k) => k.clone(),
                None => upload_key(&paths, &p, as_key.as_deref(), Path::new(&item.name))?,
            };
            Some(format!("s3://{b}/{key}"))
        }),
    };
    let spec = Spec::Upload {
        paths: picked,
        bucket: bucket.to_owned(),
        prefix,
        options,
    };
    tally.add(&run_job(ctx, &view, Work::Spec(spec)).await);
    Ok(())
}

/// The key a walked file goes to: the picked entry's name, then its path
/// below it, under the prefix (or the key a single file was given).
fn upload_key(
    picked: &[PathBuf],
    prefix: &str,
    as_key: Option<&str>,
    file: &Path,
) -> Option<String> {
    for p in picked {
        let Ok(rest) = file.strip_prefix(p) else {
            continue;
        };
        // `.` and `..` are named by the folder they are, as the walk does.
        let name = match p.file_name() {
            Some(n) => n.to_string_lossy().into_owned(),
            None => std::fs::canonicalize(p)
                .ok()?
                .file_name()?
                .to_string_lossy()
                .into_owned(),
        };
        if rest.as_os_str().is_empty() {
            return Some(
                as_key
                    .map(str::to_owned)
                    .unwrap_or(format!("{prefix}{name}")),
            );
        }
        let rest: Vec<String> = rest
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        return Some(format!("{prefix}{name}/{}", rest.join("/")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(v: &[&str]) -> Vec<Place> {
        v.iter().map(|s| Place::parse(s).unwrap()).collect()
    }

    #[test]
    fn usage_errors() {
        let d = |s: &str| Place::parse(s).unwrap();
        let ok =
            |srcs: &[&str], dest: &str, mv: bool| check_usage(&places(srcs), &d(dest), mv, false);
        assert!(ok(&["s3://b/a", "s3://b/c"], "s3://b/k", false).is_err());
        assert!(ok(&["s3://b/a", "s3://b/c"], "s3://b/k/", false).is_ok());
        assert!(ok(&["s3://b/a"], "s3://b/k", true).is_ok());
        assert!(ok(&["./a"], "s3://b/k", true).is_err(), "mv stays in S3");
        assert!(ok(&["./a", "s3://b/a"], "s3://b/", false).is_err());
        assert!(ok(&["-"], "s3://b/k", false).is_ok());
        assert!(ok(&["-"], "s3://b/k/", false).is_err());
        assert!(ok(&["-", "./a"], "s3://b/k", false).is_err());
        assert!(ok(&["s3://b/a"], "-", false).is_ok());
        assert!(ok(&["s3://b/a", "s3://b/c"], "-", false).is_err());
        assert!(ok(&["./a"], "./b", false).is_err());
        assert!(check_usage(&places(&["s3://b/a"]), &d("-"), false, true).is_err());
    }

    #[test]
    fn upload_keys_follow_the_walk() {
        let picked = vec![PathBuf::from("/t/photos"), PathBuf::from("/t/f.txt")];
        let k = |f: &str, as_key| upload_key(&picked, "p/", as_key, Path::new(f));
        assert_eq!(
            k("/t/photos/a/b.jpg", None).as_deref(),
            Some("p/photos/a/b.jpg")
        );
        assert_eq!(k("/t/f.txt", None).as_deref(), Some("p/f.txt"));
        assert_eq!(k("/t/f.txt", Some("k.txt")).as_deref(), Some("k.txt"));
        assert_eq!(k("/elsewhere", None), None);
    }
}
