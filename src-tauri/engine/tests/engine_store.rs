//! The job store under the engine: every journal an earlier Deckhand wrote is imported once
//! and kept; a damaged database is kept aside with what can be read brought back and the
//! person told; records written by another Deckhand keep what this one does not know; a job
//! whose task panics ends failed instead of hanging; events carry no notes.

mod support;

use std::fs;
use std::path::Path;

use deckhand_engine::jobs::journal::FILE_NAME as JOURNAL;
use deckhand_engine::jobs::store::{Store, DB_FILE};
use deckhand_engine::jobs::{HistoryEntry, HistoryQuery, Job, JobState};
use deckhand_engine::providers::{DeckRequest, ExportFormat, ProviderKind, RemoteJob};
use serde_json::{json, Value};
use support::*;

fn done_job(id: &str, created_ms: u64, content: &str) -> Job {
    let req = DeckRequest { content: content.into(), format: ExportFormat::Pdf, ..Default::default() };
    let mut job = Job::new(id.into(), ProviderKind::Gamma, req, "/tmp/out".into(), created_ms);
    job.set_state(JobState::Done, created_ms + 60_000);
    job
}

/// Every page of the history.
async fn listed(engine: &deckhand_engine::jobs::Engine) -> Result<Vec<HistoryEntry>, deckhand_engine::Error> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = engine.list(HistoryQuery { cursor: cursor.take(), limit: Some(100), ..Default::default() }).await?;
        all.extend(page.jobs);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(all),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn every_journal_version_is_imported_once_and_kept() {
    let job = |id: &str, state: &str| {
        json!({"id": id, "provider": "presenton", "request": {"content": format!("Topic {id}\nnotes"), "format": "pptx"},
               "state": state, "created_ms": 1_000, "updated_ms": 91_000, "out_dir": "/tmp/out"})
    };
    let mut v2_job = job("j-v2", "done");
    v2_job["history"] = json!([{"state": "queued", "at_ms": 1_000}, {"state": "done", "at_ms": 91_000}]);
    let sample = json!({"provider": "gamma", "bucket": 1, "secs": 42.0, "at_ms": 5});
    let journals = [
        ("v0, a bare list", json!([job("j-v0", "done")]), 1),
        ("v1", json!({"version": 1, "jobs": [job("j-v1", "done")]}), 1),
        ("v2", json!({"version": 2, "jobs": [v2_job], "durations": {"samples": [sample]}}), 1),
    ];
    for (what, journal, learned) in journals {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        fs::create_dir_all(&data).unwrap();
        let bytes = serde_json::to_vec(&journal).unwrap();
        fs::write(data.join(JOURNAL), &bytes).unwrap();
        let fake = FakeProvider::new();
        let (engine, sink) = open_engine(&data, &fake, |_| {});
        assert!(notices(&sink).is_empty(), "{what}: {:?}", notices(&sink));
        let jobs = engine.jobs();
        assert_eq!(jobs.len(), 1, "{what}");
        assert_eq!(jobs[0].state, JobState::Done, "{what}");
        assert_eq!(jobs[0].history.last().map(|s| s.state), Some(JobState::Done), "{what}: a state history");
        assert_eq!(jobs[0].request.content, format!("Topic {}\nnotes", jobs[0].id), "{what}");
        let page = engine.list(HistoryQuery::default()).await.unwrap();
        assert_eq!(page.jobs[0].topic(), format!("Topic {}", jobs[0].id), "{what}");
        // Kept, byte for byte, under a name that says it was brought over.
        assert!(!data.join(JOURNAL).exists(), "{what}");
        let kept = names_in(&data, "journal.json.imported-");
        assert_eq!(kept.len(), 1, "{what}");
        assert_eq!(fs::read(data.join(&kept[0])).unwrap(), bytes, "{what}");
        let db = rusqlite::Connection::open(data.join(DB_FILE)).unwrap();
        let samples: i64 = db.query_row("SELECT count(*) FROM durations", [], |r| r.get(0)).unwrap();
        assert_eq!(samples, learned, "{what}: learned durations come along (v0/v1: from the finished deck)");
        drop((engine, db));
        // Once: a second start finds nothing to import and the same jobs.
        let (again, sink) = open_engine(&data, &fake, |_| {});
        assert!(notices(&sink).is_empty());
        assert_eq!(again.jobs(), jobs, "{what}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_journal_that_cannot_be_imported_is_left_as_it_was_and_tried_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    let bytes = br#"{"version": 99, "jobs": [{"id": "j-future"}]}"#;
    fs::write(data.join(JOURNAL), bytes).unwrap();
    let fake = FakeProvider::new();
    for _ in 0..2 {
        let (engine, sink) = open_engine(&data, &fake, |_| {});
        let said = notices(&sink);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].contains("written by a newer Deckhand") && said[0].contains("left as it was"), "{}", said[0]);
        assert!(engine.jobs().is_empty());
        assert_eq!(fs::read(data.join(JOURNAL)).unwrap(), bytes);
    }
}

