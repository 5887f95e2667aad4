//! The poll schedule on paper: many decks, each polled by a policy until the service says it is
//! done, in simulated time (no clock, no network), so schedules are compared exactly and fast.
//! The durations come from [`Spread`]s that are deliberately *not* the log-normal shape the
//! schedule once assumed: measured values, a heavy power-law tail, two humps. The benchmark
//! (`bench/`) plays the same spreads against the fake servers in scaled real time; this file is
//! what the scheduler's unit tests and `examples/poll_schedule_sim.rs` use.

use std::time::Duration;

use crate::jobs::ids::Rng;
use crate::jobs::poll_schedule::{next_delay, recorded_duration, Learned, PollInput, PollRules};
use crate::providers::ProviderKind;

/// Seconds a real self-hosted Presenton 0.7.3 took for 5-slide decks (measured, 14 runs).
pub const PRESENTON_073_SECS: [f64; 14] = [10.6, 11.2, 11.4, 11.6, 12.3, 12.4, 12.6, 13.5, 13.5, 14.1, 16.4, 17.6, 18.3, 20.9];

/// Where generation times come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// (a) [`PRESENTON_073_SECS`], drawn with replacement.
    Presenton073,
    /// (b) Gamma-like: log-logistic (median 100 s, shape 4: a power-law tail, ~80 % of decks
    /// between 1 and 3 minutes, as Gamma's docs say), kept within 30 s – 5 min.
    GammaHeavyTail,
    /// (c) Two kinds of deck: 60 % text-only, uniform 35–60 s; 40 % image-heavy, uniform
    /// 140–240 s.
    Bimodal,
}

impl Spread {
    pub const ALL: [Spread; 3] = [Spread::Presenton073, Spread::GammaHeavyTail, Spread::Bimodal];

    pub fn name(self) -> &'static str {
        match self {
            Spread::Presenton073 => "presenton-0.7.3",
            Spread::GammaHeavyTail => "gamma-heavy-tail",
            Spread::Bimodal => "bimodal",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Spread::Presenton073 => "measured self-hosted Presenton 0.7.3, 5 slides (10.6–20.9 s)",
            Spread::GammaHeavyTail => "Gamma-like, log-logistic median 100 s, power-law tail, 30 s – 5 min",
            Spread::Bimodal => "60 % text-only 35–60 s, 40 % image-heavy 140–240 s",
        }
    }

    /// The service whose decks these are like (whose poll rules apply).
    pub fn provider(self) -> ProviderKind {
        match self {
            Spread::Presenton073 => ProviderKind::PresentonSelf,
            Spread::GammaHeavyTail | Spread::Bimodal => ProviderKind::Gamma,
        }
    }

    /// One generation time, in seconds.
    pub fn draw(self, rng: &mut Rng) -> f64 {
        match self {
            Spread::Presenton073 => PRESENTON_073_SECS[(rng.next_u64() % PRESENTON_073_SECS.len() as u64) as usize],
            Spread::GammaHeavyTail => loop {
                // Inverse CDF of the log-logistic: median · (u / (1 − u))^(1/shape).
                let u = rng.next_f64().clamp(1e-12, 1.0 - 1e-12);
                let d = 100.0 * (u / (1.0 - u)).powf(1.0 / 4.0);
                if (30.0..=300.0).contains(&d) {
                    break d;
                }
            },
            Spread::Bimodal => {
                let u = rng.next_f64();
                if rng.next_f64() < 0.6 {
                    35.0 + 25.0 * u
                } else {
                    140.0 + 100.0 * u
                }
            }
        }
    }

    /// `n` draws from a generator seeded with `seed`.
    pub fn durations(self, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Rng::seeded(seed ^ (self as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        (0..n).map(|_| self.draw(&mut rng)).collect()
    }
}

/// How a deck is polled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Policy {
    /// Deckhand's schedule with these rules (learning from history when there is some).
    Deckhand(PollRules),
    /// Every `gap`, from the moment the service accepted the deck.
    Fixed(Duration),
}

impl Policy {
    /// The policy as engine rules: fixed polling is rules whose every gap is the same.
    pub fn rules(self) -> PollRules {
        match self {
            Policy::Deckhand(rules) => rules,
            Policy::Fixed(gap) => PollRules::fixed(gap),
        }
    }

    /// Whether it learns from past decks.
    pub fn learns(self) -> bool {
        matches!(self, Policy::Deckhand(_))
    }
}

/// One deck as the simulation saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// When the service finished it (seconds after it accepted it).
    pub duration: f64,
    /// From finished on the service to seen by a status request.
    pub latency: f64,
    /// Status requests made for it.
    pub requests: u32,
    /// The duration the engine records for it (what it learns from).
    pub recorded: f64,
}

