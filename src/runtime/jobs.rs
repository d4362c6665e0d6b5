//! What each [`Job`] does against the [`Store`]. Read-only jobs simply stop
//! when cancelled (nothing to undo); jobs that write register a cleanup on
//! their [`TaskCtx`] before they start changing things.

use super::task_ctx::TaskCtx;
use crate::app::{Job, Msg, TaskEvent, TaskId};
use crate::store::{ListPage, ListRequest, PrefixTotals, Store, StoreResult};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Does one job against the store, reporting through `tx`, until it is done
/// or `ctx` is cancelled.
pub async fn run_job(
    store: Arc<dyn Store>,
    id: TaskId,
    job: Job,
    tx: UnboundedSender<Msg>,
    ctx: TaskCtx,
) {
    tokio::select! {
        _ = ctx.cancelled() => tracing::debug!(task = id.0, "cancelled"),
        _ = work(store, id, job, &tx) => {}
    }
}

async fn work(store: Arc<dyn Store>, id: TaskId, job: Job, tx: &UnboundedSender<Msg>) {
    let send = |ev: TaskEvent| {
        let _ = tx.send(Msg::Task(id, ev));
    };
    match job {
        Job::Identity => send(TaskEvent::Identity(store.credential_source().await)),
        Job::ListBuckets => send(TaskEvent::Buckets(store.list_buckets().await)),
        Job::BucketRegion { bucket } => send(TaskEvent::Region(store.bucket_region(&bucket).await)),
        Job::BucketInfo { bucket } => send(TaskEvent::BucketInfo(store.bucket_info(&bucket).await)),
        Job::ObjectInfo { bucket, key } => send(TaskEvent::Object(Box::new(
            store.object_info(&bucket, &key).await,
        ))),
        Job::ListPrefix {
            bucket,
            prefix,
            page_size,
        } => {
            let started = std::time::Instant::now();
            let req = ListRequest::level(&bucket, &prefix, page_size);
            let pages = each_page(&*store, req, |page| send(TaskEvent::Page(page))).await;
            tracing::info!(
                task = id.0,
                pages,
                ms = started.elapsed().as_millis() as u64,
                "listing finished"
            );
        }
        Job::CountPrefix {
            bucket,
            prefix,
            page_size,
        } => {
            let mut totals = PrefixTotals::default();
            let req = ListRequest::recursive(&bucket, &prefix, page_size);
            each_page(&*store, req, |page| {
                send(TaskEvent::Totals(page.map(|p| {
                    totals.objects += p.objects.len() as u64;
                    totals.bytes += p.objects.iter().map(|o| o.size).sum::<u64>();
                    (totals, p.next.is_none())
                })))
            })
            .await;
        }
        Job::PlanDelete { bucket, sources } => {
            // The plan job is read-only; dropping it on cancel is enough.
            let cancel = tokio_util::sync::CancellationToken::new();
            let plan = crate::engine::plan_delete(&*store, &bucket, &sources, &cancel, |n| {
                send(TaskEvent::Planning(n))
            })
            .await;
            send(TaskEvent::DeletePlan(Box::new(plan)));
        }
        Job::ReadDir { path } => {
            let read = tokio::task::spawn_blocking(move || read_dir(&path)).await;
            send(TaskEvent::Dir(read.unwrap_or_else(|e| Err(e.to_string()))));
        }
        Job::Presign(reqs) => {
            let mut out = Vec::with_capacity(reqs.len());
            for r in &reqs {
                out.push(store.presign(r).await);
            }
            send(TaskEvent::Presigned(out));
        }
        Job::ListVersions { bucket, key } => {
            let mut req = Some(crate::store::VersionsRequest::under(&bucket, &key));
            while let Some(r) = req {
                match store.list_versions(&r).await {
                    Ok(page) => {
                        // Keys sort after `key` once its versions are done
                        // (`a.txt.bak` after `a.txt`): no need to read on.
                        let past = page.versions.iter().any(|v| v.key != key);
                        req = if past { None } else { r.after(&page) };
                        let mut page = page;
                        if past {
                            page.next = None;
                        }
                        send(TaskEvent::Versions(Ok(page)));
                    }
                    Err(e) => {
                        send(TaskEvent::Versions(Err(e)));
                        req = None;
                    }
                }
            }
        }
        Job::ListDeleted { bucket, prefix } => {
            let mut level = crate::store::DeletedLevel::default();
            let mut req = Some(crate::store::VersionsRequest::level(&bucket, &prefix));
            let mut failed = None;
            while let Some(r) = req {
                match store.list_versions(&r).await {
                    Ok(page) => {
                        req = r.after(&page);
                        level.absorb(page);
                    }
                    Err(e) => {
                        failed = Some(e);
                        req = None;
                    }
                }
            }
            send(TaskEvent::DeletedLevel(match failed {
                Some(e) => Err(e),
                None => Ok(level),
            }));
        }
        Job::PlanUndelete {
            bucket,
            prefix,
            exact,
        } => {
            let cancel = tokio_util::sync::CancellationToken::new();
            let only = exact.then_some(prefix.as_str());
            let plan =
                crate::engine::rollback::list_all(&*store, &bucket, &prefix, only, &cancel, |n| {
                    send(TaskEvent::VersionsListed(n))
                })
                .await
                .map(|(rows, requests)| {
                    let mut p =
                        crate::engine::rollback::plan_undelete(&bucket, &prefix, &rows, exact);
                    p.requests = requests;
                    p
                });
            send(TaskEvent::UndeletePlan(exact, Box::new(plan)));
        }
        Job::ListOpenUploads { bucket, prefix } => {
            let rows = crate::engine::uploads::list_open(&*store, &bucket, &prefix).await;
            send(TaskEvent::OpenUploads(rows));
        }
        Job::PlanRollback { bucket, prefix, at } => {
            let plan = async {
                // What the bucket says decides what can be done at all.
                let info = store.bucket_info(&bucket).await?;
                let suspended = crate::engine::rollback::versioning_allows(&info.versioning)
                    .map_err(|why| refusal(&bucket, why))?;
                let cancel = tokio_util::sync::CancellationToken::new();
                crate::engine::rollback::plan_rollback(
                    &*store,
                    &bucket,
                    &prefix,
                    at,
                    suspended,
                    &cancel,
                    |n| send(TaskEvent::VersionsListed(n)),
                )
                .await
            };
            send(TaskEvent::RollbackPlan(Box::new(plan.await)));
        }
        Job::VersionInfo(obj) => send(TaskEvent::VersionInfo(Box::new(
            store.object_info_at(&obj).await,
        ))),
        // Run by the executor through the transfer engine, not here.
        Job::Transfer(_) => {}
    }
}

