//! Benchmark 3: start-up and memory, Deckhand against a bare Tauri window, under Xvfb. Per
//! start: spawn → window mapped (seen from the X server), spawn → the page's first screen
//! painted (each page says so once, after the frame, through a command that prints a line
//! when asked to), the CPU time the app and its WebKit processes spent until then (a count a
//! busy machine disturbs less than the clock), then RSS and PSS of them all `settle` after
//! spawning. Each app starts once unmeasured first (caches, a history imported
//! from an older format), then the configurations take turns so the machine's noise falls on
//! all of them alike.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::procs;
use crate::stats::Figure;
use crate::xwatch::XWatch;

pub struct Options {
    pub app: PathBuf,
    pub bare: PathBuf,
    pub reps: usize,
    /// A data folder with a long history (`journal_bench seed`), for Deckhand's second run set.
    pub history_dir: Option<PathBuf>,
    /// How many decks that history holds (for the report).
    pub history_decks: usize,
    pub settle: Duration,
}

/// One app configuration.
struct Config {
    name: &'static str,
    bin: PathBuf,
    data_dir: Option<PathBuf>,
}

#[derive(Default)]
struct Runs {
    mapped_ms: Vec<f64>,
    rendered_ms: Vec<f64>,
    cpu_ms: Vec<f64>,
    rss_mib: Vec<f64>,
    pss_mib: Vec<f64>,
    /// Name → (RSS, PSS) MiB of the last run, to see which process grew.
    processes: Vec<(String, f64, f64)>,
}

pub fn run(opts: &Options) -> Result<Value, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut configs = vec![
        Config { name: "bare", bin: opts.bare.clone(), data_dir: None },
        Config { name: "deckhand", bin: opts.app.clone(), data_dir: Some(scratch.path().join("empty")) },
    ];
    if let Some(dir) = &opts.history_dir {
        configs.push(Config { name: "deckhand_history", bin: opts.app.clone(), data_dir: Some(dir.clone()) });
    }
    for c in &configs {
        eprintln!("start: {} once unmeasured", c.name);
        once(c, opts.settle, scratch.path())?;
    }
    let mut runs: Vec<Runs> = configs.iter().map(|_| Runs::default()).collect();
    for rep in 0..opts.reps {
        for (c, r) in configs.iter().zip(runs.iter_mut()) {
            let m = once(c, opts.settle, scratch.path())?;
            eprintln!(
                "start: rep {rep} {}: mapped {:.0} ms, page ready {:.0} ms (CPU {:.0} ms), RSS {:.0} MiB, PSS {:.0} MiB",
                c.name, m.mapped_ms, m.rendered_ms, m.cpu_ms, m.rss_mib, m.pss_mib
            );
            r.mapped_ms.push(m.mapped_ms);
            r.rendered_ms.push(m.rendered_ms);
            r.cpu_ms.push(m.cpu_ms);
            r.rss_mib.push(m.rss_mib);
            r.pss_mib.push(m.pss_mib);
            r.processes = m.processes;
        }
    }
    let mut out = serde_json::Map::new();
    for (c, r) in configs.iter().zip(runs) {
        out.insert(
            c.name.to_string(),
            json!({
                "mapped_ms": Figure::of(r.mapped_ms),
                "rendered_ms": Figure::of(r.rendered_ms),
                "cpu_ms": Figure::of(r.cpu_ms),
                "rss_mib": Figure::of(r.rss_mib),
                "pss_mib": Figure::of(r.pss_mib),
                "processes": r.processes.iter().map(|(n, rss, pss)| json!({"name": n, "rss_mib": rss, "pss_mib": pss})).collect::<Vec<_>>(),
            }),
        );
    }
    Ok(json!({ "reps": opts.reps, "settle_ms": opts.settle.as_millis() as u64, "history_decks": opts.history_decks, "configs": out }))
}

struct Measured {
    mapped_ms: f64,
    rendered_ms: f64,
    cpu_ms: f64,
    rss_mib: f64,
    pss_mib: f64,
    processes: Vec<(String, f64, f64)>,
}

fn once(c: &Config, settle: Duration, scratch: &Path) -> Result<Measured, String> {
    let mut watch = XWatch::open()?;
    let mut cmd = Command::new(&c.bin);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    cmd.env("DECKHAND_REPORT_START", "1").env("HOME", scratch);
    if let Some(dir) = &c.data_dir {
        cmd.env("DECKHAND_DATA_DIR", dir);
    }
    let t0 = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", c.bin.display()))?;
    // The page's mark arrives as a line on stdout; read it as it comes.
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.ends_with("page ready") {
                let _ = tx.send(Instant::now());
            }
        }
    });
    let seen = watch.wait_for_window(t0, Duration::from_secs(60)).and_then(|mapped| {
        let ready = rx.recv_timeout(Duration::from_secs(60)).map_err(|_| "the page never said it was ready".to_string())?;
        let cpu: f64 = procs::tree(child.id()).into_iter().filter_map(procs::cpu_secs).sum();
        Ok((mapped, ready - t0, cpu))
    });
    drop(watch);
    let (mapped, ready, cpu) = match seen {
        Ok(s) => s,
        Err(e) => {
            procs::stop_tree(&procs::tree(child.id()), Duration::from_secs(3));
            let _ = child.wait();
            return Err(format!("{}: {e}", c.name));
        }
    };
    std::thread::sleep((t0 + settle).saturating_duration_since(Instant::now()));
    let pids = procs::tree(child.id());
    let mut processes = Vec::new();
    let (mut rss, mut pss) = (0u64, 0u64);
    for &p in &pids {
        if let Some((r, s)) = procs::rss_pss_kib(p) {
            rss += r;
            pss += s;
            processes.push((procs::name(p), r as f64 / 1024.0, s as f64 / 1024.0));
        }
    }
    procs::stop_tree(&pids, Duration::from_secs(5));
    let _ = child.wait();
    // Let the X server and the session forget the window before the next start.
    std::thread::sleep(Duration::from_millis(500));
    Ok(Measured {
        mapped_ms: mapped.as_secs_f64() * 1000.0,
        rendered_ms: ready.as_secs_f64() * 1000.0,
        cpu_ms: cpu * 1000.0,
        rss_mib: rss as f64 / 1024.0,
        pss_mib: pss as f64 / 1024.0,
        processes,
    })
}
