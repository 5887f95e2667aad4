//! Bounded concurrency per provider with a first-in, first-out queue. A job holds a slot from
//! submit to file. Jobs already started on the service (resumed after a restart) enter without
//! waiting: they are running there anyway, and holding them back would only delay the file.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::providers::ProviderKind;

#[derive(Debug, Default)]
struct Lane {
    limit: usize,
    active: usize,
    waiters: VecDeque<oneshot::Sender<Permit>>,
}

#[derive(Debug)]
pub struct Slots {
    lanes: Mutex<HashMap<ProviderKind, Lane>>,
    default_limit: usize,
}

/// A held slot; dropping it lets the next queued job start.
#[derive(Debug)]
pub struct Permit {
    slots: Arc<Slots>,
    kind: ProviderKind,
    armed: bool,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.armed {
            self.slots.release(self.kind);
        }
    }
}

impl Slots {
    pub fn new(limits: &HashMap<ProviderKind, usize>, default_limit: usize) -> Arc<Slots> {
        let lanes = ProviderKind::ALL
            .into_iter()
            .map(|k| (k, Lane { limit: limits.get(&k).copied().unwrap_or(default_limit).max(1), ..Lane::default() }))
            .collect();
        Arc::new(Slots { lanes: Mutex::new(lanes), default_limit: default_limit.max(1) })
    }

    fn with_lane<R>(&self, kind: ProviderKind, f: impl FnOnce(&mut Lane) -> R) -> R {
        let mut lanes = self.lanes.lock().unwrap_or_else(|p| p.into_inner());
        let lane = lanes.entry(kind).or_insert_with(|| Lane { limit: self.default_limit, ..Lane::default() });
        f(lane)
    }

    /// Waits for a slot, in arrival order. Dropping the future gives up the place in line.
    pub async fn acquire(self: &Arc<Self>, kind: ProviderKind) -> Permit {
        let rx = self.with_lane(kind, |lane| {
            if lane.active < lane.limit && lane.waiters.is_empty() {
                lane.active += 1;
                None
            } else {
                let (tx, rx) = oneshot::channel();
                lane.waiters.push_back(tx);
                Some(rx)
            }
        });
        match rx {
            None => Permit { slots: self.clone(), kind, armed: true },
            // The sender lives in the lane until granted; a closed channel cannot happen
            // while `self` is alive, but a fresh wait is the safe answer if it does.
            Some(rx) => match rx.await {
                Ok(permit) => permit,
                Err(_) => Box::pin(self.acquire(kind)).await,
            },
        }
    }

    /// Takes a slot at once, even above the limit (for jobs already running on the service).
    pub fn enter(self: &Arc<Self>, kind: ProviderKind) -> Permit {
        self.with_lane(kind, |lane| lane.active += 1);
        Permit { slots: self.clone(), kind, armed: true }
    }

    pub fn set_limit(self: &Arc<Self>, kind: ProviderKind, limit: usize) {
        self.with_lane(kind, |lane| lane.limit = limit.max(1));
        self.grant(kind);
    }

    /// How many at once for a provider.
    pub fn limit(&self, kind: ProviderKind) -> usize {
        self.with_lane(kind, |lane| lane.limit)
    }

    /// (running, waiting) for a provider.
    pub fn load(&self, kind: ProviderKind) -> (usize, usize) {
        self.with_lane(kind, |lane| (lane.active, lane.waiters.iter().filter(|w| !w.is_closed()).count()))
    }

    fn release(self: &Arc<Self>, kind: ProviderKind) {
        self.with_lane(kind, |lane| lane.active = lane.active.saturating_sub(1));
        self.grant(kind);
    }

    fn grant(self: &Arc<Self>, kind: ProviderKind) {
        self.with_lane(kind, |lane| {
            while lane.active < lane.limit {
                let Some(tx) = lane.waiters.pop_front() else { break };
                lane.active += 1;
                if let Err(mut unsent) = tx.send(Permit { slots: self.clone(), kind, armed: true }) {
                    // The waiter gave up; take the slot back without re-entering the lock.
                    unsent.armed = false;
                    lane.active -= 1;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn slots(limit: usize) -> Arc<Slots> {
        Slots::new(&HashMap::from([(ProviderKind::Gamma, limit)]), 3)
    }

    #[tokio::test]
    async fn limits_and_serves_in_order() {
        let s = slots(2);
        let a = s.acquire(ProviderKind::Gamma).await;
        let b = s.acquire(ProviderKind::Gamma).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for i in 0..3 {
            let (s, order) = (s.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let p = s.acquire(ProviderKind::Gamma).await;
                order.lock().unwrap().push(i);
                tokio::time::sleep(Duration::from_millis(5)).await;
                drop(p);
            }));
            // Queue them in a known order.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(s.load(ProviderKind::Gamma), (2, 3));
        drop(a);
        drop(b);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2]);
        assert_eq!(s.load(ProviderKind::Gamma), (0, 0));
        // Other providers are separate lanes with the default limit.
        let _x: Vec<Permit> = vec![
            s.acquire(ProviderKind::Presenton).await,
            s.acquire(ProviderKind::Presenton).await,
            s.acquire(ProviderKind::Presenton).await,
        ];
        assert_eq!(s.load(ProviderKind::Presenton), (3, 0));
    }

    #[tokio::test]
    async fn a_waiter_that_gives_up_does_not_leak_its_slot() {
        let s = slots(1);
        let a = s.acquire(ProviderKind::Gamma).await;
        let gave_up = tokio::time::timeout(Duration::from_millis(10), s.acquire(ProviderKind::Gamma)).await;
        assert!(gave_up.is_err());
        drop(a);
        let again = tokio::time::timeout(Duration::from_secs(5), s.acquire(ProviderKind::Gamma)).await;
        assert!(again.is_ok());
        drop(again);
        assert_eq!(s.load(ProviderKind::Gamma), (0, 0));
    }

    #[tokio::test]
    async fn enter_skips_the_line_and_raising_the_limit_lets_waiters_in() {
        let s = slots(1);
        let _a = s.acquire(ProviderKind::Gamma).await;
        let _b = s.enter(ProviderKind::Gamma);
        assert_eq!(s.load(ProviderKind::Gamma), (2, 0));
        let waiter = tokio::spawn({
            let s = s.clone();
            async move { s.acquire(ProviderKind::Gamma).await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiter.is_finished());
        s.set_limit(ProviderKind::Gamma, 3);
        assert_eq!(s.limit(ProviderKind::Gamma), 3);
        let p = tokio::time::timeout(Duration::from_secs(5), waiter).await.unwrap().unwrap();
        assert_eq!(s.load(ProviderKind::Gamma), (3, 0));
        drop(p);
    }
}
