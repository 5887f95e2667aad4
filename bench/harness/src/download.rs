//! Benchmark 2: the same 1 GiB file over loopback, through Deckhand's download path (the
//! provider's HTTP client, the `.part` file with its BLAKE3 checksum, the content check, fsync and the
//! final name) and through `curl -o`. Each download runs in a fresh process so its peak memory
//! is its own: Deckhand's in a child of this binary that reports its peak RSS growth (VmHWM
//! after − before); curl's from the kernel (wait4's ru_maxrss) less curl's own peak on a tiny
//! file. `curl -o` does not fsync; "curl + fsync" adds the flush Deckhand always does, to show
//! what that promise costs; the same into memory (tmpfs) leaves the disk out.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use deckhand_engine::jobs::download::Download;
use deckhand_engine::providers::gamma::GammaProvider;
use deckhand_engine::providers::{DownloadLink, ExportFormat, Provider};
use deckhand_engine::Secret;
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::procs;
use crate::stats::Compared;
use crate::Args;

const MIB: usize = 1024 * 1024;
const HEAD: &[u8] = b"%PDF-1.7\n% a benchmark file: filler follows\n";
const TAIL: &[u8] = b"\n%%EOF\n";

/// A PDF of `mib` MiB of filler, streamed from one 1 MiB buffer (never held whole).
fn big_pdf(mib: usize) -> Response {
    let filler = Bytes::from((0..MIB).map(|i| b"0123456789abcdef\n"[i % 17]).collect::<Vec<u8>>());
    let total = HEAD.len() + mib * MIB + TAIL.len();
    let chunks = std::iter::once(Bytes::from_static(HEAD))
        .chain(std::iter::repeat_n(filler, mib))
        .chain(std::iter::once(Bytes::from_static(TAIL)))
        .map(Ok::<_, std::convert::Infallible>);
    Response::builder()
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::CONTENT_LENGTH, total)
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .expect("a valid response")
}

/// Serves `/big.pdf` (and `/small.pdf`, 1 KiB) on 127.0.0.1 from a thread of its own.
fn serve(mib: usize) -> Result<String, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        rt.block_on(async move {
            let app = Router::new()
                .route("/big.pdf", get(move || async move { big_pdf(mib) }))
                .route("/small.pdf", get(|| async { big_pdf(0) }));
            let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(format!("http://{addr}"))
}

pub fn run(reps: usize, mib: usize, dir: Option<PathBuf>) -> Result<Value, String> {
    let base = serve(mib)?;
    let work = tempfile::tempdir_in(dir.unwrap_or_else(std::env::temp_dir)).map_err(|e| e.to_string())?;
    // The same downloads into memory (tmpfs) show the network and CPU side without the disk.
    let shm = Path::new("/dev/shm");
    let memory = if shm.is_dir() { tempfile::tempdir_in(shm).ok() } else { None };
    let bytes = (HEAD.len() + mib * MIB + TAIL.len()) as f64;
    let rate = |s: f64| bytes / MIB as f64 / s;
    let curl_base_kib = curl(&format!("{base}/small.pdf"), &work.path().join("small.pdf"), false)?.peak_kib;
    let gib = bytes / (1024.0 * MIB as f64);
    let (mut d_rate, mut d_grow, mut c_rate, mut c_grow, mut s_rate, mut dm_rate, mut cm_rate) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut d_cpu, mut c_cpu) = (vec![], vec![]);
    for rep in 0..reps {
        let Run { secs, peak_kib: grew_kib, cpu_secs } = deckhand(&base, work.path())?;
        let grew = grew_kib as f64 / 1024.0;
        let c = fresh(work.path(), || curl(&format!("{base}/big.pdf"), &work.path().join("big.pdf"), false))?;
        let (c_secs, c_peak) = (c.secs, c.peak_kib);
        let s_secs = fresh(work.path(), || curl(&format!("{base}/big.pdf"), &work.path().join("big.pdf"), true))?.secs;
        d_cpu.push(cpu_secs / gib);
        c_cpu.push(c.cpu_secs / gib);
        eprintln!(
            "download: rep {rep} to disk: Deckhand {:.0} MiB/s (+{grew:.1} MiB peak RSS, {:.2} CPU s), curl {:.0} MiB/s ({:.2} CPU s), curl + fsync {:.0} MiB/s",
            rate(secs),
            cpu_secs,
            rate(c_secs),
            c.cpu_secs,
            rate(s_secs)
        );
        d_rate.push(rate(secs));
        d_grow.push(grew);
        c_rate.push(rate(c_secs));
        c_grow.push(c_peak.saturating_sub(curl_base_kib) as f64 / 1024.0);
        s_rate.push(rate(s_secs));
        if let Some(m) = &memory {
            let m_secs = deckhand(&base, m.path())?.secs;
            let mc_secs = fresh(m.path(), || curl(&format!("{base}/big.pdf"), &m.path().join("big.pdf"), false))?.secs;
            eprintln!("download: rep {rep} to memory: Deckhand {:.0} MiB/s, curl {:.0} MiB/s", rate(m_secs), rate(mc_secs));
            dm_rate.push(rate(m_secs));
            cm_rate.push(rate(mc_secs));
        }
    }
    Ok(json!({
        "reps": reps,
        "mib": mib,
        "throughput_mib_s": Compared::of(d_rate.clone(), c_rate),
        "throughput_vs_curl_fsync": Compared::of(d_rate, s_rate),
        "throughput_to_memory_mib_s": if memory.is_some() { json!(Compared::of(dm_rate, cm_rate)) } else { Value::Null },
        "peak_rss_growth_mib": Compared::of(d_grow, c_grow),
        "cpu_s_per_gib": Compared::of(d_cpu, c_cpu),
    }))
}