#[tokio::test(start_paused = true)]
async fn importing_again_keeps_the_newer_record_of_each_job_and_the_unreadable_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    Store::open(&data, 1).unwrap().store.insert(&done_job("j1", 1_000, "Kept as done")).unwrap();
    let mut stale = serde_json::to_value(done_job("j1", 1_000, "Stale")).unwrap();
    stale["state"] = "running".into();
    stale["updated_ms"] = 2_000.into();
    let fresh = serde_json::to_value(done_job("j2", 3_000, "New one")).unwrap();
    let unreadable =
        json!({"id": "j3", "provider": "someday-ai", "state": "done", "created_ms": 4_000, "request": {"content": "From the future"}});
    fs::write(data.join(JOURNAL), json!({"version": 2, "jobs": [stale, fresh, unreadable]}).to_string()).unwrap();
    let fake = FakeProvider::new();
    let (engine, sink) = open_engine(&data, &fake, |_| {});
    let said = notices(&sink);
    assert_eq!(said, vec!["One deck in your earlier list was made by a newer Deckhand: they are listed, and can be worked on only there."]);
    assert_eq!(engine.job("j1").unwrap().request.content, "Kept as done");
    assert_eq!(engine.job("j2").unwrap().request.content, "New one");
    let all = listed(&engine).await.unwrap();
    assert_eq!(all.iter().map(|e| e.id()).collect::<Vec<_>>(), vec!["j3", "j2", "j1"]);
    assert!(all[0].job().is_none(), "kept as it was written");
    let full = engine.record("j3").unwrap();
    assert_eq!((full["provider"].as_str(), full["request"]["content"].as_str()), (Some("someday-ai"), Some("From the future")));
}

#[tokio::test(start_paused = true)]
async fn a_file_that_is_not_a_database_is_kept_aside_and_a_new_list_started() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    let garbage = b"this is not an SQLite database, it is a note someone saved here".repeat(100);
    fs::write(data.join(DB_FILE), &garbage).unwrap();
    let fake = FakeProvider::new();
    let (engine, sink) = open_engine(&data, &fake, |_| {});
    let said = notices(&sink);
    assert_eq!(said.len(), 1, "{said:?}");
    let aside = names_in(&data, "jobs.damaged-");
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(said[0].contains(&aside[0]) && said[0].contains("a new list was started"), "{}", said[0]);
    assert!(!said[0].contains("could still be read"), "nothing could be: {}", said[0]);
    assert_eq!(fs::read(data.join(&aside[0])).unwrap(), garbage, "kept exactly as found");
    // The new list works.
    let req = DeckRequest { content: "after the damage".into(), format: ExportFormat::Pdf, ..Default::default() };
    let job = engine.submit(ProviderKind::Gamma, req, dir.path().join("out")).await.unwrap();
    let done = tokio::time::timeout(std::time::Duration::from_secs(3600), engine.wait(&job.id)).await.unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
}

