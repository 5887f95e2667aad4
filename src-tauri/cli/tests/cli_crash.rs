//! Crash test: the CLI is killed with SIGKILL at random moments of submit, poll and download
//! (seeded, so a failure can be replayed with CRASH_SEED), restarted with `resume` (which may
//! itself be killed), and then:
//! * every journal parses;
//! * no job is lost: a deck the fake server was asked for has a job in the journal;
//! * nothing is paid twice: the fake received each deck's submit at most once;
//! * no partial or corrupt file sits under a final name: every non-`.part` file is a whole deck
//!   and belongs to a job, and a done job has exactly one (no second copy after a kill between
//!   naming the file and journaling `done`);
//! * after the last `resume`, every job is done, or needs attention because it was killed
//!   while its submit was on the way.
//!
//! Runs go four at a time against shared fakes with time scaled 1/100, so 100 runs take well
//! under two minutes on two cores (about 20 s when measured).

mod support;

use std::collections::HashMap;
use std::time::Duration;

use deckhand_engine::jobs::content_check::check_file;
use deckhand_engine::jobs::JobState;
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, GAMMA_KEY};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, HOSTED_KEY};
use support::*;

const RUNS: u64 = 100;
const PARALLEL: usize = 4;

/// xorshift64*: enough randomness for kill times, and replayable from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This many milliseconds after the start.
    After(u64),
    /// This many milliseconds after the journal first shows the job in this state (watched
    /// every 2 ms), so the short phases (the submit, the download) are hit too.
    InState(&'static str, u64),
}

struct Plan {
    run: u64,
    provider: &'static str,
    format: &'static str,
    /// When to kill: first the `generate`, then each `resume` but the last.
    kills: Vec<Kill>,
}

fn plans(seed: u64) -> Vec<Plan> {
    let mut rng = Rng(seed | 1);
    (0..RUNS)
        .map(|run| {
            let provider = if rng.below(2) == 0 { "gamma" } else { "presenton" };
            let format = ["pptx", "pdf"][rng.below(2) as usize];
            // A generation takes ~0.6 s at this scale; kills spread over submit (first tens of
            // ms), polling and the download.
            let kills = 1 + rng.below(2) as usize;
            // The CLI needs some tens of ms to start and journal; most kills land after that.
            let kills = (0..kills)
                .map(|_| match rng.below(4) {
                    0 => Kill::After(rng.below(900)),
                    1 => Kill::InState("submitting", rng.below(4)),
                    2 => Kill::InState("running", rng.below(300)),
                    _ => Kill::InState("downloading", rng.below(4)),
                })
                .collect();
            Plan { run, provider, format, kills }
        })
        .collect()
}

