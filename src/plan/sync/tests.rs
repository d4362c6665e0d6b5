//! The pairing of two listings: filters on both sides, conflicts settled
//! before any comparison, what a delete may touch.

use super::side::{Entry, Listing};
use super::*;
use crate::engine::sync::LocalDelete;
use crate::local::walk::Unfit;
use crate::store::mtime::Moment;

fn e(rel: &str, size: u64) -> Entry {
    Entry {
        rel: rel.into(),
        size,
        time: Some(Moment::seconds(100)),
        etag: None,
        storage_class: None,
    }
}

fn listing(entries: &[(&str, u64)]) -> Listing {
    Listing {
        entries: entries.iter().map(|(r, s)| e(r, *s)).collect(),
        ..Listing::default()
    }
}

fn settled(p: &[Pair]) -> Vec<(String, Option<Action>)> {
    p.iter()
        .map(|p| (p.from.clone(), p.settled.as_ref().map(|(a, _)| *a)))
        .collect()
}

#[test]
fn filters_apply_to_both_sides_and_keep_excluded_destinations() {
    let src = listing(&[("a.txt", 1), ("b.tmp", 1)]);
    let dst = listing(&[("c.tmp", 1), ("d.txt", 1)]);
    let f = Filters(vec![Rule::Exclude("*.tmp".into())]);
    let pairs = pair_up(&src, &dst, Direction::Upload, false, &f);
    let names: Vec<&str> = pairs.iter().map(|p| p.from.as_str()).collect();
    assert_eq!(names, ["a.txt", "d.txt"], "c.tmp is never a delete");
}

#[test]
fn a_case_clash_on_a_folding_folder_is_a_conflict_for_both_names() {
    let src = listing(&[("Read.md", 1), ("read.md", 2), ("x", 1)]);
    let dst = listing(&[("read.md", 2)]);
    let pairs = pair_up(&src, &dst, Direction::Download, true, &Filters::default());
    let s = settled(&pairs);
    assert!(
        s.contains(&("Read.md".into(), Some(Action::Conflict))),
        "{s:?}"
    );
    assert!(
        s.contains(&("read.md".into(), Some(Action::Conflict))),
        "{s:?}"
    );
    assert!(s.contains(&("x".into(), None)));
    // Without folding they are two files.
    let pairs = pair_up(&src, &dst, Direction::Download, false, &Filters::default());
    assert!(pairs.iter().all(|p| p.settled.is_none()));
}

#[test]
fn keys_that_cannot_be_files_are_conflicts() {
    let src = listing(&[("a", 1), ("a/b", 1), ("../up", 1), ("ok", 1)]);
    let pairs = pair_up(
        &src,
        &Listing::default(),
        Direction::Download,
        false,
        &Filters::default(),
    );
    let s = settled(&pairs);
    assert!(s.contains(&("a".into(), Some(Action::Conflict))), "{s:?}");
    assert!(
        s.contains(&("../up".into(), Some(Action::Conflict))),
        "{s:?}"
    );
    assert!(s.contains(&("a/b".into(), None)));
    assert!(s.contains(&("ok".into(), None)));
}

#[test]
fn what_sits_under_a_source_that_is_no_file_is_kept() {
    let mut src = listing(&[("f", 1)]);
    src.unfit.push(("link".into(), Unfit::Symlink));
    let dst = listing(&[("link", 3), ("link/x", 1), ("linked", 1)]);
    let pairs = pair_up(&src, &dst, Direction::Upload, false, &Filters::default());
    let s = settled(&pairs);
    assert!(s.contains(&("link".into(), Some(Action::Skip))), "{s:?}");
    assert!(s.contains(&("link/x".into(), Some(Action::Skip))), "{s:?}");
    assert!(
        s.contains(&("linked".into(), None)),
        "a sibling is no child: {s:?}"
    );
}

/// A plan of `rows` from a folder to `s3://b/p/`.
fn upload_plan(rows: Vec<Row>, dest_files: u64) -> Plan {
    Plan {
        source: Endpoint::Local("/tmp/x".into()),
        dest: Endpoint::s3("b", "p"),
        direction: Direction::Upload,
        compare: Compare::SizeMtime,
        delete: true,
        rows,
        dest_files,
        incomplete: None,
        record: None,
        trash: None,
    }
}

