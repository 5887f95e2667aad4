//! Job ids, wall-clock time and the small random source used for ids and poll jitter.
//! A seeded generator keeps the poll schedule and its simulation deterministic in tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix milliseconds now.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// SplitMix64: tiny, fast and good enough for jitter and id suffixes (not for secrets).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed)
    }

    /// Seeded from the clock and a process-wide counter, so two engines differ.
    pub fn from_clock() -> Rng {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
        Rng(nanos ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed).rotate_left(17))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller), for simulations.
    pub fn next_normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// `j<ms as 11 hex digits>-<6 random hex digits>`: unique in practice, and sorting the strings
/// sorts by creation time.
pub fn new_job_id(now_ms: u64, rng: &mut Rng) -> String {
    format!("j{:011x}-{:06x}", now_ms, rng.next_u64() & 0xff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_differ() {
        let mut rng = Rng::seeded(1);
        let a = new_job_id(1_700_000_000_000, &mut rng);
        let b = new_job_id(1_700_000_000_001, &mut rng);
        let c = new_job_id(1_700_000_000_001, &mut rng);
        assert!(a < b && a < c);
        assert_ne!(b, c);
        assert_eq!(a.len(), 19);
    }

    #[test]
    fn uniform_draws_stay_in_range() {
        let mut rng = Rng::seeded(7);
        let mut sum = 0.0;
        for _ in 0..10_000 {
            let x = rng.next_f64();
            assert!((0.0..1.0).contains(&x));
            sum += x;
        }
        assert!((sum / 10_000.0 - 0.5).abs() < 0.02);
    }
}
