//! Holding one run of the engine to the reference model (model.rs): the
//! items it reports against the items the model expects, its counters
//! against its items, and the world after against the world before with
//! the done items applied. Besides the model's word, it checks what must
//! hold whatever the model says: no object lost, no existing object
//! replaced unless the policy asked for it, no two items on one
//! destination. Every broken promise comes back in words, so a failing
//! case says what went wrong, not only that something did.

use super::engine::Run;
use super::model::{Case, Expect, Place, Want, World, label, numbered_from, plan};
use pail::engine::{Item, Outcome, Phase, Policy};
use std::collections::BTreeSet;
use std::path::Path;

/// An engine item matched with what the model expected of it.
struct Matched<'a> {
    want: &'a Expect,
    outcome: &'a Outcome,
    /// Where a done item's bytes are (its `dest`, else its target).
    landing: Option<Place>,
}

/// Holds the engine's run of `case` (its report `run`, the world `after`)
/// to the model; every broken promise in words, none when all hold.
pub fn check(case: &Case, root: &Path, after: &World, run: &Run) -> Vec<String> {
    let before = case.world();
    let expects = plan(case, root);
    // Which "keep both" number an item gets is the engine's to choose when
    // items run at once; one at a time, it is the first free one.
    let exact = case.concurrency == 1 || case.policy != Policy::KeepBoth;
    let mut bad = Vec::new();
    let matched = match match_items(&expects, run, exact) {
        Ok(m) => m,
        Err(why) => {
            bad.push(why);
            return bad;
        }
    };
    counts(run, &matched, &mut bad);
    let done: Vec<(&Place, &Place)> = matched
        .iter()
        .filter_map(|m| m.landing.as_ref().map(|l| (&m.want.source, l)))
        .collect();
    // No two items on one destination.
    let mut seen = BTreeSet::new();
    for (_, l) in &done {
        if !seen.insert(*l) {
            bad.push(format!("two done items landed on {l:?}"));
        }
    }
    // An existing destination is replaced only when the user said so.
    for (src, l) in &done {
        if let Some(old) = before.get(*l) {
            let asked = case.policy == Policy::Overwrite
                || (case.policy == Policy::SkipIdentical && before.get(*src) != Some(old));
            if !asked {
                bad.push(format!(
                    "{l:?} ({}) was replaced under {:?}",
                    label(old),
                    case.policy
                ));
            }
        }
    }
    // The world after is the world before with the done items applied.
    let mut expected = before.clone();
    let landings: BTreeSet<&Place> = done.iter().map(|(_, l)| *l).collect();
    for (src, l) in &done {
        if let Some(b) = before.get(*src) {
            expected.insert((*l).clone(), b.clone());
        }
    }
    for m in &matched {
        let removed = match m.want.want {
            Want::Deleted => matches!(m.outcome, Outcome::Done { .. }),
            _ => case.cut() && m.landing.is_some(),
        };
        if removed && !landings.contains(&m.want.source) {
            expected.remove(&m.want.source);
        }
    }
    compare(&expected, after, &mut bad);
    lost(&before, after, &matched, &mut bad);
    bad
}

/// Pairs every engine item with one expectation of the same name whose
/// outcome it has (names repeat when one key is reached twice).
fn match_items<'a>(
    expects: &'a [Expect],
    run: &'a Run,
    exact: bool,
) -> Result<Vec<Matched<'a>>, String> {
    let landing_of = |e: &Expect, item: &Item| -> Option<Place> {
        let dest = item.dest.as_ref()?;
        match &e.target {
            Some(Place::Local(_)) => Some(Place::Local(format!("out/{dest}"))),
            Some(Place::S3(b, _)) => Some(Place::S3(b, dest.clone())),
            None => None,
        }
    };
    let fits = |e: &'a Expect, item: &'a Item| -> Option<Matched<'a>> {
        let landing = match (&e.want, &item.outcome) {
            (Want::Done(at), Outcome::Done { .. }) => {
                let target = e.target.clone()?;
                let l = landing_of(e, item).unwrap_or_else(|| target.clone());
                let ok = if exact {
                    l == *at
                } else {
                    l == target || numbered_from(&l, &target)
                };
                ok.then_some(Some(l))?
            }
            (Want::Deleted, Outcome::Done { .. }) => None,
            (Want::Skipped(a), Outcome::Skipped(b)) if a == b => None,
            (Want::Refused(a), Outcome::Refused(b)) if a == b => None,
            _ => return None,
        };
        Some(Matched {
            want: e,
            outcome: &item.outcome,
            landing,
        })
    };
    let names: BTreeSet<&str> = expects
        .iter()
        .map(|e| e.name.as_str())
        .chain(run.items.iter().map(|i| i.name.as_str()))
        .collect();
    let mut out = Vec::new();
    for name in names {
        let es: Vec<&Expect> = expects.iter().filter(|e| e.name == name).collect();
        let is: Vec<&Item> = run.items.iter().filter(|i| i.name == name).collect();
        let found = (es.len() == is.len())
            .then(|| assign(&es, &is, &fits))
            .flatten();
        match found {
            Some(m) => out.extend(m),
            None => {
                return Err(format!(
                    "{name:?}: the model expects {:#?}\nthe engine reports {:#?}",
                    es.iter().map(|e| (&e.want, &e.target)).collect::<Vec<_>>(),
                    is
                ));
            }
        }
    }
    Ok(out)
}

