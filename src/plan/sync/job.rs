//! A plan as the engine runs it (`Plan::job`: exactly the kept rows, each
//! held to what the plan saw), and the last sync's record: what both sides
//! were left as, which makes a path changed on both sides since a
//! conflict, and which the run brings up to date.

use super::side::Entry;
use super::{Action, Book, Plan, Reason, Row, Way};
use crate::engine::sync::record::{Print, Synced};
use crate::engine::sync::{Expect, Gone, Job, LocalDelete, Step};

impl Plan {
    /// The job that runs exactly the kept rows: transfers first, deletes
    /// after them (the engine holds the deletes back if any transfer
    /// fails).
    pub fn job(&self, local_deletes: LocalDelete) -> Job {
        let (src_local, dst_local) = (self.source.is_local(), self.dest.is_local());
        let step = |from: &String, to: &String, s: &Entry, at: &Option<Entry>, local, there| Step {
            from: from.clone(),
            to: to.clone(),
            size: s.size,
            etag: s.etag.clone(),
            mtime: s.time.and_then(|m| m.to_system_time()),
            storage_class: s.storage_class.clone(),
            expect: expect(at, there),
            print: Some(print_of(s, local)),
        };
        let mut steps = Vec::new();
        let mut back = Vec::new();
        let mut deletes = Vec::new();
        for r in self.rows.iter().filter(|r| !r.excluded) {
            let way = match (r.action, r.way) {
                (Action::Upload | Action::Download | Action::Copy, _) => Some(Way::Source),
                (Action::Delete, _) => Some(Way::Source),
                (Action::Conflict, w) => w,
                (Action::Skip, _) => None,
            };
            match (way, &r.source, &r.dest) {
                (Some(Way::Source), Some(s), _) => {
                    steps.push(step(&r.from, &r.to, s, &r.dest, src_local, dst_local));
                }
                (Some(Way::Source), None, Some(d)) => deletes.push(Gone {
                    rel: r.to.clone(),
                    size: d.size,
                    expect: expect(&r.dest, dst_local),
                }),
                (Some(Way::Dest), _, Some(d)) => {
                    back.push(step(&r.to, &r.from, d, &r.source, dst_local, src_local));
                }
                _ => {}
            }
        }
        Job {
            source: self.source.clone(),
            dest: self.dest.clone(),
            steps,
            back,
            deletes,
            local_deletes,
            backup: None,
            hold: self
                .incomplete
                .as_ref()
                .map(|why| format!("not deleted: a listing was not complete ({why})")),
            record: self.record.as_ref().map(|b| self.refreshed(b)),
        }
    }

    /// The record with what the plan found already the same.
    fn refreshed(&self, book: &Book) -> Book {
        let mut book = book.clone();
        let (src_local, dst_local) = (self.source.is_local(), self.dest.is_local());
        for r in &self.rows {
            if let (Reason::Same(_), Some(s), Some(d)) = (&r.reason, &r.source, &r.dest) {
                let synced = Synced {
                    source: print_of(s, src_local),
                    dest: print_of(d, dst_local),
                };
                book.paths.insert(r.from.clone(), synced);
            }
        }
        book
    }
}

/// What the plan saw at a place the run writes (`local`: a folder).
fn expect(e: &Option<Entry>, local: bool) -> Expect {
    match e {
        None => Expect::Absent,
        Some(d) if local => Expect::File {
            size: d.size,
            mtime: d.time.and_then(|m| m.to_system_time()),
        },
        Some(d) => Expect::Object {
            etag: d.etag.clone(),
            size: d.size,
        },
    }
}

/// An entry's fingerprint for the record.
fn print_of(e: &Entry, local: bool) -> Print {
    if local {
        Print::file(e.size, e.time.and_then(|m| m.to_system_time()))
    } else {
        Print::object(e.size, e.etag.as_deref(), e.time.map(|m| m.secs))
    }
}

/// A row that would overwrite or delete a change made at the destination
/// since the last sync, while the source changed too: a conflict.
pub(super) fn against_record(
    row: Row,
    book: Option<&Book>,
    (src_local, dst_local): (bool, bool),
) -> Row {
    let Some(was) = book.and_then(|b| b.paths.get(&row.from)) else {
        return row;
    };
    let changed = |before: &Print, now: &Option<Entry>, local| match now {
        None => Some(true),
        Some(e) => before.changed(&print_of(e, local)),
    };
    let source = changed(&was.source, &row.source, src_local);
    let dest = changed(&was.dest, &row.dest, dst_local);
    let reason = match row.action {
        a if a.sends() && row.dest.is_some() && source == Some(true) && dest == Some(true) => {
            Reason::BothChanged
        }
        Action::Delete if dest == Some(true) => Reason::ChangedSinceDeleted,
        _ => return row,
    };
    Row {
        action: Action::Conflict,
        reason,
        ..row
    }
}
