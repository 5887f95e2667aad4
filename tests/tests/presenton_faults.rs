//! Every scripted fault, and every refusal, mapped to the right error kind and `Delivery`.

use std::time::Duration;

use deckhand_engine::providers::{DeckRequest, Delivery, ExportFormat, Provider, RemoteJob, RemoteState};
use deckhand_tests::faults::{Fault, Route};
use deckhand_tests::presenton::helpers::{generate, poll_until_done, provider_for};
use deckhand_tests::presenton::{FakePresenton, FakePresentonConfig, Generation};
use serde_json::{json, Value};

fn req(content: &str) -> DeckRequest {
    DeckRequest { content: content.into(), slides: Some(5), ..DeckRequest::default() }
}

async fn start(cfg: FakePresentonConfig) -> FakePresenton {
    FakePresenton::start(cfg).await.expect("fake presenton starts")
}

async fn latest() -> FakePresenton {
    start(FakePresentonConfig::self_hosted(Generation::Latest)).await
}

#[tokio::test]
async fn submit_faults_say_whether_the_deck_may_have_started() {
    let cases: Vec<(Fault, &str, Delivery, usize)> = vec![
        (Fault::RateLimitSeconds(7), "rate_limited", Delivery::Rejected, 0),
        (Fault::RateLimitBare, "rate_limited", Delivery::Rejected, 0),
        (Fault::Status(400), "invalid_input", Delivery::Rejected, 0),
        (Fault::Status(401), "auth", Delivery::Rejected, 0),
        (Fault::Status(500), "server", Delivery::Uncertain, 0),
        (Fault::Status(503), "server", Delivery::Uncertain, 0),
        (Fault::Reset, "network", Delivery::Uncertain, 0),
        (Fault::ProcessThenReset, "network", Delivery::Uncertain, 1),
        (Fault::Truncate(20), "network", Delivery::Uncertain, 1),
        (Fault::HtmlPage, "server", Delivery::Uncertain, 0),
    ];
    for (fault, kind, delivery, submits) in cases {
        let fake = latest().await;
        let p = provider_for(&fake);
        fake.faults().push(Route::Submit, fault.clone());
        let f = p.submit(&req("Topic")).await.expect_err(&format!("{fault:?}"));
        assert_eq!((f.error.kind(), f.delivery), (kind, delivery), "{fault:?}: {:?}", f.error);
        assert_eq!(fake.submits(), submits, "{fault:?}");
    }
}

#[tokio::test]
async fn retry_after_as_seconds_and_as_a_date() {
    let fake = latest().await;
    let p = provider_for(&fake);
    fake.faults().push(Route::Submit, Fault::RateLimitSeconds(7));
    assert_eq!(p.submit(&req("x")).await.unwrap_err().error.retry_after_secs(), Some(7));
    fake.faults().push(Route::Status, Fault::RateLimitDate(30));
    let remote = RemoteJob { id: "task-abc".into(), file_id: None };
    let secs = p.status(&remote).await.unwrap_err().retry_after_secs().unwrap();
    assert!((28..=30).contains(&secs), "{secs}");
}

#[tokio::test]
async fn harmless_oddities_on_submit_are_accepted() {
    for fault in [Fault::UnknownFields, Fault::WeirdStatus("queued_v2".into()), Fault::Delay(Duration::from_millis(200))] {
        let fake = latest().await;
        let p = provider_for(&fake);
        fake.faults().push(Route::Submit, fault.clone());
        let s = p.submit(&req("Topic")).await.unwrap_or_else(|f| panic!("{fault:?}: {f:?}"));
        assert!(s.remote.id.starts_with("task-"));
    }
}

#[tokio::test]
async fn status_faults_are_transient_or_tolerated() {
    let fake = latest().await;
    let p = provider_for(&fake);
    let remote = p.submit(&req("Topic")).await.unwrap().remote;
    for (fault, kind) in [
        (Fault::RateLimitSeconds(3), "rate_limited"),
        (Fault::Status(502), "server"),
        (Fault::Reset, "network"),
        (Fault::Truncate(10), "network"),
        (Fault::HtmlPage, "server"),
    ] {
        fake.faults().push(Route::Status, fault.clone());
        let e = p.status(&remote).await.expect_err(&format!("{fault:?}"));
        assert_eq!(e.kind(), kind, "{fault:?}");
        assert!(e.is_transient(), "{fault:?} should keep the job polling");
    }
    fake.faults().push(Route::Status, Fault::UnknownFields);
    assert!(p.status(&remote).await.is_ok());
    fake.faults().push(Route::Status, Fault::WeirdStatus("thinking_hard".into()));
    assert_eq!(p.status(&remote).await.unwrap().state, RemoteState::Other("thinking_hard".into()));
    let st = poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
    assert_eq!(st.state, RemoteState::Completed);
    assert_eq!(fake.submits(), 1);
}

