//! After a crash: a job store left in each state resumes correctly, and a damaged store or an
//! old journal is handled without losing anything silently.

mod support;

use std::fs;

use deckhand_engine::jobs::journal::FILE_NAME;
use deckhand_engine::jobs::saving::{fingerprint, Saving};
use deckhand_engine::jobs::store::Store;
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::{DeckRequest, ExportFormat, ProviderKind, RemoteJob};
use deckhand_engine::EngineEvent;
use support::*;

fn job_in(state: JobState, remote: Option<&str>, out: &std::path::Path) -> Job {
    let req = DeckRequest { content: "crash".into(), title: Some("Crash".into()), format: ExportFormat::Pdf, ..Default::default() };
    let mut job = Job::new("j0000000001-aaaaaa".into(), ProviderKind::Gamma, req, out.to_path_buf(), 1_000);
    job.remote = remote.map(|id| RemoteJob { id: id.into(), file_id: None });
    if state != JobState::Queued {
        job.set_state(JobState::Submitting, 2_000);
        job.submit_attempts = 1;
    }
    if matches!(state, JobState::Running | JobState::Downloading) {
        job.set_state(JobState::Running, 3_000);
    }
    if state == JobState::Downloading {
        job.set_state(JobState::Downloading, 4_000);
    }
    job
}

/// A data folder whose store holds `job`, as a crash would have left it.
fn crashed_with(job: Job) -> Harness {
    let h = harness(|_| {});
    Store::open(&h.data_dir(), 1).unwrap().store.insert(&job).unwrap();
    h
}