#[derive(Debug, Default)]
struct Tally {
    done: usize,
    needs_attention: usize,
    never_journaled: usize,
    /// Where each kill found the job, as its journal said just after the kill.
    killed_in: std::collections::BTreeMap<String, usize>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_moments_loses_nothing_and_pays_once() {
    let seed: u64 = std::env::var("CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5EED_DECC_4A1D);
    let started = std::time::Instant::now();
    let gamma = FakeGamma::start(FakeGammaConfig { credits: 1e9, ..FakeGammaConfig::default() }).await.unwrap();
    let presenton = FakePresenton::start(FakePresentonConfig { credits: 1e9, ..FakePresentonConfig::hosted().with_time_scale(TIME_SCALE) }).await.unwrap();
    let env = [
        ("DECKHAND_GAMMA_API_KEY", GAMMA_KEY.to_string()),
        ("DECKHAND_GAMMA_BASE_URL", gamma.base_url.to_string()),
        ("DECKHAND_PRESENTON_API_KEY", HOSTED_KEY.to_string()),
        ("DECKHAND_PRESENTON_BASE_URL", presenton.base_url.to_string()),
    ];

    let mut tally = Tally::default();
    let mut all = plans(seed).into_iter().peekable();
    let mut places = Vec::new();
    while all.peek().is_some() {
        let batch: Vec<Plan> = all.by_ref().take(PARALLEL).collect();
        let runs = batch.into_iter().map(|plan| {
            let mut place = Place::new();
            for (k, v) in &env {
                place = place.with(k, v);
            }
            async move {
                let killed_in = crash_and_resume(&place, &plan).await;
                (plan, place, killed_in)
            }
        });
        // Polled together: each run mostly waits on its child process.
        places.extend(futures_util::future::join_all(runs).await);
    }

    // Submits the fakes received, per deck (the content names the run).
    let mut submits: HashMap<String, usize> = HashMap::new();
    for body in gamma
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.contains("/generations"))
        .filter_map(|r| r.body)
        .chain(presenton.requests().into_iter().filter(|r| r.method == "POST" && r.path.contains("generate")).filter_map(|r| r.body))
    {
        let text = body.to_string();
        if let Some(start) = text.find("crash-run-") {
            let marker: String = text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            *submits.entry(marker).or_default() += 1;
        }
    }

    for (plan, place, killed_in) in &places {
        for k in killed_in {
            *tally.killed_in.entry(k.clone()).or_default() += 1;
        }
        let marker = format!("crash-run-{}", plan.run);
        let sent = submits.get(&marker).copied().unwrap_or(0);
        let ctx = format!("seed {seed}, run {} ({}, kills {:?})", plan.run, plan.provider, plan.kills);
        assert!(sent <= 1, "{ctx}: the deck was paid for {sent} times");
        let journal = place.journal();
        let jobs = journal.map(|j| j.jobs).unwrap_or_default();
        assert!(jobs.len() <= 1, "{ctx}: {} jobs for one request", jobs.len());
        match jobs.first() {
            None => {
                assert_eq!(sent, 0, "{ctx}: the service got the deck but the job was lost");
                tally.never_journaled += 1;
            }
            Some(job) => match job.state {
                JobState::Done => {
                    assert_eq!(sent, 1, "{ctx}");
                    let file = job.file.as_ref().expect("a done job has its file");
                    check_file(file, deckhand_engine::providers::ExportFormat::parse(plan.format).unwrap())
                        .unwrap_or_else(|e| panic!("{ctx}: the saved file is not a whole deck: {e}"));
                    tally.done += 1;
                }
                JobState::NeedsAttention => {
                    assert_eq!(job.error.as_ref().map(|e| e.kind()), Some("submit_uncertain"), "{ctx}: {job:?}");
                    tally.needs_attention += 1;
                }
                other => panic!("{ctx}: after resume the job is still {other:?}: {job:?}"),
            },
        }
        let format = deckhand_engine::providers::ExportFormat::parse(plan.format).unwrap();
        let owned = jobs.first().and_then(|j| j.file.clone());
        // Exactly one deck per job: a kill between "the file got its name" and "the journal
        // says done" must not lead to a second copy, since the name is journaled first.
        let finals = final_files(&place.out());
        for f in &finals {
            check_file(f, format).unwrap_or_else(|e| panic!("{ctx}: {} under a final name is not a whole deck: {e}", f.display()));
            assert_eq!(Some(f), owned.as_ref(), "{ctx}: a file no job owns (a second copy?): {finals:?}");
        }
        let expected = usize::from(jobs.first().is_some_and(|j| j.state == JobState::Done));
        assert_eq!(finals.len(), expected, "{ctx}: {finals:?}");
    }
    let secs = started.elapsed().as_secs_f64();
    println!("crash test, seed {seed}: {RUNS} runs in {secs:.1} s: {tally:?}; submits received {}", submits.values().sum::<usize>());
    assert!(tally.done > RUNS as usize / 2, "most runs should end with a deck: {tally:?}");
    // About 25 kills aim at each phase; the polling and download phases last long enough to
    // be hit on any machine (the submit, a few ms on loopback, is reported, not required).
    for phase in ["running", "downloading"] {
        assert!(tally.killed_in.contains_key(phase), "no kill landed in {phase}: {tally:?}");
    }
}

/// `generate`, killed; then `resume`, killed for each further kill time; then a last `resume`.
async fn crash_and_resume(place: &Place, plan: &Plan) -> Vec<String> {
    let mut killed_in = Vec::new();
    let content = format!("crash-run-{} about tides", plan.run);
    let args = ["generate", "--provider", plan.provider, "--content", content.as_str(), "--format", plan.format, "--slides", "5"];
    for (i, kill) in plan.kills.iter().enumerate() {
        let mut child = if i == 0 { place.command(&args) } else { place.command(&["resume"]) }.spawn().expect("the CLI starts");
        tokio::select! {
            _ = child.wait() => {}
            _ = moment(place, *kill) => {
                child.start_kill().expect("SIGKILL");
                let _ = child.wait().await;
                let state = place.journal().and_then(|j| j.jobs.first().map(|j| j.state.as_str())).unwrap_or("not journaled");
                killed_in.push(state.to_string());
            }
        }
    }
    let last = place.run(&["--json", "resume"]).await;
    assert!(last.code.is_some(), "the last resume was not killed: {}", last.stderr);
    killed_in
}

/// Resolves at the moment to kill (never, if the job never enters the state: the child's
/// exit wins the race then).
async fn moment(place: &Place, kill: Kill) {
    match kill {
        Kill::After(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
        Kill::InState(state, ms) => {
            loop {
                // A half-written journal is never seen: it is replaced by rename.
                if place.journal().and_then(|j| j.jobs.first().map(|j| j.state.as_str() == state)).unwrap_or(false) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
}
