//! Shared helpers for the `gamma_*` integration tests.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use deckhand_engine::providers::gamma::{ExportPolling, GammaProvider};
use deckhand_engine::providers::{DeckRequest, Provider, RemoteJob, RemoteState, RemoteStatus};
use deckhand_engine::Secret;
use deckhand_tests::gamma::{FakeGamma, FakeGammaConfig, FakeGammaHandle, Origin, GAMMA_KEY};

pub async fn start(cfg: FakeGammaConfig) -> (FakeGammaHandle, GammaProvider) {
    let fake = FakeGamma::start(cfg).await.expect("fake Gamma starts");
    let provider = provider(&fake, GAMMA_KEY);
    (fake, provider)
}

pub fn provider(fake: &FakeGammaHandle, key: &str) -> GammaProvider {
    GammaProvider::new(fake.base_url.clone(), Secret::new(key))
        .expect("provider")
        .with_export_polling(ExportPolling { interval: Duration::from_millis(50), attempts: 400 })
}

pub fn deck(content: &str) -> DeckRequest {
    DeckRequest { content: content.into(), ..DeckRequest::default() }
}

/// Poll until a terminal state, generously bounded for a loaded machine.
pub async fn wait_done(p: &GammaProvider, remote: &RemoteJob) -> RemoteStatus {
    let start = Instant::now();
    loop {
        let s = p.status(remote).await.expect("status");
        if s.state.is_terminal() {
            return s;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "generation never finished: {:?}", s.state);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn submit_and_finish(p: &GammaProvider, req: &DeckRequest) -> (RemoteJob, RemoteStatus) {
    let submitted = p.submit(req).await.expect("submit");
    let status = wait_done(p, &submitted.remote).await;
    assert_eq!(status.state, RemoteState::Completed, "{status:?}");
    (submitted.remote, status)
}

pub async fn bytes(resp: reqwest::Response) -> Vec<u8> {
    resp.bytes().await.expect("body").to_vec()
}

/// The key went to the API origin only, never as a Bearer token, never to storage.
pub fn assert_key_only_on_api(fake: &FakeGammaHandle) {
    let reqs = fake.requests();
    assert!(!reqs.is_empty());
    for r in reqs {
        assert!(!r.has_authorization, "no Authorization header ever: {r:?}");
        match r.origin {
            Origin::Api => assert!(r.has_api_key, "API requests carry X-API-KEY: {r:?}"),
            Origin::Storage => assert!(!r.has_api_key, "the key reached the storage origin: {r:?}"),
        }
    }
}
