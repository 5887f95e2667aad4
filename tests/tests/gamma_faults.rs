//! Every scripted fault of the fake Gamma, and what GammaProvider makes of it: the error kind,
//! and for submits whether the request may have reached Gamma (never paid twice).

mod gamma_support;

use std::time::Duration;

use deckhand_engine::providers::{Delivery, Provider, RemoteState};
use deckhand_tests::faults::{Fault, Route};
use deckhand_tests::gamma::FakeGammaConfig;
use gamma_support::*;

async fn submit_fault(fault: Fault) -> (deckhand_engine::providers::SubmitFailure, usize) {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    fake.faults().push(Route::Submit, fault);
    let f = p.submit(&deck("x")).await.unwrap_err();
    (f, fake.submit_count())
}

#[tokio::test]
async fn rate_limits_are_rejections_with_the_wait() {
    let (f, n) = submit_fault(Fault::RateLimitSeconds(7)).await;
    assert_eq!((f.error.kind(), f.delivery, n), ("rate_limited", Delivery::Rejected, 0));
    assert_eq!(f.error.retry_after_secs(), Some(7));
    assert!(f.error.details().request_id.is_some());

    let (f, _) = submit_fault(Fault::RateLimitDate(120)).await;
    let secs = f.error.retry_after_secs().expect("an HTTP date is read");
    assert!((100..=120).contains(&secs), "{secs}");

    let (f, _) = submit_fault(Fault::RateLimitBare).await;
    assert_eq!((f.error.kind(), f.error.retry_after_secs()), ("rate_limited", None));
}

#[tokio::test]
async fn server_errors_on_submit_are_uncertain() {
    let (f, _) = submit_fault(Fault::Status(500)).await;
    assert_eq!((f.error.kind(), f.delivery), ("server", Delivery::Uncertain));
    assert_eq!(f.error.details().provider_message.as_deref(), Some("Internal server error"));

    let (f, _) = submit_fault(Fault::Status(502)).await;
    assert_eq!((f.error.kind(), f.delivery), ("server", Delivery::Uncertain));
    assert!(f.error.details().provider_message.as_deref().unwrap().contains("502 Bad Gateway"), "an excerpt of the HTML");

    let (f, _) = submit_fault(Fault::HtmlPage).await;
    assert_eq!((f.error.kind(), f.delivery), ("server", Delivery::Uncertain), "a 200 web page may hide a created job");
}

#[tokio::test]
async fn a_reset_after_sending_is_uncertain_whether_or_not_the_job_was_made() {
    let (f, n) = submit_fault(Fault::Reset).await;
    assert_eq!((f.error.kind(), f.delivery), ("network", Delivery::Uncertain));
    assert_eq!(n, 0);
    let (f, n) = submit_fault(Fault::ProcessThenReset).await;
    assert_eq!((f.error.kind(), f.delivery), ("network", Delivery::Uncertain));
    assert_eq!(n, 1, "the job exists and will be paid for: the client must not resubmit blindly");
}

#[tokio::test]
async fn a_truncated_create_answer_is_uncertain() {
    let (f, n) = submit_fault(Fault::Truncate(5)).await;
    assert_eq!(f.delivery, Delivery::Uncertain);
    assert_eq!(n, 1);
}

#[tokio::test]
async fn status_faults_map_to_transient_errors() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    let s = p.submit(&deck("x")).await.unwrap();
    for (fault, kind) in [
        (Fault::Status(500), "server"),
        (Fault::Status(502), "server"),
        (Fault::RateLimitSeconds(3), "rate_limited"),
        (Fault::Reset, "network"),
        (Fault::Truncate(10), "network"),
        (Fault::HtmlPage, "server"),
        (Fault::Status(401), "auth"),
    ] {
        fake.faults().push(Route::Status, fault.clone());
        let e = p.status(&s.remote).await.unwrap_err();
        assert_eq!(e.kind(), kind, "{fault:?}");
    }
    assert!(fake.faults().is_empty());
    // Unknown fields and a late, slow answer are fine.
    fake.faults().push(Route::Status, Fault::UnknownFields);
    fake.faults().push(Route::Status, Fault::Delay(Duration::from_millis(300)));
    assert!(p.status(&s.remote).await.is_ok());
    assert!(p.status(&s.remote).await.is_ok());
}

#[tokio::test]
async fn unknown_status_words_keep_the_job_running_and_unknown_fields_are_ignored() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    let s = p.submit(&deck("x")).await.unwrap();
    fake.faults().push(Route::Status, Fault::WeirdStatus("in_progress".into()));
    let st = p.status(&s.remote).await.unwrap();
    assert_eq!(st.state, RemoteState::Other("in_progress".into()));
    assert!(!st.state.is_terminal());
    let done = wait_done(&p, &s.remote).await;
    fake.faults().push(Route::Status, Fault::UnknownFields);
    let again = p.status(&s.remote).await.unwrap();
    assert_eq!(again, done, "the same status with extra fields");
}

#[tokio::test]
async fn jobs_that_never_finish_stay_pending() {
    let (fake, p) = start(FakeGammaConfig { never_finish: true, generation_secs: 1.0, ..FakeGammaConfig::default() }).await;
    let s = p.submit(&deck("x")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..5 {
        assert_eq!(p.status(&s.remote).await.unwrap().state, RemoteState::Pending);
    }
    assert_eq!(fake.credits_left(), 1000.0, "nothing charged");
}

#[tokio::test]
async fn download_faults() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    let (_, status) = submit_and_finish(&p, &deck("x")).await;
    let link = status.download.unwrap();

    fake.faults().push(Route::Download, Fault::Status(403));
    let e = p.open_download(&link).await.unwrap_err();
    assert_eq!(e.kind(), "expired_link");
    assert!(e.details().provider_message.as_deref().unwrap().contains("AccessDenied"));

    fake.faults().push(Route::Download, Fault::Truncate(100));
    let resp = p.open_download(&link).await.expect("headers arrive");
    assert!(resp.bytes().await.is_err(), "the body breaks off");

    fake.faults().push(Route::Download, Fault::Reset);
    assert_eq!(p.open_download(&link).await.unwrap_err().kind(), "network");

    let mut tampered = link.clone();
    let q = tampered.url.query().unwrap().replace("signature=", "signature=0");
    tampered.url.set_query(Some(&q));
    assert_eq!(p.open_download(&tampered).await.unwrap_err().kind(), "expired_link");

    assert!(bytes(p.open_download(&link).await.unwrap()).await.starts_with(b"PK"));
    assert_key_only_on_api(&fake);
}

#[tokio::test]
async fn list_faults() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    fake.faults().push(Route::List, Fault::HtmlPage);
    assert_eq!(p.test_connection().await.unwrap_err().kind(), "server");
    fake.faults().push(Route::List, Fault::Status(503));
    assert_eq!(p.test_connection().await.unwrap_err().kind(), "server");
    assert!(p.test_connection().await.is_ok());
}

#[tokio::test]
async fn endless_answers_are_cut_off() {
    let (fake, p) = start(FakeGammaConfig::default()).await;
    fake.faults().push(Route::Status, Fault::HugeBody { status: 200, bytes: 512 * 1024 * 1024 });
    let remote = deckhand_engine::providers::RemoteJob { id: "gen-anything".into(), file_id: None };
    let e = p.status(&remote).await.unwrap_err();
    assert_eq!(e.kind(), "server");
    assert!(e.message().contains("far larger than any it should"), "{}", e.message());
    assert!(fake.faults().streamed() < 48 * 1024 * 1024, "{} bytes sent", fake.faults().streamed());
}
