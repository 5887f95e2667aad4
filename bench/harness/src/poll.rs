//! Benchmark 1: from "done on the service" to "file on disk", and status requests per deck.
//! Deckhand's engine, unchanged, against the fake servers in scaled time, three times side by
//! side: with its own poll schedule, polling every 5 s (Gamma's guidance) and every 2 s
//! (Presenton's SDK). Every policy gets its own fake with the same list of durations.
//!
//! Per spread and repetition: a first round of decks with nothing learned (the cold start),
//! then a second round after the engine learned from the first. Waiting on the service is
//! scaled time and is scaled back; the local part (download, journal, naming the file) is
//! counted as it took, since it runs at full speed in both worlds.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deckhand_engine::connection::{Credentials, Endpoint, ProviderConnection};
use deckhand_engine::jobs::poll_schedule::PollRules;
use deckhand_engine::jobs::poll_simulation::{best_median_ratio, Policy, Spread};
use deckhand_engine::jobs::{Engine, EngineConfig, JobState, ProviderSource};
use deckhand_engine::providers::{DeckRequest, ExportFormat, Provider, ProviderKind};
use deckhand_engine::{EngineEvent, Error, EventSink, Secret};
use deckhand_tests::faults::TimeScale;
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, FakeGammaHandle, GAMMA_KEY};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, Generation};
use deckhand_tests::timing::GenerationTiming;
use serde::Serialize;
use serde_json::{json, Value};

use crate::stats::{quantile, Figure};

pub struct Options {
    pub reps: usize,
    /// Decks learned from before the measured round (the engine keeps at most 30).
    pub train: usize,
    pub decks: usize,
    /// Overrides each spread's time scale.
    pub scale: Option<f64>,
    pub seed: u64,
}

