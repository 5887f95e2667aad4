//! Polling politely: Retry-After, back-off, the deadline and "check again", cancel, and the
//! per-provider limit with its queue.

mod support;

use std::time::Duration;

use deckhand_engine::jobs::{JobState, PollConfig};
use deckhand_engine::providers::{DeckRequest, ExportFormat, ProviderKind};
use deckhand_engine::{EngineEvent, Error};
use support::*;

fn rate_limited(secs: u64) -> Error {
    Error::RateLimited { message: "Gamma is busy.".into(), retry_after_secs: Some(secs), details: Default::default() }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_between_polls() {
    let h = harness(|_| {});
    h.fake.script(|s| s.statuses.extend([Ok(running("Working", 1, 5)), Err(rate_limited(40)), Ok(running("Working", 2, 5))]));
    let job = h.submit("busy").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done);
    let t = h.fake.status_times();
    assert_eq!(t.len(), 4);
    let gap = t[2] - t[1];
    assert!(gap >= Duration::from_secs(40) && gap <= Duration::from_secs(45), "{gap:?}");
    assert!(t[1] - t[0] < Duration::from_secs(10), "normal polls stay near the 5 s rhythm");
}

#[tokio::test(start_paused = true)]
async fn server_and_network_errors_back_off_and_polling_goes_on() {
    let h = harness(|_| {});
    let server = Error::Server { message: "Gamma had a problem.".into(), details: Default::default() };
    h.fake.script(|s| s.statuses.extend([Err(server.clone()), Err(network_error()), Err(server.clone()), Err(server)]));
    let job = h.submit("flaky").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done);
    let t = h.fake.status_times();
    assert_eq!(t.len(), 5);
    // Gaps after errors 1..4 are drawn from [0.5, 1]·min(2^(n-1), 30) s, floored at 2 s.
    assert!(t[4] - t[3] >= Duration::from_secs(4), "{:?}", t[4] - t[3]);
    // The person was told after a few failures in a row.
    let told = h.events().into_iter().any(|e| matches!(e, EngineEvent::JobChanged { job } if job.progress.as_deref() == Some("Having trouble reaching Gamma; still trying.")));
    assert!(told);
}

#[tokio::test(start_paused = true)]
async fn at_the_deadline_the_job_is_still_running_and_check_again_finishes_it() {
    let h = harness(|c| {
        c.poll = PollConfig::default();
        c.poll.deadlines.insert(ProviderKind::Gamma, Duration::from_secs(60));
    });
    h.fake.set_hold(true);
    let job = h.submit("slow").await;
    let stalled = h.wait(&job.id).await;
    assert_eq!(stalled.state, JobState::Running);
    assert!(stalled.stalled);
    assert_eq!(stalled.progress.as_deref(), Some("Still running on Gamma — check again later."));
    assert!(stalled.error.is_none());
    let polls = h.fake.statuses();
    assert!((10..=14).contains(&polls), "about one poll every 5 s for a minute: {polls}");
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(h.fake.statuses(), polls, "polling stopped");
    // Stalled survives a restart as stalled (not resumed on its own).
    let (again, _) = open_engine(&h.data_dir(), &h.fake, |_| {});
    again.resume_all();
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(h.fake.statuses(), polls);
    assert!(again.job(&job.id).unwrap().stalled);
    drop(again);

    h.fake.set_hold(false);
    let checking = h.engine.check_again(&job.id).await.unwrap();
    assert!(!checking.stalled && checking.state == JobState::Running);
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(h.fake.submits(), 1);
}

#[tokio::test(start_paused = true)]
async fn cancel_mid_poll_stops_at_once_and_says_the_service_may_still_charge() {
    let h = harness(|_| {});
    h.fake.set_hold(true);
    let job = h.submit("never mind").await;
    until("a few polls", || h.fake.statuses() >= 2).await;
    let cancelled = h.engine.cancel(&job.id).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    let err = cancelled.error.unwrap();
    assert_eq!(err.kind(), "cancelled");
    assert!(err.message().contains("may still finish"));
    let polls = h.fake.statuses();
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert_eq!(h.fake.statuses(), polls, "no poll after cancel");
    assert_eq!(h.engine.job(&job.id).unwrap().state, JobState::Cancelled, "the old task did not write over it");
    assert_eq!(h.engine.wait(&job.id).await.unwrap().state, JobState::Cancelled);
    // Cancelling a finished job changes nothing.
    assert_eq!(h.engine.cancel(&job.id).await.unwrap().state, JobState::Cancelled);
}