#[tokio::test]
async fn unknown_tasks_are_not_found() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_7_3)).await;
    let p = provider_for(&fake);
    let e = p.status(&RemoteJob { id: "task-0000".into(), file_id: None }).await.unwrap_err();
    assert_eq!(e.kind(), "not_found");
    assert_eq!(e.details().provider_message.as_deref(), Some("No presentation generation task found"));
}

#[tokio::test]
async fn a_failed_generation_keeps_the_servers_words() {
    let mut cfg = FakePresentonConfig::self_hosted(Generation::V0_8_9);
    cfg.fail_with = Some((500, "Export runtime not found at /app/presentation-export/index.cjs".into()));
    let fake = start(cfg).await;
    let p = provider_for(&fake);
    let remote = p.submit(&req("Topic")).await.unwrap().remote;
    let st = poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
    assert_eq!(st.state, RemoteState::Failed);
    let e = st.error.unwrap();
    assert_eq!(e.kind(), "provider_failed");
    assert_eq!(e.details().provider_message.as_deref(), Some("Export runtime not found at /app/presentation-export/index.cjs"));
    assert_eq!(e.details().status, Some(500));

    let mut hosted = FakePresentonConfig::hosted();
    hosted.fail_with = Some((400, "Failed to generate presentation outlines. Please try again.".into()));
    let fake = start(hosted).await;
    let p = provider_for(&fake);
    let remote = p.submit(&req("Topic")).await.unwrap().remote;
    let st = poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
    assert_eq!(st.state, RemoteState::Failed, "hosted says `failed`");
}

#[tokio::test]
async fn a_task_that_never_finishes_keeps_running() {
    let mut cfg = FakePresentonConfig::self_hosted(Generation::Latest);
    cfg.never_finish = true;
    cfg.generation_secs = 1.0;
    let fake = start(cfg).await;
    let p = provider_for(&fake);
    let remote = p.submit(&req("Topic")).await.unwrap().remote;
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..3 {
        let st = p.status(&remote).await.unwrap();
        assert!(!st.state.is_terminal());
        assert!(st.progress.message.is_some());
    }
}

#[tokio::test]
async fn hosted_credits_run_out_on_submit() {
    for status in [402, 403, 400] {
        let mut cfg = FakePresentonConfig::hosted();
        cfg.credits = 7.0;
        cfg.credits_error_status = status;
        let fake = start(cfg).await;
        let p = provider_for(&fake);
        p.submit(&req("First")).await.unwrap();
        let f = p.submit(&req("Second")).await.unwrap_err();
        assert_eq!((f.error.kind(), f.delivery), ("credits", Delivery::Rejected), "{status}");
        assert_eq!(fake.submits(), 1);
    }
}

#[tokio::test]
async fn upload_failures_mean_the_generate_was_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "notes").unwrap();
    for (fault, kind, delivery) in [
        (Fault::Reset, "network", Delivery::NotSent),
        (Fault::Status(500), "server", Delivery::NotSent),
        (Fault::Status(413), "invalid_input", Delivery::Rejected),
        (Fault::RateLimitSeconds(2), "rate_limited", Delivery::Rejected),
    ] {
        let fake = latest().await;
        let p = provider_for(&fake);
        fake.faults().push(Route::Upload, fault.clone());
        let mut r = req("");
        r.source_files = vec![notes.clone()];
        let f = p.submit(&r).await.unwrap_err();
        assert_eq!((f.error.kind(), f.delivery), (kind, delivery), "{fault:?}");
        assert!(!fake.requests().iter().any(|r| r.path.ends_with("/generate/async")), "{fault:?}");
    }
}

