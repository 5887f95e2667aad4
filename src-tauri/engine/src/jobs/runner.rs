//! The engine the app and the CLI hold: it opens the job store, starts and watches the
//! per-job tasks, and offers the controls (submit, cancel, retry, check again, remove, wait)
//! and the history's questions (list, counts, one record). The jobs themselves are the job
//! table's (`table.rs`); the work of one job, step by step, is in `drive.rs`.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::Value;

use crate::events::{EngineEvent, EventSink};
use crate::jobs::config::EngineConfig;
use crate::jobs::drive::Services;
use crate::jobs::ids::now_ms;
use crate::jobs::listing::{HistoryPage, HistoryQuery, JobCounts};
use crate::jobs::queue::Slots;
use crate::jobs::record::Stored;
use crate::jobs::store::{Durability, Store};
use crate::jobs::table::{made_by_newer, unknown_job, JobTable};
use crate::jobs::view::full_record;
use crate::jobs::{Job, JobId, JobState};
use crate::providers::{look_of, DeckRequest, ExportFormat, ProviderKind};
use crate::{Details, Error};

pub use crate::jobs::drive::ProviderSource;

/// The job engine. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    svc: Arc<Services>,
    /// The unfinished jobs this engine picked up when it opened (see [`Engine::resume_all`]).
    resumed: Arc<Mutex<Vec<JobId>>>,
}

fn busy(what: &str) -> Error {
    Error::InvalidInput { message: format!("This job is still being worked on; {what}"), field: None, details: Details::default() }
}

/// Ends a run however its task ends (returns, panics, or is dropped with the runtime), so
/// "Check again", "Retry download" and [`Engine::wait`] never wait for a task that is gone.
struct RunGuard {
    table: Arc<JobTable>,
    id: String,
    epoch: u64,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.table.end_run(&self.id, self.epoch);
    }
}

impl Engine {
    /// Opens the job store (importing an earlier `journal.json`, setting a damaged database
    /// aside) and reports anything the person should know. Jobs that were being submitted
    /// when Deckhand stopped go to `needs_attention`: the request may have left. Starts no
    /// work; call [`Engine::resume_all`] inside a tokio runtime. Blocks (disk I/O).
    pub fn open(config: EngineConfig, providers: Arc<dyn ProviderSource>, sink: Arc<dyn EventSink>) -> Result<Engine, Error> {
        let now = now_ms();
        let opened = Store::open(&config.data_dir, now)?;
        for message in &opened.notices {
            sink.emit(EngineEvent::Notice { message: message.clone() });
        }
        let mut active = opened.active;
        for job in &mut active {
            let before = job.clone();
            if recover_after_crash(job, now) {
                opened.store.update(&before, job, None, Durability::Promise)?;
            }
        }
        let slots = Slots::new(&config.concurrency, 1);
        let table = Arc::new(JobTable::new(opened.store, active, opened.claims, opened.durations, sink.clone()));
        Ok(Engine { svc: Arc::new(Services { config, providers, sink, slots, table }), resumed: Arc::default() })
    }

    fn table(&self) -> &Arc<JobTable> {
        &self.svc.table
    }

    /// Spawns a task for every unfinished job, those already started on a service first.
    pub fn resume_all(&self) {
        let ids = self.table().to_resume();
        self.resumed.lock().unwrap_or_else(|p| p.into_inner()).extend(ids.iter().cloned());
        for id in ids {
            self.spawn_run(&id);
        }
    }

    /// How many of the decks picked up at start (see [`Engine::resume_all`]) are still being
    /// made, so the window can say so after a restart.
    pub fn resumed_still_active(&self) -> usize {
        let resumed = self.resumed.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.table().count_active(&resumed)
    }

