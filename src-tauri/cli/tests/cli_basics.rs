//! The built binary without any service: bad input refused before anything is recorded,
//! `list`/`status`/`cancel`/`download` over a job store written by the engine itself, JSON
//! shapes and exit statuses.

use std::path::Path;
use std::process::{Command, Output};

use deckhand_engine::jobs::lock::{DataLock, Holder};
use deckhand_engine::jobs::record::Stored;
use deckhand_engine::jobs::store::{Store, DB_FILE as FILE_NAME};
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::{DeckRequest, ProviderKind, RemoteJob};
use deckhand_engine::Error;
use serde_json::Value;

fn cli(data: &Path, args: &[&str]) -> Output {
    cli_command(data, args).output().expect("the CLI runs")
}

fn cli_command(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_deckhand-cli"));
    c.args(args)
        .env("DECKHAND_DATA_DIR", data)
        .env("DECKHAND_GAMMA_API_KEY", "test-key-not-real")
        .env_remove("DECKHAND_PRESENTON_API_KEY")
        .current_dir(data);
    c
}

fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn job(id: &str, state: JobState) -> Job {
    let req = DeckRequest { content: "Solar power".into(), title: Some("Solar".into()), ..Default::default() };
    let mut j = Job::new(id.into(), ProviderKind::Gamma, req, "/tmp".into(), 1_700_000_000_000);
    j.set_state(state, 1_700_000_001_000);
    j
}

fn write_journal(dir: &Path, jobs: Vec<Job>) {
    let store = Store::open(dir, 1).unwrap().store;
    for job in &jobs {
        store.insert(job).unwrap();
    }
}

fn journal_jobs(dir: &Path) -> Vec<Job> {
    let stored = Store::open_reader(dir).unwrap().unwrap().all().unwrap();
    stored.into_iter().map(|s| if let Stored::Known(job) = s { *job } else { panic!("unreadable") }).collect()
}

