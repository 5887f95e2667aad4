//! The downloader against a local HTTP server that misbehaves the ways real file servers do:
//! HTML with 200, expired signed links, truncated bodies, stalls, 5xx and 429 — plus name
//! collisions, unwritable folders and cancel mid-stream. After every failure the folder must
//! hold no partial file.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use deckhand_engine::jobs::download::{download_to, Download, DownloadOptions};
use deckhand_engine::jobs::content_check;
use deckhand_engine::providers::ExportFormat;
use deckhand_engine::Error;
use tokio_util::sync::CancellationToken;

const PPTX: &[u8] = include_bytes!("../../../tests/fixtures/presenton-selfhost-0.7.3/deck-5-slides.pptx");
const PNG: &[u8] = include_bytes!("../../../icons/128x128.png");
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const S3_EXPIRED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>R1</RequestId></Error>";

fn file(bytes: &'static [u8], ctype: &'static str) -> Response {
    ([(header::CONTENT_TYPE, ctype)], bytes).into_response()
}

/// Sends `first`, then waits forever (a stalled server) or, with `then_fail`, breaks off.
/// `declared == usize::MAX`: claims 100 bytes more than `first` and ends cleanly after it.
fn stream_then(first: &'static [u8], declared: usize, then_fail: bool) -> Response {
    let s = futures_util::stream::unfold(0u8, move |step| async move {
        match step {
            0 => Some((Ok::<Bytes, std::io::Error>(Bytes::from_static(first)), 1)),
            1 if then_fail => {
                // Let the headers and first bytes go out before the connection breaks.
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((Err(std::io::Error::other("connection dropped")), 2))
            }
            1 if declared == usize::MAX => {
                tokio::time::sleep(Duration::from_millis(200)).await;
                None
            }
            2 => None,
            _ => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                None
            }
        }
    });
    Response::builder()
        .header(header::CONTENT_LENGTH, if declared == usize::MAX { first.len() + 100 } else { declared })
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from_stream(s))
        .unwrap()
}

/// A slow, endless trickle: one small chunk every 20 ms, for cancel tests.
fn trickle() -> Response {
    let s = futures_util::stream::unfold((), |_| async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((Ok::<Bytes, Infallible>(Bytes::from_static(b"%PDF-1.4 filler filler filler\n")), ()))
    });
    Response::builder().header(header::CONTENT_TYPE, "application/pdf").body(Body::from_stream(s)).unwrap()
}

/// A 6 MiB PDF in 600 chunks of different sizes: more than the checksum's queue holds.
fn chunked_pdf() -> Response {
    let chunks = (0..600u32).map(|i| {
        let mut c = vec![b'a' + (i % 26) as u8; 4096 + (i as usize * 37) % 8192];
        if i == 0 {
            c[..PDF.len() - 6].copy_from_slice(&PDF[..PDF.len() - 6]);
        }
        if i == 599 {
            c.extend_from_slice(b"\n%%EOF\n");
        }
        Ok::<Bytes, Infallible>(Bytes::from(c))
    });
    Response::builder().header(header::CONTENT_TYPE, "application/pdf").body(Body::from_stream(futures_util::stream::iter(chunks))).unwrap()
}

