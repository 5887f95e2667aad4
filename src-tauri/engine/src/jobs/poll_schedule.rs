//! When to ask the service again. A pure function of what is known: time since the service
//! accepted the job, past durations for this provider and size, the last error and any
//! `Retry-After`. No clock, no randomness of its own (the caller passes a jitter draw), so it
//! is tested exactly and simulated deterministically (`poll_simulation.rs`).
//!
//! With history, polls go where completion is likely. The past durations are smoothed into a
//! distribution without assuming its shape (a kernel estimate in log-time: one small bump per
//! past deck, so two kinds of deck give two humps and a long tail stays long), and a plan of
//! poll times is laid out once per job: gaps shrink as `k / hazard^γ` where decks usually
//! finish and stay wide where they do not, with `k` chosen so the plan expects no more requests
//! than polling every `budget_gap` would on the same history. Every gap stays within the
//! provider's floor and ceiling; after the usual finish the gaps are never wider than the
//! documented interval, so a slow deck is seen as soon as a fixed poller would see it.

use std::time::Duration;

use crate::providers::ProviderKind;

/// One provider's polling limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollRules {
    /// The documented interval, used until there is history (Gamma: 5 s).
    pub base_gap: Duration,
    /// Never closer than this, even where completion is most likely.
    pub min_gap: Duration,
    /// Never further apart than this, so progress words still arrive.
    pub max_gap: Duration,
    /// The cap of the exponential back-off after errors.
    pub max_backoff: Duration,
    /// With history, the expected requests per job are at most those of polling every
    /// `budget_gap`: the learned schedule spends the same requests, better placed.
    pub budget_gap: Duration,
}

impl PollRules {
    pub fn for_provider(kind: ProviderKind) -> PollRules {
        match kind {
            // The docs ask for about one poll every 5 s; 2 s apart near the likely finish
            // still averages at least 5 s over a job (the request budget).
            ProviderKind::Gamma => PollRules {
                base_gap: Duration::from_secs(5),
                min_gap: Duration::from_secs(2),
                max_gap: Duration::from_secs(20),
                max_backoff: Duration::from_secs(30),
                budget_gap: Duration::from_secs(5),
            },
            // Presenton suggests 2–5 s and shows progress words worth seeing. Until decks have
            // been seen, 5 s: faster would cost more requests than fixed 5 s polling, and
            // without history nothing says where the extra requests would pay off.
            ProviderKind::Presenton | ProviderKind::PresentonSelf => PollRules {
                base_gap: Duration::from_secs(5),
                min_gap: Duration::from_secs(1),
                max_gap: Duration::from_secs(10),
                max_backoff: Duration::from_secs(30),
                budget_gap: Duration::from_secs(5),
            },
        }
    }

    /// Polling every `gap` and nothing else (the baselines the benchmark compares with).
    pub fn fixed(gap: Duration) -> PollRules {
        PollRules { base_gap: gap, min_gap: gap, max_gap: gap, max_backoff: Duration::from_secs(30).max(gap), budget_gap: gap }
    }

    /// Every interval times `factor` (tests and benchmarks run services in scaled time).
    pub fn scaled(self, factor: f64) -> PollRules {
        let f = |d: Duration| d.mul_f64(factor.max(0.0));
        PollRules {
            base_gap: f(self.base_gap),
            min_gap: f(self.min_gap),
            max_gap: f(self.max_gap),
            max_backoff: f(self.max_backoff),
            budget_gap: f(self.budget_gap),
        }
    }
}

/// What is known before the next poll.
#[derive(Debug, Clone, Copy)]
pub struct PollInput<'a> {
    /// Since the service accepted the job.
    pub elapsed: Duration,
    /// Errors in a row from the last polls (0 after a good answer).
    pub consecutive_errors: u32,
    /// What the service asked for with its last answer.
    pub retry_after: Option<Duration>,
    /// What was learned from past durations for this provider and size.
    pub learned: Option<&'a Learned>,
    /// A uniform draw in [0, 1) for jitter.
    pub jitter: f64,
}