/// Runs `f` with nothing left waiting to be written to disk before it, and clears `dir` after.
fn fresh<T>(dir: &Path, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    // SAFETY: sync(2) has no preconditions.
    unsafe { libc::sync() };
    let r = f();
    clear(dir);
    r
}

/// One download, measured: wall time, peak RSS (Deckhand: its growth) and CPU time (user +
/// system, every thread) of the downloading process.
struct Run {
    secs: f64,
    peak_kib: u64,
    cpu_secs: f64,
}

/// One download through Deckhand's path, in a child process.
fn deckhand(base: &str, dir: &Path) -> Result<Run, String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    fresh(dir, || {
        let out = Command::new(&me)
            .args(["download-child", "--url", &format!("{base}/big.pdf"), "--dir"])
            .arg(dir)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| e.to_string())?;
        let v: Value = serde_json::from_slice(&out.stdout).map_err(|_| format!("the download child failed: {}", String::from_utf8_lossy(&out.stdout)))?;
        let secs = v["secs"].as_f64().ok_or("no time from the download child")?;
        Ok(Run { secs, peak_kib: v["peak_growth_kib"].as_u64().unwrap_or(0), cpu_secs: v["cpu_secs"].as_f64().unwrap_or(f64::NAN) })
    })
}

fn clear(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Runs `curl -o`. With `fsync`, the file is flushed to disk after.
fn curl(url: &str, to: &Path, fsync: bool) -> Result<Run, String> {
    let t0 = Instant::now();
    let child = Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "-o"])
        .arg(to)
        .arg(url)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run curl: {e}"))?;
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: waits for our own child; the kernel fills status and usage.
    if unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) } < 0 || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err("curl failed".into());
    }
    if fsync {
        std::fs::File::open(to).and_then(|f| f.sync_all()).map_err(|e| e.to_string())?;
    }
    let secs = t0.elapsed().as_secs_f64();
    Ok(Run { secs, peak_kib: usage.ru_maxrss as u64, cpu_secs: procs::rusage_secs(&usage) })
}

/// The measured side, in its own process: one download through Deckhand's path.
pub fn child(args: &Args) -> Result<Value, String> {
    let url = args.flags.get("url").ok_or("--url is required")?.clone();
    let dir = args.required("dir")?;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let link = DownloadLink { url: url.parse().map_err(|e| format!("{url}: {e}"))?, file_name_hint: None };
        // A storage link, as Gamma's exports are: another origin than the API's, so no key.
        let provider = GammaProvider::new("https://public-api.gamma.app".parse().expect("a URL"), Secret::new("sk-gamma-unused"))
            .map_err(|e| e.message().to_string())?;
        let cancel = CancellationToken::new();
        let before = procs::own_peak_rss_kib().unwrap_or(0);
        let cpu0 = procs::own_cpu_secs();
        let t0 = Instant::now();
        let resp = provider.open_download(&link).await.map_err(|e| e.message().to_string())?;
        let target = Download { dir: &dir, base_name: "Benchmark deck", format: ExportFormat::Pdf, cancel: &cancel, options: Default::default() };
        let path = target.save(resp, &mut |_, _| {}).await.map_err(|e| e.message().to_string())?;
        let secs = t0.elapsed().as_secs_f64();
        let cpu_secs = procs::own_cpu_secs() - cpu0;
        let peak = procs::own_peak_rss_kib().unwrap_or(0);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let _ = std::fs::remove_file(&path);
        Ok(json!({ "secs": secs, "bytes": size, "peak_growth_kib": peak.saturating_sub(before), "peak_kib": peak, "cpu_secs": cpu_secs }))
    })
}
