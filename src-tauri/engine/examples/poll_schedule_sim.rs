//! Compares Deckhand's poll schedule with polling every 5 s and every 2 s on the benchmark's
//! spreads of generation times, in simulated time (`jobs::poll_simulation`): median and p90
//! time from "done on the service" to "seen", and status requests per deck; and the lowest
//! median any schedule could reach (`best_median_ratio`). Deterministic per seed; the benchmark
//! (`scripts/bench.sh poll`) measures the same against the fake servers.
//!
//! `cargo run -p deckhand-engine --example poll_schedule_sim [decks] [seeds] [history]`

use std::time::Duration;

use deckhand_engine::jobs::poll_schedule::PollRules;
use deckhand_engine::jobs::poll_simulation::{best_median_ratio, quantile, simulate, Policy, Spread, Summary};

fn main() {
    let mut args = std::env::args().skip(1);
    let decks: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seeds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let history: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    println!("{decks} decks per run, {seeds} seeds; Deckhand learns from {history} earlier decks (and from none: cold)");
    for spread in Spread::ALL {
        println!("\n{} — {}", spread.name(), spread.describe());
        let policies = [
            ("fixed 5 s", Policy::Fixed(Duration::from_secs(5)), 0),
            ("fixed 2 s", Policy::Fixed(Duration::from_secs(2)), 0),
            ("Deckhand cold", Policy::Deckhand(PollRules::for_provider(spread.provider())), 0),
            ("Deckhand learned", Policy::Deckhand(PollRules::for_provider(spread.provider())), history),
        ];
        let base: Vec<Summary> = (0..seeds).map(|s| simulate(policies[0].1, spread, 0, decks, s)).collect();
        for (name, policy, hist) in policies {
            let runs: Vec<Summary> = (0..seeds).map(|s| simulate(policy, spread, hist, decks, s)).collect();
            let ratio = |f: fn(&Summary) -> f64| {
                let r: Vec<f64> = runs.iter().zip(&base).map(|(a, b)| f(a) / f(b)).collect();
                quantile(&r, 0.5)
            };
            let mid = |f: fn(&Summary) -> f64| quantile(&runs.iter().map(f).collect::<Vec<_>>(), 0.5);
            println!(
                "  {name:<17} median {:5.2} s ({:4.2}×)  p90 {:5.2} s ({:4.2}×)  mean {:5.2} s  requests {:6.2} ({:4.2}×)",
                mid(|s| s.median_latency),
                ratio(|s| s.median_latency),
                mid(|s| s.p90_latency),
                ratio(|s| s.p90_latency),
                mid(|s| s.mean_latency),
                mid(|s| s.mean_requests),
                ratio(|s| s.mean_requests),
            );
        }
        let best = best_median_ratio(spread, &PollRules::for_provider(spread.provider()));
        println!("  no schedule within these gaps and fixed 5 s's requests gets the median below {best:.2}× fixed 5 s");
    }
}
