//! What benchmarks read from a fake: when each generation was due, when the fake first said it
//! was done, and how many times its status was asked for.

use std::time::Instant;

#[derive(Debug, Clone)]
pub struct GenerationTiming {
    /// The service's id for it (Gamma's generation id, Presenton's task id).
    pub id: String,
    pub created: Instant,
    /// From this moment the fake reports it done.
    pub ready_at: Instant,
    /// The first status answer that said so (None while nobody has asked since).
    pub first_done_answer: Option<Instant>,
    /// Status requests for it, answered or not.
    pub status_requests: u32,
}

/// Simulated seconds for the n-th generation (0-based, in the order the fake accepted them):
/// the n-th entry of `plan`, or `default` past its end.
pub fn planned_secs(plan: &[f64], n: usize, default: f64) -> f64 {
    plan.get(n).copied().unwrap_or(default).max(0.0)
}