#[tokio::test]
async fn download_faults() {
    let fake = latest().await;
    let p = provider_for(&fake);
    let r = req("Download faults");
    let remote = p.submit(&r).await.unwrap().remote;
    let st = poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
    let link = st.download.unwrap();

    fake.faults().push(Route::Download, Fault::Status(404));
    assert_eq!(p.open_download(&link).await.unwrap_err().kind(), "expired_link");
    fake.faults().push(Route::Download, Fault::Status(503));
    assert_eq!(p.open_download(&link).await.unwrap_err().kind(), "server");
    fake.faults().push(Route::Download, Fault::HtmlPage);
    let page = p.open_download(&link).await.unwrap();
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "left to the downloader's content check");
    fake.faults().push(Route::Download, Fault::Truncate(100));
    let resp = p.open_download(&link).await.unwrap();
    assert!(resp.bytes().await.is_err(), "a truncated body is an error, not a short file");
    fake.faults().push(Route::Download, Fault::Reset);
    assert_eq!(p.open_download(&link).await.unwrap_err().kind(), "network");
    // An expired link: export again.
    fake.faults().push(Route::Export, Fault::Status(500));
    assert_eq!(p.refresh_download(&remote, ExportFormat::Pptx).await.unwrap_err().kind(), "server");
    let fresh = p.refresh_download(&remote, ExportFormat::Pptx).await.unwrap();
    assert_eq!(p.open_download(&fresh).await.unwrap().bytes().await.unwrap().len(), deckhand_tests::files::PPTX.len());
}

#[tokio::test]
async fn bad_input_is_refused_without_a_single_request() {
    let fake = start(FakePresentonConfig::hosted()).await;
    let p = provider_for(&fake);
    let mut cases = Vec::new();
    cases.push(req("   "));
    cases.push(req(&"a".repeat(100_001)));
    let mut r = req("x");
    r.slides = Some(51);
    cases.push(r);
    let mut r = req("x");
    r.slides = Some(2);
    r.options.insert("include_table_of_contents".into(), json!(true));
    cases.push(r);
    let mut r = req("x");
    r.format = ExportFormat::Png;
    cases.push(r);
    let mut r = req("x");
    r.options.insert("tone".into(), json!("sarcastic"));
    cases.push(r);
    let mut r = req("x");
    r.source_files = vec!["/definitely/not/here.pdf".into()];
    cases.push(r);
    for r in &cases {
        assert_eq!(p.validate(r).unwrap_err().kind(), "invalid_input");
        let f = p.submit(r).await.unwrap_err();
        assert_eq!((f.error.kind(), f.delivery), ("invalid_input", Delivery::NotSent));
    }
    assert!(fake.requests().is_empty(), "nothing reached the server: {:?}", fake.requests());
}

#[tokio::test]
async fn server_refusals_are_invalid_input_with_the_servers_words() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_7_3)).await;
    let p = provider_for(&fake);
    let mut r = req("x");
    r.template = Some("nope".into());
    let f = p.submit(&r).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("invalid_input", Delivery::Rejected));
    assert_eq!(f.error.details().provider_message.as_deref(), Some("Template not found. Please use a valid template."));
}

/// The fake refuses what the real server refuses, in the captured shapes.
#[tokio::test]
async fn the_fake_validates_like_the_real_server() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_7_3)).await;
    let http = reqwest::Client::new();
    let post = |body: Value| {
        let url = fake.base_url.join("/api/v1/ppt/presentation/generate/async").unwrap();
        let http = http.clone();
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, v) = post(json!({"n_slides": 5})).await;
    assert_eq!(s, 422);
    assert_eq!(v["detail"][0]["type"], "missing");
    assert_eq!(v["detail"][0]["loc"], json!(["body", "content"]));
    assert_eq!(v["detail"][0]["msg"], "Field required");
    assert_eq!(post(json!({"content": "x", "n_slides": 500})).await, (400, json!({"detail": "Number of slides cannot be greater than 50"})));
    assert_eq!(post(json!({"content": "x", "template": "nope"})).await, (400, json!({"detail": "Template not found. Please use a valid template."})));
    assert_eq!(
        post(json!({"content": "x", "n_slides": 2, "include_table_of_contents": true})).await,
        (400, json!({"detail": "Number of slides cannot be less than 3 if table of contents is included"}))
    );
    let (s, v) = post(json!({"content": "x", "export_as": "docx"})).await;
    assert_eq!((s, v["detail"][0]["type"].as_str(), v["detail"][0]["loc"].clone()), (422, Some("literal_error"), json!(["body", "export_as"])));
    let (s, v) = post(json!({"content": "x", "tone": "angry", "verbosity": "long"})).await;
    assert_eq!((s, v["detail"].as_array().unwrap().len()), (422, 2));
    let r = http.get(fake.base_url.join("/api/v1/ppt/presentation/status/task-nope").unwrap()).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"detail": "No presentation generation task found"}));
    assert_eq!(fake.submits(), 0);
}

