//! A scripted, in-process fake `Provider` for the engine's integration tests: each call takes
//! the next scripted answer (or a sensible default), and every call is counted with its
//! (tokio) time, so tests can check what was sent, how often and when.

#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use deckhand_engine::connection::{Endpoint, SignIn};
use deckhand_engine::events::RecordingSink;
use deckhand_engine::jobs::{Engine, EngineConfig, Job, JobState, ProviderSource};
use deckhand_engine::providers::*;
use deckhand_engine::{Details, EngineEvent, Error};
use tokio::time::Instant;

pub enum SubmitStep {
    Ok,
    Fail(Delivery, Error),
}

pub fn network_error() -> Error {
    Error::Network { message: "Could not reach the service.".into(), details: Details::default() }
}

pub fn credits_error() -> Error {
    Error::Credits { message: "No credits left.".into(), details: Details::default() }
}

#[derive(Default)]
pub struct Script {
    pub submits: VecDeque<SubmitStep>,
    /// Answers per status call, shared by all jobs, before the default (completed).
    pub statuses: VecDeque<Result<RemoteStatus, Error>>,
    /// (HTTP status, body) per download, before the default (200, a PDF).
    pub downloads: VecDeque<(u16, Vec<u8>)>,
    pub refreshes: VecDeque<Result<DownloadLink, Error>>,
}

#[derive(Default, Debug)]
pub struct Calls {
    pub submits: Vec<Instant>,
    pub statuses: Vec<(String, Instant)>,
    pub refreshes: u32,
    pub downloads: u32,
    /// The endpoint the engine asked a provider for, each time (`None`: today's settings).
    pub endpoints: Vec<Option<Endpoint>>,
}

pub struct FakeProvider {
    pub script: Mutex<Script>,
    pub calls: Mutex<Calls>,
    /// While set, every status call answers "running" (with a progress message).
    pub hold: AtomicBool,
    /// The next status call panics (a bug in a provider, say), once.
    pub panic_next_status: AtomicBool,
    next_remote: Mutex<u32>,
    /// Where new jobs go today, as the settings would say.
    pub current: Mutex<Endpoint>,
    /// Endpoints whose credential is gone: asking for their provider is an `auth` error.
    pub no_credential: Mutex<Vec<Endpoint>>,
}

/// An endpoint of the fake service.
pub fn endpoint(url: &str) -> Endpoint {
    Endpoint { base_url: url.parse().unwrap(), sign_in: SignIn::Key }
}

impl FakeProvider {
    pub fn new() -> Arc<FakeProvider> {
        Arc::new(FakeProvider {
            script: Mutex::default(),
            calls: Mutex::default(),
            hold: AtomicBool::new(false),
            panic_next_status: AtomicBool::new(false),
            next_remote: Mutex::new(0),
            current: Mutex::new(endpoint("https://service.test/")),
            no_credential: Mutex::default(),
        })
    }

    pub fn script(&self, f: impl FnOnce(&mut Script)) {
        f(&mut self.script.lock().unwrap());
    }

    pub fn submits(&self) -> usize {
        self.calls.lock().unwrap().submits.len()
    }

    pub fn statuses(&self) -> usize {
        self.calls.lock().unwrap().statuses.len()
    }

    pub fn status_times(&self) -> Vec<Instant> {
        self.calls.lock().unwrap().statuses.iter().map(|(_, t)| *t).collect()
    }

    pub fn set_hold(&self, on: bool) {
        self.hold.store(on, Ordering::SeqCst);
    }
}

pub fn link_for(remote: &RemoteJob) -> DownloadLink {
    DownloadLink { url: format!("https://files.test/{}.pdf", remote.id).parse().unwrap(), file_name_hint: None }
}

pub fn running(message: &str, done: u32, total: u32) -> RemoteStatus {
    let mut st = RemoteStatus::new(RemoteState::Running);
    st.progress = Progress { message: Some(message.into()), slides_done: Some(done), slides_total: Some(total) };
    st
}

