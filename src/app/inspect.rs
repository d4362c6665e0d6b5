//! The inspector's data: details of the object under the cursor (fetched
//! once the cursor rests, the latest request wins) and of the bucket-list
//! row under the cursor. Moving on cancels the fetch for the row left.
//! `App::inspected` turns what is known into the view model the
//! inspector's layout reads.

use super::tree::Selected;
use super::{App, Browse, Effect, Extent, Load, Screen};
use crate::keymap::{Action, Context};
use crate::layout::inspector::{Counted, Fetched, Folder, Inspected, Listing, Root, Subject};

impl App {
    /// Details are fetched once the cursor rests, so holding `j` through a
    /// long listing does not fire a HeadObject per row.
    pub(crate) fn schedule_inspect(&mut self) {
        self.view.inspect_due =
            Some(self.session.tick + self.session.settings.inspect_delay_ticks.max(1));
    }

    /// Runs a scheduled fetch whose time has come.
    pub(crate) fn inspect_if_due(&mut self, fx: &mut Vec<Effect>) {
        if self
            .view
            .inspect_due
            .is_some_and(|due| self.session.tick >= due)
        {
            self.inspect_now(fx);
        }
    }

    /// Fetches the details of what the cursor rests on, in the list that
    /// shows.
    pub(crate) fn inspect_now(&mut self, fx: &mut Vec<Effect>) {
        self.view.inspect_due = None;
        match self.view.screen {
            Screen::Buckets => super::route::buckets(self, super::buckets::Msg::Inspect, fx),
            Screen::Browse => super::route::browse(self, super::browse::Msg::Inspect, fx),
        }
    }
}

impl App {
    /// What the inspector shows now, as the view model layout, the
    /// renderer and scrolling read (layout::inspector).
    pub fn inspected(&self) -> Inspected<'_> {
        Inspected {
            subject: self.subject(),
            tz: self.session.tz,
            conn: &self.session.conn,
        }
    }

    fn subject(&self) -> Subject<'_> {
        match self.view.screen {
            Screen::Buckets => {
                let Some(row) = self.buckets.selected() else {
                    return Subject::NoBucket;
                };
                let region = match (&row.info, &row.region) {
                    (Some(Load::Ready(i)), _) => Some(i.region.clone()),
                    (_, Some(Load::Ready(r))) => Some(r.clone()),
                    _ => None,
                };
                Subject::Bucket {
                    name: &row.name,
                    region,
                    created: row.created,
                    info: fetched(row.info.as_ref()),
                }
            }
            Screen::Browse => {
                let Some(b) = &self.browse else {
                    return Subject::Nothing;
                };
                let region = b.region().unwrap_or(&self.session.conn.region).to_owned();
                match b.tree.selected() {
                    Some(Selected::Object(key)) => Subject::Object {
                        bucket: &b.tree.bucket,
                        region,
                        info: fetched(b.objects.get(&key)),
                        key,
                        creds: self.creds(),
                    },
                    Some(Selected::Prefix(p)) => self.prefix_subject(b, region, p),
                    None => self.prefix_subject(b, region, b.tree.root.clone()),
                }
            }
        }
    }

    fn prefix_subject<'a>(&'a self, b: &'a Browse, region: String, prefix: String) -> Subject<'a> {
        let folder = b.tree.folder(&prefix).map(|f| {
            let prefixes = f.entries.iter().filter(|e| e.is_prefix).count();
            Folder {
                prefixes,
                objects: f.entries.len() - prefixes,
                bytes: f.entries.iter().map(|e| e.size).sum(),
                state: listing(&f.state),
            }
        });
        let totals = b.totals.get(&prefix).map(|t| Counted {
            objects: t.totals.objects,
            bytes: t.totals.bytes,
            state: listing(&t.state),
        });
        let count_key = self
            .session
            .keymap
            .key_for(Context::Tree, Action::CountPrefix)
            .unwrap_or_else(|| "?".into());
        let root = prefix.is_empty().then(|| Root {
            created: self
                .buckets
                .rows
                .iter()
                .find(|r| r.name == b.tree.bucket)
                .and_then(|r| r.created),
            info: fetched(b.info.as_ref()),
        });
        Subject::Prefix {
            bucket: &b.tree.bucket,
            region,
            prefix,
            folder,
            totals,
            count_key,
            root,
        }
    }
}

/// A background load as the inspector sees it.
fn fetched<T>(l: Option<&Load<T>>) -> Fetched<'_, &T> {
    match l {
        Some(Load::Ready(t)) => Fetched::Ready(t),
        Some(Load::Failed(e)) => Fetched::Failed(e),
        _ => Fetched::Waiting,
    }
}

/// What the inspector says of a listing's or a count's progress.
fn listing(state: &Load<Extent>) -> Listing<'_> {
    match state {
        Load::Loading(_) => Listing::Loading,
        Load::Ready(Extent::Whole) => Listing::Done,
        Load::Ready(Extent::Partial) => Listing::Partial,
        Load::Failed(e) => Listing::Failed(e),
    }
}