#[tokio::test]
async fn a_pdf_deck_end_to_end_on_every_generation() {
    for g in [Generation::V0_7_3, Generation::V0_8_9, Generation::Latest] {
        let fake = start(FakePresentonConfig::self_hosted(g)).await;
        let p = provider_for(&fake);
        let mut r = req("PDF deck");
        r.format = ExportFormat::Pdf;
        let (_, bytes) = generate(&p, &r).await.unwrap_or_else(|e| panic!("{g:?}: {e:?}"));
        assert!(bytes.starts_with(b"%PDF-") && bytes.ends_with(b"%%EOF\n"), "{g:?}");
    }
}

#[tokio::test]
async fn hosted_errors_keep_the_request_id() {
    let fake = start(FakePresentonConfig::hosted()).await;
    let p = provider_for(&fake);
    fake.faults().push(Route::Submit, Fault::Status(500));
    let f = p.submit(&req("x")).await.unwrap_err();
    assert!(f.error.details().request_id.as_deref().is_some_and(|id| id.starts_with("req-")), "{:?}", f.error);
    assert_eq!(f.error.details().status, Some(500));
}

#[tokio::test]
async fn an_old_server_re_exports_through_edit() {
    let fake = start(FakePresentonConfig::self_hosted(Generation::V0_7_3)).await;
    let p = provider_for(&fake);
    let submitted = p.submit(&req("Old server")).await.unwrap();
    let st = poll_until_done(&p, &submitted.remote, Duration::from_secs(60)).await.unwrap();
    let remote = RemoteJob { id: submitted.remote.id, file_id: st.file_id };
    let link = p.refresh_download(&remote, ExportFormat::Pdf).await.unwrap();
    assert_eq!(link.url.path(), "/app_data/exports/Old%20server.pdf");
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.iter().any(|p| p.ends_with("/export")), "tried /export first");
    assert!(paths.iter().any(|p| p == "/api/v1/ppt/presentation/edit"), "then /edit: {paths:?}");
}

/// A submit answer whose id is not `task-…` is not trusted, and the deck may exist.
#[tokio::test]
async fn a_task_id_that_is_not_task_dash_is_refused() {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/api/v1/ppt/presentation/generate/async",
        post(|| async { axum::Json(json!({"id": "9a827c13f4", "status": "pending", "message": "Presentation generation task created"})) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = url::Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let p = deckhand_engine::providers::presenton::PresentonProvider::self_hosted(base, deckhand_engine::providers::presenton::SelfHostedAuth::None).unwrap();
    let f = p.submit(&req("x")).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("internal", Delivery::Uncertain));
    server.abort();
}

/// A server that sends far more than any answer: Deckhand stops reading, says so, and what a
/// submit's answer was cut from may have started a deck.
#[tokio::test]
async fn endless_answers_are_cut_off() {
    const HUGE: u64 = 512 * 1024 * 1024;
    // What may have left before the client hung up: the cap plus socket buffers, far from HUGE.
    const SENT_AT_MOST: u64 = 48 * 1024 * 1024;
    let fake = latest().await;
    let p = provider_for(&fake);

    fake.faults().push(Route::Submit, Fault::HugeBody { status: 200, bytes: HUGE });
    let f = p.submit(&req("Huge")).await.unwrap_err();
    assert_eq!((f.error.kind(), f.delivery), ("server", Delivery::Uncertain));
    assert!(f.error.message().contains("far larger than any it should"), "{}", f.error.message());
    assert!(fake.faults().streamed() < SENT_AT_MOST, "{} bytes sent", fake.faults().streamed());

    let remote = p.submit(&req("Then fine")).await.unwrap().remote;
    fake.faults().push(Route::Status, Fault::HugeBody { status: 200, bytes: HUGE });
    assert_eq!(p.status(&remote).await.unwrap_err().kind(), "server", "a poll tries again later");

    // An error answer keeps its meaning; only its start is kept.
    fake.faults().push(Route::Status, Fault::HugeBody { status: 502, bytes: HUGE });
    let e = p.status(&remote).await.unwrap_err();
    assert_eq!((e.kind(), e.details().status), ("server", Some(502)));
    assert!(e.details().provider_message.as_deref().is_some_and(|m| m.chars().count() <= 501));

    // The error answer of a download link, too.
    let st = poll_until_done(&p, &remote, Duration::from_secs(60)).await.unwrap();
    fake.faults().push(Route::Download, Fault::HugeBody { status: 404, bytes: HUGE });
    assert_eq!(p.open_download(&st.download.unwrap()).await.unwrap_err().kind(), "expired_link");
    assert!(fake.faults().streamed() < 4 * SENT_AT_MOST, "{} bytes sent in all", fake.faults().streamed());
}
