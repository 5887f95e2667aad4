//! Simulates many generations and prints how the learned poll schedule compares with polling
//! every 5 s: mean wait from "ready on the server" to "seen by Deckhand", and mean status
//! requests per deck. Ratios are measured in this run (deterministic per seed), not timed.
//!
//! `cargo run -p deckhand-engine --example poll_schedule_sim [jobs] [seeds]`

use std::time::Duration;

use deckhand_engine::jobs::poll_schedule::{simulate, PollRules};
use deckhand_engine::providers::ProviderKind;

fn main() {
    let mut args = std::env::args().skip(1);
    let jobs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let seeds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let scenarios = [
        ("Gamma, 1–3 min (median 100 s, σ 0.35)", ProviderKind::Gamma, 100.0, 0.35),
        ("Gamma, image-heavy (median 180 s, σ 0.5)", ProviderKind::Gamma, 180.0, 0.5),
        ("Presenton, ~4 min (median 240 s, σ 0.3)", ProviderKind::Presenton, 240.0, 0.3),
        ("Presenton, spread (median 240 s, σ 0.6)", ProviderKind::Presenton, 240.0, 0.6),
        ("Presenton self-hosted, fast (median 45 s, σ 0.4)", ProviderKind::PresentonSelf, 45.0, 0.4),
    ];
    println!("{jobs} jobs per run, 20 past decks learned, {seeds} seeds; baseline: a poll every 5 s");
    for (name, kind, median, sd) in scenarios {
        let rules = PollRules::for_provider(kind);
        let (mut wait, mut req) = (Vec::new(), Vec::new());
        for seed in 0..seeds {
            let r = simulate(&rules, median, sd, 20, jobs, Duration::from_secs(5), seed);
            wait.push(r.wait_ratio());
            req.push(r.request_ratio());
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let range = |v: &[f64]| (v.iter().cloned().fold(f64::MAX, f64::min), v.iter().cloned().fold(f64::MIN, f64::max));
        let (wl, wh) = range(&wait);
        let (rl, rh) = range(&req);
        println!(
            "{name}\n  time-to-file ratio {:.2} (range {wl:.2}–{wh:.2}); request ratio {:.2} (range {rl:.2}–{rh:.2})",
            mean(&wait),
            mean(&req)
        );
    }
}