/// The policies compared, by the names the report uses.
fn policies(kind: ProviderKind) -> [(&'static str, Policy); 3] {
    [
        ("deckhand", Policy::Deckhand(PollRules::for_provider(kind))),
        ("fixed-5s", Policy::Fixed(Duration::from_secs(5))),
        ("fixed-2s", Policy::Fixed(Duration::from_secs(2))),
    ]
}

/// Real seconds per simulated second: long enough that a poll's round trip and the machine's
/// noise (a few ms) stay small against a 1 s gap, short enough for the default run.
fn default_scale(spread: Spread) -> f64 {
    match spread {
        Spread::Presenton073 => 0.2,
        Spread::GammaHeavyTail | Spread::Bimodal => 0.05,
    }
}

/// One deck, measured.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DeckTime {
    /// Seconds from done on the service to the file on disk (scaled back where scaled).
    pub latency: f64,
    pub requests: u32,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct RoundSummary {
    pub median_latency: f64,
    pub p90_latency: f64,
    pub mean_requests: f64,
    pub decks: usize,
}

fn summarise(decks: &[DeckTime]) -> RoundSummary {
    let lat: Vec<f64> = decks.iter().map(|d| d.latency).collect();
    RoundSummary {
        median_latency: quantile(&lat, 0.5),
        p90_latency: quantile(&lat, 0.9),
        mean_requests: decks.iter().map(|d| f64::from(d.requests)).sum::<f64>() / decks.len().max(1) as f64,
        decks: decks.len(),
    }
}

pub async fn run(opts: &Options) -> Result<Value, Error> {
    let mut spreads = Vec::new();
    for spread in Spread::ALL {
        let scale = opts.scale.unwrap_or_else(|| default_scale(spread));
        // [phase][policy] → one summary per repetition, and every deck of every repetition.
        let mut results: HashMap<(&str, &str), Vec<RoundSummary>> = HashMap::new();
        let mut pooled: HashMap<(&str, &str), Vec<DeckTime>> = HashMap::new();
        for rep in 0..opts.reps {
            let seed = opts.seed.wrapping_add(rep as u64 * 7919);
            let train = spread.durations(opts.train, seed);
            let measured = spread.durations(opts.decks, seed.wrapping_add(1));
            let runs = policies(spread.provider()).map(|(name, policy)| {
                let (train, measured) = (train.clone(), measured.clone());
                async move { (name, one_policy(spread, policy, scale, &train, &measured).await) }
            });
            for (name, outcome) in futures_util::future::join_all(runs).await {
                let (cold_decks, learned_decks) = outcome?;
                let (cold, learned) = (summarise(&cold_decks), summarise(&learned_decks));
                pooled.entry(("cold", name)).or_default().extend(cold_decks);
                pooled.entry(("learned", name)).or_default().extend(learned_decks);
                eprintln!(
                    "poll: {} rep {rep} {name}: cold median {:.2} s, {:.2} requests; learned median {:.2} s, p90 {:.2} s, {:.2} requests",
                    spread.name(),
                    cold.median_latency,
                    cold.mean_requests,
                    learned.median_latency,
                    learned.p90_latency,
                    learned.mean_requests
                );
                results.entry(("cold", name)).or_default().push(cold);
                results.entry(("learned", name)).or_default().push(learned);
            }
        }
        let phase = |phase: &str| {
            let mut by_policy = serde_json::Map::new();
            for (name, _) in policies(spread.provider()) {
                let runs = results.get(&(phase, name)).cloned().unwrap_or_default();
                let all = summarise(pooled.get(&(phase, name)).map(Vec::as_slice).unwrap_or_default());
                by_policy.insert(
                    name.to_string(),
                    json!({
                        "median_latency_s": Figure::of(runs.iter().map(|r| r.median_latency).collect()),
                        "p90_latency_s": Figure::of(runs.iter().map(|r| r.p90_latency).collect()),
                        "requests_per_deck": Figure::of(runs.iter().map(|r| r.mean_requests).collect()),
                        "decks_per_run": runs.first().map(|r| r.decks).unwrap_or(0),
                        // Every deck of every repetition as one sample: the goals are judged on
                        // these, since 40 decks' median moves by a tenth from seed to seed.
                        "pooled": all,
                    }),
                );
            }
            Value::Object(by_policy)
        };
        spreads.push(json!({
            "spread": spread.name(),
            "describe": spread.describe(),
            "provider": spread.provider().as_str(),
            "time_scale": scale,
            // What no schedule can beat (an oracle's; jobs::poll_simulation::best_median_ratio).
            "best_median_ratio": best_median_ratio(spread, &PollRules::for_provider(spread.provider())),
            "cold": phase("cold"),
            "learned": phase("learned"),
        }));
    }
    Ok(json!({
        "reps": opts.reps,
        "train_decks": opts.train,
        "decks": opts.decks,
        "seed": opts.seed,
        "spreads": spreads,
    }))
}

/// A fake service of the spread's kind, playing `durations` (simulated seconds) in order.
enum Fake {
    Gamma(FakeGammaHandle),
    Presenton(FakePresenton),
}

impl Fake {
    async fn start(spread: Spread, durations: Vec<f64>, scale: f64) -> Result<Fake, Error> {
        let io = |e: std::io::Error| Error::internal(format!("the fake service did not start: {e}"));
        Ok(match spread.provider() {
            ProviderKind::Gamma => {
                let cfg = FakeGammaConfig { time_scale: TimeScale(scale), durations, credits: 1e12, ..FakeGammaConfig::default() };
                Fake::Gamma(FakeGamma::start(cfg).await.map_err(io)?)
            }
            _ => {
                let mut cfg = FakePresentonConfig::self_hosted(Generation::V0_7_3).with_time_scale(scale);
                cfg.durations = durations;
                Fake::Presenton(FakePresenton::start(cfg).await.map_err(io)?)
            }
        })
    }

    fn connection(&self, kind: ProviderKind) -> ProviderConnection {
        match self {
            Fake::Gamma(g) => ProviderConnection { kind, base: g.base_url.clone(), credentials: Credentials::ApiKey(Secret::new(GAMMA_KEY)) },
            Fake::Presenton(p) => ProviderConnection { kind, base: p.base_url.clone(), credentials: Credentials::None },
        }
    }

    fn timings(&self) -> Vec<GenerationTiming> {
        match self {
            Fake::Gamma(g) => g.timings(),
            Fake::Presenton(p) => p.timings(),
        }
    }
}

/// The one fake every deck of this engine goes to.
struct OneProvider(Endpoint, Arc<dyn Provider>);

impl ProviderSource for OneProvider {
    fn endpoint(&self, _kind: ProviderKind) -> Result<Endpoint, Error> {
        Ok(self.0.clone())
    }

    fn provider(&self, _kind: ProviderKind, _endpoint: Option<&Endpoint>) -> Result<Arc<dyn Provider>, Error> {
        Ok(self.1.clone())
    }
}

/// Notes the moment each job is done (its file on disk, journaled).
#[derive(Default)]
struct DoneAt(Mutex<HashMap<String, Instant>>);

impl EventSink for DoneAt {
    fn emit(&self, event: EngineEvent) {
        if let EngineEvent::JobChanged { job } = &event {
            if job.state == JobState::Done {
                self.0.lock().unwrap().entry(job.id.clone()).or_insert_with(Instant::now);
            }
        }
    }
}

/// Both rounds for one policy, deck by deck: (cold, learned).
async fn one_policy(spread: Spread, policy: Policy, scale: f64, train: &[f64], measured: &[f64]) -> Result<(Vec<DeckTime>, Vec<DeckTime>), Error> {
    let kind = spread.provider();
    let fake = Fake::start(spread, train.iter().chain(measured).copied().collect(), scale).await?;
    // The data folder and the decks in memory (tmpfs): every fsync of the journal on a disk
    // shared with other work would be a real-time delay, and scaled time multiplies it (a
    // 50 ms wait is 1.25 simulated seconds at 0.04). The disk's own cost is benchmark 5's.
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
    let dir = dir.map_err(|e| Error::disk(format!("no temporary folder: {e}")))?;
    let mut config = EngineConfig::new(dir.path().join("data"));
    config.concurrency.insert(kind, 1000);
    config.poll.rules.insert(kind, policy.rules());
    config.poll.scale_time(scale);
    let connection = fake.connection(kind);
    let provider = deckhand_engine::providers::connect(&connection)?;
    let done = Arc::new(DoneAt::default());
    let engine = Engine::open(config, Arc::new(OneProvider(connection.endpoint(), provider)), done.clone())?;
    let out = dir.path().join("decks");
    let cold = round(&engine, &fake, &done, kind, &out, train.len(), scale).await?;
    let learned = round(&engine, &fake, &done, kind, &out, measured.len(), scale).await?;
    Ok((cold, learned))
}

/// Submits `n` decks at once, waits for all, and measures each against the fake's record.
async fn round(engine: &Engine, fake: &Fake, done: &DoneAt, kind: ProviderKind, out: &Path, n: usize, scale: f64) -> Result<Vec<DeckTime>, Error> {
    let mut ids = Vec::new();
    for i in 0..n {
        let request = DeckRequest {
            content: format!("Benchmark deck {i}: the water cycle for a class of ten-year-olds"),
            slides: Some(5),
            format: ExportFormat::Pptx,
            ..DeckRequest::default()
        };
        ids.push(engine.submit(kind, request, out.to_path_buf()).await?.id);
    }
    let mut jobs = Vec::new();
    for id in &ids {
        let job = tokio::time::timeout(Duration::from_secs(900), engine.wait(id))
            .await
            .map_err(|_| Error::internal("a benchmark deck did not finish in 15 minutes"))??;
        if job.state != JobState::Done {
            return Err(Error::internal(format!("a benchmark deck ended {:?}: {:?}", job.state, job.error)));
        }
        jobs.push(job);
    }
    let timings: HashMap<String, GenerationTiming> = fake.timings().into_iter().map(|t| (t.id.clone(), t)).collect();
    let done = done.0.lock().unwrap();
    let mut decks = Vec::new();
    for job in jobs {
        let remote = job.remote.as_ref().ok_or_else(|| Error::internal("a done deck has no service id"))?;
        let t = timings.get(&remote.id).ok_or_else(|| Error::internal("the fake has no record of a deck"))?;
        let seen = t.first_done_answer.ok_or_else(|| Error::internal("the fake never said the deck was done"))?;
        let on_disk = *done.get(&job.id).ok_or_else(|| Error::internal("no done event for a deck"))?;
        let waited = seen.saturating_duration_since(t.ready_at).as_secs_f64() / scale;
        let local = on_disk.saturating_duration_since(seen).as_secs_f64();
        decks.push(DeckTime { latency: waited + local, requests: t.status_requests });
    }
    Ok(decks)
}