/// The wait before the next status request.
pub fn next_delay(rules: &PollRules, input: &PollInput) -> Duration {
    let jitter = input.jitter.clamp(0.0, 1.0);
    if let Some(wait) = input.retry_after {
        // Never earlier than asked; a little later so many clients do not return at once.
        return wait.max(rules.min_gap) + wait.mul_f64(0.1 * jitter);
    }
    if input.consecutive_errors > 0 {
        let exp = 2f64.powi(input.consecutive_errors.saturating_sub(1).min(16) as i32);
        let full = rules.max_backoff.as_secs_f64().min(exp);
        // "Equal jitter": at least half the back-off, spread over the other half.
        let wait = full * (0.5 + 0.5 * jitter);
        return Duration::from_secs_f64(wait).max(rules.min_gap);
    }
    let elapsed = input.elapsed.as_secs_f64();
    let gap = match input.learned {
        Some(learned) => learned.gap_after(elapsed),
        // Without history: on the grid of the documented interval since acceptance, as a
        // fixed poller would ask.
        None => {
            let (base, floor) = (rules.base_gap.as_secs_f64().max(1e-3), rules.min_gap.as_secs_f64());
            ((elapsed + floor * 0.5) / base).floor() * base + base - elapsed
        }
    };
    // Planned times are kept; the jitter only nudges (±1 %, ±50 ms on 5 s) so decks started
    // together do not ask in the same millisecond, and it does not add up from one poll to the
    // next. More would move the polls off the plan (and, without history, off the grid that
    // makes the first decks no worse off than fixed polling).
    let (lo, hi) = (rules.min_gap, rules.max_gap.max(rules.base_gap));
    Duration::from_secs_f64(gap * (0.99 + 0.02 * jitter)).clamp(lo, hi)
}

/// The duration to learn from for a deck first seen done at `seen` (since acceptance), whose
/// last answer before said "not yet" at `pending` (if this run asked before): the middle of
/// the interval in which it finished. Taking the moment it was seen would teach the schedule
/// that decks take half a gap longer than they do, and the plan would lag by as much.
pub fn recorded_duration(pending: Option<Duration>, seen: Duration) -> Duration {
    match pending {
        Some(p) if p < seen => p + (seen - p) / 2,
        _ => seen,
    }
}

/// Fewer past decks than this say too little; the schedule falls back to the base gap.
pub const MIN_SAMPLES: usize = 3;

/// The plan of polls learned from past durations (computed once per job, not per poll).
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// Seconds after acceptance, ascending.
    plan: Vec<f64>,
    /// The gap once the plan is used up (a deck far slower than any before).
    tail_gap: f64,
    min_gap: f64,
    /// How many past decks it was learned from.
    pub samples: usize,
}

