//! Where a download may land: the conflict question when something is
//! already at its name (on disk, or claimed by another item of the same
//! job), "keep both" names claimed as one step, and skip-identical's
//! comparison with the local file. Kept apart from the transfer itself so
//! the rules about what may be replaced read in one place.

use crate::engine::claims::{Claim, Claims};
use crate::engine::progress::{Refusal, Side, Skip};
use crate::engine::verify::{Algo, Hasher};
use crate::engine::{Choice, Env, Outcome, Question};
use crate::local::dest::{Dest, Existing};
use crate::local::paths::RelPath;
use crate::store::ObjectSummary;
use std::path::Path;
use std::time::SystemTime;

/// The destination to write and whether it may replace what is there; an
/// outcome when the item ends here (skipped, refused, cancelled).
pub(super) async fn settle_conflict(
    env: &Env,
    dest: &Dest,
    claims: &Claims,
    rel: RelPath,
    obj: &ObjectSummary,
    first: Option<Claim>,
) -> Result<(RelPath, bool), Outcome> {
    let target = dest.root().join(rel.to_path_buf());
    let ours = Side {
        label: "in S3",
        size: obj.size,
        modified: obj.modified,
    };
    let keep_both = |rel: &RelPath| {
        let claim = Claim {
            item: obj.key.clone(),
            size: obj.size,
            etag: obj.etag.clone(),
        };
        // Items run at once: another may claim the name between the pick
        // and the claim. Then the claim fails and the next pick passes
        // over that name (bounded: the pick gives up after 9,999 names).
        loop {
            let free = dest
                .keep_both_name_except(rel, |c| claims.is_claimed(&c.to_string()))
                .map_err(|e| Outcome::Failed(e.to_string()))?;
            if claims.claim(&free.to_string(), claim.clone()).is_none() {
                return Ok((free, false));
            }
        }
    };
    if let Some(first) = first {
        if first.item == obj.key {
            return Err(Outcome::Skipped(Skip::SameTarget(first.item)));
        }
        // On a case-insensitive file system, README.md and readme.md meet.
        let clash = claims
            .claimed_as(&rel.to_string())
            .filter(|exact| *exact != rel.to_string());
        let refusal = |item: String| match &clash {
            Some(_) => Refusal::CaseClash(item),
            None => Refusal::Collision(item),
        };
        let q = Question {
            target: target.display().to_string(),
            ours,
            theirs: Side {
                label: "from another item",
                size: first.size,
                modified: None,
            },
            within_job: Some(first.item.clone()),
        };
        return match env.resolve(q).await {
            None => Err(Outcome::Cancelled),
            Some(Choice::Overwrite) => Err(Outcome::Refused(refusal(first.item))),
            Some(Choice::Skip) => Err(Outcome::Skipped(Skip::SameTarget(first.item))),
            Some(Choice::SkipIdentical) => {
                let same = first.size == obj.size
                    && first.etag.is_some()
                    && first.etag.as_deref().map(|e| e.trim_matches('"'))
                        == obj.etag.as_deref().map(|e| e.trim_matches('"'));
                Err(if same && clash.is_none() {
                    Outcome::Skipped(Skip::Identical)
                } else {
                    Outcome::Refused(refusal(first.item))
                })
            }
            Some(Choice::KeepBoth) => keep_both(&rel),
            Some(Choice::Cancel) => {
                env.cancel.cancel();
                Err(Outcome::Cancelled)
            }
        };
    }
    let existing = match dest.existing(&rel) {
        Ok(None) => return Ok((rel, false)),
        Ok(Some(e)) => e,
        Err(e) => return Err(Outcome::Failed(e.to_string())),
    };
    if existing.kind == crate::local::EntryKind::Dir {
        return Err(Outcome::Failed(format!(
            "a folder named {rel} is in the way"
        )));
    }
    let q = Question {
        target: target.display().to_string(),
        ours,
        theirs: Side {
            label: "here",
            size: existing.size,
            modified: existing
                .mtime
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64),
        },
        within_job: None,
    };
    match env.resolve(q).await {
        None => Err(Outcome::Cancelled),
        Some(Choice::Overwrite) => Ok((rel, true)),
        Some(Choice::Skip) => Err(Outcome::Skipped(Skip::Exists)),
        Some(Choice::SkipIdentical) => {
            if same_as_local(&target, &existing, obj).await {
                Err(Outcome::Skipped(Skip::Identical))
            } else {
                Ok((rel, true))
            }
        }
        Some(Choice::KeepBoth) => keep_both(&rel),
        Some(Choice::Cancel) => {
            env.cancel.cancel();
            Err(Outcome::Cancelled)
        }
    }
}

/// Skip-identical for a download: same size, then the MD5 when the ETag
/// is one, else the mtime pail set when it downloaded it.
async fn same_as_local(path: &Path, local: &Existing, obj: &ObjectSummary) -> bool {
    if local.size != obj.size {
        return false;
    }
    let etag = obj
        .etag
        .as_deref()
        .unwrap_or("")
        .trim_matches('"')
        .to_owned();
    if etag.len() == 32 && !etag.contains('-') {
        let path = path.to_owned();
        let local_md5 = tokio::task::spawn_blocking(move || md5_file(&path))
            .await
            .ok()
            .flatten();
        return local_md5.is_some_and(|m| m == etag);
    }
    let local_secs = local
        .mtime
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    local_secs.is_some() && local_secs == obj.modified
}

pub(in crate::engine) fn md5_file(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Hasher::new(Algo::Md5);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finish().iter().map(|b| format!("{b:02x}")).collect())
}