async fn server() -> String {
    let app = Router::new()
        .route("/pptx", get(|| async { file(PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation") }))
        .route("/pdf", get(|| async { file(PDF, "application/pdf") }))
        .route("/png", get(|| async { file(PNG, "image/png") }))
        .route("/html200", get(|| async { file(b"<!DOCTYPE html><html><body>Please sign in</body></html>", "text/html") }))
        .route("/expired403", get(|| async { (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/xml")], S3_EXPIRED).into_response() }))
        .route("/expired200", get(|| async { (StatusCode::OK, [(header::CONTENT_TYPE, "application/xml")], S3_EXPIRED).into_response() }))
        .route("/gone", get(|| async { StatusCode::GONE.into_response() }))
        .route("/teapot", get(|| async { StatusCode::IM_A_TEAPOT.into_response() }))
        .route("/500", get(|| async { (StatusCode::BAD_GATEWAY, [("x-request-id", "req-9")], "upstream error").into_response() }))
        .route("/429", get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "7")], "slow down").into_response() }))
        .route("/truncated", get(|| async { stream_then(&PPTX[..4096], PPTX.len(), true) }))
        .route("/short", get(|| async { stream_then(PDF, usize::MAX, false) }))
        .route("/stall", get(|| async { stream_then(&PDF[..10], PDF.len(), false) }))
        .route("/trickle", get(|| async { trickle() }))
        .route("/chunked-pdf", get(|| async { chunked_pdf() }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn fetch(base: &str, path: &str) -> reqwest::Response {
    reqwest::get(format!("{base}{path}")).await.unwrap()
}

async fn dl(base: &str, path: &str, dir: &Path, name: &str, format: ExportFormat) -> Result<PathBuf, Error> {
    let cancel = CancellationToken::new();
    let opts = DownloadOptions { stall_timeout: Duration::from_millis(700) };
    Download { dir, base_name: name, format, cancel: &cancel, options: opts }.save(fetch(base, path).await, &mut |_, _| {}).await
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn a_good_pptx_is_saved_with_byte_progress() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let mut seen = Vec::new();
    let path = download_to(fetch(&base, "/pptx").await, dir.path(), "Solar power", ExportFormat::Pptx, &cancel, &mut |got, total| seen.push((got, total)))
        .await
        .unwrap();
    assert_eq!(path, dir.path().join("Solar power.pptx"));
    assert_eq!(std::fs::read(&path).unwrap(), PPTX);
    assert_eq!(seen.first(), Some(&(0, Some(PPTX.len() as u64))));
    assert_eq!(seen.last(), Some(&(PPTX.len() as u64, Some(PPTX.len() as u64))));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "progress only grows");
    assert_eq!(names_in(dir.path()), vec!["Solar power.pptx"]);
}

#[tokio::test]
async fn pdf_and_png_are_saved() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dl(&base, "/pdf", dir.path(), "Report", ExportFormat::Pdf).await.unwrap();
    let png = dl(&base, "/png", dir.path(), "Report", ExportFormat::Png).await.unwrap();
    assert_eq!(std::fs::read(pdf).unwrap(), PDF);
    assert_eq!(std::fs::read(png).unwrap(), PNG);
    assert_eq!(names_in(dir.path()), vec!["Report.pdf", "Report.png"]);
}

#[tokio::test]
async fn names_are_sanitized_and_never_overwrite() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Deck.pptx"), b"someone's own file").unwrap();
    let a = dl(&base, "/pptx", dir.path(), "", ExportFormat::Pptx).await.unwrap();
    let b = dl(&base, "/pptx", dir.path(), "../Deck", ExportFormat::Pptx).await.unwrap();
    assert_eq!(a, dir.path().join("Deck (2).pptx"));
    assert_eq!(b, dir.path().join("Deck (3).pptx"));
    assert_eq!(std::fs::read(dir.path().join("Deck.pptx")).unwrap(), b"someone's own file");
    assert!(!dir.path().parent().unwrap().join("Deck.pptx").exists(), "nothing escaped the folder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_downloads_of_one_title_get_distinct_names() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let dir_path = Arc::new(dir.path().to_path_buf());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (base, dir) = (base.clone(), dir_path.clone());
            tokio::spawn(async move { dl(&base, "/pptx", &dir, "Same title", ExportFormat::Pptx).await.unwrap() })
        })
        .collect();
    let mut paths = Vec::new();
    for t in tasks {
        paths.push(t.await.unwrap());
    }
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 8, "every download got its own name");
    let names = names_in(dir.path());
    assert_eq!(names.len(), 8, "{names:?}");
    assert!(names.contains(&"Same title.pptx".to_string()) && names.contains(&"Same title (8).pptx".to_string()));
    for p in paths {
        content_check::check_file(&p, ExportFormat::Pptx).unwrap();
    }
}

#[tokio::test]
async fn a_web_page_is_never_saved() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let e = dl(&base, "/html200", dir.path(), "Deck", ExportFormat::Pptx).await.unwrap_err();
    assert_eq!(e.kind(), "bad_file");
    assert!(e.message().starts_with("The service sent a web page instead of your deck"), "{}", e.message());
    assert_eq!(e.details().status, Some(200));
    assert!(names_in(dir.path()).is_empty());
}

#[tokio::test]
async fn expired_links_ask_for_a_fresh_one() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    for path in ["/expired403", "/expired200", "/gone"] {
        let e = dl(&base, path, dir.path(), "Deck", ExportFormat::Pdf).await.unwrap_err();
        assert_eq!(e.kind(), "expired_link", "{path}: {e:?}");
    }
    let e = dl(&base, "/expired403", dir.path(), "Deck", ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.details().status, Some(403));
    assert!(e.details().provider_message.as_deref().unwrap().contains("Request has expired"));
    assert!(names_in(dir.path()).is_empty());
}

#[tokio::test]
async fn server_errors_and_rate_limits_are_transient() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let e = dl(&base, "/500", dir.path(), "Deck", ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.kind(), "server");
    assert_eq!(e.details().request_id.as_deref(), Some("req-9"));
    assert!(e.is_transient());
    let e = dl(&base, "/429", dir.path(), "Deck", ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.kind(), "rate_limited");
    assert_eq!(e.retry_after_secs(), Some(7));
    let e = dl(&base, "/teapot", dir.path(), "Deck", ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.kind(), "bad_file");
    assert!(names_in(dir.path()).is_empty());
}

#[tokio::test]
async fn truncated_bodies_leave_nothing_behind() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    for path in ["/truncated", "/short"] {
        let e = dl(&base, path, dir.path(), "Deck", ExportFormat::Pptx).await.unwrap_err();
        assert_eq!(e.kind(), "network", "{path}: {e:?}");
        assert!(names_in(dir.path()).is_empty(), "{path}: {:?}", names_in(dir.path()));
    }
}