/// Polls one deck of `duration` seconds; the answer arrives `rtt` seconds after each request.
pub fn poll_one(rules: &PollRules, learned: Option<&Learned>, duration: f64, rtt: f64, rng: &mut Rng) -> Outcome {
    let mut t = 0.0;
    let mut requests = 0;
    let mut pending_at = None;
    loop {
        let input = PollInput { elapsed: Duration::from_secs_f64(t), consecutive_errors: 0, retry_after: None, learned, jitter: rng.next_f64() };
        t += next_delay(rules, &input).as_secs_f64();
        requests += 1;
        if t >= duration {
            let recorded = recorded_duration(pending_at.map(Duration::from_secs_f64), Duration::from_secs_f64(t)).as_secs_f64();
            return Outcome { duration, latency: t - duration, requests, recorded };
        }
        pending_at = Some(t);
        t += rtt;
    }
}

/// What a learning policy knows after polling `history` decks with an empty history: their
/// durations as it observed them (when its poll saw them done), as the engine records them.
pub fn learn(rules: &PollRules, history: &[f64], rng: &mut Rng) -> Option<Learned> {
    let observed: Vec<f64> = history.iter().map(|&d| poll_one(rules, None, d, 0.0, rng).recorded).collect();
    Learned::from_secs(rules, &observed)
}

/// Median, 90th percentile and mean of a set of outcomes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub decks: usize,
    pub median_latency: f64,
    pub p90_latency: f64,
    pub mean_latency: f64,
    pub mean_requests: f64,
}

/// The `q` quantile (0..=1) of `values`, linearly interpolated between order statistics.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

impl Summary {
    pub fn of(outcomes: &[Outcome]) -> Summary {
        let lat: Vec<f64> = outcomes.iter().map(|o| o.latency).collect();
        let n = outcomes.len().max(1) as f64;
        Summary {
            decks: outcomes.len(),
            median_latency: quantile(&lat, 0.5),
            p90_latency: quantile(&lat, 0.9),
            mean_latency: lat.iter().sum::<f64>() / n,
            mean_requests: outcomes.iter().map(|o| f64::from(o.requests)).sum::<f64>() / n,
        }
    }
}

/// A policy on a spread: learns from `history` decks (if it learns and `history` > 0), then
/// polls `decks` more. The durations depend on the seed only, so every policy sees the same.
pub fn simulate(policy: Policy, spread: Spread, history: usize, decks: usize, seed: u64) -> Summary {
    let rules = policy.rules();
    let mut rng = Rng::seeded(seed.wrapping_mul(31).wrapping_add(7));
    let past = spread.durations(history, seed);
    let learned = if policy.learns() { learn(&rules, &past, &mut rng) } else { None };
    let outcomes: Vec<Outcome> =
        spread.durations(decks, seed.wrapping_add(1_000_003)).into_iter().map(|d| poll_one(&rules, learned.as_ref(), d, 0.0, &mut rng)).collect();
    Summary::of(&outcomes)
}

