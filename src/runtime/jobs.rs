//! What each [`Job`] does against the [`Store`]. Read-only jobs simply stop
//! when cancelled (nothing to undo); jobs that write register a cleanup on
//! their [`TaskCtx`] before they start changing things.

use super::mailbox::Outbox;
use super::task_ctx::TaskCtx;
use crate::app::{Job, Msg, TaskEvent, TaskId, browse, buckets, card, rollback, versions};
use crate::store::{ListRequest, PrefixTotals, Store};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// Does one job against the store, reporting through `tx`, until it is done
/// or `ctx` is cancelled.
pub async fn run_job(store: Arc<dyn Store>, id: TaskId, job: Job, tx: Outbox, ctx: TaskCtx) {
    // Read-only jobs are dropped at cancel (nothing to undo); the planners
    // also see the token, so a listing stops between and during requests.
    tokio::select! {
        _ = ctx.cancelled() => tracing::debug!(task = id.0, "cancelled"),
        _ = work(store, id, job, &tx, ctx.token()) => {}
    }
}

async fn work(
    store: Arc<dyn Store>,
    id: TaskId,
    job: Job,
    tx: &Outbox,
    cancel: &CancellationToken,
) {
    // Results must arrive (the task waits while the loop is behind);
    // counters supersede each other (mailbox.rs).
    let send = |ev: TaskEvent| tx.send(Msg::Task(id, ev));
    let report = |ev: TaskEvent| tx.report(id, ev);
    match job {
        Job::Identity => send(TaskEvent::Identity(store.credential_source().await)).await,
        Job::Buckets(r) => {
            let reply = match r {
                buckets::Request::List => buckets::Reply::Listed(store.list_buckets().await),
                buckets::Request::Region { bucket } => {
                    buckets::Reply::Region(store.bucket_region(&bucket).await)
                }
                buckets::Request::Info { bucket } => {
                    buckets::Reply::Info(store.bucket_info(&bucket).await)
                }
            };
            send(TaskEvent::Buckets(reply)).await
        }
        Job::Card(r) => {
            let reply = match r {
                card::Request::Part { bucket, part } => card::Reply::Part {
                    result: store.bucket_setting(&bucket, part).await,
                    bucket,
                    part,
                },
                card::Request::Identity => card::Reply::Identity(store.caller_identity().await),
                card::Request::Account { account } => card::Reply::Account(
                    store
                        .account_public_access(&account)
                        .await
                        .map(|b| b.map(crate::store::settings::Setting::PublicAccess)),
                ),
                card::Request::Contents { bucket } => card::Reply::Contents {
                    held: crate::bucket::contents(&*store, &bucket).await,
                    bucket,
                },
                card::Request::Create(c) => card::Reply::Created {
                    steps: crate::bucket::create(&*store, &c, |_| {}).await,
                    bucket: c.bucket,
                },
                card::Request::Delete { bucket } => card::Reply::Deleted {
                    result: store.delete_bucket(&bucket).await,
                    bucket,
                },
                card::Request::Apply { change, undoes } => {
                    apply_change(&*store, change, undoes).await
                }
                card::Request::Preflight { bucket, preflight } => card::Reply::Preflight {
                    answer: Box::new(store.preflight(&bucket, "", &preflight).await),
                    bucket,
                    preflight,
                },
            };
            send(TaskEvent::Card(Box::new(reply))).await
        }
        Job::Browse(r) => browse_job(&*store, id, r, tx, cancel).await,
        Job::Versions(r) => versions_job(&*store, r, tx, id, cancel).await,
        Job::Rollback(r) => rollback_job(&*store, r, tx, id, cancel).await,
        Job::PlanDelete { bucket, sources } => {
            let plan = crate::plan::plan_delete(&*store, &bucket, &sources, cancel, |n| {
                report(TaskEvent::Planning(n))
            })
            .await;
            send(TaskEvent::DeletePlan(Box::new(plan))).await;
        }
        Job::PlanArchive {
            bucket,
            targets,
            goal,
        } => {
            use crate::plan::archive;
            use crate::plan::archive::{ArchivePlan, Goal};
            let plan = match goal {
                Goal::Thaw { .. } => archive::plan_restore(&*store, &bucket, &targets)
                    .await
                    .map(ArchivePlan::Thaw),
                Goal::Class { to } => archive::plan_class(&*store, &bucket, &targets, &to)
                    .await
                    .map(ArchivePlan::Class),
            };
            send(TaskEvent::ArchivePlan(Box::new(plan))).await;
        }
        Job::PlanSync {
            source,
            dest,
            compare,
        } => {
            let opts = crate::plan::sync::Options {
                compare,
                delete: true,
                record: crate::plan::sync::record(&*store, &source, &dest),
                ..crate::plan::sync::Options::default()
            };
            let plan = crate::plan::sync::plan(&*store, &source, &dest, &opts, cancel).await;
            send(TaskEvent::SyncPlan(Box::new(plan))).await;
        }
        Job::ReadDir { path } => {
            let read = tokio::task::spawn_blocking(move || read_dir(&path)).await;
            send(TaskEvent::Dir(read.unwrap_or_else(|e| Err(e.to_string())))).await;
        }
        Job::Presign(reqs) => {
            let mut out = Vec::with_capacity(reqs.len());
            for r in &reqs {
                out.push(store.presign(r).await);
            }
            send(TaskEvent::Presigned(out)).await;
        }
        Job::WhyDenied(err) => {
            let facts = crate::denied::gather(&*store, &err).await;
            send(TaskEvent::WhyDenied(Box::new(Ok(facts)))).await;
        }
        Job::PresignPost(req) => {
            let post = store.presign_post(&req).await;
            send(TaskEvent::PresignedPost(Box::new(post))).await;
        }
        Job::ListOpenUploads { bucket, prefix } => {
            let rows = crate::engine::uploads::list_open(&*store, &bucket, &prefix).await;
            send(TaskEvent::OpenUploads(rows)).await;
        }
        // Run by the executor through the transfer engine, not here.
        Job::Transfer(_) => {}
    }
}