/// The page number of a leaf in the middle of the `jobs` table (whose root is an interior
/// page), read from the file itself.
fn a_middle_leaf_of_the_jobs_table(db: &Path) -> (u64, usize) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let page_size = conn.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0)).unwrap() as usize;
    let root = conn.query_row("SELECT rootpage FROM sqlite_master WHERE name = 'jobs'", [], |r| r.get::<_, i64>(0)).unwrap() as u64;
    drop(conn);
    let bytes = fs::read(db).unwrap();
    let page = &bytes[(root as usize - 1) * page_size..root as usize * page_size];
    assert_eq!(page[0], 0x05, "the root of a table this size is an interior page");
    let cells = u16::from_be_bytes([page[3], page[4]]) as usize;
    let middle = 12 + 2 * (cells / 2);
    let at = u16::from_be_bytes([page[middle], page[middle + 1]]) as usize;
    let child = u32::from_be_bytes([page[at], page[at + 1], page[at + 2], page[at + 3]]) as u64;
    (child, page_size)
}

#[tokio::test(start_paused = true)]
async fn damage_found_while_working_is_kept_aside_at_the_next_start_with_every_readable_deck_brought_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    const DECKS: u64 = 300;
    {
        let store = Store::open(&data, 1).unwrap().store;
        for i in 0..DECKS {
            store.insert(&done_job(&format!("j{i:04}"), 1_000 + i, &format!("Deck {i}\n{}", "notes ".repeat(50)))).unwrap();
        }
    }
    let db = data.join(DB_FILE);
    assert!(!data.join(format!("{DB_FILE}-wal")).exists(), "closed cleanly");
    let (leaf, page_size) = a_middle_leaf_of_the_jobs_table(&db);
    let mut bytes = fs::read(&db).unwrap();
    bytes[(leaf as usize - 1) * page_size..leaf as usize * page_size].fill(0xA5);
    fs::write(&db, &bytes).unwrap();

    // Nothing a start reads is damaged: it opens; listing every deck finds the bad page.
    let fake = FakeProvider::new();
    let (engine, sink) = open_engine(&data, &fake, |_| {});
    assert!(notices(&sink).is_empty());
    let err = listed(&engine).await.unwrap_err();
    assert_eq!(err.kind(), "journal");
    assert!(err.message().contains("damaged") && err.message().contains("open it again"), "{}", err.message());
    drop(engine);

    let (engine, sink) = open_engine(&data, &fake, |_| {});
    let said = notices(&sink);
    assert_eq!(said.len(), 1, "{said:?}");
    let aside = names_in(&data, "jobs.damaged-");
    assert!(said[0].contains(&aside[0]), "{}", said[0]);
    assert_eq!(fs::read(data.join(&aside[0])).unwrap(), bytes, "kept exactly as found");
    let all = listed(&engine).await.unwrap();
    let n = all.len() as u64;
    assert!((DECKS - 20..DECKS).contains(&n), "the rows of one page are lost, the rest brought back: {n}");
    assert!(said[0].contains(&format!("with the {n} decks that could still be read")), "{}", said[0]);
    for entry in &all {
        let job = engine.job(entry.id()).expect("readable");
        assert!(job.request.content.starts_with("Deck "), "notes came along");
    }
    drop(engine);
    let (_engine, sink) = open_engine(&data, &fake, |_| {});
    assert!(notices(&sink).is_empty(), "repaired once");
}

/// Writes a row as another Deckhand would have.
fn put_raw(data: &Path, id: &str, version: i64, state: &str, active: bool, record: &Value, notes: &Value) {
    let db = rusqlite::Connection::open(data.join(DB_FILE)).unwrap();
    db.execute(
        "INSERT INTO jobs (id, provider, state, active, created_ms, updated_ms, title, topic, search, claim, version, record)
         VALUES (?1, 'gamma', ?2, ?3, 1000, 1000, NULL, 'raw', 'raw', NULL, ?4, ?5)",
        rusqlite::params![id, state, active, version, record.to_string()],
    )
    .unwrap();
    db.execute("INSERT INTO job_notes (id, notes) VALUES (?1, ?2)", rusqlite::params![id, notes.to_string()]).unwrap();
}

