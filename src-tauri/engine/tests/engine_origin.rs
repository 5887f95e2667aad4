//! Each job is bound to the server it was sent to: the endpoint is journaled with the job, and
//! every later step (after a restart, "check again", "download again") asks for a provider of
//! that endpoint, not of whatever the settings say by then. When that endpoint's credential is
//! gone, the job waits for the person instead of using another server's.

mod support;

use deckhand_engine::jobs::JobState;
use deckhand_engine::providers::RemoteJob;
use support::*;

#[tokio::test(start_paused = true)]
async fn a_job_records_the_endpoint_it_was_sent_to() {
    let h = harness(|_| {});
    let job = h.submit("solar").await;
    assert_eq!(job.origin, Some(endpoint("https://service.test/")));
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done);
    let on_disk = stored_jobs(&h.data_dir());
    assert_eq!(on_disk[0].origin, Some(endpoint("https://service.test/")), "journaled with the job");
    assert!(h.fake.calls.lock().unwrap().endpoints.iter().all(|e| e.as_ref() == Some(&endpoint("https://service.test/"))));
}

#[tokio::test(start_paused = true)]
async fn after_the_server_changes_in_settings_a_resumed_job_still_goes_to_its_own() {
    let mut h = harness(|_| {});
    h.fake.set_hold(true);
    let job = h.submit("wind").await;
    until("the service accepted it", || h.engine.job(&job.id).is_some_and(|j| j.state == JobState::Running)).await;
    // The person points Settings at another server, and Deckhand restarts.
    *h.fake.current.lock().unwrap() = endpoint("https://other.test/");
    h.reopen(|_| {});
    h.fake.calls.lock().unwrap().endpoints.clear();
    h.fake.set_hold(false);
    h.engine.resume_all();
    assert_eq!(h.wait(&job.id).await.state, JobState::Done);
    assert_eq!(h.fake.calls.lock().unwrap().endpoints, vec![Some(endpoint("https://service.test/"))]);

    // A new deck goes to the server of today's settings.
    let next = h.submit("tides").await;
    assert_eq!(next.origin, Some(endpoint("https://other.test/")));
    h.wait(&next.id).await;
}

#[tokio::test(start_paused = true)]
async fn when_its_servers_credential_is_gone_the_job_waits_for_the_person() {
    let mut h = harness(|_| {});
    h.fake.set_hold(true);
    let job = h.submit("bees").await;
    until("the service accepted it", || h.engine.job(&job.id).is_some_and(|j| j.state == JobState::Running)).await;
    *h.fake.current.lock().unwrap() = endpoint("https://other.test/");
    h.fake.no_credential.lock().unwrap().push(endpoint("https://service.test/"));
    h.reopen(|_| {});
    let statuses_before = h.fake.statuses();
    h.engine.resume_all();
    let stopped = h.wait(&job.id).await;
    assert_eq!(stopped.state, JobState::NeedsAttention, "{stopped:?}");
    assert_eq!(stopped.error.as_ref().map(|e| e.kind()), Some("auth"));
    assert_eq!(h.fake.statuses(), statuses_before, "nothing was sent with another server's credential");

    // The key is back: "check again" goes to the same server and gets the deck.
    h.fake.no_credential.lock().unwrap().clear();
    h.fake.set_hold(false);
    h.engine.check_again(&job.id).await.unwrap();
    assert_eq!(h.wait(&job.id).await.state, JobState::Done);
    let asked = h.fake.calls.lock().unwrap().endpoints.clone();
    assert!(asked.iter().all(|e| e.as_ref() == Some(&endpoint("https://service.test/"))), "{asked:?}");
}

#[tokio::test(start_paused = true)]
async fn a_job_journaled_before_endpoints_were_recorded_follows_todays_settings() {
    let mut h = harness(|_| {});
    let out = tempfile::tempdir().unwrap();
    let mut old = deckhand_engine::jobs::Job::new(
        "j0000000001-aaaaaa".into(),
        deckhand_engine::providers::ProviderKind::Gamma,
        deckhand_engine::providers::DeckRequest { content: "old".into(), format: deckhand_engine::providers::ExportFormat::Pdf, ..Default::default() },
        out.path().to_path_buf(),
        1_000,
    );
    old.set_state(JobState::Running, 2_000);
    old.remote = Some(RemoteJob { id: "r-old".into(), file_id: None });
    let mut v = serde_json::to_value(&old).unwrap();
    assert!(v.get("origin").is_none(), "an earlier version wrote no origin");
    v.as_object_mut().unwrap().remove("origin");
    // As an earlier version left it: in its journal, imported at the next start.
    let journal = serde_json::json!({"version": 2, "jobs": [v]});
    std::fs::write(h.data_dir().join(deckhand_engine::jobs::journal::FILE_NAME), journal.to_string()).unwrap();
    h.reopen(|_| {});
    h.engine.resume_all();
    let done = h.wait("j0000000001-aaaaaa").await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.origin, None, "not guessed after the fact");
    assert_eq!(h.fake.calls.lock().unwrap().endpoints, vec![None]);
}