/// The lowest median latency any poll schedule could reach on `spread` within `rules`' floor
/// and ceiling while asking no more often on average than polling every `rules.budget_gap`, as
/// a multiple of that fixed poller's median latency (half its gap). It is an oracle's: it knows
/// the spread exactly (a real schedule knows a few past decks) and may leave slow decks waiting
/// up to the ceiling, so no schedule does better; goals below it cannot be met.
///
/// Why: with gaps g(t), a deck finishing at t is seen uniformly within its gap, so the share of
/// decks seen within L is ∫ f·min(1, L/g) dt, and the requests are ∫ S/g dt plus a constant every
/// schedule pays. Where g ≥ L both are linear in 1/g with the ratio L·f/S (L times the hazard),
/// whatever g is: the best use of the budget is the floor where the hazard is highest and the
/// ceiling elsewhere (a fractional knapsack); a gap below L buys nothing more.
pub fn best_median_ratio(spread: Spread, rules: &PollRules) -> f64 {
    const DRAWS: usize = 200_000;
    const STEP: f64 = 0.25;
    let durations = spread.durations(DRAWS, 0x5EED);
    let longest = durations.iter().copied().fold(0.0, f64::max);
    // Per cell of STEP seconds: the share of decks finishing in it, and the share still running
    // at its middle.
    let mut finish = vec![0.0; (longest / STEP) as usize + 1];
    for d in durations {
        finish[(d / STEP) as usize] += 1.0 / DRAWS as f64;
    }
    let mut left = 1.0;
    let running: Vec<f64> = finish.iter().map(|p| {
        left -= p;
        left + p / 2.0
    }).collect();
    let mut by_hazard: Vec<usize> = (0..finish.len()).filter(|&i| finish[i] > 0.0).collect();
    by_hazard.sort_by(|&a, &b| (finish[b] / running[b]).total_cmp(&(finish[a] / running[a])));
    let budget_gap = rules.budget_gap.as_secs_f64();
    let ceiling = rules.max_gap.max(rules.base_gap).as_secs_f64();
    let spare = running.iter().sum::<f64>() * STEP * (1.0 / budget_gap - 1.0 / ceiling);
    let share_within = |l: f64| {
        let floor = rules.min_gap.as_secs_f64().max(l).min(ceiling);
        let extra = 1.0 / floor - 1.0 / ceiling;
        let mut share = (l / ceiling).min(1.0);
        let mut budget = spare;
        for &i in &by_hazard {
            let cost = running[i] * STEP * extra;
            if extra <= 0.0 || budget <= 0.0 {
                break;
            }
            let take = (budget / cost).min(1.0);
            share += take * finish[i] * (l * extra).min(1.0 - (l / ceiling).min(1.0));
            budget -= take * cost;
        }
        share
    };
    // The smallest L within which half the decks are seen.
    let (mut lo, mut hi) = (0.0, ceiling);
    for _ in 0..50 {
        let mid = (lo + hi) / 2.0;
        if share_within(mid) >= 0.5 {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi / (budget_gap / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_stay_in_their_ranges_and_are_reproducible() {
        for spread in Spread::ALL {
            let a = spread.durations(500, 3);
            assert_eq!(a, spread.durations(500, 3));
            assert_ne!(a, spread.durations(500, 4));
            let (lo, hi) = (quantile(&a, 0.0), quantile(&a, 1.0));
            match spread {
                Spread::Presenton073 => assert!(lo >= 10.6 && hi <= 20.9),
                Spread::GammaHeavyTail => {
                    assert!(lo >= 30.0 && hi <= 300.0);
                    let mid = a.iter().filter(|d| (60.0..=180.0).contains(*d)).count();
                    assert!((0.72..=0.88).contains(&(mid as f64 / 500.0)), "{mid}");
                }
                Spread::Bimodal => assert!(a.iter().all(|d| (35.0..=60.0).contains(d) || (140.0..=240.0).contains(d))),
            }
        }
    }

    #[test]
    fn fixed_polling_matches_its_arithmetic() {
        let mut rng = Rng::seeded(1);
        let rules = Policy::Fixed(Duration::from_secs(5)).rules();
        let o = poll_one(&rules, None, 12.3, 0.0, &mut rng);
        assert_eq!(o.requests, 3);
        assert!((o.latency - 2.7).abs() < 1e-9);
    }

    /// The scheduler's goals on every spread, in simulation (deterministic per seed; the
    /// benchmark measures the same against the fake servers).
    #[test]
    fn learned_polling_meets_its_goals_against_fixed_five_seconds() {
        let seeds = 0..6u64;
        for spread in Spread::ALL {
            let rules = PollRules::for_provider(spread.provider());
            let mean = |policy: Policy, history: usize, f: fn(&Summary) -> f64| {
                seeds.clone().map(|s| f(&simulate(policy, spread, history, 1000, s))).sum::<f64>() / seeds.clone().count() as f64
            };
            let fixed = Policy::Fixed(Duration::from_secs(5));
            let (fm, fp, fr) = (mean(fixed, 0, |s| s.median_latency), mean(fixed, 0, |s| s.p90_latency), mean(fixed, 0, |s| s.mean_requests));
            let learned = Policy::Deckhand(rules);
            let (lm, lp, lr) = (mean(learned, 30, |s| s.median_latency), mean(learned, 30, |s| s.p90_latency), mean(learned, 30, |s| s.mean_requests));
            let (cm, cr) = (mean(learned, 0, |s| s.median_latency), mean(learned, 0, |s| s.mean_requests));
            let name = spread.name();
            println!("{name}: median {lm:.2}/{fm:.2}, p90 {lp:.2}/{fp:.2}, requests {lr:.2}/{fr:.2}; cold median {cm:.2}, requests {cr:.2}");
            assert!(lr <= fr && lm <= fm && lp <= fp, "{name}: learned is worse than fixed 5 s");
            assert!((cr / fr - 1.0).abs() < 0.01 && (cm / fm - 1.0).abs() < 0.02, "{name}: cold start differs from fixed 5 s");
            if spread == Spread::Presenton073 {
                assert!(lm <= 0.5 * fm, "{name}: median {lm} vs {fm}");
            }
        }
    }

    #[test]
    fn no_schedule_beats_the_oracle_and_fixed_polling_cannot_beat_itself() {
        let five = PollRules::fixed(Duration::from_secs(5));
        for spread in Spread::ALL {
            let only_five = best_median_ratio(spread, &five);
            assert!((only_five - 1.0).abs() < 0.01, "{}: {only_five}", spread.name());
            let rules = PollRules::for_provider(spread.provider());
            let best = best_median_ratio(spread, &rules);
            let seeds = 0..6u64;
            let ratio = seeds
                .clone()
                .map(|s| {
                    let fixed = simulate(Policy::Fixed(Duration::from_secs(5)), spread, 0, 1000, s);
                    simulate(Policy::Deckhand(rules), spread, 30, 1000, s).median_latency / fixed.median_latency
                })
                .sum::<f64>()
                / seeds.count() as f64;
            println!("{}: Deckhand {ratio:.2}x fixed 5 s, best possible {best:.2}x", spread.name());
            assert!(best > 0.0 && best < 1.0 && ratio >= best - 0.02, "{}: Deckhand {ratio} below the oracle's {best}", spread.name());
        }
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert!((quantile(&[0.0, 10.0], 0.9) - 9.0).abs() < 1e-12);
    }
}
