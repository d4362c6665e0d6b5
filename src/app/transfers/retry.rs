//! Retrying what failed: the job(s) that do a finished job's failed and
//! cancelled items again, the same way. Pure: a spec in, specs out.

use crate::engine::{Mapping, S3Source, Spec};

/// The job(s) that do `failed` (item names as the job reported them)
/// again, the same way: one job, or for uploads one per destination prefix.
pub fn retry_specs(spec: &Spec, failed: &[String]) -> Vec<Spec> {
    let object = |key: &str| {
        S3Source::Object(crate::store::ObjectSummary {
            restore: None,
            key: key.to_owned(),
            size: 0,
            modified: None,
            storage_class: None,
            etag: None,
            version_id: None,
        })
    };
    // A failed key keeps the mapping of the source it was found under.
    let remap = |sources: &[Mapping]| -> Vec<Mapping> {
        failed
            .iter()
            .filter_map(|k| {
                let m = sources.iter().find(|m| k.starts_with(m.source.key()))?;
                Some(Mapping {
                    source: object(k),
                    from: m.from.clone(),
                    to: m.to.clone(),
                })
            })
            .collect()
    };
    let spec = match spec {
        Spec::Download {
            bucket,
            sources,
            dest,
        } => Spec::Download {
            bucket: bucket.clone(),
            sources: remap(sources),
            dest: dest.clone(),
        },
        Spec::Copy {
            bucket,
            sources,
            dest_bucket,
            remove_source,
        } => Spec::Copy {
            bucket: bucket.clone(),
            sources: remap(sources),
            dest_bucket: dest_bucket.clone(),
            remove_source: *remove_source,
        },
        Spec::Delete { bucket, keys } => Spec::Delete {
            bucket: bucket.clone(),
            keys: only_failed(keys, failed, |(k, _)| k),
        },
        Spec::MakeFolder { .. } => spec.clone(),
        Spec::AbortUploads { bucket, uploads } => Spec::AbortUploads {
            bucket: bucket.clone(),
            uploads: only_failed(uploads, failed, |(k, _)| k),
        },
        Spec::Thaw {
            bucket,
            keys,
            days,
            tier,
        } => Spec::Thaw {
            bucket: bucket.clone(),
            keys: only_failed(keys, failed, |(k, _)| k),
            days: *days,
            tier: *tier,
        },
        Spec::ChangeClass {
            bucket,
            objects,
            to,
        } => Spec::ChangeClass {
            bucket: bucket.clone(),
            objects: only_failed(objects, failed, |o| &o.key),
            to: to.clone(),
        },
        Spec::History { bucket, steps } => Spec::History {
            bucket: bucket.clone(),
            steps: only_failed(steps, failed, |s| s.key()),
        },
        Spec::Upload {
            paths,
            bucket,
            prefix,
            options,
        } => return retry_uploads(paths, bucket, prefix, options, failed),
        // The failed rows again, held to the same plan: a row that changed
        // since fails the same way (plan again to take the change).
        Spec::Sync(job) => {
            let mut job = (**job).clone();
            let (source, dest) = (job.source.clone(), job.dest.clone());
            job.steps
                .retain(|s| failed.iter().any(|f| *f == source.name_of(&s.from)));
            // A delete is named by its key (DeleteObjects' items), or by
            // its full name when it was held back.
            let key = |rel: &str| match &dest {
                crate::engine::sync::Endpoint::S3 { prefix, .. } => format!("{prefix}{rel}"),
                crate::engine::sync::Endpoint::Local(_) => dest.name_of(rel),
            };
            job.deletes.retain(|g| {
                failed
                    .iter()
                    .any(|f| *f == dest.name_of(&g.rel) || *f == key(&g.rel))
            });
            Spec::Sync(Box::new(job))
        }
    };
    vec![spec]
}

/// The items of `items` whose name (as the job reported it) failed.
fn only_failed<T: Clone>(items: &[T], failed: &[String], name: impl Fn(&T) -> &str) -> Vec<T> {
    items
        .iter()
        .filter(|i| failed.iter().any(|f| f == name(i)))
        .cloned()
        .collect()
}

/// A failed file `/home/u/photos/2026/a.jpg` of a picked `/home/u/photos`
/// went to `prefix/photos/2026/a.jpg`: uploading it alone to
/// `prefix/photos/2026/` gives it the same key.
fn retry_uploads(
    paths: &[std::path::PathBuf],
    bucket: &str,
    prefix: &str,
    options: &crate::engine::UploadOptions,
    failed: &[String],
) -> Vec<Spec> {
    let mut by_prefix: std::collections::BTreeMap<String, Vec<std::path::PathBuf>> =
        Default::default();
    for f in failed {
        let path = std::path::PathBuf::from(f);
        let Some(picked) = paths.iter().find(|p| path.starts_with(p)) else {
            continue;
        };
        let base = picked.parent().unwrap_or(std::path::Path::new(""));
        let Some(dir) = path.parent().and_then(|d| d.strip_prefix(base).ok()) else {
            continue;
        };
        let mut p = prefix.to_owned();
        for c in dir.components() {
            p.push_str(&c.as_os_str().to_string_lossy());
            p.push('/');
        }
        by_prefix.entry(p).or_default().push(path);
    }
    by_prefix
        .into_iter()
        .map(|(prefix, paths)| Spec::Upload {
            paths,
            bucket: bucket.to_owned(),
            prefix,
            options: options.clone(),
        })
        .collect()
}
