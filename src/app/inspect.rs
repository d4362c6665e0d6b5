//! The inspector's data: details of the object under the cursor (fetched
//! once the cursor rests, the latest request wins) and of the bucket-list
//! row under the cursor. Moving on cancels the fetch for the row left.
//! `App::inspected` turns what is known into the view model the
//! inspector's layout reads.

use super::tree::Selected;
use super::{App, Browse, Effect, Extent, Load, Screen};
use crate::keymap::{Action, Context};
use crate::layout::card::CardView;
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
        let msg = match self.carded_bucket() {
            Some(bucket) => super::card::Msg::Show { bucket },
            None => super::card::Msg::Hide,
        };
        super::route::card(self, msg, fx);
    }

    /// The bucket whose card the inspector shows: the bucket list's row
    /// under the cursor, or the open bucket when the cursor is on its root.
    pub(crate) fn carded_bucket(&self) -> Option<String> {
        match self.view.screen {
            Screen::Buckets => self.buckets.selected().map(|r| r.name.clone()),
            Screen::Browse => {
                let b = self.browse.as_ref()?;
                let at_root = match b.tree.selected() {
                    None => b.tree.root.is_empty(),
                    Some(Selected::Prefix(p)) => p.is_empty(),
                    Some(Selected::Object(_)) => false,
                };
                at_root.then(|| b.tree.bucket.clone())
            }
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
            card: self.card_view(),
        }
    }

    /// The card of the bucket under the cursor, with its posture weighed
    /// for the profile chosen on it (else the config's).
    fn card_view(&self) -> Option<CardView<'_>> {
        let bucket = self.carded_bucket()?;
        let (default, lock) = self.session.settings.posture.for_bucket(&bucket);
        let profile = self
            .cards
            .by_bucket
            .get(&bucket)
            .and_then(|c| c.profile)
            .unwrap_or(default);
        let facts = self.cards.facts(&bucket, lock);
        let posture = crate::posture::assess(&facts, profile);
        let profile_key = self
            .session
            .keymap
            .key_for(Context::Buckets, Action::Profile)
            .unwrap_or_else(|| "?".into());
        Some(CardView {
            facts,
            posture,
            identity: fetched(self.cards.identity.as_ref()),
            profile_key,
        })
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