fn completed(remote: &RemoteJob) -> RemoteStatus {
    let mut st = RemoteStatus::new(RemoteState::Completed);
    st.download = Some(link_for(remote));
    st.edit_url = Some(format!("https://app.test/edit/{}", remote.id).parse().unwrap());
    st.file_id = Some(format!("g_{}", remote.id));
    st.credits = Some(Credits { used: Some(3.0), remaining: Some(97.0) });
    st
}

/// A small valid one-page PDF (what the content check accepts).
pub fn pdf_bytes() -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ];
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

#[async_trait]
impl Provider for FakeProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gamma
    }

    fn validate(&self, request: &DeckRequest) -> Result<(), Error> {
        if request.content.trim().is_empty() {
            return Err(Error::invalid_input("content", "Write a topic or paste notes first."));
        }
        Ok(())
    }

    async fn submit(&self, _request: &DeckRequest) -> Result<Submitted, SubmitFailure> {
        self.calls.lock().unwrap().submits.push(Instant::now());
        let step = self.script.lock().unwrap().submits.pop_front().unwrap_or(SubmitStep::Ok);
        match step {
            SubmitStep::Ok => {
                let mut n = self.next_remote.lock().unwrap();
                *n += 1;
                Ok(Submitted {
                    remote: RemoteJob { id: format!("r{}", *n), file_id: None },
                    warnings: vec!["textOptions.amount was dropped".into()],
                    request_id: Some("req-1".into()),
                })
            }
            SubmitStep::Fail(delivery, error) => Err(SubmitFailure { error, delivery }),
        }
    }

    async fn status(&self, remote: &RemoteJob) -> Result<RemoteStatus, Error> {
        self.calls.lock().unwrap().statuses.push((remote.id.clone(), Instant::now()));
        if self.panic_next_status.swap(false, Ordering::SeqCst) {
            panic!("a status answer nobody expected");
        }
        if self.hold.load(Ordering::SeqCst) {
            return Ok(running("Generating slides", 2, 8));
        }
        let scripted = self.script.lock().unwrap().statuses.pop_front();
        scripted.unwrap_or_else(|| Ok(completed(remote)))
    }

    async fn refresh_download(&self, remote: &RemoteJob, _format: ExportFormat) -> Result<DownloadLink, Error> {
        self.calls.lock().unwrap().refreshes += 1;
        let scripted = self.script.lock().unwrap().refreshes.pop_front();
        scripted.unwrap_or_else(|| Ok(link_for(remote)))
    }

    async fn open_download(&self, _link: &DownloadLink) -> Result<reqwest::Response, Error> {
        self.calls.lock().unwrap().downloads += 1;
        let (status, body) = self.script.lock().unwrap().downloads.pop_front().unwrap_or_else(|| (200, pdf_bytes()));
        let resp = ::http::Response::builder()
            .status(status)
            .header("content-type", if status == 200 { "application/pdf" } else { "text/html" })
            .header("content-length", body.len().to_string())
            .body(body)
            .map_err(|e| Error::internal(e.to_string()))?;
        Ok(reqwest::Response::from(resp))
    }

    async fn list_choices(&self, _query: &ChoiceQuery) -> Result<ChoicePage, Error> {
        Ok(ChoicePage::default())
    }

    async fn test_connection(&self) -> Result<ConnectionReport, Error> {
        Ok(ConnectionReport { message: "ok".into(), ..Default::default() })
    }
}

pub struct FakeSource(pub Arc<FakeProvider>);

impl ProviderSource for FakeSource {
    fn endpoint(&self, _kind: ProviderKind) -> Result<Endpoint, Error> {
        Ok(self.0.current.lock().unwrap().clone())
    }