#[tokio::test]
async fn a_stalled_server_times_out() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let e = dl(&base, "/stall", dir.path(), "Deck", ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.kind(), "timeout", "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(names_in(dir.path()).is_empty());
}

#[tokio::test]
async fn cancel_stops_at_once_and_removes_the_partial_file() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let resp = fetch(&base, "/trickle").await;
    let c2 = cancel.clone();
    let part_seen = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (p2, d2) = (part_seen.clone(), dir.path().to_path_buf());
    let mut progress = move |got: u64, _total: Option<u64>| {
        if got > 100 {
            p2.store(names_in(&d2) == vec!["Deck.pdf.part".to_string()], std::sync::atomic::Ordering::SeqCst);
            c2.cancel();
        }
    };
    let e = download_to(resp, dir.path(), "Deck", ExportFormat::Pdf, &cancel, &mut progress).await.unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(part_seen.load(std::sync::atomic::Ordering::SeqCst), "it streamed into Deck.pdf.part");
    assert!(names_in(dir.path()).is_empty());
}

#[tokio::test]
async fn a_missing_or_unwritable_folder_is_a_disk_error_with_nothing_left() {
    let base = server().await;
    let root = tempfile::tempdir().unwrap();
    let missing = root.path().join("gone");
    let e = dl(&base, "/pdf", &missing, "Deck", ExportFormat::Pdf).await.unwrap_err();
    assert_eq!(e.kind(), "disk");
    assert!(e.message().contains("no longer exists"), "{}", e.message());
    assert!(!missing.exists());

    let not_dir = root.path().join("file");
    std::fs::write(&not_dir, b"x").unwrap();
    assert_eq!(dl(&base, "/pdf", &not_dir, "Deck", ExportFormat::Pdf).await.unwrap_err().kind(), "disk");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = root.path().join("read-only");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // root ignores permission bits; then the check cannot be made here.
        if std::fs::File::create(ro.join("probe")).is_err() {
            let e = dl(&base, "/pdf", &ro, "Deck", ExportFormat::Pdf).await.unwrap_err();
            assert_eq!(e.kind(), "disk");
            assert!(e.message().contains("not allowed to save"), "{}", e.message());
            assert!(names_in(&ro).is_empty());
        } else {
            eprintln!("running as root: read-only folder check skipped");
        }
        // A read-only file system refuses even root.
        if Path::new("/proc/self").is_dir() {
            let e = dl(&base, "/pdf", Path::new("/proc/self"), "Deck", ExportFormat::Pdf).await.unwrap_err();
            assert_eq!(e.kind(), "disk");
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Nothing changed: trying again into a good folder works.
    let ok = root.path().join("ok");
    std::fs::create_dir(&ok).unwrap();
    dl(&base, "/pdf", &ok, "Deck", ExportFormat::Pdf).await.unwrap();
}

#[test]
fn disk_full_has_a_plain_sentence() {
    let e = deckhand_engine::jobs::download::disk_error(&std::io::Error::from(std::io::ErrorKind::StorageFull), Path::new("/x"));
    assert_eq!(e.kind(), "disk");
    assert_eq!(e.message(), "The disk holding /x is full. Free some space and try again.");
}

#[tokio::test]
async fn a_part_file_left_by_a_killed_download_is_reused_a_live_one_is_not() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("Deck.pdf.part");
    let f = std::fs::File::create(&stale).unwrap();
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600)).unwrap();
    drop(f);
    let live = dir.path().join("Other.pdf.part");
    std::fs::write(&live, b"%PDF-1.4 half").unwrap();
    dl(&base, "/pdf", dir.path(), "Deck", ExportFormat::Pdf).await.unwrap();
    dl(&base, "/pdf", dir.path(), "Other", ExportFormat::Pdf).await.unwrap();
    assert_eq!(names_in(dir.path()), vec!["Deck.pdf", "Other.pdf", "Other.pdf.part"], "the stale part is gone, the live one kept");
    assert_eq!(std::fs::read(&live).unwrap(), b"%PDF-1.4 half");
}

/// The checksum is computed beside the download (on a thread of its own); what it records must
/// be exactly the file's, whatever the chunks were.
#[tokio::test]
async fn the_recorded_fingerprint_is_the_files_own() {
    let base = server().await;
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let target = Download { dir: dir.path(), base_name: "Chunked", format: ExportFormat::Pdf, cancel: &cancel, options: DownloadOptions::default() };
    let fetched = target.fetch(fetch(&base, "/chunked-pdf").await, &mut |_, _| {}).await.unwrap();
    let (size, checksum) = deckhand_engine::jobs::saving::fingerprint(&fetched.part).unwrap();
    assert!(size > 4 * 1024 * 1024);
    assert_eq!((fetched.size, &fetched.checksum), (size, &checksum));
}
