//! The in-process half of `bench/journal.sh` (which runs it; see there for what is measured
//! and why). Prints one JSON object on stdout.
//!
//! ```text
//! journal_bench seed DIR DECKS NOTE_CHARS   a history of finished decks with long notes
//! journal_bench changes DIR ROUNDS           time per state change of one more deck
//! journal_bench open DIR REPS                opening the history and the first page of "Your decks"
//! journal_bench notes CHARS                  long notes, on stdout, for `deckhand-cli --content-file`
//! journal_bench measure CMD [ARGS…]          bytes a process wrote and its peak memory (Linux)
//! ```

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deckhand_engine::connection::Endpoint;
use deckhand_engine::events::NullSink;
use deckhand_engine::jobs::history::DurationSample;
use deckhand_engine::jobs::saving::{Checksum, Saving};
use deckhand_engine::jobs::store::{Durability, Store};
use deckhand_engine::jobs::{Engine, EngineConfig, HistoryQuery, Job, JobState, ProviderSource};
use deckhand_engine::providers::{Credits, DeckRequest, Provider, ProviderKind, RemoteJob};
use deckhand_engine::Error;
use serde_json::json;

const USAGE: &str =
    "usage: journal_bench seed DIR DECKS NOTE_CHARS | changes DIR ROUNDS | open DIR REPS | notes CHARS | measure CMD [ARGS…]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| fail(USAGE));
    let num = |i: usize| arg(i).parse::<usize>().unwrap_or_else(|_| fail(USAGE));
    let out = match arg(0).as_str() {
        "seed" => seed(Path::new(&arg(1)), num(2), num(3)),
        "changes" => changes(Path::new(&arg(1)), num(2)),
        "open" => open(PathBuf::from(arg(1)), num(2)),
        "notes" => {
            print!("{}", notes(0, num(1)));
            return;
        }
        "measure" if args.len() > 1 => measure(&args[1..]),
        _ => fail(USAGE),
    };
    println!("{out}");
}

fn fail(why: &str) -> ! {
    eprintln!("{why}");
    std::process::exit(2)
}

fn ok<T>(r: Result<T, Error>) -> T {
    r.unwrap_or_else(|e| fail(&format!("journal_bench: {}", e.message())))
}

/// Notes of exactly `chars` characters whose first line names the deck.
fn notes(i: usize, chars: usize) -> String {
    let mut s = format!("Deck {i}: what the class learned this week\n");
    let words = ["tides", "photosynthesis", "budget", "volcano", "river", "classroom", "energy", "history"];
    let mut w = i;
    while s.len() < chars {
        s.push_str(words[w % words.len()]);
        s.push(if w % 13 == 0 { '\n' } else { ' ' });
        w += 7;
    }
    s.truncate(chars);
    s
}

/// A finished deck as a real one looks in the store.
fn finished(i: usize, chars: usize, now: u64) -> Job {
    let created = now - 1_000_000 + i as u64;
    let req =
        DeckRequest { content: notes(i, chars), title: None, slides: Some(8), language: Some("English".into()), ..Default::default() };
    let mut job = Job::new(
        format!("j{created:011x}-{:06x}", i & 0xff_ffff),
        ProviderKind::PresentonSelf,
        req,
        "/home/ada/Documents/Deckhand".into(),
        created,
    );
    job.set_state(JobState::Submitting, created + 10);
    job.submit_attempts = 1;
    job.remote = Some(RemoteJob { id: format!("task-{i:08}"), file_id: Some(format!("pres-{i:08}")) });
    job.set_state(JobState::Running, created + 300);
    job.set_state(JobState::Downloading, created + 60_000);
    job.file = Some(format!("/home/ada/Documents/Deckhand/Deck {i}.pptx").into());
    job.edit_url = Some(format!("http://localhost:5001/presentation?id=pres-{i:08}"));
    job.credits = Some(Credits { used: Some(3.0), remaining: None });
    job.set_state(JobState::Done, created + 62_000);
    job
}

fn seed(dir: &Path, decks: usize, chars: usize) -> serde_json::Value {
    let store = ok(Store::open(dir, now())).store;
    let started = Instant::now();
    let now = now();
    for i in 0..decks {
        ok(store.insert(&finished(i, chars, now)));
    }
    json!({"decks": decks, "note_chars": chars, "seconds": started.elapsed().as_secs_f64()})
}