/// Why a rollback was refused before anything was listed.
fn refusal(bucket: &str, why: String) -> crate::store::StoreError {
    let mut e = crate::store::StoreError::new(crate::store::ErrorKind::Other, why);
    e.bucket = Some(bucket.to_owned());
    e
}

/// Most entries a folder listing under the upload prompt shows.
const DIR_LIMIT: usize = 5000;

/// A local folder's entries, folders first, then by name. Symlinks are
/// shown as what they point to (the upload decides whether to follow).
fn read_dir(path: &std::path::Path) -> Result<Vec<crate::app::task::LocalEntry>, String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).map_err(|e| e.to_string())? {
        let Ok(entry) = entry else { continue };
        let meta = std::fs::metadata(entry.path()).ok();
        out.push(crate::app::task::LocalEntry {
            name: entry.file_name().to_string_lossy().into_owned(),
            dir: meta.as_ref().is_some_and(|m| m.is_dir()),
            size: meta.map(|m| m.len()).unwrap_or(0),
        });
        if out.len() >= DIR_LIMIT {
            break;
        }
    }
    out.sort_by(|a, b| b.dir.cmp(&a.dir).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

/// Follows continuation tokens from `req` to the last page, handing each
/// page (or the error that ends the walk) to `f`. Returns the pages read.
async fn each_page(
    store: &dyn Store,
    mut req: ListRequest,
    mut f: impl FnMut(StoreResult<ListPage>),
) -> u32 {
    let mut pages = 0;
    loop {
        match store.list_page(&req).await {
            Ok(page) => {
                pages += 1;
                let next = page.next.clone();
                f(Ok(page));
                match next {
                    Some(t) => req.token = Some(t),
                    None => return pages,
                }
            }
            Err(e) => {
                f(Err(e));
                return pages;
            }
        }
    }
}
