//! The job from request to file with a scripted fake provider: the happy path, submit
//! failures (never paying twice), downloads, and the person's controls.

mod support;

use deckhand_engine::jobs::{HistoryQuery, JobState};
use deckhand_engine::providers::{Delivery, DeckRequest, ExportFormat, ProviderKind};
use deckhand_engine::{EngineEvent, Error};
use support::*;

#[tokio::test(start_paused = true)]
async fn happy_path_goes_through_every_state_and_saves_the_file() {
    let h = harness(|_| {});
    h.fake.script(|s| s.statuses.extend([Ok(running("Generating outline", 0, 8)), Ok(running("Generating slides", 3, 8))]));
    let job = h.submit("solar").await;
    assert_eq!(job.state, JobState::Queued);
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    assert_eq!(
        h.states_of(&job.id),
        vec![JobState::Queued, JobState::Submitting, JobState::Running, JobState::Downloading, JobState::Done]
    );
    let file = done.file.clone().unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), pdf_bytes());
    assert!(file.starts_with(h.out_dir()));
    assert_eq!(done.remote.as_ref().unwrap().file_id.as_deref(), Some("g_r1"));
    assert_eq!(done.edit_url.as_deref(), Some("https://app.test/edit/r1"));
    assert_eq!(done.credits.as_ref().unwrap().remaining, Some(97.0));
    assert_eq!(done.warnings, vec!["textOptions.amount was dropped".to_string()]);
    assert_eq!(done.submit_attempts, 1);
    assert!(done.error.is_none() && done.progress.is_none());
    // The service's progress words reached the person.
    let progress: Vec<String> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            EngineEvent::JobChanged { job } => job.progress,
            _ => None,
        })
        .collect();
    assert!(progress.iter().any(|p| p == "Generating slides (3/8 slides)"), "{progress:?}");
    // Download progress: at least the last one, with the full size.
    let last = h.events().into_iter().rev().find_map(|e| match e {
        EngineEvent::DownloadProgress { bytes, total, .. } => Some((bytes, total)),
        _ => None,
    });
    let len = pdf_bytes().len() as u64;
    assert_eq!(last, Some((len, Some(len))));
    // What the card shows comes from the file: one page, its size; no picture in it.
    assert_eq!(done.slide_count, Some(1));
    assert_eq!(done.file_size, Some(len));
    assert_eq!(done.preview, None);
    assert_eq!(done.service_progress, None, "steps are for decks being made");
    // Durable: a new engine on the same folder sees the finished job.
    let (again, _) = open_engine(&h.data_dir(), &h.fake, |_| {});
    assert_eq!(again.job(&job.id).unwrap().state, JobState::Done);
    assert_eq!(h.fake.submits(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_services_steps_are_kept_while_it_works_and_where_it_stopped() {
    let h = harness(|_| {});
    let mut failed = deckhand_engine::providers::RemoteStatus::new(deckhand_engine::providers::RemoteState::Failed);
    failed.progress.message = Some("Presentation generation failed".into());
    failed.error = Some(Error::ProviderFailed { message: "no".into(), details: Default::default() });
    h.fake.script(|s| s.statuses.extend([Ok(running("Generating slides", 3, 8)), Ok(running("Exporting presentation", 8, 8)), Ok(failed)]));
    let job = h.submit("export breaks").await;
    let end = h.wait(&job.id).await;
    assert_eq!(end.state, JobState::Failed);
    let steps: Vec<_> = h
        .events()
        .into_iter()
        .filter_map(|e| match e {
            EngineEvent::JobChanged { job } => job.service_progress.and_then(|p| p.message),
            _ => None,
        })
        .collect();
    assert!(steps.contains(&"Generating slides".to_string()), "{steps:?}");
    assert_eq!(end.service_progress.unwrap().message.as_deref(), Some("Exporting presentation"), "the step it failed at");
}

#[tokio::test(start_paused = true)]
async fn an_invalid_request_is_refused_before_anything_is_journaled_or_sent() {
    let h = harness(|_| {});
    let err = h.engine.submit(ProviderKind::Gamma, DeckRequest::default(), h.out_dir()).await.unwrap_err();
    assert_eq!(err.kind(), "invalid_input");
    assert!(h.engine.jobs().is_empty());
    assert!(!h.data_dir().join("journal.json").exists());
    assert_eq!(h.fake.submits(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_submit_that_never_left_is_retried_and_succeeds_once() {
    let h = harness(|_| {});
    h.fake.script(|s| s.submits.push_back(SubmitStep::Fail(Delivery::NotSent, network_error())));
    let job = h.submit("retry").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(h.fake.submits(), 2);
    assert_eq!(done.submit_attempts, 2);
    assert_eq!(h.engine.jobs().len(), 1);
    let states = h.states_of(&job.id);
    assert_eq!(&states[..4], &[JobState::Queued, JobState::Submitting, JobState::Queued, JobState::Submitting]);
}

#[tokio::test(start_paused = true)]
async fn submit_retries_stop_after_the_configured_number() {
    let h = harness(|c| c.submit_retries = 2);
    h.fake.script(|s| {
        for _ in 0..5 {
            s.submits.push_back(SubmitStep::Fail(Delivery::NotSent, network_error()));
        }
    });
    let job = h.submit("offline").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Failed);
    assert_eq!(done.error.unwrap().kind(), "network");
    assert_eq!(h.fake.submits(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_uncertain_submit_needs_the_person_and_is_never_repeated() {
    let h = harness(|_| {});
    let timeout = Error::Timeout { message: "Gamma did not answer in time.".into(), phase: None, details: Default::default() };
    h.fake.script(|s| s.submits.push_back(SubmitStep::Fail(Delivery::Uncertain, timeout)));
    let job = h.submit("unsure").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::NeedsAttention);
    let err = done.error.unwrap();
    assert_eq!(err.kind(), "submit_uncertain");
    assert!(err.message().contains("Check your Gamma account"), "{}", err.message());
    tokio::time::sleep(std::time::Duration::from_secs(600)).await;
    assert_eq!(h.fake.submits(), 1);
    assert_eq!(h.fake.statuses(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_refused_submit_fails_and_retry_as_new_makes_a_new_job() {
    let h = harness(|_| {});
    h.fake.script(|s| s.submits.push_back(SubmitStep::Fail(Delivery::Rejected, credits_error())));
    let job = h.submit("broke").await;
    let failed = h.wait(&job.id).await;
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.error.as_ref().unwrap().kind(), "credits");
    assert_eq!(h.fake.submits(), 1, "a refusal is not retried");
    let again = h.engine.retry_as_new(&job.id).await.unwrap();
    assert_ne!(again.id, job.id);
    assert!(again.id > job.id, "ids sort by creation");
    assert_eq!(again.retry_of.as_deref(), Some(job.id.as_str()));
    assert_eq!(again.request, failed.request);
    assert_eq!(h.wait(&again.id).await.state, JobState::Done);
    assert_eq!(h.engine.job(&job.id).unwrap().state, JobState::Failed, "the old job stays as it was");
    assert_eq!(h.engine.jobs().len(), 2);
    // Again, as another file type: the same request otherwise.
    let other = h.engine.retry_as_new_with(&job.id, Some(ExportFormat::Pptx)).await.unwrap();
    assert_eq!(other.request.format, ExportFormat::Pptx);
    assert_eq!(other.request.content, failed.request.content);
    assert_eq!(other.retry_of.as_deref(), Some(job.id.as_str()));
    h.engine.cancel(&other.id).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn an_expired_link_is_refreshed_and_the_download_retried() {
    let h = harness(|_| {});
    h.fake.script(|s| s.downloads.push_back((410, b"<html>expired</html>".to_vec())));
    let job = h.submit("expired").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    let calls = h.fake.calls.lock().unwrap();
    assert_eq!((calls.downloads, calls.refreshes), (2, 1));
}

#[tokio::test(start_paused = true)]
async fn a_link_that_keeps_expiring_fails_and_retry_download_fetches_it_later() {
    let h = harness(|c| c.download_retries = 1);
    h.fake.script(|s| {
        s.downloads.push_back((403, b"<html>denied</html>".to_vec()));
        s.downloads.push_back((403, b"<html>denied</html>".to_vec()));
    });
    let job = h.submit("stubborn").await;
    let failed = h.wait(&job.id).await;
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.error.as_ref().unwrap().kind(), "expired_link");
    assert!(failed.remote.is_some());
    let statuses = h.fake.statuses();
    h.engine.retry_download(&job.id).await.unwrap();
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(h.fake.submits(), 1);
    assert_eq!(h.fake.statuses(), statuses, "retrying a download does not poll again");
}

#[tokio::test(start_paused = true)]
async fn remove_forgets_the_job_but_keeps_the_file() {
    let h = harness(|_| {});
    let job = h.submit("keep").await;
    let done = h.wait(&job.id).await;
    let file = done.file.unwrap();
    let preview = deckhand_engine::deck_file::preview_path(&h.data_dir(), &job.id);
    std::fs::create_dir_all(preview.parent().unwrap()).unwrap();
    std::fs::write(&preview, b"jpeg").unwrap();
    h.engine.remove(&job.id).await.unwrap();
    assert!(h.engine.job(&job.id).is_none());
    assert!(file.exists());
    assert!(!preview.exists(), "the card's picture goes with the card");
    assert!(h.events().iter().any(|e| matches!(e, EngineEvent::JobRemoved { job_id } if *job_id == job.id)));
    let (again, _) = open_engine(&h.data_dir(), &h.fake, |_| {});
    assert!(again.jobs().is_empty());
    assert_eq!(h.engine.remove(&job.id).await.unwrap_err().kind(), "not_found");
}

#[tokio::test(start_paused = true)]
async fn two_decks_with_the_same_title_do_not_overwrite_each_other() {
    let h = harness(|_| {});
    let a = h.submit("same").await;
    let b = h.submit("same").await;
    let (a, b) = (h.wait(&a.id).await, h.wait(&b.id).await);
    assert_ne!(a.file, b.file);
    assert!(a.file.unwrap().exists() && b.file.unwrap().exists());
}

#[tokio::test(start_paused = true)]
async fn a_failure_reported_by_the_service_ends_the_job_with_its_words() {
    let h = harness(|_| {});
    let mut failed = deckhand_engine::providers::RemoteStatus::new(deckhand_engine::providers::RemoteState::Failed);
    failed.error = Some(Error::ProviderFailed { message: "Gamma could not make this deck.".into(), details: Default::default() });
    h.fake.script(|s| s.statuses.push_back(Ok(failed)));
    let job = h.submit("doomed").await;
    let done = h.wait(&job.id).await;
    assert_eq!(done.state, JobState::Failed);
    assert_eq!(done.error.unwrap().kind(), "provider_failed");
    assert_eq!(h.fake.calls.lock().unwrap().downloads, 0);
}

#[tokio::test(start_paused = true)]
async fn the_history_lists_card_facts_and_finds_decks_by_the_services_title() {
    let h = harness(|_| {});
    let mut titled = deckhand_engine::providers::RemoteStatus::new(deckhand_engine::providers::RemoteState::Running);
    titled.title = Some("How Plants Eat Light".into());
    h.fake.script(|s| s.statuses.push_back(Ok(titled)));
    let a = h.submit("alpha").await;
    h.wait(&a.id).await;
    std::thread::sleep(std::time::Duration::from_millis(2));
    let b = h.submit("beta").await;
    h.wait(&b.id).await;
    let page = h.engine.list(HistoryQuery::default()).await.unwrap();
    assert_eq!(page.total, 2);
    let views: Vec<serde_json::Value> = page.jobs.iter().map(|e| serde_json::to_value(e).unwrap()).collect();
    let ids: Vec<&str> = views.iter().map(|v| v["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![b.id.as_str(), a.id.as_str()], "newest first");
    assert!(views[0]["request"].get("content").is_none(), "lists leave the notes out");
    assert_eq!(views[0]["topic"], "beta");
    // The card's facts come back from the store with the list.
    assert_eq!((views[1]["deck_title"].as_str(), views[1]["slide_count"].as_u64()), (Some("How Plants Eat Light"), Some(1)));
    assert_eq!(views[1]["file_size"].as_u64(), Some(pdf_bytes().len() as u64));
    // Search reaches the person's title, the service's title and the topic, ignoring case.
    for (text, found) in [("DECK ALPHA", &a.id), ("plants eat", &a.id), ("beta", &b.id)] {
        let page = h.engine.list(HistoryQuery { text: Some(text.into()), ..Default::default() }).await.unwrap();
        assert_eq!(page.jobs.iter().map(|e| e.id()).collect::<Vec<_>>(), vec![found.as_str()], "{text}");
    }
    assert_eq!(h.engine.counts().await.unwrap().by_state.get("done"), Some(&2));
}