/// A change to a bucket's settings, kept in the state dir's history when
/// made so an undo (in this pail or a later one) can put it back.
async fn apply_change(
    store: &dyn Store,
    change: Box<crate::bucket::fix::Change>,
    undoes: Option<i64>,
) -> card::Reply {
    use crate::bucket::history;
    let mut unkept = None;
    let result = crate::bucket::fix::apply(store, &change)
        .await
        .map(|after| {
            let endpoint = store.connection().endpoint_label();
            let at = chrono::Utc::now().timestamp_millis();
            let mut r = history::Record::new(&endpoint, &change, after, at);
            r.undoes = undoes;
            match history::default_path() {
                Some(p) => {
                    if let Err(e) = history::append(&p, &r) {
                        unkept = Some(format!("{}: {e}", p.display()));
                    }
                }
                None => unkept = Some("no state dir".into()),
            }
            Box::new(r)
        });
    card::Reply::Applied {
        change,
        result: result.map_err(Box::new),
        unkept,
    }
}

/// The tree's work: listings page by page, counts as running totals.
async fn browse_job(
    store: &dyn Store,
    id: TaskId,
    r: browse::Request,
    tx: &Outbox,
    cancel: &CancellationToken,
) {
    let send = |reply: browse::Reply| tx.send(Msg::Task(id, TaskEvent::Browse(reply)));
    match r {
        browse::Request::Info { bucket } => {
            send(browse::Reply::Info(store.bucket_info(&bucket).await)).await
        }
        browse::Request::Object { bucket, key } => {
            send(browse::Reply::Object(Box::new(
                store.object_info(&bucket, &key).await,
            )))
            .await
        }
        browse::Request::List {
            bucket,
            prefix,
            page_size,
        } => {
            let started = std::time::Instant::now();
            let req = ListRequest::level(&bucket, &prefix, page_size);
            let mut pages = crate::store::pages(store, req).cancel_on(cancel);
            while let Some(page) = pages.next().await {
                send(browse::Reply::Page(page)).await;
            }
            let pages = pages.read();
            tracing::info!(
                task = id.0,
                pages,
                ms = started.elapsed().as_millis() as u64,
                "listing finished"
            );
        }
        browse::Request::Count { bucket, prefix } => {
            let mut totals = PrefixTotals::default();
            let mut walk = crate::walk::Walk::new(
                store,
                &bucket,
                &prefix,
                crate::walk::WalkOptions::default(),
            )
            .cancel_on(cancel);
            loop {
                match walk.next().await {
                    // Running totals supersede each other...
                    Some(Ok(batch)) => {
                        totals.objects += batch.len() as u64;
                        totals.bytes += batch.iter().map(|o| o.size).sum::<u64>();
                        tx.report(
                            id,
                            TaskEvent::Browse(browse::Reply::Totals(Ok((totals, false)))),
                        );
                    }
                    // ...a failure must arrive, after the last of them (the
                    // loop reads reports before the queue).
                    Some(Err(e)) => {
                        send(browse::Reply::Totals(Err(e))).await;
                        break;
                    }
                    None => {
                        send(browse::Reply::Totals(Ok((totals, true)))).await;
                        break;
                    }
                }
            }
        }
        browse::Request::Deleted { bucket, prefix } => {
            let mut level = crate::store::DeletedLevel::default();
            let req = crate::store::VersionsRequest::level(&bucket, &prefix);
            let mut pages = crate::store::pages(store, req).cancel_on(cancel);
            let mut failed = None;
            while let Some(page) = pages.next().await {
                match page {
                    Ok(page) => level.absorb(page),
                    Err(e) => failed = Some(e),
                }
            }
            send(browse::Reply::Deleted(match failed {
                Some(e) => Err(e),
                None => Ok(level),
            }))
            .await;
        }
    }
}