#[tokio::test(start_paused = true)]
async fn cancel_while_queued_frees_the_place_in_line() {
    let h = harness(|c| {
        c.concurrency.insert(ProviderKind::Gamma, 1);
    });
    h.fake.set_hold(true);
    let first = h.submit("first").await;
    let second = h.submit("second").await;
    until("first running", || h.fake.statuses() >= 1).await;
    assert_eq!(h.engine.job(&second.id).unwrap().state, JobState::Queued);
    h.engine.cancel(&second.id).await.unwrap();
    h.fake.set_hold(false);
    assert_eq!(h.wait(&first.id).await.state, JobState::Done);
    assert_eq!(h.fake.submits(), 1, "the cancelled job was never sent");
}

#[tokio::test(start_paused = true)]
async fn the_per_provider_limit_holds_and_the_queue_is_first_in_first_out() {
    let h = harness(|c| {
        c.concurrency.insert(ProviderKind::Gamma, 2);
    });
    h.fake.set_hold(true);
    let items = (0..5)
        .map(|i| {
            let req = DeckRequest { content: format!("deck {i}"), format: ExportFormat::Pdf, ..Default::default() };
            (ProviderKind::Gamma, req, h.out_dir())
        })
        .collect();
    let jobs: Vec<_> = h.engine.submit_batch(items).await.into_iter().map(|r| r.unwrap()).collect();
    until("two running", || h.fake.statuses() >= 4).await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    let by_state = count_by_state(&h.engine.jobs());
    assert_eq!(by_state.get(&JobState::Running), Some(&2), "{by_state:?}");
    assert_eq!(by_state.get(&JobState::Queued), Some(&3));
    assert_eq!(h.fake.submits(), 2);
    h.fake.set_hold(false);
    for j in &jobs {
        assert_eq!(h.wait(&j.id).await.state, JobState::Done);
    }
    // Replay the events: never more than two past `queued` and not finished at once, and
    // submits went out in the order the jobs were made.
    let mut states = std::collections::HashMap::new();
    let (mut max_active, mut order) = (0, Vec::new());
    for e in h.events() {
        if let EngineEvent::JobChanged { job } = e {
            if job.state == JobState::Submitting && states.get(&job.id) != Some(&JobState::Submitting) {
                order.push(job.id.clone());
            }
            states.insert(job.id.clone(), job.state);
            let active = states.values().filter(|s| matches!(s, JobState::Submitting | JobState::Running | JobState::Downloading)).count();
            max_active = max_active.max(active);
        }
    }
    assert_eq!(max_active, 2);
    assert_eq!(order, jobs.iter().map(|j| j.id.clone()).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn a_poll_error_that_is_not_transient_needs_attention_and_can_be_checked_again() {
    let h = harness(|_| {});
    let auth = Error::Auth { message: "The Gamma key was refused.".into(), details: Default::default() };
    h.fake.script(|s| s.statuses.push_back(Err(auth)));
    let job = h.submit("key changed").await;
    let stuck = h.wait(&job.id).await;
    assert_eq!(stuck.state, JobState::NeedsAttention);
    assert_eq!(stuck.error.as_ref().unwrap().kind(), "auth");
    let done = {
        h.engine.check_again(&job.id).await.unwrap();
        h.wait(&job.id).await
    };
    assert_eq!(done.state, JobState::Done);
    assert_eq!(h.fake.submits(), 1);
}

/// The same engine on a multi-threaded runtime in real (scaled-down) time: no deadlock, the
/// limit holds, everything finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_jobs_on_a_multi_threaded_runtime_all_finish() {
    use deckhand_engine::jobs::poll_schedule::PollRules;
    let h = harness(|c| {
        c.concurrency.insert(ProviderKind::Gamma, 2);
        let fast = PollRules {
            base_gap: Duration::from_millis(20),
            min_gap: Duration::from_millis(5),
            max_gap: Duration::from_millis(50),
            max_backoff: Duration::from_millis(100),
            budget_gap: Duration::from_millis(20),
        };
        c.poll.rules.insert(ProviderKind::Gamma, fast);
    });
    h.fake.script(|s| {
        for i in 0..12 {
            s.statuses.push_back(Ok(running("Working", i % 4, 4)));
        }
    });
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(h.submit(&format!("mt {i}")).await.id);
    }
    for id in &ids {
        let job = tokio::time::timeout(Duration::from_secs(120), h.engine.wait(id)).await.expect("settles").unwrap();
        assert_eq!(job.state, JobState::Done);
    }
    assert_eq!(h.fake.submits(), 6);
    let mut states = std::collections::HashMap::new();
    let mut max_active = 0;
    for e in h.events() {
        if let EngineEvent::JobChanged { job } = e {
            states.insert(job.id.clone(), job.state);
            let active = states.values().filter(|s| matches!(s, JobState::Submitting | JobState::Running | JobState::Downloading)).count();
            max_active = max_active.max(active);
        }
    }
    assert!(max_active <= 2, "{max_active}");
}
