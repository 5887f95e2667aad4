//! Download progress for the UI: at most one update per interval, but always the first and
//! the last, so a bar starts at once and ends full.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Throttle {
    every: Duration,
    last_sent: Option<Instant>,
    pending: Option<(u64, Option<u64>)>,
}

impl Throttle {
    pub fn new(every: Duration) -> Self {
        Throttle { every, last_sent: None, pending: None }
    }

    /// Whether to send this update now; if not, it is kept for [`Throttle::finish`].
    pub fn offer(&mut self, now: Instant, bytes: u64, total: Option<u64>) -> bool {
        let due = match self.last_sent {
            None => true,
            Some(t) => now.duration_since(t) >= self.every || total == Some(bytes),
        };
        if due {
            self.last_sent = Some(now);
            self.pending = None;
        } else {
            self.pending = Some((bytes, total));
        }
        due
    }

    /// The last update, if it was held back.
    pub fn finish(&mut self) -> Option<(u64, Option<u64>)> {
        self.pending.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_first_then_at_most_every_interval_and_the_last() {
        let t0 = Instant::now();
        let mut th = Throttle::new(Duration::from_millis(100));
        let ms = |n| t0 + Duration::from_millis(n);
        assert!(th.offer(ms(0), 10, Some(1000)));
        assert!(!th.offer(ms(50), 20, Some(1000)));
        assert!(!th.offer(ms(99), 30, Some(1000)));
        assert!(th.offer(ms(100), 40, Some(1000)));
        assert!(!th.offer(ms(120), 50, Some(1000)));
        assert_eq!(th.finish(), Some((50, Some(1000))));
        assert_eq!(th.finish(), None);
        assert!(th.offer(ms(130), 1000, Some(1000)), "the completing update goes out at once");
        assert_eq!(th.finish(), None);
    }

    #[test]
    fn many_updates_in_a_second_send_about_ten() {
        let t0 = Instant::now();
        let mut th = Throttle::new(Duration::from_millis(100));
        let sent = (0..1000).filter(|i| th.offer(t0 + Duration::from_millis(*i), *i, None)).count();
        assert!((10..=11).contains(&sent), "{sent}");
    }
}
