//! A 1 GiB download must not cost 1 GiB of memory: a local server streams a PDF header, 1 GiB
//! of filler and `%%EOF` (one static 1 MiB buffer sent again and again, never the whole file),
//! and the process's peak resident memory (VmHWM) must stay near where it started.
//! Linux only (reads /proc/self/status); elsewhere the test returns early.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use deckhand_engine::jobs::download::download_to;
use deckhand_engine::providers::ExportFormat;
use tokio_util::sync::CancellationToken;

const MIB: usize = 1024 * 1024;
const FILLER_MIB: usize = 1024;
const HEAD: &[u8] = b"%PDF-1.7\n% filler follows\n";
const TAIL: &[u8] = b"\n%%EOF\n";
/// Generous: buffers of reqwest, hyper, tokio's file writer and the allocator's slack.
const RSS_BOUND_MIB: u64 = 150;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn huge_pdf() -> Response {
    let filler = Bytes::from(vec![b'x'; MIB]);
    let total = HEAD.len() + FILLER_MIB * MIB + TAIL.len();
    let chunks = std::iter::once(Bytes::from_static(HEAD))
        .chain(std::iter::repeat_n(filler, FILLER_MIB))
        .chain(std::iter::once(Bytes::from_static(TAIL)))
        .map(Ok::<_, std::convert::Infallible>);
    Response::builder()
        .header(header::CONTENT_TYPE, "application/pdf")
        .header(header::CONTENT_LENGTH, total)
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_gib_download_streams_in_constant_memory() {
    let Some(start_kib) = peak_rss_kib() else {
        eprintln!("no /proc/self/status: memory test skipped on this platform");
        return;
    };
    let app = Router::new().route("/big.pdf", get(|| async { huge_pdf() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let started = Instant::now();
    let resp = reqwest::get(format!("http://{addr}/big.pdf")).await.unwrap();
    let mut last = (0, None);
    let path = tokio::time::timeout(
        Duration::from_secs(600),
        download_to(resp, dir.path(), "Big", ExportFormat::Pdf, &cancel, &mut |got, total| last = (got, total)),
    )
    .await
    .expect("a 1 GiB loopback download finishes within 10 minutes")
    .unwrap();
    let secs = started.elapsed().as_secs_f64();

    let expected = (HEAD.len() + FILLER_MIB * MIB + TAIL.len()) as u64;
    assert_eq!(std::fs::metadata(&path).unwrap().len(), expected);
    assert_eq!(last, (expected, Some(expected)));
    let peak_kib = peak_rss_kib().unwrap();
    let grew_mib = peak_kib.saturating_sub(start_kib) / 1024;
    println!(
        "1 GiB download: {:.1} s, {:.0} MiB/s; peak RSS {} MiB (start {} MiB, +{} MiB)",
        secs,
        expected as f64 / MIB as f64 / secs,
        peak_kib / 1024,
        start_kib / 1024,
        grew_mib
    );
    assert!(grew_mib < RSS_BOUND_MIB, "peak memory grew by {grew_mib} MiB during a streamed download");
}