fn raw_record(data: &Path, id: &str) -> (i64, Value) {
    let db = rusqlite::Connection::open(data.join(DB_FILE)).unwrap();
    db.query_row("SELECT version, record FROM jobs WHERE id = ?1", [id], |r| {
        Ok((r.get(0)?, serde_json::from_str(&r.get::<_, String>(1)?).unwrap()))
    })
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn what_another_deckhand_wrote_is_kept_through_this_ones_changes() {
    let out = tempfile::tempdir().unwrap();
    let mut h = harness(|_| {});
    // Same record version, with a field, a request option and an error kind this one does not know.
    let req = DeckRequest { format: ExportFormat::Pdf, ..Default::default() };
    let mut job = Job::new("j-same".into(), ProviderKind::Gamma, req, out.path().to_path_buf(), 1_000);
    job.set_state(JobState::Running, 2_000);
    job.remote = Some(RemoteJob { id: "r-same".into(), file_id: None });
    let mut record = serde_json::to_value(&job).unwrap();
    record["made_on_device"] = "laptop".into();
    record["request"]["tone_preset"] = "calm".into();
    record["error"] = json!({"kind": "quota_frozen", "message": "Paused by your team.", "until_ms": 7});
    put_raw(&h.data_dir(), "j-same", 1, "running", true, &record, &json!({"content": "Same version"}));
    // A newer version's record, in a state it looks busy in.
    let mut newer = record.clone();
    newer["id"] = "j-newer".into();
    newer["state"] = "paused".into();
    put_raw(&h.data_dir(), "j-newer", 2, "running", true, &newer, &json!({"content": "Newer"}));

    h.reopen(|_| {});
    assert_eq!(h.engine.job("j-same").unwrap().error.as_ref().unwrap().kind(), "quota_frozen", "an unknown error kind is read and shown");
    h.engine.resume_all();
    let done = h.wait("j-same").await;
    assert_eq!(done.state, JobState::Done);
    let (version, stored) = raw_record(&h.data_dir(), "j-same");
    assert_eq!(version, 1);
    assert_eq!(stored["made_on_device"], "laptop", "kept through every change");
    assert_eq!(stored["request"]["tone_preset"], "calm");
    assert!(stored.get("error").is_none(), "the error was cleared by this Deckhand, as it should");
    assert!(h.fake.calls.lock().unwrap().statuses.iter().all(|(id, _)| id == "r-same"), "the newer record is never worked on");
    assert_eq!(raw_record(&h.data_dir(), "j-newer"), (2, newer), "nor rewritten");
    // Making it again would lose what this Deckhand does not understand: refused before sending.
    let err = h.engine.retry_as_new("j-same").await.unwrap_err();
    assert_eq!(err.kind(), "invalid_input");
    assert!(err.message().contains("tone_preset"), "{}", err.message());
    assert_eq!(h.fake.submits(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_job_whose_task_panics_ends_failed_and_can_be_checked_again() {
    let h = harness(|_| {});
    h.fake.panic_next_status.store(true, std::sync::atomic::Ordering::SeqCst);
    let job = h.submit("unlucky").await;
    let stopped = h.wait(&job.id).await;
    assert_eq!(stopped.state, JobState::Failed);
    assert_eq!(stopped.error.as_ref().unwrap().kind(), "internal");
    // Its run is gone: "Check again" is not refused as busy, and it finishes.
    h.engine.check_again(&job.id).await.unwrap();
    assert_eq!(h.wait(&job.id).await.state, JobState::Done);
    // And the record says so after a restart too.
    assert_eq!(stored_jobs(&h.data_dir())[0].state, JobState::Done);
}

#[tokio::test(start_paused = true)]
async fn events_carry_the_job_without_its_notes() {
    let h = harness(|_| {});
    let notes = format!("Solar power for schools\n{}", "All the details. ".repeat(2_000));
    let req =
        DeckRequest { content: notes.clone(), instructions: Some("Be brief".into()), format: ExportFormat::Pdf, ..Default::default() };
    let job = h.engine.submit(ProviderKind::Gamma, req, h.out_dir()).await.unwrap();
    h.wait(&job.id).await;
    let mut sent = 0;
    for event in h.events() {
        let v = serde_json::to_value(&event).unwrap();
        if v["type"] == "job_changed" {
            sent += 1;
            let text = v.to_string();
            assert!(text.len() < 2_000, "{} bytes", text.len());
            assert!(!text.contains("All the details") && !text.contains("Be brief"));
            assert_eq!(v["job"]["topic"], "Solar power for schools");
        }
    }
    assert!(sent >= 4, "{sent}");
    assert_eq!(h.engine.record(&job.id).unwrap()["request"]["content"], notes.as_str());
}
