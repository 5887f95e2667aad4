//! Expired export links: a fresh one from the status when it is fresh, else an export of the
//! finished gamma; export failures in plain words.

mod gamma_support;

use std::time::Duration;

use deckhand_engine::providers::{ExportFormat, Provider};
use deckhand_tests::faults::{Fault, Route};
use deckhand_tests::gamma::FakeGammaConfig;
use gamma_support::*;

/// Links live 1.5 s real time (150 simulated seconds at 0.01).
fn short_links() -> FakeGammaConfig {
    FakeGammaConfig { link_secs: 150.0, ..FakeGammaConfig::default() }
}

/// Links that are stale the moment they are made: for tests that never download.
fn dead_links() -> FakeGammaConfig {
    FakeGammaConfig { link_secs: 0.0, ..FakeGammaConfig::default() }
}

#[tokio::test]
async fn an_expired_link_is_replaced_by_a_new_export() {
    let (fake, p) = start(short_links()).await;
    let (remote, status) = submit_and_finish(&p, &deck("Expiring")).await;
    let old = status.download.unwrap();
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(p.open_download(&old).await.unwrap_err().kind(), "expired_link");

    let fresh = p.refresh_download(&remote, ExportFormat::Pptx).await.expect("a fresh link");
    assert_ne!(fresh.url, old.url);
    assert_eq!(fake.export_count(), 1, "the stale status link was not retried; the gamma was exported");
    let body = bytes(p.open_download(&fresh).await.unwrap()).await;
    assert!(body.starts_with(b"PK\x03\x04"));
    let export = fake.requests().into_iter().find(|r| r.path.ends_with("/export")).unwrap();
    assert_eq!(export.body.unwrap()["exportAs"], "pptx");
    assert_eq!(fake.submit_count(), 1, "never generated (or paid) twice");
    assert_key_only_on_api(&fake);
}

#[tokio::test]
async fn a_freshly_signed_status_link_is_used_without_an_export() {
    let (fake, p) = start(FakeGammaConfig { status_resigns_links: true, ..short_links() }).await;
    let (remote, status) = submit_and_finish(&p, &deck("Resigned")).await;
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let fresh = p.refresh_download(&remote, ExportFormat::Pptx).await.unwrap();
    assert_ne!(Some(&fresh.url), status.download.as_ref().map(|l| &l.url));
    assert_eq!(fake.export_count(), 0);
    assert!(bytes(p.open_download(&fresh).await.unwrap()).await.starts_with(b"PK"));
}

#[tokio::test]
async fn export_failures_are_plain_sentences() {
    for (reason, words) in [("deck_too_large", "too large"), ("render_timeout", "too long"), ("no_content", "empty"), ("export_failed", "could not export")] {
        let (_fake, p) = start(FakeGammaConfig { export_fail_reason: Some(reason.into()), ..dead_links() }).await;
        let (remote, _) = submit_and_finish(&p, &deck("x")).await;
        let e = p.refresh_download(&remote, ExportFormat::Pdf).await.unwrap_err();
        assert_eq!(e.kind(), "provider_failed", "{reason}");
        assert!(e.message().contains(words), "{reason}: {}", e.message());
    }
}

#[tokio::test]
async fn export_rate_limits_surface() {
    let (fake, p) = start(dead_links()).await;
    let (remote, _) = submit_and_finish(&p, &deck("x")).await;
    fake.faults().push(Route::Export, Fault::RateLimitSeconds(9));
    let e = p.refresh_download(&remote, ExportFormat::Pptx).await.unwrap_err();
    assert_eq!((e.kind(), e.retry_after_secs()), ("rate_limited", Some(9)));
    assert!(p.refresh_download(&remote, ExportFormat::Pptx).await.is_ok());
}

#[tokio::test]
async fn refresh_of_an_unfinished_deck_is_refused() {
    let (_fake, p) = start(FakeGammaConfig { never_finish: true, ..FakeGammaConfig::default() }).await;
    let s = p.submit(&deck("x")).await.unwrap();
    assert_eq!(p.refresh_download(&s.remote, ExportFormat::Pptx).await.unwrap_err().kind(), "internal");
}

/// Links that do not say when they expire, signed afresh by every status answer.
fn opaque_resigned() -> FakeGammaConfig {
    FakeGammaConfig { opaque_links: true, status_resigns_links: true, ..FakeGammaConfig::default() }
}

#[tokio::test]
async fn a_different_status_link_is_tried_before_exporting_again() {
    let (fake, p) = start(opaque_resigned()).await;
    let (remote, status) = submit_and_finish(&p, &deck("Opaque")).await;
    let first = status.download.unwrap().url;
    let fresh = p.refresh_download_after(&remote, ExportFormat::Pptx, std::slice::from_ref(&first)).await.unwrap();
    assert_ne!(fresh.url, first, "the status answer's newer link");
    assert_eq!(fake.export_count(), 0, "no export while the status link may work");
    assert!(bytes(p.open_download(&fresh).await.unwrap()).await.starts_with(b"PK"));

    // When that one failed too, the gamma is exported again.
    let after_both = p.refresh_download_after(&remote, ExportFormat::Pptx, &[first, fresh.url]).await.unwrap();
    assert_eq!(fake.export_count(), 1);
    assert!(bytes(p.open_download(&after_both).await.unwrap()).await.starts_with(b"PK"));
}

#[tokio::test]
async fn the_same_link_that_failed_is_not_tried_again() {
    let (fake, p) = start(FakeGammaConfig { opaque_links: true, ..FakeGammaConfig::default() }).await;
    let (remote, status) = submit_and_finish(&p, &deck("Same")).await;
    let first = status.download.unwrap().url;
    let fresh = p.refresh_download_after(&remote, ExportFormat::Pptx, std::slice::from_ref(&first)).await.unwrap();
    assert_ne!(fresh.url, first);
    assert_eq!(fake.export_count(), 1);
}

#[tokio::test]
async fn an_export_route_that_answers_404_or_405_means_fetch_it_in_gamma() {
    for status in [404, 405] {
        let (fake, p) = start(dead_links()).await;
        let (remote, done) = submit_and_finish(&p, &deck("No export")).await;
        fake.faults().push(Route::Export, Fault::Status(status));
        let e = p.refresh_download(&remote, ExportFormat::Pptx).await.unwrap_err();
        assert_eq!(e.kind(), "file_unavailable", "{status}: {e:?}");
        let gamma_url = done.edit_url.unwrap();
        for words in ["Gamma made this deck", gamma_url.as_str(), "Nothing was charged twice"] {
            assert!(e.message().contains(words), "{status}: {words:?} missing: {}", e.message());
        }
        assert_eq!(fake.submit_count(), 1);
    }
}