fn now() -> u64 {
    deckhand_engine::jobs::ids::now_ms()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// One more deck's state changes, as the engine makes them, each timed: the promises (synced)
/// and the progress words (not).
fn changes(dir: &Path, rounds: usize) -> serde_json::Value {
    let store = ok(Store::open(dir, now())).store;
    let (mut promise, mut relaxed, mut insert) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut job = finished(1_000_000 + round, 20_000, now());
        job.state = JobState::Queued;
        job.history.truncate(1);
        let (remote, file) = (job.remote.take(), job.file.take());
        let t = Instant::now();
        ok(store.insert(&job));
        insert.push(micros(t.elapsed()));
        let mut step = |f: &dyn Fn(&mut Job), learned: Option<DurationSample>, level: Durability| {
            let before = job.clone();
            f(&mut job);
            let t = Instant::now();
            ok(store.update(&before, &job, learned.as_ref(), level));
            match level {
                Durability::Promise => promise.push(micros(t.elapsed())),
                Durability::Relaxed => relaxed.push(micros(t.elapsed())),
            }
        };
        step(&|j| j.set_state(JobState::Submitting, now()), None, Durability::Promise);
        step(
            &|j| {
                j.remote = remote.clone();
                j.set_state(JobState::Running, now())
            },
            None,
            Durability::Promise,
        );
        for n in 1..=5 {
            step(&|j| j.progress = Some(format!("Generating slides ({n}/8 slides)")), None, Durability::Relaxed);
        }
        let sample = DurationSample::new(ProviderKind::PresentonSelf, Some(8), Duration::from_secs(60), now());
        step(&|j| j.set_state(JobState::Downloading, now()), Some(sample), Durability::Promise);
        let saving = Saving { part: "/tmp/x.part".into(), path: "/tmp/x.pptx".into(), base: "x".into(), size: 1, checksum: Checksum::Blake3("00".into()) };
        step(&|j| j.saving = Some(saving.clone()), None, Durability::Promise);
        step(
            &|j| {
                j.file = file.clone();
                j.saving = None;
                j.set_state(JobState::Done, now())
            },
            None,
            Durability::Promise,
        );
    }
    // A deck's changes are mostly synced ones: their mean is what a deck pays per change.
    let count = (promise.len() + relaxed.len()).max(1) as f64;
    let mean = (promise.iter().sum::<f64>() + relaxed.iter().sum::<f64>()) / count;
    json!({
        "rounds": rounds,
        "insert_us": median(insert),
        "state_change_us": mean,
        "promise_change_us": median(promise),
        "progress_change_us": median(relaxed),
    })
}

struct NoProviders;

impl ProviderSource for NoProviders {
    fn endpoint(&self, _kind: ProviderKind) -> Result<Endpoint, Error> {
        Err(Error::internal("the benchmark sends nothing"))
    }

    fn provider(&self, _kind: ProviderKind, _endpoint: Option<&Endpoint>) -> Result<Arc<dyn Provider>, Error> {
        Err(Error::internal("the benchmark sends nothing"))
    }
}

/// What the app does when it opens: the engine (the store, what a start resumes), then the
/// window's first questions: the newest page of "Your decks" and every deck in progress.
fn open(dir: PathBuf, reps: usize) -> serde_json::Value {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| fail(&e.to_string()));
    let (mut opens, mut pages, mut totals) = (Vec::new(), Vec::new(), Vec::new());
    let mut listed = 0;
    // One round first, not counted: the same warm disk cache for every history size.
    for rep in 0..=reps {
        let t = Instant::now();
        let engine = ok(Engine::open(EngineConfig::new(dir.clone()), Arc::new(NoProviders), Arc::new(NullSink)));
        let opened = t.elapsed();
        let (first, active) = rt.block_on(async {
            let first = engine.list(HistoryQuery { limit: Some(50), ..Default::default() }).await;
            let states = ["queued", "submitting", "running", "downloading"].map(String::from).to_vec();
            let active = engine.list(HistoryQuery { states: Some(states), limit: Some(500), ..Default::default() }).await;
            (ok(first), ok(active))
        });
        let total = t.elapsed();
        listed = first.jobs.len() + active.jobs.len();
        drop(engine);
        if rep > 0 {
            opens.push(opened.as_secs_f64() * 1e3);
            pages.push((total - opened).as_secs_f64() * 1e3);
            totals.push(total.as_secs_f64() * 1e3);
        }
    }
    json!({"reps": reps, "listed": listed, "open_ms": median(opens), "first_page_ms": median(pages), "open_and_first_page_ms": median(totals)})
}

/// Runs a command to its end and reports, from the kernel, what it wrote to storage
/// (`write_bytes` of `/proc/<pid>/io`, read once it has exited but before it is reaped, so
/// its last writes count) and its peak resident memory (VmHWM, which `/proc/<pid>/status`
/// stops showing at exit: read as `ru_maxrss` when reaped — the same counter).
#[cfg(target_os = "linux")]
fn measure(cmd: &[String]) -> serde_json::Value {
    use std::process::{Command, Stdio};
    let started = Instant::now();
    let child = Command::new(&cmd[0]).args(&cmd[1..]).stdout(Stdio::null()).spawn().unwrap_or_else(|e| fail(&format!("{}: {e}", cmd[0])));
    let pid = child.id() as libc::pid_t;
    // SAFETY: plain system calls on our own child; the structs are zeroed plain data.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    if unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) } != 0 {
        fail("waitid failed");
    }
    let seconds = started.elapsed().as_secs_f64();
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).unwrap_or_default();
    let field = |name: &str| io.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(0);
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        fail("wait4 failed");
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    json!({
        "exit_code": code,
        "write_bytes": field("write_bytes:"),
        "cancelled_write_bytes": field("cancelled_write_bytes:"),
        "peak_rss_kib": usage.ru_maxrss,
        "seconds": seconds,
    })
}

#[cfg(not(target_os = "linux"))]
fn measure(_cmd: &[String]) -> serde_json::Value {
    fail("measure needs Linux (/proc/<pid>/io)")
}
