//! What the bucket card does with a message: read what a shown card
//! lacks, forget a card to read it again, cycle its profile, and take each
//! part's answer as it arrives.

use super::{Cards, Reply, Request, Slot};
use crate::app::cx::Cx;
use crate::app::{Job, Load, Owner, TaskId};
use crate::store::settings::Part;

#[derive(Debug)]
pub enum Msg {
    /// The card of `bucket` is on screen: read every part not read yet,
    /// and stop reading the cards no longer shown.
    Show {
        bucket: String,
    },
    /// Nothing's card is on screen: stop the reads under way.
    Hide,
    /// Read `bucket`'s card again (a refresh, or a change to its settings).
    Forget {
        bucket: String,
    },
    /// The next profile for `bucket`'s posture.
    CycleProfile {
        bucket: String,
    },
    Task(TaskId, Box<Reply>),
}

impl Cards {
    pub fn update(&mut self, cx: &mut Cx, msg: Msg) {
        match msg {
            Msg::Show { bucket } => {
                self.stop_others(cx, Some(&bucket));
                self.ask_identity(cx);
                let card = self.by_bucket.entry(bucket.clone()).or_default();
                for part in Part::ALL {
                    if card.parts.contains_key(&part) {
                        continue;
                    }
                    let id = cx.start_background(
                        Owner::Card(Slot::Part(bucket.clone(), part)),
                        Job::Card(Request::Part {
                            bucket: bucket.clone(),
                            part,
                        }),
                    );
                    card.parts.insert(part, Load::Loading(id));
                }
            }
            Msg::Hide => self.stop_others(cx, None),
            Msg::Forget { bucket } => {
                cx.cancel_where(|o| matches!(o, Owner::Card(Slot::Part(b, _)) if *b == bucket));
                if let Some(c) = self.by_bucket.get_mut(&bucket) {
                    c.parts.clear();
                }
                // The account's setting may have changed with it.
                if matches!(self.account, Some(Load::Ready(_) | Load::Failed(_))) {
                    self.account = None;
                    self.ask_account(cx);
                }
            }
            Msg::CycleProfile { bucket } => {
                let default = cx.session.settings.posture.for_bucket(&bucket).0;
                let card = self.by_bucket.entry(bucket.clone()).or_default();
                let next = card.profile.unwrap_or(default).next();
                card.profile = Some(next);
                cx.status(format!("Posture profile: {}", next.describe()));
            }
            Msg::Task(id, reply) => self.arrived(cx, id, *reply),
        }
    }

    fn arrived(&mut self, cx: &mut Cx, id: TaskId, reply: Reply) {
        match reply {
            Reply::Part {
                bucket,
                part,
                result,
            } => {
                if let Some(c) = self.by_bucket.get_mut(&bucket)
                    && matches!(c.parts.get(&part), Some(Load::Loading(t)) if *t == id)
                {
                    c.parts.insert(part, load(result));
                }
            }
            Reply::Identity(r) => {
                if Load::waits(&self.identity, id) {
                    self.identity = Some(load(r));
                    self.ask_account(cx);
                }
            }
            Reply::Account(r) => {
                if Load::waits(&self.account, id) {
                    self.account = Some(load(r));
                }
            }
            other => {
                if let Some(other) = self.on_reply(cx, other) {
                    self.changed(cx, other);
                }
            }
        }
    }

    /// Cancels the part reads of every card but `keep`'s; their slots go
    /// back to "not asked" at once (a cancelled task's answer is dropped),
    /// so coming back asks again.
    fn stop_others(&mut self, cx: &mut Cx, keep: Option<&str>) {
        cx.cancel_where(|o| matches!(o, Owner::Card(Slot::Part(b, _)) if Some(b.as_str()) != keep));
        for (name, card) in &mut self.by_bucket {
            if Some(name.as_str()) != keep {
                card.parts.retain(|_, l| !matches!(l, Load::Loading(_)));
            }
        }
    }

    fn ask_identity(&mut self, cx: &mut Cx) {
        if self.identity.is_none() {
            let id = cx.start_background(Owner::Card(Slot::Identity), Job::Card(Request::Identity));
            self.identity = Some(Load::Loading(id));
        }
    }

    fn ask_account(&mut self, cx: &mut Cx) {
        if self.account.is_some() {
            return;
        }
        if let Some(Load::Ready(who)) = &self.identity {
            let id = cx.start_background(
                Owner::Card(Slot::Account),
                Job::Card(Request::Account {
                    account: who.account.clone(),
                }),
            );
            self.account = Some(Load::Loading(id));
        }
    }
}

fn load<T>(r: crate::store::StoreResult<T>) -> Load<T> {
    match r {
        Ok(v) => Load::Ready(v),
        Err(e) => Load::Failed(e),
    }
}
