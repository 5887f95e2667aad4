//! Learned generation times per provider and deck size, kept in the job store, so the poll
//! schedule can poll where a deck is likely to be ready and the UI can say "usually ~2 min".

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::providers::ProviderKind;

/// Fewer samples than this say too little; the schedule falls back to fixed polling.
pub const MIN_SAMPLES: usize = 3;
/// Only recent decks count: services get faster or slower over months.
pub const MAX_PER_BUCKET: usize = 30;

/// One finished generation: seconds from accepted to completed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationSample {
    pub provider: ProviderKind,
    pub bucket: u8,
    pub secs: f64,
    pub at_ms: u64,
}

impl DurationSample {
    pub fn new(provider: ProviderKind, slides: Option<u32>, took: Duration, at_ms: u64) -> DurationSample {
        DurationSample { provider, bucket: size_bucket(slides), secs: took.as_secs_f64(), at_ms }
    }
}

/// Size buckets: generation time grows with slides. 0 means "the service decides".
pub fn size_bucket(slides: Option<u32>) -> u8 {
    match slides {
        None => 0,
        Some(0..=5) => 1,
        Some(6..=10) => 2,
        Some(11..=20) => 3,
        Some(21..=40) => 4,
        Some(_) => 5,
    }
}

/// A log-normal fit of past durations (generation times are positive and right-skewed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationStats {
    pub samples: usize,
    /// Mean and standard deviation of ln(seconds).
    pub log_mean: f64,
    pub log_sd: f64,
}

impl DurationStats {
    /// `None` below [`MIN_SAMPLES`] usable (positive, finite) values.
    pub fn from_secs(secs: &[f64]) -> Option<DurationStats> {
        let logs: Vec<f64> = secs.iter().copied().filter(|s| s.is_finite() && *s > 0.0).map(f64::ln).collect();
        if logs.len() < MIN_SAMPLES {
            return None;
        }
        let n = logs.len() as f64;
        let mean = logs.iter().sum::<f64>() / n;
        let var = logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1.0);
        // A floor keeps a run of identical durations from claiming perfect foresight.
        Some(DurationStats { samples: logs.len(), log_mean: mean, log_sd: var.sqrt().max(0.08) })
    }

    pub fn median(&self) -> Duration {
        Duration::from_secs_f64(self.log_mean.exp())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DurationHistory {
    #[serde(default)]
    pub samples: Vec<DurationSample>,
}

impl DurationHistory {
    pub fn record(&mut self, provider: ProviderKind, slides: Option<u32>, took: Duration, at_ms: u64) {
        self.add(DurationSample::new(provider, slides, took, at_ms));
    }

    /// Adds a sample, keeping only the newest [`MAX_PER_BUCKET`] of its provider and size (the
    /// store trims the same way).
    pub fn add(&mut self, sample: DurationSample) {
        let (provider, bucket) = (sample.provider, sample.bucket);
        self.samples.push(sample);
        let same: Vec<usize> = (0..self.samples.len())
            .filter(|&i| self.samples[i].provider == provider && self.samples[i].bucket == bucket)
            .collect();
        if same.len() > MAX_PER_BUCKET {
            let drop = same.len() - MAX_PER_BUCKET;
            let oldest: Vec<usize> = same.into_iter().take(drop).collect();
            let mut i = 0;
            self.samples.retain(|_| {
                let keep = !oldest.contains(&i);
                i += 1;
                keep
            });
        }
    }

    /// Stats for this size, or for the provider as a whole when this size is new.
    pub fn stats(&self, provider: ProviderKind, slides: Option<u32>) -> Option<DurationStats> {
        let bucket = size_bucket(slides);
        let of = |same_bucket: bool| -> Vec<f64> {
            self.samples
                .iter()
                .filter(|s| s.provider == provider && (!same_bucket || s.bucket == bucket))
                .map(|s| s.secs)
                .collect()
        };
        DurationStats::from_secs(&of(true)).or_else(|| DurationStats::from_secs(&of(false)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_group_sizes() {
        assert_eq!(size_bucket(None), 0);
        assert_eq!(size_bucket(Some(5)), 1);
        assert_eq!(size_bucket(Some(6)), 2);
        assert_eq!(size_bucket(Some(60)), 5);
    }

    #[test]
    fn stats_need_three_samples_and_fit_the_median() {
        assert!(DurationStats::from_secs(&[60.0, 120.0]).is_none());
        let s = DurationStats::from_secs(&[60.0, 90.0, 135.0]).unwrap();
        assert!((s.median().as_secs_f64() - 90.0).abs() < 0.5, "{:?}", s.median());
        assert!(s.log_sd > 0.3);
        let flat = DurationStats::from_secs(&[60.0; 5]).unwrap();
        assert!(flat.log_sd >= 0.08);
    }

    #[test]
    fn falls_back_to_provider_wide_and_keeps_only_recent() {
        let mut h = DurationHistory::default();
        for i in 0..40 {
            h.record(ProviderKind::Gamma, Some(8), Duration::from_secs(60 + i), i);
        }
        assert_eq!(h.samples.len(), MAX_PER_BUCKET);
        assert_eq!(h.samples[0].secs, 70.0, "the oldest ten were dropped");
        let other_size = h.stats(ProviderKind::Gamma, Some(30)).unwrap();
        assert_eq!(other_size.samples, MAX_PER_BUCKET);
        assert!(h.stats(ProviderKind::Presenton, Some(8)).is_none());
    }
}