    /// Starts (or restarts) the task that drives a job; any earlier task is stopped first. A
    /// task that panics leaves its job failed with an `internal` error, never hanging.
    fn spawn_run(&self, id: &str) {
        let (epoch, token) = self.table().begin_run(id);
        let svc = self.svc.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            let _guard = RunGuard { table: svc.table.clone(), id: id.clone(), epoch };
            let driven = AssertUnwindSafe(crate::jobs::drive::drive(svc.clone(), id.clone(), epoch, token)).catch_unwind().await;
            if driven.is_err() {
                tracing::error!(job = %id, "a job's task stopped unexpectedly");
                let _ = svc
                    .table
                    .update(&id, Some(epoch), |j| {
                        if !j.state.is_finished() {
                            j.fail(JobState::Failed, Error::internal(PANIC_MESSAGE), now_ms());
                            j.progress = None;
                        }
                    })
                    .await;
            }
        });
    }

    /// Checks the request with the provider (nothing is recorded or sent when it is
    /// refused), records the job as `queued`, and starts it.
    pub async fn submit(&self, provider: ProviderKind, request: DeckRequest, out_dir: PathBuf) -> Result<Job, Error> {
        self.submit_inner(provider, request, out_dir, None).await
    }

    async fn submit_inner(
        &self,
        kind: ProviderKind,
        request: DeckRequest,
        out_dir: PathBuf,
        retry_of: Option<JobId>,
    ) -> Result<Job, Error> {
        request.refuse_unknown_fields()?;
        let endpoint = self.svc.providers.endpoint(kind)?;
        let provider = self.svc.providers.provider(kind, Some(&endpoint))?;
        provider.validate(&request)?;
        let now = now_ms();
        let mut job = Job::new(self.table().new_id(now), kind, request, out_dir, now);
        job.look = look_of(kind, &job.request);
        job.retry_of = retry_of;
        job.origin = Some(endpoint);
        let job = self.table().insert(job).await?;
        self.spawn_run(&job.id);
        Ok(job)
    }

    /// Submits several decks; each waits its turn in its provider's line.
    pub async fn submit_batch(&self, items: Vec<(ProviderKind, DeckRequest, PathBuf)>) -> Vec<Result<Job, Error>> {
        let mut jobs = Vec::with_capacity(items.len());
        for (kind, request, out) in items {
            jobs.push(self.submit_inner(kind, request, out, None).await);
        }
        jobs
    }

    /// Every job this Deckhand can work with, oldest first. Reads the whole history: for
    /// tests and tools; lists page through [`Engine::list`].
    pub fn jobs(&self) -> Vec<Job> {
        self.table().all()
    }

    pub fn job(&self, id: &str) -> Option<Job> {
        self.table().job(id)
    }

    /// A job's full record as the window gets it (`get_job`): the job's JSON with its notes
    /// and `topic`; a newer Deckhand's record as it was stored.
    pub fn record(&self, id: &str) -> Result<Value, Error> {
        self.table().stored(id)?.map(full_record).ok_or_else(unknown_job)
    }

    /// A page of the history, newest first; the query comes checked or is refused.
    pub async fn list(&self, query: HistoryQuery) -> Result<HistoryPage, Error> {
        self.table().list(query.check()?).await
    }

    /// How many jobs there are in each state and for each service.
    pub async fn counts(&self) -> Result<JobCounts, Error> {
        self.table().counts().await
    }

    /// The jobs being worked on here (neither finished nor stopped at the polling deadline).
    pub fn unfinished(&self) -> Vec<JobId> {
        self.table().unfinished()
    }

    fn existing(&self, id: &str) -> Result<Job, Error> {
        match self.table().stored(id)? {
            Some(Stored::Known(job)) => Ok(*job),
            Some(Stored::Newer(_)) => Err(made_by_newer()),
            None => Err(unknown_job()),
        }
    }

    /// Stops local work at once. The service may still finish the deck and charge for it.
    pub async fn cancel(&self, id: &str) -> Result<Job, Error> {
        let job = self.existing(id)?;
        if matches!(job.state, JobState::Done | JobState::Failed | JobState::Cancelled) {
            return Ok(job);
        }
        self.table().stop_run(id);
        Ok(self
            .table()
            .update(id, None, |j| {
                j.fail(JobState::Cancelled, Error::cancelled(), now_ms());
                j.progress = None;
            })
            .await?)
    }

    /// Fetches the file again (a fresh link is asked for).
    pub async fn retry_download(&self, id: &str) -> Result<Job, Error> {
        let job = self.existing(id)?;
        if job.is_active() || self.table().is_running(id) {
            return Err(busy("wait for it to finish first."));
        }
        if job.remote.is_none() {
            return Err(Error::invalid_input(
                "id",
                "This job never reached the service, so there is nothing to download; retry it as a new job.",
            ));
        }
        let job = self
            .table()
            .update(id, None, |j| {
                j.set_state(JobState::Downloading, now_ms());
                j.error = None;
                j.progress = Some("Downloading the file again…".into());
            })
            .await?;
        self.spawn_run(id);
        Ok(job)
    }

    /// Asks the service again about a job that was still running at the deadline, or whose
    /// status could not be read.
    pub async fn check_again(&self, id: &str) -> Result<Job, Error> {
        let job = self.existing(id)?;
        if job.is_active() || self.table().is_running(id) {
            return Err(busy("it is already being checked."));
        }
        if job.remote.is_none() || job.state == JobState::Done {
            return Err(Error::invalid_input(
                "id",
                if job.state == JobState::Done {
                    "This deck is already done."
                } else {
                    "The service never confirmed this job, so there is nothing to check. Look in your account, or retry it as a new job."
                },
            ));
        }
        let job = self
            .table()
            .update(id, None, |j| {
                j.set_state(JobState::Running, now_ms());
                j.error = None;
                j.progress = Some(format!("Checking with {} again…", j.provider.in_sentence()));
            })
            .await?;
        self.spawn_run(id);
        Ok(job)
    }

    /// Submits the same request again as a new job (it may be charged again).
    pub async fn retry_as_new(&self, id: &str) -> Result<Job, Error> {
        self.retry_as_new_with(id, None).await
    }

    /// [`Engine::retry_as_new`], optionally as another file type ("make it as PowerPoint
    /// instead" after a PDF export failed). The provider checks the changed request first.
    pub async fn retry_as_new_with(&self, id: &str, format: Option<ExportFormat>) -> Result<Job, Error> {
        let job = self.existing(id)?;
        if job.is_active() {
            return Err(busy("cancel it first if you want to start over."));
        }
        let mut request = job.request;
        if let Some(format) = format {
            request.format = format;
        }
        self.submit_inner(job.provider, request, job.out_dir, Some(job.id)).await
    }

    /// Forgets a job (a newer Deckhand's too); its downloaded file stays where it is.
    pub async fn remove(&self, id: &str) -> Result<(), Error> {
        match self.table().stored(id)? {
            None => return Err(unknown_job()),
            Some(Stored::Known(job)) if job.is_active() => return Err(busy("cancel it before removing it.")),
            Some(_) => {}
        }
        self.table().stop_run(id);
        self.table().remove(id).await?;
        // The card's picture goes with the card; the deck's file stays.
        let _ = std::fs::remove_file(crate::deck_file::preview_path(&self.svc.config.data_dir, id));
        Ok(())
    }

    /// Waits until the job is finished or stalled (still running on the server past the
    /// deadline), and its task has stopped.
    pub async fn wait(&self, id: &str) -> Result<Job, Error> {
        let mut rx = self.table().subscribe();
        loop {
            let job = self.existing(id)?;
            if !job.is_active() && !self.table().is_running(id) {
                return Ok(job);
            }
            if rx.changed().await.is_err() {
                return Ok(job);
            }
        }
    }

    /// How long decks of this size usually take on this service (median of recent ones).
    pub fn typical_duration(&self, provider: ProviderKind, slides: Option<u32>) -> Option<Duration> {
        self.table().duration_stats(provider, slides).map(|s| s.median())
    }

    /// Changes how many decks a service generates at once (from Settings).
    pub fn set_concurrency(&self, provider: ProviderKind, limit: usize) {
        self.svc.slots.set_limit(provider, limit);
    }

    /// How many decks a service generates at once now.
    pub fn concurrency(&self, provider: ProviderKind) -> usize {
        self.svc.slots.limit(provider)
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.svc.config.data_dir
    }
}

const PANIC_MESSAGE: &str = "Something went wrong inside Deckhand while it was working on this deck. Check again, or make it again.";

/// Fixes what a job's stored state means after Deckhand stopped unexpectedly; true when the
/// job changed.
fn recover_after_crash(job: &mut Job, now: u64) -> bool {
    match (job.state, &job.remote) {
        // The POST may have left before the stop: never send it again on our own.
        (JobState::Submitting, None) => {
            let (name, check) = (job.provider.in_sentence(), job.provider.where_to_check());
            job.fail(
                JobState::NeedsAttention,
                Error::SubmitUncertain {
                    message: format!(
                        "Deckhand stopped while sending this request, so it may or may not have reached {name}. \
                         Check {check}: if the deck is there, download it from there; if not, retry it as a new job."
                    ),
                    details: Details::default(),
                },
                now,
            );
            job.progress = None;
            true
        }
        // Accepted (the remote id was saved with `running`); keep polling.
        (JobState::Submitting, Some(_)) => {
            job.set_state(JobState::Running, now);
            true
        }
        _ => false,
    }
}
