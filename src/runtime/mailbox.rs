//! How tasks report to the loop without a flood growing memory. Two kinds
//! of report travel differently:
//!
//! - **Messages that must arrive** (a listing page, a plan, an answer,
//!   `TaskEnded`) go through a bounded queue: when the loop falls behind,
//!   the task that sends waits, never the loop and never the user.
//! - **Reports that supersede each other** (a transfer's progress sample,
//!   running totals, "N keys listed") go to one slot per task: a new one
//!   replaces the one the loop has not read yet, merged where the old one
//!   carried something the new one does not (a transfer's finished items).
//!
//! The loop reads the slots first, so a task's last progress report always
//! arrives before its `TaskEnded`, which is sent after it.

use crate::app::{Msg, TaskEvent, TaskId};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc};

/// Messages that may wait in the queue before a sending task waits too.
pub const CAPACITY: usize = 256;

struct Slots {
    /// One unread report per task, oldest first.
    unread: Mutex<Vec<(TaskId, Msg)>>,
    notify: Notify,
}

/// The tasks' end of the mailbox; cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    tx: mpsc::Sender<Msg>,
    slots: Arc<Slots>,
}

/// The loop's end of the mailbox.
pub struct Inbox {
    rx: mpsc::Receiver<Msg>,
    slots: Arc<Slots>,
}

pub fn mailbox(capacity: usize) -> (Outbox, Inbox) {
    let (tx, rx) = mpsc::channel(capacity.max(1));
    let slots = Arc::new(Slots {
        unread: Mutex::new(Vec::new()),
        notify: Notify::new(),
    });
    (
        Outbox {
            tx,
            slots: slots.clone(),
        },
        Inbox { rx, slots },
    )
}

impl Outbox {
    /// Sends a message that must arrive, waiting while the queue is full.
    /// A closed loop (quitting) drops it.
    pub async fn send(&self, msg: Msg) {
        let _ = self.tx.send(msg).await;
    }

    /// [`Outbox::send`] from a thread outside the runtime (a blocking task).
    pub fn blocking_send(&self, msg: Msg) {
        let _ = self.tx.blocking_send(msg);
    }

    /// Leaves `event` as task `id`'s latest report, replacing (merged) one
    /// the loop has not read yet. Never waits.
    pub fn report(&self, id: TaskId, event: TaskEvent) {
        let msg = Msg::Task(id, event);
        let mut unread = self.slots.unread.lock().unwrap_or_else(|p| p.into_inner());
        match unread.iter().position(|(t, _)| *t == id) {
            // In its place: reports of different tasks keep their order.
            Some(i) => {
                let (_, older) = unread.remove(i);
                unread.insert(i, (id, supersede(older, msg)));
            }
            None => unread.push((id, msg)),
        }
        drop(unread);
        self.slots.notify.notify_one();
    }
}

/// What replaces `older` when `newer` arrives before the loop read it: the
/// newer report, keeping a transfer's finished items of both.
fn supersede(older: Msg, newer: Msg) -> Msg {
    match (older, newer) {
        (Msg::Task(_, TaskEvent::Transfer(old)), Msg::Task(id, TaskEvent::Transfer(mut new))) => {
            let mut items = old.items;
            items.append(&mut new.items);
            new.items = items;
            Msg::Task(id, TaskEvent::Transfer(new))
        }
        (_, newer) => newer,
    }
}

impl Inbox {
    fn take_report(&self) -> Option<Msg> {
        let mut unread = self.slots.unread.lock().unwrap_or_else(|p| p.into_inner());
        (!unread.is_empty()).then(|| unread.remove(0).1)
    }

    /// The next report or message; `None` once every [`Outbox`] is gone and
    /// nothing is left to read.
    pub async fn recv(&mut self) -> Option<Msg> {
        loop {
            if let Some(m) = self.take_report() {
                return Some(m);
            }
            tokio::select! {
                biased;
                _ = self.slots.notify.notified() => continue,
                m = self.rx.recv() => return match m {
                    Some(m) => Some(m),
                    // The senders are gone; a report may still wait.
                    None => self.take_report(),
                },
            }
        }
    }

    /// What is already there, without waiting.
    pub fn try_recv(&mut self) -> Option<Msg> {
        self.take_report().or_else(|| self.rx.try_recv().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::task::TransferReport;

    fn transfer(items: usize, finished: bool) -> TaskEvent {
        let item = crate::engine::Item {
            name: "k".into(),
            outcome: crate::engine::Outcome::Cancelled,
            dest: None,
        };
        TaskEvent::Transfer(Box::new(TransferReport {
            items: vec![item; items],
            finished,
            ..Default::default()
        }))
    }

    #[tokio::test]
    async fn unread_progress_is_replaced_and_keeps_finished_items() {
        let (out, mut inbox) = mailbox(4);
        for _ in 0..1000 {
            out.report(TaskId(1), transfer(1, false));
        }
        out.report(TaskId(1), transfer(0, true));
        out.send(Msg::TaskEnded(TaskId(1), None)).await;
        match inbox.recv().await {
            Some(Msg::Task(TaskId(1), TaskEvent::Transfer(r))) => {
                assert!(r.finished, "the newest report");
                assert_eq!(r.items.len(), 1000, "no finished item lost");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(inbox.recv().await, Some(Msg::TaskEnded(TaskId(1), None)));
        drop(out);
        assert_eq!(inbox.recv().await, None);
    }

    #[tokio::test]
    async fn a_failure_sent_after_running_totals_arrives_after_them() {
        let (out, mut inbox) = mailbox(4);
        let totals = |n| {
            let t = crate::store::PrefixTotals {
                objects: n,
                bytes: n,
            };
            TaskEvent::Browse(crate::app::browse::Reply::Totals(Ok((t, false))))
        };
        out.report(TaskId(3), totals(1000));
        out.report(TaskId(3), totals(2000));
        let err = crate::store::StoreError::new(crate::store::ErrorKind::Timeout, "x");
        out.send(Msg::Task(
            TaskId(3),
            TaskEvent::Browse(crate::app::browse::Reply::Totals(Err(err.clone()))),
        ))
        .await;
        assert_eq!(inbox.recv().await, Some(Msg::Task(TaskId(3), totals(2000))));
        assert_eq!(
            inbox.recv().await,
            Some(Msg::Task(
                TaskId(3),
                TaskEvent::Browse(crate::app::browse::Reply::Totals(Err(err)))
            ))
        );
    }

    #[tokio::test]
    async fn a_full_queue_makes_the_sender_wait_not_grow() {
        let (out, mut inbox) = mailbox(2);
        let sender = tokio::spawn(async move {
            for n in 0..10 {
                out.send(Msg::CleaningUp(n)).await;
            }
        });
        tokio::task::yield_now().await;
        let mut got = Vec::new();
        while let Some(Msg::CleaningUp(n)) = inbox.recv().await {
            got.push(n);
        }
        sender.await.unwrap();
        assert_eq!(got, (0..10).collect::<Vec<_>>(), "in order, none lost");
    }
}