#[test]
fn totals_and_the_job_follow_the_kept_rows() {
    let row = |from: &str, action, size, dest: Option<Entry>| Row {
        from: from.into(),
        to: from.into(),
        action,
        reason: Reason::New,
        note: None,
        source: (action != Action::Delete).then(|| e(from, size)),
        dest,
        excluded: false,
        way: None,
    };
    let mut plan = upload_plan(
        vec![
            row("a", Action::Upload, 10, None),
            row("b", Action::Upload, 5, Some(e("b", 4))),
            row("c", Action::Delete, 0, Some(e("c", 7))),
            row("d", Action::Skip, 3, Some(e("d", 3))),
        ],
        3,
    );
    assert_eq!(
        plan.total(Action::Upload),
        Total {
            count: 2,
            bytes: 15
        }
    );
    assert_eq!(plan.total(Action::Delete), Total { count: 1, bytes: 7 });
    assert_eq!(
        words::totals_line(&plan),
        "upload 2 (15 B) · delete 1 (7 B) · skip 1"
    );
    plan.rows[1].excluded = true;
    let job = plan.job(LocalDelete::Hold);
    assert_eq!(job.steps.len(), 1);
    assert_eq!(job.steps[0].expect, crate::engine::sync::Expect::Absent);
    assert_eq!(job.deletes.len(), 1);
    assert_eq!(
        (
            plan.rows[0].mark(),
            plan.rows[1].mark(),
            plan.rows[2].mark(),
            plan.rows[3].mark()
        ),
        ('+', '*', '-', '=')
    );
    assert!(!plan.is_noop());
    assert_eq!(Endpoint::s3("b", "docs"), Endpoint::s3("b", "docs/"));
}

#[test]
fn two_keys_whose_local_names_meet_after_escaping_are_both_conflicts() {
    // A key with a BEL is written with a visible escape; a key spelled
    // with that escape literally would take the same local name.
    let bel = "a\u{7}";
    let literal = local_name(bel).unwrap();
    assert_ne!(literal, bel);
    let src = listing(&[(bel, 1), (literal.as_str(), 2), ("b", 1)]);
    let pairs = pair_up(
        &src,
        &Listing::default(),
        Direction::Download,
        false,
        &Filters::default(),
    );
    let s = settled(&pairs);
    assert_eq!(s.len(), 3, "no key dropped: {s:?}");
    assert!(s.contains(&(bel.into(), Some(Action::Conflict))), "{s:?}");
    assert!(
        s.contains(&(literal.clone(), Some(Action::Conflict))),
        "{s:?}"
    );
    assert!(s.contains(&("b".into(), None)));
}

#[test]
fn a_conflict_of_two_changes_settles_source_then_destination_then_neither() {
    let mut r = Row {
        from: "a".into(),
        to: "a".into(),
        action: Action::Conflict,
        reason: Reason::BothChanged,
        note: None,
        source: Some(e("a", 1)),
        dest: Some(e("a", 2)),
        excluded: false,
        way: None,
    };
    let mut plan = upload_plan(vec![r.clone()], 1);
    assert!(plan.is_noop());
    let ways: Vec<Option<Way>> = (0..3)
        .map(|_| {
            r.flip();
            r.way
        })
        .collect();
    assert_eq!(ways, [Some(Way::Source), Some(Way::Dest), None]);
    plan.rows[0].way = Some(Way::Dest);
    let job = plan.job(LocalDelete::Hold);
    assert!(job.steps.is_empty());
    // Back from the destination, held to the source file as planned.
    assert_eq!((job.back[0].size, job.back[0].from.as_str()), (2, "a"));
    assert!(matches!(
        job.back[0].expect,
        crate::engine::sync::Expect::File { size: 1, .. }
    ));
    assert!(words::row_line(&plan.rows[0]).contains("sent back"));
    // Deleted at the source: the source's side is the delete; a case
    // clash cannot be settled.
    let mut gone = Row {
        source: None,
        reason: Reason::ChangedSinceDeleted,
        ..plan.rows[0].clone()
    };
    gone.way = None;
    gone.flip();
    plan.rows = vec![gone];
    assert_eq!(plan.job(LocalDelete::Hold).deletes.len(), 1);
    let mut clash = Row {
        reason: Reason::CaseClash("A".into()),
        way: None,
        ..r
    };
    clash.flip();
    assert_eq!(clash.way, None);
}