#[test]
fn help_documents_the_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let o = cli(dir.path(), &["--help"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Exit status") && text.contains("3  needs your attention"), "{text}");
    // Where settings come from, notes files and the --out folder are explained.
    for words in ["Where settings come from", "the Deckhand app's settings, read and never changed", ".docx and .pdf notes", "a missing folder is created"] {
        assert!(text.contains(words), "--help does not say {words:?}: {text}");
    }
}

#[test]
fn bad_input_exits_2_and_journals_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-file"), b"x").unwrap();
    let cases: &[&[&str]] = &[
        &["generate", "--content", "Solar"],
        &["generate", "--provider", "gamma", "--content", "   "],
        // A missing --out folder is created now; a file in its place is still refused.
        &["generate", "--provider", "gamma", "--content", "x", "--out", "a-file"],
        &["generate", "--provider", "gamma", "--content", "x", "--file", "missing.docx"],
        &["generate", "--provider", "gamma", "--content", "x", "--format", "docx"],
        &["generate", "--provider", "gamma", "--content-file", "missing.txt"],
    ];
    for args in cases {
        let o = cli(dir.path(), &[&["--json"], *args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let o = cli(dir.path(), &["--json", "generate", "--content", "Solar"]);
    assert_eq!(stdout_json(&o)["error"]["kind"], "invalid_input");
    assert_eq!(stdout_json(&o)["error"]["field"], "provider");
    assert!(!dir.path().join(FILE_NAME).exists(), "nothing was journaled");
}

#[test]
fn a_batch_with_one_bad_line_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("decks.csv"), "content,slides\nSolar,5\nWind,many\n").unwrap();
    let o = cli(dir.path(), &["batch", "decks.csv", "--provider", "gamma"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Line 3"), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!dir.path().join(FILE_NAME).exists());
}

#[test]
fn list_and_status_read_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let o = cli(dir.path(), &["--json", "list"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout_json(&o), serde_json::json!([]));

    let mut done = job("j-done", JobState::Done);
    done.file = Some(dir.path().join("Solar.pptx"));
    done.edit_url = Some("https://gamma.app/docs/x".into());
    let mut failed = job("j-failed", JobState::Failed);
    failed.error = Some(Error::Server { message: "Gamma had a problem.".into(), details: Default::default() }.into());
    let attention = job("j-attn", JobState::NeedsAttention);
    let mut stalled = job("j-stalled", JobState::Running);
    stalled.stalled = true;
    stalled.remote = Some(RemoteJob { id: "gen-1".into(), file_id: None });
    write_journal(dir.path(), vec![done, failed, attention, stalled]);

    let o = cli(dir.path(), &["--json", "list"]);
    let list = stdout_json(&o);
    assert_eq!(list.as_array().unwrap().len(), 4);

    let o = cli(dir.path(), &["--json", "status", "j-done"]);
    assert_eq!(o.status.code(), Some(0));
    let v = stdout_json(&o);
    assert_eq!(v["id"], "j-done");
    assert_eq!(v["state"], "done");
    assert_eq!(v["provider"], "gamma");
    assert_eq!(v["file"], dir.path().join("Solar.pptx").display().to_string());
    assert_eq!(v["edit_url"], "https://gamma.app/docs/x");
    assert_eq!(v["error"], Value::Null);
    assert!(v.get("credits").is_some());

    let o = cli(dir.path(), &["--json", "status", "j-failed"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout_json(&o)["error"]["kind"], "server");
    assert_eq!(cli(dir.path(), &["status", "j-attn"]).status.code(), Some(3));
    let o = cli(dir.path(), &["status", "j-stalled"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stdout).contains("deckhand-cli download j-stalled"));

    let o = cli(dir.path(), &["--json", "status", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout_json(&o)["error"]["kind"], "not_found");
}

#[test]
fn cancel_records_the_cancel_without_contacting_anyone() {
    let dir = tempfile::tempdir().unwrap();
    let mut running = job("j-run", JobState::Running);
    running.remote = Some(RemoteJob { id: "gen-2".into(), file_id: None });
    write_journal(dir.path(), vec![running]);
    let o = cli(dir.path(), &["--json", "cancel", "j-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = stdout_json(&o);
    assert_eq!(v["state"], "cancelled");
    assert_eq!(v["error"]["kind"], "cancelled");
    assert_eq!(journal_jobs(dir.path())[0].state, JobState::Cancelled);
}

#[test]
fn download_of_a_done_job_with_its_file_needs_no_network() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Solar.pptx");
    std::fs::write(&file, b"deck").unwrap();
    let mut done = job("j-done", JobState::Done);
    done.file = Some(file.clone());
    write_journal(dir.path(), vec![done]);
    let o = cli(dir.path(), &["--json", "download", "j-done"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout_json(&o)["file"], file.display().to_string());
}

#[test]
fn a_job_interrupted_mid_submit_needs_attention_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    write_journal(dir.path(), vec![job("j-sub", JobState::Submitting)]);
    let o = cli(dir.path(), &["--json", "status", "j-sub"]);
    assert_eq!(o.status.code(), Some(3));
    let v = stdout_json(&o);
    assert_eq!(v["state"], "needs_attention");
    assert_eq!(v["error"]["kind"], "submit_uncertain");
}

/// A data folder whose journal holds one running job "j-run", locked by `holder`.
fn running_job_held_by(holder: Holder) -> (tempfile::TempDir, DataLock) {
    let dir = tempfile::tempdir().unwrap();
    let mut running = job("j-run", JobState::Running);
    running.remote = Some(RemoteJob { id: "gen-3".into(), file_id: None });
    write_journal(dir.path(), vec![running]);
    let lock = DataLock::try_acquire(dir.path(), holder).unwrap().expect("the lock is free");
    (dir, lock)
}

#[test]
fn while_another_cli_works_list_reads_and_cancel_refuses() {
    let (dir, _held) = running_job_held_by(Holder::Cli);
    let o = cli(dir.path(), &["--json", "list"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout_json(&o)[0]["state"], "running");
    let o = cli(dir.path(), &["--json", "cancel", "j-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout_json(&o)["error"]["kind"], "in_use");
    assert!(stdout_json(&o)["error"]["message"].as_str().unwrap().contains("Another deckhand-cli"));
    assert_eq!(journal_jobs(dir.path())[0].state, JobState::Running, "nothing changed");
}

#[test]
fn while_the_app_holds_the_decks_the_cli_says_so_and_refuses_or_waits() {
    // As the app holds it, for its whole life.
    let (dir, app) = running_job_held_by(Holder::App);
    let o = cli(dir.path(), &["--json", "list"]);
    assert_eq!((o.status.code(), stdout_json(&o)[0]["state"].as_str()), (Some(0), Some("running")), "reading needs no lock");

    let o = cli(dir.path(), &["cancel", "j-run"]);
    assert_eq!(o.status.code(), Some(1));
    let said = String::from_utf8_lossy(&o.stderr);
    assert_eq!(said.trim(), "deckhand-cli: The Deckhand app is using your decks; close it (or wait until it is closed) and try again.");
    assert_eq!(journal_jobs(dir.path())[0].state, JobState::Running, "nothing changed");

    // A command that waits says why once, then carries on when the app is closed.
    let child = cli_command(dir.path(), &["download", "j-none"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(DataLock::try_acquire(dir.path(), Holder::Cli).unwrap().is_none(), "still held by the app");
    drop(app);
    let o = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.starts_with("The Deckhand app is using your decks; close it, or wait here until it is closed.\n"), "{said}");
    // It got the folder once the app let go, and went on (to find no such job).
    assert!(said.contains("There is no job j-none"), "{said}");
}

#[test]
fn by_default_the_cli_uses_the_apps_data_folder() {
    // Tauri's app_data_dir is the OS data folder joined with the app identifier; the CLI joins
    // the same folder with APP_IDENTIFIER. Same journal, so the two share one lock.
    let conf: Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../tauri.conf.json")).unwrap()).unwrap();
    assert_eq!(conf["identifier"], deckhand_cli::providers::APP_IDENTIFIER);
}

#[test]
fn list_pages_newest_first_and_searches_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let mut jobs = Vec::new();
    for (i, (title, state, provider)) in [
        ("Tides", JobState::Done, ProviderKind::Gamma),
        ("Budget review", JobState::Failed, ProviderKind::Presenton),
        ("Tidal energy", JobState::Done, ProviderKind::Presenton),
        ("Volcanoes", JobState::Cancelled, ProviderKind::Gamma),
    ]
    .into_iter()
    .enumerate()
    {
        let mut j = job(&format!("j-{i}"), state);
        j.provider = provider;
        // The budget deck has no title of the person's: the service's names it.
        if i == 1 {
            j.request.title = None;
            j.deck_title = Some(title.into());
        } else {
            j.request.title = Some(title.into());
        }
        j.created_ms += i as u64;
        jobs.push(j);
    }
    write_journal(dir.path(), jobs);
    // An earlier version's list with a deck made by a newer Deckhand: brought over, kept, shown.
    let newer = serde_json::json!({"version": 2, "jobs": [{"id": "j-newer", "provider": "gamma", "state": "paused",
        "created_ms": 1, "updated_ms": 1, "request": {"content": "Glaciers", "format": "pptx"}, "out_dir": "/tmp"}]});
    std::fs::write(dir.path().join("journal.json"), newer.to_string()).unwrap();

    let ids = |args: &[&str]| -> Vec<String> {
        let o = cli(dir.path(), &[&["--json", "list"], args].concat());
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        stdout_json(&o).as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&[]), vec!["j-3", "j-2", "j-1", "j-0", "j-newer"], "newest first");
    assert_eq!(ids(&["--search", "TID"]), vec!["j-2", "j-0"]);
    assert_eq!(ids(&["--state", "done", "--provider", "presenton"]), vec!["j-2"]);
    assert_eq!(ids(&["--state", "failed", "--state", "cancelled"]), vec!["j-3", "j-1"]);
    assert_eq!(ids(&["--limit", "2"]), vec!["j-3", "j-2"]);
    let o = cli(dir.path(), &["list", "--limit", "2"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("\"Volcanoes\"") && text.ends_with("… and 3 more (--limit shows more).\n"), "{text}");
    assert_eq!(String::from_utf8_lossy(&cli(dir.path(), &["list", "--search", "nothing like it"]).stdout), "No jobs match.\n");
    let o = cli(dir.path(), &["list", "--search", "budget"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"Budget review\""), "found and named by the service's title");

    let o = cli(dir.path(), &["--json", "status", "j-newer"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout_json(&o)["made_by_newer_version"], true);
    let o = cli(dir.path(), &["list", "--search", "glaciers"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("made by a newer Deckhand"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = cli(dir.path(), &["--json", "list", "--limit", "0"]);
    assert_eq!(stdout_json(&o), serde_json::json!([]));
}
