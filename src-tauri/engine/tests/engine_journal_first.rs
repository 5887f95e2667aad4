//! Write before you act: when the journal cannot be written, the step that depends on it
//! does not happen.

mod support;

use std::fs;

use deckhand_engine::jobs::JobState;
use support::*;

/// Puts a plain file where the data folder was, so every journal write fails.
fn break_data_dir(h: &Harness) {
    fs::remove_dir_all(h.data_dir()).unwrap();
    fs::write(h.data_dir(), b"not a folder").unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_submit_that_cannot_be_journaled_is_not_sent() {
    let h = harness(|_| {});
    fs::create_dir_all(h.data_dir()).unwrap();
    break_data_dir(&h);
    let req = deckhand_engine::providers::DeckRequest { content: "x".into(), ..Default::default() };
    let err = h.engine.submit(deckhand_engine::providers::ProviderKind::Gamma, req, h.out_dir()).await.unwrap_err();
    assert_eq!(err.kind(), "journal");
    assert!(h.engine.jobs().is_empty());
    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    assert_eq!(h.fake.submits(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_finished_deck_is_not_downloaded_when_downloading_cannot_be_journaled() {
    let h = harness(|_| {});
    h.fake.set_hold(true);
    let job = h.submit("fragile").await;
    until("polling", || h.fake.statuses() >= 1).await;
    break_data_dir(&h);
    h.fake.set_hold(false);
    let stopped = h.wait(&job.id).await;
    assert_eq!(stopped.state, JobState::Failed);
    assert_eq!(stopped.error.unwrap().kind(), "journal");
    assert_eq!(h.fake.calls.lock().unwrap().downloads, 0);
    assert_eq!(h.fake.submits(), 1);
}
