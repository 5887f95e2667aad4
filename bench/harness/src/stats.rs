//! Figures as the report prints them: every repetition kept, summarised as min / median / max.

use serde::Serialize;

/// One measured quantity over the repetitions of a benchmark.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub min: f64,
    pub median: f64,
    pub max: f64,
    /// Every repetition's value, in the order measured.
    pub runs: Vec<f64>,
}

impl Figure {
    pub fn of(runs: Vec<f64>) -> Figure {
        let finite: Vec<f64> = runs.iter().copied().filter(|v| v.is_finite()).collect();
        Figure { min: quantile(&finite, 0.0), median: quantile(&finite, 0.5), max: quantile(&finite, 1.0), runs }
    }
}

/// The `q` quantile (0..=1) of `values`, interpolated between order statistics; NaN if empty.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    deckhand_engine::jobs::poll_simulation::quantile(values, q)
}

/// One row of a comparison: Deckhand's figure, the baseline's, and the ratio of each run's
/// pair (so a noisy machine moves both sides of a ratio together).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compared {
    pub deckhand: Figure,
    pub baseline: Figure,
    pub ratio: Figure,
}

impl Compared {
    pub fn of(deckhand: Vec<f64>, baseline: Vec<f64>) -> Compared {
        let ratio = deckhand.iter().zip(&baseline).map(|(d, b)| if *b != 0.0 { d / b } else { f64::NAN }).collect();
        Compared { deckhand: Figure::of(deckhand), baseline: Figure::of(baseline), ratio: Figure::of(ratio) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_runs_and_ratios_pair_them() {
        let f = Figure::of(vec![3.0, 1.0, 2.0]);
        assert_eq!((f.min, f.median, f.max), (1.0, 2.0, 3.0));
        assert_eq!(f.runs, vec![3.0, 1.0, 2.0]);
        let c = Compared::of(vec![2.0, 4.0], vec![4.0, 4.0]);
        assert_eq!((c.ratio.min, c.ratio.max), (0.5, 1.0));
        assert!(Figure::of(vec![]).median.is_nan());
    }
}