/// A one-to-one pairing of `es` and `is` where every pair fits.
fn assign<'a, F>(es: &[&'a Expect], is: &[&'a Item], fits: &F) -> Option<Vec<Matched<'a>>>
where
    F: Fn(&'a Expect, &'a Item) -> Option<Matched<'a>>,
{
    let Some((e, rest)) = es.split_first() else {
        return Some(Vec::new());
    };
    for (i, item) in is.iter().enumerate() {
        if let Some(m) = fits(e, item) {
            let mut others = is.to_vec();
            others.remove(i);
            if let Some(mut tail) = assign(rest, &others, fits) {
                tail.push(m);
                return Some(tail);
            }
        }
    }
    None
}

/// Every counter equals what the items say.
fn counts(run: &Run, matched: &[Matched], bad: &mut Vec<String>) {
    let s = &run.snap;
    let n = |f: fn(&Outcome) -> bool| matched.iter().filter(|m| f(m.outcome)).count() as u64;
    let done = n(|o| matches!(o, Outcome::Done { .. }));
    let skipped = n(|o| matches!(o, Outcome::Skipped(_)));
    let refused = n(|o| matches!(o, Outcome::Refused(_)));
    let done_bytes: u64 = matched
        .iter()
        .map(|m| match m.outcome {
            Outcome::Done { bytes, .. } => *bytes,
            _ => 0,
        })
        .sum();
    let phase = if s.failed + s.refused > 0 {
        Phase::Failed
    } else {
        Phase::Done
    };
    let want = (
        run.items.len() as u64,
        done,
        skipped,
        refused,
        0,
        0,
        done_bytes,
        done_bytes,
        phase,
    );
    let got = (
        s.objects_total,
        s.objects_done,
        s.skipped,
        s.refused,
        s.failed,
        s.cancelled,
        s.bytes_done,
        s.bytes_total,
        s.phase,
    );
    if want != got {
        bad.push(format!(
            "counts (total, done, skipped, refused, failed, cancelled, bytes done, bytes total, \
             phase): the items say {want:?}, the snapshot {got:?}"
        ));
    }
}

/// The world after against the world expected.
fn compare(expected: &World, after: &World, bad: &mut Vec<String>) {
    for (p, want) in expected {
        match after.get(p) {
            None => bad.push(format!("{p:?} should hold {} but is gone", label(want))),
            Some(got) if got != want => bad.push(format!(
                "{p:?} holds {}, should hold {}",
                label(got),
                label(want)
            )),
            Some(_) => {}
        }
    }
    for (p, got) in after {
        if !expected.contains_key(p) {
            bad.push(format!("{p:?} ({}) should not exist", label(got)));
        }
    }
}

/// No object lost: every object and file the world held before still
/// holds its bytes, or they are at the destination of a done item that
/// took them from there, or the job deleted it, or the user had it
/// overwritten (an object no item of the job came to take).
fn lost(before: &World, after: &World, matched: &[Matched], bad: &mut Vec<String>) {
    let sources: BTreeSet<&Place> = matched.iter().map(|m| &m.want.source).collect();
    for (p, data) in before {
        if after.get(p) == Some(data) {
            continue;
        }
        let taken = matched.iter().any(|m| {
            &m.want.source == p
                && match (&m.want.want, &m.landing) {
                    (Want::Deleted, _) => matches!(m.outcome, Outcome::Done { .. }),
                    (_, Some(l)) => after.get(l) == Some(data),
                    _ => false,
                }
        });
        let overwritten = matched.iter().any(|m| m.landing.as_ref() == Some(p));
        if taken || (overwritten && !sources.contains(p)) {
            continue;
        }
        bad.push(format!(
            "lost: {p:?} held {} and its bytes are nowhere the job put them",
            label(data)
        ));
    }
}