/// The versions panel's work: one key's versions, one version's details.
async fn versions_job(
    store: &dyn Store,
    r: versions::Request,
    tx: &Outbox,
    id: TaskId,
    cancel: &CancellationToken,
) {
    let send = |reply: versions::Reply| tx.send(Msg::Task(id, TaskEvent::Versions(reply)));
    match r {
        versions::Request::List { bucket, key } => {
            let req = crate::store::VersionsRequest::under(&bucket, &key);
            let mut pages = crate::store::pages(store, req).cancel_on(cancel);
            while let Some(page) = pages.next().await {
                let page = page.map(|mut page| {
                    // Keys sort after `key` once its versions are done
                    // (`a.txt.bak` after `a.txt`): no need to read on.
                    if page.versions.iter().any(|v| v.key != key) {
                        pages.stop();
                        page.next = None;
                    }
                    page
                });
                send(versions::Reply::Page(page)).await;
            }
        }
        versions::Request::Info(obj) => {
            send(versions::Reply::Info(Box::new(
                store.object_info_at(&obj).await,
            )))
            .await
        }
    }
}

/// The rollback and undelete planners: every version under a prefix,
/// "N read so far" as they come, then the plan.
async fn rollback_job(
    store: &dyn Store,
    r: rollback::Request,
    tx: &Outbox,
    id: TaskId,
    cancel: &CancellationToken,
) {
    let listed = |n| tx.report(id, TaskEvent::Rollback(rollback::Reply::Listed(n)));
    let reply = match r {
        rollback::Request::Undelete {
            bucket,
            prefix,
            exact,
        } => {
            let only = exact.then_some(prefix.as_str());
            let plan =
                crate::plan::rollback::list_all(store, &bucket, &prefix, only, cancel, listed)
                    .await
                    .map(|(rows, requests)| {
                        let mut p =
                            crate::plan::rollback::plan_undelete(&bucket, &prefix, &rows, exact);
                        p.requests = requests;
                        p
                    });
            rollback::Reply::Undelete(exact, Box::new(plan))
        }
        rollback::Request::Plan { bucket, prefix, at } => {
            let plan = async {
                // What the bucket says decides what can be done at all.
                let info = store.bucket_info(&bucket).await?;
                let suspended = crate::plan::rollback::versioning_allows(&info.versioning)
                    .map_err(|why| refusal(&bucket, why))?;
                crate::plan::rollback::plan_rollback(
                    store, &bucket, &prefix, at, suspended, cancel, listed,
                )
                .await
            };
            rollback::Reply::Plan(Box::new(plan.await))
        }
    };
    tx.send(Msg::Task(id, TaskEvent::Rollback(reply))).await;
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
