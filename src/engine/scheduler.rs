//! One pool of request slots shared by every transfer job. A request waits
//! for a slot; slots freed are handed out round-robin between the jobs that
//! wait, so one job with a 10 GiB file (hundreds of parts queued) and one
//! with a thousand small files each get every other free slot, whatever
//! order they queued in. Browsing does not go through here at all: the tree
//! never waits behind gigabytes.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Mutex<State>>,
}

struct State {
    free: usize,
    next_lane: u64,
    waiting: BTreeMap<u64, VecDeque<oneshot::Sender<Slot>>>,
    /// The lane served last, so the next grant goes to the one after it.
    last: u64,
}

/// One job's place in the queue.
pub struct Lane {
    id: u64,
    inner: Arc<Mutex<State>>,
}

/// A request slot; dropping it frees the slot for the next lane in turn.
pub struct Slot {
    /// `None` once the slot was handed on (nothing left to free).
    inner: Option<Arc<Mutex<State>>>,
}

impl Scheduler {
    pub fn new(slots: usize) -> Scheduler {
        Scheduler {
            inner: Arc::new(Mutex::new(State {
                free: slots.max(1),
                next_lane: 0,
                waiting: BTreeMap::new(),
                last: 0,
            })),
        }
    }

    /// A new lane for one job.
    pub fn lane(&self) -> Lane {
        let mut st = lock(&self.inner);
        st.next_lane += 1;
        Lane {
            id: st.next_lane,
            inner: self.inner.clone(),
        }
    }

    /// Slots not in use right now.
    pub fn free(&self) -> usize {
        lock(&self.inner).free
    }
}

fn lock(m: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Lane {
    /// Waits for a slot. Cancel-safe: a waiter dropped before its grant
    /// simply loses its place; a grant that finds it gone goes on to the next.
    pub async fn slot(&self) -> Slot {
        loop {
            let rx = {
                let mut st = lock(&self.inner);
                let nobody_waits = st.waiting.values().all(VecDeque::is_empty);
                if st.free > 0 && nobody_waits {
                    st.free -= 1;
                    return Slot {
                        inner: Some(self.inner.clone()),
                    };
                }
                let (tx, rx) = oneshot::channel();
                st.waiting.entry(self.id).or_default().push_back(tx);
                rx
            };
            // The grant is the slot itself: if we are dropped after it was
            // sent, the slot inside the channel is dropped and freed again.
            if let Ok(slot) = rx.await {
                return slot;
            }
        }
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        lock(&self.inner).waiting.remove(&self.id);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let mut st = lock(&inner);
        loop {
            // The first waiting lane after the one served last, wrapping.
            let after = st.last;
            let next = st
                .waiting
                .range(after + 1..)
                .chain(st.waiting.range(..=after))
                .find(|(_, q)| !q.is_empty())
                .map(|(id, _)| *id);
            let Some(lane) = next else {
                st.free += 1;
                return;
            };
            st.last = lane;
            let tx = st.waiting.get_mut(&lane).and_then(VecDeque::pop_front);
            if let Some(tx) = tx {
                let grant = Slot {
                    inner: Some(inner.clone()),
                };
                match tx.send(grant) {
                    Ok(()) => return,
                    // The waiter is gone; its grant must not free the slot
                    // again (we hold the lock and are still handing it on).
                    Err(mut unsent) => unsent.inner = None,
                }
            }
        }
    }
}

/// A walk's listing requests take the job's slots like its transfers do.
impl crate::walk::Turns for Lane {
    fn turn(&self) -> futures::future::BoxFuture<'_, Box<dyn Send>> {
        Box::pin(async move { Box::new(self.slot().await) as Box<dyn Send> })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    #[tokio::test]
    async fn free_slots_are_shared_round_robin_between_jobs() {
        let s = Scheduler::new(1);
        let big = Arc::new(s.lane());
        let small = Arc::new(s.lane());
        let first = big.slot().await;
        let order = Arc::new(StdMutex::new(Vec::new()));
        let mut handles = Vec::new();
        // The big job queues 20 parts before the small job queues 5 files.
        for (lane, name, n) in [(big.clone(), 'B', 20), (small.clone(), 's', 5)] {
            for _ in 0..n {
                let lane = lane.clone();
                let order = order.clone();
                handles.push(tokio::spawn(async move {
                    let slot = lane.slot().await;
                    order.lock().unwrap().push(name);
                    tokio::task::yield_now().await;
                    drop(slot);
                }));
                tokio::task::yield_now().await;
            }
        }
        drop(first);
        for h in handles {
            h.await.unwrap();
        }
        let got: String = order.lock().unwrap().iter().collect();
        // The small job's five files are done within its first ten grants.
        assert!(
            got.starts_with("sBsBsBsBsB") || got.starts_with("BsBsBsBsBs"),
            "{got}"
        );
        assert_eq!(s.free(), 1);
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_does_not_leak_the_slot() {
        let s = Scheduler::new(1);
        let lane = s.lane();
        let held = lane.slot().await;
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(10), lane.slot()).await;
        assert!(waiting.is_err());
        drop(held);
        assert_eq!(s.free(), 1);
        let other = s.lane();
        let _a = other.slot().await;
        assert_eq!(s.free(), 0);
    }
}