    fn provider(&self, _kind: ProviderKind, endpoint: Option<&Endpoint>) -> Result<Arc<dyn Provider>, Error> {
        self.0.calls.lock().unwrap().endpoints.push(endpoint.cloned());
        if endpoint.is_some_and(|e| self.0.no_credential.lock().unwrap().contains(e)) {
            return Err(Error::Auth { message: "There is no key for that server any more.".into(), details: Details::default() });
        }
        Ok(self.0.clone())
    }
}

pub struct Harness {
    pub engine: Engine,
    pub fake: Arc<FakeProvider>,
    pub sink: Arc<RecordingSink>,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    pub fn out_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("out")
    }

    pub fn events(&self) -> Vec<EngineEvent> {
        self.sink.0.lock().unwrap().clone()
    }

    /// The states a job went through, as reported to the sink.
    pub fn states_of(&self, id: &str) -> Vec<JobState> {
        let mut out: Vec<JobState> = Vec::new();
        for e in self.events() {
            if let EngineEvent::JobChanged { job } = e {
                if job.id == id && out.last() != Some(&job.state) {
                    out.push(job.state);
                }
            }
        }
        out
    }

    pub async fn submit(&self, content: &str) -> Job {
        let req = DeckRequest { content: content.into(), title: Some(format!("Deck {content}")), format: ExportFormat::Pdf, ..Default::default() };
        self.engine.submit(ProviderKind::Gamma, req, self.out_dir()).await.unwrap()
    }

    /// Waits (in tokio time) for a job to finish or stall.
    pub async fn wait(&self, id: &str) -> Job {
        tokio::time::timeout(Duration::from_secs(3 * 3600), self.engine.wait(id)).await.expect("job did not settle").unwrap()
    }

    /// Reopens the engine on the same data folder (as after a restart).
    pub fn reopen(&mut self, tweak: impl FnOnce(&mut EngineConfig)) {
        let (engine, sink) = open_engine(&self.data_dir(), &self.fake, tweak);
        self.engine = engine;
        self.sink = sink;
    }
}

pub fn open_engine(data_dir: &Path, fake: &Arc<FakeProvider>, tweak: impl FnOnce(&mut EngineConfig)) -> (Engine, Arc<RecordingSink>) {
    let mut config = EngineConfig::new(data_dir.to_path_buf());
    tweak(&mut config);
    let sink = Arc::new(RecordingSink::default());
    let engine = Engine::open(config, Arc::new(FakeSource(fake.clone())), sink.clone()).unwrap();
    (engine, sink)
}

pub fn harness(tweak: impl FnOnce(&mut EngineConfig)) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeProvider::new();
    let (engine, sink) = open_engine(&dir.path().join("data"), &fake, tweak);
    Harness { engine, fake, sink, dir }
}

/// Polls a condition in tokio time.
pub async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..100_000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never happened: {what}");
}

/// Every job as the store on disk holds it (read by another connection, as another process would).
pub fn stored_jobs(data_dir: &Path) -> Vec<Job> {
    let store = deckhand_engine::jobs::store::Store::open_reader(data_dir).unwrap().expect("a job store");
    store
        .all()
        .unwrap()
        .into_iter()
        .filter_map(|s| match s {
            deckhand_engine::jobs::record::Stored::Known(job) => Some(*job),
            deckhand_engine::jobs::record::Stored::Newer(_) => None,
        })
        .collect()
}

/// The notices the engine gave (when it opened, mostly).
pub fn notices(sink: &RecordingSink) -> Vec<String> {
    sink.0
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Notice { message } => Some(message.clone()),
            _ => None,
        })
        .collect()
}

/// The names in `dir` that start with `prefix`, sorted.
pub fn names_in(dir: &Path, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(prefix)).collect();
    v.sort();
    v
}

pub fn count_by_state(jobs: &[Job]) -> HashMap<JobState, usize> {
    let mut m = HashMap::new();
    for j in jobs {
        *m.entry(j.state).or_insert(0) += 1;
    }
    m
}