impl Learned {
    /// `None` below [`MIN_SAMPLES`] usable (positive, finite) durations in seconds.
    pub fn from_secs(rules: &PollRules, secs: &[f64]) -> Option<Learned> {
        let curve = Curve::new(&Kde::new(secs)?);
        let shape = Shape::for_rules(rules);
        // The budget is counted on the past decks themselves: what polling every budget gap
        // cost them, against what the plan would have.
        let past: Vec<f64> = secs.iter().copied().filter(|s| s.is_finite() && *s > 0.0).collect();
        let fixed: f64 = past.iter().map(|&d| (d / rules.budget_gap.as_secs_f64()).ceil().max(1.0)).sum();
        let over = |plan: &[f64]| past.iter().map(|&d| requests_until(plan, shape.tail_cap, d)).sum::<f64>() > BUDGET_MARGIN * fixed;
        // Requests fall as k grows: the smallest k within budget is the densest plan allowed.
        let (mut lo, mut hi) = (1e-6_f64, 1e6_f64);
        for _ in 0..32 {
            let mid = (lo * hi).sqrt();
            if over(&shape.plan(&curve, mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        Some(Learned { plan: shape.plan(&curve, hi), tail_gap: shape.tail_cap, min_gap: shape.min, samples: past.len() })
    }

    /// Seconds from `elapsed` to the next planned poll.
    fn gap_after(&self, elapsed: f64) -> f64 {
        // A poll planned closer than the floor is skipped for the one after it: its moment
        // has passed (the last answer was slow, or the app just started).
        let i = self.plan.partition_point(|&t| t < elapsed + self.min_gap * 0.5);
        match self.plan.get(i) {
            Some(&t) => t - elapsed,
            None => self.tail_gap,
        }
    }

    /// The planned poll times (seconds after acceptance), for tests and the simulation.
    pub fn plan(&self) -> &[f64] {
        &self.plan
    }
}

/// Status requests until a deck done at `d` is seen, polling at `plan`, then every `tail_gap`.
fn requests_until(plan: &[f64], tail_gap: f64, d: f64) -> f64 {
    let before = plan.partition_point(|&t| t < d);
    if before < plan.len() {
        return (before + 1) as f64;
    }
    let last = plan.last().copied().unwrap_or(0.0);
    plan.len() as f64 + ((d - last) / tail_gap.max(1e-9)).ceil().max(1.0)
}

/// How the plan's gaps follow the hazard.
#[derive(Debug, Clone, Copy)]
struct Shape {
    min: f64,
    max: f64,
    /// The widest gap once half of the past decks had finished.
    tail_cap: f64,
}

/// Gaps shrink as `k / hazard^GAMMA`. 0.5 would minimise the mean wait for a request budget;
/// a steeper curve spends the budget where most decks finish, which is what the typical
/// (median) deck feels, while the tail cap keeps the slow ones no worse off than fixed polling.
/// Chosen on the simulation's spreads (`examples/poll_schedule_sim.rs`).
const GAMMA: f64 = 1.5;

/// The plan aims a little below the budget: it is fitted to a few past decks, and the next
/// ones differ.
const BUDGET_MARGIN: f64 = 0.9;

impl Shape {
    fn for_rules(rules: &PollRules) -> Shape {
        Shape {
            min: rules.min_gap.as_secs_f64(),
            max: rules.max_gap.max(rules.base_gap).as_secs_f64(),
            tail_cap: rules.budget_gap.as_secs_f64(),
        }
    }

    fn raw_gap(&self, curve: &Curve, k: f64, t: f64) -> f64 {
        let (scale, early) = curve.at(t);
        let cap = if early { self.max } else { self.tail_cap.min(self.max) };
        (k * scale).clamp(self.min, cap.max(self.min))
    }

    /// Poll times from 0 until nearly every past deck would have finished.
    fn plan(&self, curve: &Curve, k: f64) -> Vec<f64> {
        let mut out = Vec::new();
        let mut t = 0.0;
        while t < curve.end && out.len() < 4000 {
            let g = self.raw_gap(curve, k, t);
            // Looking ahead keeps a wide gap from jumping over the start of a likely window.
            let g = g.min(self.raw_gap(curve, k, t + g / 2.0)).min(self.raw_gap(curve, k, t + g));
            t += g;
            out.push(t);
        }
        out
    }
}

/// `ln(1 / hazard^GAMMA)` and "fewer than half finished yet" on a grid in log-time, computed once
/// per history so laying out a plan for each trial `k` costs only look-ups.
#[derive(Debug, Clone)]
struct Curve {
    ln_start: f64,
    step: f64,
    points: Vec<(f64, bool)>,
    end: f64,
}

impl Curve {
    const POINTS: usize = 512;

    fn new(kde: &Kde) -> Curve {
        let lowest = kde.centres.iter().copied().fold(f64::MAX, f64::min);
        let end = kde.quantile_end();
        // From far below the fastest deck (where nothing finishes) to the end of the plan.
        let ln_start = lowest - 3.0;
        let step = (end.ln() - ln_start) / (Self::POINTS - 1) as f64;
        let points = (0..Self::POINTS)
            .map(|i| {
                let t = (ln_start + step * i as f64).exp();
                let (surv, dens) = kde.at(t);
                let hazard = if surv < 1e-300 { 0.0 } else { dens / surv };
                (-GAMMA * hazard.max(1e-12).ln(), surv > 0.5)
            })
            .collect();
        Curve { ln_start, step, points, end }
    }

    /// At t seconds: the gap per unit of k, and whether most decks are still unfinished.
    fn at(&self, t: f64) -> (f64, bool) {
        let x = (t.max(1e-9).ln() - self.ln_start) / self.step;
        let last = self.points.len() - 1;
        let (ln_scale, early) = if x <= 0.0 {
            self.points[0]
        } else if x >= last as f64 {
            self.points[last]
        } else {
            let i = x as usize;
            let w = x - i as f64;
            let (a, b) = (self.points[i], self.points[i + 1]);
            (a.0 * (1.0 - w) + b.0 * w, if w < 0.5 { a.1 } else { b.1 })
        };
        (ln_scale.exp(), early)
    }
}

/// A kernel density estimate of durations in log-time: a logistic bump of scale `s` at each
/// past deck's log-duration (each bump a log-logistic distribution). Makes no assumption about
/// the overall shape, and its tail stays heavy: past the slowest deck seen, the chance of
/// finishing in the next second falls instead of rising, as it does for decks that are stuck.
#[derive(Debug, Clone)]
struct Kde {
    centres: Vec<f64>,
    s: f64,
}

impl Kde {
    fn new(secs: &[f64]) -> Option<Kde> {
        let centres: Vec<f64> = secs.iter().copied().filter(|s| s.is_finite() && *s > 0.0).map(f64::ln).collect();
        if centres.len() < MIN_SAMPLES {
            return None;
        }
        let n = centres.len() as f64;
        let mean = centres.iter().sum::<f64>() / n;
        let sd = (centres.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        // Silverman's bandwidth (as a standard deviation; a logistic's is s·π/√3). The floor
        // keeps identical durations from claiming perfect foresight.
        let bw = (1.06 * sd * n.powf(-0.2)).max(0.05);
        Some(Kde { centres, s: bw * 3f64.sqrt() / std::f64::consts::PI })
    }

    /// (survival, density) at t.
    fn at(&self, t: f64) -> (f64, f64) {
        let lt = t.max(1e-9).ln();
        let (mut surv, mut dens) = (0.0, 0.0);
        for &c in &self.centres {
            let e = (-(lt - c) / self.s).exp();
            // Logistic: survival 1/(1 + e^z) = e/(1 + e), density e/(1 + e)² per unit of z.
            let p = e / (1.0 + e);
            if p.is_finite() {
                surv += p;
                dens += p / (1.0 + e);
            } else {
                surv += 1.0;
            }
        }
        let n = self.centres.len() as f64;
        (surv / n, dens / (n * self.s * t.max(1e-9)))
    }

    /// Where the plan may stop: past all but a sliver of the estimate.
    fn quantile_end(&self) -> f64 {
        let top = self.centres.iter().copied().fold(f64::MIN, f64::max);
        (top + 6.0 * self.s).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PollInput<'static> {
        PollInput { elapsed: Duration::ZERO, consecutive_errors: 0, retry_after: None, learned: None, jitter: 0.5 }
    }

    fn gamma() -> PollRules {
        PollRules::for_provider(ProviderKind::Gamma)
    }

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    #[test]
    fn without_history_polls_on_the_documented_grid_with_a_little_jitter() {
        let r = gamma();
        assert_eq!(next_delay(&r, &input()), Duration::from_secs(5));
        let lo = next_delay(&r, &PollInput { jitter: 0.0, ..input() });
        let hi = next_delay(&r, &PollInput { jitter: 0.999, ..input() });
        assert!(secs(lo) >= 4.95 && secs(hi) <= 5.05 && lo < hi, "{lo:?} {hi:?}");
        // A slow answer does not shift the grid: back to 10 s after acceptance.
        let at = |e: f64| secs(next_delay(&r, &PollInput { elapsed: Duration::from_secs_f64(e), ..input() }));
        assert!((at(5.3) - 4.7).abs() < 1e-9);
        // A grid point closer than half the floor is skipped (no two requests 0.8 s apart).
        assert!((at(9.2) - 5.8).abs() < 1e-9);
        // Presenton waits as long as Gamma until it has seen decks (no more requests than 5 s).
        let p = PollRules::for_provider(ProviderKind::PresentonSelf);
        assert_eq!(next_delay(&p, &input()), Duration::from_secs(5));
    }

    #[test]
    fn fixed_rules_poll_at_exactly_their_interval() {
        let r = PollRules::fixed(Duration::from_secs(2));
        for (e, j) in [(0.0, 0.0), (3.7, 0.999), (100.1, 0.5)] {
            assert_eq!(next_delay(&r, &PollInput { elapsed: Duration::from_secs_f64(e), jitter: j, ..input() }), Duration::from_secs(2));
        }
        let learned = Learned::from_secs(&r, &[10.0, 11.0, 12.0, 13.0]).unwrap();
        assert_eq!(next_delay(&r, &PollInput { learned: Some(&learned), ..input() }), Duration::from_secs(2));
        assert_eq!(r.scaled(0.5).base_gap, Duration::from_secs(1));
    }

    #[test]
    fn retry_after_is_never_shortened() {
        let r = gamma();
        for jitter in [0.0, 0.5, 0.99] {
            let d = next_delay(&r, &PollInput { retry_after: Some(Duration::from_secs(40)), consecutive_errors: 3, jitter, ..input() });
            assert!(d >= Duration::from_secs(40) && d <= Duration::from_secs(44), "{d:?}");
        }
        // Even "now" keeps the provider's floor.
        let d = next_delay(&r, &PollInput { retry_after: Some(Duration::ZERO), ..input() });
        assert_eq!(d, r.min_gap);
    }

    #[test]
    fn errors_back_off_exponentially_up_to_the_cap() {
        let r = PollRules::for_provider(ProviderKind::Presenton);
        let at = |n, jitter| next_delay(&r, &PollInput { consecutive_errors: n, jitter, ..input() });
        assert_eq!(at(1, 0.999).as_secs(), 1);
        assert!(at(3, 0.0) >= Duration::from_secs(2) && at(3, 0.999) <= Duration::from_secs(4));
        assert!(at(6, 0.999) <= Duration::from_secs(30) && at(6, 0.0) >= Duration::from_secs(15));
        assert!(at(40, 0.999) <= Duration::from_secs(30));
        assert!(at(1, 0.0) >= r.min_gap);
    }

    #[test]
    fn learned_plan_is_sparse_early_dense_near_the_usual_finish_and_capped_after() {
        let r = gamma();
        let past = [80.0, 90.0, 100.0, 85.0, 95.0, 110.0, 75.0, 92.0, 88.0, 104.0];
        let learned = Learned::from_secs(&r, &past).unwrap();
        let at = |e: f64| next_delay(&r, &PollInput { elapsed: Duration::from_secs_f64(e), learned: Some(&learned), ..input() });
        assert_eq!(at(0.0), r.max_gap, "nothing finishes in the first seconds");
        let plan = learned.plan();
        let near = |t: f64| plan.windows(2).find(|w| w[1] >= t).map(|w| w[1] - w[0]).unwrap();
        assert!(near(90.0) < 5.0, "denser than fixed near the usual finish: {plan:?}");
        assert!(near(90.0) >= secs(r.min_gap) - 1e-9);
        assert!(near(40.0) > 10.0, "sparse long before it: {plan:?}");
        // Past the plan (a deck slower than all before): no wider than the budget interval.
        assert_eq!(at(10_000.0), r.budget_gap);
        for e in [0.0, 30.0, 60.0, 90.0, 120.0, 600.0, 100_000.0] {
            let d = at(e);
            assert!(d >= r.min_gap && d <= r.max_gap, "{e}: {d:?}");
        }
        // On the decks it learned from, the plan costs fewer requests than polling every 5 s.
        let fixed: f64 = past.iter().map(|d| (d / 5.0_f64).ceil()).sum();
        let planned: f64 = past.iter().map(|&d| requests_until(plan, learned.tail_gap, d)).sum();
        assert!(planned <= BUDGET_MARGIN * fixed + 1e-9, "{planned} vs {fixed}");
    }

    #[test]
    fn too_little_history_learns_nothing() {
        assert!(Learned::from_secs(&gamma(), &[60.0, 70.0]).is_none());
        assert!(Learned::from_secs(&gamma(), &[60.0, f64::NAN, -1.0, 0.0]).is_none());
        // Identical durations still leave room either side.
        let same = Learned::from_secs(&gamma(), &[60.0; 5]).unwrap();
        assert!(same.plan().iter().any(|&t| t < 60.0) && same.plan().iter().any(|&t| t > 60.0));
    }

    #[test]
    fn a_poll_whose_moment_passed_is_skipped_for_the_next() {
        let r = gamma();
        let learned = Learned::from_secs(&r, &[80.0, 90.0, 100.0, 85.0, 95.0]).unwrap();
        let plan = learned.plan().to_vec();
        let i = plan.iter().position(|&t| t > 80.0).unwrap();
        // Just before a planned poll (less than half the floor): that one is skipped.
        let e = plan[i] - 0.5;
        let d = secs(next_delay(&r, &PollInput { elapsed: Duration::from_secs_f64(e), learned: Some(&learned), ..input() }));
        assert!((d - (plan[i + 1] - e)).abs() < 1e-6, "{d} {plan:?}");
    }

    #[test]
    fn the_learned_duration_is_the_middle_of_the_interval_it_finished_in() {
        let s = Duration::from_secs;
        assert_eq!(recorded_duration(Some(s(10)), s(15)), Duration::from_millis(12_500));
        assert_eq!(recorded_duration(None, s(15)), s(15));
        assert_eq!(recorded_duration(Some(s(20)), s(15)), s(15));
    }

    #[test]
    fn the_estimate_keeps_a_heavy_tail() {
        let kde = Kde::new(&[60.0, 70.0, 80.0, 90.0, 100.0]).unwrap();
        let hazard = |t: f64| {
            let (s, f) = kde.at(t);
            f / s
        };
        // Past the slowest deck the chance of finishing any second now falls: a deck that is
        // late is more likely stuck, so polls do not crowd there.
        assert!(hazard(400.0) < hazard(200.0) && hazard(200.0) < hazard(120.0), "{} {} {}", hazard(120.0), hazard(200.0), hazard(400.0));
        let (s0, _) = kde.at(1.0);
        assert!((s0 - 1.0).abs() < 1e-9);
    }
}