#[tokio::test(start_paused = true)]
async fn a_job_caught_submitting_without_a_remote_id_needs_attention_and_is_not_resent() {
    let mut h = crashed_with(job_in(JobState::Submitting, None, &std::env::temp_dir()));
    h.reopen(|_| {});
    let job = h.engine.job("j0000000001-aaaaaa").unwrap();
    assert_eq!(job.state, JobState::NeedsAttention);
    assert_eq!(job.error.as_ref().unwrap().kind(), "submit_uncertain");
    h.engine.resume_all();
    tokio::time::sleep(std::time::Duration::from_secs(300)).await;
    assert_eq!(h.fake.submits(), 0);
    assert_eq!(h.fake.statuses(), 0);
    // The decision is durable too.
    let (again, _) = open_engine(&h.data_dir(), &h.fake, |_| {});
    assert_eq!(again.job("j0000000001-aaaaaa").unwrap().state, JobState::NeedsAttention);
    // Check-again is refused (nothing to ask about); retry as a new job is the way.
    assert_eq!(h.engine.check_again("j0000000001-aaaaaa").await.unwrap_err().kind(), "invalid_input");
    let fresh = h.engine.retry_as_new("j0000000001-aaaaaa").await.unwrap();
    assert_eq!(h.wait(&fresh.id).await.state, JobState::Done);
    assert_eq!(h.fake.submits(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_queued_job_is_submitted_after_a_restart() {
    let mut h = crashed_with(job_in(JobState::Queued, None, &std::env::temp_dir().join("deckhand-q")));
    h.reopen(|_| {});
    h.engine.resume_all();
    let done = h.wait("j0000000001-aaaaaa").await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(h.fake.submits(), 1);
    let _ = fs::remove_file(done.file.unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_running_job_resumes_polling_without_submitting() {
    let out = tempfile::tempdir().unwrap();
    let mut h = crashed_with(job_in(JobState::Running, Some("r-old"), out.path()));
    h.reopen(|_| {});
    h.fake.script(|s| s.statuses.push_back(Ok(running("Still thinking", 1, 8))));
    h.engine.resume_all();
    let done = h.wait("j0000000001-aaaaaa").await;
    assert_eq!(done.state, JobState::Done);
    assert_eq!(h.fake.submits(), 0);
    assert_eq!(h.fake.statuses(), 2);
    assert!(h.fake.calls.lock().unwrap().statuses.iter().all(|(id, _)| id == "r-old"));
    assert!(done.file.unwrap().starts_with(out.path()));
}

#[tokio::test(start_paused = true)]
async fn the_engine_counts_the_decks_it_picked_up_until_they_finish() {
    let out = tempfile::tempdir().unwrap();
    let mut h = crashed_with(job_in(JobState::Running, Some("r-count"), out.path()));
    h.reopen(|_| {});
    assert_eq!(h.engine.resumed_still_active(), 0, "nothing is picked up before resume_all");
    h.fake.script(|s| s.statuses.push_back(Ok(running("Still thinking", 1, 8))));
    h.engine.resume_all();
    assert_eq!(h.engine.resumed_still_active(), 1);
    // A deck started after the restart is not one that was picked up.
    let fresh = h.submit("new after restart").await;
    assert_eq!(h.engine.resumed_still_active(), 1);
    assert_eq!(h.wait("j0000000001-aaaaaa").await.state, JobState::Done);
    assert_eq!(h.engine.resumed_still_active(), 0);
    h.wait(&fresh.id).await;
}

#[tokio::test(start_paused = true)]
async fn a_job_caught_downloading_fetches_a_fresh_link_and_downloads_again() {
    let out = tempfile::tempdir().unwrap();
    // A partial file from the interrupted download must not count as the deck.
    fs::write(out.path().join("Crash.pdf.part"), b"%PDF-1.4 half").unwrap();
    let mut h = crashed_with(job_in(JobState::Downloading, Some("r-dl"), out.path()));
    h.reopen(|_| {});
    h.engine.resume_all();
    let done = h.wait("j0000000001-aaaaaa").await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    let calls = h.fake.calls.lock().unwrap();
    assert_eq!((calls.refreshes, calls.downloads, calls.submits.len(), calls.statuses.len()), (1, 1, 0, 0));
    assert_eq!(fs::read(done.file.unwrap()).unwrap(), pdf_bytes());
}

// Changed with the job store: a journal that cannot be imported used to be set aside as
// `journal.corrupt-*.json`; now it is left exactly where it was (the next start tries again).
#[tokio::test(start_paused = true)]
async fn a_corrupt_journal_is_left_as_it_was_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join(FILE_NAME), b"{\"version\":2,\"jobs\":[{\"id\":\"j1\",").unwrap();
    let fake = FakeProvider::new();
    let (engine, sink) = open_engine(&data, &fake, |_| {});
    assert!(engine.jobs().is_empty());
    let notices = notices(&sink);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("could not bring over your earlier list") && notices[0].contains("left as it was"), "{}", notices[0]);
    assert_eq!(fs::read(data.join(FILE_NAME)).unwrap(), b"{\"version\":2,\"jobs\":[{\"id\":\"j1\",");
    assert_eq!(names_in(&data, "journal"), vec![FILE_NAME.to_string()], "nothing renamed or added");
}

#[tokio::test(start_paused = true)]
async fn a_version_1_journal_is_imported_and_its_running_job_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    let v1 = serde_json::json!({
        "version": 1,
        "jobs": [
            {"id": "j0000000001-aaaaaa", "provider": "gamma", "request": {"content": "old", "format": "pdf"},
             "state": "running", "created_ms": 1000, "updated_ms": 2000, "remote": {"id": "r-v1"},
             "out_dir": dir.path().join("out")},
            {"id": "j0000000000-bbbbbb", "provider": "presenton", "request": {"content": "older", "format": "pptx"},
             "state": "done", "created_ms": 1000, "updated_ms": 121000, "out_dir": dir.path().join("out"),
             "file": dir.path().join("out/Older.pptx")}
        ]
    });
    let bytes = serde_json::to_vec(&v1).unwrap();
    fs::write(data.join(FILE_NAME), &bytes).unwrap();
    let fake = FakeProvider::new();
    let (engine, sink) = open_engine(&data, &fake, |_| {});
    assert!(notices(&sink).is_empty(), "{:?}", notices(&sink));
    assert_eq!(engine.jobs().len(), 2);
    let old = engine.job("j0000000001-aaaaaa").unwrap();
    assert!(!old.history.is_empty());
    // The old file is kept, unchanged, under a name that says it was brought over.
    assert!(!data.join(FILE_NAME).exists());
    let kept = names_in(&data, "journal.json.imported-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(fs::read(data.join(&kept[0])).unwrap(), bytes);
    engine.resume_all();
    let done = tokio::time::timeout(std::time::Duration::from_secs(3600), engine.wait("j0000000001-aaaaaa")).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    // The migrated finished deck taught one duration; the resumed job, accepted "long ago"
    // (1970 in this fixture), is past the deadline and teaches nothing.
    let db = rusqlite::Connection::open(data.join(deckhand_engine::jobs::store::DB_FILE)).unwrap();
    let secs: Vec<f64> = db.prepare("SELECT secs FROM durations").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert_eq!(secs, vec![120.0]);
    assert_eq!(fake.submits(), 0);
}

#[tokio::test(start_paused = true)]
async fn learned_durations_survive_a_restart_and_give_a_typical_time() {
    let mut h = harness(|_| {});
    for i in 0..3 {
        let job = h.submit(&format!("deck {i}")).await;
        h.wait(&job.id).await;
    }
    let typical = h.engine.typical_duration(ProviderKind::Gamma, None).expect("three decks teach a typical time");
    assert!(typical.as_secs_f64() > 1.0 && typical.as_secs_f64() < 30.0, "{typical:?}");
    h.reopen(|_| {});
    assert_eq!(h.engine.typical_duration(ProviderKind::Gamma, None), Some(typical));
    assert_eq!(h.engine.typical_duration(ProviderKind::Presenton, None), None);
}

/// The journal as it stands at the instant between "the file got its name" and "the job is
/// done": the fetched deck, its fingerprint and its final name were journaled, then the
/// process died.
fn crashed_while_naming(out: &std::path::Path) -> (Harness, Saving) {
    let part = out.join("Crash.pdf.part");
    fs::write(&part, pdf_bytes()).unwrap();
    let (size, checksum) = fingerprint(&part).unwrap();
    let saving = Saving { part, path: out.join("Crash.pdf"), base: "Crash".into(), size, checksum };
    let mut job = job_in(JobState::Downloading, Some("r-dl"), out);
    job.saving = Some(saving.clone());
    (crashed_with(job), saving)
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

async fn resumed(h: &mut Harness) -> Job {
    h.reopen(|_| {});
    h.engine.resume_all();
    h.wait("j0000000001-aaaaaa").await
}

#[tokio::test(start_paused = true)]
async fn killed_after_the_file_got_its_name_the_job_is_done_with_that_one_file() {
    let out = tempfile::tempdir().unwrap();
    let (mut h, saving) = crashed_while_naming(out.path());
    // Claimed (hard link), the .part removed, `done` never journaled.
    fs::hard_link(&saving.part, &saving.path).unwrap();
    fs::remove_file(&saving.part).unwrap();
    let done = resumed(&mut h).await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    assert_eq!(done.file.as_deref(), Some(saving.path.as_path()));
    assert_eq!(done.saving, None);
    assert_eq!(files_in(out.path()), vec!["Crash.pdf"]);
    let calls = h.fake.calls.lock().unwrap();
    assert_eq!((calls.refreshes, calls.downloads, calls.submits.len(), calls.statuses.len()), (0, 0, 0, 0));
}

#[tokio::test(start_paused = true)]
async fn killed_between_link_and_unlink_the_stray_part_goes_and_one_file_stays() {
    let out = tempfile::tempdir().unwrap();
    let (mut h, saving) = crashed_while_naming(out.path());
    fs::hard_link(&saving.part, &saving.path).unwrap();
    let done = resumed(&mut h).await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    assert_eq!(files_in(out.path()), vec!["Crash.pdf"]);
    assert_eq!(fs::read(&saving.path).unwrap(), pdf_bytes());
    assert_eq!(h.fake.calls.lock().unwrap().downloads, 0);
}

#[tokio::test(start_paused = true)]
async fn killed_after_journaling_the_name_but_before_taking_it_the_checked_part_is_named() {
    let out = tempfile::tempdir().unwrap();
    let (mut h, saving) = crashed_while_naming(out.path());
    let done = resumed(&mut h).await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    assert_eq!(done.file.as_deref(), Some(saving.path.as_path()));
    assert_eq!(files_in(out.path()), vec!["Crash.pdf"]);
    let calls = h.fake.calls.lock().unwrap();
    assert_eq!((calls.refreshes, calls.downloads), (0, 0));
}

#[tokio::test(start_paused = true)]
async fn a_file_someone_else_put_under_the_journaled_name_is_never_taken() {
    let out = tempfile::tempdir().unwrap();
    let (mut h, saving) = crashed_while_naming(out.path());
    // The .part is gone and a whole PDF of exactly the journaled size stands under the name,
    // but its bytes differ: a person's file, not this job's.
    fs::remove_file(&saving.part).unwrap();
    let mut theirs = pdf_bytes();
    let at = theirs.len() / 2;
    theirs[at] ^= 0x20;
    fs::write(&saving.path, &theirs).unwrap();
    let done = resumed(&mut h).await;
    assert_eq!(done.state, JobState::Done, "{done:?}");
    assert_eq!(done.file.as_deref(), Some(out.path().join("Crash (2).pdf").as_path()));
    assert_eq!(fs::read(&saving.path).unwrap(), theirs, "their file is untouched");
    assert_eq!(files_in(out.path()), vec!["Crash (2).pdf", "Crash.pdf"]);
    assert_eq!(h.fake.calls.lock().unwrap().downloads, 1, "downloaded again, since nothing was provably ours");
}

/// Records, at each journaled change that names a file, whether that name was still free.
#[derive(Default)]
struct NameWatch(std::sync::Mutex<Vec<(std::path::PathBuf, bool)>>);

impl deckhand_engine::EventSink for NameWatch {
    fn emit(&self, event: EngineEvent) {
        if let EngineEvent::JobChanged { job } = event {
            if let Some(s) = &job.saving {
                self.0.lock().unwrap().push((s.path.clone(), s.path.exists()));
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn the_final_name_is_journaled_while_still_free_and_before_the_file_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // Another file already has the first name.
    fs::write(out.join("Deck named.pdf"), b"mine").unwrap();
    let fake = FakeProvider::new();
    let watch = std::sync::Arc::new(NameWatch::default());
    let config = deckhand_engine::jobs::EngineConfig::new(dir.path().join("data"));
    let engine = deckhand_engine::jobs::Engine::open(config, std::sync::Arc::new(FakeSource(fake.clone())), watch.clone()).unwrap();
    let req = DeckRequest { content: "x".into(), title: Some("Deck named".into()), format: ExportFormat::Pdf, ..Default::default() };
    let job = engine.submit(ProviderKind::Gamma, req, out.clone()).await.unwrap();
    let done = tokio::time::timeout(std::time::Duration::from_secs(3600), engine.wait(&job.id)).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert_eq!(done.file.as_deref(), Some(out.join("Deck named (2).pdf").as_path()));
    assert_eq!(*watch.0.lock().unwrap(), vec![(out.join("Deck named (2).pdf"), false)], "journaled once, while the name was free");
    let on_disk = stored_jobs(&dir.path().join("data"));
    assert_eq!(on_disk[0].saving, None, "cleared with `done`");
}
